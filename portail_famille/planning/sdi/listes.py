"""The lists staff print and send, as SDI tabs (``P.PLANNING_VOIR``: agents
and administrators; régisseurs and editors do not read the planning):

- "Liste du jour" on a Prestation: the children booked that day (the
  planning cells, as "Effectifs" counts them) with their class, the
  persons allowed to pick them up and, for a reader allowed to see health
  data (``P.SANTE_VOIR`` on the child's family), allergies, PAI and diet;
  on screen, as a PDF (the project's renderer) and as CSV / XLSX.  Each
  child whose health data is shown is audited (``journal.audit``), on
  every screen and download, as other staff reads of health data are.
- "Commande des repas" on the Structures folder: the kitchen's meal counts
  per day, site and diet for a period (``planning.repas``, next week by
  default), on screen, as a PDF and as CSV / XLSX.  Counts only: no
  child's name, so nothing to audit.

The downloads write every typed value as text (``tableur``: formula
injection).
"""

import datetime
from urllib.parse import urlencode

from pyramid.renderers import render
from substanced.sdi import mgmt_view

from ... import dates, pdf, tableur
from ...familles.schemas import REGIMES_ALIMENTAIRES
from ...i18n import _
from ...journal import audit
from ...security import P
from ...structures.resources import IPrestation, IStructures
from .. import cells, repas
from ..legende import ETATS
from .effectifs import Journee, _Onglet, alertes

PDF_TEMPLATE = "portail_famille.planning:templates/liste_pdf.pt"
LISTE = "liste-du-jour"
COMMANDE = "commande-repas"
LIRE = ("GET", "HEAD")  # lists only read


def _personnes(enfant):
    """The persons allowed to pick the child up, one text."""
    autorisations = enfant.autorisations or {}
    found = []
    for p in autorisations.get("personnes_autorisees") or ():
        nom = " ".join(v for v in (p.get("nom"), p.get("prenom")) if v)
        details = ", ".join(v for v in (p.get("lien"), p.get("telephone")) if v)
        found.append("%s (%s)" % (nom, details) if details else nom)
    return " ; ".join(found)


class ListeDuJour:
    """The booked children of one day of one prestation, as a table."""

    def __init__(self, request, prestation, day):
        self.request = request
        self.prestation = prestation
        self.day = day
        self.journee = Journee(prestation, request, day)
        self.sante = False  # whether a health column is shown

    def entetes(self):
        translate = self.request.localizer.translate
        names = [_("Nom"), _("Prénom"), _("Classe"), _("N° famille"), _("État")]
        if self.sante:
            names += [_("Allergies"), _("PAI"), _("Régime alimentaire")]
        names += [_("Personnes autorisées"), _("Autorisation de partir seul")]
        return [translate(n) for n in names]

    def _ligne(self, enfant, etat, sante):
        translate = self.request.localizer.translate
        famille = enfant.__parent__.__parent__
        autorisations = enfant.autorisations or {}
        row = [
            enfant.nom,
            enfant.prenom,
            enfant.classe,
            famille.numero,
            translate(ETATS[etat][1]) if etat in ETATS else "",
        ]
        if self.sante:
            sanitaires = (enfant.sanitaires or {}) if sante else {}
            pai = ""
            if sanitaires.get("pai") == "Oui":
                pai = (sanitaires.get("pai_precisions") or "").strip() or translate(_("Oui"))
            regime = sanitaires.get("regime_alimentaire")
            row += [
                (sanitaires.get("allergies") or "").strip(),
                pai,
                regime if regime and regime != repas.SANS_REGIME else "",
            ]
            if sante and alertes(enfant):
                # Health data shown: audited (a write on GET, on purpose).
                audit.noter(self.request, famille, audit.SANITAIRES, enfant)
        row += [_personnes(enfant), autorisations.get("partir_seul") or ""]
        return row

    def lignes(self):
        """The rows, sorted by name; decides ``sante`` first."""
        found = []
        for enfant in self.journee.enfants().values():
            etat = cells.etat(enfant, self.journee.oid, self.day)
            if etat in cells.OCCUPANTS:
                famille = enfant.__parent__.__parent__
                found.append((enfant, etat, self.request.has_permission(P.SANTE_VOIR, famille)))
        self.sante = any(sante for _e, _etat, sante in found)
        found.sort(key=lambda f: (f[0].nom, f[0].prenom, f[0].__parent__.__parent__.numero))
        return [self._ligne(*f) for f in found]

    def titre(self):
        return self.request.localizer.translate(
            _(
                "Liste du jour — ${structure} — ${prestation} — ${jour}",
                mapping={
                    "structure": self.prestation.structure.title,
                    "prestation": self.prestation.title,
                    "jour": dates.courte(self.day),
                },
            )
        )

    def fichier(self, extension):
        return "liste-%s-%s-%s.%s" % (
            self.prestation.structure.__name__,
            self.prestation.__name__,
            self.day.isoformat(),
            extension,
        )


def _pdf(request, titre, sous_titre, entetes, lignes, filename):
    values = {"titre": titre, "sous_titre": sous_titre, "entetes": entetes, "lignes": lignes}
    html = render(PDF_TEMPLATE, values, request=request)
    body = pdf.rendre(html, request.registry.settings)
    return tableur.piece_jointe(body, "application/pdf", filename)


def _format(request):
    """ "csv" or "xlsx": the end of the download's view name."""
    return request.view_name.rsplit("-", 1)[1]


def _exports(request, titre, entetes, lignes, fichier, format_):
    """The CSV or XLSX download of a table."""
    if format_ == "csv":
        return tableur.piece_jointe(tableur.csv_de(entetes, lignes), tableur.CSV, fichier("csv"))
    return tableur.piece_jointe(
        tableur.xlsx_de(titre, entetes, lignes), tableur.XLSX, fichier("xlsx")
    )


class _Liste(_Onglet):
    vue = LISTE

    def liste(self):
        day, erreur = self.jour_demande()
        liste = ListeDuJour(self.request, self.context, day)
        return liste, liste.lignes(), erreur


@mgmt_view(
    context=IPrestation,
    name=LISTE,
    tab_title=_("Liste du jour"),
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    renderer="portail_famille.planning:templates/liste_du_jour.pt",
)
class ListeDuJourView(_Liste):
    """The day's list on screen, with its downloads."""

    def __call__(self):
        liste, lignes, erreur = self.liste()
        values = self.entete(liste.journee, erreur)
        query = "?" + urlencode({"date": liste.day.isoformat()})
        values.update(
            {
                "entetes": liste.entetes(),
                "lignes": lignes,
                "telechargements": {
                    nom: self.request.sdiapi.mgmt_path(self.context, "@@%s-%s" % (LISTE, nom))
                    + query
                    for nom in ("pdf", "csv", "xlsx")
                },
            }
        )
        return values


@mgmt_view(
    context=IPrestation,
    name=LISTE + "-pdf",
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
def liste_du_jour_pdf(context, request):
    liste, lignes, _erreur = _Liste(context, request).liste()
    sous_titre = dates.en_toutes_lettres(liste.day)
    return _pdf(request, liste.titre(), sous_titre, liste.entetes(), lignes, liste.fichier("pdf"))


@mgmt_view(
    context=IPrestation,
    name=LISTE + "-csv",
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
@mgmt_view(
    context=IPrestation,
    name=LISTE + "-xlsx",
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
def liste_du_jour_tableur(context, request):
    liste, lignes, _erreur = _Liste(context, request).liste()
    return _exports(
        request, liste.titre(), liste.entetes(), lignes, liste.fichier, _format(request)
    )


# --- The kitchen's order -------------------------------------------------------


def semaine_prochaine(today):
    """(next Monday, the Sunday after it)."""
    lundi = today + datetime.timedelta(days=7 - today.weekday())
    return lundi, lundi + datetime.timedelta(days=6)


class Commande:
    """The meal counts of a period, read from the query string (``du``,
    ``au``: AAAA-MM-JJ; next week when absent or invalid)."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.erreur = None
        self.du, self.au = semaine_prochaine(dates.today())
        du, au = request.GET.get("du"), request.GET.get("au")
        if du or au:
            debut, fin = dates.lire_iso(du), dates.lire_iso(au)
            if debut is None or fin is None or fin < debut:
                self.erreur = _(
                    "Période invalide : la semaine prochaine est affichée "
                    "(dates au format AAAA-MM-JJ, la fin après le début)."
                )
            elif (fin - debut).days >= repas.JOURS_MAX:
                self.erreur = _(
                    "Période trop longue (${max} jours au plus) : la semaine prochaine est "
                    "affichée.",
                    mapping={"max": repas.JOURS_MAX},
                )
            else:
                self.du, self.au = debut, fin
        self.comptes = repas.commande(context, self.du, self.au)

    def entetes(self):
        translate = self.request.localizer.translate
        labels = dict(REGIMES_ALIMENTAIRES)
        labels[repas.SANS_REGIME] = _("Menu standard")
        return [
            translate(n)
            for n in (
                _("Date"),
                _("Site"),
                _("Repas"),
                *(labels[r] for r in repas.REGIMES),
                _("dont PAI"),
            )
        ]

    def lignes(self):
        rows = []
        for (day, structure), compte in sorted(
            self.comptes.items(), key=lambda item: (item[0][0], item[0][1].title)
        ):
            rows.append(
                [
                    dates.courte(day),
                    structure.title,
                    compte[repas.TOTAL],
                    *(compte[r] for r in repas.REGIMES),
                    compte[repas.PAI],
                ]
            )
        return rows

    def titre(self):
        return self.request.localizer.translate(
            _(
                "Commande des repas du ${du} au ${au}",
                mapping={"du": dates.courte(self.du), "au": dates.courte(self.au)},
            )
        )

    def fichier(self, extension):
        return "commande-repas-%s-%s.%s" % (self.du.isoformat(), self.au.isoformat(), extension)


@mgmt_view(
    context=IStructures,
    name=COMMANDE,
    tab_title=_("Commande des repas"),
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    renderer="portail_famille.planning:templates/commande_repas.pt",
)
def commande_repas(context, request):
    commande = Commande(context, request)
    query = "?" + urlencode({"du": commande.du.isoformat(), "au": commande.au.isoformat()})
    return {
        "titre": commande.titre(),
        "action": request.sdiapi.mgmt_path(context, "@@" + COMMANDE),
        "du": commande.du.isoformat(),
        "au": commande.au.isoformat(),
        "erreur": commande.erreur and request.localizer.translate(commande.erreur),
        "entetes": commande.entetes(),
        "lignes": commande.lignes(),
        "telechargements": {
            nom: request.sdiapi.mgmt_path(context, "@@%s-%s" % (COMMANDE, nom)) + query
            for nom in ("pdf", "csv", "xlsx")
        },
    }


@mgmt_view(
    context=IStructures,
    name=COMMANDE + "-pdf",
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
def commande_repas_pdf(context, request):
    commande = Commande(context, request)
    return _pdf(
        request,
        commande.titre(),
        "",
        commande.entetes(),
        commande.lignes(),
        commande.fichier("pdf"),
    )


@mgmt_view(
    context=IStructures,
    name=COMMANDE + "-csv",
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
@mgmt_view(
    context=IStructures,
    name=COMMANDE + "-xlsx",
    permission=P.PLANNING_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
def commande_repas_tableur(context, request):
    commande = Commande(context, request)
    return _exports(
        request,
        commande.titre(),
        commande.entetes(),
        commande.lignes(),
        commande.fichier,
        _format(request),
    )
