"""A parent chooses reminders on a phone (Mon compte > Mes rappels), an
invoice is issued, the batch sends its reminder by mail, once, and the
page lists it; axe finds no WCAG 2.1 A/AA violation on the way."""

import datetime
import os
from decimal import Decimal

import pytest
import transaction
from playwright.sync_api import expect
from pyramid.scripting import prepare

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.facturation import service as facturation
from portail_famille.rappels import script

from .axe import aucune_violation
from .conftest import servir

pytestmark = pytest.mark.browser
NUMERO = DUPONT["numero"]
MON_COMPTE = "/familles/%s/mon-compte" % NUMERO


@pytest.fixture(scope="module")
def portail(request, tmp_path_factory):
    base = tmp_path_factory.mktemp("portail")
    yield from servir(
        request,
        base,
        **{"portail.sms.transport": "repertoire", "portail.sms.directory": str(base / "sms")},
    )


def _dans_l_application(portail, travail):
    env = prepare(registry=portail.wsgi.registry)
    try:
        result = travail(env["request"], env["root"])
        transaction.commit()
        return result
    except Exception:
        transaction.abort()
        raise
    finally:
        env["closer"]()


def _emettre(request, root):
    jour = dates.today()
    ligne = {"enfant": "X", "montant": Decimal("18.40"), "quantite": 1, "prix": Decimal("18.40")}
    return facturation.emettre_facture(
        root["familles"][NUMERO],
        root["regies"]["regie-garderie-alsh"],
        jour,
        jour,
        jour,
        [ligne],
        echeance=jour + datetime.timedelta(days=22),
    ).numero


def test_reminders_chosen_on_a_phone_then_sent_once(portail, new_page, log_in):
    parent = new_page(viewport={"width": 375, "height": 740})
    log_in(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    parent.goto(portail.url(MON_COMPTE))
    parent.locator("#rappels").get_by_role("link", name="Mes rappels").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Mes rappels")
    # DUPONT's Autorisation SMS is Non: SMS boxes disabled, the reason given
    expect(parent.locator("#facture-sms")).to_be_disabled()
    expect(parent.locator("#choix-rappels .refus-canal")).to_contain_text("Autorisation SMS")
    aucune_violation(parent, "the reminders' page")
    parent.locator("#facture-courriel").check()
    parent.locator("#echeance-courriel").check()
    parent.get_by_role("button", name="Enregistrer mes choix").click()
    expect(parent.get_by_text("Vos choix de rappels sont enregistrés.")).to_be_visible()
    expect(parent.locator("#facture-courriel")).to_be_checked()
    expect(parent.locator("#cantine-courriel")).not_to_be_checked()
    largeur = parent.evaluate("document.documentElement.scrollWidth")
    assert largeur <= 375, largeur

    numero = _dans_l_application(portail, _emettre)
    directory = portail.wsgi.registry.settings["portail.mail_directory"]
    avant = len(os.listdir(directory)) if os.path.isdir(directory) else 0
    for _fois in range(2):
        _dans_l_application(
            portail, lambda request, root: script.envoyer_rappels(request, root, tm=None)
        )
    assert len(os.listdir(directory)) == avant + 1
    parent.reload()
    historique = parent.locator("#historique-rappels")
    expect(historique).to_contain_text("Une nouvelle facture est émise")
    expect(historique).to_contain_text("Par courriel")
    expect(historique).to_contain_text("Envoyé")
    aucune_violation(parent, "the reminders' page with its history")
    assert numero
