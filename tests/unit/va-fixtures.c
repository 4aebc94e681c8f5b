/* Valid VA parameter buffers of each codec (va-fixtures.h). */
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "va-fixtures.h"

/* Linked into programs outside check too (the guest's va-hostile): a
 * frame writer overflowing its buffers is a bug of this file. */
#define VP9_ENC_ASSERT(x) do { if (!(x)) abort(); } while (0)
#include "vp9-bool-encoder.h"

/* ---- H.264 ---- */

const struct h264_fx_slice h264_fx_cavlc_idr[4] = {
	{ "cavlc_idr_s0", 0, 34, 6, 7 },
	{ "cavlc_idr_s1", 80, 48, -12, 7 },
	{ "cavlc_idr_s2", 160, 50, -12, 7 },
	{ "cavlc_idr_s3", 220, 50, -12, 7 },
};
const struct h264_fx_slice h264_fx_cavlc_p = { "cavlc_p_s1", 80, 47, -12, 5 };

void h264_fx_pic_init(VAPictureH264 *p)
{
	memset(p, 0, sizeof(*p));
	p->picture_id = VA_INVALID_SURFACE;
	p->flags = VA_PICTURE_H264_INVALID;
}

void h264_fx_pp_blank(VAPictureParameterBufferH264 *pp, VASurfaceID target)
{
	memset(pp, 0, sizeof(*pp));
	pp->CurrPic.picture_id = target;
	for (unsigned i = 0; i < 16; i++)
		h264_fx_pic_init(&pp->ReferenceFrames[i]);
}

void h264_fx_pp_cavlc(VAPictureParameterBufferH264 *pp, VASurfaceID target)
{
	h264_fx_pp_blank(pp, target);
	pp->picture_width_in_mbs_minus1 = 19;
	pp->picture_height_in_mbs_minus1 = 14;
	pp->num_ref_frames = 3;
	pp->seq_fields.bits.chroma_format_idc = 1;
	pp->seq_fields.bits.frame_mbs_only_flag = 1;
	pp->seq_fields.bits.direct_8x8_inference_flag = 1;
	pp->seq_fields.bits.pic_order_cnt_type = 2;
	pp->pic_init_qp_minus26 = -3;
	pp->chroma_qp_index_offset = -2;
	pp->second_chroma_qp_index_offset = -2;
	pp->pic_fields.bits.deblocking_filter_control_present_flag = 1;
	pp->pic_fields.bits.reference_pic_flag = 1;
}


/* ---- HEVC ---- */

void hevc_fx_stream_params(VAPictureParameterBufferHEVC *p,
			   const struct fx_stream *s)
{
	p->pic_width_in_luma_samples = s->pic_width_in_luma_samples;
	p->pic_height_in_luma_samples = s->pic_height_in_luma_samples;
	p->pic_fields.bits.chroma_format_idc = s->chroma_format_idc;
	p->pic_fields.bits.scaling_list_enabled_flag = s->scaling_list_enabled_flag;
	p->pic_fields.bits.amp_enabled_flag = s->amp_enabled_flag;
	p->pic_fields.bits.pcm_enabled_flag = s->pcm_enabled_flag;
	p->pic_fields.bits.strong_intra_smoothing_enabled_flag =
		s->strong_intra_smoothing_enabled_flag;
	p->pic_fields.bits.sign_data_hiding_enabled_flag =
		s->sign_data_hiding_enabled_flag;
	p->pic_fields.bits.constrained_intra_pred_flag = s->constrained_intra_pred_flag;
	p->pic_fields.bits.transform_skip_enabled_flag = s->transform_skip_enabled_flag;
	p->pic_fields.bits.cu_qp_delta_enabled_flag = s->cu_qp_delta_enabled_flag;
	p->pic_fields.bits.weighted_pred_flag = s->weighted_pred_flag;
	p->pic_fields.bits.weighted_bipred_flag = s->weighted_bipred_flag;
	p->pic_fields.bits.transquant_bypass_enabled_flag =
		s->transquant_bypass_enabled_flag;
	p->pic_fields.bits.tiles_enabled_flag = s->tiles_enabled_flag;
	p->pic_fields.bits.entropy_coding_sync_enabled_flag =
		s->entropy_coding_sync_enabled_flag;
	p->pic_fields.bits.pps_loop_filter_across_slices_enabled_flag =
		s->pps_loop_filter_across_slices_enabled_flag;
	p->pic_fields.bits.NoPicReorderingFlag = s->sps_max_num_reorder_pics == 0;
	p->sps_max_dec_pic_buffering_minus1 = s->sps_max_dec_pic_buffering_minus1;
	p->bit_depth_luma_minus8 = s->bit_depth_luma_minus8;
	p->bit_depth_chroma_minus8 = s->bit_depth_chroma_minus8;
	p->log2_min_luma_coding_block_size_minus3 =
		s->log2_min_luma_coding_block_size_minus3;
	p->log2_diff_max_min_luma_coding_block_size =
		s->log2_diff_max_min_luma_coding_block_size;
	p->log2_min_transform_block_size_minus2 =
		s->log2_min_luma_transform_block_size_minus2;
	p->log2_diff_max_min_transform_block_size =
		s->log2_diff_max_min_luma_transform_block_size;
	p->max_transform_hierarchy_depth_intra = s->max_transform_hierarchy_depth_intra;
	p->max_transform_hierarchy_depth_inter = s->max_transform_hierarchy_depth_inter;
	p->init_qp_minus26 = s->init_qp_minus26;
	p->diff_cu_qp_delta_depth = s->diff_cu_qp_delta_depth;
	p->pps_cb_qp_offset = s->pps_cb_qp_offset;
	p->pps_cr_qp_offset = s->pps_cr_qp_offset;
	p->log2_parallel_merge_level_minus2 = s->log2_parallel_merge_level_minus2;
	p->slice_parsing_fields.bits.lists_modification_present_flag =
		s->lists_modification_present_flag;
	p->slice_parsing_fields.bits.long_term_ref_pics_present_flag =
		s->long_term_ref_pics_present_flag;
	p->slice_parsing_fields.bits.sps_temporal_mvp_enabled_flag =
		s->sps_temporal_mvp_enabled_flag;
	p->slice_parsing_fields.bits.cabac_init_present_flag = s->cabac_init_present_flag;
	p->slice_parsing_fields.bits.output_flag_present_flag = s->output_flag_present_flag;
	p->slice_parsing_fields.bits.dependent_slice_segments_enabled_flag =
		s->dependent_slice_segments_enabled_flag;
	p->slice_parsing_fields.bits.pps_slice_chroma_qp_offsets_present_flag =
		s->pps_slice_chroma_qp_offsets_present_flag;
	p->slice_parsing_fields.bits.sample_adaptive_offset_enabled_flag =
		s->sample_adaptive_offset_enabled_flag;
	p->slice_parsing_fields.bits.deblocking_filter_override_enabled_flag =
		s->deblocking_filter_override_enabled_flag;
	p->slice_parsing_fields.bits.pps_disable_deblocking_filter_flag =
		s->pps_deblocking_filter_disabled_flag;
	p->slice_parsing_fields.bits.slice_segment_header_extension_present_flag =
		s->slice_segment_header_extension_present_flag;
	p->log2_max_pic_order_cnt_lsb_minus4 = s->log2_max_pic_order_cnt_lsb_minus4;
	p->num_short_term_ref_pic_sets = s->num_short_term_ref_pic_sets;
	p->num_ref_idx_l0_default_active_minus1 = s->num_ref_idx_l0_default_active_minus1;
	p->num_ref_idx_l1_default_active_minus1 = s->num_ref_idx_l1_default_active_minus1;
	p->pps_beta_offset_div2 = s->pps_beta_offset_div2;
	p->pps_tc_offset_div2 = s->pps_tc_offset_div2;
	p->num_extra_slice_header_bits = s->num_extra_slice_header_bits;
}

void hevc_fx_slice_params(VASliceParameterBufferHEVC *sp,
			  const struct fx_slice *x, bool last)
{
	unsigned n[2] = { x->num_ref_idx_l0_active_minus1 + 1u,
			  x->num_ref_idx_l1_active_minus1 + 1u };

	memset(sp, 0, sizeof(*sp));
	sp->slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
	sp->slice_data_byte_offset = x->header_rbsp_bytes;
	sp->slice_segment_address = x->slice_segment_address;
	memset(sp->RefPicList, 0xff, sizeof(sp->RefPicList));
	for (unsigned l = 0; l < 2; l++) {
		if (x->slice_type == 2 || (l == 1 && x->slice_type != 0))
			continue;
		for (unsigned k = 0; k < n[l]; k++)
			sp->RefPicList[l][k] = x->ref_pic_list[l][k];
	}
	sp->LongSliceFlags.fields.LastSliceOfPic = last;
	sp->LongSliceFlags.fields.dependent_slice_segment_flag =
		x->dependent_slice_segment_flag;
	sp->LongSliceFlags.fields.slice_type = x->slice_type;
	sp->LongSliceFlags.fields.slice_sao_luma_flag = x->slice_sao_luma_flag;
	sp->LongSliceFlags.fields.slice_sao_chroma_flag = x->slice_sao_chroma_flag;
	sp->LongSliceFlags.fields.mvd_l1_zero_flag = x->mvd_l1_zero_flag;
	sp->LongSliceFlags.fields.cabac_init_flag = x->cabac_init_flag;
	sp->LongSliceFlags.fields.slice_temporal_mvp_enabled_flag =
		x->slice_temporal_mvp_enabled_flag;
	sp->LongSliceFlags.fields.slice_deblocking_filter_disabled_flag =
		x->slice_deblocking_filter_disabled_flag;
	sp->LongSliceFlags.fields.collocated_from_l0_flag =
		x->collocated_from_l0_flag;
	sp->LongSliceFlags.fields.slice_loop_filter_across_slices_enabled_flag =
		x->slice_loop_filter_across_slices_enabled_flag;
	sp->collocated_ref_idx = x->slice_temporal_mvp_enabled_flag ?
		x->collocated_ref_idx : 0xff;
	sp->num_ref_idx_l0_active_minus1 = x->num_ref_idx_l0_active_minus1;
	sp->num_ref_idx_l1_active_minus1 = x->num_ref_idx_l1_active_minus1;
	sp->slice_qp_delta = x->slice_qp_delta;
	sp->slice_cb_qp_offset = x->slice_cb_qp_offset;
	sp->slice_cr_qp_offset = x->slice_cr_qp_offset;
	sp->slice_beta_offset_div2 = x->slice_beta_offset_div2;
	sp->slice_tc_offset_div2 = x->slice_tc_offset_div2;
	sp->luma_log2_weight_denom = x->luma_log2_weight_denom;
	sp->delta_chroma_log2_weight_denom = x->delta_chroma_log2_weight_denom;
	for (unsigned k = 0; k < 15; k++) {
		sp->delta_luma_weight_l0[k] = x->delta_luma_weight[0][k];
		sp->luma_offset_l0[k] = x->luma_offset[0][k];
		sp->delta_luma_weight_l1[k] = x->delta_luma_weight[1][k];
		sp->luma_offset_l1[k] = x->luma_offset[1][k];
		for (unsigned j = 0; j < 2; j++) {
			sp->delta_chroma_weight_l0[k][j] =
				x->delta_chroma_weight[0][k][j];
			sp->ChromaOffsetL0[k][j] = x->chroma_offset[0][k][j];
			sp->delta_chroma_weight_l1[k][j] =
				x->delta_chroma_weight[1][k][j];
			sp->ChromaOffsetL1[k][j] = x->chroma_offset[1][k][j];
		}
	}
	sp->five_minus_max_num_merge_cand = x->five_minus_max_num_merge_cand;
	sp->num_entry_point_offsets = x->num_entry_point_offsets;
}

/* ---- VP8 ---- */

void vp8_fx_frame(VAPictureParameterBufferVP8 *pic, VAIQMatrixBufferVP8 *iq,
		  VAProbabilityDataBufferVP8 *prob,
		  VASliceParameterBufferVP8 *sp, bool key, VASurfaceID last,
		  VASurfaceID golden)
{
	memset(pic, 0, sizeof(*pic));
	pic->frame_width = 200;
	pic->frame_height = 120;
	pic->last_ref_frame = key ? VA_INVALID_SURFACE : last;
	pic->golden_ref_frame = key ? VA_INVALID_SURFACE : golden;
	pic->alt_ref_frame = key ? VA_INVALID_SURFACE : golden;
	pic->pic_fields.bits.key_frame = key ? 0 : 1;
	pic->pic_fields.bits.sharpness_level = 3;
	pic->pic_fields.bits.loop_filter_adj_enable = 1;
	pic->pic_fields.bits.mode_ref_lf_delta_update = key;
	pic->pic_fields.bits.mb_no_coeff_skip = 1;
	pic->pic_fields.bits.sign_bias_golden = !key;
	for (unsigned i = 0; i < 4; i++)
		pic->loop_filter_level[i] = 20;
	pic->loop_filter_deltas_ref_frame[0] = 2;
	pic->loop_filter_deltas_ref_frame[2] = -2;
	pic->loop_filter_deltas_mode[0] = 4;
	pic->loop_filter_deltas_mode[1] = -2;
	pic->prob_skip_false = 200;
	pic->prob_intra = 60;
	pic->prob_last = 250;
	pic->prob_gf = 128;
	pic->y_mode_probs[0] = 112;
	pic->uv_mode_probs[2] = 183;
	pic->mv_probs[1][18] = 77;
	pic->bool_coder_ctx.range = 0xc4;
	pic->bool_coder_ctx.value = 0x5a;
	pic->bool_coder_ctx.count = 3;
	for (unsigned s = 0; s < 4; s++)
		for (unsigned k = 0; k < 6; k++)
			iq->quantization_index[s][k] = (uint16_t)(40 + k);
	memset(prob->dct_coeff_probs, 128, sizeof(prob->dct_coeff_probs));
	prob->dct_coeff_probs[3][7][2][10] = 9;
	memset(sp, 0, sizeof(*sp));
	sp->macroblock_offset = 150;
	sp->num_of_partitions = 3;
	sp->partition_size[0] = 300;
	sp->partition_size[1] = 900;
	sp->partition_size[2] = 700;
	sp->slice_data_size = VP8_FX_DATA_SIZE;
}

/* ---- VP9 ---- */

#define SYNC_CODE 0x498342

struct bit_writer {
	uint8_t buf[512];
	size_t bits;
};

static void put(struct bit_writer *w, unsigned v, unsigned n)
{
	while (n--) {
		VP9_ENC_ASSERT(w->bits < sizeof(w->buf) * 8);
		if (v >> n & 1)
			w->buf[w->bits / 8] |= (uint8_t)(0x80 >> w->bits % 8);
		w->bits++;
	}
}

static void put_su(struct bit_writer *w, int v, unsigned n)
{
	put(w, (unsigned)abs(v), n);
	put(w, v < 0, 1);
}


static void put_size(struct bit_writer *w, unsigned width, unsigned height)
{
	put(w, width - 1, 16);
	put(w, height - 1, 16);
}

static void put_render(struct bit_writer *w, const struct vp9_desc *d)
{
	put(w, d->render_w != 0, 1);
	if (d->render_w)
		put_size(w, d->render_w, d->render_h);
}

static void put_lf_delta(struct bit_writer *w, int v)
{
	put(w, v != VP9_FX_KEEP, 1);
	if (v != VP9_FX_KEEP)
		put_su(w, v, 6);
}

static void put_delta_q(struct bit_writer *w, int v)
{
	put(w, v != 0, 1);
	if (v)
		put_su(w, v, 4);
}

static void put_prob(struct bit_writer *w, uint8_t p)
{
	put(w, p != VP9_FX_NOT_CODED, 1);
	if (p != VP9_FX_NOT_CODED)
		put(w, p, 8);
}

/* Spec 6.2.14, written apart from the driver's. */
static void tile_bounds(unsigned width, unsigned *lo, unsigned *hi)
{
	unsigned sb64 = (((width + 7) / 8) + 7) / 8;

	for (*lo = 0; (64u << *lo) < sb64; (*lo)++)
		;
	for (*hi = 1; (sb64 >> *hi) >= 4; (*hi)++)
		;
	(*hi)--;
}

static void put_frame_kind(struct bit_writer *w, const struct vp9_desc *d)
{
	/* filter literal for each V4L2 value: smooth is coded 0 */
	static const unsigned literal[4] = { 1, 0, 2, 3 };

	put(w, !d->key, 1);
	put(w, d->show, 1);
	put(w, d->error_res, 1);
	if (d->key) {
		put(w, SYNC_CODE, 24);
		if (d->profile >= 2)
			put(w, 0, 1);	/* ten_or_twelve_bit: 10 */
		put(w, 1, 3);		/* color_space: BT.601 */
		put(w, d->color_full, 1);
		put_size(w, d->width, d->height);
		put_render(w, d);
		return;
	}
	if (!d->show)
		put(w, d->intra_only, 1);
	if (!d->error_res)
		put(w, d->reset_ctx, 2);
	if (d->intra_only) {
		put(w, SYNC_CODE, 24);
		if (d->profile > 0) {	/* color_config(), profile 2: 4:2:0 */
			put(w, 0, 1);	/* ten_or_twelve_bit: 10 */
			put(w, 1, 3);	/* color_space: BT.601 */
			put(w, d->color_full, 1);
		}
		put(w, d->refresh, 8);
		put_size(w, d->width, d->height);
		put_render(w, d);
		return;
	}
	put(w, d->refresh, 8);
	for (unsigned i = 0; i < 3; i++) {
		put(w, d->ref_idx[i], 3);
		put(w, d->sign_bias[i], 1);
	}
	if (d->size_from_ref) {
		put(w, 1, 1);
	} else {
		put(w, 0, 3);
		put_size(w, d->width, d->height);
	}
	put_render(w, d);
	put(w, d->hp, 1);
	put(w, d->interp == V4L2_VP9_INTERP_FILTER_SWITCHABLE, 1);
	if (d->interp != V4L2_VP9_INTERP_FILTER_SWITCHABLE)
		put(w, literal[d->interp], 2);
}

static void put_segmentation(struct bit_writer *w, const struct vp9_desc *d)
{
	static const unsigned bits[4] = { 8, 6, 2, 0 };
	static const bool is_signed[4] = { true, true, false, false };

	put(w, d->seg_enabled, 1);
	if (!d->seg_enabled)
		return;
	put(w, d->seg_update_map, 1);
	if (d->seg_update_map) {
		for (unsigned i = 0; i < 7; i++)
			put_prob(w, d->tree[i]);
		put(w, d->seg_temporal, 1);
		for (unsigned i = 0; d->seg_temporal && i < 3; i++)
			put_prob(w, d->pred[i]);
	}
	put(w, d->seg_update_data, 1);
	if (!d->seg_update_data)
		return;
	put(w, d->seg_abs, 1);
	for (unsigned i = 0; i < 8; i++)
		for (unsigned j = 0; j < 4; j++) {
			put(w, d->feat_on[i][j], 1);
			if (!d->feat_on[i][j])
				continue;
			put(w, (unsigned)abs(d->feat[i][j]), bits[j]);
			if (is_signed[j])
				put(w, d->feat[i][j] < 0, 1);
		}
}

static void put_uncompressed(struct bit_writer *w, const struct vp9_desc *d,
			     unsigned comp_size)
{
	unsigned lo, hi;

	memset(w, 0, sizeof(*w));
	put(w, 2, 2);			/* frame_marker */
	put(w, d->profile & 1, 1);	/* profile_low_bit */
	put(w, d->profile >> 1, 1);	/* profile_high_bit */
	put(w, d->show_existing, 1);
	if (d->show_existing) {
		put(w, d->show_idx, 3);
		return;
	}
	put_frame_kind(w, d);
	if (!d->error_res) {
		put(w, d->refresh_ctx, 1);
		put(w, d->parallel, 1);
	}
	put(w, d->ctx_idx, 2);

	put(w, d->lf_level, 6);
	put(w, d->sharpness, 3);
	put(w, d->delta_enabled, 1);
	if (d->delta_enabled) {
		put(w, d->delta_update, 1);
		for (unsigned i = 0; d->delta_update && i < 4; i++)
			put_lf_delta(w, d->ref_delta[i]);
		for (unsigned i = 0; d->delta_update && i < 2; i++)
			put_lf_delta(w, d->mode_delta[i]);
	}
	put(w, d->base_q, 8);
	put_delta_q(w, d->dq_ydc);
	put_delta_q(w, d->dq_uvdc);
	put_delta_q(w, d->dq_uvac);
	put_segmentation(w, d);

	tile_bounds(d->width, &lo, &hi);
	for (unsigned k = lo; k < hi; k++) {
		put(w, k < d->tile_cols_log2, 1);
		if (k >= d->tile_cols_log2)
			break;
	}
	put(w, d->tile_rows_log2 != 0, 1);
	if (d->tile_rows_log2)
		put(w, d->tile_rows_log2 == 2, 1);
	put(w, comp_size, 16);
}

/* The frame: uncompressed header, compressed header (tx_mode, then no
 * updates), tiles of 6, 7, 8, ... bytes, all but the last behind their
 * 4-byte sizes. */
void vp9_fx_build(const struct vp9_desc *d, struct vp9_frame *f)
{
	static struct bool_enc e;
	struct bit_writer w;

	enc_start(&e);
	enc_literal(&e, d->tx_mode < 3 ? d->tx_mode : 3, 2);
	if (d->tx_mode >= 3)
		enc_literal(&e, d->tx_mode == V4L2_VP9_TX_MODE_SELECT, 1);
	/* Zeros at even odds decode as zeros at the update flags' odds too,
	 * and leave room for the ~250 flags of an inter frame. */
	for (unsigned i = 0; i < 64; i++)
		enc_bool(&e, 0, 128);
	f->comp_size = (unsigned)enc_finish(&e);

	put_uncompressed(&w, d, f->comp_size);
	f->unc_size = (unsigned)((w.bits + 7) / 8);
	memcpy(f->buf, w.buf, f->unc_size);
	f->size = f->unc_size;
	if (d->show_existing)
		return;
	memcpy(f->buf + f->size, e.buf, f->comp_size);
	f->size += f->comp_size;
	unsigned n = (1u << d->tile_rows_log2) << d->tile_cols_log2;
	for (unsigned t = 0; t < n; t++) {
		unsigned len = 6 + t;
		if (t + 1 < n)
			for (int b = 3; b >= 0; b--)
				f->buf[f->size++] = (uint8_t)(len >> (8 * b));
		memset(f->buf + f->size, 0xa5, len);
		f->size += len;
	}
}

/* The picture as FFmpeg's VA hwaccel describes it. */
void vp9_fx_fill_pic(VADecPictureParameterBufferVP9 *pic,
		     const struct vp9_desc *d, const struct vp9_frame *f,
		     const VASurfaceID refs[8])
{
	bool intra = d->key || d->intra_only;

	memset(pic, 0, sizeof(*pic));
	pic->frame_width = (uint16_t)d->width;
	pic->frame_height = (uint16_t)d->height;
	for (unsigned i = 0; i < 8; i++)
		pic->reference_frames[i] = refs[i];
	pic->pic_fields.bits.subsampling_x = 1;
	pic->pic_fields.bits.subsampling_y = 1;
	pic->pic_fields.bits.frame_type = !d->key;
	pic->pic_fields.bits.show_frame = d->show;
	pic->pic_fields.bits.error_resilient_mode = d->error_res;
	pic->pic_fields.bits.intra_only = d->intra_only;
	pic->pic_fields.bits.allow_high_precision_mv = d->hp;
	/* FFmpeg's value on intra frames is whatever came before */
	pic->pic_fields.bits.mcomp_filter_type = intra ? 1 : d->interp;
	pic->pic_fields.bits.frame_parallel_decoding_mode =
		d->error_res || d->parallel;
	pic->pic_fields.bits.reset_frame_context = d->reset_ctx;
	pic->pic_fields.bits.refresh_frame_context =
		!d->error_res && d->refresh_ctx;
	pic->pic_fields.bits.frame_context_idx = intra ? 0 : d->ctx_idx;
	pic->pic_fields.bits.segmentation_enabled = d->seg_enabled;
	pic->pic_fields.bits.segmentation_temporal_update = d->seg_temporal;
	pic->pic_fields.bits.segmentation_update_map = d->seg_update_map;
	pic->pic_fields.bits.last_ref_frame = d->ref_idx[0];
	pic->pic_fields.bits.last_ref_frame_sign_bias = d->sign_bias[0];
	pic->pic_fields.bits.golden_ref_frame = d->ref_idx[1];
	pic->pic_fields.bits.golden_ref_frame_sign_bias = d->sign_bias[1];
	pic->pic_fields.bits.alt_ref_frame = d->ref_idx[2];
	pic->pic_fields.bits.alt_ref_frame_sign_bias = d->sign_bias[2];
	pic->pic_fields.bits.lossless_flag = !d->base_q && !d->dq_ydc &&
					    !d->dq_uvdc && !d->dq_uvac;
	pic->filter_level = (uint8_t)d->lf_level;
	pic->sharpness_level = (uint8_t)d->sharpness;
	pic->log2_tile_rows = (uint8_t)d->tile_rows_log2;
	pic->log2_tile_columns = (uint8_t)d->tile_cols_log2;
	pic->frame_header_length_in_bytes = (uint8_t)f->unc_size;
	pic->first_partition_size = (uint16_t)f->comp_size;
	memcpy(pic->mb_segment_tree_probs, d->tree, 7);
	memcpy(pic->segment_pred_probs, d->pred, 3);
	pic->profile = (uint8_t)d->profile;
	pic->bit_depth = d->profile >= 2 ? 10 : 8;
}

/* 352x288 shown at 320x240: one tile column, two tile rows. */
struct vp9_desc vp9_fx_key_desc(void)
{
	return (struct vp9_desc){
		.key = true, .show = true, .color_full = true,
		.width = 352, .height = 288, .render_w = 320, .render_h = 240,
		.refresh_ctx = true, .ctx_idx = 1,
		.lf_level = 36, .sharpness = 2,
		.delta_enabled = true, .delta_update = true,
		.ref_delta = { 2, VP9_FX_KEEP, -3, VP9_FX_KEEP }, .mode_delta = { VP9_FX_KEEP, 5 },
		.base_q = 60, .dq_ydc = -3, .dq_uvdc = 2, .dq_uvac = -15,
		.tree = { VP9_FX_NOT_CODED, VP9_FX_NOT_CODED, VP9_FX_NOT_CODED, VP9_FX_NOT_CODED,
			  VP9_FX_NOT_CODED, VP9_FX_NOT_CODED, VP9_FX_NOT_CODED },
		.pred = { VP9_FX_NOT_CODED, VP9_FX_NOT_CODED, VP9_FX_NOT_CODED },
		.tile_rows_log2 = 1,
		.tx_mode = V4L2_VP9_TX_MODE_ALLOW_32X32,
	};
}

/* An inter frame on slots 0, 1 and 6, size from the first reference,
 * switchable filters, deltas not updated. */
struct vp9_desc vp9_fx_inter_desc(void)
{
	struct vp9_desc d = vp9_fx_key_desc();

	d.key = false;
	d.refresh = 0x01;
	d.ref_idx[0] = 0;
	d.ref_idx[1] = 1;
	d.ref_idx[2] = 6;
	d.sign_bias[2] = true;
	d.size_from_ref = true;
	d.render_w = d.render_h = 0;
	d.hp = true;
	d.interp = V4L2_VP9_INTERP_FILTER_SWITCHABLE;
	d.ctx_idx = 2;
	d.delta_update = false;
	d.base_q = 80;
	d.dq_ydc = d.dq_uvdc = d.dq_uvac = 0;
	d.tx_mode = V4L2_VP9_TX_MODE_ALLOW_16X16;
	return d;
}


/* ---- AV1 ---- */

/* Sequence header of the stream: 64x64 superblocks, order hints of 7 bits,
 * filter intra, intra edge, masked compound, CDEF. */
static void av1_fx_sequence(VADecPictureParameterBufferAV1 *p)
{
	p->profile = 0;
	p->order_hint_bits_minus_1 = 6;
	p->bit_depth_idx = 0;
	p->seq_info_fields.fields.enable_filter_intra = 1;
	p->seq_info_fields.fields.enable_intra_edge_filter = 1;
	p->seq_info_fields.fields.enable_masked_compound = 1;
	p->seq_info_fields.fields.enable_order_hint = 1;
	p->seq_info_fields.fields.enable_cdef = 1;
	p->seq_info_fields.fields.subsampling_x = 1;
	p->seq_info_fields.fields.subsampling_y = 1;
	p->frame_width_minus1 = 319;
	p->frame_height_minus1 = 239;
	p->tile_cols = 1;
	p->tile_rows = 1;
	p->width_in_sbs_minus_1[0] = 4;	/* 320 / 64 */
	p->height_in_sbs_minus_1[0] = 3;	/* 240 / 64, rounded up */
	p->pic_info_fields.bits.uniform_tile_spacing_flag = 1;
	for (unsigned i = 0; i < 7; i++)
		p->wm[i].wmmat[2] = p->wm[i].wmmat[5] = 1 << 16;
	/* the spec's default deltas, in force on both frames */
	static const int8_t deltas[8] = { 1, 0, 0, 0, -1, 0, -1, -1 };
	memcpy(p->ref_deltas, deltas, sizeof(deltas));
	p->loop_filter_info_fields.bits.mode_ref_delta_enabled = 1;
}

/* Frame 0: shown key frame, order hint 0, base_q_idx 32; no references
 * (GStreamer's vaav1dec leaves 255 in ref_frame_idx). */
void av1_fx_key_frame(VADecPictureParameterBufferAV1 *p, VASurfaceID target)
{
	memset(p, 0, sizeof(*p));
	av1_fx_sequence(p);
	p->current_frame = p->current_display_picture = target;
	for (unsigned i = 0; i < 8; i++)
		p->ref_frame_map[i] = VA_INVALID_SURFACE;
	memset(p->ref_frame_idx, 0xff, sizeof(p->ref_frame_idx));
	p->primary_ref_frame = 7;
	p->pic_info_fields.bits.frame_type = 0;
	p->pic_info_fields.bits.show_frame = 1;
	p->pic_info_fields.bits.showable_frame = 0;
	p->base_qindex = 32;
	p->filter_level[0] = p->filter_level[1] = 1;
	p->filter_level_u = p->filter_level_v = 1;
	p->interp_filter = 0;
	p->mode_control_fields.bits.tx_mode = 1;
	p->superres_scale_denominator = 8;
}

/* Frame 1: inter frame, order hint 1, every slot holding frame 0. */
void av1_fx_inter_frame(VADecPictureParameterBufferAV1 *p, VASurfaceID target,
			VASurfaceID key)
{
	static const uint8_t idx[7] = { 0, 1, 7, 6, 7, 7, 0 };

	memset(p, 0, sizeof(*p));
	av1_fx_sequence(p);
	p->current_frame = p->current_display_picture = target;
	for (unsigned i = 0; i < 8; i++)
		p->ref_frame_map[i] = key;
	memcpy(p->ref_frame_idx, idx, sizeof(idx));
	p->primary_ref_frame = 6;
	p->order_hint = 1;
	p->pic_info_fields.bits.frame_type = 1;
	p->pic_info_fields.bits.show_frame = 1;
	p->pic_info_fields.bits.is_motion_mode_switchable = 1;
	p->pic_info_fields.bits.use_ref_frame_mvs = 1;
	p->pic_info_fields.bits.allow_warped_motion = 1;
	p->base_qindex = 128;
	p->filter_level[0] = p->filter_level[1] = 11;
	p->filter_level_u = p->filter_level_v = 11;
	p->interp_filter = 4;
	p->mode_control_fields.bits.tx_mode = 2;
	p->cdef_damping_minus_3 = 2;
	p->cdef_y_strengths[0] = 1 << 2;
	p->cdef_uv_strengths[0] = 1 << 2;
	p->superres_scale_denominator = 8;
}

const uint8_t av1_fx_grain_y_x[9] = { 0, 27, 54, 67, 94, 121, 134, 148, 255 };
const uint8_t av1_fx_grain_y_scaling[9] = { 23, 23, 26, 29, 36, 32, 35, 37, 37 };
const uint8_t av1_fx_grain_c_x[8] = { 0, 27, 54, 94, 121, 134, 148, 255 };
const uint8_t av1_fx_grain_cb_scaling[8] = { 5, 5, 7, 14, 8, 9, 9, 10 };
const uint8_t av1_fx_grain_cr_scaling[8] = { 13, 13, 15, 19, 13, 21, 26, 26 };
const uint8_t av1_fx_grain_ar_y[24] = {
	127, 126, 125, 123, 125, 128, 129, 125, 125, 123, 115, 124,
	128, 127, 125, 122, 118, 118, 120, 124, 128, 127, 121, 122,
};
const uint8_t av1_fx_grain_ar_cb[25] = {
	129, 126, 126, 127, 128, 128, 129, 128, 126, 125, 125, 129, 127,
	127, 129, 123, 123, 124, 126, 128, 127, 128, 125, 120, 0,
};
const uint8_t av1_fx_grain_ar_cr[25] = {
	126, 126, 127, 123, 127, 127, 127, 125, 122, 123, 115, 125, 126,
	127, 121, 115, 115, 99, 125, 125, 125, 130, 119, 103, 116,
};

void av1_fx_film_grain(VADecPictureParameterBufferAV1 *p, VASurfaceID shown)
{
	VAFilmGrainStructAV1 *g = &p->film_grain_info;

	p->seq_info_fields.fields.film_grain_params_present = 1;
	memset(g, 0, sizeof(*g));
	g->film_grain_info_fields.bits.apply_grain = 1;
	g->film_grain_info_fields.bits.grain_scaling_minus_8 = 3;
	g->film_grain_info_fields.bits.ar_coeff_lag = 3;
	g->film_grain_info_fields.bits.overlap_flag = 1;
	g->grain_seed = 7391;
	g->num_y_points = 9;
	memcpy(g->point_y_value, av1_fx_grain_y_x, 9);
	memcpy(g->point_y_scaling, av1_fx_grain_y_scaling, 9);
	g->num_cb_points = g->num_cr_points = 8;
	memcpy(g->point_cb_value, av1_fx_grain_c_x, 8);
	memcpy(g->point_cb_scaling, av1_fx_grain_cb_scaling, 8);
	memcpy(g->point_cr_value, av1_fx_grain_c_x, 8);
	memcpy(g->point_cr_scaling, av1_fx_grain_cr_scaling, 8);
	for (unsigned i = 0; i < 24; i++)
		g->ar_coeffs_y[i] = (int8_t)(av1_fx_grain_ar_y[i] - 128);
	for (unsigned i = 0; i < 25; i++) {
		g->ar_coeffs_cb[i] = (int8_t)(av1_fx_grain_ar_cb[i] - 128);
		g->ar_coeffs_cr[i] = (int8_t)(av1_fx_grain_ar_cr[i] - 128);
	}
	g->cb_mult = g->cr_mult = 128;
	g->cb_luma_mult = g->cr_luma_mult = 192;
	g->cb_offset = g->cr_offset = 256;
	p->current_display_picture = shown;
}
