/* check, formats area: the coded formats OUTPUT lists and, for each codec,
 * S_FMT on OUTPUT, the CAPTURE formats that go with it, a CAPTURE format
 * that follows the OUTPUT size, and the frame sizes. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "v4l2r/format.h"

#include "check_common.h"

struct fmt_ctx {
	int fd;
	bool mplane;
	enum v4l2_buf_type out_type, cap_type;
};

static int set_output(const struct fmt_ctx *f, uint32_t fourcc, uint32_t w,
		      uint32_t h, struct v4l2_format *fmt)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->type = f->out_type;
	if (f->mplane) {
		fmt->fmt.pix_mp.pixelformat = fourcc;
		fmt->fmt.pix_mp.width = w;
		fmt->fmt.pix_mp.height = h;
		fmt->fmt.pix_mp.num_planes = 1;
	} else {
		fmt->fmt.pix.pixelformat = fourcc;
		fmt->fmt.pix.width = w;
		fmt->fmt.pix.height = h;
	}
	return check_ioctl(f->fd, VIDIOC_S_FMT, fmt);
}

static void fmt_size(const struct fmt_ctx *f, const struct v4l2_format *fmt,
		     uint32_t *fourcc, uint32_t *w, uint32_t *h)
{
	*fourcc = f->mplane ? fmt->fmt.pix_mp.pixelformat :
			      fmt->fmt.pix.pixelformat;
	*w = f->mplane ? fmt->fmt.pix_mp.width : fmt->fmt.pix.width;
	*h = f->mplane ? fmt->fmt.pix_mp.height : fmt->fmt.pix.height;
}

static int get_capture(const struct fmt_ctx *f, struct v4l2_format *fmt)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->type = f->cap_type;
	return check_ioctl(f->fd, VIDIOC_G_FMT, fmt);
}

static void check_coded_formats(struct check_ctx *c, const struct fmt_ctx *f)
{
	char list[160] = "", name[8];
	size_t len = 0;
	unsigned known = 0, not_compressed = 0;

	for (uint32_t i = 0;; i++) {
		struct v4l2_fmtdesc d = { .index = i, .type = f->out_type };
		const struct v4l2r_codec_desc *codec;

		if (check_ioctl(f->fd, VIDIOC_ENUM_FMT, &d) < 0)
			break;
		codec = v4l2r_codec_by_fourcc(d.pixelformat);
		if (codec)
			known++;
		if (codec && !(d.flags & V4L2_FMT_FLAG_COMPRESSED))
			not_compressed++;
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%s%s", len ? " " : "",
						v4l2r_fourcc_str(d.pixelformat, name),
						codec ? "" : "(other)");
	}
	if (!known)
		check_report(c, "output-coded-formats", CHECK_FAIL,
			     "OUTPUT lists no stateless coded format (%s)",
			     len ? list : "nothing");
	else if (not_compressed)
		check_report(c, "output-coded-formats", CHECK_FAIL,
			     "%u coded format(s) lack V4L2_FMT_FLAG_COMPRESSED (%s)",
			     not_compressed, list);
	else
		check_report(c, "output-coded-formats", CHECK_OK, "%s", list);
}

static void check_output_format(struct check_ctx *c, const struct fmt_ctx *f,
				const struct v4l2r_codec_desc *d)
{
	struct v4l2_format fmt, got;
	uint32_t fourcc, w, h, gfourcc, gw, gh, sizeimage;
	char name[48], a[8], b[8];
	int ret = set_output(f, d->coded_fourcc, CHECK_WIDTH, CHECK_HEIGHT, &fmt);

	check_name(name, sizeof(name), d, "output-format");
	if (ret < 0) {
		check_report(c, name, CHECK_FAIL, "VIDIOC_S_FMT %s %ux%u: %s",
			     v4l2r_fourcc_str(d->coded_fourcc, a), CHECK_WIDTH,
			     CHECK_HEIGHT, strerror(-ret));
		return;
	}
	fmt_size(f, &fmt, &fourcc, &w, &h);
	sizeimage = f->mplane ? fmt.fmt.pix_mp.plane_fmt[0].sizeimage :
				fmt.fmt.pix.sizeimage;
	memset(&got, 0, sizeof(got));
	got.type = f->out_type;
	ret = check_ioctl(f->fd, VIDIOC_G_FMT, &got);
	fmt_size(f, &got, &gfourcc, &gw, &gh);
	if (fourcc != d->coded_fourcc)
		check_report(c, name, CHECK_FAIL, "S_FMT replaced %s by %s",
			     v4l2r_fourcc_str(d->coded_fourcc, a),
			     v4l2r_fourcc_str(fourcc, b));
	else if (!w || !h || !sizeimage)
		check_report(c, name, CHECK_FAIL,
			     "S_FMT gave %ux%u, sizeimage %u", w, h, sizeimage);
	else if (f->mplane && fmt.fmt.pix_mp.num_planes != 1)
		check_report(c, name, CHECK_FAIL,
			     "a coded format takes one plane, S_FMT gave %u",
			     fmt.fmt.pix_mp.num_planes);
	else if (ret < 0 || gfourcc != fourcc || gw != w || gh != h)
		check_report(c, name, CHECK_FAIL,
			     "G_FMT OUTPUT disagrees with S_FMT (%s %ux%u)",
			     ret < 0 ? strerror(-ret) : v4l2r_fourcc_str(gfourcc, a),
			     gw, gh);
	else
		check_report(c, name, CHECK_OK, NULL);
}

/* ENUM_FMT on CAPTURE for the current OUTPUT format; the list goes into
 * fourccs (up to max). Returns how many. */
static unsigned capture_formats(const struct fmt_ctx *f, uint32_t *fourccs,
				unsigned max, unsigned *compressed)
{
	unsigned n = 0;

	*compressed = 0;
	for (uint32_t i = 0; i < 64; i++) {
		struct v4l2_fmtdesc d = { .index = i, .type = f->cap_type };

		if (check_ioctl(f->fd, VIDIOC_ENUM_FMT, &d) < 0)
			break;
		if (d.flags & V4L2_FMT_FLAG_COMPRESSED)
			(*compressed)++;
		if (n < max)
			fourccs[n++] = d.pixelformat;
	}
	return n;
}

static void check_capture_formats(struct check_ctx *c, const struct fmt_ctx *f,
				  const struct v4l2r_codec_desc *d)
{
	uint32_t fourccs[16];
	unsigned compressed, n, unknown = 0;
	char name[48], list[128] = "", fcc[8];
	size_t len = 0;

	check_name(name, sizeof(name), d, "capture-formats");
	n = capture_formats(f, fourccs, 16, &compressed);
	for (unsigned i = 0; i < n && len < sizeof(list); i++) {
		bool known = v4l2r_format_by_v4l2(fourccs[i]) != NULL;

		unknown += !known;
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s%s",
					i ? " " : "",
					v4l2r_fourcc_str(fourccs[i], fcc),
					known ? "" : "(unknown to this stack)");
	}
	if (!n)
		check_report(c, name, CHECK_FAIL,
			     "CAPTURE lists no format for %s",
			     v4l2r_fourcc_str(d->coded_fourcc, fcc));
	else if (compressed)
		check_report(c, name, CHECK_FAIL,
			     "CAPTURE lists %u compressed format(s): %s",
			     compressed, list);
	else if (unknown == n)
		check_report(c, name, CHECK_WARN,
			     "no CAPTURE format this stack can use: %s", list);
	else
		check_report(c, name, CHECK_OK, "%s", list);
}

/* Does the capture size cover the coded size, without more padding than
 * any alignment a decoder needs (128)? */
static bool covers(uint32_t cap, uint32_t coded)
{
	return cap >= coded && cap <= ((coded + 127) & ~127u);
}

/* A second coded size, inside the frame size range. */
static void second_size(const struct v4l2r_size_range *r, uint32_t *w,
			uint32_t *h)
{
	*w = 176;
	*h = 144;
	if (!r->known)
		return;
	if (*w < r->min_width)
		*w = r->min_width;
	if (*h < r->min_height)
		*h = r->min_height;
	if (r->step_width > 1)
		*w = r->min_width + (*w - r->min_width) / r->step_width * r->step_width;
	if (r->step_height > 1)
		*h = r->min_height + (*h - r->min_height) / r->step_height * r->step_height;
}

static void check_capture_size(struct check_ctx *c, const struct fmt_ctx *f,
			       const struct v4l2r_codec_desc *d)
{
	const struct v4l2r_codec_caps *cc = check_codec_caps(c, d);
	uint32_t sizes[2][2] = { { CHECK_WIDTH, CHECK_HEIGHT } };
	char name[48];

	check_name(name, sizeof(name), d, "capture-follows-output");
	second_size(&cc->sizes, &sizes[1][0], &sizes[1][1]);
	for (unsigned i = 0; i < 2; i++) {
		struct v4l2_format fmt;
		uint32_t fourcc, w, h, cw, ch;
		int ret = set_output(f, d->coded_fourcc, sizes[i][0],
				     sizes[i][1], &fmt);

		if (ret < 0) {
			check_report(c, name, CHECK_FAIL,
				     "VIDIOC_S_FMT OUTPUT %ux%u: %s", sizes[i][0],
				     sizes[i][1], strerror(-ret));
			return;
		}
		fmt_size(f, &fmt, &fourcc, &w, &h);
		ret = get_capture(f, &fmt);
		if (ret < 0) {
			check_report(c, name, CHECK_FAIL,
				     "VIDIOC_G_FMT CAPTURE: %s", strerror(-ret));
			return;
		}
		fmt_size(f, &fmt, &fourcc, &cw, &ch);
		if (!covers(cw, w) || !covers(ch, h)) {
			check_report(c, name, CHECK_FAIL,
				     "OUTPUT %ux%u but CAPTURE %ux%u", w, h, cw,
				     ch);
			return;
		}
	}
	check_report(c, name, CHECK_OK, NULL);
}

/* S_FMT on CAPTURE with each listed format, and a layout that holds the
 * picture for those the stack knows. */
static void check_capture_set(struct check_ctx *c, const struct fmt_ctx *f,
			      const struct v4l2r_codec_desc *d)
{
	uint32_t fourccs[16];
	unsigned compressed, n;
	char name[48], a[8], b[8];
	struct v4l2_format fmt;
	int ret = set_output(f, d->coded_fourcc, CHECK_WIDTH, CHECK_HEIGHT, &fmt);

	check_name(name, sizeof(name), d, "capture-set-format");
	n = ret < 0 ? 0 : capture_formats(f, fourccs, 16, &compressed);
	if (!n) {
		check_report(c, name, CHECK_SKIP, "no CAPTURE format listed");
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct v4l2r_format_desc *desc = v4l2r_format_by_v4l2(fourccs[i]);
		uint32_t bpl[V4L2R_MAX_PLANES] = { 0 }, size[V4L2R_MAX_PLANES] = { 0 };
		struct v4l2r_layout layout;
		uint32_t got, w, h;
		unsigned planes;

		ret = get_capture(f, &fmt);
		if (f->mplane)
			fmt.fmt.pix_mp.pixelformat = fourccs[i];
		else
			fmt.fmt.pix.pixelformat = fourccs[i];
		if (ret == 0)
			ret = check_ioctl(f->fd, VIDIOC_S_FMT, &fmt);
		if (ret < 0) {
			check_report(c, name, CHECK_FAIL,
				     "VIDIOC_S_FMT CAPTURE %s: %s",
				     v4l2r_fourcc_str(fourccs[i], a),
				     strerror(-ret));
			return;
		}
		fmt_size(f, &fmt, &got, &w, &h);
		if (got != fourccs[i]) {
			check_report(c, name, CHECK_FAIL,
				     "CAPTURE lists %s but S_FMT gives %s",
				     v4l2r_fourcc_str(fourccs[i], a),
				     v4l2r_fourcc_str(got, b));
			return;
		}
		if (!desc)
			continue;
		planes = f->mplane ? fmt.fmt.pix_mp.num_planes : 1;
		for (unsigned p = 0; p < planes && p < V4L2R_MAX_PLANES; p++) {
			bpl[p] = f->mplane ? fmt.fmt.pix_mp.plane_fmt[p].bytesperline :
					     fmt.fmt.pix.bytesperline;
			size[p] = f->mplane ? fmt.fmt.pix_mp.plane_fmt[p].sizeimage :
					      fmt.fmt.pix.sizeimage;
		}
		if (v4l2r_layout_from_device(desc, w, h, planes, bpl, size,
					     &layout) < 0) {
			check_report(c, name, CHECK_FAIL,
				     "%s %ux%u: bytesperline %u, sizeimage %u, %u plane(s) cannot hold the picture",
				     v4l2r_fourcc_str(got, a), w, h, bpl[0],
				     size[0], planes);
			return;
		}
	}
	check_report(c, name, CHECK_OK, NULL);
}

static void check_frame_sizes(struct check_ctx *c, const struct fmt_ctx *f,
			      const struct v4l2r_codec_desc *d)
{
	struct v4l2_frmsizeenum fs = { .index = 0,
				       .pixel_format = d->coded_fourcc };
	char name[48];
	int ret = check_ioctl(f->fd, VIDIOC_ENUM_FRAMESIZES, &fs);

	check_name(name, sizeof(name), d, "frame-sizes");
	/* The ioctl is optional (Cedrus has none): S_FMT bounds the size. */
	if (ret == -ENOTTY) {
		check_report(c, name, CHECK_SKIP,
			     "the driver has no VIDIOC_ENUM_FRAMESIZES");
		return;
	}
	if (ret < 0) {
		check_report(c, name, CHECK_FAIL,
			     "VIDIOC_ENUM_FRAMESIZES on the coded format: %s",
			     strerror(-ret));
		return;
	}
	if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
		bool fits = false;

		for (uint32_t i = 0; ret == 0 && i < 256; i++) {
			fits |= fs.discrete.width == CHECK_WIDTH &&
				fs.discrete.height == CHECK_HEIGHT;
			fs.index = i + 1;
			ret = check_ioctl(f->fd, VIDIOC_ENUM_FRAMESIZES, &fs);
		}
		check_report(c, name, fits ? CHECK_OK : CHECK_WARN,
			     fits ? NULL : "discrete sizes without %ux%u: the decode checks may fail",
			     CHECK_WIDTH, CHECK_HEIGHT);
		return;
	}
	if (fs.type != V4L2_FRMSIZE_TYPE_STEPWISE &&
	    fs.type != V4L2_FRMSIZE_TYPE_CONTINUOUS) {
		check_report(c, name, CHECK_FAIL, "unknown type %u", fs.type);
		return;
	}
	const struct v4l2_frmsize_stepwise *s = &fs.stepwise;
	if (!s->min_width || !s->min_height || s->min_width > s->max_width ||
	    s->min_height > s->max_height || !s->step_width ||
	    !s->step_height) {
		check_report(c, name, CHECK_FAIL,
			     "bad range %ux%u..%ux%u, steps %u/%u", s->min_width,
			     s->min_height, s->max_width, s->max_height,
			     s->step_width, s->step_height);
		return;
	}
	if (fs.type == V4L2_FRMSIZE_TYPE_CONTINUOUS &&
	    (s->step_width != 1 || s->step_height != 1)) {
		check_report(c, name, CHECK_FAIL,
			     "continuous sizes with steps %u/%u, want 1",
			     s->step_width, s->step_height);
		return;
	}
	fs.index = 1;
	if (check_ioctl(f->fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0) {
		check_report(c, name, CHECK_FAIL,
			     "index 1 accepted after a stepwise/continuous range");
		return;
	}
	if (CHECK_WIDTH < s->min_width || CHECK_WIDTH > s->max_width ||
	    CHECK_HEIGHT < s->min_height || CHECK_HEIGHT > s->max_height)
		check_report(c, name, CHECK_WARN,
			     "%ux%u..%ux%u excludes %ux%u: the decode checks may fail",
			     s->min_width, s->min_height, s->max_width,
			     s->max_height, CHECK_WIDTH, CHECK_HEIGHT);
	else
		check_report(c, name, CHECK_OK, "%ux%u..%ux%u", s->min_width,
			     s->min_height, s->max_width, s->max_height);
}

void check_formats(struct check_ctx *c)
{
	struct fmt_ctx f;

	check_area(c, "formats");
	if (!c->probed) {
		check_report(c, "output-coded-formats", CHECK_SKIP,
			     "the device could not be probed");
		return;
	}
	f.fd = check_open_video(c);
	if (f.fd < 0) {
		check_report(c, "output-coded-formats", CHECK_FAIL,
			     "cannot open %s: %s", c->node.video_path,
			     strerror(-f.fd));
		return;
	}
	f.mplane = c->caps.mplane;
	f.out_type = f.mplane ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE :
				V4L2_BUF_TYPE_VIDEO_OUTPUT;
	f.cap_type = f.mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE :
				V4L2_BUF_TYPE_VIDEO_CAPTURE;
	check_coded_formats(c, &f);
	if (!check_codecs_listed(c)) {
		close(f.fd);
		return;
	}
	for (const struct v4l2r_codec_desc *d = check_codec_next(c, NULL); d;
	     d = check_codec_next(c, d)) {
		check_output_format(c, &f, d);
		check_capture_formats(c, &f, d);
		check_capture_size(c, &f, d);
		check_capture_set(c, &f, d);
		check_frame_sizes(c, &f, d);
	}
	close(f.fd);
}
