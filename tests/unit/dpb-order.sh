#!/bin/sh
# The plugin's H.264 output order against libavcodec's, on every H.264
# test stream (tests/streams/generate, made here into the build tree and
# cached): dpb-order (our parser use and dpb_h264.c, no device) prints the
# decode index of each picture in output order; libavcodec's is ffprobe's
# coded_picture_number of each frame it outputs. The two lists must be
# equal. SKIP where ffprobe no longer reports coded_picture_number
# (FFmpeg 7) or the encoders are missing. Run by make check.
set -u
top=${srcdir:-.}/..
order=./unit/dpb-order
[ -x "$order" ] || { echo "dpb-order is not built" >&2; exit 77; }
command -v ffprobe >/dev/null || { echo "no ffprobe" >&2; exit 77; }
out=${V4L2R_UNIT_STREAMS:-./unit/streams}
names=$("$top/tests/streams/generate" --list | awk -F'\t' '$2 == "h264" { printf "%s%s", s, $1; s = "," }')
"$top/tests/streams/generate" -j2 --only "$names" "$out" >"$out.log" 2>&1
[ -f "$out/streams.tsv" ] || { echo "the streams could not be made ($out.log)" >&2; exit 77; }
fail=0 ran=0
while IFS='	' read -r name codec file w h frames features; do
	[ "$codec" = h264 ] || continue
	theirs=$(ffprobe -v error -show_entries frame=coded_picture_number -of csv=p=0 \
		"$out/$file" | grep -o "^[0-9][0-9]*" | tr "\n" " ")
	case $theirs in *[0-9]*) ;; *) echo "ffprobe reports no coded_picture_number" >&2; exit 77 ;; esac
	# coded_picture_number is 0 for every frame where FFmpeg no longer sets it
	[ "$(echo "$theirs" | tr ' ' '\n' | sort -u | grep -c .)" -gt 1 ] || {
		echo "ffprobe's coded_picture_number carries nothing here" >&2; exit 77; }
	ours=$("$order" "$out/$file" | tr '\n' ' ')
	ran=$((ran + 1))
	if [ "$ours" = "$theirs" ]; then
		echo "ok: $name: $frames pictures in libavcodec's output order"
	else
		echo "FAIL: $name: ours [$ours] libavcodec [$theirs]"; fail=1
	fi
done <"$out/streams.tsv"
[ $ran -gt 0 ] || exit 77
exit $fail
