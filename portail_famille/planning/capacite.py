"""The warning a Prestation's sheet shows when its capacity is lowered below
the places already taken on days to come (``places.depassements``).  The
sheet belongs to ``structures``, the places to the planning: the planning
registers this function (its includeme, ``structures.resources.
IAvertissementCapacite``)."""

from .. import dates
from ..i18n import _
from ..structures.resources import IAvertissementCapacite
from . import places

DEPASSEMENTS_CITES = 10


def depassement(prestation, translate):
    """The French warning when the capacity is below the places taken on
    days to come (the bookings stay; those days take no new one), or None."""
    days = places.depassements(prestation, dates.today())
    if not days:
        return None
    cites = ", ".join(
        translate(
            _("${jour} (${pris} places prises)", mapping={"jour": dates.courte(d), "pris": n})
        )
        for d, n in days[:DEPASSEMENTS_CITES]
    )
    if len(days) > DEPASSEMENTS_CITES:
        cites += "…"
    return translate(
        _(
            "Attention : la capacité de ${capacite} place(s) par jour est inférieure aux "
            "places déjà prises de ${nombre} jour(s) à venir : ${jours}. Ces réservations "
            "sont gardées ; ces jours-là n'acceptent plus de nouvelle réservation tant que "
            "les places prises dépassent la capacité.",
            mapping={"capacite": prestation.capacite, "nombre": len(days), "jours": cites},
        )
    )


def includeme(config):
    config.registry.registerUtility(depassement, IAvertissementCapacite)
