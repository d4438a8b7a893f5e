"""Issued documents, frozen: the original of an invoice, a credit note or a
payment's receipt.

A numbered document is a public accounting record: it must read forever as
it was issued.  Its PDF is rendered once, when it is issued, and kept (a
ZODB blob) with its SHA-256, the renderer's name and the time; every
download serves those bytes, whatever changes afterwards (the family's
address, the town's settings, the templates, the renderer).

A document without original (one issued before this existed or outside
a web request, made from the data as it is then; one whose rendering
failed when it was issued, the renderer missing: the issue itself is not
lost, made from its HTML as issued, kept compressed for that
(``garder_html``) until its PDF is made) is frozen in a batch by
``portail-famille-figer`` (``figer_tout``); until then, at its first
download (``pdf.servir``: rendered once, the only download that writes).

The bytes are checked against their SHA-256 at every download: a mismatch
(a blob changed or damaged on disk) is refused (``OriginalAltere``: logged,
a French page), never served silently.
"""

import hashlib
import zlib

from pyramid.response import Response
from zope.interface import implementer

from .. import dates, fichiers
from ..irreversible import IComptable


class OriginalAltere(Exception):
    """The stored bytes no longer match their SHA-256."""


def empreinte(data):
    return hashlib.sha256(data).hexdigest()


@implementer(IComptable)  # a frozen PDF is never undone (sdi.annuler)
class Original(fichiers.Fichier):
    """The PDF of a document as issued: a blob, its SHA-256, the renderer
    that made it ('wkhtmltopdf 0.12.6') and when (UTC)."""

    def __init__(self, data, nom, moteur):
        fichiers.Fichier.__init__(self, data, fichiers.PDF, nom)
        self.sha256 = empreinte(data)
        self.moteur = moteur
        self.rendu_le = dates.horodatage()

    def contenu(self):
        """The bytes, checked: raises OriginalAltere when they are not the
        ones stored."""
        data = fichiers.Fichier.contenu(self)
        if len(data) != self.taille or empreinte(data) != self.sha256:
            raise OriginalAltere(
                "%s: %d bytes, SHA-256 %s, stored %d bytes, %s"
                % (self.nom, len(data), empreinte(data), self.taille, self.sha256)
            )
        return data


def original(document):
    """The document's original, or None when it has none yet."""
    return getattr(document, "original", None)


def sceller(document, data, nom, moteur):
    """Keep ``data`` as ``document``'s original; an original is never
    replaced (the one already there is returned)."""
    found = original(document)
    if found is None:
        found = document.original = Original(data, nom, moteur)
        document.html_emis = None
    return found


def garder_html(document, html):
    """Keep the HTML of a document issued without its PDF (the renderer
    failed): its PDF, made later, shows it as issued."""
    if original(document) is None:
        document.html_emis = zlib.compress(html.encode("utf-8"))


def html_emis(document):
    """The HTML kept by ``garder_html``, or None."""
    data = getattr(document, "html_emis", None)
    return zlib.decompress(data).decode("utf-8") if data is not None else None


def reponse(request, found):
    """The original's exact bytes, shown by the browser's PDF viewer
    (``inline``), with its SHA-256 as ETag.  Not ``fichiers.reponse``: its
    ``sandbox`` CSP, right for uploads, blocks Chromium's PDF viewer."""
    response = Response(
        body=found.contenu(),
        content_type=fichiers.PDF,
        conditional_response=True,
    )
    response.etag = found.sha256
    response.headers["Content-Disposition"] = 'inline; filename="%s"' % found.nom
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
