"""The queue of long jobs and its jobs, kept in the database (not content:
no catalog, no SDI folder; the root's attribute ``ATTRIBUT``).

A ``Travail`` is small and written at every chunk (its progress, its
lease); its units, which may be 10,000 family numbers, live in their own
persistent object (``Unites``) written once, so a chunk's commit does not
rewrite them.  The queue's trees (``travaux``, ``actifs``) are BTrees:
two requests queuing a job at the same moment touch different keys, which
the BTrees' conflict resolution merges.

Two workers never run the same chunk: each chunk's transaction writes the
Travail (cursor, lease); a worker that lost its lease meanwhile (another
took the job over) conflicts on it at commit and stops (the Travail has no
``_p_resolveConflict``: its conflicts are what serialize the workers).
"""

import time
import uuid

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.list import PersistentList

from ..i18n import _

ATTRIBUT = "_portail_travaux"  # on the root

EN_ATTENTE = "en-attente"
EN_COURS = "en-cours"
TERMINE = "termine"
ECHOUE = "echoue"
ETATS = {
    EN_ATTENTE: _("En attente"),
    EN_COURS: _("En cours"),
    TERMINE: _("Terminé"),
    ECHOUE: _("Échoué"),
}
FINIS = (TERMINE, ECHOUE)


def nouvel_identifiant(maintenant=None):
    """Sortable by creation time, unique: '20261207T160512-3f9a1c2b'."""
    moment = time.gmtime(maintenant if maintenant is not None else time.time())
    return "%s-%s" % (time.strftime("%Y%m%dT%H%M%S", moment), uuid.uuid4().hex[:8])


class Unites(Persistent):
    """The units of work of one job, in the order they are processed."""

    def __init__(self, unites):
        self.valeurs = tuple(unites)

    def __len__(self):
        return len(self.valeurs)

    def tranche(self, debut, fin):
        return self.valeurs[debut:fin]


class Travail(Persistent):
    """One job: its kind (``genre``, registered by a domain), its
    parameters, who queued it, its state, its progress (``curseur``: the
    units before it are done, committed with their effect), its errors in
    French, and its lease (``titulaire`` until ``bail_fin``, epoch
    seconds) while a worker runs it."""

    def __init__(self, genre, unites, parametres, par, titre, permission, lot, maintenant=None):
        maintenant = maintenant if maintenant is not None else time.time()
        self.id = nouvel_identifiant(maintenant)
        self.genre = genre
        self.parametres = dict(parametres)
        self.par = par
        self.titre = titre
        self.permission = str(permission)
        self.lot = max(1, int(lot))
        self.unites = Unites(unites)
        self.total = len(self.unites)
        self.curseur = 0
        self.etat = EN_ATTENTE
        self.cree = maintenant
        self.debut = None
        self.fin = None
        self.titulaire = None
        self.bail_fin = None
        self.reprises = 0
        self.echecs = 0  # units passed over after an error
        self.erreurs = PersistentList()  # [(epoch seconds, French text)]
        self.resultat = {}

    @property
    def faits(self):
        return self.curseur

    @property
    def fini(self):
        return self.etat in FINIS

    def pourcentage(self):
        if not self.total:
            return 100
        return int(100 * self.curseur / self.total)

    def noter_erreur(self, texte, maintenant=None):
        """An error of the job (a French text, already translated)."""
        self.erreurs.append((maintenant if maintenant is not None else time.time(), texte))

    def reclamable(self, maintenant):
        """Whether a worker may take it now: waiting, or running under an
        expired lease (its worker was killed or lost)."""
        if self.etat == EN_ATTENTE:
            return True
        return self.etat == EN_COURS and (self.bail_fin or 0) < maintenant


class FileDeTravaux(Persistent):
    """The queue: every job by id (oldest first), and the ids of the jobs
    not finished (what workers poll: never every job ever queued); how
    many jobs ever failed (``echoues``, for the metrics)."""

    echoues = 0

    def __init__(self):
        self.travaux = OOBTree()
        self.actifs = OOTreeSet()

    def ajouter(self, travail):
        self.travaux[travail.id] = travail
        self.actifs.add(travail.id)
        return travail

    def get(self, identifiant):
        if not isinstance(identifiant, str):
            return None
        return self.travaux.get(identifiant)

    def en_file(self):
        """The jobs not finished, oldest first."""
        for identifiant in list(self.actifs):
            travail = self.travaux.get(identifiant)
            if travail is not None:
                yield travail

    def retirer(self, travail):
        """Out of the active set (finished or failed)."""
        if travail.id in self.actifs:
            self.actifs.remove(travail.id)
            if travail.etat == ECHOUE:
                self.echoues += 1

    def recents(self, n=20):
        """The ``n`` newest jobs, newest first."""
        keys = self.travaux.keys()
        total = len(keys)
        return [self.travaux[keys[i]] for i in range(total - 1, max(total - n, 0) - 1, -1)]
