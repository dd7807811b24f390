/* JSON output mode: one document per command line, for scripts that read
 * many dumps.  The command writes its answer to a memory stream (and its
 * messages to a memory file in place of stderr); the document is put
 * together from them afterwards, so it is well-formed whatever the command
 * did: a command with no JSON form gives its text as lines. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "session.h"
#include "util/progress.h"

struct json *session_json(struct session *s)
{
	if (!s->json_offered)
		return NULL;
	s->json_offered = false;
	/* a command that wrote text first (task's header before the
	 * structure) goes on in text: its answer is its text */
	if (ftell(s->out) > 0)
		return NULL;
	s->json_result = true;
	json_init(&s->json_writer, s->out);
	return &s->json_writer;
}

/* Did the command write one JSON value and nothing else (len bytes)? */
static bool whole_value(const struct session *s, size_t len)
{
	return s->json_result && !s->json_writer.depth && len &&
	       s->json_writer.closed_at == (long)len;
}

struct json *session_json_each_begin(struct session *s,
				     struct session_json_each *e)
{
	*e = (struct session_json_each){ .out = s->out };
	if (!session_json(s))
		return NULL;
	json_init(&e->list, s->out);
	json_array(&e->list);
	return &e->list;
}

void session_json_each_run(struct session *s, struct session_json_each *e,
			   int (*run)(void *arg), void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem) {
		json_null(&e->list);
		return;
	}
	s->out = mem;
	s->json_offered = true;
	s->json_result = false;
	run(arg);
	s->json_offered = false;
	fclose(mem);
	s->out = e->out;
	if (whole_value(s, len)) {
		json_key(&e->list, "result");
		json_raw(&e->list, text, len);
	} else {
		json_key(&e->list, "text");
		json_lines(&e->list, text, len);
	}
	free(text);
}

void session_json_each_end(struct session *s, struct session_json_each *e)
{
	json_array_end(&e->list);
	/* the command's answer is the list */
	s->json_result = true;
	s->json_writer = e->list;
}

/* The messages the command wrote to stderr (fd 2 pointed at a memory
 * file); NULL and 0 if there were none or they cannot be read back. */
static char *read_back(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *buf;

	*len = 0;
	if (end <= 0 || !(buf = malloc((size_t)end)))
		return NULL;
	if (pread(fd, buf, (size_t)end, 0) != end) {
		free(buf);
		return NULL;
	}
	*len = (size_t)end;
	return buf;
}

/* text (len bytes, malloc'd or NULL) with line after it */
static char *realloc_append(char *text, size_t *len, const char *line)
{
	size_t n = strlen(line);
	char *t = realloc(text, *len + n);

	if (!t)
		return text;
	memcpy(t + *len, line, n);
	*len += n;
	return t;
}

int session_json_run(struct session *s, const struct command *c, int argc,
		     char **argv, FILE *out)
{
	char *text = NULL, *errs = NULL;
	size_t text_len = 0, errs_len = 0;
	int errfd = -1, saved_err = -1, progress_fd = STDERR_FILENO, rc, i;
	char **args;
	bool cut;
	FILE *mem = open_memstream(&text, &text_len);
	struct json j;

	if (!mem) {
		fprintf(stderr, "crash: out of memory\n");
		return 1;
	}
	fflush(stderr);
	errfd = memfd_create("crash-messages", MFD_CLOEXEC);
	if (errfd >= 0 && (saved_err = dup(STDERR_FILENO)) >= 0) {
		dup2(errfd, STDERR_FILENO);
		/* a long command's progress line still goes to the terminal */
		progress_fd = progress_set_fd(saved_err);
	}
	/* the command may change its arguments (struct cuts "a.b" in two):
	 * the document names them as they were given */
	args = calloc((size_t)argc + 1, sizeof(*args));
	for (i = 0; args && i < argc; i++)
		args[i] = strdup(argv[i]);
	s->out = mem;
	s->json_offered = true;
	s->json_result = false;
	rc = c->run(s, argc, argv);
	s->out = out;
	s->json_offered = false;
	fflush(stderr);
	if (saved_err >= 0) {
		progress_end();
		progress_set_fd(progress_fd);
		dup2(saved_err, STDERR_FILENO);
		close(saved_err);
		errs = read_back(errfd, &errs_len);
	}
	if (errfd >= 0)
		close(errfd);
	fclose(mem);

	json_init(&j, out);
	json_object(&j);
	json_kstring(&j, "command", argv[0]);
	json_key(&j, "args");
	json_array(&j);
	for (i = 1; i < argc; i++)
		json_string(&j, args && args[i] ? args[i] : argv[i]);
	json_array_end(&j);
	for (i = 0; args && i < argc; i++)
		free(args[i]);
	free(args);
	json_kint(&j, "status", rc > 0 ? rc : 0);
	/* a command that stopped half way through its value, or wrote
	 * text after it, gives its output as text lines and says so,
	 * rather than a broken document */
	cut = s->json_result && !whole_value(s, text_len);
	if (s->json_result && !cut) {
		json_key(&j, "result");
		json_raw(&j, text, text_len);
	} else {
		json_key(&j, "text");
		json_lines(&j, text, text_len);
	}
	json_key(&j, "messages");
	if (cut) {
		/* the lines, and one more */
		errs = realloc_append(errs, &errs_len, "crash: the command's "
				      "JSON answer was cut short or mixed "
				      "with text: its output is shown as "
				      "text\n");
	}
	json_lines(&j, errs, errs_len);
	json_object_end(&j);
	fputc('\n', out);
	s->json_result = false;
	free(text);
	free(errs);
	return rc;
}

void session_json_error(struct session *s, const char *name,
			const char *fmt, ...)
{
	struct json j;
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	json_init(&j, s->out);
	json_object(&j);
	json_kstring(&j, "command", name);
	json_key(&j, "args");
	json_array(&j);
	json_array_end(&j);
	json_kint(&j, "status", 1);
	json_key(&j, "text");
	json_array(&j);
	json_array_end(&j);
	json_key(&j, "messages");
	json_array(&j);
	json_string(&j, msg ? msg : "crash: out of memory");
	json_array_end(&j);
	json_object_end(&j);
	fputc('\n', s->out);
	free(msg);
}
