/*
 * Opening a session: the dump, then the vmlinux, and the checks that they
 * belong together before anything is read through the one from the other.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "arch/vmem.h"
#include "dump/vmcoreinfo.h"
#include "kernel/tasks.h"
#include "kernel/backtrace.h"
#include "session.h"
#include "symbols/debuginfo.h"
#include "symbols/lines.h"
#include "symbols/symtab.h"
#include "symbols/vmlinux.h"
#include "util/error.h"

/* The release in "Linux version 6.1.0-56-amd64 (...". */
static void banner_release(const char *banner, char *out, size_t size)
{
	const char *p = strstr(banner, "Linux version ");
	size_t n = 0;

	*out = '\0';
	if (!p)
		return;
	p += strlen("Linux version ");
	while (p[n] && p[n] != ' ' && n + 1 < size)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

static struct error *check_arch(struct session *s)
{
	const struct arch_ops *arch = arch_for_dump(s->dump);
	const char *vm_machine = vmlinux_machine_name(s->vmlinux->machine,
						      s->vmlinux->elf_class);

	if (arch && arch->elf_machine != s->vmlinux->machine)
		return error_create(ERR_INVALID, "%s is a kernel for %s, but "
				    "the dump %s is of a machine of %s",
				    s->namelist, vm_machine ? vm_machine : "?",
				    s->dump->paths[0], arch->name);
	return NULL;
}

/* The vmlinux must be the kernel that wrote the dump: same build-id when
 * the dump says it (VMCOREINFO BUILD-ID), else the same release. */
static struct error *check_match(struct session *s,
				 const struct session_options *opts)
{
	const struct vmcoreinfo *vi = s->dump->vmcoreinfo;
	const char *dump_id = vmcoreinfo_get(vi, "BUILD-ID");
	const char *dump_rel = vmcoreinfo_get(vi, "OSRELEASE");
	char vm_id[160], banner[512] = "", vm_rel[128] = "";
	const struct symbol *sym;
	struct error *err = NULL;

	vmlinux_build_id_hex(s->vmlinux, vm_id, sizeof(vm_id));
	if (s->symtab && (sym = symtab_lookup_name(s->symtab, "linux_banner")))
		error_free(vmlinux_read_string(s->vmlinux,
					       symtab_link_addr(s->symtab, sym),
					       banner, sizeof(banner)));
	banner_release(banner, vm_rel, sizeof(vm_rel));
	if (dump_id && vm_id[0] && strcmp(dump_id, vm_id))
		err = error_create(ERR_INVALID, "%s does not match the dump: "
				   "its build-id is %s, the dump's kernel's is "
				   "%s (release %s vs %s)", s->namelist, vm_id,
				   dump_id, vm_rel[0] ? vm_rel : "?",
				   dump_rel ? dump_rel : "?");
	else if (!(dump_id && vm_id[0]) && dump_rel && vm_rel[0] &&
		 strcmp(dump_rel, vm_rel))
		err = error_create(ERR_INVALID, "%s does not match the dump: "
				   "it is release %s, the dump's kernel is %s",
				   s->namelist, vm_rel, dump_rel);
	if (err && opts->force) {
		fprintf(stderr, "crash: WARNING: %s (--force: going on)\n",
			err->message);
		error_free(err);
		err = NULL;
	}
	return err;
}

static void set_kaslr(struct session *s, const struct session_options *opts)
{
	int64_t off;

	if (opts->kaslr_given) {
		s->kaslr_offset = opts->kaslr;
		s->kaslr_from = "--kaslr";
	} else if (vmcoreinfo_number(s->dump->vmcoreinfo, "KERNELOFFSET",
				     &off)) {
		s->kaslr_offset = (uint64_t)off;
		s->kaslr_from = "VMCOREINFO KERNELOFFSET";
	} else if (s->vmem && vmcoreinfo_number(s->vmem->vmcoreinfo,
						"KERNELOFFSET", &off)) {
		/* the architecture found the kernel's copy in memory */
		s->kaslr_offset = (uint64_t)off;
		s->kaslr_from = "KERNELOFFSET of the VMCOREINFO text found in "
				"memory";
	} else {
		s->kaslr_offset = 0;
		s->kaslr_from = "none (no VMCOREINFO; use --kaslr if the "
				"kernel was relocated)";
	}
}

/* A mismatch is an error unless --force makes it a warning. */
static struct error *mismatch(struct session *s,
			      const struct session_options *opts,
			      struct error *err)
{
	(void)s;
	if (!opts->force)
		return err;
	fprintf(stderr, "crash: WARNING: %s (--force: going on)\n",
		err->message);
	error_free(err);
	return NULL;
}

/*
 * Without VMCOREINFO (a QEMU dump taken before the kernel published it)
 * the relocation is found by trying every offset the kernel could have
 * chosen until the page tables map linux_banner to the vmlinux's banner.
 */
static void derive_kaslr(struct session *s)
{
	const struct arch_ops *arch = s->vmem->arch;
	const struct symbol *sym = symtab_lookup_name(s->symtab,
						      "linux_banner");
	char file[64], mem[64];
	uint64_t link, off;

	if (!sym || !arch->kaslr_align || vmlinux_read(s->vmlinux,
	    symtab_link_addr(s->symtab, sym), file, sizeof(file)))
		return;
	link = symtab_link_addr(s->symtab, sym);
	for (off = 0; off < arch->kaslr_max; off += arch->kaslr_align) {
		struct error *err = vmem_read(s->vmem, link + off, mem,
					      sizeof(mem));

		if (!err && !memcmp(mem, file, sizeof(file))) {
			s->kaslr_offset = off;
			s->kaslr_from = "found: linux_banner through the page "
					"tables";
			return;
		}
		error_free(err);
	}
}

/* With memory and symbols both there, the banner in memory must be the
 * banner in the file: the last word on whether they belong together and
 * whether the KASLR offset is right. */
/* Cut text at max bytes and replace what does not print with '.'. */
static void printable(char *text, size_t max)
{
	size_t i;

	for (i = 0; text[i] && i < max; i++)
		if (!isprint((unsigned char)text[i]))
			text[i] = '.';
	text[i] = '\0';
}

static struct error *verify_banner(struct session *s,
				   const struct session_options *opts)
{
	const struct symbol *sym = symtab_lookup_name(s->symtab,
						      "linux_banner");
	char file[256], mem[256];
	struct error *err;

	if (!sym)
		return NULL;
	err = vmlinux_read(s->vmlinux, symtab_link_addr(s->symtab, sym), file,
			   sizeof(file));
	if (err) {
		fprintf(stderr, "crash: WARNING: cannot check the vmlinux "
			"against the dump: %s\n", err->message);
		error_free(err);
		return NULL;
	}
	err = vmem_read(s->vmem, sym->addr, mem, sizeof(mem));
	if (err)
		return mismatch(s, opts, error_prefix(err, "linux_banner "
			"(KASLR offset 0x%llx from %s: wrong offset or "
			"vmlinux?)", (unsigned long long)s->kaslr_offset,
			s->kaslr_from));
	file[sizeof(file) - 1] = mem[sizeof(mem) - 1] = '\0';
	if (!strcmp(file, mem))
		return NULL;
	/* what the dump holds there may be anything: show it printable */
	printable(mem, 60);
	printable(file, 60);
	return mismatch(s, opts, error_create(ERR_INVALID, "linux_banner at "
		"0x%llx in the dump is not the vmlinux's (KASLR offset 0x%llx "
		"from %s): \"%s\" vs \"%s\"",
		(unsigned long long)sym->addr,
		(unsigned long long)s->kaslr_offset, s->kaslr_from, mem, file));
}
/* -d 1: what opening the dump decided, on stderr. */
static void debug_dump(const struct session *s)
{
	const struct dump *d = s->dump;
	const struct arch_ops *arch = arch_for_dump(d);
	int64_t phys_base;
	int i;

	for (i = 0; i < d->npaths; i++)
		fprintf(stderr, "crash: debug: dump file %s\n", d->paths[i]);
	fprintf(stderr, "crash: debug: format %s, page size %u, %s\n",
		d->description, d->page_size, arch ? arch->name :
		"architecture unknown");
	if (d->vmcoreinfo)
		fprintf(stderr, "crash: debug: VMCOREINFO in the dump, release "
			"%s\n", vmcoreinfo_get(d->vmcoreinfo, "OSRELEASE") ?
			vmcoreinfo_get(d->vmcoreinfo, "OSRELEASE") : "unknown");
	else if (s->vmem && s->vmem->vmcoreinfo)
		fprintf(stderr, "crash: debug: no VMCOREINFO in the dump; the "
			"kernel's copy found in its memory\n");
	else
		fprintf(stderr, "crash: debug: no VMCOREINFO\n");
	if (s->vmem && vmcoreinfo_number(s->vmem->vmcoreinfo,
					 "NUMBER(phys_base)", &phys_base))
		fprintf(stderr, "crash: debug: phys_base 0x%llx (VMCOREINFO)\n",
			(unsigned long long)phys_base);
	if (s->vmem)
		fprintf(stderr, "crash: debug: kernel virtual memory through "
			"the %s page tables, kernel page size %u\n",
			s->vmem->arch->name, s->vmem->page_size);
	else
		fprintf(stderr, "crash: debug: no kernel virtual memory: %s\n",
			s->vmem_why);
}

/* -d 1: what opening the vmlinux decided. */
static void debug_vmlinux(const struct session *s)
{
	char id[160];

	fprintf(stderr, "crash: debug: vmlinux %s%s%s%s, build-id %s\n",
		s->namelist, s->vmlinux->compression ? " (" : "",
		s->vmlinux->compression ? s->vmlinux->compression : "",
		s->vmlinux->compression ? "-compressed: read from an inflated "
		"temporary copy)" : "",
		vmlinux_build_id_hex(s->vmlinux, id, sizeof(id))[0] ? id :
		"none");
	fprintf(stderr, "crash: debug: KASLR offset 0x%llx: %s\n",
		(unsigned long long)s->kaslr_offset, s->kaslr_from);
	if (s->minimal || s->no_modules)
		fprintf(stderr, "crash: debug: %s: the module list is not "
			"read%s\n", s->minimal ? "--minimal" : "--no_modules",
			s->minimal ? ", nor the task list" : "");
}

struct error *session_open(struct session *s, const char *namelist,
			   const char *const *dumps, int ndumps,
			   const struct session_options *opts)
{
	struct error *err;

	err = dump_open(dumps, ndumps, &opts->dump, &s->dump);
	if (err)
		return err;
	err = vmem_open(s->dump, &s->vmem);
	if (err) {
		s->vmem_why = strdup(err->message);
		error_free(err);
	}
	if (s->debug)
		debug_dump(s);
	if (!namelist)
		return NULL;
	s->namelist = strdup(namelist);
	err = vmlinux_open(namelist, &s->vmlinux);
	if (!err)
		err = check_arch(s);
	if (err)
		return err;
	err = debuginfo_open(s->vmlinux, &s->debuginfo);
	if (err)
		return err;
	err = symtab_load(s->vmlinux, &s->symtab);
	if (err) {
		fprintf(stderr, "crash: WARNING: %s: no symbols\n",
			err->message);
		error_free(err);
	}
	err = check_match(s, opts);
	if (err)
		return err;
	set_kaslr(s, opts);
	if (!opts->kaslr_given && !s->dump->vmcoreinfo && s->symtab &&
	    s->vmem && !s->vmem->vmcoreinfo)
		derive_kaslr(s);
	if (s->symtab) {
		const struct symbol *text, *end;

		err = symtab_set_offset(s->symtab, s->kaslr_offset);
		if (err)
			return err;
		text = symtab_lookup_name(s->symtab, "_text");
		end = symtab_lookup_name(s->symtab, "_end");
		if (s->vmem && text && end)
			vmem_set_image(s->vmem, text->addr, end->addr);
	}
	if (s->debug)
		debug_vmlinux(s);
	if (s->symtab && s->vmem) {
		err = verify_banner(s, opts);
		if (!err && s->debug)
			fprintf(stderr, "crash: debug: linux_banner in the dump "
				"is the vmlinux's\n");
	}
	return err;
}

void session_close(struct session *s)
{
	tasks_free(s->tasks);
	free(s->tasks_why);
	session_modules_reset(s);
	backtrace_close(s->backtrace);
	vmem_close(s->vmem);
	lines_close(s->lines);
	debuginfo_close(s->debuginfo);
	symtab_free(s->symtab);
	vmlinux_close(s->vmlinux);
	dump_close(s->dump);
	free(s->vmem_why);
	free(s->namelist);
	session_aliases_free(s);
	memset(s, 0, sizeof(*s));
}
