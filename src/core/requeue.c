/* What a restart of streaming needs to queue the requests in flight again
 * (recover_locked in request.c): the controls each request carried, kept
 * with its slot, and which requests go again in which order. No ioctl
 * here, so the unit tests run it without a device. */
#include <string.h>

#include "session_private.h"

size_t v4l2r_control_max_payload(const struct v4l2_query_ext_ctrl *q)
{
	size_t elems = 1;

	if (!(q->flags & V4L2_CTRL_FLAG_HAS_PAYLOAD))
		return 0;	/* its value travels in the control itself */
	/* A dynamic array's dims[0] is its most elements. */
	for (unsigned i = 0; i < q->nr_of_dims && i < V4L2_CTRL_MAX_DIMS; i++)
		elems *= q->dims[i];
	return elems * q->elem_size;
}

void v4l2r_kept_reset(struct v4l2r_kept_controls *k)
{
	k->n = 0;
	k->used = 0;
	k->overflow = false;
}

void v4l2r_kept_add(struct v4l2r_kept_controls *k,
		    const struct v4l2_ext_control *controls, unsigned count)
{
	for (unsigned i = 0; i < count && !k->overflow; i++) {
		const struct v4l2_ext_control *x = &controls[i];
		/* 8-byte aligned, as the uAPI structs want in memory. */
		size_t at = (k->used + 7) & ~(size_t)7;

		if (k->n == V4L2R_KEPT_CONTROLS ||
		    (x->size && (at > k->size || x->size > k->size - at))) {
			k->overflow = true;
			break;
		}
		struct v4l2_ext_control *c = &k->c[k->n++];
		*c = *x;
		if (x->size) {
			memcpy(k->store + at, x->ptr, x->size);
			c->ptr = k->store + at;
			k->used = at + x->size;
		}
	}
}

struct v4l2r_request *v4l2r_oldest_queued(struct v4l2r_session *s)
{
	struct v4l2r_request *oldest = NULL;

	for (unsigned i = 0; i < s->n_slots; i++) {
		struct v4l2r_request *r = &s->slots[i];
		if (r->state == SLOT_QUEUED &&
		    (!oldest || r->queue_seq < oldest->queue_seq))
			oldest = r;
	}
	return oldest;
}

static bool in_flight(const struct v4l2r_request *r)
{
	return r->state == SLOT_QUEUED;
}

void v4l2r_requeue_plan(struct v4l2r_session *s, struct v4l2r_request *lost)
{
	for (unsigned i = 0; i < s->n_slots; i++) {
		struct v4l2r_request *r = &s->slots[i];
		r->requeue = in_flight(r) && r != lost &&
			     !(lost && r->capture_index == lost->capture_index);
	}
	/* A picture goes again whole or not at all: one whose controls were
	 * not all kept fails, its other requests with it. */
	for (unsigned i = 0; i < s->n_slots; i++) {
		const struct v4l2r_request *r = &s->slots[i];
		if (!r->requeue || !r->kept.overflow)
			continue;
		for (unsigned j = 0; j < s->n_slots; j++)
			if (s->slots[j].capture_index == r->capture_index)
				s->slots[j].requeue = false;
	}
}

struct v4l2r_request *v4l2r_requeue_next(struct v4l2r_session *s,
					 const struct v4l2r_request *after)
{
	struct v4l2r_request *next = NULL;

	for (unsigned i = 0; i < s->n_slots; i++) {
		struct v4l2r_request *r = &s->slots[i];
		if (r->requeue && in_flight(r) && (!after || r->queue_seq > after->queue_seq) &&
		    (!next || r->queue_seq < next->queue_seq))
			next = r;
	}
	return next;
}
