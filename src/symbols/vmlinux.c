/* Opening a vmlinux: mapping it, recognising what it is, and describing its
 * sections with libelf. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>

#include "../dump/source.h"
#include "../util/error.h"
#include "vmlinux.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#define XZ_MAGIC "\xfd" "7zXZ\0"

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

static bool starts_with(const unsigned char *p, size_t size, size_t off,
			const char *magic, size_t len)
{
	return size >= off + len && !memcmp(p + off, magic, len);
}

/* System.map's first line: 8 or 16 hex digits, a space, a type letter. */
static bool looks_like_system_map(const unsigned char *p, size_t size)
{
	size_t i = 0;

	while (i < size && i < 16 &&
	       ((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
		i++;
	return (i == 8 || i == 16) && size > i + 3 && p[i] == ' ' &&
	       p[i + 2] == ' ';
}

/* A file that is not ELF: say what it is when we can tell, because the
 * usual mistakes are handing over the boot image, a compressed copy, the
 * System.map or the dump itself. */
static struct error *not_elf(const char *path, const unsigned char *p,
			     size_t size)
{
	const char *what = NULL, *hint = "";

	if (starts_with(p, size, 0, "\x28\xb5\x2f\xfd", 4)) {
		what = "zstd-compressed";
		hint = ": decompress it first (zstd -d)";
	} else if (starts_with(p, size, 0, "BZh", 3)) {
		what = "bzip2-compressed";
		hint = ": decompress it first (bunzip2 -k)";
	} else if (starts_with(p, size, 0, "\x04\x22\x4d\x18", 4)) {
		what = "lz4-compressed";
		hint = ": decompress it first (lz4 -d)";
	} else if (starts_with(p, size, 0, "MZ", 2) &&
		   starts_with(p, size, 0x202, "HdrS", 4)) {
		what = "a compressed kernel boot image (bzImage/vmlinuz)";
		hint = ": crash needs the uncompressed vmlinux with debug info";
	} else if (starts_with(p, size, 0x38, "ARM\x64", 4)) {
		what = "an arm64 kernel boot image (Image)";
		hint = ": crash needs the ELF vmlinux with debug info";
	} else if (starts_with(p, size, 0, "KDUMP   ", 8) ||
		   starts_with(p, size, 0, "DISKDUMP", 8) ||
		   starts_with(p, size, 0, "makedumpfile", 12)) {
		what = "a crash dump";
		hint = ", not a vmlinux: were the arguments swapped?";
	} else if (looks_like_system_map(p, size)) {
		what = "a System.map";
		hint = ": crash needs the vmlinux itself";
	}
	if (what)
		return error_create(ERR_FORMAT, "%s: is %s%s", path, what, hint);
	return error_create(ERR_FORMAT, "%s: not an ELF file (no \\177ELF "
			    "magic at offset 0)", path);
}

static struct error *write_all(const char *path, const char *dir, int out,
			       const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(out, (const char *)buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return error_create(ERR_IO, "%s: cannot write the "
					    "inflated copy to %s: %s", path,
					    dir, strerror(errno));
		done += (size_t)w;
	}
	return NULL;
}

static struct error *gunzip_into(const char *path, const char *dir, int fd,
				 int out, void *buf, size_t size)
{
	struct error *err = NULL;
	int in = dup(fd);
	gzFile gz = NULL;

	if (in < 0 || lseek(in, 0, SEEK_SET) < 0 || !(gz = gzdopen(in, "rb"))) {
		err = error_create(ERR_IO, "%s: cannot read it as gzip: %s",
				   path, strerror(errno));
		if (in >= 0)
			close(in);
		return err;
	}
	gzbuffer(gz, 1 << 17);
	while (!err) {
		int n = gzread(gz, buf, (unsigned int)size), zerr = Z_OK;

		if (n == 0) {
			/* the end of the file, or of the data: a cut file
			 * ends without the gzip trailer */
			gzerror(gz, &zerr);
			if (zerr != Z_OK)
				err = error_create(ERR_FORMAT, "%s: the gzip "
						   "data is damaged: it ends "
						   "too soon, at offset %lld",
						   path,
						   (long long)gzoffset(gz));
			break;
		}
		if (n < 0)
			err = error_create(ERR_FORMAT, "%s: the gzip data is "
					   "damaged near offset %lld: %s", path,
					   (long long)gzoffset(gz),
					   gzerror(gz, &zerr));
		else
			err = write_all(path, dir, out, buf, (size_t)n);
	}
	gzclose(gz);
	return err;
}

static const char *lzma_message(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR: return "out of memory";
	case LZMA_MEMLIMIT_ERROR: return "more memory than allowed";
	case LZMA_FORMAT_ERROR: return "not xz data";
	case LZMA_OPTIONS_ERROR: return "unsupported options";
	case LZMA_DATA_ERROR: return "corrupt data";
	case LZMA_BUF_ERROR: return "truncated data";
	default: return "decoder error";
	}
}

/* xz files that "xz -T" wrote are in blocks the decoder can inflate in
 * parallel: a 600 MB vmlinux takes half the time on two cores. */
static lzma_ret xz_decoder(lzma_stream *z)
{
#if LZMA_VERSION >= 50040000
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	lzma_mt mt = {
		.flags = LZMA_CONCATENATED,
		.threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (uint32_t)cpus,
		.memlimit_threading = lzma_physmem() / 4,
		.memlimit_stop = UINT64_MAX,
	};

	return lzma_stream_decoder_mt(z, &mt);
#else
	return lzma_stream_decoder(z, UINT64_MAX, LZMA_CONCATENATED);
#endif
}

static struct error *unxz_into(const char *path, const char *dir, int fd,
			       int out, void *buf, size_t size)
{
	lzma_stream z = LZMA_STREAM_INIT;
	unsigned char *in = malloc(size);
	struct error *err = NULL;
	lzma_action action = LZMA_RUN;
	uint64_t offset = 0;
	lzma_ret r;

	if (!in)
		return error_nomem();
	if (lseek(fd, 0, SEEK_SET) < 0) {
		free(in);
		return error_create(ERR_IO, "%s: %s", path, strerror(errno));
	}
	r = xz_decoder(&z);
	if (r != LZMA_OK) {
		free(in);
		return error_create(ERR_FORMAT, "%s: cannot start the xz "
				    "decoder: %s", path, lzma_message(r));
	}
	z.next_out = buf;
	z.avail_out = size;
	while (!err) {
		if (!z.avail_in && action == LZMA_RUN) {
			ssize_t n = read(fd, in, size);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				err = error_create(ERR_IO, "%s: read at offset "
						   "%llu: %s", path,
						   (unsigned long long)offset,
						   strerror(errno));
				break;
			}
			offset += (uint64_t)n;
			z.next_in = in;
			z.avail_in = (size_t)n;
			if (!n)
				action = LZMA_FINISH;
		}
		r = lzma_code(&z, action);
		if (!z.avail_out || r == LZMA_STREAM_END) {
			err = write_all(path, dir, out, buf,
					size - z.avail_out);
			z.next_out = buf;
			z.avail_out = size;
		}
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK && !err)
			err = error_create(ERR_FORMAT, "%s: the xz data is "
					   "damaged near offset %llu: %s", path,
					   (unsigned long long)(offset -
								z.avail_in),
					   lzma_message(r));
	}
	lzma_end(&z);
	free(in);
	return err;
}

/* Inflate a compressed vmlinux into an unlinked temporary file and return
 * its fd.  The copy is as big as the vmlinux (hundreds of MB), so it goes
 * to disk ($TMPDIR), not to memory. */
static struct error *inflate_to_tmp(const char *path, int fd,
				    const char *kind, int *ret)
{
	const char *dir = getenv("TMPDIR");
	char *tmp = NULL, *buf = NULL;
	struct error *err = NULL;
	int out = -1;

	if (!dir || !*dir)
		dir = "/tmp";
	if (asprintf(&tmp, "%s/crash-vmlinux-XXXXXX", dir) < 0)
		return error_nomem();
	out = mkstemp(tmp);
	if (out < 0) {
		err = error_create(ERR_IO, "%s: %s-compressed; cannot make a "
				   "temporary file in %s to inflate it: %s",
				   path, kind, dir, strerror(errno));
		goto out;
	}
	unlink(tmp);
	buf = malloc(1 << 20);
	if (!buf)
		err = error_nomem();
	else if (!strcmp(kind, "xz"))
		err = unxz_into(path, dir, fd, out, buf, 1 << 20);
	else
		err = gunzip_into(path, dir, fd, out, buf, 1 << 20);
out:
	free(buf);
	free(tmp);
	if (err && out >= 0) {
		close(out);
		out = -1;
	}
	*ret = out;
	return err;
}

/* The first bytes of the file, to tell what it is before libelf sees it. */
struct head {
	unsigned char b[0x240];
	size_t len;
};

static struct error *read_head(const char *path, int fd, const char *what,
			       struct head *h)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return error_create(ERR_IO, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return error_create(ERR_INVALID, "%s: is a directory", path);
	if (st.st_size == 0)
		return error_create(ERR_FORMAT, "%s: %s is empty", path, what);
	n = pread(fd, h->b, sizeof(h->b), 0);
	if (n < 0)
		return error_create(ERR_IO, "%s: %s", path, strerror(errno));
	h->len = n;
	return NULL;
}

static unsigned debug_bit(const char *name)
{
	static const struct {
		const char *name;
		unsigned bit;
	} known[] = {
		{ "info", VMLINUX_DEBUG_INFO },
		{ "abbrev", VMLINUX_DEBUG_ABBREV },
		{ "str", VMLINUX_DEBUG_STR },
		{ "line_str", VMLINUX_DEBUG_STR },
		{ "line", VMLINUX_DEBUG_LINE },
		{ "frame", VMLINUX_DEBUG_FRAME },
		{ "aranges", VMLINUX_DEBUG_ARANGES },
		{ "ranges", VMLINUX_DEBUG_RANGES },
		{ "rnglists", VMLINUX_DEBUG_RANGES },
		{ "loc", VMLINUX_DEBUG_LOC },
		{ "loclists", VMLINUX_DEBUG_LOC },
		{ "types", VMLINUX_DEBUG_TYPES },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, known[i].name))
			return known[i].bit;
	return VMLINUX_DEBUG_OTHER;
}

static void note_debug_section(struct vmlinux *vm,
			       const struct vmlinux_section *s)
{
	const char *n = s->name;

	if (!strncmp(n, ".zdebug_", 8)) {
		vm->debug_compressed = true;
		n += 2;
	} else if (strncmp(n, ".debug_", 7)) {
		return;
	} else {
		n += 1;
	}
	if (s->flags & SHF_COMPRESSED)
		vm->debug_compressed = true;
	vm->debug |= debug_bit(n + 6);
}

/* Look through one block of notes for the GNU build-id. */
static bool find_build_id(struct vmlinux *vm, Elf_Data *data)
{
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;

	while (off < data->d_size &&
	       (next = gelf_getnote(data, off, &nh, &name_off, &desc_off))) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((const char *)data->d_buf + name_off, "GNU", 4) &&
		    nh.n_descsz > 0 && nh.n_descsz <= sizeof(vm->build_id)) {
			memcpy(vm->build_id,
			       (const char *)data->d_buf + desc_off,
			       nh.n_descsz);
			vm->build_id_len = nh.n_descsz;
			return true;
		}
		off = next;
	}
	return false;
}

/* The build-id lives in .note.gnu.build-id, or in the kernel's merged .notes
 * section; a file whose section headers lost it may still have the notes
 * segment. */
static void read_build_id(struct vmlinux *vm)
{
	size_t i, nph;

	for (i = 0; i < vm->nsections; i++) {
		Elf_Scn *scn;
		Elf_Data *data;

		if (vm->sections[i].type != SHT_NOTE || !vm->sections[i].data)
			continue;
		scn = elf_getscn(vm->elf, i);
		data = scn ? elf_getdata(scn, NULL) : NULL;
		if (data && data->d_buf && find_build_id(vm, data))
			return;
	}
	if (elf_getphdrnum(vm->elf, &nph) < 0)
		return;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;
		Elf_Data *data;

		if (!gelf_getphdr(vm->elf, i, &ph) || ph.p_type != PT_NOTE ||
		    ph.p_offset > vm->map_size ||
		    ph.p_filesz > vm->map_size - ph.p_offset)
			continue;
		data = elf_getdata_rawchunk(vm->elf, ph.p_offset, ph.p_filesz,
					    ph.p_align == 8 ? ELF_T_NHDR8 :
					    ELF_T_NHDR);
		if (data && data->d_buf && find_build_id(vm, data))
			return;
	}
}

static int compare_alloc(const void *a, const void *b)
{
	const struct vmlinux_section *x = *(const struct vmlinux_section **)a;
	const struct vmlinux_section *y = *(const struct vmlinux_section **)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static struct error *read_sections(struct vmlinux *vm)
{
	size_t i, shnum, shstrndx;

	if (elf_getshdrnum(vm->elf, &shnum) < 0 ||
	    elf_getshdrstrndx(vm->elf, &shstrndx) < 0)
		return error_create(ERR_FORMAT, "%s: damaged ELF section "
				    "header table: %s", vm->path,
				    elf_errmsg(-1));
	if (shnum == 0)
		return error_create(ERR_FORMAT, "%s: has no ELF section "
				    "headers, so no symbols: not a usable "
				    "vmlinux", vm->path);
	vm->sections = calloc(shnum, sizeof(*vm->sections));
	vm->alloc = calloc(shnum, sizeof(*vm->alloc));
	if (!vm->sections || !vm->alloc)
		return error_nomem();
	vm->nsections = shnum;
	for (i = 0; i < shnum; i++) {
		struct vmlinux_section *s = &vm->sections[i];
		Elf_Scn *scn = elf_getscn(vm->elf, i);
		GElf_Shdr sh;
		const char *name;

		if (!scn || !gelf_getshdr(scn, &sh))
			return error_create(ERR_FORMAT, "%s: cannot read ELF "
					    "section header %zu: %s", vm->path,
					    i, elf_errmsg(-1));
		name = i ? elf_strptr(vm->elf, shstrndx, sh.sh_name) : NULL;
		s->name = name ? name : "";
		s->index = i;
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->addr = sh.sh_addr;
		s->size = sh.sh_size;
		s->offset = sh.sh_offset;
		s->entsize = sh.sh_entsize;
		s->link = sh.sh_link;
		s->info = sh.sh_info;
		if (i == 0 || sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL ||
		    sh.sh_size == 0)
			continue;
		if (sh.sh_offset > vm->map_size ||
		    sh.sh_size > vm->map_size - sh.sh_offset)
			return error_create(ERR_FORMAT, "%s: truncated: section "
					    "%s needs bytes up to offset "
					    "0x%llx, but the file has 0x%zx "
					    "(an incomplete copy?)", vm->path,
					    s->name,
					    (unsigned long long)(sh.sh_offset +
								 sh.sh_size),
					    vm->map_size);
		s->data = vm->map + sh.sh_offset;
	}
	for (i = 1; i < shnum; i++) {
		struct vmlinux_section *s = &vm->sections[i];

		if ((s->flags & SHF_ALLOC) && s->size)
			vm->alloc[vm->nalloc++] = s;
		if (s->type == SHT_SYMTAB && !vm->symtab)
			vm->symtab = s;
		if (s->type == SHT_SYMTAB_SHNDX && !vm->symtab_shndx)
			vm->symtab_shndx = s;
		note_debug_section(vm, s);
	}
	qsort(vm->alloc, vm->nalloc, sizeof(*vm->alloc), compare_alloc);
	if (!vm->symtab)
		return NULL;
	if (vm->symtab->link == 0 || vm->symtab->link >= shnum ||
	    vm->sections[vm->symtab->link].type != SHT_STRTAB)
		return error_create(ERR_FORMAT, "%s: .symtab links to section "
				    "%u, which is not a string table",
				    vm->path, vm->symtab->link);
	vm->strtab = &vm->sections[vm->symtab->link];
	return NULL;
}

static struct error *describe(struct vmlinux *vm)
{
	const unsigned char *id = vm->map;
	struct error *err;
	GElf_Ehdr eh;

	if (vm->map_size < EI_NIDENT)
		return error_create(ERR_FORMAT, "%s: damaged ELF header (file "
				    "size %zu)", vm->path, vm->map_size);
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return error_create(ERR_FORMAT, "%s: bad ELF class %u",
				    vm->path, id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)
		return error_create(ERR_FORMAT, "%s: bad ELF byte order %u",
				    vm->path, id[EI_DATA]);
	if (elf_kind(vm->elf) != ELF_K_ELF || !gelf_getehdr(vm->elf, &eh))
		return error_create(ERR_FORMAT, "%s: damaged ELF header (file "
				    "size %zu): %s", vm->path, vm->map_size,
				    elf_errmsg(-1));
	vm->elf_class = id[EI_CLASS];
	vm->big_endian = id[EI_DATA] == ELFDATA2MSB;
	vm->machine = eh.e_machine;
	vm->type = eh.e_type;
	vm->entry = eh.e_entry;
	switch (eh.e_type) {
	case ET_EXEC:
	case ET_DYN:	/* arm64, ppc64 and others link the kernel as PIE */
		break;
	case ET_CORE:
		return error_create(ERR_FORMAT, "%s: is an ELF core dump "
				    "(ET_CORE), not a vmlinux: were the "
				    "arguments swapped?", vm->path);
	case ET_REL:
		return error_create(ERR_FORMAT, "%s: is a relocatable object "
				    "(ET_REL: a kernel module or .o file), "
				    "not a vmlinux", vm->path);
	default:
		return error_create(ERR_FORMAT, "%s: unexpected ELF file type "
				    "%u, not a vmlinux", vm->path, eh.e_type);
	}
	/* libelf would only say it cannot read the section headers. */
	if (eh.e_shoff > vm->map_size ||
	    (uint64_t)eh.e_shnum * eh.e_shentsize > vm->map_size - eh.e_shoff)
		return error_create(ERR_FORMAT, "%s: truncated: the section "
				    "headers at offset 0x%llx lie beyond the "
				    "end of the file (0x%zx bytes; an "
				    "incomplete copy?)", vm->path,
				    (unsigned long long)eh.e_shoff,
				    vm->map_size);
	err = read_sections(vm);
	if (err)
		return err;
	read_build_id(vm);
	return NULL;
}

/* libelf maps the file itself, read-only (ELF_C_READ_MMAP): a private
 * writable mapping of a 600 MB vmlinux would count against the commit limit
 * under strict overcommit.  elf_rawfile() shares that mapping with us. */
static struct error *map_elf(struct vmlinux *vm, int fd)
{
	vm->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!vm->elf)
		return error_create(ERR_FORMAT, "%s: libelf cannot open it: %s",
				    vm->path, elf_errmsg(-1));
	vm->map = (const unsigned char *)elf_rawfile(vm->elf, &vm->map_size);
	if (!vm->map)
		return error_create(ERR_IO, "%s: cannot map the file: %s",
				    vm->path, elf_errmsg(-1));
	/* Everything is in the mapping: libelf needs the fd no more. */
	elf_cntl(vm->elf, ELF_C_FDDONE);
	return NULL;
}

struct error *vmlinux_open(const char *path, struct vmlinux **ret)
{
	struct vmlinux *vm;
	struct error *err;
	struct head h;
	int fd;

	*ret = NULL;
	elf_version(EV_CURRENT);
	vm = calloc(1, sizeof(*vm));
	if (!vm || !(vm->path = strdup(path))) {
		free(vm);
		return error_nomem();
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = error_create(errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
				   "%s: %s", path, strerror(errno));
		goto fail;
	}
	err = read_head(path, fd, "the file", &h);
	if (!err && starts_with(h.b, h.len, 0, "\x1f\x8b", 2))
		vm->compression = "gzip";
	else if (!err && starts_with(h.b, h.len, 0, XZ_MAGIC, 6))
		vm->compression = "xz";
	if (vm->compression) {
		int tmp = -1;

		err = inflate_to_tmp(path, fd, vm->compression, &tmp);
		if (!err) {
			close(fd);
			fd = tmp;
			err = read_head(path, fd, "the inflated data", &h);
		}
	}
	if (!err && !starts_with(h.b, h.len, 0, ELFMAG, SELFMAG)) {
		err = not_elf(path, h.b, h.len);
		if (vm->compression)
			err = error_prefix(err, "inside the %s data",
					   vm->compression);
	}
	if (!err)
		err = map_elf(vm, fd);
	close(fd);
	if (!err)
		err = describe(vm);
	if (err)
		goto fail;
	*ret = vm;
	return NULL;
fail:
	vmlinux_close(vm);
	return err;
}

void vmlinux_close(struct vmlinux *vm)
{
	if (!vm)
		return;
	if (vm->elf)
		elf_end(vm->elf);	/* unmaps the file */
	free(vm->sections);
	free(vm->alloc);
	free(vm->path);
	free(vm);
}

const struct vmlinux_section *vmlinux_section_by_name(const struct vmlinux *vm,
						      const char *name)
{
	size_t i;

	for (i = 1; i < vm->nsections; i++)
		if (!strcmp(vm->sections[i].name, name))
			return &vm->sections[i];
	return NULL;
}

const struct vmlinux_section *vmlinux_section_at(const struct vmlinux *vm,
						 uint64_t vaddr)
{
	size_t lo = 0, hi = vm->nalloc;

	/* The last section starting at or below vaddr; sections do not
	 * overlap in a linked image. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (vm->alloc[mid]->addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (vaddr - vm->alloc[lo - 1]->addr < vm->alloc[lo - 1]->size)
		return vm->alloc[lo - 1];
	return NULL;
}

struct error *vmlinux_read(const struct vmlinux *vm, uint64_t vaddr,
			   void *buf, size_t len)
{
	unsigned char *out = buf;

	while (len) {
		const struct vmlinux_section *s = vmlinux_section_at(vm, vaddr);
		uint64_t off, n;
		struct error *err;

		if (!s)
			return error_create(ERR_NOT_FOUND, "%s: no section of "
					    "the file holds address 0x%llx",
					    vm->path,
					    (unsigned long long)vaddr);
		if (s->type == SHT_NOBITS || !s->data)
			return error_create(ERR_NOT_FOUND, "%s: address 0x%llx "
					    "is in %s, which takes no space "
					    "in the file (SHT_NOBITS): its "
					    "contents exist only in memory",
					    vm->path,
					    (unsigned long long)vaddr,
					    s->name);
		off = vaddr - s->addr;
		n = s->size - off < len ? s->size - off : len;
		err = mapped_copy(vm->path, out, s->data + off, n);
		if (err)
			return err;
		out += n;
		vaddr += n;
		len -= n;
	}
	return NULL;
}

struct error *vmlinux_read_string(const struct vmlinux *vm, uint64_t vaddr,
				  char *buf, size_t size)
{
	size_t got = 0;

	if (size == 0)
		return error_create(ERR_INVALID, "vmlinux_read_string: no room");
	/* Byte by byte section-wise would be slow for long strings; read in
	 * chunks that stop at a section end so a string near the end of a
	 * section is still found. */
	while (got < size - 1) {
		const struct vmlinux_section *s = vmlinux_section_at(vm, vaddr);
		size_t n = size - 1 - got;
		struct error *err;
		char *nul;

		if (s && s->size - (vaddr - s->addr) < n)
			n = s->size - (vaddr - s->addr);
		err = vmlinux_read(vm, vaddr, buf + got, n);
		if (err)
			return err;
		nul = memchr(buf + got, '\0', n);
		if (nul)
			return NULL;
		got += n;
		vaddr += n;
	}
	buf[size - 1] = '\0';
	return error_create(ERR_FORMAT, "%s: the string at 0x%llx is longer "
			    "than %zu bytes", vm->path,
			    (unsigned long long)(vaddr - got), size - 1);
}

char *vmlinux_build_id_hex(const struct vmlinux *vm, char *buf, size_t size)
{
	size_t i;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < vm->build_id_len && 2 * i + 2 < size; i++)
		snprintf(buf + 2 * i, 3, "%02x", vm->build_id[i]);
	return buf;
}

const char *vmlinux_machine_name(uint16_t machine, uint8_t elf_class)
{
	bool is64 = elf_class == ELFCLASS64;

	switch (machine) {
	case EM_X86_64:
		return "x86_64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "arm";
	case EM_PPC64:
		return "ppc64";
	case EM_PPC:
		return "ppc";
	case EM_S390:
		return is64 ? "s390x" : "s390";
	case EM_RISCV:
		return is64 ? "riscv64" : "riscv32";
	case EM_MIPS:
		return is64 ? "mips64" : "mips";
	case EM_LOONGARCH:
		return is64 ? "loongarch64" : "loongarch32";
	case EM_SPARCV9:
		return "sparc64";
	case EM_IA_64:
		return "ia64";
	}
	return NULL;
}
