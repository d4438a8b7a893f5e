"""Extra POST fields (state, amount, family, role, numero, etat, montant,
famille, roles, groups, __name__ ...) added to the parent and staff forms
change nothing they should not: each form is sent twice, as a browser sends
it and with the extra fields, and both give the same result; what no form
of the kind may touch (the records, invoices, payments, accounts' groups,
the other family) stays as it was."""

import re

import pytest
from substanced.util import find_service

from portail_famille.demandes.resources import ACCEPTEE, EN_ATTENTE
from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.paiement.resources import NOM as PAIEMENTS

from ..conftest import DUPONT_URL, csrf, login, with_root
from ..travaux import une_passe
from . import acces
from .conftest import client
from .test_reservations import (  # noqa: F401 (clock and town: fixtures)
    JEUDI_CONTRAT,
    REST,
    VACANCES,
    VJ,
    absence,
    child_url,
    clock,
    reserver,
    town,
)

NUMERO = DUPONT["numero"]


@pytest.fixture
def ville(request):
    """test_reservations' town: LUCAS enrolled for 2026-2027, a frozen clock."""
    return request.getfixturevalue("town")


EN_TROP = {
    "state": "accepted",
    "amount": "0.01",
    "family": MARTIN["numero"],
    "role": "admins",
    "numero": MARTIN["numero"],
    "etat": "acceptee",
    "montant": "0.01",
    "famille": MARTIN["numero"],
    "roles": "admins",
    "groups": "admins",
    "__name__": "pirate",
    "demandeur": "agent",
    "type_demande": "bancaires",
    "auteur": "service",
    "enfant": "PIRATE",
    "reste": "0",
    "mode": "especes",
    "valeurs": "x",
}


def etat_protege(app):
    """What no parent form may change: both families' records, children,
    invoices, payments and ACL, and every account's groups."""

    def read(root, registry):
        out = {}
        for numero, famille in root["familles"].items():
            out[numero] = {
                "sections": {
                    s: dict(getattr(famille, s))
                    for s in ("responsable", "conjoint", "fiscales", "caf", "bancaires")
                },
                "enfants": {
                    n: (e.prenom, e.nom, dict(e.sanitaires), dict(e.autorisations))
                    for n, e in famille["enfants"].items()
                },
                "factures": {
                    n: (d.montant, dict(d.affectations)) for n, d in famille["factures"].items()
                },
                "reglements": {
                    n: (d.montant, dict(d.affectations)) for n, d in famille["reglements"].items()
                },
                "acl": [tuple(map(str, ace[:2])) for ace in getattr(famille, "__acl__", [])],
            }
        users = find_service(root, "principals", "users")
        out["comptes"] = {n: sorted(map(str, u.groupids)) for n, u in users.items()}
        return out

    return with_root(app.app, read)


def demandes(app, numero=NUMERO):
    """The family's requests, oldest first: (type, state, values, who)."""

    def read(root, registry):
        found = sorted(root["familles"][numero]["demandes"].values(), key=lambda d: d.date_demande)
        return [(d.type_demande, d.etat, dict(d.valeurs), d.demandeur) for d in found]

    return with_root(app.app, read)


def parent(app):
    browser = client(app)
    login(browser, "jean.dupont", COMPTES["jean.dupont"][0])
    return browser


def envoyer_formulaire(browser, url, changes, extras=None):
    """The form of ``url`` with ``changes``, sent with its button, plus
    ``extras`` (fields the form does not have)."""
    form = browser.get(url).forms["demande"]
    for name, value in changes.items():
        form[name] = value
    fields = form.submit_fields("enregistrer")
    assert not set(EN_TROP) & {name for name, _ in fields}, "an extra field is a real one"
    fields += list((extras or {}).items())
    return browser.post(url, fields, status=302)


@pytest.mark.parametrize(
    ("vue", "changes"),
    [
        ("demande-bancaires", {"nom_banque": "BANQUE POPULAIRE"}),
        ("demande-responsable", {"telephone_prof": "0476000000"}),
        ("demande-sanitaires", {"medecin_nom": "DR MARTIN"}),
    ],
)
def test_mon_compte_and_child_forms_take_only_their_fields(ville, vue, changes):
    browser = parent(ville)
    url = DUPONT_URL + vue
    if vue == "demande-sanitaires":
        url = child_url(ville) + vue
    avant = etat_protege(ville)
    envoyer_formulaire(browser, url, changes)
    normale = demandes(ville)
    assert len(normale) == 1 and normale[0][1] == EN_ATTENTE, normale
    # The same form with the extra fields: it replaces the pending request
    # (one pending request per section) with the very same one.
    envoyer_formulaire(browser, url, changes, EN_TROP)
    remplacee = normale[0][:1] + ("remplacee",) + normale[0][2:]
    assert sorted(demandes(ville), key=repr) == sorted([remplacee, normale[0]], key=repr)
    assert normale[0][3] == "jean.dupont"
    assert etat_protege(ville) == avant
    assert demandes(ville, MARTIN["numero"]) == []


def test_reservation_and_absence_take_only_their_fields(ville):
    browser = parent(ville)
    avant = etat_protege(ville)
    reserver(browser, ville, VJ, VACANCES)
    reserver(browser, ville, VJ, VACANCES.replace(day=VACANCES.day + 1), **EN_TROP)
    absence(browser, ville, REST, JEUDI_CONTRAT)
    absence(browser, ville, REST, JEUDI_CONTRAT.replace(day=JEUDI_CONTRAT.day + 1), **EN_TROP)
    found = demandes(ville)
    assert len(found) == 4, found
    # Two of each kind (the clock is frozen: same date, any order).
    for kind in ("reservation", "absence"):
        normal, extra = [d for d in found if d[0] == kind]
        assert (extra[0], extra[1], extra[3]) == (normal[0], normal[1], normal[3])
        assert set(extra[2]) == set(normal[2]), (normal, extra)
        assert not set(extra[2]) & set(EN_TROP)
    assert etat_protege(ville) == avant
    assert demandes(ville, MARTIN["numero"]) == []


def conversations(app, numero):
    def read(root, registry):
        return [
            (c.objet, c.famille.numero, [m.auteur for m in c.messages], c.lu_famille, c.lu_service)
            for c in root["familles"][numero]["messages"].values()
        ]

    return sorted(with_root(app.app, read))


def test_a_message_takes_only_its_fields(ville):
    browser = parent(ville)
    avant = etat_protege(ville)
    martin_avant = conversations(ville, MARTIN["numero"])
    boite = DUPONT_URL + "boite-de-reception"
    for objet, extras in (("Normal", {}), ("Avec du rab", EN_TROP)):
        token = csrf(browser.get(boite + "?onglet=nouveau"))
        fields = {"csrf_token": token, "structure": "", "objet": objet, "texte": "Bonjour"}
        browser.post(boite, dict(fields, **extras), status=302)
    found = {c[0]: c[1:] for c in conversations(ville, NUMERO)}
    assert found["Avec du rab"] == found["Normal"], found
    assert found["Normal"][0] == NUMERO
    assert conversations(ville, MARTIN["numero"]) == martin_avant
    assert etat_protege(ville) == avant


def test_a_payment_takes_its_amount_from_the_invoice(ville):
    browser = parent(ville)
    payer = DUPONT_URL + "factures/AL-36/payer"
    page = browser.get(payer)
    fields = dict(EN_TROP, email="recu@example.org", csrf_token=csrf(page))
    banque = browser.post(payer, fields, status=302).location
    assert banque.startswith("http://localhost/banque-simulee/")

    def tentatives(root, registry):
        facture = root["familles"][NUMERO]["factures"]["AL-36"]
        return facture.reste, [
            (p.famille, p.facture, p.montant) for p in root.__dict__[PAIEMENTS].values()
        ]

    reste, started = with_root(ville.app, tentatives)
    assert started == [(NUMERO, "AL-36", reste)]
    # The bank's page, sent back with extra fields too: the payment recorded
    # is the invoice's amount, for DUPONT.
    page = browser.get(banque)
    browser.post(banque, dict(EN_TROP, choix="payer", csrf_token=csrf(page)), status=302)

    def reglements(root, registry):
        return {
            n: [(r.montant, r.mode) for r in root["familles"][n]["reglements"].values()]
            for n in (NUMERO, MARTIN["numero"])
        }

    found = with_root(ville.app, reglements)
    assert (reste, "carte") in found[NUMERO]
    assert found[MARTIN["numero"]] == []


def test_processing_a_request_applies_only_the_request(ville):
    browser = parent(ville)
    envoyer_formulaire(browser, DUPONT_URL + "demande-caf", {"numero_allocataire": "7654321"})
    avant = etat_protege(ville)
    agent = client(ville)
    login(agent, "agent", COMPTES["agent"][0])
    queue = agent.get("/manage/@@demandes?type=caf")
    page = agent.get(re.search(r'href="([^"]+@@traiter)"', queue.text).group(1))
    form = page.forms[0] if "accepter" in page.forms[0].fields else page.forms[1]
    fields = form.submit_fields("accepter")
    fields += list(
        dict(EN_TROP, numero_allocataire="9999999", quotient_familial="1", regime="MSA").items()
    )
    agent.post(page.request.path, fields, status=302)
    assert demandes(ville)[-1][1] == ACCEPTEE
    apres = etat_protege(ville)
    caf = apres[NUMERO]["sections"].pop("caf")
    assert caf == dict(avant[NUMERO]["sections"].pop("caf"), numero_allocataire="7654321")
    assert apres == avant


def test_the_invoicing_run_takes_only_its_period(app):
    """The régisseur's run with extra fields bills what the planning says
    (test_facturation_campagne: one invoice AL-229 of 34.40 for DUPONT)."""
    from decimal import Decimal

    from .test_facturation_campagne import MAI, REGIE_URL, _mai, empreinte

    with_root(app.app, _mai)
    regisseur = client(app)
    login(regisseur, "regisseur", COMPTES["regisseur"][0])
    token = acces.jeton_de(regisseur)
    fields = dict(
        EN_TROP,
        debut="2015-05-01",
        fin="2015-05-31",
        empreinte=empreinte(app.app, *MAI),
        confirmer="1",
        csrf_token=token,
    )
    fields.update({"par": "admin", "emise_par": "admin", "regie": "PIRATE", "total": "0"})
    regisseur.post(REGIE_URL, fields, status=302)
    assert une_passe(app.app) == 1  # the run, by a worker

    def read(root, registry):
        factures = {
            n: [
                (f.numero, f.montant, f.emise_par, f.regie)
                for f in root["familles"][n]["factures"].values()
            ]
            for n in (NUMERO, MARTIN["numero"])
        }
        return factures, root["regies"]["regie-garderie-alsh"].sequence.dernier

    factures, dernier = with_root(app.app, read)
    assert ("AL-229", Decimal("34.40"), "regisseur", "Régie garderie ALSH") in factures[NUMERO]
    assert factures[MARTIN["numero"]] == []
    assert dernier == 229
