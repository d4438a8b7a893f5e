"""Structures (the "structures" root folder), Structure and Prestation."""

from BTrees.OOBTree import OOBTree
from substanced.content import content
from substanced.folder import Folder
from substanced.property import PropertySheet
from substanced.util import get_oid
from zope.interface import Interface, implementer

from ..i18n import _
from ..security import P
from . import schemas


class IStructures(Interface):
    pass


class IStructure(Interface):
    pass


class IPrestation(Interface):
    pass


class IAvertissementCapacite(Interface):
    """A function ``(prestation, translate)`` -> the French warning shown
    when a Prestation's sheet is saved (its capacity below the places taken
    on days to come), or None.  Registered by the planning, which keeps the
    places (``planning.capacite``)."""


# Seeing a sheet needs the right to edit it: staff who hold ``sdi.view`` on
# the root (régisseurs) do not get the activities' forms, even read-only.


class StructureSheet(PropertySheet):
    schema = schemas.StructureSchema()
    permissions = (("view", P.SDI_EDIT), ("change", P.SDI_EDIT))


class PrestationSheet(PropertySheet):
    """What the service sets (agents): its billing settings (unit, régie,
    tariffs) are the régie's, on the "Tarifs" tab (facturation.sdi)."""

    schema = schemas.PrestationSchema()
    permissions = (("view", P.SDI_EDIT), ("change", P.SDI_EDIT))

    def after_set(self, changed):
        super().after_set(changed)
        avertir = self.request.registry.queryUtility(IAvertissementCapacite)
        if avertir is None:
            return
        avertissement = avertir(self.context, self.request.localizer.translate)
        if avertissement is not None:
            self.request.sdiapi.flash(avertissement, "warning")


@content("Structures", icon="glyphicon glyphicon-tower")
@implementer(IStructures)
class Structures(Folder):
    """The root folder of the structures: holds Structure objects only."""

    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Structures")

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get("content_type") == "Structure"


@content(
    "Structure",
    icon="glyphicon glyphicon-home",
    add_view="add_structure",
    propertysheets=((_("Structure"), StructureSheet),),
)
@implementer(IStructure)
class Structure(Folder):
    """ "Accueil de Loisirs ALSH", "Garderie périscolaire": holds its
    prestations."""

    title = ""

    def __init__(self, title=""):
        Folder.__init__(self)
        self.title = title

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get("content_type") == "Prestation"

    @property
    def oid(self):
        return get_oid(self, None)

    def prestations(self):
        return [value for value in self.values() if IPrestation.providedBy(value)]


@content(
    "Prestation",
    icon="glyphicon glyphicon-calendar",
    add_view="add_prestation",
    propertysheets=((_("Prestation"), PrestationSheet),),
)
@implementer(IPrestation)
class Prestation(Folder):
    """ "Mercredi après-midi": when it opens, how many places, its deadlines,
    its validation mode; and, set by the régie (facturation), the régie that
    bills it (``regie_oid``: by identity, None until chosen), its unit and
    its tariffs."""

    # Nothing is added here from the SDI's generic menu (files, folders):
    # its contents come from the portal's own forms.
    __sdi_addable__ = ()

    title = ""
    code = ""
    unite = "journee"
    jours = frozenset()
    periodes = frozenset()
    capacite = 1
    delai_reservation_jours = 2
    delai_reservation_heure = "10:00"
    delai_absence_jours = 2
    delai_absence_heure = "10:00"
    validation = schemas.VALIDATION_AGENT
    # Hours of one day (Decimal), for the CAF's statistics; None: by its
    # unit (``planning.statistiques.duree``).
    duree = None
    regie_oid = None  # the oid of the Régie that bills it (facturation.regies)

    places = None  # date -> planning.places.Places
    inscrits = None  # (annee, enfant_oid) -> True (``inscriptions.inscrits``)
    attente = None  # a day's waiting list (``planning.attente``)

    def __init__(self, regie=None, **values):
        """``regie``: the Régie that bills it (kept by oid)."""
        Folder.__init__(self)
        self.places = OOBTree()
        self.inscrits = OOBTree()
        self.attente = OOBTree()  # (day, date, name) -> Demande (``planning.attente``)
        if regie is not None:
            self.regie_oid = get_oid(regie)
        for name, value in values.items():
            if name in ("jours", "periodes"):
                value = frozenset(value)
            setattr(self, name, value)

    @property
    def structure(self):
        return self.__parent__

    def ouvert_le(self, date):
        """Whether ``date``'s weekday is an opening day (the calendar is
        asked separately)."""
        return str(date.isoweekday()) in self.jours
