/* check: what the test areas of `v4l2-request-test check` share. Each area
 * lives in a check_<area>.c file; check_common.c holds the reporter and the
 * raw device plumbing the areas use, check_picture.c the per-codec controls
 * and bitstream of one valid intra picture. (Not "check.h": with tools/ on
 * a unit test's include path it would hide the check framework's.) */
#ifndef TOOL_CHECK_COMMON_H
#define TOOL_CHECK_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/videodev2.h>

#include "v4l2r/codec.h"
#include "v4l2r/discovery.h"
#include "v4l2r/probe.h"

/* The picture every check decodes: a size every decoder of the uAPI takes
 * (a multiple of 16 and of the HEVC minimum coding block). */
#define CHECK_WIDTH 320
#define CHECK_HEIGHT 240
/* How long a request may take before a check gives up on it. */
#define CHECK_TIMEOUT_MS 3000

enum check_status { CHECK_OK, CHECK_FAIL, CHECK_WARN, CHECK_SKIP };

struct check_ctx {
	struct v4l2r_node node;
	/* What the core's probe read from the device (valid when probed). */
	struct v4l2r_device_caps caps;
	bool probed;
	/* --codec: only this codec's tests, NULL for all. */
	const struct v4l2r_codec_desc *only;
	const char *area;
	unsigned passed, failed, skipped, warnings;
};

/* ---- reporting (check_common.c) ---- */

void check_area(struct check_ctx *c, const char *area);
/* One line, "test AREA/NAME: STATUS (reason)". fmt may be NULL (no reason);
 * a reason given with CHECK_OK is printed as a note. */
void check_report(struct check_ctx *c, const char *name,
		  enum check_status status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "CODEC-NAME" into buf, the name of a codec-specific test. */
const char *check_name(char *buf, size_t size,
		       const struct v4l2r_codec_desc *desc, const char *name);

/* The codecs the checks cover: listed by the device, selected by --codec.
 * Iterate with `for (d = check_codec_next(c, NULL); d; d = check_codec_next(c, d))`. */
const struct v4l2r_codec_desc *
check_codec_next(const struct check_ctx *c, const struct v4l2r_codec_desc *prev);
/* The codec to run the device-level request checks with (the --codec one,
 * else the first usable codec), or NULL. */
const struct v4l2r_codec_desc *check_request_codec(const struct check_ctx *c);
const struct v4l2r_codec_caps *check_codec_caps(const struct check_ctx *c,
						const struct v4l2r_codec_desc *d);
/* Whether the area has codecs to check; when not, says so with one SKIP
 * line named after the --codec codec (or "codecs"). */
bool check_codecs_listed(struct check_ctx *c);

/* The last message the core library logged (errors and warnings), for
 * failure reasons; empty when none since check_log_clear. */
const char *check_log_last(void);
void check_log_clear(void);
/* Routes the core's messages to check_log_last (and to stderr when
 * verbose). */
void check_log_capture(int verbose);

/* ---- raw device access (check_common.c) ---- */

/* ioctl retried on EINTR: 0 (or the ioctl's positive result) or -errno. */
int check_ioctl(int fd, unsigned long request, void *arg);
const char *check_errno_name(int err);	/* "EBUSY" for EBUSY or -EBUSY */
int check_open_video(const struct check_ctx *c);	/* fd or -errno */
int check_open_media(const struct check_ctx *c);	/* fd or -errno */

#define CHECK_MAX_BUFFERS 8

/* A decoder instance driven with raw ioctls, set up for one picture's
 * codec and size, MMAP buffers on both queues. */
struct check_dev {
	int video_fd, media_fd;
	bool mplane;
	enum v4l2_buf_type out_type, cap_type;
	unsigned n_out, n_cap;
	unsigned cap_planes;
	uint8_t *out_mem[CHECK_MAX_BUFFERS];
	size_t out_len[CHECK_MAX_BUFFERS];
	bool streaming;
};

struct check_picture;

/* Opens the node, sets the picture's formats and context controls,
 * allocates n_out OUTPUT and n_cap CAPTURE buffers and, when stream is true,
 * starts both queues. On failure returns -errno with the reason in why. */
int check_dev_open(const struct check_ctx *c, const struct check_picture *pic,
		   unsigned n_out, unsigned n_cap, bool stream,
		   struct check_dev *d, char *why, size_t why_size);
void check_dev_close(struct check_dev *d);
int check_dev_stream(struct check_dev *d, enum v4l2_buf_type type, bool on);
/* Copies the picture's bitstream into OUTPUT buffer index and queues it,
 * in request_fd when >= 0. */
int check_dev_queue_output(struct check_dev *d, unsigned index,
			   int request_fd, uint64_t timestamp_us,
			   const struct check_picture *pic, uint32_t flags);
int check_dev_queue_capture(struct check_dev *d, unsigned index);
/* DQBUF, waiting up to timeout_ms for a buffer. */
int check_dev_dequeue(struct check_dev *d, enum v4l2_buf_type type,
		      int timeout_ms, struct v4l2_buffer *buf);
int check_dev_querybuf(struct check_dev *d, enum v4l2_buf_type type,
		       unsigned index, struct v4l2_buffer *buf);

/* Media requests. */
int check_request_alloc(int media_fd);	/* fd or -errno */
int check_request_queue(int request_fd);
int check_request_reinit(int request_fd);
/* 1 when the request completed within timeout_ms, 0 when not, -errno. */
int check_request_wait(int request_fd, int timeout_ms);

/* S_EXT_CTRLS (which: V4L2_CTRL_WHICH_CUR_VAL or _REQUEST_VAL); error_idx
 * may be NULL. */
int check_set_controls(int video_fd, uint32_t which, int request_fd,
		       struct v4l2_ext_control *ctrls, unsigned count,
		       uint32_t *error_idx);
int check_get_controls(int video_fd, uint32_t which, int request_fd,
		       struct v4l2_ext_control *ctrls, unsigned count);

/* ---- one valid intra picture per codec (check_picture.c) ---- */

#define CHECK_MAX_CONTROLS 6
#define CHECK_MAX_BITSTREAM 2048

struct check_picture {
	const struct v4l2r_codec_desc *desc;
	uint32_t width, height;
	/* Controls of the decoding context, set outside requests: decode
	 * mode and start code where the codec has them. */
	struct v4l2_ext_control context[2];
	unsigned n_context;
	/* The picture's controls, in the order of the codec table. */
	struct v4l2_ext_control ctrl[CHECK_MAX_CONTROLS];
	unsigned n_ctrl;
	uint8_t bitstream[CHECK_MAX_BITSTREAM];
	size_t bitstream_size;
	/* true when the bitstream is a real, decodable picture; false when it
	 * only has well-formed headers (a hardware decoder may flag it). */
	bool decodable;
	bool slice_based;
	void *payload;		/* what ctrl[].ptr point into */
};

/* Fills pic for codec d as the device described by caps offers it
 * (decode mode and start code from the device's defaults, optional
 * controls the device has). Returns 0 or -ENOMEM / -ENOTSUP (a codec this
 * build cannot describe). */
int check_picture_init(struct check_picture *pic,
		       const struct v4l2r_codec_desc *d,
		       const struct v4l2r_codec_caps *caps);
void check_picture_fini(struct check_picture *pic);
/* Gives one control an invalid value (one the control framework's
 * validation refuses) and returns its index in pic->ctrl; *what says which
 * field. */
int check_picture_break(struct check_picture *pic, const char **what);
/* Changes ctrl[0] to another valid value (a field that barely matters to
 * decoding), for checks that must tell two values of a control apart. */
void check_picture_vary(struct check_picture *pic);

/* ---- the areas ---- */

void check_topology(struct check_ctx *c);
void check_formats(struct check_ctx *c);
void check_controls(struct check_ctx *c);
void check_buffers(struct check_ctx *c);
void check_requests(struct check_ctx *c);
void check_decode(struct check_ctx *c);

#endif
