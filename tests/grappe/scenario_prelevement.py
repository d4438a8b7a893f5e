"""Three long jobs of the régies run by workers as real processes on a
shared database (test_prelevement_zeo.py), each worker killed with SIGKILL
mid-way (its lease expires, BAIL seconds) and the job taken over by
another, which ends it; nothing lost, nothing done twice:

1. A direct-debit batch prepared (``prelevement.preparation``,
   GENRE_LOT): FAMILLES families, each with one unpaid invoice and a
   mandate, in chunks of LOT.  Every invoice is in the file exactly once
   and marked once, every mandate used once, the batch's number the first
   of the year, and the file the inline build's (``construire``) but for
   its creation time.
2. The same batch, transmitted, marked "effectué" (GENRE_EFFECTUER,
   ``lots.payer``) in chunks of LOT_EFFECTUER, by the worker that ended
   the preparation (killed in its turn).  Every invoice paid by exactly
   one payment allocated to it alone, the payments' numbers one range
   without gap, every receipt frozen, the batch "effectué", journaled
   once.
3. A PES file for the Trésor public (``pes.preparation``, GENRE_PES) of
   another régie's FAMILLES_PES invoices reminded twice (their debtors'
   addresses complete, one in ten with a mandate), in chunks of LOT_PES,
   by the worker that ended the payments (killed in its turn).  Every
   invoice once in the file (one piece each, numbered from 1), marked
   sent and journaled once, its mandate used; the file passes ``controle``
   and is byte for byte the inline build's (``service.emettre``).

Four workers in all: the one that takes a job over stays up and claims the
next job as soon as it is queued.  The receipts are real PDFs (wkhtmltopdf,
two at a time, ~0.15 s a receipt on 2 idle cores; WeasyPrint is slower on
them): most of the scenario's time, hence a batch of FAMILLES = 120
families, in chunks of LOT = 2 so that the first kill still lands with
most of the batch to do."""

import contextlib
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
from portail_famille.facturation import originaux
from portail_famille.facturation import service as facturation
from portail_famille.facturation.resources import Reglement
from portail_famille.journal import lire
from portail_famille.pes import controle
from portail_famille.pes import preparation as preparation_pes
from portail_famille.pes import resources as resources_pes
from portail_famille.pes import service as pes
from portail_famille.prelevement import creancier, lots, mandats, preparation, resources
from portail_famille.travaux import resources as travaux
from portail_famille.travaux.service import file_de

from ..conftest import with_root
from ..functional.test_pes import PES
from ..functional.test_prelevement_lots import SEPA
from . import outils
from .scenario_travaux import arreter, attendre, etat, lancer

FAMILLES = 120
LOT = 2  # families per chunk: 60 chunks (a worker killed well before the end)
REGIE = "regie-k"
LOT_EFFECTUER = 10  # families per chunk of payments (and their receipts): 12 chunks
REGIE_PES = "regie-t"
FAMILLES_PES = 150
LOT_PES = 3  # invoices per chunk: 50 chunks


@contextlib.contextmanager
def par_lots(registry, taille):
    """Jobs queued inside are cut in chunks of ``taille`` units (small: the
    kill lands mid-way)."""
    registry.settings["portail.travaux.lot"] = str(taille)
    try:
        yield
    finally:
        del registry.settings["portail.travaux.lot"]


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
    # The PES's: another régie, an invoice reminded twice a family.
    regie = registry.content.create("Regie", title="Régie T", prefixe="T-")
    root["regies"].add(REGIE_PES, regie, registry=registry)
    relances = (jour - datetime.timedelta(days=40), jour - datetime.timedelta(days=20))
    for n in range(FAMILLES_PES):
        famille = registry.content.create(
            "Famille",
            responsable={
                "civilite": ("Madame", "Monsieur")[n % 2],
                "nom": "T%d" % n,
                "prenom": "Léa",
                "adresse": "%d rue des Écoles" % (1 + n),
                "code_postal": "38330",
                "ville": "Biviers",
            },
        )
        root["familles"].add("77%011d" % n, famille, registry=registry)
        montant = Decimal(2000 + n) / 100
        ligne = {"enfant": "X", "montant": montant, "quantite": 1, "prix": montant}
        debut = jour - datetime.timedelta(days=60)
        facture = facturation.emettre_facture(
            famille, regie, debut, debut, debut, [ligne], registry=registry
        )
        facture.relances = tuple(
            {"rang": r + 1, "date": d, "par": "regisseur"} for r, d in enumerate(relances)
        )
        if n % 10 == 0:  # a titre with its debit (InfoPrelevementSEPA)
            iban = IBAN.generate("FR", bank_code="30006", account_code="%011d" % (10**9 + n))
            mandats.signer(famille, "Léa T%d" % n, str(iban), "", signe)
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
        with par_lots(registry, LOT):
            return preparation.mettre_en_preparation(request, regie, lot, "regisseur").id

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


# --- 2. "Marquer comme effectué" ---------------------------------------------------------------


def mettre_en_paiement(wsgi, numero):
    """The batch transmitted, then marked done as the view does (its check
    on the due date: the payments are dated that day); the job's id."""

    def queue(root, registry):
        request = prepare(registry=registry)["request"]
        regie = root["regies"][REGIE]
        lot = resources.lot(regie, numero)
        lots.transmettre(lot, par="regisseur")
        assert lots.obstacle_effectuer(lot) is not None  # before its due date
        assert lots.obstacle_effectuer(lot, lot.echeance) is None
        with par_lots(registry, LOT_EFFECTUER):
            return preparation.mettre_en_paiement(request, regie, lot, "regisseur").id

    return with_root(wsgi, queue)


def paiements(wsgi, numero, ident):
    """What the batch, its families and the job say of the payments."""

    def read(root, registry):
        regie = root["regies"][REGIE]
        lot = resources.lot(regie, numero)
        familles = root["familles"]
        reglements, factures = [], {}
        for debit in lot.debits:
            famille = familles[debit["famille"]]
            for numero_facture, montant in debit["factures"]:
                facture = facturation.factures(famille)[numero_facture]
                factures[numero_facture] = {
                    "famille": debit["famille"],
                    "debit": montant,
                    "affectations": dict(facture.affectations),
                    "reste": facture.reste,
                }
            for r in facturation.reglements(famille).values():
                if isinstance(r, Reglement):
                    original = originaux.original(r)
                    reglements.append(
                        {
                            "numero": r.numero,
                            "famille": debit["famille"],
                            "mode": r.mode,
                            "reference": r.reference,
                            "date": r.date,
                            "affectations": dict(r.affectations),
                            "pdf": None if original is None else original.contenu()[:5],
                            "html": originaux.html_emis(r) is not None,
                        }
                    )
        entrees, _suite = lire(root, quoi=preparation.LOT_EFFECTUE, limite=10)
        t = travaux_de(root, ident)
        return {
            "etat": lot.etat,
            "echeance": lot.echeance,
            "travail": lot.travail,
            "ordre": [d["famille"] for d in lot.debits],
            "lot_reglements": dict(lot.reglements),
            "reglements": reglements,
            "factures": factures,
            "journal": [e["details"] for e in entrees],
            "resultat": dict(t.resultat or {}),
        }

    return with_root(wsgi, read)


def verifier_paiements(found, numero, curseur):
    """The payments of the batch's first ``curseur`` families (in the
    job's order), each exactly once: recorded, allocated, frozen."""
    payees = found["ordre"][:curseur]
    assert sorted(r["famille"] for r in found["reglements"]) == sorted(payees)  # one each
    numeros = [r["numero"] for r in found["reglements"]]
    assert len(set(numeros)) == curseur
    for r in found["reglements"]:
        assert (r["mode"], r["reference"], r["date"]) == (lots.MODE, numero, found["echeance"])
        [(facture, montant)] = r["affectations"].items()  # allocated to one invoice
        # ... its family's, debited that amount, which it pays alone, once;
        # the batch names it
        assert found["factures"][facture] == {
            "famille": r["famille"],
            "debit": montant,
            "affectations": {r["numero"]: montant},
            "reste": Decimal("0.00"),
        }, r
        assert found["lot_reglements"][facture] == r["numero"]
        assert r["pdf"] == b"%PDF-" and not r["html"], r  # its receipt frozen
    assert len(found["lot_reglements"]) == curseur
    impayees = [f for f, v in found["factures"].items() if not v["affectations"]]
    assert len(impayees) == len(found["factures"]) - curseur == FAMILLES - curseur
    return numeros


# --- 3. The PES file ---------------------------------------------------------------------------


def inline_pes(wsgi, jour):
    """The PES file issued in one transaction (``service.emettre``, the
    reference), then aborted: (its number, its bytes)."""

    def build(root, registry):
        regie = root["regies"][REGIE_PES]
        valeurs, erreurs = pes.reglages(registry.settings)
        assert erreurs == []
        found = pes.apercu(regie, valeurs, jour)
        assert (found["nombre"], found["exclues"]) == (FAMILLES_PES, [])
        fichier = pes.emettre(regie, valeurs, jour, found["retenues"], "regisseur")
        data = fichier.fichier.contenu()
        transaction.abort()  # a reference only: its numbers given back
        return fichier.numero, data

    return with_root(wsgi, build)


def mettre_en_file_pes(wsgi, jour):
    """What "Confirmer l'envoi au Trésor public" does (``pes.sdi``): the
    preview, the file numbered "en préparation", the job queued; (the
    file's number, the job's id)."""

    def queue(root, registry):
        request = prepare(registry=registry)["request"]
        regie = root["regies"][REGIE_PES]
        valeurs, _erreurs = pes.reglages(registry.settings)
        retenues = pes.apercu(regie, valeurs, jour)["retenues"]
        fichier = pes.ouvrir(regie, jour, retenues, "regisseur")
        with par_lots(registry, LOT_PES):
            travail = preparation_pes.mettre_en_file_fichier(
                request, regie, fichier, valeurs, retenues, "regisseur"
            )
        return fichier.numero, travail.id

    return with_root(wsgi, queue)


def titres(wsgi, numero):
    """What the PES file, its invoices, their mandates and the journal say."""

    def read(root, registry):
        regie = root["regies"][REGIE_PES]
        fichier = resources_pes.fichiers_de(regie)[numero]
        familles = root["familles"]
        tresor, mandates = {}, {}
        for n in range(FAMILLES_PES):
            famille = familles["77%011d" % n]
            for facture in famille["factures"].values():
                tresor[facture.numero] = facture.tresor
            for mandat in mandats.mandats(famille):
                mandates[famille.__name__] = mandat.dernier_usage
        entrees, _suite = lire(root, quoi=pes.TITRE_TRANSMIS, limite=10 * FAMILLES_PES)
        return {
            "etat": fichier.etat,
            "nombre": fichier.nombre,
            "preparees": len(fichier.preparation) if fichier.preparation is not None else None,
            "data": fichier.fichier.contenu() if fichier.fichier is not None else b"",
            "tresor": tresor,
            "mandats": mandates,
            "journal": sorted(e["details"]["facture"] for e in entrees),
        }

    return with_root(wsgi, read)


# --- A worker killed, another takes over ------------------------------------------------------


def travaux_de(root, ident):
    return file_de(root).get(ident)


def tuer(wsgi, ident, processus, seuil):
    """Wait until the job's cursor reaches ``seuil`` under ``processus``,
    then SIGKILL it; the job's state after the kill (still held by the
    dead worker, mid-way)."""
    attendre(wsgi, ident, lambda e: e["curseur"] >= seuil, processus)
    os.kill(processus.pid, signal.SIGKILL)
    processus.wait(60)
    tue = etat(wsgi, ident)
    assert tue["etat"] == travaux.EN_COURS and tue["titulaire"] is not None, tue
    return tue


def reprendre(wsgi, ident, processus, total, tue):
    """Wait until ``processus`` (another worker) took the job over from
    the one killed (``tue``: the job then) and ended it: taken over once,
    after the lease, nothing else in its log."""
    fini = attendre(wsgi, ident, lambda e: e["etat"] == travaux.TERMINE, processus)
    assert fini["curseur"] == total
    assert fini["reprises"] == 1
    assert [e.startswith("Repris par ") for e in fini["erreurs"]] == [True], fini
    assert "%s ne répondait plus (bail expiré)." % tue["titulaire"] in fini["erreurs"][0]
    return fini


def tuer_et_reprendre(tmp_path, serveur, **params):
    """The scenario of the module's docstring on the started ``serveur``."""
    reglages = outils.settings(tmp_path, serveur.uri(tmp_path / "cache-test", **params))
    reglages.update({"portail.demo": "false", "portail.url": "http://127.0.0.1", **SEPA, **PES})
    wsgi = outils.application(reglages)
    processus = []
    jour = echeance()
    try:
        with_root(wsgi, peupler)
        numero, attendu, empreinte = inline(wsgi, jour)
        ident = mettre_en_file(wsgi, jour, empreinte)

        # 1. The batch's preparation; SIGKILL mid-way: the lease stays
        # with the dead worker.
        premier = lancer(tmp_path, serveur, params, "premier", **SEPA)
        processus.append(premier)
        tue = tuer(wsgi, ident, premier, 10 * LOT)
        assert 0 < tue["curseur"] < FAMILLES, tue
        milieu = bilan(wsgi, jour)
        assert milieu["lots"] == [(numero, resources.EN_PREPARATION)]
        assert len(milieu["marques"]) == milieu["usages"] == tue["curseur"]
        assert milieu["data"] == b""

        # Another worker takes it over after the lease and ends it.
        debut = time.monotonic()
        second = lancer(tmp_path, serveur, params, "second", **SEPA)
        processus.append(second)
        reprendre(wsgi, ident, second, FAMILLES, tue)
        duree = time.monotonic() - debut

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
            "Batch: SIGKILL at %d of %d; the rest (%d families) in %.1f s"
            % (tue["curseur"], FAMILLES, FAMILLES - tue["curseur"], duree)
        )

        # 2. The batch transmitted, marked done: the worker still up
        # claims the payments; SIGKILL mid-way.
        debut = time.monotonic()
        ident = mettre_en_paiement(wsgi, numero)
        tue = tuer(wsgi, ident, second, 3 * LOT_EFFECTUER)
        assert 0 < tue["curseur"] < FAMILLES, tue
        milieu = paiements(wsgi, numero, ident)
        assert (milieu["etat"], milieu["travail"]) == (resources.TRANSMIS, ident)
        assert milieu["journal"] == []
        verifier_paiements(milieu, numero, tue["curseur"])

        troisieme = lancer(tmp_path, serveur, params, "troisieme", **SEPA)
        processus.append(troisieme)
        reprendre(wsgi, ident, troisieme, FAMILLES, tue)
        duree = time.monotonic() - debut
        found = paiements(wsgi, numero, ident)
        assert (found["etat"], found["travail"]) == (resources.EFFECTUE, None)
        numeros = verifier_paiements(found, numero, FAMILLES)
        # numbered in one range after the invoices': none skipped, none twice
        assert sorted(numeros, key=lambda n: int(n[2:])) == [
            "K-%d" % n for n in range(FAMILLES + 1, 2 * FAMILLES + 1)
        ]
        assert found["resultat"] == {"reglements": FAMILLES}
        assert found["journal"] == [{"lot": numero, "reglements": FAMILLES}]
        print(
            "Payments: SIGKILL at %d of %d; queued to done in %.1f s"
            % (tue["curseur"], FAMILLES, duree)
        )

        # 3. The PES file: the worker still up claims it; SIGKILL mid-way.
        debut = time.monotonic()
        jour_pes = dates.today()
        fichier, reference = inline_pes(wsgi, jour_pes)
        numero_pes, ident = mettre_en_file_pes(wsgi, jour_pes)
        assert numero_pes == fichier  # the inline build's number, given back
        tue = tuer(wsgi, ident, troisieme, 5 * LOT_PES)
        assert 0 < tue["curseur"] < FAMILLES_PES, tue
        milieu = titres(wsgi, fichier)
        assert milieu["etat"] == resources_pes.EN_PREPARATION and milieu["data"] == b""
        marquees = sorted(f for f, t in milieu["tresor"].items() if t is not None)
        assert milieu["preparees"] == len(marquees) == tue["curseur"]
        assert milieu["journal"] == marquees

        quatrieme = lancer(tmp_path, serveur, params, "quatrieme", **SEPA)
        processus.append(quatrieme)
        reprendre(wsgi, ident, quatrieme, FAMILLES_PES, tue)
        duree = time.monotonic() - debut
        found = titres(wsgi, fichier)
        assert (found["etat"], found["nombre"]) == (resources_pes.EMIS, FAMILLES_PES)
        assert found["data"] == reference  # byte for byte the inline build's
        assert controle.verifier(found["data"]) == []
        # every invoice once in the file, one piece each, numbered from 1
        pieces = etree.fromstring(found["data"]).findall("PES_RecetteAller/Bordereau/Piece")
        factures = [p.find("BlocPiece/NumeroFacture").get("V") for p in pieces]
        assert len(factures) == len(set(factures)) == FAMILLES_PES
        assert sorted(factures) == sorted(found["tresor"])
        ids = [int(p.find("BlocPiece/IdPce").get("V")) for p in pieces]
        assert sorted(ids) == list(range(1, FAMILLES_PES + 1))
        # each marked sent with its piece, journaled once
        assert {f: t["piece"] for f, t in found["tresor"].items()} == dict(
            zip(factures, ids, strict=True)
        )
        assert {(t["fichier"], t["date"]) for t in found["tresor"].values()} == {
            (fichier, jour_pes)
        }
        assert found["journal"] == sorted(factures)
        # the mandates used for the titres' debits, once each
        assert len(found["mandats"]) == FAMILLES_PES // 10
        assert set(found["mandats"].values()) == {
            jour_pes + datetime.timedelta(days=pes.DELAI_PRELEVEMENT)
        }
        assert found["data"].count(b"<InfoPrelevementSEPA>") == FAMILLES_PES // 10
        print(
            "PES: SIGKILL at %d of %d; queued to done in %.1f s"
            % (tue["curseur"], FAMILLES_PES, duree)
        )
    finally:
        arreter(processus, wsgi)
