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
#include "vp9-bool-encoder.h"

#define KEEP 99		/* a loop filter delta the frame does not update */
#define NOT_CODED 255	/* a segmentation probability left at its default */
#define SURF(i) (0x40000000u + (i))
#define SYNC_CODE 0x498342

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

struct bit_writer {
	uint8_t buf[512];
	size_t bits;
};

static void put(struct bit_writer *w, unsigned v, unsigned n)
{
	while (n--) {
		ck_assert_uint_lt(w->bits, sizeof(w->buf) * 8);
		if (v >> n & 1)
			w->buf[w->bits / 8] |= (uint8_t)(0x80 >> w->bits % 8);
		w->bits++;
	}
}

static void put_su(struct bit_writer *w, int v, unsigned n)
{
	put(w, (unsigned)abs(v), n);
	put(w, v < 0, 1);
}

/* What a test frame codes. */
struct desc {
	unsigned profile;		/* 0, or 2: 10 bits */
	bool show_existing;
	unsigned show_idx;
	bool key, show, error_res, intra_only;
	unsigned reset_ctx;
	bool color_full;
	unsigned refresh;
	unsigned ref_idx[3];
	bool sign_bias[3];
	bool size_from_ref;
	unsigned width, height;
	unsigned render_w, render_h;	/* 0: the frame size */
	bool hp;
	unsigned interp;		/* V4L2_VP9_INTERP_FILTER_* */
	bool refresh_ctx, parallel;
	unsigned ctx_idx;
	unsigned lf_level, sharpness;
	bool delta_enabled, delta_update;
	int ref_delta[4], mode_delta[2];	/* KEEP: not updated */
	unsigned base_q;
	int dq_ydc, dq_uvdc, dq_uvac;
	bool seg_enabled, seg_update_map, seg_temporal, seg_update_data,
		seg_abs;
	uint8_t tree[7], pred[3];		/* NOT_CODED: 255 */
	bool feat_on[8][4];
	int feat[8][4];
	unsigned tile_cols_log2, tile_rows_log2;
	unsigned tx_mode;		/* the compressed header's */
};

static void put_size(struct bit_writer *w, unsigned width, unsigned height)
{
	put(w, width - 1, 16);
	put(w, height - 1, 16);
}

static void put_render(struct bit_writer *w, const struct desc *d)
{
	put(w, d->render_w != 0, 1);
	if (d->render_w)
		put_size(w, d->render_w, d->render_h);
}

static void put_lf_delta(struct bit_writer *w, int v)
{
	put(w, v != KEEP, 1);
	if (v != KEEP)
		put_su(w, v, 6);
}

static void put_delta_q(struct bit_writer *w, int v)
{
	put(w, v != 0, 1);
	if (v)
		put_su(w, v, 4);
}

static void put_prob(struct bit_writer *w, uint8_t p)
{
	put(w, p != NOT_CODED, 1);
	if (p != NOT_CODED)
		put(w, p, 8);
}

/* Spec 6.2.14, written apart from the driver's. */
static void tile_bounds(unsigned width, unsigned *lo, unsigned *hi)
{
	unsigned sb64 = (((width + 7) / 8) + 7) / 8;

	for (*lo = 0; (64u << *lo) < sb64; (*lo)++)
		;
	for (*hi = 1; (sb64 >> *hi) >= 4; (*hi)++)
		;
	(*hi)--;
}

static void put_frame_kind(struct bit_writer *w, const struct desc *d)
{
	/* filter literal for each V4L2 value: smooth is coded 0 */
	static const unsigned literal[4] = { 1, 0, 2, 3 };

	put(w, !d->key, 1);
	put(w, d->show, 1);
	put(w, d->error_res, 1);
	if (d->key) {
		put(w, SYNC_CODE, 24);
		if (d->profile >= 2)
			put(w, 0, 1);	/* ten_or_twelve_bit: 10 */
		put(w, 1, 3);		/* color_space: BT.601 */
		put(w, d->color_full, 1);
		put_size(w, d->width, d->height);
		put_render(w, d);
		return;
	}
	if (!d->show)
		put(w, d->intra_only, 1);
	if (!d->error_res)
		put(w, d->reset_ctx, 2);
	if (d->intra_only) {
		put(w, SYNC_CODE, 24);
		if (d->profile > 0) {	/* color_config(), profile 2: 4:2:0 */
			put(w, 0, 1);	/* ten_or_twelve_bit: 10 */
			put(w, 1, 3);	/* color_space: BT.601 */
			put(w, d->color_full, 1);
		}
		put(w, d->refresh, 8);
		put_size(w, d->width, d->height);
		put_render(w, d);
		return;
	}
	put(w, d->refresh, 8);
	for (unsigned i = 0; i < 3; i++) {
		put(w, d->ref_idx[i], 3);
		put(w, d->sign_bias[i], 1);
	}
	if (d->size_from_ref) {
		put(w, 1, 1);
	} else {
		put(w, 0, 3);
		put_size(w, d->width, d->height);
	}
	put_render(w, d);
	put(w, d->hp, 1);
	put(w, d->interp == V4L2_VP9_INTERP_FILTER_SWITCHABLE, 1);
	if (d->interp != V4L2_VP9_INTERP_FILTER_SWITCHABLE)
		put(w, literal[d->interp], 2);
}

static void put_segmentation(struct bit_writer *w, const struct desc *d)
{
	static const unsigned bits[4] = { 8, 6, 2, 0 };
	static const bool is_signed[4] = { true, true, false, false };

	put(w, d->seg_enabled, 1);
	if (!d->seg_enabled)
		return;
	put(w, d->seg_update_map, 1);
	if (d->seg_update_map) {
		for (unsigned i = 0; i < 7; i++)
			put_prob(w, d->tree[i]);
		put(w, d->seg_temporal, 1);
		for (unsigned i = 0; d->seg_temporal && i < 3; i++)
			put_prob(w, d->pred[i]);
	}
	put(w, d->seg_update_data, 1);
	if (!d->seg_update_data)
		return;
	put(w, d->seg_abs, 1);
	for (unsigned i = 0; i < 8; i++)
		for (unsigned j = 0; j < 4; j++) {
			put(w, d->feat_on[i][j], 1);
			if (!d->feat_on[i][j])
				continue;
			put(w, (unsigned)abs(d->feat[i][j]), bits[j]);
			if (is_signed[j])
				put(w, d->feat[i][j] < 0, 1);
		}
}

static void put_uncompressed(struct bit_writer *w, const struct desc *d,
			     unsigned comp_size)
{
	unsigned lo, hi;

	memset(w, 0, sizeof(*w));
	put(w, 2, 2);			/* frame_marker */
	put(w, d->profile & 1, 1);	/* profile_low_bit */
	put(w, d->profile >> 1, 1);	/* profile_high_bit */
	put(w, d->show_existing, 1);
	if (d->show_existing) {
		put(w, d->show_idx, 3);
		return;
	}
	put_frame_kind(w, d);
	if (!d->error_res) {
		put(w, d->refresh_ctx, 1);
		put(w, d->parallel, 1);
	}
	put(w, d->ctx_idx, 2);

	put(w, d->lf_level, 6);
	put(w, d->sharpness, 3);
	put(w, d->delta_enabled, 1);
	if (d->delta_enabled) {
		put(w, d->delta_update, 1);
		for (unsigned i = 0; d->delta_update && i < 4; i++)
			put_lf_delta(w, d->ref_delta[i]);
		for (unsigned i = 0; d->delta_update && i < 2; i++)
			put_lf_delta(w, d->mode_delta[i]);
	}
	put(w, d->base_q, 8);
	put_delta_q(w, d->dq_ydc);
	put_delta_q(w, d->dq_uvdc);
	put_delta_q(w, d->dq_uvac);
	put_segmentation(w, d);

	tile_bounds(d->width, &lo, &hi);
	for (unsigned k = lo; k < hi; k++) {
		put(w, k < d->tile_cols_log2, 1);
		if (k >= d->tile_cols_log2)
			break;
	}
	put(w, d->tile_rows_log2 != 0, 1);
	if (d->tile_rows_log2)
		put(w, d->tile_rows_log2 == 2, 1);
	put(w, comp_size, 16);
}

static uint8_t frame_buf[16384];
static size_t frame_size;
static unsigned unc_size, comp_size;

/* The frame: uncompressed header, compressed header (tx_mode, then no
 * updates), tiles of 6, 7, 8, ... bytes, all but the last behind their
 * 4-byte sizes. */
static void build(const struct desc *d)
{
	static struct bool_enc e;
	struct bit_writer w;

	enc_start(&e);
	enc_literal(&e, d->tx_mode < 3 ? d->tx_mode : 3, 2);
	if (d->tx_mode >= 3)
		enc_literal(&e, d->tx_mode == V4L2_VP9_TX_MODE_SELECT, 1);
	/* Zeros at even odds decode as zeros at the update flags' odds too,
	 * and leave room for the ~250 flags of an inter frame. */
	for (unsigned i = 0; i < 64; i++)
		enc_bool(&e, 0, 128);
	comp_size = (unsigned)enc_finish(&e);

	put_uncompressed(&w, d, comp_size);
	unc_size = (unsigned)((w.bits + 7) / 8);
	memcpy(frame_buf, w.buf, unc_size);
	frame_size = unc_size;
	if (d->show_existing)
		return;
	memcpy(frame_buf + frame_size, e.buf, comp_size);
	frame_size += comp_size;
	unsigned n = (1u << d->tile_rows_log2) << d->tile_cols_log2;
	for (unsigned t = 0; t < n; t++) {
		unsigned len = 6 + t;
		if (t + 1 < n)
			for (int b = 3; b >= 0; b--)
				frame_buf[frame_size++] = (uint8_t)(len >> (8 * b));
		memset(frame_buf + frame_size, 0xa5, len);
		frame_size += len;
	}
}

/* ------------------------------------------------------------------ */
/* VA buffers.                                                         */

static VADecPictureParameterBufferVP9 pic;
static VASliceParameterBufferVP9 sp;
static struct va_slice slice;
static uint8_t *data;

/* The picture as FFmpeg's VA hwaccel describes it. */
static void fill_pic(const struct desc *d)
{
	bool intra = d->key || d->intra_only;

	memset(&pic, 0, sizeof(pic));
	pic.frame_width = (uint16_t)d->width;
	pic.frame_height = (uint16_t)d->height;
	for (unsigned i = 0; i < 8; i++)
		pic.reference_frames[i] = SURF(i);
	pic.pic_fields.bits.subsampling_x = 1;
	pic.pic_fields.bits.subsampling_y = 1;
	pic.pic_fields.bits.frame_type = !d->key;
	pic.pic_fields.bits.show_frame = d->show;
	pic.pic_fields.bits.error_resilient_mode = d->error_res;
	pic.pic_fields.bits.intra_only = d->intra_only;
	pic.pic_fields.bits.allow_high_precision_mv = d->hp;
	/* FFmpeg's value on intra frames is whatever came before */
	pic.pic_fields.bits.mcomp_filter_type = intra ? 1 : d->interp;
	pic.pic_fields.bits.frame_parallel_decoding_mode =
		d->error_res || d->parallel;
	pic.pic_fields.bits.reset_frame_context = d->reset_ctx;
	pic.pic_fields.bits.refresh_frame_context =
		!d->error_res && d->refresh_ctx;
	pic.pic_fields.bits.frame_context_idx = intra ? 0 : d->ctx_idx;
	pic.pic_fields.bits.segmentation_enabled = d->seg_enabled;
	pic.pic_fields.bits.segmentation_temporal_update = d->seg_temporal;
	pic.pic_fields.bits.segmentation_update_map = d->seg_update_map;
	pic.pic_fields.bits.last_ref_frame = d->ref_idx[0];
	pic.pic_fields.bits.last_ref_frame_sign_bias = d->sign_bias[0];
	pic.pic_fields.bits.golden_ref_frame = d->ref_idx[1];
	pic.pic_fields.bits.golden_ref_frame_sign_bias = d->sign_bias[1];
	pic.pic_fields.bits.alt_ref_frame = d->ref_idx[2];
	pic.pic_fields.bits.alt_ref_frame_sign_bias = d->sign_bias[2];
	pic.pic_fields.bits.lossless_flag = !d->base_q && !d->dq_ydc &&
					    !d->dq_uvdc && !d->dq_uvac;
	pic.filter_level = (uint8_t)d->lf_level;
	pic.sharpness_level = (uint8_t)d->sharpness;
	pic.log2_tile_rows = (uint8_t)d->tile_rows_log2;
	pic.log2_tile_columns = (uint8_t)d->tile_cols_log2;
	pic.frame_header_length_in_bytes = (uint8_t)unc_size;
	pic.first_partition_size = (uint16_t)comp_size;
	memcpy(pic.mb_segment_tree_probs, d->tree, 7);
	memcpy(pic.segment_pred_probs, d->pred, 3);
	pic.profile = (uint8_t)d->profile;
	pic.bit_depth = d->profile >= 2 ? 10 : 8;
}

static struct va_picture_input input(const struct desc *d)
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

/* 352x288 shown at 320x240: one tile column, two tile rows. */
static struct desc key_desc(void)
{
	return (struct desc){
		.key = true, .show = true, .color_full = true,
		.width = 352, .height = 288, .render_w = 320, .render_h = 240,
		.refresh_ctx = true, .ctx_idx = 1,
		.lf_level = 36, .sharpness = 2,
		.delta_enabled = true, .delta_update = true,
		.ref_delta = { 2, KEEP, -3, KEEP }, .mode_delta = { KEEP, 5 },
		.base_q = 60, .dq_ydc = -3, .dq_uvdc = 2, .dq_uvac = -15,
		.tree = { NOT_CODED, NOT_CODED, NOT_CODED, NOT_CODED,
			  NOT_CODED, NOT_CODED, NOT_CODED },
		.pred = { NOT_CODED, NOT_CODED, NOT_CODED },
		.tile_rows_log2 = 1,
		.tx_mode = V4L2_VP9_TX_MODE_ALLOW_32X32,
	};
}

/* An inter frame on slots 0, 1 and 6, size from the first reference,
 * switchable filters, deltas not updated. */
static struct desc inter_desc(void)
{
	struct desc d = key_desc();

	d.key = false;
	d.refresh = 0x01;
	d.ref_idx[0] = 0;
	d.ref_idx[1] = 1;
	d.ref_idx[2] = 6;
	d.sign_bias[2] = true;
	d.size_from_ref = true;
	d.render_w = d.render_h = 0;
	d.hp = true;
	d.interp = V4L2_VP9_INTERP_FILTER_SWITCHABLE;
	d.ctx_idx = 2;
	d.delta_update = false;
	d.base_q = 80;
	d.dq_ydc = d.dq_uvdc = d.dq_uvac = 0;
	d.tx_mode = V4L2_VP9_TX_MODE_ALLOW_16X16;
	return d;
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
	struct desc d = key_desc();
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
	struct desc d = key_desc();
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

START_TEST(missing_reference)
{
	struct desc d = key_desc();
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
 * reset_frame_context in V4L2's terms. */
START_TEST(intra_only_frame)
{
	struct desc d = key_desc();
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
	lookups = 0;
	ck_assert_int_eq(translate(&in), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_vp9_frame *f = frame();
	ck_assert_uint_eq(lookups, 0);
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
	struct desc d = key_desc();

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
	struct desc k = d;
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
	struct desc d = key_desc();

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
	struct desc d = key_desc();
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
	in = input(&d);
	pic.bit_depth = 10;
	expect_bad(&in, "bit_depth = 10 (profile 0 decodes 8 bits)");
	in = input(&d);
	pic.pic_fields.bits.subsampling_x = 0;
	expect_bad(&in, "subsampling_x");
	in = input(&d);
	pic.frame_width = 0;
	expect_bad(&in, "frame_width");
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
	struct desc d = key_desc();
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
	struct desc d = key_desc();
	struct va_picture_input in;

	d.profile = 2;
	in = input(&d);
	in.bit_depth = 8;	/* 10-bit frame, 8-bit pictures */
	ck_assert_int_eq(translate(&in), VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert_ptr_nonnull(strstr(last_error, "bit_depth = 10 but the "
					     "context's pictures have 8 bits"));
	in = input(&d);
	pic.bit_depth = 12;
	expect_bad(&in, "bit_depth = 12 (profile 2 decodes 10 bits)");
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
	struct desc d = key_desc();
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
	struct desc s = { .show_existing = true, .show_idx = 5 };
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
