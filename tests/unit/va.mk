# unit tests: va (see tests/Makefile.am)
