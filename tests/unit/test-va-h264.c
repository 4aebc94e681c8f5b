/* VA H.264 translation (src/va/h264.c, h264_slice_header.c) on slices of
 * real libx264 streams (tests/unit/data/h264, see make-fixtures.sh there)
 * with the VA parameters those streams have, plus synthetic headers for
 * what libx264 cannot make (field pictures, emulation prevention inside a
 * header) and broken input. Expected values come from ffmpeg's
 * trace_headers output stored beside each fixture. */
#include <check.h>

#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "va/codec.h"
#include "va/h264_slice_header.h"
#include "v4l2r/log.h"
#include "va-fixtures.h"

#ifndef H264_DATA_DIR
#define H264_DATA_DIR "unit/data/h264"
#endif

#define TARGET 0x40u

/* ---- fixtures ---- */

struct blob {
	uint8_t data[256];
	uint32_t size;
};

static struct blob load(const char *name)
{
	struct blob b = { .size = 0 };
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.bin", H264_DATA_DIR, name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	b.size = (uint32_t)fread(b.data, 1, sizeof(b.data), f);
	fclose(f);
	ck_assert_uint_gt(b.size, 8);
	return b;
}

static struct blob with_start_code(struct blob b, unsigned zeros)
{
	struct blob o = { .size = 0 };

	for (unsigned i = 0; i < zeros; i++)
		o.data[o.size++] = 0;
	o.data[o.size++] = 1;
	memcpy(o.data + o.size, b.data, b.size);
	o.size += b.size;
	return o;
}

/* ---- log capture ---- */

static unsigned n_errors, n_warnings;
static char last_error[512];

static void capture(void *opaque, enum v4l2r_log_level level, const char *msg)
{
	(void)opaque;
	if (level == V4L2R_LOG_ERROR) {
		n_errors++;
		snprintf(last_error, sizeof(last_error), "%s", msg);
	} else if (level == V4L2R_LOG_WARNING) {
		n_warnings++;
	}
}

static void setup(void)
{
	n_errors = n_warnings = 0;
	last_error[0] = 0;
	v4l2r_log_set_handler(capture, NULL, V4L2R_LOG_DEBUG);
}

static void teardown(void)
{
	v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_WARNING);
}

/* ---- reference resolver ---- */

struct resolver {
	VASurfaceID surface[16];
	uint64_t ts[16];
	unsigned n;
};

static uint64_t resolve(void *opaque, VASurfaceID s)
{
	const struct resolver *r = opaque;
	for (unsigned i = 0; i < r->n; i++)
		if (r->surface[i] == s)
			return r->ts[i];
	return 0;
}

static void resolver_add(struct resolver *r, VASurfaceID s, uint64_t ts)
{
	r->surface[r->n] = s;
	r->ts[r->n++] = ts;
}

/* ---- VA parameters of the fixture streams ---- */

static void pic_init(VAPictureH264 *p)
{
	h264_fx_pic_init(p);
}

static VAPictureH264 ref_frame(VASurfaceID s, unsigned frame_idx, int top,
			       int bottom, uint32_t flags)
{
	VAPictureH264 p;
	memset(&p, 0, sizeof(p));
	p.picture_id = s;
	p.frame_idx = frame_idx;
	p.TopFieldOrderCnt = top;
	p.BottomFieldOrderCnt = bottom;
	p.flags = flags;
	return p;
}

static void pp_blank(VAPictureParameterBufferH264 *pp)
{
	h264_fx_pp_blank(pp, TARGET);
}

/* high_cabac.params.trace: High, CABAC, 8x8 transform, weighted P,
 * implicit weighted B, POC type 0 (6 bit lsb), 4 refs, 320x240. */
static void pp_high_cabac(VAPictureParameterBufferH264 *pp)
{
	pp_blank(pp);
	pp->picture_width_in_mbs_minus1 = 19;
	pp->picture_height_in_mbs_minus1 = 14;
	pp->num_ref_frames = 4;
	pp->seq_fields.bits.chroma_format_idc = 1;
	pp->seq_fields.bits.frame_mbs_only_flag = 1;
	pp->seq_fields.bits.direct_8x8_inference_flag = 1;
	pp->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 = 2;
	pp->pic_init_qp_minus26 = -3;
	pp->chroma_qp_index_offset = -2;
	pp->second_chroma_qp_index_offset = -2;
	pp->pic_fields.bits.entropy_coding_mode_flag = 1;
	pp->pic_fields.bits.weighted_pred_flag = 1;
	pp->pic_fields.bits.weighted_bipred_idc = 2;
	pp->pic_fields.bits.transform_8x8_mode_flag = 1;
	pp->pic_fields.bits.deblocking_filter_control_present_flag = 1;
	pp->pic_fields.bits.reference_pic_flag = 1;
}

/* cavlc_4slices.params.trace (va-fixtures.c). */
static void pp_cavlc(VAPictureParameterBufferH264 *pp)
{
	h264_fx_pp_cavlc(pp, TARGET);
}

/* mbaff.params.trace: High, MBAFF, POC type 0 (4 bit lsb) with
 * delta_pic_order_cnt_bottom, 8 map units high (16 MB rows). */
static void pp_mbaff(VAPictureParameterBufferH264 *pp)
{
	pp_high_cabac(pp);
	pp->picture_height_in_mbs_minus1 = 15;
	pp->num_ref_frames = 3;
	pp->seq_fields.bits.frame_mbs_only_flag = 0;
	pp->seq_fields.bits.mb_adaptive_frame_field_flag = 1;
	pp->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 = 0;
	pp->pic_fields.bits.weighted_pred_flag = 0;
	pp->pic_fields.bits.pic_order_present_flag = 1;
}

static void sp_blank(VASliceParameterBufferH264 *sp, const struct blob *b,
		     unsigned header_bits, unsigned first_mb, unsigned type)
{
	memset(sp, 0, sizeof(*sp));
	sp->slice_data_size = b->size;
	sp->slice_data_bit_offset = (uint16_t)header_bits;
	sp->first_mb_in_slice = (uint16_t)first_mb;
	sp->slice_type = (uint8_t)type;
	for (unsigned i = 0; i < 32; i++) {
		pic_init(&sp->RefPicList0[i]);
		pic_init(&sp->RefPicList1[i]);
	}
}

/* ---- running the translation ---- */

struct run {
	void *state;
	VAPictureParameterBufferH264 pp;
	const VAIQMatrixBufferH264 *iq;
	VASliceParameterBufferH264 sp[260];
	struct va_slice slices[260];
	struct blob blobs[8];
	unsigned n;
	struct resolver res;
	struct v4l2r_decode_mode mode;
	VAProfile profile;
	unsigned bit_depth, max_width, max_height;	/* of the context: 0 unknown */
};

static struct run *run_new(bool slice_based)
{
	struct run *r = calloc(1, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	r->state = calloc(1, va_codec_h264.state_size);
	ck_assert_ptr_nonnull(r->state);
	r->mode.slice_based = slice_based;
	r->profile = VAProfileH264High;
	return r;
}

static void run_free(struct run *r)
{
	free(r->state);
	free(r);
}

static void run_add(struct run *r, const struct blob *b,
		    const VASliceParameterBufferH264 *sp)
{
	unsigned k = r->n < 8 ? r->n : 7;
	r->blobs[k] = *b;
	r->sp[r->n] = *sp;
	r->slices[r->n] = (struct va_slice){
		.params = &r->sp[r->n], .data = r->blobs[k].data,
		.size = r->blobs[k].size,
	};
	r->n++;
}

static VAStatus run_translate(struct run *r)
{
	struct va_picture_input in = {
		.pic_params = &r->pp, .iq_matrix = r->iq, .n_slices = r->n,
		.slices = r->slices, .target = r->pp.CurrPic.picture_id,
		.profile = r->profile, .bit_depth = r->bit_depth,
		.max_width = r->max_width, .max_height = r->max_height,
	};
	struct va_ref_resolver refs = { .timestamp = resolve, .opaque = &r->res };
	return va_codec_h264.translate(r->state, &in, &r->mode, &refs);
}

static const void *find_control(const struct va_request_plan *plan, uint32_t id,
				uint32_t size)
{
	for (unsigned i = 0; i < plan->n_controls; i++) {
		if (plan->controls[i].id == id) {
			ck_assert_uint_eq(plan->controls[i].size, size);
			return plan->controls[i].ptr;
		}
	}
	return NULL;
}

struct controls {
	const struct v4l2_ctrl_h264_sps *sps;
	const struct v4l2_ctrl_h264_pps *pps;
	const struct v4l2_ctrl_h264_scaling_matrix *sm;
	const struct v4l2_ctrl_h264_decode_params *dp;
	const struct v4l2_ctrl_h264_slice_params *sl;
	const struct v4l2_ctrl_h264_pred_weights *pw;
	unsigned n_controls, first_slice, n_slices;
};

static struct controls plan(struct run *r, unsigned i)
{
	struct v4l2_ext_control ctrls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan p = { .controls = ctrls };
	struct controls c;

	ck_assert_uint_lt(i, va_codec_h264.request_count(r->state, &r->mode));
	va_codec_h264.plan_request(r->state, &r->mode, i, &p);
	ck_assert_uint_le(p.n_controls, VA_CODEC_MAX_CONTROLS);
	c.sps = find_control(&p, V4L2_CID_STATELESS_H264_SPS,
			     sizeof(struct v4l2_ctrl_h264_sps));
	c.pps = find_control(&p, V4L2_CID_STATELESS_H264_PPS,
			     sizeof(struct v4l2_ctrl_h264_pps));
	c.sm = find_control(&p, V4L2_CID_STATELESS_H264_SCALING_MATRIX,
			    sizeof(struct v4l2_ctrl_h264_scaling_matrix));
	c.dp = find_control(&p, V4L2_CID_STATELESS_H264_DECODE_PARAMS,
			    sizeof(struct v4l2_ctrl_h264_decode_params));
	c.sl = find_control(&p, V4L2_CID_STATELESS_H264_SLICE_PARAMS,
			    sizeof(struct v4l2_ctrl_h264_slice_params));
	c.pw = find_control(&p, V4L2_CID_STATELESS_H264_PRED_WEIGHTS,
			    sizeof(struct v4l2_ctrl_h264_pred_weights));
	ck_assert_ptr_nonnull(c.sps);
	ck_assert_ptr_nonnull(c.pps);
	ck_assert_ptr_nonnull(c.sm);
	ck_assert_ptr_nonnull(c.dp);
	c.n_controls = p.n_controls;
	c.first_slice = p.first_slice;
	c.n_slices = p.n_slices;
	return c;
}

/* ---- a bit writer for synthetic headers (adds emulation prevention) ---- */

struct bw {
	uint8_t rbsp[128];
	unsigned bits;
};

static void bw_u(struct bw *w, unsigned n, uint32_t v)
{
	for (unsigned i = n; i-- > 0;) {
		if ((v >> i) & 1)
			w->rbsp[w->bits / 8] |= (uint8_t)(0x80 >> (w->bits % 8));
		w->bits++;
	}
}

static void bw_ue(struct bw *w, uint32_t v)
{
	uint64_t x = (uint64_t)v + 1;
	unsigned len = 0;
	while ((x >> len) > 1)
		len++;
	bw_u(w, len, 0);
	bw_u(w, len + 1, (uint32_t)x);
}

static void bw_se(struct bw *w, int32_t v)
{
	bw_ue(w, v > 0 ? (uint32_t)(2 * v - 1) : (uint32_t)(-2 * v));
}

/* Ends the header with some slice data and escapes the result. */
static struct blob bw_finish(struct bw *w, unsigned *epb)
{
	struct blob b = { .size = 0 };
	unsigned zeros = 0, bytes;

	bw_u(w, 8, 0xa5);
	bw_u(w, 8, 0x5a);
	bytes = (w->bits + 7) / 8;
	*epb = 0;
	for (unsigned i = 0; i < bytes; i++) {
		if (zeros >= 2 && w->rbsp[i] <= 3) {
			b.data[b.size++] = 3;
			(*epb)++;
			zeros = 0;
		}
		b.data[b.size++] = w->rbsp[i];
		zeros = w->rbsp[i] == 0 ? zeros + 1 : 0;
	}
	return b;
}

/* ================= tests ================= */

START_TEST(test_idr_cabac)
{
	for (int slice_based = 0; slice_based < 2; slice_based++) {
		for (unsigned sc = 0; sc < 3; sc++) {
			struct run *r = run_new(slice_based);
			struct blob b = load("cabac_idr");
			VASliceParameterBufferH264 sp;

			if (sc)	/* 00 00 01 and 00 00 00 01 in front */
				b = with_start_code(b, sc + 1);
			pp_high_cabac(&r->pp);
			sp_blank(&sp, &b, 42, 0, 2);
			sp.slice_qp_delta = -14;
			run_add(r, &b, &sp);
			ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
			ck_assert_uint_eq(va_codec_h264.request_count(r->state, &r->mode), 1);
			struct controls c = plan(r, 0);

			ck_assert_uint_eq(c.sps->profile_idc, 100);
			ck_assert_uint_eq(c.sps->constraint_set_flags, 0);
			ck_assert_uint_eq(c.sps->level_idc, 12);
			ck_assert_uint_eq(c.sps->chroma_format_idc, 1);
			ck_assert_uint_eq(c.sps->bit_depth_luma_minus8, 0);
			ck_assert_uint_eq(c.sps->log2_max_frame_num_minus4, 0);
			ck_assert_uint_eq(c.sps->pic_order_cnt_type, 0);
			ck_assert_uint_eq(c.sps->log2_max_pic_order_cnt_lsb_minus4, 2);
			ck_assert_uint_eq(c.sps->max_num_ref_frames, 4);
			ck_assert_uint_eq(c.sps->pic_width_in_mbs_minus1, 19);
			ck_assert_uint_eq(c.sps->pic_height_in_map_units_minus1, 14);
			ck_assert_uint_eq(c.sps->flags, V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY |
					  V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE);

			ck_assert_uint_eq(c.pps->pic_parameter_set_id, 0);
			ck_assert_uint_eq(c.pps->weighted_bipred_idc, 2);
			ck_assert_int_eq(c.pps->pic_init_qp_minus26, -3);
			ck_assert_int_eq(c.pps->pic_init_qs_minus26, 0);
			ck_assert_int_eq(c.pps->chroma_qp_index_offset, -2);
			ck_assert_int_eq(c.pps->second_chroma_qp_index_offset, -2);
			ck_assert_uint_eq(c.pps->flags, V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE |
					  V4L2_H264_PPS_FLAG_WEIGHTED_PRED |
					  V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT |
					  V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE);

			/* No IQ matrix sent: flat 16. */
			for (unsigned i = 0; i < 6; i++) {
				for (unsigned j = 0; j < 16; j++)
					ck_assert_uint_eq(c.sm->scaling_list_4x4[i][j], 16);
				for (unsigned j = 0; j < 64; j++)
					ck_assert_uint_eq(c.sm->scaling_list_8x8[i][j], 16);
			}

			ck_assert_uint_eq(c.dp->nal_ref_idc, 3);
			ck_assert_uint_eq(c.dp->frame_num, 0);
			ck_assert_uint_eq(c.dp->idr_pic_id, 0);
			ck_assert_uint_eq(c.dp->pic_order_cnt_lsb, 0);
			ck_assert_uint_eq(c.dp->pic_order_cnt_bit_size, 6);
			ck_assert_uint_eq(c.dp->dec_ref_pic_marking_bit_size, 2);
			ck_assert_uint_eq(c.dp->flags, V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC);
			for (unsigned i = 0; i < 16; i++)
				ck_assert_uint_eq(c.dp->dpb[i].flags, 0);

			if (!slice_based) {
				ck_assert_uint_eq(c.n_controls, 4);
				ck_assert_ptr_null(c.sl);
				ck_assert_uint_eq(c.first_slice, 0);
				ck_assert_uint_eq(c.n_slices, 1);
			} else {
				ck_assert_uint_eq(c.n_controls, 5);
				ck_assert_ptr_nonnull(c.sl);
				ck_assert_ptr_null(c.pw);
				/* Counted from the NAL header, the start code left out. */
				ck_assert_uint_eq(c.sl->header_bit_size, 42);
				ck_assert_uint_eq(c.sl->first_mb_in_slice, 0);
				ck_assert_uint_eq(c.sl->slice_type, V4L2_H264_SLICE_TYPE_I);
				ck_assert_int_eq(c.sl->slice_qp_delta, -14);
				ck_assert_uint_eq(c.sl->disable_deblocking_filter_idc, 0);
				ck_assert_uint_eq(c.sl->num_ref_idx_l0_active_minus1, 0);
				ck_assert_uint_eq(c.sl->flags, 0);
			}
			ck_assert_uint_eq(n_errors, 0);
			run_free(r);
		}
	}
}
END_TEST

/* The P picture of high_cabac with its DPB: refs (surface, FrameNum, POC)
 * 0x10 (0, 0) IDR, 0x11 (1, 6), 0x12 (2, 2, a reference B). */
static void p_weighted_setup(struct run *r)
{
	struct blob b = load("cabac_p_weighted");
	VASliceParameterBufferH264 sp;
	const uint32_t st = VA_PICTURE_H264_SHORT_TERM_REFERENCE;

	pp_high_cabac(&r->pp);
	r->pp.frame_num = 3;
	r->pp.CurrPic.TopFieldOrderCnt = 12;
	r->pp.CurrPic.BottomFieldOrderCnt = 12;
	r->pp.ReferenceFrames[0] = ref_frame(0x11, 1, 6, 6, st);
	r->pp.ReferenceFrames[1] = ref_frame(0x12, 2, 2, 2, st);
	r->pp.ReferenceFrames[2] = ref_frame(0x10, 0, 0, 0, st);
	resolver_add(&r->res, 0x10, 1000);
	resolver_add(&r->res, 0x11, 2000);
	resolver_add(&r->res, 0x12, 3000);

	sp_blank(&sp, &b, 193, 0, 0);
	sp.num_ref_idx_l0_active_minus1 = 4;
	sp.slice_qp_delta = 4;
	sp.luma_log2_weight_denom = 5;
	/* x264 repeats references to weight them differently. */
	sp.RefPicList0[0] = ref_frame(0x11, 1, 6, 6, st);
	sp.RefPicList0[1] = ref_frame(0x11, 1, 6, 6, st);
	sp.RefPicList0[2] = ref_frame(0x12, 2, 2, 2, st);
	sp.RefPicList0[3] = ref_frame(0x10, 0, 0, 0, st);
	sp.RefPicList0[4] = ref_frame(0x12, 2, 2, 2, st);
	run_add(r, &b, &sp);
}

START_TEST(test_p_weighted)
{
	struct run *r = run_new(true);

	p_weighted_setup(r);
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	struct controls c = plan(r, 0);

	ck_assert_uint_eq(c.n_controls, 6);
	ck_assert_uint_eq(c.dp->nal_ref_idc, 2);
	ck_assert_uint_eq(c.dp->frame_num, 3);
	ck_assert_uint_eq(c.dp->pic_order_cnt_lsb, 12);
	ck_assert_int_eq(c.dp->top_field_order_cnt, 12);
	ck_assert_int_eq(c.dp->bottom_field_order_cnt, 12);
	ck_assert_uint_eq(c.dp->pic_order_cnt_bit_size, 6);
	ck_assert_uint_eq(c.dp->dec_ref_pic_marking_bit_size, 1);
	ck_assert_uint_eq(c.dp->flags, V4L2_H264_DECODE_PARAM_FLAG_PFRAME);

	/* DPB in ReferenceFrames order, timestamps from the resolver. */
	static const struct { uint64_t ts; unsigned fn; int poc; } dpb[] = {
		{ 2000, 1, 6 }, { 3000, 2, 2 }, { 1000, 0, 0 },
	};
	for (unsigned i = 0; i < 3; i++) {
		const struct v4l2_h264_dpb_entry *e = &c.dp->dpb[i];
		ck_assert_uint_eq(e->reference_ts, dpb[i].ts);
		ck_assert_uint_eq(e->frame_num, dpb[i].fn);
		ck_assert_uint_eq(e->pic_num, dpb[i].fn);
		ck_assert_uint_eq(e->fields, V4L2_H264_FRAME_REF);
		ck_assert_int_eq(e->top_field_order_cnt, dpb[i].poc);
		ck_assert_int_eq(e->bottom_field_order_cnt, dpb[i].poc);
		ck_assert_uint_eq(e->flags, V4L2_H264_DPB_ENTRY_FLAG_VALID |
				  V4L2_H264_DPB_ENTRY_FLAG_ACTIVE);
	}
	ck_assert_uint_eq(c.dp->dpb[3].flags, 0);

	ck_assert_uint_eq(c.sl->header_bit_size, 193);
	ck_assert_uint_eq(c.sl->slice_type, V4L2_H264_SLICE_TYPE_P);
	ck_assert_uint_eq(c.sl->num_ref_idx_l0_active_minus1, 4);
	ck_assert_uint_eq(c.sl->num_ref_idx_l1_active_minus1, 0);
	ck_assert_uint_eq(c.sl->cabac_init_idc, 0);
	ck_assert_int_eq(c.sl->slice_qp_delta, 4);
	static const uint8_t index[5] = { 0, 0, 1, 2, 1 };
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_uint_eq(c.sl->ref_pic_list0[i].index, index[i]);
		ck_assert_uint_eq(c.sl->ref_pic_list0[i].fields, V4L2_H264_FRAME_REF);
	}

	/* From the trace: denominators 5 and 0, two explicit entries. */
	ck_assert_ptr_nonnull(c.pw);
	ck_assert_uint_eq(c.pw->luma_log2_weight_denom, 5);
	ck_assert_uint_eq(c.pw->chroma_log2_weight_denom, 0);
	const struct v4l2_h264_weight_factors *f = &c.pw->weight_factors[0];
	ck_assert_int_eq(f->luma_weight[0], 65);
	ck_assert_int_eq(f->luma_offset[0], -17);
	ck_assert_int_eq(f->chroma_weight[0][0], 2);
	ck_assert_int_eq(f->chroma_offset[0][0], -128);
	ck_assert_int_eq(f->chroma_weight[0][1], 2);
	ck_assert_int_eq(f->chroma_offset[0][1], -128);
	ck_assert_int_eq(f->luma_weight[1], 65);
	ck_assert_int_eq(f->luma_offset[1], -18);
	ck_assert_int_eq(f->chroma_weight[1][0], 1);	/* inferred */
	ck_assert_int_eq(f->chroma_offset[1][1], 0);
	for (unsigned i = 2; i < 5; i++) {
		ck_assert_int_eq(f->luma_weight[i], 32);	/* 1 << 5 */
		ck_assert_int_eq(f->luma_offset[i], 0);
		ck_assert_int_eq(f->chroma_weight[i][0], 1);
	}
	ck_assert_int_eq(f->luma_weight[5], 0);
	ck_assert_int_eq(c.pw->weight_factors[1].luma_weight[0], 0);

	/* Every slice overrides the counts: the default is not known yet. */
	ck_assert_uint_eq(c.pps->num_ref_idx_l0_default_active_minus1, 4);
	ck_assert_uint_eq(n_errors, 0);
	ck_assert_uint_eq(n_warnings, 0);
	run_free(r);
}
END_TEST

/* A reference B of high_cabac with MMCOs; no override, so VA's counts are
 * the PPS defaults (2, 0), which later pictures then reuse. */
START_TEST(test_b_ref_mmco)
{
	struct run *r = run_new(true);
	struct blob b = load("cabac_b_ref_mmco");
	VASliceParameterBufferH264 sp;
	const uint32_t st = VA_PICTURE_H264_SHORT_TERM_REFERENCE;

	pp_high_cabac(&r->pp);
	r->pp.frame_num = 4;
	r->pp.CurrPic.TopFieldOrderCnt = 8;
	r->pp.CurrPic.BottomFieldOrderCnt = 8;
	r->pp.ReferenceFrames[0] = ref_frame(0x13, 3, 12, 12, st);
	r->pp.ReferenceFrames[1] = ref_frame(0x11, 1, 6, 6, st);
	r->pp.ReferenceFrames[2] = ref_frame(0x12, 2, 2, 2, st);
	r->pp.ReferenceFrames[3] = ref_frame(0x10, 0, 0, 0, st);
	for (unsigned i = 0; i < 4; i++)
		resolver_add(&r->res, 0x10 + i, 1000 * (i + 1));
	sp_blank(&sp, &b, 56, 0, 1);
	sp.direct_spatial_mv_pred_flag = 1;
	sp.num_ref_idx_l0_active_minus1 = 2;
	sp.slice_qp_delta = 6;
	sp.RefPicList0[0] = ref_frame(0x11, 1, 6, 6, st);
	sp.RefPicList0[1] = ref_frame(0x12, 2, 2, 2, st);
	sp.RefPicList0[2] = ref_frame(0x10, 0, 0, 0, st);
	sp.RefPicList1[0] = ref_frame(0x13, 3, 12, 12, st);
	run_add(r, &b, &sp);
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	struct controls c = plan(r, 0);

	ck_assert_uint_eq(c.n_controls, 5);	/* implicit weights: none sent */
	ck_assert_ptr_null(c.pw);
	ck_assert_uint_eq(c.dp->nal_ref_idc, 2);
	ck_assert_uint_eq(c.dp->dec_ref_pic_marking_bit_size, 16);
	ck_assert_uint_eq(c.dp->pic_order_cnt_bit_size, 6);
	ck_assert_uint_eq(c.dp->flags, V4L2_H264_DECODE_PARAM_FLAG_BFRAME);
	ck_assert_uint_eq(c.sl->header_bit_size, 56);
	ck_assert_uint_eq(c.sl->slice_type, V4L2_H264_SLICE_TYPE_B);
	ck_assert_uint_eq(c.sl->flags, V4L2_H264_SLICE_FLAG_DIRECT_SPATIAL_MV_PRED);
	ck_assert_uint_eq(c.sl->num_ref_idx_l0_active_minus1, 2);
	ck_assert_uint_eq(c.sl->num_ref_idx_l1_active_minus1, 0);
	ck_assert_uint_eq(c.sl->ref_pic_list0[0].index, 1);
	ck_assert_uint_eq(c.sl->ref_pic_list0[1].index, 2);
	ck_assert_uint_eq(c.sl->ref_pic_list0[2].index, 3);
	ck_assert_uint_eq(c.sl->ref_pic_list1[0].index, 0);
	ck_assert_uint_eq(c.sl->ref_pic_list1[0].fields, V4L2_H264_FRAME_REF);
	ck_assert_uint_eq(c.dp->dpb[0].reference_ts, 4000);
	ck_assert_uint_eq(c.pps->num_ref_idx_l0_default_active_minus1, 2);
	ck_assert_uint_eq(c.pps->num_ref_idx_l1_default_active_minus1, 0);

	/* The next picture overrides its counts, but the PPS defaults learnt
	 * here stay. */
	struct run *r2 = run_new(false);
	free(r2->state);
	r2->state = r->state;
	p_weighted_setup(r2);
	ck_assert_int_eq(run_translate(r2), VA_STATUS_SUCCESS);
	c = plan(r2, 0);
	ck_assert_uint_eq(c.pps->num_ref_idx_l0_default_active_minus1, 2);
	ck_assert_uint_eq(c.n_controls, 4);
	r2->state = NULL;
	run_free(r2);
	run_free(r);
}
END_TEST

START_TEST(test_b_nonref)
{
	struct run *r = run_new(true);
	struct blob b = load("cabac_b_nonref");
	VASliceParameterBufferH264 sp;
	const uint32_t st = VA_PICTURE_H264_SHORT_TERM_REFERENCE;

	pp_high_cabac(&r->pp);
	r->pp.frame_num = 5;
	r->pp.pic_fields.bits.reference_pic_flag = 0;
	r->pp.ReferenceFrames[0] = ref_frame(0x12, 2, 2, 2, st);
	r->pp.ReferenceFrames[1] = ref_frame(0x13, 3, 12, 12, st);
	resolver_add(&r->res, 0x12, 7);
	resolver_add(&r->res, 0x13, 9);
	sp_blank(&sp, &b, 46, 0, 1);
	sp.direct_spatial_mv_pred_flag = 1;
	sp.num_ref_idx_l0_active_minus1 = 1;
	sp.slice_qp_delta = 8;
	sp.RefPicList0[0] = ref_frame(0x12, 2, 2, 2, st);
	sp.RefPicList0[1] = ref_frame(0x13, 3, 12, 12, st);
	sp.RefPicList1[0] = ref_frame(0x13, 3, 12, 12, st);
	run_add(r, &b, &sp);
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	struct controls c = plan(r, 0);
	ck_assert_uint_eq(c.dp->nal_ref_idc, 0);
	ck_assert_uint_eq(c.dp->dec_ref_pic_marking_bit_size, 0);
	ck_assert_uint_eq(c.dp->pic_order_cnt_lsb, 10);
	ck_assert_uint_eq(c.sl->header_bit_size, 46);
	ck_assert_uint_eq(c.sl->ref_pic_list0[1].index, 1);
	ck_assert_uint_eq(c.sl->ref_pic_list1[0].index, 1);
	ck_assert_uint_eq(n_warnings, 0);
	run_free(r);
}
END_TEST

START_TEST(test_cavlc_4_slices)
{
	const struct h264_fx_slice *fx = h264_fx_cavlc_idr;

	for (int slice_based = 0; slice_based < 2; slice_based++) {
		struct run *r = run_new(slice_based);

		pp_cavlc(&r->pp);
		r->profile = slice_based ? VAProfileH264ConstrainedBaseline :
			VAProfileNone;	/* unknown: derived from the tools used */
		for (unsigned i = 0; i < 4; i++) {
			struct blob b = load(fx[i].name);
			VASliceParameterBufferH264 sp;
			sp_blank(&sp, &b, fx[i].header_bits, fx[i].first_mb,
				 fx[i].slice_type);
			sp.slice_qp_delta = (int8_t)fx[i].qp_delta;
			run_add(r, &b, &sp);
		}
		ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
		unsigned n = va_codec_h264.request_count(r->state, &r->mode);
		ck_assert_uint_eq(n, slice_based ? 4 : 1);
		for (unsigned i = 0; i < n; i++) {
			struct controls c = plan(r, i);
			ck_assert_uint_eq(c.sps->profile_idc, 66);
			ck_assert_uint_eq(c.sps->constraint_set_flags,
					  V4L2_H264_SPS_CONSTRAINT_SET1_FLAG);
			ck_assert_uint_eq(c.sps->pic_order_cnt_type, 2);
			ck_assert_uint_eq(c.sps->max_num_ref_frames, 3);
			ck_assert_uint_eq(c.pps->flags,
					  V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT);
			ck_assert_uint_eq(c.dp->flags, V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC);
			ck_assert_uint_eq(c.dp->pic_order_cnt_bit_size, 0);
			ck_assert_uint_eq(c.dp->dec_ref_pic_marking_bit_size, 2);
			if (!slice_based) {
				ck_assert_uint_eq(c.first_slice, 0);
				ck_assert_uint_eq(c.n_slices, 4);
				ck_assert_ptr_null(c.sl);
				continue;
			}
			ck_assert_uint_eq(c.first_slice, i);
			ck_assert_uint_eq(c.n_slices, 1);
			ck_assert_uint_eq(c.sl->first_mb_in_slice, fx[i].first_mb);
			ck_assert_uint_eq(c.sl->header_bit_size, fx[i].header_bits);
			ck_assert_int_eq(c.sl->slice_qp_delta, fx[i].qp_delta);
			ck_assert_uint_eq(c.sl->slice_type, V4L2_H264_SLICE_TYPE_I);
		}
		ck_assert_uint_eq(n_errors, 0);
		run_free(r);
	}
}
END_TEST

/* The IDR picture of cavlc_4slices in a 320x240 8-bit context, spoilt
 * one way: refused with the field named, and the next one decodes. */
START_TEST(test_context_format)
{
	static const struct {
		const char *field;
		VAStatus status;
	} want[] = {
		{ NULL, VA_STATUS_SUCCESS },
		{ "picture_width/height_in_mbs_minus1", VA_STATUS_ERROR_INVALID_PARAMETER },
		{ "picture_width/height_in_mbs_minus1", VA_STATUS_ERROR_INVALID_PARAMETER },
		{ "chroma_format_idc 2", VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT },
		{ "bit_depth_luma_minus8 2", VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT },
		{ "ScalingList4x4[5][15] = 0", VA_STATUS_ERROR_INVALID_PARAMETER },
		{ "ScalingList8x8[1][3] = 0", VA_STATUS_ERROR_INVALID_PARAMETER },
		{ NULL, VA_STATUS_SUCCESS },	/* 8x8 lists unused: not read */
	};
	static VAIQMatrixBufferH264 iq;

	for (unsigned k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		struct run *r = run_new(false);

		pp_cavlc(&r->pp);
		r->bit_depth = 8;
		r->max_width = 320;
		r->max_height = 240;
		for (unsigned i = 0; i < 4; i++) {
			const struct h264_fx_slice *fx = &h264_fx_cavlc_idr[i];
			struct blob b = load(fx->name);
			VASliceParameterBufferH264 sp;
			sp_blank(&sp, &b, fx->header_bits, fx->first_mb,
				 fx->slice_type);
			sp.slice_qp_delta = (int8_t)fx->qp_delta;
			run_add(r, &b, &sp);
		}
		memset(&iq, 16, sizeof(iq));
		switch (k) {
		case 1: r->pp.picture_width_in_mbs_minus1 = 20; break;
		case 2: r->pp.picture_height_in_mbs_minus1 = 15; break;
		case 3: r->pp.seq_fields.bits.chroma_format_idc = 2; break;
		case 4: r->pp.bit_depth_luma_minus8 = 2; break;
		case 5: iq.ScalingList4x4[5][15] = 0; r->iq = &iq; break;
		case 6: iq.ScalingList8x8[1][3] = 0; r->iq = &iq;
			r->pp.pic_fields.bits.transform_8x8_mode_flag = 1; break;
		case 7: iq.ScalingList8x8[1][3] = 0; r->iq = &iq; break;
		}
		last_error[0] = '\0';
		ck_assert_int_eq(run_translate(r), want[k].status);
		if (want[k].field)
			ck_assert_msg(strstr(last_error, want[k].field),
				      "case %u: \"%s\" does not name %s", k,
				      last_error, want[k].field);
		run_free(r);
	}
}
END_TEST

START_TEST(test_cavlc_p)
{
	struct run *r = run_new(true);
	const struct h264_fx_slice *fx = &h264_fx_cavlc_p;
	struct blob b = load(fx->name);
	VASliceParameterBufferH264 sp;

	pp_cavlc(&r->pp);
	r->pp.frame_num = 1;
	r->pp.ReferenceFrames[0] = ref_frame(0x20, 0, 0, 0,
					     VA_PICTURE_H264_SHORT_TERM_REFERENCE);
	resolver_add(&r->res, 0x20, 555);
	sp_blank(&sp, &b, fx->header_bits, fx->first_mb, fx->slice_type);
	sp.slice_qp_delta = (int8_t)fx->qp_delta;
	sp.RefPicList0[0] = r->pp.ReferenceFrames[0];
	run_add(r, &b, &sp);
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	struct controls c = plan(r, 0);
	ck_assert_uint_eq(c.sl->header_bit_size, 47);
	ck_assert_uint_eq(c.sl->first_mb_in_slice, 80);
	ck_assert_uint_eq(c.sl->slice_type, V4L2_H264_SLICE_TYPE_P);
	ck_assert_uint_eq(c.sl->ref_pic_list0[0].index, 0);
	ck_assert_uint_eq(c.dp->dpb[0].reference_ts, 555);
	ck_assert_uint_eq(c.dp->dec_ref_pic_marking_bit_size, 1);
	ck_assert_uint_eq(c.dp->flags, V4L2_H264_DECODE_PARAM_FLAG_PFRAME);
	run_free(r);
}
END_TEST

START_TEST(test_mbaff)
{
	static const struct {
		const char *name;
		unsigned type, bits, frame_num, lsb, ref_idc, marking;
		int qp;
	} pics[] = {
		{ "mbaff_idr", 2, 42, 0, 1, 3, 2, 5 },
		{ "mbaff_p", 0, 42, 1, 5, 2, 1, 6 },
		{ "mbaff_b", 1, 46, 2, 3, 0, 0, 10 },
	};
	const uint32_t st = VA_PICTURE_H264_SHORT_TERM_REFERENCE;

	for (unsigned k = 0; k < 3; k++) {
		struct run *r = run_new(true);
		struct blob b = load(pics[k].name);
		VASliceParameterBufferH264 sp;

		pp_mbaff(&r->pp);
		r->pp.frame_num = (uint16_t)pics[k].frame_num;
		r->pp.pic_fields.bits.reference_pic_flag = pics[k].ref_idc != 0;
		r->pp.CurrPic.TopFieldOrderCnt = (int)pics[k].lsb;
		r->pp.CurrPic.BottomFieldOrderCnt = (int)pics[k].lsb - 1;
		r->pp.ReferenceFrames[0] = ref_frame(0x30, 0, 1, 0, st);
		r->pp.ReferenceFrames[1] = ref_frame(0x31, 1, 5, 4, st);
		resolver_add(&r->res, 0x30, 10);
		resolver_add(&r->res, 0x31, 20);
		sp_blank(&sp, &b, pics[k].bits, 0, pics[k].type);
		sp.slice_qp_delta = (int8_t)pics[k].qp;
		sp.direct_spatial_mv_pred_flag = pics[k].type == 1;
		sp.RefPicList0[0] = ref_frame(0x30, 0, 1, 0, st);
		sp.RefPicList1[0] = ref_frame(0x31, 1, 5, 4, st);
		run_add(r, &b, &sp);
		ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
		struct controls c = plan(r, 0);

		ck_assert_uint_eq(c.sps->flags, V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD |
				  V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE);
		ck_assert_uint_eq(c.sps->pic_height_in_map_units_minus1, 7);
		ck_assert_uint_eq(c.pps->flags & V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT,
				  V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT);
		/* MBAFF pictures are frames. */
		ck_assert_uint_eq(c.dp->flags & (V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC |
						 V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD), 0);
		ck_assert_uint_eq(c.dp->nal_ref_idc, pics[k].ref_idc);
		ck_assert_uint_eq(c.dp->frame_num, pics[k].frame_num);
		ck_assert_uint_eq(c.dp->pic_order_cnt_lsb, pics[k].lsb);
		ck_assert_int_eq(c.dp->delta_pic_order_cnt_bottom, -1);
		ck_assert_uint_eq(c.dp->pic_order_cnt_bit_size, 7);
		ck_assert_uint_eq(c.dp->dec_ref_pic_marking_bit_size, pics[k].marking);
		ck_assert_int_eq(c.dp->top_field_order_cnt, (int)pics[k].lsb);
		ck_assert_int_eq(c.dp->bottom_field_order_cnt, (int)pics[k].lsb - 1);
		ck_assert_uint_eq(c.sl->header_bit_size, pics[k].bits);
		ck_assert_int_eq(c.sl->slice_qp_delta, pics[k].qp);
		ck_assert_uint_eq(c.dp->dpb[1].top_field_order_cnt, 5);
		ck_assert_uint_eq(c.dp->dpb[1].bottom_field_order_cnt, 4);
		ck_assert_uint_eq(c.dp->dpb[1].flags & V4L2_H264_DPB_ENTRY_FLAG_FIELD, 0);
		if (pics[k].type != 2)
			ck_assert_uint_eq(c.sl->ref_pic_list0[0].fields, V4L2_H264_FRAME_REF);
		if (pics[k].type == 1)
			ck_assert_uint_eq(c.sl->ref_pic_list1[0].index, 1);
		ck_assert_uint_eq(n_errors, 0);
		run_free(r);
	}
}
END_TEST

/* A field slice header as an encoder making field pictures would write it
 * (the mbaff stream's SPS/PPS with MBAFF off, so slices say field_pic). */
static struct blob field_slice_mmco(bool idr, bool bottom, unsigned type,
				    unsigned frame_num, unsigned lsb,
				    bool mmco5, unsigned *header_bits)
{
	struct bw w;
	unsigned epb;

	memset(&w, 0, sizeof(w));
	bw_u(&w, 1, 0);
	bw_u(&w, 2, idr ? 3 : 2);
	bw_u(&w, 5, idr ? 5 : 1);
	bw_ue(&w, 0);		/* first_mb_in_slice */
	bw_ue(&w, type + 5);	/* slice_type */
	bw_ue(&w, 0);		/* pic_parameter_set_id */
	bw_u(&w, 4, frame_num);
	bw_u(&w, 1, 1);		/* field_pic_flag */
	bw_u(&w, 1, bottom);
	if (idr)
		bw_ue(&w, 1);	/* idr_pic_id */
	bw_u(&w, 4, lsb);	/* no delta_pic_order_cnt_bottom in fields */
	if (type == 0) {
		bw_u(&w, 1, 1);	/* num_ref_idx_active_override_flag */
		bw_ue(&w, 1);	/* two field references */
		bw_u(&w, 1, 0);	/* ref_pic_list_modification_flag_l0 */
	}
	if (idr) {
		bw_u(&w, 1, 0);
		bw_u(&w, 1, 0);
	} else if (mmco5) {
		bw_u(&w, 1, 1);	/* adaptive_ref_pic_marking_mode_flag */
		bw_ue(&w, 5);	/* memory_management_control_operation 5 */
		bw_ue(&w, 0);
	} else {
		bw_u(&w, 1, 0);	/* adaptive_ref_pic_marking_mode_flag */
	}
	if (type == 0)
		bw_ue(&w, 1);	/* cabac_init_idc */
	bw_se(&w, -3);		/* slice_qp_delta */
	bw_ue(&w, 1);		/* deblocking off */
	*header_bits = w.bits;
	return bw_finish(&w, &epb);
}

static struct blob field_slice(bool idr, bool bottom, unsigned type,
			       unsigned frame_num, unsigned lsb,
			       unsigned *header_bits)
{
	return field_slice_mmco(idr, bottom, type, frame_num, lsb, false,
				header_bits);
}

START_TEST(test_field_pictures)
{
	struct run *r = run_new(true);
	unsigned bits;
	struct blob b;
	VASliceParameterBufferH264 sp;
	const uint32_t st = VA_PICTURE_H264_SHORT_TERM_REFERENCE;

	/* Top field, IDR, into surface 0x50. */
	pp_mbaff(&r->pp);
	r->pp.seq_fields.bits.mb_adaptive_frame_field_flag = 0;
	r->pp.CurrPic.picture_id = 0x50;
	r->pp.CurrPic.flags = VA_PICTURE_H264_TOP_FIELD;
	r->pp.pic_fields.bits.field_pic_flag = 1;
	b = field_slice(true, false, 2, 0, 0, &bits);
	sp_blank(&sp, &b, bits, 0, 2);
	sp.slice_qp_delta = -3;
	sp.disable_deblocking_filter_idc = 1;
	run_add(r, &b, &sp);
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	struct controls c = plan(r, 0);
	ck_assert_uint_eq(c.dp->flags, V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC |
			  V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC);
	ck_assert_uint_eq(c.dp->idr_pic_id, 1);
	ck_assert_uint_eq(c.dp->pic_order_cnt_bit_size, 4);
	ck_assert_uint_eq(c.sl->header_bit_size, bits);
	ck_assert_uint_eq(c.sl->disable_deblocking_filter_idc, 1);
	ck_assert_uint_eq(c.sps->flags & (V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY |
					  V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD), 0);

	/* Bottom field of the same frame, P, predicted from the top one. */
	r->n = 0;
	resolver_add(&r->res, 0x50, 5000);
	r->pp.CurrPic.flags = VA_PICTURE_H264_BOTTOM_FIELD;
	r->pp.CurrPic.TopFieldOrderCnt = 0;
	r->pp.CurrPic.BottomFieldOrderCnt = 1;
	r->pp.pic_fields.bits.reference_pic_flag = 1;
	r->pp.ReferenceFrames[0] = ref_frame(0x50, 0, 0, 0,
					     st | VA_PICTURE_H264_TOP_FIELD);
	b = field_slice(false, true, 0, 0, 1, &bits);
	sp_blank(&sp, &b, bits, 0, 0);
	sp.num_ref_idx_l0_active_minus1 = 1;
	sp.cabac_init_idc = 1;
	sp.slice_qp_delta = -3;
	sp.disable_deblocking_filter_idc = 1;
	sp.RefPicList0[0] = ref_frame(0x50, 0, 0, 0, st | VA_PICTURE_H264_TOP_FIELD);
	/* Only one field exists yet: the second entry is a hole. */
	run_add(r, &b, &sp);
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	c = plan(r, 0);
	ck_assert_uint_eq(c.dp->flags, V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC |
			  V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD |
			  V4L2_H264_DECODE_PARAM_FLAG_PFRAME);
	ck_assert_int_eq(c.dp->top_field_order_cnt, 0);
	ck_assert_int_eq(c.dp->bottom_field_order_cnt, 1);
	ck_assert_uint_eq(c.dp->dpb[0].reference_ts, 5000);
	ck_assert_uint_eq(c.dp->dpb[0].fields, V4L2_H264_TOP_FIELD_REF);
	/* The first field was decoded as a field picture. */
	ck_assert_uint_eq(c.dp->dpb[0].flags, V4L2_H264_DPB_ENTRY_FLAG_VALID |
			  V4L2_H264_DPB_ENTRY_FLAG_ACTIVE |
			  V4L2_H264_DPB_ENTRY_FLAG_FIELD);
	/* Opposite parity: PicNum = 2 * FrameNumWrap. */
	ck_assert_uint_eq(c.dp->dpb[0].pic_num, 0);
	ck_assert_uint_eq(c.sl->ref_pic_list0[0].index, 0);
	ck_assert_uint_eq(c.sl->ref_pic_list0[0].fields, V4L2_H264_TOP_FIELD_REF);
	ck_assert_uint_eq(c.sl->ref_pic_list0[1].index, 0);
	ck_assert_uint_lt(c.sl->ref_pic_list0[1].index, 16);
	ck_assert_uint_eq(c.sl->num_ref_idx_l0_active_minus1, 1);
	ck_assert_uint_eq(c.sl->cabac_init_idc, 1);
	ck_assert_uint_gt(n_warnings, 0);	/* the hole */

	/* Next frame's top field (surface 0x51), P, from both fields. */
	r->n = 0;
	r->pp.CurrPic.picture_id = 0x51;
	r->pp.CurrPic.flags = VA_PICTURE_H264_TOP_FIELD;
	r->pp.CurrPic.TopFieldOrderCnt = 4;
	r->pp.CurrPic.BottomFieldOrderCnt = 0;
	r->pp.frame_num = 1;
	r->pp.ReferenceFrames[0] = ref_frame(0x50, 0, 0, 1, st);
	b = field_slice(false, false, 0, 1, 4, &bits);
	sp_blank(&sp, &b, bits, 0, 0);
	sp.num_ref_idx_l0_active_minus1 = 1;
	sp.cabac_init_idc = 1;
	sp.slice_qp_delta = -3;
	sp.disable_deblocking_filter_idc = 1;
	sp.RefPicList0[0] = ref_frame(0x50, 0, 0, 1, st | VA_PICTURE_H264_TOP_FIELD);
	sp.RefPicList0[1] = ref_frame(0x50, 0, 0, 1, st | VA_PICTURE_H264_BOTTOM_FIELD);
	run_add(r, &b, &sp);
	n_warnings = 0;
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	c = plan(r, 0);
	ck_assert_uint_eq(c.dp->flags, V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC |
			  V4L2_H264_DECODE_PARAM_FLAG_PFRAME);
	ck_assert_uint_eq(c.dp->frame_num, 1);
	ck_assert_uint_eq(c.dp->dpb[0].fields, V4L2_H264_FRAME_REF);
	ck_assert_int_eq(c.dp->dpb[0].top_field_order_cnt, 0);
	ck_assert_int_eq(c.dp->dpb[0].bottom_field_order_cnt, 1);
	ck_assert_uint_eq(c.dp->dpb[0].flags & V4L2_H264_DPB_ENTRY_FLAG_FIELD,
			  V4L2_H264_DPB_ENTRY_FLAG_FIELD);
	/* Same parity (top) is a reference: 2 * FrameNumWrap + 1. */
	ck_assert_uint_eq(c.dp->dpb[0].pic_num, 1);
	ck_assert_uint_eq(c.sl->ref_pic_list0[0].fields, V4L2_H264_TOP_FIELD_REF);
	ck_assert_uint_eq(c.sl->ref_pic_list0[1].fields, V4L2_H264_BOTTOM_FIELD_REF);
	ck_assert_uint_eq(c.sl->ref_pic_list0[1].index, 0);
	ck_assert_uint_eq(n_warnings, 0);

	/* The same pair listed once per field: one DPB entry. */
	r->pp.ReferenceFrames[0] = ref_frame(0x50, 0, 0, 0, st | VA_PICTURE_H264_TOP_FIELD);
	r->pp.ReferenceFrames[1] = ref_frame(0x50, 0, 0, 1, st | VA_PICTURE_H264_BOTTOM_FIELD);
	r->pp.ReferenceFrames[1].TopFieldOrderCnt = 99;	/* not its field */
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	c = plan(r, 0);
	ck_assert_uint_eq(c.dp->dpb[0].fields, V4L2_H264_FRAME_REF);
	ck_assert_int_eq(c.dp->dpb[0].top_field_order_cnt, 0);
	ck_assert_int_eq(c.dp->dpb[0].bottom_field_order_cnt, 1);
	ck_assert_uint_eq(c.dp->dpb[1].flags, 0);
	ck_assert_uint_eq(c.sl->ref_pic_list0[1].index, 0);
	ck_assert_uint_eq(c.sl->ref_pic_list0[1].fields, V4L2_H264_BOTTOM_FIELD_REF);
	ck_assert_uint_eq(n_errors, 0);
	run_free(r);
}
END_TEST

/* One field picture of the field_slice() stream as FFmpeg sends it: its
 * picture order counts 2^16 above clause 8.2.1's (FFmpeg starts
 * PicOrderCntMsb there after an IDR picture). */
static void ffmpeg_field(struct run *r, VASurfaceID surface, bool idr,
			 bool bottom, unsigned type, unsigned frame_num,
			 int top_poc, int bottom_poc, bool mmco5)
{
	VASliceParameterBufferH264 sp;
	unsigned bits;
	struct blob b;

	r->n = 0;
	r->pp.CurrPic.picture_id = surface;
	r->pp.CurrPic.flags = bottom ? VA_PICTURE_H264_BOTTOM_FIELD :
		VA_PICTURE_H264_TOP_FIELD;
	r->pp.CurrPic.TopFieldOrderCnt = top_poc;
	r->pp.CurrPic.BottomFieldOrderCnt = bottom_poc;
	r->pp.frame_num = (uint16_t)frame_num;
	b = field_slice_mmco(idr, bottom, type, frame_num,
			     (unsigned)((bottom ? bottom_poc : top_poc) & 15),
			     mmco5, &bits);
	sp_blank(&sp, &b, bits, 0, type);
	sp.slice_qp_delta = -3;
	sp.disable_deblocking_filter_idc = 1;
	if (type == 0) {
		sp.num_ref_idx_l0_active_minus1 = 1;
		sp.cabac_init_idc = 1;
		sp.RefPicList0[0] = r->pp.ReferenceFrames[0];
		sp.RefPicList0[1] = r->pp.ReferenceFrames[0];
	}
	run_add(r, &b, &sp);
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
}

START_TEST(test_poc_offset)
{
	struct run *r = run_new(true);
	const uint32_t st = VA_PICTURE_H264_SHORT_TERM_REFERENCE;
	const int k = 65536;
	struct controls c;

	pp_mbaff(&r->pp);
	r->pp.seq_fields.bits.mb_adaptive_frame_field_flag = 0;
	r->pp.pic_fields.bits.field_pic_flag = 1;
	resolver_add(&r->res, 0x50, 5000);
	resolver_add(&r->res, 0x51, 6000);
	resolver_add(&r->res, 0x52, 7000);

	/* IDR top field: VA says 65536, the bitstream 0 (lsb 0). The other
	 * field is not decoded yet: 0 in VA, 0 in the control. */
	ffmpeg_field(r, 0x50, true, false, 2, 0, k, 0, false);
	c = plan(r, 0);
	ck_assert_int_eq(c.dp->top_field_order_cnt, 0);
	ck_assert_int_eq(c.dp->bottom_field_order_cnt, 0);

	/* Its bottom field, P from the top one: FFmpeg lists the frame with
	 * both counts, but only the top field is a reference yet. */
	r->pp.ReferenceFrames[0] = ref_frame(0x50, 0, k, k + 1,
					     st | VA_PICTURE_H264_TOP_FIELD);
	ffmpeg_field(r, 0x50, false, true, 0, 0, k, k + 1, false);
	c = plan(r, 0);
	ck_assert_int_eq(c.dp->top_field_order_cnt, 0);
	ck_assert_int_eq(c.dp->bottom_field_order_cnt, 1);
	ck_assert_uint_eq(c.dp->dpb[0].fields, V4L2_H264_TOP_FIELD_REF);
	ck_assert_int_eq(c.dp->dpb[0].top_field_order_cnt, 0);
	ck_assert_int_eq(c.dp->dpb[0].bottom_field_order_cnt, 0);

	/* Next frame's top field: both fields of the first are references. */
	r->pp.ReferenceFrames[0] = ref_frame(0x50, 0, k, k + 1, st);
	ffmpeg_field(r, 0x51, false, false, 0, 1, k + 6, 0, false);
	c = plan(r, 0);
	ck_assert_int_eq(c.dp->top_field_order_cnt, 6);
	ck_assert_int_eq(c.dp->bottom_field_order_cnt, 0);
	ck_assert_uint_eq(c.dp->dpb[0].fields, V4L2_H264_FRAME_REF);
	ck_assert_int_eq(c.dp->dpb[0].top_field_order_cnt, 0);
	ck_assert_int_eq(c.dp->dpb[0].bottom_field_order_cnt, 1);

	/* A picture with a memory management operation 5, then one after it:
	 * the offset stays for the first, VA's values pass unchanged after. */
	ffmpeg_field(r, 0x52, false, true, 0, 1, k + 6, k + 7, true);
	c = plan(r, 0);
	ck_assert_int_eq(c.dp->bottom_field_order_cnt, 7);
	ck_assert_int_eq(c.dp->dpb[0].top_field_order_cnt, 0);
	ffmpeg_field(r, 0x51, false, false, 0, 1, k + 8, 0, false);
	c = plan(r, 0);
	ck_assert_int_eq(c.dp->top_field_order_cnt, k + 8);
	ck_assert_int_eq(c.dp->dpb[0].top_field_order_cnt, k);
	ck_assert_int_eq(c.dp->dpb[0].bottom_field_order_cnt, k + 1);

	/* The next IDR picture sets the offset again; a client that sends
	 * clause 8.2.1's counts (lsb 4 here) gets them unchanged. */
	r->pp.ReferenceFrames[0].flags = VA_PICTURE_H264_INVALID;
	r->pp.ReferenceFrames[0].picture_id = VA_INVALID_SURFACE;
	ffmpeg_field(r, 0x52, true, false, 2, 0, 4, 0, false);
	c = plan(r, 0);
	ck_assert_int_eq(c.dp->top_field_order_cnt, 4);
	ffmpeg_field(r, 0x52, true, false, 2, 0, k + 4, 0, false);
	c = plan(r, 0);
	ck_assert_int_eq(c.dp->top_field_order_cnt, 4);
	ck_assert_uint_eq(n_errors, 0);
	run_free(r);
}
END_TEST

/* 32 zero bits (frame_num and pic_order_cnt_lsb of 16 bits each) put
 * 00 00 03 into the header: header_bit_size leaves the 03 out. */
START_TEST(test_emulation_prevention_in_header)
{
	for (unsigned sc = 0; sc < 2; sc++) {
		struct run *r = run_new(true);
		struct bw w;
		unsigned epb, bits;
		VASliceParameterBufferH264 sp;

		memset(&w, 0, sizeof(w));
		bw_u(&w, 8, 0x01);	/* nal_ref_idc 0, non-IDR slice */
		bw_ue(&w, 3);		/* first_mb_in_slice */
		bw_ue(&w, 5);		/* P */
		bw_ue(&w, 0);
		bw_u(&w, 16, 0);	/* frame_num */
		bw_u(&w, 16, 0);	/* pic_order_cnt_lsb */
		bw_u(&w, 1, 0);		/* no override */
		bw_u(&w, 1, 0);		/* no modification */
		bw_se(&w, 2);		/* slice_qp_delta */
		bw_ue(&w, 0);
		bw_se(&w, -1);
		bw_se(&w, 1);
		bits = w.bits;
		struct blob b = bw_finish(&w, &epb);
		ck_assert_uint_ge(epb, 1);
		if (sc)
			b = with_start_code(b, 2);

		pp_cavlc(&r->pp);
		r->pp.seq_fields.bits.log2_max_frame_num_minus4 = 12;
		r->pp.seq_fields.bits.pic_order_cnt_type = 0;
		r->pp.seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 = 12;
		r->pp.pic_fields.bits.reference_pic_flag = 0;
		r->pp.ReferenceFrames[0] = ref_frame(0x60, 0xffff, 0, 0,
						     VA_PICTURE_H264_SHORT_TERM_REFERENCE);
		resolver_add(&r->res, 0x60, 42);
		sp_blank(&sp, &b, bits, 3, 0);
		sp.slice_qp_delta = 2;
		sp.slice_alpha_c0_offset_div2 = -1;
		sp.slice_beta_offset_div2 = 1;
		sp.RefPicList0[0] = r->pp.ReferenceFrames[0];
		run_add(r, &b, &sp);
		ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
		struct controls c = plan(r, 0);
		ck_assert_uint_eq(c.sl->header_bit_size, bits);
		ck_assert_uint_eq(c.sl->first_mb_in_slice, 3);
		ck_assert_int_eq(c.sl->slice_alpha_c0_offset_div2, -1);
		ck_assert_int_eq(c.sl->slice_beta_offset_div2, 1);
		ck_assert_uint_eq(c.dp->pic_order_cnt_bit_size, 16);
		/* frame_num 0xffff > current 0: FrameNumWrap = -1. */
		ck_assert_int_eq((int32_t)c.dp->dpb[0].pic_num, -1);
		ck_assert_uint_eq(n_warnings, 0);
		run_free(r);

		/* The parser's two counts. */
		struct h264_sh_context ctx = {
			.log2_max_frame_num = 16, .log2_max_pic_order_cnt_lsb = 16,
			.frame_mbs_only = true, .chroma_array_type = 1,
			.deblocking_filter_control_present = true,
		};
		struct h264_slice_header sh;
		const char *why;
		ck_assert_int_eq(h264_parse_slice_header(b.data, b.size, &ctx, &sh, &why),
				 H264_SH_OK);
		ck_assert_uint_eq(sh.start_code_size, sc ? 3 : 0);
		ck_assert_uint_eq(sh.header_rbsp_bits, bits);
		ck_assert_uint_eq(sh.epb_in_header, epb);
		ck_assert_uint_eq(sh.header_raw_bits, bits + 8 * epb);
	}
}
END_TEST

/* Syntax libx264 never writes: POC type 1 deltas, redundant_pic_cnt, an
 * SP slice (sp_for_switch_flag, slice_qs_delta), separate colour planes
 * and FMO's slice_group_change_cycle, in one synthetic header. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static void set_fmo(VAPictureParameterBufferH264 *pp)
{
	pp->num_slice_groups_minus1 = 1;
	pp->slice_group_map_type = 4;
	pp->slice_group_change_rate_minus1 = 0;
}
#pragma GCC diagnostic pop

START_TEST(test_rare_syntax)
{
	struct run *r = run_new(true);
	struct bw w;
	unsigned epb, bits;
	VASliceParameterBufferH264 sp;

	memset(&w, 0, sizeof(w));
	bw_u(&w, 8, 0x61);	/* nal_ref_idc 3, non-IDR */
	bw_ue(&w, 21);		/* first_mb_in_slice */
	bw_ue(&w, 3);		/* SP */
	bw_ue(&w, 2);		/* pic_parameter_set_id */
	bw_u(&w, 2, 2);		/* colour_plane_id */
	bw_u(&w, 5, 17);	/* frame_num */
	bw_se(&w, -5);		/* delta_pic_order_cnt[0] */
	bw_se(&w, 3);		/* delta_pic_order_cnt[1] */
	bw_ue(&w, 4);		/* redundant_pic_cnt */
	bw_u(&w, 1, 0);		/* no override */
	bw_u(&w, 1, 1);		/* ref_pic_list_modification_flag_l0 */
	bw_ue(&w, 0);
	bw_ue(&w, 0);
	bw_ue(&w, 3);
	bw_u(&w, 1, 1);		/* adaptive_ref_pic_marking_mode_flag */
	bw_ue(&w, 6);		/* mmco 6: long_term_frame_idx */
	bw_ue(&w, 0);
	bw_ue(&w, 0);
	bw_se(&w, -1);		/* slice_qp_delta */
	bw_u(&w, 1, 1);		/* sp_for_switch_flag */
	bw_se(&w, 7);		/* slice_qs_delta */
	bw_ue(&w, 2);		/* disable_deblocking_filter_idc */
	bw_se(&w, 6);
	bw_se(&w, -6);
	bw_u(&w, 9, 300);	/* slice_group_change_cycle: Ceil(Log2(300 + 1)) */
	bits = w.bits;
	struct blob b = bw_finish(&w, &epb);

	pp_cavlc(&r->pp);
	set_fmo(&r->pp);
	r->pp.seq_fields.bits.chroma_format_idc = 3;
	r->pp.seq_fields.bits.residual_colour_transform_flag = 1;
	r->pp.seq_fields.bits.log2_max_frame_num_minus4 = 1;
	r->pp.seq_fields.bits.pic_order_cnt_type = 1;
	r->pp.pic_fields.bits.pic_order_present_flag = 1;
	r->pp.pic_fields.bits.redundant_pic_cnt_present_flag = 1;
	r->pp.frame_num = 17;
	r->pp.ReferenceFrames[0] = ref_frame(0x70, 16, 30, 31,
					     VA_PICTURE_H264_SHORT_TERM_REFERENCE);
	resolver_add(&r->res, 0x70, 77);
	sp_blank(&sp, &b, bits, 21, 3);
	sp.slice_qp_delta = -1;
	sp.disable_deblocking_filter_idc = 2;
	sp.slice_alpha_c0_offset_div2 = 6;
	sp.slice_beta_offset_div2 = -6;
	sp.RefPicList0[0] = r->pp.ReferenceFrames[0];
	run_add(r, &b, &sp);
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	struct controls c = plan(r, 0);

	ck_assert_uint_eq(c.sps->profile_idc, 244);	/* 4:4:4 */
	ck_assert_uint_eq(c.sps->chroma_format_idc, 3);
	ck_assert_uint_eq(c.sps->flags & V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE,
			  V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE);
	ck_assert_uint_eq(c.pps->pic_parameter_set_id, 2);
	ck_assert_uint_eq(c.pps->num_slice_groups_minus1, 1);
	ck_assert_uint_eq(c.pps->flags & V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT,
			  V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT);
	ck_assert_uint_eq(c.dp->frame_num, 17);
	ck_assert_int_eq(c.dp->delta_pic_order_cnt0, -5);
	ck_assert_int_eq(c.dp->delta_pic_order_cnt1, 3);
	ck_assert_uint_eq(c.dp->pic_order_cnt_lsb, 0);
	/* se(-5) is 7 bits, se(3) 5 bits. */
	ck_assert_uint_eq(c.dp->pic_order_cnt_bit_size, 12);
	/* 1 + ue(6) 5 + ue(0) 1 + ue(0) 1 */
	ck_assert_uint_eq(c.dp->dec_ref_pic_marking_bit_size, 8);
	ck_assert_uint_eq(c.dp->slice_group_change_cycle, 300);
	/* SP is not flagged PFRAME (as GStreamer's v4l2codecs does). */
	ck_assert_uint_eq(c.dp->flags, 0);
	ck_assert_uint_eq(c.sl->header_bit_size, bits);
	ck_assert_uint_eq(c.sl->first_mb_in_slice, 21);
	ck_assert_uint_eq(c.sl->slice_type, V4L2_H264_SLICE_TYPE_SP);
	ck_assert_uint_eq(c.sl->colour_plane_id, 2);
	ck_assert_uint_eq(c.sl->redundant_pic_cnt, 4);
	ck_assert_int_eq(c.sl->slice_qp_delta, -1);
	ck_assert_int_eq(c.sl->slice_qs_delta, 7);
	ck_assert_uint_eq(c.sl->flags, V4L2_H264_SLICE_FLAG_SP_FOR_SWITCH);
	ck_assert_uint_eq(c.sl->disable_deblocking_filter_idc, 2);
	ck_assert_int_eq(c.sl->slice_alpha_c0_offset_div2, 6);
	ck_assert_int_eq(c.sl->slice_beta_offset_div2, -6);
	ck_assert_uint_eq(c.sl->ref_pic_list0[0].index, 0);
	ck_assert_uint_eq(c.dp->dpb[0].pic_num, 16);
	ck_assert_uint_eq(n_errors, 0);
	run_free(r);
}
END_TEST

START_TEST(test_scaling_matrix)
{
	struct run *r = run_new(false);
	struct blob b = load("cabac_idr");
	VASliceParameterBufferH264 sp;
	VAIQMatrixBufferH264 iq;

	memset(&iq, 16, sizeof(iq));
	r->iq = &iq;
	pp_high_cabac(&r->pp);
	sp_blank(&sp, &b, 42, 0, 2);
	sp.slice_qp_delta = -14;
	run_add(r, &b, &sp);
	/* A flat matrix sent explicitly: no SCALING_MATRIX_PRESENT. */
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	struct controls c = plan(r, 0);
	ck_assert_uint_eq(c.pps->flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT, 0);

	for (unsigned i = 0; i < 6; i++)
		for (unsigned j = 0; j < 16; j++)
			iq.ScalingList4x4[i][j] = (uint8_t)(i * 16 + j + 1);
	for (unsigned i = 0; i < 2; i++)
		for (unsigned j = 0; j < 64; j++)
			iq.ScalingList8x8[i][j] = (uint8_t)(100 + i * 64 + j);
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	c = plan(r, 0);
	ck_assert_uint_eq(c.pps->flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT,
			  V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT);
	/* Same order (Intra Y, Cb, Cr, Inter Y, Cb, Cr), raster both sides. */
	ck_assert_mem_eq(c.sm->scaling_list_4x4, iq.ScalingList4x4, 96);
	/* 8x8: Intra Y, Inter Y; the chroma lists (used in 4:4:4 only) take
	 * the Table 7-2 fall-back to the luma list of their kind, in 4:2:0
	 * too (as GStreamer fills them). */
	ck_assert_mem_eq(c.sm->scaling_list_8x8[0], iq.ScalingList8x8[0], 64);
	ck_assert_mem_eq(c.sm->scaling_list_8x8[1], iq.ScalingList8x8[1], 64);
	for (unsigned i = 2; i < 6; i++)
		ck_assert_mem_eq(c.sm->scaling_list_8x8[i],
				 iq.ScalingList8x8[i & 1], 64);
	ck_assert_uint_eq(c.sps->profile_idc, 100);
	run_free(r);
}
END_TEST

START_TEST(test_long_term_and_profile)
{
	struct run *r = run_new(true);

	p_weighted_setup(r);
	r->pp.ReferenceFrames[2].flags = VA_PICTURE_H264_LONG_TERM_REFERENCE;
	r->pp.ReferenceFrames[2].frame_idx = 1;	/* LongTermFrameIdx */
	r->sp[0].RefPicList0[3].flags = VA_PICTURE_H264_LONG_TERM_REFERENCE;
	r->profile = VAProfileH264Main;
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	struct controls c = plan(r, 0);
	ck_assert_uint_eq(c.dp->dpb[2].flags, V4L2_H264_DPB_ENTRY_FLAG_VALID |
			  V4L2_H264_DPB_ENTRY_FLAG_ACTIVE |
			  V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM);
	ck_assert_uint_eq(c.dp->dpb[2].frame_num, 1);
	ck_assert_uint_eq(c.dp->dpb[2].pic_num, 1);
	/* Main context, but 8x8 transform in use: High. */
	ck_assert_uint_eq(c.sps->profile_idc, 100);
	run_free(r);
}
END_TEST

START_TEST(test_profiles)
{
	VAProfile p[8];
	unsigned n;

	n = va_codec_h264.profiles(0, p, 8);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(p[0], VAProfileH264ConstrainedBaseline);
	ck_assert_int_eq(p[1], VAProfileH264Main);
	ck_assert_int_eq(p[2], VAProfileH264High);

	/* Cedrus: Baseline, Constrained Baseline, Main, High (no Extended). */
	n = va_codec_h264.profiles(0x17, p, 8);
	ck_assert_uint_eq(n, 3);

	n = va_codec_h264.profiles(1u << V4L2_MPEG_VIDEO_H264_PROFILE_MAIN, p, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(p[0], VAProfileH264Main);

	n = va_codec_h264.profiles(1u << V4L2_MPEG_VIDEO_H264_PROFILE_BASELINE, p, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(p[0], VAProfileH264ConstrainedBaseline);

	n = va_codec_h264.profiles(1u << V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_10, p, 8);
	ck_assert_uint_eq(n, 0);
	n = va_codec_h264.profiles(0, p, 2);
	ck_assert_uint_eq(n, 2);

	ck_assert_uint_eq(va_codec_h264.pic_param_size,
			  sizeof(VAPictureParameterBufferH264));
	ck_assert_uint_eq(va_codec_h264.iq_matrix_size, sizeof(VAIQMatrixBufferH264));
	ck_assert_uint_eq(va_codec_h264.slice_param_size,
			  sizeof(VASliceParameterBufferH264));
	ck_assert_int_eq(va_codec_h264.codec, V4L2R_CODEC_H264);
}
END_TEST

/* ---- bad input ---- */

/* The IDR picture of high_cabac with other bytes as its slice data. */
static VAStatus translate_bytes(struct run *r, const uint8_t *data,
				uint32_t size, bool slice_based)
{
	struct blob b = { .size = size };
	VASliceParameterBufferH264 sp;

	memcpy(b.data, data, size);
	r->n = 0;
	r->mode.slice_based = slice_based;
	pp_high_cabac(&r->pp);
	sp_blank(&sp, &b, 42, 0, 2);
	sp.slice_qp_delta = -14;
	run_add(r, &b, &sp);
	VAStatus s = run_translate(r);
	if (s != VA_STATUS_SUCCESS)
		ck_assert_uint_eq(va_codec_h264.request_count(r->state, &r->mode), 0);
	return s;
}

static VAStatus translate_idr_bytes(const uint8_t *data, uint32_t size,
				    bool slice_based)
{
	struct run *r = run_new(slice_based);
	VAStatus s = translate_bytes(r, data, size, slice_based);
	run_free(r);
	return s;
}

START_TEST(test_truncated_header)
{
	struct blob b = load("cabac_p_weighted");

	/* The header is 193 bits: every shorter cut fails cleanly. */
	for (uint32_t len = 0; len < 25; len++) {
		struct run *r = run_new(true);
		p_weighted_setup(r);
		r->blobs[0].size = len;
		r->slices[0].size = len;
		n_errors = 0;
		ck_assert_int_eq(run_translate(r), VA_STATUS_ERROR_DECODING_ERROR);
		ck_assert_uint_eq(n_errors, 1);
		run_free(r);
	}
	ck_assert_ptr_nonnull(strstr(last_error, "truncated"));
	(void)b;
}
END_TEST

START_TEST(test_garbage)
{
	static const uint8_t forbidden[] = { 0xe5, 0x88, 0x84, 0x00, 0x3b };
	static const uint8_t sps_nal[] = { 0x67, 0x64, 0x00, 0x0d, 0xac };
	/* 40 zero bits after the NAL header: first_mb_in_slice overflows. */
	static const uint8_t golomb[] = { 0x65, 0x00, 0x00, 0x03, 0x00, 0x00,
					  0x03, 0x00, 0x80, 0xff };
	/* Long runs of ones: slice_type 7 then huge values. */
	uint8_t ones[40];

	memset(ones, 0xff, sizeof(ones));
	ones[0] = 0x65;

	n_errors = 0;
	ck_assert_int_eq(translate_idr_bytes(forbidden, sizeof(forbidden), true),
			 VA_STATUS_ERROR_DECODING_ERROR);
	ck_assert_ptr_nonnull(strstr(last_error, "forbidden_zero_bit"));
	ck_assert_int_eq(translate_idr_bytes(sps_nal, sizeof(sps_nal), true),
			 VA_STATUS_ERROR_DECODING_ERROR);
	ck_assert_ptr_nonnull(strstr(last_error, "nal_unit_type"));
	ck_assert_int_eq(translate_idr_bytes(golomb, sizeof(golomb), false),
			 VA_STATUS_ERROR_DECODING_ERROR);
	ck_assert_ptr_nonnull(strstr(last_error, "first_mb_in_slice"));
	ck_assert_ptr_nonnull(strstr(last_error, "invalid"));
	/* Ones decode as first_mb 0, slice_type 0 (P): the VA parameters say
	 * I, so the data does not belong to them. */
	ck_assert_int_ne(translate_idr_bytes(ones, sizeof(ones), true),
			 VA_STATUS_SUCCESS);
	ck_assert_uint_eq(n_errors, 4);

	/* Random bytes never crash and never succeed silently with a wrong
	 * picture (valgrind: no invalid reads). */
	struct run *r = run_new(true);
	uint32_t seed = 12345;
	for (unsigned k = 0; k < 2000; k++) {
		uint8_t buf[48];
		uint32_t len = 1 + k % 48;
		for (unsigned i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (uint8_t)(seed >> 16);
		}
		buf[0] = (uint8_t)((buf[0] & 0x60) | (k & 1 ? 5 : 1));
		VAStatus s = translate_bytes(r, buf, len, k & 2);
		ck_assert(s == VA_STATUS_SUCCESS ||
			  s == VA_STATUS_ERROR_DECODING_ERROR ||
			  s == VA_STATUS_ERROR_INVALID_PARAMETER);
	}
	run_free(r);
}
END_TEST

/* Real headers with bits flipped and cut short reach the deeper syntax
 * (list modification, weights, MMCO) with wrong values. */
START_TEST(test_mutated_fixtures)
{
	static const char *names[] = {
		"cabac_idr", "cabac_p_weighted", "cabac_b_ref_mmco",
		"cabac_b_nonref", "mbaff_p",
	};
	uint32_t seed = 777;
	unsigned ok = 0, failed = 0;

	for (unsigned k = 0; k < 3000; k++) {
		struct run *r = run_new(k & 1);
		p_weighted_setup(r);
		if (k % 5 != 1) {
			struct blob b = load(names[k % 5]);
			r->blobs[0] = b;
			r->slices[0].data = r->blobs[0].data;
			r->pp.pic_fields.bits.entropy_coding_mode_flag = 1;
		}
		struct blob *b = &r->blobs[0];
		for (unsigned f = 0; f < 1 + k % 4; f++) {
			seed = seed * 1103515245u + 12345u;
			unsigned bit = 8 + (seed >> 8) % (8 * (b->size - 1));
			b->data[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
		}
		seed = seed * 1103515245u + 12345u;
		r->slices[0].size = 1 + (seed >> 8) % b->size;
		/* Make the VA side agree on what the data claims, so the
		 * parse gets past the first_mb/slice_type check. */
		struct h264_sh_context ctx;
		struct h264_slice_header sh;
		const char *why;
		memset(&ctx, 0, sizeof(ctx));
		ctx.log2_max_frame_num = 4;
		ctx.log2_max_pic_order_cnt_lsb = 6;
		ctx.frame_mbs_only = true;
		ctx.chroma_array_type = 1;
		if (h264_parse_slice_header(b->data, r->slices[0].size, &ctx, &sh,
					    &why) == H264_SH_OK) {
			r->sp[0].first_mb_in_slice = (uint16_t)sh.first_mb_in_slice;
			r->sp[0].slice_type = sh.slice_type;
		}
		VAStatus s = run_translate(r);
		ck_assert(s == VA_STATUS_SUCCESS ||
			  s == VA_STATUS_ERROR_DECODING_ERROR ||
			  s == VA_STATUS_ERROR_INVALID_PARAMETER);
		if (s == VA_STATUS_SUCCESS) {
			ok++;
			for (unsigned i = 0; i < va_codec_h264.request_count(r->state, &r->mode); i++) {
				struct controls c = plan(r, i);
				if (!c.sl)
					continue;
				ck_assert_uint_le(c.sl->num_ref_idx_l0_active_minus1, 31);
				for (unsigned j = 0; j <= c.sl->num_ref_idx_l0_active_minus1; j++)
					ck_assert_uint_lt(c.sl->ref_pic_list0[j].index, 16);
				ck_assert_uint_le(c.sl->header_bit_size,
						  8 * r->slices[0].size);
			}
		} else {
			failed++;
		}
		run_free(r);
	}
	ck_assert_uint_gt(ok, 0);
	ck_assert_uint_gt(failed, 0);
}
END_TEST

START_TEST(test_num_ref_idx_beyond_32)
{
	struct run *r = run_new(true);

	/* In the VA parameters. */
	p_weighted_setup(r);
	r->sp[0].num_ref_idx_l0_active_minus1 = 32;
	ck_assert_int_eq(run_translate(r), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_error, "num_ref_idx"));
	run_free(r);

	/* In the bitstream: override to 33 references. */
	struct bw w;
	unsigned epb;
	memset(&w, 0, sizeof(w));
	bw_u(&w, 8, 0x41);
	bw_ue(&w, 0);
	bw_ue(&w, 5);
	bw_ue(&w, 0);
	bw_u(&w, 4, 3);		/* frame_num */
	bw_u(&w, 6, 12);	/* pic_order_cnt_lsb */
	bw_u(&w, 1, 1);
	bw_ue(&w, 32);
	bw_u(&w, 1, 0);
	struct blob b = bw_finish(&w, &epb);
	r = run_new(false);
	p_weighted_setup(r);
	r->blobs[0] = b;
	r->slices[0].data = r->blobs[0].data;
	r->slices[0].size = b.size;
	n_errors = 0;
	ck_assert_int_eq(run_translate(r), VA_STATUS_ERROR_DECODING_ERROR);
	ck_assert_uint_eq(n_errors, 1);
	ck_assert_ptr_nonnull(strstr(last_error, "num_ref_idx_l0_active_minus1"));
	run_free(r);
}
END_TEST

START_TEST(test_unknown_reference_surface)
{
	struct run *r = run_new(true);

	p_weighted_setup(r);
	/* 0x12 was never decoded: the resolver does not know it. */
	r->res.n = 0;
	resolver_add(&r->res, 0x10, 1000);
	resolver_add(&r->res, 0x11, 2000);
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	ck_assert_uint_ge(n_errors, 1);
	ck_assert_ptr_nonnull(strstr(last_error, "0x12"));
	struct controls c = plan(r, 0);
	ck_assert_uint_eq(c.dp->dpb[0].reference_ts, 2000);
	ck_assert_uint_eq(c.dp->dpb[1].reference_ts, 1000);
	ck_assert_uint_eq(c.dp->dpb[2].flags, 0);
	/* Its list entries point at a valid, active entry instead. */
	for (unsigned i = 0; i < 5; i++) {
		unsigned k = c.sl->ref_pic_list0[i].index;
		ck_assert_uint_lt(k, 2);
		ck_assert(c.dp->dpb[k].flags & V4L2_H264_DPB_ENTRY_FLAG_ACTIVE);
	}
	ck_assert_uint_eq(c.sl->ref_pic_list0[0].index, 0);
	ck_assert_uint_eq(c.sl->ref_pic_list0[3].index, 1);
	run_free(r);
}
END_TEST

/* VA values that disagree with the bitstream: the header wins, and each
 * kind of mismatch is logged once per context. */
START_TEST(test_va_mismatch)
{
	struct run *r = run_new(true);

	p_weighted_setup(r);
	r->sp[0].slice_qp_delta = 9;
	r->sp[0].slice_data_bit_offset = 200;
	r->pp.frame_num = 1;
	for (unsigned k = 0; k < 3; k++) {
		ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
		struct controls c = plan(r, 0);
		ck_assert_int_eq(c.sl->slice_qp_delta, 4);
		ck_assert_uint_eq(c.sl->header_bit_size, 193);
		ck_assert_uint_eq(c.dp->frame_num, 3);
		/* FrameNumWrap against the header's frame_num 3, not VA's 1. */
		ck_assert_uint_eq(c.dp->dpb[1].pic_num, 2);
	}
	ck_assert_uint_eq(n_warnings, 3);
	ck_assert_uint_eq(n_errors, 0);
	run_free(r);
}
END_TEST

START_TEST(test_invalid_reference_frames)
{
	struct run *r = run_new(true);

	/* A reference with flags but no surface is left out (and logged);
	 * a list entry naming a surface outside ReferenceFrames is refused. */
	p_weighted_setup(r);
	r->pp.ReferenceFrames[1].picture_id = VA_INVALID_SURFACE;
	ck_assert_int_eq(run_translate(r), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_error, "not in ReferenceFrames"));
	ck_assert_uint_eq(va_codec_h264.request_count(r->state, &r->mode), 0);
	ck_assert_uint_ge(n_errors, 2);
	run_free(r);

	/* Duplicated and all-invalid entries. */
	r = run_new(true);
	p_weighted_setup(r);
	for (unsigned i = 3; i < 16; i++)
		r->pp.ReferenceFrames[i] = r->pp.ReferenceFrames[0];
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	struct controls c = plan(r, 0);
	ck_assert_uint_eq(c.dp->dpb[3].flags, 0);
	run_free(r);

	/* An invalid current picture. */
	r = run_new(true);
	p_weighted_setup(r);
	r->pp.CurrPic.flags = VA_PICTURE_H264_INVALID;
	ck_assert_int_eq(run_translate(r), VA_STATUS_ERROR_INVALID_PARAMETER);
	run_free(r);

	/* Data that does not go with its parameters. */
	r = run_new(true);
	p_weighted_setup(r);
	r->sp[0].first_mb_in_slice = 7;
	ck_assert_int_eq(run_translate(r), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_error, "first_mb_in_slice"));
	run_free(r);

	/* Out-of-range picture parameters. */
	r = run_new(true);
	p_weighted_setup(r);
	r->pp.seq_fields.bits.pic_order_cnt_type = 3;
	ck_assert_int_eq(run_translate(r), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_error, "pic_order_cnt_type"));
	p_weighted_setup(r);
	r->n = 1;
	r->pp.chroma_qp_index_offset = 13;
	ck_assert_int_eq(run_translate(r), VA_STATUS_ERROR_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(strstr(last_error, "chroma_qp_index_offset"));
	run_free(r);
}
END_TEST

START_TEST(test_too_many_slices)
{
	struct run *r = run_new(true);
	struct blob b = load("cabac_idr");
	VASliceParameterBufferH264 sp;

	pp_high_cabac(&r->pp);
	sp_blank(&sp, &b, 42, 0, 2);
	sp.slice_qp_delta = -14;
	for (unsigned i = 0; i < 257; i++)
		run_add(r, &b, &sp);
	ck_assert_int_eq(run_translate(r), VA_STATUS_ERROR_MAX_NUM_EXCEEDED);
	r->mode.slice_based = false;
	ck_assert_int_eq(run_translate(r), VA_STATUS_SUCCESS);
	ck_assert_uint_eq(va_codec_h264.request_count(r->state, &r->mode), 1);
	run_free(r);
}
END_TEST

static Suite *h264_suite(void)
{
	Suite *s = suite_create("va-h264");
	TCase *tc = tcase_create("translate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_idr_cabac);
	tcase_add_test(tc, test_context_format);
	tcase_add_test(tc, test_p_weighted);
	tcase_add_test(tc, test_b_ref_mmco);
	tcase_add_test(tc, test_b_nonref);
	tcase_add_test(tc, test_cavlc_4_slices);
	tcase_add_test(tc, test_cavlc_p);
	tcase_add_test(tc, test_mbaff);
	tcase_add_test(tc, test_field_pictures);
	tcase_add_test(tc, test_poc_offset);
	tcase_add_test(tc, test_emulation_prevention_in_header);
	tcase_add_test(tc, test_rare_syntax);
	tcase_add_test(tc, test_scaling_matrix);
	tcase_add_test(tc, test_long_term_and_profile);
	tcase_add_test(tc, test_profiles);
	suite_add_tcase(s, tc);

	TCase *bad = tcase_create("bad input");
	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_set_timeout(bad, 120);
	tcase_add_test(bad, test_truncated_header);
	tcase_add_test(bad, test_garbage);
	tcase_add_test(bad, test_mutated_fixtures);
	tcase_add_test(bad, test_num_ref_idx_beyond_32);
	tcase_add_test(bad, test_unknown_reference_surface);
	tcase_add_test(bad, test_va_mismatch);
	tcase_add_test(bad, test_invalid_reference_frames);
	tcase_add_test(bad, test_too_many_slices);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return unit_run(h264_suite());
}
