/* H.264 reference management for the stateless decoder elements: picture
 * order counts (8.2.1), decoded reference picture marking (8.2.5), frame_num
 * gaps (8.2.5.2), reference lists (8.2.4) and output order (C.4). Free of
 * GLib: the element turns the codecparsers' headers into the plain structs
 * below, so that this is unit-tested without GStreamer or a device.
 *
 * Flow, per picture (a frame or one field):
 *   dpb_h264_start_picture()   gaps, IDR/MMCO 5 flush, POC, field pairing
 *   dpb_h264_current_poc(), dpb_h264_entries(), per slice
 *   dpb_h264_ref_lists()       what the decode request needs
 *   dpb_h264_finish_picture()  marking, storage, output
 * and dpb_h264_drain() at the end of the stream, dpb_h264_reset() on a seek.
 *
 * Outputs and releases are reported through struct dpb_h264_ops, from
 * inside start (IDR/MMCO 5 flush, frame_num gaps), finish, drain and
 * reset. A picture is identified by the caller's id (the
 * V4L2 timestamp of its capture buffer); a second field shares its first
 * field's id (the same buffer), whatever its own info says. */
#ifndef DPB_H264_H
#define DPB_H264_H

#include <stdbool.h>
#include <stdint.h>

#define DPB_H264_MAX_FRAMES 16
#define DPB_H264_MAX_REFS 32
#define DPB_H264_MAX_MMCO 66

/* Which field(s) of a frame; the values add up like flags. */
enum dpb_h264_fields {
	DPB_H264_NO_FIELD = 0,
	DPB_H264_TOP = 1,
	DPB_H264_BOTTOM = 2,
	DPB_H264_FRAME = 3,
};

struct dpb_h264_sps {
	uint8_t log2_max_frame_num;		/* 4..16 */
	uint8_t pic_order_cnt_type;		/* 0..2 */
	uint8_t log2_max_pic_order_cnt_lsb;	/* 4..16 */
	bool delta_pic_order_always_zero;
	int32_t offset_for_non_ref_pic;
	int32_t offset_for_top_to_bottom_field;
	uint8_t num_ref_frames_in_pic_order_cnt_cycle;
	int32_t offset_for_ref_frame[255];
	uint8_t max_num_ref_frames;		/* 0..16 */
	bool frame_mbs_only;
	bool gaps_in_frame_num_allowed;
	/* DPB size in frames (VUI's, or the level's): 0..16; 0 counts as 1. */
	uint8_t max_dec_frame_buffering;
	/* VUI's, or max_dec_frame_buffering when absent. */
	uint8_t max_num_reorder_frames;
};

/* memory_management_control_operation (7.4.3.3); 0 ends the list and is not
 * stored. */
enum dpb_h264_mmco_op {
	DPB_H264_MMCO_UNMARK_SHORT = 1,
	DPB_H264_MMCO_UNMARK_LONG = 2,
	DPB_H264_MMCO_SHORT_TO_LONG = 3,
	DPB_H264_MMCO_MAX_LONG_TERM_IDX = 4,
	DPB_H264_MMCO_UNMARK_ALL = 5,
	DPB_H264_MMCO_CURRENT_TO_LONG = 6,
};

struct dpb_h264_mmco {
	uint8_t op;				/* enum dpb_h264_mmco_op */
	uint32_t difference_of_pic_nums_minus1;	/* ops 1, 3 */
	uint32_t long_term_pic_num;		/* op 2 */
	uint32_t long_term_frame_idx;		/* ops 3, 6 */
	uint32_t max_long_term_frame_idx_plus1;	/* op 4 */
};

/* From the picture's first slice. */
struct dpb_h264_picture_info {
	bool idr;
	uint8_t nal_ref_idc;
	uint32_t frame_num;
	bool field_pic;
	bool bottom_field;
	uint32_t pic_order_cnt_lsb;
	int32_t delta_pic_order_cnt_bottom;
	int32_t delta_pic_order_cnt[2];
	bool no_output_of_prior_pics;
	bool long_term_reference_flag;
	bool adaptive_ref_pic_marking;
	unsigned n_mmco;
	struct dpb_h264_mmco mmco[DPB_H264_MAX_MMCO];
	uint64_t id;
};

enum dpb_h264_slice_type {
	DPB_H264_SLICE_P,	/* and SP */
	DPB_H264_SLICE_B,
	DPB_H264_SLICE_I,	/* and SI: no lists */
};

/* One ref_pic_list_modification entry (7.3.3.1). */
struct dpb_h264_modification {
	/* modification_of_pic_nums_idc: 0, 1 or 2 (3 ends, not stored) */
	uint8_t idc;
	/* abs_diff_pic_num_minus1 (idc 0, 1) or long_term_pic_num (idc 2) */
	uint32_t value;
};

struct dpb_h264_slice {
	enum dpb_h264_slice_type type;
	uint8_t num_ref_idx_active[2];	/* 1..32 for the lists in use */
	uint8_t n_modifications[2];
	struct dpb_h264_modification modification[2][DPB_H264_MAX_REFS + 1];
};

/* A reference list entry: a DPB entry (its position in dpb_h264_entries()'
 * output) and the field(s) referenced; fields == DPB_H264_NO_FIELD is "no
 * reference picture" (the list is longer than the references). */
struct dpb_h264_ref {
	uint8_t index;
	uint8_t fields;
};

enum dpb_h264_entry_flags {
	/* Some field is a reference (V4L2's ACTIVE). */
	DPB_H264_ENTRY_REFERENCE = 1 << 0,
	DPB_H264_ENTRY_LONG_TERM = 1 << 1,
	DPB_H264_ENTRY_FIELD = 1 << 2,		/* decoded as fields */
	/* A frame_num gap's frame (8.2.5.2): no buffer, no id; never to be
	 * referenced by the decoder. */
	DPB_H264_ENTRY_NON_EXISTING = 1 << 3,
};

struct dpb_h264_entry {
	uint64_t id;
	/* FrameNum, or LongTermFrameIdx for a long-term entry. */
	uint32_t frame_num;
	/* For the current picture (8.2.4.1): decoding a frame, FrameNumWrap
	 * (LongTermFrameIdx if long-term); decoding a field, the PicNum
	 * (LongTermPicNum) of the entry's first field, or of its top field
	 * if it was coded as a frame. */
	int32_t pic_num;
	int32_t top_poc, bottom_poc;	/* 0 for a field not decoded */
	uint8_t fields;			/* the fields decoded */
	uint8_t ref_fields;		/* the fields used for reference */
	uint32_t flags;			/* enum dpb_h264_entry_flags */
};

struct dpb_h264_output {
	uint64_t id;
	int32_t poc;
	uint8_t fields;	/* DPB_H264_FRAME, or a field without its pair */
};

struct dpb_h264_ops {
	/* A picture to display, in output order; a field pair once. */
	void (*output)(void *user, const struct dpb_h264_output *picture);
	/* The picture left the DPB: its buffer may be reused. Comes after
	 * its output, or alone if it will never be output (reset, IDR with
	 * no_output_of_prior_pics). */
	void (*release)(void *user, uint64_t id);
};

struct dpb_h264;

/* NULL when out of memory; ops may be NULL members. */
struct dpb_h264 *dpb_h264_new(const struct dpb_h264_ops *ops, void *user);
void dpb_h264_free(struct dpb_h264 *d);

/* Starts a frame or a field. -EINVAL for bad input (nothing changed then),
 * -EBUSY while a picture is started. frame_num gaps are filled with
 * non-existing frames even where gaps_in_frame_num_allowed is 0 (a lost
 * picture is concealed, as the spec suggests). */
int dpb_h264_start_picture(struct dpb_h264 *d, const struct dpb_h264_sps *sps,
			   const struct dpb_h264_picture_info *info);

/* The current picture's TopFieldOrderCnt / BottomFieldOrderCnt as decoding
 * uses them (before any MMCO 5 reset); for a field, the other field's is its
 * first field's if it is a second field, else 0. */
void dpb_h264_current_poc(const struct dpb_h264 *d, int32_t *top,
			  int32_t *bottom);

/* The DPB for the current picture's decode request: every stored frame
 * (references, and pictures only waiting for output: without
 * DPB_H264_ENTRY_REFERENCE, which the element may leave out of the V4L2
 * DPB), the current picture excluded unless it is a second field (then
 * its first field's entry).
 * Returns the count; the reference lists name entries by their position in
 * out, which holds until dpb_h264_finish_picture(). */
unsigned dpb_h264_entries(const struct dpb_h264 *d,
			  struct dpb_h264_entry out[DPB_H264_MAX_FRAMES]);

/* RefPicList0/1 for a slice of the current picture (8.2.4.2, 8.2.4.3),
 * num_ref_idx_active entries each (padded with DPB_H264_NO_FIELD), list1
 * for B slices only. -EINVAL for bad input, a P/B slice without any
 * reference picture, or a modification naming a picture that is not a
 * reference; -EBUSY outside a picture. */
int dpb_h264_ref_lists(const struct dpb_h264 *d,
		       const struct dpb_h264_slice *slice,
		       struct dpb_h264_ref list0[DPB_H264_MAX_REFS],
		       struct dpb_h264_ref list1[DPB_H264_MAX_REFS]);

/* Marks the decoded picture (8.2.5), stores it and outputs what C.4.5
 * bumps. -EINVAL for an MMCO naming a picture that is no reference or for
 * more references than max_num_ref_frames (the state is kept consistent:
 * the oldest short-term references go), -ENOSPC when the DPB has no room
 * (the picture is then output at once and not kept); -EBUSY when no
 * picture is started. */
int dpb_h264_finish_picture(struct dpb_h264 *d);

/* End of stream: outputs everything waiting, in POC order, and empties
 * the DPB. A started picture is left alone (finish it first). */
void dpb_h264_drain(struct dpb_h264 *d);

/* Flush/seek: empties the DPB without output, releasing every buffer,
 * including a started picture's. The next picture should be an IDR. */
void dpb_h264_reset(struct dpb_h264 *d);

#endif
