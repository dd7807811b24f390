/* mach: the machine: type, memory, cpus, speed, HZ, page size, the
 * kernel's address-space layout and the per-cpu stacks. */
#include <getopt.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/arch.h"
#include "../arch/vmem.h"
#include "../kernel/backtrace.h"
#include "../kernel/sysinfo.h"
#include "../session.h"
#include "../util/error.h"
#include "commands.h"

const char *const mach_help[] = {
	"NAME",
	"  mach - machine specific data",
	"",
	"SYNOPSIS",
	"  mach [-c [-x|-d]]",
	"",
	"DESCRIPTION",
	"  This command shows data of the dumped machine: its type, memory,",
	"  cpus, processor speed, the timer's HZ and the page size, where the",
	"  kernel's address space puts the direct map, vmalloc, the vmemmap, the",
	"  kernel image and the modules (randomized under KASLR), the size of",
	"  task and IRQ stacks and, for each cpu, its IRQ stack and its exception",
	"  stacks (\"[unavailable]\": not in the dump's memory).",
	"",
	"    -c  each cpu's cpuinfo structure (struct cpuinfo_x86 on x86_64),",
	"        numbers in hexadecimal with -x, decimal with -d.",
	"",
	"  The classic crash's -m (the firmware's memory map) is not supported",
	"  yet.",
	"",
	"EXAMPLES",
	"    crash> mach",
	"              MACHINE TYPE: x86_64",
	"               MEMORY SIZE: 511.5 MB",
	"                      CPUS: 2",
	"           PROCESSOR SPEED: 2596 Mhz",
	"                        HZ: 250",
	"                 PAGE SIZE: 4096",
	"       KERNEL VIRTUAL BASE: ffff88f780000000",
	"    ...",
	"                IRQ STACKS:",
	"                     CPU 0: ffffcfa2c0000000",
	"    ...",
	NULL,
};

#define LABEL 22	/* the width of the labels, right-aligned */

static void value(FILE *out, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void value(FILE *out, const char *label, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%*s: ", LABEL, label);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* Each stack name of cpu 0, in order: a block per name with its size and
 * every cpu's base. */
static void print_stacks(struct session *s, struct backtrace *bt,
			 unsigned int ncpus)
{
	struct unwind_trace first;
	struct error *err = backtrace_cpu_stacks(bt, 0, &first);
	unsigned int i, cpu;

	if (err) {
		fprintf(stderr, "mach: %s\n", err->message);
		error_free(err);
		return;
	}
	for (i = 0; i < first.nstacks; i++) {
		const struct unwind_stack *st = &first.stacks[i];
		char label[64];

		if (strcmp(st->name, "IRQ")) {	/* IRQ's size is a layout value */
			snprintf(label, sizeof(label), "%s STACK SIZE",
				 st->name);
			value(s->out, label, "%" PRIu64, st->top - st->base);
		}
		snprintf(label, sizeof(label), "%s STACKS", st->name);
		fprintf(s->out, "%*s:\n", LABEL, label);
		for (cpu = 0; cpu < ncpus; cpu++) {
			struct unwind_trace t;
			unsigned int j;
			uint64_t pa;

			err = backtrace_cpu_stacks(bt, cpu, &t);
			for (j = 0; !err && j < t.nstacks; j++) {
				struct error *e;

				if (strcmp(t.stacks[j].name, st->name))
					continue;
				snprintf(label, sizeof(label), "CPU %u", cpu);
				e = vmem_vtop(s->vmem, t.stacks[j].base, &pa);
				fprintf(s->out, "%*s: %016" PRIx64 "%s\n", LABEL,
					label, t.stacks[j].base,
					e ? " [unavailable]" : "");
				error_free(e);
			}
			error_free(err);
			unwind_trace_free(&t);
		}
	}
	unwind_trace_free(&first);
}

/* mach -c: each online cpu's cpuinfo. */
static int print_cpuinfo(struct session *s, unsigned int ncpus, char format)
{
	const struct arch_ops *arch = s->vmem->arch;
	struct kernel k = session_kernel(s);
	uint64_t var, at;
	unsigned int cpu;
	int rc = 0;

	if (!arch->cpuinfo_var || kernel_symbol_quiet(&k, arch->cpuinfo_var,
						       &var)) {
		fprintf(stderr, "mach: -c: no per-cpu cpuinfo for %s\n",
			arch->name);
		return 1;
	}
	for (cpu = 0; cpu < ncpus; cpu++) {
		struct error *err = kernel_per_cpu(&k, var, cpu, &at);

		if (err) {
			fprintf(stderr, "mach: %s\n", err->message);
			error_free(err);
			return 1;
		}
		if (cpu)
			fputc('\n', s->out);
		fprintf(s->out, "CPU %u:\n", cpu);
		rc |= print_struct_at(s, arch->cpuinfo_type, NULL, at, format);
	}
	return rc;
}

int cmd_mach(struct session *s, int argc, char **argv)
{
	struct kernel k = session_kernel(s);
	struct mach_value layout[MACH_VALUES_MAX];
	struct backtrace *bt;
	struct sysinfo si;
	struct error *err;
	char mem[64];
	size_t n = 0, i;
	bool cpuinfo = false;
	char format = 0;
	int c;

	optind = 0;
	while ((c = getopt(argc, argv, "cxdm")) != -1) {
		switch (c) {
		case 'c': cpuinfo = true; break;
		case 'x':
		case 'd': format = (char)c; break;
		case 'm':
			fprintf(stderr, "mach: -m: not supported yet\n");
			return 1;
		default:
			command_usage(s->out, "mach");
			return 1;
		}
	}
	if (optind < argc || (format && !cpuinfo)) {
		command_usage(s->out, "mach");
		return 1;
	}
	if (!s->vmem || !s->debuginfo) {
		fprintf(stderr, "mach: needs the vmlinux and kernel memory\n");
		return 1;
	}
	sysinfo_read(&k, &si);
	if (si.err_cpus) {
		fprintf(stderr, "mach: %s\n", si.err_cpus->message);
		sysinfo_free(&si);
		return 1;
	}
	if (cpuinfo) {
		c = print_cpuinfo(s, si.cpus, format);
		sysinfo_free(&si);
		return c;
	}
	value(s->out, "MACHINE TYPE", "%s", si.err_uts ? s->vmem->arch->name
						     : si.machine);
	format_memory(mem, sizeof(mem), si.mem_bytes);
	value(s->out, "MEMORY SIZE", "%s", si.err_mem ? "(unknown)" : mem);
	value(s->out, "CPUS", "%u", si.cpus);
	if (si.err_mhz)
		value(s->out, "PROCESSOR SPEED", "(unknown)");
	else
		value(s->out, "PROCESSOR SPEED", "%u Mhz", si.mhz);
	value(s->out, "HZ", "%u", si.hz);
	value(s->out, "PAGE SIZE", "%" PRIu32, s->vmem->page_size);
	err = session_backtrace(s, &bt);
	if (!err)
		err = backtrace_mach(bt, layout, &n);
	if (err) {
		fprintf(stderr, "mach: %s\n", err->message);
		error_free(err);
		sysinfo_free(&si);
		return 1;
	}
	for (i = 0; i < n; i++)
		value(s->out, layout[i].label, layout[i].hex ? "%016" PRIx64
			       : "%" PRIu64, layout[i].value);
	print_stacks(s, bt, si.cpus);
	sysinfo_free(&si);
	return 0;
}
