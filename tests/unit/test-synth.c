/* The test tool's synthetic streams (tools/synth.c): the codecs
 * synth_supports() names are exactly those synth_fill() makes controls
 * for, so that record refuses the others up front instead of sending
 * requests without controls. */
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

static Suite *synth_suite(void)
{
	Suite *s = suite_create("synth");
	TCase *tc = tcase_create("codecs");

	tcase_add_loop_test(tc, supports_matches_fill, 0, V4L2R_CODEC_COUNT);
	tcase_add_test(tc, av1_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(synth_suite());
}
