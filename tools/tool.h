/* What the subcommands of v4l2-request-test share: each lives in a
 * cmd_<name>.c file of its own and is listed in v4l2-request-test.c. */
#ifndef TOOL_H
#define TOOL_H

#include <getopt.h>
#include <stdio.h>

#define TOOL_NAME "v4l2-request-test"

enum tool_exit {
	TOOL_EXIT_OK = 0,
	TOOL_EXIT_FAIL = 1,
	TOOL_EXIT_USAGE = 2,
};

struct tool_cmd {
	const char *name;
	const char *synopsis;	/* its arguments after the options, or NULL */
	const char *summary;	/* one line, for the command list */
	const char *options_help;	/* its own option lines, or NULL */
	/* argv[0] is the subcommand's name; returns an enum tool_exit */
	int (*run)(const struct tool_cmd *cmd, int argc, char **argv);
};

extern const struct tool_cmd tool_cmd_list;
extern const struct tool_cmd tool_cmd_check;
extern const struct tool_cmd tool_cmd_conform;
extern const struct tool_cmd tool_cmd_replay, tool_cmd_bench, tool_cmd_record;

/* Options every subcommand takes, to put in its getopt_long tables. */
#define TOOL_COMMON_SHORT_OPTIONS "d:m:vh"
#define TOOL_COMMON_LONG_OPTIONS                            \
	{ "device", required_argument, NULL, 'd' },         \
	{ "media", required_argument, NULL, 'm' },          \
	{ "verbose", no_argument, NULL, 'v' },              \
	{ "help", no_argument, NULL, 'h' }

/* Handles an option getopt_long returned that the subcommand does not
 * know itself (a common one, or an error). Returns -1 to go on, or the
 * status the subcommand must exit with. */
int tool_common_option(const struct tool_cmd *cmd, int opt, const char *arg);

/* Refuses arguments left after the options. Returns -1 or an exit status. */
int tool_no_operands(const struct tool_cmd *cmd, int argc, char **argv);

void tool_cmd_usage(const struct tool_cmd *cmd, FILE *f);

#endif
