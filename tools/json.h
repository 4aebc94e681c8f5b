/* The test tool's JSON output: documents are json-c trees, built with
 * json-c's own calls and these few helpers, printed in one layout. */
#ifndef TOOL_JSON_H
#define TOOL_JSON_H

#include <stdio.h>

#include <json-c/json.h>

/* A string value, or null for NULL. Bytes that are not valid UTF-8
 * become U+FFFD: json-c writes strings as given, and a document with
 * them would not be JSON. */
struct json_object *tool_json_string(const char *s);

/* A number written with three decimals ("12.500"); null when not finite. */
struct json_object *tool_json_fixed3(double v);

/* Writes doc with two-space indentation, "key": value and "/" as it is,
 * then a newline, and releases doc. Returns 0, or -1 when json-c ran out
 * of memory (said on stderr). */
int tool_json_print(FILE *f, struct json_object *doc);

#endif
