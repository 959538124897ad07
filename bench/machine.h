/*
** machine.h — what every C benchmark prints about where it ran, so that a
** figure is never read without its machine and load: the CPU model, cores,
** RAM and SQLite version, and the load average at the time.
*/
#ifndef PARAPET_BENCH_MACHINE_H
#define PARAPET_BENCH_MACHINE_H

/* Prints "bench NAME_machine: ..." and "bench NAME_load: ...". */
void bench_machine(const char *name);

#endif
