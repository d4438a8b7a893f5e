"""Closures added before they cancelled bookings: the bookings of their
days (not billed) become "Fermeture", their places are given back and the
pending requests of those days are closed, as adding a closure now does
(``planning.fermeture``).  Billed days stay as they are (their invoice
stands); families are not written to (the days have passed, or the closure
was announced when it was added).  Running it again changes nothing."""

from ..planning import fermeture

PAR = "evolve step14"


def evolve(root, registry):
    calendrier = root.get("calendrier")
    if calendrier is None or not hasattr(calendrier, "fermetures"):
        return
    for closure in calendrier.fermetures():
        bilan = fermeture.bilan(root, closure.debut, closure.fin, closure.structure)
        bilan.annulations = [a for a in bilan.annulations if not a.facture]
        fermeture.annuler(bilan, PAR, closure.motif, registry)
