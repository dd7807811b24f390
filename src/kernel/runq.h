/*
 * The runqueues: what each cpu's scheduler has queued.  The real-time
 * class keeps one list per priority (rt_rq.active.queue[]), the fair class
 * a red-black tree ordered by virtual runtime (cfs_rq.tasks_timeline); with
 * group scheduling an entry of either may stand for a task group, whose
 * own queue (se->my_q) holds its tasks.
 *
 * The readers return what they found as a list of items (tasks, task
 * groups, "nothing queued here", and damage met on the way) for cmd/ to
 * print; a damaged tree or list ends that walk with an error item naming
 * the address, and the walk of the other queues goes on.
 */
#ifndef CRASH_KERNEL_RUNQ_H
#define CRASH_KERNEL_RUNQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;
struct task;
struct task_table;

enum runq_kind {
	RUNQ_TASK,	/* a queued task */
	RUNQ_GROUP,	/* a task group's queue on this cpu; its items follow,
			 * one level deeper */
	RUNQ_EMPTY,	/* the queue at this depth holds nothing */
	RUNQ_ERROR,	/* damage: this walk stopped here */
};

struct runq_item {
	enum runq_kind kind;
	int depth;		/* 0: the cpu's own queue */
	/* RUNQ_TASK: the task's prio (fair class) or the index of its
	 * priority list (real-time class); RUNQ_GROUP of the real-time
	 * class: the group queue's highest priority */
	int prio;
	const struct task *task;	/* RUNQ_TASK */
	bool current;		/* -g: the cpu's running task (not queued in
				 * the tree while it runs) */
	uint64_t group;		/* RUNQ_GROUP: the task_group */
	uint64_t queue;		/* RUNQ_GROUP: its cfs_rq or rt_rq here */
	const char *name;	/* RUNQ_GROUP: its cgroup's name, or NULL */
	bool throttled;		/* RUNQ_GROUP: bandwidth throttled */
	struct error *error;	/* RUNQ_ERROR */
};

struct runq_list {
	struct runq_item *items;
	size_t n, cap;
};

void runq_list_free(struct runq_list *l);
/* The number of RUNQ_TASK items. */
size_t runq_list_tasks(const struct runq_list *l);

/* A reader: the members it needs, looked up once, and the task table that
 * names the tasks it finds. */
struct runq;
struct error *runq_open(const struct kernel *k, const struct task_table *t,
			struct runq **ret);
void runq_close(struct runq *r);

/* Where a cpu's runqueue and its parts are. */
struct runq_cpu {
	uint64_t rq;		/* the cpu's struct rq (runqueues) */
	uint64_t rt_array;	/* &rq->rt.active: the rt_prio_array */
	uint64_t cfs_rq;	/* &rq->cfs */
	uint64_t cfs_root;	/* &rq->cfs.tasks_timeline */
};
struct error *runq_cpu(struct runq *r, unsigned int cpu, struct runq_cpu *out);

/* The tasks queued on cpu's real-time priority lists and in its fair
 * tree, in the order the scheduler would pick them; the tasks of task
 * groups are listed in their group's place, all at depth 0. */
struct error *runq_rt_queued(struct runq *r, const struct runq_cpu *c,
			     struct runq_list *out);
struct error *runq_cfs_queued(struct runq *r, const struct runq_cpu *c,
			      struct runq_list *out);

/* Task groups (-g).  The root group: its address and whether the kernel
 * names it init_task_group (before 2.6.32) rather than root_task_group;
 * which classes have group queues (task_group.rt_rq, task_group.cfs_rq);
 * an error if there is no task group support. */
struct runq_root {
	uint64_t group;
	bool init_name;
	bool rt, cfs;
};
struct error *runq_root_group(struct runq *r, struct runq_root *out);
/* The queues of cpu by task group: the root group's queue for the class
 * (*queue), and its items, groups nested by depth.  current is the cpu's
 * running task (marked where its class's queue has it as curr). */
struct error *runq_groups_rt(struct runq *r, unsigned int cpu,
			     uint64_t *queue, struct runq_list *out);
struct error *runq_groups_cfs(struct runq *r, unsigned int cpu,
			      const struct task *current, uint64_t *queue,
			      struct runq_list *out);

/* -d: whether the task is on a runqueue (task->on_rq), and its prio. */
struct error *runq_task_on_rq(struct runq *r, const struct task *t,
			      bool *on_rq, int *prio);

#endif
