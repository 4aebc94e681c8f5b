/* conform: decodes streams through VA-API (libavcodec's hwaccel, on
 * whatever VA driver libva loads: LIBVA_DRIVER_NAME=v4l2_request for
 * this stack) and again in software, and compares them frame by frame.
 * Inputs are stream files, directories of them, or fluster suite files,
 * whose expected MD5s are checked too. One line per stream and a summary
 * (text), or a JSON or JUnit XML report; exit status 1 when any stream
 * fails or cannot be compared. */
#include "config.h"

#include "tool.h"

#ifndef HAVE_LIBAV

static int run(const struct tool_cmd *cmd, int argc, char **argv)
{
	fprintf(stderr, "%s %s: this build has no libavcodec/libavformat "
		"(install libavcodec-dev, libavformat-dev and run configure again)\n",
		TOOL_NAME, cmd->name);
	return TOOL_EXIT_USAGE;
}

#define OPTIONS_HELP NULL

#else

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "conform_compare.h"
#include "conform_decode.h"
#include "conform_report.h"
#include "conform_suite.h"

#define DEFAULT_RENDER_NODE "/dev/dri/renderD128"
#define DRM_MAJOR 226
#define ERR_LEN 512

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_JUNIT };

enum {
	OPT_SW_REFERENCE = 0x100,
	OPT_RESOURCES,
};

static const struct option long_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "sw-reference", no_argument, NULL, OPT_SW_REFERENCE },
	{ "resources", required_argument, NULL, OPT_RESOURCES },
	TOOL_COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

struct options {
	enum report_format format;
	const char *output;
	const char *render_node;
	const char *resources;
	bool sw_reference;
	int verbose;
};

/* One stream to compare. */
struct job {
	char *name;
	char *suite;		/* or NULL */
	char *path;
	char *expected;		/* MD5 from the suite, or NULL */
	char *output_format;	/* from the suite, or NULL */
	const char *demuxer;	/* for raw streams probing cannot tell */
};

struct jobs {
	struct job *v;
	size_t n, cap;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- inputs ---- */

static int add_job(struct jobs *js, const char *name, const char *suite,
		   const char *path, const char *expected,
		   const char *output_format, const char *demuxer)
{
	struct job *j;

	if (js->n == js->cap) {
		size_t cap = js->cap ? 2 * js->cap : 16;
		struct job *nv = realloc(js->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		js->v = nv;
		js->cap = cap;
	}
	j = &js->v[js->n];
	*j = (struct job){
		.name = strdup(name),
		.suite = suite ? strdup(suite) : NULL,
		.path = strdup(path),
		.expected = expected ? strdup(expected) : NULL,
		.output_format = output_format ? strdup(output_format) : NULL,
		.demuxer = demuxer,
	};
	js->n++;
	if (!j->name || (suite && !j->suite) || !j->path ||
	    (expected && !j->expected) || (output_format && !j->output_format))
		return -ENOMEM;
	return 0;
}

static void free_jobs(struct jobs *js)
{
	for (size_t i = 0; i < js->n; i++) {
		free(js->v[i].name);
		free(js->v[i].suite);
		free(js->v[i].path);
		free(js->v[i].expected);
		free(js->v[i].output_format);
	}
	free(js->v);
}

struct names {
	char **v;
	size_t n, cap;
};

static int add_name(struct names *ns, char *s)
{
	if (!s)
		return -ENOMEM;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 64;
		char **nv = realloc(ns->v, cap * sizeof(*nv));

		if (!nv) {
			free(s);
			return -ENOMEM;
		}
		ns->v = nv;
		ns->cap = cap;
	}
	ns->v[ns->n++] = s;
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file under dir (its path relative to top), hidden ones
 * and suite files (.json) left out. */
static int scan_dir(const char *top, const char *rel, struct names *out,
		    unsigned depth, char *err)
{
	char path[4096];
	struct dirent *e;
	DIR *dir;
	int ret = 0;

	snprintf(path, sizeof(path), "%s%s%s", top, *rel ? "/" : "", rel);
	dir = opendir(path);
	if (!dir) {
		int error = errno;

		snprintf(err, ERR_LEN, "%.400s: %s", path, strerror(error));
		return -error;
	}
	while (ret == 0 && (e = readdir(dir))) {
		char sub[4096], full[8192];
		size_t len = strlen(e->d_name);
		struct stat st;

		if (e->d_name[0] == '.' ||
		    (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
			 e->d_name);
		snprintf(full, sizeof(full), "%s/%s", top, sub);
		if (stat(full, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 16)
				ret = scan_dir(top, sub, out, depth + 1, err);
		} else if (S_ISREG(st.st_mode)) {
			ret = add_name(out, strdup(sub));
		}
	}
	closedir(dir);
	if (ret == -ENOMEM)
		snprintf(err, ERR_LEN, "out of memory");
	return ret;
}

static int add_dir(struct jobs *js, const char *dir, char *err)
{
	struct names ns = { 0 };
	size_t before = js->n;
	char top[4096];
	int ret;

	snprintf(top, sizeof(top), "%s", dir);
	while (strlen(top) > 1 && top[strlen(top) - 1] == '/')
		top[strlen(top) - 1] = '\0';
	ret = scan_dir(top, "", &ns, 0, err);
	if (ret == 0)
		qsort(ns.v, ns.n, sizeof(*ns.v), compare_names);
	for (size_t i = 0; ret == 0 && i < ns.n; i++) {
		char full[8192];

		snprintf(full, sizeof(full), "%s/%s", top, ns.v[i]);
		if (!conform_probe_file(full))
			continue;	/* not a stream */
		ret = add_job(js, ns.v[i], NULL, full, NULL, NULL, NULL);
		if (ret < 0)
			snprintf(err, ERR_LEN, "out of memory");
	}
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i]);
	free(ns.v);
	if (ret == 0 && js->n == before) {
		snprintf(err, ERR_LEN,
			 "%s: no file in it that libavformat opens as a video stream",
			 dir);
		ret = -ENOENT;
	}
	return ret;
}

static int add_suite(struct jobs *js, const char *path, const char *resources,
		     char *err)
{
	struct conform_suite s;
	const char *demuxer;
	int ret = 0;

	if (conform_suite_load(path, resources, &s, err, ERR_LEN) < 0)
		return -EINVAL;
	demuxer = conform_suite_demuxer(s.codec);
	for (size_t i = 0; ret == 0 && i < s.n; i++) {
		const struct conform_vector *v = &s.vectors[i];

		ret = add_job(js, v->name, s.name, v->input, v->result,
			      v->output_format, demuxer);
	}
	if (ret < 0)
		snprintf(err, ERR_LEN, "out of memory");
	conform_suite_free(&s);
	return ret;
}

static int add_input(struct jobs *js, const char *arg, const char *resources,
		     char *err)
{
	size_t len = strlen(arg);
	const char *base;
	struct stat st;

	if (stat(arg, &st) < 0) {
		snprintf(err, ERR_LEN, "%s: %s", arg, strerror(errno));
		return -errno;
	}
	if (S_ISDIR(st.st_mode))
		return add_dir(js, arg, err);
	if (len > 5 && strcmp(arg + len - 5, ".json") == 0)
		return add_suite(js, arg, resources, err);
	base = strrchr(arg, '/');
	if (add_job(js, base && base[1] ? base + 1 : arg, NULL, arg, NULL, NULL,
		    NULL) < 0) {
		snprintf(err, ERR_LEN, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* ---- progress on a terminal ---- */

struct progress {
	bool on;
	size_t index, total;
	const char *name;
	double last;
};

static void progress_update(struct progress *p, unsigned frame,
			    int64_t estimate)
{
	double t;

	if (!p->on)
		return;
	t = now();
	if (frame > 1 && t - p->last < 0.1)
		return;
	p->last = t;
	fprintf(stderr, "\r\033[K[%zu/%zu] %s: frame %u", p->index + 1,
		p->total, p->name, frame);
	if (estimate > 0)
		fprintf(stderr, "/%lld", (long long)estimate);
	fflush(stderr);
}

static void progress_clear(const struct progress *p)
{
	if (!p->on)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* ---- one stream ---- */

/* Whether the whole-output MD5 can be checked against a suite's: the
 * frames must be in the layout of its output_format (as fluster has
 * ffmpeg convert them); says why not in why. */
static bool expected_comparable(const struct job *j,
				const struct conform_layout *decoded,
				const char *decoded_format, char *why,
				size_t len)
{
	struct conform_layout want;

	if (!j->output_format)
		return true;
	if (conform_layout_of_format(j->output_format, &want) < 0) {
		snprintf(why, len, "the suite's output_format %s is unknown",
			 j->output_format);
		return false;
	}
	if (decoded->nb_planes == 0 || conform_layout_equal(decoded, &want))
		return true;
	snprintf(why, len,
		 "decoded as %s, the suite's output_format is %s",
		 decoded_format, j->output_format);
	return false;
}

static void note_errors(char *buf, size_t len, const char *side,
			const struct conform_decoder *d)
{
	unsigned n = conform_decoder_errors(d);

	if (n)
		conform_append(buf, len, "; %s: %u decoding error%s (first: %s)", side,
		       n, n == 1 ? "" : "s", conform_decoder_first_error(d));
}

struct sides {
	const char *test;	/* "VA-API", or the second software decode */
	const char *ref;
};

static void compare_stream(const struct options *o, const struct sides *names,
			   const struct job *j, struct conform_result *r,
			   struct progress *p)
{
	struct conform_decode_opts ref_opts = { .demuxer = j->demuxer };
	struct conform_decode_opts test_opts = {
		.vaapi = !o->sw_reference,
		.render_node = o->render_node,
		.demuxer = j->demuxer,
	};
	struct conform_decoder *test = NULL, *ref = NULL;
	struct conform_frame tf, rf;
	bool test_end = false, ref_end = false, cmp_ok = false;
	const char *profile;
	char err[ERR_LEN], detail[2048] = "", why[256];
	struct conform_cmp cmp;
	int64_t estimate;
	bool md5_ok;

	r->status = CONFORM_ERROR;
	if (j->expected)
		snprintf(r->expected_md5, sizeof(r->expected_md5), "%s",
			 j->expected);
	if (conform_decoder_open(&ref, j->path, &ref_opts, err, sizeof(err)) < 0) {
		snprintf(detail, sizeof(detail), "%s: %s", names->ref, err);
		goto out;
	}
	snprintf(r->codec, sizeof(r->codec), "%s", conform_decoder_codec(ref));
	profile = conform_decoder_profile(ref);
	snprintf(r->profile, sizeof(r->profile), "%s", profile ? profile : "");
	if (conform_decoder_open(&test, j->path, &test_opts, err, sizeof(err)) < 0) {
		snprintf(detail, sizeof(detail), "%s: %s", names->test, err);
		goto out;
	}
	if (conform_cmp_init(&cmp) < 0) {
		snprintf(detail, sizeof(detail), "out of memory");
		goto out;
	}
	cmp_ok = true;
	estimate = conform_decoder_frame_estimate(ref);
	while (!test_end || !ref_end) {
		int rt = 0, rr = 0;

		if (!test_end) {
			rt = conform_decoder_next(test, &tf, err, sizeof(err));
			if (rt < 0) {
				snprintf(detail, sizeof(detail),
					 "%s, after %u frames: %s", names->test,
					 cmp.frames[CONFORM_TEST], err);
				goto out;
			}
			test_end = rt == 0;
		}
		if (!ref_end) {
			rr = conform_decoder_next(ref, &rf, err, sizeof(err));
			if (rr < 0) {
				snprintf(detail, sizeof(detail),
					 "%s, after %u frames: %s", names->ref,
					 cmp.frames[CONFORM_REF], err);
				goto out;
			}
			ref_end = rr == 0;
		}
		conform_cmp_add(&cmp, rt > 0 ? &tf : NULL, rr > 0 ? &rf : NULL);
		progress_update(p, cmp.frames[CONFORM_REF] > cmp.frames[CONFORM_TEST]
				   ? cmp.frames[CONFORM_REF] : cmp.frames[CONFORM_TEST],
				estimate);
	}
	conform_cmp_finish(&cmp);
	snprintf(r->va_driver, sizeof(r->va_driver), "%s",
		 conform_decoder_va_driver(test));
	r->frames = cmp.frames[CONFORM_TEST];
	r->ref_frames = cmp.frames[CONFORM_REF];
	r->differing = cmp.differing;
	r->first_diff = cmp.first_diff;
	if (cmp.first_diff >= 0 && !cmp.first_missing && !cmp.first_shape) {
		r->nb_psnr = cmp.psnr_layout.nb_planes;
		r->psnr_layout = cmp.psnr_layout;
		memcpy(r->psnr, cmp.psnr, sizeof(r->psnr));
	}
	conform_md5_hex(cmp.md5[CONFORM_TEST], r->md5);
	conform_md5_hex(cmp.md5[CONFORM_REF], r->ref_md5);

	if (r->ref_frames == 0) {
		snprintf(detail, sizeof(detail), "%s gave no frame", names->ref);
		note_errors(detail, sizeof(detail), names->ref, ref);
		note_errors(detail, sizeof(detail), names->test, test);
		goto out;
	}
	r->expected_checked = j->expected &&
		expected_comparable(j, &cmp.layout[CONFORM_TEST],
				    cmp.format[CONFORM_TEST], why, sizeof(why));
	md5_ok = !r->expected_checked || strcmp(r->md5, j->expected) == 0;
	if (conform_cmp_match(&cmp) && md5_ok) {
		r->status = CONFORM_PASS;
		snprintf(detail, sizeof(detail), "%u frames%s", r->frames,
			 r->expected_checked ? ", MD5 as in the suite" : "");
	} else {
		r->status = CONFORM_FAIL;
		conform_cmp_describe(&cmp, names->test, names->ref, detail,
				     sizeof(detail));
		if (!md5_ok)
			conform_append(detail, sizeof(detail),
			       "%sMD5 %s is not the suite's %s%s",
			       detail[0] ? "; " : "frames match; ", r->md5,
			       j->expected,
			       strcmp(r->ref_md5, j->expected) == 0
				       ? "" : " (the software decode's is not either)");
	}
	if (j->expected && !r->expected_checked)
		conform_append(detail, sizeof(detail), "; suite MD5 not checked: %s", why);
	note_errors(detail, sizeof(detail), names->test, test);
	note_errors(detail, sizeof(detail), names->ref, ref);
out:
	if (cmp_ok && r->status == CONFORM_ERROR) {
		r->frames = cmp.frames[CONFORM_TEST];
		r->ref_frames = cmp.frames[CONFORM_REF];
	}
	if (cmp_ok)
		conform_cmp_free(&cmp);
	conform_decoder_close(test);
	conform_decoder_close(ref);
	if (conform_result_set_detail(r, detail) < 0)
		r->status = CONFORM_ERROR;
}

/* ---- the command ---- */

/* --device: a DRM node is VA-API's; anything else is the V4L2 video
 * node, as for the other commands. */
static bool is_drm_node(const char *path)
{
	struct stat st;

	if (strncmp(path, "/dev/dri/", 9) == 0)
		return true;
	return stat(path, &st) == 0 && S_ISCHR(st.st_mode) &&
	       major(st.st_rdev) == DRM_MAJOR;
}

static int parse_options(const struct tool_cmd *cmd, int argc, char **argv,
			 struct options *o)
{
	int opt, ret;

	*o = (struct options){ .render_node = DEFAULT_RENDER_NODE };
	while ((opt = getopt_long(argc, argv, "f:o:" TOOL_COMMON_SHORT_OPTIONS,
				  long_options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "text") == 0)
				o->format = REPORT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->format = REPORT_JSON;
			else if (strcmp(optarg, "junit") == 0)
				o->format = REPORT_JUNIT;
			else {
				fprintf(stderr, "%s %s: unknown format '%s' (text, json or junit)\n",
					TOOL_NAME, cmd->name, optarg);
				return TOOL_EXIT_USAGE;
			}
			continue;
		case 'o':
			o->output = optarg;
			continue;
		case OPT_SW_REFERENCE:
			o->sw_reference = true;
			continue;
		case OPT_RESOURCES:
			o->resources = optarg;
			continue;
		case 'd':
			if (is_drm_node(optarg)) {
				o->render_node = optarg;
				continue;
			}
			break;
		case 'v':
			o->verbose++;
			break;
		default:
			break;
		}
		ret = tool_common_option(cmd, opt, optarg);
		if (ret >= 0)
			return ret;
	}
	if (optind >= argc) {
		fprintf(stderr, "%s %s: no stream, directory or suite given\n"
			"Try '%s %s --help'.\n", TOOL_NAME, cmd->name, TOOL_NAME,
			cmd->name);
		return TOOL_EXIT_USAGE;
	}
	return -1;
}

static void text_header(FILE *f, const struct options *o)
{
	const char *driver = getenv("LIBVA_DRIVER_NAME");

	if (o->sw_reference)
		fputs("# conform: libavcodec software decode against itself (--sw-reference)\n", f);
	else
		fprintf(f, "# conform: VA-API on %s (LIBVA_DRIVER_NAME=%s) against libavcodec software decode\n",
			o->render_node, driver ? driver : "unset");
}

static int run(const struct tool_cmd *cmd, int argc, char **argv)
{
	struct sides names = { "VA-API", "software" };
	struct conform_result *results;
	struct jobs jobs = { 0 };
	struct progress progress = { 0 };
	struct conform_run info;
	struct options o;
	char err[ERR_LEN];
	FILE *out = stdout;
	bool bad = false;
	double start;
	int ret;

	ret = parse_options(cmd, argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (o.sw_reference)
		names.test = "software (second decode)";
	conform_decode_log_init(o.verbose);
	for (int i = optind; i < argc; i++) {
		if (add_input(&jobs, argv[i], o.resources, err) < 0) {
			fprintf(stderr, "%s %s: %s\n", TOOL_NAME, cmd->name, err);
			free_jobs(&jobs);
			return TOOL_EXIT_USAGE;
		}
	}
	results = calloc(jobs.n, sizeof(*results));
	if (!results) {
		fprintf(stderr, "%s %s: out of memory\n", TOOL_NAME, cmd->name);
		free_jobs(&jobs);
		return TOOL_EXIT_FAIL;
	}
	if (o.output && strcmp(o.output, "-") != 0) {
		out = fopen(o.output, "w");
		if (!out) {
			fprintf(stderr, "%s %s: cannot write %s: %s\n", TOOL_NAME,
				cmd->name, o.output, strerror(errno));
			free(results);
			free_jobs(&jobs);
			return TOOL_EXIT_USAGE;
		}
	}
	progress.on = isatty(STDERR_FILENO);
	progress.total = jobs.n;
	if (o.format == REPORT_TEXT) {
		text_header(out, &o);
		fflush(out);
	}

	start = now();
	for (size_t i = 0; i < jobs.n; i++) {
		const struct job *j = &jobs.v[i];
		struct conform_result *r = &results[i];
		double t0 = now();

		if (conform_result_init(r, j->name, j->suite, j->path) < 0) {
			fprintf(stderr, "%s %s: out of memory\n", TOOL_NAME,
				cmd->name);
			ret = TOOL_EXIT_FAIL;
			jobs.n = i;
			goto done;
		}
		progress.index = i;
		progress.name = j->name;
		progress.last = 0;
		compare_stream(&o, &names, j, r, &progress);
		r->seconds = now() - t0;
		progress_clear(&progress);
		if (r->status != CONFORM_PASS)
			bad = true;
		if (o.format == REPORT_TEXT) {
			conform_report_text(out, r);
			fflush(out);
		}
	}
	info = (struct conform_run){
		.test = o.sw_reference ? "software" : "vaapi",
		.reference = "software",
		.device = o.sw_reference ? NULL : o.render_node,
		.seconds = now() - start,
	};
	switch (o.format) {
	case REPORT_TEXT:
		conform_report_summary(out, results, jobs.n);
		break;
	case REPORT_JSON:
		conform_report_json(out, &info, results, jobs.n);
		break;
	case REPORT_JUNIT:
		conform_report_junit(out, &info, results, jobs.n);
		break;
	}
	ret = bad ? TOOL_EXIT_FAIL : TOOL_EXIT_OK;
done:
	if (out != stdout) {
		if (fclose(out) != 0) {
			fprintf(stderr, "%s %s: cannot write %s: %s\n", TOOL_NAME,
				cmd->name, o.output, strerror(errno));
			ret = TOOL_EXIT_FAIL;
		}
	} else if (fflush(out) != 0) {
		ret = TOOL_EXIT_FAIL;
	}
	for (size_t i = 0; i < jobs.n; i++)
		conform_result_free(&results[i]);
	free(results);
	free_jobs(&jobs);
	return ret;
}

#define OPTIONS_HELP \
	"  -f, --format FORMAT text (default: a line per stream and a summary),\n" \
	"                      json, or junit (JUnit XML)\n" \
	"  -o, --output FILE   write the report to FILE, not standard output\n" \
	"      --sw-reference  decode in software instead of VA-API too: proves\n" \
	"                      the comparison passes when both sides agree\n" \
	"      --resources DIR look for suite vectors in DIR/SUITE/VECTOR/ too\n" \
	"                      (where fluster downloads them)\n" \
	"  -d, --device NODE   a DRM node (/dev/dri/...): the one VA-API opens\n" \
	"                      (default " DEFAULT_RENDER_NODE "); any other node: the\n" \
	"                      video node this stack's VA driver uses (sets\n" \
	"                      LIBVA_V4L2_REQUEST_VIDEO_PATH). libva loads the VA\n" \
	"                      driver LIBVA_DRIVER_NAME names (v4l2_request for\n" \
	"                      this stack), from LIBVA_DRIVERS_PATH when set.\n"

#endif /* HAVE_LIBAV */

const struct tool_cmd tool_cmd_conform = {
	.name = "conform",
	.synopsis = "(FILE|DIR|SUITE.json)...",
	.summary = "Compare frames decoded through VA-API with a software decode.",
	.options_help = OPTIONS_HELP,
	.run = run,
};
