"""The news workflow (SubstanceD's ``substanced.workflow``):

    brouillon --publier--> publiée --archiver--> archivée
    brouillon <--retirer-- publiée <--republier-- archivée

A new item is a draft (the workflow's initial state, set when it is added).
Every transition needs ``P.ACTUALITE_PUBLIER``; publishing (or publishing
again) dates the item: the lists show the newest publication first.
"""

from substanced.workflow import STATE_ATTR, Workflow

from .. import dates
from ..i18n import _
from ..security import P

TYPE = "publication"
BROUILLON = "brouillon"
PUBLIEE = "publiee"
ARCHIVEE = "archivee"

ETATS = {
    BROUILLON: _("Brouillon"),
    PUBLIEE: _("Publiée"),
    ARCHIVEE: _("Archivée"),
}

# name -> (from, to, title of the button)
TRANSITIONS = {
    "publier": (BROUILLON, PUBLIEE, _("Publier")),
    "retirer": (PUBLIEE, BROUILLON, _("Retirer (repasser en brouillon)")),
    "archiver": (PUBLIEE, ARCHIVEE, _("Archiver")),
    "republier": (ARCHIVEE, PUBLIEE, _("Republier")),
}


def etat(item):
    """The item's state name (``brouillon`` when it has none yet)."""
    return getattr(item, STATE_ATTR, {}).get(TYPE, BROUILLON)


def _publier(content, request=None, transition=None, workflow=None):
    content.publiee_le = dates.horodatage()


def _workflow():
    workflow = Workflow(initial_state=BROUILLON, type=TYPE, name=_("Publication"))
    for name, title in ETATS.items():
        workflow.add_state(name, title=title)
    for name, (source, cible, title) in TRANSITIONS.items():
        workflow.add_transition(
            name,
            from_state=source,
            to_state=cible,
            permission=P.ACTUALITE_PUBLIER,
            callback=_publier if cible == PUBLIEE else None,
            title=title,
        )
    return workflow


WORKFLOW = _workflow()
