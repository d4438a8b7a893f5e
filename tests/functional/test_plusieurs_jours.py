"""Several days at once (issue 20, item 2): "Réserver plusieurs jours" from
the planning, each day through the grid's own rules, with a confirmation
step and a summary.  The town's clock is frozen on Tuesday 1 December 2026,
09:00 in Paris (test_reservations' fixtures)."""

import pytest

from portail_famille.demandes.resources import ACCEPTEE, EN_ATTENTE, LISTE_ATTENTE
from portail_famille.planning import cells, plusieurs

from ..conftest import DUPONT_URL, app_du_test, with_root
from .test_enfants import browser_for, main
from .test_reservations import (  # noqa: F401 (fixtures)
    MAM,
    NUMERO,
    REST,
    D,
    _inscrire_lucas,
    absence,
    cell,
    child_url,
    clock,
    grid,
    martin_browser,
    oid_of,
    requests,
    set_capacity,
    token,
    town,
)

VUE = "reserver-plusieurs-jours"


@pytest.fixture
def ville(town):  # noqa: F811 (test_reservations' town)
    return town


DEADLINE = (
    "Le délai de réservation est dépassé : il fallait réserver le 02/12/2026 "
    "avant le 30/11/2026 à 10:00."
)


def form_page(browser, app, annuler=False):
    page = grid(browser, app, D(2026, 12, 1))
    links = main(page).select(".lien-plusieurs a")
    assert [a.get_text(strip=True) for a in links] == [
        "Réserver plusieurs jours",
        "Annuler plusieurs jours",
    ]
    return browser.get(links[1 if annuler else 0]["href"])


def values(app, page, path=MAM, du="02/12/2026", au="16/12/2026", jours=("3",), **extra):
    found = {
        "csrf_token": token(page),
        "prestation": str(oid_of(app, path)),
        "du": du,
        "au": au,
        "jours": list(jours),
    }
    found.update(extra)
    return found


def lignes(page):
    return [
        (li.select_one(".jour-date").get_text(strip=True), li.select_one(".jour-etat").get_text())
        for li in main(page).select("ul.liste-jours li")
    ]


def field_errors(page):
    return {p["id"][len("erreur-") :]: p.get_text(strip=True) for p in main(page).select(".erreur")}


def test_three_wednesdays_at_once_one_past_its_deadline(ville):
    dupont = browser_for(ville, "jean.dupont")
    page = form_page(dupont, ville)
    assert main(page).select(".autres-enfants") == []  # LUCAS alone
    options = [o.get_text(strip=True) for o in main(page).select("#prestation option")]
    assert "Accueil de Loisirs ALSH Mercredi après-midi" in options
    # The 16th is full: its request waits for a place, as from the grid.
    set_capacity(ville, MAM, 1, others=1, day=D(2026, 12, 16))

    apercu = dupont.post(child_url(ville) + VUE, values(ville, page))
    assert lignes(apercu) == [
        ("Mercredi 2 Décembre 2026", DEADLINE),
        ("Mercredi 9 Décembre 2026", "Sera demandé"),
        ("Mercredi 16 Décembre 2026", "Sera demandé"),
    ]
    assert "2 jour(s) sur 3 peuvent être demandés." in main(apercu).text
    assert requests(ville) == []  # the check writes nothing

    form = apercu.forms["form-confirmation"]
    sent = form.submit("confirmer", status=303)
    assert "reserver-plusieurs-jours?resultat=" in sent.location
    done = sent.follow()
    assert "2 jour(s) demandé(s), 1 refusé(s)." in main(done).select_one(".resume-plusieurs").text
    assert lignes(done) == [
        ("Mercredi 2 Décembre 2026", DEADLINE),
        ("Mercredi 9 Décembre 2026", "Réservé"),
        ("Mercredi 16 Décembre 2026", "Demande en attente (journée complète)"),
    ]
    assert cell(ville, MAM, D(2026, 12, 2)) is None
    assert cell(ville, MAM, D(2026, 12, 9)) == cells.RESERVE
    assert cell(ville, MAM, D(2026, 12, 16)) == cells.ATTENTE
    assert requests(ville) == [
        ("reservation", ACCEPTEE, D(2026, 12, 9), ""),
        ("reservation", LISTE_ATTENTE, D(2026, 12, 16), ""),
    ]
    # Reloading the summary shows it again and asks for nothing.
    reloaded = dupont.get(sent.location)
    assert lignes(reloaded) == lignes(done)
    assert len(requests(ville)) == 2
    # Again: one change per day, in the grid's words, and the grid's link.
    again = form.submit("confirmer").follow()
    assert "0 jour(s) demandé(s), 3 refusé(s)." in main(again).text
    assert lignes(again)[1][1].startswith("Vous ne pouvez faire qu'une seule modification")
    ecrire = main(again).select_one(".lien-message a")
    assert ecrire.get_text(strip=True) == "Écrire au service depuis la Boîte de réception"
    assert "date=2026-12-09" in ecrire["href"]
    assert len(requests(ville)) == 2


def test_modifier_comes_back_to_the_filled_form(ville):
    dupont = browser_for(ville, "jean.dupont")
    page = form_page(dupont, ville)
    apercu = dupont.post(child_url(ville) + VUE, values(ville, page))
    back = apercu.forms["form-confirmation"].submit("modifier")
    form = back.forms["form-plusieurs"]
    assert form["du"].value == "2026-12-02" and form["au"].value == "2026-12-16"
    assert [f.value for f in form.fields["jours"] if f.checked] == ["3"]
    assert requests(ville) == []


def test_the_contract_standard_week(ville):
    dupont = browser_for(ville, "jean.dupont")
    page = form_page(dupont, ville)
    apercu = dupont.post(
        child_url(ville) + VUE,
        values(ville, page, REST, du="2026-12-14", au="2026-12-18", jours=(), semaine="contrat"),
    )
    # Monday, Tuesday, Thursday, Friday: the contract already books them.
    assert [jour for jour, _etat in lignes(apercu)] == [
        "Lundi 14 Décembre 2026",
        "Mardi 15 Décembre 2026",
        "Jeudi 17 Décembre 2026",
        "Vendredi 18 Décembre 2026",
    ]
    assert {etat for _jour, etat in lignes(apercu)} == {
        "Une réservation ou une demande existe déjà pour cette date."
    }
    assert not apercu.forms["form-confirmation"].fields.get("confirmer")
    # The Wednesdays have no standard week.
    refused = dupont.post(child_url(ville) + VUE, values(ville, page, semaine="contrat"))
    assert field_errors(refused) == {
        "semaine": "Cette activité n'a pas de semaine type dans le contrat : cochez les jours."
    }


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"du": ""}, {"du": "Indiquez une date au format jj/mm/aaaa."}),
        ({"du": "31/02/2027"}, {"du": "Indiquez une date au format jj/mm/aaaa."}),
        ({"au": "demain"}, {"au": "Indiquez une date au format jj/mm/aaaa."}),
        ({"du": "30/11/2026"}, {"du": "La période ne peut pas commencer avant aujourd'hui."}),
        ({"au": "01/12/2026"}, {"au": "La fin de la période doit suivre son début."}),
        ({"au": "12/03/2027"}, {"au": "La période ne peut pas dépasser 100 jours."}),
        ({"jours": []}, {"jours": "Cochez au moins un jour de la semaine."}),
        ({"jours": ["7", "x"]}, {"jours": "Cochez au moins un jour de la semaine."}),
        (
            {"au": "03/12/2026", "jours": ["5"]},
            {"jours": "Aucun jour de la période ne correspond aux jours choisis."},
        ),
        ({"prestation": "abc"}, {"prestation": "Choisissez une activité de l'enfant."}),
        ({"prestation": "1"}, {"prestation": "Choisissez une activité de l'enfant."}),
        ({"prestation": "9" * 30}, {"prestation": "Choisissez une activité de l'enfant."}),
    ],
)
def test_bad_input_is_told_next_to_its_field(ville, changes, errors):
    dupont = browser_for(ville, "jean.dupont")
    page = form_page(dupont, ville)
    sent = values(ville, page, **changes)
    for extra in ({}, {"confirmer": "oui"}):
        response = dupont.post(child_url(ville) + VUE, dict(sent, **extra))
        assert field_errors(response) == errors
        assert "Rien n'a été demandé" in main(response).text
    assert requests(ville) == []


def test_a_period_of_100_days_is_accepted(ville):
    dupont = browser_for(ville, "jean.dupont")
    page = form_page(dupont, ville)
    apercu = dupont.post(child_url(ville) + VUE, values(ville, page, au="11/03/2027"))
    assert len(lignes(apercu)) == 15  # 2 December -> 10 March: 15 Wednesdays


def test_another_family_gets_404_and_csrf_is_required(ville):
    martin = martin_browser(ville)
    page = martin.get("/familles/1001001818400/mes-enfants")
    martin.get(child_url(ville) + VUE, status=404)
    martin.post(child_url(ville) + VUE, dict(values(ville, page), confirmer="oui"), status=404)
    dupont = browser_for(ville, "jean.dupont")
    sent = values(ville, form_page(dupont, ville), confirmer="oui")
    del sent["csrf_token"]
    dupont.post(child_url(ville) + VUE, sent, status=400)
    assert requests(ville) == []


ANNULER = "annuler-plusieurs-jours"


def test_cancel_several_contract_days_with_one_reason(ville):
    dupont = browser_for(ville, "jean.dupont")
    page = form_page(dupont, ville, annuler=True)
    assert main(page).select_one("h2").get_text(strip=True) == "Annuler plusieurs jours"
    absence(dupont, ville, REST, D(2026, 12, 10))  # from the grid
    sent = values(ville, page, REST, du="2026-12-01", au="2026-12-10", jours=("2", "4"))
    missing = dupont.post(child_url(ville) + ANNULER, sent)
    assert field_errors(missing) == {"motif": "Indiquez la raison de l'absence."}
    sent["motif"] = "Chez les grands-parents"
    apercu = dupont.post(child_url(ville) + ANNULER, sent)
    late = "(délai dépassé : la journée peut être facturée)"
    seconde = "Vous ne pouvez faire qu'une seule modification par activité pour une même date."

    def court(page):
        return [(j, seconde if e.startswith(seconde) else e) for j, e in lignes(page)]

    assert court(apercu) == [
        ("Mardi 1 Décembre 2026", "Sera annulé " + late),
        ("Jeudi 3 Décembre 2026", "Sera annulé"),
        ("Mardi 8 Décembre 2026", "Sera annulé"),
        ("Jeudi 10 Décembre 2026", seconde),
    ]
    assert cell(ville, REST, D(2026, 12, 3)) == cells.RESERVE  # nothing written yet
    done = apercu.forms["form-confirmation"].submit("confirmer").follow()
    assert "3 jour(s) demandé(s), 1 refusé(s)." in main(done).select_one(".resume-plusieurs").text
    assert court(done) == [
        ("Mardi 1 Décembre 2026", "Absence en cours de traitement " + late),
        ("Jeudi 3 Décembre 2026", "Absent excusé"),
        ("Mardi 8 Décembre 2026", "Absent excusé"),
        ("Jeudi 10 Décembre 2026", seconde),
    ]
    assert cell(ville, REST, D(2026, 12, 1)) == cells.ABSENCE_TRAITEMENT
    assert cell(ville, REST, D(2026, 12, 3)) == cells.ABSENT_EXCUSE
    motif = "Chez les grands-parents"
    assert requests(ville) == [
        ("absence", ACCEPTEE, D(2026, 12, 3), motif),
        ("absence", ACCEPTEE, D(2026, 12, 8), motif),
        ("absence", ACCEPTEE, D(2026, 12, 10), "Malade"),
        ("absence", EN_ATTENTE, D(2026, 12, 1), motif),
    ]


def test_cancel_needs_booked_days(ville):
    dupont = browser_for(ville, "jean.dupont")
    page = form_page(dupont, ville, annuler=True)
    sent = values(ville, page, motif="Vacances")  # Wednesdays not booked
    refused = dupont.post(child_url(ville) + ANNULER, dict(sent, confirmer="oui"))
    assert field_errors(refused) == {
        "jours": "Aucune réservation de cette activité ne correspond aux jours choisis."
    }
    long = dupont.post(child_url(ville) + ANNULER, dict(sent, motif="x" * 501))
    assert field_errors(long) == {"motif": "La raison est trop longue (500 caractères au plus)."}
    assert requests(ville) == []
    martin = martin_browser(ville)
    martin.get(child_url(ville) + ANNULER, status=404)


def test_unpaid_invoices_refuse_every_day_with_the_statement_link(tmp_path, clock):  # noqa: F811
    reglages = {"portail.zone_vacances": "C", "portail.relances.blocage_seuil": "100"}
    with app_du_test(tmp_path, **reglages) as app:
        with_root(app.app, _inscrire_lucas)
        dupont = browser_for(app, "jean.dupont")
        page = form_page(dupont, app)
        apercu = dupont.post(child_url(app) + VUE, values(app, page, du="03/12/2026"))
        assert [etat[:79] for _jour, etat in lignes(apercu)] == [
            "Votre demande de réservation ne peut pas être enregistrée : des factures échues"
        ] * 2
        assert not apercu.forms["form-confirmation"].fields.get("confirmer")
        releve = main(apercu).select_one(".lien-releve a")
        assert releve["href"] == DUPONT_URL + "releve-de-compte"
        forced = dupont.post(child_url(app) + VUE, values(app, page, confirmer="oui")).follow()
        assert "0 jour(s) demandé(s), 3 refusé(s)." in main(forced).text
        assert main(forced).select_one(".lien-releve a") is not None
        assert requests(app) == []


def test_a_sister_is_one_tap_away(ville):
    def add(root, registry):
        famille = root["familles"][NUMERO]
        identite = {"nom": "DUPONT", "prenom": "ZOÉ", "sexe": "F", "date_naissance": D(2016, 2, 3)}
        famille["enfants"].add_next(
            registry.content.create("Enfant", **identite), registry=registry
        )

    with_root(ville.app, add)
    dupont = browser_for(ville, "jean.dupont")
    page = form_page(dupont, ville)
    liens = main(page).select(".autres-enfants a")
    assert [a.get_text(strip=True) for a in liens] == ["ZOÉ"]
    zoe = dupont.get(liens[0]["href"])
    assert main(zoe).h1.get_text(strip=True).startswith("ZOÉ")
    assert "Aucune inscription en cours pour cet enfant." in main(zoe).text
    assert [a.get_text(strip=True) for a in main(zoe).select(".autres-enfants a")] == ["LUCAS"]


def test_a_summary_is_read_by_its_family_only_and_a_lost_one_says_so(ville):
    dupont = browser_for(ville, "jean.dupont")
    page = form_page(dupont, ville)
    sent = dupont.post(child_url(ville) + VUE, values(ville, page, confirmer="oui"), status=303)
    cle = sent.location.split("resultat=")[1]
    martin_browser(ville).get(child_url(ville) + VUE + "?resultat=" + cle, status=404)
    # a cancellation's page does not show a booking's summary
    ailleurs = dupont.get(child_url(ville) + ANNULER + "?resultat=" + cle)
    perdu = "Ce résumé n'est plus disponible : vos demandes sont dans le planning."
    assert main(ailleurs).select_one(".messages .flash").get_text(strip=True) == perdu
    for cle in ("0" * 25, "<script>", ""):
        page = dupont.get(child_url(ville) + VUE, {"resultat": cle})
        assert main(page).select_one(".messages .flash").get_text(strip=True) == perdu
        assert page.forms["form-plusieurs"]


def test_only_the_last_summaries_are_kept():
    class Enfant:
        pass

    enfant = Enfant()
    cles = [plusieurs._garder(enfant, {"n": n}) for n in range(plusieurs.GARDES + 3)]
    store = enfant._resultats_plusieurs
    assert list(store.keys()) == sorted(cles)[3:]
    assert all(plusieurs._CLE.match(c) for c in cles)
