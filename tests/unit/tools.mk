# unit tests: the test tool's conform pieces (see tests/Makefile.am):
# frame comparison, canonical frame layout, suite parser, reports (they
# need json-c, as the tool does).
if HAVE_LIBAV
if ENABLE_TOOLS
TESTS += unit/test-conform
check_PROGRAMS += unit/test-conform

unit_test_conform_SOURCES = unit/test-conform.c \
	../tools/conform_compare.c ../tools/conform_decode.c \
	../tools/conform_report.c ../tools/conform_suite.c ../tools/json.c
unit_test_conform_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools $(LIBAV_CFLAGS) \
	$(JSON_C_CFLAGS)
unit_test_conform_LDADD = $(CHECK_LIBS) $(LIBAV_LIBS) $(JSON_C_LIBS) -lm
endif
endif

# Synthetic streams of the record command: supported codecs are filled.
TESTS += unit/test-synth
check_PROGRAMS += unit/test-synth
unit_test_synth_SOURCES = unit/test-synth.c ../tools/synth.c
unit_test_synth_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools
unit_test_synth_LDADD = $(CORE_LIBS)

# The tool's command lines that need no device (usage errors, help texts).
TESTS += unit/tool-usage.sh
EXTRA_DIST += unit/tool-usage.sh

# The replay engine's timestamp choice (n log n on large traces).
TESTS += unit/test-replay
check_PROGRAMS += unit/test-replay
unit_test_replay_SOURCES = unit/test-replay.c ../tools/replay.c
unit_test_replay_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools
unit_test_replay_LDADD = $(CORE_LIBS) $(PTHREAD_LIBS)

# The client bench's input checks (tests/bench/clients), no guest needed.
TESTS += unit/bench-input.sh
EXTRA_DIST += unit/bench-input.sh
