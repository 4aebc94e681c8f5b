/* GStreamer's parsed H.264 headers into dpb_h264.c's input. */
#ifndef GST_V4L2R_H264_DPB_INPUT_H
#define GST_V4L2R_H264_DPB_INPUT_H

#include <gst/codecparsers/gsth264parser.h>

#include "dpb_h264.h"

/* The DPB size is VUI's max_dec_frame_buffering, else the level's
 * (A.3.1 item h); the reorder bound VUI's, else the DPB size (0 for the
 * intra profiles). */
void gst_v4l2r_h264_dpb_sps(struct dpb_h264_sps *d, const GstH264SPS *sps);
/* From the picture's first slice; id: its capture buffer's timestamp. */
void gst_v4l2r_h264_dpb_picture(struct dpb_h264_picture_info *p,
				const GstH264SliceHdr *hdr,
				const GstH264NalUnit *nalu, uint64_t id);

#endif
