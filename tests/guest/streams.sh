# Sourced by guest tests that run a client over the test streams: which
# streams a default run takes (the suite must fit CI's budget in both
# userlands) and which only the full run (V4L2R_FULL=1, scripts/test --full).
#
#   stream_wanted NAME CODEC FEATURES   # status 0: run this stream
#
# remux_stream puts a stream into a container (MP4, Matroska, WebM, TS).
#
# frame_sizes and software_sizes compare a decode's frame sizes with a
# software decode's (streams whose frames change size); sizes_past_growth
# gives those a decoder that loses its references when a frame outgrows
# its buffers outputs.
#
# A default run takes, per codec, the first stream and every stream with a
# feature that exercises its own path in the driver: B pictures, interlaced
# (field pictures, PAFF, MBAFF), several slices, WPP entry points, AV1 tile
# groups, AV1 switch frames, odd luma sizes, show_existing_frame and skip
# mode (SVT-AV1's stream), VP9 inter frames changing
# size, VP9 intra-only frames, film grain (the VA driver's display surfaces).
_streams_seen=""

stream_wanted() { # NAME CODEC FEATURES
	[ "${V4L2R_FULL:-0}" = 1 ] && return 0
	case " $_streams_seen " in
	*" $2 "*) ;;
	*) _streams_seen="$_streams_seen $2"; return 0 ;;
	esac
	case ",$3," in
	*,interlaced,* | *,field-pictures,* | *,10bit,* | *,slices4,* | *,wpp,* | *,partitions4,* | *,tile-groups,* | *,switch-frames,* | *,odd-luma,* | *,skip-mode,* | *,resize,* | *,intra-only,* | *,film-grain,* | *,bf2,*,cabac,* | *,cabac,*bf2,*)
		return 0 ;;
	esac
	return 1
}

# The size of each frame a gst-launch -v run's fakesink saw, as runs
# ("320x240*8 240x180*6 ..."): the src caps of the decoder (an element
# name matching DECODER, a regular expression) in force when it came.
frame_sizes() { # LOG DECODER
	awk -v dec="$2" '$0 ~ dec "[0-9]*\\.GstPad:src: caps = " {
			w = $0; sub(/.*width=\(int\)/, "", w); sub(/[^0-9].*/, "", w)
			h = $0; sub(/.*height=\(int\)/, "", h); sub(/[^0-9].*/, "", h)
			size = w "x" h }
		/last-message = chain/ { print size }' "$1" | _size_runs
}
# The same from a software decode (FFmpeg's decoder).
software_sizes() { # FILE
	ffprobe -v error -select_streams v:0 -show_entries frame=width,height \
		-of csv=p=0 "$1" | tr ',' 'x' | _size_runs
}
# The software decode's frame sizes but those from an inter frame larger
# than the capture buffers (the size of the last frame that set them up:
# the first, or a key frame larger than them) to the next key frame.
sizes_past_growth() { # FILE
	ffprobe -v error -select_streams v:0 -show_entries frame=key_frame,width,height \
		-of csv=p=0 "$1" |
		awk -F, 'NR == 1 { bw = $2; bh = $3 }
			$2 > bw || $3 > bh { bw = $2; bh = $3; lost = !$1 }
			$1 { lost = 0 }
			!lost { print $2 "x" $3 }' | _size_runs
}
_size_runs() {
	awk '$0 != last { if (n) printf "%s*%d ", last, n; last = $0; n = 0 } { n++ }
		END { if (n) printf "%s*%d", last, n }'
}

# A test stream copied into the container OUT's name ends in (.mp4, .mkv,
# .webm, .ts), as a muxer writes it: IVF files carry times, raw
# elementary streams none (FFmpeg times them at 25 fps).
remux_stream() { # FILE OUT
	_remux_times="-fflags +genpts -r 25"
	case $1 in *.ivf) _remux_times="" ;; esac
	# shellcheck disable=SC2086 # options are words
	ffmpeg -nostdin -v error -y $_remux_times -i "$1" -c copy "$2"
}

# Two test streams of one codec joined into one, as a stream that changes
# size or bit depth midway: Annex-B and MPEG-2 elementary streams follow
# each other as they are; IVF files keep the first header and the
# second's frames.
join_streams() { # CODEC FIRST SECOND OUT
	case $1 in
	vp8 | vp9 | av1) python3 -c '
import sys
a, b = (open(f, "rb").read() for f in sys.argv[1:3])
hdr = len(b) >= 32 and int.from_bytes(b[6:8], "little") or 32
open(sys.argv[3], "wb").write(a + b[hdr:])' "$2" "$3" "$4" ;;
	*) cat "$2" "$3" >"$4" ;;
	esac
}

# The parser elements before a CODEC's decoder, from a test stream's file.
stream_parser() { # CODEC
	case $1 in
	mpeg2) echo mpegvideoparse ;; h264) echo h264parse ;;
	hevc) echo h265parse ;; vp8) echo ivfparse ;;
	vp9) echo "ivfparse ! vp9parse" ;; av1) echo "ivfparse ! av1parse" ;;
	esac
}

# A bit-depth change through our CODEC element on the loaded device: the
# 8-bit FIRST joined with the 10-bit SECOND (same size), decoded into
# system memory, must give every frame of both, negotiated as NV12 then
# P010_10LE, with no warning. One test line; returns 1 on failure.
# TMP is a scratch directory.
bit_depth_change() { # CODEC FIRST SECOND FRAMES TMP
	_bd_element=v4l2request$1dec
	join_streams "$1" "$2" "$3" "$5/joined" || {
		echo "test bit-depth-change $1: FAIL (cannot join the streams)"; return 1; }
	# shellcheck disable=SC2046 # the parser is words
	timeout 300 gst-launch-1.0 -v --no-fault filesrc location="$5/joined" ! \
		$(stream_parser "$1") ! "$_bd_element" ! video/x-raw ! \
		fakesink sync=false silent=false >"$5/out" 2>&1
	_bd_st=$?
	_bd_n=$(grep -c 'last-message = chain' "$5/out")
	_bd_formats=$(sed -n "s/.*$_bd_element.*src: caps = video\/x-raw, format=(string)\([A-Z0-9_]*\).*/\1/p" "$5/out" | uniq | tr '\n' ' ')
	if [ $_bd_st -eq 0 ] && [ "$_bd_n" -eq "$4" ] && [ "$_bd_formats" = "NV12 P010_10LE " ] &&
		! grep -q '^ERROR\|WARNING' "$5/out"; then
		echo "test bit-depth-change $1: OK (${2##*/} then ${3##*/}: NV12 then P010_10LE, $_bd_n frames)"
		return 0
	fi
	echo "test bit-depth-change $1: FAIL (exit $_bd_st, $_bd_n/$4 frames, formats: ${_bd_formats:-none})"
	grep -i 'error\|warn' "$5/out" | head -n 10
	return 1
}
