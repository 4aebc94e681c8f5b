/* Helpers every codec translation shares. */
#include "va/codec.h"

#include <string.h>

#include "v4l2r/log.h"

uint64_t va_ref_timestamp(const struct va_ref_resolver *refs, VASurfaceID id,
			  const char *codec, const char *which)
{
	uint64_t ts = 0;

	if (id != VA_INVALID_SURFACE && refs && refs->timestamp)
		ts = refs->timestamp(refs->opaque, id);
	if (!ts)
		v4l2r_warn("%s: %s reference surface 0x%x was never decoded "
			   "in this context; left out", codec, which, id);
	return ts;
}

bool va_picture_fits(const struct va_picture_input *in, unsigned w,
		     unsigned h, const char *codec, const char *fields)
{
	if ((!in->max_width || w <= in->max_width) &&
	    (!in->max_height || h <= in->max_height))
		return true;
	v4l2r_err("%s: %s = %ux%u, larger than the context's %ux%u pictures",
		  codec, fields, w, h, in->max_width, in->max_height);
	return false;
}

bool va_scaling_list_valid(const char *codec, const char *list,
			   const uint8_t *v, size_t size, size_t row)
{
	const uint8_t *zero = memchr(v, 0, size);

	if (!zero)
		return true;
	size_t at = (size_t)(zero - v);
	v4l2r_err("%s: %s[%zu][%zu] = 0 (scaling factors are 1..255)", codec,
		  list, at / row, at % row);
	return false;
}
