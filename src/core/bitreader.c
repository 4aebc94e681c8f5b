#include "v4l2r/bitreader.h"

void v4l2r_br_init(struct v4l2r_bitreader *br, const uint8_t *data,
		   size_t size, bool skip_epb)
{
	*br = (struct v4l2r_bitreader){
		.data = data, .size = size, .skip_epb = skip_epb,
	};
}

/* Steps over an emulation prevention byte (00 00 03) before reading the
 * byte at br->pos, and keeps count of zero bytes consumed. */
static void enter_byte(struct v4l2r_bitreader *br)
{
	if (br->skip_epb && br->zeros >= 2 && br->pos < br->size &&
	    br->data[br->pos] == 0x03) {
		br->pos++;
		br->epb++;
		br->zeros = 0;
	}
}

static unsigned read_bit(struct v4l2r_bitreader *br)
{
	if (br->bit == 0)
		enter_byte(br);
	if (br->pos >= br->size) {
		br->overrun = true;
		return 0;
	}
	unsigned v = (br->data[br->pos] >> (7 - br->bit)) & 1;
	if (++br->bit == 8) {
		br->zeros = br->data[br->pos] == 0 ? br->zeros + 1 : 0;
		br->bit = 0;
		br->pos++;
	}
	return v;
}

uint32_t v4l2r_br_u(struct v4l2r_bitreader *br, unsigned n)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < n && i < 32; i++)
		v = (v << 1) | read_bit(br);
	return br->overrun ? 0 : v;
}

uint32_t v4l2r_br_ue(struct v4l2r_bitreader *br)
{
	unsigned leading = 0;
	while (read_bit(br) == 0) {
		if (br->overrun || ++leading > 31) {
			br->overrun = true;
			return 0;
		}
	}
	if (leading == 0)
		return 0;
	/* At most 2^31 - 1 + 2^31 - 1: fits. */
	uint32_t v = ((uint32_t)1 << leading) - 1 + v4l2r_br_u(br, leading);
	return br->overrun ? 0 : v;
}

int32_t v4l2r_br_se(struct v4l2r_bitreader *br)
{
	uint32_t k = v4l2r_br_ue(br);
	/* k = 2|v| - (v > 0) */
	return (k & 1) ? (int32_t)((k >> 1) + 1) : -(int32_t)(k >> 1);
}

void v4l2r_br_skip(struct v4l2r_bitreader *br, size_t n)
{
	while (n-- && !br->overrun)
		read_bit(br);
}

bool v4l2r_br_byte_aligned(const struct v4l2r_bitreader *br)
{
	return br->bit == 0;
}

size_t v4l2r_br_raw_bits(const struct v4l2r_bitreader *br)
{
	return br->pos * 8 + br->bit;
}

size_t v4l2r_br_rbsp_bits(const struct v4l2r_bitreader *br)
{
	return (br->pos - br->epb) * 8 + br->bit;
}

size_t v4l2r_br_left(const struct v4l2r_bitreader *br)
{
	return br->pos >= br->size ? 0 : (br->size - br->pos) * 8 - br->bit;
}
