/* The plugin's H.264 reference management on a real stream, without a
 * device: parses an Annex-B H.264 file with GStreamer's codecparsers (as
 * gst-plugin/h264.c does, through the same h264_dpb_input.c), drives
 * gst-plugin/dpb_h264.c with it and prints,
 * one per line, the decode index (counting a field pair once) of each
 * picture it outputs, in output order. dpb-order.sh compares that with
 * libavcodec's output order for every H.264 test stream.
 *
 *   dpb-order FILE.h264 */
#include <stdio.h>
#include <string.h>

#include <gst/codecparsers/gsth264parser.h>

#include "dpb_h264.h"
#include "h264_dpb_input.h"

static void on_output(void *user, const struct dpb_h264_output *out)
{
	(void)user;
	printf("%llu\n", (unsigned long long)out->id);
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
			struct dpb_h264_picture_info p;
			gst_v4l2r_h264_dpb_picture(&p, &hdr, &nalu,
						   second ? frames - 1 : frames);
			gst_v4l2r_h264_dpb_sps(&dsps, hdr.pps->sequence);
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
