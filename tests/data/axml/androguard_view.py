#!/usr/bin/python3
"""androguard_view.py APK MANIFEST_OUT [strip] -- androguard's reading of an
APK's manifest as JSON on stdout (the tool CERT analysts use today), and the
binary AndroidManifest.xml written to MANIFEST_OUT, for test_apk_androguard
to compare Parapet's reading with, field by field.

With "strip", MANIFEST_OUT gets the manifest with the attribute name
strings that have a resource id emptied in place, as obfuscators do (the
platform reads only the ids), while the JSON stays androguard's reading of
the original: Parapet must read the same facts through the resource map.
(androguard 3.4 itself reads nothing from the stripped manifest, and
stops with an IndexError when an element name is emptied too.)"""
import json
import struct
import sys
import zipfile
import logging

logging.disable(logging.CRITICAL)
from androguard.core.bytecodes.apk import APK  # noqa: E402

NS = "{http://schemas.android.com/apk/res/android}"


def strip_names(axml):
    """Empty every string the resource map gives an id (attribute names),
    except those an element is also named by (aapt shares one string for
    the attribute android:permission and the element <permission>)."""
    b = bytearray(axml)
    pool = 8
    count, _styles, flags, start = struct.unpack_from("<IIII", b, pool + 8)
    pool_size = struct.unpack_from("<I", b, pool + 4)[0]
    rmap = pool + pool_size
    assert struct.unpack_from("<H", b, rmap)[0] == 0x0180
    nids = (struct.unpack_from("<I", b, rmap + 4)[0] - 8) // 4
    tags = set()
    at = rmap
    while at < len(b):
        ctype, hsize, csize = struct.unpack_from("<HHI", b, at)
        if ctype in (0x0102, 0x0103):
            tags.add(struct.unpack_from("<I", b, at + hsize + 4)[0])
        at += csize
    for i in range(min(nids, count)):
        if i in tags:
            continue
        off = pool + start + struct.unpack_from("<I", b, pool + 28 + 4 * i)[0]
        if flags & 0x100:
            b[off:off + 3] = b"\0\0\0"
        else:
            b[off:off + 4] = b"\0\0\0\0"
    return bytes(b)


def main():
    apk_path, out = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(apk_path) as z:
        manifest = z.read("AndroidManifest.xml")
    if len(sys.argv) > 3 and sys.argv[3] == "strip":
        manifest = strip_names(manifest)
    with open(out, "wb") as f:
        f.write(manifest)
    a = APK(apk_path)
    xml = a.get_android_manifest_xml()
    app = xml.find("application")
    comps = []
    for kind, names in (("activity", a.get_activities()), ("service", a.get_services()),
                        ("receiver", a.get_receivers()), ("provider", a.get_providers())):
        elements = app.findall(kind) if app is not None else []
        for name, el in zip(names, elements):
            filt = a.get_intent_filters(kind, name) or {}
            exported = el.get(NS + "exported")
            comps.append({
                "kind": kind, "name": name,
                "exported": None if exported is None else exported == "true",
                "permission": el.get(NS + "permission") or "",
                "actions": filt.get("action", []),
                "categories": filt.get("category", []),
            })
    print(json.dumps({
        "package": a.get_package(),
        "version_code": a.get_androidversion_code() or "",
        "version_name": xml.get(NS + "versionName") or "",
        "min_sdk": a.get_min_sdk_version() or "",
        "target_sdk": a.get_target_sdk_version() or "",
        "max_sdk": a.get_max_sdk_version() or "",
        "permissions": a.get_permissions(),
        "label": (app.get(NS + "label") if app is not None else None) or "",
        "app_name": a.get_app_name(),
        "components": comps,
    }, ensure_ascii=False))


main()
