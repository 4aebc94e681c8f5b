#!/bin/sh
# Regenerates hvcc-x265.bin, test-hvcc's real hvcC record: two frames
# encoded by Debian's ffmpeg with libx265 into MP4, whose hvcC box (its
# payload, the record) is taken out of moov/trak/mdia/minf/stbl/stsd/hvc1.
# libx265 puts its prefix SEI (its version and options) in the record
# beside the VPS, SPS and PPS: four arrays.
#
# Run by hand from this directory; the build does not need ffmpeg.
# Seen with ffmpeg 5.1 (Debian 12) and libx265 3.5.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ffmpeg -hide_banner -loglevel error -y \
	-f lavfi -i "testsrc2=size=320x240:rate=25" -frames:v 2 \
	-c:v libx265 -x265-params log-level=error -tag:v hvc1 "$tmp/x.mp4"
python3 - "$tmp/x.mp4" hvcc-x265.bin <<'PY'
import sys

def find(data, start, end, path):
    """The payload of the box at path, below [start, end)."""
    while start + 8 <= end:
        size = int.from_bytes(data[start:start + 4], "big")
        if size < 8 or start + size > end:
            sys.exit("a box runs past its parent")
        body = start + 8
        if data[start + 4:body] == path[0]:
            if len(path) == 1:
                return data[body:start + size]
            # stsd: version, flags and entry count; hvc1: the visual
            # sample entry's fields before its boxes
            skip = {b"stsd": 8, b"hvc1": 78}.get(path[0], 0)
            return find(data, body + skip, start + size, path[1:])
        start += size
    sys.exit("no %s box" % path[0].decode())

data = open(sys.argv[1], "rb").read()
path = [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd", b"hvc1", b"hvcC"]
open(sys.argv[2], "wb").write(find(data, 0, len(data), path))
PY
