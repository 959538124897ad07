#!/usr/bin/python3
"""A tiny SMTP server for the integration tests (Debian's python3-aiosmtpd).

usage: smtp_sink.py DIR [--host 127.0.0.1] [--port N] [--delay SECONDS]
                        [--reject-first N] [--auth]

Listens on HOST:PORT (port 0, the default, picks a free one) and prints
"PORT <n>" on standard output once it accepts connections. Each message it
accepts is written to DIR as NNNNNN.eml, the raw RFC 5322 text exactly as
received (after SMTP dot-unstuffing), with a JSON sidecar NNNNNN.json holding
the envelope: {"mail_from": ..., "rcpt_tos": [...], "peer": ...}. The sidecar
is written first and the .eml appears last by an atomic rename, so a reader
that sees a .eml sees a complete message with its envelope.

--delay makes every DATA take that long before the 250 reply (a slow server,
to kill a client in the middle of a queue). --reject-first answers the first
N messages with 451 (a transient failure). --auth advertises AUTH PLAIN and
LOGIN without TLS (the sink never offers STARTTLS: a server an attacker
stripped it from) and accepts any credentials, appending each AUTH it
receives to DIR/auth.jsonl as {"mechanism", "login", "password"}: what a
client would have given away. SIGTERM or SIGINT stop it.
"""
import argparse
import asyncio
import itertools
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, directory, delay, reject_first):
        self.dir = directory
        self.delay = delay
        self.reject_left = reject_first
        self.seq = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        if self.reject_left > 0:
            self.reject_left -= 1
            return "451 4.3.0 try again later"
        n = next(self.seq)
        base = os.path.join(self.dir, "%06d" % n)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "peer": str(session.peer),
        }
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        with open(base + ".tmp", "wb") as f:
            f.write(data)
        os.rename(base + ".tmp", base + ".eml")
        return "250 2.0.0 OK queued as %06d" % n


def recorder(directory):
    """An aiosmtpd authenticator that writes down every AUTH and accepts it."""

    def authenticate(server, session, envelope, mechanism, auth_data):
        login = getattr(auth_data, "login", b"") or b""
        password = getattr(auth_data, "password", b"") or b""
        with open(os.path.join(directory, "auth.jsonl"), "a") as f:
            f.write(json.dumps({
                "mechanism": mechanism,
                "login": login.decode("utf-8", "replace"),
                "password": password.decode("utf-8", "replace"),
            }) + "\n")
        return AuthResult(success=True)

    return authenticate


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--reject-first", type=int, default=0)
    ap.add_argument("--auth", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    sink = Sink(a.dir, a.delay, a.reject_first)
    loop = asyncio.get_running_loop()
    extra = {}
    if a.auth:
        extra = {"authenticator": recorder(a.dir), "auth_require_tls": False}
    server = await loop.create_server(
        lambda: SMTP(sink, decode_data=False, hostname="sink.test", **extra), a.host, a.port
    )
    port = server.sockets[0].getsockname()[1]
    print("PORT %d" % port, flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    sys.exit(0)
