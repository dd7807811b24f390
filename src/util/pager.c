#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pager.h"

#define LESS "/usr/bin/less"
#define MORE "/bin/more"

bool pager_crashpager_valid(void)
{
	static bool warned;
	const char *env = getenv("CRASHPAGER");
	char prog[4096];
	size_t n;

	if (!env || !*env)
		return false;
	n = strcspn(env, " \t");
	if (strpbrk(env, "|<>") || n >= sizeof(prog)) {
		if (!warned)
			fprintf(stderr, "crash: CRASHPAGER ignored: it may not "
				"hold | < or >: \"%s\"\n", env);
		warned = true;
		return false;
	}
	memcpy(prog, env, n);
	prog[n] = '\0';
	if (access(prog, X_OK)) {
		if (!warned)
			fprintf(stderr, "crash: CRASHPAGER ignored: %s: %m "
				"(a full path is needed)\n", prog);
		warned = true;
		return false;
	}
	return true;
}

enum pager_kind pager_default(void)
{
	if (pager_crashpager_valid())
		return PAGER_CRASHPAGER;
	if (!access(LESS, X_OK))
		return PAGER_LESS;
	if (!access(MORE, X_OK))
		return PAGER_MORE;
	return PAGER_NONE;
}

const char *pager_describe(enum pager_kind kind, char *buf, size_t len)
{
	switch (kind) {
	case PAGER_LESS: return LESS;
	case PAGER_MORE: return MORE;
	case PAGER_CRASHPAGER:
		snprintf(buf, len, "CRASHPAGER: %s", getenv("CRASHPAGER") ?
			 getenv("CRASHPAGER") : "");
		return buf;
	case PAGER_NONE: break;
	}
	return "none";
}

const char *pager_command(enum pager_kind kind, char *buf, size_t len)
{
	switch (kind) {
	case PAGER_LESS:
		/* -E: leave at the end, -X: the text stays on the screen,
		 * -F: leave at once if it fits on one */
		snprintf(buf, len, "%s -E -X -F '-Ps-- MORE --  forward\\: "
			 "SPACE or ENTER  back\\: b  quit\\: q'", LESS);
		return buf;
	case PAGER_MORE:
		snprintf(buf, len, "%s", MORE);
		return buf;
	case PAGER_CRASHPAGER:
		if (!getenv("CRASHPAGER"))
			return NULL;
		snprintf(buf, len, "%s", getenv("CRASHPAGER"));
		return buf;
	case PAGER_NONE: break;
	}
	return NULL;
}
