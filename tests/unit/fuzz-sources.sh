#!/bin/sh
# The fuzz targets compile the core and the VA driver from their own list of
# sources (tests/fuzz/Makefile.am: built again with clang's fuzzer flags);
# a source file added to src/core/ or src/va/ and not to that list breaks
# `make fuzz` at link time (it happened with bit_depth.c). This checks the
# lists agree. Run by make check.
set -u
top=${srcdir:-.}/..
fuzz=$top/tests/fuzz/Makefile.am
[ -f "$fuzz" ] || { echo "no $fuzz" >&2; exit 77; }
# The .c files of a Makefile fragment's *_SOURCES, continuation lines too.
sources() { # DIR FILE...
	_dir=$1; shift
	sed -n '/_SOURCES *+*=/,/[^\\]$/p' "$@" | tr ' \t\\' '\n\n\n' |
		grep '\.c$' | grep -v '^dummy\.c$' | sed "s#^#$_dir/#"
}
expected=$( {
	sources src/core "$top/src/core/Makefile.am"
	sources src/va "$top/src/va/Makefile.am" "$top"/src/va/*.mk
} | sort -u)
listed=$(sed -n '/^libfuzzcode_a_SOURCES/,/[^\\]$/p' "$fuzz" | tr ' \t\\' '\n\n\n' |
	grep '\.c$' | sed 's#^\.\./\.\./##' | sort -u)
missing=$(printf '%s\n' "$expected" | while read -r f; do
	printf '%s\n' "$listed" | grep -qx "$f" || echo "$f"; done)
if [ -n "$missing" ]; then
	echo "FAIL: tests/fuzz/Makefile.am's libfuzzcode_a_SOURCES lacks:" $missing
	exit 1
fi
echo "ok: the fuzz targets build every core and VA driver source ($(printf '%s\n' "$expected" | wc -l) files)"
