"""The live updates SubstanceD's folder grid asks for (``@@auditstream-sse``).

SubstanceD's contents page opens an HTML5 EventSource on its audit log, to
redraw the grid when another user adds or removes an item.  Its view wants
``sdi.view-auditlog``, which no staff role has, and the portal keeps its
own journal, not SubstanceD's audit log (upstream answers 412 to the
administrator): every contents page logged a 403, and the browser tried
again every few seconds.

Registered under SubstanceD's own name and predicates (the application's
scan replaces SubstanceD's registration), for whoever sees the SDI: an empty stream
that tells the browser to come back in a day.  It reads nothing and
shows nothing (no permission is widened); the grid is redrawn by its own
requests as before.
"""

from pyramid.response import Response
from substanced.sdi import mgmt_view

from ..security import P

# What the browser waits before it asks again, in milliseconds (a day).
RETRY_MS = 24 * 3600 * 1000


@mgmt_view(
    name="auditstream-sse",
    permission=P.SDI_VIEW,
    tab_condition=False,
    http_cache=0,
)
def flux_vide(context, request):
    return Response(
        "retry: %d\n\n" % RETRY_MS,
        content_type="text/event-stream",
        charset="utf-8",
    )
