"""The yearly "attestation de frais de garde" for the tax return.

The rule, as the tax office states it: the childcare costs *paid* during
the year, for children under six on 1 January of that year (born on or
after 1 January of the year minus six; a child turning six during the
year counts for the whole year).

What we count, and its limits:
- a payment (Règlement) counts in the year of its date, for the part of
  it allocated to invoices; a payment's part not allocated yet (a credit
  on the account) is not a cost, and a credit note (Avoir) is not a
  payment;
- the part paid of an invoice is attributed to its lines pro rata of
  their amounts (exact to the cent: the rounding of each share is carried
  to the next, so the shares add up to what was paid);
- meals (prestations billed per "repas") are not childcare: the tax
  office excludes food, so their share is left out;
- a line names its child by its printed name ("LUCAS DUPONT", as the
  invoice shows it): two children of a family with the same first and
  last names would share their amounts.
"""

import datetime

from ..montants import ZERO, arrondi
from .resources import Facture, Reglement

REPAS = "repas"
AGE = 6


def date_limite(annee):
    """Children born on or after this day are under six on 1 January."""
    return datetime.date(annee - AGE, 1, 1)


def enfants_concernes(famille, annee):
    """The family's children under six on 1 January ``annee``, eldest first."""
    limite = date_limite(annee)
    found = [
        e
        for e in famille["enfants"].values()
        if e.date_naissance is not None and e.date_naissance >= limite
    ]
    return sorted(found, key=lambda e: (e.date_naissance, e.prenom))


def repartir(facture, montant):
    """{child's printed name: part of ``montant``} for the childcare lines
    of ``facture``, pro rata of the lines' amounts; the cumulative rounding
    keeps the parts (meals and others included) adding up to ``montant``."""
    if facture.montant <= ZERO:
        return {}
    garde = {}
    for ligne in facture.lignes:
        if ligne.get("unite") == REPAS:
            continue
        garde[ligne["enfant"]] = garde.get(ligne["enfant"], ZERO) + arrondi(ligne["montant"])
    parts, cumul, avant = {}, ZERO, ZERO
    for enfant, somme in garde.items():
        cumul += somme
        jusque_la = arrondi(montant * cumul / facture.montant)
        parts[enfant] = jusque_la - avant
        avant = jusque_la
    return parts


def frais_de_garde(famille, annee):
    """What the attestation prints: each child under six with the
    childcare amount paid in ``annee``, the total, the régies concerned."""
    enfants = enfants_concernes(famille, annee)
    montants = {enfant.title: ZERO for enfant in enfants}
    regies = set()
    factures = famille["factures"]
    for reglement in famille["reglements"].values():
        if not isinstance(reglement, Reglement) or reglement.date.year != annee:
            continue
        for numero, montant in reglement.affectations.items():
            facture = factures.get(numero)
            if not isinstance(facture, Facture):
                continue
            for nom, part in repartir(facture, montant).items():
                if nom in montants and part:
                    montants[nom] += part
                    regies.add(facture.regie)
    lignes = [(enfant, montants[enfant.title]) for enfant in enfants]
    return {
        "enfants": lignes,
        "total": sum((m for _e, m in lignes), ZERO),
        "regies": sorted(regies),
    }
