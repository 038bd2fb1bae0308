/*
 * op25b keygen: make the site's Ed25519 key pair.  The secret key goes
 * into a new file (never over an old one); the public key is the one
 * line on stdout, for the peers' [peer SITE] public_key.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "sig.h"

int
cmd_keygen(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*output = NULL;
	char		 pub[SIG_PUBLIC_STRLEN], err[1024];
	int		 ch;

	while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			return cmd_help(ce);
		default:
			return cmd_usage(ce, "unknown option or missing argument "
			    "\"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage(ce, "unexpected argument \"%s\"", argv[optind]);
	if (output == NULL)
		return cmd_usage(ce, "no output file (-o FILE)");
	if (sig_keygen(output, pub, sizeof pub, err, sizeof err) == -1) {
		fprintf(stderr, "op25b keygen: %s\n", err);
		return CMD_EXIT_ERROR;
	}
	printf("%s\n", pub);
	if (fflush(stdout) == EOF) {
		perror("op25b keygen: stdout");
		return CMD_EXIT_ERROR;
	}
	return CMD_EXIT_OK;
}
