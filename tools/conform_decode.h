/* conform: decoding a stream with libavcodec, in software or through
 * VA-API (libavcodec's hwaccel), into canonical frames. */
#ifndef CONFORM_DECODE_H
#define CONFORM_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conform_compare.h"

struct conform_decoder;
struct AVFrame;

/* Where frames whose layout is not canonical are converted to. */
struct conform_frame_buffers {
	uint8_t *plane[CONFORM_MAX_PLANES];
	size_t size[CONFORM_MAX_PLANES];
	uint16_t *row;
	size_t row_size;
};

void conform_frame_buffers_free(struct conform_frame_buffers *b);

/* The area (x, y, w, h) of a software frame as a canonical frame:
 * pointing into the AVFrame when its planes are canonical already
 * (yuv420p, yuv420p10le ...), converted into b otherwise (NV12, P010 ...,
 * any format libavutil describes but bitstream, palette and packed RGB
 * ones). Valid while both are. Returns 0, or a negative errno with err
 * saying why. */
int conform_frame_from_av(const struct AVFrame *pixels, unsigned x,
			  unsigned y, unsigned w, unsigned h,
			  struct conform_frame_buffers *b,
			  struct conform_frame *out, char *err, size_t errlen);

struct conform_decode_opts {
	bool vaapi;		/* VA-API hwaccel rather than software */
	const char *render_node;	/* the DRM node VA-API opens */
	/* demuxer to use when probing cannot tell the format, or NULL */
	const char *demuxer;
};

/* Opens path and its first video stream. Returns 0, -ENOTSUP when
 * VA-API cannot decode the stream (no VA-API decoder in libavcodec for
 * the codec), or another negative errno; err says why. */
int conform_decoder_open(struct conform_decoder **d, const char *path,
			 const struct conform_decode_opts *opts, char *err,
			 size_t errlen);

/* The next frame in output order: 1 with *frame filled (valid until the
 * next call or close), 0 at the end of the stream. A packet the decoder
 * refuses is counted (conform_decoder_errors) and decoding goes on, as
 * the ffmpeg program does; a negative errno ends the stream with err
 * saying why (-ENOTSUP: the VA driver refused the stream's profile). */
int conform_decoder_next(struct conform_decoder *d,
			 struct conform_frame *frame, char *err, size_t errlen);

void conform_decoder_close(struct conform_decoder *d);

/* libavcodec's name of the codec ("h264"), and of the stream's profile
 * (or NULL). */
const char *conform_decoder_codec(const struct conform_decoder *d);
const char *conform_decoder_profile(const struct conform_decoder *d);
/* The container's frame count, or 0 when unknown. */
int64_t conform_decoder_frame_estimate(const struct conform_decoder *d);
/* Decoding errors the decoder went on after, and the first of them. */
unsigned conform_decoder_errors(const struct conform_decoder *d);
const char *conform_decoder_first_error(const struct conform_decoder *d);
/* The VA driver's vendor string as libavutil logged it, or "". */
const char *conform_decoder_va_driver(const struct conform_decoder *d);

/* The canonical layout frames of the pixel format named name (libav's
 * name: "yuv420p", "yuv420p10le", "nv12" ...) take. Returns 0, or
 * -EINVAL for a name libavutil does not know or a format conform does
 * not compare. */
int conform_layout_of_format(const char *name, struct conform_layout *l);

/* Whether libavformat opens path and finds a video stream libavcodec can
 * decode. */
bool conform_probe_file(const char *path);

/* Routes libav's log through conform: messages are kept for the
 * decoders' error reports, and printed on stderr up to a level: 0 none,
 * 1 errors and warnings, 2 and more verbose. */
void conform_decode_log_init(int verbosity);

#endif
