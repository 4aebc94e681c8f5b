/* check, buffers area: the queues' capabilities (OUTPUT takes requests,
 * CAPTURE does not; hold-capture where slice-based decoding is offered)
 * and MMAP buffers on both queues, mapped and exported. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check_common.h"

static int queue_caps(int fd, enum v4l2_buf_type type, uint32_t *caps)
{
	struct v4l2_requestbuffers rb = { .count = 0, .type = type,
					  .memory = V4L2_MEMORY_MMAP };
	int ret = check_ioctl(fd, VIDIOC_REQBUFS, &rb);

	*caps = rb.capabilities;
	return ret;
}

static void check_queue_caps(struct check_ctx *c, int fd, bool mplane)
{
	enum v4l2_buf_type out = mplane ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE :
					  V4L2_BUF_TYPE_VIDEO_OUTPUT;
	enum v4l2_buf_type cap = mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE :
					  V4L2_BUF_TYPE_VIDEO_CAPTURE;
	uint32_t caps;
	int ret = queue_caps(fd, out, &caps);

	if (ret < 0)
		check_report(c, "output-supports-requests", CHECK_FAIL,
			     "VIDIOC_REQBUFS 0 on OUTPUT: %s", strerror(-ret));
	else if (!(caps & V4L2_BUF_CAP_SUPPORTS_REQUESTS))
		check_report(c, "output-supports-requests", CHECK_FAIL,
			     "OUTPUT capabilities 0x%08x lack V4L2_BUF_CAP_SUPPORTS_REQUESTS",
			     caps);
	else if (!(caps & V4L2_BUF_CAP_SUPPORTS_MMAP))
		check_report(c, "output-supports-requests", CHECK_FAIL,
			     "OUTPUT capabilities 0x%08x lack V4L2_BUF_CAP_SUPPORTS_MMAP",
			     caps);
	else
		check_report(c, "output-supports-requests", CHECK_OK, NULL);

	/* Capture buffers never travel in a request on a mem2mem device. */
	ret = queue_caps(fd, cap, &caps);
	if (ret < 0)
		check_report(c, "capture-without-requests", CHECK_FAIL,
			     "VIDIOC_REQBUFS 0 on CAPTURE: %s", strerror(-ret));
	else if (caps & V4L2_BUF_CAP_SUPPORTS_REQUESTS)
		check_report(c, "capture-without-requests", CHECK_WARN,
			     "CAPTURE claims V4L2_BUF_CAP_SUPPORTS_REQUESTS, but capture buffers cannot be part of a request");
	else if (!(caps & V4L2_BUF_CAP_SUPPORTS_MMAP))
		check_report(c, "capture-without-requests", CHECK_FAIL,
			     "CAPTURE capabilities 0x%08x lack V4L2_BUF_CAP_SUPPORTS_MMAP",
			     caps);
	else
		check_report(c, "capture-without-requests", CHECK_OK, NULL);
}

/* Slice-based decoding (several requests per picture) needs
 * V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF. Drivers set it per coded
 * format (cedrus and hantro do), so it is read with the codec's format
 * set on OUTPUT. */
static void check_hold_capture(struct check_ctx *c, int fd,
			       const struct v4l2r_codec_desc *d)
{
	const struct v4l2r_codec_caps *cc = check_codec_caps(c, d);
	enum v4l2_buf_type out = c->caps.mplane ?
		V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT;
	struct v4l2_format fmt = { .type = out };
	char name[48];
	uint32_t caps = 0;
	bool hold;
	int slice, ret;

	if (!d->decode_mode_cid)
		return;
	slice = d->decode_mode_cid == V4L2_CID_STATELESS_H264_DECODE_MODE ?
			V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED :
			V4L2_STATELESS_HEVC_DECODE_MODE_SLICE_BASED;
	check_name(name, sizeof(name), d, "hold-capture");
	if (c->caps.mplane) {
		fmt.fmt.pix_mp.pixelformat = d->coded_fourcc;
		fmt.fmt.pix_mp.width = CHECK_WIDTH;
		fmt.fmt.pix_mp.height = CHECK_HEIGHT;
		fmt.fmt.pix_mp.num_planes = 1;
	} else {
		fmt.fmt.pix.pixelformat = d->coded_fourcc;
		fmt.fmt.pix.width = CHECK_WIDTH;
		fmt.fmt.pix.height = CHECK_HEIGHT;
	}
	ret = check_ioctl(fd, VIDIOC_S_FMT, &fmt);
	if (ret == 0)
		ret = queue_caps(fd, out, &caps);
	if (ret < 0) {
		check_report(c, name, CHECK_FAIL,
			     "reading the OUTPUT capabilities with %s set: %s",
			     d->name, strerror(-ret));
		return;
	}
	hold = caps & V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF;
	if (!(cc->decode_modes & (UINT32_C(1) << slice)))
		check_report(c, name, CHECK_OK, "%s",
			     hold ? "offered, though frame-based decoding does not need it" :
				    "frame-based decoding only: not needed");
	else if (!hold)
		check_report(c, name, CHECK_FAIL,
			     "slice-based decoding offered without V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF: multi-slice pictures cannot be decoded");
	else
		check_report(c, name, CHECK_OK, NULL);
}

static void check_mmap(struct check_ctx *c, struct check_dev *d,
		       enum v4l2_buf_type type, unsigned count,
		       const char *name)
{
	struct v4l2_format fmt = { .type = type };
	unsigned planes;
	int ret = check_ioctl(d->video_fd, VIDIOC_G_FMT, &fmt);

	if (ret < 0) {
		check_report(c, name, CHECK_FAIL, "VIDIOC_G_FMT: %s",
			     strerror(-ret));
		return;
	}
	planes = d->mplane ? fmt.fmt.pix_mp.num_planes : 1;
	for (unsigned i = 0; i < count; i++) {
		struct v4l2_buffer buf;

		ret = check_dev_querybuf(d, type, i, &buf);
		if (ret < 0) {
			check_report(c, name, CHECK_FAIL, "VIDIOC_QUERYBUF %u: %s",
				     i, strerror(-ret));
			return;
		}
		if (d->mplane && buf.length != planes) {
			check_report(c, name, CHECK_FAIL,
				     "buffer %u has %u planes, the format %u", i,
				     buf.length, planes);
			return;
		}
		for (unsigned p = 0; p < planes; p++) {
			uint32_t len = d->mplane ? buf.m.planes[p].length :
						   buf.length;
			uint32_t off = d->mplane ? buf.m.planes[p].m.mem_offset :
						   buf.m.offset;
			uint32_t need = d->mplane ?
					fmt.fmt.pix_mp.plane_fmt[p].sizeimage :
					fmt.fmt.pix.sizeimage;
			void *mem;

			if (len < need) {
				check_report(c, name, CHECK_FAIL,
					     "buffer %u plane %u: %u bytes, sizeimage %u",
					     i, p, len, need);
				return;
			}
			mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_SHARED, d->video_fd, off);
			if (mem == MAP_FAILED) {
				check_report(c, name, CHECK_FAIL,
					     "mmap of buffer %u plane %u: %s", i,
					     p, strerror(errno));
				return;
			}
			munmap(mem, len);
		}
	}
	check_report(c, name, CHECK_OK, "%u buffer(s), %u plane(s)", count,
		     planes);
}

/* References are found by the timestamp the CAPTURE buffer inherits from
 * its OUTPUT buffer: the queue must copy timestamps. */
static void check_timestamp_copy(struct check_ctx *c, struct check_dev *d)
{
	struct v4l2_buffer buf;
	int ret = check_dev_querybuf(d, d->cap_type, 0, &buf);

	if (ret < 0)
		check_report(c, "capture-timestamp-copy", CHECK_FAIL,
			     "VIDIOC_QUERYBUF: %s", strerror(-ret));
	else if ((buf.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) !=
		 V4L2_BUF_FLAG_TIMESTAMP_COPY)
		check_report(c, "capture-timestamp-copy", CHECK_FAIL,
			     "CAPTURE buffer flags 0x%08x lack V4L2_BUF_FLAG_TIMESTAMP_COPY",
			     buf.flags);
	else
		check_report(c, "capture-timestamp-copy", CHECK_OK, NULL);
}

static void check_export(struct check_ctx *c, struct check_dev *d)
{
	struct v4l2_exportbuffer eb = { .type = d->cap_type, .index = 0,
					.plane = 0, .flags = O_RDWR };
	int ret = check_ioctl(d->video_fd, VIDIOC_EXPBUF, &eb);

	if (ret < 0) {
		check_report(c, "capture-export", CHECK_WARN,
			     "VIDIOC_EXPBUF: %s: no zero-copy export of pictures",
			     strerror(-ret));
		return;
	}
	close(eb.fd);
	check_report(c, "capture-export", CHECK_OK, NULL);
}

void check_buffers(struct check_ctx *c)
{
	const struct v4l2r_codec_desc *codec;
	struct check_picture pic;
	struct check_dev d;
	char why[256];
	int fd, ret;

	check_area(c, "buffers");
	if (!c->probed) {
		check_report(c, "output-supports-requests", CHECK_SKIP,
			     "the device could not be probed");
		return;
	}
	fd = check_open_video(c);
	if (fd < 0) {
		check_report(c, "output-supports-requests", CHECK_FAIL,
			     "cannot open %s: %s", c->node.video_path,
			     strerror(-fd));
		return;
	}
	check_queue_caps(c, fd, c->caps.mplane);
	for (const struct v4l2r_codec_desc *dc = check_codec_next(c, NULL); dc;
	     dc = check_codec_next(c, dc))
		check_hold_capture(c, fd, dc);
	close(fd);

	codec = check_request_codec(c);
	if (!codec) {
		check_report(c, "buffers", CHECK_SKIP, "no usable codec");
		return;
	}
	ret = check_picture_init(&pic, codec, check_codec_caps(c, codec));
	if (ret == 0)
		ret = check_dev_open(c, &pic, 2, 2, false, &d, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "no %s picture: %s", codec->name,
			 strerror(-ret));
	if (ret < 0) {
		check_report(c, "output-mmap", CHECK_FAIL, "%s", why);
		check_picture_fini(&pic);
		return;
	}
	check_mmap(c, &d, d.out_type, d.n_out, "output-mmap");
	check_mmap(c, &d, d.cap_type, d.n_cap, "capture-mmap");
	check_timestamp_copy(c, &d);
	check_export(c, &d);
	check_dev_close(&d);
	check_picture_fini(&pic);
}
