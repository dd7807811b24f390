/* crash-kexec (capture/kexec_loader.c) with fake system calls: the
 * arguments it hands kexec_file_load(2) and reboot(2) for each option, its
 * messages and exit codes for each way the kernel refuses, and its usage
 * errors.  The files it reads (/sys/kernel/kexec_*, /proc/cmdline, the
 * lockdown file) are made in a temporary directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../../capture/kexec_loader.h"
#include "test.h"

/* What the fake kexec_file_load saw, and what it answers. */
static struct {
	int calls, reboots, syncs;
	char kernel[256], initrd[256];  /* the files behind the fds */
	unsigned char head[0x210];       /* the kernel fd's first bytes */
	size_t headlen;
	long long kernel_size;
	bool had_initrd;
	char cmdline[512];
	unsigned long cmdline_len, flags;
	int fail_errno;                  /* 0: succeed */
	int reboot_errno;
	uid_t euid;
} fk;

static char dir[256], sysdir[300];
static char cmdline_path[400], lockdown_path[400], disabled_path[400];
static char out_text[8192], err_text[8192];

static void fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

static long fake_file_load(int kernel_fd, int initrd_fd,
			   unsigned long cmdline_len, const char *cmdline,
			   unsigned long flags)
{
	ssize_t n;

	fk.calls++;
	fk.flags = flags;
	fk.cmdline_len = cmdline_len;
	snprintf(fk.cmdline, sizeof(fk.cmdline), "%s", cmdline ? cmdline :
		 "(null)");
	fk.kernel[0] = fk.initrd[0] = '\0';
	fk.had_initrd = initrd_fd >= 0;
	fk.kernel_size = -1;
	if (kernel_fd >= 0) {
		struct stat st;

		fd_path(kernel_fd, fk.kernel, sizeof(fk.kernel));
		n = pread(kernel_fd, fk.head, sizeof(fk.head), 0);
		fk.headlen = n > 0 ? (size_t)n : 0;
		if (fstat(kernel_fd, &st) == 0)
			fk.kernel_size = st.st_size;
	}
	if (initrd_fd >= 0)
		fd_path(initrd_fd, fk.initrd, sizeof(fk.initrd));
	if (fk.fail_errno) {
		errno = fk.fail_errno;
		return -1;
	}
	return 0;
}

static long fake_reboot(void)
{
	fk.reboots++;
	errno = fk.reboot_errno;
	return -1;
}

static void fake_sync(void)
{
	fk.syncs++;
}

static uid_t fake_euid(void)
{
	return fk.euid;
}

static void put(const char *name, const char *text)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

static void rm(const char *name)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static const char *tmp_path(const char *name)
{
	static char paths[4][400];
	static int k;
	char *p = paths[k++ % 4];

	snprintf(p, 400, "%s/%s", dir, name);
	return p;
}

/* A fresh fake system: nothing loaded, 160 MiB reserved, no lockdown. */
static void setup(void)
{
	unsigned char bz[0x400] = { 0 };
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/kexec", test_tmpdir());
	mkdir(dir, 0700);
	snprintf(sysdir, sizeof(sysdir), "%s/sys", dir);
	mkdir(sysdir, 0700);
	put("sys/kexec_loaded", "0\n");
	put("sys/kexec_crash_loaded", "0\n");
	put("sys/kexec_crash_size", "167772160\n");
	put("cmdline", "BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 "
	    "crashkernel=160M quiet x=\"a  b\" elfcorehdr=0x7f000000 "
	    "console=ttyS0\n");
	put("lockdown", "[none] integrity confidentiality\n");
	put("disabled", "0\n");
	memcpy(bz + 0x202, "HdrS", 4);
	f = fopen(tmp_path("vmlinuz"), "wb");
	if (f) {
		fwrite(bz, 1, sizeof(bz), f);
		fclose(f);
	}
	put("initrd.img", "070701 an initramfs");
	memset(&fk, 0, sizeof(fk));
	kexec_ops.file_load = fake_file_load;
	kexec_ops.reboot_kexec = fake_reboot;
	kexec_ops.sync = fake_sync;
	kexec_ops.euid = fake_euid;
	kexec_ops.sys_kernel = sysdir;
	snprintf(cmdline_path, sizeof(cmdline_path), "%s", tmp_path("cmdline"));
	snprintf(lockdown_path, sizeof(lockdown_path), "%s",
		 tmp_path("lockdown"));
	snprintf(disabled_path, sizeof(disabled_path), "%s",
		 tmp_path("disabled"));
	kexec_ops.proc_cmdline = cmdline_path;
	kexec_ops.lockdown = lockdown_path;
	kexec_ops.load_disabled = disabled_path;
}

/* Run crash-kexec ARGS... (NULL-terminated); its stdout and stderr land
 * in out_text and err_text. */
static int run(const char *first, ...)
{
	char *argv[16];
	int argc = 0, rc;
	FILE *out = tmpfile(), *err = tmpfile();
	size_t n;
	va_list ap;
	const char *a;

	argv[argc++] = "crash-kexec";
	va_start(ap, first);
	for (a = first; a && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	kexec_ops.out = out;
	kexec_ops.err = err;
	rc = crash_kexec_run(argc, argv);
	rewind(out);
	n = fread(out_text, 1, sizeof(out_text) - 1, out);
	out_text[n] = '\0';
	rewind(err);
	n = fread(err_text, 1, sizeof(err_text) - 1, err);
	err_text[n] = '\0';
	fclose(out);
	fclose(err);
	kexec_ops.out = kexec_ops.err = NULL;
	return rc;
}

#define CHECK_HAS(text, needle)						\
	do {								\
		if (!strstr((text), (needle)))				\
			test_fail(__FILE__, __LINE__, "%s lacks \"%s\": %s", \
				  #text, (needle), (text));		\
	} while (0)

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

TEST(kexec_load_panic_with_initrd_and_append)
{
	setup();
	CHECK_EQ(run("-p", "--initrd", tmp_path("initrd.img"),
		     "--append=nr_cpus=1 irqpoll", tmp_path("vmlinuz"), NULL), 0);
	CHECK_EQ(fk.calls, 1);
	CHECK_EQ(fk.flags, KEXEC_FILE_ON_CRASH);
	CHECK(ends_with(fk.kernel, "/vmlinuz"));
	CHECK(ends_with(fk.initrd, "/initrd.img"));
	CHECK(strcmp(fk.cmdline, "nr_cpus=1 irqpoll") == 0);
	CHECK_EQ(fk.cmdline_len, strlen("nr_cpus=1 irqpoll") + 1);
	CHECK(err_text[0] == '\0');
	CHECK(out_text[0] == '\0');
}

TEST(kexec_load_without_initrd)
{
	setup();
	CHECK_EQ(run("-l", tmp_path("vmlinuz"), NULL), 0);
	CHECK_EQ(fk.flags, KEXEC_FILE_NO_INITRAMFS);
	CHECK(!fk.had_initrd);
	CHECK(strcmp(fk.cmdline, "") == 0);
	CHECK_EQ(fk.cmdline_len, 1);
	/* --command-line and --ramdisk are the same options */
	CHECK_EQ(run("--load", "--ramdisk", tmp_path("initrd.img"),
		     "--command-line", "quiet", tmp_path("vmlinuz"), NULL), 0);
	CHECK_EQ(fk.flags, 0);
	CHECK(fk.had_initrd);
	CHECK(strcmp(fk.cmdline, "quiet") == 0);
	/* -s with a KERNEL is kexec's --kexec-file-syscall: a load */
	CHECK_EQ(run("-s", "-p", tmp_path("vmlinuz"), NULL), 0);
	CHECK_EQ(fk.calls, 3);
	CHECK_EQ(fk.flags, KEXEC_FILE_ON_CRASH | KEXEC_FILE_NO_INITRAMFS);
}

TEST(kexec_reuse_cmdline)
{
	setup();
	/* for a crash kernel: less BOOT_IMAGE=, elfcorehdr=, crashkernel= */
	CHECK_EQ(run("-p", "--reuse-cmdline", "--append", "nr_cpus=1",
		     tmp_path("vmlinuz"), NULL), 0);
	CHECK(strcmp(fk.cmdline, "root=/dev/vda1 quiet x=\"a  b\" "
		     "console=ttyS0 nr_cpus=1") == 0);
	if (strcmp(fk.cmdline, "root=/dev/vda1 quiet x=\"a  b\" "
		   "console=ttyS0 nr_cpus=1"))
		printf("    got \"%s\"\n", fk.cmdline);
	/* for a kexec reboot crashkernel= stays */
	CHECK_EQ(run("-l", "--reuse-cmdline", tmp_path("vmlinuz"), NULL), 0);
	CHECK(strcmp(fk.cmdline, "root=/dev/vda1 crashkernel=160M quiet "
		     "x=\"a  b\" console=ttyS0") == 0);
	/* crashkernelx= is another parameter */
	put("cmdline", "crashkernelx=1 crashkernel=1G,high\n");
	CHECK_EQ(run("-p", "--reuse-cmdline", tmp_path("vmlinuz"), NULL), 0);
	CHECK(strcmp(fk.cmdline, "crashkernelx=1") == 0);
	/* an unreadable /proc/cmdline: said, nothing loaded */
	rm("cmdline");
	fk.calls = 0;
	CHECK_EQ(run("-p", "--reuse-cmdline", tmp_path("vmlinuz"), NULL), 255);
	CHECK_EQ(fk.calls, 0);
	CHECK_HAS(err_text, "--reuse-cmdline: cannot read");
}

TEST(kexec_gzip_kernel_is_inflated)
{
	unsigned char img[0x2000];
	gzFile gz;

	setup();
	memset(img, 0x5a, sizeof(img));
	memcpy(img + 0x38, "ARMd", 4);
	gz = gzopen(tmp_path("Image.gz"), "wb");
	CHECK(gz != NULL);
	if (!gz)
		return;
	gzwrite(gz, img, sizeof(img));
	gzclose(gz);
	CHECK_EQ(run("-d", "-l", tmp_path("Image.gz"), NULL), 0);
	CHECK_EQ(fk.kernel_size, sizeof(img));
	CHECK(fk.headlen > 0x3c && memcmp(fk.head + 0x38, "ARMd", 4) == 0);
	CHECK_HAS(fk.kernel, "memfd:crash-kexec-kernel");
	CHECK_HAS(err_text, "inflated");
	CHECK_HAS(err_text, "arm64 Image");
	/* damaged gzip data: said, nothing loaded */
	put("bad.gz", "\037\213\010\000garbage garbage garbage");
	fk.calls = 0;
	CHECK_EQ(run("-l", tmp_path("bad.gz"), NULL), 255);
	CHECK_EQ(fk.calls, 0);
	CHECK_HAS(err_text, "bad.gz");
}

TEST(kexec_no_crash_memory)
{
	setup();
	put("sys/kexec_crash_size", "0\n");
	CHECK_EQ(run("-p", tmp_path("vmlinuz"), NULL), 1);
	CHECK_EQ(fk.calls, 0);
	CHECK_HAS(err_text, "no memory is reserved for a crash kernel");
	CHECK_HAS(err_text, "kexec_crash_size is 0");
	CHECK_HAS(err_text, "crashkernel=");
	/* -l needs none */
	CHECK_EQ(run("-l", tmp_path("vmlinuz"), NULL), 0);
	/* the kernel says ENOMEM with memory reserved: too small */
	put("sys/kexec_crash_size", "167772160\n");
	fk.fail_errno = ENOMEM;
	CHECK_EQ(run("-p", "--initrd", tmp_path("initrd.img"),
		     tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "do not fit in the 160.0 MiB reserved with "
		  "crashkernel=");
	CHECK_HAS(err_text, "initrd.img");
	/* EADDRNOTAVAIL (no hole in the crash memory) is the same */
	fk.fail_errno = EADDRNOTAVAIL;
	CHECK_EQ(run("-p", tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "do not fit");
	/* EBUSY with memory reserved: another kexec at work */
	fk.fail_errno = EBUSY;
	CHECK_EQ(run("-p", tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "busy");
	/* ENOMEM and the size cannot be read: said so */
	rm("sys/kexec_crash_size");
	fk.fail_errno = ENOMEM;
	CHECK_EQ(run("-p", tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "kexec_crash_size cannot be read");
}

TEST(kexec_refusals)
{
	setup();
	fk.fail_errno = ENOSYS;
	CHECK_EQ(run("-p", tmp_path("vmlinuz"), NULL), 253);
	CHECK_HAS(err_text, "no kexec_file_load(2) system call");

	fk.fail_errno = EPERM;
	put("lockdown", "none [integrity] confidentiality\n");
	CHECK_EQ(run("-l", tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "locked down (lockdown=integrity)");
	CHECK_HAS(err_text, "signature");
	CHECK_HAS(err_text, "vmlinuz");
	put("lockdown", "[none] integrity confidentiality\n");
	CHECK_EQ(run("-l", tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "operation not permitted");
	CHECK(!strstr(err_text, "locked down"));
	put("disabled", "1\n");
	CHECK_EQ(run("-l", tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "disabled until the next boot");
	fk.euid = 1000;
	CHECK_EQ(run("-l", tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "needs root");
	fk.euid = 0;

	fk.fail_errno = EKEYREJECTED;
	CHECK_EQ(run("-p", tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "rejected the signature");
	fk.fail_errno = EBADMSG;
	CHECK_EQ(run("-p", tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "rejected the signature");

	fk.fail_errno = ENOEXEC;
	put("vmlinux", "\177ELF\002\001\001 an ELF vmlinux");
	CHECK_EQ(run("-l", tmp_path("vmlinux"), NULL), 253);
	CHECK_HAS(err_text, "ELF file");
	CHECK_HAS(err_text, "vmlinuz");
	CHECK_EQ(run("-l", tmp_path("initrd.img"), NULL), 253);
	CHECK_HAS(err_text, "cpio archive");

	fk.fail_errno = EINVAL;
	CHECK_EQ(run("-l", "--append", "a=b", tmp_path("vmlinuz"), NULL), 253);
	CHECK_HAS(err_text, "command line (3 bytes)");

	fk.fail_errno = EIO;
	CHECK_EQ(run("-l", tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "kexec_file_load failed: Input/output error");

	fk.fail_errno = 0;
	fk.calls = 0;
	CHECK_EQ(run("-l", tmp_path("missing"), NULL), 255);
	CHECK_HAS(err_text, "cannot open kernel");
	CHECK_EQ(run("-l", "--initrd", tmp_path("missing.img"),
		     tmp_path("vmlinuz"), NULL), 255);
	CHECK_HAS(err_text, "cannot open initrd");
	CHECK_EQ(run("-l", dir, NULL), 255);
	CHECK_HAS(err_text, "not a regular file");
	CHECK_EQ(fk.calls, 0);
}

TEST(kexec_unload)
{
	setup();
	CHECK_EQ(run("-u", NULL), 0);
	CHECK_EQ(fk.calls, 1);
	CHECK_EQ(fk.flags, KEXEC_FILE_UNLOAD);
	CHECK_EQ(run("-u", "-p", NULL), 0);
	CHECK_EQ(fk.flags, KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH);
	CHECK(!fk.had_initrd);
	CHECK_EQ(fk.cmdline_len, 0);
	fk.fail_errno = ENOSYS;
	CHECK_EQ(run("--unload", "--load-panic", NULL), 253);
	CHECK_HAS(err_text, "unloading the crash kernel");
	fk.fail_errno = EBUSY;
	CHECK_EQ(run("-u", NULL), 255);
	CHECK_HAS(err_text, "unloading the kexec kernel");
	CHECK_HAS(err_text, "busy");
}

TEST(kexec_exec)
{
	setup();
	CHECK_EQ(run("-e", NULL), 1);
	CHECK_EQ(fk.reboots, 0);
	CHECK_HAS(err_text, "no kernel is loaded for a kexec reboot");
	put("sys/kexec_loaded", "1\n");
	fk.reboot_errno = EINVAL;
	CHECK_EQ(run("-e", NULL), 255);
	CHECK_EQ(fk.syncs, 1);
	CHECK_EQ(fk.reboots, 1);
	CHECK_HAS(err_text, "booting the loaded kernel failed");
	CHECK_EQ(run("-e", "-y", "-x", NULL), 255);
	CHECK_EQ(fk.syncs, 1);
	CHECK_EQ(fk.reboots, 2);
	fk.reboot_errno = EPERM;
	CHECK_EQ(run("-e", NULL), 255);
	CHECK_HAS(err_text, "operation not permitted");
	/* -f: load, then boot */
	fk.reboot_errno = EINVAL;
	CHECK_EQ(run("-f", tmp_path("vmlinuz"), NULL), 255);
	CHECK_EQ(fk.calls, 1);
	CHECK_EQ(fk.flags, KEXEC_FILE_NO_INITRAMFS);
	CHECK_EQ(fk.reboots, 4);
	/* a failed load boots nothing */
	fk.fail_errno = EIO;
	CHECK_EQ(run("-f", tmp_path("vmlinuz"), NULL), 255);
	CHECK_EQ(fk.reboots, 4);
	rm("sys/kexec_loaded");
	CHECK_EQ(run("-e", NULL), 1);
	CHECK_HAS(err_text, "cannot tell whether a kernel is loaded");
}

TEST(kexec_status)
{
	setup();
	CHECK_EQ(run("-s", NULL), 0);
	CHECK_HAS(out_text, "kexec kernel (-l):    not loaded\n");
	CHECK_HAS(out_text, "crash kernel (-p):    not loaded\n");
	CHECK_HAS(out_text, "crash kernel memory:  160.0 MiB reserved "
		  "(167772160 bytes)\n");
	CHECK_EQ(fk.calls, 0);
	put("sys/kexec_crash_loaded", "1\n");
	/* as kexec -S: 1 if the crash kernel (by default) is loaded */
	CHECK_EQ(run("--status", NULL), 1);
	CHECK_HAS(out_text, "crash kernel (-p):    loaded\n");
	CHECK_EQ(run("-S", "-p", NULL), 1);
	CHECK_EQ(run("-S", "-l", NULL), 0);
	put("sys/kexec_loaded", "1\n");
	CHECK_EQ(run("-s", "-l", NULL), 1);
	put("sys/kexec_crash_size", "0\n");
	put("lockdown", "none integrity [confidentiality]\n");
	run("-s", NULL);
	CHECK_HAS(out_text, "none reserved (boot with crashkernel=");
	CHECK_HAS(out_text, "lockdown:             confidentiality");
	rm("sys/kexec_crash_loaded");
	CHECK_EQ(run("-s", NULL), 255);
	CHECK_HAS(out_text, "crash kernel (-p):    unknown (");
	CHECK_EQ(run("--print-ckr-size", NULL), 0);
	CHECK(strcmp(out_text, "0\n") == 0);
	put("sys/kexec_crash_size", "268435456\n");
	run("-s", NULL);
	CHECK_HAS(out_text, "256.0 MiB reserved");
}

TEST(kexec_usage_errors)
{
	setup();
	CHECK_EQ(run(NULL), 1);
	CHECK_HAS(err_text, "nothing to do");
	CHECK_EQ(run(tmp_path("vmlinuz"), NULL), 1);
	CHECK_HAS(err_text, "say -l");
	CHECK_EQ(run("-l", NULL), 1);
	CHECK_HAS(err_text, "no KERNEL");
	CHECK_EQ(run("-l", "a", "b", NULL), 1);
	CHECK_EQ(run("-u", tmp_path("vmlinuz"), NULL), 1);
	CHECK_EQ(run("-u", "--initrd=x", NULL), 1);
	CHECK_EQ(run("-e", "--append=x", NULL), 1);
	CHECK_EQ(run("-e", "-p", NULL), 1);
	CHECK_EQ(run("-u", "-e", NULL), 1);
	CHECK_EQ(run("-f", "-p", tmp_path("vmlinuz"), NULL), 1);
	CHECK_EQ(run("-S", "--initrd=x", NULL), 1);
	CHECK_EQ(run("-c", "-l", tmp_path("vmlinuz"), NULL), 1);
	CHECK_HAS(err_text, "kexec_file_load(2) only");
	CHECK_EQ(run("--kexec-syscall", NULL), 1);
	CHECK_EQ(run("-Q", NULL), 1);
	CHECK_HAS(err_text, "unknown option -Q");
	CHECK_EQ(run("--nonsense", NULL), 1);
	CHECK_HAS(err_text, "unknown option --nonsense");
	CHECK_EQ(run("-l", "--initrd", NULL), 1);
	CHECK_HAS(err_text, "--initrd needs a value");
	CHECK_EQ(fk.calls, 0);
	CHECK_EQ(fk.reboots, 0);
	/* accepted for kexec compatibility */
	CHECK_EQ(run("-a", "-x", "--kexec-file-syscall", "-l",
		     tmp_path("vmlinuz"), NULL), 0);
	CHECK_EQ(run("-h", NULL), 0);
	CHECK_HAS(out_text, "usage: crash-kexec");
	CHECK_EQ(run("--version", NULL), 0);
	CHECK_HAS(out_text, "crash-kexec ");
}
