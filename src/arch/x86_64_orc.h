/*
 * The kernel's ORC unwind tables (x86_64): .orc_unwind_ip holds, sorted,
 * one 32-bit offset per entry, relative to the offset's own address, to
 * the first instruction the entry covers; .orc_unwind holds the entries,
 * a packed struct orc_entry whose bit fields changed over the versions.
 * The layout comes from the debug info (see x86_64_unwind.c), the numbers
 * of the types are told apart by the width of the type field.
 */
#ifndef CRASH_X86_64_ORC_H
#define CRASH_X86_64_ORC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum orc_type {
	ORC_UNDEFINED,		/* no unwind information here */
	ORC_END,		/* the end of the stack */
	ORC_CALL,		/* a function's frame: a return address */
	ORC_REGS,		/* pt_regs at the computed stack pointer */
	ORC_REGS_PARTIAL,	/* an iret frame ends at the stack pointer */
};

/* The registers an entry computes the previous stack pointer from. */
enum orc_reg {
	ORC_REG_UNDEFINED = 0,
	ORC_REG_PREV_SP = 1,
	ORC_REG_DX = 2,
	ORC_REG_DI = 3,
	ORC_REG_BP = 4,
	ORC_REG_SP = 5,
	ORC_REG_R10 = 6,
	ORC_REG_R13 = 7,
	ORC_REG_BP_INDIRECT = 8,
	ORC_REG_SP_INDIRECT = 9,
};

struct orc_layout {
	unsigned int entry_size;	/* sizeof(struct orc_entry), <= 8 */
	unsigned int sp_offset_at, bp_offset_at;	/* bytes, s16 each */
	unsigned int sp_reg_bit, sp_reg_bits;
	unsigned int bp_reg_bit, bp_reg_bits;
	unsigned int type_bit, type_bits;
	int end_bit;		/* the "end" flag of older kernels, or -1 */
	int signal_bit;		/* the "signal" flag, or -1 */
};

struct orc_entry {
	int16_t sp_offset, bp_offset;
	uint8_t sp_reg, bp_reg;
	enum orc_type type;
	bool signal;		/* ip is not a return address: look it up
				 * as it is, not ip - 1 */
};

struct orc_table {
	const unsigned char *ips;	/* n little-endian s32 */
	const unsigned char *entries;	/* n entries of layout.entry_size */
	size_t n;
	uint64_t ips_addr;		/* runtime address of ips[0] */
	struct orc_layout layout;
};

void orc_decode(const struct orc_layout *l, const unsigned char *raw,
		struct orc_entry *out);
/* The address entry i covers from. */
uint64_t orc_ip(const struct orc_table *t, size_t i);
/* The entry that covers ip: the last one starting at or below it; false
 * if ip lies below the first. */
bool orc_find(const struct orc_table *t, uint64_t ip, struct orc_entry *out);

#endif
