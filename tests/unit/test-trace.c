/* Trace files: MD5 against RFC 1321's vectors, canonical pictures, every
 * reference field of the table against the uAPI structs, write/read round
 * trips, the recorder's timestamp-to-frame logic on a session without a
 * device, and corrupt input: every truncation, bad magic and versions,
 * oversized lengths, unknown controls, and thousands of random mutations
 * (none may crash; run `valgrind tests/unit/test-trace` once by hand).
 * V4L2R_TEST_SEED picks the mutation seed. */
#include <check.h>

#include "unit.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "core/session_private.h"
#include "core/trace_private.h"
#include "v4l2r/trace.h"

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static void seed_rng(void)
{
	const char *env = getenv("V4L2R_TEST_SEED");

	rng_state = env ? strtoull(env, NULL, 0) : 0x7eace;
	if (!rng_state)
		rng_state = 1;
}

static char *temp_path(void)
{
	const char *dir = getenv("TMPDIR");
	size_t n = strlen(dir ? dir : "/tmp") + 32;
	char *path = malloc(n);

	ck_assert_ptr_nonnull(path);
	snprintf(path, n, "%s/test-trace.XXXXXX", dir ? dir : "/tmp");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

static uint8_t *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* ---- MD5 ---- */

static void md5_of(const void *data, size_t size, char hex[33])
{
	uint8_t out[16];

	v4l2r_md5_sum(data, size, out);
	v4l2r_md5_hex(out, hex);
}

START_TEST(md5_vectors)
{
	/* RFC 1321, appendix A.5 */
	static const char *const vectors[][2] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz",
		  "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678901"
		  "2345678901234567890", "57edf4a22be3c955ac49da2e2107b67a" },
	};
	char hex[33];

	for (unsigned i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		md5_of(vectors[i][0], strlen(vectors[i][0]), hex);
		ck_assert_str_eq(hex, vectors[i][1]);
	}
}
END_TEST

/* ---- canonical pictures ---- */

static uint8_t pixel(unsigned plane, unsigned x, unsigned y)
{
	return (uint8_t)(plane * 101 + x * 3 + y * 17);
}

START_TEST(canonical_nv12_padded)
{
	const struct v4l2r_format_desc *d = v4l2r_format_by_v4l2(V4L2_PIX_FMT_NV12);
	uint32_t bpl[1] = { 352 }, size[1] = { 352 * 250 * 3 / 2 };
	struct v4l2r_layout l;
	ck_assert_int_eq(v4l2r_layout_from_device(d, 322, 242, 1, bpl, size, &l), 0);
	uint8_t *mem = calloc(1, size[0]);
	for (unsigned y = 0; y < 242; y++)
		for (unsigned x = 0; x < 322; x++)
			mem[l.plane[0].offset + y * l.plane[0].stride + x] =
				pixel(0, x, y);
	for (unsigned y = 0; y < 121; y++)
		for (unsigned x = 0; x < 322; x++)
			mem[l.plane[1].offset + y * l.plane[1].stride + x] =
				pixel(1, x, y);

	/* 321x241 inside a 322x242 picture: odd sizes round chroma up. */
	size_t n = v4l2r_picture_canonical_size(V4L2_PIX_FMT_NV12, 321, 241);
	ck_assert_uint_eq(n, 321 * 241 + 2 * 161 * 121);
	uint8_t *out = malloc(n);
	const uint8_t *planes[1] = { mem };
	uint32_t fourcc, w, h;
	ck_assert_int_eq(v4l2r_picture_canonical(&l, planes, 321, 241, out, n,
						 &fourcc, &w, &h), 0);
	ck_assert_uint_eq(fourcc, V4L2_PIX_FMT_NV12);
	ck_assert_uint_eq(w, 321);
	ck_assert_uint_eq(h, 241);
	for (unsigned y = 0; y < 241; y++)
		for (unsigned x = 0; x < 321; x++)
			ck_assert_uint_eq(out[y * 321 + x], pixel(0, x, y));
	const uint8_t *c = out + 321 * 241;
	for (unsigned y = 0; y < 121; y++)
		for (unsigned x = 0; x < 322; x++)
			ck_assert_uint_eq(c[y * 322 + x], pixel(1, x, y));
	/* Too small an output, and a size clipped to the layout. */
	ck_assert_int_eq(v4l2r_picture_canonical(&l, planes, 321, 241, out,
						 n - 1, NULL, NULL, NULL),
			 -EINVAL);
	free(out);
	n = v4l2r_picture_canonical_size(V4L2_PIX_FMT_NV12, 322, 242);
	out = malloc(n);
	ck_assert_int_eq(v4l2r_picture_canonical(&l, planes, 4000, 4000, out,
						 n, &fourcc, &w, &h), 0);
	ck_assert_uint_eq(w, 322);
	ck_assert_uint_eq(h, 242);
	free(out);
	free(mem);
}
END_TEST

/* A YUV420 picture and the same pixels as NV12 hash the same. */
START_TEST(canonical_yuv420_matches_nv12)
{
	const unsigned W = 64, H = 48;
	struct v4l2r_layout ly, ln;
	ck_assert_int_eq(v4l2r_layout_linear(v4l2r_format_by_v4l2(V4L2_PIX_FMT_YUV420),
					     W, H, &ly), 0);
	ck_assert_int_eq(v4l2r_layout_linear(v4l2r_format_by_v4l2(V4L2_PIX_FMT_NV12),
					     W, H, &ln), 0);
	uint8_t *my = calloc(1, ly.mem_size[0]), *mn = calloc(1, ln.mem_size[0]);
	for (unsigned y = 0; y < H; y++)
		for (unsigned x = 0; x < W; x++)
			my[y * W + x] = mn[y * W + x] = pixel(0, x, y);
	for (unsigned y = 0; y < H / 2; y++)
		for (unsigned x = 0; x < W / 2; x++) {
			my[ly.plane[1].offset + y * (W / 2) + x] = pixel(1, x, y);
			my[ly.plane[2].offset + y * (W / 2) + x] = pixel(2, x, y);
			mn[ln.plane[1].offset + y * W + 2 * x] = pixel(1, x, y);
			mn[ln.plane[1].offset + y * W + 2 * x + 1] = pixel(2, x, y);
		}
	size_t n = v4l2r_picture_canonical_size(V4L2_PIX_FMT_NV12, W, H);
	uint8_t *a = malloc(n), *b = malloc(n);
	const uint8_t *py[1] = { my }, *pn[1] = { mn };
	ck_assert_int_eq(v4l2r_picture_canonical(&ly, py, W, H, a, n, NULL, NULL, NULL), 0);
	ck_assert_int_eq(v4l2r_picture_canonical(&ln, pn, W, H, b, n, NULL, NULL, NULL), 0);
	ck_assert_mem_eq(a, b, n);
	free(a);
	free(b);
	free(my);
	free(mn);
}
END_TEST

/* Cedrus tiles: 32x32-byte tiles, row-major, in both planes. */
START_TEST(canonical_untiles)
{
	const unsigned W = 96, H = 64, S = 96;
	const struct v4l2r_format_desc *d =
		v4l2r_format_by_v4l2(V4L2_PIX_FMT_NV12_32L32);
	uint32_t bpl[1] = { S }, size[1] = { S * H + S * 32 };
	struct v4l2r_layout l;
	ck_assert_int_eq(v4l2r_layout_from_device(d, W, H, 1, bpl, size, &l), 0);
	uint8_t *mem = calloc(1, size[0]);
	for (unsigned p = 0; p < 2; p++) {
		unsigned rows = p ? H / 2 : H;
		for (unsigned y = 0; y < rows; y++)
			for (unsigned x = 0; x < W; x++)
				mem[l.plane[p].offset + (y / 32) * S * 32 +
				    (x / 32) * 1024 + (y % 32) * 32 + x % 32] =
					pixel(p, x, y);
	}
	size_t n = v4l2r_picture_canonical_size(V4L2_PIX_FMT_NV12, W, H);
	uint8_t *out = malloc(n);
	const uint8_t *planes[1] = { mem };
	ck_assert_int_eq(v4l2r_picture_canonical(&l, planes, W, H, out, n,
						 NULL, NULL, NULL), 0);
	for (unsigned y = 0; y < H; y++)
		for (unsigned x = 0; x < W; x++)
			ck_assert_uint_eq(out[y * W + x], pixel(0, x, y));
	for (unsigned y = 0; y < H / 2; y++)
		for (unsigned x = 0; x < W; x++)
			ck_assert_uint_eq(out[W * H + y * W + x], pixel(1, x, y));
	free(out);
	free(mem);
}
END_TEST

/* ---- reference fields ---- */

/* Timestamps are 1000 * (frame + 1) here. */
static bool test_frame_of(void *opaque, uint64_t ts, uint32_t *frame)
{
	(void)opaque;
	if (!ts || ts % 1000 || ts / 1000 > 100)
		return false;
	*frame = (uint32_t)(ts / 1000 - 1);
	return true;
}

static const uint64_t frame_ts[100] = {
#define T(n) [n] = ((n) + 1) * 1000
	T(0), T(1), T(2), T(3), T(4), T(5), T(6), T(7), T(8), T(9), T(10),
	T(11), T(12), T(13), T(14), T(15), T(16), T(17), T(18), T(19), T(20),
#undef T
};

/* Rewrites a payload whose reference fields were set through the uAPI
 * struct, and checks that nothing else moved. */
static void check_rewrite(uint32_t cid, void *payload, size_t size,
			  unsigned expected_refs)
{
	uint8_t *orig = malloc(size), *p = payload;
	memcpy(orig, payload, size);

	ck_assert_int_eq(v4l2r_trace_refs_to_frames(cid, p, size, test_frame_of,
						    NULL), 0);
	/* Only the listed fields changed; each now holds a frame index. */
	unsigned n_fields, changed = 0;
	uint64_t max_frame = 0;
	const struct v4l2r_trace_ref_field *f = v4l2r_trace_ref_fields(&n_fields);
	uint8_t *mask = calloc(1, size);
	for (unsigned i = 0; i < n_fields; i++) {
		if (f[i].cid != cid)
			continue;
		for (unsigned k = 0; k < f[i].count; k++) {
			size_t off = f[i].offset + k * f[i].stride;
			uint64_t was, now;
			memcpy(&was, orig + off, 8);
			memcpy(&now, p + off, 8);
			if (was) {
				ck_assert_uint_eq(now, was / 1000 - 1);
				if (now > max_frame)
					max_frame = now;
			}
			else
				ck_assert_uint_eq(now, V4L2R_TRACE_NO_FRAME);
			changed += was != 0;
			memset(mask + off, 1, 8);
		}
	}
	for (size_t i = 0; i < size; i++)
		if (!mask[i])
			ck_assert_uint_eq(p[i], orig[i]);
	ck_assert_uint_eq(changed, expected_refs);
	/* And back. */
	ck_assert_int_eq(v4l2r_trace_refs_to_timestamps(cid, p, size, frame_ts,
							21), 0);
	ck_assert_mem_eq(p, orig, size);
	/* An index beyond the frames known is refused. */
	ck_assert_int_eq(v4l2r_trace_refs_to_frames(cid, p, size, test_frame_of,
						    NULL), 0);
	ck_assert_int_eq(v4l2r_trace_refs_to_timestamps(cid, p, size, frame_ts,
							(uint32_t)max_frame),
			 -EINVAL);
	/* A payload too small for the fields is refused. */
	ck_assert_int_eq(v4l2r_trace_refs_to_frames(cid, p, 8, test_frame_of,
						    NULL), -EINVAL);
	free(mask);
	free(orig);
}

START_TEST(refs_mpeg2)
{
	struct v4l2_ctrl_mpeg2_picture pic;
	memset(&pic, 0x11, sizeof(pic));
	pic.backward_ref_ts = 3000;
	pic.forward_ref_ts = 8000;
	check_rewrite(V4L2_CID_STATELESS_MPEG2_PICTURE, &pic, sizeof(pic), 2);
	ck_assert(v4l2r_trace_control_has_refs(V4L2_CID_STATELESS_MPEG2_PICTURE));
	ck_assert(!v4l2r_trace_control_has_refs(V4L2_CID_STATELESS_MPEG2_SEQUENCE));
}
END_TEST

START_TEST(refs_h264)
{
	struct v4l2_ctrl_h264_decode_params d;
	memset(&d, 0x22, sizeof(d));
	for (unsigned i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++)
		d.dpb[i].reference_ts = i % 3 ? (i + 1) * 1000 : 0;
	check_rewrite(V4L2_CID_STATELESS_H264_DECODE_PARAMS, &d, sizeof(d), 10);
}
END_TEST

START_TEST(refs_hevc)
{
	struct v4l2_ctrl_hevc_decode_params d;
	memset(&d, 0x33, sizeof(d));
	for (unsigned i = 0; i < V4L2_HEVC_DPB_ENTRIES_NUM_MAX; i++)
		d.dpb[i].timestamp = i < 5 ? (i + 4) * 1000 : 0;
	check_rewrite(V4L2_CID_STATELESS_HEVC_DECODE_PARAMS, &d, sizeof(d), 5);
}
END_TEST

START_TEST(refs_vp8)
{
	struct v4l2_ctrl_vp8_frame f;
	memset(&f, 0x44, sizeof(f));
	f.last_frame_ts = 2000;
	f.golden_frame_ts = 1000;
	f.alt_frame_ts = 0;
	check_rewrite(V4L2_CID_STATELESS_VP8_FRAME, &f, sizeof(f), 2);
}
END_TEST

START_TEST(refs_vp9)
{
	struct v4l2_ctrl_vp9_frame f;
	memset(&f, 0x55, sizeof(f));
	f.last_frame_ts = 5000;
	f.golden_frame_ts = 1000;
	f.alt_frame_ts = 3000;
	check_rewrite(V4L2_CID_STATELESS_VP9_FRAME, &f, sizeof(f), 3);
}
END_TEST

START_TEST(refs_av1)
{
#ifdef V4L2_CID_STATELESS_AV1_FRAME
	struct v4l2_ctrl_av1_frame f;
	memset(&f, 0x66, sizeof(f));
	for (unsigned i = 0; i < V4L2_AV1_TOTAL_REFS_PER_FRAME; i++)
		f.reference_frame_ts[i] = (i + 1) * 1000;
	check_rewrite(V4L2_CID_STATELESS_AV1_FRAME, &f, sizeof(f),
		      V4L2_AV1_TOTAL_REFS_PER_FRAME);
#else
	/* Not in this build's headers: no table entry either. */
	unsigned n;
	const struct v4l2r_trace_ref_field *f = v4l2r_trace_ref_fields(&n);
	for (unsigned i = 0; i < n; i++)
		ck_assert(strstr(f[i].name, "av1") == NULL);
#endif
}
END_TEST

START_TEST(refs_table_shape)
{
	unsigned n;
	const struct v4l2r_trace_ref_field *f = v4l2r_trace_ref_fields(&n);

	ck_assert_uint_ge(n, 10);
	for (unsigned i = 0; i < n; i++) {
		ck_assert_uint_ge(f[i].stride, 8);
		ck_assert_uint_ge(f[i].count, 1);
		ck_assert_uint_eq(f[i].offset % 8, 0);
	}
	/* Unknown timestamps: counted, stored as no frame. */
	struct v4l2_ctrl_mpeg2_picture pic = { .backward_ref_ts = 7,
					       .forward_ref_ts = 0 };
	ck_assert_int_eq(v4l2r_trace_refs_to_frames(V4L2_CID_STATELESS_MPEG2_PICTURE,
						    (uint8_t *)&pic, sizeof(pic),
						    test_frame_of, NULL), 1);
	ck_assert_uint_eq(pic.backward_ref_ts, V4L2R_TRACE_NO_FRAME);
	ck_assert_uint_eq(pic.forward_ref_ts, V4L2R_TRACE_NO_FRAME);
}
END_TEST

/* ---- a sample trace ---- */

struct sample {
	struct v4l2_ctrl_mpeg2_sequence seq;
	struct v4l2_ctrl_mpeg2_picture pic[8];
	struct v4l2_ctrl_mpeg2_quantisation quant;
	uint8_t bits[8][40];
};

static void sample_pic(struct v4l2_ctrl_mpeg2_picture *p, uint8_t type,
		       uint64_t back, uint64_t fwd)
{
	memset(p, 0, sizeof(*p));
	p->picture_coding_type = type;
	p->picture_structure = V4L2_MPEG2_PIC_FRAME;
	p->backward_ref_ts = back;
	p->forward_ref_ts = fwd;
}

/* Frames: 0 I; 1 P(0); 2 B(0,1); 3 P(1) in two slices; 4 B(1,3) twice
 * (two fields); checksums of 0 and 2; an info record; an unknown
 * non-critical record when `extra`. */
static void write_sample(const char *path, bool extra)
{
	static struct sample s;
	struct v4l2r_trace_writer *w;
	const uint64_t NONE = V4L2R_TRACE_NO_FRAME;

	memset(&s, 0, sizeof(s));
	s.seq.horizontal_size = 320;
	s.seq.vertical_size = 240;
	s.seq.chroma_format = 1;
	memset(s.quant.intra_quantiser_matrix, 16, 64);
	sample_pic(&s.pic[0], V4L2_MPEG2_PIC_CODING_TYPE_I, NONE, NONE);
	sample_pic(&s.pic[1], V4L2_MPEG2_PIC_CODING_TYPE_P, 0, NONE);
	sample_pic(&s.pic[2], V4L2_MPEG2_PIC_CODING_TYPE_B, 0, 1);
	sample_pic(&s.pic[3], V4L2_MPEG2_PIC_CODING_TYPE_P, 1, NONE);
	sample_pic(&s.pic[4], V4L2_MPEG2_PIC_CODING_TYPE_B, 1, 3);
	for (unsigned i = 0; i < 8; i++)
		for (unsigned k = 0; k < 40; k++)
			s.bits[i][k] = (uint8_t)(i * 40 + k);

	struct v4l2r_trace_stream st = {
		.coded_fourcc = V4L2_PIX_FMT_MPEG2_SLICE, .width = 320,
		.height = 240, .capture_fourcc = V4L2_PIX_FMT_NV12,
		.bitstream_size = 262144, .decode_mode = -1, .start_code = -1,
	};
	ck_assert_int_eq(v4l2r_trace_writer_open(path, &w), 0);
	ck_assert_int_eq(v4l2r_trace_write_info(w, "driver", "unit"), 0);
	ck_assert_int_eq(v4l2r_trace_write_stream(w, &st), 0);
	struct v4l2r_trace_control seq = {
		.id = V4L2_CID_STATELESS_MPEG2_SEQUENCE, .size = sizeof(s.seq),
		.data = (const uint8_t *)&s.seq,
	};
	ck_assert_int_eq(v4l2r_trace_write_controls(w, &seq, 1), 0);

	static const struct { uint32_t frame, flags, pic; } reqs[] = {
		{ 0, V4L2R_TRACE_LAST_SLICE, 0 },
		{ 1, V4L2R_TRACE_LAST_SLICE, 1 },
		{ 2, V4L2R_TRACE_LAST_SLICE, 2 },
		{ 3, V4L2R_TRACE_HOLD_CAPTURE, 3 },
		{ 3, V4L2R_TRACE_LAST_SLICE, 3 },
		{ 4, V4L2R_TRACE_LAST_SLICE, 4 },
		{ 4, V4L2R_TRACE_LAST_SLICE, 4 },
	};
	for (unsigned i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		struct v4l2r_trace_control c[2] = {
			{ .id = V4L2_CID_STATELESS_MPEG2_PICTURE,
			  .size = sizeof(s.pic[0]),
			  .data = (const uint8_t *)&s.pic[reqs[i].pic] },
			{ .id = V4L2_CID_STATELESS_MPEG2_QUANTISATION,
			  .size = sizeof(s.quant),
			  .data = (const uint8_t *)&s.quant },
		};
		struct v4l2r_trace_request r = {
			.frame = reqs[i].frame, .flags = reqs[i].flags,
			.timestamp_ns = 33333000ull * (reqs[i].frame + 1),
			.n_controls = 2, .controls = c,
			.bitstream_size = 20 + i, .bitstream = s.bits[i],
		};
		ck_assert_int_eq(v4l2r_trace_write_request(w, &r), 0);
		if (i == 2) {
			uint8_t md5[16];
			memset(md5, 0xa0, 16);
			ck_assert_int_eq(v4l2r_trace_write_md5(w, 0, V4L2_PIX_FMT_NV12,
							       320, 240, md5), 0);
			memset(md5, 0xa2, 16);
			ck_assert_int_eq(v4l2r_trace_write_md5(w, 2, V4L2_PIX_FMT_NV12,
							       320, 240, md5), 0);
		}
	}
	/* The writer refuses a frame that skips ahead. */
	struct v4l2r_trace_request bad = { .frame = 9, .bitstream_size = 1,
					   .bitstream = s.bits[0],
					   .flags = V4L2R_TRACE_LAST_SLICE };
	ck_assert_int_eq(v4l2r_trace_write_request(w, &bad), -EINVAL);
	ck_assert_int_eq(v4l2r_trace_writer_close(w), 0);

	if (extra) {
		/* An unknown, non-critical record before the end record. */
		size_t size;
		uint8_t *buf = read_all(path, &size);
		FILE *f = fopen(path, "wb");
		fwrite(buf, 1, size - 16, f);
		uint8_t rec[8 + 5];
		trace_put32(rec, 0x1234);
		trace_put32(rec + 4, 5);
		memcpy(rec + 8, "hello", 5);
		fwrite(rec, 1, sizeof(rec), f);
		fwrite(buf + size - 16, 1, 16, f);
		fclose(f);
		free(buf);
	}
}

static void check_sample(const struct v4l2r_trace *t, bool extra)
{
	ck_assert_uint_eq(t->version_major, 1);
	ck_assert_uint_eq(t->stream.coded_fourcc, V4L2_PIX_FMT_MPEG2_SLICE);
	ck_assert_uint_eq(t->stream.width, 320);
	ck_assert_uint_eq(t->stream.height, 240);
	ck_assert_uint_eq(t->stream.capture_fourcc, V4L2_PIX_FMT_NV12);
	ck_assert_uint_eq(t->stream.bitstream_size, 262144);
	ck_assert_int_eq(t->stream.decode_mode, -1);
	ck_assert_int_eq(t->stream.start_code, -1);
	ck_assert_uint_eq(t->n_requests, 7);
	ck_assert_uint_eq(t->n_frames, 5);
	ck_assert_uint_eq(t->skipped_records, extra ? 1 : 0);
	ck_assert_uint_eq(t->n_info, 1);
	ck_assert_str_eq(t->info[0], "driver=unit");
	ck_assert_uint_eq(t->n_blocks, 1);
	ck_assert_uint_eq(t->blocks[0].before_request, 0);
	ck_assert_uint_eq(t->blocks[0].n_controls, 1);
	ck_assert_uint_eq(t->blocks[0].controls[0].id,
			  V4L2_CID_STATELESS_MPEG2_SEQUENCE);

	/* references as the writer derived them from the controls */
	static const unsigned n_refs[] = { 0, 1, 2, 1, 1, 2, 2 };
	for (unsigned i = 0; i < 7; i++) {
		const struct v4l2r_trace_request *r = &t->requests[i];
		ck_assert_uint_eq(r->n_refs, n_refs[i]);
		ck_assert_uint_eq(r->n_controls, 2);
		ck_assert_uint_eq(r->bitstream_size, 20 + i);
		ck_assert_uint_eq(r->bitstream[0], (uint8_t)(i * 40));
	}
	ck_assert_uint_eq(t->requests[2].refs[0], 0);
	ck_assert_uint_eq(t->requests[2].refs[1], 1);
	ck_assert_uint_eq(t->requests[3].flags, V4L2R_TRACE_HOLD_CAPTURE);
	ck_assert_uint_eq(t->max_bitstream, 26);

	ck_assert_uint_eq(t->frames[0].first_request, 0);
	ck_assert_uint_eq(t->frames[0].last_use, 2);
	ck_assert_uint_eq(t->frames[1].last_use, 6);
	ck_assert_uint_eq(t->frames[3].first_request, 3);
	ck_assert_uint_eq(t->frames[3].last_request, 4);
	ck_assert_uint_eq(t->frames[3].n_requests, 2);
	ck_assert_uint_eq(t->frames[3].last_use, 6);
	ck_assert_uint_eq(t->frames[4].n_requests, 2);
	ck_assert_uint_eq(t->frames[4].timestamp_ns, 5 * 33333000ull);
	ck_assert(t->frames[0].has_md5);
	ck_assert(!t->frames[1].has_md5);
	ck_assert(t->frames[2].has_md5);
	ck_assert_uint_eq(t->frames[2].md5[0], 0xa2);
	ck_assert_uint_eq(t->frames[2].md5_width, 320);
}

START_TEST(round_trip)
{
	char *path = temp_path();
	struct v4l2r_trace *t;
	char err[256];

	for (int extra = 0; extra < 2; extra++) {
		write_sample(path, extra);
		ck_assert_msg(v4l2r_trace_load(path, &t, err, sizeof(err)) == 0,
			      "%s", err);
		check_sample(t, extra);

		/* Binding puts this replay's timestamps in the fields. */
		const struct v4l2r_trace_request *r = &t->requests[5];
		uint64_t ts[5] = { 11000, 22000, 33000, 44000, 55000 };
		struct v4l2_ext_control c[2];
		size_t need = v4l2r_trace_controls_scratch(r->controls,
							   r->n_controls);
		void *scratch = malloc(need);
		ck_assert_int_eq(v4l2r_trace_bind_controls(r->controls, 2, ts, 5, c,
							   scratch, need), 0);
		const struct v4l2_ctrl_mpeg2_picture *p = c[0].ptr;
		ck_assert_uint_eq(c[0].id, V4L2_CID_STATELESS_MPEG2_PICTURE);
		ck_assert_uint_eq(c[0].size, sizeof(*p));
		ck_assert_uint_eq(p->backward_ref_ts, 22000);
		ck_assert_uint_eq(p->forward_ref_ts, 44000);
		ck_assert_int_eq(v4l2r_trace_bind_controls(t->requests[0].controls,
							   2, ts, 5, c, scratch,
							   need), 0);
		p = c[0].ptr;
		ck_assert_uint_eq(p->backward_ref_ts, 0);
		/* Short scratch and too few frames are refused. */
		ck_assert_int_eq(v4l2r_trace_bind_controls(r->controls, 2, ts, 5, c,
							   scratch, need - 8),
				 -EINVAL);
		ck_assert_int_eq(v4l2r_trace_bind_controls(r->controls, 2, ts, 3, c,
							   scratch, need),
				 -EINVAL);
		free(scratch);
		v4l2r_trace_free(t);
	}
	unlink(path);
	free(path);
}
END_TEST

/* ---- corrupt input ---- */

static int parse_err(const uint8_t *data, size_t size, char *err, size_t n)
{
	struct v4l2r_trace *t;
	int ret = v4l2r_trace_parse(data, size, &t, err, n);

	if (ret == 0) {
		/* Walk what was accepted: every pointer must be good. */
		size_t need = 0;
		for (unsigned i = 0; i < t->n_requests; i++) {
			size_t s = v4l2r_trace_controls_scratch(
				t->requests[i].controls, t->requests[i].n_controls);
			need = s > need ? s : need;
		}
		uint64_t *ts = calloc(t->n_frames + 1, sizeof(*ts));
		void *scratch = malloc(need + 8);
		struct v4l2_ext_control c[V4L2R_TRACE_MAX_CONTROLS];
		for (unsigned i = 0; i < t->n_requests; i++) {
			const struct v4l2r_trace_request *r = &t->requests[i];
			ck_assert_int_eq(v4l2r_trace_bind_controls(
				r->controls, r->n_controls, ts, t->n_frames, c,
				scratch, need + 8), 0);
			volatile uint8_t sum = 0;
			for (uint32_t k = 0; k < r->bitstream_size; k++)
				sum += r->bitstream[k];
			(void)sum;	/* the reads are what counts */
			for (unsigned k = 0; k < r->n_refs; k++)
				ck_assert_uint_lt(r->refs[k], t->n_frames);
			ck_assert_uint_lt(r->frame, t->n_frames);
		}
		for (unsigned i = 0; i < t->n_frames; i++)
			ck_assert_uint_lt(t->frames[i].last_use, t->n_requests);
		free(scratch);
		free(ts);
		v4l2r_trace_free(t);
	} else {
		ck_assert_ptr_null(t);
		ck_assert(err[0] != '\0');
	}
	return ret;
}

static uint8_t *sample_bytes(size_t *size)
{
	char *path = temp_path();
	write_sample(path, false);
	uint8_t *buf = read_all(path, size);
	unlink(path);
	free(path);
	return buf;
}

/* A trace whose requests carry no controls and no references has no pool
 * to point into: the lists are NULL (the sanitizer build catches any
 * arithmetic on the missing pool). */
START_TEST(no_controls)
{
	char *path = temp_path();
	struct v4l2r_trace_writer *w;
	struct v4l2r_trace *t;
	char err[256];
	static const uint8_t bits[4] = { 0, 0, 1, 0xb3 };

	struct v4l2r_trace_stream st = {
		.coded_fourcc = V4L2_PIX_FMT_MPEG2_SLICE, .width = 64,
		.height = 64, .capture_fourcc = V4L2_PIX_FMT_NV12,
		.bitstream_size = 4096, .decode_mode = -1, .start_code = -1,
	};
	ck_assert_int_eq(v4l2r_trace_writer_open(path, &w), 0);
	ck_assert_int_eq(v4l2r_trace_write_stream(w, &st), 0);
	for (uint32_t f = 0; f < 2; f++) {
		struct v4l2r_trace_request r = {
			.frame = f, .flags = V4L2R_TRACE_LAST_SLICE,
			.timestamp_ns = (f + 1) * 1000, .bitstream_size = 4,
			.bitstream = bits,
		};
		ck_assert_int_eq(v4l2r_trace_write_request(w, &r), 0);
	}
	ck_assert_int_eq(v4l2r_trace_writer_close(w), 0);
	ck_assert_msg(v4l2r_trace_load(path, &t, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(t->n_requests, 2);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_uint_eq(t->requests[i].n_controls, 0);
		ck_assert_ptr_null(t->requests[i].controls);
		ck_assert_uint_eq(t->requests[i].n_refs, 0);
		ck_assert_ptr_null(t->requests[i].refs);
		ck_assert_uint_eq(t->requests[i].bitstream[3], 0xb3);
	}
	v4l2r_trace_free(t);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(every_truncation_fails)
{
	size_t size;
	uint8_t *buf = sample_bytes(&size);
	char err[256];

	ck_assert_int_eq(parse_err(buf, size, err, sizeof(err)), 0);
	for (size_t n = 0; n < size; n++) {
		ck_assert_int_eq(parse_err(buf, n, err, sizeof(err)), -EINVAL);
		if (n >= 16)
			ck_assert_msg(strstr(err, "truncated") != NULL,
				      "cut at %zu: %s", n, err);
	}
	free(buf);
}
END_TEST

/* Offset of the first record of a type. */
static size_t find_record(const uint8_t *buf, size_t size, uint32_t type)
{
	for (size_t pos = 16; pos + 8 <= size;
	     pos += 8 + trace_le32(buf + pos + 4))
		if (trace_le32(buf + pos) == type)
			return pos;
	ck_abort_msg("record 0x%x not found", type);
	return 0;
}

START_TEST(bad_headers)
{
	size_t size;
	uint8_t *buf = sample_bytes(&size), *m = malloc(size);
	char err[256];

	memcpy(m, buf, size);
	m[0] = 'X';
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "bad magic"));

	memcpy(m, buf, size);
	trace_put16(m + 8, 2);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -ENOTSUP);
	ck_assert(strstr(err, "version 2"));

	/* A newer minor version with a longer header still reads. */
	memcpy(m, buf, size);
	trace_put16(m + 10, 7);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), 0);

	memcpy(m, buf, size);
	trace_put32(m + 12, 100000);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "header size"));
	free(m);
	free(buf);
}
END_TEST

START_TEST(oversized_lengths)
{
	size_t size;
	uint8_t *buf = sample_bytes(&size), *m = malloc(size);
	char err[256];
	size_t req = find_record(buf, size, V4L2R_TRACE_REC_REQUEST);

	/* A record length beyond the limit, then beyond the file. */
	memcpy(m, buf, size);
	trace_put32(m + req + 4, 0xfffffff0u);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "limit"), "%s", err);
	memcpy(m, buf, size);
	trace_put32(m + req + 4, (uint32_t)size);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "truncated"), "%s", err);

	/* The bitstream size of the first request (no references). */
	memcpy(m, buf, size);
	trace_put32(m + req + 8 + 24, 0x7fffffff);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "bitstream"), "%s", err);

	/* Its control count, and its first control's size. */
	memcpy(m, buf, size);
	trace_put32(m + req + 8 + 16, 1000);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "limit"), "%s", err);
	memcpy(m, buf, size);
	trace_put32(m + req + 8 + 32 + 8, 0x10000000);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "limit"), "%s", err);
	memcpy(m, buf, size);
	trace_put32(m + req + 8 + 32 + 8, 12);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "struct"), "%s", err);
	free(m);
	free(buf);
}
END_TEST

START_TEST(bad_contents)
{
	size_t size;
	uint8_t *buf = sample_bytes(&size), *m = malloc(size + 64);
	char err[256];
	size_t req = find_record(buf, size, V4L2R_TRACE_REC_REQUEST);
	size_t ctl = req + 8 + 32;	/* first request: no references */

	/* An unknown control id, and a control of another codec. */
	memcpy(m, buf, size);
	trace_put32(m + ctl, 0x00a40bad);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "unknown control id 0xa40bad"), "%s", err);
	memcpy(m, buf, size);
	trace_put32(m + ctl, V4L2_CID_STATELESS_VP8_FRAME);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);

	/* A reference to a frame that does not exist yet (first request:
	 * the picture control's backward_ref_ts). */
	memcpy(m, buf, size);
	trace_put64(m + ctl + 12 +
			    offsetof(struct v4l2_ctrl_mpeg2_picture, backward_ref_ts),
		    5);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "reference"), "%s", err);

	/* Both flags, no flag, an unknown flag. */
	memcpy(m, buf, size);
	trace_put32(m + req + 12, 3);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	trace_put32(m + req + 12, 0);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	trace_put32(m + req + 12, 0x100 | V4L2R_TRACE_LAST_SLICE);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -ENOTSUP);

	/* A first frame that is not frame 0. */
	memcpy(m, buf, size);
	trace_put32(m + req + 8, 1);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "in order"), "%s", err);

	/* A held picture followed by another picture. */
	memcpy(m, buf, size);
	trace_put32(m + req + 12, V4L2R_TRACE_HOLD_CAPTURE);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "held"), "%s", err);

	/* End record counts that disagree; data after it; no end record. */
	size_t end = find_record(buf, size, V4L2R_TRACE_REC_END);
	memcpy(m, buf, size);
	trace_put32(m + end + 8, 6);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	memcpy(m, buf, size);
	memset(m + size, 0, 8);
	ck_assert_int_eq(parse_err(m, size + 8, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "after the end"), "%s", err);
	ck_assert_int_eq(parse_err(buf, end, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "no end record"), "%s", err);

	/* An unknown critical record is refused, a non-critical skipped. */
	memcpy(m, buf, end);
	trace_put32(m + end, V4L2R_TRACE_CRITICAL | 0x99);
	trace_put32(m + end + 4, 0);
	memcpy(m + end + 8, buf + end, size - end);
	ck_assert_int_eq(parse_err(m, size + 8, err, sizeof(err)), -ENOTSUP);
	trace_put32(m + end, 0x99);
	ck_assert_int_eq(parse_err(m, size + 8, err, sizeof(err)), 0);

	/* The reference list must match the controls. */
	size_t req2 = req + 8 + trace_le32(buf + req + 4);	/* frame 1 */
	memcpy(m, buf, size);
	ck_assert_uint_eq(trace_le32(m + req2 + 8 + 20), 1);	/* n_refs */
	trace_put32(m + req2 + 8 + 32, 1);	/* refs[0]: 0 -> 1 */
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "match"), "%s", err);

	/* A checksum for a frame not decoded yet. */
	size_t md5 = find_record(buf, size, V4L2R_TRACE_REC_FRAME_MD5);
	memcpy(m, buf, size);
	trace_put32(m + md5 + 8, 4);
	ck_assert_int_eq(parse_err(m, size, err, sizeof(err)), -EINVAL);
	free(m);
	free(buf);
}
END_TEST

START_TEST(random_mutations)
{
	size_t size;
	uint8_t *buf = sample_bytes(&size), *m = malloc(size + 64);
	char err[256];
	unsigned accepted = 0;

	seed_rng();
	for (unsigned iter = 0; iter < 5000; iter++) {
		size_t n = size;
		memcpy(m, buf, size);
		unsigned edits = 1 + rnd() % 4;
		for (unsigned e = 0; e < edits; e++) {
			size_t at = rnd() % n;
			switch (rnd() % 5) {
			case 0:	/* flip a bit */
				m[at] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			case 1:	/* a random byte */
				m[at] = (uint8_t)rnd();
				break;
			case 2:	/* a random or extreme 32-bit value */
				if (at + 4 <= n)
					trace_put32(m + at, rnd() % 2 ? rnd() :
							    0xffffffffu - rnd() % 16);
				break;
			case 3:	/* cut */
				n = at;
				break;
			default:	/* a small number */
				if (at + 4 <= n)
					trace_put32(m + at, rnd() % 64);
			}
			if (!n)
				break;
		}
		if (parse_err(m, n, err, sizeof(err)) == 0)
			accepted++;
	}
	/* Control payloads and bitstreams are opaque, so many mutations
	 * are accepted; the rest must have been refused cleanly. */
	ck_assert_uint_lt(accepted, 5000);
	ck_assert_uint_gt(accepted, 0);
	free(m);
	free(buf);
}
END_TEST

/* The traces of data/traces: each reads, and survives mutations. */
START_TEST(recorded_traces)
{
#ifdef TRACE_DATA_DIR
	static const char *const names[] = {
		"mpeg2-vaapi", "h264-vaapi", "hevc-vaapi", "mpeg2-synth",
		"h264-synth-2slices", "vp8-synth", "vp9-synth",
	};
	char path[512], err[256];

	seed_rng();
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t size;
		snprintf(path, sizeof(path), "%s/%s.trace", TRACE_DATA_DIR,
			 names[i]);
		uint8_t *buf = read_all(path, &size), *m = malloc(size);
		ck_assert_msg(parse_err(buf, size, err, sizeof(err)) == 0,
			      "%s: %s", path, err);
		for (unsigned iter = 0; iter < 500; iter++) {
			memcpy(m, buf, size);
			for (unsigned e = 0; e < 3; e++) {
				size_t at = rnd() % size;
				if (rnd() % 2 && at + 4 <= size)
					trace_put32(m + at, rnd() % 3 ? rnd() % 256 :
							    rnd());
				else
					m[at] ^= (uint8_t)(1u << (rnd() % 8));
			}
			parse_err(m, size, err, sizeof(err));
		}
		free(m);
		free(buf);
	}
#endif
}
END_TEST

START_TEST(load_errors)
{
	struct v4l2r_trace *t;
	char err[256];

	ck_assert_int_eq(v4l2r_trace_load("/nonexistent/trace", &t, err,
					  sizeof(err)), -ENOENT);
	ck_assert(strstr(err, "/nonexistent/trace"));
	ck_assert_int_eq(v4l2r_trace_load("/", &t, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(v4l2r_trace_parse("", 0, &t, err, sizeof(err)),
			 -EINVAL);
}
END_TEST

/* ---- the recorder, on a session without a device ---- */

struct fake {
	struct v4l2r_session *s;
	struct v4l2r_request slots[2];
	uint8_t data[2][64];
	uint8_t *pictures[4];
	struct v4l2r_layout layout;
};

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->s = calloc(1, sizeof(*f->s));
	pthread_mutex_init(&f->s->lock, NULL);
	f->s->video_fd = -1;
	f->s->media_fd = -1;
	f->s->mplane = true;
	f->s->n_slots = 2;
	f->s->slots = f->slots;
	f->s->n_captures = 4;
	f->s->captures = calloc(4, sizeof(*f->s->captures));
	ck_assert_int_eq(v4l2r_layout_linear(v4l2r_format_by_v4l2(V4L2_PIX_FMT_NV12),
					     32, 16, &f->layout), 0);
	for (unsigned i = 0; i < 4; i++) {
		f->pictures[i] = malloc(f->layout.mem_size[0]);
		memset(f->pictures[i], 16 * (int)i, f->layout.mem_size[0]);
		f->s->captures[i].mem[0] = f->pictures[i];
		f->s->captures[i].length[0] = f->layout.mem_size[0];
	}
	for (unsigned i = 0; i < 2; i++) {
		f->slots[i].session = f->s;
		f->slots[i].index = i;
		f->slots[i].data = f->data[i];
		f->slots[i].capacity = sizeof(f->data[i]);
		memset(f->data[i], 0x40 + (int)i, sizeof(f->data[i]));
	}
}

static void fake_free(struct fake *f)
{
	for (unsigned i = 0; i < 4; i++)
		free(f->pictures[i]);
	free(f->s->captures);
	pthread_mutex_destroy(&f->s->lock);
	free(f->s);
}

/* One picture: its controls into a slot, queued into capture buffer c. */
static void fake_queue(struct fake *f, unsigned slot, unsigned c, uint64_t ts,
		       uint64_t back, uint64_t fwd, unsigned flags)
{
	struct v4l2_ctrl_mpeg2_picture pic;
	struct v4l2_ext_control x = { .id = V4L2_CID_STATELESS_MPEG2_PICTURE,
				      .size = sizeof(pic), .ptr = &pic };
	sample_pic(&pic, V4L2_MPEG2_PIC_CODING_TYPE_B, back, fwd);
	v4l2r_trace_hook_request_controls(&f->slots[slot], &x, 1);
	/* What the caller's buffer holds after the call must not matter. */
	pic.backward_ref_ts = 0xdead;
	v4l2r_trace_hook_queued(&f->slots[slot], c, ts, 10 + slot, flags);
	f->s->captures[c].result = V4L2R_DONE;
	v4l2r_trace_hook_settled(f->s, c);
	v4l2r_trace_hook_slot_free(&f->slots[slot]);
}

START_TEST(recorder_maps_timestamps)
{
	struct fake f;
	char *path = temp_path();
	struct v4l2r_trace *t;
	char err[256];

	fake_init(&f);
	ck_assert_int_eq(v4l2r_session_record(f.s, path, V4L2R_RECORD_MD5), 0);
	ck_assert_int_eq(v4l2r_session_record(f.s, path, 0), -EBUSY);
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE };
	fmt.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_MPEG2_SLICE;
	fmt.fmt.pix_mp.width = 32;
	fmt.fmt.pix_mp.height = 16;
	fmt.fmt.pix_mp.plane_fmt[0].sizeimage = 4096;
	v4l2r_trace_hook_output_format(f.s, &fmt);
	v4l2r_trace_hook_capture_format(f.s, &f.layout);
	struct v4l2_ctrl_mpeg2_sequence seq = { .chroma_format = 1 };
	struct v4l2_ext_control sx[2] = {
		{ .id = V4L2_CID_STATELESS_MPEG2_SEQUENCE, .size = sizeof(seq),
		  .ptr = &seq },
		{ .id = 0x00990001 },	/* not traceable: left out */
	};
	v4l2r_trace_hook_session_controls(f.s, sx, 2);

	/* Pictures at timestamps 5000 (capture 0), 9000 (1), 7000 (2) with
	 * references; a picture in two slices; a second field; capture 0
	 * reused, after which 5000 names nothing. */
	fake_queue(&f, 0, 0, 5000, 0, 0, 0);			/* frame 0 */
	fake_queue(&f, 1, 1, 9000, 5000, 0, 0);			/* frame 1 */
	fake_queue(&f, 0, 2, 7000, 5000, 9000, 0);		/* frame 2 */
	fake_queue(&f, 1, 3, 12000, 9000, 0, V4L2R_QUEUE_HOLD_CAPTURE);	/* 3 */
	fake_queue(&f, 0, 3, 12000, 9000, 0, 0);		/* 3 again */
	fake_queue(&f, 1, 3, 12000, 9000, 12000, 0);		/* 3: field 2 */
	fake_queue(&f, 0, 0, 15000, 5000, 12000, 0);		/* frame 4 */
	ck_assert_int_eq(v4l2r_session_record_stop(f.s), 0);
	ck_assert_ptr_null(f.s->recorder);

	ck_assert_msg(v4l2r_trace_load(path, &t, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_uint_eq(t->stream.coded_fourcc, V4L2_PIX_FMT_MPEG2_SLICE);
	ck_assert_uint_eq(t->stream.width, 32);
	ck_assert_uint_eq(t->stream.bitstream_size, 4096);
	ck_assert_uint_eq(t->stream.capture_fourcc, V4L2_PIX_FMT_NV12);
	ck_assert_uint_eq(t->n_blocks, 1);
	ck_assert_uint_eq(t->blocks[0].n_controls, 1);
	ck_assert_uint_eq(t->n_requests, 7);
	ck_assert_uint_eq(t->n_frames, 5);
	static const struct { uint32_t frame, flags; uint64_t back, fwd; } want[] = {
		{ 0, V4L2R_TRACE_LAST_SLICE, V4L2R_TRACE_NO_FRAME, V4L2R_TRACE_NO_FRAME },
		{ 1, V4L2R_TRACE_LAST_SLICE, 0, V4L2R_TRACE_NO_FRAME },
		{ 2, V4L2R_TRACE_LAST_SLICE, 0, 1 },
		{ 3, V4L2R_TRACE_HOLD_CAPTURE, 1, V4L2R_TRACE_NO_FRAME },
		{ 3, V4L2R_TRACE_LAST_SLICE, 1, V4L2R_TRACE_NO_FRAME },
		{ 3, V4L2R_TRACE_LAST_SLICE, 1, 3 },
		{ 4, V4L2R_TRACE_LAST_SLICE, V4L2R_TRACE_NO_FRAME, 3 },
	};
	for (unsigned i = 0; i < 7; i++) {
		const struct v4l2r_trace_request *r = &t->requests[i];
		ck_assert_uint_eq(r->frame, want[i].frame);
		ck_assert_uint_eq(r->flags, want[i].flags);
		ck_assert_uint_eq(r->n_controls, 1);
		const struct v4l2_ctrl_mpeg2_picture *p =
			(const void *)r->controls[0].data;
		struct v4l2_ctrl_mpeg2_picture copy;
		memcpy(&copy, p, sizeof(copy));
		ck_assert_uint_eq(copy.backward_ref_ts, want[i].back);
		ck_assert_uint_eq(copy.forward_ref_ts, want[i].fwd);
		ck_assert_uint_eq(r->bitstream_size, 10 + i % 2);
		ck_assert_uint_eq(r->bitstream[0], 0x40 + i % 2);
	}
	ck_assert_uint_eq(t->frames[2].timestamp_ns, 7000);
	/* A checksum per finished picture, of capture buffer's bytes. */
	for (unsigned i = 0; i < 5; i++)
		ck_assert(t->frames[i].has_md5);
	uint8_t canon[32 * 16 * 3 / 2];
	memset(canon, 16, sizeof(canon));	/* capture 1: frame 1 */
	uint8_t md5[16];
	v4l2r_md5_sum(canon, sizeof(canon), md5);
	ck_assert_mem_eq(t->frames[1].md5, md5, 16);
	ck_assert_uint_eq(t->frames[1].md5_fourcc, V4L2_PIX_FMT_NV12);
	v4l2r_trace_free(t);

	/* A path that cannot be written is refused at once. */
	ck_assert_int_lt(v4l2r_session_record(f.s, "/nonexistent/dir/x", 0), 0);
	ck_assert_ptr_null(f.s->recorder);
	/* Unset variable: nothing happens. */
	unsetenv("V4L2R_TEST_RECORD");
	ck_assert_int_eq(v4l2r_session_record_from_env(f.s, "V4L2R_TEST_RECORD"), 0);
	ck_assert_ptr_null(f.s->recorder);
	fake_free(&f);
	unlink(path);
	free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("trace");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, md5_vectors);
	tcase_add_test(tc, canonical_nv12_padded);
	tcase_add_test(tc, canonical_yuv420_matches_nv12);
	tcase_add_test(tc, canonical_untiles);
	tcase_add_test(tc, refs_mpeg2);
	tcase_add_test(tc, refs_h264);
	tcase_add_test(tc, refs_hevc);
	tcase_add_test(tc, refs_vp8);
	tcase_add_test(tc, refs_vp9);
	tcase_add_test(tc, refs_av1);
	tcase_add_test(tc, refs_table_shape);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, no_controls);
	tcase_add_test(tc, every_truncation_fails);
	tcase_add_test(tc, bad_headers);
	tcase_add_test(tc, oversized_lengths);
	tcase_add_test(tc, bad_contents);
	tcase_add_test(tc, random_mutations);
	tcase_add_test(tc, recorded_traces);
	tcase_add_test(tc, load_errors);
	tcase_add_test(tc, recorder_maps_timestamps);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
