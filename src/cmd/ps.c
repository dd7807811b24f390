/* ps: the task table, as the classic crash's ps shows it. */
#include <getopt.h>
#include <inttypes.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../arch/vmem.h"
#include "../kernel/sysinfo.h"
#include "../kernel/task_info.h"
#include "../kernel/task_mem.h"
#include "../kernel/tasks.h"
#include "../session.h"
#include "../util/interrupt.h"
#include "../util/progress.h"
#include "../util/error.h"
#include "commands.h"

const char *const ps_help[] = {
	"NAME",
	"  ps - display process status information",
	"",
	"SYNOPSIS",
	"  ps [-k|-u|-G|-y policy] [-s] [-p|-c|-t|-[l|m][-C cpu]|-a|-g|-r|-S|-A|-H]",
	"     [pid | task | command] ...",
	"",
	"DESCRIPTION",
	"  This command shows the status of the tasks of the dumped kernel: every",
	"  thread of every process and each cpu's idle task, sorted by PID.  Tasks",
	"  may be chosen by:",
	"",
	"       pid  a process ID (decimal).",
	"      task  the address of a task_struct (hexadecimal).",
	"   command  a command name; a name made only of digits is written \\NAME;",
	"            'REGEX' (in single quotes) matches names with a POSIX",
	"            extended regular expression.",
	"",
	"  Which tasks are shown can be narrowed further:",
	"",
	"        -k  kernel threads only.",
	"        -u  user tasks only.",
	"        -G  only the leader of each thread group.",
	" -y policy  only tasks of these scheduling policies: a comma-separated",
	"            list of numbers or names (NORMAL, FIFO, RR, BATCH, ISO,",
	"            IDLE, DEADLINE).",
	"",
	"  Each task is shown with its PID, its parent's PID, the cpu it last ran",
	"  on, its task_struct address, its state (RU, IN, UN, ZO, ST, TR, DE, SW,",
	"  WA, PA, ID, NE), the share of physical memory it uses, its virtual size",
	"  and resident set size in kilobytes and its command name (kernel",
	"  threads in brackets).  The task that is running on a cpu is marked by",
	"  \">\" in front.",
	"",
	"        -s  show the saved kernel stack pointer (KSTACKP) instead of the",
	"            task_struct address; \"--\" for the running tasks.",
	"",
	"  Instead of the table, ps can show:",
	"",
	"        -p  each task's line of ancestors, from the first idle task down.",
	"        -c  each task's children.",
	"        -t  run time, start time and user and system time, by start time.",
	"        -l  the time the task last arrived on a cpu (sched_info),",
	"            latest first, with its state.",
	"        -m  the same as the time since then: days hh:mm:ss.ms.",
	"   -C cpus  with -l or -m: one block per cpu, for cpus such as \"1,3\",",
	"            \"0-2\" or \"all\" (\"a\").",
	"        -a  the command line arguments and environment strings of",
	"            user tasks, read from their user memory (a dump that left",
	"            user pages out cannot show them).",
	"        -g  each thread group: its leader, then its other threads.",
	"        -r  the resource limits (rlimits) of each task's process.",
	"        -S  how many tasks are in each state.",
	"        -A  only the task running on each cpu.",
	"        -H  no header line.",
	"",
	"EXAMPLES",
	"    crash> ps",
	"          PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM",
	"            0       0   0  ffffffff87e1aa40  RU   0.0        0        0  [swapper/0]",
	"    >       1       0   0  ffff88f781204200  RU   0.3     2260     1828  init",
	"            2       0   1  ffff88f781200000  IN   0.0        0        0  [kthreadd]",
	"    ...",
	"",
	"    crash> ps -p 143",
	"    PID: 0        TASK: ffffffff87e1aa40  CPU: 0    COMMAND: \"swapper/0\"",
	"     PID: 1        TASK: ffff88f781204200  CPU: 0    COMMAND: \"init\"",
	"      PID: 116      TASK: ffff88f79fee2100  CPU: 0    COMMAND: \"fxloop\"",
	"       PID: 143      TASK: ffff88f7824c2100  CPU: 0    COMMAND: \"sleep\"",
	"",
	"    crash> ps -S",
	"      RU: 6",
	"      IN: 20",
	"      ID: 36",
	NULL,
};

enum ps_view { VIEW_TABLE, VIEW_PARENTS, VIEW_CHILDREN, VIEW_TIMES,
	       VIEW_LAST_RUN, VIEW_MSECS, VIEW_GROUPS, VIEW_SUMMARY,
	       VIEW_RLIMITS, VIEW_ARGS };

struct ps_sel {			/* one task selector from the command line */
	enum { BY_PID, BY_TASK, BY_COMM, BY_REGEX } kind;
	int32_t pid;
	uint64_t addr;
	const char *comm;
	regex_t re;
};

struct ps_req {
	struct session *s;
	struct kernel k;
	const struct task_table *t;
	enum ps_view view;
	bool kernel_only, user_only, leaders, kstackp, active_only, no_header;
	unsigned int policies;		/* bit per policy; 0: any */
	bool *cpus;			/* -C: [ncpus], or NULL */
	struct ps_sel *sel;
	int nsel;
	bool selected;			/* tasks named on the command line */
	struct task_mem_reader *mem;
	const struct task **shown;	/* -G: leaders already shown */
	size_t nshown;
	uint64_t *last_run;		/* -l/-m: [t->n] */
	struct json *json;		/* JSON output: the table's array */
};

static const char *const policy_names[] = {
	"NORMAL", "FIFO", "RR", "BATCH", "ISO", "IDLE", "DEADLINE",
};

static struct error *parse_policies(const char *arg, unsigned int *bits)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	struct error *err = NULL;

	if (!copy)
		return error_nomem();
	for (tok = strtok_r(copy, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned int i, n = sizeof(policy_names) / sizeof(*policy_names);
		char *end;
		unsigned long v = strtoul(tok, &end, 10);

		if (*tok && !*end && v < n) {
			*bits |= 1u << v;
			continue;
		}
		for (i = 0; i < n && strcasecmp(tok, policy_names[i]); i++)
			;
		if (i == n)
			err = error_create(ERR_INVALID, "invalid scheduling "
					   "policy: %s", tok);
		else
			*bits |= 1u << i;
	}
	free(copy);
	return err;
}

/* "1,3,5-7", "all" or "a" into r->cpus. */
static struct error *parse_cpus(struct ps_req *r, const char *arg)
{
	unsigned int n = r->t->ncpus;
	char *copy, *tok, *save = NULL;
	struct error *err = NULL;

	r->cpus = calloc(n, sizeof(*r->cpus));
	if (!r->cpus)
		return error_nomem();
	if (!strcmp(arg, "all") || !strcmp(arg, "a")) {
		memset(r->cpus, 1, n * sizeof(*r->cpus));
		return NULL;
	}
	if (!(copy = strdup(arg)))
		return error_nomem();
	for (tok = strtok_r(copy, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		char *end, *end2;
		unsigned long lo = strtoul(tok, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtoul(end + 1, &end2, 10), end = end2;
		if (end == tok || *end || lo > hi || hi >= n)
			err = error_create(ERR_INVALID, "invalid cpu "
					   "specification: %s", tok);
		for (; !err && lo <= hi; lo++)
			r->cpus[lo] = true;
	}
	free(copy);
	return err;
}

static bool is_decimal(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static struct error *parse_selector(struct ps_req *r, const char *arg,
				    struct ps_sel *sel)
{
	size_t len = strlen(arg);
	const char *p = arg;
	char *end;
	uint64_t v;

	if (len >= 2 && arg[0] == '\'' && arg[len - 1] == '\'') {
		char *pat = strndup(arg + 1, len - 2);
		int rc;

		if (!pat)
			return error_nomem();
		rc = regcomp(&sel->re, pat, REG_EXTENDED | REG_NOSUB);
		free(pat);
		if (rc)
			return error_create(ERR_INVALID, "invalid regular "
					    "expression: %s", arg);
		sel->kind = BY_REGEX;
		return NULL;
	}
	if (arg[0] == '\\') {
		sel->kind = BY_COMM;
		sel->comm = arg + 1;
		return NULL;
	}
	if (is_decimal(arg) && len < 10 && tasks_by_pid(r->t, atoi(arg))) {
		sel->kind = BY_PID;
		sel->pid = atoi(arg);
		return NULL;
	}
	if (!strncmp(p, "0x", 2))
		p += 2;
	v = strtoull(p, &end, 16);
	if (*p && !*end) {
		if (!tasks_by_addr(r->t, v))
			return error_create(ERR_NOT_FOUND, "invalid task or "
					    "pid value: %s", arg);
		sel->kind = BY_TASK;
		sel->addr = v;
		return NULL;
	}
	sel->kind = BY_COMM;
	sel->comm = arg;
	return NULL;
}

static bool selector_matches(const struct ps_sel *sel, const struct task *t)
{
	switch (sel->kind) {
	case BY_PID: return t->pid == sel->pid;
	case BY_TASK: return t->addr == sel->addr;
	case BY_COMM: return !strcmp(t->comm, sel->comm);
	default: return !regexec(&sel->re, t->comm, 0, NULL, 0);
	}
}

/* The filters that apply to every view (-k -u -y). */
static struct error *passes_filters(struct ps_req *r, const struct task *t,
				    bool *pass)
{
	*pass = !(r->kernel_only && !t->kernel_thread) &&
		!(r->user_only && t->kernel_thread);
	if (*pass && r->policies) {
		uint64_t policy;
		int64_t prio;
		struct error *err = task_sched_read(&r->k, t, &policy, &prio);

		if (err)
			return err;
		*pass = policy < 32 && (r->policies >> policy) & 1;
	}
	return NULL;
}

/* -G: the leader to show for t, or NULL if it was shown already (or, when
 * listing all, t is not a leader). */
static const struct task *group_leader(struct ps_req *r, const struct task *t)
{
	const struct task *leader = t;
	size_t i;

	if (t->pid != t->tgid) {
		if (!r->selected)
			return NULL;
		leader = tasks_by_pid(r->t, t->tgid);
		if (!leader)
			return NULL;
	}
	for (i = 0; i < r->nshown; i++)
		if (r->shown[i] == leader)
			return NULL;
	r->shown[r->nshown++] = leader;
	return leader;
}

/* A table row as an object; kstackp is -s's column ("--" if none). */
static void json_row(struct ps_req *r, const struct task *t,
		     const struct task_mem *m, const char *kstackp)
{
	struct json *j = r->json;
	uint64_t sp;

	json_object(j);
	json_kint(j, "pid", t->pid);
	json_kint(j, "ppid", t->ppid);
	json_kint(j, "tgid", t->tgid);
	json_kint(j, "cpu", t->cpu);
	json_khex(j, "task", t->addr);
	if (r->kstackp) {
		json_key(j, "kstackp");
		if (sscanf(kstackp, "%" SCNx64, &sp) == 1)
			json_hex(j, sp);
		else
			json_null(j);
	}
	json_kstring(j, "state", task_state_name(t));
	json_key(j, "pct_mem");
	json_double(j, m->pct, 1);
	json_kuint(j, "vsz_kb", m->total_vm * r->s->vmem->page_size / 1024);
	json_kuint(j, "rss_kb", m->rss * r->s->vmem->page_size / 1024);
	json_kstring(j, "comm", t->comm);
	json_kbool(j, "kernel_thread", t->kernel_thread);
	json_kbool(j, "active", t->active);
	json_kbool(j, "panic", t == r->t->panic);
	json_object_end(j);
}

static void print_row(struct ps_req *r, const struct task *t)
{
	FILE *out = r->s->out;
	struct task_mem m = { 0 };
	struct error *err = r->mem ? task_mem_read(r->mem, t, &m) : NULL;
	char pointer[32], pct[16];
	const char *state = task_state_name(t);

	if (err) {	/* the row still shows, with what could be read */
		fprintf(stderr, "ps: %s\n", err->message);
		error_free(err);
	}
	snprintf(pointer, sizeof(pointer), "%16" PRIx64, t->addr);
	if (r->kstackp) {
		uint64_t sp = 0;

		if (!t->active) {
			err = task_saved_sp(&r->k, t, &sp);
			if (err) {
				fprintf(stderr, "ps: %s\n", err->message);
				error_free(err);
			}
		}
		if (sp)
			snprintf(pointer, sizeof(pointer), "%16" PRIx64, sp);
		else
			snprintf(pointer, sizeof(pointer), "%9s%7s", "--", "");
	}
	if (r->json) {
		json_row(r, t, &m, pointer);
		return;
	}
	snprintf(pct, sizeof(pct), "%.1f", m.pct);
	fprintf(out, "%s %7d %7d %3d  %s %3s%*s%4s %8" PRIu64 " %8" PRIu64
		"  ", t->active ? ">" : " ", t->pid, t->ppid, t->cpu, pointer,
		state, strlen(state) > 3 ? 1 : 2, "", pct,
		m.total_vm * r->s->vmem->page_size / 1024,
		m.rss * r->s->vmem->page_size / 1024);
	fprintf(out, t->kernel_thread ? "[%s]\n" : "%s\n", t->comm);
}

static void print_parents(struct ps_req *r, const struct task *t)
{
	const struct task *chain[64], *p = t;
	int n = 0, i;

	/* up to cpu 0's idle task, which is its own parent */
	while (p && n < 64) {
		chain[n++] = p;
		if (p->parent == p->addr)
			break;
		p = tasks_by_addr(r->t, p->parent);
	}
	for (i = n - 1; i >= 0; i--) {
		fprintf(r->s->out, "%*s", n - 1 - i, "");
		print_task_header(r->s->out, chain[i]);
	}
	fputc('\n', r->s->out);
}

static void print_children(struct ps_req *r, const struct task *t)
{
	size_t i;
	int n = 0;

	print_task_header(r->s->out, t);
	for (i = 0; i < r->t->n; i++) {
		const struct task *c = &r->t->tasks[i];

		/* the first idle task is its own parent: and its own child */
		if (c->parent == t->addr) {
			fputs("  ", r->s->out);
			print_task_header(r->s->out, c);
			n++;
		}
	}
	if (!n)
		fputs("  (no children)\n", r->s->out);
	fputc('\n', r->s->out);
}

static void print_group(struct ps_req *r, const struct task *t)
{
	const struct task *leader = t;
	size_t i;
	int n = 0;

	if (t->pid != t->tgid) {
		if (!r->selected || !(leader = tasks_by_pid(r->t, t->tgid)))
			return;
	} else if (t->idle) {	/* the idle tasks: one group, cpu 0's first */
		leader = tasks_by_pid(r->t, 0);
	}
	for (i = 0; i < r->nshown; i++)
		if (r->shown[i] == leader)
			return;
	r->shown[r->nshown++] = leader;
	print_task_header(r->s->out, leader);
	for (i = 0; i < r->t->n; i++) {
		const struct task *c = &r->t->tasks[i];

		/* the idle tasks are one group: pid 0 */
		if (c != leader && c->tgid == leader->tgid) {
			fputs("  ", r->s->out);
			print_task_header(r->s->out, c);
			n++;
		}
	}
	if (!n)
		fputs("  (no threads)\n", r->s->out);
	fputc('\n', r->s->out);
}

/* One of the strings areas of a user task: NUL-separated words printed
 * after "ARG: " on one line, or each string of the environment on its
 * own line under "ENV: ".  false (and a message) if it cannot be read. */
static bool print_strings(struct ps_req *r, uint64_t root, uint64_t start,
			  uint64_t end, bool env)
{
	FILE *out = r->s->out;
	size_t len = end > start ? (size_t)(end - start) : 0, i, word = 0;
	unsigned char *buf;
	struct error *err;

	/* the kernel limits both to a few megabytes (ARG_MAX, the stack) */
	if (len > (32u << 20)) {
		fprintf(stderr, "ps: implausible user string area %" PRIx64
			"-%" PRIx64 "\n", start, end);
		return false;
	}
	buf = malloc(len + 1);
	if (!buf)
		return false;
	err = vmem_read_user(r->k.vm, root, start, buf, len);
	if (err) {
		fprintf(stderr, "ps: cannot access user stack address: %"
			PRIx64 " (%s)\n", start, err->message);
		fputc('\n', out);	/* the task's block ends, as others do */
		error_free(err);
		free(buf);
		return false;
	}
	fputs(env ? "\nENV: " : "ARG: ", out);
	for (i = 0; i < len; i++) {
		if (!buf[i]) {
			if (word)
				fputc(env ? '\n' : ' ', out);
			word = 0;
			continue;
		}
		if (env && !word && i)
			fputs("     ", out);
		fputc(buf[i], out);
		word++;
	}
	if (env)
		fputs(word || len ? "\n" : "\n\n", out);
	free(buf);
	return true;
}

static void print_args(struct ps_req *r, const struct task *t)
{
	uint64_t range[4], root;
	struct error *err;

	print_task_header(r->s->out, t);
	if (!t->mm) {
		fprintf(stderr, "ps: no user stack\n");
		fputc('\n', r->s->out);
		return;
	}
	err = task_arg_env(&r->k, t, range);
	if (!err)
		err = task_user_root(&r->k, t, &root);
	if (err) {
		fprintf(stderr, "ps: %s\n", err->message);
		error_free(err);
		return;
	}
	if (print_strings(r, root, range[0], range[1], false))
		print_strings(r, root, range[2], range[3], true);
}

static const char *const rlimit_names[] = {
	"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
	"MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO",
	"RTTIME",
};

/* A limit centred in 11 columns, "(unlimited)" for RLIM_INFINITY. */
static void print_limit(FILE *out, uint64_t v, const char *after)
{
	char num[32];
	int len, left;

	if (v == UINT64_MAX) {
		fprintf(out, "(unlimited)%s", after);
		return;
	}
	len = snprintf(num, sizeof(num), "%" PRIu64, v);
	left = len < 11 ? (11 - len) / 2 : 0;
	fprintf(out, "%*s%s%*s%s", left, "", num,
		len < 11 ? 11 - len - left : 0, "", after);
}

static void print_rlimits(struct ps_req *r, const struct task *t)
{
	uint64_t lim[32][2];
	size_t n, i;
	struct error *err = task_rlimits(&r->k, t, lim, 32, &n);

	print_task_header(r->s->out, t);
	if (err) {
		fprintf(stderr, "ps: %s\n", err->message);
		error_free(err);
		return;
	}
	fprintf(r->s->out, "  %10s   %11s   %11s\n", "RLIMIT", "CURRENT  ",
		"MAXIMUM  ");
	for (i = 0; i < n; i++) {
		fprintf(r->s->out, "  %10s   ", i < 16 ? rlimit_names[i]
						    : "(unknown)");
		print_limit(r->s->out, lim[i][0], "   ");
		print_limit(r->s->out, lim[i][1], "\n");
	}
	fputc('\n', r->s->out);
}

/* What one view shows for one chosen task (the table's row, a chain...).
 * -t, -l, -m and -S collect the tasks first and print them afterwards. */
static void show(struct ps_req *r, const struct task *t)
{
	switch (r->view) {
	case VIEW_TABLE:
		if (r->active_only && !r->selected && !t->active)
			return;
		print_row(r, t);
		break;
	case VIEW_PARENTS: print_parents(r, t); break;
	case VIEW_CHILDREN: print_children(r, t); break;
	case VIEW_GROUPS: print_group(r, t); break;
	case VIEW_RLIMITS: print_rlimits(r, t); break;
	case VIEW_ARGS: print_args(r, t); break;
	default: break;
	}
}

struct timed {
	const struct task *t;
	struct task_times tm;
	size_t order;
};

static int by_start(const void *a, const void *b)
{
	const struct timed *x = a, *y = b;

	if (x->tm.start_time != y->tm.start_time)
		return x->tm.start_time < y->tm.start_time ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void print_times(struct ps_req *r, const struct task **list, size_t n)
{
	struct timed *v = calloc(n ? n : 1, sizeof(*v));
	struct sysinfo si;
	size_t i, m = 0;

	if (!v) {
		fprintf(stderr, "ps: out of memory\n");
		return;
	}
	sysinfo_read(&r->k, &si);
	for (i = 0; i < n; i++) {
		struct error *err = task_times_read(&r->k, list[i], &v[m].tm);

		if (err) {
			fprintf(stderr, "ps: %s\n", err->message);
			error_free(err);
			continue;
		}
		v[m].t = list[i];
		v[m].order = m;
		m++;
	}
	qsort(v, m, sizeof(*v), by_start);
	for (i = 0; i < m; i++) {
		uint64_t start = v[i].tm.start_time / 1000000000 * si.hz, run;
		uint64_t secs;

		print_task_header(r->s->out, v[i].t);
		if (si.err_uptime) {
			fprintf(r->s->out, "    RUN TIME: (unknown: %s)\n",
				si.err_uptime->message);
		} else {
			run = start > si.uptime_jiffies ? 0
						       : si.uptime_jiffies - start;
			secs = run / si.hz;
			fputs("    RUN TIME: ", r->s->out);
			if (secs / 86400)
				fprintf(r->s->out, "%" PRIu64 " days, ",
					secs / 86400);
			fprintf(r->s->out, "%02" PRIu64 ":%02" PRIu64 ":%02"
				PRIu64 "\n", secs % 86400 / 3600,
				secs % 3600 / 60, secs % 60);
		}
		fprintf(r->s->out, "  START TIME: %" PRIu64 "\n"
			"       UTIME: %" PRIu64 "\n       STIME: %" PRIu64
			"\n\n", v[i].tm.start_time, v[i].tm.utime,
			v[i].tm.stime);
	}
	sysinfo_free(&si);
	free(v);
}

/* "D hh:mm:ss.ms" */
static void format_ns(char *buf, size_t size, uint64_t ns)
{
	uint64_t ms = ns / 1000000;

	snprintf(buf, size, "%" PRIu64 " %02" PRIu64 ":%02" PRIu64 ":%02"
		 PRIu64 ".%03" PRIu64, ms / 86400000, ms / 3600000 % 24,
		 ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
}

static const struct task *const *sort_list;
static const uint64_t *sort_keys;

static int by_last_run(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (sort_keys[x] != sort_keys[y])
		return sort_keys[x] > sort_keys[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* -l and -m: latest arrival first, the stamp's width set by the first. */
static void print_last_run(struct ps_req *r, const struct task **list,
			   size_t n)
{
	size_t *order = calloc(n ? n : 1, sizeof(*order)), i;
	uint64_t *clock = calloc(r->t->ncpus, sizeof(*clock));
	bool *have_clock = calloc(r->t->ncpus, sizeof(*have_clock));
	char stamp[64];
	int width, blocks = 0;
	unsigned int cpu;

	if (!order || !clock || !have_clock) {
		fprintf(stderr, "ps: out of memory\n");
		goto out;
	}
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = 0; i < n; i++)
		r->last_run[i] = list[i]->last_arrival;
	sort_list = list;
	sort_keys = r->last_run;
	qsort(order, n, sizeof(*order), by_last_run);
	width = snprintf(stamp, sizeof(stamp), "%" PRIu64,
			 n ? r->last_run[order[0]] : 0);
	for (cpu = 0; r->view == VIEW_MSECS && cpu < r->t->ncpus; cpu++) {
		struct error *err = cpu_rq_clock(&r->k, cpu, &clock[cpu]);

		have_clock[cpu] = !err;
		error_free(err);
	}
	for (cpu = 0; cpu < (r->cpus ? r->t->ncpus : 1); cpu++) {
		int days_width = 0;

		if (r->cpus) {
			if (!r->cpus[cpu])
				continue;
			fprintf(r->s->out, "%sCPU: %u\n", blocks++ ? "\n" : "",
				cpu);
			if (r->view == VIEW_MSECS) {
				format_ns(stamp, sizeof(stamp), clock[cpu]);
				days_width = (int)strcspn(stamp, " ");
			}
		}
		for (i = 0; i < n && !interrupted(); i++) {
			const struct task *t = list[order[i]];

			if (r->cpus && t->cpu != (int)cpu)
				continue;
			if (r->view == VIEW_LAST_RUN) {
				fprintf(r->s->out, "[%*" PRIu64 "] ", width,
					t->last_arrival);
			} else {
				uint64_t c = t->cpu >= 0 &&
					     (unsigned)t->cpu < r->t->ncpus &&
					     have_clock[t->cpu] ? clock[t->cpu]
								: 0;
				uint64_t d = c > t->last_arrival
					     ? c - t->last_arrival : 0;
				int w;

				format_ns(stamp, sizeof(stamp), d);
				w = (int)strcspn(stamp, " ");
				fprintf(r->s->out, "[%*s%s] ",
					days_width > w ? days_width - w : 0,
					"", stamp);
			}
			fprintf(r->s->out, "[%s]  ", task_state_name(t));
			print_task_header(r->s->out, t);
		}
	}
out:
	free(order);
	free(clock);
	free(have_clock);
}

static void print_summary(struct ps_req *r, const struct task **list,
			  size_t n)
{
	const char *names[32];
	size_t counts[32], k = 0, i, j;
	struct json *json;

	for (i = 0; i < n; i++) {
		const char *st = task_state_name(list[i]);

		for (j = 0; j < k && strcmp(names[j], st); j++)
			;
		if (j == k) {
			if (k == 32)
				continue;
			names[k] = st;
			counts[k++] = 0;
		}
		counts[j]++;
	}
	if ((json = session_json(r->s))) {
		json_object(json);
		for (j = 0; j < k; j++)
			json_kuint(json, names[j], counts[j]);
		json_object_end(json);
		return;
	}
	for (j = 0; j < k; j++)
		fprintf(r->s->out, "  %s: %zu\n", names[j], counts[j]);
}

static int run(struct ps_req *r)
{
	const struct task **list = calloc(r->t->n ? r->t->n : 1,
					  sizeof(*list));
	size_t n = 0, i;
	struct error *err;
	int k, rc = 0;

	r->shown = calloc(r->t->n ? r->t->n : 1, sizeof(*r->shown));
	r->last_run = calloc(r->t->n ? r->t->n : 1, sizeof(*r->last_run));
	if (!list || !r->shown || !r->last_run) {
		fprintf(stderr, "ps: out of memory\n");
		rc = 1;
		goto out;
	}
	if (r->view == VIEW_TABLE) {
		err = task_mem_open(&r->k, r->t, &r->mem);
		if (err) {
			fprintf(stderr, "ps: %s\n", err->message);
			error_free(err);
		}
		r->json = session_json(r->s);
		if (r->json)
			json_array(r->json);
		else if (!r->no_header)
			fprintf(r->s->out, "      PID    PPID  CPU %s  ST  %%MEM"
				"      VSZ      RSS  COMM\n", r->kstackp ?
				"     KSTACKP    " : "      TASK      ");
	}
	progress_begin("ps");
	for (i = 0; i < r->t->n && !interrupted(); i++) {
		const struct task *t = &r->t->tasks[i];
		bool pass;

		progress_update(i, r->t->n);
		if (r->selected) {
			for (k = 0; k < r->nsel; k++)
				if (selector_matches(&r->sel[k], t))
					break;
			if (k == r->nsel)
				continue;
			/* a name picks only leaders under -G */
			if (r->leaders && r->sel[k].kind >= BY_COMM &&
			    t->pid != t->tgid)
				continue;
		}
		err = passes_filters(r, t, &pass);
		if (err) {
			fprintf(stderr, "ps: %s\n", err->message);
			error_free(err);
			continue;
		}
		if (!pass)
			continue;
		if (r->leaders && r->view != VIEW_GROUPS &&
		    !(t = group_leader(r, t)))
			continue;
		list[n++] = t;
		show(r, t);
	}
	if (r->json)
		json_array_end(r->json);
	if (r->view == VIEW_TIMES)
		print_times(r, list, n);
	else if (r->view == VIEW_LAST_RUN || r->view == VIEW_MSECS)
		print_last_run(r, list, n);
	else if (r->view == VIEW_SUMMARY)
		print_summary(r, list, n);
out:
	task_mem_close(r->mem);
	free(list);
	free(r->shown);
	free(r->last_run);
	return rc;
}

static int set_view(struct ps_req *r, enum ps_view v, int opt)
{
	if (r->view != VIEW_TABLE && r->view != v) {
		fprintf(stderr, "ps: -%c cannot be combined with the other "
			"display options\n", opt);
		return 1;
	}
	r->view = v;
	return 0;
}

int cmd_ps(struct session *s, int argc, char **argv)
{
	struct ps_req r = { .s = s, .k = session_kernel(s) };
	const char *cpus = NULL;
	struct error *err;
	int c, i, k, rc = 1;

	err = session_tasks(s, &r.t);
	if (err) {
		fprintf(stderr, "ps: %s\n", err->message);
		error_free(err);
		return 1;
	}
	optind = 0;
	while ((c = getopt(argc, argv, "kuGy:spctlmC:gSAHar")) != -1) {
		switch (c) {
		case 'k': r.kernel_only = true; break;
		case 'u': r.user_only = true; break;
		case 'G': r.leaders = true; break;
		case 's': r.kstackp = true; break;
		case 'A': r.active_only = true; break;
		case 'H': r.no_header = true; break;
		case 'y':
			err = parse_policies(optarg, &r.policies);
			if (err) {
				fprintf(stderr, "ps: %s\n", err->message);
				error_free(err);
				return 1;
			}
			break;
		case 'C': cpus = optarg; break;
		case 'p': if (set_view(&r, VIEW_PARENTS, c)) return 1; break;
		case 'c': if (set_view(&r, VIEW_CHILDREN, c)) return 1; break;
		case 't': if (set_view(&r, VIEW_TIMES, c)) return 1; break;
		case 'l': if (set_view(&r, VIEW_LAST_RUN, c)) return 1; break;
		case 'm': if (set_view(&r, VIEW_MSECS, c)) return 1; break;
		case 'g': if (set_view(&r, VIEW_GROUPS, c)) return 1; break;
		case 'S': if (set_view(&r, VIEW_SUMMARY, c)) return 1; break;
		case 'r': if (set_view(&r, VIEW_RLIMITS, c)) return 1; break;
		case 'a': if (set_view(&r, VIEW_ARGS, c)) return 1; break;
		default:
			command_usage(s->out, "ps");
			return 1;
		}
	}
	if (r.kernel_only && r.user_only) {
		fprintf(stderr, "ps: -k and -u cannot be used together\n");
		return 1;
	}
	if (r.leaders && (r.view == VIEW_LAST_RUN || r.view == VIEW_MSECS)) {
		fprintf(stderr, "ps: -G not supported with -%c option\n",
			r.view == VIEW_LAST_RUN ? 'l' : 'm');
		return 1;
	}
	if (cpus && r.view != VIEW_LAST_RUN && r.view != VIEW_MSECS) {
		fprintf(stderr, "ps: -C option is only applicable with -l and "
			"-m\n");
		return 1;
	}
	if (r.view == VIEW_SUMMARY && optind < argc) {
		fprintf(stderr, "ps: -S option takes no arguments\n");
		return 1;
	}
	if (cpus && optind < argc) {
		fprintf(stderr, "ps: -C option is not applicable with specified "
			"tasks\n");
		return 1;
	}
	if (cpus && (err = parse_cpus(&r, cpus))) {
		fprintf(stderr, "ps: %s\n", err->message);
		error_free(err);
		free(r.cpus);
		return 1;
	}
	r.nsel = argc - optind;
	r.selected = r.nsel > 0;
	r.sel = calloc(r.nsel ? (size_t)r.nsel : 1, sizeof(*r.sel));
	if (!r.sel) {
		fprintf(stderr, "ps: out of memory\n");
		goto out;
	}
	for (i = k = 0; i < r.nsel; i++) {
		err = parse_selector(&r, argv[optind + i], &r.sel[k]);
		if (err) {	/* the classic crash goes on with the others */
			fprintf(stderr, "ps: %s\n", err->message);
			error_free(err);
			continue;
		}
		k++;
	}
	r.nsel = k;
	rc = run(&r);
out:
	for (i = 0; i < r.nsel; i++)
		if (r.sel[i].kind == BY_REGEX)
			regfree(&r.sel[i].re);
	free(r.sel);
	free(r.cpus);
	return rc;
}
