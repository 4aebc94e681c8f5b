/* check: API compliance of a stateless decoder, test by test, in the
 * manner of v4l2-compliance: "test AREA/NAME: OK|FAIL|WARN|SKIP (reason)",
 * areas in a fixed order, a summary line, exit status 1 on any failure.
 * Lines starting with '#' say which device is checked. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "v4l2r/discovery.h"
#include "v4l2r/probe.h"

#include "check_common.h"
#include "tool.h"

static const struct option long_options[] = {
	{ "codec", required_argument, NULL, 'c' },
	TOOL_COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static void summary(const struct check_ctx *c)
{
	printf("%u passed, %u failed", c->passed, c->failed);
	if (c->skipped)
		printf(", %u skipped", c->skipped);
	if (c->warnings)
		printf(", %u warnings", c->warnings);
	putchar('\n');
	fflush(stdout);
}

/* A node named with -d / -m (or the environment) that cannot be opened:
 * the reason in the user's terms, before the library's. */
static bool override_unusable(const char *env, char *why, size_t size)
{
	const char *path = getenv(env);
	int fd;

	if (!path || !*path)
		return false;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	snprintf(why, size, "cannot open %s: %s", path, strerror(errno));
	return true;
}

/* Picks the decoder to check. Returns 0, or -1 with the reason in why. */
static int find_decoder(struct check_ctx *c, char *why, size_t size)
{
	struct v4l2r_node nodes[V4L2R_MAX_DEVICES];
	int n;

	if (override_unusable("LIBVA_V4L2_REQUEST_VIDEO_PATH", why, size) ||
	    override_unusable("LIBVA_V4L2_REQUEST_MEDIA_PATH", why, size))
		return -1;
	check_log_clear();
	n = v4l2r_discover(nodes, V4L2R_MAX_DEVICES);
	if (n < 0) {
		snprintf(why, size, "%s", check_log_last()[0] ?
			 check_log_last() : strerror(-n));
		return -1;
	}
	if (n == 0) {
		snprintf(why, size,
			 "no stateless decoder found (no media device with a MEDIA_ENT_F_PROC_VIDEO_DECODER entity); give -d/-m");
		return -1;
	}
	c->node = nodes[0];
	if (n > 1)
		printf("# %d decoders found, checking the first (choose with -d/-m)\n",
		       n);
	return 0;
}

static void probe(struct check_ctx *c)
{
	int fd = check_open_video(c);

	if (fd < 0)
		return;
	c->probed = v4l2r_probe(fd, &c->caps) == 0;
	close(fd);
	printf("# %s, media %s: driver %s, card %s\n", c->node.video_path,
	       c->node.media_path[0] ? c->node.media_path : "none",
	       c->probed ? c->caps.driver : "?",
	       c->probed ? c->caps.card : "?");
}

static int run(const struct tool_cmd *cmd, int argc, char **argv)
{
	struct check_ctx c;
	char why[320];
	int opt, ret, verbose = 0;

	memset(&c, 0, sizeof(c));
	while ((opt = getopt_long(argc, argv, "c:" TOOL_COMMON_SHORT_OPTIONS,
				  long_options, NULL)) != -1) {
		if (opt == 'c') {
			c.only = v4l2r_codec_by_name(optarg);
			if (!c.only) {
				fprintf(stderr,
					"%s %s: unknown codec '%s' (mpeg2, h264, hevc, vp8, vp9, av1)\n",
					TOOL_NAME, cmd->name, optarg);
				return TOOL_EXIT_USAGE;
			}
			continue;
		}
		if (opt == 'v')
			verbose++;
		ret = tool_common_option(cmd, opt, optarg);
		if (ret >= 0)
			return ret;
	}
	ret = tool_no_operands(cmd, argc, argv);
	if (ret >= 0)
		return ret;
	/* The core's messages feed the failure reasons; -v shows them. */
	check_log_capture(verbose);

	if (find_decoder(&c, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s %s: %s\n", TOOL_NAME, cmd->name, why);
		check_area(&c, "topology");
		check_report(&c, "video-node", CHECK_FAIL, "%s", why);
		summary(&c);
		return TOOL_EXIT_FAIL;
	}
	probe(&c);

	check_topology(&c);
	check_formats(&c);
	check_controls(&c);
	check_buffers(&c);
	check_requests(&c);
	check_decode(&c);
	summary(&c);
	return c.failed ? TOOL_EXIT_FAIL : TOOL_EXIT_OK;
}

const struct tool_cmd tool_cmd_check = {
	.name = "check",
	.synopsis = NULL,	/* no operands */
	.summary = "Check a stateless decoder's API behaviour, test by test.",
	.options_help =
		"  -c, --codec NAME    only this codec's tests (mpeg2, h264, hevc, vp8, vp9, av1)\n",
	.run = run,
};
