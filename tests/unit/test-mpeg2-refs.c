/* MPEG-2 references and output order (gst-plugin/mpeg2_refs.c): the
 * reordering of 13818-2 7.6 on frame and field pictures, an open GOP
 * after a seek, a lone field. Pictures are named by their display index,
 * so that the output log must read 0, 1, 2, ...; each counts its holders
 * so that a picture held too long or released twice shows. */
#include <check.h>

#include "unit.h"
#include <string.h>

#include "held-pic.h"
#include "mpeg2_refs.h"

#define MAX_PICS 16

/* display: its index in display order, what the output log reads */
struct pic {
	struct held_pic held;
	int display;
};

#define PIC(display) { { #display, 0 }, display }

struct log {
	unsigned n;
	int shown[MAX_PICS];
};

static void output(void *user, void *p)
{
	struct log *log = user;

	ck_assert_uint_lt(log->n, MAX_PICS);
	log->shown[log->n++] = ((struct pic *)p)->display;
}

static const struct mpeg2_refs_ops ops = { held_pic_hold, held_pic_release,
					   output };

/* A frame picture of type decoded into pic (the caller's hold given). */
static void frame(struct mpeg2_refs *r, struct pic *pic,
		  enum mpeg2_refs_type type)
{
	ck_assert(mpeg2_refs_ready(r, type));
	ck_assert_ptr_null(mpeg2_refs_second_field(r, false));
	pic->held.holds++;
	mpeg2_refs_decoded(r, pic, type, false);
}

static void check_log(const struct log *log, const int *want, unsigned n)
{
	ck_assert_uint_eq(log->n, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(log->shown[i], want[i]);
}

/* I0 P3 B1 B2 P6 B4 B5 (decode order, display indices): B frames go out
 * at once, each reference when the next one comes, the last at the end. */
START_TEST(ipbb_output_order)
{
	struct pic p[7];
	struct log log = { 0 };
	struct mpeg2_refs r;
	static const struct {
		int display;
		enum mpeg2_refs_type type;
	} coded[] = {
		{ 0, MPEG2_REFS_I }, { 3, MPEG2_REFS_P }, { 1, MPEG2_REFS_B },
		{ 2, MPEG2_REFS_B }, { 6, MPEG2_REFS_P }, { 4, MPEG2_REFS_B },
		{ 5, MPEG2_REFS_B },
	};

	mpeg2_refs_init(&r, &ops, &log);
	for (unsigned i = 0; i < 7; i++) {
		p[coded[i].display] = (struct pic){ { "coded", 0 },
						     coded[i].display };
		frame(&r, &p[coded[i].display], coded[i].type);
	}
	check_log(&log, (const int[]){ 0, 1, 2, 3, 4, 5 }, 6);
	ck_assert_ptr_eq(r.past, &p[3]);
	ck_assert_ptr_eq(r.future, &p[6]);
	ck_assert_int_eq(p[0].held.holds, 0);	/* no reference any more */
	for (unsigned i = 1; i < 6; i++)	/* the B pictures: none held */
		ck_assert_int_eq(p[i].held.holds, i == 3 ? 1 : 0);
	mpeg2_refs_drain(&r);
	check_log(&log, (const int[]){ 0, 1, 2, 3, 4, 5, 6 }, 7);
	ck_assert_int_eq(p[3].held.holds + p[6].held.holds, 0);
	ck_assert_ptr_null(r.past);
	ck_assert_ptr_null(r.future);
}
END_TEST

/* Field pictures: each frame is two fields decoded into one picture; the
 * second P field of an I frame predicts from its first field (ready with
 * no reference yet); the frame goes out once. */
START_TEST(field_pairs)
{
	struct pic i0 = PIC(0), p2 = PIC(2), b1 = PIC(1);
	struct log log = { 0 };
	struct mpeg2_refs r;

	mpeg2_refs_init(&r, &ops, &log);
	ck_assert(mpeg2_refs_ready(&r, MPEG2_REFS_I));
	ck_assert_ptr_null(mpeg2_refs_second_field(&r, true));
	i0.held.holds++;
	mpeg2_refs_decoded(&r, &i0, MPEG2_REFS_I, true);
	ck_assert(mpeg2_refs_ready(&r, MPEG2_REFS_P));
	ck_assert_ptr_eq(mpeg2_refs_second_field(&r, true), &i0);
	mpeg2_refs_decoded(&r, &i0, MPEG2_REFS_P, false);

	struct pic *frames[] = { &p2, &b1 };
	enum mpeg2_refs_type types[] = { MPEG2_REFS_P, MPEG2_REFS_B };
	for (unsigned f = 0; f < 2; f++) {
		ck_assert(mpeg2_refs_ready(&r, types[f]));
		ck_assert_ptr_null(mpeg2_refs_second_field(&r, true));
		frames[f]->held.holds++;
		mpeg2_refs_decoded(&r, frames[f], types[f], true);
		ck_assert_uint_eq(log.n, f == 0 ? 0 : 1);
		ck_assert_ptr_eq(mpeg2_refs_second_field(&r, true), frames[f]);
		mpeg2_refs_decoded(&r, frames[f], types[f], false);
	}
	check_log(&log, (const int[]){ 0, 1 }, 2);
	mpeg2_refs_drain(&r);
	check_log(&log, (const int[]){ 0, 1, 2 }, 3);
	ck_assert_int_eq(i0.held.holds + p2.held.holds + b1.held.holds, 0);
}
END_TEST

/* After a seek into an open GOP: the B frames before the first I frame's
 * successor lack their forward reference and are not decoded; a P frame
 * without any reference is not either. */
START_TEST(open_gop_after_reset)
{
	struct pic i2 = PIC(2), p5 = PIC(5), b3 = PIC(3);
	struct log log = { 0 };
	struct mpeg2_refs r;

	mpeg2_refs_init(&r, &ops, &log);
	frame(&r, &i2, MPEG2_REFS_I);
	frame(&r, &p5, MPEG2_REFS_P);
	mpeg2_refs_reset(&r);
	check_log(&log, (const int[]){ 2 }, 1);	/* nothing on reset */
	ck_assert_int_eq(i2.held.holds + p5.held.holds, 0);
	ck_assert(!mpeg2_refs_ready(&r, MPEG2_REFS_P));
	ck_assert(!mpeg2_refs_ready(&r, MPEG2_REFS_B));
	frame(&r, &i2, MPEG2_REFS_I);
	ck_assert(!mpeg2_refs_ready(&r, MPEG2_REFS_B));	/* 0, 1 skipped */
	frame(&r, &p5, MPEG2_REFS_P);
	frame(&r, &b3, MPEG2_REFS_B);
	mpeg2_refs_drain(&r);
	check_log(&log, (const int[]){ 2, 2, 3, 5 }, 4);
	ck_assert_int_eq(i2.held.holds + p5.held.holds + b3.held.holds, 0);
}
END_TEST

/* A lone first field: a frame picture after it drops it (never shown, its
 * hold released); at the end of the stream one is shown as it is, before
 * the last reference. */
START_TEST(lone_field)
{
	struct pic i0 = PIC(0), lone = PIC(9), p1 = PIC(1),
		   last = PIC(7);
	struct log log = { 0 };
	struct mpeg2_refs r;

	mpeg2_refs_init(&r, &ops, &log);
	frame(&r, &i0, MPEG2_REFS_I);
	lone.held.holds++;
	mpeg2_refs_decoded(&r, &lone, MPEG2_REFS_P, true);
	frame(&r, &p1, MPEG2_REFS_P);
	ck_assert_int_eq(lone.held.holds, 0);
	ck_assert_ptr_null(mpeg2_refs_second_field(&r, true));
	last.held.holds++;
	mpeg2_refs_decoded(&r, &last, MPEG2_REFS_P, true);
	mpeg2_refs_drain(&r);
	check_log(&log, (const int[]){ 0, 7, 1 }, 3);
	ck_assert_int_eq(i0.held.holds + p1.held.holds + last.held.holds, 0);
	/* without callbacks */
	mpeg2_refs_init(&r, NULL, NULL);
	frame(&r, &i0, MPEG2_REFS_I);
	frame(&r, &p1, MPEG2_REFS_P);
	mpeg2_refs_drain(&r);
	ck_assert_ptr_null(r.future);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mpeg2-refs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, ipbb_output_order);
	tcase_add_test(tc, field_pairs);
	tcase_add_test(tc, open_gop_after_reset);
	tcase_add_test(tc, lone_field);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
