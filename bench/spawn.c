/* bench/startup.sh's process timer: runs a command COUNT times, one after
 * the other, and prints one line per run:
 *
 *   <wall ns> <ru_maxrss KiB> <ru_minflt> <ru_majflt>
 *
 * wall is CLOCK_MONOTONIC from before fork() to after wait4() returned;
 * the rusage is the child's own (wait4), so neither a shell nor this
 * program is counted. The child's stdout goes to /dev/null, its stderr is
 * left alone. Exits 1 when a run does not exit 0.
 *
 *   spawn COUNT [NAME=VALUE...] PROGRAM [ARG...]
 *
 * NAME=VALUE pairs are set in the child's environment only (setenv after
 * fork), so that e.g. LD_PRELOAD changes the measured process and not this
 * one, whose fork() then costs the same for every variant. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int i, n, status, devnull, prog = 2;
	pid_t pid;

	if (argc < 3 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: spawn COUNT PROGRAM [ARG...]\n");
		return 2;
	}
	while (prog < argc && strchr(argv[prog], '=') != NULL) {
		prog++;
	}
	if (prog >= argc) {
		fprintf(stderr, "usage: spawn COUNT [NAME=VALUE...] PROGRAM [ARG...]\n");
		return 2;
	}
	devnull = open("/dev/null", O_WRONLY);
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid = fork();
		if (pid < 0) {
			perror("spawn: fork");
			return 1;
		}
		if (pid == 0) {
			if (devnull >= 0) {
				dup2(devnull, 1);
			}
			for (int e = 2; e < prog; e++) {
				char *eq = strchr(argv[e], '=');

				*eq = '\0';
				setenv(argv[e], eq + 1, 1);
			}
			execvp(argv[prog], argv + prog);
			perror("spawn: exec");
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) != pid) {
			perror("spawn: wait4");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "spawn: %s: status %d\n", argv[prog], status);
			return 1;
		}
		printf("%lld %ld %ld %ld\n",
			(long long) (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec),
			ru.ru_maxrss, ru.ru_minflt, ru.ru_majflt);
	}
	return 0;
}
