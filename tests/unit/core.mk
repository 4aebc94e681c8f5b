# unit tests: core (see tests/Makefile.am)
core_tests = \
	unit/test-bitreader \
	unit/test-codec \
	unit/test-convert \
	unit/test-format \
	unit/test-log \
	unit/test-requeue \
	unit/test-vp9-compressed-header
TESTS += $(core_tests)
check_PROGRAMS += $(core_tests)

unit_test_bitreader_SOURCES = unit/test-bitreader.c
unit_test_bitreader_LDADD = $(CORE_LIBS)
unit_test_codec_SOURCES = unit/test-codec.c
unit_test_codec_LDADD = $(CORE_LIBS)
unit_test_convert_SOURCES = unit/test-convert.c bench/timing.h
unit_test_convert_LDADD = $(CORE_LIBS)
unit_test_format_SOURCES = unit/test-format.c
unit_test_format_LDADD = $(CORE_LIBS)
unit_test_log_SOURCES = unit/test-log.c
unit_test_log_LDADD = $(CORE_LIBS)
unit_test_requeue_SOURCES = unit/test-requeue.c
unit_test_requeue_LDADD = $(CORE_LIBS)
# Its oracle: real frames against GStreamer's parser, their compressed
# headers located by the VA driver's uncompressed header reader (compiled in:
# no libva needed); fixtures: unit/data/vp9/make-fixtures.sh
unit_test_vp9_compressed_header_SOURCES = unit/test-vp9-compressed-header.c \
	unit/vp9-bool-encoder.h ../src/va/vp9_uncompressed_header.c
unit_test_vp9_compressed_header_CPPFLAGS = $(AM_CPPFLAGS) \
	-DVP9_DATA_DIR='"$(abs_srcdir)/unit/data/vp9"'
unit_test_vp9_compressed_header_LDADD = $(CORE_LIBS)
EXTRA_DIST += unit/data/vp9

# trace files: reader, writer, reference fields, recorder, checksums
TESTS += unit/test-trace
check_PROGRAMS += unit/test-trace
unit_test_trace_SOURCES = unit/test-trace.c
unit_test_trace_LDADD = $(CORE_LIBS)
unit_test_trace_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTRACE_DATA_DIR='"$(abs_top_srcdir)/data/traces"'

# The fuzz targets' own copy of the source list is complete.
TESTS += unit/fuzz-sources.sh
EXTRA_DIST += unit/fuzz-sources.sh
