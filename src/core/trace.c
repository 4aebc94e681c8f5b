/* Trace files: the reference-field table, and the reader, which checks
 * every byte it is given (a trace may come from anywhere) and indexes the
 * requests and frames for a replayer. Writer: trace_writer.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "trace_private.h"
#include "v4l2r/codec.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- reference fields ---- */

#define ONE(cid, type, field) \
	{ (cid), offsetof(type, field), 1, 8, #type "." #field }
#define ARRAY(cid, type, array, elem_type, field, n) \
	{ (cid), offsetof(type, array) + offsetof(elem_type, field), (n), \
	  sizeof(elem_type), #type "." #array "[]." #field }

static const struct v4l2r_trace_ref_field ref_fields[] = {
	ONE(V4L2_CID_STATELESS_MPEG2_PICTURE, struct v4l2_ctrl_mpeg2_picture,
	    backward_ref_ts),
	ONE(V4L2_CID_STATELESS_MPEG2_PICTURE, struct v4l2_ctrl_mpeg2_picture,
	    forward_ref_ts),
	ARRAY(V4L2_CID_STATELESS_H264_DECODE_PARAMS,
	      struct v4l2_ctrl_h264_decode_params, dpb,
	      struct v4l2_h264_dpb_entry, reference_ts,
	      V4L2_H264_NUM_DPB_ENTRIES),
	ARRAY(V4L2_CID_STATELESS_HEVC_DECODE_PARAMS,
	      struct v4l2_ctrl_hevc_decode_params, dpb,
	      struct v4l2_hevc_dpb_entry, timestamp,
	      V4L2_HEVC_DPB_ENTRIES_NUM_MAX),
	ONE(V4L2_CID_STATELESS_VP8_FRAME, struct v4l2_ctrl_vp8_frame,
	    last_frame_ts),
	ONE(V4L2_CID_STATELESS_VP8_FRAME, struct v4l2_ctrl_vp8_frame,
	    golden_frame_ts),
	ONE(V4L2_CID_STATELESS_VP8_FRAME, struct v4l2_ctrl_vp8_frame,
	    alt_frame_ts),
	ONE(V4L2_CID_STATELESS_VP9_FRAME, struct v4l2_ctrl_vp9_frame,
	    last_frame_ts),
	ONE(V4L2_CID_STATELESS_VP9_FRAME, struct v4l2_ctrl_vp9_frame,
	    golden_frame_ts),
	ONE(V4L2_CID_STATELESS_VP9_FRAME, struct v4l2_ctrl_vp9_frame,
	    alt_frame_ts),
#ifdef V4L2_CID_STATELESS_AV1_FRAME
	{ V4L2_CID_STATELESS_AV1_FRAME,
	  offsetof(struct v4l2_ctrl_av1_frame, reference_frame_ts),
	  V4L2_AV1_TOTAL_REFS_PER_FRAME, 8,
	  "struct v4l2_ctrl_av1_frame.reference_frame_ts[]" },
#endif
};

const struct v4l2r_trace_ref_field *v4l2r_trace_ref_fields(unsigned *count)
{
	*count = COUNT(ref_fields);
	return ref_fields;
}

bool v4l2r_trace_control_has_refs(uint32_t cid)
{
	for (unsigned i = 0; i < COUNT(ref_fields); i++)
		if (ref_fields[i].cid == cid)
			return true;
	return false;
}

/* Calls fn on each reference slot of a payload; false when it is too
 * small to hold them. */
static bool fields_fit(const struct v4l2r_trace_ref_field *f, size_t size)
{
	return f->count && (uint64_t)f->offset +
				   (uint64_t)(f->count - 1) * f->stride + 8 <=
			   size;
}

static uint64_t get_slot(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void put_slot(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

int v4l2r_trace_refs_to_frames(uint32_t cid, uint8_t *payload, size_t size,
			       v4l2r_trace_frame_of_fn *frame_of,
			       void *opaque)
{
	int unknown = 0;

	for (unsigned i = 0; i < COUNT(ref_fields); i++) {
		const struct v4l2r_trace_ref_field *f = &ref_fields[i];
		if (f->cid != cid)
			continue;
		if (!fields_fit(f, size))
			return -EINVAL;
		for (uint32_t k = 0; k < f->count; k++) {
			uint8_t *slot = payload + f->offset + k * f->stride;
			uint64_t ts = get_slot(slot);
			uint32_t frame;
			if (frame_of(opaque, ts, &frame)) {
				put_slot(slot, frame);
			} else {
				put_slot(slot, V4L2R_TRACE_NO_FRAME);
				if (ts)
					unknown++;
			}
		}
	}
	return unknown;
}

int v4l2r_trace_refs_to_timestamps(uint32_t cid, uint8_t *payload,
				   size_t size, const uint64_t *frame_ts,
				   uint32_t n_frames)
{
	for (unsigned i = 0; i < COUNT(ref_fields); i++) {
		const struct v4l2r_trace_ref_field *f = &ref_fields[i];
		if (f->cid != cid)
			continue;
		if (!fields_fit(f, size))
			return -EINVAL;
		for (uint32_t k = 0; k < f->count; k++) {
			uint8_t *slot = payload + f->offset + k * f->stride;
			uint64_t v = get_slot(slot);
			if (v == V4L2R_TRACE_NO_FRAME)
				put_slot(slot, 0);
			else if (v < n_frames)
				put_slot(slot, frame_ts[v]);
			else
				return -EINVAL;
		}
	}
	return 0;
}

/* Adds the frames a frame-index payload references to refs (sorted,
 * distinct). false when a value is neither a frame below limit nor
 * NO_FRAME, or the set overflows max. */
bool trace_collect_refs(uint32_t cid, const uint8_t *payload, size_t size,
			uint64_t limit, uint32_t *refs, unsigned *n,
			unsigned max)
{
	for (unsigned i = 0; i < COUNT(ref_fields); i++) {
		const struct v4l2r_trace_ref_field *f = &ref_fields[i];
		if (f->cid != cid)
			continue;
		if (!fields_fit(f, size))
			return false;
		for (uint32_t k = 0; k < f->count; k++) {
			uint64_t v = get_slot(payload + f->offset +
					      k * f->stride);
			if (v == V4L2R_TRACE_NO_FRAME)
				continue;
			if (v >= limit)
				return false;
			unsigned j = 0;
			while (j < *n && refs[j] < v)
				j++;
			if (j < *n && refs[j] == v)
				continue;
			if (*n >= max)
				return false;
			memmove(&refs[j + 1], &refs[j],
				(*n - j) * sizeof(*refs));
			refs[j] = (uint32_t)v;
			(*n)++;
		}
	}
	return true;
}

/* ---- controls a trace may carry ---- */

static bool dynamic_array(uint32_t cid)
{
	switch (cid) {
	case V4L2_CID_STATELESS_HEVC_SLICE_PARAMS:
	case V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS:
#ifdef V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY
	case V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY:
#endif
		return true;
	}
	return false;
}

int trace_control_kind(uint32_t coded_fourcc, uint32_t cid,
		       uint32_t *elem_size, bool *dynamic)
{
	for (int c = 0; c < V4L2R_CODEC_COUNT; c++) {
		const struct v4l2r_codec_desc *d = v4l2r_codec_get(c);
		if (!d || !d->compiled ||
		    (coded_fourcc && d->coded_fourcc != coded_fourcc))
			continue;
		if (cid && (cid == d->decode_mode_cid ||
			    cid == d->start_code_cid))
			return TRACE_CONTROL_SCALAR;
		for (unsigned i = 0; i < d->n_controls; i++) {
			if (d->controls[i].id != cid)
				continue;
			*elem_size = d->controls[i].elem_size;
			*dynamic = dynamic_array(cid);
			return TRACE_CONTROL_COMPOUND;
		}
	}
	return TRACE_CONTROL_UNKNOWN;
}

/* ---- binding for a replay ---- */

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

size_t v4l2r_trace_controls_scratch(const struct v4l2r_trace_control *controls,
				    unsigned n)
{
	size_t total = 0;

	for (unsigned i = 0; i < n; i++)
		if (!controls[i].scalar)
			total += align8(controls[i].size);
	return total;
}

int v4l2r_trace_bind_controls(const struct v4l2r_trace_control *controls,
			      unsigned n, const uint64_t *frame_ts,
			      uint32_t n_frames, struct v4l2_ext_control *out,
			      void *scratch, size_t scratch_size)
{
	uint8_t *p = scratch;
	size_t used = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct v4l2r_trace_control *c = &controls[i];
		memset(&out[i], 0, sizeof(out[i]));
		out[i].id = c->id;
		if (c->scalar) {
			out[i].value = (int32_t)c->value;
			continue;
		}
		if (align8(c->size) > scratch_size - used)
			return -EINVAL;
		memcpy(p + used, c->data, c->size);
		if (v4l2r_trace_refs_to_timestamps(c->id, p + used, c->size,
						   frame_ts, n_frames) < 0)
			return -EINVAL;
		out[i].size = c->size;
		out[i].ptr = p + used;
		used += align8(c->size);
	}
	return 0;
}

/* ---- reader ---- */

struct trace_impl {
	struct v4l2r_trace pub;
	uint8_t *data;		/* the file: payloads point into it */
	struct v4l2r_trace_request *requests;
	unsigned cap_requests;
	struct v4l2r_trace_frame *frames;
	unsigned cap_frames;
	struct v4l2r_trace_control_block *blocks;
	unsigned cap_blocks;
	/* Controls and references of all requests and blocks; the pointers
	 * into them are set once parsing is over (the pools move). */
	struct v4l2r_trace_control *controls;
	size_t n_controls, cap_controls;
	uint32_t *refs;
	size_t n_refs, cap_refs;
	char **info;
	unsigned cap_info;
};

struct parser {
	struct trace_impl *t;
	char *error;
	size_t error_size;
	size_t record_offset;	/* of the record being read, for messages */
	const char *what;	/* the record's name */
	unsigned index;		/* request or block number */
	bool held;		/* the previous request held its capture */
	uint32_t held_frame;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct parser *ps, int err, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ps->error && ps->error_size) {
		if (ps->what)
			snprintf(ps->error, ps->error_size,
				 "%s at offset %zu: %s", ps->what,
				 ps->record_offset, msg);
		else
			snprintf(ps->error, ps->error_size, "%s", msg);
	}
	return err;
}

/* Bounds-checked little-endian reads from a record's payload. */
struct cursor {
	const uint8_t *p;
	size_t left;
};

static bool take(struct cursor *c, size_t n, const uint8_t **out)
{
	if (c->left < n)
		return false;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

static bool get_u32(struct cursor *c, uint32_t *v)
{
	const uint8_t *p;

	if (!take(c, 4, &p))
		return false;
	*v = trace_le32(p);
	return true;
}

static bool get_u64(struct cursor *c, uint64_t *v)
{
	const uint8_t *p;

	if (!take(c, 8, &p))
		return false;
	*v = trace_le64(p);
	return true;
}

/* Grows *array (of elem bytes) to hold want elements. */
static bool reserve(void **array, unsigned *cap, size_t want, size_t elem)
{
	if (want <= *cap)
		return true;
	size_t n = *cap ? *cap : 16;
	while (n < want)
		n *= 2;
	void *p = realloc(*array, n * elem);
	if (!p)
		return false;
	*array = p;
	*cap = (unsigned)n;
	return true;
}

static bool reserve_sz(void **array, size_t *cap, size_t want, size_t elem)
{
	if (want <= *cap)
		return true;
	size_t n = *cap ? *cap : 64;
	while (n < want)
		n *= 2;
	void *p = realloc(*array, n * elem);
	if (!p)
		return false;
	*array = p;
	*cap = n;
	return true;
}

/* Reads n controls into the pool. frame_limit: reference values must be
 * below it (0: no reference fields allowed to name frames). */
static int parse_controls(struct parser *ps, struct cursor *c, uint32_t n,
			  uint64_t frame_limit, size_t *first)
{
	struct trace_impl *t = ps->t;

	if (n > V4L2R_TRACE_MAX_CONTROLS)
		return fail(ps, -EINVAL, "%u controls (limit %u)", n,
			    V4L2R_TRACE_MAX_CONTROLS);
	if (!reserve_sz((void **)&t->controls, &t->cap_controls,
			t->n_controls + n, sizeof(*t->controls)))
		return fail(ps, -ENOMEM, "out of memory");
	*first = t->n_controls;
	for (uint32_t i = 0; i < n; i++) {
		struct v4l2r_trace_control *ctl = &t->controls[t->n_controls];
		uint32_t id, flags, size, elem_size = 0;
		bool dynamic = false;
		const uint8_t *payload;

		if (!get_u32(c, &id) || !get_u32(c, &flags) ||
		    !get_u32(c, &size))
			return fail(ps, -EINVAL,
				    "control %u: record ends inside its header",
				    i);
		if (flags & ~TRACE_CONTROL_FLAG_SCALAR)
			return fail(ps, -ENOTSUP,
				    "control %u (id 0x%x): unknown flags 0x%x",
				    i, id, flags);
		if (size > V4L2R_TRACE_MAX_CONTROL_SIZE)
			return fail(ps, -EINVAL,
				    "control %u (id 0x%x): %u bytes (limit %u)",
				    i, id, size, V4L2R_TRACE_MAX_CONTROL_SIZE);
		if (!take(c, size, &payload))
			return fail(ps, -EINVAL,
				    "control %u (id 0x%x): %u bytes of payload, "
				    "the record ends %zu bytes in", i, id, size,
				    c->left);
		int kind = trace_control_kind(t->pub.stream.coded_fourcc, id,
					      &elem_size, &dynamic);
		if (kind == TRACE_CONTROL_UNKNOWN)
			return fail(ps, -EINVAL,
				    "control %u: unknown control id 0x%x for "
				    "this codec", i, id);
		if (!frame_limit && v4l2r_trace_control_has_refs(id))
			return fail(ps, -EINVAL,
				    "control %u (id 0x%x) references pictures "
				    "and belongs in a request", i, id);
		bool scalar = flags & TRACE_CONTROL_FLAG_SCALAR;
		if ((kind == TRACE_CONTROL_SCALAR) != scalar)
			return fail(ps, -EINVAL,
				    "control %u (id 0x%x) is %s but stored as %s",
				    i, id,
				    kind == TRACE_CONTROL_SCALAR ? "a menu" :
								   "compound",
				    scalar ? "a value" : "a payload");
		memset(ctl, 0, sizeof(*ctl));
		ctl->id = id;
		if (scalar) {
			if (size != 8)
				return fail(ps, -EINVAL,
					    "control %u (id 0x%x): a value "
					    "takes 8 bytes, not %u", i, id,
					    size);
			ctl->scalar = true;
			ctl->value = (int64_t)trace_le64(payload);
		} else {
			bool single = !dynamic ||
				      v4l2r_trace_control_has_refs(id);
			if (size == 0 || size % elem_size ||
			    (single && size != elem_size))
				return fail(ps, -EINVAL,
					    "control %u (id 0x%x): %u bytes, "
					    "but this build's struct has %u%s",
					    i, id, size, elem_size,
					    single ? "" : " per element");
			ctl->size = size;
			ctl->data = payload;
			uint32_t refs[64];
			unsigned nr = 0;
			if (!trace_collect_refs(id, payload, size, frame_limit,
						refs, &nr, COUNT(refs)))
				return fail(ps, -EINVAL,
					    "control %u (id 0x%x): a reference "
					    "names frame beyond %llu", i, id,
					    (unsigned long long)frame_limit);
		}
		t->n_controls++;
	}
	return 0;
}

static int parse_stream(struct parser *ps, struct cursor *c)
{
	struct v4l2r_trace_stream *s = &ps->t->pub.stream;
	uint32_t mode, code;
	char name[8];

	if (!get_u32(c, &s->coded_fourcc) || !get_u32(c, &s->width) ||
	    !get_u32(c, &s->height) || !get_u32(c, &s->capture_fourcc) ||
	    !get_u32(c, &s->bitstream_size) || !get_u32(c, &mode) ||
	    !get_u32(c, &code))
		return fail(ps, -EINVAL, "record too short (%zu bytes)",
			    (size_t)TRACE_STREAM_SIZE - c->left);
	s->decode_mode = (int32_t)mode;
	s->start_code = (int32_t)code;
	const struct v4l2r_codec_desc *d =
		v4l2r_codec_by_fourcc(s->coded_fourcc);
	if (!d)
		return fail(ps, -EINVAL, "unknown coded format %s",
			    v4l2r_fourcc_str(s->coded_fourcc, name));
	if (!d->compiled)
		return fail(ps, -ENOTSUP,
			    "%s traces need a build with the %s uAPI",
			    d->name, d->name);
	if (!s->width || !s->height || s->width > V4L2R_TRACE_MAX_DIMENSION ||
	    s->height > V4L2R_TRACE_MAX_DIMENSION)
		return fail(ps, -EINVAL, "picture size %ux%u out of range",
			    s->width, s->height);
	if (s->decode_mode < -1 || s->decode_mode > 63 ||
	    s->start_code < -1 || s->start_code > 63)
		return fail(ps, -EINVAL, "decode mode %d / start code %d out "
			    "of range", s->decode_mode, s->start_code);
	return 0;
}

static int parse_block(struct parser *ps, struct cursor *c)
{
	struct trace_impl *t = ps->t;
	uint32_t n;
	size_t first;
	int ret;

	if (!get_u32(c, &n))
		return fail(ps, -EINVAL, "record too short");
	ret = parse_controls(ps, c, n, 0, &first);
	if (ret < 0)
		return ret;
	if (!reserve((void **)&t->blocks, &t->cap_blocks, t->pub.n_blocks + 1,
		     sizeof(*t->blocks)))
		return fail(ps, -ENOMEM, "out of memory");
	struct v4l2r_trace_control_block *b = &t->blocks[t->pub.n_blocks++];
	b->before_request = t->pub.n_requests;
	b->n_controls = n;
	/* index into the pool until the end (see trace_impl) */
	b->controls = (const void *)(uintptr_t)first;
	return 0;
}

static int parse_request(struct parser *ps, struct cursor *c)
{
	struct trace_impl *t = ps->t;
	struct v4l2r_trace_request r = { 0 };
	uint32_t n_controls, n_refs, reserved;
	unsigned k = t->pub.n_requests;
	size_t first;
	int ret;

	if (!get_u32(c, &r.frame) || !get_u32(c, &r.flags) ||
	    !get_u64(c, &r.timestamp_ns) || !get_u32(c, &n_controls) ||
	    !get_u32(c, &n_refs) || !get_u32(c, &r.bitstream_size) ||
	    !get_u32(c, &reserved))
		return fail(ps, -EINVAL, "request %u: record too short", k);
	if (k >= V4L2R_TRACE_MAX_REQUESTS)
		return fail(ps, -EINVAL, "more than %u requests",
			    V4L2R_TRACE_MAX_REQUESTS);
	bool new_frame = r.frame == t->pub.n_frames;
	if (r.frame > t->pub.n_frames)
		return fail(ps, -EINVAL, "request %u: frame %u after %u frames "
			    "(new frames must come in order)", k, r.frame,
			    t->pub.n_frames);
	if (new_frame && r.frame >= V4L2R_TRACE_MAX_FRAMES)
		return fail(ps, -EINVAL, "more than %u frames",
			    V4L2R_TRACE_MAX_FRAMES);
	if (r.flags & ~(V4L2R_TRACE_HOLD_CAPTURE | V4L2R_TRACE_LAST_SLICE))
		return fail(ps, -ENOTSUP, "request %u: unknown flags 0x%x", k,
			    r.flags);
	if (!(r.flags & V4L2R_TRACE_HOLD_CAPTURE) ==
	    !(r.flags & V4L2R_TRACE_LAST_SLICE))
		return fail(ps, -EINVAL, "request %u: exactly one of "
			    "hold-capture and last-slice must be set", k);
	if (ps->held && r.frame != ps->held_frame)
		return fail(ps, -EINVAL, "request %u decodes frame %u while "
			    "frame %u is held for more slices", k, r.frame,
			    ps->held_frame);
	if (n_refs > 64)
		return fail(ps, -EINVAL, "request %u: %u references (limit 64)",
			    k, n_refs);
	if (!reserve_sz((void **)&t->refs, &t->cap_refs, t->n_refs + n_refs,
			sizeof(*t->refs)))
		return fail(ps, -ENOMEM, "out of memory");
	size_t first_ref = t->n_refs;
	uint64_t limit = (uint64_t)t->pub.n_frames + (new_frame ? 1 : 0);
	for (uint32_t i = 0; i < n_refs; i++) {
		uint32_t v;
		if (!get_u32(c, &v))
			return fail(ps, -EINVAL, "request %u: record ends in "
				    "its reference list", k);
		if (v >= limit || (i && v <= t->refs[t->n_refs - 1]))
			return fail(ps, -EINVAL, "request %u: reference list "
				    "entry %u (frame %u) out of order or "
				    "beyond frame %llu", k, i, v,
				    (unsigned long long)limit - 1);
		t->refs[t->n_refs++] = v;
	}
	ps->index = k;
	ret = parse_controls(ps, c, n_controls, limit, &first);
	if (ret < 0)
		return ret;
	/* The list must be exactly what the controls say. */
	uint32_t refs[64];
	unsigned nr = 0;
	for (uint32_t i = 0; i < n_controls; i++) {
		const struct v4l2r_trace_control *ctl = &t->controls[first + i];
		if (!ctl->scalar)
			trace_collect_refs(ctl->id, ctl->data, ctl->size,
					   limit, refs, &nr, COUNT(refs));
	}
	if (nr != n_refs ||
	    (nr && memcmp(refs, &t->refs[first_ref], nr * sizeof(*refs))))
		return fail(ps, -EINVAL, "request %u: its reference list does "
			    "not match its controls", k);
	if (r.bitstream_size == 0)
		return fail(ps, -EINVAL, "request %u: no bitstream", k);
	if (!take(c, r.bitstream_size, &r.bitstream))
		return fail(ps, -EINVAL, "request %u: %u bytes of bitstream, "
			    "%zu left in the record", k, r.bitstream_size,
			    c->left);

	if (new_frame) {
		if (!reserve((void **)&t->frames, &t->cap_frames,
			     t->pub.n_frames + 1, sizeof(*t->frames)))
			return fail(ps, -ENOMEM, "out of memory");
		struct v4l2r_trace_frame *f = &t->frames[t->pub.n_frames++];
		memset(f, 0, sizeof(*f));
		f->timestamp_ns = r.timestamp_ns;
		f->first_request = k;
	}
	struct v4l2r_trace_frame *f = &t->frames[r.frame];
	f->last_request = k;
	f->last_use = k;
	f->n_requests++;
	for (uint32_t i = 0; i < n_refs; i++)
		t->frames[t->refs[first_ref + i]].last_use = k;
	if (r.bitstream_size > t->pub.max_bitstream)
		t->pub.max_bitstream = r.bitstream_size;
	ps->held = r.flags & V4L2R_TRACE_HOLD_CAPTURE;
	ps->held_frame = r.frame;

	if (!reserve((void **)&t->requests, &t->cap_requests, k + 1,
		     sizeof(*t->requests)))
		return fail(ps, -ENOMEM, "out of memory");
	r.n_controls = n_controls;
	r.controls = (const void *)(uintptr_t)first;
	r.n_refs = n_refs;
	r.refs = (const void *)(uintptr_t)first_ref;
	t->requests[k] = r;
	t->pub.n_requests++;
	return 0;
}

static int parse_md5(struct parser *ps, struct cursor *c)
{
	struct trace_impl *t = ps->t;
	uint32_t frame, fourcc, width, height;
	const uint8_t *md5;

	if (!get_u32(c, &frame) || !get_u32(c, &fourcc) ||
	    !get_u32(c, &width) || !get_u32(c, &height) || !take(c, 16, &md5))
		return fail(ps, -EINVAL, "record too short");
	if (frame >= t->pub.n_frames)
		return fail(ps, -EINVAL, "checksum of frame %u before any "
			    "request decodes it", frame);
	if (fourcc != V4L2_PIX_FMT_NV12 && fourcc != V4L2_PIX_FMT_P010)
		return fail(ps, -EINVAL, "checksum of frame %u: format 0x%08x "
			    "is not NV12 or P010", frame, fourcc);
	if (!width || !height || width > V4L2R_TRACE_MAX_DIMENSION ||
	    height > V4L2R_TRACE_MAX_DIMENSION)
		return fail(ps, -EINVAL, "checksum of frame %u: size %ux%u out "
			    "of range", frame, width, height);
	struct v4l2r_trace_frame *f = &t->frames[frame];
	f->has_md5 = true;
	f->md5_fourcc = fourcc;
	f->md5_width = width;
	f->md5_height = height;
	memcpy(f->md5, md5, 16);
	return 0;
}

static int parse_info(struct parser *ps, struct cursor *c)
{
	struct trace_impl *t = ps->t;
	size_t n = c->left;

	if (n > V4L2R_TRACE_MAX_INFO)
		return fail(ps, -EINVAL, "%zu bytes of text (limit %u)", n,
			    V4L2R_TRACE_MAX_INFO);
	if (memchr(c->p, '\0', n) || !memchr(c->p, '=', n))
		return fail(ps, -EINVAL, "not a key=value text");
	if (!reserve((void **)&t->info, &t->cap_info, t->pub.n_info + 1,
		     sizeof(*t->info)))
		return fail(ps, -ENOMEM, "out of memory");
	char *s = malloc(n + 1);
	if (!s)
		return fail(ps, -ENOMEM, "out of memory");
	memcpy(s, c->p, n);
	s[n] = '\0';
	t->info[t->pub.n_info++] = s;
	return 0;
}

static int parse_end(struct parser *ps, struct cursor *c)
{
	uint32_t n_requests, n_frames;

	if (!get_u32(c, &n_requests) || !get_u32(c, &n_frames))
		return fail(ps, -EINVAL, "record too short");
	if (n_requests != ps->t->pub.n_requests ||
	    n_frames != ps->t->pub.n_frames)
		return fail(ps, -EINVAL, "it counts %u requests and %u frames, "
			    "the file holds %u and %u", n_requests, n_frames,
			    ps->t->pub.n_requests, ps->t->pub.n_frames);
	return 0;
}

static const char *record_name(uint32_t type)
{
	switch (type) {
	case V4L2R_TRACE_REC_STREAM: return "stream record";
	case V4L2R_TRACE_REC_SESSION_CONTROLS: return "session-controls record";
	case V4L2R_TRACE_REC_REQUEST: return "request record";
	case V4L2R_TRACE_REC_END: return "end record";
	case V4L2R_TRACE_REC_FRAME_MD5: return "checksum record";
	case V4L2R_TRACE_REC_INFO: return "info record";
	}
	return "record";
}

/* Element `index` (stored in a pointer field while parsing) of a pool. */
#define pool_entry(pool, index) \
	((pool) ? (pool) + (uintptr_t)(index) : NULL)

/* Turns the pool indices into pointers, now that nothing moves. A trace
 * with no controls (or no references) at all has no pool: its lists stay
 * NULL, as NULL + 0 is undefined. */
static void finish_pointers(struct trace_impl *t)
{
	for (unsigned i = 0; i < t->pub.n_requests; i++) {
		struct v4l2r_trace_request *r = &t->requests[i];
		r->controls = pool_entry(t->controls, r->controls);
		r->refs = pool_entry(t->refs, r->refs);
	}
	for (unsigned i = 0; i < t->pub.n_blocks; i++) {
		struct v4l2r_trace_control_block *b = &t->blocks[i];
		b->controls = pool_entry(t->controls, b->controls);
	}
	t->pub.requests = t->requests;
	t->pub.frames = t->frames;
	t->pub.blocks = t->blocks;
	t->pub.info = (const char *const *)t->info;
}

static int parse_all(struct parser *ps, const uint8_t *data, size_t size)
{
	struct trace_impl *t = ps->t;
	bool have_stream = false, have_end = false;
	int ret = 0;

	if (size < TRACE_HEADER_SIZE)
		return fail(ps, -EINVAL, "not a trace file: %zu bytes, shorter "
			    "than the %u-byte file header", size,
			    TRACE_HEADER_SIZE);
	if (memcmp(data, V4L2R_TRACE_MAGIC, 8) != 0)
		return fail(ps, -EINVAL, "not a trace file (bad magic)");
	t->pub.version_major = trace_le16(data + 8);
	t->pub.version_minor = trace_le16(data + 10);
	uint32_t header_size = trace_le32(data + 12);
	if (t->pub.version_major != V4L2R_TRACE_VERSION_MAJOR)
		return fail(ps, -ENOTSUP, "trace format version %u.%u; this "
			    "build reads version %u", t->pub.version_major,
			    t->pub.version_minor, V4L2R_TRACE_VERSION_MAJOR);
	if (header_size < TRACE_HEADER_SIZE || header_size > 4096 ||
	    header_size > size)
		return fail(ps, -EINVAL, "file header size %u invalid",
			    header_size);
	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
		return fail(ps, -ENOTSUP, "control payloads are little-endian "
			    "uAPI structs; this host is big-endian");

	size_t pos = header_size;
	while (pos < size) {
		ps->record_offset = pos;
		ps->what = NULL;
		if (have_end)
			return fail(ps, -EINVAL, "data after the end record "
				    "(offset %zu)", pos);
		if (size - pos < 8)
			return fail(ps, -EINVAL, "truncated: %zu bytes at "
				    "offset %zu, a record header takes 8",
				    size - pos, pos);
		uint32_t type = trace_le32(data + pos);
		uint32_t len = trace_le32(data + pos + 4);
		ps->what = record_name(type);
		if (len > V4L2R_TRACE_MAX_RECORD)
			return fail(ps, -EINVAL, "claims %u bytes (limit %u)",
				    len, V4L2R_TRACE_MAX_RECORD);
		if (len > size - pos - 8)
			return fail(ps, -EINVAL, "truncated: %u bytes of "
				    "payload, %zu left in the file", len,
				    size - pos - 8);
		struct cursor c = { data + pos + 8, len };
		bool known = true;
		if (!have_stream && type != V4L2R_TRACE_REC_STREAM &&
		    type != V4L2R_TRACE_REC_INFO &&
		    (type & V4L2R_TRACE_CRITICAL))
			return fail(ps, -EINVAL, "comes before the stream "
				    "record");
		switch (type) {
		case V4L2R_TRACE_REC_STREAM:
			if (have_stream)
				return fail(ps, -ENOTSUP, "a second stream "
					    "(format change) is not supported");
			ret = parse_stream(ps, &c);
			have_stream = true;
			break;
		case V4L2R_TRACE_REC_SESSION_CONTROLS:
			ret = parse_block(ps, &c);
			break;
		case V4L2R_TRACE_REC_REQUEST:
			ret = parse_request(ps, &c);
			break;
		case V4L2R_TRACE_REC_FRAME_MD5:
			ret = have_stream ? parse_md5(ps, &c) :
					    fail(ps, -EINVAL, "comes before "
						 "the stream record");
			break;
		case V4L2R_TRACE_REC_INFO:
			ret = parse_info(ps, &c);
			break;
		case V4L2R_TRACE_REC_END:
			ret = parse_end(ps, &c);
			have_end = true;
			break;
		default:
			known = false;
			if (type & V4L2R_TRACE_CRITICAL)
				return fail(ps, -ENOTSUP, "record type 0x%08x "
					    "is unknown and marked critical",
					    type);
			t->pub.skipped_records++;
		}
		(void)known;
		if (ret < 0)
			return ret;
		pos += 8 + (size_t)len;
	}
	ps->what = NULL;
	if (!have_stream)
		return fail(ps, -EINVAL, "truncated or empty: no stream record");
	if (!have_end)
		return fail(ps, -EINVAL, "truncated: no end record after %u "
			    "requests", t->pub.n_requests);
	if (ps->held)
		return fail(ps, -EINVAL, "the last request holds frame %u for "
			    "slices that never come", ps->held_frame);
	return 0;
}

/* Parses data, which the trace then owns (freed on failure too). */
static int parse_owned(uint8_t *data, size_t size, struct v4l2r_trace **out,
		       char *error, size_t error_size)
{
	struct trace_impl *t = calloc(1, sizeof(*t));
	struct parser ps = { .t = t, .error = error,
			     .error_size = error_size };
	int ret;

	*out = NULL;
	if (error && error_size)
		error[0] = '\0';
	if (!t) {
		free(data);
		return fail(&ps, -ENOMEM, "out of memory");
	}
	t->data = data;
	ret = parse_all(&ps, t->data, size);
	finish_pointers(t);
	if (ret < 0) {
		v4l2r_trace_free(&t->pub);
		return ret;
	}
	*out = &t->pub;
	return 0;
}

int v4l2r_trace_parse(const void *data, size_t size, struct v4l2r_trace **out,
		      char *error, size_t error_size)
{
	uint8_t *copy = malloc(size ? size : 1);

	*out = NULL;
	if (!copy) {
		snprintf(error, error_size, "out of memory (%zu bytes)", size);
		return -ENOMEM;
	}
	if (size)
		memcpy(copy, data, size);
	return parse_owned(copy, size, out, error, error_size);
}

int v4l2r_trace_load(const char *path, struct v4l2r_trace **out,
		     char *error, size_t error_size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	*out = NULL;
	if (fd < 0) {
		ret = -errno;
		snprintf(error, error_size, "cannot open %s: %s", path,
			 strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(error, error_size, "%s is not a regular file", path);
		return -EINVAL;
	}
	/* Bounded by what the records may hold. */
	if ((uint64_t)st.st_size > (uint64_t)1 << 32) {
		close(fd);
		snprintf(error, error_size, "%s: %lld bytes is too large for "
			 "a trace", path, (long long)st.st_size);
		return -EFBIG;
	}
	size_t size = (size_t)st.st_size;
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf) {
		close(fd);
		snprintf(error, error_size, "out of memory");
		return -ENOMEM;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			snprintf(error, error_size, "reading %s failed: %s",
				 path, strerror(-ret));
			free(buf);
			close(fd);
			return ret;
		}
		got += (size_t)n;
	}
	close(fd);
	return parse_owned(buf, size, out, error, error_size);
}

void v4l2r_trace_free(struct v4l2r_trace *pub)
{
	if (!pub)
		return;
	struct trace_impl *t = (struct trace_impl *)pub;
	for (unsigned i = 0; i < pub->n_info; i++)
		free(t->info[i]);
	free(t->info);
	free(t->requests);
	free(t->frames);
	free(t->blocks);
	free(t->controls);
	free(t->refs);
	free(t->data);
	free(t);
}
