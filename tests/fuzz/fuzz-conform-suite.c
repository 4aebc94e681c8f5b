/* conform's reader of fluster test suites (tools/conform_suite.c, on json-c)
 * on any text. Input files are looked up under a directory
 * that does not exist, so nothing outside is touched. */
#include "config.h"

#include "fuzz.h"
#include "conform_suite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conform_suite s;
	char err[256];

	if (conform_suite_parse((const char *)data, size, "/nonexistent/suite",
				"/nonexistent/resources", "fuzz", &s, err,
				sizeof(err)) == 0) {
		if (s.codec)
			conform_suite_demuxer(s.codec);
		conform_suite_free(&s);
	}
	return 0;
}
