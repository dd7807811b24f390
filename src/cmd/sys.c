#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../kernel/kernel.h"
#include "../kernel/panic_log.h"
#include "../kernel/sysinfo.h"
#include "../session.h"
#include "../util/error.h"
#include "commands.h"

const char *const sys_help[] = {
	"NAME",
	"  sys - system data",
	"",
	"SYNOPSIS",
	"  sys [-c [name|number]] [-t]",
	"",
	"DESCRIPTION",
	"  This command displays system-specific data: the vmlinux and dump",
	"  files, the CPUs online, the time of the crash, the uptime, the load",
	"  average, the number of tasks (threads, and one idle task per CPU),",
	"  the utsname fields, the memory the nodes have, and the panic",
	"  message from the kernel log.  A value that cannot be read says why.",
	"",
	"    -c [name|number]  the system call table: each entry's number, its",
	"                      handler and the handler's source file and line",
	"                      (relative to the build directory; the first line",
	"                      of the handler that is not in an include/ header).",
	"                      With a name, the entries whose handler's name",
	"                      contains it; with a number, that entry.",
	"    -t                the kernel's taint: tainted_mask in hexadecimal and",
	"                      a letter per taint flag, as the kernel's",
	"                      taint_flags table spells them (the letter of each",
	"                      set flag; of the others, those that are not blank,",
	"                      '-' or 'G').",
	"",
	"  The classic crash's -i (DMI strings), config (the in-kernel",
	"  configuration) and -panic are not supported.",
	"",
	"EXAMPLES",
	"    crash> sys",
	"          KERNEL: vmlinux-6.1.0-56-amd64",
	"        DUMPFILE: kdump-d31-lzo.kdump  [PARTIAL DUMP]",
	"            CPUS: 2",
	"            DATE: Mon Nov 23 00:45:12 UTC 2026",
	"          UPTIME: 00:00:10",
	"    LOAD AVERAGE: 0.23, 0.05, 0.02",
	"           TASKS: 58",
	"        NODENAME: (none)",
	"         RELEASE: 6.1.0-56-amd64",
	"         VERSION: #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)",
	"         MACHINE: x86_64  (2596 Mhz)",
	"          MEMORY: 511.5 MB",
	"           PANIC: \"Kernel panic - not syncing: sysrq triggered crash\"",
	"",
	"    crash> sys -c read",
	"    NUM  SYSTEM CALL                FILE AND LINE NUMBER",
	"      0  __x64_sys_read             ../fs/read_write.c: 621",
	"     17  __x64_sys_pread64          ../fs/read_write.c: 672",
	"    ...",
	NULL,
};

static void field(FILE *out, const char *label, struct error *err,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void field(FILE *out, const char *label, struct error *err,
		  const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%12s: ", label);
	if (err) {
		fprintf(out, "(unknown: %s)\n", err->message);
		return;
	}
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* Load averages are fixed point with 11 bits of fraction; /proc/loadavg
 * rounds by adding FIXED_1/200 first, and so does the classic crash. */
static void load(char *buf, size_t size, const unsigned long *l)
{
	unsigned long v[3];
	int i;

	for (i = 0; i < 3; i++)
		v[i] = l[i] + (1UL << 11) / 200;
	snprintf(buf, size, "%lu.%02lu, %lu.%02lu, %lu.%02lu",
		 v[0] >> 11, ((v[0] & 2047) * 100) >> 11,
		 v[1] >> 11, ((v[1] & 2047) * 100) >> 11,
		 v[2] >> 11, ((v[2] & 2047) * 100) >> 11);
}

void format_memory(char *buf, size_t size, uint64_t bytes)
{
	const uint64_t mb = 1ULL << 20, gb = 1ULL << 30;

	if (bytes >= gb && !(bytes % gb))
		snprintf(buf, size, "%" PRIu64 " GB", bytes / gb);
	else if (bytes >= gb)
		snprintf(buf, size, "%.1f GB", (double)bytes / gb);
	else if (!(bytes % mb))
		snprintf(buf, size, "%" PRIu64 " MB", bytes / mb);
	else
		snprintf(buf, size, "%.1f MB", (double)bytes / mb);
}

/* A value, or null where it could not be read (errors says why). */
static bool known(struct json *j, const char *key, struct error *err)
{
	json_key(j, key);
	if (err)
		json_null(j);
	return !err;
}

/* sys in JSON: the same facts as numbers where they are numbers */
static void sys_json(struct session *s, struct json *j, struct sysinfo *si,
		     const char *when, struct panic_log *pl,
		     struct error *perr)
{
	const struct { const char *key; struct error *err; } errs[] = {
		{ "cpus", si->err_cpus }, { "date", si->err_time },
		{ "uptime", si->err_uptime }, { "load_average", si->err_load },
		{ "tasks", si->err_tasks }, { "utsname", si->err_uts },
		{ "memory", si->err_mem }, { "panic", perr },
	};
	size_t i;
	char buf[64];

	json_object(j);
	json_kstring(j, "kernel", s->namelist);
	json_key(j, "dumpfiles");
	json_array(j);
	for (i = 0; i < (size_t)s->dump->npaths; i++)
		json_string(j, s->dump->paths[i]);
	json_array_end(j);
	json_kbool(j, "partial_dump", s->dump->dump_level > 0);
	if (known(j, "cpus", si->err_cpus))
		json_uint(j, si->cpus);
	if (known(j, "date", si->err_time))
		json_string(j, when);
	if (known(j, "time", si->err_time))
		json_int(j, si->time);
	if (known(j, "uptime_seconds", si->err_uptime))
		json_uint(j, si->uptime);
	if (known(j, "load_average", si->err_load)) {
		json_array(j);
		for (i = 0; i < 3; i++) {
			/* the hundredths sys shows, rounded the same way */
			unsigned long v = si->load[i] + (1UL << 11) / 200;

			json_double(j, (double)((v >> 11) * 100 +
					(((v & 2047) * 100) >> 11)) / 100, 2);
		}
		json_array_end(j);
	}
	if (known(j, "tasks", si->err_tasks))
		json_uint(j, si->tasks);
	if (known(j, "nodename", si->err_uts))
		json_string(j, si->nodename);
	if (known(j, "release", si->err_uts))
		json_string(j, si->release);
	if (known(j, "version", si->err_uts))
		json_string(j, si->version);
	if (known(j, "machine", si->err_uts))
		json_string(j, si->machine);
	json_key(j, "mhz");
	if (si->mhz)
		json_uint(j, si->mhz);
	else
		json_null(j);
	if (known(j, "memory_bytes", si->err_mem))
		json_uint(j, si->mem_bytes);
	format_memory(buf, sizeof(buf), si->mem_bytes);
	if (known(j, "memory", si->err_mem))
		json_string(j, buf);
	json_key(j, "panic");
	json_string(j, perr ? NULL : pl->message);
	json_key(j, "errors");
	json_object(j);
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].err)
			json_kstring(j, errs[i].key, errs[i].err->message);
	json_object_end(j);
	json_object_end(j);
}

int cmd_sys(struct session *s, int argc, char **argv)
{
	struct json *j;
	struct kernel k = session_kernel(s);
	struct sysinfo si;
	struct panic_log pl;
	struct error *perr = NULL;
	char buf[128], when[64] = "";
	time_t t;
	struct tm tm;
	int i;

	if (!s->debuginfo || !s->vmem) {
		fprintf(stderr, "sys: needs the vmlinux and the dump's memory "
			"(%s)\n", !s->debuginfo ? "no vmlinux" : s->vmem_why);
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "-t") && argc == 2)
		return sys_taints(s);
	if (argc > 1 && !strcmp(argv[1], "-c") && argc <= 3)
		return sys_calls(s, argc == 3 ? argv[2] : NULL);
	if (argc > 1 && (!strcmp(argv[1], "-i") || !strcmp(argv[1], "config") ||
			 !strcmp(argv[1], "-panic"))) {
		fprintf(stderr, "sys: %s: not supported yet\n", argv[1]);
		return 1;
	}
	if (argc > 1) {
		command_usage(s->out, "sys");
		return 1;
	}
	sysinfo_read(&k, &si);
	t = (time_t)si.time;
	if (!si.err_time && localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Z %Y", &tm);
	perr = panic_log_find(&k, s->vmem->vmcoreinfo, &pl);
	if ((j = session_json(s))) {
		sys_json(s, j, &si, when, &pl, perr);
		goto out;
	}
	fprintf(s->out, "%12s: %s\n", "KERNEL", s->namelist);
	for (i = 0; i < s->dump->npaths; i++)
		fprintf(s->out, "%12s: %s%s\n", i ? "" : "DUMPFILE",
			s->dump->paths[i], s->dump->dump_level > 0 ?
			"  [PARTIAL DUMP]" : "");
	field(s->out, "CPUS", si.err_cpus, "%u", si.cpus);
	field(s->out, "DATE", si.err_time, "%s", when);
	field(s->out, "UPTIME", si.err_uptime, "%s%02" PRIu64 ":%02" PRIu64
	      ":%02" PRIu64, si.uptime >= 86400 ? (snprintf(buf, sizeof(buf),
	      "%" PRIu64 " days, ", si.uptime / 86400), buf) : "",
	      si.uptime / 3600 % 24, si.uptime / 60 % 60, si.uptime % 60);
	load(buf, sizeof(buf), si.load);
	field(s->out, "LOAD AVERAGE", si.err_load, "%s", buf);
	field(s->out, "TASKS", si.err_tasks, "%" PRIu64, si.tasks);
	field(s->out, "NODENAME", si.err_uts, "%s", si.nodename);
	field(s->out, "RELEASE", si.err_uts, "%s", si.release);
	field(s->out, "VERSION", si.err_uts, "%s", si.version);
	if (si.mhz)
		snprintf(buf, sizeof(buf), "%u Mhz", si.mhz);
	else
		snprintf(buf, sizeof(buf), "unknown Mhz");
	field(s->out, "MACHINE", si.err_uts, "%s  (%s)", si.machine, buf);
	format_memory(buf, sizeof(buf), si.mem_bytes);
	field(s->out, "MEMORY", si.err_mem, "%s", buf);
	field(s->out, "PANIC", perr, "\"%s\"", pl.message ? pl.message : "");
out:
	error_free(perr);
	panic_log_free(&pl);
	sysinfo_free(&si);
	return 0;
}
