#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/codec.h"

/* The AV1 coded format has been stable since Linux 6.5; knowing it lets a
 * probe report an AV1 decoder that this build cannot drive. */
#ifndef V4L2_PIX_FMT_AV1_FRAME
#define V4L2_PIX_FMT_AV1_FRAME v4l2_fourcc('A', 'V', '1', 'F')
#endif

#define CONTROL(cid, type, req) \
	{ .id = (cid), .elem_size = sizeof(type), .name = #cid, .required = (req) }
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct v4l2r_control_spec mpeg2_controls[] = {
	CONTROL(V4L2_CID_STATELESS_MPEG2_SEQUENCE,
		struct v4l2_ctrl_mpeg2_sequence, true),
	CONTROL(V4L2_CID_STATELESS_MPEG2_PICTURE,
		struct v4l2_ctrl_mpeg2_picture, true),
	/* Absent: the driver uses the default matrices. */
	CONTROL(V4L2_CID_STATELESS_MPEG2_QUANTISATION,
		struct v4l2_ctrl_mpeg2_quantisation, false),
};

static const struct v4l2r_control_spec h264_controls[] = {
	CONTROL(V4L2_CID_STATELESS_H264_SPS, struct v4l2_ctrl_h264_sps, true),
	CONTROL(V4L2_CID_STATELESS_H264_PPS, struct v4l2_ctrl_h264_pps, true),
	CONTROL(V4L2_CID_STATELESS_H264_SCALING_MATRIX,
		struct v4l2_ctrl_h264_scaling_matrix, true),
	/* Only slice-based decoders take these two. */
	CONTROL(V4L2_CID_STATELESS_H264_PRED_WEIGHTS,
		struct v4l2_ctrl_h264_pred_weights, false),
	CONTROL(V4L2_CID_STATELESS_H264_SLICE_PARAMS,
		struct v4l2_ctrl_h264_slice_params, false),
	CONTROL(V4L2_CID_STATELESS_H264_DECODE_PARAMS,
		struct v4l2_ctrl_h264_decode_params, true),
};

static const struct v4l2r_control_spec hevc_controls[] = {
	CONTROL(V4L2_CID_STATELESS_HEVC_SPS, struct v4l2_ctrl_hevc_sps, true),
	CONTROL(V4L2_CID_STATELESS_HEVC_PPS, struct v4l2_ctrl_hevc_pps, true),
	/* Only slice-based decoders take slice parameters and entry point
	 * offsets (both dynamic arrays, one element per slice / offset). */
	CONTROL(V4L2_CID_STATELESS_HEVC_SLICE_PARAMS,
		struct v4l2_ctrl_hevc_slice_params, false),
	CONTROL(V4L2_CID_STATELESS_HEVC_SCALING_MATRIX,
		struct v4l2_ctrl_hevc_scaling_matrix, true),
	CONTROL(V4L2_CID_STATELESS_HEVC_DECODE_PARAMS,
		struct v4l2_ctrl_hevc_decode_params, true),
	CONTROL(V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS, __u32, false),
};

static const struct v4l2r_control_spec vp8_controls[] = {
	CONTROL(V4L2_CID_STATELESS_VP8_FRAME, struct v4l2_ctrl_vp8_frame, true),
};

static const struct v4l2r_control_spec vp9_controls[] = {
	CONTROL(V4L2_CID_STATELESS_VP9_FRAME, struct v4l2_ctrl_vp9_frame, true),
	/* Only decoders that do not parse the compressed header in hardware
	 * take its probability updates. */
	CONTROL(V4L2_CID_STATELESS_VP9_COMPRESSED_HDR,
		struct v4l2_ctrl_vp9_compressed_hdr, false),
};

#define CODEC(id, nm, fourcc, ctrls, mode_cid, start_cid) \
	[id] = { .codec = (id), .name = (nm), .coded_fourcc = (fourcc), \
		 .controls = (ctrls), .n_controls = COUNT(ctrls), \
		 .decode_mode_cid = (mode_cid), .start_code_cid = (start_cid), \
		 .compiled = true }

#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
static const struct v4l2r_control_spec av1_controls[] = {
	CONTROL(V4L2_CID_STATELESS_AV1_SEQUENCE,
		struct v4l2_ctrl_av1_sequence, true),
	CONTROL(V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
		struct v4l2_ctrl_av1_tile_group_entry, true),
	CONTROL(V4L2_CID_STATELESS_AV1_FRAME, struct v4l2_ctrl_av1_frame, true),
	/* Absent: the decoder does not apply film grain. */
	CONTROL(V4L2_CID_STATELESS_AV1_FILM_GRAIN,
		struct v4l2_ctrl_av1_film_grain, false),
};
#define AV1_ENTRY \
	CODEC(V4L2R_CODEC_AV1, "av1", V4L2_PIX_FMT_AV1_FRAME, av1_controls, 0, 0)
#else
#define AV1_ENTRY \
	[V4L2R_CODEC_AV1] = { .codec = V4L2R_CODEC_AV1, .name = "av1", \
			      .coded_fourcc = V4L2_PIX_FMT_AV1_FRAME }
#endif

static const struct v4l2r_codec_desc codecs[V4L2R_CODEC_COUNT] = {
	CODEC(V4L2R_CODEC_MPEG2, "mpeg2", V4L2_PIX_FMT_MPEG2_SLICE,
	      mpeg2_controls, 0, 0),
	CODEC(V4L2R_CODEC_H264, "h264", V4L2_PIX_FMT_H264_SLICE, h264_controls,
	      V4L2_CID_STATELESS_H264_DECODE_MODE,
	      V4L2_CID_STATELESS_H264_START_CODE),
	CODEC(V4L2R_CODEC_HEVC, "hevc", V4L2_PIX_FMT_HEVC_SLICE, hevc_controls,
	      V4L2_CID_STATELESS_HEVC_DECODE_MODE,
	      V4L2_CID_STATELESS_HEVC_START_CODE),
	CODEC(V4L2R_CODEC_VP8, "vp8", V4L2_PIX_FMT_VP8_FRAME, vp8_controls,
	      0, 0),
	CODEC(V4L2R_CODEC_VP9, "vp9", V4L2_PIX_FMT_VP9_FRAME, vp9_controls,
	      0, 0),
	AV1_ENTRY,
};

const struct v4l2r_codec_desc *v4l2r_codec_get(enum v4l2r_codec codec)
{
	if ((unsigned)codec >= V4L2R_CODEC_COUNT)
		return NULL;
	return &codecs[codec];
}

const struct v4l2r_codec_desc *v4l2r_codec_by_fourcc(uint32_t coded_fourcc)
{
	for (unsigned i = 0; i < V4L2R_CODEC_COUNT; i++)
		if (codecs[i].coded_fourcc == coded_fourcc)
			return &codecs[i];
	return NULL;
}

const struct v4l2r_codec_desc *v4l2r_codec_by_name(const char *name)
{
	for (unsigned i = 0; name && i < V4L2R_CODEC_COUNT; i++)
		if (strcmp(codecs[i].name, name) == 0)
			return &codecs[i];
	return NULL;
}

const char *v4l2r_fourcc_str(uint32_t fourcc, char buf[8])
{
	for (unsigned i = 0; i < 4; i++) {
		unsigned char c = (fourcc >> (8 * i)) & 0xff;
		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	buf[4] = '\0';
	return buf;
}
