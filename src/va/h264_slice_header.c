/* H.264 slice header parsing (ITU-T H.264 7.3.3, 7.4.3). Every read goes
 * through the core bit reader, which never reads past the buffer; each
 * syntax element is range checked so garbage gives an error, not a value
 * that indexes an array later. */
#include "h264_slice_header.h"

#include <string.h>

#include "v4l2r/bitreader.h"

struct parser {
	struct v4l2r_bitreader br;
	enum h264_sh_status status;
	const char *why;
};

static bool fail(struct parser *p, enum h264_sh_status status,
		 const char *what)
{
	if (p->status == H264_SH_OK) {
		p->status = status;
		p->why = what;
	}
	return false;
}

/* After a read: an overrun is either the end of the data or an
 * exp-Golomb code longer than 32 bits (the reader flags both). */
static bool read_ok(struct parser *p, const char *what)
{
	if (!p->br.overrun)
		return true;
	return fail(p, v4l2r_br_left(&p->br) == 0 ? H264_SH_TRUNCATED :
		    H264_SH_INVALID, what);
}

static bool read_u(struct parser *p, unsigned n, uint32_t *v,
		   const char *what)
{
	*v = v4l2r_br_u(&p->br, n);
	return read_ok(p, what);
}

static bool read_flag(struct parser *p, bool *v, const char *what)
{
	uint32_t b;
	if (!read_u(p, 1, &b, what))
		return false;
	*v = b != 0;
	return true;
}

static bool read_ue(struct parser *p, uint32_t max, uint32_t *v,
		    const char *what)
{
	*v = v4l2r_br_ue(&p->br);
	if (!read_ok(p, what))
		return false;
	if (*v > max)
		return fail(p, H264_SH_INVALID, what);
	return true;
}

static bool read_se(struct parser *p, int32_t min, int32_t max, int32_t *v,
		    const char *what)
{
	uint32_t k = v4l2r_br_ue(&p->br);
	if (!read_ok(p, what))
		return false;
	/* k = 2|v| - (v > 0), computed wide so no code overflows. */
	int64_t s = (k & 1) ? ((int64_t)k + 1) / 2 : -((int64_t)k / 2);
	if (s < min || s > max)
		return fail(p, H264_SH_INVALID, what);
	*v = (int32_t)s;
	return true;
}

static uint32_t rbsp_bits(const struct parser *p)
{
	return (uint32_t)v4l2r_br_rbsp_bits(&p->br);
}

unsigned h264_start_code_size(const uint8_t *data, size_t size)
{
	if (size >= 3 && data[0] == 0 && data[1] == 0 && data[2] == 1)
		return 3;
	if (size >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 &&
	    data[3] == 1)
		return 4;
	return 0;
}

static bool parse_ref_pic_list_modification(struct parser *p,
					    struct h264_slice_header *sh)
{
	unsigned lists = sh->slice_type == H264_SLICE_B ? 2 :
		(sh->slice_type == H264_SLICE_I ||
		 sh->slice_type == H264_SLICE_SI) ? 0 : 1;

	for (unsigned l = 0; l < lists; l++) {
		if (!read_flag(p, &sh->ref_pic_list_modification[l],
			       "ref_pic_list_modification_flag"))
			return false;
		if (!sh->ref_pic_list_modification[l])
			continue;
		unsigned n_refs = (l ? sh->num_ref_idx_l1_active_minus1 :
				   sh->num_ref_idx_l0_active_minus1) + 1u;
		/* At most one modification per list entry, then the end. */
		for (unsigned i = 0;; i++) {
			uint32_t idc, v;
			if (i > n_refs)
				return fail(p, H264_SH_INVALID,
					    "modification_of_pic_nums_idc (too many)");
			if (!read_ue(p, 5, &idc, "modification_of_pic_nums_idc"))
				return false;
			if (idc == 3)
				break;
			/* 4 and 5 only exist in MVC extensions. */
			if (idc > 2)
				return fail(p, H264_SH_INVALID,
					    "modification_of_pic_nums_idc");
			if (!read_ue(p, UINT32_MAX - 1, &v, idc == 2 ?
				     "long_term_pic_num" :
				     "abs_diff_pic_num_minus1"))
				return false;
		}
	}
	return true;
}

static bool parse_weight_list(struct parser *p, unsigned chroma_array_type,
			      unsigned n_refs, unsigned luma_denom,
			      unsigned chroma_denom,
			      struct h264_pred_weight_list *w)
{
	for (unsigned i = 0; i < n_refs; i++) {
		bool flag;
		int32_t a, b;

		w->luma_weight[i] = (int16_t)(1 << luma_denom);
		w->luma_offset[i] = 0;
		if (!read_flag(p, &flag, "luma_weight_flag"))
			return false;
		if (flag) {
			if (!read_se(p, -128, 127, &a, "luma_weight") ||
			    !read_se(p, -128, 127, &b, "luma_offset"))
				return false;
			w->luma_weight[i] = (int16_t)a;
			w->luma_offset[i] = (int16_t)b;
		}
		for (unsigned j = 0; j < 2; j++) {
			w->chroma_weight[i][j] = (int16_t)(1 << chroma_denom);
			w->chroma_offset[i][j] = 0;
		}
		if (chroma_array_type == 0)
			continue;
		if (!read_flag(p, &flag, "chroma_weight_flag"))
			return false;
		if (!flag)
			continue;
		for (unsigned j = 0; j < 2; j++) {
			if (!read_se(p, -128, 127, &a, "chroma_weight") ||
			    !read_se(p, -128, 127, &b, "chroma_offset"))
				return false;
			w->chroma_weight[i][j] = (int16_t)a;
			w->chroma_offset[i][j] = (int16_t)b;
		}
	}
	return true;
}

static bool parse_pred_weight_table(struct parser *p,
				    const struct h264_sh_context *ctx,
				    struct h264_slice_header *sh)
{
	uint32_t v;

	if (!read_ue(p, 7, &v, "luma_log2_weight_denom"))
		return false;
	sh->luma_log2_weight_denom = (uint8_t)v;
	if (ctx->chroma_array_type != 0) {
		if (!read_ue(p, 7, &v, "chroma_log2_weight_denom"))
			return false;
		sh->chroma_log2_weight_denom = (uint8_t)v;
	}
	if (!parse_weight_list(p, ctx->chroma_array_type,
			       sh->num_ref_idx_l0_active_minus1 + 1u,
			       sh->luma_log2_weight_denom,
			       sh->chroma_log2_weight_denom, &sh->weights[0]))
		return false;
	if (sh->slice_type == H264_SLICE_B &&
	    !parse_weight_list(p, ctx->chroma_array_type,
			       sh->num_ref_idx_l1_active_minus1 + 1u,
			       sh->luma_log2_weight_denom,
			       sh->chroma_log2_weight_denom, &sh->weights[1]))
		return false;
	sh->has_pred_weight_table = true;
	return true;
}

/* Enough for any real stream: each operation is at least 1 bit and a
 * picture has at most 32 references to mark plus a few index changes. */
#define MAX_MMCO 72

static bool parse_dec_ref_pic_marking(struct parser *p,
				      struct h264_slice_header *sh)
{
	if (sh->idr) {
		return read_flag(p, &sh->no_output_of_prior_pics,
				 "no_output_of_prior_pics_flag") &&
			read_flag(p, &sh->long_term_reference,
				  "long_term_reference_flag");
	}
	if (!read_flag(p, &sh->adaptive_ref_pic_marking,
		       "adaptive_ref_pic_marking_mode_flag"))
		return false;
	if (!sh->adaptive_ref_pic_marking)
		return true;
	for (unsigned i = 0;; i++) {
		uint32_t op, v;
		if (i >= MAX_MMCO)
			return fail(p, H264_SH_INVALID,
				    "memory_management_control_operation (too many)");
		if (!read_ue(p, 6, &op, "memory_management_control_operation"))
			return false;
		if (op == 0)
			break;
		if (op == 5)
			sh->mmco5 = true;
		if ((op == 1 || op == 3) &&
		    !read_ue(p, UINT32_MAX - 1, &v,
			     "difference_of_pic_nums_minus1"))
			return false;
		if (op == 2 && !read_ue(p, UINT32_MAX - 1, &v,
					"long_term_pic_num"))
			return false;
		if ((op == 3 || op == 6) &&
		    !read_ue(p, 31, &v, "long_term_frame_idx"))
			return false;
		if (op == 4 &&
		    !read_ue(p, 32, &v, "max_long_term_frame_idx_plus1"))
			return false;
	}
	return true;
}

static unsigned ceil_log2(uint32_t v)
{
	unsigned n = 0;
	while (n < 32 && ((uint64_t)1 << n) < v)
		n++;
	return n;
}

static bool parse_header(struct parser *p, const struct h264_sh_context *ctx,
			 struct h264_slice_header *sh)
{
	uint32_t v;
	int32_t s;

	/* nal_unit_header: forbidden_zero_bit, nal_ref_idc, nal_unit_type */
	if (!read_u(p, 1, &v, "forbidden_zero_bit"))
		return false;
	if (v)
		return fail(p, H264_SH_INVALID, "forbidden_zero_bit");
	if (!read_u(p, 2, &v, "nal_ref_idc"))
		return false;
	sh->nal_ref_idc = (uint8_t)v;
	if (!read_u(p, 5, &v, "nal_unit_type"))
		return false;
	sh->nal_unit_type = (uint8_t)v;
	if (v != 1 && v != 5)
		return fail(p, H264_SH_UNSUPPORTED, "nal_unit_type");
	sh->idr = v == 5;

	if (!read_ue(p, UINT32_MAX - 1, &v, "first_mb_in_slice"))
		return false;
	sh->first_mb_in_slice = v;
	if (!read_ue(p, 9, &v, "slice_type"))
		return false;
	sh->slice_type_raw = (uint8_t)v;
	sh->slice_type = (uint8_t)(v % 5);
	if (!read_ue(p, 255, &v, "pic_parameter_set_id"))
		return false;
	sh->pic_parameter_set_id = (uint8_t)v;
	if (ctx->separate_colour_plane) {
		if (!read_u(p, 2, &v, "colour_plane_id"))
			return false;
		if (v > 2)
			return fail(p, H264_SH_INVALID, "colour_plane_id");
		sh->colour_plane_id = (uint8_t)v;
	}
	if (!read_u(p, ctx->log2_max_frame_num, &v, "frame_num"))
		return false;
	sh->frame_num = (uint16_t)v;
	if (!ctx->frame_mbs_only) {
		if (!read_flag(p, &sh->field_pic, "field_pic_flag"))
			return false;
		if (sh->field_pic &&
		    !read_flag(p, &sh->bottom_field, "bottom_field_flag"))
			return false;
	}

	if (ctx->frame_height_in_mbs) {
		uint32_t mbs = ctx->pic_width_in_mbs * ctx->frame_height_in_mbs;
		bool mbaff = ctx->mb_adaptive_frame_field && !sh->field_pic;
		if (sh->field_pic || mbaff)
			mbs /= 2;
		if (sh->first_mb_in_slice >= mbs)
			return fail(p, H264_SH_INVALID, "first_mb_in_slice");
	}

	if (sh->idr) {
		if (!read_ue(p, 65535, &v, "idr_pic_id"))
			return false;
		sh->idr_pic_id = (uint16_t)v;
	}

	uint32_t poc_start = rbsp_bits(p);
	bool bottom_present = ctx->bottom_field_pic_order_in_frame_present &&
		!sh->field_pic;
	if (ctx->pic_order_cnt_type == 0) {
		if (!read_u(p, ctx->log2_max_pic_order_cnt_lsb, &v,
			    "pic_order_cnt_lsb"))
			return false;
		sh->pic_order_cnt_lsb = (uint16_t)v;
		if (bottom_present &&
		    !read_se(p, INT32_MIN + 1, INT32_MAX, &s,
			     "delta_pic_order_cnt_bottom"))
			return false;
		sh->delta_pic_order_cnt_bottom = bottom_present ? s : 0;
	}
	if (ctx->pic_order_cnt_type == 1 && !ctx->delta_pic_order_always_zero) {
		if (!read_se(p, INT32_MIN + 1, INT32_MAX,
			     &sh->delta_pic_order_cnt[0], "delta_pic_order_cnt[0]"))
			return false;
		if (bottom_present &&
		    !read_se(p, INT32_MIN + 1, INT32_MAX,
			     &sh->delta_pic_order_cnt[1],
			     "delta_pic_order_cnt[1]"))
			return false;
	}
	sh->pic_order_cnt_rbsp_bits = rbsp_bits(p) - poc_start;

	if (ctx->redundant_pic_cnt_present) {
		if (!read_ue(p, 127, &v, "redundant_pic_cnt"))
			return false;
		sh->redundant_pic_cnt = (uint8_t)v;
	}

	bool is_p = sh->slice_type == H264_SLICE_P ||
		sh->slice_type == H264_SLICE_SP;
	bool is_b = sh->slice_type == H264_SLICE_B;

	if (is_b && !read_flag(p, &sh->direct_spatial_mv_pred,
			       "direct_spatial_mv_pred_flag"))
		return false;

	if (is_p || is_b) {
		sh->num_ref_idx_l0_active_minus1 =
			(uint8_t)ctx->num_ref_idx_l0_default_minus1;
		sh->num_ref_idx_l1_active_minus1 = is_b ?
			(uint8_t)ctx->num_ref_idx_l1_default_minus1 : 0;
		if (!read_flag(p, &sh->num_ref_idx_override,
			       "num_ref_idx_active_override_flag"))
			return false;
		if (sh->num_ref_idx_override) {
			if (!read_ue(p, H264_SH_MAX_REFS - 1, &v,
				     "num_ref_idx_l0_active_minus1"))
				return false;
			sh->num_ref_idx_l0_active_minus1 = (uint8_t)v;
			if (is_b) {
				if (!read_ue(p, H264_SH_MAX_REFS - 1, &v,
					     "num_ref_idx_l1_active_minus1"))
					return false;
				sh->num_ref_idx_l1_active_minus1 = (uint8_t)v;
			}
		}
		if (sh->num_ref_idx_l0_active_minus1 >= H264_SH_MAX_REFS ||
		    sh->num_ref_idx_l1_active_minus1 >= H264_SH_MAX_REFS)
			return fail(p, H264_SH_INVALID,
				    "num_ref_idx_active_minus1 (default)");
	}

	if (!parse_ref_pic_list_modification(p, sh))
		return false;

	if ((ctx->weighted_pred && is_p) ||
	    (ctx->weighted_bipred_idc == 1 && is_b)) {
		if (!parse_pred_weight_table(p, ctx, sh))
			return false;
	}

	if (sh->nal_ref_idc != 0) {
		uint32_t start = rbsp_bits(p);
		if (!parse_dec_ref_pic_marking(p, sh))
			return false;
		sh->dec_ref_pic_marking_rbsp_bits = rbsp_bits(p) - start;
	}

	if (ctx->entropy_coding_mode && sh->slice_type != H264_SLICE_I &&
	    sh->slice_type != H264_SLICE_SI) {
		if (!read_ue(p, 2, &v, "cabac_init_idc"))
			return false;
		sh->cabac_init_idc = (uint8_t)v;
	}

	if (!read_se(p, -87, 77, &s, "slice_qp_delta"))
		return false;
	sh->slice_qp_delta = (int8_t)s;

	if (sh->slice_type == H264_SLICE_SP || sh->slice_type == H264_SLICE_SI) {
		if (sh->slice_type == H264_SLICE_SP &&
		    !read_flag(p, &sh->sp_for_switch, "sp_for_switch_flag"))
			return false;
		if (!read_se(p, -51, 51, &s, "slice_qs_delta"))
			return false;
		sh->slice_qs_delta = (int8_t)s;
	}

	if (ctx->deblocking_filter_control_present) {
		if (!read_ue(p, 2, &v, "disable_deblocking_filter_idc"))
			return false;
		sh->disable_deblocking_filter_idc = (uint8_t)v;
		if (v != 1) {
			if (!read_se(p, -6, 6, &s, "slice_alpha_c0_offset_div2"))
				return false;
			sh->slice_alpha_c0_offset_div2 = (int8_t)s;
			if (!read_se(p, -6, 6, &s, "slice_beta_offset_div2"))
				return false;
			sh->slice_beta_offset_div2 = (int8_t)s;
		}
	}

	if (ctx->num_slice_groups_minus1 > 0 && ctx->slice_group_map_type >= 3 &&
	    ctx->slice_group_map_type <= 5) {
		uint32_t map_units = ctx->pic_width_in_mbs *
			(ctx->frame_height_in_mbs / (ctx->frame_mbs_only ? 1 : 2));
		uint32_t rate = ctx->slice_group_change_rate_minus1 + 1;
		unsigned bits = ceil_log2(map_units / rate + 1);
		if (bits > 32 || !read_u(p, bits, &v, "slice_group_change_cycle"))
			return bits > 32 ? fail(p, H264_SH_INVALID,
						"slice_group_change_cycle") :
				false;
		sh->slice_group_change_cycle = v;
	}

	sh->header_rbsp_bits = rbsp_bits(p);
	sh->header_raw_bits = (uint32_t)v4l2r_br_raw_bits(&p->br);
	sh->epb_in_header = (unsigned)p->br.epb;
	return true;
}

enum h264_sh_status h264_parse_slice_header(const uint8_t *data, size_t size,
					    const struct h264_sh_context *ctx,
					    struct h264_slice_header *sh,
					    const char **why)
{
	struct parser p = { .status = H264_SH_OK, .why = NULL };
	static const char *bad_ctx = "picture parameters (SPS/PPS values)";

	memset(sh, 0, sizeof(*sh));
	*why = NULL;
	if (ctx->log2_max_frame_num < 4 || ctx->log2_max_frame_num > 16 ||
	    ctx->log2_max_pic_order_cnt_lsb < 4 ||
	    ctx->log2_max_pic_order_cnt_lsb > 16 ||
	    ctx->pic_order_cnt_type > 2 || ctx->chroma_array_type > 3) {
		*why = bad_ctx;
		return H264_SH_INVALID;
	}
	if (!data || size == 0) {
		*why = "slice data (empty)";
		return H264_SH_TRUNCATED;
	}

	sh->start_code_size = h264_start_code_size(data, size);
	v4l2r_br_init(&p.br, data + sh->start_code_size,
		      size - sh->start_code_size, true);
	if (!parse_header(&p, ctx, sh)) {
		*why = p.why;
		return p.status;
	}
	return H264_SH_OK;
}
