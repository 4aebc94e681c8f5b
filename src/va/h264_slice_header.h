/* A small H.264 slice header parser (spec 7.3.3) for the values VA-API does
 * not hand over but the V4L2 stateless controls need: nal_ref_idc,
 * idr_pic_id, the picture order count syntax, redundant_pic_cnt, the sizes
 * of dec_ref_pic_marking() and of the header itself. The SPS/PPS values it
 * needs come from VA's picture parameters (struct h264_sh_context). */
#ifndef VA_H264_SLICE_HEADER_H
#define VA_H264_SLICE_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define H264_SH_MAX_REFS 32

/* What the parser needs from the active SPS and PPS. */
struct h264_sh_context {
	unsigned log2_max_frame_num;	/* 4..16 */
	unsigned pic_order_cnt_type;	/* 0..2 */
	unsigned log2_max_pic_order_cnt_lsb;	/* 4..16 */
	bool separate_colour_plane;
	bool frame_mbs_only;
	bool mb_adaptive_frame_field;
	bool delta_pic_order_always_zero;
	unsigned chroma_array_type;	/* 0..3 */
	unsigned pic_width_in_mbs;
	unsigned frame_height_in_mbs;	/* 0: unknown, no range check */
	bool bottom_field_pic_order_in_frame_present;
	bool redundant_pic_cnt_present;
	bool weighted_pred;
	unsigned weighted_bipred_idc;
	bool entropy_coding_mode;
	bool deblocking_filter_control_present;
	unsigned num_slice_groups_minus1;
	unsigned slice_group_map_type;
	unsigned slice_group_change_rate_minus1;
	/* Used when num_ref_idx_active_override_flag is 0. VA does not carry
	 * the PPS defaults: the caller passes the slice's active counts, which
	 * VA defines as the defaults in that case. */
	unsigned num_ref_idx_l0_default_minus1;
	unsigned num_ref_idx_l1_default_minus1;
};

enum h264_slice_type {
	H264_SLICE_P = 0,
	H264_SLICE_B = 1,
	H264_SLICE_I = 2,
	H264_SLICE_SP = 3,
	H264_SLICE_SI = 4,
};

struct h264_pred_weight_list {
	int16_t luma_weight[H264_SH_MAX_REFS];
	int16_t luma_offset[H264_SH_MAX_REFS];
	int16_t chroma_weight[H264_SH_MAX_REFS][2];
	int16_t chroma_offset[H264_SH_MAX_REFS][2];
};

struct h264_slice_header {
	unsigned start_code_size;	/* bytes of 00 00 (00) 01 skipped */
	uint8_t nal_ref_idc;
	uint8_t nal_unit_type;	/* 1 or 5 */
	bool idr;

	uint32_t first_mb_in_slice;
	uint8_t slice_type_raw;	/* 0..9 as coded */
	uint8_t slice_type;	/* slice_type % 5: enum h264_slice_type */
	uint8_t pic_parameter_set_id;
	uint8_t colour_plane_id;
	uint16_t frame_num;
	bool field_pic;
	bool bottom_field;
	uint16_t idr_pic_id;
	uint16_t pic_order_cnt_lsb;
	int32_t delta_pic_order_cnt_bottom;
	int32_t delta_pic_order_cnt[2];
	uint8_t redundant_pic_cnt;
	bool direct_spatial_mv_pred;
	bool num_ref_idx_override;
	uint8_t num_ref_idx_l0_active_minus1;
	uint8_t num_ref_idx_l1_active_minus1;
	bool ref_pic_list_modification[2];

	bool has_pred_weight_table;
	uint8_t luma_log2_weight_denom;
	uint8_t chroma_log2_weight_denom;
	/* With the inferred values (7.4.3.2) where a flag is 0. */
	struct h264_pred_weight_list weights[2];

	bool no_output_of_prior_pics;
	bool long_term_reference;
	bool adaptive_ref_pic_marking;
	bool mmco5;	/* a memory_management_control_operation 5 */

	uint8_t cabac_init_idc;
	int8_t slice_qp_delta;
	bool sp_for_switch;
	int8_t slice_qs_delta;
	uint8_t disable_deblocking_filter_idc;
	int8_t slice_alpha_c0_offset_div2;
	int8_t slice_beta_offset_div2;
	uint32_t slice_group_change_cycle;

	/* Sizes in bits. The header size counts from the NAL header byte
	 * (any start code excluded) to the first bit of slice_data(). The
	 * "rbsp" sizes leave emulation prevention bytes out, the "raw" size
	 * counts them. */
	uint32_t header_rbsp_bits;
	uint32_t header_raw_bits;
	uint32_t pic_order_cnt_rbsp_bits;
	uint32_t dec_ref_pic_marking_rbsp_bits;
	unsigned epb_in_header;
};

enum h264_sh_status {
	H264_SH_OK = 0,
	H264_SH_TRUNCATED,	/* the data ends inside the header */
	H264_SH_INVALID,	/* a syntax element is out of range */
	H264_SH_UNSUPPORTED,	/* a NAL type this parser does not handle */
};

/* Parses the slice NAL unit in data (with or without a leading Annex B
 * start code). Never reads outside data. On failure, *why names the
 * syntax element at fault (a static string). */
enum h264_sh_status h264_parse_slice_header(const uint8_t *data, size_t size,
					    const struct h264_sh_context *ctx,
					    struct h264_slice_header *sh,
					    const char **why);

/* Length of the Annex B start code data begins with (3 or 4), or 0. */
unsigned h264_start_code_size(const uint8_t *data, size_t size);

#endif
