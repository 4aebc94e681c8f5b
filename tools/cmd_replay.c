/* replay: decodes a trace on a device through the core alone, with
 * per-frame status, time and checksums, optionally dumping the pictures. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/codec.h"

#include "replay.h"
#include "tool.h"

struct replay_report {
	const struct v4l2r_trace *t;
	FILE *out;		/* stderr when the pictures go to stdout */
	bool verbose, md5;
	unsigned match, differ, unexpected;
	unsigned first_bad;
	bool any_bad;
};

static const char *fourcc_name(uint32_t fourcc)
{
	return fourcc == V4L2_PIX_FMT_P010 ? "P010" : "NV12";
}

static void on_frame(void *opaque, const struct replay_frame *f)
{
	struct replay_report *rep = opaque;
	const struct v4l2r_trace_frame *tf = &rep->t->frames[f->index];
	char hex[33], want[33];
	const char *verdict = "";

	if (rep->md5 && f->has_md5) {
		if (!tf->has_md5) {
			rep->unexpected++;
		} else if (tf->md5_fourcc != f->md5_fourcc ||
			   tf->md5_width != f->md5_width ||
			   tf->md5_height != f->md5_height) {
			rep->differ++;
			verdict = "not comparable";
			fprintf(stderr, "%s replay: frame %u: the trace's checksum is "
				"of a %s %ux%u picture, this one is %s %ux%u\n",
				TOOL_NAME, f->index, fourcc_name(tf->md5_fourcc),
				tf->md5_width, tf->md5_height,
				fourcc_name(f->md5_fourcc), f->md5_width,
				f->md5_height);
		} else if (memcmp(tf->md5, f->md5, 16) != 0) {
			rep->differ++;
			verdict = "DIFFERS";
			fprintf(stderr, "%s replay: frame %u: md5 %s differs from "
				"the trace's %s\n", TOOL_NAME, f->index,
				v4l2r_md5_hex(f->md5, hex),
				v4l2r_md5_hex(tf->md5, want));
		} else {
			rep->match++;
			verdict = "matches";
		}
		if (*verdict && *verdict != 'm' && !rep->any_bad) {
			rep->any_bad = true;
			rep->first_bad = f->index;
		}
	}
	if (rep->verbose) {
		fprintf(rep->out, "frame %u: %s, %u request%s, capture %u, "
			"timestamp %llu, queued at %.3f ms, done after %.3f ms",
			f->index, v4l2r_result_str(f->result), f->n_requests,
			f->n_requests == 1 ? "" : "s", f->capture_index,
			(unsigned long long)f->timestamp_ns, f->queued_ms,
			f->done_ms - f->queued_ms);
		if (f->has_md5)
			fprintf(rep->out, ", md5 %s%s%s",
				v4l2r_md5_hex(f->md5, hex), *verdict ? " " : "",
				verdict);
		fputc('\n', rep->out);
	} else if (rep->md5) {
		if (f->has_md5)
			fprintf(rep->out, "frame %u: %s\n", f->index,
				v4l2r_md5_hex(f->md5, hex));
		else
			fprintf(rep->out, "frame %u: - (%s)\n", f->index,
				v4l2r_result_str(f->result));
	}
	if (f->result != V4L2R_DONE)
		fprintf(stderr, "%s replay: frame %u: %s\n", TOOL_NAME, f->index,
			v4l2r_result_str(f->result));
}

/* "y4m" or "raw" from the option or the file name. */
static int dump_format(const char *path, const char *format)
{
	const char *dot = strrchr(path, '.');

	if (format)
		return strcmp(format, "y4m") == 0 ? REPLAY_DUMP_Y4M :
		       strcmp(format, "raw") == 0 ? REPLAY_DUMP_RAW : -1;
	return dot && strcmp(dot, ".y4m") == 0 ? REPLAY_DUMP_Y4M :
						 REPLAY_DUMP_RAW;
}

/* A count option (1..max). */
int tool_parse_count(const char *cmd, const char *option, const char *arg,
		     unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > max) {
		fprintf(stderr, "%s %s: %s wants a number from 1 to %u, not '%s'\n",
			TOOL_NAME, cmd, option, max, arg);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* Loads the trace named by the one operand. Returns NULL after saying
 * why (status in *status). */
struct v4l2r_trace *tool_load_trace(const struct tool_cmd *cmd, int argc,
				    char **argv, int *status)
{
	struct v4l2r_trace *t;
	char error[256];

	if (optind + 1 != argc) {
		fprintf(stderr, "%s %s: %s\nTry '%s %s --help'.\n", TOOL_NAME,
			cmd->name, optind >= argc ? "no trace file given" :
						    "one trace file only",
			TOOL_NAME, cmd->name);
		*status = TOOL_EXIT_USAGE;
		return NULL;
	}
	if (v4l2r_trace_load(argv[optind], &t, error, sizeof(error)) < 0) {
		fprintf(stderr, "%s %s: %s: %s\n", TOOL_NAME, cmd->name,
			argv[optind], error);
		*status = TOOL_EXIT_FAIL;
		return NULL;
	}
	return t;
}

static const char *trace_info(const struct v4l2r_trace *t, const char *key)
{
	size_t n = strlen(key);

	for (unsigned i = 0; i < t->n_info; i++)
		if (strncmp(t->info[i], key, n) == 0 && t->info[i][n] == '=')
			return t->info[i] + n + 1;
	return NULL;
}

void tool_describe_trace(const char *path, const struct v4l2r_trace *t,
			 FILE *f)
{
	const struct v4l2r_codec_desc *d =
		v4l2r_codec_by_fourcc(t->stream.coded_fourcc);
	const char *driver = trace_info(t, "driver");
	unsigned md5s = 0;

	for (unsigned i = 0; i < t->n_frames; i++)
		md5s += t->frames[i].has_md5;
	fprintf(f, "trace %s: %s %ux%u, %u frames in %u requests, %u with a "
		"checksum%s%s%s\n", path, d ? d->name : "?", t->stream.width,
		t->stream.height, t->n_frames, t->n_requests, md5s,
		driver ? ", recorded on " : "", driver ? driver : "",
		t->skipped_records ? " (records of unknown types skipped)" : "");
}

static int replay_cmd_run(const struct tool_cmd *cmd, int argc, char **argv)
{
	static const struct option options[] = {
		{ "dump", required_argument, NULL, 'o' },
		{ "dump-format", required_argument, NULL, 'F' },
		{ "md5", no_argument, NULL, '5' },
		{ "depth", required_argument, NULL, 'D' },
		{ "timestamps", required_argument, NULL, 'T' },
		{ "timeout", required_argument, NULL, 't' },
		TOOL_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct replay_options o = { .depth = 1, .timeout_ms = 5000 };
	struct replay_report rep = { 0 };
	const char *dump_path = NULL, *format = NULL;
	unsigned timeout = 5000;
	int opt, ret, status = TOOL_EXIT_OK;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORT_OPTIONS,
				  options, NULL)) != -1) {
		switch (opt) {
		case 'o': dump_path = optarg; break;
		case 'F': format = optarg; break;
		case '5': o.md5 = true; break;
		case 'D':
			if (tool_parse_count(cmd->name, "--depth", optarg, 32,
					     &o.depth) < 0)
				return TOOL_EXIT_USAGE;
			break;
		case 't':
			if (tool_parse_count(cmd->name, "--timeout", optarg,
					     600000, &timeout) < 0)
				return TOOL_EXIT_USAGE;
			o.timeout_ms = (int)timeout;
			break;
		case 'T':
			if (strcmp(optarg, "index") == 0) {
				o.index_timestamps = true;
			} else if (strcmp(optarg, "recorded") != 0) {
				fprintf(stderr, "%s replay: --timestamps is "
					"'recorded' or 'index'\n", TOOL_NAME);
				return TOOL_EXIT_USAGE;
			}
			break;
		default:
			/* -v also raises the log level */
			if (opt == 'v')
				rep.verbose = true;
			if ((ret = tool_common_option(cmd, opt, optarg)) >= 0)
				return ret;
		}
	}
	if (format && !dump_path) {
		/* Ignoring it would hide a mistake (a forgotten --dump). */
		fprintf(stderr, "%s replay: --dump-format needs --dump FILE\n"
			"Try '%s replay --help'.\n", TOOL_NAME, TOOL_NAME);
		return TOOL_EXIT_USAGE;
	}
	if (dump_path) {
		int f = dump_format(dump_path, format);
		if (f < 0) {
			fprintf(stderr, "%s replay: --dump-format is 'y4m' or "
				"'raw', not '%s'\n", TOOL_NAME, format);
			return TOOL_EXIT_USAGE;
		}
		o.dump_format = (enum replay_dump)f;
	}
	struct v4l2r_trace *t = tool_load_trace(cmd, argc, argv, &status);
	if (!t)
		return status;
	rep.out = dump_path && strcmp(dump_path, "-") == 0 ? stderr : stdout;
	tool_describe_trace(argv[optind], t, rep.out);

	struct replay_device dev;
	struct replay_stats st;
	char why[300];
	if (replay_pick_device(t, &dev, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s replay: %s\n", TOOL_NAME, why);
		v4l2r_trace_free(t);
		return TOOL_EXIT_FAIL;
	}
	if (dump_path) {
		o.dump = strcmp(dump_path, "-") == 0 ? stdout :
						      fopen(dump_path, "wbe");
		if (!o.dump) {
			fprintf(stderr, "%s replay: cannot write %s: %s\n",
				TOOL_NAME, dump_path, strerror(errno));
			v4l2r_trace_free(t);
			return TOOL_EXIT_FAIL;
		}
	}
	rep.t = t;
	rep.md5 = o.md5;
	o.on_frame = on_frame;
	o.opaque = &rep;
	ret = replay_run(t, &dev, &o, &st, why, sizeof(why));
	if (o.dump && o.dump != stdout && fclose(o.dump) != 0) {
		fprintf(stderr, "%s replay: writing %s failed: %s\n", TOOL_NAME,
			dump_path, strerror(errno));
		status = TOOL_EXIT_FAIL;
	}
	if (ret < 0) {
		fprintf(stderr, "%s replay: %s\n", TOOL_NAME, why);
		v4l2r_trace_free(t);
		return TOOL_EXIT_FAIL;
	}
	char name[8];
	fprintf(rep.out, "replayed on %s (%s), %s capture, depth %u, %s "
		"timestamps: %u frames done, %u failed, %.1f fps\n",
		dev.node.video_path, dev.caps.driver,
		v4l2r_fourcc_str(st.capture_fourcc, name), o.depth,
		st.recorded_timestamps ? "recorded" : "frame-index", st.done,
		st.failed,
		st.wall_ms > 0 ? st.frames * 1000.0 / st.wall_ms : 0.0);
	if (o.md5)
		fprintf(rep.out, "md5: %u match the trace, %u differ, %u "
			"without an expected checksum\n", rep.match,
			rep.differ, rep.unexpected);
	if (rep.any_bad)
		fprintf(stderr, "%s replay: checksums differ from the trace, "
			"first at frame %u\n", TOOL_NAME, rep.first_bad);
	if (st.failed || rep.any_bad)
		status = TOOL_EXIT_FAIL;
	v4l2r_trace_free(t);
	return status;
}

const struct tool_cmd tool_cmd_replay = {
	.name = "replay",
	.synopsis = "TRACE",
	.summary = "Decode a recorded trace on a device (no parser, no libva).",
	.options_help =
		"      --md5           print each frame's MD5 (canonical NV12/P010)\n"
		"                      and compare it with the trace's\n"
		"      --dump FILE     write the pictures (FILE.y4m: Y4M, else raw\n"
		"                      canonical NV12/P010; '-': stdout)\n"
		"      --dump-format y4m|raw\n"
		"                      the --dump file's format, whatever its name\n"
		"      --depth N       requests kept in flight (default 1)\n"
		"      --timestamps recorded|index\n"
		"                      buffer timestamps: the trace's (default, when\n"
		"                      usable) or (frame index + 1) milliseconds\n"
		"      --timeout MS    wait at most this for the device (5000)\n",
	.run = replay_cmd_run,
};
