# Sourced by guest tests that run a client over the test streams: which
# streams a default run takes (the suite must fit CI's budget in both
# userlands) and which only the full run (V4L2R_FULL=1, scripts/test --full).
#
#   stream_wanted NAME CODEC FEATURES   # status 0: run this stream
#
# A default run takes, per codec, the first stream and every stream with a
# feature that exercises its own path in the driver: B pictures, interlaced
# (field pictures, PAFF, MBAFF), several slices, WPP entry points, AV1 tile
# groups and film grain (the VA driver's display surfaces).
_streams_seen=""

stream_wanted() { # NAME CODEC FEATURES
	[ "${V4L2R_FULL:-0}" = 1 ] && return 0
	case " $_streams_seen " in
	*" $2 "*) ;;
	*) _streams_seen="$_streams_seen $2"; return 0 ;;
	esac
	case ",$3," in
	*,interlaced,* | *,field-pictures,* | *,10bit,* | *,slices4,* | *,wpp,* | *,partitions4,* | *,tile-groups,* | *,film-grain,* | *,bf2,*,cabac,* | *,cabac,*bf2,*)
		return 0 ;;
	esac
	return 1
}
