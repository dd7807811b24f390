/* x86_64 register notes: NT_PRSTATUS (struct elf_prstatus, whose pr_reg is
 * struct user_regs_struct) and QEMU's QEMUCPUState. */
#include <elf.h>

#include "../dump/dump.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "arch.h"
#include "x86_64.h"

/* struct elf_prstatus on x86_64: pr_pid at 32, pr_reg at 112. */
#define PRSTATUS_SIZE	336

static const char *const user_regs[] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
	"rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
};

#define NUSER (sizeof(user_regs) / sizeof(user_regs[0]))

static struct error *x86_64_decode_prstatus(const struct dump_note *note,
					    bool big, struct regset *out)
{
	return prstatus64_decode(note, big, "x86_64", user_regs, NUSER,
				 PRSTATUS_SIZE, out);
}

/*
 * QEMUCPUState (QEMU's target/i386/arch_dump.c): u32 version, u32 size,
 * 18 general registers, 10 segments of {u32 selector, limit, flags, pad;
 * u64 base}, cr0-cr4 and, in the 440-byte version, kernel_gs_base.
 */
static const char *const qemu_regs[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags",
	"cs", "cs_base", "ds", "ds_base", "es", "es_base", "fs", "fs_base",
	"gs", "gs_base", "ss", "ss_base", "ldt", "ldt_base", "tr", "tr_base",
	"gdt_limit", "gdt_base", "idt_limit", "idt_base",
	"cr0", "cr1", "cr2", "cr3", "cr4", "kernel_gs_base",
};

#define QEMU_GPRS 18
#define QEMU_SEGS 10
#define QEMU_SEG_OFF (8 + QEMU_GPRS * 8)
#define QEMU_CR_OFF (QEMU_SEG_OFF + QEMU_SEGS * 24)
#define QEMU_MIN_SIZE (QEMU_CR_OFF + 5 * 8)

static struct error *x86_64_decode_qemu_cpu(const struct dump_note *note,
					    bool big, struct regset *out)
{
	const unsigned char *p = note->desc;
	unsigned int i, n = 0;
	uint32_t size;

	if (note->descsz < QEMU_MIN_SIZE)
		return error_create(ERR_FORMAT, "QEMU CPU note at file offset "
				    "0x%llx is %u bytes, too small (%d)",
				    (unsigned long long)note->file_offset,
				    note->descsz, QEMU_MIN_SIZE);
	size = get32(p + 4, big);
	out->names = qemu_regs;
	out->pid = -1;
	for (i = 0; i < QEMU_GPRS; i++)
		out->value[n++] = get64(p + 8 + 8 * i, big);
	for (i = 0; i < QEMU_SEGS; i++) {
		const unsigned char *s = p + QEMU_SEG_OFF + 24 * i;

		/* gdt and idt are told by limit, the others by selector */
		out->value[n++] = get32(s + (i >= 8 ? 4 : 0), big);
		out->value[n++] = get64(s + 16, big);
	}
	for (i = 0; i < 5; i++)
		out->value[n++] = get64(p + QEMU_CR_OFF + 8 * i, big);
	if (size >= QEMU_MIN_SIZE + 8 && note->descsz >= QEMU_MIN_SIZE + 8)
		out->value[n++] = get64(p + QEMU_MIN_SIZE, big);
	out->n = n;
	return NULL;
}

static const char *const x86_64_uts[] = { "x86_64", NULL };

const struct arch_ops x86_64_arch = {
	.name = "x86_64",
	.elf_machine = EM_X86_64,
	.uts_machines = x86_64_uts,
	.default_page_size = 4096,
	.prstatus_size = PRSTATUS_SIZE,
	.pc_reg = 16,
	.sp_reg = 19,
	.decode_prstatus = x86_64_decode_prstatus,
	.decode_qemu_cpu = x86_64_decode_qemu_cpu,
	/* CONFIG_PHYSICAL_ALIGN steps within the 1 GiB image area */
	.kaslr_align = 0x200000,
	.kaslr_max = 0x40000000,
	.pte_describe = x86_64_pte_describe,
	/* randomized under KASLR; 0xffff888000000000 without it */
	.direct_map_symbol = "page_offset_base",
	.vmemmap_symbol = "vmemmap_base",
	.direct_map_default = 0xffff888000000000ULL,
	.cpu_khz_symbol = "cpu_khz",
	.vmem_init = x86_64_vmem_init,
	.kvtop = x86_64_kvtop,
	.uvtop = x86_64_uvtop,
	.unwind_open = x86_64_unwind_open,
	.unwind_close = x86_64_unwind_close,
	.unwind_task = x86_64_unwind_task,
	.format_regs = x86_64_format_regs,
	.mach_layout = x86_64_mach_layout,
	.mach_cpu_stacks = x86_64_mach_cpu_stacks,
	.cpuinfo_var = "cpu_info",
	.cpuinfo_type = "cpuinfo_x86",
};
