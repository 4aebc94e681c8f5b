/* The hvcC reader (gst-plugin/hvcc.c): a real record made by libx265 into
 * MP4 (unit/data/hevc/hvcc-x265.bin, from make-hvcc.sh), records built
 * here, and damaged ones refused. Records are read from heap copies of
 * their exact size, so that a read past the end shows under ASan. */
#include <check.h>

#include "unit.h"
#include <stdio.h>
#include <string.h>

#include "hvcc.h"

#ifndef HVCC_DATA_DIR
#define HVCC_DATA_DIR "unit/data/hevc"
#endif

#define MAX_RECORD 4096

static uint8_t fixture[MAX_RECORD];
static size_t fixture_size;

static void load_fixture(void)
{
	FILE *f = fopen(HVCC_DATA_DIR "/hvcc-x265.bin", "rb");

	ck_assert_msg(f, "cannot open %s/hvcc-x265.bin", HVCC_DATA_DIR);
	fixture_size = fread(fixture, 1, sizeof(fixture), f);
	ck_assert(feof(f));
	fclose(f);
}

/* hvcc_open on a heap copy of data's first size bytes. The copy stays
 * allocated (freed by the caller) while the NAL units point into it. */
static int open_copy(struct hvcc *h, const uint8_t *data, size_t size,
		     uint8_t **copy)
{
	*copy = malloc(size ? size : 1);
	ck_assert_ptr_nonnull(*copy);
	memcpy(*copy, data, size);
	return hvcc_open(h, *copy, size);
}

/* Every NAL unit hvcc_next gives, into types[] and sizes[]; their count. */
static unsigned read_all(struct hvcc *h, unsigned *types, size_t *sizes,
			 unsigned max)
{
	struct hvcc_nalu nalu;
	unsigned n = 0;
	int ret;

	while ((ret = hvcc_next(h, &nalu)) == 1) {
		ck_assert_uint_lt(n, max);
		/* The two bytes before the NAL unit are its length. */
		ck_assert_uint_eq((size_t)(nalu.data[-2] << 8 | nalu.data[-1]),
				  nalu.size);
		ck_assert_uint_eq(nalu.data[0] >> 1 & 0x3f, nalu.type);
		types[n] = nalu.type;
		sizes[n++] = nalu.size;
	}
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(hvcc_next(h, &nalu), 0);	/* and stays at the end */
	return n;
}

START_TEST(real_record)
{
	/* What the record holds, read by hand from the file: four arrays
	 * of one NAL unit each, 4-byte NAL unit lengths. */
	static const struct {
		unsigned type;
		size_t size, offset;
		uint8_t head[2];
	} want[] = {
		{ 32, 24, 28, { 0x40, 0x01 } },		/* VPS */
		{ 33, 42, 57, { 0x42, 0x01 } },		/* SPS */
		{ 34, 7, 104, { 0x44, 0x01 } },		/* PPS */
		{ 39, 2293, 116, { 0x4e, 0x01 } },	/* prefix SEI */
	};
	struct hvcc h;
	struct hvcc_nalu nalu;
	uint8_t *copy;

	load_fixture();
	ck_assert_uint_eq(fixture_size, 2409);
	ck_assert_int_eq(open_copy(&h, fixture, fixture_size, &copy), 0);
	ck_assert_uint_eq(h.nal_length_size, 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(hvcc_next(&h, &nalu), 1);
		ck_assert_uint_eq(nalu.type, want[i].type);
		ck_assert_uint_eq(nalu.size, want[i].size);
		ck_assert_ptr_eq(nalu.data, copy + want[i].offset);
		ck_assert_mem_eq(nalu.data, want[i].head, 2);
	}
	ck_assert_int_eq(hvcc_next(&h, &nalu), 0);
	free(copy);
}
END_TEST

/* Every record cut short is refused, wherever the cut falls (in the
 * header, an array's header, a length, a NAL unit). */
START_TEST(truncated)
{
	struct hvcc h;
	uint8_t *copy;

	load_fixture();
	for (size_t size = 0; size < fixture_size; size++) {
		ck_assert_msg(open_copy(&h, fixture, size, &copy) ==
				      HVCC_ERR_TRUNCATED,
			      "%zu of %zu bytes accepted", size, fixture_size);
		free(copy);
	}
}
END_TEST

/* Bytes after the last array are left alone. */
START_TEST(trailing_bytes)
{
	unsigned types[8];
	size_t sizes[8];
	struct hvcc h;
	uint8_t *copy;

	load_fixture();
	memset(fixture + fixture_size, 0xff, 3);
	ck_assert_int_eq(open_copy(&h, fixture, fixture_size + 3, &copy), 0);
	ck_assert_uint_eq(read_all(&h, types, sizes, 8), 4);
	free(copy);
}
END_TEST

START_TEST(version)
{
	struct hvcc h;
	uint8_t *copy;

	load_fixture();
	fixture[0] = 2;
	ck_assert_int_eq(open_copy(&h, fixture, fixture_size, &copy),
			 HVCC_ERR_VERSION);
	free(copy);
	fixture[0] = 0;	/* the drafts' records */
	ck_assert_int_eq(open_copy(&h, fixture, fixture_size, &copy), 0);
	free(copy);
}
END_TEST

/* The real record with one of its counts raised: the NAL units it then
 * promises are not there. */
START_TEST(counts_too_high)
{
	struct hvcc h;
	uint8_t *copy;

	load_fixture();
	fixture[22]++;			/* numOfArrays */
	ck_assert_int_eq(open_copy(&h, fixture, fixture_size, &copy),
			 HVCC_ERR_TRUNCATED);
	free(copy);
	fixture[22]--;
	fixture[116 - 3]++;		/* the SEI array's numNalus, low byte */
	ck_assert_int_eq(open_copy(&h, fixture, fixture_size, &copy),
			 HVCC_ERR_TRUNCATED);
	free(copy);
	fixture[116 - 3]--;
	fixture[116 - 1]++;		/* the SEI's nalUnitLength, low byte */
	ck_assert_int_eq(open_copy(&h, fixture, fixture_size, &copy),
			 HVCC_ERR_TRUNCATED);
	free(copy);
}
END_TEST

START_TEST(nalu_type_mismatch)
{
	struct hvcc h;
	uint8_t *copy;

	load_fixture();
	fixture[57 - 5] = 0x80 | 34;	/* the SPS's array says PPS */
	ck_assert_int_eq(open_copy(&h, fixture, fixture_size, &copy),
			 HVCC_ERR_NALU_TYPE);
	free(copy);
}
END_TEST

/* A record built here: the header, then arrays given as bytes. */
static size_t build(uint8_t *out, unsigned length_size_minus_one,
		    unsigned n_arrays, const uint8_t *arrays, size_t size)
{
	memset(out, 0, 23);
	out[0] = 1;
	out[21] = (uint8_t)(0xfc | length_size_minus_one);
	out[22] = (uint8_t)n_arrays;
	memcpy(out + 23, arrays, size);
	return 23 + size;
}

/* An empty array, two SPS in one array, every length size. */
START_TEST(built_records)
{
	static const uint8_t arrays[] = {
		0x20, 0x00, 0x00,			/* VPS: none */
		0x21, 0x00, 0x02,			/* SPS: two */
		0x00, 0x03, 0x42, 0x01, 0xaa,
		0x00, 0x02, 0x42, 0x01,
		0x22, 0x00, 0x01,			/* PPS: one */
		0x00, 0x02, 0x44, 0x01,
	};
	uint8_t record[64];
	unsigned types[8];
	size_t sizes[8];
	struct hvcc h;
	uint8_t *copy;

	for (unsigned lsm1 = 0; lsm1 < 4; lsm1++) {
		size_t size = build(record, lsm1, 3, arrays, sizeof(arrays));
		ck_assert_int_eq(open_copy(&h, record, size, &copy), 0);
		ck_assert_uint_eq(h.nal_length_size, lsm1 + 1);
		ck_assert_uint_eq(read_all(&h, types, sizes, 8), 3);
		ck_assert_uint_eq(types[0], 33);
		ck_assert_uint_eq(sizes[0], 3);
		ck_assert_uint_eq(types[1], 33);
		ck_assert_uint_eq(sizes[1], 2);
		ck_assert_uint_eq(types[2], 34);
		ck_assert_uint_eq(sizes[2], 2);
		free(copy);
	}
	/* No array at all: parameter sets only in the stream (hev1). */
	size_t size = build(record, 3, 0, arrays, 0);
	ck_assert_int_eq(open_copy(&h, record, size, &copy), 0);
	ck_assert_uint_eq(read_all(&h, types, sizes, 8), 0);
	free(copy);
}
END_TEST

/* A NAL unit too short for its own header. */
START_TEST(nalu_too_short)
{
	static const uint8_t one_byte[] = { 0x21, 0x00, 0x01, 0x00, 0x01, 0x42 };
	static const uint8_t empty[] = { 0x21, 0x00, 0x01, 0x00, 0x00 };
	uint8_t record[64];
	struct hvcc h;
	uint8_t *copy;

	size_t size = build(record, 3, 1, one_byte, sizeof(one_byte));
	ck_assert_int_eq(open_copy(&h, record, size, &copy), HVCC_ERR_NALU_SIZE);
	free(copy);
	size = build(record, 3, 1, empty, sizeof(empty));
	ck_assert_int_eq(open_copy(&h, record, size, &copy), HVCC_ERR_NALU_SIZE);
	free(copy);
}
END_TEST

START_TEST(error_text)
{
	ck_assert_str_eq(hvcc_strerror(HVCC_ERR_TRUNCATED),
			 "the record ends inside a field or NAL unit");
	ck_assert_str_eq(hvcc_strerror(HVCC_ERR_NALU_TYPE),
			 "a NAL unit of another type than its array");
}
END_TEST

static Suite *hvcc_suite(void)
{
	Suite *s = suite_create("hvcc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, real_record);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, trailing_bytes);
	tcase_add_test(tc, version);
	tcase_add_test(tc, counts_too_high);
	tcase_add_test(tc, nalu_type_mismatch);
	tcase_add_test(tc, built_records);
	tcase_add_test(tc, nalu_too_short);
	tcase_add_test(tc, error_text);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(hvcc_suite());
}
