"""The tab bar of the staff's workspace on the root's pages that draw their
own (the dashboard, the search): SubstanceD's own bar checks every
management view of the root (two thirds of the search page's time); this
one checks one permission per tab of a fixed list, the root's tabs the
staff use, in the SDI's order."""

from pyramid.renderers import get_renderer
from pyramid.traversal import resource_path

from ..i18n import _
from ..security import P

# (view name, title, permission on the root)
ONGLETS = (
    ("tableau", _("Tableau de bord"), P.TABLEAU_VOIR),
    ("recherche", _("Recherche"), P.FAMILLE_RECHERCHER),
    ("demandes", _("Demandes"), P.DEMANDES_VOIR),
    ("messagerie", _("Messagerie"), P.MESSAGERIE_TRAITER),
    ("message-groupe", _("Message groupé"), P.MESSAGERIE_TRAITER),
    ("contents", _("Contenus"), P.SDI_VIEW),
    ("journal", _("Journal"), P.JOURNAL_VOIR),
    ("audit", _("Audit RGPD"), P.AUDIT_VOIR),
)

MACRO = "portail_famille.accueil:templates/onglets.pt"


def macro(nom="onglets"):
    """The bar's macro (``style``: its colours, for the page's head), for a
    page's ``metal:use-macro``."""
    return get_renderer(MACRO).implementation().macros[nom]


def lien(base, objet, vue):
    """The SDI path of ``objet``'s view ``vue``: ``base`` (the root's SDI
    path, ``request.sdiapi.mgmt_path(root)``) and the object's path, as
    ``mgmt_path`` makes it at a fraction of its cost (it builds a route's
    URL each time: a page of a few dozen links spent a sixth of its time
    there)."""
    return "%s%s/@@%s" % (base.rstrip("/"), resource_path(objet).rstrip("/"), vue)


def barre(request, actif):
    """[{titre, url, actif}] of the tabs the user may open, ``actif`` the
    view name of the page shown."""
    root = request.root
    translate = request.localizer.translate
    base = request.sdiapi.mgmt_path(root)
    return [
        {
            "titre": translate(titre),
            "url": lien(base, root, nom),
            "actif": nom == actif,
        }
        for nom, titre, permission in ONGLETS
        if request.has_permission(permission, root)
    ]
