"""SDI tab "Journal" of the root: the staff actions of the site's journal,
newest first, 100 a page, filtered by action (administrators)."""

from substanced.interfaces import IRoot
from substanced.sdi import mgmt_view

from .. import dates
from ..i18n import _
from ..journal import ACTION, curseur, liens, lire, titres_actions
from ..security import P

PAR_PAGE = 100


@mgmt_view(
    context=IRoot,
    name="journal",
    tab_title=_("Journal"),
    permission=P.JOURNAL_VOIR,
    renderer="templates/journal.pt",
)
def journal_view(context, request):
    # The actions the domains named (journal.nommer_actions).
    actions = titres_actions(request.registry)
    action = request.GET.get("action")
    if action not in actions:
        action = None
    apres = curseur(request.GET.get("apres"))
    # Read without making it: a GET writes nothing.
    entries, suivante = lire(context, genre=ACTION, quoi=action, limite=PAR_PAGE, apres=apres)
    base = request.sdiapi.mgmt_path(context, "@@journal")
    premiere, suivante = liens(base, {"action": action} if action else {}, apres, suivante)
    translate = request.localizer.translate
    return {
        "actions": [(key, translate(title)) for key, title in actions.items()],
        "action": action,
        "premiere": premiere,
        "suivante": suivante,
        "lignes": [
            {
                "moment": dates.horodatage_lisible(e["moment"]),
                "action": translate(actions.get(e["quoi"], e["quoi"])),
                "qui": e["qui"],
                "famille": e["famille"] or "",
                "details": ", ".join("%s : %s" % item for item in sorted(e["details"].items())),
            }
            for e in entries
        ],
    }
