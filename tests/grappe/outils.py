"""What the tests of several processes share: a browser speaking HTTP to a
real application process, the town they are run on, and the counts read
back from the database."""

import base64
import datetime
import http.client
import json
import re
import threading
import urllib.parse
from decimal import Decimal
from http.cookies import SimpleCookie

import transaction
from substanced.util import get_oid

from portail_famille import dates, main
from portail_famille.demo import load
from portail_famille.facturation.resources import Facture, Reglement
from portail_famille.inscriptions import inscrire
from portail_famille.planning import cells, places, service

from .. import peuplement
from ..conftest import ADMIN, HACHAGE, with_root

FAMILLES = 100
ENFANTS = 5  # per family: 500 children
LIBRES = 20  # places left on the race's day
CAPACITE = 40
PASSWORD = "Grappe-2026-xyz"
MAM = ("accueil-de-loisirs-alsh", "mercredi-apres-midi")  # automatic, Wednesdays
CANTINE = ("garderie-periscolaire", "restauration-scolaire")
FACTURES = 12  # families billed for May 2015 (one child each)
JOURS_MAI = (4, 5, 7, 11, 12)
REGIE_NOM = "regie-garderie-alsh"
FACTURATION = "/manage/regies/%s/@@facturation" % REGIE_NOM
LOT = 4


def settings(dossier, uri):
    """The settings of the test process's own application on ``uri`` and
    of the application processes (the same secret: cookies work on both)."""
    return {
        "zodbconn.uri": uri,
        "tm.annotate_user": "false",
        "substanced.secret": "grappe-secret-not-for-production",
        "substanced.initial_login": ADMIN[0],
        "substanced.initial_password": ADMIN[1],
        "substanced.initial_email": "admin@example.org",
        "substanced.autosync_catalogs": "true",
        "substanced.statsd.enabled": "false",
        "pyramid.includes": "pyramid_tm",
        "portail.mail_directory": str(dossier / "mail"),
        "portail.site_commune": "https://www.mairie-biviers.fr",
        "portail.demo": "true",
        "portail.zone_vacances": "C",
        "portail.facturation_lot": str(LOT),
        # Argon2id at its cheapest (a login checks a hash at the parameters
        # it names): 100 logins must not cost seconds of CPU.
        **HACHAGE,
    }


def application(reglages):
    """The test process's own application (another client of the storage)."""
    return main({}, **reglages)


def fermer(wsgi):
    transaction.abort()
    for db in getattr(wsgi.registry, "_zodb_databases", {}).values():
        db.close()


class Navigateur:
    """One browser: its cookies, HTTP/1.1 to one application process."""

    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.url = url
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies = {}

    def requete(self, methode, chemin, donnees=None, timeout=120):
        headers = {"Host": "%s:%s" % (self.host, self.port)}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        body = None
        if donnees is not None:
            body = urllib.parse.urlencode(donnees, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.url
            headers["Referer"] = self.url + chemin
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(methode, chemin, body, headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            headers = dict(response.getheaders())
            headers["cookies"] = {}
            for valeur in response.msg.get_all("Set-Cookie") or ():
                for morsel in SimpleCookie(valeur).values():
                    self.cookies[morsel.key] = headers["cookies"][morsel.key] = morsel.value
            return response.status, headers, text
        finally:
            connection.close()

    def vers(self, url):
        """The same browser (the same cookies) on another process."""
        autre = Navigateur(url)
        autre.cookies = self.cookies
        return autre

    def get(self, chemin):
        return self.requete("GET", chemin)

    def post(self, chemin, donnees):
        return self.requete("POST", chemin, donnees)

    def connecter(self, login, password):
        status, _headers, text = self.get("/connexion")
        assert status == 200, status
        status, _headers, _text = self.post(
            "/connexion", {"login": login, "password": password, "csrf_token": jeton(text)}
        )
        assert status == 302, status
        return self

    def jeton(self, chemin="/mot-de-passe"):
        status, _headers, text = self.get(chemin)
        assert status == 200, (status, chemin)
        return jeton(text)


def session(headers):
    valeur = headers.get("cookies", {}).get("pf_session", "").strip('"')
    if not valeur:
        return None
    brut = base64.urlsafe_b64decode(valeur + "=" * (-len(valeur) % 4))
    return json.loads(brut[64:])


def refus(headers):
    """The refusals a redirection carries in its session cookie (the
    French messages flashed above the planning), [] for none."""
    valeur = headers.get("cookies", {}).get("pf_session", "").strip('"')
    if not valeur:
        return []
    brut = base64.urlsafe_b64decode(valeur + "=" * (-len(valeur) % 4))
    donnees = json.loads(brut[64:])  # after the sha512 signature
    session = donnees[-1] if isinstance(donnees, list) else donnees
    return [m for cle, valeurs in session.items() if "portail-erreur" in cle for m in valeurs]


def jeton(text):
    match = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert match, "no CSRF token in the page"
    return match.group(1)


def ensemble(taches, fils):
    """Run the callables ``taches`` in ``fils`` threads started together;
    their results in order."""
    resultats = [None] * len(taches)
    suivante = iter(range(len(taches)))
    verrou = threading.Lock()
    barriere = threading.Barrier(fils)

    def travailler():
        barriere.wait()
        while True:
            with verrou:
                n = next(suivante, None)
            if n is None:
                return
            try:
                resultats[n] = taches[n]()
            except Exception as e:  # noqa: BLE001 (counted by the test)
                resultats[n] = ("exception", repr(e))

    threads = [threading.Thread(target=travailler) for _n in range(fils)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return resultats


# --- The town -----------------------------------------------------------------


def ville(root, registry, familles=FAMILLES):
    """The demo, then ``familles`` families of ENFANTS children enrolled in the
    Wednesday afternoons, and FACTURES families of one child on the canteen
    in May 2015.  Returns the Wednesdays of the race and of the restart
    (the first two that may be booked from now), the prestation's oid and
    [(login, child url)]."""
    # The passwords hashed at the settings' parameters (``settings``: the
    # cheapest; a login checks them as any other).
    load(root, registry)
    enfants = peuplement.familles(root, registry, familles, ENFANTS, "91000", PASSWORD)
    prestation = root["structures"][MAM[0]][MAM[1]]
    oid = get_oid(prestation)
    calendrier = root["calendrier"]
    today = dates.today()
    for year in (today.year - 1, today.year):
        libelle = "%d-%d" % (year, year + 1)
        if libelle not in calendrier:
            annee = registry.content.create(
                "AnneeScolaire",
                libelle=libelle,
                debut=datetime.date(year, 9, 1),
                fin=datetime.date(year + 1, 7, 5),
            )
            calendrier.add(libelle, annee, registry=registry)
    for annee in calendrier.annees():
        if annee.fin >= today:
            for _login, enfant, _url in enfants:
                inscrire(enfant, oid, annee.libelle, annee.debut)
    jours = _mercredis(enfants[0][1], oid, registry.settings, today)
    prestation.capacite = CAPACITE
    for _n in range(CAPACITE - LIBRES):
        places.prendre(prestation, jours[0], capacite=False)
    cantine = root["structures"][CANTINE[0]][CANTINE[1]]
    for n in range(FACTURES):
        famille = registry.content.create("Famille", responsable={"nom": "N%d" % n})
        root["familles"][numero_facture(n)] = famille
        enfant = registry.content.create("Enfant", nom="N%d" % n, prenom="E")
        famille["enfants"].add_next(enfant, registry=registry)
        inscrire(enfant, get_oid(cantine), "2014-2015", datetime.date(2014, 9, 1))
        for day in JOURS_MAI:
            cells.set_cell(enfant, get_oid(cantine), datetime.date(2015, 5, day), cells.RESERVE)
    return jours, oid, [(login, url) for login, _enfant, url in enfants]


def numero_facture(n):
    return "81000000%05d" % n


def _mercredis(enfant, oid, settings, today):
    """The first two Wednesdays a parent may book, two weeks from now on."""
    now = dates.horodatage()
    day = today + datetime.timedelta(days=14 + (2 - today.weekday()) % 7)
    found = []
    while len(found) < 2:
        try:
            service.verifier_reservation(enfant, oid, day, settings, now)
            found.append(day)
        except service.Refus:
            pass
        day += datetime.timedelta(days=7)
        assert day < today + datetime.timedelta(days=400), "no Wednesday to book"
    return found


def synchroniser(wsgi):
    """Every transaction committed so far by the processes is seen by the
    next connection of ``wsgi`` (a ZEO client learns of other clients'
    commits asynchronously: one round trip to the server drains them)."""
    stockage = wsgi.registry._zodb_databases[""].storage
    ping = getattr(stockage, "ping", None)
    if ping is not None:
        ping()


def etats(wsgi, oid, day, familles=FAMILLES, uri=None):
    """The planning cells of ``day`` of every child of the town, and the
    requests of that day (their states), read from the database."""

    def lire(root, registry):
        found, demandes = {}, []
        for n in range(familles):
            numero = "91000%05d" % n
            famille = root["familles"][numero]
            for enfant in famille["enfants"].values():
                url = "/familles/%s/enfants/%s/" % (numero, enfant.__name__)
                found[url] = cells.etat(enfant, oid, day)
            demandes.extend(d.etat for d in famille["demandes"].values() if d.jour == day)
        prestation = root["structures"][MAM[0]][MAM[1]]
        return found, demandes, places.pris(prestation, day)

    if uri is not None:
        return a_neuf(uri, lire)
    synchroniser(wsgi)
    return with_root(wsgi, lire)


def a_neuf(uri, lire):
    """``lire(root, None)`` on a new client of the storage (nothing cached:
    what the server holds, after it restarted)."""
    from ZODB import DB
    from zodburi import resolve_uri

    fabrique, dbkw = resolve_uri(uri)
    db = DB(fabrique(), **dbkw)
    try:
        manager = transaction.TransactionManager()
        connection = db.open(transaction_manager=manager)
        try:
            return lire(connection.root()["app_root"], None)
        finally:
            manager.abort()
            connection.close()
    finally:
        db.close()


def numeros(wsgi):
    """The régie's numbers (sorted), the May 2015 invoices by family, the
    payments of the tests (by reference), its sequence's last number, and
    the invoicing runs (invoices, finished)."""

    def lire(root, registry):
        regie = root["regies"]["regie-garderie-alsh"]
        found, factures, reglements = [], {}, []
        for famille in root["familles"].values():
            documents = list(famille["factures"].values()) + list(famille["reglements"].values())
            for document in documents:
                if document.regie_oid != get_oid(regie):
                    continue
                found.append(int(document.numero.removeprefix("AL-")))
                if isinstance(document, Facture) and document.debut == datetime.date(2015, 5, 1):
                    factures.setdefault(famille.__name__, []).append(document.numero)
                reference = getattr(document, "reference", "") or ""
                if isinstance(document, Reglement) and reference.startswith("grappe-"):
                    reglements.append(reference)
        from portail_famille.facturation import campagne

        runs = [(run.factures, run.terminee) for run in campagne.campagnes(regie)]
        return sorted(found), factures, sorted(reglements), regie.sequence.dernier, runs

    synchroniser(wsgi)
    return with_root(wsgi, lire)


UN_EURO = Decimal("1.00")
