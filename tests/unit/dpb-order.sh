#!/bin/sh
# The plugin's output order against libavcodec's, on every test stream of
# H.264, HEVC, MPEG-2, VP8, VP9 and AV1 (tests/streams/generate, made here
# into the build tree and cached). dpb-order (our parser use and reference
# code, no device) prints the packet of each picture it outputs, in output
# order. libavcodec's: the stream is remuxed into NUT with each packet's
# index as its time (FFmpeg's setts bitstream filter), ffprobe decodes it
# and lists each frame's time; as the NUT muxer may change the time base
# (FFmpeg 7 does for IVF input), each time is mapped back to its packet
# through the list of the packets' times. The two lists must be equal.
# What a packet is for each codec: tests/unit/dpb-order.c. A stream whose
# encoder is missing is skipped with the reason; SKIP when none could be
# made or FFmpeg is missing. Run by make check (host and chroots).
set -u
top=${srcdir:-.}/..
order=./unit/dpb-order
[ -x "$order" ] || { echo "dpb-order is not built" >&2; exit 77; }
for tool in ffmpeg ffprobe; do
	command -v $tool >/dev/null || { echo "no $tool" >&2; exit 77; }
done
out=${V4L2R_UNIT_STREAMS:-./unit/streams}
codecs=" h264 hevc mpeg2 vp8 vp9 av1 "
names=$("$top/tests/streams/generate" --list |
	awk -F'\t' -v c="$codecs" 'index(c, " " $2 " ") { printf "%s%s", s, $1; s = "," }')
# (its log beside it: on a clean clone tests/out does not exist yet)
mkdir -p "$out" || exit 1
"$top/tests/streams/generate" -j2 --only "$names" "$out" >"$out.log" 2>&1
[ -f "$out/streams.tsv" ] || { echo "the streams could not be made ($out.log)" >&2; exit 77; }
nut=$(mktemp "${TMPDIR:-/tmp}/dpb-order.XXXXXX") || exit 1
trap 'rm -f "$nut"' EXIT

# libavcodec's output order of $1 as packet indices, one line
theirs() {
	ffmpeg -v error -y -i "$1" -map 0:v:0 -c copy -bsf:v setts=pts=N:dts=N \
		-f nut "$nut" || return 1
	ffprobe -v error -select_streams v:0 -show_entries packet=pts \
		-of csv=p=0 "$nut" >"$nut.packets" &&
	ffprobe -v error -select_streams v:0 -show_entries frame=pts \
		-of csv=p=0 "$nut" >"$nut.frames" || return 1
	# times are the first field of each line (FFmpeg 5 adds a comma)
	awk -F, 'NR == FNR { if (!($1 in at)) at[$1] = n++; next }
		$1 != "" { printf "%s ", ($1 in at) ? at[$1] : "?" $1 }' \
		"$nut.packets" "$nut.frames"
	rm -f "$nut.packets" "$nut.frames"
}

fail=0 ran=0
for name in $(echo "$names" | tr , ' '); do
	row=$(awk -F'\t' -v n="$name" '$1 == n' "$out/streams.tsv")
	if [ -z "$row" ]; then
		echo "skip: $name: not made: $(grep "^stream $name:" "$out.log" || echo "see $out.log")"
		continue
	fi
	codec=$(echo "$row" | cut -f2)
	file=$(echo "$row" | cut -f3)
	frames=$(echo "$row" | cut -f6)
	if ! libav=$(theirs "$out/$file"); then
		echo "FAIL: $name: FFmpeg could not remux or decode it"; fail=1
		continue
	fi
	ours=$("$order" "$codec" "$out/$file" | tr '\n' ' ')
	ran=$((ran + 1))
	if [ -z "$ours" ]; then
		echo "FAIL: $name: no picture output (libavcodec [$libav])"; fail=1
	elif [ "$ours" = "$libav" ]; then
		echo "ok: $name: $(echo "$ours" | wc -w) of $frames pictures in libavcodec's output order"
	else
		echo "FAIL: $name: ours [$ours] libavcodec [$libav]"; fail=1
	fi
done
[ $ran -gt 0 ] || exit 77
exit $fail
