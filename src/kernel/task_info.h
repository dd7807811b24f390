/* More of a task than the task table keeps, read when a command asks:
 * times (ps -t), scheduling (ps -y), the saved stack pointer (ps -s),
 * its runqueue's clock (ps -m). */
#ifndef CRASH_KERNEL_TASK_INFO_H
#define CRASH_KERNEL_TASK_INFO_H

#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;
struct task;

struct task_times {
	uint64_t start_time;	/* ns since boot */
	uint64_t utime, stime;	/* ns */
};
struct error *task_times_read(const struct kernel *k, const struct task *t,
			      struct task_times *out);

/* policy (SCHED_NORMAL 0, FIFO 1, RR 2, BATCH 3, IDLE 5, DEADLINE 6) and
 * prio as the task has them. */
struct error *task_sched_read(const struct kernel *k, const struct task *t,
			      uint64_t *policy, int64_t *prio);

/* The kernel stack pointer saved when the task was switched out
 * (thread.sp). */
struct error *task_saved_sp(const struct kernel *k, const struct task *t,
			    uint64_t *sp);

/* The resource limits of the task's process (signal->rlim[]): up to max
 * pairs of current and maximum values, *n of them. */
struct error *task_rlimits(const struct kernel *k, const struct task *t,
			   uint64_t (*lim)[2], size_t max, size_t *n);

/* The physical address of the top page table of the task's address space
 * (mm->pgd), for vmem_uvtop/vmem_read_user; an error for a task with no
 * mm (a kernel thread). */
struct error *task_user_root(const struct kernel *k, const struct task *t,
			     uint64_t *root);

/* Where the task's command line and environment strings are in its user
 * memory (mm->arg_start, arg_end, env_start, env_end). */
struct error *task_arg_env(const struct kernel *k, const struct task *t,
			   uint64_t range[4]);

/* The clock of cpu's runqueue (rq->clock, ns). */
struct error *cpu_rq_clock(const struct kernel *k, unsigned int cpu,
			   uint64_t *clock);

#endif
