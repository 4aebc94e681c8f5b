/* H.264: VA picture, IQ matrix and slice parameters to the V4L2 stateless
 * H.264 controls (SPS, PPS, SCALING_MATRIX, DECODE_PARAMS, and per slice
 * SLICE_PARAMS and PRED_WEIGHTS for slice-based decoders).
 *
 * Where the values come from:
 *  - slice header syntax elements (idr_pic_id, POC syntax, redundant_pic_cnt,
 *    nal_ref_idc, sizes of the header and of its parts, ...) from our own
 *    slice header parser (h264_slice_header.c): VA lacks many of them, and
 *    the bitstream is the authority for those it has (they are checked
 *    against VA's and a mismatch is logged);
 *  - SPS/PPS values, picture order counts, the DPB and the reference lists
 *    from VA's picture and slice parameters; the counts brought back to
 *    clause 8.2.1's values where a client offsets them (FFmpeg adds 2^16:
 *    h264_poc_offset()), and 0 for a field the picture or DPB entry does
 *    not hold.
 * Values neither source has are derived or defaulted:
 *  - SPS profile_idc: the context's VA profile, raised to what the coding
 *    tools in use need; constraint_set_flags: set1 for Constrained
 *    Baseline, else 0; level_idc: the smallest level whose frame and DPB
 *    sizes fit; seq_parameter_set_id: 0; POC type 1 cycle values and
 *    qpprime_y_zero_transform_bypass_flag: 0;
 *  - PPS seq_parameter_set_id: 0; num_ref_idx_l0/l1_default_active_minus1:
 *    learnt from slices that do not override them (VA's active counts are
 *    the defaults then), remembered per PPS id, else the first slice's;
 *  - DPB pic_num: computed (8.2.4.1); FIELD flag: from how we decoded the
 *    surface, else from a single referenced field;
 *  - the 4:4:4 chroma 8x8 scaling lists: the Table 7-2 fall-back. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <linux/videodev2.h>

#include "codec.h"
#include "h264_slice_header.h"
#include "v4l2r/log.h"

/* Slice-based decoders take one request per slice, each with its own
 * controls; a fixed bound keeps the state a plain block (the contract has
 * no destroy hook for allocations). Frame-based decoding has no bound. */
#define H264_MAX_SLICES 256
/* Surfaces whose last decode we remember (field or frame coded). */
#define H264_SURFACE_MEMORY 64

struct h264_pps_defaults {
	bool known[2];
	uint8_t minus1[2];
};

struct h264_surface_coding {
	VASurfaceID surface;
	bool field_coded;
};

struct h264_state {
	struct v4l2_ctrl_h264_sps sps;
	struct v4l2_ctrl_h264_pps pps;
	struct v4l2_ctrl_h264_scaling_matrix scaling;
	struct v4l2_ctrl_h264_decode_params decode;
	unsigned n_slices;
	struct v4l2_ctrl_h264_slice_params slice[H264_MAX_SLICES];
	struct v4l2_ctrl_h264_pred_weights weights[H264_MAX_SLICES];
	bool has_weights[H264_MAX_SLICES];

	/* Kept between pictures. */
	struct h264_pps_defaults pps_defaults[256];
	struct h264_surface_coding coding[H264_SURFACE_MEMORY];
	unsigned n_coding, next_coding;
	/* How far VA's picture order counts are above clause 8.2.1's since
	 * the last IDR picture (h264_poc_offset()). */
	int32_t poc_offset;
	bool warned_bit_offset, warned_slice_params, warned_pic_params;

	/* Per picture, while translating. */
	VASurfaceID dpb_surface[V4L2_H264_NUM_DPB_ENTRIES];
	unsigned n_dpb;
	VASurfaceID missing[V4L2_H264_NUM_DPB_ENTRIES];
	unsigned n_missing;
};

/* VA marks the FMO fields deprecated; we still read what clients send. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static void va_fmo_fields(const VAPictureParameterBufferH264 *pp,
			  unsigned *groups_minus1, unsigned *map_type,
			  unsigned *change_rate_minus1)
{
	*groups_minus1 = pp->num_slice_groups_minus1;
	*map_type = pp->slice_group_map_type;
	*change_rate_minus1 = pp->slice_group_change_rate_minus1;
}
#pragma GCC diagnostic pop

static bool is_h264_profile(VAProfile p)
{
	return p == VAProfileH264ConstrainedBaseline || p == VAProfileH264Main ||
		p == VAProfileH264High;
}

/* Smallest level (Table A-1) whose frame size and DPB size limits hold the
 * stream; VA does not carry level_idc. */
static uint8_t h264_estimate_level(unsigned frame_mbs, unsigned max_refs,
				   bool min_bipred_8x8)
{
	static const struct {
		uint8_t level;
		uint32_t max_fs, max_dpb_mbs;
	} levels[] = {
		{ 10, 99, 396 }, { 11, 396, 900 }, { 12, 396, 2376 },
		{ 21, 792, 4752 }, { 22, 1620, 8100 }, { 31, 3600, 18000 },
		{ 32, 5120, 20480 }, { 40, 8192, 32768 }, { 42, 8704, 34816 },
		{ 50, 22080, 110400 }, { 51, 36864, 184320 },
		{ 60, 139264, 696320 },
	};
	uint64_t dpb = (uint64_t)frame_mbs * (max_refs ? max_refs : 1);

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		/* MinLumaBiPredSize8x8 is 1 from level 3.1 on (A.3.3.2). */
		if (min_bipred_8x8 && levels[i].level < 31)
			continue;
		if (frame_mbs <= levels[i].max_fs && dpb <= levels[i].max_dpb_mbs)
			return levels[i].level;
	}
	return 62;
}

static bool iq_matrix_flat(const VAIQMatrixBufferH264 *iq)
{
	for (unsigned i = 0; i < 6; i++)
		for (unsigned j = 0; j < 16; j++)
			if (iq->ScalingList4x4[i][j] != 16)
				return false;
	for (unsigned i = 0; i < 2; i++)
		for (unsigned j = 0; j < 64; j++)
			if (iq->ScalingList8x8[i][j] != 16)
				return false;
	return true;
}

/* A scaling factor of 0 is no scaling list value (7.4.2.1.1.1: 1..255).
 * The 8x8 lists count only with the 8x8 transform: clients that do not
 * use it may leave them empty. */
static VAStatus check_scaling_lists(const VAPictureParameterBufferH264 *pp,
				    const VAIQMatrixBufferH264 *iq)
{
	if (!iq)
		return VA_STATUS_SUCCESS;
	if (!va_scaling_list_valid("h264", "ScalingList4x4",
				   &iq->ScalingList4x4[0][0],
				   sizeof(iq->ScalingList4x4), 16) ||
	    (pp->pic_fields.bits.transform_8x8_mode_flag &&
	     !va_scaling_list_valid("h264", "ScalingList8x8",
				    &iq->ScalingList8x8[0][0],
				    sizeof(iq->ScalingList8x8), 64)))
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	return VA_STATUS_SUCCESS;
}

/* profile_idc from the context's profile, raised to what the coding tools
 * in use need (the kernel clears chroma_format_idc/bit depths for
 * non-High profile_idc values; Hantro writes co-located motion vectors only
 * above Baseline). */
static void h264_profile(const struct va_picture_input *in,
			 const VAPictureParameterBufferH264 *pp, bool scaling,
			 bool has_b, uint8_t *profile_idc, uint8_t *constraints)
{
	uint8_t need = 66;

	if (pp->pic_fields.bits.entropy_coding_mode_flag ||
	    !pp->seq_fields.bits.frame_mbs_only_flag ||
	    pp->pic_fields.bits.weighted_pred_flag ||
	    pp->pic_fields.bits.weighted_bipred_idc || has_b)
		need = 77;
	if (pp->pic_fields.bits.transform_8x8_mode_flag || scaling ||
	    pp->seq_fields.bits.chroma_format_idc != 1 ||
	    pp->bit_depth_luma_minus8 || pp->bit_depth_chroma_minus8)
		need = pp->bit_depth_luma_minus8 || pp->bit_depth_chroma_minus8 ?
			110 : 100;
	if (pp->seq_fields.bits.chroma_format_idc == 2)
		need = 122;
	else if (pp->seq_fields.bits.chroma_format_idc == 3)
		need = 244;

	uint8_t from_ctx = 0;
	if (is_h264_profile(in->profile))
		from_ctx = in->profile == VAProfileH264High ? 100 :
			in->profile == VAProfileH264Main ? 77 : 66;

	*profile_idc = from_ctx > need ? from_ctx : need;
	/* Constrained Baseline is Baseline with constraint_set1_flag (A.2.1.1);
	 * the other flags are not known. */
	*constraints = *profile_idc == 66 ? V4L2_H264_SPS_CONSTRAINT_SET1_FLAG : 0;
}

/* The ranges the spec (and the kernel's control validation) allow: a
 * client error is reported here, with its field, rather than as EINVAL
 * from the driver. */
static VAStatus h264_check_pic_params(const VAPictureParameterBufferH264 *pp)
{
	const char *bad = NULL;
	unsigned groups, map_type, rate;

	va_fmo_fields(pp, &groups, &map_type, &rate);
	if (pp->CurrPic.flags & VA_PICTURE_H264_INVALID ||
	    pp->CurrPic.picture_id == VA_INVALID_SURFACE)
		bad = "CurrPic is invalid";
	else if (pp->seq_fields.bits.log2_max_frame_num_minus4 > 12)
		bad = "log2_max_frame_num_minus4 > 12";
	else if (pp->seq_fields.bits.pic_order_cnt_type > 2)
		bad = "pic_order_cnt_type > 2";
	else if (pp->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 > 12)
		bad = "log2_max_pic_order_cnt_lsb_minus4 > 12";
	else if (pp->bit_depth_luma_minus8 > 6 || pp->bit_depth_chroma_minus8 > 6)
		bad = "bit depth above 14";
	else if (pp->num_ref_frames > V4L2_H264_NUM_DPB_ENTRIES)
		bad = "num_ref_frames > 16";
	else if (pp->pic_fields.bits.weighted_bipred_idc > 2)
		bad = "weighted_bipred_idc > 2";
	else if (pp->pic_init_qp_minus26 < -(26 + 6 * pp->bit_depth_luma_minus8) ||
		 pp->pic_init_qp_minus26 > 25)
		bad = "pic_init_qp_minus26 out of range";
	else if (pp->pic_init_qs_minus26 < -26 || pp->pic_init_qs_minus26 > 25)
		bad = "pic_init_qs_minus26 out of range";
	else if (pp->chroma_qp_index_offset < -12 || pp->chroma_qp_index_offset > 12 ||
		 pp->second_chroma_qp_index_offset < -12 ||
		 pp->second_chroma_qp_index_offset > 12)
		bad = "chroma_qp_index_offset out of -12..12";
	else if (groups > 7 || (groups && map_type > 6))
		bad = "num_slice_groups_minus1 > 7 or slice_group_map_type > 6";
	else if (!pp->seq_fields.bits.frame_mbs_only_flag &&
		 (pp->picture_height_in_mbs_minus1 & 1) == 0)
		bad = "odd frame height in macroblocks with frame_mbs_only_flag 0";
	if (bad) {
		v4l2r_err("h264: picture parameters: %s", bad);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	return VA_STATUS_SUCCESS;
}

static void h264_fill_sps(struct h264_state *st, const struct va_picture_input *in,
			  const VAPictureParameterBufferH264 *pp, bool scaling,
			  bool has_b)
{
	struct v4l2_ctrl_h264_sps *sps = &st->sps;
	unsigned frame_mbs_only = pp->seq_fields.bits.frame_mbs_only_flag;
	unsigned height = pp->picture_height_in_mbs_minus1 + 1u;
	unsigned width = pp->picture_width_in_mbs_minus1 + 1u;

	memset(sps, 0, sizeof(*sps));
	h264_profile(in, pp, scaling, has_b, &sps->profile_idc,
		     &sps->constraint_set_flags);
	sps->level_idc = h264_estimate_level(width * height, pp->num_ref_frames,
					     pp->seq_fields.bits.MinLumaBiPredSize8x8);
	/* Not in VA; the PPS id of the slices is known, the SPS id is not. */
	sps->seq_parameter_set_id = 0;
	sps->chroma_format_idc = pp->seq_fields.bits.chroma_format_idc;
	sps->bit_depth_luma_minus8 = pp->bit_depth_luma_minus8;
	sps->bit_depth_chroma_minus8 = pp->bit_depth_chroma_minus8;
	sps->log2_max_frame_num_minus4 = pp->seq_fields.bits.log2_max_frame_num_minus4;
	sps->pic_order_cnt_type = pp->seq_fields.bits.pic_order_cnt_type;
	sps->log2_max_pic_order_cnt_lsb_minus4 =
		pp->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4;
	sps->max_num_ref_frames = pp->num_ref_frames;
	/* num_ref_frames_in_pic_order_cnt_cycle, offset_for_ref_frame[],
	 * offset_for_non_ref_pic and offset_for_top_to_bottom_field (POC type
	 * 1) are not in VA: left 0. The POCs they produce are in the DPB and
	 * decode parameters, which is what decoders use. */
	sps->pic_width_in_mbs_minus1 = pp->picture_width_in_mbs_minus1;
	/* VA gives the frame height; the SPS counts map units (field MB pairs
	 * when frame_mbs_only_flag is 0). */
	sps->pic_height_in_map_units_minus1 =
		(uint16_t)(height / (frame_mbs_only ? 1 : 2) - 1);
	sps->flags =
		(pp->seq_fields.bits.residual_colour_transform_flag ?
		 V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE : 0) |
		(pp->seq_fields.bits.delta_pic_order_always_zero_flag ?
		 V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO : 0) |
		(pp->seq_fields.bits.gaps_in_frame_num_value_allowed_flag ?
		 V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED : 0) |
		(frame_mbs_only ? V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY : 0) |
		(pp->seq_fields.bits.mb_adaptive_frame_field_flag ?
		 V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD : 0) |
		(pp->seq_fields.bits.direct_8x8_inference_flag ?
		 V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE : 0);
	/* qpprime_y_zero_transform_bypass_flag is not in VA (High 4:4:4
	 * Predictive only, which we do not offer): left 0. */
}

/* VA's lists are in raster order like the uAPI's (VA's H.264 IQ matrix is
 * documented so, FFmpeg and GStreamer send it so); the 4x4 list order is
 * the same. VA has only the two luma 8x8 lists, which are the first two of
 * the uAPI's; the chroma ones get the Table 7-2 fall-back to the luma list
 * of the same kind, whatever the chroma format: only 4:4:4 uses them, and
 * the control then holds what the bitstream implies for every list, as
 * GStreamer fills it (rkvdec and MediaTek copy all six lists). */
static void h264_fill_scaling(struct h264_state *st,
			      const VAIQMatrixBufferH264 *iq)
{
	struct v4l2_ctrl_h264_scaling_matrix *sm = &st->scaling;

	if (!iq) {
		memset(sm, 16, sizeof(*sm));
		return;
	}
	memset(sm, 0, sizeof(*sm));
	memcpy(sm->scaling_list_4x4, iq->ScalingList4x4,
	       sizeof(sm->scaling_list_4x4));
	for (unsigned i = 0; i < 6; i++)
		memcpy(sm->scaling_list_8x8[i], iq->ScalingList8x8[i & 1], 64);
}

static void h264_fill_pps(struct h264_state *st,
			  const VAPictureParameterBufferH264 *pp,
			  uint8_t pps_id, bool scaling)
{
	struct v4l2_ctrl_h264_pps *pps = &st->pps;
	unsigned groups, map_type, rate;

	va_fmo_fields(pp, &groups, &map_type, &rate);
	memset(pps, 0, sizeof(*pps));
	pps->pic_parameter_set_id = pps_id;
	pps->seq_parameter_set_id = 0;	/* not in VA, see the SPS */
	pps->num_slice_groups_minus1 = (uint8_t)groups;
	/* The defaults are filled after the slices (h264_pps_defaults()). */
	pps->weighted_bipred_idc = pp->pic_fields.bits.weighted_bipred_idc;
	pps->pic_init_qp_minus26 = pp->pic_init_qp_minus26;
	pps->pic_init_qs_minus26 = pp->pic_init_qs_minus26;
	pps->chroma_qp_index_offset = pp->chroma_qp_index_offset;
	pps->second_chroma_qp_index_offset = pp->second_chroma_qp_index_offset;
	pps->flags =
		(pp->pic_fields.bits.entropy_coding_mode_flag ?
		 V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE : 0) |
		(pp->pic_fields.bits.pic_order_present_flag ?
		 V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT : 0) |
		(pp->pic_fields.bits.weighted_pred_flag ?
		 V4L2_H264_PPS_FLAG_WEIGHTED_PRED : 0) |
		(pp->pic_fields.bits.deblocking_filter_control_present_flag ?
		 V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT : 0) |
		(pp->pic_fields.bits.constrained_intra_pred_flag ?
		 V4L2_H264_PPS_FLAG_CONSTRAINED_INTRA_PRED : 0) |
		(pp->pic_fields.bits.redundant_pic_cnt_present_flag ?
		 V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT : 0) |
		(pp->pic_fields.bits.transform_8x8_mode_flag ?
		 V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE : 0) |
		(scaling ? V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT : 0);
}

static int dpb_find(const struct h264_state *st, VASurfaceID surface)
{
	for (unsigned i = 0; i < st->n_dpb; i++)
		if (st->dpb_surface[i] == surface)
			return (int)i;
	return -1;
}

static bool is_missing(const struct h264_state *st, VASurfaceID surface)
{
	for (unsigned i = 0; i < st->n_missing; i++)
		if (st->missing[i] == surface)
			return true;
	return false;
}

static int coding_find(const struct h264_state *st, VASurfaceID surface)
{
	for (unsigned i = 0; i < st->n_coding; i++)
		if (st->coding[i].surface == surface)
			return (int)i;
	return -1;
}

static void coding_remember(struct h264_state *st, VASurfaceID surface,
			    bool field_coded)
{
	int i = coding_find(st, surface);

	if (i < 0) {
		if (st->n_coding < H264_SURFACE_MEMORY) {
			i = (int)st->n_coding++;
		} else {
			i = (int)st->next_coding;
			st->next_coding = (st->next_coding + 1) % H264_SURFACE_MEMORY;
		}
	}
	st->coding[i] = (struct h264_surface_coding){ surface, field_coded };
}

static uint8_t va_fields(uint32_t flags)
{
	uint8_t f = 0;

	if (flags & VA_PICTURE_H264_TOP_FIELD)
		f |= V4L2_H264_TOP_FIELD_REF;
	if (flags & VA_PICTURE_H264_BOTTOM_FIELD)
		f |= V4L2_H264_BOTTOM_FIELD_REF;
	return f ? f : V4L2_H264_FRAME_REF;
}

/* The picture order count clause 8.2.1 gives an IDR picture, for the
 * parity it codes (the top field's for a frame): the previous POC state is
 * all 0 there. False for a bottom field IDR with POC type 1, which needs
 * offset_for_top_to_bottom_field (not in VA). */
static bool h264_idr_poc(const VAPictureParameterBufferH264 *pp,
			 const struct h264_slice_header *sh, int32_t *poc)
{
	int32_t max_lsb, lsb;

	switch (pp->seq_fields.bits.pic_order_cnt_type) {
	case 0:
		/* 8-3 with prevPicOrderCntMsb = prevPicOrderCntLsb = 0. */
		max_lsb = 1 << (pp->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 + 4);
		lsb = sh->pic_order_cnt_lsb;
		*poc = (lsb > max_lsb / 2 ? -max_lsb : 0) + lsb;
		return true;
	case 1:
		/* FrameNumOffset and frame_num are 0: expectedPicOrderCnt 0. */
		if (sh->field_pic && sh->bottom_field)
			return false;
		*poc = sh->delta_pic_order_cnt[0];
		return true;
	default:
		*poc = 0;	/* tempPicOrderCnt of an IDR picture (8-12) */
		return true;
	}
}

/* FFmpeg's H.264 decoder starts PicOrderCntMsb at 2^16 after an IDR
 * picture, and its VA picture parameters carry those counts: 65536 above
 * what clause 8.2.1 gives, and what the uAPI and GStreamer pass. Decoding
 * uses POC differences only, so any offset decodes the same, but the
 * controls should hold the bitstream's values. The offset is found at each
 * IDR picture (its own POC needs no earlier state) and taken off every POC
 * until the next one: one constant per request, so the differences between
 * the picture and its references stay exactly VA's. A memory management
 * operation 5 resets POCs in a way VA does not show: after one, VA's values
 * go through unchanged until the next IDR. A client that sends 8.2.1's
 * values gets offset 0. */
static void h264_poc_offset(struct h264_state *st,
			    const VAPictureParameterBufferH264 *pp,
			    const struct h264_slice_header *sh0)
{
	bool bottom = sh0->field_pic && sh0->bottom_field;
	int32_t va = bottom ? pp->CurrPic.BottomFieldOrderCnt :
		pp->CurrPic.TopFieldOrderCnt;
	int32_t poc, offset = 0;

	if (!sh0->idr)
		return;
	if (h264_idr_poc(pp, sh0, &poc))
		offset = (int32_t)((int64_t)va - poc);
	if (offset != st->poc_offset)
		v4l2r_dbg("h264: picture order counts in VA are %d above clause 8.2.1's from this IDR picture on; passing 8.2.1's",
			  offset);
	st->poc_offset = offset;
}

/* One field's POC for the controls: the offset taken off a count the
 * picture or entry holds, 0 for one it does not hold (VA leaves the other
 * field of a first field at 0, and a field that is no reference has no
 * count a decoder may use). */
static int32_t h264_poc(const struct h264_state *st, int32_t va, bool held)
{
	return held ? (int32_t)((int64_t)va - st->poc_offset) : 0;
}

/* PicNum / LongTermPicNum of a DPB entry as seen from the current picture
 * (8.2.4.1). One number per entry: for field decoding, the field of the
 * current parity when it is a reference, else the other one. */
static uint32_t dpb_pic_num(const struct v4l2_h264_dpb_entry *e,
			    const VAPictureParameterBufferH264 *pp,
			    unsigned frame_num, bool field_pic, bool bottom)
{
	int32_t max_frame_num =
		1 << (pp->seq_fields.bits.log2_max_frame_num_minus4 + 4);
	int32_t n = e->frame_num;

	if (!(e->flags & V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM) &&
	    e->frame_num > frame_num)
		n -= max_frame_num;	/* FrameNumWrap */
	if (!field_pic)
		return (uint32_t)n;
	uint8_t same = bottom ? V4L2_H264_BOTTOM_FIELD_REF : V4L2_H264_TOP_FIELD_REF;
	return (uint32_t)(2 * n + ((e->fields & same) ? 1 : 0));
}

static void h264_fill_dpb(struct h264_state *st,
			  const VAPictureParameterBufferH264 *pp,
			  const struct va_ref_resolver *refs, unsigned frame_num,
			  bool field_pic, bool bottom)
{
	struct v4l2_ctrl_h264_decode_params *dp = &st->decode;

	st->n_dpb = 0;
	st->n_missing = 0;
	for (unsigned i = 0; i < 16; i++) {
		const VAPictureH264 *rf = &pp->ReferenceFrames[i];

		if (rf->flags & VA_PICTURE_H264_INVALID)
			continue;
		if (rf->picture_id == VA_INVALID_SURFACE) {
			v4l2r_err("h264: ReferenceFrames[%u] has flags %#x but no surface: left out",
				  i, rf->flags);
			continue;
		}

		int k = dpb_find(st, rf->picture_id);
		if (k >= 0) {
			/* The same frame listed once per field: merge. */
			struct v4l2_h264_dpb_entry *e = &dp->dpb[k];
			if (rf->flags & VA_PICTURE_H264_TOP_FIELD)
				e->top_field_order_cnt = rf->TopFieldOrderCnt;
			if (rf->flags & VA_PICTURE_H264_BOTTOM_FIELD)
				e->bottom_field_order_cnt = rf->BottomFieldOrderCnt;
			e->fields |= va_fields(rf->flags);
			continue;
		}
		if (is_missing(st, rf->picture_id))
			continue;

		uint64_t ts = refs && refs->timestamp ?
			refs->timestamp(refs->opaque, rf->picture_id) : 0;
		if (ts == 0) {
			v4l2r_err("h264: reference surface %#x (ReferenceFrames[%u]) was never decoded: left out of the DPB",
				  rf->picture_id, i);
			st->missing[st->n_missing++] = rf->picture_id;
			continue;
		}

		struct v4l2_h264_dpb_entry *e = &dp->dpb[st->n_dpb];
		st->dpb_surface[st->n_dpb++] = rf->picture_id;
		e->reference_ts = ts;
		/* VA's frame_idx is FrameNum, or LongTermFrameIdx for long-term
		 * references: the uAPI's frame_num means the same. */
		e->frame_num = (uint16_t)rf->frame_idx;
		e->fields = va_fields(rf->flags);
		e->top_field_order_cnt = rf->TopFieldOrderCnt;
		e->bottom_field_order_cnt = rf->BottomFieldOrderCnt;
		e->flags = V4L2_H264_DPB_ENTRY_FLAG_VALID;
		if (rf->flags & (VA_PICTURE_H264_SHORT_TERM_REFERENCE |
				 VA_PICTURE_H264_LONG_TERM_REFERENCE))
			e->flags |= V4L2_H264_DPB_ENTRY_FLAG_ACTIVE;
		if (rf->flags & VA_PICTURE_H264_LONG_TERM_REFERENCE)
			e->flags |= V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM;
	}

	for (unsigned i = 0; i < st->n_dpb; i++) {
		struct v4l2_h264_dpb_entry *e = &dp->dpb[i];
		/* FIELD: decoded as field pictures. VA does not say; we know it
		 * for the surfaces we decoded, else a single referenced field
		 * tells. */
		int c = coding_find(st, st->dpb_surface[i]);
		bool field = c >= 0 ? st->coding[c].field_coded :
			e->fields != V4L2_H264_FRAME_REF;
		if (field)
			e->flags |= V4L2_H264_DPB_ENTRY_FLAG_FIELD;
		e->pic_num = dpb_pic_num(e, pp, frame_num, field_pic, bottom);
		e->top_field_order_cnt = h264_poc(st, e->top_field_order_cnt,
						  e->fields & V4L2_H264_TOP_FIELD_REF);
		e->bottom_field_order_cnt = h264_poc(st, e->bottom_field_order_cnt,
						     e->fields & V4L2_H264_BOTTOM_FIELD_REF);
	}
}

/* Maps one entry of a VA reference list to the DPB. Returns false on a
 * client error (a surface that is not in ReferenceFrames). */
static bool map_ref(struct h264_state *st, const VAPictureH264 *rp,
		    bool field_pic, bool bottom, unsigned slice, unsigned list,
		    unsigned idx, struct v4l2_h264_reference *out)
{
	uint8_t cur = bottom ? V4L2_H264_BOTTOM_FIELD_REF : V4L2_H264_TOP_FIELD_REF;
	int k = -1;

	if (!(rp->flags & VA_PICTURE_H264_INVALID) &&
	    rp->picture_id != VA_INVALID_SURFACE) {
		k = dpb_find(st, rp->picture_id);
		if (k < 0 && !is_missing(st, rp->picture_id)) {
			v4l2r_err("h264: slice %u RefPicList%u[%u]: surface %#x is not in ReferenceFrames",
				  slice, list, idx, rp->picture_id);
			return false;
		}
	}
	if (k < 0) {
		/* A hole (missing reference): point at an active entry so the
		 * index stays valid; the picture decodes with a wrong
		 * reference instead of failing. */
		v4l2r_warn("h264: slice %u RefPicList%u[%u]: no usable reference, substituting",
			   slice, list, idx);
		k = 0;
		for (unsigned i = 0; i < st->n_dpb; i++) {
			if (st->decode.dpb[i].flags & V4L2_H264_DPB_ENTRY_FLAG_ACTIVE) {
				k = (int)i;
				break;
			}
		}
	}
	out->index = (uint8_t)k;
	if (!field_pic) {
		out->fields = V4L2_H264_FRAME_REF;
	} else {
		uint8_t f = (rp->flags & VA_PICTURE_H264_INVALID) ?
			V4L2_H264_FRAME_REF : va_fields(rp->flags);
		if (f == V4L2_H264_FRAME_REF)	/* parity not given */
			f = st->decode.dpb[k].fields != V4L2_H264_FRAME_REF ?
				st->decode.dpb[k].fields : cur;
		out->fields = f;
	}
	return true;
}

static void h264_sh_context(const VAPictureParameterBufferH264 *pp,
			    const VASliceParameterBufferH264 *sp,
			    struct h264_sh_context *ctx)
{
	unsigned groups, map_type, rate;

	va_fmo_fields(pp, &groups, &map_type, &rate);
	*ctx = (struct h264_sh_context){
		.log2_max_frame_num = pp->seq_fields.bits.log2_max_frame_num_minus4 + 4u,
		.pic_order_cnt_type = pp->seq_fields.bits.pic_order_cnt_type,
		.log2_max_pic_order_cnt_lsb =
			pp->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 + 4u,
		.separate_colour_plane = pp->seq_fields.bits.residual_colour_transform_flag,
		.frame_mbs_only = pp->seq_fields.bits.frame_mbs_only_flag,
		.mb_adaptive_frame_field = pp->seq_fields.bits.mb_adaptive_frame_field_flag,
		.delta_pic_order_always_zero =
			pp->seq_fields.bits.delta_pic_order_always_zero_flag,
		.chroma_array_type = pp->seq_fields.bits.residual_colour_transform_flag ?
			0 : pp->seq_fields.bits.chroma_format_idc,
		.pic_width_in_mbs = pp->picture_width_in_mbs_minus1 + 1u,
		.frame_height_in_mbs = pp->picture_height_in_mbs_minus1 + 1u,
		.bottom_field_pic_order_in_frame_present =
			pp->pic_fields.bits.pic_order_present_flag,
		.redundant_pic_cnt_present =
			pp->pic_fields.bits.redundant_pic_cnt_present_flag,
		.weighted_pred = pp->pic_fields.bits.weighted_pred_flag,
		.weighted_bipred_idc = pp->pic_fields.bits.weighted_bipred_idc,
		.entropy_coding_mode = pp->pic_fields.bits.entropy_coding_mode_flag,
		.deblocking_filter_control_present =
			pp->pic_fields.bits.deblocking_filter_control_present_flag,
		.num_slice_groups_minus1 = groups,
		.slice_group_map_type = map_type,
		.slice_group_change_rate_minus1 = rate,
		.num_ref_idx_l0_default_minus1 = sp->num_ref_idx_l0_active_minus1,
		.num_ref_idx_l1_default_minus1 = sp->num_ref_idx_l1_active_minus1,
	};
}

static const char *sh_status_str(enum h264_sh_status s)
{
	switch (s) {
	case H264_SH_TRUNCATED:
		return "truncated";
	case H264_SH_INVALID:
		return "invalid";
	case H264_SH_UNSUPPORTED:
		return "unsupported";
	default:
		return "ok";
	}
}

static void h264_fill_slice(struct h264_state *st, unsigned i,
			    const struct h264_slice_header *sh)
{
	struct v4l2_ctrl_h264_slice_params *s = &st->slice[i];
	bool is_b = sh->slice_type == H264_SLICE_B;
	bool inter = is_b || sh->slice_type == H264_SLICE_P ||
		sh->slice_type == H264_SLICE_SP;

	/* Bits from the NAL header byte to slice_data(), emulation prevention
	 * bytes left out: what VA's slice_data_bit_offset, FFmpeg's and
	 * GStreamer's v4l2 request code pass, and what Cedrus skips (its bit
	 * reader drops those bytes itself). */
	s->header_bit_size = sh->header_rbsp_bits;
	s->first_mb_in_slice = sh->first_mb_in_slice;
	s->slice_type = sh->slice_type;
	s->colour_plane_id = sh->colour_plane_id;
	s->redundant_pic_cnt = sh->redundant_pic_cnt;
	s->cabac_init_idc = sh->cabac_init_idc;
	s->slice_qp_delta = sh->slice_qp_delta;
	s->slice_qs_delta = sh->slice_qs_delta;
	s->disable_deblocking_filter_idc = sh->disable_deblocking_filter_idc;
	s->slice_alpha_c0_offset_div2 = sh->slice_alpha_c0_offset_div2;
	s->slice_beta_offset_div2 = sh->slice_beta_offset_div2;
	s->num_ref_idx_l0_active_minus1 = inter ? sh->num_ref_idx_l0_active_minus1 : 0;
	s->num_ref_idx_l1_active_minus1 = is_b ? sh->num_ref_idx_l1_active_minus1 : 0;
	s->flags = (is_b && sh->direct_spatial_mv_pred ?
		    V4L2_H264_SLICE_FLAG_DIRECT_SPATIAL_MV_PRED : 0) |
		(sh->sp_for_switch ? V4L2_H264_SLICE_FLAG_SP_FOR_SWITCH : 0);

	st->has_weights[i] = sh->has_pred_weight_table;
	if (!sh->has_pred_weight_table)
		return;
	struct v4l2_ctrl_h264_pred_weights *w = &st->weights[i];
	w->luma_log2_weight_denom = sh->luma_log2_weight_denom;
	w->chroma_log2_weight_denom = sh->chroma_log2_weight_denom;
	for (unsigned l = 0; l < (is_b ? 2u : 1u); l++) {
		unsigned n = (l ? sh->num_ref_idx_l1_active_minus1 :
			      sh->num_ref_idx_l0_active_minus1) + 1u;
		const struct h264_pred_weight_list *src = &sh->weights[l];
		struct v4l2_h264_weight_factors *dst = &w->weight_factors[l];
		for (unsigned r = 0; r < n; r++) {
			dst->luma_weight[r] = src->luma_weight[r];
			dst->luma_offset[r] = src->luma_offset[r];
			for (unsigned c = 0; c < 2; c++) {
				dst->chroma_weight[r][c] = src->chroma_weight[r][c];
				dst->chroma_offset[r][c] = src->chroma_offset[r][c];
			}
		}
	}
}

/* Logs where the client's values and the bitstream's disagree: the
 * bitstream wins, but a mismatch points at a client or parser problem. */
static void h264_cross_check(struct h264_state *st, unsigned i,
			     const VAPictureParameterBufferH264 *pp,
			     const VASliceParameterBufferH264 *sp,
			     const struct h264_slice_header *sh)
{
	if (sp->slice_data_bit_offset != sh->header_rbsp_bits &&
	    !st->warned_bit_offset) {
		v4l2r_warn("h264: slice %u: slice_data_bit_offset %u, header parsed to bit %u (further mismatches not logged)",
			   i, sp->slice_data_bit_offset, sh->header_rbsp_bits);
		st->warned_bit_offset = true;
	}
	/* cabac_init_idc is not coded in I slices (FFmpeg leaves the previous
	 * slice's value there). */
	bool intra = sh->slice_type == H264_SLICE_I || sh->slice_type == H264_SLICE_SI;
	if (((!intra && sp->cabac_init_idc != sh->cabac_init_idc) ||
	     sp->slice_qp_delta != sh->slice_qp_delta ||
	     sp->disable_deblocking_filter_idc != sh->disable_deblocking_filter_idc ||
	     ((sh->slice_type == H264_SLICE_B) &&
	      sp->direct_spatial_mv_pred_flag != sh->direct_spatial_mv_pred)) &&
	    !st->warned_slice_params) {
		v4l2r_warn("h264: slice %u: VA slice parameters differ from the slice header; using the header (further mismatches not logged)",
			   i);
		st->warned_slice_params = true;
	}
	if ((sh->frame_num != pp->frame_num ||
	     sh->field_pic != (bool)pp->pic_fields.bits.field_pic_flag ||
	     (sh->nal_ref_idc != 0) != (bool)pp->pic_fields.bits.reference_pic_flag) &&
	    !st->warned_pic_params) {
		v4l2r_warn("h264: slice %u: frame_num/field_pic_flag/reference_pic_flag differ from the slice header; using the header (further mismatches not logged)",
			   i);
		st->warned_pic_params = true;
	}
}

/* PPS default reference counts: VA lacks them, but a slice that does not
 * override them carries them in VA's active counts. Remembered per PPS id;
 * frame-based decoders (Hantro, rkvdec) use them when parsing slices. */
static void h264_pps_defaults(struct h264_state *st,
			      const struct h264_slice_header *sh,
			      const VASliceParameterBufferH264 *sp)
{
	struct h264_pps_defaults *d = &st->pps_defaults[sh->pic_parameter_set_id];

	if (sh->num_ref_idx_override || sh->slice_type == H264_SLICE_I ||
	    sh->slice_type == H264_SLICE_SI)
		return;
	d->known[0] = true;
	d->minus1[0] = sp->num_ref_idx_l0_active_minus1;
	if (sh->slice_type == H264_SLICE_B) {
		d->known[1] = true;
		d->minus1[1] = sp->num_ref_idx_l1_active_minus1;
	}
}

static VAStatus h264_translate(void *state, const struct va_picture_input *in,
			       const struct v4l2r_decode_mode *mode,
			       const struct va_ref_resolver *refs)
{
	struct h264_state *st = state;
	const VAPictureParameterBufferH264 *pp = in->pic_params;
	const VAIQMatrixBufferH264 *iq = in->iq_matrix;
	struct h264_slice_header sh, sh0;
	VAStatus status;
	bool has_b = false, has_p = false;
	uint8_t first_ref_l0 = 0xff, first_ref_l1 = 0xff;

	st->n_slices = 0;
	memset(&sh0, 0, sizeof(sh0));
	if (!pp) {
		v4l2r_err("h264: no picture parameters");
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	status = h264_check_pic_params(pp);
	if (status == VA_STATUS_SUCCESS)
		status = check_scaling_lists(pp, iq);
	if (status != VA_STATUS_SUCCESS)
		return status;
	if (!va_picture_fits(in, (pp->picture_width_in_mbs_minus1 + 1u) * 16,
			     (pp->picture_height_in_mbs_minus1 + 1u) * 16, "h264",
			     "picture_width/height_in_mbs_minus1 (+ 1) x 16"))
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	/* The device writes the SPS's format into the context's pictures,
	 * which are 4:2:0 (or monochrome) of the config's depth (known when
	 * bit_depth is set). */
	if (in->bit_depth && (pp->seq_fields.bits.chroma_format_idc > 1 ||
			      pp->bit_depth_luma_minus8 + 8u != in->bit_depth ||
			      pp->bit_depth_chroma_minus8 + 8u != in->bit_depth)) {
		v4l2r_err("h264: chroma_format_idc %u, bit_depth_luma_minus8 %u, "
			  "bit_depth_chroma_minus8 %u: the context's pictures "
			  "are 4:2:0 of %u bits", pp->seq_fields.bits.chroma_format_idc,
			  pp->bit_depth_luma_minus8, pp->bit_depth_chroma_minus8,
			  in->bit_depth);
		return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
	}
	if (in->n_slices == 0 || !in->slices) {
		v4l2r_err("h264: picture without slices");
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	if (mode->slice_based && in->n_slices > H264_MAX_SLICES) {
		v4l2r_err("h264: %u slices in a picture, slice-based decoding takes at most %u",
			  in->n_slices, H264_MAX_SLICES);
		return VA_STATUS_ERROR_MAX_NUM_EXCEEDED;
	}

	for (unsigned i = 0; i < in->n_slices; i++) {
		const struct va_slice *vs = &in->slices[i];
		const VASliceParameterBufferH264 *sp = vs->params;
		struct h264_sh_context ctx;
		const char *why;

		if (!sp) {
			v4l2r_err("h264: slice %u has no parameters", i);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		if (sp->num_ref_idx_l0_active_minus1 >= V4L2_H264_REF_LIST_LEN ||
		    sp->num_ref_idx_l1_active_minus1 >= V4L2_H264_REF_LIST_LEN) {
			v4l2r_err("h264: slice %u: num_ref_idx_l0/l1_active_minus1 %u/%u, at most 31",
				  i, sp->num_ref_idx_l0_active_minus1,
				  sp->num_ref_idx_l1_active_minus1);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		h264_sh_context(pp, sp, &ctx);
		enum h264_sh_status r =
			h264_parse_slice_header(vs->data, vs->size, &ctx, &sh, &why);
		if (r != H264_SH_OK) {
			v4l2r_err("h264: slice %u: slice header %s at %s (%u bytes of data)",
				  i, sh_status_str(r), why ? why : "?", vs->size);
			return VA_STATUS_ERROR_DECODING_ERROR;
		}
		/* Data that does not go with its parameters (wrong offset,
		 * another picture's slice) must not be decoded. */
		if ((sp->first_mb_in_slice != (sh.first_mb_in_slice & 0xffff)) ||
		    (sp->slice_type % 5) != sh.slice_type) {
			v4l2r_err("h264: slice %u: slice data has first_mb_in_slice %u slice_type %u, VA parameters say %u and %u",
				  i, sh.first_mb_in_slice, sh.slice_type,
				  sp->first_mb_in_slice, sp->slice_type);
			return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
		if (i == 0) {
			sh0 = sh;
		} else if (sh.field_pic != sh0.field_pic ||
			   sh.bottom_field != sh0.bottom_field ||
			   sh.idr != sh0.idr) {
			v4l2r_err("h264: slice %u: field/IDR flags differ from the first slice's",
				  i);
			return VA_STATUS_ERROR_DECODING_ERROR;
		}
		h264_cross_check(st, i, pp, sp, &sh);
		h264_pps_defaults(st, &sh, sp);
		if (sh.slice_type == H264_SLICE_B)
			has_b = true;
		if (sh.slice_type == H264_SLICE_P)
			has_p = true;
		if (first_ref_l0 == 0xff && sh.slice_type != H264_SLICE_I &&
		    sh.slice_type != H264_SLICE_SI)
			first_ref_l0 = sh.num_ref_idx_l0_active_minus1;
		if (first_ref_l1 == 0xff && sh.slice_type == H264_SLICE_B)
			first_ref_l1 = sh.num_ref_idx_l1_active_minus1;
		if (mode->slice_based) {
			memset(&st->slice[i], 0, sizeof(st->slice[i]));
			memset(&st->weights[i], 0, sizeof(st->weights[i]));
			h264_fill_slice(st, i, &sh);
		}
	}

	bool field_pic = sh0.field_pic, bottom = sh0.bottom_field;
	bool scaling = iq && !iq_matrix_flat(iq);

	h264_fill_sps(st, in, pp, scaling, has_b);
	h264_fill_scaling(st, iq);
	h264_fill_pps(st, pp, sh0.pic_parameter_set_id, scaling);
	const struct h264_pps_defaults *d = &st->pps_defaults[sh0.pic_parameter_set_id];
	st->pps.num_ref_idx_l0_default_active_minus1 = d->known[0] ? d->minus1[0] :
		first_ref_l0 != 0xff ? first_ref_l0 : 0;
	st->pps.num_ref_idx_l1_default_active_minus1 = d->known[1] ? d->minus1[1] :
		first_ref_l1 != 0xff ? first_ref_l1 : 0;

	struct v4l2_ctrl_h264_decode_params *dp = &st->decode;
	memset(dp, 0, sizeof(*dp));
	h264_poc_offset(st, pp, &sh0);
	h264_fill_dpb(st, pp, refs, sh0.frame_num, field_pic, bottom);
	dp->nal_ref_idc = sh0.nal_ref_idc;
	dp->frame_num = sh0.frame_num;
	/* VA gives both counts; for a first field the other one is 0 (a
	 * second field has its first field's). */
	dp->top_field_order_cnt = h264_poc(st, pp->CurrPic.TopFieldOrderCnt,
					   !field_pic || !bottom ||
					   pp->CurrPic.TopFieldOrderCnt != 0);
	dp->bottom_field_order_cnt = h264_poc(st, pp->CurrPic.BottomFieldOrderCnt,
					      !field_pic || bottom ||
					      pp->CurrPic.BottomFieldOrderCnt != 0);
	dp->idr_pic_id = sh0.idr_pic_id;
	dp->pic_order_cnt_lsb = sh0.pic_order_cnt_lsb;
	dp->delta_pic_order_cnt_bottom = sh0.delta_pic_order_cnt_bottom;
	dp->delta_pic_order_cnt0 = sh0.delta_pic_order_cnt[0];
	dp->delta_pic_order_cnt1 = sh0.delta_pic_order_cnt[1];
	/* Sizes in RBSP bits, like header_bit_size (what Hantro's slice
	 * header parser skips, and FFmpeg passes). */
	dp->dec_ref_pic_marking_bit_size = sh0.dec_ref_pic_marking_rbsp_bits;
	dp->pic_order_cnt_bit_size = sh0.pic_order_cnt_rbsp_bits;
	dp->slice_group_change_cycle = sh0.slice_group_change_cycle;
	dp->flags = (sh0.idr ? V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC : 0) |
		(field_pic ? V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC : 0) |
		(field_pic && bottom ? V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD : 0) |
		(has_p ? V4L2_H264_DECODE_PARAM_FLAG_PFRAME : 0) |
		(has_b ? V4L2_H264_DECODE_PARAM_FLAG_BFRAME : 0);

	/* The reference lists need the DPB, so they come last. */
	if (mode->slice_based) {
		for (unsigned i = 0; i < in->n_slices; i++) {
			const VASliceParameterBufferH264 *sp = in->slices[i].params;
			struct v4l2_ctrl_h264_slice_params *s = &st->slice[i];
			bool inter = s->slice_type != V4L2_H264_SLICE_TYPE_I &&
				s->slice_type != V4L2_H264_SLICE_TYPE_SI;

			for (unsigned r = 0; inter && r <= s->num_ref_idx_l0_active_minus1; r++)
				if (!map_ref(st, &sp->RefPicList0[r], field_pic, bottom,
					     i, 0, r, &s->ref_pic_list0[r]))
					return VA_STATUS_ERROR_INVALID_PARAMETER;
			for (unsigned r = 0; s->slice_type == V4L2_H264_SLICE_TYPE_B &&
			     r <= s->num_ref_idx_l1_active_minus1; r++)
				if (!map_ref(st, &sp->RefPicList1[r], field_pic, bottom,
					     i, 1, r, &s->ref_pic_list1[r]))
					return VA_STATUS_ERROR_INVALID_PARAMETER;
		}
	}

	coding_remember(st, in->target, field_pic);
	if (sh0.mmco5)
		st->poc_offset = 0;	/* see h264_poc_offset() */
	st->n_slices = in->n_slices;
	return VA_STATUS_SUCCESS;
}

static unsigned h264_request_count(void *state,
				   const struct v4l2r_decode_mode *mode)
{
	const struct h264_state *st = state;

	if (st->n_slices == 0)
		return 0;
	return mode->slice_based ? st->n_slices : 1;
}

static void add_control(struct va_request_plan *plan, uint32_t id, void *ptr,
			uint32_t size)
{
	struct v4l2_ext_control *c = &plan->controls[plan->n_controls++];

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->size = size;
	c->ptr = ptr;
}

static void h264_plan_request(void *state, const struct v4l2r_decode_mode *mode,
			      unsigned i, struct va_request_plan *plan)
{
	struct h264_state *st = state;

	plan->n_controls = 0;
	add_control(plan, V4L2_CID_STATELESS_H264_SPS, &st->sps, sizeof(st->sps));
	add_control(plan, V4L2_CID_STATELESS_H264_PPS, &st->pps, sizeof(st->pps));
	add_control(plan, V4L2_CID_STATELESS_H264_SCALING_MATRIX, &st->scaling,
		    sizeof(st->scaling));
	add_control(plan, V4L2_CID_STATELESS_H264_DECODE_PARAMS, &st->decode,
		    sizeof(st->decode));
	if (!mode->slice_based) {
		plan->first_slice = 0;
		plan->n_slices = st->n_slices;
		return;
	}
	if (i >= st->n_slices)
		i = st->n_slices ? st->n_slices - 1 : 0;
	add_control(plan, V4L2_CID_STATELESS_H264_SLICE_PARAMS, &st->slice[i],
		    sizeof(st->slice[i]));
	if (st->has_weights[i])
		add_control(plan, V4L2_CID_STATELESS_H264_PRED_WEIGHTS,
			    &st->weights[i], sizeof(st->weights[i]));
	plan->first_slice = i;
	plan->n_slices = 1;
}

static unsigned h264_profiles(uint64_t v4l2_profiles, VAProfile *out,
			      unsigned max)
{
	/* The uAPI stateless H.264 decoders handle 8-bit 4:2:0; these three
	 * are the VA profiles for that. Baseline also allows Constrained
	 * Baseline (a subset). */
	static const struct {
		VAProfile va;
		uint64_t v4l2_bits;
	} map[] = {
		{ VAProfileH264ConstrainedBaseline,
		  (1ull << V4L2_MPEG_VIDEO_H264_PROFILE_CONSTRAINED_BASELINE) |
		  (1ull << V4L2_MPEG_VIDEO_H264_PROFILE_BASELINE) },
		{ VAProfileH264Main, 1ull << V4L2_MPEG_VIDEO_H264_PROFILE_MAIN },
		{ VAProfileH264High, 1ull << V4L2_MPEG_VIDEO_H264_PROFILE_HIGH },
	};
	unsigned n = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]) && n < max; i++)
		if (v4l2_profiles == 0 || (v4l2_profiles & map[i].v4l2_bits))
			out[n++] = map[i].va;
	return n;
}

static bool h264_is_field(const struct va_picture_input *in)
{
	const VAPictureParameterBufferH264 *pp = in->pic_params;

	return pp->CurrPic.flags & (VA_PICTURE_H264_TOP_FIELD |
				    VA_PICTURE_H264_BOTTOM_FIELD);
}

const struct va_codec_ops va_codec_h264 = {
	.codec = V4L2R_CODEC_H264,
	.pic_param_size = sizeof(VAPictureParameterBufferH264),
	.iq_matrix_size = sizeof(VAIQMatrixBufferH264),
	.slice_param_size = sizeof(VASliceParameterBufferH264),
	.prob_table_size = 0,
	.state_size = sizeof(struct h264_state),
	.translate = h264_translate,
	.request_count = h264_request_count,
	.plan_request = h264_plan_request,
	.profiles = h264_profiles,
	.is_field = h264_is_field,
};
