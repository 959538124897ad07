#!/usr/bin/env python3
"""Run every test that Meson registered in one build directory and count
test cases, not executables.

usage: testrun.py BUILD_DIR LABEL

Each test executable is a cmocka program; its summary lines
("[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)") give the case counts.
An executable that ends without a summary (a crash, a sanitizer abort, a
timeout) counts as one failed case, so nothing fails silently. The last line
printed is "LABEL: P passed, F failed" for scripts/test to add up.

Tests run PARAPET_TEST_JOBS at a time (default 2; 1 runs them one by one).
Most integration tests spend their time waiting on servers they started
(parapet serve, nginx, dnsmasq, pmacctd, ...), so a second test fills the
idle core. They can share the machine because each takes its own: ports
the kernel picks (servers listen on port 0 and report theirs; a few tests
bind port 0, close it and hand the number to a server, which another test
could take in between -- as any other process on the machine could), temp
directories from mkdtemp, and no fixed path outside them. Meson's
is_parallel = false on the integration tests is for `meson test`, which
would start one per core; it is not read here. The longest tests (by their
Meson timeout) start first, so that the last one to end is a short one.
The tests of ALONE run after the others, one by one, with the machine to
themselves. Each test's lines are printed whole when it ends, so outputs
never mix."""
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

build, label = sys.argv[1], sys.argv[2]
tests = json.loads(subprocess.run(["meson", "introspect", "--tests", build],
                                  check=True, capture_output=True, text=True).stdout)
jobs = max(1, int(os.environ.get("PARAPET_TEST_JOBS", "2")))
# Integration tests whose one request does a CPU-bound job against the
# harness's 30 s client timeout: test_feeds uploads 200,000 rows in one
# POST, which under ASan beside another test took more than 30 s (seen).
ALONE = {("test_feeds", "parapet:integration")}


def alone(t):
    return any(t["name"] == n and s in t.get("suite", []) for n, s in ALONE)


# stable: among equal timeouts, Meson's order
order = sorted((i for i in range(len(tests)) if not alone(tests[i])),
               key=lambda i: -(tests[i].get("timeout") or 300))
last = [i for i in range(len(tests)) if alone(tests[i])]


def run(t):
    """Run one test; its (name, passed cases, failed cases, report text)."""
    env = dict(os.environ)
    env.update(t.get("env") or {})
    timeout = t.get("timeout") or 300
    t0 = time.monotonic()
    try:
        r = subprocess.run(t["cmd"], env=env, cwd=t.get("workdir") or build,
                           capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        out, code = r.stdout + r.stderr, r.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        out += "\nTIMEOUT after %ss" % timeout
        code = -1
    p = sum(int(m) for m in re.findall(r"\[  PASSED  \] (\d+) test", out))
    f = sum(int(m) for m in re.findall(r"\[  FAILED  \] (\d+) test", out))
    if code != 0 and f == 0:
        f = 1  # died without saying which case: count the executable as one failure
    secs = time.monotonic() - t0
    status = "ok" if code == 0 and f == 0 else "FAILED"
    lines = ["%s %-24s %s: %d passed, %d failed (%.1fs)" % (label, t["name"], status, p, f, secs)]
    if status != "ok":
        # the assertion that failed, which a sanitizer's leak report after
        # it would push out of the tail
        why = [l for l in out.splitlines()
               if re.search(r"\[  ERROR   \]|\[   LINE   \]|\[  FAILED  \]|TIMEOUT|ERROR: AddressSanitizer|runtime error", l)]
        if why:
            lines.append("---- failures of %s ----\n%s" % (t["name"], "\n".join(why[:40])))
        tail = "\n".join(out.splitlines()[-80:])
        lines.append("---- output of %s (last 80 lines) ----\n%s\n----" % (t["name"], tail))
    return p, f, "\n".join(lines)


passed = failed = 0


def report(p, f, text):
    global passed, failed
    passed += p
    failed += f
    print(text)
    sys.stdout.flush()


with ThreadPoolExecutor(max_workers=jobs) as pool:
    futures = [pool.submit(run, tests[i]) for i in order]
    for fut in as_completed(futures):
        report(*fut.result())
for i in last:
    report(*run(tests[i]))
print("%s: %d passed, %d failed" % (label, passed, failed))
