"""The SDI's tabs drawn by the portal's ``sdi_mgmt_views``
(correctifs/onglets.py) are SubstanceD's own: the same tabs, titles,
links, order and active tab on every SDI page of every staff role, and on
the "Ajouter" menu of a folder."""

from bs4 import BeautifulSoup

from portail_famille.correctifs import onglets
from portail_famille.correctifs.amont import original, remplacer

from . import acces

ROLES = ("agent", "regisseur", "editeur", "admin")


def _upstream():
    """Put SubstanceD's own function back where the fix put its own."""
    amont = original(onglets.ONGLETS)
    remplacer(onglets.ONGLETS, amont)
    remplacer(onglets.IMPORTEE, amont)
    for cible in onglets.METHODES:
        remplacer(cible, staticmethod(amont))


def onglets_de(html):
    """The tabs (link, title, class), and every link of the page to a
    management view (the "Ajouter" menu's among them)."""
    page = BeautifulSoup(html, "html.parser")
    nav = page.select_one("ul.nav-tabs")
    tabs = [
        (a["href"], a.get_text(" ", strip=True), " ".join(li.get("class") or []))
        for li in (nav.select("li") if nav is not None else ())
        for a in li.select("a")[:1]
    ]
    return tabs, sorted(a["href"] for a in page.select("a[href*='@@']"))


def _pages(shared, browsers):
    arbre = acces.objets(shared)
    for vue in acces.vues(shared.app.registry):
        if vue.exception or vue.methode != "GET" or vue.route != "substanced_manage":
            continue
        if vue.xhr:
            continue
        try:
            url = acces.url_de(shared, vue, arbre, {})
        except AssertionError:  # no such object in the demo (a reset link)
            continue
        for role in ROLES:
            yield role, url, acces.en_tetes(vue)


def _lire(browsers, pages):
    found = {}
    for role, url, headers in pages:
        response = browsers[role].get(url, headers=headers, expect_errors=True)
        if response.status_int == 200 and response.content_type == "text/html":
            found[role, url] = onglets_de(response.text)
    return found


def test_the_tabs_are_substanceds_own(shared, dupont, agent, regisseur, editeur, admin):
    acces.preparer_dupont(shared, dupont)
    browsers = {"agent": agent, "regisseur": regisseur, "editeur": editeur, "admin": admin}
    pages = list(_pages(shared, browsers))
    ours = _lire(browsers, pages)
    try:
        _upstream()
        theirs = _lire(browsers, pages)
    finally:
        onglets.onglets_sans_chemins_inutiles()
    assert ours == theirs
    with_tabs = [k for k, (tabs, _liens) in ours.items() if len(tabs) >= 3]
    assert len(with_tabs) >= 100, len(with_tabs)
    assert {role for role, _url in with_tabs} == set(ROLES)
    assert any("active" in c for tabs, _l in ours.values() for _h, _t, c in tabs)
    ajouter = [k for k, (_t, liens) in ours.items() if any("@@add_" in h for h in liens)]
    assert ajouter, "no page with an add link was compared"


def test_the_fix_is_in_place_everywhere_upstream_holds_the_function():
    from substanced import sdi
    from substanced.folder import views as folder_views
    from substanced.sdi.views import manage

    assert sdi.sdi_mgmt_views is onglets.sdi_mgmt_views
    assert folder_views.sdi_mgmt_views is onglets.sdi_mgmt_views
    assert sdi.sdiapi.sdi_mgmt_views is onglets.sdi_mgmt_views
    assert manage.ManagementViews.sdi_mgmt_views is onglets.sdi_mgmt_views
