/* dwarf-index: the DWARF name index from the command line, and an
 * independent reference made with libdw's own DIE walk to check it.
 *
 *   dwarf-index [-j N] [--cache] VMLINUX COMMAND [ARGS]
 *	stats			sizes, build timings, where the index came from
 *	find NAME [KINDS]	every DIE of NAME
 *	lookup NAME [KINDS]	the definition dwarf_index_lookup() picks
 *	prefix PREFIX [KINDS]	the names that start with PREFIX
 *	dump [MOD]		"KIND NAME SECTION:OFFSET decl|def" for every
 *				DIE of each name whose sample hash % MOD is 0,
 *				then "total KIND N" over all names
 *	libdw-dump [MOD]	the same, made by libdw (the reference)
 *	time N			open the index N times, print each time
 *
 * KINDS: a comma list of struct, union, enum, typedef, base, variable,
 * function, enumerator, type, any.  Without --cache the index is built
 * every time; with it, dwarf_index_open() uses the cache (CRASH_CACHE_DIR
 * and CRASH_NO_INDEX_CACHE apply). */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/symbols/dwarf_index.h"
#include "../../src/symbols/index_cache.h"

static const char *const kind_names[8] = {
	"struct", "union", "enum", "typedef", "base", "variable", "function",
	"enumerator",
};

static unsigned int parse_kinds(const char *s)
{
	unsigned int kinds = 0;
	char *copy, *tok, *save;

	if (!s)
		return DWARF_INDEX_ANY;
	copy = strdup(s);
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned int i;

		if (!strcmp(tok, "any"))
			kinds |= DWARF_INDEX_ANY;
		else if (!strcmp(tok, "type"))
			kinds |= DWARF_INDEX_TYPE;
		else {
			for (i = 0; i < 8; i++)
				if (!strcmp(tok, kind_names[i]))
					break;
			if (i == 8) {
				fprintf(stderr, "unknown kind %s\n", tok);
				exit(2);
			}
			kinds |= 1u << i;
		}
	}
	free(copy);
	return kinds;
}

static const char *kind_name(unsigned int kind)
{
	return kind_names[__builtin_ctz(kind)];
}

/* Which names "dump" prints: the same choice in both dumps. */
static bool sampled(const char *name, unsigned long mod)
{
	uint32_t h = 2166136261u;

	while (*name)
		h = (h ^ (uint8_t)*name++) * 16777619u;
	return h % mod == 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct target {
	const char *path;
	int fd;
	Elf *elf;
	struct dwarf_sections secs;
};

static void die_on(struct error *err, const char *what)
{
	if (err) {
		fprintf(stderr, "dwarf-index: %s: %s\n", what, err->message);
		exit(1);
	}
}

static void open_target(struct target *t, const char *path)
{
	t->path = path;
	t->fd = open(path, O_RDONLY);
	if (t->fd < 0) {
		perror(path);
		exit(1);
	}
	t->elf = elf_begin(t->fd, ELF_C_READ_MMAP, NULL);
	if (!t->elf) {
		fprintf(stderr, "%s: %s\n", path, elf_errmsg(-1));
		exit(1);
	}
	die_on(dwarf_sections_from_elf(t->elf, path, &t->secs), "sections");
	/* libelf maps the file read-only and private, and nothing here
	 * writes to it. */
	t->secs.drop_after_scan = true;
}

static struct dwarf_index *open_index(struct target *t, bool cache,
				      unsigned int threads,
				      struct index_cache_status *st)
{
	struct dwarf_index *idx;

	memset(st, 0, sizeof(*st));
	if (cache)
		die_on(dwarf_index_open(t->path, t->elf, &t->secs, threads,
					&idx, st), "open");
	else
		die_on(dwarf_index_build(&t->secs, threads, &idx), "build");
	return idx;
}

static void print_match(const struct dwarf_index_match *m)
{
	printf("%s %s %c:0x%llx cu=0x%llx tag=0x%x %s\n", kind_name(m->kind),
	       m->name, m->in_types_section ? 't' : 'i',
	       (unsigned long long)m->die_offset,
	       (unsigned long long)m->cu_offset, m->tag,
	       m->declaration ? "decl" : "def");
}

static int cmd_dump(struct dwarf_index *idx, unsigned long mod)
{
	unsigned long totals[8] = { 0 };
	struct dwarf_index_prefix_iter pit;
	const char *name;
	int i;

	die_on(dwarf_index_prefix(idx, "", DWARF_INDEX_ANY, &pit), "prefix");
	while (dwarf_index_prefix_next(&pit, &name)) {
		struct dwarf_index_iter it;
		struct dwarf_index_match m;
		bool show = sampled(name, mod);

		dwarf_index_find(idx, name, DWARF_INDEX_ANY, &it);
		while (dwarf_index_next(&it, &m)) {
			totals[__builtin_ctz(m.kind)]++;
			if (show)
				printf("%s %s %c:0x%llx %s\n",
				       kind_name(m.kind), m.name,
				       m.in_types_section ? 't' : 'i',
				       (unsigned long long)m.die_offset,
				       m.declaration ? "decl" : "def");
		}
	}
	for (i = 0; i < 8; i++)
		printf("total %s %lu\n", kind_names[i], totals[i]);
	return 0;
}

/* ---- the reference: libdw's walk, written from the index's definition
 * (top-level DIEs of every unit and namespace, enumerators of top-level
 * enums; a DIE without a name takes its DW_AT_specification's). ---- */

struct ref_state {
	unsigned long mod;
	unsigned long totals[8];
	char sec;
};

static int tag_kind(int tag)
{
	switch (tag) {
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return 0;
	case DW_TAG_union_type:
		return 1;
	case DW_TAG_enumeration_type:
		return 2;
	case DW_TAG_typedef:
		return 3;
	case DW_TAG_base_type:
		return 4;
	case DW_TAG_variable:
		return 5;
	case DW_TAG_subprogram:
		return 6;
	default:
		return -1;
	}
}

static const char *own_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;

	if (!dwarf_attr(die, DW_AT_name, &attr))
		return NULL;
	return dwarf_formstring(&attr);
}

static void ref_emit(struct ref_state *s, int kind, Dwarf_Die *die,
		     const char *name)
{
	Dwarf_Attribute attr;
	bool decl = false;

	if (dwarf_attr(die, DW_AT_declaration, &attr))
		dwarf_formflag(&attr, &decl);
	s->totals[kind]++;
	if (sampled(name, s->mod))
		printf("%s %s %c:0x%llx %s\n", kind_names[kind], name, s->sec,
		       (unsigned long long)dwarf_dieoffset(die),
		       decl ? "decl" : "def");
}

static void ref_level(struct ref_state *s, Dwarf_Die *parent)
{
	Dwarf_Die child;
	int rc;

	if (dwarf_child(parent, &child))
		return;
	do {
		int tag = dwarf_tag(&child), kind = tag_kind(tag);
		const char *name;

		if (tag == DW_TAG_namespace)
			ref_level(s, &child);
		if (kind < 0)
			continue;
		name = own_name(&child);
		if (!name) {
			Dwarf_Attribute attr;
			Dwarf_Die spec;

			if (dwarf_attr(&child, DW_AT_specification, &attr) &&
			    dwarf_formref_die(&attr, &spec))
				name = own_name(&spec);
		}
		if (name)
			ref_emit(s, kind, &child, name);
		if (tag == DW_TAG_enumeration_type) {
			Dwarf_Die e;

			if (dwarf_child(&child, &e))
				continue;
			do {
				const char *en;

				if (dwarf_tag(&e) != DW_TAG_enumerator)
					continue;
				en = own_name(&e);
				if (en)
					ref_emit(s, 7, &e, en);
			} while (!dwarf_siblingof(&e, &e));
		}
	} while ((rc = dwarf_siblingof(&child, &child)) == 0);
}

static int cmd_libdw_dump(struct target *t, unsigned long mod)
{
	struct ref_state s = { .mod = mod };
	Dwarf *dbg = dwarf_begin_elf(t->elf, DWARF_C_READ, NULL);
	int types, i;

	if (!dbg) {
		fprintf(stderr, "libdw: %s\n", dwarf_errmsg(-1));
		return 1;
	}
	for (types = 0; types < 2; types++) {
		Dwarf_Off off = 0, next;
		size_t hsize;
		uint64_t sig;
		Dwarf_Off type_off;

		s.sec = types ? 't' : 'i';
		while (!dwarf_next_unit(dbg, off, &next, &hsize, NULL, NULL,
					NULL, NULL, types ? &sig : NULL,
					types ? &type_off : NULL)) {
			Dwarf_Die cudie;
			bool ok = types ? dwarf_offdie_types(dbg, off + hsize,
							     &cudie) != NULL :
					  dwarf_offdie(dbg, off + hsize,
						       &cudie) != NULL;
			uint8_t unit_type = 0;

			if (ok && !dwarf_cu_info(cudie.cu, NULL, &unit_type,
						 NULL, NULL, NULL, NULL,
						 NULL) &&
			    unit_type != DW_UT_skeleton &&
			    unit_type != DW_UT_split_compile &&
			    unit_type != DW_UT_split_type)
				ref_level(&s, &cudie);
			off = next;
		}
	}
	for (i = 0; i < 8; i++)
		printf("total %s %lu\n", kind_names[i], s.totals[i]);
	dwarf_end(dbg);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: dwarf-index [-j N] [--cache] VMLINUX "
		"stats|find|lookup|prefix|dump|libdw-dump|time [ARGS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct index_cache_status st;
	struct dwarf_index *idx = NULL;
	unsigned int threads = 0;
	bool cache = false;
	struct target t;
	const char *cmd;
	int argi = 1, rc = 0;

	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		if (!strcmp(argv[argi], "-j") && argi + 1 < argc)
			threads = atoi(argv[++argi]);
		else if (!strcmp(argv[argi], "--cache"))
			cache = true;
		else
			usage();
	}
	if (argc - argi < 2)
		usage();
	elf_version(EV_CURRENT);
	open_target(&t, argv[argi]);
	cmd = argv[argi + 1];
	argi += 2;

	memset(&st, 0, sizeof(st));
	if (!strcmp(cmd, "libdw-dump")) {
		rc = cmd_libdw_dump(&t, argi < argc ?
				    strtoul(argv[argi], NULL, 0) : 1);
		goto out;
	}
	if (!strcmp(cmd, "time")) {
		int n = argi < argc ? atoi(argv[argi]) : 5, i;

		for (i = 0; i < n; i++) {
			double t0 = now();

			idx = open_index(&t, cache, threads, &st);
			printf("%.4f %s\n", now() - t0,
			       st.loaded ? "loaded" : st.saved ? "built+saved" :
			       "built");
			error_free(st.why);
			st.why = NULL;
			dwarf_index_free(idx);
			idx = NULL;
		}
		goto out;
	}

	idx = open_index(&t, cache, threads, &st);
	if (!strcmp(cmd, "stats")) {
		const struct dwarf_index_timings *tm = dwarf_index_timings(idx);

		printf("units %zu\nnames %zu\nentries %zu\n",
		       dwarf_index_num_units(idx), dwarf_index_num_names(idx),
		       dwarf_index_num_entries(idx));
		printf("source %s\n", st.loaded ? "cache" : st.saved ?
		       "built, saved to the cache" : "built");
		if (st.why)
			printf("cache note: %s\n", st.why->message);
		printf("threads %u\nscan %.4f\nmerge %.4f\nscatter %.4f\n",
		       tm->threads, tm->scan, tm->merge, tm->scatter);
	} else if (!strcmp(cmd, "find") && argi < argc) {
		struct dwarf_index_iter it;
		struct dwarf_index_match m;

		dwarf_index_find(idx, argv[argi],
				 parse_kinds(argi + 1 < argc ? argv[argi + 1] :
					     NULL), &it);
		while (dwarf_index_next(&it, &m))
			print_match(&m);
	} else if (!strcmp(cmd, "lookup") && argi < argc) {
		struct dwarf_index_match m;
		struct error *err = dwarf_index_lookup(idx, argv[argi],
			parse_kinds(argi + 1 < argc ? argv[argi + 1] : NULL),
			&m);

		if (err) {
			printf("%s\n", err->message);
			error_free(err);
			rc = 1;
		} else {
			print_match(&m);
		}
	} else if (!strcmp(cmd, "prefix") && argi < argc) {
		struct dwarf_index_prefix_iter it;
		const char *name;

		die_on(dwarf_index_prefix(idx, argv[argi],
			parse_kinds(argi + 1 < argc ? argv[argi + 1] : NULL),
			&it), "prefix");
		while (dwarf_index_prefix_next(&it, &name))
			printf("%s\n", name);
	} else if (!strcmp(cmd, "dump")) {
		rc = cmd_dump(idx, argi < argc ? strtoul(argv[argi], NULL, 0) : 1);
	} else {
		usage();
	}
out:
	error_free(st.why);
	dwarf_index_free(idx);
	elf_end(t.elf);
	close(t.fd);
	return rc;
}
