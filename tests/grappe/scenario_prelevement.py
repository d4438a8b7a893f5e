"""A direct-debit batch prepared by workers (``prelevement.preparation``)
as real processes on a shared database (test_prelevement_zeo.py): FAMILLES
families, each with one unpaid invoice and a mandate, in chunks of LOT; a
worker is killed with SIGKILL mid-way (its lease expires, BAIL seconds),
another takes the job over and ends it.  Every invoice is in the file
exactly once and marked once, every mandate used once, the batch's number
the first of the year, and the file the inline build's (``construire``)
but for its creation time."""

import datetime
import os
import re
import signal
import time
from decimal import Decimal

import transaction
from lxml import etree
from pyramid.scripting import prepare
from schwifty import IBAN

from portail_famille import dates
from portail_famille.facturation import service as facturation
from portail_famille.prelevement import creancier, lots, mandats, preparation, resources
from portail_famille.travaux import resources as travaux

from ..conftest import with_root
from . import outils
from .scenario_travaux import attendre, etat, lancer

FAMILLES = 600
LOT = 3  # families per chunk: 200 chunks (a worker killed well before the end)
REGIE = "regie-k"
SEPA = {
    "portail.sepa.creancier": "Mairie de Biviers",
    "portail.sepa.ics": "FR72ZZZ123456",
    "portail.sepa.adresse": "1 place de la Mairie, 38330 Biviers",
    "portail.sepa.iban": "FR7630006000011234567890189",
    "portail.sepa.bic": "AGRIFRPPXXX",
}


def echeance():
    jour = dates.today() + datetime.timedelta(days=5)
    while not lots.jour_ouvre(jour):
        jour += datetime.timedelta(days=1)
    return jour


def peupler(root, registry):
    regie = registry.content.create("Regie", title="Régie K", prefixe="K-")
    root["regies"].add(REGIE, regie, registry=registry)
    jour = dates.today() - datetime.timedelta(days=10)
    signe = dates.today() - datetime.timedelta(days=100)
    for n in range(FAMILLES):
        famille = registry.content.create(
            "Famille", responsable={"nom": "K%d" % n, "prenom": "Jean"}
        )
        root["familles"].add("66%011d" % n, famille, registry=registry)
        montant = Decimal(1000 + n) / 100
        ligne = {"enfant": "X", "montant": montant, "quantite": 1, "prix": montant}
        facturation.emettre_facture(famille, regie, jour, jour, jour, [ligne], registry=registry)
        iban = IBAN.generate("FR", bank_code="30006", account_code="%011d" % n)
        mandats.signer(famille, "Jean K%d" % n, str(iban), "", signe)
        if n % 100 == 99:
            transaction.commit()


def inline(wsgi, jour):
    """The batch built in one transaction (the reference), then aborted:
    (its number, its file, the preview's digest)."""

    def build(root, registry):
        regie = root["regies"][REGIE]
        found = lots.apercu(root, regie, jour)
        lot = lots.construire(
            root, regie, jour, found["empreinte"], creancier(registry.settings), par="regisseur"
        )
        data = lot.fichier.contenu()
        transaction.abort()
        return lot.numero, data, found["empreinte"]

    return with_root(wsgi, build)


def mettre_en_file(wsgi, jour, empreinte):
    def queue(root, registry):
        request = prepare(registry=registry)["request"]
        regie = root["regies"][REGIE]
        lot = lots.ouvrir(
            root, regie, jour, empreinte, creancier(registry.settings), par="regisseur"
        )
        registry.settings["portail.travaux.lot"] = str(LOT)
        try:
            return preparation.mettre_en_preparation(request, regie, lot, "regisseur").id
        finally:
            del registry.settings["portail.travaux.lot"]

    return with_root(wsgi, queue)


def bilan(wsgi, jour):
    """What the batch and the families say once it is done."""

    def read(root, registry):
        regie = root["regies"][REGIE]
        tous = resources.tous(regie)
        marques, utilises = {}, 0
        for famille in root["familles"].values():
            for facture in famille["factures"].values():
                if facture.prelevement is not None:
                    marques[facture.numero] = marques.get(facture.numero, 0) + 1
            utilises += sum(1 for m in mandats.mandats(famille) if m.dernier_usage == jour)
        lot = tous[0]
        return {
            "lots": [(x.numero, x.etat) for x in tous],
            "nombre": lot.nombre,
            "data": lot.fichier.contenu() if lot.fichier is not None else b"",
            "marques": marques,
            "utilises": utilises,
            "usages": len(lot.usages),
        }

    return with_root(wsgi, read)


def _normaliser(data):
    return re.sub(rb"<CreDtTm>[^<]+</CreDtTm>", b"<CreDtTm/>", data)


def tuer_et_reprendre(tmp_path, serveur, **params):
    reglages = outils.settings(tmp_path, serveur.uri(tmp_path / "cache-test", **params))
    reglages.update({"portail.demo": "false", "portail.url": "http://127.0.0.1", **SEPA})
    wsgi = outils.application(reglages)
    processus = []
    jour = echeance()
    try:
        with_root(wsgi, peupler)
        numero, attendu, empreinte = inline(wsgi, jour)
        ident = mettre_en_file(wsgi, jour, empreinte)

        # SIGKILL mid-way: the lease stays with the dead worker.
        premier = lancer(tmp_path, serveur, params, "premier", **SEPA)
        processus.append(premier)
        attendre(wsgi, ident, lambda e: e["curseur"] >= 20 * LOT, premier)
        os.kill(premier.pid, signal.SIGKILL)
        premier.wait(60)
        tue = etat(wsgi, ident)
        assert tue["etat"] == travaux.EN_COURS and tue["titulaire"] is not None
        assert 0 < tue["curseur"] < FAMILLES, tue
        milieu = bilan(wsgi, jour)
        assert milieu["lots"] == [(numero, resources.EN_PREPARATION)]
        assert len(milieu["marques"]) == milieu["usages"] == tue["curseur"]
        assert milieu["data"] == b""

        # Another worker takes it over after the lease and ends it.
        debut = time.monotonic()
        second = lancer(tmp_path, serveur, params, "second", **SEPA)
        processus.append(second)
        fini = attendre(wsgi, ident, lambda e: e["etat"] == travaux.TERMINE, second)
        duree = time.monotonic() - debut
        assert fini["curseur"] == FAMILLES
        assert fini["reprises"] == 1
        assert [e.startswith("Repris par ") for e in fini["erreurs"]] == [True]

        found = bilan(wsgi, jour)
        assert found["lots"] == [(numero, resources.PREPARE)]  # one batch, the first number
        assert found["nombre"] == FAMILLES
        # every invoice marked once, every mandate used once
        assert len(found["marques"]) == FAMILLES and set(found["marques"].values()) == {1}
        assert found["utilises"] == found["usages"] == FAMILLES
        # every invoice exactly once in the file, which is the inline build's
        ns = {"p": lots.NAMESPACE}
        ids = [e.text for e in etree.fromstring(found["data"]).iterfind(".//p:EndToEndId", ns)]
        assert len(ids) == len(set(ids)) == FAMILLES
        assert sorted(ids) == sorted(found["marques"])
        assert lots.erreurs_schema(found["data"]) == []
        assert _normaliser(found["data"]) == _normaliser(attendu)
        print(
            "SIGKILL at %d of %d; the rest (%d families) in %.1f s"
            % (tue["curseur"], FAMILLES, FAMILLES - tue["curseur"], duree)
        )
    finally:
        for p in processus:
            if p.poll() is None:
                p.kill()
                p.wait()
        outils.fermer(wsgi)
