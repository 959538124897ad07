/*
** indicator.h — the indicator registry (issue 15): what an analyst learns
** from an attack (addresses, domains, URLs, hashes, certificates, ASNs,
** Android apps) kept with its reason, TLP, source, confidence, validity and
** sightings, held against MISP warninglists before it can hurt, and
** exported to every consumer's format.
**
** This first part holds the pure foundations, each a function of its
** arguments (no I/O, no globals), bounded on hostile input and fuzzed:
**
**   value.c        indicator types: recognising, validating and
**                  canonicalising a value; default validity per type;
**   warninglist.c  MISP warninglists: loading the published JSON format,
**                  and matching a value against every list at once (one
**                  longest-prefix structure for the CIDR lists, one suffix
**                  structure for the hostname lists).
**
** The registry itself (store, API, CLI, UI, exports) builds on these.
*/
#ifndef PARAPET_INDICATOR_H
#define PARAPET_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ------------------------------------------------------------ values (value.c) */

/* ------------------------------------------------ warninglists (warninglist.c) */

#endif /* PARAPET_INDICATOR_H */
