/*
 * INTERIM, until the task table lands from main: only the active task of
 * each cpu (runqueues.curr), enough for bt -a and bt of the panic task.
 * Deleted at the merge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "kernel.h"
#include "tasks.h"

static struct error *read_task(const struct kernel *k, uint64_t addr,
			       unsigned int cpu, struct task *t)
{
	struct kernel_field pid, stack, comm;
	uint64_t v;
	struct error *err;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->addr = addr;
	t->cpu = (int)cpu;
	t->active = true;
	err = kernel_field(k, "task_struct", "pid", &pid);
	if (!err)
		err = kernel_field(k, "task_struct", "stack", &stack);
	if (!err)
		err = kernel_field(k, "task_struct", "comm", &comm);
	if (!err)
		err = kernel_read_field(k, addr, &pid, &v);
	if (err)
		return err;
	t->pid = (int32_t)v;
	t->idle = !t->pid;
	err = kernel_read_field(k, addr, &stack, &t->stack);
	for (i = 0; !err && i < 16; i++) {
		err = kernel_read_number(k, addr + comm.offset + i, 1, &v);
		t->comm[i] = (char)v;
	}
	return err;
}

struct error *tasks_read(const struct kernel *k, int crash_cpu,
			 struct task_table **ret)
{
	struct task_table *tt;
	struct kernel_field curr;
	uint64_t rq, addr, task;
	unsigned int cpu;
	struct error *err;

	tt = calloc(1, sizeof(*tt));
	if (!tt)
		return error_nomem();
	err = kernel_nr_cpu_ids(k, &tt->ncpus);
	if (!err)
		err = kernel_symbol(k, "runqueues", &rq);
	if (!err)
		err = kernel_field(k, "rq", "curr", &curr);
	if (err) {
		free(tt);
		return err;
	}
	tt->tasks = calloc(tt->ncpus, sizeof(*tt->tasks));
	tt->curr = calloc(tt->ncpus, sizeof(*tt->curr));
	if (!tt->tasks || !tt->curr) {
		tasks_free(tt);
		return error_nomem();
	}
	for (cpu = 0; cpu < tt->ncpus; cpu++) {
		err = kernel_per_cpu(k, rq, cpu, &addr);
		if (!err)
			err = kernel_read_pointer(k, addr + curr.offset, &task);
		if (!err && task)
			err = read_task(k, task, cpu, &tt->tasks[tt->n]);
		if (err) {
			error_free(err);
			continue;
		}
		if (!task)
			continue;
		tt->curr[cpu] = task;
		if ((int)cpu == crash_cpu)
			tt->panic = &tt->tasks[tt->n];
		tt->n++;
	}
	*ret = tt;
	return NULL;
}

void tasks_free(struct task_table *t)
{
	if (!t)
		return;
	free(t->tasks);
	free(t->curr);
	error_free(t->warning);
	free(t);
}

const struct task *tasks_by_pid(const struct task_table *t, int32_t pid)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->tasks[i].pid == pid)
			return &t->tasks[i];
	return NULL;
}

const struct task *tasks_by_addr(const struct task_table *t, uint64_t addr)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->tasks[i].addr == addr)
			return &t->tasks[i];
	return NULL;
}

const struct task *tasks_find(const struct task_table *t, const char *text)
{
	char *end;
	unsigned long long v;
	bool hex = !strncmp(text, "0x", 2) || strspn(text, "0123456789") !=
		strlen(text);

	v = strtoull(text, &end, hex ? 16 : 10);
	if (*end)
		return NULL;
	return hex ? tasks_by_addr(t, v) : tasks_by_pid(t, (int32_t)v);
}

/* INTERIM: any task_struct by address, sleeping (for testing bt). */
const struct task *tasks_interim_at(const struct kernel *k, uint64_t addr,
				    struct task *t);
const struct task *tasks_interim_at(const struct kernel *k, uint64_t addr,
				    struct task *t)
{
	struct error *err = read_task(k, addr, 0, t);
	struct kernel_field cpu;
	uint64_t v;

	if (err) {
		error_free(err);
		return NULL;
	}
	t->active = false;
	if (!kernel_field(k, "task_struct", "cpu", &cpu) &&
	    !kernel_read_field(k, addr, &cpu, &v))
		t->cpu = (int)v;
	return t;
}

const char *task_state_name(const struct task *task)
{
	return task->active ? "RU" : "??";
}
