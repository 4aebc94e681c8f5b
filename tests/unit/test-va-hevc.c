/* VA HEVC translation (src/va/hevc.c, hevc_slice_header.c).
 *
 * Real pictures: two libx265 streams (unit/data/hevc/make-fixtures.sh),
 * with the VA parameters a client sends for them and the values the
 * controls must hold, both taken from FFmpeg's trace_headers reading of
 * the streams (an independent parser): every field is checked.
 *
 * Synthetic slice headers (a bit writer below) reach what x265 does not
 * write: reference picture sets from the SPS or predicted, long-term
 * pictures, list modification, dependent slice segments, extension bytes,
 * emulation prevention inside the header; and every kind of bad input. */
#include <check.h>

#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/codec.h"
#include "v4l2r/log.h"
#include "va/codec.h"
#include "va/hevc_slice_header.h"

/* Fixture types (va-fixtures.h; the generated header fills them). */
#include "va-fixtures.h"
#include "data/hevc/fixtures.h"

/* ------------------------------------------------------------------ */
/* Harness                                                              */

#define MAX_SLICES 8

/* The translation state is large: keep it off the stack. */
static void *state;

static int log_errors;
static char last_log[512];

static void log_sink(void *opaque, enum v4l2r_log_level level, const char *msg)
{
	(void)opaque;
	if (level == V4L2R_LOG_ERROR)
		log_errors++;
	snprintf(last_log, sizeof(last_log), "%s", msg);
}

/* Timestamps the fake session gave surfaces; 0 for never decoded. */
static uint64_t known_ts[0x200];

static uint64_t ts_of(VASurfaceID s)
{
	return 1000000ull * (s & 0xfff) + 7;
}

static uint64_t resolve(void *opaque, VASurfaceID s)
{
	(void)opaque;
	return s < 0x200 ? known_ts[s] : 0;
}

static const struct va_ref_resolver resolver = { resolve, NULL };

static void setup(void)
{
	state = calloc(1, va_codec_hevc.state_size);
	ck_assert_ptr_nonnull(state);
	memset(known_ts, 0, sizeof(known_ts));
	log_errors = 0;
	last_log[0] = '\0';
	v4l2r_log_set_handler(log_sink, NULL, V4L2R_LOG_DEBUG);
}

static void teardown(void)
{
	free(state);
	state = NULL;
	v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_WARNING);
}

/* One picture's VA buffers, as a client builds them. */
struct va_pic {
	VAPictureParameterBufferHEVC pic;
	VAIQMatrixBufferHEVC iq;
	bool have_iq;
	VASliceParameterBufferHEVC sp[MAX_SLICES];
	uint8_t *data[MAX_SLICES];	/* exactly size bytes each (valgrind) */
	struct va_slice slices[MAX_SLICES];
	unsigned n_slices;
	VASurfaceID target;
	VAProfile profile;
	unsigned bit_depth;	/* of the context's pictures */
	unsigned max_width, max_height;	/* of the context, 0: unknown */
};

static void va_pic_free(struct va_pic *v)
{
	for (unsigned i = 0; i < MAX_SLICES; i++) {
		free(v->data[i]);
		v->data[i] = NULL;
	}
}

static void set_slice_data(struct va_pic *v, unsigned i, const uint8_t *bytes,
			   unsigned n, unsigned size)
{
	free(v->data[i]);
	v->data[i] = malloc(size ? size : 1);
	ck_assert_ptr_nonnull(v->data[i]);
	/* Past the stored header bytes: slice data we never parse. */
	memset(v->data[i], 0x5a, size);
	memcpy(v->data[i], bytes, n < size ? n : size);
	v->slices[i].data = v->data[i];
	v->slices[i].size = size;
	v->sp[i].slice_data_size = size;
}

static VAStatus translate(struct va_pic *v,
			  const struct v4l2r_decode_mode *mode)
{
	struct va_picture_input in = {
		.pic_params = &v->pic,
		.iq_matrix = v->have_iq ? &v->iq : NULL,
		.n_slices = v->n_slices,
		.slices = v->slices,
		.target = v->target,
		.profile = v->profile,
		.bit_depth = v->bit_depth,
		.max_width = v->max_width,
		.max_height = v->max_height,
	};
	for (unsigned i = 0; i < v->n_slices; i++)
		v->slices[i].params = &v->sp[i];
	return va_codec_hevc.translate(state, &in, mode, &resolver);
}

static void build_stream_params(VAPictureParameterBufferHEVC *p,
				const struct fx_stream *s)
{
	hevc_fx_stream_params(p, s);
}

static void empty_ref(VAPictureHEVC *r)
{
	r->picture_id = VA_INVALID_SURFACE;
	r->flags = VA_PICTURE_HEVC_INVALID;
}

/* What FFmpeg's vaapi_hevc sends for a fixture picture. */
static void build_fixture(struct va_pic *v, const struct fx_picture *f)
{
	const struct fx_stream *s = f->stream;
	VAPictureParameterBufferHEVC *p = &v->pic;

	va_pic_free(v);
	memset(v, 0, sizeof(*v));
	build_stream_params(p, s);
	v->profile = s->bit_depth_luma_minus8 ? VAProfileHEVCMain10 :
		VAProfileHEVCMain;
	v->bit_depth = 8 + s->bit_depth_luma_minus8;
	v->target = f->surface;
	p->CurrPic.picture_id = f->surface;
	p->CurrPic.pic_order_cnt = f->poc;
	for (unsigned i = 0; i < 15; i++)
		empty_ref(&p->ReferenceFrames[i]);
	for (unsigned i = 0; i < f->n_refs; i++) {
		p->ReferenceFrames[i].picture_id = f->refs[i].surface;
		p->ReferenceFrames[i].pic_order_cnt = f->refs[i].poc;
		p->ReferenceFrames[i].flags = f->refs[i].flags;
		known_ts[f->refs[i].surface] = ts_of(f->refs[i].surface);
	}
	p->st_rps_bits = f->st_rps_bits;
	p->slice_parsing_fields.bits.RapPicFlag =
		f->slices[0].nal_unit_type >= 16 && f->slices[0].nal_unit_type <= 23;
	p->slice_parsing_fields.bits.IdrPicFlag =
		f->slices[0].nal_unit_type == 19 || f->slices[0].nal_unit_type == 20;

	v->n_slices = f->n_slices;
	for (unsigned i = 0; i < f->n_slices; i++) {
		const struct fx_slice *x = &f->slices[i];

		hevc_fx_slice_params(&v->sp[i], x, i + 1 == f->n_slices);
		set_slice_data(v, i, x->bytes, x->n_bytes, x->nal_size);
	}
}

/* ------------------------------------------------------------------ */
/* Checks of the controls against a fixture                             */

static const struct v4l2r_decode_mode frame_mode = { .slice_based = false };

static void check_sps_pps(const struct fx_picture *f)
{
	const struct fx_stream *s = f->stream;
	const struct v4l2_ctrl_hevc_sps *sps = NULL;
	const struct v4l2_ctrl_hevc_pps *pps = NULL;
	struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan plan = { .controls = ctrls };
	uint64_t flags;

	va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
	ck_assert_uint_ge(plan.n_controls, 4);
	ck_assert_uint_eq(ctrls[0].id, V4L2_CID_STATELESS_HEVC_SPS);
	ck_assert_uint_eq(ctrls[0].size, sizeof(*sps));
	ck_assert_uint_eq(ctrls[1].id, V4L2_CID_STATELESS_HEVC_PPS);
	ck_assert_uint_eq(ctrls[1].size, sizeof(*pps));
	sps = ctrls[0].ptr;
	pps = ctrls[1].ptr;

	ck_assert_uint_eq(sps->pic_width_in_luma_samples, s->pic_width_in_luma_samples);
	ck_assert_uint_eq(sps->pic_height_in_luma_samples, s->pic_height_in_luma_samples);
	ck_assert_uint_eq(sps->bit_depth_luma_minus8, s->bit_depth_luma_minus8);
	ck_assert_uint_eq(sps->bit_depth_chroma_minus8, s->bit_depth_chroma_minus8);
	ck_assert_uint_eq(sps->log2_max_pic_order_cnt_lsb_minus4,
			  s->log2_max_pic_order_cnt_lsb_minus4);
	ck_assert_uint_eq(sps->sps_max_dec_pic_buffering_minus1,
			  s->sps_max_dec_pic_buffering_minus1);
	/* VA has only NoPicReorderingFlag: bounded by the DPB size. */
	ck_assert_uint_ge(sps->sps_max_num_reorder_pics, s->sps_max_num_reorder_pics);
	ck_assert_uint_le(sps->sps_max_num_reorder_pics,
			  s->sps_max_dec_pic_buffering_minus1);
	ck_assert_uint_eq(sps->log2_min_luma_coding_block_size_minus3,
			  s->log2_min_luma_coding_block_size_minus3);
	ck_assert_uint_eq(sps->log2_diff_max_min_luma_coding_block_size,
			  s->log2_diff_max_min_luma_coding_block_size);
	ck_assert_uint_eq(sps->log2_min_luma_transform_block_size_minus2,
			  s->log2_min_luma_transform_block_size_minus2);
	ck_assert_uint_eq(sps->log2_diff_max_min_luma_transform_block_size,
			  s->log2_diff_max_min_luma_transform_block_size);
	ck_assert_uint_eq(sps->max_transform_hierarchy_depth_inter,
			  s->max_transform_hierarchy_depth_inter);
	ck_assert_uint_eq(sps->max_transform_hierarchy_depth_intra,
			  s->max_transform_hierarchy_depth_intra);
	ck_assert_uint_eq(sps->num_short_term_ref_pic_sets, s->num_short_term_ref_pic_sets);
	ck_assert_uint_eq(sps->num_long_term_ref_pics_sps, 0);
	ck_assert_uint_eq(sps->chroma_format_idc, s->chroma_format_idc);
	ck_assert_uint_eq(sps->pcm_sample_bit_depth_luma_minus1, 0);
	flags = (s->scaling_list_enabled_flag ? V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED : 0) |
		(s->amp_enabled_flag ? V4L2_HEVC_SPS_FLAG_AMP_ENABLED : 0) |
		(s->sample_adaptive_offset_enabled_flag ? V4L2_HEVC_SPS_FLAG_SAMPLE_ADAPTIVE_OFFSET : 0) |
		(s->pcm_enabled_flag ? V4L2_HEVC_SPS_FLAG_PCM_ENABLED : 0) |
		(s->long_term_ref_pics_present_flag ? V4L2_HEVC_SPS_FLAG_LONG_TERM_REF_PICS_PRESENT : 0) |
		(s->sps_temporal_mvp_enabled_flag ? V4L2_HEVC_SPS_FLAG_SPS_TEMPORAL_MVP_ENABLED : 0) |
		(s->strong_intra_smoothing_enabled_flag ? V4L2_HEVC_SPS_FLAG_STRONG_INTRA_SMOOTHING_ENABLED : 0);
	ck_assert_uint_eq(sps->flags, flags);

	ck_assert_uint_eq(pps->pic_parameter_set_id, s->pps_pic_parameter_set_id);
	ck_assert_uint_eq(pps->num_extra_slice_header_bits, s->num_extra_slice_header_bits);
	ck_assert_uint_eq(pps->num_ref_idx_l0_default_active_minus1,
			  s->num_ref_idx_l0_default_active_minus1);
	ck_assert_uint_eq(pps->num_ref_idx_l1_default_active_minus1,
			  s->num_ref_idx_l1_default_active_minus1);
	ck_assert_int_eq(pps->init_qp_minus26, s->init_qp_minus26);
	ck_assert_uint_eq(pps->diff_cu_qp_delta_depth, s->diff_cu_qp_delta_depth);
	ck_assert_int_eq(pps->pps_cb_qp_offset, s->pps_cb_qp_offset);
	ck_assert_int_eq(pps->pps_cr_qp_offset, s->pps_cr_qp_offset);
	ck_assert_int_eq(pps->pps_beta_offset_div2, s->pps_beta_offset_div2);
	ck_assert_int_eq(pps->pps_tc_offset_div2, s->pps_tc_offset_div2);
	ck_assert_uint_eq(pps->log2_parallel_merge_level_minus2,
			  s->log2_parallel_merge_level_minus2);
	ck_assert_uint_eq(pps->num_tile_columns_minus1, 0);
	flags = (s->dependent_slice_segments_enabled_flag ? V4L2_HEVC_PPS_FLAG_DEPENDENT_SLICE_SEGMENT_ENABLED : 0) |
		(s->output_flag_present_flag ? V4L2_HEVC_PPS_FLAG_OUTPUT_FLAG_PRESENT : 0) |
		(s->sign_data_hiding_enabled_flag ? V4L2_HEVC_PPS_FLAG_SIGN_DATA_HIDING_ENABLED : 0) |
		(s->cabac_init_present_flag ? V4L2_HEVC_PPS_FLAG_CABAC_INIT_PRESENT : 0) |
		(s->constrained_intra_pred_flag ? V4L2_HEVC_PPS_FLAG_CONSTRAINED_INTRA_PRED : 0) |
		(s->transform_skip_enabled_flag ? V4L2_HEVC_PPS_FLAG_TRANSFORM_SKIP_ENABLED : 0) |
		(s->cu_qp_delta_enabled_flag ? V4L2_HEVC_PPS_FLAG_CU_QP_DELTA_ENABLED : 0) |
		(s->pps_slice_chroma_qp_offsets_present_flag ? V4L2_HEVC_PPS_FLAG_PPS_SLICE_CHROMA_QP_OFFSETS_PRESENT : 0) |
		(s->weighted_pred_flag ? V4L2_HEVC_PPS_FLAG_WEIGHTED_PRED : 0) |
		(s->weighted_bipred_flag ? V4L2_HEVC_PPS_FLAG_WEIGHTED_BIPRED : 0) |
		(s->transquant_bypass_enabled_flag ? V4L2_HEVC_PPS_FLAG_TRANSQUANT_BYPASS_ENABLED : 0) |
		(s->tiles_enabled_flag ? V4L2_HEVC_PPS_FLAG_TILES_ENABLED :
		 V4L2_HEVC_PPS_FLAG_UNIFORM_SPACING) |	/* inferred 1, 7.4.3.3 */
		(s->entropy_coding_sync_enabled_flag ? V4L2_HEVC_PPS_FLAG_ENTROPY_CODING_SYNC_ENABLED : 0) |
		(s->pps_loop_filter_across_slices_enabled_flag ? V4L2_HEVC_PPS_FLAG_PPS_LOOP_FILTER_ACROSS_SLICES_ENABLED : 0) |
		(s->deblocking_filter_override_enabled_flag ? V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_OVERRIDE_ENABLED : 0) |
		(s->pps_deblocking_filter_disabled_flag ? V4L2_HEVC_PPS_FLAG_PPS_DISABLE_DEBLOCKING_FILTER : 0) |
		(s->lists_modification_present_flag ? V4L2_HEVC_PPS_FLAG_LISTS_MODIFICATION_PRESENT : 0) |
		(s->slice_segment_header_extension_present_flag ? V4L2_HEVC_PPS_FLAG_SLICE_SEGMENT_HEADER_EXTENSION_PRESENT : 0) |
		(s->deblocking_filter_control_present_flag ? V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT : 0);
	ck_assert_uint_eq(pps->flags, flags);
}

static void check_decode_params(const struct fx_picture *f,
				const struct v4l2_ctrl_hevc_decode_params *d)
{
	const struct fx_slice *s0 = &f->slices[0];
	uint64_t flags = 0;

	ck_assert_int_eq(d->pic_order_cnt_val, f->poc);
	ck_assert_uint_eq(d->short_term_ref_pic_set_size, s0->st_rps_bits);
	ck_assert_uint_eq(d->long_term_ref_pic_set_size, 0);
	ck_assert_uint_eq(d->num_delta_pocs_of_ref_rps_idx, 0);
	/* Every surface known: DPB entry k is ReferenceFrames[k]. */
	ck_assert_uint_eq(d->num_active_dpb_entries, f->n_refs);
	for (unsigned k = 0; k < f->n_refs; k++) {
		ck_assert_uint_eq(d->dpb[k].timestamp, ts_of(f->refs[k].surface));
		ck_assert_int_eq(d->dpb[k].pic_order_cnt_val, f->refs[k].poc);
		ck_assert_uint_eq(d->dpb[k].flags, 0);
		ck_assert_uint_eq(d->dpb[k].field_pic, 0);
	}
	for (unsigned k = f->n_refs; k < 16; k++)
		ck_assert_uint_eq(d->dpb[k].timestamp, 0);
	/* The RPS order of the slice header, not VA's order. */
	ck_assert_uint_eq(d->num_poc_st_curr_before, f->n_before);
	ck_assert_uint_eq(d->num_poc_st_curr_after, f->n_after);
	ck_assert_uint_eq(d->num_poc_lt_curr, 0);
	for (unsigned k = 0; k < 16; k++) {
		ck_assert_uint_eq(d->poc_st_curr_before[k],
				  k < f->n_before ? f->before[k] : 0xff);
		ck_assert_uint_eq(d->poc_st_curr_after[k],
				  k < f->n_after ? f->after[k] : 0xff);
		ck_assert_uint_eq(d->poc_lt_curr[k], 0xff);
	}
	if (s0->nal_unit_type >= 16 && s0->nal_unit_type <= 23)
		flags |= V4L2_HEVC_DECODE_PARAM_FLAG_IRAP_PIC;
	if (s0->nal_unit_type == 19 || s0->nal_unit_type == 20)
		flags |= V4L2_HEVC_DECODE_PARAM_FLAG_IDR_PIC;
	if (s0->no_output_of_prior_pics_flag)
		flags |= V4L2_HEVC_DECODE_PARAM_FLAG_NO_OUTPUT_OF_PRIOR;
	ck_assert_uint_eq(d->flags, flags);
}

/* offset: where slice i's NAL starts in the request's buffer. */
static void check_slice(const struct fx_picture *f, unsigned i,
			const struct v4l2_ctrl_hevc_slice_params *sp,
			uint32_t nal_offset, unsigned extra_bytes)
{
	const struct fx_slice *x = &f->slices[i];
	unsigned n[2] = { x->num_ref_idx_l0_active_minus1 + 1u,
			  x->num_ref_idx_l1_active_minus1 + 1u };
	uint64_t flags;

	ck_assert_uint_eq(sp->bit_size, (x->nal_size + extra_bytes) * 8);
	/* The headers without their emulation prevention bytes, after what
	 * precedes the NAL unit in the buffer. */
	ck_assert_uint_eq(sp->data_byte_offset, nal_offset + x->header_rbsp_bytes);
	ck_assert_uint_eq(sp->num_entry_point_offsets, x->num_entry_point_offsets);
	ck_assert_uint_eq(sp->nal_unit_type, x->nal_unit_type);
	ck_assert_uint_eq(sp->nuh_temporal_id_plus1, x->nuh_temporal_id_plus1);
	ck_assert_uint_eq(sp->slice_type, x->slice_type);
	ck_assert_uint_eq(sp->colour_plane_id, 0);
	ck_assert_int_eq(sp->slice_pic_order_cnt, f->poc);
	ck_assert_uint_eq(sp->num_ref_idx_l0_active_minus1,
			  x->num_ref_idx_l0_active_minus1);
	ck_assert_uint_eq(sp->num_ref_idx_l1_active_minus1,
			  x->num_ref_idx_l1_active_minus1);
	ck_assert_uint_eq(sp->collocated_ref_idx, x->collocated_ref_idx);
	ck_assert_uint_eq(sp->five_minus_max_num_merge_cand,
			  x->five_minus_max_num_merge_cand);
	ck_assert_int_eq(sp->slice_qp_delta, x->slice_qp_delta);
	ck_assert_int_eq(sp->slice_cb_qp_offset, x->slice_cb_qp_offset);
	ck_assert_int_eq(sp->slice_cr_qp_offset, x->slice_cr_qp_offset);
	ck_assert_int_eq(sp->slice_act_y_qp_offset, 0);
	ck_assert_int_eq(sp->slice_beta_offset_div2, x->slice_beta_offset_div2);
	ck_assert_int_eq(sp->slice_tc_offset_div2, x->slice_tc_offset_div2);
	ck_assert_uint_eq(sp->pic_struct, 0);
	ck_assert_uint_eq(sp->slice_segment_addr, x->slice_segment_address);
	ck_assert_uint_eq(sp->short_term_ref_pic_set_size, x->st_rps_bits);
	ck_assert_uint_eq(sp->long_term_ref_pic_set_size, 0);
	flags = (x->slice_sao_luma_flag ? V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_SAO_LUMA : 0) |
		(x->slice_sao_chroma_flag ? V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_SAO_CHROMA : 0) |
		(x->slice_temporal_mvp_enabled_flag ? V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_TEMPORAL_MVP_ENABLED : 0) |
		(x->mvd_l1_zero_flag ? V4L2_HEVC_SLICE_PARAMS_FLAG_MVD_L1_ZERO : 0) |
		(x->cabac_init_flag ? V4L2_HEVC_SLICE_PARAMS_FLAG_CABAC_INIT : 0) |
		(x->collocated_from_l0_flag ? V4L2_HEVC_SLICE_PARAMS_FLAG_COLLOCATED_FROM_L0 : 0) |
		(x->slice_deblocking_filter_disabled_flag ? V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_DEBLOCKING_FILTER_DISABLED : 0) |
		(x->slice_loop_filter_across_slices_enabled_flag ? V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_LOOP_FILTER_ACROSS_SLICES_ENABLED : 0) |
		(x->dependent_slice_segment_flag ? V4L2_HEVC_SLICE_PARAMS_FLAG_DEPENDENT_SLICE_SEGMENT : 0);
	ck_assert_uint_eq(sp->flags, flags);

	/* DPB index k is ReferenceFrames[k] when every surface is known. */
	for (unsigned k = 0; k < 16; k++) {
		bool l0 = x->slice_type != 2 && k < n[0];
		bool l1 = x->slice_type == 0 && k < n[1];
		ck_assert_uint_eq(sp->ref_idx_l0[k], l0 ? x->ref_pic_list[0][k] : 0xff);
		ck_assert_uint_eq(sp->ref_idx_l1[k], l1 ? x->ref_pic_list[1][k] : 0xff);
	}

	ck_assert_uint_eq(sp->pred_weight_table.luma_log2_weight_denom,
			  x->luma_log2_weight_denom);
	ck_assert_int_eq(sp->pred_weight_table.delta_chroma_log2_weight_denom,
			 x->delta_chroma_log2_weight_denom);
	for (unsigned k = 0; k < 15; k++) {
		const struct v4l2_hevc_pred_weight_table *w = &sp->pred_weight_table;
		ck_assert_int_eq(w->delta_luma_weight_l0[k], x->delta_luma_weight[0][k]);
		ck_assert_int_eq(w->luma_offset_l0[k], x->luma_offset[0][k]);
		ck_assert_int_eq(w->delta_luma_weight_l1[k], x->delta_luma_weight[1][k]);
		ck_assert_int_eq(w->luma_offset_l1[k], x->luma_offset[1][k]);
		for (unsigned j = 0; j < 2; j++) {
			ck_assert_int_eq(w->delta_chroma_weight_l0[k][j],
					 x->delta_chroma_weight[0][k][j]);
			ck_assert_int_eq(w->chroma_offset_l0[k][j], x->chroma_offset[0][k][j]);
			ck_assert_int_eq(w->delta_chroma_weight_l1[k][j],
					 x->delta_chroma_weight[1][k][j]);
			ck_assert_int_eq(w->chroma_offset_l1[k][j], x->chroma_offset[1][k][j]);
		}
	}
}

static const struct fx_picture *const *all_pictures(unsigned *n, int stream)
{
	if (stream == 0) {
		*n = sizeof(fx_a) / sizeof(fx_a[0]);
		return fx_a;
	}
	*n = sizeof(fx_b) / sizeof(fx_b[0]);
	return fx_b;
}

static const struct fx_picture *picture_at(unsigned idx)
{
	unsigned na, nb;
	const struct fx_picture *const *a = all_pictures(&na, 0);
	const struct fx_picture *const *b = all_pictures(&nb, 1);

	return idx < na ? a[idx] : b[idx - na];
}

static unsigned n_fixture_pictures(void)
{
	unsigned na, nb;
	all_pictures(&na, 0);
	all_pictures(&nb, 1);
	return na + nb;
}

/* Frame based, no start codes: one request with every slice. */
START_TEST(fixture_frame_based)
{
	const struct fx_picture *f = picture_at((unsigned)_i);
	struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan plan = { .controls = ctrls };
	const struct v4l2_ctrl_hevc_slice_params *sp;
	const uint32_t *ep;
	struct va_pic v = { 0 };
	uint32_t offset = 0;
	unsigned n_ep = 0;

	build_fixture(&v, f);
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	ck_assert_int_eq(log_errors, 0);
	ck_assert_uint_eq(va_codec_hevc.request_count(state, &frame_mode), 1);
	check_sps_pps(f);

	va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
	ck_assert_uint_eq(plan.first_slice, 0);
	ck_assert_uint_eq(plan.n_slices, f->n_slices);
	for (unsigned i = 0; i < f->n_slices; i++)
		n_ep += f->slices[i].num_entry_point_offsets;
	ck_assert_uint_eq(plan.n_controls, n_ep ? 6 : 5);
	ck_assert_uint_eq(ctrls[2].id, V4L2_CID_STATELESS_HEVC_SCALING_MATRIX);
	ck_assert_uint_eq(ctrls[2].size, sizeof(struct v4l2_ctrl_hevc_scaling_matrix));
	ck_assert_uint_eq(ctrls[3].id, V4L2_CID_STATELESS_HEVC_DECODE_PARAMS);
	ck_assert_uint_eq(ctrls[3].size, sizeof(struct v4l2_ctrl_hevc_decode_params));
	check_decode_params(f, ctrls[3].ptr);
	ck_assert_uint_eq(ctrls[4].id, V4L2_CID_STATELESS_HEVC_SLICE_PARAMS);
	ck_assert_uint_eq(ctrls[4].size,
			  f->n_slices * sizeof(struct v4l2_ctrl_hevc_slice_params));
	sp = ctrls[4].ptr;
	for (unsigned i = 0; i < f->n_slices; i++) {
		check_slice(f, i, &sp[i], offset, 0);
		offset += f->slices[i].nal_size;
	}
	if (n_ep) {
		ck_assert_uint_eq(ctrls[5].id, V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS);
		ck_assert_uint_eq(ctrls[5].size, n_ep * sizeof(uint32_t));
		ep = ctrls[5].ptr;
		for (unsigned i = 0; i < f->n_slices; i++)
			for (unsigned k = 0; k < f->slices[i].num_entry_point_offsets; k++)
				ck_assert_uint_eq(*ep++, f->slices[i].entry_points[k]);
	}
	va_pic_free(&v);
}
END_TEST

/* Slice based with Annex B start codes: one request a slice, each buffer
 * holding 00 00 01 and that slice only. */
START_TEST(fixture_slice_based_annex_b)
{
	const struct fx_picture *f = picture_at((unsigned)_i);
	const struct v4l2r_decode_mode mode = { .slice_based = true, .annex_b = true };
	struct va_picture_input in;
	struct va_pic v = { 0 };

	build_fixture(&v, f);
	ck_assert_uint_eq(translate(&v, &mode), VA_STATUS_SUCCESS);
	ck_assert_uint_eq(va_codec_hevc.request_count(state, &mode), f->n_slices);
	memset(&in, 0, sizeof(in));
	in.n_slices = v.n_slices;
	in.slices = v.slices;
	for (unsigned i = 0; i < f->n_slices; i++) {
		struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
		struct va_request_plan plan = { .controls = ctrls };
		uint8_t prefix[VA_CODEC_MAX_PREFIX];
		unsigned n_ep = f->slices[i].num_entry_point_offsets;

		ck_assert_uint_eq(va_codec_hevc.slice_prefix(state, &in, i, &mode,
							     prefix), 3);
		ck_assert_mem_eq(prefix, "\0\0\1", 3);
		va_codec_hevc.plan_request(state, &mode, i, &plan);
		ck_assert_uint_eq(plan.first_slice, i);
		ck_assert_uint_eq(plan.n_slices, 1);
		ck_assert_uint_eq(plan.n_controls, n_ep ? 6 : 5);
		check_decode_params(f, ctrls[3].ptr);
		ck_assert_uint_eq(ctrls[4].size, sizeof(struct v4l2_ctrl_hevc_slice_params));
		check_slice(f, i, ctrls[4].ptr, 3, 3);
		if (n_ep) {
			ck_assert_uint_eq(ctrls[5].size, n_ep * sizeof(uint32_t));
			ck_assert_mem_eq(ctrls[5].ptr, f->slices[i].entry_points,
					 n_ep * sizeof(uint32_t));
		}
	}
	va_pic_free(&v);
}
END_TEST

/* A client that hands slices with their start code (4 bytes here): the
 * offsets count it, and no second one is put in front. */
START_TEST(fixture_client_start_code)
{
	const struct fx_picture *f = picture_at((unsigned)_i);
	const struct v4l2r_decode_mode modes[2] = {
		{ .annex_b = true }, { .annex_b = false },
	};

	for (unsigned m = 0; m < 2; m++) {
		struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
		struct va_request_plan plan = { .controls = ctrls };
		struct va_picture_input in = { 0 };
		const struct v4l2_ctrl_hevc_slice_params *sp;
		uint8_t prefix[VA_CODEC_MAX_PREFIX];
		uint32_t offset = 0;
		struct va_pic v = { 0 };

		build_fixture(&v, f);
		for (unsigned i = 0; i < f->n_slices; i++) {
			uint8_t *buf = malloc(f->slices[i].nal_size + 4);
			ck_assert_ptr_nonnull(buf);
			memcpy(buf, "\0\0\0\1", 4);
			memcpy(buf + 4, f->slices[i].bytes, f->slices[i].n_bytes);
			set_slice_data(&v, i, buf, 4 + f->slices[i].n_bytes,
				       f->slices[i].nal_size + 4);
			free(buf);
		}
		ck_assert_uint_eq(translate(&v, &modes[m]), VA_STATUS_SUCCESS);
		in.n_slices = v.n_slices;
		in.slices = v.slices;
		va_codec_hevc.plan_request(state, &modes[m], 0, &plan);
		sp = ctrls[4].ptr;
		for (unsigned i = 0; i < f->n_slices; i++) {
			ck_assert_uint_eq(va_codec_hevc.slice_prefix(state, &in, i,
								     &modes[m],
								     prefix), 0);
			check_slice(f, i, &sp[i], offset + 4, 4);
			offset += f->slices[i].nal_size + 4;
		}
		va_pic_free(&v);
	}
}
END_TEST

/* Every strict prefix of a header is refused, and reading stays inside
 * the buffer (valgrind: each is a heap block of exactly that size). */
/* The IDR picture of stream a (200x120) in a context of its size: larger
 * than the context, or a scaling factor of 0, is refused naming the field. */
START_TEST(context_size_and_scaling_lists)
{
	struct va_pic v = { 0 };

	build_fixture(&v, &fx_a_0);
	v.max_width = 200;
	v.max_height = 120;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	v.pic.pic_width_in_luma_samples = 208;
	ck_assert_uint_eq(translate(&v, &frame_mode),
			  VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "pic_width/height_in_luma_samples"));
	build_fixture(&v, &fx_a_0);
	v.max_width = 200;
	v.max_height = 112;
	ck_assert_uint_eq(translate(&v, &frame_mode),
			  VA_STATUS_ERROR_INVALID_PARAMETER);

	build_fixture(&v, &fx_a_0);
	v.pic.pic_fields.bits.scaling_list_enabled_flag = 1;
	memset(&v.iq, 16, sizeof(v.iq));
	v.have_iq = true;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	v.iq.ScalingListDC32x32[1] = 0;
	ck_assert_uint_eq(translate(&v, &frame_mode),
			  VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "ScalingListDC32x32[1][0] = 0"));
	v.iq.ScalingList16x16[4][9] = 0;
	ck_assert_uint_eq(translate(&v, &frame_mode),
			  VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "ScalingList16x16[4][9] = 0"));
	/* scaling lists off: the matrices are not read */
	v.pic.pic_fields.bits.scaling_list_enabled_flag = 0;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	va_pic_free(&v);
}
END_TEST

/* SPS and PPS values past the spec's ranges (7.4.3.2.1, 7.4.3.3.1) on
 * the IDR picture of stream a (CTB 16, coding blocks 8..16, transform
 * blocks 4..16): refused naming the field. */
START_TEST(sps_pps_ranges)
{
	static const char *field[] = {
		"init_qp_minus26", "init_qp_minus26", "diff_cu_qp_delta_depth",
		"log2_parallel_merge_level_minus2",
		"log2_min_transform_block_size_minus2",
		"log2_min_transform_block_size_minus2",
		"max_transform_hierarchy_depth_inter/intra",
		"pcm_sample_bit_depth_luma/chroma_minus1",
		"log2_min_pcm_luma_coding_block_size_minus3",
	};
	struct va_pic v = { 0 };

	for (unsigned k = 0; k < sizeof(field) / sizeof(field[0]); k++) {
		build_fixture(&v, &fx_a_0);
		VAPictureParameterBufferHEVC *p = &v.pic;
		switch (k) {
		case 0: p->init_qp_minus26 = 26; break;
		case 1: p->init_qp_minus26 = -27; break;
		case 2: p->diff_cu_qp_delta_depth = 2; break;
		case 3: p->log2_parallel_merge_level_minus2 = 3; break;
		case 4: p->log2_min_transform_block_size_minus2 = 1; break;
		case 5: p->log2_diff_max_min_transform_block_size = 3; break;
		case 6: p->max_transform_hierarchy_depth_intra = 3; break;
		case 7: p->pic_fields.bits.pcm_enabled_flag = 1;
			p->log2_min_pcm_luma_coding_block_size_minus3 = 0;
			p->pcm_sample_bit_depth_chroma_minus1 = 8; break;
		case 8: p->pic_fields.bits.pcm_enabled_flag = 1;
			p->log2_min_pcm_luma_coding_block_size_minus3 = 0;
			p->log2_diff_max_min_pcm_luma_coding_block_size = 2; break;
		}
		last_log[0] = '\0';
		ck_assert_uint_eq(translate(&v, &frame_mode),
				  VA_STATUS_ERROR_INVALID_PARAMETER);
		ck_assert_msg(strstr(last_log, field[k]), "case %u: \"%s\"",
			      k, last_log);
	}
	/* PCM at its limits decodes */
	build_fixture(&v, &fx_a_0);
	v.pic.pic_fields.bits.pcm_enabled_flag = 1;
	v.pic.pcm_sample_bit_depth_luma_minus1 = 7;
	v.pic.log2_diff_max_min_pcm_luma_coding_block_size = 1;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	va_pic_free(&v);
}
END_TEST

START_TEST(fixture_truncated)
{
	const struct fx_picture *f = picture_at((unsigned)_i);

	for (unsigned i = 0; i < f->n_slices; i++) {
		for (unsigned len = 0; len < f->slices[i].header_raw_bytes; len++) {
			struct va_pic v = { 0 };

			build_fixture(&v, f);
			set_slice_data(&v, i, f->slices[i].bytes, len, len);
			log_errors = 0;
			ck_assert_uint_eq(translate(&v, &frame_mode),
					  VA_STATUS_ERROR_INVALID_PARAMETER);
			ck_assert_int_ge(log_errors, 1);
			ck_assert_ptr_nonnull(strstr(last_log, "slice"));
			va_pic_free(&v);
		}
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Reference handling                                                   */

static const struct fx_picture *first_with_refs(unsigned min_after)
{
	for (unsigned i = 0; i < n_fixture_pictures(); i++) {
		const struct fx_picture *f = picture_at(i);
		if (f->n_before && f->n_after >= min_after && f->slices[0].slice_type == 0)
			return f;
	}
	ck_abort_msg("no fixture B picture");
	return NULL;
}

/* VA's order reversed, for every fixture picture: the DPB follows it, the
 * RPS lists keep the slice header's order, the slices' lists follow the
 * DPB. */
START_TEST(dpb_order_follows_va)
{
	const struct fx_picture *f = picture_at((unsigned)_i);
	const struct v4l2_ctrl_hevc_decode_params *d;
	const struct v4l2_ctrl_hevc_slice_params *sp;
	struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan plan = { .controls = ctrls };
	unsigned n = f->n_refs;
	struct va_pic v = { 0 };

	build_fixture(&v, f);
	for (unsigned k = 0; k < n; k++) {
		v.pic.ReferenceFrames[k].picture_id = f->refs[n - 1 - k].surface;
		v.pic.ReferenceFrames[k].pic_order_cnt = f->refs[n - 1 - k].poc;
		v.pic.ReferenceFrames[k].flags = f->refs[n - 1 - k].flags;
	}
	for (unsigned i = 0; i < v.n_slices; i++)
		for (unsigned l = 0; l < 2; l++)
			for (unsigned k = 0; k < 15; k++)
				if (v.sp[i].RefPicList[l][k] != 0xff)
					v.sp[i].RefPicList[l][k] =
						(uint8_t)(n - 1 - v.sp[i].RefPicList[l][k]);
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
	d = ctrls[3].ptr;
	sp = ctrls[4].ptr;
	for (unsigned k = 0; k < n; k++)
		ck_assert_int_eq(d->dpb[k].pic_order_cnt_val, f->refs[n - 1 - k].poc);
	for (unsigned k = 0; k < f->n_before; k++)
		ck_assert_uint_eq(d->poc_st_curr_before[k], n - 1 - f->before[k]);
	for (unsigned k = 0; k < f->n_after; k++)
		ck_assert_uint_eq(d->poc_st_curr_after[k], n - 1 - f->after[k]);
	/* Nearest first. */
	for (unsigned k = 1; k < f->n_before; k++)
		ck_assert_int_gt(d->dpb[d->poc_st_curr_before[k - 1]].pic_order_cnt_val,
				 d->dpb[d->poc_st_curr_before[k]].pic_order_cnt_val);
	for (unsigned k = 1; k < f->n_after; k++)
		ck_assert_int_lt(d->dpb[d->poc_st_curr_after[k - 1]].pic_order_cnt_val,
				 d->dpb[d->poc_st_curr_after[k]].pic_order_cnt_val);
	for (unsigned i = 0; i < f->n_slices && f->slices[i].slice_type != 2; i++) {
		for (int k = 0; k <= f->slices[i].num_ref_idx_l0_active_minus1; k++)
			ck_assert_uint_eq(sp[i].ref_idx_l0[k],
					  n - 1 - f->slices[i].ref_pic_list[0][k]);
		for (int k = 0; f->slices[i].slice_type == 0 &&
		     k <= f->slices[i].num_ref_idx_l1_active_minus1; k++)
			ck_assert_uint_eq(sp[i].ref_idx_l1[k],
					  n - 1 - f->slices[i].ref_pic_list[1][k]);
	}
	va_pic_free(&v);
}
END_TEST

/* A used reference never decoded: an error naming it. */
START_TEST(unknown_used_reference)
{
	const struct fx_picture *f = first_with_refs(1);
	struct va_pic v = { 0 };

	build_fixture(&v, f);
	known_ts[f->refs[f->before[0]].surface] = 0;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_SURFACE);
	ck_assert_int_ge(log_errors, 1);
	ck_assert_ptr_nonnull(strstr(last_log, "never decoded"));
	va_pic_free(&v);
}
END_TEST

/* A reference kept only for later pictures and never decoded: left out of
 * the DPB, the others move up, the picture still decodes. */
START_TEST(unknown_unused_reference)
{
	const struct fx_picture *f = first_with_refs(1);
	const struct v4l2_ctrl_hevc_decode_params *d;
	struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan plan = { .controls = ctrls };
	struct va_pic v = { 0 };
	unsigned n = f->n_refs;

	build_fixture(&v, f);
	/* An extra entry in front, marked with no RPS flag. */
	memmove(&v.pic.ReferenceFrames[1], &v.pic.ReferenceFrames[0],
		n * sizeof(v.pic.ReferenceFrames[0]));
	v.pic.ReferenceFrames[0].picture_id = 0x1f0;
	v.pic.ReferenceFrames[0].pic_order_cnt = -8;
	v.pic.ReferenceFrames[0].flags = 0;
	for (unsigned i = 0; i < v.n_slices; i++)
		for (unsigned l = 0; l < 2; l++)
			for (unsigned k = 0; k < 15; k++)
				if (v.sp[i].RefPicList[l][k] != 0xff)
					v.sp[i].RefPicList[l][k]++;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	ck_assert_int_eq(log_errors, 0);
	ck_assert_ptr_nonnull(strstr(last_log, "left out"));
	va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
	d = ctrls[3].ptr;
	ck_assert_uint_eq(d->num_active_dpb_entries, n);
	for (unsigned k = 0; k < f->n_before; k++)
		ck_assert_uint_eq(d->poc_st_curr_before[k], f->before[k]);
	check_slice(f, 0, ctrls[4].ptr, 0, 0);
	va_pic_free(&v);
}
END_TEST

START_TEST(bad_ref_pic_list)
{
	const struct fx_picture *f = first_with_refs(1);
	struct va_pic v = { 0 };

	build_fixture(&v, f);
	v.sp[1].RefPicList[0][0] = 14;	/* an empty ReferenceFrames[] entry */
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "RefPicList[0][0]"));
	v.sp[1].RefPicList[0][0] = 0xff;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	v.sp[1].RefPicList[0][0] = 200;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	va_pic_free(&v);
}
END_TEST

START_TEST(bad_rps_flags)
{
	const struct fx_picture *f = first_with_refs(1);
	struct va_pic v = { 0 };

	build_fixture(&v, f);
	/* A "before" picture after the current one. */
	v.pic.ReferenceFrames[f->before[0]].pic_order_cnt = f->poc + 1;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	build_fixture(&v, f);
	v.pic.ReferenceFrames[f->before[0]].flags |= VA_PICTURE_HEVC_RPS_LT_CURR;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	build_fixture(&v, f);
	v.pic.ReferenceFrames[0].picture_id = f->surface;	/* the target */
	known_ts[f->surface] = ts_of(f->surface);
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "target"));
	/* ... unless it holds the first field of the field being decoded. */
	v.pic.CurrPic.flags = VA_PICTURE_HEVC_FIELD_PIC | VA_PICTURE_HEVC_BOTTOM_FIELD;
	for (unsigned k = 0; k < f->n_refs; k++)
		v.pic.ReferenceFrames[k].flags |= VA_PICTURE_HEVC_FIELD_PIC;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	{
		struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
		struct va_request_plan plan = { .controls = ctrls };
		const struct v4l2_ctrl_hevc_decode_params *d;
		const struct v4l2_ctrl_hevc_slice_params *sp;

		va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
		d = ctrls[3].ptr;
		sp = ctrls[4].ptr;
		ck_assert_uint_eq(d->dpb[0].timestamp, ts_of(f->surface));
		ck_assert_uint_eq(d->dpb[0].field_pic, V4L2_HEVC_SEI_PIC_STRUCT_TOP_FIELD);
		ck_assert_uint_eq(sp[0].pic_struct, V4L2_HEVC_SEI_PIC_STRUCT_BOTTOM_FIELD);
	}
	/* A B slice and no reference marked as used. */
	build_fixture(&v, f);
	for (unsigned k = 0; k < f->n_refs; k++)
		v.pic.ReferenceFrames[k].flags = 0;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "no reference"));
	va_pic_free(&v);
}
END_TEST

/* The header and VA disagreeing is an error, not a guess. */
START_TEST(va_and_header_disagree)
{
	const struct fx_picture *f = first_with_refs(1);
	struct va_pic v = { 0 };

	build_fixture(&v, f);
	v.sp[2].slice_segment_address++;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "slice_segment_address"));
	build_fixture(&v, f);
	v.sp[0].LongSliceFlags.fields.slice_type = 1;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	build_fixture(&v, f);
	v.sp[0].num_ref_idx_l0_active_minus1++;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	/* SPS values that are not the stream's: the header reads wrong. */
	build_fixture(&v, f);
	v.pic.log2_max_pic_order_cnt_lsb_minus4++;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	va_pic_free(&v);
}
END_TEST

START_TEST(bad_picture_parameters)
{
	const struct fx_picture *f = picture_at(0);
	struct va_pic v = { 0 };

	build_fixture(&v, f);
	v.pic.num_ref_idx_l0_default_active_minus1 = 15;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "num_ref_idx"));
	build_fixture(&v, f);
	v.pic.log2_diff_max_min_luma_coding_block_size = 7;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	build_fixture(&v, f);
	v.pic.num_short_term_ref_pic_sets = 65;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	build_fixture(&v, f);
	v.pic.pic_width_in_luma_samples = 0;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	build_fixture(&v, f);
	v.pic.bit_depth_luma_minus8 = 2;	/* 10 bit in a Main context */
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_UNSUPPORTED_PROFILE);
	/* Main 10 with pictures of another depth than the stream's: refused,
	 * never decoded into the wrong format. */
	build_fixture(&v, f);
	v.profile = VAProfileHEVCMain10;
	v.bit_depth = 10;	/* an 8-bit stream into 10-bit pictures */
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(last_log, "bit_depth_luma_minus8 = 0"));
	ck_assert_ptr_nonnull(strstr(last_log, "pictures have 10 bits"));
	build_fixture(&v, f);
	v.profile = VAProfileHEVCMain10;
	v.pic.bit_depth_luma_minus8 = 2;	/* 10-bit into 8-bit pictures */
	v.pic.bit_depth_chroma_minus8 = 2;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(last_log, "pictures have 8 bits"));
	build_fixture(&v, f);
	v.profile = VAProfileHEVCMain10;
	v.bit_depth = 10;
	v.pic.bit_depth_luma_minus8 = 2;	/* luma 10, chroma 8 */
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(last_log, "bit_depth_chroma_minus8 = 0"));
	build_fixture(&v, f);
	v.pic.pic_fields.bits.chroma_format_idc = 2;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_UNSUPPORTED_PROFILE);
	build_fixture(&v, f);
	v.sp[0].slice_data_flag = VA_SLICE_DATA_FLAG_BEGIN;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	build_fixture(&v, f);
	v.n_slices = 0;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_uint_eq(va_codec_hevc.request_count(state, &frame_mode), 0);
	va_pic_free(&v);
}
END_TEST

/* Random bytes as slice data, many times: never a crash, never a read
 * outside the data, and (VA's parameters then disagree) almost always an
 * error; a success must still give sane offsets. */
START_TEST(garbage)
{
	const struct fx_picture *f = first_with_refs(1);
	uint32_t seed = 12345;
	unsigned failures = 0, runs = 3000;

	for (unsigned r = 0; r < runs; r++) {
		struct va_pic v = { 0 };
		uint8_t buf[48];
		unsigned len;
		VAStatus st;

		build_fixture(&v, f);
		for (unsigned k = 0; k < sizeof(buf); k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = (uint8_t)(seed >> 16);
		}
		/* Keep a plausible NAL header half of the time. */
		if (r & 1)
			memcpy(buf, f->slices[0].bytes, 2);
		len = 1 + (seed >> 8) % sizeof(buf);
		set_slice_data(&v, 0, buf, len, len);
		st = translate(&v, &frame_mode);
		if (st != VA_STATUS_SUCCESS) {
			failures++;
		} else {
			struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
			struct va_request_plan plan = { .controls = ctrls };
			const struct v4l2_ctrl_hevc_slice_params *sp;

			va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
			sp = ctrls[4].ptr;
			ck_assert_uint_le(sp[0].data_byte_offset, len);
		}
		va_pic_free(&v);
	}
	ck_assert_uint_ge(failures, runs * 99 / 100);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Scaling lists                                                        */

/* 6.5.3, written out again here: raster position of the i-th
 * coefficient in up-right diagonal order. */
static void diag_scan(unsigned size, unsigned pos[64])
{
	int x = 0, y = 0;
	unsigned i = 0;

	while (i < size * size) {
		while (y >= 0) {
			if (x < (int)size && y < (int)size)
				pos[i++] = (unsigned)y * size + (unsigned)x;
			y--;
			x++;
		}
		y = x;
		x = 0;
	}
}

static const struct fx_picture *main10_picture(void)
{
	for (unsigned i = 0; i < n_fixture_pictures(); i++)
		if (picture_at(i)->stream->scaling_list_enabled_flag)
			return picture_at(i);
	ck_abort_msg("no fixture with scaling lists");
	return NULL;
}

static const struct v4l2_ctrl_hevc_scaling_matrix *scaling_of(void)
{
	struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan plan = { .controls = ctrls };

	va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
	ck_assert_uint_eq(ctrls[2].id, V4L2_CID_STATELESS_HEVC_SCALING_MATRIX);
	return ctrls[2].ptr;
}

/* VA's lists in coded (up-right diagonal) order become raster order;
 * 32x32 and DC lists keep their two/six entries in order. */
START_TEST(scaling_matrix_from_va)
{
	const struct fx_picture *f = main10_picture();
	const struct v4l2_ctrl_hevc_scaling_matrix *m;
	unsigned p4[64], p8[64];
	struct va_pic v = { 0 };

	diag_scan(4, p4);
	diag_scan(8, p8);
	build_fixture(&v, f);
	v.have_iq = true;
	for (unsigned i = 0; i < 6; i++) {
		for (unsigned j = 0; j < 16; j++)
			v.iq.ScalingList4x4[i][j] = (uint8_t)(1 + i * 16 + j);
		for (unsigned j = 0; j < 64; j++) {
			v.iq.ScalingList8x8[i][j] = (uint8_t)(1 + i + j);
			v.iq.ScalingList16x16[i][j] = (uint8_t)(100 + i + j);
		}
		v.iq.ScalingListDC16x16[i] = (uint8_t)(200 + i);
	}
	for (unsigned i = 0; i < 2; i++) {
		for (unsigned j = 0; j < 64; j++)
			v.iq.ScalingList32x32[i][j] = (uint8_t)(50 + 64 * i + j);
		v.iq.ScalingListDC32x32[i] = (uint8_t)(240 + i);
	}
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	m = scaling_of();
	for (unsigned i = 0; i < 6; i++) {
		for (unsigned j = 0; j < 16; j++)
			ck_assert_uint_eq(m->scaling_list_4x4[i][p4[j]], 1 + i * 16 + j);
		for (unsigned j = 0; j < 64; j++) {
			ck_assert_uint_eq(m->scaling_list_8x8[i][p8[j]], 1 + i + j);
			ck_assert_uint_eq(m->scaling_list_16x16[i][p8[j]], 100 + i + j);
		}
		ck_assert_uint_eq(m->scaling_list_dc_coef_16x16[i], 200 + i);
	}
	for (unsigned i = 0; i < 2; i++) {
		for (unsigned j = 0; j < 64; j++)
			ck_assert_uint_eq(m->scaling_list_32x32[i][p8[j]], 50 + 64 * i + j);
		ck_assert_uint_eq(m->scaling_list_dc_coef_32x32[i], 240 + i);
	}
	/* Row 0 of a 4x4 list in raster order: coded positions 0, 2, 5, 9. */
	ck_assert_uint_eq(m->scaling_list_4x4[0][0], 1);
	ck_assert_uint_eq(m->scaling_list_4x4[0][1], 3);
	ck_assert_uint_eq(m->scaling_list_4x4[0][2], 6);
	ck_assert_uint_eq(m->scaling_list_4x4[0][3], 10);
	ck_assert_uint_eq(m->scaling_list_4x4[0][4], 2);
	va_pic_free(&v);
}
END_TEST

/* Scaling lists on and no matrix sent: the default lists of Table 7-6. */
START_TEST(scaling_matrix_default)
{
	const struct fx_picture *f = main10_picture();
	const struct v4l2_ctrl_hevc_scaling_matrix *m;
	struct va_pic v = { 0 };

	build_fixture(&v, f);
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	m = scaling_of();
	for (unsigned i = 0; i < 6; i++) {
		for (unsigned j = 0; j < 16; j++)
			ck_assert_uint_eq(m->scaling_list_4x4[i][j], 16);
		ck_assert_uint_eq(m->scaling_list_dc_coef_16x16[i], 16);
	}
	/* Raster corners and a row of Table 7-6's intra and inter lists. */
	ck_assert_uint_eq(m->scaling_list_8x8[0][0], 16);
	ck_assert_uint_eq(m->scaling_list_8x8[0][63], 115);
	ck_assert_uint_eq(m->scaling_list_8x8[3][63], 91);
	ck_assert_uint_eq(m->scaling_list_16x16[2][63], 115);
	ck_assert_uint_eq(m->scaling_list_32x32[0][63], 115);
	ck_assert_uint_eq(m->scaling_list_32x32[1][63], 91);
	ck_assert_uint_eq(m->scaling_list_8x8[0][7], 24);	/* (7,0): coded 28 */
	ck_assert_uint_eq(m->scaling_list_8x8[0][56], 24);	/* symmetric */
	ck_assert_uint_eq(m->scaling_list_8x8[3][7], 24);
	ck_assert_uint_eq(m->scaling_list_dc_coef_32x32[0], 16);
	ck_assert_uint_eq(m->scaling_list_dc_coef_32x32[1], 16);
	va_pic_free(&v);
}
END_TEST

START_TEST(scaling_matrix_off)
{
	const struct fx_picture *f = picture_at(0);
	static const struct v4l2_ctrl_hevc_scaling_matrix zero;
	struct va_pic v = { 0 };

	ck_assert(!f->stream->scaling_list_enabled_flag);
	build_fixture(&v, f);
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	ck_assert_mem_eq(scaling_of(), &zero, sizeof(zero));
	va_pic_free(&v);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Controls, plans and profiles                                         */

static uint32_t control_bit(uint32_t cid)
{
	const struct v4l2r_codec_desc *desc = v4l2r_codec_get(V4L2R_CODEC_HEVC);

	for (unsigned i = 0; i < desc->n_controls; i++)
		if (desc->controls[i].id == cid)
			return 1u << i;
	ck_abort_msg("no such control");
	return 0;
}

/* A frame-based device without SLICE_PARAMS (Hantro) or without
 * ENTRY_POINT_OFFSETS gets requests without them. */
START_TEST(optional_controls)
{
	const struct fx_picture *f = picture_at(1);
	uint32_t required = control_bit(V4L2_CID_STATELESS_HEVC_SPS) |
		control_bit(V4L2_CID_STATELESS_HEVC_PPS) |
		control_bit(V4L2_CID_STATELESS_HEVC_SCALING_MATRIX) |
		control_bit(V4L2_CID_STATELESS_HEVC_DECODE_PARAMS);
	struct v4l2r_decode_mode mode = { .controls_present = required };
	struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan plan = { .controls = ctrls };
	struct va_pic v = { 0 };

	ck_assert_uint_gt(f->slices[0].num_entry_point_offsets, 0);
	build_fixture(&v, f);
	ck_assert_uint_eq(translate(&v, &mode), VA_STATUS_SUCCESS);
	va_codec_hevc.plan_request(state, &mode, 0, &plan);
	ck_assert_uint_eq(plan.n_controls, 4);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_ne(ctrls[i].id, V4L2_CID_STATELESS_HEVC_SLICE_PARAMS);

	mode.controls_present = required |
		control_bit(V4L2_CID_STATELESS_HEVC_SLICE_PARAMS);
	ck_assert_uint_eq(translate(&v, &mode), VA_STATUS_SUCCESS);
	va_codec_hevc.plan_request(state, &mode, 0, &plan);
	ck_assert_uint_eq(plan.n_controls, 5);
	ck_assert_uint_eq(ctrls[4].id, V4L2_CID_STATELESS_HEVC_SLICE_PARAMS);

	mode.controls_present |= control_bit(V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS);
	ck_assert_uint_eq(translate(&v, &mode), VA_STATUS_SUCCESS);
	va_codec_hevc.plan_request(state, &mode, 0, &plan);
	ck_assert_uint_eq(plan.n_controls, 6);
	ck_assert_uint_eq(ctrls[5].id, V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS);
	va_pic_free(&v);
}
END_TEST

START_TEST(profiles)
{
	VAProfile p[4];

	ck_assert_uint_eq(va_codec_hevc.profiles(0, p, 4), 1);
	ck_assert_int_eq(p[0], VAProfileHEVCMain);
	ck_assert_uint_eq(va_codec_hevc.profiles(1u << V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN,
						 p, 4), 1);
	ck_assert_int_eq(p[0], VAProfileHEVCMain);
	ck_assert_uint_eq(va_codec_hevc.profiles(
				  (1u << V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN) |
				  (1u << V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN_STILL_PICTURE) |
				  (1u << V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN_10), p, 4), 2);
	ck_assert_int_eq(p[0], VAProfileHEVCMain);
	ck_assert_int_eq(p[1], VAProfileHEVCMain10);
	ck_assert_uint_eq(va_codec_hevc.profiles(
				  1u << V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN_10, p, 1), 1);
	ck_assert_int_eq(p[0], VAProfileHEVCMain);
	/* Only Main Still Picture: not a Main decoder. */
	ck_assert_uint_eq(va_codec_hevc.profiles(
				  1u << V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN_STILL_PICTURE,
				  p, 4), 0);
	ck_assert_uint_eq(va_codec_hevc.pic_param_size,
			  sizeof(VAPictureParameterBufferHEVC));
	ck_assert_uint_eq(va_codec_hevc.slice_param_size,
			  sizeof(VASliceParameterBufferHEVC));
	ck_assert_uint_eq(va_codec_hevc.iq_matrix_size, sizeof(VAIQMatrixBufferHEVC));
	ck_assert_int_eq(va_codec_hevc.codec, V4L2R_CODEC_HEVC);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Synthetic slice headers                                              */

struct bw {
	uint8_t buf[256];
	unsigned bits;
};

static void put(struct bw *w, uint32_t v, unsigned n)
{
	while (n--) {
		if (v >> n & 1)
			w->buf[w->bits / 8] |= (uint8_t)(0x80 >> (w->bits % 8));
		w->bits++;
	}
}

static void put_ue(struct bw *w, uint32_t v)
{
	uint64_t code = (uint64_t)v + 1;
	unsigned len = 0;

	while (code >> (len + 1))
		len++;
	put(w, 0, len);
	put(w, (uint32_t)code, len + 1);
}

static void put_se(struct bw *w, int32_t v)
{
	put_ue(w, v > 0 ? 2 * (uint32_t)v - 1 : 2 * (uint32_t)(-(int64_t)v));
}

/* byte_alignment(), then emulation prevention over the whole NAL, then a
 * few bytes of "slice data". Returns the NAL size; *header_raw the raw
 * size of NAL header + slice header. */
static unsigned finish_nal(struct bw *w, uint8_t *out, unsigned *header_raw)
{
	unsigned n, o = 0, zeros = 0;

	put(w, 1, 1);
	while (w->bits % 8)
		put(w, 0, 1);
	n = w->bits / 8;
	for (unsigned i = 0; i < n; i++) {
		if (zeros >= 2 && w->buf[i] <= 3) {
			out[o++] = 3;
			zeros = 0;
		}
		out[o++] = w->buf[i];
		zeros = w->buf[i] == 0 ? zeros + 1 : 0;
	}
	*header_raw = o;
	out[o++] = 0xa5;
	out[o++] = 0x3c;
	out[o++] = 0x80;
	return o;
}

/* A 64x64 picture of 16x16 CTBs (16 of them), 8-bit 4:2:0. */
static void syn_pic(struct va_pic *v)
{
	static const struct fx_stream s = {
		.pic_width_in_luma_samples = 64, .pic_height_in_luma_samples = 64,
		.chroma_format_idc = 1, .log2_max_pic_order_cnt_lsb_minus4 = 4,
		.sps_max_dec_pic_buffering_minus1 = 5,
		.log2_diff_max_min_luma_coding_block_size = 1,
		.log2_diff_max_min_luma_transform_block_size = 2,
		.sps_temporal_mvp_enabled_flag = 1,
	};

	va_pic_free(v);
	memset(v, 0, sizeof(*v));
	build_stream_params(&v->pic, &s);
	v->profile = VAProfileHEVCMain;
	v->bit_depth = 8;
	v->target = 0x1a0;
	v->pic.CurrPic.picture_id = v->target;
	for (unsigned i = 0; i < 15; i++)
		empty_ref(&v->pic.ReferenceFrames[i]);
	v->n_slices = 1;
	v->sp[0].slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
	memset(v->sp[0].RefPicList, 0xff, sizeof(v->sp[0].RefPicList));
}

static void add_ref(struct va_pic *v, unsigned k, VASurfaceID s, int32_t poc,
		    uint32_t flags)
{
	v->pic.ReferenceFrames[k].picture_id = s;
	v->pic.ReferenceFrames[k].pic_order_cnt = poc;
	v->pic.ReferenceFrames[k].flags = flags;
	known_ts[s] = ts_of(s);
}

static const struct v4l2_ctrl_hevc_slice_params *syn_slice(unsigned i)
{
	struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan plan = { .controls = ctrls };

	va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
	return (const struct v4l2_ctrl_hevc_slice_params *)ctrls[4].ptr + i;
}

static const struct v4l2_ctrl_hevc_decode_params *syn_decode(void)
{
	struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan plan = { .controls = ctrls };

	va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
	return ctrls[3].ptr;
}

/* A P slice using the SPS's reference picture set idx, with long-term
 * pictures from the SPS candidates and from the slice header, and a
 * modified list. Two long-term pictures are matched by POC to put
 * PocLtCurr in the header's order, whatever VA's order. */
START_TEST(syn_sps_rps_long_term_list_modification)
{
	struct va_pic v = { 0 };
	struct bw w = { 0 };
	uint8_t nal[64];
	unsigned raw, size, lt_start, lt_end;
	const struct v4l2_ctrl_hevc_decode_params *d;
	const struct v4l2_ctrl_hevc_slice_params *sp;

	syn_pic(&v);
	v.pic.num_short_term_ref_pic_sets = 5;
	v.pic.num_long_term_ref_pic_sps = 3;
	v.pic.slice_parsing_fields.bits.long_term_ref_pics_present_flag = 1;
	v.pic.slice_parsing_fields.bits.lists_modification_present_flag = 1;
	v.pic.CurrPic.pic_order_cnt = 264;	/* lsb 8 of 256, msb 256 */
	/* VA order: lt POC 3, st POC 262, lt POC 20 (not used), lt POC 7,
	 * lt POC 263 (the SPS candidate the header picks). */
	add_ref(&v, 0, 0x110, 3, VA_PICTURE_HEVC_LONG_TERM_REFERENCE |
		VA_PICTURE_HEVC_RPS_LT_CURR);
	add_ref(&v, 1, 0x111, 262, VA_PICTURE_HEVC_RPS_ST_CURR_BEFORE);
	add_ref(&v, 2, 0x112, 20, VA_PICTURE_HEVC_LONG_TERM_REFERENCE);
	add_ref(&v, 3, 0x113, 7, VA_PICTURE_HEVC_LONG_TERM_REFERENCE |
		VA_PICTURE_HEVC_RPS_LT_CURR);
	add_ref(&v, 4, 0x114, 263, VA_PICTURE_HEVC_LONG_TERM_REFERENCE |
		VA_PICTURE_HEVC_RPS_LT_CURR);

	put(&w, 0, 1); put(&w, 1, 6); put(&w, 0, 6); put(&w, 1, 3);	/* TRAIL_R */
	put(&w, 1, 1);		/* first_slice_segment_in_pic_flag */
	put_ue(&w, 0);		/* pps id */
	put_ue(&w, 1);		/* P */
	put(&w, 8, 8);		/* slice_pic_order_cnt_lsb */
	put(&w, 1, 1);		/* short_term_ref_pic_set_sps_flag */
	put(&w, 4, 3);		/* short_term_ref_pic_set_idx: Ceil(Log2(5)) */
	lt_start = w.bits;
	put_ue(&w, 1);		/* num_long_term_sps */
	put_ue(&w, 2);		/* num_long_term_pics */
	put(&w, 2, 2);		/* lt_idx_sps[0] */
	put(&w, 1, 1);		/* delta_poc_msb_present_flag[0] */
	put_ue(&w, 1);		/* delta_poc_msb_cycle_lt[0] */
	put(&w, 3, 8);		/* poc_lsb_lt[1] = 3 */
	put(&w, 1, 1);		/* used_by_curr_pic_lt_flag[1] */
	put(&w, 1, 1);		/* delta_poc_msb_present_flag[1] */
	put_ue(&w, 1);		/* DeltaPocMsbCycleLt[1] = 1: 264-256-(8-3) = 3 */
	put(&w, 7, 8);		/* poc_lsb_lt[2] = 7 */
	put(&w, 1, 1);		/* used */
	put(&w, 1, 1);		/* delta_poc_msb_present_flag[2] */
	put_ue(&w, 0);		/* DeltaPocMsbCycleLt[2] = 0 + 1 (7-52): POC 7 */
	lt_end = w.bits;
	put(&w, 1, 1);		/* slice_temporal_mvp_enabled_flag */
	put(&w, 1, 1);		/* num_ref_idx_active_override_flag */
	put_ue(&w, 2);		/* num_ref_idx_l0_active_minus1 */
	put(&w, 1, 1);		/* ref_pic_list_modification_flag_l0 */
	put(&w, 2, 2);		/* list_entry_l0[0..2]: Ceil(Log2(4)) bits */
	put(&w, 0, 2);
	put(&w, 1, 2);
	put_ue(&w, 1);		/* collocated_ref_idx (from l0) */
	put_ue(&w, 0);		/* five_minus_max_num_merge_cand */
	put_se(&w, -3);		/* slice_qp_delta */
	size = finish_nal(&w, nal, &raw);

	set_slice_data(&v, 0, nal, size, size);
	v.sp[0].LongSliceFlags.fields.slice_type = 1;
	v.sp[0].num_ref_idx_l0_active_minus1 = 2;
	v.sp[0].slice_qp_delta = -3;
	v.sp[0].RefPicList[0][0] = 3;
	v.sp[0].RefPicList[0][1] = 1;
	v.sp[0].RefPicList[0][2] = 0;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	d = syn_decode();
	sp = syn_slice(0);
	ck_assert_uint_eq(d->short_term_ref_pic_set_size, 0);
	ck_assert_uint_eq(d->long_term_ref_pic_set_size, lt_end - lt_start);
	ck_assert_uint_eq(sp->long_term_ref_pic_set_size, lt_end - lt_start);
	ck_assert_uint_eq(d->num_active_dpb_entries, 5);
	ck_assert_uint_eq(d->dpb[0].flags, V4L2_HEVC_DPB_ENTRY_LONG_TERM_REFERENCE);
	ck_assert_uint_eq(d->dpb[1].flags, 0);
	ck_assert_uint_eq(d->num_poc_st_curr_before, 1);
	ck_assert_uint_eq(d->poc_st_curr_before[0], 1);
	/* The header's order: the SPS candidate (the picture left over),
	 * POC 3, POC 7; not VA's. */
	ck_assert_uint_eq(d->num_poc_lt_curr, 3);
	ck_assert_uint_eq(d->poc_lt_curr[0], 4);
	ck_assert_uint_eq(d->poc_lt_curr[1], 0);
	ck_assert_uint_eq(d->poc_lt_curr[2], 3);
	ck_assert_uint_eq(d->poc_lt_curr[3], 0xff);
	ck_assert_uint_eq(sp->num_ref_idx_l0_active_minus1, 2);
	ck_assert_uint_eq(sp->ref_idx_l0[0], 3);
	ck_assert_uint_eq(sp->ref_idx_l0[1], 1);
	ck_assert_uint_eq(sp->ref_idx_l0[2], 0);
	ck_assert_uint_eq(sp->ref_idx_l0[3], 0xff);
	ck_assert_uint_eq(sp->collocated_ref_idx, 1);
	ck_assert_uint_eq(sp->data_byte_offset, raw);
	ck_assert_uint_eq(sp->bit_size, size * 8);

	/* short_term_ref_pic_set_idx past the SPS's sets. */
	v.pic.num_short_term_ref_pic_sets = 4;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	v.pic.num_short_term_ref_pic_sets = 5;
	/* lt_idx_sps[0] = 3 (its two bits set), past the 3 candidates. No
	 * emulation prevention byte in this header: bit positions are raw. */
	ck_assert_uint_eq(raw, w.bits / 8);
	for (unsigned b = lt_start + 6; b < lt_start + 8; b++)
		nal[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	set_slice_data(&v, 0, nal, size, size);
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "lt_idx_sps"));
	va_pic_free(&v);
}
END_TEST

/* The slice's own RPS predicted from an SPS set: its size comes from VA's
 * st_rps_bits, NumDeltaPocs[RefRpsIdx] from where that leaves the loop. */
START_TEST(syn_inter_rps_prediction)
{
	struct va_pic v = { 0 };
	struct bw w = { 0 };
	uint8_t nal[64];
	unsigned raw, size, st_start, st_end;
	const struct v4l2_ctrl_hevc_decode_params *d;

	syn_pic(&v);
	v.pic.num_short_term_ref_pic_sets = 2;
	v.pic.CurrPic.pic_order_cnt = 9;
	add_ref(&v, 0, 0x120, 8, VA_PICTURE_HEVC_RPS_ST_CURR_BEFORE);

	put(&w, 0, 1); put(&w, 1, 6); put(&w, 0, 6); put(&w, 1, 3);
	put(&w, 1, 1);
	put_ue(&w, 0);
	put_ue(&w, 1);		/* P */
	put(&w, 9, 8);
	put(&w, 0, 1);		/* short_term_ref_pic_set_sps_flag */
	st_start = w.bits;
	put(&w, 1, 1);		/* inter_ref_pic_set_prediction_flag */
	put_ue(&w, 1);		/* delta_idx_minus1: RefRpsIdx 0 */
	put(&w, 1, 1);		/* delta_rps_sign */
	put_ue(&w, 0);		/* abs_delta_rps_minus1 */
	/* NumDeltaPocs[0] = 3: four (used, use_delta) entries. */
	put(&w, 1, 1);
	put(&w, 0, 1); put(&w, 1, 1);
	put(&w, 0, 1); put(&w, 0, 1);
	put(&w, 1, 1);
	st_end = w.bits;
	put(&w, 0, 1);		/* slice_temporal_mvp_enabled_flag */
	put(&w, 0, 1);		/* no override */
	put_ue(&w, 0);		/* five_minus */
	put_se(&w, 2);		/* qp delta */
	size = finish_nal(&w, nal, &raw);

	set_slice_data(&v, 0, nal, size, size);
	v.sp[0].LongSliceFlags.fields.slice_type = 1;
	v.sp[0].slice_qp_delta = 2;
	v.sp[0].RefPicList[0][0] = 0;
	v.pic.st_rps_bits = st_end - st_start;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	d = syn_decode();
	ck_assert_uint_eq(d->short_term_ref_pic_set_size, st_end - st_start);
	ck_assert_uint_eq(d->num_delta_pocs_of_ref_rps_idx, 3);
	ck_assert_uint_eq(syn_slice(0)->short_term_ref_pic_set_size, st_end - st_start);
	ck_assert_uint_eq(syn_slice(0)->data_byte_offset, raw);

	/* Without st_rps_bits the set cannot be walked. */
	v.pic.st_rps_bits = 0;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "st_rps_bits"));
	/* Nor with one that ends inside an entry. */
	v.pic.st_rps_bits = st_end - st_start - 2;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	/* delta_idx_minus1 naming a set before the first. */
	v.pic.st_rps_bits = st_end - st_start;
	v.pic.num_short_term_ref_pic_sets = 1;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_log, "delta_idx_minus1"));
	va_pic_free(&v);
}
END_TEST

/* IDR with everything optional switched on: extra slice header bits,
 * pic_output_flag, slice QP offsets, deblocking override, an extension,
 * and a second, dependent slice segment. The first header has 00 00 in it
 * (slice_qp_delta 0 after zero bits), so an emulation prevention byte too. */
START_TEST(syn_dependent_extension_epb)
{
	struct va_pic v = { 0 };
	struct bw w = { 0 };
	uint8_t nal0[64], nal1[64];
	unsigned raw0, raw1, size0, size1, rbsp0, rbsp1;
	const struct v4l2_ctrl_hevc_slice_params *sp0, *sp1;
	const struct v4l2_ctrl_hevc_decode_params *d;

	syn_pic(&v);
	v.pic.num_extra_slice_header_bits = 2;
	v.pic.slice_parsing_fields.bits.output_flag_present_flag = 1;
	v.pic.slice_parsing_fields.bits.pps_slice_chroma_qp_offsets_present_flag = 1;
	v.pic.slice_parsing_fields.bits.deblocking_filter_override_enabled_flag = 1;
	v.pic.slice_parsing_fields.bits.slice_segment_header_extension_present_flag = 1;
	v.pic.slice_parsing_fields.bits.dependent_slice_segments_enabled_flag = 1;
	v.pic.pic_fields.bits.tiles_enabled_flag = 1;
	v.pic.num_tile_columns_minus1 = 1;
	v.pic.num_tile_rows_minus1 = 1;
	v.pic.column_width_minus1[0] = 1;	/* 2 + 2 of 4 CTBs: uniform */
	v.pic.row_height_minus1[0] = 0;		/* 1 + 3: not uniform */
	v.pic.pps_beta_offset_div2 = 2;

	put(&w, 0, 1); put(&w, 19, 6); put(&w, 0, 6); put(&w, 1, 3);	/* IDR_W_RADL */
	put(&w, 1, 1);		/* first */
	put(&w, 1, 1);		/* no_output_of_prior_pics_flag */
	put_ue(&w, 0);
	put(&w, 0, 2);		/* slice_reserved_flag x2 */
	put_ue(&w, 2);		/* I */
	put(&w, 0, 1);		/* pic_output_flag */
	put_se(&w, 0);		/* slice_qp_delta: "1" */
	put_se(&w, -2);		/* cb */
	put_se(&w, 3);		/* cr */
	put(&w, 1, 1);		/* deblocking_filter_override_flag */
	put(&w, 0, 1);		/* slice_deblocking_filter_disabled_flag */
	put_se(&w, -1);		/* beta */
	put_se(&w, 4);		/* tc */
	put_ue(&w, 1);		/* num_entry_point_offsets (tiles) */
	put_ue(&w, 15);		/* offset_len_minus1 */
	put(&w, 0, 16);		/* entry_point_offset_minus1[0] = 0: zeros */
	put_ue(&w, 3);		/* slice_segment_header_extension_length */
	put(&w, 0, 8);
	put(&w, 0, 8);
	put(&w, 0, 8);		/* then 00 00 01: an emulation prevention byte */
	size0 = finish_nal(&w, nal0, &raw0);
	rbsp0 = w.bits / 8;
	/* Two zero bytes after the NAL unit, as a client may hand over the
	 * zero_byte of the next start code: not the slice's. */
	nal0[size0++] = 0;
	nal0[size0++] = 0;

	memset(&w, 0, sizeof(w));
	put(&w, 0, 1); put(&w, 19, 6); put(&w, 0, 6); put(&w, 1, 3);
	put(&w, 0, 1);		/* not first */
	put(&w, 0, 1);		/* no_output_of_prior_pics_flag */
	put_ue(&w, 0);
	put(&w, 1, 1);		/* dependent_slice_segment_flag */
	put(&w, 8, 4);		/* slice_segment_address: Ceil(Log2(16)) */
	put_ue(&w, 0);		/* num_entry_point_offsets */
	put_ue(&w, 0);		/* extension length */
	size1 = finish_nal(&w, nal1, &raw1);
	rbsp1 = w.bits / 8;

	v.n_slices = 2;
	v.sp[1] = v.sp[0];
	set_slice_data(&v, 0, nal0, size0, size0);
	set_slice_data(&v, 1, nal1, size1, size1);
	v.sp[0].LongSliceFlags.fields.slice_type = 2;
	v.sp[1].LongSliceFlags.fields.slice_type = 2;
	v.sp[1].LongSliceFlags.fields.dependent_slice_segment_flag = 1;
	v.sp[1].slice_segment_address = 8;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	ck_assert_int_eq(log_errors, 0);

	d = syn_decode();
	sp0 = syn_slice(0);
	sp1 = syn_slice(1);
	ck_assert_uint_eq(d->flags, V4L2_HEVC_DECODE_PARAM_FLAG_IRAP_PIC |
			  V4L2_HEVC_DECODE_PARAM_FLAG_IDR_PIC |
			  V4L2_HEVC_DECODE_PARAM_FLAG_NO_OUTPUT_OF_PRIOR);
	/* The emulation prevention bytes are left out of the offset, as
	 * Cedrus's bit reader skips them; the trailing zero bytes out of the
	 * size. */
	ck_assert_uint_gt(raw0, rbsp0);
	ck_assert_uint_eq(sp0->data_byte_offset, rbsp0);
	ck_assert_uint_eq(sp0->bit_size, (size0 - 2) * 8);
	ck_assert_uint_eq(sp1->bit_size, size1 * 8);
	ck_assert_uint_eq(sp0->nal_unit_type, 19);
	ck_assert_int_eq(sp0->slice_cb_qp_offset, -2);
	ck_assert_int_eq(sp0->slice_cr_qp_offset, 3);
	ck_assert_int_eq(sp0->slice_beta_offset_div2, -1);
	ck_assert_int_eq(sp0->slice_tc_offset_div2, 4);
	ck_assert_uint_eq(sp0->num_entry_point_offsets, 1);
	ck_assert_uint_eq(sp0->flags, V4L2_HEVC_SLICE_PARAMS_FLAG_COLLOCATED_FROM_L0);
	/* The dependent one takes the independent one's values. */
	ck_assert_uint_eq(sp1->data_byte_offset, size0 + rbsp1);
	ck_assert_uint_eq(sp1->slice_segment_addr, 8);
	ck_assert_int_eq(sp1->slice_cb_qp_offset, -2);
	ck_assert_int_eq(sp1->slice_tc_offset_div2, 4);
	ck_assert_uint_eq(sp1->num_entry_point_offsets, 0);
	ck_assert_uint_eq(sp1->flags, V4L2_HEVC_SLICE_PARAMS_FLAG_COLLOCATED_FROM_L0 |
			  V4L2_HEVC_SLICE_PARAMS_FLAG_DEPENDENT_SLICE_SEGMENT);

	/* PPS: deblocking control present (override / offsets), tiles with
	 * the last column and row derived, not uniform. */
	{
		struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
		struct va_request_plan plan = { .controls = ctrls };
		const struct v4l2_ctrl_hevc_pps *pps;
		const uint32_t *ep;

		va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
		pps = ctrls[1].ptr;
		ck_assert(pps->flags & V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT);
		ck_assert(pps->flags & V4L2_HEVC_PPS_FLAG_TILES_ENABLED);
		ck_assert(!(pps->flags & V4L2_HEVC_PPS_FLAG_UNIFORM_SPACING));
		ck_assert_uint_eq(pps->column_width_minus1[0], 1);
		ck_assert_uint_eq(pps->column_width_minus1[1], 1);
		ck_assert_uint_eq(pps->row_height_minus1[0], 0);
		ck_assert_uint_eq(pps->row_height_minus1[1], 2);
		ck_assert_uint_eq(plan.n_controls, 6);
		ck_assert_uint_eq(ctrls[5].size, sizeof(uint32_t));
		ep = ctrls[5].ptr;
		ck_assert_uint_eq(ep[0], 1);
	}

	/* A dependent slice segment first: nothing to depend on. */
	{
		struct va_pic v2 = { 0 };

		syn_pic(&v2);
		memcpy(&v2.pic, &v.pic, sizeof(v.pic));
		set_slice_data(&v2, 0, nal1, size1, size1);
		v2.sp[0] = v.sp[1];
		ck_assert_uint_eq(translate(&v2, &frame_mode),
				  VA_STATUS_ERROR_INVALID_PARAMETER);
		ck_assert_ptr_nonnull(strstr(last_log, "dependent"));
		va_pic_free(&v2);
	}
	/* Tiles that do not fit the picture. */
	v.pic.column_width_minus1[0] = 3;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	va_pic_free(&v);
}
END_TEST

/* Out-of-range values in headers: num_ref_idx, nal_unit_type, layer,
 * slice_type, alignment. */
START_TEST(syn_out_of_range)
{
	static const struct {
		const char *what;
		unsigned nal_type, layer, tid, slice_type, num_ref_idx;
		bool bad_alignment;
		VAStatus expect;
	} cases[] = {
		{ "num_ref_idx_l0_active_minus1", 1, 0, 1, 1, 15, false,
		  VA_STATUS_ERROR_INVALID_PARAMETER },
		{ "not a coded slice", 32, 0, 1, 1, 0, false,
		  VA_STATUS_ERROR_INVALID_PARAMETER },
		{ "not a coded slice", 12, 0, 1, 1, 0, false,
		  VA_STATUS_ERROR_INVALID_PARAMETER },
		{ "nuh_layer_id", 1, 1, 1, 1, 0, false,
		  VA_STATUS_ERROR_INVALID_PARAMETER },
		{ "nuh_temporal_id_plus1", 1, 0, 0, 1, 0, false,
		  VA_STATUS_ERROR_INVALID_PARAMETER },
		{ "slice_type", 1, 0, 1, 3, 0, false,
		  VA_STATUS_ERROR_INVALID_PARAMETER },
		{ "alignment", 1, 0, 1, 1, 0, true,
		  VA_STATUS_ERROR_INVALID_PARAMETER },
		{ NULL, 1, 0, 1, 1, 0, false, VA_STATUS_SUCCESS },
	};

	for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct va_pic v = { 0 };
		struct bw w = { 0 };
		uint8_t nal[64];
		unsigned raw, size;

		syn_pic(&v);
		v.pic.CurrPic.pic_order_cnt = 2;
		add_ref(&v, 0, 0x130, 1, VA_PICTURE_HEVC_RPS_ST_CURR_BEFORE);
		put(&w, 0, 1);
		put(&w, cases[c].nal_type, 6);
		put(&w, cases[c].layer, 6);
		put(&w, cases[c].tid, 3);
		put(&w, 1, 1);
		put_ue(&w, 0);
		put_ue(&w, cases[c].slice_type);
		put(&w, 2, 8);		/* poc lsb */
		put(&w, 0, 1);		/* own RPS */
		put_ue(&w, 1);		/* one negative */
		put_ue(&w, 0);
		put_ue(&w, 0);		/* delta 1 */
		put(&w, 1, 1);		/* used */
		put(&w, 0, 1);		/* no tmvp */
		put(&w, 1, 1);		/* override */
		put_ue(&w, cases[c].num_ref_idx);
		put_ue(&w, 0);
		put_se(&w, 0);
		size = finish_nal(&w, nal, &raw);
		if (cases[c].bad_alignment)
			nal[raw - 1] = 0x40;	/* 1 bit one position early */
		set_slice_data(&v, 0, nal, size, size);
		v.sp[0].LongSliceFlags.fields.slice_type = 1;
		v.sp[0].RefPicList[0][0] = 0;
		log_errors = 0;
		ck_assert_msg(translate(&v, &frame_mode) == cases[c].expect,
			      "case %u (%s): %s", c, cases[c].what, last_log);
		if (cases[c].what) {
			ck_assert_int_ge(log_errors, 1);
			ck_assert_msg(strstr(last_log, cases[c].what), "case %u: %s",
				      c, last_log);
		} else {
			ck_assert_uint_eq(syn_slice(0)->short_term_ref_pic_set_size, 6);
			ck_assert_uint_eq(syn_slice(0)->data_byte_offset, raw);
		}
		va_pic_free(&v);
	}
}
END_TEST

/* Tile grids up to VA's limit (20 columns, 22 rows: VA holds all but the
 * last size), uniform ones recognised, the last size derived. */
START_TEST(syn_tiles)
{
	struct va_pic v = { 0 };
	struct bw w = { 0 };
	uint8_t nal[64];
	unsigned raw, size;
	struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan plan = { .controls = ctrls };
	const struct v4l2_ctrl_hevc_pps *pps;

	syn_pic(&v);
	v.pic.pic_width_in_luma_samples = 1280;		/* 80 CTBs */
	v.pic.pic_height_in_luma_samples = 720;		/* 45 CTBs */
	v.pic.pic_fields.bits.tiles_enabled_flag = 1;
	v.pic.num_tile_columns_minus1 = 19;
	v.pic.num_tile_rows_minus1 = 21;
	for (unsigned i = 0; i < 19; i++)
		v.pic.column_width_minus1[i] = 3;	/* 4 each: uniform */
	for (unsigned i = 0; i < 21; i++)
		v.pic.row_height_minus1[i] = (i * 45 + 45) / 22 - (i * 45) / 22 - 1;

	put(&w, 0, 1); put(&w, 19, 6); put(&w, 0, 6); put(&w, 1, 3);
	put(&w, 1, 1);		/* first */
	put(&w, 0, 1);		/* no_output_of_prior_pics_flag */
	put_ue(&w, 0);
	put_ue(&w, 2);		/* I */
	put_se(&w, 0);
	put_ue(&w, 0);		/* num_entry_point_offsets */
	size = finish_nal(&w, nal, &raw);
	set_slice_data(&v, 0, nal, size, size);
	v.sp[0].LongSliceFlags.fields.slice_type = 2;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_SUCCESS);
	va_codec_hevc.plan_request(state, &frame_mode, 0, &plan);
	pps = ctrls[1].ptr;
	ck_assert(pps->flags & V4L2_HEVC_PPS_FLAG_UNIFORM_SPACING);
	ck_assert_uint_eq(pps->num_tile_columns_minus1, 19);
	ck_assert_uint_eq(pps->num_tile_rows_minus1, 21);
	ck_assert_uint_eq(pps->column_width_minus1[19], 3);
	ck_assert_uint_eq(pps->row_height_minus1[21], 45 - (21 * 45) / 22 - 1);
	ck_assert_uint_eq(plan.n_controls, 5);	/* no entry points */

	v.pic.num_tile_columns_minus1 = 20;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	v.pic.num_tile_columns_minus1 = 19;
	v.pic.num_tile_rows_minus1 = 22;
	ck_assert_uint_eq(translate(&v, &frame_mode), VA_STATUS_ERROR_INVALID_PARAMETER);
	va_pic_free(&v);
}
END_TEST

START_TEST(start_code_sizes)
{
	ck_assert_uint_eq(hevc_start_code_size((const uint8_t *)"\0\0\1\x26", 4), 3);
	ck_assert_uint_eq(hevc_start_code_size((const uint8_t *)"\0\0\0\1\x26", 5), 4);
	ck_assert_uint_eq(hevc_start_code_size((const uint8_t *)"\0\0\0\0\1", 5), 5);
	ck_assert_uint_eq(hevc_start_code_size((const uint8_t *)"\0\1\x26", 3), 0);
	ck_assert_uint_eq(hevc_start_code_size((const uint8_t *)"\0\0\0", 3), 0);
	ck_assert_uint_eq(hevc_start_code_size((const uint8_t *)"\x26\1", 2), 0);
	ck_assert_uint_eq(hevc_start_code_size(NULL, 0), 0);
}
END_TEST

static Suite *hevc_suite(void)
{
	Suite *s = suite_create("va-hevc");
	TCase *tc = tcase_create("fixtures");
	int n = (int)n_fixture_pictures();

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, fixture_frame_based, 0, n);
	tcase_add_loop_test(tc, fixture_slice_based_annex_b, 0, n);
	tcase_add_loop_test(tc, fixture_client_start_code, 0, n);
	tcase_add_loop_test(tc, fixture_truncated, 0, n);
	tcase_add_test(tc, context_size_and_scaling_lists);
	tcase_add_test(tc, sps_pps_ranges);
	suite_add_tcase(s, tc);

	tc = tcase_create("references");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, dpb_order_follows_va, 0, (int)n_fixture_pictures());
	tcase_add_test(tc, unknown_used_reference);
	tcase_add_test(tc, unknown_unused_reference);
	tcase_add_test(tc, bad_ref_pic_list);
	tcase_add_test(tc, bad_rps_flags);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad input");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, va_and_header_disagree);
	tcase_add_test(tc, bad_picture_parameters);
	tcase_add_test(tc, garbage);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("scaling lists");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, scaling_matrix_from_va);
	tcase_add_test(tc, scaling_matrix_default);
	tcase_add_test(tc, scaling_matrix_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("controls");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, optional_controls);
	tcase_add_test(tc, profiles);
	suite_add_tcase(s, tc);

	tc = tcase_create("synthetic headers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, syn_sps_rps_long_term_list_modification);
	tcase_add_test(tc, syn_inter_rps_prediction);
	tcase_add_test(tc, syn_dependent_extension_epb);
	tcase_add_test(tc, syn_out_of_range);
	tcase_add_test(tc, syn_tiles);
	tcase_add_test(tc, start_code_sizes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(hevc_suite());
}
