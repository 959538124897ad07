#!/usr/bin/python3
"""androguard_view.py APK MANIFEST_OUT -- androguard's reading of an APK's
manifest as JSON on stdout (the tool CERT analysts use today), and the
binary AndroidManifest.xml written to MANIFEST_OUT, for test_apk_axml to
compare Parapet's reading with, field by field."""
import json
import sys
import zipfile
import logging

logging.disable(logging.CRITICAL)
from androguard.core.bytecodes.apk import APK  # noqa: E402

NS = "{http://schemas.android.com/apk/res/android}"


def main():
    apk_path, out = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(apk_path) as z, open(out, "wb") as f:
        f.write(z.read("AndroidManifest.xml"))
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
