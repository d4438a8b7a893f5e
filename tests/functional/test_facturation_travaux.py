"""The invoicing run out of the request (issue 22, item 6;
``facturation.travail``): the régisseur's confirmation queues it and
returns at once; a worker's pass issues exactly the invoices the former
inline run issued, each with its frozen PDF, chunk by chunk; a chunk
whose PDFs the renderer could not make keeps its invoices, and the next
chunk freezes them; the batch of PDFs queued from the Régies' tab
"Documents figés"."""

import datetime
import re
import time

import transaction
from pyramid.scripting import prepare

from portail_famille.facturation import campagne, figer_tout
from portail_famille.facturation import travail as facturation_travail
from portail_famille.travaux import resources
from portail_famille.travaux.service import file_de

from ..conftest import with_root
from ..travaux import travailleur, une_passe
from .test_documents_figes import staff
from .test_facturation_campagne import (
    MAI,
    REGIE_URL,
    RUN,
    _confirmer,
    _mai,
    _regie,
    _ville,
    texte_pdf,
)

VILLE = 10  # families added to the demo's, one invoice each
LOT = 3  # families per chunk: several chunks
FIGES = "/manage/regies/@@documents-figes"
JUILLET = {"date_facture": "2015-07-01", "echeance": "2015-07-20"}


def _ville_en_mai(root, registry):
    _mai(root, registry)
    _ville(root, registry, VILLE)


def _factures_de_mai(root):
    """{number: (family, amount, lines, cells, date, due date, by)} of the
    invoices of May 2015 of the régie."""
    found = {}
    for famille in root["familles"].values():
        for numero, document in famille["factures"].items():
            if getattr(document, "debut", None) == MAI[0] and numero.startswith("AL-"):
                found[numero] = (
                    famille.__name__,
                    document.montant,
                    [
                        (ligne["prestation"], ligne["quantite"], ligne["prix"])
                        for ligne in document.lignes
                    ],
                    sorted(document.cellules),
                    document.date,
                    document.echeance,
                    document.emise_par,
                )
    return found


def _inline(app):
    """What the former inline run issues (``campagne.valider``, as the SDI
    called it), read then rolled back."""
    env = prepare(registry=app.app.registry)
    try:
        root = env["root"]
        run = campagne.valider(
            root, _regie(root), *MAI, RUN, par="regisseur", registry=env["registry"]
        )
        return _factures_de_mai(root), (run.factures, run.premier, run.dernier, run.total)
    finally:
        transaction.abort()
        env["closer"]()


def _job(app, ident):
    def read(root, registry):
        t = file_de(root).get(ident)
        return t.etat, t.curseur, t.total, [texte for _q, texte in t.erreurs]

    return with_root(app.app, read)


def _ident(response):
    return re.search(r"@@travail\?id=([\w-]+)$", response.location).group(1)


def test_the_worker_issues_what_the_inline_run_did_with_frozen_pdfs(app):
    app.app.registry.settings["portail.facturation_lot"] = str(LOT)
    with_root(app.app, _ville_en_mai)
    attendu, (nombre, premier, dernier, total) = _inline(app)
    assert (nombre, premier, dernier) == (VILLE + 1, "AL-229", "AL-%d" % (229 + VILLE))
    regisseur = staff(app, "regisseur")
    page = regisseur.get(REGIE_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    debut = time.perf_counter()
    queued = _confirmer(regisseur, page)
    duree = time.perf_counter() - debut
    assert queued.status_int == 302
    ident = _ident(queued)
    # returned at once: nothing issued, the job waits for a worker
    assert with_root(app.app, lambda root, r: _factures_de_mai(root)) == {}
    assert with_root(app.app, lambda root, r: _regie(root).sequence.dernier) == 228
    etat, curseur, familles, _erreurs = _job(app, ident)
    assert (etat, curseur, familles) == (resources.EN_ATTENTE, 0, VILLE + 1)
    print("confirmation (queued) in %.3f s" % duree)

    chunks = une_passe(app.app)
    assert chunks == -(-familles // LOT)
    assert _job(app, ident) == (resources.TERMINE, familles, familles, [])

    def issued(root, registry):
        found = _factures_de_mai(root)
        pdfs = {}
        for famille in root["familles"].values():
            for numero in found:
                if numero in famille["factures"]:
                    original = famille["factures"][numero].original
                    pdfs[numero] = texte_pdf(original.contenu()) if original else None
        (run,) = campagne.campagnes(_regie(root))
        return found, pdfs, (run.factures, run.premier, run.dernier, run.total, run.terminee)

    found, pdfs, run = with_root(app.app, issued)
    assert found == attendu  # the same invoices, numbers, lines, cells, dates
    assert run == (nombre, premier, dernier, total, True)
    for numero, texte in pdfs.items():
        assert texte is not None, numero
        assert "N° Facture %s" % numero in texte
        assert "Période 01/05/2015 - 31/05/2015" in texte
    done = queued.follow()
    assert (
        done.html.select_one("#bilan-travail")
        .get_text()
        .startswith(
            "Facturation validée : %d facture(s), du n° %s au n° %s, total "
            % (nombre, premier, dernier)
        )
    )
    # a pass more does nothing: the run is over
    assert une_passe(app.app) == 0
    assert with_root(app.app, lambda root, r: _regie(root).sequence.dernier) == 229 + VILLE


def sans_pdf(root, registry):
    """The invoices of May 2015 without original."""
    found = _factures_de_mai(root)
    return sorted(
        numero
        for famille in root["familles"].values()
        for numero, document in famille["factures"].items()
        if numero in found and document.original is None
    )


def test_a_chunk_issued_without_its_pdfs_is_frozen_by_the_next(app):
    """The renderer missing during the first chunk: its invoices are
    issued and committed with their HTML, listed on the run; the next
    chunk (the renderer back) freezes them with its own."""
    settings = app.app.registry.settings
    settings["portail.facturation_lot"] = str(LOT)
    with_root(app.app, _ville_en_mai)
    regisseur = staff(app, "regisseur")
    page = regisseur.get(REGIE_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    ident = _ident(_confirmer(regisseur, page))
    worker, closer = travailleur(app.app)
    try:
        assert worker.reclamer() == ident
        settings["portail.pdf"] = "wkhtmltopdf"
        settings["portail.pdf.wkhtmltopdf"] = "/nulle/part/wkhtmltopdf"
        assert worker.lot(ident)  # some left
        del settings["portail.pdf"], settings["portail.pdf.wkhtmltopdf"]

        def first(root, registry):
            (run,) = campagne.campagnes(_regie(root))
            found = _factures_de_mai(root)
            sans = sorted(
                numero
                for famille in root["familles"].values()
                for numero, document in famille["factures"].items()
                if numero in found and document.original is None and document.html_emis
            )
            return sorted(found), sans, [n for _f, n in run.a_figer], run.terminee

        found, sans, a_figer, terminee = with_root(app.app, first)
        assert found == sans == a_figer == ["AL-229", "AL-230", "AL-231"]
        assert not terminee
        assert worker.lot(ident)  # the next chunk: its own, and the first one's
        assert with_root(app.app, sans_pdf) == []
        assert with_root(app.app, lambda root, r: len(_factures_de_mai(root))) == 2 * LOT
        while worker.lot(ident):
            pass
    finally:
        transaction.abort()
        closer()

    def check(root, registry):
        (run,) = campagne.campagnes(_regie(root))
        return run.terminee, run.a_figer, run.factures, sans_pdf(root, registry)

    assert with_root(app.app, check) == (True, (), VILLE + 1, [])
    assert _job(app, ident)[0] == resources.TERMINE


def test_a_second_run_may_be_confirmed_once_the_first_is_over(app):
    """One run at a time per régie: refused while the first waits, it is
    accepted once the worker ended it (and bills what is left)."""
    with_root(app.app, _mai)
    regisseur = staff(app, "regisseur")
    page = regisseur.get(REGIE_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    assert _confirmer(regisseur, page).status_int == 302
    juin = regisseur.get(REGIE_URL, {"debut": "2015-06-01", "fin": "2015-06-30", "apercu": "1"})
    refused = _confirmer(regisseur, juin, **JUILLET)
    assert refused.status_int == 200
    assert "Une facturation de cette régie est déjà en cours" in refused.text
    assert une_passe(app.app) == 1
    juin = regisseur.get(REGIE_URL, {"debut": "2015-06-01", "fin": "2015-06-30", "apercu": "1"})
    accepted = _confirmer(regisseur, juin, **JUILLET)
    assert accepted.status_int == 302
    assert une_passe(app.app) == 1
    runs = with_root(
        app.app,
        lambda root, r: [
            (c.debut.month, c.factures, c.terminee) for c in campagne.campagnes(_regie(root))
        ],
    )
    assert runs == [(6, 1, True), (5, 1, True)]


def test_the_batch_of_pdfs_queued_from_the_regies(app, agent):
    """ "Documents figés" on the Régies: "Créer les PDF manquants" queues
    the batch (every family), a worker freezes the demo's documents issued
    by a script; agents see no such tab."""
    avant = with_root(app.app, lambda root, r: [d.numero for d in figer_tout.sans_original(root)])
    assert "AL-36" in avant
    regisseur = staff(app, "regisseur")
    page = regisseur.get(FIGES)
    assert "Créer les PDF manquants" in page.text and "Aucune pour l'instant." in page.text
    queued = page.forms["form-figer"].submit("figer", status=302)
    assert "@@travail?id=" in queued.location
    suivi = queued.follow()
    assert "Création des PDF manquants mise en file" in suivi.text
    # asked again while it waits: the same job, nothing queued twice
    page = regisseur.get(FIGES)
    assert "Une création des PDF manquants est en cours." in page.text
    again = regisseur.post(
        FIGES,
        {"figer": "1", "csrf_token": page.forms["form-figer"]["csrf_token"].value},
        status=302,
    )
    assert again.location == queued.location
    assert une_passe(app.app) >= 1
    assert with_root(app.app, lambda root, r: figer_tout.sans_original(root)) == []
    fini = queued.follow()
    assert "%d document(s) figé(s) sur %d sans PDF." % (len(avant), len(avant)) in fini.text
    assert "%d document(s) figé(s)" % len(avant) in regisseur.get(FIGES).text
    assert agent.get(FIGES, expect_errors=True).status_int in (403, 404)
    assert with_root(app.app, lambda root, r: file_de(root).get(_ident(queued)).genre) == (
        facturation_travail.GENRE_FIGER
    )


def test_the_run_is_the_same_after_a_day_that_changed_in_between(app):
    """The job bills the database as it is when its chunk runs: a day
    booked after the confirmation is billed by it (what the inline run's
    batches did too), and never twice."""
    with_root(app.app, _mai)
    regisseur = staff(app, "regisseur")
    page = regisseur.get(REGIE_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    assert _confirmer(regisseur, page).status_int == 302

    from .test_facturation_campagne import CANTINE, _mettre

    with_root(app.app, lambda root, r: _mettre(root, CANTINE, [26]))
    assert une_passe(app.app) == 1
    found = with_root(app.app, lambda root, r: _factures_de_mai(root))
    ((famille, montant, _lignes, cellules, *_rest),) = found.values()
    assert str(montant) == "38.40"
    assert len(cellules) == len(set(cellules)) == 8
    assert datetime.date(2015, 5, 26) in {d for _n, _o, d in cellules}
