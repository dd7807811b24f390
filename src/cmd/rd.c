#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../kernel/task_info.h"
#include "../session.h"
#include "../util/interrupt.h"
#include "../util/progress.h"
#include "../symbols/symtab.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "../util/expr.h"
#include "commands.h"

const char *const rd_help[] = {
	"NAME",
	"  rd - read memory",
	"",
	"SYNOPSIS",
	"  rd [-adDsSupxNR][-8|-16|-32|-64][-o offs][-e addr][-r file]",
	"     address [count]",
	"",
	"DESCRIPTION",
	"  This command displays the contents of memory, with the output",
	"  formatted in several different manners.  The starting address may be",
	"  entered either symbolically or by address.  The default output size",
	"  is 64 bits, displayed in hexadecimal along with its ASCII",
	"  translation; the default count is 1.",
	"",
	"    -p  address is a physical address.",
	"    -u  address is a user virtual address of the current context's",
	"        task (see set).",
	"    -d  display as signed decimal.",
	"    -D  display as unsigned decimal.",
	"    -x  do not display the ASCII translation.",
	"    -s  display symbols for values that are kernel addresses.",
	"    -S  the same (the classic crash also shows slab objects).",
	"    -a  display ASCII characters until a NUL, at most count.",
	"    -N  display in network (big-endian) byte order.",
	"    -8  display 8-bit values.",
	"   -16  display 16-bit values.",
	"   -32  display 32-bit values.",
	"   -64  display 64-bit values (the default).",
	"    -R  display the count values up to and including address.",
	"  -o offs  start offs bytes after address.",
	"  -e addr  display up to the ending address addr.",
	"  -r file  copy the raw bytes to file: count bytes, or up to -e.",
	"  count number of values to display (of the size chosen; for -a, of",
	"        characters; for -r, of bytes).",
	"",
	"  The classic crash's -m (Xen machine addresses) and -f (dump file",
	"  offsets) are not supported.",
	"",
	"EXAMPLES",
	"    crash> rd jiffies",
	"    ffffffff82a05980:  00000001000d3b6a                    j;......",
	"    crash> rd -32 linux_banner 4",
	"    ffffffff82200100:  756e694c 65762078 6f697372 2e36206e   Linux version 6.",
	NULL,
};

struct rd {
	struct session *s;
	bool physical, user, decimal, udecimal, no_ascii, symbols, ascii_str,
	     network;
	uint64_t user_root;	/* -u: the context's page tables */
	int size;		/* bytes per value */
};

static struct error *rd_read(struct rd *rd, uint64_t addr, void *buf,
			     size_t len)
{
	if (rd->physical)
		return dump_read_phys(rd->s->dump, addr, buf, len);
	if (!rd->s->vmem)
		return error_create(ERR_UNSUPPORTED, "no kernel virtual "
				    "memory: %s", rd->s->vmem_why);
	if (rd->user)
		return vmem_read_user(rd->s->vmem, rd->user_root, addr, buf,
				      len);
	return vmem_read(rd->s->vmem, addr, buf, len);
}

static uint64_t value_at(const struct rd *rd, const unsigned char *p)
{
	bool big = rd->s->dump->big_endian;

	switch (rd->size) {
	case 1: return *p;
	case 2: return get16(p, big);
	case 4: return get32(p, big);
	}
	return get64(p, big);
}

static int64_t signed_value(const struct rd *rd, uint64_t v)
{
	switch (rd->size) {
	case 1: return (int8_t)v;
	case 2: return (int16_t)v;
	case 4: return (int32_t)v;
	}
	return (int64_t)v;
}

static void print_value(struct rd *rd, uint64_t v)
{
	FILE *out = rd->s->out;
	struct session_symbol sym;
	uint64_t off;
	/* Decimal columns are as wide as the type's longest number. */
	static const int dec_width[] = { [1] = 3, [2] = 5, [4] = 10, [8] = 15 };
	static const int udec_width[] = { [1] = 3, [2] = 5, [4] = 10,
					  [8] = 20 };

	if (rd->symbols && rd->size == 8 && rd->s->symtab &&
	    session_symbol_at(rd->s, v, &sym, &off) &&
	    !(sym.vmlinux && sym.vmlinux->fixed)) {
		char name[256];

		if (off)
			snprintf(name, sizeof(name), "%s+%" PRIu64, sym.name,
				 off);
		else
			snprintf(name, sizeof(name), "%s", sym.name);
		fprintf(out, "%-16s ", name);
	} else if (rd->decimal) {
		fprintf(out, "%*" PRId64 " ", dec_width[rd->size],
			signed_value(rd, v));
	} else if (rd->udecimal) {
		fprintf(out, "%*" PRIu64 " ", udec_width[rd->size], v);
	} else {
		fprintf(out, "%0*" PRIx64 " ", 2 * rd->size, v);
	}
}

static void swap_units(unsigned char *p, size_t n, int size)
{
	size_t i;
	int k;

	for (i = 0; i < n; i++, p += size)
		for (k = 0; k < size / 2; k++) {
			unsigned char t = p[k];

			p[k] = p[size - 1 - k];
			p[size - 1 - k] = t;
		}
}

static void print_ascii(FILE *out, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fputc(isprint(p[i]) ? p[i] : '.', out);
}

static int rd_values(struct rd *rd, uint64_t addr, uint64_t count)
{
	size_t per_line = 16 / (size_t)rd->size;
	bool ascii = !rd->no_ascii && !rd->symbols && !rd->decimal &&
		     !rd->udecimal;
	unsigned char line[16];
	uint64_t total = count;
	struct error *err;

	progress_begin("rd");
	while (count && !interrupted()) {
		size_t n = count < per_line ? (size_t)count : per_line, i;

		progress_update(total - count, total);
		err = rd_read(rd, addr, line, n * rd->size);
		if (err) {
			fprintf(stderr, "rd: %s\n", err->message);
			error_free(err);
			return 1;
		}
		/* -N: 16- and 32-bit values in network byte order, their
		 * ASCII too, as the classic crash shows them */
		if (rd->network && (rd->size == 2 || rd->size == 4))
			swap_units(line, n, rd->size);
		fprintf(rd->s->out, "%16" PRIx64 ":  ", addr);
		for (i = 0; i < n; i++)
			print_value(rd, value_at(rd, line + i * rd->size));
		if (ascii) {
			/* pad a short line so its ASCII lines up */
			fprintf(rd->s->out, "%*s  ",
				(int)((per_line - n) * (2 * rd->size + 1)), "");
			print_ascii(rd->s->out, line, n * rd->size);
		}
		fputc('\n', rd->s->out);
		addr += n * rd->size;
		count -= n;
	}
	return 0;
}

/* -a: characters up to a NUL (or count), 60 to a line. */
static int rd_string(struct rd *rd, uint64_t addr, uint64_t count)
{
	uint64_t done = 0;

	while (done < count && !interrupted()) {
		unsigned char c[60];
		size_t n = count - done < 60 ? (size_t)(count - done) : 60, i;
		struct error *err = rd_read(rd, addr, c, 1);

		if (err) {
			fprintf(stderr, "rd: %s\n", err->message);
			error_free(err);
			return 1;
		}
		for (i = 0; i < n; i++) {
			err = i ? rd_read(rd, addr + i, c + i, 1) : NULL;
			if (err || !c[i]) {
				error_free(err);
				break;
			}
		}
		if (!i)
			break;
		/* a string's own last newline ends the line */
		fprintf(rd->s->out, "%16" PRIx64 ":  %.*s\n", addr,
			(int)(i - (c[i - 1] == '\n')), (char *)c);
		if (i < n)
			break;
		addr += i;
		done += i;
	}
	return 0;
}

/* -r: len bytes from addr into a file, as they are in memory. */
static int rd_raw(struct rd *rd, uint64_t addr, uint64_t len,
		  const char *path, bool have_len)
{
	unsigned char buf[4096];
	FILE *f;
	uint64_t done = 0;

	if (!have_len) {
		fprintf(stderr, "rd: -r needs a count of bytes or -e\n");
		return 1;
	}
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "rd: cannot open %s: %m\n", path);
		return 1;
	}
	while (done < len) {
		size_t n = len - done < sizeof(buf) ? (size_t)(len - done)
						    : sizeof(buf);
		struct error *err = rd_read(rd, addr + done, buf, n);

		if (err || fwrite(buf, 1, n, f) != n) {
			fprintf(stderr, "rd: %s\n", err ? err->message
							 : "writing failed");
			error_free(err);
			fclose(f);
			return 1;
		}
		done += n;
	}
	if (fclose(f)) {
		fprintf(stderr, "rd: writing %s failed: %m\n", path);
		return 1;
	}
	fprintf(rd->s->out, "%" PRIu64 " bytes copied from 0x%" PRIx64 " to %s\n",
		len, addr, path);
	return 0;
}

int cmd_rd(struct session *s, int argc, char **argv)
{
	struct rd rd = { .s = s, .size = 8 };
	uint64_t addr, count = 1, offset = 0, end_addr = 0;
	const char *raw_file = NULL, *end_text = NULL;
	bool reverse = false, have_end = false;
	struct error *err;
	int c, i;

	/* -8/-16/-32/-64 look like numbers to getopt: take them first. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-8") || !strcmp(argv[i], "-16") ||
		    !strcmp(argv[i], "-32") || !strcmp(argv[i], "-64")) {
			rd.size = atoi(argv[i] + 1) / 8;
			memmove(argv + i, argv + i + 1,
				(size_t)(argc - i) * sizeof(*argv));
			argc--;
			i--;
		}
	}
	optind = 0;
	while ((c = getopt(argc, argv, "pudDxsSaNmfRo:e:r:")) != -1) {
		switch (c) {
		case 'p': rd.physical = true; break;
		case 'u': rd.user = true; break;
		case 'd': rd.decimal = true; break;
		case 'D': rd.udecimal = true; break;
		case 'x': rd.no_ascii = true; break;
		case 's':
		case 'S': rd.symbols = true; break;
		case 'a': rd.ascii_str = true; break;
		case 'N': rd.network = true; break;
		case 'R': reverse = true; break;
		case 'r': raw_file = optarg; break;
		case 'o':
			err = expr_eval(optarg, true, NULL, NULL, &offset);
			if (err) {
				fprintf(stderr, "rd: -o: %s\n", err->message);
				error_free(err);
				return 1;
			}
			break;
		case 'e':
			end_text = optarg;
			break;
		case 'm':
		case 'f':
			fprintf(stderr, "rd: -%c: %s addresses are not "
				"supported\n", c, c == 'm' ? "Xen machine"
							  : "dump file offset");
			return 1;
		default:
			command_usage(s->out, "rd");
			return 1;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		command_usage(s->out, "rd");
		return 1;
	}
	err = session_address(s, argv[optind], &addr);
	if (!err && optind + 1 < argc) {
		char *end;

		count = strtoull(argv[optind + 1], &end, 0);
		if (*end || !count)
			err = error_create(ERR_INVALID, "invalid count: %s",
					   argv[optind + 1]);
	}
	if (!err && rd.user && rd.physical)
		err = error_create(ERR_INVALID, "-u and -p cannot be used "
				   "together");
	if (!err && rd.user) {
		struct kernel k = session_kernel(s);
		const struct task *task;

		err = session_context(s, &task);
		if (!err)
			err = task_user_root(&k, task, &rd.user_root);
	}
	if (!err)
		addr += offset;
	if (!err && end_text) {
		err = session_address(s, end_text, &end_addr);
		have_end = !err;
	}
	if (!err && have_end) {
		if (end_addr <= addr)
			err = error_create(ERR_INVALID, "-e %" PRIx64 " is not "
					   "above the start %" PRIx64, end_addr,
					   addr);
		else
			count = (end_addr - addr + (uint64_t)rd.size - 1) /
				(uint64_t)rd.size;
	}
	if (!err && reverse)	/* up to and including addr */
		addr -= (count - 1) * (uint64_t)rd.size;
	if (err) {
		fprintf(stderr, "rd: %s\n", err->message);
		error_free(err);
		return 1;
	}
	if (raw_file)
		return rd_raw(&rd, addr, have_end ? end_addr - addr : count,
			      raw_file, optind + 1 < argc || have_end);
	if (rd.ascii_str)
		return rd_string(&rd, addr, optind + 1 < argc ? count : 4096);
	return rd_values(&rd, addr, count);
}
