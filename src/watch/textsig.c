/*
** textsig.c — what a block of new text says about itself (issue 12, item 6):
** which script and language it is written in, and the marks defacers leave
** when they do not write the usual "hacked by" phrase.
**
** A partial defacement often adds one block to a page that is otherwise
** intact: a marquee of crew names and a Telegram link, an extortion notice
** with a wallet, a casino link farm. The judge (signals.c) compares such a
** block with the rest of the site; this file gives it what the block's
** text tells:
**
**   watch_lang_count()  letters by script (Latin, Arabic script, Cyrillic,
**                       other), the Persian-only and Turkish-only share, and
**                       words, so "Latin-script Turkish on a Persian site" or
**                       "Arabic on an English one" can be told;
**   watch_text_marks()  WATCH_TX_* flags: contact handles, greetings lists and
**                       crew names, ransom wording, wallets, gambling,
**                       pharmacy and other spam vocabulary;
**   watch_lang_unlike() whether a block's counts are another script or
**                       language than the site's.
**
** All are functions of their input only, linear in its length, and safe on
** any bytes: invalid UTF-8 is skipped a byte at a time. watch_text_marks
** folds the text once with watch_fold() (the only allocation), then lower-
** cases what watch_fold leaves alone (Latin-1 and Latin Extended-A capitals,
** Turkish İ, Cyrillic) and drops Arabic diacritics and hamza forms of alef, in
** place. Its vocabulary is one table of folded phrases, each with the family
** it feeds; the families and the real-world classes they serve are named
** where the table defines them. A phrase alone raises no flag where the same
** word is ordinary (a footer's "contact us", a sports page's "team", a
** payment page's "pay"): the rules below combine them.
*/
#include "watch/watch.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- UTF-8 */

#define BAD_CP 0xFFFFFFFFu

/* The code point at s[0..n) (n >= 1) and its length in *len; BAD_CP and
** *len = 1 for a byte that does not start a valid sequence (overlong forms,
** surrogates and values past U+10FFFF included), so callers step over
** invalid input one byte at a time. */
static uint32_t utf8_dec(const unsigned char *s, size_t n, size_t *len)
{
	unsigned char c = s[0];
	*len = 1;
	if (c < 0x80)
		return c;
	size_t need;
	uint32_t cp, min;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
		cp = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		cp = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return BAD_CP;
	}
	if (n < need)
		return BAD_CP;
	for (size_t k = 1; k < need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return BAD_CP;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return BAD_CP;
	*len = need;
	return cp;
}

/* Write cp (< 0x800, all this file ever rewrites) at o; its length. */
static size_t utf8_put2(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	o[0] = (unsigned char)(0xC0 | (cp >> 6));
	o[1] = (unsigned char)(0x80 | (cp & 0x3F));
	return 2;
}

/* ------------------------------------------------------- scripts */

enum cls { C_SEP, C_LATIN, C_ARABIC, C_CYR, C_OTHER, C_MARK, C_DIGIT };

struct range {
	uint32_t lo, hi;
};

static bool in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return true;
	return false;
}

/* Letters of the scripts this country's pages are not written in (Greek,
** Hebrew, Indic, Thai, CJK, Korean...): a block in one of them on a Persian
** or English site is as foreign as Latin Turkish on a Persian one. Main
** blocks only: a rare script's letter outside them counts as a separator,
** which changes nothing the judge relies on. */
static const struct range other_letters[] = {
	{ 0x0370, 0x0373 }, { 0x0376, 0x0377 }, { 0x037B, 0x037D }, { 0x0386, 0x0386 },
	{ 0x0388, 0x03FF }, { 0x0531, 0x0587 }, { 0x05D0, 0x05F2 }, { 0x0710, 0x074F },
	{ 0x0780, 0x07B1 }, { 0x0904, 0x0939 }, { 0x0958, 0x0961 }, { 0x0971, 0x0DFF },
	{ 0x0E01, 0x0E30 }, { 0x0E40, 0x0E46 }, { 0x0E81, 0x0EB0 }, { 0x0F40, 0x0F6C },
	{ 0x1000, 0x102A }, { 0x10A0, 0x10FF }, { 0x1100, 0x11FF }, { 0x1200, 0x139F },
	{ 0x1780, 0x17B3 }, { 0x1F00, 0x1FFF }, { 0x3041, 0x3096 }, { 0x30A1, 0x30FA },
	{ 0x3105, 0x312F }, { 0x3131, 0x318E }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF },
	{ 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFF66, 0xFF9F }, { 0x20000, 0x2FFFF },
};

/* Marks and joiners that continue a word rather than end it. */
static const struct range marks[] = {
	{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x0610, 0x061A },
	{ 0x0640, 0x0640 }, { 0x064B, 0x065F }, { 0x0670, 0x0670 }, { 0x06D6, 0x06DC },
	{ 0x06DF, 0x06E8 }, { 0x06EA, 0x06ED }, { 0x0900, 0x0903 }, { 0x093A, 0x094F },
	{ 0x0E31, 0x0E31 }, { 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E }, { 0x200C, 0x200D },
	{ 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F },
};

static enum cls classify(uint32_t cp)
{
	if (cp < 0x80) {
		if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
			return C_LATIN;
		return cp >= '0' && cp <= '9' ? C_DIGIT : C_SEP;
	}
	if (cp == 0xAA || cp == 0xBA || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
	    (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2C60 && cp <= 0x2C7F) ||
	    (cp >= 0xA720 && cp <= 0xA7FF) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
	    (cp >= 0xFF41 && cp <= 0xFF5A))
		return C_LATIN;
	if ((cp >= 0x0660 && cp <= 0x0669) || (cp >= 0x06F0 && cp <= 0x06F9))
		return C_DIGIT;
	if (in_ranges(cp, marks, sizeof(marks) / sizeof(marks[0])))
		return C_MARK;
	/* Arabic script: the letters of the Arabic, Arabic Supplement and the
	** two presentation-form blocks (digits, punctuation and marks above). */
	if ((cp >= 0x0620 && cp <= 0x064A) || cp == 0x066E || cp == 0x066F ||
	    (cp >= 0x0671 && cp <= 0x06D3) || cp == 0x06D5 || cp == 0x06EE || cp == 0x06EF ||
	    (cp >= 0x06FA && cp <= 0x06FC) || cp == 0x06FF || (cp >= 0x0750 && cp <= 0x077F) ||
	    (cp >= 0xFB50 && cp <= 0xFD3D) || (cp >= 0xFD50 && cp <= 0xFDFB) ||
	    (cp >= 0xFE70 && cp <= 0xFEFC))
		return C_ARABIC;
	if ((cp >= 0x0400 && cp <= 0x0481) || (cp >= 0x048A && cp <= 0x052F) ||
	    (cp >= 0x1C80 && cp <= 0x1C88) || (cp >= 0xA640 && cp <= 0xA66E) ||
	    (cp >= 0xA680 && cp <= 0xA69B))
		return C_CYR;
	if (in_ranges(cp, other_letters, sizeof(other_letters) / sizeof(other_letters[0])))
		return C_OTHER;
	return C_SEP;
}

/* Letters only Persian (and Urdu, Kurdish...) write, not Arabic: پ چ ژ گ, and
** the Persian forms of yeh and kaf, with their presentation forms. */
static bool persian_letter(uint32_t cp)
{
	return cp == 0x067E || cp == 0x0686 || cp == 0x0698 || cp == 0x06AF || cp == 0x06CC ||
	       cp == 0x06A9 || (cp >= 0xFB56 && cp <= 0xFB59) || (cp >= 0xFB7A && cp <= 0xFB7D) ||
	       (cp >= 0xFB8A && cp <= 0xFB95) || (cp >= 0xFBFC && cp <= 0xFBFF);
}

/* Letters of the Turkish alphabet beyond ASCII: ç ğ ı İ ş ö ü and capitals.
** ö and ü are also German, which government pages here do not carry. */
static bool turkish_letter(uint32_t cp)
{
	switch (cp) {
	case 0xE7: case 0xC7: case 0x11F: case 0x11E: case 0x131: case 0x130:
	case 0x15F: case 0x15E: case 0xF6: case 0xD6: case 0xFC: case 0xDC:
		return true;
	default:
		return false;
	}
}

/* Very common Turkish function words that no other language of this
** region's web writes as a word of its own ("bu", "ya" and "kadar" are left
** out: Indonesian uses them). Lower-case, as lang_word builds them. */
/* English function words: one word in twelve of English prose is one of
** these, other Latin-script languages write none of them as a word. */
static const char *const english_words[] = {
	"the", "and", "of", "to", "is", "are", "was", "were", "for", "with", "this", "that",
	"will", "from", "have", "has", "which", "their", "our", "you", "your", "be", "by", "on",
};

static const char *const turkish_words[] = {
	"ve", "bir", "ile", "için", "icin", "olarak", "daha", "gibi", "değil", "degil", "veya",
	"sonra", "olan", "çok", "cok", "ancak", "göre", "gore", "tüm", "tarafından", "tarafindan",
	"şekilde", "sekilde", "ayrıca", "ayrica",
};

#define LANG_WORD_MAX 24

/* Lower-case cp (Latin) for the word buffer: ASCII, Latin-1 capitals,
** Turkish capitals (İ as i). */
static uint32_t lower_latin(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 32;
	if (cp == 0x130)
		return 'i';
	if (cp == 0x11E || cp == 0x15E)
		return cp + 1;
	return cp;
}

void watch_lang_count(const char *text, size_t len, struct watch_lang *out)
{
	memset(out, 0, sizeof(*out));
	if (!text)
		return;
	const unsigned char *s = (const unsigned char *)text;
	bool in_word = false;
	/* The current word, lower-cased, while it is short and Latin; its Latin
	** letters and how many of them already counted as Turkish. */
	unsigned char w[LANG_WORD_MAX];
	size_t wn = 0;
	bool wok = false;
	uint32_t wlatin = 0, wtr = 0;
	for (size_t i = 0; i <= len;) {
		size_t l = 1;
		uint32_t cp = i < len ? utf8_dec(s + i, len - i, &l) : ' ';
		enum cls c = cp == BAD_CP ? C_SEP : classify(cp);
		if (c == C_LATIN || c == C_ARABIC || c == C_CYR || c == C_OTHER) {
			if (!in_word) {
				out->words++;
				in_word = true;
				wn = 0;
				wok = true;
				wlatin = wtr = 0;
			}
			if (c == C_LATIN) {
				out->latin++;
				wlatin++;
				if (turkish_letter(cp)) {
					out->turkish++;
					wtr++;
				}
				uint32_t lc = lower_latin(cp);
				if (wok && wn + 2 <= sizeof(w))
					wn += utf8_put2(w + wn, lc < 0x800 ? lc : '?');
				else
					wok = false;
			} else {
				wok = false;
				if (c == C_ARABIC) {
					out->arabic++;
					out->persian += persian_letter(cp);
				} else if (c == C_CYR) {
					out->cyrillic++;
				} else {
					out->other++;
				}
			}
		} else if (c == C_SEP && in_word) {
			in_word = false;
			if (wlatin)
				out->lwords++;
			if (wok && wtr == 0)
				for (size_t k = 0; k < sizeof(english_words) / sizeof(english_words[0]); k++)
					if (strlen(english_words[k]) == wn &&
					    memcmp(english_words[k], w, wn) == 0) {
						out->english++;
						break;
					}
			if (wok && wlatin > wtr)
				for (size_t k = 0; k < sizeof(turkish_words) / sizeof(turkish_words[0]); k++)
					if (strlen(turkish_words[k]) == wn &&
					    memcmp(turkish_words[k], w, wn) == 0) {
						out->turkish += wlatin - wtr;
						break;
					}
		} else if (c == C_DIGIT || c == C_MARK) {
			wok = false; /* "ve2" is no function word */
		}
		i += l;
	}
}

/* Script names, in enum cls order for the letter classes. */
static const char *script_name(int k)
{
	static const char *const names[] = { "latin", "arabic", "cyrillic", "other" };
	return names[k];
}

const char *watch_lang_unlike(const struct watch_lang *site, const struct watch_lang *block,
			      bool *other_script)
{
	bool dummy;
	if (!other_script)
		other_script = &dummy;
	*other_script = false;
	const uint32_t b[4] = { block->latin, block->arabic, block->cyrillic, block->other };
	const uint32_t s[4] = { site->latin, site->arabic, site->cyrillic, site->other };
	uint64_t bl = (uint64_t)b[0] + b[1] + b[2] + b[3];
	uint64_t sl = (uint64_t)s[0] + s[1] + s[2] + s[3];
	if (bl < 12 || sl == 0)
		return NULL;
	int k = 0;
	for (int i = 1; i < 4; i++)
		if (b[i] > b[k])
			k = i;
	/* A block that is mostly one script the site hardly writes: Latin
	** Turkish on a Persian site, Arabic script on an English one. 15%
	** leaves bilingual sites (an English half) alike in both scripts. */
	if ((uint64_t)b[k] * 2 >= bl && (uint64_t)s[k] * 100 < sl * 15) {
		*other_script = true;
		if (k == 0 && (uint64_t)block->turkish * 100 >= (uint64_t)block->latin * 4)
			return "turkish";
		if (k == 0)
			return block->lwords >= 12 && (uint64_t)block->english * 12 < block->lwords
				       ? "latin"
				       : "english";
		if (k == 1 && (uint64_t)block->persian * 100 >= (uint64_t)b[1] * 2)
			return "persian";
		if (k == 1)
			return b[1] >= 40 && (uint64_t)block->persian * 200 < b[1] ? "arabic" :
										     "arabic-script";
		return script_name(k);
	}
	/* The same script, another language. Persian text writes 4-20% of its
	** letters in ی ک گ پ چ ژ (about 4% when a windows-1256 page writes
	** Arabic yeh), Arabic none; Turkish writes 10-20% of its letters in
	** ç ğ ı ş ö ü or function words, English and Indonesian none. 40
	** Arabic letters before calling a block Arabic: "درباره ما" has no
	** Persian-only letter. */
	if (k == 1 && (uint64_t)b[1] * 2 >= bl && s[1] > 0) {
		bool site_fa = (uint64_t)site->persian * 100 >= (uint64_t)s[1] * 2;
		bool site_ar = s[1] >= 40 && (uint64_t)site->persian * 200 < s[1];
		if (site_fa && b[1] >= 40 && (uint64_t)block->persian * 200 < b[1])
			return "arabic";
		if (site_ar && (uint64_t)block->persian * 100 >= (uint64_t)b[1] * 3)
			return "persian";
	}
	if (k == 0 && (uint64_t)b[0] * 2 >= bl && s[0] > 0 &&
	    (uint64_t)block->turkish * 100 >= (uint64_t)b[0] * 4 &&
	    (uint64_t)site->turkish * 200 < s[0])
		return "turkish";
	return NULL;
}

/* ------------------------------------------------------ folding, more */

/* After watch_fold: lower-case the capitals watch_fold leaves (Latin-1,
** Latin Extended-A, Turkish İ as i, Cyrillic), drop Arabic diacritics and
** tatweel, write hamza forms of alef (أ إ آ ٱ) as ا. In place; never
** lengthens; invalid bytes are copied as they are. Returns the new length. */
static size_t fold_more(unsigned char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		size_t l;
		uint32_t cp = utf8_dec(s + i, n - i, &l);
		if (cp == BAD_CP || cp < 0x80 || cp >= 0x800) {
			memmove(s + k, s + i, l);
			k += l;
			i += l;
			continue;
		}
		uint32_t m = cp;
		if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
			m = cp + 32;
		else if (cp == 0x130)
			m = 'i';
		else if (((cp >= 0x100 && cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) ||
			  (cp >= 0x14A && cp <= 0x177)) && !(cp & 1))
			m = cp + 1;
		else if (cp >= 0x139 && cp <= 0x148 && (cp & 1))
			m = cp + 1;
		else if (cp >= 0x410 && cp <= 0x42F)
			m = cp + 32;
		else if (cp >= 0x400 && cp <= 0x40F)
			m = cp + 80;
		else if (cp == 0x623 || cp == 0x625 || cp == 0x622 || cp == 0x671)
			m = 0x627;
		else if ((cp >= 0x64B && cp <= 0x652) || cp == 0x640 || cp == 0x670) {
			i += l;
			continue;
		}
		k += utf8_put2(s + k, m);
		i += l;
	}
	return k;
}

/* Is the character ending just before s[i] a letter or digit (so a phrase
** starting at i would start inside a word)? */
static bool word_before(const unsigned char *s, size_t i)
{
	if (i == 0)
		return false;
	if (s[i - 1] < 0x80)
		return (s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z' ?
			       true :
			       s[i - 1] >= '0' && s[i - 1] <= '9';
	size_t b = i - 1, back = 0;
	while (b > 0 && back < 3 && (s[b] & 0xC0) == 0x80) {
		b--;
		back++;
	}
	size_t l;
	uint32_t cp = utf8_dec(s + b, i - b, &l);
	if (cp == BAD_CP || b + l != i)
		return false;
	enum cls c = classify(cp);
	return c != C_SEP;
}

/* Is s[i] the start of a letter or digit (so a phrase ending at i ends
** inside a word)? */
static bool word_at(const unsigned char *s, size_t n, size_t i)
{
	if (i >= n)
		return false;
	size_t l;
	uint32_t cp = utf8_dec(s + i, n - i, &l);
	return cp != BAD_CP && classify(cp) != C_SEP;
}

/* --------------------------------------------------------- vocabulary */

/* What a phrase tells. Families and the real-world class each serves:
**
**   handles (WATCH_TX_HANDLE) — a defacer signs with a way to reach him or
**     his crew: Telegram/WhatsApp/Discord links, ICQ numbers (the old
**     Turkish and Indonesian scenes still print them), Tox ids (ransom
**     notes), an @handle after "telegram"/"contact"/"آیدی", e-mail and
**     XMPP ids. A government footer carries its own e-mail and channel too:
**     the judge uses this flag only on a new block unlike the site.
**   greetings (WATCH_TX_GREETS) — the "greetz" / "thanks to" list of fellow
**     defacers, and crew names ("X Cyber Army", "تیم هکری X", "Ayyıldız
**     Tim"). A list needs three short names; ordinary thanks ("با تشکر از
**     همکاران") also need a name that looks like a handle or a defacer's
**     separator ('|', ' - ', '•'); "team" needs a hacker word beside it,
**     and no news word near ("claimed", "attack", "ادعا", "police"): a
**     CERT's news names hacker groups too.
**   ransom (WATCH_TX_RANSOM) — extortion after a breach: a claim addressed
**     to the reader ("your database has been downloaded"), payment or
**     threat wording, together with a wallet or a demand to restore or
**     decrypt "your" data. News about a ransomware attack speaks in the
**     third person and carries no wallet; an advisory saying "do not pay"
**     is no ransom note.
**   gambling (WATCH_TX_GAMBLING) — SEO spam and link farms planted on
**     government sites for casinos and betting (Persian "بازی انفجار" and
**     "سایت شرط بندی", Indonesian "slot gacor", Turkish "deneme bonusu").
**     One unambiguous phrase, or two different ordinary words near each other;
**     none of it near a word of news about the trade ("police", "arrested",
**     "illegal", "پلیس", "مسدود"), which holds for pharmacy and other spam
**     too: a gambling ring arrested is news, not an advertisement.
**   pharmacy (WATCH_TX_PHARMA) — the older pharma spam: a drug brand with a
**     sale word, or "without prescription" / "online pharmacy".
**   other spam (WATCH_TX_SPAM) — the rest of what SEO spam injections sell:
**     payday loans, replica watches, essay writing, bought followers, adult
**     sites; only phrases no government page writes ("sex" alone is in
**     health pages, "porn" alone in police news).
*/
enum cat {
	K_URLH,    /* t.me/ ...: a messenger link, handle follows */
	K_ICQ,     /* icq: a number follows */
	K_TOX,     /* tox: a 76-hex id follows */
	K_MSG,     /* a messenger's name: a handle may follow */
	K_CONTACT, /* contact / id words: an @handle may follow */
	K_G1,      /* greetings words only defacers write (greetz) */
	K_G2,      /* ordinary thanks / greetings: list must look like handles */
	K_CREW,    /* team, crew, tim, تیم, فريق, команда */
	K_HFLAV,   /* hacker words that make a team a crew */
	K_CREWX,   /* security / response / national: an ordinary team */
	K_CREWS,   /* crew phrases on their own: cyber army, ارتش سایبری */
	K_YOUR,    /* second person */
	K_WE,      /* first person plural */
	K_OBJ,     /* files, data, database */
	K_YOBJ,    /* your files, in one word (ملفاتك, dosyalarınız) */
	K_VERB,    /* encrypted, downloaded, stolen, deleted */
	K_DEMV,    /* restore, recover, decrypt */
	K_CALL,    /* contact us (imperative) */
	K_PAY,     /* pay, bitcoin, ransom */
	K_THREAT,  /* or we will publish, within 48 hours */
	K_NEG,     /* do not pay: an advisory */
	K_FUT,     /* will, if, akan, سيتم: a verb that says what may happen */
	K_GAMS,    /* gambling, unambiguous */
	K_GAMW,    /* gambling, ordinary words */
	K_PHS,     /* pharmacy, unambiguous */
	K_PHB,     /* a drug brand */
	K_PHC,     /* buy, cheap, price */
	K_SPAM,    /* other spam, unambiguous */
	K_GNEWS,   /* police, arrested, illegal: news about the trade */
	K_HNEWS,   /* claimed, attack, ادعا: news about a hacker group */
	K_NCAT
};

enum {
	T_WHOLE = 1 << 0, /* must end at a word end (short words) */
	T_SUB = 1 << 1,   /* may start inside a word (Arabic clitics, Russian) */
	T_URL = 1 << 2,   /* starts a host: no letter, digit, '.', '-' or '_' before */
};

struct term {
	const char *s;
	uint8_t cat, fl;
};

static const struct term terms[] = {
	/* handles */
	{ "t.me/", K_URLH, T_URL }, { "telegram.me/", K_URLH, T_URL },
	{ "telegram.dog/", K_URLH, T_URL }, { "wa.me/", K_URLH, T_URL },
	{ "api.whatsapp.com/send", K_URLH, T_URL }, { "chat.whatsapp.com/", K_URLH, T_URL },
	{ "wa.link/", K_URLH, T_URL }, { "discord.gg/", K_URLH, T_URL },
	{ "discord.com/invite/", K_URLH, T_URL }, { "icq.im/", K_URLH, T_URL },
	{ "signal.me/", K_URLH, T_URL }, { "icq", K_ICQ, T_WHOLE }, { "tox", K_TOX, T_WHOLE },
	{ "tox id", K_TOX, 0 },
	{ "telegram", K_MSG, 0 }, { "whatsapp", K_MSG, 0 }, { "instagram", K_MSG, 0 },
	{ "discord", K_MSG, 0 }, { "skype", K_MSG, 0 }, { "signal", K_MSG, T_WHOLE },
	{ "wickr", K_MSG, 0 }, { "jabber", K_MSG, 0 }, { "xmpp", K_MSG, 0 },
	{ "tg", K_MSG, T_WHOLE }, { "ig", K_MSG, T_WHOLE }, { "insta", K_MSG, T_WHOLE },
	{ "تلگرام", K_MSG, 0 }, { "واتساپ", K_MSG, 0 }, { "واتس اپ", K_MSG, 0 },
	{ "اینستاگرام", K_MSG, 0 }, { "اینستا", K_MSG, T_WHOLE }, { "تیلیجرام", K_MSG, 0 },
	{ "تلیجرام", K_MSG, 0 }, { "تلغرام", K_MSG, 0 }, { "واتساب", K_MSG, 0 },
	{ "انستغرام", K_MSG, 0 }, { "телеграм", K_MSG, 0 }, { "вотсап", K_MSG, 0 },
	{ "contact", K_CONTACT, 0 }, { "id", K_CONTACT, T_WHOLE }, { "email", K_CONTACT, 0 },
	{ "e-mail", K_CONTACT, 0 }, { "mail", K_CONTACT, T_WHOLE }, { "admin", K_CONTACT, T_WHOLE },
	{ "آیدی", K_CONTACT, 0 }, { "ایدی", K_CONTACT, 0 }, { "تماس", K_CONTACT, 0 },
	{ "ارتباط", K_CONTACT, 0 }, { "ایمیل", K_CONTACT, 0 }, { "للتواصل", K_CONTACT, 0 },
	{ "تواصل", K_CONTACT, 0 }, { "iletişim", K_CONTACT, 0 }, { "iletisim", K_CONTACT, 0 },
	{ "kontak", K_CONTACT, 0 }, { "hubungi", K_CONTACT, 0 }, { "contato", K_CONTACT, 0 },
	{ "contacto", K_CONTACT, 0 }, { "связь", K_CONTACT, 0 }, { "контакт", K_CONTACT, 0 },

	/* greetings: defacers' own words */
	{ "greetz", K_G1, 0 }, { "greets", K_G1, 0 }, { "gr33tz", K_G1, 0 },
	{ "greetings to", K_G1, 0 }, { "greetings fly to", K_G1, 0 }, { "shoutout to", K_G1, 0 },
	{ "shoutouts to", K_G1, 0 }, { "shout out to", K_G1, 0 }, { "salam be", K_G1, 0 },
	{ "selamlar", K_G1, 0 }, { "saludos a", K_G1, 0 }, { "saudações a", K_G1, 0 },
	{ "saudacoes a", K_G1, 0 }, { "salam buat", K_G1, 0 }, { "salam untuk", K_G1, 0 },
	/* greetings: ordinary words, so the list must look like handles */
	{ "thanks to", K_G2, 0 }, { "special thanks", K_G2, 0 }, { "thx to", K_G2, 0 },
	{ "thanx to", K_G2, 0 }, { "salute to", K_G2, 0 }, { "respect to", K_G2, 0 },
	{ "big love to", K_G2, 0 }, { "much love to", K_G2, 0 }, { "respect all", K_G2, 0 },
	{ "تحياتنا الى", K_G2, 0 }, { "تحياتنا ل", K_G2, 0 }, { "تحية الى", K_G2, 0 },
	{ "با تشکر از", K_G2, 0 }, { "تشکر ویژه", K_G2, 0 }, { "درود به", K_G2, 0 },
	{ "سلام به", K_G2, 0 }, { "تقدیم به", K_G2, 0 }, { "selam", K_G2, T_WHOLE },
	{ "salam", K_G2, T_WHOLE }, { "terima kasih", K_G2, 0 }, { "terimakasih", K_G2, 0 },
	{ "agradecimentos", K_G2, 0 }, { "obrigado a", K_G2, 0 }, { "привет", K_G2, 0 },
	{ "спасибо", K_G2, 0 }, { "شكر خاص", K_G2, 0 }, { "شكرا ل", K_G2, 0 },
	{ "تحية ل", K_G2, 0 }, { "تحياتي ل", K_G2, 0 }, { "teşekkürler", K_G2, 0 },
	/* crews */
	{ "team", K_CREW, T_WHOLE }, { "crew", K_CREW, T_WHOLE }, { "tim", K_CREW, T_WHOLE },
	{ "takım", K_CREW, T_WHOLE }, { "squad", K_CREW, T_WHOLE }, { "army", K_CREW, T_WHOLE },
	{ "تیم", K_CREW, T_WHOLE }, { "گروه", K_CREW, T_WHOLE }, { "فريق", K_CREW, 0 },
	{ "فرقة", K_CREW, 0 }, { "команда", K_CREW, 0 }, { "equipe", K_CREW, T_WHOLE },
	{ "hack", K_HFLAV, 0 }, { "h4ck", K_HFLAV, 0 }, { "h4x", K_HFLAV, 0 }, { "hax", K_HFLAV, 0 },
	{ "cyber", K_HFLAV, 0 }, { "siber", K_HFLAV, 0 }, { "syber", K_HFLAV, 0 },
	{ "defac", K_HFLAV, 0 }, { "anon", K_HFLAV, 0 }, { "1337", K_HFLAV, 0 },
	{ "ghost", K_HFLAV, 0 }, { "shadow", K_HFLAV, 0 }, { "mafia", K_HFLAV, 0 },
	{ "exploit", K_HFLAV, 0 }, { "xpl0it", K_HFLAV, 0 }, { "hexor", K_HFLAV, 0 },
	{ "هک", K_HFLAV, 0 }, { "سایبر", K_HFLAV, 0 }, { "هاكر", K_HFLAV, T_SUB },
	{ "هكر", K_HFLAV, T_SUB }, { "اختراق", K_HFLAV, T_SUB }, { "سيبر", K_HFLAV, T_SUB },
	{ "хак", K_HFLAV, 0 }, { "кибер", K_HFLAV, 0 },
	{ "security", K_CREWX, 0 }, { "response", K_CREWX, 0 }, { "defen", K_CREWX, 0 },
	{ "cert", K_CREWX, T_WHOLE }, { "csirt", K_CREWX, 0 }, { "national", K_CREWX, 0 },
	{ "incident", K_CREWX, 0 }, { "امنیت", K_CREWX, 0 }, { "پدافند", K_CREWX, 0 },
	{ "ملی", K_CREWX, T_WHOLE }, { "امداد", K_CREWX, 0 }, { "الامن", K_CREWX, 0 },
	{ "güvenlik", K_CREWX, 0 }, { "keamanan", K_CREWX, 0 }, { "segurança", K_CREWX, 0 },
	{ "безопасност", K_CREWX, 0 },
	{ "cyber army", K_CREWS, 0 }, { "cyber crew", K_CREWS, 0 }, { "cyber team", K_CREWS, 0 },
	{ "hack team", K_CREWS, 0 }, { "hackteam", K_CREWS, 0 }, { "hackers team", K_CREWS, 0 },
	{ "hacker team", K_CREWS, 0 }, { "h4ck3r", K_CREWS, 0 }, { "cyber ghost", K_CREWS, 0 },
	{ "ارتش سایبری", K_CREWS, 0 }, { "تیم هکری", K_CREWS, 0 }, { "گروه هکری", K_CREWS, 0 },
	{ "الجيش الالكتروني", K_CREWS, T_SUB }, { "الجيش السيبراني", K_CREWS, T_SUB },
	{ "فريق هكر", K_CREWS, T_SUB }, { "siber ordu", K_CREWS, 0 }, { "siber tim", K_CREWS, 0 },
	{ "hack tim", K_CREWS, 0 }, { "tim hacker", K_CREWS, 0 }, { "кибер армия", K_CREWS, 0 },

	/* ransom: second person and first person plural */
	{ "your", K_YOUR, 0 }, { "you", K_YOUR, T_WHOLE }, { "شما", K_YOUR, T_WHOLE },
	{ "خود", K_YOUR, T_WHOLE }, { "anda", K_YOUR, T_WHOLE }, { "kamu", K_YOUR, T_WHOLE },
	{ "seus", K_YOUR, T_WHOLE }, { "suas", K_YOUR, T_WHOLE }, { "seu", K_YOUR, T_WHOLE },
	{ "sua", K_YOUR, T_WHOLE }, { "ваш", K_YOUR, 0 }, { "вас", K_YOUR, T_WHOLE },
	{ "senin", K_YOUR, T_WHOLE }, { "sizin", K_YOUR, T_WHOLE },
	{ "we", K_WE, T_WHOLE }, { "we've", K_WE, 0 }, { "ما", K_WE, T_WHOLE },
	{ "kami", K_WE, T_WHOLE }, { "nós", K_WE, T_WHOLE }, { "мы", K_WE, T_WHOLE },
	{ "نحن", K_WE, 0 }, { "biz", K_WE, T_WHOLE },
	/* what was taken */
	{ "file", K_OBJ, 0 }, { "data", K_OBJ, 0 }, { "database", K_OBJ, 0 },
	{ "backup", K_OBJ, 0 }, { "document", K_OBJ, 0 }, { "db", K_OBJ, T_WHOLE },
	{ "information", K_OBJ, 0 }, { "اطلاعات", K_OBJ, 0 }, { "فایل", K_OBJ, 0 },
	{ "دیتابیس", K_OBJ, 0 }, { "پایگاه داده", K_OBJ, 0 }, { "داده", K_OBJ, 0 },
	{ "بکاپ", K_OBJ, 0 }, { "نسخه پشتیبان", K_OBJ, 0 }, { "اسناد", K_OBJ, 0 },
	{ "ملفات", K_OBJ, T_SUB }, { "بيانات", K_OBJ, T_SUB }, { "قاعدة", K_OBJ, T_SUB },
	{ "dosya", K_OBJ, 0 }, { "veri", K_OBJ, 0 }, { "berkas", K_OBJ, 0 },
	{ "arquivos", K_OBJ, 0 }, { "dados", K_OBJ, 0 }, { "banco de dados", K_OBJ, 0 },
	{ "ficheiros", K_OBJ, 0 }, { "файл", K_OBJ, 0 }, { "данны", K_OBJ, 0 },
	{ "баз", K_OBJ, 0 }, { "резервн", K_OBJ, 0 },
	{ "ملفاتك", K_YOBJ, T_SUB }, { "بياناتك", K_YOBJ, T_SUB }, { "موقعك", K_YOBJ, T_SUB },
	{ "اطلاعاتتان", K_YOBJ, 0 }, { "فایل هایتان", K_YOBJ, 0 }, { "فایلهایتان", K_YOBJ, 0 },
	{ "دیتابیستان", K_YOBJ, 0 }, { "dosyalarınız", K_YOBJ, 0 }, { "dosyalariniz", K_YOBJ, 0 },
	{ "verileriniz", K_YOBJ, 0 }, { "veritabanınız", K_YOBJ, 0 },
	{ "veritabaniniz", K_YOBJ, 0 }, { "siteniz", K_YOBJ, 0 },
	/* what was done to it */
	{ "encrypted", K_VERB, 0 }, { "downloaded", K_VERB, 0 }, { "stolen", K_VERB, 0 },
	{ "deleted", K_VERB, 0 }, { "locked", K_VERB, 0 }, { "leaked", K_VERB, 0 },
	{ "dumped", K_VERB, 0 }, { "exfiltrated", K_VERB, 0 }, { "copied", K_VERB, 0 },
	{ "رمزگذاری", K_VERB, 0 }, { "رمز گذاری", K_VERB, 0 }, { "رمزنگاری", K_VERB, 0 },
	{ "دانلود", K_VERB, 0 }, { "سرقت", K_VERB, 0 }, { "حذف", K_VERB, 0 },
	{ "قفل", K_VERB, 0 }, { "تشفير", K_VERB, T_SUB }, { "مشفر", K_VERB, T_SUB },
	{ "سرقة", K_VERB, T_SUB }, { "تسريب", K_VERB, T_SUB }, { "سحب", K_VERB, T_SUB },
	{ "şifrelen", K_VERB, 0 }, { "sifrelen", K_VERB, 0 }, { "indirildi", K_VERB, 0 },
	{ "çalındı", K_VERB, 0 }, { "calindi", K_VERB, 0 }, { "silindi", K_VERB, 0 },
	{ "ele geçirildi", K_VERB, 0 }, { "dienkripsi", K_VERB, 0 }, { "terenkripsi", K_VERB, 0 },
	{ "dicuri", K_VERB, 0 }, { "diunduh", K_VERB, 0 }, { "didownload", K_VERB, 0 },
	{ "dihapus", K_VERB, 0 }, { "dikunci", K_VERB, 0 }, { "criptografad", K_VERB, 0 },
	{ "encriptad", K_VERB, 0 }, { "cifrad", K_VERB, 0 }, { "roubad", K_VERB, 0 },
	{ "baixad", K_VERB, 0 }, { "apagad", K_VERB, 0 }, { "deletad", K_VERB, 0 },
	{ "vazad", K_VERB, 0 }, { "зашифрован", K_VERB, 0 }, { "украден", K_VERB, 0 },
	{ "скачан", K_VERB, 0 }, { "удален", K_VERB, 0 }, { "удалён", K_VERB, 0 },
	{ "заблокирован", K_VERB, 0 }, { "слит", K_VERB, 0 },
	/* what the reader is to do to get it back */
	{ "restore", K_DEMV, 0 }, { "recover", K_DEMV, 0 }, { "decrypt", K_DEMV, 0 },
	{ "get back", K_DEMV, 0 }, { "unlock", K_DEMV, 0 }, { "data back", K_DEMV, 0 },
	{ "files back", K_DEMV, 0 }, { "file back", K_DEMV, 0 }, { "database back", K_DEMV, 0 }, { "بازگردانی", K_DEMV, 0 },
	{ "بازیابی", K_DEMV, 0 }, { "بازگرداندن", K_DEMV, 0 }, { "رمزگشایی", K_DEMV, 0 },
	{ "رمز گشایی", K_DEMV, 0 }, { "برگرداندن", K_DEMV, 0 }, { "استعادة", K_DEMV, T_SUB },
	{ "فك التشفير", K_DEMV, T_SUB }, { "فك تشفير", K_DEMV, T_SUB },
	{ "استرجاع", K_DEMV, T_SUB }, { "geri al", K_DEMV, 0 }, { "kurtarmak", K_DEMV, 0 },
	{ "şifresini çöz", K_DEMV, 0 }, { "sifresini coz", K_DEMV, 0 },
	{ "geri yükle", K_DEMV, 0 }, { "memulihkan", K_DEMV, 0 }, { "mengembalikan", K_DEMV, 0 },
	{ "dekripsi", K_DEMV, 0 }, { "mendekripsi", K_DEMV, 0 }, { "recuperar", K_DEMV, 0 },
	{ "restaurar", K_DEMV, 0 }, { "descriptograf", K_DEMV, 0 }, { "desencript", K_DEMV, 0 },
	{ "de volta", K_DEMV, 0 }, { "восстанов", K_DEMV, 0 }, { "расшифров", K_DEMV, 0 },
	{ "вернуть", K_DEMV, 0 },
	{ "contact us", K_CALL, 0 }, { "contact me", K_CALL, 0 }, { "email us", K_CALL, 0 },
	{ "write to us", K_CALL, 0 }, { "reach us", K_CALL, 0 }, { "message us", K_CALL, 0 },
	{ "تماس بگیرید", K_CALL, 0 }, { "پیام دهید", K_CALL, 0 }, { "پیام بدهید", K_CALL, 0 },
	{ "تواصل معنا", K_CALL, T_SUB }, { "راسلنا", K_CALL, T_SUB }, { "اتصل بنا", K_CALL, T_SUB },
	{ "bize ulaşın", K_CALL, 0 }, { "bize ulasin", K_CALL, 0 },
	{ "iletişime geçin", K_CALL, 0 }, { "iletisime gecin", K_CALL, 0 },
	{ "hubungi kami", K_CALL, 0 }, { "entre em contato", K_CALL, 0 },
	{ "contate-nos", K_CALL, 0 }, { "свяжитесь", K_CALL, 0 }, { "напишите нам", K_CALL, 0 },
	/* payment and threats */
	/* A coin's ticker ("BTC:", "XMR") only labels a wallet, which is a mark
	** of its own; the words here ask for money, as a verb: the nouns
	** ("payment", "پرداخت", "pembayaran", "ödeme") fill every payment page. */
	{ "pay", K_PAY, T_WHOLE }, { "bitcoin", K_PAY, 0 }, { "ransom", K_PAY, 0 },
	{ "send", K_PAY, T_WHOLE }, { "transfer", K_PAY, T_WHOLE }, { "باج", K_PAY, T_WHOLE },
	{ "پرداخت کنید", K_PAY, 0 }, { "واریز کنید", K_PAY, 0 }, { "بیت کوین", K_PAY, 0 },
	{ "بیتکوین", K_PAY, 0 }, { "ادفع", K_PAY, T_SUB }, { "ادفعوا", K_PAY, T_SUB },
	{ "فدية", K_PAY, T_SUB }, { "بيتكوين", K_PAY, T_SUB }, { "بتكوين", K_PAY, T_SUB },
	{ "ödeme yap", K_PAY, 0 }, { "odeme yap", K_PAY, 0 }, { "öde", K_PAY, T_WHOLE },
	{ "fidye", K_PAY, 0 }, { "bayar", K_PAY, T_WHOLE }, { "bayarkan", K_PAY, 0 },
	{ "tebusan", K_PAY, 0 }, { "pague", K_PAY, 0 }, { "pagar", K_PAY, T_WHOLE },
	{ "resgate", K_PAY, 0 }, { "оплатите", K_PAY, 0 }, { "заплатите", K_PAY, 0 },
	{ "переведите", K_PAY, 0 }, { "выкуп", K_PAY, 0 }, { "биткоин", K_PAY, 0 },
	{ "or we will", K_THREAT, 0 }, { "we will publish", K_THREAT, 0 },
	{ "we will leak", K_THREAT, 0 }, { "we will sell", K_THREAT, 0 },
	{ "will be published", K_THREAT, 0 }, { "will be leaked", K_THREAT, 0 },
	{ "will be sold", K_THREAT, 0 }, { "will be lost", K_THREAT, 0 },
	{ "within 24", K_THREAT, 0 }, { "within 48", K_THREAT, 0 }, { "within 72", K_THREAT, 0 },
	{ "منتشر خواهیم", K_THREAT, 0 }, { "منتشر خواهد شد", K_THREAT, 0 },
	{ "در غیر این صورت", K_THREAT, 0 }, { "سيتم نشر", K_THREAT, T_SUB },
	{ "سنقوم بنشر", K_THREAT, T_SUB }, { "والا", K_THREAT, T_WHOLE },
	{ "aksi takdirde", K_THREAT, 0 }, { "aksi halde", K_THREAT, 0 },
	{ "yayınlayacağız", K_THREAT, 0 }, { "akan kami sebar", K_THREAT, 0 },
	{ "akan dipublikasikan", K_THREAT, 0 }, { "caso contrário", K_THREAT, 0 },
	{ "serão publicados", K_THREAT, 0 }, { "опубликуем", K_THREAT, 0 },
	{ "иначе", K_THREAT, 0 },
	{ "do not pay", K_NEG, 0 }, { "don't pay", K_NEG, 0 }, { "dont pay", K_NEG, 0 },
	{ "never pay", K_NEG, 0 }, { "not to pay", K_NEG, 0 }, { "nomoreransom", K_NEG, 0 },
	{ "no more ransom", K_NEG, 0 }, { "پرداخت نکنید", K_NEG, 0 }, { "باج ندهید", K_NEG, 0 },
	{ "لا تدفع", K_NEG, T_SUB }, { "ödemeyin", K_NEG, 0 }, { "odemeyin", K_NEG, 0 },
	{ "jangan bayar", K_NEG, 0 }, { "não pague", K_NEG, 0 }, { "nao pague", K_NEG, 0 },
	{ "не платите", K_NEG, 0 },
	/* Future and condition: "your data will be deleted after 30 days" (a
	** privacy notice), "if your files are encrypted" (an advisory) claim
	** nothing. Persian says it after the verb (خواهد شد, شود): see
	** verb_claims(). */
	{ "will", K_FUT, T_WHOLE }, { "would", K_FUT, T_WHOLE }, { "may", K_FUT, T_WHOLE },
	{ "can", K_FUT, T_WHOLE }, { "could", K_FUT, T_WHOLE }, { "if", K_FUT, T_WHOLE },
	{ "akan", K_FUT, T_WHOLE }, { "dapat", K_FUT, T_WHOLE }, { "jika", K_FUT, T_WHOLE },
	{ "apabila", K_FUT, T_WHOLE }, { "serão", K_FUT, T_WHOLE }, { "será", K_FUT, T_WHOLE },
	{ "podem", K_FUT, T_WHOLE }, { "pode", K_FUT, T_WHOLE }, { "будут", K_FUT, T_WHOLE },
	{ "будет", K_FUT, T_WHOLE }, { "может", K_FUT, T_WHOLE }, { "если", K_FUT, T_WHOLE },
	{ "سيتم", K_FUT, T_SUB }, { "سوف", K_FUT, T_SUB }, { "اذا", K_FUT, T_WHOLE },
	{ "اگر", K_FUT, T_WHOLE }, { "eğer", K_FUT, T_WHOLE }, { "eger", K_FUT, T_WHOLE },

	/* gambling: unambiguous */
	{ "online casino", K_GAMS, 0 }, { "casino online", K_GAMS, 0 },
	{ "sports betting", K_GAMS, 0 }, { "betting site", K_GAMS, 0 }, { "free spins", K_GAMS, 0 },
	{ "no deposit bonus", K_GAMS, 0 }, { "online poker", K_GAMS, 0 },
	{ "poker online", K_GAMS, 0 }, { "sportsbook", K_GAMS, 0 }, { "1xbet", K_GAMS, 0 },
	{ "bet365", K_GAMS, 0 }, { "betwinner", K_GAMS, 0 }, { "mostbet", K_GAMS, 0 },
	{ "slot gacor", K_GAMS, 0 }, { "gacor", K_GAMS, 0 }, { "judi online", K_GAMS, 0 },
	{ "judi slot", K_GAMS, 0 }, { "situs judi", K_GAMS, 0 }, { "agen judi", K_GAMS, 0 },
	{ "togel", K_GAMS, T_WHOLE }, { "maxwin", K_GAMS, 0 }, { "sbobet", K_GAMS, 0 },
	{ "slot online", K_GAMS, 0 }, { "rtp slot", K_GAMS, 0 }, { "deneme bonusu", K_GAMS, 0 },
	{ "canlı bahis", K_GAMS, 0 }, { "canli bahis", K_GAMS, 0 }, { "bahis siteleri", K_GAMS, 0 },
	{ "bahis sitesi", K_GAMS, 0 }, { "casino siteleri", K_GAMS, 0 },
	{ "kaçak bahis", K_GAMS, 0 }, { "bedava bonus", K_GAMS, 0 }, { "slot oyunları", K_GAMS, 0 },
	{ "کازینو آنلاین", K_GAMS, 0 }, { "کازینو انلاین", K_GAMS, 0 },
	{ "شرط بندی آنلاین", K_GAMS, 0 }, { "سایت شرط بندی", K_GAMS, 0 },
	{ "بازی انفجار", K_GAMS, 0 }, { "سایت انفجار", K_GAMS, 0 }, { "حکم آنلاین", K_GAMS, 0 },
	{ "پوکر آنلاین", K_GAMS, 0 }, { "پاسور آنلاین", K_GAMS, 0 }, { "رولت آنلاین", K_GAMS, 0 },
	{ "بلک جک آنلاین", K_GAMS, 0 }, { "وان ایکس بت", K_GAMS, 0 }, { "بت فوروارد", K_GAMS, 0 },
	{ "انفجار آنلاین", K_GAMS, 0 }, { "کازینو معتبر", K_GAMS, 0 },
	{ "онлайн казино", K_GAMS, 0 }, { "казино онлайн", K_GAMS, 0 },
	{ "букмекер", K_GAMS, 0 }, { "casa de apostas", K_GAMS, 0 },
	{ "cassino online", K_GAMS, 0 }, { "كازينو اون لاين", K_GAMS, 0 },
	/* gambling: ordinary words, two different ones near each other */
	{ "casino", K_GAMW, 0 }, { "betting", K_GAMW, 0 }, { "slot", K_GAMW, T_WHOLE },
	{ "slots", K_GAMW, T_WHOLE }, { "poker", K_GAMW, 0 }, { "jackpot", K_GAMW, 0 },
	{ "roulette", K_GAMW, 0 }, { "blackjack", K_GAMW, 0 }, { "bonus", K_GAMW, 0 },
	{ "bet", K_GAMW, T_WHOLE }, { "wager", K_GAMW, 0 }, { "judi", K_GAMW, T_WHOLE },
{ "bahis", K_GAMW, 0 }, { "kazino", K_GAMW, 0 },
	{ "کازینو", K_GAMW, 0 }, { "شرط بندی", K_GAMW, 0 }, { "انفجار", K_GAMW, 0 },
	{ "پوکر", K_GAMW, 0 }, { "بت", K_GAMW, T_WHOLE }, { "بونوس", K_GAMW, 0 },
	{ "رولت", K_GAMW, 0 }, { "بلک جک", K_GAMW, 0 }, { "پیش بینی فوتبال", K_GAMW, 0 },
	{ "казино", K_GAMW, 0 }, { "ставк", K_GAMW, 0 }, { "كازينو", K_GAMW, T_SUB },
	{ "مراهن", K_GAMW, T_SUB }, { "apostas", K_GAMW, 0 }, { "cassino", K_GAMW, 0 },

	/* pharmacy */
	{ "online pharmacy", K_PHS, 0 }, { "without prescription", K_PHS, 0 },
	{ "without a prescription", K_PHS, 0 }, { "no prescription", K_PHS, 0 },
	{ "canadian pharmacy", K_PHS, 0 }, { "generic viagra", K_PHS, 0 },
	{ "generic cialis", K_PHS, 0 }, { "obat kuat", K_PHS, 0 }, { "sem receita", K_PHS, 0 },
	{ "без рецепта", K_PHS, 0 }, { "بدون نسخه", K_PHS, 0 }, { "reçetesiz", K_PHS, 0 },
	{ "viagra", K_PHB, 0 }, { "cialis", K_PHB, 0 }, { "levitra", K_PHB, 0 },
	{ "kamagra", K_PHB, 0 }, { "tadalafil", K_PHB, 0 }, { "sildenafil", K_PHB, 0 },
	{ "tramadol", K_PHB, 0 }, { "xanax", K_PHB, 0 }, { "phentermine", K_PHB, 0 },
	{ "ambien", K_PHB, 0 }, { "priligy", K_PHB, 0 }, { "ویاگرا", K_PHB, 0 },
	{ "سیالیس", K_PHB, 0 }, { "لویترا", K_PHB, 0 }, { "کاماگرا", K_PHB, 0 },
	{ "تادالافیل", K_PHB, 0 }, { "سیلدنافیل", K_PHB, 0 }, { "виагр", K_PHB, 0 },
	{ "сиалис", K_PHB, 0 }, { "فياجرا", K_PHB, T_SUB },
	{ "buy", K_PHC, T_WHOLE }, { "cheap", K_PHC, 0 }, { "order", K_PHC, T_WHOLE },
	{ "discount", K_PHC, 0 }, { "price", K_PHC, 0 }, { "pills", K_PHC, 0 },
	{ "for sale", K_PHC, 0 }, { "خرید", K_PHC, 0 }, { "قیمت", K_PHC, 0 },
	{ "فروش", K_PHC, 0 }, { "beli", K_PHC, T_WHOLE }, { "jual", K_PHC, 0 },
	{ "harga", K_PHC, 0 }, { "satın al", K_PHC, 0 }, { "fiyat", K_PHC, 0 },
	{ "купить", K_PHC, 0 }, { "цена", K_PHC, 0 }, { "comprar", K_PHC, 0 },
	{ "شراء", K_PHC, T_SUB },

	/* other spam */
	{ "payday loan", K_SPAM, 0 }, { "payday loans", K_SPAM, 0 }, { "replica watches", K_SPAM, 0 },
	{ "replica handbags", K_SPAM, 0 }, { "replica bags", K_SPAM, 0 },
	{ "cheap jerseys", K_SPAM, 0 }, { "essay writing service", K_SPAM, 0 },
	{ "write my essay", K_SPAM, 0 }, { "buy followers", K_SPAM, 0 },
	{ "buy instagram followers", K_SPAM, 0 }, { "free porn", K_SPAM, 0 },
	{ "porn video", K_SPAM, 0 }, { "porn videos", K_SPAM, 0 }, { "sex video", K_SPAM, 0 },
	{ "sex videos", K_SPAM, 0 }, { "xxx videos", K_SPAM, 0 }, { "bokep", K_SPAM, T_WHOLE },
	{ "سکس", K_SPAM, T_WHOLE }, { "فیلم سوپر", K_SPAM, 0 }, { "کلیپ سوپر", K_SPAM, 0 },
	{ "خرید فالوور", K_SPAM, 0 }, { "فالوور فیک", K_SPAM, 0 }, { "وام فوری", K_SPAM, 0 },
	{ "pinjaman online", K_SPAM, 0 }, { "takipçi satın al", K_SPAM, 0 },
	{ "порно", K_SPAM, 0 },

	/* News about the trade: a gambling ring arrested, pharmacy fakes seized,
	** sites blocked. Near these words, spam vocabulary is reporting. */
	{ "police", K_GNEWS, 0 }, { "arrest", K_GNEWS, 0 }, { "illegal", K_GNEWS, 0 },
	{ "crackdown", K_GNEWS, 0 }, { "banned", K_GNEWS, 0 }, { "seized", K_GNEWS, 0 },
	{ "prosecutor", K_GNEWS, 0 }, { "court", K_GNEWS, T_WHOLE }, { "convicted", K_GNEWS, 0 },
	{ "addiction", K_GNEWS, 0 }, { "regulator", K_GNEWS, 0 }, { "پلیس", K_GNEWS, 0 },
	{ "دستگیر", K_GNEWS, 0 }, { "غیرمجاز", K_GNEWS, 0 }, { "غیر مجاز", K_GNEWS, 0 },
	{ "مسدود", K_GNEWS, 0 }, { "دادستان", K_GNEWS, 0 }, { "قاچاق", K_GNEWS, 0 },
	{ "اعتیاد", K_GNEWS, 0 }, { "جرم", K_GNEWS, 0 }, { "الشرطة", K_GNEWS, T_SUB },
	{ "القبض", K_GNEWS, T_SUB }, { "غير قانوني", K_GNEWS, T_SUB }, { "غير مشروع", K_GNEWS, T_SUB },
	{ "polis", K_GNEWS, T_WHOLE }, { "gözaltı", K_GNEWS, 0 }, { "yasadışı", K_GNEWS, 0 },
	{ "yasa dışı", K_GNEWS, 0 }, { "yasadisi", K_GNEWS, 0 }, { "polisi", K_GNEWS, T_WHOLE },
	{ "ditangkap", K_GNEWS, 0 }, { "ilegal", K_GNEWS, 0 }, { "diblokir", K_GNEWS, 0 },
	{ "pemblokiran", K_GNEWS, 0 }, { "polícia", K_GNEWS, 0 }, { "presos", K_GNEWS, 0 },
	{ "ilegais", K_GNEWS, 0 }, { "полици", K_GNEWS, 0 }, { "задержан", K_GNEWS, 0 },
	{ "незаконн", K_GNEWS, 0 }, { "заблокирован", K_GNEWS, 0 },
	/* News about a hacker group: who claimed which attack, says whom. */
	{ "claimed", K_HNEWS, 0 }, { "claims", K_HNEWS, T_WHOLE }, { "responsibility", K_HNEWS, 0 },
	{ "attack", K_HNEWS, 0 }, { "according to", K_HNEWS, 0 }, { "reported", K_HNEWS, 0 },
	{ "ادعا", K_HNEWS, 0 }, { "مسئولیت", K_HNEWS, 0 }, { "حمله", K_HNEWS, 0 },
	{ "حملات", K_HNEWS, 0 }, { "گزارش", K_HNEWS, 0 }, { "به گفته", K_HNEWS, 0 },
	{ "اعلام کرد", K_HNEWS, 0 }, { "هشدار", K_HNEWS, 0 }, { "تبنى", K_HNEWS, T_SUB },
	{ "هجوم", K_HNEWS, T_SUB }, { "هجمات", K_HNEWS, T_SUB }, { "اعلن", K_HNEWS, T_SUB },
	{ "iddia", K_HNEWS, 0 }, { "saldırı", K_HNEWS, 0 }, { "saldiri", K_HNEWS, 0 },
	{ "üstlendi", K_HNEWS, 0 }, { "serangan", K_HNEWS, 0 }, { "mengklaim", K_HNEWS, 0 },
	{ "ataque", K_HNEWS, 0 }, { "reivindic", K_HNEWS, 0 }, { "атак", K_HNEWS, 0 },
	{ "заявил", K_HNEWS, 0 },
};

#define NTERMS (sizeof(terms) / sizeof(terms[0]))
#define ARENA_MAX 16384 /* the folded table takes about 7 KB */

/* The table folded like the text, sorted, and indexed by its first two
** bytes, so the scan tries at each position only the phrases that can
** start there. Built once per process. */
struct fterm {
	uint32_t off;
	uint16_t len;
	uint8_t cat, fl;
};
static struct fterm ft[NTERMS];
static size_t nft;
static char arena[ARENA_MAX];
static uint16_t idx2[65537]; /* phrases with first two bytes k: ft[idx2[k]..idx2[k+1]) */
static pthread_once_t terms_once = PTHREAD_ONCE_INIT;

static int fterm_cmp(const void *a, const void *b)
{
	const struct fterm *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(arena + x->off, arena + y->off, n);
	return c ? c : (int)x->len - (int)y->len;
}

static void terms_load(void)
{
	size_t used = 0;
	for (size_t i = 0; i < NTERMS; i++) {
		size_t n;
		char *f = watch_fold(terms[i].s, strlen(terms[i].s), false, &n);
		if (!f)
			continue; /* out of memory at start-up: one phrase fewer */
		n = fold_more((unsigned char *)f, n);
		if (n >= 2 && used + n <= ARENA_MAX) {
			memcpy(arena + used, f, n);
			ft[nft++] = (struct fterm){ (uint32_t)used, (uint16_t)n, terms[i].cat,
						    terms[i].fl };
			used += n;
		}
		free(f);
	}
	qsort(ft, nft, sizeof(ft[0]), fterm_cmp);
	size_t j = 0;
	for (size_t k = 0; k <= 65536; k++) {
		while (j < nft && (size_t)(((unsigned char)arena[ft[j].off] << 8) |
					   (unsigned char)arena[ft[j].off + 1]) < k)
			j++;
		idx2[k] = (uint16_t)j;
	}
}

/* ------------------------------------------------------------- scanning */

/* Windows, in bytes of folded text, within which words make one statement:
** a claim or a demand is one clause; a ransom note's parts sit in one
** paragraph; gambling and pharmacy words in one spam line. */
#define W_CLAUSE 80
#define W_NOTE 600
#define W_SPAM 300
#define W_CREW 24
#define W_CONTACT 40
#define LIST_SCAN 240
#define WALLETS_MAX 64
#define CAND_MAX 16

#define FAR (-(1LL << 40))
#define NDEFER 4     /* deferred mark families (spam_flag) */
#define DEFER_CREW 3 /* the crew names' one */

struct scan {
	const unsigned char *t;
	size_t n;
	long long last[K_NCAT]; /* position of the latest phrase of each family */
	long long claim, demand, wording, handle;
	bool verb_claims; /* the latest compromise verb is in a past or perfect tense */
	int gamw_term; /* the latest ordinary gambling word (index in ft) */
	/* wallets (raw-text positions: folding only removes bytes, and the text
	** handed in is whitespace-collapsed already, so positions differ by a
	** little; the note window absorbs it) */
	size_t wpos[WALLETS_MAX], nw;
	/* ransom candidates and "do not pay" positions, decided at the end */
	long long cand[CAND_MAX], neg[CAND_MAX];
	size_t ncand, nneg;
	char cand_first[CAND_MAX][64];
	struct watch_text_marks *out;
	long long first_pos;
	size_t run_end; /* handle runs are read once: the last one ended here */
	/* Spam and crew marks wait W_SPAM bytes for a news word that would
	** make them reporting: per family, the earliest pending one, or FAR. */
	long long spam_pos[NDEFER];
	char spam_first[NDEFER][64];
};

/* The marks deferred for news words, in spam_pos order: the spam families,
** then crew names (DEFER_CREW: "the hacker team X claimed the attack" is
** news on a CERT's site). */
static const unsigned spam_flag[NDEFER] = { WATCH_TX_GAMBLING, WATCH_TX_PHARMA, WATCH_TX_SPAM,
					    WATCH_TX_GREETS };

static bool alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Copy s[0..n) into dst (cap bytes), cut on a character boundary, with
** any invalid byte as '?' and control characters (NUL included) as ' ', so
** what the verdict shows is valid UTF-8 and whole. */
static void copy_valid(char *dst, size_t cap, const unsigned char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		size_t l;
		uint32_t cp = utf8_dec(s + i, n - i, &l);
		if (k + l >= cap)
			break;
		if (cp == BAD_CP)
			dst[k++] = '?';
		else if (cp < 0x20)
			dst[k++] = ' ';
		else
			memcpy(dst + k, s + i, l), k += l;
		i += l;
	}
	dst[k] = '\0';
}

/* Record a mark: its flag, and what it was when it is the earliest found. */
static void mark(struct scan *sc, unsigned flag, long long pos, const unsigned char *s, size_t n)
{
	sc->out->flags |= flag;
	if (sc->first_pos < 0 || pos < sc->first_pos) {
		sc->first_pos = pos;
		copy_valid(sc->out->first, sizeof(sc->out->first), s, n);
	}
}

static bool within(const struct scan *sc, int cat, long long pos, long long w)
{
	return sc->last[cat] != FAR && pos - sc->last[cat] <= w;
}

/* A messenger or social handle is a handle; an e-mail address is one too,
** with its own flag, as the site's own footer also shows one. */
#define MESSENGER (WATCH_TX_HANDLE | WATCH_TX_MESSENGER)

/* A handle's characters (Telegram, Instagram, X, Discord: letters, digits,
** '_' and '.'; a WhatsApp number's digits and '+'). */
static bool handle_char(unsigned char c)
{
	return alnum(c) || c == '_' || c == '.';
}

/* After a messenger link prefix: a name or number of at least 2. */
static void on_urlh(struct scan *sc, size_t at, size_t end)
{
	size_t e = end;
	while (e < sc->n && e - end < 64 && (handle_char(sc->t[e]) || sc->t[e] == '+' ||
					     sc->t[e] == '/' || sc->t[e] == '?' || sc->t[e] == '='))
		e++;
	/* api.whatsapp.com/send is a handle by itself (?phone= follows). */
	if (e - end >= 2 || sc->t[end - 1] != '/') {
		mark(sc, MESSENGER, (long long)at, sc->t + at, e - at);
		sc->handle = (long long)at;
	}
}

/* "icq 123456789", "ICQ: 123-456-789", "icq#": the number, 5 to 10 digits
** in groups, after at most a few separators or "uin". */
static void on_icq(struct scan *sc, size_t at, size_t end)
{
	size_t p = end, skip = 0;
	bool hash = false;
	while (p < sc->n && skip < 8 &&
	       (sc->t[p] == ' ' || sc->t[p] == ':' || sc->t[p] == '#' || sc->t[p] == '-' ||
		sc->t[p] == '=' || sc->t[p] == 'u' || sc->t[p] == 'i' || sc->t[p] == 'n')) {
		hash |= sc->t[p] == '#' && p == end;
		p++;
		skip++;
	}
	size_t digits = 0, e = p;
	while (e < sc->n && e - p < 16) {
		bool digit = sc->t[e] >= '0' && sc->t[e] <= '9';
		bool group = (sc->t[e] == '-' || sc->t[e] == ' ') && e + 1 < sc->n &&
			     sc->t[e + 1] >= '0' && sc->t[e + 1] <= '9';
		if (!digit && !group)
			break;
		digits += digit;
		e++;
	}
	if ((digits >= 5 && digits <= 10) || hash) {
		mark(sc, MESSENGER, (long long)at, sc->t + at, (digits >= 5 ? e : p) - at);
		sc->handle = (long long)at;
	}
}

/* "tox id: <76 hex digits>": the Tox messenger ids ransom notes give. */
static void on_tox(struct scan *sc, size_t at, size_t end)
{
	size_t p = end;
	while (p < sc->n && p - end < 12 && !alnum(sc->t[p]))
		p++;
	if (p + 2 < sc->n && sc->t[p] == 'i' && sc->t[p + 1] == 'd')
		for (p += 2; p < sc->n && p - end < 20 && !alnum(sc->t[p]); p++)
			;
	size_t e = p;
	while (e < sc->n && e - p < 80 &&
	       ((sc->t[e] >= '0' && sc->t[e] <= '9') || (sc->t[e] >= 'a' && sc->t[e] <= 'f')))
		e++;
	if (e - p == 76 && (e >= sc->n || !alnum(sc->t[e]))) {
		mark(sc, MESSENGER, (long long)at, sc->t + at, (e - at) > 40 ? 40 : e - at);
		sc->handle = (long long)at;
	}
}

/* A messenger's name followed by a handle: "telegram: hack_team",
** "WhatsApp +62 812 3456 7890", "Instagram - x0r". An "@" handle is the '@'
** rule's; a plain word after the name ("telegram channel") is not a handle
** unless a colon or dash introduced it. */
static void on_msg(struct scan *sc, size_t at, size_t end)
{
	size_t p = end;
	bool intro = false;
	while (p < sc->n && p - end < 6 &&
	       (sc->t[p] == ' ' || sc->t[p] == ':' || sc->t[p] == '-' || sc->t[p] == '=')) {
		intro |= sc->t[p] != ' ';
		p++;
	}
	if (p < sc->n && (sc->t[p] == '@' || sc->t[p] == '+'))
		p++;
	size_t e = p, digits = 0;
	bool special = false;
	while (e < sc->n && e - p < 40 &&
	       (handle_char(sc->t[e]) ||
		(sc->t[e] == ' ' && digits && e + 1 < sc->n && sc->t[e + 1] >= '0' &&
		 sc->t[e + 1] <= '9'))) {
		digits += sc->t[e] >= '0' && sc->t[e] <= '9';
		special |= sc->t[e] == '_' || (sc->t[e] >= '0' && sc->t[e] <= '9');
		e++;
	}
	while (e > p && sc->t[e - 1] == '.')
		e--;
	size_t hl = e - p;
	/* A phone number: digits (with single spaces) only, 8 or more. */
	bool phone = digits >= 8;
	for (size_t k = p; k < e && phone; k++)
		phone = (sc->t[k] >= '0' && sc->t[k] <= '9') || sc->t[k] == ' ';
	if (phone || (hl >= 3 && hl <= 32 && (special || intro) && !word_at(sc->t, sc->n, e))) {
		mark(sc, MESSENGER, (long long)at, sc->t + at, e - at);
		sc->handle = (long long)at;
	}
}

/* '@' at i: an e-mail or XMPP address (local@domain.tld), or an @handle
** shortly after a contact or messenger word. Each scan stops at the next
** '@' or after a bounded run, so the work stays linear. */
static void on_at(struct scan *sc, size_t i)
{
	const unsigned char *t = sc->t;
	size_t a = i;
	while (a > 0 && i - a < 64 &&
	       (alnum(t[a - 1]) || t[a - 1] == '.' || t[a - 1] == '_' || t[a - 1] == '%' ||
		t[a - 1] == '+' || t[a - 1] == '-'))
		a--;
	size_t e = i + 1, lastdot = 0;
	while (e < sc->n && e - i < 254 && (alnum(t[e]) || t[e] == '-' || t[e] == '.'))
		e++;
	while (e > i + 1 && t[e - 1] == '.') /* the sentence's full stop */
		e--;
	for (size_t k = i + 1; k < e; k++)
		if (t[k] == '.')
			lastdot = k;
	if (a < i && lastdot && e - lastdot - 1 >= 2) {
		bool alpha = true;
		for (size_t k = lastdot + 1; k < e; k++)
			alpha = alpha && (t[k] | 0x20) >= 'a' && (t[k] | 0x20) <= 'z';
		if (alpha && t[a] != '.' && t[i - 1] != '.') {
			mark(sc, WATCH_TX_HANDLE | WATCH_TX_EMAIL, (long long)a, t + a, e - a);
			sc->handle = (long long)a;
			return;
		}
	}
	if (a < i)
		return; /* "x@y" that is no address */
	size_t h = i + 1;
	while (h < sc->n && h - i <= 33 && handle_char(t[h]))
		h++;
	while (h > i + 1 && t[h - 1] == '.')
		h--;
	if (h - i - 1 >= 3 && h - i - 1 <= 32 &&
	    (within(sc, K_MSG, (long long)i, W_CONTACT) ||
	     within(sc, K_CONTACT, (long long)i, W_CONTACT))) {
		mark(sc, MESSENGER, (long long)i, t + i, h - i);
		sc->handle = (long long)i;
	}
}

/* The separators of a greetings list. '-' and '/' only between spaces, so
** "state-of-the-art" and "and/or" split nothing. *strong: a separator
** ordinary prose does not use ('|', '•', ' - ', '*', '+', '~'). Returns the
** separator's length, 0 when s[i] is none. */
static size_t list_sep(const unsigned char *s, size_t n, size_t i, bool *strong)
{
	unsigned char c = s[i];
	bool spaced = i > 0 && s[i - 1] == ' ' && i + 1 < n && s[i + 1] == ' ';
	*strong = false;
	if (c == ',' || c == ';' || c == '&')
		return 1;
	if (c == '|' || c == '*' || c == '+' || c == '~' || c == '#' ||
	    ((c == '-' || c == '/' || c == '=') && spaced)) {
		*strong = true;
		return 1;
	}
	if (i + 1 < n && c == 0xD8 && (s[i + 1] == 0x8C || s[i + 1] == 0x9B)) /* ، ؛ */
		return 2;
	if (i + 2 < n && c == 0xE2 && s[i + 1] == 0x80 &&
	    (s[i + 2] == 0xA2 || s[i + 2] == 0x93 || s[i + 2] == 0x94)) { /* • – — */
		*strong = s[i + 2] == 0xA2 || spaced || (i > 0 && s[i - 1] == ' ');
		return 3;
	}
	if (i + 1 < n && c == 0xC2 && s[i + 1] == 0xB7) { /* · */
		*strong = true;
		return 2;
	}
	return 0;
}

/* Does the list item s[a..b) look like a handle rather than a person or an
** office: a digit, '_', '@', a '.' inside a word ("Mr.X"), or Latin letters
** after a keyword in Arabic script (or the reverse)? */
static bool handle_like(const unsigned char *s, size_t a, size_t b, bool key_arabic)
{
	bool latin = false, arabic = false;
	for (size_t k = a; k < b; k++) {
		unsigned char c = s[k];
		if ((c >= '0' && c <= '9') || c == '_' || c == '@')
			return true;
		if (c == '.' && k > a && k + 1 < b && alnum(s[k - 1]) && alnum(s[k + 1]))
			return true;
		latin |= (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
		arabic |= c >= 0xD8 && c <= 0xDB;
	}
	return key_arabic ? latin : arabic;
}

/* The handle-like token at t[p] (an optional '@', then letters, digits, '_'
** and inner '.'): its length, 0 when there is none. Handle-like: 4 to 33
** bytes, two letters or more, and an '_' or letters and digits mixed
** ("zero_team34", "r00t133710", "ghostx51"): what defacers sign as, not
** a word, a number, a year or a file name. *at: it starts with '@';
** *styled: it also has what only handles have, an '@', an '_' or digits
** between letters ("r00t", "gh0st"), unlike a course or model code
** ("cs101", "comp3012"). */
static size_t handle_token(const unsigned char *t, size_t n, size_t p, bool *at, bool *styled)
{
	size_t q = p;
	*at = q < n && t[q] == '@';
	if (*at)
		q++;
	size_t letters = 0, digits = 0, under = 0, leet = 0, b = q;
	while (q < n && q - p < 34 && handle_char(t[q]))
		q++;
	if (q < n && (handle_char(t[q]) || t[q] >= 0x80 || t[q] == '@' || t[q] == '-'))
		return 0; /* longer, or glued to a word in another script */
	while (q > b && t[q - 1] == '.')
		q--;
	bool after_letter = false; /* in a digit run that follows a letter */
	for (size_t k = b; k < q; k++) {
		bool letter = t[k] >= 'a' && t[k] <= 'z', digit = t[k] >= '0' && t[k] <= '9';
		letters += letter;
		digits += digit;
		under += t[k] == '_';
		leet += letter && after_letter && k > b && t[k - 1] >= '0' && t[k - 1] <= '9';
		if (letter)
			after_letter = true;
		else if (!digit)
			after_letter = false;
	}
	size_t len = q - p;
	if (len < 4 || letters < 2 || !(under || digits))
		return 0;
	/* A file or host name ("form_1403.pdf", "cdn2.example.com"), as a
	** downloads list shows them: a last part of 2 to 4 letters after a dot. */
	size_t dot = q;
	while (dot > b && t[dot - 1] != '.')
		dot--;
	if (dot > b && q - dot >= 2 && q - dot <= 4) {
		bool alpha = true;
		for (size_t k = dot; k < q; k++)
			alpha = alpha && t[k] >= 'a' && t[k] <= 'z';
		if (alpha)
			return 0;
	}
	*styled = *at || under || leet;
	return len;
}

/* How many handle-like tokens follow one another from p, apart only by
** spaces and list separators ("~", "|", ",", "-", "•"); *end: where the
** last one ends, *ats: how many start with '@', *styled: how many are
** styled as handles only are (handle_token). A hashtag ends the run:
** "#save_water #green_city" is a campaign, not a crew. */
static size_t handle_run(const unsigned char *t, size_t n, size_t p, size_t *end, size_t *ats,
			 size_t *styled)
{
	size_t count = 0;
	*end = p;
	*ats = *styled = 0;
	for (;;) {
		bool at, sty;
		size_t tl = handle_token(t, n, p, &at, &sty);
		if (!tl)
			break;
		count++;
		*ats += at;
		*styled += sty;
		*end = p + tl;
		size_t q = p + tl, g = 0;
		while (q < n && g < 12) {
			unsigned char c = t[q];
			if (c == ' ' || c == '~' || c == '|' || c == ',' || c == ';' || c == '-' ||
			    c == '*' || c == '+' || c == '/' || c == '=') {
				q++;
				g++;
			} else if (q + 2 < n && c == 0xE2 && t[q + 1] == 0x80 &&
				   (t[q + 2] == 0xA2 || t[q + 2] == 0x93 || t[q + 2] == 0x94)) {
				q += 3;
				g += 3;
			} else if (q + 1 < n && ((c == 0xC2 && t[q + 1] == 0xB7) ||
						 (c == 0xD8 && t[q + 1] == 0x8C))) {
				q += 2;
				g += 2;
			} else {
				break;
			}
		}
		if (q == p + tl || q >= n || g >= 12 || t[q] == '#')
			break;
		p = q;
	}
	return count;
}

/* A greetings keyword ended at end: read the list after it. Items are
** split at list separators; an item is a name when it has 1 to 3 words and
** at most 32 bytes. The list ends at the first item that is no name, a
** sentence end or LIST_SCAN bytes. Three names make a list; an ordinary
** keyword (g2) also wants a handle-like name or a defacer's separator.
** Three handle-like tokens in a row make one too, separated or not
** ("تحياتنا إلى: xploit_tr17 sniper_sec30 phantomx67"). */
static void on_greet(struct scan *sc, size_t at, size_t end, bool g2)
{
	const unsigned char *t = sc->t;
	size_t n = sc->n, p = end;
	bool key_arabic = t[at] >= 0xD8 && t[at] <= 0xDB;
	/* "Greetz:", "thanks to -", "درود به :" */
	while (p < n && p - end < 8 &&
	       (t[p] == ' ' || t[p] == ':' || t[p] == '-' || t[p] == '>' || t[p] == '=' ||
		t[p] == '!'))
		p++;
	if (!g2 && p + 3 <= n && memcmp(t + p, "to ", 3) == 0)
		p += 3;
	size_t limit = p + LIST_SCAN < n ? p + LIST_SCAN : n;
	size_t names = 0, a = p, words = 0;
	bool strong = false, handles = false, inword = false;
	for (size_t i = p; i <= limit; i++) {
		bool st = false;
		size_t sl = i < limit ? list_sep(t, limit, i, &st) : 1;
		bool stop = i == limit ||
			    ((t[i] == '.' || t[i] == '!' || t[i] == '?') &&
			     (i + 1 >= limit || t[i + 1] == ' ') && !(i > a && alnum(t[i - 1]) &&
								      i - a <= 4));
		if (sl || stop) {
			size_t b = i;
			while (b > a && t[b - 1] == ' ')
				b--;
			size_t aa = a;
			while (aa < b && t[aa] == ' ')
				aa++;
			if (b > aa) {
				if (words < 1 || words > 3 || b - aa > 32)
					break;
				names++;
				handles |= handle_like(t, aa, b, key_arabic);
				strong |= st && !stop;
			} /* else an empty item: "greetz: | a | b", "a,, b" */
			if (stop)
				break;
			a = i + sl;
			i += sl - 1;
			words = 0;
			inword = false;
			continue;
		}
		bool sp = t[i] == ' ';
		if (!sp && !inword)
			words++;
		inword = !sp;
	}
	size_t run_end, ats, styled;
	if ((names >= 3 && (!g2 || strong || handles)) ||
	    handle_run(t, n, p, &run_end, &ats, &styled) >= 3)
		mark(sc, WATCH_TX_GREETS, (long long)at, t + at, end - at);
}

static void spam_candidate(struct scan *sc, int k, long long pos, const unsigned char *s,
			   size_t n);

/* A crew word ("team", "تیم") with a hacker word within a few words on
** either side and no "security / national / response" beside it. The
** hacker word may come after, so crews are also checked when it arrives. */
static void check_crew(struct scan *sc, long long pos, size_t at, size_t len)
{
	if (within(sc, K_CREW, pos, W_CREW) && within(sc, K_HFLAV, pos, W_CREW) &&
	    !within(sc, K_CREWX, pos, W_CREW + 8)) {
		long long from = sc->last[K_CREW] < sc->last[K_HFLAV] ? sc->last[K_CREW] :
									 sc->last[K_HFLAV];
		size_t end = at + len;
		spam_candidate(sc, DEFER_CREW, from, sc->t + from, end - (size_t)from);
	}
}

/* A ransom candidate at pos: decided at the end, once every "do not pay"
** of the text is known. */
static void ransom_candidate(struct scan *sc, long long pos, size_t at, size_t len)
{
	/* One candidate per stretch of text: the slots are for notes far apart
	** (an advisory's "do not pay" suppressing one must not hide another). */
	if (sc->ncand >= CAND_MAX || (sc->ncand && pos - sc->cand[sc->ncand - 1] <= W_NOTE / 2))
		return;
	copy_valid(sc->cand_first[sc->ncand], sizeof(sc->cand_first[0]), sc->t + at, len);
	sc->cand[sc->ncand++] = pos;
}

static bool wallet_near(const struct scan *sc, long long pos)
{
	for (size_t k = 0; k < sc->nw; k++)
		if ((long long)sc->wpos[k] >= pos - W_NOTE && (long long)sc->wpos[k] <= pos + W_NOTE)
			return true;
	return false;
}

/* Does the compromise verb at t[at..end) tell what happened, rather than
** what will or may happen: no future or "if" word shortly before it, and
** in Persian no خواهد / شود after it ("حذف خواهد شد", "رمزگذاری شود"). */
static bool verb_claims(const struct scan *sc, long long pos, size_t end)
{
	if (within(sc, K_FUT, pos, 40))
		return false;
	size_t w = sc->n - end < 24 ? sc->n - end : 24;
	static const char fut[] = "خواهد", subj[] = "شود";
	return !memmem(sc->t + end, w, fut, sizeof(fut) - 1) &&
	       !memmem(sc->t + end, w, subj, sizeof(subj) - 1);
}

/* The ransom families after a phrase of category cat at pos:
**   claim  — a compromise verb, a data noun and "your" / "we" in one clause
**            ("your database has been downloaded"), or "your files" in one
**            word (ملفاتك) with the verb; a verb in the past or perfect
**            (verb_claims);
**   demand — restore / decrypt with "your" data, or with data and "contact
**            us", in one clause ("to recover your password, contact us" is
**            no demand: a password is not what was taken);
**   note   — a claim, payment or threat wording within W_NOTE of a demand or
**            a wallet. A claim with only a handle is no note: a privacy
**            notice or a download page says "your file was deleted /
**            downloaded" beside its e-mail. */
static void check_ransom(struct scan *sc, int cat, long long pos, size_t at, size_t len)
{
	/* Word order tells the claim from the reader's own act ("deleted
	** something by mistake? we restore your files"): "your files ...
	** encrypted" (the noun first, in every language here), "we ...
	** encrypted ... your files" (the verb between), or "ملفاتك" in either
	** order with the verb. */
	bool claim = false;
	if (cat == K_VERB) {
		sc->verb_claims = verb_claims(sc, pos, at + len);
		claim = within(sc, K_YOBJ, pos, W_CLAUSE) ||
			(within(sc, K_OBJ, pos, W_CLAUSE) && within(sc, K_YOUR, pos, W_CLAUSE));
	} else if (cat == K_YOBJ) {
		claim = within(sc, K_VERB, pos, W_CLAUSE);
	} else if (cat == K_OBJ) {
		claim = within(sc, K_VERB, pos, W_CLAUSE) && within(sc, K_WE, pos, W_CLAUSE) &&
			sc->last[K_WE] < sc->last[K_VERB];
	}
	claim = claim && sc->verb_claims;
	if (claim)
		sc->claim = pos;
	if (cat == K_DEMV || cat == K_OBJ || cat == K_YOBJ || cat == K_YOUR || cat == K_CALL) {
		if (within(sc, K_DEMV, pos, W_CLAUSE) &&
		    (within(sc, K_YOBJ, pos, W_CLAUSE) ||
		     (within(sc, K_OBJ, pos, W_CLAUSE) &&
		      (within(sc, K_YOUR, pos, W_CLAUSE) || within(sc, K_CALL, pos, W_CLAUSE)))))
			sc->demand = pos;
	}
	if (cat == K_PAY || cat == K_THREAT)
		sc->wording = pos;
	if (sc->claim > sc->wording)
		sc->wording = sc->claim;
	bool note = false;
	if (sc->wording != FAR && pos - sc->wording <= W_NOTE)
		note = (sc->demand != FAR && pos - sc->demand <= W_NOTE) || wallet_near(sc, pos);
	if (note)
		ransom_candidate(sc, pos, at, len);
}

/* --------------------------------------------------------------- wallets */

static bool b58(unsigned char c)
{
	return alnum(c) && c != '0' && c != 'O' && c != 'I' && c != 'l';
}

/* Does the alphanumeric run r[0..n) have the shape of a cryptocurrency
** address? Bitcoin legacy and P2SH (1/3 + 25..34 base58), bech32 (bc1 +
** the bech32 alphabet, one case), Ethereum (0x + 40 hex), Monero (4/8 +
** 94..105 base58), Tron (T + 33 base58). Base58 shapes also need upper-
** and lower-case letters and a digit, as real addresses have and words,
** numbers and hex tokens do not. */
static bool wallet_shape(const unsigned char *r, size_t n)
{
	if (n == 42 && r[0] == '0' && (r[1] | 0x20) == 'x') {
		for (size_t i = 2; i < n; i++)
			if (!((r[i] >= '0' && r[i] <= '9') || ((r[i] | 0x20) >= 'a' && (r[i] | 0x20) <= 'f')))
				return false;
		return true;
	}
	if (n >= 42 && n <= 62 && (r[0] | 0x20) == 'b' && (r[1] | 0x20) == 'c' && r[2] == '1') {
		static const char bech[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
		bool upper = r[0] == 'B', digit = false;
		for (size_t i = 3; i < n; i++) {
			unsigned char c = r[i];
			if (upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z'))
				return false;
			if (!strchr(bech, c | 0x20) || !c)
				return false;
			digit |= c >= '0' && c <= '9';
		}
		return digit;
	}
	bool shape = ((r[0] == '1' || r[0] == '3') && n >= 26 && n <= 35) ||
		     ((r[0] == '4' || r[0] == '8') && n >= 95 && n <= 106) ||
		     (r[0] == 'T' && n == 34);
	if (!shape)
		return false;
	bool up = false, lo = false, dg = false;
	for (size_t i = 1; i < n; i++) {
		if (!b58(r[i]))
			return false;
		up |= r[i] >= 'A' && r[i] <= 'Z';
		lo |= r[i] >= 'a' && r[i] <= 'z';
		dg |= r[i] >= '0' && r[i] <= '9';
	}
	return up && lo && dg;
}

/* Wallets in the raw text (case matters, so before folding). */
static void find_wallets(struct scan *sc, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (!alnum(s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && alnum(s[j]))
			j++;
		if (wallet_shape(s + i, j - i)) {
			sc->out->flags |= WATCH_TX_WALLET;
			if (sc->nw < WALLETS_MAX)
				sc->wpos[sc->nw++] = i;
			if (sc->first_pos < 0) {
				sc->first_pos = (long long)i;
				copy_valid(sc->out->first, sizeof(sc->out->first), s + i, j - i);
			}
		}
		i = j;
	}
}

/* ------------------------------------------------------------------ marks */

/* A spam mark of family k (spam_flag) at pos: pending for W_SPAM bytes,
** unless a news word came just before it, or the family is marked or
** pending already (the earliest one stands for the rest: a news word that
** cancels it cancels every later one within the window too). */
static void spam_candidate(struct scan *sc, int k, long long pos, const unsigned char *s,
			   size_t n)
{
	if ((sc->out->flags & spam_flag[k]) || sc->spam_pos[k] != FAR ||
	    within(sc, K_GNEWS, pos, W_SPAM) ||
	    (k == DEFER_CREW && within(sc, K_HNEWS, pos, W_SPAM)))
		return;
	sc->spam_pos[k] = pos;
	copy_valid(sc->spam_first[k], sizeof(sc->spam_first[0]), s, n);
}

/* Mark the pending spam that no news word can cancel any more: what is
** more than W_SPAM before upto (LLONG_MAX at the end of the text: all). */
static void spam_settle(struct scan *sc, long long upto)
{
	for (int k = 0; k < NDEFER; k++)
		if (sc->spam_pos[k] != FAR && upto - sc->spam_pos[k] > W_SPAM) {
			const char *sf = sc->spam_first[k];
			mark(sc, spam_flag[k], sc->spam_pos[k], (const unsigned char *)sf, strlen(sf));
			sc->spam_pos[k] = FAR;
		}
}

static void on_term(struct scan *sc, const struct fterm *f, size_t at)
{
	long long pos = (long long)at;
	size_t end = at + f->len;
	const unsigned char *t = sc->t;
	int cat = f->cat;
	long long prev = sc->last[cat];
	sc->last[cat] = pos;
	spam_settle(sc, pos);
	switch (cat) {
	case K_URLH:
		on_urlh(sc, at, end);
		break;
	case K_ICQ:
		on_icq(sc, at, end);
		break;
	case K_TOX:
		on_tox(sc, at, end);
		break;
	case K_MSG:
		on_msg(sc, at, end);
		sc->last[K_CONTACT] = pos;
		break;
	case K_G1:
	case K_G2:
		if (!(sc->out->flags & WATCH_TX_GREETS))
			on_greet(sc, at, end, cat == K_G2);
		/* "greetz" is defacers' own word: no list needed. */
		if (cat == K_G1 && f->len >= 6 &&
		    (memcmp(t + at, "greetz", 6) == 0 || memcmp(t + at, "gr33tz", 6) == 0))
			mark(sc, WATCH_TX_GREETS, pos, t + at, f->len);
		break;
	case K_CREW:
	case K_HFLAV:
		check_crew(sc, pos, at, f->len);
		break;
	case K_CREWS:
		if (!within(sc, K_CREWX, pos, W_CREW + 8))
			spam_candidate(sc, DEFER_CREW, pos, t + at, f->len);
		break;
	case K_NEG:
		if (sc->nneg < CAND_MAX)
			sc->neg[sc->nneg++] = pos;
		break;
	case K_GAMS:
		spam_candidate(sc, 0, pos, t + at, f->len);
		break;
	case K_GAMW: {
		/* Two different ordinary words of the trade near each other. */
		int ti = (int)(f - ft);
		if (prev != FAR && pos - prev <= W_SPAM && sc->gamw_term >= 0 && sc->gamw_term != ti)
			spam_candidate(sc, 0, prev, t + prev, end - (size_t)prev);
		sc->gamw_term = ti;
		break;
	}
	case K_PHS:
		spam_candidate(sc, 1, pos, t + at, f->len);
		break;
	case K_SPAM:
		spam_candidate(sc, 2, pos, t + at, f->len);
		break;
	case K_GNEWS:
	case K_HNEWS:
		/* Reporting: what waits within W_SPAM before it is no mark. */
		for (int k = cat == K_HNEWS ? DEFER_CREW : 0; k < NDEFER; k++)
			if (sc->spam_pos[k] != FAR && pos - sc->spam_pos[k] <= W_SPAM)
				sc->spam_pos[k] = FAR;
		break;
	case K_PHB:
	case K_PHC: {
		int other = cat == K_PHB ? K_PHC : K_PHB;
		if (within(sc, other, pos, W_SPAM / 2)) {
			long long from = sc->last[other];
			spam_candidate(sc, 1, from, t + from, end - (size_t)from);
		}
		break;
	}
	default:
		break;
	}
	check_ransom(sc, cat, pos, at, f->len);
}

void watch_text_marks(const char *text, size_t len, struct watch_text_marks *out)
{
	memset(out, 0, sizeof(*out));
	if (!text || !len)
		return;
	pthread_once(&terms_once, terms_load);
	struct scan scan, *sc = &scan;
	memset(sc, 0, sizeof(*sc));
	size_t n = 0;
	unsigned char *t = NULL;
	sc->out = out;
	sc->first_pos = -1;
	sc->gamw_term = -1;
	sc->claim = sc->demand = sc->wording = sc->handle = FAR;
	for (int k = 0; k < NDEFER; k++)
		sc->spam_pos[k] = FAR;
	for (int k = 0; k < K_NCAT; k++)
		sc->last[k] = FAR;
	find_wallets(sc, (const unsigned char *)text, len);
	t = (unsigned char *)watch_fold(text, len, false, &n);
	if (!t)
		goto out; /* out of memory: the wallets only, never a crash */
	n = fold_more(t, n);
	sc->t = t;
	sc->n = n;
	for (size_t i = 0; i < n; i++) {
		/* A run of handles with no keyword before it: a marquee of
		** "@zero_team34 ~ @cyber_team15 ~ ..." or "~ anon_army75 ~
		** black_team34 ~ ...". Four, two of them styled as only handles
		** are (not "CS101, MA201, PH102, EE301": course codes), or three
		** '@' ones make a crew list. */
		if (i >= sc->run_end && (alnum(t[i]) || t[i] == '@') &&
		    (i == 0 || t[i - 1] == ' ' || t[i - 1] == '~' || t[i - 1] == '|' ||
		     t[i - 1] == ',' || t[i - 1] == ':')) {
			size_t end, ats, styled;
			size_t c = handle_run(t, n, i, &end, &ats, &styled);
			if (c)
				sc->run_end = end;
			if ((c >= 4 && styled >= 2) || ats >= 3) {
				unsigned fl = WATCH_TX_GREETS | (ats >= 3 ? MESSENGER : 0);
				mark(sc, fl, (long long)i, t + i, end - i);
			}
		}
		if (t[i] == '@') {
			on_at(sc, i);
			continue;
		}
		if (i + 1 >= n)
			break;
		unsigned k = ((unsigned)t[i] << 8) | t[i + 1];
		bool before = word_before(t, i);
		bool before_host = i > 0 && (alnum(t[i - 1]) || t[i - 1] == '.' || t[i - 1] == '-' ||
					     t[i - 1] == '_');
		for (size_t j = idx2[k]; j < idx2[k + 1]; j++) {
			const struct fterm *f = &ft[j];
			if (f->len > n - i || memcmp(t + i, arena + f->off, f->len) != 0)
				continue;
			if ((f->fl & T_URL) ? before_host : (!(f->fl & T_SUB) && before))
				continue;
			if ((f->fl & T_WHOLE) && word_at(t, n, i + f->len))
				continue;
			on_term(sc, f, i);
		}
	}
	spam_settle(sc, LLONG_MAX);
	/* A ransom candidate stands unless an advisory's "do not pay" is near. */
	for (size_t c = 0; c < sc->ncand; c++) {
		bool advisory = false;
		for (size_t k = 0; k < sc->nneg && !advisory; k++)
			advisory = sc->neg[k] >= sc->cand[c] - W_NOTE && sc->neg[k] <= sc->cand[c] + W_NOTE;
		if (!advisory) {
			const char *cf = sc->cand_first[c];
			mark(sc, WATCH_TX_RANSOM, sc->cand[c], (const unsigned char *)cf, strlen(cf));
			break;
		}
	}
out:
	free(t);
}
