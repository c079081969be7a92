/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_HOOK_H
#define MAILGUARD_HOOK_H

/* hook.c's part of the module globals. */
typedef struct {
	uint32_t depth;             /* hooked calls in progress in this request */
} mg_hook_state;

/* Takes over the handlers of every PHP function that sends mail. */
void mg_hook_install(void);
void mg_hook_restore(void);
void mg_hook_request_end(void);
/* Comma-separated names of the functions hooked in this process. */
const char *mg_hook_list(void);

#endif
