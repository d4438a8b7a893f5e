"""The family portal's skin: layout, menu, static files, headers, errors.

A low layer: it knows no domain.  What the header shows comes from the
domains through the request (``request.famille``, registered by
``familles``; ``request.gestion_url``, by ``comptes``) and the menu's
entries are added by the domains that build their pages."""

import hashlib
from pathlib import Path

from pyramid.csrf import get_csrf_token
from pyramid.events import BeforeRender
from pyramid.httpexceptions import HTTPNotFound
from pyramid.renderers import get_renderer
from pyramid.settings import asbool
from pyramid.static import QueryStringConstantCacheBuster
from pyramid.tweens import EXCVIEW

from .. import dates
from ..security import GROUPES_PERSONNEL

STATIC_PREFIX = "/static-portail/"
STATIC_DIR = Path(__file__).parent / "static"


def empreinte_statique(dossier=STATIC_DIR):
    """The fingerprint of the static files' contents (12 hex digits), the
    ``v`` of their URLs (``/static-portail/portail.css?v=...``): the same in
    every process of a release, another one when a file changes, so a
    reverse proxy may let browsers cache them a year (etc/nginx)."""
    empreinte = hashlib.sha256()
    for chemin in sorted(p for p in dossier.rglob("*") if p.is_file()):
        empreinte.update(chemin.relative_to(dossier).as_posix().encode() + b"\0")
        empreinte.update(chemin.read_bytes())
    return empreinte.hexdigest()[:12]


class Menu:
    """The family menu of the manual.  An entry is added by the domain that
    builds its page, so the menu never points at a page that does not exist.
    """

    def __init__(self):
        self.entries = []  # (order, view name on the Famille, title)

    def add(self, order, view_name, title):
        self.entries.append((order, view_name, title))
        self.entries.sort(key=lambda e: e[0])


def add_menu_entry(config, order, view_name, title):
    config.registry.portail_menu.add(order, view_name, title)


def is_staff(request):
    user = request.user
    if user is None:
        return False
    groups = {getattr(g, "__name__", None) for g in user.groups}
    return bool(groups.intersection(GROUPES_PERSONNEL))


def sans_sous_chemin(request):
    """A family page's view name followed by more path (/mon-compte/x) is
    not a page: Pyramid would hand it the view, this makes it a 404."""
    if request.subpath:
        raise HTTPNotFound()


_STATIC = {}  # (script name, file) -> URL path


class Layout:
    """What every page of the skin shows: the welcome line, the menu."""

    def __init__(self, request):
        self.request = request

    @property
    def macro(self):
        template = get_renderer("portail_famille.skin:templates/layout.pt")
        return template.implementation().macros["layout"]

    @property
    def coordonnees(self):
        """The macro of the town's contacts (login box, footer, the town's
        pages), showing ``c``: ``request.commune``."""
        template = get_renderer("portail_famille.skin:templates/coordonnees.pt")
        return template.implementation().macros["coordonnees"]

    @property
    def commune(self):
        """The town's name, contacts and pages (registered by ``commune``),
        or None."""
        return getattr(self.request, "commune", None)

    @property
    def famille(self):
        return self.request.famille

    @property
    def aujourdhui(self):
        return dates.en_toutes_lettres(dates.today())

    @property
    def csrf_token(self):
        return get_csrf_token(self.request)

    @property
    def gestion_url(self):
        return self.request.gestion_url

    def entete(self):
        """What the family header shows (skin.entete), for layout.pt."""
        from .entete import entete

        return entete(self.request, self, self.famille)

    def flashes(self):
        """The messages to show once.  Peek first: popping an empty queue
        would rewrite the session cookie on every page."""
        session = self.request.session
        if not session.peek_flash("portail"):
            return []
        return session.pop_flash("portail")

    def static(self, path):
        """The URL path of a static file (the same for every request under
        the same application prefix: computed once)."""
        request = self.request
        key = (request.script_name, path)
        found = _STATIC.get(key)
        if found is None:
            found = request.static_path("portail_famille.skin:static/" + path)
            if len(_STATIC) < 256:
                _STATIC[key] = found
        return found

    def menu(self):
        famille = self.famille
        if famille is None:
            return []
        request = self.request
        # The family's path once; the view names are plain ASCII segments.
        base = request.resource_path(famille)
        return [
            (base + view_name, title, view_name)
            for _order, view_name, title in request.registry.portail_menu.entries
        ]


def add_layout(event):
    request = event.get("request")
    if request is not None and "layout" not in event:
        event["layout"] = Layout(request)


def includeme(config):
    settings = config.registry.settings
    config.registry.portail_menu = Menu()
    config.add_directive("add_menu_entry", add_menu_entry)
    config.add_static_view(
        STATIC_PREFIX.strip("/"),
        "portail_famille.skin:static",
        cache_max_age=3600 if asbool(settings.get("pyramid.reload_templates")) else 86400 * 7,
    )
    config.add_cache_buster(
        "portail_famille.skin:static/", QueryStringConstantCacheBuster(empreinte_statique(), "v")
    )
    config.add_request_method(is_staff, "is_staff", reify=True)
    config.add_subscriber(add_layout, BeforeRender)
    config.add_tween("portail_famille.skin.tweens.limits_factory", under=EXCVIEW)
    config.add_tween("portail_famille.skin.tweens.headers_factory")
    config.add_menu_entry(0, "", "Accueil")
