/* Untiling and unpacking, ours against GStreamer's: the core's kernels
 * (v4l2r_convert_to_linear, what our plugin runs when downstream takes only
 * linear system memory) and GstVideoConverter (what `videoconvert` runs
 * when a user lets GStreamer do it), on the same device picture.
 *
 * A 1080p picture as each device writes it (its 1920x1088 coded buffer,
 * random bytes in the tiled or packed layout the core's layout functions
 * describe) becomes a 1920x1080 linear frame both ways, as in the plugin.
 * The two frames must be byte-identical on every row and column of the
 * picture: an independent implementation checks our kernels. The converter
 * is made a pure repack (no dither, no chroma resampling, no matrix, gamma
 * or primaries conversion) on one thread; ours is single-threaded too
 * (v4l2r_convert_to_linear runs its kernels in the caller's thread).
 *
 * `--bench [RUNS]` also times each conversion, the two interleaved with a
 * memcpy of the output size, best of RUNS (bench/timing.h): one line per
 * format with our throughput over videoconvert's and each over memcpy's.
 *
 * Exit status: 0 when every format GStreamer converts gives the same
 * bytes, 1 on a difference or a failure, 77 when GStreamer's converter
 * takes none of the formats. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/video/video.h>
#include <linux/videodev2.h>

#include "bench/timing.h"
#include "core/convert_kernels.h"
#include "v4l2r/format.h"

#define FMT_NV15 v4l2_fourcc('N', 'V', '1', '5')
#define WIDTH 1920
#define CODED_HEIGHT 1088
#define HEIGHT 1080

struct pair {
	uint32_t v4l2;		/* what the device writes */
	GstVideoFormat gst;	/* GStreamer's name for it; UNKNOWN: none */
	GstVideoFormat gst_linear;	/* the linear format both produce */
	const char *no_gst;	/* why GStreamer has no such format */
};

static const struct pair pairs[] = {
	{ V4L2_PIX_FMT_NV12_32L32, GST_VIDEO_FORMAT_NV12_32L32,
	  GST_VIDEO_FORMAT_NV12, NULL },
	{ V4L2_PIX_FMT_NV12_4L4, GST_VIDEO_FORMAT_NV12_4L4,
	  GST_VIDEO_FORMAT_NV12, NULL },
	/* The same packing: four 10-bit samples in five bytes, sample i in
	 * bits 10i..10i+9 of the group read as a little-endian number (the
	 * kernel's pixfmt-yuv-planar.rst; GStreamer's unpack_NV12_10LE40). */
	{ FMT_NV15, GST_VIDEO_FORMAT_NV12_10LE40, GST_VIDEO_FORMAT_P010_10LE,
	  NULL },
	/* NV12_10LE40_4L4 (1.24) is the packed NV15_4L4, not this. */
	{ V4L2_PIX_FMT_P010_4L4, GST_VIDEO_FORMAT_UNKNOWN,
	  GST_VIDEO_FORMAT_P010_10LE,
	  "GStreamer has no 4x4-tiled format of 16-bit samples" },
};

#define N_PAIRS (sizeof(pairs) / sizeof(pairs[0]))

/* One picture in memory the core laid out. */
struct picture {
	struct v4l2r_layout layout;
	uint8_t *mem;		/* every format here has one memory plane */
};

static bool picture_alloc(struct picture *p)
{
	void *mem = NULL;

	if (p->layout.mem_planes != 1 ||
	    posix_memalign(&mem, 4096, p->layout.mem_size[0]) != 0)
		return false;
	p->mem = mem;
	return true;
}

/* The device's buffer: the smallest bytesperline and sizeimage a driver
 * may report for WIDTH x CODED_HEIGHT, filled with random bytes. */
static bool device_picture(struct picture *p,
			   const struct v4l2r_format_desc *d, GRand *rand)
{
	uint32_t bpl[V4L2R_MAX_PLANES] = { 0 };
	uint32_t size[V4L2R_MAX_PLANES] = { UINT32_MAX };

	bpl[0] = (uint32_t)v4l2r_format_min_stride(d, 0, WIDTH);
	if (v4l2r_layout_from_device(d, WIDTH, CODED_HEIGHT, 1, bpl, size,
				     &p->layout) < 0)
		return false;
	size[0] = 0;
	for (unsigned i = 0; i < p->layout.num_planes; i++) {
		const struct v4l2r_plane *pl = &p->layout.plane[i];

		if (pl->offset + pl->size > size[0])
			size[0] = pl->offset + pl->size;
	}
	if (v4l2r_layout_from_device(d, WIDTH, CODED_HEIGHT, 1, bpl, size,
				     &p->layout) < 0 || !picture_alloc(p))
		return false;
	for (size_t i = 0; i + 4 <= p->layout.mem_size[0]; i += 4) {
		guint32 v = g_rand_int(rand);

		memcpy(p->mem + i, &v, 4);
	}
	return true;
}

/* GStreamer's description of a picture: its info for the format at the
 * picture's visible size, with the core's offsets and strides (a tiled
 * plane's in GStreamer's encoding: tiles across, tiles down). */
static bool describe_for_gst(GstVideoInfo *info, GstVideoFormat format,
		     const struct picture *p)
{
	const struct v4l2r_format_desc *d = p->layout.desc;

	if (!gst_video_info_set_format(info, format, WIDTH, HEIGHT) ||
	    GST_VIDEO_INFO_N_PLANES(info) != p->layout.num_planes)
		return false;
	for (unsigned i = 0; i < p->layout.num_planes; i++) {
		const struct v4l2r_plane *pl = &p->layout.plane[i];

		info->offset[i] = pl->offset;
		info->stride[i] = (gint)pl->stride;
		if (d->tile_w) {
			uint32_t tile_bytes = d->tile_w * d->row_num / d->row_den;
			uint64_t rows = v4l2r_format_plane_rows(d, i,
								p->layout.height);

			info->stride[i] = GST_VIDEO_TILE_MAKE_STRIDE(
				pl->stride / tile_bytes, rows / d->tile_h);
		}
	}
	info->size = p->layout.mem_size[0];
	return true;
}

static bool map_frame(GstVideoFrame *frame, const GstVideoInfo *info,
		      const struct picture *p, GstMapFlags flags)
{
	GstBuffer *buf = gst_buffer_new_wrapped_full(
		0, p->mem, p->layout.mem_size[0], 0, p->layout.mem_size[0],
		NULL, NULL);
	/* the frame holds its own reference */
	bool ok = gst_video_frame_map(frame, info, buf, flags);

	gst_buffer_unref(buf);
	return ok;
}

/* videoconvert's converter as a pure repack, on one thread. */
static GstVideoConverter *repack_converter(const GstVideoInfo *in,
					   const GstVideoInfo *out)
{
	GstStructure *config = gst_structure_new(
		"v4l2r-untile",
		GST_VIDEO_CONVERTER_OPT_DITHER_METHOD,
		GST_TYPE_VIDEO_DITHER_METHOD, GST_VIDEO_DITHER_NONE,
		GST_VIDEO_CONVERTER_OPT_CHROMA_MODE, GST_TYPE_VIDEO_CHROMA_MODE,
		GST_VIDEO_CHROMA_MODE_NONE,
		GST_VIDEO_CONVERTER_OPT_MATRIX_MODE, GST_TYPE_VIDEO_MATRIX_MODE,
		GST_VIDEO_MATRIX_MODE_NONE,
		GST_VIDEO_CONVERTER_OPT_GAMMA_MODE, GST_TYPE_VIDEO_GAMMA_MODE,
		GST_VIDEO_GAMMA_MODE_NONE,
		GST_VIDEO_CONVERTER_OPT_PRIMARIES_MODE,
		GST_TYPE_VIDEO_PRIMARIES_MODE, GST_VIDEO_PRIMARIES_MODE_NONE,
		GST_VIDEO_CONVERTER_OPT_THREADS, G_TYPE_UINT, 1, NULL);

	return gst_video_converter_new(in, out, config);
}

/* Where two linear pictures of one layout first differ, within the
 * picture's rows and row bytes; false when they do not. */
static bool first_difference(const struct v4l2r_layout *l, const uint8_t *a,
			     const uint8_t *b, unsigned *plane, size_t *row,
			     size_t *col)
{
	for (unsigned p = 0; p < l->num_planes; p++) {
		const struct v4l2r_plane *pl = &l->plane[p];
		size_t bytes = v4l2r_format_row_bytes(l->desc, p, l->width);
		size_t rows = v4l2r_format_plane_rows(l->desc, p, l->height);

		for (size_t y = 0; y < rows; y++) {
			const uint8_t *ra = a + pl->offset + y * pl->stride;
			const uint8_t *rb = b + pl->offset + y * pl->stride;

			if (memcmp(ra, rb, bytes) == 0)
				continue;
			for (size_t x = 0; x < bytes; x++)
				if (ra[x] != rb[x]) {
					*plane = p;
					*row = y;
					*col = x;
					return true;
				}
		}
	}
	return false;
}

enum outcome { SKIPPED, EQUAL, FAILED };

struct run {
	bool bench;
	unsigned runs;
	GRand *rand;
};

static enum outcome run_pair(const struct pair *pair, const struct run *run)
{
	const struct v4l2r_format_desc *from = v4l2r_format_by_v4l2(pair->v4l2);
	const struct v4l2r_format_desc *to =
		from ? v4l2r_format_by_v4l2(from->linear_fourcc) : NULL;
	struct picture src = { 0 }, ours = { 0 }, theirs = { 0 }, copy = { 0 };
	GstVideoInfo in_info, out_info;
	GstVideoFrame in_frame, out_frame;
	GstVideoConverter *conv = NULL;
	enum outcome outcome = FAILED;
	bool in_mapped = false, out_mapped = false;

	if (!from || !to) {
		printf("%08x: FAIL: not in the core's format table\n",
		       pair->v4l2);
		return FAILED;
	}
	printf("%s -> %s: ", from->name, to->name);
	if (pair->gst == GST_VIDEO_FORMAT_UNKNOWN) {
		printf("SKIP (%s)\n", pair->no_gst);
		return SKIPPED;
	}
	if (!device_picture(&src, from, run->rand) ||
	    v4l2r_layout_linear(to, WIDTH, HEIGHT, &ours.layout) < 0 ||
	    !picture_alloc(&ours)) {
		printf("FAIL: no %ux%u layout or memory\n", WIDTH,
		       CODED_HEIGHT);
		goto out;
	}
	theirs.layout = copy.layout = ours.layout;
	if (!picture_alloc(&theirs) || !picture_alloc(&copy)) {
		printf("FAIL: out of memory\n");
		goto out;
	}
	if (!describe_for_gst(&in_info, pair->gst, &src) ||
	    !describe_for_gst(&out_info, pair->gst_linear, &theirs)) {
		printf("FAIL: GStreamer cannot describe %s or %s at %ux%u\n",
		       gst_video_format_to_string(pair->gst),
		       gst_video_format_to_string(pair->gst_linear), WIDTH,
		       HEIGHT);
		goto out;
	}
	conv = repack_converter(&in_info, &out_info);
	if (!conv) {
		printf("SKIP (GStreamer's converter refuses %s -> %s)\n",
		       gst_video_format_to_string(pair->gst),
		       gst_video_format_to_string(pair->gst_linear));
		outcome = SKIPPED;
		goto out;
	}
	in_mapped = map_frame(&in_frame, &in_info, &src, GST_MAP_READ);
	out_mapped = map_frame(&out_frame, &out_info, &theirs, GST_MAP_WRITE);
	if (!in_mapped || !out_mapped) {
		printf("FAIL: gst_video_frame_map\n");
		goto out;
	}

	/* Different fills, so that a row either side leaves alone shows. */
	memset(ours.mem, 0x5a, ours.layout.mem_size[0]);
	memset(theirs.mem, 0xa5, theirs.layout.mem_size[0]);
	const uint8_t *const src_mem[] = { src.mem };
	uint8_t *const ours_mem[] = { ours.mem };
	int ret = v4l2r_convert_to_linear(&src.layout, src_mem, &ours.layout,
					  ours_mem);
	if (ret < 0) {
		printf("FAIL: v4l2r_convert_to_linear: %s\n", strerror(-ret));
		goto out;
	}
	gst_video_converter_frame(conv, &in_frame, &out_frame);

	unsigned plane;
	size_t row, col;
	if (first_difference(&ours.layout, ours.mem, theirs.mem, &plane, &row,
			     &col)) {
		const struct v4l2r_plane *pl = &ours.layout.plane[plane];
		size_t at = pl->offset + row * pl->stride + col;

		printf("FAIL: plane %u row %zu byte %zu: ours 0x%02x, "
		       "videoconvert 0x%02x\n", plane, row, col, ours.mem[at],
		       theirs.mem[at]);
		goto out;
	}
	outcome = EQUAL;
	if (!run->bench) {
		printf("equal (%ux%u)\n", WIDTH, HEIGHT);
		goto out;
	}

	/* Interleaved, in each of the six orders in turn: each of the three
	 * follows each of the others as often, none always finds the cache
	 * as one of them left it. */
	static const uint8_t orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
		{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	double bytes = (double)ours.layout.mem_size[0];
	double best_ours = 0, best_theirs = 0, best_copy = 0;
	for (unsigned r = 0; r < run->runs; r++) {
		for (unsigned k = 0; k < 3; k++) {
			double start = bench_now();

			switch (orders[r % 6][k]) {
			case 0:
				v4l2r_convert_to_linear(&src.layout, src_mem,
							&ours.layout, ours_mem);
				best_ours = bench_best_mbs(best_ours, bytes,
							   start);
				break;
			case 1:
				gst_video_converter_frame(conv, &in_frame,
							  &out_frame);
				best_theirs = bench_best_mbs(best_theirs, bytes,
							     start);
				break;
			default:
				best_copy = bench_memcpy_run(
					best_copy, copy.mem, ours.mem,
					ours.layout.mem_size[0]);
			}
		}
	}
	printf("equal; ours %.0f MB/s (%.2f of memcpy), videoconvert %.0f "
	       "MB/s (%.2f), memcpy %.0f MB/s; ours/videoconvert %.2f\n",
	       best_ours, best_ours / best_copy, best_theirs,
	       best_theirs / best_copy, best_copy, best_ours / best_theirs);
out:
	if (in_mapped)
		gst_video_frame_unmap(&in_frame);
	if (out_mapped)
		gst_video_frame_unmap(&out_frame);
	if (conv)
		gst_video_converter_free(conv);
	free(src.mem);
	free(ours.mem);
	free(theirs.mem);
	free(copy.mem);
	return outcome;
}

int main(int argc, char **argv)
{
	struct run run = { .runs = BENCH_RUNS };
	const char *seed_env = getenv("V4L2R_TEST_SEED");
	guint32 seed = seed_env ? (guint32)strtoul(seed_env, NULL, 0)
				: 0x5eed5eed;

	if (argc > 1 && strcmp(argv[1], "--bench") == 0) {
		run.bench = true;
		if (argc > 2)
			run.runs = (unsigned)strtoul(argv[2], NULL, 10);
	}
	if ((argc > 1 && !run.bench) || argc > 3 || !run.runs) {
		fprintf(stderr, "usage: %s [--bench [RUNS]]\n", argv[0]);
		return 2;
	}
	gst_init(NULL, NULL);
	run.rand = g_rand_new_with_seed(seed);
	guint major, minor, micro, nano;
	gst_version(&major, &minor, &micro, &nano);
	printf("seed 0x%x (set V4L2R_TEST_SEED to replay); our kernels: %s; "
	       "GStreamer %u.%u.%u\n", seed,
	       v4l2r_convert_kernels_active()->name, major, minor, micro);

	unsigned counts[3] = { 0 };
	for (size_t i = 0; i < N_PAIRS; i++)
		counts[run_pair(&pairs[i], &run)]++;
	printf("summary: %u of %zu formats byte-identical to videoconvert's, "
	       "%u different or failed, %u skipped\n", counts[EQUAL], N_PAIRS,
	       counts[FAILED], counts[SKIPPED]);
	g_rand_free(run.rand);
	gst_deinit();
	if (counts[FAILED])
		return EXIT_FAILURE;
	return counts[EQUAL] ? EXIT_SUCCESS : 77;
}
