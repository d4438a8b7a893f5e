"""The families' indexes of the ``portail`` catalog (``catalogue``): what
the staff's search by name queries (``recherche``).

``famille_mots`` holds each family's mots (``recherche.mots_famille``) in a
keyword index whose keys are sorted: a prefix is a range of keys.  It
depends on the children as well: a child added or changed reindexes its
family (``reindexer_famille``, subscribed by the domain's includeme).
``famille_tri`` is the folded family name the results are sorted by."""

from substanced.catalog import IndexFactory, indexview, indexview_defaults
from substanced.catalog.factories import Field
from substanced.catalog.indexes import KeywordIndex
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
        """The docids with, for each of ``prefixes``, a mot it begins."""
        resultat = None
        for prefixe in prefixes:
            trouves = self.commencant_par(prefixe)
            resultat = (
                trouves if resultat is None else self.family.IF.intersection(resultat, trouves)
            )
            if not resultat:
                break
        return resultat if resultat is not None else self.family.IF.Set()


class Mots(IndexFactory):
    index_type = IndexMots


INDEXES = {
    "famille_mots": Mots(action_mode=MODE_IMMEDIATE),
    "famille_tri": Field(action_mode=MODE_IMMEDIATE),
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
