/*
 * The scanner's count for header blocks in files, for harnesses that
 * compare it with a real MTA (tests/postfix/dedupe.sh):
 *
 *   make -C tests/scanner rcpts
 *   tests/scanner/rcpts [-e N] FILE...
 *
 * Each FILE is a whole header block as sendmail reads it (no body). One
 * line per file: the file, rcpts (repeats the MTA drops left out), rcpts
 * with every recipient counted, and 1 if anything was malformed, else 0.
 * -e N: the MTA is given N recipients on its command line besides the
 * headers (they take places in its duplicate filter first).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../ext/mailguard/scanner.h"

int main(int argc, char **argv)
{
	static mg_rcpt_set set;
	size_t env = 0, cap = 1 << 20;
	char *buf = malloc(cap);
	int i = 1, rc = 0;

	if (buf == NULL) {
		return 2;
	}
	if (argc > 2 && strcmp(argv[1], "-e") == 0) {
		env = (size_t) strtoul(argv[2], NULL, 10);
		i = 3;
	}
	mg_rcpt_set_init(&set, env < MG_DUP_FILTER_LIMIT ? MG_DUP_FILTER_LIMIT - env : 0);
	for (; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		mg_msg_summary dd, raw;
		size_t len;

		if (fp == NULL) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		len = fread(buf, 1, cap, fp);
		fclose(fp);
		mg_scan_headers(buf, len, 0, &set, NULL, NULL, &dd);
		mg_scan_headers(buf, len, 0, NULL, NULL, NULL, &raw);
		printf("%s %zu %zu %d\n", argv[i], dd.rcpts, raw.rcpts, dd.malformed);
	}
	free(buf);
	return rc;
}
