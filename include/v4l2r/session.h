/* A decoder session: one open instance of a stateless decoder, its OUTPUT
 * (bitstream) and CAPTURE (picture) queues, and a pool of media requests.
 *
 * Typical use: open, set_output_format, (set_controls), set_capture_format,
 * alloc_buffers, start; then per picture request_acquire, write the
 * bitstream, request_set_controls, request_queue, and later wait_capture.
 * Every call is thread safe. Errors are negative errno values. */
#ifndef V4L2R_SESSION_H
#define V4L2R_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "discovery.h"
#include "format.h"

struct v4l2_ext_control;
struct v4l2r_session;
struct v4l2r_request;

/* Opens the node's video device (and media device for requests). */
int v4l2r_session_open(const struct v4l2r_node *node,
		       struct v4l2r_session **out);
/* Stops streaming, frees buffers and requests, closes. NULL is fine. */
void v4l2r_session_close(struct v4l2r_session *s);

int v4l2r_session_video_fd(const struct v4l2r_session *s);

/* S_FMT on OUTPUT. bitstream_size 0 lets the driver choose. An odd width
 * or height is asked for as the next even one (4:2:0 capture buffers hold
 * whole chroma samples). Refused with -EBUSY while buffers are allocated
 * (free them first). */
int v4l2r_session_set_output_format(struct v4l2r_session *s,
				    uint32_t coded_fourcc, uint32_t width,
				    uint32_t height, uint32_t bitstream_size);

/* The OUTPUT buffer size the driver granted at the last S_FMT: the most
 * bitstream one request carries (0 before any S_FMT). */
uint32_t v4l2r_session_output_size(struct v4l2r_session *s);

/* Controls outside any request (decode mode, start code, a first SPS so
 * the driver picks the right capture format). */
int v4l2r_session_set_controls(struct v4l2r_session *s,
			       struct v4l2_ext_control *controls,
			       unsigned count);

/* CAPTURE formats the driver offers for the current OUTPUT format. */
int v4l2r_session_capture_formats(struct v4l2r_session *s, uint32_t *fourccs,
				  unsigned max);

/* S_FMT on CAPTURE (fourcc 0 keeps the driver's choice) and the resulting
 * layout. -EBUSY while buffers are allocated. */
int v4l2r_session_set_capture_format(struct v4l2r_session *s, uint32_t fourcc,
				     struct v4l2r_layout *layout);
int v4l2r_session_capture_layout(const struct v4l2r_session *s,
				 struct v4l2r_layout *layout);

/* Allocates MMAP buffers on both queues (at least n_output requests in
 * flight; n_capture pictures) and maps them. The driver may give more. */
int v4l2r_session_alloc_buffers(struct v4l2r_session *s, unsigned n_output,
				unsigned n_capture);
/* Adds up to extra capture buffers while everything goes on
 * (VIDIOC_CREATE_BUFS): the present buffers keep their pictures and the
 * timestamps references are found by. Returns the new capture count, or
 * -errno when the device cannot (then only a reallocation grows them). */
int v4l2r_session_add_captures(struct v4l2r_session *s, unsigned extra);
/* Stops streaming and frees both queues' buffers. */
int v4l2r_session_free_buffers(struct v4l2r_session *s);

unsigned v4l2r_session_capture_count(const struct v4l2r_session *s);
unsigned v4l2r_session_output_count(const struct v4l2r_session *s);

/* The CPU mapping of each memory plane of a capture buffer. */
int v4l2r_session_capture_map(struct v4l2r_session *s, unsigned index,
			      uint8_t *mem[V4L2R_MAX_PLANES]);
/* New DMABUF fds (caller closes them) of each memory plane. */
int v4l2r_session_capture_export(struct v4l2r_session *s, unsigned index,
				 int fds[V4L2R_MAX_PLANES]);

int v4l2r_session_start(struct v4l2r_session *s);
/* STREAMOFF on both queues: pending requests complete, their pictures are
 * marked V4L2R_ABORTED. */
int v4l2r_session_stop(struct v4l2r_session *s);

/* Takes a free request slot; when all are in flight, waits (up to
 * timeout_ms) for the oldest, and on timeout recovers the session like
 * wait_capture and takes the slot that frees (-ETIMEDOUT when none does).
 * A timeout_ms of 0 only tries (-EAGAIN when no slot is free). -ENOSPC
 * before buffers exist. */
int v4l2r_request_acquire(struct v4l2r_session *s, int timeout_ms,
			  struct v4l2r_request **out);
/* The slot's bitstream buffer. */
uint8_t *v4l2r_request_data(struct v4l2r_request *r, size_t *capacity);
/* S_EXT_CTRLS into the request. On refusal, *error_idx (may be NULL) is the
 * index the kernel reported (count when it could not tell). The controls
 * are copied (to queue the request again after a restart): the caller's
 * memory is free once this returns. */
int v4l2r_request_set_controls(struct v4l2r_request *r,
			       struct v4l2_ext_control *controls,
			       unsigned count, unsigned *error_idx);

#define V4L2R_QUEUE_HOLD_CAPTURE (1u << 0)	/* more slices follow */

/* Queues the request with bytesused bytes of bitstream, decoding into
 * capture buffer capture_index under timestamp_ns (what later pictures use
 * to reference this one). On failure the slot returns to the pool and the
 * picture is marked V4L2R_REFUSED. */
int v4l2r_request_queue(struct v4l2r_request *r, unsigned capture_index,
			uint64_t timestamp_ns, size_t bytesused,
			unsigned flags);
/* Gives back a slot that was acquired but will not be queued. */
void v4l2r_request_release(struct v4l2r_request *r);

enum v4l2r_result {
	V4L2R_IDLE,		/* nothing queued into this picture */
	V4L2R_PENDING,		/* queued, not finished */
	V4L2R_DONE,		/* decoded */
	V4L2R_DECODE_ERROR,	/* the driver flagged V4L2_BUF_FLAG_ERROR */
	V4L2R_REFUSED,		/* the kernel refused a request for it */
	V4L2R_TIMEOUT,		/* the device did not answer in time */
	V4L2R_ABORTED,		/* streaming stopped before it finished */
	V4L2R_DEVICE_LOST,	/* the device went away (driver unbound or
				 * unloaded): nothing will decode again in
				 * this session */
};

const char *v4l2r_result_str(enum v4l2r_result result);

/* Whether the device went away (V4L2R_DEVICE_LOST): the session can only
 * be closed; a new one decodes once the device is back. */
bool v4l2r_session_lost(struct v4l2r_session *s);

/* State of a capture buffer, collecting finished work without blocking. */
enum v4l2r_result v4l2r_session_capture_status(struct v4l2r_session *s,
					       unsigned index);
/* Waits until the picture is no longer pending. On timeout the session
 * recovers: streaming restarts, the oldest request in flight (the job the
 * device stopped on) fails and its picture is marked V4L2R_TIMEOUT; the
 * requests queued after it are queued again as they were, and the wait
 * goes on for a picture among them (timeout_ms again). A picture whose
 * slices a restart lost stays V4L2R_TIMEOUT when its later slices come. */
enum v4l2r_result v4l2r_session_wait_capture(struct v4l2r_session *s,
					     unsigned index, int timeout_ms);
/* Marks a finished picture idle again (its buffer may be reused). */
void v4l2r_session_capture_reset(struct v4l2r_session *s, unsigned index);

#endif
