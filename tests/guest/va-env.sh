# Sourced by the tests/guest/va-*.test scripts: points libva at the driver of
# this build tree and at the render node, or exits 77 when there is none.
VA_BUILD=${V4L2R_BUILD_DIR:-build/${V4L2R_USERLAND:-bookworm}}
case $VA_BUILD in
/*) LIBVA_DRIVERS_PATH=$VA_BUILD/src/va/.libs ;;
*) LIBVA_DRIVERS_PATH=$PWD/$VA_BUILD/src/va/.libs ;;
esac
export LIBVA_DRIVERS_PATH LIBVA_DRIVER_NAME=v4l2_request
[ -f "$LIBVA_DRIVERS_PATH/v4l2_request_drv_video.so" ] || {
	echo "the VA driver is not built ($LIBVA_DRIVERS_PATH)" >&2; exit 77; }
VA_RENDER_NODE=${VA_RENDER_NODE:-$(ls /dev/dri/renderD* 2>/dev/null | head -n 1)}
[ -n "$VA_RENDER_NODE" ] || { echo "no DRM render node for libva" >&2; exit 77; }
export VA_RENDER_NODE
# GStreamer's va plugin only uses drivers it knows unless told otherwise;
# its registry must live somewhere writable.
export GST_VA_ALL_DRIVERS=1
export GST_REGISTRY=${GST_REGISTRY:-${TMPDIR:-/tmp}/v4l2r-gst-registry.bin}

# FFmpeg's decoder option for CODEC, placed before -i: AV1 needs its native
# decoder named (-c:v av1) for the VA hwaccel, as FFmpeg prefers libdav1d,
# which has none; every other codec's default decoder has one.
ffmpeg_decoder() { # CODEC
	case $1 in av1) echo "-c:v av1" ;; esac
}

# Whether the driver lists VA profile $1 on this device (vainfo, read once).
va_offers() { # PROFILE
	[ -n "${_va_profiles+x}" ] ||
		_va_profiles=$(vainfo --display drm --device "$VA_RENDER_NODE" 2>/dev/null |
			sed -n 's/^[[:space:]]*\(VAProfile[A-Za-z0-9_]*\)[[:space:]]*:.*/\1/p')
	echo "$_va_profiles" | grep -qx "$1"
}

# Why a stream of CODEC with FEATURES (streams.tsv) is not offered on this
# device, printed; nothing when it is. A 10-bit stream needs its 10-bit
# profile listed: HEVC Main 10 or VP9 profile 2, which the driver lists only
# where the device makes a 10-bit format (hantro's P010, not visl);
# H.264 High 10 never is. AV1 Main is one profile for both depths (vainfo
# cannot tell whether the device makes 10-bit AV1 pictures): 10-bit AV1
# streams are only in the shapes set, which the tests read on vpu981.
va_not_offered() { # CODEC FEATURES
	case ",$2," in *,10bit,*) ;; *) return 0 ;; esac
	case $1 in
	hevc) _vp=VAProfileHEVCMain10 ;;
	vp9) _vp=VAProfileVP9Profile2 ;;
	av1) _vp=VAProfileAV1Profile0 ;;
	*) echo "10-bit $1: the driver has no 10-bit $1 profile"; return 0 ;;
	esac
	va_offers $_vp || echo "10-bit: $_vp not offered (the device makes no 10-bit format)"
}

# The FFmpeg pixel format frames of a stream come back as: P010 for 10-bit.
va_sw_format() { # FEATURES
	case ",$1," in *,10bit,*) echo p010le ;; *) echo nv12 ;; esac
}

# FFmpeg's zero-copy path into OUT (framemd5 of FMT frames: nv12, the
# default, or p010le): frames left on the surfaces, mapped as DRM PRIME
# frames, the DMABUFs mapped and read back. FFmpeg cannot derive a DRM
# device from a VA one, so the VA device is made from a DRM one and hwmap
# walks back to it, as players owning a DRM device do. CODEC (optional)
# picks the decoder (ffmpeg_decoder). Exit: FFmpeg's; its messages in ERR.
ffmpeg_prime_md5() { # IN OUT ERR [FMT] [CODEC]
	_fmt=${4:-nv12}
	_labels=$_fmt
	# FFmpeg 5.1 labels NV12 surfaces with the format it picked (I420 on
	# visl): download as that label, then convert.
	[ "$_fmt" = nv12 ] && _labels="nv12 yuv420p"
	for _sw in $_labels; do
		# shellcheck disable=SC2046 # the decoder option is words
		ffmpeg -nostdin -y -v error \
			-init_hw_device "drm=drm:$VA_RENDER_NODE" -init_hw_device vaapi=va@drm \
			-hwaccel vaapi -hwaccel_device va -hwaccel_output_format vaapi \
			$(ffmpeg_decoder "${5:-}") -i "$1" \
			-vf "hwmap=derive_device=drm,format=drm_prime,hwdownload,format=$_sw,format=$_fmt" \
			-f framemd5 "$2" >"$3" 2>&1
		_st=$?
		grep -q 'Invalid output format' "$3" || return $_st
	done
	return $_st
}
