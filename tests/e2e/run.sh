#!/usr/bin/env bash
# tests/e2e/run.sh: Parapet's web interface in a real browser.
#
# Builds a small constituency in a fresh data directory with the real
# binary (build/parapet, or $PARAPET), starts `parapet serve` on a loopback
# port, and drives Debian's chromium (headless) with playwright-core through
# the analyst console, the constituent portal, the Persian/Jalali switch and
# the dashboard (e2e.mjs); the Jalali conversion's unit tests run first
# (jalali.test.mjs). Screenshots go to $E2E_ARTIFACTS (default
# build/e2e-artifacts). A missing chromium, node or npm is a failure, never a
# skip. The last line is "e2e: N passed, N failed"; the exit status is
# non-zero on any failure. The server started here is always stopped.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARAPET=${PARAPET:-$root/build/parapet}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export E2E_ARTIFACTS=${E2E_ARTIFACTS:-$root/build/e2e-artifacts}
export PARAPET_AUTH_ARGON2_OPS=${PARAPET_AUTH_ARGON2_OPS:-1}
export PARAPET_AUTH_ARGON2_MEM=${PARAPET_AUTH_ARGON2_MEM:-8192}

passed=0
failed=0
add() { # add LINE: "...: P passed, F failed"; an unparsable line is one failure
	local p f
	p=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<<"$1")
	f=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<<"$1")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
}
finish() {
	echo "e2e: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
die() { # die MESSAGE: a failure of the setup itself
	echo "e2e: FAIL $*" >&2
	failed=$((failed + 1))
	finish
}

data=$(mktemp -d)
server=
cleanup() {
	if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
		kill "$server" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$server" 2>/dev/null
	fi
	rm -rf "$data"
}
trap cleanup EXIT

command -v node >/dev/null || die "node is not installed"
command -v npm >/dev/null || die "npm is not installed"
[ -x "$CHROMIUM" ] || die "$CHROMIUM is missing: install Debian's chromium (scripts/setup)"
[ -x "$PARAPET" ] || die "$PARAPET is missing: build first (ninja -C build)"

# playwright-core at the version pinned in package-lock.json
want=$(node -e 'console.log(require(process.argv[1]).packages["node_modules/playwright-core"].version)' \
	"$here/package-lock.json") || die "package-lock.json unreadable"
have=$(node -e 'try{console.log(require(process.argv[1]).version)}catch(e){}' \
	"$here/node_modules/playwright-core/package.json")
if [ "$have" != "$want" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
		die "npm ci failed in tests/e2e"
fi

mkdir -p "$E2E_ARTIFACTS"

# unit tests of the calendar conversion
out=$(node "$here/jalali.test.mjs" 2>&1)
echo "$out"
add "$(tail -1 <<<"$out")"

# the constituency: org 1 (bob) with the defacement and the site, org 2 (carol) with 55;
# alice (analyst), root (admin); one report file with a rejected line
P=("$PARAPET" --data "$data")
setup() {
	"${P[@]}" migrate &&
	"${P[@]}" org add "Ministry of Energy" --province Tehran --sector energy &&
	"${P[@]}" org add "Ministry of Roads" --province Fars --sector transport &&
	"${P[@]}" asset add 1 cidr 203.0.113.0/24 &&
	"${P[@]}" asset add 1 url https://www.moe.example/ &&
	"${P[@]}" asset add 2 cidr 198.51.100.0/24 &&
	echo 'analyst passphrase one' | "${P[@]}" user add alice --role analyst --password-stdin &&
	echo 'constituent passphrase one' | "${P[@]}" user add bob --role constituent --org 1 --password-stdin &&
	echo 'constituent passphrase two' | "${P[@]}" user add carol --role constituent --org 2 --password-stdin &&
	echo 'admin passphrase one' | "${P[@]}" user add root --role admin --password-stdin &&
	# 55 incidents of the other organisation first (a second page in the
	# lists; none may leak to bob), then the defacement of org 1, the newest
	for i in $(seq 55); do
		"${P[@]}" incident report 2 open-port "198.51.100.$i:23" --severity low \
			--summary "telnet open on host $i" || return 1
	done &&
	"${P[@]}" incident report 1 defacement https://www.moe.example/ --severity high \
		--summary 'page replaced: "hacked by e2e"' &&
	# a report file: one host of org 1, one nobody owns, one bad line (line 4)
	cat >"$data/2026-11-27-scan_telnet-e2e.csv" <<-'EOF' &&
	timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,hostname_source,sector,banner
	2026-11-27 03:12:45,medium,203.0.113.9,tcp,23,gw1.moe.example,telnet,58224,IR,TEHRAN,TEHRAN,921130,ptr,Government,"login: "
	2026-11-27 03:14:09,medium,192.0.2.77,tcp,23,,telnet,64530,IR,TEHRAN,TEHRAN,221310,,Water,"Username: "
	2026-11-27 03:15:00,medium,not-an-address,tcp,23,,telnet,64530,IR,TEHRAN,TEHRAN,221310,,Water,"x"
	EOF
	"${P[@]}" import report --type scan_telnet "$data/2026-11-27-scan_telnet-e2e.csv"
}
setup >"$data/setup.log" 2>&1 || { cat "$data/setup.log" >&2; die "could not create the constituency"; }

PARAPET_WATCH_ENABLED=false PARAPET_FEEDS_ENABLED=false \
	"${P[@]}" serve --listen 127.0.0.1:0 >"$data/serve.out" 2>"$data/serve.err" &
server=$!
base=
for _ in $(seq 100); do
	base=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$data/serve.out" | sed 's/listening on //')
	[ -n "$base" ] && break
	kill -0 "$server" 2>/dev/null || break
	sleep 0.1
done
[ -n "$base" ] || { cat "$data/serve.err" >&2; die "parapet serve did not start"; }

out=$(cd "$here" && E2E_BASE=$base CHROMIUM=$CHROMIUM timeout 130 node e2e.mjs 2>&1)
rc=$?
echo "$out"
last=$(tail -1 <<<"$out")
add "$last"
if [ $rc -ne 0 ] && ! grep -q ' [1-9][0-9]* failed$' <<<"$last"; then
	failed=$((failed + 1)) # crashed or timed out without counting it
	tail -20 "$data/serve.err" >&2
fi
finish
