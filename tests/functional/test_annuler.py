"""The SDI's Undo (sdi/annuler.py): accounting transactions are never
undone, whatever the way (the Undo tab, its button, a flash message's
"Undo" link); other transactions still are; and the tab still lists the
transactions with their size on a FileStorage (RelStorage's records lack
it: tests/grappe/test_relstorage.py)."""

import re

import transaction
from pyramid.scripting import prepare
from substanced.sdi import sdiapi
from substanced.sdi.views.undo import encode64

from portail_famille import dates, irreversible
from portail_famille.demo import DUPONT
from portail_famille.facturation import service

from ..conftest import csrf, with_root
from .test_compte_sdi import COMPTE, REGIE_NOM, etat, reglement, staff, suivant

FAMILLE = "/manage/familles/%s/" % DUPONT["numero"]


def base(app):
    return app.app.registry._zodb_databases[""]


def journal_undo(app, n=10):
    """The latest undo records (dicts, extension merged), newest first."""
    return base(app).undoLog(0, -n)


def valeur(record):
    """A checkbox's value of the Undo tab for ``record`` (SubstanceD's)."""
    description = record["description"]
    if not isinstance(description, bytes):
        description = description.encode("ascii", "surrogateescape")
    return (encode64(record["id"]) + b" " + description[:76]).decode("ascii", "surrogateescape")


def jeton(browser):
    """The session's CSRF token (a page of ours that prints it plainly)."""
    return csrf(browser.get(COMPTE))


def defaire(browser, records, status=302):
    """Post the Undo tab's button for ``records``."""
    fields = [("csrf_token", jeton(browser)), ("form.submitted", "1")]
    fields += [("transaction", valeur(r)) for r in records]
    return browser.post("/manage/@@undo_multiple", fields, status=status)


def test_the_undo_tab_lists_transactions_with_their_size(admin):
    page = admin.get("/manage/@@undo", status=200)
    assert page.text.count('name="transaction"') >= 1
    # FileStorage's sizes are printed as they were
    assert re.search(r"<td>\d+</td>", page.text)
    assert "Transactions qui peuvent être défaites" in page.text


def test_undo_refuses_the_transactions_that_recorded_a_payment(app):
    admin = staff(app, "admin")
    numero = suivant(app)
    reglement(admin, montant="420,00", mode="especes")
    # the payment's transaction, then its receipt's (frozen after the commit)
    paiement, recu = journal_undo(app, 2)[::-1]
    for record in (paiement, recu):
        assert irreversible.est_marquee(record)
    avant = etat(app)
    # the real undo view, with both (the receipt's first, as ZODB wants)
    response = defaire(admin, [recu, paiement])
    assert etat(app) == avant and numero in avant["reglements"]
    assert avant["sequence"] == 229 and avant["credit"] > 0
    assert "elle ne peut être défaite" in response.follow().text
    # not even the receipt's freezing alone
    defaire(admin, [recu])
    assert etat(app) == avant
    # the tab shows them without a checkbox
    onglet = admin.get("/manage/@@undo")
    assert valeur(paiement) not in onglet.text and valeur(recu) not in onglet.text
    assert onglet.text.count("Opération comptable : ne peut être défaite") >= 2


def test_undo_refuses_an_accounting_transaction_committed_before_the_mark(app):
    """A payment recorded before transactions were marked: recognised by
    the objects it wrote."""

    def payer(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        service.enregistrer_reglement(
            famille, root["regies"][REGIE_NOM], dates.today(), 10, "cheque", registry=registry
        )
        transaction.get().extension.pop(irreversible.MARQUE)

    with_root(app.app, payer)
    (record,) = journal_undo(app, 1)
    assert not irreversible.est_marquee(record)
    admin = staff(app, "admin")
    avant = etat(app)
    defaire(admin, [record]).follow()
    assert etat(app) == avant and "AL-229" in avant["reglements"]
    assert valeur(record) not in admin.get("/manage/@@undo").text


def test_other_transactions_are_still_undone(app):
    def renommer(root, registry):
        root["documents"].title = "Formulaires 2027"

    with_root(app.app, renommer)
    (record,) = journal_undo(app, 1)
    admin = staff(app, "admin")
    assert valeur(record) in admin.get("/manage/@@undo").text
    defaire(admin, [record])
    assert with_root(app.app, lambda root, registry: root["documents"].title) != "Formulaires 2027"


def test_a_forged_transaction_id_is_refused_in_french(app):
    admin = staff(app, "admin")
    for forged in ("@@@ x", "QUFBQUFBQUE= x", "é x"):  # no base64, no transaction, no ASCII
        fields = {"csrf_token": jeton(admin), "form.submitted": "1", "transaction": forged}
        response = admin.post("/manage/@@undo_multiple", fields, status=302).follow()
        assert "Transaction introuvable : rien n'a été défait." in response.text


def test_the_undo_link_of_a_payment_transaction_is_refused(app):
    """SubstanceD's flash "Undo" link (``@@undo_recent``) finds the
    transaction by the hash it noted: one that recorded a payment is not
    undone."""

    def payer(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        service.enregistrer_reglement(
            famille, root["regies"][REGIE_NOM], dates.today(), 10, "especes", registry=registry
        )
        transaction.get().setExtendedInfo("undohash", "paiement-AL-229")

    with_root(app.app, payer)
    admin = staff(app, "admin")
    avant = etat(app)
    url = "/manage/@@undo_recent?csrf_token=%s&undohash=paiement-AL-229" % jeton(admin)
    page = admin.get(url, status=302).maybe_follow()
    assert "elle ne peut être défaite" in page.text
    assert etat(app) == avant and "AL-229" in avant["reglements"]


def test_no_undo_link_is_offered_in_an_accounting_transaction(app):
    env = prepare(registry=app.app.registry)
    try:
        transaction.begin()
        irreversible.marquer()
        snippet = sdiapi(env["request"]).get_flash_with_undo_snippet("Règlement AL-229 enregistré")
        assert snippet == "Règlement AL-229 enregistré"
    finally:
        transaction.abort()
        env["closer"]()
