"""Reminders by mail and SMS (issue 21, part 4): the family's choices in
Mon compte > Mes rappels (CSRF, French messages, SMS refused without
"Autorisation SMS" or a mobile), the events that queue them (a request
answered, an invoice issued), the canteen week not booked, and the batch
``portail-famille-rappels``: run twice, it sends once; killed (SIGKILL)
right after a first SMS left, a rerun sends nothing twice."""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
import transaction
import webtest
from babel.dates import format_date
from prometheus_client.parser import text_string_to_metric_families
from pyramid.scripting import prepare
from substanced.util import get_oid

from portail_famille import dates, main
from portail_famille.calendrier.jours import genres
from portail_famille.demandes import cycle
from portail_famille.demandes.resources import REFUSEE, Demande
from portail_famille.demo import COMPTES, DUPONT, JEANNE_FOYER, MARTIN
from portail_famille.facturation import service as facturation
from portail_famille.familles import partage
from portail_famille.inscriptions import inscrire
from portail_famille.planning import cells, regles
from portail_famille.rappels import script, service
from portail_famille.rappels.resources import ENVOYE, INCERTAIN, Envoi, rappels
from portail_famille.util import close_databases

from ..conftest import (
    DUPONT_URL,
    MARTIN_PASSWORD,
    MARTIN_URL,
    app_du_test,
    csrf,
    login,
    mails,
    with_root,
)
from .conftest import client

PAGE = "mes-rappels"
REGIE = "regie-garderie-alsh"
MOBILE = "06.12.34.56.78"
E164 = "+33612345678"


def reglages(tmp_path):
    return {
        "portail.sms.transport": "repertoire",
        "portail.sms.directory": str(tmp_path / "sms"),
    }


@pytest.fixture
def town(tmp_path):
    with app_du_test(tmp_path / "app", **reglages(tmp_path)) as app:
        yield app


def sms_envoyes(app):
    directory = app.app.registry.settings["portail.sms.directory"]
    if not os.path.isdir(directory):
        return []
    found = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            with open(os.path.join(directory, name), encoding="utf-8") as fp:
                found.append(json.load(fp))
    return found


def parent(app, login_, password):
    browser = client(app)
    login(browser, login_, password)
    return browser


def martin(app):
    browser = client(app)
    login(browser, "marie.martin", COMPTES["marie.martin"][0])
    page = browser.get("/mot-de-passe")
    browser.post(
        "/mot-de-passe",
        {
            "current": COMPTES["marie.martin"][0],
            "new": MARTIN_PASSWORD,
            "confirm": MARTIN_PASSWORD,
            "csrf_token": csrf(page),
        },
        status=302,
    )
    return browser


def donner_mobile(app, numero=MARTIN["numero"], mobile=MOBILE):
    def change(root, registry):
        root["familles"][numero].responsable["mobile"] = mobile

    with_root(app.app, change)


def choix_de(app, numero):
    return with_root(app.app, lambda root, registry: service.choix(root["familles"][numero]))


def poster(browser, page, valeurs, token=None, status=None):
    """POST the form as a browser would (a disabled box included: a
    hand-made request)."""
    data = [("csrf_token", csrf(page) if token is None else token)]
    for sorte in service.SORTES:
        for canal in valeurs.get(sorte, ()):
            data.append((sorte, canal))
    data.append(("enregistrer", "enregistrer"))
    return browser.post(page.request.path, data, status=status)


# --- The page --------------------------------------------------------------------


def test_the_family_chooses_its_reminders(town):
    dupont = parent(town, "jean.dupont", COMPTES["jean.dupont"][0])
    compte = dupont.get(DUPONT_URL + "mon-compte")
    assert compte.html.select_one("#rappels a")["href"].endswith("/" + PAGE)
    page = dupont.get(DUPONT_URL + PAGE)
    assert "Mes rappels" in page.text
    assert page.html.select_one("form#rappels input[name=csrf_token]") is not None
    # DUPONT's Autorisation SMS is Non: said on the page, refused if sent
    assert "Autorisation SMS" in page.html.select_one("#choix-rappels .refus-canal").text
    refus = poster(dupont, page, {"cantine": ["sms"], "facture": ["courriel"]}, status=200)
    assert "Les rappels par SMS demandent l'« Autorisation SMS » à Oui" in refus.text
    assert "Autorisation SMS" in refus.html.select_one("#rappel-cantine .erreur").text
    assert refus.html.select_one("#rappel-facture .erreur") is None
    assert refus.html.select_one("#rappel-cantine")["aria-describedby"] == "erreur-cantine"
    assert refus.html.select_one("#facture-courriel").has_attr("checked")  # kept as sent
    assert "${" not in refus.text
    assert choix_de(town, DUPONT["numero"]) == frozenset()
    # forged values: a French message, never echoed as markup
    faux = poster(dupont, page, {"facture": ["<script>x</script>"]}, status=200)
    assert "Choisissez l'une des valeurs proposées." in faux.html.select_one("#rappel-facture").text
    assert "<script>x" not in faux.text
    # without the CSRF token: nothing recorded
    poster(dupont, page, {"facture": ["courriel"]}, token="faux", status=400)
    assert choix_de(town, DUPONT["numero"]) == frozenset()
    # by mail: recorded, said, shown checked
    # a request's answer is mailed already: no second mail
    assert page.html.select_one("#demande-courriel") is None
    assert "déjà envoyée par courriel" in page.html.select_one("#rappel-demande").text
    deux = poster(dupont, page, {"facture": ["courriel"], "demande": ["courriel"]}, status=200)
    assert "déjà envoyée par courriel" in deux.html.select_one("#rappel-demande .erreur").text
    fait = poster(dupont, page, {"facture": ["courriel"], "echeance": ["courriel"]}, status=302)
    page = fait.follow()
    assert "Vos choix de rappels sont enregistrés." in page.text
    assert choix_de(town, DUPONT["numero"]) == {("facture", "courriel"), ("echeance", "courriel")}
    coches = {(i["name"], i["value"]) for i in page.html.select("#rappels input[checked]")}
    assert coches == {("facture", "courriel"), ("echeance", "courriel")}
    assert page.html.select_one("#cantine-sms").has_attr("disabled")


def test_sms_needs_the_authorisation_and_a_mobile(town):
    browser = martin(town)
    page = browser.get(MARTIN_URL + PAGE)
    # Autorisation SMS Oui, but no mobile yet
    poster(browser, page, {"cantine": ["sms"]}, status=200)
    assert choix_de(town, MARTIN["numero"]) == frozenset()
    donner_mobile(town)
    page = browser.get(MARTIN_URL + PAGE)
    assert not page.html.select("#choix-rappels .refus-canal")
    poster(browser, page, {"cantine": ["sms", "courriel"]}, status=302)
    assert choix_de(town, MARTIN["numero"]) == {("cantine", "sms"), ("cantine", "courriel")}


def test_another_family_and_staff(town):
    dupont = parent(town, "jean.dupont", COMPTES["jean.dupont"][0])
    page = dupont.get(DUPONT_URL + PAGE)
    dupont.get(MARTIN_URL + PAGE, status=404)
    data = {"csrf_token": csrf(page), "facture": "courriel", "enregistrer": "enregistrer"}
    dupont.post(MARTIN_URL + PAGE, data, status=404)
    agent = parent(town, "agent", COMPTES["agent"][0])
    lu = agent.get(DUPONT_URL + PAGE)
    assert lu.html.select_one("form#rappels") is None
    agent.post(DUPONT_URL + PAGE, {"csrf_token": csrf(lu)}, status=403)


# --- Events and the batch -----------------------------------------------------------------


def choisir(app, numero, choix):
    def change(root, registry):
        service.choisir(root["familles"][numero], choix, "test")

    with_root(app.app, change)


def emettre(app, numero, montant="12.50", echeance=None):
    def make(root, registry):
        famille = root["familles"][numero]
        jour = dates.today()
        ligne = {
            "enfant": "X",
            "montant": Decimal(montant),
            "quantite": 1,
            "prix": Decimal(montant),
        }
        return facturation.emettre_facture(
            famille,
            root["regies"][REGIE],
            jour,
            jour,
            jour,
            [ligne],
            echeance=echeance or jour + datetime.timedelta(days=22),
            registry=registry,
        ).numero

    return with_root(app.app, make)


def envois(app, numero):
    def read(root, registry):
        found = rappels(root["familles"][numero])
        if found is None:
            return {}
        return {cle: (e.etat, tuple(e.canaux)) for cle, e in found.envois.items()}

    return with_root(app.app, read)


def test_events_are_queued_for_families_that_chose_them(town):
    numero = emettre(town, DUPONT["numero"])
    assert envois(town, DUPONT["numero"]) == {}  # not chosen: nothing kept
    donner_mobile(town)
    choisir(town, MARTIN["numero"], {("facture", "sms"), ("demande", "sms")})
    numero = emettre(town, MARTIN["numero"])

    def refuser(root, registry):
        famille = root["familles"][MARTIN["numero"]]
        demande = Demande("caf", {"numero_allocataire": "7654321"}, {}, dates.horodatage(), "m")
        cycle.deposer(demande, famille, registry)
        cycle.passer(demande, REFUSEE, "agent", registry, motif="Attestation CAF illisible")
        return demande.__name__

    nom = with_root(town.app, refuser)
    assert envois(town, MARTIN["numero"]) == {
        ("facture", numero, ""): ("a_envoyer", ()),
        ("demande", nom, ""): ("a_envoyer", ()),
    }
    env = prepare(registry=town.app.registry)
    try:
        total = script.envoyer_rappels(env["request"], env["root"], tm=transaction.manager)
    finally:
        env["closer"]()
    assert total["envoyes"] == 2
    textes = [t["text"] for t in sms_envoyes(town)]
    (reponse,) = [t for t in textes if "votre demande" in t]
    assert "a été refusée" in reponse and "Liste des demandes" in reponse
    assert any("facture %s de 12,50" % numero in t for t in textes)
    assert all(len(t) <= 160 and "${" not in t for t in textes)


def _ini(app, tmp_path, **extra):
    settings = app.app.registry.settings
    for db in app.app.registry._zodb_databases.values():
        db.close()
    ini = tmp_path / "rappels.ini"
    lines = ["[app:main]", "use = egg:portail_famille"]
    for key in (
        "zodbconn.uri",
        "substanced.secret",
        "substanced.initial_login",
        "substanced.initial_password",
        "substanced.initial_email",
        "tm.annotate_user",
        "substanced.statsd.enabled",
        "portail.url",
        "portail.mail_directory",
        "portail.sms.transport",
        "portail.sms.directory",
    ):
        value = extra.get(key, settings[key])
        lines.append("%s = %s" % (key, value.replace("%", "%%")))
    ini.write_text("\n".join(lines) + "\n")
    return str(ini)


def test_the_batch_sends_once(town, tmp_path, capsys):
    donner_mobile(town)
    choisir(town, MARTIN["numero"], {("facture", "sms"), ("facture", "courriel")})
    choisir(town, DUPONT["numero"], {("echeance", "courriel")})
    numeros = [emettre(town, MARTIN["numero"], "%d.00" % (10 + n)) for n in range(2)]
    bientot = emettre(town, DUPONT["numero"], "7.00", dates.today() + datetime.timedelta(days=2))
    avant = len(mails(town))
    ini = _ini(town, tmp_path)
    assert script.main(["portail-famille-rappels", ini]) == 0
    assert "1 queued, 3 sent, 0 no longer due, 0 failed, 0 uncertain" in capsys.readouterr().out
    textos = sms_envoyes(town)
    assert [t["to"] for t in textos] == [E164, E164]
    assert sorted(n for n in numeros if any(n in t["text"] for t in textos)) == sorted(numeros)
    assert all(len(t["text"]) <= 160 for t in textos)
    nouveaux = mails(town)[avant:]
    assert len(nouveaux) == 3
    assert any("arrive à échéance" in m and bientot in m for m in nouveaux)
    assert sum("nouvelle facture" in m for m in nouveaux) == 2
    # the serving processes' metrics tell the last run (the batch's own
    # process is not scraped)
    metriques = rouvrir(town, _metriques_rappels)
    assert metriques["envoyes"] == 3.0 and metriques["echecs"] == 0.0
    assert 0 <= metriques["age"] < 600
    assert script.main(["portail-famille-rappels", ini]) == 0
    assert "0 queued, 0 sent" in capsys.readouterr().out
    assert rouvrir(town, _metriques_rappels)["envoyes"] == 0.0
    assert len(sms_envoyes(town)) == 2 and len(mails(town)) == avant + 3
    assert script.main(["portail-famille-rappels"]) == 2


def _metriques_rappels(app):
    texte = app.get("/metriques", extra_environ={"REMOTE_ADDR": "127.0.0.1"}).text
    found = {}
    for family in text_string_to_metric_families(texte):
        for sample in family.samples:
            if sample.name == "portail_rappels_dernier_passage":
                found[sample.labels["resultat"]] = sample.value
            if sample.name == "portail_rappels_dernier_passage_age_secondes":
                found["age"] = sample.value
    return found


def rouvrir(app, lire):
    """``lire(app)`` on the database the scripts wrote, opened again (the
    test's application closed it for them)."""
    wsgi = main({}, **app.app.registry.settings)
    try:
        return lire(webtest.TestApp(wsgi))
    finally:
        close_databases(wsgi.registry)


def _attendre_fichier(directory, suffixe, timeout=60):
    fin = time.monotonic() + timeout
    while time.monotonic() < fin:
        if os.path.isdir(directory) and any(n.endswith(suffixe) for n in os.listdir(directory)):
            return
        time.sleep(0.05)
    raise AssertionError("no SMS written in %s" % directory)


@pytest.mark.parametrize(
    ("transport", "marque", "envoyes_avant"),
    [
        # killed right after the first SMS left, before it is marked sent
        ("SmsBloque", ".json", 1),
        # killed between the commit "en cours" and the first SMS
        ("SmsAvant", ".pret", 0),
    ],
)
def test_killed_mid_send_sends_nothing_twice(town, tmp_path, transport, marque, envoyes_avant):
    donner_mobile(town)
    choisir(town, MARTIN["numero"], {("facture", "sms"), ("facture", "courriel")})
    numeros = [emettre(town, MARTIN["numero"], "%d.00" % (20 + n)) for n in range(3)]
    avant = len(mails(town))
    directory = town.app.registry.settings["portail.sms.directory"]
    bloque = _ini(
        town, tmp_path, **{"portail.sms.transport": "tests.functional.sms_lent:" + transport}
    )
    racine = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=racine)
    process = subprocess.Popen(
        [sys.executable, "-m", "portail_famille.rappels.script", bloque],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _attendre_fichier(directory, marque)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert len(sms_envoyes(town)) == envoyes_avant
    # the restart, with the usual transport
    ini = _ini(town, tmp_path)
    resultat = subprocess.run(
        [sys.executable, "-m", "portail_famille.rappels.script", ini],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "2 sent, 0 no longer due, 0 failed, 1 uncertain" in resultat.stdout
    etats = rouvrir(town, lambda app: envois(app, MARTIN["numero"]))
    assert sorted(e for e, _c in etats.values()) == [ENVOYE, ENVOYE, INCERTAIN]
    (premier,) = [cle[1] for cle, (etat, _c) in etats.items() if etat == INCERTAIN]
    # the interrupted reminder: its SMS once (it left before the kill) or
    # never (the kill fell before it), never twice; the others once each
    textos = sms_envoyes(town)
    for numero in numeros:
        attendu = envoyes_avant if numero == premier else 1
        assert sum(numero in t["text"] for t in textos) == attendu, numero
    # the interrupted reminder's mail never left; the two others' did, once
    nouveaux = mails(town)[avant:]
    assert len(nouveaux) == 2 and not any(premier in m for m in nouveaux)
    # a third run: nothing
    encore = subprocess.run(
        [sys.executable, "-m", "portail_famille.rappels.script", ini],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "0 sent, 0 no longer due, 0 failed, 0 uncertain" in encore.stdout
    assert len(sms_envoyes(town)) == envoyes_avant + 2
    assert len(mails(town)) == avant + 2


# --- The canteen ---------------------------------------------------------------------------


def _semaine_d_ecole(root, annee):
    """A Wednesday of ``annee`` whose next week is five school days."""
    calendrier = root["calendrier"]
    day = annee.debut + datetime.timedelta(days=30)
    while day < annee.fin - datetime.timedelta(days=14):
        if day.weekday() == 2:
            lundi = day + datetime.timedelta(days=5)
            semaine = [lundi + datetime.timedelta(days=n) for n in range(5)]
            if all(g is None for g in genres(calendrier, semaine, zone="C").values()):
                return day
        day += datetime.timedelta(days=1)
    raise AssertionError("no school week")


def test_the_canteen_week_not_booked(town):
    donner_mobile(town)
    choisir(town, MARTIN["numero"], {("cantine", "sms"), ("cantine", "courriel")})

    def prepare_(root, registry):
        famille = root["familles"][MARTIN["numero"]]
        enfant = next(iter(famille["enfants"].values()))
        annee = root["calendrier"].annees()[-1]
        cantine = root["structures"]["garderie-periscolaire"]["restauration-scolaire"]
        inscrire(enfant, get_oid(cantine), annee.libelle, annee.debut, ())
        mercredi = _semaine_d_ecole(root, annee)
        lundi = mercredi + datetime.timedelta(days=5)
        return mercredi, lundi, regles.limite_reservation(cantine, lundi), enfant.__name__

    mercredi, lundi, limite, nom = with_root(town.app, prepare_)
    maintenant = datetime.datetime.combine(mercredi, datetime.time(8, 0), tzinfo=dates.PARIS)
    avant = len(mails(town))

    def lancer(moment):
        env = prepare(registry=town.app.registry)
        try:
            total = script.envoyer_rappels(
                env["request"], env["root"], moment, tm=transaction.manager
            )
        finally:
            env["closer"]()
        return total

    total = lancer(maintenant)
    assert total["envoyes"] == 1
    (texto,) = sms_envoyes(town)
    assert texto["to"] == E164
    jour_limite = format_date(limite.date(), "EEEE d MMMM", locale="fr_FR")
    assert "la cantine de CHLOÉ n'est pas réservée" in texto["text"]  # É: in the GSM alphabet
    assert "jusqu'au %s à 10:00" % jour_limite in texto["text"]
    assert len(texto["text"]) <= 160
    (courriel,) = mails(town)[avant:]
    assert "ferment le %s à 10:00" % jour_limite in courriel
    assert "/familles/%s/enfants/%s/planning" % (MARTIN["numero"], nom) in courriel
    # the same week again: not sent twice
    assert lancer(maintenant + datetime.timedelta(hours=1))["envoyes"] == 0
    assert len(sms_envoyes(town)) == 1

    # the next week, booked on its Tuesday: no reminder
    def reserver(root, registry):
        famille = root["familles"][MARTIN["numero"]]
        enfant = famille["enfants"][nom]
        cantine = root["structures"]["garderie-periscolaire"]["restauration-scolaire"]
        mardi = lundi + datetime.timedelta(days=8)
        cells.set_cell(enfant, get_oid(cantine), mardi, cells.RESERVE)

    with_root(town.app, reserver)
    assert lancer(maintenant + datetime.timedelta(days=7))["calcules"] == 0
    # after the deadline of the week's last day: nothing either
    tard = datetime.datetime.combine(lundi + datetime.timedelta(days=11), datetime.time(12, 0))
    assert lancer(tard.replace(tzinfo=dates.PARIS))["calcules"] == 0


def test_a_town_without_sms_offers_mail_only(app):
    donner_mobile(app)
    browser = martin(app)
    page = browser.get(MARTIN_URL + PAGE)
    assert "n'envoie pas de SMS" in page.html.select_one("#choix-rappels .refus-canal").text
    assert page.html.select_one("#facture-sms").has_attr("disabled")
    refus = poster(browser, page, {"facture": ["sms"]}, status=200)
    assert "n'envoie pas de SMS" in refus.html.select_one("#rappel-facture .erreur").text
    poster(browser, page, {"facture": ["courriel"]}, status=302)
    assert choix_de(app, MARTIN["numero"]) == {("facture", "courriel")}


def test_evolve_gives_the_parents_their_reminders(app):
    from portail_famille.evolve import STEPS, step45
    from portail_famille.security import FAMILLE_PERMISSIONS, P

    def ancienne_acl(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        anciennes = tuple(p for p in FAMILLE_PERMISSIONS if p != P.RAPPELS_MODIFIER)
        famille.__acl__ = [(a, w, anciennes) for a, w, _p in famille.__acl__]

    assert "step45" in STEPS
    with_root(app.app, ancienne_acl)
    dupont = parent(app, "jean.dupont", COMPTES["jean.dupont"][0])
    page = dupont.get(DUPONT_URL + PAGE)
    assert page.html.select_one("form#rappels") is None  # read only
    with_root(app.app, lambda root, registry: step45.evolve(root, registry))
    page = dupont.get(DUPONT_URL + PAGE)
    poster(dupont, page, {"echeance": ["courriel"]}, status=302)


def test_mes_donnees_holds_the_reminders(town):
    dupont = parent(town, "jean.dupont", COMPTES["jean.dupont"][0])
    assert dupont.get(DUPONT_URL + "mes-donnees.json").json["rappels"] == {
        "choix": [],
        "envois": [],
    }
    choisir(town, DUPONT["numero"], {("facture", "courriel")})
    numero = emettre(town, DUPONT["numero"])
    data = dupont.get(DUPONT_URL + "mes-donnees.json").json["rappels"]
    assert data["choix"] == [{"rappel": "Une nouvelle facture est émise", "canal": "Par courriel"}]
    (envoi,) = data["envois"]
    assert envoi["sujet"] == numero and envoi["etat"] == "a_envoyer"
    assert envoi["valeurs"]["numero"] == numero


def test_a_provider_refusal_is_not_retried(tmp_path):
    refus = dict(
        reglages(tmp_path), **{"portail.sms.transport": "tests.functional.sms_lent:SmsRefuse"}
    )
    with app_du_test(tmp_path / "app", **refus) as app:
        donner_mobile(app)
        choisir(app, MARTIN["numero"], {("facture", "sms")})
        choisir(app, DUPONT["numero"], {("facture", "courriel")})
        refusee = emettre(app, MARTIN["numero"])
        envoyee = emettre(app, DUPONT["numero"])
        avant = len(mails(app))

        def lancer():
            env = prepare(registry=app.app.registry)
            try:
                return script.envoyer_rappels(env["request"], env["root"], tm=transaction.manager)
            finally:
                env["closer"]()

        assert lancer() == dict(calcules=0, envoyes=1, caducs=0, echecs=1, incertains=0)
        assert envois(app, MARTIN["numero"]) == {("facture", refusee, ""): ("echec", ())}
        assert envoyee in mails(app)[-1] and len(mails(app)) == avant + 1
        assert lancer()["envoyes"] == lancer()["echecs"] == 0


def test_done_reminders_are_forgotten_after_90_days(town):
    choisir(town, DUPONT["numero"], {("facture", "courriel")})
    numero = emettre(town, DUPONT["numero"])

    def lancer(moment):
        env = prepare(registry=town.app.registry)
        try:
            return script.envoyer_rappels(
                env["request"], env["root"], moment, tm=transaction.manager
            )
        finally:
            env["closer"]()

    assert lancer(dates.now())["envoyes"] == 1
    lancer(dates.now() + datetime.timedelta(days=89))
    assert list(envois(town, DUPONT["numero"])) == [("facture", numero, "")]
    lancer(dates.now() + datetime.timedelta(days=91))
    assert envois(town, DUPONT["numero"]) == {}


def _mercredis_par_parite(root, annee, enfant, prestation):
    """{ISO week parity: a Wednesday of ``annee`` whose next week is five
    school days}, the child's cells of those weeks emptied (nobody booked
    it: his regular contract fills the demo's weeks)."""
    found = {}
    day = annee.debut + datetime.timedelta(days=30)
    while len(found) < 2 and day < annee.fin - datetime.timedelta(days=14):
        if day.weekday() == 2:
            lundi = day + datetime.timedelta(days=5)
            semaine = [lundi + datetime.timedelta(days=n) for n in range(7)]
            if all(g is None for g in genres(root["calendrier"], semaine[:5], zone="C").values()):
                if found.setdefault(lundi.isocalendar()[1] % 2, day) == day:
                    for d in semaine:
                        cells.set_cell(enfant, prestation, d, None)
        day += datetime.timedelta(days=1)
    assert len(found) == 2
    return found


def test_a_shared_childs_canteen_is_reminded_to_the_household_of_its_week(town):
    # LUCAS: JEAN's household on odd ISO weeks, JEANNE's on even ones; each
    # household is reminded of its own weeks only.
    jeanne = JEANNE_FOYER["numero"]

    def calcule(root, registry):
        dupont, foyer = root["familles"][DUPONT["numero"]], root["familles"][jeanne]
        (lucas,) = partage.enfants_partages(foyer)
        partage.regler(lucas, foyer, partage.Garde(partage.PAIRES), partage.Garde(partage.IMPAIRES))
        annee = root["calendrier"].annees()[-1]
        cantine = get_oid(root["structures"]["garderie-periscolaire"]["restauration-scolaire"])
        # (the demo enrols him in the canteen for the year)
        assert any(
            i.prestation == cantine and i.annee == annee.libelle
            for i in lucas.inscriptions.values()
        )
        found = {}
        for parite, mercredi in _mercredis_par_parite(root, annee, lucas, cantine).items():
            moment = datetime.datetime.combine(mercredi, datetime.time(8), tzinfo=dates.PARIS)
            for famille in (dupont, foyer):
                dues = service.cantine_dues(
                    famille, moment, root["calendrier"], service.prestations(root), "C"
                )
                found[(parite, famille.__name__)] = sorted(
                    (enfant.prenom, get_oid(p)) for enfant, p, _lundi, _limite in dues
                )
        return found, cantine

    found, cantine = with_root(town.app, calcule)
    assert found[(0, jeanne)] == [("LUCAS", cantine)]  # even: JEANNE's week
    assert found[(1, jeanne)] == []
    assert ("LUCAS", cantine) in found[(1, DUPONT["numero"])]  # odd: JEAN's
    assert ("LUCAS", cantine) not in found[(0, DUPONT["numero"])]


def test_a_shared_childs_reminder_lapses_when_the_sharing_ends(town):
    jeanne = JEANNE_FOYER["numero"]

    def encore(root, registry):
        foyer = root["familles"][jeanne]
        (lucas,) = partage.enfants_partages(foyer)
        lundi = service.lundi_suivant(dates.today())
        envoi = Envoi(
            service.CANTINE,
            "%s:1" % lucas.__name__,
            service.semaine(lundi),
            {
                "enfant": "LUCAS",
                "enfant_nom": lucas.__name__,
                "prestation": 1,
                "lundi": lundi,
                "limite": dates.now() + datetime.timedelta(days=3),
            },
        )
        avant = service.encore_vrai(foyer, envoi, dates.now())
        partage.retirer(lucas, foyer)
        return avant, service.encore_vrai(foyer, envoi, dates.now())

    assert with_root(town.app, encore) == (True, False)
