/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_REPORT_H
#define MAILGUARD_REPORT_H

/* The one producer of log lines: what goes into the line for a mail and
 * for a database event, in which order, the cut at the line cap between
 * whole fields, the severity, and the mailguard.syslog switch. The line is
 * built with log.c's mg_log_kv() and sent by log_writer.c. */

#include "call.h"
#include "origin.h"
#include "headers.h"
#include "policy.h"

/* report.c's part of the module globals. */
typedef struct {
	zend_ulong dropped;         /* lines the socket did not take since the last that it did */
	zend_ulong dropped_total;   /* ... and since this process started */
} mg_report_state;

/* One line for one mail. `verdict` is the log's word (accept, refuse,
 * invalid); `result` what the original handler returned (sent, failed,
 * error), NULL when it was not called. */
void mg_report_mail(const mg_call *c, const mg_origin *o, const mg_facts *f, const mg_verdict *v,
		const char *verdict, const char *result);

/* One `event=database` line at err severity: a short cause and the
 * server's or libpq's message (which may name hosts, roles and sockets:
 * syslog only, never the script). detail may be NULL. */
void mg_report_db_event(const char *error, const char *detail);

/* Lines the syslog socket did not take in this process (for phpinfo). */
zend_ulong mg_report_dropped(void);

#endif
