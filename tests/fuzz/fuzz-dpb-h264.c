/* libFuzzer target: the plugin's H.264 reference management
 * (gst-plugin/dpb_h264.c) driven by a hostile stream of pictures.
 *
 * Input: an SPS (fuzz_dpb_sps below), then records of one byte saying what
 * to do (start and finish a picture, ask for lists, drain, reset) followed
 * by that operation's fields. Besides memory errors, the target aborts when
 * the DPB breaks its word: a picture output twice or after its release, a
 * buffer released twice, or a reference list naming an entry that does
 * not exist. */
#include <stdlib.h>

#include "dpb_h264.h"
#include "fuzz.h"

#define MAX_IDS 4096

struct ledger {
	uint8_t state[MAX_IDS];	/* 0 unknown, 1 held, 2 output, 3 released */
};

static void on_output(void *user, const struct dpb_h264_output *out)
{
	struct ledger *l = user;

	if (out->id >= MAX_IDS || l->state[out->id] != 1)
		abort();	/* output twice, or of a picture not held */
	l->state[out->id] = 2;
}

static void on_release(void *user, uint64_t id)
{
	struct ledger *l = user;

	if (id >= MAX_IDS || (l->state[id] != 1 && l->state[id] != 2))
		abort();	/* released twice, or never started */
	l->state[id] = 3;
}

static void read_sps(struct fuzz_input *in, struct dpb_h264_sps *sps)
{
	memset(sps, 0, sizeof(*sps));
	sps->log2_max_frame_num = fuzz_u8(in) % 20;
	sps->pic_order_cnt_type = fuzz_u8(in) % 4;
	sps->log2_max_pic_order_cnt_lsb = fuzz_u8(in) % 20;
	sps->delta_pic_order_always_zero = fuzz_u8(in) & 1;
	sps->offset_for_non_ref_pic = (int32_t)fuzz_u32(in);
	sps->offset_for_top_to_bottom_field = (int32_t)fuzz_u32(in);
	sps->num_ref_frames_in_pic_order_cnt_cycle = fuzz_u8(in);
	for (unsigned i = 0; i < 4; i++)
		sps->offset_for_ref_frame[i] = (int32_t)fuzz_u32(in);
	sps->max_num_ref_frames = fuzz_u8(in) % 20;
	sps->frame_mbs_only = fuzz_u8(in) & 1;
	sps->gaps_in_frame_num_allowed = fuzz_u8(in) & 1;
	sps->max_dec_frame_buffering = fuzz_u8(in) % 20;
	sps->max_num_reorder_frames = fuzz_u8(in) % 20;
}

static void read_picture(struct fuzz_input *in,
			 struct dpb_h264_picture_info *p, uint64_t id)
{
	uint8_t flags = fuzz_u8(in);

	memset(p, 0, sizeof(*p));
	p->idr = flags & 1;
	p->field_pic = flags & 2;
	p->bottom_field = flags & 4;
	p->no_output_of_prior_pics = flags & 8;
	p->long_term_reference_flag = flags & 16;
	p->adaptive_ref_pic_marking = flags & 32;
	p->nal_ref_idc = fuzz_u8(in) % 4;
	p->frame_num = fuzz_u8(in) | (flags & 64 ? fuzz_u32(in) : 0);
	p->pic_order_cnt_lsb = fuzz_u8(in);
	p->delta_pic_order_cnt_bottom = (int8_t)fuzz_u8(in);
	p->delta_pic_order_cnt[0] = (int8_t)fuzz_u8(in);
	p->delta_pic_order_cnt[1] = (int8_t)fuzz_u8(in);
	p->n_mmco = p->adaptive_ref_pic_marking ? fuzz_u8(in) % 8 : 0;
	for (unsigned i = 0; i < p->n_mmco; i++) {
		p->mmco[i].op = fuzz_u8(in) % 8;
		p->mmco[i].difference_of_pic_nums_minus1 = fuzz_u8(in);
		p->mmco[i].long_term_pic_num = fuzz_u8(in);
		p->mmco[i].long_term_frame_idx = fuzz_u8(in) % 20;
		p->mmco[i].max_long_term_frame_idx_plus1 = fuzz_u8(in) % 20;
	}
	p->id = id;
}

static void check_lists(struct fuzz_input *in, struct dpb_h264 *d)
{
	struct dpb_h264_slice s;
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];
	struct dpb_h264_entry entries[DPB_H264_MAX_FRAMES];
	unsigned n = dpb_h264_entries(d, entries);

	memset(&s, 0, sizeof(s));
	s.type = fuzz_u8(in) % 4;
	for (unsigned l = 0; l < 2; l++) {
		s.num_ref_idx_active[l] = fuzz_u8(in) % 40;
		s.n_modifications[l] = fuzz_u8(in) % 4;
		for (unsigned i = 0; i < s.n_modifications[l]; i++) {
			s.modification[l][i].idc = fuzz_u8(in) % 4;
			s.modification[l][i].value = fuzz_u8(in);
		}
	}
	if (dpb_h264_ref_lists(d, &s, l0, l1) < 0)
		return;
	for (unsigned l = 0; l < 2; l++)
		for (unsigned i = 0; i < s.num_ref_idx_active[l] &&
				  i < DPB_H264_MAX_REFS; i++) {
			const struct dpb_h264_ref *r = l ? &l1[i] : &l0[i];
			if (r->fields != DPB_H264_NO_FIELD && r->index >= n)
				abort();	/* names no entry */
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	static struct ledger ledger;
	const struct dpb_h264_ops ops = { on_output, on_release };
	struct dpb_h264_sps sps;
	struct dpb_h264_picture_info pic;
	uint64_t next_id = 1;

	memset(&ledger, 0, sizeof(ledger));
	struct dpb_h264 *d = dpb_h264_new(&ops, &ledger);
	if (!d)
		return 0;
	read_sps(&in, &sps);
	while (in.size && next_id < MAX_IDS) {
		switch (fuzz_u8(&in) % 8) {
		case 0:
			read_sps(&in, &sps);
			break;
		case 1:
			dpb_h264_drain(d);
			break;
		case 2:
			dpb_h264_reset(d);
			break;
		default:
			read_picture(&in, &pic, next_id);
			if (dpb_h264_start_picture(d, &sps, &pic) < 0)
				break;
			if (ledger.state[next_id] == 0)
				ledger.state[next_id] = 1;
			next_id++;
			for (unsigned k = fuzz_u8(&in) % 3; k > 0; k--)
				check_lists(&in, d);
			dpb_h264_finish_picture(d);
			break;
		}
	}
	dpb_h264_reset(d);
	dpb_h264_free(d);
	return 0;
}
