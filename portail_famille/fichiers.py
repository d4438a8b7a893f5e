"""Uploaded files: checked by their content, stored as ZODB blobs under
names the server chooses, served as attachments.

A file's type is what its bytes are, never what its name or the browser
says: a "menu.pdf" that is HTML is refused.  PDFs are opened with pypdf,
images with Pillow, so a truncated or forged file is refused too.
"""

import io
import re
import unicodedata
from urllib.parse import quote

from persistent import Persistent
from pyramid.response import Response
from ZODB.blob import Blob

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


def type_du_contenu(data):
    """The MIME type ``data`` really is (among PDF, JPEG, PNG), or None."""
    for signature, mimetype in SIGNATURES:
        if data.startswith(signature):
            return mimetype if _lisible(data, mimetype) else None
    return None


def _lisible(data, mimetype):
    try:
        if mimetype == PDF:
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(data)).pages) > 0
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return image.format == ("JPEG" if mimetype == JPEG else "PNG")
    except Exception:  # any parser error: not a file of that type
        return False


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
    mimetype = type_du_contenu(data)
    if mimetype not in types:
        raise FichierRefuse(
            _(
                "Ce fichier n'est pas accepté : seuls les fichiers ${types} sont acceptés.",
                mapping={"types": ", ".join(LIBELLES[t] for t in types)},
            )
        )
    return data, mimetype


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


class Fichier(Persistent):
    """A stored file: a blob, its checked MIME type, its size and the name
    shown to people (never used as a path)."""

    def __init__(self, data, mimetype, nom):
        self.mimetype = mimetype
        self.taille = len(data)
        self.nom = nom_affiche(nom, "fichier.%s" % EXTENSIONS.get(mimetype, "bin"))
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
