/* VP9 translation (src/va/vp9.c) on frames built here from known values: an
 * uncompressed header written bit by bit after spec 6.2, a compressed header
 * from the boolean encoder, tiles behind their size markers; the VA buffers
 * filled from the same values as FFmpeg fills them (whole frame as slice
 * data, frame_context_idx zeroed on intra frames, a stale filter type on
 * them). Then what persists from frame to frame, and every bad-input case. */
#include <check.h>

#include "unit.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/log.h"
#include "va/codec.h"
#include "va-fixtures.h"
#include "vp9-bool-encoder.h"

#define KEEP VP9_FX_KEEP
#define NOT_CODED VP9_FX_NOT_CODED
#define SURF(i) (0x40000000u + (i))

static void *state;
static char last_error[512], last_warning[512];
static unsigned lookups;

static void capture(void *opaque, enum v4l2r_log_level level, const char *msg)
{
	(void)opaque;
	if (level == V4L2R_LOG_ERROR)
		snprintf(last_error, sizeof(last_error), "%s", msg);
	else if (level == V4L2R_LOG_WARNING)
		snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

static void setup(void)
{
	state = calloc(1, va_codec_vp9.state_size);
	last_error[0] = last_warning[0] = '\0';
	lookups = 0;
	v4l2r_log_set_handler(capture, NULL, V4L2R_LOG_WARNING);
}

static void teardown(void)
{
	v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_ERROR);
	free(state);
}

/* Reference slots 0..6 hold surfaces decoded at (slot + 1) * 1000 ns; slot
 * 7's surface was never decoded. */
static uint64_t lookup(void *opaque, VASurfaceID id)
{
	(void)opaque;
	lookups++;
	return id >= SURF(0) && id <= SURF(6) ? (id - SURF(0) + 1) * 1000ull : 0;
}

static const struct va_ref_resolver refs = { .timestamp = lookup };
static const struct v4l2r_decode_mode frame_mode = { .slice_based = false };

/* ------------------------------------------------------------------ */
/* Frame writer.                                                       */

/* The frames of va-fixtures.c. */
static struct vp9_frame fx;
#define frame_buf fx.buf
#define frame_size fx.size
#define unc_size fx.unc_size
#define comp_size fx.comp_size

static void build(const struct vp9_desc *d)
{
	vp9_fx_build(d, &fx);
}

/* ------------------------------------------------------------------ */
/* VA buffers.                                                         */

static VADecPictureParameterBufferVP9 pic;
static VASliceParameterBufferVP9 sp;
static struct va_slice slice;
static uint8_t *data;

static void fill_pic(const struct vp9_desc *d)
{
	VASurfaceID r[8];

	for (unsigned i = 0; i < 8; i++)
		r[i] = SURF(i);
	vp9_fx_fill_pic(&pic, d, &fx, r);
}

static struct va_picture_input input(const struct vp9_desc *d)
{
	build(d);
	fill_pic(d);
	/* exactly the frame's bytes on the heap: a read beyond shows */
	free(data);
	data = exact_copy(frame_buf, frame_size);
	memset(&sp, 0, sizeof(sp));
	sp.slice_data_size = (uint32_t)frame_size;
	for (unsigned i = 0; i < 8; i++) {
		VASegmentParameterVP9 *s = &sp.seg_param[i];
		s->segment_flags.fields.segment_reference_enabled =
			d->feat_on[i][2];
		s->segment_flags.fields.segment_reference = d->feat[i][2];
		s->segment_flags.fields.segment_reference_skipped =
			d->feat_on[i][3];
	}
	slice = (struct va_slice){ .params = &sp, .data = data,
				   .size = (uint32_t)frame_size };
	return (struct va_picture_input){
		.pic_params = &pic, .n_slices = 1, .slices = &slice,
		.profile = d->profile == 2 ? VAProfileVP9Profile2 :
					     VAProfileVP9Profile0,
		.bit_depth = d->profile == 2 ? 10 : 8,
	};
}

static VAStatus translate(const struct va_picture_input *in)
{
	return va_codec_vp9.translate(state, in, &frame_mode, &refs);
}

static const struct v4l2_ctrl_vp9_compressed_hdr *probs;

static const struct v4l2_ctrl_vp9_frame *frame(void)
{
	struct v4l2_ext_control c[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan pl = { .controls = c };

	ck_assert_ptr_null(va_codec_vp9.request_count);
	va_codec_vp9.plan_request(state, &frame_mode, 0, &pl);
	ck_assert_uint_eq(pl.n_controls, 2);
	ck_assert_uint_eq(c[0].id, V4L2_CID_STATELESS_VP9_FRAME);
	ck_assert_uint_eq(c[0].size, sizeof(struct v4l2_ctrl_vp9_frame));
	ck_assert_uint_eq(c[1].id, V4L2_CID_STATELESS_VP9_COMPRESSED_HDR);
	ck_assert_uint_eq(c[1].size,
			  sizeof(struct v4l2_ctrl_vp9_compressed_hdr));
	ck_assert_uint_eq(pl.first_slice, 0);
	ck_assert_uint_eq(pl.n_slices, 1);
	probs = c[1].ptr;
	return c[0].ptr;
}

static struct vp9_desc key_desc(void)
{
	return vp9_fx_key_desc();
}

static struct vp9_desc inter_desc(void)
{
	return vp9_fx_inter_desc();
}

static void expect_bad(const struct va_picture_input *in, const char *field)
{
	last_error[0] = '\0';
	ck_assert_int_eq(translate(in), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_msg(strstr(last_error, field) != NULL,
		      "error \"%s\" does not name %s", last_error, field);
}

/* ------------------------------------------------------------------ */
/* Tests.                                                              */

START_TEST(key_frame)
{
	struct vp9_desc d = key_desc();
	struct va_picture_input in = input(&d);

	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp9_frame *f = frame();
	ck_assert_uint_eq(f->flags, V4L2_VP9_FRAME_FLAG_KEY_FRAME |
					    V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
					    V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX |
					    V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
					    V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING |
					    V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING);
	/* the defaults {1, 0, -1, -1} and {0, 0}, where not updated */
	ck_assert_int_eq(f->lf.ref_deltas[0], 2);
	ck_assert_int_eq(f->lf.ref_deltas[1], 0);
	ck_assert_int_eq(f->lf.ref_deltas[2], -3);
	ck_assert_int_eq(f->lf.ref_deltas[3], -1);
	ck_assert_int_eq(f->lf.mode_deltas[0], 0);
	ck_assert_int_eq(f->lf.mode_deltas[1], 5);
	ck_assert_uint_eq(f->lf.level, 36);
	ck_assert_uint_eq(f->lf.sharpness, 2);
	ck_assert_uint_eq(f->lf.flags, V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED |
					       V4L2_VP9_LOOP_FILTER_FLAG_DELTA_UPDATE);
	ck_assert_uint_eq(f->quant.base_q_idx, 60);
	ck_assert_int_eq(f->quant.delta_q_y_dc, -3);
	ck_assert_int_eq(f->quant.delta_q_uv_dc, 2);
	ck_assert_int_eq(f->quant.delta_q_uv_ac, -15);
	ck_assert_uint_eq(f->seg.flags, 0);
	ck_assert_uint_eq(f->uncompressed_header_size, unc_size);
	ck_assert_uint_eq(f->compressed_header_size, comp_size);
	ck_assert_uint_eq(f->frame_width_minus_1, 351);
	ck_assert_uint_eq(f->frame_height_minus_1, 287);
	ck_assert_uint_eq(f->render_width_minus_1, 319);
	ck_assert_uint_eq(f->render_height_minus_1, 239);
	ck_assert_uint_eq(f->last_frame_ts, 0);
	ck_assert_uint_eq(f->golden_frame_ts, 0);
	ck_assert_uint_eq(f->alt_frame_ts, 0);
	ck_assert_uint_eq(lookups, 0);
	ck_assert_uint_eq(f->ref_frame_sign_bias, 0);
	ck_assert_uint_eq(f->reset_frame_context, V4L2_VP9_RESET_FRAME_CTX_NONE);
	/* as coded: VA (FFmpeg) says 0 on intra frames */
	ck_assert_uint_eq(f->frame_context_idx, 1);
	ck_assert_uint_eq(f->profile, 0);
	ck_assert_uint_eq(f->bit_depth, 8);
	/* VA's stale filter type is not passed on */
	ck_assert_uint_eq(f->interpolation_filter,
			  V4L2_VP9_INTERP_FILTER_EIGHTTAP);
	ck_assert_uint_eq(f->tile_cols_log2, 0);
	ck_assert_uint_eq(f->tile_rows_log2, 1);
	ck_assert_uint_eq(f->reference_mode,
			  V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE);
	ck_assert_uint_eq(probs->tx_mode, V4L2_VP9_TX_MODE_ALLOW_32X32);
	ck_assert_uint_eq(probs->skip[0], 0);
	ck_assert_str_eq(last_warning, "");
}
END_TEST

START_TEST(inter_frame)
{
	struct vp9_desc d = key_desc();
	struct va_picture_input in = input(&d);

	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);

	/* refused (its first_partition_size is wrong) after coding new
	 * deltas: the deltas of the key frame stay in force */
	d = inter_desc();
	d.delta_update = true;
	d.ref_delta[0] = -7;
	in = input(&d);
	pic.first_partition_size++;
	expect_bad(&in, "first_partition_size");

	d = inter_desc();
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp9_frame *f = frame();
	ck_assert_uint_eq(f->flags, V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
					    V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV |
					    V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX |
					    V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
					    V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING |
					    V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING);
	ck_assert_int_eq(f->lf.ref_deltas[0], 2);
	ck_assert_int_eq(f->lf.ref_deltas[2], -3);
	ck_assert_int_eq(f->lf.ref_deltas[3], -1);
	ck_assert_int_eq(f->lf.mode_deltas[1], 5);
	ck_assert_uint_eq(f->lf.flags, V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED);
	ck_assert_uint_eq(f->quant.base_q_idx, 80);
	ck_assert_int_eq(f->quant.delta_q_uv_ac, 0);
	ck_assert_uint_eq(f->last_frame_ts, 1000);
	ck_assert_uint_eq(f->golden_frame_ts, 2000);
	ck_assert_uint_eq(f->alt_frame_ts, 7000);
	ck_assert_uint_eq(f->ref_frame_sign_bias, V4L2_VP9_SIGN_BIAS_ALT);
	ck_assert_uint_eq(f->interpolation_filter,
			  V4L2_VP9_INTERP_FILTER_SWITCHABLE);
	ck_assert_uint_eq(f->frame_context_idx, 2);
	ck_assert_uint_eq(f->render_width_minus_1, 351);
	ck_assert_uint_eq(f->render_height_minus_1, 287);
	ck_assert_uint_eq(f->reference_mode,
			  V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE);
	ck_assert_uint_eq(probs->tx_mode, V4L2_VP9_TX_MODE_ALLOW_16X16);
	ck_assert_str_eq(last_warning, "");

	/* a fixed filter, and the size coded again */
	d.interp = V4L2_VP9_INTERP_FILTER_EIGHTTAP_SMOOTH;
	d.size_from_ref = false;
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	ck_assert_uint_eq(frame()->interpolation_filter,
			  V4L2_VP9_INTERP_FILTER_EIGHTTAP_SMOOTH);
}
END_TEST

/* An inter frame that changes the frame size (libvpx's real-time resize,
 * vp9-resize): half and twice the references' 352x288, the sizes coded in
 * its header and VA's, the references kept by timestamp for the device to
 * scale, no warning; the render size follows the frame's. */
START_TEST(inter_frame_new_size)
{
	static const unsigned sizes[][2] = { { 176, 144 }, { 704, 576 } };

	for (unsigned i = 0; i < 2; i++) {
		struct vp9_desc d = key_desc();
		struct va_picture_input in = input(&d);

		ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
		d = inter_desc();
		d.size_from_ref = false;
		d.width = sizes[i][0];
		d.height = sizes[i][1];
		d.render_w = d.render_h = 0;
		in = input(&d);
		ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
		const struct v4l2_ctrl_vp9_frame *f = frame();
		ck_assert_uint_eq(f->frame_width_minus_1, sizes[i][0] - 1);
		ck_assert_uint_eq(f->frame_height_minus_1, sizes[i][1] - 1);
		ck_assert_uint_eq(f->render_width_minus_1, sizes[i][0] - 1);
		ck_assert_uint_eq(f->render_height_minus_1, sizes[i][1] - 1);
		ck_assert_uint_eq(f->last_frame_ts, 1000);
		ck_assert_uint_eq(f->golden_frame_ts, 2000);
		ck_assert_uint_eq(f->alt_frame_ts, 7000);
		ck_assert_str_eq(last_warning, "");
	}
}
END_TEST

START_TEST(missing_reference)
{
	struct vp9_desc d = key_desc();
	struct va_picture_input in = input(&d);

	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	d = inter_desc();
	d.ref_idx[2] = 7;		/* never decoded */
	in = input(&d);
	pic.reference_frames[1] = VA_INVALID_SURFACE;
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp9_frame *f = frame();
	ck_assert_uint_eq(f->last_frame_ts, 1000);
	ck_assert_uint_eq(f->golden_frame_ts, 0);
	ck_assert_uint_eq(f->alt_frame_ts, 0);
	ck_assert_ptr_nonnull(strstr(last_warning, "reference_frames[7]"));
}
END_TEST

/* Intra-only frames: no references looked up, past independence (deltas
 * back to their defaults, studio range in profile 0), the coded
 * reset_frame_context in V4L2's terms, no high-precision motion vectors
 * nor sign biases whatever VA's stale fields say. */
START_TEST(intra_only_frame)
{
	struct vp9_desc d = key_desc();
	struct va_picture_input in = input(&d);

	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	d = key_desc();
	d.key = false;
	d.show = false;
	d.intra_only = true;
	d.reset_ctx = 2;
	d.refresh = 0x04;
	d.ctx_idx = 3;
	d.delta_update = false;
	d.render_w = 0;
	in = input(&d);
	/* what an intra frame does not code, left as FFmpeg leaves it from
	 * the inter frame before */
	pic.pic_fields.bits.allow_high_precision_mv = 1;
	pic.pic_fields.bits.last_ref_frame_sign_bias = 1;
	pic.pic_fields.bits.alt_ref_frame_sign_bias = 1;
	lookups = 0;
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp9_frame *f = frame();
	ck_assert_uint_eq(lookups, 0);
	ck_assert_uint_eq(f->ref_frame_sign_bias, 0);
	ck_assert_uint_eq(f->flags, V4L2_VP9_FRAME_FLAG_INTRA_ONLY |
					    V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX |
					    V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
					    V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING);
	ck_assert_int_eq(f->lf.ref_deltas[0], 1);
	ck_assert_int_eq(f->lf.ref_deltas[2], -1);
	ck_assert_int_eq(f->lf.mode_deltas[1], 0);
	ck_assert_uint_eq(f->reset_frame_context, V4L2_VP9_RESET_FRAME_CTX_SPEC);
	ck_assert_uint_eq(f->frame_context_idx, 3);
	ck_assert_uint_eq(f->last_frame_ts, 0);

	d.reset_ctx = 3;
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	ck_assert_uint_eq(frame()->reset_frame_context,
			  V4L2_VP9_RESET_FRAME_CTX_ALL);
	d.reset_ctx = 1;
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	ck_assert_uint_eq(frame()->reset_frame_context,
			  V4L2_VP9_RESET_FRAME_CTX_NONE);
}
END_TEST

/* Segment features coded on a key frame stay in force on the inter frames
 * that do not update them; VA's own view of them is only compared. */
START_TEST(segmentation)
{
	struct vp9_desc d = key_desc();

	/* no map coded yet: probabilities 0, whatever VA holds */
	memset(d.tree, 9, sizeof(d.tree));
	memset(d.pred, 9, sizeof(d.pred));
	struct va_picture_input first = input(&d);
	ck_assert_int_eq(translate(&first), VA_STATUS_SUCCESS);
	ck_assert_mem_eq(frame()->seg.tree_probs,
			 ((uint8_t[]){ 0, 0, 0, 0, 0, 0, 0 }), 7);
	ck_assert_mem_eq(frame()->seg.pred_probs, ((uint8_t[]){ 0, 0, 0 }), 3);

	d.seg_enabled = d.seg_update_map = d.seg_update_data = true;
	d.seg_abs = true;
	memcpy(d.tree, ((uint8_t[]){ 10, 20, NOT_CODED, 40, 50, 60, 70 }), 7);
	d.feat_on[1][0] = true;
	d.feat[1][0] = -100;
	d.feat_on[2][1] = true;
	d.feat[2][1] = -20;
	d.feat_on[3][2] = true;
	d.feat[3][2] = 2;
	d.feat_on[5][3] = true;
	d.feat_on[7][0] = true;
	d.feat[7][0] = 255;
	struct va_picture_input in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp9_frame *f = frame();
	ck_assert_uint_eq(f->seg.flags, V4L2_VP9_SEGMENTATION_FLAG_ENABLED |
						V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP |
						V4L2_VP9_SEGMENTATION_FLAG_UPDATE_DATA |
						V4L2_VP9_SEGMENTATION_FLAG_ABS_OR_DELTA_UPDATE);
	ck_assert_mem_eq(f->seg.tree_probs,
			 ((uint8_t[]){ 10, 20, 255, 40, 50, 60, 70 }), 7);
	ck_assert_mem_eq(f->seg.pred_probs, ((uint8_t[]){ 255, 255, 255 }), 3);
	ck_assert_uint_eq(f->seg.feature_enabled[0], 0);
	ck_assert_uint_eq(f->seg.feature_enabled[1],
			  V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_ALT_Q));
	ck_assert_int_eq(f->seg.feature_data[1][V4L2_VP9_SEG_LVL_ALT_Q], -100);
	ck_assert_uint_eq(f->seg.feature_enabled[2],
			  V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_ALT_L));
	ck_assert_int_eq(f->seg.feature_data[2][V4L2_VP9_SEG_LVL_ALT_L], -20);
	ck_assert_uint_eq(f->seg.feature_enabled[3],
			  V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_REF_FRAME));
	ck_assert_int_eq(f->seg.feature_data[3][V4L2_VP9_SEG_LVL_REF_FRAME], 2);
	ck_assert_uint_eq(f->seg.feature_enabled[5],
			  V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_SKIP));
	ck_assert_int_eq(f->seg.feature_data[7][V4L2_VP9_SEG_LVL_ALT_Q], 255);
	ck_assert_str_eq(last_warning, "");

	/* enabled, nothing updated: the key frame's features and mode */
	struct vp9_desc k = d;
	d = inter_desc();
	d.seg_enabled = true;
	memcpy(d.feat_on, k.feat_on, sizeof(d.feat_on));
	memcpy(d.feat, k.feat, sizeof(d.feat));
	/* no map coded: the last coded map's probabilities, whatever the
	 * client left in VA's (FFmpeg and GStreamer differ) */
	memset(d.tree, 9, sizeof(d.tree));
	memcpy(d.pred, ((uint8_t[]){ 30, 40, 90 }), 3);
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	f = frame();
	ck_assert_mem_eq(f->seg.tree_probs,
			 ((uint8_t[]){ 10, 20, 255, 40, 50, 60, 70 }), 7);
	ck_assert_mem_eq(f->seg.pred_probs, ((uint8_t[]){ 255, 255, 255 }), 3);
	ck_assert_uint_eq(f->seg.flags, V4L2_VP9_SEGMENTATION_FLAG_ENABLED |
						V4L2_VP9_SEGMENTATION_FLAG_ABS_OR_DELTA_UPDATE);
	ck_assert_int_eq(f->seg.feature_data[1][V4L2_VP9_SEG_LVL_ALT_Q], -100);
	ck_assert_int_eq(f->seg.feature_data[3][V4L2_VP9_SEG_LVL_REF_FRAME], 2);
	ck_assert_uint_eq(f->seg.feature_enabled[5],
			  V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_SKIP));
	ck_assert_str_eq(last_warning, "");

	/* VA disagreeing on segment 3's reference: said, header's used */
	in = input(&d);
	sp.seg_param[3].segment_flags.fields.segment_reference = 1;
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	ck_assert_ptr_nonnull(strstr(last_warning, "seg_param[3]"));
	ck_assert_int_eq(frame()->seg.feature_data[3][V4L2_VP9_SEG_LVL_REF_FRAME],
			 2);

	/* a new map coded against the previous one */
	d.seg_update_map = d.seg_temporal = true;
	memcpy(d.tree, ((uint8_t[]){ 1, 2, 3, 4, 5, 6, 7 }), 7);
	memcpy(d.pred, ((uint8_t[]){ 30, NOT_CODED, 90 }), 3);
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	f = frame();
	ck_assert_uint_eq(f->seg.flags, V4L2_VP9_SEGMENTATION_FLAG_ENABLED |
						V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP |
						V4L2_VP9_SEGMENTATION_FLAG_TEMPORAL_UPDATE |
						V4L2_VP9_SEGMENTATION_FLAG_ABS_OR_DELTA_UPDATE);
	ck_assert_mem_eq(f->seg.tree_probs,
			 ((uint8_t[]){ 1, 2, 3, 4, 5, 6, 7 }), 7);
	ck_assert_mem_eq(f->seg.pred_probs, ((uint8_t[]){ 30, 255, 90 }), 3);

	/* an error-resilient frame drops the features */
	d.seg_update_map = d.seg_temporal = false;
	d.error_res = true;
	d.seg_enabled = false;
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	f = frame();
	ck_assert_uint_eq(f->seg.flags, 0);
	ck_assert_uint_eq(f->seg.feature_enabled[1], 0);
	ck_assert_int_eq(f->seg.feature_data[1][V4L2_VP9_SEG_LVL_ALT_Q], 0);
	ck_assert_uint_eq(f->flags & V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE,
			  V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE);
}
END_TEST

/* 1920x1080: up to four tile columns (the most for 30 superblocks), four
 * rows, sixteen tiles behind fifteen size markers. */
START_TEST(tiles)
{
	struct vp9_desc d = key_desc();

	d.width = 1920;
	d.height = 1080;
	d.render_w = 0;
	d.tile_cols_log2 = 2;
	d.tile_rows_log2 = 2;
	struct va_picture_input in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp9_frame *f = frame();
	ck_assert_uint_eq(f->tile_cols_log2, 2);
	ck_assert_uint_eq(f->tile_rows_log2, 2);

	d.tile_cols_log2 = 1;
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	ck_assert_uint_eq(frame()->tile_cols_log2, 1);

	/* the first tile's size reaching past the frame */
	d.tile_cols_log2 = 2;
	in = input(&d);
	data[unc_size + comp_size] = 0x01;
	expect_bad(&in, "tile_size");
	/* the last tile left without data */
	in = input(&d);
	slice.size -= 6 + 15;
	expect_bad(&in, "(the last) has no data");
	/* the size marker itself cut */
	in = input(&d);
	slice.size = unc_size + comp_size + 2;
	expect_bad(&in, "its size lies past");
}
END_TEST

START_TEST(bad_picture_parameters)
{
	struct vp9_desc d = key_desc();
	struct va_picture_input in;

	in = input(&d);
	in.n_slices = 2;
	expect_bad(&in, "slice buffers");
	in = input(&d);
	pic.profile = 2;
	expect_bad(&in, "profile = 2 in a VP9 profile 0 context");
	in = input(&d);
	pic.profile = 1;
	expect_bad(&in, "profile = 1 in a VP9 profile 0 context");
	/* a 10-bit frame in an 8-bit context: its pictures cannot hold it */
	in = input(&d);
	pic.bit_depth = 10;
	last_error[0] = '\0';
	ck_assert_int_eq(translate(&in), VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(last_error, "bit_depth = 10 but the "
					     "context's pictures have 8 bits"));
	/* a context whose pictures are not its profile's depth (the driver
	 * makes none): still no 10-bit profile 0 */
	in = input(&d);
	in.bit_depth = 10;
	pic.bit_depth = 10;
	expect_bad(&in, "bit_depth = 10 (profile 0 decodes 8 bits)");
	in = input(&d);
	pic.pic_fields.bits.subsampling_x = 0;
	expect_bad(&in, "subsampling_x");
	in = input(&d);
	pic.frame_width = 0;
	expect_bad(&in, "frame_width");
	/* 352x288: larger than the context's pictures */
	in = input(&d);
	in.max_width = 352;
	in.max_height = 240;
	expect_bad(&in, "frame_width x frame_height = 352x288, larger than the "
		   "context's 352x240");
	in = input(&d);
	pic.pic_fields.bits.mcomp_filter_type = 5;
	expect_bad(&in, "mcomp_filter_type");
	in = input(&d);
	pic.pic_fields.bits.error_resilient_mode = 1;
	expect_bad(&in, "refresh_frame_context = 1 with error_resilient_mode");
	in = input(&d);
	pic.filter_level = 64;
	expect_bad(&in, "filter_level");
	in = input(&d);
	pic.sharpness_level = 8;
	expect_bad(&in, "sharpness_level");

	/* against the frame header */
	in = input(&d);
	pic.pic_fields.bits.frame_type = 1;
	expect_bad(&in, "frame_type");
	in = input(&d);
	pic.frame_width = 320;
	expect_bad(&in, "frame_width x frame_height");
	in = input(&d);
	pic.frame_header_length_in_bytes++;
	expect_bad(&in, "frame_header_length_in_bytes");
	in = input(&d);
	pic.first_partition_size--;
	expect_bad(&in, "first_partition_size");
	in = input(&d);
	pic.log2_tile_columns = 1;
	expect_bad(&in, "log2_tile_columns = 1 out of range 0..0");
	in = input(&d);
	pic.log2_tile_rows = 3;
	expect_bad(&in, "log2_tile_rows = 3 out of range");
	in = input(&d);
	pic.log2_tile_rows = 0;
	expect_bad(&in, "the frame header codes 0, 1");

	/* later pictures decode */
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
}
END_TEST

/* Profile 2: the 10-bit frame header read, profile and depth passed on;
 * an intra-only frame reads its colour config (profile > 0). */
START_TEST(profile_2)
{
	struct vp9_desc d = key_desc();
	struct va_picture_input in;

	d.profile = 2;
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp9_frame *f = frame();
	ck_assert_uint_eq(f->profile, 2);
	ck_assert_uint_eq(f->bit_depth, 10);
	ck_assert_uint_eq(f->uncompressed_header_size, unc_size);
	ck_assert_uint_eq(f->flags & V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING,
			  V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING);
	ck_assert_uint_eq(f->tile_rows_log2, 1);

	d.key = false;
	d.show = false;
	d.intra_only = true;
	d.color_full = false;
	d.refresh = 0x02;
	d.render_w = 0;
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	f = frame();
	ck_assert_uint_eq(f->flags & (V4L2_VP9_FRAME_FLAG_INTRA_ONLY |
				      V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING),
			  V4L2_VP9_FRAME_FLAG_INTRA_ONLY);
	ck_assert_uint_eq(f->profile, 2);
	ck_assert_uint_eq(f->bit_depth, 10);
	ck_assert_str_eq(last_error, "");
}
END_TEST

/* A stream whose depth is not that of the context's pictures is refused
 * with its own error, never decoded into them; so are VA values the frame
 * header contradicts. */
START_TEST(profile_2_refusals)
{
	struct vp9_desc d = key_desc();
	struct va_picture_input in;

	d.profile = 2;
	in = input(&d);
	in.bit_depth = 8;	/* 10-bit frame, 8-bit pictures */
	ck_assert_int_eq(translate(&in), VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(last_error, "bit_depth = 10 but the "
					     "context's pictures have 8 bits"));
	in = input(&d);
	pic.bit_depth = 12;
	ck_assert_int_eq(translate(&in), VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(last_error, "bit_depth = 12 but the "
					     "context's pictures have 10 bits"));
	in = input(&d);
	pic.bit_depth = 8;	/* VA says 8 bits, the header 10 */
	ck_assert_int_eq(translate(&in), VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(last_error, "bit_depth = 8 but the "
					     "context's pictures have 10 bits"));
	in = input(&d);
	pic.profile = 0;
	expect_bad(&in, "profile = 0 in a VP9 profile 2 context");

	d.profile = 0;		/* 8-bit frame, 10-bit pictures */
	in = input(&d);
	in.bit_depth = 10;
	ck_assert_int_eq(translate(&in), VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(last_error, "bit_depth = 8 but the "
					     "context's pictures have 10 bits"));

	/* VA says profile 2, the header profile 0 */
	in = input(&d);
	in.profile = VAProfileVP9Profile2;
	in.bit_depth = 10;
	pic.profile = 2;
	pic.bit_depth = 10;
	expect_bad(&in, "the frame header codes 0");

	/* later pictures decode */
	d.profile = 2;
	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
}
END_TEST

START_TEST(bad_frame_data)
{
	struct vp9_desc d = key_desc();
	struct va_picture_input in;

	in = input(&d);
	data[0] ^= 0xc0;		/* frame_marker 01 */
	expect_bad(&in, "frame_marker");
	in = input(&d);
	data[1] ^= 0x10;
	expect_bad(&in, "frame_sync_code");
	/* cut inside the uncompressed header */
	in = input(&d);
	slice.size = 6;
	expect_bad(&in, "runs past the frame data");
	/* the compressed header reaching the end: no tile data */
	in = input(&d);
	slice.size = unc_size + comp_size;
	expect_bad(&in, "leaves no tile data");
	in = input(&d);
	slice.size = unc_size + comp_size - 1;
	expect_bad(&in, "leaves no tile data");
	/* the compressed header's marker bit set */
	in = input(&d);
	data[unc_size] = 0xff;
	expect_bad(&in, "compressed header");

	/* a frame that only shows an earlier one */
	struct vp9_desc s = { .show_existing = true, .show_idx = 5 };
	in = input(&s);
	fill_pic(&d);
	expect_bad(&in, "show_existing_frame");
	ck_assert_ptr_nonnull(strstr(last_error, "frame_to_show_map_idx = 5"));

	in = input(&d);
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
}
END_TEST

START_TEST(profiles)
{
	VAProfile out[4];

	/* no menu (hantro): both; the driver keeps profile 2 only where
	 * the device makes 10-bit pictures */
	ck_assert_uint_eq(va_codec_vp9.profiles(0, out, 4), 2);
	ck_assert_int_eq(out[0], VAProfileVP9Profile0);
	ck_assert_int_eq(out[1], VAProfileVP9Profile2);
	ck_assert_uint_eq(va_codec_vp9.profiles((1u << V4L2_MPEG_VIDEO_VP9_PROFILE_0) |
						(1u << V4L2_MPEG_VIDEO_VP9_PROFILE_2),
						out, 4), 2);
	ck_assert_int_eq(out[0], VAProfileVP9Profile0);
	ck_assert_int_eq(out[1], VAProfileVP9Profile2);
	/* rkvdec's menu: profile 0 only */
	ck_assert_uint_eq(va_codec_vp9.profiles(1u << V4L2_MPEG_VIDEO_VP9_PROFILE_0,
						out, 4), 1);
	ck_assert_int_eq(out[0], VAProfileVP9Profile0);
	ck_assert_uint_eq(va_codec_vp9.profiles(1u << V4L2_MPEG_VIDEO_VP9_PROFILE_2,
						out, 4), 1);
	ck_assert_int_eq(out[0], VAProfileVP9Profile2);
	ck_assert_uint_eq(va_codec_vp9.profiles(1u << V4L2_MPEG_VIDEO_VP9_PROFILE_1,
						out, 4), 0);
	ck_assert_uint_eq(va_codec_vp9.profiles(0, out, 1), 1);
	ck_assert_uint_eq(va_codec_vp9.profiles(0, out, 0), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("va-vp9");
	TCase *tc = tcase_create("translate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, key_frame);
	tcase_add_test(tc, inter_frame);
	tcase_add_test(tc, inter_frame_new_size);
	tcase_add_test(tc, missing_reference);
	tcase_add_test(tc, intra_only_frame);
	tcase_add_test(tc, segmentation);
	tcase_add_test(tc, tiles);
	tcase_add_test(tc, bad_picture_parameters);
	tcase_add_test(tc, profile_2);
	tcase_add_test(tc, profile_2_refusals);
	tcase_add_test(tc, bad_frame_data);
	tcase_add_test(tc, profiles);
	suite_add_tcase(s, tc);
	int ret = unit_run(s);
	free(data);
	return ret;
}
