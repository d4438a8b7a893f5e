"""The parent's "Déclaration d'absence avec justificatif" (``justificatifs``).

``…/enfants/<id>/absence-justificatif`` (GET): the child's days whose
absence deadline has passed and that may still be declared, a reason,
the certificate (PDF, JPEG or PNG, checked by content), a confirmation;
``?choix=<prestation oid>:<AAAA-MM-JJ>`` chooses the day (the grid's
menu, the day page).  POST: the request, then the planning.  The
certificate is received as every request's document (``pieces.recevoir``:
the family's limit of attachments, the check by content) and kept as the
request's first document: read as they are (``…/demandes/<id>/piece?n=1``,
``demandes.pieces_views``).

Bad input comes back beside its field in French; a request that breaks a
rule stores nothing and says why.
"""

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config
from substanced.util import get_oid

from .. import dates, fichiers
from ..demandes import pieces
from ..familles import limites
from ..familles.resources import IEnfant
from ..i18n import _, traduire
from ..inscriptions import prestation_de
from ..messagerie.views import lien_message
from ..security import P
from ..skin import sans_sous_chemin
from . import justificatifs, service
from .actions import cellule_demandee, lire_absence, url_planning
from .ical import famille_de

VUE = justificatifs.VUE
choix = justificatifs.choix


def _choix_lu(value):
    """(oid, day) of a "<oid>:<AAAA-MM-JJ>" value, or None."""
    if not isinstance(value, str) or ":" not in value:
        return None
    oid, _sep, day = value.partition(":")
    return cellule_demandee({"prestation": oid, "date": day})


def _page(
    request, enfant, erreurs=None, choisi="", motif="", confirme=False, refus=None, ecrire=None
):
    settings = request.registry.settings
    jours = justificatifs.jours_declarables(enfant, settings, dates.horodatage())
    options = [
        {
            "valeur": choix(get_oid(prestation), day),
            "texte": "%s — %s %s"
            % (dates.en_toutes_lettres(day), prestation.structure.title, prestation.title),
        }
        for prestation, day in jours
    ]
    return {
        "famille": famille_de(enfant),
        "enfant": enfant,
        "options": options,
        "choisi": choisi,
        "motif": motif,
        "confirme": confirme,
        "motif_max": service.MOTIF_MAX,
        "jours": justificatifs.jours_apres(settings),
        "taille_max": fichiers.TAILLE_MAX // fichiers.MO,
        "erreurs": {k: traduire(request, v) for k, v in (erreurs or {}).items()},
        "refus": traduire(request, refus) if refus is not None else None,
        # After a refusal: the message to the service, about that day.
        "ecrire": ecrire,
        "action": request.resource_path(enfant, VUE),
        "retour": url_planning(request, enfant),
    }


@view_config(
    context=IEnfant,
    name=VUE,
    renderer="templates/absence_justificatif.pt",
    permission=P.DEMANDE_CREER,
    request_method="GET",
)
def declaration(context, request):
    sans_sous_chemin(request)
    found = _choix_lu(request.GET.get("choix"))
    choisi = choix(*found) if found is not None else ""
    return _page(request, context, choisi=choisi)


def _certificat(request, famille, erreurs):
    """The certificate sent ((bytes, MIME type, name): ``pieces.recevoir``),
    or None with its error in ``erreurs`` (missing, refused, over the
    family's limit: then a 429)."""
    try:
        found = pieces.recevoir(request, famille, request.POST.get("certificat"))
    except fichiers.FichierRefuse as refus:
        erreurs["certificat"] = refus.args[0]
        return None
    if found is None:
        erreurs["certificat"] = _("Joignez le certificat médical (PDF, JPEG ou PNG).")
    return found


@view_config(
    context=IEnfant,
    name=VUE,
    renderer="templates/absence_justificatif.pt",
    permission=P.DEMANDE_CREER,
    request_method="POST",
)
def declarer(context, request):
    sans_sous_chemin(request)
    famille = famille_de(context)
    post = request.POST
    valeur = post.get("choix", "")
    found = _choix_lu(valeur)
    motif, confirme, erreurs = lire_absence(post)
    choisi = valeur if found is not None else ""
    if found is None:
        erreurs["choix"] = _("Choisissez la journée et l'activité de l'absence.")
    if erreurs:  # the file is checked (and counted) once the rest is right
        request.response.status = 400
        return _page(request, context, erreurs, choisi, motif, confirme)
    certificat = _certificat(request, famille, erreurs)
    if certificat is None:
        if request.response.status_int == 200:
            request.response.status = 400
        return _page(request, context, erreurs, choisi, motif, confirme)
    try:
        limites.verifier(request.registry.settings, famille, limites.PLANNING)
    except limites.LimiteAtteinte as refus:
        limites.reessayer(request.response, refus)
        return _page(request, context, None, choisi, motif, confirme, refus=refus.args[0])
    oid, day = found
    try:
        justificatifs.declarer(context, oid, day, motif, certificat, request.user.__name__, request)
    except service.Refus as error:
        request.response.status = 400
        ecrire = lien_message(request, context, oid, day)
        return _page(
            request, context, None, choisi, motif, confirme, refus=error.message, ecrire=ecrire
        )
    limites.noter(famille, limites.PLANNING)
    prestation = prestation_de(context, oid)
    message = _(
        "Absence avec justificatif transmise au service enfance jeunesse : ${activite}, "
        "le ${jour}. Le service décide si la journée est « Absent excusé » (non facturée) "
        "ou « Absent facturé ».",
        mapping={"activite": prestation.title, "jour": dates.courte(day)},
    )
    request.session.flash(traduire(request, message), "portail")
    return HTTPFound(url_planning(request, context, day))
