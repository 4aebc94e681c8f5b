/* conform: text, JSON and JUnit XML reports (see conform_report.h). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conform_report.h"
#include "json.h"

int conform_result_init(struct conform_result *r, const char *name,
			const char *suite, const char *path)
{
	*r = (struct conform_result){ .first_diff = -1 };
	r->name = strdup(name);
	r->suite = suite ? strdup(suite) : NULL;
	r->path = strdup(path);
	r->detail = strdup("");
	if (!r->name || (suite && !r->suite) || !r->path || !r->detail) {
		conform_result_free(r);
		return -1;
	}
	return 0;
}

int conform_result_set_detail(struct conform_result *r, const char *detail)
{
	char *d = strdup(detail);

	if (!d)
		return -1;
	free(r->detail);
	r->detail = d;
	return 0;
}

void conform_result_free(struct conform_result *r)
{
	free(r->name);
	free(r->suite);
	free(r->path);
	free(r->detail);
	r->name = r->suite = r->path = r->detail = NULL;
}

const char *conform_status_name(enum conform_status s)
{
	switch (s) {
	case CONFORM_PASS:
		return "PASS";
	case CONFORM_FAIL:
		return "FAIL";
	default:
		return "ERROR";
	}
}

/* ---- text ---- */

static void put_one_line(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

void conform_report_text(FILE *f, const struct conform_result *r)
{
	fputs("conform ", f);
	if (r->suite) {
		put_one_line(f, r->suite);
		fputc('/', f);
	}
	put_one_line(f, r->name);
	fprintf(f, ": %s", conform_status_name(r->status));
	if (r->detail && r->detail[0]) {
		fputs(" (", f);
		put_one_line(f, r->detail);
		fputc(')', f);
	}
	fputc('\n', f);
}

static void count(const struct conform_result *rs, size_t n,
		  unsigned counts[3])
{
	counts[0] = counts[1] = counts[2] = 0;
	for (size_t i = 0; i < n; i++)
		counts[rs[i].status]++;
}

void conform_report_summary(FILE *f, const struct conform_result *rs,
			    size_t n)
{
	unsigned c[3];

	count(rs, n, c);
	fprintf(f, "%u passed, %u failed, %u errors\n", c[CONFORM_PASS],
		c[CONFORM_FAIL], c[CONFORM_ERROR]);
}

/* ---- JSON ---- */

static struct json_object *json_nonempty(const char *s)
{
	return tool_json_string(s && s[0] ? s : NULL);
}

static struct json_object *json_result(const struct conform_result *r)
{
	struct json_object *o = json_object_new_object(), *psnr = NULL;

	json_object_object_add(o, "name", json_nonempty(r->name));
	json_object_object_add(o, "suite", json_nonempty(r->suite));
	json_object_object_add(o, "file", json_nonempty(r->path));
	json_object_object_add(o, "codec", json_nonempty(r->codec));
	json_object_object_add(o, "profile", json_nonempty(r->profile));
	json_object_object_add(o, "result", tool_json_string(conform_status_name(r->status)));
	json_object_object_add(o, "detail", tool_json_string(r->detail ? r->detail : ""));
	json_object_object_add(o, "frames", json_object_new_uint64(r->frames));
	json_object_object_add(o, "reference_frames", json_object_new_uint64(r->ref_frames));
	json_object_object_add(o, "differing_frames", json_object_new_uint64(r->differing));
	json_object_object_add(o, "first_differing_frame", r->first_diff >= 0 ?
			       json_object_new_int64(r->first_diff) : NULL);
	/* PSNR per plane of the first differing frame; null for a plane
	 * that is identical (infinite PSNR) */
	if (r->nb_psnr) {
		psnr = json_object_new_object();
		for (unsigned i = 0; i < r->nb_psnr; i++)
			json_object_object_add(psnr, conform_plane_name(&r->psnr_layout, i),
					       tool_json_fixed3(r->psnr[i]));
	}
	json_object_object_add(o, "psnr", psnr);
	json_object_object_add(o, "md5", json_nonempty(r->md5));
	json_object_object_add(o, "reference_md5", json_nonempty(r->ref_md5));
	json_object_object_add(o, "expected_md5", json_nonempty(r->expected_md5));
	json_object_object_add(o, "expected_md5_checked",
			       json_object_new_boolean(r->expected_checked));
	json_object_object_add(o, "va_driver", json_nonempty(r->va_driver));
	json_object_object_add(o, "seconds", tool_json_fixed3(r->seconds));
	return o;
}

void conform_report_json(FILE *f, const struct conform_run *run,
			 const struct conform_result *rs, size_t n)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *streams = json_object_new_array();
	unsigned c[3];

	count(rs, n, c);
	json_object_object_add(doc, "command", tool_json_string("conform"));
	json_object_object_add(doc, "test", json_nonempty(run->test));
	json_object_object_add(doc, "reference", json_nonempty(run->reference));
	json_object_object_add(doc, "device", json_nonempty(run->device));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(streams, json_result(&rs[i]));
	json_object_object_add(doc, "streams", streams);
	json_object_object_add(doc, "passed", json_object_new_uint64(c[CONFORM_PASS]));
	json_object_object_add(doc, "failed", json_object_new_uint64(c[CONFORM_FAIL]));
	json_object_object_add(doc, "errors", json_object_new_uint64(c[CONFORM_ERROR]));
	json_object_object_add(doc, "seconds", tool_json_fixed3(run->seconds));
	tool_json_print(f, doc);	/* says so on stderr when it fails */
}

/* ---- JUnit XML ---- */

/* Length of the UTF-8 sequence at s encoding a character XML 1.0
 * allows (from U+0020, plus tab and line ends), or 0. */
static unsigned xml_char_length(const unsigned char *s)
{
	unsigned len, cp;

	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' ||
		       s[0] == '\r';
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (unsigned i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF, U+FFFE and U+FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

/* Character data keeps tabs and line ends as they are; attribute
 * values need them as references (a parser turns them into spaces). */
static void escape(FILE *f, const char *str, bool attribute)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned len = xml_char_length(s);

		if (len == 0) {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD */
			s++;
			continue;
		}
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\t': fputs(attribute ? "&#9;" : "\t", f); break;
		case '\n': fputs(attribute ? "&#10;" : "\n", f); break;
		case '\r': fputs("&#13;", f); break;	/* or it reads as \n */
		default: fwrite(s, 1, len, f); break;
		}
		s += len;
	}
}

void conform_xml_escape(FILE *f, const char *s)
{
	escape(f, s, true);
}

static void xml_text(FILE *f, const char *s)
{
	escape(f, s, false);
}

static void xml_attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	conform_xml_escape(f, value);
	fputc('"', f);
}

static void xml_attr_uint(FILE *f, const char *name, unsigned v)
{
	fprintf(f, " %s=\"%u\"", name, v);
}

static void xml_attr_time(FILE *f, double seconds)
{
	fprintf(f, " time=\"%.3f\"", isfinite(seconds) ? seconds : 0.0);
}

static const char *suite_of(const struct conform_result *r)
{
	return r->suite ? r->suite : "conform";
}

static bool same_suite(const struct conform_result *a,
		       const struct conform_result *b)
{
	return strcmp(suite_of(a), suite_of(b)) == 0;
}

/* The whole story of a failed or erroneous stream, for the element's
 * text. */
static void junit_details(FILE *f, const struct conform_result *r)
{
	char line[512];

	snprintf(line, sizeof(line),
		 "file: %s\nframes: %u (reference %u), %u differing\n",
		 r->path, r->frames, r->ref_frames, r->differing);
	xml_text(f, line);
	if (r->md5[0]) {
		snprintf(line, sizeof(line), "md5: %s\nreference md5: %s\n",
			 r->md5, r->ref_md5);
		xml_text(f, line);
	}
	if (r->expected_md5[0]) {
		snprintf(line, sizeof(line), "expected md5: %s%s\n",
			 r->expected_md5,
			 r->expected_checked ? "" : " (not checked)");
		xml_text(f, line);
	}
	xml_text(f, r->detail ? r->detail : "");
}

static void junit_case(FILE *f, const struct conform_result *r)
{
	const char *element = r->status == CONFORM_FAIL ? "failure" : "error";

	fputs("    <testcase", f);
	fputs(" classname=\"conform.", f);
	conform_xml_escape(f, suite_of(r));
	fputc('"', f);
	xml_attr(f, "name", r->name);
	xml_attr(f, "file", r->path);
	xml_attr_time(f, r->seconds);
	if (r->status == CONFORM_PASS) {
		fputs("/>\n", f);
		return;
	}
	fprintf(f, ">\n      <%s", element);
	xml_attr(f, "type", r->status == CONFORM_FAIL ? "mismatch" : "error");
	xml_attr(f, "message", r->detail ? r->detail : "");
	fputs(">", f);
	junit_details(f, r);
	fprintf(f, "</%s>\n    </testcase>\n", element);
}

void conform_report_junit(FILE *f, const struct conform_run *run,
			  const struct conform_result *rs, size_t n)
{
	unsigned c[3];

	count(rs, n, c);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	xml_attr(f, "name", "v4l2-request-test conform");
	xml_attr_uint(f, "tests", (unsigned)n);
	xml_attr_uint(f, "failures", c[CONFORM_FAIL]);
	xml_attr_uint(f, "errors", c[CONFORM_ERROR]);
	xml_attr_time(f, run->seconds);
	fputs(">\n", f);
	/* results of one suite follow each other: one <testsuite> per run */
	for (size_t i = 0; i < n;) {
		size_t end = i + 1;
		unsigned sc[3];
		double seconds = rs[i].seconds;

		while (end < n && same_suite(&rs[i], &rs[end]))
			seconds += rs[end++].seconds;
		count(rs + i, end - i, sc);
		fputs("  <testsuite", f);
		xml_attr(f, "name", suite_of(&rs[i]));
		xml_attr_uint(f, "tests", (unsigned)(end - i));
		xml_attr_uint(f, "failures", sc[CONFORM_FAIL]);
		xml_attr_uint(f, "errors", sc[CONFORM_ERROR]);
		xml_attr_uint(f, "skipped", 0);
		xml_attr_time(f, seconds);
		fputs(">\n    <properties>\n", f);
		fputs("      <property name=\"test\"", f);
		xml_attr(f, "value", run->test ? run->test : "");
		fputs("/>\n      <property name=\"reference\"", f);
		xml_attr(f, "value", run->reference ? run->reference : "");
		fputs("/>\n", f);
		if (run->device) {
			fputs("      <property name=\"device\"", f);
			xml_attr(f, "value", run->device);
			fputs("/>\n", f);
		}
		fputs("    </properties>\n", f);
		for (; i < end; i++)
			junit_case(f, &rs[i]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
}
