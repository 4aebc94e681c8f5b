/* H.264: the NAL units GStreamer's h264 parser reads, into the stateless
 * H.264 controls (SPS, PPS, scaling matrix, decode parameters; per slice
 * the slice parameters and prediction weights on slice-based devices).
 * References, POC, lists and output order come from dpb_h264.c.
 *
 * Input: access units from h264parse, avc or avc3 first (NAL units by
 * their length prefix, SPS and PPS from codec_data; no start code to scan
 * for), else byte-stream. A frame-based device takes
 * one request per picture with every slice behind a start code; a
 * slice-based one a request per slice, the capture buffer held between. */
#include <errno.h>
#include <string.h>

#include <gst/codecparsers/gsth264parser.h>
#include <linux/videodev2.h>

#include "codecs.h"
#include "decoder.h"
#include "dpb_h264.h"
#include "h264_dpb_input.h"

#define MAX_SLICES 256	/* per picture; more is refused */

typedef struct {
	GstH264SliceHdr hdr;
	GstH264NalUnit nalu;
} Slice;

typedef struct {
	GstV4l2rDecoder parent;

	GstH264NalParser *parser;
	struct dpb_h264 *dpb;
	GstFlowReturn dpb_flow;	/* what the DPB's outputs returned */


	const GstH264SPS *active_sps;
	gint sps_id;
	struct dpb_h264_sps dpb_sps;

	/* A first field awaiting its second field. */
	GstV4l2rPicture *current;
	gboolean current_bottom;
	guint16 current_frame_num;

	/* The slices of the picture being decoded. */
	Slice *slices;
	guint n_slices;
	gboolean lost_references;	/* after a seek, until an IDR */

	/* The input's NAL units: length-prefixed by this many bytes (avc,
	 * avc3: no start code to scan for), or 0 behind start codes. */
	guint nal_length_size;

	struct v4l2_ctrl_h264_sps sps;
	struct v4l2_ctrl_h264_pps pps;
	struct v4l2_ctrl_h264_scaling_matrix scaling;
	/* The PPS's lists scaling holds, in zigzag order as coded: the
	 * conversion to raster order is redone only when they change. */
	guint8 scaling_4x4_from[6][16], scaling_8x8_from[6][64];
	gboolean scaling_valid;
	struct v4l2_ctrl_h264_decode_params decode;
	struct v4l2_ctrl_h264_slice_params slice;
	/* Where each of dpb_h264_entries()' entries went in decode.dpb[]. */
	guint8 dpb_index[DPB_H264_MAX_FRAMES];
	struct v4l2_ctrl_h264_pred_weights weights;
} GstV4l2rH264Dec;

typedef GstV4l2rDecoderClass GstV4l2rH264DecClass;

G_DEFINE_TYPE(GstV4l2rH264Dec, gst_v4l2r_h264_dec, GST_TYPE_V4L2R_DECODER)

/* ---- the DPB's callbacks ---- */

static void dpb_output(void *user, const struct dpb_h264_output *out)
{
	GstV4l2rH264Dec *self = user;
	GstV4l2rPicture *pic = gst_v4l2r_decoder_picture_by_timestamp(
		&self->parent, out->id);

	if (!pic) {
		GST_WARNING_OBJECT(self, "the DPB outputs a picture it does "
				   "not hold (ts %" G_GUINT64_FORMAT ")",
				   out->id);
		return;
	}
	if (self->dpb_flow == GST_FLOW_OK)
		self->dpb_flow = gst_v4l2r_decoder_output(&self->parent, pic);
}

static void dpb_release(void *user, uint64_t id)
{
	GstV4l2rH264Dec *self = user;
	GstV4l2rPicture *pic = gst_v4l2r_decoder_picture_by_timestamp(
		&self->parent, id);

	if (pic)
		gst_v4l2r_decoder_picture_unref(&self->parent, pic);
}

static const struct dpb_h264_ops dpb_ops = {
	.output = dpb_output,
	.release = dpb_release,
};

/* ---- the sequence ---- */

static void fill_sps(struct v4l2_ctrl_h264_sps *out, const GstH264SPS *sps)
{
	memset(out, 0, sizeof(*out));
	out->profile_idc = sps->profile_idc;
	out->constraint_set_flags =
		(sps->constraint_set0_flag ? V4L2_H264_SPS_CONSTRAINT_SET0_FLAG : 0) |
		(sps->constraint_set1_flag ? V4L2_H264_SPS_CONSTRAINT_SET1_FLAG : 0) |
		(sps->constraint_set2_flag ? V4L2_H264_SPS_CONSTRAINT_SET2_FLAG : 0) |
		(sps->constraint_set3_flag ? V4L2_H264_SPS_CONSTRAINT_SET3_FLAG : 0) |
		(sps->constraint_set4_flag ? V4L2_H264_SPS_CONSTRAINT_SET4_FLAG : 0) |
		(sps->constraint_set5_flag ? V4L2_H264_SPS_CONSTRAINT_SET5_FLAG : 0);
	out->level_idc = sps->level_idc;
	out->seq_parameter_set_id = (guint8)sps->id;
	out->chroma_format_idc = sps->chroma_format_idc;
	out->bit_depth_luma_minus8 = sps->bit_depth_luma_minus8;
	out->bit_depth_chroma_minus8 = sps->bit_depth_chroma_minus8;
	out->log2_max_frame_num_minus4 = sps->log2_max_frame_num_minus4;
	out->pic_order_cnt_type = sps->pic_order_cnt_type;
	out->log2_max_pic_order_cnt_lsb_minus4 =
		sps->log2_max_pic_order_cnt_lsb_minus4;
	out->max_num_ref_frames = (guint8)sps->num_ref_frames;
	out->num_ref_frames_in_pic_order_cnt_cycle =
		sps->num_ref_frames_in_pic_order_cnt_cycle;
	memcpy(out->offset_for_ref_frame, sps->offset_for_ref_frame,
	       sizeof(out->offset_for_ref_frame));
	out->offset_for_non_ref_pic = sps->offset_for_non_ref_pic;
	out->offset_for_top_to_bottom_field =
		sps->offset_for_top_to_bottom_field;
	out->pic_width_in_mbs_minus1 = (guint16)sps->pic_width_in_mbs_minus1;
	out->pic_height_in_map_units_minus1 =
		(guint16)sps->pic_height_in_map_units_minus1;
	if (sps->separate_colour_plane_flag)
		out->flags |= V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE;
	if (sps->qpprime_y_zero_transform_bypass_flag)
		out->flags |= V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS;
	if (sps->delta_pic_order_always_zero_flag)
		out->flags |= V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO;
	if (sps->gaps_in_frame_num_value_allowed_flag)
		out->flags |= V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED;
	if (sps->frame_mbs_only_flag)
		out->flags |= V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY;
	if (sps->mb_adaptive_frame_field_flag)
		out->flags |= V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD;
	if (sps->direct_8x8_inference_flag)
		out->flags |= V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;
}

static void fill_pps(struct v4l2_ctrl_h264_pps *out, const GstH264PPS *pps)
{
	memset(out, 0, sizeof(*out));
	out->pic_parameter_set_id = (guint8)pps->id;
	out->seq_parameter_set_id = (guint8)pps->sequence->id;
	out->num_slice_groups_minus1 = (guint8)pps->num_slice_groups_minus1;
	out->num_ref_idx_l0_default_active_minus1 =
		pps->num_ref_idx_l0_active_minus1;
	out->num_ref_idx_l1_default_active_minus1 =
		pps->num_ref_idx_l1_active_minus1;
	out->weighted_bipred_idc = pps->weighted_bipred_idc;
	out->pic_init_qp_minus26 = pps->pic_init_qp_minus26;
	out->pic_init_qs_minus26 = pps->pic_init_qs_minus26;
	out->chroma_qp_index_offset = pps->chroma_qp_index_offset;
	out->second_chroma_qp_index_offset =
		(gint8)pps->second_chroma_qp_index_offset;
	if (pps->entropy_coding_mode_flag)
		out->flags |= V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE;
	if (pps->pic_order_present_flag)
		out->flags |= V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT;
	if (pps->weighted_pred_flag)
		out->flags |= V4L2_H264_PPS_FLAG_WEIGHTED_PRED;
	if (pps->deblocking_filter_control_present_flag)
		out->flags |= V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT;
	if (pps->constrained_intra_pred_flag)
		out->flags |= V4L2_H264_PPS_FLAG_CONSTRAINED_INTRA_PRED;
	if (pps->redundant_pic_cnt_present_flag)
		out->flags |= V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT;
	if (pps->transform_8x8_mode_flag)
		out->flags |= V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE;
	/* The matrices in force: the parser already applied the fall-back
	 * rules into the PPS's lists (7.4.2.2). */
	if (pps->sequence->scaling_matrix_present_flag ||
	    pps->pic_scaling_matrix_present_flag)
		out->flags |= V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT;
}

/* The uAPI wants the lists in raster order; the parser keeps them in the
 * bitstream's zigzag order. */
static void fill_scaling(GstV4l2rH264Dec *self, const GstH264PPS *pps)
{
	struct v4l2_ctrl_h264_scaling_matrix *out = &self->scaling;

	G_STATIC_ASSERT(sizeof(self->scaling_4x4_from) ==
			sizeof(pps->scaling_lists_4x4));
	G_STATIC_ASSERT(sizeof(self->scaling_8x8_from) ==
			sizeof(pps->scaling_lists_8x8));
	if (self->scaling_valid &&
	    !memcmp(self->scaling_4x4_from, pps->scaling_lists_4x4,
		    sizeof(self->scaling_4x4_from)) &&
	    !memcmp(self->scaling_8x8_from, pps->scaling_lists_8x8,
		    sizeof(self->scaling_8x8_from)))
		return;
	for (guint i = 0; i < 6; i++)
		gst_h264_quant_matrix_4x4_get_raster_from_zigzag(
			out->scaling_list_4x4[i], pps->scaling_lists_4x4[i]);
	for (guint i = 0; i < 6; i++)
		gst_h264_quant_matrix_8x8_get_raster_from_zigzag(
			out->scaling_list_8x8[i], pps->scaling_lists_8x8[i]);
	memcpy(self->scaling_4x4_from, pps->scaling_lists_4x4,
	       sizeof(self->scaling_4x4_from));
	memcpy(self->scaling_8x8_from, pps->scaling_lists_8x8,
	       sizeof(self->scaling_8x8_from));
	self->scaling_valid = TRUE;
}

static GstFlowReturn configure(GstV4l2rH264Dec *self, const GstH264SPS *sps)
{
	struct v4l2_ctrl_h264_sps v4l2_sps;
	struct v4l2_ext_control ctrl = {
		.id = V4L2_CID_STATELESS_H264_SPS,
		.size = sizeof(v4l2_sps),
		.ptr = &v4l2_sps,
	};
	guint width = (sps->pic_width_in_mbs_minus1 + 1) * 16;
	guint height = (sps->pic_height_in_map_units_minus1 + 1) * 16 *
		       (2 - sps->frame_mbs_only_flag);

	fill_sps(&v4l2_sps, sps);
	gst_v4l2r_h264_dpb_sps(&self->dpb_sps, sps);
	GstV4l2rStreamInfo info = {
		.width = width,
		.height = height,
		.display_width = sps->frame_cropping_flag ?
					 (guint)sps->crop_rect_width : width,
		.display_height = sps->frame_cropping_flag ?
					  (guint)sps->crop_rect_height : height,
		.bit_depth = 8 + sps->bit_depth_luma_minus8,
		/* the DPB, and the current picture */
		.references = self->dpb_sps.max_dec_frame_buffering + 1,
		.interlace = sps->frame_mbs_only_flag ?
				     GST_VIDEO_INTERLACE_MODE_PROGRESSIVE :
				     GST_VIDEO_INTERLACE_MODE_MIXED,
		.controls = &ctrl,
		.n_controls = 1,
	};
	if (gst_v4l2r_decoder_changes_stream(&self->parent, &info)) {
		/* the old stream's pictures go out first */
		self->dpb_flow = GST_FLOW_OK;
		dpb_h264_drain(self->dpb);
		if (self->dpb_flow != GST_FLOW_OK)
			return self->dpb_flow;
	}
	self->active_sps = sps;
	self->sps_id = sps->id;
	return gst_v4l2r_decoder_configure(&self->parent, &info);
}

/* ---- a picture ---- */

static void fill_decode_params(GstV4l2rH264Dec *self, const Slice *first)
{
	const GstH264SliceHdr *hdr = &first->hdr;
	struct v4l2_ctrl_h264_decode_params *d = &self->decode;
	struct dpb_h264_entry entries[DPB_H264_MAX_FRAMES];
	unsigned n = dpb_h264_entries(self->dpb, entries);

	memset(d, 0, sizeof(*d));
	/* The references only: pictures merely waiting for output are no
	 * business of the decoder (and v4l2codecs leaves them out too). */
	unsigned used = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct dpb_h264_entry *e = &entries[i];
		self->dpb_index[i] = (guint8)used;
		/* A frame_num gap's frame has no picture: no entry. */
		if (!(e->flags & DPB_H264_ENTRY_REFERENCE) ||
		    (e->flags & DPB_H264_ENTRY_NON_EXISTING) ||
		    used == V4L2_H264_NUM_DPB_ENTRIES)
			continue;
		struct v4l2_h264_dpb_entry *o = &d->dpb[used++];
		o->reference_ts = e->id;
		o->pic_num = (guint32)e->pic_num;
		o->frame_num = (guint16)e->frame_num;
		o->fields = e->fields;
		o->top_field_order_cnt = e->top_poc;
		o->bottom_field_order_cnt = e->bottom_poc;
		o->flags = V4L2_H264_DPB_ENTRY_FLAG_VALID |
			   V4L2_H264_DPB_ENTRY_FLAG_ACTIVE;
		if (e->flags & DPB_H264_ENTRY_LONG_TERM)
			o->flags |= V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM;
		if (e->flags & DPB_H264_ENTRY_FIELD)
			o->flags |= V4L2_H264_DPB_ENTRY_FLAG_FIELD;
	}
	d->nal_ref_idc = first->nalu.ref_idc;
	d->frame_num = hdr->frame_num;
	dpb_h264_current_poc(self->dpb, &d->top_field_order_cnt,
			     &d->bottom_field_order_cnt);
	d->idr_pic_id = hdr->idr_pic_id;
	d->pic_order_cnt_lsb = hdr->pic_order_cnt_lsb;
	d->delta_pic_order_cnt_bottom = hdr->delta_pic_order_cnt_bottom;
	d->delta_pic_order_cnt0 = hdr->delta_pic_order_cnt[0];
	d->delta_pic_order_cnt1 = hdr->delta_pic_order_cnt[1];
	d->dec_ref_pic_marking_bit_size = hdr->dec_ref_pic_marking.bit_size;
	d->pic_order_cnt_bit_size = hdr->pic_order_cnt_bit_size;
	d->slice_group_change_cycle = hdr->slice_group_change_cycle;
	if (first->nalu.idr_pic_flag)
		d->flags |= V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC;
	if (hdr->field_pic_flag)
		d->flags |= V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC;
	if (hdr->bottom_field_flag)
		d->flags |= V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD;
	if (GST_H264_IS_P_SLICE(hdr) || GST_H264_IS_SP_SLICE(hdr))
		d->flags |= V4L2_H264_DECODE_PARAM_FLAG_PFRAME;
	if (GST_H264_IS_B_SLICE(hdr))
		d->flags |= V4L2_H264_DECODE_PARAM_FLAG_BFRAME;
}

static enum dpb_h264_slice_type slice_type(const GstH264SliceHdr *hdr)
{
	if (GST_H264_IS_B_SLICE(hdr))
		return DPB_H264_SLICE_B;
	if (GST_H264_IS_P_SLICE(hdr) || GST_H264_IS_SP_SLICE(hdr))
		return DPB_H264_SLICE_P;
	return DPB_H264_SLICE_I;
}

/* The parser keeps the list's end (modification_of_pic_nums_idc 3) as an
 * entry; the DPB takes the operations only. */
static uint8_t copy_modifications(struct dpb_h264_modification *out,
				  const GstH264RefPicListModification *in,
				  guint n)
{
	uint8_t count = 0;

	for (guint i = 0; i < n && in[i].modification_of_pic_nums_idc < 3 &&
			  count <= DPB_H264_MAX_REFS; i++)
		out[count++] = (struct dpb_h264_modification){
			in[i].modification_of_pic_nums_idc,
			in[i].value.abs_diff_pic_num_minus1,
		};
	return count;
}

static int fill_slice_params(GstV4l2rH264Dec *self, const Slice *s)
{
	const GstH264SliceHdr *hdr = &s->hdr;
	struct v4l2_ctrl_h264_slice_params *o = &self->slice;
	struct dpb_h264_slice ds = { .type = slice_type(hdr) };
	struct dpb_h264_ref l0[DPB_H264_MAX_REFS], l1[DPB_H264_MAX_REFS];

	memset(o, 0, sizeof(*o));
	/* Bits from the NAL header byte to slice_data(), emulation
	 * prevention bytes left out (the parser's header_size counts from
	 * after the NAL header): what Cedrus skips. */
	o->header_bit_size = 8 * s->nalu.header_bytes + hdr->header_size;
	o->first_mb_in_slice = hdr->first_mb_in_slice;
	o->slice_type = (guint8)(hdr->type % 5);
	o->colour_plane_id = hdr->colour_plane_id;
	o->redundant_pic_cnt = hdr->redundant_pic_cnt;
	o->cabac_init_idc = hdr->cabac_init_idc;
	o->slice_qp_delta = hdr->slice_qp_delta;
	o->slice_qs_delta = hdr->slice_qs_delta;
	o->disable_deblocking_filter_idc = hdr->disable_deblocking_filter_idc;
	o->slice_alpha_c0_offset_div2 = hdr->slice_alpha_c0_offset_div2;
	o->slice_beta_offset_div2 = hdr->slice_beta_offset_div2;
	if (hdr->direct_spatial_mv_pred_flag)
		o->flags |= V4L2_H264_SLICE_FLAG_DIRECT_SPATIAL_MV_PRED;
	if (hdr->sp_for_switch_flag)
		o->flags |= V4L2_H264_SLICE_FLAG_SP_FOR_SWITCH;
	if (ds.type == DPB_H264_SLICE_I)
		return 0;
	o->num_ref_idx_l0_active_minus1 = hdr->num_ref_idx_l0_active_minus1;
	ds.num_ref_idx_active[0] = hdr->num_ref_idx_l0_active_minus1 + 1;
	ds.n_modifications[0] = copy_modifications(
		ds.modification[0], hdr->ref_pic_list_modification_l0,
		hdr->n_ref_pic_list_modification_l0);
	if (ds.type == DPB_H264_SLICE_B) {
		o->num_ref_idx_l1_active_minus1 =
			hdr->num_ref_idx_l1_active_minus1;
		ds.num_ref_idx_active[1] = hdr->num_ref_idx_l1_active_minus1 + 1;
		ds.n_modifications[1] = copy_modifications(
			ds.modification[1], hdr->ref_pic_list_modification_l1,
			hdr->n_ref_pic_list_modification_l1);
	}
	int ret = dpb_h264_ref_lists(self->dpb, &ds, l0, l1);
	if (ret < 0)
		return ret;
	for (guint i = 0; i < ds.num_ref_idx_active[0]; i++)
		o->ref_pic_list0[i] = (struct v4l2_h264_reference){
			.fields = l0[i].fields,
			.index = self->dpb_index[l0[i].index %
						 DPB_H264_MAX_FRAMES] };
	for (guint i = 0; i < ds.num_ref_idx_active[1]; i++)
		o->ref_pic_list1[i] = (struct v4l2_h264_reference){
			.fields = l1[i].fields,
			.index = self->dpb_index[l1[i].index %
						 DPB_H264_MAX_FRAMES] };
	return 0;
}

static gboolean has_pred_weights(const GstH264SliceHdr *hdr)
{
	const GstH264PPS *pps = hdr->pps;

	return ((GST_H264_IS_P_SLICE(hdr) || GST_H264_IS_SP_SLICE(hdr)) &&
		pps->weighted_pred_flag) ||
	       (GST_H264_IS_B_SLICE(hdr) && pps->weighted_bipred_idc == 1);
}

static void fill_pred_weights(struct v4l2_ctrl_h264_pred_weights *o,
			      const GstH264SliceHdr *hdr)
{
	const GstH264PredWeightTable *t = &hdr->pred_weight_table;

	memset(o, 0, sizeof(*o));
	o->luma_log2_weight_denom = t->luma_log2_weight_denom;
	o->chroma_log2_weight_denom = t->chroma_log2_weight_denom;
	for (guint i = 0; i <= hdr->num_ref_idx_l0_active_minus1; i++) {
		o->weight_factors[0].luma_weight[i] = t->luma_weight_l0[i];
		o->weight_factors[0].luma_offset[i] = t->luma_offset_l0[i];
		for (guint c = 0; c < 2; c++) {
			o->weight_factors[0].chroma_weight[i][c] =
				t->chroma_weight_l0[i][c];
			o->weight_factors[0].chroma_offset[i][c] =
				t->chroma_offset_l0[i][c];
		}
	}
	if (!GST_H264_IS_B_SLICE(hdr))
		return;
	for (guint i = 0; i <= hdr->num_ref_idx_l1_active_minus1; i++) {
		o->weight_factors[1].luma_weight[i] = t->luma_weight_l1[i];
		o->weight_factors[1].luma_offset[i] = t->luma_offset_l1[i];
		for (guint c = 0; c < 2; c++) {
			o->weight_factors[1].chroma_weight[i][c] =
				t->chroma_weight_l1[i][c];
			o->weight_factors[1].chroma_offset[i][c] =
				t->chroma_offset_l1[i][c];
		}
	}
}

/* The slice's NAL unit, from its header byte on (with a start code in
 * front when the device wants one). */
static GstV4l2rChunk slice_chunk(const Slice *s, gboolean annex_b)
{
	return (GstV4l2rChunk){
		.data = s->nalu.data + s->nalu.offset,
		.size = s->nalu.size,
		.start_code = annex_b,
	};
}

static GstFlowReturn queue_picture(GstV4l2rH264Dec *self,
				   GstVideoCodecFrame *frame,
				   GstV4l2rPicture *pic)
{
	GstV4l2rDecoder *dec = &self->parent;
	const struct v4l2r_decode_mode *mode = gst_v4l2r_decoder_mode(dec);
	const Slice *first = &self->slices[0];
	GstFlowReturn fr = GST_FLOW_OK;

	fill_sps(&self->sps, first->hdr.pps->sequence);
	fill_pps(&self->pps, first->hdr.pps);
	fill_scaling(self, first->hdr.pps);
	fill_decode_params(self, first);
	struct v4l2_ext_control ctrls[6] = {
		{ .id = V4L2_CID_STATELESS_H264_SPS, .size = sizeof(self->sps),
		  .ptr = &self->sps },
		{ .id = V4L2_CID_STATELESS_H264_PPS, .size = sizeof(self->pps),
		  .ptr = &self->pps },
		{ .id = V4L2_CID_STATELESS_H264_SCALING_MATRIX,
		  .size = sizeof(self->scaling), .ptr = &self->scaling },
		{ .id = V4L2_CID_STATELESS_H264_DECODE_PARAMS,
		  .size = sizeof(self->decode), .ptr = &self->decode },
		{ .id = V4L2_CID_STATELESS_H264_SLICE_PARAMS,
		  .size = sizeof(self->slice), .ptr = &self->slice },
		{ .id = V4L2_CID_STATELESS_H264_PRED_WEIGHTS,
		  .size = sizeof(self->weights), .ptr = &self->weights },
	};

	if (!mode->slice_based) {
		GstV4l2rChunk *chunks = g_newa(GstV4l2rChunk, self->n_slices);
		for (guint i = 0; i < self->n_slices; i++)
			chunks[i] = slice_chunk(&self->slices[i], mode->annex_b);
		return gst_v4l2r_decoder_queue(dec, pic, ctrls, 4,
					       chunks, self->n_slices, FALSE);
	}
	for (guint i = 0; i < self->n_slices && fr == GST_FLOW_OK; i++) {
		const Slice *s = &self->slices[i];
		int ret = fill_slice_params(self, s);
		if (ret < 0) {
			pic->failed = TRUE;
			GST_V4L2R_FRAME_ERROR(dec,
						("frame %u: slice %u's "
						 "references are not in the "
						 "DPB",
						 frame->system_frame_number, i),
						(NULL), fr);
			return fr == GST_FLOW_OK ? GST_FLOW_CUSTOM_SUCCESS : fr;
		}
		guint n = 5;
		if (has_pred_weights(&s->hdr)) {
			fill_pred_weights(&self->weights, &s->hdr);
			n = 6;
		}
		GstV4l2rChunk chunk = slice_chunk(s, mode->annex_b);
		fr = gst_v4l2r_decoder_queue(dec, pic, ctrls, n,
					     &chunk, 1,
					     i + 1 < self->n_slices);
	}
	return fr;
}

/* Decodes the slices gathered for one picture (a frame or a field). */
static GstFlowReturn decode_picture(GstV4l2rH264Dec *self,
				    GstVideoCodecFrame *frame)
{
	GstV4l2rDecoder *dec = &self->parent;
	const Slice *first = &self->slices[0];
	const GstH264SPS *sps = first->hdr.pps->sequence;
	struct dpb_h264_picture_info info;
	GstFlowReturn fr = GST_FLOW_OK;

	if (sps != self->active_sps || sps->id != self->sps_id ||
	    !self->active_sps) {
		fr = configure(self, sps);
		if (fr != GST_FLOW_OK)
			return fr;
	}
	if (first->nalu.idr_pic_flag)
		self->lost_references = FALSE;
	if (self->lost_references && slice_type(&first->hdr) != DPB_H264_SLICE_I) {
		gst_v4l2r_decoder_skip(dec, frame, "its references are lost "
					       "(waiting for an IDR or I picture)");
		return GST_FLOW_OK;
	}
	self->lost_references = FALSE;

	/* A second field decodes into its first field's buffer: the field
	 * of opposite parity and same frame_num right after it (7.4.1.2.4),
	 * the pairing dpb_h264.c makes too. */
	const GstH264SliceHdr *hdr = &first->hdr;
	gboolean second_field = self->current && hdr->field_pic_flag &&
				hdr->bottom_field_flag != self->current_bottom &&
				hdr->frame_num == self->current_frame_num;
	GstV4l2rPicture *pic = second_field ? self->current : NULL;
	self->current = NULL;
	if (!pic) {
		pic = gst_v4l2r_decoder_new_picture(dec, frame);
		if (!pic)
			return GST_FLOW_ERROR;
	}
	gst_v4l2r_h264_dpb_picture(&info, hdr, &first->nalu, pic->timestamp);
	self->dpb_flow = GST_FLOW_OK;
	int ret = dpb_h264_start_picture(self->dpb, &self->dpb_sps, &info);
	if (ret < 0) {
		if (!second_field)
			gst_v4l2r_decoder_picture_unref(dec, pic);
		GST_V4L2R_FRAME_ERROR(dec,
					("frame %u: its picture header is "
					 "inconsistent with the stream",
					 frame->system_frame_number),
					("dpb_h264_start_picture: %s",
					 g_strerror(-ret)), fr);
		return gst_v4l2r_decoder_lose(dec, frame, fr);
	}
	/* The DPB holds the picture now: our reference is its own, given
	 * back through its release callback. */
	if (second_field && pic->frame_number != frame->system_frame_number)
		gst_v4l2r_decoder_skip(dec, frame, "a second field, shown "
					       "with its first");
	if (hdr->field_pic_flag && !second_field) {
		self->current = pic;
		self->current_bottom = hdr->bottom_field_flag;
		self->current_frame_num = hdr->frame_num;
	}

	fr = queue_picture(self, frame, pic);
	if (fr == GST_FLOW_CUSTOM_SUCCESS)
		fr = GST_FLOW_OK;	/* that picture only is lost */
	ret = dpb_h264_finish_picture(self->dpb);
	if (ret < 0 && ret != -ENOSPC)
		GST_WARNING_OBJECT(dec, "frame %u: reference marking: %s",
				   frame->system_frame_number,
				   g_strerror(-ret));
	if (fr == GST_FLOW_OK)
		fr = self->dpb_flow;
	return fr;
}

/* Reads an SPS or a PPS into the parser, which keeps its own copy (the
 * slices use it). */
static void parse_parameter_set(GstV4l2rH264Dec *self, GstH264NalUnit *nalu)
{
	if (nalu->type == GST_H264_NAL_SPS) {
		GstH264SPS sps;
		if (gst_h264_parser_parse_sps(self->parser, nalu, &sps) ==
		    GST_H264_PARSER_OK)
			gst_h264_sps_clear(&sps);
		self->active_sps = NULL;
	} else {
		GstH264PPS pps;
		if (gst_h264_parser_parse_pps(self->parser, nalu, &pps) ==
		    GST_H264_PARSER_OK)
			gst_h264_pps_clear(&pps);
	}
}

/* The next NAL unit from offset: by its length prefix (avc), or found
 * behind its start code, the end at the next one. */
static GstH264ParserResult next_nalu(GstV4l2rH264Dec *self,
				     const GstMapInfo *map, guint offset,
				     GstH264NalUnit *nalu)
{
	if (self->nal_length_size)
		return gst_h264_parser_identify_nalu_avc(
			self->parser, map->data, offset, map->size,
			(guint8)self->nal_length_size, nalu);
	return gst_h264_parser_identify_nalu(self->parser, map->data, offset,
					     map->size, nalu);
}

/* avc and avc3 give the NAL unit length size (and for avc the SPS and
 * PPS) in codec_data; byte-stream needs nothing. */
static gboolean h264_set_format(GstV4l2rDecoder *dec,
				GstVideoCodecState *state)
{
	GstV4l2rH264Dec *self = (GstV4l2rH264Dec *)dec;
	GstStructure *st = gst_caps_get_structure(state->caps, 0);
	const gchar *format = gst_structure_get_string(st, "stream-format");
	GstH264DecoderConfigRecord *config = NULL;
	GstMapInfo map;

	self->nal_length_size = 0;
	if (!format || !g_str_has_prefix(format, "avc"))
		return TRUE;
	if (!state->codec_data ||
	    !gst_buffer_map(state->codec_data, &map, GST_MAP_READ)) {
		GST_ELEMENT_ERROR(self, STREAM, DECODE,
				  ("%s input without codec_data", format),
				  (NULL));
		return FALSE;
	}
	GstH264ParserResult res = gst_h264_parser_parse_decoder_config_record(
		self->parser, map.data, map.size, &config);
	gst_buffer_unmap(state->codec_data, &map);
	if (res != GST_H264_PARSER_OK) {
		GST_ELEMENT_ERROR(self, STREAM, DECODE,
				  ("%s input: its codec_data cannot be read",
				   format), (NULL));
		return FALSE;
	}
	self->nal_length_size = config->length_size_minus_one + 1u;
	for (guint i = 0; i < config->sps->len; i++)
		parse_parameter_set(self, &g_array_index(config->sps,
							 GstH264NalUnit, i));
	for (guint i = 0; i < config->pps->len; i++)
		parse_parameter_set(self, &g_array_index(config->pps,
							 GstH264NalUnit, i));
	gst_h264_decoder_config_record_free(config);
	return TRUE;
}

static GstFlowReturn h264_decode(GstV4l2rDecoder *dec,
				 GstVideoCodecFrame *frame)
{
	GstV4l2rH264Dec *self = (GstV4l2rH264Dec *)dec;
	GstFlowReturn fr = GST_FLOW_OK;
	GstH264NalUnit nalu;
	GstMapInfo map;

	if (!gst_buffer_map(frame->input_buffer, &map, GST_MAP_READ))
		return GST_FLOW_ERROR;
	self->n_slices = 0;
	guint offset = 0;
	GstH264ParserResult res;
	while ((res = next_nalu(self, &map, offset, &nalu)) ==
		       GST_H264_PARSER_OK ||
	       res == GST_H264_PARSER_NO_NAL_END) {
		offset = nalu.offset + nalu.size;
		switch (nalu.type) {
		case GST_H264_NAL_SPS:
		case GST_H264_NAL_PPS:
			parse_parameter_set(self, &nalu);
			break;
		case GST_H264_NAL_SLICE:
		case GST_H264_NAL_SLICE_IDR: {
			Slice *s = &self->slices[self->n_slices];
			if (self->n_slices == MAX_SLICES)
				break;
			if (gst_h264_parser_parse_slice_hdr(self->parser, &nalu,
							    &s->hdr, TRUE,
							    TRUE) !=
			    GST_H264_PARSER_OK) {
				GST_WARNING_OBJECT(self, "frame %u: a slice "
						   "header cannot be read",
						   frame->system_frame_number);
				break;
			}
			/* A new picture starts: the previous one (a first
			 * field in the same access unit) goes first. */
			if (self->n_slices && s->hdr.first_mb_in_slice == 0) {
				Slice next = *s;
				fr = decode_picture(self, frame);
				self->slices[0] = next;
				self->n_slices = 0;
				if (fr != GST_FLOW_OK)
					goto out;
				s = &self->slices[0];
			}
			s->nalu = nalu;
			self->n_slices++;
			break;
		}
		default:
			break;
		}
		if (res == GST_H264_PARSER_NO_NAL_END)
			break;
	}
	if (self->n_slices)
		fr = decode_picture(self, frame);
	else
		gst_v4l2r_decoder_skip(dec, frame, "no slice in it");
out:
	self->n_slices = 0;
	gst_buffer_unmap(frame->input_buffer, &map);
	return fr;
}

static GstFlowReturn h264_drain(GstV4l2rDecoder *dec)
{
	GstV4l2rH264Dec *self = (GstV4l2rH264Dec *)dec;

	self->current = NULL;
	self->dpb_flow = GST_FLOW_OK;
	dpb_h264_drain(self->dpb);
	return self->dpb_flow;
}

static void h264_reset(GstV4l2rDecoder *dec)
{
	GstV4l2rH264Dec *self = (GstV4l2rH264Dec *)dec;

	self->current = NULL;
	dpb_h264_reset(self->dpb);
	self->lost_references = TRUE;
}

static void finalize(GObject *object)
{
	GstV4l2rH264Dec *self = (GstV4l2rH264Dec *)object;

	gst_h264_nal_parser_free(self->parser);
	dpb_h264_free(self->dpb);
	g_free(self->slices);
	G_OBJECT_CLASS(gst_v4l2r_h264_dec_parent_class)->finalize(object);
}

static void gst_v4l2r_h264_dec_init(GstV4l2rH264Dec *self)
{
	self->parser = gst_h264_nal_parser_new();
	self->dpb = dpb_h264_new(&dpb_ops, self);
	self->slices = g_new(Slice, MAX_SLICES);
	self->lost_references = TRUE;
}

static void gst_v4l2r_h264_dec_class_init(GstV4l2rH264DecClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = finalize;
	/* avc first: h264parse then hands over length-prefixed NAL units,
	 * which need no scan for start codes. */
	klass->sink_caps = "video/x-h264, stream-format = (string) "
			   "{ avc, avc3, byte-stream }, alignment = (string) au";
	klass->set_format = h264_set_format;
	klass->codec_name = "H.264";
	klass->decode = h264_decode;
	klass->drain = h264_drain;
	klass->reset = h264_reset;
}
