#!/usr/bin/python3
"""A webhook receiver for the integration tests (Python's own http.server).

usage: webhook_sink.py DIR [--host 127.0.0.1] [--port N] [--fail-first N]
                           [--delay SECONDS]

Listens on HOST:PORT (port 0, the default, picks a free one) and prints
"PORT <n>" on standard output once it accepts connections. Every POST it
receives is written to DIR as NNNNNN.json: {"path", "headers" (names in lower
case), "body" (the raw body as text), "status" (what it answered)}, written
to a temporary name and renamed, so a reader sees whole records only.

--fail-first answers the first N requests 500 (the sender must retry),
then 200. --delay waits that long after reading a request before answering
(a slow endpoint, to kill the sender in the middle of a delivery); the
request is recorded before the wait, so a delivery whose sender died
waiting still counts as received. SIGTERM or SIGINT stop it.
"""
import argparse
import http.server
import itertools
import json
import os
import signal
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0.0)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    seq = itertools.count(1)
    lock = threading.Lock()
    state = {"fail_left": a.fail_first}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n) if n > 0 else b""
            with lock:
                k = next(seq)
                status = 200
                if state["fail_left"] > 0:
                    state["fail_left"] -= 1
                    status = 500
            rec = {
                "path": self.path,
                "headers": {k2.lower(): v for k2, v in self.headers.items()},
                "body": body.decode("utf-8", "surrogateescape"),
                "status": status,
            }
            base = os.path.join(a.dir, "%06d" % k)
            with open(base + ".tmp", "w") as f:
                json.dump(rec, f)
            os.rename(base + ".tmp", base + ".json")
            if a.delay > 0:
                time.sleep(a.delay)
            out = b"ok\n" if status == 200 else b"try again\n"
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
            except OSError:
                pass  # the sender is gone (killed): nothing to answer

        def log_message(self, fmt, *args):
            pass

    srv = http.server.ThreadingHTTPServer((a.host, a.port), Handler)
    srv.daemon_threads = True
    print("PORT %d" % srv.server_address[1], flush=True)

    def stop(signum, frame):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    srv.serve_forever(poll_interval=0.1)
    srv.server_close()


if __name__ == "__main__":
    main()
    sys.exit(0)
