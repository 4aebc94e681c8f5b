/* One line per test case for the guest test programs, as v4l2-compliance
 * prints them: "test NAME: OK", "test NAME: FAIL (why)", "test NAME: SKIP
 * (why)", and a summary line at the end. */
#ifndef GUEST_REPORT_H
#define GUEST_REPORT_H

#include <stdbool.h>

extern unsigned report_passed, report_failed, report_skipped;

void report(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void report_skip(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints the summary; the program's exit status (0: nothing failed). */
int report_summary(void);

#endif
