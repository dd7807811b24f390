/*
 * The task table.  Processes are found on init_task.tasks, their threads
 * on signal->thread_head (or, before it existed, the task's thread_group
 * list), and the idle tasks, which are on neither, through each cpu's
 * runqueue.  Every list walk is bounded and cycle-checked: a damaged list
 * ends the walk with a warning, the tasks read so far are kept.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../util/addr_set.h"
#include "../arch/vmem.h"
#include "../util/error.h"
#include "kernel.h"
#include "tasks.h"

/* PID_MAX_LIMIT: no kernel has more tasks than pids. */
#define MAX_TASKS (4u * 1024 * 1024)

/* The task_struct members the table needs, looked up once per read. */
struct task_fields {
	struct kernel_field tasks, pid, tgid, parent, state, exit_state,
		flags, comm, mm, stack, cpu, last_arrival, signal, thread_node,
		thread_group, thread_head, rq_curr, rq_idle;
	bool has_thread_node, has_last_arrival, has_stack;
};

static struct error *fields_read(const struct kernel *k, struct task_fields *f)
{
	static const struct {
		const char *type, *member, *alt;
		size_t at;
	} need[] = {
#define AT(m) offsetof(struct task_fields, m)
		{ "task_struct", "tasks", NULL, AT(tasks) },
		{ "task_struct", "pid", NULL, AT(pid) },
		{ "task_struct", "tgid", NULL, AT(tgid) },
		/* parent, not real_parent: the tracer while traced, as ps shows */
		{ "task_struct", "parent", NULL, AT(parent) },
		/* renamed __state in 5.14 (2f064a59a11f) */
		{ "task_struct", "__state", "state", AT(state) },
		{ "task_struct", "exit_state", NULL, AT(exit_state) },
		{ "task_struct", "flags", NULL, AT(flags) },
		{ "task_struct", "comm", NULL, AT(comm) },
		{ "task_struct", "mm", NULL, AT(mm) },
		/* in thread_info when THREAD_INFO_IN_TASK since 5.16
		 * (bcf9033e5449), in task_struct before */
		{ "task_struct", "thread_info.cpu", "cpu", AT(cpu) },
		{ "task_struct", "signal", NULL, AT(signal) },
		{ "rq", "curr", NULL, AT(rq_curr) },
		{ "rq", "idle", NULL, AT(rq_idle) },
#undef AT
	};
	struct error *err;
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		struct kernel_field *kf = (struct kernel_field *)((char *)f +
								  need[i].at);

		err = kernel_field(k, need[i].type, need[i].member, kf);
		if (err && need[i].alt) {
			error_free(err);
			err = kernel_field(k, need[i].type, need[i].alt, kf);
		}
		if (err)
			return err;
	}
	f->has_stack = kernel_field_if(k, "task_struct", "stack", &f->stack);
	f->has_last_arrival = kernel_field_if(k, "task_struct",
					    "sched_info.last_arrival",
					    &f->last_arrival);
	/* signal->thread_head came in 3.14 (0c740d0afc3b); thread_group
	 * went in 6.7 */
	f->has_thread_node =
		kernel_has_member(k, "task_struct", "thread_node") &&
		kernel_has_member(k, "signal_struct", "thread_head");
	if (f->has_thread_node) {
		err = kernel_field(k, "task_struct", "thread_node",
				   &f->thread_node);
		if (!err)
			err = kernel_field(k, "signal_struct", "thread_head",
					   &f->thread_head);
	} else {
		err = kernel_field(k, "task_struct", "thread_group",
				   &f->thread_group);
	}
	return err;
}

struct reader {
	const struct kernel *k;
	struct task_fields f;
	struct task_table *t;
	size_t cap;
	struct addr_set seen;
};

static struct error *read_comm(const struct kernel *k, uint64_t addr,
			       const struct task_fields *f, char *comm)
{
	size_t len = f->comm.size < 16 ? (size_t)f->comm.size : 16;
	struct error *err = vmem_read(k->vm, addr + f->comm.offset, comm, len);

	comm[err ? 0 : len] = '\0';
	return err;
}

/* Read the task at addr into a new table entry. */
static struct error *task_add(struct reader *r, uint64_t addr, bool idle)
{
	const struct kernel *k = r->k;
	const struct task_fields *f = &r->f;
	struct task *task;
	uint64_t v;
	struct error *err;

	if (r->t->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		struct task *n = realloc(r->t->tasks, cap * sizeof(*n));

		if (!n)
			return error_nomem();
		r->t->tasks = n;
		r->cap = cap;
	}
	task = &r->t->tasks[r->t->n];
	memset(task, 0, sizeof(*task));
	task->addr = addr;
	task->idle = idle;
	err = kernel_read_field(k, addr, &f->pid, &v);
	if (err)
		return error_prefix(err, "task_struct %#" PRIx64, addr);
	task->pid = (int32_t)v;
	if (!(err = kernel_read_field(k, addr, &f->tgid, &v)))
		task->tgid = (int32_t)v;
	if (!err && !(err = kernel_read_field(k, addr, &f->cpu, &v)))
		task->cpu = (int)v;
	if (!err)
		err = kernel_read_field(k, addr, &f->state, &task->state);
	if (!err)
		err = kernel_read_field(k, addr, &f->exit_state,
					&task->exit_state);
	if (!err)
		err = kernel_read_field(k, addr, &f->flags, &task->flags);
	if (!err)
		err = kernel_read_field(k, addr, &f->mm, &task->mm);
	if (!err)
		err = kernel_read_field(k, addr, &f->parent,
					&task->parent);
	if (!err && f->has_stack)
		err = kernel_read_field(k, addr, &f->stack, &task->stack);
	if (!err && f->has_last_arrival)
		err = kernel_read_field(k, addr, &f->last_arrival,
					&task->last_arrival);
	if (!err)
		err = read_comm(k, addr, f, task->comm);
	if (err)
		return error_prefix(err, "task_struct %#" PRIx64 " (pid %d)",
				    addr, task->pid);
	/* PF_KTHREAD (2.6.27): a user task that exited and dropped its mm
	 * is still a user task */
	task->kernel_thread = task->flags & 0x00200000;
	r->t->n++;
	return NULL;
}

/* Follow the list_head at head (inside the structure at owner) whose
 * entries are task_structs linked through member field: call fn for each
 * entry's task_struct address.  Stops at the head, at a task seen before
 * (a cycle: an error), or at MAX_TASKS. */
static struct error *walk_list(struct reader *r, uint64_t head,
			       const struct kernel_field *link,
			       struct error *(*fn)(struct reader *, uint64_t))
{
	uint64_t next, task;
	size_t steps = 0;
	struct error *err;

	err = kernel_read_pointer(r->k, head, &next);
	while (!err && next != head) {
		if (++steps > MAX_TASKS)
			return error_create(ERR_FORMAT, "the task list at %#"
					    PRIx64 " has more than %u entries: "
					    "a loop", head, MAX_TASKS);
		if (!next)
			return error_create(ERR_FORMAT, "a NULL pointer in the "
					    "task list at %#" PRIx64, head);
		task = next - link->offset;
		err = fn(r, task);
		if (!err)
			err = kernel_read_pointer(r->k, next, &next);
	}
	return err;
}

static struct error *add_thread(struct reader *r, uint64_t task)
{
	int fresh = addr_set_add(&r->seen, task);

	if (fresh < 0)
		return error_nomem();
	if (!fresh)
		return NULL;	/* the group leader, met first as a process */
	return task_add(r, task, false);
}

static struct error *add_process(struct reader *r, uint64_t task)
{
	const struct task_fields *f = &r->f;
	uint64_t signal;
	struct error *err;
	int fresh = addr_set_add(&r->seen, task);

	if (fresh < 0)
		return error_nomem();
	if (!fresh)
		return error_create(ERR_FORMAT, "the process list comes back "
				    "to task %#" PRIx64 ": a loop", task);
	err = task_add(r, task, false);
	if (err)
		return err;
	if (f->has_thread_node) {
		err = kernel_read_field(r->k, task, &f->signal, &signal);
		if (!err && signal)
			err = walk_list(r, signal + f->thread_head.offset,
					&f->thread_node, add_thread);
	} else {
		/* thread_group links the threads in a ring without a head:
		 * start at the leader's member, which ends the walk. */
		err = walk_list(r, task + f->thread_group.offset,
				&f->thread_group, add_thread);
	}
	return err ? error_prefix(err, "threads of pid %d",
				  r->t->tasks[r->t->n - 1].pid) : NULL;
}

static int by_pid(const void *a, const void *b)
{
	const struct task *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int by_address(const void *a, const void *b)
{
	const struct task *const *x = a, *const *y = b;

	return (*x)->addr < (*y)->addr ? -1 : (*x)->addr > (*y)->addr;
}

/* Each cpu's runqueue: its current and idle tasks. */
static struct error *read_runqueues(struct reader *r, uint64_t *idle)
{
	const struct kernel *k = r->k;
	struct task_table *t = r->t;
	uint64_t rq, runqueues;
	unsigned int cpu;
	struct error *err;
	bool online;

	err = kernel_nr_cpu_ids(k, &t->ncpus);
	if (!err)
		err = kernel_symbol(k, "runqueues", &runqueues);
	if (err)
		return err;
	t->curr = calloc(t->ncpus, sizeof(*t->curr));
	if (!t->curr)
		return error_nomem();
	for (cpu = 0; cpu < t->ncpus; cpu++) {
		err = kernel_cpu_in_mask(k, "__cpu_online_mask", cpu, &online);
		if (err)
			return err;
		if (!online)
			continue;
		err = kernel_per_cpu(k, runqueues, cpu, &rq);
		if (!err)
			err = kernel_read_field(k, rq, &r->f.rq_curr,
						&t->curr[cpu]);
		if (!err)
			err = kernel_read_field(k, rq, &r->f.rq_idle,
						&idle[cpu]);
		if (err)
			return error_prefix(err, "runqueue of cpu %u", cpu);
	}
	return NULL;
}

/* panic_cpu (an atomic_t, -1 when no cpu panicked), else the caller's
 * idea (the log's). */
static int panic_cpu(const struct kernel *k, crash_cpu_fn crash_cpu,
		     void *arg, unsigned ncpus)
{
	uint64_t v;
	struct error *err = kernel_var_number(k, "panic_cpu", "counter", &v);
	int cpu = err ? -1 : (int)(int32_t)v;

	error_free(err);
	if ((cpu < 0 || (unsigned)cpu >= ncpus) && crash_cpu)
		cpu = crash_cpu(arg);
	return cpu >= 0 && (unsigned)cpu < ncpus ? cpu : -1;
}

struct error *tasks_read(const struct kernel *k, crash_cpu_fn crash_cpu,
			 void *arg, struct task_table **ret)
{
	struct reader r = { .k = k };
	uint64_t init_task, *idle = NULL;
	unsigned int cpu;
	struct error *err;
	int pcpu;

	if (!k->vm)
		return error_create(ERR_UNSUPPORTED, "no kernel virtual memory "
				    "to read tasks from");
	r.t = calloc(1, sizeof(*r.t));
	if (!r.t)
		return error_nomem();
	err = fields_read(k, &r.f);
	if (!err)
		err = kernel_symbol(k, "init_task", &init_task);
	if (!err) {
		err = kernel_nr_cpu_ids(k, &cpu);
		if (!err && !(idle = calloc(cpu, sizeof(*idle))))
			err = error_nomem();
	}
	if (!err)
		err = read_runqueues(&r, idle);
	if (err) {
		free(idle);
		free(r.seen.slot);
		tasks_free(r.t);
		return err;
	}
	/* The idle tasks first: init_task is cpu 0's and heads the process
	 * list, so it must be known before the walk meets it. */
	for (cpu = 0; cpu < r.t->ncpus && !err; cpu++) {
		if (!idle[cpu] || addr_set_add(&r.seen, idle[cpu]) <= 0)
			continue;
		err = task_add(&r, idle[cpu], true);
	}
	if (!err && !r.t->n)	/* no runqueue named one: cpu 0's */
		err = addr_set_add(&r.seen, init_task) < 0 ? error_nomem()
						      : task_add(&r, init_task,
								 true);
	if (!err)
		err = walk_list(&r, init_task + r.f.tasks.offset, &r.f.tasks,
				add_process);
	free(idle);
	free(r.seen.slot);
	r.t->warning = err;
	qsort(r.t->tasks, r.t->n, sizeof(*r.t->tasks), by_pid);
	r.t->by_addr = malloc((r.t->n ? r.t->n : 1) * sizeof(*r.t->by_addr));
	if (!r.t->by_addr) {
		tasks_free(r.t);
		return error_nomem();
	}
	for (size_t i = 0; i < r.t->n; i++)
		r.t->by_addr[i] = &r.t->tasks[i];
	qsort(r.t->by_addr, r.t->n, sizeof(*r.t->by_addr), by_address);
	for (size_t i = 0; i < r.t->n; i++) {
		struct task *task = &r.t->tasks[i];
		const struct task *parent = tasks_by_addr(r.t, task->parent);

		task->ppid = parent && !task->idle ? parent->pid : 0;
		task->active = task->cpu >= 0 &&
			       (unsigned)task->cpu < r.t->ncpus &&
			       r.t->curr[task->cpu] == task->addr;
	}
	pcpu = panic_cpu(k, crash_cpu, arg, r.t->ncpus);
	if (pcpu >= 0)
		r.t->panic = tasks_by_addr(r.t, r.t->curr[pcpu]);
	*ret = r.t;
	return NULL;
}

void tasks_free(struct task_table *t)
{
	if (!t)
		return;
	free(t->tasks);
	free(t->by_addr);
	free(t->curr);
	error_free(t->warning);
	free(t);
}

const struct task *tasks_by_pid(const struct task_table *t, int32_t pid)
{
	size_t lo = 0, hi = t->n;

	/* the first entry of pid: sorted by pid */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->tasks[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->tasks[lo].pid == pid ? &t->tasks[lo] : NULL;
}

const struct task *tasks_by_addr(const struct task_table *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->by_addr[mid]->addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->by_addr[lo]->addr == addr ? t->by_addr[lo]
							  : NULL;
}

const struct task *tasks_find(const struct task_table *t, const char *text)
{
	const char *p = text;
	bool hex = false;
	uint64_t v;
	char *end;

	if (!strncmp(p, "0x", 2) || !strncmp(p, "0X", 2)) {
		hex = true;
		p += 2;
	}
	if (!*p)
		return NULL;
	for (const char *c = p; *c; c++)
		if ((*c >= 'a' && *c <= 'f') || (*c >= 'A' && *c <= 'F'))
			hex = true;
	v = strtoull(p, &end, hex ? 16 : 10);
	if (*end)
		return NULL;
	if (!hex) {
		if (v > INT32_MAX)
			return tasks_by_addr(t, strtoull(p, NULL, 16));
		return tasks_by_pid(t, (int32_t)v);
	}
	return tasks_by_addr(t, v);
}

/*
 * The state bits, as the kernel has numbered them since 4.14 (its
 * task_state_array and TASK_REPORT): 1 INTERRUPTIBLE, 2 UNINTERRUPTIBLE,
 * 4 STOPPED, 8 TRACED, 0x10 EXIT_DEAD, 0x20 EXIT_ZOMBIE, 0x40 PARKED,
 * 0x80 DEAD, 0x100 WAKEKILL, 0x200 WAKING, 0x400 NOLOAD, 0x800 NEW.
 * Several bits set: the classic crash names the last that applies in
 * this order, and DEAD only when nothing else does.
 */
const char *task_state_name(const struct task *task)
{
	uint64_t st = task->state | task->exit_state;
	const char *name = "??";
	bool set = false;

	if (st == 0)
		return "RU";
	if (st & 0x1) {
		name = "IN";
		set = true;
	}
	if (st & 0x2) {
		name = st & 0x400 ? "ID" : "UN";
		set = true;
	}
	if (st & 0x20) {
		name = "ZO";
		set = true;
	}
	if (st & 0x4) {
		name = "ST";
		set = true;
	}
	if (st & 0x8) {
		name = "TR";
		set = true;
	}
	if ((st & 0x90) && !set)
		name = "DE";
	if (st == 0x40)
		name = "PA";
	if (st == 0x200)
		name = "WA";
	if (st == 0x800)
		name = "NE";
	return name;
}
