"""Issued PDFs are served, not rendered (issue 22): once frozen, every
download of an invoice, a credit note or a receipt (the family's, from
its statement; the staff's, from the SDI's account tab) reads the stored
blob, the renderer never called; the documents issued without original
(before frozen documents, outside a web request) are frozen by the batch
job ``portail-famille-figer``, not at a family's first download."""

import re

import transaction
from pyramid.scripting import prepare

from portail_famille.facturation import figer_tout, originaux
from portail_famille.facturation import pdf as documents_pdf
from portail_famille.pdf import weasy, wkhtml

from ..conftest import DUPONT_URL, with_root
from .test_documents_figes import (
    RUN_URL,
    SDI_FAMILLE,
    confirmer,
    parent,
    reglement,
    reserver_mai,
    staff,
    stored,
)


class Espion:
    """Counts every call of the renderers (both backends) and of the HTML
    of a numbered document (``facturation.pdf.preparer``); the real
    functions run."""

    def __init__(self, monkeypatch):
        self.appels = []
        for owner, name in (
            (wkhtml.Wkhtmltopdf, "rendre"),
            (weasy.Weasyprint, "rendre"),
            (documents_pdf, "preparer"),
        ):
            monkeypatch.setattr(owner, name, self._compter(name, getattr(owner, name)))

    def _compter(self, name, reel):
        def compte(*args, **kwargs):
            self.appels.append(name)
            return reel(*args, **kwargs)

        return compte


def _lien(page, numero):
    """The PDF link of document ``numero`` on a page."""
    found = re.search(r'href="([^"]*/%s/pdf)"' % re.escape(numero), page.text)
    assert found, numero
    return found.group(1)


def test_a_frozen_invoice_is_a_blob_read_for_the_family_and_the_staff(app, monkeypatch):
    with_root(app.app, lambda root, registry: reserver_mai(root, registry, 0))
    regisseur = staff(app, "regisseur")
    page = regisseur.get(RUN_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    done = confirmer(page).follow()
    assert "1 facture(s), du n° AL-229 au n° AL-229" in done.text
    reglement(regisseur, date="2015-06-02", reference="Chèque n° 1")  # receipt AL-230
    facture, recu = stored(app, "AL-229"), stored(app, "AL-230", "reglements")
    assert facture is not None and recu is not None  # frozen when issued

    espion = Espion(monkeypatch)
    dupont = parent(app)
    # the family: from its statement's tabs
    factures = dupont.get(DUPONT_URL + "releve-de-compte", {"onglet": "factures"})
    response = dupont.get(_lien(factures, "AL-229"))
    assert response.body == facture[0] and response.etag == facture[1]
    assert response.content_type == "application/pdf"
    reglements = dupont.get(
        DUPONT_URL + "releve-de-compte", {"annee": "2014-2015", "onglet": "reglements"}
    )
    assert dupont.get(_lien(reglements, "AL-230")).body == recu[0]
    # the staff: from the family's account tab in the SDI
    compte = regisseur.get(SDI_FAMILLE + "@@compte")
    assert regisseur.get(_lien(compte, "AL-229")).body == facture[0]
    assert regisseur.get(_lien(compte, "AL-230")).body == recu[0]
    assert espion.appels == []  # no HTML made, no renderer called
    assert stored(app, "AL-229") == facture  # nothing written


def test_an_unfrozen_document_is_rendered_once_at_most(app, monkeypatch):
    """The fallback (written down in originaux): a document issued before
    frozen documents, not yet frozen by the job, is frozen by its first
    download; later ones read the blob."""
    assert stored(app, "AL-36") is None
    espion = Espion(monkeypatch)
    dupont = parent(app)
    first = dupont.get(DUPONT_URL + "factures/AL-36/pdf").body
    assert espion.appels.count("rendre") == 1
    del espion.appels[:]
    assert dupont.get(DUPONT_URL + "factures/AL-36/pdf").body == first
    assert espion.appels == []


def _job(app, lot):
    env = prepare(registry=app.app.registry)
    try:
        return figer_tout.figer_tout(env["request"], env["root"], tm=transaction.manager, lot=lot)
    finally:
        env["request"]._process_finished_callbacks()
        env["closer"]()


def _sans_original(app):
    return with_root(
        app.app, lambda root, registry: [d.numero for d in figer_tout.sans_original(root)]
    )


def test_the_job_freezes_every_document_issued_without_original(app, monkeypatch):
    lot = 2  # the demo's three (AL-12, AL-36, AL-228): two batches
    avant = _sans_original(app)
    assert "AL-36" in avant and len(avant) > lot  # the demo's, issued by a script
    total = _job(app, lot)
    assert total == {"sans_original": len(avant), "figes": len(avant)}
    assert _sans_original(app) == []
    data, sha, _moteur, _rendu = stored(app, "AL-36")
    assert originaux.empreinte(data) == sha
    # downloads read the blob; running it again freezes nothing
    espion = Espion(monkeypatch)
    assert parent(app).get(DUPONT_URL + "factures/AL-36/pdf").body == data
    assert espion.appels == []
    assert _job(app, lot) == {"sans_original": 0, "figes": 0}


def test_the_job_keeps_an_original_frozen_meanwhile(app):
    """A download froze AL-36 between the job's listing and its batch: the
    original is the download's, never replaced."""
    first = parent(app).get(DUPONT_URL + "factures/AL-36/pdf").body
    _job(app, 50)
    assert stored(app, "AL-36")[0] == first
    assert _sans_original(app) == []


def test_the_console_script_says_how_to_call_it(capsys):
    assert figer_tout.main(["portail-famille-figer"]) == 2
    assert "usage: portail-famille-figer <config.ini>" in capsys.readouterr().err
