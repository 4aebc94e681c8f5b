# av1 part of the VA driver (see src/va/Makefile.am); needs the AV1 uAPI
# (Linux 6.5 headers)
if HAVE_AV1_UAPI
libvacodecs_la_SOURCES += av1.c av1_slots.c av1_slots.h
endif
