/* The VA driver's AV1 slot numbering (src/va/av1_slots.c) replayed on a
 * real stream's reference structure, as tests/unit/av1-slots.sh extracts
 * it from an encoder's output (FFmpeg's trace_headers). On stdin:
 *
 *   bits N                       order_hint_bits of the sequence
 *   frame T S R P H I0 .. I6     frame_type, show_frame, refresh_frame_flags
 *                                (-1: not coded, every slot), primary_ref_frame,
 *                                order_hint, ref_frame_idx[]
 *   show I                       show_existing_frame of slot I
 *
 * The stream's slots are followed as a VA client keeps them (FFmpeg:
 * surfaces from a pool, reused once no slot holds them; no slot named for
 * a shown key frame), the driver's plan is asked for each frame, and a
 * device storing per-slot state by the refresh_frame_flags it is sent
 * (Hantro VPU981's CDFs, stored on every refresh as the spec does) is
 * simulated. Fails when a reference is not where the control names it,
 * when a surface of the stream's slots is not named in the control (the
 * device would drop it), or when a frame would load another frame's CDFs
 * than its primary reference's. Prints one line: frames, frames with
 * eight distinct references, wrong guesses among them (the surface that
 * gave its slot was not the one the stream replaced), frames loading
 * other CDFs. */
#include <stdio.h>
#include <string.h>

#include "va/av1_slots.h"

#define POOL 24

struct stream {
	VASurfaceID map[AV1_NUM_REF_FRAMES];
	uint8_t hint[POOL + 1];	/* by surface id (1..POOL) */
	int type[POOL + 1];
	unsigned last_used[POOL + 1];
};

static int in_map(const struct stream *s, VASurfaceID id)
{
	for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++)
		if (s->map[i] == id)
			return 1;
	return 0;
}

/* The least recently decoded surface no slot holds. */
static VASurfaceID free_surface(const struct stream *s)
{
	VASurfaceID pick = VA_INVALID_SURFACE;

	for (VASurfaceID id = 1; id <= POOL; id++)
		if (!in_map(s, id) && (pick == VA_INVALID_SURFACE ||
				       s->last_used[id] < s->last_used[pick]))
			pick = id;
	return pick;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "stream";
	struct stream s;
	struct av1_slots slots;
	VASurfaceID cdfs_of[AV1_NUM_REF_FRAMES];
	unsigned bits = 7, frames = 0, eight = 0, wrong = 0, other_cdfs = 0;
	char line[256];

	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++)
		s.map[i] = cdfs_of[i] = VA_INVALID_SURFACE;
	av1_slots_init(&slots);
	while (fgets(line, sizeof(line), stdin)) {
		int type, show, refresh, primary, hint, idx[7], slot;

		if (sscanf(line, "bits %u", &bits) == 1)
			continue;
		if (sscanf(line, "show %d", &slot) == 1) {
			if (slot < 0 || slot > 7 || s.map[slot] == VA_INVALID_SURFACE) {
				fprintf(stderr, "%s: bad line: %s", name, line);
				return 2;
			}
			/* a shown key frame is loaded and refreshes every slot
			 * (spec 7.21); no request is made */
			VASurfaceID shown = s.map[slot];
			if (s.type[shown] == 0)
				for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++)
					s.map[i] = shown;
			continue;
		}
		if (sscanf(line, "frame %d %d %d %d %d %d %d %d %d %d %d %d",
			   &type, &show, &refresh, &primary, &hint, &idx[0],
			   &idx[1], &idx[2], &idx[3], &idx[4], &idx[5],
			   &idx[6]) != 12 || type < 0 || type > 3 ||
		    primary < 0 || primary > 7) {
			fprintf(stderr, "%s: bad line: %s", name, line);
			return 2;
		}
		frames++;
		int intra = type == 0 || type == 2;
		uint8_t ref_idx[7], va_hint[AV1_NUM_REF_FRAMES];
		VASurfaceID sent[AV1_NUM_REF_FRAMES];
		for (unsigned i = 0; i < 7; i++) {
			if (!intra && (idx[i] < 0 || idx[i] > 7 ||
				       s.map[idx[i]] == VA_INVALID_SURFACE)) {
				fprintf(stderr, "%s: frame %u names an empty "
					"slot\n", name, frames);
				return 2;
			}
			ref_idx[i] = (uint8_t)idx[i];
		}
		for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++) {
			/* FFmpeg names no slot for a shown key frame */
			sent[i] = type == 0 && show ? VA_INVALID_SURFACE : s.map[i];
			va_hint[i] = sent[i] == VA_INVALID_SURFACE ? 0 :
				     s.hint[sent[i]];
		}
		VASurfaceID target = free_surface(&s);
		const struct av1_slot_frame f = {
			.map = sent, .map_hint = va_hint,
			.ref_frame_idx = intra ? NULL : ref_idx,
			.target = target, .order_hint = (uint8_t)hint,
			.order_hint_bits = bits,
		};
		struct av1_slot_plan plan;
		av1_slots_plan(&slots, &f, &plan);

		for (unsigned i = 0; i < 7 && !intra; i++) {
			int d = plan.ref_slot[i];
			if (plan.va_slot[d] < 0 ||
			    sent[plan.va_slot[d]] != s.map[idx[i]]) {
				printf("FAIL: %s: frame %u: reference %u is not "
				       "in the slot the control names\n", name,
				       frames, i);
				return 1;
			}
		}
		for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++) {
			int named = sent[i] == VA_INVALID_SURFACE;
			/* the timestamp the control carries for slot d */
			for (unsigned d = 0; d < AV1_NUM_REF_FRAMES && !named; d++)
				named = plan.va_slot[d] >= 0 &&
					sent[plan.va_slot[d]] == sent[i];
			if (!named) {
				printf("FAIL: %s: frame %u: the surface of slot "
				       "%u is not in the control\n", name,
				       frames, i);
				return 1;
			}
		}
		if (!intra && primary < 7 &&
		    cdfs_of[plan.ref_slot[primary]] != s.map[idx[primary]])
			other_cdfs++;
		unsigned stream_refresh = refresh < 0 ? 0xffu : (unsigned)refresh;
		if (plan.evicted != VA_INVALID_SURFACE) {
			eight++;
			int replaced = 0;
			for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++)
				replaced |= (stream_refresh >> i & 1) &&
					    s.map[i] == plan.evicted;
			wrong += !replaced;
		}
		for (unsigned d = 0; d < AV1_NUM_REF_FRAMES; d++)
			if (plan.refresh_frame_flags >> d & 1)
				cdfs_of[d] = target;
		slots = plan.next;
		for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++)
			if (stream_refresh >> i & 1)
				s.map[i] = target;
		s.hint[target] = (uint8_t)hint;
		s.type[target] = type;
		s.last_used[target] = frames;
	}
	printf("%s: %s: %u frames, %u with eight distinct references (%u "
	       "guesses not the stream's), %u loading other CDFs than their "
	       "primary reference's\n", other_cdfs ? "FAIL" : "PASS", name,
	       frames, eight, wrong, other_cdfs);
	return other_cdfs ? 1 : 0;
}
