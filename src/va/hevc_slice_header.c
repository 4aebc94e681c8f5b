/* HEVC slice segment header parser: H.265 (V10) 7.3.6.1 and the parts of
 * 7.3.6.2 (reference picture list modification), 7.3.6.3 (prediction
 * weight table) and 7.3.7 (short-term reference picture set) it contains.
 * Only what Main and Main 10 streams carry is read: the range and screen
 * content extensions are not (their PPS flags are not in VA's base picture
 * parameters either). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "v4l2r/bitreader.h"
#include "va/hevc_slice_header.h"

struct parser {
	struct v4l2r_bitreader br;
	char *why;
	size_t why_size;
};

__attribute__((format(printf, 3, 4)))
static enum hevc_sh_status fail(struct parser *p, enum hevc_sh_status st,
				const char *fmt, ...)
{
	/* A value read past the end is a zero, which may look invalid:
	 * running out of data is the real fault then. */
	if (p->br.overrun && st != HEVC_SH_TRUNCATED) {
		st = HEVC_SH_TRUNCATED;
		fmt = "data ends inside the slice header";
	}
	if (p->why && p->why_size) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->why, p->why_size, fmt, ap);
		va_end(ap);
	}
	return st;
}

#define TRUNCATED(p, what) \
	fail(p, HEVC_SH_TRUNCATED, "data ends in %s", what)

static unsigned ceil_log2(unsigned n)
{
	unsigned bits = 0;
	while (bits < 32 && (1u << bits) < n)
		bits++;
	return bits;
}

static uint32_t rbsp_bits(const struct parser *p)
{
	return (uint32_t)v4l2r_br_rbsp_bits(&p->br);
}

unsigned hevc_start_code_size(const uint8_t *data, size_t size)
{
	size_t zeros = 0;
	while (zeros < size && data[zeros] == 0)
		zeros++;
	if (zeros >= 2 && zeros < size && data[zeros] == 1)
		return (unsigned)(zeros + 1);
	return 0;
}

/* Reads ue(v) and checks it against max; name is the syntax element. */
#define READ_UE(p, var, max, name)					\
	do {								\
		uint32_t v_ = v4l2r_br_ue(&(p)->br);			\
		if ((p)->br.overrun)					\
			return TRUNCATED(p, name);			\
		if (v_ > (uint32_t)(max))				\
			return fail(p, HEVC_SH_INVALID,			\
				    "%s = %u, more than %u", name,	\
				    (unsigned)v_, (unsigned)(max));	\
		(var) = v_;						\
	} while (0)

#define READ_SE(p, var, min, max, name)					\
	do {								\
		int32_t v_ = v4l2r_br_se(&(p)->br);			\
		if ((p)->br.overrun)					\
			return TRUNCATED(p, name);			\
		if (v_ < (int32_t)(min) || v_ > (int32_t)(max))		\
			return fail(p, HEVC_SH_INVALID,			\
				    "%s = %d, outside %d..%d", name,	\
				    (int)v_, (int)(min), (int)(max));	\
		(var) = v_;						\
	} while (0)

/* st_ref_pic_set(num_short_term_ref_pic_sets), the slice's own set. */
static enum hevc_sh_status parse_st_rps(struct parser *p,
					const struct hevc_sh_context *ctx,
					struct hevc_slice_header *sh)
{
	uint32_t start = rbsp_bits(p);
	unsigned max_pics = ctx->max_dec_pic_buffering_minus1;

	sh->inter_ref_pic_set_prediction = false;
	if (ctx->num_short_term_ref_pic_sets != 0)
		sh->inter_ref_pic_set_prediction = v4l2r_br_flag(&p->br);

	if (sh->inter_ref_pic_set_prediction) {
		unsigned delta_idx_minus1, abs_delta_rps_minus1, n = 0;

		READ_UE(p, delta_idx_minus1,
			ctx->num_short_term_ref_pic_sets - 1,
			"delta_idx_minus1");
		(void)v4l2r_br_flag(&p->br);	/* delta_rps_sign */
		READ_UE(p, abs_delta_rps_minus1, 32767, "abs_delta_rps_minus1");
		(void)delta_idx_minus1;
		(void)abs_delta_rps_minus1;
		/* The loop runs NumDeltaPocs[RefRpsIdx] + 1 times, a count
		 * only the SPS knows: the client's size of the whole set
		 * tells where it ends instead. */
		if (ctx->st_rps_bits == 0)
			return fail(p, HEVC_SH_UNSUPPORTED,
				    "st_ref_pic_set() predicted from the SPS, "
				    "and st_rps_bits not given");
		while (rbsp_bits(p) - start < ctx->st_rps_bits) {
			if (n > max_pics)
				return fail(p, HEVC_SH_INVALID,
					    "st_rps_bits %u: more than %u "
					    "used_by_curr_pic_flag",
					    ctx->st_rps_bits, max_pics + 1);
			if (!v4l2r_br_flag(&p->br))
				(void)v4l2r_br_flag(&p->br);	/* use_delta_flag */
			if (p->br.overrun)
				return TRUNCATED(p, "st_ref_pic_set()");
			n++;
		}
		if (n == 0 || rbsp_bits(p) - start != ctx->st_rps_bits)
			return fail(p, HEVC_SH_INVALID,
				    "st_rps_bits %u does not end on a "
				    "used_by_curr_pic_flag/use_delta_flag",
				    ctx->st_rps_bits);
		sh->num_delta_pocs_of_ref_rps_idx = (uint8_t)(n - 1);
	} else {
		unsigned neg, pos, v;

		READ_UE(p, neg, max_pics, "num_negative_pics");
		READ_UE(p, pos, max_pics - neg, "num_positive_pics");
		for (unsigned i = 0; i < neg + pos; i++) {
			READ_UE(p, v, 32767, i < neg ? "delta_poc_s0_minus1" :
			      "delta_poc_s1_minus1");
			(void)v;
			(void)v4l2r_br_flag(&p->br);	/* used_by_curr_pic_sX_flag */
		}
		if (p->br.overrun)
			return TRUNCATED(p, "st_ref_pic_set()");
		sh->num_negative_pics = (uint8_t)neg;
		sh->num_positive_pics = (uint8_t)pos;
	}
	sh->st_rps_bits = rbsp_bits(p) - start;
	return HEVC_SH_OK;
}

static enum hevc_sh_status parse_long_term(struct parser *p,
					   const struct hevc_sh_context *ctx,
					   struct hevc_slice_header *sh)
{
	uint32_t start = rbsp_bits(p);
	unsigned nsps = 0, npics, total;
	unsigned lt_idx_bits = ceil_log2(ctx->num_long_term_ref_pics_sps);
	uint32_t max_cycle = 1u << (32 - ctx->log2_max_poc_lsb);

	if (ctx->num_long_term_ref_pics_sps > 0)
		READ_UE(p, nsps, ctx->num_long_term_ref_pics_sps,
			"num_long_term_sps");
	READ_UE(p, npics, HEVC_SH_MAX_LT, "num_long_term_pics");
	total = nsps + npics;
	if (total > HEVC_SH_MAX_LT)
		return fail(p, HEVC_SH_INVALID,
			    "num_long_term_sps + num_long_term_pics = %u, "
			    "more than %u", total, HEVC_SH_MAX_LT);
	if (!sh->short_term_ref_pic_set_sps_flag && !sh->inter_ref_pic_set_prediction &&
	    sh->num_negative_pics + sh->num_positive_pics + total >
	    ctx->max_dec_pic_buffering_minus1)
		return fail(p, HEVC_SH_INVALID,
			    "%u short-term and %u long-term pictures, more "
			    "than sps_max_dec_pic_buffering_minus1 %u",
			    sh->num_negative_pics + sh->num_positive_pics,
			    total, ctx->max_dec_pic_buffering_minus1);
	sh->num_long_term_sps = (uint8_t)nsps;
	sh->num_long_term_pics = (uint8_t)npics;

	for (unsigned i = 0; i < total; i++) {
		struct hevc_sh_long_term *lt = &sh->lt[i];
		uint32_t cycle = 0;

		memset(lt, 0, sizeof(*lt));
		if (i < nsps) {
			lt->from_sps = true;
			lt->lt_idx_sps = (uint8_t)v4l2r_br_u(&p->br, lt_idx_bits);
			if (lt->lt_idx_sps >= ctx->num_long_term_ref_pics_sps)
				return fail(p, HEVC_SH_INVALID,
					    "lt_idx_sps[%u] = %u, not below "
					    "num_long_term_ref_pics_sps %u", i,
					    lt->lt_idx_sps,
					    ctx->num_long_term_ref_pics_sps);
		} else {
			lt->poc_lsb_lt = (uint16_t)v4l2r_br_u(&p->br,
							    ctx->log2_max_poc_lsb);
			lt->used_by_curr_pic = v4l2r_br_flag(&p->br);
		}
		lt->delta_poc_msb_present = v4l2r_br_flag(&p->br);
		if (lt->delta_poc_msb_present)
			READ_UE(p, cycle, max_cycle, "delta_poc_msb_cycle_lt");
		/* 7-52: the cycles add up within each of the two groups. */
		if (i != 0 && i != nsps)
			cycle += sh->lt[i - 1].delta_poc_msb_cycle_lt;
		if (cycle > max_cycle)
			return fail(p, HEVC_SH_INVALID,
				    "DeltaPocMsbCycleLt[%u] = %u, more than %u",
				    i, cycle, max_cycle);
		lt->delta_poc_msb_cycle_lt = cycle;
		if (p->br.overrun)
			return TRUNCATED(p, "the long-term reference pictures");
	}
	sh->lt_rps_bits = rbsp_bits(p) - start;
	return HEVC_SH_OK;
}

static enum hevc_sh_status parse_list_modification(struct parser *p,
						   const struct hevc_sh_context *ctx,
						   struct hevc_slice_header *sh)
{
	unsigned bits = ceil_log2(ctx->num_pic_total_curr);

	for (unsigned l = 0; l < (sh->slice_type == HEVC_SLICE_B ? 2u : 1u); l++) {
		bool mod = v4l2r_br_flag(&p->br);
		unsigned n = l ? sh->num_ref_idx_l1_active_minus1 :
			sh->num_ref_idx_l0_active_minus1;

		if (l)
			sh->ref_pic_list_modification_l1 = mod;
		else
			sh->ref_pic_list_modification_l0 = mod;
		if (!mod)
			continue;
		for (unsigned i = 0; i <= n; i++) {
			uint32_t e = v4l2r_br_u(&p->br, bits);
			if (e >= ctx->num_pic_total_curr)
				return fail(p, HEVC_SH_INVALID,
					    "list_entry_l%u[%u] = %u, not below "
					    "NumPicTotalCurr %u", l, i,
					    (unsigned)e, ctx->num_pic_total_curr);
		}
	}
	if (p->br.overrun)
		return TRUNCATED(p, "ref_pic_lists_modification()");
	return HEVC_SH_OK;
}

static enum hevc_sh_status parse_pred_weight_table(struct parser *p,
						   const struct hevc_sh_context *ctx,
						   struct hevc_slice_header *sh)
{
	bool chroma = ctx->chroma_array_type != 0;
	int v;

	READ_UE(p, sh->luma_log2_weight_denom, 7, "luma_log2_weight_denom");
	if (chroma) {
		READ_SE(p, v, -(int)sh->luma_log2_weight_denom,
			7 - (int)sh->luma_log2_weight_denom,
			"delta_chroma_log2_weight_denom");
		sh->delta_chroma_log2_weight_denom = (int8_t)v;
	}

	for (unsigned l = 0; l < (sh->slice_type == HEVC_SLICE_B ? 2u : 1u); l++) {
		struct hevc_sh_pred_weight_list *w = &sh->pwt[l];
		unsigned n = 1u + (l ? sh->num_ref_idx_l1_active_minus1 :
				   sh->num_ref_idx_l0_active_minus1);

		/* The flags are absent for a reference with the current
		 * picture's POC, which only multi-layer and screen content
		 * streams have. */
		for (unsigned i = 0; i < n; i++)
			w->luma_weight_flag[i] = v4l2r_br_flag(&p->br);
		if (chroma)
			for (unsigned i = 0; i < n; i++)
				w->chroma_weight_flag[i] = v4l2r_br_flag(&p->br);
		for (unsigned i = 0; i < n; i++) {
			if (w->luma_weight_flag[i]) {
				READ_SE(p, v, -128, 127, "delta_luma_weight");
				w->delta_luma_weight[i] = (int16_t)v;
				READ_SE(p, v, -128, 127, "luma_offset");
				w->luma_offset[i] = (int16_t)v;
			}
			if (!w->chroma_weight_flag[i])
				continue;
			for (unsigned j = 0; j < 2; j++) {
				READ_SE(p, v, -128, 127, "delta_chroma_weight");
				w->delta_chroma_weight[i][j] = (int16_t)v;
				READ_SE(p, v, -512, 511, "delta_chroma_offset");
				w->delta_chroma_offset[i][j] = (int16_t)v;
			}
		}
	}
	if (p->br.overrun)
		return TRUNCATED(p, "pred_weight_table()");
	sh->has_pred_weight_table = true;
	return HEVC_SH_OK;
}

/* From slice_type to the end of the part a dependent slice segment
 * inherits. */
static enum hevc_sh_status parse_independent(struct parser *p,
					     const struct hevc_sh_context *ctx,
					     struct hevc_slice_header *sh)
{
	enum hevc_sh_status st;
	bool p_or_b;
	int v;

	v4l2r_br_skip(&p->br, ctx->num_extra_slice_header_bits);
	READ_UE(p, sh->slice_type, 2, "slice_type");
	if (hevc_nal_is_irap(sh->nal_unit_type) && sh->slice_type != HEVC_SLICE_I)
		return fail(p, HEVC_SH_INVALID,
			    "slice_type %u in an IRAP picture (nal_unit_type %u)",
			    sh->slice_type, sh->nal_unit_type);
	p_or_b = sh->slice_type != HEVC_SLICE_I;
	sh->pic_output_flag = true;
	if (ctx->output_flag_present)
		sh->pic_output_flag = v4l2r_br_flag(&p->br);
	if (ctx->separate_colour_plane) {
		sh->colour_plane_id = (uint8_t)v4l2r_br_u(&p->br, 2);
		if (sh->colour_plane_id > 2)
			return fail(p, HEVC_SH_INVALID, "colour_plane_id = 3");
	}

	if (!hevc_nal_is_idr(sh->nal_unit_type)) {
		sh->pic_order_cnt_lsb = (uint16_t)v4l2r_br_u(&p->br,
							  ctx->log2_max_poc_lsb);
		sh->short_term_ref_pic_set_sps_flag = v4l2r_br_flag(&p->br);
		if (p->br.overrun)
			return TRUNCATED(p, "slice_pic_order_cnt_lsb");
		if (!sh->short_term_ref_pic_set_sps_flag) {
			st = parse_st_rps(p, ctx, sh);
			if (st != HEVC_SH_OK)
				return st;
		} else {
			unsigned n = ctx->num_short_term_ref_pic_sets;
			if (n == 0)
				return fail(p, HEVC_SH_INVALID,
					    "short_term_ref_pic_set_sps_flag "
					    "with no set in the SPS");
			sh->short_term_ref_pic_set_idx =
				(uint8_t)v4l2r_br_u(&p->br, ceil_log2(n));
			if (sh->short_term_ref_pic_set_idx >= n)
				return fail(p, HEVC_SH_INVALID,
					    "short_term_ref_pic_set_idx = %u, "
					    "not below num_short_term_ref_pic_sets %u",
					    sh->short_term_ref_pic_set_idx, n);
		}
		if (ctx->long_term_ref_pics_present) {
			st = parse_long_term(p, ctx, sh);
			if (st != HEVC_SH_OK)
				return st;
		}
		if (ctx->sps_temporal_mvp_enabled)
			sh->slice_temporal_mvp_enabled = v4l2r_br_flag(&p->br);
	}

	if (ctx->sample_adaptive_offset_enabled) {
		sh->slice_sao_luma = v4l2r_br_flag(&p->br);
		if (ctx->chroma_array_type != 0)
			sh->slice_sao_chroma = v4l2r_br_flag(&p->br);
	}

	sh->collocated_from_l0 = true;
	if (p_or_b) {
		bool b = sh->slice_type == HEVC_SLICE_B;

		if (v4l2r_br_flag(&p->br)) {	/* num_ref_idx_active_override_flag */
			READ_UE(p, sh->num_ref_idx_l0_active_minus1,
				HEVC_SH_MAX_REFS - 1,
				"num_ref_idx_l0_active_minus1");
			if (b)
				READ_UE(p, sh->num_ref_idx_l1_active_minus1,
					HEVC_SH_MAX_REFS - 1,
					"num_ref_idx_l1_active_minus1");
		} else {
			if (ctx->num_ref_idx_l0_default_minus1 >= HEVC_SH_MAX_REFS ||
			    ctx->num_ref_idx_l1_default_minus1 >= HEVC_SH_MAX_REFS)
				return fail(p, HEVC_SH_INVALID,
					    "num_ref_idx_lX_default_active_minus1 "
					    "more than 14");
			sh->num_ref_idx_l0_active_minus1 =
				(uint8_t)ctx->num_ref_idx_l0_default_minus1;
			if (b)
				sh->num_ref_idx_l1_active_minus1 =
					(uint8_t)ctx->num_ref_idx_l1_default_minus1;
		}
		if (ctx->lists_modification_present && ctx->num_pic_total_curr > 1) {
			st = parse_list_modification(p, ctx, sh);
			if (st != HEVC_SH_OK)
				return st;
		}
		if (b)
			sh->mvd_l1_zero = v4l2r_br_flag(&p->br);
		if (ctx->cabac_init_present)
			sh->cabac_init = v4l2r_br_flag(&p->br);
		if (sh->slice_temporal_mvp_enabled) {
			unsigned n;

			if (b)
				sh->collocated_from_l0 = v4l2r_br_flag(&p->br);
			n = sh->collocated_from_l0 ?
				sh->num_ref_idx_l0_active_minus1 :
				sh->num_ref_idx_l1_active_minus1;
			if (n > 0)
				READ_UE(p, sh->collocated_ref_idx, n,
					"collocated_ref_idx");
		}
		if ((ctx->weighted_pred && sh->slice_type == HEVC_SLICE_P) ||
		    (ctx->weighted_bipred && b)) {
			st = parse_pred_weight_table(p, ctx, sh);
			if (st != HEVC_SH_OK)
				return st;
		}
		READ_UE(p, sh->five_minus_max_num_merge_cand, 4,
			"five_minus_max_num_merge_cand");
	}

	READ_SE(p, v, -128, 127, "slice_qp_delta");
	sh->slice_qp_delta = (int8_t)v;
	if (ctx->slice_chroma_qp_offsets_present) {
		READ_SE(p, v, -12, 12, "slice_cb_qp_offset");
		sh->slice_cb_qp_offset = (int8_t)v;
		READ_SE(p, v, -12, 12, "slice_cr_qp_offset");
		sh->slice_cr_qp_offset = (int8_t)v;
	}
	if (ctx->deblocking_filter_override_enabled)
		sh->deblocking_filter_override = v4l2r_br_flag(&p->br);
	sh->slice_deblocking_filter_disabled = ctx->pps_deblocking_filter_disabled;
	sh->slice_beta_offset_div2 = (int8_t)ctx->pps_beta_offset_div2;
	sh->slice_tc_offset_div2 = (int8_t)ctx->pps_tc_offset_div2;
	if (sh->deblocking_filter_override) {
		sh->slice_deblocking_filter_disabled = v4l2r_br_flag(&p->br);
		if (!sh->slice_deblocking_filter_disabled) {
			READ_SE(p, v, -6, 6, "slice_beta_offset_div2");
			sh->slice_beta_offset_div2 = (int8_t)v;
			READ_SE(p, v, -6, 6, "slice_tc_offset_div2");
			sh->slice_tc_offset_div2 = (int8_t)v;
		}
	}
	sh->slice_loop_filter_across_slices_enabled =
		ctx->pps_loop_filter_across_slices_enabled;
	if (ctx->pps_loop_filter_across_slices_enabled &&
	    (sh->slice_sao_luma || sh->slice_sao_chroma ||
	     !sh->slice_deblocking_filter_disabled))
		sh->slice_loop_filter_across_slices_enabled =
			v4l2r_br_flag(&p->br);
	if (p->br.overrun)
		return TRUNCATED(p, "the slice header");
	return HEVC_SH_OK;
}

enum hevc_sh_status hevc_parse_slice_header(const uint8_t *data, size_t size,
					    const struct hevc_sh_context *ctx,
					    const struct hevc_slice_header *prev,
					    struct hevc_slice_header *sh,
					    uint32_t *entry_points,
					    unsigned max_entry_points,
					    char *why, size_t why_size)
{
	struct parser p = { .why = why, .why_size = why_size };
	struct hevc_slice_header own;
	enum hevc_sh_status st;
	unsigned sc;

	if (why && why_size)
		why[0] = '\0';
	memset(sh, 0, sizeof(*sh));
	memset(&own, 0, sizeof(own));
	if (ctx->pic_size_in_ctbs == 0 || ctx->log2_max_poc_lsb < 4 ||
	    ctx->log2_max_poc_lsb > 16 || ctx->num_short_term_ref_pic_sets > 64 ||
	    ctx->num_long_term_ref_pics_sps > 32 ||
	    ctx->max_dec_pic_buffering_minus1 > 15 ||
	    ctx->num_extra_slice_header_bits > 7 || ctx->chroma_array_type > 3)
		return fail(&p, HEVC_SH_INVALID,
			    "SPS/PPS values out of range");

	sc = hevc_start_code_size(data, size);
	own.start_code_size = sc;
	v4l2r_br_init(&p.br, data + sc, size - sc, true);

	/* nal_unit_header() */
	if (v4l2r_br_flag(&p.br))
		return fail(&p, HEVC_SH_INVALID, "forbidden_zero_bit is 1");
	own.nal_unit_type = (uint8_t)v4l2r_br_u(&p.br, 6);
	own.nuh_layer_id = (uint8_t)v4l2r_br_u(&p.br, 6);
	own.nuh_temporal_id_plus1 = (uint8_t)v4l2r_br_u(&p.br, 3);
	if (p.br.overrun)
		return TRUNCATED(&p, "the NAL unit header");
	if (own.nal_unit_type > HEVC_NAL_CRA ||
	    (own.nal_unit_type > HEVC_NAL_RASL_R &&
	     own.nal_unit_type < HEVC_NAL_BLA_W_LP))
		return fail(&p, HEVC_SH_INVALID,
			    "nal_unit_type %u is not a coded slice segment",
			    own.nal_unit_type);
	if (own.nuh_layer_id != 0)
		return fail(&p, HEVC_SH_UNSUPPORTED,
			    "nuh_layer_id %u (only the base layer is decoded)",
			    own.nuh_layer_id);
	if (own.nuh_temporal_id_plus1 == 0)
		return fail(&p, HEVC_SH_INVALID, "nuh_temporal_id_plus1 is 0");
	if (hevc_nal_is_irap(own.nal_unit_type) && own.nuh_temporal_id_plus1 != 1)
		return fail(&p, HEVC_SH_INVALID,
			    "TemporalId %u in an IRAP picture",
			    own.nuh_temporal_id_plus1 - 1);

	own.first_slice_segment_in_pic = v4l2r_br_flag(&p.br);
	if (hevc_nal_is_irap(own.nal_unit_type))
		own.no_output_of_prior_pics = v4l2r_br_flag(&p.br);
	READ_UE(&p, own.pps_id, 63, "slice_pic_parameter_set_id");
	if (!own.first_slice_segment_in_pic) {
		unsigned bits = ceil_log2(ctx->pic_size_in_ctbs);

		if (ctx->dependent_slice_segments_enabled)
			own.dependent_slice_segment = v4l2r_br_flag(&p.br);
		own.slice_segment_address = v4l2r_br_u(&p.br, bits);
		if (p.br.overrun)
			return TRUNCATED(&p, "slice_segment_address");
		if (own.slice_segment_address == 0 ||
		    own.slice_segment_address >= ctx->pic_size_in_ctbs)
			return fail(&p, HEVC_SH_INVALID,
				    "slice_segment_address = %u, outside 1..%u",
				    own.slice_segment_address,
				    ctx->pic_size_in_ctbs - 1);
	}

	if (own.dependent_slice_segment) {
		if (!prev)
			return fail(&p, HEVC_SH_INVALID,
				    "dependent slice segment with no slice "
				    "segment before it");
		*sh = *prev;
		sh->num_entry_point_offsets = 0;
		sh->slice_segment_header_extension_length = 0;
	} else {
		*sh = own;
		st = parse_independent(&p, ctx, sh);
		if (st != HEVC_SH_OK)
			return st;
	}
	sh->start_code_size = own.start_code_size;
	sh->nal_unit_type = own.nal_unit_type;
	sh->nuh_layer_id = own.nuh_layer_id;
	sh->nuh_temporal_id_plus1 = own.nuh_temporal_id_plus1;
	sh->first_slice_segment_in_pic = own.first_slice_segment_in_pic;
	sh->no_output_of_prior_pics = own.no_output_of_prior_pics;
	sh->pps_id = own.pps_id;
	sh->dependent_slice_segment = own.dependent_slice_segment;
	sh->slice_segment_address = own.slice_segment_address;

	if (ctx->tiles_enabled || ctx->entropy_coding_sync_enabled) {
		unsigned offset_len_minus1 = 0;

		READ_UE(&p, sh->num_entry_point_offsets,
			ctx->pic_size_in_ctbs - 1, "num_entry_point_offsets");
		if (sh->num_entry_point_offsets > max_entry_points)
			return fail(&p, HEVC_SH_TOO_MANY,
				    "num_entry_point_offsets = %u, room for %u",
				    sh->num_entry_point_offsets,
				    max_entry_points);
		if (sh->num_entry_point_offsets > 0)
			READ_UE(&p, offset_len_minus1, 31, "offset_len_minus1");
		for (uint32_t i = 0; i < sh->num_entry_point_offsets; i++) {
			uint32_t v = v4l2r_br_u(&p.br, offset_len_minus1 + 1);
			if (p.br.overrun)
				return TRUNCATED(&p, "entry_point_offset_minus1");
			if (v == UINT32_MAX)
				return fail(&p, HEVC_SH_INVALID,
					    "entry_point_offset_minus1[%u] "
					    "overflows", (unsigned)i);
			entry_points[i] = v + 1;
		}
	}
	if (ctx->slice_segment_header_extension_present) {
		READ_UE(&p, sh->slice_segment_header_extension_length, 256,
			"slice_segment_header_extension_length");
		v4l2r_br_skip(&p.br,
			      8 * (size_t)sh->slice_segment_header_extension_length);
	}

	/* byte_alignment() */
	if (!v4l2r_br_flag(&p.br))
		return fail(&p, HEVC_SH_INVALID,
			    "alignment_bit_equal_to_one is 0 (header misread, "
			    "or SPS/PPS values not those of the stream)");
	while (!v4l2r_br_byte_aligned(&p.br))
		if (v4l2r_br_flag(&p.br))
			return fail(&p, HEVC_SH_INVALID,
				    "alignment_bit_equal_to_zero is 1");
	if (p.br.overrun)
		return TRUNCATED(&p, "byte_alignment()");

	sh->data_byte_offset = (uint32_t)(sc + v4l2r_br_raw_bits(&p.br) / 8);
	sh->header_rbsp_bytes = (uint32_t)(v4l2r_br_rbsp_bits(&p.br) / 8);
	sh->header_epb = (unsigned)p.br.epb;
	return HEVC_SH_OK;
}
