/* One intra picture per codec for the checks: minimal controls that are
 * valid per the uAPI (they pass the control framework's validation
 * unchanged, so a value read back compares equal), and a bitstream that
 * matches them. The H.264 picture is a real one (every macroblock
 * Intra 16x16 DC without residual, a grey frame); the others only have
 * well-formed headers in front of filler, which visl accepts and a
 * hardware decoder may flag as corrupt. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check_common.h"

/* ---- an MSB-first bit writer with H.264/HEVC exp-Golomb codes ---- */

struct bitwriter {
	uint8_t *data;
	size_t size, bits;
};

static void bw_u(struct bitwriter *bw, unsigned n, uint32_t value)
{
	while (n--) {
		size_t byte = bw->bits / 8;

		if (byte >= bw->size)
			return;	/* the callers size their buffers */
		if (value >> n & 1)
			bw->data[byte] |= 0x80 >> (bw->bits % 8);
		else
			bw->data[byte] &= ~(0x80 >> (bw->bits % 8));
		bw->bits++;
	}
}

static void bw_ue(struct bitwriter *bw, uint32_t value)
{
	uint32_t v = value + 1;
	unsigned len = 0;

	while (v >> (len + 1))
		len++;
	bw_u(bw, len, 0);
	bw_u(bw, len + 1, v);
}

static void bw_se(struct bitwriter *bw, int32_t value)
{
	bw_ue(bw, value > 0 ? 2 * (uint32_t)value - 1 : 2 * (uint32_t)-value);
}

/* rbsp_trailing_bits(): a one, then zeros to the byte boundary. */
static void bw_trailing(struct bitwriter *bw)
{
	bw_u(bw, 1, 1);
	while (bw->bits % 8)
		bw_u(bw, 1, 0);
}

static size_t bw_bytes(const struct bitwriter *bw)
{
	return (bw->bits + 7) / 8;
}

/* Copies an RBSP into a NAL unit payload, inserting emulation prevention
 * bytes. Returns the bytes written. */
static size_t escape_rbsp(uint8_t *dst, size_t cap, const uint8_t *src,
			  size_t n)
{
	size_t out = 0;
	unsigned zeros = 0;

	for (size_t i = 0; i < n && out < cap; i++) {
		if (zeros >= 2 && src[i] <= 3) {
			dst[out++] = 3;
			zeros = 0;
			if (out >= cap)
				break;
		}
		dst[out++] = src[i];
		zeros = src[i] ? 0 : zeros + 1;
	}
	return out;
}

/* Filler for the parts of a synthetic bitstream nobody parses: no zero
 * byte, so no start code emulation either. */
static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(0x5a + 7 * i) | 1;
}

/* ---- helpers ---- */

static bool has_control(const struct v4l2r_codec_desc *d,
			const struct v4l2r_codec_caps *caps, uint32_t cid)
{
	for (unsigned i = 0; i < d->n_controls && i < 32; i++)
		if (d->controls[i].id == cid)
			return caps->controls_present & (UINT32_C(1) << i);
	return false;
}

static void add(struct check_picture *pic, uint32_t cid, void *payload,
		uint32_t size)
{
	struct v4l2_ext_control *c = &pic->ctrl[pic->n_ctrl++];

	memset(c, 0, sizeof(*c));
	c->id = cid;
	c->size = size;
	c->ptr = payload;
}

static void add_context(struct check_picture *pic, uint32_t cid, int32_t value)
{
	struct v4l2_ext_control *c = &pic->context[pic->n_context++];

	memset(c, 0, sizeof(*c));
	c->id = cid;
	c->value = value;
}

#define ADD(pic, cid, field) add(pic, cid, &(field), sizeof(field))

/* The device's default menu value, or fallback when it has no menu. */
static int32_t menu_default(int32_t device_default, int32_t fallback)
{
	return device_default >= 0 ? device_default : fallback;
}

static size_t start_code(uint8_t *p, bool annex_b)
{
	if (!annex_b)
		return 0;
	p[0] = 0;
	p[1] = 0;
	p[2] = 1;
	return 3;
}

/* ---- MPEG-2 ---- */

struct mpeg2_payload {
	struct v4l2_ctrl_mpeg2_sequence seq;
	struct v4l2_ctrl_mpeg2_picture pic;
	struct v4l2_ctrl_mpeg2_quantisation quant;
};

static int mpeg2_init(struct check_picture *pic,
		      const struct v4l2r_codec_caps *caps)
{
	struct mpeg2_payload *m = calloc(1, sizeof(*m));
	static const uint8_t header[] = {
		/* picture_start_code, temporal_reference 0, I picture,
		 * vbv_delay 0xffff */
		0x00, 0x00, 0x01, 0x00, 0x00, 0x0f, 0xff, 0xf8,
		/* slice_start_code of row 1, quantiser_scale_code 2 */
		0x00, 0x00, 0x01, 0x01, 0x12,
	};

	if (!m)
		return -ENOMEM;
	pic->payload = m;
	m->seq.horizontal_size = (uint16_t)pic->width;
	m->seq.vertical_size = (uint16_t)pic->height;
	m->seq.vbv_buffer_size = 112 * 16 * 1024;
	m->seq.profile_and_level_indication = 0x48;	/* Main@Main */
	m->seq.chroma_format = 1;			/* 4:2:0 */
	m->seq.flags = V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE;
	m->pic.picture_coding_type = V4L2_MPEG2_PIC_CODING_TYPE_I;
	memset(m->pic.f_code, 0xf, sizeof(m->pic.f_code));
	m->pic.picture_structure = V4L2_MPEG2_PIC_FRAME;
	m->pic.flags = V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT |
		       V4L2_MPEG2_PIC_FLAG_PROGRESSIVE;
	for (unsigned i = 0; i < 64; i++) {
		m->quant.intra_quantiser_matrix[i] = i ? 16 + i / 4 : 8;
		m->quant.non_intra_quantiser_matrix[i] = 16;
		m->quant.chroma_intra_quantiser_matrix[i] = i ? 16 + i / 4 : 8;
		m->quant.chroma_non_intra_quantiser_matrix[i] = 16;
	}
	ADD(pic, V4L2_CID_STATELESS_MPEG2_SEQUENCE, m->seq);
	ADD(pic, V4L2_CID_STATELESS_MPEG2_PICTURE, m->pic);
	if (has_control(pic->desc, caps, V4L2_CID_STATELESS_MPEG2_QUANTISATION))
		ADD(pic, V4L2_CID_STATELESS_MPEG2_QUANTISATION, m->quant);
	memcpy(pic->bitstream, header, sizeof(header));
	fill(pic->bitstream + sizeof(header), 64);
	pic->bitstream_size = sizeof(header) + 64;
	return 0;
}

/* ---- H.264 ---- */

struct h264_payload {
	struct v4l2_ctrl_h264_sps sps;
	struct v4l2_ctrl_h264_pps pps;
	struct v4l2_ctrl_h264_scaling_matrix scaling;
	struct v4l2_ctrl_h264_slice_params slice;
	struct v4l2_ctrl_h264_decode_params decode;
};

/* An IDR slice covering the picture, every macroblock I_16x16 with DC
 * prediction and no coded residual (CAVLC). Returns the RBSP bits of the
 * slice header (NAL header included), i.e. where slice_data() starts. */
static size_t h264_write_slice(uint8_t *rbsp, size_t cap, size_t *size,
			       unsigned mbs)
{
	struct bitwriter bw = { .data = rbsp, .size = cap };
	size_t header_bits;

	memset(rbsp, 0, cap);
	bw_u(&bw, 8, 0x65);	/* nal_ref_idc 3, IDR slice */
	bw_ue(&bw, 0);		/* first_mb_in_slice */
	bw_ue(&bw, 7);		/* slice_type: I, all slices */
	bw_ue(&bw, 0);		/* pic_parameter_set_id */
	bw_u(&bw, 4, 0);	/* frame_num (log2_max_frame_num 4) */
	bw_ue(&bw, 0);		/* idr_pic_id */
	bw_u(&bw, 4, 0);	/* pic_order_cnt_lsb (log2 max 4) */
	bw_u(&bw, 1, 0);	/* no_output_of_prior_pics_flag */
	bw_u(&bw, 1, 0);	/* long_term_reference_flag */
	bw_se(&bw, 0);		/* slice_qp_delta */
	header_bits = bw.bits;
	for (unsigned i = 0; i < mbs; i++) {
		bw_ue(&bw, 3);	/* mb_type I_16x16_2_0_0: DC, no cbp */
		bw_ue(&bw, 0);	/* intra_chroma_pred_mode: DC */
		bw_se(&bw, 0);	/* mb_qp_delta */
		bw_u(&bw, 1, 1);	/* DC coeff_token: no coefficient */
	}
	bw_trailing(&bw);
	*size = bw_bytes(&bw);
	return header_bits;
}

static int h264_init(struct check_picture *pic,
		     const struct v4l2r_codec_caps *caps)
{
	const struct v4l2r_codec_desc *d = pic->desc;
	struct h264_payload *h = calloc(1, sizeof(*h));
	int32_t mode = menu_default(caps->default_decode_mode,
				    V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED);
	int32_t start = menu_default(caps->default_start_code,
				     V4L2_STATELESS_H264_START_CODE_NONE);
	unsigned mbs = (pic->width / 16) * (pic->height / 16);
	uint8_t rbsp[CHECK_MAX_BITSTREAM];
	size_t rbsp_size, off, header_bits;

	if (!h)
		return -ENOMEM;
	pic->payload = h;
	if (caps->default_decode_mode >= 0)
		add_context(pic, d->decode_mode_cid, mode);
	if (caps->default_start_code >= 0)
		add_context(pic, d->start_code_cid, start);
	pic->slice_based = mode == V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED;

	h->sps.profile_idc = 66;	/* constrained baseline */
	h->sps.constraint_set_flags = V4L2_H264_SPS_CONSTRAINT_SET1_FLAG;
	h->sps.level_idc = 30;
	h->sps.chroma_format_idc = 1;
	h->sps.max_num_ref_frames = 1;
	h->sps.pic_width_in_mbs_minus1 = (uint16_t)(pic->width / 16 - 1);
	h->sps.pic_height_in_map_units_minus1 = (uint16_t)(pic->height / 16 - 1);
	h->sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY |
		       V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;
	/* pps: all zero (CAVLC, no deblocking control, qp 26) */
	memset(&h->scaling, 16, sizeof(h->scaling));	/* flat */

	header_bits = h264_write_slice(rbsp, sizeof(rbsp), &rbsp_size, mbs);
	off = start_code(pic->bitstream,
			 start == V4L2_STATELESS_H264_START_CODE_ANNEX_B);
	pic->bitstream_size = off + escape_rbsp(pic->bitstream + off,
						sizeof(pic->bitstream) - off,
						rbsp, rbsp_size);
	pic->decodable = true;

	/* RBSP bits from the NAL header byte to slice_data() (the header has
	 * no emulation prevention bytes to leave out). */
	h->slice.header_bit_size = (uint32_t)header_bits;
	h->slice.slice_type = V4L2_H264_SLICE_TYPE_I;
	h->decode.nal_ref_idc = 3;
	h->decode.dec_ref_pic_marking_bit_size = 2;
	h->decode.pic_order_cnt_bit_size = 4;
	h->decode.flags = V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC;

	ADD(pic, V4L2_CID_STATELESS_H264_SPS, h->sps);
	ADD(pic, V4L2_CID_STATELESS_H264_PPS, h->pps);
	if (has_control(d, caps, V4L2_CID_STATELESS_H264_SCALING_MATRIX))
		ADD(pic, V4L2_CID_STATELESS_H264_SCALING_MATRIX, h->scaling);
	/* No weighted prediction: no prediction weights. */
	if (pic->slice_based)
		ADD(pic, V4L2_CID_STATELESS_H264_SLICE_PARAMS, h->slice);
	ADD(pic, V4L2_CID_STATELESS_H264_DECODE_PARAMS, h->decode);
	return 0;
}

/* ---- HEVC ---- */

struct hevc_payload {
	struct v4l2_ctrl_hevc_sps sps;
	struct v4l2_ctrl_hevc_pps pps;
	struct v4l2_ctrl_hevc_slice_params slice;
	struct v4l2_ctrl_hevc_scaling_matrix scaling;
	struct v4l2_ctrl_hevc_decode_params decode;
};

static int hevc_init(struct check_picture *pic,
		     const struct v4l2r_codec_caps *caps)
{
	const struct v4l2r_codec_desc *d = pic->desc;
	struct hevc_payload *h = calloc(1, sizeof(*h));
	int32_t mode = menu_default(caps->default_decode_mode,
				    V4L2_STATELESS_HEVC_DECODE_MODE_FRAME_BASED);
	int32_t start = menu_default(caps->default_start_code,
				     V4L2_STATELESS_HEVC_START_CODE_NONE);
	uint8_t rbsp[64];
	struct bitwriter bw = { .data = rbsp, .size = sizeof(rbsp) };
	size_t off, nal, header;

	if (!h)
		return -ENOMEM;
	pic->payload = h;
	if (caps->default_decode_mode >= 0)
		add_context(pic, d->decode_mode_cid, mode);
	if (caps->default_start_code >= 0)
		add_context(pic, d->start_code_cid, start);
	pic->slice_based = mode == V4L2_STATELESS_HEVC_DECODE_MODE_SLICE_BASED;

	h->sps.pic_width_in_luma_samples = (uint16_t)pic->width;
	h->sps.pic_height_in_luma_samples = (uint16_t)pic->height;
	h->sps.log2_max_pic_order_cnt_lsb_minus4 = 4;
	h->sps.log2_diff_max_min_luma_coding_block_size = 2;	/* CTB 32 */
	h->sps.log2_diff_max_min_luma_transform_block_size = 3;
	h->sps.max_transform_hierarchy_depth_intra = 1;
	h->sps.chroma_format_idc = 1;
	memset(&h->scaling, 16, sizeof(h->scaling));	/* flat */

	/* NAL header (IDR_W_RADL, layer 0, temporal id 0) and slice segment
	 * header of a whole-picture I slice; filler stands for the CABAC
	 * slice data. */
	memset(rbsp, 0, sizeof(rbsp));
	bw_u(&bw, 16, 19 << 9 | 1);
	bw_u(&bw, 1, 1);	/* first_slice_segment_in_pic_flag */
	bw_u(&bw, 1, 0);	/* no_output_of_prior_pics_flag */
	bw_ue(&bw, 0);		/* slice_pic_parameter_set_id */
	bw_ue(&bw, 2);		/* slice_type: I */
	bw_se(&bw, 0);		/* slice_qp_delta */
	bw_trailing(&bw);	/* byte_alignment() */
	header = bw_bytes(&bw);
	off = start_code(pic->bitstream,
			 start == V4L2_STATELESS_HEVC_START_CODE_ANNEX_B);
	nal = escape_rbsp(pic->bitstream + off, 64, rbsp, header);
	fill(pic->bitstream + off + nal, 96);
	pic->bitstream_size = off + nal + 96;

	/* Both counted from the start of the buffer, start code included,
	 * as the VA driver does and Cedrus reads them. */
	h->slice.bit_size = (uint32_t)(off + nal + 96) * 8;
	h->slice.data_byte_offset = (uint32_t)(off + nal);
	h->slice.nal_unit_type = 19;
	h->slice.nuh_temporal_id_plus1 = 1;
	h->slice.slice_type = V4L2_HEVC_SLICE_TYPE_I;
	h->decode.flags = V4L2_HEVC_DECODE_PARAM_FLAG_IRAP_PIC |
			  V4L2_HEVC_DECODE_PARAM_FLAG_IDR_PIC;

	ADD(pic, V4L2_CID_STATELESS_HEVC_SPS, h->sps);
	ADD(pic, V4L2_CID_STATELESS_HEVC_PPS, h->pps);
	/* a dynamic array of one slice */
	if (pic->slice_based)
		ADD(pic, V4L2_CID_STATELESS_HEVC_SLICE_PARAMS, h->slice);
	if (has_control(d, caps, V4L2_CID_STATELESS_HEVC_SCALING_MATRIX))
		ADD(pic, V4L2_CID_STATELESS_HEVC_SCALING_MATRIX, h->scaling);
	ADD(pic, V4L2_CID_STATELESS_HEVC_DECODE_PARAMS, h->decode);
	return 0;
}

/* ---- VP8 ---- */

struct vp8_payload {
	struct v4l2_ctrl_vp8_frame frame;
};

static int vp8_init(struct check_picture *pic,
		    const struct v4l2r_codec_caps *caps)
{
	struct vp8_payload *v = calloc(1, sizeof(*v));
	struct v4l2_ctrl_vp8_frame *f;
	const uint32_t first_part = 48, dct_part = 64;
	uint8_t *p = pic->bitstream;
	uint32_t tag;

	(void)caps;
	if (!v)
		return -ENOMEM;
	pic->payload = v;
	f = &v->frame;
	/* frame tag: key frame, version 0, shown, first partition size;
	 * start code; width and height without scaling */
	tag = 0u | 0u << 1 | 1u << 4 | first_part << 5;
	p[0] = tag & 0xff;
	p[1] = tag >> 8 & 0xff;
	p[2] = tag >> 16 & 0xff;
	p[3] = 0x9d;
	p[4] = 0x01;
	p[5] = 0x2a;
	p[6] = pic->width & 0xff;
	p[7] = pic->width >> 8 & 0x3f;
	p[8] = pic->height & 0xff;
	p[9] = pic->height >> 8 & 0x3f;
	fill(p + 10, first_part + dct_part);
	pic->bitstream_size = 10 + first_part + dct_part;

	f->width = (uint16_t)pic->width;
	f->height = (uint16_t)pic->height;
	f->num_dct_parts = 1;
	f->first_part_size = first_part;
	f->first_part_header_bits = 40;
	f->dct_part_sizes[0] = dct_part;
	f->quant.y_ac_qi = 40;
	f->prob_skip_false = 128;
	memset(f->entropy.coeff_probs, 128, sizeof(f->entropy.coeff_probs));
	memset(f->entropy.y_mode_probs, 128, sizeof(f->entropy.y_mode_probs));
	memset(f->entropy.uv_mode_probs, 128, sizeof(f->entropy.uv_mode_probs));
	memset(f->entropy.mv_probs, 128, sizeof(f->entropy.mv_probs));
	f->coder_state.range = 255;
	f->flags = V4L2_VP8_FRAME_FLAG_KEY_FRAME | V4L2_VP8_FRAME_FLAG_SHOW_FRAME;
	ADD(pic, V4L2_CID_STATELESS_VP8_FRAME, *f);
	return 0;
}

/* ---- VP9 ---- */

struct vp9_payload {
	struct v4l2_ctrl_vp9_frame frame;
	struct v4l2_ctrl_vp9_compressed_hdr hdr;
};

static int vp9_init(struct check_picture *pic,
		    const struct v4l2r_codec_caps *caps)
{
	struct vp9_payload *v = calloc(1, sizeof(*v));
	struct v4l2_ctrl_vp9_frame *f;
	const unsigned compressed = 32;
	struct bitwriter bw = { .data = pic->bitstream,
				.size = sizeof(pic->bitstream) };
	size_t header;

	if (!v)
		return -ENOMEM;
	pic->payload = v;
	f = &v->frame;
	f->flags = V4L2_VP9_FRAME_FLAG_KEY_FRAME |
		   V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
		   V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX |
		   V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE |
		   V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
		   V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
	f->profile = 0;
	f->bit_depth = 8;
	f->frame_width_minus_1 = (uint16_t)(pic->width - 1);
	f->frame_height_minus_1 = (uint16_t)(pic->height - 1);
	f->render_width_minus_1 = f->frame_width_minus_1;
	f->render_height_minus_1 = f->frame_height_minus_1;
	f->lf.level = 10;
	f->quant.base_q_idx = 60;

	/* The uncompressed header of a profile 0 key frame that says the
	 * same (one tile column: 320 pixels is 5 superblocks); filler stands
	 * for the compressed header and the tile. */
	memset(pic->bitstream, 0, sizeof(pic->bitstream));
	bw_u(&bw, 2, 2);	/* frame_marker */
	bw_u(&bw, 2, 0);	/* profile 0 */
	bw_u(&bw, 1, 0);	/* show_existing_frame */
	bw_u(&bw, 1, 0);	/* frame_type: key */
	bw_u(&bw, 1, 1);	/* show_frame */
	bw_u(&bw, 1, 0);	/* error_resilient_mode */
	bw_u(&bw, 24, 0x498342);	/* frame_sync_code */
	bw_u(&bw, 3, 2);	/* color_space: BT.709 */
	bw_u(&bw, 1, 0);	/* color_range: studio */
	bw_u(&bw, 16, f->frame_width_minus_1);
	bw_u(&bw, 16, f->frame_height_minus_1);
	bw_u(&bw, 1, 0);	/* render_and_frame_size_different */
	bw_u(&bw, 1, 1);	/* refresh_frame_context */
	bw_u(&bw, 1, 1);	/* frame_parallel_decoding_mode */
	bw_u(&bw, 2, 0);	/* frame_context_idx */
	bw_u(&bw, 6, f->lf.level);
	bw_u(&bw, 3, f->lf.sharpness);
	bw_u(&bw, 1, 0);	/* mode_ref_delta_enabled */
	bw_u(&bw, 8, f->quant.base_q_idx);
	bw_u(&bw, 3, 0);	/* no delta_q */
	bw_u(&bw, 1, 0);	/* segmentation_enabled */
	bw_u(&bw, 1, 0);	/* tile_rows_log2 */
	bw_u(&bw, 16, compressed);	/* header_size_in_bytes */
	header = bw_bytes(&bw);	/* trailing bits are zero */
	fill(pic->bitstream + header, compressed + 64);
	pic->bitstream_size = header + compressed + 64;
	f->uncompressed_header_size = (uint16_t)header;
	f->compressed_header_size = compressed;

	v->hdr.tx_mode = V4L2_VP9_TX_MODE_ALLOW_32X32;	/* no updates */
	ADD(pic, V4L2_CID_STATELESS_VP9_FRAME, *f);
	if (has_control(pic->desc, caps, V4L2_CID_STATELESS_VP9_COMPRESSED_HDR))
		ADD(pic, V4L2_CID_STATELESS_VP9_COMPRESSED_HDR, v->hdr);
	return 0;
}

/* ---- AV1 (when the build's headers have its uAPI) ---- */

#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
struct av1_payload {
	struct v4l2_ctrl_av1_sequence seq;
	struct v4l2_ctrl_av1_tile_group_entry tile;
	struct v4l2_ctrl_av1_frame frame;
};

static int av1_init(struct check_picture *pic,
		    const struct v4l2r_codec_caps *caps)
{
	struct av1_payload *a = calloc(1, sizeof(*a));
	struct v4l2_ctrl_av1_frame *f;
	const unsigned tile = 96;
	uint8_t *p = pic->bitstream;
	unsigned sb_cols = (pic->width + 63) / 64, sb_rows = (pic->height + 63) / 64;

	(void)caps;
	if (!a)
		return -ENOMEM;
	pic->payload = a;
	a->seq.seq_profile = 0;
	a->seq.bit_depth = 8;
	a->seq.max_frame_width_minus_1 = (uint16_t)(pic->width - 1);
	a->seq.max_frame_height_minus_1 = (uint16_t)(pic->height - 1);
	a->seq.flags = V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X |
		       V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y;

	f = &a->frame;
	f->tile_info.tile_cols = 1;
	f->tile_info.tile_rows = 1;
	f->tile_info.mi_col_starts[1] = 2 * ((pic->width + 7) / 8);
	f->tile_info.mi_row_starts[1] = 2 * ((pic->height + 7) / 8);
	f->tile_info.width_in_sbs_minus_1[0] = sb_cols - 1;
	f->tile_info.height_in_sbs_minus_1[0] = sb_rows - 1;
	f->tile_info.tile_size_bytes = 4;
	f->quantization.base_q_idx = 60;
	f->superres_denom = 8;	/* SUPERRES_NUM: no scaling */
	f->primary_ref_frame = 7;	/* PRIMARY_REF_NONE */
	f->flags = V4L2_AV1_FRAME_FLAG_SHOW_FRAME;
	f->frame_type = V4L2_AV1_KEY_FRAME;
	f->upscaled_width = pic->width;
	f->tx_mode = V4L2_AV1_TX_MODE_LARGEST;
	f->frame_width_minus_1 = pic->width - 1;
	f->frame_height_minus_1 = pic->height - 1;
	f->render_width_minus_1 = (uint16_t)(pic->width - 1);
	f->render_height_minus_1 = (uint16_t)(pic->height - 1);
	f->refresh_frame_flags = 0xff;

	/* A tile group OBU with a size field, its payload filler. */
	p[0] = 4 << 3 | 1 << 1;	/* OBU_TILE_GROUP, has_size_field */
	p[1] = (uint8_t)tile;	/* leb128, < 128 */
	fill(p + 2, tile);
	pic->bitstream_size = 2 + tile;
	a->tile.tile_offset = 2;
	a->tile.tile_size = tile;

	ADD(pic, V4L2_CID_STATELESS_AV1_SEQUENCE, a->seq);
	ADD(pic, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY, a->tile);
	ADD(pic, V4L2_CID_STATELESS_AV1_FRAME, *f);
	return 0;
}
#endif

/* ---- public ---- */

int check_picture_init(struct check_picture *pic,
		       const struct v4l2r_codec_desc *d,
		       const struct v4l2r_codec_caps *caps)
{
	int ret;

	memset(pic, 0, sizeof(*pic));
	pic->desc = d;
	pic->width = CHECK_WIDTH;
	pic->height = CHECK_HEIGHT;
	if (!d->compiled)
		return -ENOTSUP;
	switch (d->codec) {
	case V4L2R_CODEC_MPEG2:
		ret = mpeg2_init(pic, caps);
		break;
	case V4L2R_CODEC_H264:
		ret = h264_init(pic, caps);
		break;
	case V4L2R_CODEC_HEVC:
		ret = hevc_init(pic, caps);
		break;
	case V4L2R_CODEC_VP8:
		ret = vp8_init(pic, caps);
		break;
	case V4L2R_CODEC_VP9:
		ret = vp9_init(pic, caps);
		break;
#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
	case V4L2R_CODEC_AV1:
		ret = av1_init(pic, caps);
		break;
#endif
	default:
		ret = -ENOTSUP;
		break;
	}
	if (ret)
		check_picture_fini(pic);
	return ret;
}

void check_picture_fini(struct check_picture *pic)
{
	free(pic->payload);
	pic->payload = NULL;
	pic->n_ctrl = 0;
}

static int index_of(const struct check_picture *pic, uint32_t cid)
{
	for (unsigned i = 0; i < pic->n_ctrl; i++)
		if (pic->ctrl[i].id == cid)
			return (int)i;
	return -ENOENT;
}

int check_picture_break(struct check_picture *pic, const char **what)
{
	switch (pic->desc->codec) {
	case V4L2R_CODEC_MPEG2: {
		struct mpeg2_payload *m = pic->payload;

		m->pic.picture_structure = 0;
		*what = "MPEG-2 picture_structure 0";
		return index_of(pic, V4L2_CID_STATELESS_MPEG2_PICTURE);
	}
	case V4L2R_CODEC_H264: {
		struct h264_payload *h = pic->payload;

		h->pps.weighted_bipred_idc = 3;
		*what = "H.264 PPS weighted_bipred_idc 3";
		return index_of(pic, V4L2_CID_STATELESS_H264_PPS);
	}
	case V4L2R_CODEC_HEVC: {
		struct hevc_payload *h = pic->payload;

		h->decode.num_active_dpb_entries = V4L2_HEVC_DPB_ENTRIES_NUM_MAX + 1;
		*what = "HEVC num_active_dpb_entries 17";
		return index_of(pic, V4L2_CID_STATELESS_HEVC_DECODE_PARAMS);
	}
	case V4L2R_CODEC_VP8: {
		struct vp8_payload *v = pic->payload;

		v->frame.num_dct_parts = 3;
		*what = "VP8 num_dct_parts 3";
		return index_of(pic, V4L2_CID_STATELESS_VP8_FRAME);
	}
	case V4L2R_CODEC_VP9: {
		struct vp9_payload *v = pic->payload;

		v->frame.bit_depth = 10;
		*what = "VP9 profile 0 with bit_depth 10";
		return index_of(pic, V4L2_CID_STATELESS_VP9_FRAME);
	}
#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
	case V4L2R_CODEC_AV1: {
		struct av1_payload *a = pic->payload;

		a->frame.superres_denom = 17;
		*what = "AV1 superres_denom 17";
		return index_of(pic, V4L2_CID_STATELESS_AV1_FRAME);
	}
#endif
	default:
		return -ENOTSUP;
	}
}

void check_picture_vary(struct check_picture *pic)
{
	switch (pic->desc->codec) {
	case V4L2R_CODEC_MPEG2:
		((struct mpeg2_payload *)pic->payload)->seq.vbv_buffer_size /= 2;
		break;
	case V4L2R_CODEC_H264:
		((struct h264_payload *)pic->payload)->sps.level_idc = 31;
		break;
	case V4L2R_CODEC_HEVC:
		((struct hevc_payload *)pic->payload)->sps.sps_max_latency_increase_plus1 = 1;
		break;
	case V4L2R_CODEC_VP8:
		/* golden frame probability: unused by a key frame */
		((struct vp8_payload *)pic->payload)->frame.prob_gf = 77;
		break;
	case V4L2R_CODEC_VP9:
		/* reference sign bias: unused by a key frame */
		((struct vp9_payload *)pic->payload)->frame.ref_frame_sign_bias = 2;
		break;
#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
	case V4L2R_CODEC_AV1:
		/* order hints are disabled: the width does not matter */
		((struct av1_payload *)pic->payload)->seq.order_hint_bits = 7;
		break;
#endif
	default:
		break;
	}
}
