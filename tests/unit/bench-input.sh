#!/bin/sh
# The client bench (tests/bench/clients) on bad input, on any machine: its
# stream list is read before it looks for the guest, so a broken list is an
# error that names the file and line (exit 1), a missing one a skip (77),
# bad options a usage error (2); never a Python traceback. Run by make check.
set -u
bench=${srcdir:-.}/bench/clients
[ -f "$bench" ] || { echo "no $bench" >&2; exit 77; }
command -v python3 >/dev/null || { echo "python3 is not installed" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# expect NAME STATUS TEXT ARGS...: the bench exits STATUS and says TEXT.
expect() {
	name=$1 want=$2 text=$3
	shift 3
	python3 "$bench" "$@" >"$tmp/out" 2>&1
	st=$?
	if [ $st -ne "$want" ] || ! grep -q -- "$text" "$tmp/out" ||
		grep -q Traceback "$tmp/out"; then
		echo "test $name: FAIL (exit $st, wanted $want and '$text'):"
		sed 's/^/    /' "$tmp/out"
		failed=1
	else
		echo "test $name: OK"
	fi
}

hdr=$(printf 'name\tcodec\tfile\twidth\theight\tframes\tfeatures')
expect no-list 77 "no $tmp/none/streams.tsv" --streams "$tmp/none"
mkdir "$tmp/cols"
printf 'name\tfile\n' >"$tmp/cols/streams.tsv"
expect missing-columns 1 "no column width, height, frames" --streams "$tmp/cols"
mkdir "$tmp/fields"
printf '%s\nbench-h264-20\th264\tx.h264\t640\n' "$hdr" >"$tmp/fields/streams.tsv"
expect short-line 1 "streams.tsv:2: 4 fields" --streams "$tmp/fields"
mkdir "$tmp/num"
printf '%s\nbench-h264-20\th264\tx.h264\t640\t360\tmany\thigh\n' "$hdr" >"$tmp/num/streams.tsv"
expect bad-number 1 "streams.tsv:2: frames 'many' is not a positive number" --streams "$tmp/num"
expect bad-repeat 2 "--repeat must be at least 1" --repeat 0 --streams "$tmp/num"
expect bad-codec 2 "invalid choice" --codec mpeg4
exit $failed
