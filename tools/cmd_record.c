/* record: decodes a synthetic stream on a device through the core while
 * the core records the session into a trace (the same recording any front
 * end gets). Used to make traces for codecs no front end drives yet. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "v4l2r/discovery.h"
#include "v4l2r/probe.h"
#include "v4l2r/session.h"
#include "v4l2r/trace.h"

#include "replay.h"
#include "synth.h"
#include "tool.h"

#define WAIT_MS 5000

static int find_decoder(const struct v4l2r_codec_desc *desc,
			struct v4l2r_node *node, struct v4l2r_device_caps *caps)
{
	struct v4l2r_node nodes[V4L2R_MAX_DEVICES];
	int n = v4l2r_discover(nodes, V4L2R_MAX_DEVICES);

	for (int i = 0; i < n; i++) {
		int fd = open(nodes[i].video_path,
			      O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		int ret = v4l2r_probe(fd, caps);
		close(fd);
		if (ret == 0 && caps->codec[desc->codec].usable) {
			*node = nodes[i];
			return 0;
		}
	}
	return -1;
}

static int parse_size(const char *arg, uint32_t *w, uint32_t *h)
{
	unsigned a, b;
	char x, extra;

	if (sscanf(arg, "%u%c%u%c", &a, &x, &b, &extra) != 3 || x != 'x' ||
	    a < 16 || b < 16 || a > 4096 || b > 4096)
		return -1;
	*w = a;
	*h = b;
	return 0;
}

static uint32_t pick_capture(struct v4l2r_session *s)
{
	uint32_t fourccs[V4L2R_MAX_CAPTURE_FORMATS], fallback = 0;
	int n = v4l2r_session_capture_formats(s, fourccs,
					      V4L2R_MAX_CAPTURE_FORMATS);

	for (int i = 0; i < n; i++) {
		const struct v4l2r_format_desc *d =
			v4l2r_format_by_v4l2(fourccs[i]);
		if (d && fourccs[i] == V4L2_PIX_FMT_NV12)
			return fourccs[i];
		if (d && !fallback)
			fallback = fourccs[i];
	}
	return fallback;
}

/* Sets the decode mode and start code synth_choose_modes chose, as session
 * controls (recorded like any front end's). */
static int set_modes(struct v4l2r_session *s, const struct synth_stream *st,
		     const struct v4l2r_codec_caps *cc)
{
	const struct v4l2r_codec_desc *d = st->desc;
	struct v4l2_ext_control c[2];
	unsigned n = 0;

	memset(c, 0, sizeof(c));
	if (d->decode_mode_cid && cc->default_decode_mode >= 0) {
		c[n].id = d->decode_mode_cid;
		c[n++].value = st->slice_based ?
			V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED :
			V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED;
	}
	if (d->start_code_cid && cc->default_start_code >= 0) {
		c[n].id = d->start_code_cid;
		c[n++].value = st->annex_b ? V4L2_STATELESS_H264_START_CODE_ANNEX_B :
					     V4L2_STATELESS_H264_START_CODE_NONE;
	}
	return n ? v4l2r_session_set_controls(s, c, n) : 0;
}

static int decode_all(struct v4l2r_session *s, const struct synth_stream *st,
		      bool verbose, unsigned *requests)
{
	struct synth_controls sc;

	if (synth_controls_init(&sc) < 0)
		return -ENOMEM;
	for (unsigned i = 0; i < st->n_frames; i++) {
		const struct synth_picture *p = &st->pics[i];
		for (unsigned sl = 0; sl < st->slices; sl++) {
			struct v4l2r_request *r;
			size_t cap;
			int ret = v4l2r_request_acquire(s, WAIT_MS, &r);
			if (ret < 0) {
				synth_controls_free(&sc);
				return ret;
			}
			uint8_t *data = v4l2r_request_data(r, &cap);
			size_t bytes = synth_bitstream(st, i, sl, data, cap);
			synth_fill(st, i, sl, &sc);
			ret = v4l2r_request_set_controls(r, sc.ctrl, sc.n, NULL);
			if (ret < 0) {
				v4l2r_request_release(r);
				synth_controls_free(&sc);
				return ret;
			}
			ret = v4l2r_request_queue(
				r, p->capture, p->timestamp_ns, bytes,
				sl + 1 < st->slices ? V4L2R_QUEUE_HOLD_CAPTURE : 0);
			if (ret < 0) {
				synth_controls_free(&sc);
				return ret;
			}
			(*requests)++;
		}
		enum v4l2r_result res =
			v4l2r_session_wait_capture(s, p->capture, WAIT_MS);
		if (verbose)
			printf("frame %u: %c picture %u, capture %u, timestamp "
			       "%llu: %s\n", i, p->type, p->display, p->capture,
			       (unsigned long long)p->timestamp_ns,
			       v4l2r_result_str(res));
		if (res != V4L2R_DONE) {
			fprintf(stderr, "%s record: frame %u: %s\n", TOOL_NAME,
				i, v4l2r_result_str(res));
			synth_controls_free(&sc);
			return -EIO;
		}
	}
	synth_controls_free(&sc);
	return 0;
}

static int record_run(const struct tool_cmd *cmd, int argc, char **argv)
{
	static const struct option options[] = {
		{ "synthetic", required_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "frames", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "slices", required_argument, NULL, 'l' },
		TOOL_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const struct v4l2r_codec_desc *desc = NULL;
	const char *out = NULL;
	unsigned frames = 10, slices = 1, requests = 0;
	uint32_t width = 320, height = 240;
	bool verbose = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORT_OPTIONS "o:",
				  options, NULL)) != -1) {
		switch (opt) {
		case 'S':
			desc = v4l2r_codec_by_name(optarg);
			if (!desc || !desc->compiled) {
				fprintf(stderr, "%s record: unknown or not "
					"compiled codec '%s'\n", TOOL_NAME,
					optarg);
				return TOOL_EXIT_USAGE;
			}
			if (!synth_supports(desc->codec)) {
				fprintf(stderr, "%s record: no synthetic %s "
					"stream: --synthetic takes %s\n",
					TOOL_NAME, desc->name,
					SYNTH_CODECS_TEXT);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'o': out = optarg; break;
		case 'n':
			if (tool_parse_count(cmd->name, "--frames", optarg,
					     SYNTH_MAX_FRAMES, &frames) < 0)
				return TOOL_EXIT_USAGE;
			break;
		case 'l':
			if (tool_parse_count(cmd->name, "--slices", optarg, 16,
					     &slices) < 0)
				return TOOL_EXIT_USAGE;
			break;
		case 's':
			if (parse_size(optarg, &width, &height) < 0) {
				fprintf(stderr, "%s record: --size is WxH, 16 "
					"to 4096\n", TOOL_NAME);
				return TOOL_EXIT_USAGE;
			}
			break;
		default:
			/* -v also raises the log level */
			if (opt == 'v')
				verbose = true;
			if ((ret = tool_common_option(cmd, opt, optarg)) >= 0)
				return ret;
		}
	}
	ret = tool_no_operands(cmd, argc, argv);
	if (ret >= 0)
		return ret;
	if (!desc || !out) {
		fprintf(stderr, "%s record: --synthetic CODEC and -o TRACE are "
			"needed\nTry '%s record --help'.\n", TOOL_NAME,
			TOOL_NAME);
		return TOOL_EXIT_USAGE;
	}

	struct v4l2r_node node;
	struct v4l2r_device_caps caps;
	if (find_decoder(desc, &node, &caps) < 0) {
		fprintf(stderr, "%s record: no decoder found that can decode "
			"%s\n", TOOL_NAME, desc->name);
		return TOOL_EXIT_FAIL;
	}
	struct synth_stream *st = malloc(sizeof(*st));
	if (!st || synth_plan(st, desc, width, height, frames, slices) < 0) {
		fprintf(stderr, "%s record: cannot plan the stream\n",
			TOOL_NAME);
		free(st);
		return TOOL_EXIT_FAIL;
	}
	/* Before opening the session, so that no trace is started. */
	const char *why = synth_choose_modes(st, &caps.codec[desc->codec]);
	if (why) {
		fprintf(stderr, "%s record: %s (%s): %s\n", TOOL_NAME,
			node.video_path, caps.driver, why);
		free(st);
		return TOOL_EXIT_FAIL;
	}

	struct v4l2r_session *s = NULL;
	struct v4l2r_layout layout;
	const char *step = "opening the device";
	ret = v4l2r_session_open(&node, &s);
	if (!ret) {
		step = "starting the recording";
		ret = v4l2r_session_record(s, out, V4L2R_RECORD_MD5);
	}
	if (!ret) {
		step = "setting the OUTPUT format";
		ret = v4l2r_session_set_output_format(s, desc->coded_fourcc,
						      width, height,
						      256 * 1024);
	}
	if (!ret) {
		step = "setting the decode mode and start code";
		ret = set_modes(s, st, &caps.codec[desc->codec]);
	}
	if (!ret) {
		step = "setting the capture format";
		uint32_t fourcc = pick_capture(s);
		ret = fourcc ? v4l2r_session_set_capture_format(s, fourcc,
								&layout) :
			       -ENOTSUP;
	}
	if (!ret) {
		step = "allocating buffers";
		ret = v4l2r_session_alloc_buffers(s, 4, st->n_capture);
	}
	if (!ret) {
		step = "decoding";
		ret = v4l2r_session_start(s);
	}
	if (!ret)
		ret = decode_all(s, st, verbose, &requests);
	int rec = s ? v4l2r_session_record_stop(s) : 0;
	v4l2r_session_close(s);
	if (ret < 0 || rec < 0) {
		fprintf(stderr, "%s record: %s failed: %s\n", TOOL_NAME,
			ret < 0 ? step : "writing the trace",
			strerror(ret < 0 ? -ret : -rec));
		free(st);
		return TOOL_EXIT_FAIL;
	}
	printf("recorded %u frames (%u requests) of a synthetic %s %ux%u "
	       "stream%s on %s into %s\n", st->n_frames, requests, desc->name,
	       width, height, st->slice_based ? " (slice-based)" : "",
	       node.video_path, out);
	free(st);
	return TOOL_EXIT_OK;
}

const struct tool_cmd tool_cmd_record = {
	.name = "record",
	.synopsis = "--synthetic CODEC -o TRACE",
	.summary = "Decode a synthetic stream on a device and record the "
		   "session into a trace.",
	.options_help =
		"      --synthetic CODEC  " SYNTH_CODECS_TEXT ": generated\n"
		"                      controls and placeholder bitstream (a real\n"
		"                      decoder decodes garbage; visl shows its pattern)\n"
		"  -o, --output TRACE  the trace file to write\n"
		"      --frames N      pictures (default 10)\n"
		"      --size WxH      picture size (default 320x240)\n"
		"      --slices N      requests per picture, with hold-capture\n"
		"                      (slice-based decoding; default 1)\n",
	.run = record_run,
};
