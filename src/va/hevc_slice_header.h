/* A small HEVC slice segment header parser (H.265 7.3.6.1) for what VA-API
 * does not hand over but the V4L2 stateless controls need: the NAL unit
 * header, the sizes in bits of the reference picture set syntax, where
 * slice_segment_data() starts, the entry point offsets, and the flags an
 * IRAP picture carries. It reads the slice NAL as the client passes it (an
 * Annex B start code in front is allowed) and never reads past its end.
 * The SPS/PPS values it needs come from VA's picture parameters (struct
 * hevc_sh_context). */
#ifndef VA_HEVC_SLICE_HEADER_H
#define VA_HEVC_SLICE_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEVC_SH_MAX_REFS 15	/* num_ref_idx_lX_active_minus1 <= 14 */
#define HEVC_SH_MAX_LT 16	/* long-term entries in one slice header */

enum hevc_nal_type {
	HEVC_NAL_TRAIL_N = 0,
	HEVC_NAL_TRAIL_R = 1,
	HEVC_NAL_RASL_N = 8,
	HEVC_NAL_RASL_R = 9,
	HEVC_NAL_BLA_W_LP = 16,
	HEVC_NAL_IDR_W_RADL = 19,
	HEVC_NAL_IDR_N_LP = 20,
	HEVC_NAL_CRA = 21,
	HEVC_NAL_RSV_IRAP_23 = 23,
};

static inline bool hevc_nal_is_irap(unsigned t)
{
	return t >= HEVC_NAL_BLA_W_LP && t <= HEVC_NAL_RSV_IRAP_23;
}

static inline bool hevc_nal_is_idr(unsigned t)
{
	return t == HEVC_NAL_IDR_W_RADL || t == HEVC_NAL_IDR_N_LP;
}

/* slice_type values, as coded (and as V4L2_HEVC_SLICE_TYPE_* has them). */
enum hevc_slice_type {
	HEVC_SLICE_B = 0,
	HEVC_SLICE_P = 1,
	HEVC_SLICE_I = 2,
};

/* What the parser needs from the active SPS and PPS. */
struct hevc_sh_context {
	unsigned pic_size_in_ctbs;	/* PicSizeInCtbsY, >= 1 */
	unsigned log2_max_poc_lsb;	/* 4..16 */
	unsigned num_short_term_ref_pic_sets;	/* 0..64 */
	unsigned num_long_term_ref_pics_sps;	/* 0..32 */
	unsigned num_extra_slice_header_bits;	/* 0..7 */
	unsigned chroma_array_type;	/* 0..3 */
	unsigned max_dec_pic_buffering_minus1;	/* 0..15, bounds the RPS */
	unsigned num_ref_idx_l0_default_minus1;
	unsigned num_ref_idx_l1_default_minus1;
	/* NumPicTotalCurr (7-55): how many bits list_entry_lX takes. VA does
	 * not carry the SPS's reference picture sets, so the caller counts
	 * the references VA marks as used by the current picture. */
	unsigned num_pic_total_curr;
	/* The client's size in bits of the slice's own st_ref_pic_set()
	 * (VA's st_rps_bits), 0 when not known. Only needed when that set is
	 * predicted from one in the SPS (inter_ref_pic_set_prediction_flag):
	 * the SPS sets are not known here, so the parser walks the predicted
	 * set's flags until this many bits are used. */
	unsigned st_rps_bits;
	/* Inferred for slices that do not override them. */
	int pps_beta_offset_div2, pps_tc_offset_div2;
	bool dependent_slice_segments_enabled;
	bool output_flag_present;
	bool separate_colour_plane;
	bool long_term_ref_pics_present;
	bool sps_temporal_mvp_enabled;
	bool sample_adaptive_offset_enabled;
	bool lists_modification_present;
	bool cabac_init_present;
	bool weighted_pred;
	bool weighted_bipred;
	bool slice_chroma_qp_offsets_present;
	bool deblocking_filter_override_enabled;
	bool pps_deblocking_filter_disabled;
	bool pps_loop_filter_across_slices_enabled;
	bool tiles_enabled;
	bool entropy_coding_sync_enabled;
	bool slice_segment_header_extension_present;
};

struct hevc_sh_long_term {
	bool from_sps;		/* lt_idx_sps[] names an SPS candidate */
	uint8_t lt_idx_sps;
	uint16_t poc_lsb_lt;	/* when !from_sps */
	bool used_by_curr_pic;	/* when !from_sps (the SPS's flag is not known) */
	bool delta_poc_msb_present;
	uint32_t delta_poc_msb_cycle_lt;	/* DeltaPocMsbCycleLt[i] (7-52) */
};

struct hevc_sh_pred_weight_list {
	bool luma_weight_flag[HEVC_SH_MAX_REFS];
	bool chroma_weight_flag[HEVC_SH_MAX_REFS];
	int16_t delta_luma_weight[HEVC_SH_MAX_REFS];
	int16_t luma_offset[HEVC_SH_MAX_REFS];
	int16_t delta_chroma_weight[HEVC_SH_MAX_REFS][2];
	int16_t delta_chroma_offset[HEVC_SH_MAX_REFS][2];
};

struct hevc_slice_header {
	/* Where things are, in bytes from the start of the data given. */
	unsigned start_code_size;	/* 0, or the 00 00 (00..) 01 skipped */
	uint32_t data_byte_offset;	/* slice_segment_data(), raw bytes */
	uint32_t header_rbsp_bytes;	/* NAL header + slice header, EPB removed */
	unsigned header_epb;	/* emulation prevention bytes in the header */

	/* NAL unit header */
	uint8_t nal_unit_type;
	uint8_t nuh_layer_id;
	uint8_t nuh_temporal_id_plus1;

	bool first_slice_segment_in_pic;
	bool no_output_of_prior_pics;
	uint8_t pps_id;
	bool dependent_slice_segment;
	uint32_t slice_segment_address;

	/* From here to the entry points: for a dependent slice segment, the
	 * values of the independent one before it (7.4.7.1). */
	uint8_t slice_type;
	bool pic_output_flag;	/* 1 when not coded */
	uint8_t colour_plane_id;
	uint16_t pic_order_cnt_lsb;
	bool short_term_ref_pic_set_sps_flag;
	uint8_t short_term_ref_pic_set_idx;
	bool inter_ref_pic_set_prediction;	/* of the slice's own set */
	/* Size in bits of the slice's st_ref_pic_set() (0 when the SPS's set
	 * is used), counted without emulation prevention bytes. */
	uint32_t st_rps_bits;
	/* NumDeltaPocs[RefRpsIdx] when the slice's own set is predicted from
	 * another one, else 0. */
	uint8_t num_delta_pocs_of_ref_rps_idx;
	/* NumNegativePics / NumPositivePics of the slice's own, explicitly
	 * coded set (both 0 when it is predicted or from the SPS). */
	uint8_t num_negative_pics, num_positive_pics;
	/* Size in bits of the if(long_term_ref_pics_present_flag) block. */
	uint32_t lt_rps_bits;
	uint8_t num_long_term_sps, num_long_term_pics;
	struct hevc_sh_long_term lt[HEVC_SH_MAX_LT];
	bool slice_temporal_mvp_enabled;
	bool slice_sao_luma, slice_sao_chroma;
	uint8_t num_ref_idx_l0_active_minus1;	/* 0 for I slices */
	uint8_t num_ref_idx_l1_active_minus1;	/* 0 unless B */
	bool ref_pic_list_modification_l0, ref_pic_list_modification_l1;
	bool mvd_l1_zero;
	bool cabac_init;
	bool collocated_from_l0;	/* 1 when not coded */
	uint8_t collocated_ref_idx;	/* 0 when not coded */
	uint8_t luma_log2_weight_denom;
	int8_t delta_chroma_log2_weight_denom;
	struct hevc_sh_pred_weight_list pwt[2];	/* when has_pred_weight_table */
	bool has_pred_weight_table;
	uint8_t five_minus_max_num_merge_cand;	/* 0 for I slices */
	int8_t slice_qp_delta;
	int8_t slice_cb_qp_offset, slice_cr_qp_offset;
	bool deblocking_filter_override;
	bool slice_deblocking_filter_disabled;
	int8_t slice_beta_offset_div2, slice_tc_offset_div2;
	bool slice_loop_filter_across_slices_enabled;

	uint32_t num_entry_point_offsets;
	uint32_t slice_segment_header_extension_length;
};

enum hevc_sh_status {
	HEVC_SH_OK = 0,
	HEVC_SH_TRUNCATED,	/* the data ends inside the header */
	HEVC_SH_INVALID,	/* a value the syntax or its semantics forbid */
	HEVC_SH_UNSUPPORTED,	/* valid, but not something we can decode */
	HEVC_SH_TOO_MANY,	/* more entry points than room was given */
};

/* Parses the slice segment header at data[0..size). prev is the header of
 * the independent slice segment this one depends on (NULL when there is
 * none: a dependent slice segment is then invalid). The entry point
 * offsets (entry_point_offset_minus1 + 1, in bytes) go to entry_points,
 * which has room for max_entry_points of them. On failure, why names the
 * syntax element at fault (why_size bytes, always terminated). */
enum hevc_sh_status hevc_parse_slice_header(const uint8_t *data, size_t size,
					    const struct hevc_sh_context *ctx,
					    const struct hevc_slice_header *prev,
					    struct hevc_slice_header *sh,
					    uint32_t *entry_points,
					    unsigned max_entry_points,
					    char *why, size_t why_size);

/* Length of an Annex B start code at data[0..size) (two or more zero bytes
 * then 01), or 0 when the data does not begin with one. */
unsigned hevc_start_code_size(const uint8_t *data, size_t size);

#endif
