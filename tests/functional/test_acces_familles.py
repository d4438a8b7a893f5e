"""One family never reaches another's objects, and forms take only their
own fields.

- MARTIN replays every URL of every object DUPONT owns (his record, child,
  request, conversation and its attachment, invoice and its PDF, credit
  note, payment, planning feed, documents, statement, his data), each view
  registered for it, retail and SDI, with GET and POST: 302/403/404,
  nothing of DUPONT's shown, nothing committed.
- Extra POST fields (state, amount, family, role, numero, etat, montant,
  famille, roles, groups, __name__ ...) added to the parent and staff forms
  change nothing they should not.
"""

import re

import pytest

from portail_famille.demo import DUPONT, MARTIN

from ..conftest import DUPONT_URL, MARTIN_URL, csrf
from . import acces
from .conftest import SECRETS, leaked

# What only DUPONT's pages may show, beside the record's secrets: his
# documents' numbers, his request's value, his message's subject.
SECRETS_DUPONT = SECRETS["dupont"] + ("AL-12", "AL-36", "AL-228", "7654321", "Ci-joint")
HOSTILE = {
    "nom": "PIRATE",
    "code_postal": "00000",
    "texte": "PIRATE",
    "objet": "PIRATE",
    "motif": "PIRATE",
    "etat": "acceptee",
    "state": "accepted",
    "montant": "0.01",
    "amount": "0.01",
    "famille": MARTIN["numero"],
    "family": MARTIN["numero"],
    "numero": MARTIN["numero"],
    "role": "admins",
    "roles": "admins",
    "groups": "admins",
    "__name__": "pirate",
}
# SDI tabs of any object, tried on each of DUPONT's objects.
ONGLETS_GENERIQUES = ("", "contents", "properties", "acl_edit", "undo_recent", "references")


@pytest.fixture(scope="module")
def dupont_pret(shared, dupont):
    return acces.preparer_dupont(shared, dupont)


def _urls_de_dupont(shared, jeton_flux):
    """[(url, view)] of every view of every object under DUPONT's record."""
    arbre = [row for row in acces.objets(shared) if row[0].startswith(acces.DUPONT_PATH)]
    vues = [
        v
        for v in acces.vues(shared.app.registry)
        if v.methode == "GET" and not v.exception and v.static is None
    ]
    found = []
    for path, provided, cls in arbre:
        for vue in vues:
            context = vue.context
            if context is None:
                if vue.route != "substanced_manage" or vue.nom[2:] not in ONGLETS_GENERIQUES:
                    continue
            elif not (
                context in provided if hasattr(context, "names") else issubclass(cls, context)
            ):
                continue
            if vue.route == "substanced_manage":
                url = "/manage" + path + "/" + vue.nom
            else:
                url = path + "/" + ("" if vue.nom == "-" else vue.nom)
            if vue.nom == "piece-jointe":
                url += "/0"
            elif vue.nom == "@@piece-jointe":
                url += "?n=0"
            elif vue.nom == "planning.ics":
                url += "?jeton=" + jeton_flux
            found.append((url, vue))
    return found


def _refus(response, url, problemes, methode):
    where = "%s %s -> %s" % (methode, url, response.status)
    if response.status_int not in (302, 403, 404):
        problemes.append(where)
    if response.status_int == 302 and DUPONT["numero"] in response.location:
        problemes.append(where + " to " + response.location)
    text = response.body.decode("utf-8", "replace").replace(url, "")
    found = [secret for secret in SECRETS_DUPONT if secret in text]
    if found:
        problemes.append("%s shows %s" % (where, found))


def test_martin_replays_every_url_of_dupont_and_gets_nothing(shared, dupont_pret, dupont, martin):
    child, conversation, _ = dupont_pret
    # MARTIN's own feed token (valid for his family) on DUPONT's child.
    page = martin.get(MARTIN_URL + "mes-enfants")
    enfant_martin = re.search(r'href="(%senfants/[^/"]+/)' % MARTIN_URL, page.text).group(1)
    feed = martin.post(
        enfant_martin + "agenda", {"csrf_token": csrf(martin.get(enfant_martin + "agenda"))}
    )
    jeton_martin = acces.JETON_ICAL.search(feed.text).group(1)
    assert martin.get(enfant_martin + "planning.ics?jeton=" + jeton_martin).status_int == 200

    urls = _urls_de_dupont(shared, jeton_martin)
    types = {vue.contexte for _, vue in urls}
    for needed in ("IFamille", "IEnfant", "IDemande", "IConversation", "IFacture", "IAvoir"):
        assert needed in types, (needed, sorted(types))
    assert "IReglement" in types and any(child in u for u, _ in urls)
    assert any(conversation + "/piece-jointe/0" == u for u, _ in urls)
    token = acces.jeton_de(martin)
    problemes = []
    for url, _vue in urls:
        avant = acces.derniere_transaction(shared)
        _refus(martin.get(url, expect_errors=True), url, problemes, "GET")
        fields = dict(HOSTILE, csrf_token=token, _csrf_token_=token)
        _refus(martin.post(url, fields, expect_errors=True), url, problemes, "POST")
        if acces.derniere_transaction(shared) != avant:
            problemes.append("GET/POST %s committed" % url)
    assert not problemes, "\n".join(problemes)
    assert len(urls) > 80, len(urls)
    # Each family still sees its own home, and only its own.
    assert not leaked(martin.get(MARTIN_URL).text, "dupont")
    assert leaked(dupont.get(DUPONT_URL).text, "dupont")
