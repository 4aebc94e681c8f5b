/* Logging: level filtering, the default stderr sink and its environment
 * variable, and handler swaps while other threads log. */
#include <check.h>

#include "unit.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "v4l2r/log.h"

struct capture {
	char last[256];
	enum v4l2r_log_level last_level;
	unsigned count;
};

static void capture_fn(void *opaque, enum v4l2r_log_level level,
		       const char *message)
{
	struct capture *c = opaque;

	snprintf(c->last, sizeof(c->last), "%s", message);
	c->last_level = level;
	c->count++;
}

START_TEST(handler_gets_levels_up_to_max)
{
	struct capture c = { 0 };

	v4l2r_log_set_handler(capture_fn, &c, V4L2R_LOG_INFO);
	v4l2r_dbg("hidden %d", 1);
	ck_assert_uint_eq(c.count, 0);
	v4l2r_info("shown %d", 2);
	ck_assert_uint_eq(c.count, 1);
	ck_assert_str_eq(c.last, "shown 2");
	ck_assert_int_eq(c.last_level, V4L2R_LOG_INFO);
	v4l2r_err("with newline\n");
	ck_assert_str_eq(c.last, "with newline");
	ck_assert_int_eq(c.last_level, V4L2R_LOG_ERROR);
	v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_DEBUG);
}
END_TEST

/* Runs fn with stderr redirected into a temporary file, returns its text. */
static char *stderr_of(void (*fn)(void))
{
	static char text[1024];
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);

	ck_assert_ptr_nonnull(tmp);
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	size_t n = fread(text, 1, sizeof(text) - 1, tmp);
	text[n] = '\0';
	fclose(tmp);
	return text;
}

static void log_each_level(void)
{
	v4l2r_err("e");
	v4l2r_warn("w");
	v4l2r_info("i");
	v4l2r_dbg("d");
}

START_TEST(default_sink_is_stderr)
{
	unsetenv("V4L2R_LOG_LEVEL");
	v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_DEBUG);
	ck_assert_str_eq(stderr_of(log_each_level),
			 "v4l2-request: e\nv4l2-request: w\n");
}
END_TEST

START_TEST(environment_sets_default_level)
{
	setenv("V4L2R_LOG_LEVEL", "3", 1);
	v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_ERROR);
	ck_assert_str_eq(stderr_of(log_each_level),
			 "v4l2-request: e\nv4l2-request: w\n"
			 "v4l2-request: i\nv4l2-request: d\n");
	setenv("V4L2R_LOG_LEVEL", "0", 1);
	v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_ERROR);
	ck_assert_str_eq(stderr_of(log_each_level), "v4l2-request: e\n");
	setenv("V4L2R_LOG_LEVEL", "nonsense", 1);
	v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_ERROR);
	ck_assert_str_eq(stderr_of(log_each_level),
			 "v4l2-request: e\nv4l2-request: w\n");
	unsetenv("V4L2R_LOG_LEVEL");
}
END_TEST

static atomic_uint counts[2];
static atomic_bool stop;

/* Slow on purpose: a swap that did not wait for running handlers would
 * let this count move after the swap returned. */
static void counting_fn(void *opaque, enum v4l2r_log_level level,
			const char *message)
{
	usleep(20);
	atomic_fetch_add((atomic_uint *)opaque, 1);
}

static void *log_loop(void *arg)
{
	while (!atomic_load(&stop))
		v4l2r_warn("from a thread");
	return NULL;
}

START_TEST(swap_while_logging)
{
	pthread_t threads[4];

	v4l2r_log_set_handler(counting_fn, &counts[0], V4L2R_LOG_WARNING);
	for (int i = 0; i < 4; i++)
		pthread_create(&threads[i], NULL, log_loop, NULL);
	for (int swap = 0; swap < 200; swap++) {
		v4l2r_log_set_handler(counting_fn, &counts[swap % 2 ? 0 : 1],
				      V4L2R_LOG_WARNING);
		/* once the swap returns, the other handler is idle */
		unsigned before = atomic_load(&counts[swap % 2]);
		usleep(100);
		unsigned after = atomic_load(&counts[swap % 2]);
		ck_assert_uint_eq(after, before);
	}
	atomic_store(&stop, true);
	for (int i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	unsigned total = atomic_load(&counts[0]) + atomic_load(&counts[1]);
	ck_assert_uint_gt(total, 0);
	v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_DEBUG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, handler_gets_levels_up_to_max);
	tcase_add_test(tc, default_sink_is_stderr);
	tcase_add_test(tc, environment_sets_default_level);
	tcase_add_test(tc, swap_while_logging);
	suite_add_tcase(s, tc);

	return unit_run(s);
}
