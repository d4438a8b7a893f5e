"""A school year on one screen: the SDI tab "Vue de l'année" of an
AnneeScolaire, months × days with school holidays (P, G), public holidays
(F), closures and week-ends, and each prestation's opening days (counted
per month; marked in the grid for the prestation chosen), printable.

Every day's kind comes from ``jours.genres`` (the calendar read once per
structure), the opening days from ``planning.regles.jours_ouverts``: the
rules the bookings obey, not a copy of them.
"""

import datetime

from babel.dates import format_date
from substanced.sdi import mgmt_view
from substanced.util import get_oid

from ... import dates
from ...calendrier import jours
from ...calendrier.interfaces import IAnneeScolaire
from ...i18n import _
from ...inscriptions import prestations_par_oid
from ...security import P
from ..regles import jours_ouverts

NOM = "vue-annee"
# kind -> (letter shown, CSS class, French name)
GENRES = {
    jours.PETITES_VACANCES: ("P", "petites-vacances", _("Petites vacances")),
    jours.GRANDES_VACANCES: ("G", "grandes-vacances", _("Grandes vacances")),
    jours.FERIE: ("F", "ferie", _("Jour férié")),
    jours.FERMETURE: ("X", "fermeture", _("Fermeture")),
}
OUVERT = "●"


def _jours(annee):
    return [
        annee.debut + datetime.timedelta(days=n) for n in range((annee.fin - annee.debut).days + 1)
    ]


def _mois(annee):
    """[(first day of the month, [its days inside the school year])]."""
    found = []
    for day in _jours(annee):
        if not found or found[-1][0].month != day.month:
            found.append((day.replace(day=1), []))
        found[-1][1].append(day)
    return found


def _prestations(root):
    found = prestations_par_oid(root).values()
    return sorted(found, key=lambda p: (str(p.structure.title), str(p.title)))


def vue(annee, root, zone, prestation_oid=None):
    """What the tab shows: the months' cells, the prestations' opening days
    per month, the prestation chosen (or None)."""
    calendrier = annee.__parent__
    days = _jours(annee)
    commune = jours.genres(calendrier, days, None, zone)
    par_structure = {}
    prestations = []
    choisie = None
    for prestation in _prestations(root):
        structure = prestation.structure
        key = get_oid(structure, None)
        if key not in par_structure:
            par_structure[key] = jours.genres(calendrier, days, structure, zone)
        ouverts = jours_ouverts(prestation, par_structure[key])
        oid = get_oid(prestation)
        if oid == prestation_oid:
            choisie = (prestation, ouverts, par_structure[key])
        prestations.append(
            {
                "oid": oid,
                "nom": "%s — %s" % (structure.title, prestation.title),
                "mois": [sum(1 for d in m if d in ouverts) for _debut, m in _mois(annee)],
                "total": len(ouverts),
            }
        )
    genres = choisie[2] if choisie else commune
    mois = []
    for debut, month_days in _mois(annee):
        cellules = {d.day: d for d in month_days}
        row = []
        for n in range(1, 32):
            day = cellules.get(n)
            row.append(_cellule(day, genres, choisie) if day else None)
        mois.append(
            {"nom": format_date(debut, "MMMM y", locale="fr_FR").capitalize(), "jours": row}
        )
    return {
        "mois": mois,
        "prestations": prestations,
        "noms_mois": [format_date(d, "MMM", locale="fr_FR") for d, _m in _mois(annee)],
        "choisie": choisie and get_oid(choisie[0]),
    }


def _cellule(day, genres, choisie):
    genre = genres.get(day)
    lettre, classe, nom = GENRES.get(genre, ("", "", None))
    classes = [classe] if classe else []
    if day.weekday() >= 5:
        classes.append("week-end")
    ouvert = choisie is not None and day in choisie[1]
    if ouvert:
        classes.append("ouvert")
    return {
        "date": dates.en_toutes_lettres(day),
        "lettre": lettre or (OUVERT if ouvert else ""),
        "genre": nom,
        "ouvert": ouvert,
        "classe": " ".join(classes),
    }


@mgmt_view(
    context=IAnneeScolaire,
    name=NOM,
    tab_title=_("Vue de l'année"),
    permission=P.SDI_VIEW,
    request_method="GET",
    renderer="portail_famille.planning:templates/vue_annee.pt",
)
def vue_annee(context, request):
    try:
        oid = int(request.GET.get("prestation", ""))
    except ValueError:
        oid = None
    zone = jours.zone_vacances(request.registry.settings)
    found = vue(context, request.root, zone, oid)
    found.update(
        annee=context,
        zone=zone,
        action=request.sdiapi.mgmt_path(context, "@@" + NOM),
        legende=[(lettre, classe, nom) for lettre, classe, nom in GENRES.values()],
    )
    return found
