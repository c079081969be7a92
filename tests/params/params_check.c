/*
 * Standalone checks for ext/mailguard/params.c, the policy for mail()'s
 * fifth argument (build: make -C tests/params check). Inputs are copied
 * into exact-size heap buffers so AddressSanitizer sees any overread.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../ext/mailguard/params.h"

static int passed, failed;

static void check(int ok, const char *what, const char *in)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s: [%s]\n", what, in);
	}
}

/* policy, input, allowed?, extra recipients, sender (NULL: none) */
typedef struct {
	mg_params_policy policy;
	const char *in;
	int allowed;
	size_t rcpts;
	const char *sender;
} pcase;

static const pcase cases[] = {
	/* nothing is nothing, under every policy */
	{ MG_PARAMS_ENVELOPE, "", 1, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "  \t ", 1, 0, NULL },
	{ MG_PARAMS_NONE, "", 1, 0, NULL },
	{ MG_PARAMS_ANY, "", 1, 0, NULL },
	/* envelope: -f/-r with a plain address, nothing more */
	{ MG_PARAMS_ENVELOPE, "-f a@example.com", 1, 0, "a@example.com" },
	{ MG_PARAMS_ENVELOPE, "-fa@example.com", 1, 0, "a@example.com" },
	{ MG_PARAMS_ENVELOPE, "-r bounce+tag=x@mail.example.com", 1, 0, "bounce+tag=x@mail.example.com" },
	{ MG_PARAMS_ENVELOPE, " -rb_o.b-c@ex-ample.co.uk ", 1, 0, "b_o.b-c@ex-ample.co.uk" },
	{ MG_PARAMS_ENVELOPE, "-f a`id`@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a$(id)@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a;id@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a|id@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a&id@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f -oQ/tmp/x@y", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f-oQ/tmp/x@y", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f 'a b'@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f \"a\"@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a@x\nb@y", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a@x c@d", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a@x -C/etc/passwd", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a@x -X/tmp/log", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-O QueueDirectory=/tmp", 0, 0, NULL },	/* mg-lint: ok, sendmail options, not a path */
	{ MG_PARAMS_ENVELOPE, "-oi", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f @x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a@", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a@@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a@x..y", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a@-x.y", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a@x-.y", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f .a@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a..b@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a\\@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f <a@x>", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f a@[127.0.0.1]", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-f caf\xc3\xa9@x", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "c@d", 0, 0, NULL },
	{ MG_PARAMS_ENVELOPE, "-F name -f a@x", 0, 0, NULL },
	/* none: anything that is not blank is refused */
	{ MG_PARAMS_NONE, "-f a@example.com", 0, 0, NULL },
	{ MG_PARAMS_NONE, "-oi", 0, 0, NULL },
	/* any: allowed, every word that is not an option counted */
	{ MG_PARAMS_ANY, "-oi", 1, 0, NULL },
	{ MG_PARAMS_ANY, "-f a@x c@d", 1, 2, NULL },
	{ MG_PARAMS_ANY, "-fa@x c@d e@f", 1, 2, NULL },
	{ MG_PARAMS_ANY, "c@d,e@f g@h", 1, 2, NULL },
	{ MG_PARAMS_ANY, "-C /etc/passwd -X /tmp/log", 1, 2, NULL },	/* mg-lint: ok, sendmail options */
	{ MG_PARAMS_ANY, "'a b'@x", 1, 2, NULL },
	{ MG_PARAMS_ANY, "a@x\nb@y\tc@z", 1, 3, NULL },
};

/* From values: the address mailguard may offer as envelope sender, or
 * NULL when the value must not be used. */
static const struct { const char *in; const char *addr; } froms[] = {
	{ "shop@example.com", "shop@example.com" },
	{ "  shop@example.com \r\n ", "shop@example.com" },
	{ "Shop <shop@example.com>", "shop@example.com" },
	{ "\"Doe, John\" <j.doe+news@mail.example.com>", "j.doe+news@mail.example.com" },
	{ "=?utf-8?q?M=C3=BCller?= <m@example.com>", "m@example.com" },
	{ "Shop\r\n <shop@example.com>", "shop@example.com" },
	{ "<shop@example.com>", "shop@example.com" },
	{ "a@example.com, b@example.com", NULL },
	{ "A <a@example.com>, B <b@example.com>", NULL },
	{ "group: a@example.com;", NULL },
	{ "shop@example.com (Shop)", NULL },
	{ "<@route.example:shop@example.com>", NULL },
	{ "\"a b\"@example.com", NULL },
	{ "a`id`@x", NULL },
	{ "a$(id)@x", NULL },
	{ "a;id@x", NULL },
	{ "-oQ/tmp/x@y", NULL },
	{ "Name <-oQ/tmp/x@y>", NULL },
	{ "a'b@x", NULL },
	{ "a b@x", NULL },
	{ "a\n@x", NULL },
	{ "a@x\nBcc: b@y", NULL },
	{ "Name <a@x> trailing", NULL },
	{ "Name a@x>", NULL },
	{ "Name <a@x", NULL },
	{ "Name <a@x>>", NULL },
	{ "", NULL },
	{ "<>", NULL },
	{ "a@-x.com", NULL },
	{ ".a@x.com", NULL },
	{ "a..b@x.com", NULL },
};

int main(void)
{
	size_t i;
	char label[128];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const pcase *c = &cases[i];
		size_t len = strlen(c->in);
		char *buf = len ? malloc(len) : NULL;
		mg_params_facts f;
		int r;

		if (len) {
			memcpy(buf, c->in, len);
		}
		r = mg_params_check(buf, len, c->policy, &f);
		snprintf(label, sizeof(label), "policy %d, %s", (int) c->policy, c->allowed ? "allowed" : "refused");
		check((r == 0) == c->allowed, label, c->in);
		if (c->allowed) {
			check(f.extra_rcpts == c->rcpts, "extra recipients", c->in);
			check(c->sender == NULL ? f.sender == NULL
				: (f.sender != NULL && f.sender_len == strlen(c->sender) && memcmp(f.sender, c->sender, f.sender_len) == 0),
				"sender", c->in);
		}
		free(buf);
	}
	for (i = 0; i < sizeof(froms) / sizeof(froms[0]); i++) {
		size_t len = strlen(froms[i].in), al = 0;
		char *buf = malloc(len ? len : 1);
		const char *a = NULL;
		int r;

		memcpy(buf, froms[i].in, len);
		r = mg_params_from_addr(buf, len, &a, &al);
		check(froms[i].addr == NULL ? r == 0
			: (r == 1 && al == strlen(froms[i].addr) && memcmp(a, froms[i].addr, al) == 0),
			froms[i].addr == NULL ? "From not usable" : "From address", froms[i].in);
		free(buf);
	}
	/* long input: linear, no overflow */
	{
		size_t n = 4 * 1024 * 1024, k;
		char *big = malloc(n);
		mg_params_facts f;
		for (k = 0; k < n; k++) {
			big[k] = (k % 4 == 3) ? ' ' : 'x';
		}
		check(mg_params_check(big, n, MG_PARAMS_ANY, &f) == 0 && f.extra_rcpts == n / 4, "4 MiB of words counted", "...");
		check(mg_params_check(big, n, MG_PARAMS_ENVELOPE, &f) != 0, "4 MiB refused under envelope", "...");
		free(big);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
