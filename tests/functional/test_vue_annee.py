"""A school year on one screen (issue 18, item 8): the tab "Vue de l'année"
of an AnneeScolaire shows months × days with school holidays (zone C),
public holidays, closures and week-ends, and the opening days of each
prestation, per month and, for the prestation chosen, in the grid."""

import datetime

from substanced.util import get_oid

from ..conftest import make_app, with_root
from .test_demandes_staff import staff
from .test_reservations import REST

URL = "/manage/calendrier/2026-2027/@@vue-annee"


def ville(tmp_path):
    app = make_app(tmp_path, **{"portail.zone_vacances": "C"})

    def setup(root, registry):
        calendrier = root["calendrier"]
        if "2026-2027" not in calendrier:
            annee = registry.content.create(
                "AnneeScolaire",
                libelle="2026-2027",
                debut=datetime.date(2026, 9, 1),
                fin=datetime.date(2027, 7, 5),
            )
            calendrier.add("2026-2027", annee, registry=registry)
        fermeture = registry.content.create(
            "Fermeture",
            debut=datetime.date(2026, 10, 2),
            fin=datetime.date(2026, 10, 2),
            motif="Grève",
        )
        calendrier.add("fermeture-greve", fermeture, registry=registry)
        return get_oid(root["structures"][REST[0]][REST[1]])

    return app, with_root(app.app, setup)


def cellule(page, mois, jour):
    for tr in page.html.select("table.annee tbody tr"):
        if tr.th.get_text(strip=True) == mois:
            return tr.find_all("td")[jour - 1]
    raise AssertionError(mois)


def test_the_year_shows_holidays_public_holidays_closures_and_opening_days(tmp_path):
    app, rest = ville(tmp_path)
    agent = staff(app, "agent")
    page = agent.get(URL)
    mois = [tr.th.get_text(strip=True) for tr in page.html.select("table.annee tbody tr")]
    assert mois[0] == "Septembre 2026" and mois[-1] == "Juillet 2027" and len(mois) == 11
    noel = cellule(page, "Décembre 2026", 25)
    assert "ferie" in noel["class"] and noel.get_text(" ", strip=True).startswith("F")
    assert "Vendredi 25 Décembre 2026 : Jour férié" in noel.get_text()
    assert "petites-vacances" in cellule(page, "Décembre 2026", 21)["class"]
    assert "fermeture" in cellule(page, "Octobre 2026", 2)["class"]
    assert "week-end" in cellule(page, "Septembre 2026", 5)["class"]
    assert cellule(page, "Février 2027", 30)["class"] == ["hors-annee"]
    assert cellule(page, "Juillet 2027", 6)["class"] == ["hors-annee"]  # after 5 July

    # The canteen (Mon, Tue, Thu, Fri, school time): 17 days in September
    # 2026, none on 2 October (closed) nor in the Christmas holidays.
    ligne = next(
        tr
        for tr in page.html.select("table.ouvertures tbody tr")
        if "Restauration scolaire" in tr.th.get_text()
    )
    comptes = [td.get_text(strip=True) for td in ligne.find_all("td")]
    assert comptes[0] == "17"
    choisie = agent.get(URL, {"prestation": str(rest)})
    assert "ouvert" in cellule(choisie, "Septembre 2026", 1)["class"]
    assert "ouvert" not in cellule(choisie, "Septembre 2026", 2)["class"]  # Wednesday
    assert "ouvert" not in cellule(choisie, "Octobre 2026", 2)["class"]
    assert "ouvert" not in cellule(choisie, "Décembre 2026", 21)["class"]
    ouverts = choisie.html.select("table.annee td.ouvert")
    assert len(ouverts) == int(comptes[-1])
    # Junk in the query: the town's calendar, no error.
    assert agent.get(URL, {"prestation": "x" * 5000}).status_int == 200
