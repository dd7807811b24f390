/*
 * Writing an ELF vmcore (-E): the input's notes, and one PT_LOAD per run
 * of kept pages.  Pages left out after a run stay in its p_memsz beyond
 * p_filesz, which readers take as "excluded".  Zero pages are found
 * before the headers are written (the headers must know them), so with
 * -d bit 1 the input is read twice (where it is mapped, as kdump_out
 * does; pages are written from the mapping in runs of up to 1 MiB).
 * e_flags bit 0 (makedumpfile's
 * DUMP_ELF_INCOMPLETE) is set until the file is complete.
 */
#ifndef CAPTURE_ELF_OUT_H
#define CAPTURE_ELF_OUT_H

#include "kdump_out.h"

struct error *elf_write(struct out_file *of, const struct kdump_job *job,
			struct kdump_result *res);
struct error *elf_finalize(struct out_file *of, bool complete);

#endif
