/* bench: replays a trace at one or more depths and measures throughput,
 * queue-to-completion latency, CPU time per frame and how many requests
 * were really in flight.
 *
 * The device limit is given two ways: the nominal one (--limit-fps, or
 * 1000 / visl_transtime_ms on visl), and the measured one, 1000 over the
 * median queue-to-completion latency at depth 1, where each job has the
 * device to itself: what one job really takes, seen from here (visl sleeps
 * usleep_range(T, 2T), on an idle system close to 2T). */
#include "config.h"

#include <errno.h>
#include <math.h>	/* isfinite */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "v4l2r/codec.h"

#include "json.h"
#include "replay.h"
#include "tool.h"

#define MAX_DEPTHS 8

/* What the progress line and the latency collection share. */
struct bench_run {
	double *latency;	/* ms, one per frame of every run */
	double *in_call;	/* ms inside v4l2r_request_queue, likewise */
	size_t n_latency, cap_latency;
	unsigned failed;
	bool progress;
	unsigned depth, run, runs;
	double last_progress;
};

struct bench_result {
	unsigned depth, runs, frames, failed;
	double fps, median_ms, p99_ms, mean_ms;
	double in_call_median_ms;
	double user_ms_per_frame, sys_ms_per_frame;
	unsigned max_in_flight;
	double mean_in_flight;
};

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_frame(void *opaque, const struct replay_frame *f)
{
	struct bench_run *b = opaque;

	if (f->result != V4L2R_DONE) {
		b->failed++;
		return;
	}
	if (b->n_latency == b->cap_latency) {
		size_t n = b->cap_latency ? 2 * b->cap_latency : 256;
		double *p = realloc(b->latency, n * sizeof(*p));
		if (!p)
			return;
		b->latency = p;
		p = realloc(b->in_call, n * sizeof(*p));
		if (!p)
			return;
		b->in_call = p;
		b->cap_latency = n;
	}
	b->in_call[b->n_latency] = f->queue_call_ms;
	b->latency[b->n_latency++] = f->done_ms - f->queued_ms;
}

static void on_progress(void *opaque, unsigned done, unsigned total)
{
	struct bench_run *b = opaque;
	double now = mono_ms();

	if (!b->progress || (now - b->last_progress < 100 && done < total))
		return;
	b->last_progress = now;
	if (b->run)
		fprintf(stderr, "\rdepth %u, run %u/%u: frame %u/%u ",
			b->depth, b->run, b->runs, done, total);
	else
		fprintf(stderr, "\rdepth %u, warming up: frame %u/%u ",
			b->depth, done, total);
	fflush(stderr);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values. */
static double percentile(const double *v, size_t n, unsigned p)
{
	if (!n)
		return 0;
	size_t rank = (p * n + 99) / 100;
	return v[rank ? rank - 1 : 0];
}

static int bench_depth(const struct v4l2r_trace *t,
		       const struct replay_device *dev, unsigned depth,
		       unsigned runs, unsigned warmup, int timeout_ms,
		       bool md5, bool progress,
		       struct bench_result *res, char *why, size_t why_size)
{
	struct bench_run b = { .progress = progress, .depth = depth,
			       .runs = runs };
	struct replay_options o = {
		.depth = depth, .timeout_ms = timeout_ms, .md5 = md5,
		.on_frame = on_frame, .on_progress = on_progress, .opaque = &b,
	};
	double wall = 0, user = 0, sys = 0, in_flight = 0;
	unsigned frames = 0;

	memset(res, 0, sizeof(*res));
	/* Unmeasured runs first: caches, page tables, an emulator's
	 * translated code. */
	for (unsigned r = 0; r < warmup; r++) {
		struct replay_stats st;
		b.run = 0;
		if (replay_run(t, dev, &o, &st, why, why_size) < 0) {
			free(b.latency);
			free(b.in_call);
			return -1;
		}
	}
	b.n_latency = 0;
	b.failed = 0;
	for (unsigned r = 0; r < runs; r++) {
		struct replay_stats st;
		b.run = r + 1;
		if (replay_run(t, dev, &o, &st, why, why_size) < 0) {
			free(b.latency);
			free(b.in_call);
			return -1;
		}
		wall += st.wall_ms;
		user += st.user_ms;
		sys += st.sys_ms;
		frames += st.frames;
		in_flight += st.mean_in_flight;
		if (st.max_in_flight > res->max_in_flight)
			res->max_in_flight = st.max_in_flight;
	}
	if (progress)
		fprintf(stderr, "\r%60s\r", "");
	qsort(b.latency, b.n_latency, sizeof(double), cmp_double);
	qsort(b.in_call, b.n_latency, sizeof(double), cmp_double);
	res->in_call_median_ms = percentile(b.in_call, b.n_latency, 50);
	double sum = 0;
	for (size_t i = 0; i < b.n_latency; i++)
		sum += b.latency[i];
	res->depth = depth;
	res->runs = runs;
	res->frames = frames;
	res->failed = b.failed;
	res->fps = wall > 0 ? frames * 1000.0 / wall : 0;
	res->median_ms = percentile(b.latency, b.n_latency, 50);
	res->p99_ms = percentile(b.latency, b.n_latency, 99);
	res->mean_ms = b.n_latency ? sum / (double)b.n_latency : 0;
	res->user_ms_per_frame = frames ? user / frames : 0;
	res->sys_ms_per_frame = frames ? sys / frames : 0;
	res->mean_in_flight = runs ? in_flight / runs : 0;
	free(b.latency);
	free(b.in_call);
	return 0;
}

/* visl simulates decode time with a module parameter: its device limit. */
static int visl_transtime_ms(const struct replay_device *dev)
{
	unsigned v = 0;

	if (strcmp(dev->caps.driver, "visl") != 0)
		return -1;
	FILE *f = fopen("/sys/module/visl/parameters/visl_transtime_ms", "re");
	if (!f)
		return -1;
	int n = fscanf(f, "%u", &v);
	fclose(f);
	return n == 1 ? (int)v : -1;
}

static int parse_depths(const char *cmd, const char *arg, unsigned *depths,
			unsigned *n)
{
	char buf[128];
	char *save = NULL;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	*n = 0;
	for (char *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_DEPTHS) {
			fprintf(stderr, "%s %s: at most %d depths\n",
				TOOL_NAME, cmd, MAX_DEPTHS);
			return -1;
		}
		if (tool_parse_count(cmd, "--depth", tok, 32, &depths[*n]) < 0)
			return -1;
		(*n)++;
	}
	return *n ? 0 : -1;
}

/* What the fps are compared with. */
struct bench_limits {
	double nominal_fps;	/* --limit-fps or 1000 / visl_transtime_ms */
	double job_ms;		/* measured: median latency at depth 1 */
	bool job_from_calibration;	/* depth 1 was not asked for */
	int transtime;		/* visl_transtime_ms, -1 elsewhere */
};

static double measured_fps(const struct bench_limits *l)
{
	return l->job_ms > 0 ? 1000.0 / l->job_ms : 0;
}

static void ratio_str(char *buf, size_t size, double fps, double limit)
{
	if (limit > 0)
		snprintf(buf, size, "%.3f", fps / limit);
	else
		snprintf(buf, size, "-");
}

static void print_table(const struct bench_result *res, unsigned n,
			const struct bench_limits *l)
{
	printf("%5s %5s %7s %9s %23s %24s %17s %10s %9s %9s\n", "depth", "runs",
	       "frames", "fps", "latency ms median/p99", "cpu ms/frame user/sys",
	       "in flight max/avg", "in call ms", "fps/limit", "fps/job");
	for (unsigned i = 0; i < n; i++) {
		const struct bench_result *r = &res[i];
		char nominal[16], job[16];
		ratio_str(nominal, sizeof(nominal), r->fps, l->nominal_fps);
		ratio_str(job, sizeof(job), r->fps, measured_fps(l));
		printf("%5u %5u %7u %9.2f %11.3f /%9.3f %11.3f /%10.3f %7u /%7.2f %10.3f %9s %9s\n",
		       r->depth, r->runs, r->frames, r->fps, r->median_ms,
		       r->p99_ms, r->user_ms_per_frame, r->sys_ms_per_frame,
		       r->max_in_flight, r->mean_in_flight,
		       r->in_call_median_ms, nominal, job);
	}
}

/* v with three decimals (0 when not finite). */
static struct json_object *json_decimal(double v)
{
	return tool_json_fixed3(isfinite(v) ? v : 0.0);
}

/* v when positive, else null (unknown). */
static struct json_object *json_positive(double v)
{
	return v > 0 ? json_decimal(v) : NULL;
}

static struct json_object *json_ratio(double fps, double limit)
{
	return json_positive(limit > 0 ? fps / limit : 0);
}

static struct json_object *json_result(const struct bench_result *r,
				       const struct bench_limits *l)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "depth", json_object_new_uint64(r->depth));
	json_object_object_add(o, "runs", json_object_new_uint64(r->runs));
	json_object_object_add(o, "frames", json_object_new_uint64(r->frames));
	json_object_object_add(o, "failed_frames", json_object_new_uint64(r->failed));
	json_object_object_add(o, "fps", json_decimal(r->fps));
	json_object_object_add(o, "latency_median_ms", json_decimal(r->median_ms));
	json_object_object_add(o, "latency_p99_ms", json_decimal(r->p99_ms));
	json_object_object_add(o, "latency_mean_ms", json_decimal(r->mean_ms));
	json_object_object_add(o, "cpu_user_ms_per_frame", json_decimal(r->user_ms_per_frame));
	json_object_object_add(o, "cpu_system_ms_per_frame", json_decimal(r->sys_ms_per_frame));
	json_object_object_add(o, "in_flight_max", json_object_new_uint64(r->max_in_flight));
	json_object_object_add(o, "in_flight_mean", json_decimal(r->mean_in_flight));
	json_object_object_add(o, "queue_call_median_ms", json_decimal(r->in_call_median_ms));
	json_object_object_add(o, "fps_over_limit", json_ratio(r->fps, l->nominal_fps));
	json_object_object_add(o, "fps_over_measured_limit",
			       json_ratio(r->fps, measured_fps(l)));
	return o;
}

static int print_json(const char *path, const struct v4l2r_trace *t,
		      const struct replay_device *dev, bool md5,
		      const struct bench_result *res, unsigned n,
		      const struct bench_limits *l)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *results = json_object_new_array();

	json_object_object_add(doc, "trace", tool_json_string(path));
	json_object_object_add(doc, "codec", tool_json_string(dev->desc->name));
	json_object_object_add(doc, "frames_per_run", json_object_new_uint64(t->n_frames));
	json_object_object_add(doc, "requests_per_run", json_object_new_uint64(t->n_requests));
	json_object_object_add(doc, "device", tool_json_string(dev->node.video_path));
	json_object_object_add(doc, "driver", tool_json_string(dev->caps.driver));
	json_object_object_add(doc, "md5", json_object_new_boolean(md5));
	json_object_object_add(doc, "visl_transtime_ms", l->transtime >= 0 ?
			       json_object_new_uint64((unsigned)l->transtime) : NULL);
	json_object_object_add(doc, "device_limit_fps", json_positive(l->nominal_fps));
	json_object_object_add(doc, "measured_job_ms", json_positive(l->job_ms));
	json_object_object_add(doc, "measured_limit_fps", json_positive(measured_fps(l)));
	json_object_object_add(doc, "measured_from", tool_json_string(
		l->job_from_calibration ?
			"median latency of a depth 1 calibration run" :
			"median latency at depth 1"));
	for (unsigned i = 0; i < n; i++)
		json_object_array_add(results, json_result(&res[i], l));
	json_object_object_add(doc, "results", results);
	return tool_json_print(stdout, doc);
}

static int bench_cmd_run(const struct tool_cmd *cmd, int argc, char **argv)
{
	static const struct option options[] = {
		{ "depth", required_argument, NULL, 'D' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "limit-fps", required_argument, NULL, 'L' },
		{ "md5", no_argument, NULL, 'M' },
		{ "timeout", required_argument, NULL, 't' },
		{ "warmup", required_argument, NULL, 'w' },
		TOOL_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	unsigned depths[MAX_DEPTHS] = { 1 }, n_depths = 1, runs = 1;
	unsigned timeout = 5000, warmup = 1;
	double limit = 0;
	bool json = false, md5 = false;
	int opt, ret, status = TOOL_EXIT_OK;
	char *end;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORT_OPTIONS,
				  options, NULL)) != -1) {
		switch (opt) {
		case 'D':
			if (parse_depths(cmd->name, optarg, depths,
					 &n_depths) < 0)
				return TOOL_EXIT_USAGE;
			break;
		case 'r':
			if (tool_parse_count(cmd->name, "--repeat", optarg,
					     10000, &runs) < 0)
				return TOOL_EXIT_USAGE;
			break;
		case 'j': json = true; break;
		case 'M': md5 = true; break;
		case 'L':
			errno = 0;
			limit = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(limit > 0)) {
				fprintf(stderr, "%s bench: --limit-fps wants a "
					"positive number\n", TOOL_NAME);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 't':
			if (tool_parse_count(cmd->name, "--timeout", optarg,
					     600000, &timeout) < 0)
				return TOOL_EXIT_USAGE;
			break;
		case 'w':
			/* 0 is allowed: no warm-up */
			if (strcmp(optarg, "0") == 0)
				warmup = 0;
			else if (tool_parse_count(cmd->name, "--warmup", optarg,
						  100, &warmup) < 0)
				return TOOL_EXIT_USAGE;
			break;
		default:
			if ((ret = tool_common_option(cmd, opt, optarg)) >= 0)
				return ret;
		}
	}
	struct v4l2r_trace *t = tool_load_trace(cmd, argc, argv, &status);
	if (!t)
		return status;
	const char *path = argv[optind];
	struct replay_device dev;
	char why[300];
	if (replay_pick_device(t, &dev, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s bench: %s\n", TOOL_NAME, why);
		v4l2r_trace_free(t);
		return TOOL_EXIT_FAIL;
	}
	struct bench_limits lim = { .nominal_fps = limit,
				    .transtime = visl_transtime_ms(&dev) };
	if (!(lim.nominal_fps > 0) && lim.transtime > 0)
		lim.nominal_fps = 1000.0 / lim.transtime;
	if (!json) {
		tool_describe_trace(path, t, stdout);
		printf("device %s (%s)", dev.node.video_path, dev.caps.driver);
		if (lim.transtime >= 0)
			printf(", visl_transtime_ms %d", lim.transtime);
		if (lim.nominal_fps > 0)
			printf(": nominal device limit %.2f fps",
			       lim.nominal_fps);
		if (lim.transtime > 0)
			printf(" (visl sleeps usleep_range(%d, %d) ms per job)",
			       lim.transtime, 2 * lim.transtime);
		putchar('\n');
		fflush(stdout);
	}

	struct bench_result res[MAX_DEPTHS];
	bool progress = isatty(STDERR_FILENO);
	for (unsigned i = 0; i < n_depths; i++) {
		if (bench_depth(t, &dev, depths[i], runs, warmup, (int)timeout,
				md5, progress, &res[i], why, sizeof(why)) < 0) {
			fprintf(stderr, "%s bench: depth %u: %s\n", TOOL_NAME,
				depths[i], why);
			v4l2r_trace_free(t);
			return TOOL_EXIT_FAIL;
		}
		if (res[i].failed)
			status = TOOL_EXIT_FAIL;
		if (depths[i] == 1 && !(lim.job_ms > 0))
			lim.job_ms = res[i].median_ms;
	}
	if (!(lim.job_ms > 0)) {
		/* What one job takes alone: a depth 1 run of its own. */
		struct bench_result cal;
		if (bench_depth(t, &dev, 1, runs, warmup, (int)timeout, md5,
				progress, &cal, why, sizeof(why)) == 0 &&
		    !cal.failed) {
			lim.job_ms = cal.median_ms;
			lim.job_from_calibration = true;
		}
	}
	if (json) {
		if (print_json(path, t, &dev, md5, res, n_depths, &lim) < 0)
			status = TOOL_EXIT_FAIL;
	} else {
		if (lim.job_ms > 0)
			printf("measured device limit %.2f fps: one job takes "
			       "%.3f ms (median queue-to-completion latency at "
			       "depth 1%s)\n", measured_fps(&lim), lim.job_ms,
			       lim.job_from_calibration ?
				       ", from a calibration run" : "");
		print_table(res, n_depths, &lim);
	}
	for (unsigned i = 0; i < n_depths; i++)
		if (res[i].failed)
			fprintf(stderr, "%s bench: depth %u: %u frame(s) failed\n",
				TOOL_NAME, res[i].depth, res[i].failed);
	v4l2r_trace_free(t);
	return status;
}

const struct tool_cmd tool_cmd_bench = {
	.name = "bench",
	.synopsis = "TRACE",
	.summary = "Measure decoding speed by replaying a trace.",
	.options_help =
		"      --depth N[,N...] requests kept in flight (default 1); several\n"
		"                      values give one table row each. 1 is serial\n"
		"                      (queue, wait, next); deeper, one thread\n"
		"                      queues while another waits and checksums\n"
		"      --repeat K      replay K times per depth (default 1)\n"
		"      --json          print JSON instead of a table\n"
		"      --limit-fps F   the device's nominal limit, for the fps/limit\n"
		"                      column (visl: 1000 / visl_transtime_ms by\n"
		"                      default); fps/job compares with the measured\n"
		"                      one, 1000 / the median latency at depth 1\n"
		"      --md5           checksum every frame, as replay --md5 does\n"
		"                      (some work per frame, like a real client)\n"
		"      --warmup N      unmeasured replays before each depth (1)\n"
		"      --timeout MS    wait at most this for the device (5000)\n",
	.run = bench_cmd_run,
};
