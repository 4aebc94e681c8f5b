/* The test tool's JSON output (see json.h). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
static unsigned utf8_sequence_length(const unsigned char *s)
{
	unsigned len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	for (unsigned i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

struct json_object *tool_json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	struct json_object *v;
	char *repaired, *o;

	if (!str)
		return NULL;
	repaired = o = malloc(3 * strlen(str) + 1);	/* U+FFFD: 3 bytes */
	if (!repaired)
		return NULL;
	while (*s) {
		unsigned len = utf8_sequence_length(s);

		if (len) {
			memcpy(o, s, len);
			o += len;
			s += len;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			s++;
		}
	}
	*o = '\0';
	v = json_object_new_string(repaired);
	free(repaired);
	return v;
}

struct json_object *tool_json_fixed3(double v)
{
	char text[320];	/* DBL_MAX has 309 digits */

	if (!isfinite(v))
		return NULL;
	snprintf(text, sizeof(text), "%.3f", v);
	return json_object_new_double_s(v, text);
}

int tool_json_print(FILE *f, struct json_object *doc)
{
	const char *text = json_object_to_json_string_ext(doc,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		JSON_C_TO_STRING_NOSLASHESCAPE);
	int ret = 0;

	if (text && doc)
		fprintf(f, "%s\n", text);
	else {
		fprintf(stderr, "cannot write JSON: out of memory\n");
		ret = -1;
	}
	json_object_put(doc);
	return ret;
}
