/* What ref_slots.c needs, from what GStreamer's VP8, VP9 and AV1 parsers
 * read (the elements and tests/unit/dpb-order.c share it). */
#include <string.h>

#include "slots_input.h"

static void add_copy(struct ref_slots_frame *f, guint8 to, guint8 from)
{
	f->copy[f->n_copies].to = to;
	f->copy[f->n_copies].from = from;
	f->n_copies++;
}

/* RFC 6386 9.7, 9.8: a key frame replaces all three references. The copy
 * codes: 1 from last, 2 from golden (to altref) or altref (to golden). */
void gst_v4l2r_vp8_slots_frame(struct ref_slots_frame *f,
			       const GstVp8FrameHdr *hdr)
{
	memset(f, 0, sizeof(*f));
	f->show_frame = hdr->show_frame;
	if (hdr->key_frame) {
		f->refresh = (1u << REF_SLOTS_VP8_COUNT) - 1;
		return;
	}
	f->n_refs = REF_SLOTS_VP8_COUNT;
	for (guint i = 0; i < REF_SLOTS_VP8_COUNT; i++)
		f->ref_slot[i] = (gint8)i;
	if (hdr->copy_buffer_to_alternate == 1)
		add_copy(f, REF_SLOTS_VP8_ALTREF, REF_SLOTS_VP8_LAST);
	else if (hdr->copy_buffer_to_alternate == 2)
		add_copy(f, REF_SLOTS_VP8_ALTREF, REF_SLOTS_VP8_GOLDEN);
	if (hdr->copy_buffer_to_golden == 1)
		add_copy(f, REF_SLOTS_VP8_GOLDEN, REF_SLOTS_VP8_LAST);
	else if (hdr->copy_buffer_to_golden == 2)
		add_copy(f, REF_SLOTS_VP8_GOLDEN, REF_SLOTS_VP8_ALTREF);
	f->refresh = (guint8)((hdr->refresh_last ? 1u << REF_SLOTS_VP8_LAST : 0) |
			      (hdr->refresh_golden_frame ?
				       1u << REF_SLOTS_VP8_GOLDEN : 0) |
			      (hdr->refresh_alternate_frame ?
				       1u << REF_SLOTS_VP8_ALTREF : 0));
}

/* A key frame refreshes every slot (the parser leaves
 * refresh_frame_flags unread); key and intra-only frames read none. */
void gst_v4l2r_vp9_slots_frame(struct ref_slots_frame *f,
			       const GstVp9FrameHdr *hdr)
{
	memset(f, 0, sizeof(*f));
	if (hdr->show_existing_frame) {
		f->show_existing = TRUE;
		f->show_slot = (guint8)hdr->frame_to_show;
		return;
	}
	f->show_frame = hdr->show_frame;
	if (hdr->frame_type == GST_VP9_KEY_FRAME) {
		f->refresh = REF_SLOTS_ALL;
		return;
	}
	f->refresh = (guint8)hdr->refresh_frame_flags;
	if (hdr->intra_only)
		return;
	f->n_refs = GST_VP9_REFS_PER_FRAME;
	for (guint i = 0; i < GST_VP9_REFS_PER_FRAME; i++)
		f->ref_slot[i] = (gint8)hdr->ref_frame_indices[i];
}

/* A key frame shown again is loaded and refreshes every slot (spec 7.21);
 * another frame shown again refreshes none. Intra frames read no slot
 * (the parser's ref_frame_idx[] is -1 there). */
void gst_v4l2r_av1_slots_frame(struct ref_slots_frame *f,
			       const GstAV1FrameHeaderOBU *hdr)
{
	memset(f, 0, sizeof(*f));
	if (hdr->show_existing_frame) {
		f->show_existing = TRUE;
		f->show_slot = (guint8)hdr->frame_to_show_map_idx;
		if (hdr->frame_type == GST_AV1_KEY_FRAME)
			f->refresh = REF_SLOTS_ALL;
		return;
	}
	f->show_frame = hdr->show_frame;
	f->refresh = hdr->refresh_frame_flags;
	if (hdr->frame_is_intra)
		return;
	f->n_refs = GST_AV1_REFS_PER_FRAME;
	for (guint i = 0; i < GST_AV1_REFS_PER_FRAME; i++)
		f->ref_slot[i] = hdr->ref_frame_idx[i];
}

void gst_v4l2r_av1_refresh(struct ref_slots *slots,
			   GstAV1FrameHeaderOBU slot_hdr[REF_SLOTS_MAX],
			   GstAV1Parser *parser,
			   const struct ref_slots_frame *f,
			   GstAV1FrameHeaderOBU *hdr, void *pic)
{
	ref_slots_update(slots, f, pic);
	for (guint i = 0; i < REF_SLOTS_MAX; i++)
		if (f->refresh & (1u << i))
			slot_hdr[i] = *hdr;
	gst_av1_parser_reference_frame_update(parser, hdr);
}

void gst_v4l2r_av1_shown_again(struct ref_slots *slots,
			       GstAV1FrameHeaderOBU slot_hdr[REF_SLOTS_MAX],
			       GstAV1Parser *parser,
			       const struct ref_slots_frame *f, void *pic)
{
	if (!f->refresh)
		return;
	GstAV1FrameHeaderOBU loaded = slot_hdr[f->show_slot];
	loaded.refresh_frame_flags = f->refresh;
	gst_v4l2r_av1_refresh(slots, slot_hdr, parser, f, &loaded, pic);
}
