#!/usr/bin/env bash
# bench/webwatch.sh — the `webwatch` benchmark (scripts/bench webwatch; issues 4 and 12).
#
# Full passes of the website monitor over BENCH_SITES sites of the site
# farm (tests/farm/farm.py: nginx + NSD on loopback; index pages of
# 5–30 KB of realistic bilingual markup), with the complete analysis: DNS
# (A/AAAA, NS, parent NS, MX, CAA against the farm's NSD), fetch over
# HTTP, page extraction, baseline, verdict, and one transaction per batch.
# The sites are the URL assets of one organisation that owns 127.0.0.0/8,
# ::1/128 and gov.test, loaded with `parapet import constituency` (one CSV).
#
#   learning  `parapet watch run --once --all` on a fresh database: fetch,
#             parse, learn a baseline, store the page as a sample blob;
#             three times, each on a fresh copy of the imported database
#   steady    the same command again, three times: judging against the
#             baseline over the unchanged farm (the steady state)
#   churn     three more passes, each after `farm.py churn` changed a
#             fifth of the sites (another fifth each round) since the pass
#             before: a news item and the next banner on all of them, a
#             third-party embed or tag (YouTube, Vimeo, Aparat, Google Maps,
#             Google tag, Matomo, Cloudflare's beacon) on a quarter of them,
#             and an attack (every deface kind in turn) on 1 % of all the
#             sites; the sites attacked the round before are restored
# Each pass runs under GNU time (/usr/bin/time -v): wall time, CPU seconds
# (user + system) and peak RSS of the parapet process; beside it, the CPU
# the farm's DNS server (NSD, every process of its group) and nginx spent.
#
# Beside it, in the same run, on the same farm:
#   curl   `curl --parallel --parallel-max BENCH_PARALLEL --connect-to
#          ::127.0.0.1:` over the same BENCH_SITES URLs, bodies to
#          /dev/null: the transport floor (no DNS, no analysis at all),
#          once after each group of passes; the floor is their median
#   urlwatch (Debian package) over the first BENCH_URLWATCH_SITES of them,
#          run twice like our passes (the first fills its cache, the second
#          compares, and is the one measured). Its jobs fetch
#          http://127.0.0.1:PORT/?sNNNNN with a Host header, so no name has
#          to resolve, and set ignore_cached so every page is fetched whole
#          and diffed, as ours are (BENCH_URLWATCH_CONDITIONAL=1 lets it
#          send If-None-Match and get 304s from nginx instead).
#
# Prints "bench NAME: VALUE UNIT" lines for every pass, then per kind of
# pass the median of its three (wall time, parapet's CPU, the DNS server's
# and nginx's CPU) and
#   bench webwatch_learning: R x curl   (median wall time over the floor)
#   bench webwatch_steady: R x curl
#   bench webwatch_churn: R x curl
#   bench webwatch: R x urlwatch        (our steady pages/s over urlwatch's)
# and whether each goal of issues 4 and 12 is met: >= 20 x urlwatch's
# pages/s, wall time <= 3 x curl's for each kind of pass, peak RSS (the
# largest of the nine passes) <= 150 MB for 10,000 sites.
#
# Environment (defaults in brackets):
#   BENCH_SITES [10000]          farm sites, all watched
#   BENCH_URLWATCH_SITES [2000]  sites urlwatch watches (the first ones)
#   BENCH_PARALLEL [64]          fetches in flight (ours and curl's)
#   BENCH_BATCH [2000]           PARAPET_WATCH_BATCH of the passes; a list
#                                ("2000 10000") runs a steady pass once
#                                more for each further value on the same
#                                baseline and reports each; the first value
#                                is the one the nine passes, the ratios and
#                                goals use
#   BENCH_WORKERS [0]            PARAPET_WATCH_WORKERS (0 = four per core)
#   BENCH_URLWATCH_CONDITIONAL [0]
#   BENCH_LOG_LEVEL [warn]       parapet log level
#   BENCH_PERF=1                 also record a judging pass with `perf record -g`
#                                (an extra, unmeasured pass) and print the
#                                top of `perf report`
#   BENCH_KEEP=1                 keep the temporary directory (farm, data,
#                                logs, time outputs)
#   BENCH_BUILD [build-release]
# Needs nginx, NSD, curl, urlwatch and GNU time (Debian nginx-light,
# nsd, curl, urlwatch, time); installs them when missing and
# apt-get is usable.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-release}
NSITES=${BENCH_SITES:-10000}
NUW=${BENCH_URLWATCH_SITES:-2000}
PAR=${BENCH_PARALLEL:-64}
BATCHES=${BENCH_BATCH:-2000}
WORKERS=${BENCH_WORKERS:-0}
LOGLEVEL=${BENCH_LOG_LEVEL:-warn}
UW_COND=${BENCH_URLWATCH_CONDITIONAL:-0}
FARM=$ROOT/tests/farm/farm.py
ME=bench/webwatch.sh
. "$ROOT/bench/lib.sh"

die() {
	bench_die "$@"
}
note() {
	bench_note "$@"
}

[ "$NUW" -le "$NSITES" ] || die "BENCH_URLWATCH_SITES ($NUW) > BENCH_SITES ($NSITES)"

# --- tools ----------------------------------------------------------------
bench_need nginx:nginx-light /usr/sbin/nsd:nsd curl:curl urlwatch:urlwatch \
	/usr/bin/time:time openssl:openssl
if [ "${BENCH_PERF:-0}" = 1 ]; then
	command -v perf >/dev/null || die "BENCH_PERF=1 needs perf (Debian linux-perf)"
fi

bench_build "$BUILD" parapet
PARAPET=$BUILD/parapet

# --- workspace and clean-up -------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/parapet-bench-webwatch.XXXXXX")
FARM_DIR=$TMP/farm
FARM_UP=0
cleanup() {
	if [ "$FARM_UP" = 1 ]; then
		python3 "$FARM" stop --dir "$FARM_DIR" >/dev/null 2>&1 || true
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		note "kept $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_avg() {
	cut -d' ' -f1-3 /proc/loadavg
}
LOAD0=$(load_avg)
note "load average at start: $LOAD0 ($(nproc) cores)"

# --- farm -------------------------------------------------------------------
t0=$(date +%s.%N)
FARM_UP=1
python3 "$FARM" start --dir "$FARM_DIR" --sites "$NSITES" --watch-pid $$ --quiet \
	>"$TMP/farm-start.log" 2>&1 || { cat "$TMP/farm-start.log" >&2; die "farm start failed"; }
t1=$(date +%s.%N)
jget() { # key -> value of farm.json
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$FARM_DIR/farm.json" "$1"
}
DNS_SERVER=$(jget dns_server)
DNS_PORT=$(jget dns_port)
HTTP_PORT=$(jget http_port)
CONNECT_TO=$(jget curl_connect_to)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "bench webwatch_farm_start: %.1f s\n", b - a }'

python3 "$FARM" urls --dir "$FARM_DIR" --limit "$NSITES" >"$TMP/urls.txt"
[ "$(wc -l <"$TMP/urls.txt")" -eq "$NSITES" ] || die "farm.py urls printed $(wc -l <"$TMP/urls.txt") URLs, not $NSITES"

# --- constituency -------------------------------------------------------------
DATA=$TMP/data
mkdir -p "$DATA"
export PARAPET_LOG_LEVEL=$LOGLEVEL
"$PARAPET" --data "$DATA" migrate >/dev/null 2>"$TMP/migrate.log" || { cat "$TMP/migrate.log" >&2; die "migrate failed"; }
{
	echo "organisation,province,sector,kind,value"
	echo "Bench Ministry of Websites,Tehran,government,cidr,127.0.0.0/8"
	echo "Bench Ministry of Websites,,,cidr,::1/128"
	echo "Bench Ministry of Websites,,,domain,gov.test"
	sed 's|^|Bench Ministry of Websites,,,url,|' "$TMP/urls.txt"
} >"$TMP/constituency.csv"
t0=$(date +%s.%N)
"$PARAPET" --data "$DATA" import constituency "$TMP/constituency.csv" >"$TMP/import.log" 2>&1 ||
	{ tail -n 20 "$TMP/import.log" >&2; die "import constituency failed"; }
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "bench webwatch_import: %.1f s\n", b - a }'
nwatched=$("$PARAPET" --data "$DATA" watch sites 2>/dev/null | wc -l)
[ "$nwatched" -eq "$NSITES" ] || die "$nwatched watched sites after the import, not $NSITES"

# --- GNU time ---------------------------------------------------------------
# tv FILE KEY: a figure of /usr/bin/time -v output
tv() {
	case "$2" in
	wall) awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1" ;;
	cpu) awk -F': ' '/User time \(seconds\)/ { u = $2 } /System time \(seconds\)/ { s = $2 }
		END { printf "%.2f", u + s }' "$1" ;;
	rss) awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1" ;;
	esac
}

# --- the monitor ----------------------------------------------------------------
export PARAPET_WATCH_DNS_SERVERS=$DNS_SERVER PARAPET_WATCH_DNS_AUTH_PORT=$DNS_PORT
export PARAPET_WATCH_PARALLEL=$PAR PARAPET_WATCH_WORKERS=$WORKERS

# jfield FILE KEY: an integer of a pass's JSON
jfield() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], 0))' "$1" "$2"
}

# CPU ticks (user + system) of a process, 0 when gone
ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# group_ticks PGID: CPU ticks of every process of a process group, with
# those of its reaped children (NSD forks its server process, and a new one
# on each reload; the farm starts it as the leader of its own group)
group_ticks() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$1" '{ sub(/^.*\) /, ""); split($0, f, " ")
		if (f[3] == g) n += f[12] + f[13] + f[14] + f[15] } END { print n + 0 }'
}
FARM_PIDS=$(python3 -c 'import json, sys; p = json.load(open(sys.argv[1]))["pids"]; print(p["nsd"], p["nginx"])' "$FARM_DIR/farm.json")
NSD_PID=${FARM_PIDS% *}
NGINX_PID=${FARM_PIDS#* }
farm_ticks() { # NSD's ticks (all its processes), nginx workers' ticks
	local n=0 p
	for p in $(pgrep -P "$NGINX_PID" 2>/dev/null || true); do n=$((n + $(ticks "$p"))); done
	echo "$(group_ticks "$NSD_PID") $n"
}
HZ=$(getconf CLK_TCK)

# run_pass NAME BATCH: one `watch run --once --all`, timed; checks its counts.
# Besides GNU time's figures, /proc/PID/status is sampled every 0.2 s for
# the peaks of anonymous memory (the heap) and of file-backed pages (the
# store's SQLite mmap), which GNU time's maximum RSS adds together; and the
# farm's NSD and nginx CPU during the pass is noted.
run_pass() {
	local name=$1 batch=$2 f0 f1
	f0=$(farm_ticks)
	PARAPET_WATCH_BATCH=$batch /usr/bin/time -v -o "$TMP/$name.time" \
		"$PARAPET" --data "$DATA" watch run --once --all >"$TMP/$name.json" 2>"$TMP/$name.log" &
	local tpid=$! ppid=
	for _ in $(seq 50); do
		ppid=$(pgrep -P "$tpid" 2>/dev/null | head -n 1 || true)
		[ -n "$ppid" ] && break
		sleep 0.02
	done
	: >"$TMP/$name.mem"
	if [ -n "$ppid" ]; then
		while kill -0 "$ppid" 2>/dev/null; do
			awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { if (a != "") print a, f }' \
				"/proc/$ppid/status" >>"$TMP/$name.mem" 2>/dev/null || true
			sleep 0.2
		done
	fi
	wait "$tpid" || { tail -n 20 "$TMP/$name.log" >&2; die "$name: parapet watch run failed"; }
	f1=$(farm_ticks)
	awk -v a="$f0" -v b="$f1" -v hz="$HZ" 'BEGIN { split(a, x, " "); split(b, y, " ");
		printf "%.2f %.2f\n", (y[1] - x[1]) / hz, (y[2] - x[2]) / hz }' >"$TMP/$name.farmcpu"
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/$name.json" 2>/dev/null ||
		{ cat "$TMP/$name.json" "$TMP/$name.log" >&2; die "$name: no JSON counts"; }
	note "$name (batch $batch): $(tr -d ' \n' <"$TMP/$name.json")"
	local checked errors
	checked=$(jfield "$TMP/$name.json" checked)
	errors=$(jfield "$TMP/$name.json" errors)
	if [ "$checked" -ne "$NSITES" ] || [ "$errors" -ne 0 ]; then
		tail -n 20 "$TMP/$name.log" >&2
		die "$name: checked $checked of $NSITES sites with $errors errors (want all, and 0 errors)"
	fi
}

# --- curl: the transport floor ------------------------------------------------
# run_curl NAME: curl --parallel over the same URLs, bodies to /dev/null;
# one url/output pair per site; -w prints each transfer's status. It runs
# once after each group of passes, so that the floor sees the machine's
# load as the passes did; the median of the three is the floor.
awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' "$TMP/urls.txt" >"$TMP/curl.cfg"
run_curl() {
	/usr/bin/time -v -o "$TMP/$1.time" \
		curl --parallel --parallel-max "$PAR" --connect-to "$CONNECT_TO" -sS --no-progress-meter -w '%{http_code}\n' \
		-K "$TMP/curl.cfg" >"$TMP/$1.out" 2>"$TMP/$1.log" ||
		{ tail -n 20 "$TMP/$1.log" >&2; die "$1 failed"; }
	local ok200
	ok200=$(grep -c '^200$' "$TMP/$1.out" || true)
	[ "$ok200" -eq "$NSITES" ] || die "$1: $ok200 of $NSITES answers were 200"
}

set -- $BATCHES
BATCH=$1
# learning: three passes, each on a fresh copy of the database as imported
DATA0=$TMP/data-imported
cp -a "$DATA" "$DATA0"
for i in 1 2 3; do
	rm -rf "$DATA"
	cp -a "$DATA0" "$DATA"
	run_pass "learning$i" "$BATCH"
	learning=$(jfield "$TMP/learning$i.json" learning)
	[ "$learning" -eq "$NSITES" ] || die "learning$i: $learning sites learned, not $NSITES"
done
run_curl curl1
# steady: three judging passes over the unchanged farm, on the last baseline
for i in 1 2 3; do
	run_pass "steady$i" "$BATCH"
	judged=$(( $(jfield "$TMP/steady$i.json" ok) + $(jfield "$TMP/steady$i.json" changed) + $(jfield "$TMP/steady$i.json" alerts) ))
	[ "$judged" -eq "$NSITES" ] || die "steady$i: $judged sites judged against a baseline, not $NSITES"
	bad=$(( $(jfield "$TMP/steady$i.json" alerts) + $(jfield "$TMP/steady$i.json" down) + $(jfield "$TMP/steady$i.json" incidents) ))
	[ "$bad" -eq 0 ] || note "warning: steady$i: alerts, down or incidents on unchanged sites: $(tr -d ' \n' <"$TMP/steady$i.json")"
done
run_curl curl2
shift
for b in "$@"; do
	run_pass "steady_batch$b" "$b"
done
# churn: before each pass, a fifth of the sites changes (farm.py churn:
# another fifth each round): news on all of them, a third-party embed or
# tag on a quarter of them, an attack on 1 % of all the sites; the sites
# the round before attacked are restored first
for i in 1 2 3; do
	python3 "$FARM" churn --dir "$FARM_DIR" --round "$i" --fraction 0.2 --third 0.25 --attack 0.01 \
		>"$TMP/churn$i.farm.json" 2>"$TMP/churn$i.farm.log" || { cat "$TMP/churn$i.farm.log" >&2; die "farm.py churn failed"; }
	note "churn$i: the farm changed $(python3 -c 'import json, sys; j = json.load(open(sys.argv[1]))
print("%(changed)d sites (news), %(third_party)d with a third-party addition, %(attacks)d attacked, %(restored)d restored" % j)' "$TMP/churn$i.farm.json")"
	run_pass "churn$i" "$BATCH"
	judged=$(( $(jfield "$TMP/churn$i.json" ok) + $(jfield "$TMP/churn$i.json" changed) + $(jfield "$TMP/churn$i.json" alerts) ))
	[ "$judged" -eq "$NSITES" ] || die "churn$i: $judged sites judged against a baseline, not $NSITES"
	note "churn$i: parapet: $(jfield "$TMP/churn$i.json" alerts) alerts, $(jfield "$TMP/churn$i.json" incidents) incidents opened, $(jfield "$TMP/churn$i.json" recovered) recovered, $(jfield "$TMP/churn$i.json" changed) changed"
done
run_curl curl3
BLOB_MB=$(du -sk "$DATA/blobs" 2>/dev/null | awk '{ printf "%.1f", $1 / 1024 }')
DB_MB=$(cat "$DATA"/parapet.db* | wc -c | awk '{ printf "%.1f", $1 / 1048576 }')

if [ "${BENCH_PERF:-0}" = 1 ]; then
	# an extra judging pass under perf (not one of the measured ones)
	PARAPET_WATCH_BATCH=$BATCH perf record -g -o "$TMP/perf.data" \
		"$PARAPET" --data "$DATA" watch run --once --all >"$TMP/perf-pass.json" 2>"$TMP/perf-pass.log" ||
		{ tail -n 20 "$TMP/perf-pass.log" >&2; die "perf pass failed"; }
	note "perf profile of an extra judging pass ($TMP/perf.data), by shared object, then by symbol:"
	perf report -i "$TMP/perf.data" --no-children --stdio --sort dso -g none --percent-limit 1 2>/dev/null |
		grep '%' >&2 || true
	perf report -i "$TMP/perf.data" --no-children --stdio --sort dso,sym -g none --percent-limit 0.7 2>/dev/null |
		grep '%' | head -n 40 >&2 || true
fi

# --- urlwatch ---------------------------------------------------------------------
UW=$TMP/urlwatch
mkdir -p "$UW/home"
ignore_cached=true
[ "$UW_COND" = 1 ] && ignore_cached=false
head -n "$NUW" "$TMP/urls.txt" | python3 -c '
import sys, urllib.parse as up
port, ignore = sys.argv[1], sys.argv[2]
docs = []
for line in sys.stdin:
    u = up.urlsplit(line.strip())
    site = u.hostname.split(".")[0]
    docs.append("url: \"http://127.0.0.1:%s/?%s\"\nheaders:\n  Host: \"%s\"\nignore_cached: %s\n"
                % (port, site, u.netloc, ignore))
sys.stdout.write("---\n".join(docs))
' "$HTTP_PORT" "$ignore_cached" >"$UW/urls.yaml"
cat >"$UW/urlwatch.yaml" <<'EOF'
display:
  new: true
  error: true
  unchanged: false
  empty-diff: true
report:
  text:
    details: true
    footer: false
    line_length: 75
    minimal: false
    separate: false
  stdout:
    enabled: true
    color: false
  html:
    diff: unified
    separate: false
  markdown:
    details: true
    footer: false
    minimal: false
    separate: false
  email:
    enabled: false
job_defaults:
  all: {}
  shell: {}
  url: {}
  browser: {}
EOF
: >"$UW/hooks.py"
run_urlwatch() { # NAME
	HOME=$UW/home XDG_CONFIG_HOME=$UW/home/.config XDG_CACHE_HOME=$UW/home/.cache \
		/usr/bin/time -v -o "$TMP/$1.time" \
		urlwatch --urls "$UW/urls.yaml" --config "$UW/urlwatch.yaml" --hooks "$UW/hooks.py" \
		--cache "$UW/cache.db" >"$TMP/$1.out" 2>"$TMP/$1.log" ||
		{ tail -n 20 "$TMP/$1.log" >&2; die "$1 failed"; }
}
run_urlwatch urlwatch1
new=$(grep -c '^NEW: ' "$TMP/urlwatch1.out" || true)
[ "$new" -eq "$NUW" ] || { head -n 20 "$TMP/urlwatch1.out" >&2; die "urlwatch run 1: $new new jobs, not $NUW"; }
run_urlwatch urlwatch2
uwerr=$(grep -c '^ERROR: ' "$TMP/urlwatch2.out" || true)
uwchg=$(grep -c '^CHANGED: ' "$TMP/urlwatch2.out" || true)
[ "$uwerr" -eq 0 ] || { head -n 20 "$TMP/urlwatch2.out" >&2; die "urlwatch run 2: $uwerr errors"; }
[ "$uwchg" -eq 0 ] || note "warning: urlwatch run 2: $uwchg pages changed"

LOAD1=$(load_avg)

# --- report --------------------------------------------------------------------
rate() { # n seconds
	awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'
}
med3() { # the median of three numbers
	printf '%s\n' "$@" | sort -g | sed -n 2p
}
ratio() { # a b -> a / b
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3g", (b > 0 ? a / b : 0) }'
}
for p in learning1 learning2 learning3 steady1 steady2 steady3 $(for b in "$@"; do echo "steady_batch$b"; done) \
	churn1 churn2 churn3; do
	w=$(tv "$TMP/$p.time" wall)
	printf 'bench webwatch_%s_wall: %s s\n' "$p" "$w"
	printf 'bench webwatch_%s_pages_per_s: %s pages/s\n' "$p" "$(rate "$NSITES" "$w")"
	printf 'bench webwatch_%s_cpu: %s s\n' "$p" "$(tv "$TMP/$p.time" cpu)"
	printf 'bench webwatch_%s_peak_rss: %s MB\n' "$p" "$(tv "$TMP/$p.time" rss)"
	awk -v p="$p" '{ if ($1 > a) a = $1; if ($2 > f) f = $2 } END {
		printf "bench webwatch_%s_peak_anon: %.1f MB\nbench webwatch_%s_peak_file: %.1f MB\n",
			p, a / 1024, p, f / 1024 }' "$TMP/$p.mem"
	read -r dcpu ncpu <"$TMP/$p.farmcpu"
	printf 'bench webwatch_%s_dns_cpu: %s s\n' "$p" "$dcpu"
	printf 'bench webwatch_%s_nginx_cpu: %s s\n' "$p" "$ncpu"
done
for k in 1 2 3; do
	printf 'bench curl_floor%s_wall: %s s\n' "$k" "$(tv "$TMP/curl$k.time" wall)"
	printf 'bench curl_floor%s_cpu: %s s\n' "$k" "$(tv "$TMP/curl$k.time" cpu)"
done
CW=$(med3 "$(tv "$TMP/curl1.time" wall)" "$(tv "$TMP/curl2.time" wall)" "$(tv "$TMP/curl3.time" wall)")
printf 'bench curl_floor_wall: %s s (median of 3)\n' "$CW"
printf 'bench curl_floor_pages_per_s: %s pages/s\n' "$(rate "$NSITES" "$CW")"
# Per kind of pass, the median of its three: wall time, parapet's CPU, the
# farm's DNS server's (NSD) and nginx's CPU, and the wall time over the
# curl floor's.
echo "bench webwatch: medians of 3 passes each, PARAPET_WATCH_BATCH=$BATCH, $PAR in flight, $NSITES sites"
for kind in learning steady churn; do
	w=$(med3 "$(tv "$TMP/${kind}1.time" wall)" "$(tv "$TMP/${kind}2.time" wall)" "$(tv "$TMP/${kind}3.time" wall)")
	c=$(med3 "$(tv "$TMP/${kind}1.time" cpu)" "$(tv "$TMP/${kind}2.time" cpu)" "$(tv "$TMP/${kind}3.time" cpu)")
	d=$(med3 "$(cut -d' ' -f1 "$TMP/${kind}1.farmcpu")" "$(cut -d' ' -f1 "$TMP/${kind}2.farmcpu")" \
		"$(cut -d' ' -f1 "$TMP/${kind}3.farmcpu")")
	n=$(med3 "$(cut -d' ' -f2 "$TMP/${kind}1.farmcpu")" "$(cut -d' ' -f2 "$TMP/${kind}2.farmcpu")" \
		"$(cut -d' ' -f2 "$TMP/${kind}3.farmcpu")")
	printf 'bench webwatch_%s_wall: %s s\n' "$kind" "$w"
	printf 'bench webwatch_%s_pages_per_s: %s pages/s\n' "$kind" "$(rate "$NSITES" "$w")"
	printf 'bench webwatch_%s_parapet_cpu: %s s\n' "$kind" "$c"
	printf 'bench webwatch_%s_dns_cpu: %s s\n' "$kind" "$d"
	printf 'bench webwatch_%s_nginx_cpu: %s s\n' "$kind" "$n"
	printf 'bench webwatch_%s: %s x curl\n' "$kind" "$(ratio "$w" "$CW")"
	eval "W_$kind=\$w"
done
RSS=0
for p in learning1 learning2 learning3 steady1 steady2 steady3 churn1 churn2 churn3; do
	RSS=$(awk -v a="$RSS" -v b="$(tv "$TMP/$p.time" rss)" 'BEGIN { print (b > a) ? b : a }')
done
PEAKS=$(cat "$TMP"/learning?.mem "$TMP"/steady?.mem "$TMP"/churn?.mem | awk '{ if ($1 > a) a = $1; if ($2 > f) f = $2 } END {
	printf "at most %.0f MB heap and other anonymous memory, %.0f MB file pages (the SQLite mmap)", a / 1024, f / 1024 }')
printf 'bench webwatch_peak_rss_mb: %s MB (the largest of the nine passes)\n' "$RSS"
R2=$(rate "$NSITES" "$W_steady")
awk -v b="$(jfield "$TMP/steady1.json" bytes)" -v n="$NSITES" 'BEGIN { printf "bench webwatch_page_size: %.1f KB\n", b / n / 1000 }'
printf 'bench webwatch_store_size: %s MB\n' "$DB_MB"
printf 'bench webwatch_sample_blobs: %s MB\n' "$BLOB_MB"
for k in 1 2; do
	w=$(tv "$TMP/urlwatch$k.time" wall)
	printf 'bench urlwatch_run%s_wall: %s s\n' "$k" "$w"
	printf 'bench urlwatch_run%s_cpu: %s s\n' "$k" "$(tv "$TMP/urlwatch$k.time" cpu)"
done
UWW=$(tv "$TMP/urlwatch2.time" wall)
UWR=$(rate "$NUW" "$UWW")
printf 'bench urlwatch_sites: %s sites\n' "$NUW"
printf 'bench urlwatch_pages_per_s: %s pages/s\n' "$UWR"
printf 'bench urlwatch_peak_rss: %s MB\n' "$(tv "$TMP/urlwatch2.time" rss)"
printf 'bench webwatch_loadavg_start: %s\n' "$LOAD0"
printf 'bench webwatch_loadavg_end: %s\n' "$LOAD1"
RUW=$(ratio "$R2" "$UWR")
echo "bench webwatch: $RUW x urlwatch (steady pass)"
echo "bench webwatch: $(ratio "$W_steady" "$CW") x curl (steady pass)"
goal() { # text met?
	if [ "$2" = 1 ]; then echo "bench webwatch goal: $1: met"; else echo "bench webwatch goal: $1: NOT met"; fi
}
le3() {
	awk -v r="$(ratio "$1" "$CW")" 'BEGIN { print (r <= 3) ? 1 : 0 }'
}
goal ">= 20 x urlwatch pages/s (is $RUW x)" "$(awk -v r="$RUW" 'BEGIN { print (r >= 20) ? 1 : 0 }')"
for kind in learning steady churn; do
	eval "w=\$W_$kind"
	goal "$kind pass wall time <= 3 x curl floor (is $(ratio "$w" "$CW") x)" "$(le3 "$w")"
done
# RSS goal is for 10,000 sites; scaled linearly for other sizes is not
# meaningful (most of it is fixed), so it is judged as is.
goal "peak RSS <= 150 MB for $NSITES sites (is $RSS MB; $PEAKS)" "$(awk -v r="$RSS" 'BEGIN { print (r <= 150) ? 1 : 0 }')"
