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

# FFmpeg's zero-copy path into OUT (framemd5, NV12): frames left on the
# surfaces, mapped as DRM PRIME frames, the DMABUFs mapped and read in the
# frames' own format (FFmpeg picks it among those the driver lists).
# FFmpeg cannot derive a DRM device from a VA one, so the VA device is made
# from a DRM one and hwmap walks back to it, as players owning a DRM device
# do. CODEC picks the decoder (ffmpeg_decoder). Exit: FFmpeg's; its
# messages in ERR.
ffmpeg_prime_md5() { # IN OUT ERR CODEC
	for _sw in nv12 yuv420p; do
		# shellcheck disable=SC2046 # the decoder option is words
		ffmpeg -nostdin -y -v error \
			-init_hw_device "drm=drm:$VA_RENDER_NODE" -init_hw_device vaapi=va@drm \
			-hwaccel vaapi -hwaccel_device va -hwaccel_output_format vaapi \
			$(ffmpeg_decoder "$4") -i "$1" \
			-vf "hwmap=derive_device=drm,format=drm_prime,hwdownload,format=$_sw,format=nv12" \
			-f framemd5 "$2" >"$3" 2>&1
		_st=$?
		grep -q 'Invalid output format' "$3" || return $_st
	done
	return $_st
}
