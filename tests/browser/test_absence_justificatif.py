"""A late absence with a medical certificate becomes "Absent excusé" and
the parent sees it (issue 21, part 3), in Chromium: the parent opens the
form from the planning, picks a canteen day whose absence deadline has
passed, attaches a PDF certificate; an agent opens it from the queue,
decides "Absent excusé" with a reason; the parent reads the decision and
its reason on the day's page and in "Liste des demandes".

LUCAS has the canteen's contract for the current school year
(test_planning_actions' ``annees_a_venir``): today's and the next days'
deadlines have passed (two working days before, 10:00), so the form
always offers a day (in term time)."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from portail_famille.demo import COMPTES, DUPONT

from .axe import aucune_violation
from .test_planning_actions import annees_a_venir, planning  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def _pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_late_absence_with_a_certificate_is_excused_and_the_parent_sees_it(
    portail, new_page, log_in
):
    parent = new_page()
    planning(portail, parent, log_in)
    parent.get_by_role("link", name="Déclarer une absence avec justificatif").click()
    expect(
        parent.get_by_role("heading", name="Déclaration d'absence avec justificatif")
    ).to_be_visible()
    aucune_violation(parent, "the late absence's form")
    choix = parent.get_by_label("Journée et activité")
    options = choix.locator("option", has_text="Restauration scolaire")
    if options.count() == 0:
        pytest.skip("no canteen day in term time around today (summer holidays)")
    valeur = options.first.get_attribute("value")
    choix.select_option(valeur)
    parent.get_by_label("Raison de l'absence").fill("Varicelle")
    parent.get_by_label("Certificat médical").set_input_files(
        {"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": _pdf()}
    )
    parent.get_by_label("Je confirme cette absence.").check()
    parent.get_by_role("button", name="Envoyer la déclaration").click()
    expect(parent.get_by_text("Absence avec justificatif transmise")).to_be_visible()

    agent = new_page()
    log_in(agent, "agent", COMPTES["agent"][0])
    agent.goto(portail.url("/manage/@@demandes?type=absence_justificatif"))
    ligne = agent.locator("tr", has_text=DUPONT["numero"]).filter(has_text="Varicelle")
    expect(ligne).to_contain_text("certificat.pdf")
    ligne.get_by_role("link", name="Traiter").click()
    documents = agent.locator("table.pieces")
    expect(documents).to_contain_text("Certificat médical")
    expect(documents.get_by_role("link", name="certificat.pdf")).to_be_visible()
    agent.get_by_label("Motif de la décision (la famille le lira)").fill("Certificat médical reçu.")
    agent.get_by_role("button", name="Absent excusé (non facturé)").click()
    expect(agent.get_by_text("Absent excusé.")).to_be_visible()

    oid, day = valeur.split(":")
    enfant = parent.url.split("/planning")[0]
    parent.goto(enfant + "/planning-jour?prestation=%s&date=%s" % (oid, day))
    expect(parent.locator(".etat-jour")).to_have_text("Absent excusé")
    expect(parent.locator(".decision")).to_have_text("Absent excusé")
    expect(parent.locator(".motif-decision")).to_have_text("Certificat médical reçu.")
    aucune_violation(parent, "the day's page with its decision")
    parent.goto(
        portail.url(
            "/familles/%s/liste-des-demandes?onglet=enfants&type=absence_justificatif"
            % DUPONT["numero"]
        )
    )
    acceptees = parent.locator("section", has_text="Demandes acceptées")
    expect(acceptees).to_contain_text("Décision : Absent excusé")
    expect(acceptees).to_contain_text("Motif de la décision : Certificat médical reçu.")
    expect(acceptees).to_contain_text("Date : %s/%s/%s" % tuple(reversed(day.split("-"))))
