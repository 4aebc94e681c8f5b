/* VP9 compressed header (spec 6.3): decoded into the probability deltas of
 * struct v4l2_ctrl_vp9_compressed_hdr, as V4L2_CID_STATELESS_VP9_COMPRESSED_HDR
 * wants them (inv_map_table[] applied, not merged: 0 means no update;
 * motion vector probabilities are the new values themselves). Neither VA nor
 * GStreamer's parsers decode this header, so the VA driver and the GStreamer
 * plugin share this one. */
#ifndef V4L2R_VP9_H
#define V4L2R_VP9_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/v4l2-controls.h>

/* The boolean decoder of spec 9.2. Reads never go past data + size; a read
 * that would sets overrun and yields zeros. */
struct v4l2r_vp9_bool {
	const uint8_t *data;
	size_t size;
	size_t bit_pos;		/* next bit of data to shift in */
	uint32_t value;
	uint32_t range;
	bool overrun;
};

/* false when size is 0 or the marker bit is set (spec 9.2.1). */
bool v4l2r_vp9_bool_init(struct v4l2r_vp9_bool *bd, const uint8_t *data,
			 size_t size);
bool v4l2r_vp9_bool_read(struct v4l2r_vp9_bool *bd, uint8_t prob);
/* n <= 16 bits, each read with probability 128, MSB first. */
unsigned v4l2r_vp9_bool_literal(struct v4l2r_vp9_bool *bd, unsigned n);

/* What the compressed header needs from the uncompressed one. */
struct v4l2r_vp9_frame_info {
	bool intra;			/* key frame or intra_only */
	bool lossless;			/* base_q_idx == 0 and no delta_q */
	bool switchable_interp;		/* interpolation_filter == SWITCHABLE */
	bool allow_high_precision_mv;
	bool sign_bias[4];		/* ref_frame_sign_bias[LAST..ALTREF] at 1..3 */
};

/* Decodes the size bytes of data (header_size_in_bytes, the caller checks it
 * against what it holds) into hdr and the frame's reference_mode
 * (V4L2_VP9_REFERENCE_MODE_*). Returns NULL on success, otherwise the name
 * of what was wrong. */
const char *v4l2r_vp9_compressed_header(const uint8_t *data, size_t size,
					const struct v4l2r_vp9_frame_info *info,
					struct v4l2_ctrl_vp9_compressed_hdr *hdr,
					uint8_t *reference_mode);

#endif
