/*
 * The input of the dump writer: an ELF vmcore (/proc/vmcore or a copy of
 * it).  Its program headers say where each range of physical memory lies
 * in the file; its notes hold the CPUs' registers and VMCOREINFO.  Pages
 * are read where the file is mapped (mmap(2) of /proc/vmcore, as
 * makedumpfile does: no copy, no per-page remapping in the kernel), in
 * windows of VMCORE_WINDOW bytes, or with pread(2) where mapping fails or
 * a frame is not whole in one PT_LOAD.  Touching a mapping can fault
 * (SIGBUS: the file shrank, the storage failed): the callers touch mapped
 * pages only inside mapped_access() (src/dump/source.h), so an unreadable
 * page is one page lost, not the dump.
 */
#ifndef CAPTURE_VMCORE_INPUT_H
#define CAPTURE_VMCORE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct vmcoreinfo;

struct vm_segment {
	uint64_t paddr, vaddr, offset, filesz, memsz;
};

struct vmcore_input {
	const char *path;
	int fd;
	uint64_t file_size;
	bool big_endian;
	uint16_t machine;		/* e_machine */
	uint32_t page_size;
	unsigned int page_shift;
	struct vm_segment *seg;		/* PT_LOADs, in file order */
	size_t nseg;
	uint64_t max_pfn;		/* frames below the highest PT_LOAD end */
	unsigned char *notes;		/* every PT_NOTE, concatenated */
	size_t notes_len;
	size_t vmcoreinfo_off;		/* its text inside notes, if any */
	size_t vmcoreinfo_len;
	struct vmcoreinfo *vmcoreinfo;	/* NULL if the dump has none */
	int nr_cpus;			/* NT_PRSTATUS notes */
	bool truncated;			/* a PT_LOAD runs past the file's end */
	bool can_map;			/* a regular file: try mmap(2) */
};

/* Bytes of the file mapped at once (a multiple of any page size). */
#define VMCORE_WINDOW (16u << 20)

/* A mapped part of the file: [off, off + len) at base. */
struct vm_window {
	const unsigned char *base;
	uint64_t off;
	size_t len;
};

/* Open and check an ELF vmcore. */
struct error *vmcore_input_open(const char *path, struct vmcore_input **ret);
void vmcore_input_close(struct vmcore_input *in);

/* Does page frame pfn start inside a PT_LOAD (memsz)? */
bool vmcore_pfn_in_segments(const struct vmcore_input *in, uint64_t pfn);

/*
 * Read page frame pfn into buf (page_size bytes).  Parts of the frame no
 * PT_LOAD holds read as zeros (a frame cut by the end of RAM).  Returns
 * NULL, or ERR_EXCLUDED when the file does not hold the data (memsz past
 * filesz, or the file ends first), or ERR_IO when reading failed.
 */
struct error *vmcore_read_page(const struct vmcore_input *in, uint64_t pfn,
			       void *buf);

/* Does the file hold the data of frame pfn (from its start to the end of
 * the frame or of the PT_LOAD)?  False for frames left out (memsz past
 * filesz) or past the end of a file cut short. */
bool vmcore_pfn_has_data(const struct vmcore_input *in, uint64_t pfn);

/* Read n consecutive frames with one pread if one PT_LOAD holds them all;
 * false if not (or it failed): then read them one by one. */
bool vmcore_read_run(const struct vmcore_input *in, uint64_t pfn, uint64_t n,
		     void *buf);

/* Where frame pfn's data starts in the file, if one PT_LOAD holds all of
 * it and the file has it (then it can be used from a mapping); *hint is
 * a segment index to try first (start with 0). */
bool vmcore_pfn_offset(const struct vmcore_input *in, uint64_t pfn,
		       size_t *hint, uint64_t *off);

/* Map the window that holds the frame whose data starts at file offset
 * off (the window starts at off rounded down to VMCORE_WINDOW and ends a
 * frame past its VMCORE_WINDOW bytes, or at the file's end).  On failure
 * (a pipe, a file system without mmap) the caller reads with pread. */
struct error *vmcore_map_window(const struct vmcore_input *in, uint64_t off,
				struct vm_window *w);
void vmcore_unmap_window(struct vm_window *w);

/* For one thread going through the frames in order: one window at a time,
 * the next mapped when needed. */
struct vm_cursor {
	const struct vmcore_input *in;
	struct vm_window w;
	size_t hint;
	bool failed;		/* mmap failed: read the rest */
};

/* Frame pfn where it is mapped (the window before is unmapped), or NULL:
 * not whole in one PT_LOAD, or the file cannot be mapped (read it). */
const unsigned char *vmcore_cursor_page(struct vm_cursor *c, uint64_t pfn);
/* Is frame pfn in the cursor's window already? */
bool vmcore_cursor_holds(struct vm_cursor *c, uint64_t pfn);
void vmcore_cursor_close(struct vm_cursor *c);

#endif
