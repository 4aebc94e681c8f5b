/* check, controls area: every control the uAPI defines for each listed
 * codec exists (when required) with the elem_size of the struct this build
 * knows, and the decode-mode and start-code menus are well formed. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_common.h"

/* "V4L2_CID_STATELESS_H264_SPS" -> "h264-sps": the name carries the
 * codec, as every codec-specific test name does. */
static const char *control_test_name(const char *cid_name, char *buf,
				     size_t size)
{
	static const char prefix[] = "V4L2_CID_STATELESS_";
	size_t i = 0;

	if (strncmp(cid_name, prefix, sizeof(prefix) - 1) == 0)
		cid_name += sizeof(prefix) - 1;
	for (; cid_name[i] && i + 1 < size; i++)
		buf[i] = cid_name[i] == '_' ? '-' :
			 (char)tolower((unsigned char)cid_name[i]);
	buf[i] = '\0';
	return buf;
}

/* The value of the codec's decode-mode menu meaning slice-based, or -1. */
static int slice_based_value(const struct v4l2r_codec_desc *d)
{
	if (d->decode_mode_cid == V4L2_CID_STATELESS_H264_DECODE_MODE)
		return V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED;
	if (d->decode_mode_cid == V4L2_CID_STATELESS_HEVC_DECODE_MODE)
		return V4L2_STATELESS_HEVC_DECODE_MODE_SLICE_BASED;
	return -1;
}

/* Slice parameters are optional in the codec table (frame-based decoders
 * go without) but required when the device offers slice-based decoding. */
static bool required_here(const struct check_ctx *c,
			  const struct v4l2r_codec_desc *d,
			  const struct v4l2r_control_spec *spec)
{
	const struct v4l2r_codec_caps *cc = check_codec_caps(c, d);
	int slice = slice_based_value(d);

	if (spec->required)
		return true;
	if (spec->id != V4L2_CID_STATELESS_H264_SLICE_PARAMS &&
	    spec->id != V4L2_CID_STATELESS_HEVC_SLICE_PARAMS)
		return false;
	return slice >= 0 && (cc->decode_modes & (UINT32_C(1) << slice));
}

/* Controls the uAPI documents as dynamically sized arrays. */
static bool dynamic_array(uint32_t id)
{
	return id == V4L2_CID_STATELESS_HEVC_SLICE_PARAMS ||
	       id == V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS;
}

static void check_control(struct check_ctx *c, int fd,
			  const struct v4l2r_codec_desc *d,
			  const struct v4l2r_control_spec *spec)
{
	struct v4l2_query_ext_ctrl q = { .id = spec->id };
	char name[64], why[192];
	int ret = check_ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q);

	control_test_name(spec->name, name, sizeof(name));
	if (ret < 0) {
		if (required_here(c, d, spec))
			check_report(c, name, CHECK_FAIL,
				     "required control %s missing (%s)",
				     spec->name, check_errno_name(ret));
		else
			check_report(c, name, CHECK_SKIP,
				     "optional in the uAPI, not offered");
		return;
	}
	if (q.flags & V4L2_CTRL_FLAG_DISABLED) {
		check_report(c, name, CHECK_FAIL, "%s is disabled", spec->name);
		return;
	}
	if (v4l2r_check_control(&q, spec, why, sizeof(why)) < 0) {
		check_report(c, name, CHECK_FAIL, "%s", why);
		return;
	}
	if (q.type >= V4L2_CTRL_COMPOUND_TYPES &&
	    !(q.flags & V4L2_CTRL_FLAG_HAS_PAYLOAD)) {
		check_report(c, name, CHECK_FAIL,
			     "compound control without V4L2_CTRL_FLAG_HAS_PAYLOAD");
		return;
	}
	if (dynamic_array(spec->id) &&
	    !(q.flags & V4L2_CTRL_FLAG_DYNAMIC_ARRAY)) {
		check_report(c, name, CHECK_FAIL,
			     "the uAPI makes it a dynamic array, but V4L2_CTRL_FLAG_DYNAMIC_ARRAY is not set");
		return;
	}
	check_report(c, name, CHECK_OK, NULL);
}

/* Which menu values the uAPI defines for this menu: bit n for value n. */
static uint32_t known_values(uint32_t cid)
{
	switch (cid) {
	case V4L2_CID_STATELESS_H264_DECODE_MODE:
	case V4L2_CID_STATELESS_HEVC_DECODE_MODE:
	case V4L2_CID_STATELESS_H264_START_CODE:
	case V4L2_CID_STATELESS_HEVC_START_CODE:
		return 0x3;	/* slice/frame based, none/Annex B */
	default:
		return 0;
	}
}

static void check_menu(struct check_ctx *c, int fd,
		       const struct v4l2r_codec_desc *d, uint32_t cid,
		       const char *what)
{
	struct v4l2_query_ext_ctrl q = { .id = cid };
	char name[48];
	unsigned offered = 0;
	uint32_t unknown = 0;
	int ret = check_ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q);

	check_name(name, sizeof(name), d, what);
	if (ret < 0) {
		check_report(c, name, CHECK_FAIL,
			     "no %s menu (%s): applications must set it for %s",
			     what, check_errno_name(ret), d->name);
		return;
	}
	if (q.type != V4L2_CTRL_TYPE_MENU) {
		check_report(c, name, CHECK_FAIL, "type %u, not a menu", q.type);
		return;
	}
	if (q.minimum < 0 || q.minimum > q.maximum || q.maximum > 63) {
		check_report(c, name, CHECK_FAIL, "range %lld..%lld",
			     (long long)q.minimum, (long long)q.maximum);
		return;
	}
	if (q.default_value < q.minimum || q.default_value > q.maximum) {
		check_report(c, name, CHECK_FAIL, "default %lld outside %lld..%lld",
			     (long long)q.default_value, (long long)q.minimum,
			     (long long)q.maximum);
		return;
	}
	for (int64_t v = q.minimum; v <= q.maximum; v++) {
		struct v4l2_querymenu m = { .id = cid, .index = (uint32_t)v };

		ret = check_ioctl(fd, VIDIOC_QUERYMENU, &m);
		if (ret == -EINVAL)
			continue;	/* a value the driver skips */
		if (ret < 0 || !m.name[0]) {
			check_report(c, name, CHECK_FAIL,
				     "VIDIOC_QUERYMENU %lld: %s", (long long)v,
				     ret < 0 ? strerror(-ret) : "empty name");
			return;
		}
		offered++;
		if (!(known_values(cid) & (UINT32_C(1) << v)))
			unknown |= UINT32_C(1) << v;
	}
	{
		struct v4l2_querymenu m = { .id = cid,
					    .index = (uint32_t)q.default_value };

		if (check_ioctl(fd, VIDIOC_QUERYMENU, &m) < 0) {
			check_report(c, name, CHECK_FAIL,
				     "the default %lld is a skipped value",
				     (long long)q.default_value);
			return;
		}
	}
	{
		struct v4l2_querymenu m = { .id = cid,
					    .index = (uint32_t)q.maximum + 1 };

		if (check_ioctl(fd, VIDIOC_QUERYMENU, &m) == 0) {
			check_report(c, name, CHECK_FAIL,
				     "VIDIOC_QUERYMENU accepts %lld, past the maximum",
				     (long long)q.maximum + 1);
			return;
		}
	}
	if (!offered)
		check_report(c, name, CHECK_FAIL, "no value offered");
	else if (unknown)
		check_report(c, name, CHECK_WARN,
			     "values unknown to the uAPI this build has (mask 0x%x)",
			     unknown);
	else
		check_report(c, name, CHECK_OK, "%u value(s), default %lld",
			     offered, (long long)q.default_value);
}

void check_controls(struct check_ctx *c)
{
	int fd;

	check_area(c, "controls");
	if (!check_codecs_listed(c))
		return;
	fd = check_open_video(c);
	if (fd < 0) {
		check_report(c, "open", CHECK_FAIL, "cannot open %s: %s",
			     c->node.video_path, strerror(-fd));
		return;
	}
	for (const struct v4l2r_codec_desc *d = check_codec_next(c, NULL); d;
	     d = check_codec_next(c, d)) {
		char name[48];

		if (!d->compiled) {
			check_report(c, check_name(name, sizeof(name), d, "controls"),
				     CHECK_SKIP,
				     "the build's kernel headers lack the %s uAPI",
				     d->name);
			continue;
		}
		for (unsigned i = 0; i < d->n_controls; i++)
			check_control(c, fd, d, &d->controls[i]);
		if (d->decode_mode_cid)
			check_menu(c, fd, d, d->decode_mode_cid, "decode-mode");
		if (d->start_code_cid)
			check_menu(c, fd, d, d->start_code_cid, "start-code");
	}
	close(fd);
}
