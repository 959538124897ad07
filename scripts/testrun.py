#!/usr/bin/env python3
"""Run every test that Meson registered in one build directory and count
test cases, not executables.

usage: testrun.py BUILD_DIR LABEL

Each test executable is a cmocka program; its summary lines
("[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)") give the case counts.
An executable that ends without a summary (a crash, a sanitizer abort, a
timeout) counts as one failed case, so nothing fails silently. The last line
printed is "LABEL: P passed, F failed" for scripts/test to add up."""
import json
import os
import re
import subprocess
import sys
import time

build, label = sys.argv[1], sys.argv[2]
tests = json.loads(subprocess.run(["meson", "introspect", "--tests", build],
                                  check=True, capture_output=True, text=True).stdout)
passed = failed = 0
for t in tests:
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
    passed += p
    failed += f
    secs = time.monotonic() - t0
    status = "ok" if code == 0 and f == 0 else "FAILED"
    print("%s %-24s %s: %d passed, %d failed (%.1fs)" % (label, t["name"], status, p, f, secs))
    if status != "ok":
        # the assertion that failed, which a sanitizer's leak report after
        # it would push out of the tail
        why = [l for l in out.splitlines()
               if re.search(r"\[  ERROR   \]|\[   LINE   \]|\[  FAILED  \]|TIMEOUT|ERROR: AddressSanitizer|runtime error", l)]
        if why:
            print("---- failures of %s ----\n%s" % (t["name"], "\n".join(why[:40])))
        tail = "\n".join(out.splitlines()[-80:])
        print("---- output of %s (last 80 lines) ----\n%s\n----" % (t["name"], tail))
    sys.stdout.flush()
print("%s: %d passed, %d failed" % (label, passed, failed))
