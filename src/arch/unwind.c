/* What every architecture's unwinder shares: the trace's frames and
 * stacks, and the rule that keeps a walk from going round in circles. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "unwind.h"

const struct unwind_stack *unwind_find_stack(const struct unwind_trace *t,
					     uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < t->nstacks; i++)
		if (addr >= t->stacks[i].base && addr < t->stacks[i].top)
			return &t->stacks[i];
	return NULL;
}

void unwind_trace_free(struct unwind_trace *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->frames[i].regs);
	free(t->frames);
	free(t->start);
	error_free(t->err);
	memset(t, 0, sizeof(*t));
}

struct unwind_frame *unwind_add_frame(struct unwind_trace *t, uint64_t slot,
				      uint64_t pc, uint64_t sp)
{
	struct unwind_frame *f;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct unwind_frame *nf = realloc(t->frames, cap * sizeof(*nf));

		if (!nf)
			return NULL;
		t->frames = nf;
		t->cap = cap;
	}
	f = &t->frames[t->n++];
	memset(f, 0, sizeof(*f));
	f->slot = slot;
	f->pc = pc;
	f->sp = sp;
	return f;
}

struct error *unwind_check_move(struct unwind_trace *t, const char *what,
				uint64_t from, uint64_t to, unsigned int *left)
{
	const struct unwind_stack *a = unwind_find_stack(t, from);
	const struct unwind_stack *b = unwind_find_stack(t, to);

	if (!b)
		return error_create(ERR_FORMAT, "%s %016" PRIx64 " is outside "
				    "every stack of the task and its cpu", what,
				    to);
	if (a == b) {
		if (to == from)
			return error_create(ERR_FORMAT, "%s %016" PRIx64
					    " points at itself", what, to);
		if (to < from)
			return error_create(ERR_FORMAT, "%s goes down from "
					    "%016" PRIx64 " to %016" PRIx64,
					    what, from, to);
		return NULL;
	}
	if (*left & (1u << (b - t->stacks)))
		return error_create(ERR_FORMAT, "%s %016" PRIx64 " returns to "
				    "the %s stack", what, to, b->name);
	if (a)
		*left |= 1u << (a - t->stacks);
	return NULL;
}

int unwind_member_off(const struct unwind_env *env, const char *type,
		      const char *member, uint64_t *off, uint64_t *size)
{
	uint64_t bit, sz;
	uint32_t bits;

	if (env->member(env->ctx, type, member, &bit, &bits, &sz))
		return -1;
	*off = bit / 8;
	if (size)
		*size = sz;
	return 0;
}
