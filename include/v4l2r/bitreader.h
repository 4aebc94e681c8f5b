/* An MSB-first bit reader for codec headers (H.264/HEVC slice headers read
 * from the slice data VA hands over), skipping emulation prevention bytes
 * when asked, and counting positions in the raw bytes as the V4L2 controls
 * want them. Reading past the end never touches memory beyond the buffer:
 * it yields zeros and sets the overrun flag. */
#ifndef V4L2R_BITREADER_H
#define V4L2R_BITREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct v4l2r_bitreader {
	const uint8_t *data;
	size_t size;
	size_t pos;		/* next raw byte */
	unsigned bit;		/* bits of data[pos] already consumed (0..7) */
	unsigned zeros;		/* zero bytes just consumed (for 00 00 03) */
	size_t epb;		/* emulation prevention bytes skipped */
	bool skip_epb;
	bool overrun;
};

void v4l2r_br_init(struct v4l2r_bitreader *br, const uint8_t *data,
		   size_t size, bool skip_epb);
/* n <= 32 bits, unsigned. */
uint32_t v4l2r_br_u(struct v4l2r_bitreader *br, unsigned n);
static inline bool v4l2r_br_flag(struct v4l2r_bitreader *br)
{
	return v4l2r_br_u(br, 1) != 0;
}
/* Exp-Golomb. Codes longer than 32 bits set overrun and give 0. */
uint32_t v4l2r_br_ue(struct v4l2r_bitreader *br);
int32_t v4l2r_br_se(struct v4l2r_bitreader *br);
void v4l2r_br_skip(struct v4l2r_bitreader *br, size_t n);
bool v4l2r_br_byte_aligned(const struct v4l2r_bitreader *br);
/* Bits consumed, counted in the raw bytes (emulation prevention bytes
 * included). */
size_t v4l2r_br_raw_bits(const struct v4l2r_bitreader *br);
/* Bits consumed in the RBSP (emulation prevention bytes excluded). */
size_t v4l2r_br_rbsp_bits(const struct v4l2r_bitreader *br);
/* Bits left in the raw data (the caller may check before a long read). */
size_t v4l2r_br_left(const struct v4l2r_bitreader *br);

#endif
