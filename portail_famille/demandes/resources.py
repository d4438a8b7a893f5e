"""Demande: a change a family asks for, with its state and its history."""

import datetime
import secrets
import string

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.security import Deny, Everyone
from substanced.content import content
from substanced.folder import RandomAutoNamingFolder
from substanced.util import get_oid
from zope.interface import Interface, implementer

from .. import dates
from ..catalogue_systeme import INomAleatoire
from ..i18n import _
from ..util import objet
from .types import TYPES

EN_ATTENTE = "en_attente"
ACCEPTEE = "acceptee"
REFUSEE = "refusee"
REMPLACEE = "remplacee"  # a newer request of the same kind replaced it
LISTE_ATTENTE = "liste_attente"  # a reservation waiting for a place
# Staff asked the family for a missing document (``pieces``): the request
# waits for the family, then comes back to the queue.
ATTENTE_FAMILLE = "attente_famille"

ETATS = {
    EN_ATTENTE: _("En attente"),
    ACCEPTEE: _("Acceptée"),
    REFUSEE: _("Refusée"),
    REMPLACEE: _("Remplacée"),
    LISTE_ATTENTE: _("Liste d'attente"),
    ATTENTE_FAMILLE: _("Document demandé à la famille"),
}


class IDemandes(Interface):
    pass


class IDemande(Interface):
    pass


@content("Demandes", icon="glyphicon glyphicon-inbox")
@implementer(IDemandes)
class Demandes(RandomAutoNamingFolder):
    """The requests of one family (kept: history and audit).

    Two kinds live here under one set of names.  Content (``add_next``):
    the changes to the record, in the objectmap and the catalogs (the
    staff queue is a query).  And the register (``registre``): the
    planning's reservations and absences, whatever their state, plain
    records of the family with no oid and no catalog entry, so that the
    opening morning's reservations write nothing the whole town shares
    (``cycle.consigner``; docs/dimensionnement.md).  Those waiting for an
    agent are listed by the module ``demandes.registre``, those waiting
    for a place by their day's list (``planning.attente``).  A record's
    name sorts by its date (``nom_consigne``): the family's list reads its
    register newest first.  Reading the folder (``[]``, ``get``, ``in``,
    ``values()``...) sees both kinds."""

    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Demandes")
    # A folder made before evolve step49 has none: read as empty by the
    # steps before it (step40 reads every request).
    registre = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.registre = OOBTree()  # its own from the start: never made by two parents at once

    def __sdi_addable__(self, context, introspectable):
        return False

    def consigne(self, name, demande):
        """Keep ``demande`` in the register under ``name``."""
        if name in self.data or name in self.registre:
            raise KeyError(name)
        demande.__parent__ = self
        demande.__name__ = name
        demande.__acl__ = ACL_CONSIGNEE
        self.registre[name] = demande

    def consignes(self):
        """The register's records, oldest first."""
        return self.registre.values() if self.registre is not None else ()

    def consignes_recentes(self):
        """The register's records, newest first, lazily: one descent of the
        tree for each (``maxKey`` below the last name)."""
        tree = self.registre
        try:
            name = tree.maxKey() if tree else None
        except ValueError:
            name = None
        while name is not None:
            yield tree[name]
            try:
                # The greatest name before ``name``: every name has the same
                # length (``nom_consigne``), so none falls between.
                name = tree.maxKey(name[:-1] + chr(ord(name[-1]) - 1))
            except ValueError:
                name = None

    def __getitem__(self, name):
        try:
            return super().__getitem__(name)
        except KeyError:
            if self.registre is None:
                raise
            return self.registre[name.decode() if isinstance(name, bytes) else name]

    def get(self, name, default=None):
        found = super().get(name, _RIEN)
        if found is _RIEN:
            found = self.registre.get(name, default) if self.registre is not None else default
        return found

    def __contains__(self, name):
        return super().__contains__(name) or (self.registre is not None and name in self.registre)

    def __len__(self):
        return super().__len__() + (len(self.registre) if self.registre is not None else 0)

    def keys(self):
        return list(super().keys()) + (list(self.registre.keys()) if self.registre else [])

    def __iter__(self):
        return iter(self.keys())

    def values(self):
        return list(super().values()) + (list(self.registre.values()) if self.registre else [])

    def items(self):
        return list(super().items()) + (list(self.registre.items()) if self.registre else [])


_RIEN = object()

# A record of the register is not content: it has no ACL of its own to
# edit (its family's applies) and no catalog entry to show, and
# SubstanceD's Security and Indexing tabs need an oid: neither tab is
# offered, and their URL is refused (403) rather than failing.
ACL_CONSIGNEE = ((Deny, Everyone, ("sdi.change-acls", "sdi.manage-catalog")),)


def consignee(demande):
    """Is ``demande`` a record of its family's register (not content)?"""
    return get_oid(demande, None) is None


def nom_consigne(date_demande):
    """A register's name: "J", the request's UTC time to the microsecond,
    then 4 random characters (two records of the same microsecond).  It
    sorts by date, and never equals a content's 7-character random name."""
    moment = date_demande.astimezone(datetime.UTC)
    alea = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(4))
    return "J%s%s" % (moment.strftime("%Y%m%d%H%M%S%f"), alea)


@content("Demande", icon="glyphicon glyphicon-envelope", catalog=True)
@implementer(IDemande, INomAleatoire)
class Demande(Persistent):
    """``valeurs``: the values asked for; ``anciennes``: the record's values
    when the request was made.  Both are plain dicts, never changed after."""

    _etat = EN_ATTENTE  # written by ``cycle`` only: see ``etat``
    motif_refus = ""
    # The agent's reason of an acceptance, when he gave one (a late absence
    # accepted as "Absent excusé": ``planning.justificatifs``).
    motif_acceptation = ""
    date_traitement = None
    traite_par = None
    # The child's __name__ in famille["enfants"] for a request about a
    # child's section; None for the family record (and requests made
    # before children had requests).
    enfant = None
    # A reservation or absence (``planning.service``): the Prestation's
    # oid, the day, whether it was made after the deadline, and the cell's
    # state before the request (given back when it is refused).
    prestation = None
    jour = None
    hors_delai = False
    etat_cellule_avant = None
    # Supporting documents (``pieces.Piece``, a PersistentList made by
    # ``pieces.joindre``: none before; a late absence's medical
    # certificate among them, moved there by evolve step40 from the
    # ``justificatif`` attribute it had) and the document staff asked for
    # ({"nature", "message", "date", "par"}, ``cycle.demander_document``).
    pieces = ()
    document_demande = None

    def __init__(self, type_demande, valeurs, anciennes, date_demande, demandeur, enfant=None):
        self.type_demande = type_demande
        if enfant is not None:
            self.enfant = enfant
        self.valeurs = dict(valeurs)
        self.anciennes = dict(anciennes)
        self.date_demande = date_demande
        self.demandeur = demandeur

    @property
    def etat(self):
        """The request's state (``ETATS``)."""
        return self._etat

    @etat.setter
    def etat(self, value):
        # One lifecycle: a state changes through ``demandes.cycle`` (its
        # table of transitions, its journal entry), never by assignment.
        raise AttributeError("a request's state changes through portail_famille.demandes.cycle")

    @property
    def type(self):
        return TYPES[self.type_demande]

    @property
    def famille(self):
        return self.__parent__.__parent__

    # A request of a second household about the child it shares
    # (``familles.partage``): the child's oid, as it is held by another.
    enfant_oid = None

    def objet_enfant(self):
        """The Enfant this request is about (None if none, or removed)."""
        if self.enfant is None:
            return None
        if self.enfant_oid is not None:
            return objet(self, self.enfant_oid)
        return self.famille["enfants"].get(self.enfant)

    def section_actuelle(self):
        """The record's current values of what this request changes: the
        Famille's or the child's section; nothing for a new child."""
        kind = self.type
        if kind.section is None:  # a new child, a day of the planning, a mandate
            return kind.actuelles(self.famille) if kind.actuelles is not None else {}
        if kind.pour_enfant:
            enfant = self.objet_enfant()
            return getattr(enfant, kind.section) if enfant is not None else {}
        return getattr(self.famille, kind.section)

    @property
    def nom_enfant(self):
        """The child's first and last name ('' for the family record)."""
        if self.type.nouvel_enfant:
            return " ".join(p for p in (self.valeurs.get("prenom"), self.valeurs.get("nom")) if p)
        enfant = self.objet_enfant()
        return enfant.title if enfant is not None else ""

    @property
    def prenom_enfant(self):
        if self.type.nouvel_enfant:
            return self.valeurs.get("prenom", "")
        enfant = self.objet_enfant()
        return enfant.prenom if enfant is not None else ""

    @property
    def numero_famille(self):
        return self.famille.__name__

    @property
    def cellule(self):
        """ "<prestation oid>:<AAAA-MM-JJ>" for a reservation or absence."""
        if self.jour is None:
            return None
        return "%s:%s" % (self.prestation, self.jour.isoformat())

    @property
    def titre_etat(self):
        return ETATS[self.etat]

    @property
    def title(self):
        moment = dates.moment(self.date_demande)
        return "%s — %s" % (self.type_demande, moment)

    # its name in the SDI's breadcrumbs, not its random ``__name__``
    sdi_title = title

    def changements(self):
        """[(field, title, old, new)] for the fields this request changes."""
        titles = self.type.titles()
        return [
            (name, titles.get(name, name), self.anciennes.get(name), value)
            for name, value in self.valeurs.items()
            if self.anciennes.get(name) != value
        ]

    def resume(self):
        """[(title, value)] of a reservation or absence: what it asks for
        (activity, date, reason), the values only (there is no "before")."""
        titles = self.type.titles()
        return [(titles[name], value) for name, value in self.valeurs.items() if value]

    def champs_modifies_depuis(self, changements=None):
        """The changed fields whose value in the record is no longer the one
        the request was made against; ``changements``: this request's
        ``changements()`` when the caller has them already."""
        section = self.section_actuelle()
        if changements is None:
            changements = self.changements()
        return [name for name, _title, old, _new in changements if section.get(name) != old]
