/*
 * The queues have changed names: audit_skb_hold_queue and audit_skb_queue
 * until Linux 4.11, then audit_hold_queue, audit_retry_queue and
 * audit_queue (commit "audit: rework the audit queue handling"); which
 * symbols exist decides.  Each sk_buff holds one netlink message: a
 * struct nlmsghdr (its size rounded up to 4 bytes, NLMSG_HDRLEN) and the
 * record's text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../util/error.h"
#include "audit.h"
#include "kernel.h"

/* The kernel's limit on one audit message is MAX_AUDIT_MESSAGE_LENGTH
 * (8970 bytes); anything far larger is damage. */
#define MAX_TEXT 65536

struct audit_layout {
	struct kernel_field head_next, head_qlen, skb_next, skb_len, skb_data,
			    nlmsg_type;
	uint64_t hdr_len;
};

static struct error *layout(const struct kernel *k, struct audit_layout *l)
{
	struct error *err;

	if ((err = kernel_field(k, "sk_buff_head", "next", &l->head_next)) ||
	    (err = kernel_field(k, "sk_buff_head", "qlen", &l->head_qlen)) ||
	    (err = kernel_field(k, "sk_buff", "next", &l->skb_next)) ||
	    (err = kernel_field(k, "sk_buff", "len", &l->skb_len)) ||
	    (err = kernel_field(k, "sk_buff", "data", &l->skb_data)) ||
	    (err = kernel_field(k, "nlmsghdr", "nlmsg_type", &l->nlmsg_type)) ||
	    (err = kernel_type_size(k, "nlmsghdr", &l->hdr_len)))
		return err;
	l->hdr_len = (l->hdr_len + 3) & ~UINT64_C(3);
	return NULL;
}

static struct error *walk_queue(const struct kernel *k,
				const struct audit_layout *l, const char *name,
				uint64_t head, char *text, audit_fn fn,
				void *arg, uint64_t *queued, int *stop)
{
	uint64_t qlen, p, n, len, data, type;
	struct error *err;

	err = kernel_read_field(k, head, &l->head_qlen, &qlen);
	if (!err && qlen)
		err = kernel_read_field(k, head, &l->head_next, &p);
	if (err)
		return error_prefix(err, "%s at %#" PRIx64, name, head);
	*queued += qlen;
	/* The list must come back to its head after qlen buffers. */
	for (n = 0; n < qlen && !*stop; n++) {
		struct audit_record rec = { .skb = p };

		if (p == head || !p)
			return error_create(ERR_FORMAT, "%s at %#" PRIx64 ": "
					    "the list ends after %" PRIu64 " of "
					    "its %" PRIu64 " buffers", name,
					    head, n, qlen);
		if ((err = kernel_read_field(k, p, &l->skb_len, &len)) ||
		    (err = kernel_read_field(k, p, &l->skb_data, &data)) ||
		    (err = kernel_read_field(k, data, &l->nlmsg_type, &type)))
			return error_prefix(err, "%s: sk_buff at %#" PRIx64,
					    name, p);
		if (len < l->hdr_len || len - l->hdr_len >= MAX_TEXT)
			return error_create(ERR_FORMAT, "%s: sk_buff at %#"
					    PRIx64 " holds %" PRIu64 " bytes: "
					    "not an audit message", name, p,
					    len);
		len -= l->hdr_len;
		err = vmem_read(k->vm, data + l->hdr_len, text, (size_t)len);
		if (err)
			return error_prefix(err, "%s: sk_buff at %#" PRIx64,
					    name, p);
		text[len] = '\0';
		rec.type = (uint16_t)type;
		rec.text = text;
		*stop = fn(&rec, arg);
		err = kernel_read_field(k, p, &l->skb_next, &p);
		if (err)
			return error_prefix(err, "%s: sk_buff at %#" PRIx64,
					    name, rec.skb);
	}
	if (!*stop && qlen && p != head)
		return error_create(ERR_FORMAT, "%s at %#" PRIx64 ": the list "
				    "goes on past its %" PRIu64 " buffers",
				    name, head, qlen);
	return NULL;
}

struct error *audit_walk(const struct kernel *k, audit_fn fn, void *arg,
			 uint64_t *queued)
{
	static const char *const old[] = { "audit_skb_hold_queue",
					   "audit_skb_queue", NULL };
	static const char *const cur[] = { "audit_hold_queue",
					   "audit_retry_queue", "audit_queue",
					   NULL };
	const char *const *names;
	struct audit_layout l;
	struct error *err = NULL;
	uint64_t head;
	char *text;
	int stop = 0;
	size_t i;

	*queued = 0;
	if (!kernel_symbol_quiet(k, "audit_skb_queue", &head))
		names = old;
	else if (!kernel_symbol_quiet(k, "audit_queue", &head))
		names = cur;
	else
		return error_create(ERR_UNSUPPORTED, "the kernel has no audit "
				    "queues (built without CONFIG_AUDIT)");
	err = layout(k, &l);
	if (err)
		return err;
	text = malloc(MAX_TEXT);
	if (!text)
		return error_nomem();
	for (i = 0; names[i] && !stop; i++) {
		struct error *qerr;

		if (kernel_symbol_quiet(k, names[i], &head))
			continue;
		qerr = walk_queue(k, &l, names[i], head, text, fn, arg,
				  queued, &stop);
		if (qerr && !err)
			err = qerr;
		else
			error_free(qerr);
	}
	free(text);
	return err;
}
