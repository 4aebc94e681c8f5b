/* MPEG-2 reference management for the stateless decoder element: the two
 * most recent I or P frames are the references (forward: past, backward:
 * future); B frames go out at once, an I or P frame when the next one
 * arrives or at the end (13818-2 7.6, reordering). A field picture's
 * frame waits for its second field, which decodes into the same picture.
 *
 * Free of GLib: the element (and the order check, tests/unit/dpb-order.c)
 * says what each picture is, so that this is unit-tested without
 * GStreamer or a device. Pictures are the caller's pointers: the references
 * hold and release them through struct mpeg2_refs_ops, and output() shows
 * one (output order). */
#ifndef MPEG2_REFS_H
#define MPEG2_REFS_H

#include <stdbool.h>

/* picture_coding_type (13818-2 Table 6-12) */
enum mpeg2_refs_type {
	MPEG2_REFS_I = 1,
	MPEG2_REFS_P = 2,
	MPEG2_REFS_B = 3,
};

struct mpeg2_refs_ops {
	void (*hold)(void *user, void *pic);
	void (*release)(void *user, void *pic);
	void (*output)(void *user, void *pic);
};

struct mpeg2_refs {
	void *past, *future;	/* forward and backward references */
	void *first_field;	/* awaiting its second field */
	struct mpeg2_refs_ops ops;
	void *user;
};

/* No references; ops is copied (any function may be NULL). */
void mpeg2_refs_init(struct mpeg2_refs *refs, const struct mpeg2_refs_ops *ops,
		     void *user);
/* Whether a picture of type has what it predicts from: a P picture a
 * reference (or, as a second field, its first field), a B picture two.
 * After a seek into an open GOP the first B pictures have not. */
bool mpeg2_refs_ready(const struct mpeg2_refs *refs, enum mpeg2_refs_type type);
/* For a field picture: the picture of the first field awaiting it, which
 * this field completes (the caller now holds it), or NULL when this field
 * starts a frame. NULL for a frame picture. */
void *mpeg2_refs_second_field(struct mpeg2_refs *refs, bool is_field);
/* pic (held by the caller, who gives that hold over) is decoded: a first
 * field waits for its second; a B picture goes out; an I or P one sends
 * the newest reference out and becomes it. */
void mpeg2_refs_decoded(struct mpeg2_refs *refs, void *pic,
			enum mpeg2_refs_type type, bool first_field);
/* End of stream or of a sequence: a lone first field goes out as it is,
 * then the newest reference; every picture is released. */
void mpeg2_refs_drain(struct mpeg2_refs *refs);
/* Flush or seek: every picture is released, none output. */
void mpeg2_refs_reset(struct mpeg2_refs *refs);

#endif
