"""The staff's dashboard of the day (``accueil.tableau``): the role table
is written again (its permission for agents, régisseurs and editors; the
messaging for régisseurs), and the ``portail`` catalog gets the index of
the children with a health alert (``accueil.sante``), filled from every
family."""

from substanced.util import find_service

from ..familles.resources import IFamille
from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
    catalog = find_service(root, "catalogs")["portail"]
    # The new index (empty), then the families only: reindexing the whole
    # catalog would read every request and message of the town.
    catalog.update_indexes(registry=registry, reindex=False, output=False)
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        if IFamille.providedBy(famille):
            catalog.reindex_resource(famille)
