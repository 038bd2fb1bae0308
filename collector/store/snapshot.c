/*
 * Snapshot hand-over between the collector and the web thread: one
 * pointer behind a mutex, each snapshot reference-counted so that the
 * last reader frees it.  The lock is held only for a pointer swap or a
 * reference increment.
 */
#include <pthread.h>
#include <stdlib.h>

#include "snapshot.h"
#include "xmalloc.h"

struct snapbox {
	pthread_mutex_t		 mu;
	struct snapshot		*cur;
};

struct snapbox *
snapbox_new(void)
{
	struct snapbox	*b;

	b = xcalloc(1, sizeof *b);
	pthread_mutex_init(&b->mu, NULL);
	return b;
}

void
snapbox_free(struct snapbox *b)
{
	if (b == NULL)
		return;
	snapshot_put(b->cur);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

void
snapbox_publish(struct snapbox *b, struct snapshot *s)
{
	struct snapshot	*old;

	pthread_mutex_lock(&b->mu);
	old = b->cur;
	b->cur = s;
	pthread_mutex_unlock(&b->mu);
	snapshot_put(old);
}

struct snapshot *
snapbox_get(struct snapbox *b)
{
	struct snapshot	*s;

	pthread_mutex_lock(&b->mu);
	if ((s = b->cur) != NULL)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&b->mu);
	return s;
}

struct snapshot *
snapshot_new(void)
{
	struct snapshot	*s;

	s = xcalloc(1, sizeof *s);
	s->refs = 1;
	s->oldest_open_bin = INT64_MIN;
	return s;
}

void
snapshot_put(struct snapshot *s)
{
	if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	conf_free(s->conf);
	free(s->ex);
	free(s->taps);
	free(s->refused);
	free(s->peers);
	free(s);
}
