#!/bin/sh
# v4l2-request-test's command lines that need no device: usage errors exit 2
# with a message, help texts list each option once and have no trailing
# blanks. Run by make check from the build's tests/ directory.
set -u
tool=${V4L2R_TOOL:-../tools/v4l2-request-test}
[ -x "$tool" ] || { echo "$tool not built (tools disabled)" >&2; exit 77; }
tmp=${TMPDIR:-/tmp}/tool-usage.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
failed=0

ok() { echo "ok: $1"; }
ko() { echo "FAIL: $1"; failed=1; }

# usage NAME PATTERN ARGS...: exit status 2 and PATTERN on stderr.
usage() {
	name=$1 pattern=$2
	shift 2
	"$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ $st -ne 2 ]; then
		ko "$name: exit $st, not 2 ($(head -n 2 "$tmp/err"))"
	elif ! grep -q -- "$pattern" "$tmp/err"; then
		ko "$name: no '$pattern' in: $(cat "$tmp/err")"
	elif [ -s "$tmp/out" ]; then
		ko "$name: wrote to standard output"
	else
		ok "$name"
	fi
}

# record: only codecs the synthetic stream generator fills.
usage record-av1 "av1" record --synthetic av1 -o "$tmp/t.trace"
usage record-unknown "unknown or not compiled codec 'xyz'" \
	record --synthetic xyz -o "$tmp/t.trace"
[ ! -e "$tmp/t.trace" ] || ko "record: a refused command wrote a trace"

# replay: --dump-format only with --dump, and only y4m or raw.
usage dump-format-alone "needs --dump" replay --dump-format raw x.trace
usage dump-format-alone-bad "needs --dump" replay --dump-format bogus x.trace
usage dump-format-bad "'y4m' or 'raw', not 'bogus'" \
	replay --dump "$tmp/d.yuv" --dump-format bogus x.trace

# Help texts: each option once, no trailing blanks.
for cmd in list check conform replay bench record; do
	if ! "$tool" "$cmd" --help >"$tmp/help" 2>"$tmp/err"; then
		ko "$cmd --help: exit status $? ($(head -n 1 "$tmp/err"))"
		continue
	fi
	dup=$(sed -n 's/^  \(-[a-zA-Z0-9], \)\{0,1\}\(--[a-z0-9-]*\).*/\2/p' \
		"$tmp/help" | sort | uniq -d)
	if [ -n "$dup" ]; then
		ko "$cmd --help: listed more than once: $dup"
	elif grep -n '[[:blank:]]$' "$tmp/help" >"$tmp/blank"; then
		ko "$cmd --help: trailing blanks on line $(cut -d: -f1 "$tmp/blank" | tr '\n' ' ')"
	else
		ok "$cmd --help"
	fi
done

exit $failed
