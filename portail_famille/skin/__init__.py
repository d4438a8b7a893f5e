"""The family portal's skin: layout, menu, static files, headers, errors.

A low layer: it knows no domain.  What the header shows comes from the
domains through the request (``request.famille``, registered by
``familles``; ``request.gestion_url``, by ``comptes``) and the menu's
entries are added by the domains that build their pages."""

import hashlib
from html import escape
from pathlib import Path

from pyramid.csrf import get_csrf_token
from pyramid.events import BeforeRender
from pyramid.httpexceptions import HTTPNotFound
from pyramid.renderers import get_renderer, render
from pyramid.settings import asbool
from pyramid.static import QueryStringConstantCacheBuster
from pyramid.tweens import EXCVIEW

from .. import dates
from ..i18n import _, traduire
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


_CHEMINS = "_portail_chemins"  # request.__dict__: id(resource) -> (resource, its path)


def chemin(request, resource):
    """``request.resource_path(resource)`` (ending with "/"), made once per
    request and resource: the family's path is wanted by the menu and by
    the page's own links.  Kept on the request only, the resource with
    it (so that its id stands for it)."""
    memoire = request.__dict__.setdefault(_CHEMINS, {})
    found = memoire.get(id(resource))
    if found is None or found[0] is not resource:
        found = memoire[id(resource)] = (resource, request.resource_path(resource))
    return found[1]


def sans_sous_chemin(request):
    """A family page's view name followed by more path (/mon-compte/x) is
    not a page: Pyramid would hand it the view, this makes it a 404."""
    if request.subpath:
        raise HTTPNotFound()


_STATIC = {}  # (script name, file) -> URL path
# layout.pt's links to the stylesheet and icons (their URL paths escaped)
LIENS = """<link rel="stylesheet" href="%s">
  <link rel="icon" href="%s" sizes="48x48">
  <link rel="icon" href="%s" type="image/png" sizes="192x192">
  <link rel="apple-touch-icon" href="%s">"""
FICHIERS_LIENS = ("portail.css", "favicon.ico", "icone-192.png", "apple-touch-icon.png")
_LIENS = {}  # script name -> LIENS filled
# The warning before the end of the session (session.js): {texts} once per
# language; the seconds left, the warning's delay, the script's URL path.
FIN_DE_SESSION = """<div
       id="fin-de-session" class="fin-de-session" role="alert"
       data-reste="%s" data-avertir="%s" data-prolonger="/prolonger-session">
    <div class="fin-de-session-avertir" hidden>
      <p>{avertir}</p>
      <button type="button">{rester}</button>
    </div>
    <p class="fin-de-session-maximale" hidden>{maximale}</p>
    <p class="fin-de-session-finie" hidden>{finie} <a href="/connexion">{reconnecter}</a></p>
    <script src="%s" defer></script>
  </div>"""
TEXTES_FIN_DE_SESSION = {
    "avertir": _("Sans activité de votre part, votre session va bientôt se terminer."),
    "rester": _("Rester connecté"),
    "maximale": _(
        "Votre session arrive à sa durée maximale et ne peut plus être prolongée : "
        "terminez votre saisie, puis reconnectez-vous."
    ),
    "finie": _("Votre session est terminée."),
    "reconnecter": _("Se reconnecter"),
}
_FINS_DE_SESSION = {}  # language -> FIN_DE_SESSION with its texts
_PIEDS = {}  # language -> the footer without a town
PIED = "portail_famille.skin:templates/pied.pt"


class Layout:
    """What every page of the skin shows: the welcome line, the menu."""

    def __init__(self, request):
        self.request = request

    def _macro(self, spec, name):
        """The macro ``name`` of template ``spec``: its renderer looked up
        once per application (the template itself still reloads when
        ``pyramid.reload_templates`` says so)."""
        renderers = getattr(self.request.registry, "portail_gabarits", {})
        renderer = renderers.get(spec)
        if renderer is None:
            renderer = renderers[spec] = get_renderer(spec)
        return renderer.implementation().macros[name]

    @property
    def macro(self):
        return self._macro("portail_famille.skin:templates/layout.pt", "layout")

    @property
    def coordonnees(self):
        """The macro of the town's contacts (login box, footer, the town's
        pages), showing ``c``: ``request.commune``."""
        return self._macro("portail_famille.skin:templates/coordonnees.pt", "coordonnees")

    @property
    def commune(self):
        """The town's name, contacts and pages (registered by ``commune``),
        or None."""
        return getattr(self.request, "commune", None)

    def pied(self):
        """The footer (templates/pied.pt: the town's contacts and pages), as
        markup; made once per ``commune`` (shared by the requests of the
        same town's state and language) or, without a town, per language."""
        c = self.commune
        if c is None:
            langue = self.request.localizer.locale_name
            found = _PIEDS.get(langue)
            if found is None:
                found = _PIEDS[langue] = self._pied(c)
            return found
        found = getattr(c, "pied", None)
        if found is None:
            found = c.pied = self._pied(c)
        return found

    def _pied(self, c):
        return render(PIED, {"layout": self, "c": c}, request=self.request)

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

    def bandeau(self):
        """The family header, as markup (skin.entete), for layout.pt."""
        from .entete import bandeau

        return bandeau(self.request, self, self.famille)

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

    def liens(self):
        """The ``<link>`` elements of the stylesheet and the icons (markup:
        the same for every request under the same application prefix)."""
        request = self.request
        found = _LIENS.get(request.script_name)
        if found is None:
            found = LIENS % tuple(escape(self.static(nom)) for nom in FICHIERS_LIENS)
            if len(_LIENS) < 256:
                _LIENS[request.script_name] = found
        return found

    def fin_de_session(self):
        """The warning before the end of the session (markup), or None
        when nobody is logged in; its texts put in once per language."""
        request = self.request
        reste = request.session_remaining
        if reste is None:
            return None
        langue = request.localizer.locale_name
        modele = _FINS_DE_SESSION.get(langue)
        if modele is None:
            modele = _FINS_DE_SESSION[langue] = FIN_DE_SESSION.format(
                **{
                    key: escape(traduire(request, texte), quote=False).replace("%", "%%")
                    for key, texte in TEXTES_FIN_DE_SESSION.items()
                }
            )
        return modele % (
            escape(str(reste)),
            escape(str(request.session_warning)),
            escape(self.static("session.js")),
        )

    def menu(self):
        famille = self.famille
        if famille is None:
            return []
        request = self.request
        # The family's path once; the view names are plain ASCII segments.
        base = chemin(request, famille)
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
    config.registry.portail_gabarits = {}  # template spec -> its renderer (Layout)
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
