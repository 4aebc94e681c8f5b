/* What a restart needs of the requests in flight (src/core/requeue.c),
 * without a device: the payload room a control takes, the controls kept
 * with a slot, and which requests go again, in which order, when the
 * device stopped on one of them. The restart itself is tested on visl
 * (tests/guest/core-requests.c). */
#include <check.h>

#include "unit.h"
#include <stdint.h>
#include <string.h>

#include <linux/videodev2.h>

#include "core/session_private.h"
#include "v4l2r/session.h"

START_TEST(max_payload)
{
	struct v4l2_query_ext_ctrl q = { .elem_size = 4 };

	/* A menu or integer: the value travels in the control. */
	ck_assert_uint_eq(v4l2r_control_max_payload(&q), 0);
	q.flags = V4L2_CTRL_FLAG_HAS_PAYLOAD;
	q.elem_size = 1048;	/* H.264 SPS */
	ck_assert_uint_eq(v4l2r_control_max_payload(&q), 1048);
	/* A dynamic array (HEVC slice parameters on visl): its most. */
	q.flags |= V4L2_CTRL_FLAG_DYNAMIC_ARRAY;
	q.elem_size = 280;
	q.elems = 1;
	q.nr_of_dims = 1;
	q.dims[0] = 600;
	ck_assert_uint_eq(v4l2r_control_max_payload(&q), 168000);
	q.flags = V4L2_CTRL_FLAG_HAS_PAYLOAD;
	q.elem_size = 1;
	q.nr_of_dims = 2;
	q.dims[0] = 6;
	q.dims[1] = 16;
	ck_assert_uint_eq(v4l2r_control_max_payload(&q), 96);
}
END_TEST

START_TEST(kept_controls_are_copies)
{
	uint8_t store[64];
	struct v4l2r_kept_controls k = { .store = store, .size = sizeof(store) };
	uint8_t a[5] = { 1, 2, 3, 4, 5 }, b[16];
	struct v4l2_ext_control in[3] = {
		{ .id = 0x100, .size = sizeof(a), .ptr = a },
		{ .id = 0x101, .value = 7 },
		{ .id = 0x102, .size = sizeof(b), .ptr = b },
	};

	memset(b, 0xab, sizeof(b));
	v4l2r_kept_add(&k, in, 2);
	v4l2r_kept_add(&k, in + 2, 1);	/* a second call adds to the first */
	memset(a, 0, sizeof(a));	/* the caller's memory is its own */
	memset(b, 0, sizeof(b));
	ck_assert(!k.overflow);
	ck_assert_uint_eq(k.n, 3);
	ck_assert_uint_eq(k.c[0].id, 0x100);
	ck_assert_uint_eq(k.c[0].size, 5);
	ck_assert_ptr_eq(k.c[0].ptr, store);
	ck_assert_uint_eq(((uint8_t *)k.c[0].ptr)[4], 5);
	ck_assert_uint_eq(k.c[1].id, 0x101);
	ck_assert_uint_eq(k.c[1].size, 0);
	ck_assert_int_eq(k.c[1].value, 7);
	/* Payloads start 8-byte aligned, as the uAPI structs want. */
	ck_assert_ptr_eq(k.c[2].ptr, store + 8);
	ck_assert_uint_eq(((uint8_t *)k.c[2].ptr)[15], 0xab);
	ck_assert_uint_eq(k.used, 24);

	v4l2r_kept_reset(&k);
	ck_assert_uint_eq(k.n, 0);
	ck_assert_uint_eq(k.used, 0);
	ck_assert_ptr_eq(k.store, store);	/* kept with the slot */
}
END_TEST

START_TEST(kept_controls_overflow)
{
	uint8_t store[32], big[40] = { 0 };
	struct v4l2r_kept_controls k = { .store = store, .size = sizeof(store) };
	struct v4l2_ext_control c = { .id = 0x100, .size = 30, .ptr = big };

	v4l2r_kept_add(&k, &c, 1);
	ck_assert(!k.overflow);
	/* Aligned to 32, nothing is left for 30 more bytes. */
	v4l2r_kept_add(&k, &c, 1);
	ck_assert(k.overflow);
	ck_assert_uint_eq(k.n, 1);

	v4l2r_kept_reset(&k);
	ck_assert(!k.overflow);
	c.size = sizeof(big);	/* larger than the whole store */
	v4l2r_kept_add(&k, &c, 1);
	ck_assert(k.overflow);

	/* More controls than a request keeps, payload or not. */
	struct v4l2_ext_control many[V4L2R_KEPT_CONTROLS + 1];
	memset(many, 0, sizeof(many));
	v4l2r_kept_reset(&k);
	v4l2r_kept_add(&k, many, V4L2R_KEPT_CONTROLS);
	ck_assert(!k.overflow);
	v4l2r_kept_add(&k, many, 1);
	ck_assert(k.overflow);

	/* No store (a codec the core does not know): scalars only. */
	struct v4l2r_kept_controls none = { 0 };
	c.size = 0;
	v4l2r_kept_add(&none, &c, 1);
	ck_assert(!none.overflow);
	c.size = 1;
	v4l2r_kept_add(&none, &c, 1);
	ck_assert(none.overflow);
}
END_TEST

/* Slots: state, queue order and capture buffer each. */
#define N 8
static struct v4l2r_request slots[N];
static struct v4l2r_session session = { .slots = slots, .n_slots = N };

static void slot(unsigned i, enum slot_state state, uint64_t seq,
		 unsigned capture)
{
	memset(&slots[i], 0, sizeof(slots[i]));
	slots[i].index = i;
	slots[i].state = state;
	slots[i].queue_seq = seq;
	slots[i].capture_index = capture;
}

/* The slot indices that go again, in their order, as a string. */
static const char *order(void)
{
	static char s[N + 1];
	unsigned n = 0;

	for (struct v4l2r_request *r = v4l2r_requeue_next(&session, NULL); r;
	     r = v4l2r_requeue_next(&session, r))
		s[n++] = (char)('0' + r->index);
	s[n] = '\0';
	return s;
}

static void setup(void)
{
	for (unsigned i = 0; i < N; i++)
		slot(i, SLOT_FREE, 0, 0);
}

START_TEST(oldest_in_flight_is_lost)
{
	setup();
	/* Queue order 5, 2, 7, 0 (seq 10..13), each its own picture; slot 1
	 * is being queued, slot 3 held by its owner. */
	slot(5, SLOT_QUEUED, 10, 4);
	slot(2, SLOT_QUEUED, 11, 1);
	slot(7, SLOT_QUEUED, 12, 6);
	slot(0, SLOT_QUEUED, 13, 0);
	slot(1, SLOT_QUEUEING, 9, 3);
	slot(3, SLOT_ACQUIRED, 8, 2);

	struct v4l2r_request *lost = v4l2r_oldest_queued(&session);
	ck_assert_ptr_eq(lost, &slots[5]);
	v4l2r_requeue_plan(&session, lost);
	ck_assert_str_eq(order(), "270");
	ck_assert(!slots[5].requeue);
	ck_assert(!slots[1].requeue);
	ck_assert(!slots[3].requeue);
}
END_TEST

START_TEST(lost_picture_loses_its_later_slices)
{
	setup();
	/* Picture in capture 4: slices in slots 5, 2, 6 (seq 10, 11, 13);
	 * the next picture (capture 1): slots 7 and 0, between and after. */
	slot(5, SLOT_QUEUED, 10, 4);
	slot(2, SLOT_QUEUED, 11, 4);
	slot(7, SLOT_QUEUED, 12, 1);
	slot(6, SLOT_QUEUED, 13, 4);
	slot(0, SLOT_QUEUED, 14, 1);

	v4l2r_requeue_plan(&session, &slots[5]);
	ck_assert_str_eq(order(), "70");
}
END_TEST

START_TEST(picture_without_all_controls_kept_fails_whole)
{
	setup();
	slot(5, SLOT_QUEUED, 10, 4);	/* lost */
	slot(2, SLOT_QUEUED, 11, 1);	/* capture 1: two slices, the second */
	slot(7, SLOT_QUEUED, 12, 1);	/* without all its controls kept */
	slot(0, SLOT_QUEUED, 13, 0);
	slots[7].kept.overflow = true;

	v4l2r_requeue_plan(&session, &slots[5]);
	ck_assert_str_eq(order(), "0");
}
END_TEST

START_TEST(no_request_lost)
{
	setup();
	/* A capture buffer held with no request in flight: nothing is lost
	 * of the requests, every one goes again. */
	slot(4, SLOT_QUEUED, 21, 2);
	slot(3, SLOT_QUEUED, 20, 5);
	v4l2r_requeue_plan(&session, NULL);
	ck_assert_str_eq(order(), "34");

	setup();
	ck_assert_ptr_null(v4l2r_oldest_queued(&session));
	v4l2r_requeue_plan(&session, NULL);
	ck_assert_str_eq(order(), "");
}
END_TEST

START_TEST(plan_forgets_the_last_one)
{
	setup();
	slot(1, SLOT_QUEUED, 10, 1);
	slot(2, SLOT_QUEUED, 11, 2);
	v4l2r_requeue_plan(&session, &slots[2]);
	ck_assert_str_eq(order(), "1");
	/* Slot 1 then went back to the pool (refused when queued again):
	 * it no longer goes, whatever its mark. */
	slots[1].state = SLOT_FREE;
	ck_assert_str_eq(order(), "");
	slot(1, SLOT_QUEUED, 12, 1);
	v4l2r_requeue_plan(&session, &slots[1]);
	ck_assert_str_eq(order(), "2");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("requeue");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, max_payload);
	tcase_add_test(tc, kept_controls_are_copies);
	tcase_add_test(tc, kept_controls_overflow);
	tcase_add_test(tc, oldest_in_flight_is_lost);
	tcase_add_test(tc, lost_picture_loses_its_later_slices);
	tcase_add_test(tc, picture_without_all_controls_kept_fails_whole);
	tcase_add_test(tc, no_request_lost);
	tcase_add_test(tc, plan_forgets_the_last_one);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
