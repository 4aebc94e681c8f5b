/* VP9 profiles 0 and 2: the uncompressed header GStreamer's VP9 parser
 * reads and the compressed header the core reads (v4l2r/vp9.h), into the
 * stateless VP9 frame and compressed header controls; one request per
 * frame holding the whole frame (V4L2_PIX_FMT_VP9_FRAME).
 *
 * Input: one frame per buffer (vp9parse splits superframes). References:
 * the 8 slots of ref_slots.c, refreshed by refresh_frame_flags. VP9 never
 * reorders: a shown frame goes out at once, a hidden one is decoded for
 * reference only and its input frame dropped; show_existing_frame outputs
 * a slot's picture again for its own input frame, with nothing to
 * decode. */
#include <string.h>

#include <gst/codecparsers/gstvp9parser.h>
#include <linux/videodev2.h>

#include "codecs.h"
#include "decoder.h"
#include "slots_input.h"
#include "v4l2r/vp9.h"

#define VP9_SLOTS GST_VP9_REF_FRAMES
/* The uncompressed header takes at most about 62 bytes (spec 6.2, with
 * every optional field present); GStreamer's parser reads it unchecked,
 * so a shorter frame is parsed from a copy padded with zeros. */
#define VP9_HEADER_READ 128

typedef struct {
	GstV4l2rDecoder parent;

	GstVp9Parser *parser;
	struct ref_slots slots;

	/* What the headers carry from frame to frame until
	 * setup_past_independence() (spec 7.2), which the parser keeps
	 * privately and V4L2 wants as they are in force. */
	gint8 ref_deltas[GST_VP9_MAX_REF_LF_DELTAS];
	gint8 mode_deltas[GST_VP9_MAX_MODE_LF_DELTAS];
	gboolean abs_or_delta_update;
	guint8 feature_enabled[GST_VP9_MAX_SEGMENTS];
	gint16 feature_data[GST_VP9_MAX_SEGMENTS][V4L2_VP9_SEG_LVL_MAX];

	/* What the device is set up for. */
	gboolean configured;
	guint width, height, bit_depth;
} GstV4l2rVp9Dec;

typedef GstV4l2rDecoderClass GstV4l2rVp9DecClass;

G_DEFINE_TYPE(GstV4l2rVp9Dec, gst_v4l2r_vp9_dec, GST_TYPE_V4L2R_DECODER)

static gboolean is_intra(const GstVp9FrameHdr *hdr)
{
	return hdr->frame_type == GST_VP9_KEY_FRAME || hdr->intra_only;
}

/* setup_past_independence(), for what V4L2 carries. */
static void past_independence(GstV4l2rVp9Dec *self)
{
	static const gint8 ref_deltas[GST_VP9_MAX_REF_LF_DELTAS] = {
		1, 0, -1, -1
	};

	memcpy(self->ref_deltas, ref_deltas, sizeof(ref_deltas));
	memset(self->mode_deltas, 0, sizeof(self->mode_deltas));
	self->abs_or_delta_update = FALSE;
	memset(self->feature_enabled, 0, sizeof(self->feature_enabled));
	memset(self->feature_data, 0, sizeof(self->feature_data));
}

static void carry_over(GstV4l2rVp9Dec *self, const GstVp9FrameHdr *hdr)
{
	const GstVp9LoopFilter *lf = &hdr->loopfilter;
	const GstVp9SegmentationInfo *seg = &hdr->segmentation;

	if (is_intra(hdr) || hdr->error_resilient_mode)
		past_independence(self);
	for (guint i = 0; i < GST_VP9_MAX_REF_LF_DELTAS; i++)
		if (lf->update_ref_deltas[i])
			self->ref_deltas[i] = lf->ref_deltas[i];
	for (guint i = 0; i < GST_VP9_MAX_MODE_LF_DELTAS; i++)
		if (lf->update_mode_deltas[i])
			self->mode_deltas[i] = lf->mode_deltas[i];
	if (!seg->update_data)
		return;
	self->abs_or_delta_update = seg->abs_delta;
	for (guint i = 0; i < GST_VP9_MAX_SEGMENTS; i++) {
		const GstVp9SegmentationInfoData *d = &seg->data[i];
		const struct {
			gboolean on;
			gint16 value;
		} features[V4L2_VP9_SEG_LVL_MAX] = {
			[V4L2_VP9_SEG_LVL_ALT_Q] = {
				d->alternate_quantizer_enabled,
				d->alternate_quantizer },
			[V4L2_VP9_SEG_LVL_ALT_L] = {
				d->alternate_loop_filter_enabled,
				d->alternate_loop_filter },
			[V4L2_VP9_SEG_LVL_REF_FRAME] = {
				d->reference_frame_enabled,
				(gint16)d->reference_frame },
			[V4L2_VP9_SEG_LVL_SKIP] = { d->reference_skip, 0 },
		};
		self->feature_enabled[i] = 0;
		for (guint f = 0; f < V4L2_VP9_SEG_LVL_MAX; f++) {
			self->feature_data[i][f] = features[f].value;
			if (features[f].on)
				self->feature_enabled[i] |=
					V4L2_VP9_SEGMENT_FEATURE_ENABLED(f);
		}
	}
}

static void fill_segmentation(GstV4l2rVp9Dec *self, const GstVp9FrameHdr *hdr,
			      struct v4l2_vp9_segmentation *seg)
{
	const GstVp9SegmentationInfo *s = &hdr->segmentation;

	if (s->enabled)
		seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_ENABLED;
	if (s->update_map)
		seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP;
	if (s->temporal_update)
		seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_TEMPORAL_UPDATE;
	if (s->update_data)
		seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_UPDATE_DATA;
	if (self->abs_or_delta_update)
		seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_ABS_OR_DELTA_UPDATE;
	/* the last coded map's probabilities, which the parser keeps */
	memcpy(seg->tree_probs, self->parser->mb_segment_tree_probs,
	       sizeof(seg->tree_probs));
	memcpy(seg->pred_probs, self->parser->segment_pred_probs,
	       sizeof(seg->pred_probs));
	memcpy(seg->feature_enabled, self->feature_enabled,
	       sizeof(seg->feature_enabled));
	memcpy(seg->feature_data, self->feature_data,
	       sizeof(seg->feature_data));
}

/* The syntax's reset_frame_context (0, 1: none; 2: this context; 3: all)
 * to V4L2's. */
static guint8 reset_context(gint coded)
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

/* What the device needs to choose its capture formats: size, profile and
 * bit depth (rkvdec and hantro list them from this control). */
static void fill_stream(GstV4l2rVp9Dec *self, const GstVp9FrameHdr *hdr,
			struct v4l2_ctrl_vp9_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->frame_width_minus_1 = (guint16)(hdr->width - 1);
	f->frame_height_minus_1 = (guint16)(hdr->height - 1);
	f->render_width_minus_1 = (guint16)((hdr->display_size_enabled ?
					     hdr->display_width :
					     hdr->width) - 1);
	f->render_height_minus_1 = (guint16)((hdr->display_size_enabled ?
					      hdr->display_height :
					      hdr->height) - 1);
	f->profile = (guint8)hdr->profile;
	f->bit_depth = (guint8)self->parser->bit_depth;
	if (self->parser->subsampling_x == 1)
		f->flags |= V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING;
	if (self->parser->subsampling_y == 1)
		f->flags |= V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
	if (self->parser->color_range == GST_VP9_CR_FULL)
		f->flags |= V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING;
}

static void fill_frame(GstV4l2rVp9Dec *self, const GstVp9FrameHdr *hdr,
		       struct v4l2_ctrl_vp9_frame *f)
{
	const GstVp9LoopFilter *lf = &hdr->loopfilter;

	fill_stream(self, hdr, f);
	memcpy(f->lf.ref_deltas, self->ref_deltas, sizeof(f->lf.ref_deltas));
	memcpy(f->lf.mode_deltas, self->mode_deltas,
	       sizeof(f->lf.mode_deltas));
	f->lf.level = (guint8)lf->filter_level;
	f->lf.sharpness = (guint8)lf->sharpness_level;
	if (lf->mode_ref_delta_enabled)
		f->lf.flags |= V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED;
	if (lf->mode_ref_delta_update)
		f->lf.flags |= V4L2_VP9_LOOP_FILTER_FLAG_DELTA_UPDATE;

	f->quant.base_q_idx = hdr->quant_indices.y_ac_qi;
	f->quant.delta_q_y_dc = hdr->quant_indices.y_dc_delta;
	f->quant.delta_q_uv_dc = hdr->quant_indices.uv_dc_delta;
	f->quant.delta_q_uv_ac = hdr->quant_indices.uv_ac_delta;
	fill_segmentation(self, hdr, &f->seg);

	const struct {
		gboolean on;
		guint32 flag;
	} flags[] = {
		{ hdr->frame_type == GST_VP9_KEY_FRAME,
		  V4L2_VP9_FRAME_FLAG_KEY_FRAME },
		{ hdr->show_frame, V4L2_VP9_FRAME_FLAG_SHOW_FRAME },
		{ hdr->error_resilient_mode,
		  V4L2_VP9_FRAME_FLAG_ERROR_RESILIENT },
		{ hdr->intra_only, V4L2_VP9_FRAME_FLAG_INTRA_ONLY },
		{ hdr->allow_high_precision_mv,
		  V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV },
		{ hdr->refresh_frame_context,
		  V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX },
		{ hdr->frame_parallel_decoding_mode,
		  V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE },
	};
	for (guint i = 0; i < G_N_ELEMENTS(flags); i++)
		if (flags[i].on)
			f->flags |= flags[i].flag;

	f->compressed_header_size = (guint16)hdr->first_partition_size;
	f->uncompressed_header_size =
		(guint16)hdr->frame_header_length_in_bytes;
	f->reset_frame_context = reset_context(hdr->reset_frame_context);
	f->frame_context_idx = (guint8)hdr->frame_context_idx;
	/* an intra frame codes no filter: the parser leaves 0, EIGHTTAP */
	f->interpolation_filter = hdr->mcomp_filter_type;
	f->tile_cols_log2 = (guint8)hdr->log2_tile_columns;
	f->tile_rows_log2 = (guint8)hdr->log2_tile_rows;
	if (is_intra(hdr))
		return;
	static const guint8 sign_bias[GST_VP9_REFS_PER_FRAME] = {
		V4L2_VP9_SIGN_BIAS_LAST, V4L2_VP9_SIGN_BIAS_GOLDEN,
		V4L2_VP9_SIGN_BIAS_ALT,
	};
	for (guint i = 0; i < GST_VP9_REFS_PER_FRAME; i++)
		if (hdr->ref_frame_sign_bias[i])
			f->ref_frame_sign_bias |= sign_bias[i];
	f->last_frame_ts = gst_v4l2r_slot_timestamp(&self->slots,
						    hdr->ref_frame_indices[0]);
	f->golden_frame_ts = gst_v4l2r_slot_timestamp(&self->slots,
						      hdr->ref_frame_indices[1]);
	f->alt_frame_ts = gst_v4l2r_slot_timestamp(&self->slots,
						   hdr->ref_frame_indices[2]);
}

/* A new frame size keeps the device, its capture buffers and every slot
 * when it fits the buffers: an inter frame may change size and predict
 * from references of the old one, which the device scales (spec 8.5.2.3,
 * within 2x smaller to 16x larger). The frame control carries each
 * frame's size and every buffer keeps its timestamp. The uAPI's dynamic
 * resolution change (new CAPTURE buffers) would lose the references.
 * Drivers (Linux 6.12): visl takes any size; hantro's G2
 * (hantro_g2_vp9_dec.c: update_dec_buf_info, config_ref) records each
 * decoded buffer's frame size and programs every reference's size and
 * scale factors, with the buffers' layout from the CAPTURE format;
 * rkvdec records them too (rkvdec-vp9.c, config_registers), but its
 * validate_dec_params refuses a frame whose 64-aligned size is not the
 * CAPTURE format's, so there such frames come back in error and are lost.
 * A larger frame or another bit depth sets the device up again (the base
 * class frees every buffer): the slots go first, a key frame refreshes
 * them all anyway, other frames lose what they do not refresh. */
static GstFlowReturn check_stream(GstV4l2rVp9Dec *self,
				  const GstVp9FrameHdr *hdr)
{
	guint depth = self->parser->bit_depth;

	if (self->configured && hdr->width == self->width &&
	    hdr->height == self->height && depth == self->bit_depth)
		return GST_FLOW_OK;
	struct v4l2_ctrl_vp9_frame f;
	fill_stream(self, hdr, &f);
	struct v4l2_ext_control ctrl = {
		.id = V4L2_CID_STATELESS_VP9_FRAME,
		.size = sizeof(f),
		.ptr = &f,
	};
	GstV4l2rStreamInfo info = {
		.width = hdr->width,
		.height = hdr->height,
		.display_width = hdr->width,
		.display_height = hdr->height,
		.bit_depth = depth,
		.references = VP9_SLOTS,
		.interlace = GST_VIDEO_INTERLACE_MODE_PROGRESSIVE,
		.controls = &ctrl,
		.n_controls = 1,
		.keep_buffers = TRUE,
	};
	if (!self->configured ||
	    gst_v4l2r_decoder_changes_stream(&self->parent, &info))
		ref_slots_clear(&self->slots);
	GstFlowReturn fr = gst_v4l2r_decoder_configure(&self->parent, &info);
	self->configured = fr == GST_FLOW_OK;
	self->width = hdr->width;
	self->height = hdr->height;
	self->bit_depth = depth;
	return fr;
}

static GstFlowReturn skip_frame(GstV4l2rDecoder *dec,
				GstVideoCodecFrame *frame, const char *why)
{
	gst_v4l2r_decoder_skip(dec, frame, why);
	return GST_FLOW_OK;
}

/* show_existing_frame: the slot's picture goes out again, for this input
 * frame. */
static GstFlowReturn show_existing(GstV4l2rVp9Dec *self,
				   GstVideoCodecFrame *frame,
				   const struct ref_slots_frame *sf)
{
	GstV4l2rDecoder *dec = &self->parent;
	GstV4l2rPicture *pic = ref_slots_existing(&self->slots, sf);

	if (!pic)
		return skip_frame(dec, frame, "it shows an empty slot");
	return gst_v4l2r_decoder_output_for(dec, pic,
					    frame->system_frame_number);
}

/* The header's checks that bad data must not pass: what the parser does
 * not refuse and the device or the controls cannot take. */
static const char *unsupported(GstV4l2rVp9Dec *self, const GstVp9FrameHdr *hdr,
			       gsize size)
{
	if (hdr->profile != GST_VP9_PROFILE_0 &&
	    hdr->profile != GST_VP9_PROFILE_2)
		return "profile 1 and 3 (4:4:4, 4:2:2) are not decoded";
	if (self->parser->bit_depth != (hdr->profile == 2 ? 10u : 8u))
		return "not 8-bit profile 0 nor 10-bit profile 2";
	if (self->parser->subsampling_x != 1 ||
	    self->parser->subsampling_y != 1)
		return "not 4:2:0";
	if ((guint64)hdr->frame_header_length_in_bytes +
		    hdr->first_partition_size >= size)
		return "headers longer than the frame (no tile data left)";
	return NULL;
}

static GstFlowReturn decode_frame(GstV4l2rVp9Dec *self,
				  GstVideoCodecFrame *frame,
				  const guint8 *data, gsize size)
{
	GstV4l2rDecoder *dec = &self->parent;
	guint8 head[VP9_HEADER_READ] = { 0 };
	GstFlowReturn fr = GST_FLOW_OK;
	GstVp9FrameHdr hdr;
	struct ref_slots_frame sf;
	const char *why = NULL;

	memcpy(head, data, MIN(size, sizeof(head)));
	if (!size || gst_vp9_parser_parse_frame_header(
			     self->parser, &hdr, head,
			     MIN(size, sizeof(head))) != GST_VP9_PARSER_OK) {
		why = "its uncompressed header cannot be read";
	} else {
		gst_v4l2r_vp9_slots_frame(&sf, &hdr);
		if (sf.show_existing)
			return show_existing(self, frame, &sf);
		if (!is_intra(&hdr) && !self->configured)
			return skip_frame(dec, frame, "no key frame before it");
		why = unsupported(self, &hdr, size);
	}
	if (why) {
		GST_V4L2R_FRAME_ERROR(dec,
					("frame %u: %s",
					 frame->system_frame_number, why),
					("%zu bytes", (size_t)size), fr);
		return gst_v4l2r_decoder_lose(dec, frame, fr);
	}
	/* A size the buffers do not hold or a new depth needs the device set
	 * up again; an inter frame whose references that cost is not
	 * decoded. */
	if ((fr = check_stream(self, &hdr)) != GST_FLOW_OK)
		return fr;
	gint missing = ref_slots_missing(&self->slots, &sf);
	if (missing >= 0) {
		static const char *const names[] = { "LAST", "GOLDEN",
						     "ALTREF" };
		guint slot = (guint)sf.ref_slot[missing];
		GST_ELEMENT_WARNING(dec, STREAM, DECODE,
				    ("frame %u (%ux%u) skipped: its %s "
				     "reference (slot %u) was lost when the "
				     "decoder was set up again; decoding "
				     "resumes at a key frame",
				     frame->system_frame_number, hdr.width,
				     hdr.height, names[missing], slot),
				    (NULL));
		return skip_frame(dec, frame, "a reference is lost");
	}

	struct v4l2_ctrl_vp9_frame f;
	struct v4l2_ctrl_vp9_compressed_hdr probs;
	struct v4l2r_vp9_frame_info info = {
		.intra = is_intra(&hdr),
		.lossless = hdr.lossless_flag,
		.switchable_interp = hdr.mcomp_filter_type ==
				     GST_VP9_INTERPOLATION_FILTER_SWITCHABLE,
		.allow_high_precision_mv = hdr.allow_high_precision_mv,
	};
	for (guint i = 0; i < GST_VP9_REFS_PER_FRAME; i++)
		info.sign_bias[i + 1] = hdr.ref_frame_sign_bias[i];
	carry_over(self, &hdr);
	fill_frame(self, &hdr, &f);
	memset(&probs, 0, sizeof(probs));
	why = v4l2r_vp9_compressed_header(
		data + hdr.frame_header_length_in_bytes,
		hdr.first_partition_size, &info, &probs, &f.reference_mode);
	if (why) {
		GST_V4L2R_FRAME_ERROR(dec,
					("frame %u: its compressed header "
					 "cannot be read: %s",
					 frame->system_frame_number, why),
					(NULL), fr);
		return gst_v4l2r_decoder_lose(dec, frame, fr);
	}

	GstV4l2rPicture *pic = gst_v4l2r_decoder_new_picture(dec, frame);
	if (!pic)
		return GST_FLOW_ERROR;
	struct v4l2_ext_control ctrls[] = {
		{ .id = V4L2_CID_STATELESS_VP9_FRAME, .size = sizeof(f),
		  .ptr = &f },
		{ .id = V4L2_CID_STATELESS_VP9_COMPRESSED_HDR,
		  .size = sizeof(probs), .ptr = &probs },
	};
	/* a device parsing the compressed header itself has no control
	 * for it */
	guint n_ctrls = v4l2r_decode_mode_lacks(gst_v4l2r_decoder_mode(dec),
						V4L2R_CODEC_VP9, ctrls[1].id) ?
				1 : 2;
	GstV4l2rChunk chunk = { .data = data, .size = size };
	fr = gst_v4l2r_decoder_queue(dec, pic, ctrls, n_ctrls, &chunk, 1,
				     FALSE);
	if (fr != GST_FLOW_OK || !pic->queued) {
		gst_v4l2r_decoder_picture_unref(dec, pic);
		return gst_v4l2r_decoder_lose(dec, frame, fr);
	}
	ref_slots_update(&self->slots, &sf, pic);
	if (sf.show_frame)
		fr = gst_v4l2r_decoder_output(dec, pic);
	else
		gst_v4l2r_decoder_skip(dec, frame, "a hidden frame");
	gst_v4l2r_decoder_picture_unref(dec, pic);
	return fr;
}

static GstFlowReturn vp9_decode(GstV4l2rDecoder *dec,
				GstVideoCodecFrame *frame)
{
	GstV4l2rVp9Dec *self = (GstV4l2rVp9Dec *)dec;
	GstMapInfo map;

	if (!gst_buffer_map(frame->input_buffer, &map, GST_MAP_READ))
		return GST_FLOW_ERROR;
	GstFlowReturn fr = decode_frame(self, frame, map.data, map.size);
	gst_buffer_unmap(frame->input_buffer, &map);
	return fr;
}

static GstFlowReturn vp9_drain(GstV4l2rDecoder *dec)
{
	(void)dec;
	return GST_FLOW_OK;	/* every shown frame is already out */
}

static void vp9_reset(GstV4l2rDecoder *dec)
{
	GstV4l2rVp9Dec *self = (GstV4l2rVp9Dec *)dec;

	ref_slots_clear(&self->slots);
	/* The base class closes the session on stop: set up again. */
	self->configured = FALSE;
}

static void finalize(GObject *object)
{
	GstV4l2rVp9Dec *self = (GstV4l2rVp9Dec *)object;

	gst_vp9_parser_free(self->parser);
	G_OBJECT_CLASS(gst_v4l2r_vp9_dec_parent_class)->finalize(object);
}

static void gst_v4l2r_vp9_dec_init(GstV4l2rVp9Dec *self)
{
	self->parser = gst_vp9_parser_new();
	gst_v4l2r_decoder_init_slots(&self->parent, &self->slots, VP9_SLOTS);
	past_independence(self);
}

static void gst_v4l2r_vp9_dec_class_init(GstV4l2rVp9DecClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = finalize;
	klass->sink_caps = "video/x-vp9, alignment = (string) frame";
	klass->codec_name = "VP9";
	klass->decode = vp9_decode;
	klass->drain = vp9_drain;
	klass->reset = vp9_reset;
}
