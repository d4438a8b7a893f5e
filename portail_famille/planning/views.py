"""The parent's month planning of a child, read-only:
``/familles/<n>/enfants/<id>/planning?mois=AAAA-MM`` (default: the current
month in Europe/Paris).  One row per inscription active that month, one
column per day; a cell shows its state (``cells``) or the kind of day of
the calendar (F, P, G, fermeture); days the prestation does not open are
greyed.  Only that month's cells are read."""

import datetime
import functools
import re
from html import escape

from pyramid.csrf import get_csrf_token
from pyramid.traversal import find_root
from pyramid.view import view_config

from .. import dates
from ..calendrier.jours import genres, zone_vacances
from ..familles import partage
from ..familles.resources import IEnfant
from ..i18n import _, traduire
from ..inscriptions import prestations_par_oid
from ..security import P
from ..skin import sans_sous_chemin
from . import cells, page, places, regles
from .actions import ABSENCE, ECRIRE, ERREURS, JOUR, RELEVE, RESERVER
from .declaration import VUE as JUSTIFICATIF
from .formulaires import formulaires
from .legende import ETATS, GENRES, LEGENDE, LEGENDE_JOURS, MARQUES
from .plusieurs import ANNULER as ANNULER_PLUSIEURS
from .plusieurs import VUE as PLUSIEURS

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
# Bookable cells show the places left when fewer than this (0: never).
PLACES_AFFICHEES = "portail.places_restantes_affichees"
PLACES_DEFAUT = 5
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
    """[(inscription, prestation, (first day, last day))] active during
    [debut, fin], sorted by structure then prestation; the days are those
    of the inscription (its start, the end of its school year)."""
    prestations = prestations_par_oid(enfant)
    annees = {}
    found = []
    for inscription in enfant.inscriptions.values():
        if inscription.annee not in annees:
            annees[inscription.annee] = (
                calendrier.get(inscription.annee) if calendrier is not None else None
            )
        annee = annees[inscription.annee]
        if annee is None or annee.fin < debut or annee.debut > fin:
            continue
        if inscription.debut is not None and inscription.debut > fin:
            continue
        prestation = prestations.get(inscription.prestation)
        if prestation is None:
            continue
        premier = max(d for d in (annee.debut, inscription.debut) if d is not None)
        found.append((inscription, prestation, (premier, annee.fin)))
    found.sort(key=lambda active: (active[1].structure.title, active[1].title))
    return found


def _responsable(famille):
    r = famille.responsable
    return " ".join(p for p in (r.get("nom", ""), r.get("prenom", "")) if p)


def _apparence(traduire, etat, genre, ouvert, action):
    """(opening <td>, mark's HTML, escaped text) of a cell: the same for
    every cell of the same kind (computed once per page and kind)."""
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
    elif action and not texte:
        texte = _("Libre")
    td = '<td class="%s">' % " ".join(classes) if classes else "<td>"
    marque = '<span class="marque" aria-hidden="true">%s</span>' % marque if marque else ""
    return td, marque, escape(traduire(texte)) if texte else ""


# A cell the parent may ask something on: a link to its day page (the
# target of the menu, which finds the prestation on the row; all values
# escaped).
ACTION = (
    '%s<a class="cellule-action" href="%s&amp;date=%s" aria-haspopup="menu" data-date="%s">'
    '%s%s<span class="visuellement-cache">%s%s, %s</span></a></td>'
)
CACHE = '%s%s<span class="visuellement-cache">%s</span></td>'
# A row of the grid: prestation, title (attribute, text), the family's
# parent, the cells (all escaped).
LIGNE = (
    '<tr data-prestation="%d" data-titre="%s">\n'
    '                <th scope="row">%s</th>\n'
    '                <td class="responsable">%s</td>\n'
    "                %s\n"
    "              </tr>"
)


# The day list (under 600 px, planning.css): one item per activity of a
# day, its state in the grid's words; the action one tap does (data-action:
# a free day asks a reservation, a booked day declares an absence) or,
# other states, the same menu as the grid's cell.
# (Built by concatenation, per row and per cell: the list doubles the
# grid's cells and the grid is the page parents open most.)
ITEM_DEBUT = '<li class="activite-jour"><span class="activite">%s</span> '
ITEM_ETAT = "<span%s>%s</span>"
ITEM_LIEN = '<a class="cellule-action action-jour" aria-haspopup="menu" href="%s&amp;date='
ITEM_DATE = '" data-prestation="%d" data-date="'
ITEM_FIN = "</a></li>"
JOUR_LISTE = '<li class="jour-liste"><h3 class="jour-titre">%s</h3><ul>%s</ul></li>'
PLACES_CELLULE = '<span class="places" aria-hidden="true">%d</span>'
PLACES_ITEM = ' <span class="places-texte">%s</span>'
# The one-tap action of a state in the day list: (data-action, label key).
ACTIONS_LISTE = {None: ("reservation", "reservation"), cells.RESERVE: ("absence", "absence")}


def places_affichees(settings):
    """The setting ``portail.places_restantes_affichees``: bookable cells
    show the places left when fewer than this; 0 never."""
    try:
        return max(int(settings.get(PLACES_AFFICHEES, PLACES_DEFAUT)), 0)
    except (TypeError, ValueError):
        return PLACES_DEFAUT


def _erreurs(request, queue=ERREURS):
    session = request.session
    if not session.peek_flash(queue):
        return []
    return session.pop_flash(queue)


@view_config(
    context=IEnfant,
    name=VUE,
    renderer="templates/planning.pt",
    permission=P.FAMILLE_VOIR,
)
def planning(context, request):
    sans_sous_chemin(request)
    famille = partage.foyer_du_lecteur(request, context)
    year, month = mois_demande(request.params.get("mois"), dates.today())
    debut, fin = cells.bornes(year, month)
    jours = [debut + datetime.timedelta(days=n) for n in range((fin - debut).days + 1)]
    calendrier = find_root(context).get("calendrier")
    zone = zone_vacances(request.registry.settings)
    actives = _actives(context, calendrier, debut, fin)
    etats = {}
    for (oid, day), etat in cells.cells_of_month(
        context, year, month, [i.prestation for i, _p, _d in actives]
    ).items():
        etats.setdefault(oid, {})[day] = etat
    genres_par_structure = {}

    def genres_de(structure):
        if structure.__name__ not in genres_par_structure:
            found = (
                genres(calendrier, jours, structure, zone)
                if calendrier is not None
                else dict.fromkeys(jours)
            )
            genres_par_structure[structure.__name__] = found
        return genres_par_structure[structure.__name__]

    responsable = escape(_responsable(famille), quote=False)
    actions = bool(request.has_permission(P.DEMANDE_CREER, context))
    aujourdhui = dates.today()
    # The child's path, once: its views' URLs are this plus their name.
    chemin = request.resource_path(context)
    base = escape(chemin + JOUR)
    traductions = {}

    def traduit(texte):
        if texte not in traductions:
            traductions[texte] = traduire(request, texte)
        return traductions[texte]

    apparences = {}
    colonnes, entetes = _colonnes(year, month)
    jeton = get_csrf_token(request)
    textes = formulaires(request, chemin + RESERVER, chemin + ABSENCE, jeton)
    libelles = textes["t"]
    seuil = places_affichees(request.registry.settings) if actions else 0
    textes_places = {}

    def places_restantes(n):
        """(visible text, text for screen readers) of ``n`` places left."""
        if n not in textes_places:
            if n == 0:
                message = _("Complet")
            elif n == 1:
                message = _("${n} place restante", mapping={"n": n})
            else:
                message = _("${n} places restantes", mapping={"n": n})
            texte = escape(traduire(request, message))
            textes_places[n] = (texte, ", " + texte)
        return textes_places[n]

    # The day list: per column, its items' markup in the rows' order.
    liste = [[] for _colonne in colonnes]
    actions_liste = {}

    def apparence(key):
        """What every cell of this kind (etat, kind of day, open?, action?)
        shows: _apparence's three parts; the cell's markup (without action);
        the state's words in the day list; the end of its list item (the
        action's link's end, "</li>" without action, None when the day list
        does not show it)."""
        etat, _genre, ouvert, action = key
        td, marque, texte = _apparence(traduit, *key)
        etat_liste = ITEM_ETAT % (td[3:-1], (marque + " " + texte) if marque else texte)
        if action:
            return td, marque, texte, None, etat_liste, action_item(etat) + ITEM_FIN
        if texte:
            cellule = CACHE % (td, marque, texte)
            fin = "</li>" if ouvert or etat is not None else None
            return td, marque, texte, cellule, etat_liste, fin
        return td, marque, texte, td + marque + "</td>", etat_liste, None

    def action_item(etat):
        """The end of the link's opening tag and its words: the one-tap
        action of the state (ACTIONS_LISTE), else the menu."""
        found = actions_liste.get(etat)
        if found is None:
            quoi = ACTIONS_LISTE.get(etat)
            if quoi is None:
                found = '">' + escape(libelles["menu"])
            else:
                found = '" data-action="%s">%s' % (quoi[0], escape(libelles[quoi[1]]))
            actions_liste[etat] = found
        return found

    ouverts_par_regle = {}

    def jours_ouverts(prestation, kinds):
        # prestations of a structure often share their opening rules
        key = (prestation.structure.__name__, prestation.jours, prestation.periodes)
        if key not in ouverts_par_regle:
            ouverts_par_regle[key] = regles.jours_ouverts(prestation, kinds)
        return ouverts_par_regle[key]

    def ligne(inscription, prestation, bornes):
        titre = "%s %s" % (prestation.structure.title, prestation.title)
        titre_texte = escape(titre, quote=False)
        titre_attribut = titre_texte.replace('"', "&quot;")
        url = "%s?prestation=%d" % (base, inscription.prestation)
        kinds = genres_de(prestation.structure)
        ouverts = jours_ouverts(prestation, kinds)
        # The days the parent may ask something on.
        debut_a = max(bornes[0], aujourdhui)
        possibles = {d for d in ouverts if debut_a <= d <= bornes[1]} if actions else ()
        row = etats.get(inscription.prestation, {})
        # The places taken of the days the parent may book: one range read.
        pris = places.pris_entre(prestation, debut, fin) if seuil and possibles else {}
        capacite = prestation.capacite
        # The day list's parts of this row (ITEM_*).
        debut_item = ITEM_DEBUT % escape(titre)
        lien_item = ITEM_LIEN % url
        date_item = ITEM_DATE % inscription.prestation
        cellules = []
        for index, (day, iso, long) in enumerate(colonnes):
            action = day in possibles
            etat = row.get(day)
            ouvert = day in ouverts
            key = (etat, kinds[day], ouvert, action)
            found = apparences.get(key)
            if found is None:
                found = apparences[key] = apparence(key)
            td, marque, texte, cellule, etat_liste, fin_item = found
            if action:
                visible = cache = item = ""
                if seuil and etat is None:
                    restantes = max(capacite - pris.get(day, 0), 0)
                    if restantes < seuil:
                        texte_places, cache = places_restantes(restantes)
                        visible = PLACES_CELLULE % restantes
                        item = PLACES_ITEM % texte_places
                cellules.append(ACTION % (td, url, iso, iso, marque, visible, texte, cache, long))
                liste[index].append(
                    debut_item + etat_liste + item + lien_item + iso + date_item + iso + fin_item
                )
            else:
                cellules.append(cellule)
                if fin_item is not None:
                    liste[index].append(debut_item + etat_liste + fin_item)
        return LIGNE % (
            inscription.prestation,
            titre_attribut,
            titre_texte,
            responsable,
            "".join(cellules),
        )

    # Markup: every value inside is escaped (LIGNE, _apparence, ACTION).
    lignes = "\n              ".join(ligne(*active) for active in actives)
    jours_liste = "".join(
        JOUR_LISTE % (long, "".join(items))
        for (_day, _iso, long), items in zip(colonnes, liste, strict=True)
        if items
    )

    def lien(delta):
        y, m = decaler(year, month, delta)
        return "%s%s?mois=%04d-%02d" % (chemin, VUE, y, m)

    mois = "%s %d" % (MOIS[month - 1], year)
    modeles = page.modeles(request)
    # the reader's household (a shared child's second household reads it
    # under the first's path: familles.partage)
    chemin_famille = request.resource_path(famille)
    return {
        "famille": famille,
        "enfant": context,
        "rubrique": traduit(_("Planning")),
        "mois": mois,
        # Markup, every value escaped (page.modeles, page.menu, LIGNE).
        "retour": modeles["retour"] % escape(chemin_famille + "mes-enfants"),
        "menu": page.menu(request, chemin, VUE),
        "navigation": modeles["navigation"]
        % (escape(lien(-1)), escape(mois, quote=False), escape(lien(1))),
        "plusieurs": modeles["plusieurs"]
        % (
            escape(chemin + PLUSIEURS),
            escape(chemin + ANNULER_PLUSIEURS),
            escape(chemin + JUSTIFICATIF),
        ),
        "entetes": modeles["colonnes"] % () + entetes,
        "agenda": modeles["agenda"] % escape(chemin + "agenda"),
        # a shared child: the reader's household's weeks (familles.partage)
        "garde": (
            partage.libelle(request, partage.garde_de(context, famille), phrase=True)
            if partage.est_partage(context)
            else None
        ),
        "lignes": lignes,
        # Markup: every value inside is escaped (ITEM_*, JOUR_LISTE).
        "jours_liste": jours_liste,
        "actions": actions,
        "erreurs": _erreurs(request),
        "ecrire": _erreurs(request, ECRIRE),
        "releve": _erreurs(request, RELEVE),
        # Markup (page.formulaires escapes)
        "formulaires": page.formulaires(request, chemin + RESERVER, chemin + ABSENCE, jeton),
        "legende": page.legende(request),
    }


@functools.lru_cache(maxsize=64)
def _colonnes(year, month):
    """The month's columns, (day, ISO date, day in words escaped), and its
    header cells as markup (escaped here): the same for every child."""
    debut, fin = cells.bornes(year, month)
    jours = [debut + datetime.timedelta(days=n) for n in range((fin - debut).days + 1)]
    colonnes = tuple((day, day.isoformat(), escape(dates.en_toutes_lettres(day))) for day in jours)
    entetes = "".join(
        '<th scope="col"%s><abbr title="%s">%s</abbr> %02d</th>'
        % (
            ' class="weekend"' if day.weekday() >= 5 else "",
            long,
            JOURS_COURTS[day.weekday()],
            day.day,
        )
        for day, _iso, long in colonnes
    )
    return colonnes, entetes


_LEGENDES = {}


def _legende(request):
    """The legend in the request's language, for the template: states
    (class, mark, text), kinds of day (letter, text), marks (class, text);
    the same on every page: made once per language."""
    langue = request.localizer.locale_name
    if langue not in _LEGENDES:
        _LEGENDES[langue] = {
            "etats": [(c, m, traduire(request, t)) for c, m, t in LEGENDE],
            "jours": [(c, traduire(request, t)) for c, t in LEGENDE_JOURS],
            "marques": [(c, traduire(request, t)) for c, t in MARQUES],
        }
    return _LEGENDES[langue]
