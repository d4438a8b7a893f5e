"""The demo's messages (idempotent): the DUPONT family has one message from
the service it has not opened ("1 Nouveau(x) Message(s)", as in the manual)
and one it sent, with the service's answer.  The demo sends no mail."""

import datetime

from pyramid.request import Request
from pyramid.threadlocal import get_current_request

from . import service
from .resources import Conversation

UTC = datetime.UTC

RECU = "Sortie au musée du mercredi 15 avril"
ENVOYE = "Absence de Lucas le mercredi 22 avril"


def _request(registry):
    request = get_current_request()
    if request is None or request.registry is not registry:
        request = Request.blank("/")
        request.registry = registry
    return request


def _dater(conversation, *moments):
    """The manual's dates (April 2015) on the conversation's messages."""
    for message, moment in zip(conversation.messages, moments, strict=True):
        message.date = moment
    conversation.derniere = moments[-1]
    service.reindexer(conversation)


def load(root, registry, numero):
    """The messages of the family of N° ``numero`` (the demo's DUPONT: the
    demo module, which made it, gives its number)."""
    familles = root.get("familles")
    famille = familles.get(numero) if familles is not None else None
    if famille is None or "messages" not in famille:
        return
    objets = {c.objet for c in famille["messages"].values() if isinstance(c, Conversation)}
    request = _request(registry)
    structures = root["structures"]
    alsh = structures.get("accueil-de-loisirs-alsh")
    alsh = alsh.oid if alsh is not None else None
    if ENVOYE not in objets:
        envoye = service.ecrire(
            request,
            famille,
            ENVOYE,
            "Bonjour,\nLucas sera absent le mercredi 22 avril (rendez-vous chez le dentiste).\n"
            "Merci de ne pas compter son repas.\nJean DUPONT",
            structure=alsh,
        )
        service.ouvrir(envoye, service.SERVICE)
        service.repondre(
            request,
            envoye,
            service.SERVICE,
            "Bonjour Monsieur DUPONT,\nC'est noté : l'absence de Lucas est enregistrée et le "
            "repas ne sera pas facturé.\nBonne journée,\nLe service enfance jeunesse",
            courriel=False,
        )
        service.ouvrir(envoye, service.FAMILLE)
        service.traiter(envoye, "agent")
        _dater(
            envoye,
            datetime.datetime(2015, 4, 2, 16, 40, tzinfo=UTC),
            datetime.datetime(2015, 4, 3, 7, 12, tzinfo=UTC),
        )
    if RECU not in objets:
        recu = service.ecrire_a_la_famille(
            request,
            famille,
            RECU,
            "Bonjour,\nL'accueil de loisirs organise une sortie au musée le mercredi 15 avril.\n"
            "Prévoir un pique-nique et une tenue adaptée.\nLe service enfance jeunesse",
            structure=alsh,
            courriel=False,
        )
        _dater(recu, datetime.datetime(2015, 4, 8, 7, 12, tzinfo=UTC))
