/* Valid VA parameter buffers of each codec, shared by the driver's unit
 * tests (tests/unit/test-va-*.c) and the guest program that sends hostile
 * input through the real driver (tests/guest/va-hostile.c): one picture
 * description each, so that both check the same realistic input. */
#ifndef UNIT_VA_FIXTURES_H
#define UNIT_VA_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <va/va.h>

/* ---- H.264: unit/data/h264 (make-fixtures.sh there) ---- */

/* One slice of a fixture stream: its .bin file's name, where it starts,
 * its header's size in bits and its slice_qp_delta. */
struct h264_fx_slice {
	const char *name;
	unsigned first_mb, header_bits;
	int qp_delta;
	unsigned slice_type;	/* VA's: 7 I, 5 P */
};

/* cavlc_4slices: an IDR picture of four slices, and slice 1 of the P
 * picture after it (one reference, frame_num 1). */
extern const struct h264_fx_slice h264_fx_cavlc_idr[4];
extern const struct h264_fx_slice h264_fx_cavlc_p;

void h264_fx_pic_init(VAPictureH264 *p);
/* Everything 0, no references, CurrPic target. */
void h264_fx_pp_blank(VAPictureParameterBufferH264 *pp, VASurfaceID target);
/* cavlc_4slices.params.trace: Constrained Baseline, POC type 2, 3 refs,
 * 320x240. */
void h264_fx_pp_cavlc(VAPictureParameterBufferH264 *pp, VASurfaceID target);

/* ---- HEVC: unit/data/hevc/fixtures.h (gen-fixtures.py) ---- */

struct fx_stream {
	const char *name;
	int pic_width_in_luma_samples, pic_height_in_luma_samples;
	int chroma_format_idc, bit_depth_luma_minus8, bit_depth_chroma_minus8;
	int log2_max_pic_order_cnt_lsb_minus4;
	int sps_max_dec_pic_buffering_minus1, sps_max_num_reorder_pics;
	int log2_min_luma_coding_block_size_minus3;
	int log2_diff_max_min_luma_coding_block_size;
	int log2_min_luma_transform_block_size_minus2;
	int log2_diff_max_min_luma_transform_block_size;
	int max_transform_hierarchy_depth_inter, max_transform_hierarchy_depth_intra;
	int scaling_list_enabled_flag, amp_enabled_flag;
	int sample_adaptive_offset_enabled_flag, pcm_enabled_flag;
	int num_short_term_ref_pic_sets, long_term_ref_pics_present_flag;
	int sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag;
	int pps_pic_parameter_set_id, dependent_slice_segments_enabled_flag;
	int output_flag_present_flag, num_extra_slice_header_bits;
	int sign_data_hiding_enabled_flag, cabac_init_present_flag;
	int num_ref_idx_l0_default_active_minus1;
	int num_ref_idx_l1_default_active_minus1, init_qp_minus26;
	int constrained_intra_pred_flag, transform_skip_enabled_flag;
	int cu_qp_delta_enabled_flag, diff_cu_qp_delta_depth;
	int pps_cb_qp_offset, pps_cr_qp_offset;
	int pps_slice_chroma_qp_offsets_present_flag, weighted_pred_flag;
	int weighted_bipred_flag, transquant_bypass_enabled_flag;
	int tiles_enabled_flag, entropy_coding_sync_enabled_flag;
	int pps_loop_filter_across_slices_enabled_flag;
	int deblocking_filter_control_present_flag;
	int deblocking_filter_override_enabled_flag;
	int pps_deblocking_filter_disabled_flag, pps_beta_offset_div2;
	int pps_tc_offset_div2, lists_modification_present_flag;
	int log2_parallel_merge_level_minus2;
	int slice_segment_header_extension_present_flag;
};

struct fx_ref {
	uint32_t surface;
	int32_t poc;
	uint32_t flags;
};

struct fx_slice {
	const uint8_t *bytes;
	unsigned n_bytes, nal_size;
	int nal_unit_type, nuh_temporal_id_plus1;
	int first_slice_segment_in_pic_flag, no_output_of_prior_pics_flag;
	int dependent_slice_segment_flag, slice_segment_address, slice_type;
	int slice_sao_luma_flag, slice_sao_chroma_flag;
	int slice_temporal_mvp_enabled_flag, mvd_l1_zero_flag, cabac_init_flag;
	int collocated_from_l0_flag, collocated_ref_idx;
	int num_ref_idx_l0_active_minus1, num_ref_idx_l1_active_minus1;
	int five_minus_max_num_merge_cand, slice_qp_delta;
	int slice_cb_qp_offset, slice_cr_qp_offset;
	int slice_deblocking_filter_disabled_flag;
	int slice_beta_offset_div2, slice_tc_offset_div2;
	int slice_loop_filter_across_slices_enabled_flag;
	unsigned header_rbsp_bytes, header_raw_bytes, st_rps_bits;
	unsigned num_entry_point_offsets;
	uint32_t entry_points[16];
	int luma_log2_weight_denom, delta_chroma_log2_weight_denom;
	int delta_luma_weight[2][15], luma_offset[2][15];
	int delta_chroma_weight[2][15][2], chroma_offset[2][15][2];
	uint8_t ref_pic_list[2][15];	/* the active entries */
};

struct fx_picture {
	const struct fx_stream *stream;
	int decode_index;
	uint32_t surface;
	int32_t poc;
	unsigned n_refs;
	struct fx_ref refs[15];
	unsigned n_before, n_after;
	uint8_t before[8], after[8];	/* PocStCurr*, indices into refs[] */
	unsigned st_rps_bits;
	unsigned n_slices;
	struct fx_slice slices[4];
};

/* The sequence and picture set values of a fixture stream, as FFmpeg's
 * vaapi_hevc fills them. */
void hevc_fx_stream_params(VAPictureParameterBufferHEVC *p,
			   const struct fx_stream *s);
/* A fixture slice's parameters (slice_data_size left to the caller). */
void hevc_fx_slice_params(VASliceParameterBufferHEVC *sp,
			  const struct fx_slice *x, bool last);

/* ---- VP8 ---- */

/* A 200x120 frame: 150 header bits in the first partition (19 bytes),
 * 300 more bytes of it, two DCT partitions of 900 and 700 bytes: the
 * slice data is VP8_FX_DATA_SIZE bytes. last and golden (also alt) name
 * the references of an inter frame. */
#define VP8_FX_DATA_SIZE (19 + 300 + 3 + 900 + 700)
void vp8_fx_frame(VAPictureParameterBufferVP8 *pic, VAIQMatrixBufferVP8 *iq,
		  VAProbabilityDataBufferVP8 *prob,
		  VASliceParameterBufferVP8 *sp, bool key, VASurfaceID last,
		  VASurfaceID golden);

/* ---- VP9: frames written from known values ---- */

#define VP9_FX_KEEP 99		/* a loop filter delta the frame does not update */
#define VP9_FX_NOT_CODED 255	/* a segmentation probability left at its default */

/* What a test frame codes. */
struct vp9_desc {
	unsigned profile;		/* 0, or 2: 10 bits */
	bool show_existing;
	unsigned show_idx;
	bool key, show, error_res, intra_only;
	unsigned reset_ctx;
	bool color_full;
	unsigned refresh;
	unsigned ref_idx[3];
	bool sign_bias[3];
	bool size_from_ref;
	unsigned width, height;
	unsigned render_w, render_h;	/* 0: the frame size */
	bool hp;
	unsigned interp;		/* V4L2_VP9_INTERP_FILTER_* */
	bool refresh_ctx, parallel;
	unsigned ctx_idx;
	unsigned lf_level, sharpness;
	bool delta_enabled, delta_update;
	int ref_delta[4], mode_delta[2];	/* VP9_FX_KEEP: not updated */
	unsigned base_q;
	int dq_ydc, dq_uvdc, dq_uvac;
	bool seg_enabled, seg_update_map, seg_temporal, seg_update_data,
		seg_abs;
	uint8_t tree[7], pred[3];		/* VP9_FX_NOT_CODED: 255 */
	bool feat_on[8][4];
	int feat[8][4];
	unsigned tile_cols_log2, tile_rows_log2;
	unsigned tx_mode;		/* the compressed header's */
};

/* A whole frame: uncompressed header, compressed header, tiles. */
struct vp9_frame {
	uint8_t buf[16384];
	size_t size;
	unsigned unc_size, comp_size;
};

/* 352x288 shown at 320x240: one tile column, two tile rows. */
struct vp9_desc vp9_fx_key_desc(void);
/* An inter frame on slots 0, 1 and 6, size from the first reference,
 * switchable filters, deltas not updated. */
struct vp9_desc vp9_fx_inter_desc(void);
/* Writes the frame d describes: the compressed header codes tx_mode then
 * no updates; tiles of 6, 7, 8, ... bytes, all but the last behind their
 * 4-byte sizes. */
void vp9_fx_build(const struct vp9_desc *d, struct vp9_frame *f);
/* The picture parameters as FFmpeg's VA hwaccel fills them for that
 * frame, slot i of the reference frames holding refs[i]. */
void vp9_fx_fill_pic(VADecPictureParameterBufferVP9 *pic,
		     const struct vp9_desc *d, const struct vp9_frame *f,
		     const VASurfaceID refs[8]);

/* ---- AV1: the first two frames of the `av1` test stream ---- */

/* Frame 0: shown key frame, 320x240 in one tile, order hint 0,
 * base_q_idx 32; no references (GStreamer's vaav1dec leaves 255 in
 * ref_frame_idx). */
void av1_fx_key_frame(VADecPictureParameterBufferAV1 *p, VASurfaceID target);
/* Frame 1: inter frame, order hint 1, every slot holding frame 0 (key). */
void av1_fx_inter_frame(VADecPictureParameterBufferAV1 *p, VASurfaceID target,
			VASurfaceID key);
/* The av1-grain stream's key frame film grain (libaom, -denoise-noise-level
 * 10; FFmpeg's trace_headers), as FFmpeg hands it (AR coefficients minus
 * 128), applied and shown from `shown`; the tables as the stream codes
 * them, for checking the translation. */
extern const uint8_t av1_fx_grain_y_x[9], av1_fx_grain_y_scaling[9];
extern const uint8_t av1_fx_grain_c_x[8], av1_fx_grain_cb_scaling[8],
	av1_fx_grain_cr_scaling[8];
extern const uint8_t av1_fx_grain_ar_y[24], av1_fx_grain_ar_cb[25],
	av1_fx_grain_ar_cr[25];
void av1_fx_film_grain(VADecPictureParameterBufferAV1 *p, VASurfaceID shown);

#endif
