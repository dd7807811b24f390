/* crash: command line, then the session. */
#include <elf.h>
#include <inttypes.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/dumpinfo.h"
#include "cmd/dumplog.h"
#include "dump/dump.h"
#include "dump/vmcoreinfo.h"
#include "session.h"
#include "ui/ui.h"
#include "util/error.h"

#define CRASH_VERSION "0.1.0"

static void usage(FILE *out)
{
	fprintf(out,
"usage: crash [OPTION]... NAMELIST DUMPFILE [DUMPFILE...]\n"
"       crash --dumpinfo|--log DUMPFILE [DUMPFILE...]\n"
"\n"
"  NAMELIST        the kernel's debug vmlinux\n"
"  DUMPFILE        the dump (ELF vmcore, kdump-compressed, flattened);\n"
"                  all parts of a split dump\n"
"  --dumpinfo      describe the dump without a vmlinux and exit\n"
"  --log           print the dump's kernel log (no vmlinux needed) and exit\n"
"  --zero_excluded read pages excluded from the dump as zeros\n"
"  --kaslr=OFFSET  the kernel's relocation (hex); default: from VMCOREINFO\n"
"  --force         open a vmlinux that does not match the dump\n"
"  -i FILE         run the commands in FILE, then go on reading input\n"
"  --no_crashrc    do not run $HOME/.crashrc and ./.crashrc\n"
"  -s              silent: no banner\n"
"  --json          each command's answer as one JSON document per line\n"
"                  (as \"set output json\"; no banner)\n"
"  -h, --help      this help\n"
"  -v, --version   the version\n");
}

enum file_kind { KIND_UNKNOWN, KIND_NAMELIST, KIND_DUMP };

/* Which of the two is this file?  By content, so either order works. */
static enum file_kind classify(const char *path, char *why, size_t len)
{
	unsigned char h[32];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		snprintf(why, len, "%s: %m", path);
		return KIND_UNKNOWN;
	}
	n = fread(h, 1, sizeof(h), f);
	fclose(f);
	if (n >= 18 && !memcmp(h, ELFMAG, SELFMAG)) {
		/* e_type is at 16 in either class, in the file's order */
		unsigned int type = h[EI_DATA] == ELFDATA2MSB ?
				    (h[16] << 8 | h[17]) : (h[17] << 8 | h[16]);

		return type == ET_CORE ? KIND_DUMP : KIND_NAMELIST;
	}
	if (n >= 12 && (!memcmp(h, "KDUMP   ", 8) ||
			!memcmp(h, "DISKDUMP", 8) ||
			!memcmp(h, "makedumpfile", 12)))
		return KIND_DUMP;
	snprintf(why, len, "%s: neither a vmlinux nor a dump file (no ELF, "
		 "KDUMP or makedumpfile signature)", path);
	return KIND_UNKNOWN;
}

static void banner(struct session *s)
{
	const char *release = vmcoreinfo_get(s->dump->vmcoreinfo, "OSRELEASE");
	char *sys_argv[] = { "sys", NULL };
	int i;

	fprintf(s->out, "crash %s\n\n", CRASH_VERSION);
	/* with symbols and memory, the classic crash's start: sys */
	if (s->debuginfo && s->vmem && !cmd_sys(s, 1, sys_argv)) {
		if (s->dump->incomplete)
			fprintf(s->out, "%12s: %s\n", "WARNING",
				s->dump->incomplete);
		fputc('\n', s->out);
		return;
	}
	fprintf(s->out, "%12s: %s\n", "KERNEL",
		s->namelist ? s->namelist : "(none)");
	for (i = 0; i < s->dump->npaths; i++)
		fprintf(s->out, "%12s: %s\n", i ? "" : "DUMPFILE",
			s->dump->paths[i]);
	fprintf(s->out, "%12s: %s\n", "FORMAT", s->dump->description);
	fprintf(s->out, "%12s: %s\n", "RELEASE", release ? release : "unknown");
	if (s->namelist)
		fprintf(s->out, "%12s: %llx (%s)\n", "KASLR",
			(unsigned long long)s->kaslr_offset, s->kaslr_from);
	if (s->dump->incomplete)
		fprintf(s->out, "%12s: %s\n", "WARNING", s->dump->incomplete);
	if (!s->vmem)
		fprintf(s->out, "%12s: %s\n", "NO MEMORY", s->vmem_why);
	fputc('\n', s->out);
}

/*
 * Output and error messages going to one file (2>&1 into a log or a pipe)
 * must come in the order they were written, as they do on a terminal:
 * stdout is flushed line by line then.  Otherwise it stays fully buffered,
 * which is much faster for long output.
 */
static void keep_errors_in_order(void)
{
	struct stat out, err;

	if (!fstat(STDOUT_FILENO, &out) && !fstat(STDERR_FILENO, &err) &&
	    out.st_dev == err.st_dev && out.st_ino == err.st_ino)
		setvbuf(stdout, NULL, _IOLBF, 0);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dumpinfo", no_argument, NULL, 'D' },
		{ "man-commands", no_argument, NULL, 'M' },
		{ "log", no_argument, NULL, 'L' },
		{ "zero_excluded", no_argument, NULL, 'z' },
		{ "force", no_argument, NULL, 'f' },
		{ "kaslr", required_argument, NULL, 'k' },
		{ "no_crashrc", no_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct session s = { .out = stdout, .radix = 10 };
	struct ui_options ui = { 0 };
	struct session_options opts = { 0 };
	const char *namelist = NULL;
	const char **dumps;
	bool dumpinfo = false, log = false;
	struct error *err;
	int c, i, ndumps = 0, rc = 0;

	keep_errors_in_order();
	while ((c = getopt_long(argc, argv, "hvsi:", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': dumpinfo = true; break;
		case 'M': help_print_man(stdout); return 0;
		case 'L': dumpinfo = log = true; break;
		case 'z': opts.dump.zero_excluded = true; break;
		case 'f': opts.force = true; break;
		case 'k':
			if (!strcmp(optarg, "auto"))
				break;	/* the default: VMCOREINFO KERNELOFFSET */
			if (sscanf(optarg, "%" SCNx64, &opts.kaslr) != 1) {
				fprintf(stderr, "crash: --kaslr=%s: want a hex "
					"offset or auto\n", optarg);
				return 2;
			}
			opts.kaslr_given = true;
			break;
		case 's': s.silent = true; break;
		case 'i': ui.script = optarg; break;
		case 'N': ui.no_crashrc = true; break;
		case 'J': s.json = s.silent = true; break;
		case 'v': printf("crash %s\n", CRASH_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "crash: try 'crash --help'\n");
			return 2;
		}
	}
	dumps = calloc((size_t)argc + 1, sizeof(*dumps));
	if (!dumps)
		return 1;
	for (i = optind; i < argc; i++) {
		char why[512] = "";
		enum file_kind k = classify(argv[i], why, sizeof(why));

		if (k == KIND_UNKNOWN) {
			fprintf(stderr, "crash: %s\n", why);
			free(dumps);
			return 1;
		}
		if (k == KIND_DUMP) {
			dumps[ndumps++] = argv[i];
		} else if (!namelist && !dumpinfo) {
			namelist = argv[i];
		} else {
			fprintf(stderr, "crash: %s: %s\n", argv[i], dumpinfo ?
				"--dumpinfo takes dump files only" :
				"a second vmlinux: only one NAMELIST is taken");
			free(dumps);
			return 1;
		}
	}
	if (!ndumps) {
		fprintf(stderr, "crash: no dump file given (the live system "
			"is not supported yet)\n");
		usage(stderr);
		free(dumps);
		return 2;
	}
	err = session_open(&s, namelist, dumps, ndumps, &opts);
	free(dumps);
	if (err) {
		fprintf(stderr, "crash: %s\n", err->message);
		error_free(err);
		session_close(&s);
		return 1;
	}
	if (log) {
		err = dumplog_print(stdout, s.dump);
		if (err) {
			fprintf(stderr, "crash: --log: %s\n", err->message);
			error_free(err);
			rc = 1;
		}
	} else if (dumpinfo) {
		dumpinfo_print(stdout, s.dump, DUMPINFO_ALL);
	} else {
		ui_init(&s, &ui);
		if (!s.silent)
			banner(&s);
		ui_run(&s, &ui);
	}
	session_close(&s);
	return rc;
}
