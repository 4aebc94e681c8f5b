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

struct v4l2r_convert_kernels {
	const char *name;
	v4l2r_untile_fn untile_32x32;	/* NV12_32L32: 32 bytes x 32 rows */
	v4l2r_untile_fn untile_4x4;	/* NV12_4L4: 4 bytes x 4 rows */
	v4l2r_untile_fn untile_8x4;	/* P010_4L4: 4 16-bit samples x 4 rows */
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

/* NV15 row (four 10-bit samples in five little-endian bytes) to a P010
 * row (16-bit little-endian samples, value in the 10 high bits). Reads only
 * the ceil(samples * 10 / 8) bytes those samples occupy. */
void v4l2r_unpack_nv15_row(uint8_t *dst, const uint8_t *src, size_t samples);

#endif
