/*
 * A task's memory use.  The resident set is the sum of the file, anon and
 * shmem counters of its mm: atomic longs in mm->rss_stat.count[] until 6.2,
 * per-cpu counters (mm->rss_stat[]) since (f1a7941243c1).  Kernels with
 * SPLIT_RSS_COUNTING (before 6.2) also keep per-thread deltas not yet
 * folded into the mm (task->rss_stat.count[]); those of every thread of
 * the process count too.  Negative counters count as zero, as the kernel's
 * get_mm_counter() does.  The share of memory is taken of the pages below
 * high_memory, the way the classic crash does.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "../arch/vmem.h"
#include "../util/error.h"
#include "kernel.h"
#include "task_mem.h"
#include "tasks.h"

struct task_mem_reader {
	const struct kernel *k;
	const struct task_table *t;
	struct kernel_field total_vm, rss_stat, task_rss;
	bool percpu;		/* rss_stat[] is struct percpu_counter */
	bool split;		/* task->rss_stat exists */
	uint64_t counter_size;	/* sizeof one counter: long or percpu_counter */
	struct kernel_field pc_count, pc_counters;
	int64_t idx[3];		/* MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES */
	unsigned int cpus;
	uint64_t total_pages;
	const struct task **by_tgid;	/* split: the tasks sorted by tgid */
};

static int by_tgid(const void *a, const void *b)
{
	const struct task *const *x = a, *const *y = b;

	return (*x)->tgid < (*y)->tgid ? -1 : (*x)->tgid > (*y)->tgid;
}

static int64_t positive(int64_t v)
{
	return v < 0 ? 0 : v;
}

struct error *task_mem_open(const struct kernel *k,
			    const struct task_table *t,
			    struct task_mem_reader **ret)
{
	static const char *const counters[3] = {
		"MM_FILEPAGES", "MM_ANONPAGES", "MM_SHMEMPAGES"
	};
	struct task_mem_reader *r = calloc(1, sizeof(*r));
	struct kernel_field one;
	uint64_t high, base;
	struct error *err;
	int i;

	if (!r)
		return error_nomem();
	r->k = k;
	r->t = t;
	r->cpus = t->ncpus;
	err = kernel_field(k, "mm_struct", "total_vm", &r->total_vm);
	if (!err)
		err = kernel_field(k, "mm_struct", "rss_stat", &r->rss_stat);
	for (i = 0; i < 3 && !err; i++)
		err = kernel_enumerator(k, counters[i], &r->idx[i]);
	if (!err) {
		r->percpu = kernel_has_member(k, "mm_struct",
					      "rss_stat[0].counters");
		if (r->percpu) {
			err = kernel_field(k, "mm_struct", "rss_stat[0]", &one);
			if (!err)
				err = kernel_field(k, "percpu_counter", "count",
						   &r->pc_count);
			if (!err)
				err = kernel_field(k, "percpu_counter",
						   "counters", &r->pc_counters);
		} else {
			err = kernel_field(k, "mm_struct", "rss_stat.count[0]",
					   &one);
		}
		r->counter_size = one.size;
	}
	if (!err) {
		r->split = kernel_field_if(k, "task_struct", "rss_stat.count",
					 &r->task_rss);
		err = kernel_var_number(k, "high_memory", NULL, &high);
	}
	if (!err)
		err = kernel_direct_map_base(k, &base);
	if (!err && r->split) {
		r->by_tgid = malloc((t->n ? t->n : 1) * sizeof(*r->by_tgid));
		if (!r->by_tgid)
			err = error_nomem();
		for (size_t j = 0; !err && j < t->n; j++)
			r->by_tgid[j] = &t->tasks[j];
		if (!err)
			qsort(r->by_tgid, t->n, sizeof(*r->by_tgid), by_tgid);
	}
	if (err) {
		task_mem_close(r);
		return error_prefix(err, "task memory");
	}
	r->total_pages = (high - base) / k->vm->page_size;
	*ret = r;
	return NULL;
}

void task_mem_close(struct task_mem_reader *r)
{
	if (r)
		free(r->by_tgid);
	free(r);
}

/* One percpu_counter: its count plus each cpu's not yet folded delta. */
static struct error *percpu_counter(struct task_mem_reader *r, uint64_t at,
				    int64_t *sum)
{
	uint64_t count, counters, pcpu, v;
	struct error *err = kernel_read_field(r->k, at, &r->pc_count, &count);
	unsigned int cpu;

	if (!err)
		err = kernel_read_field(r->k, at, &r->pc_counters, &counters);
	*sum = (int64_t)count;
	for (cpu = 0; !err && counters && cpu < r->cpus; cpu++) {
		err = kernel_per_cpu(r->k, counters, cpu, &pcpu);
		if (!err)
			err = kernel_read_number(r->k, pcpu, 4, &v);
		*sum += (int32_t)v;
	}
	return err;
}

static struct error *mm_rss(struct task_mem_reader *r, uint64_t mm,
			    uint64_t *rss)
{
	uint64_t v;
	int64_t n;
	struct error *err = NULL;
	int i;

	*rss = 0;
	for (i = 0; i < 3 && !err; i++) {
		uint64_t at = mm + r->rss_stat.offset +
			      (uint64_t)r->idx[i] * r->counter_size;

		if (r->percpu) {
			err = percpu_counter(r, at, &n);
		} else {
			err = kernel_read_number(r->k, at, 8, &v);
			n = (int64_t)v;
		}
		*rss += (uint64_t)positive(n);
	}
	return err;
}

/* The per-thread deltas of every thread of task's process. */
static struct error *split_rss(struct task_mem_reader *r,
			       const struct task *task, uint64_t *rss)
{
	size_t lo = 0, hi = r->t->n, i;
	struct error *err = NULL;
	int j;

	while (lo < hi) {	/* the first thread of the process */
		size_t mid = lo + (hi - lo) / 2;

		if (r->by_tgid[mid]->tgid < task->tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < r->t->n && r->by_tgid[i]->tgid == task->tgid && !err;
	     i++) {
		if (r->by_tgid[i]->idle)
			continue;
		for (j = 0; j < 3 && !err; j++) {
			uint64_t v;

			err = kernel_read_number(r->k, r->by_tgid[i]->addr +
						 r->task_rss.offset +
						 4 * (uint64_t)r->idx[j], 4, &v);
			if (!err)
				*rss += (uint64_t)positive((int32_t)v);
		}
	}
	return err;
}

struct error *task_mem_read(struct task_mem_reader *r, const struct task *task,
			    struct task_mem *out)
{
	uint64_t extra = 0;
	struct error *err;

	*out = (struct task_mem){ 0 };
	if (!task->mm || task->exit_state & 0x20 /* EXIT_ZOMBIE */)
		return NULL;
	err = kernel_read_field(r->k, task->mm, &r->total_vm, &out->total_vm);
	if (!err)
		err = mm_rss(r, task->mm, &out->rss);
	if (!err && r->split)
		err = split_rss(r, task, &extra);
	if (err)
		return error_prefix(err, "memory of pid %d", task->pid);
	out->rss += extra;
	if (r->total_pages)
		out->pct = (double)out->rss * 100 / (double)r->total_pages;
	return NULL;
}
