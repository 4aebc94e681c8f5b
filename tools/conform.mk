# v4l2-request-test conform (included by Makefile.am): decoding and
# comparison with libavcodec; a build without libav has the command
# only to say so.
v4l2_request_test_SOURCES += cmd_conform.c
if HAVE_LIBAV
v4l2_request_test_SOURCES += \
	conform_compare.c conform_compare.h \
	conform_decode.c conform_decode.h \
	conform_report.c conform_report.h \
	conform_suite.c conform_suite.h
v4l2_request_test_CPPFLAGS += $(LIBAV_CFLAGS)
v4l2_request_test_LDADD += $(LIBAV_LIBS) -lm
endif
