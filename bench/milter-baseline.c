/* The floor of bench/milter.sh: the least a milter can be. libmilter,
 * only an end-of-message callback (libmilter then tells the MTA to skip
 * every other stage), which accepts the message and adds one header; no
 * database, no state. Whatever this adds to a message through Postfix,
 * any milter adds.
 *
 *   milter-baseline SOCKET        e.g. unix:/path/baseline.sock
 *
 * Built by bench/milter.sh (cc ... -lmilter). On stderr, one line per
 * message: "eom QUEUE_ID AT_US DONE_US", CLOCK_MONOTONIC microseconds
 * when the end of message came and when its reply was ready, to line up
 * with the SMTP client's clock. */

#define _GNU_SOURCE
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static unsigned long long bl_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long) ts.tv_sec * 1000000ULL + (unsigned long long) ts.tv_nsec / 1000;
}

static sfsistat bl_eom(SMFICTX *ctx)
{
	unsigned long long t0 = bl_us();
	const char *qid = smfi_getsymval(ctx, "i");

	smfi_addheader(ctx, "X-Bench-Baseline", "1");
	fprintf(stderr, "eom %s %llu %llu\n", qid != NULL ? qid : "-", t0, bl_us());
	return SMFIS_ACCEPT;
}

static struct smfiDesc bl_desc = {
	"milter-baseline", SMFI_VERSION, SMFIF_ADDHDRS,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL,   /* connect .. body: not asked for */
	bl_eom, NULL, NULL, NULL, NULL, NULL
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: milter-baseline SOCKET\n");
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (smfi_setconn(argv[1]) == MI_FAILURE || smfi_register(bl_desc) == MI_FAILURE || smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "milter-baseline: cannot listen on %s\n", argv[1]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
