/* AV1 Main (profile 0), 8 and 10 bits: VA picture and slice (tile) buffers to the
 * stateless AV1 sequence, frame and tile group entry controls.
 *
 * AV1 decoding is frame based: one request per frame, its OUTPUT buffer
 * holding the frame's tiles (pixfmt-compressed.rst,
 * V4L2_PIX_FMT_AV1_FRAME), each found through a tile group entry (offset
 * and size in that buffer, row and column). Clients hand one slice
 * parameter per tile and one data buffer per tile group: FFmpeg the tile
 * data after the tile group header, GStreamer the tile group OBU's
 * payload; FFmpeg 5.1 sends the same tile group buffer once per tile. So
 * the OUTPUT data is written here (write_data): each distinct data buffer
 * once, tile offsets relative to where it lands.
 *
 * VA lacks the sequence's enable_warped_motion, enable_ref_frame_mvs,
 * enable_superres, enable_restoration, separate_uv_delta_q and maximum
 * frame size: a frame that uses one of those tools proves the sequence
 * enables it, so the context keeps the union of what its frames used (and
 * the largest frame size). The references' order hints are not in VA
 * either: the context remembers the order hint each surface was decoded
 * with, and derives OrderHints[] and the skip mode frames (spec 5.9.22)
 * from them. refresh_frame_flags is not in VA nor in FFmpeg's data, and
 * a device may keep state per slot (Hantro its CDFs): the driver numbers
 * the slots itself, one per decoded surface (av1_slots.h), so the slots
 * the control names are always the ones the device stored into. A switch
 * frame implies frame_size_override_flag (5.9.2), the one frame type where
 * VA's missing flag is known.
 *
 * Film grain: VA gives each frame's parameters in force (the clients
 * apply load_grain_params() themselves), sent as a new set on every frame
 * (UPDATE_GRAIN, film_grain_params_ref_idx 0), the control zeroed on
 * frames without grain so that none inherits an earlier frame's. VA
 * clients give two surfaces for a grain frame: the render target
 * (current_frame, un-grained, the reference later frames name) and
 * current_display_picture. A V4L2 request writes one CAPTURE buffer, with
 * grain where the device applies it, and the device keeps what it needs
 * behind the buffer's timestamp: the frame decodes into the render target
 * as any other, and picture.c copies the picture into the display surface
 * once it is complete (display_surface below; docs/va-driver.md).
 * Bit depth: Main is 8 or 10 bits in one VA profile, so the context's RT
 * format (the config's, or its first surface's: config.c) says which;
 * a frame of the other depth is refused, as the device would write it
 * into pictures of the wrong format. */
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/log.h"
#include "va/av1_slots.h"
#include "va/codec.h"

#define AV1_MAX_LF_LEVEL 63
#define AV1_PRIMARY_REF_NONE 7
#define AV1_MAX_TILE_COLS 64	/* VA's width_in_sbs_minus_1 holds 63 */
#define AV1_REMEMBERED_SURFACES 64	/* more than any client's pool */
#define AV1_MAX_GRAIN_Y_POINTS 14	/* spec 6.8.20 */
#define AV1_MAX_GRAIN_CHROMA_POINTS 10
#define AV1_MAX_GRAIN_OFFSET 511	/* cb_offset, cr_offset: f(9) */

/* What the sequence control carries that VA does not: the tools some frame
 * of the context used, and the largest frame size. */
#define AV1_SEQUENCE_FROM_FRAMES                                   \
	(V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION |             \
	 V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS |             \
	 V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES |                  \
	 V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION |               \
	 V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q)

/* One distinct slice data buffer (a tile group) and its place in the
 * OUTPUT buffer. */
struct av1_group {
	const uint8_t *bytes;
	uint32_t size, pos;
};

struct av1_surface_hint {
	VASurfaceID surface;
	uint8_t order_hint;
};

struct av1_state {
	struct v4l2_ctrl_av1_sequence sequence, sent_sequence;
	bool sequence_sent, send_sequence;
	uint32_t used_tools;	/* AV1_SEQUENCE_FROM_FRAMES seen so far */
	uint16_t max_width_minus_1, max_height_minus_1;
	struct v4l2_ctrl_av1_frame frame;
	struct v4l2_ctrl_av1_tile_group_entry tiles[V4L2_AV1_MAX_TILE_COUNT];
	unsigned n_tiles;
	struct av1_group groups[V4L2_AV1_MAX_TILE_COUNT];
	unsigned n_groups;
	uint32_t data_size;
	struct av1_surface_hint hints[AV1_REMEMBERED_SURFACES];
	unsigned n_hints, next_hint;
	struct v4l2_ctrl_av1_film_grain film_grain;
	bool said_grain_not_applied;	/* the device has no grain control */
	struct av1_slots slots;	/* the driver's slot numbering */
	struct av1_slot_plan plan;	/* this frame's, until accepted */
	bool slots_ready, said_evicted, said_restored;
};

#define BAD(...) (v4l2r_err(__VA_ARGS__), VA_STATUS_ERROR_INVALID_PARAMETER)

/* Segmentation_Feature_Max of the spec (5.9.14); all but the reference
 * frame feature are signed. */
static const int16_t seg_feature_max[V4L2_AV1_SEG_LVL_MAX] = {
	255, AV1_MAX_LF_LEVEL, AV1_MAX_LF_LEVEL, AV1_MAX_LF_LEVEL,
	AV1_MAX_LF_LEVEL, 7, 0, 0,
};

static bool frame_is_intra(const VADecPictureParameterBufferAV1 *pp)
{
	return pp->pic_info_fields.bits.frame_type == V4L2_AV1_KEY_FRAME ||
	       pp->pic_info_fields.bits.frame_type == V4L2_AV1_INTRA_ONLY_FRAME;
}

static bool in_range(int v, int lo, int hi)
{
	return v >= lo && v <= hi;
}

static unsigned av1_bit_depth(const VADecPictureParameterBufferAV1 *pp)
{
	return pp->bit_depth_idx ? 10 : 8;
}

static VAStatus check_sequence(const VADecPictureParameterBufferAV1 *pp,
			       unsigned context_depth)
{
	if (pp->profile != 0)
		return BAD("av1: profile = %u (only Main, 0, is decoded)",
			   pp->profile);
	if (pp->bit_depth_idx > 1)
		return BAD("av1: bit_depth_idx = %u (Main is 8 or 10 bits, 0 "
			   "or 1)", pp->bit_depth_idx);
	if (av1_bit_depth(pp) != context_depth) {
		v4l2r_err("av1: bit_depth_idx = %u (%u bits), but the "
			  "context's pictures have %u bits", pp->bit_depth_idx,
			  av1_bit_depth(pp), context_depth);
		return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
	}
	if (!pp->seq_info_fields.fields.mono_chrome &&
	    (!pp->seq_info_fields.fields.subsampling_x ||
	     !pp->seq_info_fields.fields.subsampling_y))
		return BAD("av1: subsampling_x = %u, subsampling_y = %u (Main "
			   "is 4:2:0)", pp->seq_info_fields.fields.subsampling_x,
			   pp->seq_info_fields.fields.subsampling_y);
	return VA_STATUS_SUCCESS;
}

static VAStatus check_frame(const VADecPictureParameterBufferAV1 *pp)
{
	const int8_t *d = pp->ref_deltas;

	if (pp->pic_info_fields.bits.large_scale_tile || pp->anchor_frames_num)
		return BAD("av1: large_scale_tile = %u, anchor_frames_num = %u "
			   "(large scale tile decoding has no V4L2 controls)",
			   pp->pic_info_fields.bits.large_scale_tile,
			   pp->anchor_frames_num);
	if (pp->order_hint_bits_minus_1 > 7)
		return BAD("av1: order_hint_bits_minus_1 = %u out of range 0..7",
			   pp->order_hint_bits_minus_1);
	if (pp->primary_ref_frame > AV1_PRIMARY_REF_NONE)
		return BAD("av1: primary_ref_frame = %u out of range 0..%u",
			   pp->primary_ref_frame, AV1_PRIMARY_REF_NONE);
	if (pp->interp_filter > V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE)
		return BAD("av1: interp_filter = %u out of range 0..%u",
			   pp->interp_filter,
			   V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE);
	if (pp->mode_control_fields.bits.tx_mode > V4L2_AV1_TX_MODE_SELECT)
		return BAD("av1: tx_mode = %u out of range 0..%u",
			   pp->mode_control_fields.bits.tx_mode,
			   V4L2_AV1_TX_MODE_SELECT);
	if (pp->pic_info_fields.bits.use_superres &&
	    !in_range(pp->superres_scale_denominator, 9, 16))
		return BAD("av1: superres_scale_denominator = %u out of range "
			   "9..16", pp->superres_scale_denominator);
	if (pp->filter_level[0] > AV1_MAX_LF_LEVEL ||
	    pp->filter_level[1] > AV1_MAX_LF_LEVEL ||
	    pp->filter_level_u > AV1_MAX_LF_LEVEL ||
	    pp->filter_level_v > AV1_MAX_LF_LEVEL)
		return BAD("av1: filter_level %u %u, filter_level_u %u, "
			   "filter_level_v %u: out of range 0..%u",
			   pp->filter_level[0], pp->filter_level[1],
			   pp->filter_level_u, pp->filter_level_v,
			   AV1_MAX_LF_LEVEL);
	for (unsigned i = 0; i < V4L2_AV1_TOTAL_REFS_PER_FRAME; i++)
		if (!in_range(d[i], -64, 63))
			return BAD("av1: ref_deltas[%u] = %d out of range "
				   "-64..63", i, d[i]);
	for (unsigned i = 0; i < 2; i++)
		if (!in_range(pp->mode_deltas[i], -64, 63))
			return BAD("av1: mode_deltas[%u] = %d out of range "
				   "-64..63", i, pp->mode_deltas[i]);
	const int8_t q[5] = { pp->y_dc_delta_q, pp->u_dc_delta_q,
			      pp->u_ac_delta_q, pp->v_dc_delta_q,
			      pp->v_ac_delta_q };
	for (unsigned i = 0; i < 5; i++)
		if (!in_range(q[i], -64, 63))
			return BAD("av1: quantizer delta %u (y_dc, u_dc, u_ac, "
				   "v_dc, v_ac) = %d out of range -64..63", i,
				   q[i]);
	if (pp->cdef_damping_minus_3 > 3 || pp->cdef_bits > 3)
		return BAD("av1: cdef_damping_minus_3 = %u, cdef_bits = %u: "
			   "out of range 0..3", pp->cdef_damping_minus_3,
			   pp->cdef_bits);
	for (unsigned i = 0; i < (1u << pp->cdef_bits); i++)
		if (pp->cdef_y_strengths[i] > 63 ||
		    pp->cdef_uv_strengths[i] > 63)
			return BAD("av1: cdef_y_strengths[%u] = %u, "
				   "cdef_uv_strengths[%u] = %u: out of range "
				   "0..63", i, pp->cdef_y_strengths[i], i,
				   pp->cdef_uv_strengths[i]);
	if (pp->loop_restoration_fields.bits.lr_unit_shift > 2)
		return BAD("av1: lr_unit_shift = %u out of range 0..2",
			   pp->loop_restoration_fields.bits.lr_unit_shift);
	for (unsigned i = 0; i < V4L2_AV1_TOTAL_REFS_PER_FRAME - 1; i++)
		if (pp->wm[i].wmtype > VAAV1TransformationAffine)
			return BAD("av1: wm[%u].wmtype = %u out of range 0..%u",
				   i, pp->wm[i].wmtype,
				   VAAV1TransformationAffine);
	return VA_STATUS_SUCCESS;
}

/* A piecewise linear scaling function's points (6.8.20): at most max,
 * their x values increasing. */
static VAStatus check_grain_points(const char *plane, unsigned n, unsigned max,
				   const uint8_t *x)
{
	if (n > max)
		return BAD("av1: film_grain_info.num_%s_points = %u out of range "
			   "0..%u", plane, n, max);
	for (unsigned i = 1; i < n; i++)
		if (x[i] <= x[i - 1])
			return BAD("av1: film_grain_info.point_%s_value[%u] = %u "
				   "is not above point_%s_value[%u] = %u (the "
				   "values increase)", plane, i, x[i], plane,
				   i - 1, x[i - 1]);
	return VA_STATUS_SUCCESS;
}

/* What film_grain_params() (5.9.30, 6.8.20) allows. VA's 2-bit fields
 * (grain_scaling_minus_8, ar_coeff_lag, ar_coeff_shift_minus_6,
 * grain_scale_shift) hold only values in range, as do the 8-bit ones and
 * the AR coefficients; without apply_grain VA says the rest is ignored. */
static VAStatus check_film_grain(const VADecPictureParameterBufferAV1 *pp)
{
	const VAFilmGrainStructAV1 *g = &pp->film_grain_info;
	const __typeof__(g->film_grain_info_fields.bits) *b =
		&g->film_grain_info_fields.bits;
	const __typeof__(pp->seq_info_fields.fields) *seq =
		&pp->seq_info_fields.fields;
	bool yuv420 = seq->subsampling_x && seq->subsampling_y;
	VAStatus ret;

	if (!b->apply_grain)
		return VA_STATUS_SUCCESS;
	if (!seq->film_grain_params_present)
		return BAD("av1: film_grain_info.apply_grain = 1 with "
			   "film_grain_params_present = 0 (the sequence codes "
			   "no film grain)");
	if (!pp->pic_info_fields.bits.show_frame &&
	    !pp->pic_info_fields.bits.showable_frame)
		return BAD("av1: film_grain_info.apply_grain = 1 on a frame "
			   "neither shown nor showable (such a frame codes no "
			   "film grain)");
	if ((ret = check_grain_points("y", g->num_y_points,
				      AV1_MAX_GRAIN_Y_POINTS,
				      g->point_y_value)) ||
	    (ret = check_grain_points("cb", g->num_cb_points,
				      AV1_MAX_GRAIN_CHROMA_POINTS,
				      g->point_cb_value)) ||
	    (ret = check_grain_points("cr", g->num_cr_points,
				      AV1_MAX_GRAIN_CHROMA_POINTS,
				      g->point_cr_value)))
		return ret;
	const char *no_chroma_points =
		seq->mono_chrome ? "mono_chrome" :
		b->chroma_scaling_from_luma ? "chroma_scaling_from_luma" :
		yuv420 && !g->num_y_points ? "num_y_points = 0 in 4:2:0" : NULL;
	if (no_chroma_points && (g->num_cb_points || g->num_cr_points))
		return BAD("av1: film_grain_info.num_cb_points = %u, "
			   "num_cr_points = %u: both are 0 with %s",
			   g->num_cb_points, g->num_cr_points, no_chroma_points);
	if (yuv420 && !g->num_cb_points != !g->num_cr_points)
		return BAD("av1: film_grain_info.num_cb_points = %u, "
			   "num_cr_points = %u: in 4:2:0 both are 0 or neither",
			   g->num_cb_points, g->num_cr_points);
	if (g->num_cb_points && g->cb_offset > AV1_MAX_GRAIN_OFFSET)
		return BAD("av1: film_grain_info.cb_offset = %u out of range "
			   "0..%u", g->cb_offset, AV1_MAX_GRAIN_OFFSET);
	if (g->num_cr_points && g->cr_offset > AV1_MAX_GRAIN_OFFSET)
		return BAD("av1: film_grain_info.cr_offset = %u out of range "
			   "0..%u", g->cr_offset, AV1_MAX_GRAIN_OFFSET);
	return VA_STATUS_SUCCESS;
}

static VAStatus check_segmentation(const VASegmentationStructAV1 *seg)
{
	if (!seg->segment_info_fields.bits.enabled)
		return VA_STATUS_SUCCESS;
	for (unsigned s = 0; s < V4L2_AV1_MAX_SEGMENTS; s++)
		for (unsigned f = 0; f < V4L2_AV1_SEG_LVL_MAX; f++) {
			int v = seg->feature_data[s][f];
			int max = seg_feature_max[f];
			int min = f == V4L2_AV1_SEG_LVL_REF_FRAME ? 0 : -max;
			if ((seg->feature_mask[s] & (1u << f)) &&
			    !in_range(v, min, max))
				return BAD("av1: seg_info.feature_data[%u][%u] "
					   "= %d out of range %d..%d", s, f, v,
					   min, max);
		}
	return VA_STATUS_SUCCESS;
}

/* The tile sizes in superblocks, and where each tile starts in mode info
 * units (spec 5.9.15). With uniform spacing VA's sizes are not needed: the
 * spec's rule gives them from the tile count. */
static VAStatus tile_sizes(const char *what, unsigned count, bool uniform,
			   const uint16_t *va_sizes, unsigned mi, unsigned sb_shift,
			   uint32_t *sizes_minus_1, uint32_t *starts)
{
	unsigned sbs = (mi + (1u << sb_shift) - 1) >> sb_shift, sum = 0;
	unsigned uniform_size = 0;

	if (!in_range((int)count, 1, AV1_MAX_TILE_COLS))
		return BAD("av1: tile_%s = %u out of range 1..%u", what, count,
			   AV1_MAX_TILE_COLS);
	for (unsigned log2 = 0; uniform && log2 <= 6; log2++) {
		unsigned size = (sbs + (1u << log2) - 1) >> log2;
		if ((sbs + size - 1) / size == count) {
			uniform_size = size;
			break;
		}
	}
	if (uniform && !uniform_size)
		return BAD("av1: tile_%s = %u is no uniform split of %u "
			   "superblocks", what, count, sbs);
	for (unsigned i = 0; i < count; i++) {
		unsigned size;
		if (uniform)
			size = i + 1 < count ? uniform_size
					     : sbs - uniform_size * i;
		else if (i < AV1_MAX_TILE_COLS - 1)
			size = va_sizes[i] + 1u;
		else	/* VA has no room for the 64th: the rest */
			size = sum < sbs ? sbs - sum : 0;
		starts[i] = sum << sb_shift;
		sizes_minus_1[i] = size - 1;
		sum += size;
		if (!size || sum > sbs)
			break;
	}
	if (sum != sbs)
		return BAD("av1: the %u tile %s of %s_in_sbs_minus_1 cover %u "
			   "superblocks, the frame has %u", count, what,
			   what[0] == 'c' ? "width" : "height", sum, sbs);
	starts[count] = mi;
	return VA_STATUS_SUCCESS;
}

static VAStatus fill_tile_info(struct v4l2_av1_tile_info *t,
			       const VADecPictureParameterBufferAV1 *pp,
			       unsigned frame_width, unsigned frame_height)
{
	bool uniform = pp->pic_info_fields.bits.uniform_tile_spacing_flag;
	unsigned sb_shift =
		pp->seq_info_fields.fields.use_128x128_superblock ? 5 : 4;
	unsigned mi_cols = 2 * ((frame_width + 7) >> 3);
	unsigned mi_rows = 2 * ((frame_height + 7) >> 3);
	VAStatus ret;

	if ((ret = tile_sizes("cols", pp->tile_cols, uniform,
			      pp->width_in_sbs_minus_1, mi_cols, sb_shift,
			      t->width_in_sbs_minus_1, t->mi_col_starts)) ||
	    (ret = tile_sizes("rows", pp->tile_rows, uniform,
			      pp->height_in_sbs_minus_1, mi_rows, sb_shift,
			      t->height_in_sbs_minus_1, t->mi_row_starts)))
		return ret;
	unsigned n = (unsigned)pp->tile_cols * pp->tile_rows;
	if (n > V4L2_AV1_MAX_TILE_COUNT)
		return BAD("av1: tile_cols x tile_rows = %u x %u: more than "
			   "the %u tiles V4L2 carries", pp->tile_cols,
			   pp->tile_rows, V4L2_AV1_MAX_TILE_COUNT);
	if (pp->context_update_tile_id >= n)
		return BAD("av1: context_update_tile_id = %u, the frame has %u "
			   "tiles", pp->context_update_tile_id, n);
	t->flags = uniform ? V4L2_AV1_TILE_INFO_FLAG_UNIFORM_TILE_SPACING : 0;
	t->context_update_tile_id = (uint8_t)pp->context_update_tile_id;
	t->tile_cols = pp->tile_cols;
	t->tile_rows = pp->tile_rows;
	return VA_STATUS_SUCCESS;
}

static unsigned n_buffers(const struct va_picture_input *in)
{
	unsigned n = 0;

	for (unsigned i = 0; i < in->n_slices; i++)
		n += !i || in->slices[i].buffer != in->slices[i - 1].buffer;
	return n;
}

/* Each distinct data buffer goes once into the OUTPUT buffer; FFmpeg 5.1's
 * repeats of a tile group (a new buffer with the same bytes, right after),
 * like one buffer rendered again, are the same group. Tiles then point
 * into the copies. */
static VAStatus place_tiles(struct av1_state *st,
			    const struct va_picture_input *in,
			    const VADecPictureParameterBufferAV1 *pp)
{
	unsigned n_tiles = (unsigned)pp->tile_cols * pp->tile_rows;
	struct av1_group *g = NULL;

	if (in->n_slices > n_tiles)
		return BAD("av1: %u tiles sent, tile_cols x tile_rows = %u",
			   in->n_slices, n_tiles);
	/* coded only for several tiles (5.9.15); unknown when no group has
	 * two tiles, where no driver reads the sizes from the data */
	st->frame.tile_info.tile_size_bytes = n_tiles > 1 ? 4 : 0;
	for (unsigned i = 0; i < in->n_slices; i++) {
		const struct va_slice *s = &in->slices[i];
		const VASliceParameterBufferAV1 *sp = s->params;
		if (sp->tile_row >= pp->tile_rows ||
		    sp->tile_column >= pp->tile_cols)
			return BAD("av1: tile %u: tile_row = %u, tile_column = "
				   "%u outside the %u x %u tiles", i,
				   sp->tile_row, sp->tile_column, pp->tile_rows,
				   pp->tile_cols);
		bool same = g && g->size == s->buffer_size &&
			    (g->bytes == s->buffer ||
			     !memcmp(g->bytes, s->buffer, g->size));
		if (!same) {
			g = &st->groups[st->n_groups++];
			g->bytes = s->buffer;
			g->size = s->buffer_size;
			g->pos = st->data_size;
			st->data_size += s->buffer_size;
		}
		struct v4l2_ctrl_av1_tile_group_entry *t = &st->tiles[i];
		t->tile_offset = g->pos + (uint32_t)(s->data - s->buffer);
		t->tile_size = s->size;
		t->tile_row = sp->tile_row;
		t->tile_col = sp->tile_column;
		/* tile_size_minus_1 sits between two tiles of a group */
		if (same && i && t->tile_offset > st->tiles[i - 1].tile_offset) {
			uint32_t end = st->tiles[i - 1].tile_offset +
				       st->tiles[i - 1].tile_size;
			if (t->tile_offset > end && t->tile_offset - end <= 4)
				st->frame.tile_info.tile_size_bytes =
					(uint8_t)(t->tile_offset - end);
		}
	}
	st->n_tiles = in->n_slices;
	v4l2r_dbg("av1: %u tiles in %u data buffers, %u distinct (%u bytes)",
		  in->n_slices, n_buffers(in), st->n_groups, st->data_size);
	return VA_STATUS_SUCCESS;
}

static void fill_sequence(struct av1_state *st,
			  const VADecPictureParameterBufferAV1 *pp)
{
	static const struct { uint32_t va, v4l2; } map[] = {
		{ 1u << 0, V4L2_AV1_SEQUENCE_FLAG_STILL_PICTURE },
		{ 1u << 1, V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK },
		{ 1u << 2, V4L2_AV1_SEQUENCE_FLAG_ENABLE_FILTER_INTRA },
		{ 1u << 3, V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTRA_EDGE_FILTER },
		{ 1u << 4, V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTERINTRA_COMPOUND },
		{ 1u << 5, V4L2_AV1_SEQUENCE_FLAG_ENABLE_MASKED_COMPOUND },
		{ 1u << 6, V4L2_AV1_SEQUENCE_FLAG_ENABLE_DUAL_FILTER },
		{ 1u << 7, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT },
		{ 1u << 8, V4L2_AV1_SEQUENCE_FLAG_ENABLE_JNT_COMP },
		{ 1u << 9, V4L2_AV1_SEQUENCE_FLAG_ENABLE_CDEF },
		{ 1u << 10, V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME },
		{ 1u << 11, V4L2_AV1_SEQUENCE_FLAG_COLOR_RANGE },
		{ 1u << 12, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X },
		{ 1u << 13, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y },
		{ 1u << 15, V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT },
	};
	const __typeof__(pp->pic_info_fields.bits) *f =
		&pp->pic_info_fields.bits;
	const __typeof__(pp->loop_restoration_fields.bits) *lr =
		&pp->loop_restoration_fields.bits;
	struct v4l2_ctrl_av1_sequence *s = &st->sequence;

	if (f->allow_warped_motion)
		st->used_tools |= V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION;
	if (f->use_ref_frame_mvs)
		st->used_tools |= V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS;
	if (f->use_superres)
		st->used_tools |= V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES;
	if (lr->yframe_restoration_type || lr->cbframe_restoration_type ||
	    lr->crframe_restoration_type)
		st->used_tools |= V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION;
	if (pp->u_dc_delta_q != pp->v_dc_delta_q ||
	    pp->u_ac_delta_q != pp->v_ac_delta_q)
		st->used_tools |= V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q;
	if (pp->frame_width_minus1 > st->max_width_minus_1)
		st->max_width_minus_1 = pp->frame_width_minus1;
	if (pp->frame_height_minus1 > st->max_height_minus_1)
		st->max_height_minus_1 = pp->frame_height_minus1;

	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (pp->seq_info_fields.value & map[i].va)
			s->flags |= map[i].v4l2;
	s->flags |= st->used_tools;
	s->seq_profile = pp->profile;
	s->order_hint_bits = pp->seq_info_fields.fields.enable_order_hint ?
		pp->order_hint_bits_minus_1 + 1 : 0;
	s->bit_depth = (uint8_t)av1_bit_depth(pp);
	s->max_frame_width_minus_1 = st->max_width_minus_1;
	s->max_frame_height_minus_1 = st->max_height_minus_1;
	st->send_sequence = !st->sequence_sent ||
			    memcmp(s, &st->sent_sequence, sizeof(*s));
}

static void fill_quantization(struct v4l2_av1_quantization *q,
			      const VADecPictureParameterBufferAV1 *pp)
{
	q->flags = (pp->u_dc_delta_q != pp->v_dc_delta_q ||
		    pp->u_ac_delta_q != pp->v_ac_delta_q ?
			    V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA : 0) |
		   (pp->qmatrix_fields.bits.using_qmatrix ?
			    V4L2_AV1_QUANTIZATION_FLAG_USING_QMATRIX : 0) |
		   (pp->mode_control_fields.bits.delta_q_present_flag ?
			    V4L2_AV1_QUANTIZATION_FLAG_DELTA_Q_PRESENT : 0);
	q->base_q_idx = pp->base_qindex;
	q->delta_q_y_dc = pp->y_dc_delta_q;
	q->delta_q_u_dc = pp->u_dc_delta_q;
	q->delta_q_u_ac = pp->u_ac_delta_q;
	q->delta_q_v_dc = pp->v_dc_delta_q;
	q->delta_q_v_ac = pp->v_ac_delta_q;
	q->qm_y = pp->qmatrix_fields.bits.qm_y;
	q->qm_u = pp->qmatrix_fields.bits.qm_u;
	q->qm_v = pp->qmatrix_fields.bits.qm_v;
	q->delta_q_res = pp->mode_control_fields.bits.log2_delta_q_res;
}

/* SegIdPreSkip and LastActiveSegId are derived as in spec 5.9.14. */
static void fill_segmentation(struct v4l2_av1_segmentation *seg,
			      const VASegmentationStructAV1 *va)
{
	const __typeof__(va->segment_info_fields.bits) *b =
		&va->segment_info_fields.bits;

	seg->flags = (b->enabled ? V4L2_AV1_SEGMENTATION_FLAG_ENABLED : 0) |
		     (b->update_map ? V4L2_AV1_SEGMENTATION_FLAG_UPDATE_MAP : 0) |
		     (b->temporal_update ?
			      V4L2_AV1_SEGMENTATION_FLAG_TEMPORAL_UPDATE : 0) |
		     (b->update_data ? V4L2_AV1_SEGMENTATION_FLAG_UPDATE_DATA : 0);
	if (!b->enabled)
		return;
	for (unsigned s = 0; s < V4L2_AV1_MAX_SEGMENTS; s++) {
		seg->feature_enabled[s] = va->feature_mask[s];
		for (unsigned f = 0; f < V4L2_AV1_SEG_LVL_MAX; f++) {
			if (!(va->feature_mask[s] & (1u << f)))
				continue;
			seg->feature_data[s][f] = va->feature_data[s][f];
			seg->last_active_seg_id = (uint8_t)s;
			if (f >= V4L2_AV1_SEG_LVL_REF_FRAME)
				seg->flags |=
					V4L2_AV1_SEGMENTATION_FLAG_SEG_ID_PRE_SKIP;
		}
	}
}

static void fill_loop_filter(struct v4l2_av1_loop_filter *lf,
			     const VADecPictureParameterBufferAV1 *pp)
{
	const __typeof__(pp->loop_filter_info_fields.bits) *b =
		&pp->loop_filter_info_fields.bits;
	const __typeof__(pp->mode_control_fields.bits) *m =
		&pp->mode_control_fields.bits;

	lf->flags = (b->mode_ref_delta_enabled ?
			     V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED : 0) |
		    (b->mode_ref_delta_update ?
			     V4L2_AV1_LOOP_FILTER_FLAG_DELTA_UPDATE : 0) |
		    (m->delta_lf_present_flag ?
			     V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_PRESENT : 0) |
		    (m->delta_lf_multi ? V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_MULTI
				       : 0);
	lf->level[0] = pp->filter_level[0];
	lf->level[1] = pp->filter_level[1];
	lf->level[2] = pp->filter_level_u;
	lf->level[3] = pp->filter_level_v;
	lf->sharpness = b->sharpness_level;
	memcpy(lf->ref_deltas, pp->ref_deltas, sizeof(lf->ref_deltas));
	memcpy(lf->mode_deltas, pp->mode_deltas, sizeof(lf->mode_deltas));
	lf->delta_lf_res = m->log2_delta_lf_res;
}

/* VA packs each strength as coded (primary << 2 | secondary); V4L2 wants
 * the secondary as the spec uses it, where a coded 3 means 4 (5.9.19). */
static void fill_cdef(struct v4l2_av1_cdef *c,
		      const VADecPictureParameterBufferAV1 *pp)
{
	c->damping_minus_3 = pp->cdef_damping_minus_3;
	c->bits = pp->cdef_bits;
	for (unsigned i = 0; i < (1u << pp->cdef_bits); i++) {
		uint8_t y = pp->cdef_y_strengths[i], uv = pp->cdef_uv_strengths[i];
		c->y_pri_strength[i] = y >> 2;
		c->y_sec_strength[i] = (y & 3) == 3 ? 4 : y & 3;
		c->uv_pri_strength[i] = uv >> 2;
		c->uv_sec_strength[i] = (uv & 3) == 3 ? 4 : uv & 3;
	}
}

static void fill_loop_restoration(struct v4l2_av1_loop_restoration *lr,
				  const VADecPictureParameterBufferAV1 *pp)
{
	const __typeof__(pp->loop_restoration_fields.bits) *b =
		&pp->loop_restoration_fields.bits;

	/* VA's types are FrameRestorationType, V4L2's enum order */
	lr->frame_restoration_type[0] = b->yframe_restoration_type;
	lr->frame_restoration_type[1] = b->cbframe_restoration_type;
	lr->frame_restoration_type[2] = b->crframe_restoration_type;
	if (b->yframe_restoration_type || b->cbframe_restoration_type ||
	    b->crframe_restoration_type)
		lr->flags |= V4L2_AV1_LOOP_RESTORATION_FLAG_USES_LR;
	if (b->cbframe_restoration_type || b->crframe_restoration_type)
		lr->flags |= V4L2_AV1_LOOP_RESTORATION_FLAG_USES_CHROMA_LR;
	lr->lr_unit_shift = b->lr_unit_shift;
	lr->lr_uv_shift = b->lr_uv_shift;
	/* LoopRestorationSize (5.9.20), defined only when a plane uses LR:
	 * RESTORATION_TILESIZE_MAX (256) >> (2 - lr_unit_shift), chroma >>
	 * lr_uv_shift */
	if (!lr->flags)
		return;
	lr->loop_restoration_size[0] = 256u >> (2 - b->lr_unit_shift);
	lr->loop_restoration_size[1] =
		lr->loop_restoration_size[0] >> b->lr_uv_shift;
	lr->loop_restoration_size[2] = lr->loop_restoration_size[1];
}

static void fill_global_motion(struct v4l2_av1_global_motion *gm,
			       const VADecPictureParameterBufferAV1 *pp)
{
	/* index 0 is INTRA_FRAME: the identity (1.0 in WARPEDMODEL_PREC) */
	gm->params[0][2] = gm->params[0][5] = 1 << 16;
	for (unsigned i = 0; i < V4L2_AV1_REFS_PER_FRAME; i++) {
		const VAWarpedMotionParamsAV1 *wm = &pp->wm[i];
		unsigned ref = i + 1;
		gm->type[ref] = (enum v4l2_av1_warp_model)wm->wmtype;
		if (wm->wmtype != VAAV1TransformationIdentity)
			gm->flags[ref] |= V4L2_AV1_GLOBAL_MOTION_FLAG_IS_GLOBAL;
		if (wm->wmtype == VAAV1TransformationRotzoom)
			gm->flags[ref] |= V4L2_AV1_GLOBAL_MOTION_FLAG_IS_ROT_ZOOM;
		if (wm->wmtype == VAAV1TransformationTranslation)
			gm->flags[ref] |=
				V4L2_AV1_GLOBAL_MOTION_FLAG_IS_TRANSLATION;
		for (unsigned k = 0; k < 6; k++)
			gm->params[ref][k] = wm->wmmat[k];
		if (wm->invalid)
			gm->invalid |= V4L2_AV1_GLOBAL_MOTION_IS_INVALID(ref);
	}
}

/* VA's parameters are those in force (load_grain_params() applied by the
 * client), so they go as a new set. Only what film_grain_params() codes
 * is copied, the rest left 0: VA's other entries hold whatever the client
 * left there. */
static void fill_film_grain(struct v4l2_ctrl_av1_film_grain *out,
			    const VAFilmGrainStructAV1 *g)
{
	const __typeof__(g->film_grain_info_fields.bits) *b =
		&g->film_grain_info_fields.bits;

	memset(out, 0, sizeof(*out));
	if (!b->apply_grain)
		return;
	out->flags = V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN |
		     V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN |
		     (b->chroma_scaling_from_luma ?
			      V4L2_AV1_FILM_GRAIN_FLAG_CHROMA_SCALING_FROM_LUMA : 0) |
		     (b->overlap_flag ? V4L2_AV1_FILM_GRAIN_FLAG_OVERLAP : 0) |
		     (b->clip_to_restricted_range ?
			      V4L2_AV1_FILM_GRAIN_FLAG_CLIP_TO_RESTRICTED_RANGE : 0);
	out->grain_seed = g->grain_seed;
	out->num_y_points = g->num_y_points;
	memcpy(out->point_y_value, g->point_y_value, g->num_y_points);
	memcpy(out->point_y_scaling, g->point_y_scaling, g->num_y_points);
	out->num_cb_points = g->num_cb_points;
	memcpy(out->point_cb_value, g->point_cb_value, g->num_cb_points);
	memcpy(out->point_cb_scaling, g->point_cb_scaling, g->num_cb_points);
	out->num_cr_points = g->num_cr_points;
	memcpy(out->point_cr_value, g->point_cr_value, g->num_cr_points);
	memcpy(out->point_cr_scaling, g->point_cr_scaling, g->num_cr_points);
	out->grain_scaling_minus_8 = b->grain_scaling_minus_8;
	out->ar_coeff_lag = b->ar_coeff_lag;
	/* numPosLuma and numPosChroma (5.9.30) */
	unsigned luma_pos = 2u * b->ar_coeff_lag * (b->ar_coeff_lag + 1u);
	unsigned chroma_pos = luma_pos + (g->num_y_points ? 1 : 0);
	for (unsigned i = 0; g->num_y_points && i < luma_pos; i++)
		out->ar_coeffs_y_plus_128[i] = (uint8_t)(g->ar_coeffs_y[i] + 128);
	for (unsigned i = 0; i < chroma_pos; i++) {
		if (b->chroma_scaling_from_luma || g->num_cb_points)
			out->ar_coeffs_cb_plus_128[i] =
				(uint8_t)(g->ar_coeffs_cb[i] + 128);
		if (b->chroma_scaling_from_luma || g->num_cr_points)
			out->ar_coeffs_cr_plus_128[i] =
				(uint8_t)(g->ar_coeffs_cr[i] + 128);
	}
	out->ar_coeff_shift_minus_6 = b->ar_coeff_shift_minus_6;
	out->grain_scale_shift = b->grain_scale_shift;
	if (g->num_cb_points) {
		out->cb_mult = g->cb_mult;
		out->cb_luma_mult = g->cb_luma_mult;
		out->cb_offset = g->cb_offset;
	}
	if (g->num_cr_points) {
		out->cr_mult = g->cr_mult;
		out->cr_luma_mult = g->cr_luma_mult;
		out->cr_offset = g->cr_offset;
	}
}

static struct av1_surface_hint *find_hint(struct av1_state *st,
					  VASurfaceID surface)
{
	for (unsigned i = 0; i < st->n_hints; i++)
		if (st->hints[i].surface == surface)
			return &st->hints[i];
	return NULL;
}

static void remember_hint(struct av1_state *st, VASurfaceID surface,
			  uint8_t order_hint)
{
	struct av1_surface_hint *h = find_hint(st, surface);

	if (!h) {
		if (st->n_hints < AV1_REMEMBERED_SURFACES)
			h = &st->hints[st->n_hints++];
		else
			h = &st->hints[st->next_hint++ %
				       AV1_REMEMBERED_SURFACES];
	}
	h->surface = surface;
	h->order_hint = order_hint;
}

/* skip_mode_params() of the spec (5.9.22): the two references skip mode
 * uses, from their order hints. Returns whether skip mode is allowed. */
static bool skip_mode_frames(const struct v4l2_ctrl_av1_frame *f,
			     unsigned bits, uint8_t out[2])
{
	int fwd = -1, bwd = -1, fwd2 = -1, fwd_hint = 0, bwd_hint = 0,
	    fwd2_hint = 0, cur = (int)f->order_hint;

	for (int i = 0; i < V4L2_AV1_REFS_PER_FRAME; i++) {
		int hint = (int)f->order_hints[i + 1];
		if (av1_relative_dist(bits, hint, cur) < 0) {
			if (fwd < 0 || av1_relative_dist(bits, hint, fwd_hint) > 0) {
				fwd = i;
				fwd_hint = hint;
			}
		} else if (av1_relative_dist(bits, hint, cur) > 0) {
			if (bwd < 0 || av1_relative_dist(bits, hint, bwd_hint) < 0) {
				bwd = i;
				bwd_hint = hint;
			}
		}
	}
	if (fwd < 0)
		return false;
	if (bwd < 0) {
		for (int i = 0; i < V4L2_AV1_REFS_PER_FRAME; i++) {
			int hint = (int)f->order_hints[i + 1];
			if (av1_relative_dist(bits, hint, fwd_hint) < 0 &&
			    (fwd2 < 0 ||
			     av1_relative_dist(bits, hint, fwd2_hint) > 0)) {
				fwd2 = i;
				fwd2_hint = hint;
			}
		}
		if (fwd2 < 0)
			return false;
		bwd = fwd2;
	}
	out[0] = (uint8_t)(V4L2_AV1_REF_LAST_FRAME + (fwd < bwd ? fwd : bwd));
	out[1] = (uint8_t)(V4L2_AV1_REF_LAST_FRAME + (fwd < bwd ? bwd : fwd));
	return true;
}

/* The references, in the driver's slot numbering (av1_slots.h): the
 * timestamps of the surfaces VA's map holds, each reference name's slot
 * and order hint, and the one slot the frame refreshes. A reference must
 * name a decoded surface. The plan is kept in st->plan, committed once the
 * frame is accepted. */
static VAStatus fill_references(struct av1_state *st,
				const VADecPictureParameterBufferAV1 *pp,
				const struct va_ref_resolver *refs,
				VASurfaceID target)
{
	struct v4l2_ctrl_av1_frame *f = &st->frame;
	uint64_t va_ts[AV1_NUM_REF_FRAMES] = { 0 };
	uint8_t va_hint[AV1_NUM_REF_FRAMES] = { 0 };
	bool intra = frame_is_intra(pp);

	for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++) {
		VASurfaceID id = pp->ref_frame_map[i];
		if (id == VA_INVALID_SURFACE)
			continue;
		va_ts[i] = va_ref_timestamp(refs, id, "av1", "ref_frame_map");
		const struct av1_surface_hint *h = find_hint(st, id);
		va_hint[i] = h ? h->order_hint : 0;
	}
	/* an intra frame has no references: GStreamer leaves 255 there */
	for (unsigned i = 0; i < V4L2_AV1_REFS_PER_FRAME && !intra; i++) {
		unsigned slot = pp->ref_frame_idx[i];
		if (slot >= AV1_NUM_REF_FRAMES)
			return BAD("av1: ref_frame_idx[%u] = %u out of range "
				   "0..7", i, slot);
		if (!va_ts[slot])
			return BAD("av1: ref_frame_idx[%u] = %u: "
				   "ref_frame_map[%u] (surface 0x%x) holds no "
				   "decoded picture", i, slot, slot,
				   pp->ref_frame_map[slot]);
		f->order_hints[i + 1] = va_hint[slot];
	}

	const struct av1_slot_frame frame = {
		.map = pp->ref_frame_map,
		.map_hint = va_hint,
		.ref_frame_idx = intra ? NULL : pp->ref_frame_idx,
		.target = target,
		.order_hint = pp->order_hint,
		.order_hint_bits = st->sequence.order_hint_bits,
	};
	av1_slots_plan(&st->slots, &frame, &st->plan);
	for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++)
		if (st->plan.va_slot[i] >= 0)
			f->reference_frame_ts[i] = va_ts[st->plan.va_slot[i]];
	/* -1 on intra frames, as GStreamer sends: no slot is read */
	for (unsigned i = 0; i < V4L2_AV1_REFS_PER_FRAME; i++)
		f->ref_frame_idx[i] = intra ? -1 : st->plan.ref_slot[i];
	f->refresh_frame_flags = st->plan.refresh_frame_flags;
	return VA_STATUS_SUCCESS;
}

/* What the slot plan could not keep, said once per context: the frames
 * it concerns may decode with another frame's stored state (CDFs). */
static void say_slot_losses(struct av1_state *st,
			    const VADecPictureParameterBufferAV1 *pp)
{
	const struct av1_slot_plan *p = &st->plan;

	if (p->evicted != VA_INVALID_SURFACE && !st->said_evicted) {
		v4l2r_warn("av1: eight distinct reference frames and VA does "
			   "not say which one this frame replaces: surface "
			   "0x%x gave its device slot (and stored CDFs) up; a "
			   "later frame predicting from it may decode wrongly",
			   p->evicted);
		st->said_evicted = true;
	}
	unsigned primary = pp->primary_ref_frame;
	if (primary < V4L2_AV1_REFS_PER_FRAME && !st->said_restored &&
	    !p->next.stored[p->ref_slot[primary]]) {
		v4l2r_warn("av1: the primary reference (surface 0x%x) lost "
			   "its device slot to an earlier frame: this frame "
			   "decodes with other CDFs",
			   pp->ref_frame_map[pp->ref_frame_idx[primary]]);
		st->said_restored = true;
	}
}

static void fill_frame_flags(struct v4l2_ctrl_av1_frame *f,
			     const VADecPictureParameterBufferAV1 *pp,
			     unsigned order_hint_bits)
{
	static const struct { uint32_t va, v4l2; } map[] = {
		{ 1u << 2, V4L2_AV1_FRAME_FLAG_SHOW_FRAME },
		{ 1u << 3, V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME },
		{ 1u << 4, V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE },
		{ 1u << 5, V4L2_AV1_FRAME_FLAG_DISABLE_CDF_UPDATE },
		{ 1u << 6, V4L2_AV1_FRAME_FLAG_ALLOW_SCREEN_CONTENT_TOOLS },
		{ 1u << 7, V4L2_AV1_FRAME_FLAG_FORCE_INTEGER_MV },
		{ 1u << 8, V4L2_AV1_FRAME_FLAG_ALLOW_INTRABC },
		{ 1u << 9, V4L2_AV1_FRAME_FLAG_USE_SUPERRES },
		{ 1u << 10, V4L2_AV1_FRAME_FLAG_ALLOW_HIGH_PRECISION_MV },
		{ 1u << 11, V4L2_AV1_FRAME_FLAG_IS_MOTION_MODE_SWITCHABLE },
		{ 1u << 12, V4L2_AV1_FRAME_FLAG_USE_REF_FRAME_MVS },
		{ 1u << 13, V4L2_AV1_FRAME_FLAG_DISABLE_FRAME_END_UPDATE_CDF },
		{ 1u << 15, V4L2_AV1_FRAME_FLAG_ALLOW_WARPED_MOTION },
	};
	const __typeof__(pp->mode_control_fields.bits) *m =
		&pp->mode_control_fields.bits;

	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (pp->pic_info_fields.value & map[i].va)
			f->flags |= map[i].v4l2;
	if (m->reference_select)
		f->flags |= V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT;
	if (m->reduced_tx_set_used)
		f->flags |= V4L2_AV1_FRAME_FLAG_REDUCED_TX_SET;
	if (m->skip_mode_present)
		f->flags |= V4L2_AV1_FRAME_FLAG_SKIP_MODE_PRESENT;
	if (!frame_is_intra(pp) && m->reference_select && order_hint_bits &&
	    skip_mode_frames(f, order_hint_bits, f->skip_mode_frame))
		f->flags |= V4L2_AV1_FRAME_FLAG_SKIP_MODE_ALLOWED;
	else
		memset(f->skip_mode_frame, 0, sizeof(f->skip_mode_frame));
}

static VAStatus fill_frame(struct av1_state *st,
			   const VADecPictureParameterBufferAV1 *pp,
			   const struct va_ref_resolver *refs, VASurfaceID target)
{
	struct v4l2_ctrl_av1_frame *f = &st->frame;
	const __typeof__(pp->pic_info_fields.bits) *b =
		&pp->pic_info_fields.bits;
	/* VA's width is the upscaled one; superres codes a narrower frame
	 * (spec 7.16) */
	unsigned upscaled = pp->frame_width_minus1 + 1u;
	unsigned denom = b->use_superres ? pp->superres_scale_denominator : 8;
	unsigned width = (upscaled * 8 + denom / 2) / denom;
	unsigned height = pp->frame_height_minus1 + 1u;
	VAStatus ret;

	if ((ret = fill_tile_info(&f->tile_info, pp, width, height)) ||
	    (ret = fill_references(st, pp, refs, target)))
		return ret;
	fill_quantization(&f->quantization, pp);
	f->superres_denom = (uint8_t)denom;
	fill_segmentation(&f->segmentation, &pp->seg_info);
	fill_loop_filter(&f->loop_filter, pp);
	fill_cdef(&f->cdef, pp);
	f->primary_ref_frame = pp->primary_ref_frame;
	fill_loop_restoration(&f->loop_restoration, pp);
	fill_global_motion(&f->global_motion, pp);
	f->frame_type = (enum v4l2_av1_frame_type)b->frame_type;
	f->order_hint = pp->order_hint;
	f->upscaled_width = upscaled;
	f->interpolation_filter =
		(enum v4l2_av1_interpolation_filter)pp->interp_filter;
	f->tx_mode = (enum v4l2_av1_tx_mode)pp->mode_control_fields.bits.tx_mode;
	f->frame_width_minus_1 = width - 1;
	f->frame_height_minus_1 = height - 1;
	/* the render size is not in VA and no decoder reads it */
	f->render_width_minus_1 = (uint16_t)(upscaled - 1);
	f->render_height_minus_1 = (uint16_t)(height - 1);
	fill_frame_flags(f, pp, st->sequence.order_hint_bits);
	/* a switch frame implies frame_size_override_flag (5.9.2) */
	if (b->frame_type == V4L2_AV1_SWITCH_FRAME)
		f->flags |= V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE;
	return VA_STATUS_SUCCESS;
}

static VAStatus av1_translate(void *state, const struct va_picture_input *in,
			      const struct v4l2r_decode_mode *mode,
			      const struct va_ref_resolver *refs)
{
	struct av1_state *st = state;
	const VADecPictureParameterBufferAV1 *pp = in->pic_params;
	uint32_t used_tools = st->used_tools;
	uint16_t max_w = st->max_width_minus_1, max_h = st->max_height_minus_1;
	VAStatus ret;

	if (!st->slots_ready) {	/* the state is zeroed; 0 is a surface id */
		av1_slots_init(&st->slots);
		st->slots_ready = true;
	}
	memset(&st->frame, 0, sizeof(st->frame));
	st->n_tiles = st->n_groups = 0;
	st->data_size = 0;
	if ((ret = check_sequence(pp, in->bit_depth)) || (ret = check_frame(pp)) ||
	    (ret = check_segmentation(&pp->seg_info)) ||
	    (ret = check_film_grain(pp)))
		return ret;
	if (!va_picture_fits(in, pp->frame_width_minus1 + 1u,
			     pp->frame_height_minus1 + 1u, "av1",
			     "frame_width/height_minus1 (+ 1)"))
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	fill_sequence(st, pp);
	if ((ret = fill_frame(st, pp, refs, in->target)) ||
	    (ret = place_tiles(st, in, pp))) {
		/* a refused frame proves nothing about the sequence */
		st->used_tools = used_tools;
		st->max_width_minus_1 = max_w;
		st->max_height_minus_1 = max_h;
		st->n_tiles = st->n_groups = 0;
		st->data_size = 0;
		return ret;
	}
	if (st->send_sequence) {
		st->sent_sequence = st->sequence;
		st->sequence_sent = true;
	}
	remember_hint(st, in->target, pp->order_hint);
	st->slots = st->plan.next;
	say_slot_losses(st, pp);
	fill_film_grain(&st->film_grain, &pp->film_grain_info);
	if (pp->film_grain_info.film_grain_info_fields.bits.apply_grain &&
	    !st->said_grain_not_applied &&
	    v4l2r_decode_mode_lacks(mode, V4L2R_CODEC_AV1,
				    V4L2_CID_STATELESS_AV1_FILM_GRAIN)) {
		v4l2r_warn("av1: the decoder has no film grain control: "
			   "frames are shown without their film grain");
		st->said_grain_not_applied = true;
	}
	return VA_STATUS_SUCCESS;
}

static void av1_plan_request(void *state, const struct v4l2r_decode_mode *mode,
			     unsigned i, struct va_request_plan *plan)
{
	struct av1_state *st = state;
	unsigned n = 0;
	(void)mode;
	(void)i;

	/* the device keeps the sequence of an earlier request */
	if (st->send_sequence) {
		plan->controls[n].id = V4L2_CID_STATELESS_AV1_SEQUENCE;
		plan->controls[n].ptr = &st->sequence;
		plan->controls[n++].size = sizeof(st->sequence);
	}
	plan->controls[n].id = V4L2_CID_STATELESS_AV1_FRAME;
	plan->controls[n].ptr = &st->frame;
	plan->controls[n++].size = sizeof(st->frame);
	plan->controls[n].id = V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY;
	plan->controls[n].ptr = st->tiles;
	plan->controls[n++].size =
		(uint32_t)(st->n_tiles * sizeof(st->tiles[0]));
	/* every frame: a request without it inherits an earlier frame's
	 * (picture.c leaves it out where the device has none) */
	plan->controls[n].id = V4L2_CID_STATELESS_AV1_FILM_GRAIN;
	plan->controls[n].ptr = &st->film_grain;
	plan->controls[n++].size = sizeof(st->film_grain);
	plan->n_controls = n;
	plan->first_slice = 0;
	plan->n_slices = st->n_tiles;
}

static size_t av1_write_data(void *state, const struct va_picture_input *in,
			     unsigned first, unsigned n, uint8_t *dst,
			     size_t cap)
{
	const struct av1_state *st = state;
	(void)in;
	(void)first;
	(void)n;

	if (dst && st->data_size <= cap)
		for (unsigned i = 0; i < st->n_groups; i++)
			memcpy(dst + st->groups[i].pos, st->groups[i].bytes,
			       st->groups[i].size);
	return st->data_size;
}

/* A grain frame is shown from current_display_picture (va_dec_av1.h):
 * FFmpeg names a surface of its own there, GStreamer the buffer it
 * outputs; without grain both are the render target (or, GStreamer,
 * VA_INVALID_SURFACE). */
static VASurfaceID av1_display_surface(const struct va_picture_input *in,
				       const char **field)
{
	const VADecPictureParameterBufferAV1 *pp = in->pic_params;

	*field = "av1: current_display_picture";
	return pp->film_grain_info.film_grain_info_fields.bits.apply_grain ?
		       pp->current_display_picture : VA_INVALID_SURFACE;
}

/* No menu: Main, which every AV1 decoder has. */
static unsigned av1_profiles(uint64_t v4l2_profiles, VAProfile *out,
			     unsigned max)
{
	if (!max || (v4l2_profiles &&
		     !(v4l2_profiles & (1ull << V4L2_MPEG_VIDEO_AV1_PROFILE_MAIN))))
		return 0;
	out[0] = VAProfileAV1Profile0;
	return 1;
}

const struct va_codec_ops va_codec_av1 = {
	.codec = V4L2R_CODEC_AV1,
	.pic_param_size = sizeof(VADecPictureParameterBufferAV1),
	.slice_param_size = sizeof(VASliceParameterBufferAV1),
	.state_size = sizeof(struct av1_state),
	.translate = av1_translate,
	.plan_request = av1_plan_request,
	.profiles = av1_profiles,
	.write_data = av1_write_data,
	.display_surface = av1_display_surface,
};
