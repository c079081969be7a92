/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_POLICY_H
#define MAILGUARD_POLICY_H

/* The verdict on one mail, in one place: mailguard's own refusals, the
 * database's answer, the fail mode and the emergency cap, and the texts a
 * script sees. */

#include "call.h"
#include "origin.h"
#include "headers.h"
#include "store.h"

/* policy.c's part of the module globals: fail mode "open"'s budget. */
typedef struct {
	zend_long hour;             /* the clock hour count counts in */
	zend_long count;            /* mails sent without the database this hour */
} mg_emergency_state;

typedef enum {
	MG_PASS_MAIL = 0,       /* hand over with the stamp */
	MG_PASS_UNSTAMPED,      /* hand over as is: core refuses it on its own */
	MG_REFUSE               /* refused, the original is not called */
} mg_decision;

typedef struct {
	mg_decision decision;
	const char *reason;     /* why (refusals, "malformed-headers" unstamped, "db-unavailable" sent under fail mode open), or NULL */
	bool asked;             /* the database was asked: db holds its answer */
	mg_db_result db;
	const char *trace;      /* the database accepted: the trace id for the mail, else NULL */
	const char *envelope;   /* the -f address the mail is sent with, else NULL */
} mg_verdict;

/* Decides about one mail: mailguard's own checks, then (mailguard.dsn set)
 * the database's answer and, when it has none, the fail mode. */
void mg_policy_decide(const mg_call *c, const mg_origin *o, const mg_facts *f, mg_verdict *v);

/* The warning a script sees for a refusal reason: what went wrong, never
 * how (no database detail, no limit values). */
const char *mg_policy_refusal_text(const char *reason);

#endif
