/* GStreamer's parsed H.265 headers into dpb_hevc.c's input. */
#ifndef GST_V4L2R_HEVC_DPB_INPUT_H
#define GST_V4L2R_HEVC_DPB_INPUT_H

#include <gst/codecparsers/gsth265parser.h>

#include "dpb_hevc.h"

gboolean gst_v4l2r_hevc_is_idr(guint8 nal_unit_type);
/* A slice segment of the VCL (Table 7-1: 0..9, 16..21). */
gboolean gst_v4l2r_hevc_is_slice(guint8 nal_unit_type);
/* The values of the highest temporal sub-layer: every one is decoded. */
void gst_v4l2r_hevc_dpb_sps(struct dpb_hevc_sps *d, const GstH265SPS *sps);
/* From the picture's first slice segment; id: its capture buffer's
 * timestamp. FALSE on values the DPB's structs cannot hold. */
gboolean gst_v4l2r_hevc_dpb_picture(struct dpb_hevc_picture_info *p,
				    const GstH265SliceHdr *hdr,
				    const GstH265NalUnit *nalu, uint64_t id,
				    gboolean follows_eos);

#endif
