"""Reminders that save a trip to the town hall (issue 21, part 4): the
family chooses them in Mon compte > "Mes rappels" (``views``), by mail and,
where it accepts SMS, by SMS (``sms``: the provider interface, OVHcloud or
a directory in development); the code that causes an event-driven one
queues it here (a request answered, an invoice issued: the subscribers
below), the batch ``portail-famille-rappels`` (``script``) computes the
others and sends everything, at most once."""

from substanced.interfaces import IObjectAdded, IObjectModified
from zope.interface import Interface

from ..demandes.resources import IDemande
from ..facturation.resources import IFacture
from . import service, sms


def facture_ajoutee(event, *_objets):
    service.facture_emise(event.object)


def demande_modifiee(event, *_objets):
    service.demande_traitee(event.object)


def includeme(config):
    settings = config.registry.settings
    service.echeance_jours(settings)  # a wrong setting stops the start
    transport = sms.transport(settings)
    if transport is not None:
        config.registry.registerUtility(transport, sms.ISms)
    # A folder notifies (event, object, folder); demandes.cycle tells a
    # transition as (ObjectModified, demande).
    config.add_subscriber(facture_ajoutee, [IObjectAdded, IFacture, Interface])
    config.add_subscriber(demande_modifiee, [IObjectModified, IDemande])
