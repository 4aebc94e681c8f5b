/* NEON untiling for arm and aarch64, the twin of convert_sse2.c: the bulk
 * 16 bytes at a time, partial edge tiles through the C reference. */
#if defined(__ARM_NEON)
#include <arm_neon.h>
#include <string.h>

#include "convert_kernels.h"

/* Tile by tile, each 1 KiB tile read in order. */
static void untile_32x32_neon(uint8_t *dst, size_t dst_stride,
			      const uint8_t *src, size_t src_stride,
			      size_t width_bytes, size_t height)
{
	size_t tiles = width_bytes / 32, full_h = height / 32 * 32;

	for (size_t y = 0; y < full_h; y += 32) {
		const uint8_t *s = src + y * src_stride;
		uint8_t *d = dst + y * dst_stride;

		for (size_t t = 0; t < tiles; t++, s += 1024, d += 32)
			for (size_t r = 0; r < 32; r++) {
				uint8x16_t a = vld1q_u8(s + r * 32);
				uint8x16_t b = vld1q_u8(s + r * 32 + 16);

				vst1q_u8(d + r * dst_stride, a);
				vst1q_u8(d + r * dst_stride + 16, b);
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

/* Four 4x4 tiles, one row per 32-bit lane, transposed into four rows. */
static void untile_4x4_neon(uint8_t *dst, size_t dst_stride,
			    const uint8_t *src, size_t src_stride,
			    size_t width_bytes, size_t height)
{
	size_t groups = width_bytes / 16, full_h = height / 4 * 4;

	for (size_t y = 0; y < full_h; y += 4) {
		const uint8_t *s = src + y * src_stride;
		uint8_t *d = dst + y * dst_stride;

		for (size_t g = 0; g < groups; g++, s += 64, d += 16) {
			uint32x4x2_t ab = vtrnq_u32(
				vreinterpretq_u32_u8(vld1q_u8(s)),
				vreinterpretq_u32_u8(vld1q_u8(s + 16)));
			uint32x4x2_t cd = vtrnq_u32(
				vreinterpretq_u32_u8(vld1q_u8(s + 32)),
				vreinterpretq_u32_u8(vld1q_u8(s + 48)));

			/* ab.val[0] = a0 b0 a2 b2, ab.val[1] = a1 b1 a3 b3 */
			vst1q_u8(d, vreinterpretq_u8_u32(vcombine_u32(
				vget_low_u32(ab.val[0]),
				vget_low_u32(cd.val[0]))));
			vst1q_u8(d + dst_stride,
				 vreinterpretq_u8_u32(vcombine_u32(
					 vget_low_u32(ab.val[1]),
					 vget_low_u32(cd.val[1]))));
			vst1q_u8(d + 2 * dst_stride,
				 vreinterpretq_u8_u32(vcombine_u32(
					 vget_high_u32(ab.val[0]),
					 vget_high_u32(cd.val[0]))));
			vst1q_u8(d + 3 * dst_stride,
				 vreinterpretq_u8_u32(vcombine_u32(
					 vget_high_u32(ab.val[1]),
					 vget_high_u32(cd.val[1]))));
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

/* Two 8x4 tiles, two rows per register, paired by 64-bit halves. */
static void untile_8x4_neon(uint8_t *dst, size_t dst_stride,
			    const uint8_t *src, size_t src_stride,
			    size_t width_bytes, size_t height)
{
	size_t pairs = width_bytes / 16, full_h = height / 4 * 4;

	for (size_t y = 0; y < full_h; y += 4) {
		const uint8_t *s = src + y * src_stride;
		uint8_t *d = dst + y * dst_stride;

		for (size_t p = 0; p < pairs; p++, s += 64, d += 16) {
			uint8x16_t a01 = vld1q_u8(s), a23 = vld1q_u8(s + 16);
			uint8x16_t b01 = vld1q_u8(s + 32);
			uint8x16_t b23 = vld1q_u8(s + 48);

			vst1q_u8(d, vcombine_u8(vget_low_u8(a01),
						vget_low_u8(b01)));
			vst1q_u8(d + dst_stride,
				 vcombine_u8(vget_high_u8(a01),
					     vget_high_u8(b01)));
			vst1q_u8(d + 2 * dst_stride,
				 vcombine_u8(vget_low_u8(a23),
					     vget_low_u8(b23)));
			vst1q_u8(d + 3 * dst_stride,
				 vcombine_u8(vget_high_u8(a23),
					     vget_high_u8(b23)));
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

static inline uint64x2_t nv15_pair_neon(const uint8_t *src)
{
	uint64_t lo, hi;
	uint64x2_t x, p;

	memcpy(&lo, src, 8);
	memcpy(&hi, src + 5, 8);
	x = vcombine_u64(vcreate_u64(lo), vcreate_u64(hi));
	p = vandq_u64(vshlq_n_u64(x, NV15_SHIFT(0)), vdupq_n_u64(NV15_MASK(0)));
	p = vorrq_u64(p, vandq_u64(vshlq_n_u64(x, NV15_SHIFT(1)),
				   vdupq_n_u64(NV15_MASK(1))));
	p = vorrq_u64(p, vandq_u64(vshlq_n_u64(x, NV15_SHIFT(2)),
				   vdupq_n_u64(NV15_MASK(2))));
	return vorrq_u64(p, vandq_u64(vshlq_n_u64(x, NV15_SHIFT(3)),
				      vdupq_n_u64(NV15_MASK(3))));
}

/* Two groups (8 samples) a step, the last ones through the C reference. */
static void unpack_nv15_row_neon(uint8_t *dst, const uint8_t *src,
				 size_t samples)
{
	size_t pairs = nv15_simd_pairs(samples);

	for (size_t i = 0; i < pairs; i++, src += 10, dst += 16)
		vst1q_u8(dst, vreinterpretq_u8_u64(nv15_pair_neon(src)));
	v4l2r_unpack_nv15_row(dst, src, samples - pairs * 8);
}

static inline void nv15_two_rows_neon(uint8_t *row0, uint8_t *row1,
				      const uint8_t *src)
{
	uint64x2_t p = nv15_pair_neon(src);

	/* byte stores: the rows need not be 8-byte aligned (armhf faults
	 * on a 64-bit store that is not) */
	vst1_u8(row0, vreinterpret_u8_u64(vget_low_u64(p)));
	vst1_u8(row1, vreinterpret_u8_u64(vget_high_u64(p)));
}

static void unpack_nv15_4l4_neon(uint8_t *dst, size_t dst_stride,
				  const uint8_t *src, size_t src_stride,
				  size_t width_bytes, size_t height)
{
	v4l2r_unpack_nv15_4l4_simd(dst, dst_stride, src, src_stride,
				   width_bytes, height, nv15_two_rows_neon);
}

const struct v4l2r_convert_kernels v4l2r_convert_kernels_neon = {
	.name = "neon",
	.untile_32x32 = untile_32x32_neon,
	.untile_4x4 = untile_4x4_neon,
	.untile_8x4 = untile_8x4_neon,
	.unpack_nv15_row = unpack_nv15_row_neon,
	.unpack_nv15_4l4 = unpack_nv15_4l4_neon,
};
#endif
