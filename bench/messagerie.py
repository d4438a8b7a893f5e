"""make bench (messages): with 10,000 families and 200,000 messages, the
parent's mailbox page and the agents' inbox (first page, and a filtered
page), each against the trivial view of the foundation benchmark, served by
the same waitress configuration in the same run.

    .venv/bin/python bench/messagerie.py [--familles 10000] [--messages 200000]

- ``portail`` server: the real application (development.ini's settings, its
  own FileStorage, template reloading off as in production), demo data plus
  the generated town: ``--familles`` families (bench/population.py) and
  ``--messages`` messages in conversations of 1 to 7 messages (4 on
  average) spread at random over the families, DUPONT holding
  MAILBOX_CONVERSATIONS of them.  Written directly with the model
  (Conversation, Message, the family's ``messages`` folder, which indexes
  them in the catalog), a commit every BATCH families, no HTTP;
- ``trivial`` server: bench/home.py's trivial view;
- this process: the load generator (bench/home.py's run_load), alternating
  trivial, mailbox, inbox, filtered; it prints the requests per second of
  each page and its ratio to the trivial view.

The mailbox: ``/familles/1001001818331/boite-de-reception`` as jean.dupont.
The inbox: ``/manage/@@messagerie`` as agent (the conversations to handle,
unread first); the filtered page: one structure, every state, page 3.
Figures only: nothing asserts on them.  ``bench/out/messagerie.json`` keeps
them.

    .venv/bin/python bench/messagerie.py --envoi [--familles 10000]

The group message to every family (issue 22, ``travaux``), in this
process on its own FileStorage (demo data plus ``--familles`` families):
the agent's "Envoyer" request through the whole WSGI stack (WebTest), which
now queues the job; the worker's pass that writes the messages (one per
family, chunks of ``groupe.LOT``), its throughput; then the same message
written as the request did before (``groupe.envoyer``, batches of LOT,
each committed), the time the agent used to wait.  Prints the three and
keeps them in ``bench/out/messagerie_envoi.json``.
"""

import argparse
import datetime
import json
import random
import re
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import home  # noqa: E402  (bench/home.py: servers, client, load generator)
import population  # noqa: E402

MAILBOX_PATH = home.HOME_PATH + "boite-de-reception"
INBOX_PATH = "/manage/@@messagerie"
MAILBOX_MARKER = "Messages reçus".encode()
AGENT = ("agent", "Enfance2015ej")
SETTINGS = ["pyramid.reload_templates=false"]
BATCH = 250  # families per commit
MAILBOX_CONVERSATIONS = 30  # DUPONT's, most from the service: a full first page
SPREAD_DAYS = 730  # the conversations' dates: the last two years
OBJETS = (
    "Absence de %s",
    "Inscription cantine de %s",
    "Facture du mois : question",
    "Sortie du mercredi",
    "Changement d'horaires pour %s",
    "Certificat médical de %s",
    "Réservation vacances",
)
TEXTES = (
    "Bonjour,\nmon enfant %s sera absent lundi et mardi. Merci de noter son absence.\nCordialement",
    "Bonjour, pouvez-vous me confirmer l'inscription de %s à la cantine à partir du 3 ?",
    "Bonjour,\nnous avons bien reçu votre message. C'est noté.\nLe service enfance jeunesse",
    "Merci pour votre réponse rapide.",
)


# --- generation (in the server process) ----------------------------------------


def sizes(total, rng):
    """Conversation lengths (1..7 messages) adding up to ``total``."""
    found = []
    while total > 0:
        n = min(total, rng.randint(1, 7))
        found.append(n)
        total -= n
    return found


def generer(root, registry, familles, messages, seed=2015):
    """The town and its messages; returns the figures for info.json."""
    from substanced.util import get_oid

    rng = random.Random(seed)
    timings = {}
    t0 = time.perf_counter()
    numeros = population.populate(root, registry, familles, 0, batch=BATCH)
    timings["families"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    counts = ecrire_messages(root, registry, numeros, messages, rng)
    timings["messages"] = time.perf_counter() - t1
    timings["total"] = time.perf_counter() - t0
    alsh = root["structures"]["accueil-de-loisirs-alsh"]
    return {"familles": len(numeros), "timings": timings, "structure": get_oid(alsh), **counts}


def ecrire_messages(root, registry, numeros, messages, rng):
    """``messages`` messages in conversations of 1 to 7 spread over the
    families ``numeros`` (DUPONT holding MAILBOX_CONVERSATIONS of them),
    a commit every BATCH families; returns the counts."""
    import transaction
    from substanced.util import get_oid

    from portail_famille import dates
    from portail_famille.demo import DUPONT
    from portail_famille.messagerie.resources import FAMILLE, SERVICE, Message

    now = dates.horodatage()  # stored: UTC (ZoneInfo does not pickle)
    structures = [None] + [get_oid(s) for s in root["structures"].values()]
    lengths = sizes(messages, rng)
    # Which family each conversation goes to: DUPONT's first, then random.
    par_famille = {DUPONT["numero"]: lengths[:MAILBOX_CONVERSATIONS]}
    for n in lengths[MAILBOX_CONVERSATIONS:]:
        par_famille.setdefault(rng.choice(numeros), []).append(n)
    folder = root["familles"]
    counts = {"conversations": 0, "messages": 0, "non_lus_service": 0, "non_lus_familles": 0}
    ordre = [DUPONT["numero"]] + [n for n in numeros if n in par_famille]
    for i, numero in enumerate(ordre):
        famille = folder[numero]
        dossier = famille["messages"]
        prenom = famille.responsable.get("prenom") or "LUCAS"
        nom = famille.nom_complet or numero
        for n in par_famille[numero]:
            mailbox = numero == DUPONT["numero"]
            origine = FAMILLE if rng.random() < (0.25 if mailbox else 0.7) else SERVICE
            span = 120 if mailbox else SPREAD_DAYS
            debut = now - datetime.timedelta(seconds=rng.uniform(3600, span * 86400))
            objet = rng.choice(OBJETS)
            c = registry.content.create(
                "Conversation",
                objet % prenom if "%s" in objet else objet,
                origine,
                structure=rng.choice(structures),
            )
            auteur = origine
            date = debut
            for _k in range(n):
                texte = rng.choice(TEXTES)
                c.messages.append(
                    Message(
                        auteur,
                        nom if auteur == FAMILLE else "Service enfance jeunesse",
                        texte % prenom if "%s" in texte else texte,
                        min(date, now),
                    )
                )
                date += datetime.timedelta(hours=rng.uniform(1, 48))
                auteur = SERVICE if auteur == FAMILLE else FAMILLE
            c.derniere = c.messages[-1].date
            c.dernier_auteur = c.messages[-1].auteur  # as service._ajouter keeps it
            recente = now - c.derniere < datetime.timedelta(days=20)
            if c.messages[-1].auteur == FAMILLE:
                c.lu_famille = True
                c.lu_service = not (recente and rng.random() < 0.5)
                c.traitee = c.lu_service and not (recente and rng.random() < 0.3)
            else:
                c.lu_service = True
                c.traitee = True
                c.lu_famille = not recente or rng.random() < 0.5
            dossier.add_next(c, registry=registry)  # the objectmap, the catalog
            if c.nouvelle:
                dossier.non_lus += 1
                counts["non_lus_familles"] += 1
            counts["non_lus_service"] += not c.lu_service
            counts["conversations"] += 1
            counts["messages"] += n
        if i % BATCH == BATCH - 1:
            transaction.commit()
    transaction.commit()
    counts["mailbox"] = len(par_famille[DUPONT["numero"]])
    return counts


def serve(directory, familles, messages):
    """The portail server with the generated town (run as --serve)."""
    home.serve_town(
        directory, lambda root, registry: generer(root, registry, familles, messages), SETTINGS
    )


# --- client -------------------------------------------------------------------


def log_in(port, login, password):
    client = home.Client(port)
    _s, _h, page = client.request("GET", "/connexion")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"login": login, "password": password, "csrf_token": token})
    status, headers, _b = client.request(
        "POST",
        "/connexion",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 302, (login, status, headers)
    client.close()
    return client.cookies


def check(port, cookies, path, marker):
    status, _h, body = home.Client(port, cookies).request("GET", path)
    assert status == 200 and marker in body, (path, status, body[:300])
    return body


def envoi(familles):
    """The group message queued by the request, written by the worker,
    against the old inline send (module docstring); the figures."""
    import transaction
    import webtest
    from pyramid.scripting import prepare

    from portail_famille.messagerie import groupe
    from portail_famille.travaux.service import Travailleur

    tmp = Path(tempfile.mkdtemp(prefix="bench-envoi-"))
    try:
        t0 = time.perf_counter()
        # the worker is this process's pass below, not development.ini's thread
        app = home.home_app(tmp, [*SETTINGS, "portail.travaux.dans_le_processus=false"])
        env = prepare(registry=app.registry)
        try:
            population.populate(env["root"], env["registry"], familles, 0, batch=BATCH)
        finally:
            env["closer"]()
        generation = time.perf_counter() - t0
        agent = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
        page = agent.get("/connexion")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        agent.post("/connexion", {"login": AGENT[0], "password": AGENT[1], "csrf_token": token})
        page = agent.get("/manage/@@message-groupe?cible=toutes")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        form = {"cible": "toutes", "objet": "Bench", "texte": "Bonjour", "envoyer": "1"}
        cpu, wall = time.process_time(), time.perf_counter()
        response = agent.post("/manage/@@message-groupe", dict(form, csrf_token=token), status=302)
        requete = time.perf_counter() - wall
        requete_cpu = time.process_time() - cpu
        assert "@@travail?id=" in response.location, response.location

        env = prepare(registry=app.registry)
        try:
            travailleur = Travailleur(env["request"], env["root"], tm=transaction.manager)
            wall = time.perf_counter()
            lots = travailleur.passe()
            travail = time.perf_counter() - wall
            ecrites = travailleur.unites
            numeros = groupe.numeros(env["root"], groupe.TOUTES, None)
            wall = time.perf_counter()
            _g, en_ligne_n = groupe.envoyer(
                env["request"],
                env["root"],
                numeros,
                "Bench en ligne",
                "Bonjour",
                tm=transaction.manager,
            )
            en_ligne = time.perf_counter() - wall
            transaction.abort()
        finally:
            env["closer"]()
    finally:
        home.shutil.rmtree(tmp, ignore_errors=True)
    figures = {
        "familles": len(numeros),
        "generation_s": generation,
        "requete_file_s": requete,
        "requete_file_cpu_s": requete_cpu,
        "travailleur_s": travail,
        "travailleur_lots": lots,
        "travailleur_familles": ecrites,
        "travailleur_familles_par_s": ecrites / travail,
        "en_ligne_s": en_ligne,
        "en_ligne_familles": en_ligne_n,
        "en_ligne_familles_par_s": en_ligne_n / en_ligne,
    }
    print("%d families (generated in %.0f s)" % (figures["familles"], generation))
    print(
        "queuing request (POST Envoyer, WSGI stack): %.0f ms wall, %.0f ms CPU"
        % (requete * 1000, requete_cpu * 1000)
    )
    print(
        "worker pass: %d families in %.1f s (%d chunks): %.0f families/s"
        % (ecrites, travail, lots, figures["travailleur_familles_par_s"])
    )
    print(
        "old inline send (groupe.envoyer, the request's former work): %d families in %.1f s"
        " (%.0f families/s): the request took %.0f× the queuing one"
        % (en_ligne_n, en_ligne, figures["en_ligne_familles_par_s"], en_ligne / requete)
    )
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "messagerie_envoi.json").write_text(json.dumps(figures, indent=2))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--messages", type=int, default=200000)
    parser.add_argument("--envoi", action="store_true", help="the group message (issue 22)")
    home.load_options(parser)
    args = parser.parse_args()
    if args.envoi:
        return envoi(args.familles)
    if args.serve:
        return home.serve_town_or_trivial(args, serve, args.familles, args.messages)

    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-messagerie-"))
    processes = {}
    names = ("trivial", "mailbox", "inbox", "filtered")
    try:
        extra = ["--familles", str(args.familles), "--messages", str(args.messages)]
        processes.update(home.start_town_servers(__file__, tmp, extra))
        ports = {name: home.wait_port(p, name) for name, p in processes.items()}
        info = json.loads((tmp / "portail" / "info.json").read_text())
        port = ports["portail"]
        agent = log_in(port, *AGENT)
        parent = log_in(port, *home.LOGIN)
        filtered = (
            INBOX_PATH
            + "?"
            + urllib.parse.urlencode({"structure": info["structure"], "etat": "toutes", "page": 3})
        )
        targets = {
            "trivial": {"path": "/", "cookies": {}, "marker": home.TRIVIAL_TEXT.encode()},
            "mailbox": {"path": MAILBOX_PATH, "cookies": parent, "marker": MAILBOX_MARKER},
            "inbox": {"path": INBOX_PATH, "cookies": agent, "marker": b"Page 1 sur"},
            "filtered": {"path": filtered, "cookies": agent, "marker": b"Page 3 sur"},
        }
        bodies = {}
        for name, target in targets.items():
            server = "trivial" if name == "trivial" else "portail"
            target.update(port=ports[server], pid=processes[server].pid)
            if name != "trivial":
                bodies[name] = check(port, target["cookies"], target["path"], target["marker"])
        t = info["timings"]
        print(
            "%d families, %d conversations, %d messages (%d unread by the service, %d new "
            "for the families); generation %.0f s (families %.0f, messages %.0f; app+demo "
            "%.0f); Data.fs %.0f MB"
            % (
                info["familles"],
                info["conversations"],
                info["messages"],
                info["non_lus_service"],
                info["non_lus_familles"],
                t["total"],
                t["families"],
                t["messages"],
                t["app_and_demo"],
                info["data_fs_bytes"] / 1e6,
            )
        )
        print("waitress: %s" % ", ".join("%s=%s" % kv for kv in home.waitress_settings().items()))
        for name, body in bodies.items():
            print(
                "%-8s GET %s (%d bytes, %d table rows)"
                % (name, targets[name]["path"], len(body), body.count(b"<tr") - 1)
            )
        print("mailbox: %d conversations in DUPONT's folder" % info["mailbox"])
        print()
        runs, rps, cpu_ms = home.rounds(targets, names, args)
    finally:
        home.arreter(processes)
        home.shutil.rmtree(tmp, ignore_errors=True)
    print()
    ratios = {}
    for name in names:
        ratios[name] = rps[name] / rps["trivial"]
        print(
            "%-8s %8.1f requests/s   ratio to trivial %.3f   (%.1f ms server CPU/request)"
            % (name, rps[name], ratios[name], cpu_ms[name])
        )
    print("total time: %.0f s" % (time.monotonic() - began))
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    with open(out / "messagerie.json", "w") as fp:
        json.dump(
            {"town": info, "rps": rps, "ratios": ratios, "cpu_ms": cpu_ms, "runs": runs},
            fp,
            indent=2,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
