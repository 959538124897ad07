#!/usr/bin/env python3
"""check_frontends.py — the front-ends (src/http, src/cli) never change state
themselves (issue 13, docs/architecture.md "What each layer may call").

usage: check_frontends.py SOURCE_ROOT [--count]
(--count prints how many store writes, reads and controls and audit_append
calls each front-end makes, instead of checking.)

Every operation that changes state is one domain function, which validates,
writes through the store and appends the audit entry; the HTTP handlers and
the CLI commands only decode, call and render. This check fails, naming
file:line, when a file under src/http/ or src/cli/ calls a store write or
audit_append (or audit_append_json).

Which store functions write is derived from src/store/store.h, so a new
function is covered the day it is declared: a name containing a write verb
(insert, update, delete, set, add, ...) writes; a name ending in a read word
(get, list, count, ...) reads; the few names that say neither are listed
below by hand. A declared name that none of these classifies fails the check
too, so nobody adds a write the check cannot see. Transaction and connection
control (open, begin, commit, ...) stays with the front-ends: the caller
owns the transaction the domain function runs in.

The rule for reads: a front-end may call a store read where it only
resolves a name to an id or renders rows; a decision (scope, validation)
belongs to a domain function.

Prints cmocka-style summaries, which scripts/testrun.py counts."""
import os
import re
import sys

WRITE_WORDS = {"insert", "update", "delete", "set", "add", "remove", "revoke", "touch",
               "save", "configure", "clear", "purge", "claim", "mark", "move", "upsert",
               "link", "replace"}
READ_LAST = {"get", "list", "count", "counts", "find", "exists", "last", "due", "match",
             "oncall", "members", "teams", "files", "rejects", "stats", "digests",
             "unowned", "checks", "conditions", "generation", "keys", "events", "running",
             "hash", "login", "sha", "missed", "each", "version"}
# Names that say neither by their words: classified by hand.
WRITES_BY_HAND = {"store_incident_index", "store_feed_event_seen", "store_feed_event_incident",
                  "store_feed_file_org"}
READS_BY_HAND = {"store_watch_posture_org", "store_dir_writable", "store_advisory_next_ref"}
# The caller's transaction and connection: the front-ends own these.
CONTROL = {"store_open", "store_create", "store_lean", "store_close", "store_dir_lock", "store_dir_unlock",
           "store_migrate", "store_schema_version", "store_begin", "store_commit",
           "store_rollback", "store_savepoint", "store_savepoint_end", "store_error_count",
           "store_set_query_max"}


def classify(name):
    """'write', 'read', 'control' or None (unclassified)."""
    if name in CONTROL:
        return "control"
    if name in WRITES_BY_HAND:
        return "write"
    if name in READS_BY_HAND:
        return "read"
    words = name[len("store_"):].split("_")
    if WRITE_WORDS.intersection(words[1:] if len(words) > 1 else words):
        return "write"
    if words[-1] in READ_LAST or {"by", "count", "get", "list"}.intersection(words):
        return "read"
    return None


def strip_comments_and_strings(text):
    """Blank out comments and string/char literals, keeping line numbers."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def declared(store_h):
    text = strip_comments_and_strings(open(store_h, encoding="utf-8").read())
    # A declaration: a type, then store_NAME( at top level. Typedef'd callbacks
    # (store_x_fn) are types, not functions.
    names = set(re.findall(r"^[A-Za-z_][\w \t\*]*?\b(store_\w+)\s*\(", text, re.M))
    return {n for n in names if not n.endswith("_fn")}


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    names = declared(os.path.join(root, "src", "store", "store.h"))
    cases = []

    unclassified = sorted(n for n in names if classify(n) is None)
    msgs = ["src/store/store.h: %s is neither a read nor a write by its name: name it with "
            "a verb or classify it in tests/check_frontends.py" % n for n in unclassified]
    cases.append(("store_functions_classified", msgs))

    writes = {n for n in names if classify(n) == "write"}
    if len(writes) < 10:  # the parse of store.h itself went wrong
        cases.append(("store_writes_found", ["only %d store writes found in store.h"
                                             % len(writes)]))
    call = re.compile(r"\b(store_\w+|audit_append\w*)\s*\(")
    store_msgs, audit_msgs, calls = [], [], []
    for sub in ("http", "cli"):
        d = os.path.join(root, "src", sub)
        for fn in sorted(os.listdir(d)):
            if not fn.endswith((".c", ".h")):
                continue
            path = os.path.join(d, fn)
            text = strip_comments_and_strings(open(path, encoding="utf-8").read())
            for ln, line in enumerate(text.split("\n"), 1):
                for m in call.finditer(line):
                    name = m.group(1)
                    if name in names or name.startswith("audit_append"):
                        calls.append((sub, name))
                    where = "src/%s/%s:%d" % (sub, fn, ln)
                    if name.startswith("audit_append"):
                        audit_msgs.append("%s: calls %s (the domain function audits its "
                                          "own change)" % (where, name))
                    elif name in writes:
                        store_msgs.append("%s: calls the store write %s (move the change "
                                          "into a domain function)" % (where, name))
    if "--count" in sys.argv:
        for sub in ("http", "cli"):
            k = {c: len([1 for s, n in calls if s == sub and classify(n) == c])
                 for c in ("write", "read", "control")}
            print("src/%s: %d store calls (%d writes, %d reads, %d transaction/connection), "
                  "%d audit_append" % (sub, sum(k.values()), k["write"], k["read"], k["control"],
                                       len([1 for s, n in calls if s == sub and n.startswith("audit_append")])))
        return 0
    cases.append(("no_store_writes_in_frontends", store_msgs))
    cases.append(("no_audit_append_in_frontends", audit_msgs))

    failed = 0
    print("[==========] Running %d test(s)." % len(cases))
    for name, msgs in cases:
        print("[ RUN      ] %s" % name)
        for m in msgs:
            print(m)
        if msgs:
            failed += 1
            print("[  FAILED  ] %s" % name)
        else:
            print("[       OK ] %s" % name)
    print("[==========] %d test(s) run." % len(cases))
    print("[  PASSED  ] %d test(s)." % (len(cases) - failed))
    if failed:
        print("[  FAILED  ] %d test(s)" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
