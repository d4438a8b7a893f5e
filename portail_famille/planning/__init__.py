"""The children's plannings: the cells (child × prestation × day) in
``cells``, the month grid in ``views``, reservations and absences asked
for from it in ``actions`` and ``service`` (whose ``includeme`` registers
what accepting or refusing one does, ``demandes.cycle``), closures in
``fermeture``; the kitchen's meal counts in ``repas``."""


def includeme(config):
    config.include(".service")
    config.include(".capacite")
    config.include(".sdi.reinscriptions")  # its journal action
