/* VP9 profiles 0 (8 bits) and 2 (10 bits): VA picture and slice (segment) buffers and the frame's
 * bytes to the stateless VP9 frame and compressed header controls.
 *
 * VP9 decoding is frame based: one request, one "slice" holding the frame.
 * VA's slice data is the whole frame from its frame marker (FFmpeg and
 * GStreamer's va plugin send it so), which is what V4L2's OUTPUT buffer
 * holds too (pixfmt-compressed.rst, V4L2_PIX_FMT_VP9_FRAME): it is written
 * as given.
 *
 * VA leaves out the loop filter deltas, the quantizer deltas, the segment
 * features (it gives per-segment levels and scales already resolved), the
 * render size and the colour range, and gives reset_frame_context and
 * frame_context_idx the way each client shapes them (FFmpeg zeroes the
 * index on intra frames, where the kernel wants it as coded): those come
 * from the uncompressed header (vp9_uncompressed_header.c). Deltas,
 * features and colour range persist from frame to frame (deltas and
 * features until setup_past_independence(), spec 7.2), and V4L2 wants the
 * values in force, so the context keeps them.
 * The compressed header's probability updates come from the core's decoder,
 * which reads it with the bitstream's own values. */
#include <stdio.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/log.h"
#include "v4l2r/vp9.h"
#include "va/codec.h"
#include "va/vp9_uncompressed_header.h"

#define VP9_MAX_LF_LEVEL 63
#define VP9_MAX_SHARPNESS 7
#define VP9_TILE_SIZE_BYTES 4

/* What the header semantics carry from one frame to the next. */
struct vp9_persistent {
	bool initialised;
	int8_t ref_deltas[4];
	int8_t mode_deltas[2];
	bool abs_or_delta_update;
	uint8_t feature_enabled[VP9_NUM_SEGMENTS];
	int16_t feature_data[VP9_NUM_SEGMENTS][VP9_SEG_FEATURES];
	bool color_range_full;
	/* the last coded segmentation map's probabilities (6.2.11 assigns
	 * them only when a map is coded; 0 before any) */
	uint8_t tree_probs[7];
	uint8_t pred_probs[3];
};

struct vp9_state {
	struct v4l2_ctrl_vp9_frame frame;
	struct v4l2_ctrl_vp9_compressed_hdr probs;
	struct vp9_persistent kept;
};

#define BAD(...) (v4l2r_err(__VA_ARGS__), VA_STATUS_ERROR_INVALID_PARAMETER)
/* A stream whose pictures the context's surfaces cannot hold. */
#define BAD_DEPTH(...) (v4l2r_err(__VA_ARGS__), \
			VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT)

/* setup_past_independence(), for what V4L2 carries. */
static void past_independence(struct vp9_persistent *p)
{
	static const int8_t ref_deltas[4] = { 1, 0, -1, -1 };

	memcpy(p->ref_deltas, ref_deltas, sizeof(p->ref_deltas));
	memset(p->mode_deltas, 0, sizeof(p->mode_deltas));
	p->abs_or_delta_update = false;
	memset(p->feature_enabled, 0, sizeof(p->feature_enabled));
	memset(p->feature_data, 0, sizeof(p->feature_data));
}

/* A context whose first frame is an inter frame starts from the defaults. */
static void carry_over(struct vp9_persistent *p,
		       const struct vp9_uncompressed_header *h,
		       const VADecPictureParameterBufferVP9 *pp)
{
	if (!p->initialised || h->key_frame || h->intra_only ||
	    h->error_resilient_mode)
		past_independence(p);
	p->initialised = true;
	if (h->color_config_read)
		p->color_range_full = h->color_range_full;
	for (unsigned i = 0; i < 4; i++)
		if (h->lf.update_ref_delta[i])
			p->ref_deltas[i] = h->lf.ref_deltas[i];
	for (unsigned i = 0; i < 2; i++)
		if (h->lf.update_mode_delta[i])
			p->mode_deltas[i] = h->lf.mode_deltas[i];
	/* VA's probabilities: what the client read, or whatever it kept
	 * when no map is coded (FFmpeg and GStreamer differ there). */
	if (h->seg.enabled && h->seg.update_map) {
		memcpy(p->tree_probs, pp->mb_segment_tree_probs,
		       sizeof(p->tree_probs));
		if (h->seg.temporal_update)
			memcpy(p->pred_probs, pp->segment_pred_probs,
			       sizeof(p->pred_probs));
		else
			memset(p->pred_probs, 255, sizeof(p->pred_probs));
	}
	if (h->seg.update_data) {
		p->abs_or_delta_update = h->seg.abs_or_delta_update;
		memcpy(p->feature_enabled, h->seg.feature_enabled,
		       sizeof(p->feature_enabled));
		memcpy(p->feature_data, h->seg.feature_data,
		       sizeof(p->feature_data));
	}
}

/* VA's values on their own, and against the config's profile and the
 * context's pictures. */
static VAStatus check_picture(const VADecPictureParameterBufferVP9 *pp,
			      const struct va_picture_input *in)
{
	unsigned profile = in->profile == VAProfileVP9Profile2 ? 2 : 0;

	if (pp->profile != profile)
		return BAD("vp9: profile = %u in a VP9 profile %u context",
			   pp->profile, profile);
	/* The context's pictures first: through the driver they have the
	 * profile's depth (profile 0: 8 bits, 2: 10), so a frame of another
	 * depth (8 bits in profile 2, 10 in profile 0, 12) is one they cannot
	 * hold, refused as HEVC's is. */
	if (pp->bit_depth != in->bit_depth)
		return BAD_DEPTH("vp9: bit_depth = %u but the context's "
				 "pictures have %u bits", pp->bit_depth,
				 in->bit_depth);
	if (pp->bit_depth != (profile == 2 ? 10 : 8))
		return BAD("vp9: bit_depth = %u (profile %u decodes %u bits)",
			   pp->bit_depth, profile, profile == 2 ? 10 : 8);
	if (!pp->pic_fields.bits.subsampling_x ||
	    !pp->pic_fields.bits.subsampling_y)
		return BAD("vp9: subsampling_x = %u, subsampling_y = %u "
			   "(profiles 0 and 2 are 4:2:0)",
			   pp->pic_fields.bits.subsampling_x,
			   pp->pic_fields.bits.subsampling_y);
	if (!pp->frame_width || !pp->frame_height)
		return BAD("vp9: frame_width x frame_height = %ux%u",
			   pp->frame_width, pp->frame_height);
	if (!va_picture_fits(in, pp->frame_width, pp->frame_height, "vp9",
			     "frame_width x frame_height"))
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	if (pp->pic_fields.bits.mcomp_filter_type >
	    V4L2_VP9_INTERP_FILTER_SWITCHABLE)
		return BAD("vp9: mcomp_filter_type = %u out of range 0..%u",
			   pp->pic_fields.bits.mcomp_filter_type,
			   V4L2_VP9_INTERP_FILTER_SWITCHABLE);
	/* the uAPI refuses the pair: error resilience never refreshes */
	if (pp->pic_fields.bits.error_resilient_mode &&
	    pp->pic_fields.bits.refresh_frame_context)
		return BAD("vp9: refresh_frame_context = 1 with "
			   "error_resilient_mode = 1");
	if (pp->filter_level > VP9_MAX_LF_LEVEL)
		return BAD("vp9: filter_level = %u out of range 0..%u",
			   pp->filter_level, VP9_MAX_LF_LEVEL);
	if (pp->sharpness_level > VP9_MAX_SHARPNESS)
		return BAD("vp9: sharpness_level = %u out of range 0..%u",
			   pp->sharpness_level, VP9_MAX_SHARPNESS);
	return VA_STATUS_SUCCESS;
}

static VAStatus check_tile_counts(const VADecPictureParameterBufferVP9 *pp,
				  const struct vp9_uncompressed_header *h)
{
	uint8_t lo, hi;

	vp9_tile_cols_log2_bounds(pp->frame_width, &lo, &hi);
	if (pp->log2_tile_columns < lo || pp->log2_tile_columns > hi)
		return BAD("vp9: log2_tile_columns = %u out of range %u..%u "
			   "for a %u-pixel-wide frame", pp->log2_tile_columns,
			   lo, hi, pp->frame_width);
	if (pp->log2_tile_rows > VP9_MAX_TILE_ROWS_LOG2)
		return BAD("vp9: log2_tile_rows = %u out of range 0..%u",
			   pp->log2_tile_rows, VP9_MAX_TILE_ROWS_LOG2);
	if (pp->log2_tile_columns != h->tile_cols_log2 ||
	    pp->log2_tile_rows != h->tile_rows_log2)
		return BAD("vp9: log2_tile_columns = %u, log2_tile_rows = %u; "
			   "the frame header codes %u, %u",
			   pp->log2_tile_columns, pp->log2_tile_rows,
			   h->tile_cols_log2, h->tile_rows_log2);
	return VA_STATUS_SUCCESS;
}

/* Where VA and the frame header both say what the frame is and where its
 * parts lie, they must agree: otherwise the data is not the frame VA
 * describes. */
static VAStatus check_against_header(const VADecPictureParameterBufferVP9 *pp,
				     const struct vp9_uncompressed_header *h,
				     uint32_t size)
{
	if (h->profile != pp->profile)
		return BAD("vp9: profile = %u; the frame header codes %u",
			   pp->profile, h->profile);
	if (h->color_config_read && h->bit_depth != pp->bit_depth)
		return BAD("vp9: bit_depth = %u; the frame header codes %u",
			   pp->bit_depth, h->bit_depth);
	if (h->key_frame != !pp->pic_fields.bits.frame_type ||
	    h->intra_only != pp->pic_fields.bits.intra_only)
		return BAD("vp9: frame_type = %u, intra_only = %u; the frame "
			   "header codes %u, %u", pp->pic_fields.bits.frame_type,
			   pp->pic_fields.bits.intra_only, !h->key_frame,
			   h->intra_only);
	if (!h->size_from_ref &&
	    (h->width != pp->frame_width || h->height != pp->frame_height))
		return BAD("vp9: frame_width x frame_height = %ux%u; the frame "
			   "header codes %ux%u", pp->frame_width,
			   pp->frame_height, h->width, h->height);
	if (pp->frame_header_length_in_bytes != h->size)
		return BAD("vp9: frame_header_length_in_bytes = %u; the "
			   "uncompressed header in the slice data has %u bytes",
			   pp->frame_header_length_in_bytes, h->size);
	if (pp->first_partition_size != h->header_size_in_bytes)
		return BAD("vp9: first_partition_size = %u; the frame header "
			   "codes header_size_in_bytes = %u",
			   pp->first_partition_size, h->header_size_in_bytes);
	if ((uint64_t)h->size + pp->first_partition_size >= size)
		return BAD("vp9: first_partition_size = %u after a %u-byte "
			   "uncompressed header leaves no tile data in the "
			   "%u-byte frame", pp->first_partition_size, h->size,
			   size);
	return check_tile_counts(pp, h);
}

/* Every tile but the last starts with its 4-byte size (spec 6.4): they
 * must all lie inside the frame, with data left for the last. */
static VAStatus check_tile_sizes(const uint8_t *data, uint32_t size,
				 uint32_t pos,
				 const struct vp9_uncompressed_header *h)
{
	unsigned n = (1u << h->tile_rows_log2) << h->tile_cols_log2;

	for (unsigned t = 0; t + 1 < n; t++) {
		if (size - pos < VP9_TILE_SIZE_BYTES)
			return BAD("vp9: tile %u of %u: its size lies past the "
				   "%u-byte frame", t, n, size);
		const uint8_t *p = data + pos;
		uint32_t tile = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
				(uint32_t)p[2] << 8 | p[3];
		pos += VP9_TILE_SIZE_BYTES;
		if (tile > size - pos)
			return BAD("vp9: tile %u of %u: tile_size = %u past the "
				   "%u bytes left in the frame", t, n, tile,
				   size - pos);
		pos += tile;
	}
	if (pos >= size)
		return BAD("vp9: tile %u of %u (the last) has no data", n - 1,
			   n);
	return VA_STATUS_SUCCESS;
}

static VAStatus compressed_header(struct vp9_state *st, const uint8_t *data,
				  const struct vp9_uncompressed_header *h)
{
	struct v4l2r_vp9_frame_info info;

	vp9_compressed_header_info(h, &info);
	const char *err = v4l2r_vp9_compressed_header(data + h->size,
						      h->header_size_in_bytes,
						      &info, &st->probs,
						      &st->frame.reference_mode);

	if (err)
		return BAD("vp9: compressed header: %s", err);
	return VA_STATUS_SUCCESS;
}

/* VA's per-segment parameters carry the reference and skip features as
 * they are in force: where they disagree with the header's, the client's
 * view of the stream differs from the bytes it sent. The header's go to the
 * device (the kernel wants coded values, which VA resolves away for the
 * quantizer and loop filter features). */
static void check_segment_params(const VASliceParameterBufferVP9 *sp,
				 const struct vp9_persistent *kept)
{
	const unsigned ref_bit =
		V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_REF_FRAME);
	const unsigned skip_bit =
		V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_SKIP);

	for (unsigned i = 0; i < VP9_NUM_SEGMENTS; i++) {
		const VASegmentParameterVP9 *p = &sp->seg_param[i];
		bool ref = kept->feature_enabled[i] & ref_bit;
		bool skip = kept->feature_enabled[i] & skip_bit;
		unsigned ref_val = ref ?
			(unsigned)kept->feature_data[i][V4L2_VP9_SEG_LVL_REF_FRAME] :
			0;
		bool va_ref = p->segment_flags.fields.segment_reference_enabled;
		unsigned va_ref_val = va_ref ?
			p->segment_flags.fields.segment_reference : 0;
		bool va_skip = p->segment_flags.fields.segment_reference_skipped;

		if (va_ref == ref && va_ref_val == ref_val && va_skip == skip)
			continue;
		v4l2r_warn("vp9: seg_param[%u] (reference %s %u, skip %u) "
			   "differs from the frame header's segment features "
			   "(reference %s %u, skip %u); the header's are used",
			   i, va_ref ? "on" : "off", va_ref_val, va_skip,
			   ref ? "on" : "off", ref_val, skip);
	}
}

static uint64_t ref_ts(const VADecPictureParameterBufferVP9 *pp,
		       const struct va_ref_resolver *refs, unsigned idx,
		       const char *which)
{
	char what[48];

	snprintf(what, sizeof(what), "%s (reference_frames[%u])", which, idx);
	return va_ref_timestamp(refs, pp->reference_frames[idx], "vp9", what);
}

/* The syntax's reset_frame_context (0, 1: none; 2: this context; 3: all)
 * to V4L2's. */
static uint8_t reset_context(uint8_t coded)
{
	switch (coded) {
	case 2:
		return V4L2_VP9_RESET_FRAME_CTX_SPEC;
	case 3:
		return V4L2_VP9_RESET_FRAME_CTX_ALL;
	default:
		return V4L2_VP9_RESET_FRAME_CTX_NONE;
	}
}

static void fill_segmentation(struct v4l2_vp9_segmentation *seg,
			      const VADecPictureParameterBufferVP9 *pp,
			      const struct vp9_uncompressed_header *h,
			      const struct vp9_persistent *kept)
{
	if (pp->pic_fields.bits.segmentation_enabled)
		seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_ENABLED;
	if (pp->pic_fields.bits.segmentation_update_map)
		seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP;
	if (pp->pic_fields.bits.segmentation_temporal_update)
		seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_TEMPORAL_UPDATE;
	if (h->seg.update_data)
		seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_UPDATE_DATA;
	if (kept->abs_or_delta_update)
		seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_ABS_OR_DELTA_UPDATE;
	memcpy(seg->tree_probs, kept->tree_probs, sizeof(seg->tree_probs));
	memcpy(seg->pred_probs, kept->pred_probs, sizeof(seg->pred_probs));
	memcpy(seg->feature_enabled, kept->feature_enabled,
	       sizeof(seg->feature_enabled));
	memcpy(seg->feature_data, kept->feature_data,
	       sizeof(seg->feature_data));
}

static void fill_frame(struct v4l2_ctrl_vp9_frame *f,
		       const VADecPictureParameterBufferVP9 *pp,
		       const struct vp9_uncompressed_header *h,
		       const struct vp9_persistent *kept,
		       const struct va_ref_resolver *refs)
{
	bool intra = h->key_frame || h->intra_only;

	memcpy(f->lf.ref_deltas, kept->ref_deltas, sizeof(f->lf.ref_deltas));
	memcpy(f->lf.mode_deltas, kept->mode_deltas,
	       sizeof(f->lf.mode_deltas));
	f->lf.level = pp->filter_level;
	f->lf.sharpness = pp->sharpness_level;
	if (h->lf.delta_enabled)
		f->lf.flags |= V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED;
	if (h->lf.delta_update)
		f->lf.flags |= V4L2_VP9_LOOP_FILTER_FLAG_DELTA_UPDATE;

	f->quant.base_q_idx = h->quant.base_q_idx;
	f->quant.delta_q_y_dc = h->quant.delta_q_y_dc;
	f->quant.delta_q_uv_dc = h->quant.delta_q_uv_dc;
	f->quant.delta_q_uv_ac = h->quant.delta_q_uv_ac;
	fill_segmentation(&f->seg, pp, h, kept);

	const struct {
		bool on;
		uint32_t flag;
	} flags[] = {
		{ !pp->pic_fields.bits.frame_type, V4L2_VP9_FRAME_FLAG_KEY_FRAME },
		{ pp->pic_fields.bits.show_frame, V4L2_VP9_FRAME_FLAG_SHOW_FRAME },
		{ pp->pic_fields.bits.error_resilient_mode,
		  V4L2_VP9_FRAME_FLAG_ERROR_RESILIENT },
		{ pp->pic_fields.bits.intra_only, V4L2_VP9_FRAME_FLAG_INTRA_ONLY },
		/* not coded in intra frames: a client's value there is
		 * stale (FFmpeg keeps the last inter frame's) */
		{ !intra && pp->pic_fields.bits.allow_high_precision_mv,
		  V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV },
		{ pp->pic_fields.bits.refresh_frame_context,
		  V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX },
		{ pp->pic_fields.bits.frame_parallel_decoding_mode,
		  V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE },
		{ pp->pic_fields.bits.subsampling_x,
		  V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING },
		{ pp->pic_fields.bits.subsampling_y,
		  V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING },
		{ kept->color_range_full,
		  V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING },
	};
	for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (flags[i].on)
			f->flags |= flags[i].flag;

	f->compressed_header_size = pp->first_partition_size;
	f->uncompressed_header_size = pp->frame_header_length_in_bytes;
	f->frame_width_minus_1 = (uint16_t)(pp->frame_width - 1);
	f->frame_height_minus_1 = (uint16_t)(pp->frame_height - 1);
	f->render_width_minus_1 = (uint16_t)((h->render_size_different ?
					      h->render_width :
					      pp->frame_width) - 1);
	f->render_height_minus_1 = (uint16_t)((h->render_size_different ?
					       h->render_height :
					       pp->frame_height) - 1);
	if (!intra) {
		f->last_frame_ts = ref_ts(pp, refs,
					  pp->pic_fields.bits.last_ref_frame,
					  "last");
		f->golden_frame_ts = ref_ts(pp, refs,
					    pp->pic_fields.bits.golden_ref_frame,
					    "golden");
		f->alt_frame_ts = ref_ts(pp, refs,
					 pp->pic_fields.bits.alt_ref_frame,
					 "altref");
		if (pp->pic_fields.bits.last_ref_frame_sign_bias)
			f->ref_frame_sign_bias |= V4L2_VP9_SIGN_BIAS_LAST;
		if (pp->pic_fields.bits.golden_ref_frame_sign_bias)
			f->ref_frame_sign_bias |= V4L2_VP9_SIGN_BIAS_GOLDEN;
		if (pp->pic_fields.bits.alt_ref_frame_sign_bias)
			f->ref_frame_sign_bias |= V4L2_VP9_SIGN_BIAS_ALT;
	}
	f->reset_frame_context = reset_context(h->reset_frame_context);
	f->frame_context_idx = h->frame_context_idx;
	f->profile = pp->profile;
	f->bit_depth = pp->bit_depth;
	/* intra frames code no filter; a client's value there is stale */
	f->interpolation_filter = intra ? V4L2_VP9_INTERP_FILTER_EIGHTTAP :
				  pp->pic_fields.bits.mcomp_filter_type;
	f->tile_cols_log2 = pp->log2_tile_columns;
	f->tile_rows_log2 = pp->log2_tile_rows;
}

static VAStatus vp9_translate(void *state, const struct va_picture_input *in,
			      const struct v4l2r_decode_mode *mode,
			      const struct va_ref_resolver *refs)
{
	struct vp9_state *st = state;
	const VADecPictureParameterBufferVP9 *pp = in->pic_params;
	struct vp9_persistent kept = st->kept;
	struct vp9_uncompressed_header h;
	VAStatus ret;
	(void)mode;

	memset(&st->frame, 0, sizeof(st->frame));
	memset(&st->probs, 0, sizeof(st->probs));
	if (in->n_slices != 1)
		return BAD("vp9: %u slice buffers (a frame is one)",
			   in->n_slices);
	if ((ret = check_picture(pp, in)) != VA_STATUS_SUCCESS)
		return ret;

	const struct va_slice *s = &in->slices[0];
	const char *err = vp9_read_uncompressed_header(s->data, s->size,
						       pp->frame_width, &h);
	if (err)
		return BAD("vp9: slice data: %s", err);
	/* FFmpeg and GStreamer show the reference surface themselves and
	 * send nothing for such a frame; there is nothing to decode. */
	if (h.show_existing_frame)
		return BAD("vp9: slice data is a show_existing_frame header "
			   "(frame_to_show_map_idx = %u): nothing to decode; "
			   "show that reference surface instead",
			   h.frame_to_show_map_idx);
	if ((ret = check_against_header(pp, &h, s->size)) !=
		    VA_STATUS_SUCCESS ||
	    (ret = check_tile_sizes(s->data, s->size,
				    h.size + pp->first_partition_size, &h)) !=
		    VA_STATUS_SUCCESS ||
	    (ret = compressed_header(st, s->data, &h)) != VA_STATUS_SUCCESS)
		return ret;

	carry_over(&kept, &h, pp);
	if (pp->pic_fields.bits.segmentation_enabled)
		check_segment_params(s->params, &kept);
	fill_frame(&st->frame, pp, &h, &kept, refs);
	st->kept = kept;
	return VA_STATUS_SUCCESS;
}

static void vp9_plan_request(void *state, const struct v4l2r_decode_mode *mode,
			     unsigned i, struct va_request_plan *plan)
{
	struct vp9_state *st = state;
	(void)mode;
	(void)i;

	plan->controls[0].id = V4L2_CID_STATELESS_VP9_FRAME;
	plan->controls[0].ptr = &st->frame;
	plan->controls[0].size = sizeof(st->frame);
	/* left out by picture.c where the device parses it itself */
	plan->controls[1].id = V4L2_CID_STATELESS_VP9_COMPRESSED_HDR;
	plan->controls[1].ptr = &st->probs;
	plan->controls[1].size = sizeof(st->probs);
	plan->n_controls = 2;
	plan->first_slice = 0;
	plan->n_slices = 1;
}

/* The menu's profiles 0 and 2. No menu (hantro has none): both, profile
 * 2 kept only when the device makes 10-bit pictures (driver.c checks). */
static unsigned vp9_profiles(uint64_t v4l2_profiles, VAProfile *out,
			     unsigned max)
{
	unsigned n = 0;

	if (n < max && (!v4l2_profiles ||
			(v4l2_profiles & (1ull << V4L2_MPEG_VIDEO_VP9_PROFILE_0))))
		out[n++] = VAProfileVP9Profile0;
	if (n < max && (!v4l2_profiles ||
			(v4l2_profiles & (1ull << V4L2_MPEG_VIDEO_VP9_PROFILE_2))))
		out[n++] = VAProfileVP9Profile2;
	return n;
}

const struct va_codec_ops va_codec_vp9 = {
	.codec = V4L2R_CODEC_VP9,
	.pic_param_size = sizeof(VADecPictureParameterBufferVP9),
	.slice_param_size = sizeof(VASliceParameterBufferVP9),
	.state_size = sizeof(struct vp9_state),
	.translate = vp9_translate,
	.plan_request = vp9_plan_request,
	.profiles = vp9_profiles,
	.outgrows_context = true,
};
