"""The children's plannings: the cells (child × prestation × day) in
``cells``, the month grid in ``views``, reservations and absences asked
for from it in ``actions`` and ``service`` (whose ``includeme`` registers
what accepting or refusing one does, ``demandes.cycle``), closures in
``fermeture``; the kitchen's meal counts in ``repas``; what the
attendance sheet records beside a cell (times, reasons) in ``horaires``."""

from .. import journal
from ..i18n import _

# The journal's action of the attendance sheet (``sdi.pointage``).
POINTAGE_ENREGISTRE = "PointageEnregistre"


def includeme(config):
    journal.nommer_actions(config, {POINTAGE_ENREGISTRE: _("Pointage enregistré")})
    config.include(".service")
    config.include(".justificatifs")
    config.include(".capacite")
    config.include(".telephone")
    config.include(".sdi.reinscriptions")  # its journal action
