#!/usr/bin/env python3
"""Validate STIX 2.1 bundles against OASIS's JSON schemas, offline.

    validate.py SCHEMAS_DIR FILE.json...     exit 0 when every file is valid

SCHEMAS_DIR is the schemas/ folder of OASIS's cti-stix2-json-schemas (the
tests read it from the shared data directory at run time; it is not copied
into this tree). Each bundle is checked against common/bundle.json, and each
of its objects again against the schema of its own type (the bundle schema
names every type in one anyOf, whose failures say little). A pattern is also
checked to be one comparison of the shapes Parapet writes, with its string
literal escaped as STIX 2.1 patterning (9.3) requires. Needs
python3-jsonschema.
"""
import json, os, re, sys
import jsonschema

root = os.path.abspath(sys.argv[1])
BASE = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

def load(rel):
    with open(os.path.join(root, rel)) as f:
        return json.load(f)

def local(uri):
    uri = uri.split("#")[0]
    if not uri.startswith(BASE):
        raise LookupError(f"schema {uri} is not in {root}")
    return load(uri[len(BASE):])

try:  # jsonschema >= 4.18
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    registry = Registry(retrieve=lambda uri: Resource.from_contents(
        local(uri), default_specification=DRAFT202012))
    def validator(rel):
        return jsonschema.Draft202012Validator(load(rel), registry=registry)
except ImportError:  # Debian 12's python3-jsonschema 4.10
    def validator(rel):
        s = load(rel)
        res = jsonschema.RefResolver(BASE + rel, s, handlers={"http": local, "https": local})
        return jsonschema.Draft202012Validator(s, resolver=res)

by_type = {}
for folder in ("sdos", "sros", "observables"):
    for f in os.listdir(os.path.join(root, folder)):
        by_type[f[:-5]] = validator(f"{folder}/{f}")
by_type["marking-definition"] = validator("common/marking-definition.json")
bundle = validator("common/bundle.json")

LIT = r"'(?:[^'\\]|\\['\\])*'"
PATTERN = re.compile(
    r"^\[(?:(?:ipv4-addr|ipv6-addr|domain-name|url|email-addr):value"
    r"|file:hashes\.(?:'SHA-256'|'SHA-1'|MD5)"
    r"|x509-certificate:hashes\.'SHA-256') = " + LIT + r"\]$"
    r"|^\[autonomous-system:number = [0-9]+\]$")

def report(path, where, errors):
    for e in errors[:5]:
        print(f"{path}: {where}{'/'.join(map(str, e.path)) or '(root)'}: {e.message[:300]}")

bad = 0
for path in sys.argv[2:]:
    with open(path) as f:
        doc = json.load(f)
    errs = sorted(bundle.iter_errors(doc), key=lambda e: list(e.path))
    report(path, "", errs)
    n = len(errs)
    for i, o in enumerate(doc.get("objects", [])):
        v = by_type.get(o.get("type"))
        if v is None:
            print(f"{path}: objects/{i}: no schema for type {o.get('type')}")
            n += 1
            continue
        e = sorted(v.iter_errors(o), key=lambda e: list(e.path))
        report(path, f"objects/{i}({o.get('type')})/", e)
        n += len(e)
        if o.get("type") == "indicator" and not PATTERN.match(o.get("pattern", "")):
            print(f"{path}: objects/{i}: pattern not understood: {o.get('pattern')}")
            n += 1
    if n:
        bad += 1
    else:
        print(f"{path}: valid ({len(doc.get('objects', []))} objects)")
sys.exit(1 if bad else 0)
