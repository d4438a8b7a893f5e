"""The invoicing run of a whole town by workers (``portail-famille-travaux``,
``facturation.travail``) as real processes on a shared database
(test_facturation_travaux_zeo.py, test_facturation_travaux_relstorage.py):
FAMILLES families billed for May 2015 in chunks of LOT families, each
chunk issuing its invoices and rendering
their PDFs in one transaction; the first worker is killed with SIGKILL
mid-run (most likely while it renders a chunk), the second takes the job
over after the lease and ends it.  Every family has exactly one invoice
for the period, with its frozen PDF; the numbers are one range without
gap or duplicate; the job's log says it was taken over."""

import datetime
import os
import signal
import time

from pyramid.scripting import prepare
from substanced.util import get_oid

from portail_famille.demo import load
from portail_famille.facturation import campagne, travail
from portail_famille.travaux import resources

from .. import peuplement
from ..conftest import with_root
from . import outils
from .scenario_travaux import arreter, attendre, etat, lancer

FAMILLES = 60
LOT = 3  # families per chunk: 20 chunks or more, each with its PDFs
JOURS = (4, 5, 7, 11, 12)
MAI = (datetime.date(2015, 5, 1), datetime.date(2015, 5, 31))
DATE = datetime.date(2015, 6, 2)
REGIE = "regie-garderie-alsh"
PREFIXE = "55000000"  # the town's families: "55000000<n on 5 digits>"


def peupler(root, registry):
    peuplement.cantine_mai_2015(root, registry, FAMILLES, PREFIXE, JOURS, nom="K")


def mettre_en_file(wsgi):
    """The régisseur's confirmation (``travail.lancer``): (job id, the
    families to bill, the régie's last number before the run)."""

    def queue(root, registry):
        request = prepare(registry=registry)["request"]
        request.registry.settings["portail.facturation_lot"] = str(LOT)
        regie = root["regies"][REGIE]
        avant = regie.sequence.dernier
        job, _run = travail.lancer(request, root, regie, *MAI, DATE, None, "regisseur")
        return job.id, [numero for numero, _enfants in job.unites.valeurs], avant

    return with_root(wsgi, queue)


def factures(wsgi, avant):
    """({family: [numbers of its May 2015 invoices issued after number
    ``avant``]}, [every number of the
    régie], its sequence's last, [families whose invoice has no original],
    the runs [(invoices, finished)])."""

    def read(root, registry):
        regie = root["regies"][REGIE]
        par_famille, numeros, sans = {}, [], []
        for famille in root["familles"].values():
            for document in list(famille["factures"].values()) + list(
                famille["reglements"].values()
            ):
                if document.regie_oid != get_oid(regie):
                    continue
                numero = int(document.numero.removeprefix(regie.prefixe))
                numeros.append(numero)
                if (
                    numero > avant
                    and getattr(document, "debut", None) == MAI[0]
                    and hasattr(document, "lignes")
                ):
                    par_famille.setdefault(famille.__name__, []).append(document.numero)
                    if document.original is None:
                        sans.append(famille.__name__)
        runs = [(run.factures, run.terminee) for run in campagne.campagnes(regie)]
        return par_famille, sorted(numeros), regie.sequence.dernier, sans, runs

    return with_root(wsgi, read)


def tuer_et_reprendre(tmp_path, serveur, **params):
    """The scenario of the module's docstring on the started ``serveur``."""
    reglages = outils.settings(tmp_path, serveur.uri(tmp_path / "cache-test", **params))
    reglages.update({"portail.url": "http://127.0.0.1"})
    wsgi = outils.application(reglages)
    processus = []
    try:
        with_root(wsgi, lambda root, registry: None)  # the root, by one process
        with_root(wsgi, load)  # the demo: its régie, structures, tariffs
        with_root(wsgi, peupler)
        ident, familles, avant = mettre_en_file(wsgi)
        assert len(familles) >= FAMILLES
        assert factures(wsgi, avant)[0] == {}

        # 1. SIGKILL mid-run: the lease stays with the dead worker.
        premier = lancer(tmp_path, serveur, params, "premier")
        processus.append(premier)
        attendre(wsgi, ident, lambda e: e["curseur"] >= 4 * LOT, premier)
        os.kill(premier.pid, signal.SIGKILL)
        premier.wait(60)
        tue = etat(wsgi, ident)
        assert tue["etat"] == resources.EN_COURS and tue["titulaire"] is not None
        assert 0 < tue["curseur"] < len(familles), tue
        par_famille, numeros, dernier, sans, runs = factures(wsgi, avant)
        # what was committed: whole chunks, each family once, with its PDF
        # (the demo's families of the units have nothing to bill in May)
        faits = [f for f in familles[: tue["curseur"]] if f.startswith(PREFIXE)]
        assert sorted(par_famille) == faits
        assert all(len(found) == 1 for found in par_famille.values())
        assert sans == []
        assert [n for n in numeros if n > avant] == list(range(avant + 1, dernier + 1))
        assert runs == [(len(faits), False)]

        # 2. Another worker takes it over after the lease and ends it.
        debut = time.monotonic()
        second = lancer(tmp_path, serveur, params, "second")
        processus.append(second)
        fini = attendre(wsgi, ident, lambda e: e["etat"] == resources.TERMINE, second)
        duree = time.monotonic() - debut
        assert fini["curseur"] == len(familles)
        assert fini["reprises"] == 1
        assert len(fini["erreurs"]) == 1 and fini["erreurs"][0].startswith("Repris par ")
        # Every family exactly one invoice for May, with its frozen PDF;
        # one range of numbers, no gap, no duplicate.
        par_famille, numeros, dernier, sans, runs = factures(wsgi, avant)
        assert sorted(par_famille) == sorted(f for f in familles if f.startswith(PREFIXE))
        assert len(par_famille) == FAMILLES
        assert all(len(found) == 1 for found in par_famille.values())
        assert sans == []
        nouveaux = [n for n in numeros if n > avant]
        assert nouveaux == list(range(avant + 1, dernier + 1))
        assert len(numeros) == len(set(numeros))
        assert len(nouveaux) == FAMILLES
        assert runs == [(FAMILLES, True)]
        print(
            "SIGKILL at %d of %d families; the rest (%d) with their PDFs in %.1f s (lease %s s)"
            % (tue["curseur"], len(familles), len(familles) - tue["curseur"], duree, "3")
        )
    finally:
        arreter(processus, wsgi)
