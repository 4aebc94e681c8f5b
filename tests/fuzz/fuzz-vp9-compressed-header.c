/* The core's VP9 compressed header parser (src/core/vp9_compressed_header.c)
 * on any bytes, what it takes from the uncompressed header from the first
 * byte. */
#include "config.h"

#include <linux/videodev2.h>

#include "fuzz.h"
#include "v4l2r/vp9.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t b = fuzz_u8(&in);
	const struct v4l2r_vp9_frame_info info = {
		.intra = b & 1,
		.lossless = b & 2,
		.switchable_interp = b & 4,
		.allow_high_precision_mv = b & 8,
		.sign_bias = { false, b & 16, b & 32, b & 64 },
	};
	struct v4l2_ctrl_vp9_compressed_hdr hdr;
	uint8_t reference_mode;

	v4l2r_vp9_compressed_header(in.data, in.size, &info, &hdr,
				    &reference_mode);
	return 0;
}
