# unit tests: probe (see tests/Makefile.am)
