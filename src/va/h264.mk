# h264 part of the VA driver (see src/va/Makefile.am)
libvacodecs_la_SOURCES += h264.c h264_slice_header.c h264_slice_header.h
