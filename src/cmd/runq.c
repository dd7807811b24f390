/* runq: what each cpu's scheduler has queued, its clock, its lag. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/runq.h"
#include "../kernel/task_info.h"
#include "../kernel/tasks.h"
#include "../session.h"
#include "../util/error.h"
#include "../util/interrupt.h"
#include "commands.h"

const char *const runq_help[] = {
	"NAME",
	"  runq - run queue",
	"",
	"SYNOPSIS",
	"  runq [-t] [-T] [-m] [-g] [-d] [-c cpu(s)]",
	"",
	"DESCRIPTION",
	"  With no option, this command shows for each cpu its runqueue's address,",
	"  the task running there, and the tasks the scheduler has queued: the",
	"  real-time class by priority list (RT PRIO_ARRAY, each task after the",
	"  list's index), then the fair class in the order of its red-black tree",
	"  (CFS RB_ROOT, leftmost first, each task after its prio).  The tasks of",
	"  a task group are shown in their group's place.",
	"",
	"     -t  each cpu's runqueue clock (rq.clock), and below it the time the",
	"         running task last arrived on the cpu (sched_info.last_arrival),",
	"         with the task; in hexadecimal when the output radix is 16.",
	"     -T  the lag of each cpu's runqueue clock behind the latest of them,",
	"         in seconds, the latest first; all cpus, whatever -c says.",
	"     -m  how long the running task of each cpu has been running: the",
	"         runqueue clock less its last arrival, as days hours:minutes:",
	"         seconds.milliseconds.",
	"     -g  the queues by task group: each group's queue on the cpu",
	"         (TASK_GROUP, its cfs_rq or rt_rq, its cgroup's name and",
	"         whether it is throttled), nested as the groups are, the",
	"         running task marked [CURRENT]; groups whose queue was taken off",
	"         its parent's (throttled) are shown too.",
	"     -d  every task of the task list that is on a runqueue (on_rq) and",
	"         last ran on the cpu, after its prio, in task list order.",
	" -c cpu  only these cpus, given as \"3\", \"1,8,9\", \"1-23\", \"1,8,9-14\"",
	"         or \"all\".",
	"",
	"  The options are exclusive; if several are given, the first of -t, -T,",
	"  -m, -d and -g in this order is shown.  A damaged tree or list is",
	"  reported with the address where it went wrong, and the rest is shown.",
	"",
	"EXAMPLES",
	"  The queues of each cpu:",
	"",
	"    crash> runq",
	"    CPU 0 RUNQUEUE: ffff88f79e631c40",
	"      CURRENT: PID: 1      TASK: ffff88f781204200  COMMAND: \"init\"",
	"      RT PRIO_ARRAY: ffff88f79e631e80",
	"         [no tasks queued]",
	"      CFS RB_ROOT: ffff88f79e631cf0",
	"         [120] PID: 15     TASK: ffff88f781264200  COMMAND: \"rcu_preempt\"",
	"",
	"    CPU 1 RUNQUEUE: ffff88f79e731c40",
	"      CURRENT: PID: 117    TASK: ffff88f7824d2100  COMMAND: \"fxspin\"",
	"      RT PRIO_ARRAY: ffff88f79e731e80",
	"         [no tasks queued]",
	"      CFS RB_ROOT: ffff88f79e731cf0",
	"         [no tasks queued]",
	"",
	"  The runqueue clocks and the running tasks' last arrivals:",
	"",
	"    crash> runq -t",
	"     CPU 0: 10406035725",
	"            10401470160  PID: 1      TASK: ffff88f781204200  COMMAND: \"init\"",
	"     CPU 1: 10437937792",
	"            10122538259  PID: 117    TASK: ffff88f7824d2100  COMMAND: \"fxspin\"",
	"",
	"  How long the running tasks have run, and the lag of each cpu:",
	"",
	"    crash> runq -m",
	"     CPU 0: [0 00:00:00.004]  PID: 1      TASK: ffff88f781204200  COMMAND: \"init\"",
	"     CPU 1: [0 00:00:00.315]  PID: 117    TASK: ffff88f7824d2100  COMMAND: \"fxspin\"",
	"    crash> runq -T",
	"      CPU 1: 0.00 secs",
	"      CPU 0: 0.03 secs",
	"",
	"  The queues by task group, of cpu 0 only:",
	"",
	"    crash> runq -g -c 0",
	"    CPU 0",
	"      CURRENT: PID: 1      TASK: ffff88f781204200  COMMAND: \"init\"",
	"      ROOT_TASK_GROUP: ffffffff89386780  CFS_RQ: ffff88f79e631cc0",
	"         [120] PID: 1      TASK: ffff88f781204200  COMMAND: \"init\" [CURRENT]",
	"         [120] PID: 15     TASK: ffff88f781264200  COMMAND: \"rcu_preempt\"",
	NULL,
};

struct runq_req {
	struct session *s;
	struct kernel k;
	const struct task_table *t;
	struct runq *r;
	unsigned int ncpus;	/* the cpus there are: up to the highest
				 * present one */
	bool *cpus;		/* [ncpus]: the cpus to show */
	int rc;
};

/* "1,8,9-14" or "all" into a mask of ncpus cpus; false (and a message)
 * if it does not parse or names a cpu there is not. */
static bool parse_cpus(const char *spec, unsigned int ncpus, bool *mask)
{
	const char *p = spec;

	if (!strcmp(spec, "a") || !strcmp(spec, "all")) {
		for (unsigned int i = 0; i < ncpus; i++)
			mask[i] = true;
		return true;
	}
	while (*p) {
		unsigned long a, b;
		char *end;

		if (*p < '0' || *p > '9')
			goto bad;
		a = b = strtoul(p, &end, 10);
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				goto bad;
			b = strtoul(p, &end, 10);
			p = end;
		}
		if (*p && *p != ',')
			goto bad;
		if (*p)
			p++;
		if (a > b || b >= ncpus) {
			fprintf(stderr, "runq: invalid cpu specification: %s\n",
				spec);
			return false;
		}
		for (; a <= b; a++)
			mask[a] = true;
	}
	return true;
bad:
	fprintf(stderr, "runq: %s: \"%c\" is not a cpu number (0 - %u)\n",
		spec, *p ? *p : ' ', ncpus ? ncpus - 1 : 0);
	return false;
}

static void print_error(struct runq_req *q, struct error *err)
{
	fflush(q->s->out);
	fprintf(stderr, "runq: %s\n", err->message);
	error_free(err);
	q->rc = 1;
}

static void task_id(FILE *out, const struct task *task)
{
	fprintf(out, "PID: %-5d  TASK: %" PRIx64 "  COMMAND: \"%s\"",
		task->pid, task->addr, task->comm);
}

static const struct task *current_of(const struct runq_req *q,
				     unsigned int cpu)
{
	return q->t->curr[cpu] ? tasks_by_addr(q->t, q->t->curr[cpu]) : NULL;
}

static void print_current(struct runq_req *q, unsigned int cpu)
{
	const struct task *cur = current_of(q, cpu);

	fputs("  CURRENT: ", q->s->out);
	if (cur)
		task_id(q->s->out, cur);
	else
		fprintf(q->s->out, "%" PRIx64, q->t->curr[cpu]);
	fputc('\n', q->s->out);
}

/* The items of a list as the default listing shows them: flat, each
 * task after its priority; the damage in its place. */
static void print_flat(struct runq_req *q, struct runq_list *l)
{
	FILE *out = q->s->out;
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct runq_item *it = &l->items[i];

		if (it->kind == RUNQ_ERROR) {
			print_error(q, it->error);
			it->error = NULL;
		} else if (it->kind == RUNQ_TASK) {
			fprintf(out, "     [%3d] ", it->prio);
			task_id(out, it->task);
			fputc('\n', out);
		}
	}
	if (!runq_list_tasks(l))
		fputs("     [no tasks queued]\n", out);
}

static void show_queues(struct runq_req *q)
{
	FILE *out = q->s->out;
	unsigned int cpu, shown = 0;

	for (cpu = 0; cpu < q->ncpus && !interrupted(); cpu++) {
		struct runq_list l = { 0 };
		struct runq_cpu c;
		struct error *err;

		if (!q->cpus[cpu])
			continue;
		fprintf(out, "%sCPU %u ", shown++ ? "\n" : "", cpu);
		err = runq_cpu(q->r, cpu, &c);
		if (err) {
			fputc('\n', out);
			print_error(q, err);
			continue;
		}
		fprintf(out, "RUNQUEUE: %" PRIx64 "\n", c.rq);
		print_current(q, cpu);
		fprintf(out, "  RT PRIO_ARRAY: %" PRIx64 "\n", c.rt_array);
		err = runq_rt_queued(q->r, &c, &l);
		print_flat(q, &l);
		runq_list_free(&l);
		if (err)
			print_error(q, err);
		fprintf(out, "  CFS RB_ROOT: %" PRIx64 "\n", c.cfs_root);
		err = runq_cfs_queued(q->r, &c, &l);
		print_flat(q, &l);
		runq_list_free(&l);
		if (err)
			print_error(q, err);
	}
}

/* -g: the items nested by depth.  A fair group's header stands where its
 * queue's tasks start, less three; a real-time group's among its parent's
 * entries, after its priority. */
static void print_nested(struct runq_req *q, struct runq_list *l, bool rt)
{
	FILE *out = q->s->out;
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct runq_item *it = &l->items[i];
		int col = rt ? 5 + 6 * it->depth : 5 + 3 * it->depth;

		switch (it->kind) {
		case RUNQ_ERROR:
			print_error(q, it->error);
			it->error = NULL;
			break;
		case RUNQ_TASK:
			fprintf(out, "%*s[%3d] ", col, "", it->prio);
			task_id(out, it->task);
			fputs(it->current ? " [CURRENT]\n" : "\n", out);
			break;
		case RUNQ_EMPTY:
			fprintf(out, "%*s[no tasks queued]\n", col, "");
			break;
		case RUNQ_GROUP:
			if (rt)
				fprintf(out, "%*s[%3d] TASK_GROUP: %" PRIx64
					"  RT_RQ: %" PRIx64, col, "", it->prio,
					it->group, it->queue);
			else
				fprintf(out, "%*sTASK_GROUP: %" PRIx64
					"  CFS_RQ: %" PRIx64 " ", col - 3, "",
					it->group, it->queue);
			if (it->name)
				fprintf(out, " <%s>", it->name);
			fputs(it->throttled ? " (THROTTLED)\n" : "\n", out);
			break;
		}
	}
}

static void show_groups(struct runq_req *q)
{
	FILE *out = q->s->out;
	struct runq_root root;
	unsigned int cpu, shown = 0;
	struct error *err = runq_root_group(q->r, &root);
	const char *name = root.init_name ? "INIT" : "ROOT";

	if (err) {
		print_error(q, error_prefix(err, "-g"));
		return;
	}
	for (cpu = 0; cpu < q->ncpus && !interrupted(); cpu++) {
		struct runq_list l = { 0 };
		uint64_t queue = 0;

		if (!q->cpus[cpu])
			continue;
		fprintf(out, "%sCPU %u\n", shown++ ? "\n" : "", cpu);
		print_current(q, cpu);
		if (root.rt) {
			err = runq_groups_rt(q->r, cpu, &queue, &l);
			if (!err || queue)
				fprintf(out, "  %s_TASK_GROUP: %" PRIx64
					"  RT_RQ: %" PRIx64 "\n", name,
					root.group, queue);
			print_nested(q, &l, true);
			runq_list_free(&l);
			if (err)
				print_error(q, err);
		}
		if (root.cfs) {
			queue = 0;
			err = runq_groups_cfs(q->r, cpu, current_of(q, cpu),
					      &queue, &l);
			if (!err || queue)
				fprintf(out, "  %s_TASK_GROUP: %" PRIx64
					"  CFS_RQ: %" PRIx64 "\n", name,
					root.group, queue);
			print_nested(q, &l, false);
			runq_list_free(&l);
			if (err)
				print_error(q, err);
		}
	}
}

/* -d: the task list's tasks on each cpu's runqueue. */
static void show_on_rq(struct runq_req *q)
{
	FILE *out = q->s->out;
	unsigned int cpu;
	size_t i;

	for (cpu = 0; cpu < q->ncpus && !interrupted(); cpu++) {
		size_t n = 0;

		if (!q->cpus[cpu])
			continue;
		/* a blank line before every cpu but cpu 0, shown or not */
		fprintf(out, "%sCPU %u\n", cpu ? "\n" : "", cpu);
		for (i = 0; i < q->t->n && !interrupted(); i++) {
			const struct task *task = &q->t->tasks[i];
			bool on_rq;
			int prio;
			struct error *err;

			if (task->cpu != (int)cpu)
				continue;
			err = runq_task_on_rq(q->r, task, &on_rq, &prio);
			if (err) {
				print_error(q, err);
				continue;
			}
			if (!on_rq)
				continue;
			fprintf(out, "     [%3d] ", prio);
			task_id(out, task);
			fputc('\n', out);
			n++;
		}
		if (!n)
			fputs("     [no tasks queued]\n", out);
	}
}

static int digits(uint64_t v)
{
	int n = 1;

	while (v > 9) {
		n++;
		v /= 10;
	}
	return n;
}

/* -t */
static void show_timestamps(struct runq_req *q)
{
	FILE *out = q->s->out;
	bool hex = q->s->radix == 16;
	unsigned int cpu;

	for (cpu = 0; cpu < q->ncpus && !interrupted(); cpu++) {
		const struct task *cur;
		uint64_t clock;
		char buf[32];
		struct error *err;
		int len;

		if (!q->cpus[cpu])
			continue;
		err = cpu_rq_clock(&q->k, cpu, &clock);
		if (err) {
			print_error(q, error_prefix(err, "cpu %u", cpu));
			continue;
		}
		len = snprintf(buf, sizeof(buf), hex ? "%" PRIx64 : "%" PRIu64,
			       clock);
		fprintf(out, "%sCPU %u: %s\n", cpu < 10 ? " " : "", cpu, buf);
		cur = current_of(q, cpu);
		if (!cur) {
			fputc('\n', out);
			continue;
		}
		fprintf(out, "%*s", cpu < 100 ? 8 : 9, "");
		fprintf(out, hex ? "%0*" PRIx64 : "%0*" PRIu64, len,
			cur->last_arrival);
		fputs("  ", out);
		task_id(out, cur);
		fputc('\n', out);
	}
}

struct lag {
	unsigned int cpu;
	uint64_t clock;
};

static int by_clock(const void *a, const void *b)
{
	const struct lag *x = a, *y = b;

	if (x->clock != y->clock)
		return x->clock > y->clock ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* -T: every cpu, the latest clock first. */
static void show_lag(struct runq_req *q)
{
	unsigned int n = q->ncpus, cpu, i = 0;
	struct lag *lag = calloc(n ? n : 1, sizeof(*lag));

	if (!lag) {
		print_error(q, error_nomem());
		return;
	}
	for (cpu = 0; cpu < n; cpu++) {
		struct error *err = cpu_rq_clock(&q->k, cpu, &lag[i].clock);

		if (err) {
			print_error(q, error_prefix(err, "cpu %u", cpu));
			continue;
		}
		lag[i++].cpu = cpu;
	}
	qsort(lag, i, sizeof(*lag), by_clock);
	for (cpu = 0; cpu < i; cpu++)
		fprintf(q->s->out, "%*sCPU %u: %.2f secs\n",
			2 + digits(n) - digits(lag[cpu].cpu), "", lag[cpu].cpu,
			(double)(lag[0].clock - lag[cpu].clock) / 1e9);
	free(lag);
}

/* "D HH:MM:SS.mmm" of ns */
static int format_ns(char *buf, size_t size, uint64_t ns)
{
	uint64_t ms = ns / 1000000;

	snprintf(buf, size, "%" PRIu64 " %02" PRIu64 ":%02" PRIu64 ":%02"
		 PRIu64 ".%03" PRIu64, ms / 86400000, ms / 3600000 % 24,
		 ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
	return (int)strcspn(buf, " ");
}

/* -m */
static void show_running_time(struct runq_req *q)
{
	FILE *out = q->s->out;
	unsigned int n = q->ncpus, cpu;
	int max_indent = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
	int days_width = 0;

	for (cpu = 0; cpu < n && !interrupted(); cpu++) {
		const struct task *cur;
		uint64_t clock;
		char buf[64];
		int indent, days;
		struct error *err;

		if (!q->cpus[cpu])
			continue;
		err = cpu_rq_clock(&q->k, cpu, &clock);
		if (err) {
			print_error(q, error_prefix(err, "cpu %u", cpu));
			continue;
		}
		if (!days_width)
			days_width = format_ns(buf, sizeof(buf), clock);
		indent = max_indent - (cpu < 10 ? 0 : cpu < 100 ? 1 :
				       cpu < 1000 ? 2 : 3);
		if (indent < 0)
			indent = 0;
		cur = current_of(q, cpu);
		if (!cur) {
			fprintf(out, "%*sCPU %u: [unknown]\n", indent, "", cpu);
			continue;
		}
		days = format_ns(buf, sizeof(buf), clock > cur->last_arrival ?
				 clock - cur->last_arrival : 0);
		fprintf(out, "%*sCPU %u: [%*s%s]  ", indent, "", cpu,
			days_width > days ? days_width - days : 0, "", buf);
		task_id(out, cur);
		fputc('\n', out);
	}
}

/* The cpus to show: up to the highest present one (the kernel may have
 * room for more, nr_cpu_ids, that were never brought up), as the classic
 * crash counts them. */
static unsigned int present_cpus(const struct kernel *k, unsigned int ncpus)
{
	unsigned int cpu, n = 0;

	for (cpu = 0; cpu < ncpus; cpu++) {
		bool set = false;
		struct error *err = kernel_cpu_in_mask(k, "__cpu_present_mask",
						       cpu, &set);

		if (err) {
			error_free(err);
			return ncpus;
		}
		if (set)
			n = cpu + 1;
	}
	return n ? n : ncpus;
}

int cmd_runq(struct session *s, int argc, char **argv)
{
	struct runq_req q = { .s = s, .k = session_kernel(s) };
	const char *cpus = NULL;
	char mode = 0;
	struct error *err;
	int c;

	optind = 0;
	while ((c = getopt(argc, argv, "dtTgmc:")) != -1) {
		switch (c) {
		case 'd':
		case 't':
		case 'T':
		case 'g':
		case 'm':
			/* the first of -t -T -m -d -g wins */
			if (!mode || strchr("tTmdg", c) < strchr("tTmdg", mode))
				mode = (char)c;
			break;
		case 'c':
			if (cpus) {
				fprintf(stderr, "runq: only one -c option "
					"allowed\n");
				command_usage(s->out, "runq");
				return 1;
			}
			cpus = optarg;
			break;
		default:
			command_usage(s->out, "runq");
			return 1;
		}
	}
	err = session_tasks(s, &q.t);
	if (!err)
		err = runq_open(&q.k, q.t, &q.r);
	if (err) {
		fprintf(stderr, "runq: %s\n", err->message);
		error_free(err);
		return 1;
	}
	q.ncpus = present_cpus(&q.k, q.t->ncpus);
	q.cpus = calloc(q.ncpus ? q.ncpus : 1, sizeof(*q.cpus));
	if (!q.cpus) {
		runq_close(q.r);
		fprintf(stderr, "runq: out of memory\n");
		return 1;
	}
	if (cpus && !parse_cpus(cpus, q.ncpus, q.cpus)) {
		free(q.cpus);
		runq_close(q.r);
		return 1;
	}
	if (!cpus)
		for (unsigned int i = 0; i < q.ncpus; i++)
			q.cpus[i] = true;
	switch (mode) {
	case 't':
		show_timestamps(&q);
		break;
	case 'T':
		show_lag(&q);
		break;
	case 'm':
		show_running_time(&q);
		break;
	case 'd':
		show_on_rq(&q);
		break;
	case 'g':
		show_groups(&q);
		break;
	default:
		show_queues(&q);
		break;
	}
	free(q.cpus);
	runq_close(q.r);
	return q.rc;
}
