/* The replay engine shared by the replay and bench subcommands: drives a
 * trace through the core on one device, keeping up to depth requests in
 * flight and a capture buffer for every frame still referenced. */
#ifndef TOOL_REPLAY_H
#define TOOL_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "v4l2r/discovery.h"
#include "v4l2r/probe.h"
#include "v4l2r/session.h"
#include "v4l2r/trace.h"

struct replay_device {
	struct v4l2r_node node;
	struct v4l2r_device_caps caps;
	const struct v4l2r_codec_desc *desc;
};

/* One frame once it is finished (reported in frame order). */
struct replay_frame {
	unsigned index;
	enum v4l2r_result result;
	uint64_t timestamp_ns;	/* the one used in this replay */
	unsigned capture_index;
	unsigned n_requests;
	double queued_ms;	/* first request queued, since the start */
	double done_ms;		/* completion seen */
	/* Time spent inside v4l2r_request_queue for its requests: about the
	 * job's length when the driver ran it inside the queueing ioctl. */
	double queue_call_ms;
	bool has_md5;
	uint8_t md5[16];
	uint32_t md5_fourcc, md5_width, md5_height;
};

enum replay_dump { REPLAY_DUMP_NONE, REPLAY_DUMP_RAW, REPLAY_DUMP_Y4M };

struct replay_options {
	/* Requests in flight, at least 1. 1 is strictly serial (queue a
	 * frame, wait for it, report it); deeper, a second thread queues
	 * while the caller's thread waits, reports and calls the callbacks
	 * (always from that one thread, in frame order). */
	unsigned depth;
	bool md5;
	FILE *dump;
	enum replay_dump dump_format;
	bool index_timestamps;	/* (frame + 1) ms instead of the recorded */
	int timeout_ms;
	void (*on_frame)(void *opaque, const struct replay_frame *f);
	void (*on_progress)(void *opaque, unsigned done, unsigned total);
	void *opaque;
};

struct replay_stats {
	unsigned frames, requests;
	unsigned done, failed;	/* frames */
	double wall_ms;		/* first queue to last completion */
	double user_ms, sys_ms;	/* CPU time over the same span */
	unsigned n_output, n_capture;	/* buffers the device gave */
	/* Requests handed to the device and not yet seen finished, right
	 * after each queue: the largest and the mean. */
	unsigned max_in_flight;
	double mean_in_flight;
	uint32_t capture_fourcc;
	bool recorded_timestamps;	/* false: (frame + 1) ms were used */
};

/* Finds a decoder for the trace (honouring -d/-m through the
 * environment). Returns 0, or -1 with the reason in why. */
int replay_pick_device(const struct v4l2r_trace *t, struct replay_device *dev,
		       char *why, size_t why_size);

/* Fills ts[] (n_frames entries) with the timestamps a replay uses: the
 * recorded ones when they can serve (non-zero, whole microseconds, all
 * distinct), which it returns true for; else (frame + 1) ms. index_only
 * asks for the latter. */
bool replay_pick_timestamps(const struct v4l2r_trace *t, bool index_only,
			    uint64_t *ts);

/* Replays the whole trace once. Returns 0 when it ran to the end (frames
 * may still have failed: see stats), -1 on a setup or device error with
 * the reason in why. */
int replay_run(const struct v4l2r_trace *t, const struct replay_device *dev,
	       const struct replay_options *o, struct replay_stats *stats,
	       char *why, size_t why_size);

/* Capture buffers a replay at depth needs. */
unsigned replay_captures_needed(const struct v4l2r_trace *t, unsigned depth);

/* Helpers of the replay and bench subcommands (cmd_replay.c). */
struct tool_cmd;
int tool_parse_count(const char *cmd, const char *option, const char *arg,
		     unsigned max, unsigned *out);
/* The trace named by the one operand left after the options, or NULL
 * after saying why (exit status in *status). */
struct v4l2r_trace *tool_load_trace(const struct tool_cmd *cmd, int argc,
				    char **argv, int *status);
void tool_describe_trace(const char *path, const struct v4l2r_trace *t,
			 FILE *f);

#endif
