/* The benchmark's stand-in for sendmail: reads the message to EOF and
 * exits 0. Built static by bench/run.sh so that every variant pays the same,
 * small, fixed price for PHP's popen() of sendmail_path. */
#include <unistd.h>

int main(void)
{
	char buf[65536];

	while (read(0, buf, sizeof(buf)) > 0) {
	}
	return 0;
}
