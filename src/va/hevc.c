/* HEVC (Main, Main 10): VA picture, matrix and slice buffers to the
 * stateless HEVC controls (SPS, PPS, scaling matrix, decode parameters,
 * slice parameters, entry point offsets).
 *
 * VA's buffers lack what the controls need from the slice headers (NAL unit
 * type and temporal id, the sizes of the reference picture set syntax,
 * where the slice data starts, the entry points, no_output_of_prior_pics):
 * each slice header is parsed from the slice data (hevc_slice_header.c).
 * Slice header fields come from that parse, so they do not depend on how a
 * client fills VA's copies of them; VA's slice parameters give the
 * reference lists, and the fields both have are compared so that a header
 * misread (or slice data that is not what the parameters describe) is an
 * error, not a picture decoded with wrong bit positions.
 *
 * Layout of a request's OUTPUT buffer (picture.c writes it): for each of
 * the request's slices in order, the bytes slice_prefix() returns (00 00 01
 * when the device wants Annex B start codes and the slice lacks one), then
 * the slice data exactly as the client gave it. bit_size counts the bits
 * of the slice there, prefix and any start code included, up to the NAL
 * unit's last byte: zero bytes after it (FFmpeg hands over the zero_byte of
 * the next start code) are byte stream, not slice (7.4.2: a NAL unit never
 * ends in 0x00). data_byte_offset is where its slice_segment_data()
 * starts: the bytes before the slice's NAL header (its position in the
 * buffer, prefix, start code), then the NAL and slice segment headers
 * counted with their emulation prevention bytes removed. That is how
 * Cedrus, the one driver that reads it, uses it: it points its bit reader
 * at the start of the buffer and skips (data_byte_offset - 1) * 8 bits
 * through it, and that reader removes emulation prevention bytes itself
 * (Cedrus leaves VE_DEC_H265_CTRL_EPTB_DEC_BYPASS_EN clear). GStreamer
 * counts it so too, and VA's slice_data_byte_offset is defined so. */
#include <stdio.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/log.h"
#include "va/codec.h"
#include "va/hevc_slice_header.h"

/* MaxSliceSegmentsPerPicture of the highest level (A.4.2, Table A.8). */
#define HEVC_MAX_SLICES 600
/* Entry points of a picture: one per tile or CTB row a slice crosses. */
#define HEVC_MAX_ENTRY_POINTS 8192
#define HEVC_VA_REFS 15
#define NO_REF 0xff

/* Raster position of the i-th coefficient in up-right diagonal scan
 * order (6.5.3), for 4x4 blocks and for the 8x8 coefficient sets of the
 * 8x8, 16x16 and 32x32 lists. */
static const uint8_t diag4x4[16] = {
	0, 4, 1, 8, 5, 2, 12, 9, 6, 3, 13, 10, 7, 14, 11, 15,
};

static const uint8_t diag8x8[64] = {
	0,  8,  1,  16, 9,  2,  24, 17, 10, 3,  32, 25, 18, 11, 4,  40,
	33, 26, 19, 12, 5,  48, 41, 34, 27, 20, 13, 6,  56, 49, 42, 35,
	28, 21, 14, 7,  57, 50, 43, 36, 29, 22, 15, 58, 51, 44, 37, 30,
	23, 59, 52, 45, 38, 31, 60, 53, 46, 39, 61, 54, 47, 62, 55, 63,
};

/* Default 8x8 scaling lists (Table 7-6), in up-right diagonal order. */
static const uint8_t default_intra8x8[64] = {
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 17, 16, 17, 16, 17, 18,
	17, 18, 18, 17, 18, 21, 19, 20, 21, 20, 19, 21, 24, 22, 22, 24,
	24, 22, 22, 24, 25, 25, 27, 30, 27, 25, 25, 29, 31, 35, 35, 31,
	29, 36, 41, 44, 41, 36, 47, 54, 54, 47, 65, 70, 65, 88, 88, 115,
};

static const uint8_t default_inter8x8[64] = {
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 17, 17, 17, 17, 17, 18,
	18, 18, 18, 18, 18, 20, 20, 20, 20, 20, 20, 20, 24, 24, 24, 24,
	24, 24, 24, 24, 25, 25, 25, 25, 25, 25, 25, 28, 28, 28, 28, 28,
	28, 33, 33, 33, 33, 33, 41, 41, 41, 41, 54, 54, 54, 71, 71, 91,
};

struct hevc_state {
	struct v4l2_ctrl_hevc_sps sps;
	struct v4l2_ctrl_hevc_pps pps;
	struct v4l2_ctrl_hevc_scaling_matrix scaling;
	struct v4l2_ctrl_hevc_decode_params decode;
	unsigned n_slices;
	bool send_slice_params, send_entry_points;
	struct v4l2_ctrl_hevc_slice_params slice[HEVC_MAX_SLICES];
	uint32_t ep_first[HEVC_MAX_SLICES];	/* slice's first entry point */
	unsigned n_entry_points;
	uint32_t entry_points[HEVC_MAX_ENTRY_POINTS];
	/* Scratch: the header being parsed and the independent one before. */
	struct hevc_slice_header sh, prev;
};

/* What the translation knows of VA's ReferenceFrames[]. */
struct hevc_refs {
	uint8_t dpb_index[HEVC_VA_REFS];	/* NO_REF: not in the DPB */
	bool unknown[HEVC_VA_REFS];	/* valid entry, surface never decoded */
	uint8_t before[HEVC_VA_REFS], after[HEVC_VA_REFS], lt[HEVC_VA_REFS];
	unsigned n_before, n_after, n_lt;
};

static bool va_ref_valid(const VAPictureHEVC *p)
{
	return !(p->flags & VA_PICTURE_HEVC_INVALID) &&
		p->picture_id != VA_INVALID_SURFACE;
}

/* The bytes picture.c puts in front of a slice; offsets depend on them. */
static unsigned prefix_size(const struct va_slice *s,
			    const struct v4l2r_decode_mode *mode)
{
	return mode->annex_b && hevc_start_code_size(s->data, s->size) == 0 ? 3 : 0;
}

static VAStatus check_pic_params(const VAPictureParameterBufferHEVC *pic,
				 VAProfile profile, unsigned bit_depth)
{
	const char *what = NULL;
	unsigned min_cb = pic->log2_min_luma_coding_block_size_minus3 + 3;
	unsigned ctb = min_cb + pic->log2_diff_max_min_luma_coding_block_size;
	unsigned max_depth = profile == VAProfileHEVCMain ? 0 : 2;
	/* Transform and PCM block sizes (7.4.3.2.1), log2. */
	unsigned min_tb = pic->log2_min_transform_block_size_minus2 + 2u;
	unsigned max_tb = min_tb + pic->log2_diff_max_min_transform_block_size;
	unsigned pcm_min = pic->log2_min_pcm_luma_coding_block_size_minus3 + 3u;
	unsigned pcm_max = pcm_min + pic->log2_diff_max_min_pcm_luma_coding_block_size;

	if (pic->pic_fields.bits.chroma_format_idc != 1 ||
	    pic->pic_fields.bits.separate_colour_plane_flag ||
	    pic->bit_depth_luma_minus8 > max_depth ||
	    pic->bit_depth_chroma_minus8 > max_depth) {
		v4l2r_err("hevc: chroma_format_idc %u, bit depth %u/%u: not "
			  "4:2:0 at the profile's bit depth",
			  pic->pic_fields.bits.chroma_format_idc,
			  pic->bit_depth_luma_minus8 + 8,
			  pic->bit_depth_chroma_minus8 + 8);
		return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
	}
	/* The device writes the SPS's depth into the context's pictures. */
	if (pic->bit_depth_luma_minus8 + 8u != bit_depth ||
	    pic->bit_depth_chroma_minus8 + 8u != bit_depth) {
		v4l2r_err("hevc: bit_depth_luma_minus8 = %u, "
			  "bit_depth_chroma_minus8 = %u, but the context's "
			  "pictures have %u bits", pic->bit_depth_luma_minus8,
			  pic->bit_depth_chroma_minus8, bit_depth);
		return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
	}
	if (pic->pic_width_in_luma_samples == 0 ||
	    pic->pic_height_in_luma_samples == 0 ||
	    pic->pic_width_in_luma_samples > 16888 ||
	    pic->pic_height_in_luma_samples > 16888)
		what = "pic_width/height_in_luma_samples";
	else if (ctb < 4 || ctb > 6)
		what = "log2_min_luma_coding_block_size_minus3 + "
			"log2_diff_max_min_luma_coding_block_size (CTB size)";
	else if (pic->pic_width_in_luma_samples % (1u << min_cb) ||
		 pic->pic_height_in_luma_samples % (1u << min_cb))
		what = "pic_width/height_in_luma_samples (not a multiple of "
			"the minimum coding block)";
	else if (pic->log2_max_pic_order_cnt_lsb_minus4 > 12)
		what = "log2_max_pic_order_cnt_lsb_minus4";
	else if (pic->sps_max_dec_pic_buffering_minus1 > 15)
		what = "sps_max_dec_pic_buffering_minus1";
	else if (pic->num_short_term_ref_pic_sets > 64)
		what = "num_short_term_ref_pic_sets";
	else if (pic->num_long_term_ref_pic_sps > 32)
		what = "num_long_term_ref_pic_sps";
	else if (pic->num_ref_idx_l0_default_active_minus1 > 14 ||
		 pic->num_ref_idx_l1_default_active_minus1 > 14)
		what = "num_ref_idx_lX_default_active_minus1";
	else if (pic->num_extra_slice_header_bits > 7)
		what = "num_extra_slice_header_bits";
	else if (pic->pps_cb_qp_offset < -12 || pic->pps_cb_qp_offset > 12 ||
		 pic->pps_cr_qp_offset < -12 || pic->pps_cr_qp_offset > 12)
		what = "pps_cb/cr_qp_offset";
	else if (pic->pps_beta_offset_div2 < -6 || pic->pps_beta_offset_div2 > 6 ||
		 pic->pps_tc_offset_div2 < -6 || pic->pps_tc_offset_div2 > 6)
		what = "pps_beta/tc_offset_div2";
	else if (pic->pic_fields.bits.tiles_enabled_flag &&
		 (pic->num_tile_columns_minus1 > 19 ||
		  pic->num_tile_rows_minus1 > 21))
		what = "num_tile_columns/rows_minus1 (more than VA's arrays)";
	else if (pic->init_qp_minus26 < -(26 + 6 * (int)pic->bit_depth_luma_minus8) ||
		 pic->init_qp_minus26 > 25)
		what = "init_qp_minus26";
	else if (pic->diff_cu_qp_delta_depth >
		 pic->log2_diff_max_min_luma_coding_block_size)
		what = "diff_cu_qp_delta_depth";
	else if (pic->log2_parallel_merge_level_minus2 + 2u > ctb)
		what = "log2_parallel_merge_level_minus2";
	else if (min_tb >= min_cb || max_tb > (ctb < 5 ? ctb : 5))
		what = "log2_min_transform_block_size_minus2 / "
			"log2_diff_max_min_transform_block_size";
	else if (pic->max_transform_hierarchy_depth_inter > ctb - min_tb ||
		 pic->max_transform_hierarchy_depth_intra > ctb - min_tb)
		what = "max_transform_hierarchy_depth_inter/intra";
	else if (pic->pic_fields.bits.pcm_enabled_flag &&
		 (pic->pcm_sample_bit_depth_luma_minus1 + 1u >
			  pic->bit_depth_luma_minus8 + 8u ||
		  pic->pcm_sample_bit_depth_chroma_minus1 + 1u >
			  pic->bit_depth_chroma_minus8 + 8u))
		what = "pcm_sample_bit_depth_luma/chroma_minus1";
	else if (pic->pic_fields.bits.pcm_enabled_flag &&
		 (pcm_min < (min_cb < 5 ? min_cb : 5) ||
		  pcm_max > (ctb < 5 ? ctb : 5)))
		what = "log2_min_pcm_luma_coding_block_size_minus3 / "
			"log2_diff_max_min_pcm_luma_coding_block_size";
	if (what) {
		v4l2r_err("hevc: picture parameter %s out of range", what);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	return VA_STATUS_SUCCESS;
}

static void fill_sps(struct v4l2_ctrl_hevc_sps *sps,
		     const VAPictureParameterBufferHEVC *pic)
{
	memset(sps, 0, sizeof(*sps));
	/* VA does not carry the VPS/SPS ids (the PPS id is in the slice
	 * header), sps_max_num_reorder_pics (only NoPicReorderingFlag, its
	 * being 0), sps_max_latency_increase_plus1 nor
	 * sps_max_sub_layers_minus1: the ids stay 0, reordering is bounded by
	 * the DPB size, latency is unlimited, one sub-layer. */
	sps->pic_width_in_luma_samples = pic->pic_width_in_luma_samples;
	sps->pic_height_in_luma_samples = pic->pic_height_in_luma_samples;
	sps->bit_depth_luma_minus8 = pic->bit_depth_luma_minus8;
	sps->bit_depth_chroma_minus8 = pic->bit_depth_chroma_minus8;
	sps->log2_max_pic_order_cnt_lsb_minus4 =
		pic->log2_max_pic_order_cnt_lsb_minus4;
	sps->sps_max_dec_pic_buffering_minus1 =
		pic->sps_max_dec_pic_buffering_minus1;
	sps->sps_max_num_reorder_pics = pic->pic_fields.bits.NoPicReorderingFlag ?
		0 : pic->sps_max_dec_pic_buffering_minus1;
	sps->log2_min_luma_coding_block_size_minus3 =
		pic->log2_min_luma_coding_block_size_minus3;
	sps->log2_diff_max_min_luma_coding_block_size =
		pic->log2_diff_max_min_luma_coding_block_size;
	sps->log2_min_luma_transform_block_size_minus2 =
		pic->log2_min_transform_block_size_minus2;
	sps->log2_diff_max_min_luma_transform_block_size =
		pic->log2_diff_max_min_transform_block_size;
	sps->max_transform_hierarchy_depth_inter =
		pic->max_transform_hierarchy_depth_inter;
	sps->max_transform_hierarchy_depth_intra =
		pic->max_transform_hierarchy_depth_intra;
	if (pic->pic_fields.bits.pcm_enabled_flag) {
		sps->pcm_sample_bit_depth_luma_minus1 =
			pic->pcm_sample_bit_depth_luma_minus1;
		sps->pcm_sample_bit_depth_chroma_minus1 =
			pic->pcm_sample_bit_depth_chroma_minus1;
		sps->log2_min_pcm_luma_coding_block_size_minus3 =
			pic->log2_min_pcm_luma_coding_block_size_minus3;
		sps->log2_diff_max_min_pcm_luma_coding_block_size =
			pic->log2_diff_max_min_pcm_luma_coding_block_size;
		sps->flags |= V4L2_HEVC_SPS_FLAG_PCM_ENABLED;
		if (pic->pic_fields.bits.pcm_loop_filter_disabled_flag)
			sps->flags |= V4L2_HEVC_SPS_FLAG_PCM_LOOP_FILTER_DISABLED;
	}
	sps->num_short_term_ref_pic_sets = pic->num_short_term_ref_pic_sets;
	/* Zero where the kernel would zero it (v4l2-ctrls-core.c), so what
	 * a driver or a trace sees is what was sent. */
	if (pic->slice_parsing_fields.bits.long_term_ref_pics_present_flag)
		sps->num_long_term_ref_pics_sps = pic->num_long_term_ref_pic_sps;
	sps->chroma_format_idc = pic->pic_fields.bits.chroma_format_idc;

	if (pic->pic_fields.bits.separate_colour_plane_flag)
		sps->flags |= V4L2_HEVC_SPS_FLAG_SEPARATE_COLOUR_PLANE;
	if (pic->pic_fields.bits.scaling_list_enabled_flag)
		sps->flags |= V4L2_HEVC_SPS_FLAG_SCALING_LIST_ENABLED;
	if (pic->pic_fields.bits.amp_enabled_flag)
		sps->flags |= V4L2_HEVC_SPS_FLAG_AMP_ENABLED;
	if (pic->slice_parsing_fields.bits.sample_adaptive_offset_enabled_flag)
		sps->flags |= V4L2_HEVC_SPS_FLAG_SAMPLE_ADAPTIVE_OFFSET;
	if (pic->slice_parsing_fields.bits.long_term_ref_pics_present_flag)
		sps->flags |= V4L2_HEVC_SPS_FLAG_LONG_TERM_REF_PICS_PRESENT;
	if (pic->slice_parsing_fields.bits.sps_temporal_mvp_enabled_flag)
		sps->flags |= V4L2_HEVC_SPS_FLAG_SPS_TEMPORAL_MVP_ENABLED;
	if (pic->pic_fields.bits.strong_intra_smoothing_enabled_flag)
		sps->flags |= V4L2_HEVC_SPS_FLAG_STRONG_INTRA_SMOOTHING_ENABLED;
}

/* Tile columns or rows: VA has all but the last size (for uniform spacing
 * too); the last one is what is left of the picture (6-3, 6-4). Devices
 * such as Cedrus read every size, the last included. Returns false when
 * the sizes do not fit the picture. */
static bool fill_tiles(uint8_t *out, unsigned out_len, const uint16_t *va,
		       unsigned n_minus1, unsigned size_in_ctbs, bool *uniform)
{
	unsigned n = n_minus1 + 1, sum = 0;

	if (n > out_len || n > size_in_ctbs)
		return false;
	for (unsigned i = 0; i + 1 < n; i++) {
		unsigned uniform_size = ((i + 1) * size_in_ctbs) / n -
			(i * size_in_ctbs) / n;
		if (va[i] + 1u != uniform_size)
			*uniform = false;
		if (va[i] > 255)
			return false;
		out[i] = (uint8_t)va[i];
		sum += va[i] + 1u;
	}
	if (sum >= size_in_ctbs || size_in_ctbs - sum - 1 > 255)
		return false;
	out[n - 1] = (uint8_t)(size_in_ctbs - sum - 1);
	return true;
}

static VAStatus fill_pps(struct v4l2_ctrl_hevc_pps *pps,
			 const VAPictureParameterBufferHEVC *pic,
			 unsigned width_in_ctbs, unsigned height_in_ctbs)
{
	const __typeof__(pic->pic_fields.bits) *pf = &pic->pic_fields.bits;
	const __typeof__(pic->slice_parsing_fields.bits) *sf =
		&pic->slice_parsing_fields.bits;

	memset(pps, 0, sizeof(*pps));
	pps->num_extra_slice_header_bits = pic->num_extra_slice_header_bits;
	pps->num_ref_idx_l0_default_active_minus1 =
		pic->num_ref_idx_l0_default_active_minus1;
	pps->num_ref_idx_l1_default_active_minus1 =
		pic->num_ref_idx_l1_default_active_minus1;
	pps->init_qp_minus26 = pic->init_qp_minus26;
	if (pf->cu_qp_delta_enabled_flag)
		pps->diff_cu_qp_delta_depth = pic->diff_cu_qp_delta_depth;
	pps->pps_cb_qp_offset = pic->pps_cb_qp_offset;
	pps->pps_cr_qp_offset = pic->pps_cr_qp_offset;
	if (!sf->pps_disable_deblocking_filter_flag) {
		pps->pps_beta_offset_div2 = pic->pps_beta_offset_div2;
		pps->pps_tc_offset_div2 = pic->pps_tc_offset_div2;
	}
	pps->log2_parallel_merge_level_minus2 =
		pic->log2_parallel_merge_level_minus2;

	if (sf->dependent_slice_segments_enabled_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_DEPENDENT_SLICE_SEGMENT_ENABLED;
	if (sf->output_flag_present_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_OUTPUT_FLAG_PRESENT;
	if (pf->sign_data_hiding_enabled_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_SIGN_DATA_HIDING_ENABLED;
	if (sf->cabac_init_present_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_CABAC_INIT_PRESENT;
	if (pf->constrained_intra_pred_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_CONSTRAINED_INTRA_PRED;
	if (pf->transform_skip_enabled_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_TRANSFORM_SKIP_ENABLED;
	if (pf->cu_qp_delta_enabled_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_CU_QP_DELTA_ENABLED;
	if (sf->pps_slice_chroma_qp_offsets_present_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_PPS_SLICE_CHROMA_QP_OFFSETS_PRESENT;
	if (pf->weighted_pred_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_WEIGHTED_PRED;
	if (pf->weighted_bipred_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_WEIGHTED_BIPRED;
	if (pf->transquant_bypass_enabled_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_TRANSQUANT_BYPASS_ENABLED;
	if (pf->entropy_coding_sync_enabled_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_ENTROPY_CODING_SYNC_ENABLED;
	if (pf->tiles_enabled_flag && pf->loop_filter_across_tiles_enabled_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_LOOP_FILTER_ACROSS_TILES_ENABLED;
	if (pf->pps_loop_filter_across_slices_enabled_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_PPS_LOOP_FILTER_ACROSS_SLICES_ENABLED;
	if (sf->deblocking_filter_override_enabled_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_OVERRIDE_ENABLED;
	if (sf->pps_disable_deblocking_filter_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_PPS_DISABLE_DEBLOCKING_FILTER;
	if (sf->lists_modification_present_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_LISTS_MODIFICATION_PRESENT;
	if (sf->slice_segment_header_extension_present_flag)
		pps->flags |= V4L2_HEVC_PPS_FLAG_SLICE_SEGMENT_HEADER_EXTENSION_PRESENT;
	/* VA lacks deblocking_filter_control_present_flag: the syntax it
	 * gates is in use when any of it differs from its inferred value.
	 * A stream that sends it with nothing in it gets 0 here, which
	 * decodes the same. */
	if (sf->deblocking_filter_override_enabled_flag ||
	    sf->pps_disable_deblocking_filter_flag ||
	    pic->pps_beta_offset_div2 || pic->pps_tc_offset_div2)
		pps->flags |= V4L2_HEVC_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT;

	if (!pf->tiles_enabled_flag) {
		/* uniform_spacing_flag is then inferred to be 1 (7.4.3.3). */
		pps->flags |= V4L2_HEVC_PPS_FLAG_UNIFORM_SPACING;
	} else {
		/* VA lacks uniform_spacing_flag too: set when the sizes are
		 * those uniform spacing gives, the same tiles either way. */
		bool uniform = true;

		pps->flags |= V4L2_HEVC_PPS_FLAG_TILES_ENABLED;
		pps->num_tile_columns_minus1 = pic->num_tile_columns_minus1;
		pps->num_tile_rows_minus1 = pic->num_tile_rows_minus1;
		if (!fill_tiles(pps->column_width_minus1,
				sizeof(pps->column_width_minus1),
				pic->column_width_minus1,
				pic->num_tile_columns_minus1, width_in_ctbs,
				&uniform) ||
		    !fill_tiles(pps->row_height_minus1,
				sizeof(pps->row_height_minus1),
				pic->row_height_minus1, pic->num_tile_rows_minus1,
				height_in_ctbs, &uniform)) {
			v4l2r_err("hevc: tile columns/rows do not fit a picture "
				  "of %ux%u CTBs", width_in_ctbs, height_in_ctbs);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		if (uniform)
			pps->flags |= V4L2_HEVC_PPS_FLAG_UNIFORM_SPACING;
	}
	return VA_STATUS_SUCCESS;
}

/* VA's lists are in up-right diagonal (coded) order, as FFmpeg and
 * GStreamer fill them whatever VA's header says; the control wants raster
 * order. 32x32 and DC: VA and the control both hold matrixId 0 (intra Y)
 * and 1 (inter Y, 3 in the 4:4:4 numbering) in that order. */
static void fill_scaling_matrix(struct v4l2_ctrl_hevc_scaling_matrix *m,
				const VAPictureParameterBufferHEVC *pic,
				const VAIQMatrixBufferHEVC *iq)
{
	memset(m, 0, sizeof(*m));
	if (!pic->pic_fields.bits.scaling_list_enabled_flag)
		return;

	if (!iq) {
		/* VA wants the matrices sent when scaling lists are on; a
		 * client that does not send them has none of its own: the
		 * stream uses the default lists (7.4.5, Table 7-6). */
		for (unsigned i = 0; i < 6; i++) {
			const uint8_t *def = i < 3 ? default_intra8x8 :
				default_inter8x8;
			for (unsigned j = 0; j < 16; j++)
				m->scaling_list_4x4[i][j] = 16;
			for (unsigned j = 0; j < 64; j++) {
				m->scaling_list_8x8[i][diag8x8[j]] = def[j];
				m->scaling_list_16x16[i][diag8x8[j]] = def[j];
				if (i == 0 || i == 3)
					m->scaling_list_32x32[i / 3][diag8x8[j]] =
						def[j];
			}
			m->scaling_list_dc_coef_16x16[i] = 16;
		}
		m->scaling_list_dc_coef_32x32[0] = 16;
		m->scaling_list_dc_coef_32x32[1] = 16;
		return;
	}

	for (unsigned i = 0; i < 6; i++) {
		for (unsigned j = 0; j < 16; j++)
			m->scaling_list_4x4[i][diag4x4[j]] = iq->ScalingList4x4[i][j];
		for (unsigned j = 0; j < 64; j++) {
			m->scaling_list_8x8[i][diag8x8[j]] = iq->ScalingList8x8[i][j];
			m->scaling_list_16x16[i][diag8x8[j]] =
				iq->ScalingList16x16[i][j];
		}
		m->scaling_list_dc_coef_16x16[i] = iq->ScalingListDC16x16[i];
	}
	for (unsigned i = 0; i < 2; i++) {
		for (unsigned j = 0; j < 64; j++)
			m->scaling_list_32x32[i][diag8x8[j]] =
				iq->ScalingList32x32[i][j];
		m->scaling_list_dc_coef_32x32[i] = iq->ScalingListDC32x32[i];
	}
}

/* A scaling factor of 0 is no scaling list value (7.4.5: 1..255); the
 * device would divide by it or zero the coefficients. Logs the first. */
static VAStatus check_scaling_lists(const VAPictureParameterBufferHEVC *pic,
				    const VAIQMatrixBufferHEVC *iq)
{
	if (!pic->pic_fields.bits.scaling_list_enabled_flag || !iq)
		return VA_STATUS_SUCCESS;
	/* Each list as rows of `row` factors (the DC values: one per list,
	 * named as [list][0]). */
#define LIST(name, row) { #name, (const uint8_t *)iq->name, sizeof(iq->name), row }
	const struct {
		const char *name;
		const uint8_t *v;
		size_t size, row;
	} lists[] = {
		LIST(ScalingList4x4, 16), LIST(ScalingList8x8, 64),
		LIST(ScalingList16x16, 64), LIST(ScalingList32x32, 64),
		LIST(ScalingListDC16x16, 1), LIST(ScalingListDC32x32, 1),
	};
#undef LIST

	for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
		if (!va_scaling_list_valid("hevc", lists[k].name, lists[k].v,
					   lists[k].size, lists[k].row))
			return VA_STATUS_ERROR_INVALID_PARAMETER;
	return VA_STATUS_SUCCESS;
}

static void sort_by_poc(uint8_t *idx, unsigned n,
			const VAPictureHEVC *frames, bool descending)
{
	for (unsigned i = 1; i < n; i++) {
		uint8_t v = idx[i];
		int32_t poc = frames[v].pic_order_cnt;
		unsigned j = i;
		while (j > 0 && (descending ?
				 frames[idx[j - 1]].pic_order_cnt < poc :
				 frames[idx[j - 1]].pic_order_cnt > poc)) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

/* Builds the DPB from VA's ReferenceFrames[] and the current picture's
 * reference picture set from their flags. The st sets are put in the order
 * 8.3.2 gives them (PocStCurrBefore nearest first, i.e. by decreasing POC,
 * PocStCurrAfter by increasing POC), which VA's flags do not carry. */
static VAStatus fill_dpb(struct hevc_state *st,
			 const VAPictureParameterBufferHEVC *pic,
			 VASurfaceID target, const struct va_ref_resolver *res,
			 struct hevc_refs *refs)
{
	struct v4l2_ctrl_hevc_decode_params *d = &st->decode;
	int32_t poc = pic->CurrPic.pic_order_cnt;

	memset(refs, 0, sizeof(*refs));
	for (unsigned i = 0; i < HEVC_VA_REFS; i++) {
		const VAPictureHEVC *f = &pic->ReferenceFrames[i];
		uint32_t rps = f->flags & (VA_PICTURE_HEVC_RPS_ST_CURR_BEFORE |
					   VA_PICTURE_HEVC_RPS_ST_CURR_AFTER |
					   VA_PICTURE_HEVC_RPS_LT_CURR);
		struct v4l2_hevc_dpb_entry *e;
		uint64_t ts;

		refs->dpb_index[i] = NO_REF;
		if (!va_ref_valid(f))
			continue;
		/* Only the second field of a frame may refer to the surface
		 * it is decoded into (its first field). */
		if (f->picture_id == target &&
		    !(pic->CurrPic.flags & VA_PICTURE_HEVC_FIELD_PIC)) {
			v4l2r_err("hevc: ReferenceFrames[%u] is the target "
				  "surface %#x", i, f->picture_id);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		if (rps & (rps - 1)) {
			v4l2r_err("hevc: ReferenceFrames[%u] is in more than "
				  "one RPS list (flags %#x)", i, f->flags);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		if (((rps & VA_PICTURE_HEVC_RPS_ST_CURR_BEFORE) &&
		     f->pic_order_cnt >= poc) ||
		    ((rps & VA_PICTURE_HEVC_RPS_ST_CURR_AFTER) &&
		     f->pic_order_cnt <= poc)) {
			v4l2r_err("hevc: ReferenceFrames[%u] POC %d is on the "
				  "wrong side of the current POC %d for its "
				  "RPS flag", i, f->pic_order_cnt, poc);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		if (rps & VA_PICTURE_HEVC_RPS_ST_CURR_BEFORE)
			refs->before[refs->n_before++] = (uint8_t)i;
		else if (rps & VA_PICTURE_HEVC_RPS_ST_CURR_AFTER)
			refs->after[refs->n_after++] = (uint8_t)i;
		else if (rps & VA_PICTURE_HEVC_RPS_LT_CURR)
			refs->lt[refs->n_lt++] = (uint8_t)i;

		ts = res && res->timestamp ?
			res->timestamp(res->opaque, f->picture_id) : 0;
		if (ts == 0) {
			refs->unknown[i] = true;
			if (rps) {
				v4l2r_err("hevc: ReferenceFrames[%u] (surface "
					  "%#x, POC %d) is a reference of the "
					  "current picture but was never "
					  "decoded", i, f->picture_id,
					  f->pic_order_cnt);
				return VA_STATUS_ERROR_INVALID_SURFACE;
			}
			v4l2r_warn("hevc: ReferenceFrames[%u] (surface %#x, "
				   "POC %d) was never decoded: left out of the "
				   "DPB", i, f->picture_id, f->pic_order_cnt);
			continue;
		}
		refs->dpb_index[i] = d->num_active_dpb_entries;
		e = &d->dpb[d->num_active_dpb_entries++];
		e->timestamp = ts;
		e->pic_order_cnt_val = f->pic_order_cnt;
		if (f->flags & VA_PICTURE_HEVC_LONG_TERM_REFERENCE)
			e->flags |= V4L2_HEVC_DPB_ENTRY_LONG_TERM_REFERENCE;
		if (f->flags & VA_PICTURE_HEVC_FIELD_PIC)
			e->field_pic = f->flags & VA_PICTURE_HEVC_BOTTOM_FIELD ?
				V4L2_HEVC_SEI_PIC_STRUCT_BOTTOM_FIELD :
				V4L2_HEVC_SEI_PIC_STRUCT_TOP_FIELD;
	}
	if (refs->n_before + refs->n_after + refs->n_lt > 8) {
		v4l2r_err("hevc: %u reference pictures marked as used by the "
			  "current picture, more than 8",
			  refs->n_before + refs->n_after + refs->n_lt);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	sort_by_poc(refs->before, refs->n_before, pic->ReferenceFrames, true);
	sort_by_poc(refs->after, refs->n_after, pic->ReferenceFrames, false);
	return VA_STATUS_SUCCESS;
}

/* PocLtCurr is in the order of the slice header's long-term entries, which
 * VA's flags do not carry. Entries coded in the slice header (poc_lsb_lt)
 * are matched to VA's pictures by POC. Entries picked from the SPS's
 * candidates come first in the header, but VA carries neither their POCs
 * nor whether they are used: the pictures left unmatched go first, in
 * VA's order (exact unless several SPS candidates are used). */
static void order_long_term(struct hevc_refs *refs,
			    const VAPictureParameterBufferHEVC *pic,
			    const struct hevc_slice_header *sh)
{
	unsigned max_lsb = 1u << (pic->log2_max_pic_order_cnt_lsb_minus4 + 4);
	unsigned total = sh->num_long_term_sps + sh->num_long_term_pics;
	uint8_t matched[HEVC_VA_REFS], ordered[HEVC_VA_REFS];
	bool taken[HEVC_VA_REFS] = { false };
	unsigned n_matched = 0, n = 0;

	for (unsigned i = sh->num_long_term_sps; i < total; i++) {
		const struct hevc_sh_long_term *lt = &sh->lt[i];
		int64_t want;

		if (!lt->used_by_curr_pic)
			continue;
		want = (int64_t)pic->CurrPic.pic_order_cnt -
			(int64_t)lt->delta_poc_msb_cycle_lt * max_lsb -
			((int64_t)sh->pic_order_cnt_lsb - lt->poc_lsb_lt);
		for (unsigned k = 0; k < refs->n_lt; k++) {
			int32_t poc = pic->ReferenceFrames[refs->lt[k]].pic_order_cnt;
			bool match = lt->delta_poc_msb_present ? poc == want :
				((uint32_t)poc & (max_lsb - 1)) == lt->poc_lsb_lt;
			if (!taken[k] && match) {
				taken[k] = true;
				matched[n_matched++] = refs->lt[k];
				break;
			}
		}
	}
	for (unsigned k = 0; k < refs->n_lt; k++)
		if (!taken[k])
			ordered[n++] = refs->lt[k];
	memcpy(ordered + n, matched, n_matched);
	memcpy(refs->lt, ordered, refs->n_lt);
}

static void fill_decode_params(struct hevc_state *st,
			       const VAPictureParameterBufferHEVC *pic,
			       const struct hevc_refs *refs,
			       const struct hevc_slice_header *first)
{
	struct v4l2_ctrl_hevc_decode_params *d = &st->decode;

	d->pic_order_cnt_val = pic->CurrPic.pic_order_cnt;
	d->short_term_ref_pic_set_size = (uint16_t)first->st_rps_bits;
	d->long_term_ref_pic_set_size = (uint16_t)first->lt_rps_bits;
	d->num_delta_pocs_of_ref_rps_idx = first->num_delta_pocs_of_ref_rps_idx;
	d->num_poc_st_curr_before = (uint8_t)refs->n_before;
	d->num_poc_st_curr_after = (uint8_t)refs->n_after;
	d->num_poc_lt_curr = (uint8_t)refs->n_lt;
	/* Entries past the counts name no picture. */
	memset(d->poc_st_curr_before, NO_REF, sizeof(d->poc_st_curr_before));
	memset(d->poc_st_curr_after, NO_REF, sizeof(d->poc_st_curr_after));
	memset(d->poc_lt_curr, NO_REF, sizeof(d->poc_lt_curr));
	for (unsigned i = 0; i < refs->n_before; i++)
		d->poc_st_curr_before[i] = refs->dpb_index[refs->before[i]];
	for (unsigned i = 0; i < refs->n_after; i++)
		d->poc_st_curr_after[i] = refs->dpb_index[refs->after[i]];
	for (unsigned i = 0; i < refs->n_lt; i++)
		d->poc_lt_curr[i] = refs->dpb_index[refs->lt[i]];
	if (hevc_nal_is_irap(first->nal_unit_type))
		d->flags |= V4L2_HEVC_DECODE_PARAM_FLAG_IRAP_PIC;
	if (hevc_nal_is_idr(first->nal_unit_type))
		d->flags |= V4L2_HEVC_DECODE_PARAM_FLAG_IDR_PIC;
	if (first->no_output_of_prior_pics)
		d->flags |= V4L2_HEVC_DECODE_PARAM_FLAG_NO_OUTPUT_OF_PRIOR;
}

static void sh_context(struct hevc_sh_context *c,
		       const VAPictureParameterBufferHEVC *pic,
		       unsigned pic_size_in_ctbs, unsigned num_pic_total_curr)
{
	const __typeof__(pic->pic_fields.bits) *pf = &pic->pic_fields.bits;
	const __typeof__(pic->slice_parsing_fields.bits) *sf =
		&pic->slice_parsing_fields.bits;

	*c = (struct hevc_sh_context){
		.pic_size_in_ctbs = pic_size_in_ctbs,
		.log2_max_poc_lsb = pic->log2_max_pic_order_cnt_lsb_minus4 + 4u,
		.num_short_term_ref_pic_sets = pic->num_short_term_ref_pic_sets,
		.num_long_term_ref_pics_sps = pic->num_long_term_ref_pic_sps,
		.num_extra_slice_header_bits = pic->num_extra_slice_header_bits,
		.chroma_array_type = pf->separate_colour_plane_flag ? 0 :
			pf->chroma_format_idc,
		.max_dec_pic_buffering_minus1 = pic->sps_max_dec_pic_buffering_minus1,
		.num_ref_idx_l0_default_minus1 =
			pic->num_ref_idx_l0_default_active_minus1,
		.num_ref_idx_l1_default_minus1 =
			pic->num_ref_idx_l1_default_active_minus1,
		.num_pic_total_curr = num_pic_total_curr,
		.st_rps_bits = pic->st_rps_bits,
		.pps_beta_offset_div2 = pic->pps_beta_offset_div2,
		.pps_tc_offset_div2 = pic->pps_tc_offset_div2,
		.dependent_slice_segments_enabled =
			sf->dependent_slice_segments_enabled_flag,
		.output_flag_present = sf->output_flag_present_flag,
		.separate_colour_plane = pf->separate_colour_plane_flag,
		.long_term_ref_pics_present = sf->long_term_ref_pics_present_flag,
		.sps_temporal_mvp_enabled = sf->sps_temporal_mvp_enabled_flag,
		.sample_adaptive_offset_enabled =
			sf->sample_adaptive_offset_enabled_flag,
		.lists_modification_present = sf->lists_modification_present_flag,
		.cabac_init_present = sf->cabac_init_present_flag,
		.weighted_pred = pf->weighted_pred_flag,
		.weighted_bipred = pf->weighted_bipred_flag,
		.slice_chroma_qp_offsets_present =
			sf->pps_slice_chroma_qp_offsets_present_flag,
		.deblocking_filter_override_enabled =
			sf->deblocking_filter_override_enabled_flag,
		.pps_deblocking_filter_disabled =
			sf->pps_disable_deblocking_filter_flag,
		.pps_loop_filter_across_slices_enabled =
			pf->pps_loop_filter_across_slices_enabled_flag,
		.tiles_enabled = pf->tiles_enabled_flag,
		.entropy_coding_sync_enabled = pf->entropy_coding_sync_enabled_flag,
		.slice_segment_header_extension_present =
			sf->slice_segment_header_extension_present_flag,
	};
}

/* Compares what VA says of a slice with its header; a difference means the
 * header was misread (or the data is not the slice VA describes), and then
 * no bit position taken from it can be trusted. */
static bool check_against_va(unsigned i, const VASliceParameterBufferHEVC *sp,
			     const struct hevc_slice_header *sh)
{
	const char *what = NULL;
	unsigned va = 0, got = 0;

#define CMP(name, a, b) \
	do { if (!what && (unsigned)(a) != (unsigned)(b)) { \
		what = name; va = (unsigned)(a); got = (unsigned)(b); } } while (0)
	CMP("slice_type", sp->LongSliceFlags.fields.slice_type, sh->slice_type);
	CMP("slice_segment_address", sp->slice_segment_address,
	    sh->slice_segment_address);
	CMP("dependent_slice_segment_flag",
	    sp->LongSliceFlags.fields.dependent_slice_segment_flag,
	    sh->dependent_slice_segment);
	CMP("slice_qp_delta", (uint8_t)sp->slice_qp_delta,
	    (uint8_t)sh->slice_qp_delta);
	if (sh->slice_type != HEVC_SLICE_I)
		CMP("num_ref_idx_l0_active_minus1",
		    sp->num_ref_idx_l0_active_minus1,
		    sh->num_ref_idx_l0_active_minus1);
	if (sh->slice_type == HEVC_SLICE_B)
		CMP("num_ref_idx_l1_active_minus1",
		    sp->num_ref_idx_l1_active_minus1,
		    sh->num_ref_idx_l1_active_minus1);
#undef CMP
	if (!what)
		return true;
	v4l2r_err("hevc: slice %u: %s is %u in VA's slice parameters but %u "
		  "in the slice header (corrupt slice data, or picture "
		  "parameters not those of the stream)", i, what, va, got);
	return false;
}

static VAStatus sh_error(unsigned i, enum hevc_sh_status st, const char *why)
{
	v4l2r_err("hevc: slice %u: %s: %s", i,
		  st == HEVC_SH_TRUNCATED ? "truncated slice header" :
		  st == HEVC_SH_UNSUPPORTED ? "unsupported slice header" :
		  st == HEVC_SH_TOO_MANY ? "too many entry points" :
		  "invalid slice header", why);
	return st == HEVC_SH_TOO_MANY ? VA_STATUS_ERROR_MAX_NUM_EXCEEDED :
		VA_STATUS_ERROR_INVALID_PARAMETER;
}

/* One list of a slice: VA's indices into ReferenceFrames[] to DPB
 * indices. Entries past the active ones name no picture. */
static VAStatus fill_ref_list(uint8_t *out, unsigned slice, unsigned l,
			      const uint8_t *va_list, unsigned n,
			      const VAPictureParameterBufferHEVC *pic,
			      const struct hevc_refs *refs)
{
	memset(out, NO_REF, V4L2_HEVC_DPB_ENTRIES_NUM_MAX);
	for (unsigned i = 0; i < n; i++) {
		unsigned k = va_list[i];

		if (k >= HEVC_VA_REFS || !va_ref_valid(&pic->ReferenceFrames[k])) {
			v4l2r_err("hevc: slice %u: RefPicList[%u][%u] = %u "
				  "names no reference frame", slice, l, i, k);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		if (refs->dpb_index[k] == NO_REF) {
			v4l2r_err("hevc: slice %u: RefPicList[%u][%u]: surface "
				  "%#x was never decoded", slice, l, i,
				  pic->ReferenceFrames[k].picture_id);
			return VA_STATUS_ERROR_INVALID_SURFACE;
		}
		out[i] = refs->dpb_index[k];
	}
	return VA_STATUS_SUCCESS;
}

/* 7-56: the control holds ChromaOffsetLX (it fits in 8 bits, the coded
 * delta does not). */
static int8_t chroma_offset(int delta_offset, int delta_weight,
			    unsigned log2_denom)
{
	int weight = (1 << log2_denom) + delta_weight;
	int v = 128 + delta_offset - ((128 * weight) >> log2_denom);
	return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

static void fill_pred_weights(struct v4l2_hevc_pred_weight_table *t,
			      const struct hevc_slice_header *sh)
{
	unsigned chroma_denom = sh->luma_log2_weight_denom +
		sh->delta_chroma_log2_weight_denom;

	memset(t, 0, sizeof(*t));
	if (!sh->has_pred_weight_table)
		return;
	t->luma_log2_weight_denom = sh->luma_log2_weight_denom;
	t->delta_chroma_log2_weight_denom = sh->delta_chroma_log2_weight_denom;
	for (unsigned l = 0; l < (sh->slice_type == HEVC_SLICE_B ? 2u : 1u); l++) {
		const struct hevc_sh_pred_weight_list *w = &sh->pwt[l];
		unsigned n = 1u + (l ? sh->num_ref_idx_l1_active_minus1 :
				   sh->num_ref_idx_l0_active_minus1);
		int8_t *dlw = l ? t->delta_luma_weight_l1 : t->delta_luma_weight_l0;
		int8_t *lo = l ? t->luma_offset_l1 : t->luma_offset_l0;
		int8_t (*dcw)[2] = l ? t->delta_chroma_weight_l1 :
			t->delta_chroma_weight_l0;
		int8_t (*co)[2] = l ? t->chroma_offset_l1 : t->chroma_offset_l0;

		for (unsigned i = 0; i < n; i++) {
			dlw[i] = (int8_t)w->delta_luma_weight[i];
			lo[i] = (int8_t)w->luma_offset[i];
			for (unsigned j = 0; j < 2; j++) {
				dcw[i][j] = (int8_t)w->delta_chroma_weight[i][j];
				co[i][j] = chroma_offset(w->delta_chroma_offset[i][j],
							 w->delta_chroma_weight[i][j],
							 chroma_denom);
			}
		}
	}
}

static VAStatus fill_slice(struct hevc_state *st, unsigned i,
			   const struct va_picture_input *in,
			   const struct hevc_refs *refs, uint64_t buffer_offset,
			   unsigned prefix)
{
	const VAPictureParameterBufferHEVC *pic = in->pic_params;
	const VASliceParameterBufferHEVC *sp = in->slices[i].params;
	const struct hevc_slice_header *sh = &st->sh;
	struct v4l2_ctrl_hevc_slice_params *s = &st->slice[i];
	uint32_t size = in->slices[i].size;
	VAStatus ret;

	/* Trailing zero bytes (at least the header stays: it was parsed). */
	while (size > sh->data_byte_offset && in->slices[i].data[size - 1] == 0)
		size--;
	uint64_t bits = ((uint64_t)prefix + size) * 8;
	uint64_t offset = buffer_offset + prefix + sh->start_code_size +
		sh->header_rbsp_bytes;

	if (bits > UINT32_MAX || offset > UINT32_MAX) {
		v4l2r_err("hevc: slice %u: %u bytes, too large", i,
			  in->slices[i].size);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	memset(s, 0, sizeof(*s));
	s->bit_size = (uint32_t)bits;
	s->data_byte_offset = (uint32_t)offset;
	s->num_entry_point_offsets = sh->num_entry_point_offsets;
	s->nal_unit_type = sh->nal_unit_type;
	s->nuh_temporal_id_plus1 = sh->nuh_temporal_id_plus1;
	s->slice_type = sh->slice_type;
	s->colour_plane_id = sh->colour_plane_id;
	s->slice_pic_order_cnt = pic->CurrPic.pic_order_cnt;
	s->num_ref_idx_l0_active_minus1 = sh->num_ref_idx_l0_active_minus1;
	s->num_ref_idx_l1_active_minus1 = sh->num_ref_idx_l1_active_minus1;
	s->collocated_ref_idx = sh->collocated_ref_idx;
	s->five_minus_max_num_merge_cand = sh->five_minus_max_num_merge_cand;
	s->slice_qp_delta = sh->slice_qp_delta;
	s->slice_cb_qp_offset = sh->slice_cb_qp_offset;
	s->slice_cr_qp_offset = sh->slice_cr_qp_offset;
	s->slice_beta_offset_div2 = sh->slice_beta_offset_div2;
	s->slice_tc_offset_div2 = sh->slice_tc_offset_div2;
	/* VA has no picture timing SEI: a field picture's own parity, else
	 * a frame. */
	if (pic->CurrPic.flags & VA_PICTURE_HEVC_FIELD_PIC)
		s->pic_struct = pic->CurrPic.flags & VA_PICTURE_HEVC_BOTTOM_FIELD ?
			V4L2_HEVC_SEI_PIC_STRUCT_BOTTOM_FIELD :
			V4L2_HEVC_SEI_PIC_STRUCT_TOP_FIELD;
	s->slice_segment_addr = sh->slice_segment_address;
	s->short_term_ref_pic_set_size = (uint16_t)sh->st_rps_bits;
	s->long_term_ref_pic_set_size = (uint16_t)sh->lt_rps_bits;

	if (sh->slice_sao_luma)
		s->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_SAO_LUMA;
	if (sh->slice_sao_chroma)
		s->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_SAO_CHROMA;
	if (sh->slice_temporal_mvp_enabled)
		s->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_TEMPORAL_MVP_ENABLED;
	if (sh->mvd_l1_zero)
		s->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_MVD_L1_ZERO;
	if (sh->cabac_init)
		s->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_CABAC_INIT;
	if (sh->collocated_from_l0)
		s->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_COLLOCATED_FROM_L0;
	if (sh->slice_deblocking_filter_disabled)
		s->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_DEBLOCKING_FILTER_DISABLED;
	if (sh->slice_loop_filter_across_slices_enabled)
		s->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_SLICE_LOOP_FILTER_ACROSS_SLICES_ENABLED;
	if (sh->dependent_slice_segment)
		s->flags |= V4L2_HEVC_SLICE_PARAMS_FLAG_DEPENDENT_SLICE_SEGMENT;

	memset(s->ref_idx_l0, NO_REF, sizeof(s->ref_idx_l0));
	memset(s->ref_idx_l1, NO_REF, sizeof(s->ref_idx_l1));
	if (sh->slice_type != HEVC_SLICE_I) {
		ret = fill_ref_list(s->ref_idx_l0, i, 0, sp->RefPicList[0],
				    sh->num_ref_idx_l0_active_minus1 + 1u, pic, refs);
		if (ret != VA_STATUS_SUCCESS)
			return ret;
	}
	if (sh->slice_type == HEVC_SLICE_B) {
		ret = fill_ref_list(s->ref_idx_l1, i, 1, sp->RefPicList[1],
				    sh->num_ref_idx_l1_active_minus1 + 1u, pic, refs);
		if (ret != VA_STATUS_SUCCESS)
			return ret;
	}
	fill_pred_weights(&s->pred_weight_table, sh);
	return VA_STATUS_SUCCESS;
}

static VAStatus hevc_translate(void *state, const struct va_picture_input *in,
			       const struct v4l2r_decode_mode *mode,
			       const struct va_ref_resolver *res)
{
	struct hevc_state *st = state;
	const VAPictureParameterBufferHEVC *pic = in->pic_params;
	unsigned ctb_log2 = pic->log2_min_luma_coding_block_size_minus3 + 3u +
		pic->log2_diff_max_min_luma_coding_block_size;
	unsigned width_in_ctbs, height_in_ctbs, qp_bd_offset;
	struct hevc_sh_context ctx;
	struct hevc_refs refs;
	uint64_t buffer_offset = 0;
	char why[160];
	VAStatus ret;

	st->n_slices = 0;
	st->n_entry_points = 0;
	memset(&st->decode, 0, sizeof(st->decode));

	ret = check_pic_params(pic, in->profile, in->bit_depth);
	if (ret != VA_STATUS_SUCCESS)
		return ret;
	if (!va_picture_fits(in, pic->pic_width_in_luma_samples,
			     pic->pic_height_in_luma_samples, "hevc",
			     "pic_width/height_in_luma_samples"))
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	if (in->n_slices == 0 || in->n_slices > HEVC_MAX_SLICES) {
		v4l2r_err("hevc: %u slices in a picture (1..%u)", in->n_slices,
			  HEVC_MAX_SLICES);
		return in->n_slices ? VA_STATUS_ERROR_MAX_NUM_EXCEEDED :
			VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	width_in_ctbs = (pic->pic_width_in_luma_samples + (1u << ctb_log2) - 1) >>
		ctb_log2;
	height_in_ctbs = (pic->pic_height_in_luma_samples + (1u << ctb_log2) - 1) >>
		ctb_log2;
	qp_bd_offset = 6u * pic->bit_depth_luma_minus8;

	fill_sps(&st->sps, pic);
	ret = fill_pps(&st->pps, pic, width_in_ctbs, height_in_ctbs);
	if (ret != VA_STATUS_SUCCESS)
		return ret;
	ret = check_scaling_lists(pic, in->iq_matrix);
	if (ret != VA_STATUS_SUCCESS)
		return ret;
	fill_scaling_matrix(&st->scaling, pic, in->iq_matrix);
	ret = fill_dpb(st, pic, in->target, res, &refs);
	if (ret != VA_STATUS_SUCCESS)
		return ret;

	sh_context(&ctx, pic, width_in_ctbs * height_in_ctbs,
		   refs.n_before + refs.n_after + refs.n_lt);

	for (unsigned i = 0; i < in->n_slices; i++) {
		const struct va_slice *slice = &in->slices[i];
		const VASliceParameterBufferHEVC *sp = slice->params;
		enum hevc_sh_status sst;
		int slice_qp;
		unsigned prefix;

		if (sp->slice_data_flag != VA_SLICE_DATA_FLAG_ALL) {
			v4l2r_err("hevc: slice %u: slice_data_flag %#x, only "
				  "whole slices are supported", i,
				  sp->slice_data_flag);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		sst = hevc_parse_slice_header(slice->data, slice->size, &ctx,
					      i ? &st->prev : NULL, &st->sh,
					      st->entry_points + st->n_entry_points,
					      HEVC_MAX_ENTRY_POINTS - st->n_entry_points,
					      why, sizeof(why));
		if (sst != HEVC_SH_OK)
			return sh_error(i, sst, why);
		if (!check_against_va(i, sp, &st->sh))
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		if (i == 0 && !st->sh.first_slice_segment_in_pic)
			v4l2r_warn("hevc: the picture's first slice has "
				   "first_slice_segment_in_pic_flag 0 (a "
				   "slice is missing)");
		if (i > 0 && (st->sh.nal_unit_type != st->slice[0].nal_unit_type ||
			      st->sh.pps_id != st->pps.pic_parameter_set_id)) {
			v4l2r_err("hevc: slice %u: nal_unit_type %u / PPS %u, "
				  "slice 0 has %u / %u", i,
				  st->sh.nal_unit_type, st->sh.pps_id,
				  st->slice[0].nal_unit_type,
				  st->pps.pic_parameter_set_id);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		slice_qp = 26 + pic->init_qp_minus26 + st->sh.slice_qp_delta;
		if (slice_qp < -(int)qp_bd_offset || slice_qp > 51) {
			v4l2r_err("hevc: slice %u: SliceQpY %d outside %d..51",
				  i, slice_qp, -(int)qp_bd_offset);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		if (st->sh.slice_type != HEVC_SLICE_I && ctx.num_pic_total_curr == 0) {
			v4l2r_err("hevc: slice %u: a %s slice, and no reference "
				  "frame marked as used by the current picture",
				  i, st->sh.slice_type == HEVC_SLICE_P ? "P" : "B");
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		if (!st->sh.short_term_ref_pic_set_sps_flag &&
		    !st->sh.inter_ref_pic_set_prediction && pic->st_rps_bits &&
		    pic->st_rps_bits != st->sh.st_rps_bits)
			v4l2r_dbg("hevc: slice %u: st_rps_bits %u in VA, %u in "
				  "the slice header", i, pic->st_rps_bits,
				  st->sh.st_rps_bits);
		if (sp->slice_data_byte_offset != st->sh.header_rbsp_bytes &&
		    sp->slice_data_byte_offset != st->sh.data_byte_offset -
		    st->sh.start_code_size)
			v4l2r_dbg("hevc: slice %u: slice_data_byte_offset %u in "
				  "VA, header of %u bytes (%u raw)", i,
				  sp->slice_data_byte_offset,
				  st->sh.header_rbsp_bytes,
				  st->sh.data_byte_offset - st->sh.start_code_size);

		if (i == 0) {
			st->pps.pic_parameter_set_id = st->sh.pps_id;
			order_long_term(&refs, pic, &st->sh);
			fill_decode_params(st, pic, &refs, &st->sh);
		}
		prefix = prefix_size(slice, mode);
		ret = fill_slice(st, i, in, &refs,
				 mode->slice_based ? 0 : buffer_offset, prefix);
		if (ret != VA_STATUS_SUCCESS)
			return ret;
		buffer_offset += prefix + (uint64_t)slice->size;
		st->ep_first[i] = st->n_entry_points;
		st->n_entry_points += st->sh.num_entry_point_offsets;
		if (!st->sh.dependent_slice_segment)
			st->prev = st->sh;
		st->n_slices = i + 1;
	}

	st->send_slice_params =
		!v4l2r_decode_mode_lacks(mode, V4L2R_CODEC_HEVC,
					V4L2_CID_STATELESS_HEVC_SLICE_PARAMS);
	st->send_entry_points =
		!v4l2r_decode_mode_lacks(mode, V4L2R_CODEC_HEVC,
					V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS);
	if (st->n_entry_points && !st->send_entry_points)
		v4l2r_dbg("hevc: the device takes no entry point offsets; %u "
			  "left out", st->n_entry_points);
	return VA_STATUS_SUCCESS;
}

static unsigned hevc_request_count(void *state,
				   const struct v4l2r_decode_mode *mode)
{
	const struct hevc_state *st = state;

	if (st->n_slices == 0)
		return 0;
	return mode->slice_based ? st->n_slices : 1;
}

static void add_control(struct va_request_plan *plan, uint32_t id, void *ptr,
			size_t size)
{
	struct v4l2_ext_control *c = &plan->controls[plan->n_controls++];

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->size = (uint32_t)size;
	c->ptr = ptr;
}

static void hevc_plan_request(void *state, const struct v4l2r_decode_mode *mode,
			      unsigned i, struct va_request_plan *plan)
{
	struct hevc_state *st = state;
	unsigned first = mode->slice_based ? i : 0;
	unsigned n = mode->slice_based ? 1 : st->n_slices;
	unsigned n_ep = 0;

	plan->n_controls = 0;
	plan->first_slice = first;
	plan->n_slices = n;
	if (first + n > st->n_slices) {
		plan->n_slices = 0;
		return;
	}
	/* Every request carries all of the picture's state: a slice-based
	 * device reads it again for each slice. */
	add_control(plan, V4L2_CID_STATELESS_HEVC_SPS, &st->sps, sizeof(st->sps));
	add_control(plan, V4L2_CID_STATELESS_HEVC_PPS, &st->pps, sizeof(st->pps));
	add_control(plan, V4L2_CID_STATELESS_HEVC_SCALING_MATRIX, &st->scaling,
		    sizeof(st->scaling));
	add_control(plan, V4L2_CID_STATELESS_HEVC_DECODE_PARAMS, &st->decode,
		    sizeof(st->decode));
	if (st->send_slice_params)
		add_control(plan, V4L2_CID_STATELESS_HEVC_SLICE_PARAMS,
			    &st->slice[first], n * sizeof(st->slice[0]));
	for (unsigned k = first; k < first + n; k++)
		n_ep += st->slice[k].num_entry_point_offsets;
	if (st->send_entry_points && n_ep)
		add_control(plan, V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS,
			    &st->entry_points[st->ep_first[first]],
			    n_ep * sizeof(st->entry_points[0]));
}

static unsigned hevc_profiles(uint64_t v4l2_profiles, VAProfile *out,
			      unsigned max)
{
	unsigned n = 0;
	bool main10 = v4l2_profiles & (1ull << V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN_10);
	/* No menu: Main, the profile every HEVC decoder has. A Main 10
	 * decoder decodes Main streams too. */
	bool main = !v4l2_profiles || main10 ||
		(v4l2_profiles & (1ull << V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN));

	if (main && n < max)
		out[n++] = VAProfileHEVCMain;
	if (main10 && n < max)
		out[n++] = VAProfileHEVCMain10;
	return n;
}

static unsigned hevc_slice_prefix(void *state, const struct va_picture_input *in,
				  unsigned i, const struct v4l2r_decode_mode *mode,
				  uint8_t *out)
{
	(void)state;
	if (i >= in->n_slices || !prefix_size(&in->slices[i], mode))
		return 0;
	out[0] = 0;
	out[1] = 0;
	out[2] = 1;
	return 3;
}

const struct va_codec_ops va_codec_hevc = {
	.codec = V4L2R_CODEC_HEVC,
	.pic_param_size = sizeof(VAPictureParameterBufferHEVC),
	.iq_matrix_size = sizeof(VAIQMatrixBufferHEVC),
	.slice_param_size = sizeof(VASliceParameterBufferHEVC),
	.prob_table_size = 0,
	.state_size = sizeof(struct hevc_state),
	.translate = hevc_translate,
	.request_count = hevc_request_count,
	.plan_request = hevc_plan_request,
	.profiles = hevc_profiles,
	.slice_prefix = hevc_slice_prefix,
};
