"""Supporting documents (pièces justificatives) of a request: an
attestation CAF or an avis d'imposition, a vaccination record, an
insurance certificate...

A parent attaches them when making the request (an online enrolment asks
for the kinds its activity requires), later to a pending one, or when the
service asks for a missing one (``cycle.demander_document``).  Each is a
``fichiers.Fichier`` (checked by its content: PDF, JPEG or PNG, 5 Mo at
most) kept in the request itself, so it is reached only through the
request, under the family's ACL: a parent sees her own family's, staff with
the queue's permission every family's.  A document is never removed nor
replaced: a new one is added beside it (the request keeps its history).
"""

from persistent.list import PersistentList

from .. import dates, fichiers, journal
from ..i18n import _

PIECE_JOINTE = "PieceJointe"  # the journal's action
ACTIONS = {PIECE_JOINTE: _("Pièce justificative jointe à une demande")}

# The kinds of documents a request may hold (an activity names those it
# requires), in the order forms list them.
NATURES = {
    "ressources": _("Attestation CAF ou avis d'imposition"),
    "avis_imposition": _("Avis d'imposition"),
    "vaccinations": _("Vaccinations (copie du carnet de santé)"),
    "assurance": _("Attestation d'assurance (responsabilité civile)"),
    "autre": _("Autre justificatif"),
}
# The size limit of one document (the site's upload limit).
TAILLE_MAX = fichiers.TAILLE_MAX
# At most this many documents on one request (a forged form cannot fill the
# database).
PIECES_MAX = 20


class TropDePieces(fichiers.FichierRefuse):
    pass


class Piece(fichiers.Fichier):
    """A document of a request: its kind, when and by whom it was sent."""

    def __init__(self, data, mimetype, nom, nature, par, date):
        super().__init__(data, mimetype, nom)
        self.nature = nature
        self.par = par
        self.date = date

    @property
    def libelle_nature(self):
        return NATURES.get(self.nature, NATURES["autre"])


def lire(upload):
    """(bytes, MIME type, name) of an uploaded document, None when no file
    was sent; raises ``fichiers.FichierRefuse`` (French message) for a file
    that is empty, too large, or not a PDF, JPEG or PNG by its content."""
    found = fichiers.lire(upload, taille_max=TAILLE_MAX)
    if found is None:
        return None
    data, mimetype = found
    return data, mimetype, getattr(upload, "filename", None) or ""


def joindre(demande, request, data, mimetype, nom, nature, par, now=None):
    """Add a document to ``demande``; journaled (who, which request, its kind)."""
    if nature not in NATURES:
        nature = "autre"
    if len(demande.pieces) >= PIECES_MAX:
        raise TropDePieces(_("Cette demande a déjà ${max} documents.", mapping={"max": PIECES_MAX}))
    if not isinstance(demande.pieces, PersistentList):
        demande.pieces = PersistentList()
    piece = Piece(data, mimetype, nom, nature, par, now or dates.horodatage())
    demande.pieces.append(piece)
    journal.noter(
        request,
        PIECE_JOINTE,
        demande,
        par=par,
        famille=demande.numero_famille,
        details={"type": demande.type_demande, "nature": nature, "nom": piece.nom},
    )
    return piece


def piece(demande, rang):
    """The document of rank ``rang`` (a string from a URL, from 1), or None."""
    if not isinstance(rang, str) or not rang.isdigit() or len(rang) > 3:
        return None
    index = int(rang) - 1
    return demande.pieces[index] if 0 <= index < len(demande.pieces) else None


def lignes(request, demande, url):
    """The documents as rows: kind, name, type and size, date, link
    (``url(rang)``)."""
    translate = request.localizer.translate
    return [
        {
            "nature": translate(p.libelle_nature),
            "nom": p.nom,
            "type": fichiers.LIBELLES.get(p.mimetype, ""),
            "taille": p.taille_lisible,
            "date": dates.moment(p.date),
            "url": url(str(rang)),
        }
        for rang, p in enumerate(demande.pieces, start=1)
    ]


def document_demande(request, demande):
    """What the service asked the family for, in French ('' when nothing)."""
    asked = demande.document_demande
    if not asked:
        return ""
    translate = request.localizer.translate
    text = translate(NATURES.get(asked["nature"], NATURES["autre"]))
    if asked.get("message"):
        text = "%s : %s" % (text, asked["message"])
    return text
