/* set: the current task context (the session variables come later). */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/tasks.h"
#include "../session.h"
#include "../util/error.h"
#include "commands.h"

const char *const set_help[] = {
	"NAME",
	"  set - set a process context or internal crash variable",
	"",
	"SYNOPSIS",
	"  set [pid | taskp | -c cpu | -p]",
	"",
	"DESCRIPTION",
	"  This command shows the current context, or sets it.  Commands that",
	"  work on one task (task, bt, ...) work on the current context when no",
	"  task is named; at the start it is the task that panicked (or, in a",
	"  dump taken without a panic, the task running on the first cpu).",
	"",
	"      pid  a process PID.",
	"    taskp  a hexadecimal task_struct pointer.",
	"   -c cpu  the task running on that cpu.",
	"       -p  the task that panicked.",
	"",
	"  With no argument the context is shown: the PID, the command, the",
	"  task_struct (and the thread_info) address, the cpu and the state, with",
	"  every bit of the task's state and exit_state; (PANIC) marks the task",
	"  that panicked and (ACTIVE) one running on a cpu.",
	"",
	"  The crash variables of the classic tool's set (scroll, radix, ...)",
	"  are not supported yet.",
	"",
	"EXAMPLES",
	"    crash> set",
	"        PID: 1",
	"    COMMAND: \"init\"",
	"       TASK: ffff88f781204200  [THREAD_INFO: ffff88f781204200]",
	"        CPU: 0",
	"      STATE: TASK_RUNNING (PANIC)",
	"",
	"    crash> set 117",
	"        PID: 117",
	"    COMMAND: \"fxspin\"",
	"       TASK: ffff88f7824d2100  [THREAD_INFO: ffff88f7824d2100]",
	"        CPU: 1",
	"      STATE: TASK_RUNNING (ACTIVE)",
	NULL,
};

/* Every state and exit_state bit by name, as the classic crash's set. */
static void state_names(const struct task *t, char *buf, size_t size)
{
	static const struct { uint64_t bit; const char *name; } bits[] = {
		{ 0x1, "TASK_INTERRUPTIBLE" }, { 0x2, "TASK_UNINTERRUPTIBLE" },
		{ 0x4, "TASK_STOPPED" }, { 0x8, "TASK_TRACED" },
		{ 0x90, "EXIT_DEAD" }, { 0x20, "EXIT_ZOMBIE" },
		{ 0x200, "TASK_WAKING" }, { 0x100, "TASK_WAKEKILL" },
		{ 0x400, "TASK_NOLOAD" }, { 0x800, "TASK_NEW" },
	};
	uint64_t st = t->state | t->exit_state;
	size_t i, len = 0;

	buf[0] = '\0';
	if (!st) {
		snprintf(buf, size, "TASK_RUNNING");
		return;
	}
	if (st == 0x40) {
		snprintf(buf, size, "TASK_PARKED");
		return;
	}
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]) && len < size; i++) {
		const char *name = bits[i].name;

		if (!(st & bits[i].bit))
			continue;
		/* both dead bits: EXIT_DEAD (0x10) and TASK_DEAD (0x80) */
		if (bits[i].bit == 0x90 && (st & 0x90) == 0x90)
			name = "EXIT_DEAD|TASK_DEAD";
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					len ? "|" : "", name);
	}
}

void print_context(struct session *s, const struct task *t)
{
	const struct task_table *tt;
	struct kernel k = session_kernel(s);
	char state[160];
	size_t same = 0, i;
	uint64_t thread_info = t->addr;

	if (!session_tasks(s, &tt))
		for (i = 0; i < tt->n; i++)
			same += tt->tasks[i].pid == t->pid;
	/* thread_info is the task's first member since 4.9 on x86_64
	 * (THREAD_INFO_IN_TASK); before, it lay at the stack's base */
	if (!kernel_has_member(&k, "task_struct", "thread_info"))
		thread_info = t->stack;
	fprintf(s->out, "    PID: %d\nCOMMAND: \"%s\"\n   TASK: %" PRIx64 "  ",
		t->pid, t->comm, t->addr);
	if (same > 1)
		fprintf(s->out, "(1 of %zu)  ", same);
	fprintf(s->out, "[THREAD_INFO: %" PRIx64 "]\n    CPU: %d\n",
		thread_info, t->cpu);
	state_names(t, state, sizeof(state));
	fprintf(s->out, "  STATE: %s %s\n", state, !t->active ? ""
		: t == tt->panic ? "(PANIC)" : "(ACTIVE)");
}

int cmd_set(struct session *s, int argc, char **argv)
{
	const struct task_table *t;
	const struct task *task = NULL;
	struct error *err;
	int c;

	err = session_tasks(s, &t);
	if (!err && argc == 1)
		err = session_context(s, &task);
	if (err) {
		fprintf(stderr, "set: %s\n", err->message);
		error_free(err);
		return 1;
	}
	optind = 0;
	while ((c = getopt(argc, argv, "pc:")) != -1) {
		switch (c) {
		case 'p':
			if (!t->panic) {
				fprintf(stderr, "set: no panic task found!\n");
				return 1;
			}
			task = t->panic;
			break;
		case 'c': {
			char *end;
			unsigned long cpu = strtoul(optarg, &end, 10);

			if (*end || !*optarg || cpu >= t->ncpus) {
				fprintf(stderr, "set: invalid cpu: %s\n",
					optarg);
				return 1;
			}
			task = tasks_by_addr(t, t->curr[cpu]);
			if (!task) {
				fprintf(stderr, "set: no task is running on "
					"cpu %lu\n", cpu);
				return 1;
			}
			break;
		}
		default:
			command_usage(s->out, "set");
			return 1;
		}
	}
	if (optind < argc) {
		if (optind + 1 < argc || task) {
			command_usage(s->out, "set");
			return 1;
		}
		task = tasks_find(t, argv[optind]);
		if (!task) {
			fprintf(stderr, "set: invalid task or pid value: %s\n",
				argv[optind]);
			return 1;
		}
	}
	s->context = task;
	print_context(s, task);
	return 0;
}
