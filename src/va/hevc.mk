# hevc part of the VA driver (see src/va/Makefile.am)
libvacodecs_la_SOURCES += hevc.c hevc_slice_header.c hevc_slice_header.h
