/* The contract between the codec-independent picture code (picture.c) and
 * the per-codec translation files (mpeg2.c, h264.c, hevc.c, ...).
 *
 * picture.c collects and validates the client's buffers between
 * vaBeginPicture and vaEndPicture into a va_picture_input. A codec file turns
 * it into V4L2 stateless control structs, and nothing else: it does not touch
 * the device, surfaces or requests. */
#ifndef VA_CODEC_H
#define VA_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <va/va.h>

#include "v4l2r/codec.h"
#include "v4l2r/decode_mode.h"

struct v4l2_ext_control;

/* One slice as the client sent it: its parameter struct, and its bytes
 * (slice_data_offset/slice_data_size already checked against the data
 * buffer by picture.c; data starts where the VA parameters say). The
 * slice_data_offset bytes of that buffer in front of data are readable
 * too, at data - lead. buffer/buffer_size is the whole slice data buffer
 * the slice's bytes lie in, the client's own memory (not a copy: slices
 * of different buffers are not next to each other): slices that share
 * one data buffer have the same buffer pointer, as do slices of one
 * buffer rendered twice; each other data buffer has its own (AV1 clients
 * send one buffer per tile group, some once per tile). */
struct va_slice {
	const void *params;
	const uint8_t *data;
	uint32_t size;
	uint32_t lead;
	const uint8_t *buffer;
	uint32_t buffer_size;
};

struct va_picture_input {
	const void *pic_params;	/* VAPictureParameterBuffer<codec>; never NULL */
	const void *iq_matrix;	/* VAIQMatrixBuffer<codec>, or NULL: not sent */
	const void *prob_table;	/* VP8 VAProbabilityDataBufferType, or NULL */
	unsigned n_slices;
	const struct va_slice *slices;
	VASurfaceID target;
	VAProfile profile;	/* of the context's config */
	/* Bits per sample of the context's pictures (8, or 10 for a
	 * VA_RT_FORMAT_YUV420_10 config): a stream of another depth is
	 * refused, never decoded into the wrong format. */
	unsigned bit_depth;
	/* The context's picture size (what the device was set up for and
	 * the picture buffers hold): a larger picture is refused, naming
	 * the size field. 0: not known (unit tests), not checked. */
	unsigned max_width, max_height;
};

/* Whether a w x h picture fits in->max_width x in->max_height; if not,
 * logs that codec's fields (e.g. "frame_width x frame_height") are
 * larger than the context. */
bool va_picture_fits(const struct va_picture_input *in, unsigned w,
		     unsigned h, const char *codec, const char *fields);

/* Whether a scaling list of `size` factors (rows of `row`) holds no 0
 * (factors are 1..255); if it does, logs "codec: list[r][c] = 0". */
bool va_scaling_list_valid(const char *codec, const char *list,
			   const uint8_t *v, size_t size, size_t row);

/* Maps a reference surface to the timestamp (ns) its last decode was
 * queued under. Returns 0 for an unknown or never-decoded surface; the
 * codec file then leaves that reference out and logs it. */
struct va_ref_resolver {
	uint64_t (*timestamp)(void *opaque, VASurfaceID surface);
	void *opaque;
};

/* The timestamp of reference surface id through refs; 0, with a warning
 * naming the codec and the reference ("which"), for VA_INVALID_SURFACE or a
 * surface that was never decoded. */
uint64_t va_ref_timestamp(const struct va_ref_resolver *refs, VASurfaceID id,
			  const char *codec, const char *which);

#define VA_CODEC_MAX_CONTROLS 8

/* What one request of a picture carries. The control payloads point into
 * the codec state and stay valid until the next translate call. */
struct va_request_plan {
	struct v4l2_ext_control *controls;	/* filled by the codec */
	unsigned n_controls;
	unsigned first_slice, n_slices;	/* the slices whose data it carries */
};

struct va_codec_ops {
	enum v4l2r_codec codec;
	/* Sizes the client's buffers must have (0: that buffer type is not
	 * used by this codec). picture.c refuses others. */
	size_t pic_param_size, iq_matrix_size, slice_param_size,
		prob_table_size;
	/* Bytes of per-context state the codec keeps between pictures. */
	size_t state_size;
	/* Translates a picture. Returns VA_STATUS_SUCCESS or a VA error, with
	 * a log line naming the field at fault. */
	VAStatus (*translate)(void *state, const struct va_picture_input *in,
			      const struct v4l2r_decode_mode *mode,
			      const struct va_ref_resolver *refs);
	/* Optional: how many requests the last translated picture needs
	 * (one per slice when slice based). NULL: one, as for every
	 * frame-based codec. */
	unsigned (*request_count)(void *state, const struct v4l2r_decode_mode *mode);
	/* Fills plan for request i (< the request count); plan->controls has room
	 * for VA_CODEC_MAX_CONTROLS. */
	void (*plan_request)(void *state, const struct v4l2r_decode_mode *mode,
			     unsigned i, struct va_request_plan *plan);
	/* VA profiles this codec offers when the device decodes it, given the
	 * device's profile menu (caps->profiles, 0 when there is none). */
	unsigned (*profiles)(uint64_t v4l2_profiles, VAProfile *out, unsigned max);
	/* Optional: the bytes the device needs in front of slice i's data
	 * (at most VA_CODEC_MAX_PREFIX), returning their count. NULL: picture.c
	 * puts 00 00 01 in front when mode->annex_b and the data lacks one;
	 * slice data is otherwise written as the client gave it. */
	unsigned (*slice_prefix)(void *state, const struct va_picture_input *in,
				 unsigned i, const struct v4l2r_decode_mode *mode,
				 uint8_t *out);
	/* Whether a slice_data_size that runs past the end of the slice's
	 * data buffer is cut at that end instead of refused; the codec then
	 * checks its own sizes against the bytes left. For VP8, whose
	 * partition sizes say where the data ends: GStreamer's vavp8dec
	 * skips the uncompressed header with slice_data_offset but gives
	 * the whole frame's size. */
	bool slice_size_cut_at_buffer_end;
	/* Whether a target surface larger than the context moves the
	 * context to device buffers of that size (va_context_outgrow)
	 * instead of being refused. For VP9, whose inter frames may change
	 * size: GStreamer's vavp9dec keeps its context across sizes and
	 * hands over larger surfaces (gst_va_decoder_update_frame_size);
	 * clients of the other codecs make a new context for a new size. */
	bool outgrows_context;
	/* Optional: whether the picture is a single field (NULL: frames
	 * only). A field decoded right after a first field into the same
	 * surface is that frame's second field and shares its timestamp. */
	bool (*is_field)(const struct va_picture_input *in);
	/* Optional: writes the OUTPUT data of the request whose plan holds
	 * slices first..first+n-1 itself, instead of picture.c writing each
	 * slice's prefix and bytes in turn (AV1 copies each tile group once,
	 * however many times the client sent it, and its tile offsets are
	 * positions in that copy, fixed by translate). Called after translate
	 * with the same in. Returns the byte count the data takes, and writes
	 * it to dst only when dst is not NULL and it fits in cap. */
	size_t (*write_data)(void *state, const struct va_picture_input *in,
			     unsigned first, unsigned n, uint8_t *dst,
			     size_t cap);
	/* Optional: the surface the client shows the picture in when it
	 * names one apart from the render target (AV1 film grain:
	 * current_display_picture), else VA_INVALID_SURFACE; *field names
	 * that parameter for log lines. Read from the picture parameters
	 * before translate. The device decodes into the render target (its
	 * timestamp stays the reference); picture.c copies the picture into
	 * this surface once it is complete. */
	VASurfaceID (*display_surface)(const struct va_picture_input *in,
				       const char **field);
};

#define VA_CODEC_MAX_PREFIX 16	/* VP8 key frame: tag, start code, sizes (10) */

extern const struct va_codec_ops va_codec_mpeg2;
extern const struct va_codec_ops va_codec_h264;
extern const struct va_codec_ops va_codec_hevc;
extern const struct va_codec_ops va_codec_vp8;
extern const struct va_codec_ops va_codec_vp9;
extern const struct va_codec_ops va_codec_av1;

#endif
