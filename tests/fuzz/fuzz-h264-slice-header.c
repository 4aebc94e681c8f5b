/* The H.264 slice header reader (src/va/h264_slice_header.c): the SPS/PPS
 * values it takes from VA's parameters, within the ranges h264.c lets
 * through, from the first bytes; the slice NAL unit from the rest. */
#include "config.h"

#include "fuzz.h"
#include "va/h264_slice_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t b[8];

	fuzz_bytes(&in, b, sizeof(b));
	struct h264_sh_context ctx = {
		.log2_max_frame_num = 4 + b[0] % 13,
		.pic_order_cnt_type = (b[0] >> 4) % 3,
		.log2_max_pic_order_cnt_lsb = 4 + b[1] % 13,
		.chroma_array_type = (b[1] >> 4) % 4,
		.separate_colour_plane = b[2] & 1,
		.frame_mbs_only = b[2] & 2,
		.mb_adaptive_frame_field = b[2] & 4,
		.delta_pic_order_always_zero = b[2] & 8,
		.bottom_field_pic_order_in_frame_present = b[2] & 16,
		.redundant_pic_cnt_present = b[2] & 32,
		.weighted_pred = b[2] & 64,
		.entropy_coding_mode = b[2] & 128,
		.weighted_bipred_idc = b[3] % 3,
		.deblocking_filter_control_present = b[3] & 4,
		.num_slice_groups_minus1 = (b[3] >> 3) % 8,
		.slice_group_map_type = b[4] % 7,
		.slice_group_change_rate_minus1 = b[5],
		.pic_width_in_mbs = 1 + b[6] % 256,
		.frame_height_in_mbs = b[7] % 256,	/* 0: unknown */
		.num_ref_idx_l0_default_minus1 = b[4] >> 3,
		.num_ref_idx_l1_default_minus1 = b[5] >> 3,
	};
	struct h264_slice_header sh;
	const char *why = NULL;

	h264_parse_slice_header(in.data, in.size, &ctx, &sh, &why);
	h264_start_code_size(in.data, in.size);
	return 0;
}
