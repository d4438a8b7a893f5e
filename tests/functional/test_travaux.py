"""Long jobs out of the request (issue 22, ``travaux``): a group message is
queued by the agent's request, which returns at once to the job's
progress page; a worker pass writes one message per family; the progress
shows in numbers (the page and its fetch); a worker that stops mid-way
(its lease expired) is taken over and nothing is written twice; who may
follow a job."""

import re
import threading
import time

import pytest
import transaction
import webtest
from prometheus_client.parser import text_string_to_metric_families
from pyramid.scripting import prepare
from ZODB.POSException import ConflictError

from portail_famille.travaux import resources, service
from portail_famille.travaux.fil import travailler
from portail_famille.travaux.service import Genre, file_de

from ..conftest import with_root
from ..travaux import travailleur, une_passe
from .test_messagerie_agents import GROUPE, flashes, staff, token

SUIVI = "/manage/@@travail"
LISTE = "/manage/@@travaux"
OBJET = "Fermeture exceptionnelle"
TEXTE = "Le centre sera fermé vendredi."
NOUVELLES = 23  # families added to the demo's


def ajouter_familles(app, n, prefixe="77000"):
    def make(root, registry):
        for i in range(n):
            famille = registry.content.create(
                "Famille", responsable={"nom": "TRAVAUX%d" % i, "prenom": "ANNE"}
            )
            root["familles"].add("%s%08d" % (prefixe, i), famille, registry=registry)

    with_root(app.app, make)


def messages_du_groupe(app, objet=OBJET):
    """{numero: number of conversations of that subject} of every family."""

    def read(root, registry):
        return {
            numero: sum(1 for c in famille["messages"].values() if c.objet == objet)
            for numero, famille in root["familles"].items()
        }

    return with_root(app.app, read)


def envoyer(app, agent, lot="5"):
    app.app.registry.settings["portail.messages_lot"] = lot
    page = agent.get(GROUPE + "?cible=toutes")
    return agent.post(
        GROUPE,
        {
            "cible": "toutes",
            "objet": OBJET,
            "texte": TEXTE,
            "envoyer": "1",
            "csrf_token": token(page),
        },
        status=302,
    )


def identifiant(response):
    match = re.search(r"@@travail\?id=([\w-]+)$", response.location)
    assert match, response.location
    return match.group(1)


def travail(app, ident):
    def read(root, registry):
        t = file_de(root).get(ident)
        return {
            "etat": t.etat,
            "curseur": t.curseur,
            "total": t.total,
            "titulaire": t.titulaire,
            "erreurs": [texte for _q, texte in t.erreurs],
            "resultat": dict(t.resultat),
            "par": t.par,
        }

    return with_root(app.app, read)


def test_a_group_message_is_queued_then_written_by_a_worker(app):
    ajouter_familles(app, NOUVELLES)
    agent = staff(app, "agent")
    avant = messages_du_groupe(app)
    assert set(avant.values()) == {0}
    familles = len(avant)
    debut = time.perf_counter()
    response = envoyer(app, agent)
    duree = time.perf_counter() - debut
    ident = identifiant(response)
    # Queued: nothing written to any family yet, the job waits.
    assert set(messages_du_groupe(app).values()) == {0}
    etat = travail(app, ident)
    assert etat["etat"] == resources.EN_ATTENTE and etat["curseur"] == 0
    assert etat["total"] == familles and etat["par"] == "agent"
    page = response.follow()
    assert "Message mis en file d'envoi pour %d famille(s)" % familles in flashes(page)
    assert "0 sur %d" % familles in page.text
    assert "En attente" in page.text
    assert "Message groupé « %s » : Toutes les familles" % OBJET in page.text
    assert 'aria-valuenow="0"' in page.text
    assert "Actualiser" in page.text  # without JavaScript
    json = agent.get(SUIVI, {"id": ident, "format": "json"}).json
    assert (json["faits"], json["total"], json["fini"]) == (0, familles, False)
    assert json["etat_libelle"] == "En attente"
    # GET never writes: following the job changed nothing.
    assert travail(app, ident) == etat

    lots = une_passe(app.app)
    assert lots == -(-familles // 5)  # chunks of 5 families
    assert set(messages_du_groupe(app).values()) == {1}
    etat = travail(app, ident)
    assert etat["etat"] == resources.TERMINE and etat["curseur"] == familles
    assert etat["titulaire"] is None and etat["erreurs"] == []
    assert etat["resultat"] == {"envoyees": familles}
    page = agent.get(SUIVI, {"id": ident})
    assert "%d sur %d" % (familles, familles) in page.text
    assert "Terminé" in page.text and "Actualiser" not in page.text
    json = agent.get(SUIVI, {"id": ident, "format": "json"}).json
    assert (json["faits"], json["fini"], json["pourcentage"]) == (familles, True, 100)
    # The form that started it shows it too, with its progress.
    formulaire = agent.get(GROUPE)
    assert "Derniers messages groupés" in formulaire.text
    assert "/manage/@@travail?id=%s" % ident in formulaire.text
    assert "%d sur %d" % (familles, familles) in formulaire.text
    # The tab lists it; a second pass finds nothing to do.
    liste = agent.get(LISTE)
    assert "Message groupé « %s »" % OBJET in liste.text and "Terminé" in liste.text
    assert une_passe(app.app) == 0
    assert set(messages_du_groupe(app).values()) == {1}
    print("queuing request: %.0f ms for %d families" % (duree * 1000, familles))


def test_a_worker_that_stops_is_taken_over_and_nothing_is_written_twice(app):
    ajouter_familles(app, NOUVELLES)
    agent = staff(app, "agent")
    ident = identifiant(envoyer(app, agent, lot="4"))
    premier, fermer_premier = travailleur(app.app, nom="premier", bail=3600)
    second, fermer_second = travailleur(app.app, nom="second", bail=3600)
    try:
        assert premier.reclamer() == ident
        assert premier.lot(ident) is True  # 4 families, committed
        assert premier.lot(ident) is True  # 8
        # Its lease holds: the second worker finds nothing to take.
        assert second.reclamer() is None
        assert travail(app, ident)["titulaire"] == "premier"
        # The first worker is gone (killed): its lease expires.

        def expirer(root, registry):
            file_de(root).get(ident).bail_fin = time.time() - 1

        with_root(app.app, expirer)
        assert second.passe() > 0
        # The first one comes back: the job is no longer its own.
        assert premier.lot(ident) is False
        assert premier.reclamer() is None
    finally:
        transaction.abort()
        fermer_premier()
        fermer_second()
    assert set(messages_du_groupe(app).values()) == {1}
    etat = travail(app, ident)
    assert etat["etat"] == resources.TERMINE
    assert etat["erreurs"] == ["Repris par second : premier ne répondait plus (bail expiré)."]
    assert agent.get(SUIVI, {"id": ident}).text.count("bail expiré") == 1


def test_a_unit_that_fails_is_noted_and_the_others_done(app):
    registry = app.app.registry
    faits = []

    def traiter(request, root, travail, unites):
        for unite in unites:
            if unite == "c":
                raise ValueError(unite)
            faits.append(unite)

    genres = service.genres(registry)
    genres["essai"] = Genre(
        "essai", "Essai", traiter, "messagerie:boite:traiter", lot=2, unite=str.upper
    )
    try:

        def queue(root, reg):
            request = prepare(registry=reg)["request"]
            return service.mettre_en_file(request, root, "essai", "abcde", {}, "Essai").id

        ident = with_root(app.app, queue)
        une_passe(app.app)
    finally:
        del genres["essai"]
    etat = travail(app, ident)
    # a, b in one chunk; c, d failed together, then one by one: c noted.
    assert faits == ["a", "b", "d", "e"]
    assert etat["etat"] == resources.TERMINE and etat["curseur"] == 5
    assert etat["erreurs"] == ["C : non traité (ValueError)."]


@pytest.mark.parametrize(
    ("role", "status"),
    [("regisseur", 200), ("editeur", 403), ("admin", 200)],
)
def test_who_may_follow_a_job(app, role, status):
    agent = staff(app, "agent")
    ident = identifiant(envoyer(app, agent))
    browser = staff(app, role)
    browser.get(SUIVI, {"id": ident}, status=status)
    browser.get(SUIVI, {"id": ident, "format": "json"}, status=status)
    browser.get(LISTE, status=status)
    if status == 200:
        assert OBJET in browser.get(LISTE).text
    # An unknown or forged id is not found.
    agent.get(SUIVI, {"id": "nope"}, status=404)
    agent.get(SUIVI, status=404)
    agent.get(SUIVI, {"id": ["a", "b"]}, status=404)


def test_the_reminders_job_is_followed_by_regisseurs_only(app):
    """A second kind (relances.envoi): its permission is held on the
    régies, so an agent (who follows jobs, not reminders) finds nothing."""
    regisseur, agent = staff(app, "regisseur"), staff(app, "agent")
    relances = "/manage/regies/@@relances-dues"
    apercu = regisseur.get(relances)
    response = regisseur.post(relances, {"confirmer": "1", "csrf_token": token(apercu)}, status=302)
    ident = identifiant(response)
    page = response.follow()
    assert "Relances des factures impayées du" in page.text and "0 sur 1" in page.text
    agent.get(SUIVI, {"id": ident}, status=404)
    agent.get(SUIVI, {"id": ident, "format": "json"}, status=404)
    assert "Relances des factures" not in agent.get(LISTE).text
    assert une_passe(app.app) == 1
    etat = travail(app, ident)
    assert etat["etat"] == resources.TERMINE and etat["resultat"] == {"envoyees": 1}
    page = regisseur.get(SUIVI, {"id": ident})
    assert "1 sur 1" in page.text and 'href="/manage/regies/@@impayes"' in page.text


def test_a_chunk_that_conflicts_is_done_again_never_passed_over(app):
    registry = app.app.registry
    essais = []

    def traiter(request, root, travail, unites):
        essais.append(tuple(unites))
        if len(essais) == 2:  # the second chunk, its first attempt
            raise ConflictError()
        travail.resultat = dict(
            travail.resultat, faits=travail.resultat.get("faits", ()) + tuple(unites)
        )

    genres = service.genres(registry)
    genres["essai"] = Genre("essai", "Essai", traiter, "messagerie:boite:traiter", lot=2)
    try:

        def queue(root, reg):
            request = prepare(registry=reg)["request"]
            return service.mettre_en_file(request, root, "essai", "abcde", {}, "Essai").id

        ident = with_root(app.app, queue)
        assert une_passe(app.app) == 3
    finally:
        del genres["essai"]
    assert essais == [("a", "b"), ("c", "d"), ("c", "d"), ("e",)]
    etat = travail(app, ident)
    assert etat["resultat"] == {"faits": ("a", "b", "c", "d", "e")}
    assert etat["erreurs"] == [] and etat["etat"] == resources.TERMINE


def test_the_worker_thread_of_development_delivers(app):
    """development.ini's worker inside the server's process (FileStorage:
    one process only), here woken every 0.1 s until stopped."""
    ajouter_familles(app, 3)
    agent = staff(app, "agent")
    ident = identifiant(envoyer(app, agent))
    registry = app.app.registry
    registry.settings["portail.travaux.attente"] = "0.1"
    arret = threading.Event()
    fil = threading.Thread(target=travailler, args=(registry, arret), daemon=True)
    fil.start()
    try:
        fin = time.monotonic() + 60
        while travail(app, ident)["etat"] != resources.TERMINE:
            assert time.monotonic() < fin, travail(app, ident)
            time.sleep(0.1)
    finally:
        arret.set()
        fil.join(30)
        del registry.settings["portail.travaux.attente"]
    assert not fil.is_alive()
    assert set(messages_du_groupe(app).values()) == {1}


def jauges(app):
    """The jobs' gauges of /metriques: {(state,): n, "echoues": n}."""
    texte = webtest.TestApp(app.app).get("/metriques", extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    found = {}
    for family in text_string_to_metric_families(texte.text):
        for sample in family.samples:
            if sample.name == "portail_travaux_en_file":
                found[(sample.labels["etat"],)] = sample.value
            elif sample.name == "portail_travaux_echoues":
                found["echoues"] = sample.value
    return found


def test_a_job_whose_units_keep_failing_is_given_up(app, monkeypatch):
    monkeypatch.setattr(service, "ERREURS_MAX", 2)
    registry = app.app.registry

    def traiter(request, root, travail, unites):
        raise KeyError(unites[0])

    genres = service.genres(registry)
    genres["essai"] = Genre(
        "essai", "Essai", traiter, "messagerie:boite:traiter", lot=2, unite=str.upper
    )
    try:

        def queue(root, reg):
            request = prepare(registry=reg)["request"]
            return service.mettre_en_file(request, root, "essai", "abcdef", {}, "Essai").id

        ident = with_root(app.app, queue)
        assert jauges(app) == {("en-attente",): 1.0, ("en-cours",): 0.0, "echoues": 0.0}
        une_passe(app.app)
        assert une_passe(app.app) == 0  # out of the queue
    finally:
        del genres["essai"]
    # the metrics: nothing left in the queue, one job failed
    assert jauges(app) == {("en-attente",): 0.0, ("en-cours",): 0.0, "echoues": 1.0}
    etat = travail(app, ident)
    assert etat["etat"] == resources.ECHOUE and etat["curseur"] == 2
    assert etat["erreurs"] == [
        "A : non traité (KeyError).",
        "B : non traité (KeyError).",
        "C : non traité (KeyError).",
        "Trop d'erreurs : le travail est arrêté.",
    ]
    page = staff(app, "agent").get(SUIVI, {"id": ident})
    assert "Échoué" in page.text and "2 sur 6" in page.text
    assert "Trop d'erreurs : le travail est arrêté." in page.text
