"""The staff's search by name (root view ``@@recherche``): one box, the
families a caller may be (family name, parents' and children's first
names, N° famille, email, phone; any case, accents or not, a beginning is
enough), each with its children and its state, linked to its record.

The search itself is the families' domain's (``familles.catalog``: sorted
mots, a prefix is a key range); the state shows the requests waiting
(``demandes``), hence this module sits above both.  The box is a macro
(``templates/recherche_formulaire.pt``) other staff pages include."""

from pyramid.renderers import get_renderer
from substanced.interfaces import IRoot
from substanced.sdi import mgmt_view
from substanced.util import find_catalog, find_objectmap

from .. import dates
from ..catalogue import CATALOG
from ..demandes.service import nombre_en_attente
from ..familles.catalog import chercher, enfants_de
from ..i18n import _
from ..security import P

# The families shown at most (sorted by name); more: the staff refine.
LIMITE = 50
LONGUEUR_MAX = 100
FORMULAIRE = "portail_famille.accueil:templates/recherche_formulaire.pt"


def formulaire():
    """The search box's macro, for any staff page: ``metal:use-macro``."""
    return get_renderer(FORMULAIRE).implementation().macros["formulaire"]


def _personne(personne):
    return " ".join(p for p in (personne.get("nom"), personne.get("prenom")) if p)


def resultat(request, famille, jour):
    """What a result shows of ``famille``: names, children, state, link."""
    traduire = request.localizer.translate
    enfants = []
    for enfant in enfants_de(famille):
        age = dates.age(enfant.date_naissance, jour)
        enfants.append(
            traduire(_("${prenom}, ${age} ans", mapping={"prenom": enfant.prenom, "age": age}))
            if age is not None
            else enfant.prenom
        )
    if famille.partie_le is not None:
        etat = traduire(_("Partie le ${jour}", mapping={"jour": dates.courte(famille.partie_le)}))
    else:
        etat = traduire(_("Active"))
    attente = nombre_en_attente(famille)
    return {
        "numero": famille.numero,
        "responsable": _personne(famille.responsable),
        "conjoint": _personne(famille.conjoint),
        "enfants": enfants,
        "etat": etat,
        "partie": famille.partie_le is not None,
        "attente": (
            traduire(_("${nombre} demande(s) en attente", mapping={"nombre": attente}))
            if attente
            else ""
        ),
        "url": request.sdiapi.mgmt_path(famille, "@@properties"),
    }


@mgmt_view(
    context=IRoot,
    name="recherche",
    tab_title=_("Recherche"),
    permission=P.FAMILLE_RECHERCHER,
    renderer="templates/recherche.pt",
    request_method="GET",
)
def recherche(context, request):
    requete = request.GET.get("q", "")
    requete = requete.strip()[:LONGUEUR_MAX] if isinstance(requete, str) else ""
    total, docids = (
        chercher(find_catalog(context, CATALOG), requete, LIMITE) if requete else (0, [])
    )
    objectmap = find_objectmap(context)
    jour = dates.today()
    resultats = [resultat(request, objectmap.object_for(docid), jour) for docid in docids]
    traduire = request.localizer.translate
    if not requete:
        resume = ""
    elif not total:
        resume = traduire(_("Aucune famille trouvée."))
    elif total > len(resultats):
        resume = traduire(
            _(
                "${total} familles trouvées : les ${nombre} premières par nom. "
                "Précisez la recherche.",
                mapping={"total": total, "nombre": len(resultats)},
            )
        )
    else:
        resume = traduire(_("${total} famille(s) trouvée(s).", mapping={"total": total}))
    return {
        "q": requete,
        "resume": resume,
        "resultats": resultats,
        "formulaire": formulaire(),
    }
