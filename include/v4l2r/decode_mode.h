/* How a device wants a codec's work: slice-based or frame-based requests,
 * with or without Annex-B start codes, chosen from its decode-mode and
 * start-code menus. Both front ends decide it the same way. */
#ifndef V4L2R_DECODE_MODE_H
#define V4L2R_DECODE_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"
#include "probe.h"

struct v4l2r_session;

struct v4l2r_decode_mode {
	bool slice_based;	/* one request per slice, capture held between */
	bool annex_b;		/* each slice's data starts with 00 00 01 */
	/* caps->controls_present: bit i set when
	 * v4l2r_codec_get(codec)->controls[i] is on the device, so a codec
	 * leaves out optional controls (HEVC SLICE_PARAMS,
	 * ENTRY_POINT_OFFSETS) the device lacks; 0: not known, send them */
	uint32_t controls_present;
};

/* What a user may ask for (LIBVA_V4L2_REQUEST_DECODE_MODE, the plugin's
 * property): honoured when the device offers it. */
#define V4L2R_DECODE_MODE_AUTO (-1)
#define V4L2R_DECODE_MODE_SLICE 0
#define V4L2R_DECODE_MODE_FRAME 1

/* Chooses decode mode and start codes from the device's menus; forced
 * (V4L2R_DECODE_MODE_*) wins when the device offers it. *ok false: no mode
 * we can use. */
struct v4l2r_decode_mode v4l2r_decode_mode_choose(const struct v4l2r_codec_desc *desc,
						  const struct v4l2r_codec_caps *caps,
						  int forced, bool *ok);

/* Whether the device lacks control cid of codec (an optional one:
 * mode->controls_present says so); false when that is not known. */
bool v4l2r_decode_mode_lacks(const struct v4l2r_decode_mode *mode,
			     enum v4l2r_codec codec, uint32_t cid);

/* Sets the device's decode-mode and start-code menus (those it has) to
 * mode, outside any request. */
int v4l2r_session_set_decode_mode(struct v4l2r_session *s,
				  const struct v4l2r_codec_desc *desc,
				  const struct v4l2r_codec_caps *caps,
				  const struct v4l2r_decode_mode *mode);

/* The OUTPUT buffer size to ask for pictures of this size. */
uint32_t v4l2r_bitstream_size(uint32_t width, uint32_t height);

#endif
