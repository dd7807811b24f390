/* A task's open files and the paths of dentries: what files shows. */
#ifndef CRASH_KERNEL_FILES_H
#define CRASH_KERNEL_FILES_H

#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;
struct task;

struct open_file {
	unsigned int fd;
	uint64_t file, dentry, inode;
	uint32_t mode;		/* inode->i_mode */
	char path[1024];
};

/* The path of dentry under the mount vfsmount ("/dev/console"), crossing
 * mount points up to the first mount. */
struct error *kernel_d_path(const struct kernel *k, uint64_t vfsmount,
			    uint64_t dentry, char *buf, size_t size);

/* The task's root and working directory paths. */
struct error *task_root_cwd(const struct kernel *k, const struct task *t,
			    char *root, char *cwd, size_t size);

/* Each open file of the task, in fd order; fn's nonzero return stops. */
typedef int (*open_file_fn)(const struct open_file *f, void *arg);
struct error *task_open_files(const struct kernel *k, const struct task *t,
			      open_file_fn fn, void *arg);

#endif
