"""The town's public pages (no login): "Mentions légales", "Accessibilité",
"Données personnelles"; the town's logo; the favicon, the home-screen
icon and the web app manifest."""

import json
from importlib import resources as paquet

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config
from substanced.interfaces import IRoot

from .. import fichiers, journal
from ..i18n import _
from ..rgpd import retention
from ..security import P
from ..skin import sans_sous_chemin
from . import CONFORMITE_PHRASE, coordonnees, texte
from .resources import CONFORMITES, TEXTES, commune, paragraphes

THEME = "#1d4f91"  # portail.css's --bleu
FOND = "#f4f6f9"  # portail.css's --fond
ICONES = {"192x192": "icone-192.png", "512x512": "icone-512.png"}
_FICHIERS = {}  # name -> bytes of a static file of the skin


def _statique(nom):
    found = _FICHIERS.get(nom)
    if found is None:
        found = paquet.files("portail_famille.skin").joinpath("static", nom).read_bytes()
        _FICHIERS[nom] = found
    return found


def _page(context, request, name):
    sans_sous_chemin(request)
    found = commune(context)
    return {
        "titre": request.localizer.translate(TEXTES[name]),
        "paragraphes": paragraphes(texte(request, found, name)),
        "c": coordonnees(request),
    }


@view_config(
    context=IRoot,
    name="mentions-legales",
    renderer="templates/page.pt",
    permission=P.PORTAIL_PUBLIC,
    request_method=("GET", "HEAD"),
)
def mentions_legales(context, request):
    return _page(context, request, "mentions")


@view_config(
    context=IRoot,
    name="accessibilite",
    renderer="templates/page.pt",
    permission=P.PORTAIL_PUBLIC,
    request_method=("GET", "HEAD"),
)
def accessibilite(context, request):
    found = _page(context, request, "accessibilite")
    etat = getattr(commune(context), "conformite", "partielle")
    found["etat"] = request.localizer.translate(
        _(
            CONFORMITE_PHRASE,
            mapping={
                "etat": request.localizer.translate(CONFORMITES.get(etat, CONFORMITES["non"]))
            },
        )
    )
    found["contact"] = True
    return found


def durees(settings):
    """How long what is kept (from the retention job's rules and the
    settings): (what, how long) as translation strings."""
    idle = int(settings.get("portail.session_idle", 1800))
    absolute = int(settings.get("portail.session_absolute", 43200))
    return [
        (
            _("Données sanitaires, autorisations et détail du planning d'un enfant"),
            _(
                "effacés ${ans} ans après son départ du service",
                mapping={"ans": retention.DELAI_ANS},
            ),
        ),
        (
            _("Factures, avoirs et règlements"),
            _("conservés pour la durée légale des pièces comptables de la régie (10 ans)"),
        ),
        (
            _("Journal des actions et des consultations du personnel"),
            _("${annees} an(s)", mapping={"annees": journal.annees(settings)}),
        ),
        (
            _("Traces des tentatives de connexion (adresse, identifiant)"),
            _("2 jours au plus"),
        ),
        (
            _("Session de connexion"),
            _(
                "fermée après ${minutes} minutes sans activité, ${heures} heures au plus",
                mapping={"minutes": idle // 60, "heures": absolute // 3600},
            ),
        ),
    ]


@view_config(
    context=IRoot,
    name="donnees-personnelles",
    renderer="templates/page.pt",
    permission=P.PORTAIL_PUBLIC,
    request_method=("GET", "HEAD"),
)
def donnees_personnelles(context, request):
    found = _page(context, request, "donnees")
    translate = request.localizer.translate
    found["durees"] = [
        (translate(quoi), translate(combien)) for quoi, combien in durees(request.registry.settings)
    ]
    dpo = getattr(commune(context), "dpo", "") or ""
    found["dpo"] = [ligne for ligne in dpo.splitlines() if ligne.strip()] or [
        translate(
            _(
                "Le délégué à la protection des données de la commune, joignable à "
                "l'adresse du service ci-dessous."
            )
        )
    ]
    found["contact"] = True
    return found


@view_config(
    context=IRoot,
    name="logo-commune",
    permission=P.PORTAIL_PUBLIC,
    request_method=("GET", "HEAD"),
)
def logo(context, request):
    sans_sous_chemin(request)
    found = commune(context)
    if found is None or found.logo is None:
        raise HTTPNotFound()
    return fichiers.reponse(request, found.logo, inline=True)


def _image(nom, mimetype):
    """A skin's icon at the root, where browsers look for it without a
    link (the pages link the static file, cached)."""
    return Response(body=_statique(nom), content_type=mimetype)


@view_config(
    context=IRoot,
    name="favicon.ico",
    permission=P.PORTAIL_PUBLIC,
    request_method=("GET", "HEAD"),
)
def favicon(context, request):
    sans_sous_chemin(request)
    return _image("favicon.ico", "image/vnd.microsoft.icon")


@view_config(
    context=IRoot,
    name="apple-touch-icon.png",
    permission=P.PORTAIL_PUBLIC,
    request_method=("GET", "HEAD"),
)
def apple_touch_icon(context, request):
    sans_sous_chemin(request)
    return _image("apple-touch-icon.png", "image/png")


def manifeste(request):
    """The web app manifest's content (a dict)."""
    c = coordonnees(request)
    nom = request.localizer.translate(_("Portail Famille"))
    base = request.script_name or ""
    icons = [
        {
            "src": request.static_path("portail_famille.skin:static/" + fichier),
            "sizes": taille,
            "type": "image/png",
            "purpose": "any",
        }
        for taille, fichier in ICONES.items()
    ]
    icons.append({**icons[-1], "purpose": "maskable"})
    return {
        "name": "%s — %s" % (nom, c.nom) if c.nom else nom,
        "short_name": nom,
        "description": c.service,
        "id": base + "/",
        "lang": "fr",
        "dir": "ltr",
        "start_url": base + "/",
        "scope": base + "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": FOND,
        "icons": icons,
    }


@view_config(
    context=IRoot,
    name="manifest.webmanifest",
    permission=P.PORTAIL_PUBLIC,
    request_method=("GET", "HEAD"),
)
def manifest(context, request):
    sans_sous_chemin(request)
    return Response(
        body=json.dumps(manifeste(request), ensure_ascii=False).encode("utf-8"),
        content_type="application/manifest+json",
        charset="utf-8",
    )
