/* The codec control that tells a stateless decoder the stream's bit depth.
 *
 * Drivers such as hantro and rkvdec list their 10-bit CAPTURE formats only
 * once the codec's sequence control (H.264 or HEVC SPS, VP9 frame, AV1
 * sequence) says 10 bits, and change that list only while CAPTURE has no
 * buffers. So the probe sets such a control to learn the 10-bit formats,
 * and a 10-bit decoder session sets it before choosing its CAPTURE
 * format. */
#ifndef V4L2R_BIT_DEPTH_H
#define V4L2R_BIT_DEPTH_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/videodev2.h>

#include "codec.h"

union v4l2r_bit_depth_payload {
	struct v4l2_ctrl_h264_sps h264;
	struct v4l2_ctrl_hevc_sps hevc;
	struct v4l2_ctrl_vp9_frame vp9;
#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
	struct v4l2_ctrl_av1_sequence av1;
#endif
};

/* Fills ctrl (its payload in p) with a minimal valid sequence control of
 * the codec for a width x height 4:2:0 stream of depth bits (8 or 10).
 * Returns false when the codec has no such control (MPEG-2, VP8; AV1 where
 * the uAPI headers lack it). */
bool v4l2r_bit_depth_control(enum v4l2r_codec codec, unsigned depth,
			     uint32_t width, uint32_t height,
			     union v4l2r_bit_depth_payload *p,
			     struct v4l2_ext_control *ctrl);

#endif
