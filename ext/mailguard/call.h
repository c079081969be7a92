/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_CALL_H
#define MAILGUARD_CALL_H

/* One call of a hooked function, as the hook (hook.c) parsed it: what the
 * later steps (policy.c, store.c, report.c) need to know about the call
 * itself. Who made it is in origin.h, what its headers say in headers.h. */

/* How to tell headers that would break the stamp (policy.c). */
typedef enum {
	MG_CHECK_CORE,          /* php_mail() gets exactly `headers`: core's own rule */
	MG_CHECK_TRIMMED,       /* mbstring ends the block itself: core's rule, trailing blanks aside */
	MG_CHECK_LEADING        /* imap checks nothing: only a continuation of the stamp line matters */
} mg_header_check;

typedef struct mg_call {
	const char *function;   /* the PHP function, for the log */
	int hook;               /* which hook (hook.c's MG_HOOK_*) */
	bool own_stamp;         /* the stamp is ours to add: the function bypasses php_mail() */
	zend_string *block;     /* header block as the MTA reads it, without the stamp */
	const char *headers;    /* additional headers as core's php_mail() gets them */
	size_t headers_len;
	const char *params;     /* mail()'s additional_params, else NULL */
	size_t params_len;
	bool params_refused;    /* ... not allowed by mailguard.additional_params */
	size_t params_rcpts;    /* ... recipients sendmail may take from them */
	bool want_envelope;     /* mailguard.envelope_sender applies: ask for a -f address */
	mg_header_check check;  /* how to tell headers that would break the stamp */
	const char *eol;        /* the line end the function writes between header lines */
} mg_call;

#endif
