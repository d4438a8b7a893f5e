"""Famille and Enfant: the content types of a family's record."""

from types import MappingProxyType

import colander
from persistent.mapping import PersistentMapping
from pyramid.security import Allow, Deny, Everyone
from substanced.content import content
from substanced.folder import Folder, RandomAutoNamingFolder
from substanced.interfaces import ReferenceType
from substanced.property import PropertySheet
from substanced.util import find_objectmap, get_oid, set_acl
from zope.interface import Interface, implementer

from ..i18n import _
from ..journal import audit
from ..security import FAMILLE_PERMISSIONS, P
from ..util import ContenuPermanent, objet
from . import limites, partage, schemas
from . import validators as v
from .validators import masquer_iban


class FamilleToParent(ReferenceType):
    """Objectmap reference: a Famille -> its parents' User accounts."""


# The first N° famille proposed in a town with no family yet.
PREMIER_NUMERO = "1001000000001"
SECTIONS = ("responsable", "conjoint", "fiscales", "caf", "bancaires")
SECTIONS_ENFANT = ("autorisations", "sanitaires")
IDENTITE_ENFANT = ("nom", "prenom", "sexe", "date_naissance", "ecole", "classe")
# What every Famille holds (name -> content type).
SOUS_DOSSIERS = {
    "enfants": "Enfants",
    "demandes": "Demandes",
    "factures": "Factures",
    "reglements": "Reglements",
    "messages": "Messages",
}


class IFamilles(Interface):
    pass


class IFamille(Interface):
    pass


class IEnfants(Interface):
    pass


class IEnfant(Interface):
    pass


class SectionSheet(PropertySheet):
    """Edits one section of the record, kept as a mapping on the Famille."""

    section = None

    def get(self):
        stored = getattr(self.context, self.section)
        return {child.name: stored.get(child.name, colander.null) for child in self.schema}

    def set(self, struct, omit=()):
        stored = getattr(self.context, self.section)
        changed = False
        for child in self.schema:
            name = child.name
            if name in struct and name not in omit and stored.get(name) != struct[name]:
                stored[name] = struct[name]
                changed = True
        return changed


def _sheet(section, schema):
    return type(
        "%sSheet" % section.capitalize(),
        (SectionSheet,),
        {"section": section, "schema": schema},
    )


ResponsableSheet = _sheet("responsable", schemas.PersonneSchema())
ConjointSheet = _sheet("conjoint", schemas.PersonneSchema())
FiscalesSheet = _sheet("fiscales", schemas.FiscalesSchema())
CafSheet = _sheet("caf", schemas.CafSchema())


@colander.deferred
def _iban_ou_masque(node, kw):
    """The IBAN validator of the SDI sheet: the masked current IBAN (what
    the sheet shows) comes back unchanged and is accepted as it is."""
    famille = kw.get("context")
    actuel = getattr(famille, "bancaires", {}).get("iban")
    masque = masquer_iban(actuel) if actuel else None

    def validator(node, value):
        if masque is not None and value == masque:
            return
        v.iban(node, value)

    return colander.All(colander.Length(max=42), validator)


class BancairesSheetSchema(schemas.BancairesSchema):
    iban = colander.SchemaNode(
        colander.String(), title=_("IBAN"), missing="", validator=_iban_ou_masque
    )


class BancairesSheet(SectionSheet):
    """The SDI never shows the full IBAN: it shows the masked one, and the
    masked value sent back keeps the stored IBAN; another value is a new
    IBAN, validated as usual.  (Seeing the full IBAN is audited: the
    request screens' "Afficher l'IBAN complet".)"""

    section = "bancaires"
    schema = BancairesSheetSchema()

    def get(self):
        # Bank details shown: audited (a write on GET, on purpose).
        audit.noter_personnel(self.request, self.context, audit.BANCAIRES)
        values = super().get()
        if values.get("iban"):
            values["iban"] = masquer_iban(values["iban"])
        return values

    def set(self, struct, omit=()):
        if isinstance(omit, str):
            omit = (omit,)
        actuel = self.context.bancaires.get("iban")
        if actuel and struct.get("iban") == masquer_iban(actuel):
            omit = tuple(omit) + ("iban",)
        return super().set(struct, omit)


@content(
    "Familles",
    icon="glyphicon glyphicon-home",
)
@implementer(IFamilles)
class Familles(Folder):
    """The folder of all families, named by their N° Famille."""

    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Familles")

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get("content_type") == "Famille"

    def prochain_numero(self, premier=PREMIER_NUMERO):
        """The N° famille the system proposes for a new family: the one
        after the highest (same length), else ``premier``; a key range
        read, not the families."""
        numero = self.data.maxKey() if len(self.data) else ""
        if not numero.isdigit():
            numero = str(int(premier) - 1).zfill(len(premier))
        suivant = int(numero)
        while True:
            suivant += 1
            candidat = str(suivant).zfill(len(numero))
            if candidat not in self.data:
                return candidat


@content(
    "Famille",
    icon="glyphicon glyphicon-user",
    add_view="add_famille",
    propertysheets=(
        (_("Responsable"), ResponsableSheet),
        (_("Conjoint"), ConjointSheet),
        (_("Fiscales"), FiscalesSheet),
        (_("CAF"), CafSheet),
        (_("Bancaires"), BancairesSheet),
    ),
    after_create="after_create",
    # its first tab: the family's whole file (``portail_famille.fiche``)
    tab_order=("fiche",),
)
@implementer(IFamille)
class Famille(Folder):
    """A family: its record (five sections), its children, and later its
    requests, messages, invoices and payments.  Its ACL names the accounts
    of its parents."""

    # Nothing is added here from the SDI's generic menu (files, folders):
    # its contents come from the portal's own forms.
    __sdi_addable__ = ()
    # The state "partie": the day the family left the service (archived,
    # ``portail_famille.departs``), None while it is a current family.
    partie_le = None

    def __init__(self, **sections):
        Folder.__init__(self)
        for section in SECTIONS:
            setattr(self, section, PersistentMapping(sections.get(section, {})))
        self.envois = limites.nouveau_journal()  # what its parents sent (limites.py)

    def remove(self, name, *args, **kw):
        # Its own folders (children, requests, money, messages) are part of
        # the family: never deleted, renamed or moved out of it.
        if name in SOUS_DOSSIERS:
            raise ContenuPermanent(
                _("Ce dossier fait partie de la famille : il ne peut être ni supprimé ni déplacé.")
            )
        return Folder.remove(self, name, *args, **kw)

    def after_create(self, inst, registry):
        for name, content_type in SOUS_DOSSIERS.items():
            if name not in self:
                self.add(name, registry.content.create(content_type), registry=registry)

    @property
    def numero(self):
        return self.__name__

    @property
    def nom_complet(self):
        r = self.responsable
        return " ".join(p for p in (r.get("prenom"), r.get("nom")) if p)

    @property
    def title(self):
        return "%s %s" % (self.numero, self.responsable.get("nom", ""))

    @property
    def sdi_title(self):
        """Its name in the SDI's breadcrumbs (SubstanceD shows the
        family number otherwise)."""
        return self.responsable.get("nom") or self.numero

    def nouveaux_messages(self):
        """The conversations with a message from the service the family has
        not opened yet (kept by ``messagerie.service``: one attribute read)."""
        messages = self.get("messages")
        return messages.non_lus if messages is not None else 0

    def parents(self):
        objectmap = find_objectmap(self)
        return list(objectmap.targets(self, FamilleToParent))

    def rattacher_parent(self, user):
        """Give ``user`` (a parent's account) access to this family only."""
        objectmap = find_objectmap(self)
        objectmap.connect(self, user, FamilleToParent)
        self.update_acl()

    def update_acl(self):
        set_acl(
            self,
            acl_partie(self)
            + [(Allow, get_oid(user), FAMILLE_PERMISSIONS) for user in self.parents()],
        )
        # The children it shares with another household (``partage``): its
        # parents' entries on them follow its accounts.
        for enfant in partage.enfants_partages(self):
            enfant.update_acl()


def acl_partie(obj):
    """What an archived Famille or Enfant refuses to everybody: any new
    request (booking, absence, change of the record), any invitation of a
    parent.  Its parents still see everything, pay and write to the
    service."""
    refusees = (P.DEMANDE_CREER, P.FAMILLE_COMPTE_INVITER)
    return [(Deny, Everyone, refusees)] if obj.partie_le is not None else []


def famille_of(user):
    """The Famille a parent's account belongs to, or None."""
    objectmap = find_objectmap(user)
    if objectmap is None:
        return None
    for oid in objectmap.sourceids(user, FamilleToParent):
        return objet(user, oid)
    return None


@content("Enfants", icon="glyphicon glyphicon-folder-open")
@implementer(IEnfants)
class Enfants(RandomAutoNamingFolder):
    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Enfants")

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get("content_type") == "Enfant"


class EnfantSheet(PropertySheet):
    schema = schemas.EnfantSchema()
    permissions = (("view", P.SDI_VIEW), ("change", P.SDI_EDIT))


@content(
    "Enfant",
    icon="glyphicon glyphicon-star",
    add_view="add_enfant",
    propertysheets=((_("Identité"), EnfantSheet),),
)
@implementer(IEnfant)
class Enfant(Folder):
    """A child: identity as attributes; the sections of its file
    (``SECTIONS_ENFANT``) as mappings, like the Famille's.  A child stored
    before the sections existed reads them empty (evolve step3 gives it its
    own; ``section_modifiable`` too)."""

    # Nothing is added here from the SDI's generic menu (files, folders):
    # its contents come from the portal's own forms.
    __sdi_addable__ = ()

    nom = ""
    prenom = ""
    sexe = ""
    date_naissance = None
    ecole = ""
    classe = ""
    autorisations = MappingProxyType({})
    sanitaires = MappingProxyType({})
    # Its inscriptions (``portail_famille.inscriptions``), by key; a child
    # stored before they existed reads none (evolve step5 gives it its own).
    inscriptions = MappingProxyType({})
    # The state "partie" (archived), as the Famille's.
    partie_le = None
    # Shared with a second household (``partage``): N° famille -> its
    # planning rights (Garde), the first household's included; none: not shared.
    gardes = MappingProxyType({})

    def __init__(self, **identite):
        Folder.__init__(self)
        for section in SECTIONS_ENFANT:
            setattr(self, section, PersistentMapping())
        self.inscriptions = PersistentMapping()
        for name, value in identite.items():
            setattr(self, name, value)

    def section_modifiable(self, section):
        """The child's own mapping of ``section``, created if missing."""
        if section not in SECTIONS_ENFANT:
            raise KeyError(section)
        self._p_activate()  # a ghost's __dict__ is empty
        if section not in self.__dict__:
            setattr(self, section, PersistentMapping())
        return getattr(self, section)

    def inscriptions_modifiables(self):
        """The child's own mapping of inscriptions, created if missing."""
        self._p_activate()
        if "inscriptions" not in self.__dict__:
            self.inscriptions = PersistentMapping()
        return self.inscriptions

    def update_acl(self):
        set_acl(self, acl_partie(self) + partage.acl_partage(self))

    @property
    def title(self):
        return "%s %s" % (self.prenom, self.nom)

    @property
    def sdi_title(self):
        """Its first name in the SDI's breadcrumbs (SubstanceD shows its
        random ``__name__`` otherwise)."""
        return self.prenom or self.title
