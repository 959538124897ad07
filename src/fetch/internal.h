/*
** internal.h — what the files of the fetch module share and nobody else
** needs: the text sanitizer that makes outside bytes fit for JSON, the
** TLS record taken from a live connection (tls.c, called from fetch.c's
** loop), and the run's certificate store.
*/
#ifndef PARAPET_FETCH_INTERNAL_H
#define PARAPET_FETCH_INTERNAL_H

#include <curl/curl.h>

#include "fetch/fetch.h"

/* Append s[0..n) to b as valid UTF-8, at most cap bytes of output in all
** (cap counts b's existing length): valid sequences are copied, invalid
** bytes and control characters other than HTAB become U+FFFD. A character
** that would not fit ends the copy at the last whole character. *bad is
** set when something was replaced, *cut when the cap ended the copy.
** Returns 0, or -1 when b cannot grow (out of memory or b->max). */
int fetch_text_add(struct pbuf *b, const char *s, size_t n, size_t cap, bool *bad, bool *cut);
/* Heap copy of s[0..n) through fetch_text_add (flags ignored); NULL on OOM. */
char *fetch_text_dup(const char *s, size_t n, size_t cap);

/* The certificate store cert_valid is decided against, built once per run
** (opts->ca_file or the system's default paths). Opaque here so that
** fetch.c needs no OpenSSL header. */
struct fetch_trust;
int fetch_trust_new(const char *ca_file, struct fetch_trust **out, struct perr *e);
void fetch_trust_free(struct fetch_trust *t);

/* Fill t from the TLS connection of handle h, which must be in a callback
** of a live transfer (CURLOPT_PREREQFUNCTION): version, cipher, the leaf
** certificate parsed, and the verification of the chain the server sent
** against trust, for host (the URL's host: a name or an IP literal, without
** brackets). Leaves t->present false when h has no OpenSSL connection.
** Clears OpenSSL's error queue afterwards so libcurl's own reports are not
** confused. t is freed with fetch_tls_free(). */
void fetch_tls_capture(CURL *h, const struct fetch_trust *trust, const char *host,
		       struct fetch_tls *t);
void fetch_tls_free(struct fetch_tls *t);

/* The class of a libcurl result code. */
enum fetch_err fetch_err_from_curl(CURLcode cc);

/* Host (lower-case, IPv6 without brackets, an IDN converted to its ASCII
** form as libcurl converts it for DNS, SNI and certificate names) and port
** of an absolute http(s) URL. *https tells the scheme. Returns 0, or -1
** when url is no http(s) URL with a usable host (host[0] is then ""). */
int fetch_url_parts(const char *url, char *host, size_t hostsz, int *port, bool *https);

/* Check opts and fill out with it, zeroes replaced by the defaults
** (opts NULL: all defaults). 0, or -1 with PERR_INVALID and the field. */
int fetch_opts_check(const struct fetch_opts *opts, struct fetch_opts *out, struct perr *e);

/* The CURLOPT_CONNECT_TO entry that sends a transfer to ip, keeping its
** port ("::ip:", any host, any port): set only on the hops whose host is
** the pinned one. Checks ip is an IPv4 or IPv6 address. 0, or -1 with
** PERR_INVALID "pin_ip". */
int fetch_pin_entry(const char *ip, char *out, size_t outsz, struct perr *e);

/* url (absolute http(s)) with an internationalized host replaced by its
** ASCII form (fetch_url_parts), as it is handed to libcurl: libcurl 7.88
** converts IDNs from the process locale's charset, which is not UTF-8 in a
** program that never calls setlocale(), and then rejects the URL. Heap
** string (free()), or NULL when the host cannot be converted / OOM. */
char *fetch_url_ascii(const char *url);

/* Monotonic clock in microseconds. */
int64_t fetch_mono_us(void);

#endif
