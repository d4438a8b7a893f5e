"""The WeasyPrint backend: the fallback where wkhtmltopdf is absent."""

from zope.interface import implementer

from .base import IMoteurPdf, PdfError


def _fetcher():
    """Loads data: URIs only: no file, no network."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


@implementer(IMoteurPdf)
class Weasyprint:
    """Renders in this process: WeasyPrint runs no JavaScript, and its URL
    fetcher here loads data: URIs only, so it waits on nothing (no timeout
    is needed, none is applied)."""

    processus = True  # holds the GIL: processes render in parallel

    def __init__(self):
        try:
            import weasyprint  # (checked once, here)
        except (ImportError, OSError) as exc:
            # OSError: Debian's pango libraries are missing (make system).
            raise PdfError("WeasyPrint cannot be used: %s" % exc) from exc
        self.nom = "WeasyPrint %s" % weasyprint.__version__

    def rendre(self, html):
        from weasyprint import HTML

        try:
            return HTML(string=html, url_fetcher=_fetcher()).write_pdf()
        except Exception as exc:
            raise PdfError("WeasyPrint failed: %s" % exc) from exc
