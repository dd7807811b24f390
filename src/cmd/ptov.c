/* ptov and pte: the other direction of vtop, and one entry decoded. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/arch.h"
#include "../arch/vmem.h"
#include "../kernel/kernel.h"
#include "../session.h"
#include "../util/error.h"
#include "../util/expr.h"
#include "commands.h"

const char *const ptov_help[] = {
	"NAME",
	"  ptov - physical to virtual",
	"",
	"SYNOPSIS",
	"  ptov address ...",
	"",
	"DESCRIPTION",
	"  This command translates a hexadecimal physical address into its",
	"  kernel virtual address in the direct map of all physical memory.",
	"",
	"EXAMPLES",
	"    crash> ptov 1000",
	"    VIRTUAL           PHYSICAL        ",
	"    ffff88f780001000  1000            ",
	NULL,
};

const char *const pte_help[] = {
	"NAME",
	"  pte - translate a page table entry",
	"",
	"SYNOPSIS",
	"  pte contents ...",
	"",
	"DESCRIPTION",
	"  This command translates the hexadecimal contents of a page table",
	"  entry into the physical page address and the names of its flags.",
	"",
	"EXAMPLES",
	"    crash> pte 8000000000001163",
	"          PTE         PHYSICAL  FLAGS",
	"    8000000000001163    1000    (PRESENT|RW|ACCESSED|DIRTY|GLOBAL|NX)",
	NULL,
};

static int hex_args(int argc, char **argv, const char *cmd, uint64_t *v,
		    int i)
{
	struct error *err = expr_eval(argv[i], true, NULL, NULL, v);

	(void)argc;
	if (err) {
		fprintf(stderr, "%s: invalid input: %s\n", cmd, argv[i]);
		error_free(err);
		return 1;
	}
	return 0;
}

int cmd_ptov(struct session *s, int argc, char **argv)
{
	struct kernel k = session_kernel(s);
	struct error *err;
	uint64_t base, pa;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: ptov address ...\n");
		return 1;
	}
	if (!s->vmem) {
		fprintf(stderr, "ptov: no kernel virtual memory: %s\n",
			s->vmem_why);
		return 1;
	}
	err = kernel_direct_map_base(&k, &base);
	if (err) {
		fprintf(stderr, "ptov: %s\n", err->message);
		error_free(err);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (hex_args(argc, argv, "ptov", &pa, i))
			return 1;
		fprintf(s->out, "%-16s  %-16s\n", "VIRTUAL", "PHYSICAL");
		fprintf(s->out, "%-16" PRIx64 "  %-16" PRIx64 "\n", base + pa,
			pa);
	}
	return 0;
}

int cmd_pte(struct session *s, int argc, char **argv)
{
	uint64_t e, phys;
	char flags[256], pte[32], ph[32];
	int i, w1, w2;

	if (argc < 2) {
		fprintf(stderr, "usage: pte contents ...\n");
		return 1;
	}
	if (!s->vmem) {
		fprintf(stderr, "pte: no architecture support: %s\n",
			s->vmem_why);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (hex_args(argc, argv, "pte", &e, i))
			return 1;
		s->vmem->arch->pte_describe(s->vmem, e, false, &phys, flags,
					    sizeof(flags));
		w1 = snprintf(pte, sizeof(pte), "%" PRIx64, e);
		w2 = snprintf(ph, sizeof(ph), "%" PRIx64, phys);
		if (!e) {
			/* the classic crash's narrow layout for "no entry" */
			fprintf(s->out, "PTE  PHYSICAL  FLAGS\n 0       0     "
				"(no mapping)\n");
			continue;
		}
		print_centred(s->out, "PTE", w1, false);
		fputs("  ", s->out);
		print_centred(s->out, "PHYSICAL", w2 < 8 ? 8 : w2, false);
		fprintf(s->out, "  FLAGS\n%s  ", pte);
		print_centred(s->out, ph, w2 < 8 ? 8 : w2, true);
		fprintf(s->out, "  (%s)\n", e & 1 ? flags : "not present");
	}
	return 0;
}
