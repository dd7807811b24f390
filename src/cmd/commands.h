/* The command table: each command is one function in its own file. */
#ifndef CRASH_CMD_COMMANDS_H
#define CRASH_CMD_COMMANDS_H

struct session;

struct command {
	const char *name;
	int (*run)(struct session *s, int argc, char **argv);
	const char *summary;
	const char *const *help;	/* NAME, SYNOPSIS, DESCRIPTION lines */
};

const struct command *command_find(const char *name);
const struct command *command_table(unsigned int *n);

int cmd_help(struct session *s, int argc, char **argv);
int cmd_quit(struct session *s, int argc, char **argv);

extern const char *const help_help[];
extern const char *const quit_help[];

#endif
