"""The family's account: its operations, the statement of a school year
("Relevé de compte") and the quotient familial at a given date (which is
why accepting a request of the CAF section is handled here)."""

import datetime

from .. import dates
from ..demandes import fiche
from ..i18n import _, traduire
from ..montants import ZERO
from ..util import arbre
from .resources import IOperation

# The family's quotient familial over time: day it applies from -> Decimal.
QUOTIENTS = "quotients"


def operations(famille):
    """Every numbered document of the family (invoices, credit notes,
    payments, their cancellations, refunds), newest first (the manual's
    "Relevé des opérations")."""
    found = list(famille["factures"].values()) + list(famille["reglements"].values())
    found = [o for o in found if IOperation.providedBy(o)]
    return sorted(found, key=lambda o: (o.date, o.emise_le), reverse=True)


def debit(operation):
    return operation.montant if operation.sens == "debit" else ZERO


def credit(operation):
    return operation.montant if operation.sens == "credit" else ZERO


def annee_scolaire(jour):
    """The school year of ``jour`` as (first day, last day): September to
    August."""
    debut = jour.year if jour.month >= 9 else jour.year - 1
    return datetime.date(debut, 9, 1), datetime.date(debut + 1, 8, 31)


def libelle_annee(debut):
    return "%d-%d" % (debut.year, debut.year + 1)


def releve(famille, debut, fin, toutes=None):
    """The statement of [debut, fin]: its operations (newest first), the
    balance before it ("Ancien Solde"), the column totals and the balance
    after it ("Solde du Compte pour l'année scolaire").  A positive balance
    is owed by the family; every figure is an exact Decimal sum.
    ``toutes``: ``operations(famille)`` when already read."""
    if toutes is None:
        toutes = operations(famille)
    avant = [o for o in toutes if o.date < debut]
    lignes = [o for o in toutes if debut <= o.date <= fin]
    ancien = sum((debit(o) - credit(o) for o in avant), ZERO)
    total_debit = sum((debit(o) for o in lignes), ZERO)
    total_credit = sum((credit(o) for o in lignes), ZERO)
    return {
        "operations": lignes,
        "ancien_solde": ancien,
        "total_debit": total_debit,
        "total_credit": total_credit,
        "solde": ancien + total_debit - total_credit,
    }


def annees_du_compte(famille, today, toutes=None):
    """The school years with an operation, and the current one, newest
    first, as (first day, last day).  ``toutes``: ``operations(famille)``
    when already read."""
    found = {annee_scolaire(today)}
    for operation in operations(famille) if toutes is None else toutes:
        found.add(annee_scolaire(operation.date))
    return sorted(found, reverse=True)


def noter_quotient(famille, depuis, valeur):
    """Record that the family's quotient familial is ``valeur`` (Decimal or
    None) from ``depuis`` on; the first time, the record's value until
    then is kept as the one of every earlier day."""
    tree = arbre(famille, QUOTIENTS)
    if tree is None:
        tree = arbre(famille, QUOTIENTS, create=True)
        tree[datetime.date.min] = famille.caf.get("quotient_familial")
    tree[depuis] = valeur


def accepter_caf(demande, request, force=False, now=None):
    """The handler of an accepted request of the CAF section
    (``demandes.cycle``): a new quotient familial is dated from the day of
    the acceptance (the days before keep the earlier one), then the record
    takes the request's values.  Nothing is written when the record changed
    since the request (``fiche.FicheModifiee``), unless ``force``."""
    fiche.verifier(demande, force)
    if "quotient_familial" in demande.valeurs:
        jour = dates.local(now).date() if now else dates.today()
        noter_quotient(demande.famille, jour, demande.valeurs["quotient_familial"])
    fiche.modifier_famille(demande, request, force=True, now=now)  # checked above


def quotient_au(famille, jour):
    """The family's quotient familial on ``jour``: the last one recorded
    from that day or before; else the record's current one."""
    tree = arbre(famille, QUOTIENTS)
    if tree is not None:
        keys = tree.keys(max=jour)
        if len(keys):
            return tree[keys[-1]]
    return famille.caf.get("quotient_familial")


def includeme(config):
    config.add_traitement_demande("caf", accepter=accepter_caf)


def relances_envoyees(request, facture):
    """The reminders sent about ``facture`` (its follow-up, ``relances``),
    oldest first: "Relance n°1 envoyée le 15/05/2015"."""
    return [
        traduire(
            request,
            _(
                "Relance n°${rang} envoyée le ${jour}",
                mapping={"rang": r["rang"], "jour": dates.courte(r["date"])},
            ),
        )
        for r in facture.relances
    ]
