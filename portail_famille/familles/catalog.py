"""The families' indexes of the ``portail`` catalog (``catalogue``): what
the staff's search by name queries (``recherche``).

``famille_mots`` holds each family's mots (``recherche.mots_famille``) in a
keyword index whose keys are sorted: a prefix is a range of keys.  It
depends on the children as well: a child added or changed reindexes its
family (``reindexer_famille``, subscribed by the domain's includeme).
``famille_tri`` is the folded family name the results are sorted by.
``famille_resume`` keeps what a result shows (``resume``): the search
shows a page of families without loading them or their children."""

from substanced.catalog import IndexFactory, indexview, indexview_defaults
from substanced.catalog.factories import Field
from substanced.catalog.indexes import FieldIndex, KeywordIndex
from substanced.interfaces import MODE_IMMEDIATE
from substanced.util import find_catalog

from ..catalogue import CATALOG
from . import recherche
from .resources import IFamille

# Above every mot: the end of a prefix's key range.
_FIN = "\U0010ffff"


class IndexMots(KeywordIndex):
    """A keyword index that also answers "a mot beginning with ...": the
    forward index is a BTree of the mots, so a prefix is a key range."""

    def commencant_par(self, prefixe):
        """The docids of the documents with a mot beginning with ``prefixe``."""
        fwd = self._fwd_index
        ensembles = list(fwd.values(min=prefixe, max=prefixe + _FIN))
        return self.family.IF.multiunion(ensembles)

    def chercher(self, prefixes):
        """The docids with, for each of ``prefixes``, a mot it begins:
        the smallest sets intersected first, stopping at an empty one."""
        ensembles = sorted((self.commencant_par(p) for p in set(prefixes)), key=len)
        if not ensembles:
            return self.family.IF.Set()
        resultat = ensembles[0]
        for trouves in ensembles[1:]:
            if not resultat:
                break
            resultat = self.family.IF.intersection(resultat, trouves)
        return resultat


class IndexResume(FieldIndex):
    """docid -> a value only read back (``resume``), never queried: the
    reverse mapping of a field index without its forward one."""

    def index_doc(self, docid, value):
        value = self.discriminate(value, None)
        if value is None:
            self.unindex_doc(docid)
            return
        if docid not in self._rev_index:
            self._num_docs.change(1)
        self._rev_index[docid] = value

    def unindex_doc(self, docid):
        if self._rev_index.pop(docid, None) is not None:
            self._num_docs.change(-1)

    def resume(self, docid):
        return self._rev_index.get(docid)


class Mots(IndexFactory):
    index_type = IndexMots


class Resume(IndexFactory):
    index_type = IndexResume


INDEXES = {
    "famille_mots": Mots(action_mode=MODE_IMMEDIATE),
    "famille_tri": Field(action_mode=MODE_IMMEDIATE),
    "famille_resume": Resume(action_mode=MODE_IMMEDIATE),
}


def enfants_de(famille):
    enfants = famille.get("enfants") if hasattr(famille, "get") else None
    return list(enfants.values()) if enfants is not None else []


@indexview_defaults(catalog_name=CATALOG)
class FamilleIndexViews:
    def __init__(self, resource):
        self.resource = resource

    @indexview(context=IFamille)
    def famille_mots(self, default):
        return recherche.mots_famille(self.resource, enfants_de(self.resource))

    @indexview(context=IFamille)
    def famille_tri(self, default):
        responsable = self.resource.responsable
        return recherche.plier(
            "%s %s" % (responsable.get("nom", ""), responsable.get("prenom", ""))
        )

    @indexview(context=IFamille)
    def famille_resume(self, default):
        return resume(self.resource, enfants_de(self.resource))


def _personne(personne):
    personne = personne or {}
    return " ".join(p for p in (personne.get("nom"), personne.get("prenom")) if p)


def resume(famille, enfants):
    """What a search result shows of ``famille`` (plain values, kept in the
    catalog): (numero, responsable, conjoint, partie_le, ((prenom,
    date_naissance), ...) of its children)."""
    return (
        famille.__name__,
        _personne(famille.responsable),
        _personne(getattr(famille, "conjoint", None)),
        famille.partie_le,
        tuple((e.prenom, e.date_naissance) for e in enfants),
    )


def famille_de(enfant):
    """The Famille of ``enfant`` (Famille > Enfants > Enfant), or None."""
    dossier = getattr(enfant, "__parent__", None)
    famille = getattr(dossier, "__parent__", None)
    return famille if IFamille.providedBy(famille) else None


def reindexer_famille(event, *_objets):
    """A child added, changed or removed: its family's mots change."""
    famille = famille_de(event.object) if event.object is not None else None
    if famille is None:
        famille = getattr(event, "parent", None)
        famille = getattr(famille, "__parent__", None)
        if not IFamille.providedBy(famille):
            return
    catalog = find_catalog(famille, CATALOG)
    if catalog is not None and getattr(famille, "__oid__", None) is not None:
        catalog.reindex_resource(famille)


def reindexer_partie(event, *_objets):
    """A family's ACL changed (it left, or came back): its summary's state."""
    famille = event.object
    catalog = find_catalog(famille, CATALOG)
    if catalog is not None and getattr(famille, "__oid__", None) is not None:
        catalog.reindex_resource(famille)


def chercher(catalog, requete, limite):
    """(total, docids of the first ``limite`` families by name) of the
    families ``requete`` finds; (0, []) for an empty query."""
    prefixes = recherche.mots_requete(requete)
    if not prefixes:
        return 0, []
    docids = catalog["famille_mots"].chercher(prefixes)
    total = len(docids)
    if not total:
        return 0, []
    return total, list(catalog["famille_tri"].sort(docids, limit=limite))


def resumes(catalog, docids):
    """The ``resume`` of each family of ``docids`` (None: not indexed)."""
    index = catalog["famille_resume"]
    return [index.resume(docid) for docid in docids]
