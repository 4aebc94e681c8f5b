/* The plugin's reference management on a real stream, without a device:
 * parses a test stream with GStreamer's codecparsers, turns the headers
 * into the reference code's input through the elements' own input code
 * (h264_dpb_input.c, hevc_dpb_input.c, slots_input.c), drives that code
 * (dpb_h264.c, dpb_hevc.c, mpeg2_refs.c, ref_slots.c) as the element
 * does, and prints one line per picture output, in output order: the
 * index of the packet that made it, packets counted as FFmpeg's demuxer
 * cuts the file. dpb-order.sh compares that with libavcodec's output on
 * every test stream.
 *
 * Packets, so which coded picture an output is:
 *   h264   a picture: a frame or one field (FFmpeg's parser splits field
 *          pairs); a frame of two fields is its first field's packet
 *   hevc   an access unit
 *   mpeg2  a frame: both fields of a field pair are one packet
 *   vp8    an IVF frame; a hidden one (altref) is never output
 *   vp9    an IVF frame: a superframe (a hidden frame and the frame shown
 *          after it) is one packet, output once; show_existing_frame is a
 *          packet of its own that outputs a slot's picture again
 *   av1    an IVF frame: a temporal unit, output once (its hidden frames
 *          none; a frame header with show_existing_frame outputs a slot's
 *          picture again)
 *
 * Left out, as they need the device: frames lost to it, and the slots a
 * resize empties when the device is set up anew (vp9-resize keeps them,
 * as the element does on a device that takes the larger size).
 *
 *   dpb-order CODEC FILE */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <gst/codecparsers/gsth264parser.h>
#include <gst/codecparsers/gstmpegvideoparser.h>

#include "dpb_h264.h"
#include "dpb_hevc.h"
#include "h264_dpb_input.h"
#include "hevc_dpb_input.h"
#include "mpeg2_refs.h"
#include "slots_input.h"

/* Packet index n as a picture handle, never NULL. */
#define PIC(n) GSIZE_TO_POINTER((gsize)(n) + 1)
#define PACKET(pic) (GPOINTER_TO_SIZE(pic) - 1)

static void print_packet(uint64_t packet)
{
	printf("%" PRIu64 "\n", packet);
}

/* ---- H.264 ---- */

static void h264_output(void *user, const struct dpb_h264_output *out)
{
	(void)user;
	print_packet(out->id);
}

static void h264_order(const guint8 *data, gsize size)
{
	const struct dpb_h264_ops ops = { h264_output, NULL };
	GstH264NalParser *parser = gst_h264_nal_parser_new();
	struct dpb_h264 *dpb = dpb_h264_new(&ops, NULL);
	struct dpb_h264_sps dsps;
	GstH264NalUnit nalu;
	guint offset = 0;
	uint64_t packets = 0, first_packet = 0;
	gboolean first_field = FALSE, first_bottom = FALSE;
	guint16 first_frame_num = 0;
	GstH264ParserResult res;

	while ((res = gst_h264_parser_identify_nalu(parser, data, offset, size,
						    &nalu)) ==
		       GST_H264_PARSER_OK ||
	       res == GST_H264_PARSER_NO_NAL_END) {
		offset = nalu.offset + nalu.size;
		GstH264SliceHdr hdr;
		GstH264SPS sps;
		GstH264PPS pps;
		if (nalu.type == GST_H264_NAL_SPS &&
		    gst_h264_parser_parse_sps(parser, &nalu, &sps) ==
			    GST_H264_PARSER_OK)
			gst_h264_sps_clear(&sps);
		else if (nalu.type == GST_H264_NAL_PPS &&
			 gst_h264_parser_parse_pps(parser, &nalu, &pps) ==
				 GST_H264_PARSER_OK)
			gst_h264_pps_clear(&pps);
		else if ((nalu.type == GST_H264_NAL_SLICE ||
			  nalu.type == GST_H264_NAL_SLICE_IDR) &&
			 gst_h264_parser_parse_slice_hdr(parser, &nalu, &hdr,
							 TRUE, TRUE) ==
				 GST_H264_PARSER_OK &&
			 hdr.first_mb_in_slice == 0) {
			/* a second field shares its first field's picture */
			gboolean second = first_field && hdr.field_pic_flag &&
					  hdr.bottom_field_flag != first_bottom &&
					  hdr.frame_num == first_frame_num;
			struct dpb_h264_picture_info p;
			if (!second)
				first_packet = packets;
			gst_v4l2r_h264_dpb_picture(&p, &hdr, &nalu,
						   first_packet);
			gst_v4l2r_h264_dpb_sps(&dsps, hdr.pps->sequence);
			if (dpb_h264_start_picture(dpb, &dsps, &p) == 0)
				dpb_h264_finish_picture(dpb);
			packets++;
			first_field = hdr.field_pic_flag && !second;
			first_bottom = hdr.bottom_field_flag;
			first_frame_num = hdr.frame_num;
		}
		if (res == GST_H264_PARSER_NO_NAL_END)
			break;
	}
	dpb_h264_drain(dpb);
	dpb_h264_free(dpb);
	gst_h264_nal_parser_free(parser);
}

/* ---- HEVC ---- */

/* ids are packet + 1: the DPB's entries use 0 for "no picture". */
static void hevc_output(void *user, uint64_t id, int32_t poc)
{
	(void)user;
	(void)poc;
	print_packet(id - 1);
}

static void hevc_order(const guint8 *data, gsize size)
{
	const struct dpb_hevc_callbacks callbacks = { hevc_output, NULL };
	GstH265Parser *parser = gst_h265_parser_new();
	struct dpb_hevc *dpb = dpb_hevc_new(&callbacks, NULL);
	struct dpb_hevc_sps dsps;
	struct dpb_hevc_picture_info p;
	GstH265NalUnit nalu;
	guint offset = 0;
	uint64_t packets = 0;
	gboolean follows_eos = FALSE;
	GstH265ParserResult res;

	while ((res = gst_h265_parser_identify_nalu(parser, data, offset, size,
						    &nalu)) ==
		       GST_H265_PARSER_OK ||
	       res == GST_H265_PARSER_NO_NAL_END) {
		offset = nalu.offset + nalu.size;
		GstH265SliceHdr hdr;
		switch (nalu.type) {
		case GST_H265_NAL_VPS:
		case GST_H265_NAL_SPS:
		case GST_H265_NAL_PPS:
			gst_h265_parser_parse_nal(parser, &nalu);
			break;
		case GST_H265_NAL_EOS:
		case GST_H265_NAL_EOB:
			/* the coded video sequence ends: its pictures go out */
			dpb_hevc_drain(dpb);
			follows_eos = TRUE;
			break;
		default:
			if (!gst_v4l2r_hevc_is_slice(nalu.type))
				break;
			memset(&hdr, 0, sizeof(hdr));
			if (gst_h265_parser_parse_slice_hdr(parser, &nalu, &hdr) !=
			    GST_H265_PARSER_OK)
				break;
			if (hdr.first_slice_segment_in_pic_flag) {
				gst_v4l2r_hevc_dpb_sps(&dsps, hdr.pps->sps);
				if (gst_v4l2r_hevc_dpb_picture(&p, &hdr, &nalu,
							       packets + 1,
							       follows_eos) &&
				    dpb_hevc_start_picture(dpb, &dsps, &p) == 0) {
					follows_eos = FALSE;
					dpb_hevc_finish_picture(dpb);
				}
				packets++;
			}
			gst_h265_slice_hdr_free(&hdr);
			break;
		}
		if (res == GST_H265_PARSER_NO_NAL_END)
			break;
	}
	dpb_hevc_drain(dpb);
	dpb_hevc_reset(dpb);
	dpb_hevc_free(dpb);
	gst_h265_parser_free(parser);
}

/* ---- MPEG-2 ---- */

static void mpeg2_output(void *user, void *pic)
{
	(void)user;
	print_packet(PACKET(pic));
}

/* One picture, as mpeg2.c's decode_picture() decides it. */
static void mpeg2_picture(struct mpeg2_refs *refs,
			  const GstMpegVideoPictureHdr *hdr,
			  const GstMpegVideoPictureExt *ext, gboolean have_ext,
			  uint64_t packet)
{
	gboolean is_field = have_ext && ext->picture_structure !=
						GST_MPEG_VIDEO_PICTURE_STRUCTURE_FRAME;

	if (hdr->pic_type < GST_MPEG_VIDEO_PICTURE_TYPE_I ||
	    hdr->pic_type > GST_MPEG_VIDEO_PICTURE_TYPE_B ||
	    !mpeg2_refs_ready(refs, hdr->pic_type))
		return;
	void *pic = mpeg2_refs_second_field(refs, is_field);
	gboolean second_field = pic != NULL;
	if (!second_field)
		pic = PIC(packet);
	mpeg2_refs_decoded(refs, pic, hdr->pic_type, is_field && !second_field);
}

static void mpeg2_order(const guint8 *data, gsize size)
{
	static const struct mpeg2_refs_ops ops = { NULL, NULL, mpeg2_output };
	struct mpeg2_refs refs;
	GstMpegVideoPacket pkt;
	GstMpegVideoSequenceHdr seq = { 0 };
	GstMpegVideoPictureHdr hdr;
	GstMpegVideoPictureExt ext;
	gboolean have_sequence = FALSE, in_picture = FALSE, have_ext = FALSE;
	/* a first field awaiting its second: both are one packet */
	gboolean awaiting_field = FALSE;
	uint64_t packets = 0, packet = 0;
	guint offset = 0;

	mpeg2_refs_init(&refs, &ops, NULL);
	while (gst_mpeg_video_parse(&pkt, data, size, offset)) {
		/* the last packet runs to the end */
		offset = pkt.offset + (guint)(pkt.size >= 0 ?
						      (gsize)pkt.size :
						      size - pkt.offset);
		if (pkt.type >= GST_MPEG_VIDEO_PACKET_SLICE_MIN &&
		    pkt.type <= GST_MPEG_VIDEO_PACKET_SLICE_MAX) {
			if (!in_picture)
				continue;
			/* the picture's headers are all read: decide it */
			in_picture = FALSE;
			gboolean is_field =
				have_ext && ext.picture_structure !=
						    GST_MPEG_VIDEO_PICTURE_STRUCTURE_FRAME;
			if (!(awaiting_field && is_field))
				packet = packets++;
			awaiting_field = is_field && !awaiting_field;
			mpeg2_picture(&refs, &hdr, &ext, have_ext, packet);
			continue;
		}
		switch (pkt.type) {
		case GST_MPEG_VIDEO_PACKET_SEQUENCE: {
			GstMpegVideoSequenceHdr s;
			if (!gst_mpeg_video_packet_parse_sequence_header(&pkt,
									 &s))
				break;
			/* a new size: the old one's pictures go out first */
			if (have_sequence && (s.width != seq.width ||
					      s.height != seq.height))
				mpeg2_refs_drain(&refs);
			seq = s;
			have_sequence = TRUE;
			break;
		}
		case GST_MPEG_VIDEO_PACKET_EXTENSION:
			if (in_picture &&
			    gst_mpeg_video_packet_parse_picture_extension(&pkt,
									  &ext))
				have_ext = TRUE;
			break;
		case GST_MPEG_VIDEO_PACKET_PICTURE:
			have_ext = FALSE;
			in_picture = have_sequence &&
				     gst_mpeg_video_packet_parse_picture_header(
					     &pkt, &hdr);
			break;
		default:
			break;
		}
	}
	mpeg2_refs_drain(&refs);
}

/* ---- VP8, VP9, AV1: IVF ---- */

/* Little-endian, byte by byte (IVF's fields are not aligned). */
static guint32 read_le(const guint8 *p, guint n)
{
	guint32 v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The IVF frame at *offset (a 32-byte file header first, then each
 * frame behind a 12-byte header: its size, its time); FALSE at the end or
 * on a frame cut short. */
static gboolean ivf_next(const guint8 *data, gsize size, gsize *offset,
			 const guint8 **frame, guint32 *frame_size)
{
	if (*offset == 0) {
		if (size < 32 || memcmp(data, "DKIF", 4))
			return FALSE;
		*offset = read_le(data + 6, 2);
	}
	if (*offset + 12 > size)
		return FALSE;
	*frame_size = read_le(data + *offset, 4);
	*frame = data + *offset + 12;
	if (*frame_size > size - *offset - 12)
		return FALSE;
	*offset += 12 + *frame_size;
	return TRUE;
}

static const struct ref_slots_ops no_holds = { NULL, NULL };

static void vp8_order(const guint8 *data, gsize size)
{
	GstVp8Parser parser;
	struct ref_slots slots;
	const guint8 *frame;
	guint32 frame_size;
	gsize offset = 0;

	gst_vp8_parser_init(&parser);
	ref_slots_init(&slots, REF_SLOTS_VP8_COUNT, &no_holds, NULL);
	for (uint64_t packet = 0;
	     ivf_next(data, size, &offset, &frame, &frame_size); packet++) {
		GstVp8FrameHdr hdr;
		struct ref_slots_frame sf;
		if (gst_vp8_parser_parse_frame_header(&parser, &hdr, frame,
						      frame_size) !=
		    GST_VP8_PARSER_OK)
			continue;
		gst_v4l2r_vp8_slots_frame(&sf, &hdr);
		if (ref_slots_missing(&slots, &sf) >= 0)
			continue;	/* no key frame before it */
		ref_slots_update(&slots, &sf, PIC(packet));
		if (sf.show_frame)
			print_packet(packet);
	}
}

/* One VP9 frame of packet, as vp9.c's decode_frame() decides it. */
static void vp9_frame(GstVp9Parser *parser, struct ref_slots *slots,
		      const guint8 *frame, guint32 size, uint64_t packet)
{
	GstVp9FrameHdr hdr;
	struct ref_slots_frame sf;

	if (gst_vp9_parser_parse_frame_header(parser, &hdr, frame, size) !=
	    GST_VP9_PARSER_OK)
		return;
	gst_v4l2r_vp9_slots_frame(&sf, &hdr);
	if (sf.show_existing) {
		if (ref_slots_existing(slots, &sf))
			print_packet(packet);
		return;
	}
	if (ref_slots_missing(slots, &sf) >= 0)
		return;
	ref_slots_update(slots, &sf, PIC(packet));
	if (sf.show_frame)
		print_packet(packet);
}

static void vp9_order(const guint8 *data, gsize size)
{
	GstVp9Parser *parser = gst_vp9_parser_new();
	struct ref_slots slots;
	const guint8 *frame;
	guint32 frame_size;
	gsize offset = 0;

	ref_slots_init(&slots, REF_SLOTS_MAX, &no_holds, NULL);
	for (uint64_t packet = 0;
	     ivf_next(data, size, &offset, &frame, &frame_size); packet++) {
		/* a superframe's frames, as vp9parse splits them */
		GstVp9SuperframeInfo info;
		if (gst_vp9_parser_parse_superframe_info(parser, &info, frame,
							 frame_size) !=
			    GST_VP9_PARSER_OK ||
		    info.frames_in_superframe <= 1) {
			vp9_frame(parser, &slots, frame, frame_size, packet);
			continue;
		}
		guint32 at = 0;
		for (guint32 i = 0; i < info.frames_in_superframe &&
				    info.frame_sizes[i] <= frame_size - at;
		     i++) {
			vp9_frame(parser, &slots, frame + at,
				  info.frame_sizes[i], packet);
			at += info.frame_sizes[i];
		}
	}
	gst_vp9_parser_free(parser);
}

/* AV1, as av1.c decides each frame. */
typedef struct {
	GstAV1Parser *parser;
	struct ref_slots slots;
	GstAV1FrameHeaderOBU slot_hdr[REF_SLOTS_MAX];
	GstAV1FrameHeaderOBU hdr;
	GstAV1FrameOBU frame;
	gboolean have_sequence, decoded_any;
} Av1Order;

static void av1_show_existing(Av1Order *o, uint64_t packet)
{
	struct ref_slots_frame sf;

	gst_v4l2r_av1_slots_frame(&sf, &o->hdr);
	void *pic = ref_slots_existing(&o->slots, &sf);
	if (!pic)
		return;
	gst_v4l2r_av1_shown_again(&o->slots, o->slot_hdr, o->parser, &sf, pic);
	print_packet(packet);
}

static void av1_frame_done(Av1Order *o, uint64_t packet)
{
	struct ref_slots_frame sf;
	void *pic = PIC(packet);

	gst_v4l2r_av1_slots_frame(&sf, &o->hdr);
	/* no sequence, no key frame before it, a reference missing: not
	 * decoded, what it would refresh is no reference any more */
	if (!o->have_sequence || (!o->hdr.frame_is_intra && !o->decoded_any) ||
	    ref_slots_missing(&o->slots, &sf) >= 0)
		pic = NULL;
	gst_v4l2r_av1_refresh(&o->slots, o->slot_hdr, o->parser, &sf, &o->hdr,
			      pic);
	o->decoded_any |= pic != NULL;
	if (pic && sf.show_frame)
		print_packet(packet);
}

/* Whether tg holds the frame's last tile. */
static gboolean av1_last_group(const GstAV1FrameHeaderOBU *hdr,
			       const GstAV1TileGroupOBU *tg)
{
	return (guint)tg->tg_end + 1 ==
	       (guint)hdr->tile_info.tile_cols * hdr->tile_info.tile_rows;
}

static void av1_obu(Av1Order *o, GstAV1OBU *obu, uint64_t packet)
{
	GstAV1SequenceHeaderOBU seq;

	switch (obu->obu_type) {
	case GST_AV1_OBU_SEQUENCE_HEADER:
		if (gst_av1_parser_parse_sequence_header_obu(o->parser, obu,
							     &seq) ==
		    GST_AV1_PARSER_OK)
			o->have_sequence = TRUE;
		break;
	case GST_AV1_OBU_TEMPORAL_DELIMITER:
		gst_av1_parser_parse_temporal_delimiter_obu(o->parser, obu);
		break;
	case GST_AV1_OBU_FRAME_HEADER:
		if (gst_av1_parser_parse_frame_header_obu(o->parser, obu,
							  &o->hdr) ==
			    GST_AV1_PARSER_OK &&
		    o->hdr.show_existing_frame)
			av1_show_existing(o, packet);
		break;
	case GST_AV1_OBU_FRAME:
		if (gst_av1_parser_parse_frame_obu(o->parser, obu, &o->frame) !=
		    GST_AV1_PARSER_OK)
			break;
		o->hdr = o->frame.frame_header;
		if (av1_last_group(&o->hdr, &o->frame.tile_group))
			av1_frame_done(o, packet);
		break;
	case GST_AV1_OBU_TILE_GROUP:
		if (gst_av1_parser_parse_tile_group_obu(o->parser, obu,
							&o->frame.tile_group) ==
			    GST_AV1_PARSER_OK &&
		    av1_last_group(&o->hdr, &o->frame.tile_group))
			av1_frame_done(o, packet);
		break;
	default:
		break;
	}
}

static void av1_order(const guint8 *data, gsize size)
{
	Av1Order *o = g_new0(Av1Order, 1);
	const guint8 *tu;
	guint32 tu_size;
	gsize offset = 0;

	o->parser = gst_av1_parser_new();
	ref_slots_init(&o->slots, REF_SLOTS_MAX, &no_holds, NULL);
	for (uint64_t packet = 0; ivf_next(data, size, &offset, &tu, &tu_size);
	     packet++) {
		while (tu_size) {
			GstAV1OBU obu;
			guint32 consumed = 0;
			GstAV1ParserResult res = gst_av1_parser_identify_one_obu(
				o->parser, tu, tu_size, &obu, &consumed);
			if (res == GST_AV1_PARSER_OK)
				av1_obu(o, &obu, packet);
			else if (res != GST_AV1_PARSER_DROP)
				break;
			if (!consumed || consumed > tu_size)
				break;
			tu += consumed;
			tu_size -= consumed;
		}
	}
	gst_av1_parser_free(o->parser);
	g_free(o);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *codec;
		void (*order)(const guint8 *data, gsize size);
	} codecs[] = {
		{ "h264", h264_order }, { "hevc", hevc_order },
		{ "mpeg2", mpeg2_order }, { "vp8", vp8_order },
		{ "vp9", vp9_order }, { "av1", av1_order },
	};
	gchar *data;
	gsize size;

	for (guint i = 0; argc == 3 && i < G_N_ELEMENTS(codecs); i++) {
		if (strcmp(argv[1], codecs[i].codec))
			continue;
		if (!g_file_get_contents(argv[2], &data, &size, NULL)) {
			fprintf(stderr, "dpb-order: %s cannot be read\n",
				argv[2]);
			return 2;
		}
		codecs[i].order((const guint8 *)data, size);
		g_free(data);
		return 0;
	}
	fprintf(stderr, "usage: dpb-order h264|hevc|mpeg2|vp8|vp9|av1 FILE\n");
	return 2;
}
