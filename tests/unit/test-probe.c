/* The pure parts of the capability probe: the control check and the
 * usable/problem decision. */
#include "config.h"

#include <check.h>

#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "v4l2r/probe.h"

#define SPS_SIZE 1048

static const struct v4l2r_control_spec controls[] = {
	{ .id = V4L2_CID_STATELESS_H264_SPS, .elem_size = SPS_SIZE,
	  .name = "V4L2_CID_STATELESS_H264_SPS", .required = true },
	{ .id = V4L2_CID_STATELESS_H264_SLICE_PARAMS, .elem_size = 64,
	  .name = "V4L2_CID_STATELESS_H264_SLICE_PARAMS", .required = false },
	{ .id = V4L2_CID_STATELESS_H264_DECODE_PARAMS, .elem_size = 560,
	  .name = "V4L2_CID_STATELESS_H264_DECODE_PARAMS", .required = true },
};

static const struct v4l2r_codec_desc desc = {
	.codec = V4L2R_CODEC_H264,
	.name = "h264",
	.coded_fourcc = V4L2_PIX_FMT_H264_SLICE,
	.controls = controls,
	.n_controls = 3,
	.decode_mode_cid = V4L2_CID_STATELESS_H264_DECODE_MODE,
	.start_code_cid = V4L2_CID_STATELESS_H264_START_CODE,
	.compiled = true,
};

#define ALL_CONTROLS 0x7u
#define BIT(n) (UINT32_C(1) << (n))

/* What a probe of a healthy frame-and-slice-based decoder collects. */
static struct v4l2r_codec_caps healthy_caps(void)
{
	struct v4l2r_codec_caps caps = {
		.present = true,
		.capture_fourccs = { V4L2_PIX_FMT_NV12 },
		.n_capture = 1,
		.decode_modes = BIT(V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED) |
				BIT(V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED),
		.default_decode_mode = V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED,
		.default_start_code = V4L2_STATELESS_H264_START_CODE_ANNEX_B,
		.controls_present = ALL_CONTROLS,
	};
	return caps;
}

static struct v4l2_query_ext_ctrl query(uint32_t id, uint32_t elem_size)
{
	struct v4l2_query_ext_ctrl q;

	memset(&q, 0, sizeof(q));
	q.id = id;
	q.elem_size = elem_size;
	q.elems = 1;
	return q;
}

START_TEST(test_check_control_match)
{
	struct v4l2_query_ext_ctrl q = query(controls[0].id, SPS_SIZE);
	char why[192] = "";

	ck_assert_int_eq(v4l2r_check_control(&q, &controls[0], why,
					     sizeof(why)), 0);
}
END_TEST

START_TEST(test_check_control_size_mismatch)
{
	struct v4l2_query_ext_ctrl q = query(controls[0].id, SPS_SIZE + 8);
	char why[192] = "";

	ck_assert_int_eq(v4l2r_check_control(&q, &controls[0], why,
					     sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "V4L2_CID_STATELESS_H264_SPS"));
	ck_assert_ptr_nonnull(strstr(why, "1056"));
	ck_assert_ptr_nonnull(strstr(why, "1048"));
}
END_TEST

START_TEST(test_check_control_required_absent)
{
	char why[192] = "";

	ck_assert_int_eq(v4l2r_check_control(NULL, &controls[0], why,
					     sizeof(why)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(why, "V4L2_CID_STATELESS_H264_SPS"));
}
END_TEST

START_TEST(test_check_control_optional_absent)
{
	char why[192] = "";

	ck_assert_int_eq(v4l2r_check_control(NULL, &controls[1], why,
					     sizeof(why)), 0);
}
END_TEST

/* A short buffer truncates the reason but never overflows. */
START_TEST(test_check_control_short_reason)
{
	struct v4l2_query_ext_ctrl q = query(controls[0].id, 1);
	char why[12];

	memset(why, 'x', sizeof(why));
	ck_assert_int_eq(v4l2r_check_control(&q, &controls[0], why, 8),
			 -EINVAL);
	ck_assert_uint_eq(strlen(why), 7);
	ck_assert_int_eq(why[8], 'x');
}
END_TEST

START_TEST(test_finish_usable)
{
	struct v4l2r_codec_caps caps = healthy_caps();

	v4l2r_codec_caps_finish(&desc, true, &caps);
	ck_assert(caps.usable);
	ck_assert_str_eq(caps.problem, "");
	ck_assert_ptr_null(v4l2r_codec_caps_limitation(&desc, true, &caps));
}
END_TEST

START_TEST(test_finish_optional_control_absent)
{
	struct v4l2r_codec_caps caps = healthy_caps();

	caps.controls_present = ALL_CONTROLS & ~BIT(1);
	v4l2r_codec_caps_finish(&desc, true, &caps);
	ck_assert(caps.usable);
	ck_assert_str_eq(caps.problem, "");
}
END_TEST

START_TEST(test_finish_required_control_missing)
{
	struct v4l2r_codec_caps caps = healthy_caps();

	caps.controls_present = ALL_CONTROLS & ~BIT(2);
	v4l2r_codec_caps_finish(&desc, true, &caps);
	ck_assert(!caps.usable);
	ck_assert_ptr_nonnull(strstr(caps.problem,
				     "V4L2_CID_STATELESS_H264_DECODE_PARAMS"));
	ck_assert_ptr_nonnull(strstr(caps.problem, "missing"));
}
END_TEST

/* The probe writes the elem_size mismatch it saw; finish keeps it. */
START_TEST(test_finish_keeps_size_mismatch)
{
	struct v4l2r_codec_caps caps = healthy_caps();
	struct v4l2_query_ext_ctrl q = query(controls[0].id, 1040);
	char why[192];

	ck_assert_int_eq(v4l2r_check_control(&q, &controls[0], why,
					     sizeof(why)), -EINVAL);
	strcpy(caps.problem, why);
	v4l2r_codec_caps_finish(&desc, true, &caps);
	ck_assert(!caps.usable);
	ck_assert_str_eq(caps.problem, why);
	ck_assert_ptr_nonnull(strstr(caps.problem, "1040"));
	ck_assert_ptr_nonnull(strstr(caps.problem, "1048"));
}
END_TEST

START_TEST(test_finish_not_present)
{
	struct v4l2r_codec_caps caps = healthy_caps();

	caps.present = false;
	v4l2r_codec_caps_finish(&desc, true, &caps);
	ck_assert(!caps.usable);
	ck_assert_str_eq(caps.problem, "");
}
END_TEST

START_TEST(test_finish_not_compiled)
{
	struct v4l2r_codec_desc uncompiled = {
		.codec = V4L2R_CODEC_AV1,
		.name = "av1",
		.coded_fourcc = v4l2_fourcc('A', 'V', '1', 'F'),
	};
	struct v4l2r_codec_caps caps = { .present = true };

	v4l2r_codec_caps_finish(&uncompiled, true, &caps);
	ck_assert(!caps.usable);
	ck_assert_ptr_nonnull(strstr(caps.problem, "not compiled"));
}
END_TEST

START_TEST(test_finish_no_capture_format)
{
	struct v4l2r_codec_caps caps = healthy_caps();

	caps.n_capture = 0;
	v4l2r_codec_caps_finish(&desc, true, &caps);
	ck_assert(!caps.usable);
	ck_assert_ptr_nonnull(strstr(caps.problem, "CAPTURE"));
}
END_TEST

START_TEST(test_slice_only_without_hold)
{
	struct v4l2r_codec_caps caps = healthy_caps();
	const char *limitation;

	caps.decode_modes = BIT(V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED);
	caps.default_decode_mode = V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED;
	v4l2r_codec_caps_finish(&desc, false, &caps);
	/* a limit, not a reason to refuse the codec */
	ck_assert(caps.usable);
	ck_assert_str_eq(caps.problem, "");
	limitation = v4l2r_codec_caps_limitation(&desc, false, &caps);
	ck_assert_ptr_nonnull(limitation);
	ck_assert_ptr_nonnull(strstr(limitation, "slice"));
	ck_assert_ptr_null(v4l2r_codec_caps_limitation(&desc, true, &caps));
}
END_TEST

START_TEST(test_frame_based_without_hold)
{
	struct v4l2r_codec_caps caps = healthy_caps();

	ck_assert_ptr_null(v4l2r_codec_caps_limitation(&desc, false, &caps));
}
END_TEST

/* The real table: a missing required control is named in the problem. */
START_TEST(test_finish_with_codec_table)
{
	const struct v4l2r_codec_desc *h264 = v4l2r_codec_get(V4L2R_CODEC_H264);
	struct v4l2r_codec_caps caps = healthy_caps();
	unsigned sps = h264->n_controls;

	ck_assert_ptr_nonnull(h264);
	for (unsigned i = 0; i < h264->n_controls; i++)
		if (h264->controls[i].id == V4L2_CID_STATELESS_H264_SPS)
			sps = i;
	ck_assert_uint_lt(sps, h264->n_controls);
	caps.controls_present = (UINT32_C(1) << h264->n_controls) - 1;
	v4l2r_codec_caps_finish(h264, true, &caps);
	ck_assert(caps.usable);

	caps = healthy_caps();
	caps.controls_present = ((UINT32_C(1) << h264->n_controls) - 1) &
				~BIT(sps);
	v4l2r_codec_caps_finish(h264, true, &caps);
	ck_assert(!caps.usable);
	ck_assert_ptr_nonnull(strstr(caps.problem, h264->controls[sps].name));
}
END_TEST

START_TEST(test_probe_not_a_video_device)
{
	struct v4l2r_device_caps *caps = calloc(1, sizeof(*caps));
	int fd = open("/dev/null", O_RDWR);

	ck_assert_ptr_nonnull(caps);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_lt(v4l2r_probe(fd, caps), 0);
	close(fd);
	free(caps);
}
END_TEST

static Suite *probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *check = tcase_create("check_control");
	TCase *finish = tcase_create("caps_finish");
	TCase *device = tcase_create("device");

	tcase_add_test(check, test_check_control_match);
	tcase_add_test(check, test_check_control_size_mismatch);
	tcase_add_test(check, test_check_control_required_absent);
	tcase_add_test(check, test_check_control_optional_absent);
	tcase_add_test(check, test_check_control_short_reason);
	suite_add_tcase(s, check);

	tcase_add_test(finish, test_finish_usable);
	tcase_add_test(finish, test_finish_optional_control_absent);
	tcase_add_test(finish, test_finish_required_control_missing);
	tcase_add_test(finish, test_finish_keeps_size_mismatch);
	tcase_add_test(finish, test_finish_not_present);
	tcase_add_test(finish, test_finish_not_compiled);
	tcase_add_test(finish, test_finish_no_capture_format);
	tcase_add_test(finish, test_slice_only_without_hold);
	tcase_add_test(finish, test_frame_based_without_hold);
	tcase_add_test(finish, test_finish_with_codec_table);
	suite_add_tcase(s, finish);

	tcase_add_test(device, test_probe_not_a_video_device);
	suite_add_tcase(s, device);
	return s;
}

int main(void)
{
	return unit_run(probe_suite());
}
