#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "v4l2r/log.h"

#define MESSAGE_MAX 1024

/* The sink is called with sink_lock held: handlers (libva's callbacks among
 * them) need not be thread safe, lines never interleave, and once
 * v4l2r_log_set_handler returns the previous handler is not running. */
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static v4l2r_log_fn sink_fn;
static void *sink_opaque;
/* Also read without the lock, so filtered-out messages cost no locking. */
static atomic_int sink_level;
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
	pthread_mutex_lock(&sink_lock);
	if (!sink_fn)
		atomic_store(&sink_level, default_level());
	pthread_mutex_unlock(&sink_lock);
}

void v4l2r_log_set_handler(v4l2r_log_fn fn, void *opaque,
			   enum v4l2r_log_level max_level)
{
	pthread_once(&defaults_once, init_defaults);
	pthread_mutex_lock(&sink_lock);
	sink_fn = fn;
	sink_opaque = fn ? opaque : NULL;
	atomic_store(&sink_level, fn ? max_level : default_level());
	pthread_mutex_unlock(&sink_lock);
}

void v4l2r_log(enum v4l2r_log_level level, const char *fmt, ...)
{
	char message[MESSAGE_MAX];
	va_list ap;

	pthread_once(&defaults_once, init_defaults);
	if ((int)level > atomic_load(&sink_level))
		return;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	/* Sinks get bare lines, whichever way the caller wrote them. */
	size_t len = strlen(message);
	if (len && message[len - 1] == '\n')
		message[len - 1] = '\0';

	pthread_mutex_lock(&sink_lock);
	/* The level may have changed while the message was formatted. */
	if ((int)level <= atomic_load(&sink_level)) {
		if (sink_fn)
			sink_fn(sink_opaque, level, message);
		else
			fprintf(stderr, "v4l2-request: %s\n", message);
	}
	pthread_mutex_unlock(&sink_lock);
}
