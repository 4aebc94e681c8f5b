# unit tests: the test tool's conform pieces (see tests/Makefile.am):
# frame comparison, canonical frame layout, suite parser, reports.
if HAVE_LIBAV
TESTS += unit/test-conform
check_PROGRAMS += unit/test-conform

unit_test_conform_SOURCES = unit/test-conform.c \
	../tools/conform_compare.c ../tools/conform_decode.c \
	../tools/conform_jsonread.c ../tools/conform_report.c \
	../tools/conform_suite.c ../tools/json.c
unit_test_conform_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools $(LIBAV_CFLAGS)
unit_test_conform_LDADD = $(CHECK_LIBS) $(LIBAV_LIBS) -lm
endif
