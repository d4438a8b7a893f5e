"""Mes enfants (issue 4, "Children (parent)"): the children's list, each
child's file with its left menu, the requests Autorisations, Données
sanitaires and Nouvel enfant, processed by agents in the SDI."""

import datetime
import re

import webtest

from portail_famille.demandes import service
from portail_famille.demandes.resources import ACCEPTEE, EN_ATTENTE, REFUSEE, REMPLACEE
from portail_famille.demo import COMPTES, DUPONT, MARTIN

from ..conftest import DUPONT_URL, MARTIN_URL, login, with_root

NUMERO = DUPONT["numero"]


def browser_for(app, login_name):
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(browser, login_name, COMPTES[login_name][0])
    return browser


def enfants(app, numero=NUMERO):
    """{prénom: (__name__, identity, autorisations, sanitaires)}."""

    def read(root, registry):
        return {
            e.prenom: (
                e.__name__,
                (e.nom, e.sexe, e.date_naissance, e.ecole, e.classe),
                dict(e.autorisations),
                dict(e.sanitaires),
            )
            for e in root["familles"][numero]["enfants"].values()
        }

    return with_root(app.app, read)


def demandes(app, numero=NUMERO):
    def read(root, registry):
        found = [
            (d.type_demande, d.etat, d.enfant, dict(d.valeurs), d.__name__)
            for d in root["familles"][numero]["demandes"].values()
        ]
        return sorted(found, key=lambda d: d[4])

    return with_root(app.app, read)


def lucas_url(app):
    return DUPONT_URL + "enfants/%s/" % enfants(app)["LUCAS"][0]


def main(page):
    return page.html.find("main")


def errors(page):
    return [p.get_text(strip=True) for p in main(page).select(".has-error p.erreur")]


def traiter(app, agent, demande_name, **post):
    url = "/manage/familles/%s/demandes/%s/@@traiter" % (NUMERO, demande_name)
    page = agent.get(url)
    queue = agent.get("/manage/@@demandes")  # its token, when @@traiter shows no form
    token = re.search(r'name="csrf_token" value="([^"]+)"', queue.text).group(1)
    return page, agent.post(url, dict(post, csrf_token=token), expect_errors=True)


# --- Pages ----------------------------------------------------------------------


def test_mes_enfants_lists_the_children_and_opens_the_file(shared, dupont):
    page = dupont.get(DUPONT_URL)
    menu = [a.get_text() for a in page.html.select("nav.menu a")]
    assert menu[:6] == [
        "Accueil",
        "Mon compte",
        "Mes enfants",
        "Relevé de compte",
        "Boîte de réception",
        "Liste des demandes",
    ]
    page = dupont.get(DUPONT_URL + "mes-enfants")
    rows = [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in main(page).select("table.enfants tbody tr")
    ]
    assert rows == [["LUCAS", "DUPONT", "14/05/2008", "École élémentaire Jules Ferry", "CE1"]]
    assert main(page).select_one('a[href="%sajouter-un-enfant"]' % DUPONT_URL)
    fiche = page.click("LUCAS")
    assert fiche.request.path == lucas_url(shared)
    left = [(a.get_text(), a.get("aria-current")) for a in main(fiche).select("nav.menu-enfant a")]
    assert left == [
        ("Identité", "page"),
        ("Autorisations", None),
        ("Données sanitaires", None),
        ("Inscriptions", None),
        ("Planning", None),
    ]
    assert "CE1" in main(fiche).get_text() and "Garçon" in main(fiche).get_text()
    for title, view in (
        ("Autorisations", "autorisations"),
        ("Données sanitaires", "donnees-sanitaires"),
    ):
        section = fiche.click(title, href=view)
        assert main(section).h2.get_text(strip=True) == title
        current = main(section).select_one('nav.menu-enfant a[aria-current="page"]')
        assert current.get_text() == title
        assert section.html.select_one("a.modifier")
    # Only the family's own children.
    assert "CHLOÉ" not in dupont.get(DUPONT_URL + "mes-enfants").text


def test_another_family_gets_404_and_cannot_ask(shared, dupont, martin):
    lucas = lucas_url(shared)
    before = demandes(shared)
    for path in (
        "mes-enfants",
        "ajouter-un-enfant",
        "enfants/%s/" % enfants(shared)["LUCAS"][0],
    ):
        response = martin.get(DUPONT_URL + path, status=404)
        assert "LUCAS" not in response.text and "BONBONS" not in response.text
    for view in (
        "",
        "autorisations",
        "donnees-sanitaires",
        "demande-autorisations",
        "demande-sanitaires",
    ):
        assert "LUCAS" not in martin.get(lucas + view, status=404).text
    chloe = enfants(shared, MARTIN["numero"])["CHLOÉ"][0]
    token = martin.get(MARTIN_URL + "enfants/%s/demande-sanitaires" % chloe).forms["demande"]
    token = token["_csrf_token_"].value
    for view, data in (
        ("demande-sanitaires", {"allergies": "PIRATE"}),
        ("demande-autorisations", {"photos": "Oui"}),
    ):
        martin.post(lucas + view, dict(data, _csrf_token_=token, __formid__="demande"), status=404)
    martin.post(
        DUPONT_URL + "ajouter-un-enfant",
        {"_csrf_token_": token, "nom": "PIRATE", "prenom": "X", "date_naissance": "01/01/2020"},
        status=404,
    )
    assert demandes(shared) == before


# --- Requests, end to end -----------------------------------------------------------


def test_sanitaires_request_accepted_by_an_agent(app):
    parent = browser_for(app, "jean.dupont")
    lucas = lucas_url(app)
    form = parent.get(lucas + "demande-sanitaires").forms["demande"]
    form["allergies"] = "Arachide"
    form["regime_alimentaire"] = "Sans porc"
    form["pai"] = "Oui"
    form["pai_precisions"] = "Trousse d'urgence"
    form["medecin_nom"] = "Dr MARTEL"
    form["medecin_telephone"] = "05 61 00 00 02"
    form["vaccinations_a_jour"] = "Oui"
    form["date_dernier_rappel"] = "12/03/2014"
    form["lunettes"] = "Oui"
    response = form.submit("enregistrer", status=302)
    assert response.location.endswith(lucas + "donnees-sanitaires")
    ((kind, etat, enfant, valeurs, name),) = demandes(app)
    assert (kind, etat, enfant) == ("sanitaires", EN_ATTENTE, enfants(app)["LUCAS"][0])
    assert valeurs["medecin_telephone"] == "05.61.00.00.02"
    assert valeurs["date_dernier_rappel"] == datetime.date(2014, 3, 12)
    assert enfants(app)["LUCAS"][3] == {}  # record unchanged
    page = response.follow()
    assert "Demande en attente depuis le" in main(page).get_text()
    # The list: Mes enfants tab, filter, the child's first name.
    liste = parent.get(DUPONT_URL + "liste-des-demandes?onglet=enfants&type=sanitaires")
    assert "LUCAS" in main(liste).select_one("#titre-en-attente").find_next("table").get_text()
    # The agent sees the child's name and accepts.
    agent = browser_for(app, "agent")
    queue = agent.get("/manage/@@demandes")
    assert "LUCAS DUPONT" in queue.text
    page, done = traiter(app, agent, name, accepter="1")
    assert "LUCAS DUPONT" in page.text and "Arachide" in page.text
    assert done.status_int == 302
    sanitaires = enfants(app)["LUCAS"][3]
    assert sanitaires["regime_alimentaire"] == "Sans porc"
    assert sanitaires["pai"] == "Oui" and sanitaires["lunettes"] == "Oui"
    assert demandes(app)[0][1] == ACCEPTEE
    page = parent.get(lucas + "donnees-sanitaires")
    assert "Sans porc" in main(page).get_text() and "12/03/2014" in main(page).get_text()


def test_autorisations_request_with_persons_and_refusal(app):
    parent = browser_for(app, "jean.dupont")
    lucas = lucas_url(app)
    form = parent.get(lucas + "demande-autorisations").forms["demande"]
    form.set("nom", "DUPONT", index=0)
    form.set("prenom", "MARCEL", index=0)
    form.set("lien", "Grand-père", index=0)
    form.set("telephone", "+33 6 12 34 56 78", index=0)
    form["partir_seul"] = "Non"
    form["photos"] = "Oui"
    form["soins_urgence"] = "Oui"
    form.submit("enregistrer", status=302)
    ((kind, etat, _enfant, valeurs, name),) = demandes(app)
    assert valeurs == {
        "personnes_autorisees": [
            {
                "nom": "DUPONT",
                "prenom": "MARCEL",
                "lien": "Grand-père",
                "telephone": "06.12.34.56.78",
            }
        ],
        "partir_seul": "Non",
        "photos": "Oui",
        "soins_urgence": "Oui",
    }
    assert enfants(app)["LUCAS"][2] == {}
    agent = browser_for(app, "agent")
    _page, done = traiter(app, agent, name, refuser="1", motif="Pièce manquante")
    assert done.status_int == 302
    assert demandes(app)[0][1] == REFUSEE
    assert enfants(app)["LUCAS"][2] == {}
    liste = parent.get(DUPONT_URL + "liste-des-demandes?onglet=enfants")
    assert "Pièce manquante" in liste.text
    # Asked again, accepted: the child's record changes.
    form = parent.get(lucas + "demande-autorisations").forms["demande"]
    form.set("nom", "DUPONT", index=0)
    form.set("telephone", "0612345678", index=0)
    form["photos"] = "Non"
    form.submit("enregistrer", status=302)
    name = [d for d in demandes(app) if d[1] == EN_ATTENTE][0][4]
    _page, done = traiter(app, agent, name, accepter="1")
    assert done.status_int == 302
    autorisations = enfants(app)["LUCAS"][2]
    assert autorisations["photos"] == "Non"
    assert autorisations["personnes_autorisees"] == [
        {"nom": "DUPONT", "prenom": "", "lien": "", "telephone": "06.12.34.56.78"}
    ]
    page = parent.get(lucas + "autorisations")
    assert "06.12.34.56.78" in main(page).select_one("ul.personnes").get_text()


def test_nouvel_enfant_created_when_accepted(app):
    parent = browser_for(app, "jean.dupont")
    page = parent.get(DUPONT_URL + "mes-enfants").click(href="ajouter-un-enfant")
    form = page.forms["demande"]
    form["nom"] = "DUPONT"
    form["prenom"] = "LÉA"
    form["sexe"] = "F"
    form["date_naissance"] = "02/09/2021"
    form["ecole"] = "École maternelle"
    response = form.submit("enregistrer", status=302)
    assert response.location.endswith(DUPONT_URL + "mes-enfants")
    assert set(enfants(app)) == {"LUCAS"}
    ((kind, etat, _enfant, valeurs, name),) = demandes(app)
    assert (kind, etat, valeurs["date_naissance"]) == (
        "nouvel_enfant",
        EN_ATTENTE,
        datetime.date(2021, 9, 2),
    )
    liste = parent.get(DUPONT_URL + "liste-des-demandes?onglet=enfants&type=nouvel_enfant")
    assert "LÉA" in main(liste).get_text()
    agent = browser_for(app, "agent")
    _page, done = traiter(app, agent, name, accepter="1")
    assert done.status_int == 302
    lea = enfants(app)["LÉA"]
    assert lea[1] == ("DUPONT", "F", datetime.date(2021, 9, 2), "École maternelle", "")
    assert "LÉA" in main(parent.get(DUPONT_URL + "mes-enfants")).get_text()


def test_a_regisseur_cannot_process_a_child_request(app):
    # (A health data request he cannot even read: test_sante_minimisation.)
    parent = browser_for(app, "jean.dupont")
    form = parent.get(lucas_url(app) + "demande-autorisations").forms["demande"]
    form.set("nom", "DUPONT", index=0)
    form.set("telephone", "0612345678", index=0)
    form["photos"] = "Oui"
    form.submit("enregistrer", status=302)
    name = demandes(app)[0][4]
    regisseur = browser_for(app, "regisseur")
    page, done = traiter(app, regisseur, name, accepter="1")
    assert "pas la traiter" in page.text
    assert done.status_int == 403
    assert demandes(app)[0][1] == EN_ATTENTE
    assert enfants(app)["LUCAS"][2] == {}


# --- Validation -----------------------------------------------------------------


def test_invalid_values_are_refused_in_french_beside_the_field(shared, dupont):
    before = demandes(shared)
    lucas = lucas_url(shared)
    form = dupont.get(lucas + "demande-sanitaires").forms["demande"]
    form["medecin_telephone"] = "01 02 03"
    form["regime_alimentaire"].force_value("Halal")
    form["date_dernier_rappel"] = "31/02/2014"
    page = form.submit("enregistrer", status=200)
    assert errors(page) == [
        "Choisissez l'une des valeurs proposées.",
        "Numéro de téléphone invalide : 10 chiffres commençant par 0 (par exemple 01.02.03.04.05).",
        "Date invalide : saisissez-la sous la forme JJ/MM/AAAA (par exemple 14/09/2015).",
    ]
    assert main(page).select_one("#item-champ-medecin_telephone p.erreur")
    assert main(page).select_one("#item-champ-regime_alimentaire p.erreur")
    options = [o["value"] for o in main(page).select("#champ-regime_alimentaire option")]
    assert options == ["", "Aucun", "Sans porc", "Sans viande", "Végétarien"]
    form = dupont.get(lucas + "demande-autorisations").forms["demande"]
    form.set("nom", "DUPONT", index=0)
    form.set("telephone", "12345", index=0)
    form.set("prenom", "SANS NOM", index=1)
    page = form.submit("enregistrer", status=200)
    summary = [li.get_text(strip=True) for li in main(page).select(".resume-erreurs li")]
    assert summary == [
        "Personnes autorisées à venir chercher l'enfant : vérifiez les lignes signalées."
    ]
    assert errors(page) == [
        "Numéro de téléphone invalide : 10 chiffres commençant par 0 (par exemple 01.02.03.04.05).",
        "Indiquez le nom de la personne.",
        "Indiquez le téléphone de la personne.",
    ]
    page = dupont.get(DUPONT_URL + "ajouter-un-enfant").forms["demande"].submit("enregistrer")
    assert errors(page) == [
        "Indiquez le nom de l'enfant.",
        "Indiquez le prénom de l'enfant.",
        "Indiquez la date de naissance (JJ/MM/AAAA).",
    ]
    assert demandes(shared) == before
    assert re.search(r"<script|\son[a-z]+=", main(page).decode(), re.I) is None


def test_a_pending_request_is_replaced_for_the_same_child_only(app):
    lucas = enfants(app)["LUCAS"][0]

    def ask(root, registry):
        famille = root["familles"][NUMERO]
        famille["enfants"].add_next(registry.content.create("Enfant", prenom="ZOÉ", nom="DUPONT"))
        zoe = [n for n, e in famille["enfants"].items() if e.prenom == "ZOÉ"][0]
        deposer = service.deposer
        deposer(famille, "sanitaires", {"allergies": "A"}, "jean.dupont", registry, enfant=lucas)
        deposer(famille, "sanitaires", {"allergies": "B"}, "jean.dupont", registry, enfant=zoe)
        _d, remplacee = deposer(
            famille, "sanitaires", {"allergies": "C"}, "jean.dupont", registry, enfant=lucas
        )
        return remplacee.valeurs

    assert with_root(app.app, ask) == {"allergies": "A"}
    etats = sorted((d[3]["allergies"], d[1]) for d in demandes(app))
    assert etats == [("A", REMPLACEE), ("B", EN_ATTENTE), ("C", EN_ATTENTE)]


def test_evolve_step3_gives_old_children_their_sections(app):
    from portail_famille.evolve import step3

    def old_child(root, registry):
        for enfant in root["familles"][NUMERO]["enfants"].values():
            del enfant.autorisations, enfant.sanitaires  # as stored before
            assert dict(enfant.sanitaires) == {}  # read empty
        step3.evolve(root, registry)
        enfant = next(iter(root["familles"][NUMERO]["enfants"].values()))
        enfant.sanitaires["lunettes"] = "Oui"
        return "autorisations" in enfant.__dict__, dict(type(enfant).sanitaires)

    assert with_root(app.app, old_child) == (True, {})
    assert enfants(app)["LUCAS"][3] == {"lunettes": "Oui"}
