"""The mailbox as parents expect (issue 20): the service's reply to a
family's message shows in "Messages reçus" within its thread, unread in
bold with the tab's badge until opened; "Messages envoyés" keeps what the
family sent; the header's "n Nouveau(x) Message(s)" links to them."""

import pytest
import webtest
from substanced.util import find_catalog, find_objectmap

from portail_famille.demo import COMPTES, DUPONT
from portail_famille.evolve import STEPS, step41

from ..conftest import DUPONT_URL, csrf, login, with_root

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BOITE = DUPONT_URL + "boite-de-reception"
RECUS = BOITE + "?onglet=recus"
NON_LUS = RECUS + "&filtre=non-lus"
ENVOYES = BOITE + "?onglet=envoyes"
OBJET = "Cantine de jeudi"


def navigateur(app, qui, mot_de_passe):
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(browser, qui, mot_de_passe)
    return browser


def ligne(page, objet):
    """The row of ``objet`` in the list shown (None if absent)."""
    for tr in page.html.select("table.tableau-messages tbody tr"):
        if tr.th is not None and tr.th.get_text(strip=True) == objet:
            return tr
    return None


def pastille(page):
    """The badge of the "Messages reçus" tab ('' if none)."""
    for a in page.html.select("nav.onglets a"):
        if a.get_text(" ", strip=True).startswith("Messages reçus"):
            badge = a.select_one(".pastille")
            return badge.get_text(" ", strip=True) if badge else ""
    raise AssertionError("no Messages reçus tab")


def entete(page):
    """The header's link to the new messages: (its text, its href)."""
    lien = page.html.select_one("header .bienvenue a.nouveaux-messages")
    assert lien is not None, "the counter is no link"
    return " ".join(lien.get_text(" ", strip=True).split()), lien["href"]


def conversation_du_parent(app, objet):
    def find(root, registry):
        dossier = root["familles"][DUPONT["numero"]]["messages"]
        found = next(c for c in dossier.values() if c.objet == objet)
        return found.__name__

    return with_root(app.app, find)


def test_the_service_reply_is_received_bold_with_a_badge_until_read(app):
    parent = navigateur(app, "jean.dupont", COMPTES["jean.dupont"][0])
    agent = navigateur(app, "agent", COMPTES["agent"][0])
    # the demo: one unread message from the service
    home = parent.get(DUPONT_URL)
    assert entete(home) == ("1 Nouveau(x) Message(s)", NON_LUS)

    # The family writes: in its sent messages only.
    page = parent.get(BOITE + "?onglet=nouveau")
    parent.post(
        BOITE,
        {"csrf_token": csrf(page), "structure": "", "objet": OBJET, "texte": "Menu sans porc ?"},
        status=302,
    )
    assert ligne(parent.get(ENVOYES), OBJET) is not None
    assert ligne(parent.get(RECUS), OBJET) is None

    # The service answers from the SDI.
    nom = conversation_du_parent(app, OBJET)
    sdi = "/manage/familles/%s/messages/%s/@@conversation" % (DUPONT["numero"], nom)
    shown = agent.get(sdi)
    agent.post(
        sdi,
        {"texte": "Oui, un menu de substitution.", "repondre": "1", "csrf_token": csrf(shown)},
        status=302,
    )

    # Header: 2 new messages, a link to the received ones.
    home = parent.get(DUPONT_URL)
    texte, href = entete(home)
    assert texte == "2 Nouveau(x) Message(s)"
    # the link: the unread ones of "Messages reçus"
    non_lus = parent.get(href)
    assert non_lus.request.path_qs == NON_LUS
    assert "Messages reçus" in non_lus.html.select_one("#titre-liste").text
    actif = non_lus.html.select_one("nav.filtres a[aria-current=page]")
    assert actif.get_text(strip=True) == "Non lus"
    assert len(non_lus.html.select("table.tableau-messages tbody tr.non-lu")) == 2
    assert ligne(non_lus, OBJET) is not None
    recus = parent.get(RECUS)
    row = ligne(recus, OBJET)
    assert row is not None, "the reply is not in Messages reçus"
    assert "non-lu" in row["class"] and row.th.strong is not None  # bold
    assert row.find_all("td")[-1].get_text(strip=True) == "Nouveau"
    assert pastille(recus) == "2 non lu(s)"
    # still among what the family sent, unread there too
    assert "non-lu" in ligne(parent.get(ENVOYES), OBJET)["class"]

    # Opened from the list: the thread (both messages), read.
    fil = parent.get(row.th.a["href"])
    assert "Menu sans porc ?" in fil.text and "Oui, un menu de substitution." in fil.text
    assert fil.html.select_one("a[href='%s']" % RECUS) is not None  # back to the received
    recus = parent.get(RECUS)
    row = ligne(recus, OBJET)
    assert not row.get("class") and row.th.strong is None
    assert row.find_all("td")[-1].get_text(strip=True) == "Répondu"
    assert pastille(recus) == "1 non lu(s)"
    assert entete(recus)[0] == "1 Nouveau(x) Message(s)"
    assert ligne(parent.get(ENVOYES), OBJET) is not None
    assert ligne(parent.get(NON_LUS), OBJET) is None  # read: no longer among the unread
    # the demo's unread one read too: none left, the link goes to all received
    autre = parent.get(NON_LUS).html.select_one("table.tableau-messages tbody tr.non-lu th a")
    parent.get(autre["href"])
    recus = parent.get(RECUS)
    assert entete(recus) == ("0 Nouveau(x) Message(s)", RECUS)
    assert pastille(recus) == ""
    vide = parent.get(NON_LUS).html.select_one("table.tableau-messages td.vide")
    assert vide.get_text(strip=True) == "Aucun message non lu."

    # Deleted: in "Messages supprimés" alone; a new reply brings it back.
    fil = parent.get(row.th.a["href"])
    parent.post(fil.request.path + "/supprimer", {"csrf_token": csrf(fil)}, status=302)
    assert ligne(parent.get(RECUS), OBJET) is None
    assert ligne(parent.get(ENVOYES), OBJET) is None
    assert ligne(parent.get(BOITE + "?onglet=supprimes"), OBJET) is not None


def test_evolve_step41_files_old_replies_under_received(app):
    assert "step41" in STEPS

    def old(root, registry):
        catalog = find_catalog(root, "portail")
        catalog.remove("message_listes")

    with_root(app.app, old)

    def evolve(root, registry):
        step41.evolve(root, registry)

    with_root(app.app, evolve)

    def check(root, registry):
        catalog = find_catalog(root, "portail")
        objectmap = find_objectmap(root)
        numero = DUPONT["numero"]

        def objets(liste):
            ids = catalog["message_listes"].eq("%s:%s" % (numero, liste)).execute().ids
            return sorted(objectmap.object_for(oid).objet for oid in ids)

        from portail_famille.messagerie import demo

        assert objets("recus") == sorted([demo.ENVOYE, demo.RECU])
        assert objets("envoyes") == [demo.ENVOYE]
        ids = catalog["message_boite"].eq("%s:recus" % numero).execute().ids
        assert len(ids) == 2

    with_root(app.app, check)
    with_root(app.app, step41.evolve)  # idempotent
    with_root(app.app, check)
