/* Choosing how a device takes a codec's work (decode_mode.h). */
#include <errno.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/decode_mode.h"
#include "v4l2r/session.h"

struct v4l2r_decode_mode v4l2r_decode_mode_choose(const struct v4l2r_codec_desc *desc,
						  const struct v4l2r_codec_caps *caps,
						  int forced, bool *ok)
{
	/* H.264 and HEVC number their menus alike: slice-based 0, frame-based
	 * 1; no start code 0, Annex-B 1. */
	const uint32_t slice = 1u << V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED;
	const uint32_t frame = 1u << V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED;
	const uint32_t none = 1u << V4L2_STATELESS_H264_START_CODE_NONE;
	const uint32_t annexb = 1u << V4L2_STATELESS_H264_START_CODE_ANNEX_B;
	struct v4l2r_decode_mode m = { .slice_based = false, .annex_b = false,
				    .controls_present = caps->controls_present };
	uint32_t modes = caps->decode_modes, codes = caps->start_codes;

	*ok = true;
	if (!desc->decode_mode_cid)
		return m;	/* frame based by nature (MPEG-2, VP8, ...) */
	if (!modes)	/* no menu: the uAPI's default */
		modes = caps->default_decode_mode >= 0 ?
				1u << caps->default_decode_mode : slice;
	if (!codes)
		codes = caps->default_start_code >= 0 ?
				1u << caps->default_start_code : none;

	/* A forced mode (LIBVA_V4L2_REQUEST_DECODE_MODE, the plugin's
	 * property): the mode asked for when the device
	 * offers it; frame-based takes Annex-B start codes when offered, as
	 * below. Otherwise the default choice (the caller tells the user). */
	if (forced == V4L2R_DECODE_MODE_FRAME && (modes & frame)) {
		m.annex_b = (codes & annexb) != 0;
		return m;
	}
	if (forced == V4L2R_DECODE_MODE_SLICE && (modes & slice)) {
		m.slice_based = true;
		m.annex_b = !(codes & none);
		return m;
	}

	/* Frame-based with Annex-B start codes when offered: one request per
	 * picture (a picture is never half queued, no dependence on
	 * HOLD_CAPTURE_BUF, fewer ioctls), and the start codes let the device
	 * find each slice itself. Frame-based without start codes cannot
	 * delimit slices, so it is only a last resort. Slice-based otherwise
	 * (Cedrus), with the start code the device takes, none preferred since
	 * the request already delimits the slice. */
	if ((modes & frame) && (codes & annexb)) {
		m.annex_b = true;
		return m;
	}
	if (modes & slice) {
		m.slice_based = true;
		m.annex_b = !(codes & none);
		return m;
	}
	if (modes & frame) {
		m.annex_b = (codes & annexb) != 0;
		return m;
	}
	*ok = false;
	return m;
}

bool v4l2r_decode_mode_lacks(const struct v4l2r_decode_mode *mode,
			     enum v4l2r_codec codec, uint32_t cid)
{
	const struct v4l2r_codec_desc *desc = v4l2r_codec_get(codec);

	/* 0: the plumbing did not say; send everything. */
	if (!mode->controls_present || !desc)
		return false;
	for (unsigned i = 0; i < desc->n_controls && i < 32; i++)
		if (desc->controls[i].id == cid)
			return !(mode->controls_present & (1u << i));
	return true;
}

int v4l2r_session_set_decode_mode(struct v4l2r_session *s,
				  const struct v4l2r_codec_desc *desc,
				  const struct v4l2r_codec_caps *caps,
				  const struct v4l2r_decode_mode *mode)
{
	/* H.264 and HEVC number their menus alike. */
	struct v4l2_ext_control ctrls[2];
	unsigned n = 0;

	memset(ctrls, 0, sizeof(ctrls));
	if (desc->decode_mode_cid && caps->decode_modes) {
		ctrls[n].id = desc->decode_mode_cid;
		ctrls[n++].value = mode->slice_based ?
					   V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED :
					   V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED;
	}
	if (desc->start_code_cid && caps->start_codes) {
		ctrls[n].id = desc->start_code_cid;
		ctrls[n++].value = mode->annex_b ?
					   V4L2_STATELESS_H264_START_CODE_ANNEX_B :
					   V4L2_STATELESS_H264_START_CODE_NONE;
	}
	return n ? v4l2r_session_set_controls(s, ctrls, n) : 0;
}

uint32_t v4l2r_bitstream_size(uint32_t width, uint32_t height)
{
	/* Half the size of the raw picture holds any sane coded picture; a
	 * larger one is refused before it is written, never overflowed. */
	uint64_t size = (uint64_t)width * height * 3 / 4;

	if (size < 1024 * 1024)
		size = 1024 * 1024;
	if (size > 64u * 1024 * 1024)
		size = 64u * 1024 * 1024;
	return (uint32_t)((size + 4095) & ~(uint64_t)4095);
}
