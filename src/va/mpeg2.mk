# mpeg2 part of the VA driver (see src/va/Makefile.am)
libvacodecs_la_SOURCES += mpeg2.c
