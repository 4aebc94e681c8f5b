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
# groups, AV1 switch frames and odd luma sizes, VP9 inter frames changing
# size, VP9 intra-only frames, film grain (the VA driver's display surfaces).
_streams_seen=""

stream_wanted() { # NAME CODEC FEATURES
	[ "${V4L2R_FULL:-0}" = 1 ] && return 0
	case " $_streams_seen " in
	*" $2 "*) ;;
	*) _streams_seen="$_streams_seen $2"; return 0 ;;
	esac
	case ",$3," in
	*,interlaced,* | *,field-pictures,* | *,10bit,* | *,slices4,* | *,wpp,* | *,partitions4,* | *,tile-groups,* | *,switch-frames,* | *,odd-luma,* | *,resize,* | *,intra-only,* | *,film-grain,* | *,bf2,*,cabac,* | *,cabac,*bf2,*)
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
