#!/usr/bin/env python3
"""genpop: a population of subscribers who send mail, as an IPFIX file,
and the truth of who they are -- the test data of the impact assessment
(doc/impact.md, "The population model").

Usage: genpop.py --seed S --from DATE --days N [--cutover DATE]
                 [--persons P] [--bots B] [--servers M] [--moved F]
                 [--ipv6 F] OUT.ipfix TRUTH.json

The address plan is samples/op25b.conf's: subscribers in the dynamic
pools ftth (198.51.100.0/24, 2001:db8:100::/48) and adsl
(203.0.113.0/25), the ISP's MSA 192.0.2.27 and 2001:db8:1::587.
Outside mail servers are 192.0.2.40-59 (the big providers people use)
and addresses drawn from 198.18.0.0/15 (everyone else).

  person  1 or 2 fixed outside servers; on each day active with
          probability 0.7, then 1 to 8 sessions, all answered, at
          09:00-20:59 UTC.  A share --ipv6 of them are IPv6
          subscribers with two addresses in one /64 (privacy
          addresses), either used at random.
  bot     on every day 40 to 200 sessions spread over the whole day to
          destinations drawn anew from 198.18.0.0/15, a quarter
          answered.
  server  a subscriber's own MTA: 30 to 60 fixed destinations, on every
          day 60 to 150 sessions over the whole day, all answered.

From --cutover on, port 25 is blocked for people and bots: their
attempts are unanswered SYNs.  A share --moved of the people (fixed at
the start) send their mail to the ISP's MSA on port 587 instead.  The
servers are let through (exempted).

TRUTH.json: per day the sources of port-25 mail of each class (an IPv6
person counts once: one /64; a person who moved to submission is not
one); "window": the sources of each class over all the days;
"persons_before": people active on a day before the cut-over; of them "moved" (submitted on a day after it),
"still_blocked" (no submission, some attempt after it) and "silent".
Shares no code with op25b; writes records with genweeks.py's Writer.
"""
import argparse
import datetime
import ipaddress
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from genweeks import Writer, SYN, ACK, PSH, FIN  # noqa: E402

EST = SYN | ACK | PSH | FIN
MSA4 = ipaddress.ip_address("192.0.2.27")
MSA6 = ipaddress.ip_address("2001:db8:1::587")
PROVIDERS = [ipaddress.ip_address("192.0.2.40") + i for i in range(20)]
OUTSIDE = ipaddress.ip_network("198.18.0.0/15")


def outside(rng):
    return OUTSIDE[rng.randrange(OUTSIDE.num_addresses)]


def day_of(s):
    return (datetime.date.fromisoformat(s) -
            datetime.date(1970, 1, 1)).days


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--days", type=int, required=True)
    p.add_argument("--cutover")
    p.add_argument("--persons", type=int, default=200)
    p.add_argument("--bots", type=int, default=30)
    p.add_argument("--servers", type=int, default=5)
    p.add_argument("--moved", type=float, default=0.6)
    p.add_argument("--ipv6", type=float, default=0.3)
    p.add_argument("out")
    p.add_argument("truth")
    a = p.parse_args(argv)
    rng = random.Random(a.seed)

    v4 = [ipaddress.ip_address("198.51.100.1") + i for i in range(250)] + \
        [ipaddress.ip_address("203.0.113.1") + i for i in range(120)]
    rng.shuffle(v4)
    if a.bots + a.servers + a.persons > len(v4) + 60000:
        sys.exit("genpop: more subscribers than addresses")
    people = []
    for i in range(a.persons):
        if rng.random() < a.ipv6:
            net = ipaddress.ip_network("2001:db8:100:%x::/64" % (i + 1))
            addrs = [net[rng.randrange(1, 2 ** 32)],
                     net[rng.randrange(2 ** 32, 2 ** 40)]]
        else:
            addrs = [v4.pop()]
        people.append({"addrs": addrs,
                       "servers": rng.sample(PROVIDERS, rng.randint(1, 2)),
                       "moves": rng.random() < a.moved})
    bots = [v4.pop() for _ in range(a.bots)]
    servers = [{"addr": v4.pop(),
                "dests": [outside(rng) for _ in range(rng.randint(30, 60))]}
               for _ in range(a.servers)]

    d0 = day_of(a.start)
    cut = day_of(a.cutover) if a.cutover else None
    sessions = []   # (start_ms, src, dst, dport, flags)
    truth = {"days": [], "persons_before": 0, "moved": 0,
             "still_blocked": 0, "silent": 0}
    before, after_sub, after_try, port25 = set(), set(), set(), set()
    for d in range(d0, d0 + a.days):
        blocked = cut is not None and d >= cut
        base = d * 86400000
        n = {"person": 0, "bot": 0, "server": 0}
        for i, pp in enumerate(people):
            if rng.random() >= 0.7:
                continue
            if not (blocked and pp["moves"]):
                n["person"] += 1        # a source of port-25 mail today
                port25.add(i)
            for _ in range(rng.randint(1, 8)):
                t = base + rng.randrange(9 * 3600000, 21 * 3600000)
                src = rng.choice(pp["addrs"])
                if not blocked:
                    sessions.append((t, src, rng.choice(pp["servers"]),
                                     25, EST))
                    before.add(i)
                elif pp["moves"]:
                    msa = MSA6 if src.version == 6 else MSA4
                    sessions.append((t, src, msa, 587, EST))
                    after_sub.add(i)
                else:
                    sessions.append((t, src, rng.choice(pp["servers"]),
                                     25, SYN))
                    after_try.add(i)
        for b in bots:
            n["bot"] += 1
            for _ in range(rng.randint(40, 200)):
                t = base + rng.randrange(86400000)
                ok = not blocked and rng.random() < 0.25
                sessions.append((t, b, outside(rng), 25,
                                 EST if ok else SYN))
        for s in servers:
            n["server"] += 1
            for _ in range(rng.randint(60, 150)):
                t = base + rng.randrange(86400000)
                sessions.append((t, s["addr"], rng.choice(s["dests"]), 25,
                                 EST))
        truth["days"].append(dict(
            day=datetime.date.fromordinal(
                datetime.date(1970, 1, 1).toordinal() + d).isoformat(),
            **n))
    truth["window"] = {"person": len(port25), "bot": len(bots),
                       "server": len(servers)}
    if cut is not None:
        truth["persons_before"] = len(before)
        truth["moved"] = len(before & after_sub)
        truth["still_blocked"] = len((before & after_try) - after_sub)
        truth["silent"] = len(before - after_sub - after_try)
    sessions.sort(key=lambda s: (s[0], str(s[1]), str(s[2])))
    with open(a.out, "wb") as f:
        w = Writer(f)
        for k, (t, src, dst, dport, flags) in enumerate(sessions):
            est = flags == EST
            w.record(t, t + (1500 if est else 0), src, dst,
                     1024 + k % 60000, dport, flags, 10 if est else 1,
                     2000 if est else 60)
        w.close()
    with open(a.truth, "w") as f:
        json.dump(truth, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
