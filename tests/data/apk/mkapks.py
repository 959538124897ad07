#!/usr/bin/python3
"""
mkapks.py OUTDIR -- the real-tool side of test_apk_sign (issue 15).

Builds sample APKs the way an app is signed in the field: an unsigned
archive (python's zipfile), keys made with openssl (RSA 2048 and EC P-256),
then Debian's `apksigner` signs them with the v1, v2 and v3 schemes and two
signers (--next-signer). For each APK the signers are read back by
`apksigner verify --print-certs -v` and by androguard (Debian's package,
the tool analysts use), and written to OUTDIR/expect.tsv for the C test to
compare field by field with Parapet's parser. The v1 signature files are
extracted next to them (Parapet's parser takes their bytes; the zip reader
is another part of issue 15). Also writes OUTDIR/classes.dex, a minimal valid
dex laid out by hand (Debian has no d8/dx), and OUTDIR/dex.tsv with its
strings as androguard reads them.

Run with /usr/bin/python3: androguard is a Debian python module, not one of
a pyenv interpreter.
"""
import hashlib
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def key(name, subj, ec=False, days=400):
    k = os.path.join(out, name)
    if not subj.isascii():
        run("openssl", "req", "-x509", "-utf8", "-newkey", "rsa:2048", "-nodes", "-keyout", k + ".pem",
            "-out", k + ".crt", "-days", str(days), "-subj", subj)
    elif ec:
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", k + ".pem", "-out", k + ".crt", "-days", str(days), "-subj", subj)
    else:
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", k + ".pem",
            "-out", k + ".crt", "-days", str(days), "-subj", subj)
    run("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", k + ".pem", "-outform", "DER", "-out", k + ".pk8")
    return ["--key", k + ".pk8", "--cert", k + ".crt"]


# ---------------------------------------------------------------- dex
def uleb(n):
    b = bytearray()
    while True:
        x = n & 0x7f
        n >>= 7
        if n:
            b.append(x | 0x80)
        else:
            b.append(x)
            return bytes(b)


def mutf8(s):
    """Java's modified UTF-8: NUL as C0 80, supplementary characters as
    two 3-byte surrogates."""
    b = bytearray()
    for ch in s:
        c = ord(ch)
        units = [c] if c < 0x10000 else [0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff)]
        for u in units:
            if 0 < u < 0x80:
                b.append(u)
            elif u < 0x800:
                b += bytes([0xc0 | u >> 6, 0x80 | (u & 0x3f)])
            else:
                b += bytes([0xe0 | u >> 12, 0x80 | (u >> 6 & 0x3f), 0x80 | (u & 0x3f)])
    return bytes(b), sum(1 if ord(ch) < 0x10000 else 2 for ch in s)


strings = sorted([
    "https://evil-c2.example.ir/gate.php?id=1",
    "http://185.143.232.10:8080/upload",
    "api.telegram.org",
    "2001:db8:85a3::8a2e:370:7334",
    "10.20.30.40",
    "Lcom/example/Main;",
    "com.example.app",
    "libnative.so",
    "\u0633\u0644\u0627\u0645 \u062f\u0646\u06cc\u0627",
    "emoji \U0001F600 end",
    "nul\x00inside",
    "",
])


def make_dex(strings):
    """A minimal valid dex holding strings (sorted), laid out by hand."""
    header = 0x70
    ids_off = header
    data_off = ids_off + 4 * len(strings)
    data = bytearray()
    offs = []
    for s in strings:
        offs.append(data_off + len(data))
        b, n16 = mutf8(s)
        data += uleb(n16) + b + b"\x00"
    while len(data) % 4:
        data.append(0)
    map_off = data_off + len(data)
    # map_list: header, string_ids, string_data, map_list
    items = [(0x0000, 1, 0), (0x0001, len(strings), ids_off), (0x2002, len(strings), data_off), (0x1000, 1, map_off)]
    mapb = struct.pack("<I", len(items)) + b"".join(struct.pack("<HHII", t, 0, n, o) for t, n, o in items)
    # 128 bytes of link data at the end: androguard 3.4 reads string data in
    # 128-byte chunks and loses its place when a chunk meets the end of file (a
    # real dex always has class data after its strings).
    tail = bytes(128)
    size = map_off + len(mapb) + len(tail)
    h = bytearray(header)
    h[0:8] = b"dex\n035\x00"
    struct.pack_into("<II", h, 0x20, size, header)
    struct.pack_into("<I", h, 0x28, 0x12345678)
    struct.pack_into("<I", h, 0x34, map_off)
    struct.pack_into("<II", h, 0x38, len(strings), ids_off)
    struct.pack_into("<II", h, 0x68, len(data) + len(mapb), data_off)
    body = bytes(h) + b"".join(struct.pack("<I", o) for o in offs) + bytes(data) + mapb + tail
    body = body[:12] + hashlib.sha1(body[32:]).digest() + body[32:]
    body = body[:8] + struct.pack("<I", zlib.adler32(body[12:])) + body[12:]
    return body


body = make_dex(strings)
dex_body = body
# the second dex of a multidex sample: other addresses, one shared with the first
dex_body2 = make_dex(sorted(["http://update.example-cdn.net/apk/v2", "198.51.100.77", "api.telegram.org",
                             "Lcom/example/Second;"]))
with open(os.path.join(out, "classes.dex"), "wb") as f:
    f.write(body)

# The manifests: Debian's aapt writes the binary AndroidManifest.xml of each
# sample of tests/data/axml/samples against a small framework package (see
# test_apk_androguard: Debian has no android.jar), so that the samples vary
# in package, versions, permissions and components.
axml = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "axml")
fw = os.path.join(out, "fw.jar")
run("aapt", "package", "-f", "-x", "-M", os.path.join(axml, "fw", "AndroidManifest.xml"),
    "-S", os.path.join(axml, "fw", "res"), "-F", fw)
manifests = {}
for sample in ("full", "minimal", "refs"):
    sd = os.path.join(axml, "samples", sample)
    built = os.path.join(out, "aapt_%s.apk" % sample)
    args = ["aapt", "package", "-f", "-M", os.path.join(sd, "AndroidManifest.xml")]
    if os.path.isdir(os.path.join(sd, "res")):
        args += ["-S", os.path.join(sd, "res")]
    run(*args, "-I", fw, "-F", built)
    with zipfile.ZipFile(built) as z:
        manifests[sample] = {n: z.read(n) for n in z.namelist()}


def unsigned_apk(sample):
    """The unsigned archive: aapt's manifest (and resources), the dex
    below, and a raw resource; what is inside does not matter to the
    signers, and is what test_apk_verdict compares with androguard."""
    path = os.path.join(out, "unsigned_%s.apk" % sample)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in manifests[sample].items():
            z.writestr(n, b)
        z.writestr("classes.dex", dex_body)
        if sample == "full":
            # a second dex (multidex): its own hash, its strings read too
            z.writestr("classes2.dex", dex_body2)
        z.writestr("res/raw/config.txt", "https://example.org/\n" * 50)
    return path


k1 = key("k1", "/C=IR/ST=Tehran/O=Test Org/OU=Mobile/CN=Alice Dev")
k2 = key("k2", "/C=DE/O=Zweite GmbH/CN=Bob Signer", ec=True, days=9000)
# an author's name in Persian, and a comma to escape
k3 = key("k3", "/C=IR/O=\u0634\u0631\u06a9\u062a \u0646\u0645\u0648\u0646\u0647/CN=Dev, Inc.", days=30)

# name, minSdk, v1, v2, v3, signer arguments, manifest sample
samples = [
    ("v1only", 18, True, False, False, k1, "minimal"),
    ("v2only", 24, False, True, False, k2, "full"),
    ("v3only", 28, False, False, True, k1, "refs"),
    ("all", 18, True, True, True, k1, "full"),
    ("two", 18, True, True, False, k1 + ["--next-signer"] + k2, "minimal"),
    ("utf8", 24, False, True, False, k3, "refs"),
]

SHORT = {"2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.8": "ST",
         "2.5.4.7": "L", "1.2.840.113549.1.9.1": "emailAddress"}


def rfc2253(name):
    """The subject from androguard's parse (asn1crypto), as RFC 2253 text:
    last RDN first, specials escaped with a backslash, UTF-8 kept."""
    parts = []
    for rdn in reversed(list(name.chosen)):
        avas = []
        for ava in rdn:
            v = str(ava["value"].native)
            v = "".join("\\" + ch if ch in ',+"\\<>;' else ch for ch in v)
            if v.startswith("#") or v.startswith(" "):
                v = "\\" + v
            if v.endswith(" "):
                v = v[:-1] + "\\ "
            avas.append("%s=%s" % (SHORT.get(ava["type"].dotted, ava["type"].dotted), v))
        parts.append("+".join(avas))
    return ",".join(parts)

from androguard.core.bytecodes.apk import APK  # noqa: E402
import logging  # noqa: E402
logging.disable(logging.CRITICAL)

rows = []
for name, sdk, v1, v2, v3, signer, sample in samples:
    apk = os.path.join(out, name + ".apk")
    run("apksigner", "sign", "--min-sdk-version", str(sdk),
        "--v1-signing-enabled", str(v1).lower(), "--v2-signing-enabled", str(v2).lower(),
        "--v3-signing-enabled", str(v3).lower(), "--v4-signing-enabled", "false",
        *signer, "--out", apk, unsigned_apk(sample))
    v = run("apksigner", "verify", "--print-certs", "-v", "--min-sdk-version", str(sdk), apk)
    schemes = 0
    dn, sha = {}, {}
    for line in v.splitlines():
        for bit, tag in ((1, "v1 scheme"), (2, "v2 scheme"), (4, "v3 scheme")):
            if line.startswith("Verified using " + tag) and line.endswith("true"):
                schemes |= bit
        if line.startswith("Signer #") and ": " in line:
            head, val = line.split(": ", 1)
            num = int(head.split()[1][1:])
            if head.endswith("certificate DN"):
                dn[num] = val
            elif head.endswith("certificate SHA-256 digest"):
                sha[num] = val
    a = APK(apk)
    ag = {}
    for c in a.get_certificates_v1() + a.get_certificates_v2() + a.get_certificates_v3():
        ag[c.sha256.hex()] = c
    ag_schemes = (1 if a.is_signed_v1() else 0) | (2 if a.is_signed_v2() else 0) | (4 if a.is_signed_v3() else 0)
    rows.append("apk\t%s\t%d\t%d\t%d" % (name, schemes, ag_schemes, len(sha)))
    for num in sorted(sha):
        c = ag[sha[num]]
        nb = int(c.not_valid_before.timestamp())
        na = int(c.not_valid_after.timestamp())
        # apksigner's DN is Java's text: RFC 2253 order with ", " between
        # RDNs and quotes, not backslashes, around specials; the test
        # compares it where it has no quotes, androguard's always.
        rows.append("signer\t%s\t%s\t%s\t%d\t%d\t%x\t%s\t%s" % (
            name, sha[num], rfc2253(c.subject), nb, na, c.serial_number,
            c.public_key.algorithm.upper(), dn[num].replace(", ", ",")))
    # the SDK range of each v3 signer, as androguard reads it
    for signer in (a._v3_signing_data or []) if a.is_signed_v3() else []:
        rows.append("v3sdk\t%s\t%d\t%d" % (name, signer.minSDK, signer.maxSDK))
    with zipfile.ZipFile(apk) as z:
        for i, n in enumerate(x for x in z.namelist()
                              if x.startswith("META-INF/") and x.rsplit(".", 1)[-1] in ("RSA", "DSA", "EC")):
            p = os.path.join(out, "%s.v1.%d" % (name, i))
            with open(p, "wb") as f:
                f.write(z.read(n))
            rows.append("v1file\t%s\t%s" % (name, p))
    # androguard's reading of the whole app, for test_apk_verdict to
    # compare `parapet apk analyze` with field by field; the hashes are
    # of the bytes androguard reads (the file, each dex it extracts)
    raw = a.get_raw()
    json.dump({
        "package": a.get_package(),
        "version_code": a.get_androidversion_code() or "",
        "version_name": a.get_androidversion_name() or "",
        "min_sdk": a.get_min_sdk_version() or "",
        "target_sdk": a.get_target_sdk_version() or "",
        "permissions": sorted(set(a.get_permissions())),
        "activities": a.get_activities(), "services": a.get_services(),
        "receivers": a.get_receivers(), "providers": a.get_providers(),
        "signers": sorted(ag),
        "sha256": hashlib.sha256(raw).hexdigest(), "sha1": hashlib.sha1(raw).hexdigest(),
        "md5": hashlib.md5(raw).hexdigest(), "size": len(raw),
        "dex": {n: hashlib.sha256(a.get_file(n)).hexdigest() for n in a.get_dex_names()},
    }, open(os.path.join(out, name + ".verdict.json"), "w"), indent=1, sort_keys=True)

with open(os.path.join(out, "expect.tsv"), "w") as f:
    f.write("\n".join(rows) + "\n")


from androguard.core.bytecodes.dvm import DalvikVMFormat  # noqa: E402
from androguard.core import mutf8 as ag_mutf8  # noqa: E402
d = DalvikVMFormat(body)
with open(os.path.join(out, "dex.tsv"), "wb") as f:
    for s in d.get_strings():
        # one string a line, hex: the strings hold NULs and newlines
        t = ag_mutf8.decode(bytes(s))
        f.write(t.encode("utf-8", "surrogatepass").hex().encode() + b"\n")
