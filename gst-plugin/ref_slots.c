/* Reference slots of VP8, VP9 and AV1 (see ref_slots.h). */
#include <string.h>

#include "ref_slots.h"

void ref_slots_init(struct ref_slots *slots, unsigned count,
		    const struct ref_slots_ops *ops, void *user)
{
	memset(slots, 0, sizeof(*slots));
	slots->count = count < REF_SLOTS_MAX ? count : REF_SLOTS_MAX;
	if (ops)
		slots->ops = *ops;
	slots->user = user;
}

/* *slot = pic, holding pic before releasing what was there (which may be
 * pic itself). */
static void set(struct ref_slots *slots, unsigned slot, void *pic)
{
	void *old = slots->pic[slot];

	if (pic && slots->ops.hold)
		slots->ops.hold(slots->user, pic);
	slots->pic[slot] = pic;
	if (old && slots->ops.release)
		slots->ops.release(slots->user, old);
}

void ref_slots_clear(struct ref_slots *slots)
{
	for (unsigned i = 0; i < slots->count; i++)
		set(slots, i, NULL);
}

void *ref_slots_get(const struct ref_slots *slots, int slot)
{
	if (slot < 0 || (unsigned)slot >= slots->count)
		return NULL;
	return slots->pic[slot];
}

void *ref_slots_existing(const struct ref_slots *slots,
			 const struct ref_slots_frame *frame)
{
	return ref_slots_get(slots, frame->show_slot);
}

int ref_slots_missing(const struct ref_slots *slots,
		      const struct ref_slots_frame *frame)
{
	unsigned n = frame->n_refs < REF_SLOTS_MAX_REFS ? frame->n_refs :
							  REF_SLOTS_MAX_REFS;

	for (unsigned i = 0; i < n; i++)
		if (!ref_slots_get(slots, frame->ref_slot[i]))
			return (int)i;
	return -1;
}

void ref_slots_update(struct ref_slots *slots,
		      const struct ref_slots_frame *frame, void *pic)
{
	unsigned n = frame->n_copies < REF_SLOTS_MAX_COPIES ?
			     frame->n_copies : REF_SLOTS_MAX_COPIES;

	for (unsigned i = 0; i < n; i++)
		if (frame->copy[i].to < slots->count)
			set(slots, frame->copy[i].to,
			    ref_slots_get(slots, frame->copy[i].from));
	for (unsigned i = 0; i < slots->count; i++)
		if (frame->refresh & (1u << i))
			set(slots, i, pic);
}
