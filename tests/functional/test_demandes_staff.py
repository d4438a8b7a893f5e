"""The staff's side of the requests (demandes), in the SDI: the queue
(/manage/@@demandes), processing one request (@@traiter), accepting several
at once, the permission table (agents, régisseurs, editors, parents), forged
input, and the IBAN: masked everywhere, shown in full only through an
audited POST."""

import datetime
import json
import re
from decimal import Decimal

from substanced.util import get_oid

from portail_famille import journal
from portail_famille.demandes import service
from portail_famille.demo import COMPTES, DUPONT, MARTIN

from ..conftest import ADMIN, login, mails, with_root
from .conftest import client

QUEUE = "/manage/@@demandes"
UTC = datetime.UTC

IBAN_ACTUEL = "FR7630001007941234567890185"
IBAN_NOUVEAU = "FR1420041010050500013M02606"
MASQUE_ACTUEL = "FR76 •••• •••• 0185"
MASQUE_NOUVEAU = "FR14 •••• •••• 2606"


def staff(app, role):
    browser = client(app)
    password = ADMIN[1] if role == "admin" else COMPTES[role][0]
    login(browser, role, password)
    return browser


def deposer(app, numero, type_demande, valeurs, when=None, demandeur="jean.dupont"):
    """A request made as the parent would, committed.  Returns its oid and
    the URL of its @@traiter page."""

    def make(root, registry):
        famille = root["familles"][numero]
        demande, _replaced = service.deposer(
            famille, type_demande, valeurs, demandeur, registry, now=when
        )
        return get_oid(demande), "/manage/familles/%s/demandes/%s/@@traiter" % (
            numero,
            demande.__name__,
        )

    return with_root(app.app, make)


def changer_fiche(app, numero, section, **values):
    def change(root, registry):
        getattr(root["familles"][numero], section).update(values)

    with_root(app.app, change)


def fiche(app, numero, section):
    return with_root(
        app.app, lambda root, registry: dict(getattr(root["familles"][numero], section))
    )


def etat(app, oid):
    """(etat, traite_par, date_traitement, motif_refus) of a request."""

    def read(root, registry):
        from substanced.util import find_objectmap

        demande = find_objectmap(root).object_for(oid)
        return demande.etat, demande.traite_par, demande.date_traitement, demande.motif_refus

    return with_root(app.app, read)


def audit(app):
    """The site's journal, oldest first: (action, objet, details + qui)."""

    def read(root, registry):
        entries, _suite = journal.lire(root, genre=journal.ACTION, limite=10_000)
        return [
            (
                e["quoi"],
                e["objet"],
                dict(e["details"], famille=e["famille"], par=e["qui"], time=e["moment"]),
            )
            for e in reversed(entries)
        ]

    return with_root(app.app, read)


def iban_audits(app):
    return [entry for entry in audit(app) if entry[0] == "IbanConsulte"]


def rows(page):
    """The oids of the queue's rows, top to bottom."""
    return [int(oid) for oid in re.findall(r'<tr id="demande-(-?\d+)"', page.text)]


def checkboxes(page):
    return [int(oid) for oid in re.findall(r'name="oid"\s+value="(-?\d+)"', page.text)]


def error_next_to(page, field):
    match = re.search(r'id="%s-erreur"[^>]*>(.*?)</span>' % field, page.text, re.S)
    return match.group(1).strip() if match else None


def flashes(page):
    return " ".join(
        re.sub(r"<[^>]+>|\s+", " ", m)
        for m in re.findall(r'<div class="alert alert-\w+">(.*?)</div>', page.text, re.S)
    )


def token(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


TELEPHONE = {"telephone_domicile": "05.61.00.00.01", "mobile": "06.12.34.56.78"}


# --- The queue ---------------------------------------------------------------


def test_the_queue_lists_pending_requests_newest_first_with_their_changes(app):
    old, _ = deposer(app, DUPONT["numero"], "responsable", TELEPHONE, at(2025, 1, 15, 9, 30))
    mid, _ = deposer(
        app, MARTIN["numero"], "conjoint", {"nom": "MARTIN", "prenom": "PAUL"}, at(2025, 7, 1, 8)
    )
    new, _ = deposer(
        app, DUPONT["numero"], "caf", {"quotient_familial": Decimal("512.50")}, at(2025, 7, 2)
    )
    agent = staff(app, "agent")
    page = agent.get(QUEUE)
    assert page.status_int == 200
    assert rows(page) == [new, mid, old]
    text = page.text
    assert "3 demande(s) en attente" in text
    assert "Page 1 sur 1" in text
    # Paris time, JJ/MM/AAAA HH:MM (winter and summer).
    assert "15/01/2025 10:30" in text and "01/07/2025 10:00" in text
    assert "Téléphone domicile : 01.02.03.04.05 → 05.61.00.00.01" in text
    assert "Mobile : (vide) → 06.12.34.56.78" in text
    assert "Prénom : (vide) → PAUL" in text
    assert "Infos Responsable" in text and "Infos Conjoint" in text and "Infos Caf" in text
    # The family: its number, its responsable, a link to its SDI page.
    assert '<a href="/manage/familles/1001001818331/@@fiche">1001001818331</a>' in text
    assert "JEAN DUPONT" in text and "MARIE MARTIN" in text
    # The tab is there, and each row leads to its request.
    assert ">Demandes</a>" in agent.get("/manage/@@contents").text
    detail = agent.get(re.search(r'href="([^"]+@@traiter)"', text).group(1))
    assert detail.status_int == 200 and "Infos Caf" in detail.text
    assert checkboxes(page) == [new, mid, old]


def test_the_queue_filters_by_type_and_by_family(app):
    dupont_tel, _ = deposer(app, DUPONT["numero"], "responsable", TELEPHONE, at(2025, 3, 1))
    dupont_caf, _ = deposer(app, DUPONT["numero"], "caf", {"numero_allocataire": "7654321"})
    martin_tel, _ = deposer(app, MARTIN["numero"], "responsable", {"mobile": "06.00.00.00.01"})
    agent = staff(app, "agent")

    page = agent.get(QUEUE, {"type": "responsable"})
    assert sorted(rows(page)) == sorted([dupont_tel, martin_tel])
    assert re.search(r'<option value="responsable"\s+selected="selected">', page.text)
    page = agent.get(QUEUE, {"famille": DUPONT["numero"]})
    assert sorted(rows(page)) == sorted([dupont_tel, dupont_caf])
    page = agent.get(QUEUE, {"famille": " %s " % MARTIN["numero"], "type": "responsable"})
    assert rows(page) == [martin_tel]
    empty = agent.get(QUEUE, {"type": "caf", "famille": MARTIN["numero"]})
    assert "0 demande(s) en attente" in empty.text and rows(empty) == []
    # The filter form itself (what a person submits).
    form = agent.get(QUEUE).forms["filtres"]
    form["type"] = "caf"
    assert rows(form.submit()) == [dupont_caf]
    # Unknown or bad values: no 500, no other family's rows by accident.
    assert len(rows(agent.get(QUEUE, {"type": "inconnu"}))) == 3
    bad = agent.get(QUEUE, {"famille": "1001' OR 1=1"})
    assert rows(bad) == []
    assert error_next_to(bad, "filtre-famille") == "Le n° famille ne comporte que des chiffres."
    assert rows(agent.get(QUEUE, {"famille": "999999999"})) == []


def test_the_queue_is_paginated_twenty_a_page(app):
    def town(root, registry):
        familles = root["familles"]
        for i in range(23):
            famille = registry.content.create(
                "Famille", responsable={"nom": "FAMILLE%02d" % i, "prenom": "TEST"}
            )
            familles["10010019%05d" % i] = famille
        numeros = [DUPONT["numero"], MARTIN["numero"]] + ["10010019%05d" % i for i in range(23)]
        oids = []
        for minute, numero in enumerate(numeros):
            demande, _ = service.deposer(
                familles[numero],
                "responsable",
                {"mobile": "06.00.00.00.%02d" % minute},
                "jean.dupont",
                registry,
                now=at(2025, 5, 1, 8, minute),
            )
            oids.append(get_oid(demande))
        return oids

    oids = with_root(app.app, town)
    newest_first = list(reversed(oids))
    agent = staff(app, "agent")
    first = agent.get(QUEUE)
    assert "25 demande(s) en attente" in first.text
    assert "Page 1 sur 2" in first.text
    assert rows(first) == newest_first[:20]
    assert "Page précédente" not in first.text
    second = first.click("Page suivante")
    assert "Page 2 sur 2" in second.text
    assert rows(second) == newest_first[20:]
    assert "Page suivante" not in second.text
    assert rows(second.click("Page précédente")) == newest_first[:20]
    # Out of range or not a number: the nearest page.
    assert rows(agent.get(QUEUE, {"page": "99"})) == newest_first[20:]
    assert rows(agent.get(QUEUE, {"page": "abc"})) == newest_first[:20]
    assert rows(agent.get(QUEUE, {"page": "-3"})) == newest_first[:20]
    assert rows(agent.get(QUEUE, {"page": "9" * 30})) == newest_first[20:]
    assert rows(agent.get(QUEUE, {"page": "9" * 5000})) == newest_first[:20]
    # Pages keep the filters.
    filtered = agent.get(QUEUE, {"type": "responsable"})
    assert "type=responsable" in re.search(r'href="([^"]*)" rel="next"', filtered.text).group(1)
    # Bulk accept from page 2: the rest stays on page 1.
    form = second.forms["selection"]
    for field in form.fields["oid"]:
        field.checked = True
    done = form.submit("accepter_selection").follow()
    assert "5 demande(s) acceptée(s)." in flashes(done)
    assert "20 demande(s) en attente" in done.text and "Page 1 sur 1" in done.text


# --- Processing one request ------------------------------------------------------


def test_an_agent_accepts_a_request_the_record_changes_and_the_parent_is_mailed(app):
    oid, url = deposer(app, DUPONT["numero"], "responsable", TELEPHONE)
    agent = staff(app, "agent")
    page = agent.get(url)
    text = page.text
    for label in (
        "Champ",
        "Valeur actuelle de la fiche",
        "Valeur à la demande",
        "Nouvelle valeur",
        "Infos Responsable",
        "1001001818331",
        "JEAN DUPONT",
        "jean.dupont",
        "En attente",
        "Motif du refus",
    ):
        assert label in text, label
    assert "J'ai vu que la fiche a changé" not in text  # nothing changed since
    done = page.forms["form-accepter"].submit("accepter")
    assert done.status_int == 302
    assert done.location.endswith(QUEUE)
    queue = done.follow()
    assert "Demande acceptée : Infos Responsable, famille 1001001818331." in flashes(queue)
    assert oid not in rows(queue)

    record = fiche(app, DUPONT["numero"], "responsable")
    assert record["telephone_domicile"] == "05.61.00.00.01"
    assert record["mobile"] == "06.12.34.56.78"
    assert record["adresse"] == "12 RUE DES BONBONS"
    state, by, when, _motif = etat(app, oid)
    assert (state, by) == ("acceptee", "agent")
    assert when is not None

    sent = mails(app)
    assert len(sent) == 1
    assert "To: jean.dupont@wanadoo.fr" in sent[0]
    assert "acceptée" in sent[0] and "Infos Responsable" in sent[0]

    # The request now shows who processed it and when; no more buttons.
    processed = agent.get(url)
    assert "Acceptée" in processed.text
    assert '<dd class="traite-par">agent</dd>' in processed.text
    assert dates_of(when) in processed.text
    assert "form-accepter" not in processed.text and "form-refuser" not in processed.text
    # Accepting again (an old page, a double click) does nothing.
    again = agent.post(url, {"csrf_token": token(page), "accepter": "1"})
    assert "déjà été traitée" in flashes(again.follow())
    assert len(mails(app)) == 1
    assert etat(app, oid)[0] == "acceptee"


def dates_of(moment):
    from portail_famille import dates

    return dates.local(moment).strftime("%d/%m/%Y %H:%M")


def test_no_mail_when_the_family_refused_mails(app):
    changer_fiche(app, DUPONT["numero"], "responsable", autorisation_courriel=False)
    oid, url = deposer(app, DUPONT["numero"], "responsable", {"mobile": "06.00.00.00.02"})
    agent = staff(app, "agent")
    agent.get(url).forms["form-accepter"].submit("accepter")
    assert etat(app, oid)[0] == "acceptee"
    assert fiche(app, DUPONT["numero"], "responsable")["mobile"] == "06.00.00.00.02"
    assert mails(app) == []


def test_refusing_needs_a_motif_and_the_mail_names_it(app):
    oid, url = deposer(app, DUPONT["numero"], "responsable", TELEPHONE)
    agent = staff(app, "agent")
    page = agent.get(url)
    for motif in ("", "   \n  "):
        form = page.forms["form-refuser"]
        form["motif"] = motif
        refused = form.submit("refuser")
        assert refused.status_int == 200
        assert error_next_to(refused, "motif") == "Indiquez le motif du refus."
        assert 'aria-describedby="motif-erreur"' in refused.text
        assert etat(app, oid)[0] == "en_attente"
    # Too long: kept in the field, refused.
    form = page.forms["form-refuser"]
    form["motif"] = "x" * 1001
    assert "1000 caractères" in error_next_to(form.submit("refuser"), "motif")
    assert mails(app) == []

    form = page.forms["form-refuser"]
    form["motif"] = "Merci de joindre un justificatif de domicile."
    done = form.submit("refuser")
    assert done.status_int == 302 and done.location.endswith(QUEUE)
    assert "Demande refusée" in flashes(done.follow())
    state, by, when, motif = etat(app, oid)
    assert (state, by, motif) == (
        "refusee",
        "agent",
        "Merci de joindre un justificatif de domicile.",
    )
    assert fiche(app, DUPONT["numero"], "responsable")["telephone_domicile"] == "01.02.03.04.05"
    sent = mails(app)
    assert len(sent) == 1
    assert "refusée" in sent[0] and "Merci de joindre un justificatif de domicile." in sent[0]
    processed = agent.get(url)
    assert "Refusée" in processed.text
    assert "Merci de joindre un justificatif de domicile." in processed.text
    assert '<dd class="traite-par">agent</dd>' in processed.text
    assert dates_of(when) in processed.text


def test_a_record_changed_since_the_request_needs_a_confirmation(app):
    oid, url = deposer(app, DUPONT["numero"], "responsable", TELEPHONE)
    # The agent changes the phone in the SDI meanwhile.
    changer_fiche(app, DUPONT["numero"], "responsable", telephone_domicile="04.76.11.22.33")
    agent = staff(app, "agent")

    queue = agent.get(QUEUE)
    assert rows(queue) == [oid]
    assert "Fiche modifiée depuis la demande" in queue.text
    assert checkboxes(queue) == []  # to be opened one by one
    page = agent.get(url)
    warning = re.search(r'id="fiche-modifiee">(.*?)</div>', page.text, re.S).group(1)
    assert "la fiche de la famille a changé depuis la demande" in warning
    assert "Téléphone domicile" in warning and "Mobile" not in warning
    assert "04.76.11.22.33" in page.text  # the current value, beside the old one
    assert "J'ai vu que la fiche a changé depuis la demande" in page.text

    refused = page.forms["form-accepter"].submit("accepter")
    assert refused.status_int == 200
    assert "Cochez" in error_next_to(refused, "confirmer")
    assert etat(app, oid)[0] == "en_attente"
    assert fiche(app, DUPONT["numero"], "responsable")["telephone_domicile"] == "04.76.11.22.33"

    # Bulk accept skips it, and says why.
    skipped = agent.post(
        QUEUE, {"csrf_token": token(page), "oid": str(oid), "accepter_selection": "1"}
    ).follow()
    assert "0 demande(s) acceptée(s)." in flashes(skipped)
    assert "la fiche a changé depuis la demande" in flashes(skipped)
    assert etat(app, oid)[0] == "en_attente"

    # Another field changes after the page was shown: the confirmation
    # given for the first one is not enough.
    changer_fiche(app, DUPONT["numero"], "responsable", mobile="06.99.99.99.99")
    form = page.forms["form-accepter"]
    form["confirmer"] = True
    stale = form.submit("accepter")
    assert stale.status_int == 200 and etat(app, oid)[0] == "en_attente"
    assert "Mobile" in re.search(r'id="fiche-modifiee">(.*?)</div>', stale.text, re.S).group(1)

    form = stale.forms["form-accepter"]
    form["confirmer"] = True
    assert form.submit("accepter").status_int == 302
    assert etat(app, oid)[:2] == ("acceptee", "agent")
    record = fiche(app, DUPONT["numero"], "responsable")
    assert (record["telephone_domicile"], record["mobile"]) == ("05.61.00.00.01", "06.12.34.56.78")


def test_several_requests_accepted_at_once(app):
    a, _ = deposer(app, DUPONT["numero"], "responsable", TELEPHONE)
    b, _ = deposer(app, MARTIN["numero"], "caf", {"numero_allocataire": "1112223"})
    c, _ = deposer(app, DUPONT["numero"], "conjoint", {"prenom": "JEANNE-MARIE"})
    keep, _ = deposer(app, MARTIN["numero"], "responsable", {"ville": "GRENOBLE"})
    agent = staff(app, "agent")
    form = agent.get(QUEUE).forms["selection"]
    for field in form.fields["oid"]:
        field.checked = int(field._value) in (a, b, c)
    done = form.submit("accepter_selection")
    assert done.status_int == 302
    queue = done.follow()
    assert "3 demande(s) acceptée(s)." in flashes(queue)
    assert rows(queue) == [keep]
    for oid in (a, b, c):
        assert etat(app, oid)[:2] == ("acceptee", "agent")
    assert etat(app, keep)[0] == "en_attente"
    assert fiche(app, DUPONT["numero"], "responsable")["mobile"] == "06.12.34.56.78"
    assert fiche(app, DUPONT["numero"], "conjoint")["prenom"] == "JEANNE-MARIE"
    assert fiche(app, MARTIN["numero"], "caf")["numero_allocataire"] == "1112223"
    assert fiche(app, MARTIN["numero"], "responsable")["ville"] == "BIVIERS"
    assert len(mails(app)) == 3  # DUPONT twice, MARTIN once (both said Oui)
    # Nothing selected: nothing done.
    empty = agent.post(QUEUE, {"csrf_token": token(queue), "accepter_selection": "1"}).follow()
    assert "0 demande(s) acceptée(s)." in flashes(empty)
    assert etat(app, keep)[0] == "en_attente"


# --- Who may do what ---------------------------------------------------------------


def test_a_regisseur_processes_bank_requests_only(app):
    banque, banque_url = deposer(
        app, DUPONT["numero"], "bancaires", {"nom_banque": "CRÉDIT MUNICIPAL"}
    )
    compte, compte_url = deposer(app, DUPONT["numero"], "responsable", TELEPHONE)
    regisseur = staff(app, "regisseur")

    queue = regisseur.get(QUEUE)
    assert sorted(rows(queue)) == sorted([banque, compte])  # he sees both
    assert checkboxes(queue) == [banque]  # he may accept one
    # He reads the account request, without the buttons; posting is a 403.
    page = regisseur.get(compte_url)
    assert page.status_int == 200
    assert "form-accepter" not in page.text and "form-refuser" not in page.text
    assert "pas la traiter" in page.text
    for fields in ({"accepter": "1"}, {"refuser": "1", "motif": "Non"}):
        fields["csrf_token"] = token(queue)
        assert regisseur.post(compte_url, fields, expect_errors=True).status_int == 403
    assert etat(app, compte)[0] == "en_attente"
    # Bulk accept of both: the bank request only.
    done = regisseur.post(
        QUEUE,
        [
            ("csrf_token", token(queue)),
            ("oid", str(compte)),
            ("oid", str(banque)),
            ("accepter_selection", "1"),
        ],
    ).follow()
    assert "1 demande(s) acceptée(s)." in flashes(done)
    assert "vous ne pouvez pas traiter ce type de demande" in flashes(done)
    assert etat(app, banque)[:2] == ("acceptee", "regisseur")
    assert etat(app, compte)[0] == "en_attente"
    assert fiche(app, DUPONT["numero"], "bancaires")["nom_banque"] == "CRÉDIT MUNICIPAL"
    assert fiche(app, DUPONT["numero"], "responsable")["telephone_domicile"] == "01.02.03.04.05"

    # And through the detail page, a bank request is his to refuse.
    autre, autre_url = deposer(app, MARTIN["numero"], "bancaires", {"bic": "BDFEFRPPCCT"})
    form = regisseur.get(autre_url).forms["form-refuser"]
    form["motif"] = "BIC d'une autre banque que l'IBAN."
    assert form.submit("refuser").status_int == 302
    assert etat(app, autre)[:2] == ("refusee", "regisseur")


def test_editors_and_parents_get_none_of_it(app):
    oid, url = deposer(app, DUPONT["numero"], "responsable", TELEPHONE)
    bank_oid, bank_url = deposer(app, DUPONT["numero"], "bancaires", {"iban": IBAN_NOUVEAU})
    for role in ("editeur", "jean.dupont", "marie.martin"):
        browser = client(app)
        login(browser, role, COMPTES[role][0])
        # A valid token of his own session: only the permission stops him.
        own_token = token(browser.get("/mot-de-passe"))
        for path in (QUEUE, url, bank_url, QUEUE + "?page=2"):
            response = browser.get(path, expect_errors=True)
            assert response.status_int != 200, (role, path, response.status)
            assert "05.61.00.00.01" not in response.text
        posts = [
            (QUEUE, [("oid", str(oid)), ("oid", str(bank_oid)), ("accepter_selection", "1")]),
            (url, [("accepter", "1")]),
            (url, [("refuser", "1"), ("motif", "Non")]),
            (bank_url, [("reveler", "1")]),
        ]
        for path, fields in posts:
            response = browser.post(path, [("csrf_token", own_token)] + fields, expect_errors=True)
            # 403/404, or sent out of the SDI (a parent to his home page,
            # MARIE first to the change of her temporary password).
            assert response.status_int in (302, 403, 404), (role, path, response.status)
            if response.status_int == 302:
                assert "/manage" not in response.location, (role, path)
            assert IBAN_NOUVEAU not in response.text
    assert etat(app, oid)[0] == "en_attente"
    assert etat(app, bank_oid)[0] == "en_attente"
    assert iban_audits(app) == []
    assert mails(app) == []
    # Anonymous: to the login page, nothing shown.
    anonymous = client(app)
    for path in (QUEUE, url):
        response = anonymous.get(path, expect_errors=True)
        assert response.status_int != 200 and "05.61.00.00.01" not in response.text


# --- Forged and tampered input -----------------------------------------------------


def test_forged_selections_change_nothing(app):
    martin_oid, martin_url = deposer(app, MARTIN["numero"], "responsable", {"ville": "MEYLAN"})
    dupont_oid, dupont_url = deposer(app, DUPONT["numero"], "responsable", TELEPHONE)
    agent = staff(app, "agent")
    page = agent.get(QUEUE)

    def famille_oid(root, registry):
        return get_oid(root["familles"][DUPONT["numero"]]), get_oid(root)

    famille, root = with_root(app.app, famille_oid)
    forged = [
        ("csrf_token", token(page)),
        ("oid", "123456789"),  # unknown
        ("oid", "abc"),
        ("oid", ""),
        ("oid", "9" * 40),
        ("oid", str(famille)),  # a real object, not a request
        ("oid", str(root)),
        ("accepter_selection", "1"),
        ("etat", "acceptee"),
        ("famille", MARTIN["numero"]),
    ]
    done = agent.post(QUEUE, forged)
    assert done.status_int == 302
    shown = done.follow()
    assert "0 demande(s) acceptée(s)." in flashes(shown)
    assert "introuvable" in flashes(shown)
    assert etat(app, martin_oid)[0] == "en_attente"
    assert etat(app, dupont_oid)[0] == "en_attente"

    # Without the CSRF token (or with a wrong one): refused, nothing done.
    for bad in ([], [("csrf_token", "0" * 40)]):
        response = agent.post(
            QUEUE, bad + [("oid", str(martin_oid)), ("accepter_selection", "1")], status=400
        )
        assert "Ce formulaire a expiré" in response.text
        response = agent.post(dupont_url, bad + [("accepter", "1")], status=400)
    assert etat(app, martin_oid)[0] == "en_attente"
    assert etat(app, dupont_oid)[0] == "en_attente"

    # Accepting DUPONT's request with MARTIN's id and extra fields: only
    # DUPONT's request, with its own values.
    tampered = agent.post(
        dupont_url,
        {
            "csrf_token": token(page),
            "accepter": "1",
            "oid": str(martin_oid),
            "etat": "refusee",
            "traite_par": "quelqu'un",
            "famille": MARTIN["numero"],
            "telephone_domicile": "00.00.00.00.00",
            "nom": "PIRATE",
            "force": "1",
        },
    )
    assert tampered.status_int == 302
    assert etat(app, dupont_oid)[:2] == ("acceptee", "agent")
    assert etat(app, martin_oid)[0] == "en_attente"
    record = fiche(app, DUPONT["numero"], "responsable")
    assert record["telephone_domicile"] == "05.61.00.00.01" and record["nom"] == "DUPONT"
    assert fiche(app, MARTIN["numero"], "responsable")["ville"] == "BIVIERS"
    # Refusing an accepted request afterwards: nothing changes.
    again = agent.post(dupont_url, {"csrf_token": token(page), "refuser": "1", "motif": "Non"})
    assert "déjà été traitée" in flashes(again.follow())
    assert etat(app, dupont_oid)[0] == "acceptee"


def test_a_get_never_changes_anything(app):
    oid, url = deposer(app, DUPONT["numero"], "bancaires", {"iban": IBAN_NOUVEAU})
    agent = staff(app, "agent")
    page = agent.get(QUEUE)
    params = {
        "csrf_token": token(page),
        "oid": str(oid),
        "accepter_selection": "1",
        "accepter": "1",
        "refuser": "1",
        "motif": "Non",
        "reveler": "1",
        "confirmer": "oui",
    }
    assert agent.get(QUEUE, params).status_int == 200
    shown = agent.get(url, params)
    assert shown.status_int == 200
    assert IBAN_NOUVEAU not in shown.text
    assert etat(app, oid)[0] == "en_attente"
    assert iban_audits(app) == []
    assert mails(app) == []


# --- The IBAN ---------------------------------------------------------------------


def full_iban_in(text, *ibans):
    """Any of ``ibans`` in ``text``, compact or in groups of four."""
    found = []
    for iban in ibans:
        grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        if iban in text or grouped in text or iban[4:-4] in text:
            found.append(iban)
    return found


def test_the_iban_is_masked_and_shown_in_full_only_through_an_audited_post(app):
    changer_fiche(app, DUPONT["numero"], "bancaires", iban=IBAN_ACTUEL, bic="BDFEFRPPCCT")
    oid, url = deposer(app, DUPONT["numero"], "bancaires", {"iban": IBAN_NOUVEAU})
    agent = staff(app, "agent")

    queue = agent.get(QUEUE)
    assert "IBAN : %s → %s" % (MASQUE_ACTUEL, MASQUE_NOUVEAU) in queue.text
    assert full_iban_in(queue.text, IBAN_ACTUEL, IBAN_NOUVEAU) == []
    page = agent.get(url)
    assert MASQUE_ACTUEL in page.text and MASQUE_NOUVEAU in page.text
    assert full_iban_in(page.text, IBAN_ACTUEL, IBAN_NOUVEAU) == []
    assert iban_audits(app) == []

    shown = page.forms["form-iban"].submit("reveler")
    assert shown.status_int == 200
    assert full_iban_in(shown.text, IBAN_ACTUEL, IBAN_NOUVEAU) == [IBAN_ACTUEL, IBAN_NOUVEAU]
    assert "form-iban" not in shown.text  # shown: nothing more to ask
    assert "enregistrée dans le journal" in shown.text
    # The buttons still work from that page.
    assert "form-accepter" in shown.text

    entries = iban_audits(app)
    assert len(entries) == 1
    name, famille_oid, payload = entries[0]
    assert famille_oid == with_root(
        app.app, lambda root, registry: get_oid(root["familles"][DUPONT["numero"]])
    )
    assert payload["famille"] == DUPONT["numero"]
    assert payload["par"] == "agent"
    assert payload["time"] > 0
    dump = json.dumps(payload)
    assert full_iban_in(dump, IBAN_ACTUEL, IBAN_NOUVEAU) == []
    assert "0185" not in dump and "2606" not in dump

    # Once: the next page is masked again.
    assert full_iban_in(agent.get(url).text, IBAN_ACTUEL, IBAN_NOUVEAU) == []
    # The régisseur may see it too (audited under his name).
    regisseur = staff(app, "regisseur")
    regisseur.get(url).forms["form-iban"].submit("reveler")
    assert [entry[2]["par"] for entry in iban_audits(app)] == ["agent", "regisseur"]

    # Accepted: the processed request is masked too; the mail has no IBAN.
    agent.get(url).forms["form-accepter"].submit("accepter")
    assert fiche(app, DUPONT["numero"], "bancaires")["iban"] == IBAN_NOUVEAU
    assert full_iban_in(agent.get(url).text, IBAN_ACTUEL, IBAN_NOUVEAU) == []
    assert full_iban_in("\n".join(mails(app)), IBAN_ACTUEL, IBAN_NOUVEAU) == []
    # No IBAN in any journal entry (accept and refuse are journaled too).
    assert full_iban_in(json.dumps([e[2] for e in audit(app)]), IBAN_ACTUEL, IBAN_NOUVEAU) == []


def test_no_reveal_button_where_no_iban_is_at_stake(app):
    _oid, url = deposer(app, DUPONT["numero"], "bancaires", {"nom_banque": "LA POSTE"})
    agent = staff(app, "agent")
    page = agent.get(url)
    assert "form-iban" not in page.text
    # Posted anyway: no audit entry, nothing to show.
    assert agent.post(url, {"csrf_token": token(page), "reveler": "1"}).status_int == 200
    assert iban_audits(app) == []


BANCAIRES = "/manage/familles/%s/@@properties/Bancaires" % DUPONT["numero"]


def test_the_sdi_bank_sheet_masks_the_iban_and_keeps_it(app):
    changer_fiche(app, DUPONT["numero"], "bancaires", iban=IBAN_ACTUEL, bic="BDFEFRPPCCT")
    agent = staff(app, "agent")
    page = agent.get(BANCAIRES)
    assert page.status_int == 200
    assert full_iban_in(page.text, IBAN_ACTUEL) == []
    form = page.forms["deform"]
    assert form["iban"].value == MASQUE_ACTUEL

    # Saved as shown (another field changed): the stored IBAN stays.
    form["nom_banque"] = "BANQUE DE FRANCE"
    assert form.submit("save").status_int == 302
    stored = fiche(app, DUPONT["numero"], "bancaires")
    assert (stored["iban"], stored["nom_banque"]) == (IBAN_ACTUEL, "BANQUE DE FRANCE")

    # A wrong IBAN, or the mask of another IBAN: refused beside the field.
    for bad in ("FR7630001007941234567890186", "FR76 •••• •••• 9999", MASQUE_NOUVEAU):
        form = agent.get(BANCAIRES).forms["deform"]
        form["iban"] = bad
        refused = form.submit("save")
        assert refused.status_int == 200
        assert "IBAN invalide" in refused.text
        assert fiche(app, DUPONT["numero"], "bancaires")["iban"] == IBAN_ACTUEL

    # A new valid IBAN is stored, and shown masked.
    form = agent.get(BANCAIRES).forms["deform"]
    form["iban"] = IBAN_NOUVEAU
    assert form.submit("save").status_int == 302
    assert fiche(app, DUPONT["numero"], "bancaires")["iban"] == IBAN_NOUVEAU
    page = agent.get(BANCAIRES)
    assert page.forms["deform"]["iban"].value == MASQUE_NOUVEAU
    assert full_iban_in(page.text, IBAN_ACTUEL, IBAN_NOUVEAU) == []
    # Emptied on purpose: emptied.
    form = page.forms["deform"]
    form["iban"] = ""
    assert form.submit("save").status_int == 302
    assert fiche(app, DUPONT["numero"], "bancaires")["iban"] == ""

    # The régisseur reads the sheet: masked too.
    changer_fiche(app, DUPONT["numero"], "bancaires", iban=IBAN_ACTUEL)
    page = staff(app, "regisseur").get(BANCAIRES)
    assert MASQUE_ACTUEL in page.text and full_iban_in(page.text, IBAN_ACTUEL) == []


def test_accept_and_refuse_are_journaled(app):
    accepted, url_a = deposer(app, DUPONT["numero"], "responsable", {"mobile": "06.12.34.56.78"})
    refused, url_r = deposer(app, MARTIN["numero"], "responsable", {"mobile": "06.98.76.54.32"})
    agent = staff(app, "agent")
    agent.get(url_a).forms["form-accepter"].submit("accepter")
    form = agent.get(url_r).forms["form-refuser"]
    form["motif"] = "Numéro incomplet"
    form.submit("refuser")
    entries = [(a, o, d["par"], d["famille"]) for a, o, d in audit(app)]
    assert ("DemandeAcceptee", accepted, "agent", DUPONT["numero"]) in entries
    assert ("DemandeRefusee", refused, "agent", MARTIN["numero"]) in entries


def test_administrators_read_the_journal_others_do_not(app):
    _oid, url = deposer(app, DUPONT["numero"], "responsable", {"mobile": "06.12.34.56.78"})
    agent = staff(app, "agent")
    agent.get(url).forms["form-accepter"].submit("accepter")
    admin = staff(app, "admin")
    page = admin.get("/manage/@@journal")
    assert "Demande acceptée" in page.text and DUPONT["numero"] in page.text
    assert ">agent<" in page.text
    filtered = admin.get("/manage/@@journal", {"action": "IbanConsulte"})
    assert "Aucune action enregistrée." in filtered.text
    for role in ("agent", "regisseur", "editeur"):
        assert staff(app, role).get("/manage/@@journal", expect_errors=True).status_int in (
            403,
            404,
        )


def test_the_journal_pages_from_a_cursor_keeping_its_filter(app):
    def fill(root, registry):
        for i in range(250):
            journal.noter(
                root,
                "DemandeAcceptee" if i % 2 else "DemandeRefusee",
                i,
                par="agent-%d" % i,
                famille=DUPONT["numero"],
                details={"type": "responsable"},
                moment=1_700_000_000 + i,
            )

    with_root(app.app, fill)
    admin = staff(app, "admin")

    def qui(page):
        return [tr.find_all("td")[2].get_text() for tr in page.html.select("table tbody tr")]

    page = admin.get("/manage/@@journal")
    assert qui(page) == ["agent-%d" % i for i in range(249, 149, -1)]
    assert "type : responsable" in page.html.select_one("table tbody tr").get_text()
    assert page.html.find("a", string="Les plus récentes") is None
    page = admin.get(page.html.find("a", string="Plus anciennes")["href"])
    assert qui(page) == ["agent-%d" % i for i in range(149, 49, -1)]
    page = admin.get(page.html.find("a", string="Plus anciennes")["href"])
    assert qui(page) == ["agent-%d" % i for i in range(49, -1, -1)]
    assert page.html.find("a", string="Plus anciennes") is None
    assert page.html.find("a", string="Les plus récentes")["href"].endswith("@@journal?")
    # One action: its pages keep the filter.
    page = admin.get("/manage/@@journal", {"action": "DemandeRefusee"})
    assert qui(page) == ["agent-%d" % i for i in range(248, 48, -2)]
    page = admin.get(page.html.find("a", string="Plus anciennes")["href"])
    assert qui(page) == ["agent-%d" % i for i in range(48, -1, -2)]
    actions = {tr.find_all("td")[1].get_text() for tr in page.html.select("table tbody tr")}
    assert actions == {"Demande refusée"}
    # A forged cursor is ignored.
    assert len(qui(admin.get("/manage/@@journal", {"apres": "x' OR 1"}))) == 100
