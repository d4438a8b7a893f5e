"""What a family keeps of its reminders: its choices and its outbox.

Both live in one ``Rappels`` object, the Famille's attribute ``rappels``,
made the first time the family saves its choices or a reminder is queued
for it (reading never writes).  Per family, not one site-wide outbox: the
code that queues a reminder (an agent answering a request, an invoicing
run) writes the family it already writes, and two families' reminders
never conflict.

The outbox (``envois``) is an OOBTree keyed ``(sorte, sujet, periode)``
(the family being its owner): a canteen week of one child, an answered
request, an issued invoice, an invoice's due date.  A key is written once,
and kept while anything could queue it again: it is what makes a reminder
go once (a done one is forgotten after 90 days, ``service.purger``, when
its week or its due date has long passed).  Each ``Envoi``
has its own state (its own persistent object: marking it sent never
touches the tree a concurrent queueing writes).
"""

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from .. import dates

A_ENVOYER = "a_envoyer"  # queued, not yet tried
EN_COURS = "en_cours"  # committed before sending: the send's outcome unknown until "envoye"
ENVOYE = "envoye"
ECHEC = "echec"  # the provider refused; never retried (at most once)
CADUC = "caduc"  # no longer true when its turn came (booked, paid, opted out)
INCERTAIN = "incertain"  # left "en cours" by a crash: maybe sent, never sent again
ETATS = (A_ENVOYER, EN_COURS, ENVOYE, ECHEC, CADUC, INCERTAIN)


class Envoi(Persistent):
    """One reminder of a family: ``valeurs`` what its text needs (plain
    values), ``canaux`` the channels it went through once sent."""

    tente_le = None
    envoye_le = None
    erreur = ""
    canaux = ()

    def __init__(self, sorte, sujet, periode, valeurs):
        self.sorte = sorte
        self.sujet = sujet
        self.periode = periode
        self.valeurs = dict(valeurs)
        self.etat = A_ENVOYER
        self.cree_le = dates.horodatage()

    @property
    def cle(self):
        return (self.sorte, self.sujet, self.periode)


class Rappels(Persistent):
    """A family's reminder choices (``choix``: frozenset of (sorte, canal))
    and its outbox (``envois``)."""

    modifie_le = None
    modifie_par = ""

    def __init__(self):
        self.choix = frozenset()
        self.envois = OOBTree()


ATTRIBUT = "rappels"


def rappels(famille, creer=False):
    """The family's Rappels, None when it has none (unless ``creer``)."""
    found = getattr(famille, ATTRIBUT, None)
    if found is None and creer:
        found = Rappels()
        setattr(famille, ATTRIBUT, found)
    return found
