"""The news folder (the root's ``actualites``) and its news items.

The folder keeps what the login and home pages list: ``publiees``, the
published items newest first (at most ``LISTE_MAX``, for the page of all
news; the first ``A_LA_UNE`` on the login and home pages), each as data
(``Breve``: its name in the folder, title, publication date, the plain
beginning of its text).  It is rebuilt when an item is published,
withdrawn, archived, edited, renamed or deleted (``rafraichir``), so a page
view reads one attribute: no catalog query, no walk of the news.  Links
and markup are made at request time (``actualites/templates/liste.pt``), so
they follow the portal's address, under a path (``/portail``) too.
"""

from collections import namedtuple

from persistent import Persistent
from substanced.content import content
from substanced.folder import Folder
from zope.interface import Interface, implementer

from .. import dates
from ..i18n import _
from . import rendu
from .publication import ETATS, PUBLIEE, etat

A_LA_UNE = 5  # published items shown on the login and home pages
LISTE_MAX = 100  # published items listed on the page of all news

# One published item as the lists show it (``nom``: its name in the folder;
# ``date``: aware, UTC; ``extrait``: plain text).
Breve = namedtuple("Breve", "nom titre date extrait")
# Before evolve step 24 (``chemin``: an absolute path, a rendered ``html``
# beside): kept so that an older database loads until the step runs.
Resume = namedtuple("Resume", "nom titre date chemin extrait")


class IActualites(Interface):
    pass


class IActualite(Interface):
    pass


def colonnes(folder, item, request, defaults):
    """The SDI grid of the news: title, state, publication date."""
    if not IActualite.providedBy(item):
        return defaults
    translate = request.localizer.translate
    publiee_le = dates.moment(item.publiee_le)
    return defaults + [
        {"name": translate(_("Titre")), "value": item.titre},
        {"name": translate(_("État")), "value": translate(ETATS[etat(item)])},
        {"name": translate(_("Publiée le")), "value": publiee_le},
    ]


@content(
    "Actualites",
    name=_("Actualités"),
    icon="glyphicon glyphicon-bullhorn",
    columns=colonnes,
)
@implementer(IActualites)
class Actualites(Folder):
    """The root folder of the news: holds Actualité objects only."""

    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Actualités")

    publiees = ()

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get("content_type") == "Actualite"

    def rafraichir(self):
        """Rebuild ``publiees`` from the items."""
        items = [
            item
            for item in self.values()
            if IActualite.providedBy(item) and etat(item) == PUBLIEE and item.publiee_le
        ]
        items.sort(key=lambda item: (item.publiee_le, item.__name__), reverse=True)
        publiees = tuple(
            Breve(item.__name__, item.titre, item.publiee_le, rendu.extrait(item.texte))
            for item in items[:LISTE_MAX]
        )
        if publiees != self.publiees:
            self.publiees = publiees


@content(
    "Actualite",
    name=_("Actualité"),
    icon="glyphicon glyphicon-file",
    add_view="add_actualite",
)
@implementer(IActualite)
class Actualite(Persistent):
    """A news item: its title, its text as the editor typed it (shown
    through ``rendu.nettoyer`` only), an optional image (a checked
    fichiers.Fichier, JPEG or PNG), when it was written and last published.
    Its state (brouillon, publiée, archivée) is the workflow's
    (``publication``)."""

    __name__ = None
    __parent__ = None
    image = None
    publiee_le = None

    def __init__(self, titre="", texte="", image=None):
        self.titre = titre
        self.texte = texte
        self.image = image
        self.creee_le = dates.horodatage()
        self.modifiee_le = self.creee_le

    @property
    def title(self):
        return self.titre

    @property
    def html(self):
        return rendu.nettoyer(self.texte)
