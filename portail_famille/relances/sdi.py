"""The Régies' tab "Impayés": every unpaid invoice of the town, for the
régisseurs, administrators and agents (``P.IMPAYES_VOIR``); and "Envoyer
les relances dues" (``P.RELANCES_ENVOYER``: régisseurs, administrators),
a preview then a confirmation (a POST).

Each line: the family (its name, a link to its file), the invoice (number,
date, due date, amount, rest due), its age since the due date, the
reminders sent (n° and date) and its follow-up (Prélèvement prévu le …,
Transmise au Trésor public, À transmettre au Trésor public, Relance n°…
à envoyer).  Filters: régie, structure, age bucket; totals per bucket and
overall (of the régie and structure chosen); 50 lines a page; the list as
filtered in CSV or XLSX (``tableur``).  A GET writes nothing.
"""

from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPFound
from substanced.sdi import mgmt_view
from substanced.util import get_oid

from .. import dates, tableur
from ..facturation.regies import IRegies, regies
from ..facturation.resources import Facture
from ..i18n import _
from ..montants import ZERO, euros
from ..security import P, login
from ..structures.resources import IStructure
from . import envoi, service

VUE = "impayes"
RELANCES = "relances-dues"
PAR_PAGE = 50
LIRE = ("GET", "HEAD")
PAGE_MAX = 10**6


def _tr(request, value):
    return request.localizer.translate(value)


def _structures(root):
    dossier = root.get("structures")
    if dossier is None:
        return []
    found = [s for s in dossier.values() if IStructure.providedBy(s)]
    return sorted(found, key=lambda s: s.title.lower())


class Filtres:
    """The list's filters, read from the query: a régie, a structure, an
    age bucket (a value not offered: a French message beside its field,
    the filter left out), a page."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        root = request.root
        self.regies = [(str(get_oid(r)), r.title) for r in regies(root)]
        self.structures = [(str(get_oid(s)), s.title) for s in _structures(root)]
        self.erreurs = {}
        params = request.GET
        self.regie = self._choix(params, "regie", self.regies, _("Régie inconnue."))
        self.structure = self._choix(params, "structure", self.structures, _("Structure inconnue."))
        tranches = [(nom, titre) for nom, titre in service.TRANCHES]
        self.tranche = self._choix(params, "tranche", tranches, _("Ancienneté inconnue."))
        page = params.get("page", "1")
        self.page = int(page) if isinstance(page, str) and page.isdigit() and len(page) < 7 else 1
        self.page = max(1, min(self.page, PAGE_MAX))

    def _choix(self, params, nom, choix, message):
        value = params.get(nom, "")
        if not isinstance(value, str) or not value:
            return ""
        if value not in dict(choix):
            self.erreurs[nom] = _tr(self.request, message)
            return ""
        return value

    def query(self, **extra):
        values = {"regie": self.regie, "structure": self.structure, "tranche": self.tranche}
        values.update(extra)
        return {k: v for k, v in values.items() if v}

    def impayees(self, jour):
        """(the unpaid invoices of the régie and structure, those of the
        bucket): index lines, nothing loaded."""
        found = service.impayees(
            self.request.root,
            regie_oid=int(self.regie) if self.regie else None,
            structure_oid=int(self.structure) if self.structure else None,
        )
        if self.tranche:
            return found, [i for i in found if service.tranche(i, jour) == self.tranche]
        return found, found

    def factures(self, lignes):
        """The invoices of index lines, loaded (one still unpaid: an
        allocation made since the index was read is in the same
        transaction)."""
        root = self.request.root
        found = (ligne.facture(root) for ligne in lignes)
        return [f for f in found if isinstance(f, Facture) and f.reste > ZERO]


def _nom(famille):
    """The family as staff name it: the responsable's first name and name
    (its number only when it has none)."""
    return famille.nom_complet or famille.numero


def _relances(request, facture):
    return [
        _tr(
            request,
            _(
                "n°${rang} le ${date}",
                mapping={"rang": r["rang"], "date": dates.courte(r["date"])},
            ),
        )
        for r in facture.relances
    ]


def ligne(request, facture, jour, delais, tresor):
    famille = facture.famille
    code, texte = service.etat(facture, jour, delais, tresor)
    return {
        "famille": _nom(famille),
        "fiche": request.sdiapi.mgmt_path(famille, "@@fiche"),
        "numero": facture.numero,
        "url": request.sdiapi.mgmt_path(facture, "@@facture"),
        "regie": facture.regie,
        "date": dates.courte(facture.date),
        "echeance": dates.courte(facture.echeance),
        "montant": euros(facture.montant),
        "reste": euros(facture.reste),
        "retard": max(service.jours_de_retard(facture, jour), 0),
        "tranche": _tr(request, service.TITRES_TRANCHES[service.tranche(facture, jour)]),
        "relances": _relances(request, facture),
        "etat": code,
        "etat_texte": _tr(request, texte),
    }


@mgmt_view(
    context=IRegies,
    name=VUE,
    tab_title=_("Impayés"),
    permission=P.IMPAYES_VOIR,
    request_method=LIRE,
    renderer="portail_famille.relances:templates/impayes.pt",
)
def impayes(context, request):
    jour = dates.today()
    settings = request.registry.settings
    delais, tresor = service.delais(settings), service.delai_tresor(settings)
    filtres = Filtres(context, request)
    toutes, choisies = filtres.impayees(jour)
    par_tranche, total = service.totaux(toutes, jour)
    pages = max(1, -(-len(choisies) // PAR_PAGE))
    page = min(filtres.page, pages)
    montrees = filtres.factures(choisies[(page - 1) * PAR_PAGE : page * PAR_PAGE])
    url = request.sdiapi.mgmt_path(context, "@@" + VUE)

    def lien(numero):
        if numero < 1 or numero > pages:
            return None
        return url + "?" + urlencode(filtres.query(page=str(numero)))

    query = urlencode(filtres.query())
    return {
        "action": url,
        "jour": dates.en_toutes_lettres(jour),
        "filtres": filtres,
        "regies": filtres.regies,
        "structures": filtres.structures,
        "tranches": [(nom, _tr(request, titre)) for nom, titre in service.TRANCHES],
        "erreurs": filtres.erreurs,
        "lignes": [ligne(request, f, jour, delais, tresor) for f in montrees],
        "nombre": len(choisies),
        "totaux": [
            (nom, _tr(request, titre), par_tranche[nom][0], euros(par_tranche[nom][1]))
            for nom, titre in service.TRANCHES
        ],
        "total": (total[0], euros(total[1])),
        "page": page,
        "pages": pages,
        "precedent": lien(page - 1),
        "suivant": lien(page + 1),
        "csv": request.sdiapi.mgmt_path(context, "@@%s-csv" % VUE) + ("?" + query if query else ""),
        "xlsx": request.sdiapi.mgmt_path(context, "@@%s-xlsx" % VUE)
        + ("?" + query if query else ""),
        "relances": request.sdiapi.mgmt_path(context, "@@" + RELANCES),
        "peut_relancer": request.has_permission(P.RELANCES_ENVOYER, context),
        "delais": ", ".join(str(d) for d in delais),
        "tresor": tresor,
    }


def entetes(request):
    return [
        _tr(request, t)
        for t in (
            _("Famille"),
            _("N° famille"),
            _("Facture"),
            _("Régie"),
            _("Date"),
            _("Échéance"),
            _("Montant"),
            _("Reste dû"),
            _("Jours de retard"),
            _("Ancienneté"),
            _("Relances"),
            _("Suivi"),
        )
    ]


@mgmt_view(
    context=IRegies,
    name=VUE + "-csv",
    permission=P.IMPAYES_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
@mgmt_view(
    context=IRegies,
    name=VUE + "-xlsx",
    permission=P.IMPAYES_VOIR,
    request_method=LIRE,
    tab_condition=False,
)
def impayes_tableur(context, request):
    """The list as filtered (every page)."""
    jour = dates.today()
    settings = request.registry.settings
    delais, tresor = service.delais(settings), service.delai_tresor(settings)
    filtres = Filtres(context, request)
    _toutes, choisies = filtres.impayees(jour)
    factures = filtres.factures(choisies)
    lignes = []
    for facture in factures:
        famille = facture.famille
        _code, texte = service.etat(facture, jour, delais, tresor)
        lignes.append(
            [
                famille.nom_complet,
                famille.numero,
                facture.numero,
                facture.regie,
                dates.courte(facture.date),
                dates.courte(facture.echeance),
                facture.montant,
                facture.reste,
                max(service.jours_de_retard(facture, jour), 0),
                _tr(request, service.TITRES_TRANCHES[service.tranche(facture, jour)]),
                ", ".join(_relances(request, facture)),
                _tr(request, texte),
            ]
        )
    nom = "impayes-%s" % jour.isoformat()
    if request.view_name.endswith("xlsx"):
        body = tableur.xlsx_de(_tr(request, _("Impayés")), entetes(request), lignes)
        return tableur.piece_jointe(body, tableur.XLSX, nom + ".xlsx")
    body = tableur.csv_de(entetes(request), lignes)
    return tableur.piece_jointe(body, tableur.CSV, nom + ".csv")


def _apercu(request, context, envoyees=None):
    jour = dates.today()
    dues = service.dues(request.root, jour, request.registry.settings)
    return {
        "jour": dates.en_toutes_lettres(jour),
        "lignes": [
            {
                "famille": _nom(f.famille),
                "fiche": request.sdiapi.mgmt_path(f.famille, "@@fiche"),
                "numero": f.numero,
                "url": request.sdiapi.mgmt_path(f, "@@facture"),
                "echeance": dates.courte(f.echeance),
                "reste": euros(f.reste),
                "rang": rang,
            }
            for f, rang in dues
        ],
        "retour": request.sdiapi.mgmt_path(context, "@@" + VUE),
        "action": request.sdiapi.mgmt_path(context, "@@" + RELANCES),
        "csrf_token": request.session.get_csrf_token(),
    }


@mgmt_view(
    context=IRegies,
    name=RELANCES,
    permission=P.RELANCES_ENVOYER,
    request_method=LIRE,
    tab_condition=False,
    renderer="portail_famille.relances:templates/relances.pt",
)
def relances_apercu(context, request):
    """What "Envoyer les relances dues" would send today: to confirm."""
    return _apercu(request, context)


@mgmt_view(
    context=IRegies,
    name=RELANCES,
    permission=P.RELANCES_ENVOYER,
    request_method="POST",
    request_param="confirmer",
    tab_condition=False,
)
def relances_envoyer(context, request):
    """ "Confirmer l'envoi des relances": queue the reminders due today,
    sent by the workers (``envoi``; those sent already today, by the daily
    script or another régisseur, are not sent again); the job's progress
    page follows."""
    travail, nombre = envoi.mettre_en_file_dues(
        request, request.root, dates.today(), login(request)
    )
    # The SDI escapes its flash messages (sdi.echappement).
    request.sdiapi.flash(
        _tr(
            request,
            _("${nombre} relance(s) mise(s) en file d'envoi.", mapping={"nombre": nombre}),
        ),
        "success",
    )
    return HTTPFound(request.sdiapi.mgmt_path(request.root, "@@travail", query={"id": travail.id}))
