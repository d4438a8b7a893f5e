"""The Régie's SDI tab "Régularisations" (``P.FACTURATION_GERER``): every
change of a day already billed, and every day of a billed period billed
afterwards (``regularisation``), with its cause, the family, the child,
the prestation, the day, the amount, the invoice it corrects and the
document that settled it (a credit note, or the invoice whose line gave
it back or billed it).

The pending ones first (all of them: a run settles them), then the
others, newest first, a page at a time: the register only grows.
"""

import itertools

from pyramid.traversal import find_root
from substanced.sdi import mgmt_view

from ... import dates
from ...i18n import _
from ...montants import euros
from ...security import P
from .. import regularisation, schemas
from ..regies import IRegie
from .compte import _lien, document

PAGE = 50  # regularisations done or cancelled a page shows


def _ligne(request, familles, reg):
    translate = request.localizer.translate
    famille = familles.get(reg.famille)
    cause = translate(regularisation.CAUSES.get(reg.cause, regularisation.CAUSES["planning"]))
    if reg.detail:
        cause = "%s (%s)" % (cause, reg.detail)
    credit = reg.sens == regularisation.CREDIT

    def lien(numero):
        found = document(famille, numero) if famille is not None and numero else None
        return {"numero": numero, "url": _lien(request, found)}

    return {
        "le": dates.moment(reg.le),
        "cause": cause,
        "famille": "%s %s" % (reg.famille, reg.famille_nom),
        "compte": request.sdiapi.mgmt_path(famille, "@@compte") if famille is not None else None,
        "enfant": reg.enfant_titre,
        "prestation": "%s — %s" % (reg.structure, reg.prestation),
        "jour": dates.courte(reg.jour),
        "sens": translate(_("À créditer") if credit else _("À facturer")),
        "montant": euros(-reg.montant if credit else reg.montant),
        "facture": lien(reg.facture),
        "document": lien(reg.document),
        "etat": translate(regularisation.ETATS[reg.etat]),
        "note": reg.note,
        "reprise_de": reg.reprise_de,
        "par": reg.par,
        "classe": reg.etat,
    }


@mgmt_view(
    context=IRegie,
    name="regularisations",
    tab_title=_("Régularisations"),
    permission=P.FACTURATION_GERER,
    renderer="portail_famille.facturation:templates/regularisations.pt",
)
def regularisations_view(context, request):
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    familles = find_root(context)["familles"]
    attente = regularisation.en_attente(context)
    pending = sorted(attente.values(), key=lambda r: r.le) if attente is not None else []
    autres = (r for r in regularisation.toutes(context) if r.etat != regularisation.EN_ATTENTE)
    debut = (page - 1) * PAGE
    faites = list(itertools.islice(autres, debut, debut + PAGE + 1))
    url = request.sdiapi.mgmt_path(context, "@@regularisations")
    translate = request.localizer.translate
    return {
        "sections": [
            {
                "titre": translate(_("En attente")),
                "id": "en-attente",
                "lignes": [_ligne(request, familles, r) for r in pending],
            },
            {
                "titre": translate(_("Faites ou annulées")),
                "id": "faites",
                "lignes": [_ligne(request, familles, r) for r in faites[:PAGE]],
            },
        ],
        "page": page,
        "precedente": "%s?page=%d" % (url, page - 1) if page > 1 else None,
        "suivante": "%s?page=%d" % (url, page + 1) if len(faites) > PAGE else None,
        "regle": request.localizer.translate(
            dict(schemas.REGLES_REGULARISATION)[context.regularisation]
        ),
    }
