"""SDI tab "Journal" of the root: the latest staff actions (administrators)."""

import datetime

from substanced.interfaces import IRoot
from substanced.sdi import mgmt_view

from .. import dates
from ..demandes import cycle
from ..i18n import _
from ..journal import _ATTR, Journal
from ..security import P

ACTIONS = {
    "IbanConsulte": _("IBAN complet consulté"),
    **cycle.ACTIONS,  # a request's transitions
}
PAR_PAGE = 100


@mgmt_view(
    context=IRoot,
    name="journal",
    tab_title=_("Journal"),
    permission=P.JOURNAL_VOIR,
    renderer="templates/journal.pt",
)
def journal_view(context, request):
    action = request.GET.get("action")
    if action not in ACTIONS:
        action = None
    # Read without making it: a GET writes nothing (no journal yet, no line).
    kept = context.__dict__.get(_ATTR)
    if kept is None:
        kept = Journal()
    entries = kept.latest(PAR_PAGE, action=action)
    translate = request.localizer.translate
    return {
        "actions": [(key, translate(title)) for key, title in ACTIONS.items()],
        "action": action,
        "lignes": [
            {
                "moment": datetime.datetime.fromtimestamp(e["moment"], dates.PARIS).strftime(
                    "%d/%m/%Y %H:%M:%S"
                ),
                "action": translate(ACTIONS.get(e["action"], e["action"])),
                "qui": e["qui"],
                "famille": e["details"].get("famille", ""),
                "details": ", ".join(
                    "%s : %s" % item
                    for item in sorted(e["details"].items())
                    if item[0] != "famille"
                ),
            }
            for e in entries
        ],
    }
