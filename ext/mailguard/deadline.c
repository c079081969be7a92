/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include "deadline.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>

uint64_t mg_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

uint64_t mg_clock_ms(void)
{
	return mg_clock_us() / 1000;
}

int mg_fd_wait(int fd, int for_write, uint64_t deadline)
{
	for (;;) {
		struct pollfd p;
		uint64_t now = mg_clock_ms();
		int rc;

		if (fd < 0) {
			return -1;
		}
		if (now >= deadline) {
			return 0;
		}
		p.fd = fd;
		p.events = for_write ? POLLOUT : POLLIN;
		p.revents = 0;
		rc = poll(&p, 1, deadline - now > (uint64_t) INT_MAX ? INT_MAX : (int) (deadline - now));
		if (rc > 0) {
			return 1;
		}
		if (rc < 0 && errno != EINTR) {
			return -1;
		}
	}
}

const char *mg_wall_deadline(char *buf, size_t size, long timeout_ms)
{
	struct timespec ts;
	struct tm tm;
	uint64_t ms;
	time_t sec;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000 + (uint64_t) timeout_ms;
	sec = (time_t) (ms / 1000);
	if (gmtime_r(&sec, &tm) == NULL) {
		return NULL;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned) (ms % 1000));
	return buf;
}
