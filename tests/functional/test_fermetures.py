"""A closure of booked days (issue 16, "the calendar's guards"): the SDI
shows what it cancels and asks for a confirmation; the bookings become
"Fermeture" (places given back, not billed), each family gets one message
and one mail, the day lists show the closure; billed days are cancelled
and regularised; a closure of pointed days is refused; evolve step14
cancels the bookings of older closures.  The town's clock is frozen on
Tuesday 1 December 2026."""

import datetime

from bs4 import BeautifulSoup
from substanced.util import get_oid

from portail_famille.demandes.resources import REFUSEE
from portail_famille.demo import MARTIN
from portail_famille.evolve import STEPS, step14
from portail_famille.facturation import campagne
from portail_famille.planning import cells, places

from ..conftest import mails, with_root
from .test_demandes_staff import staff
from .test_enfants import browser_for, main
from .test_reservations import (  # noqa: F401 (clock and town: fixtures)
    ANNEE,
    JEUDI_CONTRAT,
    NUMERO,
    REST,
    VACANCES,
    VJ,
    cell,
    cell_text,
    clock,
    grid,
    lucas,
    reserver,
    taken,
    town,
)

D = datetime.date
AJOUT = "/manage/calendrier/@@add_fermeture"
EFFECTIFS = "/manage/structures/garderie-periscolaire/restauration-scolaire/@@effectifs"
POINTAGE = EFFECTIFS.replace("effectifs", "pointage")
CANTINE = "Garderie périscolaire Restauration scolaire"


def chloe(root):
    return next(iter(root["familles"][MARTIN["numero"]]["enfants"].values()))


def cantine(root):
    return root["structures"][REST[0]][REST[1]]


def chloe_a_la_cantine(app, *days):
    """CHLOÉ (MARTIN) enrolled at the canteen, ``days`` booked."""
    from portail_famille.inscriptions import inscrire
    from portail_famille.planning.service import changer

    def setup(root, registry):
        inscrire(chloe(root), get_oid(cantine(root)), ANNEE, D(2026, 9, 1))
        for day in days:
            changer(chloe(root), cantine(root), day, cells.RESERVE)

    with_root(app.app, setup)


def etat_chloe(app, day):
    return with_root(app.app, lambda root, r: cells.etat(chloe(root), get_oid(cantine(root)), day))


def remplir(page, debut, fin, motif, structure=None):
    form = page.forms["deform"]
    form.set("date", debut.isoformat(), index=0)
    form.set("date", fin.isoformat(), index=1)
    form["motif"] = motif
    if structure is not None:
        labels = {label: value for value, _s, label in form["structure"].options}
        form["structure"] = labels[structure]
    return form


def fermetures(app):
    return with_root(
        app.app,
        lambda root, r: [(f.debut, f.fin, f.motif) for f in root["calendrier"].fermetures()],
    )


def erreur(page, champ):
    item = BeautifulSoup(page.text, "html.parser").find(class_="item-%s" % champ)
    message = item.find(class_="help-block", id=lambda i: i and i.startswith("error-"))
    return message.get_text(" ", strip=True) if message else None


def facturer_octobre(app):
    """The régie's run of October 2026 (the month is over)."""

    def run(root, registry):
        regie = next(iter(root["regies"].values()))
        campagne.valider(
            root, regie, D(2026, 10, 1), D(2026, 10, 31), D(2026, 11, 2), registry=registry
        )

    with_root(app.app, run)


def factures_de(app, debut, fin):
    """The (child, prestation oid, day) cells the invoicing run would bill
    for DUPONT and MARTIN from ``debut`` to ``fin``."""

    def read(root, registry):
        regie = next(iter(root["regies"].values()))
        plan = campagne.Plan(root, regie, debut, fin)
        found = set()
        for famille, enfants in plan.familles:
            found.update(plan.proposition(famille, enfants).cellules)
        return found

    return with_root(app.app, read)


def test_a_closure_of_booked_days_is_previewed_confirmed_and_told(town):  # noqa: F811
    chloe_a_la_cantine(town, JEUDI_CONTRAT, JEUDI_CONTRAT + datetime.timedelta(days=1))
    assert cell(town, REST, JEUDI_CONTRAT) == cells.RESERVE
    assert taken(town, REST, JEUDI_CONTRAT) == 2
    mails_avant = len(mails(town))
    billed_before = factures_de(town, D(2026, 12, 1), D(2026, 12, 18))
    assert {day for _n, _o, day in billed_before} >= {JEUDI_CONTRAT}

    agent = staff(town, "agent")
    form = remplir(agent.get(AJOUT), JEUDI_CONTRAT, JEUDI_CONTRAT, "Grève du personnel")
    apercu = form.submit("ajouter", status=200)
    # The preview: what goes, family by family; nothing written yet.
    annonce = apercu.html.select_one(".apercu-fermeture .annonce").get_text(" ", strip=True)
    assert annonce.startswith("2 réservation(s) de 2 famille(s) seront annulées.")
    lignes = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in apercu.html.select(".apercu-fermeture table.familles tbody tr")
    ]
    assert [ligne[0] for ligne in lignes] == sorted([NUMERO, MARTIN["numero"]])
    assert any(
        "LUCAS, Restauration scolaire (Garderie périscolaire) : 10/12/2026" in ligne[2]
        for ligne in lignes
    )
    assert apercu.html.select_one("button[name=ajouter]").get_text(strip=True) == (
        "Confirmer la fermeture"
    )
    assert fermetures(town) == []
    assert cell(town, REST, JEUDI_CONTRAT) == cells.RESERVE
    assert len(mails(town)) == mails_avant

    done = apercu.forms["deform"].submit("ajouter", status=302)
    assert fermetures(town) == [(JEUDI_CONTRAT, JEUDI_CONTRAT, "Grève du personnel")]
    assert "2 réservation(s) annulée(s), 2 famille(s) prévenue(s)" in done.follow().text
    # Both bookings cancelled, their places given back; the next day stays.
    assert cell(town, REST, JEUDI_CONTRAT) == cells.FERMETURE
    assert etat_chloe(town, JEUDI_CONTRAT) == cells.FERMETURE
    assert etat_chloe(town, JEUDI_CONTRAT + datetime.timedelta(days=1)) == cells.RESERVE
    assert taken(town, REST, JEUDI_CONTRAT) == 0
    # The invoicing run bills the other days, not the closed one.
    billed = factures_de(town, D(2026, 12, 1), D(2026, 12, 18))
    assert {day for _n, _o, day in billed} == {day for _n, _o, day in billed_before} - {
        JEUDI_CONTRAT
    }

    # The family's grid shows "Fermeture", not "Réservé".
    dupont = browser_for(town, "jean.dupont")
    classes, text = cell_text(grid(dupont, town, JEUDI_CONTRAT), CANTINE, JEUDI_CONTRAT)
    assert "etat-fermeture" in classes and text.startswith("Fermeture")

    # One message in each family's Boîte de réception, one mail each.
    def messages(root, registry):
        found = {}
        for numero in (NUMERO, MARTIN["numero"]):
            found[numero] = [
                (c.objet, c.messages[0].texte, c.lu_famille)
                for c in root["familles"][numero]["messages"].values()
                if c.objet.startswith("Fermeture")
            ]
        return found

    found = with_root(town.app, messages)
    assert found[NUMERO] == [
        (
            "Fermeture le 10/12/2026 : réservations annulées",
            "Bonjour,\n\nLe service sera fermé le 10/12/2026 (motif : Grève du personnel).\n"
            "Les réservations suivantes sont annulées et ne seront pas facturées :\n"
            "- LUCAS, Restauration scolaire (Garderie périscolaire) : 10/12/2026\n\n"
            "Le service enfance jeunesse",
            False,
        )
    ]
    assert len(found[MARTIN["numero"]]) == 1
    assert "CHLOÉ, Restauration scolaire" in found[MARTIN["numero"]][0][1]
    boite = dupont.get("/familles/%s/boite-de-reception" % NUMERO)
    assert "Fermeture le 10/12/2026 : réservations annulées" in main(boite).get_text()
    nouveaux = [m for m in mails(town)[mails_avant:] if "fermeture" in m]
    assert len(nouveaux) == 2
    lucas_mail = next(m for m in nouveaux if "LUCAS" in m)
    assert "Subject: Portail Famille : fermeture le 10/12/2026, réservations annulées" in (
        lucas_mail
    )
    assert "Grève du personnel" in lucas_mail and "ne seront pas facturées" in lucas_mail

    # The staff's day lists: the closure, nobody expected, no pointage.
    page = agent.get(EFFECTIFS + "?date=" + JEUDI_CONTRAT.isoformat())
    assert "Fermé ce jour" in page.text
    fermeture = page.html.select_one(".effectifs .fermeture").get_text(" ", strip=True)
    assert "Grève du personnel" in fermeture and "2 réservation(s) annulée(s)" in fermeture
    assert page.html.select_one(".aucun-attendu") is not None
    assert page.html.select_one(".pris").get_text() == "0"
    page = agent.get(POINTAGE + "?date=" + JEUDI_CONTRAT.isoformat())
    assert "Le service est fermé ce jour (Fermeture) : pas de pointage." in page.text


def test_the_confirmation_holds_only_for_what_was_shown(town):  # noqa: F811
    """A booking made between the preview and the confirmation: the
    preview again, with it."""
    agent = staff(town, "agent")
    form = remplir(agent.get(AJOUT), JEUDI_CONTRAT, JEUDI_CONTRAT, "Travaux")
    apercu = form.submit("ajouter", status=200)
    assert "1 réservation(s) de 1 famille(s)" in apercu.html.select_one(".annonce").get_text()
    chloe_a_la_cantine(town, JEUDI_CONTRAT)
    again = apercu.forms["deform"].submit("ajouter", status=200)
    assert "2 réservation(s) de 2 famille(s)" in again.html.select_one(".annonce").get_text()
    assert fermetures(town) == []
    assert etat_chloe(town, JEUDI_CONTRAT) == cells.RESERVE
    # Another reason typed on the preview: shown again too.
    form = again.forms["deform"]
    form["motif"] = "Travaux de peinture"
    again = form.submit("ajouter", status=200)
    assert fermetures(town) == []
    again.forms["deform"].submit("ajouter", status=302)
    assert fermetures(town) == [(JEUDI_CONTRAT, JEUDI_CONTRAT, "Travaux de peinture")]
    assert etat_chloe(town, JEUDI_CONTRAT) == cells.FERMETURE


def test_a_pending_reservation_of_a_closed_day_is_refused(town):  # noqa: F811
    dupont = browser_for(town, "jean.dupont")
    reserver(dupont, town, VJ, VACANCES)
    assert cell(town, VJ, VACANCES) == cells.RESERVATION_TRAITEMENT
    agent = staff(town, "agent")
    form = remplir(agent.get(AJOUT), VACANCES, VACANCES, "Inventaire", "Accueil de Loisirs ALSH")
    form.submit("ajouter", status=200).forms["deform"].submit("ajouter", status=302)
    assert cell(town, VJ, VACANCES) == cells.FERMETURE
    assert taken(town, VJ, VACANCES) == 0

    def demande(root, registry):
        (found,) = [d for d in root["familles"][NUMERO]["demandes"].values() if d.jour == VACANCES]
        return found.etat, found.motif_refus

    assert with_root(town.app, demande) == (REFUSEE, "Fermeture du service : Inventaire")
    # No longer in the agents' queue.
    assert "21/12/2026" not in agent.get("/manage/@@demandes?type=reservation").text


def test_a_closure_without_bookings_is_added_at_once(town):  # noqa: F811
    """The ALSH closed on a canteen day: nothing of the ALSH booked, no
    preview; the canteen's booking stays."""
    agent = staff(town, "agent")
    form = remplir(
        agent.get(AJOUT), JEUDI_CONTRAT, JEUDI_CONTRAT, "Sortie", "Accueil de Loisirs ALSH"
    )
    done = form.submit("ajouter", status=302)
    assert "0 réservation(s) annulée(s), 0 famille(s) prévenue(s)" in done.follow().text
    assert fermetures(town) == [(JEUDI_CONTRAT, JEUDI_CONTRAT, "Sortie")]
    assert cell(town, REST, JEUDI_CONTRAT) == cells.RESERVE


def test_a_closure_of_billed_days_says_they_will_be_regularised(town):  # noqa: F811
    """Billed days are cancelled too, each regularised by the régie
    (test_regularisations); the preview says how many."""
    agent = staff(town, "agent")
    octobre = D(2026, 10, 1)
    facturer_octobre(town)
    page = remplir(agent.get(AJOUT), octobre, D(2026, 10, 2), "Erreur").submit(
        "ajouter", status=200
    )
    assert erreur(page, "debut") is None
    assert "Dont 2 journée(s) déjà facturée(s) : elles seront régularisées" in page.text
    assert fermetures(town) == []
    assert cell(town, REST, octobre) == cells.RESERVE


def test_a_closure_of_pointed_days_is_refused(town):  # noqa: F811
    agent = staff(town, "agent")

    # A child pointed present on a day not billed yet.
    pointe = D(2026, 12, 1)

    def pointer(root, registry):
        from portail_famille.planning.service import changer

        changer(lucas(root), cantine(root), pointe, cells.PRESENT_RESERVE)

    with_root(town.app, pointer)
    page = remplir(agent.get(AJOUT), pointe, JEUDI_CONTRAT, "Erreur").submit("ajouter", status=200)
    assert erreur(page, "debut") == (
        "Des enfants ont été pointés présents dans cette période (01/12/2026) : "
        "ces jours ne peuvent pas être fermés."
    )
    assert fermetures(town) == []
    assert cell(town, REST, JEUDI_CONTRAT) == cells.RESERVE


def test_a_closure_sheet_changes_its_reason_only(town):  # noqa: F811
    agent = staff(town, "agent")
    # The Friday of the Ascension bridge: nothing booked, no preview.
    remplir(agent.get(AJOUT), D(2027, 5, 7), D(2027, 5, 7), "Pont").submit("ajouter", status=302)
    name = with_root(town.app, lambda root, r: root["calendrier"].fermetures()[0].__name__)
    sheet = agent.get("/manage/calendrier/%s/@@properties" % name)
    assert set(sheet.forms["deform"].fields) >= {"motif"}
    assert "date" not in sheet.forms["deform"].fields
    form = sheet.forms["deform"]
    form["motif"] = "Pont de l'Ascension"
    form.submit("save", status=302)
    assert fermetures(town) == [(D(2027, 5, 7), D(2027, 5, 7), "Pont de l'Ascension")]


def test_step14_cancels_the_bookings_of_older_closures(town):  # noqa: F811
    assert "step14" in STEPS
    chloe_a_la_cantine(town, JEUDI_CONTRAT)
    facturer_octobre(town)

    def ancienne(root, registry):
        # As added before closures cancelled bookings: October (billed)
        # and 10 December (booked, not billed).
        for debut, fin in ((D(2026, 10, 1), D(2026, 10, 2)), (JEUDI_CONTRAT, JEUDI_CONTRAT)):
            closure = registry.content.create("Fermeture", debut=debut, fin=fin, motif="Ancienne")
            root["calendrier"].add("ancienne-%s" % debut.isoformat(), closure, registry=registry)

    with_root(town.app, ancienne)
    assert taken(town, REST, JEUDI_CONTRAT) == 2
    with_root(town.app, step14.evolve)
    assert cell(town, REST, JEUDI_CONTRAT) == cells.FERMETURE
    assert etat_chloe(town, JEUDI_CONTRAT) == cells.FERMETURE
    assert taken(town, REST, JEUDI_CONTRAT) == 0
    # The billed days stay as billed.
    assert cell(town, REST, D(2026, 10, 1)) == cells.RESERVE
    # Again: nothing changes.
    with_root(town.app, step14.evolve)
    assert taken(town, REST, JEUDI_CONTRAT) == 0
    assert with_root(town.app, lambda root, r: places.pris(cantine(root), JEUDI_CONTRAT)) == 0
