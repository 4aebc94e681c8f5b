/* The VP9 uncompressed header reader (src/va/vp9_uncompressed_header.c) on
 * a frame's bytes (the reference width it may need from the first two),
 * then, as vp9.c does, the compressed header behind it when its size fits
 * the data. */
#include "config.h"

#include <linux/videodev2.h>

#include "fuzz.h"
#include "v4l2r/vp9.h"
#include "va/vp9_uncompressed_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	unsigned ref_width = 1 + (fuzz_u8(&in) << 8 | fuzz_u8(&in));
	struct vp9_uncompressed_header h;

	if (vp9_read_uncompressed_header(in.data, in.size, ref_width, &h) ||
	    h.show_existing_frame || h.size > in.size ||
	    h.header_size_in_bytes > in.size - h.size)
		return 0;
	struct v4l2r_vp9_frame_info info;
	struct v4l2_ctrl_vp9_compressed_hdr hdr;
	uint8_t reference_mode;

	vp9_compressed_header_info(&h, &info);
	v4l2r_vp9_compressed_header(in.data + h.size, h.header_size_in_bytes,
				    &info, &hdr, &reference_mode);
	return 0;
}
