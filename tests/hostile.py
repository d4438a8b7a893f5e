"""Hostile strings, and how to tell a page, a PDF or a mail that shows them
as text from one that obeys them.

Every markup string carries the marker ``PFX`` and a number, so that a page
can be searched for an element or an attribute that came from us: a
``<script>``, ``<svg onload>`` or ``<iframe>`` holding ``PFX`` in a parsed
page means the string was obeyed, not shown.
"""

import unicodedata

from bs4 import BeautifulSoup

MARQUE = "PFX"

# Markup: script tags, attribute breakers, local files and the network,
# styles, javascript: URLs.  ``%(port)d`` is a canary HTTP server's port.
BALISES = (
    "<script>alert('PFX1')</script>",
    '"><svg onload=alert("PFX2")>',
    "' onmouseover='alert(1)' data-x='PFX3",
    '<iframe src="file:///etc/passwd">PFX4</iframe>',
    '<img src="file:///etc/passwd" alt="PFX5">',
    '<img src="http://127.0.0.1:%(port)d/PFX6">',
    '<link rel=stylesheet href="http://127.0.0.1:%(port)d/PFX7.css">',
    "<style>@import url(http://127.0.0.1:%(port)d/PFX8.css);</style>",
    '<a href="javascript:alert(1)">PFX9</a>',
    "</textarea></title><script>alert('PFX10')</script>",
)

# Spreadsheet formulas (OWASP CSV injection) and other starters.
FORMULES = (
    "=cmd|' /C calc'!A0 PFX11",
    "+1+1 PFX12",
    "-1-1 PFX13",
    "@SUM(1) PFX14",
)

# Unicode: right-to-left override and mark, normalisation and look-alikes.
UNICODE = (
    "PFX15 \u202egnp.exe",
    "PFX16 \u200fمرحبا\u200f",
    "PFX17 \uff1cscript\uff1e",  # fullwidth < and >: NFKC makes "<script>"
    "PFX18 e\u0301le\u0300ve",  # decomposed accents
    "PFX19 \u2028\u2029",
)

# Control characters: C0 (without \t \n \r) and DEL.
CONTROLES = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f"


def long(n=10000):
    """A string of ``n`` characters or more."""
    return ("PFX20 " + "é" * n)[: max(n, 7)]


def corpus(port=9):
    """Every hostile string of one line (markup with the canary's port)."""
    return [b % {"port": port} for b in BALISES] + list(FORMULES) + list(UNICODE)


def sans_controles(text):
    """What the portal keeps of ``text``: C0 controls but tab, LF and CR,
    and DEL, are dropped."""
    return "".join(c for c in text if c in "\t\n\r" or not (ord(c) < 32 or ord(c) == 127))


def est_nfkc_piege(text):
    return unicodedata.normalize("NFKC", text) != text


DANGEREUSES = ("script", "svg", "iframe", "img", "link", "style", "object", "embed")


def obeit(html):
    """What of ours a page obeyed: elements or attributes carrying the
    marker, or made by breaking out of an attribute, that a browser would
    run or load (empty: everything was shown as text)."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(True):
        attrs = {k: " ".join(v) if isinstance(v, list) else v for k, v in tag.attrs.items()}
        inside = " ".join(attrs.values()) + tag.decode_contents()
        if tag.name == "script":
            # Our data may sit in a script as JSON, escaped: not markup.
            code = tag.decode_contents()
            if MARQUE in code and (code.strip().startswith("alert(") or "<" in code):
                found.append(str(tag)[:120])
        elif tag.name in DANGEREUSES and MARQUE in inside:
            found.append(str(tag)[:120])
        for name, value in attrs.items():
            if name == "data-x" or (name.startswith("on") and "alert(" in value):
                found.append("%s=%s" % (name, value[:60]))
            if value.strip().lower().startswith("javascript:") and MARQUE in inside:
                found.append("%s=%s" % (name, value[:60]))
    return found


def texte_de(html):
    """The text a reader sees (entities decoded), the values of the form's
    fields included, whitespace collapsed."""
    soup = BeautifulSoup(html, "html.parser")
    values = [field.get("value", "") for field in soup.find_all("input")]
    return " ".join(" ".join([soup.get_text(" ")] + values).split())


def serre(text):
    return " ".join(text.split())
