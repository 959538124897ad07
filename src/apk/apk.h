/*
** apk.h — triage of Android apps (issue 15): what a malicious APK is
** (package, versions, permissions, components), who signed it, and which
** addresses it talks to, read without running it.
**
** This first part holds the parsers of the formats inside an APK, each a
** push parser or a function of its arguments with explicit limits on size,
** depth and count, no I/O inside, and a libFuzzer target:
**
**   axml.c    Android's binary XML (AndroidManifest.xml): chunks, the
**             string pool, the resource map, elements and attributes, and
**             the manifest facts read from them;
**   dex.c     the dex string table (URLs, domains and addresses become
**             candidate indicators);
**   sign.c    the APK Signing Block (v2/v3 signers) and the v1 PKCS#7
**             signature files, their certificates read with OpenSSL.
**
** `parapet apk analyze` (the archive read with libzip, hashes, YARA, the
** verdict) builds on these.
*/
#ifndef PARAPET_APK_H
#define PARAPET_APK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ----------------------------------------------------- binary XML (axml.c) */

/* ------------------------------------------------------ dex strings (dex.c) */

/* ------------------------------------------------------ signatures (sign.c) */

#endif /* PARAPET_APK_H */
