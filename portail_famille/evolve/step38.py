"""The régie's cash desk (caisse): régisseurs get its permissions
(P.CAISSE_VOIR, P.CAISSE_GERER on the régies), and each régie its ledger
(``caisse.registre``) made from every document it numbered before, read
from its journal index (step21): the cash journal and the monthly summary
then show the past too.  A régie whose ledger exists is made again, its
deposit slips kept."""

from ..caisse import registre
from ..facturation import regies
from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
    for regie in regies.regies(root):
        registre.reconstruire(regie)
