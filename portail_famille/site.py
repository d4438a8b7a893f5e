"""The shape of the site: the root folders, the groups, the ACLs."""

from pyramid.exceptions import ConfigurationError
from substanced.event import subscribe_root_added
from substanced.util import find_service

from .comptes import passwords
from .facturation.permanence import reconstruction
from .i18n import _
from .security import GROUPES, apply_role_table
from .travaux.service import creer_file

# name -> (content type, title shown in the SDI)
FOLDERS = {
    "familles": ("Familles", _("Familles")),
    "structures": ("Structures", _("Structures")),
    "calendrier": ("Calendrier", _("Calendrier")),
    "regies": ("Regies", _("Régies")),
    "documents": ("Documents", _("Infos/Documents - Formulaires")),
    "actualites": ("Actualites", _("Actualités")),
}

GROUP_DESCRIPTIONS = {
    "familles": "Parents (responsables et conjoints)",
    "agents": "Agents du service enfance jeunesse",
    "regisseurs": "Régisseurs (facturation, règlements)",
    "editeurs": "Éditeurs (documents, menus, actualités)",
    "admins": "Administrateurs",
}


def retyper(root, name, registry):
    """Give the root folder ``name`` the content type FOLDERS names, moving
    its children into the new folder (an evolve step's work)."""
    content_type, title = FOLDERS[name]
    content = registry.content
    ancien = root.get(name)
    if ancien is None or content.typeof(ancien) == content_type:
        return
    nouveau = content.create(content_type)
    nouveau.title = getattr(ancien, "title", None) or title
    nouveau.__sdi_deletable__ = False
    # the same objects back at the same paths: not a deletion
    with reconstruction():
        for key in list(ancien.keys()):
            nouveau.add(key, ancien.remove(key, registry=registry), registry=registry)
        root.remove(name, registry=registry)
    root.add(name, nouveau, registry=registry)


def ensure_site(root, registry):
    """Create what is missing (folders, groups) and rewrite the role ACLs.
    Idempotent: used when the root is created and as an evolve step."""
    content = registry.content
    for name, (content_type, title) in FOLDERS.items():
        if name not in root:
            folder = content.create(content_type)
            folder.title = title
            folder.__sdi_deletable__ = False
            root.add(name, folder, registry=registry)
    groups = find_service(root, "principals", "groups")
    principals = find_service(root, "principals")
    for name in GROUPES:
        if name not in groups:
            principals.add_group(name, registry=registry)
        groups[name].description = GROUP_DESCRIPTIONS[name]
    catalogs = find_service(root, "catalogs")
    if "portail" not in catalogs:
        catalogs.add_catalog("portail")
    root.sdi_title = "Portail Famille"
    creer_file(root)  # the long jobs' queue (travaux)
    apply_role_table(root, registry=registry)


@subscribe_root_added()
def root_added(event):
    root = event.object
    settings = event.registry.settings
    # The first administrator's password comes from the deployment settings
    # (the environment in production): it is not a temporary one, so it
    # obeys the policy, or no database is made.
    login = settings.get("substanced.initial_login", "admin")
    found = passwords.check(settings, settings.get("substanced.initial_password") or "", login)
    if found:
        raise ConfigurationError(
            "substanced.initial_password (PORTAIL_FAMILLE_ADMIN_PASSWORD) does not follow "
            "the password policy: %s" % " ".join(p.interpolate() for p in found)
        )
    ensure_site(root, event.registry)
    for user in find_service(root, "principals", "users").values():
        user.must_change_password = False
