#!/bin/sh
# Regenerates the oracle fixtures of test-vp9-compressed-header: the first
# frames of three VP9 streams (NAME.ivf) and, for each frame decoded, the
# compressed header GStreamer's own VP9 parser made of it (NAME.probs,
# format in gen-fixtures.py), as v4l2slvp9dec sent it to the kernel's visl
# and visl's ftrace events recorded it (tests/diff/visl-trace capture).
#
#   profile0.ivf   vp9-profile0's first 4 frames (tests/streams/generate:
#                  libvpx, cpu-used 8): a key frame, a superframe (hidden
#                  alt-ref, then an inter frame), compound prediction
#                  (REFERENCE_MODE_SELECT), switchable filters.
#   tiles-seg.ivf  vp9-tiles-seg's first 6 frames: 640x360, 2x2 tiles,
#                  segmentation.
#   tx-select.ivf  encoded here (libvpx at cpu-used 0, two passes, 176x144),
#                  its first 7 frames: TX_MODE_SELECT with tx8/16/32
#                  updates, a superframe, compound prediction, an
#                  ALLOW_8X8 frame.
#
# Run it on the host, from anywhere in the project. It takes the project's
# streams from $V4L2R_STREAMS_DIR (default tests/out/streams; made by
# tests/streams/generate), encodes tx-select with ffmpeg, truncates the
# three here (the IVF header's frame count set), then decodes them in the
# visl guest (tests/vm/run; under a minute) and writes the tables. The
# guest's traces stay in tests/out/vp9-fixtures/. The build needs none of
# this. Last run on Debian 12: GStreamer 1.22.0, gst-plugins-bad 1.22.0,
# ffmpeg 5.1.9, libvpx 1.12.0 (the versions are in each table's 2nd line).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../.." && pwd)
gen=$here/gen-fixtures.py
out=$top/tests/out/vp9-fixtures
fixtures="profile0 tiles-seg tx-select"

if [ "${1:-}" != --guest ]; then
	streams=${V4L2R_STREAMS_DIR:-$top/tests/out/streams}
	mkdir -p "$out"
	python3 "$gen" truncate "$streams/vp9-profile0.ivf" "$here/profile0.ivf" 4
	python3 "$gen" truncate "$streams/vp9-tiles-seg.ivf" "$here/tiles-seg.ivf" 6
	for pass in 1 2; do
		ffmpeg -nostdin -hide_banner -loglevel error -y \
			-f lavfi -i testsrc2=size=176x144:rate=25 -frames:v 16 \
			-c:v libvpx-vp9 -threads 1 -row-mt 0 -deadline good \
			-cpu-used 0 -b:v 200k -g 15 -auto-alt-ref 1 \
			-lag-in-frames 8 -pass $pass -passlogfile "$out/tx-select" \
			-f ivf "$out/tx-select.ivf"
	done
	python3 "$gen" truncate "$out/tx-select.ivf" "$here/tx-select.ivf" 7
	cd "$top"
	exec tests/vm/run --timeout 600 -- sh "$here/make-fixtures.sh" --guest
fi

# In the guest.
versions="$(gst-launch-1.0 --version | sed -n 's/^GStreamer /GStreamer /p'), $(
	gst-inspect-1.0 v4l2codecs | sed -n 's/^ *Version *\([^ ]*\)$/gst-plugins-bad \1/p'
	), $(ffmpeg -version | sed -n '1s/^\(ffmpeg version [^ ]*\).*/\1/p'), Linux $(uname -r) visl"
for name in $fixtures; do
	"$top/tests/diff/visl-trace" capture -o "$out/$name" -- \
		gst-launch-1.0 --no-fault filesrc location="$here/$name.ivf" ! \
		ivfparse ! vp9parse ! v4l2slvp9dec ! fakesink > "$out/$name.log" 2>&1 ||
		{ cat "$out/$name.log" >&2; exit 1; }
	python3 "$gen" table "$out/$name.json" "$versions" > "$here/$name.probs"
	echo "$name: $(grep -c '^frame' "$here/$name.probs") frames; $versions"
done
