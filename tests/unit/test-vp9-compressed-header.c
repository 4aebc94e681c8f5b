/* VP9 boolean decoder and compressed header: round trips through a boolean
 * encoder written from the spec's arithmetic (vp9-bool-encoder.h), a header
 * coded syntax element by element, and bad input (empty, marker bit,
 * truncation, a delta index past inv_map_table). And an oracle of its own:
 * real streams' frames (unit/data/vp9/NAME.ivf), each one's compressed
 * header located by the VA driver's uncompressed header reader and decoded
 * by the core, against what GStreamer's VP9 parser made of the same frames
 * (NAME.probs: v4l2slvp9dec's controls as visl traced them; see
 * unit/data/vp9/make-fixtures.sh), every field of the control. */
#include <check.h>

#include "unit.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "v4l2r/vp9.h"
#include "va/vp9_uncompressed_header.h"
#include "vp9-bool-encoder.h"

#ifndef VP9_DATA_DIR
#define VP9_DATA_DIR "unit/data/vp9"
#endif

START_TEST(bool_round_trip)
{
	static struct bool_enc e;
	static bool bits[20000];
	static uint8_t probs[20000];
	unsigned seed = 12345;

	enc_start(&e);
	for (size_t i = 0; i < 20000; i++) {
		seed = seed * 1103515245 + 12345;
		probs[i] = 1 + (seed >> 16) % 255;
		bits[i] = (seed >> 8 & 0xff) >= probs[i];
		enc_bool(&e, bits[i], probs[i]);
	}
	size_t size = enc_finish(&e);
	uint8_t *data = exact_copy(e.buf, size);
	struct v4l2r_vp9_bool bd;

	ck_assert(v4l2r_vp9_bool_init(&bd, data, size));
	for (size_t i = 0; i < 20000; i++)
		ck_assert_int_eq(v4l2r_vp9_bool_read(&bd, probs[i]), bits[i]);
	ck_assert(!bd.overrun);
	free(data);
}
END_TEST

START_TEST(bool_bad_input)
{
	struct v4l2r_vp9_bool bd;
	const uint8_t marker[] = { 0xff, 0xff };

	ck_assert(!v4l2r_vp9_bool_init(&bd, NULL, 0));
	ck_assert(!v4l2r_vp9_bool_init(&bd, marker, sizeof(marker)));

	/* one byte, then many reads: zeros, no read past the byte */
	uint8_t *one = exact_copy((const uint8_t[]){ 0x12 }, 1);
	ck_assert(v4l2r_vp9_bool_init(&bd, one, 1));
	for (int i = 0; i < 100; i++)
		v4l2r_vp9_bool_read(&bd, 128);
	ck_assert(bd.overrun);
	free(one);
}
END_TEST

/* The inverse of decode_term_subexp() for index d (spec 6.3.4). */
static void enc_subexp(struct bool_enc *e, unsigned d)
{
	if (d < 16) {
		enc_literal(e, 0, 1);
		enc_literal(e, d, 4);
	} else if (d < 32) {
		enc_literal(e, 2, 2);
		enc_literal(e, d - 16, 4);
	} else if (d < 64) {
		enc_literal(e, 6, 3);
		enc_literal(e, d - 32, 5);
	} else if (d < 129) {
		enc_literal(e, 7, 3);
		enc_literal(e, d - 64, 7);
	} else {
		enc_literal(e, 7, 3);
		enc_literal(e, (d + 1) >> 1, 7);
		enc_literal(e, (d + 1) & 1, 1);
	}
}

static void enc_update(struct bool_enc *e, int d)
{
	enc_bool(e, d >= 0, 252);
	if (d >= 0)
		enc_subexp(e, d);
}

static void enc_no_updates(struct bool_enc *e, unsigned n)
{
	while (n--)
		enc_bool(e, 0, 252);
}

/* inv_map_table[] entries the test relies on, as the spec prints them. */
#define INV_MAP_0 7
#define INV_MAP_19 254
#define INV_MAP_20 1
#define INV_MAP_100 88
#define INV_MAP_253 253

/* An inter frame: TX_MODE_SELECT with tx updates, 4x4 coefficients updated,
 * skip, inter mode, switchable filters, is_inter, REFERENCE_MODE_SELECT
 * (sign biases differ), y mode, partition, motion vectors with high
 * precision. */
static size_t enc_inter_header(struct bool_enc *e, unsigned coef_index)
{
	enc_start(e);
	enc_literal(e, 3, 2);		/* ALLOW_32X32 ... */
	enc_literal(e, 1, 1);		/* ... + 1: TX_MODE_SELECT */
	enc_update(e, 0);		/* tx8[0][0] */
	enc_no_updates(e, 1 + 4);
	enc_no_updates(e, 5);
	enc_update(e, 19);		/* tx32[1][2] */
	/* coefficients: 4x4 updated, the rest not */
	enc_literal(e, 1, 1);
	for (int n = 0; n < 2 * 2 * (3 + 5 * 6) * 3; n++)
		enc_update(e, n == 0 ? 100 : n == 4 ? (int)coef_index : -1);
	for (int tx = 1; tx < 4; tx++)
		enc_literal(e, 0, 1);
	enc_update(e, 20);		/* skip[0] */
	enc_no_updates(e, 2);
	enc_no_updates(e, 20);
	enc_update(e, 253);		/* inter_mode[6][2] */
	enc_no_updates(e, 7);
	enc_update(e, 0);		/* interp_filter[3][1] */
	enc_no_updates(e, 4);		/* is_inter */
	enc_literal(e, 1, 1);		/* non_single_reference */
	enc_literal(e, 1, 1);		/* reference_select */
	enc_update(e, 1);		/* comp_mode[0] */
	enc_no_updates(e, 4);
	enc_no_updates(e, 10);		/* single_ref */
	enc_no_updates(e, 5);		/* comp_ref */
	enc_no_updates(e, 36);		/* y_mode */
	enc_no_updates(e, 47);
	enc_update(e, 2);		/* partition[15][2] */
	/* mv: joint[1] = 2 * 33 + 1, hp[1] = 2 * 127 + 1 */
	enc_bool(e, 0, 252);
	enc_bool(e, 1, 252);
	enc_literal(e, 33, 7);
	enc_bool(e, 0, 252);
	enc_no_updates(e, 2 * (1 + 10 + 1 + 10) + 2 * (6 + 3) + 3);
	enc_bool(e, 1, 252);
	enc_literal(e, 127, 7);
	return enc_finish(e);
}

static const struct v4l2r_vp9_frame_info inter_info = {
	.switchable_interp = true,
	.allow_high_precision_mv = true,
	.sign_bias = { false, false, false, true },
};

START_TEST(inter_header)
{
	static struct bool_enc e;
	struct v4l2_ctrl_vp9_compressed_hdr hdr, want;
	uint8_t mode;
	size_t size = enc_inter_header(&e, 3);
	uint8_t *data = exact_copy(e.buf, size);

	memset(&want, 0, sizeof(want));
	want.tx_mode = V4L2_VP9_TX_MODE_SELECT;
	want.tx8[0][0] = INV_MAP_0;
	want.tx32[1][2] = INV_MAP_19;
	want.coef[0][0][0][0][0][0] = INV_MAP_100;
	want.coef[0][0][0][0][1][1] = 7 + 3 * 13;	/* index 3 */
	want.skip[0] = INV_MAP_20;
	want.inter_mode[6][2] = INV_MAP_253;
	want.interp_filter[3][1] = INV_MAP_0;
	want.comp_mode[0] = 20;
	want.partition[15][2] = 33;
	want.mv.joint[1] = 67;
	want.mv.hp[1] = 255;

	ck_assert_ptr_null(v4l2r_vp9_compressed_header(data, size, &inter_info,
						       &hdr, &mode));
	ck_assert_int_eq(mode, V4L2_VP9_REFERENCE_MODE_SELECT);
	ck_assert_mem_eq(&hdr, &want, sizeof(want));
	free(data);
}
END_TEST

START_TEST(intra_lossless_header)
{
	static struct bool_enc e;
	struct v4l2_ctrl_vp9_compressed_hdr hdr;
	const struct v4l2r_vp9_frame_info info = { .intra = true, .lossless = true };
	uint8_t mode;

	enc_start(&e);
	enc_literal(&e, 1, 1);		/* 4x4 coefficients updated */
	enc_no_updates(&e, 2 * 2 * (3 + 5 * 6) * 3 - 1);
	enc_update(&e, 5);
	enc_no_updates(&e, 2);
	enc_update(&e, 6);		/* skip[2] */
	size_t size = enc_finish(&e);
	uint8_t *data = exact_copy(e.buf, size);

	ck_assert_ptr_null(v4l2r_vp9_compressed_header(data, size, &info, &hdr,
						       &mode));
	ck_assert_int_eq(hdr.tx_mode, V4L2_VP9_TX_MODE_ONLY_4X4);
	ck_assert_int_eq(hdr.coef[0][1][1][5][5][2], 7 + 5 * 13);
	ck_assert_int_eq(hdr.skip[2], 7 + 6 * 13);
	ck_assert_int_eq(hdr.skip[0], 0);
	ck_assert_int_eq(hdr.is_inter[0], 0);
	ck_assert_int_eq(mode, V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE);
	free(data);
}
END_TEST

START_TEST(header_bad_input)
{
	static struct bool_enc e;
	struct v4l2_ctrl_vp9_compressed_hdr hdr;
	uint8_t mode;
	size_t size = enc_inter_header(&e, 254);
	uint8_t *data = exact_copy(e.buf, size);

	ck_assert_ptr_nonnull(v4l2r_vp9_compressed_header(data, size, &inter_info,
							  &hdr, &mode));
	free(data);

	/* the header cut short: its end is missing */
	size = enc_inter_header(&e, 3);
	data = exact_copy(e.buf, size / 2);
	ck_assert_ptr_nonnull(v4l2r_vp9_compressed_header(data, size / 2,
							  &inter_info, &hdr,
							  &mode));
	free(data);
	ck_assert_ptr_nonnull(v4l2r_vp9_compressed_header(NULL, 0, &inter_info,
							  &hdr, &mode));
}
END_TEST

/* ---- against GStreamer (unit/data/vp9) ---- */

/* The members of struct v4l2_ctrl_vp9_compressed_hdr, as NAME.probs names
 * them, with their array dimensions (for naming an element). */
#define HDR_FIELD(m, ...) \
	{ #m, offsetof(struct v4l2_ctrl_vp9_compressed_hdr, m), \
	  sizeof(((struct v4l2_ctrl_vp9_compressed_hdr *)0)->m), { __VA_ARGS__ } }
static const struct hdr_field {
	const char *name;
	size_t offset, size;
	unsigned dims[6];	/* 0-terminated; none for tx_mode */
} hdr_fields[] = {
	HDR_FIELD(tx_mode, 0),
	HDR_FIELD(tx8, 2, 1),
	HDR_FIELD(tx16, 2, 2),
	HDR_FIELD(tx32, 2, 3),
	HDR_FIELD(coef, 4, 2, 2, 6, 6, 3),
	HDR_FIELD(skip, 3),
	HDR_FIELD(inter_mode, 7, 3),
	HDR_FIELD(interp_filter, 4, 2),
	HDR_FIELD(is_inter, 4),
	HDR_FIELD(comp_mode, 5),
	HDR_FIELD(single_ref, 5, 2),
	HDR_FIELD(comp_ref, 5),
	HDR_FIELD(y_mode, 4, 9),
	HDR_FIELD(uv_mode, 10, 9),
	HDR_FIELD(partition, 16, 3),
	HDR_FIELD(mv.joint, 3),
	HDR_FIELD(mv.sign, 2),
	HDR_FIELD(mv.classes, 2, 10),
	HDR_FIELD(mv.class0_bit, 2),
	HDR_FIELD(mv.bits, 2, 10),
	HDR_FIELD(mv.class0_fr, 2, 2, 3),
	HDR_FIELD(mv.fr, 2, 3),
	HDR_FIELD(mv.class0_hp, 2),
	HDR_FIELD(mv.hp, 2),
};
#define N_HDR_FIELDS (sizeof(hdr_fields) / sizeof(hdr_fields[0]))

/* What GStreamer sent for one decoded frame. */
struct gst_frame {
	unsigned uncompressed_header_size, compressed_header_size;
	unsigned reference_mode;
	struct v4l2_ctrl_vp9_compressed_hdr hdr;
};

#define MAX_GST_FRAMES 16

static uint8_t *read_data(const char *name, const char *ext, size_t *size)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.%s", VP9_DATA_DIR, name, ext);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	uint8_t *data = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	data[n] = 0;
	*size = (size_t)n;
	return data;
}

static const struct hdr_field *hdr_field(const char *name)
{
	for (size_t i = 0; i < N_HDR_FIELDS; i++)
		if (!strcmp(hdr_fields[i].name, name))
			return &hdr_fields[i];
	return NULL;
}

/* NAME.probs (format: unit/data/vp9/gen-fixtures.py). Returns the count. */
static unsigned read_gst_frames(const char *name, struct gst_frame *frames)
{
	size_t size;
	char *text = (char *)read_data(name, "probs", &size);
	unsigned n = 0, line_no = 0;
	struct gst_frame *f = NULL;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char key[32];
		unsigned a, b;
		int got = sscanf(line, "%31s %u %u", key, &a, &b);

		line_no++;
		if (line[0] == '#')
			continue;
		ck_assert_msg(got >= 2, "%s.probs:%u: bad line", name, line_no);
		if (!strcmp(key, "frame")) {
			ck_assert_msg(a == n && n < MAX_GST_FRAMES,
				      "%s.probs:%u: frame %u", name, line_no, a);
			f = &frames[n++];
			memset(f, 0, sizeof(*f));
			continue;
		}
		ck_assert_msg(f, "%s.probs:%u: before any frame", name, line_no);
		if (!strcmp(key, "uncompressed_header_size")) {
			f->uncompressed_header_size = a;
			continue;
		}
		if (!strcmp(key, "compressed_header_size")) {
			f->compressed_header_size = a;
			continue;
		}
		if (!strcmp(key, "reference_mode")) {
			f->reference_mode = a;
			continue;
		}
		const struct hdr_field *fd = hdr_field(key);
		ck_assert_msg(fd, "%s.probs:%u: no member %s", name, line_no, key);
		unsigned idx = got == 3 ? a : 0, value = got == 3 ? b : a;
		ck_assert_msg(idx < fd->size && value <= 255,
			      "%s.probs:%u: %s %u %u", name, line_no, key, idx,
			      value);
		((uint8_t *)&f->hdr)[fd->offset + idx] = (uint8_t)value;
	}
	free(text);
	return n;
}

/* "coef[1][0][1][2][3][1]" for element i of fd. */
static void element_name(const struct hdr_field *fd, size_t i, char *buf,
			 size_t len)
{
	size_t stride = fd->size, used;

	used = (size_t)snprintf(buf, len, "%s", fd->name);
	for (int d = 0; d < 6 && fd->dims[d] && used < len; d++) {
		stride /= fd->dims[d];
		used += (size_t)snprintf(buf + used, len - used, "[%zu]",
					 i / stride);
		i %= stride;
	}
}

/* Prints each difference; returns their count. */
static unsigned compare_hdr(const char *where,
			    const struct v4l2_ctrl_vp9_compressed_hdr *ours,
			    const struct v4l2_ctrl_vp9_compressed_hdr *gst)
{
	unsigned diffs = 0;

	for (size_t k = 0; k < N_HDR_FIELDS; k++) {
		const struct hdr_field *fd = &hdr_fields[k];
		const uint8_t *a = (const uint8_t *)ours + fd->offset;
		const uint8_t *b = (const uint8_t *)gst + fd->offset;

		for (size_t i = 0; i < fd->size; i++) {
			char elem[64];

			if (a[i] == b[i])
				continue;
			element_name(fd, i, elem, sizeof(elem));
			fprintf(stderr, "%s: %s (index %zu): ours %u, "
				"GStreamer's %u\n", where, elem, i, a[i], b[i]);
			diffs++;
		}
	}
	return diffs;
}

/* The VP9 frames of an IVF frame: a superframe's (its index, Annex B.3),
 * or the frame itself. Returns the count. */
static unsigned split_superframe(const uint8_t *data, size_t size,
				 const uint8_t *frames[8], size_t sizes[8])
{
	uint8_t marker = size ? data[size - 1] : 0;

	if ((marker & 0xe0) == 0xc0) {
		unsigned n = (marker & 7) + 1, mag = (marker >> 3 & 3) + 1;
		size_t index = 2 + mag * n;

		if (size >= index && data[size - index] == marker) {
			const uint8_t *p = data + size - index + 1;
			size_t pos = 0;

			for (unsigned i = 0; i < n; i++) {
				size_t len = 0;

				for (unsigned b = 0; b < mag; b++)
					len |= (size_t)*p++ << (8 * b);
				ck_assert_uint_le(len, size - index - pos);
				frames[i] = data + pos;
				sizes[i] = len;
				pos += len;
			}
			return n;
		}
	}
	frames[0] = data;
	sizes[0] = size;
	return 1;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Decodes every frame of NAME.ivf and compares it with GStreamer's. */
static void check_against_gst(const char *name)
{
	static struct gst_frame gst[MAX_GST_FRAMES];
	unsigned n_gst = read_gst_frames(name, gst), job = 0, diffs = 0;
	size_t size;
	uint8_t *ivf = read_data(name, "ivf", &size);

	ck_assert_uint_ge(size, 32);
	ck_assert_mem_eq(ivf, "DKIF", 4);
	ck_assert_mem_eq(ivf + 8, "VP90", 4);
	unsigned width = ivf[12] | ivf[13] << 8;
	unsigned ivf_frames = le32(ivf + 24);
	size_t pos = ivf[6] | ivf[7] << 8;

	for (unsigned fi = 0; fi < ivf_frames; fi++) {
		ck_assert_uint_le(12, size - pos);
		size_t len = le32(ivf + pos);
		pos += 12;
		ck_assert_uint_le(len, size - pos);

		const uint8_t *frames[8];
		size_t sizes[8];
		unsigned n = split_superframe(ivf + pos, len, frames, sizes);

		for (unsigned k = 0; k < n; k++) {
			/* exactly the frame's bytes: a reader that strays past
			 * them is ASan's to find */
			uint8_t *data = exact_copy(frames[k], sizes[k]);
			struct vp9_uncompressed_header h;
			struct v4l2r_vp9_frame_info info;
			struct v4l2_ctrl_vp9_compressed_hdr hdr;
			uint8_t mode;
			char where[96];

			ck_assert_ptr_null(vp9_read_uncompressed_header(
				data, sizes[k], width, &h));
			if (h.show_existing_frame) {
				free(data);	/* GStreamer decodes nothing */
				continue;
			}
			snprintf(where, sizeof(where),
				 "%s frame %u (IVF frame %u.%u)", name, job,
				 fi, k);
			ck_assert_msg(job < n_gst, "%s: GStreamer decoded "
				      "%u frames only", where, n_gst);
			const struct gst_frame *g = &gst[job++];

			ck_assert_msg(h.size == g->uncompressed_header_size,
				      "%s: uncompressed header of %u bytes, "
				      "GStreamer's %u", where, h.size,
				      g->uncompressed_header_size);
			ck_assert_msg(h.header_size_in_bytes ==
					      g->compressed_header_size,
				      "%s: header_size_in_bytes %u, "
				      "GStreamer's %u", where,
				      h.header_size_in_bytes,
				      g->compressed_header_size);
			ck_assert_uint_le(h.header_size_in_bytes,
					  sizes[k] - h.size);
			vp9_compressed_header_info(&h, &info);
			const char *err = v4l2r_vp9_compressed_header(
				data + h.size, h.header_size_in_bytes, &info,
				&hdr, &mode);
			ck_assert_msg(!err, "%s: %s", where, err);
			if (mode != g->reference_mode) {
				fprintf(stderr, "%s: reference_mode: ours %u, "
					"GStreamer's %u\n", where, mode,
					g->reference_mode);
				diffs++;
			}
			diffs += compare_hdr(where, &hdr, &g->hdr);
			free(data);
		}
		pos += len;
	}
	ck_assert_msg(job == n_gst, "%s: %u frames decoded, GStreamer %u",
		      name, job, n_gst);
	ck_assert_msg(!diffs, "%s: %u differences from GStreamer (above)",
		      name, diffs);
	free(ivf);
}

/* A key frame, a hidden alt-ref in a superframe, compound prediction
 * (REFERENCE_MODE_SELECT), switchable filters. */
START_TEST(gst_profile0)
{
	check_against_gst("profile0");
}
END_TEST

/* 640x360, tile columns and rows, segmentation. */
START_TEST(gst_tiles_seg)
{
	check_against_gst("tiles-seg");
}
END_TEST

/* TX_MODE_SELECT with tx probability updates, compound prediction, an
 * ALLOW_8X8 frame. */
START_TEST(gst_tx_select)
{
	check_against_gst("tx-select");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vp9-compressed-header");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, bool_round_trip);
	tcase_add_test(tc, bool_bad_input);
	tcase_add_test(tc, inter_header);
	tcase_add_test(tc, intra_lossless_header);
	tcase_add_test(tc, header_bad_input);
	tcase_add_test(tc, gst_profile0);
	tcase_add_test(tc, gst_tiles_seg);
	tcase_add_test(tc, gst_tx_select);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
