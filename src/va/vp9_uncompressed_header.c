/* VP9 uncompressed header (spec 6.2 syntax, 7.2 semantics). */
#include "va/vp9_uncompressed_header.h"

#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/bitreader.h"

#define VP9_FRAME_MARKER 2
#define VP9_SYNC_CODE 0x498342
#define VP9_CS_RGB 7
#define OVERRUN "uncompressed header (runs past the frame data)"

static unsigned u(struct v4l2r_bitreader *br, unsigned n)
{
	return v4l2r_br_u(br, n);
}

/* su(n): n bits of magnitude, then the sign. */
static int su(struct v4l2r_bitreader *br, unsigned n)
{
	int v = (int)u(br, n);

	return u(br, 1) ? -v : v;
}

static const char *frame_sync_code(struct v4l2r_bitreader *br)
{
	if (u(br, 24) == VP9_SYNC_CODE)
		return NULL;
	return br->overrun ? OVERRUN : "frame_sync_code";
}

static const char *color_config(struct v4l2r_bitreader *br,
				struct vp9_uncompressed_header *h)
{
	h->bit_depth = 8;
	if (h->profile >= 2)
		h->bit_depth = u(br, 1) ? 12 : 10;
	h->color_config_read = true;
	unsigned color_space = u(br, 3);
	bool full_chroma = h->profile == 1 || h->profile == 3;
	if (color_space != VP9_CS_RGB) {
		h->color_range_full = u(br, 1);
		h->subsampling_x = h->subsampling_y = true;
		if (full_chroma) {
			h->subsampling_x = u(br, 1);
			h->subsampling_y = u(br, 1);
			if (u(br, 1))
				return "reserved_zero (color_config)";
		}
		return NULL;
	}
	h->color_range_full = true;
	/* RGB is 4:4:4, which profiles 0 and 2 cannot carry */
	if (!full_chroma)
		return "color_space (RGB in profile 0 or 2)";
	h->subsampling_x = h->subsampling_y = false;
	return u(br, 1) ? "reserved_zero (color_config)" : NULL;
}

static void frame_size(struct v4l2r_bitreader *br,
		       struct vp9_uncompressed_header *h)
{
	h->width = (uint16_t)(u(br, 16) + 1);
	h->height = (uint16_t)(u(br, 16) + 1);
}

static void render_size(struct v4l2r_bitreader *br,
			struct vp9_uncompressed_header *h)
{
	h->render_size_different = u(br, 1);
	if (!h->render_size_different)
		return;
	h->render_width = (uint16_t)(u(br, 16) + 1);
	h->render_height = (uint16_t)(u(br, 16) + 1);
}

static void frame_size_with_refs(struct v4l2r_bitreader *br,
				 struct vp9_uncompressed_header *h)
{
	for (unsigned i = 0; i < 3 && !h->size_from_ref; i++)
		h->size_from_ref = u(br, 1);
	if (!h->size_from_ref)
		frame_size(br, h);
	render_size(br, h);
}

static void interpolation_filter(struct v4l2r_bitreader *br,
				 struct vp9_uncompressed_header *h)
{
	/* literal_to_type[] */
	static const uint8_t map[4] = {
		V4L2_VP9_INTERP_FILTER_EIGHTTAP_SMOOTH,
		V4L2_VP9_INTERP_FILTER_EIGHTTAP,
		V4L2_VP9_INTERP_FILTER_EIGHTTAP_SHARP,
		V4L2_VP9_INTERP_FILTER_BILINEAR,
	};

	if (u(br, 1))
		h->interpolation_filter = V4L2_VP9_INTERP_FILTER_SWITCHABLE;
	else
		h->interpolation_filter = map[u(br, 2)];
}

static void loop_filter_params(struct v4l2r_bitreader *br,
			       struct vp9_uncompressed_header *h)
{
	h->lf.level = (uint8_t)u(br, 6);
	h->lf.sharpness = (uint8_t)u(br, 3);
	h->lf.delta_enabled = u(br, 1);
	if (!h->lf.delta_enabled)
		return;
	h->lf.delta_update = u(br, 1);
	if (!h->lf.delta_update)
		return;
	for (unsigned i = 0; i < 4; i++) {
		h->lf.update_ref_delta[i] = u(br, 1);
		if (h->lf.update_ref_delta[i])
			h->lf.ref_deltas[i] = (int8_t)su(br, 6);
	}
	for (unsigned i = 0; i < 2; i++) {
		h->lf.update_mode_delta[i] = u(br, 1);
		if (h->lf.update_mode_delta[i])
			h->lf.mode_deltas[i] = (int8_t)su(br, 6);
	}
}

static int8_t delta_q(struct v4l2r_bitreader *br)
{
	return u(br, 1) ? (int8_t)su(br, 4) : 0;
}

static void quantization_params(struct v4l2r_bitreader *br,
				struct vp9_uncompressed_header *h)
{
	h->quant.base_q_idx = (uint8_t)u(br, 8);
	h->quant.delta_q_y_dc = delta_q(br);
	h->quant.delta_q_uv_dc = delta_q(br);
	h->quant.delta_q_uv_ac = delta_q(br);
}

/* read_prob(): VA carries the values, only the bits matter here. */
static void skip_prob(struct v4l2r_bitreader *br)
{
	if (u(br, 1))
		v4l2r_br_skip(br, 8);
}

static void segmentation_params(struct v4l2r_bitreader *br,
				struct vp9_uncompressed_header *h)
{
	static const unsigned bits[VP9_SEG_FEATURES] = { 8, 6, 2, 0 };
	static const bool is_signed[VP9_SEG_FEATURES] = { 1, 1, 0, 0 };

	h->seg.enabled = u(br, 1);
	if (!h->seg.enabled)
		return;
	h->seg.update_map = u(br, 1);
	if (h->seg.update_map) {
		for (unsigned i = 0; i < 7; i++)
			skip_prob(br);
		h->seg.temporal_update = u(br, 1);
		for (unsigned i = 0; h->seg.temporal_update && i < 3; i++)
			skip_prob(br);
	}
	h->seg.update_data = u(br, 1);
	if (!h->seg.update_data)
		return;
	h->seg.abs_or_delta_update = u(br, 1);
	for (unsigned i = 0; i < VP9_NUM_SEGMENTS; i++)
		for (unsigned j = 0; j < VP9_SEG_FEATURES; j++) {
			if (!u(br, 1))
				continue;
			h->seg.feature_enabled[i] |=
				V4L2_VP9_SEGMENT_FEATURE_ENABLED(j);
			int v = (int)u(br, bits[j]);
			if (is_signed[j] && u(br, 1))
				v = -v;
			h->seg.feature_data[i][j] = (int16_t)v;
		}
}

void vp9_tile_cols_log2_bounds(unsigned width, uint8_t *min_log2,
			       uint8_t *max_log2)
{
	unsigned mi_cols = (width + 7) >> 3;
	unsigned sb64_cols = (mi_cols + 7) >> 3;
	uint8_t lo = 0, hi = 1;

	while ((64u << lo) < sb64_cols)
		lo++;
	while ((sb64_cols >> hi) >= 4)
		hi++;
	*min_log2 = lo;
	*max_log2 = (uint8_t)(hi - 1);
}

static const char *tile_info(struct v4l2r_bitreader *br,
			     struct vp9_uncompressed_header *h, unsigned width)
{
	vp9_tile_cols_log2_bounds(width, &h->min_tile_cols_log2,
				  &h->max_tile_cols_log2);
	h->tile_cols_log2 = h->min_tile_cols_log2;
	while (h->tile_cols_log2 < h->max_tile_cols_log2 && u(br, 1))
		h->tile_cols_log2++;
	if (h->tile_cols_log2 > VP9_MAX_TILE_COLS_LOG2)
		return "tile_cols_log2 (frame wider than 64 tiles allow)";
	h->tile_rows_log2 = (uint8_t)u(br, 1);
	if (h->tile_rows_log2)
		h->tile_rows_log2 += (uint8_t)u(br, 1);
	return NULL;
}

/* Everything from frame_type to frame_context_idx. */
static const char *frame_kind(struct v4l2r_bitreader *br,
			      struct vp9_uncompressed_header *h)
{
	const char *err;

	h->key_frame = !u(br, 1);
	h->show_frame = u(br, 1);
	h->error_resilient_mode = u(br, 1);
	if (h->key_frame) {
		if ((err = frame_sync_code(br)) || (err = color_config(br, h)))
			return err;
		frame_size(br, h);
		render_size(br, h);
		h->refresh_frame_flags = 0xff;
	} else {
		h->intra_only = h->show_frame ? false : u(br, 1);
		h->reset_frame_context =
			h->error_resilient_mode ? 0 : (uint8_t)u(br, 2);
		if (h->intra_only) {
			if ((err = frame_sync_code(br)))
				return err;
			if (h->profile > 0) {
				if ((err = color_config(br, h)))
					return err;
			} else {
				/* as libvpx: 8-bit 4:2:0, studio range */
				h->color_config_read = true;
				h->color_range_full = false;
				h->bit_depth = 8;
				h->subsampling_x = h->subsampling_y = true;
			}
			h->refresh_frame_flags = (uint8_t)u(br, 8);
			frame_size(br, h);
			render_size(br, h);
		} else {
			h->refresh_frame_flags = (uint8_t)u(br, 8);
			for (unsigned i = 0; i < 3; i++) {
				h->ref_frame_idx[i] = (uint8_t)u(br, 3);
				h->ref_frame_sign_bias[1 + i] = u(br, 1);
			}
			frame_size_with_refs(br, h);
			h->allow_high_precision_mv = u(br, 1);
			interpolation_filter(br, h);
		}
	}
	if (!h->error_resilient_mode) {
		h->refresh_frame_context = u(br, 1);
		h->frame_parallel_decoding_mode = u(br, 1);
	} else {
		h->frame_parallel_decoding_mode = true;
	}
	h->frame_context_idx = (uint8_t)u(br, 2);
	return NULL;
}

const char *vp9_read_uncompressed_header(const uint8_t *data, size_t size,
					 unsigned ref_width,
					 struct vp9_uncompressed_header *h)
{
	struct v4l2r_bitreader br;
	const char *err;

	memset(h, 0, sizeof(*h));
	v4l2r_br_init(&br, data, size, false);
	if (u(&br, 2) != VP9_FRAME_MARKER)
		return "frame_marker";
	h->profile = (uint8_t)u(&br, 1);
	h->profile |= (uint8_t)(u(&br, 1) << 1);
	if (h->profile == 3 && u(&br, 1))
		return "reserved_zero (profile)";
	h->show_existing_frame = u(&br, 1);
	if (h->show_existing_frame) {
		h->frame_to_show_map_idx = (uint8_t)u(&br, 3);
	} else {
		if ((err = frame_kind(&br, h)))
			return err;
		loop_filter_params(&br, h);
		quantization_params(&br, h);
		segmentation_params(&br, h);
		if ((err = tile_info(&br, h, h->size_from_ref ? ref_width :
							       h->width)))
			return err;
		h->header_size_in_bytes = (uint16_t)u(&br, 16);
	}
	if (br.overrun)
		return OVERRUN;
	if (!h->show_existing_frame && !h->header_size_in_bytes)
		return "header_size_in_bytes (0)";
	/* trailing_bits() up to the byte boundary */
	h->size = (uint32_t)((v4l2r_br_raw_bits(&br) + 7) / 8);
	return NULL;
}

void vp9_compressed_header_info(const struct vp9_uncompressed_header *h,
				struct v4l2r_vp9_frame_info *info)
{
	*info = (struct v4l2r_vp9_frame_info){
		.intra = h->key_frame || h->intra_only,
		.lossless = !h->quant.base_q_idx && !h->quant.delta_q_y_dc &&
			    !h->quant.delta_q_uv_dc && !h->quant.delta_q_uv_ac,
		.switchable_interp = h->interpolation_filter ==
				     V4L2_VP9_INTERP_FILTER_SWITCHABLE,
		.allow_high_precision_mv = h->allow_high_precision_mv,
		.sign_bias = { false, h->ref_frame_sign_bias[1],
			       h->ref_frame_sign_bias[2],
			       h->ref_frame_sign_bias[3] },
	};
}
