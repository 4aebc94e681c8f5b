/* The device's eight AV1 reference slots, numbered by the driver.
 *
 * The V4L2 frame control names references by slot (ref_frame_idx into
 * reference_frame_ts) and says which slots the frame refreshes
 * (refresh_frame_flags). A device may keep per-slot state of its own:
 * Hantro VPU981 stores the frame's CDFs into its refreshed slots and loads
 * them back from slot ref_frame_idx[primary_ref_frame]. VA gives the
 * stream's slots as they are before the frame (ref_frame_map) but not its
 * refresh_frame_flags, which only the next frame's map would reveal.
 *
 * So the driver numbers the slots itself: each decoded surface gets one
 * slot of its own, refreshed by its frame alone, and keeps it while VA's
 * map holds the surface. Every slot the device loads from then holds what
 * that slot's surface stored. A slot is free once VA's map no longer holds
 * its surface; with eight distinct surfaces in the map (the frame must
 * replace one, VA does not say which) the frame takes the slot of a
 * surface it does not reference, the oldest by order hint; if VA's map
 * still holds that surface at the next frame (a wrong guess), it comes
 * back into the slot the replaced one left, without its stored state
 * (next.stored false). */
#ifndef VA_AV1_SLOTS_H
#define VA_AV1_SLOTS_H

#include <stdbool.h>
#include <stdint.h>

#include <va/va.h>

#define AV1_NUM_REF_FRAMES 8
#define AV1_REFS_PER_FRAME 7

struct av1_slots {
	VASurfaceID surface[AV1_NUM_REF_FRAMES];	/* VA_INVALID_SURFACE: none */
	/* the device's state of the slot was stored by its surface's frame */
	bool stored[AV1_NUM_REF_FRAMES];
};

/* One frame as VA gives it: the stream's slots before it, the order hints
 * of their surfaces, its references (NULL for an intra frame) and target.
 * ref_frame_idx entries are valid (0..7, naming a surface of map). */
struct av1_slot_frame {
	const VASurfaceID *map;
	const uint8_t *map_hint;
	const uint8_t *ref_frame_idx;
	VASurfaceID target;
	uint8_t order_hint;
	unsigned order_hint_bits;
};

struct av1_slot_plan {
	struct av1_slots next;	/* the table once the frame is decoded */
	int8_t ref_slot[AV1_REFS_PER_FRAME];	/* per reference name */
	/* VA's slot of the surface each device slot holds before the frame,
	 * -1 for none (a surface VA's map no longer holds) */
	int8_t va_slot[AV1_NUM_REF_FRAMES];
	uint8_t refresh_frame_flags;
	VASurfaceID evicted;	/* a surface of VA's map that gave its slot up */
};

void av1_slots_init(struct av1_slots *s);

/* get_relative_dist() of the spec (7.12.3). */
int av1_relative_dist(unsigned order_hint_bits, int a, int b);

/* Plans the frame's slots: never fails for a frame whose references name
 * surfaces of the map. */
void av1_slots_plan(const struct av1_slots *now,
		    const struct av1_slot_frame *frame,
		    struct av1_slot_plan *plan);

#endif
