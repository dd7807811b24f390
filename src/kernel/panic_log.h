/*
 * Why and where the kernel died, as its log tells it: the panic (or oops)
 * message and the "CPU: N ... PID: P Comm: C" line that dump_stack()
 * prints with it.  This needs no vmlinux, so --dumpinfo can name the
 * crashing CPU; with symbols the session reads panic_cpu and the panic
 * task instead.
 */
#ifndef CRASH_PANIC_LOG_H
#define CRASH_PANIC_LOG_H

struct error;
struct kernel;
struct vmcoreinfo;
struct vmem;

struct panic_log {
	char *message;		/* the panic or oops line, or NULL if none */
	int cpu;		/* -1 if the log does not say */
	int pid;
	char comm[32];
};

/* The log read through k: with its debug info if it has any (then no
 * VMCOREINFO is needed), else through vi. */
struct error *panic_log_find(const struct kernel *k,
			     const struct vmcoreinfo *vi, struct panic_log *out);
void panic_log_free(struct panic_log *pl);

#endif
