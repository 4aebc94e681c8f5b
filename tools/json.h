/* A small streaming JSON writer: values are written as they come, with
 * commas and two-space indentation handled here. */
#ifndef TOOL_JSON_H
#define TOOL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *f;
	unsigned depth;
	bool has_items[JSON_MAX_DEPTH];	/* per open container */
	bool after_key;
};

void json_init(struct json_writer *w, FILE *f);
/* Ends the document with a newline. */
void json_finish(struct json_writer *w);

void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);

/* The key of the next value, inside an object. */
void json_key(struct json_writer *w, const char *key);

void json_string(struct json_writer *w, const char *s);	/* NULL: null */
void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* s as a JSON string literal, quotes included: control characters
 * escaped, bytes that are not valid UTF-8 replaced by U+FFFD. */
void json_write_escaped(FILE *f, const char *s);

#endif
