/* The facts the sys command shows: each read on its own, so that what
 * cannot be read is reported and the rest still shown. */
#ifndef CRASH_SYSINFO_H
#define CRASH_SYSINFO_H

#include <stdint.h>

struct error;
struct kernel;

struct sysinfo {
	struct error *err_cpus, *err_time, *err_uptime, *err_load,
		     *err_tasks, *err_uts, *err_mem, *err_mhz;
	unsigned int cpus;		/* online */
	int64_t time;			/* of the crash, seconds since 1970 */
	const char *time_from;
	uint64_t uptime;		/* seconds */
	uint64_t uptime_jiffies;
	unsigned int hz;
	unsigned long load[3];		/* avenrun: fixed point, 11 bits */
	uint64_t tasks;			/* threads and the per-CPU idle tasks */
	char nodename[65], release[65], version[65], machine[65];
	uint64_t mem_bytes;		/* RAM the nodes have */
	unsigned int mhz;		/* 0: unknown */
};

void sysinfo_read(const struct kernel *k, struct sysinfo *si);
void sysinfo_free(struct sysinfo *si);
/* When the kernel booted, to the second, as the classic crash counts it:
 * the crash time less the uptime in whole seconds. */
struct error *sysinfo_boot_time(const struct kernel *k, int64_t *boot);

#endif
