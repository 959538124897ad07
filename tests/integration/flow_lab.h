/*
** flow_lab.h — what the flow integration tests share (issue 16): Debian's
** gobgpd and exabgp peered on loopback, ExaBGP's API process fed from a
** named pipe (as FastNetMon's exabgp_command_pipe is), GoBGP's RIB polled
** with `gobgp`; pcap files and NetFlow datagrams for serve's collector.
*/
#ifndef PARAPET_FLOW_LAB_H
#define PARAPET_FLOW_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct flow_bgp_lab {
	char dir[512];   /* configurations and logs */
	char pipe[600];  /* dir/api.pipe: what is written here ExaBGP announces */
	pid_t gobgpd, exabgp;
	int api_port, bgp_port;
};

/* gobgpd (AS 65001) and exabgp (AS 65002) on loopback, high ports (no
** privilege needed), IPv4 and IPv6 unicast and FlowSpec, files in dir
** (which must exist). 0, or -1 when something could not be set up. Wait
** for the session with flow_bgp_lab_wait(l, "neighbor", {"Establ"}, ...). */
int flow_bgp_lab_start(struct flow_bgp_lab *l, const char *dir);
/* Poll `gobgp ARGS` until every one of want[] is in its output (present)
** or none is (!present); 30 s at most, which only a broken setup reaches
** (then the output is printed on stderr). */
bool flow_bgp_lab_wait(const struct flow_bgp_lab *l, const char *args, const char *const want[],
		       size_t n_want, bool present);
/* The last lines of one of the lab's logs ("exabgp.log", "gobgpd.log"). */
void flow_bgp_lab_show(const struct flow_bgp_lab *l, const char *log);
/* Stop both (SIGTERM to their process groups, SIGKILL after 10 s). */
void flow_bgp_lab_stop(struct flow_bgp_lab *l);

/* Send b[0..n) to 127.0.0.1:port from fd; true when the kernel took it whole. */
bool flow_lab_send(int fd, int port, const void *b, size_t n);
/* Send the 30 records rec[0..30) as `datagrams` NetFlow v5 datagrams (unsampled)
** to 127.0.0.1:port, numbered from *seq, which is advanced as an exporter
** numbers its flows; true when every one was sent. */
struct flow_rec;
bool flow_lab_send_v5(int fd, int port, uint32_t *seq, const struct flow_rec *rec,
		      int datagrams);

/* pcap files of Ethernet frames, for the exporters written by others that
** read them (softflowd -r). flow_lab_pcap_open writes the global header
** (microseconds, Ethernet); NULL when the file cannot be made. */
FILE *flow_lab_pcap_open(const char *path);
/* One frame at t_us: IPv4 (family 4) or IPv6 from src to dst, TCP (6,
** tcpflags), UDP (17) or ICMP/ICMPv6 (any other proto: an echo request
** with id sport), then plen bytes of payload (at most 1400). Returns the
** IP packet's length: what NetFlow counts as the flow's bytes. */
size_t flow_lab_pcap_packet(FILE *f, uint64_t t_us, int family, const uint8_t *src,
			    const uint8_t *dst, int proto, uint16_t sport, uint16_t dport,
			    uint8_t tcpflags, size_t plen);
/* 10.NET.0.HOST, or 2001:db8:0:NET::HOST. */
void flow_lab_addr(int family, int net, int host, uint8_t out[16]);

/* What the named pipe serve writes ExaBGP's lines to received so far (the
** test standing in for ExaBGP's process reading it). */
struct flow_lab_pipe {
	char text[16384];
	size_t len;
};
/* Appends what fd (non-blocking) holds now to p, without waiting; then:
** does what p received hold text? */
bool flow_lab_pipe_has(struct flow_lab_pipe *p, int fd, const char *text);


#endif
