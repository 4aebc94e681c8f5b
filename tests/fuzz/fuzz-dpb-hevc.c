/* libFuzzer target: the plugin's HEVC reference management
 * (gst-plugin/dpb_hevc.c) driven by a hostile stream of pictures.
 *
 * Input: an SPS, then records of one byte saying what to do (a picture,
 * drain, reset, a new SPS) followed by that operation's fields. Besides
 * memory errors, the target aborts when the DPB breaks its word: a picture
 * output twice or after its release, a buffer released twice or never
 * started, a set or list naming an entry that does not exist. */
#include <stdlib.h>

#include "dpb_hevc.h"
#include "fuzz.h"

#define MAX_IDS 4096

static uint8_t state[MAX_IDS];	/* 0 unknown, 1 held, 2 output, 3 released */

static void on_output(void *user, uint64_t id, int32_t poc)
{
	(void)user;
	(void)poc;
	if (id >= MAX_IDS || state[id] != 1)
		abort();
	state[id] = 2;
}

static void on_release(void *user, uint64_t id)
{
	(void)user;
	if (id >= MAX_IDS || (state[id] != 1 && state[id] != 2))
		abort();
	state[id] = 3;
}

static void read_sps(struct fuzz_input *in, struct dpb_hevc_sps *sps)
{
	sps->log2_max_pic_order_cnt_lsb = fuzz_u8(in) % 20;
	sps->max_dec_pic_buffering = fuzz_u8(in) % 20;
	sps->max_num_reorder_pics = fuzz_u8(in) % 20;
	sps->max_latency_increase_plus1 = fuzz_u8(in) % 8;
	sps->long_term_ref_pics_present = fuzz_u8(in) & 1;
}

static void read_picture(struct fuzz_input *in,
			 struct dpb_hevc_picture_info *p, uint64_t id)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->nal_unit_type = fuzz_u8(in) % 24;
	p->temporal_id = fuzz_u8(in) % 8;
	p->pic_order_cnt_lsb = fuzz_u8(in) | (uint32_t)(fuzz_u8(in) & 1) << 8;
	uint8_t flags = fuzz_u8(in);
	p->pic_output_flag = !(flags & 1);
	p->no_output_of_prior_pics_flag = flags & 2;
	p->follows_eos = flags & 4;
	p->num_negative_pics = fuzz_u8(in) % 20;
	p->num_positive_pics = fuzz_u8(in) % 20;
	for (unsigned i = 0; i < DPB_HEVC_MAX_ST_REFS; i++) {
		p->delta_poc_s0[i] = -(int32_t)(fuzz_u8(in) % 64) - 1;
		p->used_by_curr_pic_s0[i] = fuzz_u8(in) & 1;
		p->delta_poc_s1[i] = (int32_t)(fuzz_u8(in) % 64) + 1;
		p->used_by_curr_pic_s1[i] = fuzz_u8(in) & 1;
		if (i >= p->num_negative_pics && i >= p->num_positive_pics)
			break;
	}
	p->num_long_term = flags & 8 ? fuzz_u8(in) % 40 : 0;
	for (unsigned i = 0; i < p->num_long_term && i < DPB_HEVC_MAX_LT_REFS;
	     i++) {
		p->lt[i].poc_lsb_lt = fuzz_u8(in);
		p->lt[i].used_by_curr_pic_lt = fuzz_u8(in) & 1;
		p->lt[i].delta_poc_msb_present_flag = fuzz_u8(in) & 1;
		p->lt[i].delta_poc_msb_cycle_lt = fuzz_u8(in);
	}
}

static void check_picture(struct fuzz_input *in, struct dpb_hevc *d)
{
	struct dpb_hevc_entry entries[DPB_HEVC_MAX_ENTRIES];
	struct dpb_hevc_rps_sets sets;
	struct dpb_hevc_slice_info s;
	uint8_t l0[DPB_HEVC_MAX_ENTRIES], l1[DPB_HEVC_MAX_ENTRIES];
	unsigned n = dpb_hevc_entries(d, entries, &sets);

	if (n > DPB_HEVC_MAX_ENTRIES)
		abort();
	for (unsigned i = 0; i < sets.num_st_curr_before; i++)
		if (sets.st_curr_before[i] >= n)
			abort();
	for (unsigned i = 0; i < sets.num_st_curr_after; i++)
		if (sets.st_curr_after[i] >= n)
			abort();
	for (unsigned i = 0; i < sets.num_lt_curr; i++)
		if (sets.lt_curr[i] >= n)
			abort();
	memset(&s, 0, sizeof(s));
	s.slice_type = fuzz_u8(in) % 4;
	s.num_ref_idx_l0_active = fuzz_u8(in) % 20;
	s.num_ref_idx_l1_active = fuzz_u8(in) % 20;
	s.ref_pic_list_modification_flag_l0 = fuzz_u8(in) & 1;
	s.ref_pic_list_modification_flag_l1 = fuzz_u8(in) & 1;
	for (unsigned i = 0; i < DPB_HEVC_MAX_ENTRIES; i++) {
		s.list_entry_l0[i] = fuzz_u8(in) % 20;
		s.list_entry_l1[i] = fuzz_u8(in) % 20;
	}
	if (dpb_hevc_ref_lists(d, &s, l0, l1) < 0 ||
	    s.slice_type == DPB_HEVC_SLICE_I)
		return;	/* an I slice's lists are all 0 */
	for (unsigned i = 0; i < s.num_ref_idx_l0_active && i < DPB_HEVC_MAX_ENTRIES; i++)
		if (l0[i] >= n)
			abort();
	for (unsigned i = 0; i < s.num_ref_idx_l1_active && i < DPB_HEVC_MAX_ENTRIES; i++)
		if (s.slice_type == DPB_HEVC_SLICE_B && l1[i] >= n)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	const struct dpb_hevc_callbacks cb = { on_output, on_release };
	struct dpb_hevc_sps sps;
	struct dpb_hevc_picture_info pic;
	uint64_t next_id = 1;

	memset(state, 0, sizeof(state));
	struct dpb_hevc *d = dpb_hevc_new(&cb, NULL);
	if (!d)
		return 0;
	read_sps(&in, &sps);
	while (in.size && next_id < MAX_IDS) {
		switch (fuzz_u8(&in) % 8) {
		case 0:
			read_sps(&in, &sps);
			break;
		case 1:
			dpb_hevc_drain(d);
			break;
		case 2:
			dpb_hevc_reset(d);
			break;
		default:
			read_picture(&in, &pic, next_id);
			int ret = dpb_hevc_start_picture(d, &sps, &pic);
			if (ret != 0)
				break;	/* refused, or a RASL skipped */
			state[next_id++] = 1;
			for (unsigned k = fuzz_u8(&in) % 3; k > 0; k--)
				check_picture(&in, d);
			dpb_hevc_finish_picture(d);
			break;
		}
	}
	dpb_hevc_reset(d);
	dpb_hevc_free(d);
	return 0;
}
