"""A family or a child that leaves the service is archived ("partie", with a
date), never deleted: the SDI's tab "Départ" (a confirmation naming what it
does), what the family side keeps (invoices, payments, statement, paying,
writing) and loses (any request), the days given back, the agents' screens,
réactiver, and the RGPD retention that counts from the departure and keeps
the accounting.  The town's clock is frozen on 1 December 2026
(test_reservations)."""

import datetime
import re

import pytest
from substanced.util import get_acl

from portail_famille import dates
from portail_famille.demandes.resources import EN_ATTENTE
from portail_famille.departs import DEPARTS, archiver
from portail_famille.planning import cells
from portail_famille.rgpd import retention

from ..conftest import DUPONT_URL, csrf, with_root
from .test_demandes_staff import staff
from .test_enfants import browser_for
from .test_inscriptions import erreur, remplir
from .test_reservations import (
    JEUDI_CONTRAT,
    MAM,
    NUMERO,
    REST,
    VACANCES,
    VJ,
    cell,
    child_url,
    clock,  # noqa: F401 (fixture)
    lucas,
    oid_of,
    reserver,
    taken,
    town,  # noqa: F401 (fixture)
)

D = datetime.date
DEPART = "/manage/familles/%s/@@depart" % NUMERO
AUJOURDHUI = "01/12/2026"


@pytest.fixture
def ville(town):  # noqa: F811
    """test_reservations' town: LUCAS enrolled, the clock on 1 December 2026."""
    return town


def texte(page):
    return re.sub(r"\s+", " ", page.text)


def preparer(agent, url, date=AUJOURDHUI, status=200):
    page = agent.get(url)
    return agent.post(url, {"csrf_token": csrf(page), "date": date, "preparer": "1"}, status=status)


def archiver_par(agent, url, date=AUJOURDHUI):
    page = preparer(agent, url, date)
    (form,) = [f for f in page.forms.values() if "archiver" in f.fields]
    assert form["date"].value == date
    return form.submit("archiver", status=302).follow()


def etat(app):
    def read(root, registry):
        famille = root["familles"][NUMERO]
        enfant = lucas(root)
        return {
            "famille": famille.partie_le,
            "enfant": enfant.partie_le,
            "factures": sorted(famille["factures"]),
            "reglements": sorted(famille["reglements"]),
            "lignes": [f.lignes for f in famille["factures"].values()],
            "enfants": sorted(famille["enfants"]),
            "index": dict(getattr(root["familles"], DEPARTS, {}) or {}),
            "acl": get_acl(famille),
        }

    return with_root(app.app, read)


def test_an_agent_archives_dupont_after_a_confirmation_naming_what_it_does(ville):
    agent = staff(ville, "agent")
    before = etat(ville)
    taken_before = taken(ville, REST, JEUDI_CONTRAT)
    page = agent.get(DEPART)
    assert 'value="%s"' % AUJOURDHUI in page.text
    confirmation = texte(preparer(agent, DEPART))
    assert "Archiver « 1001001818331 DUPONT » : partie le 01/12/2026 ?" in confirmation
    assert "Enfant(s) archivé(s) : LUCAS DUPONT" in confirmation
    assert "Documents numérotés conservés : AL-12, AL-36, AL-228" in confirmation
    days = int(re.search(r"(\d+) jour\(s\) réservé\(s\) après cette date", confirmation).group(1))
    assert days > 50  # the canteen's contract to July
    assert etat(ville) == before  # nothing done yet
    assert cell(ville, REST, JEUDI_CONTRAT) == cells.RESERVE

    done = texte(archiver_par(agent, DEPART))
    assert "Archivage fait : partie le 01/12/2026 ; %d jour(s) réservé(s) libéré(s)." % days in done
    assert "Archivée : partie le 01/12/2026" in done
    after = etat(ville)
    assert (after["famille"], after["enfant"]) == (D(2026, 12, 1), D(2026, 12, 1))
    # everything numbered stays, as it was
    for key in ("factures", "reglements", "lignes", "enfants"):
        assert after[key] == before[key]
    assert after["factures"] == ["AL-12", "AL-36"] and after["reglements"] == ["AL-228"]
    # the days to come gave their places back
    assert cell(ville, REST, JEUDI_CONTRAT) is None
    assert taken(ville, REST, JEUDI_CONTRAT) == taken_before - 1
    # the tab "Départs" lists it
    listing = texte(agent.get("/manage/familles/@@departs"))
    assert "01/12/2026 1001001818331" in re.sub(r"<[^>]+>", "", listing).replace("  ", " ")
    assert "(toute la famille)" in listing


def test_an_archived_family_reads_and_pays_but_asks_nothing(ville):
    agent = staff(ville, "agent")
    archiver_par(agent, DEPART)
    dupont = browser_for(ville, "jean.dupont")
    home = texte(dupont.get(DUPONT_URL))
    assert "Votre famille a quitté le service le 01/12/2026" in home
    assert dupont.get(DUPONT_URL + "releve-de-compte").status_int == 200
    assert dupont.get(DUPONT_URL + "factures/AL-36/pdf").content_type == "application/pdf"
    assert dupont.get(DUPONT_URL + "factures/AL-36/payer").status_int == 200
    # no booking, no absence, no change of the record: whatever the URL
    planning = dupont.get(child_url(ville) + "planning?mois=2026-12")
    assert "demande-de-reservation" not in planning.text
    reserver(dupont, ville, VJ, VACANCES, status=404)
    assert dupont.get(DUPONT_URL + "demande-caf", status=404)
    page = dupont.get(DUPONT_URL + "mon-compte")
    assert "demande-caf" not in page.text

    def demandes(root, registry):
        return len(root["familles"][NUMERO]["demandes"])

    assert with_root(ville.app, demandes) == 0
    # writing to the service still works
    boite = DUPONT_URL + "boite-de-reception"
    page = dupont.get(boite + "?onglet=nouveau")
    fields = {"csrf_token": csrf(page), "structure": "", "objet": "Facture", "texte": "Question"}
    dupont.post(boite, fields, status=302)


def test_archiving_is_refused_while_a_request_waits_and_for_a_date_to_come(ville):
    agent = staff(ville, "agent")
    before = etat(ville)
    for date, message in (
        ("02/12/2026", "La date de départ ne peut pas être à venir"),
        ("31/02/2026", "Date de départ invalide (jj/mm/aaaa)."),
        ("", "Date de départ invalide (jj/mm/aaaa)."),
    ):
        page = preparer(agent, DEPART, date, status=400)
        assert message in texte(page)
        assert 'class="help-block error" role="alert"' in page.text
    dupont = browser_for(ville, "jean.dupont")
    reserver(dupont, ville, VJ, VACANCES)  # agent validation: waiting

    def attente(root, registry):
        return [d.etat for d in root["familles"][NUMERO]["demandes"].values()]

    assert with_root(ville.app, attente) == [EN_ATTENTE]
    page = preparer(agent, DEPART, status=400)
    assert "1 demande(s) en attente : traitez-les avant d'archiver." in texte(page)
    # a forged confirmation neither
    page = agent.get(DEPART)
    agent.post(
        DEPART,
        {"csrf_token": csrf(page), "date": AUJOURDHUI, "archiver": "1"},
        status=400,
    )
    after = etat(ville)
    assert after == before


def test_reactiver_gives_the_family_its_requests_back(ville):
    agent = staff(ville, "agent")
    archiver_par(agent, DEPART)
    assert etat(ville)["acl"][0][0] == "Deny"
    page = agent.get(DEPART)
    (form,) = [f for f in page.forms.values() if "reactiver" in f.fields]
    form.submit("reactiver", status=302)
    after = etat(ville)
    assert (after["famille"], after["enfant"], after["index"]) == (None, None, {})
    assert all(action == "Allow" for action, _p, _perms in after["acl"])
    dupont = browser_for(ville, "jean.dupont")
    reserver(dupont, ville, VJ, VACANCES)


def test_a_child_archived_alone_gets_no_inscription_nor_a_place_in_the_days_lists(ville):
    agent = staff(ville, "agent")
    url = "/manage/familles/%s/enfants/%s/" % (NUMERO, child_url(ville).rstrip("/").rsplit("/")[-1])
    effectifs = "/manage/structures/%s/%s/@@effectifs?date=%s" % (
        REST + (JEUDI_CONTRAT.isoformat(),)
    )
    assert "LUCAS" in agent.get(effectifs).text
    archiver_par(agent, url + "@@depart")
    assert etat(ville)["enfant"] == D(2026, 12, 1) and etat(ville)["famille"] is None
    assert "LUCAS" not in agent.get(effectifs).text
    page = agent.get(url + "@@inscriptions")
    form = page.forms["inscription"]
    remplir(form, oid_of(ville, MAM), "2026-2027", "2026-12-02")
    assert erreur(form.submit("ajouter", status=200), "prestation") == (
        "Cet enfant est parti le 01/12/2026 : réactivez-le (onglet Départ) avant de l'inscrire."
    )
    # the family's own tab: the child is listed among the departures
    assert "LUCAS DUPONT" in agent.get("/manage/familles/@@departs").text
    # the parent cannot ask anything for him, still for the family
    dupont = browser_for(ville, "jean.dupont")
    reserver(dupont, ville, VJ, VACANCES, status=404)
    assert dupont.get(DUPONT_URL + "demande-caf").status_int == 200


def test_retention_counts_from_the_departure_and_keeps_the_accounting(app):
    today = dates.today()

    def partir(root, registry):
        enfant = lucas(root)
        enfant.section_modifiable("sanitaires")["allergies"] = "Arachide"
        archiver(enfant, retention.plus_ans(today, -3) - datetime.timedelta(days=2), today=today)

    with_root(app.app, partir)
    before = etat(app)

    def run(root, registry):
        return retention.appliquer(root, today)

    assert with_root(app.app, run)["effaces"] == 1
    after = etat(app)
    assert dict(with_root(app.app, lambda root, registry: dict(lucas(root).sanitaires))) == {}
    for key in ("factures", "reglements", "lignes", "enfants"):
        assert after[key] == before[key]


def test_retention_waits_three_years_after_the_departure(app):
    today = dates.today()

    def partir(root, registry):
        enfant = lucas(root)
        enfant.section_modifiable("sanitaires")["allergies"] = "Arachide"
        archiver(enfant, retention.plus_ans(today, -3) + datetime.timedelta(days=2), today=today)
        return retention.appliquer(root, today)["effaces"]

    assert with_root(app.app, partir) == 0
