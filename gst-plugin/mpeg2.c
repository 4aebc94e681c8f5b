/* MPEG-2: the headers GStreamer's mpegvideo parser reads, into the
 * stateless MPEG-2 controls (sequence, picture, quantisation); one request
 * per picture (a field is a picture of its own) with every slice and its
 * start code.
 *
 * References: the two most recent I or P frames. B frames go out at once,
 * an I or P frame when the next one arrives (13818-2 reordering): kept by
 * mpeg2_refs.c. */
#include <string.h>

#include <gst/codecparsers/gstmpegvideoparser.h>
#include <linux/videodev2.h>

#include "codecs.h"
#include "decoder.h"
#include "mpeg2_refs.h"

#define MAX_SLICES 1024	/* 175 slice rows of any picture, plenty */

typedef struct {
	GstV4l2rDecoder parent;

	gboolean have_sequence;
	GstMpegVideoSequenceHdr seq_hdr;
	GstMpegVideoSequenceExt seq_ext;
	gboolean have_seq_ext;
	struct v4l2_ctrl_mpeg2_quantisation quant;

	struct mpeg2_refs refs;
	GstFlowReturn refs_flow;	/* what the outputs of refs returned */

	GstV4l2rChunk slices[MAX_SLICES];
} GstV4l2rMpeg2Dec;

typedef GstV4l2rDecoderClass GstV4l2rMpeg2DecClass;

G_DEFINE_TYPE(GstV4l2rMpeg2Dec, gst_v4l2r_mpeg2_dec, GST_TYPE_V4L2R_DECODER)

/* The parser keeps matrices in the bitstream's zigzag scan order, which
 * is the order the uAPI wants. */
static void set_matrix(guint8 out[64], const guint8 zigzag[64])
{
	memcpy(out, zigzag, 64);
}

static void sequence_matrices(GstV4l2rMpeg2Dec *self)
{
	struct v4l2_ctrl_mpeg2_quantisation *q = &self->quant;

	/* The parser fills the defaults when the header loads none; the
	 * chroma matrices follow the luma ones until an extension loads
	 * them (13818-2 6.3.11). */
	set_matrix(q->intra_quantiser_matrix,
		   self->seq_hdr.intra_quantizer_matrix);
	set_matrix(q->non_intra_quantiser_matrix,
		   self->seq_hdr.non_intra_quantizer_matrix);
	memcpy(q->chroma_intra_quantiser_matrix, q->intra_quantiser_matrix, 64);
	memcpy(q->chroma_non_intra_quantiser_matrix,
	       q->non_intra_quantiser_matrix, 64);
}

static void quant_extension(GstV4l2rMpeg2Dec *self,
			    const GstMpegVideoQuantMatrixExt *e)
{
	struct v4l2_ctrl_mpeg2_quantisation *q = &self->quant;

	if (e->load_intra_quantiser_matrix) {
		set_matrix(q->intra_quantiser_matrix, e->intra_quantiser_matrix);
		memcpy(q->chroma_intra_quantiser_matrix,
		       q->intra_quantiser_matrix, 64);
	}
	if (e->load_non_intra_quantiser_matrix) {
		set_matrix(q->non_intra_quantiser_matrix,
			   e->non_intra_quantiser_matrix);
		memcpy(q->chroma_non_intra_quantiser_matrix,
		       q->non_intra_quantiser_matrix, 64);
	}
	if (e->load_chroma_intra_quantiser_matrix)
		set_matrix(q->chroma_intra_quantiser_matrix,
			   e->chroma_intra_quantiser_matrix);
	if (e->load_chroma_non_intra_quantiser_matrix)
		set_matrix(q->chroma_non_intra_quantiser_matrix,
			   e->chroma_non_intra_quantiser_matrix);
}

static void fill_sequence(GstV4l2rMpeg2Dec *self,
			  struct v4l2_ctrl_mpeg2_sequence *seq)
{
	const GstMpegVideoSequenceExt *ext = &self->seq_ext;

	memset(seq, 0, sizeof(*seq));
	seq->horizontal_size = self->seq_hdr.width;
	seq->vertical_size = self->seq_hdr.height;
	seq->vbv_buffer_size = self->seq_hdr.vbv_buffer_size_value * 16 * 1024;
	if (self->have_seq_ext) {
		seq->vbv_buffer_size |= (guint32)ext->vbv_buffer_size_extension
					<< 10;
		seq->profile_and_level_indication =
			(guint16)((ext->profile_level_escape_bit << 7) |
				  (ext->profile << 4) | ext->level);
		seq->chroma_format = ext->chroma_format;
		if (ext->progressive)
			seq->flags |= V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE;
	} else {
		/* MPEG-1: progressive 4:2:0 */
		seq->chroma_format = 1;
		seq->flags |= V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE;
	}
}

static GstFlowReturn configure(GstV4l2rMpeg2Dec *self)
{
	GstV4l2rDecoder *dec = &self->parent;
	struct v4l2_ctrl_mpeg2_sequence seq;
	struct v4l2_ext_control ctrl = {
		.id = V4L2_CID_STATELESS_MPEG2_SEQUENCE,
		.size = sizeof(seq),
		.ptr = &seq,
	};

	fill_sequence(self, &seq);
	GstV4l2rStreamInfo info = {
		.width = seq.horizontal_size,
		.height = seq.vertical_size,
		.display_width = seq.horizontal_size,
		.display_height = seq.vertical_size,
		.bit_depth = 8,
		.references = 2,
		.interlace = (seq.flags & V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE) ?
				     GST_VIDEO_INTERLACE_MODE_PROGRESSIVE :
				     GST_VIDEO_INTERLACE_MODE_MIXED,
		.controls = &ctrl,
		.n_controls = 1,
	};
	return gst_v4l2r_decoder_configure(dec, &info);
}

/* What one picture header and its extension say, and its slices. */
typedef struct {
	GstMpegVideoPictureHdr hdr;
	GstMpegVideoPictureExt ext;
	gboolean have_ext;
	guint n_slices;
} PictureUnit;

/* ---- mpeg2_refs.c's callbacks ---- */

static void refs_hold(void *user, void *pic)
{
	gst_v4l2r_decoder_picture_ref(user, pic);
}

static void refs_release(void *user, void *pic)
{
	gst_v4l2r_decoder_picture_unref(user, pic);
}

/* After a failed output, the next ones are not tried (the flow stops). */
static void refs_output(void *user, void *pic)
{
	GstV4l2rMpeg2Dec *self = user;

	if (self->refs_flow == GST_FLOW_OK)
		self->refs_flow = gst_v4l2r_decoder_output(&self->parent, pic);
}

static const struct mpeg2_refs_ops refs_ops = {
	refs_hold, refs_release, refs_output
};

static GstFlowReturn decode_picture(GstV4l2rMpeg2Dec *self,
				    GstVideoCodecFrame *frame,
				    const PictureUnit *u)
{
	GstV4l2rDecoder *dec = &self->parent;
	guint structure = u->have_ext ? u->ext.picture_structure :
					GST_MPEG_VIDEO_PICTURE_STRUCTURE_FRAME;
	gboolean is_field = structure != GST_MPEG_VIDEO_PICTURE_STRUCTURE_FRAME;
	gboolean is_b = u->hdr.pic_type == GST_MPEG_VIDEO_PICTURE_TYPE_B;
	GstFlowReturn fr = GST_FLOW_OK;

	if (u->hdr.pic_type < GST_MPEG_VIDEO_PICTURE_TYPE_I ||
	    u->hdr.pic_type > GST_MPEG_VIDEO_PICTURE_TYPE_B) {
		GST_V4L2R_FRAME_ERROR(dec,
					("frame %u: picture_coding_type %u is "
					 "not I, P or B",
					 frame->system_frame_number,
					 u->hdr.pic_type), (NULL), fr);
		return gst_v4l2r_decoder_lose(dec, frame, fr);
	}
	/* A P or B picture needs its references: after a seek into an open
	 * GOP the first B frames cannot be decoded and are not shown. */
	if (!mpeg2_refs_ready(&self->refs, u->hdr.pic_type)) {
		gst_v4l2r_decoder_skip(dec, frame, "its references are missing");
		return GST_FLOW_OK;
	}

	GstV4l2rPicture *pic = mpeg2_refs_second_field(&self->refs, is_field);
	gboolean second_field = pic != NULL;
	if (!second_field) {
		pic = gst_v4l2r_decoder_new_picture(dec, frame);
		if (!pic)
			return GST_FLOW_ERROR;
	} else {
		/* The frame of the first field is the one shown. */
		if (pic->frame_number != frame->system_frame_number)
			gst_v4l2r_decoder_skip(dec, frame,
					       "a second field, shown with its "
					       "first");
	}

	struct v4l2_ctrl_mpeg2_sequence seq;
	struct v4l2_ctrl_mpeg2_picture p;
	fill_sequence(self, &seq);
	memset(&p, 0, sizeof(p));
	const GstV4l2rPicture *past = self->refs.past;
	const GstV4l2rPicture *future = self->refs.future;
	if (is_b) {
		p.backward_ref_ts = future->timestamp;
		p.forward_ref_ts = past->timestamp;
	} else if (u->hdr.pic_type == GST_MPEG_VIDEO_PICTURE_TYPE_P) {
		/* The second field of a frame whose first field is its only
		 * reference predicts from the frame being decoded. */
		p.forward_ref_ts = future ? future->timestamp : pic->timestamp;
	}
	if (u->have_ext) {
		memcpy(p.f_code, u->ext.f_code, sizeof(p.f_code));
		p.intra_dc_precision = u->ext.intra_dc_precision;
		p.picture_structure = u->ext.picture_structure;
		if (u->ext.top_field_first)
			p.flags |= V4L2_MPEG2_PIC_FLAG_TOP_FIELD_FIRST;
		if (u->ext.frame_pred_frame_dct)
			p.flags |= V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT;
		if (u->ext.concealment_motion_vectors)
			p.flags |= V4L2_MPEG2_PIC_FLAG_CONCEALMENT_MV;
		if (u->ext.q_scale_type)
			p.flags |= V4L2_MPEG2_PIC_FLAG_Q_SCALE_TYPE;
		if (u->ext.intra_vlc_format)
			p.flags |= V4L2_MPEG2_PIC_FLAG_INTRA_VLC;
		if (u->ext.alternate_scan)
			p.flags |= V4L2_MPEG2_PIC_FLAG_ALT_SCAN;
		if (u->ext.repeat_first_field)
			p.flags |= V4L2_MPEG2_PIC_FLAG_REPEAT_FIRST;
		if (u->ext.progressive_frame)
			p.flags |= V4L2_MPEG2_PIC_FLAG_PROGRESSIVE;
	} else {
		/* MPEG-1: the picture header's codes, a progressive frame */
		memcpy(p.f_code, u->hdr.f_code, sizeof(p.f_code));
		p.picture_structure = V4L2_MPEG2_PIC_FRAME;
		p.flags |= V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT |
			   V4L2_MPEG2_PIC_FLAG_PROGRESSIVE;
	}
	p.picture_coding_type = u->hdr.pic_type;

	struct v4l2_ext_control ctrls[] = {
		{ .id = V4L2_CID_STATELESS_MPEG2_SEQUENCE, .size = sizeof(seq),
		  .ptr = &seq },
		{ .id = V4L2_CID_STATELESS_MPEG2_PICTURE, .size = sizeof(p),
		  .ptr = &p },
		{ .id = V4L2_CID_STATELESS_MPEG2_QUANTISATION,
		  .size = sizeof(self->quant), .ptr = &self->quant },
	};
	fr = gst_v4l2r_decoder_queue(dec, pic, ctrls, G_N_ELEMENTS(ctrls),
				     self->slices, u->n_slices, FALSE);
	if (fr != GST_FLOW_OK) {
		gst_v4l2r_decoder_picture_unref(dec, pic);
		return fr;
	}
	self->refs_flow = GST_FLOW_OK;
	mpeg2_refs_decoded(&self->refs, pic, u->hdr.pic_type,
			   is_field && !second_field);
	return self->refs_flow;
}

static GstFlowReturn mpeg2_drain(GstV4l2rDecoder *dec);

static GstFlowReturn mpeg2_decode(GstV4l2rDecoder *dec,
				  GstVideoCodecFrame *frame)
{
	GstV4l2rMpeg2Dec *self = (GstV4l2rMpeg2Dec *)dec;
	GstFlowReturn fr = GST_FLOW_OK;
	GstMpegVideoPacket pkt;
	PictureUnit unit;
	gboolean in_picture = FALSE, decoded = FALSE, seq_changed = FALSE;
	GstMapInfo map;

	if (!gst_buffer_map(frame->input_buffer, &map, GST_MAP_READ))
		return GST_FLOW_ERROR;
	guint offset = 0;
	while (fr == GST_FLOW_OK &&
	       gst_mpeg_video_parse(&pkt, map.data, map.size, offset)) {
		gsize size = pkt.size >= 0 ? (gsize)pkt.size :
					     map.size - pkt.offset;
		offset = pkt.offset + (guint)size;
		if (in_picture && !(pkt.type >= GST_MPEG_VIDEO_PACKET_SLICE_MIN &&
				    pkt.type <= GST_MPEG_VIDEO_PACKET_SLICE_MAX) &&
		    unit.n_slices) {
			fr = decode_picture(self, frame, &unit);
			in_picture = FALSE;
			decoded = TRUE;
		}
		if (fr != GST_FLOW_OK)
			break;
		switch (pkt.type) {
		case GST_MPEG_VIDEO_PACKET_SEQUENCE: {
			GstMpegVideoSequenceHdr hdr;
			if (!gst_mpeg_video_packet_parse_sequence_header(&pkt,
									 &hdr))
				break;
			seq_changed = !self->have_sequence ||
				      hdr.width != self->seq_hdr.width ||
				      hdr.height != self->seq_hdr.height;
			self->seq_hdr = hdr;
			self->have_sequence = TRUE;
			self->have_seq_ext = FALSE;
			sequence_matrices(self);
			break;
		}
		case GST_MPEG_VIDEO_PACKET_EXTENSION: {
			if (in_picture) {
				GstMpegVideoPictureExt pe;
				GstMpegVideoQuantMatrixExt qe;
				if (gst_mpeg_video_packet_parse_picture_extension(
					    &pkt, &pe)) {
					unit.ext = pe;
					unit.have_ext = TRUE;
				} else if (gst_mpeg_video_packet_parse_quant_matrix_extension(
						   &pkt, &qe)) {
					quant_extension(self, &qe);
				}
				break;
			}
			GstMpegVideoSequenceExt se;
			if (gst_mpeg_video_packet_parse_sequence_extension(&pkt,
									   &se)) {
				self->seq_ext = se;
				self->have_seq_ext = TRUE;
			}
			break;
		}
		case GST_MPEG_VIDEO_PACKET_PICTURE:
			if (!self->have_sequence) {
				gst_v4l2r_decoder_skip(dec, frame,
						       "no sequence header yet");
				gst_buffer_unmap(frame->input_buffer, &map);
				return GST_FLOW_OK;
			}
			if (seq_changed) {
				/* the old size's pictures go out first */
				fr = mpeg2_drain(dec);
				if (fr == GST_FLOW_OK)
					fr = configure(self);
				seq_changed = FALSE;
				if (fr != GST_FLOW_OK)
					break;
			}
			memset(&unit, 0, sizeof(unit));
			in_picture = gst_mpeg_video_packet_parse_picture_header(
				&pkt, &unit.hdr);
			break;
		default:
			if (in_picture &&
			    pkt.type >= GST_MPEG_VIDEO_PACKET_SLICE_MIN &&
			    pkt.type <= GST_MPEG_VIDEO_PACKET_SLICE_MAX &&
			    unit.n_slices < MAX_SLICES) {
				/* from the start code on, as the device wants */
				self->slices[unit.n_slices++] = (GstV4l2rChunk){
					.data = map.data + pkt.offset - 4,
					.size = size + 4,
				};
			}
			break;
		}
	}
	if (fr == GST_FLOW_OK && in_picture && unit.n_slices) {
		fr = decode_picture(self, frame, &unit);
		decoded = TRUE;
	}
	gst_buffer_unmap(frame->input_buffer, &map);
	if (fr == GST_FLOW_OK && !decoded)
		gst_v4l2r_decoder_skip(dec, frame, "no picture in it");
	return fr;
}

static GstFlowReturn mpeg2_drain(GstV4l2rDecoder *dec)
{
	GstV4l2rMpeg2Dec *self = (GstV4l2rMpeg2Dec *)dec;

	self->refs_flow = GST_FLOW_OK;
	mpeg2_refs_drain(&self->refs);
	return self->refs_flow;
}

static void mpeg2_reset(GstV4l2rDecoder *dec)
{
	GstV4l2rMpeg2Dec *self = (GstV4l2rMpeg2Dec *)dec;

	mpeg2_refs_reset(&self->refs);
}

static void gst_v4l2r_mpeg2_dec_init(GstV4l2rMpeg2Dec *self)
{
	mpeg2_refs_init(&self->refs, &refs_ops, self);
}

static void gst_v4l2r_mpeg2_dec_class_init(GstV4l2rMpeg2DecClass *klass)
{
	klass->sink_caps = "video/mpeg, mpegversion = (int) 2, "
			   "systemstream = (boolean) false, "
			   "parsed = (boolean) true";
	klass->codec_name = "MPEG-2";
	klass->decode = mpeg2_decode;
	klass->drain = mpeg2_drain;
	klass->reset = mpeg2_reset;
}
