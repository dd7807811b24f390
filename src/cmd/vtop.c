#include <inttypes.h>
#include <string.h>

#include "../arch/arch.h"
#include "../arch/vmem.h"
#include "../kernel/page.h"
#include "../session.h"
#include "../util/error.h"
#include "commands.h"

const char *const vtop_help[] = {
	"NAME",
	"  vtop - virtual to physical",
	"",
	"SYNOPSIS",
	"  vtop [-k] address ...",
	"",
	"DESCRIPTION",
	"  This command translates a kernel virtual address to its physical",
	"  address, and shows the page table walk: the page directory used, each",
	"  entry read on the way with its address (physical on x86_64, virtual",
	"  on arm64, as the classic crash has it), the page, and the flags of",
	"  the last entry, then the struct page of the frame (its address,",
	"  physical address, mapping, index, reference count and flags with",
	"  their names; the header only with the first vtop of a session, as",
	"  the classic crash shows it; x86_64 only for now).  The address may",
	"  be given as a symbol.",
	"",
	"    -k  the address is a kernel virtual address (the default).",
	"",
	"  User addresses (-u, -c) are not supported by vtop yet (rd -u reads",
	"  them).",
	"",
	"EXAMPLES",
	"    crash> vtop ffffffff87e079c0",
	"    VIRTUAL           PHYSICAL        ",
	"    ffffffff87e079c0  1b6079c0        ",
	"",
	"    PGD DIRECTORY: ffffffff87e10000",
	"    PAGE DIRECTORY: 1b615067",
	"       PUD: 1b615ff0 => 1b616063",
	"       PMD: 1b6161f8 => 800000001b6001e3",
	"      PAGE: 1b600000  (2MB)",
	"",
	"          PTE         PHYSICAL  FLAGS",
	"    800000001b6001e3  1b600000  (PRESENT|RW|ACCESSED|DIRTY|PSE|GLOBAL|NX)",
	"",
	"          PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS",
	"    fffff240806d81c0 1b607000                0        0  1 fffffc0001000 reserved",
	NULL,
};

void print_centred(FILE *out, const char *text, int width, bool lean_right)
{
	int pad = width - (int)strlen(text), left;

	if (pad < 0)
		pad = 0;
	left = lean_right ? (pad + 1) / 2 : pad / 2;
	fprintf(out, "%*s%s%*s", left, "", text, pad - left, "");
}

void print_pte_flags(struct session *s, uint64_t entry, bool large)
{
	char flags[256];
	uint64_t phys;

	s->vmem->arch->pte_describe(s->vmem, entry, large, &phys, flags,
				    sizeof(flags));
	fprintf(s->out, "(%s)\n", flags);
}

/* The struct page of the frame at pa, as the classic crash shows it
 * after the walk (and kmem -p): address, physical address, mapping,
 * index, reference count, flags and their names.  Silent if the kernel's
 * pages cannot be found (a message says why). */
static void print_page(struct session *s, uint64_t pa)
{
	struct kernel k = session_kernel(s);
	struct page_info pi;
	char names[512];
	struct error *err;

	if (!s->debuginfo)
		return;
	err = page_info_read(&k, pa, &pi);
	if (!err)
		err = page_flag_names(&k, pi.flags, names, sizeof(names));
	if (err) {
		/* no struct pages known for this architecture yet: the walk
		 * is the answer */
		if (err->code != ERR_UNSUPPORTED)
			fprintf(stderr, "vtop: %s\n", err->message);
		error_free(err);
		return;
	}
	/* the classic crash shows the header with the first vtop of a
	 * session only; scripts that read its output expect that */
	fprintf(s->out, "\n%s%-16" PRIx64 " %8" PRIx64 " %16" PRIx64 " %8"
		PRIx64 " %2d %" PRIx64 "%s%s\n", s->page_header_shown ? "" :
		"      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS\n",
		pi.page, pa, pi.mapping, pi.index, pi.count, pi.flags,
		*names ? " " : "", names);
	s->page_header_shown = true;
}

static int vtop_one(struct session *s, const char *arg)
{
	struct vtop_trace t;
	uint64_t va, pa = 0;
	struct error *err = session_address(s, arg, &va), *werr;
	int i;

	if (err) {
		fprintf(stderr, "vtop: %s\n", err->message);
		error_free(err);
		return 1;
	}
	werr = vmem_vtop_trace(s->vmem, va, &pa, &t);
	fprintf(s->out, "%-16s  %-16s\n", "VIRTUAL", "PHYSICAL");
	if (werr)
		fprintf(s->out, "%-16" PRIx64 "  %-16s\n\n", va,
			"(not mapped)");
	else
		fprintf(s->out, "%-16" PRIx64 "  %-16" PRIx64 "\n\n", va, pa);
	if (t.table)
		fprintf(s->out, "%s: %" PRIx64 "\n", t.entries_virtual ?
			"PAGE DIRECTORY" : "PGD DIRECTORY", t.table);
	for (i = 0; i < t.n; i++) {
		if (!i && !t.entries_virtual)
			fprintf(s->out, "PAGE DIRECTORY: %" PRIx64 "\n",
				t.step[i].entry);
		else
			fprintf(s->out, "%6s: %" PRIx64 " => %" PRIx64 "\n",
				t.step[i].level, t.entries_virtual ?
				t.step[i].entry_vaddr : t.step[i].entry_paddr,
				t.step[i].entry);
	}
	if (werr) {
		fprintf(s->out, "\n%s\n", werr->message);
		error_free(werr);
		return 1;
	}
	if (t.n) {
		uint64_t last = t.step[t.n - 1].entry;
		bool large = t.page_size > s->vmem->page_size;
		char pte[32], phys[32], size[32] = "";
		int w1, w2;

		if (large)
			snprintf(size, sizeof(size), "  (%" PRIu64 "%s)",
				 t.page_size >= (1ULL << 30) ?
				 t.page_size >> 30 : t.page_size >> 20,
				 t.page_size >= (1ULL << 30) ? "GB" : "MB");
		else if (t.entries_virtual)
			strcpy(size, "  ");	/* as the classic crash has it */
		fprintf(s->out, "%6s: %" PRIx64 "%s\n\n", "PAGE",
			pa & ~(t.page_size - 1), size);

		/* Columns as wide as the values (PHYSICAL at least 8), the
		 * headers centred, the address centred leaning right: the
		 * classic crash's layout. */
		w1 = snprintf(pte, sizeof(pte), "%" PRIx64, last);
		w2 = snprintf(phys, sizeof(phys), "%" PRIx64,
			      pa & ~(t.page_size - 1));
		print_centred(s->out, "PTE", w1, false);
		fputs("  ", s->out);
		print_centred(s->out, "PHYSICAL", w2 < 8 ? 8 : w2, false);
		fprintf(s->out, "  FLAGS\n%s  ", pte);
		print_centred(s->out, phys, w2 < 8 ? 8 : w2, true);
		fputs("  ", s->out);
		print_pte_flags(s, last, large);
		print_page(s, pa & ~(uint64_t)(s->vmem->page_size - 1));
	}
	return 0;
}

int cmd_vtop(struct session *s, int argc, char **argv)
{
	int i, rc = 0, first = 1;

	if (!s->vmem) {
		fprintf(stderr, "vtop: no kernel virtual memory: %s\n",
			s->vmem_why);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-k"))
			continue;
		if (!strcmp(argv[i], "-u") || !strcmp(argv[i], "-c")) {
			fprintf(stderr, "vtop: %s: user addresses need task "
				"contexts, which this crash does not have "
				"yet\n", argv[i]);
			return 1;
		}
		if (!first)
			fputc('\n', s->out);
		first = 0;
		rc |= vtop_one(s, argv[i]);
	}
	if (first) {
		fprintf(stderr, "usage: vtop [-k] address ...\n");
		return 1;
	}
	return rc;
}
