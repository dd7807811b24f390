/* A source of bytes at file offsets: a dump file mapped into memory, or a
 * logical view of one (the flattened format reassembled in place).  The dump
 * formats read their headers and pages through this, so every format works
 * the same on a plain file and on a flattened one. */
#ifndef CRASH_SOURCE_H
#define CRASH_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct source;

struct source_ops {
	/* Copy len bytes at off; ERR_TRUNCATED if any lie past the data. */
	struct error *(*read)(struct source *src, uint64_t off, void *buf,
			      size_t len);
	/* A pointer to len contiguous bytes at off, or NULL if the range is
	 * not contiguous in the backing file (then use read). */
	const void *(*map)(struct source *src, uint64_t off, size_t len);
	void (*destroy)(struct source *src);
};

struct source {
	const struct source_ops *ops;
	char *name;		/* the path, for messages */
	uint64_t size;		/* logical size in bytes */
	const char *kind;	/* "file", "flattened" */
	const char *cut_short;	/* why the data ends early, or NULL */
};

/* The file mapped, or read with pread(2) (no_mmap, or when it cannot be
 * mapped: then source_map() gives NULL). */
struct error *source_open_file(const char *path, bool no_mmap,
			       struct source **ret);
/* Wrap a flattened (makedumpfile -F) file; takes ownership of raw. */
struct error *source_open_flattened(struct source *raw, struct source **ret);
/* True if src starts with the flattened format's signature. */
int source_is_flattened(struct source *src);

static inline struct error *source_read(struct source *src, uint64_t off,
					void *buf, size_t len)
{
	return src->ops->read(src, off, buf, len);
}

/* For probes and counting, where a short file just means "no": true if all
 * len bytes at off were read. */
bool source_peek(struct source *src, uint64_t off, void *buf, size_t len);

static inline const void *source_map(struct source *src, uint64_t off,
				     size_t len)
{
	return src->ops->map(src, off, len);
}

void source_close(struct source *src);

/*
 * Reading a mapped file can fault (SIGBUS) if the file shrank after it was
 * mapped or the storage failed.  Code that touches mapped bytes runs inside
 * mapped_access(), which turns such a fault into ERR_IO instead of killing
 * the session.  The jump never leaves this one call.
 */
struct error *mapped_access(const char *what, void (*fn)(void *arg),
			    void *arg);
/* memcpy from a mapping, inside mapped_access(). */
struct error *mapped_copy(const char *what, void *dst, const void *src,
			  size_t len);

#endif
