/* VP8 translation (src/va/vp8.c) on VA buffers as FFmpeg and GStreamer's
 * va plugin fill them: the slice from the first partition on, the frame
 * tag left out, partition_size[0] without the header bytes already read.
 * FFmpeg's data buffer starts at the slice; GStreamer's holds the whole
 * frame, its slice at slice_data_offset past the header, with the frame's
 * size as slice_data_size: those go through picture.c as a client renders
 * them, to the bitstream the device gets. */
#include <check.h>

#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "va/driver.h"
#include "va-fixtures.h"

static void *state;

static void setup(void)
{
	state = calloc(1, va_codec_vp8.state_size);
}

static void teardown(void)
{
	free(state);
}

static uint64_t lookup(void *opaque, VASurfaceID id)
{
	(void)opaque;
	return id == 0x30000001 ? 1000 : id == 0x30000002 ? 2000 : 0;
}

static const struct va_ref_resolver refs = { .timestamp = lookup };
static const struct v4l2r_decode_mode frame_mode = { .slice_based = false };

static VAPictureParameterBufferVP8 pic;
static VAIQMatrixBufferVP8 iq;
static VAProbabilityDataBufferVP8 prob;
static VASliceParameterBufferVP8 sp;
static uint8_t data[4096];
static struct va_slice slice;

/* vp8_fx_frame's 200x120 frame (va-fixtures.c). */
static struct va_picture_input input(bool key)
{
	vp8_fx_frame(&pic, &iq, &prob, &sp, key, 0x30000001, 0x30000002);
	slice = (struct va_slice){ .params = &sp, .data = data,
				   .size = sp.slice_data_size };
	return (struct va_picture_input){
		.pic_params = &pic, .iq_matrix = &iq, .prob_table = &prob,
		.n_slices = 1, .slices = &slice,
		.profile = VAProfileVP8Version0_3,
	};
}

static const struct v4l2_ctrl_vp8_frame *frame(void)
{
	struct v4l2_ext_control c[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan pl = { .controls = c };

	ck_assert_ptr_null(va_codec_vp8.request_count);
	va_codec_vp8.plan_request(state, &frame_mode, 0, &pl);
	ck_assert_uint_eq(pl.n_controls, 1);
	ck_assert_uint_eq(c[0].id, V4L2_CID_STATELESS_VP8_FRAME);
	ck_assert_uint_eq(c[0].size, sizeof(struct v4l2_ctrl_vp8_frame));
	ck_assert_uint_eq(pl.n_slices, 1);
	return c[0].ptr;
}

START_TEST(key_frame)
{
	struct va_picture_input in = input(true);
	uint8_t prefix[VA_CODEC_MAX_PREFIX];

	/* Left from the last inter frame, as FFmpeg does: not sent. */
	pic.pic_fields.bits.sign_bias_alternate = 1;
	ck_assert_int_eq(va_codec_vp8.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp8_frame *f = frame();
	ck_assert_uint_eq(f->width, 200);
	ck_assert_uint_eq(f->height, 120);
	ck_assert_uint_eq(f->flags, V4L2_VP8_FRAME_FLAG_KEY_FRAME |
					    V4L2_VP8_FRAME_FLAG_SHOW_FRAME |
					    V4L2_VP8_FRAME_FLAG_MB_NO_SKIP_COEFF);
	ck_assert_uint_eq(f->first_part_header_bits, 150);
	ck_assert_uint_eq(f->first_part_size, 319);
	ck_assert_uint_eq(f->num_dct_parts, 2);
	ck_assert_uint_eq(f->dct_part_sizes[0], 900);
	ck_assert_uint_eq(f->dct_part_sizes[1], 700);
	ck_assert_uint_eq(f->quant.y_ac_qi, 40);
	ck_assert_int_eq(f->quant.y_dc_delta, 1);
	ck_assert_int_eq(f->quant.uv_ac_delta, 5);
	ck_assert_uint_eq(f->segment.flags,
			  V4L2_VP8_SEGMENT_FLAG_DELTA_VALUE_MODE);
	ck_assert_uint_eq(f->lf.level, 20);
	ck_assert_uint_eq(f->lf.sharpness_level, 3);
	ck_assert_uint_eq(f->lf.flags,
			  V4L2_VP8_LF_ADJ_ENABLE | V4L2_VP8_LF_DELTA_UPDATE);
	ck_assert_int_eq(f->lf.ref_frm_delta[2], -2);
	ck_assert_int_eq(f->lf.mb_mode_delta[1], -2);
	ck_assert_uint_eq(f->entropy.coeff_probs[3][7][2][10], 9);
	ck_assert_uint_eq(f->entropy.y_mode_probs[0], 112);
	ck_assert_uint_eq(f->entropy.uv_mode_probs[2], 183);
	ck_assert_uint_eq(f->entropy.mv_probs[1][18], 77);
	ck_assert_uint_eq(f->coder_state.range, 0xc4);
	ck_assert_uint_eq(f->coder_state.value, 0x5a);
	ck_assert_uint_eq(f->coder_state.bit_count, 3);
	ck_assert_uint_eq(f->prob_skip_false, 200);
	ck_assert_uint_eq(f->prob_intra, 0);
	ck_assert_uint_eq(f->prob_last, 0);
	ck_assert_uint_eq(f->prob_gf, 0);
	ck_assert_uint_eq(f->last_frame_ts, 0);

	/* Tag: key (bit 0 clear), version 0, shown, first_part_size 319. */
	unsigned n = va_codec_vp8.slice_prefix(state, &in, 0, &frame_mode,
					       prefix);
	uint32_t tag = 1u << 4 | 319u << 5;
	const uint8_t want[10] = { tag & 0xff, (tag >> 8) & 0xff, tag >> 16,
				   0x9d, 0x01, 0x2a, 200, 0, 120, 0 };
	ck_assert_uint_eq(n, 10);
	ck_assert_mem_eq(prefix, want, 10);
}
END_TEST

START_TEST(inter_frame_references)
{
	struct va_picture_input in = input(false);
	uint8_t prefix[VA_CODEC_MAX_PREFIX];

	pic.alt_ref_frame = 0x30000009;	/* never decoded: left out */
	ck_assert_int_eq(va_codec_vp8.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp8_frame *f = frame();
	ck_assert_uint_eq(f->last_frame_ts, 1000);
	ck_assert_uint_eq(f->golden_frame_ts, 2000);
	ck_assert_uint_eq(f->alt_frame_ts, 0);
	ck_assert(!(f->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME));
	ck_assert(f->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN);
	ck_assert_uint_eq(f->prob_intra, 60);
	ck_assert_uint_eq(f->prob_last, 250);
	ck_assert_uint_eq(f->prob_gf, 128);
	ck_assert_uint_eq(va_codec_vp8.slice_prefix(state, &in, 0, &frame_mode,
						    prefix),
			  3);
	ck_assert_uint_eq(prefix[0] & 1, 1);
	ck_assert_uint_eq((prefix[0] | prefix[1] << 8 | prefix[2] << 16) >> 5,
			  319);
}
END_TEST

/* prob_skip_false is in the header only with mb_no_coeff_skip. */
START_TEST(no_skip_probability)
{
	struct va_picture_input in = input(false);

	pic.pic_fields.bits.mb_no_coeff_skip = 0;
	ck_assert_int_eq(va_codec_vp8.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp8_frame *f = frame();
	ck_assert(!(f->flags & V4L2_VP8_FRAME_FLAG_MB_NO_SKIP_COEFF));
	ck_assert_uint_eq(f->prob_skip_false, 0);
}
END_TEST

/* A client that sends the whole frame gets no second tag. */
START_TEST(data_with_frame_tag)
{
	struct va_picture_input in = input(true);
	uint8_t prefix[VA_CODEC_MAX_PREFIX];
	uint32_t tag = 1u << 4 | 319u << 5;

	ck_assert_int_eq(va_codec_vp8.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	va_codec_vp8.slice_prefix(state, &in, 0, &frame_mode, data);
	slice.size += 10;
	ck_assert_uint_eq(data[0], (uint8_t)tag);
	ck_assert_int_eq(va_codec_vp8.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	ck_assert_uint_eq(va_codec_vp8.slice_prefix(state, &in, 0, &frame_mode,
						    prefix),
			  0);
	memset(data, 0, 10);
}
END_TEST

START_TEST(segmentation)
{
	struct va_picture_input in = input(false);

	pic.pic_fields.bits.segmentation_enabled = 1;
	pic.pic_fields.bits.update_mb_segmentation_map = 1;
	pic.mb_segment_tree_probs[0] = 10;
	pic.mb_segment_tree_probs[2] = 30;
	for (unsigned s = 0; s < 4; s++) {
		pic.loop_filter_level[s] = (uint8_t)(10 * s);
		iq.quantization_index[s][0] = (uint16_t)(20 + s);
	}
	ck_assert_int_eq(va_codec_vp8.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp8_frame *f = frame();
	ck_assert_uint_eq(f->segment.flags, V4L2_VP8_SEGMENT_FLAG_ENABLED |
					    V4L2_VP8_SEGMENT_FLAG_UPDATE_MAP);
	ck_assert_uint_eq(f->segment.segment_probs[2], 30);
	ck_assert_int_eq(f->segment.quant_update[3], 23);
	ck_assert_int_eq(f->segment.lf_update[3], 30);
	ck_assert_uint_eq(f->quant.y_ac_qi, 20);
	ck_assert_int_eq(f->quant.y_dc_delta, 41 - 20);
}
END_TEST

static void expect_refused(struct va_picture_input *in)
{
	ck_assert_int_eq(va_codec_vp8.translate(state, in, &frame_mode, &refs),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
}

START_TEST(bad_input)
{
	struct va_picture_input in;

	in = input(true);
	sp.num_of_partitions = 4;
	expect_refused(&in);
	in = input(true);
	sp.num_of_partitions = 10;
	expect_refused(&in);
	in = input(true);
	sp.partition_size[2] = 701;	/* one byte past the data */
	expect_refused(&in);
	in = input(true);
	sp.partition_size[1] = 0xffffffffu;
	expect_refused(&in);
	in = input(true);
	sp.partition_size[0] = 1u << 19;
	expect_refused(&in);
	in = input(true);
	iq.quantization_index[2][4] = 128;
	expect_refused(&in);
	in = input(true);
	pic.loop_filter_level[3] = 64;
	expect_refused(&in);
	in = input(true);
	pic.loop_filter_deltas_ref_frame[1] = -64;
	expect_refused(&in);
	in = input(true);
	pic.loop_filter_deltas_mode[3] = 64;
	expect_refused(&in);
	in = input(true);
	pic.frame_width = 0;
	expect_refused(&in);
	/* larger than the context's pictures */
	in = input(true);
	in.max_width = 200;
	in.max_height = 112;
	expect_refused(&in);
	in = input(true);
	pic.frame_height = 16384;
	expect_refused(&in);
	in = input(true);
	in.prob_table = NULL;
	expect_refused(&in);
	in = input(true);
	in.iq_matrix = NULL;
	expect_refused(&in);
	in = input(true);
	in.n_slices = 2;
	expect_refused(&in);
	/* A good frame after the bad ones translates. */
	in = input(true);
	ck_assert_int_eq(va_codec_vp8.translate(state, &in, &frame_mode, &refs),
			 VA_STATUS_SUCCESS);
}
END_TEST

/* The frame as GStreamer's vavp8dec hands it over for input(key): the
 * whole frame (header, then the partitions, here a byte pattern) in
 * gst_buf, the slice at slice_data_offset past the header and
 * slice_data_size the whole frame's size. Returns that size. */
static uint8_t gst_buf[4096];

static uint32_t gst_frame(bool key, bool show, unsigned hscale,
			  unsigned vscale)
{
	uint32_t hdr = key ? 10 : 3;
	uint32_t tag = (key ? 0u : 1u) | (show ? 1u << 4 : 0u) | 319u << 5;
	uint32_t payload = sp.slice_data_size;

	gst_buf[0] = (uint8_t)tag;
	gst_buf[1] = (uint8_t)(tag >> 8);
	gst_buf[2] = (uint8_t)(tag >> 16);
	if (key) {
		const uint8_t rest[7] = { 0x9d, 0x01, 0x2a, 200,
					  (uint8_t)(hscale << 6), 120,
					  (uint8_t)(vscale << 6) };
		memcpy(gst_buf + 3, rest, sizeof(rest));
	}
	for (uint32_t i = 0; i < payload; i++)
		gst_buf[hdr + i] = (uint8_t)(i * 7 + 1);
	sp.slice_data_offset = hdr;
	sp.slice_data_size = hdr + payload;
	return hdr + payload;
}

/* Renders input(key)'s buffers in vavp8dec's order (IQ matrix,
 * probabilities, picture; then slice parameters and data) through
 * picture.c into acc, and translates. */
static struct va_picture_accum acc;

static VAStatus render_gst(struct va_picture_input *in, uint32_t size)
{
	char why[192];

	ck_assert_int_eq(va_accum_add(&acc, VAIQMatrixBufferType, &iq,
				      sizeof(iq), 1, why, sizeof(why)),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(va_accum_add(&acc, VAProbabilityBufferType, &prob,
				      sizeof(prob), 1, why, sizeof(why)),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(va_accum_add(&acc, VAPictureParameterBufferType, &pic,
				      sizeof(pic), 1, why, sizeof(why)),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(va_accum_add(&acc, VASliceParameterBufferType, &sp,
				      sizeof(sp), 1, why, sizeof(why)),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(va_accum_add(&acc, VASliceDataBufferType, gst_buf,
				      size, 1, why, sizeof(why)),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(va_accum_finish(&acc, in, why, sizeof(why)),
			 VA_STATUS_SUCCESS);
	return va_codec_vp8.translate(state, in, &frame_mode, &refs);
}

/* The bitstream written for the device is the client's frame. */
static void expect_written(const struct va_picture_input *in, uint32_t size)
{
	static uint8_t out[8192];
	size_t n;

	ck_assert_uint_eq(va_bitstream_size(&va_codec_vp8, state, in,
					    &frame_mode, 0, 1),
			  size);
	ck_assert_int_eq(va_bitstream_write(&va_codec_vp8, state, in,
					    &frame_mode, 0, 1, out,
					    sizeof(out), &n),
			 0);
	ck_assert_uint_eq(n, size);
	ck_assert_mem_eq(out, gst_buf, size);
}

static void gst_setup(void)
{
	setup();
	ck_assert_int_eq(va_accum_init(&acc, &va_codec_vp8), 0);
}

static void gst_teardown(void)
{
	va_accum_fini(&acc);
	teardown();
}

/* A hidden inter frame (an alt-ref frame): the slice size past the
 * buffer's end is cut, show_frame comes from GStreamer's tag. */
START_TEST(gstreamer_hidden_inter_frame)
{
	struct va_picture_input in = input(false);
	uint32_t size = gst_frame(false, false, 0, 0);

	ck_assert_int_eq(render_gst(&in, size), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp8_frame *f = frame();
	ck_assert_uint_eq(in.slices[0].size, size - 3);
	ck_assert_uint_eq(in.slices[0].lead, 3);
	ck_assert(!(f->flags & V4L2_VP8_FRAME_FLAG_SHOW_FRAME));
	ck_assert(!(f->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME));
	ck_assert_uint_eq(f->first_part_size, 319);
	ck_assert_uint_eq(f->dct_part_sizes[1], 700);
	ck_assert_uint_eq(f->last_frame_ts, 1000);
	expect_written(&in, size);
}
END_TEST

/* A key frame with scaling bits: read from the header, which is written
 * as the client had it. */
START_TEST(gstreamer_scaled_key_frame)
{
	struct va_picture_input in = input(true);
	uint32_t size = gst_frame(true, true, 1, 2);

	ck_assert_int_eq(render_gst(&in, size), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp8_frame *f = frame();
	ck_assert_uint_eq(f->flags, V4L2_VP8_FRAME_FLAG_KEY_FRAME |
					    V4L2_VP8_FRAME_FLAG_SHOW_FRAME |
					    V4L2_VP8_FRAME_FLAG_MB_NO_SKIP_COEFF);
	ck_assert_uint_eq(f->horizontal_scale, 1);
	ck_assert_uint_eq(f->vertical_scale, 2);
	ck_assert_uint_eq(f->width, 200);
	expect_written(&in, size);
}
END_TEST

/* Bytes in front of the slice that are not this frame's header are not
 * taken for it: the header is rebuilt (shown, unscaled). */
START_TEST(gstreamer_other_bytes_in_front)
{
	struct va_picture_input in = input(true);
	uint32_t size = gst_frame(true, false, 1, 0);

	gst_buf[1] ^= 0x20;	/* first_part_size 63, not 319 */
	ck_assert_int_eq(render_gst(&in, size), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp8_frame *f = frame();
	ck_assert(f->flags & V4L2_VP8_FRAME_FLAG_SHOW_FRAME);
	ck_assert_uint_eq(f->horizontal_scale, 0);
	gst_buf[1] ^= 0x20;
	gst_buf[0] |= 0x10;	/* the tag rebuilt: shown */
	gst_buf[7] = 0;		/* unscaled */
	expect_written(&in, size);
}
END_TEST

/* Cutting the slice at the buffer's end lets no partition past it, and a
 * slice starting past the buffer is refused; a good frame follows. */
START_TEST(gstreamer_bad_sizes)
{
	struct va_picture_input in = input(false);
	uint32_t size = gst_frame(false, true, 0, 0);
	char why[192];

	sp.partition_size[2] = 701;
	ck_assert_int_eq(render_gst(&in, size),
			 VA_STATUS_ERROR_INVALID_PARAMETER);

	va_accum_reset(&acc);
	in = input(false);
	size = gst_frame(false, true, 0, 0);
	sp.slice_data_offset = size + 1;
	ck_assert_int_eq(va_accum_add(&acc, VASliceParameterBufferType, &sp,
				      sizeof(sp), 1, why, sizeof(why)),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(va_accum_add(&acc, VASliceDataBufferType, gst_buf,
				      size, 1, why, sizeof(why)),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(why, "outside"));

	va_accum_reset(&acc);
	in = input(false);
	size = gst_frame(false, true, 0, 0);
	ck_assert_int_eq(render_gst(&in, size), VA_STATUS_SUCCESS);
	expect_written(&in, size);
}
END_TEST

START_TEST(profiles)
{
	VAProfile p[4];

	ck_assert_uint_eq(va_codec_vp8.profiles(0, p, 4), 1);
	ck_assert_int_eq(p[0], VAProfileVP8Version0_3);
	ck_assert_uint_eq(va_codec_vp8.profiles(0, p, 0), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("va-vp8");
	TCase *tc = tcase_create("translate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, key_frame);
	tcase_add_test(tc, inter_frame_references);
	tcase_add_test(tc, no_skip_probability);
	tcase_add_test(tc, data_with_frame_tag);
	tcase_add_test(tc, segmentation);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, profiles);
	suite_add_tcase(s, tc);

	tc = tcase_create("gstreamer");
	tcase_add_checked_fixture(tc, gst_setup, gst_teardown);
	tcase_add_test(tc, gstreamer_hidden_inter_frame);
	tcase_add_test(tc, gstreamer_scaled_key_frame);
	tcase_add_test(tc, gstreamer_other_bytes_in_front);
	tcase_add_test(tc, gstreamer_bad_sizes);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
