"""make bench (uploads): what a hostile PDF costs the portal.

    .venv/bin/python bench/fichiers.py [--repetitions 5] [--attaquants 4] [--duree 10]

(a) The check alone, in this process: ``fichiers.lire`` (the upload as a
    view reads it: signature, ``verification_pdf``) on
    - the security review's file: a valid 4.9 MB PDF of 52,000 empty pages
      (tests/pdf_hostiles.py), and pypdf's page count on it (the check
      before: ``len(PdfReader(...).pages)``, measured once);
    - the same pages in a compressed object stream, where the raw bytes
      show no page: refused when the child process runs out of time;
    - a one-page and a 50-page PDF (accepted);
    ``--repetitions`` of each, median and worst seconds.  Target: the
    hostile files refused within 0.5 s.  And the reading of a multipart
    body (6 Mo of newlines, the 52,000-page file) by WebOb's ``cgi`` (before)
    and by ``corps_multipart``.
(b) Under attack: the application served by waitress (bench/home.py's
    ``home`` server: development.ini's settings, its own FileStorage, the
    demo data), DUPONT's home page requested in a loop by one client
    (jean.dupont), first alone for ``--duree`` seconds, then while
    ``--attaquants`` clients logged in as MARIE MARTIN (another family)
    post messages with the hostile PDF attached as fast as they can, for
    each of the two hostile files; then while they post, anonymous, 6 Mo
    of newlines as a file field of the login form (read before any login
    or CSRF check).  The family limits are lifted on that server (the
    check itself is measured).  Then, on a server with the
    default limits, the same attack: how many uploads are checked before
    the family is refused (429) for the rest of the hour.
    Printed: the home page's latency (median, 95th percentile, worst) in
    each phase, the uploads' answers and their latency.

Figures only: nothing asserts on them; bench/out/fichiers.json keeps them.
About 2 minutes with the defaults.
"""

import argparse
import io
import json
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import home  # noqa: E402  (bench/home.py: servers, client)

from portail_famille.demo import COMPTES  # noqa: E402
from portail_famille.demo import MARTIN as FAMILLE_MARTIN  # noqa: E402
from tests import pdf_hostiles  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MARTIN = ("marie.martin", COMPTES["marie.martin"][0], "Chloe-Biviers38")
MARTIN_PATH = "/familles/%s/" % FAMILLE_MARTIN["numero"]
SANS_LIMITES = [
    "portail.limites.messages.heure=0",
    "portail.limites.messages.jour=0",
    "portail.limites.pieces_jointes.heure=0",
    "portail.limites.pieces_jointes.jour=0",
    "portail.limites.pieces_jointes.mo_jour=0",
]
COMMUNS = ["pyramid.reload_templates=false"]
# A file field of nothing but newlines, as large as a form may be (6 Mo).
NEWLINES = b"\n" * (6 * 1024 * 1024 - 1024)


# --- (a) the check alone -------------------------------------------------------


class Upload:
    def __init__(self, data):
        self.file = io.BytesIO(data)
        self.filename = "attestation.pdf"


def fichiers_exemples():
    from pypdf import PdfWriter

    def vrai(pages):
        writer = PdfWriter()
        for _n in range(pages):
            writer.add_blank_page(width=595, height=842)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    return {
        "52000 pages": pdf_hostiles.pages_vides(52_000),
        "52000 pages, compressed": pdf_hostiles.pages_vides(52_000, compresse=True),
        "1 page": vrai(1),
        "50 pages": vrai(50),
    }


def mesurer_verification(exemples, repetitions):
    from pypdf import PdfReader

    from portail_famille import fichiers

    print("(a) the check alone (fichiers.lire), %d times each" % repetitions)
    print("%-26s %10s %10s %10s  %s" % ("file", "bytes", "median s", "worst s", "answer"))
    rows = {}
    for nom, data in exemples.items():
        durees, reponse = [], None
        for _n in range(repetitions):
            debut = time.perf_counter()
            try:
                fichiers.lire(Upload(data))
                reponse = "accepted"
            except fichiers.FichierRefuse as refus:
                reponse = "refused: " + refus.args[0].interpolate()[:48]
            durees.append(time.perf_counter() - debut)
        rows[nom] = {
            "bytes": len(data),
            "median": statistics.median(durees),
            "worst": max(durees),
            "answer": reponse,
        }
        print(
            "%-26s %10d %10.3f %10.3f  %s"
            % (nom, len(data), rows[nom]["median"], rows[nom]["worst"], reponse)
        )
    debut = time.perf_counter()
    pages = len(PdfReader(io.BytesIO(exemples["52000 pages"])).pages)
    avant = time.perf_counter() - debut
    print("before: pypdf's page count of the 52000-page file: %d pages in %.1f s" % (pages, avant))
    rows["before: len(PdfReader(52000 pages).pages)"] = {"seconds": avant}
    print()
    return rows


def mesurer_lecture(exemples):
    """A multipart body read by WebOb's cgi (before) and by corps_multipart."""
    from webob import Request

    from portail_famille import corps_multipart

    print("reading a multipart body of one file field (seconds)")
    rows = {}
    for nom, data in (("6 Mo of newlines", NEWLINES), ("52000 pages", exemples["52000 pages"])):
        body, headers = multipart({"csrf_token": "x"}, "attestation.pdf", data)
        durees = []
        for lire in (lambda r: r.POST, corps_multipart.analyser):
            requete = Request.blank("/", method="POST", body=body)
            requete.content_type = headers["Content-Type"]
            debut = time.perf_counter()
            assert lire(requete)["fichier"].file.read() == data
            durees.append(time.perf_counter() - debut)
        rows[nom] = {"cgi": durees[0], "corps_multipart": durees[1]}
        print("%-26s cgi (before) %7.3f   corps_multipart %7.3f" % (nom, *durees))
    print()
    return rows


# --- (b) under attack ------------------------------------------------------------


def connecter_martin(port):
    """MARIE MARTIN's cookies, after the forced change of her password."""
    client = home.Client(port)
    _s, _h, page = client.request("GET", "/connexion")
    form = {"login": MARTIN[0], "password": MARTIN[1], "csrf_token": jeton(page)}
    status, headers, _b = client.request("POST", "/connexion", *encode(form))
    assert status == 302, status
    if headers["Location"].endswith("mot-de-passe"):
        _s, _h, page = client.request("GET", "/mot-de-passe")
        form = {
            "current": MARTIN[1],
            "new": MARTIN[2],
            "confirm": MARTIN[2],
            "csrf_token": jeton(page),
        }
        status, _h, _b = client.request("POST", "/mot-de-passe", *encode(form))
        assert status == 302, status
    client.close()
    return client.cookies


def jeton(page):
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def encode(form):
    body = urllib.parse.urlencode(form).encode()
    return body, {"Content-Type": "application/x-www-form-urlencoded"}


def multipart(champs, fichier, data):
    limite = uuid.uuid4().hex
    parts = []
    for nom, valeur in champs.items():
        parts.append(
            b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
            % (limite.encode(), nom.encode(), valeur.encode())
        )
    parts.append(
        b'--%s\r\nContent-Disposition: form-data; name="fichier"; filename="%s"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" % (limite.encode(), fichier.encode())
    )
    body = b"".join(parts) + data + b"\r\n--%s--\r\n" % limite.encode()
    return body, {"Content-Type": "multipart/form-data; boundary=%s" % limite}


def attaquer(port, cookies, data, arret, resultats):
    """Post ``data`` as a message's attachment, as MARTIN; or, ``cookies``
    None, as a file field of the login form, anonymous."""
    client = home.Client(port, cookies)
    if cookies is None:
        chemin = "/connexion"
        champs = {"login": "x", "password": "x", "csrf_token": "x"}
    else:
        chemin = MARTIN_PATH + "boite-de-reception"
        _s, _h, page = client.request("GET", chemin + "?onglet=nouveau")
        champs = {"csrf_token": jeton(page), "structure": "", "objet": "Pièce", "texte": "Voir"}
    body, headers = multipart(champs, "attestation.pdf", data)
    while not arret.is_set():
        debut = time.perf_counter()
        status, _h, _b = client.request("POST", chemin, body, headers)
        resultats.append((status, time.perf_counter() - debut))
    client.close()


def charger_accueil(port, cookies, arret, latences):
    client = home.Client(port, cookies)
    while not arret.is_set():
        debut = time.perf_counter()
        status, _h, body = client.request("GET", home.HOME_PATH)
        assert status == 200 and b"Bienvenue JEAN DUPONT" in body, status
        latences.append(time.perf_counter() - debut)
    client.close()


def phase(port, dupont, martin, data, attaquants, duree):
    arret = threading.Event()
    latences, envois = [], []
    threads = [threading.Thread(target=charger_accueil, args=(port, dupont, arret, latences))]
    threads += [
        threading.Thread(target=attaquer, args=(port, martin, data, arret, envois))
        for _n in range(attaquants if data is not None else 0)
    ]
    for thread in threads:
        thread.start()
    time.sleep(duree)
    arret.set()
    for thread in threads:
        thread.join()
    latences.sort()
    statuts = {}
    for status, _d in envois:
        statuts[status] = statuts.get(status, 0) + 1
    durees = sorted(d for _s, d in envois)
    return {
        "home_requests": len(latences),
        "home_p50_ms": 1000 * statistics.median(latences),
        "home_p95_ms": 1000 * latences[int(0.95 * (len(latences) - 1))],
        "home_worst_ms": 1000 * latences[-1],
        "uploads": len(envois),
        "upload_status": statuts,
        "upload_p50_ms": 1000 * statistics.median(durees) if durees else None,
        "upload_worst_ms": 1000 * durees[-1] if durees else None,
    }


def afficher(nom, r):
    uploads = ""
    if r["uploads"]:
        uploads = "%4d uploads %s, p50 %6.0f ms, worst %6.0f ms" % (
            r["uploads"],
            r["upload_status"],
            r["upload_p50_ms"],
            r["upload_worst_ms"],
        )
    print(
        "%-34s home: %5d req, p50 %6.1f ms, p95 %7.1f ms, worst %7.1f ms  %s"
        % (nom, r["home_requests"], r["home_p50_ms"], r["home_p95_ms"], r["home_worst_ms"], uploads)
    )


def serveur(tmp, nom, reglages):
    process = home.start_server("home", tmp / nom, COMMUNS + reglages)
    port = home.wait_port(process, nom)
    dupont, _size = home.log_in(port)
    return process, port, dupont, connecter_martin(port)


def sous_attaque(exemples, args):
    print(
        "(b) DUPONT's home page, alone then while %d clients of another family post "
        "the hostile PDF (%.0f s each)" % (args.attaquants, args.duree)
    )
    resultats = {}
    tmp = Path(tempfile.mkdtemp(prefix="bench-fichiers-"))
    processes = {}
    try:
        process, port, dupont, martin = serveur(tmp, "sans-limites", SANS_LIMITES)
        processes["sans-limites"] = process
        print("family limits lifted on this server: %s" % ", ".join(SANS_LIMITES))
        for nom, data, attaquant in (
            ("alone", None, martin),
            ("attack: 52000 pages", exemples["52000 pages"], martin),
            ("attack: 52000 pages, compressed", exemples["52000 pages, compressed"], martin),
            ("attack: 6 Mo of newlines, anonymous", NEWLINES, None),
        ):
            resultats[nom] = phase(port, dupont, attaquant, data, args.attaquants, args.duree)
            afficher(nom, resultats[nom])
        home.arreter(processes)
        processes.clear()
        process, port, dupont, martin = serveur(tmp, "limites", [])
        processes["limites"] = process
        nom = "default limits: compressed"
        data = exemples["52000 pages, compressed"]
        resultats[nom] = phase(port, dupont, martin, data, args.attaquants, args.duree)
        afficher(nom, resultats[nom])
    finally:
        home.arreter(processes)
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    return resultats


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=5, help="checks of each file (5)")
    parser.add_argument("--attaquants", type=int, default=4, help="hostile clients (4)")
    parser.add_argument("--duree", type=float, default=10.0, help="seconds of each phase (10)")
    args = parser.parse_args()
    debut = time.monotonic()
    exemples = fichiers_exemples()
    figures = {"verification": mesurer_verification(exemples, args.repetitions)}
    figures["lecture"] = mesurer_lecture(exemples)
    figures["attaque"] = sous_attaque(exemples, args)
    print("total time: %.0f s" % (time.monotonic() - debut))
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    with open(out / "fichiers.json", "w") as fp:
        json.dump(figures, fp, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
