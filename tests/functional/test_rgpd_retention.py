"""The retention job (RGPD): three years after a child has left (the end of
the school year of its last inscription), its health data, authorisations
(authorised persons) and planning details are erased, its requests'
values emptied; the invoices and payments stay.  A frozen clock
(``dates.today``); idempotent; the console script prints counts, no
names, and drops the old journal entries and throttle records too."""

import datetime
import time

import pytest
import transaction
import ZODB
from substanced.util import get_oid
from zodburi import resolve_uri

from portail_famille import dates, inscriptions, journal
from portail_famille.comptes import throttle
from portail_famille.demandes import service
from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.planning import cells, journees
from portail_famille.rgpd import retention

from ..conftest import login, with_root

FIN_2015 = datetime.date(2015, 7, 5)  # the end of the demo's school year 2014-2015
LIMITE = datetime.date(2018, 7, 5)  # three years later


def _lucas(root):
    return next(iter(root["familles"][DUPONT["numero"]]["enfants"].values()))


def _chloe(root):
    return next(iter(root["familles"][MARTIN["numero"]]["enfants"].values()))


def preparer(root, registry):
    """LUCAS left at the end of 2014-2015 (his current inscriptions gone),
    with health data, an authorised person and a health data request."""
    lucas = _lucas(root)
    for key, inscription in list(lucas.inscriptions.items()):
        if inscription.annee != "2014-2015":
            inscriptions.desinscrire(lucas, key)
    lucas.section_modifiable("sanitaires").update({"allergies": "arachide", "pai": "Oui"})
    lucas.section_modifiable("autorisations").update(
        {"personnes_autorisees": [{"nom": "GRANDMERE", "telephone": "0601020304"}]}
    )
    service.deposer(
        root["familles"][DUPONT["numero"]],
        "sanitaires",
        {"allergies": "arachide"},
        "jean.dupont",
        registry,
        enfant=lucas.__name__,
    )
    chloe = _chloe(root)
    chloe.section_modifiable("sanitaires").update({"allergies": "gluten"})


def argent(root):
    """Every invoice, credit note and payment of both families, as data."""
    found = {}
    for numero in (DUPONT["numero"], MARTIN["numero"]):
        famille = root["familles"][numero]
        for folder in ("factures", "reglements"):
            for name, doc in famille[folder].items():
                found[(numero, name)] = (
                    doc.numero,
                    doc.montant,
                    doc.date,
                    repr(getattr(doc, "lignes", None)),
                    tuple(getattr(doc, "cellules", ())),
                    dict(doc.affectations),
                )
    return found


def jours_gardes(root, enfant):
    """The child's days in the CAF statistics' store (planning.journees)
    that are not billed (a billed day stays, as its invoice)."""
    oid = get_oid(enfant)
    store = getattr(root["structures"], journees.JOURNEES, None) or {}
    return [j for enfants in store.values() for j in enfants.get(oid, ()) if not j[2]]


def etat_lucas(root, registry):
    lucas = _lucas(root)
    demandes = root["familles"][DUPONT["numero"]]["demandes"].values()
    return {
        "sanitaires": dict(lucas.sanitaires),
        "autorisations": dict(lucas.autorisations),
        "cellules": len(cells.cellules(lucas) or ()),
        "jours_gardes": len(jours_gardes(root, lucas)),
        "demandes": [dict(d.valeurs) for d in demandes if d.enfant == lucas.__name__],
        "identite": (lucas.prenom, lucas.nom),
        "inscriptions": sorted(lucas.inscriptions),
        "chloe": dict(_chloe(root).sanitaires),
    }


@pytest.fixture
def le(monkeypatch):
    def freeze(day):
        monkeypatch.setattr(dates, "today", lambda: day)

    return freeze


def run(app):
    return with_root(app.app, lambda root, registry: retention.appliquer(root))


def test_the_departure_is_the_end_of_the_last_school_year(app):
    with_root(app.app, preparer)
    assert with_root(app.app, lambda root, r: retention.depart(_lucas(root))) == FIN_2015
    assert retention.plus_ans(datetime.date(2016, 2, 29), 3) == datetime.date(2019, 2, 28)


def test_three_years_minus_a_day_after_leaving_nothing_is_erased(app, le):
    with_root(app.app, preparer)
    before = with_root(app.app, etat_lucas)
    money = with_root(app.app, lambda root, r: argent(root))
    le(LIMITE - datetime.timedelta(days=1))
    assert run(app)["effaces"] == 0
    le(LIMITE)  # the third anniversary itself: still kept
    assert run(app)["effaces"] == 0
    assert with_root(app.app, etat_lucas) == before
    assert before["cellules"] > 0 and before["sanitaires"] and before["autorisations"]
    assert with_root(app.app, lambda root, r: argent(root)) == money


def test_three_years_and_a_day_after_leaving_the_file_is_erased_invoices_stay(app, le):
    with_root(app.app, preparer)
    before = with_root(app.app, etat_lucas)
    money = with_root(app.app, lambda root, r: argent(root))
    assert any(key[0] == DUPONT["numero"] for key in money)
    le(LIMITE + datetime.timedelta(days=1))
    total = run(app)
    assert total["effaces"] == 1
    assert total["cellules"] == before["cellules"]
    assert total["sections"] == 2 and total["demandes"] == 1
    after = with_root(app.app, etat_lucas)
    assert after["sanitaires"] == {} and after["autorisations"] == {}
    assert after["cellules"] == 0
    assert before["jours_gardes"] > 0 and after["jours_gardes"] == 0
    assert after["demandes"] == [{}]
    # Kept: identity, inscriptions, the other family, the money.
    assert after["identite"] == before["identite"]
    assert after["inscriptions"] == before["inscriptions"]
    assert after["chloe"] == {"allergies": "gluten"}
    assert with_root(app.app, lambda root, r: argent(root)) == money
    # Idempotent: nothing more to erase, nothing written.
    storage = app.app.registry._zodb_databases[""].storage
    last = storage.lastTransaction()
    again = run(app)
    assert again["effaces"] == 0 and again["cellules"] == 0
    assert storage.lastTransaction() == last
    assert with_root(app.app, lambda root, r: _lucas(root).donnees_effacees_le) == (
        LIMITE + datetime.timedelta(days=1)
    )
    # The family's pages still work on the erased child.
    login(app, "jean.dupont", COMPTES["jean.dupont"][0])
    nom = with_root(app.app, lambda root, r: _lucas(root).__name__)
    enfant = "/familles/%s/enfants/%s/" % (DUPONT["numero"], nom)
    for page in ("", "autorisations", "donnees-sanitaires", "planning?mois=2015-04"):
        assert app.get(enfant + page).status_int == 200, page
    export = app.get("/familles/%s/mes-donnees.json" % DUPONT["numero"]).json
    assert export["enfants"][0]["sanitaires"] == {} and export["enfants"][0]["planning"] == []


def test_a_child_still_enrolled_or_never_enrolled_is_kept(app, le):
    def jamais(root, registry):
        chloe = _chloe(root)
        for key in list(chloe.inscriptions):
            inscriptions.desinscrire(chloe, key)
        chloe.section_modifiable("sanitaires").update({"allergies": "gluten"})

    with_root(app.app, jamais)
    # LUCAS is enrolled this school year: kept, however old 2014-2015 is.
    le(dates.today())
    assert run(app)["effaces"] == 0
    assert with_root(app.app, lambda root, r: cells.cellules(_lucas(root)) is not None)
    # CHLOÉ was never enrolled: no departure, kept even in 2100 (when
    # LUCAS's last school year is long over).
    assert with_root(app.app, lambda root, r: retention.depart(_chloe(root))) is None
    le(datetime.date(2100, 1, 1))
    assert run(app)["effaces"] == 1
    assert with_root(app.app, lambda root, r: dict(_chloe(root).sanitaires)) == {
        "allergies": "gluten"
    }


def vieux(root, registry):
    """A journal entry of 2016 and a failed login two days ago."""
    journal.noter(root, "DemandeAcceptee", par="agent", famille=DUPONT["numero"], moment=1.46e9)
    guard = throttle.throttle(root)
    guard.fail(
        throttle.password_checks(throttle.rules({}), "agent", "203.0.113.9"),
        time.time() - 2 * 86400,
    )


def test_the_console_script_prints_counts_and_no_names(app, le, tmp_path, capsys):
    with_root(app.app, preparer)
    with_root(app.app, vieux)
    settings = app.app.registry.settings
    uri = settings["zodbconn.uri"]
    for db in app.app.registry._zodb_databases.values():
        db.close()
    ini = tmp_path / "retention.ini"
    lines = ["[app:main]", "use = egg:portail_famille"]
    for key in (
        "zodbconn.uri",
        "substanced.secret",
        "substanced.initial_login",
        "substanced.initial_password",
        "substanced.initial_email",
        "tm.annotate_user",
        "substanced.statsd.enabled",
        "portail.url",
    ):
        lines.append("%s = %s" % (key, settings[key].replace("%", "%%")))
    ini.write_text("\n".join(lines) + "\n")
    le(LIMITE + datetime.timedelta(days=1))

    assert retention.main(["portail-famille-retention", str(ini)]) == 0
    out = capsys.readouterr().out
    assert "1 erased" in out and "children examined" in out
    assert "Journal: 1 entries older than 1 year(s) dropped" in out
    assert "login throttle: 3 records past their window dropped" in out
    for name in ("LUCAS", "DUPONT", "MARTIN", "arachide", "GRANDMERE", DUPONT["numero"]):
        assert name not in out

    factory, dbkw = resolve_uri(uri)
    db = ZODB.DB(factory(), **dbkw)
    try:
        conn = db.open()
        lucas = _lucas(conn.root()["app_root"])
        assert dict(lucas.sanitaires) == {} and cells.cellules(lucas) is None
        kept, _apres = journal.lire(conn.root()["app_root"], limite=10_000)
        assert [e for e in kept if e["moment"] < 1.5e9] == []
        transaction.abort()
        conn.close()
    finally:
        db.close()
    assert retention.main(["portail-famille-retention"]) == 2
