/* Timing for the benches that print speed ratios (`unit/test-convert
 * --bench`, `bench/untile-videoconvert --bench`): throughput in MB/s
 * written, the best of several runs, beside memcpy's in the same run. The
 * machines are shared and noisy, the code under test is not: a busy moment
 * slows one run, not the best one. Never a timed assertion. */
#ifndef V4L2R_BENCH_TIMING_H
#define V4L2R_BENCH_TIMING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* Runs per measurement, unless the bench says otherwise. */
#define BENCH_RUNS 40

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The better of best and the MB/s of `bytes` written since `start`
 * (bench_now() before the run). */
static inline double bench_best_mbs(double best, double bytes, double start)
{
	double mbs = bytes / (bench_now() - start) / 1e6;

	return mbs > best ? mbs : best;
}

/* One timed memcpy of `bytes`, folded into best as bench_best_mbs does. */
static inline double bench_memcpy_run(double best, uint8_t *dst,
				      const uint8_t *src, size_t bytes)
{
	double start = bench_now();

	memcpy(dst, src, bytes);
	/* keep the copy from being optimised away */
	__asm__ volatile("" : : "r"(dst) : "memory");
	return bench_best_mbs(best, (double)bytes, start);
}

#endif
