"""Billing follows the planning, and the planning never rewrites billing
silently (issue 16, item 4): each cause that changes a billed day makes a
regularisation, by the régie's rule (a credit note at once, or a line on
the family's next invoice), listed for the régisseur with its cause; a day
of a billed period that becomes billable is billed by the next run; a day
is never billed twice.  The town's clock is frozen on Tuesday 1 December
2026 (test_reservations): LUCAS (DUPONT) has the canteen's contract
(Monday, Tuesday, Thursday, Friday, 4.00 a meal without quotient)."""

import datetime
from decimal import Decimal

from substanced.util import get_oid

from portail_famille import dates
from portail_famille.facturation import campagne, regularisation, service
from portail_famille.facturation.resources import Avoir, Facture
from portail_famille.facturation.schemas import AVOIR, ECHOIR, ECHU, FACTURE_SUIVANTE
from portail_famille.planning import cells

from ..conftest import DUPONT_URL, csrf, with_root
from ..travaux import une_passe
from .test_demandes_staff import staff
from .test_documents_figes import texte
from .test_enfants import browser_for, enfants
from .test_reservations import (  # noqa: F401 (clock and town: fixtures)
    ANNEE,
    JEUDI_CONTRAT,
    MAM,
    NUMERO,
    REST,
    VACANCES,
    VJ,
    absence,
    cell,
    clock,
    lucas,
    oid_of,
    premiere_a_traiter,
    reserver,
    town,
)

D = datetime.date
E = Decimal
REGIE = "regie-garderie-alsh"
DECEMBRE = (D(2026, 12, 1), D(2026, 12, 31))
NOVEMBRE = (D(2026, 11, 1), D(2026, 11, 30))
JANVIER = (D(2027, 1, 1), D(2027, 1, 31))
TAB = "/manage/regies/%s/@@regularisations" % REGIE


def _regie(root):
    return root["regies"][REGIE]


def regler(app, terme=ECHU, regle=AVOIR):
    def run(root, registry):
        _regie(root).terme = terme
        _regie(root).regularisation = regle

    with_root(app.app, run)


def facturer(app, periode, date=None):
    """A run of the régie: (first number, invoices, total)."""

    def run(root, registry):
        found = campagne.valider(
            root, _regie(root), *periode, date or dates.today(), registry=registry
        )
        return found.premier, found.factures, found.total

    return with_root(app.app, run)


def regularisations(app):
    """[(sens, cause, day, state, amount, invoice corrected, document)] by day."""

    def read(root, registry):
        return sorted(
            (r.sens, r.cause, r.jour, r.etat, r.montant, r.facture, r.document)
            for r in regularisation.toutes(_regie(root))
        )

    return with_root(app.app, read)


def facturee(app, path, day):
    """The invoice that bills LUCAS's ``day`` of ``path``, or None."""
    oid = oid_of(app, path)
    return with_root(
        app.app, lambda root, r: service.facturees(lucas(root), oid, day, day).get(day)
    )


def document(app, numero):
    """(type, amount, corrected invoice or lines, reason, frozen?) of DUPONT's
    document ``numero``."""

    def read(root, registry):
        found = root["familles"][NUMERO]["factures"].get(numero)
        if isinstance(found, Avoir):
            return ("avoir", found.montant, found.facture, found.motif, found.original is not None)
        if isinstance(found, Facture):
            lignes = [
                (ligne["prestation"], ligne["quantite"], ligne["montant"]) for ligne in found.lignes
            ]
            return ("facture", found.montant, lignes, found.reste, found.original is not None)
        return None

    return with_root(app.app, read)


def numero_suivant(app):
    return with_root(app.app, lambda root, r: _regie(root).sequence.dernier + 1)


def jours_factures(app, numero):
    """The (prestation oid, day) cells invoice ``numero`` bills."""
    found = document(app, numero)
    assert found is not None and found[0] == "facture"

    def read(root, registry):
        facture = root["familles"][NUMERO]["factures"][numero]
        return sorted((oid, day) for _nom, oid, day in facture.cellules)

    return with_root(app.app, read)


def apercu(app, periode):
    return with_root(app.app, lambda root, r: campagne.apercu(root, _regie(root), *periode))


def contrat_de_decembre(app):
    """The canteen days the contract books in December (before the holidays)."""
    oid = oid_of(app, REST)

    def read(root, registry):
        tree = cells.cellules(lucas(root))
        return [
            day
            for (o, day), etat in tree.items(min=(oid, DECEMBRE[0]), max=(oid, DECEMBRE[1]))
            if etat == cells.RESERVE
        ]

    return with_root(app.app, read)


def reserver_pour(app, path, day):
    """``day`` booked for LUCAS by the service (no request of the parent's)."""

    def run(root, registry):
        from portail_famille.planning.service import changer

        prestation = root["structures"][path[0]][path[1]]
        changer(lucas(root), prestation, day, cells.RESERVE, cause=cells.RESERVATION)

    with_root(app.app, run)


# --- absences ----------------------------------------------------------------


def test_an_absence_accepted_by_the_rules_on_a_day_billed_ahead_gives_a_credit_note(town):  # noqa: F811
    regler(town, ECHOIR, AVOIR)
    jours = contrat_de_decembre(town)
    assert facturer(town, DECEMBRE) == ("AL-229", 1, E("4.00") * len(jours))
    assert facturee(town, REST, JEUDI_CONTRAT) == "AL-229"

    dupont = browser_for(town, "jean.dupont")
    absence(dupont, town, REST, JEUDI_CONTRAT, motif="Rendez-vous médical")
    assert cell(town, REST, JEUDI_CONTRAT) == cells.ABSENT_EXCUSE
    assert regularisations(town) == [
        (
            regularisation.CREDIT,
            cells.ABSENCE_AUTOMATIQUE,
            JEUDI_CONTRAT,
            regularisation.FAITE,
            E("4.00"),
            "AL-229",
            "AL-230",
        )
    ]
    kind, montant, corrigee, motif, figee = document(town, "AL-230")
    assert (kind, montant, corrigee) == ("avoir", E("4.00"), "AL-229")
    assert motif == (
        "Régularisation : absence acceptée automatiquement le 10/12/2026 (LUCAS) "
        "— Restauration scolaire"
    )
    assert figee  # frozen when the parent's request committed
    assert document(town, "AL-229")[3] == E("4.00") * (len(jours) - 1)  # what is still due
    # the day is billed no more, and never billed again while excused
    assert facturee(town, REST, JEUDI_CONTRAT) is None
    assert apercu(town, DECEMBRE)["nombre"] == 0
    # the family sees the credit note in its statement
    releve = dupont.get(DUPONT_URL + "releve-de-compte?annee=2026-2027")
    assert "AL-230" in releve.text and "Avoir : facture AL-229" in releve.text


def test_an_absence_accepted_by_an_agent_waits_for_the_next_invoice(town):  # noqa: F811
    """A day of the holidays (an agent validates), billed ahead: the absence
    waits for the agent without touching the billing; accepted in time, the
    day is credited on the family's next invoice (the régie's rule)."""
    regler(town, ECHOIR, FACTURE_SUIVANTE)
    dupont = browser_for(town, "jean.dupont")
    agent = staff(town, "agent")
    reserver_pour(town, VJ, VACANCES)
    facturer(town, DECEMBRE)
    assert facturee(town, VJ, VACANCES) == "AL-229"

    absence(dupont, town, VJ, VACANCES, motif="Grand-parents")
    assert cell(town, VJ, VACANCES) == cells.ABSENCE_TRAITEMENT
    assert regularisations(town) == []  # the agent decides first
    assert facturee(town, VJ, VACANCES) == "AL-229"
    premiere_a_traiter(agent, "absence")[1].forms["form-accepter"].submit("accepter")
    assert cell(town, VJ, VACANCES) == cells.ABSENT_EXCUSE
    assert regularisations(town) == [
        (
            regularisation.CREDIT,
            cells.ABSENCE_ACCEPTEE,
            VACANCES,
            regularisation.EN_ATTENTE,
            E("14.60"),
            "AL-229",
            "",
        )
    ]
    assert numero_suivant(town) == 230  # no credit note under this rule

    # the régisseur finds it, with its cause
    tab = staff(town, "regisseur").get(TAB)
    pending = tab.html.find(id="en-attente").get_text(" ", strip=True)
    for text in (
        "absence acceptée par le service",
        NUMERO,
        "LUCAS",
        "21/12/2026",
        "-14,60",
        "AL-229",
    ):
        assert text in pending
    assert "Une ligne sur la facture suivante" in tab.text

    # January's run gives it back on its invoice, once
    numero, _n, total = facturer(town, JANVIER, D(2026, 12, 28))
    kind, montant, lignes, _reste, _figee = document(town, numero)
    assert (
        "Régularisation : absence acceptée par le service le 21/12/2026 (LUCAS) — Vacances journée",
        -1,
        E("-14.60"),
    ) in lignes
    assert montant == total == sum(ligne[2] for ligne in lignes)
    # the family reads the negative line on its invoice
    pdf = dupont.get(DUPONT_URL + "factures/%s/pdf" % numero)
    text = texte(pdf.body)
    assert "Régularisation : absence acceptée par le service le 21/12/2026" in text
    assert "-14,60" in text
    assert regularisations(town)[0][3:] == (regularisation.FAITE, E("14.60"), "AL-229", numero)
    assert facturer(town, JANVIER, D(2026, 12, 28))[1] == 0

    # the corrected invoice may be credited of the rest only
    def a_crediter(root, registry):
        facture = root["familles"][NUMERO]["factures"]["AL-229"]
        return facture.montant - service.a_crediter(facture)

    assert with_root(town.app, a_crediter) == E("14.60")
    tab = staff(town, "regisseur").get(TAB)
    assert numero in tab.html.find(id="faites").get_text(" ", strip=True)


def test_a_late_absence_accepted_by_an_agent_stays_billed(town):  # noqa: F811
    """After the deadline an accepted absence is "Absent facturé": the day
    stays billed by its invoice, nothing to regularise; refused, the same."""
    regler(town, ECHOIR)
    facturer(town, DECEMBRE)
    today = D(2026, 12, 1)
    dupont = browser_for(town, "jean.dupont")
    agent = staff(town, "agent")
    absence(dupont, town, REST, today, motif="Fièvre")
    premiere_a_traiter(agent, "absence")[1].forms["form-accepter"].submit("accepter")
    assert cell(town, REST, today) == cells.ABSENT_FACTURE
    assert facturee(town, REST, today) == "AL-229"
    assert regularisations(town) == []
    assert apercu(town, DECEMBRE)["nombre"] == 0
    assert numero_suivant(town) == 230


# --- enrolment, closure, pointage ----------------------------------------------


def test_an_enrolment_ended_credits_its_billed_days_in_one_credit_note(town):  # noqa: F811
    regler(town, ECHOIR, AVOIR)
    jours = contrat_de_decembre(town)
    facturer(town, DECEMBRE)
    agent = staff(town, "agent")
    url = "/manage/familles/%s/enfants/%s/@@inscriptions" % (NUMERO, enfants(town)["LUCAS"][0])
    page = agent.get(url)
    key = "%s:%s" % (ANNEE, oid_of(town, REST))
    button = page.html.find("button", attrs={"name": "supprimer", "value": key})
    token = button.find_parent("form").find("input", attrs={"name": "csrf_token"})["value"]
    # "Supprimer" asks first; the confirmation names the inscription.
    confirmation = agent.post(url, {"supprimer": key, "csrf_token": token}, status=200)
    button = confirmation.html.find("button", attrs={"name": "confirmer_suppression"})
    assert button["value"] == key
    agent.post(url, {"confirmer_suppression": key, "csrf_token": token}, status=302)

    found = regularisations(town)
    assert [r[2] for r in found] == jours  # from today on
    assert {r[:2] + r[3:] for r in found} == {
        (
            regularisation.CREDIT,
            cells.FIN_INSCRIPTION,
            regularisation.FAITE,
            E("4.00"),
            "AL-229",
            "AL-230",
        )
    }
    kind, montant, corrigee, motif, figee = document(town, "AL-230")
    assert (kind, montant, corrigee, figee) == ("avoir", E("4.00") * len(jours), "AL-229", True)
    assert motif.startswith(
        "Régularisation : inscription supprimée (LUCAS) — Restauration scolaire : 01/12/2026, "
        "03/12/2026"
    )
    assert numero_suivant(town) == 231  # one credit note for the whole invoice
    assert document(town, "AL-229")[3] == 0
    assert all(facturee(town, REST, day) is None for day in jours)


def test_a_closure_of_billed_days_cancels_and_credits_them(town):  # noqa: F811
    from .test_fermetures import AJOUT, remplir

    regler(town, ECHOIR, AVOIR)
    facturer(town, DECEMBRE)
    agent = staff(town, "agent")
    vendredi = JEUDI_CONTRAT + datetime.timedelta(days=1)
    page = remplir(agent.get(AJOUT), JEUDI_CONTRAT, vendredi, "Grève").submit("ajouter", status=200)
    assert "2 réservation(s) de 1 famille(s) seront annulées" in page.text
    assert "Dont 2 journée(s) déjà facturée(s)" in page.text
    page.forms["deform"].submit("ajouter", status=302)
    assert cell(town, REST, JEUDI_CONTRAT) == cell(town, REST, vendredi) == cells.FERMETURE
    assert regularisations(town) == [
        (
            regularisation.CREDIT,
            cells.FERMETURE_SERVICE,
            day,
            regularisation.FAITE,
            E("4.00"),
            "AL-229",
            "AL-230",
        )
        for day in (JEUDI_CONTRAT, vendredi)
    ]
    kind, montant, _corrigee, motif, _figee = document(town, "AL-230")
    assert (kind, montant) == ("avoir", E("8.00"))
    assert (
        "fermeture du service (Grève) (LUCAS) — Restauration scolaire : 10/12/2026, 11/12/2026"
        in motif
    )
    tab = staff(town, "regisseur").get(TAB)
    assert "fermeture du service (Grève)" in tab.html.find(id="faites").get_text(" ", strip=True)


def pointer(app, path, day, champs):
    """The agent's attendance sheet of ``day`` posted with ``champs``."""
    url = "/manage/structures/%s/%s/@@pointage" % path
    agent = staff(app, "agent")
    page = agent.get(url, {"date": day.isoformat()})
    values = {
        "csrf_token": page.forms["pointage"]["csrf_token"].value,
        "date": day.isoformat(),
        **champs,
    }
    agent.post(url, values, status=302)


def test_pointage_corrections_after_the_run_are_regularised_on_the_next_invoice(town, clock):  # noqa: F811
    """Terme échu: November is billed on 1 December.  Then an agent corrects
    the sheet of 18 November (LUCAS was not there: credited) and points him
    present on 25 November without reservation (billed by the next run)."""
    regler(town, ECHU, FACTURE_SUIVANTE)
    lucas_oid = with_root(town.app, lambda root, r: str(get_oid(lucas(root))))
    clock.now = datetime.datetime(2026, 11, 18, 17, 0, tzinfo=dates.PARIS)
    pointer(town, MAM, D(2026, 11, 18), {"ajout": lucas_oid})
    assert cell(town, MAM, D(2026, 11, 18)) == cells.PRESENT
    clock.now = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=dates.PARIS)
    facturer(town, NOVEMBRE)
    assert facturee(town, MAM, D(2026, 11, 18)) == "AL-229"

    pointer(town, MAM, D(2026, 11, 18), {"presence-%s" % lucas_oid: "absent"})
    pointer(town, MAM, D(2026, 11, 25), {"ajout": lucas_oid})
    assert cell(town, MAM, D(2026, 11, 18)) is None
    assert cell(town, MAM, D(2026, 11, 25)) == cells.PRESENT
    assert regularisations(town) == [
        (
            regularisation.CREDIT,
            cells.POINTAGE,
            D(2026, 11, 18),
            regularisation.EN_ATTENTE,
            E("7.20"),
            "AL-229",
            "",
        ),
        (
            regularisation.DEBIT,
            cells.POINTAGE,
            D(2026, 11, 25),
            regularisation.EN_ATTENTE,
            E("7.20"),
            "",
            "",
        ),
    ]
    assert facturee(town, MAM, D(2026, 11, 18)) is None

    clock.now = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=dates.PARIS)
    numero, _n, total = facturer(town, DECEMBRE)
    _kind, _montant, lignes, _reste, _figee = document(town, numero)
    regs = [ligne for ligne in lignes if ligne[0].startswith("Régularisation")]
    assert regs == [
        ("Régularisation : pointage le 25/11/2026 (LUCAS) — Mercredi après-midi", 1, E("7.20")),
        ("Régularisation : pointage le 18/11/2026 (LUCAS) — Mercredi après-midi", -1, E("-7.20")),
    ]
    assert facturee(town, MAM, D(2026, 11, 25)) == numero
    assert [r[3] for r in regularisations(town)] == [regularisation.FAITE] * 2
    # never twice: neither November nor December again
    assert apercu(town, NOVEMBRE)["nombre"] == apercu(town, DECEMBRE)["nombre"] == 0


def test_a_credited_day_billable_again_is_billed_once_more(town, clock):  # noqa: F811
    """Credited by a credit note, then pointed present: billed again by the
    next run, once."""
    regler(town, ECHOIR, AVOIR)
    facturer(town, DECEMBRE)
    dupont = browser_for(town, "jean.dupont")
    absence(dupont, town, REST, JEUDI_CONTRAT, motif="Rendez-vous")
    assert document(town, "AL-230")[0] == "avoir"
    lucas_oid = with_root(town.app, lambda root, r: str(get_oid(lucas(root))))
    clock.now = datetime.datetime(2026, 12, 10, 17, 0, tzinfo=dates.PARIS)
    pointer(town, REST, JEUDI_CONTRAT, {"presence-%s" % lucas_oid: "present"})
    assert cell(town, REST, JEUDI_CONTRAT) == cells.PRESENT_RESERVE
    debit = regularisations(town)[-1]
    assert debit[:4] == (
        regularisation.DEBIT,
        cells.POINTAGE,
        JEUDI_CONTRAT,
        regularisation.EN_ATTENTE,
    )
    numero, _n, _total = facturer(town, JANVIER)
    assert (oid_of(town, REST), JEUDI_CONTRAT) in jours_factures(town, numero)
    assert facturee(town, REST, JEUDI_CONTRAT) == numero
    assert regularisations(town)[-1][3:] == (regularisation.FAITE, E("4.00"), "", numero)
    assert facturer(town, JANVIER)[1] == 0


def test_a_credit_not_given_yet_is_dropped_when_the_day_is_billable_again(town):  # noqa: F811
    """Under the rule "facture suivante": an excused absence, then refused
    after all by... the agent's correction: the credit waiting is cancelled
    and the day stays billed by its invoice (nothing billed twice)."""
    regler(town, ECHOIR, FACTURE_SUIVANTE)
    facturer(town, DECEMBRE)
    dupont = browser_for(town, "jean.dupont")
    absence(dupont, town, REST, JEUDI_CONTRAT, motif="Rendez-vous")
    assert regularisations(town)[0][3] == regularisation.EN_ATTENTE
    assert facturee(town, REST, JEUDI_CONTRAT) is None

    def remettre(root, registry):
        from portail_famille.planning.service import changer

        prestation = root["structures"][REST[0]][REST[1]]
        changer(lucas(root), prestation, JEUDI_CONTRAT, cells.RESERVE, cause=cells.PLANNING)

    with_root(town.app, remettre)
    assert regularisations(town)[0][3] == regularisation.ANNULEE
    assert facturee(town, REST, JEUDI_CONTRAT) == "AL-229"
    assert apercu(town, JANVIER)["regularisations"] == 0
    assert numero_suivant(town) == 230


# --- the run and the régie -------------------------------------------------------


def supprimer_inscription(app, path):
    def run(root, registry):
        from portail_famille.inscriptions import cle, desinscrire
        from portail_famille.planning.service import liberer_contrat

        enfant = lucas(root)
        key = cle(ANNEE, get_oid(root["structures"][path[0]][path[1]]))
        liberer_contrat(enfant, enfant.inscriptions[key], dates.today())
        desinscrire(enfant, key)

    with_root(app.app, run)


def test_credits_larger_than_the_next_invoice_are_issued_as_credit_notes_by_the_run(town):  # noqa: F811
    """Rule "facture suivante": the canteen ended after December was billed
    ahead; January has nothing else to bill for DUPONT, so its run gives
    the credits back by one credit note of the invoice they correct."""
    regler(town, ECHOIR, FACTURE_SUIVANTE)
    jours = contrat_de_decembre(town)
    facturer(town, DECEMBRE)
    supprimer_inscription(town, REST)
    attendu = E("4.00") * len(jours)
    assert numero_suivant(town) == 230  # nothing issued yet: they wait
    found = apercu(town, JANVIER)
    assert (found["nombre"], found["avoirs"], found["total_avoirs"]) == (0, 1, attendu)

    regisseur = staff(town, "regisseur")
    url = "/manage/regies/%s/@@facturation" % REGIE
    page = regisseur.get(url, {"debut": "2027-01-01", "fin": "2027-01-31", "apercu": "1"})
    assert "Avoirs à émettre :" in page.text
    confirmation = page.forms["valider"].submit("verifier")
    assert "Et 1 avoir(s) de régularisation, total 44,00" in confirmation.text.replace("\xa0", " ")
    queued = confirmation.forms["confirmer"].submit("confirmer", status=302)
    assert document(town, "AL-230") is None  # queued: issued by the workers
    assert une_passe(town.app) == 1
    done = queued.follow()
    assert "Rien à facturer sur cette période : aucune facture émise." in done.text
    assert "1 avoir(s) de régularisation émis" in done.text
    kind, montant, corrigee, _motif, figee = document(town, "AL-230")
    assert (kind, montant, corrigee, figee) == ("avoir", attendu, "AL-229", True)
    assert {r[3:] for r in regularisations(town)} == {
        (regularisation.FAITE, E("4.00"), "AL-229", "AL-230")
    }
    assert apercu(town, JANVIER)["avoirs"] == 0


def test_an_invoice_cancelled_gives_its_regularisation_lines_back(town):  # noqa: F811
    """January's invoice carried the credit of 10 December; the régisseur
    cancels it by a credit note: the credit waits again, and the next run
    gives it back once more (and bills January again)."""
    regler(town, ECHOIR, FACTURE_SUIVANTE)
    facturer(town, DECEMBRE)
    absence(browser_for(town, "jean.dupont"), town, REST, JEUDI_CONTRAT, motif="Dentiste")
    janvier, _n, total = facturer(town, JANVIER)
    lignes = document(town, janvier)[2]
    assert lignes[-1][1:] == (-1, E("-4.00"))

    def annuler(root, registry):
        facture = root["familles"][NUMERO]["factures"][janvier]
        avoir = service.emettre_avoir(
            facture, _regie(root), dates.today(), "Erreur de période", par="regisseur"
        )
        corrigee = root["familles"][NUMERO]["factures"]["AL-229"]
        return avoir.numero, avoir.montant, corrigee.regularise

    assert with_root(town.app, annuler) == ("AL-231", total, E("0.00"))
    found = regularisations(town)
    assert sorted(r[3] for r in found) == [regularisation.EN_ATTENTE, regularisation.FAITE]
    again, _n, total_again = facturer(town, JANVIER)
    assert total_again == total
    assert document(town, again)[2][-1][1:] == (-1, E("-4.00"))
    assert [r[3] for r in regularisations(town)] == [regularisation.FAITE] * 2
    assert facturer(town, JANVIER)[1] == 0


def test_the_regisseur_sets_the_billing_mode_and_the_rule_on_the_regie_sheet(town):  # noqa: F811
    url = "/manage/regies/%s/@@properties" % REGIE
    regisseur = staff(town, "regisseur")
    form = regisseur.get(url).forms["deform"]
    assert (form["terme"].value, form["regularisation"].value) == (ECHU, AVOIR)
    form["terme"] = ECHOIR
    form["regularisation"] = FACTURE_SUIVANTE
    fields = form.submit_fields("save")

    def lire(root, registry):
        return _regie(root).terme, _regie(root).regularisation

    # an agent's POST of the same form changes nothing (the sheet's
    # "change" permission)
    agent = staff(town, "agent")
    token = csrf(agent.get("/mot-de-passe"))
    posted = agent.post(
        url,
        [(k, token if k == "csrf_token" else v) for k, v in fields],
        expect_errors=True,
    )
    assert posted.status_int in (200, 302, 400, 403)
    assert with_root(town.app, lire) == (ECHU, AVOIR)
    form.submit("save", status=302)
    assert with_root(town.app, lire) == (ECHOIR, FACTURE_SUIVANTE)


def test_step20_regularises_what_was_rewritten_before(town):  # noqa: F811
    """Before this, an absence accepted after billing left a billed day
    excused, silently; step20 finds it, and teaches the régie where its
    runs stopped."""
    from portail_famille.evolve import STEPS, step20

    assert "step20" in STEPS
    regler(town, ECHOIR, AVOIR)
    facturer(town, DECEMBRE)
    oid = oid_of(town, REST)

    def avant(root, registry):
        # what the former code did: the cell written, nothing else
        cells.cellules_modifiables(lucas(root))[(oid, JEUDI_CONTRAT)] = cells.ABSENT_EXCUSE
        del _regie(root).facturee_jusqua

    with_root(town.app, avant)
    assert regularisations(town) == []
    with_root(town.app, step20.evolve)
    assert with_root(town.app, lambda root, r: _regie(root).facturee_jusqua) == DECEMBRE[1]
    assert regularisations(town) == [
        (
            regularisation.CREDIT,
            cells.PLANNING,
            JEUDI_CONTRAT,
            regularisation.EN_ATTENTE,
            E("4.00"),
            "AL-229",
            "",
        )
    ]
    assert numero_suivant(town) == 230  # nothing numbered by the step
    with_root(town.app, step20.evolve)
    assert len(regularisations(town)) == 1
    tab = staff(town, "regisseur").get(TAB).html.find(id="en-attente").get_text(" ", strip=True)
    assert "modification du planning (avant la mise à jour du portail)" in tab
    numero, _n, _total = facturer(town, JANVIER)
    assert document(town, numero)[2][-1][1:] == (-1, E("-4.00"))


def test_a_credit_goes_to_the_regie_of_the_invoice(town):  # noqa: F811
    """The canteen moved to another régie after December was billed: the
    day is credited by the régie that billed it, in its own sequence."""
    regler(town, ECHOIR, AVOIR)
    facturer(town, DECEMBRE)

    def deplacer(root, registry):
        autre = registry.content.create(
            "Regie", title="Régie de la restauration", prefixe="RS-", echeance_jours=30
        )
        root["regies"].add("regie-de-la-restauration", autre, registry=registry)
        root["structures"][REST[0]][REST[1]].regie_oid = get_oid(autre)

    with_root(town.app, deplacer)
    absence(browser_for(town, "jean.dupont"), town, REST, JEUDI_CONTRAT, motif="Malade")
    assert regularisations(town)[0][3:] == (regularisation.FAITE, E("4.00"), "AL-229", "AL-230")
    autre = with_root(
        town.app, lambda root, r: root["regies"]["regie-de-la-restauration"].sequence.dernier
    )
    assert autre == 0
