/* AV1 translation (src/va/av1.c) on VA buffers as FFmpeg and GStreamer's
 * va plugin fill them, collected by picture.c as a client renders them and
 * written to the bitstream the device gets. The key and inter frames carry
 * the header values of the first two frames of the `av1` test stream
 * (libaom, 320x240, one tile; FFmpeg's trace_headers): FFmpeg's data
 * buffer holds the tile data only. Several tiles come in FFmpeg 5.1's
 * shape (the tile group's buffer once per tile) and GStreamer's (one
 * buffer, the OBU's frame header in front, one parameter per tile). Every
 * bad-input case is refused with the next picture decoding. */
#include <check.h>

#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/log.h"
#include "va/driver.h"
#include "va-fixtures.h"

#define KEY_SURFACE 0x30000001
#define INTER_SURFACE 0x30000002
#define TARGET 0x30000003

static void *state;
static struct va_picture_accum acc;
static char why[192];
static VADecPictureParameterBufferAV1 pic;
static uint8_t data[4096];
static uint8_t out[8192];
static char last_error[512];
static unsigned warnings;

static void capture(void *opaque, enum v4l2r_log_level level, const char *msg)
{
	(void)opaque;
	if (level == V4L2R_LOG_ERROR)
		snprintf(last_error, sizeof(last_error), "%s", msg);
	else if (level == V4L2R_LOG_WARNING)
		warnings++;
}

static void setup(void)
{
	state = calloc(1, va_codec_av1.state_size);
	ck_assert_int_eq(va_accum_init(&acc, &va_codec_av1), 0);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	last_error[0] = '\0';
	warnings = 0;
	v4l2r_log_set_handler(capture, NULL, V4L2R_LOG_WARNING);
}

static void teardown(void)
{
	v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_ERROR);
	va_accum_fini(&acc);
	free(state);
}

/* A pool of surfaces for the reference slot tests, each with its own
 * timestamp. */
#define POOL_SURFACE(i) (0x30000100u + (i))
#define POOL_SIZE 12

static uint64_t lookup(void *opaque, VASurfaceID id)
{
	(void)opaque;
	if (id >= POOL_SURFACE(0) && id < POOL_SURFACE(POOL_SIZE))
		return 5000 + (id - POOL_SURFACE(0));
	return id == KEY_SURFACE ? 1000 : id == INTER_SURFACE ? 2000 : 0;
}

static const struct va_ref_resolver refs = { .timestamp = lookup };
static const struct v4l2r_decode_mode frame_mode = { .slice_based = false };

/* The key and inter frames of va-fixtures.c. */
static void key_frame(void)
{
	av1_fx_key_frame(&pic, KEY_SURFACE);
}

static void inter_frame(void)
{
	av1_fx_inter_frame(&pic, INTER_SURFACE, KEY_SURFACE);
}

static VAStatus add(VABufferType type, const void *p, unsigned size,
		    unsigned n)
{
	return va_accum_add(&acc, type, p, size, n, why, sizeof(why));
}

static VASliceParameterBufferAV1 tile(uint32_t offset, uint32_t size,
				      uint16_t row, uint16_t col)
{
	VASliceParameterBufferAV1 s;

	memset(&s, 0, sizeof(s));
	s.slice_data_offset = offset;
	s.slice_data_size = size;
	s.slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
	s.tile_row = row;
	s.tile_column = col;
	return s;
}

/* One tile, FFmpeg's way: the tile's bytes alone. */
static void render_one_tile(uint32_t size)
{
	VASliceParameterBufferAV1 s = tile(0, size, 0, 0);

	va_accum_reset(&acc);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &pic, sizeof(pic), 1),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(add(VASliceDataBufferType, data, size, 1),
			 VA_STATUS_SUCCESS);
}

/* The context's picture size (0: not known) and bits per sample. */
static unsigned max_width, max_height, context_depth = 8;

static VAStatus translate_in(VASurfaceID target,
			     const struct v4l2r_decode_mode *mode)
{
	struct va_picture_input in;

	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)),
			 VA_STATUS_SUCCESS);
	in.target = target;
	in.profile = VAProfileAV1Profile0;
	in.max_width = max_width;
	in.max_height = max_height;
	in.bit_depth = context_depth;
	return va_codec_av1.translate(state, &in, mode, &refs);
}

static VAStatus translate(VASurfaceID target)
{
	return translate_in(target, &frame_mode);
}

/* The request's controls, by id (NULL: not in the plan). */
struct plan {
	struct v4l2_ext_control c[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan p;
};

static const void *control(struct plan *pl, uint32_t id, uint32_t *size)
{
	memset(pl, 0, sizeof(*pl));
	pl->p.controls = pl->c;
	ck_assert_ptr_null(va_codec_av1.request_count);
	va_codec_av1.plan_request(state, &frame_mode, 0, &pl->p);
	for (unsigned i = 0; i < pl->p.n_controls; i++)
		if (pl->c[i].id == id) {
			if (size)
				*size = pl->c[i].size;
			return pl->c[i].ptr;
		}
	return NULL;
}

/* The timestamp the frame names for reference NAME (0 LAST .. 6 ALTREF). */
static uint64_t ref_ts(const struct v4l2_ctrl_av1_frame *f, unsigned name)
{
	ck_assert_int_ge(f->ref_frame_idx[name], 0);
	ck_assert_int_lt(f->ref_frame_idx[name], 8);
	return f->reference_frame_ts[f->ref_frame_idx[name]];
}

static const struct v4l2_ctrl_av1_frame *frame(void)
{
	struct plan pl;
	const struct v4l2_ctrl_av1_frame *f =
		control(&pl, V4L2_CID_STATELESS_AV1_FRAME, NULL);

	ck_assert_ptr_nonnull(f);
	return f;
}

static const struct v4l2_ctrl_av1_tile_group_entry *tiles(unsigned *n)
{
	struct plan pl;
	uint32_t size = 0;
	const struct v4l2_ctrl_av1_tile_group_entry *t =
		control(&pl, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY, &size);

	ck_assert_ptr_nonnull(t);
	*n = size / sizeof(*t);
	return t;
}

/* The OUTPUT bytes the request carries. */
static size_t written(void)
{
	struct va_picture_input in;
	size_t n;

	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)), 0);
	memset(out, 0x5a, sizeof(out));
	ck_assert_int_eq(va_bitstream_write(&va_codec_av1, state, &in,
					    &frame_mode, 0, in.n_slices, out,
					    sizeof(out), &n), 0);
	ck_assert_uint_eq(n, va_bitstream_size(&va_codec_av1, state, &in,
					       &frame_mode, 0, in.n_slices));
	return n;
}

static void decode_key_frame(void)
{
	key_frame();
	render_one_tile(1000);
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
}

START_TEST(key_frame_controls)
{
	struct plan pl;
	uint32_t size = 0;

	decode_key_frame();
	const struct v4l2_ctrl_av1_sequence *s =
		control(&pl, V4L2_CID_STATELESS_AV1_SEQUENCE, &size);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(size, sizeof(*s));
	ck_assert_uint_eq(s->flags,
			  V4L2_AV1_SEQUENCE_FLAG_ENABLE_FILTER_INTRA |
			  V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTRA_EDGE_FILTER |
			  V4L2_AV1_SEQUENCE_FLAG_ENABLE_MASKED_COMPOUND |
			  V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT |
			  V4L2_AV1_SEQUENCE_FLAG_ENABLE_CDEF |
			  V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X |
			  V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y);
	ck_assert_uint_eq(s->order_hint_bits, 7);
	ck_assert_uint_eq(s->bit_depth, 8);
	ck_assert_uint_eq(s->max_frame_width_minus_1, 319);
	ck_assert_uint_eq(s->max_frame_height_minus_1, 239);

	const struct v4l2_ctrl_av1_frame *f = frame();
	ck_assert_int_eq(f->frame_type, V4L2_AV1_KEY_FRAME);
	ck_assert_uint_eq(f->flags, V4L2_AV1_FRAME_FLAG_SHOW_FRAME);
	/* the stream refreshes every slot; the device stores the frame's
	 * state into the one slot the driver gives the surface */
	ck_assert_uint_eq(f->refresh_frame_flags, 1u << 0);
	ck_assert_uint_eq(f->primary_ref_frame, 7);
	ck_assert_uint_eq(f->quantization.base_q_idx, 32);
	ck_assert_uint_eq(f->loop_filter.level[0], 1);
	ck_assert_uint_eq(f->loop_filter.level[3], 1);
	ck_assert_uint_eq(f->loop_filter.flags,
			  V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED);
	ck_assert_int_eq(f->loop_filter.ref_deltas[0], 1);
	ck_assert_int_eq(f->loop_filter.ref_deltas[7], -1);
	ck_assert_int_eq(f->tx_mode, V4L2_AV1_TX_MODE_LARGEST);
	ck_assert_uint_eq(f->upscaled_width, 320);
	ck_assert_uint_eq(f->frame_width_minus_1, 319);
	ck_assert_uint_eq(f->frame_height_minus_1, 239);
	ck_assert_uint_eq(f->superres_denom, 8);
	/* one uniform tile over 80x60 mode info units */
	ck_assert_uint_eq(f->tile_info.flags,
			  V4L2_AV1_TILE_INFO_FLAG_UNIFORM_TILE_SPACING);
	ck_assert_uint_eq(f->tile_info.tile_cols, 1);
	ck_assert_uint_eq(f->tile_info.mi_col_starts[1], 80);
	ck_assert_uint_eq(f->tile_info.mi_row_starts[1], 60);
	ck_assert_uint_eq(f->tile_info.width_in_sbs_minus_1[0], 4);
	ck_assert_uint_eq(f->tile_info.height_in_sbs_minus_1[0], 3);
	ck_assert_uint_eq(f->tile_info.tile_size_bytes, 0);	/* one tile */
	ck_assert_uint_eq(f->loop_restoration.flags, 0);
	ck_assert_uint_eq(f->loop_restoration.loop_restoration_size[0], 0);
	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(f->reference_frame_ts[i], 0);
	for (unsigned i = 0; i < 7; i++)	/* no references */
		ck_assert_int_eq(f->ref_frame_idx[i], -1);
	ck_assert_int_eq(f->global_motion.params[1][2], 1 << 16);
	ck_assert_uint_eq(f->global_motion.flags[1], 0);
	/* sent zeroed: a frame without grain inherits none */
	const struct v4l2_ctrl_av1_film_grain *g =
		control(&pl, V4L2_CID_STATELESS_AV1_FILM_GRAIN, &size);
	static const struct v4l2_ctrl_av1_film_grain no_grain;
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(size, sizeof(*g));
	ck_assert_mem_eq(g, &no_grain, sizeof(*g));

	unsigned n;
	const struct v4l2_ctrl_av1_tile_group_entry *t = tiles(&n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(t[0].tile_offset, 0);
	ck_assert_uint_eq(t[0].tile_size, 1000);
	ck_assert_uint_eq(written(), 1000);
	ck_assert_mem_eq(out, data, 1000);
	ck_assert_uint_eq(out[1000], 0x5a);
}
END_TEST

START_TEST(inter_frame_controls)
{
	struct plan pl;

	decode_key_frame();
	inter_frame();
	render_one_tile(1407);
	ck_assert_int_eq(translate(INTER_SURFACE), VA_STATUS_SUCCESS);

	/* warped motion and reference MVs used: the sequence enables them
	 * (VA does not say), so it is sent again */
	const struct v4l2_ctrl_av1_sequence *s =
		control(&pl, V4L2_CID_STATELESS_AV1_SEQUENCE, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->flags & (V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION |
				      V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS),
			  V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION |
			  V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS);

	const struct v4l2_ctrl_av1_frame *f = frame();
	ck_assert_int_eq(f->frame_type, V4L2_AV1_INTER_FRAME);
	ck_assert_uint_eq(f->flags,
			  V4L2_AV1_FRAME_FLAG_SHOW_FRAME |
			  V4L2_AV1_FRAME_FLAG_IS_MOTION_MODE_SWITCHABLE |
			  V4L2_AV1_FRAME_FLAG_USE_REF_FRAME_MVS |
			  V4L2_AV1_FRAME_FLAG_ALLOW_WARPED_MOTION);
	ck_assert_uint_eq(f->order_hint, 1);
	ck_assert_uint_eq(f->primary_ref_frame, 6);
	/* VA's eight slots all hold the key frame: one device slot, the
	 * one the key frame was stored into, named by every reference */
	for (unsigned i = 0; i < 7; i++) {
		ck_assert_int_eq(f->ref_frame_idx[i], 0);
		ck_assert_uint_eq(ref_ts(f, i), 1000);
	}
	for (unsigned i = 0; i < 8; i++) {
		ck_assert_uint_eq(f->reference_frame_ts[i], i == 0 ? 1000 : 0);
		ck_assert_uint_eq(f->order_hints[i], 0);
	}
	ck_assert_uint_eq(f->refresh_frame_flags, 1u << 1);
	ck_assert_int_eq(f->interpolation_filter,
			 V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE);
	ck_assert_int_eq(f->tx_mode, V4L2_AV1_TX_MODE_SELECT);
	ck_assert_uint_eq(f->quantization.base_q_idx, 128);
	ck_assert_uint_eq(f->loop_filter.level[1], 11);
	ck_assert_uint_eq(f->cdef.damping_minus_3, 2);
	ck_assert_uint_eq(f->cdef.y_pri_strength[0], 1);
	ck_assert_uint_eq(f->cdef.y_sec_strength[0], 0);
	ck_assert_uint_eq(f->cdef.uv_pri_strength[0], 1);

	/* the same sequence again: not sent */
	inter_frame();
	pic.current_frame = TARGET;
	pic.order_hint = 2;
	render_one_tile(700);
	ck_assert_int_eq(translate(TARGET), VA_STATUS_SUCCESS);
	ck_assert_ptr_null(control(&pl, V4L2_CID_STATELESS_AV1_SEQUENCE, NULL));
}
END_TEST

START_TEST(order_hints_and_skip_mode)
{
	/* slots 0-3 hold frame 0 (hint 0), 4-7 frame 4 (hint 4); frame 2
	 * between them: LAST (the first reference before) and BWDREF (the
	 * first after) are the skip mode frames. */
	static const uint8_t idx[7] = { 0, 1, 2, 3, 4, 5, 6 };

	decode_key_frame();
	inter_frame();
	pic.order_hint = 4;
	pic.pic_info_fields.bits.show_frame = 0;
	render_one_tile(500);
	ck_assert_int_eq(translate(INTER_SURFACE), VA_STATUS_SUCCESS);

	inter_frame();
	pic.current_frame = TARGET;
	for (unsigned i = 4; i < 8; i++)
		pic.ref_frame_map[i] = INTER_SURFACE;
	memcpy(pic.ref_frame_idx, idx, sizeof(idx));
	pic.order_hint = 2;
	pic.mode_control_fields.bits.reference_select = 1;
	pic.mode_control_fields.bits.skip_mode_present = 1;
	render_one_tile(300);
	ck_assert_int_eq(translate(TARGET), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_av1_frame *f = frame();
	ck_assert_uint_eq(f->order_hints[1], 0);
	ck_assert_uint_eq(f->order_hints[5], 4);
	ck_assert_uint_eq(f->order_hints[7], 4);
	ck_assert_uint_eq(ref_ts(f, 0), 1000);
	ck_assert_uint_eq(ref_ts(f, 4), 2000);
	ck_assert(f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_ALLOWED);
	ck_assert(f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_PRESENT);
	ck_assert(f->flags & V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT);
	ck_assert_uint_eq(f->skip_mode_frame[0], V4L2_AV1_REF_LAST_FRAME);
	ck_assert_uint_eq(f->skip_mode_frame[1], V4L2_AV1_REF_BWDREF_FRAME);

	/* only earlier frames: the nearest forward one (LAST3, hint 4) and
	 * the nearest before it (LAST, hint 0) */
	for (unsigned i = 4; i < 8; i++)
		pic.ref_frame_map[i] = KEY_SURFACE;
	pic.order_hint = 6;
	pic.ref_frame_map[2] = INTER_SURFACE;	/* LAST3: hint 4 */
	render_one_tile(300);
	ck_assert_int_eq(translate(TARGET), VA_STATUS_SUCCESS);
	f = frame();
	ck_assert(f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_ALLOWED);
	ck_assert_uint_eq(f->skip_mode_frame[0], V4L2_AV1_REF_LAST_FRAME);
	ck_assert_uint_eq(f->skip_mode_frame[1], V4L2_AV1_REF_LAST3_FRAME);
}
END_TEST

START_TEST(intra_only_frame)
{
	/* an intra-only frame keeps the slots (the client names them) but
	 * uses none: GStreamer's 255 indices are not read */
	decode_key_frame();
	inter_frame();
	pic.pic_info_fields.bits.frame_type = V4L2_AV1_INTRA_ONLY_FRAME;
	pic.pic_info_fields.bits.use_ref_frame_mvs = 0;
	pic.pic_info_fields.bits.allow_warped_motion = 0;
	memset(pic.ref_frame_idx, 0xff, sizeof(pic.ref_frame_idx));
	pic.primary_ref_frame = 7;
	pic.ref_frame_map[3] = 0x30000099;	/* never decoded: not used */
	render_one_tile(400);
	ck_assert_int_eq(translate(INTER_SURFACE), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_av1_frame *f = frame();
	ck_assert_int_eq(f->frame_type, V4L2_AV1_INTRA_ONLY_FRAME);
	/* the key frame's slot stays (VA's map holds it), slot 1 holds the
	 * surface of VA's slot 3 (no picture: no timestamp); the frame gets
	 * a slot of its own */
	ck_assert_uint_eq(f->reference_frame_ts[0], 1000);
	for (unsigned i = 1; i < 8; i++)
		ck_assert_uint_eq(f->reference_frame_ts[i], 0);
	ck_assert_int_eq(f->ref_frame_idx[0], -1);
	ck_assert_uint_eq(f->refresh_frame_flags, 1u << 2);
	ck_assert(!(f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_ALLOWED));
}
END_TEST

START_TEST(switch_frame)
{
	/* rav1e's switch frame (av1-switch): inter prediction from the
	 * slots, error resilient, every slot refreshed, its size coded
	 * (frame_size_override_flag implied, spec 5.9.2) */
	static const uint8_t idx[7] = { 0, 1, 2, 3, 0, 0, 0 };

	decode_key_frame();
	inter_frame();
	render_one_tile(500);
	ck_assert_int_eq(translate(INTER_SURFACE), VA_STATUS_SUCCESS);

	inter_frame();
	pic.current_frame = TARGET;
	pic.pic_info_fields.bits.frame_type = V4L2_AV1_SWITCH_FRAME;
	pic.pic_info_fields.bits.error_resilient_mode = 1;
	pic.primary_ref_frame = 7;
	pic.order_hint = 4;
	pic.ref_frame_map[1] = INTER_SURFACE;
	memcpy(pic.ref_frame_idx, idx, sizeof(idx));
	render_one_tile(400);
	ck_assert_int_eq(translate(TARGET), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_av1_frame *f = frame();
	ck_assert_int_eq(f->frame_type, V4L2_AV1_SWITCH_FRAME);
	/* every slot in the stream, its own slot on the device */
	ck_assert_uint_eq(f->refresh_frame_flags, 1u << 2);
	ck_assert(f->flags & V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE);
	ck_assert(f->flags & V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE);
	ck_assert_uint_eq(f->primary_ref_frame, 7);
	ck_assert_uint_eq(ref_ts(f, 0), 1000);
	ck_assert_uint_eq(ref_ts(f, 1), 2000);
	ck_assert_uint_eq(f->order_hints[1], 0);
	ck_assert_uint_eq(f->order_hints[2], 1);

	/* an inter frame after it: its own flags again */
	inter_frame();
	pic.current_frame = TARGET;
	pic.order_hint = 5;
	render_one_tile(300);
	ck_assert_int_eq(translate(TARGET), VA_STATUS_SUCCESS);
	f = frame();
	ck_assert_uint_eq(f->refresh_frame_flags, 1u << 2);	/* the same target */
	ck_assert(!(f->flags & (V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE |
				V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE)));
}
END_TEST

/* One frame of the slot tests: VA's map and the references as a client
 * hands them, into TARGET_ID. */
static VAStatus slot_frame(const VASurfaceID map[8], const uint8_t idx[7],
			   unsigned primary, VASurfaceID target, uint8_t hint)
{
	inter_frame();
	pic.current_frame = pic.current_display_picture = target;
	memcpy(pic.ref_frame_map, map, sizeof(pic.ref_frame_map));
	memcpy(pic.ref_frame_idx, idx, sizeof(pic.ref_frame_idx));
	pic.primary_ref_frame = (uint8_t)primary;
	pic.order_hint = hint;
	pic.pic_info_fields.bits.use_ref_frame_mvs = 0;
	render_one_tile(100);
	return translate(target);
}

/* A shown key frame into TARGET, with VA's map as FFmpeg gives it (empty). */
static void slot_key_frame(VASurfaceID target)
{
	key_frame();
	pic.current_frame = pic.current_display_picture = target;
	for (unsigned i = 0; i < 8; i++)
		pic.ref_frame_map[i] = VA_INVALID_SURFACE;
	render_one_tile(100);
	ck_assert_int_eq(translate(target), VA_STATUS_SUCCESS);
}

static bool in_map(const VASurfaceID map[8], VASurfaceID id)
{
	for (unsigned i = 0; i < 8; i++)
		if (map[i] == id)
			return true;
	return false;
}

static unsigned next_random(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

static unsigned distinct(const VASurfaceID map[8])
{
	unsigned n = 0;

	for (unsigned i = 0; i < 8; i++) {
		bool seen = map[i] == VA_INVALID_SURFACE;
		for (unsigned j = 0; j < i && !seen; j++)
			seen = map[j] == map[i];
		n += !seen;
	}
	return n;
}

/* Random streams whose slots never hold eight distinct frames (the
 * encoders' case: libaom, SVT-AV1 and rav1e keep fewer): on every frame
 * each reference name carries its surface's timestamp, every surface of
 * VA's map keeps a timestamp in the control (Hantro drops the buffers the
 * control no longer names), and a device storing per-slot state by
 * refresh_frame_flags (Hantro's CDFs) loads the primary reference's own.
 * Surfaces come from a pool, reused once no slot holds them (FFmpeg's
 * way); some frames refresh nothing, some shown key frames come with an
 * empty map (FFmpeg) and some maps are refreshed by a shown existing
 * frame (no request). */
START_TEST(slots_follow_surfaces)
{
	VASurfaceID map[8], stored_by[8];
	unsigned seed = 12345;
	uint8_t hint = 0;

	for (unsigned i = 0; i < 8; i++)
		map[i] = stored_by[i] = VA_INVALID_SURFACE;
	for (unsigned n = 0; n < 3000; n++) {
		unsigned r = next_random(&seed);
		bool key = n == 0 || r % 50 == 0;
		VASurfaceID target;
		do	/* a surface no slot holds */
			target = POOL_SURFACE(next_random(&seed) % POOL_SIZE);
		while (in_map(map, target));
		uint8_t idx[7];
		unsigned primary = 7;
		VASurfaceID sent_map[8];
		memcpy(sent_map, map, sizeof(map));
		if (key) {
			/* FFmpeg names no slot for a shown key frame */
			for (unsigned i = 0; i < 8; i++)
				sent_map[i] = VA_INVALID_SURFACE;
		} else {
			for (unsigned i = 0; i < 7; i++)
				idx[i] = (uint8_t)(next_random(&seed) % 8);
			primary = next_random(&seed) % 8;
		}
		hint = (uint8_t)((hint + 1) & 0x7f);
		if (key)
			slot_key_frame(target);
		else
			ck_assert_int_eq(slot_frame(sent_map, idx, primary, target,
						    hint), VA_STATUS_SUCCESS);
		const struct v4l2_ctrl_av1_frame *f = frame();
		for (unsigned i = 0; i < 7 && !key; i++)
			ck_assert_uint_eq(ref_ts(f, i), lookup(NULL, map[idx[i]]));
		for (unsigned i = 0; i < 8; i++) {
			bool named = sent_map[i] == VA_INVALID_SURFACE;
			for (unsigned j = 0; j < 8 && !named; j++)
				named = f->reference_frame_ts[j] ==
					lookup(NULL, sent_map[i]);
			ck_assert_msg(named, "frame %u: surface of slot %u "
				      "not in the control", n, i);
		}
		if (primary != 7)
			ck_assert_uint_eq(stored_by[f->ref_frame_idx[primary]],
					  map[idx[primary]]);
		ck_assert_uint_eq(__builtin_popcount(f->refresh_frame_flags), 1);
		for (unsigned i = 0; i < 8; i++)
			if (f->refresh_frame_flags & (1u << i))
				stored_by[i] = target;

		/* the stream's refresh: none, some or all slots, keeping
		 * fewer than eight distinct frames */
		unsigned refresh = key ? 0xff : next_random(&seed) % 4 == 0 ?
			0 : next_random(&seed) & 0xff;
		for (unsigned i = 0; i < 8; i++)
			if (refresh & (1u << i))
				map[i] = target;
		for (unsigned i = 0; distinct(map) > 7; i++)
			map[i] = target;
		if (next_random(&seed) % 40 == 0) {
			/* a shown existing key frame: every slot its */
			VASurfaceID shown = map[next_random(&seed) % 8];
			for (unsigned i = 0; i < 8; i++)
				map[i] = shown;
		}
	}
	ck_assert_uint_eq(warnings, 0);
}
END_TEST

/* Eight distinct frames in the slots: the frame takes the slot of the
 * one it does not reference, the oldest (VA does not say which slot the
 * stream refreshes), and says so; a later frame predicting from that one
 * gets it back in a slot without its state, said as well. */
START_TEST(eight_distinct_references)
{
	VASurfaceID map[8];
	static const uint8_t last_is_0[7];
	/* references name slots 1..7: slot 0's frame is not referenced */
	static const uint8_t idx[7] = { 1, 2, 3, 4, 5, 6, 7 };

	slot_key_frame(POOL_SURFACE(0));
	map[0] = POOL_SURFACE(0);
	for (unsigned i = 1; i < 8; i++) {
		VASurfaceID m[8];
		for (unsigned j = 0; j < 8; j++)
			m[j] = j < i ? POOL_SURFACE(j) : POOL_SURFACE(0);
		ck_assert_int_eq(slot_frame(m, last_is_0, 7, POOL_SURFACE(i),
					    (uint8_t)i), VA_STATUS_SUCCESS);
		map[i] = POOL_SURFACE(i);
	}
	ck_assert_uint_eq(warnings, 0);
	const struct v4l2_ctrl_av1_frame *f;

	ck_assert_int_eq(slot_frame(map, idx, 0, POOL_SURFACE(8), 8),
			 VA_STATUS_SUCCESS);
	f = frame();
	ck_assert_uint_eq(f->refresh_frame_flags, 1u << 0);	/* frame 0's */
	for (unsigned i = 0; i < 7; i++)
		ck_assert_uint_eq(ref_ts(f, i), lookup(NULL, map[idx[i]]));
	/* the control still names frame 0 (Hantro keeps its buffer) */
	ck_assert_uint_eq(f->reference_frame_ts[0], lookup(NULL, map[0]));
	ck_assert_uint_eq(warnings, 1);

	/* the stream refreshed slot 7 with it: frame 0 is still a
	 * reference, its device slot gone; as the primary reference it
	 * is said */
	map[7] = POOL_SURFACE(8);
	static const uint8_t idx0[7] = { 0, 1, 2, 3, 4, 5, 7 };
	ck_assert_int_eq(slot_frame(map, idx0, 0, POOL_SURFACE(9), 9),
			 VA_STATUS_SUCCESS);
	f = frame();
	for (unsigned i = 0; i < 7; i++)
		ck_assert_uint_eq(ref_ts(f, i), lookup(NULL, map[idx0[i]]));
	ck_assert_uint_eq(warnings, 2);
	/* once each */
	ck_assert_int_eq(slot_frame(map, idx0, 0, POOL_SURFACE(10), 10),
			 VA_STATUS_SUCCESS);
	ck_assert_uint_eq(warnings, 2);
}
END_TEST

/* 640x480 in 2x2 uniform tiles (10x8 superblocks: 5 and 4 wide). */
static void two_by_two(void)
{
	key_frame();
	pic.frame_width_minus1 = 639;
	pic.frame_height_minus1 = 479;
	pic.tile_cols = pic.tile_rows = 2;
	pic.width_in_sbs_minus_1[0] = pic.width_in_sbs_minus_1[1] = 4;
	pic.height_in_sbs_minus_1[0] = pic.height_in_sbs_minus_1[1] = 3;
	pic.context_update_tile_id = 3;
}

/* Tile i of a tile group's data: 2-byte tile sizes in front of all but
 * the last tile. */
static const uint32_t tile_pos[4] = { 2, 402, 1002, 1802 };
static const uint32_t tile_len[4] = { 398, 598, 798, 900 };

static void check_tiles(uint32_t base)
{
	unsigned n;
	const struct v4l2_ctrl_av1_tile_group_entry *t = tiles(&n);

	ck_assert_uint_eq(n, 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(t[i].tile_offset, base + tile_pos[i]);
		ck_assert_uint_eq(t[i].tile_size, tile_len[i]);
		ck_assert_uint_eq(t[i].tile_row, i / 2);
		ck_assert_uint_eq(t[i].tile_col, i % 2);
	}
	const struct v4l2_ctrl_av1_frame *f = frame();
	ck_assert_uint_eq(f->tile_info.tile_size_bytes, 2);
	ck_assert_uint_eq(f->tile_info.context_update_tile_id, 3);
	ck_assert_uint_eq(f->tile_info.mi_col_starts[1], 80);
	ck_assert_uint_eq(f->tile_info.mi_col_starts[2], 160);
	ck_assert_uint_eq(f->tile_info.mi_row_starts[1], 64);
	ck_assert_uint_eq(f->tile_info.mi_row_starts[2], 120);
}

START_TEST(tiles_ffmpeg_5_1_shape)
{
	/* every tile comes with its own copy of the whole tile group */
	two_by_two();
	va_accum_reset(&acc);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &pic, sizeof(pic), 1), 0);
	for (unsigned i = 0; i < 4; i++) {
		VASliceParameterBufferAV1 s = tile(tile_pos[i], tile_len[i],
						   (uint16_t)(i / 2),
						   (uint16_t)(i % 2));
		ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
		ck_assert_int_eq(add(VASliceDataBufferType, data, 2702, 1), 0);
	}
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
	check_tiles(0);
	ck_assert_uint_eq(written(), 2702);
	ck_assert_mem_eq(out, data, 2702);
}
END_TEST

START_TEST(tiles_gstreamer_shape)
{
	/* one buffer: a 20-byte frame header, then the tile group; and a
	 * second frame's worth of tile groups, one buffer each */
	VASliceParameterBufferAV1 s[4];

	two_by_two();
	va_accum_reset(&acc);
	for (unsigned i = 0; i < 4; i++)
		s[i] = tile(20 + tile_pos[i], tile_len[i], (uint16_t)(i / 2),
			    (uint16_t)(i % 2));
	ck_assert_int_eq(add(VAPictureParameterBufferType, &pic, sizeof(pic), 1), 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, s, sizeof(s[0]), 4), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, 2722, 1), 0);
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
	check_tiles(20);
	ck_assert_uint_eq(written(), 2722);
	ck_assert_mem_eq(out, data, 2722);

	/* two tile groups of two tiles (FFmpeg 7.1: tile data, one buffer
	 * per group): each written once, back to back */
	va_accum_reset(&acc);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &pic, sizeof(pic), 1), 0);
	VASliceParameterBufferAV1 g[2] = { tile(2, 398, 0, 0),
					   tile(402, 600, 0, 1) };
	ck_assert_int_eq(add(VASliceParameterBufferType, g, sizeof(g[0]), 2), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, 1002, 1), 0);
	g[0] = tile(2, 798, 1, 0);
	g[1] = tile(802, 900, 1, 1);
	ck_assert_int_eq(add(VASliceParameterBufferType, g, sizeof(g[0]), 2), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data + 1002, 1702, 1), 0);
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
	unsigned n;
	const struct v4l2_ctrl_av1_tile_group_entry *t = tiles(&n);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(t[2].tile_offset, 1002 + 2);
	ck_assert_uint_eq(t[3].tile_offset, 1002 + 802);
	ck_assert_uint_eq(written(), 2704);
	ck_assert_mem_eq(out, data, 2704);
}
END_TEST

START_TEST(odd_size_and_superres)
{
	/* 200x120, coded at 8/16 of its width (100 wide: 2 superblocks) */
	key_frame();
	pic.frame_width_minus1 = 199;
	pic.frame_height_minus1 = 119;
	pic.width_in_sbs_minus_1[0] = 1;
	pic.height_in_sbs_minus_1[0] = 1;
	pic.pic_info_fields.bits.use_superres = 1;
	pic.superres_scale_denominator = 16;
	render_one_tile(100);
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_av1_frame *f = frame();
	ck_assert_uint_eq(f->upscaled_width, 200);
	ck_assert_uint_eq(f->frame_width_minus_1, 99);
	ck_assert_uint_eq(f->superres_denom, 16);
	ck_assert_uint_eq(f->tile_info.mi_col_starts[1], 26);	/* 2*((100+7)>>3) */
	ck_assert_uint_eq(f->tile_info.mi_row_starts[1], 30);
	ck_assert(f->flags & V4L2_AV1_FRAME_FLAG_USE_SUPERRES);
}
END_TEST

START_TEST(segmentation_and_restoration)
{
	key_frame();
	pic.seg_info.segment_info_fields.bits.enabled = 1;
	pic.seg_info.segment_info_fields.bits.update_map = 1;
	pic.seg_info.segment_info_fields.bits.update_data = 1;
	pic.seg_info.feature_mask[1] = 1 << 0;
	pic.seg_info.feature_data[1][0] = -40;
	pic.seg_info.feature_mask[3] = 1 << 5;
	pic.seg_info.feature_data[3][5] = 4;
	pic.loop_restoration_fields.bits.yframe_restoration_type = 1;
	pic.loop_restoration_fields.bits.crframe_restoration_type = 2;
	pic.loop_restoration_fields.bits.lr_unit_shift = 1;
	pic.loop_restoration_fields.bits.lr_uv_shift = 1;
	pic.cdef_bits = 1;
	pic.cdef_y_strengths[1] = (9 << 2) | 3;
	pic.u_dc_delta_q = 2;
	pic.wm[0].wmtype = VAAV1TransformationRotzoom;
	pic.wm[0].wmmat[0] = 123;
	pic.wm[3].invalid = 1;
	render_one_tile(100);
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_av1_frame *f = frame();
	const struct v4l2_av1_segmentation *seg = &f->segmentation;
	ck_assert_uint_eq(seg->flags, V4L2_AV1_SEGMENTATION_FLAG_ENABLED |
			  V4L2_AV1_SEGMENTATION_FLAG_UPDATE_MAP |
			  V4L2_AV1_SEGMENTATION_FLAG_UPDATE_DATA |
			  V4L2_AV1_SEGMENTATION_FLAG_SEG_ID_PRE_SKIP);
	ck_assert_uint_eq(seg->last_active_seg_id, 3);
	ck_assert_uint_eq(seg->feature_enabled[1], 1);
	ck_assert_int_eq(seg->feature_data[1][0], -40);
	ck_assert_int_eq(seg->feature_data[3][5], 4);
	const struct v4l2_av1_loop_restoration *lr = &f->loop_restoration;
	ck_assert_uint_eq(lr->flags, V4L2_AV1_LOOP_RESTORATION_FLAG_USES_LR |
			  V4L2_AV1_LOOP_RESTORATION_FLAG_USES_CHROMA_LR);
	ck_assert_int_eq(lr->frame_restoration_type[0],
			 V4L2_AV1_FRAME_RESTORE_WIENER);
	ck_assert_int_eq(lr->frame_restoration_type[2],
			 V4L2_AV1_FRAME_RESTORE_SGRPROJ);
	ck_assert_uint_eq(lr->loop_restoration_size[0], 128);
	ck_assert_uint_eq(lr->loop_restoration_size[1], 64);
	ck_assert_uint_eq(f->cdef.y_pri_strength[1], 9);
	ck_assert_uint_eq(f->cdef.y_sec_strength[1], 4);	/* coded 3 */
	ck_assert_uint_eq(f->quantization.flags,
			  V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA);
	ck_assert_uint_eq(f->global_motion.flags[1],
			  V4L2_AV1_GLOBAL_MOTION_FLAG_IS_GLOBAL |
			  V4L2_AV1_GLOBAL_MOTION_FLAG_IS_ROT_ZOOM);
	ck_assert_int_eq(f->global_motion.type[1], V4L2_AV1_WARP_MODEL_ROTZOOM);
	ck_assert_int_eq(f->global_motion.params[1][0], 123);
	ck_assert_uint_eq(f->global_motion.invalid,
			  V4L2_AV1_GLOBAL_MOTION_IS_INVALID(4));
	struct plan pl;
	const struct v4l2_ctrl_av1_sequence *s =
		control(&pl, V4L2_CID_STATELESS_AV1_SEQUENCE, NULL);
	ck_assert(s->flags & V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION);
	ck_assert(s->flags & V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q);
}
END_TEST

/* Each bad value: refused, then the next (good) picture decodes. */
typedef void (*spoil_fn)(void);

static void bit_depth_12(void) { pic.bit_depth_idx = 2; }
static void profile_1(void) { pic.profile = 1; }
static void no_tile_cols(void) { pic.tile_cols = 0; }
static void too_many_tile_cols(void) { pic.tile_cols = 65; }
static void widths_short(void)
{
	pic.pic_info_fields.bits.uniform_tile_spacing_flag = 0;
	pic.width_in_sbs_minus_1[0] = 3;
}
static void too_many_tiles(void)
{
	/* 64 x 9 tiles of one superblock: 576 > 512 */
	pic.pic_info_fields.bits.uniform_tile_spacing_flag = 0;
	pic.frame_width_minus1 = 64 * 64 - 1;
	pic.frame_height_minus1 = 9 * 64 - 1;
	pic.tile_cols = 64;
	pic.tile_rows = 9;
	memset(pic.width_in_sbs_minus_1, 0, sizeof(pic.width_in_sbs_minus_1));
	memset(pic.height_in_sbs_minus_1, 0, sizeof(pic.height_in_sbs_minus_1));
}
static void context_tile(void) { pic.context_update_tile_id = 1; }
static void ref_index(void) { pic.ref_frame_idx[3] = 8; }
static void ref_not_decoded(void) { pic.ref_frame_map[1] = 0x30000099; }
static void primary_ref(void) { pic.primary_ref_frame = 8; }
static void seg_feature(void)
{
	pic.seg_info.segment_info_fields.bits.enabled = 1;
	pic.seg_info.feature_mask[2] = 1 << 1;
	pic.seg_info.feature_data[2][1] = -64;
}
static void seg_ref_frame(void)
{
	pic.seg_info.segment_info_fields.bits.enabled = 1;
	pic.seg_info.feature_mask[7] = 1 << 5;
	pic.seg_info.feature_data[7][5] = 8;
}
static void lf_ref_delta(void) { pic.ref_deltas[4] = 64; }
static void lf_mode_delta(void) { pic.mode_deltas[1] = -65; }
static void lf_level(void) { pic.filter_level_v = 64; }
static void q_delta(void) { pic.v_ac_delta_q = -65; }
static void cdef_bits(void) { pic.cdef_bits = 4; }
static void cdef_strength(void) { pic.cdef_uv_strengths[0] = 64; }
static void lr_shift(void) { pic.loop_restoration_fields.bits.lr_unit_shift = 3; }
static void wm_type(void) { pic.wm[6].wmtype = 4; }
static void interp(void) { pic.interp_filter = 5; }
static void tx_mode(void) { pic.mode_control_fields.bits.tx_mode = 3; }
static void superres(void)
{
	pic.pic_info_fields.bits.use_superres = 1;
	pic.superres_scale_denominator = 17;
}
static void large_scale(void) { pic.pic_info_fields.bits.large_scale_tile = 1; }
static void order_bits(void) { pic.order_hint_bits_minus_1 = 8; }

static const spoil_fn spoilers[] = {
	bit_depth_12, profile_1, no_tile_cols, too_many_tile_cols,
	widths_short, too_many_tiles, context_tile, ref_index,
	ref_not_decoded, primary_ref, seg_feature, seg_ref_frame,
	lf_ref_delta, lf_mode_delta, lf_level, q_delta, cdef_bits,
	cdef_strength, lr_shift, wm_type, interp, tx_mode, superres,
	large_scale, order_bits,
};

START_TEST(bad_picture_refused)
{
	decode_key_frame();
	inter_frame();
	spoilers[_i]();
	render_one_tile(300);
	ck_assert_int_eq(translate(INTER_SURFACE),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	inter_frame();
	render_one_tile(300);
	ck_assert_int_eq(translate(INTER_SURFACE), VA_STATUS_SUCCESS);
	unsigned n;
	ck_assert_uint_eq(tiles(&n)[0].tile_size, 300);
	ck_assert_uint_eq(n, 1);
}
END_TEST

/* 10 bits in a 10-bit context (a YUV420_10 config or first surface): the
 * sequence says so. A frame of the other depth is refused with the RT
 * format's status either way, the next one of the context's depth
 * decodes. */
START_TEST(ten_bit_context)
{
	context_depth = 10;
	key_frame();
	pic.bit_depth_idx = 1;
	render_one_tile(300);
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
	struct plan pl;
	const struct v4l2_ctrl_av1_sequence *seq =
		control(&pl, V4L2_CID_STATELESS_AV1_SEQUENCE, NULL);
	ck_assert_ptr_nonnull(seq);
	ck_assert_uint_eq(seq->bit_depth, 10);

	pic.bit_depth_idx = 0;
	render_one_tile(300);
	ck_assert_int_eq(translate(KEY_SURFACE),
			 VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert(strstr(last_error, "context's pictures have 10 bits"));
	context_depth = 8;
	pic.bit_depth_idx = 1;
	render_one_tile(300);
	ck_assert_int_eq(translate(KEY_SURFACE),
			 VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);
	ck_assert(strstr(last_error, "context's pictures have 8 bits"));
	pic.bit_depth_idx = 0;
	render_one_tile(300);
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
}
END_TEST

/* The 320x240 key frame in a context of 320x224: refused, then it decodes
 * in one of its size. */
START_TEST(larger_than_context)
{
	key_frame();
	render_one_tile(300);
	max_width = 320;
	max_height = 224;
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_ERROR_INVALID_PARAMETER);
	render_one_tile(300);
	max_height = 240;
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
	max_width = max_height = 0;
}
END_TEST

START_TEST(bad_tiles_refused)
{
	/* a tile outside the tile grid, then more tiles than the grid */
	VASliceParameterBufferAV1 s = tile(0, 100, 1, 0);

	decode_key_frame();
	key_frame();
	va_accum_reset(&acc);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &pic, sizeof(pic), 1), 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, 100, 1), 0);
	ck_assert_int_eq(translate(KEY_SURFACE),
			 VA_STATUS_ERROR_INVALID_PARAMETER);

	s = tile(0, 100, 0, 0);
	va_accum_reset(&acc);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &pic, sizeof(pic), 1), 0);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
		ck_assert_int_eq(add(VASliceDataBufferType, data + i, 100, 1), 0);
	}
	ck_assert_int_eq(translate(KEY_SURFACE),
			 VA_STATUS_ERROR_INVALID_PARAMETER);

	/* a tile past the end of its data buffer: picture.c refuses it */
	s = tile(50, 100, 0, 0);
	va_accum_reset(&acc);
	ck_assert_int_eq(add(VAPictureParameterBufferType, &pic, sizeof(pic), 1), 0);
	ck_assert_int_eq(add(VASliceParameterBufferType, &s, sizeof(s), 1), 0);
	ck_assert_int_eq(add(VASliceDataBufferType, data, 100, 1),
			 VA_STATUS_ERROR_INVALID_PARAMETER);

	decode_key_frame();
	ck_assert_uint_eq(written(), 1000);
}
END_TEST

static void with_grain(void)
{
	av1_fx_film_grain(&pic, TARGET);
}

static const struct v4l2_ctrl_av1_film_grain *film_grain(void)
{
	struct plan pl;
	uint32_t size = 0;
	const struct v4l2_ctrl_av1_film_grain *g =
		control(&pl, V4L2_CID_STATELESS_AV1_FILM_GRAIN, &size);

	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(size, sizeof(*g));
	return g;
}

START_TEST(film_grain_controls)
{
	static const struct v4l2_ctrl_av1_film_grain no_grain;

	key_frame();
	with_grain();
	/* past num_*_points: what the client left, not sent */
	pic.film_grain_info.point_y_value[9] = 99;
	pic.film_grain_info.point_cb_scaling[8] = 99;
	render_one_tile(1000);
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_av1_film_grain *g = film_grain();
	/* VA's parameters are those in force: a new set */
	ck_assert_uint_eq(g->flags, V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN |
			  V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN |
			  V4L2_AV1_FILM_GRAIN_FLAG_OVERLAP);
	ck_assert_uint_eq(g->film_grain_params_ref_idx, 0);
	ck_assert_uint_eq(g->grain_seed, 7391);
	ck_assert_uint_eq(g->num_y_points, 9);
	ck_assert_mem_eq(g->point_y_value, av1_fx_grain_y_x, 9);
	ck_assert_mem_eq(g->point_y_scaling, av1_fx_grain_y_scaling, 9);
	ck_assert_uint_eq(g->point_y_value[9], 0);
	ck_assert_uint_eq(g->num_cb_points, 8);
	ck_assert_mem_eq(g->point_cb_value, av1_fx_grain_c_x, 8);
	ck_assert_mem_eq(g->point_cb_scaling, av1_fx_grain_cb_scaling, 8);
	ck_assert_uint_eq(g->point_cb_scaling[8], 0);
	ck_assert_uint_eq(g->num_cr_points, 8);
	ck_assert_mem_eq(g->point_cr_value, av1_fx_grain_c_x, 8);
	ck_assert_mem_eq(g->point_cr_scaling, av1_fx_grain_cr_scaling, 8);
	ck_assert_uint_eq(g->grain_scaling_minus_8, 3);
	ck_assert_uint_eq(g->ar_coeff_lag, 3);
	/* 24 luma positions, 25 chroma (the luma term): plus 128 again */
	ck_assert_mem_eq(g->ar_coeffs_y_plus_128, av1_fx_grain_ar_y, 24);
	ck_assert_uint_eq(g->ar_coeffs_y_plus_128[24], 0);
	ck_assert_mem_eq(g->ar_coeffs_cb_plus_128, av1_fx_grain_ar_cb, 25);
	ck_assert_mem_eq(g->ar_coeffs_cr_plus_128, av1_fx_grain_ar_cr, 25);
	ck_assert_uint_eq(g->ar_coeff_shift_minus_6, 0);
	ck_assert_uint_eq(g->grain_scale_shift, 0);
	ck_assert_uint_eq(g->cb_mult, 128);
	ck_assert_uint_eq(g->cb_luma_mult, 192);
	ck_assert_uint_eq(g->cb_offset, 256);
	ck_assert_uint_eq(g->cr_mult, 128);
	ck_assert_uint_eq(g->cr_luma_mult, 192);
	ck_assert_uint_eq(g->cr_offset, 256);
	ck_assert_mem_eq(g->reserved, no_grain.reserved, sizeof(g->reserved));
	/* the sequence says film grain is present */
	struct plan pl;
	const struct v4l2_ctrl_av1_sequence *s =
		control(&pl, V4L2_CID_STATELESS_AV1_SEQUENCE, NULL);
	ck_assert(s->flags & V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT);

	/* the next frame without grain: zeroed, whatever VA still holds */
	inter_frame();
	with_grain();
	pic.film_grain_info.film_grain_info_fields.bits.apply_grain = 0;
	render_one_tile(300);
	ck_assert_int_eq(translate(INTER_SURFACE), VA_STATUS_SUCCESS);
	ck_assert_mem_eq(film_grain(), &no_grain, sizeof(no_grain));
}
END_TEST

/* What the syntax does not code stays 0 (5.9.30): chroma scaled from luma
 * has no chroma points nor multipliers; without luma points no luma AR
 * coefficients and one chroma position less; lag 1 has 4 luma positions. */
START_TEST(film_grain_uncoded_fields)
{
	key_frame();
	with_grain();
	VAFilmGrainStructAV1 *va = &pic.film_grain_info;
	va->film_grain_info_fields.bits.chroma_scaling_from_luma = 1;
	va->film_grain_info_fields.bits.ar_coeff_lag = 1;
	va->film_grain_info_fields.bits.clip_to_restricted_range = 1;
	va->film_grain_info_fields.bits.overlap_flag = 0;
	va->num_cb_points = va->num_cr_points = 0;
	render_one_tile(1000);
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
	const struct v4l2_ctrl_av1_film_grain *g = film_grain();
	ck_assert_uint_eq(g->flags, V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN |
			  V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN |
			  V4L2_AV1_FILM_GRAIN_FLAG_CHROMA_SCALING_FROM_LUMA |
			  V4L2_AV1_FILM_GRAIN_FLAG_CLIP_TO_RESTRICTED_RANGE);
	ck_assert_mem_eq(g->ar_coeffs_y_plus_128, av1_fx_grain_ar_y, 4);
	ck_assert_uint_eq(g->ar_coeffs_y_plus_128[4], 0);
	ck_assert_mem_eq(g->ar_coeffs_cb_plus_128, av1_fx_grain_ar_cb, 5);
	ck_assert_uint_eq(g->ar_coeffs_cb_plus_128[5], 0);
	ck_assert_mem_eq(g->ar_coeffs_cr_plus_128, av1_fx_grain_ar_cr, 5);
	ck_assert_uint_eq(g->ar_coeffs_cr_plus_128[5], 0);
	ck_assert_uint_eq(g->num_cb_points, 0);
	ck_assert_uint_eq(g->point_cb_value[1], 0);
	ck_assert_uint_eq(g->cb_mult, 0);
	ck_assert_uint_eq(g->cb_luma_mult, 0);
	ck_assert_uint_eq(g->cb_offset, 0);
	ck_assert_uint_eq(g->cr_mult, 0);
	ck_assert_uint_eq(g->cr_offset, 0);

	/* 4:2:0 without luma points: neither chroma plane has points */
	key_frame();
	with_grain();
	va->num_y_points = 0;
	va->num_cb_points = va->num_cr_points = 0;
	render_one_tile(1000);
	ck_assert_int_eq(translate(KEY_SURFACE), VA_STATUS_SUCCESS);
	g = film_grain();
	ck_assert_uint_eq(g->num_y_points, 0);
	ck_assert_uint_eq(g->point_y_value[1], 0);
	ck_assert_uint_eq(g->ar_coeffs_y_plus_128[0], 0);
	ck_assert_uint_eq(g->ar_coeffs_cb_plus_128[0], 0);
	ck_assert_uint_eq(g->ar_coeffs_cr_plus_128[0], 0);
}
END_TEST

/* A device without the film grain control: the frames decode, and one
 * warning says the grain is not applied. */
START_TEST(film_grain_without_control)
{
	/* the sequence, tile group entry and frame controls (av1_controls
	 * of src/core/codec.c), not the film grain one */
	const struct v4l2r_decode_mode no_grain_control = {
		.controls_present = 0x7,
	};

	key_frame();
	with_grain();
	render_one_tile(1000);
	ck_assert_int_eq(translate_in(KEY_SURFACE, &no_grain_control),
			 VA_STATUS_SUCCESS);
	ck_assert_uint_eq(warnings, 1);
	inter_frame();
	with_grain();
	render_one_tile(300);
	ck_assert_int_eq(translate_in(INTER_SURFACE, &no_grain_control),
			 VA_STATUS_SUCCESS);
	ck_assert_uint_eq(warnings, 1);
	/* with the control: no warning */
	teardown();
	setup();
	key_frame();
	with_grain();
	render_one_tile(1000);
	const struct v4l2r_decode_mode with_control = {
		.controls_present = 0xf,
	};
	ck_assert_int_eq(translate_in(KEY_SURFACE, &with_control),
			 VA_STATUS_SUCCESS);
	ck_assert_uint_eq(warnings, 0);
}
END_TEST

/* The display surface picture.c copies the picture into. */
START_TEST(film_grain_display_surface)
{
	struct va_picture_input in;
	const char *field = NULL;

	key_frame();
	with_grain();
	render_one_tile(1000);
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)), 0);
	ck_assert_uint_eq(va_codec_av1.display_surface(&in, &field), TARGET);
	ck_assert_str_eq(field, "av1: current_display_picture");

	/* without grain the picture is shown from the render target */
	pic.film_grain_info.film_grain_info_fields.bits.apply_grain = 0;
	render_one_tile(1000);
	ck_assert_int_eq(va_accum_finish(&acc, &in, why, sizeof(why)), 0);
	ck_assert_uint_eq(va_codec_av1.display_surface(&in, &field),
			  VA_INVALID_SURFACE);
}
END_TEST

/* Film grain out of range (spec 5.9.30, 6.8.20): refused with the field
 * named, then the next picture decodes. */
static void grain_not_in_sequence(void)
{
	pic.seq_info_fields.fields.film_grain_params_present = 0;
}
static void grain_hidden_frame(void)
{
	pic.pic_info_fields.bits.show_frame = 0;
	pic.pic_info_fields.bits.showable_frame = 0;
}
static void grain_15_y_points(void)
{
	pic.film_grain_info.num_y_points = 15;
}
static void grain_11_cb_points(void)
{
	pic.film_grain_info.num_cb_points = 11;
}
static void grain_11_cr_points(void)
{
	pic.film_grain_info.num_cr_points = 11;
}
static void grain_y_x_repeated(void)
{
	pic.film_grain_info.point_y_value[4] = 67;
}
static void grain_cb_x_decreasing(void)
{
	pic.film_grain_info.point_cb_value[7] = 100;
}
static void grain_cr_x_decreasing(void)
{
	pic.film_grain_info.point_cr_value[1] = 0;
}
static void grain_mono_chroma_points(void)
{
	pic.seq_info_fields.fields.mono_chrome = 1;
}
static void grain_luma_chroma_points(void)
{
	pic.film_grain_info.film_grain_info_fields.bits.chroma_scaling_from_luma = 1;
}
static void grain_chroma_without_luma(void)
{
	pic.film_grain_info.num_y_points = 0;
}
static void grain_cb_without_cr(void)
{
	pic.film_grain_info.num_cr_points = 0;
}
static void grain_cb_offset(void)
{
	pic.film_grain_info.cb_offset = 512;
}
static void grain_cr_offset(void)
{
	pic.film_grain_info.cr_offset = 0xffff;
}

static const struct {
	spoil_fn spoil;
	const char *field;
} grain_cases[] = {
	{ grain_not_in_sequence, "film_grain_params_present = 0" },
	{ grain_hidden_frame, "neither shown nor showable" },
	{ grain_15_y_points, "num_y_points = 15" },
	{ grain_11_cb_points, "num_cb_points = 11" },
	{ grain_11_cr_points, "num_cr_points = 11" },
	{ grain_y_x_repeated, "point_y_value[4] = 67" },
	{ grain_cb_x_decreasing, "point_cb_value[7] = 100" },
	{ grain_cr_x_decreasing, "point_cr_value[1] = 0" },
	{ grain_mono_chroma_points, "with mono_chrome" },
	{ grain_luma_chroma_points, "with chroma_scaling_from_luma" },
	{ grain_chroma_without_luma, "with num_y_points = 0" },
	{ grain_cb_without_cr, "num_cr_points = 0: in 4:2:0" },
	{ grain_cb_offset, "cb_offset = 512" },
	{ grain_cr_offset, "cr_offset = 65535" },
};

START_TEST(bad_film_grain_refused)
{
	decode_key_frame();
	inter_frame();
	with_grain();
	grain_cases[_i].spoil();
	render_one_tile(300);
	ck_assert_int_eq(translate(INTER_SURFACE),
			 VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_msg(strstr(last_error, "film_grain_info") &&
		      strstr(last_error, grain_cases[_i].field),
		      "log: %s", last_error);
	inter_frame();
	with_grain();
	render_one_tile(300);
	ck_assert_int_eq(translate(INTER_SURFACE), VA_STATUS_SUCCESS);
	ck_assert_uint_eq(film_grain()->grain_seed, 7391);
}
END_TEST

START_TEST(profiles)
{
	VAProfile p[2];

	ck_assert_uint_eq(va_codec_av1.profiles(0, p, 2), 1);
	ck_assert_int_eq(p[0], VAProfileAV1Profile0);
	ck_assert_uint_eq(va_codec_av1.profiles(
				  1ull << V4L2_MPEG_VIDEO_AV1_PROFILE_MAIN, p, 2),
			  1);
	ck_assert_uint_eq(va_codec_av1.profiles(
				  1ull << V4L2_MPEG_VIDEO_AV1_PROFILE_HIGH, p, 2),
			  0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("va-av1");
	TCase *tc = tcase_create("av1");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, key_frame_controls);
	tcase_add_test(tc, inter_frame_controls);
	tcase_add_test(tc, order_hints_and_skip_mode);
	tcase_add_test(tc, intra_only_frame);
	tcase_add_test(tc, switch_frame);
	tcase_add_test(tc, slots_follow_surfaces);
	tcase_add_test(tc, eight_distinct_references);
	tcase_add_test(tc, tiles_ffmpeg_5_1_shape);
	tcase_add_test(tc, tiles_gstreamer_shape);
	tcase_add_test(tc, odd_size_and_superres);
	tcase_add_test(tc, segmentation_and_restoration);
	tcase_add_test(tc, larger_than_context);
	tcase_add_test(tc, ten_bit_context);
	tcase_add_loop_test(tc, bad_picture_refused, 0,
			    (int)(sizeof(spoilers) / sizeof(spoilers[0])));
	tcase_add_test(tc, film_grain_controls);
	tcase_add_test(tc, film_grain_uncoded_fields);
	tcase_add_test(tc, film_grain_without_control);
	tcase_add_test(tc, film_grain_display_surface);
	tcase_add_loop_test(tc, bad_film_grain_refused, 0,
			    (int)(sizeof(grain_cases) / sizeof(grain_cases[0])));
	tcase_add_test(tc, bad_tiles_refused);
	tcase_add_test(tc, profiles);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
