"""The family's whole file on one staff screen (issue 18, item 3): the
record, the children with age and class, their health data (audited) and
authorisations, inscriptions, this month's planning, requests, messages
and account; an agent changes a child's health data or authorised persons
from there, with a reason, journaled; what the role table refuses is
refused."""

from pyramid.security import Allow
from substanced.util import get_acl, get_oid, set_acl

from portail_famille import dates, journal
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.evolve import step27
from portail_famille.facturation import compte
from portail_famille.montants import euros
from portail_famille.security import P, group_oid

from ..conftest import ADMIN, login, with_root
from .conftest import client

NUMERO = DUPONT["numero"]
FICHE = "/manage/familles/%s/@@fiche" % NUMERO


def staff(app, role):
    browser = client(app)
    login(browser, role, ADMIN[1] if role == "admin" else COMPTES[role][0])
    return browser


def lucas(app):
    """(its __name__, its oid, its health data, its authorisations)."""

    def read(root, registry):
        famille = root["familles"][NUMERO]
        (enfant,) = [e for e in famille["enfants"].values() if e.prenom == "LUCAS"]
        return enfant.__name__, get_oid(enfant), dict(enfant.sanitaires), dict(enfant.autorisations)

    return with_root(app.app, read)


def entrees(app, genre):
    """The journal's entries of ``genre``, newest first."""

    def read(root, registry):
        return journal.lire(root, genre=genre, limite=1000)[0]

    return with_root(app.app, read)


def texte(page):
    """What a reader sees: the page's text, whitespace collapsed."""
    return " ".join(page.html.get_text(" ").split())


def formulaire(app, browser, section):
    name = lucas(app)[0]
    url = "/manage/familles/%s/enfants/%s/@@modifier-%s" % (NUMERO, name, section)
    return browser.get(url).forms["deform"]


def test_the_family_file_shows_everything_by_name(shared, agent):
    avant = len(entrees(shared, journal.LECTURE))
    page = agent.get(FICHE)
    vu = texte(page)
    # the record, the conjoint, the child with age and class
    for attendu in ("DUPONT", "JEANNE", "12 RUE DES BONBONS", "jean.dupont@wanadoo.fr", "1234567"):
        assert attendu in vu, attendu
    enfant = page.html.select_one("article.enfant-fiche")
    assert "LUCAS DUPONT" in enfant.get_text() and " ans" in enfant.get_text()
    assert "CE1" in enfant.get_text()
    # inscriptions, this month's planning, requests, messages, the account
    assert enfant.select(".inscriptions li")
    assert enfant.select(".planning-fiche")
    assert page.html.select_one("#titre-demandes") and page.html.select_one("#titre-messages")

    # the balance is the statement's of the school year, as the régie's tab says
    def solde(root, registry):
        debut, fin = compte.annee_scolaire(dates.today())
        return euros(compte.releve(root["familles"][NUMERO], debut, fin)["solde"])

    assert page.html.select_one(".compte-fiche .solde").get_text() == with_root(shared.app, solde)
    # names, never the child's internal id in what is read
    name, oid, _s, _a = lucas(shared)
    assert name not in vu
    # health data shown: one audit entry for LUCAS, by the agent
    lectures = entrees(shared, journal.LECTURE)
    assert len(lectures) == avant + 1
    assert lectures[0]["qui"] == "agent" and lectures[0]["quoi"] == "sanitaires"
    assert lectures[0]["enfant"] == oid and lectures[0]["famille"] == NUMERO
    # the links to change them
    assert enfant.select_one('a[href$="@@modifier-sanitaires"]')
    assert enfant.select_one('a[href$="@@modifier-autorisations"]')
    # and to book or cancel a day for the family (on the phone)
    reserver = enfant.select_one('a[href$="@@reserver"]')
    assert reserver and "LUCAS" in reserver.get_text()
    assert agent.get(reserver["href"]).status_int == 200


def test_the_file_is_the_family_first_tab_and_the_search_leads_to_it(shared, agent):
    page = agent.get("/manage/familles/%s/" % NUMERO)
    assert page.status_int == 302 and page.location.endswith("@@fiche")
    resultats = agent.get("/manage/@@recherche", {"q": "dup"})
    lien = resultats.html.select_one(".resultats-recherche tbody a")["href"]
    assert lien.endswith("/manage/familles/%s/@@fiche" % NUMERO)


def test_a_regisseur_sees_no_health_data_and_changes_nothing(shared, regisseur):
    avant = len(entrees(shared, journal.LECTURE))
    page = regisseur.get(FICHE)
    assert not page.html.select(".sanitaires")
    assert "Données sanitaires" not in texte(page)
    assert not page.html.select('a[href*="@@modifier-"]')
    assert not page.html.select('a[href$="@@reserver"]')
    # the account is shown to the régie
    assert page.html.select_one(".compte-fiche")
    assert len(entrees(shared, journal.LECTURE)) == avant
    name = lucas(shared)[0]
    base = "/manage/familles/%s/enfants/%s/" % (NUMERO, name)
    regisseur.get(base + "@@modifier-sanitaires", status=403)
    regisseur.get(base + "@@modifier-autorisations", status=403)


def test_no_family_file_for_an_editor_nor_another_family(editeur, martin):
    editeur.get(FICHE, status=403)
    assert "DUPONT" not in martin.get(FICHE, status="*").text


def test_an_agent_changes_an_allergy_with_a_reason(app):
    agent = staff(app, "agent")
    form = formulaire(app, agent, "sanitaires")
    # the form shows the health data: its opening is audited
    (lecture,) = [e for e in entrees(app, journal.LECTURE) if "modifier" in e["ecran"]]
    assert lecture["quoi"] == "sanitaires" and lecture["enfant"] == lucas(app)[1]
    form["allergies"] = "Arachide"
    form["motif"] = "Appel de la mère, 7 décembre"
    page = form.submit("enregistrer", status=302)
    assert page.location.endswith("@@fiche#enfant-1")
    _n, oid, sanitaires, _a = lucas(app)
    assert sanitaires["allergies"] == "Arachide"
    (action,) = [e for e in entrees(app, journal.ACTION) if e["quoi"] == "SanitairesModifiees"]
    assert action["qui"] == "agent" and action["famille"] == NUMERO and action["enfant"] == oid
    assert action["details"] == {"motif": "Appel de la mère, 7 décembre", "champs": "Allergies"}
    # the change is audited as a read is (the form's opening, then the change)
    lectures = [e for e in entrees(app, journal.LECTURE) if "modifier" in e["ecran"]]
    assert len(lectures) == 2 and all(e["enfant"] == oid for e in lectures)
    fiche = agent.get(page.location)
    assert "Arachide" in texte(fiche)


def test_no_reason_or_bad_input_changes_nothing(app):
    agent = staff(app, "agent")
    avant = lucas(app)[2]
    form = formulaire(app, agent, "sanitaires")
    form["allergies"] = "Gluten"
    form["motif"] = "   "
    page = form.submit("enregistrer", status=400)
    assert "Indiquez le motif de la modification." in page.text
    form = page.forms["deform"]
    form["motif"] = "Certificat reçu"
    form["date_dernier_rappel"] = "31/02/2020"
    page = form.submit("enregistrer", status=400)
    assert page.html.select(".has-error") or "error" in page.text
    assert lucas(app)[2] == avant
    assert not [e for e in entrees(app, journal.ACTION) if e["quoi"] == "SanitairesModifiees"]


def test_an_agent_adds_an_authorised_person(app):
    agent = staff(app, "agent")
    name = lucas(app)[0]
    url = "/manage/familles/%s/enfants/%s/@@modifier-autorisations" % (NUMERO, name)
    page = agent.get(url)
    token = page.forms["deform"]["_csrf_token_"].value
    base = [
        ("_csrf_token_", token),
        ("__start__", "personnes_autorisees:sequence"),
        ("__start__", "personne:mapping"),
        ("nom", "BERNARD"),
        ("prenom", "PAUL"),
        ("lien", "Grand-père"),
        ("telephone", "%s"),
        ("__end__", "personne:mapping"),
        ("__end__", "personnes_autorisees:sequence"),
        ("partir_seul", "Non"),
        ("photos", "Oui"),
        ("soins_urgence", "Oui"),
        ("motif", "Demande au guichet"),
        ("enregistrer", "enregistrer"),
    ]

    def post(telephone, status):
        fields = [(k, v % telephone if v == "%s" else v) for k, v in base]
        return agent.post(url, fields, status=status)

    page = post("", 400)
    assert "Indiquez le téléphone de la personne." in page.text
    assert lucas(app)[3].get("personnes_autorisees") in (None, [])
    post("06 12 34 56 78", 302)
    autorisations = lucas(app)[3]
    (personne,) = autorisations["personnes_autorisees"]
    assert personne["nom"] == "BERNARD" and autorisations["photos"] == "Oui"
    (action,) = [e for e in entrees(app, journal.ACTION) if e["quoi"] == "AutorisationsModifiees"]
    assert action["details"] == {
        "motif": "Demande au guichet",
        "champs": "Personnes autorisées à venir chercher l'enfant, Autorisation de partir seul, "
        "Autorisation photos, Autorisation de soins d'urgence",
    }
    # the Journal tab names the action and shows the reason
    journal_tab = staff(app, "admin").get("/manage/@@journal")
    assert "Autorisations modifiées par le service" in journal_tab.text
    assert "Demande au guichet" in journal_tab.text


def test_a_post_without_csrf_token_changes_nothing(app):
    agent = staff(app, "agent")
    name = lucas(app)[0]
    url = "/manage/familles/%s/enfants/%s/@@modifier-sanitaires" % (NUMERO, name)
    page = agent.post(
        url, {"allergies": "Lait", "motif": "x", "enregistrer": "enregistrer"}, status=400
    )
    assert "Lait" not in page.text
    assert lucas(app)[2].get("allergies") != "Lait"


def test_evolve_step27_gives_agents_the_new_permission(app):
    def agents_may(root):
        agents = group_oid(root, "agents")
        return any(
            ace[0] == Allow and ace[1] == agents and P.SANTE_MODIFIER in ace[2]
            for ace in get_acl(root["familles"])
        )

    def before(root, registry):
        # the ACL a database made before the permission existed holds
        agents = group_oid(root, "agents")
        acl = [
            (a, who, tuple(p for p in perms if p != P.SANTE_MODIFIER))
            if who == agents
            else (a, who, perms)
            for a, who, perms in get_acl(root["familles"])
        ]
        set_acl(root["familles"], acl, registry=registry)
        return agents_may(root)

    assert with_root(app.app, before) is False
    with_root(app.app, step27.evolve)
    assert with_root(app.app, lambda root, registry: agents_may(root)) is True
