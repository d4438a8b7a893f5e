"""The progress of long jobs, in the SDI.

- ``/manage/@@travail?id=<id>``: one job's progress (done / total, state,
  errors), refreshed every two seconds by a small fetch of
  ``@@travail?id=<id>&format=json`` (without JavaScript: the
  "Actualiser" link); the page a request that queued a job redirects to.
- ``/manage/@@travaux`` (tab "Travaux longs"): the latest jobs.

A job is shown to staff who may follow jobs (``P.TRAVAUX_SUIVRE``) and
hold its kind's permission (a group message: the messaging's); for
anybody else it does not exist (404).  GET only: nothing here writes.
"""

from pyramid.httpexceptions import HTTPNotFound
from substanced.interfaces import IRoot
from substanced.sdi import mgmt_view

from .. import dates
from ..i18n import _
from ..security import P
from .resources import ETATS, FINIS
from .service import file_de, genres

RECENTS = 30  # jobs on the tab


def _visible(request, context, travail):
    """Whether the user holds the job's kind's permission where the kind
    says (the root, the régies...)."""
    if travail is None:
        return False
    genre = genres(request.registry).get(travail.genre)
    lieu = genre.lieu(context) if genre is not None else context
    return bool(request.has_permission(travail.permission, lieu))


def _moment(secondes):
    return dates.horodatage_lisible(secondes) if secondes else ""


def etat(request, travail):
    """What the page and its fetch show of a job."""
    translate = request.localizer.translate
    genre = genres(request.registry).get(travail.genre)
    return {
        "id": travail.id,
        "titre": travail.titre,
        "genre": translate(genre.titre) if genre is not None else travail.genre,
        "etat": travail.etat,
        "etat_libelle": translate(ETATS[travail.etat]),
        "fini": travail.etat in FINIS,
        "faits": travail.faits,
        "total": travail.total,
        "pourcentage": travail.pourcentage(),
        "progression": translate(
            _(
                "${faits} sur ${total}",
                mapping={"faits": travail.faits, "total": travail.total},
            )
        ),
        "par": travail.par,
        "cree": _moment(travail.cree),
        "debut": _moment(travail.debut),
        "fin": _moment(travail.fin),
        "reprises": travail.reprises,
        "erreurs": [[_moment(quand), texte] for quand, texte in travail.erreurs],
    }


def _travail(context, request):
    file = file_de(context)
    travail = file.get(request.GET.get("id")) if file is not None else None
    if not _visible(request, context, travail):
        raise HTTPNotFound()
    return travail


@mgmt_view(
    context=IRoot,
    name="travail",
    permission=P.TRAVAUX_SUIVRE,
    renderer="portail_famille.travaux:templates/travail.pt",
    request_method="GET",
    tab_condition=False,
)
def travail(context, request):
    job = _travail(context, request)
    genre = genres(request.registry).get(job.genre)
    retour = genre.retour(request, job) if genre is not None and genre.retour else None
    bilan = None
    if genre is not None and genre.bilan is not None and job.fini:
        bilan = genre.bilan(request, job)
    return {
        "travail": etat(request, job),
        "url": request.sdiapi.mgmt_path(context, "@@travail", query={"id": job.id}),
        "url_json": request.sdiapi.mgmt_path(
            context, "@@travail", query={"id": job.id, "format": "json"}
        ),
        "liste": request.sdiapi.mgmt_path(context, "@@travaux"),
        "retour": retour,
        "bilan": bilan,
    }


@mgmt_view(
    context=IRoot,
    name="travail",
    permission=P.TRAVAUX_SUIVRE,
    renderer="json",
    request_method="GET",
    request_param="format=json",
    tab_condition=False,
)
def travail_json(context, request):
    return etat(request, _travail(context, request))


@mgmt_view(
    context=IRoot,
    name="travaux",
    tab_title=_("Travaux longs"),
    permission=P.TRAVAUX_SUIVRE,
    renderer="portail_famille.travaux:templates/travaux.pt",
    request_method="GET",
)
def travaux(context, request):
    file = file_de(context)
    found = file.recents(RECENTS) if file is not None else []
    return {
        "travaux": [
            dict(
                etat(request, t),
                url=request.sdiapi.mgmt_path(context, "@@travail", query={"id": t.id}),
            )
            for t in found
            if _visible(request, context, t)
        ]
    }
