/* The replay engine's device-free part: the timestamps a replay uses
 * (recorded ones when they are usable, else frame-indexed ones), on small
 * traces for each rule and on a large one in decreasing order, which a
 * quadratic sort could not get through within check's timeout. */
#include <check.h>

#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "replay.h"

static uint64_t *pick(const uint64_t *recorded, unsigned n, bool index_only,
		      bool *ok)
{
	struct v4l2r_trace_frame *frames = calloc(n, sizeof(*frames));
	uint64_t *ts = calloc(n + 1, sizeof(*ts));
	struct v4l2r_trace t = { .n_frames = n, .frames = frames };

	ck_assert_ptr_nonnull(frames);
	ck_assert_ptr_nonnull(ts);
	for (unsigned f = 0; f < n; f++)
		frames[f].timestamp_ns = recorded[f];
	*ok = replay_pick_timestamps(&t, index_only, ts);
	free(frames);
	return ts;
}

/* One assertion for the lot: each ck_assert costs a write to check's pipe. */
static void check_indexed(const uint64_t *ts, unsigned n)
{
	unsigned f = 0;

	while (f < n && ts[f] == (f + 1) * 1000000ull)
		f++;
	ck_assert_msg(f == n, "frame %u: timestamp %llu", f,
		      f < n ? (unsigned long long)ts[f] : 0ull);
}

START_TEST(recorded_used)
{
	static const uint64_t rec[] = { 33000, 99000, 66000, 132000 };
	bool ok;
	uint64_t *ts = pick(rec, 4, false, &ok);

	ck_assert(ok);
	ck_assert_mem_eq(ts, rec, sizeof(rec));
	free(ts);
	ts = pick(rec, 4, true, &ok);	/* --index-timestamps */
	ck_assert(!ok);
	check_indexed(ts, 4);
	free(ts);
}
END_TEST

START_TEST(unusable_recorded)
{
	static const uint64_t dup[] = { 5000, 1000, 3000, 1000 };
	static const uint64_t zero[] = { 1000, 0, 3000 };
	static const uint64_t frac[] = { 1000, 2500, 3000 };
	bool ok;
	uint64_t *ts;

	ts = pick(dup, 4, false, &ok);
	ck_assert(!ok);
	check_indexed(ts, 4);
	free(ts);
	ts = pick(zero, 3, false, &ok);
	ck_assert(!ok);
	check_indexed(ts, 3);
	free(ts);
	ts = pick(frac, 3, false, &ok);
	ck_assert(!ok);
	check_indexed(ts, 3);
	free(ts);
}
END_TEST

/* 2^19 frames in decreasing order: an insertion sort makes 2^37 moves
 * (minutes); n log n takes well under a second. Once with all distinct,
 * once with a duplicate at the far ends of the order. */
START_TEST(large_decreasing)
{
	const unsigned n = 1u << 19;
	uint64_t *rec = malloc(n * sizeof(*rec));
	bool ok;

	ck_assert_ptr_nonnull(rec);
	for (unsigned f = 0; f < n; f++)
		rec[f] = (uint64_t)(n - f) * 1000;
	uint64_t *ts = pick(rec, n, false, &ok);
	ck_assert(ok);
	ck_assert_mem_eq(ts, rec, n * sizeof(*rec));
	free(ts);

	rec[n - 1] = rec[0];
	ts = pick(rec, n, false, &ok);
	ck_assert(!ok);
	check_indexed(ts, n);
	free(ts);
	free(rec);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("timestamps");

	tcase_add_test(tc, recorded_used);
	tcase_add_test(tc, unusable_recorded);
	tcase_add_test(tc, large_decreasing);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
