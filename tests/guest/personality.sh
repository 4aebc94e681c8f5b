# Sourced by guest tests: switch visl's personality without rebooting by
# reloading the module (tests/vm/visl-personality.patch).
#
#   . tests/guest/personality.sh
#   visl_load cedrus [fault_error_every=3 ...]   # rmmod visl; insmod ... personality=cedrus
#   visl_unload                                  # rmmod visl (no decoder left)
#   visl_param fault_hang_every 2                # a run-time parameter (sysfs, 0644)
#   visl_personality                             # the loaded personality
#   VISL_PERSONALITIES                           # every personality
#
# visl_load and visl_unload fail (status 1, a message on stderr) when the
# module cannot be unloaded (a file handle is still open) or loaded, or its
# nodes do not appear. Outside the guest (no $V4L2R_VM_MODULES) it fails too.

VISL_PERSONALITIES="visl cedrus cedrus-a20 hantro rkvdec vpu981"

visl_personality() {
	cat /sys/module/visl/parameters/personality 2>/dev/null
}

visl_load() { # NAME [PARAM=VALUE...]
	_vl_name=$1
	shift
	if [ -z "${V4L2R_VM_MODULES:-}" ] || [ ! -f "$V4L2R_VM_MODULES/visl.ko" ]; then
		echo "visl_load: no \$V4L2R_VM_MODULES/visl.ko (not in the guest?)" >&2
		return 1
	fi
	visl_unload || return 1
	insmod "$V4L2R_VM_MODULES/visl.ko" "personality=$_vl_name" "$@" || {
		echo "visl_load: insmod visl.ko personality=$_vl_name $* failed" >&2
		return 1
	}
	_visl_until 100 "visl_load: no /dev/video0 or /dev/media0 after loading visl" \
		_visl_nodes || return 1
	echo "visl: personality $(visl_personality)${*:+ ($*)}"
}

visl_unload() {
	[ -d /sys/module/visl ] || return 0
	_visl_until 50 "visl_unload: cannot unload visl (still in use?)" _visl_rmmod
}

# Runs CMD every 0.1 s until it succeeds, TRIES times at most; then says
# MESSAGE and fails.
_visl_until() { # TRIES MESSAGE CMD...
	_vu_left=$1 _vu_message=$2
	shift 2
	until "$@"; do
		_vu_left=$((_vu_left - 1))
		[ "$_vu_left" -gt 0 ] || { echo "$_vu_message" >&2; return 1; }
		sleep 0.1
	done
}
_visl_rmmod() { rmmod visl 2>/dev/null; }
_visl_nodes() { [ -c /dev/video0 ] && [ -c /dev/media0 ]; }

visl_param() { # NAME VALUE
	echo "$2" >"/sys/module/visl/parameters/$1" || {
		echo "visl_param: cannot set $1=$2" >&2
		return 1
	}
}
