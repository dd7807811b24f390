/*
 * The kernel log: the lockless printk ring buffer (Linux 5.10 and later).
 * Its layout comes from the vmlinux's types when the session has them,
 * else from what VMCOREINFO publishes for exactly this purpose, so the log
 * can be read without a vmlinux.  A damaged buffer yields what it can; the
 * stats say how much was skipped, where and why.
 */
#ifndef CRASH_PRINTK_H
#define CRASH_PRINTK_H

#include <stdbool.h>
#include <stdint.h>

struct error;
struct kernel;
struct vmcoreinfo;

struct printk_record {
	uint64_t id;		/* the descriptor's id */
	uint64_t seq;
	uint64_t ts_nsec;
	uint32_t caller_id;	/* 0x80000000|cpu in irq context, else pid */
	int level;		/* 0-7; -1 if the types are not at hand */
	bool dataless;		/* no text block (a dropped or empty record) */
	const char *text;	/* not NUL-terminated */
	uint16_t len;
	/* dev_printk_info: NUL-terminated, "" if none or unknown */
	const char *subsystem, *device;
};

#define PRINTK_CALLER_CPU 0x80000000u

struct printk_stats {
	uint64_t records;	/* handed to the callback */
	uint64_t skipped;	/* reserved, reused, damaged or unreadable */
	uint64_t ring_size;	/* descriptors in the ring */
	uint64_t ring_addr;	/* the struct printk_ringbuffer */
	/* Descriptors between the tail and the head that hold another id
	 * than their place says: overwritten or damaged. */
	uint64_t foreign, first_foreign, last_foreign;
	/* Records that could not be read, the ids of the first and last. */
	uint64_t unreadable, first_unreadable, last_unreadable;
	struct error *first_error;	/* why the first could not be read */
	/* The head and tail ids did not fit the ring: every descriptor was
	 * looked at instead and the valid ones handed over in id order. */
	bool rescanned;
	uint64_t head_id, tail_id;
	bool have_level;	/* records carry their level */
};

/* Return nonzero from the callback to stop the walk. */
typedef int (*printk_fn)(const struct printk_record *rec, void *arg);

/* Walk the log from its oldest record to its newest.  k->vm must be set;
 * k->symtab and k->di may be NULL (then vi must have the layout). */
struct error *printk_walk(const struct kernel *k, const struct vmcoreinfo *vi,
			  printk_fn fn, void *arg, struct printk_stats *st);

#endif
