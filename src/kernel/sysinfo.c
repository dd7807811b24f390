/*
 * sys: CPUs from __num_online_cpus; the time from VMCOREINFO CRASHTIME or
 * the timekeeper; uptime from jiffies, counted from INITIAL_JIFFIES
 * (-300 s worth, as a 32-bit value), with HZ from tick_nsec; the load
 * from avenrun; tasks from nr_threads plus one idle task per CPU; the
 * names from init_uts_ns; memory from the nodes' present pages.
 */
#include <stdlib.h>
#include <string.h>

#include "../arch/arch.h"
#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../dump/vmcoreinfo.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "kernel.h"
#include "sysinfo.h"

static void read_uts(const struct kernel *k, struct sysinfo *si)
{
	static const struct {
		const char *member;
		size_t at;
	} f[] = {
		{ "name.nodename", offsetof(struct sysinfo, nodename) },
		{ "name.release", offsetof(struct sysinfo, release) },
		{ "name.version", offsetof(struct sysinfo, version) },
		{ "name.machine", offsetof(struct sysinfo, machine) },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]) && !si->err_uts; i++) {
		char *dst = (char *)si + f[i].at;

		si->err_uts = kernel_read_var(k, "init_uts_ns", f[i].member,
					      dst, 64, NULL);
		dst[64] = '\0';
	}
}

static void read_time(const struct kernel *k, struct sysinfo *si)
{
	int64_t t;
	uint64_t v;

	if (vmcoreinfo_number(k->dump->vmcoreinfo, "CRASHTIME", &t)) {
		si->time = t;
		si->time_from = "VMCOREINFO CRASHTIME";
		return;
	}
	si->err_time = kernel_var_number(k, "tk_core", "timekeeper.xtime_sec",
					 &v);
	si->time = (int64_t)v;
	si->time_from = "timekeeper";
}

static void read_uptime(const struct kernel *k, struct sysinfo *si)
{
	uint64_t tick, jiffies, initial;

	si->err_uptime = kernel_var_number(k, "tick_nsec", NULL, &tick);
	if (!si->err_uptime && !tick)
		si->err_uptime = error_create(ERR_FORMAT, "tick_nsec is 0");
	if (!si->err_uptime)
		si->err_uptime = kernel_var_number(k, "jiffies_64", NULL,
						   &jiffies);
	if (si->err_uptime)
		return;
	si->hz = (unsigned int)((1000000000 + tick / 2) / tick);
	/* INITIAL_JIFFIES: 300 s before the 32-bit wrap */
	initial = (uint64_t)(uint32_t)(-300 * (int64_t)si->hz);
	si->uptime_jiffies = jiffies - initial;
	si->uptime = si->uptime_jiffies / si->hz;
}

static void read_load(const struct kernel *k, struct sysinfo *si)
{
	unsigned char b[24];
	size_t got;
	int i;

	si->err_load = kernel_read_var(k, "avenrun", NULL, b, sizeof(b), &got);
	for (i = 0; !si->err_load && i < 3; i++)
		si->load[i] = (unsigned long)(got == 24 ?
			get64(b + 8 * i, k->dump->big_endian) :
			get32(b + 4 * i, k->dump->big_endian));
}

static void read_mem(const struct kernel *k, struct sysinfo *si)
{
	uint64_t nodes, base, off, size, present = 0, node, i;
	uint32_t page_size = k->vm ? k->vm->page_size : k->dump->page_size;

	si->err_mem = kernel_member(k, "pglist_data", "node_present_pages",
				    &off, &size);
	if (si->err_mem)
		return;
	/* NUMA kernels keep a pointer per node; others one contig_page_data */
	if (!kernel_symbol_quiet(k, "node_data", &base)) {
		si->err_mem = kernel_var_number(k, "nr_node_ids", NULL, &nodes);
		for (i = 0; i < nodes && i < 1024 && !si->err_mem; i++) {
			si->err_mem = vmem_read_u64(k->vm, base + 8 * i, &node);
			if (!si->err_mem && node)
				si->err_mem = vmem_read_u64(k->vm, node + off,
							    &present);
			if (!si->err_mem && node)
				si->mem_bytes += present * page_size;
		}
		return;
	}
	si->err_mem = kernel_var_number(k, "contig_page_data",
					"node_present_pages", &present);
	si->mem_bytes = present * page_size;
}

static void read_cpus(const struct kernel *k, struct sysinfo *si)
{
	uint64_t v = 0;

	si->err_cpus = kernel_var_number(k, "__num_online_cpus", "counter",
					 &v);
	si->cpus = (unsigned int)v;
}

void sysinfo_read(const struct kernel *k, struct sysinfo *si)
{
	uint64_t threads = 0, khz = 0;

	memset(si, 0, sizeof(*si));
	read_cpus(k, si);
	read_time(k, si);
	read_uptime(k, si);
	read_load(k, si);
	si->err_tasks = kernel_var_number(k, "nr_threads", NULL, &threads);
	si->tasks = threads + si->cpus;
	read_uts(k, si);
	read_mem(k, si);
	/* only some architectures keep the clock in a variable */
	if (k->vm && k->vm->arch->cpu_khz_symbol)
		si->err_mhz = kernel_var_number(k, k->vm->arch->cpu_khz_symbol,
						NULL, &khz);
	si->mhz = (unsigned int)(khz / 1000);
}

void sysinfo_free(struct sysinfo *si)
{
	struct error **e[] = { &si->err_cpus, &si->err_time, &si->err_uptime,
			       &si->err_load, &si->err_tasks, &si->err_uts,
			       &si->err_mem, &si->err_mhz };
	size_t i;

	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		error_free(*e[i]);
		*e[i] = NULL;
	}
}

struct error *sysinfo_boot_time(const struct kernel *k, int64_t *boot)
{
	struct sysinfo si;
	struct error *err;

	memset(&si, 0, sizeof(si));
	read_time(k, &si);
	read_uptime(k, &si);
	if (si.err_time) {
		err = error_prefix(si.err_time, "the crash time");
		si.err_time = NULL;
	} else if (si.err_uptime) {
		err = error_prefix(si.err_uptime, "the uptime");
		si.err_uptime = NULL;
	} else {
		err = NULL;
	}
	if (!err)
		*boot = si.time - (int64_t)si.uptime;
	sysinfo_free(&si);
	return err;
}
