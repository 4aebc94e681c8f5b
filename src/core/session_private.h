/* Internals shared by session.c (formats, buffers, streaming) and
 * request.c (request slots, queueing, completion). */
#ifndef V4L2R_SESSION_PRIVATE_H
#define V4L2R_SESSION_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/videodev2.h>

#include "v4l2r/session.h"

/* FREE -> ACQUIRED (request_acquire) -> QUEUEING (request_queue claimed
 * it; its queue ioctls run without the session lock) -> QUEUED (handed to
 * the device) -> FREE (its OUTPUT buffer came back, or a refusal). See the
 * invariants at the top of request.c. */
enum slot_state { SLOT_FREE, SLOT_ACQUIRED, SLOT_QUEUEING, SLOT_QUEUED };

/* The controls set into a request, kept to set them again when the
 * request is queued again after a restart (requeue.c). The payloads are
 * copied into store, allocated once with the slot, as large as the most
 * the device takes of every control of the codec. */
#define V4L2R_KEPT_CONTROLS 16
struct v4l2r_kept_controls {
	struct v4l2_ext_control c[V4L2R_KEPT_CONTROLS];
	unsigned n;
	bool overflow;		/* some did not fit: not queued again */
	uint8_t *store;
	size_t size, used;
};

/* One OUTPUT buffer and the media request it always travels in. */
struct v4l2r_request {
	struct v4l2r_session *session;
	unsigned index;
	int request_fd;
	uint8_t *data;
	size_t capacity;
	enum slot_state state;
	unsigned capture_index;
	uint64_t queue_seq;	/* queue order: the oldest is waited first */
	/* QUEUEING only: the device already gave the OUTPUT buffer back
	 * (collect_locked accounted for it; the queuer frees the slot). */
	bool dequeued;
	/* What request_queue sent, for a restart to queue it again. */
	struct v4l2r_kept_controls kept;
	uint64_t timestamp_ns;
	size_t bytesused;
	unsigned flags;
	bool requeue;		/* chosen by v4l2r_requeue_plan */
};

struct capture_buffer {
	uint8_t *mem[V4L2R_MAX_PLANES];
	size_t length[V4L2R_MAX_PLANES];
	enum v4l2r_result result;
	bool queued;		/* owned by the driver, or its QBUF claimed */
	bool error;		/* a request or the buffer carried FLAG_ERROR */
	unsigned pending;	/* queued requests decoding into it */
	/* The picture's last request so far: its timestamp and whether it
	 * asked for more slices. */
	uint64_t timestamp_ns;
	bool held;
	/* What a restart made of the picture (V4L2R_IDLE: nothing); its
	 * slices queued after that end the same way. */
	enum v4l2r_result lost;
};

struct v4l2r_session {
	/* lock guards everything below; it is not held across the blocking
	 * queue ioctls. queue_lock orders the queuers (taken first). */
	pthread_mutex_t lock;
	pthread_mutex_t queue_lock;
	pthread_cond_t cond;	/* queueing or stopping went down */
	unsigned queueing;	/* request_queue calls between claim and settle */
	unsigned stopping;	/* threads waiting to STREAMOFF */
	uint64_t stream_gen;	/* STREAMOFFs so far */
	int video_fd;
	int media_fd;
	bool mplane;
	enum v4l2_buf_type output_type, capture_type;
	uint32_t output_size;	/* OUTPUT sizeimage the driver granted */
	bool streaming;

	struct v4l2r_request *slots;
	unsigned n_slots;
	struct capture_buffer *captures;
	unsigned n_captures;
	/* Entries of captures: room for buffers added while streaming
	 * (v4l2r_session_add_captures), so the array never moves under a
	 * queuer that dropped the lock. */
	unsigned capture_capacity;
	/* The video node answered ENODEV: its driver is gone. */
	bool lost;
	unsigned capture_mem_planes;
	uint64_t next_seq;

	/* trace_record.c: set while recording (hooks in trace_private.h) */
	struct v4l2r_trace_recorder *recorder;
};

int v4l2r_xioctl(int fd, unsigned long request, void *arg);

/* request.c */
int v4l2r_requests_create(struct v4l2r_session *s);
void v4l2r_requests_destroy(struct v4l2r_session *s);
/* After STREAMOFF: everything in flight ends with result. */
void v4l2r_requests_abort(struct v4l2r_session *s, enum v4l2r_result result);
/* Around a STREAMOFF (lock held): waits until no request_queue is between
 * claim and settle and holds new claims back until v4l2r_quiesce_end. */
void v4l2r_quiesce_begin(struct v4l2r_session *s);
void v4l2r_quiesce_end(struct v4l2r_session *s);

/* requeue.c: what a restart needs of the requests in flight. */
/* The most payload a control takes (elements times their size; a
 * dynamic array's maximum), from VIDIOC_QUERY_EXT_CTRL. */
size_t v4l2r_control_max_payload(const struct v4l2_query_ext_ctrl *q);
/* Forgets the kept controls (the store stays). */
void v4l2r_kept_reset(struct v4l2r_kept_controls *k);
/* Keeps count controls after those kept already, payloads copied; what
 * does not fit sets k->overflow. */
void v4l2r_kept_add(struct v4l2r_kept_controls *k,
		    const struct v4l2_ext_control *controls, unsigned count);
/* The oldest request in flight (SLOT_QUEUED), or NULL. */
struct v4l2r_request *v4l2r_oldest_queued(struct v4l2r_session *s);
/* Before a restart that loses request lost (in flight): marks r->requeue
 * on the requests in flight to queue again, every one but those of lost's
 * picture (its capture buffer: its later slices) and of pictures with a
 * request whose controls were not all kept. */
void v4l2r_requeue_plan(struct v4l2r_session *s, struct v4l2r_request *lost);
/* The oldest request marked requeue that was queued after after (NULL:
 * the oldest of all), or NULL: the restart keeps the original order. */
struct v4l2r_request *v4l2r_requeue_next(struct v4l2r_session *s,
					 const struct v4l2r_request *after);

/* session.c */
int v4l2r_session_streamon_locked(struct v4l2r_session *s);
int v4l2r_session_streamoff_locked(struct v4l2r_session *s);

#endif
