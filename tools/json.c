/* A small streaming JSON writer (see json.h). */
#include "config.h"

#include <assert.h>
#include <inttypes.h>

#include "json.h"

void json_init(struct json_writer *w, FILE *f)
{
	*w = (struct json_writer){ .f = f };
}

void json_finish(struct json_writer *w)
{
	fputc('\n', w->f);
}

static void indent(struct json_writer *w)
{
	fputc('\n', w->f);
	for (unsigned i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Separates a new value from the previous one of its container. */
static void begin_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->has_items[w->depth - 1])
		fputc(',', w->f);
	w->has_items[w->depth - 1] = true;
	indent(w);
}

static void open_container(struct json_writer *w, char c)
{
	begin_value(w);
	fputc(c, w->f);
	assert(w->depth < JSON_MAX_DEPTH);
	w->has_items[w->depth++] = false;
}

static void close_container(struct json_writer *w, char c)
{
	assert(w->depth > 0);
	if (w->has_items[--w->depth])
		indent(w);
	fputc(c, w->f);
}

void json_begin_object(struct json_writer *w)
{
	open_container(w, '{');
}

void json_end_object(struct json_writer *w)
{
	close_container(w, '}');
}

void json_begin_array(struct json_writer *w)
{
	open_container(w, '[');
}

void json_end_array(struct json_writer *w)
{
	close_container(w, ']');
}

void json_key(struct json_writer *w, const char *key)
{
	begin_value(w);
	json_write_escaped(w->f, key);
	fputs(": ", w->f);
	w->after_key = true;
}

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

void json_write_escaped(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		unsigned len = utf8_sequence_length(s);

		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*s < 0x20)
				fprintf(f, "\\u%04x", *s);
			else if (len == 0)
				fputs("\\ufffd", f);
			else
				fwrite(s, 1, len, f);
		}
		s += len ? len : 1;
	}
	fputc('"', f);
}

void json_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	begin_value(w);
	json_write_escaped(w->f, s);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	begin_value(w);
	fprintf(w->f, "%" PRIu64, v);
}

void json_int(struct json_writer *w, int64_t v)
{
	begin_value(w);
	fprintf(w->f, "%" PRId64, v);
}

void json_bool(struct json_writer *w, bool v)
{
	begin_value(w);
	fputs(v ? "true" : "false", w->f);
}

void json_null(struct json_writer *w)
{
	begin_value(w);
	fputs("null", w->f);
}
