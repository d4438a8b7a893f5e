"""The agents' day on a Prestation (SDI tabs "Effectifs" and "Pointage"):
the expected children, the places, the waiting list, the attendance sheet,
health alerts, who may see them, the index of enrolled children and evolve
step7."""

import datetime

import pytest

from portail_famille import dates
from portail_famille.demo import DUPONT, MARTIN, annees_scolaires
from portail_famille.evolve import STEPS, step7
from portail_famille.planning import cells

from ..conftest import login, with_root

COURANTE = sorted(annees_scolaires())[-1]
NUMERO = DUPONT["numero"]
BASE = "/manage/structures/garderie-periscolaire/restauration-scolaire/"
EFFECTIFS = BASE + "@@effectifs"
POINTAGE = BASE + "@@pointage"


def _cantine(root):
    return root["structures"]["garderie-periscolaire"]["restauration-scolaire"]


def _enfant(root, numero=NUMERO):
    return next(iter(root["familles"][numero]["enfants"].values()))


def lucas(app):
    """(oid of LUCAS, the first two days his contract books this year)."""
    from substanced.util import get_oid

    def read(root, registry):
        enfant = _enfant(root)
        oid = get_oid(_cantine(root))
        debut = root["calendrier"][COURANTE].debut
        tree = cells.cellules(enfant)
        days = [
            d
            for (_o, d), etat in tree.items(
                min=(oid, debut), max=(oid, debut.replace(year=debut.year + 1))
            )
            if etat == cells.RESERVE
        ]
        return get_oid(enfant), days[:2]

    return with_root(app.app, read)


def etat(app, day, numero=NUMERO):
    from substanced.util import get_oid

    return with_root(
        app.app, lambda root, r: cells.etat(_enfant(root, numero), get_oid(_cantine(root)), day)
    )


def pris(app, day):
    from portail_famille.planning import places

    return with_root(app.app, lambda root, r: places.pris(_cantine(root), day))


def rows(page, selector):
    return [
        [c.get_text(" ", strip=True) for c in tr.find_all("td")]
        for tr in page.html.select(selector + " tbody tr")
    ]


def agent_app(app):
    login(app, "agent", "Enfance2015ej")
    return app


@pytest.fixture
def aujourdhui(monkeypatch):
    """Pretend today is the given day (the pointage refuses days to come)."""

    def set_today(day):
        monkeypatch.setattr(dates, "today", lambda: day)

    return set_today


def test_effectifs_of_a_contract_day(shared, agent):
    oid, (day, _second) = lucas(shared)
    page = agent.get(EFFECTIFS + "?date=" + day.isoformat())
    main = page.html.select_one(".effectifs")
    assert main.select_one("h4.jour").get_text(strip=True) == dates.en_toutes_lettres(day)
    assert "Ouvert" in main.select_one(".ouverture").get_text()
    assert main.select_one(".pris").get_text() == str(pris(shared, day))
    assert main.select_one(".capacite").get_text() == "120"
    assert rows(page, "table.attendus") == [[NUMERO, "DUPONT", "LUCAS", "Réservé", ""]]
    assert main.select_one(".nombre-attendus").get_text() == "1"
    assert main.select_one(".aucune-attente") is not None
    # Previous / next day.
    prev = page.html.select_one("a.precedent")["href"]
    assert prev.endswith("date=" + (day - datetime.timedelta(days=1)).isoformat())
    following = page.html.select_one("a.suivant")["href"]
    assert following.endswith("date=" + (day + datetime.timedelta(days=1)).isoformat())
    # A Wednesday: the canteen does not open, nobody expected.
    mercredi = day + datetime.timedelta(days=(2 - day.weekday()) % 7)
    page = agent.get(EFFECTIFS + "?date=" + mercredi.isoformat())
    assert "Fermé ce jour" in page.text
    assert page.html.select_one(".aucun-attendu") is not None


def test_effectifs_default_today_and_bad_dates(shared, agent):
    page = agent.get(EFFECTIFS)
    assert page.html.select_one("h4.jour").get_text(strip=True) == dates.en_toutes_lettres(
        dates.today()
    )
    for bad in ("2015-02-30", "demain", "99999-01-01", "2015-4-1"):
        page = agent.get(EFFECTIFS, {"date": bad})
        assert "Date invalide" in page.html.select_one("#date-erreur").get_text()
        page = agent.get(POINTAGE, {"date": bad})
        assert "Date invalide" in page.text


def test_effectifs_waiting_list(app):
    """A full day: the capacity of the canteen is lowered to 1, a second
    child's reservation waits."""
    from portail_famille.inscriptions import inscrire

    agent = agent_app(app)
    _oid, (day, _second) = lucas(app)

    def setup(root, registry):
        from substanced.util import get_oid

        from portail_famille.demandes.cycle import AUTOMATIQUE
        from portail_famille.demandes.resources import LISTE_ATTENTE
        from portail_famille.planning.service import _deposer

        cantine = _cantine(root)
        cantine.capacite = 1
        chloe = _enfant(root, MARTIN["numero"])
        inscrire(chloe, get_oid(cantine), COURANTE, root["calendrier"][COURANTE].debut)
        cells.set_cell(chloe, get_oid(cantine), day, cells.ATTENTE)
        _deposer(
            chloe,
            cantine,
            day,
            "reservation",
            LISTE_ATTENTE,
            "marie.martin",
            registry,
            dates.horodatage(),
            AUTOMATIQUE,
        )

    with_root(app.app, setup)
    page = agent.get(EFFECTIFS + "?date=" + day.isoformat())
    assert page.html.select_one(".pris").get_text() == "1"
    assert page.html.select_one(".capacite").get_text() == "1"
    attente = rows(page, "table.attente")
    assert [r[:4] for r in attente] == [["1", MARTIN["numero"], "MARTIN", "CHLOÉ"]]
    # CHLOÉ waits: she is not among the expected children.
    assert [r[2] for r in rows(page, "table.attendus")] == ["LUCAS"]


def test_pointage_present_and_absent(app, aujourdhui):
    agent = agent_app(app)
    oid, (day1, day2) = lucas(app)
    aujourdhui(day2)
    before = pris(app, day1), pris(app, day2)

    page = agent.get(POINTAGE + "?date=" + day1.isoformat())
    assert rows(page, "table.feuille")[0][:3] == [NUMERO, "DUPONT LUCAS", "Réservé"]
    form = page.forms["pointage"]
    form["presence-%s" % oid] = "present"
    saved = form.submit("enregistrer", status=302)
    assert saved.location.endswith("@@pointage?date=" + day1.isoformat())
    assert "Pointage enregistré" in saved.follow().text
    assert etat(app, day1) == cells.PRESENT_RESERVE

    page = agent.get(POINTAGE + "?date=" + day2.isoformat())
    form = page.forms["pointage"]
    form["presence-%s" % oid] = "absent"
    form.submit("enregistrer", status=302)
    assert etat(app, day2) == cells.ABSENT_FACTURE
    # Both still hold their place.
    assert (pris(app, day1), pris(app, day2)) == before
    # The effectifs show the new states.
    page = agent.get(EFFECTIFS + "?date=" + day2.isoformat())
    assert rows(page, "table.attendus")[0][3] == "Absent facturé"

    # An excused absence (the parent's, accepted) shows as excused and
    # stays so without a reason typed again; "absent" is an explicit
    # Absent facturé.
    def excuse(root, registry):
        from substanced.util import get_oid

        from portail_famille.planning.service import changer

        changer(_enfant(root), _cantine(root), day2, cells.ABSENT_EXCUSE)
        return get_oid(_cantine(root))

    with_root(app.app, excuse)
    page = agent.get(POINTAGE + "?date=" + day2.isoformat())
    assert page.forms["pointage"]["presence-%s" % oid].value == "excuse"
    page.forms["pointage"].submit("enregistrer", status=302)
    assert etat(app, day2) == cells.ABSENT_EXCUSE
    token = page.forms["pointage"]["csrf_token"].value
    agent.post(
        POINTAGE,
        {"csrf_token": token, "date": day2.isoformat(), "presence-%s" % oid: "absent"},
        status=302,
    )
    assert etat(app, day2) == cells.ABSENT_FACTURE


def test_pointage_walk_in(app, aujourdhui):
    """CHLOÉ (MARTIN), enrolled without a contract, comes without a
    reservation: added as present, she takes a place."""
    from substanced.util import get_oid

    from portail_famille.inscriptions import inscrire

    agent = agent_app(app)
    _oid, (day, _second) = lucas(app)
    aujourdhui(day)

    def setup(root, registry):
        chloe = _enfant(root, MARTIN["numero"])
        inscrire(chloe, get_oid(_cantine(root)), COURANTE, root["calendrier"][COURANTE].debut)
        return get_oid(chloe)

    chloe = with_root(app.app, setup)
    before = pris(app, day)
    page = agent.get(POINTAGE + "?date=" + day.isoformat())
    options = [o["value"] for o in page.html.select("select#ajout option")]
    assert options == ["", str(chloe)]
    form = page.forms["pointage"]
    form["ajout"] = str(chloe)
    form.submit("enregistrer", status=302)
    assert etat(app, day, MARTIN["numero"]) == cells.PRESENT
    assert pris(app, day) == before + 1
    page = agent.get(EFFECTIFS + "?date=" + day.isoformat())
    assert [r[2:4] for r in rows(page, "table.attendus")] == [
        ["LUCAS", "Réservé"],
        ["CHLOÉ", "Présent"],
    ]
    # Marked absent by mistake: she was not there, the place is given back.
    page = agent.get(POINTAGE + "?date=" + day.isoformat())
    form = page.forms["pointage"]
    form["presence-%s" % chloe] = "absent"
    form.submit("enregistrer", status=302)
    assert etat(app, day, MARTIN["numero"]) is None
    assert pris(app, day) == before


def test_health_alerts(app, aujourdhui):
    agent = agent_app(app)
    _oid, (day, _second) = lucas(app)
    aujourdhui(day)

    def sante(root, registry):
        sanitaires = _enfant(root).section_modifiable("sanitaires")
        sanitaires.update(
            {"allergies": "arachide", "pai": "Oui", "regime_alimentaire": "Sans porc"}
        )

    with_root(app.app, sante)
    expected = "⚠ Allergies : arachide — PAI — Régime : Sans porc"
    for url in (EFFECTIFS, POINTAGE):
        page = agent.get(url + "?date=" + day.isoformat())
        alert = page.html.select_one(".alerte-sante")
        assert alert.get_text(strip=True) == expected, url


@pytest.mark.parametrize("role", ["dupont", "regisseur", "editeur", "anonymous"])
def test_others_get_nothing(request, shared, role):
    client = request.getfixturevalue(role)
    _oid, (day, _second) = lucas(shared)
    for url in (EFFECTIFS, POINTAGE):
        response = client.get(url + "?date=" + day.isoformat(), expect_errors=True)
        assert response.status_int in (302, 403, 404), (role, url, response.status)
        assert "LUCAS" not in response.text
    before = etat(shared, day)
    response = client.post(
        POINTAGE, {"date": day.isoformat(), "presence-1": "present"}, expect_errors=True
    )
    assert response.status_int in (302, 400, 403, 404)
    assert etat(shared, day) == before


def test_agent_sees_the_tabs(shared, agent):
    page = agent.get(BASE + "@@effectifs")
    links = [a.get("href", "") for a in page.html.find_all("a")]
    assert any(h.endswith("@@effectifs") for h in links)
    assert any(h.endswith("@@pointage") for h in links)


def test_csrf_and_forged_posts_store_nothing(app, aujourdhui):
    agent = agent_app(app)
    oid, (day, second) = lucas(app)
    aujourdhui(day)
    page = agent.get(POINTAGE + "?date=" + day.isoformat())
    token = page.forms["pointage"]["csrf_token"].value
    presence = "presence-%s" % oid
    # No CSRF token: refused.
    agent.post(POINTAGE, {"date": day.isoformat(), presence: "present"}, status=400)
    assert etat(app, day) == cells.RESERVE
    forged = [
        ({"date": "2015-02-30", presence: "present"}, "Date invalide"),
        ({"date": "n'importe", presence: "present"}, "Date invalide"),
        ({presence: "present"}, "Date invalide"),
        ({"date": day.isoformat(), presence: "peut-etre"}, "Enfant ou choix inconnu"),
        ({"date": day.isoformat(), presence: "present", "presence-999999": "present"}, "inconnu"),
        ({"date": day.isoformat(), presence: "present", "presence-abc": "absent"}, "inconnu"),
        ({"date": day.isoformat(), presence: "present", "ajout": "999999"}, "ne peut pas"),
        # LUCAS already has a cell: not a walk-in.
        ({"date": day.isoformat(), "ajout": str(oid)}, "ne peut pas"),
        # A day to come.
        ({"date": second.isoformat(), "presence-%s" % oid: "present"}, "pas encore arrivé"),
    ]
    for values, message in forged:
        values["csrf_token"] = token
        response = agent.post(POINTAGE, values, status=302)
        assert message in response.follow().text, values
        assert etat(app, day) == cells.RESERVE
        assert etat(app, second) == cells.RESERVE
    # A closed day (Sunday).
    dimanche = day + datetime.timedelta(days=6 - day.weekday())
    aujourdhui(dimanche)
    response = agent.post(
        POINTAGE,
        {"csrf_token": token, "date": dimanche.isoformat(), presence: "present"},
        status=302,
    )
    assert "n'ouvre pas" in response.follow().text
    assert etat(app, dimanche) is None


def index(app):
    """{prestation title: sorted index keys}."""

    def read(root, registry):
        return {
            p.title: sorted(p.inscrits.keys()) if p.inscrits is not None else None
            for s in root["structures"].values()
            for p in s.prestations()
        }

    return with_root(app.app, read)


def test_index_follows_inscriptions(app):
    from substanced.util import get_oid

    found = index(app)
    lucas_oid = with_root(app.app, lambda root, r: get_oid(_enfant(root)))
    assert found["Restauration scolaire"] == [("2014-2015", lucas_oid), (COURANTE, lucas_oid)]
    assert found["Mercredi après-midi"] == [("2014-2015", lucas_oid), (COURANTE, lucas_oid)]
    assert sum(len(keys) for keys in found.values()) == 9

    def remove(root, registry):
        from portail_famille.inscriptions import cle, desinscrire

        return desinscrire(_enfant(root), cle(COURANTE, get_oid(_cantine(root))))

    assert with_root(app.app, remove) is True
    assert index(app)["Restauration scolaire"] == [("2014-2015", lucas_oid)]


def test_evolve_step7_is_idempotent(app):
    assert "step7" in STEPS
    before = index(app)

    def old(root, registry):
        for structure in root["structures"].values():
            for prestation in structure.prestations():
                del prestation.inscrits  # as stored before step7
                assert prestation.inscrits is None
        step7.evolve(root, registry)
        step7.evolve(root, registry)

    with_root(app.app, old)
    assert index(app) == before
    with_root(app.app, step7.evolve)
    assert index(app) == before
