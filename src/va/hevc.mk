# hevc part of the VA driver (see src/va/Makefile.am)
