/* The VA driver's device-free parts: collecting and checking a picture's
 * buffers (picture.c), writing the bitstream without ever passing the end
 * of the buffer, dropping optional controls a device lacks, the decode-mode
 * and capture-format choices (context.c), which codecs and pixel formats
 * are offered (config.c), image formats and pixel copies (image.c), the
 * object table (object.c) and which surfaces a context takes by their RT
 * format (surface.c, context.c). Every bad-input case picture.c refuses is here. */
#include <check.h>

#include "unit.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "va/driver.h"

static struct va_picture_accum acc;
static char why[192];

static void setup(void)
{
	ck_assert_int_eq(va_accum_init(&acc, &va_codec_mpeg2), 0);
	why[0] = '\0';
}

static void teardown(void)
{
	va_accum_fini(&acc);
}

static VAPictureParameterBufferMPEG2 pic(void)
{
	VAPictureParameterBufferMPEG2 p;

	memset(&p, 0, sizeof(p));
	p.horizontal_size = 320;
	p.vertical_size = 240;
	p.picture_coding_type = 1;
	p.f_code = 0xffff;
	p.picture_coding_extension.bits.picture_structure = 3;
	p.picture_coding_extension.bits.progressive_frame = 1;
	return p;
}

static VASliceParameterBufferMPEG2 slice(uint32_t offset, uint32_t size,
					 uint32_t vpos)
{
	VASliceParameterBufferMPEG2 s;

	memset(&s, 0, sizeof(s));
	s.slice_data_offset = offset;
	s.slice_data_size = size;
	s.slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
	s.slice_vertical_position = vpos;
	return s;
}

static const uint8_t data[] = {
	0, 0, 1, 1, 0xaa, 0xbb, 0xcc,		/* slice 0: 7 bytes */
	0, 0, 1, 2, 0xdd, 0xee,			/* slice 1: 6 bytes */
};

static VAStatus add(VABufferType type, const void *p, unsigned size,
		    unsigned n)
{
	return va_accum_add(&acc, type, p, size, n, why, sizeof(why));
}

static void add_good_picture(void)
{
	VAPictureParameterBufferMPEG2 p = pic();
	VASliceParameterBufferMPEG2 s[2] = { slice(0, 7, 0), slice(7, 6, 1) };

	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(add(VASliceParameterBufferType, s, sizeof(s[0]), 2),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(add(VASliceDataBufferType, data, sizeof(data), 1),
			 VA_STATUS_SUCCESS);
}

START_TEST(good_picture)
{
	struct va_picture_input in;

	add_good_picture();
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)),
			 VA_STATUS_SUCCESS);
	ck_assert_uint_eq(in.n_slices, 2);
	ck_assert_ptr_null(in.iq_matrix);
	ck_assert_uint_eq(in.slices[0].size, 7);
	ck_assert_uint_eq(in.slices[1].size, 6);
	ck_assert_mem_eq(in.slices[1].data, data + 7, 6);
	const VAPictureParameterBufferMPEG2 *p = in.pic_params;
	ck_assert_uint_eq(p->horizontal_size, 320);

	/* Reset: the next picture starts empty. */
	va_accum_reset(&acc);
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(one_slice_per_buffer_pair)
{
	/* FFmpeg's and GStreamer's way: parameters then data, per slice,
	 * each data buffer holding only its slice (offset 0). */
	VAPictureParameterBufferMPEG2 p = pic();
	VASliceParameterBufferMPEG2 s0 = slice(0, 7, 0), s1 = slice(0, 6, 1);
	struct va_picture_input in;

	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s0, sizeof(s0), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, 7, 1), 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s1, sizeof(s1), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data + 7, 6, 1), 0);
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)), 0);
	ck_assert_mem_eq(in.slices[0].data, data, 7);
	ck_assert_mem_eq(in.slices[1].data, data + 7, 6);
}
END_TEST

START_TEST(missing_picture_parameters)
{
	VASliceParameterBufferMPEG2 s = slice(0, 7, 0);
	struct va_picture_input in;

	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, 7, 1), 0);
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(why, "picture parameter"));
}
END_TEST

START_TEST(no_slices)
{
	VAPictureParameterBufferMPEG2 p = pic();
	struct va_picture_input in;

	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(why, "slice"));
}
END_TEST

START_TEST(params_without_data)
{
	VAPictureParameterBufferMPEG2 p = pic();
	VASliceParameterBufferMPEG2 s = slice(0, 7, 0);
	struct va_picture_input in;

	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(why, "no data"));
}
END_TEST

START_TEST(data_without_params)
{
	ck_assert_int_eq(add(VASliceDataBufferType, data, sizeof(data), 1),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(wrong_sizes)
{
	VAPictureParameterBufferMPEG2 p = pic();
	VASliceParameterBufferMPEG2 s = slice(0, 7, 0);
	VAIQMatrixBufferMPEG2 iq;

	memset(&iq, 0, sizeof(iq));
	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p) - 4, 1),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 2),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(add(VAIQMatrixBufferType, &iq, sizeof(iq) + 8, 1),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s) + 4, 1),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(add(VAIQMatrixBufferType, &iq, sizeof(iq), 1),
			 VA_STATUS_SUCCESS);
	/* MPEG-2 has no probability tables; unknown types are refused. */
	ck_assert_int_eq(add(VAProbabilityBufferType, &iq, 16, 1),
			 VA_STATUS_ERROR_UNSUPPORTED_BUFFERTYPE);
	ck_assert_int_eq(add(VAMacroblockParameterBufferType, &iq, 16, 1),
			 VA_STATUS_ERROR_UNSUPPORTED_BUFFERTYPE);
	ck_assert_int_eq(add(VAPictureParameterBufferType, NULL, sizeof(p), 1),
			 VA_STATUS_ERROR_INVALID_BUFFER);
}
END_TEST

START_TEST(slice_outside_data)
{
	VAPictureParameterBufferMPEG2 p = pic();

	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	/* Offset past the end. */
	VASliceParameterBufferMPEG2 s = slice(sizeof(data) + 1, 1, 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, sizeof(data), 1),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(why, "outside"));

	/* Size running past the end, and offset + size wrapping around. */
	va_accum_reset(&acc);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	s = slice(7, sizeof(data) - 6, 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, sizeof(data), 1),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	va_accum_reset(&acc);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	s = slice(8, UINT32_MAX - 4, 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, sizeof(data), 1),
			 VA_STATUS_ERROR_INVALID_PARAMETER);

	/* An empty slice. */
	va_accum_reset(&acc);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	s = slice(0, 0, 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, sizeof(data), 1),
			 VA_STATUS_ERROR_INVALID_PARAMETER);

	/* Exactly up to the end is fine. */
	va_accum_reset(&acc);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	s = slice(7, 6, 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, sizeof(data), 1), 0);
}
END_TEST

/* The slice data of a picture is bounded by what one request carries: a
 * client rendering the same 1 MiB buffer again and again is refused at the
 * buffer that passes the limit (at vaRenderPicture, not vaEndPicture). */
START_TEST(slice_data_bounded)
{
	const size_t mib = 1024 * 1024;
	uint8_t *big = calloc(1, mib);
	VAPictureParameterBufferMPEG2 p = pic();
	VASliceParameterBufferMPEG2 s = slice(0, (uint32_t)mib, 0);

	ck_assert_ptr_nonnull(big);
	acc.data_limit = 4 * mib;
	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
		ck_assert_int_eq(add(VASliceDataBufferType, big, (unsigned)mib, 1), 0);
	}
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	for (unsigned i = 0; i < 512; i++)
		ck_assert_int_eq(add(VASliceDataBufferType, big, (unsigned)mib, 1),
				 VA_STATUS_ERROR_NOT_ENOUGH_BUFFER);
	ck_assert_ptr_nonnull(strstr(why, "4194304-byte bitstream buffer"));
	ck_assert_uint_eq(acc.data_size, 4 * mib);
	ck_assert_uint_eq(acc.n_slices, 5);
	ck_assert_uint_eq(acc.first_without_data, 4);

	/* One byte over, in one buffer of elements: refused too. */
	va_accum_reset(&acc);
	acc.data_limit = 16;
	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	s = slice(0, 17, 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, big, 1, 17),
			 VA_STATUS_ERROR_NOT_ENOUGH_BUFFER);
	ck_assert_uint_eq(acc.data_size, 0);
	free(big);
}
END_TEST

START_TEST(bitstream_never_overflows)
{
	struct va_picture_input in;
	const struct v4l2r_decode_mode mode = { .slice_based = false };
	uint8_t out[32];
	size_t written;

	add_good_picture();
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)), 0);
	ck_assert_uint_eq(va_bitstream_size(&va_codec_mpeg2, NULL, &in, &mode,
					    0, 2), 13);
	memset(out, 0x5a, sizeof(out));
	ck_assert_int_eq(va_bitstream_write(&va_codec_mpeg2, NULL, &in, &mode, 0,
					    2, out, 13, &written), 0);
	ck_assert_uint_eq(written, 13);
	ck_assert_mem_eq(out, data, 13);
	ck_assert_uint_eq(out[13], 0x5a);

	/* One byte short: refused, and nothing written past the end. */
	memset(out, 0x5a, sizeof(out));
	ck_assert_int_eq(va_bitstream_write(&va_codec_mpeg2, NULL, &in, &mode, 0,
					    2, out, 12, &written), -ENOSPC);
	ck_assert_uint_eq(out[12], 0x5a);
	/* Slice ranges outside the picture are refused. */
	ck_assert_int_eq(va_bitstream_write(&va_codec_mpeg2, NULL, &in, &mode, 1,
					    2, out, sizeof(out), &written),
			 -EINVAL);
}
END_TEST

/* A codec without its own prefix rule: Annex-B start codes are added where
 * the device wants them and the data has none. */
static const struct va_codec_ops plain_ops = {
	.slice_param_size = sizeof(VASliceParameterBufferMPEG2),
	.pic_param_size = sizeof(VAPictureParameterBufferMPEG2),
};

START_TEST(annex_b_prefix)
{
	static const uint8_t nal[] = { 0x65, 0x88, 0x84 };
	static const uint8_t sc_nal[] = { 0, 0, 1, 0x41, 0x9a };
	VASliceParameterBufferMPEG2 sp = slice(0, 3, 0);
	struct va_slice s[2] = {
		{ .params = &sp, .data = nal, .size = 3 },
		{ .params = &sp, .data = sc_nal, .size = 5 },
	};
	struct va_picture_input in = { .n_slices = 2, .slices = s };
	const struct v4l2r_decode_mode annexb = { .annex_b = true },
				    none = { .slice_based = true };
	uint8_t out[16];
	size_t written;

	ck_assert_uint_eq(va_bitstream_size(&plain_ops, NULL, &in, &annexb, 0, 2),
			  11);
	ck_assert_int_eq(va_bitstream_write(&plain_ops, NULL, &in, &annexb, 0, 2,
					    out, sizeof(out), &written), 0);
	static const uint8_t want[] = { 0, 0, 1, 0x65, 0x88, 0x84,
					0, 0, 1, 0x41, 0x9a };
	ck_assert_uint_eq(written, sizeof(want));
	ck_assert_mem_eq(out, want, sizeof(want));
	ck_assert_uint_eq(va_bitstream_size(&plain_ops, NULL, &in, &none, 0, 1), 3);
	ck_assert_int_eq(va_bitstream_write(&plain_ops, NULL, &in, &annexb, 0, 1,
					    out, 5, &written), -ENOSPC);
}
END_TEST

START_TEST(slices_know_their_data_buffer)
{
	/* Two slices in one data buffer, then one in a buffer of its own
	 * with identical bytes (AV1 from FFmpeg 5.1: a tile group per
	 * tile), then one in the first buffer rendered again: each slice
	 * sees the whole buffer it came in, the client's own bytes (not a
	 * copy), and the two buffers stay apart. */
	static const uint8_t twin[sizeof(data)] = {
		0, 0, 1, 1, 0xaa, 0xbb, 0xcc, 0, 0, 1, 2, 0xdd, 0xee,
	};
	VAPictureParameterBufferMPEG2 p = pic();
	VASliceParameterBufferMPEG2 s[2] = { slice(0, 7, 0), slice(7, 6, 1) };
	VASliceParameterBufferMPEG2 s2 = slice(7, 6, 2), s3 = slice(0, 7, 3);
	struct va_picture_input in;

	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, s, sizeof(s[0]), 2), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, sizeof(data), 1), 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s2, sizeof(s2), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, twin, sizeof(twin), 1), 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s3, sizeof(s3), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, sizeof(data), 1), 0);
	ck_assert_uint_eq(acc.data_size, 3 * sizeof(data));
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)), 0);
	ck_assert_ptr_eq(in.slices[0].buffer, data);
	ck_assert_ptr_eq(in.slices[1].buffer, data);
	ck_assert_ptr_eq(in.slices[2].buffer, twin);
	ck_assert_ptr_eq(in.slices[3].buffer, data);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(in.slices[i].buffer_size, sizeof(data));
		ck_assert_mem_eq(in.slices[i].buffer, data, sizeof(data));
		ck_assert_ptr_eq(in.slices[i].data,
				 in.slices[i].buffer + in.slices[i].lead);
	}
	ck_assert_uint_eq(in.slices[3].size, 7);
}
END_TEST

/* The slice data is read where the client put it, when the bitstream is
 * written (vaEndPicture): its bytes of that moment are the picture's. */
START_TEST(slice_data_read_when_written)
{
	uint8_t mine[sizeof(data)];
	struct va_picture_input in;
	const struct v4l2r_decode_mode mode = { .slice_based = false };
	uint8_t out[sizeof(data)];
	size_t written;
	VAPictureParameterBufferMPEG2 p = pic();
	VASliceParameterBufferMPEG2 s[2] = { slice(0, 7, 0), slice(7, 6, 1) };

	memcpy(mine, data, sizeof(data));
	ck_assert_int_eq(add(VAPictureParameterBufferType, &p, sizeof(p), 1), 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, s, sizeof(s[0]), 2), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, mine, sizeof(mine), 1), 0);
	mine[12] = 0x42;
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)), 0);
	ck_assert_int_eq(va_bitstream_write(&va_codec_mpeg2, NULL, &in, &mode, 0,
					    2, out, sizeof(out), &written), 0);
	ck_assert_uint_eq(written, sizeof(data));
	ck_assert_mem_eq(out, data, 12);
	ck_assert_uint_eq(out[12], 0x42);
}
END_TEST

/* A codec writing its own data: the slices' bytes in reverse order of
 * slices, to tell it from picture.c's own writing. */
static size_t reversed_write(void *state, const struct va_picture_input *in,
			     unsigned first, unsigned n, uint8_t *dst,
			     size_t cap)
{
	size_t need = 0, pos = 0;
	(void)state;

	for (unsigned i = first; i < first + n; i++)
		need += in->slices[i].size;
	if (!dst || need > cap)
		return need;
	for (unsigned i = first + n; i-- > first;) {
		memcpy(dst + pos, in->slices[i].data, in->slices[i].size);
		pos += in->slices[i].size;
	}
	return need;
}

static const struct va_codec_ops writing_ops = {
	.slice_param_size = sizeof(VASliceParameterBufferMPEG2),
	.pic_param_size = sizeof(VAPictureParameterBufferMPEG2),
	.write_data = reversed_write,
};

START_TEST(codec_writes_its_data)
{
	struct va_picture_input in;
	const struct v4l2r_decode_mode mode = { .annex_b = true };
	uint8_t out[32];
	size_t written;

	add_good_picture();
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)), 0);
	/* no Annex-B prefix added: the codec's writing is the data */
	ck_assert_uint_eq(va_bitstream_size(&writing_ops, NULL, &in, &mode, 0, 2),
			  13);
	memset(out, 0x5a, sizeof(out));
	ck_assert_int_eq(va_bitstream_write(&writing_ops, NULL, &in, &mode, 0, 2,
					    out, sizeof(out), &written), 0);
	ck_assert_uint_eq(written, 13);
	ck_assert_mem_eq(out, data + 7, 6);
	ck_assert_mem_eq(out + 6, data, 7);
	ck_assert_uint_eq(out[13], 0x5a);
	/* one byte short: refused, nothing written */
	memset(out, 0x5a, sizeof(out));
	ck_assert_int_eq(va_bitstream_write(&writing_ops, NULL, &in, &mode, 0, 2,
					    out, 12, &written), -ENOSPC);
	ck_assert_uint_eq(written, 0);
	ck_assert_uint_eq(out[0], 0x5a);
	ck_assert_int_eq(va_bitstream_write(&writing_ops, NULL, &in, &mode, 2, 1,
					    out, sizeof(out), &written),
			 -EINVAL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The driver's hold on slice data buffers, through its VA entry points:
 * a driver without a device, with one context whose picture is open
 * (vaBeginPicture and the queueing need a device; vaEndPicture then stops
 * at the target surface, which does not exist, after finishing the
 * picture). Whether a buffer was freed is ASan's to tell (the -asan
 * build's make check). */

static struct VADriverContext vactx;
static struct va_driver *drv;
static struct va_context *ctx;
static VAContextID ctx_id;

static void driver_setup(void)
{
	drv = va_driver_new(&vactx);
	ck_assert_ptr_nonnull(drv);
	drv->log_level = -1;	/* quiet: the bad calls below are meant */

	ctx = calloc(1, sizeof(*ctx));
	ck_assert_ptr_nonnull(ctx);
	ctx->drv = drv;
	ctx->refs = 1;
	pthread_mutex_init(&ctx->lock, NULL);
	ctx->config.ops = &va_codec_mpeg2;
	ck_assert_int_eq(va_accum_init(&ctx->accum, &va_codec_mpeg2), 0);
	ctx->picture_open = true;
	ctx->target = 0x3000001;	/* no such surface */
	ctx_id = va_heap_add(&drv->contexts, ctx);
	ck_assert_uint_ne(ctx_id, VA_INVALID_ID);
}

static void driver_teardown(void)
{
	unsigned cur = 0;
	uint32_t id;

	if (ctx)
		va_DestroyContext(&vactx, ctx_id);
	while (va_heap_next(&drv->buffers, &cur, &id))
		ck_assert_int_eq(va_DestroyBuffer(&vactx, id), VA_STATUS_SUCCESS);
	va_driver_free(drv);
	drv = NULL;
	ctx = NULL;
}

/* A good picture's three buffers: picture and slice parameters, data. */
static void create_picture(VABufferID ids[3])
{
	VAPictureParameterBufferMPEG2 p = pic();
	VASliceParameterBufferMPEG2 s[2] = { slice(0, 7, 0), slice(7, 6, 1) };

	ck_assert_int_eq(va_CreateBuffer(&vactx, ctx_id,
					 VAPictureParameterBufferType,
					 sizeof(p), 1, &p, &ids[0]), 0);
	ck_assert_int_eq(va_CreateBuffer(&vactx, ctx_id,
					 VASliceParameterBufferType,
					 sizeof(s[0]), 2, s, &ids[1]), 0);
	ck_assert_int_eq(va_CreateBuffer(&vactx, ctx_id, VASliceDataBufferType,
					 sizeof(data), 1, (void *)data,
					 &ids[2]), 0);
}

static struct va_buffer *buffer_of(VABufferID id)
{
	struct va_buffer *b = va_heap_get(&drv->buffers, id);

	ck_assert_ptr_nonnull(b);
	return b;
}

/* That picture rendered, then its slice data buffer destroyed. */
static void render_then_destroy_data(VABufferID ids[3])
{
	create_picture(ids);
	ck_assert_int_eq(va_RenderPicture(&vactx, ctx_id, ids, 3), 0);
	ck_assert_uint_eq(buffer_of(ids[2])->holds, 1);
	ck_assert_uint_eq(ctx->n_held, 1);	/* the data buffer alone */
	ck_assert_int_eq(va_DestroyBuffer(&vactx, ids[2]), 0);
}

/* The id of a destroyed buffer is refused by every call at once. */
static void assert_gone(VABufferID id)
{
	VABufferType type;
	unsigned size, n;
	void *map;

	ck_assert_int_eq(va_BufferInfo(&vactx, id, &type, &size, &n),
			 VA_STATUS_ERROR_INVALID_BUFFER);
	ck_assert_int_eq(va_MapBuffer(&vactx, id, &map),
			 VA_STATUS_ERROR_INVALID_BUFFER);
	ck_assert_int_eq(va_BufferSetNumElements(&vactx, id, 2),
			 VA_STATUS_ERROR_INVALID_BUFFER);
	ck_assert_int_eq(va_DestroyBuffer(&vactx, id),
			 VA_STATUS_ERROR_INVALID_BUFFER);
	if (ctx && ctx->picture_open)
		ck_assert_int_eq(va_RenderPicture(&vactx, ctx_id, &id, 1),
				 VA_STATUS_ERROR_INVALID_BUFFER);
}

/* FFmpeg destroys its buffers after vaEndPicture, but VA lets a client do
 * it between vaRenderPicture and vaEndPicture: the picture still has its
 * data, written whole into the bitstream; the id is gone at once. */
START_TEST(destroyed_slice_data_stays_until_end)
{
	VABufferID ids[3];
	struct va_picture_input in;
	const struct v4l2r_decode_mode mode = { .slice_based = false };
	uint8_t out[sizeof(data)];
	size_t written;

	render_then_destroy_data(ids);
	for (unsigned i = 0; i < 2; i++)
		ck_assert_int_eq(va_DestroyBuffer(&vactx, ids[i]), 0);
	assert_gone(ids[2]);
	ck_assert_uint_eq(va_heap_count(&drv->buffers), 0);

	/* What vaEndPicture does first: finish, write the bitstream. */
	ck_assert_int_eq(va_accum_finish(&ctx->accum, &in, why, sizeof(why)), 0);
	ck_assert_ptr_eq(in.slices[0].buffer, ctx->held[0]->data);
	ck_assert_int_eq(va_bitstream_write(&va_codec_mpeg2, NULL, &in, &mode, 0,
					    2, out, sizeof(out), &written), 0);
	ck_assert_uint_eq(written, sizeof(data));
	ck_assert_mem_eq(out, data, sizeof(data));

	/* vaEndPicture fails (no target surface) and releases the buffer,
	 * which goes then. */
	ck_assert_int_eq(va_EndPicture(&vactx, ctx_id),
			 VA_STATUS_ERROR_INVALID_SURFACE);
	ck_assert_uint_eq(ctx->n_held, 0);
	ck_assert(!ctx->picture_open);
}
END_TEST

/* A buffer held and not destroyed is the client's again once the picture
 * ends: its size may change then, not before (the picture points into
 * it), and vaDestroyBuffer frees it. One rendered twice is held twice. */
START_TEST(held_buffer_released_at_end)
{
	VABufferID ids[3];

	create_picture(ids);
	ck_assert_int_eq(va_RenderPicture(&vactx, ctx_id, ids, 3), 0);
	VASliceParameterBufferMPEG2 s = slice(0, 7, 2);
	VABufferID sp;
	ck_assert_int_eq(va_CreateBuffer(&vactx, ctx_id,
					 VASliceParameterBufferType,
					 sizeof(s), 1, &s, &sp), 0);
	VABufferID again[2] = { sp, ids[2] };
	ck_assert_int_eq(va_RenderPicture(&vactx, ctx_id, again, 2), 0);
	struct va_buffer *b = buffer_of(ids[2]);
	ck_assert_uint_eq(b->holds, 2);
	ck_assert_uint_eq(ctx->n_held, 2);
	ck_assert_int_eq(va_BufferSetNumElements(&vactx, ids[2], 2),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(va_EndPicture(&vactx, ctx_id),
			 VA_STATUS_ERROR_INVALID_SURFACE);
	ck_assert_uint_eq(b->holds, 0);
	ck_assert(!b->destroyed);
	ck_assert_int_eq(va_BufferSetNumElements(&vactx, ids[2], 2), 0);
	/* destroyed by the teardown, at once */
}
END_TEST

/* A refused buffer, and every buffer but slice data, is not held. */
START_TEST(refused_buffer_not_held)
{
	VABufferID ids[3];

	create_picture(ids);
	/* slice data before any slice parameters: refused */
	ck_assert_int_eq(va_RenderPicture(&vactx, ctx_id, &ids[2], 1),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_int_eq(va_RenderPicture(&vactx, ctx_id, ids, 2), 0);
	ck_assert_uint_eq(buffer_of(ids[2])->holds, 0);
	ck_assert_uint_eq(ctx->n_held, 0);
	/* too much data for a request: refused too */
	ctx->accum.data_limit = sizeof(data) - 1;
	ck_assert_int_eq(va_RenderPicture(&vactx, ctx_id, &ids[2], 1),
			 VA_STATUS_ERROR_NOT_ENOUGH_BUFFER);
	ck_assert_uint_eq(buffer_of(ids[2])->holds, 0);
	ck_assert_int_eq(va_DestroyBuffer(&vactx, ids[2]), 0);
	assert_gone(ids[2]);
}
END_TEST

/* vaBeginPicture before vaEndPicture drops the open picture and its
 * holds (it fails here after that, for want of a surface). */
START_TEST(holds_released_when_picture_dropped)
{
	VABufferID ids[3];

	render_then_destroy_data(ids);
	ck_assert_uint_eq(ctx->n_held, 1);
	ck_assert_int_eq(va_BeginPicture(&vactx, ctx_id, 0x3000001),
			 VA_STATUS_ERROR_INVALID_SURFACE);
	ck_assert_uint_eq(ctx->n_held, 0);
	ck_assert(!ctx->picture_open);
	assert_gone(ids[2]);
}
END_TEST

/* vaDestroyContext with a picture open releases its holds. */
START_TEST(holds_released_at_context_destroy)
{
	VABufferID ids[3];

	render_then_destroy_data(ids);
	ck_assert_int_eq(va_DestroyContext(&vactx, ctx_id), 0);
	ctx = NULL;
	assert_gone(ids[2]);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Surfaces and the bit depth of a context's pictures (surface.c,
 * context.c): a driver without a device, its contexts' capture format
 * already set, so that binding a surface needs no device. A surface of
 * the other RT format is never bound, whichever way it comes. */

static char rt_error[1024];

static void catch_error(VADriverContextP c, const char *message)
{
	(void)c;
	snprintf(rt_error, sizeof(rt_error), "%s", message);
}

static void rt_setup(void)
{
	drv = va_driver_new(&vactx);
	ck_assert_ptr_nonnull(drv);
	drv->log_level = V4L2R_LOG_ERROR;
	vactx.error_callback = catch_error;
	rt_error[0] = '\0';
}

static void rt_teardown(void)
{
	unsigned cur = 0;
	uint32_t id;

	while (va_heap_next(&drv->contexts, &cur, &id))
		ck_assert_int_eq(va_DestroyContext(&vactx, id), VA_STATUS_SUCCESS);
	cur = 0;
	while (va_heap_next(&drv->configs, &cur, &id))
		ck_assert_int_eq(va_DestroyConfig(&vactx, id), VA_STATUS_SUCCESS);
	cur = 0;
	while (va_heap_next(&drv->surfaces, &cur, &id))
		ck_assert_int_eq(va_DestroySurfaces(&vactx, &id, 1), 0);
	vactx.error_callback = NULL;
	va_driver_free(drv);
	drv = NULL;
}

/* A 64x64 context of RT format rt whose two picture buffers exist
 * (capture format set, as after its first surface). */
static VAContextID rt_context(unsigned rt, uint32_t capture_fourcc)
{
	struct va_context *c = calloc(1, sizeof(*c));
	ck_assert_ptr_nonnull(c);
	c->drv = drv;
	c->refs = 1;
	pthread_mutex_init(&c->lock, NULL);
	c->config.rt_format = rt;
	c->config.ops = &va_codec_hevc;	/* a context always has its codec's */
	c->width = c->height = 64;
	c->layout.desc = v4l2r_format_by_v4l2(capture_fourcc);
	ck_assert_ptr_nonnull(c->layout.desc);
	c->layout.width = c->layout.height = 64;
	c->n_capture = 2;
	c->bound = malloc(2 * sizeof(*c->bound));
	ck_assert_ptr_nonnull(c->bound);
	c->bound[0] = c->bound[1] = VA_INVALID_ID;
	c->last_target = VA_INVALID_SURFACE;
	c->id = va_heap_add(&drv->contexts, c);
	ck_assert_uint_ne(c->id, VA_INVALID_ID);
	return c->id;
}

static struct va_surface *surface_of(VASurfaceID id)
{
	struct va_surface *s = va_heap_get(&drv->surfaces, id);

	ck_assert_ptr_nonnull(s);
	return s;
}

static VASurfaceID rt_surface(unsigned rt)
{
	VASurfaceID id;

	ck_assert_int_eq(va_CreateSurfaces2(&vactx, rt, 64, 64, &id, 1, NULL, 0),
			 VA_STATUS_SUCCESS);
	return id;
}

/* A surface created while a context exists binds to it when it fits
 * (GStreamer's order): of the context's RT format only. */
START_TEST(surface_binds_to_context_of_its_rt_format)
{
	VAContextID c10 = rt_context(VA_RT_FORMAT_YUV420_10, V4L2_PIX_FMT_P010);
	struct va_context *ctx10 = va_heap_get(&drv->contexts, c10);

	VASurfaceID s10 = rt_surface(VA_RT_FORMAT_YUV420_10);
	ck_assert_ptr_eq(surface_of(s10)->ctx, ctx10);
	VASurfaceID s8 = rt_surface(VA_RT_FORMAT_YUV420);
	ck_assert_ptr_null(surface_of(s8)->ctx);
	ck_assert_int_eq(va_surface_bind_any(drv, surface_of(s8), s8),
			 VA_STATUS_ERROR_OPERATION_FAILED);

	/* and the reverse */
	VAContextID c8 = rt_context(VA_RT_FORMAT_YUV420, V4L2_PIX_FMT_NV12);
	struct va_context *ctx8 = va_heap_get(&drv->contexts, c8);
	ck_assert_int_eq(va_surface_bind_any(drv, surface_of(s8), s8),
			 VA_STATUS_SUCCESS);
	ck_assert_ptr_eq(surface_of(s8)->ctx, ctx8);
	VASurfaceID t10 = rt_surface(VA_RT_FORMAT_YUV420_10);
	ck_assert_ptr_eq(surface_of(t10)->ctx, ctx10);
	ck_assert_str_eq(rt_error, "");
}
END_TEST

/* Named as the render target (vaBeginPicture, vaCreateContext's
 * targets): refused with VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT and an
 * error naming both RT formats, the surface left as it was. */
START_TEST(surface_of_other_rt_format_refused)
{
	VAContextID c10 = rt_context(VA_RT_FORMAT_YUV420_10, V4L2_PIX_FMT_P010);
	VAContextID c8 = rt_context(VA_RT_FORMAT_YUV420, V4L2_PIX_FMT_NV12);
	struct va_context *ctx10 = va_heap_get(&drv->contexts, c10);
	struct va_context *ctx8 = va_heap_get(&drv->contexts, c8);
	VASurfaceID s8 = rt_surface(VA_RT_FORMAT_YUV420);	/* into c8 */
	VASurfaceID s10 = rt_surface(VA_RT_FORMAT_YUV420_10);	/* into c10 */
	ck_assert_ptr_eq(surface_of(s8)->ctx, ctx8);
	ck_assert_ptr_eq(surface_of(s10)->ctx, ctx10);

	/* same RT format: bound (already) */
	ck_assert_int_eq(va_surface_bind(drv, surface_of(s10), s10, ctx10),
			 VA_STATUS_SUCCESS);
	/* 8-bit surface into the 10-bit context, and the reverse */
	ck_assert_int_eq(va_surface_bind(drv, surface_of(s8), s8, ctx10),
			 VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(rt_error, "RT format 0x1 (YUV420, 8 bits) "
				     "is not the context's 0x100 (YUV420_10"));
	ck_assert_ptr_eq(surface_of(s8)->ctx, ctx8);	/* not moved */
	rt_error[0] = '\0';
	ck_assert_int_eq(va_BeginPicture(&vactx, c8, s10),
			 VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(rt_error, "RT format 0x100 (YUV420_10, "
				     "10 bits) is not the context's 0x1"));
	ck_assert(!ctx8->picture_open);
	ck_assert_ptr_eq(surface_of(s10)->ctx, ctx10);
	ck_assert_uint_eq(ctx8->bound[1], VA_INVALID_ID);

	/* vaCreateContext refuses such a target before opening anything
	 * (there is no device here to open). */
	struct va_config *cfg = calloc(1, sizeof(*cfg));
	ck_assert_ptr_nonnull(cfg);
	cfg->profile = VAProfileHEVCMain10;
	cfg->entrypoint = VAEntrypointVLD;
	cfg->rt_format = VA_RT_FORMAT_YUV420_10;
	cfg->ops = &va_codec_hevc;
	VAConfigID cfg_id = va_heap_add(&drv->configs, cfg);
	VASurfaceID targets[2] = { s10, s8 };
	VAContextID made = VA_INVALID_ID;
	rt_error[0] = '\0';
	ck_assert_int_eq(va_CreateContext(&vactx, cfg_id, 64, 64, VA_PROGRESSIVE,
					  targets, 2, &made),
			 VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_uint_eq(made, VA_INVALID_ID);
	ck_assert_ptr_nonnull(strstr(rt_error, "RT format 0x1"));
	ck_assert_uint_eq(va_heap_count(&drv->contexts), 2);
}
END_TEST

START_TEST(optional_controls_dropped)
{
	const struct v4l2r_codec_desc *d = v4l2r_codec_get(V4L2R_CODEC_MPEG2);
	struct v4l2_ext_control c[3] = {
		{ .id = V4L2_CID_STATELESS_MPEG2_SEQUENCE },
		{ .id = V4L2_CID_STATELESS_MPEG2_PICTURE },
		{ .id = V4L2_CID_STATELESS_MPEG2_QUANTISATION },
	};

	ck_assert_ptr_nonnull(d);
	/* Quantisation is optional; the device lacks it (bit 2 clear). */
	ck_assert_uint_eq(va_filter_controls(d, 0x3, c, 3), 2);
	ck_assert_uint_eq(c[1].id, V4L2_CID_STATELESS_MPEG2_PICTURE);
	struct v4l2_ext_control all[3] = {
		{ .id = V4L2_CID_STATELESS_MPEG2_SEQUENCE },
		{ .id = V4L2_CID_STATELESS_MPEG2_PICTURE },
		{ .id = V4L2_CID_STATELESS_MPEG2_QUANTISATION },
	};
	ck_assert_uint_eq(va_filter_controls(d, 0x7, all, 3), 3);
}
END_TEST

START_TEST(decode_mode_choice)
{
	const struct v4l2r_codec_desc *h264 = v4l2r_codec_get(V4L2R_CODEC_H264);
	const struct v4l2r_codec_desc *mpeg2 = v4l2r_codec_get(V4L2R_CODEC_MPEG2);
	struct v4l2r_codec_caps caps;
	struct v4l2r_decode_mode m;
	bool ok;

	memset(&caps, 0, sizeof(caps));
	caps.default_decode_mode = caps.default_start_code = -1;
	m = v4l2r_decode_mode_choose(mpeg2, &caps, -1, &ok);
	ck_assert(ok && !m.slice_based && !m.annex_b);

	/* Both offered (visl, newer rkvdec): frame-based with Annex-B. */
	caps.decode_modes = 0x3;
	caps.start_codes = 0x3;
	m = v4l2r_decode_mode_choose(h264, &caps, -1, &ok);
	ck_assert(ok && !m.slice_based && m.annex_b);
	/* Forced slice-based (LIBVA_V4L2_REQUEST_DECODE_MODE=slice). */
	m = v4l2r_decode_mode_choose(h264, &caps, 0, &ok);
	ck_assert(ok && m.slice_based && !m.annex_b);
	/* Cedrus: slice-based, no start code. */
	caps.decode_modes = 0x1;
	caps.start_codes = 0x1;
	m = v4l2r_decode_mode_choose(h264, &caps, -1, &ok);
	ck_assert(ok && m.slice_based && !m.annex_b);
	/* Hantro / rkvdec: frame-based, Annex-B. */
	caps.decode_modes = 0x2;
	caps.start_codes = 0x2;
	m = v4l2r_decode_mode_choose(h264, &caps, -1, &ok);
	ck_assert(ok && !m.slice_based && m.annex_b);
	/* Slice-based where only Annex-B is taken. */
	caps.decode_modes = 0x1;
	caps.start_codes = 0x2;
	m = v4l2r_decode_mode_choose(h264, &caps, -1, &ok);
	ck_assert(ok && m.slice_based && m.annex_b);
}
END_TEST

START_TEST(decode_mode_forced)
{
	const struct v4l2r_codec_desc *h264 = v4l2r_codec_get(V4L2R_CODEC_H264);
	const struct v4l2r_codec_desc *mpeg2 = v4l2r_codec_get(V4L2R_CODEC_MPEG2);
	struct v4l2r_codec_caps caps;
	struct v4l2r_decode_mode m;
	bool ok;

	memset(&caps, 0, sizeof(caps));
	caps.default_decode_mode = caps.default_start_code = -1;
	/* LIBVA_V4L2_REQUEST_DECODE_MODE=frame where both are offered but
	 * only without start codes: frame-based all the same (the default
	 * would be slice-based). */
	caps.decode_modes = 0x3;
	caps.start_codes = 0x1;
	m = v4l2r_decode_mode_choose(h264, &caps, V4L2R_DECODE_MODE_AUTO, &ok);
	ck_assert(ok && m.slice_based && !m.annex_b);
	m = v4l2r_decode_mode_choose(h264, &caps, V4L2R_DECODE_MODE_FRAME, &ok);
	ck_assert(ok && !m.slice_based && !m.annex_b);
	/* frame with Annex-B offered: frame-based with it. */
	caps.start_codes = 0x3;
	m = v4l2r_decode_mode_choose(h264, &caps, V4L2R_DECODE_MODE_FRAME, &ok);
	ck_assert(ok && !m.slice_based && m.annex_b);
	/* frame on a slice-based-only device (Cedrus): the default,
	 * slice-based (the driver logs that frame is not offered). */
	caps.decode_modes = 0x1;
	caps.start_codes = 0x1;
	m = v4l2r_decode_mode_choose(h264, &caps, V4L2R_DECODE_MODE_FRAME, &ok);
	ck_assert(ok && m.slice_based && !m.annex_b);
	/* slice on a frame-based-only device (Hantro): frame-based. */
	caps.decode_modes = 0x2;
	caps.start_codes = 0x2;
	m = v4l2r_decode_mode_choose(h264, &caps, V4L2R_DECODE_MODE_SLICE, &ok);
	ck_assert(ok && !m.slice_based && m.annex_b);
	/* MPEG-2 has no decode modes: whatever is forced. */
	m = v4l2r_decode_mode_choose(mpeg2, &caps, V4L2R_DECODE_MODE_SLICE, &ok);
	ck_assert(ok && !m.slice_based && !m.annex_b);
}
END_TEST

START_TEST(capture_formats)
{
	const uint32_t unknown = v4l2_fourcc('X', 'Y', 'Z', '1');
	const uint32_t visl[] = { V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_YUV420 };
	const uint32_t cedrus[] = { V4L2_PIX_FMT_NV12_32L32 };
	struct v4l2r_codec_caps caps;

	/* The default: linear first; a render target's format when asked. */
	ck_assert_uint_eq(va_choose_capture_format(visl, 2, VA_RT_FORMAT_YUV420, 0),
			  V4L2_PIX_FMT_NV12);
	ck_assert_uint_eq(va_choose_capture_format(visl, 2, VA_RT_FORMAT_YUV420,
						   VA_FOURCC_I420),
			  V4L2_PIX_FMT_YUV420);
	ck_assert_uint_eq(va_choose_capture_format(visl, 2, VA_RT_FORMAT_YUV420,
						   VA_FOURCC_P010), 0);
	ck_assert_uint_eq(va_choose_capture_format(visl, 2, VA_RT_FORMAT_YUV420_10,
						   0), 0);
	/* A tiled format is seen as its linear one. */
	ck_assert_uint_eq(va_choose_capture_format(cedrus, 1, VA_RT_FORMAT_YUV420,
						   VA_FOURCC_NV12),
			  V4L2_PIX_FMT_NV12_32L32);

	/* A codec whose device lists only formats the table does not know
	 * has no RT format: the driver does not offer its profiles. */
	memset(&caps, 0, sizeof(caps));
	caps.capture_fourccs[0] = unknown;
	caps.n_capture = 1;
	ck_assert_uint_eq(va_rt_formats(&caps), 0);
	ck_assert(!va_codec_produces(&caps, VA_FOURCC_NV12, VA_RT_FORMAT_YUV420));
	caps.capture_fourccs[1] = V4L2_PIX_FMT_YUV420;
	caps.n_capture = 2;
	ck_assert_uint_eq(va_rt_formats(&caps), VA_RT_FORMAT_YUV420);
	ck_assert(va_codec_produces(&caps, VA_FOURCC_I420, VA_RT_FORMAT_YUV420));
	ck_assert(!va_codec_produces(&caps, VA_FOURCC_NV12, VA_RT_FORMAT_YUV420));
	ck_assert(!va_codec_produces(&caps, VA_FOURCC_I420, VA_RT_FORMAT_YUV420_10));
}
END_TEST

/* 10-bit: hantro lists P010_4L4 before P010 once the sequence control
 * says 10 bits (the probe adds them after its 8-bit formats); rkvdec NV15;
 * VPU981 NV15_4L4, NV12, P010.
 * A 10-bit context takes linear P010 first, else what there is; clients
 * see P010 either way. */
START_TEST(capture_formats_10_bit)
{
	const uint32_t hantro[] = { V4L2_PIX_FMT_NV12_4L4, V4L2_PIX_FMT_NV12,
				    V4L2_PIX_FMT_P010_4L4, V4L2_PIX_FMT_P010 };
	const uint32_t nv15 = v4l2_fourcc('N', 'V', '1', '5');
	const uint32_t rkvdec[] = { V4L2_PIX_FMT_NV12, nv15 };
	const uint32_t vpu981[] = { V4L2_PIX_FMT_NV15_4L4, V4L2_PIX_FMT_NV12,
				    V4L2_PIX_FMT_P010 };
	struct v4l2r_codec_caps caps;

	ck_assert_uint_eq(va_choose_capture_format(hantro, 4,
						   VA_RT_FORMAT_YUV420_10, 0),
			  V4L2_PIX_FMT_P010);
	ck_assert_uint_eq(va_choose_capture_format(hantro, 4,
						   VA_RT_FORMAT_YUV420_10,
						   VA_FOURCC_P010),
			  V4L2_PIX_FMT_P010);
	ck_assert_uint_eq(va_choose_capture_format(hantro, 3,
						   VA_RT_FORMAT_YUV420_10, 0),
			  V4L2_PIX_FMT_P010_4L4);
	ck_assert_uint_eq(va_choose_capture_format(hantro, 4,
						   VA_RT_FORMAT_YUV420, 0),
			  V4L2_PIX_FMT_NV12);
	ck_assert_uint_eq(va_choose_capture_format(hantro, 4,
						   VA_RT_FORMAT_YUV420_10,
						   VA_FOURCC_NV12), 0);
	ck_assert_uint_eq(va_choose_capture_format(rkvdec, 2,
						   VA_RT_FORMAT_YUV420_10, 0),
			  nv15);
	/* VPU981 (AV1) at 10 bits: NV15_4L4, the post-processor's NV12
	 * (8 bits: not for a 10-bit context) and P010, linear, chosen. */
	ck_assert_uint_eq(va_choose_capture_format(vpu981, 3,
						   VA_RT_FORMAT_YUV420_10, 0),
			  V4L2_PIX_FMT_P010);
	ck_assert_uint_eq(va_choose_capture_format(vpu981, 2,
						   VA_RT_FORMAT_YUV420_10, 0),
			  V4L2_PIX_FMT_NV15_4L4);
	ck_assert_uint_eq(va_choose_capture_format(vpu981, 3,
						   VA_RT_FORMAT_YUV420, 0),
			  V4L2_PIX_FMT_NV12);

	memset(&caps, 0, sizeof(caps));
	memcpy(caps.capture_fourccs, hantro, sizeof(hantro));
	caps.n_capture = 4;
	ck_assert_uint_eq(va_rt_formats(&caps),
			  VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10);
	ck_assert(va_codec_produces(&caps, VA_FOURCC_P010, VA_RT_FORMAT_YUV420_10));
	ck_assert(!va_codec_produces(&caps, VA_FOURCC_P010, VA_RT_FORMAT_YUV420));
}
END_TEST

/* Which pictures a profile decodes into: a config of a 10-bit profile
 * defaults to 10 bits (FFmpeg names no RT format), and the driver lists
 * such a profile only where the device makes 10-bit pictures. */
START_TEST(profile_rt_formats)
{
	ck_assert_uint_eq(va_profile_rt_formats(VAProfileHEVCMain),
			  VA_RT_FORMAT_YUV420);
	ck_assert_uint_eq(va_profile_rt_formats(VAProfileHEVCMain10),
			  VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10);
	ck_assert_uint_eq(va_profile_default_rt_format(VAProfileHEVCMain10),
			  VA_RT_FORMAT_YUV420_10);
	ck_assert_uint_eq(va_profile_rt_formats(VAProfileVP9Profile0),
			  VA_RT_FORMAT_YUV420);
	ck_assert_uint_eq(va_profile_rt_formats(VAProfileVP9Profile2),
			  VA_RT_FORMAT_YUV420_10);
	ck_assert_uint_eq(va_profile_default_rt_format(VAProfileVP9Profile2),
			  VA_RT_FORMAT_YUV420_10);
	ck_assert_uint_eq(va_profile_default_rt_format(VAProfileH264High),
			  VA_RT_FORMAT_YUV420);
	/* AV1 Main: 8 and 10 bits in one profile, which FFmpeg uses for
	 * both without naming an RT format: both stay, the context's first
	 * surface says which. */
	ck_assert_uint_eq(va_profile_rt_formats(VAProfileAV1Profile0),
			  VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10);
	ck_assert_uint_eq(va_profile_default_rt_format(VAProfileAV1Profile0),
			  VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10);
}
END_TEST

START_TEST(image_formats_are_makeable)
{
	/* Every image format the driver names has a core format to make and
	 * fill it with; YV12 is not named (the core has no such format). */
	const uint32_t fourccs[] = { VA_FOURCC_NV12, VA_FOURCC_I420,
				     VA_FOURCC_P010, VA_FOURCC_YV12 };
	VAImageFormat f;

	for (unsigned i = 0; i < sizeof(fourccs) / sizeof(fourccs[0]); i++) {
		bool named = va_image_format(fourccs[i], &f);
		ck_assert_msg(!named || v4l2r_format_by_va(fourccs[i]),
			      "%.4s named but not in the format table",
			      (const char *)&fourccs[i]);
	}
	ck_assert(!va_image_format(VA_FOURCC_YV12, &f));
}
END_TEST

START_TEST(object_ids)
{
	struct va_heap h, other;
	int a, b, c;

	va_heap_init(&h, 3);
	va_heap_init(&other, 4);
	uint32_t ia = va_heap_add(&h, &a);
	uint32_t ib = va_heap_add(&h, &b);
	ck_assert_uint_ne(ia, VA_INVALID_ID);
	ck_assert_uint_ne(ia, ib);
	ck_assert_ptr_eq(va_heap_get(&h, ia), &a);
	ck_assert_ptr_eq(va_heap_remove(&h, ia), &a);
	/* Stale: refused even once its slot is reused. */
	ck_assert_ptr_null(va_heap_get(&h, ia));
	ck_assert_ptr_null(va_heap_remove(&h, ia));
	for (int i = 0; i < 3; i++) {
		uint32_t ic = va_heap_add(&h, &c);
		ck_assert_uint_ne(ic, ia);
		ck_assert_ptr_null(va_heap_get(&h, ia));
		ck_assert_ptr_eq(va_heap_remove(&h, ic), &c);
	}
	/* Another table's id, or garbage, is refused. */
	ck_assert_ptr_null(va_heap_get(&other, ib));
	ck_assert_ptr_null(va_heap_get(&h, VA_INVALID_ID));
	ck_assert_ptr_null(va_heap_get(&h, 0));
	ck_assert_ptr_null(va_heap_get(&h, ib + 100));
	ck_assert_uint_eq(va_heap_count(&h), 1);
	unsigned cur = 0;
	uint32_t id;
	ck_assert_ptr_eq(va_heap_next(&h, &cur, &id), &b);
	ck_assert_uint_eq(id, ib);
	ck_assert_ptr_null(va_heap_next(&h, &cur, &id));
	ck_assert_uint_eq(va_heap_add(&h, NULL), VA_INVALID_ID);
	va_heap_fini(&h);
	va_heap_fini(&other);
}
END_TEST

static void fill_layout(uint32_t fourcc, uint32_t w, uint32_t h,
			struct v4l2r_layout *l)
{
	const struct v4l2r_format_desc *d = v4l2r_format_by_v4l2(fourcc);

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(v4l2r_layout_linear(d, w, h, l), 0);
	ck_assert_uint_eq(l->mem_planes, 1);
}

START_TEST(pixel_copies)
{
	struct v4l2r_layout nv12, i420, small;
	uint8_t a[16 * 8 * 3 / 2], b[sizeof(a)], c[sizeof(a)];

	fill_layout(V4L2_PIX_FMT_NV12, 16, 8, &nv12);
	fill_layout(V4L2_PIX_FMT_YUV420, 16, 8, &i420);
	for (unsigned i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(i * 7 + 3);
	const uint8_t *src[3] = { a, NULL, NULL };
	uint8_t *dst[3] = { b, NULL, NULL };
	uint8_t *dst2[3] = { c, NULL, NULL };

	/* NV12 -> I420: U and V split out of the interleaved plane. */
	ck_assert_int_eq(va_copy_picture(&nv12, src, &i420, dst, 16, 8), 0);
	const uint8_t *uv = a + nv12.plane[1].offset;
	ck_assert_mem_eq(b, a, 16 * 8);
	ck_assert_uint_eq(b[i420.plane[1].offset + 3], uv[6]);
	ck_assert_uint_eq(b[i420.plane[2].offset + 3], uv[7]);
	/* I420 -> I420 -> NV12 comes back to the start. */
	const uint8_t *src2[3] = { b, NULL, NULL };
	ck_assert_int_eq(va_copy_picture(&i420, src2, &i420, dst2, 16, 8), 0);
	const uint8_t *src3[3] = { c, NULL, NULL };
	memset(b, 0, sizeof(b));
	ck_assert_int_eq(va_copy_picture(&i420, src3, &nv12, dst, 16, 8), 0);
	ck_assert_mem_eq(b, a, sizeof(a));

	/* Cropping to a smaller image, and refusing a larger one. */
	fill_layout(V4L2_PIX_FMT_NV12, 8, 4, &small);
	ck_assert_int_eq(va_copy_picture(&nv12, src, &small, dst, 8, 4), 0);
	ck_assert_mem_eq(b + 8, a + 16, 8);
	ck_assert_int_eq(va_copy_picture(&nv12, src, &small, dst, 16, 8), -EINVAL);
	/* A layout whose planes do not hold the rows asked for. */
	struct v4l2r_layout bad = nv12;
	bad.plane[1].size = 8;
	ck_assert_int_eq(va_copy_picture(&bad, src, &i420, dst, 16, 8), -EINVAL);
}
END_TEST

/* vaGetImage of a 10-bit picture: P010 into a P010 image of another
 * stride, whole 16-bit samples cropped; never into an 8-bit image. */
START_TEST(pixel_copies_10_bit)
{
	struct v4l2r_layout p010, wide, nv12;
	uint16_t a[16 * 8 * 3 / 2], b[32 * 8 * 3 / 2];

	fill_layout(V4L2_PIX_FMT_P010, 16, 8, &p010);
	fill_layout(V4L2_PIX_FMT_P010, 32, 8, &wide);
	fill_layout(V4L2_PIX_FMT_NV12, 16, 8, &nv12);
	for (unsigned i = 0; i < sizeof(a) / 2; i++)
		a[i] = (uint16_t)((i * 37 + 5) << 6);	/* 10 bits, MSB aligned */
	const uint8_t *src[3] = { (const uint8_t *)a, NULL, NULL };
	uint8_t *dst[3] = { (uint8_t *)b, NULL, NULL };

	memset(b, 0, sizeof(b));
	ck_assert_int_eq(va_copy_picture(&p010, src, &wide, dst, 16, 8), 0);
	for (unsigned y = 0; y < 8; y++)
		ck_assert_mem_eq(b + y * 32, a + y * 16, 16 * 2);
	const uint16_t *uv = a + p010.plane[1].offset / 2;
	const uint16_t *wuv = b + wide.plane[1].offset / 2;
	for (unsigned y = 0; y < 4; y++)
		ck_assert_mem_eq(wuv + y * 32, uv + y * 16, 16 * 2);
	ck_assert_uint_eq(b[16], 0);	/* past the width: untouched */
	ck_assert_int_eq(va_copy_picture(&p010, src, &nv12, dst, 16, 8), -EINVAL);
	ck_assert_int_eq(va_copy_picture(&nv12, src, &p010, dst, 16, 8), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("va-picture");
	TCase *tc = tcase_create("collect");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_picture);
	tcase_add_test(tc, one_slice_per_buffer_pair);
	tcase_add_test(tc, missing_picture_parameters);
	tcase_add_test(tc, no_slices);
	tcase_add_test(tc, params_without_data);
	tcase_add_test(tc, data_without_params);
	tcase_add_test(tc, wrong_sizes);
	tcase_add_test(tc, slice_outside_data);
	tcase_add_test(tc, slice_data_bounded);
	tcase_add_test(tc, bitstream_never_overflows);
	tcase_add_test(tc, annex_b_prefix);
	tcase_add_test(tc, slices_know_their_data_buffer);
	tcase_add_test(tc, slice_data_read_when_written);
	tcase_add_test(tc, codec_writes_its_data);
	suite_add_tcase(s, tc);

	TCase *th = tcase_create("holds");
	tcase_add_checked_fixture(th, driver_setup, driver_teardown);
	tcase_add_test(th, destroyed_slice_data_stays_until_end);
	tcase_add_test(th, held_buffer_released_at_end);
	tcase_add_test(th, refused_buffer_not_held);
	tcase_add_test(th, holds_released_when_picture_dropped);
	tcase_add_test(th, holds_released_at_context_destroy);
	suite_add_tcase(s, th);

	TCase *tr = tcase_create("rt-format");
	tcase_add_checked_fixture(tr, rt_setup, rt_teardown);
	tcase_add_test(tr, surface_binds_to_context_of_its_rt_format);
	tcase_add_test(tr, surface_of_other_rt_format_refused);
	suite_add_tcase(s, tr);

	TCase *tc2 = tcase_create("parts");
	tcase_add_test(tc2, optional_controls_dropped);
	tcase_add_test(tc2, decode_mode_choice);
	tcase_add_test(tc2, decode_mode_forced);
	tcase_add_test(tc2, capture_formats);
	tcase_add_test(tc2, capture_formats_10_bit);
	tcase_add_test(tc2, profile_rt_formats);
	tcase_add_test(tc2, image_formats_are_makeable);
	tcase_add_test(tc2, object_ids);
	tcase_add_test(tc2, pixel_copies);
	tcase_add_test(tc2, pixel_copies_10_bit);
	suite_add_tcase(s, tc2);

	return unit_run(s);
}
