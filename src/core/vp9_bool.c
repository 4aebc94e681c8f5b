/* VP9 boolean decoder (spec 9.2), one bit at a time as the spec states it:
 * the compressed header is small, and this form cannot read ahead. */
#include "v4l2r/vp9.h"

static unsigned next_bit(struct v4l2r_vp9_bool *bd)
{
	if (bd->bit_pos >= bd->size * 8) {
		bd->overrun = true;
		return 0;
	}
	unsigned bit = bd->data[bd->bit_pos / 8] >> (7 - bd->bit_pos % 8) & 1;
	bd->bit_pos++;
	return bit;
}

bool v4l2r_vp9_bool_init(struct v4l2r_vp9_bool *bd, const uint8_t *data,
			 size_t size)
{
	*bd = (struct v4l2r_vp9_bool){ .data = data, .size = size, .range = 255 };
	if (!size)
		return false;
	for (int i = 0; i < 8; i++)
		bd->value = bd->value << 1 | next_bit(bd);
	return !v4l2r_vp9_bool_read(bd, 128);
}

bool v4l2r_vp9_bool_read(struct v4l2r_vp9_bool *bd, uint8_t prob)
{
	uint32_t split = 1 + (((bd->range - 1) * prob) >> 8);
	bool bit = bd->value >= split;

	if (bit) {
		bd->range -= split;
		bd->value -= split;
	} else {
		bd->range = split;
	}
	while (bd->range < 128) {
		bd->value = bd->value << 1 | next_bit(bd);
		bd->range <<= 1;
	}
	return bit;
}

unsigned v4l2r_vp9_bool_literal(struct v4l2r_vp9_bool *bd, unsigned n)
{
	unsigned v = 0;

	while (n--)
		v = v << 1 | v4l2r_vp9_bool_read(bd, 128);
	return v;
}
