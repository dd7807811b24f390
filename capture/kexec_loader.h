/*
 * crash-kexec, the loader of the capture side: loads a kernel for a kexec
 * reboot (-l) or as the crash kernel (-p) through kexec_file_load(2),
 * unloads it (-u), boots it (-e) and says what is loaded (-s).
 *
 * Every call into the kernel and every file it reads goes through
 * kexec_ops, so the unit tests can put fakes in its place.
 */
#ifndef CRASH_KEXEC_LOADER_H
#define CRASH_KEXEC_LOADER_H

#include <stdio.h>
#include <sys/types.h>

/* kexec_file_load(2) flags (include/uapi/linux/kexec.h) */
#define KEXEC_FILE_UNLOAD 0x1UL
#define KEXEC_FILE_ON_CRASH 0x2UL
#define KEXEC_FILE_NO_INITRAMFS 0x4UL

/* Exit codes, those of kexec-tools where the two overlap: 1 for a usage
 * error or a check that failed before any system call, 255 when the
 * kernel refused (kexec-tools' EFAILED, -1), 253 when kexec_file_load
 * cannot do it at all (EFALLBACK, -3: no such system call, or an image
 * it does not understand).  --status: 1 if loaded, 0 if not. */
#define KEXEC_EXIT_USAGE 1
#define KEXEC_EXIT_FAILED 255
#define KEXEC_EXIT_UNSUPPORTED 253

struct kexec_ops {
	/* kexec_file_load(2): 0, or -1 with errno set */
	long (*file_load)(int kernel_fd, int initrd_fd,
			  unsigned long cmdline_len, const char *cmdline,
			  unsigned long flags);
	/* reboot(LINUX_REBOOT_CMD_KEXEC): returns only on failure (errno) */
	long (*reboot_kexec)(void);
	void (*sync)(void);
	uid_t (*euid)(void);
	const char *sys_kernel;    /* /sys/kernel: kexec_loaded, ... */
	const char *proc_cmdline;  /* /proc/cmdline */
	const char *lockdown;      /* /sys/kernel/security/lockdown */
	const char *load_disabled; /* /proc/sys/kernel/kexec_load_disabled */
	FILE *out, *err;           /* NULL: stdout, stderr */
};

/* The real system calls and paths; tests replace members. */
extern struct kexec_ops kexec_ops;

/* The program: its exit status. */
int crash_kexec_run(int argc, char **argv);

#endif
