"""The wkhtmltopdf backend (through pdfkit's command line)."""

import logging
import os
import shutil
import subprocess
import tempfile

import pdfkit
from zope.interface import implementer

from .base import IMoteurPdf, PdfError, est_pdf

log = logging.getLogger(__name__)

# Everything wkhtmltopdf could load besides the page is refused: scripts,
# local files, and the network (every request goes to a proxy on a closed
# local port; wkhtmltopdf has no offline switch).  A refused resource is
# skipped, not fatal.
OPTIONS = {
    "encoding": "UTF-8",
    "page-size": "A4",
    "margin-top": "12mm",
    "margin-bottom": "12mm",
    "margin-left": "12mm",
    "margin-right": "12mm",
    "disable-javascript": "",
    "disable-local-file-access": "",
    "disable-plugins": "",
    "load-error-handling": "ignore",
    "load-media-error-handling": "ignore",
}


@implementer(IMoteurPdf)
class Wkhtmltopdf:
    """Runs wkhtmltopdf once per document: the HTML on its standard input,
    the PDF on its standard output, never through a shell."""

    processus = False  # a subprocess each: threads render in parallel

    def __init__(self, executable="wkhtmltopdf", timeout=30, proxy="http://127.0.0.1:9"):
        found = shutil.which(executable)
        if found is None:
            raise PdfError(
                "wkhtmltopdf is not installed (%s not found): install the Debian "
                "package wkhtmltopdf (make system) or set portail.pdf = weasyprint" % executable
            )
        self.timeout = timeout
        options = dict(OPTIONS, proxy=proxy)
        # pdfkit builds the command (with --quiet); it is given no HTML here because it
        # would read options from the page's <meta name="pdfkit-…"> tags.
        configuration = pdfkit.configuration(wkhtmltopdf=found)
        self.commande = pdfkit.PDFKit("", "string", options=options, configuration=configuration)
        self.commande = self.commande.command()
        # Qt wants a runtime directory; nothing else of our environment
        # (proxies, credentials) reaches the subprocess.
        self.runtime = tempfile.mkdtemp(prefix="portail-pdf-")
        os.chmod(self.runtime, 0o700)
        self.environ = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        self.environ["XDG_RUNTIME_DIR"] = self.runtime
        self.nom = self._version(found)

    def _version(self, executable):
        """'wkhtmltopdf 0.12.6': what renders, kept with each frozen document."""
        try:
            done = subprocess.run(  # noqa: S603 (our argument list, no shell)
                [executable, "--version"],
                capture_output=True,
                timeout=self.timeout,
                env=self.environ,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return "wkhtmltopdf"
        words = done.stdout.decode("utf-8", "replace").split()
        return " ".join(words[:2]) if words[:1] == ["wkhtmltopdf"] else "wkhtmltopdf"

    def rendre(self, html):
        try:
            done = subprocess.run(  # noqa: S603 (our argument list, no shell)
                self.commande,
                input=html.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout,
                env=self.environ,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            # (wkhtmltopdf waits forever on a page that names a Qt resource,
            # <img src="qrc://…">: our templates never do, the timeout ends it)
            raise PdfError("wkhtmltopdf took more than %s s" % self.timeout) from exc
        except OSError as exc:
            raise PdfError("wkhtmltopdf could not be run: %s" % exc) from exc
        stderr = done.stderr.decode("utf-8", "replace").strip()
        # Exit code 1 with a whole PDF: a resource was refused (on purpose),
        # the document is complete.
        if done.returncode in (0, 1) and est_pdf(done.stdout):
            if done.returncode:
                log.debug("wkhtmltopdf refused a resource: %s", stderr)
            return done.stdout
        raise PdfError("wkhtmltopdf failed (exit code %s): %s" % (done.returncode, stderr))
