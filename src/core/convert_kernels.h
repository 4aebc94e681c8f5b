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

/* NV15_4L4 tiles of a row of `samples` a SIMD loop may take as two pairs
 * of rows (rows 0-1 and 2-3, each pair loaded as above): the second load
 * reads 3 bytes past its tile, so a tile is taken only when whole and
 * followed by a tile the row uses (rows of tiles are whole in memory). */
static inline size_t nv15_4l4_simd_tiles(size_t samples)
{
	/* every tile the row uses but the last, which may be partial */
	return samples ? (samples - 1) / 4 : 0;
}

#endif
