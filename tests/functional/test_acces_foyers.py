"""The other household of a shared child (issue 21: JEANNE LAFOND, whose
household shares LUCAS with DUPONT's) replays every URL of every object
DUPONT's household owns, as MARTIN does in test_acces_familles: with GET
and POST, each view registered for it.

- Outside the shared child (DUPONT's record, requests, conversations and
  attachments, invoices and PDFs, credit notes, payments, statement, his
  data, accounts page): 302/403/404, nothing of DUPONT's household shown,
  nothing committed.
- The shared child's own pages (identity, health, authorisations,
  inscriptions, planning, agenda): hers to see, but they show nothing of
  DUPONT's household (address, phone, invoices, requests, messages), and
  a POST commits nothing but her own planning feed's token (DUPONT's
  keeps working).
- Her own pages that name the shared child (Mes données, the message
  pre-filled about one of its days): nothing of DUPONT's household.
- Once staff stopped the garde alternée: every URL of DUPONT's, the
  child's included, is 302/403/404 for her, and shows nothing of it."""

import json

import pytest

from portail_famille.demo import COMPTES, DUPONT, JEANNE_FOYER
from portail_famille.familles import partage
from portail_famille.planning import ical

from ..conftest import _role_app, csrf, with_root
from . import acces
from .test_acces_familles import HOSTILE, _urls_de_dupont

pytestmark = pytest.mark.lent

# What only DUPONT's household may show (JEANNE's own name and LUCAS's
# are hers to see too).
SECRETS_FOYER = (
    "12 RUE DES BONBONS",
    "01.02.03.04.05",
    "jean.dupont@wanadoo.fr",
    "AL-12",
    "AL-36",
    "AL-228",
    "7654321",
    "Ci-joint",
)
SECRETS_HORS_ENFANT = SECRETS_FOYER + ("LUCAS", DUPONT["numero"])


@pytest.fixture(scope="module")
def dupont_pret(shared, dupont):
    return acces.preparer_dupont(shared, dupont)


@pytest.fixture(scope="module")
def jeanne(shared):
    return _role_app(shared, "jeanne.lafond", COMPTES["jeanne.lafond"][0])


def _probleme(response, url, methode, secrets):
    where = "%s %s -> %s" % (methode, url, response.status)
    text = response.body.decode("utf-8", "replace").replace(url, "")
    found = [secret for secret in secrets if secret in text]
    return ["%s shows %s" % (where, found)] if found else []


def test_the_other_household_replays_every_url_of_dupont(shared, dupont_pret, dupont, jeanne):
    child, _conversation, jeton_dupont = dupont_pret
    page = jeanne.get(child + "agenda")
    feed = jeanne.post(child + "agenda", {"csrf_token": csrf(page)})
    jeton_jeanne = acces.JETON_ICAL.search(feed.text).group(1)
    assert jeanne.get(child + "planning.ics?jeton=" + jeton_jeanne).status_int == 200

    urls = _urls_de_dupont(shared, jeton_jeanne)
    assert any(u.startswith(child) for u, _ in urls) and len(urls) > 80
    token = acces.jeton_de(jeanne)
    problemes = []
    vues_enfant = 0
    for url, _vue in urls:
        avant = acces.derniere_transaction(shared)
        fields = dict(HOSTILE, csrf_token=token, _csrf_token_=token)
        get = jeanne.get(url, expect_errors=True)
        post = jeanne.post(url, fields, expect_errors=True)
        if url.startswith(child):
            # the shared child: its pages, nothing of DUPONT's household
            vues_enfant += get.status_int == 200
            for response, methode in ((get, "GET"), (post, "POST")):
                problemes += _probleme(response, url, methode, SECRETS_FOYER)
                if response.status_int == 302 and "/familles/%s/" % DUPONT["numero"] in (
                    response.location or ""
                ).replace(child, ""):
                    problemes.append("%s %s -> %s" % (methode, url, response.location))
            if acces.derniere_transaction(shared) != avant and not url.endswith("/agenda"):
                problemes.append("GET/POST %s committed" % url)
            continue
        for response, methode in ((get, "GET"), (post, "POST")):
            if response.status_int not in (302, 403, 404):
                problemes.append("%s %s -> %s" % (methode, url, response.status))
            if response.status_int == 302 and DUPONT["numero"] in response.location:
                problemes.append("%s %s -> %s" % (methode, url, response.location))
            problemes += _probleme(response, url, methode, SECRETS_HORS_ENFANT)
        if acces.derniere_transaction(shared) != avant:
            problemes.append("GET/POST %s committed" % url)
    assert not problemes, "\n".join(problemes)
    assert vues_enfant >= 5, vues_enfant

    # DUPONT's own feed token still opens the child; hers is her household's.
    assert dupont.get(child + "planning.ics?jeton=" + jeton_dupont).status_int == 200
    feed = jeanne.post(child + "agenda", {"csrf_token": csrf(jeanne.get(child + "agenda"))})
    jeton_jeanne = acces.JETON_ICAL.search(feed.text).group(1)

    def jetons(root, registry):
        foyer = root["familles"][JEANNE_FOYER["numero"]]
        famille = root["familles"][DUPONT["numero"]]
        return (
            ical.jeton_valide(foyer, jeton_jeanne),
            ical.jeton_valide(famille, jeton_jeanne),
            ical.jeton_valide(famille, jeton_dupont),
        )

    assert with_root(shared.app, jetons) == (True, False, True)


def test_dupont_reaches_nothing_of_the_other_household(shared, dupont):
    foyer = "/familles/%s/" % JEANNE_FOYER["numero"]
    for path in ("", "mon-compte", "mes-enfants", "releve-de-compte", "comptes-parents"):
        assert dupont.get(foyer + path, expect_errors=True).status_int == 404

    def partagee(root, registry):
        enfants = root["familles"][DUPONT["numero"]]["enfants"].values()
        return [e.prenom for e in enfants if partage.est_partage(e)]

    assert with_root(shared.app, partagee) == ["LUCAS"]


def test_her_own_pages_that_name_the_shared_child_show_nothing_of_dupont(
    shared, dupont_pret, jeanne
):
    child, _conversation, _jeton = dupont_pret
    foyer = "/familles/%s/" % JEANNE_FOYER["numero"]
    problemes = []
    donnees = jeanne.get(foyer + "mes-donnees.json")
    prenoms = [e["identite"]["prenom"] for e in json.loads(donnees.body)["enfants_partages"]]
    assert prenoms == ["LUCAS"]
    problemes += _probleme(donnees, foyer, "GET", SECRETS_FOYER + (DUPONT["numero"],))
    problemes += _probleme(jeanne.get(foyer + "mes-donnees.pdf"), foyer, "GET", SECRETS_FOYER)

    def premier_jour(root, registry):
        enfant = root["familles"][DUPONT["numero"]]["enfants"][child.split("/")[-2]]
        inscription = next(iter(enfant.inscriptions.values()))
        return enfant.__name__, inscription.prestation

    nom, oid = with_root(shared.app, premier_jour)
    url = foyer + "boite-de-reception?enfant=%s&prestation=%s&date=2026-12-09" % (nom, oid)
    page = jeanne.get(url)
    assert "LUCAS" in page.html.find("input", {"name": "objet"})["value"]
    problemes += _probleme(page, url, "GET", SECRETS_FOYER + (DUPONT["numero"],))
    assert not problemes, "\n".join(problemes)


def test_once_the_share_stopped_she_reaches_nothing_of_the_child(app):
    agent = _role_app(app, "agent", COMPTES["agent"][0])

    def chemin(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        lucas = next(e for e in famille["enfants"].values() if e.prenom == "LUCAS")
        return "/familles/%s/enfants/%s/" % (DUPONT["numero"], lucas.__name__)

    child = with_root(app.app, chemin)
    form = agent.get("/manage" + child + "@@arreter-garde").forms[0]
    form.submit("preparer").forms[0].submit("arreter", status=302)

    def seconds(root, registry):
        enfant = root["familles"][DUPONT["numero"]]["enfants"][child.split("/")[-2]]
        return partage.seconds_foyers(enfant)

    assert with_root(app.app, seconds) == []
    jeanne = _role_app(app, "jeanne.lafond", COMPTES["jeanne.lafond"][0])
    urls = _urls_de_dupont(app, "x")
    assert sum(u.startswith(child) for u, _ in urls) >= 5
    token = acces.jeton_de(jeanne)
    problemes = []
    for url, _vue in urls:
        avant = acces.derniere_transaction(app)
        get = jeanne.get(url, expect_errors=True)
        post = jeanne.post(url, dict(HOSTILE, csrf_token=token), expect_errors=True)
        for response, methode in ((get, "GET"), (post, "POST")):
            if response.status_int not in (302, 403, 404):
                problemes.append("%s %s -> %s" % (methode, url, response.status))
            elif response.status_int == 302 and DUPONT["numero"] in response.location:
                problemes.append("%s %s -> %s" % (methode, url, response.location))
            problemes += _probleme(response, url, methode, SECRETS_HORS_ENFANT)
        if acces.derniere_transaction(app) != avant:
            problemes.append("GET/POST %s committed" % url)
    assert not problemes, "\n".join(problemes)
    assert "LUCAS" not in jeanne.get("/familles/%s/mes-enfants" % JEANNE_FOYER["numero"]).text
    # JEAN still has his child, hers no more.
    dupont = _role_app(app, "jean.dupont", COMPTES["jean.dupont"][0])
    assert dupont.get(child + "planning").status_int == 200
