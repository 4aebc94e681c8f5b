/* HEVC reference management (gst-plugin/dpb_hevc.c): POC, RPS marking,
 * unavailable references, RASL skipping, reference lists, output order.
 *
 * Every expected value is worked out by hand from ITU-T H.265 8.3 and
 * C.5.2; pictures carry the id 100 + POC (1100 + POC in a second coded
 * video sequence) so that the callbacks' log reads as POCs. */
#include <check.h>

#include "unit.h"
#include <errno.h>
#include <string.h>

#include "dpb_hevc.h"

#define ID(poc) (100 + (poc))
#define ID2(poc) (1100 + (poc))
#define MAX_EVENTS 64

/* What the callbacks saw, in order: +id for output, -id for release. */
struct event_log {
	unsigned n;
	int64_t events[MAX_EVENTS];
};

static void on_output(void *user, uint64_t id, int32_t poc)
{
	struct event_log *log = user;

	ck_assert_int_eq((int64_t)(id % 1000), ID(poc));
	ck_assert_uint_lt(log->n, MAX_EVENTS);
	log->events[log->n++] = (int64_t)id;
}

static void on_release(void *user, uint64_t id)
{
	struct event_log *log = user;

	ck_assert_uint_lt(log->n, MAX_EVENTS);
	log->events[log->n++] = -(int64_t)id;
}

static const struct dpb_hevc_callbacks log_callbacks = {
	.output = on_output,
	.release = on_release,
};

/* The log from index from on must be expected[] exactly. */
static void check_events(const struct event_log *log, unsigned from,
			 const int64_t *expected, unsigned n)
{
	ck_assert_uint_eq(log->n - from, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(log->events[from + i], expected[i]);
}

static bool logged(const struct event_log *log, int64_t event)
{
	for (unsigned i = 0; i < log->n; i++)
		if (log->events[i] == event)
			return true;
	return false;
}

static struct dpb_hevc_sps make_sps(unsigned log2_max_lsb, unsigned max_dec,
				    unsigned reorder)
{
	return (struct dpb_hevc_sps){
		.log2_max_pic_order_cnt_lsb = (uint8_t)log2_max_lsb,
		.max_dec_pic_buffering = (uint8_t)max_dec,
		.max_num_reorder_pics = (uint8_t)reorder,
		.long_term_ref_pics_present = true,
	};
}

/* A temporal layer 0 picture with an empty RPS. */
static struct dpb_hevc_picture_info make_pic(unsigned nal, uint32_t lsb,
					     uint64_t id)
{
	return (struct dpb_hevc_picture_info){
		.id = id,
		.nal_unit_type = (uint8_t)nal,
		.pic_order_cnt_lsb = lsb,
		.pic_output_flag = true,
	};
}

/* Short-term RPS entries in the order the syntax gives them. */
static void add_st(struct dpb_hevc_picture_info *pic, int32_t delta, bool used)
{
	if (delta < 0) {
		pic->delta_poc_s0[pic->num_negative_pics] = delta;
		pic->used_by_curr_pic_s0[pic->num_negative_pics++] = used;
	} else {
		pic->delta_poc_s1[pic->num_positive_pics] = delta;
		pic->used_by_curr_pic_s1[pic->num_positive_pics++] = used;
	}
}

static void add_lt(struct dpb_hevc_picture_info *pic, uint32_t lsb, bool used,
		   bool msb_present, uint32_t msb_cycle)
{
	pic->lt[pic->num_long_term++] = (struct dpb_hevc_lt_ref){
		.poc_lsb_lt = lsb,
		.used_by_curr_pic_lt = used,
		.delta_poc_msb_present_flag = msb_present,
		.delta_poc_msb_cycle_lt = msb_cycle,
	};
}

static void decode(struct dpb_hevc *dpb, const struct dpb_hevc_sps *sps,
		   const struct dpb_hevc_picture_info *pic)
{
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, sps, pic), 0);
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);
}

/* POC of the picture started. */
static int32_t start_poc(struct dpb_hevc *dpb, const struct dpb_hevc_sps *sps,
			 const struct dpb_hevc_picture_info *pic)
{
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, sps, pic), 0);
	return dpb_hevc_current_poc(dpb);
}

static int32_t decode_poc(struct dpb_hevc *dpb, const struct dpb_hevc_sps *sps,
			  const struct dpb_hevc_picture_info *pic)
{
	int32_t poc = start_poc(dpb, sps, pic);

	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);
	return poc;
}

/* The current picture's three Curr sets, as POCs, and the DPB entries. */
struct sets_by_poc {
	unsigned entries;
	unsigned n_before, n_after, n_lt;
	int32_t before[16], after[16], lt[16];
	struct dpb_hevc_entry out[DPB_HEVC_MAX_ENTRIES];
};

static void read_sets(const struct dpb_hevc *dpb, struct sets_by_poc *s)
{
	struct dpb_hevc_rps_sets sets;

	s->entries = dpb_hevc_entries(dpb, s->out, &sets);
	ck_assert_uint_le(s->entries, DPB_HEVC_MAX_ENTRIES);
	s->n_before = sets.num_st_curr_before;
	s->n_after = sets.num_st_curr_after;
	s->n_lt = sets.num_lt_curr;
	for (unsigned i = 0; i < s->n_before; i++) {
		ck_assert_uint_lt(sets.st_curr_before[i], s->entries);
		s->before[i] = s->out[sets.st_curr_before[i]].poc;
	}
	for (unsigned i = 0; i < s->n_after; i++) {
		ck_assert_uint_lt(sets.st_curr_after[i], s->entries);
		s->after[i] = s->out[sets.st_curr_after[i]].poc;
	}
	for (unsigned i = 0; i < s->n_lt; i++) {
		ck_assert_uint_lt(sets.lt_curr[i], s->entries);
		s->lt[i] = s->out[sets.lt_curr[i]].poc;
	}
}

/* The entry of the DPB with that POC (it must be there). */
static const struct dpb_hevc_entry *entry_of(const struct sets_by_poc *s,
					     int32_t poc)
{
	for (unsigned i = 0; i < s->entries; i++)
		if (s->out[i].poc == poc)
			return &s->out[i];
	ck_abort_msg("POC %d not in the DPB", poc);
	return NULL;
}

/* MaxPicOrderCntLsb 16: the MSB steps when the LSB moves by half (8) or
 * more (8-1), up past 15 and down below 0. */
START_TEST(poc_msb_wrap)
{
	struct dpb_hevc *dpb = dpb_hevc_new(NULL, NULL);
	struct dpb_hevc_sps sps = make_sps(4, 5, 0);
	static const struct {
		unsigned lsb;
		int32_t poc;
	} steps[] = {
		{ 8, 8 },	/* 8 - 0 is not more than 8: same MSB */
		{ 14, 14 },
		{ 6, 22 },	/* 14 - 6 >= 8: MSB 16 */
		{ 15, 15 },	/* 15 - 6 > 8: MSB back to 0 */
		{ 3, 19 },	/* 15 - 3 >= 8: MSB 16 */
		{ 12, 12 },	/* 12 - 3 > 8: MSB 0 */
	};
	struct dpb_hevc_picture_info pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL,
						    0, 1);

	ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 0);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		pic = make_pic(DPB_HEVC_NAL_TRAIL_R, steps[i].lsb, 2 + i);
		ck_assert_int_eq(decode_poc(dpb, &sps, &pic), steps[i].poc);
	}

	/* Below zero: after an IDR picture, LSB 12 is POC -4; from there
	 * (LSB 12, MSB -16) LSB 2 wraps up to POC 2. */
	pic = make_pic(DPB_HEVC_NAL_IDR_N_LP, 0, 10);
	ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 0);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 12, 11);
	ck_assert_int_eq(decode_poc(dpb, &sps, &pic), -4);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 2, 12);
	ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 2);
	dpb_hevc_free(dpb);
}
END_TEST

/* prevTid0Pic skips pictures of TemporalId > 0, RASL, RADL and sub-layer
 * non-reference pictures. After a CRA picture of POC 6 (mid-stream, so its
 * RASL pictures are decoded), a picture X of LSB 13 is POC 13; the next
 * picture's LSB 1 is POC 1 if prevTid0Pic is still the CRA picture
 * (6 - 1 < 8), POC 17 if it became X (13 - 1 >= 8). */
START_TEST(prev_tid0_pic)
{
	static const struct {
		unsigned nal, temporal_id;
		int32_t next_poc;
	} cases[] = {
		{ DPB_HEVC_NAL_TRAIL_R, 1, 1 },
		{ DPB_HEVC_NAL_TSA_R, 2, 1 },
		/* sub-layer non-reference pictures */
		{ DPB_HEVC_NAL_TRAIL_N, 0, 1 },
		{ DPB_HEVC_NAL_RADL_N, 0, 1 },
		{ DPB_HEVC_NAL_RADL_R, 0, 1 },
		{ DPB_HEVC_NAL_RASL_R, 0, 1 },
		{ DPB_HEVC_NAL_RASL_N, 0, 1 },
		{ DPB_HEVC_NAL_TRAIL_R, 0, 17 },	/* X is prevTid0Pic */
	};
	struct dpb_hevc_sps sps = make_sps(4, 5, 0);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dpb_hevc *dpb = dpb_hevc_new(NULL, NULL);
		struct dpb_hevc_picture_info pic;

		pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, 1);
		decode(dpb, &sps, &pic);
		pic = make_pic(DPB_HEVC_NAL_CRA, 6, 2);
		ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 6);
		pic = make_pic(cases[i].nal, 13, 3);
		pic.temporal_id = (uint8_t)cases[i].temporal_id;
		ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 13);
		pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 1, 4);
		ck_assert_int_eq(decode_poc(dpb, &sps, &pic),
				 cases[i].next_poc);
		dpb_hevc_free(dpb);
	}
}
END_TEST

/* A hierarchical-B GOP of 8 in decoding order 0 8 4 2 1 3 6 5 7, each
 * picture's RPS keeping what later pictures use (POC: RPS entries, * for
 * used by the current picture). */
struct gop_pic {
	int32_t poc;
	unsigned n;
	int32_t delta[4];
	bool used[4];
	/* Expected Curr sets and number of references in the DPB. */
	unsigned entries, n_before, n_after;
	int32_t before[2], after[2];
};

static const struct gop_pic gop[] = {
	{ 0, 0, { 0 }, { 0 }, 0, 0, 0, { 0 }, { 0 } },
	{ 8, 1, { -8 }, { 1 }, 1, 1, 0, { 0 }, { 0 } },
	{ 4, 2, { -4, 4 }, { 1, 1 }, 2, 1, 1, { 0 }, { 8 } },
	{ 2, 3, { -2, 2, 6 }, { 1, 1, 1 }, 3, 1, 2, { 0 }, { 4, 8 } },
	/* 8 is kept but not used (StFoll) */
	{ 1, 4, { -1, 1, 3, 7 }, { 1, 1, 1, 0 }, 4, 1, 2, { 0 }, { 2, 4 } },
	/* 0 and 1 leave */
	{ 3, 3, { -1, 1, 5 }, { 1, 1, 1 }, 3, 1, 2, { 2 }, { 4, 8 } },
	{ 6, 2, { -2, 2 }, { 1, 1 }, 2, 1, 1, { 4 }, { 8 } },
	{ 5, 3, { -1, 1, 3 }, { 1, 1, 1 }, 3, 1, 2, { 4 }, { 6, 8 } },
	{ 7, 2, { -1, 1 }, { 1, 1 }, 2, 1, 1, { 6 }, { 8 } },
};

#define GOP_SIZE (sizeof(gop) / sizeof(gop[0]))

static struct dpb_hevc_picture_info gop_picture(const struct gop_pic *g)
{
	struct dpb_hevc_picture_info pic = make_pic(
		g->poc ? DPB_HEVC_NAL_TRAIL_R : DPB_HEVC_NAL_IDR_W_RADL,
		(uint32_t)g->poc, ID(g->poc));

	for (unsigned i = 0; i < g->n; i++)
		add_st(&pic, g->delta[i], g->used[i]);
	return pic;
}

START_TEST(gop_rps_sets)
{
	struct dpb_hevc *dpb = dpb_hevc_new(NULL, NULL);
	struct dpb_hevc_sps sps = make_sps(8, 5, 3);

	for (size_t i = 0; i < GOP_SIZE; i++) {
		const struct gop_pic *g = &gop[i];
		struct dpb_hevc_picture_info pic = gop_picture(g);
		struct sets_by_poc s;

		ck_assert_int_eq(start_poc(dpb, &sps, &pic), g->poc);
		read_sets(dpb, &s);
		ck_assert_uint_eq(s.entries, g->entries);
		ck_assert_uint_eq(s.n_before, g->n_before);
		ck_assert_uint_eq(s.n_after, g->n_after);
		ck_assert_uint_eq(s.n_lt, 0);
		for (unsigned j = 0; j < g->n_before; j++)
			ck_assert_int_eq(s.before[j], g->before[j]);
		for (unsigned j = 0; j < g->n_after; j++)
			ck_assert_int_eq(s.after[j], g->after[j]);
		/* Exactly the RPS's pictures, short-term, all real. */
		for (unsigned j = 0; j < g->n; j++) {
			const struct dpb_hevc_entry *e =
				entry_of(&s, g->poc + g->delta[j]);

			ck_assert_int_eq((int64_t)e->id, ID(e->poc));
			ck_assert(!e->long_term);
			ck_assert(!e->unavailable);
		}
		ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);
	}
	dpb_hevc_free(dpb);
}
END_TEST

static void decode_gop(struct dpb_hevc *dpb, const struct dpb_hevc_sps *sps)
{
	for (size_t i = 0; i < GOP_SIZE; i++) {
		struct dpb_hevc_picture_info pic = gop_picture(&gop[i]);

		decode(dpb, sps, &pic);
	}
}

/* num_reorder 3, DPB of 5: a picture is output when a fourth one waits
 * (C.5.2.3), and leaves once output and out of the RPS. */
START_TEST(gop_output_order)
{
	static const int64_t expected[] = {
		ID(0),			/* after 2: 0 8 4 2 wait */
		ID(1),			/* after 1 */
		-ID(0), -ID(1),		/* 3's RPS drops them */
		ID(2),			/* after 3 */
		-ID(2),			/* 6's RPS */
		ID(3), -ID(3),		/* after 6; not in its RPS */
		ID(4),			/* after 5 */
		-ID(4),			/* 7's RPS */
		ID(5), -ID(5),		/* after 7 */
		ID(6), ID(7), ID(8),	/* drain: references stay */
	};
	struct event_log log = { 0 };
	struct dpb_hevc *dpb = dpb_hevc_new(&log_callbacks, &log);
	struct dpb_hevc_sps sps = make_sps(8, 5, 3);
	unsigned before_reset;

	decode_gop(dpb, &sps);
	dpb_hevc_drain(dpb);
	check_events(&log, 0, expected, sizeof(expected) / sizeof(expected[0]));

	before_reset = log.n;
	dpb_hevc_reset(dpb);
	ck_assert_uint_eq(log.n - before_reset, 3);
	ck_assert(logged(&log, -ID(6)));
	ck_assert(logged(&log, -ID(7)));
	ck_assert(logged(&log, -ID(8)));
	dpb_hevc_free(dpb);
}
END_TEST

/* SpsMaxLatencyPictures = 3 + 5 - 1 = 7: POC 8 has waited for 7 pictures
 * (4 2 1 3 6 5 7) once 7 is decoded, so 6, 7 and 8 are output then instead
 * of at the drain; the order stays POC order. */
START_TEST(gop_latency_limit)
{
	static const int64_t expected[] = {
		ID(0), ID(1), -ID(0), -ID(1), ID(2), -ID(2), ID(3), -ID(3),
		ID(4), -ID(4),
		ID(5), -ID(5), ID(6), ID(7), ID(8),	/* after 7 */
	};
	struct event_log log = { 0 };
	struct dpb_hevc *dpb = dpb_hevc_new(&log_callbacks, &log);
	struct dpb_hevc_sps sps = make_sps(8, 5, 3);
	unsigned n;

	sps.max_latency_increase_plus1 = 5;
	decode_gop(dpb, &sps);
	check_events(&log, 0, expected, sizeof(expected) / sizeof(expected[0]));
	n = log.n;
	dpb_hevc_drain(dpb);
	ck_assert_uint_eq(log.n, n);
	dpb_hevc_free(dpb);
}
END_TEST

/* MaxPicOrderCntLsb 16. POC 0 becomes long-term by its LSB at POC 8; once
 * POC 16 (LSB 0 too) is in the DPB, it is named with its MSB:
 * PocLsbLt + PicOrderCntVal - DeltaPocMsbCycleLt * 16 - (POC & 15). */
START_TEST(long_term_refs)
{
	struct dpb_hevc *dpb = dpb_hevc_new(NULL, NULL);
	struct dpb_hevc_sps sps = make_sps(4, 5, 0);
	struct dpb_hevc_picture_info pic;
	struct sets_by_poc s;

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, ID(0));
	decode(dpb, &sps, &pic);

	/* POC 8: LT LSB 0 without MSB: POC 0. */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 8, ID(8));
	add_lt(&pic, 0, true, false, 0);
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 8);
	read_sets(dpb, &s);
	ck_assert_uint_eq(s.entries, 1);
	ck_assert_uint_eq(s.n_before + s.n_after, 0);
	ck_assert_uint_eq(s.n_lt, 1);
	ck_assert_int_eq(s.lt[0], 0);
	ck_assert(entry_of(&s, 0)->long_term);
	ck_assert_int_eq((int64_t)entry_of(&s, 0)->id, ID(0));
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);

	/* POC 16 (8 - 0 >= 8): 0 + 16 - 16 - 0 = POC 0, and 8 short-term. */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 0, ID(16));
	add_st(&pic, -8, true);
	add_lt(&pic, 0, true, true, 1);
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 16);
	read_sets(dpb, &s);
	ck_assert_uint_eq(s.entries, 2);
	ck_assert_uint_eq(s.n_before, 1);
	ck_assert_int_eq(s.before[0], 8);
	ck_assert_uint_eq(s.n_lt, 1);
	ck_assert_int_eq(s.lt[0], 0);
	ck_assert(!entry_of(&s, 8)->long_term);
	ck_assert(entry_of(&s, 0)->long_term);
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);

	/* POC 24: 0 + 24 - 16 - 8 = POC 0 while 16 has LSB 0 as well; 8
	 * leaves. A long-term entry not used by the picture keeps 0 too. */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 8, ID(24));
	add_st(&pic, -8, true);
	add_lt(&pic, 0, false, true, 1);
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 24);
	read_sets(dpb, &s);
	ck_assert_uint_eq(s.entries, 2);
	ck_assert_uint_eq(s.n_before, 1);
	ck_assert_int_eq(s.before[0], 16);
	ck_assert_uint_eq(s.n_lt, 0);
	ck_assert(!entry_of(&s, 16)->long_term);
	ck_assert(entry_of(&s, 0)->long_term);
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);

	/* POC 32: cycle 2 is 0 + 32 - 32 - 0 = POC 0, cycle 1 POC 16, which
	 * turns long-term. */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 0, ID(32));
	add_st(&pic, -8, true);
	add_lt(&pic, 0, true, true, 2);
	add_lt(&pic, 0, true, true, 1);
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 32);
	read_sets(dpb, &s);
	ck_assert_uint_eq(s.entries, 3);
	ck_assert_uint_eq(s.n_before, 1);
	ck_assert_int_eq(s.before[0], 24);
	ck_assert_uint_eq(s.n_lt, 2);
	ck_assert_int_eq(s.lt[0], 0);
	ck_assert_int_eq(s.lt[1], 16);
	ck_assert_int_eq((int64_t)entry_of(&s, 0)->id, ID(0));
	ck_assert_int_eq((int64_t)entry_of(&s, 16)->id, ID(16));
	ck_assert(entry_of(&s, 16)->long_term);
	ck_assert(!entry_of(&s, 24)->long_term);
	dpb_hevc_free(dpb);
}
END_TEST

/* Long-term candidates are taken first (8.3.2): POC 8 names 0 both as
 * long-term and as short-term; the short-term entry finds no short-term
 * picture any more and gets a generated one. */
START_TEST(long_term_taken_first)
{
	struct dpb_hevc *dpb = dpb_hevc_new(NULL, NULL);
	struct dpb_hevc_sps sps = make_sps(8, 5, 0);
	struct dpb_hevc_picture_info pic;
	struct sets_by_poc s;

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, ID(0));
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 8, ID(8));
	add_st(&pic, -8, true);
	add_lt(&pic, 0, true, false, 0);
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 8);
	read_sets(dpb, &s);
	ck_assert_uint_eq(s.entries, 2);
	ck_assert_uint_eq(s.n_lt, 1);
	ck_assert_uint_eq(s.n_before, 1);
	ck_assert_int_eq(s.lt[0], 0);
	ck_assert_int_eq(s.before[0], 0);
	for (unsigned i = 0; i < s.entries; i++)
		ck_assert(s.out[i].unavailable != s.out[i].long_term);
	dpb_hevc_free(dpb);
}
END_TEST

/* POC 4 names 2 (missing) and 0 before it, long-term LSB 3 (missing) and
 * 8 after it, not used: 2 and 3 are generated, 8 is not (StFoll). */
START_TEST(missing_reference_generated)
{
	struct event_log log = { 0 };
	struct dpb_hevc *dpb = dpb_hevc_new(&log_callbacks, &log);
	struct dpb_hevc_sps sps = make_sps(8, 5, 0);
	struct dpb_hevc_picture_info pic;
	struct sets_by_poc s;
	static const int64_t expected[] = {
		ID(0), ID(4), -ID(0), -ID(4),
	};

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, ID(0));
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 4, ID(4));
	add_st(&pic, -2, true);
	add_st(&pic, -4, true);
	add_st(&pic, 4, false);
	add_lt(&pic, 3, true, false, 0);
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 4);
	read_sets(dpb, &s);
	ck_assert_uint_eq(s.entries, 3);
	ck_assert_uint_eq(s.n_before, 2);
	ck_assert_int_eq(s.before[0], 2);
	ck_assert_int_eq(s.before[1], 0);
	ck_assert_uint_eq(s.n_after, 0);
	ck_assert_uint_eq(s.n_lt, 1);
	ck_assert_int_eq(s.lt[0], 3);
	ck_assert(entry_of(&s, 2)->unavailable);
	ck_assert(!entry_of(&s, 2)->long_term);
	ck_assert(entry_of(&s, 3)->unavailable);
	ck_assert(entry_of(&s, 3)->long_term);
	ck_assert(!entry_of(&s, 0)->unavailable);
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);

	/* Generated pictures are neither output nor released. */
	dpb_hevc_drain(dpb);
	dpb_hevc_reset(dpb);
	check_events(&log, 0, expected, sizeof(expected) / sizeof(expected[0]));
	dpb_hevc_free(dpb);
}
END_TEST

/* A RASL picture predicting from 4 (before the CRA picture) and the CRA
 * picture 8: RASL pictures of a CRA picture that starts the stream (or
 * follows an end of sequence) are skipped, RADL ones decoded. */
static struct dpb_hevc_picture_info rasl_pic(void)
{
	struct dpb_hevc_picture_info pic = make_pic(DPB_HEVC_NAL_RASL_N, 6,
						    ID(6));

	add_st(&pic, -2, true);
	add_st(&pic, 2, true);
	return pic;
}

static struct dpb_hevc_picture_info cra_pic(void)
{
	struct dpb_hevc_picture_info pic = make_pic(DPB_HEVC_NAL_CRA, 8, ID(8));

	add_st(&pic, -4, false);	/* kept for the RASL picture */
	return pic;
}

START_TEST(rasl_skipped_at_stream_start)
{
	struct event_log log = { 0 };
	struct dpb_hevc *dpb = dpb_hevc_new(&log_callbacks, &log);
	struct dpb_hevc_sps sps = make_sps(8, 5, 2);
	struct dpb_hevc_picture_info pic;
	static const int64_t expected[] = { ID(7), -ID(7), ID(8), ID(12) };

	/* Nothing is decodable before the first IRAP picture. */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 3, ID(3));
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic),
			 DPB_HEVC_SKIP);

	pic = cra_pic();
	ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 8);
	pic = rasl_pic();
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic),
			 DPB_HEVC_SKIP);
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), -EINVAL);

	pic = make_pic(DPB_HEVC_NAL_RADL_N, 7, ID(7));
	add_st(&pic, 1, true);
	ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 7);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 12, ID(12));
	add_st(&pic, -4, true);
	ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 12);
	dpb_hevc_drain(dpb);
	check_events(&log, 0, expected, sizeof(expected) / sizeof(expected[0]));

	/* After an end of sequence, the same again. */
	dpb_hevc_reset(dpb);
	log.n = 0;
	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, ID(0));
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 4, ID(4));
	add_st(&pic, -4, true);
	decode(dpb, &sps, &pic);
	dpb_hevc_drain(dpb);
	pic = cra_pic();
	pic.follows_eos = true;
	ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 8);
	pic = rasl_pic();
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic),
			 DPB_HEVC_SKIP);
	dpb_hevc_free(dpb);
}
END_TEST

START_TEST(rasl_decoded_mid_stream)
{
	struct event_log log = { 0 };
	struct dpb_hevc *dpb = dpb_hevc_new(&log_callbacks, &log);
	struct dpb_hevc_sps sps = make_sps(8, 5, 2);
	struct dpb_hevc_picture_info pic;
	struct sets_by_poc s;
	static const int64_t expected[] = {
		ID(0), ID(4), ID(6), ID(8),
	};

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, ID(0));
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 4, ID(4));
	add_st(&pic, -4, true);
	decode(dpb, &sps, &pic);
	pic = cra_pic();
	ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 8);
	pic = rasl_pic();
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 6);
	read_sets(dpb, &s);
	ck_assert_uint_eq(s.entries, 2);
	ck_assert_uint_eq(s.n_before, 1);
	ck_assert_int_eq(s.before[0], 4);
	ck_assert_uint_eq(s.n_after, 1);
	ck_assert_int_eq(s.after[0], 8);
	ck_assert(!entry_of(&s, 4)->unavailable);
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);
	dpb_hevc_drain(dpb);
	/* Releases (of 0, whose output came first) are left out here. */
	for (unsigned i = 0, j = 0; i < log.n; i++)
		if (log.events[i] > 0)
			ck_assert_int_eq(log.events[i], expected[j++]);
	ck_assert(logged(&log, ID(6)));
	dpb_hevc_free(dpb);
}
END_TEST

/* num_reorder 2: after 0, 4 and 2 are decoded, 0 is output and 4 and 2
 * wait. An IDR picture then empties the DPB: with
 * no_output_of_prior_pics_flag, 2 and 4 are never output. */
static void idr_after_three(bool no_output_of_prior_pics,
			    struct event_log *log)
{
	struct dpb_hevc *dpb = dpb_hevc_new(&log_callbacks, log);
	struct dpb_hevc_sps sps = make_sps(8, 4, 2);
	struct dpb_hevc_picture_info pic;

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, ID(0));
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 4, ID(4));
	add_st(&pic, -4, true);
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 2, ID(2));
	add_st(&pic, -2, true);
	add_st(&pic, 2, true);
	decode(dpb, &sps, &pic);
	ck_assert_uint_eq(log->n, 1);
	ck_assert_int_eq(log->events[0], ID(0));

	pic = make_pic(DPB_HEVC_NAL_IDR_N_LP, 0, ID2(0));
	pic.no_output_of_prior_pics_flag = no_output_of_prior_pics;
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), 0);
	ck_assert_int_eq(dpb_hevc_current_poc(dpb), 0);
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);
	dpb_hevc_drain(dpb);
	dpb_hevc_free(dpb);
}

START_TEST(idr_no_output_of_prior_pics)
{
	struct event_log log = { 0 };

	idr_after_three(true, &log);
	/* 0 4 2 released (together, in any order), then the IDR output. */
	ck_assert_uint_eq(log.n, 5);
	ck_assert(logged(&log, -ID(0)));
	ck_assert(logged(&log, -ID(2)));
	ck_assert(logged(&log, -ID(4)));
	ck_assert(!logged(&log, ID(2)));
	ck_assert(!logged(&log, ID(4)));
	ck_assert_int_eq(log.events[4], ID2(0));
}
END_TEST

START_TEST(idr_outputs_prior_pics)
{
	struct event_log log = { 0 };
	static const int64_t expected[] = {
		ID(2), -ID(2), ID(4), -ID(4), -ID(0), ID2(0),
	};

	idr_after_three(false, &log);
	check_events(&log, 1, expected, sizeof(expected) / sizeof(expected[0]));
}
END_TEST

/* A DPB of 3 that the stream overfills (C.5.2.2): after 0 4 2, 0 is output
 * (reorder 2) and stays as a reference; before 1 (references 0 and 2) the
 * DPB is full, so 2 then 4 are output, and 4 leaves. */
START_TEST(dpb_fullness_bumps)
{
	struct event_log log = { 0 };
	struct dpb_hevc *dpb = dpb_hevc_new(&log_callbacks, &log);
	struct dpb_hevc_sps sps = make_sps(8, 3, 2);
	struct dpb_hevc_picture_info pic;
	static const int64_t expected[] = {
		ID(0), ID(2), ID(4), -ID(4), ID(1),
	};

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, ID(0));
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 4, ID(4));
	add_st(&pic, -4, true);
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 2, ID(2));
	add_st(&pic, -2, true);
	add_st(&pic, 2, true);
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 1, ID(1));
	add_st(&pic, -1, true);
	add_st(&pic, 1, true);
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 1);
	check_events(&log, 0, expected, 4);
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);
	dpb_hevc_drain(dpb);
	check_events(&log, 0, expected, sizeof(expected) / sizeof(expected[0]));
	dpb_hevc_free(dpb);
}
END_TEST

/* PicOutputFlag 0: 1 is a reference, then leaves, never output. */
START_TEST(pic_output_flag_zero)
{
	struct event_log log = { 0 };
	struct dpb_hevc *dpb = dpb_hevc_new(&log_callbacks, &log);
	struct dpb_hevc_sps sps = make_sps(8, 4, 0);
	struct dpb_hevc_picture_info pic;
	struct sets_by_poc s;
	static const int64_t expected[] = {
		ID(0), ID(2), -ID(0), -ID(1), ID(3),
	};

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, ID(0));
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 1, ID(1));
	pic.pic_output_flag = false;
	add_st(&pic, -1, true);
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 2, ID(2));
	add_st(&pic, -1, true);
	add_st(&pic, -2, true);
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 2);
	read_sets(dpb, &s);
	ck_assert_uint_eq(s.n_before, 2);
	ck_assert_int_eq(s.before[0], 1);
	ck_assert_int_eq((int64_t)entry_of(&s, 1)->id, ID(1));
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 3, ID(3));
	add_st(&pic, -1, true);
	decode(dpb, &sps, &pic);
	dpb_hevc_drain(dpb);
	check_events(&log, 0, expected, sizeof(expected) / sizeof(expected[0]));
	dpb_hevc_free(dpb);
}
END_TEST

/* POC 4 with StCurrBefore {2}, StCurrAfter {8}, LtCurr {0}:
 * NumPocTotalCurr 3. */
static struct dpb_hevc *three_refs(void)
{
	struct dpb_hevc *dpb = dpb_hevc_new(NULL, NULL);
	struct dpb_hevc_sps sps = make_sps(8, 5, 3);
	struct dpb_hevc_picture_info pic;

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, ID(0));
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 8, ID(8));
	add_st(&pic, -8, true);
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 2, ID(2));
	add_st(&pic, -2, true);
	add_st(&pic, 6, true);
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 4, ID(4));
	add_st(&pic, -2, true);
	add_st(&pic, 4, true);
	add_lt(&pic, 0, true, false, 0);
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 4);
	return dpb;
}

static void check_list(const struct dpb_hevc *dpb, const uint8_t *list,
		       const int32_t *pocs, unsigned n)
{
	struct sets_by_poc s;

	read_sets(dpb, &s);
	for (unsigned i = 0; i < n; i++) {
		ck_assert_uint_lt(list[i], s.entries);
		ck_assert_int_eq(s.out[list[i]].poc, pocs[i]);
	}
	for (unsigned i = n; i < DPB_HEVC_MAX_ENTRIES; i++)
		ck_assert_uint_eq(list[i], 0);
}

/* More active entries than NumPocTotalCurr: RefPicListTemp0 cycles
 * before, after, long-term; RefPicListTemp1 after, before, long-term. */
START_TEST(ref_lists_repeat)
{
	struct dpb_hevc *dpb = three_refs();
	struct dpb_hevc_slice_info slice = {
		.slice_type = DPB_HEVC_SLICE_B,
		.num_ref_idx_l0_active = 5,
		.num_ref_idx_l1_active = 4,
	};
	static const int32_t l0[] = { 2, 8, 0, 2, 8 };
	static const int32_t l1[] = { 8, 2, 0, 8 };
	uint8_t list0[DPB_HEVC_MAX_ENTRIES], list1[DPB_HEVC_MAX_ENTRIES];

	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1), 0);
	check_list(dpb, list0, l0, 5);
	check_list(dpb, list1, l1, 4);

	/* A P slice has no list 1, an I slice none at all. */
	slice.slice_type = DPB_HEVC_SLICE_P;
	slice.num_ref_idx_l0_active = 2;
	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1), 0);
	check_list(dpb, list0, l0, 2);
	check_list(dpb, list1, NULL, 0);
	slice.slice_type = DPB_HEVC_SLICE_I;
	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1), 0);
	check_list(dpb, list0, NULL, 0);
	dpb_hevc_free(dpb);
}
END_TEST

/* list_entry_lX picks from RefPicListTempX of NumPocTotalCurr (3)
 * entries: Temp0 {2, 8, 0}, Temp1 {8, 2, 0}. */
START_TEST(ref_lists_modification)
{
	struct dpb_hevc *dpb = three_refs();
	struct dpb_hevc_slice_info slice = {
		.slice_type = DPB_HEVC_SLICE_B,
		.num_ref_idx_l0_active = 2,
		.num_ref_idx_l1_active = 3,
		.ref_pic_list_modification_flag_l0 = true,
		.ref_pic_list_modification_flag_l1 = true,
		.list_entry_l0 = { 2, 0 },
		.list_entry_l1 = { 1, 1, 2 },
	};
	static const int32_t l0[] = { 0, 2 };
	static const int32_t l1[] = { 2, 2, 0 };
	uint8_t list0[DPB_HEVC_MAX_ENTRIES], list1[DPB_HEVC_MAX_ENTRIES];

	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1), 0);
	check_list(dpb, list0, l0, 2);
	check_list(dpb, list1, l1, 3);

	/* Only list 1 modified. */
	slice.ref_pic_list_modification_flag_l0 = false;
	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1), 0);
	check_list(dpb, list0, (const int32_t[]){ 2, 8 }, 2);
	check_list(dpb, list1, l1, 3);
	dpb_hevc_free(dpb);
}
END_TEST

START_TEST(bad_sps_and_picture)
{
	struct dpb_hevc *dpb = dpb_hevc_new(NULL, NULL);
	struct dpb_hevc_sps good = make_sps(4, 3, 0), sps;
	struct dpb_hevc_picture_info pic;
	static const unsigned bad_nal[] = { 10, 15, 22, 23, 32, 255 };

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, 1);
	sps = good;
	sps.log2_max_pic_order_cnt_lsb = 3;
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	sps.log2_max_pic_order_cnt_lsb = 17;
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	sps = good;
	sps.max_dec_pic_buffering = 0;
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	sps.max_dec_pic_buffering = 17;
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	sps = good;
	sps.max_num_reorder_pics = 3;
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	for (size_t i = 0; i < sizeof(bad_nal) / sizeof(bad_nal[0]); i++) {
		pic.nal_unit_type = (uint8_t)bad_nal[i];
		ck_assert_int_eq(dpb_hevc_start_picture(dpb, &good, &pic),
				 -EINVAL);
	}
	pic = make_pic(DPB_HEVC_NAL_CRA, 0, 1);
	pic.temporal_id = 1;		/* IRAP pictures are of layer 0 */
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &good, &pic), -EINVAL);
	pic = make_pic(DPB_HEVC_NAL_CRA, 0, 1);
	add_st(&pic, -1, true);		/* and predict from nothing */
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &good, &pic), -EINVAL);

	/* Nothing was started, nothing changed. */
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), -EINVAL);
	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, 1);
	decode(dpb, &good, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 6, 2);
	ck_assert_int_eq(decode_poc(dpb, &good, &pic), 6);

	/* POC LSB out of range (MaxPicOrderCntLsb 16), for the picture and
	 * a long-term entry; the DPB is as it was: 14 follows 6. */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 16, 3);
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &good, &pic), -EINVAL);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 7, 3);
	add_lt(&pic, 16, true, false, 0);
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &good, &pic), -EINVAL);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 14, 3);
	ck_assert_int_eq(start_poc(dpb, &good, &pic), 14);
	dpb_hevc_free(dpb);
}
END_TEST

START_TEST(bad_rps)
{
	struct dpb_hevc *dpb = dpb_hevc_new(NULL, NULL);
	struct dpb_hevc_sps sps = make_sps(4, 3, 0);
	struct dpb_hevc_picture_info pic;

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, 1);
	decode(dpb, &sps, &pic);

	/* A DPB of 3 holds 2 references besides the current picture. */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 3, 2);
	add_st(&pic, -1, true);
	add_st(&pic, -2, true);
	add_st(&pic, -3, true);
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 3, 2);
	add_st(&pic, -3, true);
	add_st(&pic, 1, true);
	add_lt(&pic, 5, true, false, 0);
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	pic.num_negative_pics = 200;
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);

	/* Long-term entries the SPS does not allow. */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 3, 2);
	add_lt(&pic, 0, true, false, 0);
	sps.long_term_ref_pics_present = false;
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	sps.long_term_ref_pics_present = true;

	/* Deltas of the wrong sign or order. */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 3, 2);
	add_st(&pic, -1, true);
	pic.delta_poc_s0[0] = 1;
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 3, 2);
	add_st(&pic, -3, true);
	add_st(&pic, -1, true);
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 3, 2);
	add_st(&pic, 2, true);
	add_st(&pic, 1, true);
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);

	/* POCs outside 32 bits: a long-term MSB cycle of 2^32 - 1 from POC 3
	 * and a delta of -2^31 from POC -4 (LSB 12 after 0). */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 3, 2);
	add_lt(&pic, 0, true, true, UINT32_MAX);
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 12, 2);
	add_st(&pic, INT32_MIN, true);
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), -EINVAL);
	dpb_hevc_free(dpb);
}
END_TEST

START_TEST(bad_slice)
{
	struct dpb_hevc *dpb = dpb_hevc_new(NULL, NULL);
	struct dpb_hevc_sps sps = make_sps(8, 5, 0);
	struct dpb_hevc_picture_info pic;
	struct dpb_hevc_slice_info slice = {
		.slice_type = DPB_HEVC_SLICE_P,
		.num_ref_idx_l0_active = 1,
	};
	uint8_t list0[DPB_HEVC_MAX_ENTRIES], list1[DPB_HEVC_MAX_ENTRIES];

	/* No picture started. */
	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1),
			 -EINVAL);

	/* A P slice of a picture without reference. */
	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, 1);
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), 0);
	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1),
			 -EINVAL);
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);

	/* One reference: NumPocTotalCurr 1. */
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 1, 2);
	add_st(&pic, -1, true);
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic), 0);
	slice.ref_pic_list_modification_flag_l0 = true;
	slice.list_entry_l0[0] = 1;
	memset(list0, 0xaa, sizeof(list0));
	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1),
			 -EINVAL);
	check_list(dpb, list0, NULL, 0);
	slice.list_entry_l0[0] = 0;
	slice.num_ref_idx_l0_active = 0;
	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1),
			 -EINVAL);
	slice.num_ref_idx_l0_active = 16;
	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1),
			 -EINVAL);
	slice.num_ref_idx_l0_active = 15;
	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1), 0);
	slice.slice_type = 3;
	ck_assert_int_eq(dpb_hevc_ref_lists(dpb, &slice, list0, list1),
			 -EINVAL);
	dpb_hevc_free(dpb);
}
END_TEST

/* Drain outputs and keeps references; reset releases all, outputs none,
 * and the next picture must be an IRAP one again. */
START_TEST(drain_then_reset)
{
	struct event_log log = { 0 };
	struct dpb_hevc *dpb = dpb_hevc_new(&log_callbacks, &log);
	struct dpb_hevc_sps sps = make_sps(8, 5, 3);
	struct dpb_hevc_picture_info pic;
	struct sets_by_poc s;

	pic = make_pic(DPB_HEVC_NAL_IDR_W_RADL, 0, ID(0));
	decode(dpb, &sps, &pic);
	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 1, ID(1));
	add_st(&pic, -1, true);
	decode(dpb, &sps, &pic);
	dpb_hevc_drain(dpb);
	check_events(&log, 0, (const int64_t[]){ ID(0), ID(1) }, 2);

	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 2, ID(2));
	add_st(&pic, -1, true);
	add_st(&pic, -2, true);
	ck_assert_int_eq(start_poc(dpb, &sps, &pic), 2);
	read_sets(dpb, &s);
	ck_assert_uint_eq(s.entries, 2);
	ck_assert(!entry_of(&s, 0)->unavailable);
	ck_assert(!entry_of(&s, 1)->unavailable);
	ck_assert_int_eq(dpb_hevc_finish_picture(dpb), 0);

	dpb_hevc_reset(dpb);
	ck_assert_uint_eq(log.n, 5);
	ck_assert(logged(&log, -ID(0)));
	ck_assert(logged(&log, -ID(1)));
	ck_assert(logged(&log, -ID(2)));
	ck_assert(!logged(&log, ID(2)));
	read_sets(dpb, &s);
	ck_assert_uint_eq(s.entries, 0);

	pic = make_pic(DPB_HEVC_NAL_TRAIL_R, 3, ID(3));
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic),
			 DPB_HEVC_SKIP);
	pic = cra_pic();
	ck_assert_int_eq(decode_poc(dpb, &sps, &pic), 8);
	pic = rasl_pic();
	ck_assert_int_eq(dpb_hevc_start_picture(dpb, &sps, &pic),
			 DPB_HEVC_SKIP);
	dpb_hevc_free(dpb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dpb-hevc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, poc_msb_wrap);
	tcase_add_test(tc, prev_tid0_pic);
	tcase_add_test(tc, gop_rps_sets);
	tcase_add_test(tc, gop_output_order);
	tcase_add_test(tc, gop_latency_limit);
	tcase_add_test(tc, long_term_refs);
	tcase_add_test(tc, long_term_taken_first);
	tcase_add_test(tc, missing_reference_generated);
	tcase_add_test(tc, rasl_skipped_at_stream_start);
	tcase_add_test(tc, rasl_decoded_mid_stream);
	tcase_add_test(tc, idr_no_output_of_prior_pics);
	tcase_add_test(tc, idr_outputs_prior_pics);
	tcase_add_test(tc, dpb_fullness_bumps);
	tcase_add_test(tc, pic_output_flag_zero);
	tcase_add_test(tc, ref_lists_repeat);
	tcase_add_test(tc, ref_lists_modification);
	tcase_add_test(tc, bad_sps_and_picture);
	tcase_add_test(tc, bad_rps);
	tcase_add_test(tc, bad_slice);
	tcase_add_test(tc, drain_then_reset);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
