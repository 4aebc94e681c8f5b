# vp9 part of the VA driver (see src/va/Makefile.am)
libvacodecs_la_SOURCES += vp9.c vp9_uncompressed_header.c vp9_uncompressed_header.h
