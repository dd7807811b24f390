/*
 * The kernel image file (vmlinux): an ELF executable opened once, mapped
 * into memory and described through libelf.  This layer answers what the
 * file is (machine, class, byte order, build-id, which symbol and debug
 * sections it carries) and serves the bytes of its loaded sections at their
 * link-time virtual addresses, so later code can compare the file with a
 * dump (linux_banner) before trusting either.
 *
 * Everything here is read-only after vmlinux_open(): section names and data
 * point into the mapping and stay valid until vmlinux_close().
 */
#ifndef CRASH_VMLINUX_H
#define CRASH_VMLINUX_H

#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;

/* The DWARF sections later layers care about, as bits of vmlinux.debug. */
enum vmlinux_debug {
	VMLINUX_DEBUG_INFO	= 1 << 0,	/* .debug_info */
	VMLINUX_DEBUG_ABBREV	= 1 << 1,	/* .debug_abbrev */
	VMLINUX_DEBUG_STR	= 1 << 2,	/* .debug_str, .debug_line_str */
	VMLINUX_DEBUG_LINE	= 1 << 3,	/* .debug_line */
	VMLINUX_DEBUG_FRAME	= 1 << 4,	/* .debug_frame */
	VMLINUX_DEBUG_ARANGES	= 1 << 5,	/* .debug_aranges */
	VMLINUX_DEBUG_RANGES	= 1 << 6,	/* .debug_ranges, .debug_rnglists */
	VMLINUX_DEBUG_LOC	= 1 << 7,	/* .debug_loc, .debug_loclists */
	VMLINUX_DEBUG_TYPES	= 1 << 8,	/* .debug_types (DWARF 4) */
	VMLINUX_DEBUG_OTHER	= 1 << 9,	/* any other .debug_* */
};

struct vmlinux_section {
	const char *name;	/* "" if the name is unreadable */
	size_t index;		/* ELF section index */
	uint32_t type;		/* SHT_* */
	uint64_t flags;		/* SHF_* */
	uint64_t addr;		/* link-time virtual address (if SHF_ALLOC) */
	uint64_t size;
	uint64_t offset;	/* in the file */
	uint64_t entsize;
	uint32_t link, info;	/* sh_link, sh_info */
	/* The section's bytes in the mapping (still compressed if
	 * SHF_COMPRESSED); NULL for SHT_NOBITS and empty sections. */
	const unsigned char *data;
};

struct vmlinux {
	char *path;		/* as given, for messages */
	Elf *elf;		/* libelf, which maps the file read-only */
	const unsigned char *map;	/* that mapping: the whole file */
	size_t map_size;
	/* The file was compressed ("gzip", "xz"; NULL if not): map holds
	 * the inflated copy. */
	const char *compression;

	uint16_t machine;	/* EM_* */
	uint8_t elf_class;	/* ELFCLASS32 or ELFCLASS64 */
	bool big_endian;
	uint16_t type;		/* ET_EXEC or ET_DYN */
	uint64_t entry;

	unsigned char build_id[64];
	size_t build_id_len;	/* 0: the file has no GNU build-id note */

	struct vmlinux_section *sections;	/* by ELF index */
	size_t nsections;
	/* .symtab and its string table, NULL if stripped. */
	const struct vmlinux_section *symtab, *strtab;
	/* .symtab_shndx, for files with more than 65279 sections. */
	const struct vmlinux_section *symtab_shndx;
	unsigned debug;		/* enum vmlinux_debug bits */
	bool debug_compressed;	/* some .debug_* is SHF_COMPRESSED/.zdebug */

	/* SHF_ALLOC sections with a size, sorted by address (private). */
	const struct vmlinux_section **alloc;
	size_t nalloc;
};

/*
 * Open a vmlinux.  Errors name the file and say what it is instead when it
 * is recognisably something else: not ELF, a core dump (ET_CORE), a kernel
 * module or object file (ET_REL), a compressed boot image (vmlinuz), a
 * compressed vmlinux other than gzip, or a truncated copy.  A gzip
 * vmlinux is inflated into an unlinked temporary file ($TMPDIR or /tmp).
 * A vmlinux without .symtab opens; symtab_load() then says it is stripped.
 */
struct error *vmlinux_open(const char *path, struct vmlinux **ret);
void vmlinux_close(struct vmlinux *vm);

/*
 * Copy len bytes at link-time (unrelocated: subtract the KASLR offset)
 * virtual address vaddr from the file's allocated sections.  ERR_NOT_FOUND
 * if a byte lies in no section, or in one that takes no space in the file
 * (.bss and other SHT_NOBITS sections: their contents exist only in
 * memory, so read them from the dump).
 */
struct error *vmlinux_read(const struct vmlinux *vm, uint64_t vaddr,
			   void *buf, size_t len);
/* A NUL-terminated string at vaddr into buf (size bytes, at least 1);
 * ERR_FORMAT if no NUL comes within size - 1 bytes. */
struct error *vmlinux_read_string(const struct vmlinux *vm, uint64_t vaddr,
				  char *buf, size_t size);

/* The section named name, or NULL. */
const struct vmlinux_section *vmlinux_section_by_name(const struct vmlinux *vm,
						      const char *name);
/* The allocated section holding link-time address vaddr, or NULL. */
const struct vmlinux_section *vmlinux_section_at(const struct vmlinux *vm,
						 uint64_t vaddr);

/* True if there is DWARF to build types from (.debug_info and
 * .debug_abbrev); otherwise only ELF symbols are available. */
static inline bool vmlinux_has_dwarf(const struct vmlinux *vm)
{
	return (vm->debug & (VMLINUX_DEBUG_INFO | VMLINUX_DEBUG_ABBREV)) ==
	       (VMLINUX_DEBUG_INFO | VMLINUX_DEBUG_ABBREV);
}

/* The build-id as lowercase hex into buf (2 * 64 + 1 bytes are always
 * enough); "" if there is none.  Returns buf. */
char *vmlinux_build_id_hex(const struct vmlinux *vm, char *buf, size_t size);

/* "x86_64", "aarch64", "ppc64", ... for messages (the class tells the 32-
 * and 64-bit variants of one e_machine apart); NULL if unknown. */
const char *vmlinux_machine_name(uint16_t machine, uint8_t elf_class);

#endif
