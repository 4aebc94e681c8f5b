/* check: the reporter, the codec selection and the raw V4L2 / media
 * request plumbing the test areas share. Raw ioctls on purpose: the checks
 * test the kernel's behaviour, which the core's session would hide. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/media.h>

#include "v4l2r/log.h"

#include "check_common.h"
#include "tool.h"

/* ---- reporting ---- */

static const char *const status_names[] = {
	[CHECK_OK] = "OK",
	[CHECK_FAIL] = "FAIL",
	[CHECK_WARN] = "WARN",
	[CHECK_SKIP] = "SKIP",
};

void check_area(struct check_ctx *c, const char *area)
{
	c->area = area;
}

void check_report(struct check_ctx *c, const char *name,
		  enum check_status status, const char *fmt, ...)
{
	printf("test %s/%s: %s", c->area, name, status_names[status]);
	if (fmt) {
		va_list ap;

		fputs(" (", stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		fputs(")", stdout);
	}
	putchar('\n');
	fflush(stdout);
	switch (status) {
	case CHECK_OK:
		c->passed++;
		break;
	case CHECK_FAIL:
		c->failed++;
		break;
	case CHECK_WARN:
		c->warnings++;
		break;
	case CHECK_SKIP:
		c->skipped++;
		break;
	}
}

const char *check_name(char *buf, size_t size,
		       const struct v4l2r_codec_desc *desc, const char *name)
{
	snprintf(buf, size, "%s-%s", desc->name, name);
	return buf;
}

const struct v4l2r_codec_caps *check_codec_caps(const struct check_ctx *c,
						const struct v4l2r_codec_desc *d)
{
	return &c->caps.codec[d->codec];
}

const struct v4l2r_codec_desc *
check_codec_next(const struct check_ctx *c, const struct v4l2r_codec_desc *prev)
{
	unsigned start = prev ? (unsigned)prev->codec + 1 : 0;

	for (unsigned i = start; i < V4L2R_CODEC_COUNT; i++) {
		const struct v4l2r_codec_desc *d = v4l2r_codec_get(i);

		if (!d || !c->caps.codec[i].present)
			continue;
		if (c->only && c->only != d)
			continue;
		return d;
	}
	return NULL;
}

bool check_codecs_listed(struct check_ctx *c)
{
	char fourcc[8];

	if (!c->probed) {
		check_report(c, c->only ? c->only->name : "codecs", CHECK_SKIP,
			     "the device could not be probed");
		return false;
	}
	if (check_codec_next(c, NULL))
		return true;
	if (c->only)
		check_report(c, c->only->name, CHECK_SKIP,
			     "the device does not list %s",
			     v4l2r_fourcc_str(c->only->coded_fourcc, fourcc));
	else
		check_report(c, "codecs", CHECK_SKIP,
			     "the device lists no stateless codec");
	return false;
}

const struct v4l2r_codec_desc *check_request_codec(const struct check_ctx *c)
{
	for (const struct v4l2r_codec_desc *d = check_codec_next(c, NULL); d;
	     d = check_codec_next(c, d))
		if (d->compiled && c->caps.codec[d->codec].usable)
			return d;
	return NULL;
}

/* ---- the core's log ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_last[256];
static int log_verbose;

static void log_handler(void *opaque, enum v4l2r_log_level level,
			const char *message)
{
	static const char *const names[] = { "error", "warning", "info",
					     "debug" };

	(void)opaque;
	pthread_mutex_lock(&log_lock);
	if (level <= V4L2R_LOG_WARNING)
		snprintf(log_last, sizeof(log_last), "%s", message);
	pthread_mutex_unlock(&log_lock);
	if (log_verbose)
		fprintf(stderr, "%s: %s: %s\n", TOOL_NAME, names[level],
			message);
}

void check_log_capture(int verbose)
{
	log_verbose = verbose;
	v4l2r_log_set_handler(log_handler, NULL,
			      verbose >= 2 ? V4L2R_LOG_DEBUG :
			      verbose ? V4L2R_LOG_INFO : V4L2R_LOG_WARNING);
}

const char *check_log_last(void)
{
	return log_last;
}

void check_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_last[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

/* ---- raw device access ---- */

int check_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, request, arg);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

const char *check_errno_name(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ 0, "success" },     { EINVAL, "EINVAL" },
		{ EBUSY, "EBUSY" },   { ENOENT, "ENOENT" },
		{ EACCES, "EACCES" }, { EBADR, "EBADR" },
		{ EPERM, "EPERM" },   { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { ENODEV, "ENODEV" },
		{ ENOTTY, "ENOTTY" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ EIO, "EIO" },       { ENOSPC, "ENOSPC" },
		{ ERANGE, "ERANGE" }, { EBADF, "EBADF" },
		{ ENXIO, "ENXIO" },   { EFAULT, "EFAULT" },
	};
	static __thread char buf[24];

	if (err < 0)
		err = -err;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

int check_open_video(const struct check_ctx *c)
{
	int fd = open(c->node.video_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int check_open_media(const struct check_ctx *c)
{
	int fd;

	if (!c->node.media_path[0])
		return -ENODEV;
	fd = open(c->node.media_path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void init_buffer(const struct check_dev *d, struct v4l2_buffer *buf,
			struct v4l2_plane *planes, enum v4l2_buf_type type,
			unsigned index)
{
	memset(buf, 0, sizeof(*buf));
	buf->type = type;
	buf->memory = V4L2_MEMORY_MMAP;
	buf->index = index;
	if (d->mplane) {
		memset(planes, 0, sizeof(*planes) * VIDEO_MAX_PLANES);
		buf->m.planes = planes;
		buf->length = VIDEO_MAX_PLANES;
	}
}

static int set_output_format(struct check_dev *d,
			     const struct check_picture *pic)
{
	struct v4l2_format fmt = { .type = d->out_type };
	uint32_t got;
	int ret;

	if (d->mplane) {
		fmt.fmt.pix_mp.pixelformat = pic->desc->coded_fourcc;
		fmt.fmt.pix_mp.width = pic->width;
		fmt.fmt.pix_mp.height = pic->height;
		fmt.fmt.pix_mp.num_planes = 1;
	} else {
		fmt.fmt.pix.pixelformat = pic->desc->coded_fourcc;
		fmt.fmt.pix.width = pic->width;
		fmt.fmt.pix.height = pic->height;
	}
	ret = check_ioctl(d->video_fd, VIDIOC_S_FMT, &fmt);
	if (ret < 0)
		return ret;
	got = d->mplane ? fmt.fmt.pix_mp.pixelformat : fmt.fmt.pix.pixelformat;
	return got == pic->desc->coded_fourcc ? 0 : -EINVAL;
}

static int alloc_buffers(struct check_dev *d, enum v4l2_buf_type type,
			 unsigned *count)
{
	struct v4l2_requestbuffers rb = {
		.count = *count, .type = type, .memory = V4L2_MEMORY_MMAP,
	};
	int ret = check_ioctl(d->video_fd, VIDIOC_REQBUFS, &rb);

	if (ret < 0)
		return ret;
	if (rb.count == 0)
		return -ENOMEM;
	*count = rb.count < CHECK_MAX_BUFFERS ? rb.count : CHECK_MAX_BUFFERS;
	return 0;
}

static int map_outputs(struct check_dev *d)
{
	for (unsigned i = 0; i < d->n_out; i++) {
		struct v4l2_plane planes[VIDEO_MAX_PLANES];
		struct v4l2_buffer buf;
		uint32_t offset, length;
		void *p;
		int ret;

		init_buffer(d, &buf, planes, d->out_type, i);
		ret = check_ioctl(d->video_fd, VIDIOC_QUERYBUF, &buf);
		if (ret < 0)
			return ret;
		offset = d->mplane ? planes[0].m.mem_offset : buf.m.offset;
		length = d->mplane ? planes[0].length : buf.length;
		p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED,
			 d->video_fd, offset);
		if (p == MAP_FAILED)
			return -errno;
		d->out_mem[i] = p;
		d->out_len[i] = length;
	}
	return 0;
}

int check_dev_open(const struct check_ctx *c, const struct check_picture *pic,
		   unsigned n_out, unsigned n_cap, bool stream,
		   struct check_dev *d, char *why, size_t why_size)
{
	struct v4l2_capability cap = { 0 };
	struct v4l2_format fmt;
	uint32_t caps;
	int ret;

	memset(d, 0, sizeof(*d));
	d->video_fd = d->media_fd = -1;
#define FAIL(...)                                         \
	do {                                              \
		snprintf(why, why_size, __VA_ARGS__);     \
		check_dev_close(d);                       \
		return ret;                               \
	} while (0)

	ret = d->video_fd = check_open_video(c);
	if (ret < 0)
		FAIL("cannot open %s: %s", c->node.video_path, strerror(-ret));
	if (c->node.media_path[0]) {
		ret = d->media_fd = check_open_media(c);
		if (ret < 0)
			FAIL("cannot open %s: %s", c->node.media_path,
			     strerror(-ret));
	}
	ret = check_ioctl(d->video_fd, VIDIOC_QUERYCAP, &cap);
	if (ret < 0)
		FAIL("VIDIOC_QUERYCAP: %s", strerror(-ret));
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps :
							 cap.capabilities;
	d->mplane = caps & V4L2_CAP_VIDEO_M2M_MPLANE;
	d->out_type = d->mplane ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE :
				  V4L2_BUF_TYPE_VIDEO_OUTPUT;
	d->cap_type = d->mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE :
				  V4L2_BUF_TYPE_VIDEO_CAPTURE;
	ret = set_output_format(d, pic);
	if (ret < 0)
		FAIL("VIDIOC_S_FMT OUTPUT %s %ux%u: %s", pic->desc->name,
		     pic->width, pic->height, strerror(-ret));
	if (pic->n_context) {
		ret = check_set_controls(d->video_fd, V4L2_CTRL_WHICH_CUR_VAL,
					 -1, (struct v4l2_ext_control *)pic->context,
					 pic->n_context, NULL);
		if (ret < 0)
			FAIL("setting the decode mode / start code: %s",
			     strerror(-ret));
	}
	/* The sequence-level control first, as a client does, so that the
	 * driver picks the capture format that goes with it. */
	ret = check_set_controls(d->video_fd, V4L2_CTRL_WHICH_CUR_VAL, -1,
				 (struct v4l2_ext_control *)pic->ctrl, 1, NULL);
	if (ret < 0)
		FAIL("setting %s outside a request: %s", pic->desc->name,
		     strerror(-ret));
	memset(&fmt, 0, sizeof(fmt));
	fmt.type = d->cap_type;
	ret = check_ioctl(d->video_fd, VIDIOC_G_FMT, &fmt);
	if (ret < 0)
		FAIL("VIDIOC_G_FMT CAPTURE: %s", strerror(-ret));
	d->cap_planes = d->mplane ? fmt.fmt.pix_mp.num_planes : 1;

	d->n_out = n_out;
	ret = alloc_buffers(d, d->out_type, &d->n_out);
	if (ret < 0)
		FAIL("VIDIOC_REQBUFS OUTPUT %u: %s", n_out, strerror(-ret));
	ret = map_outputs(d);
	if (ret < 0)
		FAIL("mapping the OUTPUT buffers: %s", strerror(-ret));
	d->n_cap = n_cap;
	ret = alloc_buffers(d, d->cap_type, &d->n_cap);
	if (ret < 0)
		FAIL("VIDIOC_REQBUFS CAPTURE %u: %s", n_cap, strerror(-ret));
	if (stream) {
		ret = check_dev_stream(d, d->out_type, true);
		if (ret == 0)
			ret = check_dev_stream(d, d->cap_type, true);
		if (ret < 0)
			FAIL("VIDIOC_STREAMON: %s", strerror(-ret));
	}
#undef FAIL
	return 0;
}

void check_dev_close(struct check_dev *d)
{
	for (unsigned i = 0; i < CHECK_MAX_BUFFERS; i++)
		if (d->out_mem[i])
			munmap(d->out_mem[i], d->out_len[i]);
	if (d->video_fd >= 0)
		close(d->video_fd);
	if (d->media_fd >= 0)
		close(d->media_fd);
	memset(d, 0, sizeof(*d));
	d->video_fd = d->media_fd = -1;
}

int check_dev_stream(struct check_dev *d, enum v4l2_buf_type type, bool on)
{
	int t = type;

	return check_ioctl(d->video_fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF,
			   &t);
}

int check_dev_queue_output(struct check_dev *d, unsigned index,
			   int request_fd, uint64_t timestamp_us,
			   const struct check_picture *pic, uint32_t flags)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer buf;
	size_t size = pic->bitstream_size;

	if (index >= d->n_out || size > d->out_len[index])
		return -EINVAL;
	memcpy(d->out_mem[index], pic->bitstream, size);
	init_buffer(d, &buf, planes, d->out_type, index);
	buf.field = V4L2_FIELD_NONE;
	buf.flags = flags;
	buf.timestamp.tv_sec = (time_t)(timestamp_us / 1000000);
	buf.timestamp.tv_usec = (suseconds_t)(timestamp_us % 1000000);
	if (request_fd >= 0) {
		buf.flags |= V4L2_BUF_FLAG_REQUEST_FD;
		buf.request_fd = request_fd;
	}
	if (d->mplane) {
		buf.length = 1;
		planes[0].bytesused = (uint32_t)size;
		planes[0].length = (uint32_t)d->out_len[index];
	} else {
		buf.bytesused = (uint32_t)size;
	}
	return check_ioctl(d->video_fd, VIDIOC_QBUF, &buf);
}

int check_dev_queue_capture(struct check_dev *d, unsigned index)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer buf;

	init_buffer(d, &buf, planes, d->cap_type, index);
	if (d->mplane)
		buf.length = d->cap_planes;
	return check_ioctl(d->video_fd, VIDIOC_QBUF, &buf);
}

int check_dev_dequeue(struct check_dev *d, enum v4l2_buf_type type,
		      int timeout_ms, struct v4l2_buffer *buf)
{
	/* static: the caller may read buf->m.planes after the return */
	static __thread struct v4l2_plane planes[VIDEO_MAX_PLANES];
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		int ret;

		init_buffer(d, buf, planes, type, 0);
		ret = check_ioctl(d->video_fd, VIDIOC_DQBUF, buf);
		if (ret != -EAGAIN)
			return ret;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		usleep(2000);
	}
}

int check_dev_querybuf(struct check_dev *d, enum v4l2_buf_type type,
		       unsigned index, struct v4l2_buffer *buf)
{
	static __thread struct v4l2_plane planes[VIDEO_MAX_PLANES];

	init_buffer(d, buf, planes, type, index);
	return check_ioctl(d->video_fd, VIDIOC_QUERYBUF, buf);
}

/* ---- requests and controls ---- */

int check_request_alloc(int media_fd)
{
	int fd = -1;
	int ret = check_ioctl(media_fd, MEDIA_IOC_REQUEST_ALLOC, &fd);

	return ret < 0 ? ret : fd;
}

int check_request_queue(int request_fd)
{
	return check_ioctl(request_fd, MEDIA_REQUEST_IOC_QUEUE, NULL);
}

int check_request_reinit(int request_fd)
{
	return check_ioctl(request_fd, MEDIA_REQUEST_IOC_REINIT, NULL);
}

int check_request_wait(int request_fd, int timeout_ms)
{
	struct pollfd p = { .fd = request_fd, .events = POLLPRI };
	int ret;

	do
		ret = poll(&p, 1, timeout_ms);
	while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return 0;
	if (p.revents & POLLPRI)
		return 1;
	return -EINVAL;	/* POLLERR: the request is not queued */
}

int check_set_controls(int video_fd, uint32_t which, int request_fd,
		       struct v4l2_ext_control *ctrls, unsigned count,
		       uint32_t *error_idx)
{
	struct v4l2_ext_controls cs = {
		.which = which,
		.count = count,
		.controls = ctrls,
	};
	int ret;

	if (which == V4L2_CTRL_WHICH_REQUEST_VAL)
		cs.request_fd = request_fd;
	ret = check_ioctl(video_fd, VIDIOC_S_EXT_CTRLS, &cs);
	if (error_idx)
		*error_idx = cs.error_idx;
	return ret;
}

int check_get_controls(int video_fd, uint32_t which, int request_fd,
		       struct v4l2_ext_control *ctrls, unsigned count)
{
	struct v4l2_ext_controls cs = {
		.which = which,
		.count = count,
		.controls = ctrls,
	};

	if (which == V4L2_CTRL_WHICH_REQUEST_VAL)
		cs.request_fd = request_fd;
	return check_ioctl(video_fd, VIDIOC_G_EXT_CTRLS, &cs);
}
