/* check, decode area: per codec, one request with minimal valid controls
 * completes through the core's decoder session, and an invalid control
 * value is refused at S_EXT_CTRLS with the index of the failing control. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "v4l2r/session.h"

#include "check_common.h"

#define TIMESTAMP_NS 1000000u

static int open_session(struct check_ctx *c, struct check_picture *pic,
			struct v4l2r_session **out, char *why, size_t size)
{
	struct v4l2r_session *s;
	struct v4l2r_layout layout;
	const char *step;
	int ret;

	check_log_clear();
	ret = v4l2r_session_open(&c->node, &s);
	if (ret < 0) {
		snprintf(why, size, "opening a session: %s", strerror(-ret));
		return ret;
	}
	step = "setting the OUTPUT format";
	ret = v4l2r_session_set_output_format(s, pic->desc->coded_fourcc,
					      pic->width, pic->height, 0);
	if (ret == 0 && pic->n_context) {
		step = "setting the decode mode and start code";
		ret = v4l2r_session_set_controls(s, pic->context, pic->n_context);
	}
	if (ret == 0) {
		step = "setting the sequence-level control";
		ret = v4l2r_session_set_controls(s, pic->ctrl, 1);
	}
	if (ret == 0) {
		step = "setting the CAPTURE format";
		ret = v4l2r_session_set_capture_format(s, 0, &layout);
	}
	if (ret == 0) {
		step = "allocating buffers";
		ret = v4l2r_session_alloc_buffers(s, 1, 1);
	}
	if (ret == 0) {
		step = "starting";
		ret = v4l2r_session_start(s);
	}
	if (ret < 0) {
		snprintf(why, size, "%s: %s%s%s", step, strerror(-ret),
			 check_log_last()[0] ? ": " : "", check_log_last());
		v4l2r_session_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

static void check_request_completes(struct check_ctx *c,
				    struct v4l2r_session *s,
				    struct check_picture *pic)
{
	struct v4l2r_request *r;
	enum v4l2r_result res;
	char name[48];
	size_t cap;
	uint8_t *data;
	int ret;

	check_name(name, sizeof(name), pic->desc, "request");
	ret = v4l2r_request_acquire(s, CHECK_TIMEOUT_MS, &r);
	if (ret < 0) {
		check_report(c, name, CHECK_FAIL, "no request slot: %s",
			     strerror(-ret));
		return;
	}
	data = v4l2r_request_data(r, &cap);
	if (cap < pic->bitstream_size) {
		v4l2r_request_release(r);
		check_report(c, name, CHECK_FAIL,
			     "OUTPUT buffers of %zu bytes, the picture has %zu",
			     cap, pic->bitstream_size);
		return;
	}
	memcpy(data, pic->bitstream, pic->bitstream_size);
	ret = v4l2r_request_set_controls(r, pic->ctrl, pic->n_ctrl, NULL);
	if (ret < 0) {
		v4l2r_request_release(r);
		check_report(c, name, CHECK_FAIL,
			     "the picture's controls were refused: %s",
			     check_log_last());
		return;
	}
	ret = v4l2r_request_queue(r, 0, TIMESTAMP_NS, pic->bitstream_size, 0);
	if (ret < 0) {
		check_report(c, name, CHECK_FAIL, "queueing: %s%s%s",
			     strerror(-ret), check_log_last()[0] ? ": " : "",
			     check_log_last());
		return;
	}
	res = v4l2r_session_wait_capture(s, 0, CHECK_TIMEOUT_MS);
	if (res == V4L2R_DONE)
		check_report(c, name, CHECK_OK, NULL);
	else if (res == V4L2R_DECODE_ERROR && !pic->decodable)
		check_report(c, name, CHECK_OK,
			     "completed with V4L2_BUF_FLAG_ERROR, as a hardware decoder may for this synthetic bitstream");
	else if (res == V4L2R_DECODE_ERROR)
		check_report(c, name, CHECK_WARN,
			     "completed, but the device flagged a decode error on a valid picture");
	else
		check_report(c, name, CHECK_FAIL, "the picture ended %s",
			     v4l2r_result_str(res));
	v4l2r_session_capture_reset(s, 0);
}

static void check_invalid_refused(struct check_ctx *c,
				  struct v4l2r_session *s,
				  struct check_picture *pic)
{
	struct v4l2r_request *r;
	const char *what = "";
	unsigned error_idx = ~0u;
	char name[48];
	int bad, ret;

	check_name(name, sizeof(name), pic->desc, "invalid-control");
	bad = check_picture_break(pic, &what);
	if (bad < 0) {
		check_report(c, name, CHECK_SKIP, "no invalid value known");
		return;
	}
	ret = v4l2r_request_acquire(s, CHECK_TIMEOUT_MS, &r);
	if (ret < 0) {
		check_report(c, name, CHECK_FAIL, "no request slot: %s",
			     strerror(-ret));
		return;
	}
	ret = v4l2r_request_set_controls(r, pic->ctrl, pic->n_ctrl, &error_idx);
	v4l2r_request_release(r);
	if (ret == 0)
		check_report(c, name, CHECK_FAIL, "%s was accepted", what);
	else if (ret != -EINVAL && ret != -ERANGE)
		check_report(c, name, CHECK_FAIL, "%s refused with %s, want EINVAL",
			     what, check_errno_name(ret));
	else if (error_idx == (unsigned)bad)
		check_report(c, name, CHECK_OK, NULL);
	else if (error_idx == pic->n_ctrl)
		check_report(c, name, CHECK_WARN,
			     "%s refused with error_idx = count (%u): the failing control is not named",
			     what, error_idx);
	else
		check_report(c, name, CHECK_FAIL,
			     "%s refused with error_idx %u, the control is at %d",
			     what, error_idx, bad);
}

static void check_codec(struct check_ctx *c, const struct v4l2r_codec_desc *d)
{
	const struct v4l2r_codec_caps *cc = check_codec_caps(c, d);
	struct check_picture pic;
	struct v4l2r_session *s;
	char name[48], why[320];
	int ret;

	check_name(name, sizeof(name), d, "request");
	if (!d->compiled) {
		check_report(c, name, CHECK_SKIP,
			     "the build's kernel headers lack the %s uAPI",
			     d->name);
		return;
	}
	if (!cc->usable) {
		check_report(c, name, CHECK_SKIP, "the codec is unusable: %s",
			     cc->problem);
		return;
	}
	ret = check_picture_init(&pic, d, cc);
	if (ret < 0) {
		check_report(c, name, CHECK_FAIL, "no %s picture: %s", d->name,
			     strerror(-ret));
		return;
	}
	ret = open_session(c, &pic, &s, why, sizeof(why));
	if (ret < 0) {
		check_report(c, name, CHECK_FAIL, "%s", why);
		check_picture_fini(&pic);
		return;
	}
	check_request_completes(c, s, &pic);
	check_invalid_refused(c, s, &pic);
	v4l2r_session_close(s);
	check_picture_fini(&pic);
}

void check_decode(struct check_ctx *c)
{
	check_area(c, "decode");
	if (!check_codecs_listed(c))
		return;
	for (const struct v4l2r_codec_desc *d = check_codec_next(c, NULL); d;
	     d = check_codec_next(c, d))
		check_codec(c, d);
}
