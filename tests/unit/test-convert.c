/* Pixel conversion, in checkasm's spirit: every SIMD kernel against its C
 * reference on random input over many sizes, the C kernels against naive
 * per-pixel references written from the documented layouts, and whole
 * conversions through v4l2r_convert_to_linear. Source buffers end right at
 * an inaccessible page (an over-read crashes the test); destinations sit
 * between guard bytes that must stay untouched.
 *
 * `test-convert --bench` prints the speed of each kernel instead. */
#include "config.h"

#include <check.h>

#include "unit.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/videodev2.h>
#if defined(__arm__) && defined(V4L2R_NEON_AT_RUNTIME)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include "bench/timing.h"
#include "core/convert_kernels.h"
#include "v4l2r/format.h"

#define GUARD 64
#define GUARD_BYTE 0xa5
#define UNTOUCHED 0x5a
#define FMT_NV15 v4l2_fourcc('N', 'V', '1', '5')
#define FMT_NV15_4L4 v4l2_fourcc('V', 'T', '1', '5')

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: reproducible from the seed printed on start. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static void seed_rng(void)
{
	const char *env = getenv("V4L2R_TEST_SEED");

	rng_state = env ? strtoull(env, NULL, 0) : 0x5eed5eed;
	if (!rng_state)
		rng_state = 1;
}

static void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* size usable bytes with GUARD bytes of GUARD_BYTE before them and `tail`
 * after, the whole ending at a PROT_NONE page. */
struct guarded {
	uint8_t *map;
	size_t map_size;
	uint8_t *data;
	size_t size, tail;
};

static struct guarded guarded_alloc(size_t size, size_t tail)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t used = GUARD + size + tail;
	size_t pages = (used + page - 1) / page + 1;
	struct guarded g = { .size = size, .tail = tail };

	g.map_size = pages * page;
	g.map = mmap(NULL, g.map_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(g.map != MAP_FAILED);
	ck_assert_int_eq(mprotect(g.map + g.map_size - page, page, PROT_NONE),
			 0);
	g.data = g.map + g.map_size - page - tail - size;
	memset(g.data - GUARD, GUARD_BYTE, GUARD);
	memset(g.data + size, GUARD_BYTE, tail);
	return g;
}

static void guarded_check(const struct guarded *g)
{
	for (size_t i = 0; i < GUARD; i++)
		ck_assert_msg(g->data[(ptrdiff_t)i - GUARD] == GUARD_BYTE,
			      "guard byte %zu before the buffer written", i);
	for (size_t i = 0; i < g->tail; i++)
		ck_assert_msg(g->data[g->size + i] == GUARD_BYTE,
			      "guard byte %zu after the buffer written", i);
}

static void guarded_free(struct guarded *g)
{
	munmap(g->map, g->map_size);
}

static size_t align(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

/* Straight from pixfmt-yuv-planar.rst: tiles of tw bytes x th rows stored
 * one after the other, rows of tiles stride * th bytes apart. */
static size_t tiled_offset(size_t x, size_t y, size_t stride, size_t tw,
			   size_t th)
{
	return (y / th) * stride * th + (x / tw) * tw * th + (y % th) * tw +
	       x % tw;
}

static void naive_untile(uint8_t *dst, size_t dst_stride, const uint8_t *src,
			 size_t src_stride, size_t width, size_t height,
			 size_t tw, size_t th)
{
	for (size_t y = 0; y < height; y++)
		for (size_t x = 0; x < width; x++)
			dst[y * dst_stride + x] =
				src[tiled_offset(x, y, src_stride, tw, th)];
}

/* NV15: sample i is bits 10i..10i+9 of the row read as one little-endian
 * number; P010 keeps it in the 10 high bits of a 16-bit LE word. */
static void naive_nv15(uint8_t *dst, const uint8_t *src, size_t samples)
{
	for (size_t i = 0; i < samples; i++) {
		unsigned v = 0;

		for (unsigned b = 0; b < 10; b++) {
			size_t k = 10 * i + b;

			v |= ((src[k / 8] >> (k % 8)) & 1u) << b;
		}
		dst[2 * i] = (uint8_t)(v << 6);
		dst[2 * i + 1] = (uint8_t)(v >> 2);
	}
}

/* NV15_4L4 (pixfmt-yuv-planar.rst, "Tiled NV15"): 4x4 tiles one after
 * the other, rows of tiles stride * 4 bytes apart; a tile row is one NV15
 * group of 4 samples, 5 bytes, so a tile is 20. */
static void naive_nv15_4l4(uint8_t *dst, size_t dst_stride, const uint8_t *src,
			   size_t src_stride, size_t samples, size_t rows)
{
	for (size_t y = 0; y < rows; y++)
		for (size_t x = 0; x < samples; x += 4) {
			const uint8_t *group = src + (y / 4) * src_stride * 4 +
					       (x / 4) * 20 + (y % 4) * 5;
			size_t n = samples - x < 4 ? samples - x : 4;

			naive_nv15(dst + y * dst_stride + 2 * x, group, n);
		}
}

struct tile_kernel {
	const char *name;
	size_t tw, th;
	v4l2r_untile_fn (*get)(const struct v4l2r_convert_kernels *k);
};

static v4l2r_untile_fn get_32x32(const struct v4l2r_convert_kernels *k)
{
	return k->untile_32x32;
}

static v4l2r_untile_fn get_4x4(const struct v4l2r_convert_kernels *k)
{
	return k->untile_4x4;
}

static v4l2r_untile_fn get_8x4(const struct v4l2r_convert_kernels *k)
{
	return k->untile_8x4;
}

static const struct tile_kernel tile_kernels[] = {
	{ "untile_32x32", 32, 32, get_32x32 },
	{ "untile_4x4", 4, 4, get_4x4 },
	{ "untile_8x4", 8, 4, get_8x4 },
};

#define N_TILE_KERNELS (sizeof(tile_kernels) / sizeof(tile_kernels[0]))

/* One random case: width x height bytes out of a tiled plane whose stride
 * may carry extra tiles, into a destination with random padding. */
struct plane_case {
	size_t width, height, src_stride, dst_stride;
	struct guarded src, dst_a, dst_b;
};

/* width: the destination's bytes a row; src_stride with room for it. */
static void plane_case_alloc(struct plane_case *c, size_t width, size_t height,
			     size_t src_stride, size_t th)
{
	c->width = width;
	c->height = height;
	c->src_stride = src_stride;
	c->dst_stride = width + rnd() % 40;
	c->src = guarded_alloc(align(height, th) * c->src_stride, 0);
	fill_random(c->src.data, c->src.size);
	c->dst_a = guarded_alloc((height - 1) * c->dst_stride + width, GUARD);
	c->dst_b = guarded_alloc(c->dst_a.size, GUARD);
	memset(c->dst_a.data, UNTOUCHED, c->dst_a.size);
	memset(c->dst_b.data, UNTOUCHED, c->dst_b.size);
}

static void plane_case_init(struct plane_case *c, size_t width, size_t height,
			    size_t tw, size_t th)
{
	plane_case_alloc(c, width, height, align(width, tw) + tw * (rnd() % 3),
			 th);
}

static void plane_case_check_and_free(struct plane_case *c, const char *what)
{
	guarded_check(&c->dst_a);
	guarded_check(&c->dst_b);
	/* Whole buffers, so the padding between rows must match too. */
	ck_assert_msg(memcmp(c->dst_a.data, c->dst_b.data, c->dst_a.size) == 0,
		      "%s differs at %zux%zu (src stride %zu, dst stride %zu)",
		      what, c->width, c->height, c->src_stride, c->dst_stride);
	for (size_t y = 0; y + 1 < c->height; y++)
		for (size_t x = c->width; x < c->dst_stride; x++)
			ck_assert_msg(c->dst_a.data[y * c->dst_stride + x] ==
				      UNTOUCHED, "%s wrote row padding", what);
	guarded_free(&c->src);
	guarded_free(&c->dst_a);
	guarded_free(&c->dst_b);
}

/* An NV15_4L4 plane of samples x rows (its stride whole tiles, sometimes
 * more) into P010 rows: c->width counts the P010 bytes. */
static void plane_case_init_nv15_4l4(struct plane_case *c, size_t samples,
				     size_t rows)
{
	plane_case_alloc(c, 2 * samples, rows,
			 (samples + 3) / 4 * 5 + 5 * (rnd() % 3), 4);
}

/* Edge sizes around the tile sizes, then random ones. */
static const size_t edge_sizes[] = {
	1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100,
};
#define N_EDGE (sizeof(edge_sizes) / sizeof(edge_sizes[0]))
#define RANDOM_CASES 200

static void case_size(unsigned i, size_t *w, size_t *h)
{
	if (i < N_EDGE * N_EDGE) {
		*w = edge_sizes[i % N_EDGE];
		*h = edge_sizes[i / N_EDGE];
	} else {
		*w = 1 + rnd() % 300;
		*h = 1 + rnd() % 100;
	}
}

/* Runs first: the choice is made once per process. */
START_TEST(no_simd_selects_c)
{
	setenv("V4L2R_NO_SIMD", "1", 1);
	ck_assert_ptr_eq(v4l2r_convert_kernels_active(),
			 &v4l2r_convert_kernels_c);
}
END_TEST

/* The targets the project ships SIMD kernels for have them: x86-64 and
 * aarch64 always, 32-bit arm when the CPU reports NEON (qemu-arm does). */
START_TEST(simd_present_on_its_targets)
{
	const struct v4l2r_convert_kernels *simd = v4l2r_convert_kernels_simd();

#if defined(__x86_64__) || defined(__aarch64__)
	ck_assert_ptr_nonnull(simd);
#elif defined(__arm__) && defined(V4L2R_NEON_AT_RUNTIME)
	if (getauxval(AT_HWCAP) & HWCAP_NEON)
		ck_assert_ptr_nonnull(simd);
#endif
	printf("SIMD kernels: %s\n", simd ? simd->name : "none");
}
END_TEST

START_TEST(simd_matches_c)
{
	const struct v4l2r_convert_kernels *simd = v4l2r_convert_kernels_simd();
	const struct tile_kernel *tk = &tile_kernels[_i];

	if (!simd) {
		printf("%s: no SIMD kernels on this target\n", tk->name);
		return;
	}
	for (unsigned i = 0; i < N_EDGE * N_EDGE + RANDOM_CASES; i++) {
		struct plane_case c;
		size_t w, h;

		case_size(i, &w, &h);
		plane_case_init(&c, w, h, tk->tw, tk->th);
		tk->get(&v4l2r_convert_kernels_c)(c.dst_a.data, c.dst_stride,
						  c.src.data, c.src_stride,
						  w, h);
		tk->get(simd)(c.dst_b.data, c.dst_stride, c.src.data,
			      c.src_stride, w, h);
		plane_case_check_and_free(&c, simd->name);
	}
}
END_TEST

START_TEST(c_matches_naive)
{
	const struct tile_kernel *tk = &tile_kernels[_i];

	for (unsigned i = 0; i < N_EDGE * N_EDGE + RANDOM_CASES; i++) {
		struct plane_case c;
		size_t w, h;

		case_size(i, &w, &h);
		plane_case_init(&c, w, h, tk->tw, tk->th);
		naive_untile(c.dst_a.data, c.dst_stride, c.src.data,
			     c.src_stride, w, h, tk->tw, tk->th);
		tk->get(&v4l2r_convert_kernels_c)(c.dst_b.data, c.dst_stride,
						  c.src.data, c.src_stride,
						  w, h);
		plane_case_check_and_free(&c, tk->name);
	}
}
END_TEST

START_TEST(generic_untile_matches_naive)
{
	static const size_t tiles[][2] = { { 1, 1 }, { 3, 5 }, { 16, 2 } };

	for (size_t t = 0; t < 3; t++)
		for (unsigned i = 0; i < 50; i++) {
			size_t tw = tiles[t][0], th = tiles[t][1];
			struct plane_case c;
			size_t w, h;

			case_size(N_EDGE * N_EDGE + i, &w, &h);
			plane_case_init(&c, w, h, tw, th);
			naive_untile(c.dst_a.data, c.dst_stride, c.src.data,
				     c.src_stride, w, h, tw, th);
			v4l2r_untile_c(c.dst_b.data, c.dst_stride, c.src.data,
				       c.src_stride, w, h, tw, th);
			plane_case_check_and_free(&c, "v4l2r_untile_c");
		}
}
END_TEST

START_TEST(nv15_matches_naive)
{
	for (size_t samples = 1; samples <= 70; samples++) {
		/* exactly the bytes those samples occupy, then the page end */
		struct guarded src = guarded_alloc((samples * 10 + 7) / 8, 0);
		struct guarded a = guarded_alloc(2 * samples, GUARD);
		struct guarded b = guarded_alloc(2 * samples, GUARD);

		fill_random(src.data, src.size);
		naive_nv15(a.data, src.data, samples);
		v4l2r_unpack_nv15_row(b.data, src.data, samples);
		guarded_check(&b);
		ck_assert_msg(memcmp(a.data, b.data, a.size) == 0,
			      "NV15 row of %zu samples", samples);
		guarded_free(&src);
		guarded_free(&a);
		guarded_free(&b);
	}
}
END_TEST

/* Each row length up to 300 samples, then random ones: the SIMD kernel's
 * pairs of groups and its C tail meet at every offset, and the source ends
 * at an inaccessible page. */
START_TEST(nv15_simd_matches_c)
{
	const struct v4l2r_convert_kernels *simd = v4l2r_convert_kernels_simd();

	if (!simd) {
		printf("unpack_nv15: no SIMD kernels on this target\n");
		return;
	}
	for (size_t i = 1; i <= 300 + RANDOM_CASES; i++) {
		size_t samples = i <= 300 ? i : 1 + rnd() % 4096;
		struct guarded src = guarded_alloc((samples * 10 + 7) / 8, 0);
		struct guarded a = guarded_alloc(2 * samples, GUARD);
		struct guarded b = guarded_alloc(2 * samples, GUARD);

		fill_random(src.data, src.size);
		v4l2r_convert_kernels_c.unpack_nv15_row(a.data, src.data,
							samples);
		simd->unpack_nv15_row(b.data, src.data, samples);
		guarded_check(&b);
		ck_assert_msg(memcmp(a.data, b.data, a.size) == 0,
			      "%s: NV15 row of %zu samples", simd->name,
			      samples);
		guarded_free(&src);
		guarded_free(&a);
		guarded_free(&b);
	}
}
END_TEST

/* The C kernel against the per-sample reference; the source ends at an
 * inaccessible page. */
START_TEST(nv15_4l4_matches_naive)
{
	for (unsigned i = 0; i < N_EDGE * N_EDGE + RANDOM_CASES; i++) {
		struct plane_case c;
		size_t w, h;

		case_size(i, &w, &h);
		plane_case_init_nv15_4l4(&c, w, h);
		naive_nv15_4l4(c.dst_a.data, c.dst_stride, c.src.data,
			       c.src_stride, w, h);
		v4l2r_convert_kernels_c.unpack_nv15_4l4(c.dst_b.data,
							c.dst_stride,
							c.src.data,
							c.src_stride,
							c.width, h);
		plane_case_check_and_free(&c, "unpack_nv15_4l4 (c)");
	}
}
END_TEST

/* Every width and height around the tiles: the SIMD loop's whole tiles,
 * the last tile it leaves to C and the rows below meet at every offset. */
START_TEST(nv15_4l4_simd_matches_c)
{
	const struct v4l2r_convert_kernels *simd = v4l2r_convert_kernels_simd();

	if (!simd) {
		printf("unpack_nv15_4l4: no SIMD kernels on this target\n");
		return;
	}
	for (unsigned i = 0; i < N_EDGE * N_EDGE + RANDOM_CASES; i++) {
		struct plane_case c;
		size_t w, h;

		case_size(i, &w, &h);
		plane_case_init_nv15_4l4(&c, w, h);
		v4l2r_convert_kernels_c.unpack_nv15_4l4(c.dst_a.data,
							c.dst_stride,
							c.src.data,
							c.src_stride,
							c.width, h);
		simd->unpack_nv15_4l4(c.dst_b.data, c.dst_stride, c.src.data,
				      c.src_stride, c.width, h);
		plane_case_check_and_free(&c, simd->name);
	}
}
END_TEST

static const struct v4l2r_format_desc *fmt(uint32_t fourcc)
{
	const struct v4l2r_format_desc *d = v4l2r_format_by_v4l2(fourcc);

	ck_assert_ptr_nonnull(d);
	return d;
}

/* A device picture: one guarded allocation per memory plane, each ending
 * at its layout's last byte. */
struct picture {
	struct v4l2r_layout layout;
	struct guarded mem[V4L2R_MAX_PLANES];
	uint8_t *ptr[V4L2R_MAX_PLANES];
};

static void picture_alloc(struct picture *p, size_t tail)
{
	for (unsigned m = 0; m < p->layout.mem_planes; m++) {
		p->mem[m] = guarded_alloc(p->layout.mem_size[m], tail);
		p->ptr[m] = p->mem[m].data;
	}
}

static void picture_free(struct picture *p)
{
	for (unsigned m = 0; m < p->layout.mem_planes; m++)
		guarded_free(&p->mem[m]);
}

/* Bytesperline a driver could pick (at least whole tiles, sometimes
 * padded), and sizeimage exactly what the layout needs. */
static void device_picture(struct picture *p, uint32_t fourcc, uint32_t w,
			   uint32_t h)
{
	const struct v4l2r_format_desc *d = fmt(fourcc);
	uint32_t bpl[V4L2R_MAX_PLANES], size[V4L2R_MAX_PLANES];

	for (unsigned i = 0; i < d->num_planes; i++) {
		/* an even luma stride keeps odd-width chroma rows inside */
		uint64_t min = v4l2r_format_min_stride(d, i, w + (w & 1));

		bpl[i] = (uint32_t)align(min + 8 * (rnd() % 3), 2);
		size[i] = UINT32_MAX;
	}
	ck_assert_int_eq(v4l2r_layout_from_device(d, w, h, d->mem_planes, bpl,
						  size, &p->layout), 0);
	memset(size, 0, sizeof(size));
	for (unsigned i = 0; i < d->num_planes; i++) {
		const struct v4l2r_plane *pl = &p->layout.plane[i];

		if (pl->offset + pl->size > size[pl->mem_plane])
			size[pl->mem_plane] = pl->offset + pl->size;
	}
	ck_assert_int_eq(v4l2r_layout_from_device(d, w, h, d->mem_planes, bpl,
						  size, &p->layout), 0);
	picture_alloc(p, 0);
	for (unsigned m = 0; m < p->layout.mem_planes; m++)
		fill_random(p->ptr[m], p->layout.mem_size[m]);
}

/* What a destination plane must hold, computed per pixel. */
static void expect_plane(const struct v4l2r_layout *src,
			 const uint8_t *const *src_mem, unsigned plane,
			 uint8_t *out, size_t out_stride, size_t row_bytes,
			 size_t rows)
{
	const struct v4l2r_format_desc *d = src->desc;
	const struct v4l2r_plane *sp = &src->plane[plane];
	const uint8_t *s = src_mem[sp->mem_plane] + sp->offset;

	if (d->tile_w && d->row_num * 4 == d->row_den * 5) {	/* NV15_4L4 */
		naive_nv15_4l4(out, out_stride, s, sp->stride, row_bytes / 2,
			       rows);
		return;
	}
	if (d->tile_w) {
		naive_untile(out, out_stride, s, sp->stride, row_bytes, rows,
			     d->tile_w * d->row_num / d->row_den, d->tile_h);
		return;
	}
	for (size_t y = 0; y < rows; y++) {
		if (d->row_num * 4 == d->row_den * 5)	/* NV15 */
			naive_nv15(out + y * out_stride, s + y * sp->stride,
				   row_bytes / 2);
		else
			memcpy(out + y * out_stride, s + y * sp->stride,
			       row_bytes);
	}
}

/* Converts a random w x h device picture into a linear image dst_h rows
 * tall: the rows both share must match the per-pixel reference, the rest
 * and the guards stay untouched. */
static void check_conversion(uint32_t from, uint32_t to, uint32_t w,
			     uint32_t h, uint32_t dst_h)
{
	struct picture src = { 0 }, dst = { 0 };
	uint32_t common_h = h < dst_h ? h : dst_h;

	device_picture(&src, from, w, h);
	ck_assert_int_eq(v4l2r_layout_linear(fmt(to), w, dst_h, &dst.layout),
			 0);
	picture_alloc(&dst, GUARD);
	for (unsigned m = 0; m < dst.layout.mem_planes; m++)
		memset(dst.ptr[m], UNTOUCHED, dst.layout.mem_size[m]);

	ck_assert_int_eq(v4l2r_convert_to_linear(&src.layout,
			 (const uint8_t *const *)src.ptr, &dst.layout,
			 dst.ptr), 0);

	for (unsigned p = 0; p < dst.layout.num_planes; p++) {
		const struct v4l2r_plane *dp = &dst.layout.plane[p];
		size_t row = v4l2r_format_row_bytes(dst.layout.desc, p, w);
		size_t rows = v4l2r_format_plane_rows(dst.layout.desc, p,
						      common_h);
		const uint8_t *got = dst.ptr[dp->mem_plane] + dp->offset;
		uint8_t *want = malloc(dp->size);

		ck_assert_ptr_nonnull(want);
		memset(want, UNTOUCHED, dp->size);
		expect_plane(&src.layout, (const uint8_t *const *)src.ptr, p,
			     want, dp->stride, row, rows);
		for (size_t y = 0; y < dp->size / dp->stride; y++)
			ck_assert_msg(memcmp(got + y * dp->stride,
					     want + y * dp->stride, row) == 0,
				      "%s -> %s %ux%u into %u rows: plane %u row %zu",
				      src.layout.desc->name,
				      dst.layout.desc->name, w, h, dst_h, p, y);
		free(want);
	}
	for (unsigned m = 0; m < dst.layout.mem_planes; m++)
		guarded_check(&dst.mem[m]);
	picture_free(&src);
	picture_free(&dst);
}

static const uint32_t conversion_sizes[][2] = {
	{ 1, 1 }, { 2, 2 }, { 33, 17 }, { 64, 64 }, { 130, 66 },
	{ 200, 120 }, { 1920, 1088 },
};

START_TEST(conversions)
{
	static const uint32_t pairs[][2] = {
		{ V4L2_PIX_FMT_NV12_32L32, V4L2_PIX_FMT_NV12 },
		{ V4L2_PIX_FMT_NV12_4L4, V4L2_PIX_FMT_NV12 },
		{ V4L2_PIX_FMT_P010_4L4, V4L2_PIX_FMT_P010 },
		{ FMT_NV15, V4L2_PIX_FMT_P010 },
		{ FMT_NV15_4L4, V4L2_PIX_FMT_P010 },
		{ V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV12 },
		{ V4L2_PIX_FMT_NV12M, V4L2_PIX_FMT_NV12 },
		{ V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV12M },
		{ V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YUV420 },
		{ V4L2_PIX_FMT_YUV420M, V4L2_PIX_FMT_YUV420 },
		{ V4L2_PIX_FMT_P010, V4L2_PIX_FMT_P010 },
	};

	for (size_t s = 0; s < 7; s++) {
		uint32_t w = conversion_sizes[s][0];
		uint32_t h = conversion_sizes[s][1];

		check_conversion(pairs[_i][0], pairs[_i][1], w, h, h);
		/* client images shorter and taller than the picture */
		if (h > 1)
			check_conversion(pairs[_i][0], pairs[_i][1], w, h,
					 h - 1);
		check_conversion(pairs[_i][0], pairs[_i][1], w, h, h + 3);
	}
}
END_TEST

START_TEST(refusals)
{
	struct picture src = { 0 }, dst = { 0 };
	struct v4l2r_layout bad;
	/* rows padded to 96 bytes: whole tiles need more than whole rows */
	const uint32_t bpl[V4L2R_MAX_PLANES] = { 96 };
	const uint32_t sizeimage[V4L2R_MAX_PLANES] = { 96 * 96 };

	ck_assert_int_eq(v4l2r_layout_from_device(
				 fmt(V4L2_PIX_FMT_NV12_32L32), 64, 64, 1, bpl,
				 sizeimage, &src.layout), 0);
	picture_alloc(&src, 0);
	fill_random(src.ptr[0], src.layout.mem_size[0]);
	ck_assert_int_eq(v4l2r_layout_linear(fmt(V4L2_PIX_FMT_NV12), 64, 64,
					     &dst.layout), 0);
	picture_alloc(&dst, GUARD);
	const uint8_t *const *s = (const uint8_t *const *)src.ptr;

	ck_assert_int_eq(v4l2r_convert_to_linear(&src.layout, s, &dst.layout,
						 dst.ptr), 0);
	ck_assert_int_eq(v4l2r_convert_to_linear(NULL, s, &dst.layout,
						 dst.ptr), -EINVAL);
	ck_assert_int_eq(v4l2r_convert_to_linear(&src.layout, NULL,
						 &dst.layout, dst.ptr),
			 -EINVAL);

	/* wrong target format */
	bad = dst.layout;
	bad.desc = fmt(V4L2_PIX_FMT_P010);
	ck_assert_int_eq(v4l2r_convert_to_linear(&src.layout, s, &bad,
						 dst.ptr), -EINVAL);
	bad.desc = fmt(V4L2_PIX_FMT_NV12_32L32);
	ck_assert_int_eq(v4l2r_convert_to_linear(&src.layout, s, &bad,
						 dst.ptr), -EINVAL);
	/* destination memory a byte too small */
	bad = dst.layout;
	bad.mem_size[0]--;
	ck_assert_int_eq(v4l2r_convert_to_linear(&src.layout, s, &bad,
						 dst.ptr), -EINVAL);
	bad = dst.layout;
	bad.plane[1].size--;
	ck_assert_int_eq(v4l2r_convert_to_linear(&src.layout, s, &bad,
						 dst.ptr), -EINVAL);
	bad = dst.layout;
	bad.plane[0].stride = 63;
	ck_assert_int_eq(v4l2r_convert_to_linear(&src.layout, s, &bad,
						 dst.ptr), -EINVAL);
	bad = dst.layout;
	bad.plane[1].mem_plane = 1;
	ck_assert_int_eq(v4l2r_convert_to_linear(&src.layout, s, &bad,
						 dst.ptr), -EINVAL);
	/* a source whose tiles do not fit what the layout claims */
	bad = src.layout;
	bad.plane[1].offset += 1;
	ck_assert_int_eq(v4l2r_convert_to_linear(&bad, s, &dst.layout,
						 dst.ptr), -EINVAL);
	bad = src.layout;
	bad.plane[1].size--;
	ck_assert_int_eq(v4l2r_convert_to_linear(&bad, s, &dst.layout,
						 dst.ptr), -EINVAL);
	bad = src.layout;
	bad.plane[0].stride = 48;
	ck_assert_int_eq(v4l2r_convert_to_linear(&bad, s, &dst.layout,
						 dst.ptr), -EINVAL);
	/* a memory plane without memory */
	uint8_t *none[V4L2R_MAX_PLANES] = { NULL };
	ck_assert_int_eq(v4l2r_convert_to_linear(&src.layout, s, &dst.layout,
						 none), -EINVAL);
	for (unsigned m = 0; m < dst.layout.mem_planes; m++)
		guarded_check(&dst.mem[m]);
	picture_free(&src);
	picture_free(&dst);
}
END_TEST

/* MB/s of fn writing a width x height plane. */
static double bench_untile(v4l2r_untile_fn fn, uint8_t *dst, uint8_t *src,
			   size_t width, size_t height)
{
	double best = 0;

	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		double start = bench_now();

		fn(dst, width, src, width, width, height);
		best = bench_best_mbs(best, (double)width * height, start);
	}
	return best;
}

static double bench_memcpy(uint8_t *dst, uint8_t *src, size_t bytes)
{
	double best = 0;

	for (unsigned r = 0; r < BENCH_RUNS; r++)
		best = bench_memcpy_run(best, dst, src, bytes);
	return best;
}

static v4l2r_unpack_row_fn bench_nv15_fn;

static void nv15_rows(uint8_t *dst, size_t dst_stride, const uint8_t *src,
		      size_t src_stride, size_t width_bytes, size_t height)
{
	for (size_t y = 0; y < height; y++)
		bench_nv15_fn(dst + y * dst_stride, src + y * src_stride,
			      width_bytes / 2);
}

static int bench(void)
{
	const struct v4l2r_convert_kernels *sets[] = {
		&v4l2r_convert_kernels_c, v4l2r_convert_kernels_simd(),
	};
	size_t height = 1088, max_width = 3840;
	uint8_t *src = malloc(max_width * height);
	uint8_t *dst = malloc(max_width * height);

	if (!src || !dst)
		return EXIT_FAILURE;
	memset(src, 1, max_width * height);
	memset(dst, 2, max_width * height);
	printf("%-14s %-6s %10s %10s %7s\n", "kernel", "impl", "MB/s",
	       "memcpy", "ratio");
	for (size_t k = 0; k < N_TILE_KERNELS; k++) {
		/* luma of a 1920x1088 picture: 8-bit or 16-bit samples */
		size_t width = tile_kernels[k].tw == 8 ? 3840 : 1920;
		double copy = bench_memcpy(dst, src, width * height);

		for (size_t s = 0; s < 2 && sets[s]; s++) {
			double mbs = bench_untile(tile_kernels[k].get(sets[s]),
						  dst, src, width, height);

			printf("%-14s %-6s %10.0f %10.0f %7.2f\n",
			       tile_kernels[k].name, sets[s]->name, mbs, copy,
			       mbs / copy);
		}
	}
	/* 1920 samples a row: 2400 bytes in, 3840 out (memcpy of the output) */
	double copy = bench_memcpy(dst, src, 3840 * height);
	for (size_t s = 0; s < 2 && sets[s]; s++) {
		bench_nv15_fn = sets[s]->unpack_nv15_row;
		double mbs = bench_untile(nv15_rows, dst, src, 3840, height);

		printf("%-14s %-6s %10.0f %10.0f %7.2f\n", "unpack_nv15",
		       sets[s]->name, mbs, copy, mbs / copy);
	}
	/* the same samples in 4x4 tiles (the source's stride: 2400 bytes) */
	for (size_t s = 0; s < 2 && sets[s]; s++) {
		double best = 0;

		for (unsigned r = 0; r < BENCH_RUNS; r++) {
			double start = bench_now();

			sets[s]->unpack_nv15_4l4(dst, 3840, src, 2400, 3840,
						 height);
			best = bench_best_mbs(best, 3840.0 * height, start);
		}
		printf("%-14s %-6s %10.0f %10.0f %7.2f\n", "unpack_nv15_4l4",
		       sets[s]->name, best, copy, best / copy);
	}
	free(src);
	free(dst);
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	seed_rng();
	if (argc > 1 && strcmp(argv[1], "--bench") == 0)
		return bench();
	printf("seed 0x%llx (set V4L2R_TEST_SEED to replay)\n",
	       (unsigned long long)rng_state);

	Suite *s = suite_create("convert");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, no_simd_selects_c);
	tcase_add_test(tc, simd_present_on_its_targets);
	tcase_add_loop_test(tc, simd_matches_c, 0, N_TILE_KERNELS);
	tcase_add_loop_test(tc, c_matches_naive, 0, N_TILE_KERNELS);
	tcase_add_test(tc, generic_untile_matches_naive);
	tcase_add_test(tc, nv15_matches_naive);
	tcase_add_test(tc, nv15_simd_matches_c);
	tcase_add_test(tc, nv15_4l4_matches_naive);
	tcase_add_test(tc, nv15_4l4_simd_matches_c);
	tcase_add_loop_test(tc, conversions, 0, 11);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
