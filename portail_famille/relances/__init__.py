"""The unpaid follow-up: the list of unpaid invoices across families
(``sdi``: the Régies' tab "Impayés"), the reminders (``service``; the
daily ``portail-famille-relances`` script, ``script``) and the optional
blocking of new reservations above an overdue threshold, registered in
the planning (a lower layer) here."""

from .. import journal
from ..facturation.service import ResteModifie
from ..i18n import _
from ..planning.service import IBlocageReservation
from . import catalog, service


def includeme(config):
    service.verifier_reglages(config.registry.settings)
    config.include("portail_famille.catalogue")
    config.add_portail_indexes(**catalog.INDEXES)
    config.add_subscriber(catalog.reindexer, ResteModifie)
    config.registry.registerUtility(service.blocage, IBlocageReservation)
    journal.nommer_actions(config, {service.RELANCE_ENVOYEE: _("Relance d'une facture impayée")})
