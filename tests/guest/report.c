/* One line per test case (report.h). */
#include <stdarg.h>
#include <stdio.h>

#include "report.h"

unsigned report_passed, report_failed, report_skipped;

__attribute__((format(printf, 1, 0)))
static void why(const char *fmt, va_list ap)
{
	printf(" (");
	vprintf(fmt, ap);
	printf(")");
}

void report(const char *name, bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("test %s: %s", name, ok ? "OK" : "FAIL");
	if (!ok && fmt) {
		va_start(ap, fmt);
		why(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
	if (ok)
		report_passed++;
	else
		report_failed++;
}

void report_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("test %s: SKIP", name);
	va_start(ap, fmt);
	why(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	report_skipped++;
}

int report_summary(void)
{
	if (report_skipped)
		printf("%u passed, %u failed, %u skipped\n", report_passed,
		       report_failed, report_skipped);
	else
		printf("%u passed, %u failed\n", report_passed, report_failed);
	return report_failed ? 1 : 0;
}
