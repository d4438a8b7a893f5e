"""The next school year in one action (issue 18, item 8): the SDI's tab
"Réinscriptions" of the Familles folder previews the re-enrolment of year
N's children in N+1 (who, what, how many, who leaves and why, warnings),
then, confirmed, makes the enrolments and books their regular contracts as
an agent's enrolment does; a second run makes nothing; leavers and the
children ticked out are skipped; every child re-enrolled is journaled.
The town's clock is frozen on 1 December 2026 (test_reservations): LUCAS
is enrolled for 2026-2027 in Wednesday afternoons, the holidays' days and
the canteen (Mon/Tue/Thu/Fri contract)."""

import datetime
import re

import pytest
from substanced.util import get_oid

from portail_famille import journal
from portail_famille.inscriptions import cle
from portail_famille.planning import cells, places, rentree
from portail_famille.planning.service import jours_du_contrat

from ..conftest import MARTIN, csrf, with_root
from .test_demandes_staff import staff
from .test_reservations import (
    MAM,
    NUMERO,
    REST,
    VJ,
    clock,  # noqa: F401 (fixture)
    lucas,
    town,  # noqa: F401 (fixture)
)

D = datetime.date
N, N1 = "2026-2027", "2027-2028"
URL = "/manage/familles/@@reinscriptions"


@pytest.fixture
def ville(town):  # noqa: F811
    """LUCAS (CE2, 9 years old at the next rentrée) enrolled in three
    prestations for 2026-2027; CHLOÉ MARTIN enrolled in the canteen (Mon,
    Tue) in CM2, and two children of her family: one archived, one too
    old; the school year 2027-2028 added."""

    def setup(root, registry):
        calendrier = root["calendrier"]
        annee = registry.content.create(
            "AnneeScolaire", libelle=N1, debut=D(2027, 9, 1), fin=D(2028, 7, 5)
        )
        calendrier.add(N1, annee, registry=registry)
        enfant = lucas(root)
        enfant.date_naissance = D(2018, 5, 14)
        enfant.classe = "CE2"
        famille = root["familles"][MARTIN["numero"]]
        chloe = next(iter(famille["enfants"].values()))
        chloe.classe = "CM2"
        rest = get_oid(root["structures"][REST[0]][REST[1]])
        from portail_famille.inscriptions import inscrire

        inscrire(chloe, rest, N, D(2026, 9, 1), ("1", "2"))
        for prenom, naissance, partie in (
            ("PAUL", D(2019, 1, 1), D(2026, 11, 30)),
            ("JADE", D(2014, 3, 3), None),
        ):
            autre = registry.content.create(
                "Enfant", nom="MARTIN", prenom=prenom, date_naissance=naissance, classe=""
            )
            famille["enfants"].add_next(autre, registry=registry)
            inscrire(autre, rest, N, D(2026, 9, 1), ("1",))
            autre.partie_le = partie

    with_root(town.app, setup)
    return town


def texte(page):
    return re.sub(r"\s+", " ", page.text)


def apercu(agent, familles="", exclus=(), status=200):
    page = agent.get(URL)
    data = [("csrf_token", csrf(page)), ("annee", N1), ("familles", familles), ("apercu", "1")]
    data += [("exclus", str(oid)) for oid in exclus]
    return agent.post(URL, data, status=status)


def confirmer(page):
    (form,) = [f for f in page.forms.values() if "signature" in f.fields]
    return form.submit("confirmer")


def etat(app):
    """What N+1 holds: {child's first name: {prestation oid: weekdays}},
    the cells of N+1 per child, the canteen's counter of one day, the
    journal's re-enrolments."""

    def read(root, registry):
        found, cellules = {}, {}
        for numero in (NUMERO, MARTIN["numero"]):
            for enfant in root["familles"][numero]["enfants"].values():
                found[enfant.prenom] = {
                    i.prestation: set(i.jours)
                    for i in enfant.inscriptions.values()
                    if i.annee == N1
                }
                tree = cells.cellules(enfant)
                cellules[enfant.prenom] = {
                    key: value
                    for key, value in (tree.items() if tree is not None else ())
                    if key[1] >= D(2027, 9, 1)
                }
        rest = root["structures"][REST[0]][REST[1]]
        entries, _suite = journal.lire(root, quoi=rentree.REINSCRIPTION)
        return {
            "inscriptions": found,
            "cellules": cellules,
            "pris": places.pris(rest, D(2027, 9, 2)),
            "journal": [(e["famille"], e["details"]) for e in entries],
        }

    return with_root(app.app, read)


def oids(app):
    def read(root, registry):
        return {p: get_oid(root["structures"][p[0]][p[1]]) for p in (MAM, VJ, REST)}

    return with_root(app.app, read)


def test_the_preview_says_who_what_and_how_many_and_writes_nothing(ville):
    avant = etat(ville)
    page = apercu(staff(ville, "agent"))
    annonce = texte(page)
    assert (
        "Réinscrire en 2027-2028 les enfants inscrits en 2026-2027 : 1 enfant(s), "
        "3 inscription(s) à créer," in annonce
    )
    lignes = page.html.select("table.enfants-reinscrits tbody tr")
    assert len(lignes) == 1 and "LUCAS" in lignes[0].text
    assert "Restauration scolaire" in lignes[0].text and "Mercredi après-midi" in lignes[0].text
    sortants = {
        tr.select("td")[2].get_text(strip=True): tr.select("td")[4].get_text(strip=True)
        for tr in page.html.select("table.sortants tbody tr")
    }
    assert sortants == {
        "CHLOÉ MARTIN": "En CM2 : entre au collège",
        "PAUL MARTIN": "Parti(e) le 30/11/2026",
        "JADE MARTIN": "13 ans à la rentrée",
    }
    assert "Confirmer : réinscrire 1 enfant(s) en 2027-2028" in annonce
    assert etat(ville) == avant


def test_confirming_creates_the_enrolments_and_books_as_a_regular_contract(ville):
    page = apercu(staff(ville, "agent"))
    journees = int(re.search(r"(\d+) journée\(s\) à réserver", texte(page)).group(1))
    done = confirmer(page)
    assert "1 enfant(s) réinscrit(s), 3 inscription(s) créée(s), %d journée(s)" % journees in (
        texte(done)
    )
    o = oids(ville)
    after = etat(ville)
    assert after["inscriptions"]["LUCAS"] == {
        o[MAM]: set(),
        o[VJ]: set(),
        o[REST]: {"1", "2", "4", "5"},
    }
    for prenom in ("CHLOÉ", "PAUL", "JADE"):
        assert after["inscriptions"][prenom] == {} and after["cellules"][prenom] == {}

    def attendus(root, registry):
        enfant = lucas(root)
        inscription = enfant.inscriptions[cle(N1, o[REST])]
        prestation = root["structures"][REST[0]][REST[1]]
        assert inscription.debut == D(2027, 9, 1)
        return jours_du_contrat(root["calendrier"], prestation, inscription, "C")

    jours = with_root(ville.app, attendus)
    assert len(jours) == journees > 100
    assert after["cellules"]["LUCAS"] == {(o[REST], d): cells.RESERVE for d in jours}
    assert D(2027, 9, 2) in jours and after["pris"] == 1  # the place is counted
    assert after["journal"] == [
        (NUMERO, {"annee": N1, "inscriptions": 3, "journees": journees}),
    ]


def test_a_second_run_creates_nothing(ville):
    agent = staff(ville, "agent")
    confirmer(apercu(agent))
    once = etat(ville)
    page = apercu(agent)
    assert "0 enfant(s), 0 inscription(s) à créer, 0 journée(s)" in texte(page)
    assert "3 inscription(s) existent déjà en 2027-2028" in texte(page)
    assert "Confirmer" not in texte(page)
    # The confirmation posted anyway (an old tab) makes nothing either.
    (form,) = [f for f in page.forms.values() if "signature" in f.fields]
    fields = dict(form.submit_fields()) | {"confirmer": "1"}
    again = agent.post(URL, fields)
    assert "0 enfant(s) réinscrit(s), 0 inscription(s) créée(s)" in texte(again)
    assert etat(ville) == once


def test_children_ticked_out_are_skipped_and_stay_ticked(ville):
    agent = staff(ville, "agent")
    lucas_oid = with_root(ville.app, lambda root, registry: get_oid(lucas(root)))
    page = apercu(agent, exclus=[lucas_oid])
    assert "0 enfant(s), 0 inscription(s) à créer" in texte(page)
    case = page.html.select_one("table.sortants input[name=exclus]")
    assert case["value"] == str(lucas_oid) and case.has_attr("checked")
    assert "Exclu(e) par l'agent" in texte(page)
    assert "Confirmer" not in texte(page)
    # Unticked, he is back in the preview.
    assert "1 enfant(s), 3 inscription(s)" in texte(apercu(agent))


def test_a_preview_changed_since_it_was_shown_is_not_applied(ville):
    agent = staff(ville, "agent")
    page = apercu(agent)
    (form,) = [f for f in page.forms.values() if "signature" in f.fields]
    lucas_oid = with_root(ville.app, lambda root, registry: get_oid(lucas(root)))
    fields = dict(form.submit_fields()) | {"confirmer": "1"}
    # Ticked out after the preview, then confirmed directly.
    changed = agent.post(URL, list(fields.items()) + [("exclus", str(lucas_oid))])
    assert "L'aperçu a changé : vérifiez-le, puis confirmez à nouveau." in texte(changed)
    assert etat(ville)["inscriptions"]["LUCAS"] == {}


def test_selected_families_only_and_unknown_numbers_named(ville):
    agent = staff(ville, "agent")
    page = apercu(agent, familles="%s\n9999999999999" % MARTIN["numero"])
    assert "0 enfant(s), 0 inscription(s) à créer" in texte(page)
    assert "N° de famille inconnu(s) : 9999999999999" in texte(page)
    assert len(page.html.select("table.sortants tbody tr")) == 3
    confirmer_ = apercu(agent, familles=NUMERO)
    assert "1 enfant(s), 3 inscription(s)" in texte(confirmer_)


def test_a_weekday_no_longer_open_is_dropped_with_a_warning(ville):
    def fermer_vendredi(root, registry):
        root["structures"][REST[0]][REST[1]].jours = frozenset({"1", "2", "4"})

    with_root(ville.app, fermer_vendredi)
    agent = staff(ville, "agent")
    page = apercu(agent)
    attendu = "« Garderie périscolaire — Restauration scolaire » n'ouvre plus le Vendredi"
    assert attendu in texte(page)
    confirmer(page)
    assert etat(ville)["inscriptions"]["LUCAS"][oids(ville)[REST]] == {"1", "2", "4"}


def _deux_enfants(root, registry):
    enfants = root["familles"][MARTIN["numero"]]["enfants"].values()
    next(e for e in enfants if e.prenom == "CHLOÉ").classe = "CM1"


def _premier_lot(ville, monkeypatch):
    """LUCAS and CHLOÉ to re-enrol by batches of one: the page after the
    first batch (LUCAS's family comes first)."""
    with_root(ville.app, _deux_enfants)
    monkeypatch.setattr(rentree, "LOT", 1)
    agent = staff(ville, "agent")
    page = apercu(agent)
    assert "2 enfant(s), 4 inscription(s)" in texte(page)
    first = confirmer(page)
    assert "1 enfant(s) restent à réinscrire" in texte(first)
    return first


def continuer(page):
    (form,) = [f for f in page.forms.values() if "continuer" in f.fields]
    return form.submit("continuer")


def test_batches_continue_where_the_last_one_stopped(ville, monkeypatch):
    first = _premier_lot(ville, monkeypatch)
    assert len(etat(ville)["journal"]) == 1
    done = continuer(first)
    assert "1 enfant(s) réinscrit(s)" in texte(done) and "restent" not in texte(done)
    after = etat(ville)
    assert after["inscriptions"]["CHLOÉ"] == {oids(ville)[REST]: {"1", "2"}}
    assert len(after["journal"]) == 2
    # The run is over: the same button again applies nothing.
    again = continuer(first)
    assert "Cette réinscription est terminée" in texte(again)
    assert etat(ville) == after


def test_a_continuation_reads_only_the_children_left(ville, monkeypatch):
    first = _premier_lot(ville, monkeypatch)
    appels = []
    vrai = rentree.apercu
    monkeypatch.setattr(rentree, "apercu", lambda *a, **k: appels.append(a) or vrai(*a, **k))

    def nouvel_enfant(root, registry):
        # Enrolled in N after the first batch: the agent never saw him.
        from portail_famille.inscriptions import inscrire

        famille = root["familles"][MARTIN["numero"]]
        autre = registry.content.create(
            "Enfant", nom="MARTIN", prenom="HUGO", date_naissance=D(2019, 2, 2), classe="CP"
        )
        famille["enfants"].add_next(autre, registry=registry)
        inscrire(autre, get_oid(root["structures"][REST[0]][REST[1]]), N, D(2026, 9, 1), ("1",))

    with_root(ville.app, nouvel_enfant)
    done = continuer(first)
    assert appels == []
    assert "1 enfant(s) réinscrit(s)" in texte(done) and "restent" not in texte(done)
    after = etat(ville)
    assert after["inscriptions"]["CHLOÉ"] == {oids(ville)[REST]: {"1", "2"}}
    assert after["inscriptions"]["HUGO"] == {}


def test_a_child_changed_since_the_preview_is_skipped_and_reported(ville, monkeypatch):
    first = _premier_lot(ville, monkeypatch)

    def jours_changes(root, registry):
        enfants = root["familles"][MARTIN["numero"]]["enfants"].values()
        chloe = next(e for e in enfants if e.prenom == "CHLOÉ")
        rest = get_oid(root["structures"][REST[0]][REST[1]])
        chloe.inscriptions[cle(N, rest)].jours = frozenset({"1", "2", "4"})

    with_root(ville.app, jours_changes)
    done = continuer(first)
    assert "0 enfant(s) réinscrit(s)" in texte(done)
    assert "1 enfant(s) modifié(s) depuis l'aperçu" in texte(done)
    after = etat(ville)
    assert after["inscriptions"]["CHLOÉ"] == {}
    assert len(after["journal"]) == 1


def test_bad_input_gets_a_french_message(ville):
    agent = staff(ville, "agent")
    page = agent.get(URL)
    for annee in ("2014-2015", "<b>x</b>", ""):
        bad = agent.post(
            URL,
            {"csrf_token": csrf(page), "annee": annee, "apercu": "1"},
            status=400,
        )
        assert "Choisissez l'année scolaire à préparer." in texte(bad)
        assert "<b>x</b>" not in bad.text
    weird = agent.post(
        URL,
        [("csrf_token", csrf(page)), ("annee", N1), ("apercu", "1")]
        + [("exclus", value) for value in ("x" * 50, "-5", "9" * 30, "")],
    )
    assert "1 enfant(s), 3 inscription(s)" in texte(weird)
