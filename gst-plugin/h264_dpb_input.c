/* What dpb_h264.c needs, from what GStreamer's H.264 parser read (the
 * element and the order check, tests/unit/dpb-order.c, share it). */
#include <string.h>

#include "h264_dpb_input.h"

/* MaxDpbMbs of each level (H.264 table A-1). */
static guint max_dpb_mbs(guint8 level_idc, gboolean constraint_set3)
{
	static const struct {
		guint8 level;
		guint mbs;
	} table[] = {
		{ 9, 396 },	/* 1b */
		{ 10, 396 },	{ 11, 900 },	{ 12, 2376 },	{ 13, 2376 },
		{ 20, 2376 },	{ 21, 4752 },	{ 22, 8100 },	{ 30, 8100 },
		{ 31, 18000 },	{ 32, 20480 },	{ 40, 32768 },	{ 41, 32768 },
		{ 42, 34816 },	{ 50, 110400 }, { 51, 184320 }, { 52, 184320 },
		{ 60, 696320 }, { 61, 696320 }, { 62, 696320 },
	};
	/* level_idc 11 with constraint_set3 is level 1b (A.3.1) */
	if (level_idc == 11 && constraint_set3)
		return 396;
	for (guint i = 0; i < G_N_ELEMENTS(table); i++)
		if (table[i].level == level_idc)
			return table[i].mbs;
	return 696320;	/* unknown: the largest, never too small */
}

/* The DPB size in frames (A.3.1 item h, or the VUI's bound). */
static guint dpb_frames(const GstH264SPS *sps)
{
	guint mbs = (sps->pic_width_in_mbs_minus1 + 1) *
		    (sps->pic_height_in_map_units_minus1 + 1) *
		    (2 - sps->frame_mbs_only_flag);
	guint n = max_dpb_mbs(sps->level_idc, sps->constraint_set3_flag) / mbs;

	if (sps->vui_parameters_present_flag &&
	    sps->vui_parameters.bitstream_restriction_flag)
		n = sps->vui_parameters.max_dec_frame_buffering;
	n = MAX(n, sps->num_ref_frames);
	return CLAMP(n, 1, 16);
}

void gst_v4l2r_h264_dpb_sps(struct dpb_h264_sps *d, const GstH264SPS *sps)
{
	memset(d, 0, sizeof(*d));
	d->log2_max_frame_num = sps->log2_max_frame_num_minus4 + 4;
	d->pic_order_cnt_type = sps->pic_order_cnt_type;
	d->log2_max_pic_order_cnt_lsb = sps->log2_max_pic_order_cnt_lsb_minus4 + 4;
	d->delta_pic_order_always_zero = sps->delta_pic_order_always_zero_flag;
	d->offset_for_non_ref_pic = sps->offset_for_non_ref_pic;
	d->offset_for_top_to_bottom_field = sps->offset_for_top_to_bottom_field;
	d->num_ref_frames_in_pic_order_cnt_cycle =
		sps->num_ref_frames_in_pic_order_cnt_cycle;
	memcpy(d->offset_for_ref_frame, sps->offset_for_ref_frame,
	       sizeof(d->offset_for_ref_frame));
	d->max_num_ref_frames = (uint8_t)MIN(sps->num_ref_frames, 16);
	d->frame_mbs_only = sps->frame_mbs_only_flag;
	d->gaps_in_frame_num_allowed = sps->gaps_in_frame_num_value_allowed_flag;
	d->max_dec_frame_buffering = (uint8_t)dpb_frames(sps);
	d->max_num_reorder_frames = d->max_dec_frame_buffering;
	if (sps->vui_parameters_present_flag &&
	    sps->vui_parameters.bitstream_restriction_flag)
		d->max_num_reorder_frames = (uint8_t)MIN(
			sps->vui_parameters.num_reorder_frames,
			d->max_dec_frame_buffering);
	else if (sps->constraint_set3_flag &&
		 (sps->profile_idc == 44 || sps->profile_idc == 86 ||
		  sps->profile_idc == 100 || sps->profile_idc == 110 ||
		  sps->profile_idc == 122 || sps->profile_idc == 244))
		d->max_num_reorder_frames = 0;	/* intra profiles (A.2) */
}

void gst_v4l2r_h264_dpb_picture(struct dpb_h264_picture_info *p,
			      const GstH264SliceHdr *hdr,
			      const GstH264NalUnit *nalu, uint64_t id)
{
	const GstH264DecRefPicMarking *m = &hdr->dec_ref_pic_marking;

	memset(p, 0, sizeof(*p));
	p->idr = nalu->idr_pic_flag;
	p->nal_ref_idc = (uint8_t)nalu->ref_idc;
	p->frame_num = hdr->frame_num;
	p->field_pic = hdr->field_pic_flag;
	p->bottom_field = hdr->bottom_field_flag;
	p->pic_order_cnt_lsb = hdr->pic_order_cnt_lsb;
	p->delta_pic_order_cnt_bottom = hdr->delta_pic_order_cnt_bottom;
	p->delta_pic_order_cnt[0] = hdr->delta_pic_order_cnt[0];
	p->delta_pic_order_cnt[1] = hdr->delta_pic_order_cnt[1];
	p->no_output_of_prior_pics = m->no_output_of_prior_pics_flag;
	p->long_term_reference_flag = m->long_term_reference_flag;
	p->adaptive_ref_pic_marking = m->adaptive_ref_pic_marking_mode_flag;
	p->n_mmco = MIN(m->n_ref_pic_marking, DPB_H264_MAX_MMCO);
	for (unsigned i = 0; i < p->n_mmco; i++) {
		const GstH264RefPicMarking *r = &m->ref_pic_marking[i];
		p->mmco[i] = (struct dpb_h264_mmco){
			.op = r->memory_management_control_operation,
			.difference_of_pic_nums_minus1 =
				r->difference_of_pic_nums_minus1,
			.long_term_pic_num = r->long_term_pic_num,
			.long_term_frame_idx = r->long_term_frame_idx,
			.max_long_term_frame_idx_plus1 =
				r->max_long_term_frame_idx_plus1,
		};
	}
	p->id = id;
}

