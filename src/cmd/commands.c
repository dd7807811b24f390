#include <string.h>

#include "commands.h"

static const struct command commands[] = {
	{ "exit", cmd_quit, "leave the session", quit_help },
	{ "help", cmd_help, "list commands, show a command's help, or "
	  "describe the dump (-D, -n)", help_help },
	{ "q", cmd_quit, "leave the session", quit_help },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct command *command_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

const struct command *command_table(unsigned int *n)
{
	*n = NCOMMANDS;
	return commands;
}
