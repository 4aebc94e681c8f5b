/* Reference slots of VP8, VP9 and AV1 (gst-plugin/ref_slots.c) on
 * sequences shaped like the encoders' (libvpx's hidden altref shown
 * later, SVT-AV1's and rav1e's show_existing_frame) and on what goes
 * wrong: frames lost, a resize that sets the device up anew, references
 * out of range. Every picture counts the slots holding it (held-pic.h). */
#include <check.h>

#include "unit.h"
#include <string.h>

#include "held-pic.h"
#include "ref_slots.h"

static const struct ref_slots_ops counting = { held_pic_hold,
						 held_pic_release };

static struct ref_slots_frame key_frame(void)
{
	return (struct ref_slots_frame){ .show_frame = true,
					 .refresh = REF_SLOTS_ALL };
}

/* An inter frame predicting from slots a, b, c (VP9's LAST, GOLDEN,
 * ALTREF) and refreshing refresh. */
static struct ref_slots_frame inter3(int a, int b, int c, uint8_t refresh,
				     bool show)
{
	return (struct ref_slots_frame){ .show_frame = show,
					 .refresh = refresh,
					 .n_refs = 3,
					 .ref_slot = { (int8_t)a, (int8_t)b,
						       (int8_t)c } };
}

static struct ref_slots_frame show_existing(uint8_t slot, uint8_t refresh)
{
	return (struct ref_slots_frame){ .show_existing = true,
					 .show_slot = slot,
					 .refresh = refresh };
}

/* The slots must hold want[] (NULL: empty). */
static void check_slots(const struct ref_slots *s,
			struct held_pic *const want[], unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const struct held_pic *got = ref_slots_get(s, (int)i);
		ck_assert_msg(got == want[i], "slot %u holds %s, not %s", i,
			      got ? got->name : "nothing",
			      want[i] ? want[i]->name : "nothing");
	}
}

/* libvpx's two-pass pattern: a key frame, a hidden altref into slot 2,
 * inter frames refreshing LAST, the altref shown again at the end of its
 * group (show_existing_frame), which refreshes nothing in VP9. */
START_TEST(vp9_hidden_altref_shown_later)
{
	struct held_pic k = { "K", 0 }, a = { "A", 0 }, p1 = { "P1", 0 },
		   p2 = { "P2", 0 };
	struct ref_slots s;
	struct ref_slots_frame f;

	ref_slots_init(&s, REF_SLOTS_MAX, &counting, NULL);
	f = key_frame();
	ck_assert_int_eq(ref_slots_missing(&s, &f), -1);
	ref_slots_update(&s, &f, &k);
	ck_assert_int_eq(k.holds, 8);

	f = inter3(0, 1, 2, 1u << 2, false);	/* the hidden altref */
	ck_assert_int_eq(ref_slots_missing(&s, &f), -1);
	ref_slots_update(&s, &f, &a);
	f = inter3(0, 1, 2, 1u << 0, true);
	ck_assert_int_eq(ref_slots_missing(&s, &f), -1);
	ref_slots_update(&s, &f, &p1);
	f = inter3(0, 1, 2, 1u << 0, true);
	ref_slots_update(&s, &f, &p2);
	ck_assert_int_eq(p1.holds, 0);	/* replaced in LAST: released */
	check_slots(&s, (struct held_pic *const[]){ &p2, &k, &a, &k, &k, &k, &k, &k },
		    8);

	f = show_existing(2, 0);
	ck_assert_ptr_eq(ref_slots_existing(&s, &f), &a);
	ref_slots_update(&s, &f, ref_slots_existing(&s, &f));
	ck_assert_int_eq(a.holds, 1);
	ck_assert_int_eq(k.holds, 6);

	ref_slots_clear(&s);
	ck_assert_int_eq(k.holds + a.holds + p2.holds, 0);
}
END_TEST

/* A frame refreshing several slots, one of them with what it already
 * holds: each slot holds its picture once, the old ones go. */
START_TEST(vp9_refresh_pattern)
{
	struct held_pic k = { "K", 0 }, g = { "G", 0 }, p = { "P", 0 };
	struct ref_slots s;
	struct ref_slots_frame f;

	ref_slots_init(&s, REF_SLOTS_MAX, &counting, NULL);
	f = key_frame();
	ref_slots_update(&s, &f, &k);
	f = inter3(0, 0, 0, 0x03, true);	/* LAST and GOLDEN */
	ref_slots_update(&s, &f, &g);
	f = inter3(0, 1, 2, 0xf1, true);
	ref_slots_update(&s, &f, &p);
	check_slots(&s, (struct held_pic *const[]){ &p, &g, &k, &k, &p, &p, &p, &p },
		    8);
	ck_assert_int_eq(k.holds, 2);
	ck_assert_int_eq(g.holds, 1);
	ck_assert_int_eq(p.holds, 5);
	/* refreshing a slot with the picture it holds keeps one hold */
	f = inter3(0, 1, 2, 0x01, true);
	ref_slots_update(&s, &f, &p);
	ck_assert_int_eq(p.holds, 5);
	/* a frame that refreshes nothing (a shown non-reference) */
	f = inter3(0, 1, 2, 0, true);
	ref_slots_update(&s, &f, &g);
	ck_assert_int_eq(g.holds, 1);
	ref_slots_clear(&s);
	ck_assert_int_eq(k.holds + g.holds + p.holds, 0);
}
END_TEST

/* A resize that sets the device up anew empties the slots: an inter
 * frame after it misses its references (the first missing one is named),
 * an intra-only frame reads none, a key frame refills them all. */
START_TEST(vp9_resize_then_key_frame)
{
	struct held_pic k = { "K", 0 }, i = { "I", 0 }, k2 = { "K2", 0 };
	struct ref_slots s;
	struct ref_slots_frame f;

	ref_slots_init(&s, REF_SLOTS_MAX, &counting, NULL);
	f = key_frame();
	ref_slots_update(&s, &f, &k);
	ref_slots_clear(&s);
	ck_assert_int_eq(k.holds, 0);
	f = inter3(0, 1, 2, 1, true);
	ck_assert_int_eq(ref_slots_missing(&s, &f), 0);
	f = (struct ref_slots_frame){ .show_frame = false, .refresh = 0x02 };
	ck_assert_int_eq(ref_slots_missing(&s, &f), -1);	/* intra-only */
	ref_slots_update(&s, &f, &i);
	f = inter3(1, 1, 3, 1, true);
	ck_assert_int_eq(ref_slots_missing(&s, &f), 2);
	f = key_frame();
	ref_slots_update(&s, &f, &k2);
	ck_assert_int_eq(i.holds, 0);
	f = inter3(0, 1, 3, 1, true);
	ck_assert_int_eq(ref_slots_missing(&s, &f), -1);
	ref_slots_clear(&s);
	ck_assert_int_eq(k2.holds, 0);
}
END_TEST

/* AV1: a frame lost (not decoded) empties what it would have refreshed,
 * so that a later frame predicting from it is not decoded from a stale
 * picture; frames predicting from other slots still are. */
START_TEST(av1_lost_frame_empties_its_slots)
{
	struct held_pic k = { "K", 0 }, p = { "P", 0 };
	struct ref_slots s;
	struct ref_slots_frame f;

	ref_slots_init(&s, REF_SLOTS_MAX, &counting, NULL);
	f = key_frame();
	ref_slots_update(&s, &f, &k);
	f = (struct ref_slots_frame){ .show_frame = true, .refresh = 0x11,
				      .n_refs = 7,
				      .ref_slot = { 0, 0, 0, 0, 0, 0, 0 } };
	ref_slots_update(&s, &f, NULL);	/* lost */
	ck_assert_ptr_null(ref_slots_get(&s, 0));
	ck_assert_ptr_null(ref_slots_get(&s, 4));
	ck_assert_int_eq(k.holds, 6);
	f = (struct ref_slots_frame){ .show_frame = true, .refresh = 0x02,
				      .n_refs = 7,
				      .ref_slot = { 1, 2, 3, 4, 5, 6, 7 } };
	ck_assert_int_eq(ref_slots_missing(&s, &f), 3);	/* slot 4 */
	f.ref_slot[3] = 5;
	ck_assert_int_eq(ref_slots_missing(&s, &f), -1);
	ref_slots_update(&s, &f, &p);
	ck_assert_int_eq(k.holds, 5);
	ref_slots_clear(&s);
	ck_assert_int_eq(k.holds + p.holds, 0);
}
END_TEST

/* AV1 (spec 7.21): a key frame decoded hidden (showable_frame) and shown
 * later with show_existing_frame refreshes every slot then; a shown
 * existing inter frame refreshes none. */
START_TEST(av1_key_frame_shown_later_refreshes_all)
{
	struct held_pic k = { "K", 0 }, k2 = { "K2", 0 }, p = { "P", 0 };
	struct ref_slots s;
	struct ref_slots_frame f;

	ref_slots_init(&s, REF_SLOTS_MAX, &counting, NULL);
	f = key_frame();
	ref_slots_update(&s, &f, &k);
	f = (struct ref_slots_frame){ .show_frame = false, .refresh = 0x40 };
	ref_slots_update(&s, &f, &k2);	/* a hidden key frame */
	f = (struct ref_slots_frame){ .show_frame = true, .refresh = 0x01,
				      .n_refs = 7 };
	ref_slots_update(&s, &f, &p);
	f = show_existing(0, 0);
	ck_assert_ptr_eq(ref_slots_existing(&s, &f), &p);
	ref_slots_update(&s, &f, ref_slots_existing(&s, &f));
	ck_assert_int_eq(p.holds, 1);
	f = show_existing(6, REF_SLOTS_ALL);
	ck_assert_ptr_eq(ref_slots_existing(&s, &f), &k2);
	ref_slots_update(&s, &f, ref_slots_existing(&s, &f));
	ck_assert_int_eq(k2.holds, 8);
	ck_assert_int_eq(k.holds + p.holds, 0);
	ref_slots_clear(&s);
	ck_assert_int_eq(k2.holds, 0);
}
END_TEST

/* Bad input: an empty slot shown, references out of range (AV1's -1, a
 * slot past the codec's), more references or copies than there can be. */
START_TEST(bad_slots)
{
	struct held_pic k = { "K", 0 };
	struct ref_slots s;
	struct ref_slots_frame f;

	ref_slots_init(&s, REF_SLOTS_VP8_COUNT, &counting, NULL);
	f = show_existing(1, 0);
	ck_assert_ptr_null(ref_slots_existing(&s, &f));
	f = key_frame();
	ref_slots_update(&s, &f, &k);
	ck_assert_int_eq(k.holds, 3);	/* only the codec's 3 slots */
	f = show_existing(5, 0);
	ck_assert_ptr_null(ref_slots_existing(&s, &f));
	ck_assert_ptr_null(ref_slots_get(&s, -1));
	f = inter3(0, -1, 2, 0, true);
	ck_assert_int_eq(ref_slots_missing(&s, &f), 1);
	f = inter3(0, 1, 3, 0, true);
	ck_assert_int_eq(ref_slots_missing(&s, &f), 2);
	f = inter3(0, 1, 2, 0, true);
	f.n_refs = 200;	/* the rest of ref_slot[] is slot 0 */
	ck_assert_int_eq(ref_slots_missing(&s, &f), -1);
	f.n_copies = 200;
	f.copy[0].to = 9;	/* no such slot: ignored */
	f.copy[0].from = 0;
	ref_slots_update(&s, &f, NULL);
	ck_assert_int_eq(k.holds, 3);
	ref_slots_clear(&s);
	ck_assert_int_eq(k.holds, 0);
	/* without callbacks */
	ref_slots_init(&s, 20, NULL, NULL);
	ck_assert_uint_eq(s.count, REF_SLOTS_MAX);
	f = key_frame();
	ref_slots_update(&s, &f, &k);
	ref_slots_clear(&s);
	ck_assert_int_eq(k.holds, 0);
}
END_TEST

/* VP8 (RFC 6386 9.7): the copies come before the refreshes, altref's
 * first, golden's after it, as libvpx's swap_frame_buffers() does: golden
 * "from altref" takes the altref just copied. */
START_TEST(vp8_copies_then_refreshes)
{
	struct held_pic k = { "K", 0 }, g = { "G", 0 }, a = { "A", 0 },
		   p = { "P", 0 };
	struct ref_slots s;
	struct ref_slots_frame f;

	ref_slots_init(&s, REF_SLOTS_VP8_COUNT, &counting, NULL);
	f = key_frame();
	ref_slots_update(&s, &f, &k);
	f = inter3(0, 1, 2, 1u << REF_SLOTS_VP8_GOLDEN, true);
	ref_slots_update(&s, &f, &g);
	f = inter3(0, 1, 2, 1u << REF_SLOTS_VP8_ALTREF, false);
	ref_slots_update(&s, &f, &a);
	check_slots(&s, (struct held_pic *const[]){ &k, &g, &a }, 3);

	/* copy_buffer_to_alternate 2 (golden), copy_buffer_to_golden 2
	 * (altref): both end up holding the old golden. */
	f = inter3(0, 1, 2, 1u << REF_SLOTS_VP8_LAST, true);
	f.n_copies = 2;
	f.copy[0].to = REF_SLOTS_VP8_ALTREF;
	f.copy[0].from = REF_SLOTS_VP8_GOLDEN;
	f.copy[1].to = REF_SLOTS_VP8_GOLDEN;
	f.copy[1].from = REF_SLOTS_VP8_ALTREF;
	ref_slots_update(&s, &f, &p);
	check_slots(&s, (struct held_pic *const[]){ &p, &g, &g }, 3);
	ck_assert_int_eq(a.holds + k.holds, 0);

	/* golden from last, then golden refreshed: the refresh wins */
	f = inter3(0, 1, 2, 1u << REF_SLOTS_VP8_GOLDEN, true);
	f.n_copies = 1;
	f.copy[0].to = REF_SLOTS_VP8_GOLDEN;
	f.copy[0].from = REF_SLOTS_VP8_LAST;
	ref_slots_update(&s, &f, &k);
	check_slots(&s, (struct held_pic *const[]){ &p, &k, &g }, 3);
	ref_slots_clear(&s);
	ck_assert_int_eq(k.holds + g.holds + a.holds + p.holds, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ref-slots");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, vp9_hidden_altref_shown_later);
	tcase_add_test(tc, vp9_refresh_pattern);
	tcase_add_test(tc, vp9_resize_then_key_frame);
	tcase_add_test(tc, av1_lost_frame_empties_its_slots);
	tcase_add_test(tc, av1_key_frame_shown_later_refreshes_all);
	tcase_add_test(tc, bad_slots);
	tcase_add_test(tc, vp8_copies_then_refreshes);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
