"""The PDF renderer: both backends, the choice of backend, the security
of the rendering (no script, no local file, no network), the batch."""

import io
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from pypdf import PdfReader

from portail_famille import pdf
from portail_famille.pdf.weasy import Weasyprint
from portail_famille.pdf.wkhtml import Wkhtmltopdf

from ...espion import Espion, pieges

MOTEURS = ("wkhtmltopdf", "weasyprint")


def texte(data):
    """The PDF's text, its whitespace (tabs, line breaks) as single spaces."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page(corps):
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"></head><body>%s</body></html>'
        % (corps)
    )


@pytest.fixture
def espion():
    server = Espion()
    yield server
    server.arreter()


@pytest.mark.parametrize("moteur", MOTEURS)
def test_renders_french_text(moteur):
    data = pdf.rendre(
        page("<h1>Facture AL-36</h1><p>Reste à payer : 120,60 €</p>"), {"portail.pdf": moteur}
    )
    assert "Facture AL-36 Reste à payer : 120,60 €" in texte(data)


@pytest.mark.parametrize("moteur", MOTEURS)
def test_loads_nothing_runs_nothing(moteur, espion):
    html = page("<p>Début</p>%s<p>Fin</p>" % "".join(pieges(espion)))
    # pdfkit would read wkhtmltopdf options from such tags: we never let it
    html = html.replace(
        "<head>",
        '<head><meta name="pdfkit-enable-local-file-access" content="">'
        '<meta name="pdfkit-allow" content="/etc">',
    )
    text = texte(pdf.rendre(html, {"portail.pdf": moteur}))
    assert "Début" in text and "Fin" in text
    assert espion.hits == []
    assert "root:" not in text and "CONTENU DISTANT" not in text
    assert "SCRIPT EXECUTE" not in text


def test_the_spy_would_see_a_renderer_that_loads(espion):
    """The check above is meaningful: wkhtmltopdf without our options
    fetches the image (the spy counts it) and runs the script."""
    executable = shutil.which("wkhtmltopdf")
    html = page(
        '<img src="%s"><script>document.write("SCRIPT EXECUTE")</script>' % espion.url("/img")
    )
    done = subprocess.run(  # noqa: S603
        [executable, "--quiet", "-", "-"], input=html.encode(), capture_output=True, timeout=60
    )
    assert espion.hits == ["/img"]
    assert "SCRIPT EXECUTE" in texte(done.stdout)


def test_backends_provide_the_interface():
    for settings in ({"portail.pdf": "wkhtmltopdf"}, {"portail.pdf": "weasyprint"}):
        assert pdf.IMoteurPdf.providedBy(pdf.moteur(settings))


def test_auto_takes_wkhtmltopdf_when_on_the_path():
    assert isinstance(pdf.moteur({"portail.pdf": "auto"}), Wkhtmltopdf)
    assert isinstance(pdf.moteur({}), Wkhtmltopdf)
    assert isinstance(pdf.moteur({"portail.pdf": "weasyprint"}), Weasyprint)


def test_auto_falls_back_to_weasyprint_without_wkhtmltopdf():
    settings = {"portail.pdf": "auto", "portail.pdf.wkhtmltopdf": "/nonexistent/wkhtmltopdf"}
    assert isinstance(pdf.moteur(settings), Weasyprint)
    assert "120,60" in texte(pdf.rendre(page("<p>120,60 €</p>"), settings))


def test_wkhtmltopdf_asked_but_absent_or_unknown_backend_is_a_clear_error():
    settings = {"portail.pdf": "wkhtmltopdf", "portail.pdf.wkhtmltopdf": "/nonexistent/wkhtmltopdf"}
    with pytest.raises(pdf.PdfError, match="wkhtmltopdf is not installed"):
        pdf.rendre(page("x"), settings)
    with pytest.raises(pdf.PdfError, match="not one of"):
        pdf.moteur({"portail.pdf": "prince"})


def test_timeout():
    with pytest.raises(pdf.PdfError, match="took more than"):
        pdf.rendre(
            page("<p>lent</p>"), {"portail.pdf": "wkhtmltopdf", "portail.pdf.timeout": "0.001"}
        )


def test_a_page_that_makes_wkhtmltopdf_wait_forever_is_ended():
    settings = {"portail.pdf": "wkhtmltopdf", "portail.pdf.timeout": "3"}
    with pytest.raises(pdf.PdfError, match="took more than 3.0 s"):
        pdf.rendre(page('<img src="qrc://127.0.0.1/x">'), settings)


def test_a_failing_command_is_an_error_not_a_broken_pdf():
    with pytest.raises(pdf.PdfError, match="failed"):
        pdf.rendre(page("x"), {"portail.pdf": "wkhtmltopdf", "portail.pdf.wkhtmltopdf": "false"})


@pytest.mark.parametrize("moteur", MOTEURS)
def test_batch_keeps_the_order(moteur):
    htmls = [page("<p>Document numéro %d</p>" % n) for n in range(5)]
    pdfs = pdf.rendre_plusieurs(htmls, {"portail.pdf": moteur}, workers=2)
    assert ["Document numéro %d" % n in texte(data) for n, data in enumerate(pdfs)] == [True] * 5
    assert pdf.rendre_plusieurs([], {"portail.pdf": moteur}) == []


_LANCEUR = """
import sys, threading, time
from portail_famille import pdf
pages = ["<html><body>%s</body></html>" % ("<p>Facture %d</p>" % n * 400) for n in range(200)]
threading.Thread(
    target=pdf.rendre_plusieurs, args=(pages, {"portail.pdf": "weasyprint"}, 2), daemon=True
).start()
print("pret", flush=True)
time.sleep(600)
"""


def _enfants(pid):
    """The pids of the processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entree in os.listdir("/proc"):
        if not entree.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entree) as f:
                champs = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(champs[1]) == pid:
            found.append(int(entree))
    return found


def _vivant(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_weasyprints_processes_end_when_the_process_that_started_them_is_killed():
    """A long jobs' worker rendering receipts with WeasyPrint (a pool of
    processes) is killed with SIGKILL: its rendering processes end too,
    instead of waiting forever for their next page (seen once after the
    kill test of the direct-debit payments)."""
    lanceur = subprocess.Popen(  # noqa: S603 (our interpreter, our script)
        [sys.executable, "-c", _LANCEUR], stdout=subprocess.PIPE, text=True
    )
    enfants = []
    try:
        assert lanceur.stdout.readline().strip() == "pret"
        fin = time.monotonic() + 60
        while len(enfants) < 2 and time.monotonic() < fin:
            time.sleep(0.1)
            enfants = _enfants(lanceur.pid)
        assert len(enfants) >= 2, enfants  # the pool's two processes
        lanceur.send_signal(signal.SIGKILL)
        lanceur.wait(10)
        fin = time.monotonic() + 10
        while any(_vivant(pid) for pid in enfants) and time.monotonic() < fin:
            time.sleep(0.1)
        assert [pid for pid in enfants if _vivant(pid)] == []
    finally:
        if lanceur.poll() is None:
            lanceur.kill()
            lanceur.wait()
        for pid in enfants:  # left running by a failure: not past the test
            if _vivant(pid):
                os.kill(pid, signal.SIGKILL)
