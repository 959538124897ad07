#!/usr/bin/env python3
"""bench/reports_peer.py -- the per-row work of IntelMQ's Shadowserver parser
and deduplicator, re-implemented in plain Python 3 (standard library only),
as the peer of bench_reports (bench/reports.sh runs both on the same file).

IntelMQ itself cannot be installed here (it is not in Debian and PyPI is not
reachable), so this is a python3 reference of IntelMQ's per-row work, with
no message bus. It follows intelmq/bots/parsers/shadowserver/parser.py
(parse_line), _config.py (the conversion functions), lib/message.py
(Message.add: sanitise, then validate, then store) and lib/harmonization.py
(the types of the fields a scan_telnet report fills), then the work of a
constituency owner lookup and of the deduplicator expert (Message.hash over
whitelisted keys, a cache with a TTL):

  - csv.DictReader over the file ("unix" dialect reading, as ParserBot);
  - per row a new event dict; every mapped column converted by the
    schema's function (add_UTC_to_timestamp, validate_ip, convert_int,
    invalidate_zero, validate_to_none, extract_cve_from_tag) and added with
    its harmonisation type's sanitize() then is_valid() (DateTime to ISO with
    +00:00, IPAddress through ipaddress, Integer/ASN, FQDN with IDNA, upper /
    lower-case strings, classification enumerations, length limits);
    unmapped or unknown keys go to extra (a JSON dict, sorted keys);
  - raw: the row written back with csv.DictWriter (header + row) and base64;
  - owner: the source.ip as an integer, bisect over the sorted starts of the
    registry's (non-overlapping) networks;
  - dedup: sha256 over the sorted (key, repr(value)) pairs of
    classification.identifier, source.ip, source.port and the owner (as
    Message.hash with a whitelist), looked up in a dict with a 24-hour TTL
    (IntelMQ keeps it in Redis).

Where this is lighter than IntelMQ, it is on purpose and in IntelMQ's favour:
no JSON (de)serialisation between bots, no Redis round trips, no logging,
timestamps parsed with datetime.strptime instead of dateutil's fuzzy parser.
So IntelMQ itself would be slower than the figure printed here.

usage: reports_peer.py CSV REGISTRY_CSV [ROWS [C_RATE]]
  ROWS (default 200000): rows read from the start of CSV.
  C_RATE: bench_reports' events/s on the same kind of file; when given, the
  ratio line "bench reports: R x python-intelmq-reference" is printed.
"""

import base64
import bisect
import csv
import datetime
import hashlib
import io
import ipaddress
import itertools
import json
import re
import sys
import time
import urllib.parse

NAME = "python3 reference of IntelMQ's per-row work (no message bus)"

# ------------------------------------------------------------ harmonisation
# intelmq/lib/harmonization.py, the types scan_telnet's fields use.


class InvalidValue(Exception):
    pass


class InvalidKey(Exception):
    pass


class GenericType:
    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = GenericType.sanitize(value)
        if not value:
            return False
        if not isinstance(value, str):
            return False
        if len(value) == 0:
            return False
        return True

    @staticmethod
    def sanitize(value):
        if not value:
            return None
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                value = value.decode("utf-8", "ignore")
            return value.strip()
        return None


class String(GenericType):
    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = GenericType.sanitize(value)
        if not GenericType.is_valid(value):
            return False
        if type(value) is not str:
            return False
        if len(value) == 0:
            return False
        return True


class LowercaseString(GenericType):
    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = LowercaseString.sanitize(value)
        if not String.is_valid(value):
            return False
        if value != value.lower():
            return False
        return True

    @staticmethod
    def sanitize(value):
        return GenericType.sanitize(value.lower())


class UppercaseString(GenericType):
    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = UppercaseString.sanitize(value)
        if not String.is_valid(value):
            return False
        if value != value.upper():
            return False
        return True

    @staticmethod
    def sanitize(value):
        return GenericType.sanitize(value.upper())


class ClassificationTaxonomy(String):
    allowed_values = {"abusive-content", "availability", "fraud", "information-content-security",
                      "information-gathering", "intrusion-attempts", "intrusions", "malicious-code",
                      "other", "test", "vulnerable"}

    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = LowercaseString.sanitize(value)
        if not String.is_valid(value):
            return False
        return value in ClassificationTaxonomy.allowed_values

    @staticmethod
    def sanitize(value):
        return LowercaseString.sanitize(value)


class ClassificationType(String):
    allowed_values = {"application-compromise", "blacklist", "brute-force", "burglary", "c2-server",
                      "copyright", "data-leak", "data-loss", "ddos", "ddos-amplifier", "dga-domain",
                      "dos", "exploit", "harmful-speech", "ids-alert", "infected-system",
                      "information-disclosure", "malware", "malware-configuration",
                      "malware-distribution", "masquerade", "misconfiguration", "other", "outage",
                      "phishing", "potentially-unwanted-accessible", "privileged-account-compromise",
                      "proxy", "sabotage", "scanner", "sniffing", "social-engineering", "spam",
                      "system-compromise", "test", "tor", "unauthorised-information-access",
                      "unauthorised-information-modification", "unauthorized-use-of-resources",
                      "undetermined", "unprivileged-account-compromise", "violence",
                      "vulnerable-system", "weak-crypto"}

    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = ClassificationType.sanitize(value)
        if not String.is_valid(value):
            return False
        return value in ClassificationType.allowed_values

    @staticmethod
    def sanitize(value):
        return LowercaseString.sanitize(value)


class Integer(GenericType):
    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = Integer.sanitize(value)
            if value is not None:
                return True
        if isinstance(value, bool):
            return False
        return isinstance(value, int)

    @staticmethod
    def sanitize(value):
        try:
            return int(value)
        except (ValueError, TypeError):
            return None


class ASN(Integer):
    @staticmethod
    def check_asrange(value):
        return (0 < value <= 23455) or (23456 < value <= 64495) or (131071 < value <= 4199999999)

    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = ASN.sanitize(value)
        if not Integer.is_valid(value):
            return False
        if not ASN.check_asrange(value):
            return False
        return True

    @staticmethod
    def sanitize(value):
        try:
            value = int(value)
        except (ValueError, TypeError):
            return None
        if ASN.check_asrange(value):
            return value
        return None


class IPAddress(String):
    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = GenericType.sanitize(value)
            value = IPAddress.sanitize(value)
        if not GenericType.is_valid(value):
            return False
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        if address == ipaddress.ip_address("0.0.0.0"):
            return False
        return True

    @staticmethod
    def sanitize(value):
        try:
            network = ipaddress.ip_network(str(value))
        except ValueError:
            return None
        if network.num_addresses == 1:
            value = str(network.network_address)
        else:
            return None
        return GenericType.sanitize(value)


class URL(String):
    @staticmethod
    def is_valid(value, sanitize=False):
        if not GenericType.is_valid(value):
            return False
        result = urllib.parse.urlsplit(value)
        return result.netloc != ""


class FQDN(String):
    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = GenericType.sanitize(value)
            value = FQDN.sanitize(value)
        if not GenericType.is_valid(value):
            return False
        if IPAddress.is_valid(value):
            return False
        if URL.is_valid(value):
            return False
        if value.encode("idna").decode() != value:
            return False
        if value[-1] == "." or value != value.lower():
            return False
        return True

    @staticmethod
    def sanitize(value):
        value = value.rstrip(".")
        if value:
            return value.encode("idna").decode().lower()
        return None


UTC = datetime.timezone.utc


class DateTime(String):
    """IntelMQ parses with dateutil.parser.parse(value, fuzzy=True), then
    converts to UTC and isoformat(); strptime is faster, in IntelMQ's favour."""

    @staticmethod
    def _parse(value):
        try:
            d = datetime.datetime.fromisoformat(value)
            if d.tzinfo is not None and d.utcoffset() == datetime.timedelta(0):
                return value  # already ISO in UTC (parse_utc_isoformat)
        except ValueError:
            pass
        for fmt in ("%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S"):
            try:
                d = datetime.datetime.strptime(value, fmt)
                break
            except ValueError:
                d = None
        if d is None:
            return None
        return d.replace(tzinfo=UTC).isoformat()

    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = DateTime.sanitize(value)
        if not GenericType.is_valid(value):
            return False
        return value == DateTime._parse(value)

    @staticmethod
    def sanitize(value):
        return GenericType.sanitize(DateTime._parse(value))


class Base64(String):
    @staticmethod
    def is_valid(value, sanitize=False):
        try:
            base64.b64decode(value)
        except (TypeError, ValueError):
            return False
        return GenericType.is_valid(value)

    @staticmethod
    def sanitize(value):
        if isinstance(value, str):
            value = value.encode("utf-8")
        return base64.b64encode(value).decode()


class JSONDict(GenericType):
    @staticmethod
    def is_valid(value, sanitize=False):
        if sanitize:
            value = JSONDict.sanitize(value)
        if not isinstance(value, str):
            return False
        try:
            unpacked = json.loads(value)
        except ValueError:
            return False
        return isinstance(unpacked, dict) and unpacked != {}

    @staticmethod
    def sanitize(value):
        if not value:
            return None
        if isinstance(value, str):
            return value.strip()
        return json.dumps(value, sort_keys=True)


# key -> (type, constraints) as in IntelMQ's harmonization.conf
HARMONIZATION = {
    "classification.identifier": (String, {}),
    "classification.taxonomy": (ClassificationTaxonomy, {"length": 100}),
    "classification.type": (ClassificationType, {}),
    "extra": (JSONDict, {}),
    "feed.name": (String, {}),
    "product.vulnerabilities": (LowercaseString, {}),
    "protocol.application": (LowercaseString, {"length": 100}),
    "protocol.transport": (LowercaseString, {"iregex": re.compile(
        r"^(ip|icmp|igmp|ggp|ipencap|st2|tcp|cbt|egp|igp|bbn-rcc|nvp(-ii)?|pup|argus|emcon|xnet|chaos"
        r"|udp|mux|dcn|hmp|prm|xns-idp|trunk-1|trunk-2|leaf-1|leaf-2|rdp|irtp|iso-tp4|netblt"
        r"|mfe-nsp|merit-inp|sep|3pc|idpr|xtp|ddp|idpr-cmtp|idrp|rsvp|gre|mhrp|bna|esp|ah"
        r"|i-nlsp|swipe|narp|mobile|tlsp|skip|ipv6-icmp|ipv6|sctp)$", re.I)}),
    "raw": (Base64, {}),
    "source.asn": (ASN, {}),
    "source.geolocation.cc": (UppercaseString, {"length": 2}),
    "source.geolocation.city": (String, {}),
    "source.geolocation.region": (String, {}),
    "source.ip": (IPAddress, {}),
    "source.port": (Integer, {}),
    "source.reverse_dns": (FQDN, {}),
    "time.observation": (DateTime, {}),
    "time.source": (DateTime, {}),
}


class Event(dict):
    """lib/message.py's Message.add: sanitise, validate, store."""

    def add(self, key, value, sanitize=True, overwrite=False):
        if not overwrite and key in self:
            raise KeyError("key exists: " + key)
        if value is None or value in ("", "-", "N/A"):
            return None
        try:
            cls, cons = HARMONIZATION[key]
        except KeyError:
            raise InvalidKey(key)
        if sanitize:
            old = value
            value = cls.sanitize(value)
            if value is None:
                raise InvalidValue(key + ": " + repr(old))
        if not cls.is_valid(value):
            raise InvalidValue(key + ": " + repr(value))
        if "length" in cons and len(str(value)) > cons["length"]:
            raise InvalidValue(key + ": too long")
        if "iregex" in cons and not cons["iregex"].search(str(value)):
            raise InvalidValue(key + ": regex")
        dict.__setitem__(self, key, value)
        return True

    def hash(self, filter_keys):
        """Message.hash(filter_keys=..., filter_type="whitelist")."""
        h = hashlib.sha256()
        for key, value in sorted(self.items()):
            if key == "time.observation" or key not in filter_keys:
                continue
            h.update(key.encode())
            h.update(b"\xc0")
            h.update(repr(value).encode())
            h.update(b"\xc0")
        return h.hexdigest()


# ------------------------------------------------ Shadowserver conversions
# intelmq/bots/parsers/shadowserver/_config.py


def add_UTC_to_timestamp(value):
    return value + " UTC"


def validate_to_none(value):
    return None if (not value or value in {"0", "unknown"}) else value


def convert_int(value):
    return int(value) if value else None


def invalidate_zero(value):
    return int(value) if value and int(value) != 0 else None


def validate_ip(value):
    if not (value == "0.0.0.0" or "/" in value) and IPAddress.is_valid(value, sanitize=True):
        return value
    return None


def extract_cve_from_tag(tag):
    # newer _config.py: the CVE-... items of a ";"-separated tag
    cves = [t.strip() for t in re.split(r"[;,]", tag) if t.strip().lower().startswith("cve-")]
    return ",".join(c.upper() for c in cves) if cves else None


FUNCTIONS = {
    "add_UTC_to_timestamp": add_UTC_to_timestamp,
    "validate_to_none": validate_to_none,
    "convert_int": convert_int,
    "invalidate_zero": invalidate_zero,
    "validate_ip": validate_ip,
    "extract_cve_from_tag": extract_cve_from_tag,
}

# data/feeds/shadowserver.json, scan_telnet (Shadowserver's own schema)
SCAN_TELNET = {
    "feed_name": "Accessible-Telnet",
    "required_fields": [
        ("time.source", "timestamp", "add_UTC_to_timestamp"),
        ("source.ip", "ip", "validate_ip"),
        ("source.port", "port", "convert_int"),
    ],
    "optional_fields": [
        ("severity", "severity", "validate_to_none"),
        ("protocol.transport", "protocol"),
        ("source.reverse_dns", "hostname"),
        ("extra.", "tag", "validate_to_none"),
        ("source.asn", "asn", "invalidate_zero"),
        ("source.geolocation.cc", "geo"),
        ("source.geolocation.region", "region"),
        ("source.geolocation.city", "city"),
        ("extra.", "naics", "invalidate_zero"),
        ("extra.", "hostname_source", "validate_to_none"),
        ("extra.", "sector", "validate_to_none"),
        ("extra.", "banner", "validate_to_none"),
        ("product.vulnerabilities", "tag", "extract_cve_from_tag"),
    ],
    "constant_fields": {
        "classification.identifier": "open-telnet",
        "classification.taxonomy": "vulnerable",
        "classification.type": "vulnerable-system",
        "protocol.application": "telnet",
    },
}


class Parser:
    """ShadowserverParserBot.parse_line for one row, plus ParserBot's
    recover_line_csv_dict."""

    def __init__(self, conf, fieldnames, observation):
        self.conf = conf
        self.csv_fieldnames = fieldnames
        self.observation = observation
        self.rejected = 0

    def recover_line(self, row):
        out = io.StringIO()
        writer = csv.DictWriter(out, self.csv_fieldnames, dialect="unix")
        writer.writeheader()
        writer.writerow(row)
        return out.getvalue()

    def parse_line(self, row):
        conf = self.conf
        fields = list(self.csv_fieldnames)
        event = Event()
        event.add("time.observation", self.observation, sanitize=False)
        event.add("feed.name", conf["feed_name"])
        extra = {}
        for item in conf["required_fields"]:
            intelmqkey, shadowkey = item[:2]
            raw_value = row.get(shadowkey)
            value = raw_value
            if len(item) > 2 and raw_value is not None:
                value = FUNCTIONS[item[2]](raw_value)
            if value is not None:
                event.add(intelmqkey, value)
                fields.remove(shadowkey)
            else:
                raise InvalidValue(f"required {shadowkey} missing or invalid")
        for item in conf["optional_fields"]:
            intelmqkey, shadowkey = item[:2]
            if shadowkey not in fields:
                if shadowkey not in row:
                    continue
                fields.append(shadowkey)  # used twice
            raw_value = row.get(shadowkey)
            value = raw_value
            if len(item) > 2 and raw_value is not None:
                value = FUNCTIONS[item[2]](raw_value)
            if value is not None:
                if intelmqkey == "extra.":
                    extra[shadowkey] = value
                    fields.remove(shadowkey)
                    continue
                if intelmqkey.startswith("extra."):
                    extra[intelmqkey.replace("extra.", "", 1)] = value
                    fields.remove(shadowkey)
                    continue
                try:
                    event.add(intelmqkey, value)
                    fields.remove(shadowkey)
                except InvalidValue:
                    pass
                except InvalidKey:
                    extra[intelmqkey] = value
                    fields.remove(shadowkey)
            else:
                fields.remove(shadowkey)
        for k, v in conf["constant_fields"].items():
            event.add(k, v)
        event.add("raw", self.recover_line(row))
        for f in fields:
            val = row[f]
            if not val == "":
                extra[f] = val
        if extra:
            event.add("extra", extra)
        return event


# ---------------------------------------------------- owner lookup, dedup


class Registry:
    def __init__(self, path):
        nets = []
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                n = ipaddress.ip_network(r["prefix"])
                nets.append((int(n.network_address), int(n.broadcast_address), int(r["org"])))
        nets.sort()
        self.starts = [n[0] for n in nets]
        self.ends = [n[1] for n in nets]
        self.orgs = [n[2] for n in nets]

    def owner(self, event):
        ip = int(ipaddress.ip_address(event["source.ip"]))
        i = bisect.bisect_right(self.starts, ip) - 1
        if i >= 0 and ip <= self.ends[i]:
            return self.orgs[i]
        return 0


class Deduplicator:
    KEYS = frozenset({"classification.identifier", "source.ip", "source.port", "extra.owner"})

    def __init__(self, ttl_s):
        self.ttl = ttl_s
        self.cache = {}

    def seen(self, event, owner, now):
        keyed = Event(event)
        dict.__setitem__(keyed, "extra.owner", owner)
        h = keyed.hash(self.KEYS)
        exp = self.cache.get(h)
        if exp is not None and exp > now:
            return True
        self.cache[h] = now + self.ttl
        return False


def main():
    if len(sys.argv) < 3:
        print(__doc__.split("\n\n")[-2], file=sys.stderr)
        sys.exit(2)
    path, reg_path = sys.argv[1], sys.argv[2]
    nrows = int(sys.argv[3]) if len(sys.argv) > 3 else 200000
    c_rate = float(sys.argv[4]) if len(sys.argv) > 4 else None
    registry = Registry(reg_path)
    dedup = Deduplicator(86400)
    observation = datetime.datetime.now(UTC).replace(microsecond=0).isoformat()
    events = owned = dups = rejected = rows = 0
    with open(path, newline="") as f:
        t0 = time.perf_counter()
        c0 = time.process_time()
        reader = csv.DictReader(f)
        parser = Parser(SCAN_TELNET, reader.fieldnames, observation)
        for row in itertools.islice(reader, nrows):
            rows += 1
            try:
                event = parser.parse_line(row)
            except (InvalidValue, ValueError):
                rejected += 1
                continue
            events += 1
            owner = registry.owner(event)
            if owner:
                owned += 1
            t = datetime.datetime.fromisoformat(event["time.source"]).timestamp()
            if dedup.seen(event, owner, t):
                dups += 1
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
    rate = events / wall
    print(f"bench reports_python_reference: {NAME}, first {rows} rows")
    print(f"bench reports_python_reference_rate: {rate:.0f} events/s (wall)")
    print(f"bench reports_python_reference_rate_cpu: {events / cpu:.0f} events/s (per CPU-second)")
    print(f"bench reports_python_reference_counts: {events} events, {rejected} rejected, "
          f"{owned} owned, {dups} duplicates")
    if c_rate:
        print(f"bench reports: {c_rate / rate:.3g} x python-intelmq-reference")


if __name__ == "__main__":
    main()
