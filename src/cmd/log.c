#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "../arch/vmem.h"
#include "../session.h"
#include "../util/interrupt.h"
#include "../util/progress.h"
#include "../kernel/audit.h"
#include "../kernel/kernel.h"
#include "../kernel/printk.h"
#include "../kernel/sysinfo.h"
#include "../util/error.h"
#include "commands.h"

const char *const log_help[] = {
	"NAME",
	"  log - dump system message buffer",
	"",
	"SYNOPSIS",
	"  log [-Ttdmasc]",
	"",
	"DESCRIPTION",
	"  This command dumps the kernel log_buf contents in chronological",
	"  order: the lockless printk ring buffer of Linux 5.10 and later, found",
	"  through the vmlinux's symbols and types, or through VMCOREINFO when",
	"  the types are not at hand.  Each record is shown after its time stamp",
	"  in seconds since boot; lines after the first of a record are indented",
	"  under its text, and bytes that are neither printable nor white space",
	"  are shown as dots.",
	"",
	"    -T  show the time stamps as wall-clock dates: the boot time (the",
	"        crash time less the uptime, in whole seconds) plus the stamp's",
	"        whole seconds.  The stamps come from local_clock(), which may",
	"        drift from the wall clock: the dates are estimates.",
	"    -t  do not show the time stamps (this wins over -T).",
	"    -d  after each record that has them, show the device properties",
	"        dev_printk() attached to it, SUBSYSTEM= and DEVICE=, one a line.",
	"    -m  show the record's log level, in hexadecimal within angle",
	"        brackets, before its text.",
	"    -a  instead of the log, show the audit records the kernel had",
	"        queued and not yet handed to the user-space audit daemon, as",
	"        \"type=TYPE TEXT\".",
	"    -s  instead of the log, the per-CPU printk safe buffers: Linux 5.15",
	"        and later have none, and nothing is shown; on the kernels of",
	"        4.11 to 5.14 that have them, this crash cannot read them yet",
	"        and says so.",
	"    -c  show the id of the printk() caller after the time stamp: the",
	"        thread id (T) or, in interrupt context, the CPU (C), right",
	"        aligned to the width pid_max needs.",
	"",
	"  A damaged ring buffer is shown as far as it can be read; a note at",
	"  the end says which records were skipped and why.",
	"",
	"EXAMPLES",
	"  The log with the level and the caller of each record:",
	"",
	"    crash> log -m -c",
	"    [    0.000000] [    T0] <5>Linux version 6.1.0-56-amd64 ...",
	"    [    0.000000] [    T0] <6>Command line: console=ttyS0,115200 ...",
	"    ...",
	"    [   10.407750] [    T1] <0>Kernel panic - not syncing: sysrq ...",
	"",
	"  The same records with wall-clock dates and no caller:",
	"",
	"    crash> log -T",
	"    [Mon Nov 23 00:45:02 UTC 2026] Linux version 6.1.0-56-amd64 ...",
	"",
	"  The audit queues of a kernel that had nothing to send:",
	"",
	"    crash> log -a",
	"    log: kernel audit log is empty",
	NULL,
};

struct log_state {
	FILE *out;
	const struct log_options *o;
	int64_t boot;		/* -T */
	int caller_width;	/* -c */
	uint64_t records;	/* shown so far, for the progress line */
};

/* Printable ASCII and white space as they are, anything else as a dot;
 * each newline starts the next line under the first one's text. */
static void put_text(FILE *out, const char *p, size_t len, int indent)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n')
			fprintf(out, "\n%*s", indent, "");
		else if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\v' ||
			 c == '\f' || c == '\r')
			putc(c, out);
		else
			putc('.', out);
	}
}

/* A record as an object: every field, whatever the options. */
static void json_record(struct json *j, const struct printk_record *rec)
{
	char id[16];

	json_object(j);
	json_kuint(j, "seq", rec->seq);
	json_kuint(j, "timestamp_ns", rec->ts_nsec);
	json_key(j, "level");
	if (rec->level >= 0)
		json_int(j, rec->level & 7);
	else
		json_null(j);
	snprintf(id, sizeof(id), "%c%u", rec->caller_id & PRINTK_CALLER_CPU ?
		 'C' : 'T', rec->caller_id & ~PRINTK_CALLER_CPU);
	json_kstring(j, "caller", id);
	json_key(j, "text");
	json_string_len(j, rec->dataless ? "" : rec->text,
			rec->dataless ? 0 : rec->len);
	json_kstring(j, "subsystem", rec->subsystem[0] ? rec->subsystem : NULL);
	json_kstring(j, "device", rec->device[0] ? rec->device : NULL);
	json_object_end(j);
}

static int print_record(const struct printk_record *rec, void *arg)
{
	struct log_state *ls = arg;
	const struct log_options *o = ls->o;
	FILE *out = ls->out;
	int indent = 0;

	if (interrupted())
		return 1;	/* Ctrl-C, or the reader went away */
	progress_update(++ls->records, 0);
	if (o->json) {
		json_record(o->json, rec);
		return 0;
	}

	/* A record without text is an empty line, bare (as the classic
	 * crash shows it). */
	if (rec->dataless) {
		putc('\n', out);
		return 0;
	}
	if (!o->no_time && o->wall_clock) {
		time_t t = (time_t)(ls->boot + (int64_t)(rec->ts_nsec /
							 1000000000));
		char when[64];
		struct tm tm;

		if (localtime_r(&t, &tm) && strftime(when, sizeof(when),
				"%a %b %e %H:%M:%S %Z %Y", &tm))
			indent += fprintf(out, "[%s] ", when);
		else
			indent += fprintf(out, "[%lld] ", (long long)t);
	} else if (!o->no_time) {
		indent += fprintf(out, "[%5" PRIu64 ".%06" PRIu64 "] ",
				  rec->ts_nsec / 1000000000,
				  rec->ts_nsec % 1000000000 / 1000);
	}
	if (o->caller) {
		char id[16];

		snprintf(id, sizeof(id), "%c%u", rec->caller_id &
			 PRINTK_CALLER_CPU ? 'C' : 'T',
			 rec->caller_id & ~PRINTK_CALLER_CPU);
		indent += fprintf(out, "[%*s] ", ls->caller_width, id);
	}
	if (o->level)
		indent += fprintf(out, "<%x>", rec->level & 7);
	put_text(out, rec->text, rec->len, indent);
	if (o->dict && rec->subsystem[0])
		fprintf(out, "\n%*sSUBSYSTEM=%s", indent, "", rec->subsystem);
	if (o->dict && rec->device[0])
		fprintf(out, "\n%*sDEVICE=%s", indent, "", rec->device);
	putc('\n', out);
	return 0;
}

/* What was skipped, on stderr after the log. */
static void report_damage(const struct printk_stats *st)
{
	if (st->rescanned)
		fprintf(stderr, "log: printk ring buffer at %#" PRIx64 ": its "
			"tail id %" PRIu64 " and head id %" PRIu64 " do not fit "
			"its %" PRIu64 " descriptors: damaged; shown: the %"
			PRIu64 " records found by reading every descriptor, "
			"oldest first\n", st->ring_addr, st->tail_id,
			st->head_id, st->ring_size, st->records);
	if (st->foreign)
		fprintf(stderr, "log: %" PRIu64 " descriptor(s) between ids %"
			PRIu64 " and %" PRIu64 " hold other ids: overwritten "
			"or damaged; their records are not shown\n",
			st->foreign, st->first_foreign, st->last_foreign);
	if (st->unreadable)
		fprintf(stderr, "log: %" PRIu64 " record(s) could not be read "
			"(ids %" PRIu64 " to %" PRIu64 "); the first: %s\n",
			st->unreadable, st->first_unreadable,
			st->last_unreadable, st->first_error ?
			st->first_error->message : "?");
}

struct error *log_print(FILE *out, const struct kernel *k,
			const struct vmcoreinfo *vi,
			const struct log_options *o)
{
	struct log_state ls = { .out = out, .o = o, .caller_width = 8 };
	struct printk_stats st;
	struct error *err;

	if (o->level && !k->di)
		return error_create(ERR_UNSUPPORTED, "-m: the level is a bit "
				    "field of struct printk_info that only the "
				    "vmlinux's types locate");
	if (o->wall_clock && !o->no_time) {
		if (!k->di)
			return error_create(ERR_UNSUPPORTED, "-T: the boot time "
					    "needs the vmlinux");
		err = sysinfo_boot_time(k, &ls.boot);
		if (err)
			return error_prefix(err, "-T: the boot time");
	}
	if (o->caller) {
		uint64_t pid_max = 0;

		/* wide enough for "T" and the largest pid; without pid_max,
		 * the classic crash's default */
		err = kernel_var_number(k, "pid_max", NULL, &pid_max);
		if (!err)
			ls.caller_width = pid_max <= 99999 ? 6 :
					  pid_max <= 999999 ? 7 : 8;
		error_free(err);
	}
	if (o->json)
		json_array(o->json);
	progress_begin("log");
	err = printk_walk(k, vi, print_record, &ls, &st);
	if (o->json)
		json_array_end(o->json);
	if (!err && o->level && !st.have_level && st.records)
		err = error_create(ERR_UNSUPPORTED, "-m: the level is a bit "
				   "field of struct printk_info that only the "
				   "vmlinux's types locate");
	report_damage(&st);
	error_free(st.first_error);
	return err;
}

static int print_audit(const struct audit_record *rec, void *arg)
{
	fprintf(arg, "type=%u %s\n", rec->type, rec->text);
	return 0;
}

static int log_audit(struct session *s)
{
	struct kernel k = session_kernel(s);
	uint64_t queued;
	struct error *err = audit_walk(&k, print_audit, s->out, &queued);

	if (err) {
		fprintf(stderr, "log: -a: %s\n", err->message);
		error_free(err);
		return 1;
	}
	if (!queued)
		fprintf(s->out, "log: kernel audit log is empty\n");
	return 0;
}

/* The per-CPU safe buffers went with Linux 5.15; before, they held what
 * printk() could not put in the log at once. */
static int log_safe(struct session *s)
{
	struct kernel k = session_kernel(s);
	uint64_t size;
	struct error *err = kernel_type_size(&k, "printk_safe_seq_buf", &size);

	if (err) {
		error_free(err);
		return 0;
	}
	fprintf(stderr, "log: -s: the printk safe buffers of this kernel are "
		"not read yet\n");
	return 1;
}

int cmd_log(struct session *s, int argc, char **argv)
{
	struct log_options o = { 0 };
	bool audit = false, safe = false;
	struct kernel k;
	struct error *err;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "Ttdmasc")) != -1) {
		switch (c) {
		case 'T': o.wall_clock = true; break;
		case 't': o.no_time = true; break;
		case 'd': o.dict = true; break;
		case 'm': o.level = true; break;
		case 'a': audit = true; break;
		case 's': safe = true; break;
		case 'c': o.caller = true; break;
		default:
			fprintf(stderr, "log: invalid option -%c; usage: log "
				"[-Ttdmasc]\n", optopt);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "log: %s: unexpected argument; usage: log "
			"[-Ttdmasc]\n", argv[optind]);
		return 1;
	}
	if (!s->vmem) {
		fprintf(stderr, "log: no kernel virtual memory: %s\n",
			s->vmem_why);
		return 1;
	}
	if (audit)
		return log_audit(s);
	if (safe)
		return log_safe(s);
	k = session_kernel(s);
	o.json = session_json(s);
	err = log_print(s->out, &k, s->dump->vmcoreinfo, &o);
	if (err) {
		fprintf(stderr, "log: %s\n", err->message);
		error_free(err);
		return 1;
	}
	return 0;
}
