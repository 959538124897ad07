/*
** machine.c — the machine and load lines of the C benchmarks (machine.h).
** Read from /proc at the moment of the call; a file that cannot be read
** prints "unknown" or "?" rather than failing the benchmark.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "machine.h"

void bench_machine(const char *name)
{
	char model[256] = "unknown", line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10) == 0) {
			char *p = strchr(line, ':');
			if (p) {
				snprintf(model, sizeof(model), "%s", p + 2);
				model[strcspn(model, "\n")] = '\0';
			}
			break;
		}
	}
	if (f)
		fclose(f);
	long mem_mb = 0;
	f = fopen("/proc/meminfo", "r");
	if (f && fgets(line, sizeof(line), f))
		mem_mb = strtol(line + strcspn(line, "0123456789"), NULL, 10) / 1024;
	if (f)
		fclose(f);
	char load[128] = "?";
	f = fopen("/proc/loadavg", "r");
	if (f && fgets(load, sizeof(load), f))
		load[strcspn(load, "\n")] = '\0';
	if (f)
		fclose(f);
	printf("bench %s_machine: %s, %ld cores, %ld MB RAM, SQLite %s\n", name, model,
	       sysconf(_SC_NPROCESSORS_ONLN), mem_mb, sqlite3_libversion());
	printf("bench %s_load: %s (1, 5, 15 min load average; runnable/total; last pid)\n", name,
	       load);
}

double bench_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
