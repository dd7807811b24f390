/*
 * Open files: task->files->fdt->fd[], each a struct file whose f_path
 * names a dentry under a mount.  Paths are built the way d_path does,
 * from the dentry up through d_parent, and at a mount's root on to the
 * dentry it is mounted on (struct mount holds the vfsmount).  Every walk
 * is bounded.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../util/error.h"
#include "files.h"
#include "kernel.h"
#include "tasks.h"

#define MAX_DEPTH 256		/* path components, mounts crossed */
#define MAX_FDS (1u << 20)	/* fs.nr_open's ceiling */

static struct error *field(const struct kernel *k, uint64_t at,
			   const char *type, const char *member, uint64_t *v)
{
	struct kernel_field f;
	struct error *err = kernel_field(k, type, member, &f);

	return err ? err : kernel_read_field(k, at, &f, v);
}

/* The name of a dentry (d_name.name), at most size - 1 bytes. */
static struct error *dentry_name(const struct kernel *k, uint64_t dentry,
				 char *buf, size_t size)
{
	uint64_t name, len;
	struct error *err = field(k, dentry, "dentry", "d_name.name", &name);

	if (!err)
		err = field(k, dentry, "dentry", "d_name.len", &len);
	if (err)
		return err;
	if (len >= size)
		len = size - 1;
	err = vmem_read(k->vm, name, buf, (size_t)len);
	buf[err ? 0 : len] = '\0';
	return err;
}

struct error *kernel_d_path(const struct kernel *k, uint64_t vfsmount,
			    uint64_t dentry, char *buf, size_t size)
{
	struct kernel_field mnt;
	uint64_t mount, root, parent, mparent;
	char name[256], tmp[1024];
	struct error *err = kernel_field(k, "mount", "mnt", &mnt);
	int depth;

	buf[0] = '\0';
	if (err)
		return err;
	mount = vfsmount - mnt.offset;	/* container_of(mnt, struct mount) */
	for (depth = 0; depth < MAX_DEPTH && !err; depth++) {
		err = field(k, vfsmount, "vfsmount", "mnt_root", &root);
		if (err)
			break;
		if (dentry == root) {	/* at the top of this mount */
			err = field(k, mount, "mount", "mnt_parent", &mparent);
			if (err || mparent == mount || !mparent)
				break;	/* the first mount: the root */
			err = field(k, mount, "mount", "mnt_mountpoint",
				    &dentry);
			mount = mparent;
			vfsmount = mount + mnt.offset;
			continue;
		}
		err = field(k, dentry, "dentry", "d_parent", &parent);
		if (!err)
			err = dentry_name(k, dentry, name, sizeof(name));
		if (err)
			break;
		snprintf(tmp, sizeof(tmp), "/%s%s", name, buf);
		snprintf(buf, size, "%s", tmp);
		if (parent == dentry)	/* a root the mounts did not name */
			break;
		dentry = parent;
	}
	if (!err && !buf[0])
		snprintf(buf, size, "/");
	return err ? error_prefix(err, "path of dentry %#" PRIx64, dentry)
		   : NULL;
}

struct error *task_root_cwd(const struct kernel *k, const struct task *t,
			    char *root, char *cwd, size_t size)
{
	struct kernel_field fs, root_f, pwd_f, mnt, dentry;
	uint64_t fsp, m, d;
	struct error *err = kernel_field(k, "task_struct", "fs", &fs);

	if (!err)
		err = kernel_field(k, "fs_struct", "root", &root_f);
	if (!err)
		err = kernel_field(k, "fs_struct", "pwd", &pwd_f);
	if (!err)
		err = kernel_field(k, "path", "mnt", &mnt);
	if (!err)
		err = kernel_field(k, "path", "dentry", &dentry);
	if (!err)
		err = kernel_read_field(k, t->addr, &fs, &fsp);
	if (!err && !fsp)
		return error_create(ERR_NOT_FOUND, "pid %d has no fs_struct",
				    t->pid);
	if (!err)
		err = kernel_read_number(k, fsp + root_f.offset + mnt.offset, 8,
					 &m);
	if (!err)
		err = kernel_read_number(k, fsp + root_f.offset +
					 dentry.offset, 8, &d);
	if (!err)
		err = kernel_d_path(k, m, d, root, size);
	if (!err)
		err = kernel_read_number(k, fsp + pwd_f.offset + mnt.offset, 8,
					 &m);
	if (!err)
		err = kernel_read_number(k, fsp + pwd_f.offset +
					 dentry.offset, 8, &d);
	if (!err)
		err = kernel_d_path(k, m, d, cwd, size);
	return err ? error_prefix(err, "pid %d", t->pid) : NULL;
}

struct error *task_open_files(const struct kernel *k, const struct task *t,
			      open_file_fn fn, void *arg)
{
	uint64_t files, fdt, max, fd, file, v;
	struct open_file f;
	struct error *err;
	unsigned int i;

	err = field(k, t->addr, "task_struct", "files", &files);
	if (err || !files)
		return err;
	err = field(k, files, "files_struct", "fdt", &fdt);
	if (!err)
		err = field(k, fdt, "fdtable", "max_fds", &max);
	if (!err)
		err = field(k, fdt, "fdtable", "fd", &fd);
	if (err)
		return error_prefix(err, "files of pid %d", t->pid);
	if (max > MAX_FDS)
		return error_create(ERR_FORMAT, "files of pid %d: max_fds %"
				    PRIu64 " is not a number of files",
				    t->pid, max);
	for (i = 0; i < max; i++) {
		uint64_t mnt;

		err = kernel_read_pointer(k, fd + 8 * (uint64_t)i, &file);
		if (err)
			break;
		if (!file)
			continue;
		memset(&f, 0, sizeof(f));
		f.fd = i;
		f.file = file;
		err = field(k, file, "file", "f_path.dentry", &f.dentry);
		if (!err)
			err = field(k, file, "file", "f_path.mnt", &mnt);
		if (!err)
			err = field(k, file, "file", "f_inode", &f.inode);
		if (!err && f.inode &&
		    !(err = field(k, f.inode, "inode", "i_mode", &v)))
			f.mode = (uint32_t)v;
		if (!err)
			err = kernel_d_path(k, mnt, f.dentry, f.path,
					    sizeof(f.path));
		if (err)
			return error_prefix(err, "fd %u of pid %d", i, t->pid);
		if (fn(&f, arg))
			break;
	}
	return err ? error_prefix(err, "files of pid %d", t->pid) : NULL;
}
