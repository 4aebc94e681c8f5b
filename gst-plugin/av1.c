/* AV1: the OBUs GStreamer's AV1 parser reads, into the stateless AV1
 * controls (sequence, frame, one tile group entry per tile, film grain
 * where the device applies it); one request per frame, its OUTPUT buffer
 * holding the payloads of the frame's tile group (or frame) OBUs, each
 * tile found by its offset in what is queued (pixfmt-compressed.rst,
 * V4L2_PIX_FMT_AV1_FRAME).
 *
 * Input: one frame per buffer (av1parse alignment=frame): a frame with its
 * tile groups, or a frame header showing an existing frame. References: the
 * 8 slots of ref_slots.c, refreshed by refresh_frame_flags (spec 7.20).
 * AV1 never reorders on its own: a shown frame goes out at once, a hidden
 * one (show_frame 0) is decoded for reference only and its input frame
 * dropped;
 * show_existing_frame outputs a slot's picture again for its own input
 * frame, and when that picture is a key frame it refreshes every slot
 * (spec 7.21). */
#include <string.h>

#include <gst/codecparsers/gstav1parser.h>
#include <linux/videodev2.h>

#include "codecs.h"
#include "decoder.h"
#include "slots_input.h"

#define AV1_SLOTS GST_AV1_NUM_REF_FRAMES

typedef struct {
	GstV4l2rDecoder parent;

	GstAV1Parser *parser;
	GstAV1SequenceHeaderOBU seq;
	gboolean have_sequence;

	struct ref_slots slots;
	/* Each slot's frame header: what a key frame shown again through
	 * show_existing_frame loads into the parser (spec 7.21). The large
	 * parts live apart: a GObject instance holds at most 64 KiB. */
	GstAV1FrameHeaderOBU *slot_hdr;	/* [AV1_SLOTS] */

	gboolean configured;
	guint width, height, display_width, display_height, bit_depth;

	/* The frame being gathered: its header, its tile group OBUs. */
	gboolean in_frame;
	GstAV1FrameHeaderOBU hdr;
	GstAV1FrameOBU *obu_frame;	/* an OBU_FRAME, or a tile group */
	/* V4L2_AV1_MAX_TILE_COUNT of each */
	struct v4l2_ctrl_av1_tile_group_entry *tiles;
	guint n_tiles;
	GstV4l2rChunk *groups;
	guint n_groups;
	gsize data_size;

	struct v4l2_ctrl_av1_sequence v4l2_seq;
	struct v4l2_ctrl_av1_frame v4l2_frame;
	struct v4l2_ctrl_av1_film_grain v4l2_grain;
} GstV4l2rAv1Dec;

typedef GstV4l2rDecoderClass GstV4l2rAv1DecClass;

G_DEFINE_TYPE(GstV4l2rAv1Dec, gst_v4l2r_av1_dec, GST_TYPE_V4L2R_DECODER)
G_STATIC_ASSERT(sizeof(GstV4l2rAv1Dec) <= G_MAXUINT16);

static guint32 bit(gboolean on, guint32 flag)
{
	return on ? flag : 0;
}

/* The reference frame update process (spec 7.20): the slots sf refreshes
 * hold pic (NULL: a frame that was not decoded), and hdr in the parser. */
static void refresh_slots(GstV4l2rAv1Dec *self,
			  const struct ref_slots_frame *sf,
			  GstAV1FrameHeaderOBU *hdr, GstV4l2rPicture *pic)
{
	gst_v4l2r_av1_refresh(&self->slots, self->slot_hdr, self->parser, sf,
			      hdr, pic);
}

/* A device that does not apply film grain has no control for it. */
static gboolean device_has_control(GstV4l2rDecoder *dec, guint32 id)
{
	const struct gst_v4l2r_device_codec *dev =
		GST_V4L2R_DECODER_GET_CLASS(dec)->device;

	for (guint i = 0; i < dev->desc->n_controls; i++)
		if (dev->desc->controls[i].id == id)
			return (dev->caps.controls_present & (1u << i)) != 0;
	return FALSE;
}

static void fill_sequence(GstV4l2rAv1Dec *self)
{
	const GstAV1SequenceHeaderOBU *s = &self->seq;
	const GstAV1ColorConfig *c = &s->color_config;
	struct v4l2_ctrl_av1_sequence *out = &self->v4l2_seq;

	memset(out, 0, sizeof(*out));
	out->flags =
		bit(s->still_picture, V4L2_AV1_SEQUENCE_FLAG_STILL_PICTURE) |
		bit(s->use_128x128_superblock,
		    V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK) |
		bit(s->enable_filter_intra,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_FILTER_INTRA) |
		bit(s->enable_intra_edge_filter,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTRA_EDGE_FILTER) |
		bit(s->enable_interintra_compound,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTERINTRA_COMPOUND) |
		bit(s->enable_masked_compound,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_MASKED_COMPOUND) |
		bit(s->enable_warped_motion,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION) |
		bit(s->enable_dual_filter,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_DUAL_FILTER) |
		bit(s->enable_order_hint,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT) |
		bit(s->enable_jnt_comp,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_JNT_COMP) |
		bit(s->enable_ref_frame_mvs,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS) |
		bit(s->enable_superres,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES) |
		bit(s->enable_cdef, V4L2_AV1_SEQUENCE_FLAG_ENABLE_CDEF) |
		bit(s->enable_restoration,
		    V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION) |
		bit(c->mono_chrome, V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME) |
		bit(c->color_range, V4L2_AV1_SEQUENCE_FLAG_COLOR_RANGE) |
		bit(c->subsampling_x, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X) |
		bit(c->subsampling_y, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y) |
		bit(s->film_grain_params_present,
		    V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT) |
		bit(c->separate_uv_delta_q,
		    V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q);
	out->seq_profile = (guint8)s->seq_profile;
	out->order_hint_bits = s->order_hint_bits;
	out->bit_depth = s->bit_depth;
	out->max_frame_width_minus_1 = s->max_frame_width_minus_1;
	out->max_frame_height_minus_1 = s->max_frame_height_minus_1;
}

static void fill_tile_info(struct v4l2_av1_tile_info *out,
			   const GstAV1TileInfo *t)
{
	out->flags = bit(t->uniform_tile_spacing_flag,
			 V4L2_AV1_TILE_INFO_FLAG_UNIFORM_TILE_SPACING);
	out->context_update_tile_id = t->context_update_tile_id;
	out->tile_cols = t->tile_cols;
	out->tile_rows = t->tile_rows;
	out->tile_size_bytes = t->tile_size_bytes;
	for (guint i = 0; i <= GST_AV1_MAX_TILE_COLS; i++)
		out->mi_col_starts[i] = t->mi_col_starts[i];
	for (guint i = 0; i <= GST_AV1_MAX_TILE_ROWS; i++)
		out->mi_row_starts[i] = t->mi_row_starts[i];
	/* the parser gives the sizes for uniform spacing too (5.9.15) */
	for (guint i = 0; i < GST_AV1_MAX_TILE_COLS; i++)
		out->width_in_sbs_minus_1[i] =
			(guint32)t->width_in_sbs_minus_1[i];
	for (guint i = 0; i < GST_AV1_MAX_TILE_ROWS; i++)
		out->height_in_sbs_minus_1[i] =
			(guint32)t->height_in_sbs_minus_1[i];
}

static void fill_quantization(struct v4l2_av1_quantization *out,
			      const GstAV1QuantizationParams *q)
{
	out->flags = bit(q->diff_uv_delta,
			 V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA) |
		     bit(q->using_qmatrix,
			 V4L2_AV1_QUANTIZATION_FLAG_USING_QMATRIX) |
		     bit(q->delta_q_present,
			 V4L2_AV1_QUANTIZATION_FLAG_DELTA_Q_PRESENT);
	out->base_q_idx = q->base_q_idx;
	out->delta_q_y_dc = q->delta_q_y_dc;
	out->delta_q_u_dc = q->delta_q_u_dc;
	out->delta_q_u_ac = q->delta_q_u_ac;
	out->delta_q_v_dc = q->delta_q_v_dc;
	out->delta_q_v_ac = q->delta_q_v_ac;
	out->qm_y = q->qm_y;
	out->qm_u = q->qm_u;
	out->qm_v = q->qm_v;
	out->delta_q_res = q->delta_q_res;
}

/* FeatureEnabled as one bit per feature, SegIdPreSkip and LastActiveSegId
 * as the parser derives them (spec 5.9.14). */
static void fill_segmentation(struct v4l2_av1_segmentation *out,
			      const GstAV1SegmenationParams *s)
{
	out->flags = bit(s->segmentation_enabled,
			 V4L2_AV1_SEGMENTATION_FLAG_ENABLED) |
		     bit(s->segmentation_update_map,
			 V4L2_AV1_SEGMENTATION_FLAG_UPDATE_MAP) |
		     bit(s->segmentation_temporal_update,
			 V4L2_AV1_SEGMENTATION_FLAG_TEMPORAL_UPDATE) |
		     bit(s->segmentation_update_data,
			 V4L2_AV1_SEGMENTATION_FLAG_UPDATE_DATA) |
		     bit(s->seg_id_pre_skip,
			 V4L2_AV1_SEGMENTATION_FLAG_SEG_ID_PRE_SKIP);
	out->last_active_seg_id = s->last_active_seg_id;
	for (guint i = 0; i < V4L2_AV1_MAX_SEGMENTS; i++)
		for (guint f = 0; f < V4L2_AV1_SEG_LVL_MAX; f++) {
			if (s->feature_enabled[i][f])
				out->feature_enabled[i] |=
					V4L2_AV1_SEGMENT_FEATURE_ENABLED(f);
			out->feature_data[i][f] = s->feature_data[i][f];
		}
}

static void fill_loop_filter(struct v4l2_av1_loop_filter *out,
			     const GstAV1LoopFilterParams *lf)
{
	out->flags = bit(lf->loop_filter_delta_enabled,
			 V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED) |
		     bit(lf->loop_filter_delta_update,
			 V4L2_AV1_LOOP_FILTER_FLAG_DELTA_UPDATE) |
		     bit(lf->delta_lf_present,
			 V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_PRESENT) |
		     bit(lf->delta_lf_multi,
			 V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_MULTI);
	memcpy(out->level, lf->loop_filter_level, sizeof(out->level));
	out->sharpness = lf->loop_filter_sharpness;
	memcpy(out->ref_deltas, lf->loop_filter_ref_deltas,
	       sizeof(out->ref_deltas));
	memcpy(out->mode_deltas, lf->loop_filter_mode_deltas,
	       sizeof(out->mode_deltas));
	out->delta_lf_res = lf->delta_lf_res;
}

/* The parser holds CdefDamping and the secondary strengths as the spec
 * uses them (a coded 3 is 4, spec 5.9.19), as the uAPI wants them. */
static void fill_cdef(struct v4l2_av1_cdef *out, const GstAV1CDEFParams *c)
{
	/* CdefDamping is 3 when CDEF is off; the parser may leave 0 */
	out->damping_minus_3 = c->cdef_damping >= 3 ?
				       (guint8)(c->cdef_damping - 3) : 0;
	out->bits = c->cdef_bits;
	memcpy(out->y_pri_strength, c->cdef_y_pri_strength,
	       sizeof(out->y_pri_strength));
	memcpy(out->y_sec_strength, c->cdef_y_sec_strength,
	       sizeof(out->y_sec_strength));
	memcpy(out->uv_pri_strength, c->cdef_uv_pri_strength,
	       sizeof(out->uv_pri_strength));
	memcpy(out->uv_sec_strength, c->cdef_uv_sec_strength,
	       sizeof(out->uv_sec_strength));
}

static void fill_loop_restoration(struct v4l2_av1_loop_restoration *out,
				  const GstAV1LoopRestorationParams *lr)
{
	const GstAV1FrameRestorationType *type = lr->frame_restoration_type;

	/* UsesLr and usesChromaLr of spec 5.9.20 */
	out->flags = bit(lr->uses_lr, V4L2_AV1_LOOP_RESTORATION_FLAG_USES_LR) |
		     bit(type[1] != GST_AV1_FRAME_RESTORE_NONE ||
				 type[2] != GST_AV1_FRAME_RESTORE_NONE,
			 V4L2_AV1_LOOP_RESTORATION_FLAG_USES_CHROMA_LR);
	out->lr_unit_shift = lr->lr_unit_shift;
	out->lr_uv_shift = (guint8)lr->lr_uv_shift;
	/* both enums follow the spec's FrameRestorationType */
	for (guint i = 0; i < V4L2_AV1_NUM_PLANES_MAX; i++) {
		out->frame_restoration_type[i] =
			(enum v4l2_av1_frame_restoration_type)type[i];
		out->loop_restoration_size[i] = lr->loop_restoration_size[i];
	}
}

static void fill_global_motion(struct v4l2_av1_global_motion *out,
			       const GstAV1GlobalMotionParams *gm)
{
	for (guint i = 0; i < V4L2_AV1_TOTAL_REFS_PER_FRAME; i++) {
		out->flags[i] =
			bit(gm->is_global[i],
			    V4L2_AV1_GLOBAL_MOTION_FLAG_IS_GLOBAL) |
			bit(gm->is_rot_zoom[i],
			    V4L2_AV1_GLOBAL_MOTION_FLAG_IS_ROT_ZOOM) |
			bit(gm->is_translation[i],
			    V4L2_AV1_GLOBAL_MOTION_FLAG_IS_TRANSLATION);
		/* both enums follow the spec's warp model types */
		out->type[i] = (enum v4l2_av1_warp_model)gm->gm_type[i];
		for (guint k = 0; k < 6; k++)
			out->params[i][k] = gm->gm_params[i][k];
		if (gm->invalid[i])
			out->invalid |= V4L2_AV1_GLOBAL_MOTION_IS_INVALID(i);
	}
}

static void fill_film_grain(struct v4l2_ctrl_av1_film_grain *out,
			    const GstAV1FilmGrainParams *g)
{
	memset(out, 0, sizeof(*out));
	out->flags = bit(g->apply_grain, V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN) |
		     bit(g->update_grain,
			 V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN) |
		     bit(g->chroma_scaling_from_luma,
			 V4L2_AV1_FILM_GRAIN_FLAG_CHROMA_SCALING_FROM_LUMA) |
		     bit(g->overlap_flag, V4L2_AV1_FILM_GRAIN_FLAG_OVERLAP) |
		     bit(g->clip_to_restricted_range,
			 V4L2_AV1_FILM_GRAIN_FLAG_CLIP_TO_RESTRICTED_RANGE);
	out->grain_seed = g->grain_seed;
	out->film_grain_params_ref_idx = g->film_grain_params_ref_idx;
	out->num_y_points = g->num_y_points;
	memcpy(out->point_y_value, g->point_y_value,
	       sizeof(out->point_y_value));
	memcpy(out->point_y_scaling, g->point_y_scaling,
	       sizeof(out->point_y_scaling));
	out->num_cb_points = g->num_cb_points;
	memcpy(out->point_cb_value, g->point_cb_value,
	       sizeof(out->point_cb_value));
	memcpy(out->point_cb_scaling, g->point_cb_scaling,
	       sizeof(out->point_cb_scaling));
	out->num_cr_points = g->num_cr_points;
	memcpy(out->point_cr_value, g->point_cr_value,
	       sizeof(out->point_cr_value));
	memcpy(out->point_cr_scaling, g->point_cr_scaling,
	       sizeof(out->point_cr_scaling));
	out->grain_scaling_minus_8 = g->grain_scaling_minus_8;
	out->ar_coeff_lag = g->ar_coeff_lag;
	memcpy(out->ar_coeffs_y_plus_128, g->ar_coeffs_y_plus_128,
	       sizeof(out->ar_coeffs_y_plus_128));
	memcpy(out->ar_coeffs_cb_plus_128, g->ar_coeffs_cb_plus_128,
	       sizeof(out->ar_coeffs_cb_plus_128));
	memcpy(out->ar_coeffs_cr_plus_128, g->ar_coeffs_cr_plus_128,
	       sizeof(out->ar_coeffs_cr_plus_128));
	out->ar_coeff_shift_minus_6 = g->ar_coeff_shift_minus_6;
	out->grain_scale_shift = g->grain_scale_shift;
	out->cb_mult = g->cb_mult;
	out->cb_luma_mult = g->cb_luma_mult;
	out->cb_offset = g->cb_offset;
	out->cr_mult = g->cr_mult;
	out->cr_luma_mult = g->cr_luma_mult;
	out->cr_offset = g->cr_offset;
}

static void fill_frame(GstV4l2rAv1Dec *self)
{
	const GstAV1FrameHeaderOBU *h = &self->hdr;
	struct v4l2_ctrl_av1_frame *f = &self->v4l2_frame;

	memset(f, 0, sizeof(*f));
	fill_tile_info(&f->tile_info, &h->tile_info);
	fill_quantization(&f->quantization, &h->quantization_params);
	f->superres_denom = (guint8)h->superres_denom;
	fill_segmentation(&f->segmentation, &h->segmentation_params);
	fill_loop_filter(&f->loop_filter, &h->loop_filter_params);
	fill_cdef(&f->cdef, &h->cdef_params);
	/* SkipModeFrame[] is set only where skip mode is allowed (5.9.22) */
	f->skip_mode_frame[0] = h->skip_mode_frame[0];
	f->skip_mode_frame[1] = h->skip_mode_frame[1];
	f->primary_ref_frame = h->primary_ref_frame;
	fill_loop_restoration(&f->loop_restoration,
			      &h->loop_restoration_params);
	fill_global_motion(&f->global_motion, &h->global_motion_params);
	f->flags =
		bit(h->show_frame, V4L2_AV1_FRAME_FLAG_SHOW_FRAME) |
		bit(h->showable_frame, V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME) |
		bit(h->error_resilient_mode,
		    V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE) |
		bit(h->disable_cdf_update,
		    V4L2_AV1_FRAME_FLAG_DISABLE_CDF_UPDATE) |
		bit(h->allow_screen_content_tools,
		    V4L2_AV1_FRAME_FLAG_ALLOW_SCREEN_CONTENT_TOOLS) |
		bit(h->force_integer_mv, V4L2_AV1_FRAME_FLAG_FORCE_INTEGER_MV) |
		bit(h->allow_intrabc, V4L2_AV1_FRAME_FLAG_ALLOW_INTRABC) |
		bit(h->use_superres, V4L2_AV1_FRAME_FLAG_USE_SUPERRES) |
		bit(h->allow_high_precision_mv,
		    V4L2_AV1_FRAME_FLAG_ALLOW_HIGH_PRECISION_MV) |
		bit(h->is_motion_mode_switchable,
		    V4L2_AV1_FRAME_FLAG_IS_MOTION_MODE_SWITCHABLE) |
		bit(h->use_ref_frame_mvs,
		    V4L2_AV1_FRAME_FLAG_USE_REF_FRAME_MVS) |
		bit(h->disable_frame_end_update_cdf,
		    V4L2_AV1_FRAME_FLAG_DISABLE_FRAME_END_UPDATE_CDF) |
		bit(h->allow_warped_motion,
		    V4L2_AV1_FRAME_FLAG_ALLOW_WARPED_MOTION) |
		bit(h->reference_select, V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT) |
		bit(h->reduced_tx_set, V4L2_AV1_FRAME_FLAG_REDUCED_TX_SET) |
		bit(h->skip_mode_frame[0] != 0,
		    V4L2_AV1_FRAME_FLAG_SKIP_MODE_ALLOWED) |
		bit(h->skip_mode_present,
		    V4L2_AV1_FRAME_FLAG_SKIP_MODE_PRESENT) |
		bit(h->frame_size_override_flag,
		    V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE) |
		bit(h->buffer_removal_time_present_flag,
		    V4L2_AV1_FRAME_FLAG_BUFFER_REMOVAL_TIME_PRESENT) |
		bit(h->frame_refs_short_signaling,
		    V4L2_AV1_FRAME_FLAG_FRAME_REFS_SHORT_SIGNALING);
	/* the parser's enums follow the spec, as the uAPI's do */
	f->frame_type = (enum v4l2_av1_frame_type)h->frame_type;
	f->order_hint = h->order_hint;
	f->upscaled_width = h->upscaled_width;
	f->interpolation_filter =
		(enum v4l2_av1_interpolation_filter)h->interpolation_filter;
	f->tx_mode = (enum v4l2_av1_tx_mode)h->tx_mode;
	f->frame_width_minus_1 = h->frame_width - 1;
	f->frame_height_minus_1 = h->frame_height - 1;
	f->render_width_minus_1 = (guint16)(h->render_width - 1);
	f->render_height_minus_1 = (guint16)(h->render_height - 1);
	f->current_frame_id = h->current_frame_id;
	for (guint i = 0; i < V4L2_AV1_MAX_OPERATING_POINTS; i++)
		f->buffer_removal_time[i] = h->buffer_removal_time[i];
	for (guint i = 0; i < V4L2_AV1_TOTAL_REFS_PER_FRAME; i++) {
		f->order_hints[i] = h->order_hints[i];
		f->reference_frame_ts[i] =
			gst_v4l2r_slot_timestamp(&self->slots, (gint)i);
	}
	/* -1 on intra frames, which read none (the parser's value) */
	for (guint i = 0; i < V4L2_AV1_REFS_PER_FRAME; i++)
		f->ref_frame_idx[i] = h->ref_frame_idx[i];
	f->refresh_frame_flags = h->refresh_frame_flags;
}

/* A frame that failed, the warning posted (fr: what posting it returned):
 * it is lost, not left waiting for an output that never comes. */
static GstFlowReturn lose_frame(GstV4l2rDecoder *dec,
				GstVideoCodecFrame *frame, GstFlowReturn fr)
{
	if (fr == GST_FLOW_OK)
		gst_v4l2r_decoder_skip(dec, frame, "it cannot be decoded");
	return fr;
}

static GstFlowReturn bad_frame(GstV4l2rDecoder *dec, GstVideoCodecFrame *frame,
			       const char *why)
{
	GstFlowReturn fr = GST_FLOW_OK;

	/* a warning on the bus naming the frame, as the other elements */
	GST_V4L2R_FRAME_ERROR(dec, ("frame %u: %s", frame->system_frame_number,
				    why), (NULL), fr);
	return lose_frame(dec, frame, fr);
}

/* A new frame size or bit depth sets the device up again; the pictures of
 * the old set-up are gone with it. */
static GstFlowReturn check_stream(GstV4l2rAv1Dec *self)
{
	const GstAV1FrameHeaderOBU *h = &self->hdr;

	if (self->configured && h->upscaled_width == self->width &&
	    h->frame_height == self->height &&
	    h->render_width == self->display_width &&
	    h->render_height == self->display_height &&
	    self->seq.bit_depth == self->bit_depth)
		return GST_FLOW_OK;
	ref_slots_clear(&self->slots);
	fill_sequence(self);
	struct v4l2_ext_control ctrl = {
		.id = V4L2_CID_STATELESS_AV1_SEQUENCE,
		.size = sizeof(self->v4l2_seq),
		.ptr = &self->v4l2_seq,
	};
	GstV4l2rStreamInfo info = {
		.width = h->upscaled_width,
		.height = h->frame_height,
		.display_width = h->render_width,
		.display_height = h->render_height,
		.bit_depth = self->seq.bit_depth,
		.references = AV1_SLOTS,
		.interlace = GST_VIDEO_INTERLACE_MODE_PROGRESSIVE,
		.controls = &ctrl,
		.n_controls = 1,
	};
	GstFlowReturn fr = gst_v4l2r_decoder_configure(&self->parent, &info);
	self->configured = fr == GST_FLOW_OK;
	self->width = info.width;
	self->height = info.height;
	self->display_width = info.display_width;
	self->display_height = info.display_height;
	self->bit_depth = info.bit_depth;
	return fr;
}

/* Why the frame gathered is not decoded, or NULL. */
static const char *undecodable(GstV4l2rAv1Dec *self)
{
	if (!self->have_sequence)
		return "no sequence header before it";
	if (!self->hdr.frame_is_intra && !self->configured)
		return "no key frame before it";
	return NULL;
}

/* Decodes the frame gathered (every tile of it is there). */
static GstFlowReturn decode_frame(GstV4l2rAv1Dec *self,
				  GstVideoCodecFrame *frame)
{
	GstV4l2rDecoder *dec = &self->parent;
	GstFlowReturn fr = GST_FLOW_OK;
	const char *why = undecodable(self);
	struct ref_slots_frame sf;

	self->in_frame = FALSE;
	gst_v4l2r_av1_slots_frame(&sf, &self->hdr);
	/* Main: what the uAPI's devices decode (4:2:0 or monochrome) */
	if (self->have_sequence && self->seq.seq_profile != GST_AV1_PROFILE_0) {
		refresh_slots(self, &sf, &self->hdr, NULL);
		return bad_frame(dec, frame, "not Main profile (seq_profile "
					     "is not 0)");
	}
	if (!why && (fr = check_stream(self)) != GST_FLOW_OK)
		return fr;
	if (!why && ref_slots_missing(&self->slots, &sf) >= 0)
		why = "its references are missing";
	if (why) {
		/* what it would have refreshed is no reference any more */
		refresh_slots(self, &sf, &self->hdr, NULL);
		gst_v4l2r_decoder_skip(dec, frame, why);
		return GST_FLOW_OK;
	}
	fill_sequence(self);
	fill_frame(self);
	GstV4l2rPicture *pic = gst_v4l2r_decoder_new_picture(dec, frame);
	if (!pic)
		return GST_FLOW_ERROR;
	struct v4l2_ext_control ctrls[] = {
		{ .id = V4L2_CID_STATELESS_AV1_SEQUENCE,
		  .size = sizeof(self->v4l2_seq), .ptr = &self->v4l2_seq },
		{ .id = V4L2_CID_STATELESS_AV1_FRAME,
		  .size = sizeof(self->v4l2_frame), .ptr = &self->v4l2_frame },
		{ .id = V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
		  .size = (guint32)(self->n_tiles * sizeof(self->tiles[0])),
		  .ptr = self->tiles },
		{ .id = V4L2_CID_STATELESS_AV1_FILM_GRAIN,
		  .size = sizeof(self->v4l2_grain), .ptr = &self->v4l2_grain },
	};
	guint n_ctrls = G_N_ELEMENTS(ctrls) - 1;
	if (self->seq.film_grain_params_present &&
	    device_has_control(dec, V4L2_CID_STATELESS_AV1_FILM_GRAIN)) {
		fill_film_grain(&self->v4l2_grain,
				&self->hdr.film_grain_params);
		n_ctrls++;
	}
	fr = gst_v4l2r_decoder_queue(dec, pic, ctrls, n_ctrls, self->groups,
				     self->n_groups, FALSE);
	if (fr != GST_FLOW_OK || !pic->queued) {
		/* Lost on its way to the device (no request in time, or
		 * refused): the slots it would refresh keep their pictures,
		 * so later frames decode from those (damaged until the next
		 * key frame, as a lost frame is concealed) instead of being
		 * skipped until then; VP8 and VP9 do the same. */
		gst_av1_parser_reference_frame_update(self->parser, &self->hdr);
		gst_v4l2r_decoder_picture_unref(dec, pic);
		return lose_frame(dec, frame, fr);
	}
	refresh_slots(self, &sf, &self->hdr, pic);
	if (sf.show_frame)
		fr = gst_v4l2r_decoder_output(dec, pic);
	else
		gst_v4l2r_decoder_skip(dec, frame, "a hidden frame");
	gst_v4l2r_decoder_picture_unref(dec, pic);
	return fr;
}

/* show_existing_frame: the slot's picture goes out again, for this input
 * frame; a key frame shown so is loaded and refreshes every slot (spec
 * 7.21, 7.20). */
static GstFlowReturn show_existing(GstV4l2rAv1Dec *self,
				   GstVideoCodecFrame *frame)
{
	GstV4l2rDecoder *dec = &self->parent;
	struct ref_slots_frame sf;

	gst_v4l2r_av1_slots_frame(&sf, &self->hdr);
	GstV4l2rPicture *pic = ref_slots_existing(&self->slots, &sf);

	if (!pic) {
		gst_v4l2r_decoder_skip(dec, frame, "it shows an empty slot");
		return GST_FLOW_OK;
	}
	/* The base class outputs a picture for the frame it names. A hidden
	 * picture's frame is gone, so is a shown one's once output: the
	 * picture can name this frame. One still awaiting its output
	 * cannot (its own frame would never go out). */
	GstVideoCodecFrame *old = gst_video_decoder_get_frame(
		GST_VIDEO_DECODER(dec), (int)pic->frame_number);
	if (old) {
		gst_video_codec_frame_unref(old);
		return bad_frame(dec, frame,
				 "it shows a slot again before its first "
				 "output: not shown twice");
	}
	gst_v4l2r_decoder_picture_ref(dec, pic);
	gst_v4l2r_av1_shown_again(&self->slots, self->slot_hdr, self->parser,
				  &sf, pic);
	pic->frame_number = frame->system_frame_number;
	GstFlowReturn fr = gst_v4l2r_decoder_output(dec, pic);
	gst_v4l2r_decoder_picture_unref(dec, pic);
	return fr;
}

/* Takes a tile group (alone or in an OBU_FRAME): its payload goes into the
 * request as it is, its tiles at their offsets in it. */
static const char *add_tile_group(GstV4l2rAv1Dec *self, const GstAV1OBU *obu,
				  const GstAV1TileGroupOBU *tg)
{
	if (!self->in_frame)
		return "a tile group without its frame header";
	if (self->n_groups >= V4L2_AV1_MAX_TILE_COUNT ||
	    self->n_tiles + (guint)(tg->tg_end - tg->tg_start) + 1 >
		    V4L2_AV1_MAX_TILE_COUNT)
		return "more tiles than V4L2 carries";
	for (guint i = tg->tg_start; i <= tg->tg_end; i++) {
		struct v4l2_ctrl_av1_tile_group_entry *t =
			&self->tiles[self->n_tiles++];
		t->tile_offset = (guint32)self->data_size +
				 tg->entry[i].tile_offset;
		t->tile_size = tg->entry[i].tile_size;
		t->tile_row = tg->entry[i].tile_row;
		t->tile_col = tg->entry[i].tile_col;
	}
	self->groups[self->n_groups++] = (GstV4l2rChunk){
		.data = obu->data,
		.size = obu->obu_size,
	};
	self->data_size += obu->obu_size;
	return NULL;
}

static void start_frame(GstV4l2rAv1Dec *self)
{
	self->in_frame = TRUE;
	self->n_tiles = self->n_groups = 0;
	self->data_size = 0;
}

/* Whether tg completes the frame: its last tile is the frame's last. */
static gboolean last_group(const GstV4l2rAv1Dec *self,
			   const GstAV1TileGroupOBU *tg)
{
	return (guint)tg->tg_end + 1 ==
	       (guint)self->hdr.tile_info.tile_cols *
		       self->hdr.tile_info.tile_rows;
}

/* One OBU; *done once the input frame is decoded, shown or dropped. */
static GstFlowReturn handle_obu(GstV4l2rAv1Dec *self,
				GstVideoCodecFrame *frame, GstAV1OBU *obu,
				gboolean *done)
{
	GstV4l2rDecoder *dec = &self->parent;
	GstAV1ParserResult res = GST_AV1_PARSER_OK;
	const GstAV1TileGroupOBU *tg = NULL;
	const char *why = NULL;

	switch (obu->obu_type) {
	case GST_AV1_OBU_SEQUENCE_HEADER:
		res = gst_av1_parser_parse_sequence_header_obu(self->parser,
							       obu, &self->seq);
		if (res == GST_AV1_PARSER_OK)
			self->have_sequence = TRUE;
		break;
	case GST_AV1_OBU_TEMPORAL_DELIMITER:
		res = gst_av1_parser_parse_temporal_delimiter_obu(self->parser,
								  obu);
		break;
	case GST_AV1_OBU_FRAME_HEADER:
		res = gst_av1_parser_parse_frame_header_obu(self->parser, obu,
							    &self->hdr);
		if (res != GST_AV1_PARSER_OK)
			break;
		if (self->hdr.show_existing_frame) {
			*done = TRUE;
			return show_existing(self, frame);
		}
		start_frame(self);
		break;
	case GST_AV1_OBU_FRAME:
		res = gst_av1_parser_parse_frame_obu(self->parser, obu,
						     self->obu_frame);
		if (res != GST_AV1_PARSER_OK)
			break;
		self->hdr = self->obu_frame->frame_header;
		start_frame(self);
		tg = &self->obu_frame->tile_group;
		break;
	case GST_AV1_OBU_TILE_GROUP:
		res = gst_av1_parser_parse_tile_group_obu(
			self->parser, obu, &self->obu_frame->tile_group);
		tg = &self->obu_frame->tile_group;
		break;
	default:	/* metadata, padding, redundant headers */
		break;
	}
	if (res != GST_AV1_PARSER_OK) {
		*done = TRUE;
		return bad_frame(dec, frame, "an OBU of it cannot be parsed");
	}
	if (!tg)
		return GST_FLOW_OK;
	if ((why = add_tile_group(self, obu, tg))) {
		*done = TRUE;
		return bad_frame(dec, frame, why);
	}
	if (!last_group(self, tg))
		return GST_FLOW_OK;
	*done = TRUE;
	return decode_frame(self, frame);
}

/* A frame that a broken buffer left half-parsed must not make the next
 * buffer's frame header refused (every buffer starts a frame): a temporal
 * delimiter is what clears the parser's SeenFrameHeader. */
static void forget_partial_frame(GstV4l2rAv1Dec *self)
{
	GstAV1OBU delimiter = {
		.obu_type = GST_AV1_OBU_TEMPORAL_DELIMITER,
		.header.obu_type = GST_AV1_OBU_TEMPORAL_DELIMITER,
	};

	gst_av1_parser_parse_temporal_delimiter_obu(self->parser, &delimiter);
	self->in_frame = FALSE;
}

static GstFlowReturn av1_decode(GstV4l2rDecoder *dec, GstVideoCodecFrame *frame)
{
	GstV4l2rAv1Dec *self = (GstV4l2rAv1Dec *)dec;
	GstFlowReturn fr = GST_FLOW_OK;
	gboolean done = FALSE;
	GstMapInfo map;

	if (!gst_buffer_map(frame->input_buffer, &map, GST_MAP_READ))
		return GST_FLOW_ERROR;
	forget_partial_frame(self);
	const guint8 *data = map.data;
	gsize left = map.size;
	while (!done && left) {
		GstAV1OBU obu;
		guint32 consumed = 0;
		GstAV1ParserResult res = gst_av1_parser_identify_one_obu(
			self->parser, data, (guint32)left, &obu, &consumed);
		if (res == GST_AV1_PARSER_OK)
			fr = handle_obu(self, frame, &obu, &done);
		else if (res != GST_AV1_PARSER_DROP || !consumed ||
			 consumed > left) {
			fr = bad_frame(dec, frame, "its OBUs cannot be read");
			done = TRUE;
		}
		/* DROP: an OBU of another operating point */
		data += consumed;
		left -= MIN(consumed, left);
	}
	gst_buffer_unmap(frame->input_buffer, &map);
	if (!done)
		gst_v4l2r_decoder_skip(dec, frame, "no whole frame in it");
	return fr;
}

static GstFlowReturn av1_drain(GstV4l2rDecoder *dec)
{
	(void)dec;
	return GST_FLOW_OK;	/* every shown frame is already out */
}

static void av1_reset(GstV4l2rDecoder *dec)
{
	GstV4l2rAv1Dec *self = (GstV4l2rAv1Dec *)dec;

	ref_slots_clear(&self->slots);
	self->in_frame = FALSE;
	/* The base class closes the session on stop: set up again. */
	self->configured = FALSE;
}

static void finalize(GObject *object)
{
	GstV4l2rAv1Dec *self = (GstV4l2rAv1Dec *)object;

	gst_av1_parser_free(self->parser);
	g_free(self->slot_hdr);
	g_free(self->obu_frame);
	g_free(self->tiles);
	g_free(self->groups);
	G_OBJECT_CLASS(gst_v4l2r_av1_dec_parent_class)->finalize(object);
}

static void gst_v4l2r_av1_dec_init(GstV4l2rAv1Dec *self)
{
	self->parser = gst_av1_parser_new();
	gst_v4l2r_decoder_init_slots(&self->parent, &self->slots, AV1_SLOTS);
	self->slot_hdr = g_new0(GstAV1FrameHeaderOBU, AV1_SLOTS);
	self->obu_frame = g_new0(GstAV1FrameOBU, 1);
	self->tiles = g_new0(struct v4l2_ctrl_av1_tile_group_entry,
			     V4L2_AV1_MAX_TILE_COUNT);
	self->groups = g_new0(GstV4l2rChunk, V4L2_AV1_MAX_TILE_COUNT);
}

static void gst_v4l2r_av1_dec_class_init(GstV4l2rAv1DecClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = finalize;
	/* av1parse's default output: one frame per buffer */
	klass->sink_caps = "video/x-av1, stream-format = (string) obu-stream, "
			   "alignment = (string) frame";
	klass->codec_name = "AV1";
	klass->decode = av1_decode;
	klass->drain = av1_drain;
	klass->reset = av1_reset;
}
