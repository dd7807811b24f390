/*
 * The input of the dump writer: an ELF vmcore (/proc/vmcore or a copy of
 * it).  Its program headers say where each range of physical memory lies
 * in the file; its notes hold the CPUs' registers and VMCOREINFO.  Pages
 * are read with pread(2), so an unreadable page (EIO from /proc/vmcore)
 * is one page lost, not the dump.
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

#endif
