#!/usr/bin/python3
"""sflow_pcap.py OUT.pcap -- the traffic of test_flow_pmacct (issue 16).

Writes, with scapy (Debian python3-scapy), a pcap of the traffic a
protected network sees -- IPv4 and IPv6, TCP (SYN floods of padded 60-byte
frames), UDP (DNS/NTP-sized answers, 1500-byte packets longer than the
128-byte header an sFlow agent keeps), ICMP, IPv4 and IPv6 fragments,
802.1Q and QinQ tags, IPv6 extension-header chains, and ARP -- then reads
the file back with scapy and prints what it holds, per destination host:

    dst PACKETS BYTES

one line each, BYTES being the IP packets' lengths (IPv4 total length,
IPv6 payload length + 40: what NetFlow and IPFIX count as octets, and
what Parapet's decoders deliver), then `total PACKETS`. The totals come
from scapy's reading of the file, not from the code under test, so the
decoder and this script cannot share a mistake. Deterministic (seeded).
"""
import random
import sys

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, ICMPv6EchoRequest, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, Padding, Raw, fragment, fragment6, rdpcap, wrpcap)


def main():
    out = sys.argv[1]
    rnd = random.Random(16)
    v4 = ["192.0.2.%d" % i for i in range(1, 9)]
    v6 = ["2001:db8:16::%x" % i for i in range(1, 5)]

    def src4():
        return "198.51.100.%d" % rnd.randint(1, 254)

    def src6():
        return "2001:db8:ff::%x" % rnd.randint(1, 0xffff)

    def l2(vlan):
        e = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        if vlan == 1:
            return e / Dot1Q(vlan=100)
        if vlan == 2:
            # QinQ with 0x8100 outer tags, as many switches still send
            # it: Debian 12's pmacct 1.7.7 drops 802.1ad's 0x88a8 outer
            # tag (read since pmacct 1.7.8, commit fa0139fb); the unit
            # test covers 0x88a8 on Parapet's side
            return e / Dot1Q(vlan=200) / Dot1Q(vlan=300)
        return e

    pkts = []
    for i in range(420):
        kind = rnd.randrange(12)
        vlan = rnd.choice([0, 0, 0, 1, 2])
        if kind == 0:  # a SYN, padded to the 60-byte minimum frame
            p = l2(vlan) / IP(src=src4(), dst=rnd.choice(v4)) / TCP(
                sport=rnd.randint(1024, 65535), dport=443, flags="S")
            pad = 60 - len(p)
            if pad > 0:
                p = p / Padding(load=b"\0" * pad)
            pkts.append(p)
        elif kind == 1:  # a DNS-sized answer
            pkts.append(l2(vlan) / IP(src=src4(), dst=rnd.choice(v4)) /
                        UDP(sport=53, dport=rnd.randint(1024, 65535)) /
                        Raw(b"d" * rnd.randint(20, 1200)))
        elif kind == 2:  # a full-size packet: the header is cut at 128
            pkts.append(l2(vlan) / IP(src=src4(), dst=rnd.choice(v4)) /
                        TCP(sport=80, dport=rnd.randint(1024, 65535), flags="A") /
                        Raw(b"w" * 1460))
        elif kind == 3:
            pkts.append(l2(vlan) / IP(src=src4(), dst=rnd.choice(v4)) / ICMP() /
                        Raw(b"p" * 56))
        elif kind == 4:  # IPv4 fragments of an NTP-sized answer
            big = IP(src=src4(), dst=rnd.choice(v4), id=rnd.randint(1, 65535)) / \
                UDP(sport=123, dport=rnd.randint(1024, 65535)) / Raw(b"n" * 3000)
            for f in fragment(big, fragsize=1480):
                pkts.append(l2(vlan) / f)
        elif kind == 5:
            pkts.append(l2(vlan) / IPv6(src=src6(), dst=rnd.choice(v6)) /
                        TCP(sport=rnd.randint(1024, 65535), dport=80, flags="S"))
        elif kind == 6:
            pkts.append(l2(vlan) / IPv6(src=src6(), dst=rnd.choice(v6)) /
                        UDP(sport=1900, dport=rnd.randint(1024, 65535)) /
                        Raw(b"s" * rnd.randint(10, 1400)))
        elif kind == 7:  # an extension-header chain before UDP
            pkts.append(l2(vlan) / IPv6(src=src6(), dst=rnd.choice(v6)) /
                        IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() /
                        IPv6ExtHdrRouting(addresses=["2001:db8:ee::1"]) /
                        IPv6ExtHdrDestOpt() /
                        UDP(sport=rnd.randint(1, 65535), dport=53) / Raw(b"q" * 40))
        elif kind == 8:  # IPv6 fragments
            big = IPv6(src=src6(), dst=rnd.choice(v6)) / IPv6ExtHdrFragment(
                id=rnd.randint(1, 1 << 30)) / UDP(sport=11211, dport=rnd.randint(
                    1024, 65535)) / Raw(b"m" * 2500)
            for f in fragment6(big, 1280):
                pkts.append(l2(vlan) / f)
        elif kind == 9:
            pkts.append(l2(vlan) / IPv6(src=src6(), dst=rnd.choice(v6)) /
                        ICMPv6EchoRequest(data=b"e" * 32))
        elif kind == 10:  # not IP: no host to count
            pkts.append(Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") /
                        ARP(psrc="192.0.2.1", pdst="192.0.2.2"))
        else:  # a reflected CLDAP answer (amplification)
            pkts.append(l2(vlan) / IP(src=src4(), dst=rnd.choice(v4)) /
                        UDP(sport=389, dport=rnd.randint(1024, 65535)) /
                        Raw(b"c" * rnd.randint(600, 1400)))
    t = 1700000000.0
    for i, p in enumerate(pkts):
        p.time = t + i * 0.007  # about three seconds of traffic
    wrpcap(out, pkts)

    # What the file holds, as scapy reads it back.
    hosts = {}
    total = 0
    for p in rdpcap(out):
        if IP in p:
            dst, n = p[IP].dst, p[IP].len
        elif IPv6 in p:
            dst, n = p[IPv6].dst, p[IPv6].plen + 40
        else:
            continue
        h = hosts.setdefault(dst, [0, 0])
        h[0] += 1
        h[1] += n
        total += 1
    for dst in sorted(hosts):
        print("%s %d %d" % (dst, hosts[dst][0], hosts[dst][1]))
    print("total %d" % total)


if __name__ == "__main__":
    main()
