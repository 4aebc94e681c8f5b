/* The test tool's JSON writer: string escaping and document layout. */
#include "config.h"

#include <check.h>

#include "unit.h"
#include <stdio.h>
#include <stdlib.h>

#include "json.h"

/* Runs write() on a memory stream and returns what it wrote. */
static char *capture(void (*write)(FILE *f, const void *arg), const void *arg)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	ck_assert_ptr_nonnull(f);
	write(f, arg);
	fclose(f);
	return buf;
}

static void write_escaped(FILE *f, const void *arg)
{
	json_write_escaped(f, arg);
}

static void check_escaped(const char *in, const char *expected)
{
	char *out = capture(write_escaped, in);

	ck_assert_str_eq(out, expected);
	free(out);
}

START_TEST(test_escape_plain)
{
	check_escaped("", "\"\"");
	check_escaped("visl", "\"visl\"");
}
END_TEST

START_TEST(test_escape_quote_and_backslash)
{
	check_escaped("a\"b\\c", "\"a\\\"b\\\\c\"");
}
END_TEST

START_TEST(test_escape_control_characters)
{
	check_escaped("l1\nl2\r\t", "\"l1\\nl2\\r\\t\"");
	check_escaped("\x01\x1f", "\"\\u0001\\u001f\"");
}
END_TEST

START_TEST(test_escape_utf8_kept)
{
	check_escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xa5",
		      "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xa5\"");
}
END_TEST

START_TEST(test_escape_invalid_utf8)
{
	/* a lone continuation byte, a Latin-1 byte, a cut sequence */
	check_escaped("a\x80" "b\xe9" "c\xe2\x82", "\"a\\ufffdb\\ufffdc\\ufffd\\ufffd\"");
}
END_TEST

static void write_document(FILE *f, const void *arg)
{
	struct json_writer w;

	json_init(&w, f);
	json_begin_object(&w);
	json_key(&w, "name");
	json_string(&w, "h\"264");
	json_key(&w, "list");
	json_begin_array(&w);
	json_uint(&w, 1);
	json_int(&w, -2);
	json_bool(&w, true);
	json_string(&w, NULL);
	json_end_array(&w);
	json_key(&w, "empty");
	json_begin_array(&w);
	json_end_array(&w);
	json_key(&w, "object");
	json_begin_object(&w);
	json_end_object(&w);
	json_end_object(&w);
	json_finish(&w);
}

START_TEST(test_document_layout)
{
	char *out = capture(write_document, NULL);

	ck_assert_str_eq(out, "{\n"
			      "  \"name\": \"h\\\"264\",\n"
			      "  \"list\": [\n"
			      "    1,\n"
			      "    -2,\n"
			      "    true,\n"
			      "    null\n"
			      "  ],\n"
			      "  \"empty\": [],\n"
			      "  \"object\": {}\n"
			      "}\n");
	free(out);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *escape = tcase_create("escaping");
	TCase *writer = tcase_create("writer");

	tcase_add_test(escape, test_escape_plain);
	tcase_add_test(escape, test_escape_quote_and_backslash);
	tcase_add_test(escape, test_escape_control_characters);
	tcase_add_test(escape, test_escape_utf8_kept);
	tcase_add_test(escape, test_escape_invalid_utf8);
	suite_add_tcase(s, escape);
	tcase_add_test(writer, test_document_layout);
	suite_add_tcase(s, writer);
	return s;
}

int main(void)
{
	return unit_run(json_suite());
}
