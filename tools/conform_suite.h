/* conform: test suites in fluster's JSON format.
 *
 *   { "name": "JVT-AVC_V1", "codec": "H.264", "description": "...",
 *     "test_vectors": [
 *       { "name": "AUD_MW_E", "input_file": "AUD_MW_E/AUD_MW_E.264",
 *         "output_format": "yuv420p",
 *         "result": "<MD5 of the whole decoded output, raw planar>" },
 *       ... ] }
 *
 * Required: test_vectors (a non-empty array); per vector name,
 * input_file and result (32 hex digits, or "" for no expected MD5).
 * Optional: the suite's name (default: the file's name without .json) and
 * codec, each vector's output_format. Other members (source,
 * source_checksum, description ...) are ignored. */
#ifndef CONFORM_SUITE_H
#define CONFORM_SUITE_H

#include <stddef.h>

struct conform_vector {
	char *name;
	char *input;		/* input_file, resolved (see below) */
	char *result;		/* lower-case hex MD5, or NULL */
	char *output_format;	/* or NULL */
};

struct conform_suite {
	char *name;
	char *codec;		/* fluster's codec name ("H.264"), or NULL */
	struct conform_vector *vectors;
	size_t n;
};

/* Reads the suite file at path. A relative input_file is looked for, in
 * this order, as DIR/input_file (DIR: the suite file's directory),
 * DIR/<vector name>/input_file, and, when resources is not NULL, as
 * fluster's download layout RESOURCES/<suite name>/<vector
 * name>/input_file; the first that exists is taken, else the first
 * candidate. Returns 0, or -1 with a message in err (which names the
 * file). */
int conform_suite_load(const char *path, const char *resources,
		       struct conform_suite *s, char *err, size_t errlen);

/* The same on text already read: dir is the suite's directory, fallback_name
 * its name when the text has none, and err names no file. */
int conform_suite_parse(const char *text, size_t len, const char *dir,
			const char *resources, const char *fallback_name,
			struct conform_suite *s, char *err, size_t errlen);

void conform_suite_free(struct conform_suite *s);

/* The libavformat demuxer for fluster's codec name when it is a raw
 * elementary stream format ("H.264" -> "h264"), or NULL. */
const char *conform_suite_demuxer(const char *codec);

#endif
