# vp8 part of the VA driver (see src/va/Makefile.am)
libvacodecs_la_SOURCES += vp8.c
