"""A child's planning as an iCalendar feed, for the family's phone.

- ``…/enfants/<id>/planning.ics?jeton=<token>``: the feed.  A calendar app
  has no session cookie: the URL carries the family's secret token (256
  random bits, ``secrets.token_urlsafe(32)``); only its SHA-256 is stored on
  the Famille.  A missing or wrong token gets the answer of an unknown
  child (404).  The token is one family's: it opens that family's children
  only.
- ``…/enfants/<id>/agenda``: the parent's page to get the link.  Since only
  the hash is kept, the full links are shown once, right after a POST that
  creates the token; a new token kills the old one (for every child of the
  family).

The feed holds the days booked, pending, attended or excused, from one
month back to the end of the current school year: one range read of the
child's cells per prestation.  No health data: first name, activity, state.
"""

import datetime
import hashlib
import hmac
import secrets

from icalendar import Calendar, Event
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.traversal import find_root
from pyramid.view import view_config
from substanced.util import get_oid

from .. import dates
from ..adresses import url_absolue
from ..demandes.enfants import MENU_ENFANT
from ..familles import partage
from ..familles.resources import IEnfant
from ..i18n import _, traduire
from ..inscriptions import prestation_de
from ..security import P
from ..skin import sans_sous_chemin
from . import cells
from .legende import ETATS

FLUX = "planning.ics"
AGENDA = "agenda"
# On the Famille: (SHA-256 hex of the token, when it was made (UTC)).
ATTRIBUT = "planning_flux_jeton"
# The states a feed shows: the child goes (or went, or is expected, or was
# excused) that day.  A refused booking or an error is not a day of his.
ETATS_FLUX = (
    cells.RESERVE,
    cells.PRESENT,
    cells.PRESENT_RESERVE,
    cells.RESERVATION_TRAITEMENT,
    cells.ATTENTE,
    cells.ABSENT_FACTURE,
    cells.ABSENT_EXCUSE,
    cells.ABSENCE_TRAITEMENT,
    cells.CONGE,
    cells.HORS_CONTRAT,
)
PROVISOIRES = frozenset((cells.RESERVATION_TRAITEMENT, cells.ATTENTE))
ABSENCES = frozenset(
    (cells.ABSENT_FACTURE, cells.ABSENT_EXCUSE, cells.ABSENCE_TRAITEMENT, cells.CONGE)
)
JETON_MAX = 100  # token_urlsafe(32) is 43 characters


def _empreinte(jeton):
    return hashlib.sha256(jeton.encode("utf-8")).hexdigest()


def famille_de(enfant):
    return enfant.__parent__.__parent__


def creer_jeton(famille):
    """A new token for ``famille`` (the previous one stops working); returns
    the token, which is not stored."""
    jeton = secrets.token_urlsafe(32)
    setattr(famille, ATTRIBUT, (_empreinte(jeton), dates.horodatage()))
    return jeton


def jeton_valide(famille, jeton):
    stored = getattr(famille, ATTRIBUT, None)
    if stored is None or not isinstance(jeton, str) or not jeton or len(jeton) > JETON_MAX:
        return False
    return hmac.compare_digest(_empreinte(jeton), stored[0])


def periode(enfant, today):
    """[one month before ``today``, end of the current school year] (in
    summer, between two years: of the next one; without any: ``today``)."""
    debut = today - datetime.timedelta(days=31)
    calendrier = find_root(enfant).get("calendrier")
    fin = today
    if calendrier is not None:
        for annee in calendrier.annees():
            if annee.fin >= today:
                fin = annee.fin
                break
    return debut, fin


def evenements(enfant, debut, fin):
    """[(prestation, date, state)] of the feed, by prestation then date:
    one range read of the child's cells per prestation."""
    tree = cells.cellules(enfant)
    if tree is None:
        return []
    found = []
    for oid in sorted({i.prestation for i in enfant.inscriptions.values()}):
        prestation = prestation_de(enfant, oid)
        if prestation is None:
            continue
        for (_oid, day), etat in tree.items(min=(oid, debut), max=(oid, fin)):
            if etat in ETATS_FLUX:
                found.append((prestation, day, etat))
    return found


def calendrier_ics(request, enfant, today=None):
    """The feed's bytes."""
    today = today or dates.today()
    traduire = request.localizer.translate
    nom = traduire(_("Planning de ${prenom}", mapping={"prenom": enfant.prenom}))
    cal = Calendar()
    cal.add("prodid", "-//Portail Famille//Planning//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", nom)
    cal.add("x-wr-timezone", "Europe/Paris")
    cal.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    stamp = dates.horodatage().replace(microsecond=0)
    enfant_oid = get_oid(enfant)
    debut, fin = periode(enfant, today)
    for prestation, day, etat in evenements(enfant, debut, fin):
        activite = "%s %s" % (prestation.structure.title, prestation.title)
        libelle = traduire(ETATS[etat][1])
        event = Event()
        event.add("uid", "%d-%d-%s@portail-famille" % (enfant_oid, get_oid(prestation), day))
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        event.add("summary", "%s — %s (%s)" % (enfant.prenom, activite, libelle))
        event.add("description", "%s\n%s : %s" % (activite, traduire(_("État")), libelle))
        event.add("categories", [prestation.structure.title])
        event.add("transp", "TRANSPARENT")
        if etat in PROVISOIRES:
            event.add("status", "TENTATIVE")
        elif etat not in ABSENCES:
            event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


@view_config(
    context=IEnfant,
    name=FLUX,
    permission=P.PLANNING_FLUX,
    request_method=("GET", "HEAD"),
)
def flux(context, request):
    """The feed; the token is the check (the permission is everybody's)."""
    sans_sous_chemin(request)
    # a shared child: each household's token opens it (familles.partage)
    jeton = request.GET.get("jeton")
    if not any(jeton_valide(foyer, jeton) for foyer in partage.foyers(context)):
        raise HTTPNotFound()
    response = Response(
        body=calendrier_ics(request, context),
        content_type="text/calendar",
        charset="utf-8",
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = 'inline; filename="planning.ics"'
    return response


def url_flux(request, enfant, jeton):
    return url_absolue(request, enfant, FLUX, query={"jeton": jeton})


def _page(request, context, jeton=None):
    # the reader's household: a shared child's second one has its own token
    famille = partage.foyer_du_lecteur(request, context)
    stored = getattr(famille, ATTRIBUT, None)
    liens = []
    if jeton is not None:
        enfants = [context] + sorted(
            (
                e
                for e in [*famille["enfants"].values(), *partage.enfants_partages(famille)]
                if e is not context
            ),
            key=lambda e: e.prenom,
        )
        for enfant in enfants:
            url = url_flux(request, enfant, jeton)
            liens.append(
                {
                    "prenom": enfant.prenom,
                    "url": url,
                    "webcal": "webcal://" + url.split("://", 1)[1],
                    "courant": enfant is context,
                }
            )
    menu = [
        {
            "titre": traduire(request, titre),
            "url": request.resource_path(context, vue) if vue else request.resource_path(context),
            "actif": vue == "planning",
        }
        for vue, titre in MENU_ENFANT
    ]
    return {
        "famille": famille,
        "enfant": context,
        "menu": menu,
        "rubrique": traduire(request, _("S'abonner au planning (agenda)")),
        "retour": request.resource_path(context, "planning"),
        "existe": stored is not None,
        "depuis": dates.courte(dates.local(stored[1]).date()) if stored else "",
        "liens": liens,
        "peut_generer": bool(request.has_permission(P.DEMANDE_CREER, context)),
        "action": request.resource_path(context, AGENDA),
    }


@view_config(
    context=IEnfant,
    name=AGENDA,
    renderer="templates/agenda.pt",
    permission=P.FAMILLE_VOIR,
    request_method="GET",
)
def agenda(context, request):
    sans_sous_chemin(request)
    return _page(request, context)


@view_config(
    context=IEnfant,
    name=AGENDA,
    renderer="templates/agenda.pt",
    permission=P.DEMANDE_CREER,
    request_method="POST",
)
def generer(context, request):
    """Create or replace the family's token; the links are shown in this
    answer only (never stored, never in a redirect or the session)."""
    sans_sous_chemin(request)
    jeton = creer_jeton(partage.foyer_du_lecteur(request, context))
    return _page(request, context, jeton)
