/* The trace reader (src/core/trace.c) on any bytes, then what replay does
 * with a trace it read: bind every request's and block's controls to
 * timestamps, and pick the replay's timestamps. */
#include "config.h"

#include <stdlib.h>

#include <linux/videodev2.h>

#include "v4l2r/trace.h"
#include "fuzz.h"
#include "replay.h"

static void bind_all(const struct v4l2r_trace_control *c, unsigned n,
		     const uint64_t *ts, unsigned n_frames)
{
	struct v4l2_ext_control ext[V4L2R_TRACE_MAX_CONTROLS];
	size_t size = v4l2r_trace_controls_scratch(c, n);
	uint8_t *scratch = malloc(size ? size : 1);

	if (scratch && n <= V4L2R_TRACE_MAX_CONTROLS)
		v4l2r_trace_bind_controls(c, n, ts, n_frames, ext, scratch, size);
	free(scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct v4l2r_trace *t;
	char err[256];

	if (v4l2r_trace_parse(data, size, &t, err, sizeof(err)) < 0)
		return 0;
	uint64_t *ts = calloc(t->n_frames + 1, sizeof(*ts));
	if (ts) {
		replay_pick_timestamps(t, false, ts);
		for (unsigned i = 0; i < t->n_requests; i++)
			bind_all(t->requests[i].controls,
				 t->requests[i].n_controls, ts, t->n_frames);
		for (unsigned i = 0; i < t->n_blocks; i++)
			bind_all(t->blocks[i].controls, t->blocks[i].n_controls,
				 ts, t->n_frames);
	}
	free(ts);
	v4l2r_trace_free(t);
	return 0;
}
