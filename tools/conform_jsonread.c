/* A small recursive-descent JSON reader (see conform_jsonread.h). */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform_jsonread.h"

struct parser {
	const char *p, *start, *end;
	unsigned depth;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Records the first error, with the position of ps->p. */
static void fail(struct parser *ps, const char *fmt, ...)
{
	unsigned line = 1, column = 1;
	char msg[160];
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	for (const char *q = ps->start; q < ps->p && q < ps->end; q++) {
		if (*q == '\n') {
			line++;
			column = 1;
		} else if (((unsigned char)*q & 0xc0) != 0x80) {
			column++;	/* count characters, not UTF-8 bytes */
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "line %u, column %u: %s", line, column,
		 msg);
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

/* What is at ps->p, for messages. */
static const char *found(const struct parser *ps, char buf[8])
{
	unsigned char c;

	if (ps->p >= ps->end)
		return "the end of the text";
	c = (unsigned char)*ps->p;
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "byte %02x", c);
	return buf;
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return false;
	ps->p += n;
	return true;
}

static int hex4(struct parser *ps, unsigned *out)
{
	unsigned v = 0;

	if (ps->end - ps->p < 4) {
		fail(ps, "truncated \\u escape");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		char c = *ps->p;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else {
			fail(ps, "bad hex digit in a \\u escape");
			return -1;
		}
		ps->p++;
	}
	*out = v;
	return 0;
}

struct strbuf {
	char *s;
	size_t len, cap;
};

static bool sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;
		char *ns;

		while (cap < b->len + n + 1)
			cap *= 2;
		ns = realloc(b->s, cap);
		if (!ns)
			return false;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return true;
}

static bool sb_add_utf8(struct strbuf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return sb_add(b, u, n);
}

/* A string literal at ps->p (its opening quote); returns it allocated. */
static char *parse_string(struct parser *ps)
{
	struct strbuf b = { 0 };

	ps->p++;	/* the opening quote */
	if (!sb_add(&b, "", 0))
		goto nomem;
	for (;;) {
		const char *run = ps->p;
		unsigned cp;

		while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' &&
		       (unsigned char)*ps->p >= 0x20)
			ps->p++;
		if (!sb_add(&b, run, (size_t)(ps->p - run)))
			goto nomem;
		if (ps->p >= ps->end) {
			fail(ps, "unterminated string");
			goto error;
		}
		if (*ps->p == '"') {
			ps->p++;
			return b.s;
		}
		if (*ps->p != '\\') {
			fail(ps, "control character (byte %02x) in a string",
			     (unsigned char)*ps->p);
			goto error;
		}
		ps->p++;
		if (ps->p >= ps->end) {
			fail(ps, "unterminated string");
			goto error;
		}
		switch (*ps->p++) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (hex4(ps, &cp) < 0)
				goto error;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned lo;

				if (!literal(ps, "\\u") || hex4(ps, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff) {
					fail(ps, "unpaired UTF-16 surrogate in a \\u escape");
					goto error;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				fail(ps, "unpaired UTF-16 surrogate in a \\u escape");
				goto error;
			} else if (cp == 0) {
				fail(ps, "\\u0000 in a string is not supported");
				goto error;
			}
			break;
		default:
			ps->p--;
			fail(ps, "unknown escape '\\%c'", *ps->p);
			goto error;
		}
		if (!sb_add_utf8(&b, cp))
			goto nomem;
	}
nomem:
	fail(ps, "out of memory");
error:
	free(b.s);
	return NULL;
}

static bool is_digit(const struct parser *ps)
{
	return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static int parse_number(struct parser *ps, double *out)
{
	const char *s = ps->p;
	char buf[64];
	size_t n;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (!is_digit(ps)) {
		fail(ps, "expected a digit");
		return -1;
	}
	if (*ps->p == '0')
		ps->p++;
	else
		while (is_digit(ps))
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!is_digit(ps)) {
			fail(ps, "expected a digit after '.'");
			return -1;
		}
		while (is_digit(ps))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!is_digit(ps)) {
			fail(ps, "expected a digit in the exponent");
			return -1;
		}
		while (is_digit(ps))
			ps->p++;
	}
	n = (size_t)(ps->p - s);
	if (n >= sizeof(buf)) {
		ps->p = s;
		fail(ps, "number too long");
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	*out = strtod(buf, NULL);
	return 0;
}

static int parse_value(struct parser *ps, struct jr_value *v);

static int parse_array(struct parser *ps, struct jr_value *v)
{
	size_t cap = 0;

	v->type = JR_ARRAY;
	v->array.items = NULL;
	v->array.n = 0;
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		char buf[8];

		if (v->array.n == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			struct jr_value *ni =
				realloc(v->array.items, ncap * sizeof(*ni));

			if (!ni) {
				fail(ps, "out of memory");
				return -1;
			}
			v->array.items = ni;
			cap = ncap;
		}
		if (parse_value(ps, &v->array.items[v->array.n]) < 0) {
			jr_free(&v->array.items[v->array.n]);
			return -1;
		}
		v->array.n++;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return 0;
		}
		fail(ps, "expected ',' or ']' in an array, found %s",
		     found(ps, buf));
		return -1;
	}
}

static int parse_object(struct parser *ps, struct jr_value *v)
{
	size_t cap = 0;

	v->type = JR_OBJECT;
	v->object.members = NULL;
	v->object.n = 0;
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return 0;
	}
	for (;;) {
		struct jr_member *m;
		char buf[8];

		skip_space(ps);
		if (ps->p >= ps->end || *ps->p != '"') {
			fail(ps, "expected a key (a string) in an object, found %s",
			     found(ps, buf));
			return -1;
		}
		if (v->object.n == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			struct jr_member *nm =
				realloc(v->object.members, ncap * sizeof(*nm));

			if (!nm) {
				fail(ps, "out of memory");
				return -1;
			}
			v->object.members = nm;
			cap = ncap;
		}
		m = &v->object.members[v->object.n];
		m->key = parse_string(ps);
		if (!m->key)
			return -1;
		m->value.type = JR_NULL;
		v->object.n++;	/* freed with the object from here on */
		skip_space(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			fail(ps, "expected ':' after a key, found %s",
			     found(ps, buf));
			return -1;
		}
		ps->p++;
		if (parse_value(ps, &m->value) < 0)
			return -1;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			return 0;
		}
		fail(ps, "expected ',' or '}' in an object, found %s",
		     found(ps, buf));
		return -1;
	}
}

static int parse_value(struct parser *ps, struct jr_value *v)
{
	char buf[8];
	int ret;

	v->type = JR_NULL;
	skip_space(ps);
	if (ps->p >= ps->end) {
		fail(ps, "expected a value, found the end of the text");
		return -1;
	}
	switch (*ps->p) {
	case '{':
	case '[':
		if (++ps->depth > JR_MAX_DEPTH) {
			fail(ps, "nested deeper than %d levels", JR_MAX_DEPTH);
			return -1;
		}
		ret = *ps->p == '{' ? parse_object(ps, v) : parse_array(ps, v);
		ps->depth--;
		return ret;
	case '"':
		v->string = parse_string(ps);
		if (!v->string)
			return -1;
		v->type = JR_STRING;
		return 0;
	case 't':
	case 'f':
	case 'n':
		if (literal(ps, "true") || literal(ps, "false")) {
			v->type = JR_BOOL;
			v->boolean = ps->p[-4] == 't';	/* "true", "alse" */
			return 0;
		}
		if (literal(ps, "null"))
			return 0;
		break;
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
			v->type = JR_NUMBER;
			return parse_number(ps, &v->number);
		}
		break;
	}
	fail(ps, "expected a value, found %s", found(ps, buf));
	return -1;
}

int jr_parse(const char *text, size_t len, struct jr_value *out, char *err,
	     size_t errlen)
{
	struct parser ps = {
		.p = text, .start = text, .end = text + len,
		.err = err, .errlen = errlen,
	};
	char buf[8];

	if (errlen)
		err[0] = '\0';
	/* A UTF-8 byte order mark is tolerated, as many editors write one. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		ps.p += 3;
	if (parse_value(&ps, out) == 0) {
		skip_space(&ps);
		if (ps.p == ps.end)
			return 0;
		fail(&ps, "unexpected %s after the value", found(&ps, buf));
	}
	jr_free(out);
	return -1;
}

void jr_free(struct jr_value *v)
{
	switch (v->type) {
	case JR_STRING:
		free(v->string);
		break;
	case JR_ARRAY:
		for (size_t i = 0; i < v->array.n; i++)
			jr_free(&v->array.items[i]);
		free(v->array.items);
		break;
	case JR_OBJECT:
		for (size_t i = 0; i < v->object.n; i++) {
			free(v->object.members[i].key);
			jr_free(&v->object.members[i].value);
		}
		free(v->object.members);
		break;
	default:
		break;
	}
	v->type = JR_NULL;
}

const struct jr_value *jr_get(const struct jr_value *obj, const char *key)
{
	const struct jr_value *found_value = NULL;

	if (!obj || obj->type != JR_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->object.n; i++)
		if (strcmp(obj->object.members[i].key, key) == 0)
			found_value = &obj->object.members[i].value;
	return found_value;
}

const char *jr_type_name(enum jr_type t)
{
	static const char *const names[] = {
		[JR_NULL] = "null", [JR_BOOL] = "boolean",
		[JR_NUMBER] = "number", [JR_STRING] = "string",
		[JR_ARRAY] = "array", [JR_OBJECT] = "object",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}
