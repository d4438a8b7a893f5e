"""Workers of long jobs (``portail-famille-travaux``, ``travaux``) as real
processes on a shared database (test_travaux_zeo.py on ZEO,
test_travaux_relstorage.py on PostgreSQL): a group message to FAMILLES
families in chunks of LOT; the first worker is stopped by SIGTERM (it
ends its chunk and gives the job back), the second is killed with SIGKILL
mid-way (its lease expires, BAIL seconds), the third takes the job over
and ends it; every family has exactly one message, and the job's log says
it was taken over."""

import os
import signal
import subprocess
import sys
import time

from pyramid.scripting import prepare

from portail_famille.messagerie import groupe
from portail_famille.travaux import resources
from portail_famille.travaux.service import file_de

from ..conftest import with_root
from . import outils
from .lanceur import _environnement, ecrire_ini

FAMILLES = 2000
LOT = 20  # families per chunk: 100 chunks
BAIL = 3  # seconds: the killed worker's job is taken over after it
OBJET = "Rentrée : les horaires"
DELAI = 300  # seconds a worker is given to end the job


def peupler(root, registry):
    for n in range(FAMILLES):
        famille = registry.content.create("Famille", responsable={"nom": "K%d" % n})
        root["familles"].add("66%011d" % n, famille, registry=registry)


def mettre_en_file(wsgi):
    def queue(root, registry):
        request = prepare(registry=registry)["request"]
        request.registry.settings["portail.messages_lot"] = str(LOT)
        numeros = groupe.numeros(root, groupe.TOUTES, None)
        return groupe.mettre_en_file(
            request, root, numeros, OBJET, "Bonjour.", "Toutes les familles"
        ).id

    return with_root(wsgi, queue)


def etat(wsgi, ident):
    def read(root, registry):
        t = file_de(root).get(ident)
        return {
            "etat": t.etat,
            "curseur": t.curseur,
            "titulaire": t.titulaire,
            "reprises": t.reprises,
            "erreurs": [texte for _q, texte in t.erreurs],
        }

    return with_root(wsgi, read)


def compter(wsgi):
    """{number of messages of OBJET: number of families with that many}."""

    def read(root, registry):
        found = {}
        for famille in root["familles"].values():
            n = sum(1 for c in famille["messages"].values() if c.objet == OBJET)
            found[n] = found.get(n, 0) + 1
        return found

    return with_root(wsgi, read)


def lancer(dossier, serveur, params, nom, **reglages):
    """A worker process (the console script's code) on its own .ini (with
    ``reglages``) and blob cache; its output in ``dossier/<nom>.log``."""
    ini = ecrire_ini(
        dossier / ("%s.ini" % nom),
        serveur.uri(dossier / ("cache-%s" % nom), **params),
        **{
            "portail.travaux.bail": BAIL,
            "portail.travaux.attente": "0.2",
            "portail.mail_directory": str(dossier / "mail"),
            **reglages,
        },
    )
    with open(dossier / ("%s.log" % nom), "ab") as log:
        return subprocess.Popen(  # noqa: S603 (our own command)
            [sys.executable, "-m", "portail_famille.travaux.script", str(ini)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_environnement(),
        )


def arreter(processus, wsgi):
    """The workers still running killed, the test's application closed."""
    for p in processus:
        if p.poll() is None:
            p.kill()
            p.wait()
    outils.fermer(wsgi)


def attendre(wsgi, ident, condition, processus, delai=DELAI):
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        found = etat(wsgi, ident)
        if condition(found):
            return found
        assert processus.poll() is None, "the worker ended (%s)" % processus.returncode
        time.sleep(0.05)
    raise TimeoutError(found)


def tuer_et_reprendre(tmp_path, serveur, **params):
    """The scenario of the module's docstring on the started ``serveur``
    (a Zeo or a Postgres of lanceur.py)."""
    reglages = outils.settings(tmp_path, serveur.uri(tmp_path / "cache-test", **params))
    reglages.update({"portail.demo": "false", "portail.url": "http://127.0.0.1"})
    wsgi = outils.application(reglages)
    processus = []
    try:
        with_root(wsgi, peupler)
        ident = mettre_en_file(wsgi)
        assert compter(wsgi) == {0: FAMILLES}

        # 1. SIGTERM: the chunk under way is committed, the job given back.
        premier = lancer(tmp_path, serveur, params, "premier")
        processus.append(premier)
        attendre(wsgi, ident, lambda e: e["curseur"] >= 2 * LOT, premier)
        premier.send_signal(signal.SIGTERM)
        assert premier.wait(60) == 0
        apres_arret = etat(wsgi, ident)
        assert apres_arret["etat"] == resources.EN_ATTENTE
        assert apres_arret["titulaire"] is None
        assert 0 < apres_arret["curseur"] < FAMILLES
        assert apres_arret["curseur"] % LOT == 0
        assert compter(wsgi) == {
            1: apres_arret["curseur"],
            0: FAMILLES - apres_arret["curseur"],
        }

        # 2. SIGKILL mid-way: the lease stays with the dead worker.
        second = lancer(tmp_path, serveur, params, "second")
        processus.append(second)
        attendre(
            wsgi,
            ident,
            lambda e: e["curseur"] >= apres_arret["curseur"] + 10 * LOT,
            second,
        )
        os.kill(second.pid, signal.SIGKILL)
        second.wait(60)
        tue = etat(wsgi, ident)
        assert tue["etat"] == resources.EN_COURS and tue["titulaire"] is not None
        assert 0 < tue["curseur"] < FAMILLES, tue
        assert compter(wsgi) == {1: tue["curseur"], 0: FAMILLES - tue["curseur"]}

        # 3. Another worker takes it over after the lease and ends it.
        debut = time.monotonic()
        troisieme = lancer(tmp_path, serveur, params, "troisieme")
        processus.append(troisieme)
        fini = attendre(wsgi, ident, lambda e: e["etat"] == resources.TERMINE, troisieme)
        duree = time.monotonic() - debut
        assert fini["curseur"] == FAMILLES
        assert fini["reprises"] == 1
        assert len(fini["erreurs"]) == 1
        assert fini["erreurs"][0].startswith("Repris par ")
        assert "%s ne répondait plus (bail expiré)." % tue["titulaire"] in fini["erreurs"][0]
        # Every family exactly one message: nothing lost, nothing twice.
        assert compter(wsgi) == {1: FAMILLES}
        print(
            "SIGTERM at %d, SIGKILL at %d of %d; the rest (%d families) in %.1f s "
            "(lease %d s)"
            % (
                apres_arret["curseur"],
                tue["curseur"],
                FAMILLES,
                FAMILLES - tue["curseur"],
                duree,
                BAIL,
            )
        )
    finally:
        arreter(processus, wsgi)
