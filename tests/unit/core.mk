# unit tests: core (see tests/Makefile.am)
