/*
 * Audit records the kernel had queued for the audit daemon and not yet
 * sent: netlink messages in sk_buff queues (kernel/audit.c).
 */
#ifndef CRASH_AUDIT_H
#define CRASH_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;

struct audit_record {
	uint64_t skb;		/* the struct sk_buff */
	uint16_t type;		/* nlmsg_type: AUDIT_SYSCALL, AUDIT_PATH ... */
	const char *text;	/* NUL-terminated */
};

/* Return nonzero from the callback to stop the walk. */
typedef int (*audit_fn)(const struct audit_record *rec, void *arg);

/* Every queued record, queue by queue in the order the kernel would send
 * them; *queued says how many the queues' lengths count.  ERR_UNSUPPORTED
 * if the kernel has no audit queues (built without CONFIG_AUDIT).  A damaged
 * queue ends its walk with an error naming the address; what came before
 * it has been handed over. */
struct error *audit_walk(const struct kernel *k, audit_fn fn, void *arg,
			 uint64_t *queued);

#endif
