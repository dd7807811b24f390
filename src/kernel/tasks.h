/*
 * The task table: every thread of every process and the per-cpu idle
 * tasks, read once per session from the kernel's lists and kept sorted by
 * pid (idle tasks by cpu), the way ps shows them.
 */
#ifndef CRASH_KERNEL_TASKS_H
#define CRASH_KERNEL_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;

struct task {
	uint64_t addr;		/* the task_struct */
	int32_t pid, tgid;
	uint64_t parent;	/* task->parent (the tracer while traced) */
	int32_t ppid;
	int cpu;		/* task_cpu(): where it last ran */
	uint64_t state;		/* __state (or state before 5.14) */
	uint64_t exit_state;
	uint64_t flags;		/* PF_* */
	char comm[17];
	uint64_t mm;		/* 0 for kernel threads */
	uint64_t stack;		/* the kernel stack's base (task->stack) */
	uint64_t last_arrival;	/* sched_info.last_arrival, ns */
	bool active;		/* the current task of its cpu */
	bool idle;		/* a per-cpu idle task (pid 0) */
	bool kernel_thread;	/* PF_KTHREAD */
};

struct task_table {
	struct task *tasks;	/* by pid; the idle tasks first, by cpu */
	size_t n;
	unsigned int ncpus;	/* possible cpu ids */
	uint64_t *curr;		/* [ncpus]: rq->curr of each cpu, 0 if none */
	/* The task that panicked: the crashing cpu's current task, or NULL
	 * if the dump does not say which cpu crashed. */
	const struct task *panic;
	/* What went wrong while walking (a cycle, a pointer into nowhere):
	 * the walk stops at that point, the table holds what came before.
	 * NULL if nothing did. */
	struct error *warning;
	const struct task **by_addr;	/* [n], sorted by address */
};

/* Where else to learn which cpu panicked when the kernel's panic_cpu does
 * not say (the log's "CPU:" line, say): -1 if it is not known.  Called
 * only then: finding it may cost a walk of the whole log. */
typedef int (*crash_cpu_fn)(void *arg);

/* Read the task table.  Errors mean no table at all (no debug info, no
 * init_task). */
struct error *tasks_read(const struct kernel *k, crash_cpu_fn crash_cpu,
			 void *arg, struct task_table **ret);
void tasks_free(struct task_table *t);

/* Lookups; NULL if there is no such task.  by_pid finds the first of a pid
 * (pid 0: cpu 0's idle task). */
const struct task *tasks_by_pid(const struct task_table *t, int32_t pid);
const struct task *tasks_by_addr(const struct task_table *t, uint64_t addr);
/* The task whose pid or task_struct address text names ("123",
 * "ffff8881..."): decimal is a pid, hexadecimal (or 0x...) an address. */
const struct task *tasks_find(const struct task_table *t, const char *text);

/* The classic two-letter state: RU IN UN ST TR ZO DE SW WA PA ID NE. */
const char *task_state_name(const struct task *task);

#endif
