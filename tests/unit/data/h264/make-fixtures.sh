#!/bin/sh
# Regenerates the H.264 slice fixtures of test-va-h264 (Debian's ffmpeg with
# libx264, python3). Each NAME.bin is the start of one slice NAL unit (no
# start code, at most 64 bytes); NAME.trace is what ffmpeg's trace_headers
# bitstream filter says of that slice, and STREAM.params.trace of the
# stream's SPS and PPS: the test's expected values come from these.
# Usage: sh make-fixtures.sh [output dir]  (default: this script's dir)
set -eu
out=${1:-$(dirname "$0")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src="-f lavfi -i testsrc2=size=320x240:rate=25 -pix_fmt yuv420p -c:v libx264"

# High, CABAC, B-pyramid, 3 refs, explicit weighted P (a fade makes x264
# weight), implicit weighted B, MMCO in a reference B.
ffmpeg -nostdin -loglevel error -y $src -vf fade=in:0:12 -frames:v 10 \
	-profile:v high -preset medium \
	-x264-params bframes=2:b-adapt=0:weightp=2:ref=3:keyint=30:scenecut=0 \
	"$tmp/high_cabac.h264"
# Constrained Baseline, CAVLC, 4 slices per picture.
ffmpeg -nostdin -loglevel error -y $src -frames:v 6 -profile:v baseline \
	-x264-params keyint=30:scenecut=0:slices=4 "$tmp/cavlc_4slices.h264"
# High, interlaced: x264 codes MBAFF frames (it has no field pictures).
ffmpeg -nostdin -loglevel error -y $src -frames:v 6 -profile:v high \
	-x264-params interlaced=1:tff=1:bframes=1:keyint=30:scenecut=0 \
	"$tmp/mbaff.h264"

for s in high_cabac cavlc_4slices mbaff; do
	ffmpeg -nostdin -loglevel trace -i "$tmp/$s.h264" -c copy \
		-bsf:v trace_headers -f null - 2>&1 |
		sed -n 's/^\[trace_headers @ 0x[0-9a-f]*\] //p' > "$tmp/$s.trace"
done

python3 - "$tmp" "$out" <<'PY'
import sys
tmp, out = sys.argv[1], sys.argv[2]

def nals(data):
    starts, i = [], 0
    while i + 3 <= len(data):
        if data[i:i + 3] == b'\0\0\1':
            starts.append(i + 3); i += 3
        else:
            i += 1
    res = []
    for k, s in enumerate(starts):
        e = starts[k + 1] - 3 if k + 1 < len(starts) else len(data)
        while e > s and data[e - 1] == 0:
            e -= 1
        res.append(data[s:e])
    return res

def blocks(trace, title):
    res, cur = [], None
    for line in trace.splitlines():
        if line.startswith(('Slice Header', 'Sequence Parameter Set',
                            'Picture Parameter Set', 'Packet:', 'nal_unit_type',
                            'Supplemental', 'Extradata')):
            cur = [] if line.startswith(title) else None
            if cur is not None:
                res.append(cur)
            continue
        if cur is not None:
            cur.append(line)
    return res

# fixture name -> (stream, index among the stream's slice NAL units)
picks = {
    'cabac_idr': ('high_cabac', 0), 'cabac_p_weighted': ('high_cabac', 4),
    'cabac_b_ref_mmco': ('high_cabac', 5), 'cabac_b_nonref': ('high_cabac', 6),
    'cavlc_idr_s0': ('cavlc_4slices', 0), 'cavlc_idr_s1': ('cavlc_4slices', 1),
    'cavlc_idr_s2': ('cavlc_4slices', 2), 'cavlc_idr_s3': ('cavlc_4slices', 3),
    'cavlc_p_s1': ('cavlc_4slices', 5),
    'mbaff_idr': ('mbaff', 0), 'mbaff_p': ('mbaff', 1), 'mbaff_b': ('mbaff', 2),
}
for stream in sorted({s for s, _ in picks.values()}):
    trace = open(f'{tmp}/{stream}.trace').read()
    sps = blocks(trace, 'Sequence Parameter Set')[0]
    pps = blocks(trace, 'Picture Parameter Set')[0]
    with open(f'{out}/{stream}.params.trace', 'w') as f:
        f.write('Sequence Parameter Set\n' + '\n'.join(sps) + '\n')
        f.write('Picture Parameter Set\n' + '\n'.join(pps) + '\n')
    slices = [n for n in nals(open(f'{tmp}/{stream}.h264', 'rb').read())
              if n[0] & 31 in (1, 5)]
    # Slice headers are traced once per slice (no extradata copy).
    headers = blocks(trace, 'Slice Header')
    for name, (s, idx) in picks.items():
        if s != stream:
            continue
        open(f'{out}/{name}.bin', 'wb').write(slices[idx][:64])
        lines = [l for l in headers[idx] if 'cabac_alignment' not in l]
        open(f'{out}/{name}.trace', 'w').write('\n'.join(lines) + '\n')
PY
