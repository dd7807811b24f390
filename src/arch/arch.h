/*
 * Per-architecture knowledge behind one const vtable.  Code outside arch/
 * never names an architecture: it asks arch_for_dump() and goes through
 * struct arch_ops.  This part: decoding the register notes.
 */
#ifndef CRASH_ARCH_H
#define CRASH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dump;
struct dump_note;
struct error;
struct strbuf;
struct unwind_env;
struct unwind_regs;
struct unwind_task;
struct unwind_trace;
struct unwinder;
struct vmem;
struct vtop_trace;
struct mach_value;

#define REGSET_MAX 64

/* A set of named registers, as one CPU's note recorded them. */
struct regset {
	unsigned int n;
	const char *const *names;
	uint64_t value[REGSET_MAX];
	int pid;		/* the task running on that CPU; -1 if unknown */
};

/* Writes "func+off" (or "(unknown)") for addr into buf; true if addr is
 * kernel text. */
typedef bool (*arch_symbolize_fn)(void *ctx, uint64_t addr, char *buf,
				  size_t size);

struct arch_ops {
	const char *name;		/* "x86_64" */
	uint16_t elf_machine;		/* EM_* */
	const char *const *uts_machines;	/* utsname.machine spellings */
	uint32_t default_page_size;
	size_t prstatus_size;		/* descsz of its NT_PRSTATUS */
	unsigned int pc_reg, sp_reg;	/* indexes in the PRSTATUS regset */
	struct error *(*decode_prstatus)(const struct dump_note *note,
					 bool big_endian, struct regset *out);
	/* QEMU's per-CPU state note ("QEMU", type 0), or NULL if none. */
	struct error *(*decode_qemu_cpu)(const struct dump_note *note,
					 bool big_endian, struct regset *out);
	/* The kernel image relocates (KASLR) by multiples of kaslr_align
	 * below kaslr_max. */
	uint64_t kaslr_align, kaslr_max;
	/* A page table entry's physical address and flag names ("PRESENT|
	 * RW|..."); large: it maps a large page.  vm: the dump's layout
	 * (the entry format may depend on it), or NULL. */
	void (*pte_describe)(const struct vmem *vm, uint64_t entry,
			     bool large, uint64_t *phys, char *flags,
			     size_t size);
	/* The base of the direct map of all physical memory (ptov: virtual
	 * = base + physical, modulo 2^64): from direct_map_base if the
	 * layout tells it, else the variable direct_map_symbol holds it, or
	 * it is direct_map_default when there is no such variable. */
	struct error *(*direct_map_base)(const struct vmem *vm,
					 uint64_t *base);
	const char *direct_map_symbol;
	uint64_t direct_map_default;
	/* The variable with the CPU clock in kHz (sys), NULL if none. */
	const char *cpu_khz_symbol;
	/* The variable holding the base of the struct page array (vmemmap),
	 * randomized under KASLR; NULL where it is not known yet. */
	const char *vmemmap_symbol;
	/* Kernel virtual memory (vmem.h): set up vm->priv, translate. */
	struct error *(*vmem_init)(struct vmem *vm);
	/* trace may be NULL; if not, record the walk (vmem.h). */
	struct error *(*kvtop)(struct vmem *vm, uint64_t vaddr,
			       uint64_t *paddr, struct vtop_trace *trace);
	/* A user address through the page tables whose top table is at
	 * physical address root (a task's mm->pgd); NULL if unsupported. */
	struct error *(*uvtop)(struct vmem *vm, uint64_t root, uint64_t vaddr,
			       uint64_t *paddr, struct vtop_trace *trace);
	/* Backtraces (unwind.h); NULL where there is no unwinder yet.
	 * env must outlive the unwinder. */
	struct error *(*unwind_open)(const struct unwind_env *env,
				     struct unwinder **ret);
	void (*unwind_close)(struct unwinder *u);
	/* The frames of one task; errors mean no trace at all, a walk
	 * that stops early says why in out->err. */
	struct error *(*unwind_task)(struct unwinder *u,
				     const struct unwind_task *task,
				     struct unwind_trace *out);
	/* mach: the layout values (up to MACH_VALUES_MAX; *n of them) and
	 * the stacks of cpu that mach lists; NULL where there are none. */
	void (*mach_layout)(struct unwinder *u, struct mach_value *out,
			    size_t *n);
	void (*mach_cpu_stacks)(struct unwinder *u, unsigned int cpu,
				struct unwind_trace *out);
	/* The per-cpu variable and type of mach -c ("cpu_info",
	 * "cpuinfo_x86"), or NULL. */
	const char *cpuinfo_var, *cpuinfo_type;
	/* An exception frame as the classic crash prints it, lines
	 * indented by indent spaces; sym names the kernel addresses in it
	 * ("func+12"). */
	void (*format_regs)(const struct unwind_regs *r, int indent,
			    arch_symbolize_fn sym, void *ctx,
			    struct strbuf *out);
};

/* The registers of a 64-bit elf_prstatus note (prstatus.c): n of them,
 * named names; full_size is the note's size, for the message. */
struct error *prstatus64_decode(const struct dump_note *note, bool big,
				const char *arch, const char *const *names,
				unsigned int n, unsigned int full_size,
				struct regset *out);

/* The architecture of the dumped machine: by ELF machine, utsname machine,
 * or the size of its NT_PRSTATUS notes; NULL if none of ours fits. */
const struct arch_ops *arch_for_dump(const struct dump *d);
const struct arch_ops *arch_by_name(const char *name);

extern const struct arch_ops x86_64_arch;
extern const struct arch_ops arm64_arch;

#endif
