"""The weekly attendance sheet ("Feuille de présence") of a Prestation, an
SDI tab (``P.PLANNING_VOIR``, as the day's list): for the week of
``?date=AAAA-MM-JJ`` (this week by default), one row per child holding a
place on one of its opening days, one column per opening day, each cell
the day's state in a letter (the legend below the table), and the
number of children expected per day; on screen, to print (PDF, a column
left for the staff's ticks) and as CSV / XLSX (``tableur``: formula
injection).  No health data: nothing to audit.

The children are those the days' lists read (``effectifs.Journee``: the
index of enrolled children, one cell per child and day), never every
family.
"""

import datetime
from urllib.parse import urlencode

from substanced.sdi import mgmt_view

from ... import dates
from ...i18n import _
from ...security import P
from ...structures.resources import IPrestation
from .. import cells
from .effectifs import Journee, _Onglet
from .listes import LIRE, _exports, _format, _pdf

VUE = "feuille-de-presence"
# state -> its letter on the sheet; any other state (none, refused,
# waiting list, closure...) is left blank.
LETTRES = {
    cells.RESERVE: "R",
    cells.PRESENT_RESERVE: "P",
    cells.PRESENT: "P",
    cells.ABSENT_EXCUSE: "AE",
    cells.ABSENT_FACTURE: "AF",
    cells.HORS_CONTRAT: "H",
    cells.RESERVATION_TRAITEMENT: "T",
    cells.ABSENCE_TRAITEMENT: "T",
}
LEGENDE = _(
    "R : réservé · P : présent · AE : absent excusé · AF : absent facturé · "
    "H : hors contrat · T : demande en cours de traitement"
)
JOURS_COURTS = (_("lun."), _("mar."), _("mer."), _("jeu."), _("ven."), _("sam."), _("dim."))


class Semaine:
    """The sheet of the week holding ``day``."""

    def __init__(self, request, prestation, day):
        self.request = request
        self.prestation = prestation
        self.lundi = day - datetime.timedelta(days=day.weekday())
        semaine = [self.lundi + datetime.timedelta(days=n) for n in range(7)]
        self.journees = [Journee(prestation, request, d) for d in semaine]
        self.journees = [j for j in self.journees if j.ouvre]

    def entetes(self):
        t = self.request.localizer.translate
        jours = [
            "%s %s" % (t(JOURS_COURTS[j.day.weekday()]), j.day.strftime("%d/%m"))
            for j in self.journees
        ]
        return [t(_("Nom")), t(_("Prénom")), t(_("Classe")), t(_("N° famille")), *jours]

    def lignes(self):
        """(the children's rows sorted by name, the total row)."""
        enfants, etats = {}, {}
        for journee in self.journees:
            for oid, enfant in journee.enfants().items():
                etat = cells.etat(enfant, journee.oid, journee.day)
                if etat in LETTRES:
                    enfants[oid] = enfant
                    etats[(oid, journee.day)] = etat
        rows = []
        for oid, enfant in enfants.items():
            famille = enfant.__parent__.__parent__
            lettres = [LETTRES.get(etats.get((oid, j.day)), "") for j in self.journees]
            rows.append([enfant.nom, enfant.prenom, enfant.classe, famille.numero, *lettres])
        rows.sort(key=lambda r: (r[0], r[1], r[3]))
        attendus = [
            sum(etats.get((oid, j.day)) in cells.OCCUPANTS for oid in enfants)
            for j in self.journees
        ]
        total = [self.request.localizer.translate(_("Enfants attendus")), "", "", "", *attendus]
        return rows, total

    def titre(self):
        return self.request.localizer.translate(
            _(
                "Feuille de présence — ${structure} — ${prestation} — semaine du ${lundi}",
                mapping={
                    "structure": self.prestation.structure.title,
                    "prestation": self.prestation.title,
                    "lundi": dates.courte(self.lundi),
                },
            )
        )

    def fichier(self, extension):
        return "presence-%s-%s-%s.%s" % (
            self.prestation.structure.__name__,
            self.prestation.__name__,
            self.lundi.isoformat(),
            extension,
        )


def _semaine(context, request):
    day, erreur = _Onglet(context, request).jour_demande()
    return Semaine(request, context, day), erreur


@mgmt_view(
    context=IPrestation,
    name=VUE,
    tab_title=_("Feuille de présence"),
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    renderer="portail_famille.planning:templates/feuille_de_presence.pt",
)
def feuille_de_presence(context, request):
    semaine, erreur = _semaine(context, request)
    lignes, total = semaine.lignes()
    onglet = _Onglet(context, request)
    onglet.vue = VUE
    semaine_de = datetime.timedelta(days=7)
    query = "?" + urlencode({"date": semaine.lundi.isoformat()})
    return {
        "titre": semaine.titre(),
        "action": onglet.url(),
        "jour": semaine.lundi.isoformat(),
        "precedente": onglet.url(semaine.lundi - semaine_de),
        "suivante": onglet.url(semaine.lundi + semaine_de),
        "erreur_date": erreur,
        "entetes": semaine.entetes(),
        "lignes": lignes,
        "total": total,
        "ouvre": bool(semaine.journees),
        "legende": request.localizer.translate(LEGENDE),
        "telechargements": {
            nom: request.sdiapi.mgmt_path(context, "@@%s-%s" % (VUE, nom)) + query
            for nom in ("pdf", "csv", "xlsx")
        },
    }


@mgmt_view(
    context=IPrestation,
    name=VUE + "-pdf",
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
def feuille_de_presence_pdf(context, request):
    semaine, _erreur = _semaine(context, request)
    lignes, total = semaine.lignes()
    legende = request.localizer.translate(LEGENDE)
    entetes = [*semaine.entetes(), request.localizer.translate(_("Observations"))]
    lignes = [[*ligne, ""] for ligne in [*lignes, total]]
    return _pdf(request, semaine.titre(), legende, entetes, lignes, semaine.fichier("pdf"))


@mgmt_view(
    context=IPrestation,
    name=VUE + "-csv",
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
@mgmt_view(
    context=IPrestation,
    name=VUE + "-xlsx",
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
def feuille_de_presence_tableur(context, request):
    semaine, _erreur = _semaine(context, request)
    lignes, total = semaine.lignes()
    return _exports(
        request,
        semaine.titre(),
        semaine.entetes(),
        [*lignes, total],
        semaine.fichier,
        _format(request),
    )
