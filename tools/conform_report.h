/* conform: per-stream results and the reports written from them (text,
 * JSON, JUnit XML). */
#ifndef CONFORM_REPORT_H
#define CONFORM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "conform_compare.h"

enum conform_status {
	CONFORM_PASS,
	CONFORM_FAIL,	/* decoded, and the output differs */
	CONFORM_ERROR,	/* could not be decoded and compared */
};

struct conform_result {
	char *name;		/* the vector's or file's name */
	char *suite;		/* the suite's name, or NULL */
	char *path;		/* the stream file */
	char codec[32];		/* libavcodec's name, or "" */
	char profile[48];	/* or "" */
	enum conform_status status;
	char *detail;		/* one line: why, or what was checked */
	unsigned frames, ref_frames, differing;
	long first_diff;	/* or -1 */
	/* the first differing frame's PSNR per plane (INFINITY: equal) */
	unsigned nb_psnr;
	double psnr[CONFORM_MAX_PLANES];
	struct conform_layout psnr_layout;
	/* hex MD5s of the whole output, "" when not computed */
	char md5[33], ref_md5[33];
	char expected_md5[33];	/* the suite's, or "" */
	bool expected_checked;	/* it could be compared, and was */
	char va_driver[128];	/* the VA driver's vendor string, or "" */
	double seconds;
};

/* What was compared with what, for the reports' headers. */
struct conform_run {
	const char *test;	/* "vaapi" or "software" */
	const char *reference;	/* "software" */
	const char *device;	/* the DRM node, or NULL */
	double seconds;
};

/* Sets the strings (copies); returns 0 or -1 when out of memory. */
int conform_result_init(struct conform_result *r, const char *name,
			const char *suite, const char *path);
int conform_result_set_detail(struct conform_result *r, const char *detail);
void conform_result_free(struct conform_result *r);

const char *conform_status_name(enum conform_status s);

/* "conform NAME: PASS (detail)", NAME being SUITE/NAME for a suite's
 * vector, control characters shown as '?' so it stays one line. */
void conform_report_text(FILE *f, const struct conform_result *r);
/* "N passed, N failed, N errors". */
void conform_report_summary(FILE *f, const struct conform_result *rs,
			    size_t n);
void conform_report_json(FILE *f, const struct conform_run *run,
			 const struct conform_result *rs, size_t n);
/* JUnit XML: one <testsuite> per suite (loose files in one named
 * "conform"), one <testcase> per stream with <failure> or <error>. */
void conform_report_junit(FILE *f, const struct conform_run *run,
			  const struct conform_result *rs, size_t n);

/* s as XML character data or attribute value: markup characters
 * escaped, characters XML 1.0 cannot hold and invalid UTF-8 replaced by
 * U+FFFD, tab and line ends as character references (kept in attributes). */
void conform_xml_escape(FILE *f, const char *s);

#endif
