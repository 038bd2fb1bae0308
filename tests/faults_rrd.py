import os, sys
sys.path.insert(0, sys.argv[1])
import truth as T
t, tap = T.Truth(sys.argv[2]), T.Tap()
bins = t.bins()
for scope in ("ftth", "adsl", "roam", "biz"):
    name = "pool-%s.rrd" % scope
    rows = T.rrd_fetch(sys.argv[4], os.path.join(sys.argv[3], name),
                       bins[0], bins[-1])
    bad = ["bin %d %s expected %s got %s" % (b, ds, t.get(b, scope, ds),
                                             T.rrd_value(rows[b], ds))
           for b in bins for ds in T.series_of(False)
           if T.rrd_value(rows.get(b, {}), ds) != t.get(b, scope, ds)]
    tap.check(not bad, "%s: %d bins" % (name, len(bins)),
              T.mismatch_text(bad))
sys.exit(tap.finish())
