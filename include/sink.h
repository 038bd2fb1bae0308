/*
 * sink: decode, then process.  Inputs decode a datagram, a message or a
 * batch of packets into a flow array the caller owns (struct flowbuf);
 * only when the decoder has returned does the sink process the array:
 * the clock check (live), `late`, the flows into collect; and what the
 * sources' counters say was lost, booked by one rule live and offline.
 * Nothing here writes storage: collect_commit does, from the commit
 * path alone.
 */
#ifndef OP25B_SINK_H
#define OP25B_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "collect.h"
#include "exporter.h"
#include "flow.h"
#include "flowbuf.h"

/*
 * Where a flow's counters go: the source's (exporter or tap) skewed and
 * late counts; NULL drops the count.  arg is the sink's.
 */
struct sink_source {
	uint64_t	*skewed;
	uint64_t	*late;
};
typedef struct sink_source (*sink_lookup_fn)(void *, uint32_t);

struct sink {
	struct collect	*col;
	int64_t		 ahead_ms;	/* live: max_skew; offline: -1 */
	int64_t		 behind_ms;	/* live: max_age */
	sink_lookup_fn	 lookup;
	void		*arg;
};

/* Live: records outside [now - max_age, now + max_skew] are counted as
 * skewed and dropped.  Offline (ahead_ms -1): the data's own time. */
void	 sink_init(struct sink *, struct collect *, int64_t, int64_t,
	    sink_lookup_fn, void *);
/* Process and empty the buffer; the flows collected. */
size_t	 sink_flows(struct sink *, struct flowbuf *, int64_t);
/*
 * Book what a source's `lost` counter gained since *booked (which it
 * updates): at `now` live, or at the newest record collected offline
 * (loss has no time of its own: it is booked where the input is).
 */
void	 sink_lost(struct sink *, const struct exporter_stats *, uint64_t *,
	    int64_t);

#endif
