"""Supporting documents (pièces justificatives) of a request: an
attestation CAF or an avis d'imposition, a vaccination record, an
insurance certificate, the medical certificate of a late absence...

A parent attaches them when making the request (an online enrolment asks
for the kinds its activity requires, a late absence its certificate:
``planning.justificatifs``), later to a pending one, or when the service
asks for a missing one (``cycle.demander_document``).  Every upload goes
through ``recevoir``: the family's limit of attachments
(``familles.limites``), then the check by content (``fichiers``: PDF, JPEG
or PNG, 5 Mo at most).  Each is a ``fichiers.Fichier`` kept in the request
itself, so it is reached only through the request, under the family's
ACL: a parent sees her own family's, staff with the queue's permission
every family's; a health document (``NATURES_SANTE``) needs
``P.SANTE_VOIR`` too (never a régisseur's), and a staff member's read of
one is audited (``pieces_views.reponse_piece``).  A document is never
removed nor replaced: a new one is added beside it (the request keeps its
history); only the RGPD retention empties a departed child's
(``effacer``).
"""

from persistent.list import PersistentList
from pyramid.renderers import get_renderer

from .. import dates, fichiers, journal
from ..familles import limites
from ..i18n import _
from ..security import P

PIECE_JOINTE = "PieceJointe"  # the journal's action
ACTIONS = {PIECE_JOINTE: _("Pièce justificative jointe à une demande")}

# The kinds of documents a request may hold (an activity names those it
# requires), in the order forms list them.
NATURES = {
    "ressources": _("Attestation CAF ou avis d'imposition"),
    "avis_imposition": _("Avis d'imposition"),
    "vaccinations": _("Vaccinations (copie du carnet de santé)"),
    "assurance": _("Attestation d'assurance (responsabilité civile)"),
    "certificat_medical": _("Certificat médical"),
    "autre": _("Autre justificatif"),
}
CERTIFICAT_MEDICAL = "certificat_medical"
# Health data among the kinds: read by who may read a child's health data
# (``P.SANTE_VOIR``), a staff member's read audited.
NATURES_SANTE = frozenset(("vaccinations", CERTIFICAT_MEDICAL))
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


def recevoir(request, famille, upload):
    """(bytes, MIME type, name) of a document a parent uploads for one of
    ``famille``'s requests, None when no file was sent (``joindre``
    counts it in the family's attachments, ``familles.limites``).  Raises
    ``fichiers.FichierRefuse`` (French message) for a file over the
    family's limit of attachments (the answer becomes a 429 with
    Retry-After), empty, too large, or not a PDF, JPEG or PNG by its
    content."""
    octets = fichiers.taille(upload)
    if octets:
        try:
            limites.verifier(request.registry.settings, famille, limites.PIECES_JOINTES, octets)
        except limites.LimiteAtteinte as refus:
            limites.reessayer(request.response, refus)
            raise fichiers.FichierRefuse(refus.args[0]) from refus
    found = fichiers.lire(upload, taille_max=TAILLE_MAX)
    if found is None:
        return None
    data, mimetype = found
    return data, mimetype, getattr(upload, "filename", None) or ""


def joindre(demande, request, data, mimetype, nom, nature, par, now=None):
    """Add a document (read by ``recevoir``) to ``demande``: counted in
    the family's attachments, journaled (who, which request, its kind)."""
    if nature not in NATURES:
        nature = "autre"
    if len(demande.pieces) >= PIECES_MAX:
        raise TropDePieces(_("Cette demande a déjà ${max} documents.", mapping={"max": PIECES_MAX}))
    if not isinstance(demande.pieces, PersistentList):
        demande.pieces = PersistentList()
    piece = Piece(data, mimetype, nom, nature, par, now or dates.horodatage())
    demande.pieces.append(piece)
    limites.noter(demande.famille, limites.PIECES_JOINTES, piece.taille)
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


def sante(piece):
    """Is ``piece`` health data (``NATURES_SANTE``)?"""
    return piece.nature in NATURES_SANTE


def peut_lire(request, demande, piece):
    """May the reader open ``piece``?  A health document needs
    ``P.SANTE_VOIR`` on the family (its parents, the agents; never a
    régisseur)."""
    return not sante(piece) or bool(request.has_permission(P.SANTE_VOIR, demande.famille))


def lignes(request, demande, url):
    """The documents as rows: kind, name, type and size, date, link
    (``url(rang)``; None for a health document the reader may not open,
    ``sante`` then says why)."""
    translate = request.localizer.translate
    return [
        {
            "nature": translate(p.libelle_nature),
            "nom": p.nom,
            "type": fichiers.LIBELLES.get(p.mimetype, ""),
            "taille": p.taille_lisible,
            "date": dates.moment(p.date),
            "url": url(str(rang)) if peut_lire(request, demande, p) else None,
            "sante": sante(p),
        }
        for rang, p in enumerate(demande.pieces, start=1)
    ]


def lignes_sdi(request, demande):
    """``lignes`` with the SDI's links (``@@piece``): what the request
    pages of the SDI list under "Documents joints" (``macro``)."""
    return lignes(
        request,
        demande,
        lambda rang: request.sdiapi.mgmt_path(demande, "@@piece", query={"n": rang}),
    )


def macro():
    """The SDI's table of a request's documents (its rows: ``lignes_sdi``,
    named ``pieces`` in the page)."""
    renderer = get_renderer("portail_famille.demandes:templates/pieces.pt")
    return renderer.implementation().macros["pieces"]


def effacer(demande):
    """The RGPD retention: the request's documents go (their blobs at the
    next pack); whether there were any."""
    if not demande.pieces:
        return False
    demande.pieces = PersistentList()
    return True


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
