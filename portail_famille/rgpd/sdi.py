"""SDI tab "Audit RGPD" of the root (administrators, ``P.AUDIT_VOIR``): the
staff's reads of health data and bank details (the site's journal, kind
``LECTURE``), newest first, 50 a page, filtered by N° famille."""

import re

from substanced.interfaces import IRoot
from substanced.sdi import mgmt_view

from .. import dates
from ..i18n import _
from ..journal import LECTURE, curseur, liens, lire
from ..journal.audit import QUOI
from ..security import P
from ..util import objet

PAR_PAGE = 50
_NUMERO = re.compile(r"\d{1,20}")


def _enfant(context, oid):
    if oid is None:
        return ""
    enfant = objet(context, oid)
    return enfant.title if enfant is not None else "(%s)" % oid


@mgmt_view(
    context=IRoot,
    name="audit",
    tab_title=_("Audit RGPD"),
    permission=P.AUDIT_VOIR,
    renderer="templates/audit.pt",
)
def audit_view(context, request):
    translate = request.localizer.translate
    famille = request.GET.get("famille", "")
    famille = famille.strip() if isinstance(famille, str) else ""
    apres = curseur(request.GET.get("apres"))
    erreur = None
    if famille and not _NUMERO.fullmatch(famille):
        erreur = translate(_("Le n° famille ne comporte que des chiffres."))
        entrees, suivante = [], None
    else:
        entrees, suivante = lire(
            context, genre=LECTURE, famille=famille or None, limite=PAR_PAGE, apres=apres
        )
    base = request.sdiapi.mgmt_path(context, "@@audit")
    query = {"famille": famille} if famille and not erreur else {}
    premiere, suivante = liens(base, query, apres, suivante)
    return {
        "famille": famille,
        "erreur": erreur,
        "premiere": premiere,
        "suivante": suivante,
        "lignes": [
            {
                "moment": dates.horodatage_lisible(e["moment"]),
                "qui": e["qui"],
                "famille": e["famille"],
                "enfant": _enfant(context, e["enfant"]),
                "quoi": translate(QUOI.get(e["quoi"], e["quoi"])),
                "ecran": e["ecran"],
            }
            for e in entrees
        ],
    }
