/* crash: command line, then the session. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
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

/*
 * The options, as crash -h lists them and crash -h OPTION shows one.
 * keys: the names -h finds the entry by.
 */
struct option_help {
	const char *keys;	/* "-h --help" */
	const char *synopsis;	/* "-h, --help [TOPIC]" */
	const char *text;	/* filled to the width by option_entry() */
};

static const struct option_help option_help[] = {
	{ "-s", "-s", "silent: no banner; start at the prompt" },
	{ "-i", "-i FILE", "run the commands in FILE (after the .crashrc "
	  "files), then go on reading commands" },
	{ "-d", "-d N", "debug level: at 1 and up, say on stderr what "
	  "opening the dump decided (dump format, VMCOREINFO, KASLR offset "
	  "and where it came from); \"set debug\" shows it" },
	{ "-h --help", "-h, --help [TOPIC]", "this help; with a command name "
	  "as TOPIC, that command's help page (as \"help COMMAND\" in a "
	  "session); with an option (-d, --minimal), that option's entry; "
	  "with \"commands\", the list of commands" },
	{ "-v --version", "-v, --version", "the version" },
	{ "--osrelease", "--osrelease DUMPFILE", "print the release of the "
	  "dump's kernel (VMCOREINFO OSRELEASE; no vmlinux needed) and exit; "
	  "\"unknown\" and exit status 1 if the dump does not say" },
	{ "--log", "--log DUMPFILE...", "print the dump's kernel log "
	  "(located through VMCOREINFO; no vmlinux needed) and exit" },
	{ "--dumpinfo", "--dumpinfo DUMPFILE...", "describe the dump "
	  "(format, header, notes, VMCOREINFO) without a vmlinux, and exit" },
	{ "--minimal", "--minimal", "minimal mode: only the log, rd, sym, "
	  "eval, set, help and exit commands; the task list and the modules "
	  "are not read (for a dump too damaged for the rest)" },
	{ "--no_modules", "--no_modules", "do not read the module list: mod "
	  "says so, and module symbols are not looked up" },
	{ "--zero_excluded", "--zero_excluded", "read pages excluded from "
	  "the dump (or missing from an incomplete one) as zeros" },
	{ "--kaslr", "--kaslr OFFSET|auto", "the kernel's relocation (hex); "
	  "auto, the default: VMCOREINFO KERNELOFFSET, else found through "
	  "the page tables" },
	{ "--force", "--force", "open a vmlinux that does not match the dump "
	  "(a warning instead of an error)" },
	{ "--no_crashrc", "--no_crashrc", "do not run $HOME/.crashrc and "
	  "./.crashrc" },
	{ "--json", "--json", "each command's answer as one JSON document "
	  "(as \"set output json\"; no banner)" },
};
#define NOPTIONS (sizeof(option_help) / sizeof(option_help[0]))

/* "  SYNOPSIS  text", the text filled to 79 columns beside it. */
static void option_entry(FILE *out, const struct option_help *o)
{
	enum { COL = 22, WIDTH = 79 - 2 - COL - 1 };
	const char *t = o->text;
	bool first = true;

	while (*t) {
		int n = (int)strlen(t);

		if (n > WIDTH) {
			n = WIDTH;
			while (n > 0 && t[n] != ' ')
				n--;
			if (!n)
				n = (int)strcspn(t, " ");
		}
		fprintf(out, "  %-*s %.*s\n", COL, first ? o->synopsis : "", n,
			t);
		first = false;
		t += n;
		t += strspn(t, " ");
	}
}

static void usage(FILE *out)
{
	unsigned int i;

	fprintf(out,
"usage: crash [OPTION]... NAMELIST DUMPFILE [DUMPFILE...]\n"
"       crash --osrelease DUMPFILE\n"
"       crash --log|--dumpinfo DUMPFILE [DUMPFILE...]\n"
"       crash -h [OPTION|COMMAND]\n"
"\n"
"  NAMELIST   the kernel's debug vmlinux, uncompressed or compressed with\n"
"             gzip or xz\n"
"  DUMPFILE   the dump: an ELF vmcore, a kdump-compressed or flattened\n"
"             file, a QEMU dump; all the parts of a split dump\n"
"  The two are told apart by their content: either order works.\n"
"\n"
"options:\n");
	for (i = 0; i < NOPTIONS; i++)
		option_entry(out, &option_help[i]);
}

/* The entry of "-d", "--minimal" or "minimal"; NULL if none. */
static const struct option_help *find_option(const char *name)
{
	unsigned int i;

	for (i = 0; i < NOPTIONS; i++) {
		const char *k = option_help[i].keys;
		size_t len;

		while (*k) {
			len = strcspn(k, " ");
			if ((strlen(name) == len && !strncmp(k, name, len)) ||
			    (name[0] != '-' && len > 2 && k[1] == '-' &&
			     strlen(name) == len - 2 &&
			     !strncmp(k + 2, name, len - 2)))
				return &option_help[i];
			k += len;
			k += strspn(k, " ");
		}
	}
	return NULL;
}

/* crash -h TOPIC: a command's help page, else an option's entry. */
static int help_topic(const char *topic)
{
	const struct option_help *o;

	if (!strcmp(topic, "commands")) {
		help_list(stdout);
		return 0;
	}
	if (topic[0] != '-' && !help_command(stdout, topic))
		return 0;
	o = find_option(topic);
	if (o) {
		option_entry(stdout, o);
		return 0;
	}
	fprintf(stderr, "crash: -h %s: no such command or option (crash -h "
		"lists the options, crash -h commands the commands)\n", topic);
	return 1;
}

/* crash --osrelease DUMPFILE: VMCOREINFO's OSRELEASE, as the classic
 * crash prints it, or "unknown" and status 1. */
static int print_osrelease(const char *path, const struct dump_options *o)
{
	const char *paths[] = { path };
	const char *release = NULL;
	struct dump_options headers = *o;
	struct dump *d = NULL;
	struct error *err;

	/* one part of a split dump has the notes too */
	headers.headers_only = true;
	err = dump_open(paths, 1, &headers, &d);
	if (err) {
		fprintf(stderr, "crash: --osrelease: %s\n", err->message);
		error_free(err);
	} else {
		release = vmcoreinfo_get(d->vmcoreinfo, "OSRELEASE");
		if (!release)
			fprintf(stderr, "crash: --osrelease: %s: %s\n", path,
				d->vmcoreinfo ? "its VMCOREINFO has no "
				"OSRELEASE" : "the dump has no VMCOREINFO "
				"to say the release");
	}
	printf("%s\n", release ? release : "unknown");
	dump_close(d);
	return release ? 0 : 1;
}

enum file_kind { KIND_UNKNOWN, KIND_NAMELIST, KIND_DUMP };

/* Which of the two is this file?  By content, so either order works. */
static enum file_kind classify(const char *path, char *why, size_t len)
{
	unsigned char h[32];
	FILE *f = fopen(path, "rb");
	bool ferror_dir;
	size_t n;

	if (!f) {
		snprintf(why, len, "%s: %m", path);
		return KIND_UNKNOWN;
	}
	n = fread(h, 1, sizeof(h), f);
	ferror_dir = ferror(f) && errno == EISDIR;
	fclose(f);
	if (n >= 18 && !memcmp(h, ELFMAG, SELFMAG)) {
		/* e_type is at 16 in either class, in the file's order */
		unsigned int type = h[EI_DATA] == ELFDATA2MSB ?
				    (h[16] << 8 | h[17]) : (h[17] << 8 | h[16]);

		return type == ET_CORE ? KIND_DUMP : KIND_NAMELIST;
	}
	/* a compressed vmlinux (vmlinux.c inflates it) */
	if ((n >= 2 && !memcmp(h, "\x1f\x8b", 2)) ||
	    (n >= 6 && !memcmp(h, "\xfd" "7zXZ\0", 6)))
		return KIND_NAMELIST;
	if (n >= 12 && (!memcmp(h, "KDUMP   ", 8) ||
			!memcmp(h, "DISKDUMP", 8) ||
			!memcmp(h, "makedumpfile", 12)))
		return KIND_DUMP;
	if (n == 0 && ferror_dir)
		snprintf(why, len, "%s: is a directory, not a vmlinux or a "
			 "dump file", path);
	else
		snprintf(why, len, "%s: neither a vmlinux nor a dump file (no "
			 "ELF, gzip, xz, KDUMP or makedumpfile signature)",
			 path);
	return KIND_UNKNOWN;
}

static void banner(struct session *s)
{
	const char *release = vmcoreinfo_get(s->dump->vmcoreinfo, "OSRELEASE");
	char *sys_argv[] = { "sys", NULL };
	int i;

	fprintf(s->out, "crash %s\n\n", CRASH_VERSION);
	/* with symbols and memory, the classic crash's start: sys (which
	 * reads the task list, and so is not for --minimal mode) */
	if (!s->minimal && s->debuginfo && s->vmem &&
	    !cmd_sys(s, 1, sys_argv)) {
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
	if (s->minimal)
		fprintf(s->out, "%12s: --minimal: only %s\n", "NOTE",
			session_minimal_commands);
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

/* The -i file must be there before the dump is opened: a typo is one
 * line and an exit, not a session without the commands. */
static bool readable_file(const char *opt, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "crash: %s %s: %m\n", opt, path);
		return false;
	}
	if (fstat(fd, &st) || S_ISDIR(st.st_mode)) {
		fprintf(stderr, "crash: %s %s: is a directory\n", opt, path);
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

/* The long options with no short form: values no short option has. */
enum {
	OPT_DUMPINFO = 0x100, OPT_MAN, OPT_LOG, OPT_OSRELEASE,
	OPT_ZERO_EXCLUDED, OPT_FORCE, OPT_KASLR, OPT_NO_CRASHRC, OPT_MINIMAL,
	OPT_NO_MODULES, OPT_JSON,
};

/*
 * One line for a bad option (getopt itself is kept quiet).  A long one is
 * the argument getopt just passed; a short one may sit inside a bundle
 * ("-sQ"), so it is named by its letter.  --help and --version given an
 * argument come back as their short letters.
 */
static int bad_option(int c, int opt, const char *arg)
{
	char name[8];

	if (opt > 0 && opt < 0x100 && !(c == '?' && strchr("hv", opt))) {
		snprintf(name, sizeof(name), "-%c", opt);
		arg = name;
	}
	if (c == ':')
		fprintf(stderr, "crash: option %s needs an argument (crash -h "
			"%s tells more)\n", arg, arg);
	else
		fprintf(stderr, "crash: invalid option: %s (crash -h lists the "
			"options)\n", arg);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dumpinfo", no_argument, NULL, OPT_DUMPINFO },
		{ "man-commands", no_argument, NULL, OPT_MAN },
		{ "log", no_argument, NULL, OPT_LOG },
		{ "osrelease", required_argument, NULL, OPT_OSRELEASE },
		{ "zero_excluded", no_argument, NULL, OPT_ZERO_EXCLUDED },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "kaslr", required_argument, NULL, OPT_KASLR },
		{ "no_crashrc", no_argument, NULL, OPT_NO_CRASHRC },
		{ "minimal", no_argument, NULL, OPT_MINIMAL },
		{ "no_modules", no_argument, NULL, OPT_NO_MODULES },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", optional_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct session s = { .out = stdout, .radix = 10 };
	struct ui_options ui = { 0 };
	struct session_options opts = { 0 };
	const char *namelist = NULL, *osrelease = NULL;
	const char **dumps;
	bool dumpinfo = false, log = false;
	struct error *err;
	int c, i, ndumps = 0, rc = 0;
	char *end;

	keep_errors_in_order();
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h::vsi:d:", longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_DUMPINFO: dumpinfo = true; break;
		case OPT_MAN: help_print_man(stdout); return 0;
		case OPT_LOG: dumpinfo = log = true; break;
		case OPT_OSRELEASE: osrelease = optarg; break;
		case OPT_ZERO_EXCLUDED: opts.dump.zero_excluded = true; break;
		case OPT_FORCE: opts.force = true; break;
		case OPT_KASLR:
			if (!strcmp(optarg, "auto")) {
				/* the default: VMCOREINFO KERNELOFFSET */
				opts.kaslr_given = false;
				break;
			}
			errno = 0;
			opts.kaslr = strtoull(optarg, &end, 16);
			if (!*optarg || *end || errno || optarg[0] == '-') {
				fprintf(stderr, "crash: --kaslr %s: want a hex "
					"offset or auto\n", optarg);
				return 1;
			}
			opts.kaslr_given = true;
			break;
		case 's': s.silent = true; break;
		case 'i':
			if (!readable_file("-i", optarg))
				return 1;
			ui.script = optarg;
			break;
		case 'd':
			errno = 0;
			s.debug = (unsigned int)strtoul(optarg, &end, 0);
			if (!*optarg || *end || errno || optarg[0] == '-') {
				fprintf(stderr, "crash: -d %s: want a number "
					"(the debug level)\n", optarg);
				return 1;
			}
			break;
		case OPT_MINIMAL: s.minimal = true; break;
		case OPT_NO_MODULES: s.no_modules = true; break;
		case OPT_NO_CRASHRC: ui.no_crashrc = true; break;
		case OPT_JSON: s.json = s.silent = true; break;
		case 'v': printf("crash %s\n", CRASH_VERSION); return 0;
		case 'h':
			/* "-h ps" as well as "-hps" and "--help=ps", as the
			 * classic crash takes it */
			if (optarg)
				return help_topic(optarg);
			if (optind < argc && argv[optind][0] != '-')
				return help_topic(argv[optind]);
			if (optind < argc && find_option(argv[optind]))
				return help_topic(argv[optind]);
			usage(stdout);
			return 0;
		default:
			return bad_option(c, optopt, argv[optind - 1]);
		}
	}
	if (osrelease)
		return print_osrelease(osrelease, &opts.dump);
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
				"--dumpinfo and --log take dump files only" :
				"a second vmlinux: only one NAMELIST is taken");
			free(dumps);
			return 1;
		}
	}
	if (!ndumps) {
		fprintf(stderr, "crash: no dump file given (the live system "
			"is not supported; crash -h for the usage)\n");
		free(dumps);
		return 1;
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
