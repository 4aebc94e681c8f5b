/* Decoder session: the video node, its two queues, formats and buffers.
 * Request slots and completion tracking live in request.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "session_private.h"
#include "trace_private.h"
#include "v4l2r/codec.h"
#include "v4l2r/log.h"

int v4l2r_xioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, request, arg);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

int v4l2r_session_open(const struct v4l2r_node *node,
		       struct v4l2r_session **out)
{
	struct v4l2_capability cap = { 0 };
	struct v4l2r_session *s;
	int ret;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->queue_lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &attr);
	pthread_condattr_destroy(&attr);
	s->media_fd = -1;

	s->video_fd = open(node->video_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (s->video_fd < 0) {
		ret = -errno;
		v4l2r_err("cannot open %s: %s", node->video_path,
			  strerror(errno));
		goto fail;
	}
	if (node->media_path[0]) {
		s->media_fd = open(node->media_path, O_RDWR | O_CLOEXEC);
		if (s->media_fd < 0) {
			ret = -errno;
			v4l2r_err("cannot open %s: %s", node->media_path,
				  strerror(errno));
			goto fail;
		}
	}

	ret = v4l2r_xioctl(s->video_fd, VIDIOC_QUERYCAP, &cap);
	if (ret < 0) {
		v4l2r_err("%s: VIDIOC_QUERYCAP failed: %s", node->video_path,
			  strerror(-ret));
		goto fail;
	}
	uint32_t caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ?
				cap.device_caps : cap.capabilities;
	if (caps & V4L2_CAP_VIDEO_M2M_MPLANE) {
		s->mplane = true;
		s->output_type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
		s->capture_type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	} else if (caps & V4L2_CAP_VIDEO_M2M) {
		s->output_type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
		s->capture_type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	} else {
		v4l2r_err("%s is not a memory-to-memory device",
			  node->video_path);
		ret = -ENODEV;
		goto fail;
	}
	if (!(caps & V4L2_CAP_STREAMING)) {
		v4l2r_err("%s does not support streaming I/O",
			  node->video_path);
		ret = -ENODEV;
		goto fail;
	}
	*out = s;
	return 0;

fail:
	v4l2r_session_close(s);
	return ret;
}

void v4l2r_session_close(struct v4l2r_session *s)
{
	if (!s)
		return;
	if (s->recorder)	/* trace hook */
		v4l2r_trace_hook_close(s);
	if (s->video_fd >= 0)
		v4l2r_session_free_buffers(s);
	if (s->video_fd >= 0)
		close(s->video_fd);
	if (s->media_fd >= 0)
		close(s->media_fd);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->queue_lock);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int v4l2r_session_video_fd(const struct v4l2r_session *s)
{
	return s->video_fd;
}

static bool has_buffers(const struct v4l2r_session *s)
{
	return s->n_slots || s->n_captures;
}

int v4l2r_session_set_output_format(struct v4l2r_session *s,
				    uint32_t coded_fourcc, uint32_t width,
				    uint32_t height, uint32_t bitstream_size)
{
	struct v4l2_format fmt = { .type = s->output_type };
	int ret;

	/* Every capture format here is 4:2:0, whose last chroma sample of an
	 * odd width or height covers a luma column or row past the picture:
	 * the even size holds it. A device taking the size as given lays out
	 * rows too short for the chroma otherwise (visl through
	 * v4l2_fill_pixfmt_mp: 201 wide NV12 gets a 201 byte stride for 202
	 * bytes of CbCr). Clients still see their own size. */
	width += width & 1;
	height += height & 1;
	pthread_mutex_lock(&s->lock);
	if (has_buffers(s)) {
		ret = -EBUSY;
		goto out;
	}
	if (s->mplane) {
		fmt.fmt.pix_mp.pixelformat = coded_fourcc;
		fmt.fmt.pix_mp.width = width;
		fmt.fmt.pix_mp.height = height;
		fmt.fmt.pix_mp.num_planes = 1;
		fmt.fmt.pix_mp.plane_fmt[0].sizeimage = bitstream_size;
	} else {
		fmt.fmt.pix.pixelformat = coded_fourcc;
		fmt.fmt.pix.width = width;
		fmt.fmt.pix.height = height;
		fmt.fmt.pix.sizeimage = bitstream_size;
	}
	ret = v4l2r_xioctl(s->video_fd, VIDIOC_S_FMT, &fmt);
	if (ret < 0) {
		v4l2r_err("S_FMT on OUTPUT (%ux%u) refused: %s", width, height,
			  strerror(-ret));
		goto out;
	}
	uint32_t got = s->mplane ? fmt.fmt.pix_mp.pixelformat :
				   fmt.fmt.pix.pixelformat;
	if (got != coded_fourcc) {
		char a[8], b[8];
		v4l2r_err("the device does not decode %s (it chose %s)",
			  v4l2r_fourcc_str(coded_fourcc, a),
			  v4l2r_fourcc_str(got, b));
		ret = -EINVAL;
	}
	if (!ret)
		s->output_size = s->mplane ?
			fmt.fmt.pix_mp.plane_fmt[0].sizeimage :
			fmt.fmt.pix.sizeimage;
	if (!ret && s->recorder)	/* trace hook */
		v4l2r_trace_hook_output_format(s, &fmt);
out:
	pthread_mutex_unlock(&s->lock);
	return ret;
}

uint32_t v4l2r_session_output_size(struct v4l2r_session *s)
{
	pthread_mutex_lock(&s->lock);
	uint32_t size = s->output_size;
	pthread_mutex_unlock(&s->lock);
	return size;
}

int v4l2r_session_set_controls(struct v4l2r_session *s,
			       struct v4l2_ext_control *controls,
			       unsigned count)
{
	struct v4l2_ext_controls ctrls = {
		.which = V4L2_CTRL_WHICH_CUR_VAL,
		.count = count,
		.controls = controls,
	};
	int ret = v4l2r_xioctl(s->video_fd, VIDIOC_S_EXT_CTRLS, &ctrls);

	if (ret < 0)
		v4l2r_err("setting %u control(s) failed at index %u (id 0x%x): %s",
			  count, ctrls.error_idx,
			  ctrls.error_idx < count ? controls[ctrls.error_idx].id : 0,
			  strerror(-ret));
	else if (s->recorder)	/* trace hook */
		v4l2r_trace_hook_session_controls(s, controls, count);
	return ret;
}

int v4l2r_session_capture_formats(struct v4l2r_session *s, uint32_t *fourccs,
				  unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; n < max; i++) {
		struct v4l2_fmtdesc d = { .index = i, .type = s->capture_type };
		if (v4l2r_xioctl(s->video_fd, VIDIOC_ENUM_FMT, &d) < 0)
			break;
		fourccs[n++] = d.pixelformat;
	}
	return (int)n;
}

static int layout_from_format(const struct v4l2r_session *s,
			      const struct v4l2_format *fmt,
			      struct v4l2r_layout *layout)
{
	uint32_t bpl[V4L2R_MAX_PLANES] = { 0 }, size[V4L2R_MAX_PLANES] = { 0 };
	uint32_t fourcc, width, height;
	unsigned planes;
	char name[8];

	if (s->mplane) {
		const struct v4l2_pix_format_mplane *p = &fmt->fmt.pix_mp;
		fourcc = p->pixelformat;
		width = p->width;
		height = p->height;
		planes = p->num_planes;
		if (planes == 0 || planes > V4L2R_MAX_PLANES)
			return -EINVAL;
		for (unsigned i = 0; i < planes; i++) {
			bpl[i] = p->plane_fmt[i].bytesperline;
			size[i] = p->plane_fmt[i].sizeimage;
		}
	} else {
		fourcc = fmt->fmt.pix.pixelformat;
		width = fmt->fmt.pix.width;
		height = fmt->fmt.pix.height;
		planes = 1;
		bpl[0] = fmt->fmt.pix.bytesperline;
		size[0] = fmt->fmt.pix.sizeimage;
	}
	const struct v4l2r_format_desc *desc = v4l2r_format_by_v4l2(fourcc);
	if (!desc) {
		v4l2r_err("capture format %s is not one this library knows",
			  v4l2r_fourcc_str(fourcc, name));
		return -ENOTSUP;
	}
	int ret = v4l2r_layout_from_device(desc, width, height, planes, bpl,
					   size, layout);
	if (ret < 0)
		v4l2r_err("the device's %s layout (%ux%u, stride %u, size %u) "
			  "cannot hold the picture",
			  desc->name, width, height, bpl[0], size[0]);
	return ret;
}

int v4l2r_session_set_capture_format(struct v4l2r_session *s, uint32_t fourcc,
				     struct v4l2r_layout *layout)
{
	struct v4l2_format fmt = { .type = s->capture_type };
	int ret;

	pthread_mutex_lock(&s->lock);
	if (has_buffers(s)) {
		ret = -EBUSY;
		goto out;
	}
	ret = v4l2r_xioctl(s->video_fd, VIDIOC_G_FMT, &fmt);
	if (ret < 0)
		goto out;
	uint32_t current = s->mplane ? fmt.fmt.pix_mp.pixelformat :
				       fmt.fmt.pix.pixelformat;
	if (fourcc && current != fourcc) {
		char a[8];
		if (s->mplane)
			fmt.fmt.pix_mp.pixelformat = fourcc;
		else
			fmt.fmt.pix.pixelformat = fourcc;
		ret = v4l2r_xioctl(s->video_fd, VIDIOC_S_FMT, &fmt);
		current = s->mplane ? fmt.fmt.pix_mp.pixelformat :
				      fmt.fmt.pix.pixelformat;
		if (ret < 0 || current != fourcc) {
			v4l2r_err("the device refused capture format %s",
				  v4l2r_fourcc_str(fourcc, a));
			ret = ret < 0 ? ret : -EINVAL;
			goto out;
		}
	}
	ret = layout_from_format(s, &fmt, layout);
	if (!ret && s->recorder)	/* trace hook */
		v4l2r_trace_hook_capture_format(s, layout);
out:
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int v4l2r_session_capture_layout(const struct v4l2r_session *s,
				 struct v4l2r_layout *layout)
{
	struct v4l2_format fmt = { .type = s->capture_type };
	int ret = v4l2r_xioctl(s->video_fd, VIDIOC_G_FMT, &fmt);

	return ret < 0 ? ret : layout_from_format(s, &fmt, layout);
}

static int request_buffers(struct v4l2r_session *s, enum v4l2_buf_type type,
			   unsigned count)
{
	struct v4l2_requestbuffers req = {
		.count = count, .type = type, .memory = V4L2_MEMORY_MMAP,
	};
	int ret = v4l2r_xioctl(s->video_fd, VIDIOC_REQBUFS, &req);

	if (ret < 0) {
		v4l2r_err("REQBUFS(%u) on %s failed: %s", count,
			  type == s->output_type ? "OUTPUT" : "CAPTURE",
			  strerror(-ret));
		return ret;
	}
	return (int)req.count;
}

/* Maps every memory plane of buffer index of a queue. */
static int map_buffer(struct v4l2r_session *s, enum v4l2_buf_type type,
		      unsigned index, uint8_t **mem, size_t *length,
		      unsigned *n_planes)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES] = { { 0 } };
	struct v4l2_buffer buf = {
		.type = type, .memory = V4L2_MEMORY_MMAP, .index = index,
	};
	unsigned n = 1;
	int ret;

	if (s->mplane) {
		buf.m.planes = planes;
		buf.length = VIDEO_MAX_PLANES;
	}
	ret = v4l2r_xioctl(s->video_fd, VIDIOC_QUERYBUF, &buf);
	if (ret < 0)
		return ret;
	if (s->mplane)
		n = buf.length;
	if (n == 0 || n > V4L2R_MAX_PLANES)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		size_t len = s->mplane ? planes[i].length : buf.length;
		off_t off = s->mplane ? planes[i].m.mem_offset : buf.m.offset;
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       s->video_fd, off);
		if (p == MAP_FAILED) {
			ret = -errno;
			v4l2r_err("mmap of buffer %u plane %u failed: %s",
				  index, i, strerror(errno));
			while (i--)
				munmap(mem[i], length[i]);
			return ret;
		}
		mem[i] = p;
		length[i] = len;
	}
	*n_planes = n;
	return 0;
}

static void unmap_all(struct v4l2r_session *s)
{
	for (unsigned i = 0; i < s->n_captures; i++)
		for (unsigned p = 0; p < s->capture_mem_planes; p++)
			if (s->captures[i].mem[p])
				munmap(s->captures[i].mem[p],
				       s->captures[i].length[p]);
	for (unsigned i = 0; i < s->n_slots; i++)
		if (s->slots[i].data)
			munmap(s->slots[i].data, s->slots[i].capacity);
}

/* Maps capture buffers first..end-1 and counts them in. */
static int map_captures(struct v4l2r_session *s, unsigned first, unsigned end)
{
	for (unsigned i = first; i < end; i++) {
		struct capture_buffer *c = &s->captures[i];
		unsigned planes;
		int ret = map_buffer(s, s->capture_type, i, c->mem, c->length,
				     &planes);
		if (ret < 0)
			return ret;
		s->capture_mem_planes = planes;
		c->result = V4L2R_IDLE;
		s->n_captures = i + 1;
	}
	return 0;
}

static int alloc_captures(struct v4l2r_session *s, unsigned count)
{
	int n = request_buffers(s, s->capture_type, count);

	if (n < 0)
		return n;
	if ((unsigned)n < count) {
		v4l2r_err("the device gave %d capture buffers, %u needed", n,
			  count);
		return -ENOMEM;
	}
	s->capture_capacity = (unsigned)n > VIDEO_MAX_FRAME ? (unsigned)n :
							     VIDEO_MAX_FRAME;
	s->captures = calloc(s->capture_capacity, sizeof(*s->captures));
	if (!s->captures)
		return -ENOMEM;
	return map_captures(s, 0, (unsigned)n);
}

static int alloc_outputs(struct v4l2r_session *s, unsigned count)
{
	int n = request_buffers(s, s->output_type, count);

	if (n < 0)
		return n;
	s->slots = calloc((size_t)n, sizeof(*s->slots));
	if (!s->slots)
		return -ENOMEM;
	s->n_slots = (unsigned)n;
	for (unsigned i = 0; i < s->n_slots; i++) {
		struct v4l2r_request *r = &s->slots[i];
		uint8_t *mem[V4L2R_MAX_PLANES];
		size_t len[V4L2R_MAX_PLANES];
		unsigned planes;
		r->session = s;
		r->index = i;
		r->request_fd = -1;
		int ret = map_buffer(s, s->output_type, i, mem, len, &planes);
		if (ret < 0)
			return ret;
		r->data = mem[0];
		r->capacity = len[0];
	}
	return v4l2r_requests_create(s);
}

int v4l2r_session_alloc_buffers(struct v4l2r_session *s, unsigned n_output,
				unsigned n_capture)
{
	int ret;

	if (n_output == 0 || n_capture == 0)
		return -EINVAL;
	if (s->media_fd < 0) {
		v4l2r_err("no media device: the Request API cannot be used");
		return -ENODEV;
	}
	pthread_mutex_lock(&s->lock);
	ret = has_buffers(s) ? -EBUSY : 0;
	if (!ret)
		ret = alloc_outputs(s, n_output);
	if (!ret)
		ret = alloc_captures(s, n_capture);
	pthread_mutex_unlock(&s->lock);
	if (ret < 0 && ret != -EBUSY)
		v4l2r_session_free_buffers(s);
	return ret;
}

int v4l2r_session_add_captures(struct v4l2r_session *s, unsigned extra)
{
	struct v4l2_create_buffers create = {
		.memory = V4L2_MEMORY_MMAP,
		.format.type = s->capture_type,
	};
	int ret;

	pthread_mutex_lock(&s->lock);
	if (!s->captures || extra == 0) {
		ret = -EINVAL;
		goto out;
	}
	if (extra > s->capture_capacity - s->n_captures)
		extra = s->capture_capacity - s->n_captures;
	if (extra == 0) {
		ret = -ENOBUFS;
		goto out;
	}
	create.count = extra;
	ret = v4l2r_xioctl(s->video_fd, VIDIOC_G_FMT, &create.format);
	if (ret == 0)
		ret = v4l2r_xioctl(s->video_fd, VIDIOC_CREATE_BUFS, &create);
	if (ret < 0) {
		v4l2r_info("CREATE_BUFS(%u) on CAPTURE: %s", extra,
			   strerror(-ret));
		goto out;
	}
	/* Appended after the present buffers, as vb2 does when none was
	 * freed; anything else would not match the array. */
	if (create.count == 0 || create.index != s->n_captures ||
	    create.count > extra) {
		v4l2r_err("CREATE_BUFS gave %u capture buffers at index %u, "
			  "%u wanted at %u", create.count, create.index, extra,
			  s->n_captures);
		ret = -EIO;
		goto out;
	}
	ret = map_captures(s, s->n_captures, s->n_captures + create.count);
	if (ret == 0)
		ret = (int)s->n_captures;
out:
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int v4l2r_session_free_buffers(struct v4l2r_session *s)
{
	pthread_mutex_lock(&s->lock);
	v4l2r_session_streamoff_locked(s);
	v4l2r_requests_destroy(s);
	unmap_all(s);
	free(s->slots);
	free(s->captures);
	s->slots = NULL;
	s->captures = NULL;
	s->n_slots = 0;
	s->n_captures = 0;
	s->capture_capacity = 0;
	s->capture_mem_planes = 0;
	/* REQBUFS(0) after unmapping so the memory really goes away. */
	struct v4l2_requestbuffers req = { .memory = V4L2_MEMORY_MMAP };
	req.type = s->output_type;
	v4l2r_xioctl(s->video_fd, VIDIOC_REQBUFS, &req);
	req.type = s->capture_type;
	req.count = 0;
	v4l2r_xioctl(s->video_fd, VIDIOC_REQBUFS, &req);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

unsigned v4l2r_session_capture_count(const struct v4l2r_session *s)
{
	return s->n_captures;
}

unsigned v4l2r_session_output_count(const struct v4l2r_session *s)
{
	return s->n_slots;
}

int v4l2r_session_capture_map(struct v4l2r_session *s, unsigned index,
			      uint8_t *mem[V4L2R_MAX_PLANES])
{
	int ret = -EINVAL;

	pthread_mutex_lock(&s->lock);
	if (index < s->n_captures) {
		for (unsigned p = 0; p < V4L2R_MAX_PLANES; p++)
			mem[p] = p < s->capture_mem_planes ?
					 s->captures[index].mem[p] : NULL;
		ret = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int v4l2r_session_capture_export(struct v4l2r_session *s, unsigned index,
				 int fds[V4L2R_MAX_PLANES])
{
	int ret = 0;

	for (unsigned p = 0; p < V4L2R_MAX_PLANES; p++)
		fds[p] = -1;
	pthread_mutex_lock(&s->lock);
	if (index >= s->n_captures)
		ret = -EINVAL;
	for (unsigned p = 0; !ret && p < s->capture_mem_planes; p++) {
		struct v4l2_exportbuffer exp = {
			.type = s->capture_type, .index = index, .plane = p,
			.flags = O_RDWR | O_CLOEXEC,
		};
		ret = v4l2r_xioctl(s->video_fd, VIDIOC_EXPBUF, &exp);
		if (ret < 0) {
			v4l2r_err("EXPBUF of capture %u plane %u failed: %s",
				  index, p, strerror(-ret));
			for (unsigned q = 0; q < p; q++) {
				close(fds[q]);
				fds[q] = -1;
			}
		} else {
			fds[p] = exp.fd;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int v4l2r_session_streamon_locked(struct v4l2r_session *s)
{
	int ret;

	if (s->streaming)
		return 0;
	ret = v4l2r_xioctl(s->video_fd, VIDIOC_STREAMON, &s->output_type);
	if (!ret) {
		ret = v4l2r_xioctl(s->video_fd, VIDIOC_STREAMON,
				   &s->capture_type);
		if (ret)
			v4l2r_xioctl(s->video_fd, VIDIOC_STREAMOFF,
				     &s->output_type);
	}
	if (ret)
		v4l2r_err("STREAMON failed: %s", strerror(-ret));
	s->streaming = !ret;
	return ret;
}

int v4l2r_session_streamoff_locked(struct v4l2r_session *s)
{
	int ret = 0, r;

	if (!s->streaming)
		return 0;
	/* Not in the middle of another thread's queue ioctls. */
	v4l2r_quiesce_begin(s);
	if (s->streaming) {
		r = v4l2r_xioctl(s->video_fd, VIDIOC_STREAMOFF, &s->output_type);
		ret = r ? r : ret;
		r = v4l2r_xioctl(s->video_fd, VIDIOC_STREAMOFF,
				 &s->capture_type);
		ret = r ? r : ret;
		s->streaming = false;
		/* STREAMOFF returned every buffer and completed every
		 * request. */
		v4l2r_requests_abort(s, V4L2R_ABORTED);
	}
	v4l2r_quiesce_end(s);
	return ret;
}

int v4l2r_session_start(struct v4l2r_session *s)
{
	pthread_mutex_lock(&s->lock);
	int ret = has_buffers(s) ? v4l2r_session_streamon_locked(s) : -ENOSPC;
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int v4l2r_session_stop(struct v4l2r_session *s)
{
	pthread_mutex_lock(&s->lock);
	int ret = v4l2r_session_streamoff_locked(s);
	pthread_mutex_unlock(&s->lock);
	return ret;
}
