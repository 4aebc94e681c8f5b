/* A small JSON reader (RFC 8259) into a tree, for conform's suite files.
 * Errors name the line and column. */
#ifndef CONFORM_JSONREAD_H
#define CONFORM_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>

enum jr_type {
	JR_NULL,
	JR_BOOL,
	JR_NUMBER,
	JR_STRING,
	JR_ARRAY,
	JR_OBJECT,
};

struct jr_member;

struct jr_value {
	enum jr_type type;
	union {
		bool boolean;
		double number;
		char *string;	/* UTF-8, NUL-terminated (no NUL inside) */
		struct {
			struct jr_value *items;
			size_t n;
		} array;
		struct {
			struct jr_member *members;	/* in document order */
			size_t n;
		} object;
	};
};

struct jr_member {
	char *key;
	struct jr_value value;
};

#define JR_MAX_DEPTH 64

/* Parses the whole of text[0..len) as one JSON value. Returns 0, or -1
 * with a message in err ("line 3, column 7: expected ':' after a key"). */
int jr_parse(const char *text, size_t len, struct jr_value *out, char *err,
	     size_t errlen);
void jr_free(struct jr_value *v);

/* The member of an object named key (the last one when repeated), or NULL
 * (also when obj is not an object). */
const struct jr_value *jr_get(const struct jr_value *obj, const char *key);

/* "null", "boolean", "number", "string", "array", "object". */
const char *jr_type_name(enum jr_type t);

#endif
