"""RGPD minimisation (issue 8): a child's health data is read by the family's
parents, agents (canteen, activities) and administrators, never by a
régisseur, on any screen: the child's "Données sanitaires" page, the staff's
queue of requests and one request's page, the family's "Liste des
demandes", the SDI sheet of the child, the day screens, the RGPD export.
Evolve step11 gives older databases the new permission."""

import re

from pyramid.security import Allow
from substanced.util import set_acl

from portail_famille import dates, journal
from portail_famille.demandes import service
from portail_famille.demo import COMPTES, DUPONT
from portail_famille.evolve import STEPS, step11
from portail_famille.journal import audit
from portail_famille.security import GROUPE_AGENTS, GROUPE_REGISSEURS, P, group_oid

from ..conftest import ADMIN, login, with_root
from .conftest import client
from .test_effectifs import EFFECTIFS, POINTAGE, lucas

NUMERO = DUPONT["numero"]
FAMILLE = "/familles/%s/" % NUMERO
# LUCAS's health data (the demo has none: set here), then what a pending
# request asks for.
SANTE = {
    "allergies": "arachide-minimisation",
    "pai": "Oui",
    "pai_precisions": "inhalateur-minimisation",
    "medecin_nom": "DOCTEUR-MINIMISATION",
}
DEMANDE = {"allergies": "pollen-minimisation", "medecin_nom": "DOCTEUR-NOUVEAU"}
VALEURS = tuple(SANTE[k] for k in ("allergies", "pai_precisions", "medecin_nom")) + tuple(
    DEMANDE.values()
)
MASQUEE = "Données sanitaires : non affichées"


def browser(app, role):
    found = client(app)
    login(found, role, ADMIN[1] if role == "admin" else COMPTES[role][0])
    return found


def preparer(app):
    """LUCAS's health data and a pending health request: (child's name,
    the request's @@traiter URL)."""

    def make(root, registry):
        famille = root["familles"][NUMERO]
        enfant = next(iter(famille["enfants"].values()))
        enfant.section_modifiable("sanitaires").update(SANTE)
        demande, _old = service.deposer(
            famille, "sanitaires", DEMANDE, "jean.dupont", registry, enfant=enfant.__name__
        )
        return enfant.__name__, "/manage/familles/%s/demandes/%s/@@traiter" % (
            NUMERO,
            demande.__name__,
        )

    return with_root(app.app, make)


def aucune_valeur(text):
    return [v for v in VALEURS if v in text]


def csrf_sdi(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def entrees_sante(app, qui):
    def read(root, registry):
        found, _suite = journal.lire(root, genre=journal.LECTURE, limite=100_000)
        return [e for e in found if e["qui"] == qui and e["quoi"] == audit.SANITAIRES]

    return with_root(app.app, read)


def test_a_regisseur_reads_no_health_data_on_any_screen(app, monkeypatch):
    enfant, traiter = preparer(app)
    regisseur = browser(app, "regisseur")
    lucas_url = FAMILLE + "enfants/%s/" % enfant

    # The child's page: 403 (GET and POST); no link to it in the child's menu.
    queue = regisseur.get("/manage/@@demandes")
    token = csrf_sdi(queue)
    for method in ("get", "post"):
        page = getattr(regisseur, method)(lucas_url + "donnees-sanitaires", status=403)
        assert aucune_valeur(page.text) == []
    identite = regisseur.get(lucas_url)
    assert "LUCAS" in identite.text
    assert "donnees-sanitaires" not in identite.text

    # The request's own page: 403, shown or processed.
    assert aucune_valeur(regisseur.get(traiter, status=403).text) == []
    for action in ("accepter", "refuser"):
        page = regisseur.post(traiter, {"csrf_token": token, action: "1", "motif": "x"}, status=403)
        assert aucune_valeur(page.text) == []

    # The queue: the row is there (he sees the work pending), its values not.
    assert "LUCAS" in queue.text and MASQUEE in queue.text
    assert aucune_valeur(queue.text) == []
    # ... and no "Traiter" link to a page that would refuse him.
    assert traiter not in queue.text
    filtered = regisseur.get("/manage/@@demandes", {"type": "sanitaires"})
    assert MASQUEE in filtered.text and aucune_valeur(filtered.text) == []

    # The family's "Liste des demandes".
    liste = regisseur.get(FAMILLE + "liste-des-demandes", {"onglet": "enfants"})
    assert MASQUEE in liste.text and aucune_valeur(liste.text) == []
    liste = regisseur.get(
        FAMILLE + "liste-des-demandes", {"onglet": "enfants", "type": "sanitaires"}
    )
    assert aucune_valeur(liste.text) == []

    # The SDI: the child's sheet, the family's sheets, the request's folder.
    for url in (
        "/manage/familles/%s/enfants/%s/@@properties" % (NUMERO, enfant),
        "/manage/familles/%s/@@properties" % NUMERO,
        "/manage/familles/%s/demandes/@@contents" % NUMERO,
    ):
        assert aucune_valeur(regisseur.get(url, expect_errors=True).text) == []

    # The day screens with the health alerts: agents only.
    _oid, (day, _second) = lucas(app)
    monkeypatch.setattr(dates, "today", lambda: day)
    for screen in (EFFECTIFS, POINTAGE):
        page = regisseur.get(screen + "?date=" + day.isoformat(), status=403)
        assert aucune_valeur(page.text) == []

    # The RGPD export: the family and administrators only.
    for name in ("mes-donnees.json", "mes-donnees.pdf"):
        assert aucune_valeur(regisseur.get(FAMILLE + name, status=403).text) == []

    # Nothing read, nothing audited.
    assert entrees_sante(app, "regisseur") == []


def test_agents_administrators_and_the_parents_still_read_it(app, monkeypatch):
    enfant, traiter = preparer(app)
    lucas_url = FAMILLE + "enfants/%s/" % enfant
    for role in ("agent", "admin"):
        staff = browser(app, role)
        page = staff.get(lucas_url + "donnees-sanitaires")
        assert SANTE["allergies"] in page.text and SANTE["medecin_nom"] in page.text
        assert "donnees-sanitaires" in staff.get(lucas_url).text
        page = staff.get(traiter)
        assert DEMANDE["allergies"] in page.text and SANTE["allergies"] in page.text
        queue = staff.get("/manage/@@demandes")
        assert DEMANDE["allergies"] in queue.text and MASQUEE not in queue.text
        assert traiter in queue.text
        liste = staff.get(FAMILLE + "liste-des-demandes", {"onglet": "enfants"})
        assert DEMANDE["allergies"] in liste.text and MASQUEE not in liste.text
        assert entrees_sante(app, role) != []
    # The agent's day screens show the alerts.
    agent = browser(app, "agent")
    _oid, (day, _second) = lucas(app)
    monkeypatch.setattr(dates, "today", lambda: day)
    for screen in (EFFECTIFS, POINTAGE):
        assert SANTE["allergies"] in agent.get(screen + "?date=" + day.isoformat()).text
    # The agent processes the request: LUCAS's record changes.
    page = agent.get(traiter)
    agent.post(traiter, {"csrf_token": csrf_sdi(page), "accepter": "1"}, status=302)

    def allergies(root, registry):
        return root["familles"][NUMERO]["enfants"][enfant].sanitaires.get("allergies")

    assert with_root(app.app, allergies) == DEMANDE["allergies"]

    parent = browser(app, "jean.dupont")
    page = parent.get(lucas_url + "donnees-sanitaires")
    assert DEMANDE["allergies"] in page.text and SANTE["pai_precisions"] in page.text
    liste = parent.get(FAMILLE + "liste-des-demandes", {"onglet": "enfants"})
    assert DEMANDE["allergies"] in liste.text and MASQUEE not in liste.text
    assert DEMANDE["allergies"] in parent.get(FAMILLE + "mes-donnees.json").text
    # Nobody logged in: to the login page.
    client(app).get(lucas_url + "donnees-sanitaires", status=302)


def _sans_sante(ace):
    action, principal, permissions = ace
    if isinstance(permissions, (tuple, list)):
        permissions = tuple(p for p in permissions if p != P.SANTE_VOIR)
    return (action, principal, permissions)


def test_evolve_step11_grants_the_permission_on_an_existing_database(app):
    assert "step11" in STEPS
    enfant, _traiter = preparer(app)
    url = FAMILLE + "enfants/%s/donnees-sanitaires" % enfant

    def older(root, registry):
        for target in (root["familles"], root["familles"][NUMERO]):
            set_acl(target, [_sans_sante(ace) for ace in target.__acl__], registry=registry)

    with_root(app.app, older)
    agent, parent = browser(app, "agent"), browser(app, "jean.dupont")
    regisseur = browser(app, "regisseur")
    agent.get(url, status=403)
    parent.get(url, status=404)

    def holders(root, registry):
        agents, regisseurs = group_oid(root, GROUPE_AGENTS), group_oid(root, GROUPE_REGISSEURS)
        found = set()
        for target in (root["familles"], root["familles"][NUMERO]):
            for action, principal, permissions in target.__acl__:
                if action == Allow and P.SANTE_VOIR in permissions:
                    found.add({agents: "agents", regisseurs: "regisseurs"}.get(principal, "parent"))
        return found

    assert with_root(app.app, holders) == set()
    with_root(app.app, step11.evolve)
    assert with_root(app.app, holders) == {"agents", "parent"}
    assert SANTE["allergies"] in agent.get(url).text
    assert SANTE["allergies"] in parent.get(url).text
    regisseur.get(url, status=403)
    # Run again: nothing changes.
    with_root(app.app, step11.evolve)
    assert with_root(app.app, holders) == {"agents", "parent"}
