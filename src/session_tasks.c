/* The session's task table and its current context, made on first use:
 * most sessions that only read the log or a structure never walk the
 * task list. */
#include <stdlib.h>
#include <string.h>

#include "arch/vmem.h"
#include "dump/vmcoreinfo.h"
#include "kernel/panic_log.h"
#include "kernel/tasks.h"
#include "session.h"
#include "util/error.h"

/* The cpu the panic happened on, as the kernel log says (the table asks
 * the kernel's panic_cpu first; QEMU dumps taken after a panic have only
 * the log). */
static int logged_crash_cpu(void *arg)
{
	struct session *s = arg;
	struct panic_log pl;
	struct kernel k;
	struct error *err;
	int cpu;

	if (!s->vmem)
		return -1;
	k = session_kernel(s);
	err = panic_log_find(&k, s->vmem->vmcoreinfo, &pl);
	cpu = err ? -1 : pl.cpu;

	error_free(err);
	if (!err)
		panic_log_free(&pl);
	return cpu;
}

struct error *session_tasks(struct session *s, const struct task_table **ret)
{
	struct kernel k = session_kernel(s);
	struct error *err;

	if (!s->tasks && !s->tasks_why) {
		if (s->minimal)
			err = error_create(ERR_UNSUPPORTED, "no task list: it "
					   "is not read in --minimal mode");
		else if (!s->debuginfo)
			err = error_create(ERR_UNSUPPORTED, "no vmlinux: tasks "
					   "need its debug info");
		else
			err = tasks_read(&k, logged_crash_cpu, s, &s->tasks);
		if (err) {
			s->tasks_why = strdup(err->message);
			error_free(err);
			if (!s->tasks_why)
				return error_nomem();
		} else if (s->tasks->warning) {
			fprintf(stderr, "WARNING: the task list is damaged; "
				"it is shown up to there: %s\n",
				s->tasks->warning->message);
		}
	}
	if (!s->tasks)
		return error_create(ERR_UNSUPPORTED, "%s", s->tasks_why);
	*ret = s->tasks;
	return NULL;
}

struct error *session_context(struct session *s, const struct task **ret)
{
	const struct task_table *t;
	struct error *err = session_tasks(s, &t);

	if (err)
		return err;
	if (!s->context)
		s->context = t->panic;
	/* no panic (a QEMU dump of a live machine): cpu 0's idle task, as
	 * the classic crash */
	if (!s->context && t->n)
		s->context = &t->tasks[0];
	if (!s->context)
		return error_create(ERR_NOT_FOUND, "no tasks");
	*ret = s->context;
	return NULL;
}
