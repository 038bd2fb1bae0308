/* name: see name.h; ASCII classes, whatever the locale. */
#include <string.h>

#include "name.h"

int
name_ok(const char *s, size_t max)
{
	const char	*p;

	if (s == NULL || *s == '\0' || *s == '.' || *s == '-' ||
	    strlen(s) > max)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			return 0;
	return 1;
}
