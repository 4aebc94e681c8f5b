/* Trace files: a whole decode session (formats, and per request its
 * controls, bitstream and flags), written by a session that records and
 * replayed on any device that decodes the codec. References between
 * pictures are stored as frame indices (decode order), never as the
 * timestamps of one particular run. The format is described in
 * docs/trace-format.md. */
#ifndef V4L2R_TRACE_H
#define V4L2R_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"

struct v4l2_ext_control;
struct v4l2r_session;

#define V4L2R_TRACE_MAGIC "V4L2RTRC"	/* 8 bytes, no NUL */
#define V4L2R_TRACE_VERSION_MAJOR 1
#define V4L2R_TRACE_VERSION_MINOR 0

/* Record types. Bit 31 set: a reader that does not know the type must
 * refuse the file; clear: it skips the record. */
#define V4L2R_TRACE_CRITICAL 0x80000000u
enum v4l2r_trace_record_type {
	V4L2R_TRACE_REC_STREAM = V4L2R_TRACE_CRITICAL | 1,
	V4L2R_TRACE_REC_SESSION_CONTROLS = V4L2R_TRACE_CRITICAL | 2,
	V4L2R_TRACE_REC_REQUEST = V4L2R_TRACE_CRITICAL | 3,
	V4L2R_TRACE_REC_END = V4L2R_TRACE_CRITICAL | 4,
	V4L2R_TRACE_REC_FRAME_MD5 = 5,
	V4L2R_TRACE_REC_INFO = 6,
};

/* What a reader accepts (larger is refused as corrupt). */
#define V4L2R_TRACE_MAX_RECORD (64u << 20)
#define V4L2R_TRACE_MAX_CONTROLS 32		/* per request or block */
#define V4L2R_TRACE_MAX_CONTROL_SIZE (1u << 20)
#define V4L2R_TRACE_MAX_FRAMES (1u << 20)
#define V4L2R_TRACE_MAX_REQUESTS (1u << 22)
#define V4L2R_TRACE_MAX_DIMENSION 16384
#define V4L2R_TRACE_MAX_INFO 4096

/* A reference field that names no frame (replayed as timestamp 0). */
#define V4L2R_TRACE_NO_FRAME UINT64_MAX

/* Request flags. */
#define V4L2R_TRACE_HOLD_CAPTURE (1u << 0)	/* more requests for the picture follow */
#define V4L2R_TRACE_LAST_SLICE (1u << 1)	/* the picture is complete after it */

struct v4l2r_trace_stream {
	uint32_t coded_fourcc;	/* V4L2_PIX_FMT_*_SLICE / *_FRAME */
	uint32_t width, height;	/* OUTPUT format size */
	uint32_t capture_fourcc;	/* the recorder's capture format; 0: none */
	uint32_t bitstream_size;	/* OUTPUT sizeimage used; 0: unknown */
	int32_t decode_mode;	/* menu value, -1: the codec has none */
	int32_t start_code;	/* menu value, -1: the codec has none */
};

struct v4l2r_trace_control {
	uint32_t id;
	bool scalar;		/* a menu/integer control: value, no payload */
	int64_t value;
	uint32_t size;		/* payload bytes (compound controls) */
	const uint8_t *data;	/* payload; reference fields hold frame indices */
};

/* Controls set outside any request, applied before request
 * before_request is queued. */
struct v4l2r_trace_control_block {
	unsigned before_request;
	unsigned n_controls;
	const struct v4l2r_trace_control *controls;
};

struct v4l2r_trace_request {
	uint32_t frame;		/* the picture it decodes into */
	uint32_t flags;		/* V4L2R_TRACE_HOLD_CAPTURE / _LAST_SLICE */
	uint64_t timestamp_ns;	/* the recorder's timestamp of that picture */
	unsigned n_controls;
	const struct v4l2r_trace_control *controls;
	uint32_t bitstream_size;
	const uint8_t *bitstream;
	unsigned n_refs;
	const uint32_t *refs;	/* distinct frames its controls reference */
};

struct v4l2r_trace_frame {
	uint64_t timestamp_ns;	/* of its first request */
	unsigned first_request, last_request;	/* decoding into it */
	unsigned last_use;	/* last request decoding into or referencing it */
	unsigned n_requests;
	bool has_md5;		/* expected checksum (the last one recorded) */
	uint32_t md5_fourcc;	/* V4L2_PIX_FMT_NV12 or _P010 (canonical form) */
	uint32_t md5_width, md5_height;
	uint8_t md5[16];
};

struct v4l2r_trace {
	unsigned version_major, version_minor;
	struct v4l2r_trace_stream stream;
	unsigned n_blocks;
	const struct v4l2r_trace_control_block *blocks;
	unsigned n_requests;
	const struct v4l2r_trace_request *requests;
	unsigned n_frames;
	const struct v4l2r_trace_frame *frames;
	unsigned n_info;
	const char *const *info;	/* "key=value", NUL-terminated */
	unsigned skipped_records;	/* of types this reader does not know */
	uint32_t max_bitstream;	/* largest request bitstream */
};

/* Reads and checks a whole trace. Returns 0, or a negative errno with a
 * one-line reason in error (-EINVAL: corrupt or truncated, -ENOTSUP: a
 * version or feature this build does not know). */
int v4l2r_trace_load(const char *path, struct v4l2r_trace **out,
		     char *error, size_t error_size);
/* Same, from memory (copied). */
int v4l2r_trace_parse(const void *data, size_t size, struct v4l2r_trace **out,
		      char *error, size_t error_size);
void v4l2r_trace_free(struct v4l2r_trace *t);

/* Bytes of scratch v4l2r_trace_bind_controls needs for these controls. */
size_t v4l2r_trace_controls_scratch(const struct v4l2r_trace_control *controls,
				    unsigned n);
/* Fills out[0..n) for S_EXT_CTRLS: payloads are copied into scratch and
 * their reference fields set to frame_ts[frame] (0 for none). Returns 0, or
 * -EINVAL when a reference is not below n_frames or scratch is short. */
int v4l2r_trace_bind_controls(const struct v4l2r_trace_control *controls,
			      unsigned n, const uint64_t *frame_ts,
			      uint32_t n_frames, struct v4l2_ext_control *out,
			      void *scratch, size_t scratch_size);

/* ---- reference fields ---- */

/* count 64-bit timestamps at offset, stride bytes apart, in control cid. */
struct v4l2r_trace_ref_field {
	uint32_t cid;
	uint32_t offset, count, stride;
	const char *name;
};

const struct v4l2r_trace_ref_field *v4l2r_trace_ref_fields(unsigned *count);
/* True when the control carries reference fields. */
bool v4l2r_trace_control_has_refs(uint32_t cid);

/* Finds the frame a timestamp names; false when none. */
typedef bool v4l2r_trace_frame_of_fn(void *opaque, uint64_t timestamp_ns,
				     uint32_t *frame);
/* Rewrites the reference fields of one control payload in place:
 * timestamps to frame indices (V4L2R_TRACE_NO_FRAME when frame_of finds
 * none). Returns how many non-zero timestamps named no frame, or -EINVAL
 * when the payload is too small for the fields. */
int v4l2r_trace_refs_to_frames(uint32_t cid, uint8_t *payload, size_t size,
			       v4l2r_trace_frame_of_fn *frame_of,
			       void *opaque);
/* The other way: frame indices to frame_ts[index], V4L2R_TRACE_NO_FRAME to
 * 0. -EINVAL when an index is not below n_frames or the payload is too
 * small. */
int v4l2r_trace_refs_to_timestamps(uint32_t cid, uint8_t *payload,
				   size_t size, const uint64_t *frame_ts,
				   uint32_t n_frames);

/* ---- writer ---- */

struct v4l2r_trace_writer;

/* Creates (truncates) path and writes the file header. */
int v4l2r_trace_writer_open(const char *path, struct v4l2r_trace_writer **out);
/* First record of a trace. */
int v4l2r_trace_write_stream(struct v4l2r_trace_writer *w,
			     const struct v4l2r_trace_stream *stream);
int v4l2r_trace_write_controls(struct v4l2r_trace_writer *w,
			       const struct v4l2r_trace_control *controls,
			       unsigned n);
/* r->refs is computed here from the controls (in frame-index form). A
 * frame index is either one already written or the next new one. */
int v4l2r_trace_write_request(struct v4l2r_trace_writer *w,
			      const struct v4l2r_trace_request *r);
int v4l2r_trace_write_md5(struct v4l2r_trace_writer *w, uint32_t frame,
			  uint32_t fourcc, uint32_t width, uint32_t height,
			  const uint8_t md5[16]);
int v4l2r_trace_write_info(struct v4l2r_trace_writer *w, const char *key,
			   const char *value);
/* Writes the end record and closes. Returns 0 or the first error met by
 * any write. NULL is fine. */
int v4l2r_trace_writer_close(struct v4l2r_trace_writer *w);

/* ---- picture checksums ---- */

/* The MD5 (RFC 1321) of size bytes. */
void v4l2r_md5_sum(const void *data, size_t size, uint8_t out[16]);
/* 32 lower-case hex digits and a NUL. */
const char *v4l2r_md5_hex(const uint8_t md5[16], char out[33]);

/* A picture in canonical form: linear NV12 (8-bit formats) or P010
 * (10-bit), rows without padding, the luma plane then the interleaved
 * chroma plane. This is what trace checksums and raw dumps hold. */
uint32_t v4l2r_picture_canonical_fourcc(const struct v4l2r_format_desc *desc);
/* Bytes of a width x height canonical picture (0 on a bad argument). */
size_t v4l2r_picture_canonical_size(uint32_t fourcc, uint32_t width,
				    uint32_t height);
/* Writes the top-left width x height (clipped to the layout) of a device
 * picture in canonical form into out (untiling as needed). Returns 0 and
 * the canonical fourcc and size used, or -EINVAL. */
int v4l2r_picture_canonical(const struct v4l2r_layout *layout,
			    const uint8_t *const *mem, uint32_t width,
			    uint32_t height, uint8_t *out, size_t out_size,
			    uint32_t *fourcc, uint32_t *out_width,
			    uint32_t *out_height);

/* ---- recording a session ---- */

#define V4L2R_RECORD_MD5 (1u << 0)	/* checksum each decoded picture */

/* Records everything the session is asked to do from now on into path
 * (best started right after v4l2r_session_open). Recording ends with
 * v4l2r_session_record_stop or v4l2r_session_close. Costs nothing while
 * off. Returns 0 or a negative errno (e.g. path not writable). */
int v4l2r_session_record(struct v4l2r_session *s, const char *path,
			 unsigned flags);
/* Records into the file named by environment variable var when it is set
 * and not empty (the n-th session of the process that does so writes
 * "FILE.n" for n >= 2), with checksums. 0 when var is unset. */
int v4l2r_session_record_from_env(struct v4l2r_session *s, const char *var);
/* Writes the end record and closes the file. 0 when not recording. */
int v4l2r_session_record_stop(struct v4l2r_session *s);

#endif
