/* The test tool's JSON output on json-c: strings made valid UTF-8,
 * fixed-point numbers, and the document layout the tool prints. */
#include "config.h"

#include <check.h>

#include "unit.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"

/* What tool_json_print writes for doc. */
static char *printed(struct json_object *doc)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(tool_json_print(f, doc), 0);
	fclose(f);
	return buf;
}

static void check_string(const char *in, const char *expected)
{
	struct json_object *v = tool_json_string(in);

	ck_assert_str_eq(json_object_get_string(v), expected);
	json_object_put(v);
}

START_TEST(test_string_utf8_kept)
{
	check_string("", "");
	check_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xa5",
		     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xa5");
}
END_TEST

START_TEST(test_string_invalid_utf8_replaced)
{
	/* a lone continuation byte, a Latin-1 byte, a cut sequence */
	check_string("a\x80" "b\xe9" "c\xe2\x82",
		     "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

START_TEST(test_string_null)
{
	ck_assert_ptr_null(tool_json_string(NULL));
}
END_TEST

START_TEST(test_fixed3)
{
	struct json_object *doc = json_object_new_array();
	char *out;

	json_object_array_add(doc, tool_json_fixed3(12.5));
	json_object_array_add(doc, tool_json_fixed3(-0.0004));
	json_object_array_add(doc, tool_json_fixed3(1e30));	/* every digit */
	json_object_array_add(doc, tool_json_fixed3(INFINITY));
	json_object_array_add(doc, tool_json_fixed3(NAN));
	out = printed(doc);
	ck_assert_str_eq(out, "[\n  12.500,\n  -0.000,\n  1000000000000000019884624838656.000,\n  null,\n  null\n]\n");
	free(out);
}
END_TEST

/* Escapes only what JSON needs ("/" stays), indents by two spaces. (An
 * empty array or object is "[]" with json-c 0.18, over two lines with
 * 0.16: not checked.) */
START_TEST(test_document_layout)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *list = json_object_new_array();
	char *out;

	json_object_object_add(doc, "name", tool_json_string("h\"264 /dev/\\\n\t\x01"));
	json_object_array_add(list, json_object_new_uint64(UINT64_MAX));
	json_object_array_add(list, json_object_new_int64(-2));
	json_object_array_add(list, json_object_new_boolean(1));
	json_object_array_add(list, tool_json_string(NULL));
	json_object_object_add(doc, "list", list);
	out = printed(doc);
	ck_assert_str_eq(out, "{\n"
			      "  \"name\": \"h\\\"264 /dev/\\\\\\n\\t\\u0001\",\n"
			      "  \"list\": [\n"
			      "    18446744073709551615,\n"
			      "    -2,\n"
			      "    true,\n"
			      "    null\n"
			      "  ]\n"
			      "}\n");
	free(out);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *strings = tcase_create("strings");
	TCase *writer = tcase_create("writer");

	tcase_add_test(strings, test_string_utf8_kept);
	tcase_add_test(strings, test_string_invalid_utf8_replaced);
	tcase_add_test(strings, test_string_null);
	suite_add_tcase(s, strings);
	tcase_add_test(writer, test_fixed3);
	tcase_add_test(writer, test_document_layout);
	suite_add_tcase(s, writer);
	return s;
}

int main(void)
{
	return unit_run(json_suite());
}
