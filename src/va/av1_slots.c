/* The driver's numbering of the device's AV1 reference slots: see
 * av1_slots.h. */
#include "va/av1_slots.h"

void av1_slots_init(struct av1_slots *s)
{
	for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++) {
		s->surface[i] = VA_INVALID_SURFACE;
		s->stored[i] = false;
	}
}

int av1_relative_dist(unsigned order_hint_bits, int a, int b)
{
	if (!order_hint_bits)
		return 0;
	int diff = a - b, m = 1 << (order_hint_bits - 1);
	return (diff & (m - 1)) - (diff & m);
}

/* VA's slot holding the surface, -1 if none does. */
static int va_slot_of(const struct av1_slot_frame *f, VASurfaceID id)
{
	if (id == VA_INVALID_SURFACE)
		return -1;
	for (int i = 0; i < AV1_NUM_REF_FRAMES; i++)
		if (f->map[i] == id)
			return i;
	return -1;
}

static int slot_of(const struct av1_slots *s, VASurfaceID id)
{
	for (int i = 0; i < AV1_NUM_REF_FRAMES; i++)
		if (s->surface[i] == id)
			return i;
	return -1;
}

/* A slot whose surface VA's map no longer holds (an empty one first). */
static int free_slot(const struct av1_slots *s, const struct av1_slot_frame *f)
{
	int dead = -1;

	for (int i = 0; i < AV1_NUM_REF_FRAMES; i++) {
		if (s->surface[i] == VA_INVALID_SURFACE)
			return i;
		if (dead < 0 && va_slot_of(f, s->surface[i]) < 0)
			dead = i;
	}
	return dead;
}

/* Eight distinct surfaces in the map: the slot of one the frame does not
 * reference, the furthest back by order hint. */
static int evict_slot(const struct av1_slots *s, const struct av1_slot_frame *f,
		      const int8_t ref_slot[AV1_REFS_PER_FRAME], bool intra)
{
	int pick = -1, pick_dist = 0;

	for (int i = 0; i < AV1_NUM_REF_FRAMES; i++) {
		bool referenced = false;
		for (int r = 0; r < AV1_REFS_PER_FRAME && !intra; r++)
			referenced |= ref_slot[r] == i;
		if (referenced)
			continue;
		int va = va_slot_of(f, s->surface[i]);
		int dist = av1_relative_dist(f->order_hint_bits, f->order_hint,
					     va < 0 ? f->order_hint :
						      f->map_hint[va]);
		if (pick < 0 || dist > pick_dist) {
			pick = i;
			pick_dist = dist;
		}
	}
	return pick;
}

void av1_slots_plan(const struct av1_slots *now,
		    const struct av1_slot_frame *f, struct av1_slot_plan *plan)
{
	struct av1_slots *next = &plan->next;
	bool intra = !f->ref_frame_idx;

	*next = *now;
	plan->evicted = VA_INVALID_SURFACE;
	/* Every surface of the map gets a slot, so that the control names
	 * it (a device drops the buffers it no longer names): one whose slot
	 * was given away (a wrong guess below, at an earlier frame) comes
	 * back without its stored state. A free slot always exists: the map
	 * holds at most eight surfaces, this one not in the table. */
	for (int i = 0; i < AV1_NUM_REF_FRAMES; i++) {
		VASurfaceID id = f->map[i];
		if (id == VA_INVALID_SURFACE || slot_of(next, id) >= 0)
			continue;
		int slot = free_slot(next, f);
		next->surface[slot] = id;
		next->stored[slot] = false;
	}
	for (int r = 0; r < AV1_REFS_PER_FRAME; r++)
		plan->ref_slot[r] = intra ? 0 : (int8_t)slot_of(
			next, f->map[f->ref_frame_idx[r]]);
	for (int i = 0; i < AV1_NUM_REF_FRAMES; i++)
		plan->va_slot[i] = (int8_t)va_slot_of(f, next->surface[i]);

	int slot = slot_of(next, f->target);
	if (slot < 0)
		slot = free_slot(next, f);
	if (slot < 0) {
		slot = evict_slot(next, f, plan->ref_slot, intra);
		plan->evicted = next->surface[slot];
	}
	next->surface[slot] = f->target;
	next->stored[slot] = true;
	plan->refresh_frame_flags = (uint8_t)(1u << slot);
}
