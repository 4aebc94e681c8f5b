/* Pixel kernels behind v4l2r_convert_to_linear, each in a plain C reference
 * and, where it pays, SIMD versions that must give identical bytes. */
#ifndef V4L2R_CONVERT_KERNELS_H
#define V4L2R_CONVERT_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Copies the top-left width_bytes x height of a plane of tiles stored one
 * after the other (a row of tiles spans src_stride * tile height bytes)
 * into linear rows. Touches no source byte outside the tiles covering that
 * area and no destination byte outside it. */
typedef void (*v4l2r_untile_fn)(uint8_t *dst, size_t dst_stride,
				const uint8_t *src, size_t src_stride,
				size_t width_bytes, size_t height);

/* NV15 row (four 10-bit samples in five little-endian bytes) to a P010
 * row (16-bit little-endian samples, value in the 10 high bits). Reads only
 * the ceil(samples * 10 / 8) bytes those samples occupy. */
typedef void (*v4l2r_unpack_row_fn)(uint8_t *dst, const uint8_t *src,
				    size_t samples);

struct v4l2r_convert_kernels {
	const char *name;
	v4l2r_untile_fn untile_32x32;	/* NV12_32L32: 32 bytes x 32 rows */
	v4l2r_untile_fn untile_4x4;	/* NV12_4L4: 4 bytes x 4 rows */
	v4l2r_untile_fn untile_8x4;	/* P010_4L4: 4 16-bit samples x 4 rows */
	v4l2r_unpack_row_fn unpack_nv15_row;
	/* NV15_4L4 to P010: 4x4 tiles of samples stored one after the
	 * other, row r of a tile being one NV15 group (5 bytes, so 20 a
	 * tile); width_bytes counts P010 bytes. */
	v4l2r_untile_fn unpack_nv15_4l4;
};

extern const struct v4l2r_convert_kernels v4l2r_convert_kernels_c;
#if defined(__x86_64__)
extern const struct v4l2r_convert_kernels v4l2r_convert_kernels_sse2;
#endif
#if defined(__ARM_NEON) || defined(V4L2R_NEON_AT_RUNTIME)
extern const struct v4l2r_convert_kernels v4l2r_convert_kernels_neon;
#endif

/* The best kernels this CPU runs, or NULL when there are none but C. */
const struct v4l2r_convert_kernels *v4l2r_convert_kernels_simd(void);
/* What conversions use: the SIMD kernels unless V4L2R_NO_SIMD=1. */
const struct v4l2r_convert_kernels *v4l2r_convert_kernels_active(void);

/* Any tile size, the reference the fixed-size kernels are checked against
 * (tile_w_bytes, tile_h > 0). */
void v4l2r_untile_c(uint8_t *dst, size_t dst_stride, const uint8_t *src,
		    size_t src_stride, size_t width_bytes, size_t height,
		    size_t tile_w_bytes, size_t tile_h);

/* The C reference of unpack_nv15_row; the SIMD versions end with it. */
void v4l2r_unpack_nv15_row(uint8_t *dst, const uint8_t *src, size_t samples);
/* The C reference of unpack_nv15_4l4; the SIMD versions leave the edges
 * to it. */
void v4l2r_unpack_nv15_4l4(uint8_t *dst, size_t dst_stride,
			   const uint8_t *src, size_t src_stride,
			   size_t width_bytes, size_t height);

/* Two NV15 groups as the SIMD kernels hold them: a 64-bit lane each, the
 * group's 40 bits at the bottom (8 bytes read from its first byte, so 3
 * past the group's end must be readable). Each lane becomes four P010
 * words: sample i (bits 10i..10i+9) moves up by 6 + 6i bits into word i.
 * NV15_MASK(i) keeps word i's 10 high bits. */
#define NV15_MASK(i) (0xffc0ull << (16 * (i)))
#define NV15_SHIFT(i) (6 * ((i) + 1))
/* Full pairs of groups a SIMD loop may load so, for a row of `samples`:
 * the last 8-byte load stays within the row's bytes. */
static inline size_t nv15_simd_pairs(size_t samples)
{
	size_t bytes = (samples * 10 + 7) / 8;

	return bytes < 13 ? 0 : (bytes - 13) / 10 + 1;
}

/* Unpacks the NV15 groups at src and src + 5 (two rows of an NV15_4L4
 * tile, loaded as above) into 8 P010 bytes at row0 and at row1. */
typedef void (*v4l2r_nv15_two_rows_fn)(uint8_t *row0, uint8_t *row1,
				       const uint8_t *src);

/* The SIMD unpack_nv15_4l4 kernels, given their two_rows: tile by tile,
 * rows 0-1 and 2-3 a load each. The second load reads 3 bytes past its
 * tile, so a tile is taken only when whole and followed by a tile the row
 * uses (rows of tiles are whole in memory); the last tile of each row and
 * the rows below the last whole row of tiles go through the C reference.
 * Inlined, so that two_rows is too. */
static inline __attribute__((always_inline)) void
v4l2r_unpack_nv15_4l4_simd(uint8_t *dst, size_t dst_stride, const uint8_t *src,
			   size_t src_stride, size_t width_bytes, size_t height,
			   v4l2r_nv15_two_rows_fn two_rows)
{
	size_t samples = width_bytes / 2;
	size_t tiles = samples ? (samples - 1) / 4 : 0;
	size_t full_h = height / 4 * 4;

	for (size_t y = 0; y < full_h; y += 4) {
		const uint8_t *s = src + y * src_stride;
		uint8_t *d = dst + y * dst_stride;

		for (size_t t = 0; t < tiles; t++, s += 20, d += 8) {
			two_rows(d, d + dst_stride, s);
			two_rows(d + 2 * dst_stride, d + 3 * dst_stride, s + 10);
		}
	}
	v4l2r_unpack_nv15_4l4(dst + tiles * 8, dst_stride, src + tiles * 20,
			      src_stride, width_bytes - tiles * 8, full_h);
	if (full_h < height)
		v4l2r_unpack_nv15_4l4(dst + full_h * dst_stride, dst_stride,
				      src + full_h * src_stride, src_stride,
				      width_bytes, height - full_h);
}

#endif
