"""The "Statistiques CAF" tab of the Structures folder
(``P.STATISTIQUES_VOIR``: agents, régisseurs, administrators): the figures
of ``planning.statistiques`` for a period of whole months (``du``, ``au``:
AAAA-MM; this month by default), on screen and as CSV (one table, chosen
by ``tableau``) or XLSX (one sheet per table).  The figures name children
but hold no health data: nothing to audit.
"""

from decimal import Decimal
from urllib.parse import urlencode

from substanced.sdi import mgmt_view

from ... import dates, tableur
from ...i18n import _
from ...security import P
from ...structures.resources import IStructures
from .. import statistiques as stats
from .listes import LIRE, _format

VUE = "statistiques"
ECRAN_MAX = 500  # rows of the detail per child shown on screen
MOIS = (
    _("janvier"),
    _("février"),
    _("mars"),
    _("avril"),
    _("mai"),
    _("juin"),
    _("juillet"),
    _("août"),
    _("septembre"),
    _("octobre"),
    _("novembre"),
    _("décembre"),
)
TRANCHES = {
    stats.MOINS_DE_6: _("Moins de 6 ans"),
    stats.SIX_ET_PLUS: _("6 ans et plus"),
    stats.AGE_INCONNU: _("Âge non renseigné"),
}
SYNTHESE, ENFANTS, JOURS = "synthese", "enfants", "jours"


def lire_mois(value):
    """The first day of the month ``AAAA-MM``, or None."""
    return dates.lire_iso("%s-01" % value) if isinstance(value, str) and len(value) == 7 else None


class Periode:
    """The months asked for and their figures."""

    def __init__(self, context, request):
        self.request = request
        self.erreur = None
        today = dates.today().replace(day=1)
        self.debut = self.fin = today
        du, au = request.GET.get("du"), request.GET.get("au")
        if du or au:
            debut, fin = lire_mois(du), lire_mois(au or du)
            if debut is None or fin is None or fin < debut:
                self.erreur = _(
                    "Période invalide : le mois en cours est affiché (mois au format "
                    "AAAA-MM, la fin après le début)."
                )
            elif (fin.year - debut.year) * 12 + fin.month - debut.month >= stats.MOIS_MAX:
                self.erreur = _(
                    "Période trop longue (${max} mois au plus) : le mois en cours est affiché.",
                    mapping={"max": stats.MOIS_MAX},
                )
            else:
                self.debut, self.fin = debut, fin
        self.figures = stats.Statistiques(context, self.debut, stats.fin_de_mois(self.fin))

    def _t(self, text):
        return self.request.localizer.translate(text)

    def mois(self, mois):
        return "%s %d" % (self._t(MOIS[mois.month - 1]), mois.year)

    def titre(self):
        if self.debut == self.fin:
            periode = self.mois(self.debut)
        else:
            periode = "%s – %s" % (self.mois(self.debut), self.mois(self.fin))
        return self._t(_("Statistiques CAF — ${periode}", mapping={"periode": periode}))

    def query(self):
        return {"du": self.debut.strftime("%Y-%m"), "au": self.fin.strftime("%Y-%m")}

    def fichier(self, extension, tableau=""):
        nom = "-".join(n for n in ("statistiques-caf", tableau) if n)
        return "%s-%s-%s.%s" % (nom, *self.query().values(), extension)

    def _activite(self, prestation):
        return [prestation.structure.title, prestation.title]

    def _heures(self, compte):
        return [compte.reservees, compte.realisees, compte.facturees]

    def tableaux(self):
        """{name: (sheet title, headers, rows)}, rows sorted."""
        t = self._t
        heures = [t(_("Heures réservées")), t(_("Heures réalisées")), t(_("Heures facturées"))]
        debut = [t(_("Mois")), t(_("Structure")), t(_("Activité")), t(_("Tranche d'âge"))]
        synthese = sorted(
            self.figures.synthese().items(),
            key=lambda i: (i[0][0], *self._activite(i[0][1]), stats.TRANCHES.index(i[0][2])),
        )
        enfants = sorted(
            self.figures.enfants.items(),
            key=lambda i: (
                i[0][0],
                *self._activite(i[0][1]),
                stats.TRANCHES.index(i[0][2]),
                i[0][3].nom,
                i[0][3].prenom,
            ),
        )
        jours = sorted(
            self.figures.jours.items(), key=lambda i: (i[0][0], *self._activite(i[0][1]))
        )
        return {
            SYNTHESE: (
                t(_("Synthèse")),
                [*debut, t(_("Enfants")), *heures],
                [
                    [self.mois(m), *self._activite(p), t(TRANCHES[b]), n, *self._heures(c)]
                    for (m, p, b), (n, c) in synthese
                ],
            ),
            ENFANTS: (
                t(_("Par enfant")),
                [
                    *debut,
                    t(_("Nom")),
                    t(_("Prénom")),
                    t(_("Date de naissance")),
                    t(_("N° famille")),
                    t(_("Jours")),
                    *heures,
                ],
                [
                    [
                        self.mois(m),
                        *self._activite(p),
                        t(TRANCHES[b]),
                        e.nom,
                        e.prenom,
                        dates.courte(e.date_naissance),
                        e.numero,
                        c.jours,
                        *self._heures(c),
                    ]
                    for (m, p, b, e), c in enfants
                ],
            ),
            JOURS: (
                t(_("Enfants par jour")),
                [
                    t(_("Date")),
                    t(_("Structure")),
                    t(_("Activité")),
                    t(_("Enfants réservés")),
                    t(_("Enfants présents")),
                ],
                [[dates.courte(d), *self._activite(p), r, a] for (d, p), (r, a) in jours],
            ),
        }


def _ecran(lignes):
    """Hours written the French way on screen."""
    return [
        [tableur.decimal_francais(v) if isinstance(v, Decimal) else v for v in ligne]
        for ligne in lignes
    ]


@mgmt_view(
    context=IStructures,
    name=VUE,
    tab_title=_("Statistiques CAF"),
    permission=P.STATISTIQUES_VOIR,
    request_method=LIRE,
    renderer="portail_famille.planning:templates/statistiques.pt",
)
def statistiques(context, request):
    periode = Periode(context, request)
    tableaux = periode.tableaux()
    query = periode.query()
    chemin = request.sdiapi.mgmt_path(context, "@@%s-csv" % VUE)
    enfants = tableaux[ENFANTS]
    return {
        "titre": periode.titre(),
        "action": request.sdiapi.mgmt_path(context, "@@" + VUE),
        "du": query["du"],
        "au": query["au"],
        "erreur": periode.erreur and request.localizer.translate(periode.erreur),
        "tableaux": [
            (nom, titre, entetes, _ecran(lignes[:ECRAN_MAX] if nom == ENFANTS else lignes))
            for nom, (titre, entetes, lignes) in tableaux.items()
        ],
        "tronque": len(enfants[2]) > ECRAN_MAX,
        "ecran_max": ECRAN_MAX,
        "xlsx": request.sdiapi.mgmt_path(context, "@@%s-xlsx" % VUE) + "?" + urlencode(query),
        "csv": {
            nom: chemin + "?" + urlencode({**query, "tableau": nom})
            for nom in (SYNTHESE, ENFANTS, JOURS)
        },
    }


@mgmt_view(
    context=IStructures,
    name=VUE + "-csv",
    permission=P.STATISTIQUES_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
@mgmt_view(
    context=IStructures,
    name=VUE + "-xlsx",
    permission=P.STATISTIQUES_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
def statistiques_tableur(context, request):
    """CSV: the table ``tableau`` (the synthesis by default); XLSX: all."""
    periode = Periode(context, request)
    tableaux = periode.tableaux()
    if _format(request) == "xlsx":
        body = tableur.xlsx_feuilles(list(tableaux.values()))
        return tableur.piece_jointe(body, tableur.XLSX, periode.fichier("xlsx"))
    nom = request.GET.get("tableau")
    nom = nom if nom in tableaux else SYNTHESE
    _titre, entetes, lignes = tableaux[nom]
    body = tableur.csv_de(entetes, lignes)
    return tableur.piece_jointe(body, tableur.CSV, periode.fichier("csv", nom))
