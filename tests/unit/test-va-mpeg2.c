/* MPEG-2 translation (src/va/mpeg2.c) on VA buffers as FFmpeg and
 * GStreamer's va plugin fill them for a 320x240 I/P/B stream. */
#include <check.h>

#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "va/codec.h"

static void *state;

static void setup(void)
{
	state = calloc(1, va_codec_mpeg2.state_size);
}

static void teardown(void)
{
	free(state);
}

/* A resolver over a tiny table: surface id -> timestamp. */
struct ts_table {
	VASurfaceID id[4];
	uint64_t ts[4];
};

static uint64_t lookup(void *opaque, VASurfaceID id)
{
	struct ts_table *t = opaque;

	for (unsigned i = 0; i < 4; i++)
		if (t->id[i] == id)
			return t->ts[i];
	return 0;
}

static struct ts_table table = {
	.id = { 0x30000001, 0x30000002, 0x30000003, 0 },
	.ts = { 1000, 2000, 3000, 0 },
};
static const struct va_ref_resolver refs = { .timestamp = lookup,
					     .opaque = &table };
static const struct v4l2r_decode_mode frame_mode = { .slice_based = false };

static VAPictureParameterBufferMPEG2 picture(int type)
{
	VAPictureParameterBufferMPEG2 p;

	memset(&p, 0, sizeof(p));
	p.horizontal_size = 320;
	p.vertical_size = 240;
	p.forward_reference_picture = VA_INVALID_SURFACE;
	p.backward_reference_picture = VA_INVALID_SURFACE;
	p.picture_coding_type = type;
	/* I: all f_codes 15 (unused); P: forward 2/2; B: 2/2 and 3/1. */
	p.f_code = type == 1 ? 0xffff : type == 2 ? 0x22ff : 0x2231;
	p.picture_coding_extension.bits.intra_dc_precision = 1;
	p.picture_coding_extension.bits.picture_structure = 3;
	p.picture_coding_extension.bits.top_field_first = 1;
	p.picture_coding_extension.bits.frame_pred_frame_dct = 1;
	p.picture_coding_extension.bits.q_scale_type = 1;
	p.picture_coding_extension.bits.progressive_frame = 1;
	p.picture_coding_extension.bits.is_first_field = 1;
	return p;
}

/* Slice data as the clients send it: from the slice start code on. */
static const uint8_t slice_bytes[] = { 0x00, 0x00, 0x01, 0x01, 0x13, 0xf8,
				       0x7d, 0x29, 0x48, 0x8b, 0x94, 0xa5 };

static VASliceParameterBufferMPEG2 slice_params[2];
static struct va_slice slices[2];

static struct va_picture_input input(const VAPictureParameterBufferMPEG2 *p,
				     const VAIQMatrixBufferMPEG2 *iq)
{
	for (unsigned i = 0; i < 2; i++) {
		memset(&slice_params[i], 0, sizeof(slice_params[i]));
		slice_params[i].slice_data_size = sizeof(slice_bytes);
		slice_params[i].slice_data_offset = 0;
		slice_params[i].slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
		slice_params[i].macroblock_offset = 38;
		slice_params[i].slice_vertical_position = i * 7;
		slice_params[i].quantiser_scale_code = 4;
		slices[i].params = &slice_params[i];
		slices[i].data = slice_bytes;
		slices[i].size = sizeof(slice_bytes);
	}
	struct va_picture_input in = {
		.pic_params = p, .iq_matrix = iq, .n_slices = 2,
		.slices = slices, .target = 0x30000004,
		.profile = VAProfileMPEG2Main,
	};
	return in;
}

static void plan(struct v4l2_ext_control *c, struct va_request_plan *pl)
{
	memset(c, 0, VA_CODEC_MAX_CONTROLS * sizeof(*c));
	pl->controls = c;
	ck_assert_ptr_null(va_codec_mpeg2.request_count);
	va_codec_mpeg2.plan_request(state, &frame_mode, 0, pl);
}

START_TEST(intra_picture)
{
	VAPictureParameterBufferMPEG2 p = picture(1);
	struct va_picture_input in = input(&p, NULL);
	struct v4l2_ext_control c[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan pl;

	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	ck_assert_uint_eq(pl.n_controls, 3);
	ck_assert_uint_eq(pl.first_slice, 0);
	ck_assert_uint_eq(pl.n_slices, 2);
	ck_assert_uint_eq(c[0].id, V4L2_CID_STATELESS_MPEG2_SEQUENCE);
	ck_assert_uint_eq(c[0].size, sizeof(struct v4l2_ctrl_mpeg2_sequence));
	ck_assert_uint_eq(c[1].id, V4L2_CID_STATELESS_MPEG2_PICTURE);
	ck_assert_uint_eq(c[1].size, sizeof(struct v4l2_ctrl_mpeg2_picture));
	ck_assert_uint_eq(c[2].id, V4L2_CID_STATELESS_MPEG2_QUANTISATION);
	ck_assert_uint_eq(c[2].size, sizeof(struct v4l2_ctrl_mpeg2_quantisation));

	const struct v4l2_ctrl_mpeg2_sequence *seq = c[0].ptr;
	ck_assert_uint_eq(seq->horizontal_size, 320);
	ck_assert_uint_eq(seq->vertical_size, 240);
	ck_assert_uint_eq(seq->chroma_format, 1);
	ck_assert_uint_eq(seq->flags, V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE);
	/* Main profile (4), main level (8) for 320x240, as encoders write. */
	ck_assert_uint_eq(seq->profile_and_level_indication, 0x48);

	const struct v4l2_ctrl_mpeg2_picture *pic = c[1].ptr;
	ck_assert_uint_eq(pic->picture_coding_type, V4L2_MPEG2_PIC_CODING_TYPE_I);
	ck_assert_uint_eq(pic->picture_structure, V4L2_MPEG2_PIC_FRAME);
	ck_assert_uint_eq(pic->intra_dc_precision, 1);
	ck_assert_uint_eq(pic->flags, V4L2_MPEG2_PIC_FLAG_TOP_FIELD_FIRST |
					      V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT |
					      V4L2_MPEG2_PIC_FLAG_Q_SCALE_TYPE |
					      V4L2_MPEG2_PIC_FLAG_PROGRESSIVE);
	for (unsigned s = 0; s < 2; s++)
		for (unsigned t = 0; t < 2; t++)
			ck_assert_uint_eq(pic->f_code[s][t], 15);
	ck_assert_uint_eq(pic->forward_ref_ts, 0);
	ck_assert_uint_eq(pic->backward_ref_ts, 0);
	for (unsigned i = 0; i < sizeof(pic->reserved); i++)
		ck_assert_uint_eq(pic->reserved[i], 0);

	/* No matrix buffer: the default matrices, in zigzag order. */
	const struct v4l2_ctrl_mpeg2_quantisation *q = c[2].ptr;
	static const uint8_t intra_zigzag_head[8] = { 8, 16, 16, 19, 16, 19, 22, 22 };
	ck_assert_mem_eq(q->intra_quantiser_matrix, intra_zigzag_head, 8);
	ck_assert_uint_eq(q->intra_quantiser_matrix[63], 83);
	ck_assert_uint_eq(q->non_intra_quantiser_matrix[0], 16);
	ck_assert_uint_eq(q->non_intra_quantiser_matrix[63], 16);
	ck_assert_mem_eq(q->chroma_intra_quantiser_matrix,
			 q->intra_quantiser_matrix, 64);
}
END_TEST

START_TEST(predicted_pictures)
{
	VAPictureParameterBufferMPEG2 p = picture(2);
	struct v4l2_ext_control c[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan pl;

	p.forward_reference_picture = 0x30000001;
	struct va_picture_input in = input(&p, NULL);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	const struct v4l2_ctrl_mpeg2_picture *pic = c[1].ptr;
	ck_assert_uint_eq(pic->picture_coding_type, V4L2_MPEG2_PIC_CODING_TYPE_P);
	ck_assert_uint_eq(pic->forward_ref_ts, 1000);
	ck_assert_uint_eq(pic->backward_ref_ts, 0);
	ck_assert_uint_eq(pic->f_code[0][0], 2);
	ck_assert_uint_eq(pic->f_code[0][1], 2);
	ck_assert_uint_eq(pic->f_code[1][0], 15);
	ck_assert_uint_eq(pic->f_code[1][1], 15);

	p = picture(3);
	p.forward_reference_picture = 0x30000001;
	p.backward_reference_picture = 0x30000002;
	in = input(&p, NULL);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	pic = c[1].ptr;
	ck_assert_uint_eq(pic->picture_coding_type, V4L2_MPEG2_PIC_CODING_TYPE_B);
	ck_assert_uint_eq(pic->forward_ref_ts, 1000);
	ck_assert_uint_eq(pic->backward_ref_ts, 2000);
	ck_assert_uint_eq(pic->f_code[1][0], 3);
	ck_assert_uint_eq(pic->f_code[1][1], 1);

	/* A reference never decoded is left out, not invented. */
	p.backward_reference_picture = 0x3000abcd;
	in = input(&p, NULL);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	pic = c[1].ptr;
	ck_assert_uint_eq(pic->backward_ref_ts, 0);
	ck_assert_uint_eq(pic->forward_ref_ts, 1000);
}
END_TEST

START_TEST(matrices_persist)
{
	VAPictureParameterBufferMPEG2 p = picture(1);
	VAIQMatrixBufferMPEG2 iq;
	struct v4l2_ext_control c[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan pl;

	memset(&iq, 0, sizeof(iq));
	iq.load_intra_quantiser_matrix = 1;
	iq.load_non_intra_quantiser_matrix = 1;
	for (unsigned i = 0; i < 64; i++) {
		iq.intra_quantiser_matrix[i] = (uint8_t)(i + 1);
		iq.non_intra_quantiser_matrix[i] = (uint8_t)(100 + i);
		iq.chroma_intra_quantiser_matrix[i] = 0xee;	/* not loaded */
	}
	struct va_picture_input in = input(&p, &iq);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	const struct v4l2_ctrl_mpeg2_quantisation *q = c[2].ptr;
	ck_assert_mem_eq(q->intra_quantiser_matrix, iq.intra_quantiser_matrix, 64);
	ck_assert_mem_eq(q->non_intra_quantiser_matrix,
			 iq.non_intra_quantiser_matrix, 64);
	/* Chroma matrices not loaded follow the luma ones. */
	ck_assert_mem_eq(q->chroma_intra_quantiser_matrix,
			 iq.intra_quantiser_matrix, 64);
	ck_assert_mem_eq(q->chroma_non_intra_quantiser_matrix,
			 iq.non_intra_quantiser_matrix, 64);

	/* The next picture sends no matrix: the loaded ones stay. */
	in = input(&p, NULL);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	q = c[2].ptr;
	ck_assert_uint_eq(q->intra_quantiser_matrix[5], 6);

	/* A buffer with only the chroma intra matrix loaded. */
	memset(&iq, 0, sizeof(iq));
	iq.load_chroma_intra_quantiser_matrix = 1;
	memset(iq.chroma_intra_quantiser_matrix, 9, 64);
	memset(iq.intra_quantiser_matrix, 0xee, 64);
	in = input(&p, &iq);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	q = c[2].ptr;
	ck_assert_uint_eq(q->intra_quantiser_matrix[5], 6);
	ck_assert_uint_eq(q->chroma_intra_quantiser_matrix[5], 9);
}
END_TEST

START_TEST(interlaced_sequence)
{
	VAPictureParameterBufferMPEG2 p = picture(1);
	struct v4l2_ext_control c[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan pl;

	p.horizontal_size = 1280;
	p.vertical_size = 720;
	/* A top field picture. */
	p.picture_coding_extension.bits.picture_structure = 1;
	p.picture_coding_extension.bits.progressive_frame = 0;
	p.picture_coding_extension.bits.frame_pred_frame_dct = 0;
	struct va_picture_input in = input(&p, NULL);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	const struct v4l2_ctrl_mpeg2_sequence *seq = c[0].ptr;
	const struct v4l2_ctrl_mpeg2_picture *pic = c[1].ptr;
	ck_assert_uint_eq(seq->flags & V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE, 0);
	/* Main profile, High 1440 level (6) for 1280x720. */
	ck_assert_uint_eq(seq->profile_and_level_indication, 0x46);
	ck_assert_uint_eq(pic->picture_structure, V4L2_MPEG2_PIC_TOP_FIELD);
	ck_assert_uint_eq(pic->flags & V4L2_MPEG2_PIC_FLAG_PROGRESSIVE, 0);

	/* Once interlaced, a progressive frame does not make the sequence
	 * progressive again. */
	p = picture(1);
	in = input(&p, NULL);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	seq = c[0].ptr;
	ck_assert_uint_eq(seq->flags & V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE, 0);
}
END_TEST

/* The P second field of a stream's first frame has no earlier frame: it
 * predicts from its first field, in the frame being decoded. */
START_TEST(second_field_refers_to_own_frame)
{
	VAPictureParameterBufferMPEG2 p = picture(2);
	struct v4l2_ext_control c[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan pl;

	p.picture_coding_extension.bits.picture_structure = 2;
	p.picture_coding_extension.bits.progressive_frame = 0;
	p.picture_coding_extension.bits.is_first_field = 0;
	struct va_picture_input in = input(&p, NULL);
	in.target = 0x30000002;	/* its first field was decoded under 2000 */
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	const struct v4l2_ctrl_mpeg2_picture *pic = c[1].ptr;
	ck_assert_uint_eq(pic->forward_ref_ts, 2000);

	/* A first field keeps "no reference". */
	p.picture_coding_extension.bits.is_first_field = 1;
	in = input(&p, NULL);
	in.target = 0x30000002;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	pic = c[1].ptr;
	ck_assert_uint_eq(pic->forward_ref_ts, 0);
}
END_TEST

START_TEST(simple_profile)
{
	VAPictureParameterBufferMPEG2 p = picture(1);
	struct v4l2_ext_control c[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan pl;
	struct va_picture_input in = input(&p, NULL);

	in.profile = VAProfileMPEG2Simple;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	plan(c, &pl);
	const struct v4l2_ctrl_mpeg2_sequence *seq = c[0].ptr;
	ck_assert_uint_eq(seq->profile_and_level_indication, 0x58);
}
END_TEST

START_TEST(bad_parameters)
{
	VAPictureParameterBufferMPEG2 p = picture(1);
	struct va_picture_input in;

	p.picture_coding_type = 4;	/* D pictures: not in the uAPI's set */
	in = input(&p, NULL);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	p = picture(1);
	p.picture_coding_type = 0;
	in = input(&p, NULL);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	p = picture(1);
	p.picture_coding_extension.bits.picture_structure = 0;
	in = input(&p, NULL);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	p = picture(1);
	p.horizontal_size = 0;
	in = input(&p, NULL);
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	p = picture(1);
	in = input(&p, NULL);
	in.n_slices = 0;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
}
END_TEST

/* A picture larger than the context, a slice row past the picture (its
 * start code would be made from that row): refused. */
START_TEST(context_size_and_slice_rows)
{
	VAPictureParameterBufferMPEG2 p = picture(1);
	struct va_picture_input in = input(&p, NULL);

	in.max_width = 320;
	in.max_height = 240;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	p.horizontal_size = 336;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	p = picture(1);
	p.vertical_size = 241;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	/* 240 lines: 15 rows, 16 for an interlaced frame's field pairs */
	p = picture(1);
	slice_params[1].slice_vertical_position = 15;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	slice_params[1].slice_vertical_position = 16;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	/* a loaded quantiser matrix holding 0; one not loaded is not read */
	p = picture(1);
	slice_params[1].slice_vertical_position = 1;
	VAIQMatrixBufferMPEG2 iq;
	memset(&iq, 16, sizeof(iq));
	iq.load_chroma_intra_quantiser_matrix = 0;
	iq.chroma_intra_quantiser_matrix[5] = 0;
	in.iq_matrix = &iq;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	iq.load_chroma_intra_quantiser_matrix = 1;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	in.iq_matrix = NULL;
	/* a field has half the rows */
	p.picture_coding_extension.bits.picture_structure = 1;
	slice_params[1].slice_vertical_position = 8;
	ck_assert_int_eq(va_codec_mpeg2.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
}
END_TEST

START_TEST(slice_start_codes)
{
	VAPictureParameterBufferMPEG2 p = picture(1);
	struct va_picture_input in = input(&p, NULL);
	uint8_t prefix[VA_CODEC_MAX_PREFIX];

	ck_assert_ptr_nonnull(va_codec_mpeg2.slice_prefix);
	/* Data with its start code: written as is. */
	ck_assert_uint_eq(va_codec_mpeg2.slice_prefix(state, &in, 1, &frame_mode,
						      prefix), 0);
	/* Data without: the start code is rebuilt from the position. */
	static const uint8_t bare[] = { 0x13, 0xf8, 0x7d };
	slices[1].data = bare;
	slices[1].size = sizeof(bare);
	ck_assert_uint_eq(va_codec_mpeg2.slice_prefix(state, &in, 1, &frame_mode,
						      prefix), 4);
	static const uint8_t want[] = { 0, 0, 1, 8 };
	ck_assert_mem_eq(prefix, want, 4);
}
END_TEST

START_TEST(profiles)
{
	VAProfile list[4];

	ck_assert_uint_eq(va_codec_mpeg2.profiles(0, list, 4), 2);
	ck_assert_int_eq(list[0], VAProfileMPEG2Simple);
	ck_assert_int_eq(list[1], VAProfileMPEG2Main);
	ck_assert_uint_eq(va_codec_mpeg2.profiles(
				  UINT64_C(1) << V4L2_MPEG_VIDEO_MPEG2_PROFILE_MAIN,
				  list, 4), 1);
	ck_assert_int_eq(list[0], VAProfileMPEG2Main);
	ck_assert_uint_eq(va_codec_mpeg2.profiles(0, list, 1), 1);
	ck_assert_uint_eq(va_codec_mpeg2.pic_param_size,
			  sizeof(VAPictureParameterBufferMPEG2));
	ck_assert_uint_eq(va_codec_mpeg2.slice_param_size,
			  sizeof(VASliceParameterBufferMPEG2));
	ck_assert_uint_eq(va_codec_mpeg2.iq_matrix_size,
			  sizeof(VAIQMatrixBufferMPEG2));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("va-mpeg2");
	TCase *tc = tcase_create("translate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, intra_picture);
	tcase_add_test(tc, predicted_pictures);
	tcase_add_test(tc, matrices_persist);
	tcase_add_test(tc, interlaced_sequence);
	tcase_add_test(tc, second_field_refers_to_own_frame);
	tcase_add_test(tc, simple_profile);
	tcase_add_test(tc, bad_parameters);
	tcase_add_test(tc, context_size_and_slice_rows);
	tcase_add_test(tc, slice_start_codes);
	tcase_add_test(tc, profiles);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
