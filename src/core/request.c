/* Request slots: each OUTPUT buffer travels in a media request of its own.
 * Completion is tracked per capture buffer, since that is what a front end
 * waits for (a VA surface, a GStreamer frame).
 *
 * Locking. The queue ioctls (QBUF OUTPUT into the request,
 * MEDIA_REQUEST_IOC_QUEUE, QBUF CAPTURE) can block for a whole decode: an
 * m2m driver runs a job inside the ioctl that makes it runnable when the
 * device is idle (visl then sleeps visl_transtime_ms). So request_queue
 * claims its state under s->lock, runs them without it, and settles under
 * it again; other threads acquire, read results and wait meanwhile. They
 * do not DQBUF or poll while a queue call is in flight (the driver may hold
 * its queue lock for the whole job): they wait on s->cond for it to settle,
 * and a queuer collects in its next acquire.
 * s->queue_lock (taken before s->lock) orders the queuers: an m2m device
 * pairs the n-th OUTPUT job with the n-th queued CAPTURE buffer, so one
 * queuer's request and capture QBUF must not interleave with another's.
 *
 * Invariants, under s->lock:
 * 1. A slot is SLOT_QUEUEING only between its queuer's claim and settle,
 *    and s->queueing counts those queuers. Only the queuer changes such a
 *    slot's state. collect_locked, dequeuing its OUTPUT buffer early,
 *    accounts for the capture buffer and sets r->dequeued; the queuer then
 *    frees the slot at settle (so the slot, its bitstream and the
 *    recorder's view of it stay the queuer's until it returns).
 * 2. c->pending counts the QUEUEING (not yet dequeued) and QUEUED slots
 *    decoding into c: the claim adds one, the OUTPUT DQBUF or the rollback
 *    of a refusal removes it.
 * 3. c->queued is true from the claim of its CAPTURE QBUF to its DQBUF (or
 *    the rollback of a failed QBUF, or STREAMOFF), so a capture buffer is
 *    queued once per picture, and only with an accepted request: a refused
 *    one that was the picture's only claim leaves it out of the driver.
 * 4. c->result is PENDING from the first claim of a picture until it
 *    settles (DONE or DECODE_ERROR once pending is 0 and the buffer is
 *    back; c->lost instead when a restart lost the picture before its last
 *    slice and the rest came after), or until a refusal with nothing else
 *    pending on it (REFUSED; with other requests pending, the picture only
 *    gets c->error), or until a restart loses it (c->lost).
 * 5. STREAMOFF (restart_locked, v4l2r_session_streamoff_locked) runs only
 *    with s->queueing == 0: v4l2r_quiesce_begin raises s->stopping, which
 *    holds new claims back, and waits on s->cond. So an abort or a restart
 *    never sees a QUEUEING slot, and a queuer never finds its claim undone.
 * 6. A restart (a missed deadline: recover_locked) loses one request, the
 *    oldest in flight (the device runs jobs one at a time in queue order,
 *    so that is the one it stopped on), and its picture. Every other
 *    QUEUED slot stays QUEUED and is queued again, oldest first, from what
 *    its queuer sent: r->kept (written by the slot's owner while ACQUIRED,
 *    in set_controls), r->timestamp_ns, bytesused and flags (written at
 *    the claim); the restart reads them under s->lock while the slot is
 *    QUEUED. Its pictures stay PENDING with c->pending and c->queued
 *    counted again (invariants 2, 3). It runs those queue ioctls with
 *    s->lock held, still quiesced: nothing else queues meanwhile, and
 *    other threads wait as they do for the STREAMOFF.
 * While the session records a trace, request_queue keeps s->lock across
 * the ioctls: the recorder must see the request before anything can
 * complete it. A request queued again is not recorded again: the trace
 * holds what the front end queued, once, in its order. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/media.h>

#include "session_private.h"
#include "trace_private.h"
#include "v4l2r/codec.h"
#include "v4l2r/log.h"

/* Room for the largest payload of every control of the OUTPUT format's
 * codec, as the device declares them: what one request can carry. */
static size_t kept_store_size(struct v4l2r_session *s)
{
	struct v4l2_format fmt = { .type = s->output_type };
	size_t size = 0;

	if (v4l2r_xioctl(s->video_fd, VIDIOC_G_FMT, &fmt) < 0)
		return 0;
	const struct v4l2r_codec_desc *d = v4l2r_codec_by_fourcc(
		s->mplane ? fmt.fmt.pix_mp.pixelformat : fmt.fmt.pix.pixelformat);
	for (unsigned i = 0; d && i < d->n_controls; i++) {
		struct v4l2_query_ext_ctrl q = { .id = d->controls[i].id };
		if (v4l2r_xioctl(s->video_fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0)
			size += (v4l2r_control_max_payload(&q) + 7) & ~(size_t)7;
	}
	return size;
}

int v4l2r_requests_create(struct v4l2r_session *s)
{
	size_t store = kept_store_size(s);

	for (unsigned i = 0; i < s->n_slots; i++) {
		int fd = -1;
		int ret = v4l2r_xioctl(s->media_fd, MEDIA_IOC_REQUEST_ALLOC, &fd);
		if (ret < 0) {
			v4l2r_err("MEDIA_IOC_REQUEST_ALLOC failed: %s",
				  strerror(-ret));
			return ret;
		}
		s->slots[i].request_fd = fd;
		s->slots[i].state = SLOT_FREE;
		s->slots[i].kept.store = store ? malloc(store) : NULL;
		if (store && !s->slots[i].kept.store)
			return -ENOMEM;
		s->slots[i].kept.size = store;
	}
	return 0;
}

void v4l2r_requests_destroy(struct v4l2r_session *s)
{
	for (unsigned i = 0; i < s->n_slots; i++) {
		if (s->slots[i].request_fd >= 0)
			close(s->slots[i].request_fd);
		s->slots[i].request_fd = -1;
		free(s->slots[i].kept.store);
		s->slots[i].kept.store = NULL;
	}
}

static void slot_free(struct v4l2r_request *r)
{
	/* Reinit detaches the old controls and buffer from the request. */
	int ret = v4l2r_xioctl(r->request_fd, MEDIA_REQUEST_IOC_REINIT, NULL);

	if (ret < 0)
		v4l2r_warn("MEDIA_REQUEST_IOC_REINIT failed: %s", strerror(-ret));
	r->state = SLOT_FREE;
	v4l2r_kept_reset(&r->kept);
	if (r->session->recorder)	/* trace hook */
		v4l2r_trace_hook_slot_free(r);
}

static void capture_settle(struct capture_buffer *c)
{
	if (c->result == V4L2R_PENDING && c->pending == 0 && !c->queued)
		c->result = c->lost != V4L2R_IDLE ? c->lost :
			    c->error ? V4L2R_DECODE_ERROR : V4L2R_DONE;
}

void v4l2r_requests_abort(struct v4l2r_session *s, enum v4l2r_result result)
{
	s->stream_gen++;
	for (unsigned i = 0; i < s->n_slots; i++)
		if (s->slots[i].state == SLOT_QUEUED)
			slot_free(&s->slots[i]);
	for (unsigned i = 0; i < s->n_captures; i++) {
		struct capture_buffer *c = &s->captures[i];
		if (c->result == V4L2R_PENDING)
			c->result = result;
		c->queued = false;
		c->pending = 0;
	}
}

static int dequeue(struct v4l2r_session *s, enum v4l2_buf_type type,
		   struct v4l2_buffer *buf)
{
	struct v4l2_plane local[VIDEO_MAX_PLANES];

	memset(buf, 0, sizeof(*buf));
	buf->type = type;
	buf->memory = V4L2_MEMORY_MMAP;
	if (s->mplane) {
		/* reserved fields zeroed, as the uAPI asks (valgrind saw the
		 * kernel read them uninitialised) */
		memset(local, 0, sizeof(local));
		buf->m.planes = local;
		buf->length = VIDEO_MAX_PLANES;
	}
	int ret = v4l2r_xioctl(s->video_fd, VIDIOC_DQBUF, buf);
	buf->m.planes = NULL;
	return ret;
}

#define DEVICE_GONE "the decoder is gone (its driver was unbound or unloaded)"

/* The video node answered ENODEV: its driver was unbound or unloaded.
 * Nothing in flight will come back, so it all fails now rather than after
 * the timeout, and so does every later request. */
static void device_lost_locked(struct v4l2r_session *s)
{
	if (s->lost)
		return;
	s->lost = true;
	v4l2r_err(DEVICE_GONE ": the pictures in flight are lost");
	s->streaming = false;
	v4l2r_requests_abort(s, V4L2R_DEVICE_LOST);
}

/* Takes in every finished buffer without blocking. Not while a queuer is
 * inside its queue ioctls: the driver may be running a job inside one of
 * them with its queue lock held, and DQBUF would wait for the whole job
 * (the queuer broadcasts s->cond when it settles). */
static void collect_locked(struct v4l2r_session *s)
{
	struct v4l2_buffer buf;
	int ret;

	if (!s->streaming || s->queueing)
		return;
	while ((ret = dequeue(s, s->output_type, &buf)) == 0) {
		if (buf.index >= s->n_slots)
			continue;
		struct v4l2r_request *r = &s->slots[buf.index];
		if (r->state == SLOT_QUEUEING && r->dequeued)
			continue;
		if (r->state != SLOT_QUEUED && r->state != SLOT_QUEUEING)
			continue;
		struct capture_buffer *c = &s->captures[r->capture_index];
		if (buf.flags & V4L2_BUF_FLAG_ERROR)
			c->error = true;
		if (c->pending)
			c->pending--;
		if (r->state == SLOT_QUEUED)
			slot_free(r);
		else
			r->dequeued = true;	/* its queuer frees it */
		capture_settle(c);
		if (s->recorder)	/* trace hook */
			v4l2r_trace_hook_settled(s, r->capture_index);
	}
	if (ret == -ENODEV) {
		device_lost_locked(s);
		return;
	}
	while ((ret = dequeue(s, s->capture_type, &buf)) == 0) {
		if (buf.index >= s->n_captures)
			continue;
		struct capture_buffer *c = &s->captures[buf.index];
		if (buf.flags & V4L2_BUF_FLAG_ERROR)
			c->error = true;
		c->queued = false;
		capture_settle(c);
		if (s->recorder)	/* trace hook */
			v4l2r_trace_hook_settled(s, buf.index);
	}
	if (ret == -ENODEV)
		device_lost_locked(s);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps until the device has something for us or deadline passes; called
 * without the lock so other threads keep queueing. */
static void wait_for_device(struct v4l2r_session *s, int64_t deadline)
{
	int64_t left = deadline - now_ms();
	struct pollfd pfd = { .fd = s->video_fd, .events = POLLIN | POLLOUT };

	if (left <= 0)
		return;
	/* Short slices: another thread may dequeue what woke us. */
	int ret = poll(&pfd, 1, left > 50 ? 50 : (int)left);
	if (ret > 0 && (pfd.revents & (POLLERR | POLLHUP))) {
		struct timespec pause = { .tv_nsec = 1000000 };
		nanosleep(&pause, NULL);
	}
}

void v4l2r_quiesce_begin(struct v4l2r_session *s)
{
	s->stopping++;
	while (s->queueing)
		pthread_cond_wait(&s->cond, &s->lock);
}

void v4l2r_quiesce_end(struct v4l2r_session *s)
{
	s->stopping--;
	pthread_cond_broadcast(&s->cond);
}

static int queue_capture(struct v4l2r_session *s, unsigned index);
static int queue_output(struct v4l2r_request *r, uint64_t timestamp_ns,
			size_t bytesused, unsigned flags);
static void refuse_locked(struct v4l2r_request *r, struct capture_buffer *c,
			  bool claimed_capture);

static void stop_streaming_locked(struct v4l2r_session *s)
{
	v4l2r_xioctl(s->video_fd, VIDIOC_STREAMOFF, &s->output_type);
	v4l2r_xioctl(s->video_fd, VIDIOC_STREAMOFF, &s->capture_type);
	s->streaming = false;
}

/* Queues r again after a restart, as request_queue first did: its kept
 * controls into the reinitialised request, its OUTPUT buffer (the
 * bitstream is still in it) with the same bytesused, timestamp and flags,
 * and its picture's capture buffer after the picture's first request.
 * False when the queues could not be put back in step (everything in
 * flight then failed) or the device is gone. */
static bool requeue_locked(struct v4l2r_session *s, struct v4l2r_request *r)
{
	struct capture_buffer *c = &s->captures[r->capture_index];
	struct v4l2_ext_controls ctrls = {
		.which = V4L2_CTRL_WHICH_REQUEST_VAL,
		.request_fd = r->request_fd,
		.count = r->kept.n,
		.controls = r->kept.c,
	};
	bool claim_capture = !c->queued;
	int ret = v4l2r_xioctl(r->request_fd, MEDIA_REQUEST_IOC_REINIT, NULL);

	c->pending++;
	c->queued = true;
	if (!ret && ctrls.count)
		ret = v4l2r_xioctl(s->video_fd, VIDIOC_S_EXT_CTRLS, &ctrls);
	if (!ret)
		ret = queue_output(r, r->timestamp_ns, r->bytesused, r->flags);
	if (!ret)
		ret = v4l2r_xioctl(r->request_fd, MEDIA_REQUEST_IOC_QUEUE, NULL);
	if (ret == -ENODEV) {
		device_lost_locked(s);
		return false;
	}
	if (ret < 0) {
		/* Refused as it would have been the first time. */
		v4l2r_err("the kernel refused a request queued again after the "
			  "restart: %s", strerror(-ret));
		refuse_locked(r, c, claim_capture);
		return true;
	}
	ret = claim_capture ? queue_capture(s, r->capture_index) : 0;
	if (ret == -ENODEV) {
		device_lost_locked(s);
		return false;
	}
	if (ret < 0) {
		v4l2r_err("QBUF of capture buffer %u failed after the restart: "
			  "%s; the pictures in flight are lost", r->capture_index,
			  strerror(-ret));
		stop_streaming_locked(s);
		v4l2r_requests_abort(s, V4L2R_TIMEOUT);
		v4l2r_session_streamon_locked(s);
		return false;
	}
	return true;
}

/* Stops and restarts streaming, losing request lost (in flight, or NULL)
 * and its picture, which ends with result. The device runs one job at a
 * time in queue order (v4l2-mem2mem), so the requests queued after the
 * one it stopped on never ran: they are queued again in their order and
 * decode as if nothing happened. Slices of the lost picture queued after
 * it are dropped (the picture is lost anyway), and so are its slices
 * queued later (c->lost). Quiesced (invariant 5). */
static void restart_locked(struct v4l2r_session *s, struct v4l2r_request *lost,
			   enum v4l2r_result result)
{
	unsigned again = 0;

	v4l2r_requeue_plan(s, lost);
	stop_streaming_locked(s);
	s->stream_gen++;
	for (unsigned i = 0; i < s->n_slots; i++) {
		struct v4l2r_request *r = &s->slots[i];
		if (r->state == SLOT_QUEUED && !r->requeue)
			slot_free(r);
		again += r->requeue;
	}
	for (unsigned i = 0; i < s->n_captures; i++) {
		struct capture_buffer *c = &s->captures[i];
		bool goes_again = false;
		for (unsigned j = 0; j < s->n_slots; j++)
			goes_again |= s->slots[j].requeue &&
				      s->slots[j].capture_index == i;
		c->queued = false;
		c->pending = 0;
		if (goes_again || c->result != V4L2R_PENDING)
			continue;
		c->result = result;
		c->lost = result;
		if (s->recorder)	/* trace hook */
			v4l2r_trace_hook_settled(s, i);
	}
	if (lost)
		v4l2r_warn("the picture of capture buffer %u (timestamp %llu) "
			   "is lost; %u request(s) queued after it go again",
			   lost->capture_index,
			   (unsigned long long)lost->timestamp_ns, again);
	if (v4l2r_session_streamon_locked(s) < 0) {
		v4l2r_requests_abort(s, result);
		return;
	}
	for (struct v4l2r_request *r = v4l2r_requeue_next(s, NULL); r;
	     r = v4l2r_requeue_next(s, r))
		if (!requeue_locked(s, r))
			break;
}

/* The device missed a deadline: restart streaming so that the session
 * goes on. The oldest request in flight is the job the device stopped
 * on: only its picture fails, with V4L2R_TIMEOUT. */
static void recover_locked(struct v4l2r_session *s)
{
	uint64_t gen = s->stream_gen;

	if (!s->streaming)
		return;
	v4l2r_quiesce_begin(s);
	/* Unless another thread restarted it while we waited; what finished
	 * meanwhile is taken in first, not lost to STREAMOFF. */
	if (s->streaming && s->stream_gen == gen)
		collect_locked(s);
	bool stuck = false;
	for (unsigned i = 0; i < s->n_captures; i++)
		stuck |= s->captures[i].queued;	/* a request, or held */
	if (s->streaming && s->stream_gen == gen && stuck) {
		v4l2r_err("the decoder did not answer in time; restarting "
			  "streaming");
		restart_locked(s, v4l2r_oldest_queued(s), V4L2R_TIMEOUT);
	}
	v4l2r_quiesce_end(s);
}

static bool any_queueing(const struct v4l2r_session *s)
{
	for (unsigned i = 0; i < s->n_slots; i++)
		if (s->slots[i].state == SLOT_QUEUEING)
			return true;
	return false;
}

/* Waits on s->cond (a queuer settling) until deadline. */
static void wait_cond_until(struct v4l2r_session *s, int64_t deadline_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* s->cond's clock */
	int64_t left = deadline_ms - now_ms();
	if (left <= 0)
		return;
	if (left > 50)
		left = 50;
	ts.tv_sec += (time_t)(left / 1000);
	ts.tv_nsec += (long)(left % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&s->cond, &s->lock, &ts);
}

int v4l2r_request_acquire(struct v4l2r_session *s, int timeout_ms,
			  struct v4l2r_request **out)
{
	int64_t deadline = now_ms() + timeout_ms;
	int ret = -ETIMEDOUT;
	bool recovered = false;

	*out = NULL;
	pthread_mutex_lock(&s->lock);
	if (!s->n_slots) {
		pthread_mutex_unlock(&s->lock);
		return -ENOSPC;
	}
	for (;;) {
		collect_locked(s);
		for (unsigned i = 0; i < s->n_slots; i++) {
			if (s->slots[i].state == SLOT_FREE) {
				s->slots[i].state = SLOT_ACQUIRED;
				*out = &s->slots[i];
				pthread_mutex_unlock(&s->lock);
				return 0;
			}
		}
		bool in_flight = v4l2r_oldest_queued(s) != NULL;
		if (!in_flight && !any_queueing(s)) {
			/* Every slot is held by callers, none in flight. */
			ret = -EBUSY;
			break;
		}
		if (now_ms() >= deadline) {
			/* A zero timeout only tries: it must not restart
			 * streaming under pictures still in flight. */
			if (timeout_ms <= 0)
				ret = -EAGAIN;
			if (timeout_ms <= 0 || !in_flight || recovered)
				break;
			/* The restart frees the slot of the request the
			 * device stopped on: take it. */
			recover_locked(s);
			recovered = true;
			continue;
		}
		if (!in_flight || s->queueing) {
			/* A queuer settles first (see collect_locked). */
			wait_cond_until(s, deadline);
			continue;
		}
		pthread_mutex_unlock(&s->lock);
		wait_for_device(s, deadline);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

uint8_t *v4l2r_request_data(struct v4l2r_request *r, size_t *capacity)
{
	*capacity = r->capacity;
	return r->data;
}

int v4l2r_request_set_controls(struct v4l2r_request *r,
			       struct v4l2_ext_control *controls,
			       unsigned count, unsigned *error_idx)
{
	struct v4l2_ext_controls ctrls = {
		.which = V4L2_CTRL_WHICH_REQUEST_VAL,
		.request_fd = r->request_fd,
		.count = count,
		.controls = controls,
	};
	int ret = v4l2r_xioctl(r->session->video_fd, VIDIOC_S_EXT_CTRLS, &ctrls);

	if (error_idx)
		*error_idx = ret < 0 ? ctrls.error_idx : 0;
	if (ret < 0) {
		unsigned i = ctrls.error_idx;
		v4l2r_err("the kernel refused control %u of %u (id 0x%x): %s",
			  i, count, i < count ? controls[i].id : 0,
			  strerror(-ret));
	} else {
		v4l2r_kept_add(&r->kept, controls, count);
		if (r->session->recorder)	/* trace hook */
			v4l2r_trace_hook_request_controls(r, controls, count);
	}
	return ret;
}

static int queue_capture(struct v4l2r_session *s, unsigned index)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES] = { { 0 } };
	struct v4l2_buffer buf = {
		.type = s->capture_type, .memory = V4L2_MEMORY_MMAP,
		.index = index,
	};

	if (s->mplane) {
		buf.m.planes = planes;
		buf.length = s->capture_mem_planes;
	}
	return v4l2r_xioctl(s->video_fd, VIDIOC_QBUF, &buf);
}

static int queue_output(struct v4l2r_request *r, uint64_t timestamp_ns,
			size_t bytesused, unsigned flags)
{
	struct v4l2r_session *s = r->session;
	struct v4l2_plane plane = { .bytesused = (uint32_t)bytesused };
	struct v4l2_buffer buf = {
		.type = s->output_type, .memory = V4L2_MEMORY_MMAP,
		.index = r->index, .request_fd = r->request_fd,
		.flags = V4L2_BUF_FLAG_REQUEST_FD,
		.field = V4L2_FIELD_NONE,
	};

	if (flags & V4L2R_QUEUE_HOLD_CAPTURE)
		buf.flags |= V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF;
	/* The kernel keeps timestamps as timeval; ns survive when they are
	 * whole microseconds, which v4l2r_request_queue checks. */
	buf.timestamp.tv_sec = (time_t)(timestamp_ns / 1000000000u);
	buf.timestamp.tv_usec = (suseconds_t)(timestamp_ns % 1000000000u / 1000);
	if (s->mplane) {
		plane.length = (uint32_t)r->capacity;
		buf.m.planes = &plane;
		buf.length = 1;
	} else {
		buf.bytesused = (uint32_t)bytesused;
	}
	return v4l2r_xioctl(s->video_fd, VIDIOC_QBUF, &buf);
}

/* Rolls back the claim of a request the kernel did not take (nothing of it
 * reached the device: a failed QBUF, or a request the kernel refused and
 * whose buffer REINIT takes back). */
static void refuse_locked(struct v4l2r_request *r, struct capture_buffer *c,
			  bool claimed_capture)
{
	slot_free(r);
	if (c->pending)
		c->pending--;
	if (claimed_capture)
		c->queued = false;
	if (c->pending == 0)
		c->result = V4L2R_REFUSED;
	else
		c->error = true;
}

int v4l2r_request_queue(struct v4l2r_request *r, unsigned capture_index,
			uint64_t timestamp_ns, size_t bytesused,
			unsigned flags)
{
	struct v4l2r_session *s = r->session;
	int ret;

	pthread_mutex_lock(&s->queue_lock);
	pthread_mutex_lock(&s->lock);
	while (s->stopping)
		pthread_cond_wait(&s->cond, &s->lock);
	if (r->state != SLOT_ACQUIRED || capture_index >= s->n_captures ||
	    bytesused == 0 || bytesused > r->capacity ||
	    timestamp_ns % 1000 != 0) {
		v4l2r_err("request_queue: bad arguments (capture %u of %u, "
			  "%zu bytes of %zu, timestamp %llu)", capture_index,
			  s->n_captures, bytesused, r->capacity,
			  (unsigned long long)timestamp_ns);
		ret = -EINVAL;
		goto out;
	}
	struct capture_buffer *c = &s->captures[capture_index];
	if (s->lost) {
		v4l2r_err("request_queue: " DEVICE_GONE);
		slot_free(r);
		if (c->pending == 0)
			c->result = V4L2R_DEVICE_LOST;
		ret = -ENODEV;
		goto out;
	}
	if (c->result != V4L2R_PENDING) {
		/* First request of a new picture into this buffer, or the
		 * rest of one that a restart lost before its last slice came
		 * (same timestamp, held): that one stays lost. */
		if (!c->held || c->timestamp_ns != timestamp_ns)
			c->lost = V4L2R_IDLE;
		c->error = false;
	}
	if (!s->streaming) {
		ret = v4l2r_session_streamon_locked(s);
		if (ret < 0) {
			slot_free(r);
			if (c->pending == 0)
				c->result = V4L2R_REFUSED;
			else
				c->error = true;
			goto out;
		}
	}

	/* Claim (invariants 1-4), then the ioctls without the lock. */
	r->state = SLOT_QUEUEING;
	r->dequeued = false;
	r->capture_index = capture_index;
	r->queue_seq = s->next_seq++;
	r->timestamp_ns = timestamp_ns;
	r->bytesused = bytesused;
	r->flags = flags;
	c->timestamp_ns = timestamp_ns;
	c->held = flags & V4L2R_QUEUE_HOLD_CAPTURE;
	c->pending++;
	c->result = V4L2R_PENDING;
	bool claim_capture = !c->queued;
	c->queued = true;
	s->queueing++;
	bool keep_lock = s->recorder != NULL;
	if (!keep_lock)
		pthread_mutex_unlock(&s->lock);

	int stage = 0;	/* 0 OUTPUT QBUF, 1 request, 2 CAPTURE QBUF, 3 done */
	ret = queue_output(r, timestamp_ns, bytesused, flags);
	if (!ret) {
		stage = 1;
		ret = v4l2r_xioctl(r->request_fd, MEDIA_REQUEST_IOC_QUEUE, NULL);
	}
	/* Queued after the request, so a refused request never leaves a
	 * capture buffer in the driver's queue out of order. */
	if (!ret) {
		stage = 2;
		if (claim_capture)
			ret = queue_capture(s, capture_index);
	}
	if (!ret)
		stage = 3;

	if (!keep_lock)
		pthread_mutex_lock(&s->lock);
	s->queueing--;
	pthread_cond_broadcast(&s->cond);
	switch (stage) {
	case 0:
		v4l2r_err("QBUF of bitstream buffer %u failed: %s", r->index,
			  strerror(-ret));
		refuse_locked(r, c, claim_capture);
		break;
	case 1:
		v4l2r_err("the kernel refused the request: %s%s", strerror(-ret),
			  ret == -ENOENT ? " (no buffer in it)" :
			  ret == -EINVAL ? " (missing or invalid controls)" : "");
		refuse_locked(r, c, claim_capture);
		break;
	case 2:
		/* The request is in the kernel and no capture buffer will come
		 * for it: only a restart puts the queues back in step. Its
		 * picture is lost as refused; the requests before it go
		 * again. */
		v4l2r_err("QBUF of capture buffer %u failed: %s", capture_index,
			  strerror(-ret));
		c->queued = false;
		if (r->dequeued)
			slot_free(r);
		else
			r->state = SLOT_QUEUED;	/* the restart frees it */
		if (ret != -ENODEV && s->streaming) {
			v4l2r_quiesce_begin(s);
			collect_locked(s);	/* not decoded twice */
			if (s->streaming)
				restart_locked(s, r, V4L2R_REFUSED);
			v4l2r_quiesce_end(s);
		}
		break;
	default:
		if (s->recorder)	/* trace hook */
			v4l2r_trace_hook_queued(r, capture_index, timestamp_ns,
						bytesused, flags);
		if (r->dequeued)
			slot_free(r);
		else
			r->state = SLOT_QUEUED;
		break;
	}
	if (ret == -ENODEV)
		device_lost_locked(s);
out:
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_unlock(&s->queue_lock);
	return ret;
}

void v4l2r_request_release(struct v4l2r_request *r)
{
	struct v4l2r_session *s = r->session;

	pthread_mutex_lock(&s->lock);
	if (r->state == SLOT_ACQUIRED)
		slot_free(r);
	pthread_mutex_unlock(&s->lock);
}

bool v4l2r_session_lost(struct v4l2r_session *s)
{
	pthread_mutex_lock(&s->lock);
	bool lost = s->lost;
	pthread_mutex_unlock(&s->lock);
	return lost;
}

const char *v4l2r_result_str(enum v4l2r_result result)
{
	switch (result) {
	case V4L2R_IDLE: return "idle";
	case V4L2R_PENDING: return "pending";
	case V4L2R_DONE: return "done";
	case V4L2R_DECODE_ERROR: return "decode error";
	case V4L2R_REFUSED: return "refused by the kernel";
	case V4L2R_TIMEOUT: return "timed out";
	case V4L2R_ABORTED: return "aborted";
	case V4L2R_DEVICE_LOST: return "device lost";
	}
	return "unknown";
}

enum v4l2r_result v4l2r_session_capture_status(struct v4l2r_session *s,
					       unsigned index)
{
	enum v4l2r_result result = V4L2R_IDLE;

	pthread_mutex_lock(&s->lock);
	if (index < s->n_captures) {
		result = s->captures[index].result;
		if (result == V4L2R_PENDING) {
			collect_locked(s);
			result = s->captures[index].result;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return result;
}

enum v4l2r_result v4l2r_session_wait_capture(struct v4l2r_session *s,
					     unsigned index, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	enum v4l2r_result result = V4L2R_IDLE;

	pthread_mutex_lock(&s->lock);
	while (index < s->n_captures) {
		/* No ioctl when the answer is already known. */
		result = s->captures[index].result;
		if (result == V4L2R_PENDING) {
			collect_locked(s);
			result = s->captures[index].result;
		}
		if (result != V4L2R_PENDING)
			break;
		if (now_ms() >= deadline) {
			uint64_t gen = s->stream_gen;
			recover_locked(s);
			result = s->captures[index].result;
			if (result != V4L2R_PENDING || s->stream_gen == gen)
				break;
			/* Queued again behind the request the device stopped
			 * on: its own wait starts now. */
			deadline = now_ms() + timeout_ms;
		}
		if (s->queueing) {
			/* A queuer settles first (see collect_locked). */
			wait_cond_until(s, deadline);
			continue;
		}
		pthread_mutex_unlock(&s->lock);
		wait_for_device(s, deadline);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return result;
}

void v4l2r_session_capture_reset(struct v4l2r_session *s, unsigned index)
{
	pthread_mutex_lock(&s->lock);
	if (index < s->n_captures &&
	    s->captures[index].result != V4L2R_PENDING)
		s->captures[index].result = V4L2R_IDLE;
	pthread_mutex_unlock(&s->lock);
}
