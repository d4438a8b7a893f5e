"""The unpaid follow-up: the list of unpaid invoices across families
(``sdi``: the Régies' tab "Impayés", read from each régie's ``index``),
the reminders (``service``; the daily ``portail-famille-relances`` job,
``script``) and the optional blocking of new reservations above an
overdue threshold, registered in the planning (a lower layer) here."""

from substanced.interfaces import IObjectAdded
from zope.interface import Interface

from .. import journal
from ..facturation.resources import IFacture
from ..facturation.service import ResteModifie
from ..i18n import _
from ..planning.service import IBlocageReservation
from . import envoi, index, service


def includeme(config):
    service.verifier_reglages(config.registry.settings)
    # A folder notifies (event, object, folder); what an invoice owes
    # changes by facturation's event.
    config.add_subscriber(index.facture_ajoutee, [IObjectAdded, IFacture, Interface])
    config.add_subscriber(index.reste_modifie, ResteModifie)
    config.registry.registerUtility(service.blocage, IBlocageReservation)
    journal.nommer_actions(config, {service.RELANCE_ENVOYEE: _("Relance d'une facture impayée")})
    config.add_genre_travail(envoi.GENRE_TRAVAIL)  # sent by the workers
