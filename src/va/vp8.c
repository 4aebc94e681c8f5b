/* VP8: VA picture, quantisation, probability and slice buffers to the
 * stateless VP8 frame control.
 *
 * VP8 decoding is frame based: one request, one "slice" holding the frame.
 * V4L2's OUTPUT buffer holds the whole frame from its frame tag
 * (pixfmt-compressed.rst, V4L2_PIX_FMT_VP8_FRAME). VA clients start the
 * slice at the first partition, after the uncompressed header (3 bytes of
 * frame tag, plus 7 of start code and sizes on a key frame), and give
 * partition_size[0] without the header bytes their bool decoder already
 * consumed (macroblock_offset bits). FFmpeg's data buffer starts there;
 * GStreamer's vavp8dec passes the whole frame with slice_data_offset past
 * the header (and slice_data_size of the whole frame, cut by picture.c).
 * The tag and key-frame header are rebuilt in front from VA's values. VA
 * has no show_frame nor scaling: they are read from the client's header
 * when its buffer holds one (GStreamer), else the frame is shown unscaled
 * (decoding does not depend on either).
 *
 * VA gives the quantiser indices and loop filter levels per segment,
 * already resolved; they go to V4L2 as the segment's absolute values. */
#include <stdio.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/log.h"
#include "va/codec.h"

#define VP8_MAX_QINDEX 127
#define VP8_MAX_LF_LEVEL 63
#define VP8_MAX_LF_DELTA 63
#define VP8_MAX_DIMENSION 16383
#define VP8_MAX_FIRST_PART_SIZE ((1u << 19) - 1)
#define VP8_TAG_SIZE 3
#define VP8_KEY_HEADER_SIZE 10

/* VAIQMatrixBufferVP8 quantization_index columns (va_dec_vp8.h). */
enum { Q_Y_AC, Q_Y_DC, Q_Y2_DC, Q_Y2_AC, Q_UV_DC, Q_UV_AC };

struct vp8_state {
	struct v4l2_ctrl_vp8_frame frame;
	bool key_frame;
	bool data_has_header;	/* the client's slice starts at the frame tag */
};

static uint32_t tag_value(const struct vp8_state *st)
{
	const struct v4l2_ctrl_vp8_frame *f = &st->frame;

	return (st->key_frame ? 0u : 1u) | (uint32_t)f->version << 1 |
	       (f->flags & V4L2_VP8_FRAME_FLAG_SHOW_FRAME ? 1u << 4 : 0u) |
	       f->first_part_size << 5;
}

static unsigned header_size(const struct vp8_state *st)
{
	return st->key_frame ? VP8_KEY_HEADER_SIZE : VP8_TAG_SIZE;
}

/* Whether h (header_size bytes) is the uncompressed header this frame's VA
 * values describe: frame type, version, first partition size and, on a
 * key frame, start code and dimensions. */
static bool header_matches(const struct vp8_state *st, const uint8_t *h)
{
	const struct v4l2_ctrl_vp8_frame *f = &st->frame;
	uint32_t tag = h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16;

	if ((tag & 1) != (st->key_frame ? 0u : 1u) ||
	    (tag >> 1 & 7) != (uint32_t)f->version ||
	    tag >> 5 != f->first_part_size)
		return false;
	return !st->key_frame ||
	       (h[3] == 0x9d && h[4] == 0x01 && h[5] == 0x2a &&
		(h[6] | (h[7] & 0x3f) << 8) == f->width &&
		(h[8] | (h[9] & 0x3f) << 8) == f->height);
}

/* The client's header (tag, and on a key frame start code and sizes) in
 * its data buffer: at the start of the slice (a client sending the whole
 * frame as the slice) or right in front of it (GStreamer), or NULL. */
static const uint8_t *client_header(struct vp8_state *st,
				    const struct va_slice *s, uint64_t payload)
{
	unsigned hdr = header_size(st);

	st->data_has_header = s->size >= hdr && s->size - hdr >= payload &&
			      header_matches(st, s->data);
	if (st->data_has_header)
		return s->data;
	if (s->lead >= hdr && header_matches(st, s->data - hdr))
		return s->data - hdr;
	return NULL;
}

static VAStatus check_range(int v, int lo, int hi, const char *field,
			    unsigned idx)
{
	if (v >= lo && v <= hi)
		return VA_STATUS_SUCCESS;
	v4l2r_err("vp8: %s[%u] = %d out of range %d..%d", field, idx, v, lo,
		  hi);
	return VA_STATUS_ERROR_INVALID_PARAMETER;
}

static VAStatus fill_partitions(struct vp8_state *st,
				const VASliceParameterBufferVP8 *sp,
				const struct va_slice *s)
{
	struct v4l2_ctrl_vp8_frame *f = &st->frame;
	unsigned n = sp->num_of_partitions;
	uint64_t header_bytes, payload;

	/* One first partition and 1, 2, 4 or 8 DCT partitions. */
	if (n != 2 && n != 3 && n != 5 && n != 9) {
		v4l2r_err("vp8: num_of_partitions = %u (must be 2, 3, 5 or 9)",
			  n);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	header_bytes = (sp->macroblock_offset + 7u) / 8u;
	if ((uint64_t)sp->partition_size[0] + header_bytes >
	    VP8_MAX_FIRST_PART_SIZE) {
		v4l2r_err("vp8: partition_size[0] = %u with macroblock_offset "
			  "= %u exceeds the 19-bit first partition size",
			  sp->partition_size[0], sp->macroblock_offset);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	f->first_part_header_bits = sp->macroblock_offset;
	f->first_part_size = (uint32_t)(sp->partition_size[0] + header_bytes);
	f->num_dct_parts = (uint8_t)(n - 1);

	/* First partition, the 3-byte sizes of all DCT partitions but the
	 * last, then the DCT partitions. */
	payload = (uint64_t)f->first_part_size + 3u * (n - 2);
	for (unsigned i = 1; i < n; i++) {
		f->dct_part_sizes[i - 1] = sp->partition_size[i];
		payload += sp->partition_size[i];
	}
	const uint8_t *h = client_header(st, s, payload);
	if (h) {
		if (!(h[0] & 0x10))
			f->flags &= ~(uint64_t)V4L2_VP8_FRAME_FLAG_SHOW_FRAME;
		if (st->key_frame) {
			f->horizontal_scale = (uint8_t)(h[7] >> 6);
			f->vertical_scale = (uint8_t)(h[9] >> 6);
		}
	}
	if (st->data_has_header)
		payload += header_size(st);
	if (payload > s->size) {
		v4l2r_err("vp8: partition_size[] (%llu bytes with the "
			  "partition table) overruns the slice data (%u bytes)",
			  (unsigned long long)payload, s->size);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	return VA_STATUS_SUCCESS;
}

static VAStatus fill_quant(struct v4l2_ctrl_vp8_frame *f,
			   const VAIQMatrixBufferVP8 *iq, bool segmented)
{
	const uint16_t *base = iq->quantization_index[0];

	for (unsigned s = 0; s < 4; s++)
		for (unsigned k = 0; k < 6; k++)
			if (iq->quantization_index[s][k] > VP8_MAX_QINDEX) {
				v4l2r_err("vp8: quantization_index[%u][%u] = %u "
					  "out of range 0..%u", s, k,
					  iq->quantization_index[s][k],
					  VP8_MAX_QINDEX);
				return VA_STATUS_ERROR_INVALID_PARAMETER;
			}
	/* Deltas against segment 0's Y AC index; each segment's Y AC index
	 * goes in absolute. */
	f->quant.y_ac_qi = (uint8_t)base[Q_Y_AC];
	f->quant.y_dc_delta = (int8_t)(base[Q_Y_DC] - base[Q_Y_AC]);
	f->quant.y2_dc_delta = (int8_t)(base[Q_Y2_DC] - base[Q_Y_AC]);
	f->quant.y2_ac_delta = (int8_t)(base[Q_Y2_AC] - base[Q_Y_AC]);
	f->quant.uv_dc_delta = (int8_t)(base[Q_UV_DC] - base[Q_Y_AC]);
	f->quant.uv_ac_delta = (int8_t)(base[Q_UV_AC] - base[Q_Y_AC]);
	if (segmented)
		for (unsigned s = 0; s < 4; s++)
			f->segment.quant_update[s] =
				(int8_t)iq->quantization_index[s][Q_Y_AC];
	return VA_STATUS_SUCCESS;
}

static VAStatus fill_loop_filter(struct v4l2_ctrl_vp8_frame *f,
				 const VAPictureParameterBufferVP8 *pp,
				 bool segmented)
{
	VAStatus st;

	for (unsigned i = 0; i < 4; i++) {
		if ((st = check_range(pp->loop_filter_level[i], 0,
				      VP8_MAX_LF_LEVEL, "loop_filter_level",
				      i)) != VA_STATUS_SUCCESS ||
		    (st = check_range(pp->loop_filter_deltas_ref_frame[i],
				      -VP8_MAX_LF_DELTA, VP8_MAX_LF_DELTA,
				      "loop_filter_deltas_ref_frame", i)) !=
			    VA_STATUS_SUCCESS ||
		    (st = check_range(pp->loop_filter_deltas_mode[i],
				      -VP8_MAX_LF_DELTA, VP8_MAX_LF_DELTA,
				      "loop_filter_deltas_mode", i)) !=
			    VA_STATUS_SUCCESS)
			return st;
		f->lf.ref_frm_delta[i] = pp->loop_filter_deltas_ref_frame[i];
		f->lf.mb_mode_delta[i] = pp->loop_filter_deltas_mode[i];
		if (segmented)
			f->segment.lf_update[i] =
				(int8_t)pp->loop_filter_level[i];
	}
	f->lf.level = pp->pic_fields.bits.loop_filter_disable ?
			      0 : pp->loop_filter_level[0];
	f->lf.sharpness_level = (uint8_t)pp->pic_fields.bits.sharpness_level;
	if (pp->pic_fields.bits.loop_filter_adj_enable)
		f->lf.flags |= V4L2_VP8_LF_ADJ_ENABLE;
	if (pp->pic_fields.bits.mode_ref_lf_delta_update)
		f->lf.flags |= V4L2_VP8_LF_DELTA_UPDATE;
	if (pp->pic_fields.bits.filter_type)
		f->lf.flags |= V4L2_VP8_LF_FILTER_TYPE_SIMPLE;
	return VA_STATUS_SUCCESS;
}

static VAStatus vp8_translate(void *state, const struct va_picture_input *in,
			      const struct v4l2r_decode_mode *mode,
			      const struct va_ref_resolver *refs)
{
	struct vp8_state *st = state;
	struct v4l2_ctrl_vp8_frame *f = &st->frame;
	const VAPictureParameterBufferVP8 *pp = in->pic_params;
	const VAProbabilityDataBufferVP8 *prob = in->prob_table;
	bool segmented = pp->pic_fields.bits.segmentation_enabled;
	VAStatus ret;
	(void)mode;

	memset(st, 0, sizeof(*st));
	if (in->n_slices != 1) {
		v4l2r_err("vp8: %u slice buffers (a frame is one)",
			  in->n_slices);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	if (!in->iq_matrix || !prob) {
		v4l2r_err("vp8: no %s buffer",
			  !in->iq_matrix ? "VAIQMatrixBufferVP8" :
					   "VAProbabilityDataBufferVP8");
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	if (!pp->frame_width || pp->frame_width > VP8_MAX_DIMENSION ||
	    !pp->frame_height || pp->frame_height > VP8_MAX_DIMENSION) {
		v4l2r_err("vp8: frame_width x frame_height = %ux%u out of "
			  "range 1..%u", pp->frame_width, pp->frame_height,
			  VP8_MAX_DIMENSION);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	if (!va_picture_fits(in, pp->frame_width, pp->frame_height, "vp8",
			     "frame_width x frame_height"))
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	st->key_frame = pp->pic_fields.bits.key_frame == 0;
	f->width = (uint16_t)pp->frame_width;
	f->height = (uint16_t)pp->frame_height;
	/* Shown unless the client's header says otherwise (fill_partitions). */
	f->version = (uint8_t)pp->pic_fields.bits.version;
	f->flags = V4L2_VP8_FRAME_FLAG_SHOW_FRAME;
	if (st->key_frame)
		f->flags |= V4L2_VP8_FRAME_FLAG_KEY_FRAME;
	if (pp->pic_fields.bits.mb_no_coeff_skip) {
		f->flags |= V4L2_VP8_FRAME_FLAG_MB_NO_SKIP_COEFF;
		f->prob_skip_false = pp->prob_skip_false;
	}
	/* What only an inter frame's header carries stays 0 on a key frame
	 * (the reference decoder resets the sign biases there): FFmpeg
	 * leaves the last inter frame's values in VA's. */
	if (!st->key_frame) {
		if (pp->pic_fields.bits.sign_bias_golden)
			f->flags |= V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN;
		if (pp->pic_fields.bits.sign_bias_alternate)
			f->flags |= V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT;
		f->prob_intra = pp->prob_intra;
		f->prob_last = pp->prob_last;
		f->prob_gf = pp->prob_gf;
	}

	if (segmented) {
		f->segment.flags = V4L2_VP8_SEGMENT_FLAG_ENABLED;
		if (pp->pic_fields.bits.update_mb_segmentation_map)
			f->segment.flags |= V4L2_VP8_SEGMENT_FLAG_UPDATE_MAP;
		if (pp->pic_fields.bits.update_segment_feature_data)
			f->segment.flags |=
				V4L2_VP8_SEGMENT_FLAG_UPDATE_FEATURE_DATA;
		memcpy(f->segment.segment_probs, pp->mb_segment_tree_probs, 3);
	} else {
		/* Zero deltas: neutral whatever a driver does with them, and
		 * the bitstream's default mode (segment_feature_mode 0). */
		f->segment.flags = V4L2_VP8_SEGMENT_FLAG_DELTA_VALUE_MODE;
	}
	if ((ret = fill_loop_filter(f, pp, segmented)) != VA_STATUS_SUCCESS ||
	    (ret = fill_quant(f, in->iq_matrix, segmented)) !=
		    VA_STATUS_SUCCESS)
		return ret;

	memcpy(f->entropy.coeff_probs, prob->dct_coeff_probs,
	       sizeof(f->entropy.coeff_probs));
	memcpy(f->entropy.y_mode_probs, pp->y_mode_probs, 4);
	memcpy(f->entropy.uv_mode_probs, pp->uv_mode_probs, 3);
	memcpy(f->entropy.mv_probs, pp->mv_probs, sizeof(f->entropy.mv_probs));
	f->coder_state.range = pp->bool_coder_ctx.range;
	f->coder_state.value = pp->bool_coder_ctx.value;
	f->coder_state.bit_count = pp->bool_coder_ctx.count;

	if ((ret = fill_partitions(st, in->slices[0].params, &in->slices[0])) !=
	    VA_STATUS_SUCCESS)
		return ret;

	if (!st->key_frame) {
		f->last_frame_ts = va_ref_timestamp(refs, pp->last_ref_frame, "vp8", "last");
		f->golden_frame_ts = va_ref_timestamp(refs, pp->golden_ref_frame,
					    "vp8", "golden");
		f->alt_frame_ts = va_ref_timestamp(refs, pp->alt_ref_frame, "vp8", "altref");
	}
	return VA_STATUS_SUCCESS;
}

static void vp8_plan_request(void *state, const struct v4l2r_decode_mode *mode,
			     unsigned i, struct va_request_plan *plan)
{
	struct vp8_state *st = state;
	(void)mode;
	(void)i;

	plan->controls[0].id = V4L2_CID_STATELESS_VP8_FRAME;
	plan->controls[0].ptr = &st->frame;
	plan->controls[0].size = sizeof(st->frame);
	plan->n_controls = 1;
	plan->first_slice = 0;
	plan->n_slices = 1;
}

/* The frame tag and, on a key frame, start code and sizes, rebuilt from
 * VA's values (and the client's header, when seen) when the slice starts
 * after them. */
static unsigned vp8_slice_prefix(void *state, const struct va_picture_input *in,
				 unsigned i, const struct v4l2r_decode_mode *mode,
				 uint8_t *out)
{
	const struct vp8_state *st = state;
	uint32_t tag = tag_value(st);
	(void)in;
	(void)i;
	(void)mode;

	if (st->data_has_header)
		return 0;
	out[0] = (uint8_t)tag;
	out[1] = (uint8_t)(tag >> 8);
	out[2] = (uint8_t)(tag >> 16);
	if (!st->key_frame)
		return VP8_TAG_SIZE;
	out[3] = 0x9d;
	out[4] = 0x01;
	out[5] = 0x2a;
	out[6] = (uint8_t)st->frame.width;
	out[7] = (uint8_t)(st->frame.width >> 8 |
			   st->frame.horizontal_scale << 6);
	out[8] = (uint8_t)st->frame.height;
	out[9] = (uint8_t)(st->frame.height >> 8 |
			   st->frame.vertical_scale << 6);
	return VP8_KEY_HEADER_SIZE;
}

/* VP8 has no profile menu on stateless decoders; version 0-3 streams are
 * all VAProfileVP8Version0_3. */
static unsigned vp8_profiles(uint64_t v4l2_profiles, VAProfile *out,
			     unsigned max)
{
	(void)v4l2_profiles;
	if (!max)
		return 0;
	out[0] = VAProfileVP8Version0_3;
	return 1;
}

const struct va_codec_ops va_codec_vp8 = {
	.codec = V4L2R_CODEC_VP8,
	.pic_param_size = sizeof(VAPictureParameterBufferVP8),
	.iq_matrix_size = sizeof(VAIQMatrixBufferVP8),
	.slice_param_size = sizeof(VASliceParameterBufferVP8),
	.prob_table_size = sizeof(VAProbabilityDataBufferVP8),
	.state_size = sizeof(struct vp8_state),
	.translate = vp8_translate,
	.plan_request = vp8_plan_request,
	.profiles = vp8_profiles,
	.slice_prefix = vp8_slice_prefix,
	.slice_size_cut_at_buffer_end = true,
};
