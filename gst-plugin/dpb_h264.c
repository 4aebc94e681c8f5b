/* H.264 reference management: see dpb_h264.h. Clause numbers are ITU-T
 * H.264's.
 *
 * The DPB is an array of frame stores; a stored frame keeps its slot until
 * it leaves, and a second field is decoded into its first field's store.
 * Each store records which fields were decoded and which are short- or
 * long-term references, which is all that marking, pic numbers (8.2.4.1)
 * and list building need for frames and fields alike. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpb_h264.h"

struct frame_store {
	bool used;
	bool idr;
	bool non_existing;
	bool needed_for_output;
	uint64_t id;
	uint32_t frame_num;
	uint32_t long_term_frame_idx;
	int32_t poc[2];		/* top, bottom */
	uint8_t coded_as;	/* the first picture's structure */
	uint8_t present;	/* enum dpb_h264_fields */
	uint8_t short_ref;
	uint8_t long_ref;
};

struct dpb_h264 {
	struct dpb_h264_ops ops;
	void *user;
	struct dpb_h264_sps sps;
	struct frame_store frames[DPB_H264_MAX_FRAMES];

	/* The picture between start and finish. */
	bool in_picture;
	struct dpb_h264_picture_info cur;
	uint8_t cur_structure;	/* DPB_H264_FRAME, _TOP or _BOTTOM */
	int32_t cur_poc[2];
	int32_t cur_poc_msb;
	int cur_slot;		/* a second field's store, else -1 */
	bool cur_mmco5;
	bool cur_long_term;	/* marked long-term (IDR flag or MMCO 6) */
	uint32_t cur_long_term_frame_idx;

	/* What the next picture derives its values from. */
	bool have_prev_ref;
	int unpaired_field;	/* the previous picture's store if it is a
				 * first field waiting for its pair, else -1 */
	uint32_t prev_ref_frame_num;
	int32_t prev_poc_msb;
	int32_t prev_poc_lsb;
	uint32_t prev_frame_num;
	int64_t prev_frame_num_offset;
	/* MaxLongTermFrameIdx; -1 for "no long-term frame indices" */
	int max_long_term_frame_idx;
};

static unsigned field_index(uint8_t field)
{
	return field == DPB_H264_BOTTOM;
}

static uint32_t max_frame_num(const struct dpb_h264 *d)
{
	return 1u << d->sps.log2_max_frame_num;
}

static unsigned dpb_size(const struct dpb_h264 *d)
{
	uint8_t size = d->sps.max_dec_frame_buffering;

	return size ? size : 1;
}

static unsigned max_refs(const struct dpb_h264 *d)
{
	return d->sps.max_num_ref_frames ? d->sps.max_num_ref_frames : 1;
}

/* PicOrderCnt() of a frame store (8.2.1): the smaller of its fields'. */
static int32_t store_poc(const struct frame_store *f)
{
	if (f->present == DPB_H264_TOP)
		return f->poc[0];
	if (f->present == DPB_H264_BOTTOM)
		return f->poc[1];
	return f->poc[0] < f->poc[1] ? f->poc[0] : f->poc[1];
}

static int32_t current_poc(const struct dpb_h264 *d)
{
	if (d->cur_structure != DPB_H264_FRAME)
		return d->cur_poc[field_index(d->cur_structure)];
	return d->cur_poc[0] < d->cur_poc[1] ? d->cur_poc[0] : d->cur_poc[1];
}

/* FrameNumWrap (8.2.4.1) against the frame_num being decoded. */
static int32_t frame_num_wrap(const struct dpb_h264 *d,
			      const struct frame_store *f, uint32_t frame_num)
{
	if (f->frame_num > frame_num)
		return (int32_t)f->frame_num - (int32_t)max_frame_num(d);
	return (int32_t)f->frame_num;
}

/* ---- Storage and output (C.4) ---- */

static void empty_store(struct dpb_h264 *d, struct frame_store *f)
{
	if (!f->non_existing && d->ops.release)
		d->ops.release(d->user, f->id);
	memset(f, 0, sizeof(*f));
}

/* Empties the stores that are neither reference nor waiting for output. */
static void remove_unneeded(struct dpb_h264 *d)
{
	for (unsigned i = 0; i < DPB_H264_MAX_FRAMES; i++) {
		struct frame_store *f = &d->frames[i];

		if (f->used && !f->needed_for_output && !f->short_ref &&
		    !f->long_ref)
			empty_store(d, f);
	}
}

static unsigned used_stores(const struct dpb_h264 *d)
{
	unsigned n = 0;

	for (unsigned i = 0; i < DPB_H264_MAX_FRAMES; i++)
		n += d->frames[i].used;
	return n;
}

static void output(struct dpb_h264 *d, uint64_t id, int32_t poc,
		   uint8_t fields)
{
	struct dpb_h264_output out = { .id = id, .poc = poc, .fields = fields };

	if (d->ops.output)
		d->ops.output(d->user, &out);
}

/* The store waiting for output with the lowest POC, exclude aside (a first
 * field whose pair is being decoded); -1 if none. */
static int next_output(const struct dpb_h264 *d, int exclude)
{
	int best = -1;

	for (int i = 0; i < DPB_H264_MAX_FRAMES; i++) {
		const struct frame_store *f = &d->frames[i];

		if (!f->used || !f->needed_for_output || i == exclude)
			continue;
		if (best < 0 || store_poc(f) < store_poc(&d->frames[best]))
			best = i;
	}
	return best;
}

/* The bumping process (C.4.5.3); false when nothing waits for output. */
static bool bump(struct dpb_h264 *d, int exclude)
{
	int i = next_output(d, exclude);

	if (i < 0)
		return false;
	struct frame_store *f = &d->frames[i];
	output(d, f->id, store_poc(f), f->present);
	f->needed_for_output = false;
	if (!f->short_ref && !f->long_ref)
		empty_store(d, f);
	return true;
}

static unsigned waiting_for_output(const struct dpb_h264 *d, int exclude)
{
	unsigned n = 0;

	for (int i = 0; i < DPB_H264_MAX_FRAMES; i++)
		n += d->frames[i].used && d->frames[i].needed_for_output &&
			i != exclude;
	return n;
}

/* A free store, bumping while the DPB is full; -1 if it stays full. */
static int free_store(struct dpb_h264 *d)
{
	while (used_stores(d) >= dpb_size(d))
		if (!bump(d, -1))
			return -1;
	for (int i = 0; i < DPB_H264_MAX_FRAMES; i++)
		if (!d->frames[i].used)
			return i;
	return -1;
}

static void unmark_all(struct dpb_h264 *d)
{
	for (unsigned i = 0; i < DPB_H264_MAX_FRAMES; i++)
		d->frames[i].short_ref = d->frames[i].long_ref = 0;
	d->max_long_term_frame_idx = -1;
}

/* Empties the DPB: with output in POC order first (C.4.4 bumping), or
 * without (no_output_of_prior_pics_flag, reset). */
static void flush(struct dpb_h264 *d, bool with_output)
{
	if (with_output)
		while (bump(d, -1))
			;
	for (unsigned i = 0; i < DPB_H264_MAX_FRAMES; i++)
		if (d->frames[i].used)
			empty_store(d, &d->frames[i]);
}

/* ---- Picture order count (8.2.1) ---- */

/* Type 0 (8.2.1.1): from pic_order_cnt_lsb and the previous reference
 * picture's PicOrderCntMsb. */
static int64_t poc_type0(const struct dpb_h264 *d,
			 const struct dpb_h264_picture_info *info,
			 int64_t *msb)
{
	int64_t max_lsb = (int64_t)1 << d->sps.log2_max_pic_order_cnt_lsb;
	int64_t lsb = info->pic_order_cnt_lsb;
	int64_t prev_msb = info->idr ? 0 : d->prev_poc_msb;
	int64_t prev_lsb = info->idr ? 0 : d->prev_poc_lsb;

	/* 8-3 */
	*msb = prev_msb;
	if (lsb < prev_lsb && prev_lsb - lsb >= max_lsb / 2)
		*msb = prev_msb + max_lsb;
	else if (lsb > prev_lsb && lsb - prev_lsb > max_lsb / 2)
		*msb = prev_msb - max_lsb;
	return *msb + lsb;
}

/* Type 1 (8.2.1.2): expectedPicOrderCnt from the SPS's cycle; false on
 * overflow. */
static bool poc_type1_expected(const struct dpb_h264_sps *sps,
			       int64_t abs_frame_num, bool ref,
			       int64_t *expected)
{
	unsigned cycle = sps->num_ref_frames_in_pic_order_cnt_cycle;
	int64_t per_cycle = 0, cycles;
	unsigned in_cycle;

	*expected = ref ? 0 : sps->offset_for_non_ref_pic;
	if (!cycle)
		return true;
	if (!ref && abs_frame_num > 0)
		abs_frame_num--;
	if (abs_frame_num <= 0)
		return true;
	cycles = (abs_frame_num - 1) / cycle;
	in_cycle = (unsigned)((abs_frame_num - 1) % cycle);
	for (unsigned i = 0; i < cycle; i++)
		per_cycle += sps->offset_for_ref_frame[i];
	if (per_cycle && cycles > INT64_MAX / 2 / llabs(per_cycle))
		return false;
	*expected += cycles * per_cycle;
	for (unsigned i = 0; i <= in_cycle; i++)
		*expected += sps->offset_for_ref_frame[i];
	return true;
}

/* POC of the current picture, or of a gap's frame (8.2.1): poc[] gets
 * TopFieldOrderCnt and BottomFieldOrderCnt (0 for a field not coded).
 * Types 1 and 2 move the frame_num state (FrameNumOffset) on here, type 0
 * its state at finish. */
static int compute_poc(struct dpb_h264 *d,
		       const struct dpb_h264_picture_info *info,
		       uint8_t structure, int32_t poc[2], int32_t *poc_msb)
{
	const struct dpb_h264_sps *sps = &d->sps;
	int64_t top, bottom, msb = 0, offset = 0, expected;

	if (sps->pic_order_cnt_type == 0) {
		top = poc_type0(d, info, &msb);
		bottom = top;
		if (structure == DPB_H264_FRAME)
			bottom += info->delta_pic_order_cnt_bottom;
	} else {
		if (!info->idr) {
			offset = d->prev_frame_num_offset;
			if (d->prev_frame_num > info->frame_num)
				offset += max_frame_num(d);
		}
		int64_t abs_frame_num = offset + info->frame_num;

		if (sps->pic_order_cnt_type == 1) {
			if (!poc_type1_expected(sps, abs_frame_num,
						info->nal_ref_idc, &expected))
				return -EINVAL;
			int32_t to_bottom = sps->offset_for_top_to_bottom_field;

			/* 8-9/8-10: a field takes delta_pic_order_cnt[0]. */
			top = expected + info->delta_pic_order_cnt[0];
			bottom = top + to_bottom;
			if (structure == DPB_H264_FRAME)
				bottom += info->delta_pic_order_cnt[1];
		} else {
			/* 8-12 */
			top = info->idr ? 0 : 2 * abs_frame_num -
				!info->nal_ref_idc;
			bottom = top;
		}
	}
	if (top < INT32_MIN || top > INT32_MAX || bottom < INT32_MIN ||
	    bottom > INT32_MAX || msb < INT32_MIN || msb > INT32_MAX)
		return -EINVAL;
	if (sps->pic_order_cnt_type != 0) {
		d->prev_frame_num_offset = offset;
		d->prev_frame_num = info->frame_num;
	}
	*poc_msb = (int32_t)msb;
	poc[0] = structure == DPB_H264_BOTTOM ? 0 : (int32_t)top;
	poc[1] = structure == DPB_H264_TOP ? 0 : (int32_t)bottom;
	return 0;
}

/* ---- Marking (8.2.5) ---- */

static unsigned reference_frames(const struct dpb_h264 *d)
{
	unsigned n = 0;

	for (unsigned i = 0; i < DPB_H264_MAX_FRAMES; i++)
		n += (d->frames[i].short_ref | d->frames[i].long_ref) != 0;
	return n;
}

/* Unmarks the short-term frame, complementary pair or non-paired field with
 * the smallest FrameNumWrap (8.2.5.3); false if there is none. */
static bool slide_out_oldest(struct dpb_h264 *d, uint32_t frame_num,
			     int keep)
{
	int oldest = -1;

	for (int i = 0; i < DPB_H264_MAX_FRAMES; i++) {
		const struct frame_store *f = &d->frames[i];

		if (!f->short_ref || i == keep)
			continue;
		if (oldest < 0 ||
		    frame_num_wrap(d, f, frame_num) <
		    frame_num_wrap(d, &d->frames[oldest], frame_num))
			oldest = i;
	}
	if (oldest < 0)
		return false;
	d->frames[oldest].short_ref = 0;
	return true;
}

/* Sliding window (8.2.5.3) before storing a new reference frame or first
 * field; the loop (rather than the spec's single step) also brings back a
 * DPB that a bad stream overfilled. */
static int sliding_window(struct dpb_h264 *d, uint32_t frame_num)
{
	while (reference_frames(d) >= max_refs(d))
		if (!slide_out_oldest(d, frame_num, -1))
			return -EINVAL;
	return 0;
}

static uint8_t current_parity_bit(const struct dpb_h264 *d, uint8_t field)
{
	return d->cur_structure == field;
}

/* The short-term picture with PicNum pic_num (8.2.4.1) in the current
 * structure: its store and field(s); -1 if none. */
static int find_short_term(const struct dpb_h264 *d, int64_t pic_num,
			   uint8_t *fields)
{
	for (int i = 0; i < DPB_H264_MAX_FRAMES; i++) {
		const struct frame_store *f = &d->frames[i];
		int64_t wrap = frame_num_wrap(d, f, d->cur.frame_num);

		if (!f->used || !f->short_ref)
			continue;
		if (d->cur_structure == DPB_H264_FRAME) {
			if (f->short_ref == DPB_H264_FRAME && wrap == pic_num) {
				*fields = DPB_H264_FRAME;
				return i;
			}
			continue;
		}
		for (uint8_t p = DPB_H264_TOP; p <= DPB_H264_BOTTOM; p++)
			if (f->short_ref & p &&
			    2 * wrap + current_parity_bit(d, p) == pic_num) {
				*fields = p;
				return i;
			}
	}
	return -1;
}

/* The long-term picture with LongTermPicNum num; -1 if none. */
static int find_long_term(const struct dpb_h264 *d, int64_t num,
			  uint8_t *fields)
{
	for (int i = 0; i < DPB_H264_MAX_FRAMES; i++) {
		const struct frame_store *f = &d->frames[i];
		int64_t idx = f->long_term_frame_idx;

		if (!f->used || !f->long_ref)
			continue;
		if (d->cur_structure == DPB_H264_FRAME) {
			if (f->long_ref == DPB_H264_FRAME && idx == num) {
				*fields = DPB_H264_FRAME;
				return i;
			}
			continue;
		}
		for (uint8_t p = DPB_H264_TOP; p <= DPB_H264_BOTTOM; p++)
			if (f->long_ref & p &&
			    2 * idx + current_parity_bit(d, p) == num) {
				*fields = p;
				return i;
			}
	}
	return -1;
}

static int64_t current_pic_num(const struct dpb_h264 *d)
{
	if (d->cur_structure == DPB_H264_FRAME)
		return d->cur.frame_num;
	return 2 * (int64_t)d->cur.frame_num + 1;
}

/* Frees LongTermFrameIdx idx for the frame in store keep (-1: none). */
static void free_long_term_idx(struct dpb_h264 *d, uint32_t idx, int keep)
{
	for (int i = 0; i < DPB_H264_MAX_FRAMES; i++)
		if (i != keep && d->frames[i].long_ref &&
		    d->frames[i].long_term_frame_idx == idx)
			d->frames[i].long_ref = 0;
}

static int apply_mmco(struct dpb_h264 *d, const struct dpb_h264_mmco *m)
{
	int64_t pic_num = current_pic_num(d) -
		((int64_t)m->difference_of_pic_nums_minus1 + 1);
	uint8_t fields;
	int i;

	switch (m->op) {
	case DPB_H264_MMCO_UNMARK_SHORT:
		i = find_short_term(d, pic_num, &fields);
		if (i < 0)
			return -EINVAL;
		d->frames[i].short_ref &= ~fields;
		return 0;
	case DPB_H264_MMCO_UNMARK_LONG:
		i = find_long_term(d, m->long_term_pic_num, &fields);
		if (i < 0)
			return -EINVAL;
		d->frames[i].long_ref &= ~fields;
		return 0;
	case DPB_H264_MMCO_SHORT_TO_LONG:
		i = find_short_term(d, pic_num, &fields);
		if (i < 0 || (int64_t)m->long_term_frame_idx >
			     d->max_long_term_frame_idx)
			return -EINVAL;
		/* A store has one LongTermFrameIdx: its other field, if
		 * long-term under another index, goes. */
		if (d->frames[i].long_ref &&
		    d->frames[i].long_term_frame_idx != m->long_term_frame_idx)
			d->frames[i].long_ref = 0;
		free_long_term_idx(d, m->long_term_frame_idx, i);
		d->frames[i].short_ref &= ~fields;
		d->frames[i].long_ref |= fields;
		d->frames[i].long_term_frame_idx = m->long_term_frame_idx;
		return 0;
	case DPB_H264_MMCO_MAX_LONG_TERM_IDX:
		if (m->max_long_term_frame_idx_plus1 > DPB_H264_MAX_FRAMES)
			return -EINVAL;
		d->max_long_term_frame_idx =
			(int)m->max_long_term_frame_idx_plus1 - 1;
		for (i = 0; i < DPB_H264_MAX_FRAMES; i++)
			if ((int64_t)d->frames[i].long_term_frame_idx >
			    d->max_long_term_frame_idx)
				d->frames[i].long_ref = 0;
		return 0;
	case DPB_H264_MMCO_UNMARK_ALL:
		unmark_all(d);
		d->cur_mmco5 = true;
		return 0;
	case DPB_H264_MMCO_CURRENT_TO_LONG:
		if ((int64_t)m->long_term_frame_idx >
		    d->max_long_term_frame_idx)
			return -EINVAL;
		free_long_term_idx(d, m->long_term_frame_idx, d->cur_slot);
		d->cur_long_term = true;
		d->cur_long_term_frame_idx = m->long_term_frame_idx;
		return 0;
	}
	return -EINVAL;
}

/* Marking of a reference picture (8.2.5.1), before it is stored. */
static int mark_current(struct dpb_h264 *d)
{
	const struct dpb_h264_picture_info *info = &d->cur;
	int ret = 0;

	if (info->idr) {
		/* The others were unmarked at start (nothing references
		 * them); a second IDR field keeps its first field. */
		if (d->cur_slot < 0)
			d->max_long_term_frame_idx =
				info->long_term_reference_flag ? 0 : -1;
		d->cur_long_term = info->long_term_reference_flag;
		d->cur_long_term_frame_idx = 0;
		return 0;
	}
	if (info->adaptive_ref_pic_marking) {
		/* A bad operation is skipped, not the ones after it: an
		 * MMCO 5 must still happen (its flush did, at start). */
		for (unsigned i = 0; i < info->n_mmco; i++)
			if (apply_mmco(d, &info->mmco[i]))
				ret = -EINVAL;
	} else if (d->cur_slot < 0 ||
		   !(d->frames[d->cur_slot].short_ref)) {
		/* A second field whose first field is short-term joins it
		 * without sliding (8.2.5.3). */
		ret = sliding_window(d, info->frame_num);
	}

	/* At most Max(max_num_ref_frames, 1) frames with a reference field,
	 * the current one included (8.2.5.4's constraint). */
	bool counted = d->cur_slot >= 0 &&
		(d->frames[d->cur_slot].short_ref |
		 d->frames[d->cur_slot].long_ref);
	if (reference_frames(d) + !counted > max_refs(d)) {
		ret = -EINVAL;
		while (reference_frames(d) + !counted > max_refs(d) &&
		       slide_out_oldest(d, info->frame_num, d->cur_slot))
			;
	}
	return ret;
}

/* ---- Start ---- */

static bool sps_valid(const struct dpb_h264_sps *sps)
{
	unsigned size = sps->max_dec_frame_buffering ?
		sps->max_dec_frame_buffering : 1;

	return sps->log2_max_frame_num >= 4 && sps->log2_max_frame_num <= 16 &&
		sps->pic_order_cnt_type <= 2 &&
		(sps->pic_order_cnt_type != 0 ||
		 (sps->log2_max_pic_order_cnt_lsb >= 4 &&
		  sps->log2_max_pic_order_cnt_lsb <= 16)) &&
		size <= DPB_H264_MAX_FRAMES &&
		sps->max_num_ref_frames <= size &&
		sps->max_num_reorder_frames <= size;
}

static bool info_valid(const struct dpb_h264_sps *sps,
		       const struct dpb_h264_picture_info *info)
{
	if (info->frame_num >= 1u << sps->log2_max_frame_num ||
	    (info->idr && (info->frame_num || !info->nal_ref_idc)) ||
	    (info->field_pic && sps->frame_mbs_only) ||
	    (!info->field_pic && info->bottom_field) ||
	    info->n_mmco > DPB_H264_MAX_MMCO)
		return false;
	if (sps->pic_order_cnt_type == 0 &&
	    info->pic_order_cnt_lsb >= 1u << sps->log2_max_pic_order_cnt_lsb)
		return false;
	if (info->nal_ref_idc && info->adaptive_ref_pic_marking)
		for (unsigned i = 0; i < info->n_mmco; i++)
			if (info->mmco[i].op < DPB_H264_MMCO_UNMARK_SHORT ||
			    info->mmco[i].op > DPB_H264_MMCO_CURRENT_TO_LONG)
				return false;
	return true;
}

static bool has_mmco5(const struct dpb_h264_picture_info *info)
{
	if (!info->nal_ref_idc || info->idr || !info->adaptive_ref_pic_marking)
		return false;
	for (unsigned i = 0; i < info->n_mmco; i++)
		if (info->mmco[i].op == DPB_H264_MMCO_UNMARK_ALL)
			return true;
	return false;
}

/* The store of the first field that this field completes (a complementary
 * field pair: opposite parity, same frame_num, consecutive), else -1. */
static int first_field_of(const struct dpb_h264 *d,
			  const struct dpb_h264_picture_info *info)
{
	uint8_t parity = info->bottom_field ? DPB_H264_BOTTOM : DPB_H264_TOP;
	const struct frame_store *f;

	if (!info->field_pic || d->unpaired_field < 0)
		return -1;
	f = &d->frames[d->unpaired_field];
	if (!f->used || f->present == parity ||
	    f->frame_num != info->frame_num || (info->idr && !f->idr))
		return -1;
	return d->unpaired_field;
}

/* Frames "non-existing" for the frame_num values skipped (8.2.5.2). */
static void fill_frame_num_gap(struct dpb_h264 *d, uint32_t frame_num)
{
	uint32_t unused = (d->prev_ref_frame_num + 1) % max_frame_num(d);

	while (unused != frame_num) {
		struct dpb_h264_picture_info gap = {
			.nal_ref_idc = 1,
			.frame_num = unused,
		};
		int32_t poc[2] = { 0, 0 }, msb;

		/* POC matters only for types 1 and 2 (their FrameNumOffset
		 * must follow the skipped frames); type 0 leaves it 0. */
		if (d->sps.pic_order_cnt_type == 0 ||
		    compute_poc(d, &gap, DPB_H264_FRAME, poc, &msb))
			poc[0] = poc[1] = 0;
		sliding_window(d, unused);
		remove_unneeded(d);
		int i = free_store(d);
		if (i >= 0)
			d->frames[i] = (struct frame_store){
				.used = true,
				.non_existing = true,
				.frame_num = unused,
				.poc = { poc[0], poc[1] },
				.present = DPB_H264_FRAME,
				.short_ref = DPB_H264_FRAME,
			};
		d->prev_ref_frame_num = unused;
		unused = (unused + 1) % max_frame_num(d);
	}
}

int dpb_h264_start_picture(struct dpb_h264 *d, const struct dpb_h264_sps *sps,
			   const struct dpb_h264_picture_info *info)
{
	if (d->in_picture)
		return -EBUSY;
	if (!sps_valid(sps) || !info_valid(sps, info))
		return -EINVAL;

	/* Kept to undo: counts out of range leave everything as it was. */
	struct dpb_h264 saved = *d;
	int pair = first_field_of(d, info);

	d->sps = *sps;
	d->cur = *info;
	d->cur_structure = !info->field_pic ? DPB_H264_FRAME :
		info->bottom_field ? DPB_H264_BOTTOM : DPB_H264_TOP;
	d->cur_slot = pair;
	if (compute_poc(d, info, d->cur_structure, d->cur_poc,
			&d->cur_poc_msb)) {
		*d = saved;
		return -EINVAL;
	}
	if (pair >= 0) {
		d->cur.id = d->frames[pair].id;
	} else if (info->idr) {
		/* C.4.4: the prior pictures go, output or not. */
		unmark_all(d);
		flush(d, !info->no_output_of_prior_pics);
	} else {
		if (d->have_prev_ref &&
		    info->frame_num != d->prev_ref_frame_num &&
		    info->frame_num !=
		    (d->prev_ref_frame_num + 1) % max_frame_num(d)) {
			/* The gap's frames come before this picture in the
			 * frame_num state of POC types 1 and 2. */
			d->prev_frame_num = saved.prev_frame_num;
			d->prev_frame_num_offset = saved.prev_frame_num_offset;
			fill_frame_num_gap(d, info->frame_num);
			compute_poc(d, info, d->cur_structure, d->cur_poc,
				    &d->cur_poc_msb);
		}
		/* The references stay until this picture is decoded. */
		if (has_mmco5(info))
			while (bump(d, -1))
				;
	}
	d->unpaired_field = -1;
	d->cur_mmco5 = false;
	d->cur_long_term = false;
	d->in_picture = true;
	return 0;
}

void dpb_h264_current_poc(const struct dpb_h264 *d, int32_t *top,
			  int32_t *bottom)
{
	const struct frame_store *first = d->cur_slot >= 0 ?
		&d->frames[d->cur_slot] : NULL;

	*top = d->cur_poc[0];
	*bottom = d->cur_poc[1];
	/* A second field's frame holds both. */
	if (first && d->cur_structure == DPB_H264_BOTTOM)
		*top = first->poc[0];
	else if (first)
		*bottom = first->poc[1];
}

/* ---- Entries and reference lists (8.2.4) ---- */

/* The position of store slot in dpb_h264_entries()' output. */
static uint8_t entry_position(const struct dpb_h264 *d, int slot)
{
	uint8_t n = 0;

	for (int i = 0; i < slot; i++)
		n += d->frames[i].used;
	return n;
}

/* PicNum or LongTermPicNum (8.2.4.1) of the entry's first field (of its
 * top field if it was coded as a frame) when decoding a field. */
static int32_t entry_pic_num(const struct dpb_h264 *d,
			     const struct frame_store *f)
{
	int32_t num = f->long_ref ? (int32_t)f->long_term_frame_idx :
		frame_num_wrap(d, f, d->cur.frame_num);
	uint8_t first = f->coded_as == DPB_H264_FRAME ? DPB_H264_TOP :
		f->coded_as;

	if (d->cur_structure == DPB_H264_FRAME)
		return num;
	return 2 * num + current_parity_bit(d, first);
}

unsigned dpb_h264_entries(const struct dpb_h264 *d,
			  struct dpb_h264_entry out[DPB_H264_MAX_FRAMES])
{
	unsigned n = 0;

	for (unsigned i = 0; i < DPB_H264_MAX_FRAMES; i++) {
		const struct frame_store *f = &d->frames[i];
		struct dpb_h264_entry *e = &out[n];

		if (!f->used)
			continue;
		memset(e, 0, sizeof(*e));
		e->id = f->id;
		e->top_poc = f->present & DPB_H264_TOP ? f->poc[0] : 0;
		e->bottom_poc = f->present & DPB_H264_BOTTOM ? f->poc[1] : 0;
		e->fields = f->present;
		e->ref_fields = f->short_ref | f->long_ref;
		if (e->ref_fields)
			e->flags |= DPB_H264_ENTRY_REFERENCE;
		if (f->long_ref) {
			e->flags |= DPB_H264_ENTRY_LONG_TERM;
			e->frame_num = f->long_term_frame_idx;
		} else {
			e->frame_num = f->frame_num;
		}
		e->pic_num = entry_pic_num(d, f);
		if (f->coded_as != DPB_H264_FRAME)
			e->flags |= DPB_H264_ENTRY_FIELD;
		if (f->non_existing)
			e->flags |= DPB_H264_ENTRY_NON_EXISTING;
		n++;
	}
	return n;
}

/* A list entry while building: a store and the field(s) referenced. */
struct ref_pic {
	int8_t slot;	/* -1: no reference picture */
	uint8_t fields;
	bool long_term;
};

enum sort_key {
	BY_PIC_NUM_DESC,	/* FrameNumWrap, highest first */
	BY_LONG_TERM_IDX,	/* LongTermFrameIdx, lowest first */
	BY_POC_DESC,
	BY_POC_ASC,
};

static int64_t sort_value(const struct dpb_h264 *d, int slot,
			  enum sort_key key)
{
	const struct frame_store *f = &d->frames[slot];

	switch (key) {
	case BY_PIC_NUM_DESC:
		return -(int64_t)frame_num_wrap(d, f, d->cur.frame_num);
	case BY_LONG_TERM_IDX:
		return f->long_term_frame_idx;
	case BY_POC_DESC:
		return -(int64_t)store_poc(f);
	case BY_POC_ASC:
		return store_poc(f);
	}
	return 0;
}

static void sort_slots(const struct dpb_h264 *d, int *slots, unsigned n,
		       enum sort_key key)
{
	for (unsigned i = 1; i < n; i++) {
		int s = slots[i];
		unsigned j = i;

		for (; j > 0 && sort_value(d, slots[j - 1], key) >
				sort_value(d, s, key); j--)
			slots[j] = slots[j - 1];
		slots[j] = s;
	}
}

static uint8_t ref_fields(const struct frame_store *f, bool long_term)
{
	return long_term ? f->long_ref : f->short_ref;
}

/* The reference stores of one kind, for frame decoding the frames whose
 * both fields are such references, for field decoding any with one. */
static unsigned collect(const struct dpb_h264 *d, bool long_term, int *slots)
{
	unsigned n = 0;

	for (int i = 0; i < DPB_H264_MAX_FRAMES; i++) {
		const struct frame_store *f = &d->frames[i];
		uint8_t ref = ref_fields(f, long_term);

		if (!f->used || !ref)
			continue;
		if (d->cur_structure == DPB_H264_FRAME && ref != DPB_H264_FRAME)
			continue;
		slots[n++] = i;
	}
	return n;
}

/* Short-term stores in B order around the current POC (8.2.4.2.3/4):
 * first those at or before it (closest first), then those after (closest
 * first); list1 the other way round. A store's POC is that of the fields
 * it holds, as in the reference decoder, whichever are references. */
static unsigned collect_b_short(const struct dpb_h264 *d, bool list1,
				int *slots)
{
	int all[DPB_H264_MAX_FRAMES], before[DPB_H264_MAX_FRAMES];
	int after[DPB_H264_MAX_FRAMES];
	unsigned n = collect(d, false, all), nb = 0, na = 0;
	int32_t poc = current_poc(d);

	for (unsigned i = 0; i < n; i++) {
		if (store_poc(&d->frames[all[i]]) <= poc)
			before[nb++] = all[i];
		else
			after[na++] = all[i];
	}
	sort_slots(d, before, nb, BY_POC_DESC);
	sort_slots(d, after, na, BY_POC_ASC);
	if (list1) {
		memcpy(slots, after, na * sizeof(*slots));
		memcpy(slots + na, before, nb * sizeof(*slots));
	} else {
		memcpy(slots, before, nb * sizeof(*slots));
		memcpy(slots + nb, after, na * sizeof(*slots));
	}
	return n;
}

/* Frames to a list: for frame decoding one entry each; for field decoding
 * fields alternating in parity, the current one's first (8.2.4.2.5). */
static unsigned frames_to_list(const struct dpb_h264 *d, const int *slots,
			       unsigned n, bool long_term, struct ref_pic *out)
{
	unsigned count = 0;

	if (d->cur_structure == DPB_H264_FRAME) {
		for (unsigned i = 0; i < n; i++)
			out[count++] = (struct ref_pic){ slots[i],
				DPB_H264_FRAME, long_term };
		return count;
	}

	const uint8_t parity[2] = { d->cur_structure, d->cur_structure ^ 3 };
	unsigned next[2] = { 0, 0 };
	unsigned k = 0;

	for (;;) {
		bool taken = false;

		/* The next field of parity k that is such a reference; once
		 * one parity runs out, the other's follow in order. */
		for (unsigned tries = 0; tries < 2 && !taken; tries++) {
			for (; next[k] < n && !taken; next[k]++) {
				int slot = slots[next[k]];

				if (!(ref_fields(&d->frames[slot], long_term) &
				      parity[k]))
					continue;
				out[count++] = (struct ref_pic){ (int8_t)slot,
					parity[k], long_term };
				taken = true;
			}
			if (!taken)
				k ^= 1;
		}
		if (!taken)
			break;
		k ^= 1;
	}
	return count;
}

/* The initial list (8.2.4.2.1-5), untruncated; returns its length. */
static unsigned initial_list(const struct dpb_h264 *d, bool b, bool list1,
			     struct ref_pic *list)
{
	int slots[DPB_H264_MAX_FRAMES];
	unsigned n;

	if (b) {
		n = collect_b_short(d, list1, slots);
	} else {
		n = collect(d, false, slots);
		sort_slots(d, slots, n, BY_PIC_NUM_DESC);
	}
	unsigned count = frames_to_list(d, slots, n, false, list);
	n = collect(d, true, slots);
	sort_slots(d, slots, n, BY_LONG_TERM_IDX);
	return count + frames_to_list(d, slots, n, true, list + count);
}

static bool same_ref(const struct ref_pic *a, const struct ref_pic *b)
{
	return a->slot == b->slot && a->fields == b->fields &&
		a->long_term == b->long_term;
}

static bool same_list(const struct ref_pic *a, const struct ref_pic *b,
		      unsigned n_a, unsigned n_b)
{
	if (n_a != n_b)
		return false;
	for (unsigned i = 0; i < n_a; i++)
		if (!same_ref(&a[i], &b[i]))
			return false;
	return true;
}

/* ref_pic_list_modification (8.2.4.3) of a list of n_active entries. */
static int modify_list(const struct dpb_h264 *d, struct ref_pic *list,
		       unsigned n_active, unsigned n_mods,
		       const struct dpb_h264_modification *mods)
{
	int64_t max_pic_num = d->cur_structure == DPB_H264_FRAME ?
		max_frame_num(d) : 2 * (int64_t)max_frame_num(d);
	int64_t pred = current_pic_num(d);

	if (n_mods > n_active)
		return -EINVAL;
	for (unsigned idx = 0; idx < n_mods; idx++) {
		const struct dpb_h264_modification *m = &mods[idx];
		struct ref_pic pic;
		uint8_t fields;
		int slot;

		if (m->idc == 0 || m->idc == 1) {
			int64_t diff = (int64_t)m->value + 1;
			int64_t no_wrap;

			if (diff > max_pic_num)
				return -EINVAL;
			/* 8-34, 8-35 */
			no_wrap = m->idc == 0 ? pred - diff : pred + diff;
			if (no_wrap < 0)
				no_wrap += max_pic_num;
			else if (no_wrap >= max_pic_num)
				no_wrap -= max_pic_num;
			pred = no_wrap;
			int64_t pic_num = no_wrap > current_pic_num(d) ?
				no_wrap - max_pic_num : no_wrap;
			slot = find_short_term(d, pic_num, &fields);
			pic = (struct ref_pic){ (int8_t)slot, fields, false };
		} else if (m->idc == 2) {
			slot = find_long_term(d, m->value, &fields);
			pic = (struct ref_pic){ (int8_t)slot, fields, true };
		} else {
			return -EINVAL;
		}
		if (slot < 0)
			return -EINVAL;

		/* 8-37/8-38: insert at idx, drop the picture further on. */
		memmove(&list[idx + 1], &list[idx],
			(n_active - idx) * sizeof(*list));
		list[idx] = pic;
		unsigned kept = idx + 1;
		for (unsigned c = idx + 1; c <= n_active; c++)
			if (!same_ref(&list[c], &pic))
				list[kept++] = list[c];
	}
	return 0;
}

static void to_output(const struct dpb_h264 *d, const struct ref_pic *list,
		      unsigned n, struct dpb_h264_ref *out)
{
	for (unsigned i = 0; i < DPB_H264_MAX_REFS; i++) {
		if (i < n && list[i].slot >= 0)
			out[i] = (struct dpb_h264_ref){
				.index = entry_position(d, list[i].slot),
				.fields = list[i].fields,
			};
		else
			out[i] = (struct dpb_h264_ref){ 0, DPB_H264_NO_FIELD };
	}
}

int dpb_h264_ref_lists(const struct dpb_h264 *d,
		       const struct dpb_h264_slice *slice,
		       struct dpb_h264_ref list0[DPB_H264_MAX_REFS],
		       struct dpb_h264_ref list1[DPB_H264_MAX_REFS])
{
	/* One more than the longest list, for the modification process. */
	struct ref_pic lists[2][2 * DPB_H264_MAX_FRAMES + 1];
	unsigned lengths[2] = { 0, 0 }, n_lists;
	bool b = slice->type == DPB_H264_SLICE_B;

	if (!d->in_picture)
		return -EBUSY;
	to_output(d, NULL, 0, list0);
	to_output(d, NULL, 0, list1);
	if (slice->type == DPB_H264_SLICE_I)
		return 0;
	if (slice->type != DPB_H264_SLICE_P && !b)
		return -EINVAL;
	n_lists = b ? 2 : 1;

	for (unsigned l = 0; l < n_lists; l++) {
		unsigned active = slice->num_ref_idx_active[l];

		if (!active || active > DPB_H264_MAX_REFS ||
		    (d->cur_structure == DPB_H264_FRAME &&
		     active > DPB_H264_MAX_FRAMES))
			return -EINVAL;
		lengths[l] = initial_list(d, b, l == 1, lists[l]);
		if (!lengths[l])
			return -EINVAL;
	}
	/* 8.2.4.2.3/4: list1 must differ from list0 where it can. */
	if (b && lengths[1] > 1 && same_list(lists[0], lists[1], lengths[0],
						lengths[1])) {
		struct ref_pic first = lists[1][0];

		lists[1][0] = lists[1][1];
		lists[1][1] = first;
	}
	for (unsigned l = 0; l < n_lists; l++) {
		unsigned active = slice->num_ref_idx_active[l];

		for (unsigned i = lengths[l]; i <= active; i++)
			lists[l][i] = (struct ref_pic){ -1, 0, false };
		int ret = modify_list(d, lists[l], active,
				      slice->n_modifications[l],
				      slice->modification[l]);
		if (ret)
			return ret;
		to_output(d, lists[l], active, l ? list1 : list0);
	}
	return 0;
}

/* ---- Finish ---- */

/* The stored picture's state for the next picture's POC (8.2.1) and
 * frame_num checks (7.4.3), after MMCO 5's reset. */
static void remember_reference(struct dpb_h264 *d)
{
	bool bottom = d->cur_structure == DPB_H264_BOTTOM;

	d->have_prev_ref = true;
	if (d->cur_mmco5) {
		d->prev_ref_frame_num = 0;
		d->prev_poc_msb = 0;
		d->prev_poc_lsb = bottom ? 0 : d->cur_poc[0];
	} else {
		d->prev_ref_frame_num = d->cur.frame_num;
		d->prev_poc_msb = d->cur_poc_msb;
		d->prev_poc_lsb = (int32_t)d->cur.pic_order_cnt_lsb;
	}
}

/* MMCO 5: the picture's counts become relative to itself
 * (tempPicOrderCnt, 8.2.1), and it counts as frame_num 0. */
static void reset_after_mmco5(struct dpb_h264 *d)
{
	int32_t temp = current_poc(d);

	d->cur.frame_num = 0;
	if (d->cur_structure & DPB_H264_TOP)
		d->cur_poc[0] -= temp;
	if (d->cur_structure & DPB_H264_BOTTOM)
		d->cur_poc[1] -= temp;
	d->prev_frame_num_offset = 0;
	d->prev_frame_num = 0;
}

/* Puts the decoded picture into store i. */
static void store_current(struct dpb_h264 *d, int i)
{
	struct frame_store *f = &d->frames[i];
	uint8_t s = d->cur_structure;

	if (d->cur_slot < 0) {
		*f = (struct frame_store){
			.used = true,
			.idr = d->cur.idr,
			.id = d->cur.id,
			.frame_num = d->cur.frame_num,
			.coded_as = s,
			.needed_for_output = true,
		};
	}
	f->present |= s;
	if (s & DPB_H264_TOP)
		f->poc[0] = d->cur_poc[0];
	if (s & DPB_H264_BOTTOM)
		f->poc[1] = d->cur_poc[1];
	if (!d->cur.nal_ref_idc)
		return;
	if (d->cur_long_term) {
		f->long_ref |= s;
		f->long_term_frame_idx = d->cur_long_term_frame_idx;
	} else {
		f->short_ref |= s;
	}
}

/* The current picture out at once, never stored. */
static void output_current(struct dpb_h264 *d)
{
	output(d, d->cur.id, current_poc(d), d->cur_structure);
	if (d->ops.release)
		d->ops.release(d->user, d->cur.id);
}

int dpb_h264_finish_picture(struct dpb_h264 *d)
{
	int ret = 0, slot = d->cur_slot;

	if (!d->in_picture)
		return -EBUSY;
	d->in_picture = false;

	if (d->cur.nal_ref_idc) {
		ret = mark_current(d);
		if (d->cur_mmco5)
			reset_after_mmco5(d);
		remember_reference(d);
	}
	remove_unneeded(d);

	if (slot < 0) {
		while (used_stores(d) >= dpb_size(d)) {
			int next = next_output(d, -1);

			/* C.4.5.2: a non-reference frame that would be bumped
			 * first goes out without being stored. */
			if (!d->cur.nal_ref_idc &&
			    d->cur_structure == DPB_H264_FRAME &&
			    (next < 0 ||
			     current_poc(d) < store_poc(&d->frames[next]))) {
				output_current(d);
				return ret;
			}
			if (!bump(d, -1))
				break;
		}
		slot = free_store(d);
		if (slot < 0) {
			output_current(d);
			return -ENOSPC;
		}
	}
	store_current(d, slot);
	if (d->cur_structure != DPB_H264_FRAME && d->cur_slot < 0)
		d->unpaired_field = slot;

	/* The reorder bound; a first field waits for its pair. */
	while (waiting_for_output(d, d->unpaired_field) >
	       d->sps.max_num_reorder_frames)
		bump(d, d->unpaired_field);
	return ret;
}

/* ---- Life cycle ---- */

static void forget_stream(struct dpb_h264 *d)
{
	d->in_picture = false;
	d->have_prev_ref = false;
	d->unpaired_field = -1;
	d->max_long_term_frame_idx = -1;
	d->prev_poc_msb = d->prev_poc_lsb = 0;
	d->prev_frame_num = 0;
	d->prev_frame_num_offset = 0;
	d->prev_ref_frame_num = 0;
}

struct dpb_h264 *dpb_h264_new(const struct dpb_h264_ops *ops, void *user)
{
	struct dpb_h264 *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (ops)
		d->ops = *ops;
	d->user = user;
	forget_stream(d);
	return d;
}

void dpb_h264_free(struct dpb_h264 *d)
{
	free(d);
}

void dpb_h264_drain(struct dpb_h264 *d)
{
	if (d->in_picture)
		return;
	flush(d, true);
	forget_stream(d);
}

void dpb_h264_reset(struct dpb_h264 *d)
{
	if (d->in_picture && d->cur_slot < 0 && d->ops.release)
		d->ops.release(d->user, d->cur.id);
	flush(d, false);
	forget_stream(d);
}
