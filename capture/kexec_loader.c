/*
 * crash-kexec: load a kernel for a kexec reboot (-l) or as the crash
 * kernel that runs after a panic (-p), unload it (-u), boot it (-e), say
 * what is loaded (-s).  Only kexec_file_load(2): the kernel itself reads
 * and places the image (and checks its signature where it must), so no
 * purgatory or boot-protocol code lives here.  Options and exit codes
 * follow kexec-tools' kexec(8) where the two overlap (kexec_loader.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>

#include "kexec_loader.h"

#define VERSION "0.1"

/* reboot(2) magic (linux/reboot.h) */
#define REBOOT_MAGIC1 0xfee1deadUL
#define REBOOT_MAGIC2 672274793UL
#define REBOOT_CMD_KEXEC 0x45584543UL

/* A gzip-compressed image (arm64's vmlinuz is Image.gz) is inflated into
 * a memory file first, as the kernel takes the bare image; no bigger. */
#define MAX_INFLATED (512UL << 20)

static long real_file_load(int kernel_fd, int initrd_fd,
			   unsigned long cmdline_len, const char *cmdline,
			   unsigned long flags)
{
#ifdef SYS_kexec_file_load
	return syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, cmdline_len,
		       cmdline, flags);
#else
	(void)kernel_fd; (void)initrd_fd; (void)cmdline_len; (void)cmdline;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static long real_reboot_kexec(void)
{
	return syscall(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2,
		       REBOOT_CMD_KEXEC, NULL);
}

struct kexec_ops kexec_ops = {
	.file_load = real_file_load,
	.reboot_kexec = real_reboot_kexec,
	.sync = sync,
	.euid = geteuid,
	.sys_kernel = "/sys/kernel",
	.proc_cmdline = "/proc/cmdline",
	.lockdown = "/sys/kernel/security/lockdown",
	.load_disabled = "/proc/sys/kernel/kexec_load_disabled",
};

static const char usage_text[] =
"usage: crash-kexec -l|-p [--initrd=FILE] [--append=STRING] [--reuse-cmdline] KERNEL\n"
"       crash-kexec -f [--initrd=FILE] [--append=STRING] [--reuse-cmdline] KERNEL\n"
"       crash-kexec -u [-p]\n"
"       crash-kexec -e\n"
"       crash-kexec -s [-l|-p]\n"
"       crash-kexec --print-ckr-size | -h | -v\n"
"\n"
"Load a Linux kernel with kexec_file_load(2): for a kexec reboot (-l) or\n"
"as the crash kernel the running kernel boots when it panics (-p, into the\n"
"memory reserved with crashkernel=).\n"
"\n"
"  -l, --load             load KERNEL for a kexec reboot (then -e)\n"
"  -p, --load-panic       load KERNEL as the crash kernel (with -u, -s: the\n"
"                         crash kernel)\n"
"  -f, --force            load KERNEL and boot it at once, without shutdown\n"
"  -u, --unload           unload the kexec kernel, or with -p the crash kernel\n"
"  -e, --exec             boot the kernel loaded with -l now (no shutdown:\n"
"                         file systems are synced, nothing else is stopped)\n"
"  -s, -S, --status       show what is loaded and the crash kernel memory;\n"
"                         exit 1 if the crash kernel (with -l: the kexec\n"
"                         kernel) is loaded, 0 if not, as kexec -S does.\n"
"                         With a KERNEL to load, -s means kexec's\n"
"                         --kexec-file-syscall, which is all crash-kexec uses\n"
"      --initrd=FILE      the initramfs to load with KERNEL (also --ramdisk)\n"
"      --append=STRING    the kernel command line (also --command-line);\n"
"                         after --reuse-cmdline's, if both are given\n"
"      --reuse-cmdline    the running kernel's command line, less BOOT_IMAGE=\n"
"                         and elfcorehdr=, and with -p less crashkernel=\n"
"      --print-ckr-size   print the size of the crash kernel memory in bytes\n"
"  -y, --no-sync          with -e or -f: do not sync file systems first\n"
"  -x, --no-ifdown        accepted for kexec compatibility (crash-kexec\n"
"                         never stops network interfaces), as are -a,\n"
"                         --kexec-syscall-auto and --kexec-file-syscall;\n"
"                         -c (--kexec-syscall, kexec_load(2)) is refused\n"
"  -d, --debug            show the system call made\n"
"  -h, --help             this help\n"
"  -v, --version          the version\n"
"\n"
"Exit status (as kexec's): 0 done; 1 a usage error, no crash kernel\n"
"memory, or nothing loaded for -e; 253 kexec_file_load(2) is missing or\n"
"does not understand KERNEL; 255 the kernel refused.\n";

struct ctx {
	FILE *out, *err;
	bool debug;
};

static void say(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	fputs("crash-kexec: ", c->err);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
}

static int usage_error(struct ctx *c, const char *why)
{
	say(c, "%s", why);
	fputs("Try 'crash-kexec --help' for more information.\n", c->err);
	return KEXEC_EXIT_USAGE;
}

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* The first line of a small file, without its newline; NULL (errno) if
 * it cannot be read. */
static char *read_line(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return NULL;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

/* A number in /sys/kernel/NAME; false (errno) if unreadable or not one. */
static bool read_sys_number(const char *dir, const char *name,
			    unsigned long long *v)
{
	char *path = path_join(dir, name), *line, *end;
	bool ok = false;

	if (!path)
		return false;
	line = read_line(path);
	free(path);
	if (!line)
		return false;
	errno = 0;
	*v = strtoull(line, &end, 0);
	ok = errno == 0 && end != line && *end == '\0';
	free(line);
	if (!ok)
		errno = EINVAL;
	return ok;
}

/* "none [integrity] confidentiality": the word in brackets, or NULL. */
static char *lockdown_mode(void)
{
	char *line = kexec_ops.lockdown ? read_line(kexec_ops.lockdown) : NULL;
	char *l, *r, *mode = NULL;

	if (!line)
		return NULL;
	l = strchr(line, '[');
	r = l ? strchr(l, ']') : NULL;
	if (l && r) {
		*r = '\0';
		mode = strdup(l + 1);
	}
	free(line);
	return mode;
}

static void print_size(FILE *f, unsigned long long bytes)
{
	if (bytes >= (1ULL << 30) && bytes % (1ULL << 30) == 0)
		fprintf(f, "%llu GiB", bytes >> 30);
	else if (bytes >= (1ULL << 20))
		fprintf(f, "%.1f MiB", (double)bytes / (1 << 20));
	else
		fprintf(f, "%llu KiB", bytes >> 10);
}

/* ---------------------------------------------------------- the command line */

/* The key of a kernel parameter: up to '=' (or the whole word). */
static bool param_is(const char *word, size_t len, const char *key)
{
	size_t k = strlen(key);

	return len >= k && strncmp(word, key, k) == 0 &&
	       (len == k || word[k] == '=');
}

/* The running kernel's command line, words split as the kernel splits
 * them (blanks outside double quotes), less BOOT_IMAGE=, elfcorehdr= (a
 * capture kernel's: the kernel adds a fresh one to a crash kernel, and a
 * stale one would make a kexec'd kernel think it is one) and, for a
 * crash kernel, crashkernel=.  NULL with a message if unreadable. */
static char *reused_cmdline(struct ctx *c, bool panic)
{
	char *line = read_line(kexec_ops.proc_cmdline), *out, *o;
	const char *p;

	if (!line) {
		say(c, "--reuse-cmdline: cannot read %s: %s",
		    kexec_ops.proc_cmdline, strerror(errno));
		return NULL;
	}
	out = malloc(strlen(line) + 1);
	if (!out) {
		free(line);
		return NULL;
	}
	o = out;
	for (p = line; *p;) {
		const char *w;
		bool quoted = false;
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		w = p;
		while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		len = (size_t)(p - w);
		if (param_is(w, len, "BOOT_IMAGE") ||
		    param_is(w, len, "elfcorehdr") ||
		    (panic && param_is(w, len, "crashkernel")))
			continue;
		if (o != out)
			*o++ = ' ';
		memcpy(o, w, len);
		o += len;
	}
	*o = '\0';
	free(line);
	return out;
}

/* ------------------------------------------------------------------ files */

/* What the first bytes of a file say it is, for messages. */
static const char *image_kind(const unsigned char *b, size_t n)
{
	if (n >= 0x206 && memcmp(b + 0x202, "HdrS", 4) == 0)
		return "bzImage";
	if (n >= 0x3c && memcmp(b + 0x38, "ARMd", 4) == 0)
		return "arm64 Image";
	if (n >= 4 && memcmp(b, "\177ELF", 4) == 0)
		return "ELF";
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return "gzip";
	if (n >= 8 && b[0] == 'M' && b[1] == 'Z' && memcmp(b + 4, "zimg", 4) == 0)
		return "EFI zboot image";
	if (n >= 2 && b[0] == 'M' && b[1] == 'Z')
		return "PE/EFI image";
	if (n >= 6 && memcmp(b, "070701", 6) == 0)
		return "cpio archive";
	return NULL;
}

struct image {
	const char *path;
	int fd;
	unsigned long long size;     /* as loaded (inflated) */
	const char *kind;            /* image_kind of what is loaded */
	bool inflated;
};

/* Inflate a gzip file into a memory file; -1 with a message. */
static int inflate_to_memfd(struct ctx *c, struct image *im)
{
	gzFile gz;
	int fd, dupfd;
	char buf[65536];
	unsigned char head[0x240];
	size_t headlen = 0;
	unsigned long long total = 0;

	fd = memfd_create("crash-kexec-kernel", MFD_CLOEXEC);
	if (fd < 0) {
		say(c, "cannot make a memory file to inflate %s into: %s",
		    im->path, strerror(errno));
		return -1;
	}
	dupfd = dup(im->fd);
	if (dupfd < 0 || lseek(dupfd, 0, SEEK_SET) < 0 ||
	    !(gz = gzdopen(dupfd, "rb"))) {
		say(c, "cannot read %s: %s", im->path, strerror(errno));
		if (dupfd >= 0)
			close(dupfd);
		close(fd);
		return -1;
	}
	for (;;) {
		int n = gzread(gz, buf, sizeof(buf));
		int e = Z_OK;
		const char *why = n <= 0 ? gzerror(gz, &e) : NULL;

		if (n < 0 || (n == 0 && e != Z_OK)) {
			say(c, "%s: gzip data is damaged: %s", im->path, why);
			goto fail;
		}
		if (n == 0)
			break;
		if (headlen < sizeof(head)) {
			size_t k = sizeof(head) - headlen;

			if (k > (size_t)n)
				k = (size_t)n;
			memcpy(head + headlen, buf, k);
			headlen += k;
		}
		total += (unsigned long long)n;
		if (total > MAX_INFLATED) {
			say(c, "%s: inflates to more than %lu MiB: not a kernel",
			    im->path, MAX_INFLATED >> 20);
			goto fail;
		}
		if (write(fd, buf, (size_t)n) != n) {
			say(c, "cannot inflate %s into memory: %s", im->path,
			    strerror(errno));
			goto fail;
		}
	}
	gzclose(gz);
	if (total < 4096) {
		say(c, "%s: inflates to %llu bytes: too small for a kernel",
		    im->path, total);
		close(fd);
		return -1;
	}
	close(im->fd);
	im->fd = fd;
	im->size = total;
	im->kind = image_kind(head, headlen);
	im->inflated = true;
	return 0;
fail:
	gzclose(gz);
	close(fd);
	return -1;
}

/* Open a kernel or initrd; false with a message. */
static bool open_image(struct ctx *c, struct image *im, bool kernel)
{
	unsigned char head[0x240];
	struct stat st;
	ssize_t n;

	im->fd = open(im->path, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0) {
		say(c, "cannot open %s %s: %s", kernel ? "kernel" : "initrd",
		    im->path, strerror(errno));
		return false;
	}
	if (fstat(im->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		say(c, "%s is not a regular file", im->path);
		close(im->fd);
		im->fd = -1;
		return false;
	}
	im->size = (unsigned long long)st.st_size;
	n = pread(im->fd, head, sizeof(head), 0);
	im->kind = n > 0 ? image_kind(head, (size_t)n) : NULL;
	if (kernel && im->kind && strcmp(im->kind, "gzip") == 0 &&
	    inflate_to_memfd(c, im) < 0) {
		close(im->fd);
		im->fd = -1;
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ explanations */

static bool is_signature_errno(int e)
{
	switch (e) {
	case EKEYREJECTED: case ENOKEY: case EBADMSG: case ENOPKG:
	case ELIBBAD: case EMSGSIZE: case EKEYEXPIRED: case EKEYREVOKED:
		return true;
	}
	return false;
}

/* EPERM: say which of root, kexec_load_disabled, lockdown it is. */
static int explain_eperm(struct ctx *c, const char *what, const char *kernel)
{
	unsigned long long disabled;
	char *mode;

	if (kexec_ops.euid() != 0) {
		say(c, "%s: operation not permitted: it needs root "
		    "(CAP_SYS_BOOT)", what);
		return KEXEC_EXIT_FAILED;
	}
	if (kexec_ops.load_disabled) {
		char *line = read_line(kexec_ops.load_disabled);

		if (line && sscanf(line, "%llu", &disabled) == 1 && disabled) {
			say(c, "%s: kexec is disabled until the next boot (%s "
			    "is 1)", what, kexec_ops.load_disabled);
			free(line);
			return KEXEC_EXIT_FAILED;
		}
		free(line);
	}
	mode = lockdown_mode();
	if (mode && strcmp(mode, "none") != 0 && kernel) {
		say(c, "%s: the kernel is locked down (lockdown=%s): it loads "
		    "only a kernel whose signature it can verify, and %s's "
		    "could not be (unsigned, or signed by a key it does not "
		    "trust)", what, mode, kernel);
	} else if (mode && strcmp(mode, "none") != 0) {
		say(c, "%s: operation not permitted: the kernel is locked "
		    "down (lockdown=%s)", what, mode);
	} else {
		say(c, "%s: operation not permitted (a security module or a "
		    "signature policy refused it)", what);
	}
	free(mode);
	return KEXEC_EXIT_FAILED;
}

/* The crash kernel did not fit: say whether any memory is reserved. */
static int explain_crash_memory(struct ctx *c, int e,
				const struct image *k, const struct image *i)
{
	unsigned long long size;

	if (!read_sys_number(kexec_ops.sys_kernel, "kexec_crash_size", &size)) {
		say(c, "loading the crash kernel failed: %s (and %s/"
		    "kexec_crash_size cannot be read to tell whether "
		    "crashkernel= memory is reserved)", strerror(e),
		    kexec_ops.sys_kernel);
		return KEXEC_EXIT_FAILED;
	}
	if (size == 0) {
		say(c, "loading the crash kernel failed: %s: no memory is "
		    "reserved for a crash kernel (%s/kexec_crash_size is 0); "
		    "boot with crashkernel=SIZE, e.g. crashkernel=256M",
		    strerror(e), kexec_ops.sys_kernel);
		return KEXEC_EXIT_FAILED;
	}
	if (e == EBUSY) {
		say(c, "loading the crash kernel failed: the kernel is busy "
		    "with another kexec load or unload (EBUSY); try again");
		return KEXEC_EXIT_FAILED;
	}
	fprintf(c->err, "crash-kexec: loading the crash kernel failed: %s: "
		"%s (", strerror(e), k->path);
	print_size(c->err, k->size);
	if (i->fd >= 0) {
		fprintf(c->err, ") and %s (", i->path);
		print_size(c->err, i->size);
	}
	fputs(") do not fit in the ", c->err);
	print_size(c->err, size);
	fputs(" reserved with crashkernel=: boot with a larger "
	      "crashkernel= or load a smaller initrd\n", c->err);
	return KEXEC_EXIT_FAILED;
}

static int explain_load_error(struct ctx *c, int e, bool panic,
			      const struct image *k, const struct image *i,
			      size_t cmdline_len)
{
	const char *what = panic ? "loading the crash kernel" :
				   "loading the kernel";

	if (e == ENOSYS) {
		say(c, "%s: this kernel has no kexec_file_load(2) system call "
		    "(built without CONFIG_KEXEC_FILE, or a seccomp filter "
		    "forbids it)", what);
		return KEXEC_EXIT_UNSUPPORTED;
	}
	if (e == EPERM)
		return explain_eperm(c, what, k->path);
	if (is_signature_errno(e)) {
		say(c, "%s: the kernel rejected the signature of %s (%s): it "
		    "loads only signed kernels (CONFIG_KEXEC_SIG_FORCE or "
		    "lockdown); use an image signed by a key it trusts",
		    what, k->path, strerror(e));
		return KEXEC_EXIT_FAILED;
	}
	if (panic && (e == ENOMEM || e == EBUSY || e == EADDRNOTAVAIL))
		return explain_crash_memory(c, e, k, i);
	if (e == ENOEXEC || e == ENOTSUP) {
		const char *kind = k->kind;

		if (kind && strcmp(kind, "ELF") == 0)
			say(c, "%s: the kernel cannot load %s (%s): it is an ELF "
			    "file (an uncompressed vmlinux?); kexec_file_load "
			    "takes the boot image (vmlinuz: on x86_64 a "
			    "bzImage, on arm64 an Image)", what, k->path,
			    strerror(e));
		else
			say(c, "%s: the kernel cannot load %s (%s): %s%s%snot "
			    "an image its kexec_file_load knows (on x86_64 a "
			    "64-bit bzImage, on arm64 an Image or Image.gz)",
			    what, k->path, strerror(e),
			    kind ? "it looks like a " : "",
			    kind ? kind : "", kind ? ", " : "");
		return KEXEC_EXIT_UNSUPPORTED;
	}
	if (e == EINVAL) {
		say(c, "%s: the kernel refused %s (invalid argument): the "
		    "command line (%zu bytes) may be too long for it, or the "
		    "image is not one it can boot", what, k->path,
		    cmdline_len ? cmdline_len - 1 : 0);
		return KEXEC_EXIT_UNSUPPORTED;
	}
	if (e == EBUSY) {
		say(c, "%s: the kernel is busy with another kexec load or "
		    "unload (EBUSY); try again", what);
		return KEXEC_EXIT_FAILED;
	}
	if (e == ENOMEM) {
		say(c, "%s: not enough memory to stage %s%s%s: %s", what,
		    k->path, i->fd >= 0 ? " and " : "",
		    i->fd >= 0 ? i->path : "", strerror(e));
		return KEXEC_EXIT_FAILED;
	}
	say(c, "%s: kexec_file_load failed: %s", what, strerror(e));
	return KEXEC_EXIT_FAILED;
}

/* ------------------------------------------------------------------ actions */

struct opts {
	bool load, panic, force, unload, exec, status, s_flag, nosync;
	bool reuse, ckr, load_opts;
	const char *initrd, *append, *kernel;
};

static void debug_call(struct ctx *c, const struct image *k,
		       const struct image *i, const char *cmdline,
		       size_t cmdline_len, unsigned long flags)
{
	if (!c->debug)
		return;
	fprintf(c->err, "crash-kexec: kexec_file_load(kernel_fd=%d (%s%s, "
		"%llu bytes%s%s), initrd_fd=%d", k->fd, k->path,
		k->inflated ? " inflated" : "", k->size,
		k->kind ? ", " : "", k->kind ? k->kind : "", i->fd);
	if (i->fd >= 0)
		fprintf(c->err, " (%s, %llu bytes)", i->path, i->size);
	fprintf(c->err, ", cmdline_len=%zu, cmdline=\"%s\", flags=0x%lx%s%s)\n",
		cmdline_len, cmdline, flags,
		flags & KEXEC_FILE_ON_CRASH ? " ON_CRASH" : "",
		flags & KEXEC_FILE_NO_INITRAMFS ? " NO_INITRAMFS" : "");
}

static int do_load(struct ctx *c, const struct opts *o)
{
	struct image k = { .path = o->kernel, .fd = -1 };
	struct image i = { .path = o->initrd, .fd = -1 };
	unsigned long flags = o->panic ? KEXEC_FILE_ON_CRASH : 0;
	unsigned long long crash_size;
	char *base = NULL, *cmdline;
	size_t len;
	int rc;

	if (o->panic &&
	    read_sys_number(kexec_ops.sys_kernel, "kexec_crash_size",
			    &crash_size) && crash_size == 0) {
		say(c, "no memory is reserved for a crash kernel (%s/"
		    "kexec_crash_size is 0): boot this kernel with "
		    "crashkernel=SIZE, e.g. crashkernel=256M, then load the "
		    "crash kernel", kexec_ops.sys_kernel);
		return KEXEC_EXIT_USAGE;
	}
	if (o->reuse && !(base = reused_cmdline(c, o->panic)))
		return KEXEC_EXIT_FAILED;
	len = (base ? strlen(base) : 0) + (o->append ? strlen(o->append) : 0);
	cmdline = malloc(len + 2);
	if (!cmdline) {
		free(base);
		say(c, "out of memory");
		return KEXEC_EXIT_FAILED;
	}
	snprintf(cmdline, len + 2, "%s%s%s", base ? base : "",
		 base && *base && o->append && *o->append ? " " : "",
		 o->append ? o->append : "");
	free(base);
	len = strlen(cmdline) + 1;	/* the kernel wants the NUL counted */

	if (!open_image(c, &k, true)) {
		free(cmdline);
		return KEXEC_EXIT_FAILED;
	}
	if (i.path && !open_image(c, &i, false)) {
		close(k.fd);
		free(cmdline);
		return KEXEC_EXIT_FAILED;
	}
	if (i.fd < 0)
		flags |= KEXEC_FILE_NO_INITRAMFS;
	debug_call(c, &k, &i, cmdline, len, flags);
	if (kexec_ops.file_load(k.fd, i.fd, len, cmdline, flags) == 0) {
		rc = 0;
		if (c->debug)
			say(c, "%s loaded", o->panic ? "crash kernel" :
			    "kexec kernel");
	} else {
		rc = explain_load_error(c, errno, o->panic, &k, &i, len);
	}
	close(k.fd);
	if (i.fd >= 0)
		close(i.fd);
	free(cmdline);
	return rc;
}

static int do_unload(struct ctx *c, bool panic)
{
	unsigned long flags = KEXEC_FILE_UNLOAD |
			      (panic ? KEXEC_FILE_ON_CRASH : 0);
	const char *what = panic ? "unloading the crash kernel" :
				   "unloading the kexec kernel";
	int e;

	if (c->debug)
		fprintf(c->err, "crash-kexec: kexec_file_load(-1, -1, 0, NULL, "
			"flags=0x%lx UNLOAD%s)\n", flags,
			panic ? " ON_CRASH" : "");
	if (kexec_ops.file_load(-1, -1, 0, NULL, flags) == 0)
		return 0;
	e = errno;
	if (e == ENOSYS) {
		say(c, "%s: this kernel has no kexec_file_load(2) system call "
		    "(built without CONFIG_KEXEC_FILE?)", what);
		return KEXEC_EXIT_UNSUPPORTED;
	}
	if (e == EPERM)
		return explain_eperm(c, what, NULL);
	if (e == EBUSY) {
		say(c, "%s: the kernel is busy with another kexec load or "
		    "unload (EBUSY); try again", what);
		return KEXEC_EXIT_FAILED;
	}
	say(c, "%s: kexec_file_load failed: %s", what, strerror(e));
	return KEXEC_EXIT_FAILED;
}

static int do_exec(struct ctx *c, const struct opts *o)
{
	unsigned long long loaded;

	if (!read_sys_number(kexec_ops.sys_kernel, "kexec_loaded", &loaded)) {
		say(c, "cannot tell whether a kernel is loaded: %s/"
		    "kexec_loaded: %s", kexec_ops.sys_kernel, strerror(errno));
		return KEXEC_EXIT_USAGE;
	}
	if (!loaded) {
		say(c, "no kernel is loaded for a kexec reboot: load one with "
		    "crash-kexec -l KERNEL first (a crash kernel, -p, boots "
		    "only on a panic)");
		return KEXEC_EXIT_USAGE;
	}
	if (!o->nosync)
		kexec_ops.sync();
	if (c->debug)
		say(c, "reboot(LINUX_REBOOT_CMD_KEXEC)");
	fflush(c->out);
	fflush(c->err);
	kexec_ops.reboot_kexec();
	if (errno == EPERM)
		return explain_eperm(c, "booting the loaded kernel", NULL);
	say(c, "booting the loaded kernel failed: %s", strerror(errno));
	return KEXEC_EXIT_FAILED;
}

/* One line of --status: "loaded", "not loaded" or why unknown. */
static int status_line(struct ctx *c, const char *label, const char *name)
{
	unsigned long long v;

	fprintf(c->out, "%-22s", label);
	if (!read_sys_number(kexec_ops.sys_kernel, name, &v)) {
		fprintf(c->out, "unknown (%s/%s: %s)\n", kexec_ops.sys_kernel,
			name, strerror(errno));
		return -1;
	}
	fprintf(c->out, "%s\n", v ? "loaded" : "not loaded");
	return v ? 1 : 0;
}

static int do_status(struct ctx *c, const struct opts *o)
{
	unsigned long long size;
	int kexec_st, crash_st, st;
	char *mode;

	kexec_st = status_line(c, "kexec kernel (-l):", "kexec_loaded");
	crash_st = status_line(c, "crash kernel (-p):", "kexec_crash_loaded");
	fprintf(c->out, "%-22s", "crash kernel memory:");
	if (!read_sys_number(kexec_ops.sys_kernel, "kexec_crash_size", &size)) {
		fprintf(c->out, "unknown (%s/kexec_crash_size: %s)\n",
			kexec_ops.sys_kernel, strerror(errno));
	} else if (size == 0) {
		fputs("none reserved (boot with crashkernel=SIZE to load a "
		      "crash kernel)\n", c->out);
	} else {
		print_size(c->out, size);
		fprintf(c->out, " reserved (%llu bytes)\n", size);
	}
	mode = lockdown_mode();
	if (mode && strcmp(mode, "none") != 0)
		fprintf(c->out, "%-22s%s (only signed kernels load)\n",
			"lockdown:", mode);
	free(mode);
	st = o->load && !o->panic ? kexec_st : crash_st;
	return st < 0 ? KEXEC_EXIT_FAILED : st;
}

static int do_ckr_size(struct ctx *c)
{
	unsigned long long size;

	if (!read_sys_number(kexec_ops.sys_kernel, "kexec_crash_size", &size)) {
		say(c, "cannot read %s/kexec_crash_size: %s",
		    kexec_ops.sys_kernel, strerror(errno));
		return KEXEC_EXIT_FAILED;
	}
	fprintf(c->out, "%llu\n", size);
	return 0;
}

enum {
	OPT_INITRD = 256, OPT_APPEND, OPT_REUSE, OPT_CKR, OPT_FILE_SYSCALL,
	OPT_AUTO_SYSCALL, OPT_OLD_SYSCALL,
};

int crash_kexec_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ "debug", no_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-ifdown", no_argument, NULL, 'x' },
		{ "no-sync", no_argument, NULL, 'y' },
		{ "load", no_argument, NULL, 'l' },
		{ "load-panic", no_argument, NULL, 'p' },
		{ "unload", no_argument, NULL, 'u' },
		{ "exec", no_argument, NULL, 'e' },
		{ "status", no_argument, NULL, 'S' },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "ramdisk", required_argument, NULL, OPT_INITRD },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "command-line", required_argument, NULL, OPT_APPEND },
		{ "reuse-cmdline", no_argument, NULL, OPT_REUSE },
		{ "print-ckr-size", no_argument, NULL, OPT_CKR },
		{ "kexec-file-syscall", no_argument, NULL, OPT_FILE_SYSCALL },
		{ "kexec-syscall-auto", no_argument, NULL, OPT_AUTO_SYSCALL },
		{ "kexec-syscall", no_argument, NULL, OPT_OLD_SYSCALL },
		{ NULL, 0, NULL, 0 }
	};
	struct ctx c = {
		.out = kexec_ops.out ? kexec_ops.out : stdout,
		.err = kexec_ops.err ? kexec_ops.err : stderr,
	};
	struct opts o = { 0 };
	int opt, nargs, rc;

	optind = 0;	/* getopt starts afresh at each call */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hvdfxylpuesSac", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(usage_text, c.out);
			return 0;
		case 'v':
			fprintf(c.out, "crash-kexec %s (kexec_file_load loader "
				"of the crash project)\n", VERSION);
			return 0;
		case 'd': c.debug = true; break;
		case 'f': o.force = true; break;
		case 'x': break;
		case 'y': o.nosync = true; break;
		case 'l': o.load = true; break;
		case 'p': o.panic = true; break;
		case 'u': o.unload = true; break;
		case 'e': o.exec = true; break;
		case 's': o.s_flag = true; break;
		case 'S': o.status = true; break;
		case 'a': case OPT_FILE_SYSCALL: break;
		case 'c': case OPT_OLD_SYSCALL:
			return usage_error(&c, "crash-kexec loads with "
					   "kexec_file_load(2) only: there is no "
					   "kexec_load(2) (-c) mode");
		case OPT_INITRD: o.initrd = optarg; o.load_opts = true; break;
		case OPT_APPEND: o.append = optarg; o.load_opts = true; break;
		case OPT_REUSE: o.reuse = true; o.load_opts = true; break;
		case OPT_CKR: o.ckr = true; break;
		case ':':
			say(&c, "%s needs a value", argv[optind - 1]);
			fputs("Try 'crash-kexec --help' for more "
			      "information.\n", c.err);
			return KEXEC_EXIT_USAGE;
		default:
			if (optopt)
				fprintf(c.err, "crash-kexec: unknown option -%c\n",
					optopt);
			else
				fprintf(c.err, "crash-kexec: unknown option %s\n",
					argv[optind - 1]);
			fputs("Try 'crash-kexec --help' for more "
			      "information.\n", c.err);
			return KEXEC_EXIT_USAGE;
		}
	}
	nargs = argc - optind;
	if (nargs > 1)
		return usage_error(&c, "one KERNEL at a time");
	o.kernel = nargs ? argv[optind] : NULL;
	/* -s: kexec's --kexec-file-syscall with a KERNEL to load, else
	 * --status */
	if (o.s_flag && !o.kernel)
		o.status = true;

	if (o.ckr)
		return do_ckr_size(&c);
	if (o.status) {
		if (o.kernel || o.load_opts)
			return usage_error(&c, "--status loads nothing: no KERNEL, "
					   "--initrd, --append or "
					   "--reuse-cmdline with it");
		return do_status(&c, &o);
	}
	if (o.unload || o.exec) {
		if (o.unload && o.exec)
			return usage_error(&c, "-u and -e: one at a time");
		if (o.kernel || o.load_opts || o.force)
			return usage_error(&c, o.unload ?
					   "-u unloads: no KERNEL, --initrd, "
					   "--append or --reuse-cmdline with it" :
					   "-e boots the kernel loaded with -l: "
					   "no KERNEL or load options with it");
		if (o.exec && o.panic)
			return usage_error(&c, "-e boots the kernel loaded with "
					   "-l; a crash kernel (-p) boots only "
					   "on a panic");
		return o.unload ? do_unload(&c, o.panic) : do_exec(&c, &o);
	}
	if (!o.kernel) {
		if (o.load || o.panic || o.force)
			return usage_error(&c, "no KERNEL to load");
		return usage_error(&c, "nothing to do: say -l or -p and a "
				   "KERNEL, or -u, -e, -s");
	}
	if (!o.load && !o.panic && !o.force)
		return usage_error(&c, "say -l to load KERNEL for a kexec "
				   "reboot, -p to load it as the crash kernel, "
				   "or -f to load and boot it now");
	if (o.force && o.panic)
		return usage_error(&c, "-f boots KERNEL now; -p loads it for a "
				   "panic: one or the other");
	rc = do_load(&c, &o);
	if (rc == 0 && o.force)
		rc = do_exec(&c, &o);
	return rc;
}
