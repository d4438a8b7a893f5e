"""Load shedding (issue 7): with ``portail.max_en_cours`` set, a process
admits that many requests in the application at once and refuses the
others at once with a French 503 and Retry-After; static files stay
served.  Through a real waitress server with more threads than the limit."""

import http.client
import threading

import pytest
import transaction

from portail_famille import surcharge

from ..conftest import login, make_app
from ..serveur import Serveur

HOME = "/familles/1001001818331/"
STATIC = "/static-portail/portail.css"
CLIENTS = 16
REQUESTS = 5  # per client


@pytest.fixture(scope="module")
def serveur(tmp_path_factory):
    app = make_app(
        tmp_path_factory.mktemp("surcharge"),
        **{"portail.max_en_cours": "1", "portail.retry_after": "3"},
    )
    login(app, "jean.dupont", "Bonbons31400")
    cookie = "; ".join("%s=%s" % (c.name, c.value) for c in app.cookiejar)
    server = Serveur(app.app, host="127.0.0.1", port=0, threads=8)
    server.start()
    try:
        yield app.app, int(server.effective_port), cookie
    finally:
        server.stop()
        transaction.abort()
        for db in getattr(app.app.registry, "_zodb_databases", {}).values():
            db.close()


def get(port, path, cookie=""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": "localhost", "Cookie": cookie})
        response = connection.getresponse()
        return response.status, response.getheader("Retry-After"), response.read()
    finally:
        connection.close()


def test_the_limit_is_read_from_the_settings(tmp_path):
    assert surcharge.envelopper("app", {}) == "app"
    assert surcharge.envelopper("app", {"portail.max_en_cours": "0"}) == "app"
    wrapped = surcharge.envelopper("app", {"portail.max_en_cours": "3"})
    assert wrapped.limite == 3 and wrapped.retry_after == surcharge.RETRY_AFTER


def test_a_full_process_refuses_at_once_in_french_static_files_still_served(serveur):
    wsgi, port, cookie = serveur
    assert isinstance(wsgi, surcharge.Surcharge) and wsgi.limite == 1
    status, _retry, body = get(port, HOME, cookie)
    assert status == 200 and "Bienvenue JEAN DUPONT" in body.decode()
    refusees = wsgi.refusees
    # Its one place taken (as by a slow request in flight; waitress gives
    # the last one back when it closes the response, just after sending it):
    assert wsgi.places.acquire(timeout=5)
    try:
        status, retry_after, body = get(port, HOME, cookie)
        assert status == 503 and retry_after == "3"
        text = body.decode()
        assert "Service très sollicité" in text
        assert "la vôtre n'a pas été enregistrée. Réessayez dans quelques secondes." in text
        assert "JEAN DUPONT" not in text and "Traceback" not in text
        assert get(port, "/connexion")[0] == 503
        status, _retry, body = get(port, STATIC)
        assert status == 200 and b"{" in body
    finally:
        wsgi.places.release()
    assert get(port, HOME, cookie)[0] == 200
    assert wsgi.refusees == refusees + 2


def test_flooded_some_refused_the_admitted_served_none_waits(serveur):
    wsgi, port, cookie = serveur
    refusees = wsgi.refusees
    results = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS)

    def client():
        barrier.wait()
        for _n in range(REQUESTS):
            try:
                found = get(port, HOME, cookie)
            except OSError as error:  # a timeout would land here
                found = (None, None, repr(error).encode())
            with lock:
                results.append(found)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == CLIENTS * REQUESTS
    statuses = [status for status, _r, _b in results]
    assert set(statuses) == {200, 503}, statuses
    for status, retry_after, body in results:
        if status == 200:
            assert "Bienvenue JEAN DUPONT" in body.decode()
        else:
            assert retry_after == "3" and "Service très sollicité" in body.decode()
    assert statuses.count(503) == wsgi.refusees - refusees
    # Once the flood is over, every place is given back (by waitress closing
    # the last body, just after its client got the bytes).
    assert wsgi.places.acquire(timeout=10)
    wsgi.places.release()
    assert get(port, HOME, cookie)[0] == 200


def test_the_static_prefix_is_exempt():
    from portail_famille.skin import STATIC_PREFIX

    assert STATIC_PREFIX in surcharge.EXEMPTES
