"""Numbers of a régie under concurrency (issue 5): two invoicing runs of the
same month confirmed at the same moment by two régisseurs (real waitress
server on a FileStorage, the SDI's "Valider la facturation"), while
payments are recorded at the same moment in other threads (each its own
ZODB connection, retried on conflict as pyramid_retry retries a request):
one run is queued, the other refused (one run at a time per régie, issue
22); then two workers run the queue while payments are recorded again, so
the run's chunks race the payments for the régie's sequence: the régie's
numbers form one range without gap or duplicate, every family gets one
invoice, and no planning cell is billed twice."""

import datetime
import http.client
import random
import threading
import time
import urllib.parse
from decimal import Decimal

import pytest
import transaction
import webtest
from substanced.util import get_oid
from ZODB.POSException import ConflictError

from portail_famille import main
from portail_famille.demo import DUPONT, MARTIN, load
from portail_famille.facturation import campagne, service
from portail_famille.facturation.resources import Facture, Reglement
from portail_famille.travaux.service import file_de

from .. import peuplement
from ..conftest import csrf, login, settings_for, with_root
from ..serveur import Serveur
from ..travaux import une_passe
from .test_facturation_campagne import empreinte

FAMILLES = 24
LOT = 4  # families per batch: the two runs interleave their batches
JOURS = (4, 5, 7, 11, 12)  # May 2015 canteen days of each child
PAIEMENTS = 8
URL = "/manage/regies/regie-garderie-alsh/@@facturation"


@pytest.fixture
def serveur(tmp_path):
    uri = "file://%s?blobstorage_dir=%s" % (tmp_path / "Data.fs", tmp_path / "blobs")
    settings = settings_for(tmp_path, **{"zodbconn.uri": uri, "portail.facturation_lot": str(LOT)})
    wsgi = main({}, **settings)
    webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"}).get("/")
    with_root(wsgi, load)
    with_root(wsgi, _town)
    server = Serveur(wsgi, host="127.0.0.1", port=0, threads=8)
    server.start()
    try:
        yield wsgi, int(server.effective_port)
    finally:
        server.stop()
        transaction.abort()
        for db in getattr(wsgi.registry, "_zodb_databases", {}).values():
            db.close()


def _town(root, registry):
    """FAMILLES families, one child each, on the canteen in May 2015."""
    peuplement.cantine_mai_2015(root, registry, FAMILLES, "80000000", JOURS, nom="N")


def _numero(numero):
    return int(numero.removeprefix("AL-"))


def _payer(db, numero_famille, errors):
    """Record a payment of 1.00 in its own connection, retried on conflict."""
    manager = transaction.TransactionManager()
    connection = db.open(transaction_manager=manager)
    try:
        for attempt in range(30):
            try:
                manager.begin()
                root = connection.root()["app_root"]
                famille = root["familles"][numero_famille]
                regie = root["regies"]["regie-garderie-alsh"]
                service.enregistrer_reglement(
                    famille, regie, datetime.date(2015, 6, 2), Decimal("1.00"), "especes"
                )
                manager.commit()
                return
            except ConflictError:
                manager.abort()
                time.sleep(random.uniform(0, min(0.01 * 2 ** (attempt + 1), 0.25)))  # noqa: S311
        errors.append("payment never committed")
    except Exception as e:  # noqa: BLE001 (reported by the test)
        errors.append(repr(e))
    finally:
        connection.close()


def test_two_runs_and_payments_at_the_same_moment(serveur):
    wsgi, port = serveur
    before = with_root(
        wsgi, lambda root, registry: root["regies"]["regie-garderie-alsh"].sequence.dernier
    )
    # two régisseurs' sessions (the same account twice), one token each
    sessions = []
    for _n in range(2):
        app = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
        login(app, "regisseur", "Regie2015alsh")
        token = csrf(app.get("/mot-de-passe"))
        cookie = "; ".join("%s=%s" % (c.name, c.value) for c in app.cookiejar)
        sessions.append((cookie, token))
    db = wsgi.registry._zodb_databases[""]
    familles_payees = [DUPONT["numero"], MARTIN["numero"]] + [
        "80000000%05d" % n for n in range(PAIEMENTS - 2)
    ]
    digest = empreinte(wsgi, datetime.date(2015, 5, 1), datetime.date(2015, 5, 31))
    barrier = threading.Barrier(2 + PAIEMENTS)
    statuses, errors = [], []
    base = "http://localhost:%d" % port

    def run(cookie, token):
        body = urllib.parse.urlencode(
            {
                "csrf_token": token,
                "debut": "2015-05-01",
                "fin": "2015-05-31",
                "empreinte": digest,
                "confirmer": "1",
            }
        )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        connection.request(
            "POST",
            URL,
            body,
            {
                "Host": "localhost:%d" % port,
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": base,
                "Referer": base + URL,
            },
        )
        response = connection.getresponse()
        statuses.append(response.status)
        connection.close()

    def pay(numero, barrier):
        barrier.wait()
        _payer(db, numero, errors)

    threads = [threading.Thread(target=run, args=s) for s in sessions]
    threads += [threading.Thread(target=pay, args=(n, barrier)) for n in familles_payees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    # one run queued; the other, retried after its conflict on the régie,
    # finds it under way and is refused (the page again)
    assert sorted(statuses) == [200, 302]
    assert errors == []
    (familles_du_travail,) = with_root(
        wsgi, lambda root, r: [t.total for t in file_de(root).en_file()]
    )
    assert familles_du_travail >= FAMILLES  # the town's, and the demo's billed in May

    # two workers (one claims the job, the other finds nothing) while
    # payments take numbers of the same sequence
    barrier = threading.Barrier(2 + PAIEMENTS)
    chunks = []

    def work():
        barrier.wait()
        chunks.append(une_passe(wsgi))

    threads = [threading.Thread(target=work) for _n in range(2)]
    threads += [threading.Thread(target=pay, args=(n, barrier)) for n in familles_payees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert sorted(chunks) == [0, -(-familles_du_travail // LOT)]
    assert errors == []

    def count(root, registry):
        regie = root["regies"]["regie-garderie-alsh"]
        numeros, factures, reglements, billed = [], {}, 0, []
        for famille in root["familles"].values():
            for document in list(famille["factures"].values()) + list(
                famille["reglements"].values()
            ):
                if document.regie_oid != get_oid(regie):
                    continue
                numeros.append(_numero(document.numero))
                if isinstance(document, Facture) and document.debut == datetime.date(2015, 5, 1):
                    factures.setdefault(famille.__name__, []).append(document)
                    billed.extend(
                        (famille.__name__,) + tuple(cellule) for cellule in document.cellules
                    )
                if isinstance(document, Reglement) and document.date == datetime.date(2015, 6, 2):
                    reglements += 1
        runs = [(run.factures, run.terminee) for run in campagne.campagnes(regie)]
        return sorted(numeros), factures, reglements, billed, regie.sequence.dernier, runs

    numeros, factures, reglements, billed, dernier, runs = with_root(wsgi, count)
    # one run, recorded and finished
    assert runs == [(FAMILLES, True)]
    nouveaux = [n for n in numeros if n > before]
    # one range, no gap, no duplicate, up to the sequence's last number
    assert nouveaux == list(range(before + 1, dernier + 1))
    assert len(numeros) == len(set(numeros))
    assert reglements == 2 * PAIEMENTS
    # every family of the town billed once for May, each cell once
    town = {"80000000%05d" % n for n in range(FAMILLES)}
    assert set(factures) == town
    assert all(len(found) == 1 for found in factures.values())
    assert len(billed) == len(set(billed)) == FAMILLES * len(JOURS)
    assert len(nouveaux) == FAMILLES + 2 * PAIEMENTS
