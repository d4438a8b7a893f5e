"""A late absence's medical certificate becomes a document of its request
(issue 21): the ``justificatif`` a request held (a ``fichiers.Fichier``,
``planning.justificatifs`` before this step) is moved into the request's
documents (``demandes.pieces``) as its first one, of kind "Certificat
médical", sent by the request's author on the request's date; the
attribute goes.  The file's blob is moved, not copied: its bytes, type,
size and name are the ones the family sent.  A document joined to the
request afterwards stays, after the certificate.

Every request of every family is read (the certificate is found whatever
the request's type or state).  Running it again changes nothing."""

from persistent.list import PersistentList

from ..demandes.pieces import CERTIFICAT_MEDICAL, Piece
from .familles import chaque_famille

ATTRIBUT = "justificatif"


def piece_du_justificatif(demande, fichier):
    """The Piece holding ``fichier`` (its blob, type, size, name)."""
    piece = Piece.__new__(Piece)
    piece.mimetype = fichier.mimetype
    piece.taille = fichier.taille
    piece.nom = fichier.nom
    piece.blob = fichier.blob
    piece.nature = CERTIFICAT_MEDICAL
    piece.par = demande.demandeur
    piece.date = demande.date_demande
    return piece


def reprendre(demande):
    """Move ``demande``'s certificate into its documents; whether it had one."""
    demande._p_activate()  # a ghost's __dict__ is empty
    if ATTRIBUT not in demande.__dict__:
        return False
    fichier = demande.__dict__[ATTRIBUT]
    if fichier is not None:
        pieces = PersistentList([piece_du_justificatif(demande, fichier)])
        pieces.extend(demande.pieces)
        demande.pieces = pieces
    delattr(demande, ATTRIBUT)
    return fichier is not None


def evolve(root, registry):
    for famille in chaque_famille(root):
        demandes = famille.get("demandes") if hasattr(famille, "get") else None
        for demande in demandes.values() if demandes is not None else ():
            if hasattr(demande, "pieces"):
                reprendre(demande)
