"""A day's waiting list is first come, first served whatever the
families' numbers: its entries are keyed by family (to spread the
writes), and sorted by the date of the request when read."""

import datetime
from types import SimpleNamespace

from portail_famille.demandes.resources import ACCEPTEE, LISTE_ATTENTE
from portail_famille.planning import attente

JOUR = datetime.date(2026, 12, 9)


def _demande(numero, minute, name):
    return SimpleNamespace(
        numero_famille=numero,
        __name__=name,
        jour=JOUR,
        date_demande=datetime.datetime(2026, 12, 1, 8, minute, tzinfo=datetime.UTC),
        etat=LISTE_ATTENTE,
    )


def test_the_first_come_is_first_whatever_its_family_number():
    prestation = SimpleNamespace(attente=None)
    tardive = _demande("1001", 5, "A")  # the smallest key, asked last
    premiere = _demande("9009", 0, "Z")
    seconde = _demande("5005", 2, "M")
    for demande in (tardive, premiere, seconde):
        attente.inscrire(prestation, demande)
    attente.inscrire(prestation, seconde)  # again: once
    assert attente.liste(prestation, JOUR) == [premiere, seconde, tardive]
    assert attente.liste(prestation, JOUR + datetime.timedelta(days=7)) == []
    # A request that has left the waiting list is not listed, then leaves it.
    premiere.etat = ACCEPTEE
    assert attente.liste(prestation, JOUR) == [seconde, tardive]
    attente.retirer(prestation, premiere)
    assert len(prestation.attente[JOUR]) == 2
