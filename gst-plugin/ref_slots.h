/* Reference slots for the stateless decoder elements of the codecs that
 * name their references by slot: VP9's and AV1's eight (refreshed by
 * refresh_frame_flags; show_existing_frame shows a slot's picture again,
 * and in AV1 a key frame shown so refreshes every slot, spec 7.21) and
 * VP8's three (last, golden, altref, with the copies of RFC 6386 9.7).
 * None of these codecs reorders: a decoded frame with show_frame goes out
 * at once, a hidden one is kept for reference only.
 *
 * Free of GLib: the element (and the order check, tests/unit/dpb-order.c)
 * turns the parsed headers into struct ref_slots_frame
 * (gst-plugin/slots_input.c), so that this is unit-tested without
 * GStreamer or a device. Pictures are the caller's pointers; the slots
 * hold and release them through struct ref_slots_ops as they enter and
 * leave.
 *
 * Flow, per frame:
 *   show_existing:  ref_slots_existing() is the picture to output (NULL:
 *                   an empty slot, nothing to show), then
 *                   ref_slots_update() with it (AV1's key frames).
 *   otherwise:      ref_slots_missing() says whether a reference is gone
 *                   (the frame is not decoded); once decoded,
 *                   ref_slots_update() with the new picture (NULL: the
 *                   frame is lost and what it refreshes is no reference any
 *                   more), output if show_frame.
 *   ref_slots_clear() when the device is set up anew (resize, seek). */
#ifndef REF_SLOTS_H
#define REF_SLOTS_H

#include <stdbool.h>
#include <stdint.h>

#define REF_SLOTS_MAX 8		/* NUM_REF_FRAMES of VP9 and AV1 */
#define REF_SLOTS_MAX_REFS 7	/* AV1's REFS_PER_FRAME; VP9 3, VP8 3 */
#define REF_SLOTS_MAX_COPIES 2	/* VP8's to altref, then to golden */
#define REF_SLOTS_ALL 0xffu

enum ref_slots_vp8 { REF_SLOTS_VP8_LAST, REF_SLOTS_VP8_GOLDEN,
		     REF_SLOTS_VP8_ALTREF, REF_SLOTS_VP8_COUNT };

struct ref_slots_ops {
	void (*hold)(void *user, void *pic);
	void (*release)(void *user, void *pic);
};

struct ref_slots {
	void *pic[REF_SLOTS_MAX];	/* NULL: empty */
	unsigned count;			/* slots in use: 8, or 3 for VP8 */
	struct ref_slots_ops ops;
	void *user;
};

/* What one frame does with the slots. */
struct ref_slots_frame {
	/* Shows the picture of show_slot again; nothing is decoded. */
	bool show_existing;
	uint8_t show_slot;
	/* A decoded frame goes out; else it is hidden (reference only). */
	bool show_frame;
	/* The slots that take the frame's picture (for show_existing, the
	 * picture shown: AV1's key frames refresh every slot). */
	uint8_t refresh;
	/* The slots the frame predicts from, in its reference order (VP9:
	 * LAST, GOLDEN, ALTREF; AV1: LAST..ALTREF); none for intra frames. */
	uint8_t n_refs;
	int8_t ref_slot[REF_SLOTS_MAX_REFS];
	/* Before the refresh, in this order: slot `to` takes what slot
	 * `from` holds at that moment (VP8's copy_buffer_to_alternate, then
	 * copy_buffer_to_golden, which may copy the altref just replaced, as
	 * libvpx's swap_frame_buffers() does). */
	uint8_t n_copies;
	struct {
		uint8_t to, from;
	} copy[REF_SLOTS_MAX_COPIES];
};

/* Empty slots; ops is copied (either function may be NULL). */
void ref_slots_init(struct ref_slots *slots, unsigned count,
		    const struct ref_slots_ops *ops, void *user);
/* Every slot empties (releasing its picture). */
void ref_slots_clear(struct ref_slots *slots);
/* The picture of slot, NULL if it is empty or no slot. */
void *ref_slots_get(const struct ref_slots *slots, int slot);
/* The picture a show_existing frame shows; NULL if its slot is empty. */
void *ref_slots_existing(const struct ref_slots *slots,
			 const struct ref_slots_frame *frame);
/* The first of frame's references (index into ref_slot[]) whose slot is
 * empty or out of range, or -1 when all are there. */
int ref_slots_missing(const struct ref_slots *slots,
		      const struct ref_slots_frame *frame);
/* The frame is done: the copies, then the refreshed slots take pic
 * (NULL empties them). */
void ref_slots_update(struct ref_slots *slots,
		      const struct ref_slots_frame *frame, void *pic);

#endif
