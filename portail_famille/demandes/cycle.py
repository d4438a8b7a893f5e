"""The life of a request (Demande): its states, the transitions allowed
between them, and the one place that makes them.

A request is made "en attente" (``deposer``).  From there an agent accepts
or refuses it, a newer request of the same kind replaces it, or (a
reservation of a full day) it waits for a place: "liste d'attente", from
which a freed place sends it back to an agent or has the rules accept it,
and a closure of the day refuses it.  Accepted, refused and replaced are
final: a refused request is never accepted later, the family asks again.
``TRANSITIONS`` is the whole table; anything else raises
``TransitionInterdite`` and writes nothing.

Every transition, whoever makes it (an agent's login, the parent's for a
replacement, ``AUTOMATIQUE`` for the rules), is recorded the same way: the
state, the date when it ends the request, who processed it, one entry in
the site's journal (``journaliser``), and the catalog told.  The state is
written nowhere else: ``Demande.etat`` refuses an assignment.

What accepting or refusing changes (the family record, a child, a day of
the planning) belongs to the type's own package, which registers it from
its ``includeme``::

    config.add_traitement_demande(
        "reservation", accepter=..., refuser=...,
        courriels=("planning_acceptee", "planning_refusee"))

An agent's decision (``accepter``, ``refuser``) calls that handler first
(it raises, having written nothing, when it cannot apply), then records the
transition and mails the family.  A transition the rules make (``passer``,
``deposer``: an automatic acceptance, the waiting list, a freed place, a
closure, a replacement) comes after its cause has changed what it changes:
it records, and the cause tells the family its own way.
"""

from dataclasses import dataclass

from pyramid.exceptions import ConfigurationError
from substanced.event import ObjectModified
from zope.interface import Interface

from .. import courriels, dates, journal
from ..i18n import _, traduire
from . import affichage, registre
from .pieces import NATURES
from .resources import (
    ACCEPTEE,
    ATTENTE_FAMILLE,
    EN_ATTENTE,
    ETATS,
    LISTE_ATTENTE,
    REFUSEE,
    REMPLACEE,
    consignee,
    nom_consigne,
)
from .types import ONGLET_ENFANTS, SECTION_SANTE, TYPES

AUTOMATIQUE = "automatique"  # who made a transition of the rules

# (state, next state) -> the journal's action.
# What an agent decides (``decidable``).
DECISIONS = frozenset(((EN_ATTENTE, ACCEPTEE), (EN_ATTENTE, REFUSEE), (ATTENTE_FAMILLE, REFUSEE)))

TRANSITIONS = {
    (EN_ATTENTE, ACCEPTEE): "DemandeAcceptee",
    (EN_ATTENTE, REFUSEE): "DemandeRefusee",
    (EN_ATTENTE, REMPLACEE): "DemandeRemplacee",
    (EN_ATTENTE, LISTE_ATTENTE): "DemandeListeAttente",
    (LISTE_ATTENTE, EN_ATTENTE): "DemandeEnAttente",  # a place freed, for an agent
    (LISTE_ATTENTE, ACCEPTEE): "DemandeAcceptee",  # a place freed, the rules accept
    (LISTE_ATTENTE, REFUSEE): "DemandeRefusee",  # a closure of the day
    (EN_ATTENTE, ATTENTE_FAMILLE): "DemandeDocumentDemande",  # an agent asks the family
    (ATTENTE_FAMILLE, EN_ATTENTE): "DemandeDocumentFourni",  # the family sent it
    (ATTENTE_FAMILLE, REFUSEE): "DemandeRefusee",  # the family never sent it
}
# The journal's actions, as the SDI's Journal tab names them.
ACTIONS = {
    "DemandeAcceptee": _("Demande acceptée"),
    "DemandeRefusee": _("Demande refusée"),
    "DemandeRemplacee": _("Demande remplacée"),
    "DemandeListeAttente": _("Demande en liste d'attente"),
    "DemandeEnAttente": _("Demande remise en attente (place libérée)"),
    "DemandeDocumentDemande": _("Document manquant demandé à la famille"),
    "DemandeDocumentFourni": _("Document manquant fourni par la famille"),
}
FINALS = frozenset((ACCEPTEE, REFUSEE, REMPLACEE))  # dated (date_traitement)
TRAITEES = frozenset((ACCEPTEE, REFUSEE))  # with who processed them
EN_COURS = frozenset((EN_ATTENTE, LISTE_ATTENTE, ATTENTE_FAMILLE))


class DemandeError(Exception):
    """The request cannot be processed; ``message`` says why, in French
    (here: what it changes is gone, a handler's refusal)."""

    message = _("L'enfant ou l'activité de cette demande n'existe plus.")


class TransitionInterdite(DemandeError):
    """``args``: (the state, the state asked for), not in ``TRANSITIONS``;
    ``message``: why, in French, for the agent."""

    def __init__(self, etat, vers):
        super().__init__(etat, vers)
        if etat in FINALS:
            self.message = _("Cette demande a déjà été traitée.")
        else:
            self.message = _(
                "Cette demande est « ${etat} » : elle ne peut pas passer à « ${vers} ».",
                mapping={"etat": ETATS[etat], "vers": ETATS[vers]},
            )


# --- Who does what: each type's handler ----------------------------------------


class ITraitement(Interface):
    """What accepting or refusing one type of request does (a utility named
    after the type, registered by the type's package)."""


@dataclass(frozen=True)
class Traitement:
    # accepter(demande, request, force=False, now=None): applies the request;
    # raises (DemandeError) having written nothing when it cannot.
    accepter: object
    # refuser(demande, request, now=None): undoes what the request held, or None.
    refuser: object
    courriel_acceptee: str
    courriel_refusee: str


def add_traitement_demande(
    config,
    type_demande,
    accepter,
    refuser=None,
    courriels=("demande_acceptee", "demande_refusee"),
):
    """Directive: the handlers of ``type_demande`` and the mails of its
    acceptance and refusal (``courriels/templates/<name>``)."""
    if type_demande not in TYPES:
        raise ConfigurationError("unknown type of request: %r" % type_demande)
    traitement = Traitement(accepter, refuser, *courriels)

    def register():
        config.registry.registerUtility(traitement, ITraitement, name=type_demande)

    config.action(("portail_famille.traitement_demande", type_demande), register)


def verifier_traitements(registry):
    """Every type has its handler: a type without one fails at start, not
    at the first acceptance."""
    manquants = [nom for nom in TYPES if registry.queryUtility(ITraitement, name=nom) is None]
    if manquants:
        raise ConfigurationError("types of request without a handler: %s" % ", ".join(manquants))


def traitement_de(registry, demande):
    return registry.getUtility(ITraitement, name=demande.type_demande)


# --- The transitions ----------------------------------------------------------


def _ecrire(demande, etat, par, now):
    """Write the transition to ``etat`` (nothing when it is not allowed);
    returns its journal action."""
    action = TRANSITIONS.get((demande.etat, etat))
    if action is None:
        raise TransitionInterdite(demande.etat, etat)
    demande._etat = etat
    if etat in FINALS:
        demande.date_traitement = now or dates.horodatage()
    if etat in TRAITEES:
        demande.traite_par = par
    return action


def journaliser(demande, action, par, **details):
    """The journal entry of a transition: the one call to the site's
    journal for requests (who, which request, family, type, child)."""
    journal.noter(
        demande,
        action,
        demande,
        par=par,
        famille=demande.numero_famille,
        details={
            "type": demande.type_demande,
            **({"enfant": demande.enfant} if demande.enfant is not None else {}),
            # a record of the register has no oid: its name in the family's requests
            **({"demande": demande.__name__} if consignee(demande) else {}),
            **details,
        },
    )


def signaler_modification(registry, obj):
    """Tell the catalog (and any subscriber) that ``obj`` changed."""
    registry.subscribers((ObjectModified(obj), obj), None)


def deposer(demande, famille, registry, etat=EN_ATTENTE, par=AUTOMATIQUE, now=None):
    """Add the new ``demande`` to the family's requests, en attente or where
    the rules put it at once (accepted, on the waiting list): that
    transition is written before the request is added (catalogued once) and
    journaled once it has its oid."""
    action = _ecrire(demande, etat, par, now) if etat != EN_ATTENTE else None
    famille["demandes"].add_next(demande, registry=registry)
    if action is not None:
        journaliser(demande, action, par)
    return demande


def consigner(demande, famille, registry, etat=EN_ATTENTE, par=AUTOMATIQUE, now=None):
    """Keep the new ``demande`` in its family's register rather than as
    content (``resources.Demandes``): what ``deposer`` records and
    journals, with no oid and no catalog entry; one waiting for an agent
    is listed by the register's own index (``registre``)."""
    action = _ecrire(demande, etat, par, now) if etat != EN_ATTENTE else None
    famille["demandes"].consigne(nom_consigne(demande.date_demande), demande)
    registre.noter(demande)
    if action is not None:
        journaliser(demande, action, par)
    return demande


def _signaler(demande, registry):
    """After a transition: the register's index, the catalog and the
    subscribers told."""
    registre.noter(demande)
    signaler_modification(registry, demande)


def passer(demande, etat, par, registry, now=None, motif=""):
    """A transition the rules make, after its cause changed what it
    changes: recorded and journaled, no handler, no mail.  ``motif``: the
    reason of a refusal."""
    action = _ecrire(demande, etat, par, now)
    if etat == REFUSEE:
        demande.motif_refus = motif
    journaliser(demande, action, par)
    _signaler(demande, registry)


def decidable(demande, vers):
    """Can an agent make ``demande`` ``vers`` (accepted, refused)?  Only
    from en attente (one on the waiting list waits for a place, not for an
    agent); one waiting for the family's document may be refused (it never
    came), not accepted.  Raises ``TransitionInterdite`` otherwise."""
    if (demande.etat, vers) not in DECISIONS:
        raise TransitionInterdite(demande.etat, vers)


def accepter(demande, par, request, force=False, now=None, motif=""):
    """An agent accepts ``demande``: its type's handler applies it (raising
    ``fiche.FicheModifiee`` when the record changed since, unless
    ``force``: the agent saw it), then the transition and the mail.
    ``motif``: the agent's reason, when he gives one (told to the family)."""
    decidable(demande, ACCEPTEE)
    traitement = traitement_de(request.registry, demande)
    traitement.accepter(demande, request, force=force, now=now)
    action = _ecrire(demande, ACCEPTEE, par, now)
    motif = (motif or "").strip()
    if motif:
        demande.motif_acceptation = motif
    journaliser(demande, action, par)
    prevenir(request, demande, traitement.courriel_acceptee)
    _signaler(demande, request.registry)


def refuser(demande, par, motif, request, now=None):
    """An agent refuses ``demande`` with ``motif`` (required)."""
    motif = (motif or "").strip()
    if not motif:
        raise ValueError("motif")
    decidable(demande, REFUSEE)
    traitement = traitement_de(request.registry, demande)
    if traitement.refuser is not None:
        traitement.refuser(demande, request, now=now)
    action = _ecrire(demande, REFUSEE, par, now)
    demande.motif_refus = motif
    journaliser(demande, action, par)
    prevenir(request, demande, traitement.courriel_refusee)
    _signaler(demande, request.registry)


def decision(demande):
    """What was decided, in the family's words: the type's own name of the
    decision ("Absent excusé"), else the state ("Acceptée", "Refusée")."""
    return demande.type.decisions.get(demande.etat) or ETATS[demande.etat]


def motif_reponse(demande):
    """The reason the family is given for the answer ("" when none)."""
    if demande.etat == REFUSEE:
        return demande.motif_refus or ""
    return demande.motif_acceptation or ""


def recapitulatif(request, demande):
    """What ``demande`` was, as lines of plain text for the family's mail:
    its type, the child, the day(s) and what it asked for, or the fields
    it changed (old → new; an IBAN masked, a child's health data named,
    never written in a mail), and the date it was made."""
    translate = request.localizer.translate
    lignes = [translate(_("Demande : ${type}", mapping={"type": translate(demande.type.titre)}))]
    if demande.type.onglet == ONGLET_ENFANTS and demande.nom_enfant:
        lignes.append(translate(_("Enfant : ${enfant}", mapping={"enfant": demande.nom_enfant})))
    if demande.jour is not None:  # a day of the planning: what it asked for
        lignes += ["%s : %s" % (translate(titre), v) for titre, v in demande.resume()]
    elif demande.type.decrire is not None:
        lignes += [traduire(request, ligne) for ligne in demande.type.decrire(request, demande)]
    elif demande.type.section == SECTION_SANTE:
        champs = [translate(titre_) for _n, titre_, _a, _v in demande.changements()]
        lignes.append(
            translate(
                _("Données sanitaires modifiées : ${champs}", mapping={"champs": ", ".join(champs)})
            )
        )
    else:
        vide = translate(_("(vide)"))
        for name, title, old, new in demande.changements():
            lignes.append(
                "%s : %s → %s"
                % (
                    affichage.titre(name, translate(title)),
                    affichage.afficher(request, demande.type_demande, name, old) or vide,
                    affichage.afficher(request, demande.type_demande, name, new) or vide,
                )
            )
    lignes.append(
        translate(
            _(
                "Date de la demande : ${date}",
                mapping={"date": dates.courte(dates.local(demande.date_demande))},
            )
        )
    )
    return "\n".join("  " + " ".join(ligne.split()) for ligne in lignes if ligne)


def prevenir(request, demande, template, **valeurs):
    """Mail the family about ``demande`` (when its responsable accepts mails
    and has an address): the type's title and the request's date, what it
    was (``recapitulatif``), the decision and its reason, plus ``valeurs``.
    The one place a request's answer is mailed from: an agent's decision
    (``accepter``, ``refuser``) and the rules' own answers (a freed
    place) come here, once per answer."""
    responsable = demande.famille.responsable
    if responsable.get("autorisation_courriel") and responsable.get("email"):
        translate = request.localizer.translate
        courriels.send(
            request,
            template,
            [responsable["email"]],
            demande=demande,
            titre=translate(demande.type.titre),
            date=dates.courte(dates.local(demande.date_demande)),
            recapitulatif=recapitulatif(request, demande),
            decision=translate(decision(demande)),
            motif=motif_reponse(demande),
            **valeurs,
        )


def demander_document(demande, par, nature, message, request, now=None):
    """An agent asks the family for a missing document (``nature``: a key
    of ``pieces.NATURES``; ``message``: what exactly, may be empty): the
    request waits for the family (it leaves the queue), journaled, the
    family told by mail what is asked."""
    if demande.etat != EN_ATTENTE:
        raise TransitionInterdite(demande.etat, ATTENTE_FAMILLE)
    action = _ecrire(demande, ATTENTE_FAMILLE, par, now)
    demande.document_demande = {
        "nature": nature,
        "message": message,
        "date": now or dates.horodatage(),
        "par": par,
    }
    journaliser(demande, action, par, nature=nature, message=message)
    prevenir(
        request,
        demande,
        "demande_document",
        message=message,
        nature=request.localizer.translate(NATURES.get(nature, NATURES["autre"])),
    )
    _signaler(demande, request.registry)


def document_fourni(demande, par, registry, now=None):
    """The family sent what was asked: the request is back in the queue."""
    action = _ecrire(demande, EN_ATTENTE, par, now)
    journaliser(demande, action, par)
    _signaler(demande, registry)


def includeme(config):
    config.add_directive("add_traitement_demande", add_traitement_demande)
    # After every package's registration (actions of order 0).
    config.action(None, verifier_traitements, args=(config.registry,), order=1)
