#include <errno.h>
#include <string.h>
#include <strings.h>

#include <linux/videodev2.h>

#include "v4l2r/format.h"

/* 10-bit 4:2:0, four samples in five bytes (Rockchip). Newer kernel
 * headers name it; the code is the same. */
#ifndef V4L2_PIX_FMT_NV15
#define V4L2_PIX_FMT_NV15 v4l2_fourcc('N', 'V', '1', '5')
#endif
/* NV15's packing in 4x4 tiles (Hantro VPU981), in the headers since 6.5. */
#ifndef V4L2_PIX_FMT_NV15_4L4
#define V4L2_PIX_FMT_NV15_4L4 v4l2_fourcc('V', 'T', '1', '5')
#endif

/* The core links neither libva nor libdrm, so their numbers are spelled out
 * here. Both are plain little-endian fourcc codes (VA_FOURCC() in <va/va.h>,
 * fourcc_code() in <drm/drm_fourcc.h>) and frozen by those ABIs. */
#define FOURCC(a, b, c, d) \
	((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | \
	 ((uint32_t)(d) << 24))
#define VA_FOURCC_NV12 FOURCC('N', 'V', '1', '2')
#define VA_FOURCC_I420 FOURCC('I', '4', '2', '0')
#define VA_FOURCC_P010 FOURCC('P', '0', '1', '0')
#define VA_RT_FORMAT_YUV420 0x00000001
#define VA_RT_FORMAT_YUV420_10 0x00000100
#define DRM_FORMAT_NV12 FOURCC('N', 'V', '1', '2')
#define DRM_FORMAT_YUV420 FOURCC('Y', 'U', '1', '2')
#define DRM_FORMAT_P010 FOURCC('P', '0', '1', '0')
#define DRM_FORMAT_NV15 FOURCC('N', 'V', '1', '5')
#define DRM_FORMAT_MOD_LINEAR 0ULL
#define DRM_FORMAT_MOD_INVALID 0x00ffffffffffffffULL
/* fourcc_mod_code(ALLWINNER, 1): vendor 0x09 in the top byte. */
#define DRM_FORMAT_MOD_ALLWINNER_TILED ((0x09ULL << 56) | 1)

#define NV12_LIKE .num_planes = 2, .chroma_hsub = 2, .chroma_vsub = 2
#define YUV420_LIKE .num_planes = 3, .chroma_hsub = 2, .chroma_vsub = 2
#define EIGHT_BIT .bit_depth = 8, .row_num = 1, .row_den = 1, \
	.va_rt_format = VA_RT_FORMAT_YUV420
#define SIXTEEN_BIT .bit_depth = 10, .row_num = 2, .row_den = 1, \
	.va_rt_format = VA_RT_FORMAT_YUV420_10

/* Lookups return the first match, so the plain single-buffer format comes
 * before its multi-buffer twin. */
static const struct v4l2r_format_desc formats[] = {
	{
		.v4l2_fourcc = V4L2_PIX_FMT_NV12, .name = "NV12",
		.drm_fourcc = DRM_FORMAT_NV12,
		.drm_modifier = DRM_FORMAT_MOD_LINEAR,
		.va_fourcc = VA_FOURCC_NV12, EIGHT_BIT, NV12_LIKE,
		.mem_planes = 1, .linear_fourcc = V4L2_PIX_FMT_NV12,
	}, {
		.v4l2_fourcc = V4L2_PIX_FMT_NV12M, .name = "NV12M",
		.drm_fourcc = DRM_FORMAT_NV12,
		.drm_modifier = DRM_FORMAT_MOD_LINEAR,
		.va_fourcc = VA_FOURCC_NV12, EIGHT_BIT, NV12_LIKE,
		.mem_planes = 2, .linear_fourcc = V4L2_PIX_FMT_NV12M,
	}, {
		.v4l2_fourcc = V4L2_PIX_FMT_YUV420, .name = "YUV420",
		.drm_fourcc = DRM_FORMAT_YUV420,
		.drm_modifier = DRM_FORMAT_MOD_LINEAR,
		.va_fourcc = VA_FOURCC_I420, EIGHT_BIT, YUV420_LIKE,
		.mem_planes = 1, .linear_fourcc = V4L2_PIX_FMT_YUV420,
	}, {
		.v4l2_fourcc = V4L2_PIX_FMT_YUV420M, .name = "YUV420M",
		.drm_fourcc = DRM_FORMAT_YUV420,
		.drm_modifier = DRM_FORMAT_MOD_LINEAR,
		.va_fourcc = VA_FOURCC_I420, EIGHT_BIT, YUV420_LIKE,
		.mem_planes = 3, .linear_fourcc = V4L2_PIX_FMT_YUV420M,
	}, {
		/* Cedrus: 32x32-byte tiles in both planes. */
		.v4l2_fourcc = V4L2_PIX_FMT_NV12_32L32, .name = "NV12_32L32",
		.drm_fourcc = DRM_FORMAT_NV12,
		.drm_modifier = DRM_FORMAT_MOD_ALLWINNER_TILED,
		EIGHT_BIT, NV12_LIKE, .mem_planes = 1,
		.tile_w = 32, .tile_h = 32, .linear_fourcc = V4L2_PIX_FMT_NV12,
	}, {
		/* Hantro: 4x4 tiles; no DRM modifier describes them. */
		.v4l2_fourcc = V4L2_PIX_FMT_NV12_4L4, .name = "NV12_4L4",
		.drm_fourcc = DRM_FORMAT_NV12,
		.drm_modifier = DRM_FORMAT_MOD_INVALID,
		EIGHT_BIT, NV12_LIKE, .mem_planes = 1,
		.tile_w = 4, .tile_h = 4, .linear_fourcc = V4L2_PIX_FMT_NV12,
	}, {
		.v4l2_fourcc = V4L2_PIX_FMT_P010, .name = "P010",
		.drm_fourcc = DRM_FORMAT_P010,
		.drm_modifier = DRM_FORMAT_MOD_LINEAR,
		.va_fourcc = VA_FOURCC_P010, SIXTEEN_BIT, NV12_LIKE,
		.mem_planes = 1, .linear_fourcc = V4L2_PIX_FMT_P010,
	}, {
		.v4l2_fourcc = V4L2_PIX_FMT_P010_4L4, .name = "P010_4L4",
		.drm_fourcc = DRM_FORMAT_P010,
		.drm_modifier = DRM_FORMAT_MOD_INVALID,
		SIXTEEN_BIT, NV12_LIKE, .mem_planes = 1,
		.tile_w = 4, .tile_h = 4, .linear_fourcc = V4L2_PIX_FMT_P010,
	}, {
		.v4l2_fourcc = V4L2_PIX_FMT_NV15, .name = "NV15",
		.drm_fourcc = DRM_FORMAT_NV15,
		.drm_modifier = DRM_FORMAT_MOD_LINEAR,
		.bit_depth = 10, .row_num = 5, .row_den = 4,
		.va_rt_format = VA_RT_FORMAT_YUV420_10, NV12_LIKE,
		.mem_planes = 1, .linear_fourcc = V4L2_PIX_FMT_P010,
	}, {
		/* Hantro VPU981: NV15's groups in 4x4 tiles, each tile row
		 * one group; as for NV12_4L4, no DRM modifier describes
		 * the tiles. */
		.v4l2_fourcc = V4L2_PIX_FMT_NV15_4L4, .name = "NV15_4L4",
		.drm_fourcc = DRM_FORMAT_NV15,
		.drm_modifier = DRM_FORMAT_MOD_INVALID,
		.bit_depth = 10, .row_num = 5, .row_den = 4,
		.va_rt_format = VA_RT_FORMAT_YUV420_10, NV12_LIKE,
		.mem_planes = 1, .tile_w = 4, .tile_h = 4,
		.linear_fourcc = V4L2_PIX_FMT_P010,
	},
};

#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

const struct v4l2r_format_desc *v4l2r_format_at(unsigned index)
{
	return index < N_FORMATS ? &formats[index] : NULL;
}

const struct v4l2r_format_desc *v4l2r_format_by_v4l2(uint32_t v4l2_fourcc)
{
	for (unsigned i = 0; i < N_FORMATS; i++)
		if (formats[i].v4l2_fourcc == v4l2_fourcc)
			return &formats[i];
	return NULL;
}

const struct v4l2r_format_desc *v4l2r_format_by_name(const char *name)
{
	for (unsigned i = 0; name && i < N_FORMATS; i++)
		if (!strcasecmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

const struct v4l2r_format_desc *v4l2r_format_by_va(uint32_t va_fourcc)
{
	for (unsigned i = 0; va_fourcc && i < N_FORMATS; i++)
		if (formats[i].va_fourcc == va_fourcc)
			return &formats[i];
	return NULL;
}

const struct v4l2r_format_desc *v4l2r_format_by_drm(uint32_t drm_fourcc,
						    uint64_t modifier)
{
	/* MOD_INVALID marks rows that cannot be exported: never a match. */
	if (!drm_fourcc || modifier == DRM_FORMAT_MOD_INVALID)
		return NULL;
	for (unsigned i = 0; i < N_FORMATS; i++)
		if (formats[i].drm_fourcc == drm_fourcc &&
		    formats[i].drm_modifier == modifier)
			return &formats[i];
	return NULL;
}

static uint64_t div_up(uint64_t n, uint64_t d)
{
	return (n + d - 1) / d;
}

static uint64_t align_up(uint64_t n, uint64_t a)
{
	return div_up(n, a) * a;
}

uint64_t v4l2r_format_row_bytes(const struct v4l2r_format_desc *desc,
				unsigned plane, uint32_t width)
{
	uint64_t samples = width;

	if (plane > 0) {
		samples = div_up(width, desc->chroma_hsub);
		/* Semi-planar: Cb and Cr share the plane. */
		if (desc->num_planes == 2)
			samples *= 2;
	}
	return div_up(samples * desc->row_num, desc->row_den);
}

uint64_t v4l2r_format_plane_rows(const struct v4l2r_format_desc *desc,
				 unsigned plane, uint32_t height)
{
	uint64_t rows = plane > 0 ? div_up(height, desc->chroma_vsub) : height;

	return desc->tile_h ? align_up(rows, desc->tile_h) : rows;
}

uint64_t v4l2r_format_min_stride(const struct v4l2r_format_desc *desc,
				 unsigned plane, uint32_t width)
{
	uint64_t bytes = v4l2r_format_row_bytes(desc, plane, width);

	if (!desc->tile_w)
		return bytes;
	return align_up(bytes, desc->tile_w * desc->row_num / desc->row_den);
}

static bool valid_request(const struct v4l2r_format_desc *desc,
			  uint32_t width, uint32_t height)
{
	return desc && width && height && desc->num_planes &&
	       desc->num_planes <= V4L2R_MAX_PLANES &&
	       (desc->mem_planes == 1 ||
		desc->mem_planes == desc->num_planes);
}

/* Places each plane at its offset in its memory plane and totals the
 * memory planes' sizes; false when a number does not fit in 32 bits. */
static bool place_planes(const uint64_t *stride, struct v4l2r_layout *out,
			 uint64_t *mem_used)
{
	const struct v4l2r_format_desc *desc = out->desc;

	memset(mem_used, 0, sizeof(*mem_used) * V4L2R_MAX_PLANES);
	for (unsigned p = 0; p < desc->num_planes; p++) {
		unsigned mp = desc->mem_planes == 1 ? 0 : p;
		uint64_t rows = v4l2r_format_plane_rows(desc, p, out->height);
		uint64_t offset = mem_used[mp], size;

		if (stride[p] > UINT32_MAX ||
		    __builtin_mul_overflow(stride[p], rows, &size) ||
		    size > UINT32_MAX || offset + size > UINT32_MAX)
			return false;
		mem_used[mp] = offset + size;
		out->plane[p] = (struct v4l2r_plane){
			.mem_plane = mp,
			.offset = (uint32_t)offset,
			.stride = (uint32_t)stride[p],
			.size = (uint32_t)size,
		};
	}
	return true;
}

static void begin_layout(const struct v4l2r_format_desc *desc, uint32_t width,
			 uint32_t height, struct v4l2r_layout *out)
{
	*out = (struct v4l2r_layout){
		.desc = desc, .width = width, .height = height,
		.num_planes = desc->num_planes, .mem_planes = desc->mem_planes,
	};
}

int v4l2r_layout_linear(const struct v4l2r_format_desc *desc, uint32_t width,
			uint32_t height, struct v4l2r_layout *out)
{
	uint64_t stride[V4L2R_MAX_PLANES], mem_used[V4L2R_MAX_PLANES];

	if (!valid_request(desc, width, height) || desc->tile_w || !out)
		return -EINVAL;
	begin_layout(desc, width, height, out);
	for (unsigned p = 0; p < desc->num_planes; p++)
		stride[p] = v4l2r_format_row_bytes(desc, p, width);
	if (!place_planes(stride, out, mem_used))
		return -EINVAL;
	for (unsigned mp = 0; mp < desc->mem_planes; mp++)
		out->mem_size[mp] = (uint32_t)mem_used[mp];
	return 0;
}

/* Stride of colour plane p when all planes share one memory plane: the
 * chroma stride follows the luma one (pixfmt-yuv-planar.rst). */
static uint64_t shared_stride(const struct v4l2r_format_desc *desc,
			      unsigned plane, uint32_t luma_bytesperline)
{
	if (plane == 0)
		return luma_bytesperline;
	if (desc->num_planes == 2)	/* Cb and Cr side by side */
		return div_up(2 * (uint64_t)luma_bytesperline,
			      desc->chroma_hsub);
	return div_up(luma_bytesperline, desc->chroma_hsub);
}

int v4l2r_layout_from_device(const struct v4l2r_format_desc *desc,
			     uint32_t width, uint32_t height,
			     unsigned mem_planes, const uint32_t *bytesperline,
			     const uint32_t *sizeimage,
			     struct v4l2r_layout *out)
{
	uint64_t stride[V4L2R_MAX_PLANES], mem_used[V4L2R_MAX_PLANES];

	if (!valid_request(desc, width, height) || !out || !bytesperline ||
	    !sizeimage || mem_planes != desc->mem_planes)
		return -EINVAL;
	begin_layout(desc, width, height, out);
	for (unsigned p = 0; p < desc->num_planes; p++) {
		stride[p] = mem_planes == 1 ?
			shared_stride(desc, p, bytesperline[0]) :
			bytesperline[p];
		if (stride[p] < v4l2r_format_min_stride(desc, p, width))
			return -EINVAL;
	}
	if (!place_planes(stride, out, mem_used))
		return -EINVAL;
	for (unsigned mp = 0; mp < mem_planes; mp++) {
		if (mem_used[mp] > sizeimage[mp])
			return -EINVAL;
		out->mem_size[mp] = sizeimage[mp];
	}
	return 0;
}
