/*
 * seqtrack: the one reading of an exporter's header sequence number
 * against the one expected, shared by the NetFlow v5 and sFlow decoders
 * (each counts the verdict its own way).  A forward step modulo 2^32 is
 * a gap; a step back is reordering within `window', else a restart; and
 * the exporter's uptime running back by more than `restart_ms' while
 * the sequence started over (or went back) is a restart too.
 *
 * A step forward of more than SEQ_MAX_GAP is a reset, not loss (issue
 * 14): 2^24 records or datagrams is ten seconds of a large router's
 * whole export (1.6 M records/s) lost between two datagrams that did
 * arrive, so anything larger is a restart, a counter that was never in
 * step, or a forged sequence meant to book loss into the site series.
 * The IPFIX/v9 reader and sFlow's per-source sequences apply it too.
 */
#ifndef OP25B_SEQTRACK_H
#define OP25B_SEQTRACK_H

#include <stdint.h>

#define SEQ_MAX_GAP	(UINT32_C(1) << 24)

enum seqtrack {
	SEQ_IN_ORDER,		/* the one expected */
	SEQ_GAP,		/* ahead: seq - expected were lost */
	SEQ_REORDERED,		/* a little behind: keep the state */
	SEQ_RESET		/* the exporter started over */
};

static inline enum seqtrack
seqtrack(uint32_t expected, uint32_t last_uptime, uint32_t seq,
    uint32_t uptime, uint32_t restart_ms, uint32_t window)
{
	uint32_t	gap = seq - expected;
	int		uptime_back;

	if (gap == 0)
		return SEQ_IN_ORDER;
	uptime_back = uptime < last_uptime && last_uptime - uptime > restart_ms;
	if (gap < UINT32_C(0x80000000)) {
		/* forward modulo 2^32, but numerically lower: a reset */
		if ((uptime_back && seq < expected) || gap > SEQ_MAX_GAP)
			return SEQ_RESET;
		return SEQ_GAP;
	}
	if (uptime_back || (uint32_t)-gap > window)
		return SEQ_RESET;
	return SEQ_REORDERED;
}

#endif
