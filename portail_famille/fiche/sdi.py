"""The family's file on one screen: ``/manage/familles/<n>/@@fiche``, the
first tab of a Famille (where the search's results and every staff list
naming a family lead).

Everything shown is read from this one family (its record, children,
requests through the catalog's ``famille`` index, conversations, numbered
documents): the page's cost is the family's, not the town's.  What each
block shows follows the role table: a child's health data needs
``P.SANTE_VOIR`` (and reading it is audited, as on every staff screen),
the account ``P.FACTURE_VOIR``; the links to change a child's health
data or authorisations appear only to those who may (``sante``).
"""

import datetime

from pyramid.renderers import get_renderer
from pyramid.traversal import find_root
from substanced.sdi import mgmt_view

from .. import dates, inscriptions
from ..demandes import affichage
from ..demandes.resources import EN_ATTENTE, REMPLACEE
from ..demandes.service import de_la_famille
from ..demandes.types import TYPES, sante_cachee
from ..demandes.views import afficher
from ..facturation import compte
from ..facturation import service as facturation
from ..familles import partage
from ..familles.resources import IFamille
from ..i18n import _
from ..journal import audit
from ..montants import ZERO, euros
from ..planning import cells
from ..planning.legende import ETATS
from ..planning.views import MOIS
from ..prelevement import sdi as prelevement
from ..security import P

PLANNING = "portail_famille.fiche:templates/planning.pt"
DEMANDES = 10
CONVERSATIONS = 5
OPERATIONS = 5
# What the record block shows of each section, in this order.
SECTIONS = (
    ("responsable", _("Responsable")),
    ("conjoint", _("Conjoint")),
    ("caf", _("CAF")),
    ("fiscales", _("Fiscales")),
)


def _tr(request, value):
    return request.localizer.translate(value)


def champs(request, type_demande, section):
    """(title, text, rows) of each field of ``section`` (a mapping) that
    holds something, as the parent's pages write them."""
    found = []
    for name, title in TYPES[type_demande].titles().items():
        value = section.get(name)
        if value in (None, "", [], False):
            continue
        if isinstance(value, (list, tuple)):
            rows = [afficher(request, type_demande, name, [row]) for row in value]
            found.append((_tr(request, title), "", rows))
        else:
            texte = afficher(request, type_demande, name, value)
            found.append((affichage.titre(name, _tr(request, title)), texte, []))
    return found


def planning_du_mois(enfant, jour):
    """This month's cells of ``enfant``, one row per prestation: its title
    and, per state, the days (numbers) in that state."""
    prestations = inscriptions.prestations_par_oid(enfant)
    par_prestation = {}
    for (oid, day), etat in sorted(cells.cells_of_month(enfant, jour.year, jour.month).items()):
        par_prestation.setdefault(oid, {}).setdefault(etat, []).append(day.day)
    lignes = []
    for oid, etats in par_prestation.items():
        prestation = prestations.get(oid)
        titre = "%s %s" % (prestation.structure.title, prestation.title) if prestation else ""
        lignes.append(
            {
                "titre": titre,
                "etats": [
                    (ETATS[etat][1] if etat in ETATS else etat, ", ".join(map(str, days)))
                    for etat, days in etats.items()
                ],
            }
        )
    return sorted(lignes, key=lambda ligne: ligne["titre"])


def dernieres_demandes(famille, limite=DEMANDES):
    """The family's latest requests (replaced ones left out), newest
    first: only its own entries of the catalog and its register are read."""
    found = []
    for demande in de_la_famille(famille):
        if demande.etat == REMPLACEE:
            continue
        found.append(demande)
        if len(found) >= limite:
            break
    return found


def macro(template, name):
    return get_renderer(template).implementation().macros[name]


def enfants_tries(famille):
    """The family's children, the eldest first."""
    return sorted(
        famille["enfants"].values(),
        key=lambda e: (e.date_naissance or datetime.date.max, e.prenom),
    )


def ancre(enfant):
    """The anchor of ``enfant``'s block on its family's file (its rank,
    not its internal name)."""
    famille = enfant.__parent__.__parent__
    rang = [e.__name__ for e in enfants_tries(famille)].index(enfant.__name__) + 1
    return "enfant-%d" % rang


class FicheView:
    def __init__(self, context, request):
        self.context = context
        self.request = request

    def peut(self, permission, context=None):
        return bool(self.request.has_permission(permission, context or self.context))

    def enfant(self, index, enfant, jour, sante):
        request = self.request
        mgmt = request.sdiapi.mgmt_path
        age = dates.age(enfant.date_naissance, jour)
        if sante:
            # Health data shown: audited (a write on GET, on purpose).
            audit.noter_personnel(request, self.context, audit.SANITAIRES, enfant=enfant)
        libelles = inscriptions.annees_courante_et_suivante(enfant, jour)
        return {
            "ancre": "enfant-%d" % index,
            "nom": enfant.title,
            "age": _tr(request, _("${age} ans", mapping={"age": age})) if age is not None else "",
            "naissance": dates.courte(enfant.date_naissance),
            "classe": " — ".join(p for p in (enfant.ecole, enfant.classe) if p),
            "partie": dates.courte(enfant.partie_le) if enfant.partie_le else "",
            "sanitaires": champs(request, "sanitaires", enfant.sanitaires) if sante else None,
            "autorisations": champs(request, "autorisations", enfant.autorisations),
            "modifier_sanitaires": (
                mgmt(enfant, "@@modifier-sanitaires")
                if self.peut(P.SANTE_MODIFIER, enfant)
                else None
            ),
            "modifier_autorisations": (
                mgmt(enfant, "@@modifier-autorisations")
                if self.peut(P.FAMILLE_MODIFIER, enfant)
                else None
            ),
            # garde alternée (familles.partage): its households, the tab
            "foyers": (
                ", ".join("%s (N° %s)" % (f.sdi_title, f.numero) for f in partage.foyers(enfant))
                if partage.est_partage(enfant)
                else ""
            ),
            "garde": mgmt(enfant, "@@garde") if self.peut(P.FAMILLE_MODIFIER, enfant) else None,
            # the agent's booking on the family's behalf (planning.sdi.telephone)
            "reserver": (
                mgmt(enfant, "@@reserver") if self.peut(P.PLANNING_TRAITER, enfant) else None
            ),
            "inscriptions": [
                dict(ligne, prestation=_tr(request, ligne["prestation"]))
                for ligne in inscriptions.lignes(enfant, libelles)
            ],
            "planning": [
                dict(ligne, etats=[(_tr(request, t), d) for t, d in ligne["etats"]])
                for ligne in planning_du_mois(enfant, jour)
            ],
        }

    def demande(self, demande):
        request = self.request
        return {
            "date": dates.moment(demande.date_demande),
            "type": _tr(request, demande.type.titre),
            "enfant": demande.nom_enfant if demande.type.onglet == "enfants" else "",
            # "Absent excusé" rather than "Acceptée" for a type that names it.
            "etat": _tr(request, demande.type.decisions.get(demande.etat, demande.titre_etat)),
            "attente": demande.etat == EN_ATTENTE,
            # No link to a page that would refuse (health data, a régisseur).
            "url": None
            if sante_cachee(request, demande)
            else request.sdiapi.mgmt_path(demande, "@@" + demande.type.vue_traitement),
        }

    def messages(self):
        request = self.request
        lien = self.peut(P.MESSAGERIE_TRAITER)
        conversations = sorted(
            self.context["messages"].values(), key=lambda c: c.derniere, reverse=True
        )
        return len(conversations), [
            {
                "objet": c.objet,
                "date": c.date_affichee,
                "a_traiter": not c.traitee and not c.supprimee,
                "url": request.sdiapi.mgmt_path(c, "@@conversation") if lien else None,
            }
            for c in conversations[:CONVERSATIONS]
        ]

    def argent(self, jour):
        """The account's figures, as the régie's tab computes them."""
        famille = self.context
        impayees = facturation.impayees(famille)
        debut, fin = compte.annee_scolaire(jour)
        releve = compte.releve(famille, debut, fin)
        operations = compte.operations(famille)[:OPERATIONS]
        mgmt = self.request.sdiapi.mgmt_path
        return {
            "annee": compte.libelle_annee(debut),
            "solde": euros(releve["solde"]),
            "du": euros(sum((f.reste for f in impayees), ZERO)),
            "impayees": len(impayees),
            "credit": euros(facturation.credit_disponible(famille)),
            "operations": [
                {
                    "numero": o.numero,
                    "url": mgmt(o),
                    "date": dates.courte(o.date),
                    "description": o.description,
                    "debit": euros(compte.debit(o)) if o.sens == "debit" else "",
                    "credit": euros(compte.credit(o)) if o.sens == "credit" else "",
                }
                for o in operations
            ],
            "url": mgmt(famille, "@@compte"),
        }

    def __call__(self):
        request = self.request
        famille = self.context
        jour = dates.today()
        sante = self.peut(P.SANTE_VOIR)
        enfants = enfants_tries(famille)
        nombre, conversations = self.messages()
        quotient = compte.quotient_au(famille, jour)
        return {
            "famille": famille,
            "numero": famille.numero,
            "nom": famille.sdi_title,
            "partie": dates.courte(famille.partie_le) if famille.partie_le else "",
            "sections": [
                (_tr(request, titre), champs(request, nom, getattr(famille, nom)))
                for nom, titre in SECTIONS
            ],
            "quotient": euros(quotient) if quotient is not None else "",
            "enfants": [self.enfant(i, e, jour, sante) for i, e in enumerate(enfants, 1)],
            # the children another household holds and this one shares
            "partages": [
                {
                    "nom": e.title,
                    "foyer": "%s (N° %s)" % (f.sdi_title, f.numero),
                    "url": request.sdiapi.mgmt_path(f, "@@fiche"),
                }
                for e in partage.enfants_partages(famille)
                for f in (partage.foyer_principal(e),)
            ],
            "planning": macro(PLANNING, "planning"),
            "mois": "%s %d" % (MOIS[jour.month - 1], jour.year),
            "demandes": [self.demande(d) for d in dernieres_demandes(famille)],
            "url_demandes": request.sdiapi.mgmt_path(
                find_root(famille), "@@demandes", query={"famille": famille.numero}
            )
            if self.peut(P.DEMANDES_VOIR, find_root(famille))
            else None,
            "messages": conversations,
            "nombre_messages": nombre,
            "argent": self.argent(jour) if self.peut(P.FACTURE_VOIR) else None,
            # the SEPA mandates (prelevement.sdi): with the money
            "prelevement": prelevement.bloc_fiche(request, famille)
            if self.peut(P.FACTURE_VOIR)
            else None,
            "bloc_prelevement": prelevement.macro_bloc(),
            "modifier_fiche": request.sdiapi.mgmt_path(famille, "@@properties")
            if self.peut(P.SDI_EDIT)
            else None,
        }


@mgmt_view(
    context=IFamille,
    name="fiche",
    tab_title=_("Fiche famille"),
    permission=P.FAMILLE_VOIR,
    renderer="templates/fiche.pt",
    request_method="GET",
)
def fiche(context, request):
    return FicheView(context, request)()
