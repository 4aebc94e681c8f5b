#!/bin/sh
# The VA driver's own AV1 slot numbering (src/va/av1_slots.c) on the
# reference structures real encoders make: 300 frames of FFmpeg's testsrc2
# through libaom (lag-in-frames 35, and 0), SVT-AV1 and rav1e; the first
# three keep eight distinct frames in their slots for most frames, so the
# driver must guess which one each frame replaces (VA does not say).
# av1-slots-replay
# follows each stream's slots (FFmpeg's trace_headers) and fails when a
# frame's primary reference would not find its own CDFs on a device
# storing them by refresh_frame_flags (Hantro VPU981), or a reference is
# lost. An encoder FFmpeg lacks is skipped with the reason; SKIP when none
# is there. Run by make check (host and chroots).
set -u
replay=./unit/av1-slots-replay
[ -x "$replay" ] || { echo "av1-slots-replay is not built" >&2; exit 77; }
command -v ffmpeg >/dev/null || { echo "no ffmpeg" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/av1-slots.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# The reference structure of $1 (IVF) for av1-slots-replay, from the
# frame headers: one line per coded frame, one per shown existing frame.
structure() {
	ffmpeg -v trace -i "$1" -map 0:v:0 -c copy -bsf:v trace_headers -f null - 2>&1 |
	awk '$1 == "[trace_headers" {
		name = $5; v = $NF
		if (name == "order_hint_bits_minus_1") print "bits", v + 1
		else if (name == "show_existing_frame") { flush(); sef = v; type = 0
			show = 1; refresh = -1; primary = 7; hint = 0
			for (i = 0; i < 7; i++) idx[i] = 0; open = 1 }
		else if (name == "frame_to_show_map_idx") shown = v
		else if (name == "frame_type") type = v
		else if (name == "show_frame") show = v
		else if (name == "refresh_frame_flags") refresh = v
		else if (name == "primary_ref_frame") primary = v
		else if (name == "order_hint") hint = v
		else if (name ~ /^ref_frame_idx\[[0-6]\]$/) idx[substr(name, 15, 1)] = v
	}
	function flush() {
		if (!open) return
		if (sef) print "show", shown
		else print "frame", type, show, refresh, primary, hint,
			idx[0], idx[1], idx[2], idx[3], idx[4], idx[5], idx[6]
		open = 0
	}
	END { flush() }'
}

fail=0 ran=0
for enc in "aom-lag35:libaom-av1:-cpu-used 6 -lag-in-frames 35" \
	   "aom-lag0:libaom-av1:-cpu-used 8 -lag-in-frames 0" \
	   "svt:libsvtav1:-preset 8" \
	   "rav1e:librav1e:-speed 10"; do
	name=${enc%%:*} rest=${enc#*:}
	codec=${rest%%:*} opts=${rest#*:}
	if ! ffmpeg -hide_banner -encoders 2>/dev/null | grep -q " $codec "; then
		echo "skip: $name: FFmpeg has no $codec"
		continue
	fi
	# shellcheck disable=SC2086 # the options are words
	if ! ffmpeg -v error -f lavfi -i testsrc2=size=96x64:rate=30 -frames:v 300 \
		-c:v "$codec" $opts -y "$tmp/$name.ivf" </dev/null >"$tmp/$name.log" 2>&1; then
		echo "FAIL: $name: $codec could not encode: $(tail -n 1 "$tmp/$name.log")"
		fail=1
		continue
	fi
	structure "$tmp/$name.ivf" >"$tmp/$name.txt"
	"$replay" "$name" <"$tmp/$name.txt" || fail=1
	ran=$((ran + 1))
done
[ $ran -gt 0 ] || { echo "no AV1 encoder in FFmpeg" >&2; exit 77; }
exit $fail
