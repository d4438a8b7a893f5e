"""Attendance that matches a real morning (issue 18, item 4): a walk-in
found by name and added present, arrival and departure times at the
"Garderie matin" (billed by the hour: 2,20 € an hour for the DUPONT
family, every quarter hour started due), Absent excusé with its reason
(not billed) or Absent facturé, and corrections after the invoicing run
regularised by the régie.  The town's clock is frozen
(test_reservations): LUCAS (DUPONT) is not enrolled at the garderie."""

import datetime
from decimal import Decimal

from substanced.util import get_oid

from portail_famille import dates, journal
from portail_famille.facturation import regularisation
from portail_famille.facturation.schemas import AVOIR, ECHU
from portail_famille.inscriptions import cle
from portail_famille.planning import cells, horaires
from portail_famille.rgpd import retention

from ..conftest import DUPONT_URL, with_root
from .test_demandes_staff import staff
from .test_enfants import browser_for
from .test_regularisations import (
    DECEMBRE,
    apercu,
    document,
    facturee,
    facturer,
    regler,
    regularisations,
)
from .test_reservations import (  # noqa: F401 (clock and town: fixtures)
    ANNEE,
    JEUDI_CONTRAT,
    NUMERO,
    REST,
    cell,
    clock,
    lucas,
    oid_of,
    town,
)

D = datetime.date
E = Decimal
GAR = ("garderie-periscolaire", "garderie-matin")
URL = "/manage/structures/%s/%s/@@pointage"
MARDI = D(2026, 12, 1)
JEUDI = D(2026, 12, 3)


def moment(day, heure, minute):
    return datetime.datetime(day.year, day.month, day.day, heure, minute, tzinfo=dates.PARIS)


def feuille(agent, day, path=GAR, **params):
    return agent.get(URL % path, {"date": day.isoformat(), **params})


def poster(agent, day, champs, path=GAR, status=302):
    token = feuille(agent, day, path).forms["pointage"]["csrf_token"].value
    return agent.post(
        URL % path, {"csrf_token": token, "date": day.isoformat(), **champs}, status=status
    )


def releve(app, path, day):
    oid = oid_of(app, path)
    return with_root(app.app, lambda root, r: horaires.releve(lucas(root), oid, day))


def lucas_oid(app):
    return with_root(app.app, lambda root, r: str(get_oid(lucas(root))))


def lignes_de(app, numero, prestation):
    """(quantity, unit price, amount, hours of each day) of the invoice's
    lines of ``prestation``."""

    def read(root, registry):
        facture = root["familles"][NUMERO]["factures"][numero]
        return [
            (ligne["quantite"], ligne["prix"], ligne["montant"], ligne.get("heures"))
            for ligne in facture.lignes
            if ligne["prestation"] == prestation
        ]

    return with_root(app.app, read)


def walk_in_with_times(app, clock):  # noqa: F811
    """LUCAS comes to the garderie on Tuesday 1 December without being
    enrolled: found by "luc", added at 7:32 (enrolled from that day), left
    at 8:40."""
    agent = staff(app, "agent")
    clock.now = moment(MARDI, 7, 32)
    page = feuille(agent, MARDI, q="luc")
    trouve = page.html.select_one("ul.trouves li")
    assert "LUCAS" in trouve.get_text() and "sera inscrit" in trouve.get_text()
    oid = trouve.select_one("button[name=ajouter]")["value"]
    assert oid == lucas_oid(app)
    poster(agent, MARDI, {"ajouter": oid})
    assert cell(app, GAR, MARDI) == cells.PRESENT
    assert releve(app, GAR, MARDI) == ("07:32", "", "")  # arrived at the tap
    garderie = oid_of(app, GAR)
    assert with_root(app.app, lambda root, r: cle(ANNEE, garderie) in lucas(root).inscriptions)
    clock.now = moment(MARDI, 8, 41)
    form = feuille(agent, MARDI).forms["pointage"]
    assert form["arrivee-%s" % oid].value == "07:32"
    form["depart-%s" % oid] = "08:40"
    form.submit("enregistrer", status=302)
    assert releve(app, GAR, MARDI) == ("07:32", "08:40", "")
    return agent, oid


def test_walk_in_with_times_is_billed_by_the_hour(town, clock):  # noqa: F811
    agent, oid = walk_in_with_times(town, clock)
    # Thursday: enrolled now, chosen in the list; 7:30 to 8:00.
    clock.now = moment(JEUDI, 8, 5)
    (trouve,) = feuille(agent, JEUDI, q="Dupont LUC").html.select("ul.trouves li")
    assert "LUCAS" in trouve.get_text() and "sera inscrit" not in trouve.get_text()
    assert feuille(agent, JEUDI, q="zzz").html.select_one(".aucun-trouve") is not None
    form = feuille(agent, JEUDI).forms["pointage"]
    form["ajout"] = oid
    form.submit("enregistrer", status=302)
    form = feuille(agent, JEUDI).forms["pointage"]
    form["arrivee-%s" % oid] = "7h30"
    form["depart-%s" % oid] = "08:00"
    form.submit("enregistrer", status=302)
    assert releve(town, GAR, JEUDI) == ("07:30", "08:00", "")

    # Each child's change is journaled, without any reason of absence.
    def entries(root, registry):
        found, _next = journal.lire(root, quoi="PointageEnregistre")
        return [(e["qui"], e["famille"], e["details"]) for e in found]

    found = with_root(town.app, entries)
    assert len(found) == 4
    assert found[0] == (
        "agent",
        NUMERO,
        {
            "jour": "03/12/2026",
            "prestation": "Garderie périscolaire — Garderie matin",
            "avant": "Présent",
            "apres": "Présent",
            "arrivee": "07:30",
            "depart": "08:00",
        },
    )

    # January: December is billed.  1 h 08 -> 1,25 h, 30 min -> 0,5 h:
    # 1,75 h at 2,20 € = 3,85 €.
    clock.now = moment(D(2027, 1, 4), 9, 0)
    numero, _n, _total = facturer(town, DECEMBRE)
    assert lignes_de(town, numero, "Garderie matin") == [
        (E("1.75"), E("2.20"), E("3.85"), (E("1.25"), E("0.5")))
    ]
    assert facturee(town, GAR, MARDI) == facturee(town, GAR, JEUDI) == numero
    assert apercu(town, DECEMBRE)["nombre"] == 0  # never twice


def test_bad_times_and_missing_reason_are_answered_beside_the_field(town, clock):  # noqa: F811
    agent, oid = walk_in_with_times(town, clock)
    cases = [
        ({"arrivee-%s" % oid: "25:00"}, "arrivee", "Heure invalide"),
        ({"depart-%s" % oid: "07:00"}, "depart", "après l'heure d'arrivée"),
        ({"arrivee-%s" % oid: "", "depart-%s" % oid: "08:00"}, "arrivee", "heure d'arrivée"),
    ]
    for champs, champ, message in cases:
        form = feuille(agent, MARDI).forms["pointage"]
        for name, value in champs.items():
            form[name] = value
        page = form.submit("enregistrer", status=400)
        erreur = page.html.select_one("#erreur-%s-%s" % (champ, oid))
        assert message in erreur.get_text(), champs
        # what was typed is shown again, nothing was written
        assert page.forms["pointage"][champ + "-" + oid].value == champs.get(
            champ + "-" + oid, page.forms["pointage"][champ + "-" + oid].value
        )
        assert releve(town, GAR, MARDI) == ("07:32", "08:40", "")
    # An excused absence needs its reason (a canteen day of the contract).
    clock.now = moment(JEUDI_CONTRAT, 12, 0)
    form = feuille(agent, JEUDI_CONTRAT, REST).forms["pointage"]
    form["presence-%s" % oid] = "excuse"
    page = form.submit("enregistrer", status=400)
    assert "Indiquez le motif" in page.html.select_one("#erreur-motif-%s" % oid).get_text()
    assert cell(town, REST, JEUDI_CONTRAT) == cells.RESERVE
    # A walk-in cannot be "excused": a forged choice, nothing written.
    page = poster(agent, MARDI, {"presence-%s" % oid: "excuse"}).follow()
    assert "Enfant ou choix inconnu" in page.text
    assert cell(town, GAR, MARDI) == cells.PRESENT


def test_excused_absence_is_not_billed_and_keeps_its_reason(town, clock):  # noqa: F811
    oid = lucas_oid(town)
    agent = staff(town, "agent")
    vendredi = JEUDI_CONTRAT + datetime.timedelta(days=1)
    clock.now = moment(vendredi, 14, 0)
    form = feuille(agent, JEUDI_CONTRAT, REST).forms["pointage"]
    form["presence-%s" % oid] = "excuse"
    form["motif-%s" % oid] = "  Malade,   certificat  "
    form.submit("enregistrer", status=302)
    form = feuille(agent, vendredi, REST).forms["pointage"]
    form["presence-%s" % oid] = "absent"
    form.submit("enregistrer", status=302)
    assert cell(town, REST, JEUDI_CONTRAT) == cells.ABSENT_EXCUSE
    assert releve(town, REST, JEUDI_CONTRAT) == ("", "", "Malade, certificat")
    assert cell(town, REST, vendredi) == cells.ABSENT_FACTURE
    # the sheet shows it excused, with its reason
    page = feuille(agent, JEUDI_CONTRAT, REST)
    assert page.forms["pointage"]["presence-%s" % oid].value == "excuse"
    assert page.forms["pointage"]["motif-%s" % oid].value == "Malade, certificat"

    clock.now = moment(D(2027, 1, 4), 9, 0)
    numero, _n, _total = facturer(town, DECEMBRE)
    rest = oid_of(town, REST)

    def jours(root, registry):
        facture = root["familles"][NUMERO]["factures"][numero]
        return {day for _nom, p, day in facture.cellules if p == rest}

    billed = with_root(town.app, jours)
    assert vendredi in billed  # absent facturé
    assert JEUDI_CONTRAT not in billed  # absent excusé
    assert facturee(town, REST, JEUDI_CONTRAT) is None

    # The family's "Mes données" holds the reason; the retention erases it.
    data = browser_for(town, "jean.dupont").get(DUPONT_URL + "mes-donnees.json").json
    (row,) = [
        r
        for r in data["enfants"][0]["planning"]
        if r["date"] == JEUDI_CONTRAT.isoformat() and r["prestation"] == "Restauration scolaire"
    ]
    assert (row["libelle"], row["motif"]) == ("Absent excusé", "Malade, certificat")

    def effacer(root, registry):
        retention.effacer(lucas(root), D(2031, 1, 1))

    with_root(town.app, effacer)
    assert releve(town, REST, JEUDI_CONTRAT) is None


def test_correction_after_billing_is_a_credit_note_of_the_hours_billed(town, clock):  # noqa: F811
    regler(town, ECHU, AVOIR)
    agent, oid = walk_in_with_times(town, clock)
    clock.now = moment(D(2027, 1, 4), 9, 0)
    numero, _n, _total = facturer(town, DECEMBRE)
    assert lignes_de(town, numero, "Garderie matin") == [
        (E("1.25"), E("2.20"), E("2.75"), (E("1.25"),))
    ]
    montant = document(town, numero)[1]
    # Its times cannot be changed any more: the régie corrects.
    form = feuille(agent, MARDI).forms["pointage"]
    form["depart-%s" % oid] = "09:40"
    page = form.submit("enregistrer", status=400)
    assert "déjà facturé (facture %s)" % numero in page.text
    assert releve(town, GAR, MARDI) == ("07:32", "08:40", "")
    # LUCAS was not there after all: credited what the invoice billed.
    poster(agent, MARDI, {"presence-%s" % oid: "absent"})
    assert cell(town, GAR, MARDI) is None
    found = [r for r in regularisations(town) if r[2] == MARDI]
    assert len(found) == 1
    sens, cause, _jour, etat, credit, corrigee, avoir = found[0]
    assert (sens, cause, etat, credit, corrigee) == (
        regularisation.CREDIT,
        cells.POINTAGE,
        regularisation.FAITE,
        E("2.75"),
        numero,
    )
    kind, total, facture_corrigee, motif, _figee = document(town, avoir)
    assert (kind, total, facture_corrigee) == ("avoir", E("2.75"), numero)
    assert "pointage le 01/12/2026 (LUCAS) — Garderie matin" in motif
    assert document(town, numero)[1] == montant  # the invoice never changes
    assert facturee(town, GAR, MARDI) is None


def test_a_forged_walk_in_enrols_nobody(town, clock):  # noqa: F811
    """Only a child of the town who has not left may be added: not a
    family, not an archived child, not a number of nothing."""
    agent = staff(town, "agent")
    clock.now = moment(MARDI, 7, 30)
    garderie = oid_of(town, GAR)

    def oids(root, registry):
        return str(get_oid(root["familles"][NUMERO])), str(get_oid(lucas(root)))

    def partir(root, registry):
        lucas(root).partie_le = MARDI - datetime.timedelta(days=1)

    def inscrit(root, registry):
        return cle(ANNEE, garderie) in lucas(root).inscriptions

    famille, enfant = with_root(town.app, oids)
    for value in (famille, "999999", "abc"):
        page = poster(agent, MARDI, {"ajouter": value}).follow()
        assert "ne peut pas être ajouté" in page.text, value
    with_root(town.app, partir)
    page = poster(agent, MARDI, {"ajouter": enfant}).follow()
    assert "ne peut pas être ajouté" in page.text
    assert cell(town, GAR, MARDI) is None
    assert with_root(town.app, inscrit) is False
