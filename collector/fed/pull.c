/*
 * Peer pulls in their own thread, so a slow or dead peer never holds up
 * the collector or the web.  Each peer has a next-attempt time; the
 * thread sleeps on a condition variable until the earliest one (or a
 * stop), fetches, imports, and reschedules: the interval after success,
 * 60 s doubling up to the interval after failures.  A fetch takes at
 * most half the interval (300 s at most) and is aborted sooner if it
 * trickles (fetch.h).  A reload cancels the thread without waiting for
 * it (pull_cancel): a transfer under way is aborted within a second,
 * and the daemon frees the thread once it has ended (pull_finished).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "fetch.h"
#include "manifest.h"
#include "peers.h"
#include "pull.h"
#include "secret.h"
#include "sig.h"
#include "xmalloc.h"

struct pull {
	struct conf		*conf;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 stop;		/* atomic: read by fetch */
	int			 done;		/* atomic: the thread ended */
	struct pull_status	*st;
	size_t			 n;
	size_t			*peer;		/* conf->peers index */
};

static int64_t
pull_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Fetch from a peer: with `since` (the end of the copy held) an
 * increment, else a full bundle.  0, -1 or BUNDLE_GAP (message).
 */
static int
pull_fetch(struct pull *p, const struct conf_peer *cp, const char *token,
    int64_t since, struct bundle_info *info, char *err, size_t errlen)
{
	struct buf	 in;
	char		 url[4200];
	int		 rc;

	if (since == BUNDLE_FULL)
		snprintf(url, sizeof url, "%s", cp->url);
	else
		snprintf(url, sizeof url, "%s%csince=%lld", cp->url,
		    strchr(cp->url, '?') != NULL ? '&' : '?',
		    (long long)since);
	buf_init(&in, BUNDLE_MAX);
	rc = fetch_url(url, token, cp->interval / 2 < 300 ?
	    (long)cp->interval / 2 : 300, &p->stop, &in, err, errlen);
	if (rc == 0)
		rc = bundle_import(p->conf, cp->name, (const uint8_t *)in.data,
		    in.len, pull_now_ms(), info, err, errlen);
	buf_free(&in);
	return rc;
}

static void
pull_one(struct pull *p, size_t i, int64_t now)
{
	const struct conf_peer	*cp = &p->conf->peers[p->peer[i]];
	struct bundle_info	 info;
	struct peer_info	 held;
	struct buf		 token;
	char			 err[512], why[256];
	int64_t			 since = BUNDLE_FULL;
	int			 rc = -1;
	unsigned		 delay;

	buf_init(&token, 4096);
	err[0] = '\0';
	memset(&info, 0, sizeof info);
	if (peers_read(p->conf, cp->name, &held, why, sizeof why) == 0) {
		since = held.to;
		peers_info_free(&held);
	}
	if (cp->token_file != NULL &&
	    secret_token_read(cp->token_file, &token, err, sizeof err) == -1)
		;
	else if ((rc = pull_fetch(p, cp, token.len > 0 ? buf_str(&token) :
	    NULL, since, &info, err, sizeof err)) == BUNDLE_GAP)
		/* The increment does not join: the whole copy again. */
		rc = pull_fetch(p, cp, token.len > 0 ? buf_str(&token) : NULL,
		    BUNDLE_FULL, &info, err, sizeof err);
	buf_free(&token);

	pthread_mutex_lock(&p->mu);
	p->st[i].last_attempt = now;
	p->st[i].pulls++;
	if (rc == 0) {
		p->st[i].last_success = now;
		p->st[i].generated = info.generated_ms / 1000;
		p->st[i].held_from = info.from;
		p->st[i].held_to = info.to;
		p->st[i].last_bytes = info.bytes;
		p->st[i].bytes += info.bytes;
		if (info.kind == MANIFEST_INCREMENT)
			p->st[i].increments++;
		snprintf(p->st[i].key, sizeof p->st[i].key, "%s", info.key);
		p->st[i].failures = 0;
		p->st[i].last_error[0] = '\0';
		p->st[i].next = now + cp->interval;
	} else {
		p->st[i].errors++;
		p->st[i].failures++;
		snprintf(p->st[i].last_error, sizeof p->st[i].last_error,
		    "%.250s", err);
		delay = p->st[i].failures > 10 ? cp->interval :
		    60u << (p->st[i].failures - 1);
		if (delay > cp->interval)
			delay = cp->interval;
		p->st[i].next = now + delay;
	}
	pthread_mutex_unlock(&p->mu);
}

static void *
pull_main(void *arg)
{
	struct pull	*p = arg;
	struct timespec	 until;
	int64_t		 now, next;
	size_t		 i;

	pthread_mutex_lock(&p->mu);
	while (!__atomic_load_n(&p->stop, __ATOMIC_RELAXED)) {
		now = time(NULL);
		next = INT64_MAX;
		for (i = 0; i < p->n; i++)
			if (p->st[i].next < next)
				next = p->st[i].next;
		if (next > now) {
			until.tv_sec = (time_t)next;
			until.tv_nsec = 0;
			pthread_cond_timedwait(&p->cv, &p->mu, &until);
			continue;
		}
		for (i = 0; i < p->n && !__atomic_load_n(&p->stop,
		    __ATOMIC_RELAXED); i++) {
			if (p->st[i].next > now)
				continue;
			pthread_mutex_unlock(&p->mu);
			pull_one(p, i, now);
			pthread_mutex_lock(&p->mu);
		}
	}
	pthread_mutex_unlock(&p->mu);
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

struct pull *
pull_start(struct conf *c)
{
	struct pull	*p;
	size_t		 i;
	int64_t		 now = time(NULL);

	for (i = 0; i < c->npeers; i++)
		if (c->peers[i].url != NULL)
			break;
	if (i == c->npeers)
		return NULL;
	fetch_init();
	p = xcalloc(1, sizeof *p);
	p->conf = conf_ref(c);
	p->st = xcalloc(c->npeers, sizeof *p->st);
	p->peer = xcalloc(c->npeers, sizeof *p->peer);
	for (i = 0; i < c->npeers; i++) {
		if (c->peers[i].url == NULL)
			continue;
		snprintf(p->st[p->n].name, sizeof p->st[0].name, "%s",
		    c->peers[i].name);
		p->st[p->n].next = now;
		p->peer[p->n++] = i;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->thread, NULL, pull_main, p) != 0) {
		conf_free(p->conf);
		free(p->st);
		free(p->peer);
		free(p);
		return NULL;
	}
	return p;
}

void
pull_cancel(struct pull *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int
pull_finished(struct pull *p)
{
	return __atomic_load_n(&p->done, __ATOMIC_ACQUIRE);
}

void
pull_stop(struct pull *p)
{
	if (p == NULL)
		return;
	pull_cancel(p);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	conf_free(p->conf);
	free(p->st);
	free(p->peer);
	free(p);
}

size_t
pull_status(struct pull *p, struct pull_status *out, size_t max)
{
	size_t	 n;

	if (p == NULL)
		return 0;
	pthread_mutex_lock(&p->mu);
	n = p->n < max ? p->n : max;
	memcpy(out, p->st, n * sizeof *out);
	pthread_mutex_unlock(&p->mu);
	return n;
}
