"""HTML to PDF: one function, ``rendre(html, settings)``, two backends.

- ``wkhtmltopdf`` (the default): the command that pdfkit builds, run as a
  subprocess (no shell) that reads the page on its standard input and writes
  the PDF on its standard output, with a timeout.
- ``weasyprint``: WeasyPrint in this process, for a machine without
  wkhtmltopdf (it is not packaged in every Debian release).

The setting ``portail.pdf`` chooses: ``wkhtmltopdf``, ``weasyprint`` or
``auto`` (the default: wkhtmltopdf when it is found on the PATH, else
WeasyPrint).  Other settings: ``portail.pdf.wkhtmltopdf`` (the command's
path), ``portail.pdf.timeout`` (seconds, 30), ``portail.pdf.proxy`` (where
wkhtmltopdf sends every network request: a closed local port).

Security: the page is rendered as if it came from a stranger.  No
JavaScript, no local file, no network: nothing outside the HTML itself is
ever loaded (our templates inline their CSS; an image would be a
``data:`` URI).  A ``<img src="http://…">`` or ``<iframe
src="file:///etc/passwd">`` that reached the HTML loads nothing with
either backend; our templates escape every value, so such a string in a
record prints as text.
"""

import concurrent.futures
import ctypes
import functools
import os
import shutil
import signal

from .base import IMoteurPdf, PdfError
from .weasy import Weasyprint
from .wkhtml import Wkhtmltopdf

__all__ = ["IMoteurPdf", "PdfError", "moteur", "rendre", "rendre_plusieurs"]

MOTEURS = ("auto", "wkhtmltopdf", "weasyprint")
TIMEOUT = 30
PROXY = "http://127.0.0.1:9"


@functools.lru_cache(maxsize=8)
def _moteur(choix, executable, timeout, proxy):
    if choix not in MOTEURS:
        raise PdfError("portail.pdf: %r is not one of %s" % (choix, ", ".join(MOTEURS)))
    if choix == "auto":
        choix = "wkhtmltopdf" if shutil.which(executable) else "weasyprint"
    if choix == "wkhtmltopdf":
        return Wkhtmltopdf(executable, timeout=timeout, proxy=proxy)
    return Weasyprint()


def moteur(settings):
    """The backend the settings choose (made once per distinct settings)."""
    settings = settings or {}
    return _moteur(
        (settings.get("portail.pdf") or "auto").strip(),
        (settings.get("portail.pdf.wkhtmltopdf") or "wkhtmltopdf").strip(),
        float(settings.get("portail.pdf.timeout") or TIMEOUT),
        (settings.get("portail.pdf.proxy") or PROXY).strip(),
    )


def rendre(html, settings=None):
    """The PDF (bytes) of ``html`` (a complete document, str)."""
    return moteur(settings).rendre(html)


def rendre_plusieurs(htmls, settings=None, workers=None):
    """The PDFs of ``htmls``, in their order, rendered ``workers`` at a time
    (default: one per core).  wkhtmltopdf runs as a subprocess, so threads
    are enough; WeasyPrint holds the GIL, so it gets processes."""
    htmls = list(htmls)
    backend = moteur(settings)
    workers = max(1, min(workers or os.cpu_count() or 1, len(htmls) or 1))
    if workers == 1:
        return [backend.rendre(html) for html in htmls]
    if backend.processus:
        pool = concurrent.futures.ProcessPoolExecutor(
            workers, initializer=mourir_avec_le_parent, initargs=(os.getpid(),)
        )
    else:
        pool = concurrent.futures.ThreadPoolExecutor(workers)
    with pool:
        return list(pool.map(backend.rendre, htmls))


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def mourir_avec_le_parent(parent):
    """The rendering processes end with the process that started them.

    A pool's process waits for its next page on a pipe it holds both ends
    of: when the long jobs' worker that started it is killed (SIGKILL: its
    lease is then taken over by another worker), it would wait forever.
    Linux sends it SIGKILL when its parent ends (``prctl``); started after
    its parent already ended, it leaves at once.  Elsewhere, nothing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)
