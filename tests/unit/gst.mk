# unit tests: the GStreamer plugin's GLib-free reference management
# (gst-plugin/dpb_*.c, mpeg2_refs.c, ref_slots.c; see tests/Makefile.am)
# and hvcC reader (hvcc.c)
gst_refs_tests = \
	unit/test-dpb-h264 \
	unit/test-dpb-hevc \
	unit/test-mpeg2-refs \
	unit/test-ref-slots \
	unit/test-hvcc
TESTS += $(gst_refs_tests)
check_PROGRAMS += $(gst_refs_tests)
GST_REFS_LIBS = $(top_builddir)/gst-plugin/libv4l2r-refs.la $(CHECK_LIBS)

unit_test_dpb_h264_SOURCES = unit/test-dpb-h264.c
unit_test_dpb_h264_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gst-plugin
unit_test_dpb_h264_LDADD = $(GST_REFS_LIBS)
unit_test_dpb_hevc_SOURCES = unit/test-dpb-hevc.c
unit_test_dpb_hevc_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gst-plugin
unit_test_dpb_hevc_LDADD = $(GST_REFS_LIBS)
unit_test_mpeg2_refs_SOURCES = unit/test-mpeg2-refs.c
unit_test_mpeg2_refs_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gst-plugin
unit_test_mpeg2_refs_LDADD = $(GST_REFS_LIBS)
unit_test_ref_slots_SOURCES = unit/test-ref-slots.c
unit_test_ref_slots_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gst-plugin
unit_test_ref_slots_LDADD = $(GST_REFS_LIBS)
unit_test_hvcc_SOURCES = unit/test-hvcc.c
unit_test_hvcc_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gst-plugin \
	-DHVCC_DATA_DIR='"$(abs_srcdir)/unit/data/hevc"'
unit_test_hvcc_LDADD = $(top_builddir)/gst-plugin/libv4l2r-hvcc.la $(CHECK_LIBS)
EXTRA_DIST += unit/data/hevc/hvcc-x265.bin unit/data/hevc/make-hvcc.sh
EXTRA_DIST += unit/held-pic.h

# The H.264 DPB's output order on real streams against libavcodec's
# (dpb-order.sh): needs GStreamer's parser, so only with the plugin.
if ENABLE_GST_PLUGIN
TESTS += unit/dpb-order.sh
check_PROGRAMS += unit/dpb-order
unit_dpb_order_SOURCES = unit/dpb-order.c
unit_dpb_order_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/gst-plugin \
	-DGST_USE_UNSTABLE_API
unit_dpb_order_CFLAGS = $(AM_CFLAGS) $(GST_CFLAGS)
unit_dpb_order_LDADD = $(top_builddir)/gst-plugin/libv4l2r-input.la \
	$(top_builddir)/gst-plugin/libv4l2r-refs.la $(GST_LIBS)
endif
EXTRA_DIST += unit/dpb-order.sh
# the streams dpb-order.sh makes
clean-local:
	rm -rf unit/streams unit/streams.log
