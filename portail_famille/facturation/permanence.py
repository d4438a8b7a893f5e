"""What numbered documents make permanent, and the guard that keeps it.

A régie's invoices, credit notes and payments answer to the Trésor public:
they exist forever, and so do the family that holds them and the children,
prestations and régie they name (a family or a child that leaves the
service is archived: ``portail_famille.departs``).  ``motif(obj)`` answers
"does anything numbered hold or name this?" with the French reason, or
None.  The subscribers below ask it whenever an object is about to be
removed (deleted, moved, renamed: a move is a remove and an add) or added
as a copy (duplicated, pasted), and refuse with ``ContenuPermanent``
before anything changes: an SDI button, a forged POST or a script alike
(a French 403 in a request, its transaction aborted).

What a document names (``references``) is noted on each of these objects
when the document is stored (``REFERENCE``: the first document's number),
so the question costs one attribute read whatever the size of the town;
evolve step15 noted the documents stored before.
"""

import contextlib
import contextvars

from pyramid.traversal import resource_path_tuple
from substanced.event import subscribe_added, subscribe_will_be_added, subscribe_will_be_removed
from substanced.util import find_objectmap

from ..familles.resources import IEnfant, IEnfants, IFamille, IFamilles
from ..i18n import _
from ..structures.resources import IPrestation, IStructure, IStructures
from ..util import ContenuPermanent
from .regies import IRegie, IRegies, regie_de
from .resources import IFacture, IFactures, IOperation, IReglements

# The attribute noting, on what a document names, that document's number.
REFERENCE = "document_numerote"
# Folders that are permanent when one of their contents is.
CONTENEURS = (IFamilles, IEnfants, IStructures, IStructure, IRegies)
EXEMPLES = 3  # numbers named in a family's reason

_reconstruction = contextvars.ContextVar("reconstruction", default=False)


@contextlib.contextmanager
def reconstruction():
    """Lift the guard while an evolve step rebuilds a folder (the same
    objects put back at the same paths) or a test makes an old database:
    never from a request."""
    token = _reconstruction.set(True)
    try:
        yield
    finally:
        _reconstruction.reset(token)


def _est_document(obj):
    # invoices, credit notes, payments, cancellations, refunds
    return IOperation.providedBy(obj)


def references(document):
    """The objects a numbered document names: its régie, and for an
    invoice the children and prestations of its lines."""
    found = []
    regie = regie_de(document)
    if regie is not None:
        found.append(regie)
    if IFacture.providedBy(document):
        enfants = document.famille.get("enfants")
        noms = {cellule[0] for cellule in document.cellules}
        titres = {ligne.get("enfant") for ligne in document.lignes}
        for enfant in enfants.values() if enfants is not None else ():
            if enfant.__name__ in noms or enfant.title in titres:
                found.append(enfant)
        objectmap = find_objectmap(document)
        for oid in {ligne.get("prestation_oid") for ligne in document.lignes}:
            prestation = objectmap.object_for(oid) if oid is not None else None
            if IPrestation.providedBy(prestation):
                found.append(prestation)
    return found


def noter(document):
    """Note ``document``'s number on what it names (once per object: a
    second document writes nothing)."""
    for obj in references(document):
        if getattr(obj, REFERENCE, None) is None:
            setattr(obj, REFERENCE, document.numero)


def _numeros(famille):
    found = []
    for name in ("factures", "reglements"):
        folder = famille.get(name)
        if folder is not None:
            found.extend(folder.keys())
    return found


def motif(obj):
    """Why ``obj`` must stay (a French message), or None: it is a numbered
    document, holds one, or is named by one."""
    if _est_document(obj):
        return _(
            "${numero} est un document numéroté : il ne peut être ni supprimé, ni déplacé, "
            "ni renommé, ni copié (une facture se corrige par un avoir).",
            mapping={"numero": obj.numero},
        )
    if IFactures.providedBy(obj) or IReglements.providedBy(obj):
        for document in obj.values():
            return motif(document)
        return None
    if IFamille.providedBy(obj):
        numeros = _numeros(obj)
        if numeros:
            return _(
                "La famille ${famille} détient des documents numérotés (${numeros}) : elle ne "
                "peut être ni supprimée, ni déplacée, ni renommée, ni copiée. Une famille qui "
                "quitte le service est archivée (onglet Départ).",
                mapping={
                    "famille": obj.title,
                    "numeros": ", ".join(numeros[:EXEMPLES])
                    + ("…" if len(numeros) > EXEMPLES else ""),
                },
            )
        return _contenu(obj, ("enfants",))
    numero = getattr(obj, REFERENCE, None)
    if IEnfant.providedBy(obj) and numero:
        return _(
            "${enfant} figure sur le document numéroté ${numero} : l'enfant ne peut être ni "
            "supprimé, ni déplacé, ni renommé, ni copié. Un enfant qui quitte le service est "
            "archivé (onglet Départ).",
            mapping={"enfant": obj.title, "numero": numero},
        )
    if IPrestation.providedBy(obj) and numero:
        return _(
            "La prestation « ${prestation} » figure sur le document numéroté ${numero} : elle "
            "ne peut être ni supprimée, ni déplacée, ni renommée, ni copiée.",
            mapping={"prestation": obj.title, "numero": numero},
        )
    if IRegie.providedBy(obj) and (numero or obj.sequence.dernier):
        return _(
            "La régie « ${regie} » a émis des documents numérotés (jusqu'au n° ${dernier}) : "
            "elle ne peut être ni supprimée, ni déplacée, ni renommée, ni copiée.",
            mapping={"regie": obj.title, "dernier": obj.sequence.dernier},
        )
    if any(iface.providedBy(obj) for iface in CONTENEURS):
        return _contenu(obj)
    return None


def _contenu(folder, names=None):
    """The reason of the first of ``folder``'s contents (or of its
    ``names``) that must stay."""
    for name in names if names is not None else folder.keys():
        child = folder.get(name)
        found = motif(child) if child is not None else None
        if found is not None:
            return found
    return None


def verifier(obj):
    """Raise ContenuPermanent when ``obj`` must stay."""
    if _reconstruction.get():
        return
    found = motif(obj)
    if found is not None:
        raise ContenuPermanent(found)


@subscribe_will_be_removed()
def avant_retrait(event):
    """Deleted, moved or renamed: refused for what must stay."""
    verifier(event.object)


@subscribe_will_be_added()
def avant_ajout(event):
    """A copy (duplicate, paste) of what must stay is refused: a second
    family holding the same invoices, a second régie with its numbers.
    The folder has already given the copy its oids: they are taken back,
    so that nothing stays even if the caller commits anyway."""
    original = event.duplicating
    if original is None or original is False:
        return
    try:
        verifier(original)
    except ContenuPermanent:
        objectmap = find_objectmap(event.parent)
        if objectmap is not None:
            objectmap.remove(resource_path_tuple(event.parent) + (event.name,))
        raise


@subscribe_added(IOperation)
def document_ajoute(event):
    noter(event.object)
