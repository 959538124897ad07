# bench/lib.sh — shell functions the benchmark scripts share. Sourced, not
# run: `. "$ROOT/bench/lib.sh"` after setting ME (the script's name, for
# messages). Each benchmark needs Debian tools it installs when missing, and
# a release build of its targets; written once here so the scripts cannot
# drift apart in how they do it.

# Print to stderr, prefixed with the script's name; bench_die exits 1.
bench_note() {
	echo "${ME:-bench}: $*" >&2
}
bench_die() {
	bench_note "$@"
	exit 1
}

# bench_need COMMAND:PACKAGE ... — install the Debian package of every
# command that is missing (a COMMAND starting with / is a path that must be
# executable), with apt-get (through sudo when not root; apt-get update once
# when the first try fails), or die naming them.
bench_need() {
	local spec cmd need=()
	PATH=$PATH:/usr/sbin:/sbin
	for spec in "$@"; do
		cmd=${spec%%:*}
		if [[ $cmd == /* ]]; then
			[ -x "$cmd" ] || need+=("${spec#*:}")
		else
			command -v "$cmd" >/dev/null || need+=("${spec#*:}")
		fi
	done
	[ ${#need[@]} -gt 0 ] || return 0
	bench_note "installing ${need[*]}"
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get install -y "${need[@]}" >/dev/null ||
		{ "${sudo[@]}" apt-get update >/dev/null && "${sudo[@]}" apt-get install -y "${need[@]}" >/dev/null; } ||
		bench_die "cannot install ${need[*]}"
}

# bench_build BUILD TARGET ... — configure BUILD as a release build the first
# time, then build the targets.
bench_build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" -Dbuildtype=release >/dev/null
	fi
	ninja -C "$dir" "$@" >/dev/null
}
