/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#include "params.h"
#include "scanner.h"

#include <string.h>

static int mg_blank(char c)
{
	/* what /bin/sh splits words on (an escaped newline joins them, which
	 * only makes fewer words) */
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int mg_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int mg_params_addr_spec(const char *a, size_t len)
{
	size_t at = 0, i, label = 0;
	int seen_at = 0;

	if (a == NULL || len == 0 || len > 254) {
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (a[i] == '@') {
			if (seen_at) {
				return 0;
			}
			seen_at = 1;
			at = i;
		}
	}
	if (!seen_at || at == 0 || at == len - 1 || at > 64) {
		return 0;
	}
	/* local part */
	if (a[0] == '-' || a[0] == '.' || a[at - 1] == '.') {
		return 0;
	}
	for (i = 0; i < at; i++) {
		char c = a[i];
		if (!(mg_alnum(c) || c == '.' || c == '_' || c == '+' || c == '=' || c == '-')) {
			return 0;
		}
		if (c == '.' && i > 0 && a[i - 1] == '.') {
			return 0;
		}
	}
	/* domain */
	for (i = at + 1; i <= len; i++) {
		if (i == len || a[i] == '.') {
			if (label == 0 || a[i - 1] == '-' || a[i - label] == '-' || label > 63) {
				return 0;
			}
			label = 0;
			continue;
		}
		if (!(mg_alnum(a[i]) || a[i] == '-')) {
			return 0;
		}
		label++;
	}
	return 1;
}

int mg_params_check(const char *p, size_t len, mg_params_policy policy, mg_params_facts *out)
{
	size_t i = 0, words = 0, rcpts = 0;
	const char *w[3] = { NULL, NULL, NULL };
	size_t wl[3] = { 0, 0, 0 };

	memset(out, 0, sizeof(*out));
	while (i < len) {
		size_t s;

		while (i < len && mg_blank(p[i])) {
			i++;
		}
		if (i == len) {
			break;
		}
		s = i;
		while (i < len && !mg_blank(p[i])) {
			i++;
		}
		if (words < 3) {
			w[words] = p + s;
			wl[words] = i - s;
		}
		words++;
		/* Every word that is not an option may be a recipient; an
		 * option's separate argument is counted too (never fewer). */
		if (p[s] != '-') {
			rcpts++;
		}
	}
	out->words = words;
	if (words == 0) {
		return 0;
	}
	switch (policy) {
		case MG_PARAMS_NONE:
			return -1;
		case MG_PARAMS_ANY:
			out->extra_rcpts = rcpts;
			return 0;
		case MG_PARAMS_ENVELOPE:
			break;
	}
	/* "-f addr", "-faddr", "-r addr", "-raddr" and nothing else */
	if (wl[0] < 2 || w[0][0] != '-' || (w[0][1] != 'f' && w[0][1] != 'r')) {
		return -1;
	}
	if (words == 1 && wl[0] > 2 && mg_params_addr_spec(w[0] + 2, wl[0] - 2)) {
		out->sender = w[0] + 2;
		out->sender_len = wl[0] - 2;
		return 0;
	}
	if (words == 2 && wl[0] == 2 && mg_params_addr_spec(w[1], wl[1])) {
		out->sender = w[1];
		out->sender_len = wl[1];
		return 0;
	}
	return -1;
}

static int mg_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int mg_params_from_addr(const char *v, size_t len, const char **addr, size_t *addr_len)
{
	size_t s = 0, e = len, lt;

	if (v == NULL || mg_count_rcpts(v, len) != 1) {
		return 0;   /* none, or more than one mailbox */
	}
	while (s < e && mg_fws(v[s])) {
		s++;
	}
	while (e > s && mg_fws(v[e - 1])) {
		e--;
	}
	if (e > s && v[e - 1] == '>') {
		/* Name <addr>: the last '<' opens the address */
		lt = e - 1;
		while (lt > s && v[lt - 1] != '<') {
			lt--;
		}
		if (lt == s) {
			return 0;   /* a '>' without '<' */
		}
		s = lt;
		e--;
	}
	if (!mg_params_addr_spec(v + s, e - s)) {
		return 0;
	}
	*addr = v + s;
	*addr_len = e - s;
	return 1;
}
