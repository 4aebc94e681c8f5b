/* Replay engine: a trace through the core on a real device.
 *
 * Every frame index gets a capture buffer when its first request is
 * queued, and keeps it until the frame is reported and every request
 * referencing it has completed; references are bound to the timestamps of
 * this replay. Requests are kept in flight up to the depth asked for:
 * request slots beyond it are taken at the start and never queued. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "v4l2r/codec.h"
#include "v4l2r/log.h"

#include "replay.h"

#define MAX_CAPTURES 32

__attribute__((format(printf, 3, 4)))
static int failf(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double tv_ms(const struct timeval *tv)
{
	return tv->tv_sec * 1e3 + tv->tv_usec / 1e3;
}

/* ---- choosing a device ---- */

static bool menu_offers(uint32_t menu, int32_t value)
{
	return value < 0 || (value < 32 && (menu & (1u << value)));
}

static bool trace_holds_capture(const struct v4l2r_trace *t)
{
	for (unsigned i = 0; i < t->n_requests; i++)
		if (t->requests[i].flags & V4L2R_TRACE_HOLD_CAPTURE)
			return true;
	return false;
}

/* Why this device cannot replay the trace, or NULL. */
static const char *device_problem(const struct v4l2r_trace *t,
				  const struct replay_device *dev,
				  char *buf, size_t size)
{
	const struct v4l2r_trace_stream *st = &t->stream;
	const struct v4l2r_codec_caps *cc = &dev->caps.codec[dev->desc->codec];
	const struct v4l2r_size_range *r = &cc->sizes;

	if (!cc->present) {
		snprintf(buf, size, "it does not decode %s", dev->desc->name);
		return buf;
	}
	if (!cc->usable) {
		snprintf(buf, size, "%s is not usable: %s", dev->desc->name,
			 cc->problem);
		return buf;
	}
	if (!dev->caps.supports_requests) {
		snprintf(buf, size, "its OUTPUT queue does not take requests");
		return buf;
	}
	if (r->known && (st->width < r->min_width || st->width > r->max_width ||
			 st->height < r->min_height ||
			 st->height > r->max_height)) {
		snprintf(buf, size, "%ux%u is outside its %s sizes %ux%u to %ux%u",
			 st->width, st->height, dev->desc->name, r->min_width,
			 r->min_height, r->max_width, r->max_height);
		return buf;
	}
	if (cc->default_decode_mode >= 0 &&
	    !menu_offers(cc->decode_modes, st->decode_mode)) {
		snprintf(buf, size, "it does not offer decode mode %d, which "
			 "the trace was recorded with", st->decode_mode);
		return buf;
	}
	if (cc->default_start_code >= 0 &&
	    !menu_offers(cc->start_codes, st->start_code)) {
		snprintf(buf, size, "it does not offer start code mode %d, "
			 "which the trace was recorded with", st->start_code);
		return buf;
	}
	if (trace_holds_capture(t) && !dev->caps.hold_capture) {
		snprintf(buf, size, "the trace sends pictures in several "
			 "requests, and it cannot hold capture buffers");
		return buf;
	}
	return NULL;
}

int replay_pick_device(const struct v4l2r_trace *t, struct replay_device *dev,
		       char *why, size_t why_size)
{
	struct v4l2r_node nodes[V4L2R_MAX_DEVICES];
	const struct v4l2r_codec_desc *desc =
		v4l2r_codec_by_fourcc(t->stream.coded_fourcc);
	char first[256] = "", buf[200];
	int n = v4l2r_discover(nodes, V4L2R_MAX_DEVICES);

	if (n < 0)
		return failf(why, why_size, "the decoder named by -d/-m or the "
			     "environment cannot be used: %s", strerror(-n));
	if (n == 0)
		return failf(why, why_size, "no stateless decoder found");
	for (int i = 0; i < n; i++) {
		memset(dev, 0, sizeof(*dev));
		dev->node = nodes[i];
		dev->desc = desc;
		int fd = open(nodes[i].video_path, O_RDWR | O_NONBLOCK |
							   O_CLOEXEC);
		int ret = fd < 0 ? -errno : v4l2r_probe(fd, &dev->caps);
		if (fd >= 0)
			close(fd);
		const char *problem = ret < 0 ? strerror(-ret) :
				      device_problem(t, dev, buf, sizeof(buf));
		if (!problem)
			return 0;
		if (!first[0])
			snprintf(first, sizeof(first), "%s (%s) cannot replay "
				 "this %s trace: %s", nodes[i].video_path,
				 ret < 0 ? "?" : dev->caps.driver, desc->name,
				 problem);
	}
	return failf(why, why_size, "%s", first);
}

/* ---- planning ---- */

unsigned replay_captures_needed(const struct v4l2r_trace *t, unsigned depth)
{
	/* Frames alive at once: from the first request decoding into a frame
	 * to the last one using it. */
	int *delta = calloc(t->n_requests + 1, sizeof(*delta));
	unsigned live = 0, max_live = 1;

	if (delta) {
		for (unsigned f = 0; f < t->n_frames; f++) {
			delta[t->frames[f].first_request]++;
			delta[t->frames[f].last_use + 1]--;
		}
		int cur = 0;
		for (unsigned k = 0; k < t->n_requests; k++) {
			cur += delta[k];
			if ((unsigned)cur > max_live)
				max_live = (unsigned)cur;
		}
		free(delta);
		live = max_live;
	} else {
		live = 16;
	}
	unsigned n = live + depth + 1;
	return n > MAX_CAPTURES ? MAX_CAPTURES : n;
}

/* ---- the run ----
 *
 * Depth 1 is strictly serial: queue a frame's requests, wait for the frame,
 * report it, go on. Deeper, a submitting thread queues while the calling
 * thread waits for the oldest frame, reports it (checksum, dump,
 * callbacks) and gives back the buffers nothing needs any more. A device
 * that decodes asynchronously then holds up to depth requests; one that
 * runs each job inside the queueing ioctl (an idle m2m device does: visl)
 * never holds more than that job, and what depth buys there is that the
 * per-frame work of the reporting thread overlaps the next job instead of
 * adding to it. ru->mu guards the frame bookkeeping below; no core call
 * that can block is made with it held. */

struct frame_state {
	int buffer;		/* capture index, -1 before/after */
	unsigned handled;	/* requests queued or refused */
	unsigned queued_ok;
	bool refused;
	bool finished;
	bool reported;
	enum v4l2r_result result;
	double queued_ms, done_ms;
	double queue_call_ms;	/* time inside v4l2r_request_queue */
};

struct run {
	const struct v4l2r_trace *t;
	const struct replay_options *o;
	const struct replay_device *dev;
	struct v4l2r_session *s;
	struct v4l2r_layout layout;
	struct frame_state *fs;
	uint64_t *frame_ts;
	int owner[MAX_CAPTURES];	/* frame in each capture buffer */
	unsigned n_capture;
	unsigned next_request;	/* requests handled so far */
	unsigned next_report;	/* the next frame to report */
	unsigned started;	/* frames that have a first request */
	uint64_t queued_total, completed_total;
	double t0;
	uint8_t *canonical;
	size_t canonical_size;
	bool y4m_header;
	struct replay_stats *stats;
	double in_flight_sum;
	unsigned in_flight_samples;
	void *scratch;
	size_t scratch_size;

	pthread_mutex_t mu;
	pthread_cond_t cv;	/* frames handled, reported or released */
	bool threaded;
	bool submit_ended;	/* the submitter returned */
	int submit_status;	/* its result: 0 or -1 with submit_why */
	char submit_why[300];
};

static bool frame_submitted(const struct run *ru, unsigned f)
{
	return f < ru->started &&
	       ru->fs[f].handled >= ru->t->frames[f].n_requests;
}

/* The canonical picture of a finished frame: checksum, dump. */
static void finish_output(struct run *ru, unsigned f, struct replay_frame *out)
{
	const struct replay_options *o = ru->o;
	struct frame_state *fs = &ru->fs[f];
	uint8_t *mem[V4L2R_MAX_PLANES];
	uint32_t fourcc, w, h;

	if (!o->md5 && !o->dump)
		return;
	if (fs->buffer < 0 ||
	    (fs->result != V4L2R_DONE && fs->result != V4L2R_DECODE_ERROR))
		return;
	if (v4l2r_session_capture_map(ru->s, (unsigned)fs->buffer, mem) < 0 ||
	    v4l2r_picture_canonical(&ru->layout, (const uint8_t *const *)mem,
				    ru->t->stream.width, ru->t->stream.height,
				    ru->canonical, ru->canonical_size, &fourcc,
				    &w, &h) < 0) {
		v4l2r_err("frame %u: cannot read the picture back", f);
		return;
	}
	size_t size = v4l2r_picture_canonical_size(fourcc, w, h);
	if (o->md5) {
		v4l2r_md5_sum(ru->canonical, size, out->md5);
		out->has_md5 = true;
		out->md5_fourcc = fourcc;
		out->md5_width = w;
		out->md5_height = h;
	}
	if (!o->dump)
		return;
	if (o->dump_format == REPLAY_DUMP_RAW) {
		fwrite(ru->canonical, 1, size, o->dump);
		return;
	}
	/* Y4M: planar, 10-bit samples as 16-bit little-endian values. */
	bool deep = fourcc == V4L2_PIX_FMT_P010;
	size_t bps = deep ? 2 : 1, cw = (w + 1) / 2, ch = (h + 1) / 2;
	if (!ru->y4m_header) {
		fprintf(o->dump, "YUV4MPEG2 W%u H%u F30:1 Ip A1:1 %s\n", w, h,
			deep ? "C420p10 XYSCSS=420P10" : "C420jpeg");
		ru->y4m_header = true;
	}
	fputs("FRAME\n", o->dump);
	if (!deep) {
		fwrite(ru->canonical, 1, (size_t)w * h, o->dump);
	} else {
		const uint8_t *p = ru->canonical;
		for (size_t i = 0; i < (size_t)w * h; i++, p += 2) {
			uint16_t v = (uint16_t)((p[0] | p[1] << 8) >> 6);
			fputc(v & 0xff, o->dump);
			fputc(v >> 8, o->dump);
		}
	}
	const uint8_t *chroma = ru->canonical + bps * (size_t)w * h;
	for (unsigned plane = 0; plane < 2; plane++) {
		for (size_t i = 0; i < cw * ch; i++) {
			const uint8_t *p = chroma + (2 * i + plane) * bps;
			if (!deep) {
				fputc(p[0], o->dump);
			} else {
				uint16_t v = (uint16_t)((p[0] | p[1] << 8) >> 6);
				fputc(v & 0xff, o->dump);
				fputc(v >> 8, o->dump);
			}
		}
	}
}

/* Gives back the buffers of frames nothing will use any more (mu held). */
static void release_buffers(struct run *ru)
{
	bool released = false;

	for (unsigned b = 0; b < ru->n_capture; b++) {
		int f = ru->owner[b];
		if (f < 0)
			continue;
		const struct v4l2r_trace_frame *tf = &ru->t->frames[f];
		unsigned last_user = ru->t->requests[tf->last_use].frame;
		if (ru->fs[f].reported && tf->last_use < ru->next_request &&
		    ru->fs[last_user].finished) {
			ru->owner[b] = -1;
			ru->fs[f].buffer = -1;
			v4l2r_session_capture_reset(ru->s, b);
			released = true;
		}
	}
	if (released)
		pthread_cond_broadcast(&ru->cv);
}

/* Notes frame f finished with result r (mu held). */
static void mark_finished(struct run *ru, unsigned f, enum v4l2r_result r,
			  double now)
{
	struct frame_state *fs = &ru->fs[f];

	if (fs->refused || r == V4L2R_IDLE)
		r = V4L2R_REFUSED;
	fs->finished = true;
	fs->result = r;
	fs->done_ms = now;
	ru->completed_total += fs->queued_ok;
}

/* Notes, without blocking, every frame after from that is already done, so
 * that its completion time is not taken late (mu held; dropped around the
 * status calls, which may wait for the driver). */
static void sweep_finished(struct run *ru, unsigned from)
{
	unsigned frames[MAX_CAPTURES];
	int buffers[MAX_CAPTURES];
	enum v4l2r_result results[MAX_CAPTURES];
	unsigned n = 0;

	for (unsigned f = from; f < ru->started && n < MAX_CAPTURES; f++) {
		if (ru->fs[f].finished || !frame_submitted(ru, f))
			continue;
		frames[n] = f;
		buffers[n++] = ru->fs[f].buffer;
	}
	if (!n)
		return;
	pthread_mutex_unlock(&ru->mu);
	for (unsigned i = 0; i < n; i++)
		results[i] = buffers[i] < 0 ? V4L2R_REFUSED :
			v4l2r_session_capture_status(ru->s, (unsigned)buffers[i]);
	double now = now_ms();
	pthread_mutex_lock(&ru->mu);
	for (unsigned i = 0; i < n; i++)
		if (results[i] != V4L2R_PENDING && !ru->fs[frames[i]].finished)
			mark_finished(ru, frames[i], results[i], now);
}

/* The collector's step: waits for frame f (all its requests handled),
 * reports it, and gives back what it can (mu held). */
static void collect_frame(struct run *ru, unsigned f)
{
	struct frame_state *fs = &ru->fs[f];

	if (!fs->finished) {
		int buffer = fs->buffer;
		pthread_mutex_unlock(&ru->mu);
		enum v4l2r_result r = buffer < 0 ? V4L2R_REFUSED :
			v4l2r_session_wait_capture(ru->s, (unsigned)buffer,
						   ru->o->timeout_ms);
		double now = now_ms();
		pthread_mutex_lock(&ru->mu);
		mark_finished(ru, f, r, now);
	}
	sweep_finished(ru, f + 1);

	struct replay_frame out = {
		.index = f,
		.result = fs->result,
		.timestamp_ns = ru->frame_ts[f],
		.capture_index = fs->buffer < 0 ? 0 : (unsigned)fs->buffer,
		.n_requests = ru->t->frames[f].n_requests,
		.queued_ms = fs->queued_ms - ru->t0,
		.done_ms = fs->done_ms - ru->t0,
		.queue_call_ms = fs->queue_call_ms,
	};
	/* The buffer stays this frame's until it is reported: read it
	 * without the lock so that the submitter goes on meanwhile. */
	pthread_mutex_unlock(&ru->mu);
	finish_output(ru, f, &out);
	if (ru->o->on_frame)
		ru->o->on_frame(ru->o->opaque, &out);
	pthread_mutex_lock(&ru->mu);
	fs->reported = true;
	if (fs->result == V4L2R_DONE)
		ru->stats->done++;
	else
		ru->stats->failed++;
	ru->next_report = f + 1;
	release_buffers(ru);
	pthread_cond_broadcast(&ru->cv);
	if (ru->o->on_progress) {
		unsigned done = ru->next_report, total = ru->t->n_frames;
		pthread_mutex_unlock(&ru->mu);
		ru->o->on_progress(ru->o->opaque, done, total);
		pthread_mutex_lock(&ru->mu);
	}
}

static int free_buffer(struct run *ru)
{
	for (unsigned b = 0; b < ru->n_capture; b++)
		if (ru->owner[b] < 0)
			return (int)b;
	return -1;
}

/* Controls the device does not have and the uAPI lets it go without. */
static unsigned filter_controls(const struct replay_device *dev,
				struct v4l2_ext_control *c, unsigned n)
{
	const struct v4l2r_codec_desc *d = dev->desc;
	const struct v4l2r_codec_caps *cc = &dev->caps.codec[d->codec];
	unsigned kept = 0;

	for (unsigned i = 0; i < n; i++) {
		bool keep = true;
		if (c[i].id == d->decode_mode_cid)
			keep = cc->default_decode_mode >= 0;
		else if (c[i].id == d->start_code_cid)
			keep = cc->default_start_code >= 0;
		for (unsigned k = 0; k < d->n_controls; k++)
			if (d->controls[k].id == c[i].id &&
			    !d->controls[k].required)
				keep = cc->controls_present & (1u << k);
		if (keep)
			c[kept++] = c[i];
	}
	return kept;
}

static int apply_block(struct run *ru, const struct replay_device *dev,
		       const struct v4l2r_trace_control_block *b, void *scratch,
		       size_t scratch_size, char *why, size_t why_size)
{
	struct v4l2_ext_control c[V4L2R_TRACE_MAX_CONTROLS];

	if (v4l2r_trace_bind_controls(b->controls, b->n_controls, ru->frame_ts,
				      ru->t->n_frames, c, scratch,
				      scratch_size) < 0)
		return failf(why, why_size, "cannot bind session controls");
	unsigned n = filter_controls(dev, c, b->n_controls);
	if (n && v4l2r_session_set_controls(ru->s, c, n) < 0)
		return failf(why, why_size, "the device refused the session "
			     "controls recorded before request %u",
			     b->before_request);
	return 0;
}

static int compare_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return (a > b) - (a < b);
}

/* Recorded timestamps when they can serve (non-zero, whole microseconds,
 * one per frame); else (frame + 1) milliseconds. Sorted to find duplicates
 * in n log n: a trace may hold millions of frames in any order. */
bool replay_pick_timestamps(const struct v4l2r_trace *t, bool index_only,
			    uint64_t *ts)
{
	bool recorded = !index_only;

	for (unsigned f = 0; recorded && f < t->n_frames; f++) {
		ts[f] = t->frames[f].timestamp_ns;
		if (!ts[f] || ts[f] % 1000)
			recorded = false;
	}
	if (recorded) {
		uint64_t *sorted = malloc(t->n_frames * sizeof(*sorted) + 1);
		if (!sorted)
			recorded = false;
		else {
			memcpy(sorted, ts, t->n_frames * sizeof(*sorted));
			qsort(sorted, t->n_frames, sizeof(*sorted), compare_u64);
			for (unsigned i = 1; recorded && i < t->n_frames; i++)
				if (sorted[i] == sorted[i - 1])
					recorded = false;
			free(sorted);
		}
	}
	if (!recorded)
		for (unsigned f = 0; f < t->n_frames; f++)
			ts[f] = ((uint64_t)f + 1) * 1000000;
	return recorded;
}

static uint32_t choose_capture(const struct v4l2r_trace *t,
			       const uint32_t *fourccs, unsigned n)
{
	uint32_t fallback = 0;

	for (unsigned i = 0; i < n; i++)
		if (fourccs[i] == t->stream.capture_fourcc &&
		    v4l2r_format_by_v4l2(fourccs[i]))
			return fourccs[i];
	for (unsigned i = 0; i < n; i++) {
		const struct v4l2r_format_desc *d =
			v4l2r_format_by_v4l2(fourccs[i]);
		if (!d || !v4l2r_picture_canonical_fourcc(
				  v4l2r_format_by_v4l2(d->linear_fourcc)))
			continue;
		if (!d->tile_w && d->v4l2_fourcc == d->linear_fourcc)
			return fourccs[i];
		if (!fallback)
			fallback = fourccs[i];
	}
	return fallback;
}

static int setup(struct run *ru, const struct replay_device *dev,
		 void *scratch, size_t scratch_size, char *why, size_t why_size)
{
	const struct v4l2r_trace *t = ru->t;
	const struct v4l2r_trace_stream *st = &t->stream;
	const struct v4l2r_codec_caps *cc = &dev->caps.codec[dev->desc->codec];
	uint32_t fourccs[V4L2R_MAX_CAPTURE_FORMATS];
	char name[8];
	int ret;

	ret = v4l2r_session_open(&dev->node, &ru->s);
	if (ret < 0)
		return failf(why, why_size, "cannot open %s: %s",
			     dev->node.video_path, strerror(-ret));
	uint64_t size = st->bitstream_size;
	if (size < t->max_bitstream)
		size = ((uint64_t)t->max_bitstream + 4095) & ~(uint64_t)4095;
	ret = v4l2r_session_set_output_format(ru->s, st->coded_fourcc,
					      st->width, st->height,
					      (uint32_t)size);
	if (ret < 0)
		return failf(why, why_size, "the device refused %s %ux%u: %s",
			     dev->desc->name, st->width, st->height,
			     strerror(-ret));
	struct v4l2_ext_control menus[2];
	unsigned n_menus = 0;
	memset(menus, 0, sizeof(menus));
	if (st->decode_mode >= 0 && cc->default_decode_mode >= 0) {
		menus[n_menus].id = dev->desc->decode_mode_cid;
		menus[n_menus++].value = st->decode_mode;
	}
	if (st->start_code >= 0 && cc->default_start_code >= 0) {
		menus[n_menus].id = dev->desc->start_code_cid;
		menus[n_menus++].value = st->start_code;
	}
	if (n_menus && v4l2r_session_set_controls(ru->s, menus, n_menus) < 0)
		return failf(why, why_size, "the device refused the decode "
			     "mode / start code the trace was recorded with");
	for (unsigned i = 0; i < t->n_blocks; i++)
		if (t->blocks[i].before_request == 0 &&
		    apply_block(ru, dev, &t->blocks[i], scratch, scratch_size,
				why, why_size) < 0)
			return -1;
	int n = v4l2r_session_capture_formats(ru->s, fourccs,
					      V4L2R_MAX_CAPTURE_FORMATS);
	uint32_t fourcc = choose_capture(t, fourccs, n > 0 ? (unsigned)n : 0);
	if (!fourcc)
		return failf(why, why_size, "the device offers no capture "
			     "format this tool can read");
	ret = v4l2r_session_set_capture_format(ru->s, fourcc, &ru->layout);
	if (ret < 0)
		return failf(why, why_size, "capture format %s refused: %s",
			     v4l2r_fourcc_str(fourcc, name), strerror(-ret));
	ru->stats->capture_fourcc = fourcc;
	unsigned need = replay_captures_needed(t, ru->o->depth);
	ret = v4l2r_session_alloc_buffers(ru->s, ru->o->depth, need);
	if (ret < 0)
		return failf(why, why_size, "cannot allocate %u OUTPUT and %u "
			     "CAPTURE buffers: %s", ru->o->depth, need,
			     strerror(-ret));
	ru->n_capture = v4l2r_session_capture_count(ru->s);
	if (ru->n_capture > MAX_CAPTURES)
		ru->n_capture = MAX_CAPTURES;
	ru->stats->n_capture = ru->n_capture;
	ru->stats->n_output = v4l2r_session_output_count(ru->s);
	for (unsigned b = 0; b < MAX_CAPTURES; b++)
		ru->owner[b] = -1;
	ret = v4l2r_session_start(ru->s);
	if (ret < 0)
		return failf(why, why_size, "STREAMON failed: %s",
			     strerror(-ret));
	size_t csize = v4l2r_picture_canonical_size(
		v4l2r_picture_canonical_fourcc(
			v4l2r_format_by_v4l2(ru->layout.desc->linear_fourcc)),
		st->width, st->height);
	if (ru->o->md5 || ru->o->dump) {
		ru->canonical = malloc(csize ? csize : 1);
		ru->canonical_size = csize;
		if (!ru->canonical || !csize)
			return failf(why, why_size, "cannot read %s pictures "
				     "back", ru->layout.desc->name);
	}
	return 0;
}

/* A capture buffer for a frame's first request (mu held): one given back,
 * else, while the collector still has frames to finish, the next one it
 * gives back. */
static int take_buffer(struct run *ru, unsigned k, char *why, size_t why_size)
{
	int b;

	for (;;) {
		release_buffers(ru);
		if ((b = free_buffer(ru)) >= 0)
			return b;
		if (!ru->threaded || ru->next_report >= ru->started)
			return failf(why, why_size, "request %u: no capture "
				     "buffer free and nothing in flight", k);
		pthread_cond_wait(&ru->cv, &ru->mu);
	}
}

static void note_in_flight(struct run *ru)
{
	unsigned in_flight = (unsigned)(ru->queued_total - ru->completed_total);

	if (in_flight > ru->stats->max_in_flight)
		ru->stats->max_in_flight = in_flight;
	ru->in_flight_sum += in_flight;
	ru->in_flight_samples++;
}

/* Queues request k; a refusal marks its frame, a job that never ends
 * marks the frames in flight timed out, a device that stops answering
 * altogether ends the run. Called without mu. */
static int queue_one(struct run *ru, unsigned k, char *why, size_t why_size)
{
	const struct replay_device *dev = ru->dev;
	const struct v4l2r_trace_request *req = &ru->t->requests[k];
	struct frame_state *fs = &ru->fs[req->frame];
	struct v4l2_ext_control c[V4L2R_TRACE_MAX_CONTROLS];
	struct v4l2r_request *r;
	size_t capacity;
	int ret;

	pthread_mutex_lock(&ru->mu);
	if (fs->buffer < 0) {
		int b = take_buffer(ru, k, why, why_size);
		if (b < 0) {
			pthread_mutex_unlock(&ru->mu);
			return -1;
		}
		fs->buffer = b;
		ru->owner[b] = (int)req->frame;
		v4l2r_session_capture_reset(ru->s, (unsigned)b);
	}
	unsigned buffer = (unsigned)fs->buffer;
	pthread_mutex_unlock(&ru->mu);

	/* A job that never ends (a hung engine): the core restarts the
	 * session and hands over that job's slot; its frame comes back as
	 * V4L2R_TIMEOUT and counts as failed, the frames queued behind it
	 * decode. */
	ret = v4l2r_request_acquire(ru->s, ru->o->timeout_ms, &r);
	if (ret < 0)
		return failf(why, why_size, "request %u: no request slot came "
			     "free within %d ms: %s", k, ru->o->timeout_ms,
			     strerror(-ret));
	uint8_t *data = v4l2r_request_data(r, &capacity);
	if (req->bitstream_size > capacity) {
		v4l2r_request_release(r);
		return failf(why, why_size, "request %u: %u bytes of bitstream "
			     "do not fit the %zu-byte buffer", k,
			     req->bitstream_size, capacity);
	}
	memcpy(data, req->bitstream, req->bitstream_size);
	if (v4l2r_trace_bind_controls(req->controls, req->n_controls,
				      ru->frame_ts, ru->t->n_frames, c,
				      ru->scratch, ru->scratch_size) < 0) {
		v4l2r_request_release(r);
		return failf(why, why_size, "request %u: cannot bind its "
			     "controls", k);
	}
	unsigned n = filter_controls(dev, c, req->n_controls);
	double t_queue = now_ms();
	pthread_mutex_lock(&ru->mu);
	if (ru->t0 == 0) {
		struct rusage ru0;
		getrusage(RUSAGE_SELF, &ru0);
		ru->stats->user_ms = -tv_ms(&ru0.ru_utime);
		ru->stats->sys_ms = -tv_ms(&ru0.ru_stime);
		ru->t0 = t_queue;
	}
	if (!fs->handled)
		fs->queued_ms = t_queue;
	pthread_mutex_unlock(&ru->mu);

	bool queued = false;
	double in_call = 0;
	ret = n ? v4l2r_request_set_controls(r, c, n, NULL) : 0;
	if (ret < 0) {
		v4l2r_request_release(r);
	} else {
		double t_call = now_ms();
		ret = v4l2r_request_queue(
			r, buffer, ru->frame_ts[req->frame],
			req->bitstream_size,
			req->flags & V4L2R_TRACE_HOLD_CAPTURE ?
				V4L2R_QUEUE_HOLD_CAPTURE : 0);
		in_call = now_ms() - t_call;
		queued = ret == 0;
	}

	pthread_mutex_lock(&ru->mu);
	fs->queue_call_ms += in_call;
	if (queued) {
		fs->queued_ok++;
		ru->queued_total++;
	} else {
		fs->refused = true;
	}
	fs->handled++;
	if (req->frame >= ru->started)
		ru->started = req->frame + 1;
	ru->next_request = k + 1;
	/* What the device was handed and has not been seen to finish. */
	note_in_flight(ru);
	pthread_cond_broadcast(&ru->cv);
	pthread_mutex_unlock(&ru->mu);
	return 0;
}

/* Session controls recorded before request k, then request k. */
static int submit_one(struct run *ru, unsigned k, char *why, size_t why_size)
{
	const struct v4l2r_trace *t = ru->t;

	for (unsigned i = 0; i < t->n_blocks; i++)
		if (t->blocks[i].before_request == k && k > 0 &&
		    apply_block(ru, ru->dev, &t->blocks[i], ru->scratch,
				ru->scratch_size, why, why_size) < 0)
			return -1;
	return queue_one(ru, k, why, why_size);
}

static void *submitter(void *opaque)
{
	struct run *ru = opaque;
	int status = 0;
	char why[sizeof(ru->submit_why)] = "";

	for (unsigned k = 0; k < ru->t->n_requests && status == 0; k++)
		status = submit_one(ru, k, why, sizeof(why));
	pthread_mutex_lock(&ru->mu);
	ru->submit_status = status;
	memcpy(ru->submit_why, why, sizeof(why));
	ru->submit_ended = true;
	pthread_cond_broadcast(&ru->cv);
	pthread_mutex_unlock(&ru->mu);
	return NULL;
}

/* Depth 1: each frame is waited for before the next request goes. */
static int run_serial(struct run *ru, char *why, size_t why_size)
{
	const struct v4l2r_trace *t = ru->t;

	for (unsigned k = 0; k < t->n_requests; k++) {
		if (submit_one(ru, k, why, why_size) < 0)
			return -1;
		pthread_mutex_lock(&ru->mu);
		while (ru->next_report < t->n_frames &&
		       frame_submitted(ru, ru->next_report))
			collect_frame(ru, ru->next_report);
		pthread_mutex_unlock(&ru->mu);
	}
	if (ru->next_report < t->n_frames)
		return failf(why, why_size, "frame %u never had all its "
			     "requests", ru->next_report);
	return 0;
}

/* Deeper: a submitting thread, and this one collecting in frame order. */
static int run_threaded(struct run *ru, char *why, size_t why_size)
{
	const struct v4l2r_trace *t = ru->t;
	pthread_t thread;
	int ret = 0;

	ru->threaded = true;
	if (pthread_create(&thread, NULL, submitter, ru) != 0)
		return failf(why, why_size, "cannot start a thread");
	pthread_mutex_lock(&ru->mu);
	while (ru->next_report < t->n_frames) {
		unsigned f = ru->next_report;
		while (!frame_submitted(ru, f) && !ru->submit_ended)
			pthread_cond_wait(&ru->cv, &ru->mu);
		if (!frame_submitted(ru, f))
			break;
		collect_frame(ru, f);
	}
	pthread_mutex_unlock(&ru->mu);
	pthread_join(thread, NULL);
	if (ru->submit_status < 0)
		ret = failf(why, why_size, "%s", ru->submit_why);
	else if (ru->next_report < t->n_frames)
		ret = failf(why, why_size, "frame %u never had all its "
			    "requests", ru->next_report);
	return ret;
}

int replay_run(const struct v4l2r_trace *t, const struct replay_device *dev,
	       const struct replay_options *o, struct replay_stats *stats,
	       char *why, size_t why_size)
{
	struct run ru = { .t = t, .o = o, .dev = dev, .stats = stats };
	struct v4l2r_request *extra[64];
	unsigned n_extra = 0;
	int ret = -1;

	pthread_mutex_init(&ru.mu, NULL);
	pthread_cond_init(&ru.cv, NULL);
	memset(stats, 0, sizeof(*stats));
	stats->frames = t->n_frames;
	stats->requests = t->n_requests;
	ru.fs = calloc(t->n_frames + 1, sizeof(*ru.fs));
	ru.frame_ts = calloc(t->n_frames + 1, sizeof(*ru.frame_ts));
	for (unsigned i = 0; i < t->n_requests; i++) {
		size_t need = v4l2r_trace_controls_scratch(
			t->requests[i].controls, t->requests[i].n_controls);
		if (need > ru.scratch_size)
			ru.scratch_size = need;
	}
	for (unsigned i = 0; i < t->n_blocks; i++) {
		size_t need = v4l2r_trace_controls_scratch(
			t->blocks[i].controls, t->blocks[i].n_controls);
		if (need > ru.scratch_size)
			ru.scratch_size = need;
	}
	ru.scratch = malloc(ru.scratch_size + 8);
	if (!ru.fs || !ru.frame_ts || !ru.scratch) {
		failf(why, why_size, "out of memory");
		goto out;
	}
	for (unsigned f = 0; f < t->n_frames; f++)
		ru.fs[f].buffer = -1;
	stats->recorded_timestamps =
		replay_pick_timestamps(t, o->index_timestamps, ru.frame_ts);

	if (setup(&ru, dev, ru.scratch, ru.scratch_size, why, why_size) < 0)
		goto out;
	/* Slots beyond the depth asked for stay taken. */
	while (v4l2r_session_output_count(ru.s) - n_extra > o->depth &&
	       n_extra < 64 &&
	       v4l2r_request_acquire(ru.s, 0, &extra[n_extra]) == 0)
		n_extra++;

	if ((o->depth <= 1 ? run_serial(&ru, why, why_size) :
			     run_threaded(&ru, why, why_size)) < 0)
		goto out;
	struct rusage ru1;
	getrusage(RUSAGE_SELF, &ru1);
	stats->user_ms += tv_ms(&ru1.ru_utime);
	stats->sys_ms += tv_ms(&ru1.ru_stime);
	double last = ru.t0;
	for (unsigned f = 0; f < t->n_frames; f++)
		if (ru.fs[f].done_ms > last)
			last = ru.fs[f].done_ms;
	stats->wall_ms = last - ru.t0;
	stats->mean_in_flight = ru.in_flight_samples ?
		ru.in_flight_sum / ru.in_flight_samples : 0;
	ret = 0;
out:
	for (unsigned i = 0; i < n_extra; i++)
		v4l2r_request_release(extra[i]);
	v4l2r_session_close(ru.s);
	free(ru.canonical);
	free(ru.scratch);
	free(ru.fs);
	free(ru.frame_ts);
	pthread_cond_destroy(&ru.cv);
	pthread_mutex_destroy(&ru.mu);
	return ret;
}
