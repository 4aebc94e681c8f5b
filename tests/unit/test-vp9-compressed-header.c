/* VP9 boolean decoder and compressed header: round trips through a boolean
 * encoder written here from the spec's arithmetic, a header coded syntax
 * element by element, and bad input (empty, marker bit, truncation, a
 * delta index past inv_map_table). */
#include <check.h>

#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "v4l2r/vp9.h"

/* Boolean encoder (the counterpart of spec 9.2): low keeps 24 bits not yet
 * final under the 8-bit window; a carry out of them ripples back into the
 * bytes written. count reaches 0 when a byte is ready. */
struct bool_enc {
	uint8_t buf[8192];
	size_t pos;
	uint32_t low, range;
	int count;
};

static void enc_shift(struct bool_enc *e)
{
	if (++e->count < 0) {
		e->low <<= 1;
		return;
	}
	if (e->low & 0x80000000u) {
		size_t x = e->pos;
		while (x && e->buf[x - 1] == 0xff)
			e->buf[--x] = 0;
		ck_assert(x > 0);
		e->buf[x - 1]++;
	}
	ck_assert(e->pos < sizeof(e->buf));
	e->buf[e->pos++] = e->low >> 23 & 0xff;
	e->low = e->low << 1 & 0xffffff;
	e->count = -8;
}

static void enc_bool(struct bool_enc *e, bool bit, uint8_t prob)
{
	uint32_t split = 1 + (((e->range - 1) * prob) >> 8);

	if (bit) {
		e->low += split;
		e->range -= split;
	} else {
		e->range = split;
	}
	while (e->range < 128) {
		e->range <<= 1;
		enc_shift(e);
	}
}

static void enc_literal(struct bool_enc *e, unsigned v, unsigned n)
{
	while (n--)
		enc_bool(e, v >> n & 1, 128);
}

static void enc_start(struct bool_enc *e)
{
	memset(e, 0, sizeof(*e));
	e->range = 255;
	e->count = -24;
	enc_bool(e, 0, 128);	/* marker */
}

static size_t enc_finish(struct bool_enc *e)
{
	for (int i = 0; i < 32; i++)
		enc_bool(e, 0, 128);
	return e->pos;
}

/* Exactly size bytes on the heap, so valgrind/ASan see any read beyond. */
static uint8_t *exact_copy(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, data, size);
	return p;
}

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

int main(void)
{
	Suite *s = suite_create("vp9-compressed-header");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, bool_round_trip);
	tcase_add_test(tc, bool_bad_input);
	tcase_add_test(tc, inter_header);
	tcase_add_test(tc, intra_lossless_header);
	tcase_add_test(tc, header_bad_input);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
