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
};

static void put_p010(uint8_t *dst, unsigned sample)
{
	unsigned v = sample << 6;

	dst[0] = v & 0xff;
	dst[1] = v >> 8;
}

void v4l2r_unpack_nv15_row(uint8_t *dst, const uint8_t *src, size_t samples)
{
	for (size_t done = 0; done < samples; done += 4, src += 5, dst += 8) {
		size_t n = samples - done < 4 ? samples - done : 4;
		uint64_t bits = 0;

		/* A short last group ends in byte 1, 2 or 3: read no further. */
		for (size_t b = 0; b < (n * 10 + 7) / 8; b++)
			bits |= (uint64_t)src[b] << (8 * b);
		for (size_t i = 0; i < n; i++)
			put_p010(dst + 2 * i, (bits >> (10 * i)) & 0x3ff);
	}
}
