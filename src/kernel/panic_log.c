#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../util/error.h"
#include "kernel.h"
#include "panic_log.h"
#include "printk.h"

/* The last few hundred records are where a panic is; keep them all
 * anyway: the log is small (a few MB at most). */
struct lines {
	char **text;
	size_t n, cap;
	int failed;
};

static int keep(const struct printk_record *rec, void *arg)
{
	struct lines *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		char **t = realloc(l->text, cap * sizeof(*t));

		if (!t) {
			l->failed = 1;
			return 1;
		}
		l->text = t;
		l->cap = cap;
	}
	l->text[l->n] = strndup(rec->text, rec->len);
	if (!l->text[l->n]) {
		l->failed = 1;
		return 1;
	}
	l->n++;
	return 0;
}

static const char *const death_marks[] = {
	"Kernel panic - not syncing", "Oops:", "BUG: ",
	"general protection fault", "kernel BUG at",
};

static int is_death(const char *t)
{
	size_t i;

	for (i = 0; i < sizeof(death_marks) / sizeof(death_marks[0]); i++)
		if (strstr(t, death_marks[i]))
			return 1;
	return 0;
}

/* "CPU: 1 UID: 0 PID: 1 Comm: init ..." (6.12) or "CPU: 0 PID: 1 Comm:
 * init ..." (before).  Groups: 1 cpu, 2 the optional UID, 3 pid, 4 comm. */
#define CPU_LINE "^CPU: ([0-9]+) (UID: [0-9]+ )?PID: ([0-9]+) Comm: ([^ ]+)"

static int match_cpu(regex_t *re, const char *t, struct panic_log *out)
{
	regmatch_t m[5];

	if (regexec(re, t, 5, m, 0))
		return 0;
	out->cpu = atoi(t + m[1].rm_so);
	out->pid = atoi(t + m[3].rm_so);
	snprintf(out->comm, sizeof(out->comm), "%.*s",
		 (int)(m[4].rm_eo - m[4].rm_so), t + m[4].rm_so);
	return 1;
}

struct error *panic_log_find(const struct kernel *kern,
			     const struct vmcoreinfo *vi, struct panic_log *out)
{
	struct lines l = { 0 };
	struct printk_stats st;
	struct error *err;
	regex_t re;
	size_t i, death = 0, k;
	int found = 0;

	memset(out, 0, sizeof(*out));
	out->cpu = out->pid = -1;
	err = printk_walk(kern, vi, keep, &l, &st);
	error_free(st.first_error);
	if (!err && l.failed)
		err = error_nomem();
	if (err)
		goto done;
	/* The panic line wins over the oops that led to it. */
	for (i = l.n; i-- > 0;) {
		if (strstr(l.text[i], death_marks[0])) {
			death = i;
			found = 1;
			break;
		}
		if (!found && is_death(l.text[i])) {
			death = i;
			found = 2;
		}
	}
	if (!found)
		goto done;
	out->message = strdup(l.text[death]);
	if (!out->message || regcomp(&re, CPU_LINE, REG_EXTENDED)) {
		err = error_nomem();
		goto done;
	}
	/* panic() prints its line, then dump_stack()'s CPU line. */
	for (k = death; k < l.n && k < death + 10; k++)
		if (match_cpu(&re, l.text[k], out))
			break;
	/* After an oops the CPU line came before the panic: the nearest. */
	for (k = death; out->cpu < 0 && k-- > 0 && k + 200 > death;)
		match_cpu(&re, l.text[k], out);
	regfree(&re);
done:
	for (i = 0; i < l.n; i++)
		free(l.text[i]);
	free(l.text);
	return err;
}

void panic_log_free(struct panic_log *pl)
{
	free(pl->message);
	pl->message = NULL;
}
