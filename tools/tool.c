/* Option handling and logging shared by the subcommands. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "v4l2r/log.h"

#include "tool.h"

/* -d and -m are the library's own overrides, so every code path that
 * discovers devices sees them. */
#define VIDEO_PATH_ENV "LIBVA_V4L2_REQUEST_VIDEO_PATH"
#define MEDIA_PATH_ENV "LIBVA_V4L2_REQUEST_MEDIA_PATH"

static const char *const level_names[] = {
	[V4L2R_LOG_ERROR] = "error",
	[V4L2R_LOG_WARNING] = "warning",
	[V4L2R_LOG_INFO] = "info",
	[V4L2R_LOG_DEBUG] = "debug",
};

static void log_to_stderr(void *opaque, enum v4l2r_log_level level,
			  const char *message)
{
	fprintf(stderr, "%s: %s: %s\n", TOOL_NAME, level_names[level],
		message);
}

static void more_verbose(void)
{
	static enum v4l2r_log_level level = V4L2R_LOG_WARNING;

	if (level < V4L2R_LOG_DEBUG)
		level++;
	v4l2r_log_set_handler(log_to_stderr, NULL, level);
}

void tool_cmd_usage(const struct tool_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: %s %s [OPTIONS]%s%s\n\n%s\n\nOptions:\n", TOOL_NAME,
		cmd->name, cmd->synopsis ? " " : "",
		cmd->synopsis ? cmd->synopsis : "", cmd->summary);
	if (cmd->options_help)
		fputs(cmd->options_help, f);
	/* A command whose -d takes more (conform: a DRM node too) documents
	 * it among its own options. */
	if (!cmd->options_help || !strstr(cmd->options_help, "-d, --device"))
		fputs("  -d, --device VIDEO  use this video node (sets "
		      VIDEO_PATH_ENV ")\n", f);
	fputs("  -m, --media MEDIA   use this media node (sets " MEDIA_PATH_ENV ")\n"
	      "  -v, --verbose       log more (twice: debug)\n"
	      "  -h, --help          show this help\n",
	      f);
}

int tool_common_option(const struct tool_cmd *cmd, int opt, const char *arg)
{
	switch (opt) {
	case 'd':
		setenv(VIDEO_PATH_ENV, arg, 1);
		return -1;
	case 'm':
		setenv(MEDIA_PATH_ENV, arg, 1);
		return -1;
	case 'v':
		more_verbose();
		return -1;
	case 'h':
		tool_cmd_usage(cmd, stdout);
		return TOOL_EXIT_OK;
	default:
		/* getopt_long has said what was wrong */
		fprintf(stderr, "Try '%s %s --help'.\n", TOOL_NAME, cmd->name);
		return TOOL_EXIT_USAGE;
	}
}

int tool_no_operands(const struct tool_cmd *cmd, int argc, char **argv)
{
	if (optind >= argc)
		return -1;
	fprintf(stderr, "%s %s: unexpected argument '%s'\nTry '%s %s --help'.\n",
		TOOL_NAME, cmd->name, argv[optind], TOOL_NAME, cmd->name);
	return TOOL_EXIT_USAGE;
}
