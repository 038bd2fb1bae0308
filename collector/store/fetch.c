/*
 * Peer pulls over HTTP(S).  libcurl does the transfer; we insist on
 * verified TLS for https URLs, refuse redirects (a redirect could take
 * the token elsewhere), bound the time and the size of the answer.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "bundle.h"
#include "fetch.h"

void
fetch_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t
fetch_write(char *p, size_t size, size_t n, void *arg)
{
	struct buf	*b = arg;

	if (buf_add(b, p, size * n) == -1)
		return 0;	/* over the cap: libcurl aborts */
	return size * n;
}

/* libcurl calls this at least once a second: non-zero aborts. */
static int
fetch_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	const int	*cancel = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return cancel != NULL && __atomic_load_n(cancel, __ATOMIC_RELAXED);
}

int
fetch_url(const char *url, const char *token, long timeout,
    const int *cancel, struct buf *out, char *err, size_t errlen)
{
	struct curl_slist	*hdr = NULL;
	char			 auth[4200], cerr[CURL_ERROR_SIZE];
	long			 status = 0;
	CURL			*c;
	CURLcode		 rc;

	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "libcurl: cannot start a transfer");
		return -1;
	}
	cerr[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, (long)FETCH_LOW_SPEED);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)FETCH_LOW_TIME);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, fetch_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)(uintptr_t)cancel);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)BUNDLE_MAX);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "op25b");
	/* Every encoding libcurl decodes (a proxy may compress; the
	 * bundle's members are gzip already). */
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	if (token != NULL) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		hdr = curl_slist_append(hdr, auth);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	if (rc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(err, errlen, "%s: cancelled (reload or stop)", url);
		return -1;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT && cerr[0] != '\0' &&
	    strstr(cerr, "too slow") != NULL) {
		snprintf(err, errlen, "%s: too slow: under %d bytes/s for %d s "
		    "(%s)", url, FETCH_LOW_SPEED, FETCH_LOW_TIME, cerr);
		return -1;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", url, cerr[0] != '\0' ? cerr :
		    curl_easy_strerror(rc));
		return -1;
	}
	if (status != 200) {
		snprintf(err, errlen, "%s: HTTP %ld", url, status);
		return -1;
	}
	return 0;
}
