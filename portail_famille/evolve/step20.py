"""Regularisations of billed days (``facturation.regularisation``):

- each régie learns the last day its runs billed (``facturee_jusqua``:
  the latest end of its runs), so that a day up to it that becomes
  billable afterwards is billed by the next run;
- a billed day whose cell is no longer billable, left so before
  regularisations existed (an absence accepted or an enrolment ended
  after the day was billed: the billing was rewritten silently), gets a
  pending credit, "modification du planning (avant la mise à jour du
  portail)", shown in its régie's "Régularisations" tab and given back by
  the next run (a line on the family's invoice, or a credit note).  A day
  waiting for an agent's decision is left as it is.

Nothing is numbered here.  Running it again changes nothing (a credited
day is no longer billed)."""

from ..facturation import campagne, regularisation, service
from ..facturation.regies import regie_de, regies
from ..inscriptions import prestation_de
from ..util import arbre
from .familles import chaque_famille

PAR = "evolve step20"


def evolve(root, registry):
    for regie in regies(root):
        fins = [run.fin for run in campagne.campagnes(regie)]
        if fins and (regie.facturee_jusqua is None or regie.facturee_jusqua < max(fins)):
            regie.facturee_jusqua = max(fins)
    for famille in chaque_famille(root):
        enfants = famille.get("enfants")
        for enfant in enfants.values() if enfants is not None else ():
            tree = arbre(enfant, service.FACTUREES)
            for (oid, day), numero in list(tree.items()) if tree is not None else ():
                facture = famille["factures"].get(numero)
                prestation = prestation_de(enfant, oid)
                regie = regie_de(facture) if facture is not None else None
                if prestation is not None and regie is not None:
                    regularisation.reprendre(regie, enfant, prestation, day, PAR)
