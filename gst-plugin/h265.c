/* HEVC (Main, Main 10): the NAL units GStreamer's h265 parser reads, into
 * the stateless HEVC controls (SPS, PPS, scaling matrix, decode
 * parameters; slice parameters and entry point offsets where the device
 * takes them). POC, reference picture sets, lists and output order come
 * from dpb_hevc.c.
 *
 * Input: access units (h265parse), as hvc1 or hev1 (NAL units behind
 * their length; its size and the parameter sets come in codec_data, the
 * hvcC record, read by hvcc.c; the stream may repeat them) or as a byte
 * stream (behind start codes). A frame-based device takes one request
 * per picture with every slice behind a start code; a slice-based one a
 * request per slice, the capture buffer held between.
 *
 * data_byte_offset counts as src/va/hevc.c explains (the one reader,
 * Cedrus, skips that many bytes minus one with a reader that removes
 * emulation prevention bytes): the bytes before the slice's NAL unit in
 * the request's buffer (its start code included), then the NAL unit and
 * slice segment headers without their emulation prevention bytes. */
#include <errno.h>
#include <string.h>

#include <gst/codecparsers/gsth265parser.h>
#include <linux/videodev2.h>

#include "codecs.h"
#include "decoder.h"
#include "dpb_hevc.h"
#include "hevc_dpb_input.h"
#include "hvcc.h"

/* Our warnings in our category (GST_DEBUG=v4l2request:2 shows them). */

/* MaxSliceSegmentsPerPicture of the highest level (A.4.2, Table A.8). */
#define MAX_SLICES 600
#define START_CODE_SIZE 3
#define NAL_HEADER_SIZE 2

typedef struct {
	GstH265SliceHdr hdr;
	GstH265NalUnit nalu;
} Slice;

typedef struct {
	GstV4l2rDecoder parent;

	GstH265Parser *parser;
	struct dpb_hevc *dpb;
	GstFlowReturn dpb_flow;	/* what the DPB's outputs returned */


	const GstH265SPS *active_sps;
	gint sps_id;
	struct dpb_hevc_sps dpb_sps;
	gboolean follows_eos;	/* an end-of-sequence NAL unit came */

	/* The slices of the picture being decoded. */
	Slice *slices;
	guint n_slices;

	/* The input's NAL units: length-prefixed by this many bytes (hvc1,
	 * hev1: no start code to scan for), or 0 behind start codes. */
	guint nal_length_size;

	struct v4l2_ctrl_hevc_sps sps;
	struct v4l2_ctrl_hevc_pps pps;
	struct v4l2_ctrl_hevc_scaling_matrix scaling;
	struct v4l2_ctrl_hevc_decode_params decode;
	struct v4l2_ctrl_hevc_slice_params *slice_params; /* one per slice */
	GArray *entry_points;	/* guint32, every slice's in turn */
} GstV4l2rH265Dec;

typedef GstV4l2rDecoderClass GstV4l2rH265DecClass;

G_DEFINE_TYPE(GstV4l2rH265Dec, gst_v4l2r_h265_dec, GST_TYPE_V4L2R_DECODER)

/* ---- the DPB's callbacks ---- */

static void dpb_output(void *user, uint64_t id, int32_t poc)
{
	GstV4l2rH265Dec *self = user;
	GstV4l2rPicture *pic = gst_v4l2r_decoder_picture_by_timestamp(
		&self->parent, id);

	(void)poc;
	if (pic && self->dpb_flow == GST_FLOW_OK)
		self->dpb_flow = gst_v4l2r_decoder_output(&self->parent, pic);
}

static void dpb_release(void *user, uint64_t id)
{
	GstV4l2rH265Dec *self = user;
	GstV4l2rPicture *pic = gst_v4l2r_decoder_picture_by_timestamp(
		&self->parent, id);

	if (pic)
		gst_v4l2r_decoder_picture_unref(&self->parent, pic);
}

static const struct dpb_hevc_callbacks dpb_callbacks = {
	.output = dpb_output,
	.release = dpb_release,
};

/* ---- the sequence ---- */

static gboolean is_irap(guint8 nal_unit_type)
{
	return nal_unit_type >= GST_H265_NAL_SLICE_BLA_W_LP &&
	       nal_unit_type <= GST_H265_NAL_SLICE_CRA_NUT;
}

static void fill_sps(struct v4l2_ctrl_hevc_sps *out, const GstH265SPS *sps)
{
	guint htid = MIN(sps->max_sub_layers_minus1, GST_H265_MAX_SUB_LAYERS - 1);

	memset(out, 0, sizeof(*out));
	out->video_parameter_set_id = sps->vps_id;
	out->seq_parameter_set_id = sps->id;
	out->pic_width_in_luma_samples = sps->pic_width_in_luma_samples;
	out->pic_height_in_luma_samples = sps->pic_height_in_luma_samples;
	out->bit_depth_luma_minus8 = sps->bit_depth_luma_minus8;
	out->bit_depth_chroma_minus8 = sps->bit_depth_chroma_minus8;
	out->log2_max_pic_order_cnt_lsb_minus4 =
		sps->log2_max_pic_order_cnt_lsb_minus4;
	out->sps_max_dec_pic_buffering_minus1 =
		sps->max_dec_pic_buffering_minus1[htid];
	out->sps_max_num_reorder_pics = sps->max_num_reorder_pics[htid];
	out->sps_max_latency_increase_plus1 =
		sps->max_latency_increase_plus1[htid];
	out->log2_min_luma_coding_block_size_minus3 =
		sps->log2_min_luma_coding_block_size_minus3;
	out->log2_diff_max_min_luma_coding_block_size =
		sps->log2_diff_max_min_luma_coding_block_size;
	out->log2_min_luma_transform_block_size_minus2 =
		sps->log2_min_transform_block_size_minus2;
	out->log2_diff_max_min_luma_transform_block_size =
		sps->log2_diff_max_min_transform_block_size;
	out->max_transform_hierarchy_depth_inter =
		sps->max_transform_hierarchy_depth_inter;
	out->max_transform_hierarchy_depth_intra =
		sps->max_transform_hierarchy_depth_intra;
	if (sps->pcm_enabled_flag) {
		out->pcm_sample_bit_depth_luma_minus1 =
			sps->pcm_sample_bit_depth_luma_minus1;
		out->pcm_sample_bit_depth_chroma_minus1 =
			sps->pcm_sample_bit_depth_chroma_minus1;
		out->log2_min_pcm_luma_coding_block_size_minus3 =
			sps->log2_min_pcm_luma_coding_block_size_minus3;
		out->log2_diff_max_min_pcm_luma_coding_block_size =
			sps->log2_diff_max_min_pcm_luma_coding_block_size;
		out->flags |= V4L2_HEVC_SPS_FLAG_PCM_ENABLED;
		if (sps->pcm_loop_filter_disabled_flag)
			out->flags |= V4L2_HEVC_SPS_FLAG_PCM_LOOP_FILTER_DISABLED;
	}
	out->num_short_term_ref_pic_sets = sps->num_short_term_ref_pic_sets;
	if (sps->long_term_ref_pics_present_flag) {
		out->num_long_term_ref_pics_sps = sps->num_long_term_ref_pics_sps;
		out->flags |= V4L2_HEVC_SPS_FLAG_LONG_TERM_REF_PICS_PRESENT;
	}
	out->chroma_format_idc = sps->chroma_format_idc;
	out->sps_max_sub_layers_minus1 = sps->max_sub_layers_minus1;
	if (sps->separate_colour_plane_flag)
		out->flags |= V4L2_HEVC_SPS_FLAG_SEPARATE_COLOUR_PLANE;
	if (sps->scaling_list_enabled_flag)
		out->flags |= V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED;
	if (sps->amp_enabled_flag)
		out->flags |= V4L2_HEVC_SPS_FLAG_AMP_ENABLED;
	if (sps->sample_adaptive_offset_enabled_flag)
		out->flags |= V4L2_HEVC_SPS_FLAG_SAMPLE_ADAPTIVE_OFFSET;
	if (sps->temporal_mvp_enabled_flag)
		out->flags |= V4L2_HEVC_SPS_FLAG_SPS_TEMPORAL_MVP_ENABLED;
	if (sps->strong_intra_smoothing_enabled_flag)
		out->flags |= V4L2_HEVC_SPS_FLAG_STRONG_INTRA_SMOOTHING_ENABLED;
}

static void fill_pps(struct v4l2_ctrl_hevc_pps *out, const GstH265PPS *pps)
{
	static const struct {
		gsize offset;	/* of the parser's flag in GstH265PPS */
		guint64 flag;
	} flags[] = {
#define FLAG(field, v4l2) { G_STRUCT_OFFSET(GstH265PPS, field), v4l2 }
		FLAG(dependent_slice_segments_enabled_flag,
		     V4L2_HEVC_PPS_FLAG_DEPENDENT_SLICE_SEGMENT_ENABLED),
		FLAG(output_flag_present_flag,
		     V4L2_HEVC_PPS_FLAG_OUTPUT_FLAG_PRESENT),
		FLAG(sign_data_hiding_enabled_flag,
		     V4L2_HEVC_PPS_FLAG_SIGN_DATA_HIDING_ENABLED),
		FLAG(cabac_init_present_flag,
		     V4L2_HEVC_PPS_FLAG_CABAC_INIT_PRESENT),
		FLAG(constrained_intra_pred_flag,
		     V4L2_HEVC_PPS_FLAG_CONSTRAINED_INTRA_PRED),
		FLAG(transform_skip_enabled_flag,
		     V4L2_HEVC_PPS_FLAG_TRANSFORM_SKIP_ENABLED),
		FLAG(cu_qp_delta_enabled_flag,
		     V4L2_HEVC_PPS_FLAG_CU_QP_DELTA_ENABLED),
		FLAG(slice_chroma_qp_offsets_present_flag,
		     V4L2_HEVC_PPS_FLAG_PPS_SLICE_CHROMA_QP_OFFSETS_PRESENT),
		FLAG(weighted_pred_flag, V4L2_HEVC_PPS_FLAG_WEIGHTED_PRED),
		FLAG(weighted_bipred_flag, V4L2_HEVC_PPS_FLAG_WEIGHTED_BIPRED),
		FLAG(transquant_bypass_enabled_flag,
		     V4L2_HEVC_PPS_FLAG_TRANSQUANT_BYPASS_ENABLED),
		FLAG(tiles_enabled_flag, V4L2_HEVC_PPS_FLAG_TILES_ENABLED),
		FLAG(entropy_coding_sync_enabled_flag,
		     V4L2_HEVC_PPS_FLAG_ENTROPY_CODING_SYNC_ENABLED),
		FLAG(loop_filter_across_tiles_enabled_flag,
		     V4L2_HEVC_PPS_FLAG_LOOP_FILTER_ACROSS_TILES_ENABLED),
		FLAG(loop_filter_across_slices_enabled_flag,
		     V4L2_HEVC_PPS_FLAG_PPS_LOOP_FILTER_ACROSS_SLICES_ENABLED),
		FLAG(deblocking_filter_override_enabled_flag,
		     V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_OVERRIDE_ENABLED),
		FLAG(deblocking_filter_disabled_flag,
		     V4L2_HEVC_PPS_FLAG_PPS_DISABLE_DEBLOCKING_FILTER),
		FLAG(lists_modification_present_flag,
		     V4L2_HEVC_PPS_FLAG_LISTS_MODIFICATION_PRESENT),
		FLAG(slice_segment_header_extension_present_flag,
		     V4L2_HEVC_PPS_FLAG_SLICE_SEGMENT_HEADER_EXTENSION_PRESENT),
		FLAG(deblocking_filter_control_present_flag,
		     V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT),
#undef FLAG
	};

	memset(out, 0, sizeof(*out));
	out->pic_parameter_set_id = (guint8)pps->id;
	out->num_extra_slice_header_bits = pps->num_extra_slice_header_bits;
	out->num_ref_idx_l0_default_active_minus1 =
		pps->num_ref_idx_l0_default_active_minus1;
	out->num_ref_idx_l1_default_active_minus1 =
		pps->num_ref_idx_l1_default_active_minus1;
	out->init_qp_minus26 = pps->init_qp_minus26;
	out->diff_cu_qp_delta_depth = pps->diff_cu_qp_delta_depth;
	out->pps_cb_qp_offset = pps->cb_qp_offset;
	out->pps_cr_qp_offset = pps->cr_qp_offset;
	out->pps_beta_offset_div2 = pps->beta_offset_div2;
	out->pps_tc_offset_div2 = pps->tc_offset_div2;
	out->log2_parallel_merge_level_minus2 =
		pps->log2_parallel_merge_level_minus2;
	for (guint i = 0; i < G_N_ELEMENTS(flags); i++)
		if (G_STRUCT_MEMBER(guint8, pps, flags[i].offset))
			out->flags |= flags[i].flag;
	/* Without tiles, uniform_spacing_flag is inferred 1 (7.4.3.3). */
	if (!pps->tiles_enabled_flag || pps->uniform_spacing_flag)
		out->flags |= V4L2_HEVC_PPS_FLAG_UNIFORM_SPACING;
	if (!pps->tiles_enabled_flag)
		return;
	/* The parser checked the counts against its arrays (20 and 22, as
	 * the control's); it fills the sizes for uniform spacing too. */
	out->num_tile_columns_minus1 = pps->num_tile_columns_minus1;
	out->num_tile_rows_minus1 = pps->num_tile_rows_minus1;
	for (guint i = 0; i <= pps->num_tile_columns_minus1 &&
			  i < G_N_ELEMENTS(out->column_width_minus1); i++)
		out->column_width_minus1[i] = (guint8)pps->column_width_minus1[i];
	for (guint i = 0; i <= pps->num_tile_rows_minus1 &&
			  i < G_N_ELEMENTS(out->row_height_minus1); i++)
		out->row_height_minus1[i] = (guint8)pps->row_height_minus1[i];
}

/* The lists in force (the PPS's, else the SPS's; the parser put the
 * default ones where the stream sends none), from the parser's up-right
 * diagonal order into the raster order the control wants. */
static void fill_scaling(struct v4l2_ctrl_hevc_scaling_matrix *out,
			 const GstH265PPS *pps)
{
	const GstH265ScalingList *l = pps->scaling_list_data_present_flag ?
					      &pps->scaling_list :
					      &pps->sps->scaling_list;

	for (guint i = 0; i < 6; i++) {
		gst_h265_quant_matrix_4x4_get_raster_from_uprightdiagonal(
			out->scaling_list_4x4[i], l->scaling_lists_4x4[i]);
		gst_h265_quant_matrix_8x8_get_raster_from_uprightdiagonal(
			out->scaling_list_8x8[i], l->scaling_lists_8x8[i]);
		gst_h265_quant_matrix_16x16_get_raster_from_uprightdiagonal(
			out->scaling_list_16x16[i], l->scaling_lists_16x16[i]);
		out->scaling_list_dc_coef_16x16[i] =
			(guint8)(l->scaling_list_dc_coef_minus8_16x16[i] + 8);
	}
	for (guint i = 0; i < 2; i++) {
		gst_h265_quant_matrix_32x32_get_raster_from_uprightdiagonal(
			out->scaling_list_32x32[i], l->scaling_lists_32x32[i]);
		out->scaling_list_dc_coef_32x32[i] =
			(guint8)(l->scaling_list_dc_coef_minus8_32x32[i] + 8);
	}
}

static GstFlowReturn configure(GstV4l2rH265Dec *self, GstVideoCodecFrame *frame,
			       const GstH265SPS *sps)
{
	GstV4l2rDecoder *dec = &self->parent;
	struct v4l2_ctrl_hevc_sps v4l2_sps;
	struct v4l2_ext_control ctrl = {
		.id = V4L2_CID_STATELESS_HEVC_SPS,
		.size = sizeof(v4l2_sps),
		.ptr = &v4l2_sps,
	};
	GstFlowReturn fr = GST_FLOW_OK;

	/* 4:2:0 at 8 or 10 bits: what Main and Main 10 decoders make. */
	if (sps->chroma_format_idc != 1 || sps->separate_colour_plane_flag ||
	    sps->bit_depth_luma_minus8 > 2 ||
	    sps->bit_depth_chroma_minus8 != sps->bit_depth_luma_minus8) {
		GST_VIDEO_DECODER_ERROR(dec, 1, STREAM, NOT_IMPLEMENTED,
					("frame %u: chroma_format_idc %u, bit "
					 "depth %u/%u: not Main nor Main 10",
					 frame->system_frame_number,
					 sps->chroma_format_idc,
					 sps->bit_depth_luma_minus8 + 8,
					 sps->bit_depth_chroma_minus8 + 8),
					(NULL), fr);
		return fr == GST_FLOW_OK ? GST_FLOW_CUSTOM_SUCCESS : fr;
	}
	fill_sps(&v4l2_sps, sps);
	gst_v4l2r_hevc_dpb_sps(&self->dpb_sps, sps);
	GstV4l2rStreamInfo info = {
		.width = sps->pic_width_in_luma_samples,
		.height = sps->pic_height_in_luma_samples,
		.display_width = sps->conformance_window_flag ?
					 (guint)sps->crop_rect_width :
					 sps->pic_width_in_luma_samples,
		.display_height = sps->conformance_window_flag ?
					  (guint)sps->crop_rect_height :
					  sps->pic_height_in_luma_samples,
		.bit_depth = 8 + sps->bit_depth_luma_minus8,
		/* the DPB, and the current picture */
		.references = self->dpb_sps.max_dec_pic_buffering + 1,
		.interlace = GST_VIDEO_INTERLACE_MODE_PROGRESSIVE,
		.controls = &ctrl,
		.n_controls = 1,
	};
	if (gst_v4l2r_decoder_changes_stream(dec, &info)) {
		/* The old stream's pictures go out, its references go: the
		 * new one starts with an IRAP picture. */
		self->dpb_flow = GST_FLOW_OK;
		dpb_hevc_drain(self->dpb);
		dpb_hevc_reset(self->dpb);
		if (self->dpb_flow != GST_FLOW_OK)
			return self->dpb_flow;
	}
	self->active_sps = sps;
	self->sps_id = sps->id;
	return gst_v4l2r_decoder_configure(dec, &info);
}

/* ---- a picture ---- */

static void fill_decode_params(GstV4l2rH265Dec *self, const Slice *first,
			       const GstV4l2rPicture *pic)
{
	const GstH265SliceHdr *hdr = &first->hdr;
	struct v4l2_ctrl_hevc_decode_params *d = &self->decode;
	struct dpb_hevc_entry entries[DPB_HEVC_MAX_ENTRIES];
	struct dpb_hevc_rps_sets sets;
	unsigned n = dpb_hevc_entries(self->dpb, entries, &sets);

	memset(d, 0, sizeof(*d));
	d->pic_order_cnt_val = dpb_hevc_current_poc(self->dpb);
	d->short_term_ref_pic_set_size = (guint16)hdr->short_term_ref_pic_set_size;
	d->long_term_ref_pic_set_size = (guint16)hdr->long_term_ref_pic_set_size;
	if (!hdr->short_term_ref_pic_set_sps_flag &&
	    hdr->short_term_ref_pic_sets.inter_ref_pic_set_prediction_flag)
		d->num_delta_pocs_of_ref_rps_idx =
			hdr->short_term_ref_pic_sets.NumDeltaPocsOfRefRpsIdx;
	d->num_active_dpb_entries = (guint8)n;
	for (unsigned i = 0; i < n; i++) {
		struct v4l2_hevc_dpb_entry *o = &d->dpb[i];
		/* A generated picture has no buffer: the current one's is
		 * there, and what a broken stream reads from it is no worse
		 * than what it would read from any other. */
		o->timestamp = entries[i].unavailable ? pic->timestamp :
							entries[i].id;
		o->pic_order_cnt_val = entries[i].poc;
		if (entries[i].long_term)
			o->flags = V4L2_HEVC_DPB_ENTRY_LONG_TERM_REFERENCE;
	}
	d->num_poc_st_curr_before = sets.num_st_curr_before;
	d->num_poc_st_curr_after = sets.num_st_curr_after;
	d->num_poc_lt_curr = sets.num_lt_curr;
	memcpy(d->poc_st_curr_before, sets.st_curr_before,
	       sizeof(d->poc_st_curr_before));
	memcpy(d->poc_st_curr_after, sets.st_curr_after,
	       sizeof(d->poc_st_curr_after));
	memcpy(d->poc_lt_curr, sets.lt_curr, sizeof(d->poc_lt_curr));
	if (is_irap(first->nalu.type))
		d->flags |= V4L2_HEVC_DECODE_PARAM_FLAG_IRAP_PIC;
	if (gst_v4l2r_hevc_is_idr(first->nalu.type))
		d->flags |= V4L2_HEVC_DECODE_PARAM_FLAG_IDR_PIC;
	if (hdr->no_output_of_prior_pics_flag)
		d->flags |= V4L2_HEVC_DECODE_PARAM_FLAG_NO_OUTPUT_OF_PRIOR;
}

/* 7-56: the control holds ChromaOffsetLX, the coded delta does not fit. */
static gint8 chroma_offset(gint delta_offset, gint delta_weight,
			   guint log2_denom)
{
	gint weight = (1 << log2_denom) + delta_weight;
	gint v = 128 + delta_offset - ((128 * weight) >> log2_denom);

	return (gint8)CLAMP(v, -128, 127);
}

static void fill_pred_weights(struct v4l2_hevc_pred_weight_table *o,
			      const GstH265SliceHdr *hdr)
{
	const GstH265PredWeightTable *t = &hdr->pred_weight_table;
	guint chroma_denom = t->luma_log2_weight_denom +
			     t->delta_chroma_log2_weight_denom;

	o->luma_log2_weight_denom = t->luma_log2_weight_denom;
	o->delta_chroma_log2_weight_denom = t->delta_chroma_log2_weight_denom;
	for (guint i = 0; i <= hdr->num_ref_idx_l0_active_minus1 && i < 15; i++) {
		o->delta_luma_weight_l0[i] = t->delta_luma_weight_l0[i];
		o->luma_offset_l0[i] = t->luma_offset_l0[i];
		for (guint c = 0; c < 2; c++) {
			o->delta_chroma_weight_l0[i][c] =
				t->delta_chroma_weight_l0[i][c];
			o->chroma_offset_l0[i][c] = chroma_offset(
				t->delta_chroma_offset_l0[i][c],
				t->delta_chroma_weight_l0[i][c], chroma_denom);
		}
	}
	if (!GST_H265_IS_B_SLICE(hdr))
		return;
	for (guint i = 0; i <= hdr->num_ref_idx_l1_active_minus1 && i < 15; i++) {
		o->delta_luma_weight_l1[i] = t->delta_luma_weight_l1[i];
		o->luma_offset_l1[i] = t->luma_offset_l1[i];
		for (guint c = 0; c < 2; c++) {
			o->delta_chroma_weight_l1[i][c] =
				t->delta_chroma_weight_l1[i][c];
			o->chroma_offset_l1[i][c] = chroma_offset(
				t->delta_chroma_offset_l1[i][c],
				t->delta_chroma_weight_l1[i][c], chroma_denom);
		}
	}
}

static int fill_ref_lists(GstV4l2rH265Dec *self, const GstH265SliceHdr *hdr,
			  struct v4l2_ctrl_hevc_slice_params *o)
{
	const GstH265RefPicListModification *m = &hdr->ref_pic_list_modification;
	struct dpb_hevc_slice_info si = {
		.slice_type = hdr->type,
		.num_ref_idx_l0_active = hdr->num_ref_idx_l0_active_minus1 + 1,
		.num_ref_idx_l1_active = hdr->num_ref_idx_l1_active_minus1 + 1,
		.ref_pic_list_modification_flag_l0 =
			m->ref_pic_list_modification_flag_l0,
		.ref_pic_list_modification_flag_l1 =
			m->ref_pic_list_modification_flag_l1,
	};

	if (GST_H265_IS_I_SLICE(hdr))
		return 0;
	for (guint i = 0; i < G_N_ELEMENTS(m->list_entry_l0); i++) {
		si.list_entry_l0[i] = (uint8_t)MIN(m->list_entry_l0[i], 255);
		si.list_entry_l1[i] = (uint8_t)MIN(m->list_entry_l1[i], 255);
	}
	return dpb_hevc_ref_lists(self->dpb, &si, o->ref_idx_l0, o->ref_idx_l1);
}

/* A slice's parameters; a dependent slice segment takes what its header
 * lacks from the independent one before it (7.4.7.1). offset: where the
 * slice's NAL unit starts in the request's buffer. */
static int fill_slice_params(GstV4l2rH265Dec *self,
			     struct v4l2_ctrl_hevc_slice_params *o,
			     const Slice *s, const GstH265SliceHdr *ind,
			     guint32 offset, gboolean annex_b)
{
	const GstH265SliceHdr *hdr = &s->hdr;
	guint prefix = annex_b ? START_CODE_SIZE : 0;

	memset(o, 0, sizeof(*o));
	o->bit_size = (guint32)((prefix + s->nalu.size) * 8);
	o->data_byte_offset = offset + prefix + NAL_HEADER_SIZE +
			      hdr->header_size / 8 -
			      hdr->n_emulation_prevention_bytes;
	o->num_entry_point_offsets = hdr->num_entry_point_offsets;
	o->nal_unit_type = s->nalu.type;
	o->nuh_temporal_id_plus1 = s->nalu.temporal_id_plus1;
	o->slice_type = ind->type;
	o->colour_plane_id = ind->colour_plane_id;
	o->slice_pic_order_cnt = dpb_hevc_current_poc(self->dpb);
	o->num_ref_idx_l0_active_minus1 = ind->num_ref_idx_l0_active_minus1;
	o->num_ref_idx_l1_active_minus1 = ind->num_ref_idx_l1_active_minus1;
	o->collocated_ref_idx = ind->collocated_ref_idx;
	o->five_minus_max_num_merge_cand = ind->five_minus_max_num_merge_cand;
	o->slice_qp_delta = ind->qp_delta;
	o->slice_cb_qp_offset = ind->cb_qp_offset;
	o->slice_cr_qp_offset = ind->cr_qp_offset;
	o->slice_act_y_qp_offset = ind->slice_act_y_qp_offset;
	o->slice_act_cb_qp_offset = ind->slice_act_cb_qp_offset;
	o->slice_act_cr_qp_offset = ind->slice_act_cr_qp_offset;
	o->slice_beta_offset_div2 = ind->beta_offset_div2;
	o->slice_tc_offset_div2 = ind->tc_offset_div2;
	o->pic_struct = V4L2_HEVC_SEI_PIC_STRUCT_FRAME;
	o->slice_segment_addr = hdr->segment_address;
	o->short_term_ref_pic_set_size = (guint16)ind->short_term_ref_pic_set_size;
	o->long_term_ref_pic_set_size = (guint16)ind->long_term_ref_pic_set_size;
	if (ind->sao_luma_flag)
		o->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_SAO_LUMA;
	if (ind->sao_chroma_flag)
		o->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_SAO_CHROMA;
	if (ind->temporal_mvp_enabled_flag)
		o->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_TEMPORAL_MVP_ENABLED;
	if (ind->mvd_l1_zero_flag)
		o->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_MVD_L1_ZERO;
	if (ind->cabac_init_flag)
		o->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_CABAC_INIT;
	if (ind->collocated_from_l0_flag)
		o->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_COLLOCATED_FROM_L0;
	if (ind->use_integer_mv_flag)
		o->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_USE_INTEGER_MV;
	if (ind->deblocking_filter_disabled_flag)
		o->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_DEBLOCKING_FILTER_DISABLED;
	if (ind->loop_filter_across_slices_enabled_flag)
		o->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_LOOP_FILTER_ACROSS_SLICES_ENABLED;
	if (hdr->dependent_slice_segment_flag)
		o->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_DEPENDENT_SLICE_SEGMENT;
	if ((GST_H265_IS_P_SLICE(ind) && ind->pps->weighted_pred_flag) ||
	    (GST_H265_IS_B_SLICE(ind) && ind->pps->weighted_bipred_flag))
		fill_pred_weights(&o->pred_weight_table, ind);
	return fill_ref_lists(self, ind, o);
}

/* Slice parameters and entry points of slices [first, first + n), whose
 * NAL units follow each other in one request's buffer. */
static int fill_slices(GstV4l2rH265Dec *self, guint first, guint n,
		       gboolean annex_b)
{
	guint32 offset = 0;

	g_array_set_size(self->entry_points, 0);
	for (guint i = first; i < first + n; i++) {
		const Slice *s = &self->slices[i];
		const GstH265SliceHdr *ind = &s->hdr;
		/* The first slice is independent (checked when gathered). */
		for (guint k = i; k > 0 && self->slices[k].hdr.dependent_slice_segment_flag; )
			ind = &self->slices[--k].hdr;
		int ret = fill_slice_params(self, &self->slice_params[i - first],
					    s, ind, offset, annex_b);
		if (ret < 0)
			return ret;
		offset += (annex_b ? START_CODE_SIZE : 0) + s->nalu.size;
		if (s->hdr.num_entry_point_offsets)
			g_array_append_vals(self->entry_points,
					    s->hdr.entry_point_offset_minus1,
					    s->hdr.num_entry_point_offsets);
	}
	return 0;
}

static GstFlowReturn queue_picture(GstV4l2rH265Dec *self,
				   GstVideoCodecFrame *frame,
				   GstV4l2rPicture *pic)
{
	GstV4l2rDecoder *dec = &self->parent;
	const struct v4l2r_decode_mode *mode = gst_v4l2r_decoder_mode(dec);
	const Slice *first = &self->slices[0];
	const GstH265PPS *pps = first->hdr.pps;
	gboolean send_slices =
		!v4l2r_decode_mode_lacks(mode, V4L2R_CODEC_HEVC,
					V4L2_CID_STATELESS_HEVC_SLICE_PARAMS);
	gboolean send_entry_points =
		!v4l2r_decode_mode_lacks(mode, V4L2R_CODEC_HEVC,
					V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS);
	guint per_request = mode->slice_based ? 1 : self->n_slices;
	GstFlowReturn fr = GST_FLOW_OK;

	fill_sps(&self->sps, pps->sps);
	fill_pps(&self->pps, pps);
	fill_decode_params(self, first, pic);
	struct v4l2_ext_control ctrls[6] = {
		{ .id = V4L2_CID_STATELESS_HEVC_SPS, .size = sizeof(self->sps),
		  .ptr = &self->sps },
		{ .id = V4L2_CID_STATELESS_HEVC_PPS, .size = sizeof(self->pps),
		  .ptr = &self->pps },
		{ .id = V4L2_CID_STATELESS_HEVC_DECODE_PARAMS,
		  .size = sizeof(self->decode), .ptr = &self->decode },
	};
	guint n_fixed = 3;
	if (pps->sps->scaling_list_enabled_flag) {
		fill_scaling(&self->scaling, pps);
		ctrls[n_fixed++] = (struct v4l2_ext_control){
			.id = V4L2_CID_STATELESS_HEVC_SCALING_MATRIX,
			.size = sizeof(self->scaling), .ptr = &self->scaling };
	}

	for (guint i = 0; i < self->n_slices && fr == GST_FLOW_OK;
	     i += per_request) {
		guint n_ctrls = n_fixed;
		int ret = fill_slices(self, i, per_request, mode->annex_b);
		if (ret < 0) {
			GST_V4L2R_FRAME_ERROR(dec,
					      ("frame %u: slice %u's "
					       "references are not in the DPB",
					       frame->system_frame_number, i),
					      (NULL), fr);
			return fr == GST_FLOW_OK ? GST_FLOW_CUSTOM_SUCCESS : fr;
		}
		if (send_slices)
			ctrls[n_ctrls++] = (struct v4l2_ext_control){
				.id = V4L2_CID_STATELESS_HEVC_SLICE_PARAMS,
				.size = per_request * sizeof(self->slice_params[0]),
				.ptr = self->slice_params };
		if (send_entry_points && self->entry_points->len)
			ctrls[n_ctrls++] = (struct v4l2_ext_control){
				.id = V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS,
				.size = self->entry_points->len * sizeof(guint32),
				.ptr = self->entry_points->data };
		GstV4l2rChunk *chunks = g_newa(GstV4l2rChunk, per_request);
		for (guint k = 0; k < per_request; k++) {
			const Slice *s = &self->slices[i + k];
			chunks[k] = (GstV4l2rChunk){
				.data = s->nalu.data + s->nalu.offset,
				.size = s->nalu.size,
				.start_code = mode->annex_b,
			};
		}
		fr = gst_v4l2r_decoder_queue(dec, pic, ctrls, n_ctrls, chunks,
					     per_request,
					     i + per_request < self->n_slices);
	}
	return fr;
}

/* Drops frame with a warning on the bus (bad input costs that frame
 * only, until max-errors). */
static GstFlowReturn frame_error(GstV4l2rH265Dec *self,
				 GstVideoCodecFrame *frame, const char *why)
{
	GstV4l2rDecoder *dec = &self->parent;
	GstFlowReturn fr = GST_FLOW_OK;

	GST_V4L2R_FRAME_ERROR(dec, ("frame %u: %s",
				    frame->system_frame_number, why),
			      (NULL), fr);
	if (fr == GST_FLOW_OK)
		gst_v4l2r_decoder_skip(dec, frame, why);
	return fr;
}

/* Decodes the slices gathered for one picture. */
static GstFlowReturn decode_picture(GstV4l2rH265Dec *self,
				    GstVideoCodecFrame *frame)
{
	GstV4l2rDecoder *dec = &self->parent;
	const Slice *first = &self->slices[0];
	const GstH265SPS *sps = first->hdr.pps->sps;
	struct dpb_hevc_picture_info info;
	GstFlowReturn fr = GST_FLOW_OK;

	if (sps != self->active_sps || sps->id != self->sps_id) {
		fr = configure(self, frame, sps);
		if (fr == GST_FLOW_CUSTOM_SUCCESS) {
			gst_v4l2r_decoder_skip(dec, frame, "unsupported");
			return GST_FLOW_OK;
		}
		if (fr != GST_FLOW_OK)
			return fr;
	}

	GstV4l2rPicture *pic = gst_v4l2r_decoder_new_picture(dec, frame);
	if (!pic)
		return GST_FLOW_ERROR;
	if (!gst_v4l2r_hevc_dpb_picture(&info, &first->hdr, &first->nalu,
					pic->timestamp, self->follows_eos)) {
		gst_v4l2r_decoder_picture_unref(dec, pic);
		return frame_error(self, frame, "its reference picture set "
					       "is out of range");
	}
	self->dpb_flow = GST_FLOW_OK;
	int ret = dpb_hevc_start_picture(self->dpb, &self->dpb_sps, &info);
	if (ret != 0) {
		gst_v4l2r_decoder_picture_unref(dec, pic);
		if (ret == DPB_HEVC_SKIP) {
			gst_v4l2r_decoder_skip(dec, frame, "a RASL picture "
					       "without its references");
			return self->dpb_flow;
		}
		fr = frame_error(self, frame, "its picture header is "
					      "inconsistent with the stream");
		return fr == GST_FLOW_OK ? self->dpb_flow : fr;
	}
	self->follows_eos = FALSE;
	/* The DPB holds the picture now: our reference is its own, given
	 * back through its release callback. */

	fr = queue_picture(self, frame, pic);
	if (fr == GST_FLOW_CUSTOM_SUCCESS)
		fr = GST_FLOW_OK;	/* that picture only is lost */
	ret = dpb_hevc_finish_picture(self->dpb);
	if (ret < 0)
		GST_WARNING_OBJECT(dec, "frame %u: reference marking: %s",
				   frame->system_frame_number,
				   g_strerror(-ret));
	if (fr == GST_FLOW_OK)
		fr = self->dpb_flow;
	return fr;
}

static void clear_slices(GstV4l2rH265Dec *self)
{
	for (guint i = 0; i < self->n_slices; i++)
		gst_h265_slice_hdr_free(&self->slices[i].hdr);
	self->n_slices = 0;
}

/* Parses a slice segment into the picture's list. FALSE: it cannot be
 * used (warned), and neither can its picture. */
static gboolean add_slice(GstV4l2rH265Dec *self, GstVideoCodecFrame *frame,
			  GstH265NalUnit *nalu)
{
	Slice *s = &self->slices[self->n_slices];

	if (self->n_slices == MAX_SLICES) {
		GST_WARNING_OBJECT(self, "frame %u: more than %u slices",
				   frame->system_frame_number, MAX_SLICES);
		return FALSE;
	}
	memset(&s->hdr, 0, sizeof(s->hdr));
	if (gst_h265_parser_parse_slice_hdr(self->parser, nalu, &s->hdr) !=
	    GST_H265_PARSER_OK) {
		GST_WARNING_OBJECT(self, "frame %u: a slice header cannot be "
				   "read", frame->system_frame_number);
		return FALSE;
	}
	s->nalu = *nalu;
	self->n_slices++;
	/* A picture starts with an independent slice segment. */
	if (self->n_slices == 1 && (!s->hdr.first_slice_segment_in_pic_flag ||
				    s->hdr.dependent_slice_segment_flag)) {
		GST_WARNING_OBJECT(self, "frame %u: the picture's first slice "
				   "segment is missing",
				   frame->system_frame_number);
		return FALSE;
	}
	/* h265parse (alignment=au) gives one picture per buffer; two mean
	 * that it could not read where one picture ends. */
	if (self->n_slices > 1 && s->hdr.first_slice_segment_in_pic_flag) {
		GST_WARNING_OBJECT(self, "frame %u: two pictures in one access "
				   "unit", frame->system_frame_number);
		return FALSE;
	}
	if (s->hdr.pps != self->slices[0].hdr.pps ||
	    s->nalu.type != self->slices[0].nalu.type) {
		GST_WARNING_OBJECT(self, "frame %u: slices of one picture with "
				   "different PPS or NAL unit types",
				   frame->system_frame_number);
		return FALSE;
	}
	return TRUE;
}

/* Reads a VPS, SPS or PPS into the parser, which keeps its own copy (the
 * slices use it). */
static void parse_parameter_set(GstV4l2rH265Dec *self, GstH265NalUnit *nalu)
{
	gst_h265_parser_parse_nal(self->parser, nalu);
	if (nalu->type == GST_H265_NAL_SPS)
		self->active_sps = NULL;
}

/* The next NAL unit from offset: by its length prefix (hvc1, hev1), or
 * found behind its start code, the end at the next one. A length-prefixed
 * one that runs past the buffer is BROKEN_DATA: it is cut short (the
 * parser says NO_NAL_END, as for a byte stream's last NAL unit). */
static GstH265ParserResult next_nalu(GstV4l2rH265Dec *self,
				     const GstMapInfo *map, guint offset,
				     GstH265NalUnit *nalu)
{
	if (!self->nal_length_size)
		return gst_h265_parser_identify_nalu(self->parser, map->data,
						     offset, map->size, nalu);
	GstH265ParserResult res = gst_h265_parser_identify_nalu_hevc(
		self->parser, map->data, offset, map->size,
		(guint8)self->nal_length_size, nalu);
	return res == GST_H265_PARSER_NO_NAL_END ? GST_H265_PARSER_BROKEN_DATA :
						   res;
}

/* hvc1 and hev1 give the NAL unit length size and the parameter sets in
 * codec_data (the hvcC record); byte-stream needs nothing. */
static gboolean h265_set_format(GstV4l2rDecoder *dec,
				GstVideoCodecState *state)
{
	GstV4l2rH265Dec *self = (GstV4l2rH265Dec *)dec;
	GstStructure *st = gst_caps_get_structure(state->caps, 0);
	const gchar *format = gst_structure_get_string(st, "stream-format");
	struct hvcc hvcc;
	struct hvcc_nalu entry;
	GstMapInfo map;

	self->nal_length_size = 0;
	if (!format || (strcmp(format, "hvc1") && strcmp(format, "hev1")))
		return TRUE;
	if (!state->codec_data ||
	    !gst_buffer_map(state->codec_data, &map, GST_MAP_READ)) {
		GST_ELEMENT_ERROR(self, STREAM, DECODE,
				  ("%s input without codec_data", format),
				  (NULL));
		return FALSE;
	}
	int ret = hvcc_open(&hvcc, map.data, map.size);
	if (ret < 0) {
		gst_buffer_unmap(state->codec_data, &map);
		GST_ELEMENT_ERROR(self, STREAM, DECODE,
				  ("%s input: its codec_data cannot be read",
				   format),
				  ("hvcC: %s", hvcc_strerror(ret)));
		return FALSE;
	}
	self->nal_length_size = hvcc.nal_length_size;
	while (hvcc_next(&hvcc, &entry) > 0) {
		GstH265NalUnit nalu;
		if (entry.type != GST_H265_NAL_VPS &&
		    entry.type != GST_H265_NAL_SPS &&
		    entry.type != GST_H265_NAL_PPS)
			continue;	/* SEI: nothing we use */
		/* An entry is a NAL unit behind its two-byte length. */
		if (gst_h265_parser_identify_nalu_hevc(
			    self->parser, entry.data - 2, 0, entry.size + 2, 2,
			    &nalu) == GST_H265_PARSER_OK)
			parse_parameter_set(self, &nalu);
	}
	gst_buffer_unmap(state->codec_data, &map);
	return TRUE;
}

static GstFlowReturn h265_decode(GstV4l2rDecoder *dec,
				 GstVideoCodecFrame *frame)
{
	GstV4l2rH265Dec *self = (GstV4l2rH265Dec *)dec;
	GstFlowReturn fr = GST_FLOW_OK;
	const char *broken = NULL;	/* why the frame cannot be decoded */
	gboolean eos = FALSE;
	GstH265NalUnit nalu;
	GstMapInfo map;

	if (!gst_buffer_map(frame->input_buffer, &map, GST_MAP_READ))
		return GST_FLOW_ERROR;
	guint offset = 0;
	GstH265ParserResult res;
	while ((res = next_nalu(self, &map, offset, &nalu)) ==
		       GST_H265_PARSER_OK ||
	       res == GST_H265_PARSER_NO_NAL_END) {
		offset = nalu.offset + nalu.size;
		switch (nalu.type) {
		case GST_H265_NAL_VPS:
		case GST_H265_NAL_SPS:
		case GST_H265_NAL_PPS:
			parse_parameter_set(self, &nalu);
			break;
		case GST_H265_NAL_EOS:
		case GST_H265_NAL_EOB:
			eos = TRUE;
			break;
		default:
			if (!gst_v4l2r_hevc_is_slice(nalu.type))
				break;
			if (!broken && !add_slice(self, frame, &nalu))
				broken = "a slice cannot be decoded";
			break;
		}
		if (res == GST_H265_PARSER_NO_NAL_END)
			break;
	}
	/* Length-prefixed NAL units end where the buffer ends: bytes left
	 * over are a NAL unit (or its length) cut short, or one too short
	 * for its header. */
	if (self->nal_length_size && offset < map.size && !broken) {
		GST_WARNING_OBJECT(self, "frame %u: the NAL unit at byte %u of "
				   "%" G_GSIZE_FORMAT " cannot be read",
				   frame->system_frame_number, offset, map.size);
		broken = "a NAL unit is cut short or unreadable";
	}
	if (broken)
		fr = frame_error(self, frame, broken);
	else if (self->n_slices)
		fr = decode_picture(self, frame);
	else
		gst_v4l2r_decoder_skip(dec, frame, "no slice in it");
	clear_slices(self);
	if (eos && fr == GST_FLOW_OK) {
		/* The coded video sequence ends: its pictures go out. */
		self->dpb_flow = GST_FLOW_OK;
		dpb_hevc_drain(self->dpb);
		fr = self->dpb_flow;
		self->follows_eos = TRUE;
	}
	gst_buffer_unmap(frame->input_buffer, &map);
	return fr;
}

static GstFlowReturn h265_drain(GstV4l2rDecoder *dec)
{
	GstV4l2rH265Dec *self = (GstV4l2rH265Dec *)dec;

	self->dpb_flow = GST_FLOW_OK;
	dpb_hevc_drain(self->dpb);
	return self->dpb_flow;
}

static void h265_reset(GstV4l2rDecoder *dec)
{
	GstV4l2rH265Dec *self = (GstV4l2rH265Dec *)dec;

	/* The next picture starts the stream anew: a CRA one is handled as
	 * a BLA one, its RASL pictures skipped. */
	dpb_hevc_reset(self->dpb);
	self->follows_eos = FALSE;
}

static void finalize(GObject *object)
{
	GstV4l2rH265Dec *self = (GstV4l2rH265Dec *)object;

	clear_slices(self);
	gst_h265_parser_free(self->parser);
	dpb_hevc_free(self->dpb);
	g_free(self->slices);
	g_free(self->slice_params);
	g_array_unref(self->entry_points);
	G_OBJECT_CLASS(gst_v4l2r_h265_dec_parent_class)->finalize(object);
}

static void gst_v4l2r_h265_dec_init(GstV4l2rH265Dec *self)
{
	self->parser = gst_h265_parser_new();
	self->dpb = dpb_hevc_new(&dpb_callbacks, self);
	self->slices = g_new(Slice, MAX_SLICES);
	self->slice_params = g_new(struct v4l2_ctrl_hevc_slice_params,
				   MAX_SLICES);
	self->entry_points = g_array_new(FALSE, FALSE, sizeof(guint32));
}

static void gst_v4l2r_h265_dec_class_init(GstV4l2rH265DecClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = finalize;
	/* hvc1 and hev1 first: h265parse then hands over length-prefixed NAL
	 * units, which need no scan for start codes. */
	klass->sink_caps = "video/x-h265, stream-format = (string) "
			   "{ hvc1, hev1, byte-stream }, alignment = (string) au";
	klass->set_format = h265_set_format;
	klass->codec_name = "HEVC";
	klass->decode = h265_decode;
	klass->drain = h265_drain;
	klass->reset = h265_reset;
}
