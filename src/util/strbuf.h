/* A growable string for building output and messages. */
#ifndef CRASH_STRBUF_H
#define CRASH_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
	int failed;	/* an allocation failed: the contents are cut short */
};

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_add(struct strbuf *sb, const char *s, size_t len);
/* Hands the string over to the caller ("" if nothing was added). */
char *strbuf_steal(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);

#endif
