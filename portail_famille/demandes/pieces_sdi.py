"""Staff's side of a request's documents (the request's page "Traiter"):
download one (``P.DEMANDES_VOIR``; a health document also needs
``P.SANTE_VOIR`` and its read is audited: ``pieces_views.reponse_piece``), and "Demander un document manquant": the request waits
for the family, who is told by mail what is asked (``cycle``)."""

from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from substanced.sdi import mgmt_view

from ..i18n import _
from ..security import P, login
from . import cycle, pieces
from .pieces_views import reponse_piece
from .resources import IDemande
from .sdi import MOTIF_MAX, lire_motif, peut_traiter


@mgmt_view(
    context=IDemande,
    name="piece",
    permission=P.DEMANDES_VOIR,
    request_method="GET",
    tab_condition=False,
)
def piece(context, request):
    return reponse_piece(request, context)


@mgmt_view(
    context=IDemande,
    name="traiter",
    permission=P.DEMANDES_VOIR,
    request_method="POST",
    request_param="demander_document",
    tab_condition=False,
)
def demander_document(context, request):
    """ "Demander un document manquant": its kind, and what exactly."""
    if not peut_traiter(request, context):
        raise HTTPForbidden()
    translate = request.localizer.translate
    retour = request.sdiapi.mgmt_path(context, "@@traiter")
    nature = request.POST.get("nature")
    message = lire_motif(request.POST, "message")
    if context.jour is not None:  # a day of the planning (document_demandable)
        request.sdiapi.flash(
            translate(_("On ne peut pas demander de document pour cette demande.")), "warning"
        )
        return HTTPFound(retour)
    if nature not in pieces.NATURES or len(message) > MOTIF_MAX:
        request.sdiapi.flash(translate(_("Choisissez le document à demander.")), "warning")
        return HTTPFound(retour)
    try:
        cycle.demander_document(context, login(request), nature, message, request)
    except cycle.TransitionInterdite as refus:
        request.sdiapi.flash(translate(refus.message), "warning")
        return HTTPFound(retour)
    request.sdiapi.flash(
        translate(
            _(
                "Document demandé à la famille ${numero} : ${document}.",
                mapping={
                    "numero": context.numero_famille,
                    "document": pieces.document_demande(request, context),
                },
            )
        ),
        "success",
    )
    return HTTPFound(request.sdiapi.mgmt_path(request.root, "@@demandes"))
