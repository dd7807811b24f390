#include <dis-asm.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "disasm.h"

#define BLOCK 4096	/* bytes read at once: never across a page */

struct disasm_arch {
	const char *name;
	enum bfd_architecture arch;
	unsigned long mach;
	/* the ftrace no-ops a function may start with */
	const char *const *ftrace_nops;
	/* spell as the libopcodes of GDB 10 did (disasm.h) */
	bool old_spelling;
};

static const char *const x86_64_nops[] = {
	"nopl   0x0(%rax,%rax,1)", "data32 data32 data32 xchg %ax,%ax", NULL,
};
static const char *const no_nops[] = { NULL };

static const struct disasm_arch arches[] = {
	{ "x86_64", bfd_arch_i386, bfd_mach_x86_64, x86_64_nops, true },
	{ "arm64", bfd_arch_aarch64, bfd_mach_aarch64, no_nops, false },
};

struct disasm {
	const struct disasm_arch *a;
	disassembler_ftype print;
	struct disassemble_info info;
	disasm_read_fn read;
	disasm_name_fn name;
	void *ctx;
	/* the instruction's text as libopcodes writes it */
	char text[DISASM_TEXT_MAX];
	size_t len;
	bool operands;		/* something but a mnemonic was written */
	size_t mnemonic_end;	/* where the prefixes and mnemonic end */
	/* one aligned block of memory */
	uint64_t block_addr;
	bool block_valid;
	unsigned char block[BLOCK];
	struct error *read_error;	/* the first failed read */
};

static void append(struct disasm *d, const char *fmt, va_list ap)
{
	int n;

	if (d->len >= sizeof(d->text) - 1)
		return;
	n = vsnprintf(d->text + d->len, sizeof(d->text) - d->len, fmt, ap);
	if (n > 0)
		d->len += (size_t)n;
	if (d->len >= sizeof(d->text))
		d->len = sizeof(d->text) - 1;
}

static int plain_printf(void *stream, const char *fmt, ...)
{
	struct disasm *d = stream;
	va_list ap;

	va_start(ap, fmt);
	append(d, fmt, ap);
	va_end(ap);
	d->operands = true;
	return 0;
}

static int styled_printf(void *stream, enum disassembler_style style,
			 const char *fmt, ...)
{
	struct disasm *d = stream;
	size_t before = d->len;
	va_list ap;

	va_start(ap, fmt);
	append(d, fmt, ap);
	va_end(ap);
	if (style != dis_style_mnemonic && d->len > before)
		d->operands = true;
	if (style == dis_style_mnemonic && !d->operands)
		d->mnemonic_end = d->len;
	return 0;
}

static struct error *read_block(struct disasm *d, uint64_t base)
{
	struct error *err;

	if (d->block_valid && d->block_addr == base)
		return NULL;
	d->block_valid = false;
	err = d->read(d->ctx, base, d->block, BLOCK);
	if (err)
		return err;
	d->block_addr = base;
	d->block_valid = true;
	return NULL;
}

/* Bytes for libopcodes: block by block, or byte by byte at the edge of
 * readable memory (a block may be readable only in part). */
static int read_memory(bfd_vma vma, bfd_byte *buf, unsigned int len,
		       struct disassemble_info *info)
{
	struct disasm *d = info->stream;
	uint64_t addr = vma;
	struct error *err;

	while (len) {
		uint64_t base = addr & ~(uint64_t)(BLOCK - 1);
		size_t off = addr - base, n = BLOCK - off;

		if (n > len)
			n = len;
		err = read_block(d, base);
		if (err) {
			error_free(err);
			err = d->read(d->ctx, addr, buf, n);
			if (err) {
				if (!d->read_error)
					d->read_error = err;
				else
					error_free(err);
				return -1;
			}
		} else {
			memcpy(buf, d->block + off, n);
		}
		buf += n;
		addr += n;
		len -= (unsigned int)n;
	}
	return 0;
}

static void memory_error(int status, bfd_vma vma,
			 struct disassemble_info *info)
{
	struct disasm *d = info->stream;

	if (!d->read_error)
		d->read_error = error_create(ERR_NOT_FOUND, "cannot read "
					     "memory at %" PRIx64,
					     (uint64_t)vma);
}

/* GDB's form of an address in an instruction: "0xADDR <name>". */
static void print_address(bfd_vma vma, struct disassemble_info *info)
{
	struct disasm *d = info->stream;
	char name[256] = "";

	if (d->name)
		d->name(d->ctx, vma, name, sizeof(name));
	if (name[0])
		plain_printf(d, "0x%" PRIx64 " <%s>", (uint64_t)vma, name);
	else
		plain_printf(d, "0x%" PRIx64, (uint64_t)vma);
}

struct error *disasm_open(const char *arch, disasm_read_fn read,
			  disasm_name_fn name, void *ctx,
			  struct disasm **ret)
{
	const struct disasm_arch *a = NULL;
	struct disasm *d;
	size_t i;

	for (i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (!strcmp(arches[i].name, arch))
			a = &arches[i];
	if (!a)
		return error_create(ERR_UNSUPPORTED, "no disassembler for %s",
				    arch);
	d = calloc(1, sizeof(*d));
	if (!d)
		return error_nomem();
	d->a = a;
	d->read = read;
	d->name = name;
	d->ctx = ctx;
	d->print = disassembler(a->arch, false, a->mach, NULL);
	if (!d->print) {
		free(d);
		return error_create(ERR_UNSUPPORTED, "libopcodes has no "
				    "disassembler for %s", arch);
	}
	init_disassemble_info(&d->info, d, plain_printf, styled_printf);
	d->info.arch = a->arch;
	d->info.mach = a->mach;
	d->info.endian = BFD_ENDIAN_LITTLE;
	d->info.endian_code = BFD_ENDIAN_LITTLE;
	d->info.read_memory_func = read_memory;
	d->info.memory_error_func = memory_error;
	d->info.print_address_func = print_address;
	disassemble_init_for_target(&d->info);
	*ret = d;
	return NULL;
}

void disasm_close(struct disasm *d)
{
	if (!d)
		return;
	error_free(d->read_error);
	disassemble_free_target(&d->info);
	free(d);
}

void disasm_flush(struct disasm *d)
{
	d->block_valid = false;
}

/* A segment prefix that 64-bit mode ignores (cs, ds, es, ss) before an
 * instruction with a memory operand: binutils 2.37 and later write it as
 * a prefix ("cs nopw 0x0(%rax,%rax,1)"), older ones in the operand
 * ("nopw   %cs:0x0(%rax,%rax,1)"). */
static void old_segment_spelling(struct disasm *d)
{
	static const char *const segs[] = { "cs", "ds", "es", "ss" };
	char words[DISASM_TEXT_MAX], ops[DISASM_TEXT_MAX], out[DISASM_TEXT_MAX];
	const char *seg = NULL, *mem;
	char *w, *save;
	size_t i, at, n = 0;
	int depth = 0;

	if (!d->operands || d->mnemonic_end >= d->len)
		return;
	snprintf(words, sizeof(words), "%.*s", (int)d->mnemonic_end, d->text);
	snprintf(ops, sizeof(ops), "%s", d->text + d->mnemonic_end);
	mem = strchr(ops, '(');
	if (!mem)
		return;
	/* the memory operand starts after the last comma outside
	 * parentheses before its "(" */
	for (i = 0, at = 0; ops + i < mem; i++) {
		if (ops[i] == '(')
			depth++;
		else if (ops[i] == ')')
			depth--;
		else if (ops[i] == ',' && !depth)
			at = i + 1;
	}
	out[0] = '\0';
	for (w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		bool is_seg = false;

		for (i = 0; i < 4 && !seg && !is_seg; i++)
			is_seg = !strcmp(w, segs[i]);
		if (is_seg) {
			seg = segs[i - 1];
			continue;
		}
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
				      n ? " " : "", w);
		if (n >= sizeof(out))
			return;
	}
	if (!seg)
		return;
	while (n < 6)
		out[n++] = ' ';
	snprintf(d->text, sizeof(d->text), "%.*s %.*s%%%s:%s", (int)n, out,
		 (int)at, ops, seg, ops + at);
	d->len = strlen(d->text);
}

struct error *disasm_next(struct disasm *d, uint64_t addr,
			  struct disasm_insn *out)
{
	struct error *err;
	int n;

	d->len = 0;
	d->text[0] = '\0';
	d->operands = false;
	d->mnemonic_end = 0;
	error_free(d->read_error);
	d->read_error = NULL;
	n = d->print(addr, &d->info);
	if (n <= 0 || d->read_error) {
		err = d->read_error ? d->read_error :
		      error_create(ERR_FORMAT, "cannot disassemble at %"
				   PRIx64, addr);
		d->read_error = NULL;
		return err;
	}
	/* "ret" as "ret    ": the mnemonic and a blank in seven columns;
	 * but the one-byte nop was written bare */
	if (d->a->old_spelling && !d->operands && d->len &&
	    d->text[d->len - 1] != ' ' && strcmp(d->text, "nop")) {
		while (d->len < 6 && d->len < sizeof(d->text) - 2)
			d->text[d->len++] = ' ';
		d->text[d->len++] = ' ';
		d->text[d->len] = '\0';
	}
	if (d->a->old_spelling)
		old_segment_spelling(d);
	out->addr = addr;
	out->len = (unsigned int)n;
	memcpy(out->text, d->text, d->len + 1);
	return NULL;
}

bool disasm_is_ftrace_nop(const struct disasm *d, const char *text)
{
	const char *const *p;

	for (p = d->a->ftrace_nops; *p; p++)
		if (strstr(text, *p))
			return true;
	return false;
}

bool disasm_is_jump(const struct disasm *d, const char *text)
{
	const char *last, *prev, *end;
	size_t plen;

	if (d->a->arch != bfd_arch_i386)
		return false;
	/* the last two blank-separated words: "jne" "0xffffffffc0123456" */
	end = text + strlen(text);
	while (end > text && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	last = end;
	while (last > text && last[-1] != ' ' && last[-1] != '\t')
		last--;
	if (last == end || strncmp(last, "0x", 2) ||
	    strspn(last + 2, "0123456789abcdefABCDEF") != (size_t)(end - last - 2))
		return false;
	prev = last;
	while (prev > text && (prev[-1] == ' ' || prev[-1] == '\t'))
		prev--;
	end = prev;
	while (prev > text && prev[-1] != ' ' && prev[-1] != '\t')
		prev--;
	plen = (size_t)(end - prev);
	return plen && (prev[0] == 'j' ||
			(plen == 5 && !strncmp(prev, "callq", 5)));
}
