"""The audit of staff reads (RGPD): reading a child's health data or a
family's bank details on a staff screen writes an entry (who, when, which
family and child, what); the family reading its own record writes none;
administrators only read the log (newest first, paged, by family); entries
never hold the data read; concurrent reads do not conflict; evolve step10.
The entries are the site's journal's of kind LECTURE."""

import threading

import pytest
import transaction
from substanced.util import get_oid

from portail_famille import journal
from portail_famille.demandes import service
from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.evolve import step10
from portail_famille.journal import audit
from portail_famille.security import P

from ..conftest import ADMIN, login, with_root
from .conftest import client
from .test_effectifs import EFFECTIFS, POINTAGE, lucas

NUMERO = DUPONT["numero"]
IBAN = "FR7630001007941234567890185"
ALLERGIE = "arachide-audit"


def staff(app, role):
    browser = client(app)
    login(browser, role, ADMIN[1] if role == "admin" else COMPTES[role][0])
    return browser


def entrees(app):
    """The audit's entries, oldest first."""

    def read(root, registry):
        found, _suite = journal.lire(root, genre=journal.LECTURE, limite=100_000)
        return list(reversed(found))

    return with_root(app.app, read)


def oids(app):
    def read(root, registry):
        famille = root["familles"][NUMERO]
        enfant = next(iter(famille["enfants"].values()))
        return get_oid(famille), get_oid(enfant), enfant.__name__

    return with_root(app.app, read)


def sante_et_banque(app):
    def change(root, registry):
        famille = root["familles"][NUMERO]
        famille.bancaires.update({"iban": IBAN, "bic": "BDFEFRPPCCT"})
        enfant = next(iter(famille["enfants"].values()))
        enfant.section_modifiable("sanitaires").update({"allergies": ALLERGIE, "pai": "Oui"})

    with_root(app.app, change)


def deposer(app, type_demande, valeurs, enfant=None):
    def make(root, registry):
        famille = root["familles"][NUMERO]
        demande, _old = service.deposer(
            famille, type_demande, valeurs, "jean.dupont", registry, enfant=enfant
        )
        return "/manage/familles/%s/demandes/%s/@@traiter" % (NUMERO, demande.__name__)

    return with_root(app.app, make)


def resume(entries):
    return [(e["qui"], e["famille"], e["quoi"]) for e in entries]


def test_staff_screens_write_an_entry_per_read(app, monkeypatch):
    sante_et_banque(app)
    famille_oid, enfant_oid, enfant_nom = oids(app)
    agent = staff(app, "agent")
    assert entrees(app) == []

    # A health data request: the queue's row and its own page.
    url = deposer(app, "sanitaires", {"allergies": "pollen"}, enfant=enfant_nom)
    agent.get("/manage/@@demandes")
    agent.get(url)
    found = entrees(app)
    assert resume(found) == [("agent", NUMERO, "sanitaires")] * 2
    assert {(e["objet"], e["enfant"]) for e in found} == {(famille_oid, enfant_oid)}
    assert found[1]["ecran"].endswith("@@traiter")
    assert found[0]["moment"] <= found[1]["moment"]

    # A bank details request: shown masked (bank details), then the full IBAN.
    url = deposer(app, "bancaires", {"iban": "FR1420041010050500013M02606"})
    page = agent.get(url)
    page.forms["form-iban"].submit("reveler")
    assert resume(entrees(app)[-2:]) == [
        ("agent", NUMERO, "bancaires"),
        ("agent", NUMERO, "iban"),
    ]

    # The SDI's Bancaires sheet of the family.
    before = len(entrees(app))
    agent.get("/manage/familles/%s/@@properties/Bancaires" % NUMERO)
    assert resume(entrees(app)[before:]) == [("agent", NUMERO, "bancaires")]

    # The family's own pages opened by staff.
    before = len(entrees(app))
    agent.get("/familles/%s/mon-compte" % NUMERO)
    agent.get("/familles/%s/enfants/%s/donnees-sanitaires" % (NUMERO, enfant_nom))
    agent.get("/familles/%s/liste-des-demandes" % NUMERO, {"onglet": "enfants"})
    assert resume(entrees(app)[before:]) == [
        ("agent", NUMERO, "bancaires"),
        ("agent", NUMERO, "sanitaires"),
        ("agent", NUMERO, "sanitaires"),
    ]

    # The day screens show the health alerts of each child.
    from portail_famille import dates

    _oid, (day, _second) = lucas(app)
    monkeypatch.setattr(dates, "today", lambda: day)
    before = len(entrees(app))
    for screen in (EFFECTIFS, POINTAGE):
        assert ALLERGIE in agent.get(screen + "?date=" + day.isoformat()).text
    new = entrees(app)[before:]
    assert resume(new) == [("agent", NUMERO, "sanitaires")] * 2
    assert {e["enfant"] for e in new} == {enfant_oid}

    # No entry holds what was read.
    text = repr(entrees(app))
    assert IBAN not in text and ALLERGIE not in text and "pollen" not in text


def test_the_family_reading_its_own_record_is_not_audited(app):
    sante_et_banque(app)
    _f, _e, enfant_nom = oids(app)
    deposer(app, "sanitaires", {"allergies": "pollen"}, enfant=enfant_nom)
    parent = client(app)
    login(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    parent.get("/familles/%s/mon-compte" % NUMERO)
    parent.get("/familles/%s/enfants/%s/donnees-sanitaires" % (NUMERO, enfant_nom))
    page = parent.get("/familles/%s/liste-des-demandes" % NUMERO, {"onglet": "enfants"})
    assert "pollen" in page.text
    assert entrees(app) == []


def lecture(root, qui, famille, quoi, moment=None):
    """A staff read written as the screens do (``audit.noter``), by ``qui``."""
    return journal.noter(
        root, quoi, famille, par=qui, famille=famille, genre=journal.LECTURE, moment=moment
    )


def _remplir(app, n):
    """``n`` entries: one a second, alternately DUPONT's and MARTIN's."""

    def fill(root, registry):
        familles = root["familles"]
        for i in range(n):
            numero = NUMERO if i % 2 == 0 else MARTIN["numero"]
            lecture(root, "agent-%d" % i, familles[numero], audit.SANITAIRES, 1_700_000_000 + i)

    with_root(app.app, fill)


def test_administrators_read_the_log_newest_first_paged_and_by_family(app):
    _remplir(app, 120)
    admin = staff(app, "admin")
    page = admin.get("/manage/@@audit")
    lignes = page.html.select("table tbody tr")
    assert len(lignes) == 50
    qui = [tr.find_all("td")[1].get_text() for tr in lignes]
    assert qui == ["agent-%d" % i for i in range(119, 69, -1)]
    assert "Données sanitaires" in lignes[0].get_text()
    # The next pages, from the cursor.
    page2 = admin.get(page.html.find("a", string="Plus anciennes")["href"])
    qui2 = [tr.find_all("td")[1].get_text() for tr in page2.html.select("table tbody tr")]
    assert qui2 == ["agent-%d" % i for i in range(69, 19, -1)]
    page3 = admin.get(page2.html.find("a", string="Plus anciennes")["href"])
    qui3 = [tr.find_all("td")[1].get_text() for tr in page3.html.select("table tbody tr")]
    assert qui3 == ["agent-%d" % i for i in range(19, -1, -1)]
    assert page3.html.find("a", string="Plus anciennes") is None
    # One family's entries only.
    martin = admin.get("/manage/@@audit", {"famille": MARTIN["numero"]})
    rows = martin.html.select("table tbody tr")
    assert len(rows) == 50
    assert {tr.find_all("td")[2].get_text() for tr in rows} == {MARTIN["numero"]}
    assert rows[0].find_all("td")[1].get_text() == "agent-119"
    suite = admin.get(martin.html.find("a", string="Plus anciennes")["href"])
    rows = suite.html.select("table tbody tr")
    assert [tr.find_all("td")[1].get_text() for tr in rows] == [
        "agent-%d" % i for i in range(19, 0, -2)
    ]
    # A bad N° famille: a French message, no list; a forged cursor is ignored.
    bad = admin.get("/manage/@@audit", {"famille": "<b>12"})
    assert "Le n° famille ne comporte que des chiffres." in bad.text
    assert not bad.html.select("table tbody tr")
    assert admin.get("/manage/@@audit", {"apres": "x' OR 1"}).status_int == 200


@pytest.mark.parametrize("role", ["agent", "regisseur", "editeur", "dupont", "anonymous"])
def test_only_administrators_read_the_log(request, shared, admin, role):
    _remplir(shared, 2)
    assert "agent-1" in admin.get("/manage/@@audit").text
    browser = request.getfixturevalue(role)
    response = browser.get("/manage/@@audit", expect_errors=True)
    assert response.status_int in (302, 403, 404), (role, response.status)
    assert "agent-1" not in response.text


def test_concurrent_reads_do_not_conflict(app):
    """Two staff reads committed at once: both entries kept, no
    ConflictError (the BTree buckets merge distinct insertions)."""
    _remplir(app, 3)
    db = app.app.registry._zodb_databases[""]
    ready = threading.Barrier(2)
    errors = []

    def read(qui):
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            root = conn.root()["app_root"]
            lecture(root, qui, root["familles"][NUMERO], audit.BANCAIRES)
            ready.wait()
            tm.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
            tm.abort()
        finally:
            conn.close()

    threads = [threading.Thread(target=read, args=(q,)) for q in ("agent", "regisseur")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [str(e) for e in errors] == []
    assert {"agent", "regisseur"} <= {e["qui"] for e in entrees(app)}
    assert len(entrees(app)) == 5


def test_evolve_step10_gives_older_databases_the_permission(app):
    # A new database has its journal (the audit's store) from the start.
    assert with_root(app.app, lambda root, r: hasattr(root, journal.ATTRIBUT)) is True

    def older(root, registry):
        famille = root["familles"][NUMERO]
        from pyramid.security import Allow
        from substanced.util import set_acl

        set_acl(
            famille,
            [
                (
                    Allow,
                    get_oid(u),
                    tuple(p for p in famille.__acl__[0][2] if p != P.FAMILLE_DONNEES_TELECHARGER),
                )
                for u in famille.parents()
            ],
        )

    with_root(app.app, older)

    def permissions(root, registry):
        return set(root["familles"][NUMERO].__acl__[0][2])

    assert P.FAMILLE_DONNEES_TELECHARGER not in with_root(app.app, permissions)
    with_root(app.app, step10.evolve)
    assert P.FAMILLE_DONNEES_TELECHARGER in with_root(app.app, permissions)
    # Run again: nothing changes.
    with_root(app.app, step10.evolve)
    assert P.FAMILLE_DONNEES_TELECHARGER in with_root(app.app, permissions)
