"""Reminders that save a trip to the town hall (issue 21, part 4): the
family chooses them in Mon compte > "Mes rappels" (``views``), by mail and,
where it accepts SMS, by SMS (``sms``: the provider interface, OVHcloud or
a directory in development); the code that causes an event-driven one
queues it here (a request answered, an invoice issued: the subscribers
below), the batch ``portail-famille-rappels`` (``script``) computes the
others and sends everything, at most once."""

import time

from substanced.interfaces import IObjectAdded, IObjectModified
from zope.interface import Interface

from ..demandes.resources import IDemande
from ..facturation.resources import IFacture
from ..surveillance import ajouter_jauge
from . import script, service, sms


def facture_ajoutee(event, *_objets):
    service.facture_emise(event.object)


def demande_modifiee(event, *_objets):
    service.demande_traitee(event.object)


def _dernier(request):
    return script.dernier_passage(request.root)


def _age(request):
    dernier = _dernier(request)
    return None if dernier is None else max(time.time() - dernier["moment"], 0)


def _resultats(request):
    dernier = _dernier(request)
    if dernier is None:
        return None
    return {(cle,): dernier[cle] for cle in ("envoyes", "echecs", "incertains", "caducs")}


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
    # The batch runs in its own process: its last run, read from the root.
    ajouter_jauge(
        config.registry,
        "portail_rappels_dernier_passage_age_secondes",
        "Âge du dernier passage de portail-famille-rappels.",
        _age,
    )
    ajouter_jauge(
        config.registry,
        "portail_rappels_dernier_passage",
        "Rappels du dernier passage, par résultat.",
        _resultats,
        ("resultat",),
    )
