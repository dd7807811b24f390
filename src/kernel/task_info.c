/* Single task_struct and runqueue members, by name. */
#include "../arch/vmem.h"
#include "../util/error.h"
#include "kernel.h"
#include "task_info.h"
#include "tasks.h"

/* Read the listed task_struct members of task into out[]. */
static struct error *read_members(const struct kernel *k, uint64_t addr,
				  const char *type, const char *const *names,
				  uint64_t *out, int n)
{
	struct kernel_field f;
	struct error *err = NULL;
	int i;

	for (i = 0; i < n && !err; i++) {
		err = kernel_field(k, type, names[i], &f);
		if (!err)
			err = kernel_read_field(k, addr, &f, &out[i]);
	}
	return err;
}

struct error *task_times_read(const struct kernel *k, const struct task *t,
			      struct task_times *out)
{
	static const char *const names[] = { "start_time", "utime", "stime" };
	uint64_t v[3];
	struct error *err = read_members(k, t->addr, "task_struct", names, v,
					 3);

	if (err)
		return error_prefix(err, "pid %d", t->pid);
	out->start_time = v[0];
	out->utime = v[1];
	out->stime = v[2];
	return NULL;
}

struct error *task_sched_read(const struct kernel *k, const struct task *t,
			      uint64_t *policy, int64_t *prio)
{
	static const char *const names[] = { "policy", "prio" };
	uint64_t v[2];
	struct error *err = read_members(k, t->addr, "task_struct", names, v,
					 2);

	if (err)
		return error_prefix(err, "pid %d", t->pid);
	*policy = v[0];
	*prio = (int32_t)v[1];
	return NULL;
}

struct error *task_saved_sp(const struct kernel *k, const struct task *t,
			    uint64_t *sp)
{
	static const char *const names[] = { "thread.sp" };
	struct error *err = read_members(k, t->addr, "task_struct", names, sp,
					 1);

	return err ? error_prefix(err, "pid %d", t->pid) : NULL;
}

struct error *cpu_rq_clock(const struct kernel *k, unsigned int cpu,
			   uint64_t *clock)
{
	static const char *const names[] = { "clock" };
	uint64_t runqueues, rq;
	struct error *err = kernel_symbol(k, "runqueues", &runqueues);

	if (!err)
		err = kernel_per_cpu(k, runqueues, cpu, &rq);
	if (!err)
		err = read_members(k, rq, "rq", names, clock, 1);
	return err;
}

struct error *task_rlimits(const struct kernel *k, const struct task *t,
			   uint64_t (*lim)[2], size_t max, size_t *n)
{
	struct kernel_field signal, rlim, one;
	uint64_t sig;
	struct error *err = kernel_field(k, "task_struct", "signal", &signal);
	size_t i;

	if (!err)
		err = kernel_field(k, "signal_struct", "rlim", &rlim);
	if (!err)
		err = kernel_field(k, "signal_struct", "rlim[0]", &one);
	if (!err)
		err = kernel_read_field(k, t->addr, &signal, &sig);
	if (err)
		return error_prefix(err, "pid %d", t->pid);
	*n = one.size ? (size_t)(rlim.size / one.size) : 0;
	if (*n > max)
		*n = max;
	for (i = 0; i < *n && !err; i++) {
		uint64_t at = sig + rlim.offset + i * one.size;

		err = kernel_read_pointer(k, at, &lim[i][0]);
		if (!err)
			err = kernel_read_pointer(k, at + one.size / 2,
						  &lim[i][1]);
	}
	return err ? error_prefix(err, "rlimits of pid %d", t->pid) : NULL;
}

struct error *task_user_root(const struct kernel *k, const struct task *t,
			     uint64_t *root)
{
	static const char *const names[] = { "pgd" };
	uint64_t pgd;
	struct error *err;

	if (!t->mm)
		return error_create(ERR_NOT_FOUND, "pid %d has no user address "
				    "space", t->pid);
	err = read_members(k, t->mm, "mm_struct", names, &pgd, 1);
	if (!err)
		err = vmem_vtop(k->vm, pgd, root);
	return err ? error_prefix(err, "page tables of pid %d", t->pid)
		   : NULL;
}

struct error *task_arg_env(const struct kernel *k, const struct task *t,
			   uint64_t range[4])
{
	static const char *const names[] = {
		"arg_start", "arg_end", "env_start", "env_end",
	};
	struct error *err;

	if (!t->mm)
		return error_create(ERR_NOT_FOUND, "pid %d has no user address "
				    "space", t->pid);
	err = read_members(k, t->mm, "mm_struct", names, range, 4);
	return err ? error_prefix(err, "pid %d", t->pid) : NULL;
}
