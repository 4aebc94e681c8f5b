/* HEVC reference management: POC, RPS, reference lists and output order
 * (ITU-T H.265 8.3 and C.5.2). See dpb_hevc.h for the flow.
 *
 * Pictures live in slots. A slot holds a decoded picture from
 * dpb_hevc_finish_picture() until it is neither a reference nor waiting
 * for output, or a generated picture while it is a reference. Slots
 * suffice without a check: after the marking of 8.3.2 at most 15 pictures
 * are references (the RPS holds at most sps_max_dec_pic_buffering_minus1),
 * the bumping of C.5.2.2 leaves at most 15 pictures or references only,
 * so generated pictures and the current one bring the DPB to 31 at most. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpb_hevc.h"

#define DPB_HEVC_SLOTS 32

enum ref_marking {
	UNUSED_FOR_REFERENCE,
	SHORT_TERM_REFERENCE,
	LONG_TERM_REFERENCE,
};

struct dpb_hevc_pic {
	bool in_dpb;
	bool generated;
	bool needed_for_output;
	enum ref_marking marking;
	uint64_t id;
	int32_t poc;
	uint32_t latency_count;		/* PicLatencyCount */
};

/* The current picture's RPS: slots of RefPicSetStCurrBefore, ...After and
 * RefPicSetLtCurr (the Foll sets matter only for marking). */
struct rps_curr {
	uint8_t num_st_before, num_st_after, num_lt;
	uint8_t st_before[DPB_HEVC_MAX_ENTRIES];
	uint8_t st_after[DPB_HEVC_MAX_ENTRIES];
	uint8_t lt[DPB_HEVC_MAX_ENTRIES];
};

struct dpb_hevc {
	struct dpb_hevc_callbacks callbacks;
	void *user;
	struct dpb_hevc_pic pics[DPB_HEVC_SLOTS];

	/* Nothing decodable since new or reset: wait for an IRAP picture. */
	bool need_irap;
	/* NoRaslOutputFlag of the last IRAP picture in decoding order. */
	bool irap_no_rasl_output;
	int32_t prev_tid0_poc;	/* PicOrderCntVal of prevTid0Pic */

	/* The picture between start and finish. */
	bool started;
	struct dpb_hevc_sps sps;
	uint64_t id;
	int32_t poc;
	bool output_flag;		/* PicOutputFlag */
	struct rps_curr rps;
};

/* An RPS entry's POC and the picture found for it (-1: "no reference
 * picture"). */
struct rps_entry {
	int32_t poc;
	bool msb_present;	/* compare whole POCs, not their LSBs */
	bool curr;
	int slot;
};

/* The RPS, before it changes anything. */
struct rps_lookup {
	unsigned num_st, num_lt;
	struct rps_entry st[2 * DPB_HEVC_MAX_ST_REFS];
	bool st_after[2 * DPB_HEVC_MAX_ST_REFS];
	struct rps_entry lt[DPB_HEVC_MAX_LT_REFS];
};

static bool is_irap(unsigned nal)
{
	return nal >= DPB_HEVC_NAL_BLA_W_LP && nal <= DPB_HEVC_NAL_CRA;
}

static bool is_idr_or_bla(unsigned nal)
{
	return nal >= DPB_HEVC_NAL_BLA_W_LP && nal <= DPB_HEVC_NAL_IDR_N_LP;
}

static bool is_rasl(unsigned nal)
{
	return nal == DPB_HEVC_NAL_RASL_N || nal == DPB_HEVC_NAL_RASL_R;
}

static bool is_radl(unsigned nal)
{
	return nal == DPB_HEVC_NAL_RADL_N || nal == DPB_HEVC_NAL_RADL_R;
}

/* Sub-layer non-reference picture: the even VCL types below 16. */
static bool is_slnr(unsigned nal)
{
	return nal <= 14 && nal % 2 == 0;
}

static void emit_output(struct dpb_hevc *dpb, const struct dpb_hevc_pic *pic)
{
	if (dpb->callbacks.output)
		dpb->callbacks.output(dpb->user, pic->id, pic->poc);
}

static void remove_pic(struct dpb_hevc *dpb, struct dpb_hevc_pic *pic)
{
	if (!pic->generated && dpb->callbacks.release)
		dpb->callbacks.release(dpb->user, pic->id);
	memset(pic, 0, sizeof(*pic));
}

struct dpb_hevc *dpb_hevc_new(const struct dpb_hevc_callbacks *callbacks,
			      void *user)
{
	struct dpb_hevc *dpb = calloc(1, sizeof(*dpb));

	if (!dpb)
		return NULL;
	if (callbacks)
		dpb->callbacks = *callbacks;
	dpb->user = user;
	dpb->need_irap = true;
	return dpb;
}

void dpb_hevc_free(struct dpb_hevc *dpb)
{
	free(dpb);
}

static bool sps_is_valid(const struct dpb_hevc_sps *sps)
{
	return sps->log2_max_pic_order_cnt_lsb >= 4 &&
		sps->log2_max_pic_order_cnt_lsb <= 16 &&
		sps->max_dec_pic_buffering >= 1 &&
		sps->max_dec_pic_buffering <= DPB_HEVC_MAX_ENTRIES &&
		sps->max_num_reorder_pics < sps->max_dec_pic_buffering;
}

/* Counts, signs and orders of the RPS syntax (7.4.8, 7.4.7.1). */
static bool rps_is_valid(const struct dpb_hevc_sps *sps,
			 const struct dpb_hevc_picture_info *pic)
{
	uint32_t max_lsb = 1u << sps->log2_max_pic_order_cnt_lsb;
	unsigned total = (unsigned)pic->num_negative_pics +
		pic->num_positive_pics + pic->num_long_term;

	if (total > sps->max_dec_pic_buffering - 1u ||
	    (pic->num_long_term && !sps->long_term_ref_pics_present))
		return false;
	for (unsigned i = 0; i < pic->num_negative_pics; i++) {
		int32_t prev = i ? pic->delta_poc_s0[i - 1] : 0;

		if (pic->delta_poc_s0[i] >= prev)
			return false;
	}
	for (unsigned i = 0; i < pic->num_positive_pics; i++) {
		int32_t prev = i ? pic->delta_poc_s1[i - 1] : 0;

		if (pic->delta_poc_s1[i] <= prev)
			return false;
	}
	for (unsigned i = 0; i < pic->num_long_term; i++)
		if (pic->lt[i].poc_lsb_lt >= max_lsb)
			return false;
	return true;
}

static bool picture_is_valid(const struct dpb_hevc_sps *sps,
			     const struct dpb_hevc_picture_info *pic)
{
	unsigned nal = pic->nal_unit_type;

	if (nal > DPB_HEVC_NAL_CRA ||
	    (nal > DPB_HEVC_NAL_RASL_R && nal < DPB_HEVC_NAL_BLA_W_LP))
		return false;
	if (pic->temporal_id > 6 || (is_irap(nal) && pic->temporal_id))
		return false;
	if (pic->pic_order_cnt_lsb >= 1u << sps->log2_max_pic_order_cnt_lsb)
		return false;
	/* IDR and BLA pictures have an empty RPS (8.3.2) whatever was sent. */
	return is_idr_or_bla(nal) || rps_is_valid(sps, pic);
}

static bool fits_int32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* 8.3.1: PicOrderCntVal, or -EINVAL when it leaves the 32-bit range. */
static int derive_poc(const struct dpb_hevc *dpb,
		      const struct dpb_hevc_sps *sps,
		      const struct dpb_hevc_picture_info *pic,
		      bool no_rasl_output, int32_t *poc)
{
	int64_t max_lsb = (int64_t)1 << sps->log2_max_pic_order_cnt_lsb;
	int64_t lsb = pic->nal_unit_type == DPB_HEVC_NAL_IDR_W_RADL ||
		pic->nal_unit_type == DPB_HEVC_NAL_IDR_N_LP ?
		0 : pic->pic_order_cnt_lsb;
	int64_t msb = 0;

	if (!(is_irap(pic->nal_unit_type) && no_rasl_output)) {
		/* prevTid0Pic's MSB is a multiple of MaxPicOrderCntLsb. */
		int64_t prev_lsb = (uint32_t)dpb->prev_tid0_poc & (max_lsb - 1);
		int64_t prev_msb = dpb->prev_tid0_poc - prev_lsb;

		if (lsb < prev_lsb && prev_lsb - lsb >= max_lsb / 2)
			msb = prev_msb + max_lsb;
		else if (lsb > prev_lsb && lsb - prev_lsb > max_lsb / 2)
			msb = prev_msb - max_lsb;
		else
			msb = prev_msb;
	}
	if (!fits_int32(msb + lsb))
		return -EINVAL;
	*poc = (int32_t)(msb + lsb);
	return 0;
}

/* A short-term reference picture with that POC, not taken as long-term. */
static int find_short_term(const struct dpb_hevc *dpb, int32_t poc,
			   const bool taken[DPB_HEVC_SLOTS])
{
	for (int i = 0; i < DPB_HEVC_SLOTS; i++) {
		const struct dpb_hevc_pic *p = &dpb->pics[i];

		if (p->in_dpb && !taken[i] &&
		    p->marking == SHORT_TERM_REFERENCE && p->poc == poc)
			return i;
	}
	return -1;
}

/* A reference picture with that POC, or those POC LSBs. */
static int find_long_term(const struct dpb_hevc *dpb,
			  const struct rps_entry *e, uint32_t max_lsb)
{
	for (int i = 0; i < DPB_HEVC_SLOTS; i++) {
		const struct dpb_hevc_pic *p = &dpb->pics[i];
		int32_t poc = e->msb_present ?
			p->poc : (int32_t)((uint32_t)p->poc & (max_lsb - 1));

		if (p->in_dpb && p->marking != UNUSED_FOR_REFERENCE &&
		    poc == e->poc)
			return i;
	}
	return -1;
}

/* 8.3.2: the five sets' POCs (8-5) and the pictures they name, long-term
 * first since a long-term candidate is looked up among every reference
 * picture and a short-term one among the short-term pictures left. */
static int lookup_rps(const struct dpb_hevc *dpb,
		      const struct dpb_hevc_sps *sps,
		      const struct dpb_hevc_picture_info *pic, int32_t poc,
		      struct rps_lookup *rps)
{
	uint32_t max_lsb = 1u << sps->log2_max_pic_order_cnt_lsb;
	int64_t poc_msb = poc - (int64_t)((uint32_t)poc & (max_lsb - 1));
	bool taken[DPB_HEVC_SLOTS] = { false };

	memset(rps, 0, sizeof(*rps));
	if (is_idr_or_bla(pic->nal_unit_type))
		return 0;

	rps->num_lt = pic->num_long_term;
	for (unsigned i = 0; i < rps->num_lt; i++) {
		const struct dpb_hevc_lt_ref *lt = &pic->lt[i];
		struct rps_entry *e = &rps->lt[i];
		int64_t lt_poc = lt->poc_lsb_lt;

		if (lt->delta_poc_msb_present_flag)
			lt_poc += poc_msb -
				(int64_t)lt->delta_poc_msb_cycle_lt * max_lsb;
		if (!fits_int32(lt_poc))
			return -EINVAL;
		e->poc = (int32_t)lt_poc;
		e->msb_present = lt->delta_poc_msb_present_flag;
		e->curr = lt->used_by_curr_pic_lt;
		e->slot = find_long_term(dpb, e, max_lsb);
		if (e->slot >= 0)
			taken[e->slot] = true;
	}

	rps->num_st = pic->num_negative_pics + pic->num_positive_pics;
	for (unsigned i = 0; i < rps->num_st; i++) {
		bool after = i >= pic->num_negative_pics;
		unsigned j = after ? i - pic->num_negative_pics : i;
		int64_t st_poc = (int64_t)poc +
			(after ? pic->delta_poc_s1[j] : pic->delta_poc_s0[j]);
		struct rps_entry *e = &rps->st[i];

		if (!fits_int32(st_poc))
			return -EINVAL;
		e->poc = (int32_t)st_poc;
		e->curr = after ? pic->used_by_curr_pic_s1[j] :
			pic->used_by_curr_pic_s0[j];
		e->slot = find_short_term(dpb, e->poc, taken);
		rps->st_after[i] = after;
	}
	return 0;
}

static bool rps_has_curr(const struct rps_lookup *rps)
{
	for (unsigned i = 0; i < rps->num_st; i++)
		if (rps->st[i].curr)
			return true;
	for (unsigned i = 0; i < rps->num_lt; i++)
		if (rps->lt[i].curr)
			return true;
	return false;
}

/* 8.3.2: the pictures the RPS names keep (or take) their marking, every
 * other one becomes unused for reference. */
static void mark_references(struct dpb_hevc *dpb, const struct rps_lookup *rps)
{
	enum ref_marking marking[DPB_HEVC_SLOTS] = { UNUSED_FOR_REFERENCE };

	for (unsigned i = 0; i < rps->num_st; i++)
		if (rps->st[i].slot >= 0)
			marking[rps->st[i].slot] = SHORT_TERM_REFERENCE;
	for (unsigned i = 0; i < rps->num_lt; i++)
		if (rps->lt[i].slot >= 0)
			marking[rps->lt[i].slot] = LONG_TERM_REFERENCE;
	for (int i = 0; i < DPB_HEVC_SLOTS; i++)
		dpb->pics[i].marking = marking[i];
}

static unsigned count_waiting(const struct dpb_hevc *dpb)
{
	unsigned n = 0;

	for (int i = 0; i < DPB_HEVC_SLOTS; i++)
		n += dpb->pics[i].in_dpb && dpb->pics[i].needed_for_output;
	return n;
}

static unsigned fullness(const struct dpb_hevc *dpb)
{
	unsigned n = 0;

	for (int i = 0; i < DPB_HEVC_SLOTS; i++)
		n += dpb->pics[i].in_dpb;
	return n;
}

/* A picture waiting for output has waited SpsMaxLatencyPictures. */
static bool latency_exceeded(const struct dpb_hevc *dpb)
{
	const struct dpb_hevc_sps *sps = &dpb->sps;
	uint64_t max_latency = (uint64_t)sps->max_num_reorder_pics +
		sps->max_latency_increase_plus1 - 1;

	if (!sps->max_latency_increase_plus1)
		return false;
	for (int i = 0; i < DPB_HEVC_SLOTS; i++) {
		const struct dpb_hevc_pic *p = &dpb->pics[i];

		if (p->in_dpb && p->needed_for_output &&
		    p->latency_count >= max_latency)
			return true;
	}
	return false;
}

static bool output_is_late(const struct dpb_hevc *dpb)
{
	return count_waiting(dpb) > dpb->sps.max_num_reorder_pics ||
		latency_exceeded(dpb);
}

/* C.5.2.4 "bumping": the picture with the smallest POC is output, and
 * leaves the DPB if it is no reference. False if none is waiting. */
static bool bump(struct dpb_hevc *dpb)
{
	struct dpb_hevc_pic *first = NULL;

	for (int i = 0; i < DPB_HEVC_SLOTS; i++) {
		struct dpb_hevc_pic *p = &dpb->pics[i];

		if (p->in_dpb && p->needed_for_output &&
		    (!first || p->poc < first->poc))
			first = p;
	}
	if (!first)
		return false;
	emit_output(dpb, first);
	first->needed_for_output = false;
	if (first->marking == UNUSED_FOR_REFERENCE)
		remove_pic(dpb, first);
	return true;
}

static void remove_unneeded(struct dpb_hevc *dpb)
{
	for (int i = 0; i < DPB_HEVC_SLOTS; i++) {
		struct dpb_hevc_pic *p = &dpb->pics[i];

		if (p->in_dpb && !p->needed_for_output &&
		    p->marking == UNUSED_FOR_REFERENCE)
			remove_pic(dpb, p);
	}
}

/* C.5.2.2, after the marking of the current picture's RPS. */
static void output_and_remove(struct dpb_hevc *dpb,
			      const struct dpb_hevc_picture_info *pic,
			      bool no_rasl_output)
{
	if (is_irap(pic->nal_unit_type) && no_rasl_output) {
		/* A new coded video sequence: the DPB empties. A CRA picture
		 * infers NoOutputOfPriorPicsFlag = 1. */
		if (pic->nal_unit_type != DPB_HEVC_NAL_CRA &&
		    !pic->no_output_of_prior_pics_flag)
			while (bump(dpb))
				;
		for (int i = 0; i < DPB_HEVC_SLOTS; i++)
			if (dpb->pics[i].in_dpb)
				remove_pic(dpb, &dpb->pics[i]);
		return;
	}
	remove_unneeded(dpb);
	while (output_is_late(dpb) ||
	       fullness(dpb) >= dpb->sps.max_dec_pic_buffering)
		if (!bump(dpb))
			break;
}

/* See the top of the file for why a slot is always free. */
static int free_slot(const struct dpb_hevc *dpb)
{
	for (int i = 0; i < DPB_HEVC_SLOTS; i++)
		if (!dpb->pics[i].in_dpb)
			return i;
	return -1;
}

/* 8.3.3.2: a picture for a reference the stream lacks, never output. */
static int generate_unavailable(struct dpb_hevc *dpb, int32_t poc,
				enum ref_marking marking)
{
	int slot = free_slot(dpb);

	if (slot < 0)
		return -ENOSPC;
	dpb->pics[slot] = (struct dpb_hevc_pic){
		.in_dpb = true,
		.generated = true,
		.marking = marking,
		.poc = poc,
	};
	return slot;
}

/* The Curr sets of the current picture, generating what is missing. */
static int fill_rps_curr(struct dpb_hevc *dpb, const struct rps_lookup *rps)
{
	struct rps_curr *curr = &dpb->rps;

	memset(curr, 0, sizeof(*curr));
	for (unsigned i = 0; i < rps->num_st; i++) {
		const struct rps_entry *e = &rps->st[i];
		int slot = e->slot;

		if (!e->curr)
			continue;
		if (slot < 0)
			slot = generate_unavailable(dpb, e->poc,
						    SHORT_TERM_REFERENCE);
		if (slot < 0)
			return slot;
		if (rps->st_after[i])
			curr->st_after[curr->num_st_after++] = (uint8_t)slot;
		else
			curr->st_before[curr->num_st_before++] = (uint8_t)slot;
	}
	for (unsigned i = 0; i < rps->num_lt; i++) {
		const struct rps_entry *e = &rps->lt[i];
		int slot = e->slot;

		if (!e->curr)
			continue;
		if (slot < 0)
			slot = generate_unavailable(dpb, e->poc,
						    LONG_TERM_REFERENCE);
		if (slot < 0)
			return slot;
		curr->lt[curr->num_lt++] = (uint8_t)slot;
	}
	return 0;
}

int dpb_hevc_start_picture(struct dpb_hevc *dpb, const struct dpb_hevc_sps *sps,
			   const struct dpb_hevc_picture_info *pic)
{
	unsigned nal = pic->nal_unit_type;
	bool irap = is_irap(nal);
	bool no_rasl_output = dpb->irap_no_rasl_output;
	struct rps_lookup rps;
	int32_t poc;
	int ret;

	if (!sps_is_valid(sps) || !picture_is_valid(sps, pic))
		return -EINVAL;
	dpb->started = false;
	if (irap)
		no_rasl_output = nal != DPB_HEVC_NAL_CRA || pic->follows_eos ||
			dpb->need_irap;
	else if (dpb->need_irap)
		return DPB_HEVC_SKIP;
	/* 8.1.3: RASL pictures of such an IRAP picture are not decoded. */
	if (is_rasl(nal) && no_rasl_output)
		return DPB_HEVC_SKIP;

	ret = derive_poc(dpb, sps, pic, no_rasl_output, &poc);
	if (ret)
		return ret;
	ret = lookup_rps(dpb, sps, pic, poc, &rps);
	if (ret)
		return ret;
	/* An IRAP picture predicts from nothing (8.3.2). */
	if (irap && rps_has_curr(&rps))
		return -EINVAL;
	if (irap && no_rasl_output)
		/* 8.3.2: every reference picture becomes unused. */
		memset(&rps, 0, sizeof(rps));

	dpb->need_irap = false;
	if (irap)
		dpb->irap_no_rasl_output = no_rasl_output;
	if (!pic->temporal_id && !is_rasl(nal) && !is_radl(nal) &&
	    !is_slnr(nal))
		dpb->prev_tid0_poc = poc;
	dpb->sps = *sps;
	dpb->id = pic->id;
	dpb->poc = poc;
	dpb->output_flag = pic->pic_output_flag;

	mark_references(dpb, &rps);
	output_and_remove(dpb, pic, no_rasl_output);
	ret = fill_rps_curr(dpb, &rps);
	if (ret)
		return ret;
	dpb->started = true;
	return 0;
}

int32_t dpb_hevc_current_poc(const struct dpb_hevc *dpb)
{
	return dpb->poc;
}

/* Index in the entries array of each reference slot; returns the count. */
static unsigned entry_indices(const struct dpb_hevc *dpb,
			      uint8_t index[DPB_HEVC_SLOTS])
{
	unsigned n = 0;

	for (int i = 0; i < DPB_HEVC_SLOTS; i++) {
		const struct dpb_hevc_pic *p = &dpb->pics[i];

		if (p->in_dpb && p->marking != UNUSED_FOR_REFERENCE)
			index[i] = (uint8_t)n++;
	}
	return n;
}

unsigned dpb_hevc_entries(const struct dpb_hevc *dpb,
			  struct dpb_hevc_entry out[DPB_HEVC_MAX_ENTRIES],
			  struct dpb_hevc_rps_sets *sets)
{
	const struct rps_curr *curr = &dpb->rps;
	uint8_t index[DPB_HEVC_SLOTS];
	unsigned n;

	memset(sets, 0, sizeof(*sets));
	if (!dpb->started)
		return 0;
	n = entry_indices(dpb, index);
	for (int i = 0; i < DPB_HEVC_SLOTS; i++) {
		const struct dpb_hevc_pic *p = &dpb->pics[i];

		if (!p->in_dpb || p->marking == UNUSED_FOR_REFERENCE)
			continue;
		out[index[i]] = (struct dpb_hevc_entry){
			.id = p->id,
			.poc = p->poc,
			.long_term = p->marking == LONG_TERM_REFERENCE,
			.unavailable = p->generated,
		};
	}
	sets->num_st_curr_before = curr->num_st_before;
	sets->num_st_curr_after = curr->num_st_after;
	sets->num_lt_curr = curr->num_lt;
	for (unsigned i = 0; i < curr->num_st_before; i++)
		sets->st_curr_before[i] = index[curr->st_before[i]];
	for (unsigned i = 0; i < curr->num_st_after; i++)
		sets->st_curr_after[i] = index[curr->st_after[i]];
	for (unsigned i = 0; i < curr->num_lt; i++)
		sets->lt_curr[i] = index[curr->lt[i]];
	return n;
}

/* 8.3.4: RefPicListTempX cycles through its three sets until it holds
 * Max(num_ref_idx_active, NumPocTotalCurr) entries; list_entry_lX picks
 * from it. */
static int build_list(const struct dpb_hevc *dpb, const uint8_t index[],
		      bool list1, unsigned num_active, bool modified,
		      const uint8_t list_entry[], uint8_t list[])
{
	const struct rps_curr *curr = &dpb->rps;
	const uint8_t *sets[3] = {
		list1 ? curr->st_after : curr->st_before,
		list1 ? curr->st_before : curr->st_after,
		curr->lt,
	};
	unsigned counts[3] = {
		list1 ? curr->num_st_after : curr->num_st_before,
		list1 ? curr->num_st_before : curr->num_st_after,
		curr->num_lt,
	};
	unsigned total = counts[0] + counts[1] + counts[2];
	unsigned temp_size = num_active > total ? num_active : total;
	uint8_t temp[DPB_HEVC_MAX_ENTRIES];
	unsigned n = 0;

	/* NumPocTotalCurr is not 0 in a P or B slice (7.4.7.2). */
	if (!total || num_active < 1 || num_active > DPB_HEVC_MAX_ENTRIES - 1)
		return -EINVAL;
	while (n < temp_size)
		for (unsigned s = 0; s < 3; s++)
			for (unsigned i = 0; i < counts[s]; i++)
				if (n < temp_size)
					temp[n++] = sets[s][i];
	for (unsigned i = 0; i < num_active; i++) {
		/* list_entry_lX is at most NumPocTotalCurr - 1 (7.4.7.2). */
		if (modified && list_entry[i] >= total)
			return -EINVAL;
		list[i] = index[temp[modified ? list_entry[i] : i]];
	}
	return 0;
}

int dpb_hevc_ref_lists(const struct dpb_hevc *dpb,
		       const struct dpb_hevc_slice_info *slice,
		       uint8_t list0[DPB_HEVC_MAX_ENTRIES],
		       uint8_t list1[DPB_HEVC_MAX_ENTRIES])
{
	uint8_t index[DPB_HEVC_SLOTS];
	int ret;

	memset(list0, 0, DPB_HEVC_MAX_ENTRIES);
	memset(list1, 0, DPB_HEVC_MAX_ENTRIES);
	if (!dpb->started || slice->slice_type > DPB_HEVC_SLICE_I)
		return -EINVAL;
	if (slice->slice_type == DPB_HEVC_SLICE_I)
		return 0;
	entry_indices(dpb, index);
	ret = build_list(dpb, index, false, slice->num_ref_idx_l0_active,
			 slice->ref_pic_list_modification_flag_l0,
			 slice->list_entry_l0, list0);
	if (!ret && slice->slice_type == DPB_HEVC_SLICE_B)
		ret = build_list(dpb, index, true, slice->num_ref_idx_l1_active,
				 slice->ref_pic_list_modification_flag_l1,
				 slice->list_entry_l1, list1);
	if (ret) {
		memset(list0, 0, DPB_HEVC_MAX_ENTRIES);
		memset(list1, 0, DPB_HEVC_MAX_ENTRIES);
	}
	return ret;
}

int dpb_hevc_finish_picture(struct dpb_hevc *dpb)
{
	int slot = free_slot(dpb);

	if (!dpb->started)
		return -EINVAL;
	if (slot < 0)
		return -ENOSPC;
	dpb->started = false;
	/* C.5.2.3 */
	if (dpb->output_flag)
		for (int i = 0; i < DPB_HEVC_SLOTS; i++)
			if (dpb->pics[i].in_dpb &&
			    dpb->pics[i].needed_for_output)
				dpb->pics[i].latency_count++;
	dpb->pics[slot] = (struct dpb_hevc_pic){
		.in_dpb = true,
		.needed_for_output = dpb->output_flag,
		.marking = SHORT_TERM_REFERENCE,
		.id = dpb->id,
		.poc = dpb->poc,
	};
	while (output_is_late(dpb))
		bump(dpb);
	return 0;
}

void dpb_hevc_drain(struct dpb_hevc *dpb)
{
	while (bump(dpb))
		;
}

void dpb_hevc_reset(struct dpb_hevc *dpb)
{
	for (int i = 0; i < DPB_HEVC_SLOTS; i++)
		if (dpb->pics[i].in_dpb)
			remove_pic(dpb, &dpb->pics[i]);
	dpb->started = false;
	dpb->need_irap = true;
}
