#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "v4l2r/log.h"

#define MESSAGE_MAX 1024

/* A read-write lock rather than a mutex: messages from several threads go
 * out in parallel, and once v4l2r_log_set_handler returns no thread is still
 * inside the previous handler (its opaque may be freed right after). */
static pthread_rwlock_t sink_lock = PTHREAD_RWLOCK_INITIALIZER;
static v4l2r_log_fn sink_fn;
static void *sink_opaque;
static enum v4l2r_log_level sink_level;
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;

static enum v4l2r_log_level default_level(void)
{
	const char *env = getenv("V4L2R_LOG_LEVEL");

	if (env && env[0] >= '0' && env[0] <= '3' && env[1] == '\0')
		return (enum v4l2r_log_level)(env[0] - '0');
	return V4L2R_LOG_WARNING;
}

static void init_defaults(void)
{
	pthread_rwlock_wrlock(&sink_lock);
	if (!sink_fn)
		sink_level = default_level();
	pthread_rwlock_unlock(&sink_lock);
}

void v4l2r_log_set_handler(v4l2r_log_fn fn, void *opaque,
			   enum v4l2r_log_level max_level)
{
	pthread_once(&defaults_once, init_defaults);
	pthread_rwlock_wrlock(&sink_lock);
	sink_fn = fn;
	sink_opaque = fn ? opaque : NULL;
	sink_level = fn ? max_level : default_level();
	pthread_rwlock_unlock(&sink_lock);
}

void v4l2r_log(enum v4l2r_log_level level, const char *fmt, ...)
{
	char message[MESSAGE_MAX];
	va_list ap;

	pthread_once(&defaults_once, init_defaults);
	pthread_rwlock_rdlock(&sink_lock);
	if (level > sink_level) {
		pthread_rwlock_unlock(&sink_lock);
		return;
	}

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	/* Sinks get bare lines, whichever way the caller wrote them. */
	size_t len = strlen(message);
	if (len && message[len - 1] == '\n')
		message[len - 1] = '\0';

	if (sink_fn)
		sink_fn(sink_opaque, level, message);
	else
		fprintf(stderr, "v4l2-request: %s\n", message);
	pthread_rwlock_unlock(&sink_lock);
}
