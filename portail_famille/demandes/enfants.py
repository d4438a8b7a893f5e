"""The parent's "Mes enfants": the family's children, and each child's file
(Identité, Autorisations, Données sanitaires, Inscriptions, Planning) with
a left menu; Inscriptions is read-only (agents manage them in the SDI).  A change is
asked for with the request forms (views.py): ``demande-autorisations`` and
``demande-sanitaires`` on the child, ``ajouter-un-enfant`` on the family.
"""

from pyramid.view import view_config

from .. import dates, inscriptions
from ..familles import partage
from ..familles.resources import IEnfant, IFamille
from ..familles.schemas import SEXES, EnfantSchema
from ..i18n import _, traduire
from ..journal import audit
from ..security import P
from ..skin import sans_sous_chemin
from . import service
from .types import TYPES
from .views import PAGES_ENFANT, _jour, afficher

# The left menu of a child's file: (view name on the Enfant, title).
MENU_ENFANT = (
    ("", _("Identité")),
    (PAGES_ENFANT["autorisations"], _("Autorisations")),
    (PAGES_ENFANT["sanitaires"], _("Données sanitaires")),
    ("inscriptions", _("Inscriptions")),
    ("planning", _("Planning")),  # portail_famille.planning
)
IDENTITE = ("nom", "prenom", "sexe", "date_naissance", "ecole", "classe")


def _identite(request, enfant):
    titles = {node.name: node.title for node in EnfantSchema() if node.name in IDENTITE}
    sexes = dict(SEXES)
    champs = []
    for name in IDENTITE:
        value = getattr(enfant, name, None)
        if name == "sexe":
            texte = traduire(request, sexes.get(value, value or ""))
        else:
            texte = afficher(request, "nouvel_enfant", name, value)
        champs.append({"titre": traduire(request, titles[name]), "texte": texte, "liste": None})
    return champs


def _section(request, enfant, kind):
    section = getattr(enfant, kind.section)
    champs = []
    for name, title in kind.titles().items():
        value = section.get(name)
        liste = None
        texte = afficher(request, kind.nom, name, value)
        if isinstance(value, (list, tuple)):
            liste = [afficher(request, kind.nom, name, [row]) for row in value]
            texte = "" if liste else traduire(request, _("Aucune"))
        champs.append({"titre": traduire(request, title), "texte": texte, "liste": liste})
    return champs


def _fiche(context, request, rubrique):
    sans_sous_chemin(request)
    famille = partage.foyer_du_lecteur(request, context)
    menu = [
        {
            "titre": traduire(request, titre),
            "url": request.resource_path(context, vue) if vue else request.resource_path(context),
            "actif": vue == rubrique,
        }
        for vue, titre in MENU_ENFANT
        # No link to a page the reader may not open (health data).
        if vue != PAGES_ENFANT["sanitaires"] or request.has_permission(P.SANTE_VOIR, context)
    ]
    result = {
        "famille": famille,
        "enfant": context,
        "menu": menu,
        "rubrique": traduire(request, dict(MENU_ENFANT)[rubrique]),
        "modifier": None,
        "attente": None,
        "liste": None,
        "retour": request.resource_path(famille, "mes-enfants"),
        "inscriptions": None,
    }
    if rubrique == "inscriptions":
        libelles = inscriptions.annees_courante_et_suivante(context, dates.today())
        result["champs"] = []
        result["inscriptions"] = [
            dict(ligne, prestation=traduire(request, ligne["prestation"]))
            for ligne in inscriptions.lignes(context, libelles)
        ]
        result["annees"] = libelles
        return result
    if not rubrique:
        result["champs"] = _identite(request, context)
        return result
    nom = {page: nom for nom, page in PAGES_ENFANT.items()}[rubrique]
    kind = TYPES[nom]
    result["champs"] = _section(request, context, kind)
    if (
        request.has_permission(P.DEMANDE_CREER, context)
        and famille is context.__parent__.__parent__
    ):
        result["modifier"] = request.resource_path(context, "demande-" + nom)
    attente = service.en_attente(famille, nom, context.__name__)
    if attente is not None:
        result["attente"] = _jour(attente.date_demande)
        result["liste"] = request.resource_path(
            famille, "liste-des-demandes", query={"onglet": kind.onglet, "type": nom}
        )
    return result


@view_config(context=IEnfant, renderer="templates/enfant.pt", permission=P.FAMILLE_VOIR)
def identite(context, request):
    return _fiche(context, request, "")


@view_config(
    context=IEnfant,
    name=PAGES_ENFANT["autorisations"],
    renderer="templates/enfant.pt",
    permission=P.FAMILLE_VOIR,
)
def autorisations(context, request):
    return _fiche(context, request, PAGES_ENFANT["autorisations"])


@view_config(
    context=IEnfant,
    name=PAGES_ENFANT["sanitaires"],
    renderer="templates/enfant.pt",
    permission=P.SANTE_VOIR,
)
def sanitaires(context, request):
    # Read by staff: audited (a write on GET, on purpose); not by a parent
    # of the child's other household (a shared child, familles.partage).
    if not partage.second_foyer(context, request.famille):
        audit.noter_personnel(request, context.__parent__.__parent__, audit.SANITAIRES, context)
    return _fiche(context, request, PAGES_ENFANT["sanitaires"])


@view_config(
    context=IEnfant,
    name="inscriptions",
    renderer="templates/enfant.pt",
    permission=P.FAMILLE_VOIR,
)
def inscriptions_enfant(context, request):
    return _fiche(context, request, "inscriptions")


@view_config(
    context=IFamille,
    name="mes-enfants",
    renderer="templates/mes_enfants.pt",
    permission=P.FAMILLE_VOIR,
)
def mes_enfants(context, request):
    sans_sous_chemin(request)
    enfants = sorted(
        # its own children, and those another household shares with it
        [*context["enfants"].values(), *partage.enfants_partages(context)],
        key=lambda e: (e.date_naissance is None, e.date_naissance or 0, e.prenom),
    )
    lignes = [
        {
            "prenom": enfant.prenom,
            "url": request.resource_path(enfant),
            "nom": enfant.nom,
            "date_naissance": afficher(
                request, "nouvel_enfant", "date_naissance", enfant.date_naissance
            ),
            "ecole": enfant.ecole,
            "classe": enfant.classe,
        }
        for enfant in enfants
    ]
    return {
        "famille": context,
        "lignes": lignes,
        "ajouter": (
            request.resource_path(context, "ajouter-un-enfant")
            if request.has_permission(P.DEMANDE_CREER, context)
            else None
        ),
        "liste": request.resource_path(context, "liste-des-demandes", query={"onglet": "enfants"}),
    }
