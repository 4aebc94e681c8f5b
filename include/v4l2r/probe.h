/* What a stateless decoder can do, read from the device. */
#ifndef V4L2R_PROBE_H
#define V4L2R_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"

#define V4L2R_MAX_CAPTURE_FORMATS 8

struct v4l2r_size_range {
	bool known;	/* false: VIDIOC_ENUM_FRAMESIZES not implemented */
	/* discrete sizes are given as the range bounding them, steps 0 */
	uint32_t min_width, max_width, step_width;
	uint32_t min_height, max_height, step_height;
};

struct v4l2r_codec_caps {
	bool present;	/* the coded format is listed on OUTPUT */
	bool usable;	/* present, and every required control checks out */
	char problem[192];	/* why not usable, when present */
	uint32_t capture_fourccs[V4L2R_MAX_CAPTURE_FORMATS];
	unsigned n_capture;
	struct v4l2r_size_range sizes;
	uint32_t decode_modes;	/* bit n set: menu value n offered */
	uint32_t start_codes;	/* bit n set: menu value n offered */
	int32_t default_decode_mode, default_start_code;	/* -1: no menu */
	uint64_t profiles;	/* bit n: V4L2 profile menu value n; 0: none */
	bool has_profile_menu;
	uint32_t controls_present;	/* bit i: controls[i] of the desc */
	/* OUTPUT offers V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF with this
	 * coded format set (drivers such as cedrus decide per format). */
	bool hold_capture;
};

struct v4l2r_device_caps {
	char driver[16];
	char card[32];
	char bus_info[32];
	bool mplane;
	bool supports_requests;	/* OUTPUT has V4L2_BUF_CAP_SUPPORTS_REQUESTS */
	bool hold_capture;	/* some codec has hold-capture support */
	struct v4l2r_codec_caps codec[V4L2R_CODEC_COUNT];
};

/* Probes an open video node. Leaves the device's formats changed. Returns 0,
 * or a negative errno when the node is not a usable stateless decoder. */
int v4l2r_probe(int video_fd, struct v4l2r_device_caps *caps);

struct v4l2_query_ext_ctrl;

/* Pure part of the control check: 0 when the queried control matches spec,
 * else -EINVAL with the reason in why. A NULL q means the control is absent
 * (-ENOENT when spec->required, 0 otherwise). */
int v4l2r_check_control(const struct v4l2_query_ext_ctrl *q,
			const struct v4l2r_control_spec *spec, char *why,
			unsigned why_size);

/* Decides usable/problem from what the probe collected (a problem the
 * probe already wrote, such as an elem_size mismatch, is kept). */
void v4l2r_codec_caps_finish(const struct v4l2r_codec_desc *desc,
			     bool hold_capture, struct v4l2r_codec_caps *caps);

/* A limit of a usable codec worth telling the user (slice-based only
 * without hold-capture support), or NULL. */
const char *v4l2r_codec_caps_limitation(const struct v4l2r_codec_desc *desc,
					bool hold_capture,
					const struct v4l2r_codec_caps *caps);

#endif
