#!/usr/bin/env bash
# bench/reports.sh — the `reports` benchmark: a Shadowserver scan_telnet CSV
# read, parsed, normalised, looked up against a registry of 100,000 prefixes
# and deduplicated on one core (bench/bench_reports, src/feeds/), for
# 1,000,000 and 10,000,000 rows (the second from the same 2,000,000 hosts,
# to show that memory does not grow with the file); then the Python
# reference of IntelMQ's per-row work (bench/reports_peer.py) on the first
# BENCH_REPORTS_PEER_ROWS rows of the first file, and the ratio.
# Prints "bench reports_*" lines, "bench reports_N: R x goal_1M_events_per_s"
# and "bench reports: R x python-intelmq-reference".
#
# Environment: BENCH_REPORTS_ROWS ["1000000 10000000"]
#   BENCH_REPORTS_PEER_ROWS [200000]  BENCH_REPORTS_REPEAT [3 up to 2M rows, else 1]
#   BENCH_BUILD [build-release]  BENCH_KEEP=1 (leave the files in the temp dir)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-release}
ROWS=${BENCH_REPORTS_ROWS:-1000000 10000000}
PEER_ROWS=${BENCH_REPORTS_PEER_ROWS:-200000}

die() {
	echo "bench/reports.sh: $*" >&2
	exit 1
}
command -v python3 >/dev/null || die "needs python3"
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" -Dbuildtype=release >/dev/null
fi
ninja -C "$BUILD" bench/bench_reports >/dev/null
BIN=$BUILD/bench/bench_reports

TMP=$(mktemp -d "${TMPDIR:-/tmp}/parapet-bench-reports.XXXXXX")
cleanup() {
	if [ -n "${BENCH_KEEP:-}" ]; then
		echo "bench/reports.sh: files kept in $TMP" >&2
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT

repeat=()
[ -n "${BENCH_REPORTS_REPEAT:-}" ] && repeat=(--repeat "$BENCH_REPORTS_REPEAT")
# shellcheck disable=SC2086 # ROWS is a list of counts
"$BIN" --dir "$TMP/run" --keep "${repeat[@]}" $ROWS 2> >(grep -v ' info ' >&2) | tee "$TMP/c.out"

first=${ROWS%% *}
file="$TMP/run/2026-11-27-scan_telnet-ir-geo-$first.csv"
label=$(awk -v n="$first" 'BEGIN { if (n % 1000000 == 0) print n / 1000000 "m"; else if (n % 1000 == 0) print n / 1000 "k"; else print n }')
# the product's path: src/feeds/pipeline.c resolves owners and dedup 256
# events at a time (the "batched" mode); per event only without it
c_rate=$(awk -v k="bench reports_${label}_batched_rate:" 'index($0, k) == 1 { print $3; exit }' "$TMP/c.out")
[ -n "$c_rate" ] || c_rate=$(awk -v k="bench reports_${label}_rate:" 'index($0, k) == 1 { print $3; exit }' "$TMP/c.out")
[ -n "$c_rate" ] || die "no reports_${label}_rate line from bench_reports"
echo "bench/reports.sh: python3 reference on the first $PEER_ROWS rows of $first ..." >&2
python3 "$ROOT/bench/reports_peer.py" "$file" "$TMP/run/registry.csv" "$PEER_ROWS" "$c_rate"
