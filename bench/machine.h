/*
** machine.h — what every C benchmark prints about where it ran, so that a
** figure is never read without its machine and load: the CPU model, cores,
** RAM and SQLite version, and the load average at the time; and the two
** clocks the timings read.
*/
#ifndef PARAPET_BENCH_MACHINE_H
#define PARAPET_BENCH_MACHINE_H

/* Prints "bench NAME_machine: ..." and "bench NAME_load: ...". */
void bench_machine(const char *name);
/* Seconds of CLOCK_MONOTONIC, and of this thread's CPU time: a rate per
** core stays readable on a shared machine when both are printed. */
double bench_wall(void);
double bench_cpu(void);

#endif
