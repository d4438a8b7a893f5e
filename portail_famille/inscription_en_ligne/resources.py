"""An activity open for online enrolment (Ouverture): one per prestation
and school year, kept in the Prestation's ``ouvertures_inscription`` tree
(keyed by the year's libellé: a handful per prestation, not content)."""

from persistent import Persistent

from .. import dates
from ..util import arbre

OUVERTURES = "ouvertures_inscription"  # the Prestation's attribute

TEXTE = "texte"
OUI_NON = "oui_non"


class Ouverture(Persistent):
    """``annee``: the school year's libellé; ``debut``, ``fin``: the dates
    enrolment opens and closes (both included); ``places``: how many
    children the activity takes that year; ``questions``: ((libellé, kind:
    TEXTE or OUI_NON), ...); ``pieces``: the kinds of documents required
    (``demandes.pieces.NATURES``); the règlement intérieur: its version,
    its text and/or its PDF (``fichiers.Fichier``)."""

    reglement_fichier = None
    # How many requests were accepted: written by each acceptance, so that
    # two agents accepting the last place at once conflict (the second is
    # retried and finds it taken) instead of both inserting into the
    # prestation's index of inscriptions, which BTrees would merge.
    acceptees = 0

    def __init__(
        self,
        annee,
        debut,
        fin,
        places,
        questions=(),
        pieces=(),
        reglement_version="",
        reglement_texte="",
    ):
        self.annee = annee
        self.modifier(debut, fin, places, questions, pieces, reglement_version, reglement_texte)

    def modifier(self, debut, fin, places, questions, pieces, reglement_version, reglement_texte):
        self.debut = debut
        self.fin = fin
        self.places = places
        self.questions = tuple((str(q), str(t)) for q, t in questions)
        self.pieces = tuple(pieces)
        self.reglement_version = reglement_version
        self.reglement_texte = reglement_texte

    def ouverte_le(self, jour):
        return self.debut <= jour <= self.fin

    @property
    def periode(self):
        return "%s – %s" % (dates.courte(self.debut), dates.courte(self.fin))


def ouvertures(prestation):
    """{libellé of the year: Ouverture} of ``prestation`` (read only)."""
    tree = arbre(prestation, OUVERTURES)
    return dict(tree.items()) if tree is not None else {}


def ouverture(prestation, annee):
    tree = arbre(prestation, OUVERTURES)
    return tree.get(annee) if tree is not None else None


def enregistrer(prestation, ouverture_):
    arbre(prestation, OUVERTURES, create=True)[ouverture_.annee] = ouverture_
    return ouverture_
