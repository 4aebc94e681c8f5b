/* conform: reading fluster-style suite files (see conform_suite.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "conform_suite.h"

/* Suite files are small; anything bigger is not one. */
#define SUITE_MAX_BYTES (64u << 20)
/* Deeper nesting than any suite has is refused before it costs memory. */
#define SUITE_MAX_DEPTH 64

static char *join3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
	char *s = malloc(n);

	if (!s)
		return NULL;
	if (*b)
		snprintf(s, n, "%s/%s/%s", a, b, c);
	else
		snprintf(s, n, "%s/%s", a, c);
	return s;
}

/* Where a vector's input is (see conform_suite_load). */
static char *resolve_input(const char *dir, const char *resources,
			   const char *suite_name, const char *vector_name,
			   const char *input)
{
	char *candidates[3] = { NULL, NULL, NULL };
	char *chosen = NULL;

	if (input[0] == '/')
		return strdup(input);
	candidates[0] = join3(dir, "", input);
	candidates[1] = join3(dir, vector_name, input);
	if (resources) {
		char *suite_dir = join3(resources, "", suite_name);

		if (suite_dir)
			candidates[2] = join3(suite_dir, vector_name, input);
		free(suite_dir);
	}
	for (unsigned i = 0; i < 3 && !chosen; i++)
		if (candidates[i] && access(candidates[i], F_OK) == 0)
			chosen = candidates[i];
	if (!chosen)
		chosen = candidates[0];
	for (unsigned i = 0; i < 3; i++)
		if (candidates[i] != chosen)
			free(candidates[i]);
	return chosen;
}

static int suite_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int suite_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* "null", "boolean", "number", "string", "array", "object". */
static const char *type_name(const struct json_object *v)
{
	enum json_type t = json_object_get_type(v);

	return t == json_type_int || t == json_type_double ? "number" :
							       json_type_to_name(t);
}

/* "an array", "a number" ... */
static const char *article(const struct json_object *v)
{
	enum json_type t = json_object_get_type(v);

	return t == json_type_array || t == json_type_object ? "an" : "a";
}

/* A JSON syntax error at text[pos], named by line and column and by what
 * is there. */
static void syntax_error(const char *text, size_t len, size_t pos,
			 const char *what, char *err, size_t errlen)
{
	unsigned line = 1, column = 1;
	unsigned char c = pos < len ? (unsigned char)text[pos] : 0;
	char found[24] = "";

	for (size_t i = 0; i < pos && i < len; i++) {
		if (text[i] == '\n') {
			line++;
			column = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			column++;	/* count characters, not UTF-8 bytes */
		}
	}
	if (pos < len && c >= 0x20 && c < 0x7f)
		snprintf(found, sizeof(found), ", found '%c'", c);
	else if (pos < len)
		snprintf(found, sizeof(found), ", found byte %02x", c);
	suite_error(err, errlen, "not valid JSON: line %u, column %u: %s%s",
		    line, column, what, found);
}

/* text[0..len) as one JSON value, read by json-c's strict mode (no
 * comments, no trailing commas), or NULL with a message naming the line
 * and column. */
static struct json_object *parse_json(const char *text, size_t len,
				      char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error e;
	size_t pos;

	/* A UTF-8 byte order mark is tolerated, as many editors write one. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (len > SUITE_MAX_BYTES) {
		suite_error(err, errlen, "larger than %u MiB", SUITE_MAX_BYTES >> 20);
		return NULL;
	}
	tok = json_tokener_new_ex(SUITE_MAX_DEPTH);
	if (!tok) {
		suite_error(err, errlen, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	e = json_tokener_get_error(tok);
	pos = json_tokener_get_parse_end(tok);
	if (e == json_tokener_continue) {
		/* json-c waits for more; a NUL byte says there is none */
		root = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
		pos = len;
	}
	json_tokener_free(tok);
	if (e == json_tokener_success)
		return root;
	syntax_error(text, len, pos, json_tokener_error_desc(e), err, errlen);
	return NULL;
}

/* A string member of obj: *out points into the tree, NULL when absent
 * and optional. Returns -1 with a message for a wrong type, a NUL
 * character inside or a missing required member. */
static int get_string(struct json_object *obj, const char *key,
		      bool required, const char *where, const char **out,
		      char *err, size_t errlen)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || (!v && !required)) {
		if (required)
			return suite_error(err, errlen, "%sno \"%s\"", where, key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return suite_error(err, errlen, "%s\"%s\" is %s %s, not a string",
				   where, key, article(v), type_name(v));
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v))
		return suite_error(err, errlen, "%s\"%s\" holds a NUL character (\\u0000)",
				   where, key);
	return 0;
}

static int parse_vector(struct json_object *jv, size_t index,
			const char *dir, const char *resources,
			const char *suite_name, struct conform_vector *vec,
			char *err, size_t errlen)
{
	const char *name, *input, *result, *format;
	char where[160];
	size_t len;

	snprintf(where, sizeof(where), "test_vectors[%zu]: ", index);
	if (!json_object_is_type(jv, json_type_object))
		return suite_error(err, errlen, "%s%s %s, not an object", where,
				   article(jv), type_name(jv));
	if (get_string(jv, "name", true, where, &name, err, errlen) < 0)
		return -1;
	if (!*name)
		return suite_error(err, errlen, "%s\"name\" is empty", where);
	snprintf(where, sizeof(where), "test_vectors[%zu] (\"%.100s\"): ",
		 index, name);
	if (get_string(jv, "input_file", true, where, &input, err, errlen) < 0 ||
	    get_string(jv, "result", true, where, &result, err, errlen) < 0 ||
	    get_string(jv, "output_format", false, where, &format, err,
		       errlen) < 0)
		return -1;
	if (!*input)
		return suite_error(err, errlen, "%s\"input_file\" is empty", where);
	len = strlen(result);
	if (len != 0 && len != 32)
		return suite_error(err, errlen,
				   "%s\"result\" is not an MD5 (32 hex digits): \"%.64s\"",
				   where, result);
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)result[i]))
			return suite_error(err, errlen,
					   "%s\"result\" is not an MD5 (32 hex digits): \"%.64s\"",
					   where, result);
	vec->name = strdup(name);
	vec->input = resolve_input(dir, resources, suite_name, name, input);
	vec->result = len ? strdup(result) : NULL;
	vec->output_format = format && *format ? strdup(format) : NULL;
	if (!vec->name || !vec->input || (len && !vec->result) ||
	    (format && *format && !vec->output_format))
		return suite_error(err, errlen, "out of memory");
	for (char *c = vec->result; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return 0;
}

int conform_suite_parse(const char *text, size_t len, const char *dir,
			const char *resources, const char *fallback_name,
			struct conform_suite *s, char *err, size_t errlen)
{
	struct json_object *root, *vectors;
	const char *name, *codec;
	size_t n;

	*s = (struct conform_suite){ 0 };
	root = parse_json(text, len, err, errlen);
	if (!root)
		return -1;
	if (!json_object_is_type(root, json_type_object)) {
		suite_error(err, errlen, "the top level is %s %s, not an object",
			    article(root), type_name(root));
		goto fail;
	}
	if (get_string(root, "name", false, "", &name, err, errlen) < 0 ||
	    get_string(root, "codec", false, "", &codec, err, errlen) < 0)
		goto fail;
	if (!json_object_object_get_ex(root, "test_vectors", &vectors)) {
		suite_error(err, errlen, "no \"test_vectors\" (not a fluster suite?)");
		goto fail;
	}
	if (!json_object_is_type(vectors, json_type_array)) {
		suite_error(err, errlen, "\"test_vectors\" is %s %s, not an array",
			    article(vectors), type_name(vectors));
		goto fail;
	}
	n = json_object_array_length(vectors);
	if (n == 0) {
		suite_error(err, errlen, "\"test_vectors\" is empty");
		goto fail;
	}
	s->name = strdup(name && *name ? name : fallback_name);
	s->codec = codec ? strdup(codec) : NULL;
	s->vectors = calloc(n, sizeof(*s->vectors));
	if (!s->name || (codec && !s->codec) || !s->vectors) {
		suite_error(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		s->n = i + 1;	/* so a partial vector is freed too */
		if (parse_vector(json_object_array_get_idx(vectors, i), i, dir,
				 resources, s->name, &s->vectors[i], err,
				 errlen) < 0)
			goto fail;
	}
	json_object_put(root);
	return 0;
fail:
	json_object_put(root);
	conform_suite_free(s);
	return -1;
}

/* The whole file, NUL-terminated; NULL with errno set. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (n + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? 2 * cap : 16384;
			if (cap > SUITE_MAX_BYTES + 4096 + 1) {
				errno = EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		errno = EIO;
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	{
		int e = errno;

		fclose(f);
		free(buf);
		errno = e;
	}
	return NULL;
}

int conform_suite_load(const char *path, const char *resources,
		       struct conform_suite *s, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	char *dir, *name, *text, *dot;
	char msg[400];
	size_t len;
	int ret;

	*s = (struct conform_suite){ 0 };
	text = read_file(path, &len);
	if (!text)
		return suite_error(err, errlen, "%s: cannot read: %s", path,
				   strerror(errno));
	base = base ? base + 1 : path;
	dir = base == path ? strdup(".")
			   : strndup(path, (size_t)(base - path - 1));
	name = strdup(base);
	if (!dir || !name) {
		free(dir);
		free(name);
		free(text);
		return suite_error(err, errlen, "out of memory");
	}
	dot = strrchr(name, '.');
	if (dot && dot != name && strcmp(dot, ".json") == 0)
		*dot = '\0';
	/* dir is "" for a suite at the root ("/x.json"): inputs "/input" */
	ret = conform_suite_parse(text, len, dir, resources, name,
				  s, msg, sizeof(msg));
	if (ret < 0)
		suite_error(err, errlen, "%s: %s", path, msg);
	free(dir);
	free(name);
	free(text);
	return ret;
}

void conform_suite_free(struct conform_suite *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->vectors[i].name);
		free(s->vectors[i].input);
		free(s->vectors[i].result);
		free(s->vectors[i].output_format);
	}
	free(s->vectors);
	free(s->name);
	free(s->codec);
	*s = (struct conform_suite){ 0 };
}

const char *conform_suite_demuxer(const char *codec)
{
	static const struct {
		const char *codec, *demuxer;
	} map[] = {
		{ "H.264", "h264" },
		{ "H.265", "hevc" },
		{ "H.266", "vvc" },
		{ "MPEG2_VIDEO", "mpegvideo" },
		{ "MPEG4_VIDEO", "m4v" },
		{ "AV1", "obu" },
	};

	if (!codec)
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(codec, map[i].codec) == 0)
			return map[i].demuxer;
	return NULL;
}
