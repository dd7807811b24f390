/* arm64 register notes: NT_PRSTATUS (struct elf_prstatus, whose pr_reg is
 * struct user_pt_regs: x0-x30, sp, pc, pstate), and its arch_ops. */
#include <elf.h>

#include "../dump/dump.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "arch.h"
#include "arm64.h"

/* struct elf_prstatus on arm64: pr_pid at 32, pr_reg at 112 (34 registers),
 * then pr_fpvalid and padding. */
#define PRSTATUS_SIZE	392

static const char *const user_regs[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
	"sp", "pc", "pstate",
};

#define NUSER (sizeof(user_regs) / sizeof(user_regs[0]))

static struct error *arm64_decode_prstatus(const struct dump_note *note,
					   bool big, struct regset *out)
{
	return prstatus64_decode(note, big, "arm64", user_regs, NUSER,
				 PRSTATUS_SIZE, out);
}

static const char *const arm64_uts[] = { "aarch64", "arm64", NULL };

const struct arch_ops arm64_arch = {
	.name = "arm64",
	.elf_machine = EM_AARCH64,
	.uts_machines = arm64_uts,
	.default_page_size = 4096,
	.prstatus_size = PRSTATUS_SIZE,
	.pc_reg = 32,
	.sp_reg = 31,
	.decode_prstatus = arm64_decode_prstatus,
	/* QEMU writes arm64 CPUs as NT_PRSTATUS only */
	.decode_qemu_cpu = NULL,
	/* No search: without a VMCOREINFO note there is no page table root
	 * either, and the kernel's copy of the text that arm64_vmem_init
	 * finds in memory has KERNELOFFSET. */
	.kaslr_align = 0,
	.kaslr_max = 0,
	.pte_describe = arm64_pte_describe,
	.direct_map_base = arm64_direct_map_base,
	.cpu_khz_symbol = NULL,
	.vmem_init = arm64_vmem_init,
	.kvtop = arm64_kvtop,
	.uvtop = arm64_uvtop,
	.unwind_open = arm64_unwind_open,
	.unwind_close = arm64_unwind_close,
	.unwind_task = arm64_unwind_task,
	.format_regs = arm64_format_regs,
};
