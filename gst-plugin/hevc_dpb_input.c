/* What dpb_hevc.c needs, from what GStreamer's H.265 parser read (the
 * element and the order check, tests/unit/dpb-order.c, share it). */
#include <string.h>

#include "hevc_dpb_input.h"

gboolean gst_v4l2r_hevc_is_idr(guint8 nal_unit_type)
{
	return nal_unit_type == GST_H265_NAL_SLICE_IDR_W_RADL ||
	       nal_unit_type == GST_H265_NAL_SLICE_IDR_N_LP;
}

gboolean gst_v4l2r_hevc_is_slice(guint8 nal_unit_type)
{
	return nal_unit_type <= GST_H265_NAL_SLICE_RASL_R ||
	       (nal_unit_type >= GST_H265_NAL_SLICE_BLA_W_LP &&
		nal_unit_type <= GST_H265_NAL_SLICE_CRA_NUT);
}

void gst_v4l2r_hevc_dpb_sps(struct dpb_hevc_sps *d, const GstH265SPS *sps)
{
	guint htid = MIN(sps->max_sub_layers_minus1, GST_H265_MAX_SUB_LAYERS - 1);

	memset(d, 0, sizeof(*d));
	d->log2_max_pic_order_cnt_lsb = sps->log2_max_pic_order_cnt_lsb_minus4 + 4;
	d->max_dec_pic_buffering = sps->max_dec_pic_buffering_minus1[htid] + 1;
	d->max_num_reorder_pics = sps->max_num_reorder_pics[htid];
	d->max_latency_increase_plus1 = sps->max_latency_increase_plus1[htid];
	d->long_term_ref_pics_present = sps->long_term_ref_pics_present_flag;
}

static const GstH265ShortTermRefPicSet *st_rps(const GstH265SliceHdr *hdr)
{
	const GstH265SPS *sps = hdr->pps->sps;

	if (!hdr->short_term_ref_pic_set_sps_flag)
		return &hdr->short_term_ref_pic_sets;
	if (hdr->short_term_ref_pic_set_idx >= sps->num_short_term_ref_pic_sets)
		return NULL;
	return &sps->short_term_ref_pic_set[hdr->short_term_ref_pic_set_idx];
}

gboolean gst_v4l2r_hevc_dpb_picture(struct dpb_hevc_picture_info *p,
				    const GstH265SliceHdr *hdr,
				    const GstH265NalUnit *nalu, uint64_t id,
				    gboolean follows_eos)
{
	const GstH265SPS *sps = hdr->pps->sps;

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->nal_unit_type = nalu->type;
	p->temporal_id = nalu->temporal_id_plus1 - 1;
	p->pic_order_cnt_lsb = hdr->pic_order_cnt_lsb;
	p->pic_output_flag = !hdr->pps->output_flag_present_flag ||
			     hdr->pic_output_flag;
	p->no_output_of_prior_pics_flag = hdr->no_output_of_prior_pics_flag;
	p->follows_eos = follows_eos;
	if (gst_v4l2r_hevc_is_idr(nalu->type))
		return TRUE;	/* no reference picture set */

	const GstH265ShortTermRefPicSet *st = st_rps(hdr);
	if (!st || st->NumNegativePics > DPB_HEVC_MAX_ST_REFS ||
	    st->NumPositivePics > DPB_HEVC_MAX_ST_REFS)
		return FALSE;
	p->num_negative_pics = st->NumNegativePics;
	p->num_positive_pics = st->NumPositivePics;
	for (guint i = 0; i < st->NumNegativePics; i++) {
		p->delta_poc_s0[i] = st->DeltaPocS0[i];
		p->used_by_curr_pic_s0[i] = st->UsedByCurrPicS0[i];
	}
	for (guint i = 0; i < st->NumPositivePics; i++) {
		p->delta_poc_s1[i] = st->DeltaPocS1[i];
		p->used_by_curr_pic_s1[i] = st->UsedByCurrPicS1[i];
	}

	guint n_lt = hdr->num_long_term_sps + hdr->num_long_term_pics;
	if (n_lt > G_N_ELEMENTS(hdr->poc_lsb_lt))
		return FALSE;
	p->num_long_term = (uint8_t)n_lt;
	for (guint i = 0; i < n_lt; i++) {
		struct dpb_hevc_lt_ref *lt = &p->lt[i];
		if (i < hdr->num_long_term_sps) {
			guint k = hdr->lt_idx_sps[i];
			if (k >= sps->num_long_term_ref_pics_sps)
				return FALSE;
			lt->poc_lsb_lt = sps->lt_ref_pic_poc_lsb_sps[k];
			lt->used_by_curr_pic_lt = sps->used_by_curr_pic_lt_sps_flag[k];
		} else {
			lt->poc_lsb_lt = hdr->poc_lsb_lt[i];
			lt->used_by_curr_pic_lt = hdr->used_by_curr_pic_lt_flag[i];
		}
		lt->delta_poc_msb_present_flag = hdr->delta_poc_msb_present_flag[i];
		/* DeltaPocMsbCycleLt accumulates within each of the two
		 * groups (7-52). */
		lt->delta_poc_msb_cycle_lt = hdr->delta_poc_msb_cycle_lt[i];
		if (i != 0 && i != hdr->num_long_term_sps)
			lt->delta_poc_msb_cycle_lt += p->lt[i - 1].delta_poc_msb_cycle_lt;
	}
	return TRUE;
}
