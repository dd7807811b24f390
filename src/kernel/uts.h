/* The kernel's utsname (init_uts_ns.name) found through VMCOREINFO, for
 * describing a dump without a vmlinux. */
#ifndef CRASH_UTS_H
#define CRASH_UTS_H

struct error;
struct vmcoreinfo;
struct vmem;

struct uts {
	char sysname[65], nodename[65], release[65], version[65],
	     machine[65], domainname[65];
};

struct error *uts_from_vmcoreinfo(struct vmem *vm,
				  const struct vmcoreinfo *vi,
				  struct uts *out);

#endif
