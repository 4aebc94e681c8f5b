/* Reading what a stateless decoder can do from the device itself: coded
 * and capture formats, frame sizes, controls and their menus, and the
 * OUTPUT queue's buffer capabilities. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/videodev2.h>

#include "v4l2r/bit_depth.h"
#include "v4l2r/format.h"
#include "v4l2r/log.h"
#include "v4l2r/probe.h"

/* Any size every decoder takes: enough for the driver to list the capture
 * formats that go with a coded format. */
#define PROBE_WIDTH 320
#define PROBE_HEIGHT 240

static int xioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, request, arg);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

static void copy_str(char *dst, size_t size, const void *src, size_t src_size)
{
	size_t n = strnlen(src, src_size);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static uint32_t output_type(const struct v4l2r_device_caps *caps)
{
	return caps->mplane ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE :
			      V4L2_BUF_TYPE_VIDEO_OUTPUT;
}

static uint32_t capture_type(const struct v4l2r_device_caps *caps)
{
	return caps->mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE :
			      V4L2_BUF_TYPE_VIDEO_CAPTURE;
}

static int probe_querycap(int fd, struct v4l2r_device_caps *caps)
{
	struct v4l2_capability cap;
	uint32_t dev_caps;
	int ret;

	memset(&cap, 0, sizeof(cap));
	ret = xioctl(fd, VIDIOC_QUERYCAP, &cap);
	if (ret) {
		v4l2r_info("probe: VIDIOC_QUERYCAP failed: %s", strerror(-ret));
		return ret;
	}
	copy_str(caps->driver, sizeof(caps->driver), cap.driver,
		 sizeof(cap.driver));
	copy_str(caps->card, sizeof(caps->card), cap.card, sizeof(cap.card));
	copy_str(caps->bus_info, sizeof(caps->bus_info), cap.bus_info,
		 sizeof(cap.bus_info));
	dev_caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps :
							     cap.capabilities;
	if (!(dev_caps & V4L2_CAP_STREAMING) ||
	    !(dev_caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE))) {
		v4l2r_info("probe: %s (%s) is not a streaming memory-to-memory device",
			   caps->card, caps->driver);
		return -ENODEV;
	}
	caps->mplane = dev_caps & V4L2_CAP_VIDEO_M2M_MPLANE;
	return 0;
}

/* REQBUFS with count 0 allocates nothing but reports the queue's
 * capabilities. */
static uint32_t output_buffer_caps(int fd, const struct v4l2r_device_caps *caps)
{
	struct v4l2_requestbuffers rb;
	int ret;

	memset(&rb, 0, sizeof(rb));
	rb.type = output_type(caps);
	rb.memory = V4L2_MEMORY_MMAP;
	ret = xioctl(fd, VIDIOC_REQBUFS, &rb);
	if (ret) {
		v4l2r_warn("probe: %s: VIDIOC_REQBUFS on OUTPUT failed: %s",
			   caps->card, strerror(-ret));
		return 0;
	}
	return rb.capabilities;
}

/* Marks present every codec whose coded format OUTPUT lists. Returns how
 * many. */
static unsigned probe_coded_formats(int fd, struct v4l2r_device_caps *caps)
{
	struct v4l2_fmtdesc fd_desc;
	unsigned found = 0;

	for (uint32_t i = 0;; i++) {
		const struct v4l2r_codec_desc *desc;
		char name[8];

		memset(&fd_desc, 0, sizeof(fd_desc));
		fd_desc.index = i;
		fd_desc.type = output_type(caps);
		if (xioctl(fd, VIDIOC_ENUM_FMT, &fd_desc))
			break;
		desc = v4l2r_codec_by_fourcc(fd_desc.pixelformat);
		if (!desc) {
			v4l2r_dbg("probe: %s: OUTPUT format %s is no stateless codec we know",
				  caps->card,
				  v4l2r_fourcc_str(fd_desc.pixelformat, name));
			continue;
		}
		if (!caps->codec[desc->codec].present)
			found++;
		caps->codec[desc->codec].present = true;
	}
	return found;
}

static int set_output_format(int fd, const struct v4l2r_device_caps *caps,
			     uint32_t fourcc)
{
	struct v4l2_format fmt;
	uint32_t got;
	int ret;

	memset(&fmt, 0, sizeof(fmt));
	fmt.type = output_type(caps);
	if (caps->mplane) {
		fmt.fmt.pix_mp.pixelformat = fourcc;
		fmt.fmt.pix_mp.width = PROBE_WIDTH;
		fmt.fmt.pix_mp.height = PROBE_HEIGHT;
		fmt.fmt.pix_mp.num_planes = 1;
	} else {
		fmt.fmt.pix.pixelformat = fourcc;
		fmt.fmt.pix.width = PROBE_WIDTH;
		fmt.fmt.pix.height = PROBE_HEIGHT;
	}
	ret = xioctl(fd, VIDIOC_S_FMT, &fmt);
	if (ret)
		return ret;
	got = caps->mplane ? fmt.fmt.pix_mp.pixelformat :
			     fmt.fmt.pix.pixelformat;
	return got == fourcc ? 0 : -EINVAL;
}

static bool capture_listed(const struct v4l2r_codec_caps *cc, uint32_t fourcc)
{
	for (unsigned k = 0; k < cc->n_capture; k++)
		if (cc->capture_fourccs[k] == fourcc)
			return true;
	return false;
}

/* Adds the CAPTURE formats the driver lists now; deep_only: only the known
 * formats deeper than 8 bits not listed yet. */
static void add_capture_formats(int fd, const struct v4l2r_device_caps *caps,
				struct v4l2r_codec_caps *cc, bool deep_only)
{
	struct v4l2_fmtdesc desc;

	for (uint32_t i = 0; cc->n_capture < V4L2R_MAX_CAPTURE_FORMATS; i++) {
		const struct v4l2r_format_desc *d;

		memset(&desc, 0, sizeof(desc));
		desc.index = i;
		desc.type = capture_type(caps);
		if (xioctl(fd, VIDIOC_ENUM_FMT, &desc))
			break;
		d = v4l2r_format_by_v4l2(desc.pixelformat);
		if (deep_only && (!d || d->bit_depth <= 8 ||
				  capture_listed(cc, desc.pixelformat)))
			continue;
		cc->capture_fourccs[cc->n_capture++] = desc.pixelformat;
	}
}

static int set_bit_depth(int fd, enum v4l2r_codec codec, unsigned depth)
{
	union v4l2r_bit_depth_payload p;
	struct v4l2_ext_control ctrl;
	struct v4l2_ext_controls ctrls = {
		.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1, .controls = &ctrl,
	};

	if (!v4l2r_bit_depth_control(codec, depth, PROBE_WIDTH, PROBE_HEIGHT,
				     &p, &ctrl))
		return -ENOTTY;
	return xioctl(fd, VIDIOC_S_EXT_CTRLS, &ctrls);
}

/* The 10-bit formats a driver lists only once the codec's sequence control
 * says 10 bits (bit_depth.h), added after the 8-bit ones; then the control
 * is set back to 8 bits. A driver that refuses 10 bits makes none. */
static void probe_capture_formats_10(int fd,
				     const struct v4l2r_device_caps *caps,
				     enum v4l2r_codec codec,
				     struct v4l2r_codec_caps *cc)
{
	if (set_bit_depth(fd, codec, 10))
		return;
	add_capture_formats(fd, caps, cc, true);
	if (set_bit_depth(fd, codec, 8))
		v4l2r_warn("probe: %s: setting the %s bit depth back to 8 "
			   "failed", caps->card, v4l2r_codec_get(codec)->name);
}

/* Stateless drivers enumerate sizes on the coded format. Discrete sizes
 * are summed up as the range bounding them, with steps of 0. */
static void probe_frame_sizes(int fd, uint32_t coded_fourcc,
			      struct v4l2r_size_range *r)
{
	struct v4l2_frmsizeenum fs;

	memset(r, 0, sizeof(*r));
	for (uint32_t i = 0;; i++) {
		memset(&fs, 0, sizeof(fs));
		fs.index = i;
		fs.pixel_format = coded_fourcc;
		if (xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs))
			return;
		if (fs.type != V4L2_FRMSIZE_TYPE_DISCRETE) {
			r->known = true;
			r->min_width = fs.stepwise.min_width;
			r->max_width = fs.stepwise.max_width;
			r->step_width = fs.stepwise.step_width;
			r->min_height = fs.stepwise.min_height;
			r->max_height = fs.stepwise.max_height;
			r->step_height = fs.stepwise.step_height;
			return;
		}
		if (!r->known || fs.discrete.width < r->min_width)
			r->min_width = fs.discrete.width;
		if (!r->known || fs.discrete.height < r->min_height)
			r->min_height = fs.discrete.height;
		if (fs.discrete.width > r->max_width)
			r->max_width = fs.discrete.width;
		if (fs.discrete.height > r->max_height)
			r->max_height = fs.discrete.height;
		r->known = true;
	}
}

/* Which values of a menu control the driver offers (bit n: value n; a
 * driver hides values with its skip mask, which QUERYMENU honours).
 * Returns false when the control is absent or is no menu. */
static bool probe_menu(int fd, uint32_t cid, uint64_t *values,
		       int32_t *default_value)
{
	struct v4l2_query_ext_ctrl q;

	*values = 0;
	*default_value = -1;
	if (!cid)
		return false;
	memset(&q, 0, sizeof(q));
	q.id = cid;
	if (xioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) ||
	    (q.type != V4L2_CTRL_TYPE_MENU &&
	     q.type != V4L2_CTRL_TYPE_INTEGER_MENU))
		return false;
	for (int64_t v = q.minimum < 0 ? 0 : q.minimum;
	     v <= q.maximum && v < 64; v++) {
		struct v4l2_querymenu m;

		memset(&m, 0, sizeof(m));
		m.id = cid;
		m.index = v;
		if (xioctl(fd, VIDIOC_QUERYMENU, &m) == 0)
			*values |= UINT64_C(1) << v;
	}
	*default_value = q.default_value;
	return true;
}

static uint32_t profile_cid(enum v4l2r_codec codec)
{
	switch (codec) {
	case V4L2R_CODEC_MPEG2:
		return V4L2_CID_MPEG_VIDEO_MPEG2_PROFILE;
	case V4L2R_CODEC_H264:
		return V4L2_CID_MPEG_VIDEO_H264_PROFILE;
	case V4L2R_CODEC_HEVC:
		return V4L2_CID_MPEG_VIDEO_HEVC_PROFILE;
	case V4L2R_CODEC_VP8:
		return V4L2_CID_MPEG_VIDEO_VP8_PROFILE;
	case V4L2R_CODEC_VP9:
		return V4L2_CID_MPEG_VIDEO_VP9_PROFILE;
#ifdef V4L2_CID_MPEG_VIDEO_AV1_PROFILE
	case V4L2R_CODEC_AV1:
		return V4L2_CID_MPEG_VIDEO_AV1_PROFILE;
#endif
	default:
		return 0;
	}
}

static void probe_menus(int fd, const struct v4l2r_codec_desc *desc,
			struct v4l2r_codec_caps *cc)
{
	uint64_t values;
	int32_t unused;

	probe_menu(fd, desc->decode_mode_cid, &values,
		   &cc->default_decode_mode);
	cc->decode_modes = (uint32_t)values;
	probe_menu(fd, desc->start_code_cid, &values, &cc->default_start_code);
	cc->start_codes = (uint32_t)values;
	cc->has_profile_menu = probe_menu(fd, profile_cid(desc->codec),
					  &cc->profiles, &unused);
}

/* Records which controls exist; the first one that exists with the wrong
 * size becomes the codec's problem. */
static void probe_controls(int fd, const struct v4l2r_codec_desc *desc,
			   struct v4l2r_codec_caps *cc)
{
	for (unsigned i = 0; i < desc->n_controls && i < 32; i++) {
		const struct v4l2r_control_spec *spec = &desc->controls[i];
		struct v4l2_query_ext_ctrl q;
		char why[sizeof(cc->problem)];
		bool present;

		memset(&q, 0, sizeof(q));
		q.id = spec->id;
		present = xioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0;
		if (present)
			cc->controls_present |= UINT32_C(1) << i;
		if (v4l2r_check_control(present ? &q : NULL, spec, why,
					sizeof(why)) == -EINVAL &&
		    !cc->problem[0])
			snprintf(cc->problem, sizeof(cc->problem), "%s", why);
	}
}

static void probe_codec(int fd, const struct v4l2r_device_caps *caps,
			const struct v4l2r_codec_desc *desc,
			struct v4l2r_codec_caps *cc)
{
	char name[8];
	int ret;

	if (!caps->supports_requests)
		snprintf(cc->problem, sizeof(cc->problem),
			 "the OUTPUT queue does not support media requests");
	ret = set_output_format(fd, caps, desc->coded_fourcc);
	if (ret) {
		snprintf(cc->problem, sizeof(cc->problem),
			 "VIDIOC_S_FMT OUTPUT %s %ux%u refused: %s",
			 v4l2r_fourcc_str(desc->coded_fourcc, name),
			 PROBE_WIDTH, PROBE_HEIGHT, strerror(-ret));
		return;
	}
	cc->hold_capture = output_buffer_caps(fd, caps) &
			   V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF;
	cc->n_capture = 0;
	add_capture_formats(fd, caps, cc, false);
	probe_capture_formats_10(fd, caps, desc->codec, cc);
	probe_frame_sizes(fd, desc->coded_fourcc, &cc->sizes);
	probe_controls(fd, desc, cc);
	probe_menus(fd, desc, cc);
}

int v4l2r_probe(int video_fd, struct v4l2r_device_caps *caps)
{
	int ret;

	memset(caps, 0, sizeof(*caps));
	for (int c = 0; c < V4L2R_CODEC_COUNT; c++) {
		caps->codec[c].default_decode_mode = -1;
		caps->codec[c].default_start_code = -1;
	}
	ret = probe_querycap(video_fd, caps);
	if (ret)
		return ret;
	if (!probe_coded_formats(video_fd, caps)) {
		v4l2r_info("probe: %s (%s) lists no stateless coded format",
			   caps->card, caps->driver);
		return -ENODEV;
	}
	caps->supports_requests = output_buffer_caps(video_fd, caps) &
				  V4L2_BUF_CAP_SUPPORTS_REQUESTS;
	for (int c = 0; c < V4L2R_CODEC_COUNT; c++) {
		const struct v4l2r_codec_desc *desc = v4l2r_codec_get(c);
		struct v4l2r_codec_caps *cc = &caps->codec[c];

		if (!desc || !cc->present)
			continue;
		if (desc->compiled)
			probe_codec(video_fd, caps, desc, cc);
		caps->hold_capture |= cc->hold_capture;
		v4l2r_codec_caps_finish(desc, cc->hold_capture, cc);
	}
	return 0;
}

int v4l2r_check_control(const struct v4l2_query_ext_ctrl *q,
			const struct v4l2r_control_spec *spec, char *why,
			unsigned why_size)
{
	if (!q) {
		if (!spec->required)
			return 0;
		snprintf(why, why_size,
			 "required control %s (0x%08x) is missing", spec->name,
			 spec->id);
		return -ENOENT;
	}
	if (q->elem_size != spec->elem_size) {
		snprintf(why, why_size,
			 "control %s (0x%08x) has elem_size %u on the device but %u in this build",
			 spec->name, spec->id, q->elem_size, spec->elem_size);
		return -EINVAL;
	}
	return 0;
}

static const struct v4l2r_control_spec *
first_missing_control(const struct v4l2r_codec_desc *desc,
		      const struct v4l2r_codec_caps *caps)
{
	for (unsigned i = 0; i < desc->n_controls && i < 32; i++)
		if (desc->controls[i].required &&
		    !(caps->controls_present & (UINT32_C(1) << i)))
			return &desc->controls[i];
	return NULL;
}

/* The value meaning "slice-based" in the codec's decode-mode menu, or -1
 * when the codec has no such menu. */
static int slice_based_mode(const struct v4l2r_codec_desc *desc)
{
	switch (desc->decode_mode_cid) {
	case V4L2_CID_STATELESS_H264_DECODE_MODE:
		return V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED;
	case V4L2_CID_STATELESS_HEVC_DECODE_MODE:
		return V4L2_STATELESS_HEVC_DECODE_MODE_SLICE_BASED;
	default:
		return -1;
	}
}

const char *v4l2r_codec_caps_limitation(const struct v4l2r_codec_desc *desc,
					bool hold_capture,
					const struct v4l2r_codec_caps *caps)
{
	int slice_based = slice_based_mode(desc);

	if (hold_capture || slice_based < 0 ||
	    caps->decode_modes != UINT32_C(1) << slice_based)
		return NULL;
	return "slice-based decoding only and no M2M_HOLD_CAPTURE_BUF: a picture must be decoded in one request, so multi-slice pictures may fail";
}

void v4l2r_codec_caps_finish(const struct v4l2r_codec_desc *desc,
			     bool hold_capture, struct v4l2r_codec_caps *caps)
{
	const struct v4l2r_control_spec *missing;
	const char *limitation;

	caps->usable = false;
	if (!caps->present) {
		caps->problem[0] = '\0';
		return;
	}
	if (!desc->compiled) {
		snprintf(caps->problem, sizeof(caps->problem),
			 "not compiled in: the build's kernel headers lack its uAPI");
	} else if (!caps->problem[0]) {
		missing = first_missing_control(desc, caps);
		if (missing)
			snprintf(caps->problem, sizeof(caps->problem),
				 "required control %s (0x%08x) is missing",
				 missing->name, missing->id);
		else if (!caps->n_capture)
			snprintf(caps->problem, sizeof(caps->problem),
				 "the driver offers no CAPTURE format");
	}
	if (caps->problem[0]) {
		v4l2r_warn("%s decoding disabled: %s", desc->name,
			   caps->problem);
		return;
	}
	caps->usable = true;
	limitation = v4l2r_codec_caps_limitation(desc, hold_capture, caps);
	if (limitation)
		v4l2r_info("%s: %s", desc->name, limitation);
}
