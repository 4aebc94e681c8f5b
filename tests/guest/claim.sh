# Sourced: work that need not run in every userland's guest of one
# scripts/test run (the kernel, the device shapes, the core), shared by the
# guests as they go. V4L2R_CLAIMS names a directory all of them see (the
# project tree is shared with each guest at its host path); the first guest
# to claim a NAME makes DIR/NAME there (mkdir: atomic on the host's file
# system, whichever guest asks) and does the work. Without V4L2R_CLAIMS
# every guest does everything (--full, or one userland).

# claim NAME: succeeds in the one guest that is to do NAME.
claim() {
	[ -n "${V4L2R_CLAIMS:-}" ] || return 0
	mkdir "$V4L2R_CLAIMS/$1" 2>/dev/null || return 1
	echo "${V4L2R_USERLAND:-?}" >"$V4L2R_CLAIMS/$1/userland"
}

# claimed_by NAME: the userland whose guest claimed NAME.
claimed_by() {
	cat "$V4L2R_CLAIMS/$1/userland" 2>/dev/null || echo "another userland's guest"
}
