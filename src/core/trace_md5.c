/* Picture checksums: MD5 (RFC 1321) of a picture in canonical form (linear
 * NV12 or P010, tight rows), so that devices with different layouts,
 * tilings or planar/semi-planar formats agree on the same pixels. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "trace_private.h"

/* ---- MD5 ---- */

/* floor(|sin(i + 1)| * 2^32) */
static const uint32_t md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* Left-rotation amounts, four per round. */
static const uint8_t md5_r[4][4] = {
	{ 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 },
};

static uint32_t rotl(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static void md5_block(uint32_t state[4], const uint8_t *block)
{
	uint32_t m[16], a = state[0], b = state[1], c = state[2], d = state[3];

	for (unsigned i = 0; i < 16; i++)
		m[i] = trace_le32(block + 4 * i);
	for (unsigned i = 0; i < 64; i++) {
		uint32_t f;
		unsigned g, round = i / 16;
		switch (round) {
		case 0: f = (b & c) | (~b & d); g = i; break;
		case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16; break;
		case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16; break;
		default: f = c ^ (b | ~d); g = (7 * i) % 16; break;
		}
		uint32_t t = d;
		d = c;
		c = b;
		b = b + rotl(a + f + md5_k[i] + m[g], md5_r[round][i % 4]);
		a = t;
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
}

void v4l2r_md5_init(struct v4l2r_md5 *m)
{
	m->state[0] = 0x67452301;
	m->state[1] = 0xefcdab89;
	m->state[2] = 0x98badcfe;
	m->state[3] = 0x10325476;
	m->length = 0;
}

void v4l2r_md5_update(struct v4l2r_md5 *m, const void *data, size_t size)
{
	const uint8_t *p = data;
	size_t used = m->length % 64;

	m->length += size;
	if (used) {
		size_t n = 64 - used < size ? 64 - used : size;
		memcpy(m->block + used, p, n);
		p += n;
		size -= n;
		if (used + n < 64)
			return;
		md5_block(m->state, m->block);
	}
	for (; size >= 64; p += 64, size -= 64)
		md5_block(m->state, p);
	memcpy(m->block, p, size);
}

void v4l2r_md5_final(struct v4l2r_md5 *m, uint8_t out[16])
{
	static const uint8_t pad[64] = { 0x80 };
	uint8_t bits[8];
	uint64_t length = m->length;
	size_t used = length % 64;

	trace_put64(bits, length * 8);
	v4l2r_md5_update(m, pad, used < 56 ? 56 - used : 120 - used);
	v4l2r_md5_update(m, bits, 8);
	for (unsigned i = 0; i < 4; i++)
		trace_put32(out + 4 * i, m->state[i]);
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
