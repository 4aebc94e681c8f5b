/* v4l2-request-test conform: the frame comparison, the canonical layout
 * of decoded frames (NV12, P010 ... as a raw planar file has them), the
 * fluster suite parser (JSON syntax errors included), and the escaping of the
 * JSON and JUnit XML reports. No decoding, no device. */
#include "config.h"

#include <check.h>

#include "unit.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavutil/frame.h>
#include <libavutil/md5.h>
#include <libavutil/pixfmt.h>

#include <json-c/json.h>

#include "conform_compare.h"
#include "conform_decode.h"
#include "conform_report.h"
#include "conform_suite.h"

/* ---- frames built by hand ---- */

#define W 16
#define H 8

/* An 8-bit 4:2:0 frame with padded rows (stride > width), filled with a
 * pattern that depends on seed. */
struct test_frame {
	uint8_t y[H][W + 7], u[H / 2][W / 2 + 3], v[H / 2][W / 2 + 3];
	struct conform_frame f;
};

static void make_frame(struct test_frame *t, unsigned seed)
{
	memset(t, 0xee, sizeof(*t));	/* padding must not count */
	for (unsigned r = 0; r < H; r++)
		for (unsigned c = 0; c < W; c++)
			t->y[r][c] = (uint8_t)(seed * 7 + r * 13 + c * 3);
	for (unsigned r = 0; r < H / 2; r++)
		for (unsigned c = 0; c < W / 2; c++) {
			t->u[r][c] = (uint8_t)(seed + 100 + r + c);
			t->v[r][c] = (uint8_t)(seed + 200 - r - c);
		}
	t->f = (struct conform_frame){
		.layout = { .nb_planes = 3, .depth = 8, .log2_chroma_w = 1,
			    .log2_chroma_h = 1 },
		.plane = {
			{ &t->y[0][0], sizeof(t->y[0]), W, H },
			{ &t->u[0][0], sizeof(t->u[0]), W / 2, H / 2 },
			{ &t->v[0][0], sizeof(t->v[0]), W / 2, H / 2 },
		},
		.format = "yuv420p",
	};
}

static void feed(struct conform_cmp *c, struct test_frame *test,
		 unsigned ntest, struct test_frame *ref, unsigned nref)
{
	for (unsigned i = 0; i < ntest || i < nref; i++)
		conform_cmp_add(c, i < ntest ? &test[i].f : NULL,
				i < nref ? &ref[i].f : NULL);
	conform_cmp_finish(c);
}

START_TEST(test_identical_frames_match)
{
	static struct test_frame a[3], b[3];
	struct conform_cmp c;
	char buf[256];

	for (unsigned i = 0; i < 3; i++) {
		make_frame(&a[i], i);
		make_frame(&b[i], i);
		memset(&b[i].y[0][W], 0x11, 7);	/* other padding */
	}
	ck_assert_int_eq(conform_cmp_init(&c), 0);
	feed(&c, a, 3, b, 3);
	ck_assert(conform_cmp_match(&c));
	ck_assert_int_eq(c.first_diff, -1);
	ck_assert_uint_eq(c.differing, 0);
	ck_assert_uint_eq(c.frames[CONFORM_TEST], 3);
	ck_assert_uint_eq(c.frames[CONFORM_REF], 3);
	ck_assert_mem_eq(c.md5[CONFORM_TEST], c.md5[CONFORM_REF], 16);
	conform_cmp_describe(&c, "VA-API", "software", buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	conform_cmp_free(&c);
}
END_TEST

START_TEST(test_one_pixel_change_is_caught)
{
	static struct test_frame a[4], b[4];
	struct conform_cmp c;
	char buf[256];

	for (unsigned i = 0; i < 4; i++) {
		make_frame(&a[i], i);
		make_frame(&b[i], i);
	}
	a[2].y[5][9] ^= 1;
	ck_assert_int_eq(conform_cmp_init(&c), 0);
	feed(&c, a, 4, b, 4);
	ck_assert(!conform_cmp_match(&c));
	ck_assert_int_eq(c.first_diff, 2);
	ck_assert_uint_eq(c.differing, 1);
	ck_assert(!c.first_missing);
	ck_assert(!c.first_shape);
	ck_assert(isfinite(c.psnr[0]));
	ck_assert(c.psnr[0] > 40.0);
	ck_assert(isinf(c.psnr[1]) && isinf(c.psnr[2]));
	ck_assert_str_ne(c.first_md5[CONFORM_TEST], c.first_md5[CONFORM_REF]);
	ck_assert_mem_ne(c.md5[CONFORM_TEST], c.md5[CONFORM_REF], 16);
	conform_cmp_describe(&c, "VA-API", "software", buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "first differing frame 2: PSNR Y ") == buf, "%s", buf);
	ck_assert_msg(strstr(buf, "U inf, V inf; 1 of 4 frames differ"), "%s", buf);
	conform_cmp_free(&c);
}
END_TEST

START_TEST(test_psnr_value)
{
	static struct test_frame a, b;
	double psnr[CONFORM_MAX_PLANES];

	make_frame(&a, 1);
	make_frame(&b, 1);
	a.y[0][0] = (uint8_t)(b.y[0][0] + 10);	/* 10 in one sample: MSE 100/128 */
	a.u[1][1] = (uint8_t)(b.u[1][1] - 3);	/* 9/32 */
	conform_frame_psnr(&a.f, &b.f, psnr);
	ck_assert_double_eq_tol(psnr[0], 10 * log10(255.0 * 255 * W * H / 100), 1e-9);
	ck_assert_double_eq_tol(psnr[1], 10 * log10(255.0 * 255 * 32 / 9), 1e-9);
	ck_assert(isinf(psnr[2]));
	ck_assert(isnan(psnr[3]));
}
END_TEST

START_TEST(test_psnr_ten_bit)
{
	uint8_t a[2 * 4 * 2], b[2 * 4 * 2];
	struct conform_frame fa = {
		.layout = { .nb_planes = 1, .depth = 10 },
		.plane = { { a, 8, 4, 2 } },
	}, fb = fa;
	double psnr[CONFORM_MAX_PLANES];

	fb.plane[0].data = b;
	for (unsigned i = 0; i < 8; i++) {
		a[2 * i] = b[2 * i] = (uint8_t)(i * 30);
		a[2 * i + 1] = b[2 * i + 1] = 3;	/* values above 768 */
	}
	a[2] = (uint8_t)(a[2] + 4);	/* sample 1: +4, MSE 16/8 */
	conform_frame_psnr(&fa, &fb, psnr);
	ck_assert_double_eq_tol(psnr[0], 10 * log10(1023.0 * 1023 * 8 / 16), 1e-9);
}
END_TEST

START_TEST(test_frame_count_mismatch)
{
	static struct test_frame a[4], b[4];
	struct conform_cmp c;
	char buf[256];

	for (unsigned i = 0; i < 4; i++) {
		make_frame(&a[i], i);
		make_frame(&b[i], i);
	}
	ck_assert_int_eq(conform_cmp_init(&c), 0);
	feed(&c, a, 3, b, 4);
	ck_assert(!conform_cmp_match(&c));
	ck_assert_uint_eq(c.frames[CONFORM_TEST], 3);
	ck_assert_uint_eq(c.frames[CONFORM_REF], 4);
	ck_assert_int_eq(c.first_diff, 3);
	ck_assert(c.first_missing);
	ck_assert_uint_eq(c.differing, 0);
	conform_cmp_describe(&c, "VA-API", "software", buf, sizeof(buf));
	ck_assert_str_eq(buf, "3 frames from VA-API, 4 from software; first "
			      "differing frame 3 (only software has it); 0 of 3 "
			      "frames differ");
	conform_cmp_free(&c);

	/* no frame at all on one side */
	ck_assert_int_eq(conform_cmp_init(&c), 0);
	feed(&c, a, 2, b, 0);
	ck_assert(!conform_cmp_match(&c));
	ck_assert_int_eq(c.first_diff, 0);
	conform_cmp_describe(&c, "VA-API", "software", buf, sizeof(buf));
	ck_assert_str_eq(buf, "2 frames from VA-API, 0 from software; first "
			      "differing frame 0 (only VA-API has it)");
	conform_cmp_free(&c);
}
END_TEST

START_TEST(test_shape_mismatch)
{
	static struct test_frame a, b;
	struct conform_cmp c;
	char buf[256];

	make_frame(&a, 0);
	make_frame(&b, 0);
	a.f.plane[0].width = W - 2;	/* the same bytes, fewer of them */
	ck_assert_int_eq(conform_cmp_init(&c), 0);
	conform_cmp_add(&c, &a.f, &b.f);
	conform_cmp_finish(&c);
	ck_assert(!conform_cmp_match(&c));
	ck_assert_int_eq(c.first_diff, 0);
	ck_assert(c.first_shape);
	conform_cmp_describe(&c, "VA-API", "software", buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "(VA-API: yuv420p 14x8 8-bit 4:2:0, software: "
				  "yuv420p 16x8 8-bit 4:2:0)"), "%s", buf);
	conform_cmp_free(&c);
}
END_TEST

/* The MD5 of a frame is that of its rows, padding left out: the bytes
 * a raw yuv420p file holds. */
START_TEST(test_frame_md5_is_raw_file_md5)
{
	static struct test_frame t;
	uint8_t raw[W * H * 3 / 2], *p = raw, md5[16], expected[16];

	make_frame(&t, 5);
	for (unsigned r = 0; r < H; r++, p += W)
		memcpy(p, t.y[r], W);
	for (unsigned r = 0; r < H / 2; r++, p += W / 2)
		memcpy(p, t.u[r], W / 2);
	for (unsigned r = 0; r < H / 2; r++, p += W / 2)
		memcpy(p, t.v[r], W / 2);
	av_md5_sum(expected, raw, sizeof(raw));
	conform_frame_md5(&t.f, md5);
	ck_assert_mem_eq(md5, expected, 16);
}
END_TEST

/* ---- AVFrames in the canonical layout ---- */

static AVFrame *alloc_frame(enum AVPixelFormat fmt, int w, int h)
{
	AVFrame *f = av_frame_alloc();

	ck_assert_ptr_nonnull(f);
	f->format = fmt;
	f->width = w;
	f->height = h;
	ck_assert_int_eq(av_frame_get_buffer(f, 0), 0);
	return f;
}

/* A planar frame and its semi-planar twin (chroma interleaved, samples
 * moved up by shift bits as P010 has them). */
static void make_twins(enum AVPixelFormat planar, enum AVPixelFormat semi,
		       unsigned bps, unsigned shift, int w, int h,
		       AVFrame **pf, AVFrame **sf)
{
	AVFrame *p = alloc_frame(planar, w, h), *s = alloc_frame(semi, w, h);
	int cw = (w + 1) / 2, ch = (h + 1) / 2;

	for (int r = 0; r < h; r++)
		for (int c = 0; c < w; c++) {
			unsigned v = (unsigned)(r * 31 + c * 7) % (bps == 1 ? 256 : 1024);

			if (bps == 1) {
				p->data[0][r * p->linesize[0] + c] = (uint8_t)v;
				s->data[0][r * s->linesize[0] + c] = (uint8_t)v;
			} else {
				uint16_t *pr = (uint16_t *)(p->data[0] + r * p->linesize[0]);
				uint16_t *sr = (uint16_t *)(s->data[0] + r * s->linesize[0]);

				pr[c] = (uint16_t)v;
				sr[c] = (uint16_t)(v << shift);
			}
		}
	for (int r = 0; r < ch; r++)
		for (int c = 0; c < cw; c++) {
			unsigned u = (unsigned)(r * 5 + c * 11 + 40) % (bps == 1 ? 256 : 1024);
			unsigned v = (unsigned)(r * 17 + c * 3 + 90) % (bps == 1 ? 256 : 1024);

			if (bps == 1) {
				p->data[1][r * p->linesize[1] + c] = (uint8_t)u;
				p->data[2][r * p->linesize[2] + c] = (uint8_t)v;
				s->data[1][r * s->linesize[1] + 2 * c] = (uint8_t)u;
				s->data[1][r * s->linesize[1] + 2 * c + 1] = (uint8_t)v;
			} else {
				uint16_t *sr = (uint16_t *)(s->data[1] + r * s->linesize[1]);

				((uint16_t *)(p->data[1] + r * p->linesize[1]))[c] = (uint16_t)u;
				((uint16_t *)(p->data[2] + r * p->linesize[2]))[c] = (uint16_t)v;
				sr[2 * c] = (uint16_t)(u << shift);
				sr[2 * c + 1] = (uint16_t)(v << shift);
			}
		}
	*pf = p;
	*sf = s;
}

static void check_twins_equal(enum AVPixelFormat planar,
			      enum AVPixelFormat semi, unsigned bps,
			      unsigned shift)
{
	struct conform_frame_buffers bp = { 0 }, bs = { 0 };
	struct conform_frame cp, cs;
	uint8_t mp[16], ms[16];
	AVFrame *p, *s;
	char err[256];

	/* odd sizes: chroma rounded up */
	make_twins(planar, semi, bps, shift, 35, 19, &p, &s);
	ck_assert_int_eq(conform_frame_from_av(p, 0, 0, 35, 19, &bp, &cp, err, sizeof(err)), 0);
	ck_assert_int_eq(conform_frame_from_av(s, 0, 0, 35, 19, &bs, &cs, err, sizeof(err)), 0);
	ck_assert(conform_frame_same_shape(&cp, &cs));
	ck_assert_uint_eq(cp.plane[1].width, 18);
	ck_assert_uint_eq(cp.plane[1].height, 10);
	ck_assert_uint_eq(cp.layout.depth, bps == 1 ? 8 : 10);
	/* the planar frame is used in place, the other converted */
	ck_assert_ptr_eq(cp.plane[0].data, p->data[0]);
	ck_assert_ptr_eq(cs.plane[1].data, bs.plane[1]);
	conform_frame_md5(&cp, mp);
	conform_frame_md5(&cs, ms);
	ck_assert_mem_eq(mp, ms, 16);

	/* a cropped area (even offsets: chroma follows) */
	ck_assert_int_eq(conform_frame_from_av(p, 4, 2, 20, 10, &bp, &cp, err, sizeof(err)), 0);
	ck_assert_int_eq(conform_frame_from_av(s, 4, 2, 20, 10, &bs, &cs, err, sizeof(err)), 0);
	ck_assert_uint_eq(cp.plane[0].width, 20);
	ck_assert_uint_eq(cp.plane[2].height, 5);
	ck_assert_uint_eq(cp.plane[0].data[0], p->data[0][2 * p->linesize[0] + 4 * bps]);
	conform_frame_md5(&cp, mp);
	conform_frame_md5(&cs, ms);
	ck_assert_mem_eq(mp, ms, 16);

	/* an area outside the frame is refused */
	ck_assert_int_lt(conform_frame_from_av(p, 30, 0, 10, 10, &bp, &cp, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "visible area"), "%s", err);

	av_frame_free(&p);
	av_frame_free(&s);
	conform_frame_buffers_free(&bp);
	conform_frame_buffers_free(&bs);
}

START_TEST(test_nv12_as_yuv420p)
{
	check_twins_equal(AV_PIX_FMT_YUV420P, AV_PIX_FMT_NV12, 1, 0);
}
END_TEST

START_TEST(test_p010_as_yuv420p10)
{
	check_twins_equal(AV_PIX_FMT_YUV420P10LE, AV_PIX_FMT_P010LE, 2, 6);
}
END_TEST

START_TEST(test_unsupported_format_refused)
{
	struct conform_frame_buffers b = { 0 };
	struct conform_frame f;
	AVFrame *p = alloc_frame(AV_PIX_FMT_RGB24, 8, 8);
	char err[256];

	ck_assert_int_eq(conform_frame_from_av(p, 0, 0, 8, 8, &b, &f, err, sizeof(err)), -ENOTSUP);
	ck_assert_msg(strstr(err, "rgb24"), "%s", err);
	av_frame_free(&p);
	conform_frame_buffers_free(&b);
}
END_TEST

START_TEST(test_layout_of_format)
{
	struct conform_layout a, b;

	ck_assert_int_eq(conform_layout_of_format("yuv420p", &a), 0);
	ck_assert_int_eq(conform_layout_of_format("nv12", &b), 0);
	ck_assert(conform_layout_equal(&a, &b));
	ck_assert_uint_eq(a.nb_planes, 3);
	ck_assert_uint_eq(a.depth, 8);
	ck_assert_int_eq(conform_layout_of_format("yuv420p10le", &a), 0);
	ck_assert_int_eq(conform_layout_of_format("p010le", &b), 0);
	ck_assert(conform_layout_equal(&a, &b));
	ck_assert_uint_eq(a.depth, 10);
	ck_assert_int_eq(conform_layout_of_format("yuv422p", &b), 0);
	ck_assert(!conform_layout_equal(&a, &b));
	ck_assert_int_eq(conform_layout_of_format("gray", &b), 0);
	ck_assert_uint_eq(b.nb_planes, 1);
	ck_assert_int_eq(conform_layout_of_format("no-such-format", &b), -EINVAL);
}
END_TEST

/* ---- suites ---- */

static const char valid_suite[] =
	"{\n"
	"  \"name\": \"JVT-TEST\",\n"
	"  \"codec\": \"H.264\",\n"
	"  \"description\": \"two vectors\",\n"
	"  \"test_vectors\": [\n"
	"    { \"name\": \"a\", \"source\": \"https://example.invalid/a.zip\",\n"
	"      \"input_file\": \"a.264\", \"output_format\": \"yuv420p\",\n"
	"      \"result\": \"0123456789ABCDEF0123456789abcdef\" },\n"
	"    { \"name\": \"b\", \"input_file\": \"/abs/b.264\", \"result\": \"\" }\n"
	"  ]\n"
	"}\n";

START_TEST(test_suite_valid)
{
	struct conform_suite s;
	char err[300];

	ck_assert_int_eq(conform_suite_parse(valid_suite, strlen(valid_suite),
					     "/suites", NULL, "file", &s, err,
					     sizeof(err)), 0);
	ck_assert_str_eq(s.name, "JVT-TEST");
	ck_assert_str_eq(s.codec, "H.264");
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.vectors[0].name, "a");
	ck_assert_str_eq(s.vectors[0].input, "/suites/a.264");
	ck_assert_str_eq(s.vectors[0].result, "0123456789abcdef0123456789abcdef");
	ck_assert_str_eq(s.vectors[0].output_format, "yuv420p");
	ck_assert_str_eq(s.vectors[1].input, "/abs/b.264");
	ck_assert_ptr_null(s.vectors[1].result);
	ck_assert_ptr_null(s.vectors[1].output_format);
	ck_assert_str_eq(conform_suite_demuxer(s.codec), "h264");
	conform_suite_free(&s);
	ck_assert_ptr_null(conform_suite_demuxer("VP9"));
}
END_TEST

/* Relative inputs: next to the suite, in a directory named after the
 * vector, or in fluster's resources layout. */
START_TEST(test_suite_file_and_resolution)
{
	char dir[] = "/tmp/test-conform-XXXXXX", path[256], err[300];
	const char *text = "{\"test_vectors\": ["
			   "{\"name\": \"v1\", \"input_file\": \"one.bin\", \"result\": \"\"},"
			   "{\"name\": \"v2\", \"input_file\": \"two.bin\", \"result\": \"\"},"
			   "{\"name\": \"v3\", \"input_file\": \"three.bin\", \"result\": \"\"}]}";
	struct conform_suite s;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/v2", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/v2/two.bin", dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/res", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/res/my-suite", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/res/my-suite/v3", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/res/my-suite/v3/three.bin", dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/my-suite.json", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);

	{
		char res[256], suite_path[256], want[300];

		snprintf(res, sizeof(res), "%s/res", dir);
		snprintf(suite_path, sizeof(suite_path), "%s/my-suite.json", dir);
		ck_assert_int_eq(conform_suite_load(suite_path, res, &s, err,
						    sizeof(err)), 0);
		ck_assert_str_eq(s.name, "my-suite");	/* from the file name */
		ck_assert_ptr_null(s.codec);
		snprintf(want, sizeof(want), "%s/one.bin", dir);	/* absent: first candidate */
		ck_assert_str_eq(s.vectors[0].input, want);
		snprintf(want, sizeof(want), "%s/v2/two.bin", dir);
		ck_assert_str_eq(s.vectors[1].input, want);
		snprintf(want, sizeof(want), "%s/res/my-suite/v3/three.bin", dir);
		ck_assert_str_eq(s.vectors[2].input, want);
		conform_suite_free(&s);

		snprintf(want, sizeof(want), "%s/none.json", dir);
		ck_assert_int_eq(conform_suite_load(want, NULL, &s, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "none.json: cannot read: No such file"), "%s", err);
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_suite_errors)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{ "{\"test_vectors\": [}", "not valid JSON: line 1, column 19: unexpected character, found '}'" },
		{ "[]", "the top level is an array, not an object" },
		{ "{\"name\": \"x\"}", "no \"test_vectors\" (not a fluster suite?)" },
		{ "{\"test_vectors\": {}}", "\"test_vectors\" is an object, not an array" },
		{ "{\"test_vectors\": []}", "\"test_vectors\" is empty" },
		{ "{\"test_vectors\": [3]}", "test_vectors[0]: a number, not an object" },
		{ "{\"test_vectors\": [{\"input_file\": \"a\", \"result\": \"\"}]}",
		  "test_vectors[0]: no \"name\"" },
		{ "{\"test_vectors\": [{\"name\": \"a\", \"input_file\": \"a\", \"result\": \"\"},"
		  " {\"name\": \"b\", \"result\": \"\"}]}",
		  "test_vectors[1] (\"b\"): no \"input_file\"" },
		{ "{\"test_vectors\": [{\"name\": \"a\", \"input_file\": \"a\"}]}",
		  "test_vectors[0] (\"a\"): no \"result\"" },
		{ "{\"test_vectors\": [{\"name\": \"a\", \"input_file\": 5, \"result\": \"\"}]}",
		  "test_vectors[0] (\"a\"): \"input_file\" is a number, not a string" },
		{ "{\"test_vectors\": [{\"name\": \"a\", \"input_file\": \"a\", \"result\": \"123\"}]}",
		  "test_vectors[0] (\"a\"): \"result\" is not an MD5 (32 hex digits): \"123\"" },
		{ "{\"test_vectors\": [{\"name\": \"a\", \"input_file\": \"a\","
		  " \"result\": \"0123456789abcdef0123456789abcdeg\"}]}",
		  "\"result\" is not an MD5" },
		{ "{\"name\": 1, \"test_vectors\": [{}]}", "\"name\" is a number, not a string" },
	};
	struct conform_suite s;
	char err[300];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(conform_suite_parse(cases[i].text, strlen(cases[i].text),
						     ".", NULL, "x", &s, err,
						     sizeof(err)), -1);
		ck_assert_msg(strstr(err, cases[i].message), "%s: got \"%s\"",
			      cases[i].text, err);
		ck_assert_uint_eq(s.n, 0);
		ck_assert_ptr_null(s.vectors);
	}
}
END_TEST

/* Not JSON (RFC 8259: no comments, no trailing commas): the message
 * names the line, the column and what is there. */
START_TEST(test_suite_syntax_errors)
{
	static const struct {
		const char *text;
		size_t len;	/* 0: strlen(text) */
		const char *message;
	} cases[] = {
		{ "", 0, "not valid JSON: line 1, column 1: unexpected end of data" },
		{ "{\"a\": 1,\n \"b\" 2}", 0, "not valid JSON: line 2, column 6: "
		  "object property name separator ':' expected, found '2'" },
		{ "{\n  \"test_vectors\": [\n    { \"name\": \"x\" ]\n}\n", 0,
		  "not valid JSON: line 3, column 19: object value separator ',' expected, found ']'" },
		{ "[1, 2", 0, "not valid JSON: line 1, column 6: unexpected end of data" },
		{ "{\"a\": tru}", 0, "not valid JSON: line 1, column 10: boolean expected, found '}'" },
		{ "\"\\q\"", 0, "not valid JSON: line 1, column 3: invalid string sequence, found 'q'" },
		{ "{} x", 0, "not valid JSON: line 1, column 4: unexpected character, found 'x'" },
		{ "{\"caf\xc3\xa9\": 1 2}", 0, "line 1, column 12: object value separator ',' expected, found '2'" },
		{ "{1: 2}", 0, "found '1'" },
		{ "[-]", 0, "number expected" },
		{ "\"open", 0, "unexpected end of data" },
		{ "[1,]", 0, "unexpected character, found ']'" },
		{ "{\"a\": 1,}", 0, "found '}'" },
		{ "/* c */ {}", 0, "found '/'" },
		{ "{\"a\": 1}\x01", 0, "found byte 01" },
		{ "{\"a\": [1,\0 2]}", 14, "line 1, column 10: unexpected end of data, found byte 00" },
	};
	struct conform_suite s;
	char err[300];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);

		ck_assert_int_eq(conform_suite_parse(cases[i].text, len, ".", NULL,
						     "x", &s, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, cases[i].message), "%s: got \"%s\"",
			      cases[i].text, err);
		ck_assert_uint_eq(s.n, 0);
	}
}
END_TEST

/* {"x": [[...]], "test_vectors": [...]}: depth levels of nesting. */
static char *suite_nested(unsigned depth)
{
	static const char tail[] = ", \"test_vectors\": [{\"name\": \"a\", "
				   "\"input_file\": \"a\", \"result\": \"\"}]}";
	char *text = malloc(2 * depth + sizeof(tail) + 16), *p = text;

	ck_assert_ptr_nonnull(text);
	p += sprintf(p, "{\"x\": ");
	for (unsigned i = 1; i < depth; i++)
		*p++ = '[';
	for (unsigned i = 1; i < depth; i++)
		*p++ = ']';
	strcpy(p, tail);
	return text;
}

START_TEST(test_suite_depth_limit)
{
	struct conform_suite s;
	char err[300], *text;

	text = suite_nested(64);
	ck_assert_msg(conform_suite_parse(text, strlen(text), ".", NULL, "x", &s,
					  err, sizeof(err)) == 0, "%s", err);
	conform_suite_free(&s);
	free(text);
	text = suite_nested(65);
	ck_assert_int_eq(conform_suite_parse(text, strlen(text), ".", NULL, "x",
					     &s, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "not valid JSON: line 1, column 70: nesting too deep, found '['"),
		      "%s", err);
	free(text);
}
END_TEST

/* Numbers out of range are no error where no number is read, and a type
 * error where a string is; a NUL character in a string is refused. */
START_TEST(test_suite_odd_values)
{
	static const char huge[] =
		"\xef\xbb\xbf{\"x\": [1e999, -1e999, 1e-999, 0.1e1],"
		" \"test_vectors\": [{\"name\": \"a\", \"input_file\": \"a\","
		" \"result\": \"\", \"size\": 1e400}]}";
	/* json-c 0.16 clamps an integer beyond 64 bits, 0.18 refuses it */
	static const char too_long[] = "{\"x\": 99999999999999999999999999, "
		"\"test_vectors\": [{\"name\": \"a\", \"input_file\": \"a\", \"result\": \"\"}]}";
	static const struct {
		const char *text, *message;
	} cases[] = {
		{ "{\"test_vectors\": [{\"name\": \"a\", \"input_file\": \"a\", \"result\": 1e999}]}",
		  "test_vectors[0] (\"a\"): \"result\" is a number, not a string" },
		{ "{\"test_vectors\": [{\"name\": \"a\\u0000b\", \"input_file\": \"a\", \"result\": \"\"}]}",
		  "test_vectors[0]: \"name\" holds a NUL character (\\u0000)" },
		{ "{\"test_vectors\": [{\"name\": null, \"input_file\": \"a\", \"result\": \"\"}]}",
		  "test_vectors[0]: \"name\" is a null, not a string" },
		{ "{\"test_vectors\": [true]}", "test_vectors[0]: a boolean, not an object" },
	};
	struct conform_suite s;
	char err[300];

	ck_assert_msg(conform_suite_parse(huge, strlen(huge), ".", NULL, "x", &s,
					  err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(s.vectors[0].name, "a");
	conform_suite_free(&s);
	if (conform_suite_parse(too_long, strlen(too_long), ".", NULL, "x", &s,
				err, sizeof(err)) == 0)
		conform_suite_free(&s);
	else
		ck_assert_msg(strstr(err, "not valid JSON: line 1, column 33: number expected"),
			      "%s", err);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(conform_suite_parse(cases[i].text, strlen(cases[i].text),
						     ".", NULL, "x", &s, err,
						     sizeof(err)), -1);
		ck_assert_msg(strstr(err, cases[i].message), "%s: got \"%s\"",
			      cases[i].text, err);
	}
}
END_TEST

/* ---- reports ---- */

/* Names with everything that needs escaping: quotes, markup, a control
 * character, a line end, an invalid UTF-8 byte, and valid UTF-8. */
#define NASTY "a\"b'c<d>&e\\f\x01g\nh\xffi caf\xc3\xa9"
#define NASTY_AS_UTF8 "a\"b'c<d>&e\\f\x01g\nh\xef\xbf\xbdi caf\xc3\xa9"

static void make_results(struct conform_result r[3])
{
	ck_assert_int_eq(conform_result_init(&r[0], "plain.mp4", NULL, "dir/plain.mp4"), 0);
	r[0].status = CONFORM_PASS;
	r[0].frames = r[0].ref_frames = 10;
	conform_result_set_detail(&r[0], "10 frames");

	ck_assert_int_eq(conform_result_init(&r[1], NASTY, "suite<1>", "/x/" NASTY), 0);
	r[1].status = CONFORM_FAIL;
	r[1].frames = r[1].ref_frames = 10;
	r[1].differing = 10;
	r[1].first_diff = 0;
	r[1].nb_psnr = 3;
	r[1].psnr_layout = (struct conform_layout){ .nb_planes = 3, .depth = 8 };
	r[1].psnr[0] = 12.5;
	r[1].psnr[1] = INFINITY;
	r[1].psnr[2] = 30.25;
	strcpy(r[1].md5, "00112233445566778899aabbccddeeff");
	strcpy(r[1].ref_md5, "ffeeddccbbaa99887766554433221100");
	conform_result_set_detail(&r[1], "first differing frame 0: " NASTY);

	ck_assert_int_eq(conform_result_init(&r[2], "broken", "suite<1>", "b"), 0);
	r[2].status = CONFORM_ERROR;
	conform_result_set_detail(&r[2], "cannot open b: <&>");
}

static char *write_report(void (*fn)(FILE *, const struct conform_run *,
				     const struct conform_result *, size_t),
			  const struct conform_result *r, size_t n)
{
	struct conform_run run = { "vaapi", "software", "/dev/dri/renderD128", 1.5 };
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	ck_assert_ptr_nonnull(f);
	fn(f, &run, r, n);
	fclose(f);
	return buf;
}

/* A member that must be there (its value may be null: NULL). */
static struct json_object *member(struct json_object *obj, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(obj, key, &v), "no \"%s\"", key);
	return v;
}

START_TEST(test_json_report_round_trip)
{
	struct conform_result r[3];
	struct json_object *doc, *streams, *s1, *psnr;
	char *out;

	make_results(r);
	out = write_report(conform_report_json, r, 3);
	doc = json_tokener_parse(out);
	ck_assert_msg(doc, "not JSON:\n%s", out);
	ck_assert_int_eq(json_object_get_int(member(doc, "passed")), 1);
	ck_assert_int_eq(json_object_get_int(member(doc, "failed")), 1);
	ck_assert_int_eq(json_object_get_int(member(doc, "errors")), 1);
	ck_assert_str_eq(json_object_get_string(member(doc, "device")), "/dev/dri/renderD128");
	streams = member(doc, "streams");
	ck_assert_uint_eq(json_object_array_length(streams), 3);
	s1 = json_object_array_get_idx(streams, 1);
	ck_assert_str_eq(json_object_get_string(member(s1, "name")), NASTY_AS_UTF8);
	ck_assert_str_eq(json_object_get_string(member(s1, "suite")), "suite<1>");
	ck_assert_str_eq(json_object_get_string(member(s1, "detail")),
			 "first differing frame 0: " NASTY_AS_UTF8);
	ck_assert_str_eq(json_object_get_string(member(s1, "result")), "FAIL");
	ck_assert_int_eq(json_object_get_int(member(s1, "first_differing_frame")), 0);
	psnr = member(s1, "psnr");
	ck_assert_double_eq(json_object_get_double(member(psnr, "Y")), 12.5);
	ck_assert_ptr_null(member(psnr, "U"));	/* identical: null */
	ck_assert_double_eq(json_object_get_double(member(psnr, "V")), 30.25);
	ck_assert_ptr_null(member(json_object_array_get_idx(streams, 0), "suite"));
	ck_assert_ptr_null(member(json_object_array_get_idx(streams, 0),
				  "first_differing_frame"));
	ck_assert_ptr_null(member(json_object_array_get_idx(streams, 2), "psnr"));
	json_object_put(doc);
	free(out);
	for (int i = 0; i < 3; i++)
		conform_result_free(&r[i]);
}
END_TEST

START_TEST(test_junit_report_escaping)
{
	struct conform_result r[3];
	char *out;

	make_results(r);
	out = write_report(conform_report_junit, r, 3);
	ck_assert_msg(strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 50) == 0, "%s", out);
	/* XML 1.0 cannot hold U+0001 at all, not even as a reference */
	for (const char *p = out; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n', "control byte %02x", *p);
	ck_assert_msg(strstr(out, "tests=\"3\" failures=\"1\" errors=\"1\""), "%s", out);
	ck_assert_msg(strstr(out, "<testsuite name=\"conform\" tests=\"1\""), "%s", out);
	ck_assert_msg(strstr(out, "<testsuite name=\"suite&lt;1&gt;\" tests=\"2\" failures=\"1\" errors=\"1\""), "%s", out);
	ck_assert_msg(strstr(out, " name=\"a&quot;b&apos;c&lt;d&gt;&amp;e\\f\xef\xbf\xbdg&#10;h\xef\xbf\xbdi caf\xc3\xa9\""),
		      "%s", out);
	ck_assert_msg(strstr(out, "<failure type=\"mismatch\" message=\"first differing frame 0: a&quot;"), "%s", out);
	ck_assert_msg(strstr(out, "<error type=\"error\" message=\"cannot open b: &lt;&amp;&gt;\">"), "%s", out);
	ck_assert_msg(strstr(out, "<testcase classname=\"conform.conform\" name=\"plain.mp4\" file=\"dir/plain.mp4\" time=\"0.000\"/>"), "%s", out);
	ck_assert_msg(strstr(out, "</testsuites>\n"), "%s", out);
	free(out);
	for (int i = 0; i < 3; i++)
		conform_result_free(&r[i]);
}
END_TEST

START_TEST(test_xml_escape_rejects_invalid_characters)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },	/* overlong '/' */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },	/* surrogate */
		{ "\xef\xbf\xbe", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },	/* U+FFFE */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf0\x9f\x8e\xa5\t\r", "\xf0\x9f\x8e\xa5&#9;&#13;" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf = NULL;
		size_t size = 0;
		FILE *f = open_memstream(&buf, &size);

		conform_xml_escape(f, cases[i].in);
		fclose(f);
		ck_assert_str_eq(buf, cases[i].out);
		free(buf);
	}
}
END_TEST

START_TEST(test_text_report)
{
	struct conform_result r[3];
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	make_results(r);
	for (int i = 0; i < 3; i++)
		conform_report_text(f, &r[i]);
	conform_report_summary(f, r, 3);
	fclose(f);
	ck_assert_str_eq(buf,
			 "conform plain.mp4: PASS (10 frames)\n"
			 "conform suite<1>/a\"b'c<d>&e\\f?g?h\xffi caf\xc3\xa9: FAIL "
			 "(first differing frame 0: a\"b'c<d>&e\\f?g?h\xffi caf\xc3\xa9)\n"
			 "conform suite<1>/broken: ERROR (cannot open b: <&>)\n"
			 "1 passed, 1 failed, 1 errors\n");
	free(buf);
	for (int i = 0; i < 3; i++)
		conform_result_free(&r[i]);
}
END_TEST

static Suite *conform_suite(void)
{
	Suite *s = suite_create("conform");
	TCase *tc;

	tc = tcase_create("compare");
	tcase_add_test(tc, test_identical_frames_match);
	tcase_add_test(tc, test_one_pixel_change_is_caught);
	tcase_add_test(tc, test_psnr_value);
	tcase_add_test(tc, test_psnr_ten_bit);
	tcase_add_test(tc, test_frame_count_mismatch);
	tcase_add_test(tc, test_shape_mismatch);
	tcase_add_test(tc, test_frame_md5_is_raw_file_md5);
	suite_add_tcase(s, tc);

	tc = tcase_create("canonical");
	tcase_add_test(tc, test_nv12_as_yuv420p);
	tcase_add_test(tc, test_p010_as_yuv420p10);
	tcase_add_test(tc, test_unsupported_format_refused);
	tcase_add_test(tc, test_layout_of_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("suite");
	tcase_add_test(tc, test_suite_valid);
	tcase_add_test(tc, test_suite_file_and_resolution);
	tcase_add_test(tc, test_suite_errors);
	tcase_add_test(tc, test_suite_syntax_errors);
	tcase_add_test(tc, test_suite_depth_limit);
	tcase_add_test(tc, test_suite_odd_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("report");
	tcase_add_test(tc, test_json_report_round_trip);
	tcase_add_test(tc, test_junit_report_escaping);
	tcase_add_test(tc, test_xml_escape_rejects_invalid_characters);
	tcase_add_test(tc, test_text_report);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(conform_suite());
}
