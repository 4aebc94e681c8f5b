#include <string.h>

#include "convert_kernels.h"

/* Inlined into each fixed-size kernel so the compiler sees constant tile
 * sizes and turns the memcpy calls into plain moves. */
static inline __attribute__((always_inline)) void
untile(uint8_t *dst, size_t dst_stride, const uint8_t *src, size_t src_stride,
       size_t width_bytes, size_t height, size_t tile_w, size_t tile_h)
{
	size_t full = width_bytes / tile_w, rest = width_bytes % tile_w;

	for (size_t y = 0; y < height; y++) {
		const uint8_t *s = src + (y / tile_h) * src_stride * tile_h +
				   (y % tile_h) * tile_w;
		uint8_t *d = dst + y * dst_stride;

		for (size_t t = 0; t < full; t++)
			memcpy(d + t * tile_w, s + t * tile_w * tile_h, tile_w);
		if (rest)
			memcpy(d + full * tile_w, s + full * tile_w * tile_h,
			       rest);
	}
}

void v4l2r_untile_c(uint8_t *dst, size_t dst_stride, const uint8_t *src,
		    size_t src_stride, size_t width_bytes, size_t height,
		    size_t tile_w_bytes, size_t tile_h)
{
	untile(dst, dst_stride, src, src_stride, width_bytes, height,
	       tile_w_bytes, tile_h);
}

static void untile_32x32_c(uint8_t *dst, size_t dst_stride,
			   const uint8_t *src, size_t src_stride,
			   size_t width_bytes, size_t height)
{
	untile(dst, dst_stride, src, src_stride, width_bytes, height, 32, 32);
}

static void untile_4x4_c(uint8_t *dst, size_t dst_stride, const uint8_t *src,
			 size_t src_stride, size_t width_bytes, size_t height)
{
	untile(dst, dst_stride, src, src_stride, width_bytes, height, 4, 4);
}

static void untile_8x4_c(uint8_t *dst, size_t dst_stride, const uint8_t *src,
			 size_t src_stride, size_t width_bytes, size_t height)
{
	untile(dst, dst_stride, src, src_stride, width_bytes, height, 8, 4);
}

const struct v4l2r_convert_kernels v4l2r_convert_kernels_c = {
	.name = "c",
	.untile_32x32 = untile_32x32_c,
	.untile_4x4 = untile_4x4_c,
	.untile_8x4 = untile_8x4_c,
	.unpack_nv15_row = v4l2r_unpack_nv15_row,
	.unpack_nv15_4l4 = v4l2r_unpack_nv15_4l4,
};

/* Sample i of a group sits in bits 10i..10i+9 of the little-endian
 * group; P010 keeps it in the high bits of a little-endian word. */
static inline void put_samples(uint8_t *dst, uint64_t bits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = (unsigned)(bits >> (10 * i) & 0x3ff) << 6;

		dst[2 * i] = v & 0xff;
		dst[2 * i + 1] = v >> 8;
	}
}

static inline uint64_t load_le(const uint8_t *src, size_t bytes)
{
	uint64_t bits = 0;

	for (size_t b = 0; b < bytes; b++)
		bits |= (uint64_t)src[b] << (8 * b);
	return bits;
}

void v4l2r_unpack_nv15_row(uint8_t *dst, const uint8_t *src, size_t samples)
{
	size_t groups = samples / 4, rest = samples % 4;

	/* Constant sizes here let the compiler unroll the full groups. */
	for (size_t g = 0; g < groups; g++, src += 5, dst += 8)
		put_samples(dst, load_le(src, 5), 4);
	/* A short last group ends in byte 1, 2 or 3: read no further. */
	if (rest)
		put_samples(dst, load_le(src, (rest * 10 + 7) / 8), rest);
}

void v4l2r_unpack_nv15_4l4(uint8_t *dst, size_t dst_stride,
			   const uint8_t *src, size_t src_stride,
			   size_t width_bytes, size_t height)
{
	size_t samples = width_bytes / 2, tiles = samples / 4, rest = samples % 4;

	for (size_t y = 0; y < height; y++) {
		const uint8_t *s = src + (y / 4) * src_stride * 4 + (y % 4) * 5;
		uint8_t *d = dst + y * dst_stride;

		for (size_t t = 0; t < tiles; t++)
			put_samples(d + 8 * t, load_le(s + 20 * t, 5), 4);
		if (rest)
			put_samples(d + 8 * tiles,
				    load_le(s + 20 * tiles, (rest * 10 + 7) / 8),
				    rest);
	}
}
