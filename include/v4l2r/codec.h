/* The stateless codecs the kernel uAPI defines, and what each one needs. */
#ifndef V4L2R_CODEC_H
#define V4L2R_CODEC_H

#include <stdbool.h>
#include <stdint.h>

enum v4l2r_codec {
	V4L2R_CODEC_MPEG2,
	V4L2R_CODEC_H264,
	V4L2R_CODEC_HEVC,
	V4L2R_CODEC_VP8,
	V4L2R_CODEC_VP9,
	V4L2R_CODEC_AV1,
	V4L2R_CODEC_COUNT
};

/* A stateless control and the size of the uAPI struct we were built with. */
struct v4l2r_control_spec {
	uint32_t id;
	uint32_t elem_size;
	const char *name;
	/* false: the uAPI lets a driver go without it (e.g. H.264 slice
	 * parameters on frame-based decoders). */
	bool required;
};

struct v4l2r_codec_desc {
	enum v4l2r_codec codec;
	const char *name;	/* "mpeg2", "h264", ... */
	uint32_t coded_fourcc;	/* V4L2_PIX_FMT_*_SLICE / *_FRAME */
	const struct v4l2r_control_spec *controls;
	unsigned n_controls;
	uint32_t decode_mode_cid;	/* 0: the codec has no such menu */
	uint32_t start_code_cid;	/* 0: the codec has no such menu */
	bool compiled;		/* false when the build headers lack it */
};

const struct v4l2r_codec_desc *v4l2r_codec_get(enum v4l2r_codec codec);
const struct v4l2r_codec_desc *v4l2r_codec_by_fourcc(uint32_t coded_fourcc);
const struct v4l2r_codec_desc *v4l2r_codec_by_name(const char *name);

/* The four characters of any fourcc ("S264"), non-printable ones as '.',
 * into buf (at least 8 bytes). */
const char *v4l2r_fourcc_str(uint32_t fourcc, char buf[8]);

#endif
