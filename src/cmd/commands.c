#include <stdbool.h>
#include <string.h>

#include "commands.h"

/* Sorted by name: help lists them in this order. */
static const struct command commands[] = {
	{ "*", cmd_pointer, "pointer-to short-cut (struct or union)",
	  pointer_help },
	{ "alias", cmd_alias, "command aliases", alias_help },
	{ "ascii", cmd_ascii, "translate a hexadecimal value to ASCII",
	  ascii_help },
	{ "bt", cmd_bt, "backtrace", bt_help },
	{ "btop", cmd_btop, "bytes to page", btop_help },
	{ "dis", cmd_dis, "disassemble", dis_help },
	{ "eval", cmd_eval, "evaluate an expression", eval_help },
	{ "exit", cmd_quit, "leave the session", quit_help },
	{ "files", cmd_files, "open files", files_help },
	{ "foreach", cmd_foreach, "display command data for multiple tasks",
	  foreach_help },
	{ "help", cmd_help, "list commands, show a command's help, or "
	  "describe the dump (-D, -n)", help_help },
	{ "kmem", cmd_kmem, "kernel memory", kmem_help },
	{ "log", cmd_log, "dump the kernel log", log_help },
	{ "mach", cmd_mach, "machine specific data", mach_help },
	{ "mod", cmd_mod, "module information and loading of symbols",
	  mod_help },
	{ "p", cmd_p, "print the value of an expression", p_help },
	{ "ptob", cmd_ptob, "page to bytes", ptob_help },
	{ "pte", cmd_pte, "translate a page table entry", pte_help },
	{ "ps", cmd_ps, "display process status information", ps_help },
	{ "ptov", cmd_ptov, "physical to virtual", ptov_help },
	{ "q", cmd_quit, "leave the session", quit_help },
	{ "rd", cmd_rd, "read memory", rd_help },
	{ "repeat", cmd_repeat, "repeat a command", repeat_help },
	{ "runq", cmd_runq, "run queue", runq_help },
	{ "set", cmd_set, "set a process context or internal crash variable",
	  set_help },
	{ "struct", cmd_struct, "structure contents", struct_help },
	{ "sym", cmd_sym, "translate a symbol to its address, or back",
	  sym_help },
	{ "sys", cmd_sys, "system data", sys_help },
	{ "task", cmd_task, "task_struct contents", task_help },
	{ "union", cmd_union, "union contents", union_help },
	{ "vm", cmd_vm, "virtual memory", vm_help },
	{ "vtop", cmd_vtop, "virtual to physical", vtop_help },
	{ "whatis", cmd_whatis, "data or type information", whatis_help },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct command *command_find(const char *name)
{
	size_t len = strcspn(name, "/");
	unsigned int i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	/* "p/x": GDB's print format follows the command name; the
	 * command reads it from argv[0] */
	for (i = 0; name[len] && i < NCOMMANDS; i++)
		if (!strncmp(commands[i].name, name, len) &&
		    !commands[i].name[len])
			return &commands[i];
	return NULL;
}

const struct command *command_table(unsigned int *n)
{
	*n = NCOMMANDS;
	return commands;
}

void command_usage(FILE *out, const char *name)
{
	const struct command *c = command_find(name);
	const char *const *h;
	bool in_synopsis = false;

	if (!c || !c->help)
		return;
	fputs("Usage:\n", out);
	/* the SYNOPSIS section of the command's help, as the classic crash
	 * shows it after a bad option */
	for (h = c->help; *h; h++) {
		if (!strcmp(*h, "SYNOPSIS")) {
			in_synopsis = true;
			continue;
		}
		if (in_synopsis && !**h)
			break;
		if (in_synopsis)
			fprintf(out, "%s\n", *h);
	}
	fprintf(out, "Enter \"help %s\" for details.\n", c->name);
}
