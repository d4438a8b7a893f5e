"""Régies are objects, not words (issue 16, item 3; issue 15, item 5): a
prestation, an invoice, a payment refer to their régie by identity; the
régie is chosen among the régies by the régie's staff only; renaming a
régie changes no billing; its prefix is frozen once it has numbered
something; evolve step12 takes the titles over, or refuses."""

import datetime
from decimal import Decimal

import pytest
from substanced.util import get_oid

from portail_famille.demo import COMPTES, DUPONT
from portail_famille.evolve import EtapeRefusee, step12
from portail_famille.facturation import campagne, regies, service, tarifs
from portail_famille.facturation.regies import regie_de
from portail_famille.paiement.resources import Paiement, ajouter
from portail_famille.planning import cells

from ..conftest import csrf, login, with_root
from .conftest import client

D = Decimal
MAI = (datetime.date(2015, 5, 1), datetime.date(2015, 5, 31))
REGIE = "regie-garderie-alsh"
REGIE_SDI = "/manage/regies/%s/" % REGIE
CANTINE = ("garderie-periscolaire", "restauration-scolaire")
MERCREDI = ("accueil-de-loisirs-alsh", "mercredi-journee")
CANTINE_SDI = "/manage/structures/%s/%s/" % CANTINE


def _regie(root):
    return root["regies"][REGIE]


def _prestation(root, key):
    return root["structures"][key[0]][key[1]]


def _famille(root):
    return root["familles"][DUPONT["numero"]]


def _vacances(root, registry):
    """A second régie, that has numbered nothing."""
    regie = registry.content.create("Regie", title="Régie des vacances", prefixe="VA-")
    root["regies"].add("regie-des-vacances", regie, registry=registry)
    return get_oid(regie)


def _mai(root, registry):
    """The DUPONT child's canteen on four days of May 2015 and a Wednesday."""
    enfant = next(iter(_famille(root)["enfants"].values()))
    for key, days in ((CANTINE, (4, 5, 7, 11)), (MERCREDI, (6,))):
        oid = get_oid(_prestation(root, key))
        for day in days:
            cells.set_cell(enfant, oid, datetime.date(2015, 5, day), cells.RESERVE)


def _sans_noms(found):
    """A preview without what names the régie: its lines and totals."""
    return (
        found["nombre"],
        found["lignes"],
        found["cellules"],
        found["total"],
        [(f["numero"], f["lignes"], f["montant"]) for f in found["familles"]],
    )


def _post(app, url, form, **changes):
    """POST ``form`` as the browser would, with fields changed or added
    (a forged request: fields the form does not have)."""
    fields = [(k, v) for k, v in form.submit_fields("save") if k not in changes]
    return app.post(url, fields + list(changes.items()), expect_errors=True)


def test_renaming_the_regie_changes_no_billing(app):
    """The same preview after a rename; the run bills as before; an issued
    invoice keeps the title it was issued with, a new one the new title."""
    with_root(app.app, _mai)
    avant = with_root(
        app.app, lambda root, r: _sans_noms(campagne.apercu(root, _regie(root), *MAI))
    )
    assert avant[0] == 1 and avant[3] > 0  # something to bill

    login(app, "regisseur", COMPTES["regisseur"][0])
    form = app.get(REGIE_SDI + "@@properties").forms["deform"]
    form["title"] = "Régie enfance (renommée)"
    form.submit("save", status=302)
    assert with_root(app.app, lambda root, r: _regie(root).title) == "Régie enfance (renommée)"

    apres = with_root(
        app.app, lambda root, r: _sans_noms(campagne.apercu(root, _regie(root), *MAI))
    )
    assert apres == avant
    page = app.get(
        REGIE_SDI + "@@facturation", {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"}
    )
    assert "Rien à facturer" not in page.text and DUPONT["numero"] in page.text

    def bill(root, registry):
        regie = _regie(root)
        run = campagne.valider(root, regie, *MAI, datetime.date(2015, 6, 2), registry=registry)
        famille = _famille(root)
        facture = famille["factures"][run.premier]
        reglement = service.enregistrer_reglement(
            famille,
            regie,
            datetime.date(2015, 6, 3),
            facture.montant,
            "cheque",
            numeros=[facture.numero],
            registry=registry,
        )
        return (
            run.factures,
            run.total,
            (facture.regie, facture.regie_oid == get_oid(regie), regie_de(facture) is regie),
            facture.payee,
            reglement.affectations.get(facture.numero) == facture.montant,
            famille["factures"]["AL-36"].regie,
            regie_de(famille["factures"]["AL-36"]) is regie,
        )

    factures, total, nouvelle, payee, affecte, al36, al36_regie = with_root(app.app, bill)
    assert (factures, total) == (avant[0], avant[3])
    assert nouvelle == ("Régie enfance (renommée)", True, True)
    assert payee and affecte  # the payment settles it: the same régie, by identity
    assert al36 == "Régie garderie ALSH" and al36_regie  # printed as issued


def test_the_regie_is_chosen_among_the_regies(app):
    """The Tarifs tab offers the régies; anything else is refused with a
    French message and changes nothing; the chosen régie bills it."""
    vacances = with_root(app.app, _vacances)
    demo = with_root(app.app, lambda root, r: get_oid(_regie(root)))
    structure = with_root(app.app, lambda root, r: get_oid(root["structures"][CANTINE[0]]))
    login(app, "regisseur", COMPTES["regisseur"][0])
    url = CANTINE_SDI + "@@tarifs"
    form = app.get(url).forms["tarifs"]
    options = [(value, text) for value, _selected, text in form["regie_oid"].options]
    assert options == [
        ("", "— Choisissez la régie —"),
        (str(vacances), "Régie des vacances"),  # by title
        (str(demo), "Régie garderie ALSH"),
    ]
    assert form["regie_oid"].value == str(demo)
    for forged in ("Régie pirate", "999999", str(structure), ""):
        fields = [(k, v) for k, v in form.submit_fields("enregistrer") if k != "regie_oid"]
        refused = app.post(url, fields + [("regie_oid", forged)], status=200)
        message = "Choisissez la régie." if not forged else "Choisissez une régie de la liste."
        assert message in refused.text
    assert with_root(app.app, lambda root, r: _prestation(root, CANTINE).regie_oid) == demo

    form["regie_oid"] = str(vacances)
    form.submit("enregistrer", status=302)
    with_root(app.app, _mai)

    def check(root, registry):
        prestation = _prestation(root, CANTINE)
        vac = root["regies"]["regie-des-vacances"]
        return (
            prestation.regie_oid,
            [p for _oid, p in campagne.prestations_de(root, vac)] == [prestation],
            prestation in [p for _oid, p in campagne.prestations_de(root, _regie(root))],
            campagne.apercu(root, vac, *MAI)["nombre"],
        )

    assert with_root(app.app, check) == (vacances, True, False, 1)
    page = app.get(url)
    assert 'class="regie">Régie des vacances<' in page.text


def test_agents_cannot_change_the_billing_settings(app):
    """The prestation's property sheet (agents) has neither its unit nor
    its régie; a forged POST of them changes nothing but the fields the
    agent may change; the Tarifs tab refuses their POST."""
    vacances = with_root(app.app, _vacances)

    def stored(root, registry):
        p = _prestation(root, CANTINE)
        return p.unite, p.regie_oid, tarifs.tranches(p), p.capacite, "regie" in p.__dict__

    unite, regie_oid, tranches, capacite, _texte = with_root(app.app, stored)
    login(app, "agent", COMPTES["agent"][0])
    url = CANTINE_SDI + "@@properties"
    form = app.get(url).forms["deform"]
    assert "unite" not in form.fields and "regie" not in form.fields
    assert "regie_oid" not in form.fields
    form["capacite"] = str(capacite + 5)
    saved = _post(
        app,
        url,
        form,
        unite="heure" if unite != "heure" else "repas",
        regie="Régie pirate",
        regie_oid=str(vacances),
        tarifs="0",
    )
    assert saved.status_int == 302
    assert with_root(app.app, stored) == (unite, regie_oid, tranches, capacite + 5, False)

    tarifs_url = CANTINE_SDI + "@@tarifs"
    page = app.get(tarifs_url)
    assert "tarifs" not in page.forms  # read-only: the régie, the unit, the brackets
    assert 'class="regie">Régie garderie ALSH<' in page.text
    refused = app.post(
        tarifs_url,
        {
            "regie_oid": str(vacances),
            "unite": "repas",
            "enregistrer": "1",
            "csrf_token": csrf(app.get("/mot-de-passe")),
            "_csrf_token_": form["_csrf_token_"].value,
        },
        expect_errors=True,
    )
    assert refused.status_int == 403
    assert with_root(app.app, stored) == (unite, regie_oid, tranches, capacite + 5, False)


def test_a_new_prestation_waits_for_its_regie(app):
    """An agent's new prestation is billed by no régie until the régie's
    staff choose one; meanwhile a run of the régie warns of it."""
    login(app, "agent", COMPTES["agent"][0])
    form = app.get("/manage/structures/garderie-periscolaire/@@add_prestation").forms["deform"]
    assert "unite" not in form.fields and "regie" not in form.fields

    def sans_regie(root, registry):
        prestation = _prestation(root, CANTINE)
        prestation.regie_oid = None
        return campagne.apercu(root, _regie(root), *MAI)["avertissements"]

    avertissements = with_root(app.app, sans_regie)
    assert any(
        "« Restauration scolaire » (Garderie périscolaire) a des inscrits mais n'est rattachée "
        "à aucune régie" in a.interpolate()
        for a in avertissements
    )
    regisseur = client(app)
    login(regisseur, "regisseur", COMPTES["regisseur"][0])
    page = regisseur.get(CANTINE_SDI + "@@tarifs")
    assert "n'est rattachée à aucune régie" in page.text
    assert page.forms["tarifs"]["regie_oid"].value == ""


def test_the_prefix_is_frozen_once_a_number_is_issued(app):
    """The demo's régie gave AL-228: its prefix shows read-only and a
    forged one is ignored; a new régie's prefix may change until then; two
    régies never share a prefix."""
    login(app, "regisseur", COMPTES["regisseur"][0])
    url = REGIE_SDI + "@@properties"
    page = app.get(url)
    form = page.forms["deform"]
    assert "prefixe" not in form.fields
    assert "Des numéros ont été émis avec ce préfixe" in page.text
    form["adresse"] = "Mairie, 38330 Biviers"
    assert _post(app, url, form, prefixe="XX-").status_int == 302

    def lire(root, registry):
        regie = _regie(root)
        return regie.prefixe, regie.adresse, regies.est_referencee(regie), regie.numero_suivant()

    assert with_root(app.app, lire) == ("AL-", "Mairie, 38330 Biviers", True, "AL-229")

    form = app.get("/manage/regies/@@add_regie").forms["deform"]
    form["title"] = "Régie des vacances"
    form["prefixe"] = "AL-"
    form["echeance_jours"] = "30"
    refused = form.submit("ajouter", status=200)
    assert "Ce préfixe est déjà celui d'une autre régie." in refused.text
    form = refused.forms["deform"]
    form["prefixe"] = "VA-"
    form.submit("ajouter", status=302)
    url = "/manage/regies/regie-des-vacances/@@properties"
    form = app.get(url).forms["deform"]
    form["title"] = "Regie garderie alsh"  # the other's, but for accents and case
    refused = form.submit("save", status=200)
    assert "Une autre régie porte déjà ce nom." in refused.text
    form = refused.forms["deform"]
    form["title"] = "Régie des vacances"
    form["prefixe"] = "VB-"
    form.submit("save", status=302)

    def nouvelle(root, registry):
        regie = root["regies"]["regie-des-vacances"]
        return regie.prefixe, regies.est_referencee(regie)

    assert with_root(app.app, nouvelle) == ("VB-", False)


def _ancienne_forme(root, registry, textes):
    """The money data as stored before step12: prestations naming their
    régie by ``textes`` (key -> text; the others by the exact title), the
    DUPONT documents and an online payment without the régie's oid."""
    regie = _regie(root)
    for structure in root["structures"].values():
        for prestation in structure.prestations():
            key = (structure.__name__, prestation.__name__)
            del prestation.regie_oid
            prestation.regie = textes.get(key, "Régie garderie ALSH")
    famille = _famille(root)
    for folder in ("factures", "reglements"):
        for document in famille[folder].values():
            del document.regie_oid
    paiement = Paiement("ref1", famille.numero, regie, "AL-36", D("1.00"), "a@b.fr", "simule", "")
    del paiement.regie_oid
    ajouter(root, paiement)


def _forme(root):
    """What step12 is about: each prestation's (oid, stored text), each
    document's (oid, printed title), the online payment's oid."""
    prestations = {
        (s.__name__, p.__name__): (p.regie_oid, p.__dict__.get("regie"))
        for s in root["structures"].values()
        for p in s.prestations()
    }
    famille = _famille(root)
    documents = {
        d.numero: (d.regie_oid, d.regie)
        for folder in ("factures", "reglements")
        for d in famille[folder].values()
    }
    return prestations, documents, root.paiements_en_ligne["ref1"].regie_oid


def test_evolve_step12_takes_the_titles_over(app):
    """Exact titles and a title missing its accent find the régie; AL-36,
    printed under a former title, is its number's régie and keeps that
    title; the payment attempt its invoice's régie.  Twice: nothing more."""

    def evolve(root, registry):
        _ancienne_forme(root, registry, {CANTINE: "Regie garderie ALSH"})
        famille = _famille(root)
        famille["factures"]["AL-36"].regie = "Régie ALSH (ancien nom)"
        step12.evolve(root, registry)
        premier = _forme(root)
        step12.evolve(root, registry)
        return get_oid(_regie(root)), premier, _forme(root)

    oid, premier, second = with_root(app.app, evolve)
    prestations, documents, paiement = premier
    assert len(prestations) == 7
    assert set(prestations.values()) == {(oid, None)}  # the text is gone
    assert documents == {
        "AL-12": (oid, "Régie garderie ALSH"),
        "AL-36": (oid, "Régie ALSH (ancien nom)"),
        "AL-228": (oid, "Régie garderie ALSH"),
    }
    assert paiement == oid
    assert second == premier
    # billing works on the data taken over
    with_root(app.app, _mai)
    found = with_root(app.app, lambda root, r: campagne.apercu(root, _regie(root), *MAI))
    assert found["nombre"] == 1


def test_evolve_step12_refuses_a_regie_that_does_not_exist(app):
    """A prestation naming no régie: the step raises, naming it and its
    text (in English and French), before changing anything."""

    def evolve(root, registry):
        _ancienne_forme(root, registry, {CANTINE: "Régie pirate"})
        avant = _forme(root)
        with pytest.raises(EtapeRefusee) as refus:
            step12.evolve(root, registry)
        return avant, _forme(root), refus.value.args[0]

    avant, apres, message = with_root(app.app, evolve)
    assert apres == avant  # nothing written, not even the prestations that matched
    assert avant[0][CANTINE] == (None, "Régie pirate")
    assert avant[1]["AL-36"] == (None, "Régie garderie ALSH")
    lines = message.splitlines()
    assert lines[0].startswith("Evolve step12 refused, nothing changed")
    assert "prestation Garderie périscolaire / Restauration scolaire: régie 'Régie pirate'" in (
        message
    )
    assert (
        "la prestation « Garderie périscolaire / Restauration scolaire » nomme la régie "
        "« Régie pirate », qui n'existe pas" in message
    )
    assert sum("Régie pirate" in line for line in lines) == 2  # that one only
    assert "Créez la régie ou renommez-la" in lines[-1]
