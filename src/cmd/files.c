/* files: a task's root and working directories and its open files. */
#include <getopt.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "../kernel/files.h"
#include "../kernel/tasks.h"
#include "../session.h"
#include "../util/error.h"
#include "commands.h"

const char *const files_help[] = {
	"NAME",
	"  files - open files",
	"",
	"SYNOPSIS",
	"  files [pid | taskp] ...",
	"",
	"DESCRIPTION",
	"  This command shows the root and current working directories of the",
	"  current context's task, or of each task named, and its open files:",
	"  the file descriptor, the struct file, dentry and inode addresses, the",
	"  file type (REG, DIR, CHR, BLK, FIFO, SOCK, LNK) and the path, built",
	"  from the dentries across the mount points.",
	"",
	"  The classic crash's -d (a dentry's users), -p (an inode's pages),",
	"  -c and -R are not supported yet.",
	"",
	"EXAMPLES",
	"    crash> files 1",
	"    PID: 1        TASK: ffff88f781204200  CPU: 0    COMMAND: \"init\"",
	"    ROOT: /    CWD: /",
	"     FD       FILE            DENTRY           INODE       TYPE PATH",
	"      0 ffff88f781837700 ffff88f781460480 ffff88f7818852f0 CHR  /dev/console",
	"      1 ffff88f781837d00 ffff88f7820bd240 ffff88f7820dd950 REG  /proc/sysrq-trigger",
	NULL,
};

static const char *type_name(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "REG";
	case S_IFDIR: return "DIR";
	case S_IFCHR: return "CHR";
	case S_IFBLK: return "BLK";
	case S_IFIFO: return "FIFO";
	case S_IFSOCK: return "SOCK";
	case S_IFLNK: return "LNK";
	default: return "UNKN";
	}
}

struct files_out {
	struct session *s;
	int n;
};

static int print_file(const struct open_file *f, void *arg)
{
	struct files_out *o = arg;

	if (!o->n++)
		fputs(" FD       FILE            DENTRY           INODE       "
		      "TYPE PATH\n", o->s->out);
	fprintf(o->s->out, "%3u %016" PRIx64 " %016" PRIx64 " %016" PRIx64
		" %-4s %s\n", f->fd, f->file, f->dentry, f->inode,
		type_name(f->mode), f->path);
	return 0;
}

int files_of(struct session *s, const struct task *t, bool blank_after)
{
	struct kernel k = session_kernel(s);
	struct files_out o = { .s = s };
	char root[1024], cwd[1024];
	struct error *err;

	print_task_header(s->out, t);
	err = task_root_cwd(&k, t, root, cwd, sizeof(root));
	if (err) {
		fprintf(stderr, "files: %s\n", err->message);
		error_free(err);
		return 1;
	}
	fprintf(s->out, "ROOT: %s    CWD: %s\n", root, cwd);
	err = task_open_files(&k, t, print_file, &o);
	if (err) {
		fprintf(stderr, "files: %s\n", err->message);
		error_free(err);
		return 1;
	}
	if (!o.n)
		fputs("No open files\n", s->out);
	/* as the classic crash: a block per task named ends with a blank
	 * line, the current context's does not */
	if (blank_after)
		fputc('\n', s->out);
	return 0;
}

int cmd_files(struct session *s, int argc, char **argv)
{
	const struct task_table *t;
	const struct task *task;
	struct error *err;
	int c, i, rc = 0;

	optind = 0;
	while ((c = getopt(argc, argv, "")) != -1) {
		command_usage(s->out, "files");
		return 1;
	}
	err = session_tasks(s, &t);
	if (!err && optind == argc)
		err = session_context(s, &task);
	if (err) {
		fprintf(stderr, "files: %s\n", err->message);
		error_free(err);
		return 1;
	}
	if (optind == argc)
		return files_of(s, task, false);
	for (i = optind; i < argc; i++) {
		task = tasks_find(t, argv[i]);
		if (!task) {
			fprintf(stderr, "files: invalid task or pid value: %s\n",
				argv[i]);
			rc = 1;
			continue;
		}
		if (i > optind)	/* the classic crash's separator, too */
			fputc('\n', s->out);
		rc |= files_of(s, task, true);
	}
	return rc;
}
