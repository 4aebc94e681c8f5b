/* v4l2-request-test: checks V4L2 stateless decoders. This file only
 * dispatches to the subcommands. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "tool.h"

static const struct tool_cmd *const commands[] = {
	&tool_cmd_list,
	&tool_cmd_check,
	&tool_cmd_conform,
	&tool_cmd_replay, &tool_cmd_bench, &tool_cmd_record,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s COMMAND [OPTIONS]\n\n"
		   "Probes and checks V4L2 stateless video decoders.\n\n"
		   "Commands:\n", TOOL_NAME);
	for (unsigned i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(f, "\nRun '%s COMMAND --help' for the options of a command.\n",
		TOOL_NAME);
}

static const struct tool_cmd *find_command(const char *name)
{
	for (unsigned i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	fprintf(stderr, "%s: unknown command '%s'\n\n", TOOL_NAME, name);
	usage(stderr);
	return TOOL_EXIT_USAGE;
}

static bool is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0 ||
	       strcmp(arg, "help") == 0;
}

int main(int argc, char **argv)
{
	const struct tool_cmd *cmd;

	if (argc < 2) {
		usage(stderr);
		return TOOL_EXIT_USAGE;
	}
	if (is_help(argv[1])) {
		/* "help COMMAND" */
		if (argc == 2) {
			usage(stdout);
			return TOOL_EXIT_OK;
		}
		cmd = find_command(argv[2]);
		if (!cmd)
			return unknown_command(argv[2]);
		tool_cmd_usage(cmd, stdout);
		return TOOL_EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	return cmd->run(cmd, argc - 1, argv + 1);
}
