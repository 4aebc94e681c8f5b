/* Sequence controls that carry only a bit depth (see bit_depth.h). Each
 * is valid for the kernel's checks (v4l2-ctrls-core.c) and the drivers'
 * try_ctrl (hantro, rkvdec, hantro's VPU981 for AV1): 4:2:0, luma and
 * chroma of one depth. */
#include "config.h"

#include <string.h>

#include "v4l2r/bit_depth.h"

bool v4l2r_bit_depth_control(enum v4l2r_codec codec, unsigned depth,
			     uint32_t width, uint32_t height,
			     union v4l2r_bit_depth_payload *p,
			     struct v4l2_ext_control *ctrl)
{
	memset(p, 0, sizeof(*p));
	memset(ctrl, 0, sizeof(*ctrl));
	switch (codec) {
	case V4L2R_CODEC_H264:
		/* High 10 (profile_idc 110) for 10 bits, High otherwise. */
		p->h264.profile_idc = depth > 8 ? 110 : 100;
		p->h264.chroma_format_idc = 1;
		p->h264.bit_depth_luma_minus8 = (uint8_t)(depth - 8);
		p->h264.bit_depth_chroma_minus8 = (uint8_t)(depth - 8);
		p->h264.pic_width_in_mbs_minus1 = (uint16_t)((width + 15) / 16 - 1);
		p->h264.pic_height_in_map_units_minus1 =
			(uint16_t)((height + 15) / 16 - 1);
		p->h264.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY;
		ctrl->id = V4L2_CID_STATELESS_H264_SPS;
		ctrl->size = sizeof(p->h264);
		break;
	case V4L2R_CODEC_HEVC:
		p->hevc.chroma_format_idc = 1;
		p->hevc.bit_depth_luma_minus8 = (uint8_t)(depth - 8);
		p->hevc.bit_depth_chroma_minus8 = (uint8_t)(depth - 8);
		/* Whole 8x8 minimum coding blocks, 16x16 CTBs. */
		p->hevc.pic_width_in_luma_samples = (uint16_t)((width + 7) & ~7u);
		p->hevc.pic_height_in_luma_samples = (uint16_t)((height + 7) & ~7u);
		p->hevc.log2_diff_max_min_luma_coding_block_size = 1;
		ctrl->id = V4L2_CID_STATELESS_HEVC_SPS;
		ctrl->size = sizeof(p->hevc);
		break;
	case V4L2R_CODEC_VP9:
		/* Profile 0 is 8-bit only, profile 2 10 or 12 bits (both
		 * 4:2:0), as validate_vp9_frame checks. */
		p->vp9.profile = depth > 8 ? 2 : 0;
		p->vp9.bit_depth = (uint8_t)depth;
		p->vp9.flags = V4L2_VP9_FRAME_FLAG_KEY_FRAME |
			       V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
			       V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING |
			       V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
		p->vp9.frame_width_minus_1 = (uint16_t)(width - 1);
		p->vp9.frame_height_minus_1 = (uint16_t)(height - 1);
		p->vp9.render_width_minus_1 = (uint16_t)(width - 1);
		p->vp9.render_height_minus_1 = (uint16_t)(height - 1);
		ctrl->id = V4L2_CID_STATELESS_VP9_FRAME;
		ctrl->size = sizeof(p->vp9);
		break;
#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
	case V4L2R_CODEC_AV1:
		/* Main (seq_profile 0): 8 or 10 bits, 4:2:0. */
		p->av1.bit_depth = (uint8_t)depth;
		p->av1.flags = V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X |
			       V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y;
		p->av1.max_frame_width_minus_1 = (uint16_t)(width - 1);
		p->av1.max_frame_height_minus_1 = (uint16_t)(height - 1);
		ctrl->id = V4L2_CID_STATELESS_AV1_SEQUENCE;
		ctrl->size = sizeof(p->av1);
		break;
#endif
	default:
		return false;
	}
	ctrl->ptr = p;
	return true;
}
