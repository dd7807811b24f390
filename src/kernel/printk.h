/*
 * The kernel log: the lockless printk ring buffer (Linux 5.10 and later),
 * read through the layout VMCOREINFO publishes for exactly this purpose, so
 * it works without a vmlinux.  A damaged buffer yields what it can; the
 * stats say how much was skipped and why.
 */
#ifndef CRASH_PRINTK_H
#define CRASH_PRINTK_H

#include <stdint.h>

struct error;
struct vmcoreinfo;
struct vmem;

struct printk_record {
	uint64_t seq;
	uint64_t ts_nsec;
	uint32_t caller_id;	/* 0x80000000|cpu in irq context, else pid */
	const char *text;	/* not NUL-terminated */
	uint16_t len;
};

struct printk_stats {
	uint64_t records;	/* handed to the callback */
	uint64_t skipped;	/* reserved, reused or unreadable */
	struct error *first_error;	/* the first unreadable record */
};

/* Return nonzero from the callback to stop the walk. */
typedef int (*printk_fn)(const struct printk_record *rec, void *arg);

struct error *printk_walk(struct vmem *vm, const struct vmcoreinfo *vi,
			  printk_fn fn, void *arg, struct printk_stats *st);

#endif
