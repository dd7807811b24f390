/* The one-line task header that ps -p/-c/-t/-l, set, task and bt share. */
#include <inttypes.h>

#include "../kernel/tasks.h"
#include "commands.h"

void print_task_header(FILE *out, const struct task *t)
{
	char cpu[16];

	snprintf(cpu, sizeof(cpu), "%d", t->cpu);
	fprintf(out, "PID: %-7d  TASK: %-16" PRIx64 "  CPU: %-3s  COMMAND: "
		"\"%s\"\n", t->pid, t->addr, cpu, t->comm);
}
