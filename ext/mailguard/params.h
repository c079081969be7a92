/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_PARAMS_H
#define MAILGUARD_PARAMS_H

/* The fifth argument of mail() and mb_send_mail(): words PHP appends to
 * the sendmail command line (after php_escape_shell_cmd(), through
 * /bin/sh). Sendmail takes any word that is not an option as a recipient
 * ("-f a@b c@d" also delivers to c@d), and options such as -C, -O, -X
 * change what the MTA does. Pure C, no PHP headers. */

#include <stddef.h>

typedef enum {
	MG_PARAMS_ENVELOPE = 0, /* only "-f <addr-spec>" or "-r <addr-spec>" (the default) */
	MG_PARAMS_ANY,          /* whatever PHP allows; extra recipients are counted */
	MG_PARAMS_NONE          /* none at all */
} mg_params_policy;

typedef struct {
	size_t words;           /* blank-separated words: 0 = no additional params */
	size_t extra_rcpts;     /* recipients sendmail may take from the words, never fewer */
	const char *sender;     /* the -f/-r address (envelope policy), else NULL */
	size_t sender_len;
} mg_params_facts;

/* 0 when `p` (len bytes, may be NULL when len is 0) is allowed under
 * `policy`, -1 when it must be refused. Only blanks is the same as none.
 * Fills *out in both cases. */
int mg_params_check(const char *p, size_t len, mg_params_policy policy, mg_params_facts *out);

/* A strict addr-spec: local@domain, local part of letters, digits and
 * ._+=- (not starting with '-' or '.'), domain of dot-separated labels of
 * letters, digits and '-' (not at either end of a label). Nothing a shell
 * or sendmail would read as anything but an address. At most 254 bytes. */
int mg_params_addr_spec(const char *a, size_t len);

/* The address of a From field value that names exactly one mailbox
 * (`addr`, `Name <addr>`, `"Doe, J." <addr>`; folds and blanks around it
 * allowed) when that address passes mg_params_addr_spec(): returns 1 and
 * points *addr / *addr_len into v. Anything else (a list, a group, a
 * comment, route syntax, a quoted or odd local part) returns 0. */
int mg_params_from_addr(const char *v, size_t len, const char **addr, size_t *addr_len);

#endif
