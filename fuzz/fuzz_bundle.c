/*
 * libFuzzer target: federation import checks (format 2).  The first
 * byte picks the JSON reader and the manifest parser, the tar reader,
 * gzip inflation, or a whole import into a scratch data directory whose
 * config trusts peer "isp-a" with a key made at start-up; for imports
 * the harness signs manifest.json again with that key, so the fuzzer
 * also reaches the hash, inflation, XML, rows and restore checks behind
 * the signature.
 */
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "conf.h"
#include "fuzz_tmp.h"
#include "gz.h"
#include "jsonin.h"
#include "manifest.h"
#include "sig.h"
#include "tar.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct conf	*conf;
static struct sig_secret key;

static void
setup(void)
{
	char	 dir[] = "/tmp/op25b-fuzz-bundle-XXXXXX", text[2048];
	char	 path[1200], pub[128], err[512];

	fuzz_tmpdir(dir);
	snprintf(path, sizeof path, "%s/key", dir);
	if (sig_init() == -1 || sig_keygen(path, pub, sizeof pub, err,
	    sizeof err) == -1 || sig_secret_read(path, &key, err,
	    sizeof err) == -1)
		abort();
	snprintf(text, sizeof text, "[op25b]\nsite = isp-b\ndata_dir = %s\n"
	    "[peer isp-a]\nurl = http://127.0.0.1:1/\npublic_key = %s\n", dir,
	    pub);
	if ((conf = conf_parse("fuzz.conf", text, strlen(text), err,
	    sizeof err)) == NULL)
		abort();
}

/* Rebuild the archive with manifest.sig = our signature of the manifest. */
static void
resign(const uint8_t *data, size_t size, struct buf *out)
{
	struct tar_entry	 e[BUNDLE_MAXFILES + 2];
	uint8_t			 sig[SIG_LEN];
	char			 err[256];
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
		sig_sign(&key, e[i].data, e[i].len, sig);
		tar_add(out, "manifest.sig", sig, SIG_LEN, 0);
	}
	tar_finish(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tar_entry	 e[16];
	struct bundle_info	 info;
	struct manifest		 m;
	struct jsonin		*j;
	struct buf		 b;
	char			 err[512];

	if (conf == NULL)
		setup();
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		j = jsonin_parse((const char *)data + 1, size - 1, err,
		    sizeof err);
		jsonin_free(j);
		if (manifest_parse((const char *)data + 1, size - 1, &m, err,
		    sizeof err) == 0)
			manifest_free(&m);
		break;
	case 1:
		tar_read(data + 1, size - 1, e, 16, err, sizeof err);
		break;
	case 2:
		buf_init(&b, 1 << 20);
		gz_decompress(data + 1, size - 1, 1 << 20, &b, err,
		    sizeof err);
		buf_free(&b);
		break;
	default:
		buf_init(&b, BUNDLE_MAX);
		resign(data + 1, size - 1, &b);
		bundle_import(conf, NULL, (const uint8_t *)b.data, b.len,
		    INT64_MAX / 2, &info, err, sizeof err);
		buf_free(&b);
		break;
	}
	return 0;
}
