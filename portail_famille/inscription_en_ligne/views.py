"""The parent's page "Inscriptions": the activities open for enrolment,
then the request for one child (its answers, its documents, the règlement
intérieur accepted), sent to the service's queue as a "Demande
d'inscription" of "Liste des demandes".

The form is ours (its questions and documents vary by activity): each
error is shown next to its field, in French; every document is checked by
its content (``fichiers``: PDF, JPEG or PNG, 5 Mo at most).  A refused
file is not kept: the parent sends it again with the corrected form.
"""

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config
from substanced.util import find_catalog, find_objectmap, get_oid

from .. import fichiers
from ..demandes import pieces
from ..demandes.catalog import CATALOG
from ..demandes.cycle import EN_COURS
from ..familles import limites
from ..familles.resources import IFamille
from ..i18n import _, traduire
from ..inscriptions import cle
from ..security import P
from ..skin import sans_sous_chemin
from ..skin.tweens import DEFAULT_MAX_BODY, DEFAULT_MAX_UPLOAD
from ..structures.schemas import JOURS
from . import resources, service

REPONSE_MAX = 500
VUE = "inscriptions"
RENDERER = "templates/inscriptions.pt"


def envoi_max(settings):
    return max(
        int(settings.get("portail.max_body", DEFAULT_MAX_BODY)),
        int(settings.get("portail.max_upload", DEFAULT_MAX_UPLOAD)),
    )


def _enfants(famille):
    """The family's children who may be enrolled (not archived)."""
    return [e for e in famille["enfants"].values() if e.partie_le is None]


def deja_demandee(famille, enfant, prestation_oid, annee):
    """A request of this child for this activity and year still in
    progress (the family's requests of this type only)."""
    catalog = find_catalog(famille, CATALOG)
    query = catalog["famille"].eq(famille.__name__) & catalog["demande_type"].eq(service.TYPE)
    objectmap = find_objectmap(famille)
    for oid in query.execute().ids:
        demande = objectmap.object_for(oid)
        if (
            demande is not None
            and demande.etat in EN_COURS
            and demande.enfant == enfant.__name__
            and demande.prestation == prestation_oid
            and getattr(demande, "annee_inscription", None) == annee
        ):
            return True
    return False


def _offres(request, famille):
    rows = []
    for prestation, ouverture in service.ouvertes(famille):
        rows.append(
            {
                "cle": service.cle_offre(prestation, ouverture),
                "structure": prestation.structure.title,
                "prestation": prestation.title,
                "annee": ouverture.annee,
                "periode": ouverture.periode,
                "restantes": service.places_restantes(prestation, ouverture),
            }
        )
    return rows


def _page(context, request):
    sans_sous_chemin(request)
    return {
        "famille": context,
        "offres": _offres(request, context),
        "enfants": [(e.__name__, e.title) for e in _enfants(context)],
        "action": request.resource_path(context, VUE),
        "formulaire": None,
    }


def _choisis(context, request, params):
    """(enfant, prestation, ouverture) chosen in ``params``, or None."""
    nom = params.get("enfant")
    enfant = context["enfants"].get(nom) if isinstance(nom, str) else None
    if enfant is None or enfant.partie_le is not None:
        return None
    key = params.get("offre")
    found = service.offre(context, key) if isinstance(key, str) else None
    if found is None:
        return None
    return (enfant, *found)


def _formulaire(request, context, enfant, prestation, ouverture, erreurs=None, saisies=None):
    translate = request.localizer.translate
    saisies = saisies or {}
    erreurs = erreurs or {}
    noms_jours = dict(JOURS)
    return {
        "enfant": enfant.__name__,
        "enfant_nom": enfant.title,
        "offre": service.cle_offre(prestation, ouverture),
        "activite": service.nom(prestation),
        "annee": ouverture.annee,
        "periode": ouverture.periode,
        "restantes": service.places_restantes(prestation, ouverture),
        "jours": [
            {
                "valeur": j,
                "titre": translate(noms_jours[j]),
                "coche": j in saisies.get("jours", ()),
            }
            for j, _n in JOURS
            if j in prestation.jours
        ],
        "questions": [
            {
                "nom": "question-%d" % i,
                "titre": question,
                "oui_non": kind == resources.OUI_NON,
                "valeur": saisies.get("question-%d" % i, ""),
                "erreur": erreurs.get("question-%d" % i),
            }
            for i, (question, kind) in enumerate(ouverture.questions)
        ],
        "pieces": [
            {
                "nom": "piece-%s" % nature,
                "titre": translate(pieces.NATURES[nature]),
                "erreur": erreurs.get("piece-%s" % nature),
            }
            for nature in ouverture.pieces
            if nature in pieces.NATURES
        ],
        "reglement_version": ouverture.reglement_version,
        "reglement_texte": [p for p in ouverture.reglement_texte.split("\n") if p.strip()],
        "reglement_fichier": (
            request.resource_path(
                context,
                "inscriptions-reglement",
                query={"offre": service.cle_offre(prestation, ouverture)},
            )
            if ouverture.reglement_fichier is not None
            else None
        ),
        "erreurs": {k: v for k, v in erreurs.items() if k in ("general", "accepte", "jours")},
        # a form sent back with errors keeps no file: they are sent again
        "renvoyer": bool(erreurs),
        "taille_max": fichiers.TAILLE_MAX // fichiers.MO,
        # what one form may carry in all (``skin.tweens``: a larger one is
        # refused as a whole, before any field is read)
        "taille_envoi": envoi_max(request.registry.settings) // fichiers.MO,
    }


@view_config(
    context=IFamille,
    name=VUE,
    renderer=RENDERER,
    permission=P.DEMANDE_CREER,
    request_method="GET",
)
def inscriptions(context, request):
    """The activities open for enrolment; with a child and an activity
    chosen (``enfant``, ``offre``), the request's form."""
    result = _page(context, request)
    if "offre" in request.GET or "enfant" in request.GET:
        choisis = _choisis(context, request, request.GET)
        if choisis is None:
            result["erreur_choix"] = request.localizer.translate(
                _("Choisissez un enfant et une activité ouverte à l'inscription.")
            )
        else:
            result["formulaire"] = _formulaire(request, context, *choisis)
    return result


def _verifier(request, famille, enfant, prestation, ouverture):
    """The form's values checked: (errors, what was typed, jours,
    reponses, documents)."""
    post = request.POST
    translate = request.localizer.translate
    erreurs = {}
    saisies = {}
    oid = get_oid(prestation)
    if service.places_restantes(prestation, ouverture) <= 0:
        erreurs["general"] = translate(service.Complet.message)
    elif cle(ouverture.annee, oid) in enfant.inscriptions:
        erreurs["general"] = translate(
            _(
                "${prenom} est déjà inscrit(e) à cette activité pour ${annee}.",
                mapping={"prenom": enfant.prenom, "annee": ouverture.annee},
            )
        )
    elif deja_demandee(famille, enfant, oid, ouverture.annee):
        erreurs["general"] = translate(
            _(
                "Une demande d'inscription de ${prenom} à cette activité est déjà en cours.",
                mapping={"prenom": enfant.prenom},
            )
        )
    jours = [j for j in post.getall("jours") if isinstance(j, str)]
    saisies["jours"] = jours
    if not set(jours) <= set(prestation.jours):
        erreurs["jours"] = translate(_("Choix invalide."))
    reponses = []
    for i, (question, kind) in enumerate(ouverture.questions):
        name = "question-%d" % i
        value = post.get(name, "")
        value = " ".join(value.split()) if isinstance(value, str) else ""
        saisies[name] = value
        if kind == resources.OUI_NON:
            if value not in ("oui", "non"):
                erreurs[name] = translate(_("Répondez par oui ou par non."))
            else:
                reponses.append((question, translate(_("Oui") if value == "oui" else _("Non"))))
        elif not value:
            erreurs[name] = translate(_("Ce champ est obligatoire."))
        elif len(value) > REPONSE_MAX:
            erreurs[name] = translate(_("Au plus ${max} caractères.", mapping={"max": REPONSE_MAX}))
        else:
            reponses.append((question, value))
    documents = []
    for nature in ouverture.pieces:
        name = "piece-%s" % nature
        try:
            envoye = pieces.recevoir(request, famille, post.get(name))
        except fichiers.FichierRefuse as refus:
            erreurs[name] = traduire(request, refus.args[0])
            continue
        if envoye is None:
            erreurs[name] = translate(_("Joignez ce document (PDF, JPEG ou PNG)."))
            continue
        documents.append((nature, *envoye))
    if post.get("accepte") != "oui":
        erreurs["accepte"] = translate(
            _("Vous devez accepter le règlement intérieur pour envoyer la demande.")
        )
    elif post.get("version") != ouverture.reglement_version:
        erreurs["accepte"] = translate(
            _("Le règlement intérieur a changé depuis l'affichage de la page : relisez-le.")
        )
    return erreurs, saisies, jours, reponses, documents


@view_config(
    context=IFamille,
    name=VUE,
    renderer=RENDERER,
    permission=P.DEMANDE_CREER,
    request_method="POST",
    request_param="envoyer",
)
def envoyer(context, request):
    """The request sent: checked, then deposited with its documents."""
    result = _page(context, request)
    choisis = _choisis(context, request, request.POST)
    if choisis is None:
        request.response.status = 400
        result["erreur_choix"] = request.localizer.translate(
            _("Cette activité n'est plus ouverte à l'inscription : choisissez-en une autre.")
        )
        return result
    enfant, prestation, ouverture = choisis
    erreurs, saisies, jours, reponses, documents = _verifier(
        request, context, enfant, prestation, ouverture
    )
    if not erreurs:
        try:
            limites.compter(request.registry.settings, context, limites.DEMANDES)
        except limites.LimiteAtteinte as refus:
            limites.reessayer(request.response, refus)
            erreurs["general"] = traduire(request, refus.args[0])
    if erreurs:
        if request.response.status_int == 200:  # else 429: a family's limit
            request.response.status = 400
        result["formulaire"] = _formulaire(
            request, context, enfant, prestation, ouverture, erreurs, saisies
        )
        return result
    service.deposer(request, context, enfant, prestation, ouverture, jours, reponses, documents)
    request.session.flash(
        request.localizer.translate(
            _(
                "Votre demande d'inscription de ${prenom} à « ${activite} » (${annee}) a été "
                "transmise au service enfance jeunesse.",
                mapping={
                    "prenom": enfant.prenom,
                    "activite": service.nom(prestation),
                    "annee": ouverture.annee,
                },
            )
        ),
        "portail",
    )
    return HTTPFound(
        request.resource_path(
            context, "liste-des-demandes", query={"onglet": "enfants", "type": service.TYPE}
        )
    )


@view_config(
    context=IFamille,
    name="inscriptions-reglement",
    permission=P.DEMANDE_CREER,
    request_method="GET",
)
def reglement(context, request):
    """The règlement intérieur's file of an activity open for enrolment."""
    sans_sous_chemin(request)
    key = request.GET.get("offre")
    found = service.offre(context, key) if isinstance(key, str) else None
    if found is None or found[1].reglement_fichier is None:
        raise HTTPNotFound()
    return fichiers.reponse(request, found[1].reglement_fichier)
