/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_DEADLINE_H
#define MAILGUARD_DEADLINE_H

/* One deadline per database question, shared by the extension (store.c)
 * and mailguard-milter (milter/db.c). Pure C and POSIX, no PHP headers. */

#include <stddef.h>
#include <stdint.h>

/* The monotonic clock (CLOCK_MONOTONIC), in milliseconds and microseconds. */
uint64_t mg_clock_ms(void);
uint64_t mg_clock_us(void);

/* Waits until fd is readable (or writable) or the deadline (mg_clock_ms())
 * passes: 1 ready, 0 timed out, -1 error. A signal resumes the wait. */
int mg_fd_wait(int fd, int for_write, uint64_t deadline);

/* Now + timeout_ms on the wall clock, as ISO 8601 UTC text with
 * milliseconds ("2026-11-21T15:04:05.123Z"): the deadline the database
 * compares with its own clock (p_deadline). NULL if the time cannot be
 * converted: no deadline rather than a wrong one. */
const char *mg_wall_deadline(char *buf, size_t size, long timeout_ms);

#endif
