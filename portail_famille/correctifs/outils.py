"""SubstanceD 1.0b1: the administrator's tools (add a lock, add a group,
search a catalog) in French: their tabs and template texts are in
``locale/fr/LC_MESSAGES/substanced.po``, their forms' plain strings here."""

from deform import Button

from ..i18n import _
from .amont import Amont, resoudre

SUBSTANCED = ("substanced", "1.0b1")

VERROU = "substanced.locking.views:AddLockView"
GROUPE = "substanced.principal.views:AddGroupView"
FEUILLE_GROUPE = "substanced.principal:GroupPropertySheet"
RECHERCHE = "substanced.catalog.views.catalog:SearchCatalogView"

AMONT = (
    Amont(VERROU, *SUBSTANCED, "530665c946507201"),
    Amont("substanced.locking:LockSchema", *SUBSTANCED, "530c4c9054242ca9"),
    Amont("substanced.locking:LockOwnerSchema", *SUBSTANCED, "a616e9eeb23c5f8c"),
    Amont("substanced.locking:LockResourceSchema", *SUBSTANCED, "51e06b6f0cfd3af7"),
    Amont(GROUPE, *SUBSTANCED, "77451abd1936a9b1"),
    Amont("substanced.principal:GroupSchema", *SUBSTANCED, "9ee84e878f55b00f"),
    Amont(RECHERCHE, *SUBSTANCED, "969b37c1fbb92f66"),
    Amont("substanced.catalog.views.catalog:SearchSchema", *SUBSTANCED, "a5ae30b1771423c4"),
)

AJOUTER = (Button("add", title=_("Ajouter")),)

# view -> (its title, its button, {field: title}); None keeps the title
TEXTES = {
    VERROU: (
        _("Ajouter un verrou"),
        AJOUTER,
        {
            "ownerid": _("Propriétaire"),
            "timeout": _("Durée (secondes)"),
            "infinite": _("Sans fin ?"),
            "last_refresh": _("Dernier renouvellement"),
            "comment": _("Commentaire"),
            "resource": _("Chemin de l'objet"),
        },
    ),
    GROUPE: (
        _("Ajouter un groupe"),
        AJOUTER,
        {"name": _("Nom"), "description": _("Description"), "memberids": _("Membres")},
    ),
    RECHERCHE: (
        None,
        (Button("search", title=_("Rechercher")),),
        {"cqe_expression": _("Expression CQE")},
    ),
}
DESCRIPTIONS = {VERROU: {"infinite": _("Verrouille aussi tout ce que l'objet contient")}}


def _traduire(schema, titres, descriptions):
    for nom, titre in titres.items():
        schema[nom].title = titre
    for nom, description in descriptions.items():
        schema[nom].description = description


def outils_en_francais():
    """Titles, fields and buttons of the three forms in French (again:
    nothing changes).

    Upstream wrong: these forms' titles, fields and buttons are plain
    English strings ("Add Lock", "Owner", "Members", "CQE Expression",
    "Add"), which no catalog can translate (only translation strings and
    ``i18n:translate`` texts are).
    Effect on us: the only English an administrator still read in the
    management interface (issue 18, item 9).  The same forms with
    translation strings as titles; names, validators and behaviour
    untouched.
    Upstream: substanced 1.0b1, substanced/locking/views.py
    (``AddLockView``), substanced/locking/__init__.py (``LockSchema``),
    substanced/principal/views.py (``AddGroupView``),
    substanced/principal/__init__.py (``GroupSchema``),
    substanced/catalog/views/catalog.py (``SearchCatalogView``); upstream
    issue: none found.
    """
    for cible, (titre, boutons, champs) in TEXTES.items():
        vue = resoudre(cible)
        if titre is not None:
            vue.title = titre
        vue.buttons = boutons
        _traduire(vue.schema, champs, DESCRIPTIONS.get(cible, {}))
    vue = resoudre(RECHERCHE)
    vue.schema.title = _("Expression")
    _traduire(resoudre(FEUILLE_GROUPE).schema, TEXTES[GROUPE][2], {})
