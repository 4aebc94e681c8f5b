# unit tests: va (see tests/Makefile.am)

# H.264 translation (src/va/h264.c); fixtures: unit/data/h264/make-fixtures.sh
if HAVE_LIBVA
TESTS += unit/test-va-h264
check_PROGRAMS += unit/test-va-h264
unit_test_va_h264_SOURCES = unit/test-va-h264.c
unit_test_va_h264_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS) \
	-DH264_DATA_DIR='"$(abs_srcdir)/unit/data/h264"'
unit_test_va_h264_LDADD = $(top_builddir)/src/va/libvacodecs.la $(CORE_LIBS) $(LIBVA_LIBS)
endif
EXTRA_DIST += unit/data/h264
