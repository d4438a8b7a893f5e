"""The parent's month planning of a child, read-only:
``/familles/<n>/enfants/<id>/planning?mois=AAAA-MM`` (default: the current
month in Europe/Paris).  One row per inscription active that month, one
column per day; a cell shows its state (``cells``) or the kind of day of
the calendar (F, P, G, fermeture); days the prestation does not open are
greyed.  Only that month's cells are read."""

import datetime
import re
from html import escape

from pyramid.csrf import get_csrf_token
from pyramid.traversal import find_root
from pyramid.view import view_config

from .. import dates
from ..calendrier.jours import jour, zone_vacances
from ..demandes.enfants import MENU_ENFANT
from ..demandes.views import _sans_sous_chemin, _traduire
from ..familles.resources import IEnfant
from ..i18n import _
from ..inscriptions import prestation_de
from ..security import P
from . import cells, regles
from .actions import ABSENCE, ERREURS, JOUR, RESERVER
from .legende import ETATS, GENRES, LEGENDE, LEGENDE_JOURS, MARQUES

VUE = "planning"
MOIS = (
    "Janvier",
    "Février",
    "Mars",
    "Avril",
    "Mai",
    "Juin",
    "Juillet",
    "Août",
    "Septembre",
    "Octobre",
    "Novembre",
    "Décembre",
)
JOURS_COURTS = ("Lu", "Ma", "Me", "Je", "Ve", "Sa", "Di")
_MOIS = re.compile(r"^(\d{4})-(\d{2})$")


def mois_demande(value, today):
    """(year, month) of ``?mois=AAAA-MM``; the current month when invalid."""
    match = _MOIS.match(value or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    return today.year, today.month


def decaler(year, month, delta):
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def _actives(enfant, calendrier, debut, fin):
    """[(inscription, prestation)] active during [debut, fin], sorted by
    structure then prestation."""
    found = []
    for inscription in enfant.inscriptions.values():
        annee = calendrier.get(inscription.annee) if calendrier is not None else None
        if annee is None or annee.fin < debut or annee.debut > fin:
            continue
        if inscription.debut is not None and inscription.debut > fin:
            continue
        prestation = prestation_de(enfant, inscription.prestation)
        if prestation is None:
            continue
        found.append((inscription, prestation))
    found.sort(key=lambda ip: (ip[1].structure.title, ip[1].title))
    return found


def _responsable(famille):
    r = famille.responsable
    return " ".join(p for p in (r.get("nom", ""), r.get("prenom", "")) if p)


def _cellule(traduire, etat, genre, ouvert, action, titre, jour_long, iso, prestation):
    """The HTML of one cell of the grid (built here, escaped: a month of
    seven rows is 217 cells, too many for the template's expressions).
    ``action``: the URL of its day page when the parent may ask for
    something there (the menu's target)."""
    classes = []
    marque = texte = ""
    if etat is not None:
        marque, texte = ETATS[etat]
        classes.append("etat-" + etat)
    elif genre is not None:
        marque, texte = GENRES[genre]
        classes.append("jour-" + genre)
    if not ouvert:
        classes.append("non-ouvert")
        if not texte:
            texte = _("Non ouvert")
    elif action is not None and not texte:
        texte = _("Libre")
    texte = traduire(texte) if texte else ""
    inner = '<span class="marque" aria-hidden="true">%s</span>' % marque if marque else ""
    if action is not None:
        inner += '<span class="visuellement-cache">%s, %s</span>' % (escape(texte), jour_long)
        inner = (
            '<a class="cellule-action" href="%s" aria-haspopup="menu" data-prestation="%d" '
            'data-date="%s" data-titre="%s, %s">%s</a>'
            % (escape(action), prestation, iso, escape(titre), jour_long, inner)
        )
    elif texte:
        inner += '<span class="visuellement-cache">%s</span>' % escape(texte)
    classe = ' class="%s"' % " ".join(classes) if classes else ""
    return "<td%s>%s</td>" % (classe, inner)


def _bornes_inscription(calendrier, inscription):
    annee = calendrier.get(inscription.annee)
    debut = max(d for d in (annee.debut, inscription.debut) if d is not None)
    return debut, annee.fin


def _erreurs(request):
    session = request.session
    if not session.peek_flash(ERREURS):
        return []
    return session.pop_flash(ERREURS)


@view_config(
    context=IEnfant,
    name=VUE,
    renderer="templates/planning.pt",
    permission=P.FAMILLE_VOIR,
)
def planning(context, request):
    _sans_sous_chemin(request)
    famille = context.__parent__.__parent__
    year, month = mois_demande(request.params.get("mois"), dates.today())
    debut, fin = cells.bornes(year, month)
    jours = [debut + datetime.timedelta(days=n) for n in range((fin - debut).days + 1)]
    calendrier = find_root(context).get("calendrier")
    zone = zone_vacances(request.registry.settings)
    actives = _actives(context, calendrier, debut, fin)
    etats = cells.cells_of_month(context, year, month, [i.prestation for i, _p in actives])
    genres = {}

    def genre(structure, day):
        key = (structure.__name__, day)
        if key not in genres:
            genres[key] = jour(calendrier, day, structure, zone) if calendrier else None
        return genres[key]

    responsable = _responsable(famille)
    actions = bool(request.has_permission(P.DEMANDE_CREER, context))
    aujourdhui = dates.today()
    base = request.resource_path(context, JOUR)
    traductions = {}

    def traduire(texte):
        if texte not in traductions:
            traductions[texte] = _traduire(request, texte)
        return traductions[texte]

    longs = {day: escape(dates.en_toutes_lettres(day)) for day in jours}

    def ligne(inscription, prestation):
        debut_i, fin_i = _bornes_inscription(calendrier, inscription)
        titre = "%s %s" % (prestation.structure.title, prestation.title)
        cellules = []
        for day in jours:
            kind = genre(prestation.structure, day)
            ouvert = regles.ouvre(prestation, day, kind)
            action = None
            if actions and ouvert and day >= aujourdhui and debut_i <= day <= fin_i:
                action = "%s?prestation=%d&date=%s" % (base, inscription.prestation, day)
            etat = etats.get((inscription.prestation, day))
            cellules.append(
                _cellule(
                    traduire,
                    etat,
                    kind,
                    ouvert,
                    action,
                    titre,
                    longs[day],
                    day.isoformat(),
                    inscription.prestation,
                )
            )
        return {
            "titre": titre,
            "responsable": responsable,
            "prestation": inscription.prestation,
            # Inserted as markup by the template: every value inside was
            # escaped by _cellule.
            "cellules": "".join(cellules),
        }

    lignes = [ligne(inscription, prestation) for inscription, prestation in actives]
    menu = [
        {
            "titre": _traduire(request, titre),
            "url": request.resource_path(context, vue) if vue else request.resource_path(context),
            "actif": vue == VUE,
        }
        for vue, titre in MENU_ENFANT
    ]

    def lien(delta):
        y, m = decaler(year, month, delta)
        return request.resource_path(context, VUE, query={"mois": "%04d-%02d" % (y, m)})

    return {
        "famille": famille,
        "enfant": context,
        "menu": menu,
        "rubrique": _traduire(request, _("Planning")),
        "retour": request.resource_path(famille, "mes-enfants"),
        "mois": "%s %d" % (MOIS[month - 1], year),
        "precedent": lien(-1),
        "suivant": lien(1),
        "jours": [
            {
                "court": JOURS_COURTS[day.weekday()],
                "numero": "%02d" % day.day,
                "long": dates.en_toutes_lettres(day),
                "weekend": day.weekday() >= 5,
                "iso": day.isoformat(),
            }
            for day in jours
        ],
        "lignes": lignes,
        "actions": actions,
        "erreurs": _erreurs(request),
        "url_reserver": request.resource_path(context, RESERVER),
        "url_absence": request.resource_path(context, ABSENCE),
        "url_agenda": request.resource_path(context, "agenda"),
        "csrf_token": get_csrf_token(request),
        "legende": [(c, m, _traduire(request, t)) for c, m, t in LEGENDE],
        "legende_jours": [(c, _traduire(request, t)) for c, t in LEGENDE_JOURS],
        "marques": [(c, _traduire(request, t)) for c, t in MARQUES],
    }
