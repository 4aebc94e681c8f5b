/* Guest test of the core request path on a real kernel (visl): one line per
 * case, a summary line, non-zero exit on any failure.
 *
 * Note: visl runs a job inside the ioctl that makes it runnable, so its
 * visl_transtime_ms cannot make a device that fails to answer; a capture
 * buffer held with V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF and never released
 * does, and is how the timeout path is tested. That same behaviour, with
 * visl_transtime_ms set, makes a queue call last a whole job: the
 * unlocked-queue cases check that other threads go on meanwhile.
 *
 * One case injects a refusal the public API cannot cause (a second OUTPUT
 * buffer in the request, which visl's request validation refuses), so this
 * file also reads the core's private session header. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "core/session_private.h"
#include "v4l2r/discovery.h"
#include "v4l2r/log.h"
#include "v4l2r/session.h"
#include "v4l2r/trace.h"

#include "report.h"

#define WIDTH 320
#define HEIGHT 240
#define WAIT_MS 5000

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* visl_transtime_ms: how long visl sleeps in each job (T to 2T). */
#define TRANSTIME_PATH "/sys/module/visl/parameters/visl_transtime_ms"

static int transtime_get(void)
{
	FILE *f = fopen(TRANSTIME_PATH, "re");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static bool transtime_set(int ms)
{
	FILE *f = fopen(TRANSTIME_PATH, "we");

	if (!f)
		return false;
	bool ok = fprintf(f, "%d\n", ms) > 0;
	return fclose(f) == 0 && ok;
}

/* Valid MPEG-2 controls for an intra-coded progressive frame. */
struct mpeg2_controls {
	struct v4l2_ctrl_mpeg2_sequence seq;
	struct v4l2_ctrl_mpeg2_picture pic;
	struct v4l2_ctrl_mpeg2_quantisation quant;
	struct v4l2_ext_control ctrl[3];
};

static void mpeg2_controls_init(struct mpeg2_controls *m)
{
	memset(m, 0, sizeof(*m));
	m->seq.horizontal_size = WIDTH;
	m->seq.vertical_size = HEIGHT;
	m->seq.vbv_buffer_size = 112 * 16 * 1024;
	m->seq.profile_and_level_indication = 0x48;	/* Main@Main */
	m->seq.chroma_format = 1;			/* 4:2:0 */
	m->seq.flags = V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE;
	m->pic.picture_coding_type = V4L2_MPEG2_PIC_CODING_TYPE_I;
	memset(m->pic.f_code, 0xf, sizeof(m->pic.f_code));
	m->pic.picture_structure = V4L2_MPEG2_PIC_FRAME;
	m->pic.flags = V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT |
		       V4L2_MPEG2_PIC_FLAG_PROGRESSIVE;
	for (unsigned i = 0; i < 64; i++) {
		m->quant.intra_quantiser_matrix[i] = i ? 16 + i / 4 : 8;
		m->quant.non_intra_quantiser_matrix[i] = 16;
		m->quant.chroma_intra_quantiser_matrix[i] = i ? 16 + i / 4 : 8;
		m->quant.chroma_non_intra_quantiser_matrix[i] = 16;
	}
	m->ctrl[0] = (struct v4l2_ext_control){
		.id = V4L2_CID_STATELESS_MPEG2_SEQUENCE,
		.size = sizeof(m->seq), .ptr = &m->seq };
	m->ctrl[1] = (struct v4l2_ext_control){
		.id = V4L2_CID_STATELESS_MPEG2_PICTURE,
		.size = sizeof(m->pic), .ptr = &m->pic };
	m->ctrl[2] = (struct v4l2_ext_control){
		.id = V4L2_CID_STATELESS_MPEG2_QUANTISATION,
		.size = sizeof(m->quant), .ptr = &m->quant };
}

/* A picture start code, a picture header and one slice: visl does not parse
 * it, but a real decoder would see a well-formed picture. */
static size_t write_bitstream(uint8_t *data, size_t capacity)
{
	static const uint8_t picture[] = {
		0x00, 0x00, 0x01, 0x00, 0x00, 0x0f, 0xff, 0xf8,
		0x00, 0x00, 0x01, 0x01, 0x12, 0x34, 0x56, 0x78,
	};
	size_t n = sizeof(picture) < capacity ? sizeof(picture) : capacity;

	memcpy(data, picture, n);
	return n;
}

static struct v4l2r_session *open_session(const struct v4l2r_node *node,
					  unsigned n_capture)
{
	struct v4l2r_session *s;
	struct v4l2r_layout layout;

	if (v4l2r_session_open(node, &s) < 0)
		return NULL;
	if (v4l2r_session_set_output_format(s, V4L2_PIX_FMT_MPEG2_SLICE, WIDTH,
					    HEIGHT, 256 * 1024) < 0 ||
	    v4l2r_session_set_capture_format(s, 0, &layout) < 0 ||
	    v4l2r_session_alloc_buffers(s, 4, n_capture) < 0 ||
	    v4l2r_session_start(s) < 0) {
		v4l2r_session_close(s);
		return NULL;
	}
	return s;
}

/* Queues one intra picture into capture index; 0 or a negative errno. */
static int queue_picture(struct v4l2r_session *s, unsigned index,
			 uint64_t timestamp, struct mpeg2_controls *m,
			 unsigned flags, unsigned *error_idx)
{
	struct v4l2r_request *r;
	size_t capacity;
	int ret = v4l2r_request_acquire(s, WAIT_MS, &r);

	if (ret < 0)
		return ret;
	uint8_t *data = v4l2r_request_data(r, &capacity);
	size_t bytes = write_bitstream(data, capacity);
	ret = v4l2r_request_set_controls(r, m->ctrl, 3, error_idx);
	if (ret < 0) {
		v4l2r_request_release(r);
		return ret;
	}
	return v4l2r_request_queue(r, index, timestamp, bytes, flags);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_round_trip(const struct v4l2r_node *node)
{
	struct mpeg2_controls m;
	uint8_t *mem[V4L2R_MAX_PLANES];
	struct v4l2r_session *s = open_session(node, 4);

	if (!s) {
		report("mpeg2-round-trip", false, "session setup failed");
		return;
	}
	mpeg2_controls_init(&m);
	v4l2r_session_capture_map(s, 0, mem);
	memset(mem[0], 0, 4096);
	int ret = queue_picture(s, 0, 1000, &m, 0, NULL);
	enum v4l2r_result res = ret ? V4L2R_REFUSED :
			v4l2r_session_wait_capture(s, 0, WAIT_MS);
	report("mpeg2-round-trip", res == V4L2R_DONE, "queue %d, result %s",
	       ret, v4l2r_result_str(res));
	/* visl writes a test pattern: the buffer must have been touched. */
	report("capture-written", res == V4L2R_DONE && !all_zero(mem[0], 4096),
	       "capture buffer still blank");

	/* More pictures than request slots: the pool must recycle them. */
	bool ok = true;
	for (unsigned i = 0; i < 12 && ok; i++) {
		unsigned idx = i % v4l2r_session_capture_count(s);
		ok = queue_picture(s, idx, 2000 + i * 1000, &m, 0, NULL) == 0 &&
		     v4l2r_session_wait_capture(s, idx, WAIT_MS) == V4L2R_DONE;
	}
	report("request-reuse", ok, "a recycled request failed");

	/* Four in flight before waiting for any. */
	ok = true;
	for (unsigned i = 0; i < 4 && ok; i++)
		ok = queue_picture(s, i, 100000 + i * 1000, &m, 0, NULL) == 0;
	for (unsigned i = 0; i < 4 && ok; i++)
		ok = v4l2r_session_wait_capture(s, i, WAIT_MS) == V4L2R_DONE;
	report("four-in-flight", ok, "pipelined requests failed");

	/* Formats cannot change under allocated buffers. */
	ret = v4l2r_session_set_output_format(s, V4L2_PIX_FMT_MPEG2_SLICE, 64,
					      64, 0);
	report("format-locked-with-buffers", ret == -EBUSY, "got %d", ret);

	/* A DMABUF export carries the same bytes as the CPU mapping. */
	int fds[V4L2R_MAX_PLANES];
	struct v4l2r_layout layout;
	ret = v4l2r_session_capture_export(s, 0, fds);
	v4l2r_session_capture_layout(s, &layout);
	ok = ret == 0 && fds[0] >= 0;
	if (ok) {
		size_t len = layout.mem_size[0];
		uint8_t *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fds[0], 0);
		ok = p != MAP_FAILED && memcmp(p, mem[0], len) == 0;
		if (p != MAP_FAILED)
			munmap(p, len);
		for (unsigned i = 0; i < V4L2R_MAX_PLANES; i++)
			if (fds[i] >= 0)
				close(fds[i]);
	}
	report("dmabuf-export", ok, "export %d", ret);
	v4l2r_session_close(s);
}

static void test_invalid_control(const struct v4l2r_node *node)
{
	struct mpeg2_controls m;
	unsigned error_idx = 99;
	struct v4l2r_session *s = open_session(node, 2);

	if (!s) {
		report("invalid-control-refused", false, "session setup failed");
		return;
	}
	mpeg2_controls_init(&m);
	m.pic.picture_structure = 0;	/* not a valid picture structure */
	int ret = queue_picture(s, 0, 1000, &m, 0, &error_idx);
	report("invalid-control-refused", ret == -EINVAL && error_idx == 1,
	       "got %d, error index %u (want -EINVAL at 1)", ret, error_idx);

	mpeg2_controls_init(&m);
	ret = queue_picture(s, 0, 2000, &m, 0, NULL);
	enum v4l2r_result res = ret ? V4L2R_REFUSED :
			v4l2r_session_wait_capture(s, 0, WAIT_MS);
	report("usable-after-refusal", res == V4L2R_DONE, "result %s",
	       v4l2r_result_str(res));

	/* A capture buffer the device holds forever (hold flag, no further
	 * slice) is a picture that never completes: the wait times out, the
	 * session recovers, and decoding goes on. */
	ret = queue_picture(s, 0, 5000, &m, V4L2R_QUEUE_HOLD_CAPTURE, NULL);
	res = ret ? V4L2R_REFUSED : v4l2r_session_wait_capture(s, 0, 300);
	report("timeout-reported", res == V4L2R_TIMEOUT, "queue %d, result %s",
	       ret, v4l2r_result_str(res));
	ret = queue_picture(s, 1, 6000, &m, 0, NULL);
	res = ret ? V4L2R_REFUSED : v4l2r_session_wait_capture(s, 1, WAIT_MS);
	report("recovered-after-timeout", res == V4L2R_DONE, "result %s",
	       v4l2r_result_str(res));
	v4l2r_session_close(s);
}

static void test_two_sessions(const struct v4l2r_node *node)
{
	struct mpeg2_controls m;
	struct v4l2r_session *a = open_session(node, 2);
	struct v4l2r_session *b = open_session(node, 2);
	bool ok = a && b;

	mpeg2_controls_init(&m);
	for (unsigned i = 0; i < 3 && ok; i++) {
		ok = queue_picture(a, i % 2, 1000 + i * 1000, &m, 0, NULL) == 0 &&
		     queue_picture(b, i % 2, 1000 + i * 1000, &m, 0, NULL) == 0 &&
		     v4l2r_session_wait_capture(a, i % 2, WAIT_MS) == V4L2R_DONE &&
		     v4l2r_session_wait_capture(b, i % 2, WAIT_MS) == V4L2R_DONE;
	}
	report("two-sessions", ok, "%s", a && b ? "a decode failed" :
						"second session failed to open");
	v4l2r_session_close(a);
	v4l2r_session_close(b);
}

/* ---- the queue ioctls run without the session lock ---- */

#define UNLOCKED_PICTURES 12
#define UNLOCKED_TRANSTIME 20	/* ms: every queue call lasts a job */

struct two_threads {
	struct v4l2r_session *s;
	struct mpeg2_controls m;
	unsigned n_capture;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned in_call;	/* the queuer entered the call of picture n-1 */
	unsigned queued;	/* queue calls that returned */
	unsigned waited;	/* pictures the waiter is done with */
	int error;
	double call_start[UNLOCKED_PICTURES], call_end[UNLOCKED_PICTURES];
	double wait_start[UNLOCKED_PICTURES], wait_end[UNLOCKED_PICTURES];
	enum v4l2r_result result[UNLOCKED_PICTURES];
};

static void *queuer(void *opaque)
{
	struct two_threads *tt = opaque;

	for (unsigned i = 0; i < UNLOCKED_PICTURES; i++) {
		struct v4l2r_request *r;
		size_t capacity;
		pthread_mutex_lock(&tt->mu);
		/* Its capture buffer is free once picture i - n was waited. */
		while (i >= tt->waited + tt->n_capture)
			pthread_cond_wait(&tt->cv, &tt->mu);
		pthread_mutex_unlock(&tt->mu);
		int ret = v4l2r_request_acquire(tt->s, WAIT_MS, &r);
		if (!ret) {
			uint8_t *data = v4l2r_request_data(r, &capacity);
			size_t bytes = write_bitstream(data, capacity);
			ret = v4l2r_request_set_controls(r, tt->m.ctrl, 3, NULL);
			if (ret < 0) {
				v4l2r_request_release(r);
			} else {
				pthread_mutex_lock(&tt->mu);
				tt->in_call = i + 1;
				tt->call_start[i] = now_ms();
				pthread_cond_broadcast(&tt->cv);
				pthread_mutex_unlock(&tt->mu);
				ret = v4l2r_request_queue(r, i % tt->n_capture,
							  (i + 1) * 1000000ull,
							  bytes, 0);
			}
		}
		pthread_mutex_lock(&tt->mu);
		tt->call_end[i] = now_ms();
		if (ret < 0)
			tt->error = ret;
		else
			tt->queued = i + 1;
		pthread_cond_broadcast(&tt->cv);
		pthread_mutex_unlock(&tt->mu);
		if (ret < 0)
			break;
	}
	return NULL;
}

/* One thread queues pictures while this one waits for each in order, and
 * waits for picture i only once the queuer is inside the (job-long) queue
 * call of picture i + 1: the wait must not last until that call returns,
 * and every picture is decoded. */
static void test_unlocked_queue(const struct v4l2r_node *node)
{
	struct two_threads tt = { .n_capture = 4 };
	int old = transtime_get();

	if (old < 0 || !transtime_set(UNLOCKED_TRANSTIME)) {
		report_skip("queue-unlocked-wait", "%s is not writable", TRANSTIME_PATH);
		return;
	}
	tt.s = open_session(node, tt.n_capture);
	if (!tt.s) {
		report("queue-unlocked-wait", false, "session setup failed");
		transtime_set(old);
		return;
	}
	mpeg2_controls_init(&tt.m);
	pthread_mutex_init(&tt.mu, NULL);
	pthread_cond_init(&tt.cv, NULL);
	pthread_t thread;
	pthread_create(&thread, NULL, queuer, &tt);
	unsigned done = 0, overlapped = 0, blocked = 0;
	for (unsigned i = 0; i < UNLOCKED_PICTURES; i++) {
		pthread_mutex_lock(&tt.mu);
		while (tt.queued <= i && !tt.error)
			pthread_cond_wait(&tt.cv, &tt.mu);
		while (i + 1 < UNLOCKED_PICTURES && tt.in_call < i + 2 &&
		       !tt.error)
			pthread_cond_wait(&tt.cv, &tt.mu);
		bool stop = tt.error && tt.queued <= i;
		pthread_mutex_unlock(&tt.mu);
		if (stop)
			break;
		/* Well inside the queuer's call of picture i + 1 (if any). */
		struct timespec pause = { .tv_nsec = 3000000 };
		nanosleep(&pause, NULL);
		tt.wait_start[i] = now_ms();
		tt.result[i] = v4l2r_session_wait_capture(tt.s, i % tt.n_capture,
							  WAIT_MS);
		tt.wait_end[i] = now_ms();
		if (tt.result[i] == V4L2R_DONE)
			done++;
		v4l2r_session_capture_reset(tt.s, i % tt.n_capture);
		pthread_mutex_lock(&tt.mu);
		tt.waited = i + 1;
		pthread_cond_broadcast(&tt.cv);
		/* The next call was still running when the wait began (and
		 * lasted long enough to tell): did the wait end before it? */
		unsigned j = i + 1;
		if (j < UNLOCKED_PICTURES && tt.call_start[j] > 0 &&
		    tt.call_start[j] < tt.wait_start[i] &&
		    (tt.call_end[j] == 0 ||
		     tt.call_end[j] > tt.wait_start[i] + UNLOCKED_TRANSTIME / 2)) {
			if (tt.call_end[j] == 0 ||
			    tt.wait_end[i] < tt.call_end[j])
				overlapped++;
			else
				blocked++;
		}
		pthread_mutex_unlock(&tt.mu);
	}
	pthread_join(thread, NULL);
	report("queue-unlocked-wait",
	       !tt.error && done == UNLOCKED_PICTURES && blocked == 0 &&
	       overlapped >= UNLOCKED_PICTURES / 2,
	       "%u of %u pictures done (queue error %d); %u waits ended "
	       "while the next queue call ran, %u only after it returned",
	       done, UNLOCKED_PICTURES, tt.error, overlapped, blocked);

	v4l2r_session_close(tt.s);
	pthread_cond_destroy(&tt.cv);
	pthread_mutex_destroy(&tt.mu);
	transtime_set(old);
}

struct long_call {
	struct v4l2r_session *s;
	struct mpeg2_controls m;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool in_call;
	int ret;
	double start, end;
};

static void *long_call_thread(void *opaque)
{
	struct long_call *lc = opaque;
	struct v4l2r_request *r;
	size_t capacity, bytes = 0;

	lc->ret = v4l2r_request_acquire(lc->s, WAIT_MS, &r);
	if (!lc->ret) {
		uint8_t *data = v4l2r_request_data(r, &capacity);
		bytes = write_bitstream(data, capacity);
		lc->ret = v4l2r_request_set_controls(r, lc->m.ctrl, 3, NULL);
		if (lc->ret < 0)
			v4l2r_request_release(r);
	}
	pthread_mutex_lock(&lc->mu);
	lc->in_call = true;
	lc->start = now_ms();
	pthread_cond_broadcast(&lc->cv);
	pthread_mutex_unlock(&lc->mu);
	if (!lc->ret)
		lc->ret = v4l2r_request_queue(r, 0, 1000000, bytes, 0);
	lc->end = now_ms();
	return NULL;
}

/* While another thread is inside a queue call that lasts a whole job, this
 * one takes a request slot and reads a picture's status at once. */
static void test_queue_leaves_session_free(const struct v4l2r_node *node)
{
	struct long_call lc = { .ret = -1 };
	int old = transtime_get();

	if (old < 0 || !transtime_set(3 * UNLOCKED_TRANSTIME)) {
		report_skip("queue-unlocked-acquire", "%s is not writable", TRANSTIME_PATH);
		return;
	}
	lc.s = open_session(node, 2);
	if (!lc.s) {
		report("queue-unlocked-acquire", false, "session setup failed");
		transtime_set(old);
		return;
	}
	mpeg2_controls_init(&lc.m);
	pthread_mutex_init(&lc.mu, NULL);
	pthread_cond_init(&lc.cv, NULL);
	pthread_t thread;
	pthread_create(&thread, NULL, long_call_thread, &lc);
	pthread_mutex_lock(&lc.mu);
	while (!lc.in_call)
		pthread_cond_wait(&lc.cv, &lc.mu);
	pthread_mutex_unlock(&lc.mu);
	struct timespec pause = { .tv_nsec = 10000000 };
	nanosleep(&pause, NULL);
	struct v4l2r_request *r = NULL;
	double t0 = now_ms();
	int ret = v4l2r_request_acquire(lc.s, 0, &r);
	enum v4l2r_result idle = v4l2r_session_capture_status(lc.s, 1);
	double took = now_ms() - t0;
	if (r)
		v4l2r_request_release(r);
	pthread_join(thread, NULL);
	double call = lc.end - lc.start;
	enum v4l2r_result res = lc.ret ? V4L2R_REFUSED :
		v4l2r_session_wait_capture(lc.s, 0, WAIT_MS);
	report("queue-unlocked-acquire",
	       ret == 0 && idle == V4L2R_IDLE && res == V4L2R_DONE &&
	       call >= 2 * UNLOCKED_TRANSTIME && took < call / 3,
	       "acquire %d and status %s took %.1f ms during a %.1f ms queue "
	       "call; picture %s", ret, v4l2r_result_str(idle), took, call,
	       v4l2r_result_str(res));
	v4l2r_session_close(lc.s);
	pthread_cond_destroy(&lc.cv);
	pthread_mutex_destroy(&lc.mu);
	transtime_set(old);
}

/* A request the kernel refuses at MEDIA_REQUEST_IOC_QUEUE, with its
 * OUTPUT buffer already bound to it (visl refuses a request holding two
 * buffers: the second is put in behind the core's back). Its claim must
 * roll back: the call fails, the picture is REFUSED, every slot returns to
 * the pool with its buffer free, and its capture buffer stays out of the
 * driver (else the next picture would decode into it). */
static void test_refused_rollback(const struct v4l2r_node *node)
{
	const char *name = "refused-request-rolls-back";
	struct mpeg2_controls m;
	struct v4l2r_session *s = open_session(node, 4);
	struct v4l2r_request *a = NULL, *b = NULL;
	size_t capacity;

	if (!s) {
		report(name, false, "session setup failed");
		return;
	}
	mpeg2_controls_init(&m);
	if (v4l2r_request_acquire(s, WAIT_MS, &a) < 0 ||
	    v4l2r_request_acquire(s, WAIT_MS, &b) < 0) {
		report(name, false, "no request slots");
		v4l2r_session_close(s);
		return;
	}
	uint8_t *data = v4l2r_request_data(a, &capacity);
	size_t bytes = write_bitstream(data, capacity);
	data = v4l2r_request_data(b, &capacity);
	write_bitstream(data, capacity);
	int ret = v4l2r_request_set_controls(a, m.ctrl, 3, NULL);
	struct v4l2_plane plane = { .bytesused = (uint32_t)bytes,
				    .length = (uint32_t)b->capacity };
	struct v4l2_buffer buf = {
		.type = s->output_type, .memory = V4L2_MEMORY_MMAP,
		.index = b->index, .request_fd = a->request_fd,
		.flags = V4L2_BUF_FLAG_REQUEST_FD, .field = V4L2_FIELD_NONE,
	};
	if (s->mplane) {
		buf.m.planes = &plane;
		buf.length = 1;
	} else {
		buf.bytesused = (uint32_t)bytes;
	}
	if (ret < 0 || ioctl(v4l2r_session_video_fd(s), VIDIOC_QBUF, &buf) < 0) {
		report_skip(name, "could not put a second buffer in the request");
		v4l2r_request_release(a);
		v4l2r_request_release(b);
		v4l2r_session_close(s);
		return;
	}
	ret = v4l2r_request_queue(a, 0, 1000000, bytes, 0);
	enum v4l2r_result refused = v4l2r_session_capture_status(s, 0);
	v4l2r_request_release(b);

	/* Every slot is back in the pool. */
	struct v4l2r_request *all[16];
	unsigned n = 0;
	while (n < 16 && v4l2r_request_acquire(s, 0, &all[n]) == 0)
		n++;
	for (unsigned i = 0; i < n; i++)
		v4l2r_request_release(all[i]);
	/* Capture 0 is not in the driver's queue: a picture for capture 1
	 * lands in capture 1. Then every slot, the refused one and the one
	 * whose buffer was put in, decodes again, into capture 0 too. */
	enum v4l2r_result next = queue_picture(s, 1, 2000000, &m, 0, NULL) ?
		V4L2R_REFUSED : v4l2r_session_wait_capture(s, 1, 2000);
	bool again = true;
	for (unsigned i = 0; i < n && again; i++) {
		unsigned c = i % 2 ? 1 : 0;
		v4l2r_session_capture_reset(s, c);
		again = queue_picture(s, c, 3000000 + i * 1000000, &m, 0,
				      NULL) == 0 &&
			v4l2r_session_wait_capture(s, c, WAIT_MS) == V4L2R_DONE;
	}
	report(name, ret < 0 && refused == V4L2R_REFUSED &&
	       n == v4l2r_session_output_count(s) && next == V4L2R_DONE &&
	       again,
	       "queue %d, picture %s, %u of %u slots free, next picture %s, "
	       "%s", ret, v4l2r_result_str(refused), n,
	       v4l2r_session_output_count(s), v4l2r_result_str(next),
	       again ? "every slot decodes again" : "a slot failed afterwards");
	v4l2r_session_close(s);
}

/* ---- a hung job costs its picture only ---- */

#define FAULT_PATH "/sys/module/visl/parameters/"

/* Sets one of the patched visl's fault parameters (counted per file
 * handle: a new session starts at job and request 1). */
static bool fault_set(const char *name, unsigned value)
{
	char path[128];

	snprintf(path, sizeof(path), FAULT_PATH "%s", name);
	FILE *f = fopen(path, "we");
	if (!f)
		return false;
	bool ok = fprintf(f, "%u\n", value) > 0;
	return fclose(f) == 0 && ok;
}

/* Four pictures in flight, the second's job hangs (fault_hang_every=2):
 * only the second fails; the third and fourth, queued behind it, decode
 * after the restart from what the core kept (their controls in the
 * caller's memory are spoilt by then: sent again from there, visl would
 * refuse them). With refuse_every, the request numbered so (from 1,
 * requeues counted) is refused when queued again. With record, the trace
 * must hold each request once, in order, and a checksum for every picture
 * but the lost one. Returns the results of pictures 1 to 4 and a fifth
 * queued afterwards, as a string ("D" done, "T" timed out, "R" refused). */
static const char *hang_four(const struct v4l2r_node *node,
			     unsigned refuse_every, const char *record,
			     double *waited)
{
	static char got[8];
	struct mpeg2_controls m[5];
	struct v4l2r_session *s = open_session(node, 6);

	strcpy(got, "setup");
	if (!s)
		return got;
	if (record && v4l2r_session_record(s, record, V4L2R_RECORD_MD5) < 0) {
		v4l2r_session_close(s);
		return got;
	}
	fault_set("fault_hang_every", 2);
	bool ok = true;
	for (unsigned k = 0; k < 4 && ok; k++) {
		mpeg2_controls_init(&m[k]);
		ok = queue_picture(s, k, 1000 * (k + 1), &m[k], 0, NULL) == 0;
	}
	fault_set("fault_hang_every", 0);
	fault_set("fault_refuse_every", refuse_every);
	for (unsigned k = 2; k < 4; k++)
		m[k].pic.picture_structure = 0;	/* not a valid structure */
	double t0 = now_ms();
	if (ok)
		v4l2r_session_wait_capture(s, 3, 300);
	*waited = now_ms() - t0;
	fault_set("fault_refuse_every", 0);
	mpeg2_controls_init(&m[4]);
	if (ok)
		ok = queue_picture(s, 4, 5000, &m[4], 0, NULL) == 0;
	for (unsigned k = 0; k < 5 && ok; k++) {
		enum v4l2r_result r = v4l2r_session_wait_capture(s, k, 2000);
		got[k] = r == V4L2R_DONE ? 'D' : r == V4L2R_TIMEOUT ? 'T' :
			 r == V4L2R_REFUSED ? 'R' : '?';
	}
	if (ok)
		got[5] = '\0';
	v4l2r_session_close(s);
	return got;
}

static void test_hang(const struct v4l2r_node *node)
{
	const char *name = "hang-costs-its-picture";
	char path[64];
	double waited;

	if (!fault_set("fault_hang_every", 0)) {
		report_skip(name, "visl has no fault parameters (not the "
			    "project's patched visl)");
		report_skip("hang-recorded-once", "no fault parameters");
		report_skip("hang-requeue-refused", "no fault parameters");
		report_skip("hang-slices", "no fault parameters");
		return;
	}
	snprintf(path, sizeof(path), "/tmp/core-requests-hang.%d.trace",
		 (int)getpid());
	const char *got = hang_four(node, 0, path, &waited);
	report(name, !strcmp(got, "DTDDD") && waited < 2000,
	       "pictures %s (want DTDDD), waited %.0f ms", got, waited);

	struct v4l2r_trace *t = NULL;
	char why[160] = "";
	int ret = v4l2r_trace_load(path, &t, why, sizeof(why));
	bool once = ret == 0 && t->n_requests == 5 && t->n_frames == 5;
	for (unsigned i = 0; once && i < 5; i++)
		once = t->requests[i].frame == i &&
		       t->requests[i].timestamp_ns == 1000 * (i + 1) &&
		       t->frames[i].has_md5 == (i != 1);
	report("hang-recorded-once", once, "%s: %u requests, %u frames, "
	       "checksums %d%d%d%d%d (want 5, 5, 10111)",
	       ret ? why : "loaded", t ? t->n_requests : 0,
	       t ? t->n_frames : 0,
	       t && t->n_frames > 0 ? t->frames[0].has_md5 : -1,
	       t && t->n_frames > 1 ? t->frames[1].has_md5 : -1,
	       t && t->n_frames > 2 ? t->frames[2].has_md5 : -1,
	       t && t->n_frames > 3 ? t->frames[3].has_md5 : -1,
	       t && t->n_frames > 4 ? t->frames[4].has_md5 : -1);
	v4l2r_trace_free(t);
	unlink(path);

	/* visl's request 5 is the third picture's, queued again. */
	got = hang_four(node, 5, NULL, &waited);
	report("hang-requeue-refused", !strcmp(got, "DTRDD"),
	       "pictures %s (want DTRDD)", got);

	/* Slices: picture A (capture 0) in three requests, the first hangs;
	 * B (capture 1) queued behind A's second. A is lost, its second
	 * slice dropped, its third (queued after the restart) keeps it
	 * lost; B decodes; C into A's buffer afterwards decodes. */
	struct mpeg2_controls m;
	struct v4l2r_session *s = open_session(node, 4);
	mpeg2_controls_init(&m);
	bool ok = s != NULL;
	fault_set("fault_hang_every", 1);
	ok = ok && queue_picture(s, 0, 1000, &m, V4L2R_QUEUE_HOLD_CAPTURE,
				 NULL) == 0;
	fault_set("fault_hang_every", 0);
	ok = ok && queue_picture(s, 0, 1000, &m, V4L2R_QUEUE_HOLD_CAPTURE,
				 NULL) == 0;
	ok = ok && queue_picture(s, 1, 2000, &m, 0, NULL) == 0;
	enum v4l2r_result b = ok ? v4l2r_session_wait_capture(s, 1, 300) :
				   V4L2R_IDLE;
	enum v4l2r_result a = ok ? v4l2r_session_capture_status(s, 0) :
				   V4L2R_IDLE;
	ok = ok && queue_picture(s, 0, 1000, &m, 0, NULL) == 0;
	enum v4l2r_result a_rest = ok ? v4l2r_session_wait_capture(s, 0, 2000) :
					V4L2R_IDLE;
	v4l2r_session_capture_reset(s, 0);
	ok = ok && queue_picture(s, 0, 3000, &m, 0, NULL) == 0;
	enum v4l2r_result c = ok ? v4l2r_session_wait_capture(s, 0, 2000) :
				   V4L2R_IDLE;
	report("hang-slices", ok && b == V4L2R_DONE && a == V4L2R_TIMEOUT &&
	       a_rest == V4L2R_TIMEOUT && c == V4L2R_DONE,
	       "B %s, A %s, A after its last slice %s, C %s (want done, "
	       "timed out, timed out, done)", v4l2r_result_str(b),
	       v4l2r_result_str(a), v4l2r_result_str(a_rest),
	       v4l2r_result_str(c));
	v4l2r_session_close(s);
}

static void quiet_log(void *opaque, enum v4l2r_log_level level,
		      const char *msg)
{
	(void)opaque;
	fprintf(stderr, "  [log %d] %s\n", level, msg);
}

int main(int argc, char **argv)
{
	struct v4l2r_node nodes[V4L2R_MAX_DEVICES];
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: core-requests\n");
		return 2;
	}
	v4l2r_log_set_handler(quiet_log, NULL, V4L2R_LOG_WARNING);

	int n = v4l2r_discover(nodes, V4L2R_MAX_DEVICES);
	const struct v4l2r_node *node = NULL;
	for (int i = 0; i < n; i++)
		if (!strcmp(nodes[i].driver, "visl"))
			node = &nodes[i];
	report("discover-visl", node != NULL, "%d decoder(s), none is visl", n);
	if (!node)
		return 1;

	test_round_trip(node);
	test_invalid_control(node);
	test_two_sessions(node);
	test_unlocked_queue(node);
	test_queue_leaves_session_free(node);
	test_refused_rollback(node);
	test_hang(node);
	return report_summary();
}
