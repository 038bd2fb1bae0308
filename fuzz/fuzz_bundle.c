/*
 * libFuzzer target: federation import checks.  The first byte picks the
 * JSON reader, the tar reader, or a whole import into a scratch data
 * directory whose config trusts peer "isp-a" with a known key; for
 * imports the harness re-signs manifest.json with that key, so the
 * fuzzer also reaches the hash, XML and restore checks behind the
 * signature.
 */
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "conf.h"
#include "digest.h"
#include "fuzz_tmp.h"
#include "jsonr.h"
#include "tar.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define KEY	"fuzz-key-0123456789abcdef"

static struct conf	*conf;

static void
setup(void)
{
	char	 dir[] = "/tmp/op25b-fuzz-bundle-XXXXXX", text[2048];
	char	 key[1200], err[512];
	FILE	*f;

	fuzz_tmpdir(dir);
	snprintf(key, sizeof key, "%s/key", dir);
	if ((f = fopen(key, "w")) == NULL)
		abort();
	fputs(KEY "\n", f);
	fclose(f);
	snprintf(text, sizeof text, "[op25b]\nsite = isp-b\ndata_dir = %s\n"
	    "[peer isp-a]\nurl = http://127.0.0.1:1/\nkey_file = %s\n", dir,
	    key);
	if ((conf = conf_parse("fuzz.conf", text, strlen(text), err,
	    sizeof err)) == NULL)
		abort();
}

/* Rebuild the archive with manifest.sig = HMAC(manifest.json). */
static void
resign(const uint8_t *data, size_t size, struct buf *out)
{
	struct tar_entry	 e[BUNDLE_MAXFILES + 2];
	char			 err[256], sig[DIGEST_HEX];
	int			 n, i;

	n = tar_read(data, size, e, BUNDLE_MAXFILES + 2, err, sizeof err);
	if (n <= 0) {
		buf_add(out, data, size);
		return;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(e[i].name, "manifest.sig") == 0)
			continue;
		tar_add(out, e[i].name, e[i].data, e[i].len, 0);
		if (strcmp(e[i].name, "manifest.json") != 0)
			continue;
		digest_hmac_hex(KEY, strlen(KEY), e[i].data, e[i].len, sig);
		tar_add(out, "manifest.sig", sig, strlen(sig), 0);
	}
	tar_finish(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tar_entry	 e[16];
	struct bundle_info	 info;
	struct jsonr		*j;
	struct buf		 b;
	char			 err[512];

	if (conf == NULL)
		setup();
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		j = jsonr_parse((const char *)data + 1, size - 1, err,
		    sizeof err);
		jsonr_free(j);
		break;
	case 1:
		tar_read(data + 1, size - 1, e, 16, err, sizeof err);
		break;
	default:
		buf_init(&b, BUNDLE_MAX);
		resign(data + 1, size - 1, &b);
		bundle_import(conf, (const uint8_t *)b.data, b.len, &info, err,
		    sizeof err);
		buf_free(&b);
		break;
	}
	return 0;
}
