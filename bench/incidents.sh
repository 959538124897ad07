#!/usr/bin/env bash
# bench/incidents.sh — the `incidents` benchmark (scripts/bench incidents).
#
# Generates BENCH_INCIDENTS incidents with BENCH_MESSAGES messages into a
# fresh database (bench/gen_incidents), starts `parapet serve` on loopback and
# measures with wrk, under BENCH_CONNECTIONS concurrent clients, the filtered
# incident list (status, severity and an organisation or province varying
# per request) and free-text search (q= common, medium and rare words).
# Beside it, in the same run on the same machine, nginx serves a static JSON
# file of the size of a typical list response with the same wrk settings.
# Prints "bench NAME: VALUE UNIT" lines and "bench incidents_list: R x
# nginx_static". Goal (issue 3): list p99 < 20 ms and rate >= 0.5 x nginx.
#
# Environment (defaults in brackets):
#   BENCH_INCIDENTS [1000000]  BENCH_MESSAGES [5000000]  BENCH_ORGS [2000]
#   BENCH_SECONDS [20]         measured seconds per wrk run
#   BENCH_WARMUP [3]           unmeasured seconds before each parapet run
#   BENCH_CONNECTIONS [64]     BENCH_WRK_THREADS [2]
#   BENCH_HTTP_THREADS [cores] parapet worker threads, like nginx's
#                              worker_processes auto (with 4 on 2 cores the
#                              workers preempt each other and list p99 about
#                              doubled); a list ("2 4 8") runs each and
#                              reports the best list rate
#   BENCH_NGINX_WORKERS [auto]
#   BENCH_TIMEOUT [30]         seconds before wrk counts a request as timed
#                              out (timed-out requests are not in p50/p99)
#   BENCH_LOG_LEVEL [warn]     parapet log level (info logs every request;
#                              nginx runs with access_log off)
#   BENCH_DATA                 reuse this data dir (kept); generated there
#                              when it has no parapet.db yet
#   BENCH_KEEP=1               keep the temporary directory
#   BENCH_BUILD [build-release]
# Needs wrk and nginx (Debian packages wrk, nginx-light); installs them when
# missing and apt-get is usable.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-release}
NINC=${BENCH_INCIDENTS:-1000000}
NMSG=${BENCH_MESSAGES:-5000000}
NORGS=${BENCH_ORGS:-2000}
SECS=${BENCH_SECONDS:-20}
WARM=${BENCH_WARMUP:-3}
CONNS=${BENCH_CONNECTIONS:-64}
WTHREADS=${BENCH_WRK_THREADS:-2}
HTHREADS=${BENCH_HTTP_THREADS:-$(nproc)}
NGX_WORKERS=${BENCH_NGINX_WORKERS:-auto}
LOGLEVEL=${BENCH_LOG_LEVEL:-warn}
TIMEOUT=${BENCH_TIMEOUT:-30}
LUA=$ROOT/bench/wrk_report.lua

ME=bench/incidents.sh
. "$ROOT/bench/lib.sh"

die() {
	bench_die "$@"
}

# --- tools ----------------------------------------------------------------
bench_need wrk:wrk nginx:nginx-light curl:curl

bench_build "$BUILD" parapet bench/gen_incidents
PARAPET=$BUILD/parapet
GEN=$BUILD/bench/gen_incidents

# --- workspace and clean-up -------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/parapet-bench-incidents.XXXXXX")
SERVE_PID=
NGINX_PID=
stop_serve() {
	if [ -n "$SERVE_PID" ]; then
		kill "$SERVE_PID" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$SERVE_PID" 2>/dev/null || true
		wait "$SERVE_PID" 2>/dev/null || true
		SERVE_PID=
	fi
}
stop_nginx() {
	if [ -n "$NGINX_PID" ]; then
		kill -QUIT "$NGINX_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
		NGINX_PID=
	fi
}
cleanup() {
	stop_serve
	stop_nginx
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench/incidents.sh: kept $TMP" >&2
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- data -------------------------------------------------------------------
DATA=${BENCH_DATA:-$TMP/data}
mkdir -p "$DATA"
export PARAPET_AUTH_ARGON2_OPS=1 PARAPET_AUTH_ARGON2_MEM=8192 PARAPET_LOG_LEVEL=$LOGLEVEL
WORDS=$DATA/bench-words.txt
if [ ! -f "$DATA/parapet.db" ]; then
	avail=$(df -Pk "$DATA" | awk 'NR == 2 { print $4 }')
	want=$(( (NINC * 700 + NMSG * 450) / 1024 )) # KiB, measured ~ per row
	[ "$avail" -gt "$want" ] || die "$DATA: $((avail / 1024)) MiB free, about $((want / 1024)) MiB needed"
	"$PARAPET" --data "$DATA" migrate >/dev/null 2>"$TMP/migrate.log" || { cat "$TMP/migrate.log" >&2; die "migrate failed"; }
	t0=$(date +%s.%N)
	"$GEN" "$DATA/parapet.db" "$NINC" "$NMSG" "$NORGS" "$WORDS" 2>"$TMP/gen.log" || { cat "$TMP/gen.log" >&2; die "gen_incidents failed"; }
	# the schema copies each organisation's province onto its incidents;
	# the generator writes incidents directly, so fill the copy in here
	sqlite3 "$DATA/parapet.db" "UPDATE incident SET province = (SELECT province FROM org WHERE org.id = incident.org_id) WHERE province = ''" ||
		die "setting incident provinces failed"
	t1=$(date +%s.%N)
	tail -n 1 "$TMP/gen.log" >&2
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "bench incidents_generate: %.1f s\n", b - a }'
	printf 'bench incidents_db_size: %d MB\n' "$(( $(stat -c %s "$DATA/parapet.db") / 1000000 ))"
	printf 'bench-password-1\n' | "$PARAPET" --data "$DATA" user add bench --role analyst --password-stdin \
		>/dev/null 2>"$TMP/user.log" || { cat "$TMP/user.log" >&2; die "user add failed"; }
	"$PARAPET" --data "$DATA" token add bench --name bench >"$DATA/bench-token.txt" 2>>"$TMP/user.log" ||
		{ cat "$TMP/user.log" >&2; die "token add failed"; }
else
	echo "bench/incidents.sh: reusing $DATA/parapet.db" >&2
fi
[ -f "$WORDS" ] || die "$WORDS missing (BENCH_DATA from an older run?)"
TOKEN=$(tail -n 1 "$DATA/bench-token.txt")
[ -n "$TOKEN" ] || die "no API token"
export WRK_TOKEN=$TOKEN

# --- request mixes ------------------------------------------------------------
# list: 40% one organisation, 30% one province (status new,triaged, severity
# high), 30% no place filter with other status and severity combinations.
# search: q= one word (a third common, a third medium, a third rare) or, one
# time in eight, a common and a medium word together.
"$PARAPET" --data "$DATA" provinces 2>/dev/null | cut -f1 >"$TMP/provinces.txt"
norgs_db=$(sqlite3 "$DATA/parapet.db" 'SELECT max(id) FROM org' 2>/dev/null || echo "$NORGS")
python3 - "$TMP" "$norgs_db" "$WORDS" <<'EOF'
import random, sys, urllib.parse as up
tmp, norgs, words_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(3)
provinces = [l.strip() for l in open(tmp + "/provinces.txt", encoding="utf-8") if l.strip()]
base = "/api/v1/incidents?"
with open(tmp + "/list.txt", "w") as f:
    for k in range(1000):
        r = rnd.random()
        if r < 0.4:
            q = {"status": "new,triaged", "severity": "high", "org_id": rnd.randint(1, norgs)}
        elif r < 0.7:
            q = {"status": "new,triaged", "severity": "high", "province": rnd.choice(provinces)}
        else:
            q = {"status": rnd.choice(["new,triaged", "in_progress", "new,triaged,in_progress", "contained,recovered"]),
                 "severity": rnd.choice(["high", "critical", "medium"])}
        q["limit"] = 50
        f.write(base + up.urlencode(q, safe=",") + "\n")
words = {}
for line in open(words_file, encoding="utf-8"):
    c, w = line.split(None, 1)
    words.setdefault(c, []).append(w.strip())
with open(tmp + "/search.txt", "w") as f:
    for k in range(1000):
        if k % 8 == 7:
            q = rnd.choice(words["common"]) + " " + rnd.choice(words["medium"])
        else:
            q = rnd.choice(words[["common", "medium", "rare"][k % 3]])
        f.write(base + up.urlencode({"q": q, "limit": 50}) + "\n")
EOF

# --- parapet ------------------------------------------------------------------
start_serve() { # threads
	: >"$TMP/serve.out"
	PARAPET_HTTP_THREADS=$1 "$PARAPET" --data "$DATA" serve --listen 127.0.0.1:0 \
		>"$TMP/serve.out" 2>"$TMP/serve.log" &
	SERVE_PID=$!
	PORT=
	for _ in $(seq 300); do
		PORT=$(sed -n 's|^parapet: listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$TMP/serve.out")
		[ -n "$PORT" ] && break
		kill -0 "$SERVE_PID" 2>/dev/null || { cat "$TMP/serve.log" >&2; die "parapet serve exited"; }
		sleep 0.1
	done
	[ -n "$PORT" ] || die "parapet serve did not start"
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" && return 0
		sleep 0.1
	done
	die "parapet /healthz did not answer"
}

field() { # line name
	sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<"$1"
}

run_wrk() { # url paths-file seconds -> prints the wrk_report line
	WRK_PATHS=$2 wrk -t"$WTHREADS" -c"$CONNS" -d"$3"s --timeout "$TIMEOUT"s -s "$LUA" "$1" \
		>"$TMP/wrk.out" 2>&1 || { cat "$TMP/wrk.out" >&2; die "wrk failed"; }
	local line
	line=$(grep '^wrk_report ' "$TMP/wrk.out") || { cat "$TMP/wrk.out" >&2; die "no wrk_report line"; }
	local bad
	bad=$(( $(field "$line" errors) + $(field "$line" status_errors) + $(field "$line" timeouts) ))
	[ "$bad" -eq 0 ] || echo "bench/incidents.sh: warning: $bad failed requests: $line" >&2
	echo "$line"
}

# After a run, requests that wrk gave up on may still be executing in the
# server: wait until it has been nearly idle for half a second (at most 300 s)
# so the next run does not share the CPU with them.
wait_idle() {
	local prev cur
	prev=$(awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat" 2>/dev/null) || return 0
	for _ in $(seq 600); do
		sleep 0.5
		cur=$(awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat" 2>/dev/null) || return 0
		[ $((cur - prev)) -lt 5 ] && return 0
		prev=$cur
	done
	echo "bench/incidents.sh: warning: server still busy after 300 s" >&2
}

declare -A R
best_rate=0
best_t=
for t in $HTHREADS; do
	start_serve "$t"
	URL=http://127.0.0.1:$PORT/
	if [ -z "${BODY_BYTES:-}" ]; then
		# the typical list body: of a sample of the mix, the response whose
		# size is nearest the sample's mean size
		for k in $(seq 1 40); do
			p=$(sed -n "${k}p" "$TMP/list.txt")
			curl -fsS -H "Authorization: Bearer $TOKEN" -o "$TMP/sample.$k.json" "http://127.0.0.1:$PORT$p" ||
				die "list request failed: $p"
		done
		pick=$(for k in $(seq 1 40); do echo "$(stat -c %s "$TMP/sample.$k.json") $k"; done |
			awk '{ s[NR] = $1; f[NR] = $2; t += $1 } END { m = t / NR; b = 1;
				for (i = 1; i <= NR; i++) if ((s[i] - m) ^ 2 < (s[b] - m) ^ 2) b = i;
				print s[b], f[b] }')
		mkdir -p "$TMP/www"
		cp "$TMP/sample.${pick#* }.json" "$TMP/www/list.json"
		chmod 755 "$TMP" "$TMP/www"
		chmod 644 "$TMP/www/list.json"
		BODY_BYTES=${pick% *}
		rm -f "$TMP"/sample.*.json
		# check the list does return items
		grep -q '"items": *\[ *{' "$TMP/www/list.json" || die "typical list response has no items"
	fi
	for kind in list search; do
		if [ "$WARM" -gt 0 ]; then
			run_wrk "$URL" "$TMP/$kind.txt" "$WARM" >/dev/null
			wait_idle
		fi
		R[$kind.$t]=$(run_wrk "$URL" "$TMP/$kind.txt" "$SECS")
		wait_idle
		echo "bench/incidents.sh: threads=$t $kind: ${R[$kind.$t]}" >&2
	done
	stop_serve
	rate=$(field "${R[list.$t]}" rate)
	if awk -v a="$rate" -v b="$best_rate" 'BEGIN { exit !(a > b) }'; then
		best_rate=$rate
		best_t=$t
	fi
done

# --- nginx -------------------------------------------------------------------
NPORT=$(free_port)
mkdir -p "$TMP/nginx/tmp" "$TMP/nginx/logs"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes $NGX_WORKERS;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	client_body_temp_path $TMP/nginx/tmp/body;
	proxy_temp_path $TMP/nginx/tmp/proxy;
	fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
	server {
		listen 127.0.0.1:$NPORT;
		location / {
			root $TMP/www;
			default_type application/json;
		}
	}
}
EOF
nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" 2>"$TMP/nginx/logs/stderr" &
NGINX_PID=$!
for _ in $(seq 100); do
	curl -fsS -o /dev/null "http://127.0.0.1:$NPORT/list.json" 2>/dev/null && break
	kill -0 "$NGINX_PID" 2>/dev/null || { cat "$TMP/nginx/logs/stderr" >&2; die "nginx exited"; }
	sleep 0.1
done
echo "/list.json" >"$TMP/static.txt"
run_wrk "http://127.0.0.1:$NPORT/" "$TMP/static.txt" 1 >/dev/null
NGX=$(run_wrk "http://127.0.0.1:$NPORT/" "$TMP/static.txt" "$SECS")
echo "bench/incidents.sh: nginx: $NGX" >&2
stop_nginx

# --- report ------------------------------------------------------------------
if [ "$(wc -w <<<"$HTHREADS")" -gt 1 ]; then
	for t in $HTHREADS; do
		for kind in list search; do
			printf 'bench incidents_%s_rate_t%s: %s req/s\n' "$kind" "$t" "$(field "${R[$kind.$t]}" rate)"
			printf 'bench incidents_%s_p99_t%s: %s ms\n' "$kind" "$t" "$(field "${R[$kind.$t]}" p99_ms)"
		done
	done
	printf 'bench incidents_http_threads: %s threads\n' "$best_t"
fi
for kind in list search; do
	line=${R[$kind.$best_t]}
	printf 'bench incidents_%s_p50: %s ms\n' "$kind" "$(field "$line" p50_ms)"
	printf 'bench incidents_%s_p99: %s ms\n' "$kind" "$(field "$line" p99_ms)"
	printf 'bench incidents_%s_rate: %s req/s\n' "$kind" "$(field "$line" rate)"
	awk -v b="$(field "$line" bytes)" -v n="$(field "$line" requests)" -v k="$kind" \
		'BEGIN { if (n > 0) printf "bench incidents_%s_response: %d B\n", k, b / n }'
	bad=$(( $(field "$line" errors) + $(field "$line" status_errors) + $(field "$line" timeouts) ))
	[ "$bad" -eq 0 ] || printf 'bench incidents_%s_failed: %s requests\n' "$kind" "$bad"
done
printf 'bench incidents_list_body: %s B\n' "$BODY_BYTES"
printf 'bench nginx_static_p50: %s ms\n' "$(field "$NGX" p50_ms)"
printf 'bench nginx_static_p99: %s ms\n' "$(field "$NGX" p99_ms)"
printf 'bench nginx_static_rate: %s req/s\n' "$(field "$NGX" rate)"
awk -v a="$(field "${R[list.$best_t]}" rate)" -v b="$(field "$NGX" rate)" \
	'BEGIN { if (b > 0) printf "bench incidents_list: %.3g x nginx_static\n", a / b }'
