/*
 * sink: the one place where decoded flows are processed (sink.h): the
 * clock check, `late`, collect; and loss.  Live and offline differ in
 * one thing, what "now" is: the clock, or the newest record read.
 */
#include <stdlib.h>
#include <string.h>

#include "sink.h"

void
sink_init(struct sink *s, struct collect *col, int64_t ahead_ms,
    int64_t behind_ms, sink_lookup_fn lookup, void *arg)
{
	s->col = col;
	s->ahead_ms = ahead_ms;
	s->behind_ms = behind_ms;
	s->lookup = lookup;
	s->arg = arg;
}

size_t
sink_flows(struct sink *s, struct flowbuf *b, int64_t now_ms)
{
	struct sink_source	 src;
	const struct flow	*f;
	int64_t			 floor_s;
	size_t			 i, n = 0;

	if (s->col == NULL) {
		b->n = 0;
		return 0;
	}
	floor_s = collect_floor(s->col);
	for (i = 0; i < b->n; i++) {
		f = &b->f[i];
		/* the source is looked up only for what it must count */
		if (s->ahead_ms >= 0 && (f->start_ms > now_ms + s->ahead_ms ||
		    f->start_ms < now_ms - s->behind_ms)) {
			if (s->lookup != NULL &&
			    (src = s->lookup(s->arg, f->exporter)).skewed != NULL)
				(*src.skewed)++;
			continue;
		}
		if (s->ahead_ms >= 0 && f->start_ms / 1000 < floor_s &&
		    s->lookup != NULL &&
		    (src = s->lookup(s->arg, f->exporter)).late != NULL)
			(*src.late)++;
		collect_flow(s->col, f);
		n++;
	}
	b->n = 0;
	return n;
}

void
sink_lost(struct sink *s, const struct exporter_stats *st, uint64_t *booked,
    int64_t now_ms)
{
	int64_t	 at;

	if (s->col == NULL || st->lost <= *booked)
		return;
	if (s->ahead_ms >= 0)
		at = now_ms / 1000;
	else if ((at = collect_stats(s->col)->newest_ms) > 0)
		at /= 1000;
	else
		return;		/* nothing read yet: nowhere to book it */
	collect_lost(s->col, at, st->lost - *booked);
	*booked = st->lost;
}
