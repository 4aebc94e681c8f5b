/* Picture checksums: MD5 (RFC 1321) of a picture in canonical form (linear
 * NV12 or P010, tight rows), so that devices with different layouts,
 * tilings or planar/semi-planar formats agree on the same pixels. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>
#include <md5.h>

#include "trace_private.h"

/* ---- MD5 ---- */

/* libmd's: faster than the plain C of our own that it replaced, and
 * libmd0 is on every Debian system (dpkg needs it), so the VA driver
 * loads nothing new into a player (docs/trace-format.md, FRAME_MD5). */
void v4l2r_md5_sum(const void *data, size_t size, uint8_t out[16])
{
	MD5_CTX ctx;

	MD5Init(&ctx);
	MD5Update(&ctx, data, size);
	MD5Final(out, &ctx);
}

const char *v4l2r_md5_hex(const uint8_t md5[16], char out[33])
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < 16; i++) {
		out[2 * i] = digits[md5[i] >> 4];
		out[2 * i + 1] = digits[md5[i] & 15];
	}
	out[32] = '\0';
	return out;
}

/* ---- canonical pictures ---- */

uint32_t v4l2r_picture_canonical_fourcc(const struct v4l2r_format_desc *desc)
{
	if (!desc || desc->chroma_hsub != 2 || desc->chroma_vsub != 2 ||
	    (desc->num_planes != 2 && desc->num_planes != 3))
		return 0;
	return desc->bit_depth > 8 ? V4L2_PIX_FMT_P010 : V4L2_PIX_FMT_NV12;
}

size_t v4l2r_picture_canonical_size(uint32_t fourcc, uint32_t width,
				    uint32_t height)
{
	size_t bps = fourcc == V4L2_PIX_FMT_P010 ? 2 :
		     fourcc == V4L2_PIX_FMT_NV12 ? 1 : 0;
	size_t cw = (width + 1) / 2, ch = (height + 1) / 2;

	if (!bps || width > V4L2R_TRACE_MAX_DIMENSION ||
	    height > V4L2R_TRACE_MAX_DIMENSION)
		return 0;
	return bps * ((size_t)width * height + 2 * cw * ch);
}

/* Every row of every plane that will be read lies inside its memory. */
static bool linear_holds(const struct v4l2r_layout *l, uint32_t width,
			 uint32_t height)
{
	const struct v4l2r_format_desc *d = l->desc;

	if (l->num_planes != d->num_planes || l->mem_planes > V4L2R_MAX_PLANES)
		return false;
	for (unsigned p = 0; p < d->num_planes; p++) {
		const struct v4l2r_plane *pl = &l->plane[p];
		uint64_t rows = v4l2r_format_plane_rows(d, p, height);
		uint64_t row = v4l2r_format_row_bytes(d, p, width);
		uint64_t end = pl->offset + (rows - 1) * pl->stride + row;
		if (pl->mem_plane >= l->mem_planes || pl->stride < row ||
		    end > l->mem_size[pl->mem_plane])
			return false;
	}
	return true;
}

/* From a linear NV12/NV12M/YUV420/YUV420M/P010 picture. */
static void write_canonical(const struct v4l2r_layout *l,
			    const uint8_t *const *mem, uint32_t width,
			    uint32_t height, uint8_t *out)
{
	const struct v4l2r_format_desc *d = l->desc;
	size_t bps = d->bit_depth > 8 ? 2 : 1;
	const struct v4l2r_plane *y = &l->plane[0];
	size_t row = bps * width, cw = (width + 1) / 2, ch = (height + 1) / 2;

	for (uint32_t r = 0; r < height; r++, out += row)
		memcpy(out, mem[y->mem_plane] + y->offset + (size_t)r * y->stride,
		       row);
	if (d->num_planes == 2) {
		const struct v4l2r_plane *c = &l->plane[1];
		for (size_t r = 0; r < ch; r++, out += 2 * cw * bps)
			memcpy(out, mem[c->mem_plane] + c->offset + r * c->stride,
			       2 * cw * bps);
		return;
	}
	const struct v4l2r_plane *u = &l->plane[1], *v = &l->plane[2];
	for (size_t r = 0; r < ch; r++) {
		const uint8_t *su = mem[u->mem_plane] + u->offset + r * u->stride;
		const uint8_t *sv = mem[v->mem_plane] + v->offset + r * v->stride;
		for (size_t x = 0; x < cw; x++) {
			memcpy(out, su + x * bps, bps);
			memcpy(out + bps, sv + x * bps, bps);
			out += 2 * bps;
		}
	}
}

int v4l2r_picture_canonical(const struct v4l2r_layout *layout,
			    const uint8_t *const *mem, uint32_t width,
			    uint32_t height, uint8_t *out, size_t out_size,
			    uint32_t *fourcc, uint32_t *out_width,
			    uint32_t *out_height)
{
	if (!layout || !layout->desc || !mem)
		return -EINVAL;
	const struct v4l2r_format_desc *d = layout->desc;
	const struct v4l2r_format_desc *lin =
		v4l2r_format_by_v4l2(d->linear_fourcc);
	uint32_t cf = v4l2r_picture_canonical_fourcc(lin);

	if (width > layout->width)
		width = layout->width;
	if (height > layout->height)
		height = layout->height;
	size_t need = v4l2r_picture_canonical_size(cf, width, height);
	if (!cf || !width || !height || !need || need > out_size)
		return -EINVAL;
	for (unsigned i = 0; i < layout->mem_planes; i++)
		if (!mem[i])
			return -EINVAL;

	if (lin == d) {
		if (!linear_holds(layout, width, height))
			return -EINVAL;
		write_canonical(layout, mem, width, height, out);
	} else {
		/* Tiled or packed: untile into a tight linear copy first. */
		struct v4l2r_layout tmp;
		uint8_t *tmp_mem[V4L2R_MAX_PLANES] = { NULL };
		int ret = v4l2r_layout_linear(lin, width, height, &tmp);
		for (unsigned i = 0; !ret && i < tmp.mem_planes; i++) {
			tmp_mem[i] = malloc(tmp.mem_size[i]);
			if (!tmp_mem[i])
				ret = -ENOMEM;
		}
		if (!ret)
			ret = v4l2r_convert_to_linear(layout, mem, &tmp,
						      tmp_mem);
		if (!ret)
			write_canonical(&tmp, (const uint8_t *const *)tmp_mem,
					width, height, out);
		for (unsigned i = 0; i < V4L2R_MAX_PLANES; i++)
			free(tmp_mem[i]);
		if (ret < 0)
			return ret;
	}
	if (fourcc)
		*fourcc = cf;
	if (out_width)
		*out_width = width;
	if (out_height)
		*out_height = height;
	return 0;
}
