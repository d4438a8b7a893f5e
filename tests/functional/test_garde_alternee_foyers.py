"""The second household of a shared child as a parent and an agent expect
it (issue 21, garde alternée): JEANNE LAFOND's "Mes données" and her
messages name LUCAS (his common data, her days only, nothing of DUPONT's
household).

The town's clock is frozen on Tuesday 1 December 2026 (test_reservations)."""

import io
import json

from pypdf import PdfReader

from portail_famille.demo import DUPONT

from ..conftest import DUPONT_URL
from .test_garde_alternee import FOYER, FOYER_URL, MERCREDI_IMPAIR, jean, jeanne
from .test_reservations import (  # noqa: F401  (fixtures)
    MAM,
    MERCREDI,
    absence,
    child_url,
    clock,
    enfants,
    oid_of,
    reserver,
    town,
)

# What only DUPONT's household holds (JEANNE must never get it).
SECRETS_DUPONT = ("12 RUE DES BONBONS", "01.02.03.04.05", "jean.dupont@wanadoo.fr", "AL-36")


def test_mes_donnees_of_the_second_household_hold_the_shared_child(town):  # noqa: F811
    browser = jeanne(town)
    reserver(browser, town, MAM, MERCREDI)
    reserver(jean(town), town, MAM, MERCREDI_IMPAIR)
    response = browser.get(FOYER_URL + "mes-donnees.json")
    data = json.loads(response.body)
    assert data["famille"]["numero"] == FOYER
    assert [e["identite"]["prenom"] for e in data["enfants_partages"]] == ["LUCAS"]
    lucas = data["enfants_partages"][0]
    assert lucas["identifiant"] == enfants(town)["LUCAS"][0]
    assert set(lucas) >= {"identite", "sanitaires", "autorisations", "inscriptions"}
    assert lucas["inscriptions"]
    # Her days only: the Wednesday she booked, not JEAN's nor the contract's.
    assert [r["date"] for r in lucas["planning"]] == [MERCREDI.isoformat()]
    # Nothing of DUPONT's household: record, invoices, requests, messages.
    text = response.body.decode("utf-8")
    assert [s for s in SECRETS_DUPONT if s in text] == []
    assert DUPONT["numero"] not in text
    assert all(d["demandeur"] == "jeanne.lafond" for d in data["demandes"])
    assert data["factures"] == [] and data["messages"] == []
    # The readable PDF says it too.
    document = browser.get(FOYER_URL + "mes-donnees.pdf")
    reader = PdfReader(io.BytesIO(document.body))
    texte = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "LUCAS" in texte and "Garde alternée" in texte
    assert [s for s in SECRETS_DUPONT if s in texte] == []
    # DUPONT's own export is unchanged: LUCAS is his household's child.
    dupont = json.loads(jean(town).get(DUPONT_URL + "mes-donnees.json").body)
    assert dupont["enfants_partages"] == []
    assert "LUCAS" in [e["identite"]["prenom"] for e in dupont["enfants"]]


def test_the_second_household_writes_about_the_shared_child_from_its_mailbox(town):  # noqa: F811
    browser = jeanne(town)
    reserver(browser, town, MAM, MERCREDI)
    # A second change of the same day: refused, with the link to write to
    # the service from HER mailbox (not DUPONT's: a 404 for her).
    grille = absence(browser, town, MAM, MERCREDI).follow()
    liens = [a["href"] for a in grille.html.find_all("a") if "boite-de-reception" in a["href"]]
    ecrire = [lien for lien in liens if "enfant=" in lien]
    assert ecrire and all(lien.startswith(FOYER_URL) for lien in ecrire), liens
    page = browser.get(ecrire[0])
    objet = page.html.find("input", {"name": "objet"})["value"]
    assert objet == "Modification du planning : LUCAS — Mercredi après-midi — 09/12/2026"
    # The same pre-fill for another household's child it does not share:
    # ignored (forged values).
    forged = FOYER_URL + "boite-de-reception?enfant=%s&prestation=%s&date=%s" % (
        "inconnu",
        oid_of(town, MAM),
        MERCREDI.isoformat(),
    )
    assert "Modification du planning" not in browser.get(forged).text
    assert child_url(town).startswith(DUPONT_URL)
