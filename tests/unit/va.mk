# unit tests: va (see tests/Makefile.am)

# H.264 translation (src/va/h264.c); fixtures: unit/data/h264/make-fixtures.sh
if HAVE_LIBVA
TESTS += unit/test-va-h264
check_PROGRAMS += unit/test-va-h264
unit_test_va_h264_SOURCES = unit/test-va-h264.c $(VA_FIXTURES)
unit_test_va_h264_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS) \
	-DH264_DATA_DIR='"$(abs_srcdir)/unit/data/h264"'
unit_test_va_h264_LDADD = $(top_builddir)/src/va/libvacodecs.la $(CORE_LIBS) $(LIBVA_LIBS)
endif
EXTRA_DIST += unit/data/h264

# HEVC translation (src/va/hevc.c); fixtures: unit/data/hevc/make-fixtures.sh
if HAVE_LIBVA
TESTS += unit/test-va-hevc
check_PROGRAMS += unit/test-va-hevc
unit_test_va_hevc_SOURCES = unit/test-va-hevc.c unit/data/hevc/fixtures.h $(VA_FIXTURES)
unit_test_va_hevc_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS) -I$(srcdir)/unit
unit_test_va_hevc_LDADD = $(top_builddir)/src/va/libvacodecs.la $(CORE_LIBS) $(LIBVA_LIBS)
endif
EXTRA_DIST += unit/data/hevc/make-fixtures.sh unit/data/hevc/gen-fixtures.py

# VP9 translation (src/va/vp9.c, vp9_uncompressed_header.c)
if HAVE_LIBVA
TESTS += unit/test-va-vp9
check_PROGRAMS += unit/test-va-vp9
unit_test_va_vp9_SOURCES = unit/test-va-vp9.c unit/vp9-bool-encoder.h $(VA_FIXTURES)
unit_test_va_vp9_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS)
unit_test_va_vp9_LDADD = $(top_builddir)/src/va/libvacodecs.la $(CORE_LIBS)
endif

# AV1 translation (src/va/av1.c), through picture.c's collecting of the
# buffers in FFmpeg's and GStreamer's shapes
if ENABLE_VA_DRIVER
if HAVE_AV1_UAPI
TESTS += unit/test-va-av1
check_PROGRAMS += unit/test-va-av1
unit_test_va_av1_SOURCES = unit/test-va-av1.c $(VA_FIXTURES)
unit_test_va_av1_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS) $(LIBDRM_CFLAGS)
unit_test_va_av1_LDADD = $(top_builddir)/src/va/libvadriver.la \
	$(top_builddir)/src/va/libvacodecs.la $(CORE_LIBS) $(PTHREAD_LIBS)
# The AV1 slot numbering on real encoders' reference structures
# (av1-slots.sh: libaom and SVT-AV1 through FFmpeg, made at test time).
TESTS += unit/av1-slots.sh
check_PROGRAMS += unit/av1-slots-replay
unit_av1_slots_replay_SOURCES = unit/av1-slots-replay.c
unit_av1_slots_replay_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS)
unit_av1_slots_replay_LDADD = $(top_builddir)/src/va/libvacodecs.la $(CORE_LIBS)
EXTRA_DIST += unit/av1-slots.sh
endif
endif

# MPEG-2 translation (src/va/mpeg2.c)
if HAVE_LIBVA
TESTS += unit/test-va-mpeg2
check_PROGRAMS += unit/test-va-mpeg2
unit_test_va_mpeg2_SOURCES = unit/test-va-mpeg2.c
unit_test_va_mpeg2_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS)
unit_test_va_mpeg2_LDADD = $(top_builddir)/src/va/libvacodecs.la $(CORE_LIBS)
endif

# VP8 translation (src/va/vp8.c), and picture.c collecting the buffers
# in the shapes FFmpeg and GStreamer give them
if ENABLE_VA_DRIVER
TESTS += unit/test-va-vp8
check_PROGRAMS += unit/test-va-vp8
unit_test_va_vp8_SOURCES = unit/test-va-vp8.c $(VA_FIXTURES)
unit_test_va_vp8_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS) $(LIBDRM_CFLAGS)
unit_test_va_vp8_LDADD = $(top_builddir)/src/va/libvadriver.la \
	$(top_builddir)/src/va/libvacodecs.la $(CORE_LIBS) $(PTHREAD_LIBS)
endif

# The driver's device-free parts: picture collection and checks, bitstream
# writing, control filtering, decode-mode choice, pixel copies, object ids.
if ENABLE_VA_DRIVER
TESTS += unit/test-va-picture
check_PROGRAMS += unit/test-va-picture
unit_test_va_picture_SOURCES = unit/test-va-picture.c
unit_test_va_picture_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS) $(LIBDRM_CFLAGS)
unit_test_va_picture_LDADD = $(top_builddir)/src/va/libvadriver.la \
	$(top_builddir)/src/va/libvacodecs.la $(CORE_LIBS) $(PTHREAD_LIBS)
endif

# Guest program of tests/guest/va-api.test (built by make check, run in the
# visl guest): the driver through libva's API.
if HAVE_LIBVA
check_PROGRAMS += guest/va-api
guest_va_api_SOURCES = guest/va-api.c guest/va-common.c guest/va-common.h guest/report.c guest/report.h
guest_va_api_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS)
guest_va_api_LDADD = $(LIBVA_LIBS) $(PTHREAD_LIBS)
endif

# Guest program of tests/guest/va-egl.test: Kodi's and mpv's start-up
# probes and playback through EGL DMABUF import.
if HAVE_EGL
check_PROGRAMS += guest/va-egl
guest_va_egl_SOURCES = guest/va-egl.c guest/va-common.c guest/va-common.h guest/report.c guest/report.h
guest_va_egl_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS) $(EGL_CFLAGS)
guest_va_egl_LDADD = $(LIBVA_LIBS) $(EGL_LIBS) $(PTHREAD_LIBS)
endif

# Guest program of tests/guest/va-shapes.test: on each visl personality,
# Kodi's export probe, and a stream decoded by libavcodec's VA-API hwaccel
# whose surfaces exported as DMABUFs (DRM fourcc, modifier; mapped and
# untiled by the core) equal vaGetImage.
if ENABLE_VA_DRIVER
if HAVE_LIBAV
check_PROGRAMS += guest/va-shapes-export
guest_va_shapes_export_SOURCES = guest/va-shapes-export.c guest/va-common.c guest/va-common.h guest/report.c guest/report.h
guest_va_shapes_export_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVA_CFLAGS) $(LIBDRM_CFLAGS) $(LIBAV_CFLAGS)
guest_va_shapes_export_LDADD = $(top_builddir)/src/core/libv4l2r.la $(LIBAV_LIBS) $(LIBVA_LIBS) \
	$(PTHREAD_LIBS)
endif
endif
