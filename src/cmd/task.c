/* task: a task's task_struct, whole or by member. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/tasks.h"
#include "../session.h"
#include "../util/error.h"
#include "commands.h"

const char *const task_help[] = {
	"NAME",
	"  task - task_struct contents",
	"",
	"SYNOPSIS",
	"  task [-R member[,member]] [-dx] [pid | taskp] ...",
	"",
	"DESCRIPTION",
	"  This command shows the task_struct of the current context, or of each",
	"  task named by its PID or task_struct address, after the task's",
	"  one-line header.",
	"",
	"    -R member  only these members: a comma-separated list; a member of",
	"               a member is written a.b (\"se.vruntime\").  The option may",
	"               be given more than once.",
	"           -x  numbers in hexadecimal.",
	"           -d  numbers in decimal.",
	"",
	"EXAMPLES",
	"    crash> task -R pid,comm 1",
	"    PID: 1        TASK: ffff88f781204200  CPU: 0    COMMAND: \"init\"",
	"      pid = 1,",
	"      comm = \"init\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\",",
	NULL,
};

/* Where the task's thread_info is: in the task_struct since 4.9 on x86_64
 * (THREAD_INFO_IN_TASK), at the stack's base before; 0 if unknown. */
static uint64_t thread_info_of(struct session *s, const struct task *task)
{
	struct kernel k = session_kernel(s);
	struct kernel_field f;
	struct error *err = kernel_field(&k, "task_struct", "thread_info", &f);

	if (!err)
		return task->addr + f.offset;
	error_free(err);
	return task->stack;
}

static int print_whole(struct session *s, const struct task *task,
		       char format)
{
	uint64_t ti = thread_info_of(s, task);
	int rc = print_struct_at(s, "task_struct", NULL, task->addr, format);

	if (!rc && ti) {
		fputc('\n', s->out);
		rc = print_struct_at(s, "thread_info", NULL, ti, format);
	}
	return rc;
}

/* Each member from the task_struct or, if it has none of the name, the
 * thread_info. */
static int print_members(struct session *s, const struct task *task,
			 const char *members, char format)
{
	struct kernel k = session_kernel(s);
	char *list = strdup(members), *m, *save = NULL;
	int rc = 0;

	if (!list)
		return 1;
	uint64_t ti = thread_info_of(s, task);

	for (m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		if (kernel_has_member(&k, "task_struct", m)) {
			rc |= print_struct_at(s, "task_struct", m, task->addr,
					      format);
		} else if (ti && kernel_has_member(&k, "thread_info", m)) {
			rc |= print_struct_at(s, "thread_info", m, ti, format);
		} else {
			fprintf(stderr, "task: %s: not a task_struct or "
				"thread_info member\n", m);
			rc = 1;
		}
	}
	free(list);
	return rc;
}

int cmd_task(struct session *s, int argc, char **argv)
{
	const struct task_table *t;
	const struct task *task;
	char members[1024] = "", format = 0;
	struct error *err;
	int c, i, rc = 0;

	optind = 0;
	while ((c = getopt(argc, argv, "R:xd")) != -1) {
		switch (c) {
		case 'R':
			if (strlen(members) + strlen(optarg) + 2 >
			    sizeof(members)) {
				fprintf(stderr, "task: too many members\n");
				return 1;
			}
			if (*members)
				strcat(members, ",");
			strcat(members, optarg);
			break;
		case 'x':
		case 'd':
			format = (char)c;
			break;
		default:
			command_usage(s->out, "task");
			return 1;
		}
	}
	err = session_tasks(s, &t);
	if (!err && optind == argc)
		err = session_context(s, &task);
	if (err) {
		fprintf(stderr, "task: %s\n", err->message);
		error_free(err);
		return 1;
	}
	for (i = optind; i < argc || i == optind; i++) {
		if (i < argc && !(task = tasks_find(t, argv[i]))) {
			fprintf(stderr, "task: invalid task or pid value: %s\n",
				argv[i]);
			rc = 1;
			continue;
		}
		print_task_header(s->out, task);
		rc |= *members ? print_members(s, task, members, format)
			       : print_whole(s, task, format);
		fputc('\n', s->out);
		if (i >= argc)
			break;
	}
	return rc;
}
