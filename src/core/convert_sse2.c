/* SSE2 untiling (baseline on x86-64). The bulk goes 16 bytes at a time;
 * partial tiles at the right and bottom edges go through the C reference,
 * so both give the same bytes and touch the same memory. */
#if defined(__x86_64__)
#include <emmintrin.h>
#include <string.h>

#include "convert_kernels.h"

#define LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define STORE(p, v) _mm_storeu_si128((__m128i *)(void *)(p), (v))

/* Tile by tile: each 1 KiB tile is read in order, which beats gathering
 * 32 bytes from every tile of a row for each output row. */
static void untile_32x32_sse2(uint8_t *dst, size_t dst_stride,
			      const uint8_t *src, size_t src_stride,
			      size_t width_bytes, size_t height)
{
	size_t tiles = width_bytes / 32, full_h = height / 32 * 32;

	for (size_t y = 0; y < full_h; y += 32) {
		const uint8_t *s = src + y * src_stride;
		uint8_t *d = dst + y * dst_stride;

		for (size_t t = 0; t < tiles; t++, s += 1024, d += 32)
			for (size_t r = 0; r < 32; r++) {
				__m128i a = LOAD(s + r * 32);
				__m128i b = LOAD(s + r * 32 + 16);

				STORE(d + r * dst_stride, a);
				STORE(d + r * dst_stride + 16, b);
			}
	}
	if (tiles * 32 < width_bytes)
		v4l2r_untile_c(dst + tiles * 32, dst_stride, src + tiles * 1024,
			       src_stride, width_bytes - tiles * 32, full_h,
			       32, 32);
	if (full_h < height)
		v4l2r_untile_c(dst + full_h * dst_stride, dst_stride,
			       src + full_h * src_stride, src_stride,
			       width_bytes, height - full_h, 32, 32);
}

/* Four 4x4 tiles (64 bytes, each a row per 32-bit lane) become four
 * 16-byte rows: a 4x4 transpose of 32-bit words. */
static void untile_4x4_sse2(uint8_t *dst, size_t dst_stride,
			    const uint8_t *src, size_t src_stride,
			    size_t width_bytes, size_t height)
{
	size_t groups = width_bytes / 16, full_h = height / 4 * 4;

	for (size_t y = 0; y < full_h; y += 4) {
		const uint8_t *s = src + y * src_stride;
		uint8_t *d = dst + y * dst_stride;

		for (size_t g = 0; g < groups; g++, s += 64, d += 16) {
			__m128i t0 = LOAD(s), t1 = LOAD(s + 16);
			__m128i t2 = LOAD(s + 32), t3 = LOAD(s + 48);
			__m128i r01a = _mm_unpacklo_epi32(t0, t1);
			__m128i r01b = _mm_unpacklo_epi32(t2, t3);
			__m128i r23a = _mm_unpackhi_epi32(t0, t1);
			__m128i r23b = _mm_unpackhi_epi32(t2, t3);

			STORE(d, _mm_unpacklo_epi64(r01a, r01b));
			STORE(d + dst_stride, _mm_unpackhi_epi64(r01a, r01b));
			STORE(d + 2 * dst_stride,
			      _mm_unpacklo_epi64(r23a, r23b));
			STORE(d + 3 * dst_stride,
			      _mm_unpackhi_epi64(r23a, r23b));
		}
	}
	if (groups * 16 < width_bytes)
		v4l2r_untile_c(dst + groups * 16, dst_stride, src + groups * 64,
			       src_stride, width_bytes - groups * 16, full_h,
			       4, 4);
	if (full_h < height)
		v4l2r_untile_c(dst + full_h * dst_stride, dst_stride,
			       src + full_h * src_stride, src_stride,
			       width_bytes, height - full_h, 4, 4);
}

/* Two 8x4 tiles (64 bytes, two rows per register) become four 16-byte
 * rows by pairing their 64-bit halves. */
static void untile_8x4_sse2(uint8_t *dst, size_t dst_stride,
			    const uint8_t *src, size_t src_stride,
			    size_t width_bytes, size_t height)
{
	size_t pairs = width_bytes / 16, full_h = height / 4 * 4;

	for (size_t y = 0; y < full_h; y += 4) {
		const uint8_t *s = src + y * src_stride;
		uint8_t *d = dst + y * dst_stride;

		for (size_t p = 0; p < pairs; p++, s += 64, d += 16) {
			__m128i a01 = LOAD(s), a23 = LOAD(s + 16);
			__m128i b01 = LOAD(s + 32), b23 = LOAD(s + 48);

			STORE(d, _mm_unpacklo_epi64(a01, b01));
			STORE(d + dst_stride, _mm_unpackhi_epi64(a01, b01));
			STORE(d + 2 * dst_stride, _mm_unpacklo_epi64(a23, b23));
			STORE(d + 3 * dst_stride, _mm_unpackhi_epi64(a23, b23));
		}
	}
	if (pairs * 16 < width_bytes)
		v4l2r_untile_c(dst + pairs * 16, dst_stride, src + pairs * 64,
			       src_stride, width_bytes - pairs * 16, full_h,
			       8, 4);
	if (full_h < height)
		v4l2r_untile_c(dst + full_h * dst_stride, dst_stride,
			       src + full_h * src_stride, src_stride,
			       width_bytes, height - full_h, 8, 4);
}

static inline __m128i nv15_pair_sse2(const uint8_t *src)
{
	uint64_t lo, hi;
	__m128i x, p;

	memcpy(&lo, src, 8);
	memcpy(&hi, src + 5, 8);
	x = _mm_set_epi64x((long long)hi, (long long)lo);
	p = _mm_and_si128(_mm_slli_epi64(x, NV15_SHIFT(0)),
			  _mm_set1_epi64x((long long)NV15_MASK(0)));
	p = _mm_or_si128(p, _mm_and_si128(_mm_slli_epi64(x, NV15_SHIFT(1)),
					  _mm_set1_epi64x((long long)NV15_MASK(1))));
	p = _mm_or_si128(p, _mm_and_si128(_mm_slli_epi64(x, NV15_SHIFT(2)),
					  _mm_set1_epi64x((long long)NV15_MASK(2))));
	return _mm_or_si128(p, _mm_and_si128(_mm_slli_epi64(x, NV15_SHIFT(3)),
					     _mm_set1_epi64x((long long)NV15_MASK(3))));
}

/* Two groups (8 samples) a step, the last ones through the C reference. */
static void unpack_nv15_row_sse2(uint8_t *dst, const uint8_t *src,
				 size_t samples)
{
	size_t pairs = nv15_simd_pairs(samples);

	for (size_t i = 0; i < pairs; i++, src += 10, dst += 16)
		STORE(dst, nv15_pair_sse2(src));
	v4l2r_unpack_nv15_row(dst, src, samples - pairs * 8);
}

static inline void nv15_two_rows_sse2(uint8_t *row0, uint8_t *row1,
				      const uint8_t *src)
{
	__m128i p = nv15_pair_sse2(src);

	_mm_storel_epi64((__m128i *)(void *)row0, p);
	_mm_storel_epi64((__m128i *)(void *)row1, _mm_unpackhi_epi64(p, p));
}

static void unpack_nv15_4l4_sse2(uint8_t *dst, size_t dst_stride,
				  const uint8_t *src, size_t src_stride,
				  size_t width_bytes, size_t height)
{
	v4l2r_unpack_nv15_4l4_simd(dst, dst_stride, src, src_stride,
				   width_bytes, height, nv15_two_rows_sse2);
}

const struct v4l2r_convert_kernels v4l2r_convert_kernels_sse2 = {
	.name = "sse2",
	.untile_32x32 = untile_32x32_sse2,
	.untile_4x4 = untile_4x4_sse2,
	.untile_8x4 = untile_8x4_sse2,
	.unpack_nv15_row = unpack_nv15_row_sse2,
	.unpack_nv15_4l4 = unpack_nv15_4l4_sse2,
};
#endif
