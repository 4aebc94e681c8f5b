/* GStreamer's parsed VP8, VP9 and AV1 frame headers into ref_slots.c's
 * input: the elements and the order check (tests/unit/dpb-order.c) share
 * it. */
#ifndef GST_V4L2R_SLOTS_INPUT_H
#define GST_V4L2R_SLOTS_INPUT_H

#include <gst/codecparsers/gstav1parser.h>
#include <gst/codecparsers/gstvp8parser.h>
#include <gst/codecparsers/gstvp9parser.h>

#include "ref_slots.h"

void gst_v4l2r_vp8_slots_frame(struct ref_slots_frame *f,
			       const GstVp8FrameHdr *hdr);
void gst_v4l2r_vp9_slots_frame(struct ref_slots_frame *f,
			       const GstVp9FrameHdr *hdr);
void gst_v4l2r_av1_slots_frame(struct ref_slots_frame *f,
			       const GstAV1FrameHeaderOBU *hdr);

#endif
