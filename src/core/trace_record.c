/* Recording a decoder session into a trace: the session calls the hooks
 * below (only while s->recorder is set). Timestamps are turned into frame
 * indices here, the way the kernel resolves them: a reference names the
 * picture whose capture buffer carries that timestamp.
 *
 * Locking: hooks that run under the session lock take the recorder's lock
 * inside it, never the other way round. A recording problem is logged and
 * ends the recording; it never fails a decode. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <linux/videodev2.h>

#include "session_private.h"
#include "trace_private.h"
#include "v4l2r/codec.h"
#include "v4l2r/log.h"

/* Controls captured from a set_controls call, payloads copied. */
struct control_set {
	struct v4l2r_trace_control c[V4L2R_TRACE_MAX_CONTROLS];
	uint8_t *payload[V4L2R_TRACE_MAX_CONTROLS];
	unsigned n;
};

/* The picture a capture buffer holds, as far as the recording knows. */
struct capture_state {
	bool used;
	bool held;		/* its last request asked for more slices */
	bool md5_pending;	/* checksum it when it comes back decoded */
	uint32_t frame;
	uint64_t timestamp_ns;
};

struct v4l2r_trace_recorder {
	pthread_mutex_t lock;
	struct v4l2r_trace_writer *w;
	char *path;
	unsigned flags;
	bool stopped;
	bool stream_written;
	bool warned_unknown;
	struct v4l2r_trace_stream stream;
	struct v4l2r_layout layout;
	bool have_layout;
	struct control_set *pending;	/* session controls before the stream */
	unsigned n_pending;
	struct control_set *slots;	/* per request slot */
	unsigned n_slots;
	struct capture_state *captures;
	unsigned n_captures;
	uint32_t n_frames, n_requests;
	unsigned unknown_refs;
	uint8_t *canonical;
	size_t canonical_size;
};

static void set_clear(struct control_set *set)
{
	for (unsigned i = 0; i < set->n; i++)
		free(set->payload[i]);
	set->n = 0;
}

/* Adds controls to set (a later value of the same id replaces the
 * earlier). Controls a trace cannot carry are left out, with a warning. */
static int set_add(struct v4l2r_trace_recorder *rec, struct control_set *set,
		   const struct v4l2_ext_control *controls, unsigned count,
		   bool in_request)
{
	for (unsigned i = 0; i < count; i++) {
		const struct v4l2_ext_control *x = &controls[i];
		uint32_t elem_size = 0;
		bool dynamic = false;
		uint32_t codec = v4l2r_codec_by_fourcc(rec->stream.coded_fourcc) ?
					 rec->stream.coded_fourcc : 0;
		int kind = trace_control_kind(codec, x->id, &elem_size,
					      &dynamic);

		if (kind == TRACE_CONTROL_UNKNOWN ||
		    (kind == TRACE_CONTROL_SCALAR) != (x->size == 0) ||
		    (!in_request && v4l2r_trace_control_has_refs(x->id)) ||
		    x->size > V4L2R_TRACE_MAX_CONTROL_SIZE) {
			if (!rec->warned_unknown)
				v4l2r_warn("recording %s: control 0x%x cannot "
					   "be stored in a trace; left out",
					   rec->path, x->id);
			rec->warned_unknown = true;
			continue;
		}
		unsigned j = 0;
		while (j < set->n && set->c[j].id != x->id)
			j++;
		if (j == set->n) {
			if (set->n == V4L2R_TRACE_MAX_CONTROLS)
				return -E2BIG;
			set->n++;
		} else {
			free(set->payload[j]);
		}
		struct v4l2r_trace_control *c = &set->c[j];
		memset(c, 0, sizeof(*c));
		set->payload[j] = NULL;
		c->id = x->id;
		if (kind == TRACE_CONTROL_SCALAR) {
			c->scalar = true;
			c->value = x->value;
			continue;
		}
		set->payload[j] = malloc(x->size);
		if (!set->payload[j]) {
			set->n--;
			if (j < set->n) {
				set->c[j] = set->c[set->n];
				set->payload[j] = set->payload[set->n];
			}
			return -ENOMEM;
		}
		memcpy(set->payload[j], x->ptr, x->size);
		c->size = x->size;
		c->data = set->payload[j];
	}
	return 0;
}

static void recorder_free(struct v4l2r_trace_recorder *rec)
{
	for (unsigned i = 0; i < rec->n_pending; i++)
		set_clear(&rec->pending[i]);
	for (unsigned i = 0; i < rec->n_slots; i++)
		set_clear(&rec->slots[i]);
	free(rec->pending);
	free(rec->slots);
	free(rec->captures);
	free(rec->canonical);
	free(rec->path);
	pthread_mutex_destroy(&rec->lock);
	free(rec);
}

/* Closes the file (with its end record); recorder lock held. */
static int finish_locked(struct v4l2r_trace_recorder *rec)
{
	int ret;

	if (rec->stopped)
		return 0;
	rec->stopped = true;
	ret = v4l2r_trace_writer_close(rec->w);
	rec->w = NULL;
	if (ret < 0)
		v4l2r_err("recording %s failed: %s", rec->path, strerror(-ret));
	else
		v4l2r_info("recorded %u requests (%u frames) into %s",
			   rec->n_requests, rec->n_frames, rec->path);
	if (rec->unknown_refs)
		v4l2r_warn("recording %s: %u reference(s) named a timestamp no "
			   "capture buffer carried (stored as no frame)",
			   rec->path, rec->unknown_refs);
	return ret;
}

static void write_failed(struct v4l2r_trace_recorder *rec, int ret)
{
	if (rec->stopped)
		return;
	v4l2r_err("recording %s: write failed (%s); recording stops",
		  rec->path, strerror(-ret));
	finish_locked(rec);
}

static bool grow(void **array, unsigned *n, unsigned want, size_t elem)
{
	if (want <= *n)
		return true;
	void *p = realloc(*array, want * elem);
	if (!p)
		return false;
	memset((uint8_t *)p + *n * elem, 0, (want - *n) * elem);
	*array = p;
	*n = want;
	return true;
}

/* Reads a menu control's current value; -1 when absent. */
static int32_t menu_value(int fd, uint32_t cid)
{
	struct v4l2_ext_control c = { .id = cid };
	struct v4l2_ext_controls cs = {
		.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1, .controls = &c,
	};

	if (!cid || v4l2r_xioctl(fd, VIDIOC_G_EXT_CTRLS, &cs) < 0)
		return -1;
	return c.value;
}

/* Writes the stream record, the device's names and the session controls
 * set so far, before the first request. */
static int write_stream_locked(struct v4l2r_session *s,
			       struct v4l2r_trace_recorder *rec)
{
	const struct v4l2r_codec_desc *d =
		v4l2r_codec_by_fourcc(rec->stream.coded_fourcc);
	struct v4l2_capability cap = { 0 };
	int ret;

	if (!d || !d->compiled) {
		v4l2r_err("recording %s: the OUTPUT format is not a stateless "
			  "codec this build knows; nothing recorded",
			  rec->path);
		return -EINVAL;
	}
	rec->stream.decode_mode = menu_value(s->video_fd, d->decode_mode_cid);
	rec->stream.start_code = menu_value(s->video_fd, d->start_code_cid);
	ret = v4l2r_trace_write_stream(rec->w, &rec->stream);
	if (!ret && v4l2r_xioctl(s->video_fd, VIDIOC_QUERYCAP, &cap) == 0) {
		char v[40];
		snprintf(v, sizeof(v), "%.16s", (const char *)cap.driver);
		ret = v4l2r_trace_write_info(rec->w, "driver", v);
		snprintf(v, sizeof(v), "%.32s", (const char *)cap.card);
		if (!ret)
			ret = v4l2r_trace_write_info(rec->w, "card", v);
	}
	for (unsigned i = 0; !ret && i < rec->n_pending; i++) {
		ret = v4l2r_trace_write_controls(rec->w, rec->pending[i].c,
						 rec->pending[i].n);
		set_clear(&rec->pending[i]);
	}
	rec->n_pending = 0;
	rec->stream_written = !ret;
	return ret;
}

static bool frame_of(void *opaque, uint64_t ts, uint32_t *frame)
{
	struct v4l2r_trace_recorder *rec = opaque;
	bool found = false;

	for (unsigned i = 0; i < rec->n_captures; i++) {
		const struct capture_state *c = &rec->captures[i];
		if (c->used && c->timestamp_ns == ts &&
		    (!found || c->frame > *frame)) {
			*frame = c->frame;
			found = true;
		}
	}
	return found;
}

/* ---- public entry points ---- */

/* The stream fields an OUTPUT format gives. */
static void stream_from_format(bool mplane, const struct v4l2_format *fmt,
			       struct v4l2r_trace_stream *st)
{
	if (mplane) {
		st->coded_fourcc = fmt->fmt.pix_mp.pixelformat;
		st->width = fmt->fmt.pix_mp.width;
		st->height = fmt->fmt.pix_mp.height;
		st->bitstream_size = fmt->fmt.pix_mp.plane_fmt[0].sizeimage;
	} else {
		st->coded_fourcc = fmt->fmt.pix.pixelformat;
		st->width = fmt->fmt.pix.width;
		st->height = fmt->fmt.pix.height;
		st->bitstream_size = fmt->fmt.pix.sizeimage;
	}
}

/* What the session was already set up with, for a recording started late. */
static void seed_formats(struct v4l2r_session *s,
			 struct v4l2r_trace_recorder *rec)
{
	struct v4l2_format fmt = { .type = s->output_type };

	rec->stream.decode_mode = -1;
	rec->stream.start_code = -1;
	if (v4l2r_xioctl(s->video_fd, VIDIOC_G_FMT, &fmt) == 0)
		stream_from_format(s->mplane, &fmt, &rec->stream);
	if (v4l2r_session_capture_layout(s, &rec->layout) == 0) {
		rec->have_layout = true;
		rec->stream.capture_fourcc = rec->layout.desc->v4l2_fourcc;
	}
}

int v4l2r_session_record(struct v4l2r_session *s, const char *path,
			 unsigned flags)
{
	struct v4l2r_trace_recorder *rec;
	int ret;

	if (!s || !path || !path[0])
		return -EINVAL;
	if (s->recorder)
		return -EBUSY;
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	pthread_mutex_init(&rec->lock, NULL);
	rec->flags = flags;
	rec->path = strdup(path);
	if (!rec->path) {
		recorder_free(rec);
		return -ENOMEM;
	}
	ret = v4l2r_trace_writer_open(path, &rec->w);
	if (ret < 0) {
		v4l2r_err("cannot record into %s: %s", path, strerror(-ret));
		recorder_free(rec);
		return ret;
	}
	seed_formats(s, rec);
	pthread_mutex_lock(&s->lock);
	s->recorder = rec;
	pthread_mutex_unlock(&s->lock);
	v4l2r_info("recording the session into %s", path);
	return 0;
}

int v4l2r_session_record_from_env(struct v4l2r_session *s, const char *var)
{
	static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
	static unsigned count;
	const char *path = getenv(var);
	char numbered[V4L2R_PATH_MAX + 16];

	if (!path || !path[0])
		return 0;
	pthread_mutex_lock(&count_lock);
	unsigned n = ++count;
	pthread_mutex_unlock(&count_lock);
	if (n > 1) {
		snprintf(numbered, sizeof(numbered), "%s.%u", path, n);
		path = numbered;
	}
	return v4l2r_session_record(s, path, V4L2R_RECORD_MD5);
}

int v4l2r_session_record_stop(struct v4l2r_session *s)
{
	struct v4l2r_trace_recorder *rec;
	int ret;

	if (!s)
		return 0;
	pthread_mutex_lock(&s->lock);
	rec = s->recorder;
	s->recorder = NULL;
	pthread_mutex_unlock(&s->lock);
	if (!rec)
		return 0;
	pthread_mutex_lock(&rec->lock);
	ret = finish_locked(rec);
	pthread_mutex_unlock(&rec->lock);
	recorder_free(rec);
	return ret;
}

/* ---- hooks ---- */

/* Pictures the front end never waited for still deserve a checksum:
 * collect them (briefly waiting for the device) before the session goes. */
static void collect_last_pictures(struct v4l2r_session *s)
{
	struct v4l2r_trace_recorder *rec = s->recorder;
	struct timespec pause = { .tv_nsec = 1000000 };

	if (!(rec->flags & V4L2R_RECORD_MD5))
		return;
	for (unsigned tries = 0; tries < 500; tries++) {
		bool waiting = false;
		for (unsigned i = 0; i < s->n_captures; i++) {
			pthread_mutex_lock(&rec->lock);
			bool pending = !rec->stopped && i < rec->n_captures &&
				       rec->captures[i].md5_pending;
			pthread_mutex_unlock(&rec->lock);
			if (pending && v4l2r_session_capture_status(s, i) ==
					       V4L2R_PENDING)
				waiting = true;
		}
		if (!waiting)
			return;
		nanosleep(&pause, NULL);
	}
}

void v4l2r_trace_hook_close(struct v4l2r_session *s)
{
	collect_last_pictures(s);
	v4l2r_session_record_stop(s);
}

void v4l2r_trace_hook_output_format(struct v4l2r_session *s,
				    const struct v4l2_format *fmt)
{
	struct v4l2r_trace_recorder *rec = s->recorder;
	struct v4l2r_trace_stream next;

	pthread_mutex_lock(&rec->lock);
	next = rec->stream;
	stream_from_format(s->mplane, fmt, &next);
	if (rec->stream_written && !rec->stopped &&
	    memcmp(&next, &rec->stream, sizeof(next)) != 0) {
		v4l2r_warn("recording %s: the OUTPUT format changed; a trace "
			   "holds one stream, so the recording ends here",
			   rec->path);
		finish_locked(rec);
	}
	if (!rec->stream_written)
		rec->stream = next;
	pthread_mutex_unlock(&rec->lock);
}

void v4l2r_trace_hook_capture_format(struct v4l2r_session *s,
				     const struct v4l2r_layout *layout)
{
	struct v4l2r_trace_recorder *rec = s->recorder;

	pthread_mutex_lock(&rec->lock);
	rec->layout = *layout;
	rec->have_layout = true;
	if (!rec->stream_written)
		rec->stream.capture_fourcc = layout->desc->v4l2_fourcc;
	pthread_mutex_unlock(&rec->lock);
}

void v4l2r_trace_hook_session_controls(struct v4l2r_session *s,
				       const struct v4l2_ext_control *controls,
				       unsigned count)
{
	struct v4l2r_trace_recorder *rec = s->recorder;
	struct control_set set = { .n = 0 };
	int ret;

	pthread_mutex_lock(&rec->lock);
	if (rec->stopped)
		goto out;
	ret = set_add(rec, &set, controls, count, false);
	if (ret < 0 || !set.n)
		goto done;
	if (rec->stream_written) {
		ret = v4l2r_trace_write_controls(rec->w, set.c, set.n);
		if (ret < 0)
			write_failed(rec, ret);
		goto done;
	}
	if (!grow((void **)&rec->pending, &rec->n_pending, rec->n_pending + 1,
		  sizeof(*rec->pending))) {
		write_failed(rec, -ENOMEM);
		goto done;
	}
	rec->pending[rec->n_pending - 1] = set;
	goto out;
done:
	set_clear(&set);
out:
	pthread_mutex_unlock(&rec->lock);
}

void v4l2r_trace_hook_request_controls(struct v4l2r_request *r,
				       const struct v4l2_ext_control *controls,
				       unsigned count)
{
	struct v4l2r_trace_recorder *rec = r->session->recorder;

	pthread_mutex_lock(&rec->lock);
	if (!rec->stopped) {
		if (!grow((void **)&rec->slots, &rec->n_slots, r->index + 1,
			  sizeof(*rec->slots)) ||
		    set_add(rec, &rec->slots[r->index], controls, count,
			    true) < 0)
			write_failed(rec, -ENOMEM);
	}
	pthread_mutex_unlock(&rec->lock);
}

void v4l2r_trace_hook_slot_free(struct v4l2r_request *r)
{
	struct v4l2r_trace_recorder *rec = r->session->recorder;

	pthread_mutex_lock(&rec->lock);
	if (r->index < rec->n_slots)
		set_clear(&rec->slots[r->index]);
	pthread_mutex_unlock(&rec->lock);
}

void v4l2r_trace_hook_queued(struct v4l2r_request *r, unsigned capture_index,
			     uint64_t timestamp_ns, size_t bytesused,
			     unsigned flags)
{
	struct v4l2r_session *s = r->session;
	struct v4l2r_trace_recorder *rec = s->recorder;
	struct control_set empty = { .n = 0 };
	int ret = 0;

	pthread_mutex_lock(&rec->lock);
	if (rec->stopped)
		goto out;
	if (!rec->stream_written) {
		ret = write_stream_locked(s, rec);
		if (ret < 0)
			goto failed;
	}
	if (!grow((void **)&rec->captures, &rec->n_captures,
		  capture_index + 1, sizeof(*rec->captures))) {
		ret = -ENOMEM;
		goto failed;
	}
	if (rec->n_frames >= V4L2R_TRACE_MAX_FRAMES ||
	    bytesused > UINT32_MAX) {
		v4l2r_warn("recording %s: trace limits reached; recording "
			   "stops", rec->path);
		finish_locked(rec);
		goto out;
	}

	/* Same buffer, same timestamp: more of the same picture (a slice,
	 * or its second field). Anything else starts a new frame. */
	struct capture_state *cs = &rec->captures[capture_index];
	if (!cs->used || cs->timestamp_ns != timestamp_ns) {
		cs->used = true;
		cs->frame = rec->n_frames++;
		cs->timestamp_ns = timestamp_ns;
	}
	cs->held = flags & V4L2R_QUEUE_HOLD_CAPTURE;
	cs->md5_pending = !cs->held && (rec->flags & V4L2R_RECORD_MD5);

	struct control_set *set = r->index < rec->n_slots ?
					  &rec->slots[r->index] : &empty;
	for (unsigned i = 0; i < set->n; i++) {
		if (set->c[i].scalar)
			continue;
		int unknown = v4l2r_trace_refs_to_frames(
			set->c[i].id, set->payload[i], set->c[i].size,
			frame_of, rec);
		if (unknown > 0)
			rec->unknown_refs += (unsigned)unknown;
	}
	struct v4l2r_trace_request req = {
		.frame = cs->frame,
		.flags = cs->held ? V4L2R_TRACE_HOLD_CAPTURE :
				    V4L2R_TRACE_LAST_SLICE,
		.timestamp_ns = timestamp_ns,
		.n_controls = set->n,
		.controls = set->c,
		.bitstream_size = (uint32_t)bytesused,
		.bitstream = r->data,
	};
	ret = v4l2r_trace_write_request(rec->w, &req);
	set_clear(set);
	if (ret < 0)
		goto failed;
	rec->n_requests++;
	goto out;
failed:
	write_failed(rec, ret);
out:
	pthread_mutex_unlock(&rec->lock);
}

void v4l2r_trace_hook_settled(struct v4l2r_session *s, unsigned capture_index)
{
	struct v4l2r_trace_recorder *rec = s->recorder;
	uint8_t md5[16];
	uint32_t fourcc, w, h;

	pthread_mutex_lock(&rec->lock);
	if (rec->stopped || capture_index >= rec->n_captures ||
	    capture_index >= s->n_captures ||
	    !rec->captures[capture_index].md5_pending)
		goto out;
	struct capture_state *cs = &rec->captures[capture_index];
	struct capture_buffer *c = &s->captures[capture_index];
	if (c->result == V4L2R_PENDING)
		goto out;
	cs->md5_pending = false;
	if (c->result != V4L2R_DONE || !rec->have_layout)
		goto out;
	size_t need = v4l2r_picture_canonical_size(
		v4l2r_picture_canonical_fourcc(
			v4l2r_format_by_v4l2(rec->layout.desc->linear_fourcc)),
		rec->stream.width, rec->stream.height);
	if (need > rec->canonical_size) {
		free(rec->canonical);
		rec->canonical = malloc(need);
		rec->canonical_size = rec->canonical ? need : 0;
	}
	if (!need || !rec->canonical ||
	    v4l2r_picture_canonical(&rec->layout,
				    (const uint8_t *const *)c->mem,
				    rec->stream.width, rec->stream.height,
				    rec->canonical, rec->canonical_size,
				    &fourcc, &w, &h) < 0)
		goto out;
	v4l2r_md5_sum(rec->canonical, v4l2r_picture_canonical_size(fourcc, w, h),
		      md5);
	int ret = v4l2r_trace_write_md5(rec->w, cs->frame, fourcc, w, h, md5);
	if (ret < 0)
		write_failed(rec, ret);
out:
	pthread_mutex_unlock(&rec->lock);
}
