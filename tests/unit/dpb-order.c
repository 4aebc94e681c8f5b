/* The plugin's H.264 reference management on a real stream, without a
 * device: parses an Annex-B H.264 file with GStreamer's codecparsers (as
 * gst-plugin/h264.c does), drives gst-plugin/dpb_h264.c with it and prints,
 * one per line, the decode index (counting a field pair once) of each
 * picture it outputs, in output order. dpb-order.sh compares that with
 * libavcodec's output order for every H.264 test stream.
 *
 *   dpb-order FILE.h264 */
#include <stdio.h>
#include <string.h>

#include <gst/codecparsers/gsth264parser.h>

#include "dpb_h264.h"

static void on_output(void *user, const struct dpb_h264_output *out)
{
	(void)user;
	printf("%llu\n", (unsigned long long)out->id);
}

static void fill_sps(struct dpb_h264_sps *d, const GstH264SPS *sps)
{
	memset(d, 0, sizeof(*d));
	d->log2_max_frame_num = sps->log2_max_frame_num_minus4 + 4;
	d->pic_order_cnt_type = sps->pic_order_cnt_type;
	d->log2_max_pic_order_cnt_lsb = sps->log2_max_pic_order_cnt_lsb_minus4 + 4;
	d->delta_pic_order_always_zero = sps->delta_pic_order_always_zero_flag;
	d->offset_for_non_ref_pic = sps->offset_for_non_ref_pic;
	d->offset_for_top_to_bottom_field = sps->offset_for_top_to_bottom_field;
	d->num_ref_frames_in_pic_order_cnt_cycle =
		sps->num_ref_frames_in_pic_order_cnt_cycle;
	memcpy(d->offset_for_ref_frame, sps->offset_for_ref_frame,
	       sizeof(d->offset_for_ref_frame));
	d->max_num_ref_frames = (uint8_t)MIN(sps->num_ref_frames, 16);
	d->frame_mbs_only = sps->frame_mbs_only_flag;
	d->gaps_in_frame_num_allowed = sps->gaps_in_frame_num_value_allowed_flag;
	/* the DPB size libavcodec bumps with when the VUI says nothing */
	d->max_dec_frame_buffering = 16;
	d->max_num_reorder_frames = 16;
	if (sps->vui_parameters_present_flag &&
	    sps->vui_parameters.bitstream_restriction_flag) {
		d->max_dec_frame_buffering = (uint8_t)MAX(
			sps->vui_parameters.max_dec_frame_buffering, 1);
		d->max_num_reorder_frames =
			(uint8_t)sps->vui_parameters.num_reorder_frames;
	}
}

int main(int argc, char **argv)
{
	gchar *data;
	gsize size;
	const struct dpb_h264_ops ops = { on_output, NULL };

	if (argc != 2 || !g_file_get_contents(argv[1], &data, &size, NULL)) {
		fprintf(stderr, "usage: dpb-order FILE.h264\n");
		return 2;
	}
	GstH264NalParser *parser = gst_h264_nal_parser_new();
	struct dpb_h264 *dpb = dpb_h264_new(&ops, NULL);
	struct dpb_h264_sps dsps;
	GstH264NalUnit nalu;
	guint offset = 0;
	uint64_t frames = 0;
	gboolean first_field = FALSE, first_bottom = FALSE;
	guint16 first_frame_num = 0;
	GstH264ParserResult res;

	while ((res = gst_h264_parser_identify_nalu(parser, (guint8 *)data,
						    offset, size, &nalu)) ==
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
			/* a picture: a frame or a field (its pair shares its
			 * decode index, as libavcodec counts) */
			gboolean second = first_field && hdr.field_pic_flag &&
					  hdr.bottom_field_flag != first_bottom &&
					  hdr.frame_num == first_frame_num;
			const GstH264DecRefPicMarking *m =
				&hdr.dec_ref_pic_marking;
			struct dpb_h264_picture_info p = {
				.idr = nalu.idr_pic_flag,
				.nal_ref_idc = (uint8_t)nalu.ref_idc,
				.frame_num = hdr.frame_num,
				.field_pic = hdr.field_pic_flag,
				.bottom_field = hdr.bottom_field_flag,
				.pic_order_cnt_lsb = hdr.pic_order_cnt_lsb,
				.delta_pic_order_cnt_bottom =
					hdr.delta_pic_order_cnt_bottom,
				.delta_pic_order_cnt = {
					hdr.delta_pic_order_cnt[0],
					hdr.delta_pic_order_cnt[1] },
				.no_output_of_prior_pics =
					m->no_output_of_prior_pics_flag,
				.long_term_reference_flag =
					m->long_term_reference_flag,
				.adaptive_ref_pic_marking =
					m->adaptive_ref_pic_marking_mode_flag,
				.n_mmco = MIN(m->n_ref_pic_marking,
					      DPB_H264_MAX_MMCO),
				.id = second ? frames - 1 : frames,
			};
			for (unsigned i = 0; i < p.n_mmco; i++) {
				const GstH264RefPicMarking *r =
					&m->ref_pic_marking[i];
				p.mmco[i] = (struct dpb_h264_mmco){
					r->memory_management_control_operation,
					r->difference_of_pic_nums_minus1,
					r->long_term_pic_num,
					r->long_term_frame_idx,
					r->max_long_term_frame_idx_plus1,
				};
			}
			fill_sps(&dsps, hdr.pps->sequence);
			if (dpb_h264_start_picture(dpb, &dsps, &p) == 0)
				dpb_h264_finish_picture(dpb);
			if (!second)
				frames++;
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
	g_free(data);
	return 0;
}
