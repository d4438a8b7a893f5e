"""One login per parent (issue 21, part 1): from Mon compte a parent
invites the family's other responsable by mail; she activates her own
account with the link and sees the family; her requests keep her login;
the family's other account is told by mail when she is in; a password
change (padlock, reset link, staff) mails the account, never the
password; staff add a parent's account from the family's tab; another
family's parent can do none of it."""

import re

from substanced.util import find_service

from portail_famille import journal
from portail_famille.comptes import activation, avis
from portail_famille.demo import COMPTES, DUPONT

from ..conftest import (
    ADMIN,
    DUPONT_URL,
    MARTIN_URL,
    csrf,
    login,
    mails,
    martin_logged_in,
    with_root,
)
from .conftest import client

PAGE = DUPONT_URL + "comptes-parents"
LIEN = re.compile(r"http://localhost/activer\?jeton=[A-Za-z0-9_\-]{43}")
RESET = re.compile(r"http://localhost/reinitialiser\?jeton=[A-Za-z0-9_\-]{43}")
JEANNE = "jeanne.dupont"
JEANNE_MAIL = "jeanne.dupont@example.org"
MOT_DE_PASSE = "Garde-Alternee2027"


def jean(app):
    browser = client(app)
    login(browser, "jean.dupont", COMPTES["jean.dupont"][0])
    return browser


def inviter(browser, email, status=302):
    page = browser.get(PAGE)
    return browser.post(
        PAGE, {"email": email, "inviter": "1", "csrf_token": csrf(page)}, status=status
    )


def activer(app, url, password=MOT_DE_PASSE):
    browser = client(app)
    page = browser.get(url)
    assert 'value="%s"' % JEANNE in page.text
    response = browser.post(
        "/activer",
        {
            "jeton": url.split("=", 1)[1],
            "new": password,
            "confirm": password,
            "csrf_token": csrf(page),
        },
        status=302,
    )
    assert response.location == "http://localhost" + DUPONT_URL
    return browser


def comptes(app):
    def read(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        return {u.__name__: (u.email, bool(u.password)) for u in famille.parents()}

    return with_root(app.app, read)


def entrees(app, quoi):
    def read(root, registry):
        found, _suite = journal.lire(root, quoi=quoi)
        return [(e["qui"], e["famille"], e["details"]) for e in found]

    return with_root(app.app, read)


def pour(app, adresse):
    return [m for m in mails(app) if "To: %s" % adresse in m]


def test_mon_compte_leads_to_the_familys_accounts(app):
    browser = jean(app)
    page = browser.get(DUPONT_URL + "mon-compte")
    assert page.html.select_one("#comptes-parents a")["href"] == PAGE
    page = browser.get(PAGE)
    comptes_listes = [
        " ".join(li.get_text(" ").split()) for li in page.html.select(".comptes-famille li")
    ]
    assert comptes_listes == ["jean.dupont (vous) — actif"]
    texte = page.html.select_one("#inviter").get_text(" ", strip=True)
    assert "JEANNE DUPONT recevra par email un lien, valable 14 jours" in texte
    assert "Son identifiant sera jeanne.dupont" in texte
    assert "${" not in page.text


def test_a_parent_invites_the_other_who_activates_her_own_account(app):
    browser = jean(app)
    # Bad input: a French message beside the field, nothing made.
    for email, message in (
        ("", "Saisissez l'adresse email de la personne invitée."),
        ("pas-une-adresse", "Adresse email invalide."),
    ):
        refused = inviter(browser, email, status=200)
        assert refused.html.select_one("#email-erreur").get_text(strip=True) == message
    assert list(comptes(app)) == ["jean.dupont"]
    assert mails(app) == []

    done = inviter(browser, JEANNE_MAIL)
    assert done.location == "http://localhost" + PAGE
    page = done.follow()
    assert "Invitation envoyée à jeanne.dupont@example.org" in page.text
    assert "invitation envoyée, en attente d'activation" in page.text
    # The other responsable's account: no password, until she chooses it.
    assert comptes(app) == {
        "jean.dupont": ("jean.dupont@wanadoo.fr", True),
        JEANNE: (JEANNE_MAIL, False),
    }
    [invitation] = mails(app)
    assert "To: %s" % JEANNE_MAIL in invitation
    assert (
        "JEAN DUPONT vous invite" in invitation
        and "Votre identifiant : jeanne.dupont" in invitation
    )
    assert "${" not in invitation
    url = LIEN.search(invitation).group(0)
    # Journaled: who (jean's login, not just the family) added which account.
    details = {"compte": JEANNE}
    assert entrees(app, avis.COMPTE_AJOUTE) == [("jean.dupont", DUPONT["numero"], details)]
    assert entrees(app, avis.INVITATION_ENVOYEE) == [("jean.dupont", DUPONT["numero"], details)]
    # Nobody can log in to it before the activation.
    assert (
        "Identifiant ou mot de passe incorrect." in login(client(app), JEANNE, "x", status=200).text
    )

    jeanne = activer(app, url)
    home = jeanne.get(DUPONT_URL)
    assert "Votre compte est activé" in home.text
    assert "LUCAS" in jeanne.get(DUPONT_URL + "mes-enfants").text
    assert jeanne.get(MARTIN_URL, status=404).status_int == 404
    # Jean is told, by mail, that another account reaches his family.
    [avis_jean] = pour(app, "jean.dupont@wanadoo.fr")
    assert "Le compte « jeanne.dupont » a été ajouté à votre famille" in avis_jean
    assert "à l'invitation de « jean.dupont »" in avis_jean and "${" not in avis_jean
    # Both logins see the family; a request keeps the login that made it.
    page = jeanne.get(DUPONT_URL + "demande-responsable")
    form = page.forms["demande"]
    form["telephone_domicile"] = "01 02 03 04 99"
    form.submit("enregistrer", status=302)

    def demandeurs(root, registry):
        return [d.demandeur for d in root["familles"][DUPONT["numero"]]["demandes"].values()]

    assert with_root(app.app, demandeurs) == [JEANNE]
    page = jean(app).get(PAGE)
    assert [
        " ".join(li.get_text(" ").split()) for li in page.html.select(".comptes-famille li")
    ] == [
        "jean.dupont (vous) — actif",
        "jeanne.dupont — actif",
    ]
    # Two accounts: no third invitation (the form is gone, a POST refused).
    assert page.html.select_one("#inviter") is None
    assert "Les deux responsables de la famille ont leur compte." in page.text
    refused = inviter(jean(app), "troisieme@example.org", status=200)
    assert "Votre famille a déjà 2 comptes" in refused.text
    assert len(comptes(app)) == 2


def test_an_invitation_sent_again_replaces_the_link(app):
    browser = jean(app)
    inviter(browser, JEANNE_MAIL)
    first = LIEN.search(mails(app)[-1]).group(0)
    page = browser.get(PAGE)
    browser.post(PAGE, {"renvoyer": JEANNE, "csrf_token": csrf(page)}, status=302)
    second = LIEN.search(mails(app)[-1]).group(0)
    assert first != second
    assert "Ce lien a été remplacé" in client(app).get(first).text
    activer(app, second)
    # Activated: nothing to send again.
    page = browser.get(PAGE)
    response = browser.post(PAGE, {"renvoyer": JEANNE, "csrf_token": csrf(page)}, status=200)
    assert "Ce compte n'attend plus d'invitation." in response.text


def test_invitations_count_like_reset_mails(app):
    browser = jean(app)
    inviter(browser, JEANNE_MAIL)
    for _n in range(2):
        page = browser.get(PAGE)
        browser.post(PAGE, {"renvoyer": JEANNE, "csrf_token": csrf(page)}, status=302)
    page = browser.get(PAGE)
    response = browser.post(PAGE, {"renvoyer": JEANNE, "csrf_token": csrf(page)}, status=429)
    assert "Trop d'invitations envoyées : réessayez dans" in response.text
    assert len(mails(app)) == 3


def test_another_family_can_neither_see_nor_invite(app):
    martin = martin_logged_in(app)
    page = martin.get(MARTIN_URL + "comptes-parents")
    assert "Aucun conjoint n'est renseigné" in page.text  # her own family: nobody to invite
    martin.get(PAGE, status=404)
    martin.post(
        PAGE, {"email": "x@example.org", "inviter": "1", "csrf_token": csrf(page)}, status=404
    )
    # Staff see the page (read-only) but invite from the SDI tab, not here.
    agent = client(app)
    login(agent, "agent", COMPTES["agent"][0])
    page = agent.get(PAGE)
    assert page.html.select_one("#inviter") is None
    agent.post(
        PAGE, {"email": "x@example.org", "inviter": "1", "csrf_token": csrf(page)}, status=403
    )
    anonymous = client(app)
    assert anonymous.get(PAGE).status_int == 302
    assert list(comptes(app)) == ["jean.dupont"]


def test_an_archived_family_invites_nobody(app):
    def archiver(root, registry):
        import datetime

        famille = root["familles"][DUPONT["numero"]]
        famille.partie_le = datetime.date(2026, 1, 1)
        famille.update_acl()

    with_root(app.app, archiver)
    browser = jean(app)
    page = browser.get(PAGE)
    assert page.html.select_one("#inviter") is None
    browser.post(PAGE, {"email": JEANNE_MAIL, "inviter": "1", "csrf_token": csrf(page)}, status=404)


def _changement(mail):
    assert "Le mot de passe de votre compte « jean.dupont »" in mail
    assert "Si ce n'est pas vous" in mail and "http://localhost/mot-de-passe-oublie" in mail
    assert "${" not in mail


def test_a_password_changed_with_the_padlock_is_told_by_mail(app):
    browser = jean(app)
    page = browser.get("/mot-de-passe")
    new = "Sucettes-31400"
    browser.post(
        "/mot-de-passe",
        {
            "current": COMPTES["jean.dupont"][0],
            "new": new,
            "confirm": new,
            "csrf_token": csrf(page),
        },
        status=302,
    )
    [mail] = mails(app)
    assert "To: jean.dupont@wanadoo.fr" in mail
    _changement(mail)
    assert "le cadenas" in mail
    assert re.search(r"modifié le \d\d/\d\d/\d{4} à \d\d:\d\d", mail.replace("\n", " "))
    # Never the password, old or new.
    assert new not in mail and COMPTES["jean.dupont"][0] not in mail


def test_a_password_changed_with_a_reset_link_is_told_by_mail(app):
    anonymous = client(app)
    page = anonymous.get("/mot-de-passe-oublie")
    anonymous.post(
        "/mot-de-passe-oublie", {"login": "jean.dupont", "csrf_token": csrf(page)}, status=200
    )
    url = RESET.search(mails(app)[-1]).group(0)
    page = anonymous.get(url)
    new = "Sucettes-31400"
    anonymous.post(
        "/reinitialiser",
        {"jeton": url.split("=", 1)[1], "new": new, "confirm": new, "csrf_token": csrf(page)},
        status=302,
    )
    mail = mails(app)[-1]
    _changement(mail)
    assert "avec un lien de réinitialisation" in mail and new not in mail


def test_a_password_set_by_staff_is_told_by_mail(app):
    admin = client(app)
    login(admin, *ADMIN)
    page = admin.get("/manage/principals/users/jean.dupont/@@change_password")
    form = page.forms["deform"]
    form["current"] = ADMIN[1]
    new = "Provisoire-2027x"
    form["password"] = new
    form["password-confirm"] = new
    form.submit("changer", status=302)
    mail = mails(app)[-1]
    _changement(mail)
    assert "par le service enfance jeunesse" in mail and new not in mail


def test_staff_add_the_conjoints_account_and_the_parent_is_told_at_activation(app):
    agent = client(app)
    login(agent, "agent", COMPTES["agent"][0])
    page = agent.get("/manage/familles/%s/@@comptes" % DUPONT["numero"])
    form = page.forms["deform"]
    form["email"] = JEANNE_MAIL
    assert form.submit("creer").status_int == 302
    assert entrees(app, avis.COMPTE_AJOUTE) == [("agent", DUPONT["numero"], {"compte": JEANNE})]
    assert pour(app, "jean.dupont@wanadoo.fr") == []
    activer(app, LIEN.search(mails(app)[-1]).group(0))
    [avis_jean] = pour(app, "jean.dupont@wanadoo.fr")
    assert "par le service enfance jeunesse" in avis_jean

    def activated(root, registry):
        user = find_service(root, "principals", "users")[JEANNE]
        return activation.en_attente(user)

    assert with_root(app.app, activated) is False


def test_evolve_step42_gives_existing_families_the_invitation(app):
    from pyramid.security import Allow
    from substanced.util import get_oid, set_acl

    from portail_famille.evolve import step42
    from portail_famille.security import FAMILLE_PERMISSIONS, P

    def ancienne_acl(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        anciennes = tuple(p for p in FAMILLE_PERMISSIONS if p != P.FAMILLE_COMPTE_INVITER)
        set_acl(famille, [(Allow, get_oid(u), anciennes) for u in famille.parents()])

    with_root(app.app, ancienne_acl)
    page = jean(app).get(PAGE)
    assert page.html.select_one("#inviter") is None
    with_root(app.app, step42.evolve)
    assert jean(app).get(PAGE).html.select_one("#inviter") is not None
