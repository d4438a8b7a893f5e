"""What the backends share: their interface, their error."""

from zope.interface import Attribute, Interface


class IMoteurPdf(Interface):
    """A backend of the PDF renderer."""

    processus = Attribute(
        "True when documents render in parallel only in separate processes "
        "(the backend holds the GIL); False when threads are enough"
    )
    nom = Attribute(
        "The backend and its version ('wkhtmltopdf 0.12.6', 'WeasyPrint 70.0'), kept "
        "with each frozen document"
    )

    def rendre(html):
        """The PDF (bytes) of ``html``, a complete document (str); loads
        nothing but that document.  Raises PdfError."""


class PdfError(Exception):
    """The PDF could not be made (backend missing, failed or too slow)."""


def est_pdf(data):
    """Whether ``data`` looks like a whole PDF file."""
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
