/* Picture formats: V4L2 fourcc <-> DRM fourcc + modifier <-> VA fourcc, and
 * their memory layout. */
#ifndef V4L2R_FORMAT_H
#define V4L2R_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define V4L2R_MAX_PLANES 3

struct v4l2r_format_desc {
	uint32_t v4l2_fourcc;
	const char *name;
	uint32_t drm_fourcc;	/* 0: no DRM equivalent */
	uint64_t drm_modifier;	/* DRM_FORMAT_MOD_INVALID: not exportable */
	uint32_t va_fourcc;	/* 0: not a VA image format (must convert) */
	uint32_t va_rt_format;	/* VA_RT_FORMAT_* value */
	uint8_t bit_depth;
	uint8_t num_planes;	/* colour planes: 2 for NV12, 3 for YUV420 */
	uint8_t mem_planes;	/* V4L2 memory planes (2 for NV12M) */
	uint8_t chroma_hsub, chroma_vsub;
	/* bytes in a row of width pixels, per colour plane, as
	 * row_num/row_den * width (NV15: 5/4, P010: 2, NV12 chroma: 1). */
	uint8_t row_num, row_den;
	/* tile size in pixels (0 for linear) */
	uint8_t tile_w, tile_h;
	/* the linear format a tiled or packed format converts to */
	uint32_t linear_fourcc;
};

const struct v4l2r_format_desc *v4l2r_format_by_v4l2(uint32_t v4l2_fourcc);
const struct v4l2r_format_desc *v4l2r_format_by_va(uint32_t va_fourcc);
/* By the table's name ("P010_4L4"), any case; NULL when unknown. */
const struct v4l2r_format_desc *v4l2r_format_by_name(const char *name);
const struct v4l2r_format_desc *v4l2r_format_by_drm(uint32_t drm_fourcc,
						    uint64_t modifier);
const struct v4l2r_format_desc *v4l2r_format_at(unsigned index);

/* Bytes of a row of width pixels in colour plane `plane`, without padding
 * (rounded up for packed formats). */
uint64_t v4l2r_format_row_bytes(const struct v4l2r_format_desc *desc,
				unsigned plane, uint32_t width);
/* The smallest stride of that plane: row bytes, rounded up to whole tiles
 * for tiled formats. */
uint64_t v4l2r_format_min_stride(const struct v4l2r_format_desc *desc,
				 unsigned plane, uint32_t width);
/* Rows of colour plane `plane` for a picture height rows tall, rounded up to
 * whole tiles for tiled formats. */
uint64_t v4l2r_format_plane_rows(const struct v4l2r_format_desc *desc,
				 unsigned plane, uint32_t height);

/* Where each colour plane lives. */
struct v4l2r_plane {
	unsigned mem_plane;	/* index of the V4L2 memory plane */
	uint32_t offset;	/* from the start of that memory plane */
	uint32_t stride;	/* bytes per row of pixels, as V4L2's bytesperline
				 * (tiled: a row of tiles spans stride*tile_h) */
	uint32_t size;		/* bytes */
};

struct v4l2r_layout {
	const struct v4l2r_format_desc *desc;
	uint32_t width, height;	/* as the device reports them */
	unsigned num_planes;
	struct v4l2r_plane plane[V4L2R_MAX_PLANES];
	unsigned mem_planes;
	uint32_t mem_size[V4L2R_MAX_PLANES];
};

/* A tight linear layout for a client image (vaCreateImage). Returns 0, or
 * -EINVAL on an unknown or tiled format or an impossible size. */
int v4l2r_layout_linear(const struct v4l2r_format_desc *desc, uint32_t width,
			uint32_t height, struct v4l2r_layout *out);

/* The layout of a device buffer from what G_FMT/S_FMT reported:
 * bytesperline and sizeimage of each memory plane. With one memory plane,
 * the chroma planes follow the luma rows (rounded up to whole tiles) with
 * strides derived from bytesperline[0] as pixfmt-yuv-planar.rst says.
 * Returns 0 or -EINVAL when the reported numbers cannot hold the picture. */
int v4l2r_layout_from_device(const struct v4l2r_format_desc *desc,
			     uint32_t width, uint32_t height,
			     unsigned mem_planes, const uint32_t *bytesperline,
			     const uint32_t *sizeimage,
			     struct v4l2r_layout *out);

/* Copies a device picture into a linear picture of desc->linear_fourcc (or
 * the same format when linear; the memory plane count may differ, e.g.
 * NV12M into NV12), untiling or unpacking as needed. When the two sizes
 * differ, the top-left area both share is copied and the rest of dst is
 * left alone. src[i]/dst[i] point at memory plane i. Returns 0, or -EINVAL
 * (and touches nothing) when a layout does not fit its memory or the
 * formats do not convert. */
int v4l2r_convert_to_linear(const struct v4l2r_layout *src,
			    const uint8_t *const *src_mem,
			    const struct v4l2r_layout *dst,
			    uint8_t *const *dst_mem);

#endif
