"""The parent's side of a request's documents: download one of her own
family's (``piece``), attach one to a pending request, send the one the
service asked for, or answer a refusal with a document
(``joindre-un-document``).

Answering a refusal (the service refused a change of "Infos Fiscales"
asking for the avis d'imposition) makes a new request with the same values
and the document: a refused request stays refused (``cycle``), the new one
goes to the queue, and says which one it answers (``reponse_a``).
"""

from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config
from substanced.util import get_oid

from .. import dates, fichiers
from ..i18n import _, traduire
from ..journal import audit
from ..security import P, login
from ..skin import sans_sous_chemin
from . import cycle, pieces, service
from .resources import ATTENTE_FAMILLE, EN_ATTENTE, REFUSEE, IDemande

VUE = "joindre-un-document"
RENDERER = "templates/joindre.pt"


def reponse_piece(request, demande):
    """The document ``?n=`` of ``demande`` as a download (404 when none),
    the one way every reader gets one (the family's ``piece``, the SDI's
    ``@@piece``).  A health document (``pieces.NATURES_SANTE``: a
    vaccination record, a medical certificate) needs ``P.SANTE_VOIR``
    (403 to a régisseur; a parent has it on her own family), and a staff
    member's read of one is audited (a write on GET, on purpose)."""
    found = pieces.piece(demande, request.GET.get("n"))
    if found is None:
        raise HTTPNotFound()
    if pieces.sante(found):
        if not pieces.peut_lire(request, demande, found):
            raise HTTPForbidden()
        audit.noter_personnel(request, demande.famille, audit.SANITAIRES, demande.objet_enfant())
    return fichiers.reponse(request, found)


@view_config(context=IDemande, name="piece", permission=P.FAMILLE_VOIR, request_method="GET")
def piece(context, request):
    """A document of one of the family's requests (the family's ACL: a
    parent reaches her own family's only)."""
    sans_sous_chemin(request)
    return reponse_piece(request, context)


def joignable(demande):
    """Can the family add a document to ``demande`` now?  Pending or
    waiting for a document; refused, when it changed the record (a new
    request answers it)."""
    if demande.etat in (EN_ATTENTE, ATTENTE_FAMILLE):
        return True
    return demande.etat == REFUSEE and demande.type.section is not None


def _liste(request, demande):
    return request.resource_path(
        demande.famille,
        "liste-des-demandes",
        query={"onglet": demande.type.onglet},
    )


def _page(context, request, erreur=None, nature=None):
    sans_sous_chemin(request)
    if not joignable(context):
        raise HTTPNotFound()
    translate = request.localizer.translate
    asked = context.document_demande if context.etat == ATTENTE_FAMILLE else None
    choisie = nature or (asked["nature"] if asked else "autre")
    return {
        "demande": context,
        "titre": translate(context.type.titre),
        "enfant": context.nom_enfant,
        "date": dates.courte(dates.local(context.date_demande)),
        "refusee": context.etat == REFUSEE,
        "motif": context.motif_refus,
        "document_demande": pieces.document_demande(request, context) if asked else "",
        "natures": [
            {"valeur": k, "titre": translate(v), "choisie": k == choisie}
            for k, v in pieces.NATURES.items()
        ],
        "erreur": erreur,
        "action": request.resource_path(context, VUE),
        "retour": _liste(request, context),
        "taille_max": pieces.TAILLE_MAX // fichiers.MO,
    }


@view_config(
    context=IDemande,
    name=VUE,
    renderer=RENDERER,
    permission=P.DEMANDE_CREER,
    request_method="GET",
)
def joindre(context, request):
    return _page(context, request)


@view_config(
    context=IDemande,
    name=VUE,
    renderer=RENDERER,
    permission=P.DEMANDE_CREER,
    request_method="POST",
    request_param="envoyer",
)
def envoyer(context, request):
    """The document sent: checked by its content, then attached (and the
    request back in the queue, or a new request answering a refusal)."""
    nature = request.POST.get("nature")
    if nature not in pieces.NATURES:
        nature = "autre"
    try:
        envoye = pieces.recevoir(request, context.famille, request.POST.get("document"))
        if envoye is None:
            raise fichiers.FichierRefuse(_("Choisissez le document à envoyer (PDF, JPEG ou PNG)."))
    except fichiers.FichierRefuse as refus:
        if request.response.status_int == 200:  # else 429: the family's limit
            request.response.status = 400
        return _page(context, request, traduire(request, refus.args[0]), nature)
    if not joignable(context):
        raise HTTPNotFound()
    par = login(request)
    translate = request.localizer.translate
    demande = context
    if context.etat == REFUSEE:
        demande, _remplacee = service.deposer(
            context.famille,
            context.type_demande,
            context.valeurs,
            par,
            request.registry,
            enfant=context.enfant,
        )
        demande.reponse_a = get_oid(context)
        message = _(
            "Votre réponse a été transmise au service enfance jeunesse : une nouvelle "
            "demande, avec votre document, remplace celle qui a été refusée."
        )
    elif context.etat == ATTENTE_FAMILLE:
        message = _("Document envoyé : votre demande est de nouveau examinée par le service.")
    else:
        message = _("Document joint à votre demande.")
    try:
        pieces.joindre(demande, request, *envoye, nature, par)
    except pieces.TropDePieces as refus:
        request.response.status = 400
        return _page(context, request, traduire(request, refus.args[0]), nature)
    if demande.etat == ATTENTE_FAMILLE:
        cycle.document_fourni(demande, par, request.registry)
    request.session.flash(translate(message), "portail")
    return HTTPFound(_liste(request, demande))
