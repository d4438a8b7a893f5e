"""The staff lists ask each row's SDI path and the reader's permissions
once per page (``sdi.listes``): a permission answer is remembered per
(permission, the object whose ACL decides it for the reader), so a
family's own ACL still counts; the paths are SubstanceD's."""

import re

from pyramid.request import Request
from pyramid.scripting import prepare
from pyramid.security import Deny
from substanced.util import find_objectmap, get_oid, set_acl

from portail_famille.demandes import service
from portail_famille.demandes.resources import IDemande
from portail_famille.demo import COMPTES, DUPONT, MARTIN
from portail_famille.sdi.listes import Chemins, Droits
from portail_famille.security import GROUPE_REGISSEURS, P, group_oid

from ..conftest import ADMIN, login, with_root
from .conftest import client

QUEUE = "/manage/@@demandes"
IBAN = "FR1420041010050500013M02606"


def staff(app, role):
    browser = client(app)
    login(browser, role, ADMIN[1] if role == "admin" else COMPTES[role][0])
    return browser


def deposer(app):
    """Pending requests of both families (money, record, health); the
    régisseurs denied the money requests of MARTIN's family by that
    family's own ACL.  Returns {name: oid}."""

    def make(root, registry):
        dupont = root["familles"][DUPONT["numero"]]
        martin = root["familles"][MARTIN["numero"]]
        enfant = next(iter(dupont["enfants"].values())).__name__
        found = {}
        for name, famille, kind, valeurs, extra in (
            ("banque_dupont", dupont, "bancaires", {"iban": IBAN}, {}),
            ("banque_martin", martin, "bancaires", {"bic": "BDFEFRPPCCT"}, {}),
            ("fiscales_martin", martin, "fiscales", {"annee_revenus": 2025}, {}),
            ("compte_dupont", dupont, "responsable", {"mobile": "06.12.34.56.78"}, {}),
            ("sante_dupont", dupont, "sanitaires", {"allergies": "ARACHIDE"}, {"enfant": enfant}),
        ):
            demande, _old = service.deposer(
                famille, kind, valeurs, "jean.dupont", registry, **extra
            )
            found[name] = get_oid(demande)
        deny = (Deny, group_oid(root, GROUPE_REGISSEURS), (P.DEMANDE_TRAITER_FINANCES,))
        set_acl(martin, [deny, *martin.__acl__], registry=registry)
        return found

    return with_root(app.app, make)


def ligne(page, oid):
    match = re.search(r'<tr id="demande-%d">(.*?)</tr>' % oid, page.text, re.S)
    assert match, oid
    return match.group(1)


def vue(cells):
    """What a row offers: (checkbox, "Non autorisé", link to @@traiter,
    health data hidden)."""
    return (
        'name="oid"' in cells,
        "Non autorisé" in cells,
        "@@traiter" in cells,
        "Données sanitaires : non affichées" in cells,
    )


def test_each_row_shows_what_the_reader_may_do_a_family_acl_included(app):
    oids = deposer(app)
    pages = {role: staff(app, role).get(QUEUE) for role in ("agent", "regisseur")}
    attendu = {
        # The agent processes everything and reads health data.
        ("agent", "banque_dupont"): (True, False, True, False),
        ("agent", "banque_martin"): (True, False, True, False),
        ("agent", "fiscales_martin"): (True, False, True, False),
        ("agent", "compte_dupont"): (True, False, True, False),
        ("agent", "sante_dupont"): (True, False, True, False),
        # The régisseur: money requests, but not MARTIN's (its family's
        # ACL denies him); no health data, no link to a page that refuses.
        ("regisseur", "banque_dupont"): (True, False, True, False),
        ("regisseur", "banque_martin"): (False, True, True, False),
        ("regisseur", "fiscales_martin"): (False, True, True, False),
        ("regisseur", "compte_dupont"): (False, True, True, False),
        ("regisseur", "sante_dupont"): (False, True, False, True),
    }
    for (role, name), expected in attendu.items():
        assert vue(ligne(pages[role], oids[name])) == expected, (role, name)
    # The denial is the family's: selecting MARTIN's request does nothing.
    regisseur = staff(app, "regisseur")
    page = regisseur.get(QUEUE)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = regisseur.post(
        QUEUE,
        [
            ("csrf_token", token),
            ("oid", str(oids["banque_martin"])),
            ("accepter_selection", "1"),
        ],
    ).follow()
    assert "vous ne pouvez pas traiter ce type de demande" in done.text
    assert etat(app, oids["banque_martin"]) == "en_attente"


def etat(app, oid):
    return with_root(app.app, lambda root, registry: find_objectmap(root).object_for(oid).etat)


def test_droits_and_chemins_answer_what_pyramid_and_substanced_answer(app):
    """For each role, every permission on every request, its family and
    the folders above: ``Droits.permis`` is ``has_permission``; every
    path is ``mgmt_path``'s."""
    deposer(app)
    for role in ("agent", "regisseur", "editeur", "admin"):
        browser = staff(app, role)
        cookie = "; ".join("%s=%s" % item for item in browser.cookies.items())
        request = Request.blank(QUEUE, headers={"Cookie": cookie, "Host": "localhost"})
        env = prepare(request=request, registry=app.app.registry)
        try:
            root = env["root"]
            assert request.authenticated_userid is not None, role
            droits, chemins = Droits(request), Chemins(request)
            objets = [root, root["familles"]]
            for numero in (DUPONT["numero"], MARTIN["numero"]):
                famille = root["familles"][numero]
                objets += [famille, famille["demandes"], *famille["demandes"].values()]
            assert any(IDemande.providedBy(o) for o in objets)
            for obj in objets:
                for permission in P:
                    expected = bool(request.has_permission(permission, obj))
                    assert droits.permis(permission, obj) == expected, (role, permission, obj)
                for name in ("", "@@traiter", "@@fiche", "a b/é"):
                    assert chemins.vue(obj, name) == request.sdiapi.mgmt_path(obj, name)
        finally:
            env["closer"]()
