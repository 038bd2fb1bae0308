/*
 * The names of the series, in RRD data source order.  A table, so that
 * store, summary and the web agree by construction.
 */
#include <string.h>

#include "series.h"

static const char *const series_names[SERIES_MAX] = {
	"direct", "blocked", "submit", "submit_ext", "relay", "roaming",
	"other",
	"direct_oct", "blocked_oct", "submit_oct", "submit_ext_oct",
	"relay_oct", "roaming_oct", "other_oct",
	"direct_hosts", "late", "lost",
	"direct_var", "blocked_var", "submit_var", "submit_ext_var",
	"relay_var", "roaming_var", "other_var",
	"direct_unk", "blocked_unk", "submit_unk", "submit_ext_unk",
	"relay_unk", "roaming_unk", "other_unk",
	"sampled", "sampled_n"
};

const char *
series_cat_name(int cat)
{
	if (cat < 0 || cat >= CAT_MAX)
		return "none";
	return series_names[cat];
}

const char *
series_name(int s)
{
	if (s < 0 || s >= SERIES_MAX)
		return "none";
	return series_names[s];
}

int
series_is_gauge(int s)
{
	return s == SERIES_DIRECT_HOSTS;
}

int
series_cat_index(const char *name)
{
	int	 i;

	for (i = 0; i < CAT_MAX; i++)
		if (strcmp(series_names[i], name) == 0)
			return i;
	return CAT_NONE;
}
