# unit tests: probe (see tests/Makefile.am): device discovery, the
# capability probe and, when the tool is built, the tool's JSON output.
TESTS += test-discovery test-probe
check_PROGRAMS += test-discovery test-probe

test_discovery_SOURCES = unit/test-discovery.c
test_discovery_LDADD = $(CORE_LIBS)

test_probe_SOURCES = unit/test-probe.c
test_probe_LDADD = $(CORE_LIBS)

if ENABLE_TOOLS
TESTS += test-json
check_PROGRAMS += test-json
test_json_SOURCES = unit/test-json.c ../tools/json.c
test_json_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools $(JSON_C_CFLAGS)
test_json_LDADD = $(CHECK_LIBS) $(JSON_C_LIBS) -lm
endif
