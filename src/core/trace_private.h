/* Internals of the trace code (trace*.c), and the hooks through which a
 * recording session reports what it does. Every hook is called only when
 * s->recorder is set, so a session that does not record pays one pointer
 * test per call. */
#ifndef V4L2R_TRACE_PRIVATE_H
#define V4L2R_TRACE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "v4l2r/trace.h"

struct v4l2_ext_control;
struct v4l2_format;
struct v4l2r_layout;
struct v4l2r_request;
struct v4l2r_session;

/* Sizes of the fixed parts (docs/trace-format.md). */
#define TRACE_HEADER_SIZE 16u
#define TRACE_STREAM_SIZE 28u
#define TRACE_REQUEST_FIXED 32u
#define TRACE_CONTROL_HEADER 12u
#define TRACE_MD5_SIZE 32u
#define TRACE_END_SIZE 8u

#define TRACE_CONTROL_FLAG_SCALAR 1u

enum { TRACE_CONTROL_UNKNOWN, TRACE_CONTROL_SCALAR, TRACE_CONTROL_COMPOUND };

/* What a control id is to a trace of the codec (coded_fourcc 0: any): a
 * menu value, a compound control of elem_size bytes (dynamic: an array of
 * them), or unknown. */
int trace_control_kind(uint32_t coded_fourcc, uint32_t cid,
		       uint32_t *elem_size, bool *dynamic);
bool trace_collect_refs(uint32_t cid, const uint8_t *payload, size_t size,
			uint64_t limit, uint32_t *refs, unsigned *n,
			unsigned max);

static inline uint16_t trace_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t trace_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t trace_le64(const uint8_t *p)
{
	return (uint64_t)trace_le32(p) | (uint64_t)trace_le32(p + 4) << 32;
}

static inline void trace_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void trace_put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void trace_put64(uint8_t *p, uint64_t v)
{
	trace_put32(p, (uint32_t)v);
	trace_put32(p + 4, (uint32_t)(v >> 32));
}

/* ---- hooks (trace_record.c), called by session.c and request.c ---- */

/* v4l2r_session_close, before anything is freed. */
void v4l2r_trace_hook_close(struct v4l2r_session *s);
/* After a successful S_FMT on OUTPUT (fmt as the driver returned it). */
void v4l2r_trace_hook_output_format(struct v4l2r_session *s,
				    const struct v4l2_format *fmt);
/* After a successful S_FMT/G_FMT on CAPTURE. */
void v4l2r_trace_hook_capture_format(struct v4l2r_session *s,
				     const struct v4l2r_layout *layout);
/* After controls were set outside any request. */
void v4l2r_trace_hook_session_controls(struct v4l2r_session *s,
				       const struct v4l2_ext_control *controls,
				       unsigned count);
/* After controls were set in a request. */
void v4l2r_trace_hook_request_controls(struct v4l2r_request *r,
				       const struct v4l2_ext_control *controls,
				       unsigned count);
/* A request slot went back to the pool (its controls are forgotten). */
void v4l2r_trace_hook_slot_free(struct v4l2r_request *r);
/* The kernel accepted the request (session lock held). */
void v4l2r_trace_hook_queued(struct v4l2r_request *r, unsigned capture_index,
			     uint64_t timestamp_ns, size_t bytesused,
			     unsigned flags);
/* A capture buffer may just have finished (session lock held). */
void v4l2r_trace_hook_settled(struct v4l2r_session *s, unsigned capture_index);

#endif
