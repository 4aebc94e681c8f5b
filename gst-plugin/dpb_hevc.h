/* HEVC reference management for the stateless decoder elements: picture
 * order count (ITU-T H.265 8.3.1), reference picture set and marking
 * (8.3.2), unavailable references (8.3.3), reference picture lists (8.3.4)
 * and output order with the DPB's bumping process (C.5.2).
 *
 * Free of GLib and of GStreamer: the element turns the parsed headers into
 * the plain structs below. Flow, per picture:
 *
 *   dpb_hevc_start_picture()   POC, RPS, marking, output/removal (C.5.2.2)
 *   dpb_hevc_entries()         the DPB and the RPS sets for DECODE_PARAMS
 *   dpb_hevc_ref_lists()       per P/B slice, for SLICE_PARAMS (optional)
 *   dpb_hevc_finish_picture()  the picture enters the DPB (C.5.2.3)
 *
 * Pictures leave through two callbacks: output() when a picture is to be
 * shown, in output order, and release() when it has left the DPB (output
 * done or never to be, no longer a reference) so that its capture buffer
 * can be reused. A picture that is output and leaves at once gets output()
 * then release(). Generated (unavailable) pictures get neither.
 *
 * At an end-of-sequence NAL unit, call dpb_hevc_drain() and set
 * follows_eos on the next picture: a CRA picture that starts a new coded
 * video sequence discards the pictures still waiting for output
 * (NoOutputOfPriorPicsFlag is 1 for a CRA picture, C.5.2.2). */
#ifndef DPB_HEVC_H
#define DPB_HEVC_H

#include <stdbool.h>
#include <stdint.h>

/* As V4L2_HEVC_DPB_ENTRIES_NUM_MAX: what DECODE_PARAMS holds. */
#define DPB_HEVC_MAX_ENTRIES 16
/* num_negative_pics and num_positive_pics are at most
 * sps_max_dec_pic_buffering_minus1 (at most 15). */
#define DPB_HEVC_MAX_ST_REFS 16
/* num_long_term_sps + num_long_term_pics (7.4.7.1). */
#define DPB_HEVC_MAX_LT_REFS 32

/* dpb_hevc_start_picture(): the picture is not to be decoded nor output. */
#define DPB_HEVC_SKIP 1

/* nal_unit_type values (Table 7-1) that decide behaviour here. */
enum dpb_hevc_nal_type {
	DPB_HEVC_NAL_TRAIL_N = 0,
	DPB_HEVC_NAL_TRAIL_R = 1,
	DPB_HEVC_NAL_TSA_N = 2,
	DPB_HEVC_NAL_TSA_R = 3,
	DPB_HEVC_NAL_STSA_N = 4,
	DPB_HEVC_NAL_STSA_R = 5,
	DPB_HEVC_NAL_RADL_N = 6,
	DPB_HEVC_NAL_RADL_R = 7,
	DPB_HEVC_NAL_RASL_N = 8,
	DPB_HEVC_NAL_RASL_R = 9,
	DPB_HEVC_NAL_BLA_W_LP = 16,
	DPB_HEVC_NAL_BLA_W_RADL = 17,
	DPB_HEVC_NAL_BLA_N_LP = 18,
	DPB_HEVC_NAL_IDR_W_RADL = 19,
	DPB_HEVC_NAL_IDR_N_LP = 20,
	DPB_HEVC_NAL_CRA = 21,
};

/* slice_type values (Table 7-7). */
enum dpb_hevc_slice_type {
	DPB_HEVC_SLICE_B = 0,
	DPB_HEVC_SLICE_P = 1,
	DPB_HEVC_SLICE_I = 2,
};

/* From the active SPS, for the highest temporal sub-layer decoded. */
struct dpb_hevc_sps {
	uint8_t log2_max_pic_order_cnt_lsb;	/* 4..16 */
	/* sps_max_dec_pic_buffering_minus1[HighestTid] + 1: 1..16 */
	uint8_t max_dec_pic_buffering;
	/* sps_max_num_reorder_pics[HighestTid]: below max_dec_pic_buffering */
	uint8_t max_num_reorder_pics;
	/* sps_max_latency_increase_plus1[HighestTid]; 0: no latency limit */
	uint32_t max_latency_increase_plus1;
	bool long_term_ref_pics_present;
};

/* One long-term entry of the slice header, i = 0..num_long_term_sps +
 * num_long_term_pics - 1, with the values of 7.4.7.1. */
struct dpb_hevc_lt_ref {
	uint32_t poc_lsb_lt;		/* PocLsbLt[i] */
	bool used_by_curr_pic_lt;	/* UsedByCurrPicLt[i] */
	bool delta_poc_msb_present_flag;
	uint32_t delta_poc_msb_cycle_lt; /* DeltaPocMsbCycleLt[i] (7-52) */
};

/* A picture, from its first slice segment header. */
struct dpb_hevc_picture_info {
	uint64_t id;		/* the caller's handle (the timestamp) */
	uint8_t nal_unit_type;
	uint8_t temporal_id;		/* nuh_temporal_id_plus1 - 1 */
	uint32_t pic_order_cnt_lsb;	/* ignored (inferred 0) for IDR */
	bool pic_output_flag;	/* 1 where the PPS does not send it */
	bool no_output_of_prior_pics_flag;
	/* The first picture of the stream, the first after an end-of-sequence
	 * NAL unit, or a CRA picture to handle as a BLA one (after a seek):
	 * NoRaslOutputFlag = 1 for an IRAP picture. The first picture after
	 * dpb_hevc_new() or dpb_hevc_reset() counts as such by itself. */
	bool follows_eos;
	/* The short-term RPS, inter-RPS prediction resolved (7.4.8):
	 * DeltaPocS0[] < 0 decreasing, DeltaPocS1[] > 0 increasing. */
	uint8_t num_negative_pics, num_positive_pics;
	int32_t delta_poc_s0[DPB_HEVC_MAX_ST_REFS];
	bool used_by_curr_pic_s0[DPB_HEVC_MAX_ST_REFS];
	int32_t delta_poc_s1[DPB_HEVC_MAX_ST_REFS];
	bool used_by_curr_pic_s1[DPB_HEVC_MAX_ST_REFS];
	/* num_long_term_sps + num_long_term_pics */
	uint8_t num_long_term;
	struct dpb_hevc_lt_ref lt[DPB_HEVC_MAX_LT_REFS];
};

/* A slice's reference list syntax. */
struct dpb_hevc_slice_info {
	uint8_t slice_type;		/* enum dpb_hevc_slice_type */
	/* num_ref_idx_lX_active_minus1 + 1 */
	uint8_t num_ref_idx_l0_active, num_ref_idx_l1_active;
	bool ref_pic_list_modification_flag_l0;
	bool ref_pic_list_modification_flag_l1;
	uint8_t list_entry_l0[DPB_HEVC_MAX_ENTRIES];
	uint8_t list_entry_l1[DPB_HEVC_MAX_ENTRIES];
};

/* A reference picture of the current picture's DPB. */
struct dpb_hevc_entry {
	uint64_t id;		/* 0 for an unavailable one */
	int32_t poc;		/* PicOrderCntVal */
	bool long_term;
	/* Generated for a reference missing from the stream (8.3.3.2): it
	 * has no picture; point the device at something harmless. */
	bool unavailable;
};

/* Indices into the entries array of dpb_hevc_entries(), as DECODE_PARAMS'
 * poc_st_curr_before[], poc_st_curr_after[] and poc_lt_curr[]. */
struct dpb_hevc_rps_sets {
	uint8_t num_st_curr_before, num_st_curr_after, num_lt_curr;
	uint8_t st_curr_before[DPB_HEVC_MAX_ENTRIES];
	uint8_t st_curr_after[DPB_HEVC_MAX_ENTRIES];
	uint8_t lt_curr[DPB_HEVC_MAX_ENTRIES];
};

struct dpb_hevc_callbacks {
	void (*output)(void *user, uint64_t id, int32_t poc);
	void (*release)(void *user, uint64_t id);
};

struct dpb_hevc;

/* callbacks is copied; either function may be NULL. NULL on no memory. */
struct dpb_hevc *dpb_hevc_new(const struct dpb_hevc_callbacks *callbacks,
			      void *user);
/* Releases nothing: call dpb_hevc_reset() first to get the releases. */
void dpb_hevc_free(struct dpb_hevc *dpb);

/* Before decoding a picture. Returns 0, DPB_HEVC_SKIP (a RASL picture of
 * an IRAP picture with NoRaslOutputFlag = 1, or any picture before the
 * first IRAP one: neither decode nor output it), or -EINVAL on values out
 * of range or an inconsistent stream (the DPB is left as it was). A
 * picture not started with 0, or started and not finished before the next
 * start, never enters the DPB and gets no callback. */
int dpb_hevc_start_picture(struct dpb_hevc *dpb, const struct dpb_hevc_sps *sps,
			   const struct dpb_hevc_picture_info *pic);

/* PicOrderCntVal of the picture started. */
int32_t dpb_hevc_current_poc(const struct dpb_hevc *dpb);

/* The reference pictures of the DPB (not the current picture) into out[],
 * in an order that holds until dpb_hevc_finish_picture(), and the sets of
 * the current picture as indices into out[]. Returns the count. */
unsigned dpb_hevc_entries(const struct dpb_hevc *dpb,
			  struct dpb_hevc_entry out[DPB_HEVC_MAX_ENTRIES],
			  struct dpb_hevc_rps_sets *sets);

/* RefPicList0/1 of a slice of the current picture as indices into the
 * entries array of dpb_hevc_entries(); entries past num_ref_idx_lX_active
 * (and list1 of a P slice, both of an I slice) are 0. Returns 0 or -EINVAL
 * (no picture started, counts out of range, a P or B slice without
 * reference, list_entry beyond NumPocTotalCurr). */
int dpb_hevc_ref_lists(const struct dpb_hevc *dpb,
		       const struct dpb_hevc_slice_info *slice,
		       uint8_t list0[DPB_HEVC_MAX_ENTRIES],
		       uint8_t list1[DPB_HEVC_MAX_ENTRIES]);

/* After the picture started is decoded: it enters the DPB, then pictures
 * are output as C.5.2.3 says. -EINVAL if no picture was started. */
int dpb_hevc_finish_picture(struct dpb_hevc *dpb);

/* End of stream (or of a coded video sequence): every picture waiting is
 * output in POC order; references stay for the pictures that may follow. */
void dpb_hevc_drain(struct dpb_hevc *dpb);

/* Flush or seek: every picture leaves (release(), no output) and the next
 * picture starts the stream anew. */
void dpb_hevc_reset(struct dpb_hevc *dpb);

#endif
