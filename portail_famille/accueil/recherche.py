"""The staff's search by name (root view ``@@recherche``): one box, the
families a caller may be (family name, parents' and children's first
names, N° famille, email, phone; any case, accents or not, a beginning is
enough), each with its children and its state, linked to its record.

The search itself is the families' domain's (``familles.catalog``: sorted
mots, a prefix is a key range); the state shows the requests waiting
(``demandes``), hence this module sits above both.  The box is a macro
(``templates/recherche_formulaire.pt``) other staff pages include.

A page of results reads no family, child or request: each row comes from
the family's summary kept in the catalog (``familles.catalog.resume``),
the waiting requests of the page's families from one catalog query.  Its tab
bar is the staff's own (``onglets``), not SubstanceD's (which checks every
management view of the root: two thirds of the page's time)."""

from pyramid.renderers import get_renderer
from substanced.interfaces import IRoot
from substanced.sdi import mgmt_view
from substanced.util import find_catalog

from .. import dates
from ..catalogue import CATALOG
from ..demandes.service import nombre_en_attente
from ..familles.catalog import chercher, resumes
from ..i18n import _
from ..planning.sdi.telephone import lien_famille
from ..security import P
from . import onglets

# The families shown at most (sorted by name); more: the staff refine.
LIMITE = 20
LONGUEUR_MAX = 100
FORMULAIRE = "portail_famille.accueil:templates/recherche_formulaire.pt"


def formulaire():
    """The search box's macro, for any staff page: ``metal:use-macro``."""
    return get_renderer(FORMULAIRE).implementation().macros["formulaire"]


def resultats(request, catalog, docids, jour):
    """What each result shows (names, children, state, link), from the
    families' summaries (``familles.catalog.resumes``): no family, child
    or request is loaded."""
    traduire = request.localizer.translate
    lignes = [r for r in resumes(catalog, docids) if r is not None]
    attente = nombre_en_attente(catalog, [r[0] for r in lignes]) if lignes else {}
    familles = request.root["familles"]
    # A child links to its tab "Réserver" for whom may book for a family.
    reserver = bool(request.has_permission(P.PLANNING_TRAITER, familles))
    found = []
    for numero, responsable, conjoint, partie_le, enfants in lignes:
        noms = []
        for prenom, naissance in enfants:
            age = dates.age(naissance, jour)
            texte = (
                traduire(_("${prenom}, ${age} ans", mapping={"prenom": prenom, "age": age}))
                if age is not None
                else prenom
            )
            url = lien_famille(request, numero, prenom) if reserver and not partie_le else None
            noms.append({"texte": texte, "url": url})
        if partie_le is not None:
            etat = traduire(_("Partie le ${jour}", mapping={"jour": dates.courte(partie_le)}))
        else:
            etat = traduire(_("Active"))
        nombre = attente.get(numero, 0)
        found.append(
            {
                "numero": numero,
                "responsable": responsable,
                "conjoint": conjoint,
                "enfants": noms,
                "etat": etat,
                "partie": partie_le is not None,
                "attente": (
                    traduire(_("${nombre} demande(s) en attente", mapping={"nombre": nombre}))
                    if nombre
                    else ""
                ),
                "url": request.sdiapi.mgmt_path(familles, numero, "@@fiche"),
            }
        )
    return found


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
    catalog = find_catalog(context, CATALOG)
    total, docids = chercher(catalog, requete, LIMITE) if requete else (0, [])
    trouves = resultats(request, catalog, docids, dates.today())
    traduire = request.localizer.translate
    if not requete:
        resume = ""
    elif not total:
        resume = traduire(_("Aucune famille trouvée."))
    elif total > len(trouves):
        resume = traduire(
            _(
                "${total} familles trouvées : les ${nombre} premières par nom. "
                "Précisez la recherche.",
                mapping={"total": total, "nombre": len(trouves)},
            )
        )
    else:
        resume = traduire(_("${total} famille(s) trouvée(s).", mapping={"total": total}))
    return {
        "q": requete,
        "resume": resume,
        "resultats": trouves,
        "formulaire": formulaire(),
        "onglets": onglets.barre(request, "recherche"),
        "macro_onglets": onglets.macro(),
    }
