/* H.264 reference management (gst-plugin/dpb_h264.c): picture order
 * counts, marking, frame_num gaps, field pairs, reference lists and output
 * order, each against values worked out by hand from the spec. */
#include <check.h>

#include "unit.h"
#include <errno.h>
#include <string.h>

#include "dpb_h264.h"

#define MAX_ID 4096

/* What the DPB reported: the first 64 events in order, and per id how
 * often. */
struct record {
	uint64_t out[64];
	int32_t out_poc[64];
	uint8_t out_fields[64];
	unsigned n_out;
	uint64_t released[64];
	unsigned n_released;
	unsigned times_out[MAX_ID], times_released[MAX_ID];
};

static void on_output(void *user, const struct dpb_h264_output *p)
{
	struct record *r = user;

	ck_assert_uint_lt(p->id, MAX_ID);
	r->times_out[p->id]++;
	ck_assert_uint_eq(r->times_released[p->id], 0);
	if (r->n_out < 64) {
		r->out_poc[r->n_out] = p->poc;
		r->out_fields[r->n_out] = p->fields;
		r->out[r->n_out] = p->id;
	}
	r->n_out++;
}

static void on_release(void *user, uint64_t id)
{
	struct record *r = user;

	ck_assert_uint_lt(id, MAX_ID);
	r->times_released[id]++;
	if (r->n_released < 64)
		r->released[r->n_released] = id;
	r->n_released++;
}

static const struct dpb_h264_ops ops = {
	.output = on_output,
	.release = on_release,
};

static struct record rec;	/* large: not on the stack */
static struct dpb_h264 *dpb;
static struct dpb_h264_sps sps;

/* Progressive, POC type 0 with MaxPicOrderCntLsb 16, MaxFrameNum 16, four
 * references in a DPB of five; no reordering unless a test says so. */
static void setup(void)
{
	memset(&rec, 0, sizeof(rec));
	memset(&sps, 0, sizeof(sps));
	sps.log2_max_frame_num = 4;
	sps.log2_max_pic_order_cnt_lsb = 4;
	sps.max_num_ref_frames = 4;
	sps.frame_mbs_only = true;
	sps.max_dec_frame_buffering = 5;
	dpb = dpb_h264_new(&ops, &rec);
	ck_assert_ptr_nonnull(dpb);
}

static void teardown(void)
{
	dpb_h264_free(dpb);
}

static struct dpb_h264_picture_info frame(uint64_t id, bool idr, bool ref,
					  uint32_t frame_num, uint32_t lsb)
{
	return (struct dpb_h264_picture_info){
		.id = id,
		.idr = idr,
		.nal_ref_idc = ref ? 1 : 0,
		.frame_num = frame_num,
		.pic_order_cnt_lsb = lsb,
	};
}

static struct dpb_h264_picture_info field(uint64_t id, bool idr, bool ref,
					  uint32_t frame_num, uint32_t lsb,
					  bool bottom)
{
	struct dpb_h264_picture_info info = frame(id, idr, ref, frame_num, lsb);

	info.field_pic = true;
	info.bottom_field = bottom;
	return info;
}

static void add_mmco(struct dpb_h264_picture_info *info, uint8_t op,
		     uint32_t value, uint32_t idx)
{
	struct dpb_h264_mmco *m = &info->mmco[info->n_mmco++];

	info->adaptive_ref_pic_marking = true;
	m->op = op;
	m->difference_of_pic_nums_minus1 = value;
	m->long_term_pic_num = value;
	m->max_long_term_frame_idx_plus1 = value;
	m->long_term_frame_idx = idx;
}

static void decode(const struct dpb_h264_picture_info *info)
{
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, info), 0);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);
}

/* Starts the picture and checks its counts; the picture stays started. */
static void check_poc_started(const struct dpb_h264_picture_info *info,
			      int32_t top, int32_t bottom)
{
	int32_t t, b;

	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, info), 0);
	dpb_h264_current_poc(dpb, &t, &b);
	ck_assert_int_eq(t, top);
	ck_assert_int_eq(b, bottom);
}

static void check_poc(const struct dpb_h264_picture_info *info,
		      int32_t top, int32_t bottom)
{
	check_poc_started(info, top, bottom);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);
}

static void check_outputs(const uint64_t *ids, unsigned n)
{
	ck_assert_uint_eq(rec.n_out, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_uint_eq(rec.out[i], ids[i]);
}

static bool was_released(uint64_t id)
{
	for (unsigned i = 0; i < rec.n_released; i++)
		if (rec.released[i] == id)
			return true;
	return false;
}

static unsigned entry_count(void)
{
	struct dpb_h264_entry e[DPB_H264_MAX_FRAMES];

	return dpb_h264_entries(dpb, e);
}

/* The entry of the picture id in the current DPB; fails if absent. */
static struct dpb_h264_entry entry_of(uint64_t id, unsigned *index)
{
	struct dpb_h264_entry e[DPB_H264_MAX_FRAMES];
	unsigned n = dpb_h264_entries(dpb, e);

	for (unsigned i = 0; i < n; i++)
		if (e[i].id == id) {
			if (index)
				*index = i;
			return e[i];
		}
	ck_abort_msg("picture %llu not in the DPB", (unsigned long long)id);
	return e[0];
}

/* Expects list[i] to name picture ids[i]'s fields[i]; then no reference. */
static void check_list(const struct dpb_h264_ref *list, unsigned active,
		       const uint64_t *ids, const uint8_t *fields, unsigned n)
{
	struct dpb_h264_entry e[DPB_H264_MAX_FRAMES];
	unsigned count = dpb_h264_entries(dpb, e);

	for (unsigned i = 0; i < n; i++) {
		ck_assert_uint_lt(list[i].index, count);
		ck_assert_msg(e[list[i].index].id == ids[i],
			      "entry %u: picture %llu, expected %llu", i,
			      (unsigned long long)e[list[i].index].id,
			      (unsigned long long)ids[i]);
		ck_assert_uint_eq(list[i].fields, fields[i]);
	}
	for (unsigned i = n; i < active; i++)
		ck_assert_uint_eq(list[i].fields, DPB_H264_NO_FIELD);
}

START_TEST(poc_type0_lsb_wrap)
{
	struct dpb_h264_picture_info info = frame(1, true, true, 0, 0);

	info.delta_pic_order_cnt_bottom = -1;
	check_poc(&info, 0, -1);
	info = frame(2, false, true, 1, 8);
	check_poc(&info, 8, 8);
	info = frame(3, false, true, 2, 14);
	check_poc(&info, 14, 14);
	/* 2 < 14 by 12 >= 16 / 2: PicOrderCntMsb goes up by 16. */
	info = frame(4, false, true, 3, 2);
	check_poc(&info, 18, 18);
	/* 15 > 2 by 13 > 8: back down to msb 0 (a picture before). */
	info = frame(5, false, false, 4, 15);
	check_poc(&info, 15, 15);
	/* A non-reference picture does not move prevPicOrderCntMsb/Lsb. */
	info = frame(6, false, true, 4, 4);
	check_poc(&info, 20, 20);
}
END_TEST

START_TEST(poc_type1_cycle)
{
	struct dpb_h264_picture_info info;

	sps.pic_order_cnt_type = 1;
	sps.num_ref_frames_in_pic_order_cnt_cycle = 2;
	sps.offset_for_ref_frame[0] = 2;
	sps.offset_for_ref_frame[1] = 6;
	sps.offset_for_non_ref_pic = -3;
	sps.offset_for_top_to_bottom_field = 1;

	info = frame(1, true, true, 0, 0);
	check_poc(&info, 0, 1);
	/* absFrameNum 1: cycle 0, offset[0]. */
	info = frame(2, false, true, 1, 0);
	check_poc(&info, 2, 3);
	/* absFrameNum 2: cycle 0, offset[0] + offset[1]. */
	info = frame(3, false, true, 2, 0);
	check_poc(&info, 8, 9);
	/* absFrameNum 3: one cycle (8), then offset[0]. */
	info = frame(4, false, true, 3, 0);
	check_poc(&info, 10, 11);
	/* Non-reference: absFrameNum 4 - 1 = 3, so 10, then -3;
	 * bottom: + 1 + delta_pic_order_cnt[1]. */
	info = frame(5, false, false, 4, 0);
	info.delta_pic_order_cnt[1] = 2;
	check_poc(&info, 7, 10);
}
END_TEST

START_TEST(poc_type2_frame_num_wrap)
{
	struct dpb_h264_picture_info info;

	sps.pic_order_cnt_type = 2;
	info = frame(1, true, true, 0, 0);
	check_poc(&info, 0, 0);
	info = frame(2, false, true, 1, 0);
	check_poc(&info, 2, 2);
	info = frame(3, false, false, 2, 0);
	check_poc(&info, 3, 3);
	for (uint32_t fn = 2; fn < 16; fn++) {
		info = frame(10 + fn, false, true, fn, 0);
		check_poc(&info, 2 * (int32_t)fn, 2 * (int32_t)fn);
	}
	/* frame_num 15 -> 0: FrameNumOffset becomes 16. */
	info = frame(30, false, true, 0, 0);
	check_poc(&info, 32, 32);
	info = frame(31, false, false, 1, 0);
	check_poc(&info, 33, 33);
}
END_TEST

START_TEST(poc_type1_fields)
{
	struct dpb_h264_picture_info info;

	sps.frame_mbs_only = false;
	sps.pic_order_cnt_type = 1;
	sps.num_ref_frames_in_pic_order_cnt_cycle = 1;
	sps.offset_for_ref_frame[0] = 4;
	sps.offset_for_top_to_bottom_field = 1;
	info = field(1, true, true, 0, 0, false);
	check_poc(&info, 0, 0);
	/* A bottom field: expected + offset_for_top_to_bottom_field +
	 * delta_pic_order_cnt[0]; the top one (its first field) too. */
	info = field(1, false, true, 0, 0, true);
	info.delta_pic_order_cnt[0] = 2;
	check_poc(&info, 0, 3);
	/* absFrameNum 1: 4, bottom field first this time. */
	info = field(2, false, true, 1, 0, true);
	check_poc(&info, 0, 5);
	info = field(2, false, true, 1, 0, false);
	check_poc(&info, 4, 5);
}
END_TEST

/* I0 P6 B2 B4 P12 B8 B10 (ids = POCs) with two frames of reordering. */
START_TEST(ibbp_output_order)
{
	static const struct { uint32_t fn, poc; bool ref; unsigned outs; }
	seq[] = {
		{ 0, 0, true, 0 }, { 1, 6, true, 0 }, { 2, 2, false, 1 },
		{ 2, 4, false, 2 }, { 2, 12, true, 3 }, { 3, 8, false, 4 },
		{ 3, 10, false, 5 },
	};
	static const uint64_t order[] = { 0, 2, 4, 6, 8, 10, 12 };

	sps.max_num_reorder_frames = 2;
	for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		struct dpb_h264_picture_info info = frame(seq[i].poc, i == 0,
			seq[i].ref, seq[i].fn, seq[i].poc);

		decode(&info);
		ck_assert_uint_eq(rec.n_out, seq[i].outs);
	}
	/* The B pictures left as soon as they were output. */
	ck_assert(was_released(2) && was_released(4) && was_released(8));
	ck_assert(!was_released(6));
	dpb_h264_drain(dpb);
	check_outputs(order, 7);
	ck_assert_uint_eq(rec.n_released, 7);
}
END_TEST

/* DPB of two frames, both references: the B picture between them goes out
 * unstored once it has the lowest count (C.4.5.2). */
START_TEST(non_reference_output_unstored)
{
	struct dpb_h264_picture_info info;

	sps.max_num_ref_frames = 2;
	sps.max_dec_frame_buffering = 2;
	sps.max_num_reorder_frames = 2;
	info = frame(100, true, true, 0, 0);
	decode(&info);
	info = frame(108, false, true, 1, 8);
	decode(&info);
	ck_assert_uint_eq(rec.n_out, 0);
	info = frame(104, false, false, 2, 4);
	decode(&info);
	check_outputs((const uint64_t[]){ 100, 104 }, 2);
	ck_assert_uint_eq(rec.n_released, 1);
	ck_assert_uint_eq(rec.released[0], 104);
	dpb_h264_drain(dpb);
	check_outputs((const uint64_t[]){ 100, 104, 108 }, 3);
}
END_TEST

START_TEST(sliding_window_drops_oldest)
{
	struct dpb_h264_picture_info info;
	struct dpb_h264_entry e[DPB_H264_MAX_FRAMES];

	sps.max_num_ref_frames = 2;
	info = frame(100, true, true, 0, 0);
	decode(&info);
	info = frame(101, false, true, 1, 2);
	decode(&info);
	ck_assert(!was_released(100));
	info = frame(102, false, true, 2, 4);
	decode(&info);
	/* Output already (no reordering), no longer a reference: gone. */
	ck_assert(was_released(100));
	ck_assert_uint_eq(dpb_h264_entries(dpb, e), 2);
	ck_assert_uint_eq(entry_of(101, NULL).frame_num, 1);
	ck_assert_uint_eq(entry_of(102, NULL).frame_num, 2);
	ck_assert_uint_eq(entry_of(102, NULL).flags, DPB_H264_ENTRY_REFERENCE);
	ck_assert_uint_eq(entry_of(102, NULL).ref_fields, DPB_H264_FRAME);
}
END_TEST

/* IDR fn 0 and P fn 1..3, ids 100 + frame_num. */
static void four_references(void)
{
	struct dpb_h264_picture_info info = frame(100, true, true, 0, 0);

	decode(&info);
	for (uint32_t fn = 1; fn < 4; fn++) {
		info = frame(100 + fn, false, true, fn, 2 * fn);
		decode(&info);
	}
}

START_TEST(mmco1_unmarks_short_term)
{
	struct dpb_h264_picture_info info = frame(104, false, true, 4, 8);
	struct dpb_h264_entry e[DPB_H264_MAX_FRAMES];

	four_references();
	/* picNumX = CurrPicNum 4 - (2 + 1) = 1. */
	add_mmco(&info, DPB_H264_MMCO_UNMARK_SHORT, 2, 0);
	decode(&info);
	ck_assert(was_released(101));
	ck_assert(!was_released(100));
	ck_assert_uint_eq(dpb_h264_entries(dpb, e), 4);
	ck_assert_uint_eq(entry_of(104, NULL).ref_fields, DPB_H264_FRAME);
}
END_TEST

START_TEST(mmco3_short_to_long_term)
{
	struct dpb_h264_picture_info info = frame(104, false, true, 4, 8);
	struct dpb_h264_entry lt;

	four_references();
	/* MaxLongTermFrameIdx 0; PicNum 4 - 3 = 1 unmarked (room for the
	 * current one), then PicNum 4 - 4 = 0 to long-term index 0. */
	add_mmco(&info, DPB_H264_MMCO_MAX_LONG_TERM_IDX, 1, 0);
	add_mmco(&info, DPB_H264_MMCO_UNMARK_SHORT, 2, 0);
	add_mmco(&info, DPB_H264_MMCO_SHORT_TO_LONG, 3, 0);
	decode(&info);
	lt = entry_of(100, NULL);
	ck_assert_uint_eq(lt.flags, DPB_H264_ENTRY_REFERENCE |
			  DPB_H264_ENTRY_LONG_TERM);
	ck_assert_uint_eq(lt.frame_num, 0);
	ck_assert_int_eq(lt.pic_num, 0);
	ck_assert(was_released(101));

	/* Index 0 again, for PicNum 5 - 3 = 2: the frame holding it goes. */
	info = frame(105, false, true, 5, 10);
	add_mmco(&info, DPB_H264_MMCO_SHORT_TO_LONG, 2, 0);
	decode(&info);
	ck_assert(was_released(100));
	lt = entry_of(102, NULL);
	ck_assert_uint_eq(lt.flags, DPB_H264_ENTRY_REFERENCE |
			  DPB_H264_ENTRY_LONG_TERM);
	ck_assert_uint_eq(lt.frame_num, 0);
}
END_TEST

START_TEST(mmco2_unmarks_long_term)
{
	struct dpb_h264_picture_info info = frame(100, true, true, 0, 0);

	info.long_term_reference_flag = true;
	decode(&info);
	ck_assert_uint_eq(entry_of(100, NULL).flags,
			  DPB_H264_ENTRY_REFERENCE | DPB_H264_ENTRY_LONG_TERM);
	info = frame(101, false, true, 1, 2);
	add_mmco(&info, DPB_H264_MMCO_UNMARK_LONG, 0, 0);
	decode(&info);
	ck_assert(was_released(100));
}
END_TEST

START_TEST(mmco4_trims_long_term_indices)
{
	struct dpb_h264_picture_info info = frame(104, false, true, 4, 8);

	four_references();
	/* 100 to long-term index 1 (indices 0..1 allowed). */
	add_mmco(&info, DPB_H264_MMCO_MAX_LONG_TERM_IDX, 2, 0);
	add_mmco(&info, DPB_H264_MMCO_UNMARK_SHORT, 0, 0);	/* 103 */
	add_mmco(&info, DPB_H264_MMCO_SHORT_TO_LONG, 3, 1);	/* 100 */
	decode(&info);
	ck_assert(was_released(103));
	ck_assert_uint_eq(entry_of(100, NULL).frame_num, 1);
	/* Only index 0 allowed now: 100 (index 1) goes. */
	info = frame(105, false, true, 5, 10);
	add_mmco(&info, DPB_H264_MMCO_MAX_LONG_TERM_IDX, 1, 0);
	decode(&info);
	ck_assert(was_released(100));
	ck_assert(!was_released(101));
}
END_TEST

START_TEST(mmco6_current_to_long_term)
{
	struct dpb_h264_picture_info info = frame(101, false, true, 1, 2);
	struct dpb_h264_entry e;

	info = frame(100, true, true, 0, 0);
	info.long_term_reference_flag = true;
	decode(&info);
	/* Index 0 is 100's: taking it for 101 drops 100. */
	info = frame(101, false, true, 1, 2);
	add_mmco(&info, DPB_H264_MMCO_CURRENT_TO_LONG, 0, 0);
	decode(&info);
	ck_assert(was_released(100));
	e = entry_of(101, NULL);
	ck_assert_uint_eq(e.flags, DPB_H264_ENTRY_REFERENCE |
			  DPB_H264_ENTRY_LONG_TERM);
	ck_assert_uint_eq(e.frame_num, 0);
}
END_TEST

START_TEST(mmco5_resets)
{
	struct dpb_h264_picture_info info;
	struct dpb_h264_entry e;
	int32_t top, bottom;
	static const uint64_t before[] = { 100, 101 };
	static const uint64_t all[] = { 100, 101, 102, 103 };

	sps.max_num_reorder_frames = 2;
	info = frame(100, true, true, 0, 0);
	decode(&info);
	info = frame(101, false, true, 1, 8);
	decode(&info);
	ck_assert_uint_eq(rec.n_out, 0);

	info = frame(102, false, true, 2, 12);
	info.delta_pic_order_cnt_bottom = 2;
	add_mmco(&info, DPB_H264_MMCO_UNMARK_ALL, 0, 0);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	/* Decoded with its own counts, the earlier pictures out first but
	 * still references for this one. */
	dpb_h264_current_poc(dpb, &top, &bottom);
	ck_assert_int_eq(top, 12);
	ck_assert_int_eq(bottom, 14);
	check_outputs(before, 2);
	ck_assert_uint_eq(rec.n_released, 0);
	ck_assert_uint_eq(entry_of(101, NULL).flags, DPB_H264_ENTRY_REFERENCE);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);
	ck_assert(was_released(100) && was_released(101));

	/* tempPicOrderCnt 12: now 0 and 2, frame_num 0. */
	e = entry_of(102, NULL);
	ck_assert_int_eq(e.top_poc, 0);
	ck_assert_int_eq(e.bottom_poc, 2);
	ck_assert_uint_eq(e.frame_num, 0);
	/* prevPicOrderCntLsb 0: lsb 4 is POC 4; frame_num 1 is no gap. */
	info = frame(103, false, true, 1, 4);
	check_poc(&info, 4, 4);
	ck_assert_uint_eq(entry_count(), 2);
	dpb_h264_drain(dpb);
	check_outputs(all, 4);
}
END_TEST

static void two_waiting_then_idr(bool no_output)
{
	struct dpb_h264_picture_info info;

	sps.max_num_reorder_frames = 2;
	info = frame(100, true, true, 0, 0);
	decode(&info);
	info = frame(101, false, true, 1, 4);
	decode(&info);
	info = frame(102, true, true, 0, 0);
	info.no_output_of_prior_pics = no_output;
	decode(&info);
}

START_TEST(idr_no_output_of_prior_pics)
{
	two_waiting_then_idr(true);
	ck_assert_uint_eq(rec.n_out, 0);
	ck_assert(was_released(100) && was_released(101));
	ck_assert_uint_eq(rec.n_released, 2);
	dpb_h264_drain(dpb);
	check_outputs((const uint64_t[]){ 102 }, 1);
}
END_TEST

START_TEST(idr_outputs_prior_pics)
{
	two_waiting_then_idr(false);
	check_outputs((const uint64_t[]){ 100, 101 }, 2);
	ck_assert(was_released(100) && was_released(101));
	ck_assert_uint_eq(entry_count(), 1);
}
END_TEST

START_TEST(frame_num_gap)
{
	struct dpb_h264_picture_info info;
	struct dpb_h264_entry e[DPB_H264_MAX_FRAMES];
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_slice p = { .type = DPB_H264_SLICE_P,
				    .num_ref_idx_active = { 3, 0 } };
	unsigned n, n_non_existing = 0, idr_index;

	sps.max_num_ref_frames = 3;
	sps.gaps_in_frame_num_allowed = true;
	info = frame(100, true, true, 0, 0);
	decode(&info);
	info = frame(103, false, true, 3, 6);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);

	/* frame_num 1 and 2 inferred, short-term, no id, never output. */
	n = dpb_h264_entries(dpb, e);
	ck_assert_uint_eq(n, 3);
	for (unsigned i = 0; i < n; i++) {
		if (!(e[i].flags & DPB_H264_ENTRY_NON_EXISTING))
			continue;
		n_non_existing++;
		ck_assert_uint_eq(e[i].id, 0);
		ck_assert_uint_eq(e[i].ref_fields, DPB_H264_FRAME);
		ck_assert(e[i].frame_num == 1 || e[i].frame_num == 2);
		ck_assert_int_eq(e[i].pic_num, (int32_t)e[i].frame_num);
	}
	ck_assert_uint_eq(n_non_existing, 2);

	/* PicNum order 2, 1, 0: the IDR picture last. */
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), 0);
	entry_of(100, &idr_index);
	ck_assert_uint_eq(l0[2].index, idr_index);
	ck_assert_uint_eq(e[l0[0].index].frame_num, 2);
	ck_assert_uint_eq(e[l0[1].index].frame_num, 1);

	/* Three references already: the IDR picture slides out. */
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);
	ck_assert(was_released(100));
	dpb_h264_drain(dpb);
	check_outputs((const uint64_t[]){ 100, 103 }, 2);
	ck_assert_uint_eq(rec.n_released, 2);
}
END_TEST

START_TEST(paff_field_pairs)
{
	struct dpb_h264_picture_info info;
	struct dpb_h264_entry e[DPB_H264_MAX_FRAMES];

	sps.frame_mbs_only = false;
	info = field(100, true, true, 0, 0, false);
	decode(&info);
	ck_assert_uint_eq(rec.n_out, 0);

	/* The second field: its first field is its only entry. */
	info = field(999, false, true, 0, 1, true);
	check_poc_started(&info, 0, 1);
	ck_assert_uint_eq(dpb_h264_entries(dpb, e), 1);
	ck_assert_uint_eq(e[0].id, 100);
	ck_assert_uint_eq(e[0].fields, DPB_H264_TOP);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);
	ck_assert_uint_eq(rec.n_out, 1);
	ck_assert_uint_eq(rec.out[0], 100);
	ck_assert_uint_eq(rec.out_fields[0], DPB_H264_FRAME);

	info = field(101, false, true, 1, 4, false);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_uint_eq(dpb_h264_entries(dpb, e), 1);
	ck_assert_uint_eq(e[0].id, 100);
	ck_assert_uint_eq(e[0].fields, DPB_H264_FRAME);
	ck_assert_uint_eq(e[0].ref_fields, DPB_H264_FRAME);
	ck_assert_uint_eq(e[0].flags, DPB_H264_ENTRY_REFERENCE |
			  DPB_H264_ENTRY_FIELD);
	ck_assert_int_eq(e[0].top_poc, 0);
	ck_assert_int_eq(e[0].bottom_poc, 1);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);

	info = field(101, false, true, 1, 5, true);
	check_poc_started(&info, 4, 5);
	ck_assert_uint_eq(dpb_h264_entries(dpb, e), 2);
	e[0] = entry_of(101, NULL);
	ck_assert_uint_eq(e[0].fields, DPB_H264_TOP);
	ck_assert_uint_eq(e[0].ref_fields, DPB_H264_TOP);
	ck_assert_int_eq(e[0].top_poc, 4);
	ck_assert_int_eq(e[0].bottom_poc, 0);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);
	check_outputs((const uint64_t[]){ 100, 101 }, 2);
	ck_assert_int_eq(rec.out_poc[1], 4);

	/* A lone top field followed by a frame: output on its own. */
	info = field(102, false, false, 2, 8, false);
	decode(&info);
	ck_assert_uint_eq(rec.n_out, 2);
	info = frame(103, false, false, 2, 10);
	decode(&info);
	check_outputs((const uint64_t[]){ 100, 101, 102, 103 }, 4);
	ck_assert_uint_eq(rec.out_fields[2], DPB_H264_TOP);
}
END_TEST

/* 100 (IDR, fn 0), 101..103 (fn 1..3), 100 made long-term 0 by 103. */
START_TEST(p_list_frames)
{
	struct dpb_h264_picture_info info = frame(100, true, true, 0, 0);
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_slice p = { .type = DPB_H264_SLICE_P,
				    .num_ref_idx_active = { 5, 0 } };

	decode(&info);
	info = frame(101, false, true, 1, 2);
	decode(&info);
	info = frame(102, false, true, 2, 4);
	decode(&info);
	info = frame(103, false, true, 3, 6);
	add_mmco(&info, DPB_H264_MMCO_MAX_LONG_TERM_IDX, 1, 0);
	add_mmco(&info, DPB_H264_MMCO_SHORT_TO_LONG, 2, 0);
	decode(&info);
	info = frame(104, false, true, 4, 8);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), 0);
	/* Short-term by descending PicNum, then long-term. */
	check_list(l0, 5, (const uint64_t[]){ 103, 102, 101, 100 },
		   (const uint8_t[]){ 3, 3, 3, 3 }, 4);
	check_list(l1, DPB_H264_MAX_REFS, NULL, NULL, 0);
}
END_TEST

/* POCs 0 (IDR), 16, 8 (references); the B frame's POC given. */
static void b_frames(int32_t b_poc)
{
	struct dpb_h264_picture_info info = frame(0, true, true, 0, 0);

	sps.max_num_reorder_frames = 2;
	sps.log2_max_pic_order_cnt_lsb = 8;
	decode(&info);
	info = frame(16, false, true, 1, 16);
	decode(&info);
	info = frame(8, false, true, 2, 8);
	decode(&info);
	info = frame(100, false, false, 3, (uint32_t)b_poc);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
}

START_TEST(b_list_frames)
{
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_slice b = { .type = DPB_H264_SLICE_B,
				    .num_ref_idx_active = { 3, 3 } };
	static const uint8_t frames[] = { 3, 3, 3 };

	b_frames(4);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &b, l0, l1), 0);
	check_list(l0, 3, (const uint64_t[]){ 0, 8, 16 }, frames, 3);
	check_list(l1, 3, (const uint64_t[]){ 8, 16, 0 }, frames, 3);
}
END_TEST

START_TEST(b_list_frames_swap)
{
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_slice b = { .type = DPB_H264_SLICE_B,
				    .num_ref_idx_active = { 2, 2 } };
	static const uint8_t frames[] = { 3, 3 };

	/* All references before: list1 would equal list0 (16, 8, 0), so
	 * its first two swap; then both are cut to two. */
	b_frames(20);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &b, l0, l1), 0);
	check_list(l0, 2, (const uint64_t[]){ 16, 8 }, frames, 2);
	check_list(l1, 2, (const uint64_t[]){ 8, 16 }, frames, 2);
}
END_TEST

/* Reference field pairs fn 0 (POC 0/1) and fn 1 (POC 8/9). */
static void two_field_pairs(void)
{
	struct dpb_h264_picture_info info;

	sps.frame_mbs_only = false;
	sps.max_num_reorder_frames = 2;
	info = field(100, true, true, 0, 0, false);
	decode(&info);
	info = field(100, false, true, 0, 1, true);
	decode(&info);
	info = field(101, false, true, 1, 8, false);
	decode(&info);
	info = field(101, false, true, 1, 9, true);
	decode(&info);
}

START_TEST(p_list_fields)
{
	struct dpb_h264_picture_info info;
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_slice p = { .type = DPB_H264_SLICE_P,
				    .num_ref_idx_active = { 6, 0 } };
	const uint8_t T = DPB_H264_TOP, B = DPB_H264_BOTTOM;

	two_field_pairs();
	info = field(102, false, true, 2, 12, false);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	/* Frames by FrameNumWrap 1, 0; fields alternate from top. */
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), 0);
	check_list(l0, 6, (const uint64_t[]){ 101, 101, 100, 100 },
		   (const uint8_t[]){ T, B, T, B }, 4);
	/* Their top (first) fields' PicNum: 2 * FrameNumWrap + 1. */
	ck_assert_int_eq(entry_of(101, NULL).pic_num, 3);
	ck_assert_int_eq(entry_of(100, NULL).pic_num, 1);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);

	/* The bottom field: frames 102 (its top only), 101, 100; bottom
	 * first: 101B, 102T, 100B, 101T, then the tops left: 100T. */
	info = field(102, false, true, 2, 13, true);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), 0);
	check_list(l0, 6, (const uint64_t[]){ 101, 102, 100, 101, 100 },
		   (const uint8_t[]){ B, T, B, T, T }, 5);
	/* Top fields, opposite parity now: 2 * FrameNumWrap. */
	ck_assert_int_eq(entry_of(102, NULL).pic_num, 4);
	ck_assert_int_eq(entry_of(101, NULL).pic_num, 2);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);
}
END_TEST

START_TEST(b_list_fields)
{
	struct dpb_h264_picture_info info;
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_slice b = { .type = DPB_H264_SLICE_B,
				    .num_ref_idx_active = { 4, 4 } };
	const uint8_t T = DPB_H264_TOP, B = DPB_H264_BOTTOM;

	two_field_pairs();
	/* Non-reference B fields at POC 4 and 5, between the pairs. */
	info = field(102, false, false, 2, 4, false);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &b, l0, l1), 0);
	check_list(l0, 4, (const uint64_t[]){ 100, 100, 101, 101 },
		   (const uint8_t[]){ T, B, T, B }, 4);
	check_list(l1, 4, (const uint64_t[]){ 101, 101, 100, 100 },
		   (const uint8_t[]){ T, B, T, B }, 4);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);

	info = field(102, false, false, 2, 5, true);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &b, l0, l1), 0);
	check_list(l0, 4, (const uint64_t[]){ 100, 100, 101, 101 },
		   (const uint8_t[]){ B, T, B, T }, 4);
	check_list(l1, 4, (const uint64_t[]){ 101, 101, 100, 100 },
		   (const uint8_t[]){ B, T, B, T }, 4);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);
	dpb_h264_drain(dpb);
	check_outputs((const uint64_t[]){ 100, 102, 101 }, 3);
}
END_TEST

/* A frame whose bottom field is no longer a reference is no frame
 * reference (8.2.4.2.1) but still gives its top field to field lists. */
START_TEST(frame_list_skips_half_reference)
{
	struct dpb_h264_picture_info info;
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_slice p = { .type = DPB_H264_SLICE_P,
				    .num_ref_idx_active = { 2, 0 } };

	sps.frame_mbs_only = false;
	info = field(100, true, true, 0, 0, false);
	decode(&info);
	info = field(100, false, true, 0, 1, true);
	decode(&info);
	info = field(101, false, true, 1, 4, false);
	decode(&info);
	/* CurrPicNum 2 * 1 + 1 = 3; 100's bottom field (same parity) is
	 * PicNum 2 * 0 + 1 = 1: difference_of_pic_nums_minus1 1. */
	info = field(101, false, true, 1, 5, true);
	add_mmco(&info, DPB_H264_MMCO_UNMARK_SHORT, 1, 0);
	decode(&info);
	ck_assert_uint_eq(entry_of(100, NULL).ref_fields, DPB_H264_TOP);

	info = frame(102, false, true, 2, 8);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), 0);
	check_list(l0, 2, (const uint64_t[]){ 101 }, (const uint8_t[]){ 3 }, 1);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);

	/* A top field: 102, 101 by FrameNumWrap, then 100's top only. */
	p.num_ref_idx_active[0] = 5;
	info = field(103, false, true, 3, 12, false);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), 0);
	check_list(l0, 5, (const uint64_t[]){ 102, 102, 101, 101, 100 },
		   (const uint8_t[]){ DPB_H264_TOP, DPB_H264_BOTTOM,
				      DPB_H264_TOP, DPB_H264_BOTTOM,
				      DPB_H264_TOP }, 5);
}
END_TEST

/* An IDR frame coded as two IDR fields is one picture pair. */
START_TEST(idr_field_pair)
{
	struct dpb_h264_picture_info info;

	sps.frame_mbs_only = false;
	info = field(100, true, true, 0, 0, false);
	decode(&info);
	info = field(100, true, true, 0, 1, true);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_uint_eq(entry_count(), 1);
	ck_assert_uint_eq(entry_of(100, NULL).ref_fields, DPB_H264_TOP);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);
	ck_assert_uint_eq(entry_of(100, NULL).ref_fields, DPB_H264_FRAME);
	check_outputs((const uint64_t[]){ 100 }, 1);
	ck_assert_uint_eq(rec.out_fields[0], DPB_H264_FRAME);
}
END_TEST

/* Field lists: the short-term fields alternated, then the long-term ones
 * by LongTermFrameIdx, alternated in turn (8.2.4.2.5). */
START_TEST(p_list_fields_long_term)
{
	struct dpb_h264_picture_info info;
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_slice p = { .type = DPB_H264_SLICE_P,
				    .num_ref_idx_active = { 6, 0 } };
	const uint8_t T = DPB_H264_TOP, B = DPB_H264_BOTTOM;

	sps.frame_mbs_only = false;
	/* 100: long-term index 0 (IDR fields). */
	info = field(100, true, true, 0, 0, false);
	info.long_term_reference_flag = true;
	decode(&info);
	info = field(100, true, true, 0, 1, true);
	info.long_term_reference_flag = true;
	decode(&info);
	/* 101: index 1 (MaxLongTermFrameIdx raised to 1 first). */
	info = field(101, false, true, 1, 4, false);
	add_mmco(&info, DPB_H264_MMCO_MAX_LONG_TERM_IDX, 2, 0);
	add_mmco(&info, DPB_H264_MMCO_CURRENT_TO_LONG, 0, 1);
	decode(&info);
	info = field(101, false, true, 1, 5, true);
	add_mmco(&info, DPB_H264_MMCO_CURRENT_TO_LONG, 0, 1);
	decode(&info);
	ck_assert_uint_eq(entry_of(101, NULL).frame_num, 1);
	ck_assert_uint_eq(entry_of(101, NULL).ref_fields, DPB_H264_FRAME);
	/* 102: short-term. */
	info = field(102, false, true, 2, 8, false);
	decode(&info);
	info = field(102, false, true, 2, 9, true);
	decode(&info);

	/* A bottom field: 102B 102T, then 100 (index 0) and 101 (1),
	 * bottom first in each. */
	info = field(103, false, true, 3, 13, true);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), 0);
	check_list(l0, 6, (const uint64_t[]){ 102, 102, 100, 100, 101, 101 },
		   (const uint8_t[]){ B, T, B, T, B, T }, 6);
	/* LongTermPicNum of the entries' first (top) fields, opposite
	 * parity: 2 * LongTermFrameIdx. */
	ck_assert_int_eq(entry_of(100, NULL).pic_num, 0);
	ck_assert_int_eq(entry_of(101, NULL).pic_num, 2);
}
END_TEST

START_TEST(list_modification)
{
	struct dpb_h264_picture_info info = frame(104, false, true, 4, 8);
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_slice p = { .type = DPB_H264_SLICE_P,
				    .num_ref_idx_active = { 4, 0 },
				    .n_modifications = { 2, 0 } };

	four_references();
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	/* 4 - 3 = PicNum 1 first, then 1 - 1 = PicNum 0: from 3 2 1 0 to
	 * 1 0 3 2. */
	p.modification[0][0] = (struct dpb_h264_modification){ 0, 2 };
	p.modification[0][1] = (struct dpb_h264_modification){ 0, 0 };
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), 0);
	check_list(l0, 4, (const uint64_t[]){ 101, 100, 103, 102 },
		   (const uint8_t[]){ 3, 3, 3, 3 }, 4);

	/* Down to PicNum 4 - 4 = 0, then up (idc 1) to 0 + 2 = 2. */
	p.modification[0][0] = (struct dpb_h264_modification){ 0, 3 };
	p.modification[0][1] = (struct dpb_h264_modification){ 1, 1 };
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), 0);
	check_list(l0, 4, (const uint64_t[]){ 100, 102, 103, 101 },
		   (const uint8_t[]){ 3, 3, 3, 3 }, 4);

	/* 4 - 5 wraps to 15 > CurrPicNum: PicNum -1, no such picture; no
	 * long-term picture at all. */
	p.modification[0][0] = (struct dpb_h264_modification){ 0, 4 };
	p.n_modifications[0] = 1;
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), -EINVAL);
	p.modification[0][0] = (struct dpb_h264_modification){ 2, 0 };
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), -EINVAL);
	/* More modifications than entries. */
	p.n_modifications[0] = 5;
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), -EINVAL);
}
END_TEST

START_TEST(bad_input)
{
	struct dpb_h264_picture_info info = frame(100, false, true, 16, 0);
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_slice p = { .type = DPB_H264_SLICE_P,
				    .num_ref_idx_active = { 1, 0 } };
	struct dpb_h264_entry e[DPB_H264_MAX_FRAMES];

	/* frame_num >= MaxFrameNum (16); then nothing changed. */
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), -EINVAL);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), -EBUSY);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), -EBUSY);
	info = frame(100, false, true, 3, 17);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), -EINVAL);

	/* Lists asked with an empty DPB. */
	info = frame(100, true, true, 0, 0);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), -EBUSY);
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), -EINVAL);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), 0);

	/* An MMCO naming no picture (PicNum 1 - 3 = -2). */
	info = frame(101, false, true, 1, 2);
	add_mmco(&info, DPB_H264_MMCO_UNMARK_SHORT, 2, 0);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	p.num_ref_idx_active[0] = 0;
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), -EINVAL);
	p.num_ref_idx_active[0] = 17;
	ck_assert_int_eq(dpb_h264_ref_lists(dpb, &p, l0, l1), -EINVAL);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), -EINVAL);

	/* More references than max_num_ref_frames (adaptive marking with no
	 * operation): an error, and the oldest goes. */
	sps.max_num_ref_frames = 2;
	info = frame(102, false, true, 2, 4);
	add_mmco(&info, DPB_H264_MMCO_MAX_LONG_TERM_IDX, 0, 0);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	ck_assert_int_eq(dpb_h264_finish_picture(dpb), -EINVAL);
	ck_assert_uint_eq(dpb_h264_entries(dpb, e), 2);
	ck_assert(was_released(100));

	/* An SPS beyond 16 frames, a field in a frame-only stream. */
	sps.max_dec_frame_buffering = 17;
	info = frame(103, false, true, 3, 6);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), -EINVAL);
	sps.max_dec_frame_buffering = 5;
	info = field(103, false, true, 3, 6, false);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), -EINVAL);
	info = frame(103, false, true, 3, 6);
	info.adaptive_ref_pic_marking = true;
	info.n_mmco = DPB_H264_MAX_MMCO + 1;
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), -EINVAL);
}
END_TEST

START_TEST(reset_releases_without_output)
{
	struct dpb_h264_picture_info info;

	sps.max_num_reorder_frames = 2;
	info = frame(100, true, true, 0, 0);
	decode(&info);
	info = frame(101, false, true, 1, 4);
	ck_assert_int_eq(dpb_h264_start_picture(dpb, &sps, &info), 0);
	dpb_h264_reset(dpb);
	ck_assert_uint_eq(rec.n_out, 0);
	ck_assert(was_released(100) && was_released(101));
	ck_assert_uint_eq(entry_count(), 0);
}
END_TEST

/* A small deterministic generator for the random streams. */
static uint32_t lcg_state;

static uint32_t rnd(uint32_t n)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return (lcg_state >> 8) % n;
}

/* Lists name only entries that exist and fields that are references. */
static void check_lists_valid(const struct dpb_h264_ref *list, unsigned n)
{
	struct dpb_h264_entry e[DPB_H264_MAX_FRAMES];
	unsigned count = dpb_h264_entries(dpb, e);

	for (unsigned i = 0; i < n; i++) {
		if (list[i].fields == DPB_H264_NO_FIELD)
			continue;
		ck_assert_uint_lt(list[i].index, count);
		ck_assert_uint_eq(e[list[i].index].ref_fields & list[i].fields,
				  list[i].fields);
	}
}

/* Random (often invalid) streams: errors allowed, but every picture is
 * output and released at most once, never a non-existing one, and lists
 * stay within the DPB. */
START_TEST(random_streams_keep_invariants)
{
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	/* Which pictures own a buffer: all but second fields, found as the
	 * DPB pairs them (the previous picture an unpaired first field of
	 * the other parity and the same frame_num). */
	static bool owns[MAX_ID];
	struct dpb_h264_picture_info open_field = { 0 };
	bool field_open = false;

	memset(owns, 0, sizeof(owns));
	lcg_state = 1234u + (uint32_t)_i;
	sps.frame_mbs_only = false;
	sps.pic_order_cnt_type = (uint8_t)(_i % 3);
	sps.num_ref_frames_in_pic_order_cnt_cycle = 3;
	sps.offset_for_ref_frame[0] = 4;
	sps.offset_for_ref_frame[1] = -2;
	sps.offset_for_ref_frame[2] = 6;
	sps.max_num_ref_frames = (uint8_t)(_i % 5);
	sps.max_dec_frame_buffering =
		(uint8_t)(sps.max_num_ref_frames + _i % 3);
	sps.max_num_reorder_frames = (uint8_t)(_i % 2 ? 0 :
		sps.max_dec_frame_buffering);
	sps.gaps_in_frame_num_allowed = true;

	for (uint64_t id = 1; id < 3000; id++) {
		struct dpb_h264_picture_info info = {
			.id = id,
			.idr = rnd(40) == 0,
			.nal_ref_idc = (uint8_t)rnd(3),
			.frame_num = rnd(17),
			.field_pic = rnd(3) == 0,
			.pic_order_cnt_lsb = rnd(17),
			.delta_pic_order_cnt_bottom = (int32_t)rnd(5) - 2,
			.no_output_of_prior_pics = rnd(2),
			.long_term_reference_flag = rnd(4) == 0,
			.adaptive_ref_pic_marking = rnd(4) == 0,
		};
		struct dpb_h264_slice slice = {
			.type = (enum dpb_h264_slice_type)rnd(3),
			.num_ref_idx_active = { (uint8_t)rnd(34),
						(uint8_t)rnd(34) },
			.n_modifications = { (uint8_t)rnd(3), (uint8_t)rnd(3) },
		};

		info.bottom_field = info.field_pic && rnd(2);
		info.n_mmco = info.adaptive_ref_pic_marking ? rnd(4) : 0;
		for (unsigned i = 0; i < info.n_mmco; i++)
			info.mmco[i] = (struct dpb_h264_mmco){
				.op = (uint8_t)(1 + rnd(6)),
				.difference_of_pic_nums_minus1 = rnd(8),
				.long_term_pic_num = rnd(8),
				.long_term_frame_idx = rnd(4),
				.max_long_term_frame_idx_plus1 = rnd(5),
			};
		for (unsigned l = 0; l < 2; l++)
			for (unsigned i = 0; i < 2; i++)
				slice.modification[l][i] =
					(struct dpb_h264_modification){
						(uint8_t)rnd(4), rnd(20) };
		if (dpb_h264_start_picture(dpb, &sps, &info))
			continue;
		bool second = info.field_pic && field_open &&
			info.bottom_field != open_field.bottom_field &&
			info.frame_num == open_field.frame_num &&
			(!info.idr || open_field.idr);
		owns[id] = !second;
		if (!dpb_h264_ref_lists(dpb, &slice, l0, l1)) {
			check_lists_valid(l0, DPB_H264_MAX_REFS);
			check_lists_valid(l1, DPB_H264_MAX_REFS);
		}
		field_open = false;
		if (rnd(200) == 0) {
			dpb_h264_reset(dpb);
			continue;
		}
		if (dpb_h264_finish_picture(dpb) != -ENOSPC && info.field_pic &&
		    !second) {
			field_open = true;
			open_field = info;
			/* MMCO 5 makes it frame_num 0 (8.2.1). */
			for (unsigned i = 0; i < info.n_mmco; i++)
				if (info.nal_ref_idc && !info.idr &&
				    info.mmco[i].op == DPB_H264_MMCO_UNMARK_ALL)
					open_field.frame_num = 0;
		}
		if (rnd(300) == 0) {
			dpb_h264_drain(dpb);
			field_open = false;
		}
	}
	dpb_h264_drain(dpb);
	ck_assert_uint_eq(entry_count(), 0);
	for (unsigned id = 0; id < MAX_ID; id++) {
		ck_assert_uint_le(rec.times_out[id], 1);
		ck_assert_msg(rec.times_released[id] == owns[id],
			      "id %u: released %u times", id,
			      rec.times_released[id]);
	}
}
END_TEST

static Suite *dpb_h264_suite(void)
{
	Suite *s = suite_create("dpb-h264");
	TCase *tc = tcase_create("dpb");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, poc_type0_lsb_wrap);
	tcase_add_test(tc, poc_type1_cycle);
	tcase_add_test(tc, poc_type2_frame_num_wrap);
	tcase_add_test(tc, poc_type1_fields);
	tcase_add_test(tc, ibbp_output_order);
	tcase_add_test(tc, non_reference_output_unstored);
	tcase_add_test(tc, sliding_window_drops_oldest);
	tcase_add_test(tc, mmco1_unmarks_short_term);
	tcase_add_test(tc, mmco3_short_to_long_term);
	tcase_add_test(tc, mmco2_unmarks_long_term);
	tcase_add_test(tc, mmco4_trims_long_term_indices);
	tcase_add_test(tc, mmco6_current_to_long_term);
	tcase_add_test(tc, mmco5_resets);
	tcase_add_test(tc, idr_no_output_of_prior_pics);
	tcase_add_test(tc, idr_outputs_prior_pics);
	tcase_add_test(tc, frame_num_gap);
	tcase_add_test(tc, paff_field_pairs);
	tcase_add_test(tc, p_list_frames);
	tcase_add_test(tc, b_list_frames);
	tcase_add_test(tc, b_list_frames_swap);
	tcase_add_test(tc, p_list_fields);
	tcase_add_test(tc, b_list_fields);
	tcase_add_test(tc, frame_list_skips_half_reference);
	tcase_add_test(tc, idr_field_pair);
	tcase_add_test(tc, p_list_fields_long_term);
	tcase_add_test(tc, list_modification);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, reset_releases_without_output);
	tcase_add_loop_test(tc, random_streams_keep_invariants, 0, 15);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(dpb_h264_suite());
}
