/*
 * The runqueues.  Every walk is bounded: a tree deeper than a red-black
 * tree of any possible size can be, a node or list entry met twice, more
 * entries than there are pids, group queues nested deeper than cgroups
 * go, each end that walk with an error item naming the address.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../util/addr_set.h"
#include "../util/error.h"
#include "kernel.h"
#include "runq.h"
#include "tasks.h"

/* PID_MAX_LIMIT: no queue holds more entries than there are tasks. */
#define MAX_ENTRIES (4u * 1024 * 1024)
/* A red-black tree of 2^64 nodes is at most 128 levels deep. */
#define MAX_TREE_DEPTH 128
/* Task groups nest as cgroups do; the kernel does not limit the depth,
 * real systems stay far below this. */
#define MAX_GROUP_DEPTH 64
#define MAX_GROUPS 65536

struct group {
	uint64_t tg;
	int depth;
	int parent;		/* index, -1 for the root */
	char *name;
	bool use;		/* -g: its header not yet printed on this cpu */
};

struct runq {
	const struct kernel *k;
	const struct task_table *t;
	/* struct rq, cfs_rq, sched_entity, rb_node, task_struct */
	struct kernel_field rq_rt_active, rq_cfs, cfs_root, cfs_leftmost,
		cfs_curr, cfs_tg, cfs_nr_running, cfs_throttled, se_run_node,
		se_my_q, rb_left, rb_right, task_se, task_rt, task_prio,
		task_on_rq, rt_run_list, rt_my_q, rt_queue, rt_rq_active,
		rt_rq_tg, rt_rq_nr_running, rt_rq_highest_prio,
		rt_rq_throttled;
	uint64_t list_head_size;
	unsigned int rt_queues;	/* MAX_RT_PRIO */
	bool has_se_my_q, has_rt_my_q, has_cfs_throttled,
		has_rt_throttled;
	/* task groups, read on the first -g */
	struct kernel_field tg_cfs_rq, tg_rt_rq, tg_parent, tg_children,
		tg_siblings, tg_cgroup, cgroup_kn, kn_name, kn_parent;
	bool groups_read, has_tg_cfs, has_tg_rt, has_names;
	struct group *groups;	/* by depth, then in tree order */
	size_t ngroups;
};

void runq_list_free(struct runq_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		error_free(l->items[i].error);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

size_t runq_list_tasks(const struct runq_list *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += l->items[i].kind == RUNQ_TASK;
	return n;
}

static struct runq_item *item_add(struct runq_list *l, enum runq_kind kind,
				  int depth)
{
	struct runq_item *it;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct runq_item *n = realloc(l->items, cap * sizeof(*n));

		if (!n)
			return NULL;
		l->items = n;
		l->cap = cap;
	}
	it = &l->items[l->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->depth = depth;
	return it;
}

/* Record err as an error item; an error only if memory ran out. */
static struct error *damage(struct runq_list *l, int depth,
			    struct error *err)
{
	struct runq_item *it = item_add(l, RUNQ_ERROR, depth);

	if (!it) {
		error_free(err);
		return error_nomem();
	}
	it->error = err;
	return NULL;
}

struct error *runq_open(const struct kernel *k, const struct task_table *t,
			struct runq **ret)
{
	static const struct {
		const char *type, *member, *alt;
		size_t at;
	} need[] = {
#define AT(m) offsetof(struct runq, m)
		{ "rq", "rt.active", NULL, AT(rq_rt_active) },
		{ "rq", "cfs", NULL, AT(rq_cfs) },
		/* an rb_root_cached since 4.14 (bfb068892d30), an rb_root
		 * and a separate rb_leftmost before */
		{ "cfs_rq", "tasks_timeline.rb_root.rb_node",
		  "tasks_timeline.rb_node", AT(cfs_root) },
		{ "cfs_rq", "tasks_timeline.rb_leftmost", "rb_leftmost",
		  AT(cfs_leftmost) },
		{ "cfs_rq", "curr", NULL, AT(cfs_curr) },
		{ "sched_entity", "run_node", NULL, AT(se_run_node) },
		{ "rb_node", "rb_left", NULL, AT(rb_left) },
		{ "rb_node", "rb_right", NULL, AT(rb_right) },
		{ "task_struct", "se", NULL, AT(task_se) },
		{ "task_struct", "rt", NULL, AT(task_rt) },
		{ "task_struct", "prio", NULL, AT(task_prio) },
		{ "task_struct", "on_rq", NULL, AT(task_on_rq) },
		{ "sched_rt_entity", "run_list", NULL, AT(rt_run_list) },
		{ "rt_prio_array", "queue", NULL, AT(rt_queue) },
		{ "rt_rq", "active", NULL, AT(rt_rq_active) },
#undef AT
	};
	struct runq *r = calloc(1, sizeof(*r));
	struct error *err = NULL;
	size_t i;

	if (!r)
		return error_nomem();
	r->k = k;
	r->t = t;
	for (i = 0; i < sizeof(need) / sizeof(need[0]) && !err; i++) {
		struct kernel_field *f = (struct kernel_field *)((char *)r +
								 need[i].at);

		err = kernel_field(k, need[i].type, need[i].member, f);
		if (err && need[i].alt) {
			error_free(err);
			err = kernel_field(k, need[i].type, need[i].alt, f);
		}
	}
	if (!err)
		err = kernel_type_size(k, "list_head", &r->list_head_size);
	if (err) {
		free(r);
		return error_prefix(err, "runqueues");
	}
	/* MAX_RT_PRIO lists: the array's length from the debug info */
	r->rt_queues = r->list_head_size ?
		(unsigned int)(r->rt_queue.size / r->list_head_size) : 0;
	/* group scheduling: FAIR_GROUP_SCHED, RT_GROUP_SCHED */
	r->has_se_my_q = kernel_field_if(k, "sched_entity", "my_q",
					 &r->se_my_q);
	r->has_rt_my_q = kernel_field_if(k, "sched_rt_entity", "my_q",
					 &r->rt_my_q);
	/* cfs_rq.nr_running was renamed nr_queued in 6.14 (736c55a02c47) */
	if (!kernel_field_if(k, "cfs_rq", "nr_running", &r->cfs_nr_running))
		kernel_field_if(k, "cfs_rq", "nr_queued", &r->cfs_nr_running);
	kernel_field_if(k, "cfs_rq", "tg", &r->cfs_tg);
	r->has_cfs_throttled = kernel_field_if(k, "cfs_rq", "throttled",
					       &r->cfs_throttled);
	kernel_field_if(k, "rt_rq", "tg", &r->rt_rq_tg);
	kernel_field_if(k, "rt_rq", "rt_nr_running", &r->rt_rq_nr_running);
	kernel_field_if(k, "rt_rq", "highest_prio", &r->rt_rq_highest_prio);
	r->has_rt_throttled = kernel_field_if(k, "rt_rq", "rt_throttled",
					      &r->rt_rq_throttled);
	*ret = r;
	return NULL;
}

void runq_close(struct runq *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->ngroups; i++)
		free(r->groups[i].name);
	free(r->groups);
	free(r);
}

static struct error *read_int(const struct runq *r, uint64_t addr,
			      const struct kernel_field *f, int *value)
{
	uint64_t v;
	struct error *err = kernel_read_field(r->k, addr, f, &v);

	if (!err)
		*value = (int)(int32_t)v;
	return err;
}

struct error *runq_cpu(struct runq *r, unsigned int cpu, struct runq_cpu *out)
{
	uint64_t runqueues;
	struct error *err = kernel_symbol(r->k, "runqueues", &runqueues);

	if (!err)
		err = kernel_per_cpu(r->k, runqueues, cpu, &out->rq);
	if (err)
		return error_prefix(err, "runqueue of cpu %u", cpu);
	out->rt_array = out->rq + r->rq_rt_active.offset;
	out->cfs_rq = out->rq + r->rq_cfs.offset;
	out->cfs_root = out->cfs_rq + r->cfs_root.offset;
	return NULL;
}

/* The task whose member at offset lies at addr, by the task table; NULL
 * and an error item if there is none (a damaged queue). */
static const struct task *task_at(struct runq *r, uint64_t addr,
				  uint64_t offset, const char *what,
				  uint64_t queue, struct runq_list *out,
				  int depth, struct error **fatal)
{
	const struct task *task = tasks_by_addr(r->t, addr - offset);

	if (!task)
		*fatal = damage(out, depth, error_create(
			ERR_FORMAT, "%s %#" PRIx64 ": entry %#" PRIx64 " is "
			"not a known task's (task_struct %#" PRIx64 ")", what,
			queue, addr, addr - offset));
	return task;
}

/*
 * The nodes of the red-black tree whose root pointer is at root_ptr, in
 * order (leftmost first), to fn; the walk stops at fn's nonzero answer.
 * A node that cannot be read, met twice, or a tree deeper than any
 * red-black tree: an error naming the node.
 */
typedef int (*rb_fn)(void *arg, uint64_t node);

static struct error *rb_walk(const struct runq *r, uint64_t root_ptr,
			     rb_fn fn, void *arg)
{
	uint64_t stack[MAX_TREE_DEPTH], node;
	struct addr_set seen = { 0 };
	size_t depth = 0;
	struct error *err = kernel_read_pointer(r->k, root_ptr, &node);

	if (err)
		return err;
	while (node || depth) {
		while (node) {
			int fresh = addr_set_add(&seen, node);

			if (fresh <= 0) {
				addr_set_free(&seen);
				return fresh < 0 ? error_nomem() :
					error_create(ERR_FORMAT, "rb_node %#"
						     PRIx64 " is met twice: "
						     "a loop", node);
			}
			if (depth == MAX_TREE_DEPTH || seen.n > MAX_ENTRIES) {
				addr_set_free(&seen);
				return error_create(ERR_FORMAT, "rb_node %#"
						    PRIx64 " lies deeper than "
						    "a red-black tree can go",
						    node);
			}
			stack[depth++] = node;
			err = kernel_read_pointer(r->k,
						  node + r->rb_left.offset,
						  &node);
			if (err) {
				addr_set_free(&seen);
				return error_prefix(err, "rb_node %#" PRIx64,
						    stack[depth - 1]);
			}
		}
		node = stack[--depth];
		if (fn(arg, node))
			break;
		err = kernel_read_pointer(r->k, node + r->rb_right.offset,
					  &node);
		if (err) {
			err = error_prefix(err, "rb_node %#" PRIx64,
					   stack[depth]);
			break;
		}
	}
	addr_set_free(&seen);
	return err;
}

/* The entries of the list_head at head, to fn (entry: the list_head's
 * address); stops at fn's nonzero answer. */
static struct error *list_walk(const struct runq *r, uint64_t head,
			       int (*fn)(void *arg, uint64_t entry),
			       void *arg)
{
	struct addr_set seen = { 0 };
	uint64_t next;
	struct error *err = kernel_read_pointer(r->k, head, &next);

	while (!err && next != head) {
		int fresh = addr_set_add(&seen, next);

		if (fresh < 0) {
			err = error_nomem();
		} else if (!fresh || seen.n > MAX_ENTRIES) {
			err = error_create(ERR_FORMAT, "the list at %#" PRIx64
					   " comes back to %#" PRIx64 ": a loop",
					   head, next);
		} else if (!next) {
			err = error_create(ERR_FORMAT, "a NULL pointer in the "
					   "list at %#" PRIx64, head);
		} else if (fn(arg, next)) {
			break;
		} else {
			uint64_t at = next;

			err = kernel_read_pointer(r->k, at, &next);
			if (err)
				err = error_prefix(err, "list entry %#" PRIx64
						   " of the list at %#" PRIx64,
						   at, head);
		}
	}
	addr_set_free(&seen);
	return err;
}

/* Collect the nodes or entries of a walk first, then visit them: the
 * visits recurse into group queues, which walk trees of their own. */
struct addrs {
	uint64_t *a;
	size_t n, cap;
	bool nomem;
};

static int addrs_add(void *arg, uint64_t addr)
{
	struct addrs *s = arg;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		uint64_t *n = realloc(s->a, cap * sizeof(*n));

		if (!n) {
			s->nomem = true;
			return 1;
		}
		s->a = n;
		s->cap = cap;
	}
	s->a[s->n++] = addr;
	return 0;
}

/* The nodes of cfs_rq's tree, leftmost first (none if rb_leftmost is NULL,
 * as the scheduler reads it); a walk error becomes an error item after
 * the nodes read before it. */
static struct error *cfs_nodes(struct runq *r, uint64_t cfs_rq,
			       struct addrs *nodes, struct error **walk_err)
{
	uint64_t leftmost;
	struct error *err = kernel_read_field(r->k, cfs_rq, &r->cfs_leftmost,
					      &leftmost);

	*walk_err = NULL;
	if (err)
		return error_prefix(err, "cfs_rq %#" PRIx64, cfs_rq);
	if (!leftmost)
		return NULL;
	err = rb_walk(r, cfs_rq + r->cfs_root.offset, addrs_add, nodes);
	if (nodes->nomem) {
		error_free(err);
		return error_nomem();
	}
	if (err)
		*walk_err = error_prefix(err, "the CFS tree of cfs_rq %#"
					 PRIx64, cfs_rq);
	return NULL;
}

static struct error *read_task_prio(struct runq *r, const struct task *task,
				    int *prio)
{
	struct error *err = read_int(r, task->addr, &r->task_prio, prio);

	return err ? error_prefix(err, "prio of pid %d", task->pid) : NULL;
}

/* A task item of the fair class: its prio read. */
static struct error *cfs_task_item(struct runq *r, struct runq_list *out,
				   const struct task *task, int depth,
				   bool current)
{
	struct runq_item *it;
	int prio = 0;
	struct error *err = read_task_prio(r, task, &prio);

	if (err)
		return damage(out, depth, err);
	it = item_add(out, RUNQ_TASK, depth);
	if (!it)
		return error_nomem();
	it->task = task;
	it->prio = prio;
	it->current = current;
	return NULL;
}

/* Each task once per cpu: a task met again means a damaged queue. */
struct cfs_flat {
	struct runq *r;
	struct runq_list *out;
	struct addr_set tasks;
	unsigned int nest;
};

static struct error *cfs_flat(struct cfs_flat *f, uint64_t cfs_rq)
{
	struct runq *r = f->r;
	struct addrs nodes = { 0 };
	struct error *err = NULL, *walk_err = NULL;
	uint64_t curr, my_q;
	size_t i;

	if (++f->nest > MAX_GROUP_DEPTH) {
		f->nest--;
		return damage(f->out, 0, error_create(
			ERR_FORMAT, "cfs_rq %#" PRIx64 ": group queues nest "
			"deeper than %d levels: a loop", cfs_rq,
			MAX_GROUP_DEPTH));
	}
	/* a group's entity running now is not in the tree, its tasks are
	 * in its own queue */
	if (r->has_se_my_q) {
		err = kernel_read_field(r->k, cfs_rq, &r->cfs_curr, &curr);
		if (!err && curr) {
			err = kernel_read_field(r->k, curr, &r->se_my_q, &my_q);
			if (!err && my_q)
				err = cfs_flat(f, my_q);
		}
		if (err && err->code != ERR_NOMEM)
			err = damage(f->out, 0, error_prefix(
				err, "curr of cfs_rq %#" PRIx64, cfs_rq));
	}
	if (!err)
		err = cfs_nodes(r, cfs_rq, &nodes, &walk_err);
	if (err && err->code != ERR_NOMEM)
		err = damage(f->out, 0, err);
	for (i = 0; i < nodes.n && !err; i++) {
		uint64_t se = nodes.a[i] - r->se_run_node.offset;
		const struct task *task;
		int fresh;

		if (r->has_se_my_q) {
			err = kernel_read_field(r->k, se, &r->se_my_q, &my_q);
			if (err) {
				err = damage(f->out, 0, error_prefix(
					err, "sched_entity %#" PRIx64, se));
				break;
			}
			if (my_q) {
				err = cfs_flat(f, my_q);
				continue;
			}
		}
		task = task_at(r, se, r->task_se.offset, "the CFS tree of "
			       "cfs_rq", cfs_rq, f->out, 0, &err);
		if (!task)
			continue;
		fresh = addr_set_add(&f->tasks, task->addr);
		if (fresh < 0) {
			err = error_nomem();
		} else if (!fresh) {
			err = damage(f->out, 0, error_create(
				ERR_FORMAT, "the CFS tree of cfs_rq %#" PRIx64
				" holds task %#" PRIx64 " twice", cfs_rq,
				task->addr));
			break;
		} else {
			err = cfs_task_item(r, f->out, task, 0, false);
		}
	}
	if (!err && walk_err) {
		err = damage(f->out, 0, walk_err);
		walk_err = NULL;
	}
	error_free(walk_err);
	free(nodes.a);
	f->nest--;
	return err;
}

struct error *runq_cfs_queued(struct runq *r, const struct runq_cpu *c,
			      struct runq_list *out)
{
	struct cfs_flat f = { .r = r, .out = out };
	struct error *err = cfs_flat(&f, c->cfs_rq);

	addr_set_free(&f.tasks);
	return err;
}

/*
 * The real-time class: each priority's list of sched_rt_entity (linked
 * through run_list).  An entity with a queue of its own (my_q) is a task
 * group's.  fn gets each entity with its priority index.
 */
struct rt_walk {
	struct runq *r;
	struct runq_list *out;
	unsigned int nest;
	/* group nesting: -g keeps it, the plain listing flattens it */
	bool nested;
};

static struct error *rt_groups_queue(struct rt_walk *w, uint64_t rt_rq,
				     unsigned int cpu, int depth);

static struct error *rt_array(struct rt_walk *w, uint64_t array, int depth,
			      unsigned int cpu, size_t *total)
{
	struct runq *r = w->r;
	struct error *err = NULL;
	unsigned int prio;

	if (++w->nest > MAX_GROUP_DEPTH) {
		w->nest--;
		return damage(w->out, depth, error_create(
			ERR_FORMAT, "rt_prio_array %#" PRIx64 ": group queues "
			"nest deeper than %d levels: a loop", array,
			MAX_GROUP_DEPTH));
	}
	for (prio = 0; prio < r->rt_queues && !err; prio++) {
		uint64_t head = array + r->rt_queue.offset +
				prio * r->list_head_size;
		struct addrs entries = { 0 };
		struct error *walk_err = list_walk(r, head, addrs_add,
						   &entries);
		size_t i;

		if (entries.nomem) {
			error_free(walk_err);
			free(entries.a);
			err = error_nomem();
			break;
		}
		for (i = 0; i < entries.n && !err; i++) {
			uint64_t rt_se = entries.a[i] - r->rt_run_list.offset;
			const struct task *task;
			struct runq_item *it;
			uint64_t my_q = 0;

			if (r->has_rt_my_q) {
				err = kernel_read_field(r->k, rt_se,
							&r->rt_my_q, &my_q);
				if (err) {
					err = damage(w->out, depth, error_prefix(
						err, "sched_rt_entity %#"
						PRIx64, rt_se));
					break;
				}
			}
			if (my_q && w->nested) {
				it = item_add(w->out, RUNQ_GROUP, depth);
				if (!it) {
					err = error_nomem();
					break;
				}
				it->prio = (int)prio;
				it->queue = my_q;
				(*total)++;
				err = rt_groups_queue(w, my_q, cpu, depth + 1);
				continue;
			}
			if (my_q) {
				err = rt_array(w, my_q + r->rt_rq_active.offset,
					       depth, cpu, total);
				continue;
			}
			task = task_at(r, rt_se, r->task_rt.offset,
				       "the RT priority list at", head, w->out,
				       depth, &err);
			if (!task)
				continue;
			it = item_add(w->out, RUNQ_TASK, depth);
			if (!it) {
				err = error_nomem();
				break;
			}
			it->task = task;
			it->prio = (int)prio;
			(*total)++;
		}
		free(entries.a);
		if (!err && walk_err)
			err = damage(w->out, depth, error_prefix(
				walk_err, "RT priority %u", prio));
		else
			error_free(walk_err);
	}
	w->nest--;
	return err;
}

struct error *runq_rt_queued(struct runq *r, const struct runq_cpu *c,
			     struct runq_list *out)
{
	struct rt_walk w = { .r = r, .out = out };
	size_t total = 0;
	return rt_array(&w, c->rt_array, 0, 0, &total);
}

struct error *runq_task_on_rq(struct runq *r, const struct task *t,
			      bool *on_rq, int *prio)
{
	int v;
	struct error *err = read_int(r, t->addr, &r->task_on_rq, &v);

	if (!err)
		err = read_task_prio(r, t, prio);
	if (err)
		return error_prefix(err, "task_struct %#" PRIx64, t->addr);
	*on_rq = v != 0;
	return NULL;
}

/* ---- task groups (-g) ---- */

/* A string of at most size - 1 bytes at addr. */
static struct error *read_string(const struct runq *r, uint64_t addr,
				 char *buf, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		/* up to the end of the page: the next may not be mapped */
		size_t chunk = 4096 - ((addr + n) & 4095), i;
		char tmp[64];
		struct error *err;

		if (chunk > sizeof(tmp))
			chunk = sizeof(tmp);
		if (chunk > size - 1 - n)
			chunk = size - 1 - n;
		err = kernel_read(r->k, addr + n, tmp, chunk);
		if (err)
			return err;
		for (i = 0; i < chunk; i++) {
			buf[n++] = tmp[i];
			if (!tmp[i])
				return NULL;
		}
	}
	buf[n] = '\0';
	return NULL;
}

/* The name of the group's cgroup: its kernfs node's ("/" for the root),
 * or NULL if it has none (an autogroup). */
static char *group_name(const struct runq *r, uint64_t tg)
{
	uint64_t cgroup, kn, parent, name;
	char buf[256];

	if (!r->has_names ||
	    kernel_read_field(r->k, tg, &r->tg_cgroup, &cgroup) || !cgroup ||
	    kernel_read_field(r->k, cgroup, &r->cgroup_kn, &kn) || !kn ||
	    kernel_read_field(r->k, kn, &r->kn_parent, &parent))
		return NULL;
	if (!parent)
		return strdup("/");
	if (kernel_read_field(r->k, kn, &r->kn_name, &name) || !name)
		return NULL;
	struct error *err = read_string(r, name, buf, sizeof(buf));

	if (err) {
		error_free(err);
		return NULL;
	}
	return strdup(buf);
}

static int by_depth(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->depth - y->depth;
}

struct error *runq_root_group(struct runq *r, struct runq_root *out)
{
	const struct kernel *k = r->k;

	memset(out, 0, sizeof(*out));
	/* renamed root_task_group in 2.6.32 (07e06b011db2) */
	if (!kernel_symbol_quiet(k, "init_task_group", &out->group))
		out->init_name = true;
	else if (kernel_symbol_quiet(k, "root_task_group", &out->group))
		return error_create(ERR_UNSUPPORTED, "no root task group "
				    "(root_task_group) in this kernel");
	r->has_tg_cfs = kernel_field_if(k, "task_group", "cfs_rq",
					&r->tg_cfs_rq);
	r->has_tg_rt = kernel_field_if(k, "task_group", "rt_rq",
				       &r->tg_rt_rq);
	if ((!r->has_tg_cfs && !r->has_tg_rt) ||
	    !kernel_field_if(k, "task_group", "parent", &r->tg_parent) ||
	    !kernel_field_if(k, "task_group", "children", &r->tg_children) ||
	    !kernel_field_if(k, "task_group", "siblings", &r->tg_siblings))
		return error_create(ERR_UNSUPPORTED, "this kernel has no "
				    "task group scheduling");
	r->has_names =
		kernel_field_if(k, "task_group", "css.cgroup", &r->tg_cgroup) &&
		kernel_field_if(k, "cgroup", "kn", &r->cgroup_kn) &&
		kernel_field_if(k, "kernfs_node", "name", &r->kn_name) &&
		/* __parent since 6.15 (633488947ef6) */
		(kernel_field_if(k, "kernfs_node", "parent", &r->kn_parent) ||
		 kernel_field_if(k, "kernfs_node", "__parent",
				 &r->kn_parent));
	out->rt = r->has_tg_rt;
	out->cfs = r->has_tg_cfs;
	return NULL;
}

/* Every task group, the root's descendants through children/siblings,
 * depth first; then sorted by depth (stable: tree order within one). */
static struct error *groups_read(struct runq *r, uint64_t root)
{
	struct {
		uint64_t head, next;
		int index;
	} stack[MAX_GROUP_DEPTH + 1];
	struct addr_set seen = { 0 };
	int sp = 0;
	struct error *err = NULL;
	size_t cap = 0;

	r->groups_read = true;
	for (;;) {
		uint64_t tg;
		struct group *g;

		if (sp == 0 && r->ngroups) {
			break;
		} else if (r->ngroups == 0) {
			tg = root;
		} else {
			/* the next child of the group on top of the stack */
			uint64_t next = stack[sp - 1].next;

			if (next == stack[sp - 1].head) {
				sp--;
				continue;
			}
			if (!next) {
				err = error_create(ERR_FORMAT, "a NULL pointer "
						   "in the children of "
						   "task_group %#" PRIx64,
						   r->groups[stack[sp - 1]
							     .index].tg);
				break;
			}
			tg = next - r->tg_siblings.offset;
			err = kernel_read_pointer(r->k, next,
						  &stack[sp - 1].next);
			if (err) {
				err = error_prefix(err, "task_group %#" PRIx64,
						   tg);
				break;
			}
		}
		if (addr_set_add(&seen, tg) <= 0 || r->ngroups >= MAX_GROUPS) {
			err = error_create(ERR_FORMAT, "the task group tree "
					   "comes back to task_group %#" PRIx64
					   ": a loop", tg);
			break;
		}
		if (sp > MAX_GROUP_DEPTH - 1) {
			err = error_create(ERR_FORMAT, "task_group %#" PRIx64
					   " nests deeper than %d levels", tg,
					   MAX_GROUP_DEPTH);
			break;
		}
		if (r->ngroups == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct group *n = realloc(r->groups,
						  ncap * sizeof(*n));

			if (!n) {
				err = error_nomem();
				break;
			}
			r->groups = n;
			cap = ncap;
		}
		g = &r->groups[r->ngroups];
		g->tg = tg;
		g->depth = sp;
		g->parent = sp ? stack[sp - 1].index : -1;
		g->name = group_name(r, tg);
		g->use = false;
		stack[sp].head = tg + r->tg_children.offset;
		stack[sp].index = (int)r->ngroups++;
		err = kernel_read_pointer(r->k, stack[sp].head,
					  &stack[sp].next);
		if (err) {
			err = error_prefix(err, "children of task_group %#"
					   PRIx64, tg);
			break;
		}
		sp++;
	}
	addr_set_free(&seen);
	/* parents by address, as the indices change in the sort */
	{
		uint64_t *parent_tg = calloc(r->ngroups ? r->ngroups : 1,
					     sizeof(*parent_tg));
		size_t i, j;

		if (!parent_tg) {
			error_free(err);
			return error_nomem();
		}
		for (i = 0; i < r->ngroups; i++)
			parent_tg[i] = r->groups[i].parent >= 0 ?
				r->groups[r->groups[i].parent].tg : 0;
		/* a stable sort: insertion, by depth */
		for (i = 1; i < r->ngroups; i++) {
			struct group g = r->groups[i];
			uint64_t p = parent_tg[i];

			for (j = i; j > 0 && by_depth(&r->groups[j - 1],
						      &g) > 0; j--) {
				r->groups[j] = r->groups[j - 1];
				parent_tg[j] = parent_tg[j - 1];
			}
			r->groups[j] = g;
			parent_tg[j] = p;
		}
		for (i = 0; i < r->ngroups; i++) {
			r->groups[i].parent = -1;
			for (j = 0; j < r->ngroups && parent_tg[i]; j++)
				if (r->groups[j].tg == parent_tg[i]) {
					r->groups[i].parent = (int)j;
					break;
				}
		}
		free(parent_tg);
	}
	return err;
}

/* The group's queue of the class on cpu: task_group.cfs_rq[cpu] or
 * rt_rq[cpu], arrays of per-cpu pointers. */
static struct error *group_queue(struct runq *r, uint64_t tg, bool rt,
				 unsigned int cpu, uint64_t *queue)
{
	uint64_t array;
	struct error *err = kernel_read_field(r->k, tg, rt ? &r->tg_rt_rq :
					      &r->tg_cfs_rq, &array);

	if (!err)
		err = kernel_read_pointer(r->k, array + 8 * (uint64_t)cpu,
					  queue);
	return err ? error_prefix(err, "task_group %#" PRIx64, tg) : NULL;
}

static void groups_reset(struct runq *r)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++)
		r->groups[i].use = r->groups[i].depth != 0;
}

static struct group *group_by_tg(struct runq *r, uint64_t tg)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++)
		if (r->groups[i].tg == tg)
			return &r->groups[i];
	return NULL;
}

static struct error *group_item(struct runq *r, struct runq_list *out,
				struct group *g, bool rt, uint64_t queue,
				int depth)
{
	struct runq_item *it = item_add(out, RUNQ_GROUP, depth);
	uint64_t v = 0;

	if (!it)
		return error_nomem();
	it->group = g->tg;
	it->queue = queue;
	it->name = g->name;
	if (rt ? r->has_rt_throttled : r->has_cfs_throttled) {
		struct error *err = kernel_read_field(
			r->k, queue, rt ? &r->rt_rq_throttled :
			&r->cfs_throttled, &v);

		if (err)
			return damage(out, depth, error_prefix(
				err, "%s %#" PRIx64, rt ? "rt_rq" : "cfs_rq",
				queue));
	}
	it->throttled = (int32_t)v != 0;
	if (rt) {
		int prio;
		struct error *err = read_int(r, queue, &r->rt_rq_highest_prio,
					     &prio);

		if (err)
			return damage(out, depth, error_prefix(
				err, "rt_rq %#" PRIx64, queue));
		it->prio = prio;
	}
	g->use = false;
	return NULL;
}

/* The headers of g's ancestors not shown yet on this cpu, outermost
 * first. */
static struct error *group_parents(struct runq *r, struct runq_list *out,
				   struct group *g, bool rt, unsigned int cpu)
{
	struct group *p = g->parent >= 0 ? &r->groups[g->parent] : NULL;
	uint64_t queue;
	struct error *err;

	if (!p || !p->use)
		return NULL;
	err = group_parents(r, out, p, rt, cpu);
	if (!err)
		err = group_queue(r, p->tg, rt, cpu, &queue);
	if (err)
		return err->code == ERR_NOMEM ? err : damage(out, p->depth,
							     err);
	/* a real-time group's header goes with its parent's entries */
	return group_item(r, out, p, rt, queue, rt ? p->depth - 1 : p->depth);
}

struct cfs_groups {
	struct runq *r;
	struct runq_list *out;
	const struct task *current;
	unsigned int cpu;
	struct addr_set tasks;
};

static struct error *cfs_group_queue(struct cfs_groups *c, uint64_t cfs_rq,
				     int depth, size_t *total);

/*
 * The groups one level below the queue at depth whose own queue on this
 * cpu is not in it: a throttled group is dequeued from its parent, its
 * tasks stay in its queue.  Groups whose queue is empty may have such
 * descendants.
 */
static struct error *lower_dequeued(struct cfs_groups *c, uint64_t queue,
				    int depth, bool rt, size_t *total)
{
	struct runq *r = c->r;
	struct error *err = NULL;
	uint64_t tg;
	size_t i;

	if (depth >= MAX_GROUP_DEPTH)
		return NULL;
	err = kernel_read_field(r->k, queue, rt ? &r->rt_rq_tg : &r->cfs_tg,
				&tg);
	if (err)
		return damage(c->out, depth, error_prefix(
			err, "%s %#" PRIx64, rt ? "rt_rq" : "cfs_rq", queue));
	for (i = 0; i < r->ngroups && !err; i++) {
		struct group *g = &r->groups[i];
		uint64_t q;
		int nr;

		if (!g->use || g->depth - depth != 1 || g->parent < 0 ||
		    r->groups[g->parent].tg != tg)
			continue;
		err = group_queue(r, g->tg, rt, c->cpu, &q);
		if (!err && q == queue)
			continue;
		if (!err)
			err = read_int(r, q, rt ? &r->rt_rq_nr_running :
				       &r->cfs_nr_running, &nr);
		if (err) {
			err = damage(c->out, depth + 1, err);
			continue;
		}
		if (nr == 0) {
			err = lower_dequeued(c, q, depth + 1, rt, total);
			continue;
		}
		err = group_parents(r, c->out, g, rt, c->cpu);
		if (err)
			break;
		(*total)++;
		if (rt) {
			struct rt_walk w = { .r = r, .out = c->out,
					     .nested = true };

			/* a real-time group's header goes with its
			 * parent's entries */
			err = group_item(r, c->out, g, true, q, depth);
			if (!err)
				err = rt_groups_queue(&w, q, c->cpu,
						      depth + 1);
		} else {
			err = cfs_group_queue(c, q, depth + 1, total);
		}
	}
	return err;
}

/* One fair queue by group: its header (below the root), the running
 * task or group, the tree, the dequeued groups below; "no tasks" if none
 * of these has any.  *total counts what was shown. */
static struct error *cfs_group_queue(struct cfs_groups *c, uint64_t cfs_rq,
				     int depth, size_t *total)
{
	struct runq *r = c->r;
	struct addrs nodes = { 0 };
	struct error *err = NULL, *walk_err = NULL;
	uint64_t curr = 0, my_q = 0, tg;
	size_t n = 0, i;

	if (depth > MAX_GROUP_DEPTH)
		return damage(c->out, depth, error_create(
			ERR_FORMAT, "cfs_rq %#" PRIx64 ": group queues nest "
			"deeper than %d levels: a loop", cfs_rq,
			MAX_GROUP_DEPTH));
	if (depth) {
		struct group *g;

		err = kernel_read_field(r->k, cfs_rq, &r->cfs_tg, &tg);
		if (err)
			return damage(c->out, depth, error_prefix(
				err, "cfs_rq %#" PRIx64, cfs_rq));
		g = group_by_tg(r, tg);
		if (g && (err = group_item(r, c->out, g, false, cfs_rq,
					   depth)))
			return err;
	}
	err = kernel_read_field(r->k, cfs_rq, &r->cfs_curr, &curr);
	if (!err && curr && r->has_se_my_q)
		err = kernel_read_field(r->k, curr, &r->se_my_q, &my_q);
	if (err && (err = damage(c->out, depth, error_prefix(
			     err, "curr of cfs_rq %#" PRIx64, cfs_rq))))
		return err;
	if (my_q) {
		n++;
		err = cfs_group_queue(c, my_q, depth + 1, &n);
	} else if (curr && c->current &&
		   curr - r->task_se.offset == c->current->addr) {
		/* the running task is out of the tree while it runs */
		n++;
		err = cfs_task_item(r, c->out, c->current, depth, true);
	}
	if (!err)
		err = cfs_nodes(r, cfs_rq, &nodes, &walk_err);
	if (err && err->code != ERR_NOMEM)
		err = damage(c->out, depth, err);
	for (i = 0; i < nodes.n && !err; i++) {
		uint64_t se = nodes.a[i] - r->se_run_node.offset;
		const struct task *task;
		int fresh;

		my_q = 0;
		if (r->has_se_my_q) {
			err = kernel_read_field(r->k, se, &r->se_my_q, &my_q);
			if (err) {
				err = damage(c->out, depth, error_prefix(
					err, "sched_entity %#" PRIx64, se));
				break;
			}
		}
		if (my_q) {
			n++;
			err = cfs_group_queue(c, my_q, depth + 1, &n);
			continue;
		}
		task = task_at(r, se, r->task_se.offset, "the CFS tree of "
			       "cfs_rq", cfs_rq, c->out, depth, &err);
		if (!task)
			continue;
		fresh = addr_set_add(&c->tasks, task->addr);
		if (fresh < 0) {
			err = error_nomem();
		} else if (!fresh) {
			err = damage(c->out, depth, error_create(
				ERR_FORMAT, "the CFS tree of cfs_rq %#" PRIx64
				" holds task %#" PRIx64 " twice", cfs_rq,
				task->addr));
			break;
		} else {
			n++;
			err = cfs_task_item(r, c->out, task, depth, false);
		}
	}
	if (!err && walk_err) {
		err = damage(c->out, depth, walk_err);
		walk_err = NULL;
	}
	error_free(walk_err);
	free(nodes.a);
	if (!err)
		err = lower_dequeued(c, cfs_rq, depth, false, &n);
	if (!err && !n && !item_add(c->out, RUNQ_EMPTY, depth))
		err = error_nomem();
	*total += n;
	return err;
}

struct error *runq_groups_cfs(struct runq *r, unsigned int cpu,
			      const struct task *current, uint64_t *queue,
			      struct runq_list *out)
{
	struct cfs_groups c = { .r = r, .out = out, .current = current,
				.cpu = cpu };
	struct runq_root root;
	size_t total = 0;
	struct error *err = runq_root_group(r, &root);

	if (!err && !root.cfs)
		return error_create(ERR_UNSUPPORTED, "no fair group queues");
	if (!err && !r->groups_read) {
		err = groups_read(r, root.group);
		if (err && err->code != ERR_NOMEM)
			err = damage(out, 0, err);
	}
	if (!err)
		err = group_queue(r, root.group, false, cpu, queue);
	if (err)
		return err;
	groups_reset(r);
	err = cfs_group_queue(&c, *queue, 0, &total);
	addr_set_free(&c.tasks);
	return err;
}

/* One real-time queue by group: its lists (groups nested), then the
 * dequeued groups below; "no tasks" if none has any. */
static struct error *rt_groups_queue(struct rt_walk *w, uint64_t rt_rq,
				     unsigned int cpu, int depth)
{
	struct runq *r = w->r;
	struct cfs_groups c = { .r = r, .out = w->out, .cpu = cpu };
	size_t total = 0;
	struct error *err;
	uint64_t tg;

	if (depth > MAX_GROUP_DEPTH)
		return damage(w->out, depth, error_create(
			ERR_FORMAT, "rt_rq %#" PRIx64 ": group queues nest "
			"deeper than %d levels: a loop", rt_rq,
			MAX_GROUP_DEPTH));
	if (depth && w->out->n &&
	    w->out->items[w->out->n - 1].kind == RUNQ_GROUP &&
	    !kernel_read_field(r->k, rt_rq, &r->rt_rq_tg, &tg)) {
		/* name the group entry just added */
		struct runq_item *it = &w->out->items[w->out->n - 1];
		struct group *g = group_by_tg(r, tg);

		if (g) {
			uint64_t v = 0;

			it->group = g->tg;
			it->name = g->name;
			if (r->has_rt_throttled &&
			    !kernel_read_field(r->k, rt_rq,
					       &r->rt_rq_throttled, &v))
				it->throttled = (int32_t)v != 0;
			g->use = false;
		}
	}
	err = rt_array(w, rt_rq + r->rt_rq_active.offset, depth, cpu, &total);
	if (!err)
		err = lower_dequeued(&c, rt_rq, depth, true, &total);
	if (!err && !total && !item_add(w->out, RUNQ_EMPTY, depth))
		err = error_nomem();
	return err;
}

struct error *runq_groups_rt(struct runq *r, unsigned int cpu,
			     uint64_t *queue, struct runq_list *out)
{
	struct rt_walk w = { .r = r, .out = out, .nested = true };
	struct runq_root root;
	struct error *err = runq_root_group(r, &root);

	if (!err && !root.rt)
		return error_create(ERR_UNSUPPORTED, "no RT group queues");
	if (!err && !r->groups_read) {
		err = groups_read(r, root.group);
		if (err && err->code != ERR_NOMEM)
			err = damage(out, 0, err);
	}
	if (!err)
		err = group_queue(r, root.group, true, cpu, queue);
	if (err)
		return err;
	groups_reset(r);
	return rt_groups_queue(&w, *queue, cpu, 0);
}
