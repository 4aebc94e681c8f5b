#include <errno.h>
#include <string.h>

#include "convert_kernels.h"
#include "v4l2r/format.h"

/* Layouts may come from anywhere (a client's image, a driver's numbers):
 * before any byte moves, every row the conversion will touch must lie
 * inside its plane and every plane inside its memory plane. */
static bool layout_holds(const struct v4l2r_layout *l, uint32_t width,
			 uint32_t height)
{
	const struct v4l2r_format_desc *desc = l->desc;

	if (!desc || l->num_planes != desc->num_planes ||
	    l->num_planes > V4L2R_MAX_PLANES || !l->mem_planes ||
	    l->mem_planes > V4L2R_MAX_PLANES)
		return false;
	for (unsigned p = 0; p < l->num_planes; p++) {
		const struct v4l2r_plane *pl = &l->plane[p];
		uint64_t row = v4l2r_format_row_bytes(desc, p, width);
		uint64_t rows = v4l2r_format_plane_rows(desc, p, height);
		uint64_t need;

		/* Tiled: whole rows of tiles are read. Linear: the last row
		 * needs no padding after it. */
		if (desc->tile_h)
			row = (uint64_t)pl->stride;
		if (__builtin_mul_overflow(rows - 1, (uint64_t)pl->stride,
					   &need) ||
		    __builtin_add_overflow(need, row, &need))
			return false;
		if (pl->mem_plane >= l->mem_planes ||
		    pl->stride < v4l2r_format_min_stride(desc, p, width) ||
		    need > pl->size ||
		    (uint64_t)pl->offset + pl->size > l->mem_size[pl->mem_plane])
			return false;
	}
	return true;
}

static bool same_sample_layout(const struct v4l2r_format_desc *a,
			       const struct v4l2r_format_desc *b)
{
	return a->num_planes == b->num_planes &&
	       a->bit_depth == b->bit_depth && a->row_num == b->row_num &&
	       a->row_den == b->row_den && a->chroma_hsub == b->chroma_hsub &&
	       a->chroma_vsub == b->chroma_vsub && !a->tile_w && !b->tile_w;
}

static void copy_rows(uint8_t *dst, size_t dst_stride, const uint8_t *src,
		      size_t src_stride, size_t width_bytes, size_t height)
{
	/* Rows without padding on both sides: one copy, memcpy's fastest
	 * path for large sizes, not one call a row. */
	if (dst_stride == width_bytes && src_stride == width_bytes) {
		memcpy(dst, src, width_bytes * height);
		return;
	}
	for (size_t y = 0; y < height; y++)
		memcpy(dst + y * dst_stride, src + y * src_stride, width_bytes);
}

/* width_bytes counts P010 bytes: two per sample. */
static void unpack_nv15_rows(uint8_t *dst, size_t dst_stride,
			     const uint8_t *src, size_t src_stride,
			     size_t width_bytes, size_t height)
{
	v4l2r_unpack_row_fn unpack = v4l2r_convert_kernels_active()->unpack_nv15_row;

	for (size_t y = 0; y < height; y++)
		unpack(dst + y * dst_stride, src + y * src_stride,
		       width_bytes / 2);
}

static v4l2r_untile_fn pick_untile(const struct v4l2r_format_desc *desc)
{
	const struct v4l2r_convert_kernels *k = v4l2r_convert_kernels_active();
	unsigned tile_w_bytes = desc->tile_w * desc->row_num / desc->row_den;

	if (tile_w_bytes == 32 && desc->tile_h == 32)
		return k->untile_32x32;
	if (tile_w_bytes == 4 && desc->tile_h == 4)
		return k->untile_4x4;
	if (tile_w_bytes == 8 && desc->tile_h == 4)
		return k->untile_8x4;
	return NULL;
}

/* How each plane of `from` becomes a plane of the linear `to`; every
 * kernel takes the destination row size and the rows to fill. */
static v4l2r_untile_fn pick_plane_fn(const struct v4l2r_format_desc *from,
				     const struct v4l2r_format_desc *to)
{
	bool same_row = from->row_num == to->row_num &&
			from->row_den == to->row_den;
	/* NV15's packing is the one packed one: 4 samples in 5 bytes to
	 * 16 bits, linear (NV15) or in 4x4 tiles (NV15_4L4). */
	bool nv15 = from->row_num == 5 && from->row_den == 4 &&
		    to->row_num == 2 && to->row_den == 1;

	if (from->num_planes != to->num_planes)
		return NULL;
	if (from->tile_w) {
		if (same_row)
			return pick_untile(from);
		return nv15 && from->tile_w == 4 && from->tile_h == 4 ?
			       v4l2r_convert_kernels_active()->unpack_nv15_4l4 :
			       NULL;
	}
	if (same_row)
		return copy_rows;
	return nv15 ? unpack_nv15_rows : NULL;
}

static bool mem_present(const uint8_t *const *mem, unsigned count)
{
	for (unsigned m = 0; m < count; m++)
		if (!mem[m])
			return false;
	return true;
}

int v4l2r_convert_to_linear(const struct v4l2r_layout *src,
			    const uint8_t *const *src_mem,
			    const struct v4l2r_layout *dst,
			    uint8_t *const *dst_mem)
{
	if (!src || !dst || !src_mem || !dst_mem || !src->desc || !dst->desc)
		return -EINVAL;

	const struct v4l2r_format_desc *to =
		v4l2r_format_by_v4l2(src->desc->linear_fourcc);
	uint32_t width = src->width < dst->width ? src->width : dst->width;
	uint32_t height = src->height < dst->height ? src->height : dst->height;

	if (!to || !same_sample_layout(to, dst->desc) || !width || !height ||
	    !layout_holds(src, width, height) ||
	    !layout_holds(dst, width, height) ||
	    !mem_present(src_mem, src->mem_planes) ||
	    !mem_present((const uint8_t *const *)dst_mem, dst->mem_planes))
		return -EINVAL;

	v4l2r_untile_fn plane_fn = pick_plane_fn(src->desc, to);

	if (!plane_fn)
		return -EINVAL;
	for (unsigned p = 0; p < to->num_planes; p++) {
		const struct v4l2r_plane *sp = &src->plane[p];
		const struct v4l2r_plane *dp = &dst->plane[p];

		plane_fn(dst_mem[dp->mem_plane] + dp->offset, dp->stride,
			 src_mem[sp->mem_plane] + sp->offset, sp->stride,
			 v4l2r_format_row_bytes(to, p, width),
			 v4l2r_format_plane_rows(to, p, height));
	}
	return 0;
}
