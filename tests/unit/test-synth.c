/* The test tool's synthetic streams (tools/synth.c): the codecs
 * synth_supports() names are exactly those synth_fill() makes controls
 * for, so that record refuses the others up front instead of sending
 * requests without controls; how a stream is sent on a device's caps, and
 * why not when it cannot be. */
#include <check.h>

#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "synth.h"

START_TEST(supports_matches_fill)
{
	enum v4l2r_codec codec = (enum v4l2r_codec)_i;
	const struct v4l2r_codec_desc *d = v4l2r_codec_get(codec);
	struct synth_stream *st = calloc(1, sizeof(*st));
	struct synth_controls c;

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(st);
	int planned = synth_plan(st, d, 320, 240, 4, 1);
	if (!synth_supports(codec)) {
		ck_assert_msg(planned < 0, "%s: planned without support",
			      d->name);
		ck_assert_ptr_null(strstr(SYNTH_CODECS_TEXT, d->name));
		free(st);
		return;
	}
	ck_assert_ptr_nonnull(strstr(SYNTH_CODECS_TEXT, d->name));
	if (!d->compiled) {
		/* No uAPI structs to fill in this build. */
		free(st);
		return;
	}
	ck_assert_int_eq(planned, 0);
	ck_assert_int_eq(synth_controls_init(&c), 0);
	for (unsigned i = 0; i < st->n_frames; i++) {
		synth_fill(st, i, 0, &c);
		ck_assert_msg(c.n > 0, "%s: no controls for picture %u",
			      d->name, i);
		for (unsigned k = 0; k < c.n; k++)
			ck_assert_msg(c.ctrl[k].id && c.ctrl[k].ptr &&
				      c.ctrl[k].size, "%s: empty control",
				      d->name);
	}
	synth_controls_free(&c);
	free(st);
}
END_TEST

START_TEST(av1_refused)
{
	/* AV1 has no synthetic stream yet: refused however the build is. */
	struct synth_stream *st = calloc(1, sizeof(*st));

	ck_assert(!synth_supports(V4L2R_CODEC_AV1));
	ck_assert_int_lt(synth_plan(st, v4l2r_codec_get(V4L2R_CODEC_AV1),
				    320, 240, 4, 1), 0);
	free(st);
}
END_TEST

/* H.264 caps with these decode-mode and start-code menus. */
static struct v4l2r_codec_caps h264_caps(uint32_t modes, uint32_t codes,
					 bool hold)
{
	struct v4l2r_codec_caps cc;

	memset(&cc, 0, sizeof(cc));
	cc.present = cc.usable = true;
	cc.decode_modes = modes;
	cc.start_codes = codes;
	cc.default_decode_mode = modes ? 0 : -1;
	cc.default_start_code = codes ? 0 : -1;
	cc.hold_capture = hold;
	return cc;
}

START_TEST(modes)
{
	const struct v4l2r_codec_desc *h264 = v4l2r_codec_get(V4L2R_CODEC_H264);
	const struct v4l2r_codec_desc *mpeg2 = v4l2r_codec_get(V4L2R_CODEC_MPEG2);
	struct synth_stream *st = calloc(1, sizeof(*st));
	struct v4l2r_codec_caps cc;
	const char *why;

	ck_assert_ptr_nonnull(st);
	/* visl: both modes and start codes, hold-capture. */
	cc = h264_caps(0x3, 0x3, true);
	ck_assert_int_eq(synth_plan(st, h264, 320, 240, 4, 1), 0);
	ck_assert_ptr_null(synth_choose_modes(st, &cc));
	ck_assert(!st->slice_based && st->annex_b);
	ck_assert_int_eq(synth_plan(st, h264, 320, 240, 4, 2), 0);
	ck_assert_ptr_null(synth_choose_modes(st, &cc));
	ck_assert(st->slice_based);

	/* Several slices without hold-capture: refused, and said why. */
	cc = h264_caps(0x3, 0x1, false);
	why = synth_choose_modes(st, &cc);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "cannot hold capture buffers"));
	/* ... or without slice-based decoding (Hantro). */
	cc = h264_caps(0x2, 0x2, true);
	why = synth_choose_modes(st, &cc);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "no slice-based decoding"));
	/* One slice per picture on it: frame-based, Annex-B. */
	ck_assert_int_eq(synth_plan(st, h264, 320, 240, 4, 1), 0);
	ck_assert_ptr_null(synth_choose_modes(st, &cc));
	ck_assert(!st->slice_based && st->annex_b);
	/* Cedrus: slice-based only, no start codes, even for one slice. */
	cc = h264_caps(0x1, 0x1, false);
	ck_assert_ptr_null(synth_choose_modes(st, &cc));
	ck_assert(st->slice_based && !st->annex_b);

	/* MPEG-2 has no menus; several slices need hold-capture only. */
	ck_assert_int_eq(synth_plan(st, mpeg2, 320, 240, 4, 2), 0);
	cc = h264_caps(0, 0, true);
	ck_assert_ptr_null(synth_choose_modes(st, &cc));
	cc.hold_capture = false;
	ck_assert_ptr_nonnull(synth_choose_modes(st, &cc));
	free(st);
}
END_TEST

static Suite *synth_suite(void)
{
	Suite *s = suite_create("synth");
	TCase *tc = tcase_create("codecs");

	tcase_add_loop_test(tc, supports_matches_fill, 0, V4L2R_CODEC_COUNT);
	tcase_add_test(tc, av1_refused);
	tcase_add_test(tc, modes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(synth_suite());
}
