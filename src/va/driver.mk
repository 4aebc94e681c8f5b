# driver part of the VA driver (see src/va/Makefile.am)
#
# Everything but the codec translations goes into a convenience library
# (unit tests link it to reach picture.c's checks without a device); the
# module is that library plus the codecs, exporting only libva's entry
# point __vaDriverInit_<major>_<minor>.
noinst_LTLIBRARIES += libvadriver.la
libvadriver_la_SOURCES = \
	driver.h \
	object.h \
	object.c \
	driver.c \
	config.c \
	context.c \
	surface.c \
	buffer.c \
	picture.c \
	image.c \
	export.c
libvadriver_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden $(PTHREAD_CFLAGS)

va_driver_LTLIBRARIES += v4l2_request_drv_video.la
v4l2_request_drv_video_la_SOURCES =
nodist_EXTRA_v4l2_request_drv_video_la_SOURCES = dummy.c
v4l2_request_drv_video_la_LDFLAGS = -module -avoid-version -no-undefined \
	-export-symbols-regex '^__vaDriverInit_'
v4l2_request_drv_video_la_LIBADD = libvadriver.la libvacodecs.la \
	$(PTHREAD_LIBS)

# libva loads the .so; a libtool archive beside it is of no use there.
# The aliases (configure's --with-va-driver-aliases) are symbolic links to
# it, named after the DRM drivers libva takes a driver's name from.
install-data-hook:
	rm -f $(DESTDIR)$(va_driverdir)/v4l2_request_drv_video.la
	for name in $(va_driver_aliases); do \
		ln -sf v4l2_request_drv_video.so \
			$(DESTDIR)$(va_driverdir)/$${name}_drv_video.so || exit 1; \
	done

# libtool's uninstall reads the archive removed above: the module goes here.
uninstall-hook:
	rm -f $(DESTDIR)$(va_driverdir)/v4l2_request_drv_video.so
	for name in $(va_driver_aliases); do \
		rm -f $(DESTDIR)$(va_driverdir)/$${name}_drv_video.so; \
	done
