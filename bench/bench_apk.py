#!/usr/bin/python3
"""bench_apk.py [N] -- timing the triage of N APKs (default 100) by
`parapet apk analyze` beside androguard, the analysts' tool (Debian's),
in the same run on the same files (issue 15).

The apps are tests/data/apk/mkapks.py's signed samples (aapt manifests,
apksigner's v1/v2/v3 schemes, one or two dex files), copied to N files.
Each file is triaged:
  - by `parapet apk analyze FILE...` (BENCH_BUILD/parapet, default
    build-release) in batches of 50 files a process (one verdict a line,
    the warninglists loaded once per process): the archive, manifest,
    signers, hashes, dex strings, candidates and the warninglist check;
    also ten files one process each, as a script triaging one sample
    runs it (the lists' load then dominates), and the batches again
    without warninglists (the triage alone, the work androguard does);
  - by androguard in ONE Python process (its best case: the interpreter
    and module start-up, timed apart, are not counted): APK(FILE) (the
    archive, manifest, signers), the certificates' SHA-256, the file's
    hashes, and each dex's strings (DalvikVMFormat) -- the same facts.
Prints "bench apk_*: VALUE UNIT" lines and the ratio, as scripts/bench
does. Run with /usr/bin/python3 (androguard is a Debian module).
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
build = os.environ.get("BENCH_BUILD", os.path.join(root, "build-release"))
parapet = os.path.join(build, "parapet")
if not os.access(parapet, os.X_OK):
    sys.exit("bench_apk: no %s (set BENCH_BUILD)" % parapet)

work = tempfile.mkdtemp(prefix="bench_apk_")
try:
    samples_dir = os.path.join(work, "samples")
    subprocess.run(["/usr/bin/python3", os.path.join(root, "tests/data/apk/mkapks.py"), samples_dir],
                   check=True, capture_output=True)
    samples = sorted(os.path.join(samples_dir, f) for f in os.listdir(samples_dir)
                     if f.endswith(".apk") and not f.startswith(("unsigned", "aapt")))
    files = []
    for i in range(n):
        dst = os.path.join(work, "app_%04d.apk" % i)
        shutil.copyfile(samples[i % len(samples)], dst)
        files.append(dst)
    total_bytes = sum(os.path.getsize(f) for f in files)

    # Parapet: batches of 50 files a process, then ten single-file runs
    data = os.path.join(work, "var")
    os.makedirs(data)
    t0 = time.perf_counter()
    verdicts = 0
    for i in range(0, n, 50):
        r = subprocess.run([parapet, "--data", data, "apk", "analyze"] + files[i:i + 50],
                           capture_output=True)
        if r.returncode != 0:
            sys.exit("bench_apk: parapet failed: %s" % r.stderr.decode())
        verdicts += len(r.stdout.splitlines())
    t_parapet = time.perf_counter() - t0
    if verdicts != n:
        sys.exit("bench_apk: %d verdicts for %d files" % (verdicts, n))
    t0 = time.perf_counter()
    for f in files[:10]:
        subprocess.run([parapet, "--data", data, "apk", "analyze", f], capture_output=True, check=True)
    t_single = (time.perf_counter() - t0) / 10
    # the triage alone, as androguard does it: no warninglists to load
    nolists = dict(os.environ, PARAPET_INDICATOR_WARNINGLISTS=os.path.join(work, "none"))
    t0 = time.perf_counter()
    for i in range(0, n, 50):
        subprocess.run([parapet, "--data", data, "apk", "analyze"] + files[i:i + 50],
                       capture_output=True, env=nolists)
    t_triage = time.perf_counter() - t0

    # androguard: one process, start-up timed apart
    t0 = time.perf_counter()
    import logging
    logging.disable(logging.CRITICAL)
    from androguard.core.bytecodes.apk import APK
    from androguard.core.bytecodes.dvm import DalvikVMFormat
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    for f in files:
        a = APK(f)
        a.get_package(), a.get_androidversion_code(), a.get_androidversion_name()
        a.get_permissions(), a.get_activities(), a.get_services(), a.get_receivers()
        certs = a.get_certificates_v1() + a.get_certificates_v2() + a.get_certificates_v3()
        [c.sha256 for c in certs]
        raw = a.get_raw()
        hashlib.sha256(raw).hexdigest(), hashlib.sha1(raw).hexdigest(), hashlib.md5(raw).hexdigest()
        for d in a.get_all_dex():
            hashlib.sha256(d).hexdigest()
            DalvikVMFormat(d).get_strings()
    t_ag = time.perf_counter() - t0

    print("bench apk_files: %d APKs, %.1f KiB in all" % (n, total_bytes / 1024))
    print("bench apk_parapet: %.1f ms per APK (%.2f s, batches of 50 per process, lists loaded once each)"
          % (1000 * t_parapet / n, t_parapet))
    print("bench apk_parapet_single: %.1f ms for one APK in its own process (warninglists loaded)"
          % (1000 * t_single))
    print("bench apk_androguard: %.1f ms per APK (%.2f s in one process; its start-up %.2f s not counted)"
          % (1000 * t_ag / n, t_ag, t_import))
    print("bench apk_parapet_triage: %.1f ms per APK (%.2f s, batches of 50, no warninglists: the work androguard does)"
          % (1000 * t_triage / n, t_triage))
    print("bench apk_ratio: %.2f x androguard (triage alone; %.2f x with the warninglist check)"
          % (t_ag / t_triage if t_triage else 0, t_ag / t_parapet if t_parapet else 0))
finally:
    shutil.rmtree(work, ignore_errors=True)
