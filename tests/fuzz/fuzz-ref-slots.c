/* libFuzzer target: the plugin's slot and MPEG-2 reference management
 * (gst-plugin/ref_slots.c, mpeg2_refs.c) driven by hostile frames.
 *
 * Input: records of one byte saying what to do, followed by that
 * operation's fields: slots set up anew (any count), a VP8/VP9/AV1 frame
 * (every field of struct ref_slots_frame as it comes: slots and reference
 * indices out of range, more references or copies than there can be),
 * slots cleared, an MPEG-2 picture (any picture_coding_type, field or
 * frame, decoded or lost on its way to the device), drain, reset. Besides
 * memory errors, the target aborts when a manager breaks its word: a
 * picture released more than held, output while nobody holds it, a
 * picture handed back that was never given, or still held once
 * everything is cleared. */
#include <stdlib.h>

#include "fuzz.h"
#include "mpeg2_refs.h"
#include "ref_slots.h"

#define MAX_PICS 4096

static int holds[MAX_PICS];
static unsigned n_pics;

/* A picture handle: the address of its hold counter. */
static void *new_pic(void)
{
	if (n_pics == MAX_PICS)
		return NULL;
	return &holds[n_pics++];
}

static int *counter(void *pic)
{
	int *h = pic;

	if (h < holds || h >= holds + n_pics)
		abort();	/* never given out */
	return h;
}

static void on_hold(void *user, void *pic)
{
	(void)user;
	(*counter(pic))++;
}

static void on_release(void *user, void *pic)
{
	(void)user;
	if (--*counter(pic) < 0)
		abort();
}

static void on_output(void *user, void *pic)
{
	(void)user;
	if (*counter(pic) <= 0)
		abort();
}

static void slots_frame(struct fuzz_input *in, struct ref_slots *slots)
{
	struct ref_slots_frame f;

	memset(&f, 0, sizeof(f));
	uint8_t flags = fuzz_u8(in);
	f.show_existing = flags & 1;
	f.show_frame = flags & 2;
	f.show_slot = fuzz_u8(in);
	f.refresh = fuzz_u8(in);
	f.n_refs = fuzz_u8(in);
	fuzz_bytes(in, f.ref_slot, sizeof(f.ref_slot));
	f.n_copies = fuzz_u8(in);
	for (unsigned i = 0; i < REF_SLOTS_MAX_COPIES; i++) {
		f.copy[i].to = fuzz_u8(in);
		f.copy[i].from = fuzz_u8(in);
	}
	int missing = ref_slots_missing(slots, &f);
	if (missing >= REF_SLOTS_MAX_REFS || missing >= f.n_refs)
		abort();
	if (missing >= 0 && ref_slots_get(slots, f.ref_slot[missing]))
		abort();
	void *pic = f.show_existing ? ref_slots_existing(slots, &f) :
		    (flags & 4) ? NULL : new_pic();	/* 4: a lost frame */
	if (pic)
		counter(pic);
	ref_slots_update(slots, &f, pic);
}

static void mpeg2_picture(struct fuzz_input *in, struct mpeg2_refs *refs)
{
	enum mpeg2_refs_type type = fuzz_u8(in) % 5;	/* 0 and 4: bad */
	uint8_t flags = fuzz_u8(in);
	bool is_field = flags & 1;

	if (type < MPEG2_REFS_I || type > MPEG2_REFS_B ||
	    !mpeg2_refs_ready(refs, type))
		return;
	void *pic = mpeg2_refs_second_field(refs, is_field);
	bool second = pic != NULL;
	if (pic && *counter(pic) <= 0)
		abort();	/* handed over without a hold */
	if (!pic) {
		if (!(pic = new_pic()))
			return;
		on_hold(NULL, pic);	/* the caller's */
	}
	if (flags & 2) {	/* lost on its way to the device */
		on_release(NULL, pic);
		return;
	}
	mpeg2_refs_decoded(refs, pic, type, is_field && !second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ref_slots_ops slot_ops = { on_hold, on_release };
	static const struct mpeg2_refs_ops mpeg2_ops = { on_hold, on_release,
							 on_output };
	struct fuzz_input in = { data, size };
	struct ref_slots slots;
	struct mpeg2_refs refs;

	memset(holds, 0, sizeof(holds));
	n_pics = 0;
	ref_slots_init(&slots, REF_SLOTS_MAX, &slot_ops, NULL);
	mpeg2_refs_init(&refs, &mpeg2_ops, NULL);
	while (in.size) {
		switch (fuzz_u8(&in) % 7) {
		case 0:
			ref_slots_clear(&slots);
			ref_slots_init(&slots, fuzz_u8(&in), &slot_ops, NULL);
			break;
		case 1:
			slots_frame(&in, &slots);
			break;
		case 2:
			ref_slots_clear(&slots);
			break;
		case 3:
			mpeg2_picture(&in, &refs);
			break;
		case 4:
			mpeg2_refs_drain(&refs);
			break;
		case 5:
			mpeg2_refs_reset(&refs);
			break;
		default:	/* what the slots hold is what was given */
			for (int i = -1; i <= REF_SLOTS_MAX; i++)
				if (ref_slots_get(&slots, i))
					counter(ref_slots_get(&slots, i));
			break;
		}
	}
	ref_slots_clear(&slots);
	mpeg2_refs_reset(&refs);
	for (unsigned i = 0; i < n_pics; i++)
		if (holds[i])
			abort();
	return 0;
}
