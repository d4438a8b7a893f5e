"""Helpers of the functional tests on isolation, bad input and headers."""

import itertools
import re
from urllib.parse import quote

import webtest
from webob import Request

from portail_famille.demo import DUPONT, MARTIN

from ..conftest import with_root

FAMILLES = {"dupont": DUPONT, "martin": MARTIN}

# What only the pages of one family may show (its record, its child).
SECRETS = {
    "dupont": ("DUPONT", DUPONT["numero"], "BONBONS", "JEANNE", "LUCAS"),
    "martin": ("MARTIN", MARTIN["numero"], "PLACE DE LA MAIRIE", "CHLOÉ", "38330"),
}

# A distinct client address per client: the login throttle counts failures
# per address, and these tests fail many logins on purpose.
_addresses = ("192.0.2.%d" % n for n in itertools.count(1))


def client(app, **environ):
    """A new browser (its own cookies, its own address) on ``app``."""
    extra = {"HTTP_HOST": "localhost", "REMOTE_ADDR": next(_addresses)}
    extra.update(environ)
    return webtest.TestApp(app.app, extra_environ=extra)


def family_urls(app, parent):
    """Every object of the family of ``parent`` ('dupont' or 'martin'), found
    in the database: the Famille, its children folder, each child."""
    numero = FAMILLES[parent]["numero"]

    def walk(root, registry):
        famille = root["familles"][numero]
        urls = ["/familles/%s/" % numero, "/familles/%s" % numero]
        for name, value in famille.items():
            urls.append("/familles/%s/%s/" % (numero, name))
            for child in getattr(value, "keys", list)():
                urls.append("/familles/%s/%s/%s/" % (numero, name, child))
                urls.append("/familles/%s/%s/%s" % (numero, name, child))
        return urls

    urls = with_root(app.app, walk)
    assert any("/enfants/" in u and u.count("/") >= 5 for u in urls), urls
    return urls


def traversal_view_names(app):
    """The names of every view found by traversal (no route), from Pyramid's
    own registry: any of them may be appended to a family's URL."""
    names = set()
    for item in app.app.registry.introspector.get_category("views"):
        view = item["introspectable"]
        if view["route_name"] is None and isinstance(view["name"], str):
            names.add(view["name"])
    return sorted(names)


def leaked(text, parent, url=None):
    """The secrets of ``parent``'s family found in ``text`` (``url``, the
    address asked, may be quoted back: a redirect's came_from)."""
    if url is not None:
        text = text.replace(quote(url, safe=""), "").replace(url, "")
    return [secret for secret in SECRETS[parent] if secret in text]


def raw(app, path, cookies_from=None, **kw):
    """Send a request WebTest cannot build (a URL that is not UTF-8, a body
    WebTest would re-encode), with the cookies of the ``cookies_from``
    TestApp.  Returns the response, its text decoded leniently."""
    request = Request.blank(path, environ={"HTTP_HOST": "localhost"}, **kw)
    if cookies_from is not None:
        request.headers["Cookie"] = "; ".join(
            "%s=%s" % (cookie.name, cookie.value) for cookie in cookies_from.cookiejar
        )
    response = request.get_response(app.app)
    response.lenient_text = response.body.decode("utf-8", "replace")
    return response


def french_error(text):
    """The message of an error page of the portal (None if not one)."""
    match = re.search(r'<p class="alerte" role="alert">([^<]+)</p>', text)
    return match.group(1) if match else None


def no_traceback(text):
    return "Traceback" not in text and 'File "' not in text
