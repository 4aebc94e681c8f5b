/* check, requests area: the media request semantics a stateless decoder
 * relies on, driven with raw ioctls (the kernel's behaviour is under
 * test, not the core's session). Each group of checks runs on a decoder
 * instance of its own, so that one refusal cannot disturb the next. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check_common.h"

struct req_area {
	struct check_ctx *c;
	const struct v4l2r_codec_desc *codec;
	struct check_picture pic;	/* the picture as dev_open sets it */
	struct check_picture var;	/* the same, ctrl[0] varied */
};

static const char *result(int ret)
{
	return ret < 0 ? check_errno_name(ret) : "success";
}

static bool open_dev(struct req_area *a, const char *test, unsigned n_out,
		     unsigned n_cap, bool stream, struct check_dev *d)
{
	char why[256];

	if (check_dev_open(a->c, &a->pic, n_out, n_cap, stream, d, why,
			   sizeof(why)) < 0) {
		check_report(a->c, test, CHECK_FAIL, "setup: %s", why);
		return false;
	}
	return true;
}

/* Controls and OUTPUT buffer index into request req. */
static int fill_request(struct check_dev *d, struct check_picture *pic,
			int req, unsigned index, uint64_t ts_us, uint32_t flags)
{
	int ret = check_set_controls(d->video_fd, V4L2_CTRL_WHICH_REQUEST_VAL,
				     req, pic->ctrl, pic->n_ctrl, NULL);

	if (ret < 0)
		return ret;
	return check_dev_queue_output(d, index, req, ts_us, pic, flags);
}

static int get_payload(int fd, uint32_t which, int req,
		       const struct v4l2_ext_control *ref, void *out)
{
	struct v4l2_ext_control x = *ref;

	x.ptr = out;
	return check_get_controls(fd, which, req, &x, 1);
}

/* Dequeues the OUTPUT and CAPTURE buffers of a finished picture. Returns
 * 0, or -errno (a CAPTURE buffer with FLAG_ERROR gives -EIO). */
static int collect(struct check_dev *d, struct v4l2_buffer *cap)
{
	struct v4l2_buffer out, tmp;
	int ret = check_dev_dequeue(d, d->out_type, CHECK_TIMEOUT_MS, &out);

	if (!cap)
		cap = &tmp;
	if (ret == 0)
		ret = check_dev_dequeue(d, d->cap_type, CHECK_TIMEOUT_MS, cap);
	if (ret == 0 && (cap->flags & V4L2_BUF_FLAG_ERROR))
		ret = -EIO;
	return ret;
}

/* ---- the main sequence: one request through its life ---- */

static void check_lifecycle(struct req_area *a)
{
	struct check_ctx *c = a->c;
	struct check_dev d;
	struct v4l2_buffer cap, buf;
	size_t size = a->pic.ctrl[0].size;
	uint8_t *snap = calloc(1, size), *now = calloc(1, size);
	int empty = -1, req = -1, ret;

	if (!snap || !now || !open_dev(a, "alloc", 6, 4, true, &d)) {
		free(snap);
		free(now);
		return;
	}
	empty = check_request_alloc(d.media_fd);
	req = empty >= 0 ? check_request_alloc(d.media_fd) : empty;
	if (req < 0) {
		check_report(c, "alloc", CHECK_FAIL, "MEDIA_IOC_REQUEST_ALLOC: %s",
			     strerror(-req));
		goto out;
	}
	check_report(c, "alloc", CHECK_OK, NULL);

	ret = check_request_queue(empty);
	check_report(c, "queue-empty", ret == -ENOENT ? CHECK_OK : CHECK_FAIL,
		     ret == -ENOENT ? NULL : "MEDIA_REQUEST_IOC_QUEUE of a request without a buffer gave %s, want ENOENT",
		     result(ret));

	/* Capture buffers are never part of a request. */
	{
		struct v4l2_plane planes[VIDEO_MAX_PLANES] = { { 0 } };
		struct v4l2_buffer b = { .type = d.cap_type,
					 .memory = V4L2_MEMORY_MMAP,
					 .flags = V4L2_BUF_FLAG_REQUEST_FD,
					 .request_fd = empty };

		if (d.mplane) {
			b.m.planes = planes;
			b.length = d.cap_planes;
		}
		ret = check_ioctl(d.video_fd, VIDIOC_QBUF, &b);
		if (ret == -EBADR)
			check_report(c, "capture-in-request", CHECK_OK, NULL);
		else if (ret < 0)
			check_report(c, "capture-in-request", CHECK_OK,
				     "refused with %s where the uAPI documents EBADR: the kernel's mem2mem core answers EPERM",
				     result(ret));
		else
			check_report(c, "capture-in-request", CHECK_FAIL,
				     "a CAPTURE buffer was queued into a request");
	}

	/* The current value of the first control before the request. */
	ret = get_payload(d.video_fd, V4L2_CTRL_WHICH_CUR_VAL, -1,
			  &a->pic.ctrl[0], snap);
	if (ret == 0)
		ret = fill_request(&d, &a->var, req, 0, 1000, 0);
	if (ret == 0)
		ret = check_request_queue(req);
	if (ret < 0) {
		check_report(c, "queue", CHECK_FAIL,
			     "a request with a buffer and valid controls: %s",
			     strerror(-ret));
		goto out;
	}
	check_report(c, "queue", CHECK_OK, NULL);

	/* No CAPTURE buffer is queued yet: the request stays pending. */
	ret = check_request_queue(req);
	check_report(c, "queue-twice", ret == -EBUSY ? CHECK_OK : CHECK_FAIL,
		     ret == -EBUSY ? NULL : "queueing a queued request gave %s, want EBUSY",
		     result(ret));
	ret = check_request_reinit(req);
	check_report(c, "reinit-queued", ret == -EBUSY ? CHECK_OK : CHECK_FAIL,
		     ret == -EBUSY ? NULL : "MEDIA_REQUEST_IOC_REINIT of a queued request gave %s, want EBUSY",
		     result(ret));
	ret = check_set_controls(d.video_fd, V4L2_CTRL_WHICH_REQUEST_VAL, req,
				 a->var.ctrl, 1, NULL);
	check_report(c, "set-controls-queued", ret == -EBUSY ? CHECK_OK : CHECK_FAIL,
		     ret == -EBUSY ? NULL : "S_EXT_CTRLS into a queued request gave %s, want EBUSY",
		     result(ret));
	ret = get_payload(d.video_fd, V4L2_CTRL_WHICH_REQUEST_VAL, req,
			  &a->var.ctrl[0], now);
	check_report(c, "get-controls-pending", ret == -EACCES ? CHECK_OK : CHECK_FAIL,
		     ret == -EACCES ? NULL : "G_EXT_CTRLS of a request not yet completed gave %s, want EACCES",
		     result(ret));

	ret = get_payload(d.video_fd, V4L2_CTRL_WHICH_CUR_VAL, -1,
			  &a->pic.ctrl[0], now);
	if (ret < 0)
		check_report(c, "controls-deferred", CHECK_FAIL,
			     "G_EXT_CTRLS: %s", strerror(-ret));
	else if (memcmp(snap, a->var.ctrl[0].ptr, size) == 0)
		check_report(c, "controls-deferred", CHECK_SKIP,
			     "the request's value equals the current one");
	else if (memcmp(now, snap, size) != 0)
		check_report(c, "controls-deferred", CHECK_FAIL,
			     "the current value changed before the request ran");
	else
		check_report(c, "controls-deferred", CHECK_OK, NULL);

	/* Mixing requests and plain buffers on one queue is refused: EBUSY,
	 * or EBADR on a queue that requires requests (vb2 checks that
	 * first; Cedrus, Hantro and rkvdec set requires_requests). */
	ret = check_dev_queue_output(&d, 1, -1, 2000, &a->pic, 0);
	check_report(c, "output-qbuf-mixed",
		     ret == -EBUSY || ret == -EBADR ? CHECK_OK : CHECK_FAIL,
		     "QBUF without a request on a queue that uses requests gave %s, want EBUSY (or EBADR)",
		     result(ret));

	ret = check_request_wait(req, 0);
	if (ret != 0) {
		check_report(c, "completion-pollpri", CHECK_FAIL,
			     "a pending request polls %s",
			     ret > 0 ? "as completed" : result(ret));
	} else {
		ret = check_dev_queue_capture(&d, 0);
		if (ret == 0)
			ret = check_request_wait(req, CHECK_TIMEOUT_MS);
		if (ret == 1)
			check_report(c, "completion-pollpri", CHECK_OK, NULL);
		else if (ret == 0)
			check_report(c, "completion-pollpri", CHECK_FAIL,
				     "no POLLPRI within %d ms", CHECK_TIMEOUT_MS);
		else
			check_report(c, "completion-pollpri", CHECK_FAIL, "%s",
				     result(ret));
	}
	if (ret != 1)
		goto out;

	ret = get_payload(d.video_fd, V4L2_CTRL_WHICH_CUR_VAL, -1,
			  &a->pic.ctrl[0], now);
	if (ret < 0 || memcmp(now, a->var.ctrl[0].ptr, size) != 0)
		check_report(c, "controls-applied", CHECK_FAIL, "%s",
			     ret < 0 ? strerror(-ret) :
			     "the current value is not the request's after it ran");
	else
		check_report(c, "controls-applied", CHECK_OK, NULL);

	ret = 0;
	for (unsigned i = 0; i < a->var.n_ctrl && ret == 0; i++) {
		uint8_t *got = calloc(1, a->var.ctrl[i].size);

		ret = got ? get_payload(d.video_fd, V4L2_CTRL_WHICH_REQUEST_VAL,
					req, &a->var.ctrl[i], got) : -ENOMEM;
		if (ret == 0 && memcmp(got, a->var.ctrl[i].ptr,
				       a->var.ctrl[i].size) != 0)
			ret = -EILSEQ;
		free(got);
		if (ret < 0)
			check_report(c, "get-controls-completed", CHECK_FAIL,
				     "control %u (0x%x): %s", i, a->var.ctrl[i].id,
				     ret == -EILSEQ ? "not the value the request carried" :
				     strerror(-ret));
	}
	if (ret == 0)
		check_report(c, "get-controls-completed", CHECK_OK, NULL);

	ret = collect(&d, &cap);
	if (ret < 0)
		check_report(c, "buffers-returned", CHECK_FAIL, "%s",
			     ret == -EIO ? "the CAPTURE buffer carries V4L2_BUF_FLAG_ERROR" :
			     strerror(-ret));
	else
		check_report(c, "buffers-returned", CHECK_OK, NULL);
	if (ret == 0 && (cap.timestamp.tv_sec != 0 || cap.timestamp.tv_usec != 1000))
		check_report(c, "capture-timestamp", CHECK_FAIL,
			     "CAPTURE timestamp %ld.%06ld, the OUTPUT buffer's was 0.001000",
			     (long)cap.timestamp.tv_sec, (long)cap.timestamp.tv_usec);
	else if (ret == 0)
		check_report(c, "capture-timestamp", CHECK_OK, NULL);

	/* A completed request is recycled with REINIT. */
	ret = check_request_reinit(req);
	if (ret == 0)
		ret = fill_request(&d, &a->pic, req, 0, 3000, 0);
	if (ret == 0)
		ret = check_request_queue(req);
	if (ret == 0)
		ret = check_dev_queue_capture(&d, 1);
	if (ret == 0)
		ret = check_request_wait(req, CHECK_TIMEOUT_MS) == 1 ? 0 : -ETIMEDOUT;
	if (ret == 0)
		ret = collect(&d, NULL);
	check_report(c, "reinit-reuse", ret == 0 ? CHECK_OK : CHECK_FAIL,
		     ret == 0 ? NULL : "REINIT and reuse of a completed request: %s",
		     strerror(-ret));

	/* A request with a buffer but none of the codec's controls. */
	{
		int bare = check_request_alloc(d.media_fd);

		ret = bare < 0 ? bare :
		      check_dev_queue_output(&d, 2, bare, 4000, &a->pic, 0);
		if (ret == 0)
			ret = check_request_queue(bare);
		if (ret == -ENOENT) {
			check_report(c, "queue-without-controls", CHECK_OK, NULL);
			check_request_reinit(bare);
		} else if (ret == 0) {
			check_report(c, "queue-without-controls", CHECK_WARN,
				     "accepted, and decoded with the current control values: the stateless decoder interface documents ENOENT when required controls are missing from a request, but the driver does not check (nor does any mainline stateless driver as of Linux 6.12)");
			check_dev_queue_capture(&d, 2);
			check_request_wait(bare, CHECK_TIMEOUT_MS);
			collect(&d, NULL);
		} else {
			check_report(c, "queue-without-controls", CHECK_FAIL,
				     "%s, want ENOENT", result(ret));
		}
		if (bare >= 0)
			close(bare);
	}

	/* Two OUTPUT buffers in one request. */
	{
		int two = check_request_alloc(d.media_fd);

		ret = two < 0 ? two : fill_request(&d, &a->pic, two, 3, 5000, 0);
		if (ret == 0) {
			ret = check_dev_queue_output(&d, 4, two, 5000, &a->pic, 0);
			if (ret < 0)
				check_report(c, "queue-two-buffers", CHECK_OK,
					     "the second QBUF was refused (%s)",
					     result(ret));
			else {
				ret = check_request_queue(two);
				check_report(c, "queue-two-buffers",
					     ret == -EINVAL ? CHECK_OK : CHECK_FAIL,
					     ret == -EINVAL ? NULL : "queueing a request with two OUTPUT buffers gave %s, want EINVAL",
					     result(ret));
				if (ret == 0) {
					check_dev_queue_capture(&d, 3);
					check_dev_queue_capture(&d, 2);
					check_request_wait(two, CHECK_TIMEOUT_MS);
				}
			}
			/* A failure shows in refused-buffers-released. */
			check_request_reinit(two);
		} else {
			check_report(c, "queue-two-buffers", CHECK_FAIL,
				     "setup: %s", strerror(-ret));
		}
		if (two >= 0)
			close(two);
	}

	/* The OUTPUT buffers of the refused requests are the application's
	 * again. */
	ret = 0;
	for (unsigned i = 2; i <= 4 && ret == 0; i++) {
		ret = check_dev_querybuf(&d, d.out_type, i, &buf);
		if (ret == 0 && (buf.flags & (V4L2_BUF_FLAG_QUEUED |
					      V4L2_BUF_FLAG_IN_REQUEST)))
			ret = -EBUSY;
	}
	check_report(c, "refused-buffers-released", ret == 0 ? CHECK_OK : CHECK_FAIL,
		     ret == 0 ? NULL : "an OUTPUT buffer of a refused request is still %s",
		     ret == -EBUSY ? "queued or in its request" : strerror(-ret));
out:
	if (empty >= 0)
		close(empty);
	if (req >= 0)
		close(req);
	check_dev_close(&d);
	free(snap);
	free(now);
}

/* ---- plain QBUF on a fresh OUTPUT queue ---- */

static void check_qbuf_without_request(struct req_area *a)
{
	struct check_dev d;
	int ret;

	if (!open_dev(a, "output-qbuf-without-request", 1, 1, false, &d))
		return;
	ret = check_dev_queue_output(&d, 0, -1, 1000, &a->pic, 0);
	if (ret == -EBADR)
		check_report(a->c, "output-qbuf-without-request", CHECK_OK, NULL);
	else if (ret == 0)
		check_report(a->c, "output-qbuf-without-request", CHECK_WARN,
			     "accepted: the OUTPUT queue does not require requests, so a bitstream buffer queued alone is decoded with whatever controls are current (visl leaves vb2's requires_requests unset; cedrus, hantro, rkvdec and mediatek set it and refuse with EBADR)");
	else
		check_report(a->c, "output-qbuf-without-request", CHECK_FAIL,
			     "%s, want EBADR", result(ret));
	check_dev_close(&d);
}

/* ---- STREAMOFF with requests pending ---- */

static void check_streamoff_pending(struct req_area *a)
{
	struct check_ctx *c = a->c;
	struct check_dev d;
	struct v4l2_buffer buf;
	int req[2] = { -1, -1 }, ret = 0;

	if (!open_dev(a, "streamoff-pending", 4, 2, true, &d))
		return;
	for (unsigned i = 0; i < 2 && ret == 0; i++) {
		req[i] = check_request_alloc(d.media_fd);
		ret = req[i] < 0 ? req[i] :
		      fill_request(&d, &a->pic, req[i], i, 1000 + i * 1000, 0);
		if (ret == 0)
			ret = check_request_queue(req[i]);
	}
	if (ret < 0) {
		check_report(c, "streamoff-pending", CHECK_FAIL, "setup: %s",
			     strerror(-ret));
		goto out;
	}
	ret = check_dev_stream(&d, d.out_type, false);
	if (ret < 0) {
		check_report(c, "streamoff-pending", CHECK_FAIL,
			     "VIDIOC_STREAMOFF OUTPUT: %s", strerror(-ret));
		goto out;
	}
	for (unsigned i = 0; i < 2 && ret == 0; i++) {
		ret = check_request_wait(req[i], CHECK_TIMEOUT_MS);
		if (ret != 1) {
			check_report(c, "streamoff-pending", CHECK_FAIL,
				     "request %u did not complete after STREAMOFF (%s)",
				     i, ret == 0 ? "no POLLPRI" : result(ret));
			goto out;
		}
		ret = check_dev_querybuf(&d, d.out_type, i, &buf);
		if (ret == 0 && (buf.flags & (V4L2_BUF_FLAG_QUEUED |
					      V4L2_BUF_FLAG_DONE))) {
			check_report(c, "streamoff-pending", CHECK_FAIL,
				     "OUTPUT buffer %u still queued or done after STREAMOFF (flags 0x%x)",
				     i, buf.flags);
			goto out;
		}
	}
	check_report(c, "streamoff-pending", ret == 0 ? CHECK_OK : CHECK_FAIL,
		     ret == 0 ? NULL : "VIDIOC_QUERYBUF: %s", strerror(-ret));

	/* Streaming starts again and the requests are reusable. */
	ret = check_dev_stream(&d, d.cap_type, false);
	if (ret == 0)
		ret = check_dev_stream(&d, d.out_type, true);
	if (ret == 0)
		ret = check_dev_stream(&d, d.cap_type, true);
	if (ret == 0)
		ret = check_request_reinit(req[0]);
	if (ret == 0)
		ret = fill_request(&d, &a->pic, req[0], 0, 5000, 0);
	if (ret == 0)
		ret = check_request_queue(req[0]);
	if (ret == 0)
		ret = check_dev_queue_capture(&d, 0);
	if (ret == 0)
		ret = check_request_wait(req[0], CHECK_TIMEOUT_MS) == 1 ? 0 : -ETIMEDOUT;
	if (ret == 0)
		ret = collect(&d, NULL);
	check_report(c, "restart-after-streamoff", ret == 0 ? CHECK_OK : CHECK_FAIL,
		     ret == 0 ? NULL : "%s", strerror(-ret));
out:
	for (unsigned i = 0; i < 2; i++)
		if (req[i] >= 0)
			close(req[i]);
	check_dev_close(&d);
}

/* ---- closing with requests pending ---- */

static void check_close_pending(struct req_area *a)
{
	struct check_ctx *c = a->c;
	struct check_dev d;
	struct v4l2_capability cap;
	int req, ret, fd, completed;

	if (!open_dev(a, "close-pending", 2, 2, true, &d))
		return;
	req = check_request_alloc(d.media_fd);
	ret = req < 0 ? req : fill_request(&d, &a->pic, req, 0, 1000, 0);
	if (ret == 0)
		ret = check_request_queue(req);
	if (ret < 0) {
		check_report(c, "close-pending", CHECK_FAIL, "setup: %s",
			     strerror(-ret));
		if (req >= 0)
			close(req);
		check_dev_close(&d);
		return;
	}
	/* Unmapping drops the mappings' hold on the file, so closing the fd
	 * really releases the decoder instance. */
	for (unsigned i = 0; i < d.n_out; i++) {
		munmap(d.out_mem[i], d.out_len[i]);
		d.out_mem[i] = NULL;
	}
	close(d.video_fd);
	d.video_fd = -1;
	completed = check_request_wait(req, CHECK_TIMEOUT_MS);
	close(req);
	check_dev_close(&d);

	fd = check_open_video(c);
	memset(&cap, 0, sizeof(cap));
	ret = fd < 0 ? fd : check_ioctl(fd, VIDIOC_QUERYCAP, &cap);
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		check_report(c, "close-pending", CHECK_FAIL,
			     "reopening %s: %s", c->node.video_path,
			     strerror(-ret));
	else if (completed != 1)
		check_report(c, "close-pending", CHECK_WARN,
			     "the pending request did not complete when its decoder was closed (%s)",
			     completed == 0 ? "no POLLPRI" : result(completed));
	else
		check_report(c, "close-pending", CHECK_OK, NULL);
}

/* Closing a queued request's fd: the request lives on until it ran. */
static void check_close_request_fd(struct req_area *a)
{
	struct check_dev d;
	int req, ret;

	if (!open_dev(a, "close-request-fd", 2, 2, true, &d))
		return;
	req = check_request_alloc(d.media_fd);
	ret = req < 0 ? req : fill_request(&d, &a->pic, req, 0, 1000, 0);
	if (ret == 0)
		ret = check_request_queue(req);
	if (req >= 0)
		close(req);
	if (ret == 0)
		ret = check_dev_queue_capture(&d, 0);
	if (ret == 0)
		ret = collect(&d, NULL);
	check_report(a->c, "close-request-fd", ret == 0 ? CHECK_OK : CHECK_FAIL,
		     ret == 0 ? NULL : "decoding after the request fd was closed: %s",
		     strerror(-ret));
	check_dev_close(&d);
}

/* ---- several requests for one picture ---- */

static bool hold_capture_offered(struct check_dev *d)
{
	struct v4l2_requestbuffers rb = { .count = 0, .type = d->out_type,
					  .memory = V4L2_MEMORY_MMAP };

	return check_ioctl(d->video_fd, VIDIOC_REQBUFS, &rb) == 0 &&
	       (rb.capabilities & V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF);
}

static void check_hold_capture(struct req_area *a)
{
	struct check_ctx *c = a->c;
	struct check_dev d;
	struct v4l2_buffer cap;
	struct v4l2_decoder_cmd cmd = { .cmd = V4L2_DEC_CMD_FLUSH };
	int req[3] = { -1, -1, -1 }, ret;

	if (!open_dev(a, "hold-capture", 4, 2, false, &d))
		return;
	if (!hold_capture_offered(&d)) {
		check_report(c, "hold-capture", CHECK_SKIP,
			     "%s on this device takes no M2M_HOLD_CAPTURE_BUF",
			     a->codec->name);
		check_dev_close(&d);
		return;
	}
	check_dev_close(&d);
	if (!open_dev(a, "hold-capture", 4, 2, true, &d))
		return;
	for (unsigned i = 0; i < 3; i++)
		req[i] = check_request_alloc(d.media_fd);

	/* First part, held: the request completes, the picture does not. */
	ret = req[2] < 0 ? req[2] :
	      fill_request(&d, &a->pic, req[0], 0, 7000,
			   V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF);
	if (ret == 0)
		ret = check_request_queue(req[0]);
	if (ret == 0)
		ret = check_dev_queue_capture(&d, 0);
	if (ret == 0)
		ret = check_request_wait(req[0], CHECK_TIMEOUT_MS) == 1 ? 0 : -ETIMEDOUT;
	if (ret < 0) {
		check_report(c, "hold-capture", CHECK_FAIL,
			     "first part of the picture: %s", strerror(-ret));
		goto out;
	}
	if (check_dev_dequeue(&d, d.cap_type, 100, &cap) == 0) {
		check_report(c, "hold-capture", CHECK_FAIL,
			     "the CAPTURE buffer came back although held");
		goto out;
	}
	/* Second part, same timestamp, not held: the picture is done. */
	ret = fill_request(&d, &a->pic, req[1], 1, 7000, 0);
	if (ret == 0)
		ret = check_request_queue(req[1]);
	if (ret == 0)
		ret = check_dev_dequeue(&d, d.cap_type, CHECK_TIMEOUT_MS, &cap);
	if (ret == 0 && (cap.index != 0 || cap.timestamp.tv_usec != 7000))
		ret = -EILSEQ;
	check_report(c, "hold-capture", ret == 0 ? CHECK_OK : CHECK_FAIL,
		     ret == 0 ? NULL : "after the last part: %s",
		     ret == -EILSEQ ? "another CAPTURE buffer came back" :
		     strerror(-ret));
	for (unsigned i = 0; i < 2; i++)
		check_dev_dequeue(&d, d.out_type, CHECK_TIMEOUT_MS, &cap);

	/* A held picture is released by V4L2_DEC_CMD_FLUSH. */
	ret = fill_request(&d, &a->pic, req[2], 2, 9000,
			   V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF);
	if (ret == 0)
		ret = check_request_queue(req[2]);
	if (ret == 0)
		ret = check_dev_queue_capture(&d, 1);
	if (ret == 0)
		ret = check_request_wait(req[2], CHECK_TIMEOUT_MS) == 1 ? 0 : -ETIMEDOUT;
	if (ret == 0)
		ret = check_ioctl(d.video_fd, VIDIOC_DECODER_CMD, &cmd);
	if (ret == 0)
		ret = check_dev_dequeue(&d, d.cap_type, CHECK_TIMEOUT_MS, &cap);
	check_report(c, "hold-capture-flush", ret == 0 ? CHECK_OK : CHECK_FAIL,
		     ret == 0 ? NULL : "V4L2_DEC_CMD_FLUSH on a held picture: %s",
		     strerror(-ret));
out:
	for (unsigned i = 0; i < 3; i++)
		if (req[i] >= 0)
			close(req[i]);
	check_dev_close(&d);
}

/* The hold-capture test on a codec that offers it, when the area's does
 * not (on Cedrus, MPEG-2 takes no M2M_HOLD_CAPTURE_BUF, H.264 does). */
static void check_hold_capture_any(struct req_area *a)
{
	struct check_ctx *c = a->c;
	struct req_area h = { .c = c };

	if (c->caps.codec[a->codec->codec].hold_capture) {
		check_hold_capture(a);
		return;
	}
	for (const struct v4l2r_codec_desc *d = check_codec_next(c, NULL); d;
	     d = check_codec_next(c, d))
		if (d->compiled && c->caps.codec[d->codec].usable &&
		    c->caps.codec[d->codec].hold_capture) {
			h.codec = d;
			break;
		}
	if (!h.codec ||
	    check_picture_init(&h.pic, h.codec, check_codec_caps(c, h.codec)) < 0) {
		check_hold_capture(a);	/* reports the SKIP */
		return;
	}
	check_hold_capture(&h);
	check_picture_fini(&h.pic);
}

void check_requests(struct check_ctx *c)
{
	struct req_area a = { .c = c };
	int ret;

	check_area(c, "requests");
	a.codec = c->probed ? check_request_codec(c) : NULL;
	if (!a.codec) {
		check_report(c, "alloc", CHECK_SKIP, "no usable codec%s%s",
			     c->only ? " " : "", c->only ? c->only->name : "");
		return;
	}
	if (!c->node.media_path[0]) {
		check_report(c, "alloc", CHECK_FAIL,
			     "no media device: requests are impossible");
		return;
	}
	ret = check_picture_init(&a.pic, a.codec, check_codec_caps(c, a.codec));
	if (ret == 0)
		ret = check_picture_init(&a.var, a.codec,
					 check_codec_caps(c, a.codec));
	if (ret < 0) {
		check_report(c, "alloc", CHECK_FAIL, "no %s picture: %s",
			     a.codec->name, strerror(-ret));
		check_picture_fini(&a.pic);
		return;
	}
	check_picture_vary(&a.var);

	check_lifecycle(&a);
	check_qbuf_without_request(&a);
	check_streamoff_pending(&a);
	check_close_pending(&a);
	check_close_request_fd(&a);
	check_hold_capture_any(&a);

	check_picture_fini(&a.pic);
	check_picture_fini(&a.var);
}
