/* Synthetic decode sessions (see synth.h). The values are chosen to pass
 * the kernel's control validation and to look like a small real stream:
 * a key picture, then P pictures every third picture with two B pictures
 * between anchors (MPEG-2, H.264, HEVC), or P pictures referencing the
 * previous one and the key picture (VP8, VP9). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "synth.h"

struct synth_storage {
	struct v4l2_ext_control ctrl[SYNTH_MAX_CONTROLS];
	struct v4l2_ctrl_mpeg2_sequence mpeg2_seq;
	struct v4l2_ctrl_mpeg2_picture mpeg2_pic;
	struct v4l2_ctrl_mpeg2_quantisation mpeg2_quant;
	struct v4l2_ctrl_h264_sps h264_sps;
	struct v4l2_ctrl_h264_pps h264_pps;
	struct v4l2_ctrl_h264_scaling_matrix h264_scaling;
	struct v4l2_ctrl_h264_decode_params h264_decode;
	struct v4l2_ctrl_h264_slice_params h264_slice;
	struct v4l2_ctrl_h264_pred_weights h264_weights;
	struct v4l2_ctrl_hevc_sps hevc_sps;
	struct v4l2_ctrl_hevc_pps hevc_pps;
	struct v4l2_ctrl_hevc_scaling_matrix hevc_scaling;
	struct v4l2_ctrl_hevc_decode_params hevc_decode;
	struct v4l2_ctrl_hevc_slice_params hevc_slice;
	struct v4l2_ctrl_vp8_frame vp8;
	struct v4l2_ctrl_vp9_frame vp9;
};

static bool has_b_pictures(const struct v4l2r_codec_desc *d)
{
	return d->codec == V4L2R_CODEC_MPEG2 || d->codec == V4L2R_CODEC_H264 ||
	       d->codec == V4L2R_CODEC_HEVC;
}

static void add_picture(struct synth_stream *st, unsigned display, char type,
			int past, int future, int golden)
{
	struct synth_picture *p = &st->pics[st->n_frames++];

	memset(p, 0, sizeof(*p));
	p->display = display;
	p->type = type;
	p->past = past;
	p->future = future;
	p->golden = golden;
	/* 30 fps presentation times, whole microseconds. */
	p->timestamp_ns = ((uint64_t)display * 33333 + 1000) * 1000;
}

const char *synth_choose_modes(struct synth_stream *st,
			       const struct v4l2r_codec_caps *cc)
{
	const struct v4l2r_codec_desc *d = st->desc;

	/* Checked first: without it several requests per picture cannot
	 * work, whatever the decode mode. */
	if (st->slices > 1 && !cc->hold_capture)
		return "the device cannot hold capture buffers: several "
		       "slices per picture need it";
	if (d->decode_mode_cid && cc->default_decode_mode >= 0) {
		bool frame_ok = cc->decode_modes &
				(1u << V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED);
		bool slice_ok = cc->decode_modes &
				(1u << V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED);
		st->slice_based = st->slices > 1 || !frame_ok;
		if (st->slice_based && !slice_ok)
			return frame_ok ?
				"the device has no slice-based decoding: "
				"several slices per picture need it" :
				"the device offers neither frame-based nor "
				"slice-based decoding";
	}
	if (d->start_code_cid && cc->default_start_code >= 0)
		st->annex_b = cc->start_codes &
			      (1u << V4L2_STATELESS_H264_START_CODE_ANNEX_B);
	return NULL;
}

bool synth_supports(enum v4l2r_codec codec)
{
	/* The codecs synth_fill has a case for. */
	switch (codec) {
	case V4L2R_CODEC_MPEG2:
	case V4L2R_CODEC_H264:
	case V4L2R_CODEC_HEVC:
	case V4L2R_CODEC_VP8:
	case V4L2R_CODEC_VP9:
		return true;
	default:
		return false;
	}
}

int synth_plan(struct synth_stream *st, const struct v4l2r_codec_desc *desc,
	       uint32_t width, uint32_t height, unsigned n_frames,
	       unsigned slices)
{
	int owner[16];

	if (!synth_supports(desc->codec) || !n_frames || n_frames > SYNTH_MAX_FRAMES || !slices ||
	    slices > 16)
		return -1;
	memset(st, 0, sizeof(*st));
	st->desc = desc;
	st->width = width;
	st->height = height;
	st->slices = slices;
	if (has_b_pictures(desc)) {
		add_picture(st, 0, 'I', -1, -1, -1);
		int prev = 0;
		unsigned prev_display = 0;
		while (st->n_frames < n_frames) {
			unsigned a = prev_display + 3;
			if (a >= n_frames)
				a = n_frames - 1;
			add_picture(st, a, 'P', prev, -1, -1);
			int anchor = (int)st->n_frames - 1;
			for (unsigned d = prev_display + 1; d < a; d++)
				add_picture(st, d, 'B', prev, anchor, -1);
			prev = anchor;
			prev_display = a;
		}
	} else {
		add_picture(st, 0, 'I', -1, -1, -1);
		for (unsigned i = 1; i < n_frames; i++)
			add_picture(st, i, 'P', (int)i - 1, -1, 0);
	}
	unsigned refs = 0;
	for (unsigned i = 0; i < st->n_frames; i++) {
		struct synth_picture *p = &st->pics[i];
		p->last_use = i;
		p->ref_count = refs;
		if (p->type != 'B')
			refs++;
		int uses[3] = { p->past, p->future, p->golden };
		for (unsigned k = 0; k < 3; k++)
			if (uses[k] >= 0)
				st->pics[uses[k]].last_use = i;
	}
	/* Buffers: a picture takes one whose picture nothing uses any more
	 * (pictures are decoded one after the other). */
	for (unsigned b = 0; b < 16; b++)
		owner[b] = -1;
	for (unsigned i = 0; i < st->n_frames; i++) {
		unsigned b = 0;
		while (b < 16 && owner[b] >= 0 &&
		       st->pics[owner[b]].last_use >= i)
			b++;
		if (b == 16)
			return -1;
		owner[b] = (int)i;
		st->pics[i].capture = b;
		if (b + 1 > st->n_capture)
			st->n_capture = b + 1;
	}
	return 0;
}

int synth_controls_init(struct synth_controls *c)
{
	struct synth_storage *s = calloc(1, sizeof(*s));

	c->storage = s;
	c->ctrl = s ? s->ctrl : NULL;
	c->n = 0;
	return s ? 0 : -1;
}

void synth_controls_free(struct synth_controls *c)
{
	free(c->storage);
	c->storage = NULL;
	c->ctrl = NULL;
}

static void add(struct synth_controls *c, uint32_t id, void *p, size_t size)
{
	c->ctrl[c->n++] = (struct v4l2_ext_control){
		.id = id, .size = (uint32_t)size, .ptr = p,
	};
}

static uint64_t ts_of(const struct synth_stream *st, int index)
{
	return index < 0 ? 0 : st->pics[index].timestamp_ns;
}

static void fill_mpeg2(const struct synth_stream *st,
		       const struct synth_picture *p, struct synth_storage *s,
		       struct synth_controls *c)
{
	s->mpeg2_seq.horizontal_size = (uint16_t)st->width;
	s->mpeg2_seq.vertical_size = (uint16_t)st->height;
	s->mpeg2_seq.vbv_buffer_size = 112 * 16 * 1024;
	s->mpeg2_seq.profile_and_level_indication = 0x48;	/* Main@Main */
	s->mpeg2_seq.chroma_format = 1;
	s->mpeg2_seq.flags = V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE;
	s->mpeg2_pic.picture_coding_type =
		p->type == 'I' ? V4L2_MPEG2_PIC_CODING_TYPE_I :
		p->type == 'P' ? V4L2_MPEG2_PIC_CODING_TYPE_P :
				 V4L2_MPEG2_PIC_CODING_TYPE_B;
	/* P pictures predict from backward_ref_ts, B pictures from both. */
	s->mpeg2_pic.backward_ref_ts = ts_of(st, p->past);
	s->mpeg2_pic.forward_ref_ts = ts_of(st, p->future);
	memset(s->mpeg2_pic.f_code, 0xf, sizeof(s->mpeg2_pic.f_code));
	if (p->type != 'I')
		s->mpeg2_pic.f_code[0][0] = s->mpeg2_pic.f_code[0][1] = 2;
	if (p->type == 'B')
		s->mpeg2_pic.f_code[1][0] = s->mpeg2_pic.f_code[1][1] = 2;
	s->mpeg2_pic.picture_structure = V4L2_MPEG2_PIC_FRAME;
	s->mpeg2_pic.flags = V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT |
			     V4L2_MPEG2_PIC_FLAG_PROGRESSIVE;
	for (unsigned i = 0; i < 64; i++) {
		uint8_t intra = (uint8_t)(i ? 16 + i / 4 : 8);
		s->mpeg2_quant.intra_quantiser_matrix[i] = intra;
		s->mpeg2_quant.chroma_intra_quantiser_matrix[i] = intra;
		s->mpeg2_quant.non_intra_quantiser_matrix[i] = 16;
		s->mpeg2_quant.chroma_non_intra_quantiser_matrix[i] = 16;
	}
	add(c, V4L2_CID_STATELESS_MPEG2_SEQUENCE, &s->mpeg2_seq,
	    sizeof(s->mpeg2_seq));
	add(c, V4L2_CID_STATELESS_MPEG2_PICTURE, &s->mpeg2_pic,
	    sizeof(s->mpeg2_pic));
	add(c, V4L2_CID_STATELESS_MPEG2_QUANTISATION, &s->mpeg2_quant,
	    sizeof(s->mpeg2_quant));
}

static void h264_dpb_entry(const struct synth_stream *st, int index,
			   struct v4l2_h264_dpb_entry *e)
{
	const struct synth_picture *r = &st->pics[index];

	e->reference_ts = r->timestamp_ns;
	e->frame_num = (uint16_t)r->ref_count;
	e->pic_num = r->ref_count;
	e->top_field_order_cnt = (int32_t)(2 * r->display);
	e->bottom_field_order_cnt = (int32_t)(2 * r->display);
	e->fields = V4L2_H264_FRAME_REF;
	e->flags = V4L2_H264_DPB_ENTRY_FLAG_VALID |
		   V4L2_H264_DPB_ENTRY_FLAG_ACTIVE;
}

static void fill_h264(const struct synth_stream *st, unsigned index,
		      unsigned slice, struct synth_storage *s,
		      struct synth_controls *c)
{
	const struct synth_picture *p = &st->pics[index];
	unsigned mbs_w = (st->width + 15) / 16, mbs_h = (st->height + 15) / 16;

	s->h264_sps.profile_idc = 77;	/* Main */
	s->h264_sps.level_idc = 31;
	s->h264_sps.chroma_format_idc = 1;
	s->h264_sps.log2_max_frame_num_minus4 = 4;
	s->h264_sps.log2_max_pic_order_cnt_lsb_minus4 = 4;
	s->h264_sps.max_num_ref_frames = 2;
	s->h264_sps.pic_width_in_mbs_minus1 = (uint16_t)(mbs_w - 1);
	s->h264_sps.pic_height_in_map_units_minus1 = (uint16_t)(mbs_h - 1);
	s->h264_sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY |
			    V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;
	s->h264_pps.num_ref_idx_l0_default_active_minus1 = 0;
	s->h264_pps.num_ref_idx_l1_default_active_minus1 = 0;
	s->h264_pps.flags = V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT;
	memset(&s->h264_scaling, 16, sizeof(s->h264_scaling));

	struct v4l2_ctrl_h264_decode_params *d = &s->h264_decode;
	memset(d, 0, sizeof(*d));
	unsigned n_dpb = 0;
	if (p->past >= 0)
		h264_dpb_entry(st, p->past, &d->dpb[n_dpb++]);
	if (p->future >= 0)
		h264_dpb_entry(st, p->future, &d->dpb[n_dpb++]);
	d->nal_ref_idc = p->type == 'B' ? 0 : 1;
	d->frame_num = (uint16_t)(p->ref_count % 256);
	d->top_field_order_cnt = (int32_t)(2 * p->display);
	d->bottom_field_order_cnt = (int32_t)(2 * p->display);
	d->idr_pic_id = 0;
	d->pic_order_cnt_lsb = (uint16_t)((2 * p->display) % 256);
	d->flags = p->type == 'I' ? V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC :
		   p->type == 'P' ? V4L2_H264_DECODE_PARAM_FLAG_PFRAME :
				    V4L2_H264_DECODE_PARAM_FLAG_BFRAME;
	add(c, V4L2_CID_STATELESS_H264_SPS, &s->h264_sps, sizeof(s->h264_sps));
	add(c, V4L2_CID_STATELESS_H264_PPS, &s->h264_pps, sizeof(s->h264_pps));
	add(c, V4L2_CID_STATELESS_H264_SCALING_MATRIX, &s->h264_scaling,
	    sizeof(s->h264_scaling));
	add(c, V4L2_CID_STATELESS_H264_DECODE_PARAMS, d, sizeof(*d));
	if (!st->slice_based)
		return;
	struct v4l2_ctrl_h264_slice_params *sl = &s->h264_slice;
	memset(sl, 0, sizeof(*sl));
	sl->header_bit_size = 24;
	sl->first_mb_in_slice = mbs_w * mbs_h * slice / st->slices;
	sl->slice_type = p->type == 'I' ? V4L2_H264_SLICE_TYPE_I :
			 p->type == 'P' ? V4L2_H264_SLICE_TYPE_P :
					  V4L2_H264_SLICE_TYPE_B;
	sl->disable_deblocking_filter_idc = 1;
	if (p->past >= 0) {
		sl->ref_pic_list0[0].index = 0;
		sl->ref_pic_list0[0].fields = V4L2_H264_FRAME_REF;
	}
	if (p->future >= 0) {
		sl->ref_pic_list1[0].index = 1;
		sl->ref_pic_list1[0].fields = V4L2_H264_FRAME_REF;
	}
	memset(&s->h264_weights, 0, sizeof(s->h264_weights));
	add(c, V4L2_CID_STATELESS_H264_SLICE_PARAMS, sl, sizeof(*sl));
	add(c, V4L2_CID_STATELESS_H264_PRED_WEIGHTS, &s->h264_weights,
	    sizeof(s->h264_weights));
}

static void fill_hevc(const struct synth_stream *st, unsigned index,
		      unsigned slice, struct synth_storage *s,
		      struct synth_controls *c)
{
	const struct synth_picture *p = &st->pics[index];
	struct v4l2_ctrl_hevc_sps *sps = &s->hevc_sps;

	sps->pic_width_in_luma_samples = (uint16_t)st->width;
	sps->pic_height_in_luma_samples = (uint16_t)st->height;
	sps->chroma_format_idc = 1;
	sps->log2_max_pic_order_cnt_lsb_minus4 = 4;
	sps->sps_max_dec_pic_buffering_minus1 = 4;
	sps->log2_diff_max_min_luma_coding_block_size = 3;
	sps->log2_diff_max_min_luma_transform_block_size = 3;
	sps->max_transform_hierarchy_depth_inter = 1;
	sps->max_transform_hierarchy_depth_intra = 1;
	sps->flags = V4L2_HEVC_SPS_FLAG_SAMPLE_ADAPTIVE_OFFSET;
	s->hevc_pps.num_ref_idx_l0_default_active_minus1 = 0;
	s->hevc_pps.init_qp_minus26 = 0;
	memset(&s->hevc_scaling, 16, sizeof(s->hevc_scaling));

	struct v4l2_ctrl_hevc_decode_params *d = &s->hevc_decode;
	memset(d, 0, sizeof(*d));
	d->pic_order_cnt_val = (int32_t)p->display;
	int refs[2] = { p->past, p->future };
	for (unsigned k = 0; k < 2; k++) {
		if (refs[k] < 0)
			continue;
		const struct synth_picture *r = &st->pics[refs[k]];
		struct v4l2_hevc_dpb_entry *e = &d->dpb[d->num_active_dpb_entries];
		e->timestamp = r->timestamp_ns;
		e->pic_order_cnt_val = (int32_t)r->display;
		if (r->display < p->display)
			d->poc_st_curr_before[d->num_poc_st_curr_before++] =
				d->num_active_dpb_entries;
		else
			d->poc_st_curr_after[d->num_poc_st_curr_after++] =
				d->num_active_dpb_entries;
		d->num_active_dpb_entries++;
	}
	if (p->type == 'I')
		d->flags = V4L2_HEVC_DECODE_PARAM_FLAG_IRAP_PIC |
			   V4L2_HEVC_DECODE_PARAM_FLAG_IDR_PIC;
	add(c, V4L2_CID_STATELESS_HEVC_SPS, sps, sizeof(*sps));
	add(c, V4L2_CID_STATELESS_HEVC_PPS, &s->hevc_pps, sizeof(s->hevc_pps));
	add(c, V4L2_CID_STATELESS_HEVC_SCALING_MATRIX, &s->hevc_scaling,
	    sizeof(s->hevc_scaling));
	add(c, V4L2_CID_STATELESS_HEVC_DECODE_PARAMS, d, sizeof(*d));
	if (!st->slice_based)
		return;
	struct v4l2_ctrl_hevc_slice_params *sl = &s->hevc_slice;
	unsigned ctbs = ((st->width + 63) / 64) * ((st->height + 63) / 64);
	memset(sl, 0, sizeof(*sl));
	sl->bit_size = 8 * 32;
	sl->data_byte_offset = 4;
	sl->nal_unit_type = p->type == 'I' ? 19 : 1;	/* IDR_W_RADL / TRAIL_R */
	sl->nuh_temporal_id_plus1 = 1;
	sl->slice_type = p->type == 'I' ? V4L2_HEVC_SLICE_TYPE_I :
			 p->type == 'P' ? V4L2_HEVC_SLICE_TYPE_P :
					  V4L2_HEVC_SLICE_TYPE_B;
	sl->slice_pic_order_cnt = (int32_t)p->display;
	sl->slice_segment_addr = ctbs * slice / st->slices;
	sl->five_minus_max_num_merge_cand = 0;
	add(c, V4L2_CID_STATELESS_HEVC_SLICE_PARAMS, sl, sizeof(*sl));
}

static void fill_vp8(const struct synth_stream *st,
		     const struct synth_picture *p, struct synth_storage *s,
		     struct synth_controls *c)
{
	struct v4l2_ctrl_vp8_frame *f = &s->vp8;

	memset(f, 0, sizeof(*f));
	f->width = (uint16_t)st->width;
	f->height = (uint16_t)st->height;
	f->num_dct_parts = 1;
	f->first_part_size = 16;
	f->first_part_header_bits = 32;
	f->dct_part_sizes[0] = 16;
	f->prob_skip_false = 128;
	f->prob_intra = 64;
	f->prob_last = 128;
	f->prob_gf = 128;
	f->quant.y_ac_qi = 40;
	f->lf.level = 20;
	f->coder_state.range = 255;
	f->last_frame_ts = ts_of(st, p->past);
	f->golden_frame_ts = ts_of(st, p->golden);
	f->alt_frame_ts = ts_of(st, p->golden);
	if (p->type == 'I')
		f->flags = V4L2_VP8_FRAME_FLAG_KEY_FRAME |
			   V4L2_VP8_FRAME_FLAG_SHOW_FRAME;
	else
		f->flags = V4L2_VP8_FRAME_FLAG_SHOW_FRAME;
	add(c, V4L2_CID_STATELESS_VP8_FRAME, f, sizeof(*f));
}

static void fill_vp9(const struct synth_stream *st,
		     const struct synth_picture *p, struct synth_storage *s,
		     struct synth_controls *c)
{
	struct v4l2_ctrl_vp9_frame *f = &s->vp9;

	memset(f, 0, sizeof(*f));
	f->frame_width_minus_1 = (uint16_t)(st->width - 1);
	f->frame_height_minus_1 = (uint16_t)(st->height - 1);
	f->render_width_minus_1 = (uint16_t)(st->width - 1);
	f->render_height_minus_1 = (uint16_t)(st->height - 1);
	f->profile = 0;
	f->bit_depth = 8;
	f->interpolation_filter = V4L2_VP9_INTERP_FILTER_EIGHTTAP;
	f->quant.base_q_idx = 60;
	f->lf.level = 16;
	f->lf.sharpness = 0;
	f->compressed_header_size = 16;
	f->uncompressed_header_size = 16;
	f->flags = V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
		   V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
		   V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
	if (p->type == 'I')
		f->flags |= V4L2_VP9_FRAME_FLAG_KEY_FRAME;
	f->last_frame_ts = ts_of(st, p->past);
	f->golden_frame_ts = ts_of(st, p->golden);
	f->alt_frame_ts = ts_of(st, p->golden);
	add(c, V4L2_CID_STATELESS_VP9_FRAME, f, sizeof(*f));
}

void synth_fill(const struct synth_stream *st, unsigned index, unsigned slice,
		struct synth_controls *c)
{
	struct synth_storage *s = c->storage;
	const struct synth_picture *p = &st->pics[index];

	c->n = 0;
	switch (st->desc->codec) {
	case V4L2R_CODEC_MPEG2: fill_mpeg2(st, p, s, c); break;
	case V4L2R_CODEC_H264: fill_h264(st, index, slice, s, c); break;
	case V4L2R_CODEC_HEVC: fill_hevc(st, index, slice, s, c); break;
	case V4L2R_CODEC_VP8: fill_vp8(st, p, s, c); break;
	case V4L2R_CODEC_VP9: fill_vp9(st, p, s, c); break;
	default: break;
	}
}

size_t synth_bitstream(const struct synth_stream *st, unsigned index,
		       unsigned slice, uint8_t *data, size_t capacity)
{
	const struct synth_picture *p = &st->pics[index];
	size_t n = 0;

	if (capacity < 64)
		return 0;
	/* A start code where the format has them, then a header-like
	 * prefix and bytes that vary with the picture and slice. */
	if (st->desc->codec == V4L2R_CODEC_MPEG2 ||
	    ((st->desc->codec == V4L2R_CODEC_H264 ||
	      st->desc->codec == V4L2R_CODEC_HEVC) && st->annex_b)) {
		data[n++] = 0;
		data[n++] = 0;
		data[n++] = 1;
	}
	data[n++] = st->desc->codec == V4L2R_CODEC_MPEG2 ? 0x00 :
		    st->desc->codec == V4L2R_CODEC_H264 ?
			    (p->type == 'I' ? 0x65 : p->type == 'P' ? 0x41 : 0x01) :
		    st->desc->codec == V4L2R_CODEC_HEVC ?
			    (p->type == 'I' ? 0x26 : 0x02) : 0x9d;
	while (n < 48) {
		data[n] = (uint8_t)(0x5a ^ (p->display * 7 + slice * 13 + n));
		n++;
	}
	return n;
}
