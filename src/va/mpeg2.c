/* MPEG-2: VA picture, matrix and slice buffers to the stateless MPEG-2
 * controls (sequence, picture, quantisation).
 *
 * MPEG-2 decoding is frame based: one request carries every slice of a
 * picture (a field picture is a picture of its own), each slice with its
 * start code, as the bitstream has them. FFmpeg and GStreamer's va plugin
 * both hand over slice data beginning at the slice start code. */
#include <stdio.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/log.h"
#include "va/codec.h"

/* MPEG-2 profile_and_level_indication values (ISO/IEC 13818-2 8.1/8.2). */
#define PROFILE_SIMPLE 5
#define PROFILE_MAIN 4
#define LEVEL_HIGH 4
#define LEVEL_HIGH_1440 6
#define LEVEL_MAIN 8

/* The default intra matrix (13818-2 6.3.11), row by row. */
static const uint8_t default_intra_raster[64] = {
	8,  16, 19, 22, 26, 27, 29, 34,
	16, 16, 22, 24, 27, 29, 34, 37,
	19, 22, 26, 27, 29, 34, 34, 38,
	22, 22, 26, 27, 29, 34, 37, 40,
	22, 26, 27, 29, 32, 35, 40, 48,
	26, 27, 29, 32, 35, 40, 48, 58,
	26, 27, 29, 34, 38, 46, 56, 69,
	27, 29, 35, 38, 46, 56, 69, 83,
};

/* Raster position of the i-th coefficient in zigzag scan order. */
static const uint8_t zigzag[64] = {
	0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,  7,  14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
};

struct mpeg2_state {
	struct v4l2_ctrl_mpeg2_sequence seq;
	struct v4l2_ctrl_mpeg2_picture pic;
	struct v4l2_ctrl_mpeg2_quantisation quant;
	bool quant_valid;	/* quant holds the matrices in force */
	bool interlaced;	/* a non-progressive picture was seen */
	unsigned n_slices;
};

static void default_matrices(struct v4l2_ctrl_mpeg2_quantisation *q)
{
	for (unsigned i = 0; i < 64; i++) {
		q->intra_quantiser_matrix[i] = default_intra_raster[zigzag[i]];
		q->non_intra_quantiser_matrix[i] = 16;
	}
	memcpy(q->chroma_intra_quantiser_matrix, q->intra_quantiser_matrix, 64);
	memcpy(q->chroma_non_intra_quantiser_matrix,
	       q->non_intra_quantiser_matrix, 64);
}

/* The level is not in VA's buffers and no driver uses it; this is the one
 * encoders write for the size (FFmpeg's rule: Main up to 720x608, High 1440
 * up to 1440 wide, High above), so a stream from them gets its own value. */
static uint8_t level_for_size(unsigned w, unsigned h)
{
	if (w <= 720 && h <= 608)
		return LEVEL_MAIN;
	if (w <= 1440)
		return LEVEL_HIGH_1440;
	return LEVEL_HIGH;
}

/* Matrices persist from picture to picture until reloaded, as in the
 * bitstream; VA says per matrix whether the buffer carries a new one. A
 * chroma matrix that was never loaded follows its luma matrix (13818-2
 * 6.3.11). */
static void update_matrices(struct mpeg2_state *st,
			    const VAIQMatrixBufferMPEG2 *iq)
{
	struct v4l2_ctrl_mpeg2_quantisation *q = &st->quant;

	if (!st->quant_valid) {
		default_matrices(q);
		st->quant_valid = true;
	}
	if (!iq)
		return;
	if (iq->load_intra_quantiser_matrix) {
		memcpy(q->intra_quantiser_matrix, iq->intra_quantiser_matrix, 64);
		if (!iq->load_chroma_intra_quantiser_matrix)
			memcpy(q->chroma_intra_quantiser_matrix,
			       iq->intra_quantiser_matrix, 64);
	}
	if (iq->load_non_intra_quantiser_matrix) {
		memcpy(q->non_intra_quantiser_matrix,
		       iq->non_intra_quantiser_matrix, 64);
		if (!iq->load_chroma_non_intra_quantiser_matrix)
			memcpy(q->chroma_non_intra_quantiser_matrix,
			       iq->non_intra_quantiser_matrix, 64);
	}
	if (iq->load_chroma_intra_quantiser_matrix)
		memcpy(q->chroma_intra_quantiser_matrix,
		       iq->chroma_intra_quantiser_matrix, 64);
	if (iq->load_chroma_non_intra_quantiser_matrix)
		memcpy(q->chroma_non_intra_quantiser_matrix,
		       iq->chroma_non_intra_quantiser_matrix, 64);
}

/* A matrix the buffer loads may not hold 0 (13818-2 6.3.11: the value
 * zero is forbidden); the device would divide by it. */
static VAStatus check_matrices(const VAIQMatrixBufferMPEG2 *iq)
{
	static const char *names[4] = {
		"intra_quantiser_matrix", "non_intra_quantiser_matrix",
		"chroma_intra_quantiser_matrix",
		"chroma_non_intra_quantiser_matrix",
	};

	if (!iq)
		return VA_STATUS_SUCCESS;
	const uint8_t *m[4] = {
		iq->intra_quantiser_matrix, iq->non_intra_quantiser_matrix,
		iq->chroma_intra_quantiser_matrix,
		iq->chroma_non_intra_quantiser_matrix,
	};
	const int load[4] = {
		iq->load_intra_quantiser_matrix,
		iq->load_non_intra_quantiser_matrix,
		iq->load_chroma_intra_quantiser_matrix,
		iq->load_chroma_non_intra_quantiser_matrix,
	};
	for (unsigned k = 0; k < 4; k++)
		for (unsigned i = 0; load[k] && i < 64; i++)
			if (!m[k][i]) {
				v4l2r_err("mpeg2: %s[%u] = 0 (1..255)", names[k], i);
				return VA_STATUS_ERROR_INVALID_PARAMETER;
			}
	return VA_STATUS_SUCCESS;
}

static VAStatus mpeg2_translate(void *state, const struct va_picture_input *in,
				const struct v4l2r_decode_mode *mode,
				const struct va_ref_resolver *refs)
{
	struct mpeg2_state *st = state;
	const VAPictureParameterBufferMPEG2 *pp = in->pic_params;
	unsigned structure = pp->picture_coding_extension.bits.picture_structure;
	(void)mode;

	if (!pp->horizontal_size || !pp->vertical_size ||
	    pp->horizontal_size > 16383 || pp->vertical_size > 16383) {
		v4l2r_err("mpeg2: horizontal_size x vertical_size = %ux%u out "
			  "of range 1..16383", pp->horizontal_size,
			  pp->vertical_size);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	if (!va_picture_fits(in, pp->horizontal_size, pp->vertical_size,
			     "mpeg2", "horizontal_size x vertical_size"))
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	if (pp->picture_coding_type < V4L2_MPEG2_PIC_CODING_TYPE_I ||
	    pp->picture_coding_type > V4L2_MPEG2_PIC_CODING_TYPE_B) {
		v4l2r_err("mpeg2: picture_coding_type %d is not I, P or B",
			  pp->picture_coding_type);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	if (structure < V4L2_MPEG2_PIC_TOP_FIELD ||
	    structure > V4L2_MPEG2_PIC_FRAME) {
		v4l2r_err("mpeg2: picture_structure %u is not a field or frame",
			  structure);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	if (!in->n_slices) {
		v4l2r_err("mpeg2: a picture without slices");
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	if (check_matrices(in->iq_matrix) != VA_STATUS_SUCCESS)
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	/* The start code a slice without one gets is made from its row: a
	 * row past the picture would be another picture's slice (or none).
	 * An interlaced frame's rows count in field pairs (6.3.3). */
	unsigned rows = structure == V4L2_MPEG2_PIC_FRAME ?
		2 * ((pp->vertical_size + 31) / 32) : (pp->vertical_size + 31) / 32;
	for (unsigned i = 0; i < in->n_slices; i++) {
		const VASliceParameterBufferMPEG2 *sp = in->slices[i].params;
		if (sp->slice_vertical_position >= rows) {
			v4l2r_err("mpeg2: slice %u: slice_vertical_position %u "
				  "past the picture's %u macroblock rows", i,
				  sp->slice_vertical_position, rows);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
	}

	/* Sequence: VA does not pass the sequence header. The size is the
	 * picture's; the profile comes from the config and the level from the
	 * size; progressive_sequence is inferred (a sequence is progressive
	 * until a field picture or an interlaced frame shows up, the only
	 * evidence VA gives). vbv_buffer_size is not known; no driver reads
	 * it. */
	bool progressive = pp->picture_coding_extension.bits.progressive_frame &&
			   structure == V4L2_MPEG2_PIC_FRAME;
	if (!progressive)
		st->interlaced = true;
	memset(&st->seq, 0, sizeof(st->seq));
	st->seq.horizontal_size = pp->horizontal_size;
	st->seq.vertical_size = pp->vertical_size;
	st->seq.vbv_buffer_size = 0;
	st->seq.profile_and_level_indication =
		in->profile == VAProfileMPEG2Simple ?
			(PROFILE_SIMPLE << 4) | LEVEL_MAIN :
			(PROFILE_MAIN << 4) |
				level_for_size(pp->horizontal_size,
					       pp->vertical_size);
	st->seq.chroma_format = 1;	/* 4:2:0, the only one VA has */
	st->seq.flags = st->interlaced ? 0 : V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE;

	/* Picture header and picture coding extension. */
	struct v4l2_ctrl_mpeg2_picture *pic = &st->pic;
	memset(pic, 0, sizeof(*pic));
	switch (pp->picture_coding_type) {
	case V4L2_MPEG2_PIC_CODING_TYPE_B:
		pic->backward_ref_ts = va_ref_timestamp(refs,
					      pp->backward_reference_picture,
					      "mpeg2", "backward");
		/* fall through */
	case V4L2_MPEG2_PIC_CODING_TYPE_P:
		/* A second field with no earlier frame to refer to predicts
		 * from the first field, i.e. from the frame being decoded,
		 * which the target's timestamp names. */
		if (pp->forward_reference_picture == VA_INVALID_SURFACE &&
		    structure != V4L2_MPEG2_PIC_FRAME &&
		    !pp->picture_coding_extension.bits.is_first_field)
			pic->forward_ref_ts = va_ref_timestamp(refs, in->target,
						     "mpeg2", "first field");
		else
			pic->forward_ref_ts = va_ref_timestamp(refs,
						     pp->forward_reference_picture,
						     "mpeg2", "forward");
		break;
	default:
		break;
	}
	const typeof(pp->picture_coding_extension.bits) *b =
		&pp->picture_coding_extension.bits;
	if (b->top_field_first)
		pic->flags |= V4L2_MPEG2_PIC_FLAG_TOP_FIELD_FIRST;
	if (b->frame_pred_frame_dct)
		pic->flags |= V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT;
	if (b->concealment_motion_vectors)
		pic->flags |= V4L2_MPEG2_PIC_FLAG_CONCEALMENT_MV;
	if (b->q_scale_type)
		pic->flags |= V4L2_MPEG2_PIC_FLAG_Q_SCALE_TYPE;
	if (b->intra_vlc_format)
		pic->flags |= V4L2_MPEG2_PIC_FLAG_INTRA_VLC;
	if (b->alternate_scan)
		pic->flags |= V4L2_MPEG2_PIC_FLAG_ALT_SCAN;
	if (b->repeat_first_field)
		pic->flags |= V4L2_MPEG2_PIC_FLAG_REPEAT_FIRST;
	if (b->progressive_frame)
		pic->flags |= V4L2_MPEG2_PIC_FLAG_PROGRESSIVE;
	/* VA packs f_code[s][t] as four nibbles, [0][0] the highest. */
	pic->f_code[0][0] = (pp->f_code >> 12) & 0xf;
	pic->f_code[0][1] = (pp->f_code >> 8) & 0xf;
	pic->f_code[1][0] = (pp->f_code >> 4) & 0xf;
	pic->f_code[1][1] = pp->f_code & 0xf;
	pic->picture_coding_type = (uint8_t)pp->picture_coding_type;
	pic->picture_structure = (uint8_t)structure;
	pic->intra_dc_precision = (uint8_t)b->intra_dc_precision;

	update_matrices(st, in->iq_matrix);
	st->n_slices = in->n_slices;
	return VA_STATUS_SUCCESS;
}

static void mpeg2_plan_request(void *state,
			       const struct v4l2r_decode_mode *mode,
			       unsigned i, struct va_request_plan *plan)
{
	struct mpeg2_state *st = state;
	struct v4l2_ext_control *c = plan->controls;
	(void)mode;
	(void)i;

	memset(c, 0, 3 * sizeof(*c));
	c[0].id = V4L2_CID_STATELESS_MPEG2_SEQUENCE;
	c[0].ptr = &st->seq;
	c[0].size = sizeof(st->seq);
	c[1].id = V4L2_CID_STATELESS_MPEG2_PICTURE;
	c[1].ptr = &st->pic;
	c[1].size = sizeof(st->pic);
	c[2].id = V4L2_CID_STATELESS_MPEG2_QUANTISATION;
	c[2].ptr = &st->quant;
	c[2].size = sizeof(st->quant);
	plan->n_controls = 3;
	plan->first_slice = 0;
	plan->n_slices = st->n_slices;
}

/* A slice whose data lacks its start code gets one rebuilt from its
 * vertical position (slice_start_code = position + 1, 13818-2 6.2.4). */
static unsigned mpeg2_slice_prefix(void *state,
				   const struct va_picture_input *in,
				   unsigned i, const struct v4l2r_decode_mode *mode,
				   uint8_t *out)
{
	const struct va_slice *s = &in->slices[i];
	const VASliceParameterBufferMPEG2 *sp = s->params;
	(void)state;
	(void)mode;

	if (s->size >= 3 && s->data[0] == 0 && s->data[1] == 0 &&
	    s->data[2] == 1)
		return 0;
	if (sp->slice_vertical_position >= 0xaf) {
		v4l2r_warn("mpeg2: slice %u has no start code and a vertical "
			   "position (%u) too large to make one", i,
			   sp->slice_vertical_position);
		return 0;
	}
	out[0] = 0;
	out[1] = 0;
	out[2] = 1;
	out[3] = (uint8_t)(sp->slice_vertical_position + 1);
	return 4;
}

static unsigned mpeg2_profiles(uint64_t v4l2_profiles, VAProfile *out,
			       unsigned max)
{
	unsigned n = 0;
	bool any = v4l2_profiles == 0;

	if (n < max && (any || v4l2_profiles &
			(UINT64_C(1) << V4L2_MPEG_VIDEO_MPEG2_PROFILE_SIMPLE)))
		out[n++] = VAProfileMPEG2Simple;
	if (n < max && (any || v4l2_profiles &
			(UINT64_C(1) << V4L2_MPEG_VIDEO_MPEG2_PROFILE_MAIN)))
		out[n++] = VAProfileMPEG2Main;
	return n;
}

static bool mpeg2_is_field(const struct va_picture_input *in)
{
	const VAPictureParameterBufferMPEG2 *pp = in->pic_params;

	return pp->picture_coding_extension.bits.picture_structure != 3;
}

const struct va_codec_ops va_codec_mpeg2 = {
	.codec = V4L2R_CODEC_MPEG2,
	.pic_param_size = sizeof(VAPictureParameterBufferMPEG2),
	.iq_matrix_size = sizeof(VAIQMatrixBufferMPEG2),
	.slice_param_size = sizeof(VASliceParameterBufferMPEG2),
	.prob_table_size = 0,
	.state_size = sizeof(struct mpeg2_state),
	.translate = mpeg2_translate,
	.plan_request = mpeg2_plan_request,
	.profiles = mpeg2_profiles,
	.slice_prefix = mpeg2_slice_prefix,
	.is_field = mpeg2_is_field,
};
