/* A unit's line number program (.debug_line, DWARF 2 to 5): its header,
 * directory and file tables, and the state machine that turns its opcodes
 * into rows of (address, file, line). */
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_lines_read.h"

/* The header fields the state machine needs. */
struct line_header {
	uint64_t offset;	/* of the program's header in .debug_line */
	bool is64;
	uint16_t version;
	uint8_t min_inst_length;
	uint8_t max_ops;	/* maximum_operations_per_instruction */
	bool default_is_stmt;
	int8_t line_base;
	uint8_t line_range;
	uint8_t opcode_base;
	const uint8_t *opcode_lengths;	/* opcode_base - 1 of them */
	/* What each special opcode advances, worked out once: two
	 * divisions per row are most of the decoding time otherwise. */
	uint8_t op_advance[256];
	int16_t line_advance[256];
};

struct builder {
	const struct dwarf_lines_sections *s;
	struct line_header h;
	struct dwarf_line_table *t;
	const char **dirs;
	size_t ndirs;
	size_t files_cap, rows_cap;
};

static struct error *line_error(const struct builder *b, uint64_t at,
				const char *what)
{
	return error_create(ERR_FORMAT, "%s: the line program at .debug_line "
			    "offset 0x%llx: %s (at offset 0x%llx)",
			    b->s->path, (unsigned long long)b->h.offset, what,
			    (unsigned long long)at);
}

static uint64_t sec_pos(const struct builder *b, const struct dwarf_cursor *c)
{
	return (uint64_t)(c->p - b->s->line.data);
}

static bool add_file(struct builder *b, const char *name, uint64_t dir)
{
	struct dwarf_line_table *t = b->t;

	if (t->nfiles == b->files_cap) {
		size_t n = b->files_cap ? 2 * b->files_cap : 64;
		struct dwarf_line_file *f = realloc(t->files, n * sizeof(*f));

		if (!f)
			return false;
		t->files = f;
		b->files_cap = n;
	}
	/* The name as it will be shown: an absolute name stands alone, a
	 * relative one goes with its directory (kept apart, joined only
	 * when a lookup answers with it). */
	t->files[t->nfiles].name = name;
	t->files[t->nfiles].dir = name[0] == '/' ? NULL : b->dirs[dir];
	t->nfiles++;
	return true;
}

/* DWARF 2-4: include_directories and file_names, lists of strings. */
static struct error *read_v4_tables(struct builder *b, struct dwarf_cursor *c,
				    const struct dwarf_cu *cu)
{
	const uint8_t *start = c->p;
	size_t n = 1;

	/* Count the directories first: the table is small and this saves a
	 * growing array.  Directory 0 is the unit's build directory. */
	for (;;) {
		const char *dir = dwarf_cstr(c);

		if (!dir)
			return line_error(b, sec_pos(b, c), "the directory "
					  "table runs past the header");
		if (!*dir)
			break;
		n++;
	}
	b->dirs = malloc(n * sizeof(*b->dirs));
	if (!b->dirs)
		return error_nomem();
	c->p = start;
	b->dirs[0] = cu->comp_dir;
	for (b->ndirs = 1; b->ndirs < n; b->ndirs++)
		b->dirs[b->ndirs] = dwarf_cstr(c);
	dwarf_cstr(c);
	/* File 0 means nothing before DWARF 5; a row naming it shows "???"
	 * (as libdw and so the old lines.c did). */
	if (!add_file(b, "???", 0))
		return error_nomem();
	b->t->files[0].dir = NULL;
	for (;;) {
		uint64_t at = sec_pos(b, c), dir;
		const char *name = dwarf_cstr(c);

		if (!name)
			return line_error(b, at, "the file table runs past "
					  "the header");
		if (!*name)
			break;
		dir = dwarf_uleb(c);
		dwarf_uleb(c);		/* modification time */
		dwarf_uleb(c);		/* length */
		if (c->overrun)
			return line_error(b, at, "the file table runs past "
					  "the header");
		if (dir >= b->ndirs)
			return line_error(b, at, "a file names a directory "
					  "the table does not have");
		if (!add_file(b, name, dir))
			return error_nomem();
	}
	return NULL;
}

/* DWARF 5: an entry format (content type, form pairs), then the entries. */
struct entry_format {
	uint8_t count;
	uint64_t type[255], form[255];
};

static struct error *read_format(struct builder *b, struct dwarf_cursor *c,
				 struct entry_format *f)
{
	uint8_t i;

	f->count = dwarf_u8(c);
	for (i = 0; i < f->count; i++) {
		f->type[i] = dwarf_uleb(c);
		f->form[i] = dwarf_uleb(c);
	}
	if (c->overrun)
		return line_error(b, sec_pos(b, c), "an entry format runs "
				  "past the header");
	return NULL;
}

/* One directory or file entry: its path, and its directory index. */
static struct error *read_entry(struct builder *b, struct dwarf_cursor *c,
				const struct dwarf_cu *lcu,
				const struct entry_format *f,
				const char **path, uint64_t *dir)
{
	uint64_t at = sec_pos(b, c);
	uint8_t i;

	*path = NULL;
	*dir = 0;
	for (i = 0; i < f->count; i++) {
		uint64_t form = f->form[i], value;
		const char *str;

		if (!dwarf_form_read(c, lcu, &form, 0, &value, &str))
			return line_error(b, at, c->overrun ?
					  "an entry runs past the header" :
					  "an entry has a form this reader "
					  "does not know");
		if (f->type[i] == DW_LNCT_path) {
			*path = dwarf_form_str(b->s, lcu, form, value, str);
			if (!*path)
				return line_error(b, at, "an entry's path "
						  "cannot be read");
		} else if (f->type[i] == DW_LNCT_directory_index) {
			*dir = value;
		}
	}
	if (!*path)
		return line_error(b, at, "an entry has no path");
	return NULL;
}

/* Each entry takes at least a byte, so a count beyond the bytes left is
 * damage, not a reason to allocate gigabytes. */
static struct error *read_count(struct builder *b, struct dwarf_cursor *c,
				const struct entry_format *f, uint64_t *n)
{
	uint64_t at = sec_pos(b, c);

	*n = dwarf_uleb(c);
	if (c->overrun || (*n && (!f->count || *n > dwarf_cursor_left(c))))
		return line_error(b, at, "bad directory or file count");
	return NULL;
}

static struct error *read_v5_tables(struct builder *b, struct dwarf_cursor *c,
				    const struct dwarf_cu *cu,
				    uint8_t addr_size)
{
	struct entry_format *f;
	struct dwarf_cu lcu = *cu;
	struct error *err;
	uint64_t n, i, dir;
	const char *path;

	/* The entries' offsets (line_strp, ...) have the program's size. */
	lcu.is64 = b->h.is64;
	lcu.addr_size = addr_size;
	f = malloc(sizeof(*f));
	if (!f)
		return error_nomem();
	err = read_format(b, c, f);
	if (!err)
		err = read_count(b, c, f, &n);
	if (err)
		goto out;
	b->dirs = malloc((n ? n : 1) * sizeof(*b->dirs));
	if (!b->dirs) {
		err = error_nomem();
		goto out;
	}
	for (i = 0; i < n && !err; i++)
		err = read_entry(b, c, &lcu, f, &b->dirs[b->ndirs++], &dir);
	if (!err)
		err = read_format(b, c, f);
	if (!err)
		err = read_count(b, c, f, &n);
	for (i = 0; i < n && !err; i++) {
		uint64_t at = sec_pos(b, c);

		err = read_entry(b, c, &lcu, f, &path, &dir);
		if (!err && dir >= b->ndirs)
			err = line_error(b, at, "a file names a directory the "
					 "table does not have");
		if (!err && !add_file(b, path, dir))
			err = error_nomem();
	}
out:
	free(f);
	return err;
}

static struct error *read_header(struct builder *b, struct dwarf_cursor *c,
				 const struct dwarf_cu *cu)
{
	struct line_header *h = &b->h;
	uint64_t len, header_len;
	uint8_t addr_size = cu->addr_size;
	const uint8_t *program, *unit_end;
	struct error *err;
	unsigned int i;

	if (!dwarf_initial_length(c, &len, &h->is64))
		return line_error(b, h->offset, "bad unit length");
	if (len > dwarf_cursor_left(c))
		return line_error(b, h->offset, "the program runs past the "
				  "end of .debug_line");
	c->end = unit_end = c->p + len;
	h->version = dwarf_u16(c);
	if (c->overrun || h->version < 2 || h->version > 5) {
		char what[64];

		snprintf(what, sizeof(what), "unknown version %u",
			 h->version);
		return line_error(b, h->offset, what);
	}
	if (h->version >= 5) {
		addr_size = dwarf_u8(c);
		dwarf_u8(c);		/* segment_selector_size */
	}
	header_len = dwarf_offset(c, h->is64);
	if (c->overrun || header_len > dwarf_cursor_left(c))
		return line_error(b, h->offset, "the header runs past the "
				  "program");
	program = c->p + header_len;
	h->min_inst_length = dwarf_u8(c);
	h->max_ops = h->version >= 4 ? dwarf_u8(c) : 1;
	h->default_is_stmt = dwarf_u8(c);
	h->line_base = (int8_t)dwarf_u8(c);
	h->line_range = dwarf_u8(c);
	h->opcode_base = dwarf_u8(c);
	h->opcode_lengths = c->p;
	if (h->opcode_base)
		dwarf_skip(c, h->opcode_base - 1);
	if (c->overrun || c->p > program)
		return line_error(b, h->offset, "truncated header");
	if (!h->max_ops || !h->line_range || !h->opcode_base)
		return line_error(b, h->offset, "maximum_operations_per_"
				  "instruction, line_range and opcode_base "
				  "must not be 0");
	for (i = h->opcode_base; i < 256; i++) {
		unsigned int adj = i - h->opcode_base;

		h->op_advance[i] = adj / h->line_range;
		h->line_advance[i] = h->line_base + (int)(adj % h->line_range);
	}
	/* The tables end where the header says the program starts. */
	c->end = program;
	err = h->version >= 5 ? read_v5_tables(b, c, cu, addr_size) :
				read_v4_tables(b, c, cu);
	if (err)
		return err;
	c->p = program;
	c->end = unit_end;
	return NULL;
}

/* The state machine's registers that rows keep (DWARF 5, 6.2.2). */
struct regs {
	uint64_t addr, op_index, file;
	uint32_t line;		/* unsigned, so a damaged advance wraps */
	bool is_stmt;
};

static void reset(struct regs *r, const struct line_header *h)
{
	memset(r, 0, sizeof(*r));
	r->file = 1;
	r->line = 1;
	r->is_stmt = h->default_is_stmt;
}

/* Advance by ADV operations: VLIW targets count operations inside an
 * instruction (op_index), everything else moves whole instructions. */
static void advance(struct regs *r, const struct line_header *h, uint64_t adv)
{
	uint64_t ops;

	if (h->max_ops == 1) {
		r->addr += h->min_inst_length * adv;
		return;
	}
	ops = r->op_index + adv;
	r->addr += h->min_inst_length * (ops / h->max_ops);
	r->op_index = ops % h->max_ops;
}

/* Append a row.  A row that is not a statement can answer a lookup too:
 * GDB (and so the classic crash) names its line for the addresses it
 * covers, an inlined callee's often. */
static bool emit(struct builder *b, const struct regs *r)
{
	struct dwarf_line_table *t = b->t;

	if (t->nrows == b->rows_cap) {
		size_t n = b->rows_cap ? 2 * b->rows_cap : 256;
		struct dwarf_line_row *v = realloc(t->rows, n * sizeof(*v));

		if (!v)
			return false;
		t->rows = v;
		b->rows_cap = n;
	}
	t->rows[t->nrows++] = (struct dwarf_line_row){
		.addr = r->addr,
		/* A file the table lacks stays one: the lookup says so. */
		.file = r->file < UINT32_MAX ? r->file : UINT32_MAX,
		.line = r->line & 0x7fffffff,
		.stmt = r->is_stmt,
	};
	return true;
}

static struct error *extended(struct builder *b, struct dwarf_cursor *c,
			      struct regs *r)
{
	uint64_t at = sec_pos(b, c), len = dwarf_uleb(c);
	struct dwarf_cursor e;
	const char *name;
	uint64_t dir;

	if (c->overrun || len > dwarf_cursor_left(c))
		return line_error(b, at, "an extended opcode runs past the "
				  "end of the program");
	/* Its operands stay inside the length it gives. */
	e = *c;
	e.end = c->p + len;
	c->p += len;
	if (!len)
		return NULL;
	switch (dwarf_u8(&e)) {
	case DW_LNE_end_sequence:
		/* The row it makes only closes the range: it never answers. */
		reset(r, &b->h);
		break;
	case DW_LNE_set_address:
		r->addr = dwarf_uint(&e, len - 1);
		r->op_index = 0;
		break;
	case DW_LNE_define_file:
		name = dwarf_cstr(&e);
		dir = dwarf_uleb(&e);
		dwarf_uleb(&e);
		dwarf_uleb(&e);
		if (e.overrun)
			break;
		if (dir >= b->ndirs)
			return line_error(b, at, "DW_LNE_define_file names a "
					  "directory the table does not "
					  "have");
		if (!add_file(b, name, dir))
			return error_nomem();
		break;
	default:
		/* DW_LNE_set_discriminator, vendor opcodes: no row changes. */
		break;
	}
	if (e.overrun)
		return line_error(b, at, "an extended opcode's operands run "
				  "past its length");
	return NULL;
}

static struct error *run(struct builder *b, struct dwarf_cursor *c)
{
	const struct line_header *h = &b->h;
	struct error *err;
	struct regs r;

	reset(&r, h);
	while (c->p < c->end) {
		uint64_t at = sec_pos(b, c);
		uint8_t op = dwarf_u8(c), i;

		if (op >= h->opcode_base) {
			/* A special opcode: advance both, then a row. */
			advance(&r, h, h->op_advance[op]);
			r.line += h->line_advance[op];
			if (!emit(b, &r))
				return error_nomem();
			continue;
		}
		switch (op) {
		case 0:
			err = extended(b, c, &r);
			if (err)
				return err;
			break;
		case DW_LNS_copy:
			if (!emit(b, &r))
				return error_nomem();
			break;
		case DW_LNS_advance_pc:
			advance(&r, h, dwarf_uleb(c));
			break;
		case DW_LNS_advance_line:
			r.line += (uint32_t)dwarf_sleb(c);
			break;
		case DW_LNS_set_file:
			r.file = dwarf_uleb(c);
			break;
		case DW_LNS_negate_stmt:
			r.is_stmt = !r.is_stmt;
			break;
		case DW_LNS_const_add_pc:
			advance(&r, h, (255 - h->opcode_base) / h->line_range);
			break;
		case DW_LNS_fixed_advance_pc:
			r.addr += dwarf_u16(c);
			r.op_index = 0;
			break;
		case DW_LNS_set_basic_block:
		case DW_LNS_set_prologue_end:
		case DW_LNS_set_epilogue_begin:
			break;
		default:
			/* set_column, set_isa, and opcodes of later versions:
			 * the header says how many LEB128 operands each has. */
			for (i = 0; i < h->opcode_lengths[op - 1]; i++)
				dwarf_uleb(c);
			break;
		}
		if (c->overrun)
			return line_error(b, at, "an opcode runs past the end "
					  "of the program");
	}
	return NULL;
}

/* Stable merge sort by address: of rows at one address the last in the
 * program must stay last, it is the one that answers. */
static bool sort_rows(struct dwarf_line_table *t)
{
	struct dwarf_line_row *a = t->rows, *tmp;
	size_t n = t->nrows, width, i;

	for (i = 1; i < n; i++)
		if (a[i].addr < a[i - 1].addr)
			break;
	if (i >= n)
		return true;		/* the usual case: already sorted */
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return false;
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i, mid = i + width, hi = i + 2 * width;
			size_t x, y, k = lo;

			if (mid > n)
				mid = n;
			if (hi > n)
				hi = n;
			x = lo;
			y = mid;
			while (x < mid && y < hi)
				tmp[k++] = a[y].addr < a[x].addr ? a[y++] :
								   a[x++];
			while (x < mid)
				tmp[k++] = a[x++];
			while (y < hi)
				tmp[k++] = a[y++];
		}
		memcpy(a, tmp, n * sizeof(*a));
	}
	free(tmp);
	return true;
}

/* Keep one row of each address (the last statement row, else the last
 * row), and give back the spare room. */
static void dedup_rows(struct dwarf_line_table *t)
{
	struct dwarf_line_row *v;
	size_t i, n = 0;

	for (i = 0; i < t->nrows; i++) {
		if (n && t->rows[n - 1].addr == t->rows[i].addr) {
			if (t->rows[n - 1].stmt && !t->rows[i].stmt)
				continue;
			n--;
		}
		t->rows[n++] = t->rows[i];
	}
	t->nrows = n;
	if (!n) {
		free(t->rows);
		t->rows = NULL;
		return;
	}
	v = realloc(t->rows, n * sizeof(*v));
	if (v)
		t->rows = v;
}

struct error *dwarf_line_table_read(const struct dwarf_lines_sections *s,
				    const struct dwarf_cu *cu,
				    struct dwarf_line_table **ret)
{
	struct builder b = { .s = s };
	struct dwarf_cursor c;
	struct error *err;

	*ret = NULL;
	if (!cu->has_stmt_list)
		return error_create(ERR_NOT_FOUND, "%s: the unit at "
				    ".debug_info offset 0x%llx has no line "
				    "table", s->path,
				    (unsigned long long)cu->offset);
	b.h.offset = cu->stmt_list;
	if (cu->stmt_list >= s->line.size)
		return line_error(&b, cu->stmt_list, "beyond the end of "
				  ".debug_line");
	b.t = calloc(1, sizeof(*b.t));
	if (!b.t)
		return error_nomem();
	b.t->offset = cu->stmt_list;
	dwarf_cursor_init(&c, s->line.data, s->line.size, s->big_endian);
	c.p += cu->stmt_list;
	err = read_header(&b, &c, cu);
	b.t->version = b.h.version;
	b.t->end = c.end - s->line.data;
	if (!err)
		err = run(&b, &c);
	if (!err && !sort_rows(b.t))
		err = error_nomem();
	free(b.dirs);
	if (err) {
		dwarf_line_table_free(b.t);
		return err;
	}
	dedup_rows(b.t);
	*ret = b.t;
	return NULL;
}

void dwarf_line_table_free(struct dwarf_line_table *t)
{
	if (!t)
		return;
	free(t->files);
	free(t->rows);
	free(t);
}

const struct dwarf_line_row *
dwarf_line_table_find(const struct dwarf_line_table *t, uint64_t addr)
{
	size_t lo = 0, hi = t->nrows;

	/* The first row above addr; the one before it answers. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rows[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &t->rows[lo - 1] : NULL;
}
