/* A dump file read through mmap, or with pread(2) where it is not mapped. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/error.h"
#include "source.h"

struct file_source {
	struct source src;
	const unsigned char *map;	/* NULL: read with pread from fd */
	int fd;				/* -1 once mapped */
};

static __thread sigjmp_buf *fault_jump;

static void sigbus_handler(int sig, siginfo_t *info, void *ctx)
{
	(void)info;
	(void)ctx;
	if (fault_jump)
		siglongjmp(*fault_jump, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* SA_NODEFER and an empty sa_mask: the handler runs with the signal mask
 * of the code that faulted, so jumping out of it needs no mask restored
 * (sigsetjmp(..., 0) below: no system call per access, which matters to
 * the dump writer, which guards every page it touches). */
static void install_sigbus_handler(void)
{
	static int installed;
	struct sigaction sa;

	if (__atomic_load_n(&installed, __ATOMIC_ACQUIRE))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigbus_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	__atomic_store_n(&installed, 1, __ATOMIC_RELEASE);
}

struct error *mapped_access(const char *what, void (*fn)(void *arg),
			    void *arg)
{
	sigjmp_buf jump, *volatile saved = fault_jump;

	install_sigbus_handler();
	if (sigsetjmp(jump, 0)) {
		fault_jump = saved;
		return error_create(ERR_IO, "%s: the file could not be read "
				    "(SIGBUS: truncated after opening or a "
				    "storage error)", what);
	}
	fault_jump = &jump;
	fn(arg);
	fault_jump = saved;
	return NULL;
}

struct copy_args {
	void *dst;
	const void *src;
	size_t len;
};

static void do_copy(void *arg)
{
	struct copy_args *c = arg;

	memcpy(c->dst, c->src, c->len);
}

struct error *mapped_copy(const char *what, void *dst, const void *src,
			  size_t len)
{
	struct copy_args c = { .dst = dst, .src = src, .len = len };

	return mapped_access(what, do_copy, &c);
}

static struct error *pread_all(struct file_source *fs, uint64_t off,
			       unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t n = pread(fs->fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return error_create(n ? ERR_IO : ERR_TRUNCATED,
					    "%s: reading offset 0x%llx: %s",
					    fs->src.name,
					    (unsigned long long)off,
					    n ? strerror(errno) :
					    "the file ends there");
		buf += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return NULL;
}

static struct error *file_read(struct source *src, uint64_t off, void *buf,
			       size_t len)
{
	struct file_source *fs = (struct file_source *)src;
	struct error *err;

	if (off > src->size || len > src->size - off)
		return error_create(ERR_TRUNCATED,
				    "%s: offset 0x%llx+0x%zx is past the end "
				    "of the file (size 0x%llx)", src->name,
				    (unsigned long long)off, len,
				    (unsigned long long)src->size);
	if (!fs->map)
		return pread_all(fs, off, buf, len);
	err = mapped_copy(src->name, buf, fs->map + off, len);
	return err ? error_prefix(err, "at offset 0x%llx",
				  (unsigned long long)off) : NULL;
}

static const void *file_map(struct source *src, uint64_t off, size_t len)
{
	struct file_source *fs = (struct file_source *)src;

	if (!fs->map || off > src->size || len > src->size - off)
		return NULL;
	return fs->map + off;
}

static void file_destroy(struct source *src)
{
	struct file_source *fs = (struct file_source *)src;

	if (fs->map && src->size)
		munmap((void *)fs->map, src->size);
	if (fs->fd >= 0)
		close(fs->fd);
}

static const struct source_ops file_ops = {
	.read = file_read,
	.map = file_map,
	.destroy = file_destroy,
};

struct error *source_open_file(const char *path, bool no_mmap,
			       struct source **ret)
{
	struct file_source *fs;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_create(errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
				    "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return error_create(ERR_IO, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		close(fd);
		return error_create(ERR_INVALID, "%s: not a regular file",
				    path);
	}
	fs = calloc(1, sizeof(*fs));
	if (!fs || !(fs->src.name = strdup(path))) {
		free(fs);
		close(fd);
		return error_nomem();
	}
	fs->src.ops = &file_ops;
	fs->src.kind = "file";
	fs->src.size = (uint64_t)st.st_size;
	fs->fd = fd;
	if (st.st_size > 0 && !no_mmap) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			       fd, 0);

		/* a file that cannot be mapped is read with pread */
		if (m != MAP_FAILED) {
			fs->map = m;
			close(fd);
			fs->fd = -1;
		}
	}
	*ret = &fs->src;
	return NULL;
}

bool source_peek(struct source *src, uint64_t off, void *buf, size_t len)
{
	struct error *err = source_read(src, off, buf, len);

	error_free(err);
	return !err;
}

void source_close(struct source *src)
{
	if (!src)
		return;
	src->ops->destroy(src);
	free(src->name);
	free(src);
}
