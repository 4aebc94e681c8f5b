/* Synthetic decode sessions: plausible controls for a small group of
 * pictures (I, P and, where the codec has them, B pictures referencing
 * their anchors) and a placeholder bitstream. Enough for a device that
 * checks controls but not pixels (visl) and for recording traces that
 * exercise every reference field; a real decoder would decode garbage. */
#ifndef TOOL_SYNTH_H
#define TOOL_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "v4l2r/codec.h"
#include "v4l2r/probe.h"

#define SYNTH_MAX_FRAMES 1024
#define SYNTH_MAX_CONTROLS 6

struct synth_picture {
	unsigned display;	/* display order */
	char type;		/* 'I', 'P' or 'B' */
	int past, future;	/* decode indices of its references, -1: none */
	int golden;		/* VP8/VP9: the key frame it also references */
	unsigned last_use;	/* last decode index referencing it */
	uint64_t timestamp_ns;
	unsigned capture;	/* capture buffer */
	unsigned ref_count;	/* reference pictures decoded before it */
};

struct synth_stream {
	const struct v4l2r_codec_desc *desc;
	uint32_t width, height;
	unsigned n_frames, slices;
	bool slice_based, annex_b;
	unsigned n_capture;	/* capture buffers the plan uses */
	struct synth_picture pics[SYNTH_MAX_FRAMES];	/* decode order */
};

/* Whether synth_fill can make controls for the codec (AV1 not yet), and
 * those codecs' names for messages. */
#define SYNTH_CODECS_TEXT "mpeg2, h264, hevc, vp8 or vp9"
bool synth_supports(enum v4l2r_codec codec);

/* Plans n_frames pictures: types, references, timestamps and capture
 * buffers (never overwriting a picture still referenced). 0 or -1. */
int synth_plan(struct synth_stream *st, const struct v4l2r_codec_desc *desc,
	       uint32_t width, uint32_t height, unsigned n_frames,
	       unsigned slices);

/* Decides how a planned stream is sent on a device with these codec caps:
 * slice_based (H.264, HEVC: frame-based when offered and each picture is
 * one request) and annex_b (when offered). Returns NULL, or why the device
 * cannot take the stream as planned (several slices per picture without
 * hold-capture or slice-based decoding). */
const char *synth_choose_modes(struct synth_stream *st,
			       const struct v4l2r_codec_caps *cc);

/* Storage for one request's controls. */
struct synth_controls {
	struct v4l2_ext_control *ctrl;	/* SYNTH_MAX_CONTROLS entries */
	unsigned n;
	void *storage;			/* owned by synth_controls_* */
};

int synth_controls_init(struct synth_controls *c);
void synth_controls_free(struct synth_controls *c);

/* Fills the controls of slice `slice` of picture `index`; references are
 * the planned pictures' timestamps. */
void synth_fill(const struct synth_stream *st, unsigned index, unsigned slice,
		struct synth_controls *c);
/* Writes a placeholder bitstream for that slice; returns its size (0 when
 * capacity is too small). */
size_t synth_bitstream(const struct synth_stream *st, unsigned index,
		       unsigned slice, uint8_t *data, size_t capacity);

#endif
