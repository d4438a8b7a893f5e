"""Online enrolment with supporting documents (issue 21, part 2).

Staff open a prestation for enrolment for a school year (``sdi``: the
Prestation's tab "Inscription en ligne"; ``resources.Ouverture``: dates,
places, questions, documents required, règlement intérieur and its
version).  A parent asks for a child's enrolment from "Inscriptions"
(``views``): her answers, her documents (``demandes.pieces``, checked by
their content) and the règlement's version with the date she accepted it
are kept in a request "Demande d'inscription" of the service's queue.
Accepting it enrols the child with the regular contract asked for
(``service.accepter``, the handler this package registers with
``demandes.cycle``); refusing it or asking for a missing document goes
through the queue's own screens and lifecycle.
"""

from .. import journal
from ..i18n import _


def includeme(config):
    from ..demandes import types
    from .sdi import ACTIONS
    from .service import DEMANDE_INSCRIPTION, accepter

    journal.nommer_actions(config, ACTIONS)
    types.ajouter(DEMANDE_INSCRIPTION)
    config.add_traitement_demande(
        DEMANDE_INSCRIPTION.nom,
        accepter=accepter,
        courriels=("inscription_acceptee", "inscription_refusee"),
    )
    config.add_menu_entry(65, "inscriptions", _("Inscriptions aux activités"))
