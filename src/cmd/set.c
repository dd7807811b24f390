/* set: the current task context, and the crash variables. */
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
	"  set [pid | taskp | -c cpu | -p] | [crash_variable [setting]] | -v",
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
	"  that panicked and (ACTIVE) one running on a cpu.  In --minimal mode,",
	"  where there is no task list, it shows the crash variables instead.",
	"",
	"  This command also shows (with no setting) and sets the crash",
	"  variables:",
	"",
	"          scroll  on | off     page long output of typed commands on a",
	"                               terminal (never in -i files, pipes or",
	"                               redirected output).",
	"          scroll  less         /usr/bin/less pages it.",
	"          scroll  more         /bin/more pages it.",
	"          scroll  CRASHPAGER   the program in the CRASHPAGER environment",
	"                               variable pages it.",
	"           radix  10 | 16      integers that p, struct, union, * and task",
	"                               print, in decimal or hexadecimal (the hex",
	"                               and dec aliases set it).",
	"           debug  number       the debug level (crash -d N): at 1 and",
	"                               up, opening the dump said on stderr what",
	"                               it decided.",
	"          silent  on | off     on: no banner (from .crashrc), no paging.",
	"          output  text | json  json: each command line's answer is one",
	"                               JSON document on a line of its own (see",
	"                               JSON OUTPUT in crash(8)); the same as the",
	"                               --json option.",
	"",
	"      -v  show the crash variables.",
	"",
	"  The other variables of the classic crash's set (refresh, print_max,",
	"  gdb, ...) are not supported.  In $HOME/.crashrc and ./.crashrc, set",
	"  lines take effect before the banner is shown.",
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
	"",
	"    crash> set radix 16",
	"    output radix: 16 (hex)",
	"",
	"    crash> set -v",
	"            scroll: on (/usr/bin/less)",
	"             radix: 16 (hexadecimal)",
	"             debug: 0",
	"            silent: off",
	"            output: text",
	"          namelist: vmlinux-6.1.0-56-amd64",
	"          dumpfile: kdump-d31-lzo.kdump",
	"     zero_excluded: off",
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

/* The classic crash's variables this crash does not have. */
static const char *const unsupported[] = {
	"refresh", "print_max", "print_array", "console", "core",
	"hash", "edit", "vi", "emacs", "namelist", "dumpfile", "unwind",
	"zero_excluded", "null-stop", "gdb", "scope", "offline", "redzone",
	"error", NULL,
};

static void show_scroll(struct session *s, const char *lead)
{
	char buf[512];

	fprintf(s->out, "%sscroll: %s (%s)\n", lead, s->scroll ? "on" : "off",
		pager_describe(s->pager, buf, sizeof(buf)));
}

/* set -v: the classic crash's layout, the variables this crash has */
static void show_variables(struct session *s)
{
	int i;

	show_scroll(s, "        ");
	fprintf(s->out, "         radix: %u (%s)\n", s->radix == 16 ? 16 : 10,
		s->radix == 16 ? "hexadecimal" : "decimal");
	fprintf(s->out, "         debug: %u\n", s->debug);
	fprintf(s->out, "        silent: %s\n", s->silent ? "on" : "off");
	fprintf(s->out, "        output: %s\n", s->json ? "json" : "text");
	fprintf(s->out, "      namelist: %s\n",
		s->namelist ? s->namelist : "(none)");
	fprintf(s->out, "      dumpfile: ");
	for (i = 0; s->dump && i < s->dump->npaths; i++)
		fprintf(s->out, "%s%s", i ? " " : "", s->dump->paths[i]);
	fprintf(s->out, "\n zero_excluded: %s\n",
		s->dump && s->dump->opts.zero_excluded ? "on" : "off");
}

static int invalid(struct session *s, int argc, char **argv)
{
	int i;

	fprintf(stderr, "set: invalid command: set ");
	for (i = 0; i < argc; i++)
		fprintf(stderr, "%s ", argv[i]);
	fputc('\n', stderr);
	return 1;
}

static bool is_number(const char *v, long *n)
{
	char *end;

	*n = strtol(v, &end, 0);
	return *v && !*end;
}

/* set NAME [VALUE]: argv[0] is the name */
static int set_variable(struct session *s, int argc, char **argv)
{
	const char *v = argc > 1 ? argv[1] : NULL;
	long n;

	if (argc > 2)
		return invalid(s, argc, argv);
	if (!strcmp(argv[0], "scroll")) {
		/* with no terminal to page on there is nothing to set */
		if (v && s->pager != PAGER_NONE) {
			if (!strcmp(v, "on"))
				s->scroll = true;
			else if (!strcmp(v, "off"))
				s->scroll = false;
			else if (!strcmp(v, "less"))
				s->pager = PAGER_LESS;
			else if (!strcmp(v, "more"))
				s->pager = PAGER_MORE;
			else if (!strcmp(v, "CRASHPAGER")) {
				if (pager_crashpager_valid())
					s->pager = PAGER_CRASHPAGER;
			} else if (is_number(v, &n))
				s->scroll = n != 0;
			else
				return invalid(s, argc, argv);
		}
		show_scroll(s, "");
	} else if (!strcmp(argv[0], "radix")) {
		if (!v)
			;
		else if (!strcmp(v, "10") || !strncmp(v, "dec", 3) ||
			 !strncmp(v, "ten", 3))
			s->radix = 10;
		else if (!strcmp(v, "16") || !strncmp(v, "hex", 3) ||
			 !strncmp(v, "six", 3))
			s->radix = 16;
		else
			return invalid(s, argc, argv);
		fprintf(s->out, "output radix: %u (%s)\n",
			s->radix == 16 ? 16 : 10,
			s->radix == 16 ? "hex" : "decimal");
	} else if (!strcmp(argv[0], "debug")) {
		if (v && !is_number(v, &n))
			return invalid(s, argc, argv);
		if (v)
			s->debug = n < 0 ? 0 : (unsigned int)n;
		fprintf(s->out, "debug: %u\n", s->debug);
	} else if (!strcmp(argv[0], "silent")) {
		if (v) {
			if (!strcmp(v, "on") || (is_number(v, &n) && n))
				s->silent = true;
			else if (!strcmp(v, "off") || is_number(v, &n))
				s->silent = false;
			else
				return invalid(s, argc, argv);
			if (s->silent)
				s->scroll = false;
		}
		/* as the classic crash: silent says nothing when on */
		if (!s->silent)
			fprintf(s->out, "silent: off\n");
	} else if (!strcmp(argv[0], "output")) {
		if (!v)
			;
		else if (!strcmp(v, "json"))
			s->json = true;
		else if (!strcmp(v, "text"))
			s->json = false;
		else
			return invalid(s, argc, argv);
		fprintf(s->out, "output: %s\n", s->json ? "json" : "text");
	} else {
		fprintf(stderr, "set: %s: not supported by this crash (set -v "
			"shows the variables it has)\n", argv[0]);
		return 1;
	}
	return 0;
}

bool set_is_variable(const char *name)
{
	int i;

	if (!strcmp(name, "scroll") || !strcmp(name, "radix") ||
	    !strcmp(name, "debug") ||
	    !strcmp(name, "silent") || !strcmp(name, "output"))
		return true;
	for (i = 0; unsupported[i]; i++)
		if (!strcmp(name, unsupported[i]))
			return true;
	return false;
}

int cmd_set(struct session *s, int argc, char **argv)
{
	const struct task_table *t;
	const struct task *task = NULL;
	struct error *err;
	int c;

	if (argc == 2 && !strcmp(argv[1], "-v")) {
		show_variables(s);
		return 0;
	}
	if (argc >= 2 && set_is_variable(argv[1]))
		return set_variable(s, argc - 1, argv + 1);
	/* no task list in --minimal mode: set alone shows the variables,
	 * as the classic crash's does there */
	if (argc == 1 && s->minimal) {
		show_variables(s);
		return 0;
	}

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
		/* a pid the context already has keeps the context (pid 0: one
		 * idle task of several), as in the classic crash */
		if (task && s->context && s->context->pid == task->pid &&
		    strspn(argv[optind], "0123456789") == strlen(argv[optind]))
			task = s->context;
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
