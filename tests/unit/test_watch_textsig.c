/*
** test_watch_textsig.c — what a block of new text says about itself
** (src/watch/textsig.c): letters by script and the Persian / Turkish share
** (watch_lang_count), and the marks defacers leave without a "hacked by"
** phrase (watch_text_marks): contact handles, greetings lists and crew
** names, ransom notes, wallets, gambling, pharmacy and other spam.
**
** Every family is tried in each language it covers, and against the
** ordinary text of government pages it must leave alone: a footer with the
** ministry's e-mail and its official Telegram channel (a handle, nothing
** more), news about a ransomware attack, a payment page, privacy and
** download notices, a CERT advisory saying "do not pay", a sports item
** where the national team thanks its fans, thanks to the offices that
** took part in a project, news naming a hacker group, police news about
** gambling and pharmacy rings. watch_lang_unlike is tried on blocks in
** another script and in another language of the same script. Then hostile
** input: invalid UTF-8 and a 1 MB text.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

/* ------------------------------------------------------------- helpers */

static unsigned marks_of(const char *text, struct watch_text_marks *m)
{
	watch_text_marks(text, strlen(text), m);
	if (!utf8_valid(m->first, strlen(m->first)))
		fail_msg("first is not valid UTF-8 for: %s", text);
	if (m->flags && !m->first[0])
		fail_msg("flags %#x without first for: %s", m->flags, text);
	return m->flags;
}

/* text must carry every flag of want. */
static void has(const char *text, unsigned want)
{
	struct watch_text_marks m;
	unsigned got = marks_of(text, &m);
	if ((got & want) != want)
		fail_msg("wanted %#x, got %#x (first \"%s\") for: %s", want, got, m.first, text);
}

/* text must carry exactly the flags want (0: none). */
static void exactly(const char *text, unsigned want)
{
	struct watch_text_marks m;
	unsigned got = marks_of(text, &m);
	if (got != want)
		fail_msg("wanted exactly %#x, got %#x (first \"%s\") for: %s", want, got, m.first,
			 text);
}

static struct watch_lang lang(const char *text)
{
	struct watch_lang l;
	watch_lang_count(text, strlen(text), &l);
	return l;
}

/* ------------------------------------------------------------ languages */

static void lang_persian(void **state)
{
	(void)state;
	/* 8 words; پ گ ی ی ک ی are Persian-only (6). */
	struct watch_lang l = lang("پروژه‌های مسکن ملی در شهرهای کوچک آغاز شد.");
	assert_int_equal(l.latin, 0);
	assert_int_equal(l.cyrillic, 0);
	assert_int_equal(l.other, 0);
	assert_int_equal(l.words, 8); /* the ZWNJ joins پروژه‌های into one word */
	assert_int_equal(l.arabic, 33);
	assert_true(l.persian >= 5);
	/* Persian digits are no letters. */
	l = lang("۱۴۰۳/۰۵/۱۲");
	assert_int_equal(l.arabic + l.latin + l.words, 0);
}

static void lang_arabic(void **state)
{
	(void)state;
	/* Arabic writes ي and ك, not the Persian forms: no Persian letter. */
	struct watch_lang l = lang("تم اختراق الموقع من قبل فريق الهاكرز");
	assert_int_equal(l.words, 7);
	assert_int_equal(l.persian, 0);
	assert_int_equal(l.latin, 0);
	assert_int_equal(l.arabic, 30);
	/* Diacritics and tatweel continue a word, presentation forms count. */
	l = lang("كَتَبَ ﻻ");
	assert_int_equal(l.words, 2);
	assert_int_equal(l.arabic, 4);
}

static void lang_english(void **state)
{
	(void)state;
	struct watch_lang l = lang("The Ministry of Roads opened a new station, 2024.");
	assert_int_equal(l.latin, 35);
	assert_int_equal(l.words, 8);
	assert_int_equal(l.turkish, 0);
	assert_int_equal(l.arabic + l.cyrillic + l.other, 0);
}

static void lang_turkish(void **state)
{
	(void)state;
	/* Letters: ı ı ı ı ş ı ğ ı ü; words: bir, ve, için. */
	struct watch_lang l = lang("Bu site bir Türk hacker tarafından hacklendi ve sahibine "
				   "mesajı için bekleyin. İŞĞAL");
	assert_true(l.latin > 60);
	assert_true(l.turkish >= 15);
	assert_true(l.turkish <= l.latin);
	/* Turkish written in ASCII is still seen through its function words. */
	l = lang("bu site ayyildiz tim tarafindan hacklendi ve bir mesaj birakildi");
	assert_true(l.turkish >= 10);
	assert_true(l.turkish <= l.latin);
}

static void lang_indonesian(void **state)
{
	(void)state;
	/* Indonesian and English share the script and no Turkish letters or
	** words: Turkish stays 0 ("kadar", "bu", "ya" are Indonesian too). */
	struct watch_lang l = lang("Situs ini telah diretas oleh tim kami, ya bu, kadar gula tinggi");
	assert_int_equal(l.turkish, 0);
	assert_int_equal(l.words, 12);
	assert_int_equal(l.latin, 50);
}

static void lang_russian(void **state)
{
	(void)state;
	struct watch_lang l = lang("Сайт взломан. Ёжик");
	assert_int_equal(l.cyrillic, 15);
	assert_int_equal(l.words, 3);
	assert_int_equal(l.latin + l.arabic + l.other, 0);
}

static void lang_mixed(void **state)
{
	(void)state;
	/* A Persian page's block with a Turkish signature and a Chinese word. */
	struct watch_lang l = lang("وزارت نیرو Hacklendi ve şifrelendi 中文 Ελλάδα");
	assert_int_equal(l.arabic, 9);
	assert_int_equal(l.persian, 1);
	assert_int_equal(l.latin, 21);
	assert_true(l.turkish >= 3); /* ş, and "ve" */
	assert_int_equal(l.other, 8);
	assert_int_equal(l.words, 7);
}

static void lang_invalid(void **state)
{
	(void)state;
	/* Invalid bytes (a lone continuation, an overlong form, a surrogate, a
	** truncated sequence at the end) are skipped as separators. */
	const char bad[] = "ab\x80" "cd\xc0\xaf" "ef\xed\xa0\x80" "\xd9\x85\xd8";
	struct watch_lang l;
	watch_lang_count(bad, sizeof(bad) - 1, &l);
	assert_int_equal(l.latin, 6);
	assert_int_equal(l.arabic, 1);
	assert_int_equal(l.words, 4);
	watch_lang_count(NULL, 0, &l);
	assert_int_equal(l.words, 0);
}

/* watch_lang_unlike over the counts of two texts; "(alike)" for NULL. */
static const char *unlike(const char *site, const char *block)
{
	struct watch_lang s = lang(site), b = lang(block);
	const char *r = watch_lang_unlike(&s, &b, NULL);
	return r ? r : "(alike)"; /* so a failure prints both */
}

#define FA_SITE                                                                          \
	"وزارت راه و شهرسازی. آغاز عملیات اجرایی آزادراه شمال در قطعه سوم. معاون وزیر از " \
	"پیشرفت ۶۵ درصدی قطعه سوم آزادراه خبر داد و گفت بهره‌برداری تا پایان سال انجام "     \
	"می‌شود. تماس با ما. Copyright 2024"
#define EN_SITE                                                                        \
	"The Ministry of Roads and Urban Development announced the opening of a new "   \
	"railway station. Contact us. News archive. Tenders and auctions."
#define AR_SITE                                                                          \
	"أعلنت وزارة الداخلية اليوم عن إطلاق منصة إلكترونية جديدة لتقديم الخدمات للمواطنين " \
	"في جميع المحافظات"

static void lang_unlike(void **state)
{
	(void)state;
	/* Another script. */
	assert_string_equal(unlike(FA_SITE, "Bu site Türk hackerlar tarafından ele geçirilmiştir."),
			    "turkish");
	assert_string_equal(unlike(FA_SITE, "Situs ini telah diretas oleh tim kami, segera perbaiki "
					    "keamanan situs anda sebelum orang lain datang"),
			    "latin");
	/* under 12 Latin words: a name or a caption, not told from English */
	assert_string_equal(unlike(FA_SITE, "Situs ini telah diretas oleh tim kami, segera perbaiki"),
			    "english");
	assert_string_equal(unlike(EN_SITE, "تم اختراق الموقع من قبل فريق الهاكرز العرب ولا يوجد "
					     "نظام آمن في هذا العالم"),
			    "arabic");
	assert_string_equal(unlike(EN_SITE, "سایت شما هک شد توسط گروه ما"), "persian");
	assert_string_equal(unlike(EN_SITE, "تم اختراق الموقع"), "arabic-script");
	assert_string_equal(unlike(FA_SITE, "Сайт взломан нашей командой"), "cyrillic");
	/* a Persian site's foreign content is in English; other Latin text is not */
	assert_string_equal(unlike(FA_SITE, "The conference invites papers on water resources and "
					    "the deadline for full papers is in January"),
			    "english");
	assert_string_equal(unlike(FA_SITE, "Kami tidak akan diam melihat saudara saudara kami "
					    "tertindas dan suara kami akan terus terdengar"),
			    "latin");
	/* The same script, another language: Arabic on a Persian site, Persian
	** on an Arabic one, Turkish on an English one. */
	assert_string_equal(unlike(FA_SITE, "أعلنت وزارة الداخلية اليوم عن إطلاق منصة إلكترونية "
					     "جديدة تم اختراقها"),
			    "arabic");
	assert_string_equal(unlike(AR_SITE, "سایت شما هک شد و اطلاعات شما در دست گروه ماست"),
			    "persian");
	assert_string_equal(unlike(EN_SITE, "Bu site Türk hackerlar tarafından ele geçirildi ve "
					     "güvenlik açığı bulundu"),
			    "turkish");

	/* Alike: the site's own language, short blocks, an empty site, a
	** Persian block without Persian-only letters, English on a bilingual
	** site. */
	assert_string_equal("(alike)", unlike(FA_SITE, "اطلاعیه درباره ثبت‌نام مرحله دوم نهضت ملی مسکن"));
	assert_string_equal("(alike)", unlike(FA_SITE, "درباره ما تماس با ما"));
	assert_string_equal("(alike)", unlike(FA_SITE, "Login"));
	assert_string_equal("(alike)", unlike(EN_SITE, "Minister visits the new station in Yazd province"));
	assert_string_equal("(alike)", unlike("", "Bu site Türk hackerlar tarafından ele geçirilmiştir."));
	assert_string_equal("(alike)", unlike(FA_SITE " " EN_SITE, "The new railway line opens next month for all"));
}

/* -------------------------------------------------------------- handles */

static void handles(void **state)
{
	(void)state;
	struct watch_text_marks m;
	marks_of("Hacked by X. Contact: t.me/xhacker_team", &m);
	assert_true(m.flags & WATCH_TX_HANDLE);
	assert_string_equal(m.first, "t.me/xhacker_team");
	has("https://wa.me/989121234567", WATCH_TX_HANDLE);
	has("api.whatsapp.com/send?phone=62812", WATCH_TX_HANDLE);
	has("join discord.gg/abcd", WATCH_TX_HANDLE);
	exactly("ICQ: 123-456-789", WATCH_TX_HANDLE | WATCH_TX_MESSENGER);
	has("icq# 44512", WATCH_TX_HANDLE);
	exactly("mail me: x0r@protonmail.com", WATCH_TX_HANDLE | WATCH_TX_EMAIL);
	has("jabber: dark@exploit.im", WATCH_TX_HANDLE | WATCH_TX_EMAIL);
	exactly("Telegram: @shadow_x0r", WATCH_TX_HANDLE | WATCH_TX_MESSENGER);
	has("telegram hack_team_01", WATCH_TX_HANDLE);
	has("Tox ID: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678901",
	    WATCH_TX_HANDLE);
	/* fa, ar, tr, id, pt, ru */
	has("آیدی تلگرام ما: @irhack_team", WATCH_TX_HANDLE);
	has("للتواصل: @cyber_x", WATCH_TX_HANDLE);
	has("واتساب +966 512 345 678", WATCH_TX_HANDLE);
	has("İletişim: @turk_h4ck", WATCH_TX_HANDLE);
	has("Hubungi kami WhatsApp +62 812 3456 7890", WATCH_TX_HANDLE);
	has("Contato: @br_defacer", WATCH_TX_HANDLE);
	has("Телеграм: @ru_hax", WATCH_TX_HANDLE);

	/* Not handles: a word after "telegram", "art.me/", an @ without a
	** contact word, a bare "contact us", a version "x@1.2". */
	exactly("Join the ministry's Telegram channel for news", 0);
	exactly("visit smart.me/today", 0);
	exactly("meet us @ the conference hall", 0);
	exactly("Contact us for more information", 0);
	exactly("package jquery@3.7.1", 0);
	exactly("Tox is a chemical; id 5", 0);
}

/* The footer of a ministry's site: its e-mail and its official channels.
** Handles, as the judge expects of any footer; never greetings, ransom or
** spam. */
static void footers(void **state)
{
	(void)state;
	const unsigned handles = WATCH_TX_HANDLE | WATCH_TX_MESSENGER | WATCH_TX_EMAIL;
	exactly("نشانی: تهران، بلوار دانشجو، ساختمان شماره یک وزارت راه و شهرسازی تلفن: "
		"۸۸۸۷۸۰۰۰ - پست الکترونیک: info@mrud.gov.ir کانال رسمی وزارت در تلگرام، ایتا و "
		"بله: @mrud_ir کلیه حقوق این پایگاه متعلق به وزارت راه و شهرسازی است.",
		handles);
	exactly("Contact us: info@ministry.gov.ir | Telegram: t.me/ministry_official | "
		"Instagram: @ministry.official | Tel +98 21 8887 8000. All rights reserved.",
		handles);
	exactly("Public relations team: pr@ministry.gov.ir. Thanks for visiting.",
		WATCH_TX_HANDLE | WATCH_TX_EMAIL);
}

/* ---------------------------------------------------------- greetings */

static void greetings(void **state)
{
	(void)state;
	has("Greetz: Mr.X | AliHack | Z3r0 | Ghost_Boy", WATCH_TX_GREETS);
	has("greetz to all", WATCH_TX_GREETS); /* defacers' own word */
	has("Thanks to: Mr.X - AliHack - Z3r0 - Kurd_H4x", WATCH_TX_GREETS);
	has("Special thanks: n0b0dy, R00t_Sh3ll, d4rk", WATCH_TX_GREETS);
	has("درود به: Mr.X | علی | Ghost", WATCH_TX_GREETS);
	has("با تشکر از Parsa_H, Shadow98, Mr.Ali", WATCH_TX_GREETS);
	has("تیم هکری سایه", WATCH_TX_GREETS);
	has("Iranian Cyber Army", WATCH_TX_GREETS);
	has("تحية ل: Dz_Hacker | SaudiSec | Anon_Ar", WATCH_TX_GREETS);
	has("فريق الهاكرز العرب", WATCH_TX_GREETS);
	has("Selamlar: TurkHackTeam, AyYildiz, Kurt_Efe", WATCH_TX_GREETS);
	has("Ayyıldız Siber Tim", WATCH_TX_GREETS);
	has("Salam buat: Garuda, Dr.Kuro, Jombang666", WATCH_TX_GREETS);
	has("Indonesian Hacker Tim", WATCH_TX_GREETS);
	has("Saudações a: BrHackers, 0x_Br, Mr.Sl4yer", WATCH_TX_GREETS);
	has("Привет: x0r | d3mon | root_boy", WATCH_TX_GREETS);
	has("кибер армия", WATCH_TX_GREETS);
	/* Lists of handles, with or without a keyword, separated or not. */
	has("Big love to: ~ zero_id31 ~ ~ black_br52 ~ ~ cyber_army78 ~ We were here.",
	    WATCH_TX_GREETS);
	has("تحياتنا إلى: xploit_tr17 sniper_sec30 phantomx67 phantom_tn34", WATCH_TX_GREETS);
	has("~ anon_army75 ~ ~ phantom_team82 ~ ~ dark_crew53 ~ ~ r00t133710 ~", WATCH_TX_GREETS);
	has("@zero_team34 ~ @cyber_team15 ~ @r00t133716",
	    WATCH_TX_GREETS | WATCH_TX_HANDLE | WATCH_TX_MESSENGER);

	/* Government and news text. */
	exactly("The national team thanks its fans, coaches and staff for the support", 0);
	exactly("تیم ملی فوتبال از هواداران، مربیان و کادر فنی تشکر کرد", 0);
	exactly("Thanks to: Bank Melli, Ministry of Roads, Tehran Municipality", 0);
	exactly("Special thanks to our sponsors: Bank A, Company B, and Ministry C", 0);
	exactly("درود به شهیدان، جانبازان، آزادگان و ایثارگران", 0);
	exactly("با تشکر از همکاران، مدیران و کارکنان", 0);
	exactly("The ministry's cyber security team responded within an hour", 0);
	exactly("تیم امنیت سایبری وزارت حادثه را بررسی کرد", 0);
	exactly("Our team works for you", 0);
	/* News naming a hacker group (a CERT's own site writes it). */
	exactly("The hacker group Shadow Cyber Team claimed responsibility for the attack.", 0);
	exactly("گروه هکری سایه مسئولیت حمله به سامانه‌های بانکی را بر عهده گرفت", 0);
	exactly("According to the report, the Iranian Cyber Army targeted news sites", 0);
	exactly("Police arrested members of a hack team in Istanbul", 0);
	exactly("Thanks to the state-of-the-art well-known and/or reliable systems", 0);
	/* Hashtags, years, form numbers, a single account, models. */
	exactly("#save_water #green_city #clean_air #iran_1404", 0);
	exactly("Reports 1401, 1402, 1403, 1404 and 1405", 0);
	exactly("Forms A1, B2, C3 and D4 are available", 0);
	exactly("Follow us: @mrud_ir", 0);
	exactly("Models: Galaxy S24, iPhone15 Pro, Pixel8", 0);
	exactly("فایل‌ها: guide_1403.pdf | form_a1.docx | report_q3.xlsx | tariff_2024.zip", 0);
	exactly("Courses: CS101, MA201, PH102, EE301, COMP3012", 0);
	has("ghostx51 ~ r00t133 ~ anonx43 ~ gh0st99", WATCH_TX_GREETS);
}

/* --------------------------------------------------------------- ransom */

static void ransom(void **state)
{
	(void)state;
	const unsigned note = WATCH_TX_RANSOM;
	has("Your files have been encrypted. Send 0.5 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
	    note | WATCH_TX_WALLET);
	has("Your database has been downloaded. To restore your data contact us at t.me/xx_team",
	    note | WATCH_TX_HANDLE);
	has("We have downloaded your database. To get your data back pay 2 BTC. Contact us: "
	    "dbleak@onionmail.org",
	    note);
	has("اطلاعات شما رمزگذاری شده است. برای بازگردانی اطلاعات خود ۰.۵ بیت کوین پرداخت کنید",
	    note);
	has("تم تشفير جميع ملفاتك. للاستعادة ادفع 1 بيتكوين إلى "
	    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
	    note | WATCH_TX_WALLET);
	has("Tüm dosyalarınız şifrelendi. Geri almak için 0.1 BTC ödeme yapın: "
	    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
	    note | WATCH_TX_WALLET);
	has("Semua file anda telah dienkripsi. Untuk memulihkan data anda, bayar 0.1 BTC", note);
	has("Seus arquivos foram criptografados. Para recuperar seus dados, pague 0.1 BTC", note);
	has("Ваши файлы зашифрованы. Для восстановления ваших данных оплатите 0.1 BTC", note);
	has("Pay 2 BTC within 48 hours or we will publish everything: "
	    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
	    note);

	/* News about an attack speaks in the third person and has no wallet. */
	exactly("Hackers encrypted the municipality's database and demanded a ransom of 10 "
		"bitcoin. The city refused to pay and restored the data from backups.",
		0);
	exactly("هکرها اطلاعات شهرداری را رمزگذاری کرده و برای بازگردانی آن باج بیت کوین "
		"خواستند",
		0);
	/* A payment page. */
	exactly("Pay your bill online with our secure payment gateway. Forgot password? To "
		"recover your password contact us.",
		0);
	exactly("پرداخت قبض برق از طریق درگاه پرداخت الکترونیک. اطلاعات خود را وارد کنید.", 0);
	/* An advisory: the same words, and "do not pay". */
	exactly("If ransomware encrypted your files, do not pay the ransom. To recover your files "
		"contact the national CERT.",
		0);
	/* A help desk restoring backups is no extortion. */
	exactly("Deleted something by mistake? Contact us to restore your files from backup.", 0);
	/* Privacy and hosting notices speak of the future; a claim with only
	** an address is no note either. */
	exactly("Your payment data will be deleted after 30 days. To restore your data from an "
		"archive, contact us.",
		0);
	exactly("اطلاعات پرداخت شما پس از ۳۰ روز حذف خواهد شد. برای بازیابی اطلاعات خود با ما "
		"تماس بگیرید.",
		0);
	exactly("Data anda akan dihapus setelah 30 hari. Untuk memulihkan data anda, hubungi "
		"kami. Pembayaran melalui bank.",
		0);
	exactly("Your file has been downloaded. Questions: help@portal.gov.ir",
		WATCH_TX_HANDLE | WATCH_TX_EMAIL);
}

/* -------------------------------------------------------------- wallets */

static void wallets(void **state)
{
	(void)state;
	struct watch_text_marks m;
	marks_of("donate 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 now", &m);
	assert_int_equal(m.flags, WATCH_TX_WALLET);
	assert_string_equal(m.first, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2");
	exactly("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", WATCH_TX_WALLET);
	exactly("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", WATCH_TX_WALLET);
	exactly("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", WATCH_TX_WALLET);
	exactly("ETH: 0x52908400098527886E0F7030069857D2E4169EE7", WATCH_TX_WALLET);
	exactly("XMR 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VB"
		"BEt7f2wfn3RVGQBEP3A",
		WATCH_TX_WALLET);
	exactly("USDT TRC20: TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9", WATCH_TX_WALLET);

	/* Not wallets: hashes, numbers, words, tokens of one case, a bech32
	** string with a letter bech32 does not use, an address cut short. */
	exactly("sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709", 0);
	exactly("tracking number 1234567890123456789012345678", 0);
	exactly("1abcdefghijkmnopqrstuvwxyzabcdef", 0);
	exactly("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb", 0);
	exactly("0x52908400098527886E0F7030069857D2E4169E", 0);
	exactly("Telecommunications infrastructure", 0);
}

/* ----------------------------------------------------- gambling, pharmacy */

static void gambling(void **state)
{
	(void)state;
	has("Best online casino with free spins", WATCH_TX_GAMBLING);
	has("casino bonus for new players", WATCH_TX_GAMBLING);
	has("بهترین سایت شرط بندی و بازی انفجار", WATCH_TX_GAMBLING);
	has("کازینو و پوکر با بونوس ویژه", WATCH_TX_GAMBLING);
	has("حکم آنلاین با پول واقعی", WATCH_TX_GAMBLING);
	has("Slot Gacor hari ini gampang maxwin", WATCH_TX_GAMBLING);
	has("situs judi togel terpercaya", WATCH_TX_GAMBLING);
	has("Deneme bonusu veren siteler", WATCH_TX_GAMBLING);
	has("Canlı bahis ve casino", WATCH_TX_GAMBLING);

	exactly("The new slot for the meeting is Monday", 0);
	exactly("پلیس فتا: سایت‌های شرط‌بندی مسدود شد", 0);
	exactly("انفجار در کارخانه مهار شد", 0);
	exactly("Employees receive a bonus at the end of the year", 0);
	exactly("Employees will receive a performance bonus and a deposit to their accounts", 0);
	/* News about the trade, before or after its words. */
	exactly("The police arrested members of a gang that ran online casino and sports "
		"betting websites.",
		0);
	exactly("Online casino and slot gacor sites were blocked by the regulator", 0);
	exactly("پلیس فتا گردانندگان سایت شرط بندی و بازی انفجار را دستگیر کرد", 0);
	exactly("Polisi menangkap bandar judi online dan togel di Jakarta; 12 orang ditangkap", 0);
	/* Spam far from a news item is still spam. */
	char mixed[1200];
	snprintf(mixed, sizeof(mixed), "%s %s",
		 "The police arrested a gang. The minister thanked the citizens for their help and "
		 "announced new projects in the province, among them roads, schools, hospitals "
		 "and parks, which will open over the next two years in twelve cities. The budget "
		 "for these projects was approved by parliament last month after a long debate "
		 "about priorities and the share of each province in the national plan for 1405.",
		 "Situs slot gacor hari ini gampang maxwin");
	has(mixed, WATCH_TX_GAMBLING);
}

static void pharmacy(void **state)
{
	(void)state;
	has("buy viagra online cheap", WATCH_TX_PHARMA);
	has("generic cialis without prescription", WATCH_TX_PHARMA);
	has("خرید ویاگرا اصل", WATCH_TX_PHARMA);
	has("obat kuat pria", WATCH_TX_PHARMA);

	exactly("The ministry warns about counterfeit viagra sold in shops", 0);
	exactly("Police seized 3,000 packs of tramadol and cheap viagra pills", 0);
	exactly("Order your passport online", 0);
}

static void other_spam(void **state)
{
	(void)state;
	has("best payday loans fast, replica watches", WATCH_TX_SPAM);
	has("خرید فالوور اینستاگرام ارزان", WATCH_TX_SPAM);
	has("nonton bokep terbaru", WATCH_TX_SPAM);
	has("Pinjaman online cepat cair", WATCH_TX_SPAM);

	exactly("Police arrested a network that spread child pornography", 0);
	exactly("Police arrested a man who sold porn videos online", 0);
	exactly("Sex education in schools: the ministry's new guidance", 0);
	exactly("Essay competition for students: writing about the environment", 0);
	exactly("وام ازدواج و وام مسکن برای متقاضیان", 0);
}

/* --------------------------------------------------------- hostile input */

static void invalid_utf8(void **state)
{
	(void)state;
	/* Invalid bytes around and inside: the marks around them are found,
	** and first stays valid UTF-8 (marks_of checks it). */
	struct watch_text_marks m;
	const char t1[] = "\xff\xfe t.me/x_\xc0\xafteam \xed\xa0\x80 greetz";
	watch_text_marks(t1, sizeof(t1) - 1, &m);
	assert_true(m.flags & WATCH_TX_HANDLE);
	assert_true(m.flags & WATCH_TX_GREETS);
	assert_true(utf8_valid(m.first, strlen(m.first)));
	/* A truncated sequence at the very end, a lone lead byte before "@". */
	const char t2[] = "telegram \xd8@hack_x \xd9";
	watch_text_marks(t2, sizeof(t2) - 1, &m);
	assert_true(utf8_valid(m.first, strlen(m.first)));
	/* Every byte value, and nothing. */
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	watch_text_marks(all, sizeof(all), &m);
	assert_true(utf8_valid(m.first, strlen(m.first)));
	/* A NUL inside what first shows does not cut it short. */
	const char t3[] = "cyber\0team";
	watch_text_marks(t3, sizeof(t3) - 1, &m);
	assert_true(m.flags & WATCH_TX_GREETS);
	assert_string_equal(m.first, "cyber team");
	watch_text_marks("", 0, &m);
	assert_int_equal(m.flags, 0);
	watch_text_marks(NULL, 0, &m);
	assert_int_equal(m.flags, 0);
	/* first is cut on a character boundary. */
	char longmail[200];
	snprintf(longmail, sizeof(longmail), "contact: %s@%s.com",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	marks_of(longmail, &m);
	assert_true(m.flags & WATCH_TX_HANDLE);
	assert_true(strlen(m.first) < sizeof(m.first));
}

/* 1 MB of text built from unit, with tail appended: the whole text is read
** (the mark at the end is found) whatever the filler. */
static void big(const char *unit, const char *tail, unsigned want)
{
	size_t n = 1u << 20, u = strlen(unit), tl = strlen(tail);
	char *b = malloc(n + tl + 1);
	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		b[i] = unit[i % u];
	memcpy(b + n, tail, tl + 1);
	struct watch_text_marks m;
	watch_text_marks(b, n + tl, &m);
	if ((m.flags & want) != want)
		fail_msg("1 MB of \"%s\": wanted %#x, got %#x", unit, want, m.flags);
	assert_true(utf8_valid(m.first, strlen(m.first)));
	struct watch_lang l;
	watch_lang_count(b, n + tl, &l);
	assert_true(l.words > 0 || unit[0] == '@');
	free(b);
}

static void one_megabyte(void **state)
{
	(void)state;
	/* Fillers that make each rule work hardest: list keywords, '@' runs,
	** address-like runs, alphanumeric runs, crew words, ransom words
	** without a wallet, Arabic text where sub-word phrases are tried at
	** every position, invalid bytes. */
	big("thanks to a, ", " t.me/tail_x", WATCH_TX_HANDLE);
	big("@", " t.me/tail_x", WATCH_TX_HANDLE);
	big("a.b@", " greetz", WATCH_TX_GREETS);
	big("1A", " greetz", WATCH_TX_GREETS);
	big("your files encrypted pay ", " 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
	    WATCH_TX_WALLET | WATCH_TX_RANSOM);
	big("ملفاتك ", " t.me/tail_x", WATCH_TX_HANDLE);
	big("وزارت راه و شهرسازی ", " بازی انفجار", WATCH_TX_GAMBLING);
	big("\xff\xc0\xe0\x80", " buy viagra", WATCH_TX_PHARMA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lang_persian),	   cmocka_unit_test(lang_arabic),
		cmocka_unit_test(lang_english),	   cmocka_unit_test(lang_turkish),
		cmocka_unit_test(lang_indonesian), cmocka_unit_test(lang_russian),
		cmocka_unit_test(lang_mixed),	   cmocka_unit_test(lang_invalid),
		cmocka_unit_test(lang_unlike),
		cmocka_unit_test(handles),	   cmocka_unit_test(footers),
		cmocka_unit_test(greetings),
		cmocka_unit_test(ransom),	   cmocka_unit_test(wallets),
		cmocka_unit_test(gambling),	   cmocka_unit_test(pharmacy),
		cmocka_unit_test(other_spam),
		cmocka_unit_test(invalid_utf8),	   cmocka_unit_test(one_megabyte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
