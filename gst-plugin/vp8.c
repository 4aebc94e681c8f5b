/* VP8: the frame header GStreamer's VP8 parser reads (with the probability
 * updates it applies and the bool decoder's state after the header), into
 * the stateless VP8 frame control; one request per frame holding the whole
 * frame from its tag (V4L2_PIX_FMT_VP8_FRAME).
 *
 * References: last, golden and altref (three slots of ref_slots.c),
 * replaced after each frame by the refresh and copy rules of RFC 6386 9.7
 * and 9.8. VP8 never reorders: a shown frame goes out at once, a hidden
 * one (show_frame 0, an altref) is decoded for reference only and its
 * input frame is dropped. */
#include <string.h>

#include <gst/codecparsers/gstvp8parser.h>
#include <linux/videodev2.h>

#include "codecs.h"
#include "decoder.h"
#include "slots_input.h"

typedef struct {
	GstV4l2rDecoder parent;

	GstVp8Parser parser;
	struct ref_slots refs;
	/* What the last key frame said, for the inter frames after it. */
	guint width, height;
	guint8 horizontal_scale, vertical_scale;
	gboolean configured;
} GstV4l2rVp8Dec;

typedef GstV4l2rDecoderClass GstV4l2rVp8DecClass;

G_DEFINE_TYPE(GstV4l2rVp8Dec, gst_v4l2r_vp8_dec, GST_TYPE_V4L2R_DECODER)

static void fill_frame(GstV4l2rVp8Dec *self, const GstVp8FrameHdr *hdr,
		       struct v4l2_ctrl_vp8_frame *f)
{
	const GstVp8Segmentation *seg = &self->parser.segmentation;
	const GstVp8MbLfAdjustments *adj = &self->parser.mb_lf_adjust;

	memset(f, 0, sizeof(*f));
	/* Segmentation and loop filter deltas persist in the parser until a
	 * frame updates them (RFC 6386 9.3, 9.6). */
	if (seg->segmentation_enabled)
		f->segment.flags |= V4L2_VP8_SEGMENT_FLAG_ENABLED;
	if (seg->update_mb_segmentation_map)
		f->segment.flags |= V4L2_VP8_SEGMENT_FLAG_UPDATE_MAP;
	if (seg->update_segment_feature_data)
		f->segment.flags |= V4L2_VP8_SEGMENT_FLAG_UPDATE_FEATURE_DATA;
	if (!seg->segment_feature_mode)
		f->segment.flags |= V4L2_VP8_SEGMENT_FLAG_DELTA_VALUE_MODE;
	memcpy(f->segment.quant_update, seg->quantizer_update_value, 4);
	memcpy(f->segment.lf_update, seg->lf_update_value, 4);
	memcpy(f->segment.segment_probs, seg->segment_prob, 3);

	f->lf.level = hdr->loop_filter_level;
	f->lf.sharpness_level = hdr->sharpness_level;
	if (hdr->filter_type)
		f->lf.flags |= V4L2_VP8_LF_FILTER_TYPE_SIMPLE;
	if (adj->loop_filter_adj_enable)
		f->lf.flags |= V4L2_VP8_LF_ADJ_ENABLE;
	if (adj->mode_ref_lf_delta_update)
		f->lf.flags |= V4L2_VP8_LF_DELTA_UPDATE;
	memcpy(f->lf.ref_frm_delta, adj->ref_frame_delta, 4);
	memcpy(f->lf.mb_mode_delta, adj->mb_mode_delta, 4);

	f->quant.y_ac_qi = hdr->quant_indices.y_ac_qi;
	f->quant.y_dc_delta = hdr->quant_indices.y_dc_delta;
	f->quant.y2_dc_delta = hdr->quant_indices.y2_dc_delta;
	f->quant.y2_ac_delta = hdr->quant_indices.y2_ac_delta;
	f->quant.uv_dc_delta = hdr->quant_indices.uv_dc_delta;
	f->quant.uv_ac_delta = hdr->quant_indices.uv_ac_delta;

	/* The parser's probabilities are this frame's: the updates applied,
	 * saved for the next frames or not as refresh_entropy_probs says. */
	memcpy(f->entropy.coeff_probs, hdr->token_probs.prob,
	       sizeof(f->entropy.coeff_probs));
	memcpy(f->entropy.y_mode_probs, hdr->mode_probs.y_prob, 4);
	memcpy(f->entropy.uv_mode_probs, hdr->mode_probs.uv_prob, 3);
	memcpy(f->entropy.mv_probs, hdr->mv_probs.prob,
	       sizeof(f->entropy.mv_probs));

	/* Where the device's bool decoder takes over the first partition. */
	f->coder_state.range = hdr->rd_range;
	f->coder_state.value = hdr->rd_value;
	f->coder_state.bit_count = hdr->rd_count;
	f->first_part_size = hdr->first_part_size;
	f->first_part_header_bits = hdr->header_size;

	f->width = (guint16)self->width;
	f->height = (guint16)self->height;
	f->horizontal_scale = self->horizontal_scale;
	f->vertical_scale = self->vertical_scale;
	f->version = hdr->version;
	f->prob_skip_false = hdr->prob_skip_false;
	f->num_dct_parts = (guint8)(1u << hdr->log2_nbr_of_dct_partitions);
	for (guint i = 0; i < f->num_dct_parts; i++)
		f->dct_part_sizes[i] = hdr->partition_size[i];

	if (hdr->key_frame)
		f->flags |= V4L2_VP8_FRAME_FLAG_KEY_FRAME;
	if (hdr->show_frame)
		f->flags |= V4L2_VP8_FRAME_FLAG_SHOW_FRAME;
	if (hdr->mb_no_skip_coeff)
		f->flags |= V4L2_VP8_FRAME_FLAG_MB_NO_SKIP_COEFF;
	if (hdr->key_frame)
		return;
	if (hdr->sign_bias_golden)
		f->flags |= V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN;
	if (hdr->sign_bias_alternate)
		f->flags |= V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT;
	f->prob_intra = hdr->prob_intra;
	f->prob_last = hdr->prob_last;
	f->prob_gf = hdr->prob_gf;
	f->last_frame_ts =
		gst_v4l2r_slot_timestamp(&self->refs, REF_SLOTS_VP8_LAST);
	f->golden_frame_ts =
		gst_v4l2r_slot_timestamp(&self->refs, REF_SLOTS_VP8_GOLDEN);
	f->alt_frame_ts =
		gst_v4l2r_slot_timestamp(&self->refs, REF_SLOTS_VP8_ALTREF);
}

/* A key frame's size: the device is set up again when it changes (every
 * reference is replaced by the key frame anyway). */
static GstFlowReturn key_frame_size(GstV4l2rVp8Dec *self,
				    const GstVp8FrameHdr *hdr)
{
	self->horizontal_scale = hdr->horiz_scale_code;
	self->vertical_scale = hdr->vert_scale_code;
	if (self->configured && hdr->width == self->width &&
	    hdr->height == self->height)
		return GST_FLOW_OK;
	ref_slots_clear(&self->refs);
	GstV4l2rStreamInfo info = {
		.width = hdr->width,
		.height = hdr->height,
		.display_width = hdr->width,
		.display_height = hdr->height,
		.bit_depth = 8,
		.references = REF_SLOTS_VP8_COUNT,
		.interlace = GST_VIDEO_INTERLACE_MODE_PROGRESSIVE,
	};
	GstFlowReturn fr = gst_v4l2r_decoder_configure(&self->parent, &info);
	self->configured = fr == GST_FLOW_OK;
	self->width = hdr->width;
	self->height = hdr->height;
	return fr;
}

static GstFlowReturn decode_frame(GstV4l2rVp8Dec *self,
				  GstVideoCodecFrame *frame,
				  const guint8 *data, gsize size)
{
	GstV4l2rDecoder *dec = &self->parent;
	GstFlowReturn fr = GST_FLOW_OK;
	GstVp8FrameHdr hdr;
	struct ref_slots_frame sf;

	GstVp8ParserResult res = gst_vp8_parser_parse_frame_header(
		&self->parser, &hdr, data, size);
	if (res == GST_VP8_PARSER_OK && hdr.key_frame &&
	    (!hdr.width || !hdr.height))
		res = GST_VP8_PARSER_BROKEN_DATA;
	if (res != GST_VP8_PARSER_OK) {
		GST_V4L2R_FRAME_ERROR(dec,
					("frame %u: the VP8 frame header "
					 "cannot be read",
					 frame->system_frame_number),
					("%zu bytes", (size_t)size), fr);
		return gst_v4l2r_decoder_lose(dec, frame, fr);
	}
	gst_v4l2r_vp8_slots_frame(&sf, &hdr);
	if (ref_slots_missing(&self->refs, &sf) >= 0) {
		gst_v4l2r_decoder_skip(dec, frame, "no key frame before it");
		return GST_FLOW_OK;
	}
	if (hdr.key_frame && (fr = key_frame_size(self, &hdr)) != GST_FLOW_OK)
		return fr;

	GstV4l2rPicture *pic = gst_v4l2r_decoder_new_picture(dec, frame);
	if (!pic)
		return GST_FLOW_ERROR;
	struct v4l2_ctrl_vp8_frame f;
	fill_frame(self, &hdr, &f);
	struct v4l2_ext_control ctrl = {
		.id = V4L2_CID_STATELESS_VP8_FRAME,
		.size = sizeof(f),
		.ptr = &f,
	};
	GstV4l2rChunk chunk = { .data = data, .size = size };
	fr = gst_v4l2r_decoder_queue(dec, pic, &ctrl, 1, &chunk, 1, FALSE);
	if (fr != GST_FLOW_OK || !pic->queued) {
		gst_v4l2r_decoder_picture_unref(dec, pic);
		return gst_v4l2r_decoder_lose(dec, frame, fr);
	}
	ref_slots_update(&self->refs, &sf, pic);
	if (sf.show_frame)
		fr = gst_v4l2r_decoder_output(dec, pic);
	else
		gst_v4l2r_decoder_skip(dec, frame, "a hidden frame");
	gst_v4l2r_decoder_picture_unref(dec, pic);
	return fr;
}

static GstFlowReturn vp8_decode(GstV4l2rDecoder *dec,
				GstVideoCodecFrame *frame)
{
	GstV4l2rVp8Dec *self = (GstV4l2rVp8Dec *)dec;
	GstMapInfo map;

	if (!gst_buffer_map(frame->input_buffer, &map, GST_MAP_READ))
		return GST_FLOW_ERROR;
	GstFlowReturn fr = decode_frame(self, frame, map.data, map.size);
	gst_buffer_unmap(frame->input_buffer, &map);
	return fr;
}

static GstFlowReturn vp8_drain(GstV4l2rDecoder *dec)
{
	(void)dec;
	return GST_FLOW_OK;	/* every shown frame is already out */
}

static void vp8_reset(GstV4l2rDecoder *dec)
{
	GstV4l2rVp8Dec *self = (GstV4l2rVp8Dec *)dec;

	ref_slots_clear(&self->refs);
	gst_vp8_parser_init(&self->parser);
	/* after a stop the base class has no session: set up again */
	self->configured = FALSE;
}

static void gst_v4l2r_vp8_dec_init(GstV4l2rVp8Dec *self)
{
	gst_vp8_parser_init(&self->parser);
	gst_v4l2r_decoder_init_slots(&self->parent, &self->refs,
				     REF_SLOTS_VP8_COUNT);
}

static void gst_v4l2r_vp8_dec_class_init(GstV4l2rVp8DecClass *klass)
{
	klass->sink_caps = "video/x-vp8";
	klass->codec_name = "VP8";
	klass->decode = vp8_decode;
	klass->drain = vp8_drain;
	klass->reset = vp8_reset;
}
