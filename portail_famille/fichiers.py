"""Uploaded files: checked by their content, stored as ZODB blobs under
names the server chooses, served as attachments.

A file's type is what its bytes are, never what its name or the browser
says: a "menu.pdf" that is HTML is refused.  PDFs are opened with pypdf
(within bounded time and pages: ``verification_pdf``), images with Pillow,
so a truncated or forged file is refused too.
"""

import io
import re
import unicodedata
from urllib.parse import quote

from persistent import Persistent
from PIL import Image
from pyramid.response import Response
from pyramid.threadlocal import get_current_registry
from ZODB.blob import Blob

from . import verification_pdf
from .i18n import _

MO = 1024 * 1024
TAILLE_MAX = 5 * MO

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
INCONNU = "application/octet-stream"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
LIBELLES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}

SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)


class FichierRefuse(ValueError):
    """A refused upload; ``args[0]`` is the French message (a
    TranslationString) to show next to the field."""


def type_du_contenu(data, types=(PDF, JPEG, PNG)):
    """The MIME type ``data`` really is (among ``types``), or None;
    FichierRefuse for a PDF of too many pages or too long to check."""
    for signature, mimetype in SIGNATURES:
        if data.startswith(signature):
            return mimetype if mimetype in types and _lisible(data, mimetype) else None
    return None


def _lisible(data, mimetype):
    if mimetype == PDF:
        return _pdf_lisible(data)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return image.format == ("JPEG" if mimetype == JPEG else "PNG")
    except Exception:  # any parser error: not a file of that type
        return False


def _pdf_lisible(data):
    """Whether ``data`` is a PDF (verification_pdf: bounded in time and
    pages, settings ``portail.fichiers.pdf_pages_max`` and
    ``portail.fichiers.pdf_secondes``)."""
    settings = get_current_registry().settings or {}
    pages_max = int(settings.get("portail.fichiers.pdf_pages_max") or verification_pdf.PAGES_MAX)
    secondes = float(settings.get("portail.fichiers.pdf_secondes") or verification_pdf.SECONDES)
    found = verification_pdf.verifier(data, pages_max, secondes)
    if found == verification_pdf.TROP_DE_PAGES:
        raise FichierRefuse(
            _(
                "Ce fichier PDF a plus de ${max} pages : envoyez seulement les pages utiles.",
                mapping={"max": pages_max},
            )
        )
    if found == verification_pdf.TROP_LONG:
        raise FichierRefuse(
            _(
                "Ce fichier PDF est trop complexe pour être vérifié : enregistrez-le de "
                "nouveau (« Imprimer » puis « Enregistrer au format PDF ») ou envoyez "
                "une photo du document."
            )
        )
    return found == verification_pdf.LISIBLE


def lire(upload, types=(PDF, JPEG, PNG), taille_max=TAILLE_MAX):
    """The bytes and MIME type of an uploaded file (a ``cgi.FieldStorage``
    from ``request.POST``, or a deform upload dict with ``fp``).

    Returns None when no file was sent; raises FichierRefuse (French
    message) when it is empty, too large or not of one of ``types``.
    """
    fp = _flux(upload)
    if fp is None:
        return None
    data = fp.read(taille_max + 1)
    if not data:
        raise FichierRefuse(_("Le fichier envoyé est vide."))
    if len(data) > taille_max:
        raise FichierRefuse(
            _(
                "Le fichier dépasse la taille maximale de ${mo} Mo.",
                mapping={"mo": taille_max // MO},
            )
        )
    mimetype = type_du_contenu(data, types)
    if mimetype not in types:
        raise FichierRefuse(
            _(
                "Ce fichier n'est pas accepté : seuls les fichiers ${types} sont acceptés.",
                mapping={"types": ", ".join(LIBELLES[t] for t in types)},
            )
        )
    return data, mimetype


def taille(upload):
    """The bytes of an uploaded file (as ``lire`` takes it), None when no
    file was sent; the file is left at its start."""
    fp = _flux(upload)
    if fp is None:
        return None
    fp.seek(0, io.SEEK_END)
    found = fp.tell()
    fp.seek(0)
    return found


def _flux(upload):
    if upload is None or isinstance(upload, (str, bytes)):
        return None
    if isinstance(upload, dict):
        return upload.get("fp")
    fp = getattr(upload, "file", None)
    if fp is None or not getattr(upload, "filename", None):
        return None
    return fp


def nom_affiche(filename, defaut="fichier"):
    """A name safe to show and to offer for download: no directory, no
    control character, at most 100 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:100] or defaut


def nom_stocke(nom, mimetype):
    """The display name a file of ``mimetype`` sent as ``nom`` is stored
    under (``Fichier.nom``)."""
    return nom_affiche(nom, "fichier.%s" % EXTENSIONS.get(mimetype, "bin"))


class Fichier(Persistent):
    """A stored file: a blob, its checked MIME type, its size and the name
    shown to people (never used as a path)."""

    def __init__(self, data, mimetype, nom):
        self.mimetype = mimetype
        self.taille = len(data)
        self.nom = nom_stocke(nom, mimetype)
        self.blob = Blob()
        with self.blob.open("w") as f:
            f.write(data)

    def contenu(self):
        with self.blob.open("r") as f:
            return f.read()

    @property
    def taille_lisible(self):
        if self.taille >= MO:
            return "%s Mo" % str(round(self.taille / MO, 1)).replace(".", ",")
        return "%d Ko" % max(1, round(self.taille / 1024))


def _ascii(name):
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._ -]", "_", plain) or "fichier"


def reponse(request, fichier, inline=False):
    """The file as a download: its checked type, ``nosniff``, a
    ``Content-Disposition`` with its display name (RFC 6266/5987)."""
    response = Response(
        body=fichier.contenu(),
        content_type=fichier.mimetype,
        conditional_response=True,
    )
    return en_tetes(response, fichier.nom, inline)


def reponse_contenu(data, nom):
    """Bytes of no trusted type (SubstanceD's own files, whatever MIME type
    was stored with them) served as what they are: a PDF, JPEG or PNG by
    their content (an image inline), anything else a download of
    ``application/octet-stream``."""
    mimetype = type_du_contenu(data) or INCONNU
    extension = EXTENSIONS.get(mimetype, "bin")
    nom = nom_affiche(nom)
    if not nom.lower().endswith("." + extension):
        nom = "%s.%s" % (nom, extension)
    response = Response(body=data, content_type=mimetype, conditional_response=True)
    return en_tetes(response, nom, inline=mimetype in (JPEG, PNG))


def en_tetes(response, nom, inline):
    """The headers every stored file is served with: attachment (or inline)
    under its display name, ``nosniff``, never cached, sandboxed."""
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = "%s; filename=\"%s\"; filename*=UTF-8''%s" % (
        disposition,
        _ascii(nom),
        quote(nom, safe=""),
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    # A PDF or image opened in the browser runs no script of ours.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
