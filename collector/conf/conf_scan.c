/*
 * The configuration's first pass: every line is blank, a comment, a
 * [section] header or "key = value"; inline comments ("value  # note")
 * are cut; duplicates are errors; the line of every group and key is
 * remembered for messages.  The result is clean text for GKeyFile.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_parse.h"
#include "xmalloc.h"

static const struct {
	const char	*name;
	int		 section;
	int		 named;
} conf_sections[] = {
	{ "op25b", SEC_OP25B, 0 },
	{ "listen", SEC_LISTEN, 0 },
	{ "web", SEC_WEB, 0 },
	{ "servers", SEC_SERVERS, 0 },
	{ "local", SEC_LOCAL, 0 },
	{ "export", SEC_EXPORT, 0 },
	{ "costs", SEC_COSTS, 0 },
	{ "impact", SEC_IMPACT, 0 },
	{ "pool", SEC_POOL, 1 },
	{ "pcap", SEC_PCAP, 1 },
	{ "peer", SEC_PEER, 1 },
};

/* Format "FILE:LINE: [group] key: reason" into the caller's buffer. */
int
conf_error(struct conf_parse *cp, int line, const char *group,
    const char *key, const char *fmt, ...)
{
	char	 reason[384];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	if (group != NULL && key != NULL)
		snprintf(cp->err, cp->errlen, "%s:%d: [%s] %s: %s", cp->path,
		    line, group, key, reason);
	else if (group != NULL)
		snprintf(cp->err, cp->errlen, "%s:%d: [%s]: %s", cp->path, line,
		    group, reason);
	else
		snprintf(cp->err, cp->errlen, "%s:%d: %s", cp->path, line,
		    reason);
	return -1;
}

int
conf_line_of(const struct conf_parse *cp, const char *group, const char *key)
{
	size_t	 i;

	for (i = 0; i < cp->nlines; i++) {
		const struct conf_line *l = &cp->lines[i];

		if (strcmp(l->group, group) != 0)
			continue;
		if ((key == NULL && l->key == NULL) ||
		    (key != NULL && l->key != NULL && strcmp(l->key, key) == 0))
			return l->line;
	}
	return 0;
}

static void
conf_remember(struct conf_parse *cp, const char *group, const char *key,
    int line)
{
	cp->lines = xreallocarray(cp->lines, cp->nlines + 1,
	    sizeof *cp->lines);
	cp->lines[cp->nlines].group = xstrdup(group);
	cp->lines[cp->nlines].key = key == NULL ? NULL : xstrdup(key);
	cp->lines[cp->nlines].line = line;
	cp->nlines++;
}

static char *
conf_trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Section kind of a group name ("pool ftth" -> SEC_POOL), or -1. */
int
conf_section_of(const char *group, const char **name)
{
	size_t	 i, n;

	for (i = 0; i < sizeof conf_sections / sizeof conf_sections[0]; i++) {
		n = strlen(conf_sections[i].name);
		if (strncmp(group, conf_sections[i].name, n) != 0)
			continue;
		if (!conf_sections[i].named && group[n] == '\0') {
			*name = NULL;
			return conf_sections[i].section;
		}
		if (conf_sections[i].named && group[n] == ' ') {
			*name = group + n + 1;
			return conf_sections[i].section;
		}
	}
	return -1;
}

/*
 * First pass: syntax, inline comments, duplicates, and the line of every
 * group and key.  Returns the cleaned text for GKeyFile.
 */
char *
conf_scan(struct conf_parse *cp, const char *text, size_t len)
{
	GString		*out;
	char		*copy, *line, *next, *s, *eq, *key, *val, *group = NULL;
	const char	*name;
	int		 lineno = 0, sec;
	size_t		 i;

	copy = xstrndup(text, len);
	if (strlen(copy) != len) {
		free(copy);
		conf_error(cp, 0, NULL, NULL, "contains a NUL byte");
		return NULL;
	}
	out = g_string_sized_new(len + 1);
	for (line = copy; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		s = conf_trim(line);
		if (*s == '\0' || *s == '#' || *s == ';') {
			g_string_append_c(out, '\n');
			continue;
		}
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (end == NULL || *conf_trim(end + 1) != '\0') {
				conf_error(cp, lineno, NULL, NULL,
				    "bad section header \"%s\"", s);
				goto fail;
			}
			*end = '\0';
			s = conf_trim(s + 1);
			/* Collapse "pool   x" to "pool x". */
			if ((eq = strpbrk(s, " \t")) != NULL) {
				*eq = '\0';
				val = conf_trim(eq + 1);
				free(group);
				xasprintf(&group, "%s %s", s, val);
			} else {
				free(group);
				group = xstrdup(s);
			}
			sec = conf_section_of(group, &name);
			if (sec == -1) {
				conf_error(cp, lineno, group, NULL,
				    "unknown section");
				goto fail;
			}
			if (name != NULL && !conf_name_valid(name)) {
				conf_error(cp, lineno, group, NULL, "bad name "
				    "\"%s\" (letters, digits, '.', '_', '-'; "
				    "at most %d)", name, CONF_NAME_MAX);
				goto fail;
			}
			for (i = 0; i < cp->nlines; i++)
				if (cp->lines[i].key == NULL &&
				    strcmp(cp->lines[i].group, group) == 0) {
					conf_error(cp, lineno, group, NULL,
					    "duplicate section (first on line "
					    "%d)", cp->lines[i].line);
					goto fail;
				}
			conf_remember(cp, group, NULL, lineno);
			g_string_append_printf(out, "[%s]\n", group);
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			conf_error(cp, lineno, NULL, NULL, "syntax error: "
			    "expected [section] or key = value, got \"%s\"", s);
			goto fail;
		}
		*eq = '\0';
		key = conf_trim(s);
		val = eq + 1;
		/* An inline comment starts at whitespace followed by '#'. */
		for (s = val; *s != '\0'; s++)
			if (*s == '#' && s > val &&
			    (s[-1] == ' ' || s[-1] == '\t')) {
				*s = '\0';
				break;
			}
		val = conf_trim(val);
		if (group == NULL) {
			conf_error(cp, lineno, NULL, NULL,
			    "\"%s\" is outside any section", key);
			goto fail;
		}
		for (s = key; *s != '\0'; s++)
			if (!islower((unsigned char)*s) &&
			    !isdigit((unsigned char)*s) && *s != '_')
				break;
		if (*key == '\0' || *s != '\0') {
			conf_error(cp, lineno, group, NULL,
			    "bad key name \"%s\"", key);
			goto fail;
		}
		if (conf_line_of(cp, group, key) != 0) {
			conf_error(cp, lineno, group, key, "duplicate key "
			    "(first on line %d)", conf_line_of(cp, group, key));
			goto fail;
		}
		conf_remember(cp, group, key, lineno);
		g_string_append_printf(out, "%s=%s\n", key, val);
	}
	free(copy);
	free(group);
	return g_string_free(out, FALSE);
fail:
	free(copy);
	free(group);
	g_string_free(out, TRUE);
	return NULL;
}

