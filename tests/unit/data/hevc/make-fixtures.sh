#!/bin/sh
# Regenerates fixtures.h: two small HEVC streams encoded by Debian's ffmpeg
# with libx265, traced with FFmpeg's trace_headers bitstream filter (an
# independent reading of every header syntax element, with its bit
# position), then turned by gen-fixtures.py into the VA parameters a client
# would send for each picture, the first 64 bytes of each slice NAL, and the
# control values the translation must give.
#
# Run by hand from this directory; the build does not need ffmpeg.
# Seen with ffmpeg 5.1 (Debian 12) and libx265 3.5.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A: Main, 200x120, 16x16 CTBs, 4 slices a picture, wavefronts (entry
# points), B pyramid with a temporal sub-layer, weighted prediction on a
# fade, an open GOP (IDR_N_LP, CRA, RASL), up to 3 references.
ffmpeg -hide_banner -loglevel error -y \
	-f lavfi -i "testsrc2=size=200x120:rate=25,fade=in:0:20" -frames:v 20 \
	-c:v libx265 -x265-params "log-level=error:ctu=16:slices=4:keyint=16:min-keyint=16:scenecut=0:bframes=3:b-adapt=0:b-pyramid=1:open-gop=1:ref=3:weightp=1:weightb=1:temporal-layers=1" \
	-f hevc "$tmp/a.hevc"
# B: Main 10, 200x120, one slice, no wavefronts, default scaling lists,
# deblocking and chroma QP offsets in the PPS, a closed GOP.
ffmpeg -hide_banner -loglevel error -y \
	-f lavfi -i "testsrc2=size=200x120:rate=25" -frames:v 10 -pix_fmt yuv420p10le \
	-c:v libx265 -x265-params "log-level=error:scaling-list=default:wpp=0:bframes=2:b-pyramid=0:keyint=8:open-gop=0:deblock=1,-2:cbqpoffs=2:crqpoffs=-1" \
	-f hevc "$tmp/b.hevc"

for s in a b; do
	ffmpeg -hide_banner -loglevel debug -i "$tmp/$s.hevc" -c copy \
		-bsf:v trace_headers -f null - 2>&1 |
		sed -n 's/^\[trace_headers @ 0x[0-9a-f]*\] //p' > "$tmp/$s.trace"
done

python3 gen-fixtures.py "$tmp/a.hevc" "$tmp/a.trace" "$tmp/b.hevc" "$tmp/b.trace" > fixtures.h
