"""The staff's dashboard of the day (root view ``@@tableau``), where
agents, régisseurs and editors land after login: what needs them today,
each figure a link to the list behind it.

Each block is shown to whom holds the permission of that list: the
requests waiting by type (the queue's), the unread messages (the inbox's),
today's prestations with their places left and the children with a health
alert expected (the day's list), the closures ahead (the calendar), the
invoicing runs and payments of the last days (each régie's), the news to
publish and the documents (the editors').

Nothing walks the families: the requests and messages are counted from
the ``portail`` catalog's sets, the places from the counters the planning
keeps per prestation and day (``planning.places``), the health alerts
from their own index (``sante``); the rest are the few objects of the
calendar, the régies and the news."""

import datetime
from urllib.parse import urlencode

from substanced.interfaces import IRoot
from substanced.sdi import LEFT, mgmt_view
from substanced.util import find_catalog, find_objectmap

from .. import dates
from ..actualites.publication import BROUILLON, etat
from ..actualites.resources import IActualite
from ..calendrier.jours import FERMETURE, jour, zone_vacances
from ..catalogue import CATALOG
from ..demandes import registre
from ..demandes.resources import EN_ATTENTE
from ..demandes.types import TYPES
from ..facturation import campagne, journal_regie
from ..facturation.regies import regies
from ..facturation.resources import IReglement, somme
from ..i18n import _
from ..montants import euros
from ..planning import places, regles
from ..planning.sdi.listes import LISTE
from ..relances import service as relances
from ..security import P
from ..structures.resources import IStructure
from . import onglets, sante
from .recherche import formulaire

JOURS_PAIEMENTS = 7  # the payments of the last week
JOURS_CAMPAGNES = 31  # the runs of the last month
PAIEMENTS_LUS = 200  # the journal's last numbers read for them, at most
FERMETURES = 5  # the closures ahead shown


def _ids(index, value):
    """The index's own set of the docids holding ``value`` (read only)."""
    found = index._fwd_index.get(value)
    return found if found is not None else index.family.IF.Set()


def anciennete(request, depuis, now):
    """How long a request has waited: 'depuis 3 jour(s)', 'depuis 5 h'."""
    heures = int((now - depuis).total_seconds() // 3600)
    if heures >= 24:
        texte = _("depuis ${n} jour(s)", mapping={"n": heures // 24})
    elif heures >= 1:
        texte = _("depuis ${n} h", mapping={"n": heures})
    else:
        texte = _("depuis moins d'une heure")
    return request.localizer.translate(texte)


class Tableau:
    def __init__(self, context, request):
        self.root = context
        self.request = request
        self.translate = request.localizer.translate
        self.base = request.sdiapi.mgmt_path(context)
        self.day = dates.today()

    def lien(self, objet, vue):
        return onglets.lien(self.base, objet, vue)

    def peut(self, permission, name=None):
        context = self.root if name is None else self.root.get(name)
        return context is not None and self.request.has_permission(permission, context)

    def demandes(self):
        """The requests waiting, by type, with the oldest's age."""
        catalog = find_catalog(self.root, CATALOG)
        attente = _ids(catalog["demande_etat"], EN_ATTENTE)
        types, date = catalog["demande_type"], catalog["demande_date"]
        intersection = types.family.IF.intersection
        consignees = registre.par_type(self.root)  # the families' registers'
        now = dates.horodatage()
        lignes = []
        for nom, kind in TYPES.items():
            ids = intersection(attente, _ids(types, nom))
            nombre, depuis = consignees.get(nom, (0, None))
            if ids:
                plus_ancienne = next(iter(date.sort(ids, limit=1, raise_unsortable=False)), None)
                du_catalogue = date._rev_index.get(plus_ancienne)
                if du_catalogue is not None and (depuis is None or du_catalogue < depuis):
                    depuis = du_catalogue
            nombre += len(ids)
            if not nombre:
                continue
            lignes.append(
                {
                    "titre": self.translate(kind.titre),
                    "nombre": nombre,
                    "age": anciennete(self.request, depuis, now) if depuis else "",
                    "url": self.file(type=nom),
                }
            )
        total = len(attente) + sum(nombre for nombre, _depuis in consignees.values())
        return {"total": total, "url": self.file(), "types": lignes}

    def file(self, **query):
        path = self.lien(self.root, "demandes")
        return path + ("?" + urlencode(query) if query else "")

    def messages(self):
        catalog = find_catalog(self.root, CATALOG)
        return {
            "non_lus": len(_ids(catalog["message_lu_service"], False)),
            "a_traiter": len(_ids(catalog["message_traitee"], False)),
            "url": self.lien(self.root, "messagerie"),
        }

    def journee(self):
        """Today's prestations, by structure: open or closed, places taken
        and left, children with a health alert expected."""
        calendrier = self.root["calendrier"]
        zone = zone_vacances(self.request.registry.settings)
        structures = []
        ouvertes = []
        for structure in self.root["structures"].values():
            if not IStructure.providedBy(structure):
                continue
            # the day's kind is the structure's (its closures), read once
            genre = jour(calendrier, self.day, structure, zone)
            lignes = []
            for prestation in structure.prestations():
                ouvre = regles.ouvre(prestation, self.day, genre)
                ligne = {
                    "titre": prestation.title,
                    "ouvre": ouvre,
                    "ferme": genre == FERMETURE,
                    "url": self.lien(prestation, LISTE)
                    + "?"
                    + urlencode({"date": self.day.isoformat()}),
                }
                if ouvre:
                    ligne.update(
                        pris=places.pris(prestation, self.day),
                        capacite=prestation.capacite,
                        restantes=places.restantes(prestation, self.day),
                        oid=prestation.__oid__,
                    )
                    ouvertes.append(ligne)
                lignes.append(ligne)
            if lignes:
                structures.append({"titre": structure.title, "prestations": lignes})
        alertes = alertes_a = None
        if self.peut(P.SANTE_VOIR, "familles"):
            par_prestation, calcul = sante.attendus_du_jour(
                self.request, [ligne["oid"] for ligne in ouvertes], self.day
            )
            heure = dates.local(datetime.datetime.fromtimestamp(calcul, datetime.UTC))
            alertes_a = "%02d:%02d" % (heure.hour, heure.minute)
            for ligne in ouvertes:
                ligne["alertes"] = par_prestation[ligne["oid"]]
            alertes = sum(par_prestation.values())
        return {
            "jour": dates.en_toutes_lettres(self.day),
            # the kitchen's order (its default period: next week)
            "commande": self.lien(self.root["structures"], "commande-repas"),
            "structures": structures,
            "alertes": alertes,
            "alertes_a": alertes_a,
        }

    def fermetures(self):
        calendrier = self.root["calendrier"]
        objectmap = find_objectmap(self.root)
        a_venir = sorted(
            (f for f in calendrier.fermetures() if f.fin >= self.day), key=lambda f: f.debut
        )
        lignes = []
        for fermeture in a_venir[:FERMETURES]:
            structure = objectmap.object_for(fermeture.structure) if fermeture.structure else None
            lignes.append(
                {
                    "debut": dates.courte(fermeture.debut),
                    "fin": dates.courte(fermeture.fin),
                    "motif": fermeture.motif,
                    "structure": getattr(structure, "title", ""),
                    "url": self.lien(fermeture, "properties"),
                }
            )
        return {
            "lignes": lignes,
            "autres": len(a_venir) - len(lignes),
            "url": self.lien(calendrier, "contents"),
        }

    def regies(self):
        """Per régie the runs of the last month and the payments of the
        last week (the journal's last numbers, newest first)."""
        found = []
        depuis_campagnes = self.day - datetime.timedelta(days=JOURS_CAMPAGNES)
        depuis_paiements = self.day - datetime.timedelta(days=JOURS_PAIEMENTS)
        for regie in regies(self.root):
            if not self.request.has_permission(P.FACTURATION_GERER, regie):
                continue
            runs = [
                {
                    "periode": "%s – %s" % (dates.courte(run.debut), dates.courte(run.fin)),
                    "lancee_le": dates.moment(run.lancee_le),
                    "factures": run.factures,
                    "total": euros(run.total),
                    "terminee": run.terminee,
                }
                for run in campagne.campagnes(regie)
                if dates.local(run.lancee_le).date() >= depuis_campagnes
            ]
            reglements = self.reglements(regie, depuis_paiements)
            found.append(
                {
                    "titre": regie.title,
                    "campagnes": runs,
                    "reglements": len(reglements),
                    "total_reglements": euros(somme(r.montant for r in reglements)),
                    "facturation": self.lien(regie, "facturation"),
                    "journal": self.lien(regie, "journal"),
                }
            )
        return found

    def impayes(self):
        """The unpaid invoices' count (the index's size) and the link to
        the Régies' tab "Impayés"."""
        return {
            "nombre": relances.nombre_impayees(self.root),
            "url": self.lien(self.root["regies"], "impayes"),
        }

    @staticmethod
    def reglements(regie, depuis):
        """The régie's payments dated ``depuis`` or later among its last
        PAIEMENTS_LUS numbers (one range of its journal's index)."""
        tree = journal_regie.index(regie)
        if not tree:
            return []
        fin = tree.maxKey()
        documents = tree.values(min=max(fin - PAIEMENTS_LUS + 1, 0), max=fin)
        return [d for d in documents if IReglement.providedBy(d) and d.date >= depuis]

    def publications(self):
        actualites = self.root.get("actualites")
        documents = self.root.get("documents")
        found = {}
        if actualites is not None and self.request.has_permission(P.ACTUALITE_PUBLIER, actualites):
            found["brouillons"] = [
                {"titre": item.title, "url": self.lien(item, "publication")}
                for item in actualites.values()
                if IActualite.providedBy(item) and etat(item) == BROUILLON
            ]
            found["actualites"] = self.lien(actualites, "contents")
        if documents is not None and self.request.has_permission(P.DOCUMENT_VOIR, documents):
            found["documents"] = self.lien(documents, "contents")
        return found

    def __call__(self):
        peut = self.peut
        return {
            "onglets": onglets.barre(self.request, "tableau"),
            "macro_onglets": onglets.macro(),
            "formulaire": formulaire() if peut(P.FAMILLE_RECHERCHER) else None,
            # the arrival of a family (``arrivee``: name search first)
            "nouvelle_famille": (
                self.request.sdiapi.mgmt_path(self.root["familles"], "@@add_famille")
                if peut(P.FAMILLE_MODIFIER, "familles")
                else None
            ),
            "demandes": self.demandes() if peut(P.DEMANDES_VOIR) else None,
            "messages": self.messages() if peut(P.MESSAGERIE_TRAITER) else None,
            "journee": self.journee() if peut(P.PLANNING_VOIR, "structures") else None,
            "fermetures": self.fermetures() if peut(P.SDI_VIEW, "calendrier") else None,
            "regies": self.regies(),
            "impayes": self.impayes() if peut(P.IMPAYES_VOIR, "regies") else None,
            "publications": self.publications(),
        }


@mgmt_view(
    context=IRoot,
    name="tableau",
    tab_title=_("Tableau de bord"),
    tab_near=LEFT,
    permission=P.TABLEAU_VOIR,
    renderer="templates/tableau.pt",
    request_method="GET",
)
def tableau(context, request):
    return Tableau(context, request)()
