"""The days an invoice bills ("Jours facturés"): one row per day of each
line (date, child, activity, quantity, price), read from the invoice as
issued (never recomputed from today's planning or tariffs).

A line made by an invoicing run keeps its days (``jours``, and ``heures``
for a prestation billed by the hour); an older invoice only kept its
planning cells (``cellules``: child's __name__, prestation oid, day),
matched here to the line of the same prestation.  A line with neither (a
credit of a regularisation, an invoice taken over without its cells) has
no day: its total stays in the invoice's detail."""

from ..montants import arrondi


def _cellules_par_ligne(facture):
    """Line index -> its days, from the invoice's cells (older invoices)."""
    restantes = {}
    for nom, oid, jour in facture.cellules:
        restantes.setdefault(oid, []).append((nom, jour))
    found = {}
    for index, ligne in enumerate(facture.lignes):
        quantite = ligne.get("quantite", 0)
        if ligne.get("jours") or quantite <= 0 or quantite != int(quantite):
            continue  # its own days; a credit; hours with no day's share kept
        cellules = restantes.get(ligne.get("prestation_oid"))
        if not cellules:
            continue
        nom = ligne.get("enfant_nom")
        prises = [c for c in cellules if nom is None or c[0] == nom]
        # one cell per unit billed: a child's line takes its own days only
        prises = sorted(prises, key=lambda c: c[1])[: int(quantite)]
        for cellule in prises:
            cellules.remove(cellule)
        found[index] = tuple(jour for _nom, jour in prises)
    return found


def jours_factures(facture):
    """The billed days of ``facture``, by date then child then activity:
    dicts with ``date`` (datetime.date), ``enfant``, ``structure``,
    ``prestation``, ``quantite`` (1, or the day's hours) and ``prix`` (the
    day's amount: unit price × quantity, Decimal)."""
    depuis_cellules = _cellules_par_ligne(facture)
    found = []
    for index, ligne in enumerate(facture.lignes):
        jours = ligne.get("jours") or depuis_cellules.get(index, ())
        if not jours or ligne.get("quantite", 0) <= 0:
            continue
        heures = ligne.get("heures")
        for rang, jour in enumerate(jours):
            quantite = heures[rang] if heures and rang < len(heures) else 1
            found.append(
                {
                    "date": jour,
                    "enfant": ligne.get("enfant", ""),
                    "structure": ligne.get("structure", ""),
                    "prestation": ligne.get("prestation", ""),
                    "quantite": quantite,
                    "prix": arrondi(ligne["prix"] * quantite),
                }
            )
    found.sort(key=lambda j: (j["date"], j["enfant"], j["structure"], j["prestation"]))
    return found
