/* A task's memory use, as ps shows it: the address space's size, its
 * resident pages and their share of physical memory. */
#ifndef CRASH_KERNEL_TASK_MEM_H
#define CRASH_KERNEL_TASK_MEM_H

#include <stdint.h>

struct error;
struct kernel;
struct task;
struct task_table;
struct task_mem_reader;

struct task_mem {
	uint64_t total_vm;	/* pages mapped (mm->total_vm) */
	uint64_t rss;		/* resident pages: file + anon + shmem */
	double pct;		/* rss as a percentage of memory */
};

/* The member offsets and the machine's page count, found once. */
struct error *task_mem_open(const struct kernel *k,
			    const struct task_table *t,
			    struct task_mem_reader **ret);
void task_mem_close(struct task_mem_reader *r);
/* Kernel threads and zombies use none (all zeros). */
struct error *task_mem_read(struct task_mem_reader *r, const struct task *task,
			    struct task_mem *out);

#endif
