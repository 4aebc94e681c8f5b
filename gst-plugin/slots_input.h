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

/* AV1's reference frame update process (spec 7.20) on both sides: the
 * slots f refreshes take pic (NULL: a frame not decoded) and keep hdr in
 * slot_hdr[] (what a key frame shown again loads, 7.21), and the parser
 * updates its own reference state (order hints, sizes) from hdr. */
void gst_v4l2r_av1_refresh(struct ref_slots *slots,
			   GstAV1FrameHeaderOBU slot_hdr[REF_SLOTS_MAX],
			   GstAV1Parser *parser,
			   const struct ref_slots_frame *f,
			   GstAV1FrameHeaderOBU *hdr, void *pic);
/* After show_existing_frame shows pic again: a key frame shown so is
 * loaded from its slot and refreshes every slot (7.21). */
void gst_v4l2r_av1_shown_again(struct ref_slots *slots,
			       GstAV1FrameHeaderOBU slot_hdr[REF_SLOTS_MAX],
			       GstAV1Parser *parser,
			       const struct ref_slots_frame *f, void *pic);

#endif
