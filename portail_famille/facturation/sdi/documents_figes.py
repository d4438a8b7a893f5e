"""The Régies' tab "Documents figés" (``P.FACTURATION_GERER``): the batch
of PDFs queued by the staff.  "Créer les PDF manquants" queues the job
``figer`` (``travail``): the workers freeze every issued document still
without original (those issued before frozen documents existed, by a
script or the demo, or while the renderer failed), as the console script
``portail-famille-figer`` does; the régisseur lands on the job's progress.
The page lists the latest such jobs.  GET writes nothing (and counts
nothing: finding the documents reads every family, the job's work)."""

from pyramid.httpexceptions import HTTPFound
from substanced.sdi import mgmt_view

from ...i18n import _
from ...security import P
from ...travaux.resources import ETATS
from ...travaux.service import file_de
from .. import travail
from ..regies import IRegies

VUE = "documents-figes"
RECENTS = 30  # jobs read for the list


def _en_cours(root):
    file = file_de(root)
    return [t for t in file.en_file() if t.genre == travail.GENRE_FIGER] if file else []


@mgmt_view(
    context=IRegies,
    name=VUE,
    tab_title=_("Documents figés"),
    permission=P.FACTURATION_GERER,
    renderer="portail_famille.facturation:templates/documents_figes.pt",
    request_method="GET",
)
def documents_figes(context, request):
    root = request.root
    file = file_de(root)
    translate = request.localizer.translate
    jobs = [t for t in file.recents(RECENTS) if t.genre == travail.GENRE_FIGER] if file else []
    return {
        "travaux": [
            {
                "url": request.sdiapi.mgmt_path(root, "@@travail", query={"id": t.id}),
                "titre": t.titre,
                "etat": translate(ETATS[t.etat]),
                "par": t.par,
                "bilan": travail.bilan_figer(request, t) if t.fini else "",
            }
            for t in jobs[:5]
        ],
        "en_cours": bool(_en_cours(root)),
        "action": request.sdiapi.mgmt_path(context, "@@" + VUE),
        "csrf_token": request.session.get_csrf_token(),
    }


@mgmt_view(
    context=IRegies,
    name=VUE,
    permission=P.FACTURATION_GERER,
    request_method="POST",
    request_param="figer",
    tab_condition=False,
)
def figer(context, request):
    """Queue the batch (one at a time); the job's progress page."""
    root = request.root
    translate = request.localizer.translate
    found = _en_cours(root)
    if found:
        request.sdiapi.flash(
            translate(_("La création des PDF manquants est déjà en cours.")), "warning"
        )
        job = found[0]
    else:
        job = travail.lancer_figer(request, root)
        request.sdiapi.flash(
            translate(
                _(
                    "Création des PDF manquants mise en file : les documents émis sans PDF "
                    "sont figés au fil de l'avancement ci-dessous."
                )
            ),
            "success",
        )
    return HTTPFound(request.sdiapi.mgmt_path(root, "@@travail", query={"id": job.id}))
