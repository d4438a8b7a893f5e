"""The tab bar of the staff's workspace on the root's pages that draw their
own (the dashboard, the search): SubstanceD's own bar checks every
management view of the root (two thirds of the search page's time); this
one checks one permission per tab of a fixed list, the root's tabs the
staff use, in the SDI's order."""

from pyramid.renderers import get_renderer

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


def macro():
    """The bar's macro, for a page's ``metal:use-macro``."""
    return get_renderer(MACRO).implementation().macros["onglets"]


def barre(request, actif):
    """[{titre, url, actif}] of the tabs the user may open, ``actif`` the
    view name of the page shown."""
    root = request.root
    translate = request.localizer.translate
    return [
        {
            "titre": translate(titre),
            "url": request.sdiapi.mgmt_path(root, "@@" + nom),
            "actif": nom == actif,
        }
        for nom, titre, permission in ONGLETS
        if request.has_permission(permission, root)
    ]
