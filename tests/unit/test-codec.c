/* Codec table: lookups, and every control against the uAPI struct sizes
 * written out independently here. */
#include <check.h>

#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/bit_depth.h"
#include "v4l2r/codec.h"

struct expected_control {
	enum v4l2r_codec codec;
	uint32_t id;
	size_t size;
	bool required;
};

static const struct expected_control expected[] = {
	{ V4L2R_CODEC_MPEG2, V4L2_CID_STATELESS_MPEG2_SEQUENCE,
	  sizeof(struct v4l2_ctrl_mpeg2_sequence), true },
	{ V4L2R_CODEC_MPEG2, V4L2_CID_STATELESS_MPEG2_PICTURE,
	  sizeof(struct v4l2_ctrl_mpeg2_picture), true },
	{ V4L2R_CODEC_MPEG2, V4L2_CID_STATELESS_MPEG2_QUANTISATION,
	  sizeof(struct v4l2_ctrl_mpeg2_quantisation), false },
	{ V4L2R_CODEC_H264, V4L2_CID_STATELESS_H264_SPS,
	  sizeof(struct v4l2_ctrl_h264_sps), true },
	{ V4L2R_CODEC_H264, V4L2_CID_STATELESS_H264_PPS,
	  sizeof(struct v4l2_ctrl_h264_pps), true },
	{ V4L2R_CODEC_H264, V4L2_CID_STATELESS_H264_SCALING_MATRIX,
	  sizeof(struct v4l2_ctrl_h264_scaling_matrix), true },
	{ V4L2R_CODEC_H264, V4L2_CID_STATELESS_H264_PRED_WEIGHTS,
	  sizeof(struct v4l2_ctrl_h264_pred_weights), false },
	{ V4L2R_CODEC_H264, V4L2_CID_STATELESS_H264_SLICE_PARAMS,
	  sizeof(struct v4l2_ctrl_h264_slice_params), false },
	{ V4L2R_CODEC_H264, V4L2_CID_STATELESS_H264_DECODE_PARAMS,
	  sizeof(struct v4l2_ctrl_h264_decode_params), true },
	{ V4L2R_CODEC_HEVC, V4L2_CID_STATELESS_HEVC_SPS,
	  sizeof(struct v4l2_ctrl_hevc_sps), true },
	{ V4L2R_CODEC_HEVC, V4L2_CID_STATELESS_HEVC_PPS,
	  sizeof(struct v4l2_ctrl_hevc_pps), true },
	{ V4L2R_CODEC_HEVC, V4L2_CID_STATELESS_HEVC_SLICE_PARAMS,
	  sizeof(struct v4l2_ctrl_hevc_slice_params), false },
	{ V4L2R_CODEC_HEVC, V4L2_CID_STATELESS_HEVC_SCALING_MATRIX,
	  sizeof(struct v4l2_ctrl_hevc_scaling_matrix), true },
	{ V4L2R_CODEC_HEVC, V4L2_CID_STATELESS_HEVC_DECODE_PARAMS,
	  sizeof(struct v4l2_ctrl_hevc_decode_params), true },
	{ V4L2R_CODEC_HEVC, V4L2_CID_STATELESS_HEVC_ENTRY_POINT_OFFSETS,
	  sizeof(uint32_t), false },
	{ V4L2R_CODEC_VP8, V4L2_CID_STATELESS_VP8_FRAME,
	  sizeof(struct v4l2_ctrl_vp8_frame), true },
	{ V4L2R_CODEC_VP9, V4L2_CID_STATELESS_VP9_FRAME,
	  sizeof(struct v4l2_ctrl_vp9_frame), true },
	{ V4L2R_CODEC_VP9, V4L2_CID_STATELESS_VP9_COMPRESSED_HDR,
	  sizeof(struct v4l2_ctrl_vp9_compressed_hdr), false },
#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
	{ V4L2R_CODEC_AV1, V4L2_CID_STATELESS_AV1_SEQUENCE,
	  sizeof(struct v4l2_ctrl_av1_sequence), true },
	{ V4L2R_CODEC_AV1, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
	  sizeof(struct v4l2_ctrl_av1_tile_group_entry), true },
	{ V4L2R_CODEC_AV1, V4L2_CID_STATELESS_AV1_FRAME,
	  sizeof(struct v4l2_ctrl_av1_frame), true },
	{ V4L2R_CODEC_AV1, V4L2_CID_STATELESS_AV1_FILM_GRAIN,
	  sizeof(struct v4l2_ctrl_av1_film_grain), false },
#endif
};

#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

static const struct expected_control *find_expected(enum v4l2r_codec codec,
						    uint32_t id)
{
	for (size_t i = 0; i < N_EXPECTED; i++)
		if (expected[i].codec == codec && expected[i].id == id)
			return &expected[i];
	return NULL;
}

static unsigned expected_count(enum v4l2r_codec codec)
{
	unsigned n = 0;

	for (size_t i = 0; i < N_EXPECTED; i++)
		n += expected[i].codec == codec;
	return n;
}

START_TEST(lookups)
{
	static const struct {
		enum v4l2r_codec codec;
		const char *name;
		uint32_t fourcc;
	} known[] = {
		{ V4L2R_CODEC_MPEG2, "mpeg2", V4L2_PIX_FMT_MPEG2_SLICE },
		{ V4L2R_CODEC_H264, "h264", V4L2_PIX_FMT_H264_SLICE },
		{ V4L2R_CODEC_HEVC, "hevc", V4L2_PIX_FMT_HEVC_SLICE },
		{ V4L2R_CODEC_VP8, "vp8", V4L2_PIX_FMT_VP8_FRAME },
		{ V4L2R_CODEC_VP9, "vp9", V4L2_PIX_FMT_VP9_FRAME },
		{ V4L2R_CODEC_AV1, "av1", v4l2_fourcc('A', 'V', '1', 'F') },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct v4l2r_codec_desc *d = v4l2r_codec_get(known[i].codec);

		ck_assert_ptr_nonnull(d);
		ck_assert_int_eq(d->codec, known[i].codec);
		ck_assert_str_eq(d->name, known[i].name);
		ck_assert_uint_eq(d->coded_fourcc, known[i].fourcc);
		ck_assert_ptr_eq(v4l2r_codec_by_name(known[i].name), d);
		ck_assert_ptr_eq(v4l2r_codec_by_fourcc(known[i].fourcc), d);
	}
}
END_TEST

START_TEST(unknown_lookups)
{
	ck_assert_ptr_null(v4l2r_codec_get(V4L2R_CODEC_COUNT));
	ck_assert_ptr_null(v4l2r_codec_get((enum v4l2r_codec)-1));
	ck_assert_ptr_null(v4l2r_codec_by_fourcc(V4L2_PIX_FMT_NV12));
	ck_assert_ptr_null(v4l2r_codec_by_fourcc(V4L2_PIX_FMT_H264));
	ck_assert_ptr_null(v4l2r_codec_by_fourcc(0));
	ck_assert_ptr_null(v4l2r_codec_by_name("H264"));
	ck_assert_ptr_null(v4l2r_codec_by_name("h26"));
	ck_assert_ptr_null(v4l2r_codec_by_name(""));
	ck_assert_ptr_null(v4l2r_codec_by_name(NULL));
}
END_TEST

START_TEST(controls_match_uapi)
{
	for (unsigned c = 0; c < V4L2R_CODEC_COUNT; c++) {
		const struct v4l2r_codec_desc *d = v4l2r_codec_get(c);

		ck_assert_uint_eq(d->n_controls, expected_count(c));
		/* probe.h keeps one presence bit per control in 32 bits */
		ck_assert_uint_le(d->n_controls, 32);
		for (unsigned i = 0; i < d->n_controls; i++) {
			const struct v4l2r_control_spec *s = &d->controls[i];
			const struct expected_control *e =
				find_expected(c, s->id);

			ck_assert_msg(e, "%s: unexpected control %s", d->name,
				      s->name);
			ck_assert_uint_ne(s->elem_size, 0);
			ck_assert_uint_eq(s->elem_size, e->size);
			ck_assert_int_eq(s->required, e->required);
			ck_assert_ptr_nonnull(s->name);
			ck_assert_uint_eq(V4L2_CTRL_ID2WHICH(s->id),
					  V4L2_CTRL_CLASS_CODEC_STATELESS);
			for (unsigned j = 0; j < i; j++)
				ck_assert_uint_ne(d->controls[j].id, s->id);
		}
	}
}
END_TEST

START_TEST(menus)
{
	const struct v4l2r_codec_desc *h264 = v4l2r_codec_get(V4L2R_CODEC_H264);
	const struct v4l2r_codec_desc *hevc = v4l2r_codec_get(V4L2R_CODEC_HEVC);

	ck_assert_uint_eq(h264->decode_mode_cid,
			  V4L2_CID_STATELESS_H264_DECODE_MODE);
	ck_assert_uint_eq(h264->start_code_cid,
			  V4L2_CID_STATELESS_H264_START_CODE);
	ck_assert_uint_eq(hevc->decode_mode_cid,
			  V4L2_CID_STATELESS_HEVC_DECODE_MODE);
	ck_assert_uint_eq(hevc->start_code_cid,
			  V4L2_CID_STATELESS_HEVC_START_CODE);
	for (unsigned c = 0; c < V4L2R_CODEC_COUNT; c++) {
		const struct v4l2r_codec_desc *d = v4l2r_codec_get(c);

		if (c == V4L2R_CODEC_H264 || c == V4L2R_CODEC_HEVC)
			continue;
		ck_assert_uint_eq(d->decode_mode_cid, 0);
		ck_assert_uint_eq(d->start_code_cid, 0);
	}
}
END_TEST

START_TEST(av1_follows_headers)
{
	const struct v4l2r_codec_desc *av1 = v4l2r_codec_get(V4L2R_CODEC_AV1);

#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
	ck_assert(av1->compiled);
	ck_assert_uint_eq(av1->n_controls, 4);
#else
	ck_assert(!av1->compiled);
	ck_assert_uint_eq(av1->n_controls, 0);
	ck_assert_ptr_null(av1->controls);
#endif
	for (unsigned c = 0; c < V4L2R_CODEC_AV1; c++)
		ck_assert(v4l2r_codec_get(c)->compiled);
}
END_TEST

START_TEST(fourcc_strings)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	ck_assert_str_eq(v4l2r_fourcc_str(V4L2_PIX_FMT_H264_SLICE, buf),
			 "S264");
	ck_assert_str_eq(v4l2r_fourcc_str(V4L2_PIX_FMT_MPEG2_SLICE, buf),
			 "MG2S");
	ck_assert_str_eq(v4l2r_fourcc_str(0x01ff7f20, buf), " ...");
	ck_assert_str_eq(v4l2r_fourcc_str(0, buf), "....");
	ck_assert_ptr_eq(v4l2r_fourcc_str(0, buf), buf);
}
END_TEST

/* The controls that tell a driver the bit depth pass the kernel's checks
 * (v4l2-ctrls-core.c: VP9 profile 2 is 10/12-bit 4:2:0, profile 0 8-bit)
 * and hantro's and rkvdec's try_ctrl (4:2:0, luma depth = chroma depth). */
/* An SPS (H.264 or HEVC) saying 4:2:0 at depth bits for luma and chroma. */
#define ASSERT_SPS_DEPTH(sps, depth) do { \
		ck_assert_uint_eq((sps).chroma_format_idc, 1); \
		ck_assert_uint_eq((sps).bit_depth_luma_minus8, (depth) - 8); \
		ck_assert_uint_eq((sps).bit_depth_chroma_minus8, (depth) - 8); \
	} while (0)

/* The control of codec for a 320x240 picture of depth bits: cid, of size
 * bytes, its payload in p. */
static void make_control(enum v4l2r_codec codec, unsigned depth, uint32_t cid,
			 size_t size, union v4l2r_bit_depth_payload *p)
{
	struct v4l2_ext_control c;

	ck_assert(v4l2r_bit_depth_control(codec, depth, 320, 240, p, &c));
	ck_assert_uint_eq(c.id, cid);
	ck_assert_uint_eq(c.size, size);
	ck_assert_ptr_eq(c.ptr, p);
}

START_TEST(bit_depth_controls)
{
	union v4l2r_bit_depth_payload p;
	struct v4l2_ext_control c;

	for (unsigned depth = 8; depth <= 10; depth += 2) {
		make_control(V4L2R_CODEC_HEVC, depth, V4L2_CID_STATELESS_HEVC_SPS,
			     sizeof(p.hevc), &p);
		ASSERT_SPS_DEPTH(p.hevc, depth);
		ck_assert_uint_eq(p.hevc.pic_width_in_luma_samples, 320);
		ck_assert_uint_eq(p.hevc.pic_height_in_luma_samples, 240);

		make_control(V4L2R_CODEC_VP9, depth, V4L2_CID_STATELESS_VP9_FRAME,
			     sizeof(p.vp9), &p);
		ck_assert_uint_eq(p.vp9.bit_depth, depth);
		ck_assert_uint_eq(p.vp9.profile, depth == 10 ? 2 : 0);
		ck_assert_uint_eq(p.vp9.flags & (V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
						 V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING),
				  V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
				  V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING);
		ck_assert_uint_eq(p.vp9.frame_width_minus_1, 319);
		ck_assert_uint_eq(p.vp9.frame_height_minus_1, 239);

		make_control(V4L2R_CODEC_H264, depth, V4L2_CID_STATELESS_H264_SPS,
			     sizeof(p.h264), &p);
		ASSERT_SPS_DEPTH(p.h264, depth);
		ck_assert_uint_eq(p.h264.pic_width_in_mbs_minus1, 19);
		ck_assert_uint_eq(p.h264.pic_height_in_map_units_minus1, 14);
#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
		/* Main (seq_profile 0), 4:2:0: what VPU981's try_ctrl takes */
		make_control(V4L2R_CODEC_AV1, depth,
			     V4L2_CID_STATELESS_AV1_SEQUENCE, sizeof(p.av1), &p);
		ck_assert_uint_eq(p.av1.bit_depth, depth);
		ck_assert_uint_eq(p.av1.seq_profile, 0);
		ck_assert_uint_eq(p.av1.flags,
				  V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X |
				  V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y);
		ck_assert_uint_eq(p.av1.max_frame_width_minus_1, 319);
		ck_assert_uint_eq(p.av1.max_frame_height_minus_1, 239);
#endif
	}
	/* No control carries a depth: no 10-bit probe for these. */
	ck_assert(!v4l2r_bit_depth_control(V4L2R_CODEC_MPEG2, 10, 320, 240,
					   &p, &c));
	ck_assert(!v4l2r_bit_depth_control(V4L2R_CODEC_VP8, 10, 320, 240,
					   &p, &c));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, lookups);
	tcase_add_test(tc, unknown_lookups);
	tcase_add_test(tc, controls_match_uapi);
	tcase_add_test(tc, menus);
	tcase_add_test(tc, av1_follows_headers);
	tcase_add_test(tc, fourcc_strings);
	tcase_add_test(tc, bit_depth_controls);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
