#!/usr/bin/env bash
# bench/fetch.sh — the `fetch` benchmark: the website-watch fetcher
# (bench/bench_fetch, src/fetch/) against a local nginx serving one ~20 KB
# page, BENCH_FETCH_COUNT checks with BENCH_FETCH_PARALLEL in flight, every
# URL's host pinned to 127.0.0.1; beside it, in the same run,
# `curl --parallel --parallel-max N --connect-to ::127.0.0.1:` on the same
# URL list (its bodies to /dev/null). Three cases:
#   http_hosts   http://siteN.example.gov.test:PORT/page.html, a new host
#                (so a new connection) per check, as 10,000 sites would be
#   http_one     one host name for every check (connections reused)
#   https_hosts  like http_hosts over TLS (self-signed, verified by us
#                against its own CA file; curl -k)
# Prints "bench fetch_CASE_*" lines for ours, "bench curl_CASE_*" for curl
# (rate from the wall time of the whole process, and its CPU time, user +
# system, which says more than the wall time on a busy machine), and
# "bench fetch_CASE: R x curl" (ratio of the rates). Needs /usr/bin/time.
#
# Environment: BENCH_FETCH_COUNT [10000]  BENCH_FETCH_PARALLEL [64]
#   BENCH_NGINX_WORKERS [auto]  BENCH_BUILD [build-release]  BENCH_KEEP=1
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-release}
COUNT=${BENCH_FETCH_COUNT:-10000}
PAR=${BENCH_FETCH_PARALLEL:-64}
NGX_WORKERS=${BENCH_NGINX_WORKERS:-auto}
PATH=$PATH:/usr/sbin:/sbin

die() {
	echo "bench/fetch.sh: $*" >&2
	exit 1
}
command -v nginx >/dev/null || die "needs nginx (Debian nginx-light)"
command -v curl >/dev/null || die "needs curl"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian time)"
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" -Dbuildtype=release >/dev/null
fi
ninja -C "$BUILD" bench/bench_fetch >/dev/null
BIN=$BUILD/bench/bench_fetch

TMP=$(mktemp -d "${TMPDIR:-/tmp}/parapet-bench-fetch.XXXXXX")
NGINX_PID=
cleanup() {
	if [ -n "$NGINX_PID" ]; then
		kill "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
	fi
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
TPORT=$(free_port)
mkdir -p "$TMP/www" "$TMP/tmp" "$TMP/logs"
# ~20 KB of HTML.
python3 - "$TMP/www/page.html" <<'EOF'
import sys
parts = ["<!DOCTYPE html><html><head><title>Ministry</title></head><body>\n"]
i = 0
while sum(map(len, parts)) < 20000:
    parts.append(f"<p>News item {i}: the ministry announced the opening of a new road section.</p>\n")
    i += 1
parts.append("</body></html>\n")
open(sys.argv[1], "w").write("".join(parts))
EOF
(cd "$TMP" && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj '/CN=example.gov.test' -addext 'subjectAltName=DNS:*.example.gov.test' 2>/dev/null)
user=
[ "$(id -u)" -eq 0 ] && user="user root;"
cat >"$TMP/nginx.conf" <<EOF
daemon off;
$user
worker_processes $NGX_WORKERS;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $TMP/tmp/body; proxy_temp_path $TMP/tmp/proxy;
	fastcgi_temp_path $TMP/tmp/fastcgi; uwsgi_temp_path $TMP/tmp/uwsgi;
	scgi_temp_path $TMP/tmp/scgi;
	types { text/html html; }
	keepalive_requests 100000;
	server { listen 127.0.0.1:$PORT backlog=4096; root $TMP/www; }
	server {
		listen 127.0.0.1:$TPORT ssl backlog=4096; root $TMP/www;
		ssl_certificate $TMP/cert.pem; ssl_certificate_key $TMP/key.pem;
	}
}
EOF
nginx -p "$TMP/" -e "$TMP/logs/error.log" -c "$TMP/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 100); do
	curl -fs -o /dev/null "http://127.0.0.1:$PORT/page.html" && break
	sleep 0.05
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/page.html" || die "nginx did not start"
echo "bench/fetch.sh: page $(stat -c %s "$TMP/www/page.html") bytes, $COUNT checks, $PAR in flight" >&2

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'; }
# timed FILE CMD...: run CMD, "wall user sys" seconds into FILE.
timed() {
	local f=$1
	shift
	/usr/bin/time -o "$f" -f "%e %U %S" "$@"
}

run_case() { # NAME URL-PATTERN
	local name=$1 url=$2 out rate curl_rate cfg=$TMP/$1.curl t
	out=$(BENCH_FETCH_CA=$TMP/cert.pem timed "$TMP/t.fetch" "$BIN" "$url" "$COUNT" "$PAR" 127.0.0.1) ||
		{ echo "$out"; die "$name: bench_fetch failed"; }
	echo "$out" | grep -v 'fetch_wall\|fetch_rate' | sed "s/^bench fetch_/bench fetch_${name}_/"
	read -r -a t <"$TMP/t.fetch"
	rate=$(awk -v n="$COUNT" -v w="${t[0]}" 'BEGIN { printf "%.0f", n / w }')
	echo "bench fetch_${name}_rate: $rate pages/s"
	echo "bench fetch_${name}_wall: ${t[0]} s"
	echo "bench fetch_${name}_cpu: $(awk -v u="${t[1]}" -v s="${t[2]}" 'BEGIN { print u + s }') s"
	: >"$cfg"
	for ((i = 0; i < COUNT; i++)); do
		printf 'url = "%s"\noutput = "/dev/null"\n' "${url//%d/$i}" >>"$cfg"
	done
	sleep 2
	timed "$TMP/t.curl" curl -s --no-progress-meter -k --parallel --parallel-max "$PAR" \
		--connect-to ::127.0.0.1: -K "$cfg" 2>"$TMP/logs/curl-$name.err" ||
		die "$name: curl failed"
	read -r -a t <"$TMP/t.curl"
	curl_rate=$(awk -v n="$COUNT" -v w="${t[0]}" 'BEGIN { printf "%.0f", n / w }')
	echo "bench curl_${name}_rate: $curl_rate pages/s"
	echo "bench curl_${name}_wall: ${t[0]} s"
	echo "bench curl_${name}_cpu: $(awk -v u="${t[1]}" -v s="${t[2]}" 'BEGIN { print u + s }') s"
	echo "bench fetch_${name}: $(ratio "$rate" "$curl_rate") x curl"
	sleep 2
}

run_case http_hosts "http://site%d.example.gov.test:$PORT/page.html"
run_case http_one "http://www.example.gov.test:$PORT/page.html"
run_case https_hosts "https://site%d.example.gov.test:$TPORT/page.html"
