"""Issuing invoices and credit notes, recording payments, allocating them.

Every function here changes the database inside the caller's transaction
and numbers from the régie's sequence (``regies``): when the transaction
aborts, nothing of it stays, numbers included.
"""

import datetime

from pyramid.threadlocal import get_current_registry
from substanced.util import get_oid

from ..familles import partage
from ..irreversible import marquer
from ..montants import ZERO, arrondi
from ..planning import journees
from ..planning.cells import (
    FACTUREES,
    facturees,  # noqa: F401  (read here by the money domain)
)
from ..util import arbre
from .resources import TITRES_MODES, Avoir, Facture, Reglement


class FacturationError(Exception):
    """A rule of the money domain refused the operation (French message)."""


class FactureAnnulee:
    """``facture`` was cancelled by a credit note, its planning cells given
    back to billing (``regularisation`` listens)."""

    def __init__(self, facture):
        self.facture = facture


class ResteModifie:
    """What ``facture`` still owes changed (a payment or a credit note
    allocated to it, a payment's cancellation giving it back): the lists
    of unpaid invoices listen (``relances`` reindexes it)."""

    def __init__(self, facture):
        self.facture = facture


def reste_modifie(facture):
    get_current_registry().notify(ResteModifie(facture))


def ligne(enfant, prestation, quantite, prix, prestation_oid=None):
    """One invoice line: a child's quantity of a prestation at a unit price."""
    if prestation_oid is None:
        prestation_oid = get_oid(prestation)
    return {
        "enfant": enfant.title,
        "structure": prestation.structure.title,
        "prestation": prestation.title,
        "prestation_oid": prestation_oid,
        "unite": prestation.unite,
        "quantite": quantite,
        "prix": prix,
        "montant": arrondi(prix * quantite),
    }


def factures(famille):
    """The family's Factures folder (invoices and credit notes)."""
    return famille["factures"]


def reglements(famille):
    return famille["reglements"]


def _ajouter(folder, document, registry):
    folder.add(document.numero, document, registry=registry)
    return document


def _de(document, regie):
    """Whether ``document`` belongs to ``regie`` (None: to any régie)."""
    return regie is None or document.regie_oid == get_oid(regie)


def _credits(famille, regie):
    """The family's payments and credit notes of ``regie`` with money left,
    oldest first."""
    found = [r for r in reglements(famille).values() if isinstance(r, Reglement)]
    found += [a for a in factures(famille).values() if isinstance(a, Avoir)]
    found = [c for c in found if _de(c, regie) and c.disponible > ZERO]
    return sorted(found, key=lambda c: (c.date, c.emise_le))


def affecter(credit, facture, montant=None):
    """Allocate ``montant`` (default: all that can be) of ``credit`` (a
    payment or a credit note) to ``facture``; returns what was allocated."""
    if credit.regie_oid != facture.regie_oid:
        raise FacturationError("Une opération d'une autre régie ne peut pas régler cette facture.")
    if facture.tresor is not None:
        return ZERO  # the Trésor public collects it now, not the régie
    possible = min(credit.disponible, facture.reste)
    montant = possible if montant is None else min(arrondi(montant), possible)
    if montant <= ZERO:
        return ZERO
    marquer()  # the allocations are mappings of their own: never undone either
    credit.affectations[facture.numero] = credit.affectations.get(facture.numero, ZERO) + montant
    facture.affectations[credit.numero] = facture.affectations.get(credit.numero, ZERO) + montant
    reste_modifie(facture)
    return montant


def impayees(famille, regie=None):
    """The family's invoices (of ``regie``, a Régie, when given) with
    something still due, oldest first."""
    found = [
        f
        for f in factures(famille).values()
        if isinstance(f, Facture) and f.reste > ZERO and _de(f, regie)
    ]
    return sorted(found, key=lambda f: (f.date, f.numero))


def credit_disponible(famille, regie=None):
    """The credit on the family's account (at ``regie``, a Régie, when
    given): payments and credit notes not allocated to an invoice."""
    total = ZERO
    for folder in (reglements(famille), factures(famille)):
        for document in folder.values():
            if isinstance(document, (Reglement, Avoir)) and _de(document, regie):
                total += document.disponible
    return total


def marquer_facturees(enfant, prestation_oid, jours, numero):
    tree = arbre(enfant, FACTUREES, create=True)
    for jour in jours:
        tree[(prestation_oid, jour)] = numero
        journees.suivre(enfant, prestation_oid, jour)  # the CAF's billed hours


def _numero(regie, numero):
    """The régie's next number; or ``numero``, an operation taken over from
    the town's earlier system (demo data), never given again."""
    if numero is None:
        return regie.numero_suivant()
    regie.reserver_jusqua(numero)
    return numero


def emettre_facture(
    famille,
    regie,
    date,
    debut,
    fin,
    lignes,
    cellules=(),
    echeance=None,
    par="",
    numero=None,
    registry=None,
):
    """Number and store one invoice; the family's available credit at the
    same régie settles it at once.  ``cellules``: (child's __name__,
    prestation oid, day) of the billed planning cells, marked billed."""
    if not lignes:
        raise FacturationError("Une facture sans ligne ne peut pas être émise.")
    if echeance is None:
        echeance = date + datetime.timedelta(days=regie.echeance_jours)
    facture = Facture(
        _numero(regie, numero), regie, date, echeance, debut, fin, lignes, cellules, par
    )
    _ajouter(factures(famille), facture, registry)
    par_enfant = {}
    for nom, prestation_oid, jour in facture.cellules:
        par_enfant.setdefault((nom, prestation_oid), []).append(jour)
    for (nom, prestation_oid), jours in par_enfant.items():
        # its own child, or one it shares (familles.partage)
        enfant = partage.enfant_du_foyer(famille, nom)
        marquer_facturees(enfant, prestation_oid, jours, facture.numero)
    for credit in _credits(famille, regie):
        if facture.payee:
            break
        affecter(credit, facture)
    return facture


def enregistrer_reglement(
    famille,
    regie,
    date,
    montant,
    mode,
    numeros=None,
    reference="",
    par="",
    numero=None,
    registry=None,
):
    """Record a payment and allocate it to the invoices ``numeros`` (in that
    order), or else to the oldest unpaid ones of the régie; what is left
    is a credit on the family's account."""
    montant = arrondi(montant)
    if montant <= ZERO:
        raise FacturationError("Le montant d'un règlement doit être positif.")
    if mode not in TITRES_MODES:
        raise FacturationError("Mode de règlement inconnu.")
    if numeros is None:
        cibles = impayees(famille, regie)
    else:
        cibles = []
        for numero_facture in numeros:
            facture = factures(famille).get(numero_facture)
            if not isinstance(facture, Facture) or not _de(facture, regie):
                raise FacturationError(
                    "La facture %s n'existe pas pour cette régie." % numero_facture
                )
            if facture.tresor is not None:
                raise FacturationError(
                    "La facture %s a été transmise au Trésor public : elle se règle "
                    "auprès du Trésor public, plus à la régie." % numero_facture
                )
            cibles.append(facture)
    reglement = Reglement(_numero(regie, numero), regie, date, montant, mode, reference, par)
    _ajouter(reglements(famille), reglement, registry)
    for facture in cibles:
        if reglement.disponible <= ZERO:
            break
        affecter(reglement, facture)
    return reglement


def avoirs_de(facture):
    return [
        document
        for document in factures(facture.famille).values()
        if isinstance(document, Avoir) and document.facture == facture.numero
    ]


def a_crediter(facture):
    """What credit notes may still correct on ``facture`` (less what
    regularisation lines of later invoices gave back of it)."""
    credite = sum((a.montant for a in avoirs_de(facture)), ZERO) + facture.regularise
    return facture.montant - credite


def emettre_avoir(facture, regie, date, motif, montant=None, par="", registry=None):
    """Correct ``facture`` by a credit note of ``montant`` (default: what
    it has not been credited yet, i.e. it is cancelled).  A cancelled
    invoice's planning cells may be billed again (corrected)."""
    if not isinstance(facture, Facture):
        raise FacturationError("Seule une facture peut être corrigée par un avoir.")
    if not _de(facture, regie):
        raise FacturationError("Un avoir est émis par la régie de la facture qu'il corrige.")
    if not (motif or "").strip():
        raise FacturationError("Le motif de l'avoir est obligatoire.")
    plafond = a_crediter(facture)
    montant = plafond if montant is None else arrondi(montant)
    if montant <= ZERO or montant > plafond:
        raise FacturationError(
            "Le montant de l'avoir doit être compris entre 0,01 et %s." % plafond
        )
    famille = facture.famille
    avoir = Avoir(regie.numero_suivant(), regie, date, montant, facture.numero, motif, par)
    _ajouter(factures(famille), avoir, registry)
    affecter(avoir, facture)
    if montant == plafond:
        facture.annulee_par = avoir.numero
        for nom, prestation_oid, jour in facture.cellules:
            enfant = partage.enfant_du_foyer(famille, nom)
            tree = arbre(enfant, FACTUREES) if enfant is not None else None
            if tree is not None and tree.get((prestation_oid, jour)) == facture.numero:
                del tree[(prestation_oid, jour)]
                journees.suivre(enfant, prestation_oid, jour)
        get_current_registry().notify(FactureAnnulee(facture))
    # what the invoice did not need (it was paid) stays as a credit, used
    # by the next invoice of the régie
    return avoir
