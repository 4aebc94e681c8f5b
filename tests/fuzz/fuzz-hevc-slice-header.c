/* The HEVC slice segment header reader (src/va/hevc_slice_header.c): the
 * SPS/PPS values it takes from VA's parameters from the first bytes, within
 * the ranges its header states; then two slice segments from the rest (the
 * second may depend on the first), each behind a 16-bit length. */
#include "config.h"

#include "fuzz.h"
#include "va/hevc_slice_header.h"

#define MAX_ENTRY_POINTS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t b[12];

	fuzz_bytes(&in, b, sizeof(b));
	struct hevc_sh_context ctx = {
		.pic_size_in_ctbs = 1 + (b[0] | b[1] << 8) % 8192,
		.log2_max_poc_lsb = 4 + b[2] % 13,
		.num_short_term_ref_pic_sets = b[3] % 65,
		.num_long_term_ref_pics_sps = b[4] % 33,
		.num_extra_slice_header_bits = b[5] % 8,
		.chroma_array_type = (b[5] >> 3) % 4,
		.max_dec_pic_buffering_minus1 = b[6] % 16,
		.num_ref_idx_l0_default_minus1 = (b[6] >> 4) % 15,
		.num_ref_idx_l1_default_minus1 = b[7] % 15,
		.num_pic_total_curr = (b[7] >> 4) % 16,
		.st_rps_bits = b[8],
		.pps_beta_offset_div2 = (int)(b[9] % 13) - 6,
		.pps_tc_offset_div2 = (int)(b[9] >> 4) % 13 - 6,
		.dependent_slice_segments_enabled = b[10] & 1,
		.output_flag_present = b[10] & 2,
		.separate_colour_plane = b[10] & 4,
		.long_term_ref_pics_present = b[10] & 8,
		.sps_temporal_mvp_enabled = b[10] & 16,
		.sample_adaptive_offset_enabled = b[10] & 32,
		.lists_modification_present = b[10] & 64,
		.cabac_init_present = b[10] & 128,
		.weighted_pred = b[11] & 1,
		.weighted_bipred = b[11] & 2,
		.slice_chroma_qp_offsets_present = b[11] & 4,
		.deblocking_filter_override_enabled = b[11] & 8,
		.pps_deblocking_filter_disabled = b[11] & 16,
		.pps_loop_filter_across_slices_enabled = b[11] & 32,
		.tiles_enabled = b[11] & 64,
		.entropy_coding_sync_enabled = b[11] & 128,
		.slice_segment_header_extension_present = b[10] & b[11] & 1,
	};
	struct hevc_slice_header sh[2];
	uint32_t entry_points[MAX_ENTRY_POINTS];
	char why[128];

	for (unsigned i = 0; i < 2; i++) {
		size_t n = fuzz_u8(&in) << 8;
		n |= fuzz_u8(&in);
		if (n > in.size)
			n = in.size;
		hevc_start_code_size(in.data, n);
		if (hevc_parse_slice_header(in.data, n, &ctx, i ? &sh[0] : NULL,
					    &sh[i], entry_points,
					    MAX_ENTRY_POINTS, why,
					    sizeof(why)) != HEVC_SH_OK)
			break;
		in.data += n;
		in.size -= n;
	}
	return 0;
}
