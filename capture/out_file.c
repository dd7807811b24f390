#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../src/util/error.h"
#include "out_file.h"

#define FLAT_HEADER_SIZE 4096
#define MAX_IOV 1024		/* IOV_MAX on Linux */

static void put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

static struct error *write_error(struct out_file *of, int e, uint64_t off)
{
	const char *name = of->flat ? "standard output" : of->tmp_path;

	of->error_errno = e;
	if (e == ENOSPC || e == EFBIG || e == EDQUOT) {
		of->full = true;
		return error_create(ERR_IO, "%s: no space left at offset "
				    "0x%llx (%s)", name,
				    (unsigned long long)off, strerror(e));
	}
	return error_create(ERR_IO, "%s: writing at offset 0x%llx: %s", name,
			    (unsigned long long)off, strerror(e));
}

/* Write all of iov to the stream (pipes take writes in pieces). */
static int write_all(int fd, struct iovec *iov, int n)
{
	while (n) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		if (w == 0)
			return EIO;
		while (n && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

struct error *out_open(struct out_file *of, const char *path, bool flat)
{
	memset(of, 0, sizeof(*of));
	of->fd = -1;
	of->flat = flat;
	of->path = strdup(path);
	if (!of->path)
		return error_nomem();
	if (flat) {
		unsigned char hdr[FLAT_HEADER_SIZE] = "makedumpfile";
		struct iovec iov = { hdr, sizeof(hdr) };
		int e;

		put_be64(hdr + 16, 1);	/* type: flat header */
		put_be64(hdr + 24, 1);	/* version */
		of->fd = STDOUT_FILENO;
		e = write_all(of->fd, &iov, 1);
		return e ? write_error(of, e, 0) : NULL;
	}
	if (asprintf(&of->tmp_path, "%s.tmp", path) < 0) {
		of->tmp_path = NULL;
		return error_nomem();
	}
	of->fd = open(of->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		      0600);
	if (of->fd < 0)
		return error_create(ERR_IO, "%s: %s", of->tmp_path,
				    strerror(errno));
	return NULL;
}

struct error *out_write(struct out_file *of, uint64_t off, const void *buf,
			size_t len)
{
	if (of->flat) {
		unsigned char rec[16];
		struct iovec iov[2] = { { rec, 16 }, { (void *)buf, len } };
		int e;

		put_be64(rec, off);
		put_be64(rec + 8, len);
		e = write_all(of->fd, iov, 2);
		of->partial = 0;
		if (e)
			return write_error(of, e, off);
	} else {
		const unsigned char *p = buf;
		uint64_t at = off;
		size_t left = len;

		while (left) {
			ssize_t w = pwrite(of->fd, p, left, (off_t)at);

			if (w < 0 && errno == EINTR)
				continue;
			of->partial = len - left;
			if (w < 0)
				return write_error(of, errno, at);
			if (w == 0)
				return write_error(of, ENOSPC, at);
			p += w;
			at += (uint64_t)w;
			left -= (size_t)w;
		}
	}
	of->bytes += len;
	return NULL;
}

struct error *out_writev(struct out_file *of, uint64_t off,
			 const struct iovec *iov, int n)
{
	struct iovec v[MAX_IOV];
	size_t done = 0;
	int k = 0, first = 0, m = 0;

	if (of->flat)
		return error_create(ERR_UNSUPPORTED, "out_writev: not in the "
				    "flattened format");
	for (;;) {
		ssize_t w;

		if (first == m) {	/* the next pieces */
			first = m = 0;
			for (; k < n && m < MAX_IOV; k++)
				if (iov[k].iov_len)
					v[m++] = iov[k];
			if (!m)
				break;
		}
		w = pwritev(of->fd, v + first, m - first, (off_t)(off + done));
		if (w < 0 && errno == EINTR)
			continue;
		of->partial = done;
		if (w < 0)
			return write_error(of, errno, off + done);
		if (w == 0)
			return write_error(of, ENOSPC, off + done);
		done += (size_t)w;
		while (first < m && (size_t)w >= v[first].iov_len)
			w -= (ssize_t)v[first++].iov_len;
		if (w) {
			v[first].iov_base = (char *)v[first].iov_base + w;
			v[first].iov_len -= (size_t)w;
		}
	}
	of->bytes += done;
	return NULL;
}

static void free_names(struct out_file *of)
{
	free(of->path);
	free(of->tmp_path);
	of->path = of->tmp_path = NULL;
}

struct error *out_finish(struct out_file *of)
{
	struct error *err = NULL;

	if (of->flat) {
		unsigned char end[16];
		struct iovec iov = { end, 16 };
		int e;

		memset(end, 0xff, sizeof(end));	/* offset and size -1 */
		e = write_all(of->fd, &iov, 1);
		if (e)
			err = write_error(of, e, 0);
		free_names(of);
		return err;
	}
	if (fsync(of->fd) < 0 && errno != EINVAL && errno != EROFS)
		err = write_error(of, errno, 0);
	if (close(of->fd) < 0 && !err)
		err = write_error(of, errno, 0);
	of->fd = -1;
	if (!err && rename(of->tmp_path, of->path) < 0)
		err = error_create(ERR_IO, "renaming %s to %s: %s",
				   of->tmp_path, of->path, strerror(errno));
	if (!err)
		free_names(of);
	return err;
}

void out_keep_partial(struct out_file *of)
{
	if (!of->flat && of->fd >= 0) {
		fsync(of->fd);
		close(of->fd);
		of->fd = -1;
		if (rename(of->tmp_path, of->path) < 0)
			fprintf(stderr, "crash-dump: renaming %s to %s: %s; "
				"what was written is in %s\n", of->tmp_path,
				of->path, strerror(errno), of->tmp_path);
	}
	free_names(of);
}

void out_discard(struct out_file *of)
{
	if (!of->flat && of->fd >= 0) {
		close(of->fd);
		of->fd = -1;
		unlink(of->tmp_path);
	}
	free_names(of);
}
