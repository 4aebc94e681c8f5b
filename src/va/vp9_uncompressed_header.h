/* A reader of the VP9 uncompressed header (spec 6.2) for what VA-API does not
 * hand over but V4L2's VP9 frame control needs: loop filter deltas,
 * quantizer deltas, segmentation features, render size, the raw
 * reset_frame_context and frame_context_idx, and the sizes that locate the
 * compressed header. (The segmentation probabilities are read past: VA
 * carries them.) It reads the frame as the client passes it (VA's slice
 * data starts at the frame marker) and never reads past its end.
 *
 * It reports what this one header codes; what persists from frame to frame
 * (loop filter deltas, segment features, colour range) is vp9.c's state.
 * GStreamer's plugin will use GStreamer's own parser, so this is VA-only. */
#ifndef VA_VP9_UNCOMPRESSED_HEADER_H
#define VA_VP9_UNCOMPRESSED_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "v4l2r/vp9.h"

#define VP9_NUM_SEGMENTS 8
#define VP9_SEG_FEATURES 4	/* ALT_Q, ALT_L, REF_FRAME, SKIP */
#define VP9_MAX_TILE_ROWS_LOG2 2
#define VP9_MAX_TILE_COLS_LOG2 6

struct vp9_uncompressed_header {
	uint8_t profile;
	bool show_existing_frame;
	uint8_t frame_to_show_map_idx;
	bool key_frame;
	bool show_frame;
	bool error_resilient_mode;
	bool intra_only;
	uint8_t reset_frame_context;	/* the 2-bit syntax value, 0..3 */
	bool color_config_read;		/* this frame sets the colour config */
	bool color_range_full;
	uint8_t bit_depth;
	bool subsampling_x, subsampling_y;
	uint8_t refresh_frame_flags;
	uint8_t ref_frame_idx[3];
	bool ref_frame_sign_bias[4];	/* LAST..ALTREF at 1..3 */
	bool size_from_ref;		/* frame size taken from a reference */
	uint16_t width, height;		/* 0 when size_from_ref */
	bool render_size_different;
	uint16_t render_width, render_height;	/* when render_size_different */
	bool allow_high_precision_mv;
	uint8_t interpolation_filter;	/* V4L2_VP9_INTERP_FILTER_* */
	bool refresh_frame_context;
	bool frame_parallel_decoding_mode;
	uint8_t frame_context_idx;	/* as coded, before intra frames zero it */

	struct {
		uint8_t level;
		uint8_t sharpness;
		bool delta_enabled;
		bool delta_update;
		bool update_ref_delta[4];
		int8_t ref_deltas[4];	/* valid where update_ref_delta */
		bool update_mode_delta[2];
		int8_t mode_deltas[2];	/* valid where update_mode_delta */
	} lf;

	struct {
		uint8_t base_q_idx;
		int8_t delta_q_y_dc, delta_q_uv_dc, delta_q_uv_ac;
	} quant;

	struct {
		bool enabled;
		bool update_map;
		bool temporal_update;
		bool update_data;
		/* valid when update_data: */
		bool abs_or_delta_update;
		uint8_t feature_enabled[VP9_NUM_SEGMENTS];	/* V4L2 bitmask */
		int16_t feature_data[VP9_NUM_SEGMENTS][VP9_SEG_FEATURES];
	} seg;

	uint8_t tile_cols_log2, tile_rows_log2;
	uint8_t min_tile_cols_log2, max_tile_cols_log2;
	uint16_t header_size_in_bytes;	/* of the compressed header */
	uint32_t size;			/* bytes of this uncompressed header */
};

/* Reads the uncompressed header at the start of data. ref_width is the
 * frame width to assume when the header takes its size from a reference
 * (the tile bounds depend on it). Returns NULL on success, otherwise the
 * name of the syntax element at fault. A show_existing_frame header is a
 * success with only profile and frame_to_show_map_idx filled. */
const char *vp9_read_uncompressed_header(const uint8_t *data, size_t size,
					 unsigned ref_width,
					 struct vp9_uncompressed_header *h);

/* What the compressed header's parser (v4l2r_vp9_compressed_header) needs
 * of this header. */
void vp9_compressed_header_info(const struct vp9_uncompressed_header *h,
				struct v4l2r_vp9_frame_info *info);

/* calc_min_log2_tile_cols() / calc_max_log2_tile_cols() of spec 6.2.14. */
void vp9_tile_cols_log2_bounds(unsigned width, uint8_t *min_log2,
			       uint8_t *max_log2);

#endif
