/* Human names for the values of the stateless decoders' menu controls. */
#ifndef TOOL_NAMES_H
#define TOOL_NAMES_H

#include "v4l2r/codec.h"

/* The name of a menu value for the codec, or NULL when unknown. */
typedef const char *tool_value_name_fn(const struct v4l2r_codec_desc *desc,
				       unsigned value);

const char *tool_decode_mode_name(const struct v4l2r_codec_desc *desc,
				  unsigned value);
const char *tool_start_code_name(const struct v4l2r_codec_desc *desc,
				 unsigned value);
const char *tool_profile_name(const struct v4l2r_codec_desc *desc,
			      unsigned value);

#endif
