#include <elf.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "../arch/arch.h"
#include "../arch/vmem.h"
#include "../kernel/kernel.h"
#include "../kernel/panic_log.h"
#include "../kernel/uts.h"
#include "../dump/dump.h"
#include "../dump/vmcoreinfo.h"
#include "../util/error.h"
#include "dumpinfo.h"

static void print_time(FILE *out, const char *label, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64] = "?";

	if (gmtime_r(&tt, &tm))
		strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S UTC %Y", &tm);
	fprintf(out, "%16s: %s (%" PRId64 ")\n", label, buf, t);
}

static unsigned int count_notes(const struct dump *d, const char *name,
				uint32_t type)
{
	unsigned int n = 0;
	size_t pos = 0;

	while (dump_find_note(d, name, type, &pos))
		n++;
	return n;
}

/* The utsname in memory (the kdump header has its own copy). */
/* Both take the dump's kernel memory, or why there is none (vm_err). */
static void print_uts(FILE *out, struct dump *d, struct vmem *vm,
		      const struct error *vm_err)
{
	struct uts u;
	struct error *err;

	if (!vm) {
		fprintf(out, "%16s: unknown (%s)\n", "UTSNAME",
			vm_err->message);
		return;
	}
	err = uts_from_vmcoreinfo(vm, d->vmcoreinfo, &u);
	if (err) {
		fprintf(out, "%16s: unknown (%s)\n", "UTSNAME", err->message);
		error_free(err);
		return;
	}
	fprintf(out, "%16s: sysname \"%s\" nodename \"%s\" release \"%s\"\n"
		"%16s  version \"%s\" machine \"%s\" domainname \"%s\"\n",
		"UTSNAME", u.sysname, u.nodename, u.release, "", u.version,
		u.machine, u.domainname);
}

/* The panic and the crashing CPU, from the kernel log (no vmlinux). */
static void print_panic(FILE *out, struct dump *d, struct vmem *vm,
			const struct error *vm_err)
{
	struct panic_log pl;
	struct error *err;

	if (!vm) {
		fprintf(out, "%16s: unknown (%s)\n", "PANIC", vm_err->message);
		return;
	}
	{
		/* no vmlinux here: the log through VMCOREINFO alone */
		struct kernel k = { .dump = d, .vm = vm };

		err = panic_log_find(&k, d->vmcoreinfo, &pl);
	}
	if (err) {
		fprintf(out, "%16s: unknown (%s)\n", "PANIC", err->message);
		error_free(err);
		return;
	}
	if (!pl.message) {
		fprintf(out, "%16s: none in the kernel log\n", "PANIC");
		return;
	}
	fprintf(out, "%16s: \"%s\"\n", "PANIC", pl.message);
	if (pl.cpu >= 0)
		fprintf(out, "%16s: %d (PID %d, %s; from the kernel log)\n",
			"CRASHING CPU", pl.cpu, pl.pid, pl.comm);
	else
		fprintf(out, "%16s: unknown (no \"CPU:\" line near the "
			"panic in the kernel log)\n", "CRASHING CPU");
	panic_log_free(&pl);
}

static void print_summary(FILE *out, struct dump *d)
{
	const struct arch_ops *arch = arch_for_dump(d);
	const char *release = vmcoreinfo_get(d->vmcoreinfo, "OSRELEASE");
	struct page_counts pc;
	struct vmem *vm = NULL;
	struct error *vm_err = vmem_open(d, &vm);
	int64_t v;
	int i;

	for (i = 0; i < d->npaths; i++)
		fprintf(out, "%16s: %s\n", i ? "" : "DUMPFILE", d->paths[i]);
	fprintf(out, "%16s: %s\n", "FORMAT", d->description);
	fprintf(out, "%16s: %s%s\n", "MACHINE",
		arch ? arch->name : (d->machine[0] ? d->machine : "unknown"),
		arch ? "" : " (no architecture of ours matches)");
	fprintf(out, "%16s: %u\n", "PAGE SIZE", d->page_size);
	if (d->dump_level >= 0)
		fprintf(out, "%16s: %d\n", "DUMP LEVEL", d->dump_level);
	fprintf(out, "%16s: %s\n", "RELEASE",
		release ? release : "(no VMCOREINFO OSRELEASE)");
	print_uts(out, d, vm, vm_err);
	if (d->nr_cpus >= 0)
		fprintf(out, "%16s: %d (header), %u NT_PRSTATUS notes\n",
			"CPUS", d->nr_cpus, count_notes(d, "CORE",
							NT_PRSTATUS));
	else
		fprintf(out, "%16s: %u (NT_PRSTATUS notes)\n", "CPUS",
			count_notes(d, "CORE", NT_PRSTATUS));
	if (vmcoreinfo_number(d->vmcoreinfo, "CRASHTIME", &v))
		print_time(out, "CRASH TIME", v);
	else
		fprintf(out, "%16s: unknown (no VMCOREINFO CRASHTIME)\n",
			"CRASH TIME");
	print_panic(out, d, vm, vm_err);
	vmem_close(vm);
	error_free(vm_err);
	if (vmcoreinfo_number(d->vmcoreinfo, "KERNELOFFSET", &v))
		fprintf(out, "%16s: %" PRIx64 "\n", "KERNELOFFSET", v);
	dump_count_pages(d, &pc);
	fprintf(out, "%16s: %" PRIu64 " present, %" PRIu64 " zero, %" PRIu64
		" excluded, %" PRIu64 " missing (of %" PRIu64 " page frames)\n",
		"PAGES", pc.present, pc.zero, pc.excluded, pc.missing,
		d->max_pfn);
	fprintf(out, "%16s: %s\n", "COMPLETE",
		d->incomplete ? "no" : "yes");
	if (d->incomplete)
		fprintf(out, "%16s  %s\n", "", d->incomplete);
}

static void print_header(FILE *out, struct dump *d)
{
	size_t i;

	fprintf(out, "\n%s header:\n", d->format->name);
	for (i = 0; i < d->nfacts; i++)
		fprintf(out, "%20s: %s\n", d->facts[i].label,
			d->facts[i].value);
}

static void print_regset(FILE *out, const struct regset *rs)
{
	unsigned int i;

	for (i = 0; i < rs->n; i++)
		fprintf(out, "%s%9s: %016" PRIx64 "%s", i % 3 ? "  " : "    ",
			rs->names[i], rs->value[i],
			i % 3 == 2 || i + 1 == rs->n ? "\n" : "");
}

static void print_regs(FILE *out, struct dump *d)
{
	const struct arch_ops *arch = arch_for_dump(d);
	const struct dump_note *n;
	size_t pos = 0;
	int cpu = 0;

	fprintf(out, "\nper-CPU registers (NT_PRSTATUS):\n");
	if (!arch) {
		fprintf(out, "    cannot decode: unknown architecture \"%s\"\n",
			d->machine);
		return;
	}
	while ((n = dump_find_note(d, "CORE", NT_PRSTATUS, &pos))) {
		struct regset rs;
		struct error *err = arch->decode_prstatus(n, d->big_endian,
							  &rs);

		if (err) {
			fprintf(out, "  CPU %d: %s\n", cpu++, err->message);
			error_free(err);
			continue;
		}
		fprintf(out, "  CPU %d: pid %d, pc %016" PRIx64 ", sp %016"
			PRIx64 "\n", cpu++, rs.pid, rs.value[arch->pc_reg],
			rs.value[arch->sp_reg]);
		print_regset(out, &rs);
	}
	if (!cpu)
		fprintf(out, "    none in this dump\n");
	if (!arch->decode_qemu_cpu || !dump_find_note(d, "QEMU", 0, NULL))
		return;
	fprintf(out, "\nper-CPU state (QEMU notes):\n");
	pos = 0;
	cpu = 0;
	while ((n = dump_find_note(d, "QEMU", 0, &pos))) {
		struct regset rs;
		struct error *err = arch->decode_qemu_cpu(n, d->big_endian,
							  &rs);

		fprintf(out, "  CPU %d:\n", cpu++);
		if (err) {
			fprintf(out, "    %s\n", err->message);
			error_free(err);
			continue;
		}
		print_regset(out, &rs);
	}
}

static void print_vmcoreinfo(FILE *out, struct dump *d)
{
	const char *p, *nl;

	fprintf(out, "\nVMCOREINFO:\n");
	if (!d->vmcoreinfo) {
		fprintf(out, "    none in this dump\n");
		return;
	}
	for (p = d->vmcoreinfo->text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl) {
			fprintf(out, "    %s\n", p);
			break;
		}
		fprintf(out, "    %.*s\n", (int)(nl - p), p);
	}
}

void dumpinfo_print(FILE *out, struct dump *d, unsigned int what)
{
	if (what & DUMPINFO_SUMMARY)
		print_summary(out, d);
	if (what & DUMPINFO_HEADER)
		print_header(out, d);
	if (what & DUMPINFO_REGS)
		print_regs(out, d);
	if (what & DUMPINFO_VMCOREINFO)
		print_vmcoreinfo(out, d);
}
