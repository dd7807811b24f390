/* foreach: run a task command (bt, task, set, ps) on a set of tasks. */
#include <inttypes.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/tasks.h"
#include "../session.h"
#include "../util/interrupt.h"
#include "../util/error.h"
#include "../util/progress.h"
#include "commands.h"

const char *const foreach_help[] = {
	"NAME",
	"  foreach - display command data for multiple tasks in the system",
	"",
	"SYNOPSIS",
	"  foreach [[pid | taskp | name | state | [kernel | user | gleader | active]] ...]",
	"          command [flag] [argument]",
	"",
	"DESCRIPTION",
	"  This command runs a task command on each of a set of tasks, without",
	"  changing the current context.  The tasks are chosen by:",
	"",
	"      pid  a process PID.",
	"    taskp  a hexadecimal task_struct address.",
	"     name  every task of this command name; write \\name for a name that",
	"           is also a keyword or a command; 'REGEX' (in single quotes)",
	"           every task whose name matches the POSIX extended regular",
	"           expression.",
	"     user  user tasks only.",
	"  gleader  user thread group leaders only.",
	"   kernel  kernel threads only.",
	"   active  the task running on each cpu.",
	"    state  tasks in this state: RU, IN, UN, ST, ZO, TR, SW, DE, WA, PA,",
	"           ID or NE.",
	"",
	"  Without pids, addresses or names every task is a candidate; user,",
	"  gleader, kernel, active and states narrow the set (several states:",
	"  tasks in any of them).",
	"",
	"  command  one of:",
	"",
	"              bt  the \"bt\" command (flags: -r -t -l -f -F -s -x -d -T)",
	"            task  the \"task\" command (flags: -R -d -x)",
	"           files  the \"files\" command",
	"              vm  the \"vm\" command (flags: -p -m -v -R -x -d)",
	"             set  the \"set\" command",
	"              ps  the \"ps\" command (flags: -G -s -p -c -t -l -g -r -y)",
	"",
	"           The classic crash's net, sig and vtop are not supported",
	"           yet.",
	"",
	"     flag  passed to the command.",
	" argument  passed to the command.",
	"",
	"  Each task's output starts with its PID, task address, cpu and command",
	"  name; ps instead shows one table of the chosen tasks.",
	"",
	"EXAMPLES",
	"    crash> foreach RU bt",
	"    PID: 0        TASK: ffffffff87e1aa40  CPU: 0    COMMAND: \"swapper/0\"",
	"     #0 [ffffffff87e03e40] __schedule at ffffffff86e5271d",
	"    ...",
	"",
	"    crash> foreach 'kworker/0.*' task -R pid",
	"    PID: 7        TASK: ffff88f781244200  CPU: 0    COMMAND: \"kworker/0:0\"",
	"      pid = 7,",
	"    ...",
	NULL,
};

static const char *const state_names[] = {
	"RU", "IN", "UN", "ST", "ZO", "TR", "SW", "DE", "WA", "PA", "ID", "NE",
};

#define NSTATES (sizeof(state_names) / sizeof(state_names[0]))

struct selector {
	enum { SEL_PID, SEL_TASK, SEL_NAME, SEL_REGEX } kind;
	int32_t pid;
	uint64_t addr;
	const char *name;
	regex_t re;
};

struct foreach_req {
	struct selector *sel;
	int nsel;
	bool user, kernel, gleader, active;
	bool states[NSTATES];
	bool any_state;
};

static bool is_command(const char *w)
{
	static const char *const names[] = {
		"bt", "task", "set", "ps", "vm", "files", "net", "sig", "vtop",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(w, names[i]))
			return true;
	return false;
}

static int state_index(const char *w)
{
	size_t i;

	for (i = 0; i < NSTATES; i++)
		if (!strcmp(w, state_names[i]))
			return (int)i;
	return -1;
}

/* One task-choosing word; an error names a word that is none. */
static struct error *parse_word(const struct task_table *t,
				struct foreach_req *r, const char *w)
{
	struct selector *sel = &r->sel[r->nsel];
	size_t len = strlen(w);
	int st = state_index(w);

	if (!strcmp(w, "user")) {
		r->user = true;
	} else if (!strcmp(w, "kernel")) {
		r->kernel = true;
	} else if (!strcmp(w, "gleader")) {
		r->gleader = true;
	} else if (!strcmp(w, "active")) {
		r->active = true;
	} else if (st >= 0) {
		r->states[st] = r->any_state = true;
	} else if (len >= 2 && w[0] == '\'' && w[len - 1] == '\'') {
		char *pat = strndup(w + 1, len - 2);
		int rc = pat ? regcomp(&sel->re, pat, REG_EXTENDED | REG_NOSUB)
			     : -1;

		free(pat);
		if (rc)
			return error_create(ERR_INVALID, "invalid regular "
					    "expression: %s", w);
		sel->kind = SEL_REGEX;
		r->nsel++;
	} else if (w[0] == '\\') {
		sel->kind = SEL_NAME;
		sel->name = w + 1;
		r->nsel++;
	} else {
		const struct task *task = tasks_find(t, w);

		if (task) {
			bool pid = strspn(w, "0123456789") == len;

			sel->kind = pid ? SEL_PID : SEL_TASK;
			sel->pid = task->pid;
			sel->addr = task->addr;
		} else {
			sel->kind = SEL_NAME;
			sel->name = w;
		}
		r->nsel++;
	}
	return NULL;
}

static bool chosen(const struct foreach_req *r, const struct task *t)
{
	int i;

	if (r->nsel) {
		for (i = 0; i < r->nsel; i++) {
			const struct selector *s = &r->sel[i];

			if ((s->kind == SEL_PID && t->pid == s->pid) ||
			    (s->kind == SEL_TASK && t->addr == s->addr) ||
			    (s->kind == SEL_NAME && !strcmp(t->comm, s->name)) ||
			    (s->kind == SEL_REGEX &&
			     !regexec(&s->re, t->comm, 0, NULL, 0)))
				break;
		}
		if (i == r->nsel)
			return false;
	}
	if ((r->user || r->gleader) && t->kernel_thread)
		return false;
	if (r->gleader && t->pid != t->tgid)
		return false;
	if (r->kernel && !t->kernel_thread)
		return false;
	if (r->active && !t->active)
		return false;
	if (r->any_state) {
		int st = state_index(task_state_name(t));

		if (st < 0 || !r->states[st])
			return false;
	}
	return true;
}

/* Run command on one task: argv is "cmd flags... TASK". */
static int run_on(struct session *s, const char *cmd, int nflags,
		  char **flags, const struct task *t)
{
	const struct command *c = command_find(cmd);
	char addr[32], **argv = calloc((size_t)nflags + 3, sizeof(*argv));
	int i, rc;

	if (!argv)
		return 1;
	snprintf(addr, sizeof(addr), "%" PRIx64, t->addr);
	argv[0] = (char *)cmd;
	for (i = 0; i < nflags; i++)
		argv[1 + i] = flags[i];
	argv[1 + nflags] = addr;
	rc = c->run(s, nflags + 2, argv);
	free(argv);
	return rc;
}

/* ps shows one table: every chosen task is an argument of one ps. */
static int run_ps(struct session *s, int nflags, char **flags,
		  const struct task *const *list, size_t n)
{
	char **argv = calloc((size_t)nflags + n + 2, sizeof(*argv));
	char *addrs = calloc(n ? n : 1, 20);
	size_t i;
	int rc;

	if (!argv || !addrs) {
		free(argv);
		free(addrs);
		return 1;
	}
	argv[0] = "ps";
	for (i = 0; i < (size_t)nflags; i++)
		argv[1 + i] = flags[i];
	for (i = 0; i < n; i++) {
		snprintf(addrs + 20 * i, 20, "%" PRIx64, list[i]->addr);
		argv[1 + nflags + i] = addrs + 20 * i;
	}
	rc = cmd_ps(s, (int)(1 + nflags + n), argv);
	free(argv);
	free(addrs);
	return rc;
}

/* The command on one task, as foreach shows it. */
struct one_task {
	struct session *s;
	const char *cmd;
	int nflags;
	char **flags;
	const struct task *t;
	bool blank_before;	/* not the first task, in text */
	int rc;
};

/* vm -R: a search, whose output has no blank lines between tasks */
static bool vm_search(const struct one_task *o)
{
	int i;

	for (i = 0; !strcmp(o->cmd, "vm") && i < o->nflags; i++)
		if (o->flags[i][0] == '-' && strchr(o->flags[i], 'R'))
			return true;
	return false;
}

static int run_one(void *arg)
{
	struct one_task *o = arg;
	struct session *s = o->s;

	if (!strcmp(o->cmd, "set")) {
		if (o->blank_before)
			fputc('\n', s->out);
		print_task_header(s->out, o->t);
		print_context(s, o->t);
		return o->rc = 0;
	}
	if (!strcmp(o->cmd, "files")) {
		if (o->blank_before)
			fputc('\n', s->out);
		return o->rc = files_of(s, o->t, false);
	}
	/* task ends each task with its own blank line, and so does vm -R
	 * each task where it finds something */
	if (o->blank_before && strcmp(o->cmd, "task") && !vm_search(o))
		fputc('\n', s->out);
	return o->rc = run_on(s, o->cmd, o->nflags, o->flags, o->t);
}

int cmd_foreach(struct session *s, int argc, char **argv)
{
	struct session_json_each each;
	struct json *jl;
	const struct task_table *t;
	const struct task *saved = s->context, **list = NULL;
	struct foreach_req r = { 0 };
	struct error *err;
	const char *cmd;
	size_t n = 0, i;
	int a, a2, rc = 0;

	err = session_tasks(s, &t);
	if (err) {
		fprintf(stderr, "foreach: %s\n", err->message);
		error_free(err);
		return 1;
	}
	r.sel = calloc((size_t)argc, sizeof(*r.sel));
	list = calloc(t->n ? t->n : 1, sizeof(*list));
	if (!r.sel || !list) {
		rc = 1;
		goto out;
	}
	for (a = 1; a < argc && !is_command(argv[a]); a++) {
		err = parse_word(t, &r, argv[a]);
		if (err) {
			fprintf(stderr, "foreach: %s\n", err->message);
			error_free(err);
			rc = 1;
			goto out;
		}
	}
	if (a == argc) {
		command_usage(s->out, "foreach");
		rc = 1;
		goto out;
	}
	cmd = argv[a++];
	if (!command_find(cmd)) {
		fprintf(stderr, "foreach: %s: not supported yet\n", cmd);
		rc = 1;
		goto out;
	}
	if (r.user && r.kernel) {
		fprintf(stderr, "foreach: user and kernel are mutually "
			"exclusive\n");
		rc = 1;
		goto out;
	}
	/* a name that no task has is a mistake, said, and left out, as in
	 * the classic crash; if nothing is left, no task is chosen */
	for (a2 = 0; a2 < r.nsel; a2++) {
		if (r.sel[a2].kind != SEL_NAME)
			continue;
		for (i = 0; i < t->n && strcmp(t->tasks[i].comm,
					       r.sel[a2].name); i++)
			;
		if (i == t->n) {
			fprintf(stderr, "foreach: unknown argument: \"%s\"\n",
				r.sel[a2].name);
			memmove(&r.sel[a2], &r.sel[a2 + 1],
				(size_t)(r.nsel - a2 - 1) * sizeof(*r.sel));
			r.nsel--;
			a2--;
			rc = 1;
			if (!r.nsel)
				goto out;
		}
	}
	for (i = 0; i < t->n; i++)
		if (chosen(&r, &t->tasks[i]))
			list[n++] = &t->tasks[i];
	if (!strcmp(cmd, "ps")) {
		if (n)
			rc = run_ps(s, argc - a, argv + a, list, n);
		goto out;
	}
	progress_begin("foreach");
	jl = session_json_each_begin(s, &each);
	for (i = 0; i < n && !interrupted(); i++) {
		struct one_task one = { s, cmd, argc - a, argv + a, list[i],
					i > 0 && !jl, 0 };

		progress_update(i, n);
		if (!jl) {
			rc |= run_one((void *)&one);
			continue;
		}
		/* JSON: an object per task, with the command's answer */
		json_object(jl);
		json_kint(jl, "pid", list[i]->pid);
		json_khex(jl, "task", list[i]->addr);
		json_kstring(jl, "command", list[i]->comm);
		session_json_each_run(s, &each, run_one, &one);
		json_kint(jl, "status", one.rc > 0);
		json_object_end(jl);
		rc |= one.rc;
	}
	if (jl)
		session_json_each_end(s, &each);
out:
	for (a = 0; a < r.nsel; a++)
		if (r.sel[a].kind == SEL_REGEX)
			regfree(&r.sel[a].re);
	free(r.sel);
	free(list);
	s->context = saved;	/* foreach never changes the context */
	return rc;
}
