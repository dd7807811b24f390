/* The command table: each command is one function in its own file. */
#ifndef CRASH_CMD_COMMANDS_H
#define CRASH_CMD_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct error;
struct session;
struct vmcoreinfo;
struct vmem;

struct strbuf;

/* Print a type layer answer and its error, if any (struct.c). */
void print_answer(struct session *s, const char *cmd, struct strbuf *sb,
		  struct error *err);

/* vtop.c: a page table entry's flags; text centred in a column. */
void print_pte_flags(struct session *s, uint64_t entry, bool large);
void print_centred(FILE *out, const char *text, int width, bool lean_right);

/* The kernel log, for log and crash --log (log.c): k->di and k->symtab
 * may be NULL (then VMCOREINFO must locate the log, and -m and -T cannot
 * be had). */
struct kernel;
struct log_options {
	bool no_time;		/* -t */
	bool wall_clock;	/* -T */
	bool level;		/* -m */
	bool dict;		/* -d */
	bool caller;		/* -c */
	struct json *json;	/* not NULL: the records as JSON objects */
};
struct error *log_print(FILE *out, const struct kernel *k,
			const struct vmcoreinfo *vi,
			const struct log_options *o);

/* "struct NAME {...}" of the structure at addr, or its members ("a,b.c")
 * as "  a = ...," lines; format 0, 'x' or 'd' (struct.c). */
int print_struct_at(struct session *s, const char *type_name,
		    const char *members, uint64_t addr, char format);

/* "511.5 MB", "2 GB": memory as sys and mach show it (sys.c) */
void format_memory(char *buf, size_t size, uint64_t bytes);

/* sys -t and sys -c [name|number] (sys_tables.c) */
int sys_taints(struct session *s);
int sys_calls(struct session *s, const char *spec);

struct task;
/* "PID: 1        TASK: ffff...  CPU: 0    COMMAND: "init"" (task_header.c) */
void print_task_header(FILE *out, const struct task *t);
/* files' block of one task, a blank line after it or not (files.c) */
int files_of(struct session *s, const struct task *t, bool blank_after);
/* set's block: PID, COMMAND, TASK, CPU, STATE (set.c) */
void print_context(struct session *s, const struct task *t);
/* Is name one of set's crash variables (set.c)? */
bool set_is_variable(const char *name);

struct command {
	const char *name;
	int (*run)(struct session *s, int argc, char **argv);
	const char *summary;
	const char *const *help;	/* NAME, SYNOPSIS, DESCRIPTION lines */
};

const struct command *command_find(const char *name);
/* Every command's help text as troff, for crash.8 (help.c). */
void help_print_man(FILE *out);
/* help NAME's page (-1: no such command) and help's list (help.c): for
 * the help command and crash -h. */
int help_command(FILE *out, const char *name);
void help_list(FILE *out);
/* "Usage:", the SYNOPSIS of name's help, "Enter "help NAME" for details." */
void command_usage(FILE *out, const char *name);
const struct command *command_table(unsigned int *n);

int cmd_alias(struct session *s, int argc, char **argv);
int cmd_ascii(struct session *s, int argc, char **argv);
int cmd_bt(struct session *s, int argc, char **argv);
int cmd_btop(struct session *s, int argc, char **argv);
int cmd_dis(struct session *s, int argc, char **argv);
int cmd_eval(struct session *s, int argc, char **argv);
int cmd_files(struct session *s, int argc, char **argv);
int cmd_foreach(struct session *s, int argc, char **argv);
int cmd_help(struct session *s, int argc, char **argv);
int cmd_kmem(struct session *s, int argc, char **argv);
int cmd_log(struct session *s, int argc, char **argv);
int cmd_mach(struct session *s, int argc, char **argv);
int cmd_mod(struct session *s, int argc, char **argv);
int cmd_p(struct session *s, int argc, char **argv);
int cmd_ps(struct session *s, int argc, char **argv);
int cmd_pointer(struct session *s, int argc, char **argv);
int cmd_ptob(struct session *s, int argc, char **argv);
int cmd_pte(struct session *s, int argc, char **argv);
int cmd_ptov(struct session *s, int argc, char **argv);
int cmd_quit(struct session *s, int argc, char **argv);
int cmd_rd(struct session *s, int argc, char **argv);
int cmd_repeat(struct session *s, int argc, char **argv);
int cmd_runq(struct session *s, int argc, char **argv);
int cmd_set(struct session *s, int argc, char **argv);
int cmd_struct(struct session *s, int argc, char **argv);
int cmd_sym(struct session *s, int argc, char **argv);
int cmd_sys(struct session *s, int argc, char **argv);
int cmd_task(struct session *s, int argc, char **argv);
int cmd_union(struct session *s, int argc, char **argv);
int cmd_vm(struct session *s, int argc, char **argv);
int cmd_vtop(struct session *s, int argc, char **argv);
int cmd_whatis(struct session *s, int argc, char **argv);

extern const char *const ascii_help[], *const btop_help[], *const eval_help[],
	*const help_help[], *const log_help[], *const ps_help[], *const ptob_help[], *const pte_help[],
	*const ptov_help[], *const quit_help[],
	*const rd_help[], *const set_help[], *const struct_help[], *const sym_help[], *const sys_help[],
	*const task_help[], *const union_help[], *const vm_help[], *const vtop_help[], *const whatis_help[];
extern const char *const p_help[], *const mod_help[];
extern const char *const bt_help[], *const foreach_help[], *const mach_help[],
	*const files_help[];
extern const char *const alias_help[], *const pointer_help[],
	*const repeat_help[];
extern const char *const runq_help[];
extern const char *const kmem_help[];
extern const char *const dis_help[];

#endif
