/*
 * pull: a thread of its own that fetches each [peer NAME] url every
 * `interval` seconds - an increment from the end of the copy held, or a
 * full bundle when none is held or the increment does not join - and
 * imports it, backing off exponentially (from a minute up to the
 * interval) after failures; a refused bundle (old, a gap, a bad
 * signature) is a failure.  The last result and error of each peer, the
 * range held and the signer's key are kept for the dashboard and
 * /metrics.
 */
#ifndef OP25B_PULL_H
#define OP25B_PULL_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct pull_status {
	char		 name[CONF_NAME_MAX + 1];
	int64_t		 last_attempt;	/* UNIX s; 0: never */
	int64_t		 last_success;
	int64_t		 generated;	/* of the bundle last imported */
	int64_t		 held_from;	/* the copy held after it */
	int64_t		 held_to;
	int64_t		 next;
	unsigned	 failures;	/* in a row */
	uint64_t	 pulls;
	uint64_t	 errors;
	uint64_t	 increments;	/* of the pulls, increments */
	uint64_t	 bytes;		/* bundle bytes imported */
	uint64_t	 last_bytes;
	char		 key[64];	/* the signer's fingerprint */
	char		 last_error[256];
};

struct pull;

/* Start pulling for the peers of a config (NULL if none has a url). */
struct pull	*pull_start(struct conf *);
/* Ask the thread to end (a transfer aborts within a second); no wait. */
void		 pull_cancel(struct pull *);
/* 1 once a cancelled thread has ended: pull_stop will not block. */
int		 pull_finished(struct pull *);
/* Cancel, wait for the thread and free. */
void		 pull_stop(struct pull *);
/* Copy the statuses (at most `max`); returns how many. */
size_t		 pull_status(struct pull *, struct pull_status *, size_t);

#endif
