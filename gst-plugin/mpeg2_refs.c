/* MPEG-2 references and output order (see mpeg2_refs.h). */
#include <string.h>

#include "mpeg2_refs.h"

void mpeg2_refs_init(struct mpeg2_refs *refs, const struct mpeg2_refs_ops *ops,
		     void *user)
{
	memset(refs, 0, sizeof(*refs));
	if (ops)
		refs->ops = *ops;
	refs->user = user;
}

static void release(struct mpeg2_refs *refs, void **pic)
{
	if (*pic && refs->ops.release)
		refs->ops.release(refs->user, *pic);
	*pic = NULL;
}

static void output(struct mpeg2_refs *refs, void *pic)
{
	if (pic && refs->ops.output)
		refs->ops.output(refs->user, pic);
}

bool mpeg2_refs_ready(const struct mpeg2_refs *refs, enum mpeg2_refs_type type)
{
	switch (type) {
	case MPEG2_REFS_P:
		return refs->future || refs->first_field;
	case MPEG2_REFS_B:
		return refs->future && refs->past;
	default:
		return true;
	}
}

void *mpeg2_refs_second_field(struct mpeg2_refs *refs, bool is_field)
{
	void *pic = refs->first_field;

	if (!is_field) {
		/* a frame after a lone field: that field is never shown */
		release(refs, &refs->first_field);
		return NULL;
	}
	refs->first_field = NULL;
	return pic;
}

void mpeg2_refs_decoded(struct mpeg2_refs *refs, void *pic,
			enum mpeg2_refs_type type, bool first_field)
{
	if (first_field) {
		refs->first_field = pic;
		return;
	}
	if (type == MPEG2_REFS_B) {
		output(refs, pic);
		release(refs, &pic);
		return;
	}
	output(refs, refs->future);
	release(refs, &refs->past);
	refs->past = refs->future;
	refs->future = pic;
}

void mpeg2_refs_drain(struct mpeg2_refs *refs)
{
	output(refs, refs->first_field);
	release(refs, &refs->first_field);
	output(refs, refs->future);
	mpeg2_refs_reset(refs);
}

void mpeg2_refs_reset(struct mpeg2_refs *refs)
{
	release(refs, &refs->first_field);
	release(refs, &refs->future);
	release(refs, &refs->past);
}
