"""A child shared between two households (garde alternée).

The manual's DUPONT is "Séparé": LUCAS lives one week with each parent,
and each parent's household is a Famille of its own (its record, its
requests, its invoices and payments, its messages).  The smallest sound
model, chosen over copying the child (two files that drift apart) or
moving the child out of the families (every domain finds a child's family
as ``enfant.__parent__.__parent__``):

- the Enfant stays in one place, its first household (``foyer principal``,
  where it was made): its identity, health data, authorisations,
  inscriptions and planning cells exist once;
- the second household references it (objectmap reference
  ``FamilleToEnfantPartage``: Famille -> Enfant), as a Famille references
  its parents' accounts;
- the setting of each household's link lives on the child
  (``enfant.gardes``: N° famille -> ``Garde``): who may book and declare
  absences, and when: every week (``TOUTES``), even or odd ISO weeks
  (``PAIRES``, ``IMPAIRES``), or alternate weeks from a starting week
  (``ALTERNEE``: that week and every other one after it; a 53-week year
  does not shift it);
- the second household's parents get, on the child only (its ACL), what a
  parent needs about it: see it and its health data, ask for its bookings
  and absences (``PERMISSIONS``).  Nothing of the first household (its
  record, requests, invoices, payments, messages) is under the child, so
  none of it is reached;
- what a household books for the child is its own: the request goes to
  its ``demandes`` (the planning asks ``foyer_de_la_demande``), the cell
  remembers which household booked it (``cellules_du_foyer``), and each
  household is billed for its own cells (``facturation.campagne``);
- staff stop sharing (``retirer``, from ``departs.garde``): the link
  becomes a former one (``FamilleToEnfantAncienPartage``), which gives no
  right on the child (its ACL, ``enfants_partages``) but still names the
  household billed for the days it booked before (``foyers_a_facturer``,
  ``famille_de_la_cellule``, ``enfant_du_foyer``): its past days and
  invoices stay its own.
"""

import datetime

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping
from pyramid.security import Allow
from substanced.interfaces import ReferenceType
from substanced.util import find_objectmap, get_oid

from .. import dates
from ..i18n import _
from ..security import P

TOUTES = "toutes"
PAIRES = "paires"
IMPAIRES = "impaires"
ALTERNEE = "alternee"
MODES = (
    (TOUTES, _("Toutes les semaines")),
    (PAIRES, _("Les semaines paires (numéro ISO)")),
    (IMPAIRES, _("Les semaines impaires (numéro ISO)")),
    (ALTERNEE, _("Une semaine sur deux, à partir de la semaine indiquée")),
)
# What the second household's parents may do on the shared child.
PERMISSIONS = (P.FAMILLE_VOIR, P.SANTE_VOIR, P.DEMANDE_CREER)
PERMISSIONS_PARTIE = (P.FAMILLE_VOIR, P.SANTE_VOIR)
# Which household booked a cell booked by another than the first.
ATTRIBUT_FOYERS = "planning_foyers"


class FamilleToEnfantPartage(ReferenceType):
    """Objectmap reference: a second household -> a child it shares."""


class FamilleToEnfantAncienPartage(ReferenceType):
    """Objectmap reference: a former second household -> the child it
    shared (its days booked before still billed to it)."""


class Garde(Persistent):
    """One household's planning rights on the shared child."""

    def __init__(self, mode=TOUTES, depuis=None):
        if mode not in dict(MODES):
            raise ValueError(mode)
        if mode == ALTERNEE and depuis is None:
            raise ValueError("depuis")
        self.mode = mode
        # The Monday of the starting week (ALTERNEE only).
        self.depuis = lundi(depuis) if mode == ALTERNEE else None


def lundi(day):
    return day - datetime.timedelta(days=day.weekday())


def semaine_autorisee(mode, depuis, day):
    """Whether a household with the setting (``mode``, ``depuis``) may book
    or declare an absence on ``day`` (a date).  Pure."""
    if mode == TOUTES:
        return True
    if mode in (PAIRES, IMPAIRES):
        paire = day.isocalendar().week % 2 == 0
        return paire if mode == PAIRES else not paire
    if mode == ALTERNEE:
        ecart = (lundi(day) - depuis).days // 7
        return ecart % 2 == 0
    raise ValueError(mode)


def libelle(request, garde, phrase=False):
    """The setting as people read it (``phrase``: inside a sentence)."""
    if garde.mode == ALTERNEE:
        texte = _(
            "Une semaine sur deux, à partir de la semaine ${n} (lundi ${jour})",
            mapping={"n": garde.depuis.isocalendar().week, "jour": dates.courte(garde.depuis)},
        )
    else:
        texte = dict(MODES)[garde.mode]
    texte = request.localizer.translate(texte)
    return texte[:1].lower() + texte[1:] if phrase else texte


# --- Reading the links --------------------------------------------------------


def foyer_principal(enfant):
    return enfant.__parent__.__parent__


def seconds_foyers(enfant):
    """The other households that share ``enfant`` (Famille objects)."""
    objectmap = find_objectmap(enfant)
    if objectmap is None:
        return []
    return list(objectmap.sources(enfant, FamilleToEnfantPartage))


def enfants_partages(famille):
    """The children another household holds and ``famille`` shares."""
    objectmap = find_objectmap(famille)
    if objectmap is None:
        return []
    return list(objectmap.targets(famille, FamilleToEnfantPartage))


def anciens_foyers(enfant):
    """The households that shared ``enfant`` and no longer do."""
    objectmap = find_objectmap(enfant)
    if objectmap is None:
        return []
    return list(objectmap.sources(enfant, FamilleToEnfantAncienPartage))


def enfants_anciennement_partages(famille):
    objectmap = find_objectmap(famille)
    if objectmap is None:
        return []
    return list(objectmap.targets(famille, FamilleToEnfantAncienPartage))


def enfant_du_foyer(famille, nom):
    """The child ``nom`` (its __name__) of ``famille``: one of its own, or
    one it shares or shared (None: none).  What a household's invoice
    lines name (a former share's days stay billed to it)."""
    found = famille["enfants"].get(nom)
    if found is not None:
        return found
    for enfant in [*enfants_partages(famille), *enfants_anciennement_partages(famille)]:
        if enfant.__name__ == nom:
            return enfant
    return None


def enfants_du_foyer(famille):
    """The children of ``famille``: its own, then those it shares."""
    return [*famille["enfants"].values(), *enfants_partages(famille)]


def foyers(enfant):
    """Every household of ``enfant``: its first, then the others."""
    return [foyer_principal(enfant), *seconds_foyers(enfant)]


def est_partage(enfant):
    return bool(getattr(enfant, "gardes", None))


def garde_de(enfant, famille):
    """The setting of ``famille``'s link to ``enfant`` (None: not one of
    its households).  A child shared by nobody: every week for its own."""
    gardes = getattr(enfant, "gardes", None)
    if gardes and famille.__name__ in gardes:
        return gardes[famille.__name__]
    if famille is foyer_principal(enfant):
        return Garde(TOUTES)
    return None


def foyer_de(enfant, famille):
    """``famille`` if it is one of ``enfant``'s households, else None."""
    if famille is None:
        return None
    if famille is foyer_principal(enfant):
        return famille
    return famille if famille in seconds_foyers(enfant) else None


def second_foyer(enfant, famille):
    """Whether ``famille`` is a second household of ``enfant``."""
    return (
        famille is not None
        and famille is not foyer_principal(enfant)
        and famille in seconds_foyers(enfant)
    )


def foyer_du_lecteur(request, enfant):
    """The household a page about ``enfant`` is shown for: the reader's,
    when she is a parent of one of the child's households; else the
    child's first (staff)."""
    return foyer_de(enfant, request.famille) or foyer_principal(enfant)


def peut_planifier(enfant, famille, day):
    """May ``famille`` book (or declare an absence for) ``enfant`` on ``day``?"""
    garde = garde_de(enfant, famille)
    return garde is not None and semaine_autorisee(garde.mode, garde.depuis, day)


def hors_semaine(enfant, famille, day):
    """The French refusal of a booking on ``day`` outside ``famille``'s
    weeks (None: allowed)."""
    if peut_planifier(enfant, famille, day):
        return None
    debut = lundi(day)
    return _(
        "Du lundi ${debut} au dimanche ${fin}, ${enfant} est en garde chez l'autre parent : "
        "seul l'autre foyer peut réserver ou déclarer une absence cette semaine-là.",
        mapping={
            "debut": dates.courte(debut),
            "fin": dates.courte(debut + datetime.timedelta(days=6)),
            "enfant": enfant.prenom,
        },
    )


# --- The cells a second household booked ------------------------------------


def cellules_du_foyer(enfant):
    """(prestation oid, date) -> N° famille of the household that booked
    the cell, for the cells a second household booked (None: none yet).
    Reading never writes."""
    return getattr(enfant, ATTRIBUT_FOYERS, None)


def noter_foyer(enfant, prestation_oid, day, famille):
    """The cell was booked by ``famille``: recorded when it is not the
    child's first household (the default), forgotten otherwise."""
    found = cellules_du_foyer(enfant)
    key = (prestation_oid, day)
    if famille is None or famille is foyer_principal(enfant):
        if found is not None and key in found:
            del found[key]
        return
    if found is None:
        found = OOBTree()
        setattr(enfant, ATTRIBUT_FOYERS, found)
    found[key] = famille.__name__


def foyer_de_la_cellule(enfant, prestation_oid, day):
    """The N° famille billed for the cell."""
    found = cellules_du_foyer(enfant)
    if found is not None:
        numero = found.get((prestation_oid, day))
        if numero is not None:
            return numero
    return foyer_principal(enfant).__name__


def plusieurs_payeurs(enfant):
    """Whether another household than the first booked days of ``enfant``
    (now or before the share ended): its days are billed cell by cell."""
    return bool(cellules_du_foyer(enfant))


def foyers_a_facturer(enfant):
    """The households that may have days of ``enfant`` to bill: its first,
    and the others (present or former) that booked some (a run reads no
    household for nothing)."""
    principal = foyer_principal(enfant)
    found = cellules_du_foyer(enfant)
    if not found:
        return [principal]
    numeros = set(found.values())
    autres = [*seconds_foyers(enfant), *anciens_foyers(enfant)]
    return [principal, *(f for f in autres if f.__name__ in numeros)]


def famille_de_la_cellule(enfant, prestation_oid, day):
    """The Famille billed for the cell (its first household unless a
    second one, present or former, booked it)."""
    principal = foyer_principal(enfant)
    if not plusieurs_payeurs(enfant):
        return principal
    numero = foyer_de_la_cellule(enfant, prestation_oid, day)
    for famille in [*seconds_foyers(enfant), *anciens_foyers(enfant)]:
        if famille.__name__ == numero:
            return famille
    return principal


# --- Linking ------------------------------------------------------------------


class PartageImpossible(ValueError):
    """Why the child cannot be shared with that household (French)."""


def verifier(enfant, famille):
    """Raise PartageImpossible when ``enfant`` cannot be shared with
    ``famille``."""
    principal = foyer_principal(enfant)
    if famille is principal:
        raise PartageImpossible(_("Cet enfant appartient déjà à cette famille."))
    if famille in seconds_foyers(enfant):
        raise PartageImpossible(_("Cet enfant est déjà partagé avec cette famille."))
    if seconds_foyers(enfant):
        raise PartageImpossible(_("Cet enfant est déjà partagé entre deux foyers."))
    if famille.partie_le is not None or enfant.partie_le is not None:
        raise PartageImpossible(_("Cette famille ou cet enfant est archivé."))


def partager(enfant, famille, garde, garde_principal):
    """Share ``enfant`` with the second household ``famille``: the link,
    both households' settings, the child's ACL."""
    verifier(enfant, famille)
    objectmap = find_objectmap(enfant)
    if famille in anciens_foyers(enfant):  # shared again: one link, never two
        objectmap.disconnect(famille, enfant, FamilleToEnfantAncienPartage)
    objectmap.connect(famille, enfant, FamilleToEnfantPartage)
    regler(enfant, famille, garde, garde_principal)
    enfant.update_acl()


def regler(enfant, famille, garde, garde_principal):
    """The weeks of the second household ``famille`` and of the first."""
    enfant._p_activate()
    if "gardes" not in enfant.__dict__:
        enfant.gardes = PersistentMapping()
    enfant.gardes[foyer_principal(enfant).__name__] = garde_principal
    enfant.gardes[famille.__name__] = garde


def retirer(enfant, famille):
    """Stop sharing ``enfant`` with its second household ``famille``: the
    link becomes a former one, the weeks go (the first household books
    every week), the child's ACL no longer names its parents.  What it
    booked is the caller's (``departs.garde``)."""
    if not second_foyer(enfant, famille):
        raise PartageImpossible(_("Cet enfant n'est pas partagé avec cette famille."))
    objectmap = find_objectmap(enfant)
    objectmap.disconnect(famille, enfant, FamilleToEnfantPartage)
    if famille not in anciens_foyers(enfant):
        objectmap.connect(famille, enfant, FamilleToEnfantAncienPartage)
    enfant._p_activate()
    gardes = enfant.__dict__.get("gardes")
    if gardes is not None:
        gardes.pop(famille.__name__, None)
        if not seconds_foyers(enfant):
            gardes.clear()
    enfant.update_acl()


def complement(garde):
    """The first household's setting that goes with the second's ``garde``:
    the other weeks (every week with every week)."""
    if garde.mode == PAIRES:
        return Garde(IMPAIRES)
    if garde.mode == IMPAIRES:
        return Garde(PAIRES)
    if garde.mode == ALTERNEE:
        return Garde(ALTERNEE, garde.depuis + datetime.timedelta(days=7))
    return Garde(TOUTES)


def acl_partage(enfant):
    """The ACL entries the second households' parents get on ``enfant``."""
    found = []
    for famille in seconds_foyers(enfant):
        # an archived household still sees the child, asks nothing more
        permissions = PERMISSIONS if famille.partie_le is None else PERMISSIONS_PARTIE
        found.extend((Allow, get_oid(parent), permissions) for parent in famille.parents())
    return found
