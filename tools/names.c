/* Names of menu values, indexed by the uAPI enums themselves. */
#include "config.h"

#include <stddef.h>

#include <linux/videodev2.h>

#include "names.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const char *const *names, unsigned n,
			  unsigned value)
{
	return value < n ? names[value] : NULL;
}

static const char *const h264_decode_modes[] = {
	[V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED] = "slice-based",
	[V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED] = "frame-based",
};

static const char *const hevc_decode_modes[] = {
	[V4L2_STATELESS_HEVC_DECODE_MODE_SLICE_BASED] = "slice-based",
	[V4L2_STATELESS_HEVC_DECODE_MODE_FRAME_BASED] = "frame-based",
};

static const char *const h264_start_codes[] = {
	[V4L2_STATELESS_H264_START_CODE_NONE] = "none",
	[V4L2_STATELESS_H264_START_CODE_ANNEX_B] = "annex-b",
};

static const char *const hevc_start_codes[] = {
	[V4L2_STATELESS_HEVC_START_CODE_NONE] = "none",
	[V4L2_STATELESS_HEVC_START_CODE_ANNEX_B] = "annex-b",
};

static const char *const mpeg2_profiles[] = {
	[V4L2_MPEG_VIDEO_MPEG2_PROFILE_SIMPLE] = "simple",
	[V4L2_MPEG_VIDEO_MPEG2_PROFILE_MAIN] = "main",
	[V4L2_MPEG_VIDEO_MPEG2_PROFILE_SNR_SCALABLE] = "snr-scalable",
	[V4L2_MPEG_VIDEO_MPEG2_PROFILE_SPATIALLY_SCALABLE] = "spatially-scalable",
	[V4L2_MPEG_VIDEO_MPEG2_PROFILE_HIGH] = "high",
	[V4L2_MPEG_VIDEO_MPEG2_PROFILE_MULTIVIEW] = "multiview",
};

static const char *const h264_profiles[] = {
	[V4L2_MPEG_VIDEO_H264_PROFILE_BASELINE] = "baseline",
	[V4L2_MPEG_VIDEO_H264_PROFILE_CONSTRAINED_BASELINE] = "constrained-baseline",
	[V4L2_MPEG_VIDEO_H264_PROFILE_MAIN] = "main",
	[V4L2_MPEG_VIDEO_H264_PROFILE_EXTENDED] = "extended",
	[V4L2_MPEG_VIDEO_H264_PROFILE_HIGH] = "high",
	[V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_10] = "high-10",
	[V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_422] = "high-422",
	[V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_444_PREDICTIVE] = "high-444-predictive",
	[V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_10_INTRA] = "high-10-intra",
	[V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_422_INTRA] = "high-422-intra",
	[V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_444_INTRA] = "high-444-intra",
	[V4L2_MPEG_VIDEO_H264_PROFILE_CAVLC_444_INTRA] = "cavlc-444-intra",
	[V4L2_MPEG_VIDEO_H264_PROFILE_SCALABLE_BASELINE] = "scalable-baseline",
	[V4L2_MPEG_VIDEO_H264_PROFILE_SCALABLE_HIGH] = "scalable-high",
	[V4L2_MPEG_VIDEO_H264_PROFILE_SCALABLE_HIGH_INTRA] = "scalable-high-intra",
	[V4L2_MPEG_VIDEO_H264_PROFILE_STEREO_HIGH] = "stereo-high",
	[V4L2_MPEG_VIDEO_H264_PROFILE_MULTIVIEW_HIGH] = "multiview-high",
	[V4L2_MPEG_VIDEO_H264_PROFILE_CONSTRAINED_HIGH] = "constrained-high",
};

static const char *const hevc_profiles[] = {
	[V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN] = "main",
	[V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN_STILL_PICTURE] = "main-still-picture",
	[V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN_10] = "main-10",
};

/* VP8 and VP9 profiles are numbers in their specifications. */
static const char *const numbered_profiles[] = {
	"0", "1", "2", "3",
};

/* The uAPI's AV1 menu follows seq_profile; older headers lack its enum. */
static const char *const av1_profiles[] = {
	"main", "high", "professional",
};

const char *tool_decode_mode_name(const struct v4l2r_codec_desc *desc,
				  unsigned value)
{
	switch (desc->decode_mode_cid) {
	case V4L2_CID_STATELESS_H264_DECODE_MODE:
		return lookup(h264_decode_modes, N_ELEMS(h264_decode_modes),
			      value);
	case V4L2_CID_STATELESS_HEVC_DECODE_MODE:
		return lookup(hevc_decode_modes, N_ELEMS(hevc_decode_modes),
			      value);
	default:
		return NULL;
	}
}

const char *tool_start_code_name(const struct v4l2r_codec_desc *desc,
				 unsigned value)
{
	switch (desc->start_code_cid) {
	case V4L2_CID_STATELESS_H264_START_CODE:
		return lookup(h264_start_codes, N_ELEMS(h264_start_codes),
			      value);
	case V4L2_CID_STATELESS_HEVC_START_CODE:
		return lookup(hevc_start_codes, N_ELEMS(hevc_start_codes),
			      value);
	default:
		return NULL;
	}
}

const char *tool_profile_name(const struct v4l2r_codec_desc *desc,
			      unsigned value)
{
	switch (desc->codec) {
	case V4L2R_CODEC_MPEG2:
		return lookup(mpeg2_profiles, N_ELEMS(mpeg2_profiles), value);
	case V4L2R_CODEC_H264:
		return lookup(h264_profiles, N_ELEMS(h264_profiles), value);
	case V4L2R_CODEC_HEVC:
		return lookup(hevc_profiles, N_ELEMS(hevc_profiles), value);
	case V4L2R_CODEC_VP8:
	case V4L2R_CODEC_VP9:
		return lookup(numbered_profiles, N_ELEMS(numbered_profiles),
			      value);
	case V4L2R_CODEC_AV1:
		return lookup(av1_profiles, N_ELEMS(av1_profiles), value);
	default:
		return NULL;
	}
}
