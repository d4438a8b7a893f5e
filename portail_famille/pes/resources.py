"""The PES files sent to the Trésor public, and their numbers.

A file is kept on the régie whose invoices it sends (``Regie.fichiers_pes``,
a BTree: its number -> FichierPES, made with the first file: no evolve
step), with its XML as a blob and its SHA-256, never changed nor deleted.

Its number is "PES-2026-001": the exercise and the bordereau's number
(IdBord), which Hélios wants unique and in sequence per exercise for the
budget; the pieces (IdPce, one per invoice) are numbered in sequence per
exercise too.  One budget (the settings' IdColl, CodCol, CodBud) serves
every régie, so both sequences are kept on the Régies folder
(``pes_sequences``: (kind, exercise) -> last number).
"""

import hashlib

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping

from .. import dates, fichiers
from ..irreversible import Comptable

XML = "application/xml"
EMIS = "emis"
EN_PREPARATION = "en-preparation"  # its job (a worker) marks the invoices, writes the file
REFUSE = "refuse"  # the file written failed its check: its invoices freed
ATTRIBUT = "fichiers_pes"  # on each Régie
SEQUENCES = "pes_sequences"  # on the Régies folder


class FichierPES(Comptable, Persistent):
    """One PES file: its number, exercise, bordereau, date, who made it,
    its pieces (dicts: piece, facture, famille, nom, montant), their count
    and total, and the file itself.

    Made by a worker (``preparation``): "en préparation" (no file yet, its
    job's id in ``travail``) until the job's last chunk writes the file
    (``emettre``); its chunks keep each titre's piece in ``preparation``
    (a BTree: rank -> the piece as the writer wants it, the debtor's
    account included), dropped once the file is written."""

    etat = EMIS
    travail = None
    preparation = None
    erreurs = ()

    def __init__(self, numero, exercice, bordereau, jour, pieces, total, data, par=""):
        self.numero = numero
        self.exercice = exercice
        self.bordereau = bordereau
        self.date = jour
        self.par = par
        self.cree_le = dates.horodatage()
        self.fichier = None
        self.sha256 = ""
        if data is None:
            self.etat = EN_PREPARATION
            self.pieces = ()
            self.nombre = 0
            self.total = total
        else:
            self.emettre(pieces, total, data)

    def emettre(self, pieces, total, data):
        self.etat = EMIS
        self.pieces = tuple(dict(p) for p in pieces)
        self.nombre = len(self.pieces)
        self.total = total
        self.fichier = fichiers.Fichier(data, XML, "%s.xml" % self.numero)
        self.sha256 = _sha256(data)


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def fichiers_de(regie, create=False):
    """The régie's PES files (number -> FichierPES); None when it has none,
    unless ``create``.  Reading writes nothing."""
    found = getattr(regie, ATTRIBUT, None)
    if found is None and create:
        found = OOBTree()
        setattr(regie, ATTRIBUT, found)
    return found


def liste(regie):
    """The régie's PES files, newest first."""
    found = fichiers_de(regie)
    if not found:
        return []
    return sorted(found.values(), key=lambda f: (f.exercice, f.bordereau), reverse=True)


def prochain(regies, genre, exercice, lire_seulement=False):
    """The next number of ``genre`` ("bordereau" or "piece") in
    ``exercice``; taken (the sequence moves on) unless ``lire_seulement``."""
    sequences = getattr(regies, SEQUENCES, None)
    numero = (sequences or {}).get((genre, exercice), 0) + 1
    if not lire_seulement:
        if sequences is None:
            sequences = PersistentMapping()
            setattr(regies, SEQUENCES, sequences)
        sequences[(genre, exercice)] = numero
    return numero


def reserver(regies, genre, exercice, nombre):
    """Take ``nombre`` numbers of ``genre`` at once: the first one."""
    premier = prochain(regies, genre, exercice)
    if nombre > 1:
        getattr(regies, SEQUENCES)[(genre, exercice)] = premier + nombre - 1
    return premier


def en_preparation(regies):
    """The PES file being prepared by a worker (any régie: they share the
    sequences), or None."""
    for regie in regies.values():
        for fichier in (fichiers_de(regie) or {}).values():
            if fichier.etat == EN_PREPARATION:
                return fichier
    return None


def numero_fichier(exercice, bordereau):
    return "PES-%d-%03d" % (exercice, bordereau)
