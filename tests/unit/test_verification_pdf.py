"""The PDF check is bounded in pages and time: the security review's
52,000-page file, pages hidden in compressed object streams, a lying
/Count and a loop in the page tree are refused; real PDFs pass.  (How fast:
bench/fichiers.py prints it; nothing here asserts on time.)"""

import io
import os
import signal

import pytest
from pypdf import PdfReader
from pyramid import testing

from portail_famille import fichiers, verification_pdf
from portail_famille.verification_pdf import ILLISIBLE, LISIBLE, TROP_DE_PAGES, TROP_LONG

from .. import pdf_hostiles
from .test_fichiers import Upload

# The review's file, built once (0.2 s).
CINQUANTE_DEUX_MILLE = pdf_hostiles.pages_vides(52_000)


def _message(refus):
    return refus.value.args[0].interpolate()


def test_the_hand_written_pdfs_are_valid_pdfs():
    for data, pages in (
        (pdf_hostiles.pages_vides(3), 3),
        (pdf_hostiles.pages_vides(3, compresse=True), 3),
        (pdf_hostiles.pages_vides(60, compresse=True), 60),
        (pdf_hostiles.count_menteur(4), 4),
    ):
        assert len(PdfReader(io.BytesIO(data), strict=True).pages) == pages


def test_the_52000_page_pdf_is_refused_without_parsing_it():
    assert 4 * fichiers.MO < len(CINQUANTE_DEUX_MILLE) < fichiers.TAILLE_MAX
    assert verification_pdf.verifier(CINQUANTE_DEUX_MILLE) == TROP_DE_PAGES
    with pytest.raises(fichiers.FichierRefuse) as refus:
        fichiers.lire(Upload(CINQUANTE_DEUX_MILLE, "attestation.pdf"))
    assert _message(refus) == (
        "Ce fichier PDF a plus de 50 pages : envoyez seulement les pages utiles."
    )


def test_up_to_the_maximum_of_pages():
    for n, attendu in ((1, LISIBLE), (50, LISIBLE), (51, TROP_DE_PAGES)):
        assert verification_pdf.verifier(pdf_hostiles.pages_vides(n)) == attendu, n
        compresse = pdf_hostiles.pages_vides(n, compresse=True)
        assert verification_pdf.verifier(compresse) == attendu, n
    assert verification_pdf.verifier(pdf_hostiles.pages_vides(6), pages_max=5) == TROP_DE_PAGES


def test_a_lying_count_does_not_let_the_pages_through():
    assert verification_pdf.verifier(pdf_hostiles.count_menteur(3)) == LISIBLE
    # the raw look sees 60 pages, fewer than 4 x 50: the walk stops at 51
    assert verification_pdf.verifier(pdf_hostiles.count_menteur(60)) == TROP_DE_PAGES


def test_a_loop_or_no_page_is_not_a_pdf():
    assert verification_pdf.verifier(pdf_hostiles.boucle()) == ILLISIBLE
    assert verification_pdf.verifier(pdf_hostiles.pages_vides(0)) == ILLISIBLE
    assert verification_pdf.verifier(b"%PDF-1.4\n<html>") == ILLISIBLE


def test_a_check_past_its_time_is_stopped_and_refused():
    # 52,000 pages in a compressed object stream: nothing to see in the raw
    # bytes, and pypdf needs seconds to read them
    cache = pdf_hostiles.pages_vides(52_000, compresse=True)
    assert verification_pdf.verifier(cache, secondes=0.05) == TROP_LONG
    testing.setUp(settings={"portail.fichiers.pdf_secondes": "0.05"})
    try:
        with pytest.raises(fichiers.FichierRefuse) as refus:
            fichiers.lire(Upload(cache, "attestation.pdf"))
    finally:
        testing.tearDown()
    assert _message(refus).startswith("Ce fichier PDF est trop complexe pour être vérifié")


def test_the_maximum_of_pages_is_a_setting():
    testing.setUp(settings={"portail.fichiers.pdf_pages_max": "2"})
    try:
        data = pdf_hostiles.pages_vides(2)
        assert fichiers.lire(Upload(data)) == (data, fichiers.PDF)
        with pytest.raises(fichiers.FichierRefuse) as refus:
            fichiers.lire(Upload(pdf_hostiles.pages_vides(3)))
    finally:
        testing.tearDown()
    assert "plus de 2 pages" in _message(refus)


def test_too_many_objects_is_refused_before_pypdf():
    objets = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 0 /Kids [] >>"]
    data = pdf_hostiles._objets_en_clair(objets + [b"null"] * verification_pdf.OBJETS_MAX)
    assert verification_pdf.verifier(data, secondes=60) == TROP_LONG


def test_the_budget_is_the_child_s_cpu_not_the_wall_clock(monkeypatch):
    """On a loaded server the child may wait for a core: a real file that
    waited its turn (here: a child that sleeps, spending no CPU, three
    times its budget) is read, not refused; one that spends its budget
    of CPU is stopped."""
    import time

    def endormi(data, pages_max):
        time.sleep(0.3)
        return b"L"

    def affaire(data, pages_max):
        while True:
            pass

    monkeypatch.setattr(verification_pdf, "_compter", endormi)
    assert verification_pdf._dans_un_processus(b"%PDF-", 50, 0.1) == LISIBLE
    monkeypatch.setattr(verification_pdf, "_compter", affaire)
    assert verification_pdf._dans_un_processus(b"%PDF-", 50, 0.1) == TROP_LONG


def test_the_child_keeps_none_of_the_parent_s_files(tmp_path, monkeypatch):
    """The database's lock file (an flock) held by the process is not held
    by the check's child: killed, the process leaves no lock behind."""
    import fcntl

    with open(tmp_path / "Data.fs.lock", "w") as verrou:
        fcntl.flock(verrou.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

        def ouverts(data, pages_max):
            try:
                os.fstat(verrou.fileno())
            except OSError:
                return b"L"  # closed in the child
            return b"T"

        monkeypatch.setattr(verification_pdf, "_compter", ouverts)
        assert verification_pdf._dans_un_processus(b"%PDF-", 50, 5) == LISIBLE


def test_the_cpu_time_of_a_process_is_read():
    import time

    pid = os.fork()
    if pid == 0:  # a child that spends CPU until it is killed
        while True:
            pass
    try:
        while verification_pdf._temps_cpu(pid) < 0.05:
            time.sleep(0.01)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert verification_pdf._temps_cpu(pid) == 0.0  # gone: nothing to read
