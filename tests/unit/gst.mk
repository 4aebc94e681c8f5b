# unit tests: the GStreamer plugin's GLib-free reference management
# (gst-plugin/dpb_*.c; see tests/Makefile.am)
gst_refs_tests = \
	unit/test-dpb-h264 \
	unit/test-dpb-hevc
TESTS += $(gst_refs_tests)
check_PROGRAMS += $(gst_refs_tests)
GST_REFS_LIBS = $(top_builddir)/gst-plugin/libv4l2r-refs.la $(CHECK_LIBS)

unit_test_dpb_h264_SOURCES = unit/test-dpb-h264.c
unit_test_dpb_h264_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gst-plugin
unit_test_dpb_h264_LDADD = $(GST_REFS_LIBS)
unit_test_dpb_hevc_SOURCES = unit/test-dpb-hevc.c
unit_test_dpb_hevc_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gst-plugin
unit_test_dpb_hevc_LDADD = $(GST_REFS_LIBS)
