#!/usr/bin/env python3
"""Validate MISP exports against the schemas written beside this file.

    validate.py FILE...     manifest.json against manifest.schema.json,
                            any other file against event.schema.json;
                            exit 0 when every file is valid

For a feed directory's manifest.json, also checks that every event it
names exists as <uuid>.json beside it, with the same uuid and info.
Needs python3-jsonschema.
"""
import json, os, sys
import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
def schema(name):
    with open(os.path.join(HERE, name)) as f:
        return jsonschema.Draft202012Validator(json.load(f))
event, manifest = schema("event.schema.json"), schema("manifest.schema.json")

bad = 0
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    is_manifest = os.path.basename(path) == "manifest.json"
    errors = list((manifest if is_manifest else event).iter_errors(doc))
    for e in errors[:5]:
        print(f"{path}: {'/'.join(map(str, e.path)) or '(root)'}: {e.message[:300]}")
    n = len(errors)
    if is_manifest and not errors:
        for uuid, summary in doc.items():
            ev = os.path.join(os.path.dirname(path), uuid + ".json")
            if not os.path.exists(ev):
                print(f"{path}: event {uuid} has no file")
                n += 1
                continue
            with open(ev) as f:
                e = json.load(f)["Event"]
            if e["uuid"] != uuid or e["info"] != summary["info"]:
                print(f"{path}: {ev} is not the event the manifest names")
                n += 1
    if n:
        bad += 1
    else:
        print(f"{path}: valid")
sys.exit(1 if bad else 0)
