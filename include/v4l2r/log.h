/* Logging of the core library: the front end decides where messages go. */
#ifndef V4L2R_LOG_H
#define V4L2R_LOG_H

enum v4l2r_log_level {
	V4L2R_LOG_ERROR = 0,
	V4L2R_LOG_WARNING = 1,
	V4L2R_LOG_INFO = 2,
	V4L2R_LOG_DEBUG = 3,
};

/* message carries no trailing newline. Calls to the handler are
 * serialised; it must not log or call v4l2r_log_set_handler itself. */
typedef void (*v4l2r_log_fn)(void *opaque, enum v4l2r_log_level level,
			     const char *message);

/* Installs the sink for messages at or below max_level. A NULL fn restores
 * the default (stderr, errors and warnings only, or the level 0-3 named by
 * the V4L2R_LOG_LEVEL environment variable). Thread safe: once it returns,
 * the previous handler is no longer running. */
void v4l2r_log_set_handler(v4l2r_log_fn fn, void *opaque,
			   enum v4l2r_log_level max_level);

void v4l2r_log(enum v4l2r_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define v4l2r_err(...) v4l2r_log(V4L2R_LOG_ERROR, __VA_ARGS__)
#define v4l2r_warn(...) v4l2r_log(V4L2R_LOG_WARNING, __VA_ARGS__)
#define v4l2r_info(...) v4l2r_log(V4L2R_LOG_INFO, __VA_ARGS__)
#define v4l2r_dbg(...) v4l2r_log(V4L2R_LOG_DEBUG, __VA_ARGS__)

#endif
