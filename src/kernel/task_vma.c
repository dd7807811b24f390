/*
 * The VMAs of an address space.  Since 6.1 (d4af56c5c7c6) they are the
 * entries of the maple tree mm->mm_mt, indexed by address; before, the
 * list mm->mmap linked by vm_next.  Which one a kernel has is asked of
 * the debug info.  The list walk is bounded and needs the starts to rise,
 * so a loop in a damaged list ends with an error.
 */
#include <inttypes.h>
#include <stdbool.h>

#include "../util/error.h"
#include "files.h"
#include "kernel.h"
#include "maple.h"
#include "task_vma.h"

#define MAX_VMAS (1u << 24)	/* well above vm.max_map_count's ceiling */

struct vma_fields {
	struct kernel_field start, end, flags, file, pgoff, dentry, mnt;
};

static struct error *fields(const struct kernel *k, struct vma_fields *f)
{
	struct error *err = kernel_field(k, "vm_area_struct", "vm_start",
					 &f->start);

	if (!err)
		err = kernel_field(k, "vm_area_struct", "vm_end", &f->end);
	if (!err)
		err = kernel_field(k, "vm_area_struct", "vm_flags", &f->flags);
	if (!err)
		err = kernel_field(k, "vm_area_struct", "vm_file", &f->file);
	if (!err)
		err = kernel_field(k, "vm_area_struct", "vm_pgoff", &f->pgoff);
	if (!err)
		err = kernel_field(k, "file", "f_path.dentry", &f->dentry);
	if (!err)
		err = kernel_field(k, "file", "f_path.mnt", &f->mnt);
	return err;
}

static struct error *read_vma(const struct kernel *k,
			      const struct vma_fields *f, uint64_t addr,
			      struct vma *v)
{
	uint64_t dentry = 0, mnt = 0;
	struct error *err;

	v->addr = addr;
	v->path[0] = '\0';
	err = kernel_read_field(k, addr, &f->start, &v->start);
	if (!err)
		err = kernel_read_field(k, addr, &f->end, &v->end);
	if (!err)
		err = kernel_read_field(k, addr, &f->flags, &v->flags);
	if (!err)
		err = kernel_read_field(k, addr, &f->file, &v->file);
	if (!err)
		err = kernel_read_field(k, addr, &f->pgoff, &v->pgoff);
	if (err)
		return error_prefix(err, "vm_area_struct at %#" PRIx64, addr);
	if (!v->file)
		return NULL;
	/* an unreadable file leaves the path empty, as the classic does */
	err = kernel_read_field(k, v->file, &f->dentry, &dentry);
	if (!err)
		err = kernel_read_field(k, v->file, &f->mnt, &mnt);
	if (!err && dentry && mnt)
		err = kernel_d_path(k, mnt, dentry, v->path, sizeof(v->path));
	if (err) {
		v->path[0] = '\0';
		error_free(err);
	}
	return NULL;
}

struct error *mm_pgd(const struct kernel *k, uint64_t mm, uint64_t *pgd)
{
	struct kernel_field f;
	struct error *err = kernel_field(k, "mm_struct", "pgd", &f);

	if (!err)
		err = kernel_read_field(k, mm, &f, pgd);
	return err ? error_prefix(err, "mm_struct at %#" PRIx64, mm) : NULL;
}

struct walk {
	const struct kernel *k;
	struct vma_fields f;
	vma_fn fn;
	void *arg;
	struct error *err;
	struct vma v;
};

static int one_entry(uint64_t first, uint64_t last, uint64_t entry,
		     void *arg)
{
	struct walk *w = arg;

	(void)first;
	(void)last;
	w->err = read_vma(w->k, &w->f, entry, &w->v);
	if (w->err)
		return 1;
	return w->fn(&w->v, w->arg);
}

static struct error *from_list(struct walk *w, uint64_t mm)
{
	struct kernel_field mmap, next;
	uint64_t vma, prev_end = 0;
	struct error *err = kernel_field(w->k, "mm_struct", "mmap", &mmap);
	unsigned int n;

	if (!err)
		err = kernel_field(w->k, "vm_area_struct", "vm_next", &next);
	if (!err)
		err = kernel_read_field(w->k, mm, &mmap, &vma);
	for (n = 0; !err && vma; n++) {
		if (n >= MAX_VMAS)
			return error_create(ERR_FORMAT, "mm_struct at %#"
					    PRIx64 ": more than %u VMAs", mm,
					    MAX_VMAS);
		err = read_vma(w->k, &w->f, vma, &w->v);
		if (err)
			break;
		if (n && w->v.start < prev_end)
			return error_create(ERR_FORMAT, "vm_area_struct at %#"
					    PRIx64 ": starts at %#" PRIx64
					    ", below the previous end %#"
					    PRIx64 " (a damaged list)", vma,
					    w->v.start, prev_end);
		prev_end = w->v.end;
		if (w->fn(&w->v, w->arg))
			break;
		err = kernel_read_field(w->k, vma, &next, &vma);
	}
	return err;
}

struct error *mm_vmas(const struct kernel *k, uint64_t mm, vma_fn fn,
		      void *arg)
{
	struct walk w = { .k = k, .fn = fn, .arg = arg };
	struct kernel_field mt;
	struct error *err = fields(k, &w.f);

	if (err)
		return err;
	if (!kernel_field_if(k, "mm_struct", "mm_mt", &mt))
		return from_list(&w, mm);
	err = maple_tree_walk(k, mm + mt.offset, one_entry, &w);
	if (err) {
		error_free(w.err);
		return error_prefix(err, "VMAs of mm_struct %#" PRIx64, mm);
	}
	return w.err;
}
