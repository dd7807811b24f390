/*
 * Machine instructions as text: binutils' libopcodes (the disassembler GDB
 * and objdump use) over memory the caller reads, one instruction at a
 * time, in GDB's spelling: AT&T syntax on x86_64, branch targets and
 * rip-relative operands as "0xADDR <name>" where the caller names the
 * address.
 *
 * The classic crash shows GDB 10's disassembly, whose libopcodes padded a
 * mnemonic without operands to seven columns ("ret    "); newer ones
 * write it bare.  disasm_next() writes the older form so that the text is
 * the same whichever libopcodes this program was linked with.
 */
#ifndef CRASH_DISASM_H
#define CRASH_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct disasm;

/* Read len bytes at virtual address addr. */
typedef struct error *(*disasm_read_fn)(void *ctx, uint64_t addr, void *buf,
					size_t len);
/* Write the name of addr ("func+12") into buf, or leave buf empty when
 * the address has none that GDB would show. */
typedef void (*disasm_name_fn)(void *ctx, uint64_t addr, char *buf,
			       size_t size);

/* For an architecture by its arch_ops name ("x86_64", "arm64");
 * ERR_UNSUPPORTED for others. */
struct error *disasm_open(const char *arch, disasm_read_fn read,
			  disasm_name_fn name, void *ctx,
			  struct disasm **ret);
void disasm_close(struct disasm *d);

#define DISASM_TEXT_MAX 512

struct disasm_insn {
	uint64_t addr;
	unsigned int len;	/* bytes */
	char text[DISASM_TEXT_MAX];	/* "mov    %rsp,%rbp" */
};

/* The instruction at addr.  An error names the address that could not be
 * read (the instruction's own or a later byte of it). */
struct error *disasm_next(struct disasm *d, uint64_t addr,
			  struct disasm_insn *out);

/* Forget the bytes read so far (the memory may read differently now). */
void disasm_flush(struct disasm *d);

/* The no-operation instruction a function starts with where the kernel
 * was built for ftrace (patched over the call to __fentry__ at boot). */
bool disasm_is_ftrace_nop(const struct disasm *d, const char *text);

/* Whether text is a direct jump (any conditional or unconditional one)
 * to an address it ends with, in the mnemonics the classic crash looks
 * for when it names branch targets GDB left bare. */
bool disasm_is_jump(const struct disasm *d, const char *text);

#endif
