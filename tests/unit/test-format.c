/* Format table consistency, V4L2 <-> VA <-> DRM round trips, and the
 * layouts computed for client images and device buffers. */
#include <check.h>

#include "unit.h"
#include <errno.h>
#include <stdlib.h>

#include <linux/videodev2.h>

#include "v4l2r/format.h"

/* Spelled out from <va/va.h> and <drm/drm_fourcc.h>, which the core
 * does not include either. */
#define VA_NV12 0x3231564e
#define VA_I420 0x30323449
#define VA_P010 0x30313050
#define VA_RT_YUV420 0x1
#define VA_RT_YUV420_10 0x100
#define DRM_NV12 0x3231564e
#define DRM_YUV420 0x32315559
#define DRM_P010 0x30313050
#define DRM_NV15 0x3531564e
#define MOD_LINEAR 0ULL
#define MOD_INVALID 0x00ffffffffffffffULL
#define MOD_ALLWINNER_TILED 0x0900000000000001ULL
#define FMT_NV15 v4l2_fourcc('N', 'V', '1', '5')
#define FMT_NV15_4L4 v4l2_fourcc('V', 'T', '1', '5')

static const struct v4l2r_format_desc *fmt(uint32_t v4l2_fourcc)
{
	const struct v4l2r_format_desc *d = v4l2r_format_by_v4l2(v4l2_fourcc);

	ck_assert_ptr_nonnull(d);
	return d;
}

START_TEST(rows_consistent)
{
	unsigned n = 0;

	for (const struct v4l2r_format_desc *d; (d = v4l2r_format_at(n)); n++) {
		const struct v4l2r_format_desc *lin =
			v4l2r_format_by_v4l2(d->linear_fourcc);

		ck_assert_ptr_nonnull(d->name);
		ck_assert_ptr_eq(v4l2r_format_by_v4l2(d->v4l2_fourcc), d);
		ck_assert(d->num_planes == 2 || d->num_planes == 3);
		ck_assert(d->mem_planes == 1 ||
			  d->mem_planes == d->num_planes);
		ck_assert_uint_eq(d->chroma_hsub, 2);
		ck_assert_uint_eq(d->chroma_vsub, 2);
		ck_assert_uint_ne(d->row_den, 0);
		ck_assert_int_eq(!d->tile_w, !d->tile_h);
		ck_assert_uint_ne(d->drm_fourcc, 0);
		if (d->bit_depth == 8) {
			ck_assert_uint_eq(d->row_num, d->row_den);
			ck_assert_uint_eq(d->va_rt_format, VA_RT_YUV420);
		} else {
			ck_assert_uint_eq(d->bit_depth, 10);
			ck_assert_uint_eq(d->va_rt_format, VA_RT_YUV420_10);
		}

		/* The conversion target is a linear row of the same kind,
		 * and its own target. */
		ck_assert_ptr_nonnull(lin);
		ck_assert_uint_eq(lin->tile_w, 0);
		ck_assert_uint_eq(lin->num_planes, d->num_planes);
		ck_assert_uint_eq(lin->bit_depth, d->bit_depth);
		ck_assert_uint_eq(lin->linear_fourcc, lin->v4l2_fourcc);
		ck_assert_uint_ne(lin->va_fourcc, 0);
		if (!d->tile_w && d->row_num == lin->row_num)
			ck_assert_ptr_eq(lin, d);

		/* Tiled and packed pictures are no VA image format. */
		if (d->tile_w || d->row_num * 4 == d->row_den * 5)
			ck_assert_uint_eq(d->va_fourcc, 0);
		else
			ck_assert_uint_ne(d->va_fourcc, 0);
		/* Linear rows export with the linear modifier. */
		if (!d->tile_w)
			ck_assert_uint_eq(d->drm_modifier, MOD_LINEAR);
	}
	ck_assert_uint_eq(n, 10);
	ck_assert_ptr_null(v4l2r_format_at(n));
}
END_TEST

START_TEST(round_trips)
{
	for (unsigned i = 0; v4l2r_format_at(i); i++) {
		const struct v4l2r_format_desc *d = v4l2r_format_at(i);

		if (d->va_fourcc) {
			const struct v4l2r_format_desc *v =
				v4l2r_format_by_va(d->va_fourcc);

			ck_assert_ptr_nonnull(v);
			ck_assert_uint_eq(v->va_fourcc, d->va_fourcc);
			/* the single-buffer twin comes first */
			ck_assert_uint_eq(v->mem_planes, 1);
			ck_assert_uint_eq(v->num_planes, d->num_planes);
			ck_assert_uint_eq(v->va_rt_format, d->va_rt_format);
		}
		if (d->drm_modifier != MOD_INVALID) {
			const struct v4l2r_format_desc *r =
				v4l2r_format_by_drm(d->drm_fourcc,
						    d->drm_modifier);

			ck_assert_ptr_nonnull(r);
			ck_assert_uint_eq(r->drm_fourcc, d->drm_fourcc);
			ck_assert(r->drm_modifier == d->drm_modifier);
			ck_assert_uint_eq(r->mem_planes, 1);
		}
	}

	ck_assert_uint_eq(fmt(V4L2_PIX_FMT_NV12)->va_fourcc, VA_NV12);
	ck_assert_uint_eq(fmt(V4L2_PIX_FMT_YUV420)->va_fourcc, VA_I420);
	ck_assert_uint_eq(fmt(V4L2_PIX_FMT_P010)->va_fourcc, VA_P010);
	ck_assert_ptr_eq(v4l2r_format_by_va(VA_NV12), fmt(V4L2_PIX_FMT_NV12));
	ck_assert_ptr_eq(v4l2r_format_by_va(VA_I420),
			 fmt(V4L2_PIX_FMT_YUV420));
	ck_assert_ptr_eq(v4l2r_format_by_va(VA_P010), fmt(V4L2_PIX_FMT_P010));

	ck_assert_ptr_eq(v4l2r_format_by_drm(DRM_NV12, MOD_LINEAR),
			 fmt(V4L2_PIX_FMT_NV12));
	ck_assert_ptr_eq(v4l2r_format_by_drm(DRM_NV12, MOD_ALLWINNER_TILED),
			 fmt(V4L2_PIX_FMT_NV12_32L32));
	ck_assert_ptr_eq(v4l2r_format_by_drm(DRM_YUV420, MOD_LINEAR),
			 fmt(V4L2_PIX_FMT_YUV420));
	ck_assert_ptr_eq(v4l2r_format_by_drm(DRM_P010, MOD_LINEAR),
			 fmt(V4L2_PIX_FMT_P010));
	ck_assert_ptr_eq(v4l2r_format_by_drm(DRM_NV15, MOD_LINEAR),
			 fmt(FMT_NV15));

	ck_assert(fmt(V4L2_PIX_FMT_NV12_4L4)->drm_modifier == MOD_INVALID);
	ck_assert(fmt(V4L2_PIX_FMT_P010_4L4)->drm_modifier == MOD_INVALID);
	/* no DRM modifier describes 4x4 tiles of NV15 groups */
	ck_assert(fmt(FMT_NV15_4L4)->drm_modifier == MOD_INVALID);
	ck_assert_uint_eq(fmt(FMT_NV15_4L4)->linear_fourcc, V4L2_PIX_FMT_P010);
	ck_assert_uint_eq(fmt(FMT_NV15_4L4)->va_rt_format, VA_RT_YUV420_10);
	ck_assert_uint_eq(fmt(V4L2_PIX_FMT_NV12_32L32)->linear_fourcc,
			  V4L2_PIX_FMT_NV12);
	ck_assert_uint_eq(fmt(V4L2_PIX_FMT_NV12_4L4)->linear_fourcc,
			  V4L2_PIX_FMT_NV12);
	ck_assert_uint_eq(fmt(V4L2_PIX_FMT_P010_4L4)->linear_fourcc,
			  V4L2_PIX_FMT_P010);
	ck_assert_uint_eq(fmt(FMT_NV15)->linear_fourcc, V4L2_PIX_FMT_P010);
}
END_TEST

START_TEST(unknown_lookups)
{
	ck_assert_ptr_null(v4l2r_format_by_v4l2(V4L2_PIX_FMT_YUYV));
	ck_assert_ptr_null(v4l2r_format_by_v4l2(0));
	ck_assert_ptr_null(v4l2r_format_by_va(0));
	ck_assert_ptr_null(v4l2r_format_by_va(0x32595559));	/* YUY2 */
	ck_assert_ptr_null(v4l2r_format_by_drm(DRM_NV12, MOD_INVALID));
	ck_assert_ptr_null(v4l2r_format_by_drm(0, MOD_LINEAR));
	ck_assert_ptr_null(v4l2r_format_by_drm(DRM_NV12, 0x0100000000000001ULL));
	ck_assert_ptr_null(v4l2r_format_by_name("YUYV"));
	ck_assert_ptr_null(v4l2r_format_by_name(""));
	ck_assert_ptr_null(v4l2r_format_by_name(NULL));
}
END_TEST

/* LIBVA_V4L2_REQUEST_CAPTURE_FORMAT names formats so, in any case. */
START_TEST(name_lookups)
{
	ck_assert_ptr_eq(v4l2r_format_by_name("P010_4L4"),
			 fmt(V4L2_PIX_FMT_P010_4L4));
	ck_assert_ptr_eq(v4l2r_format_by_name("p010"), fmt(V4L2_PIX_FMT_P010));
	ck_assert_ptr_eq(v4l2r_format_by_name("NV15"), fmt(FMT_NV15));
	ck_assert_ptr_eq(v4l2r_format_by_name("nv12"), fmt(V4L2_PIX_FMT_NV12));
}
END_TEST

static void assert_plane(const struct v4l2r_layout *l, unsigned p,
			 unsigned mem_plane, uint32_t offset, uint32_t stride,
			 uint32_t size)
{
	ck_assert_uint_eq(l->plane[p].mem_plane, mem_plane);
	ck_assert_uint_eq(l->plane[p].offset, offset);
	ck_assert_uint_eq(l->plane[p].stride, stride);
	ck_assert_uint_eq(l->plane[p].size, size);
}

START_TEST(linear_layouts)
{
	struct v4l2r_layout l;

	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_NV12), 200, 120,
					     &l), 0);
	ck_assert_uint_eq(l.num_planes, 2);
	ck_assert_uint_eq(l.mem_planes, 1);
	ck_assert_uint_eq(l.width, 200);
	ck_assert_uint_eq(l.height, 120);
	assert_plane(&l, 0, 0, 0, 200, 24000);
	assert_plane(&l, 1, 0, 24000, 200, 12000);
	ck_assert_uint_eq(l.mem_size[0], 36000);

	/* Odd sizes round the chroma up. */
	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_NV12), 1, 1, &l),
			 0);
	assert_plane(&l, 0, 0, 0, 1, 1);
	assert_plane(&l, 1, 0, 1, 2, 2);
	ck_assert_uint_eq(l.mem_size[0], 3);

	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_YUV420), 201,
					     121, &l), 0);
	assert_plane(&l, 0, 0, 0, 201, 201 * 121);
	assert_plane(&l, 1, 0, 201 * 121, 101, 101 * 61);
	assert_plane(&l, 2, 0, 201 * 121 + 101 * 61, 101, 101 * 61);
	ck_assert_uint_eq(l.mem_size[0], 201 * 121 + 2 * 101 * 61);

	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_NV12M), 200,
					     120, &l), 0);
	ck_assert_uint_eq(l.mem_planes, 2);
	assert_plane(&l, 0, 0, 0, 200, 24000);
	assert_plane(&l, 1, 1, 0, 200, 12000);
	ck_assert_uint_eq(l.mem_size[0], 24000);
	ck_assert_uint_eq(l.mem_size[1], 12000);

	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_P010), 1, 1, &l),
			 0);
	assert_plane(&l, 0, 0, 0, 2, 2);
	assert_plane(&l, 1, 0, 2, 4, 4);

	/* NV15: 4 samples in 5 bytes, a partial group rounds up. */
	ck_assert_int_eq(v4l2r_layout_linear(fmt(FMT_NV15), 200, 120, &l), 0);
	assert_plane(&l, 0, 0, 0, 250, 250 * 120);
	assert_plane(&l, 1, 0, 250 * 120, 250, 250 * 60);
	ck_assert_int_eq(v4l2r_layout_linear(fmt(FMT_NV15), 1, 1, &l), 0);
	assert_plane(&l, 0, 0, 0, 2, 2);
	assert_plane(&l, 1, 0, 2, 3, 3);
}
END_TEST

START_TEST(linear_refusals)
{
	struct v4l2r_layout l;

	ck_assert_int_eq(v4l2r_layout_linear(NULL, 16, 16, &l), -EINVAL);
	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_NV12), 0, 16,
					     &l), -EINVAL);
	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_NV12), 16, 0,
					     &l), -EINVAL);
	/* a client image is never tiled */
	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_NV12_32L32), 16,
					     16, &l), -EINVAL);
	/* more than 4 GiB */
	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_NV12), 70000,
					     70000, &l), -EINVAL);
	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_P010),
					     0x80000000u, 1, &l), -EINVAL);
	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_YUV420),
					     UINT32_MAX, UINT32_MAX, &l),
			 -EINVAL);
}
END_TEST

static int from_device(uint32_t fourcc, uint32_t w, uint32_t h,
		       unsigned mem_planes, uint32_t bpl0, uint32_t bpl1,
		       uint32_t size0, uint32_t size1, struct v4l2r_layout *l)
{
	const uint32_t bpl[V4L2R_MAX_PLANES] = { bpl0, bpl1, bpl1 };
	const uint32_t size[V4L2R_MAX_PLANES] = { size0, size1, size1 };

	return v4l2r_layout_from_device(fmt(fourcc), w, h, mem_planes, bpl,
					size, l);
}

START_TEST(device_layouts)
{
	struct v4l2r_layout l;

	/* Cedrus: stride aligned to 32, each plane's rows to 32. */
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12_32L32, 200, 120, 1,
				     224, 0, 224 * 128 + 224 * 64, 0, &l), 0);
	assert_plane(&l, 0, 0, 0, 224, 224 * 128);
	assert_plane(&l, 1, 0, 224 * 128, 224, 224 * 64);
	ck_assert_uint_eq(l.mem_size[0], 224 * 192);

	/* Hantro: 4x4 tiles, chroma after the 4-aligned luma rows. */
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12_4L4, 200, 122, 1,
				     200, 0, 200 * 124 + 200 * 64, 0, &l), 0);
	assert_plane(&l, 0, 0, 0, 200, 200 * 124);
	assert_plane(&l, 1, 0, 200 * 124, 200, 200 * 64);
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12_4L4, 1, 1, 1, 4, 0,
				     32, 0, &l), 0);
	assert_plane(&l, 1, 0, 16, 4, 16);

	ck_assert_int_eq(from_device(V4L2_PIX_FMT_P010_4L4, 200, 120, 1,
				     400, 0, 400 * 180, 0, &l), 0);
	assert_plane(&l, 1, 0, 400 * 120, 400, 400 * 60);

	/* Padded linear NV12, a driver giving more than needed. */
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12, 200, 120, 1, 256, 0,
				     1 << 20, 0, &l), 0);
	assert_plane(&l, 1, 0, 256 * 120, 256, 256 * 60);
	ck_assert_uint_eq(l.mem_size[0], 1 << 20);

	/* Fully planar: chroma stride is half the luma stride. */
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_YUV420, 200, 120, 1, 200, 0,
				     36000, 0, &l), 0);
	assert_plane(&l, 1, 0, 24000, 100, 6000);
	assert_plane(&l, 2, 0, 30000, 100, 6000);

	/* Multi-planar: each plane its own bytesperline and buffer. */
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12M, 200, 120, 2, 208, 224,
				     208 * 120, 224 * 60, &l), 0);
	assert_plane(&l, 0, 0, 0, 208, 208 * 120);
	assert_plane(&l, 1, 1, 0, 224, 224 * 60);
	ck_assert_uint_eq(l.mem_size[1], 224 * 60);
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_YUV420M, 1, 1, 3, 1, 1,
				     1, 1, &l), 0);
	assert_plane(&l, 2, 2, 0, 1, 1);

	ck_assert_int_eq(from_device(FMT_NV15, 200, 120, 1, 256, 0,
				     256 * 180, 0, &l), 0);
	assert_plane(&l, 1, 0, 256 * 120, 256, 256 * 60);

	/* VPU981: v4l2_fill_pixfmt_mp's NV15_4L4, 5 bytes per 4 samples,
	 * chroma after the 4-aligned luma rows; a stride short of whole
	 * tiles (a 202-sample row needs 51 tiles, 255 bytes) is refused. */
	ck_assert_int_eq(from_device(FMT_NV15_4L4, 200, 122, 1, 250, 0,
				     250 * 124 + 250 * 64, 0, &l), 0);
	assert_plane(&l, 0, 0, 0, 250, 250 * 124);
	assert_plane(&l, 1, 0, 250 * 124, 250, 250 * 64);
	ck_assert_int_eq(from_device(FMT_NV15_4L4, 202, 120, 1, 253, 0,
				     1 << 20, 0, &l), -EINVAL);
}
END_TEST

START_TEST(device_refusals)
{
	struct v4l2r_layout l;

	/* sizeimage one byte short */
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12_32L32, 200, 120, 1,
				     224, 0, 224 * 192 - 1, 0, &l), -EINVAL);
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12, 200, 120, 1, 200, 0,
				     35999, 0, &l), -EINVAL);
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12M, 200, 120, 2, 200, 200,
				     24000, 11999, &l), -EINVAL);
	/* stride shorter than a row, or than whole tiles */
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12, 200, 120, 1, 199, 0,
				     1 << 20, 0, &l), -EINVAL);
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12_32L32, 200, 120, 1, 200,
				     0, 1 << 20, 0, &l), -EINVAL);
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_P010_4L4, 202, 120, 1, 404,
				     0, 1 << 20, 0, &l), -EINVAL);
	ck_assert_int_eq(from_device(FMT_NV15, 200, 120, 1, 249, 0, 1 << 20,
				     0, &l), -EINVAL);
	/* odd width: the chroma row (2 bytes) is wider than the stride */
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12, 1, 1, 1, 1, 0, 64, 0,
				     &l), -EINVAL);
	/* memory plane count must match the format */
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12M, 200, 120, 1, 200, 200,
				     1 << 20, 1 << 20, &l), -EINVAL);
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12, 200, 120, 2, 200, 200,
				     1 << 20, 1 << 20, &l), -EINVAL);
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12, 0, 120, 1, 200, 0,
				     1 << 20, 0, &l), -EINVAL);
	/* sizes that overflow 32 bits, whatever sizeimage claims */
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12, 65536, 65536, 1, 65536,
				     0, UINT32_MAX, 0, &l), -EINVAL);
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_NV12_32L32, UINT32_MAX,
				     UINT32_MAX, 1, UINT32_MAX, 0, UINT32_MAX,
				     0, &l), -EINVAL);
	ck_assert_int_eq(from_device(V4L2_PIX_FMT_YUV420M, 16, UINT32_MAX, 3,
				     UINT32_MAX, UINT32_MAX, UINT32_MAX,
				     UINT32_MAX, &l), -EINVAL);
	ck_assert_int_eq(v4l2r_layout_from_device(fmt(V4L2_PIX_FMT_NV12), 16,
						  16, 1, NULL, NULL, &l),
			 -EINVAL);
}
END_TEST

START_TEST(plane_geometry)
{
	const struct v4l2r_format_desc *nv12 = fmt(V4L2_PIX_FMT_NV12);
	const struct v4l2r_format_desc *tiled = fmt(V4L2_PIX_FMT_NV12_32L32);
	const struct v4l2r_format_desc *p010t = fmt(V4L2_PIX_FMT_P010_4L4);

	ck_assert_uint_eq(v4l2r_format_row_bytes(nv12, 0, 201), 201);
	ck_assert_uint_eq(v4l2r_format_row_bytes(nv12, 1, 201), 202);
	ck_assert_uint_eq(v4l2r_format_plane_rows(nv12, 1, 121), 61);
	ck_assert_uint_eq(v4l2r_format_plane_rows(tiled, 0, 121), 128);
	ck_assert_uint_eq(v4l2r_format_plane_rows(tiled, 1, 121), 64);
	ck_assert_uint_eq(v4l2r_format_min_stride(tiled, 1, 201), 224);
	ck_assert_uint_eq(v4l2r_format_min_stride(p010t, 0, 201), 408);
	ck_assert_uint_eq(v4l2r_format_row_bytes(fmt(FMT_NV15), 0, 3), 4);
	ck_assert_uint_eq(v4l2r_format_row_bytes(fmt(FMT_NV15), 0, UINT32_MAX),
			  ((uint64_t)UINT32_MAX * 5 + 3) / 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rows_consistent);
	tcase_add_test(tc, round_trips);
	tcase_add_test(tc, unknown_lookups);
	tcase_add_test(tc, name_lookups);
	tcase_add_test(tc, linear_layouts);
	tcase_add_test(tc, linear_refusals);
	tcase_add_test(tc, device_layouts);
	tcase_add_test(tc, device_refusals);
	tcase_add_test(tc, plane_geometry);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
