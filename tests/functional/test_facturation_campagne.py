"""The monthly invoicing run of a régie (issue 5): what is billed from the
planning, the price by quotient, the preview that writes nothing, the
validation through the SDI, the "Tarifs" tab, who may run it."""

import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from substanced.util import get_oid

from portail_famille import dates
from portail_famille.demo import DUPONT, load, load_facturation
from portail_famille.facturation import campagne, compte, service, tarifs
from portail_famille.planning import cells

from .. import peuplement
from ..conftest import csrf, login, with_root
from ..travaux import une_passe

D = Decimal
MAI = (datetime.date(2015, 5, 1), datetime.date(2015, 5, 31))
RUN = datetime.date(2015, 6, 2)
REGIE_URL = "/manage/regies/regie-garderie-alsh/@@facturation"
TARIFS_URL = "/manage/structures/garderie-periscolaire/restauration-scolaire/@@tarifs"
CANTINE = ("garderie-periscolaire", "restauration-scolaire")
MERCREDI_PM = ("accueil-de-loisirs-alsh", "mercredi-apres-midi")
VACANCES = ("accueil-de-loisirs-alsh", "vacances-journee")

# May 2015 cells of the canteen: (day, state, billed?).  1, 8, 14 and 25 May
# are public holidays; the 29th is closed (a closure of the structure);
# the 15th is billed beforehand.
ETATS_MAI = (
    (4, cells.RESERVE, True),
    (5, cells.PRESENT, True),
    (7, cells.PRESENT_RESERVE, True),
    (11, cells.ABSENT_FACTURE, True),
    (12, cells.HORS_CONTRAT, True),
    (18, cells.ABSENT_EXCUSE, False),
    (19, cells.RESERVATION_REFUSEE, False),
    (21, cells.ATTENTE, False),
    (22, cells.RESERVATION_TRAITEMENT, False),
    (26, cells.ABSENCE_TRAITEMENT, False),
    (27, cells.CONGE, False),
    (28, cells.ERREUR, False),
    (1, cells.RESERVE, False),  # 1 May
    (8, cells.RESERVE, False),  # 8 May 1945
    (14, cells.RESERVE, False),  # Ascension
    (25, cells.PRESENT_RESERVE, False),  # Whit Monday
    (29, cells.RESERVE, False),  # closed
    (15, cells.RESERVE, False),  # billed already
)


def texte_pdf(body):
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def confirmer(page, status=302, travailler=True):
    """From a run's preview ``page``: "Valider la facturation" (the default
    dates), then "Confirmer la facturation", which queues the run (a job,
    ``facturation.travail``): then a worker's pass issues it (unless
    ``travailler`` is false), and the response leads to the job's page."""
    confirmation = page.forms["valider"].submit("verifier", status=200)
    response = confirmation.forms["confirmer"].submit("confirmer", status=status)
    if status == 302:
        assert "/manage/@@travail?id=" in response.location
        if travailler:
            assert une_passe(page.test_app.app) > 0
    return response


def empreinte(wsgi, debut, fin):
    """The digest of the run's preview of ``debut``..``fin`` (what a
    confirmation posts)."""

    def read(root, registry):
        regie = root["regies"]["regie-garderie-alsh"]
        return campagne.apercu(root, regie, debut, fin)["empreinte"]

    return with_root(wsgi, read)


def jeton(client):
    """The CSRF token of the client's session (any form of the site)."""
    return csrf(client.get("/mot-de-passe"))


def _famille(root):
    return root["familles"][DUPONT["numero"]]


def _enfant(root):
    return next(iter(_famille(root)["enfants"].values()))


def _regie(root):
    return root["regies"]["regie-garderie-alsh"]


def _prestation(root, key):
    return root["structures"][key[0]][key[1]]


def _mettre(root, key, days, etat=cells.RESERVE, mois=5):
    oid = get_oid(_prestation(root, key))
    for day in days:
        cells.set_cell(_enfant(root), oid, datetime.date(2015, mois, day), etat)
    return oid


def _mai(root, registry):
    """The cells of ETATS_MAI, a closure on the 29th, the 15th billed, a
    Wednesday afternoon and a holiday day of another régie."""
    enfant = _enfant(root)
    oid = get_oid(_prestation(root, CANTINE))
    for day, etat, _billed in ETATS_MAI:
        cells.set_cell(enfant, oid, datetime.date(2015, 5, day), etat)
    fermeture = registry.content.create(
        "Fermeture",
        debut=datetime.date(2015, 5, 29),
        fin=datetime.date(2015, 5, 29),
        motif="Pont",
        structure=get_oid(root["structures"][CANTINE[0]]),
    )
    root["calendrier"].add("pont", fermeture, registry=registry)
    service.marquer_facturees(enfant, oid, [datetime.date(2015, 5, 15)], "AL-1")
    _mettre(root, MERCREDI_PM, [6, 13], cells.PRESENT_RESERVE)
    _mettre(root, VACANCES, [6])
    vacances = registry.content.create("Regie", title="Régie des vacances", prefixe="VA-")
    root["regies"].add("regie-des-vacances", vacances, registry=registry)
    _prestation(root, VACANCES).regie_oid = get_oid(vacances)
    # the next month is not billed in May
    _mettre(root, CANTINE, [1, 2], mois=6)
    return oid


def _ville(root, registry, familles):
    """``familles`` more families of one child each, on the canteen on
    Monday 4 May 2015."""
    peuplement.cantine_mai_2015(root, registry, familles, "90000000", [4])


def test_what_is_billed_from_the_planning(app):
    def run(root, registry):
        oid = _mai(root, registry)
        famille, regie = _famille(root), _regie(root)
        record = campagne.valider(root, regie, *MAI, RUN, par="regisseur", registry=registry)
        assert (record.factures, record.premier, record.dernier) == (1, "AL-229", "AL-229")
        facture = famille["factures"]["AL-229"]
        # DUPONT has no quotient: the last bracket (4.00 a meal, 7.20)
        lignes = [
            (ligne["prestation"], ligne["quantite"], ligne["prix"]) for ligne in facture.lignes
        ]
        assert sorted(lignes) == [
            ("Mercredi après-midi", 2, D("7.20")),
            ("Restauration scolaire", 5, D("4.00")),
        ]
        assert facture.montant == D("34.40") == record.total
        assert facture.description == "Facture : 01/05/2015 - 31/05/2015"
        assert facture.date == RUN
        assert facture.echeance == RUN + datetime.timedelta(days=22)
        billed = {d.day for (_nom, o, d) in facture.cellules if o == oid}
        assert billed == {day for day, _etat, yes in ETATS_MAI if yes}
        assert all(ligne["enfant"] == "LUCAS DUPONT" for ligne in facture.lignes)
        # the cells are marked billed by this invoice (the 15th by the other)
        enfant = _enfant(root)
        marked = service.facturees(enfant, oid, *MAI)
        assert {d.day for d, n in marked.items() if n == "AL-229"} == billed
        assert marked[datetime.date(2015, 5, 15)] == "AL-1"
        # a second run of the same period bills nothing twice
        again = campagne.valider(root, regie, *MAI, RUN, registry=registry)
        assert again.factures == 0
        assert regie.sequence.dernier == 229
        assert [c.factures for c in campagne.campagnes(regie)] == [0, 1]
        # April 2015 was billed by AL-36: nothing more
        avril = (datetime.date(2015, 4, 1), datetime.date(2015, 4, 30))
        assert campagne.apercu(root, regie, *avril)["nombre"] == 0

    with_root(app.app, run)


def test_each_state_alone(app):
    """Each state on one ordinary day (Tuesday 5 May 2015), one run each."""

    def run(root, registry):
        regie, enfant = _regie(root), _enfant(root)
        oid = get_oid(_prestation(root, CANTINE))
        day = datetime.date(2015, 5, 5)
        billed = set()
        for etat in cells.ETATS:
            cells.set_cell(enfant, oid, day, etat)
            found = campagne.apercu(root, regie, day, day)
            if found["nombre"]:
                assert found["cellules"] == 1
                billed.add(etat)
        assert (
            billed
            == campagne.FACTURABLES
            == {
                cells.RESERVE,
                cells.PRESENT,
                cells.PRESENT_RESERVE,
                cells.ABSENT_FACTURE,
                cells.HORS_CONTRAT,
            }
        )

    with_root(app.app, run)


def test_price_by_quotient_on_each_day(app):
    def run(root, registry):
        famille, regie = _famille(root), _regie(root)
        _mettre(root, CANTINE, [4, 5, 18, 19, 21])
        # 650 from 1 May, 800 from the 18th, 1300 from the 21st
        compte.noter_quotient(famille, datetime.date(2015, 5, 1), D("650"))
        compte.noter_quotient(famille, datetime.date(2015, 5, 18), D("800"))
        compte.noter_quotient(famille, datetime.date(2015, 5, 21), D("1300"))
        found = campagne.apercu(root, regie, *MAI)
        (row,) = found["familles"]
        assert sorted((ligne["quantite"], ligne["prix"]) for ligne in row["lignes"]) == [
            (1, D("4.00")),
            (2, D("2.00")),
            (2, D("3.00")),
        ]
        assert row["montant"] == found["total"] == D("14.00")
        assert tarifs.prix(_prestation(root, CANTINE), D("699.99")) == D("2.00")

    with_root(app.app, run)


def test_preview_writes_nothing(app):
    def prepare(root, registry):
        _mai(root, registry)

    with_root(app.app, prepare)

    def run(root, registry):
        found = campagne.apercu(root, _regie(root), *MAI)
        assert (found["nombre"], found["cellules"], found["total"]) == (1, 7, D("34.40"))
        assert root._p_jar._registered_objects == []
        assert service.facturees(_enfant(root), get_oid(_prestation(root, CANTINE)), *MAI) == {
            datetime.date(2015, 5, 15): "AL-1"
        }
        assert _regie(root).sequence.dernier == 228

    with_root(app.app, run)


def test_a_prestation_without_tariff_is_refused(app):
    def run(root, registry):
        _mettre(root, CANTINE, [4])
        _prestation(root, MERCREDI_PM).tarifs = ()
        regie = _regie(root)
        found = campagne.apercu(root, regie, *MAI)
        assert found["sans_tarif"] == ["Mercredi après-midi"]
        assert "n'a pas de tarif" in found["avertissements"][0].interpolate()
        with pytest.raises(service.FacturationError) as refused:
            campagne.valider(root, regie, *MAI, RUN, registry=registry)
        assert "sans tarif" in refused.value.args[0]
        assert regie.sequence.dernier == 228
        assert "AL-229" not in _famille(root)["factures"]

    with_root(app.app, run)


def test_batches_commit_and_a_rerun_bills_the_rest(app):
    """With a transaction manager, each batch is committed on its own: a
    run that stops after the first batch leaves it billed, and the next
    run bills only the others, numbers following on."""
    import transaction

    with_root(app.app, lambda root, registry: _ville(root, registry, 5))

    class Crash(Exception):
        pass

    calls = []
    original = service.emettre_facture

    def emettre(*args, **kw):
        if len(calls) == 2:
            raise Crash()
        calls.append(1)
        return original(*args, **kw)

    def first(root, registry):
        campagne.service.emettre_facture = emettre
        try:
            campagne.valider(root, _regie(root), *MAI, RUN, lot=2, tm=transaction.manager)
        finally:
            campagne.service.emettre_facture = original

    with pytest.raises(Crash):
        with_root(app.app, first)

    def second(root, registry):
        regie = _regie(root)
        # the first batch (DUPONT, nothing in May; LOT0) is committed; the
        # second one crashed after LOT1's invoice: rolled back, number too
        assert regie.sequence.dernier == 229
        assert "AL-229" in root["familles"]["9000000000000"]["factures"]
        (interrompue,) = campagne.campagnes(regie)
        assert (interrompue.factures, interrompue.terminee) == (1, False)
        record = campagne.valider(root, regie, *MAI, RUN, lot=2, tm=transaction.manager)
        assert (record.factures, record.premier, record.dernier) == (4, "AL-230", "AL-233")
        assert record.terminee

    with_root(app.app, second)


def test_demo_bills_the_past_months_of_the_year_once(app):
    """The demo command bills each month of the current school year that
    is over, by a real run; loading it again bills nothing."""

    def run(root, registry):
        regie = _regie(root)
        annee = root["calendrier"].annees()[-1]
        today = annee.debut + datetime.timedelta(days=100)  # 3 months over
        assert regie.sequence.dernier == 228  # the tests' demo: no run
        load_facturation(root, registry, mois_passes=True, today=today)
        runs = list(reversed(campagne.campagnes(regie)))
        assert [(r.debut.month, r.fin.day >= 30, r.par) for r in runs] == [
            (9, True, "demo"),
            (10, True, "demo"),
            (11, True, "demo"),
        ]
        famille = _famille(root)
        courantes = sorted(
            (f for f in famille["factures"].values() if f.debut >= annee.debut),
            key=lambda f: f.debut,
        )
        assert [f.numero for f in courantes] == ["AL-229", "AL-230", "AL-231"]
        for facture in courantes:
            # the regular contract's canteen days (4.00, no quotient)
            (ligne,) = facture.lignes
            assert (ligne["prestation"], ligne["prix"]) == ("Restauration scolaire", D("4.00"))
            assert ligne["quantite"] == len(facture.cellules) > 0
            assert facture.date == facture.fin + datetime.timedelta(days=1)
        assert [c.factures for c in runs] == [1, 1, 1]
        # a second load bills nothing and records no run
        load(root, registry, mois_passes=False)
        load_facturation(root, registry, mois_passes=True, today=today)
        assert regie.sequence.dernier == 231
        assert len(campagne.campagnes(regie)) == 3
        # without the record of the runs, the billed cells are not billed again
        delattr(regie, campagne.CAMPAGNES)
        load_facturation(root, registry, mois_passes=True, today=today)
        assert regie.sequence.dernier == 231
        assert [c.factures for c in campagne.campagnes(regie)] == [0, 0, 0]

    with_root(app.app, run)


# --- SDI ------------------------------------------------------------------------


def test_regisseur_previews_confirms_then_validates(app):
    """The preview, then "Valider la facturation" with the invoice and due
    dates asks for a confirmation stating what will be issued; only
    "Confirmer la facturation" issues it."""
    with_root(app.app, _mai)
    login(app, "regisseur", "Regie2015alsh")
    page = app.get(REGIE_URL)
    assert "Période du" in page.text
    page = app.get(REGIE_URL, {"debut": "01/05/2015", "fin": "2015-05-31", "apercu": "1"})
    text = page.text
    assert "Aperçu de la facturation" in text and "01/05/2015 - 31/05/2015" in text
    assert "JEAN DUPONT" in text and "Restauration scolaire" in text
    assert "34,40" in text
    form = page.forms["valider"]
    assert form["date_facture"].value == dates.today().isoformat()  # the defaults
    assert form["echeance"].value == (dates.today() + datetime.timedelta(days=22)).isoformat()
    form["date_facture"] = "2015-06-02"
    form["echeance"] = "30/06/2015"
    confirmation = form.submit("verifier", status=200)
    assert with_root(app.app, lambda root, registry: _regie(root).sequence.dernier) == 228
    resume = confirmation.html.select_one("#confirmation .resume-confirmation").get_text(strip=True)
    assert resume == (
        "Période du 01/05/2015 au 31/05/2015 : 1 facture(s), total 34,40\xa0€, "
        "date de facture 02/06/2015, échéance 30/06/2015."
    )
    response = confirmation.forms["confirmer"].submit("confirmer", status=302)
    # Queued (issue 22): the request returns at once on the job's page,
    # nothing issued yet, the run listed "en cours" with a link to it.
    assert "/manage/@@travail?id=" in response.location
    queued = response.follow()
    assert (
        "Facturation validée et mise en file : 1 facture(s), total 34,40\xa0€, émises au fil "
        "de l'avancement ci-dessous (avec leur PDF)." in queued.text
    )
    assert "Facturation Régie garderie ALSH du 01/05/2015 au 31/05/2015" in queued.text
    assert "En attente" in queued.text and "0 sur 1" in queued.text
    assert with_root(app.app, lambda root, registry: _regie(root).sequence.dernier) == 228
    listed = app.get(REGIE_URL)
    (ligne,) = listed.html.select("tr.campagne-passee")
    assert ligne.select_one(".campagne-en-cours").get_text() == "En cours"
    assert ligne.select_one("a")["href"].endswith(response.location.split("/manage")[1])
    # confirmed again while it waits: one run at a time per régie
    twice = confirmation.forms["confirmer"].submit("confirmer", status=200)
    assert "Une facturation de cette régie est déjà en cours" in twice.text
    assert len(with_root(app.app, lambda root, r: campagne.campagnes(_regie(root)))) == 1
    assert une_passe(app.app) == 1  # the worker
    done = response.follow()
    assert done.html.select_one("#bilan-travail").get_text() == (
        "Facturation validée : 1 facture(s), du n° AL-229 au n° AL-229, total 34,40\xa0€."
    )
    assert "Terminé" in done.text and "1 sur 1" in done.text
    done = app.get(REGIE_URL)
    assert "34,40" in done.text and "01/05/2015 - 31/05/2015" in done.text  # past runs
    assert "30/06/2015" in done.text and "AL-229 – AL-229" in done.text
    assert done.html.select_one("tr.campagne-passee .campagne-en-cours") is None
    assert "Terminée" in done.html.select_one("tr.campagne-passee").get_text()

    def check(root, registry):
        facture = _famille(root)["factures"]["AL-229"]
        assert facture.montant == D("34.40")
        assert facture.emise_par == "regisseur"
        assert (facture.date, facture.echeance) == (RUN, datetime.date(2015, 6, 30))
        (run,) = campagne.campagnes(_regie(root))
        assert (run.date, run.echeance) == (RUN, datetime.date(2015, 6, 30))
        assert run.terminee and run.a_figer == ()
        assert "N° Facture AL-229" in texte_pdf(facture.original.contenu())

    with_root(app.app, check)
    # confirmed again: what was previewed is billed already
    again = confirmation.forms["confirmer"].submit("confirmer", status=200)
    assert "Les données ont changé depuis l'aperçu" in again.text
    assert "Rien à facturer sur cette période." in again.text
    assert with_root(app.app, lambda root, registry: _regie(root).sequence.dernier) == 229


def _confirmer(app, page, **valeurs):
    """POST "Confirmer la facturation" with the preview ``page``'s values."""
    form = page.forms["valider"]
    values = {name: form[name].value for name in ("csrf_token", "debut", "fin", "empreinte")}
    values.update(date_facture="2015-06-02", echeance="2015-06-24", confirmer="1")
    values.update(valeurs)
    return app.post(REGIE_URL, values, expect_errors=True)


def test_no_invoice_without_the_confirmation_nor_with_a_stale_preview(app):
    with_root(app.app, _mai)
    login(app, "regisseur", "Regie2015alsh")
    page = app.get(REGIE_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    # the former single button: a confirmation is asked, nothing issued
    asked = app.post(
        REGIE_URL,
        {"debut": "2015-05-01", "fin": "2015-05-31", "valider": "1", "csrf_token": csrf(page)},
    )
    assert asked.status_int == 200 and "Confirmer la facturation" not in asked.text
    assert "Les données ont changé depuis l'aperçu" in asked.text  # no digest posted
    # the planning changes between the preview and the confirmation
    with_root(app.app, lambda root, registry: _mettre(root, CANTINE, [26]))
    stale = _confirmer(app, page)
    assert stale.status_int == 200
    assert "Les données ont changé depuis l'aperçu" in stale.text
    assert 'class="total">38,40\xa0€<' in stale.text  # shown again, with the new day
    assert with_root(app.app, lambda root, registry: _regie(root).sequence.dernier) == 228
    assert "AL-229" not in with_root(
        app.app, lambda root, registry: list(_famille(root)["factures"])
    )
    done = _confirmer(app, stale)
    assert done.status_int == 302
    assert "AL-229" not in with_root(
        app.app, lambda root, registry: list(_famille(root)["factures"])
    )
    assert une_passe(app.app) == 1
    montant = with_root(app.app, lambda root, r: _famille(root)["factures"]["AL-229"].montant)
    assert montant == D("38.40")


@pytest.mark.parametrize(
    "champ, valeur, message",
    [
        ("date_facture", "31/02/2015", "Date de facture invalide"),
        ("date_facture", "2099-01-01", "La date de facture ne peut pas dépasser le "),
        (
            "date_facture",
            "2015-05-30",
            "la facture est datée au plus tôt du dernier jour de la période (31/05/2015)",
        ),
        ("echeance", "2015-06-01", "L'échéance ne peut pas précéder la date de facture."),
        (
            "echeance",
            "2015-12-31",
            "L'échéance doit être au plus 120 jours après la date de facture.",
        ),
        ("echeance", "demain", "Date d'échéance invalide"),
    ],
)
def test_invoice_and_due_dates_errors_in_french(app, champ, valeur, message):
    with_root(app.app, _mai)
    login(app, "regisseur", "Regie2015alsh")
    page = app.get(REGIE_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    refused = _confirmer(app, page, **{champ: valeur})
    assert refused.status_int == 200
    erreur = refused.html.find(id="%s-erreur" % champ)
    assert erreur is not None and message in erreur.get_text()
    assert with_root(app.app, lambda root, registry: _regie(root).sequence.dernier) == 228


def test_terme_echu_refuses_days_not_passed_a_echoir_bills_ahead(app):
    """A régie à terme échu cannot bill days not passed yet (beside the
    field, nothing issued); à terme à échoir, it bills the booked days
    ahead."""
    fin = datetime.date(2015, 6, 30)

    def aujourdhui():
        return datetime.date(2015, 6, 10)

    with_root(app.app, lambda root, registry: _mettre(root, CANTINE, [1, 2, 29], mois=6))
    juin = (datetime.date(2015, 6, 1), fin)
    with pytest.raises(campagne.PeriodeInvalide) as refused:
        with_root(
            app.app,
            lambda root, registry: campagne.valider(
                root, _regie(root), *juin, fin, registry=registry, aujourdhui=aujourdhui()
            ),
        )
    assert "les jours qui ne sont pas encore passés ne peuvent pas être facturés" in (
        refused.value.erreurs["fin"].interpolate()
    )
    login(app, "regisseur", "Regie2015alsh")
    page = app.get(REGIE_URL, {"debut": "2099-06-01", "fin": "2099-06-30", "apercu": "1"})
    erreur = page.html.find(id="fin-erreur").get_text()
    assert erreur.startswith(
        "Facturation à terme échu : les jours qui ne sont pas encore passés ne peuvent pas "
        "être facturés. La période doit finir au plus tard le "
    )
    assert "Aperçu de la facturation" not in page.text
    assert with_root(app.app, lambda root, registry: _regie(root).sequence.dernier) == 228

    def echoir(root, registry):
        _regie(root).terme = "echoir"
        run = campagne.valider(
            root,
            _regie(root),
            *juin,
            datetime.date(2015, 6, 1),
            registry=registry,
            aujourdhui=aujourdhui(),
        )
        return run.factures, run.total

    assert with_root(app.app, echoir) == (1, D("12.00"))  # 1, 2 and 29 June
    page = app.get(REGIE_URL, {"debut": "2099-06-01", "fin": "2099-06-30", "apercu": "1"})
    assert page.html.find(id="fin-erreur") is None
    assert "Aperçu de la facturation" in page.text


def test_a_big_preview_details_the_first_families_and_counts_all(app):
    with_root(app.app, lambda root, registry: _ville(root, registry, 55))
    login(app, "regisseur", "Regie2015alsh")
    page = app.get(REGIE_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    assert page.text.count('class="famille"') == 50
    assert "Seules les 50 premières familles sont détaillées" in page.text
    assert 'class="nombre-factures">55<' in page.text
    assert 'class="total">220,00\xa0€<' in page.text  # 55 x 4.00


@pytest.mark.parametrize(
    "debut, fin, message",
    [
        ("2015-05-31", "2015-05-01", "La date de fin doit être après la date de début."),
        ("2015-01-01", "2015-05-31", "La période ne peut pas dépasser trois mois."),
        ("31/02/2015", "2015-05-31", "Date de début invalide"),
        ("2015-05-01", "mai", "Date de fin invalide"),
    ],
)
def test_period_errors_in_french_and_nothing_written(app, debut, fin, message):
    with_root(app.app, _mai)
    login(app, "regisseur", "Regie2015alsh")
    page = app.get(REGIE_URL, {"debut": debut, "fin": fin, "apercu": "1"})
    assert message in page.text and "help-block" in page.text
    assert "Aperçu de la facturation" not in page.text
    posted = app.post(
        REGIE_URL, {"debut": debut, "fin": fin, "valider": "1", "csrf_token": jeton(app)}
    )
    assert posted.status_int == 200 and message in posted.text
    assert with_root(app.app, lambda root, registry: _regie(root).sequence.dernier) == 228


def test_validation_without_csrf_token_is_refused(app):
    with_root(app.app, _mai)
    login(app, "regisseur", "Regie2015alsh")
    page = app.get(REGIE_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    values = {k: page.forms["valider"][k].value for k in ("debut", "fin", "empreinte")}
    refused = app.post(REGIE_URL, dict(values, confirmer="1"), status=400)
    assert "Formulaire expiré" in refused.text
    assert with_root(app.app, lambda root, registry: _regie(root).sequence.dernier) == 228


def test_without_tariff_the_sdi_warns_and_refuses(app):
    def sans_tarif(root, registry):
        _mai(root, registry)
        _prestation(root, MERCREDI_PM).tarifs = ()

    with_root(app.app, sans_tarif)
    login(app, "regisseur", "Regie2015alsh")
    page = app.get(REGIE_URL, {"debut": "2015-05-01", "fin": "2015-05-31", "apercu": "1"})
    assert "« Mercredi après-midi » (Accueil de Loisirs ALSH) n'a pas de tarif" in page.text
    assert "Valider la facturation" not in page.text
    refused = app.post(
        REGIE_URL,
        {
            "debut": "2015-05-01",
            "fin": "2015-05-31",
            "date_facture": "2015-06-02",
            "echeance": "2015-06-24",
            "empreinte": empreinte(app.app, *MAI),
            "confirmer": "1",
            "csrf_token": jeton(app),
        },
    )
    assert "Facturation refusée" in refused.text
    assert with_root(app.app, lambda root, registry: _regie(root).sequence.dernier) == 228


def test_agents_and_parents_cannot_run_it(agent, dupont, anonymous, regisseur):
    assert "Période du" in regisseur.get(REGIE_URL).text
    for client in (agent, dupont, anonymous):
        got = client.get(REGIE_URL, expect_errors=True)
        assert got.status_int in (302, 403, 404)
        assert "Période du" not in got.text
        posted = client.post(
            REGIE_URL,
            {"debut": "2015-05-01", "fin": "2015-05-31", "valider": "1"},
            expect_errors=True,
        )
        assert posted.status_int in (302, 400, 403, 404)


def test_regisseur_sets_tariffs_in_french(app):
    login(app, "regisseur", "Regie2015alsh")
    page = app.get(TARIFS_URL)
    assert "Quotient familial à partir de" in page.text and "4,00" in page.text
    form = page.forms["tarifs"]
    fields = [f for f in form.fields if f in ("quotient", "prix")]
    assert fields == ["quotient", "prix"]
    quotients = form.fields["quotient"]
    prix = form.fields["prix"]
    assert len(quotients) == 3
    # the first bracket must start at 0
    quotients[0].value = "100"
    refused = form.submit("enregistrer", status=200)
    assert "La première tranche doit commencer au quotient 0." in refused.text
    form = refused.forms["tarifs"]
    form.fields["quotient"][0].value = "0"
    avant = ((D("0.00"), D("2.00")), (D("700.00"), D("3.00")), (D("1200.00"), D("4.00")))
    for champ, typed, message in (
        ("prix", "trois", "Montant invalide : écrivez par exemple 120,60."),
        ("prix", "1e6", "Montant invalide : écrivez par exemple 120,60."),
        ("prix", "1_000", "Montant invalide : écrivez par exemple 120,60."),
        ("prix", "\u0663", "Montant invalide : écrivez par exemple 120,60."),
        ("prix", "NaN", "Montant invalide : écrivez par exemple 120,60."),
        ("prix", "3,105", "Deux chiffres au plus après la virgule, par exemple 12,34."),
        ("prix", "-3", "Le montant ne peut pas être négatif."),
        ("quotient", "1e4", "Montant invalide : écrivez par exemple 120,60."),
        # (deform's error template collapses the no-break spaces)
        ("quotient", "10 000,01", "Le montant ne peut dépasser 10 000,00 €."),
    ):
        form = refused.forms["tarifs"]
        form.fields[champ][1].value = typed
        refused = form.submit("enregistrer", status=200)
        assert message in refused.text, typed
        assert refused.forms["tarifs"].fields[champ][1].value == typed
        assert (
            with_root(app.app, lambda root, registry: tarifs.tranches(_prestation(root, CANTINE)))
            == avant
        )
    form = refused.forms["tarifs"]
    form.fields["quotient"][1].value = "700"
    form.fields["prix"][1].value = "trois"
    refused = form.submit("enregistrer", status=200)
    form = refused.forms["tarifs"]
    form.fields["prix"][1].value = "3,10"
    form["unite"] = "journee"
    saved = form.submit("enregistrer", status=302).follow()
    assert "Tarifs enregistrés." in saved.text and "3,10" in saved.text

    def check(root, registry):
        prestation = _prestation(root, CANTINE)
        assert prestation.unite == "journee"
        assert tarifs.prix(prestation, D("800")) == D("3.10")

    with_root(app.app, check)
    assert prix  # the form had one price per bracket


def test_agents_see_tariffs_but_cannot_change_them(agent, dupont):
    page = agent.get(TARIFS_URL)
    assert "Quotient familial à partir de" in page.text and "4,00" in page.text
    assert "tarifs" not in page.forms
    refused = agent.post(
        TARIFS_URL,
        {"unite": "repas", "enregistrer": "1", "csrf_token": jeton(agent)},
        expect_errors=True,
    )
    assert refused.status_int == 403
    assert dupont.get(TARIFS_URL, expect_errors=True).status_int in (302, 403, 404)
