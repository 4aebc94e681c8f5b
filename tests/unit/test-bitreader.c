/* Bit reader: fixed-width and Exp-Golomb reads, emulation prevention, and
 * reads past the end of truncated data. */
#include <check.h>

#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "v4l2r/bitreader.h"

/* A tiny MSB-first writer to build Exp-Golomb streams. */
struct bitwriter {
	uint8_t buf[4096];
	size_t bits;
};

static void put_bits(struct bitwriter *w, uint64_t value, unsigned n)
{
	while (n--) {
		if (value >> n & 1)
			w->buf[w->bits / 8] |= 0x80 >> (w->bits % 8);
		w->bits++;
	}
}

static void put_ue(struct bitwriter *w, uint32_t v)
{
	uint64_t code = (uint64_t)v + 1;
	unsigned len = 0;

	while (code >> (len + 1))
		len++;
	put_bits(w, 0, len);
	put_bits(w, code, len + 1);
}

static void put_se(struct bitwriter *w, int32_t v)
{
	put_ue(w, v > 0 ? 2 * (uint32_t)v - 1 : 2 * (uint32_t)(-(int64_t)v));
}

/* Exactly size bytes on the heap, so valgrind sees any read beyond. */
static uint8_t *exact_copy(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, data, size);
	return p;
}

START_TEST(fixed_width)
{
	static const uint8_t data[] = { 0xa5, 0x0f, 0x12, 0x34, 0x56, 0x78 };
	struct v4l2r_bitreader br;

	v4l2r_br_init(&br, data, sizeof(data), false);
	ck_assert_uint_eq(v4l2r_br_left(&br), 48);
	ck_assert_uint_eq(v4l2r_br_u(&br, 0), 0);
	ck_assert_uint_eq(v4l2r_br_u(&br, 4), 0xa);
	ck_assert(!v4l2r_br_byte_aligned(&br));
	ck_assert(!v4l2r_br_flag(&br));
	ck_assert_uint_eq(v4l2r_br_u(&br, 3), 0x5);
	ck_assert(v4l2r_br_byte_aligned(&br));
	ck_assert_uint_eq(v4l2r_br_u(&br, 8), 0x0f);
	ck_assert_uint_eq(v4l2r_br_u(&br, 32), 0x12345678);
	ck_assert_uint_eq(v4l2r_br_raw_bits(&br), 48);
	ck_assert_uint_eq(v4l2r_br_left(&br), 0);
	ck_assert(!br.overrun);
}
END_TEST

START_TEST(skip_and_counts)
{
	static const uint8_t data[] = { 0xff, 0x00, 0x80 };
	struct v4l2r_bitreader br;

	v4l2r_br_init(&br, data, sizeof(data), false);
	v4l2r_br_skip(&br, 9);
	ck_assert_uint_eq(v4l2r_br_raw_bits(&br), 9);
	ck_assert_uint_eq(v4l2r_br_left(&br), 15);
	ck_assert_uint_eq(v4l2r_br_u(&br, 8), 0x01);
	ck_assert(!br.overrun);
}
END_TEST

START_TEST(exp_golomb_round_trip)
{
	static const uint32_t ue_values[] = {
		0, 1, 2, 3, 6, 7, 254, 255, 256, 65535, 1u << 20,
		0x7fffffff, 0xfffffffe,
	};
	static const int32_t se_values[] = {
		0, 1, -1, 2, -2, 100, -100, 32767, -32768,
		0x7fffffff, -0x7fffffff,
	};
	struct bitwriter w = { 0 };
	struct v4l2r_bitreader br;
	size_t n_ue = sizeof(ue_values) / sizeof(ue_values[0]);
	size_t n_se = sizeof(se_values) / sizeof(se_values[0]);

	for (size_t i = 0; i < n_ue; i++)
		put_ue(&w, ue_values[i]);
	for (size_t i = 0; i < n_se; i++)
		put_se(&w, se_values[i]);
	put_bits(&w, 1, 1);	/* a stop bit, like rbsp_trailing_bits */

	v4l2r_br_init(&br, w.buf, (w.bits + 7) / 8, false);
	for (size_t i = 0; i < n_ue; i++)
		ck_assert_uint_eq(v4l2r_br_ue(&br), ue_values[i]);
	for (size_t i = 0; i < n_se; i++)
		ck_assert_int_eq(v4l2r_br_se(&br), se_values[i]);
	ck_assert(v4l2r_br_flag(&br));
	ck_assert_uint_eq(v4l2r_br_raw_bits(&br), w.bits);
	ck_assert(!br.overrun);
}
END_TEST

START_TEST(exp_golomb_known_codes)
{
	/* 1 | 010 | 011 | 00100 | 00101 -> ue 0 1 2 3 4; se of the same
	 * codes: 0 +1 -1 +2 -2 */
	static const uint8_t data[] = { 0xa6, 0x42, 0x80 };
	struct v4l2r_bitreader br;

	v4l2r_br_init(&br, data, sizeof(data), false);
	for (uint32_t v = 0; v < 5; v++)
		ck_assert_uint_eq(v4l2r_br_ue(&br), v);
	v4l2r_br_init(&br, data, sizeof(data), false);
	ck_assert_int_eq(v4l2r_br_se(&br), 0);
	ck_assert_int_eq(v4l2r_br_se(&br), 1);
	ck_assert_int_eq(v4l2r_br_se(&br), -1);
	ck_assert_int_eq(v4l2r_br_se(&br), 2);
	ck_assert_int_eq(v4l2r_br_se(&br), -2);
}
END_TEST

START_TEST(exp_golomb_too_long)
{
	/* 32 leading zeros: longer than any 32-bit value. */
	static const uint8_t data[] = { 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct v4l2r_bitreader br;

	v4l2r_br_init(&br, data, sizeof(data), false);
	ck_assert_uint_eq(v4l2r_br_ue(&br), 0);
	ck_assert(br.overrun);
}
END_TEST

START_TEST(emulation_prevention)
{
	/* RBSP 00 00 01 00 00 00 00 02 ff, each 00 00 escaped. */
	static const uint8_t data[] = {
		0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00,
		0x00, 0x03, 0x02, 0xff,
	};
	struct v4l2r_bitreader br;

	v4l2r_br_init(&br, data, sizeof(data), true);
	ck_assert_uint_eq(v4l2r_br_u(&br, 16), 0);
	ck_assert_uint_eq(v4l2r_br_raw_bits(&br), 16);
	ck_assert_uint_eq(v4l2r_br_u(&br, 8), 0x01);
	ck_assert_uint_eq(v4l2r_br_raw_bits(&br), 32);
	ck_assert_uint_eq(v4l2r_br_rbsp_bits(&br), 24);
	/* Across an escape in the middle of a read. */
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(v4l2r_br_u(&br, 12), 0);
	ck_assert_uint_eq(v4l2r_br_u(&br, 4), 0x2);
	ck_assert_uint_eq(v4l2r_br_u(&br, 8), 0xff);
	ck_assert_uint_eq(br.epb, 3);
	ck_assert_uint_eq(v4l2r_br_raw_bits(&br), 96);
	ck_assert_uint_eq(v4l2r_br_rbsp_bits(&br), 72);
	ck_assert_uint_eq(v4l2r_br_left(&br), 0);
	ck_assert(!br.overrun);

	/* Raw mode keeps the 03 bytes. */
	v4l2r_br_init(&br, data, sizeof(data), false);
	ck_assert_uint_eq(v4l2r_br_u(&br, 32), 0x00000301);
	ck_assert_uint_eq(v4l2r_br_rbsp_bits(&br), 32);
	ck_assert_uint_eq(br.epb, 0);
}
END_TEST

START_TEST(no_escape_without_two_zeros)
{
	static const uint8_t data[] = { 0x00, 0x03, 0x00, 0x01, 0x03 };
	struct v4l2r_bitreader br;

	v4l2r_br_init(&br, data, sizeof(data), true);
	ck_assert_uint_eq(v4l2r_br_u(&br, 32), 0x00030001);
	ck_assert_uint_eq(v4l2r_br_u(&br, 8), 0x03);
	ck_assert_uint_eq(br.epb, 0);
}
END_TEST

START_TEST(escape_as_last_byte)
{
	static const uint8_t bytes[] = { 0x00, 0x00, 0x03 };
	uint8_t *data = exact_copy(bytes, sizeof(bytes));
	struct v4l2r_bitreader br;

	v4l2r_br_init(&br, data, sizeof(bytes), true);
	ck_assert_uint_eq(v4l2r_br_u(&br, 16), 0);
	ck_assert(!br.overrun);
	ck_assert_uint_eq(v4l2r_br_u(&br, 1), 0);
	ck_assert(br.overrun);
	free(data);
}
END_TEST

START_TEST(truncated_input)
{
	static const uint8_t zeros[3] = { 0 };
	struct v4l2r_bitreader br;

	for (size_t size = 0; size <= sizeof(zeros); size++) {
		uint8_t *data = exact_copy(zeros, size);

		v4l2r_br_init(&br, data, size, true);
		ck_assert_uint_eq(v4l2r_br_ue(&br), 0);
		ck_assert(br.overrun);
		ck_assert_uint_eq(v4l2r_br_left(&br), 0);

		v4l2r_br_init(&br, data, size, false);
		ck_assert_uint_eq(v4l2r_br_u(&br, 32), 0);
		ck_assert(br.overrun);
		/* Once overrun, everything reads as zero and stays put. */
		v4l2r_br_skip(&br, 1000);
		ck_assert_int_eq(v4l2r_br_se(&br), 0);
		ck_assert_uint_eq(v4l2r_br_raw_bits(&br), size * 8);
		free(data);
	}
}
END_TEST

START_TEST(overrun_is_sticky)
{
	static const uint8_t bytes[] = { 0xff };
	uint8_t *data = exact_copy(bytes, sizeof(bytes));
	struct v4l2r_bitreader br;

	v4l2r_br_init(&br, data, sizeof(bytes), false);
	ck_assert_uint_eq(v4l2r_br_u(&br, 9), 0);
	ck_assert(br.overrun);
	ck_assert_uint_eq(v4l2r_br_u(&br, 1), 0);
	free(data);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bitreader");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, fixed_width);
	tcase_add_test(tc, skip_and_counts);
	tcase_add_test(tc, exp_golomb_round_trip);
	tcase_add_test(tc, exp_golomb_known_codes);
	tcase_add_test(tc, exp_golomb_too_long);
	tcase_add_test(tc, emulation_prevention);
	tcase_add_test(tc, no_escape_without_two_zeros);
	tcase_add_test(tc, escape_as_last_byte);
	tcase_add_test(tc, truncated_input);
	tcase_add_test(tc, overrun_is_sticky);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
