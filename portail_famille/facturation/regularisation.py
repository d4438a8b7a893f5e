"""Regularisations: once a day is billed, the planning never rewrites the
billing silently.

Every change of a planning cell goes through ``cells.set_cell``, which
tells the registry (``CelluleModifiee``, with its cause); whatever the
cause (an absence accepted by staff or by the rules, a closure, an
enrolment ended, a pointage corrected, and any cause added later),
``cellule_modifiee`` keeps the child's billed days (``service.FACTUREES``)
and its cells in step:

- a billed day whose cell is no longer billable is *credited*: a
  Regularisation of the price it was billed, then, by the régie's rule
  (``Regie.regularisation``), a credit note at once (numbered in the
  régie's sequence, frozen as the others) or a negative line on the
  family's next invoice (the run, ``campagne``); the day is no longer
  billed;
- a day up to the end of what the régie's runs billed
  (``Regie.facturee_jusqua``) whose cell becomes billable afterwards (a
  child pointed present without reservation, a day credited then booked
  again, a reservation of a day billed in advance) is *debited*: the next
  run bills it, a line "Régularisation : …" at the day's tariff;
- a pending one that the day's next change makes pointless is cancelled:
  a credit not given yet when the day is billable again (it stays billed
  by its invoice), a debit not billed yet when the day is not billable any
  more.

So each day is billed once, or billed then credited once: never twice,
never dropped.  A request being processed (an absence an agent has to
accept: "Absence en cours de traitement") leaves the billing as it is
until the agent decides.  Every billable state bills one unit at one
price, so a change between billable states (reserved, then pointed
present; a late absence accepted as "Absent facturé") changes nothing.
A prestation billed by the hour bills a day's pointed hours
(``planning.horaires``): a credit gives back what the invoice billed
for that day, a debit bills the day's hours; its times are not changed
once the day is billed (the pointage refuses it).

Each régie keeps its regularisations (``regularisations``: its tab
"Régularisations", newest first) and the pending ones by (family, child,
prestation, day) (``en_attente``): a few per family at most, read whole
by a run.
"""

import copy
import random

from persistent import Persistent
from pyramid.events import subscriber
from pyramid.threadlocal import get_current_request
from pyramid.traversal import find_root
from substanced.util import get_oid

from .. import dates
from ..calendrier.jours import FERIE, FERMETURE, ZONE_DEFAUT, jour
from ..familles import partage
from ..i18n import _
from ..inscriptions import prestation_de
from ..montants import ZERO, arrondi
from ..planning import cells, horaires, journees
from ..util import arbre
from . import compte, figement, service, tarifs
from .regies import regie_de
from .resources import Avoir, Facture
from .schemas import AVOIR, FACTURE_SUIVANTE

# The cells billed; any other state (absent excusé, refused, waiting list,
# a request not processed yet, leave, error, closure) is not.
FACTURABLES = frozenset(
    (cells.RESERVE, cells.PRESENT, cells.PRESENT_RESERVE, cells.ABSENT_FACTURE, cells.HORS_CONTRAT)
)
# The days never billed, whatever their cell says.
FERMES = frozenset((FERMETURE, FERIE))
# A request an agent has to decide on: the billing waits for the decision.
SUSPENS = frozenset((cells.ABSENCE_TRAITEMENT,))

CREDIT = "credit"  # a billed day to give back
DEBIT = "debit"  # a day of a billed period to bill
EN_ATTENTE = "en_attente"
FAITE = "faite"
ANNULEE = "annulee"

REGISTRE = "regularisations"  # Régie attribute: key -> Regularisation
ATTENTE = "regularisations_en_attente"  # (famille, enfant, prestation oid, day) -> Regularisation

CAUSES = {
    cells.ABSENCE_AUTOMATIQUE: _("absence acceptée automatiquement"),
    cells.ABSENCE_ACCEPTEE: _("absence acceptée par le service"),
    cells.ABSENCE_DECLAREE: _("absence déclarée"),
    cells.ABSENCE_REFUSEE: _("absence refusée"),
    cells.RESERVATION: _("réservation"),
    cells.INSCRIPTION: _("inscription"),
    cells.FIN_INSCRIPTION: _("inscription supprimée"),
    cells.FERMETURE_SERVICE: _("fermeture du service"),
    cells.POINTAGE: _("pointage"),
    cells.PLANNING: _("modification du planning"),
}
REPRISE = _("avant la mise à jour du portail")  # the detail of step20's credits
ETATS = {
    EN_ATTENTE: _("En attente"),
    FAITE: _("Faite"),
    ANNULEE: _("Annulée"),
}


def _cle():
    """A key of the régie's register: in time order, unique."""
    return "%s %06d" % (dates.horodatage().isoformat(), random.randrange(10**6))  # noqa: S311


class Regularisation(Persistent):
    """A billed day to credit (``sens`` CREDIT: ``facture`` billed it for
    ``montant``) or a day of a billed period to bill (DEBIT: ``montant``
    the tariff of the day, as billed once done), with its cause, who made
    it and when; ``document``: the credit note or the invoice that settled
    it (``etat`` FAITE), ``note``: why it was cancelled (ANNULEE)."""

    etat = EN_ATTENTE
    document = ""
    traitee_le = None
    note = ""
    reprise_de = ""  # the cancelled invoice that had given it back

    def __init__(self, sens, enfant, prestation, day, avant, apres, cause, detail, par):
        famille = partage.famille_de_la_cellule(enfant, get_oid(prestation), day)
        self.cle = _cle()
        self.sens = sens
        self.le = dates.horodatage()
        self.famille = famille.__name__
        self.famille_nom = famille.nom_complet or famille.title
        self.enfant = enfant.__name__
        self.enfant_titre = enfant.title
        self.enfant_prenom = enfant.prenom
        self.prestation_oid = get_oid(prestation)
        self.prestation = prestation.title
        self.structure = prestation.structure.title
        self.unite = prestation.unite
        self.jour = day
        self.avant = avant
        self.apres = apres
        self.cause = cause
        self.detail = detail
        self.par = par
        self.montant = ZERO
        self.facture = ""

    @property
    def attente(self):
        """Its key among the pending ones."""
        return (self.famille, self.enfant, self.prestation_oid, self.jour)

    def libelle(self):
        """'Régularisation : absence acceptée par le service le 10/12/2026
        (LUCAS) — Restauration scolaire': an invoice line, a credit note's
        reason (stored as issued)."""
        cause = CAUSES.get(self.cause, CAUSES[cells.PLANNING]).interpolate()
        if self.detail:
            cause = "%s (%s)" % (cause, self.detail)
        return _(
            "Régularisation : ${cause} le ${jour} (${enfant}) — ${prestation}",
            mapping={
                "cause": cause,
                "jour": dates.courte(self.jour),
                "enfant": self.enfant_prenom,
                "prestation": self.prestation,
            },
        ).interpolate()

    def faite(self, document, montant=None):
        self.etat = FAITE
        self.document = document
        self.traitee_le = dates.horodatage()
        if montant is not None:
            self.montant = montant

    def reprise(self, numero):
        """A new pending credit like this one: the invoice ``numero`` that
        gave it back was cancelled."""
        again = copy.copy(self)
        again.cle = _cle()
        again.le = dates.horodatage()
        again.etat = EN_ATTENTE
        again.document = ""
        again.traitee_le = None
        again.reprise_de = numero
        return again

    def annulee(self, note):
        self.etat = ANNULEE
        self.note = note
        self.traitee_le = dates.horodatage()


def registre(regie):
    """The régie's regularisations (key -> Regularisation), or None."""
    return arbre(regie, REGISTRE)


def en_attente(regie):
    """The régie's pending regularisations by (family number, child name,
    prestation oid, day), or None."""
    return arbre(regie, ATTENTE)


def toutes(regie):
    """The régie's regularisations, newest first (a generator)."""
    tree = registre(regie)
    return reversed(tree.values()) if tree is not None else iter(())


def _enregistrer(regie, reg):
    arbre(regie, REGISTRE, create=True)[reg.cle] = reg
    if reg.etat == EN_ATTENTE:
        arbre(regie, ATTENTE, create=True)[reg.attente] = reg


def _sortir(regie, reg):
    """``reg`` is no longer pending."""
    tree = en_attente(regie)
    if tree is not None and tree.get(reg.attente) is reg:
        del tree[reg.attente]


def _par():
    request = get_current_request()
    user = getattr(request, "user", None) if request is not None else None
    return getattr(user, "__name__", "") or ""


def prix_facture(facture, enfant, prestation_oid, day):
    """The unit price ``facture`` billed the child's ``day`` at: the line
    that names the day (runs since regularisations exist), else the
    child's line of the prestation (the lowest price when there are
    several: never credit more than was billed)."""
    lignes = [
        ligne
        for ligne in facture.lignes
        if ligne.get("prestation_oid") == prestation_oid and ligne.get("quantite", 0) > 0
    ]
    for ligne in lignes:
        if ligne.get("enfant_nom") == enfant.__name__ and day in ligne.get("jours", ()):
            return ligne["prix"]
    anciennes = [ligne for ligne in lignes if "jours" not in ligne]
    candidates = [ligne for ligne in anciennes if ligne.get("enfant") == enfant.title] or anciennes
    return min((ligne["prix"] for ligne in candidates), default=ZERO)


def heures_facturees(facture, enfant, prestation_oid, day):
    """The units ``facture`` billed the child's ``day``: the hours its line
    keeps for the day (a prestation billed by the hour), else one."""
    for ligne in facture.lignes:
        if (
            ligne.get("prestation_oid") == prestation_oid
            and ligne.get("enfant_nom") == enfant.__name__
            and "heures" in ligne
            and day in ligne.get("jours", ())
        ):
            return ligne["heures"][ligne["jours"].index(day)]
    return horaires.UNE


def montant_facture(facture, enfant, prestation_oid, day):
    """What ``facture`` billed for the child's ``day``: its unit price
    times its units (the day's hours for a prestation billed by the hour),
    rounded to the cent."""
    return arrondi(
        prix_facture(facture, enfant, prestation_oid, day)
        * heures_facturees(facture, enfant, prestation_oid, day)
    )


def couvert(regie, prestation, day):
    """Whether ``day`` lies in what the régie's runs billed, and may be
    billed (not a public holiday, not closed)."""
    if regie.facturee_jusqua is None or day > regie.facturee_jusqua:
        return False
    calendrier = find_root(prestation).get("calendrier")
    if calendrier is None:
        return False
    return jour(calendrier, day, prestation.structure, ZONE_DEFAUT) not in FERMES


@subscriber(cells.CelluleModifiee)
def cellule_modifiee(event):
    """Every change of a planning cell (``cells.set_cell``)."""
    if event.apres in SUSPENS:
        return
    enfant = event.enfant
    prestation = event.prestation
    if prestation is None:
        prestation = prestation_de(enfant, event.prestation_oid)
    if prestation is not None:
        reconcilier(enfant, prestation, event)


def reconcilier(enfant, prestation, event):
    """Keep the billing of the event's day in step with its new cell;
    returns the Regularisation made or cancelled, or None.  A credit goes
    to the régie of the invoice that billed the day (the prestation may
    have changed régie since, or have none now); the rest to the
    prestation's régie."""
    day = event.day
    oid = get_oid(prestation)
    famille = partage.famille_de_la_cellule(enfant, oid, day)
    billed = arbre(enfant, service.FACTUREES)
    numero = billed.get((oid, day)) if billed is not None else None
    facturable = event.apres in FACTURABLES
    if numero is not None:
        if facturable:
            return None
        facture = famille["factures"].get(numero)
        regie = regie_de(facture) if isinstance(facture, Facture) else regie_de(prestation)
        if regie is None:
            return None
        return _crediter(regie, famille, enfant, prestation, event, numero)
    regie = regie_de(prestation)
    if regie is None:
        return None
    attente = en_attente(regie)
    pending = attente.get((famille.__name__, enfant.__name__, oid, day)) if attente else None
    if facturable:
        if pending is not None and pending.sens == CREDIT:
            facture = famille["factures"].get(pending.facture)
            _sortir(regie, pending)
            if isinstance(facture, Facture) and not facture.annulee_par:
                pending.annulee(
                    _("Le jour est de nouveau facturable : sa facture reste due.").interpolate()
                )
                service.marquer_facturees(enfant, oid, [day], pending.facture)
                return pending
            pending.annulee(_("La facture corrigée a été annulée.").interpolate())
            pending = None
        if pending is None and couvert(regie, prestation, day):
            reg = Regularisation(
                DEBIT,
                enfant,
                prestation,
                day,
                event.avant,
                event.apres,
                event.cause,
                event.detail,
                _par(),
            )
            reg.montant = arrondi(
                _tarif(famille, prestation, day) * horaires.quantite(prestation, enfant, oid, day)
            )
            _enregistrer(regie, reg)
            return reg
        return None
    if pending is not None and pending.sens == DEBIT:
        _sortir(regie, pending)
        pending.annulee(_("Le jour n'est plus facturable.").interpolate())
        return pending
    return None


def _tarif(famille, prestation, day):
    found = tarifs.prix(prestation, compte.quotient_au(famille, day))
    return found if found is not None else ZERO


def _crediter(regie, famille, enfant, prestation, event, numero, par=None, regle=None):
    """The billed day is not billable any more: not billed now, credited
    by the régie's rule (or ``regle``)."""
    oid = get_oid(prestation)
    del arbre(enfant, service.FACTUREES)[(oid, event.day)]
    journees.suivre(enfant, oid, event.day)
    reg = Regularisation(
        CREDIT,
        enfant,
        prestation,
        event.day,
        event.avant,
        event.apres,
        event.cause,
        event.detail,
        _par() if par is None else par,
    )
    reg.facture = numero
    facture = famille["factures"].get(numero)
    if isinstance(facture, Facture):
        reg.montant = montant_facture(facture, enfant, oid, event.day)
    _enregistrer(regie, reg)
    if (regle or regie.regularisation) == AVOIR:
        _au_commit(regie, reg)
    return reg


def reprendre(regie, enfant, prestation, day, par):
    """A billed day whose cell is not billable any more, left so before
    regularisations existed (evolve step20): a pending credit, given back
    by the next run.  Returns it, or None when there is nothing to do."""
    oid = get_oid(prestation)
    numero = service.facturees(enfant, oid, day, day).get(day)
    etat = cells.etat(enfant, oid, day)
    if numero is None or etat in FACTURABLES or etat in SUSPENS:
        return None
    event = cells.CelluleModifiee(
        enfant, oid, day, None, etat, cells.PLANNING, REPRISE.interpolate(), prestation
    )
    famille = partage.famille_de_la_cellule(enfant, oid, day)
    return _crediter(regie, famille, enfant, prestation, event, numero, par, FACTURE_SUIVANTE)


def _au_commit(regie, reg):
    """Under the rule AVOIR: ``reg`` is given back by a credit note when
    the transaction commits, with the other credits of its invoice made by
    the same transaction (an enrolment ended, a closure of a week: one
    credit note per invoice, not one per day)."""
    jar = regie._p_jar
    if jar is None:  # a régie not stored (nothing commits it): at once
        crediter_par_avoir([reg], regie, dates.today(), reg.par)
        return
    txn = jar.transaction_manager.get()
    try:
        lot = txn.data(_au_commit)
    except KeyError:
        lot = {}
        txn.set_data(_au_commit, lot)
        txn.addBeforeCommitHook(_avoirs_du_lot, (lot,))
    lot.setdefault(id(regie), (regie, []))[1].append(reg)


def _avoirs_du_lot(lot):
    for regie, regs in lot.values():
        groupes = {}
        for reg in regs:
            if reg.etat == EN_ATTENTE:  # not made pointless since
                groupes.setdefault((reg.famille, reg.facture), []).append(reg)
        for groupe in groupes.values():
            crediter_par_avoir(groupe, regie, dates.today(), groupe[0].par)


def motif(regs):
    """A credit note's reason: the regularisation's line, or for several
    days 'Régularisation : inscription supprimée (LUCAS) — Restauration
    scolaire : 01/12/2026, 03/12/2026'."""
    if len(regs) == 1:
        return regs[0].libelle()
    groupes = {}
    for reg in sorted(regs, key=lambda r: r.jour):
        cause = CAUSES.get(reg.cause, CAUSES[cells.PLANNING]).interpolate()
        if reg.detail:
            cause = "%s (%s)" % (cause, reg.detail)
        key = (cause, reg.enfant_prenom, reg.prestation)
        groupes.setdefault(key, []).append(dates.courte(reg.jour))
    return _(
        "Régularisation : ${details}",
        mapping={
            "details": " ; ".join(
                "%s (%s) — %s : %s" % (cause, enfant, prestation, ", ".join(jours))
                for (cause, enfant, prestation), jours in groupes.items()
            )
        },
    ).interpolate()


def crediter_par_avoir(regs, regie, date, par="", registry=None, figer=True):
    """Give the pending credits ``regs`` (of one invoice) back by one
    credit note of that invoice (at most what it may still be credited);
    the credit note is frozen when the request commits (``figer``).
    Returns the Avoir, or None when nothing was left to credit."""
    famille = find_root(regie)["familles"][regs[0].famille]
    facture = famille["factures"].get(regs[0].facture)
    reste = service.a_crediter(facture) if isinstance(facture, Facture) else ZERO
    montants = []
    for reg in regs:
        _sortir(regie, reg)
        montant = min(reg.montant, reste)
        reste -= montant
        montants.append(montant)
    total = sum(montants, ZERO)
    if total <= ZERO:
        for reg in regs:
            reg.annulee(
                _("Rien à créditer : la facture est déjà entièrement créditée.").interpolate()
            )
        return None
    avoir = Avoir(regie.numero_suivant(), regie, date, total, facture.numero, motif(regs), par)
    famille["factures"].add(avoir.numero, avoir, registry=registry)
    service.affecter(avoir, facture)
    for reg, montant in zip(regs, montants, strict=True):
        reg.faite(avoir.numero, montant)
    if figer:
        figement.a_figer(avoir)
    return avoir


# --- the run (campagne) ------------------------------------------------------


def par_famille(regie):
    """{family number: [pending Regularisation]} of the régie."""
    found = {}
    tree = en_attente(regie)
    for reg in tree.values() if tree is not None else ():
        if reg.etat == EN_ATTENTE:
            found.setdefault(reg.famille, []).append(reg)
    return found


def ligne_credit(reg, montant):
    """The negative line of a pending credit on the family's next invoice."""
    return {
        "enfant": reg.enfant_titre,
        "enfant_nom": reg.enfant,
        "structure": reg.structure,
        "prestation": reg.libelle(),
        "prestation_oid": reg.prestation_oid,
        "unite": reg.unite,
        "quantite": -1,
        "prix": montant,
        "montant": -montant,
        "regularisation": reg.cle,
        "facture_corrigee": reg.facture,
    }


def ligne_debit(reg, enfant, prestation, prix):
    """The line of a pending debit: its day, billed at ``prix`` (times its
    hours, for a prestation billed by the hour)."""
    quantite = horaires.quantite(prestation, enfant, reg.prestation_oid, reg.jour)
    if not horaires.par_heure(prestation):
        quantite = 1
    found = service.ligne(enfant, prestation, quantite, prix, reg.prestation_oid)
    found.update(
        prestation=reg.libelle(), enfant_nom=reg.enfant, jours=(reg.jour,), regularisation=reg.cle
    )
    if horaires.par_heure(prestation):
        found["heures"] = (quantite,)
    return found


def debit_facturable(reg, famille):
    """(Enfant, Prestation, price) of a pending debit still to bill, or
    None (its cell, its child or its tariff gone: it waits)."""
    enfant = partage.enfant_du_foyer(famille, reg.enfant)
    prestation = prestation_de(famille, reg.prestation_oid) if enfant is not None else None
    if prestation is None:
        return None
    if cells.etat(enfant, reg.prestation_oid, reg.jour) not in FACTURABLES:
        return None
    if service.facturees(enfant, reg.prestation_oid, reg.jour, reg.jour):
        return None
    prix = tarifs.prix(prestation, compte.quotient_au(famille, reg.jour))
    return None if prix is None else (enfant, prestation, prix)


def montant_credit(reg, famille):
    """What a pending credit may still give back on its invoice."""
    facture = famille["factures"].get(reg.facture)
    if not isinstance(facture, Facture):
        return ZERO
    return min(reg.montant, service.a_crediter(facture))


def appliquer(regie, famille, facture, regs):
    """The run issued ``facture`` with ``regs`` (a Proposition's): the
    pending debits it billed (a line of their own, or among the period's
    days), the credits its negative lines gave back; they are done."""
    lignes = {
        ligne["regularisation"]: ligne for ligne in facture.lignes if ligne.get("regularisation")
    }
    for reg in regs:
        _sortir(regie, reg)
        ligne = lignes.get(reg.cle)
        if reg.sens == CREDIT:
            montant = -ligne["montant"]
            corrigee = famille["factures"].get(reg.facture)
            if isinstance(corrigee, Facture):
                corrigee.regularise = arrondi(corrigee.regularise + montant)
            reg.faite(facture.numero, montant)
        else:
            enfant = partage.enfant_du_foyer(famille, reg.enfant)
            reg.faite(
                facture.numero, montant_facture(facture, enfant, reg.prestation_oid, reg.jour)
            )


@subscriber(service.FactureAnnulee)
def facture_annulee(event):
    """An invoice cancelled by a credit note: the credits still waiting to
    correct it are moot (the credit note gave everything back); the
    credits its own lines gave back wait again for the next invoice."""
    facture = event.facture
    regie = regie_de(facture)
    if regie is None:
        return
    famille = facture.famille
    for reg in list(par_famille(regie).get(famille.__name__, ())):
        if reg.sens == CREDIT and reg.facture == facture.numero:
            _sortir(regie, reg)
            reg.annulee(_("La facture corrigée a été annulée par un avoir.").interpolate())
    tree = registre(regie)
    for ligne in facture.lignes:
        if ligne.get("quantite", 0) >= 0 or not ligne.get("regularisation") or tree is None:
            continue
        reg = tree.get(ligne["regularisation"])
        if reg is None:
            continue
        corrigee = famille["factures"].get(reg.facture)
        if isinstance(corrigee, Facture):
            corrigee.regularise = arrondi(corrigee.regularise + ligne["montant"])
        _enregistrer(regie, reg.reprise(facture.numero))
