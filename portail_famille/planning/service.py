"""Reservations and absences asked for from the planning grid, and the
regular contract's bookings.

Every rule is checked here, whatever the page showed: the child is enrolled
in the prestation that day, the prestation opens that day (weekdays,
periods, calendar), the deadline (Europe/Paris) has not passed, the day's
capacity, and one change per activity and date.  A request is a Demande
(types "reservation" and "absence") kept in its family's register
(``demandes.resources.Demandes``: no content, no catalog entry, so that
parents booking at once share nothing but the day's counter), which
"Liste des demandes" and the agents' queue read beside the catalog; its
cell of the planning shows where it stands and holds it.

A reservation takes one of the day's places (``places``) at once, even while
an agent has to validate it; a full day puts it on the day's waiting list
(cell "Demande en attente", ``attente``), and a place given back (a
refusal, an excused absence) goes to the first one waiting, whose parent
is emailed.

The request's states are the lifecycle's (``demandes.cycle``): what the
rules decide at once (Réservé, the waiting list, Absent excusé) is recorded
there as a transition of ``AUTOMATIQUE``, journaled as an agent's would be;
``accepter`` and ``refuser`` are this package's handlers of an agent's
decision, registered in ``includeme``.
"""

import datetime

from pyramid.traversal import find_root
from substanced.interfaces import IObjectModified
from substanced.util import get_oid
from zope.interface import Interface

from .. import dates
from ..calendrier.jours import genres, jour, zone_vacances
from ..demandes import cycle
from ..demandes.cycle import AUTOMATIQUE, DemandeError
from ..demandes.resources import ACCEPTEE, EN_ATTENTE, LISTE_ATTENTE, IDemande
from ..familles import partage
from ..i18n import _
from ..inscriptions import desindexer, prestation_de
from ..structures.schemas import VALIDATION_AUTOMATIQUE
from . import attente, cells, places, regles

RESERVATION = "reservation"
ABSENCE = "absence"
MOTIF_MAX = 500


class Refus(Exception):
    """The request breaks a rule: ``message`` (French) says which;
    ``seconde`` is True for the "one change per cell" rule; ``releve``
    True when the family should first pay (its statement is linked)."""

    def __init__(self, message, seconde=False, releve=False):
        super().__init__(message)
        self.message = message
        self.seconde = seconde
        self.releve = releve


def erreur_motif(motif):
    """What is wrong with an absence's reason (French), None when nothing."""
    motif = " ".join((motif or "").split())
    if not motif:
        return _("Indiquez la raison de l'absence.")
    if len(motif) > MOTIF_MAX:
        return _(
            "La raison est trop longue (${max} caractères au plus).", mapping={"max": MOTIF_MAX}
        )
    return None


def motif_absence(motif):
    """An absence's reason on one line; ``Refus`` when ``erreur_motif``."""
    erreur = erreur_motif(motif)
    if erreur is not None:
        raise Refus(erreur)
    return " ".join(motif.split())


class IBlocageReservation(Interface):
    """``blocage(famille, request)``: the French refusal of a family's new
    reservation request, or None.  Registered by a higher layer (the
    unpaid follow-up, ``relances``: unpaid invoices past a threshold); a
    parent's requests only (an agent decides for the family), never an
    absence nor a cancellation."""


def inscription_du_jour(enfant, prestation_oid, day):
    """The child's inscription in the prestation whose school year holds
    ``day`` (and that has started), or None."""
    calendrier = find_root(enfant).get("calendrier")
    if calendrier is None:
        return None
    for inscription in enfant.inscriptions.values():
        if inscription.prestation != prestation_oid:
            continue
        annee = calendrier.get(inscription.annee)
        if annee is None or not annee.debut <= day <= annee.fin:
            continue
        if inscription.debut is not None and day < inscription.debut:
            continue
        return inscription
    return None


def non_inscrit(enfant, day):
    return _(
        "${enfant} n'est pas inscrit à cette activité le ${jour}.",
        mapping={"enfant": enfant.prenom, "jour": dates.courte(day)},
    )


def genre_du_jour(context, prestation, day, settings):
    calendrier = find_root(context).get("calendrier")
    return jour(calendrier, day, prestation.structure, zone_vacances(settings))


def _jour_valide(enfant, prestation_oid, day, settings):
    """The Prestation, when the child may have it on ``day``; else Refus."""
    prestation = prestation_de(enfant, prestation_oid)
    if prestation is None or inscription_du_jour(enfant, prestation_oid, day) is None:
        raise Refus(non_inscrit(enfant, day))
    if not regles.ouvre(prestation, day, genre_du_jour(enfant, prestation, day, settings)):
        raise Refus(
            _(
                "${activite} n'est pas ouvert le ${jour}.",
                mapping={"activite": prestation.title, "jour": dates.courte(day)},
            )
        )
    return prestation


def _une_seule_modification(enfant, prestation_oid, day):
    if cells.modification(enfant, prestation_oid, day) is not None:
        raise Refus(
            _(
                "Vous ne pouvez faire qu'une seule modification par activité pour une même "
                "date. Pour une nouvelle modification, écrivez au service depuis la "
                "Boîte de réception."
            ),
            seconde=True,
        )


def verifier_reservation(enfant, prestation_oid, day, settings, now, derogation=False):
    """The Prestation, when a reservation of ``day`` may be asked; else Refus.
    ``derogation``: an agent's override, neither the deadline nor the one
    change per day binds."""
    prestation = _jour_valide(enfant, prestation_oid, day, settings)
    if not derogation:
        _une_seule_modification(enfant, prestation_oid, day)
    if cells.etat(enfant, prestation_oid, day) is not None:
        raise Refus(_("Une réservation ou une demande existe déjà pour cette date."))
    limite = regles.limite_reservation(prestation, day)
    if now >= limite and not derogation:
        raise Refus(
            _(
                "Le délai de réservation est dépassé : il fallait réserver le ${jour} "
                "avant le ${limite}.",
                mapping={"jour": dates.courte(day), "limite": dates.moment_a(limite)},
            )
        )
    return prestation


def verifier_absence(enfant, prestation_oid, day, settings, now, derogation=False):
    """(Prestation, hors_delai) when an absence on ``day`` may be declared;
    else Refus.  After the deadline the absence may still be declared: an
    agent decides whether it is billed.  ``derogation``: an agent's
    override, the one change per day does not bind."""
    prestation = _jour_valide(enfant, prestation_oid, day, settings)
    if not derogation:
        _une_seule_modification(enfant, prestation_oid, day)
    if cells.etat(enfant, prestation_oid, day) not in cells.RESERVES:
        raise Refus(_("Il n'y a pas de réservation à cette date : pas d'absence à déclarer."))
    if day < dates.local(now).date():
        raise Refus(_("Cette date est passée : une absence ne peut plus être déclarée."))
    return prestation, now >= regles.limite_absence(prestation, day)


def changer(enfant, prestation, day, etat, capacite=False, cause=cells.PLANNING, detail=""):
    """Set the cell and keep the day's places in step: a state that holds a
    place takes one (False, nothing written, when ``capacite`` binds and the
    day is full); a state that does not gives it back.  ``cause`` (and
    ``detail``): why, for the regularisation of a billed day (``cells``)."""
    oid = get_oid(prestation)
    avant = cells.etat(enfant, oid, day) in cells.OCCUPANTS
    apres = etat in cells.OCCUPANTS
    if apres and not avant:
        if not places.prendre(prestation, day, capacite):
            return False
    elif avant and not apres:
        places.liberer(prestation, day)
    cells.set_cell(enfant, oid, day, etat, cause, detail, prestation)
    return True


def _valeurs(prestation, day, motif=""):
    return {
        "activite": "%s — %s" % (prestation.structure.title, prestation.title),
        "jour": dates.courte(day),
        "motif": motif,
    }


def _deposer(
    enfant, prestation, day, kind, etat, demandeur, registry, now, par, foyer=None, **attrs
):
    """Make the Demande and keep it in its family's register in the state
    the rules gave it (``demandes.cycle.consigner``: no content, no
    catalog entry, so that parents booking at once share nothing but the
    day's counter); ``par``: who decided that state (the rules, or the
    agent who made the request).  ``foyer``: the household that asked
    (default: the child's first), whose requests it joins."""
    famille = foyer if foyer is not None else enfant.__parent__.__parent__
    demande = registry.content.create(
        "Demande",
        kind,
        _valeurs(prestation, day, attrs.pop("motif", "")),
        {},
        now,
        demandeur,
        enfant=enfant.__name__,
    )
    demande.prestation = get_oid(prestation)
    demande.jour = day
    if famille is not enfant.__parent__.__parent__:
        demande.enfant_oid = get_oid(enfant)  # a shared child, held by another
    for name, value in attrs.items():
        setattr(demande, name, value)
    cycle.consigner(demande, famille, registry, etat, par, now)
    if etat == LISTE_ATTENTE:
        attente.inscrire(prestation, demande)
    cells.noter_modification(enfant, demande.prestation, day, demande)
    return demande


def _foyer(enfant, foyer, day):
    """The household that asks (None: the child's first), after the check
    of its weeks when the child is shared (``familles.partage``)."""
    if foyer is None:
        return None
    refus = partage.hors_semaine(enfant, foyer, day)
    if refus is not None:
        raise Refus(refus)
    return foyer


def demander_reservation(
    enfant,
    prestation_oid,
    day,
    demandeur,
    request,
    now=None,
    agent=False,
    derogation="",
    foyer=None,
):
    """Ask for ``day``: Réservé at once when the prestation's validation is
    automatic, "Réservation en cours de traitement" when an agent validates
    it, "Demande en attente" when the day is full.  Raises Refus.

    ``agent``: an agent asks for the parent (``demandeur``, his login):
    what he asks is decided, Réservé.  ``derogation``: his override's reason
    (``telephone``): neither the deadline nor the capacity binds.
    ``foyer``: the household that asks for a shared child (its weeks only;
    the request and the day are its own)."""
    now = now or dates.horodatage()
    settings = request.registry.settings
    foyer = _foyer(enfant, foyer, day)
    bloquer = request.registry.queryUtility(IBlocageReservation)
    if bloquer is not None and not agent:
        refus = bloquer(foyer or enfant.__parent__.__parent__, request)
        if refus is not None:
            raise Refus(refus, releve=True)
    prestation = verifier_reservation(
        enfant, prestation_oid, day, settings, now, derogation=bool(derogation)
    )
    automatique = agent or prestation.validation == VALIDATION_AUTOMATIQUE
    etat_cellule = cells.RESERVE if automatique else cells.RESERVATION_TRAITEMENT
    if changer(
        enfant, prestation, day, etat_cellule, capacite=not derogation, cause=cells.RESERVATION
    ):
        etat = ACCEPTEE if automatique else EN_ATTENTE
    else:
        cells.set_cell(
            enfant, prestation_oid, day, cells.ATTENTE, cells.RESERVATION, prestation=prestation
        )
        etat = LISTE_ATTENTE
    par = demandeur if agent else AUTOMATIQUE
    partage.noter_foyer(enfant, prestation_oid, day, foyer)
    return _deposer(
        enfant,
        prestation,
        day,
        RESERVATION,
        etat,
        demandeur,
        request.registry,
        now,
        par,
        motif=derogation,
        foyer=foyer,
    )


def declarer_absence(
    enfant,
    prestation_oid,
    day,
    motif,
    demandeur,
    request,
    now=None,
    agent=False,
    derogation=False,
    foyer=None,
):
    """Declare an absence on a booked ``day`` with its reason: Absent excusé
    at once when the prestation's validation is automatic and the deadline
    holds (the place goes to the first one waiting), else "Absence en cours
    de traitement" for an agent.  Raises Refus.

    ``agent``: an agent declares it for the parent (``demandeur``, his
    login) and decides at once: Absent excusé, or Absent facturé after the
    deadline unless his ``derogation`` (the reason is ``motif``).
    ``foyer``: as for a reservation."""
    now = now or dates.horodatage()
    foyer = _foyer(enfant, foyer, day)
    motif = motif_absence(motif)
    prestation, hors_delai = verifier_absence(
        enfant, prestation_oid, day, request.registry.settings, now, derogation=derogation
    )
    avant = cells.etat(enfant, prestation_oid, day)
    if agent:
        etat_cellule = (
            cells.ABSENT_FACTURE if hors_delai and not derogation else cells.ABSENT_EXCUSE
        )
        changer(enfant, prestation, day, etat_cellule, cause=cells.ABSENCE_ACCEPTEE)
        etat = ACCEPTEE
    elif prestation.validation == VALIDATION_AUTOMATIQUE and not hors_delai:
        changer(enfant, prestation, day, cells.ABSENT_EXCUSE, cause=cells.ABSENCE_AUTOMATIQUE)
        etat = ACCEPTEE
    else:
        changer(enfant, prestation, day, cells.ABSENCE_TRAITEMENT, cause=cells.ABSENCE_DECLAREE)
        etat = EN_ATTENTE
    demande = _deposer(
        enfant,
        prestation,
        day,
        ABSENCE,
        etat,
        demandeur,
        request.registry,
        now,
        demandeur if agent else AUTOMATIQUE,
        motif=motif,
        hors_delai=hors_delai,
        etat_cellule_avant=avant,
        foyer=foyer,
    )
    if cells.etat(enfant, prestation_oid, day) == cells.ABSENT_EXCUSE:
        promouvoir(prestation, day, request, now)
    return demande


def _contexte(demande):
    enfant = demande.objet_enfant()
    prestation = prestation_de(demande.famille, demande.prestation)
    if enfant is None or prestation is None:
        raise DemandeError("planning")
    return enfant, prestation


def accepter(demande, request, force=False, now=None):
    """The handler of an agent's acceptance (``demandes.cycle``): the day
    becomes Réservé, or Absent excusé (Absent facturé when the absence came
    after the deadline: its place is not given back)."""
    enfant, prestation = _contexte(demande)
    day = demande.jour
    if demande.type_demande == RESERVATION:
        changer(enfant, prestation, day, cells.RESERVE, cause=cells.RESERVATION)
    else:
        etat = cells.ABSENT_FACTURE if demande.hors_delai else cells.ABSENT_EXCUSE
        changer(enfant, prestation, day, etat, cause=cells.ABSENCE_ACCEPTEE)
    if demande.type_demande == ABSENCE and not demande.hors_delai:
        promouvoir(prestation, day, request, now)


def refuser(demande, request, now=None):
    """The handler of an agent's refusal: a reservation becomes
    Réservation refusée (its place goes to the first one waiting), an
    absence gives the day back its state before (booked)."""
    enfant, prestation = _contexte(demande)
    day = demande.jour
    if demande.type_demande == RESERVATION:
        changer(enfant, prestation, day, cells.RESERVATION_REFUSEE, cause=cells.RESERVATION)
    else:
        avant = demande.etat_cellule_avant or cells.RESERVE
        changer(enfant, prestation, day, avant, cause=cells.ABSENCE_REFUSEE)
    if demande.type_demande == RESERVATION:
        promouvoir(prestation, day, request, now)


def liste_attente(prestation, day):
    """The waiting reservations of ``day``, first come first."""
    return attente.liste(prestation, day)


def promouvoir(prestation, day, request, now=None):
    """Give a free place of ``day`` to the first waiting reservation (and
    email its family).  Returns that Demande, or None."""
    if day < dates.today():
        return None
    for demande in liste_attente(prestation, day):
        enfant = demande.objet_enfant()
        if enfant is None or cells.etat(enfant, demande.prestation, day) != cells.ATTENTE:
            continue
        automatique = prestation.validation == VALIDATION_AUTOMATIQUE
        etat_cellule = cells.RESERVE if automatique else cells.RESERVATION_TRAITEMENT
        if not changer(
            enfant, prestation, day, etat_cellule, capacite=True, cause=cells.RESERVATION
        ):
            return None
        etat = ACCEPTEE if automatique else EN_ATTENTE
        cycle.passer(demande, etat, AUTOMATIQUE, request.registry, now)
        cycle.prevenir(
            request,
            demande,
            "place_liberee",
            enfant=enfant.prenom,
            activite=demande.valeurs.get("activite", ""),
            jour=demande.valeurs.get("jour", ""),
            automatique=automatique,
        )
        return demande
    return None


def jours_du_contrat(calendrier, prestation, inscription, zone, depuis=None):
    """The days the regular contract books: the contract's weekdays the
    prestation opens, from the inscription's start (or ``depuis``) to the end
    of its school year."""
    annee = calendrier.get(inscription.annee)
    if annee is None or not inscription.jours:
        return []
    day = max(d for d in (annee.debut, inscription.debut, depuis) if d is not None)
    days = [day + datetime.timedelta(days=n) for n in range((annee.fin - day).days + 1)]
    ouverts = regles.jours_ouverts(prestation, genres(calendrier, days, prestation.structure, zone))
    return [d for d in days if d in ouverts and str(d.isoweekday()) in inscription.jours]


def reserver_contrat(enfant, inscription, settings, depuis=None, prestation=None, jours=None):
    """Book the regular contract's days that have no cell yet (the agent
    enrolled the child: the capacity does not refuse them, it counts them).
    Returns how many days were booked.  A caller enrolling many children
    gives the ``prestation`` and its contract's days (``jours``, as
    ``jours_du_contrat`` gives them) it computed once."""
    if prestation is None:
        prestation = prestation_de(enfant, inscription.prestation)
    calendrier = find_root(enfant).get("calendrier")
    if prestation is None or calendrier is None:
        return 0
    if jours is None:
        jours = jours_du_contrat(
            calendrier, prestation, inscription, zone_vacances(settings), depuis
        )
    booked = 0
    for day in jours:
        if cells.etat(enfant, inscription.prestation, day) is None:
            changer(enfant, prestation, day, cells.RESERVE, cause=cells.INSCRIPTION)
            booked += 1
    return booked


def liberer_contrat(enfant, inscription, depuis):
    """The inscription ends: its booked days from ``depuis`` on are given
    back.  Returns how many."""
    prestation = prestation_de(enfant, inscription.prestation)
    tree = cells.cellules(enfant)
    if prestation is None or tree is None:
        return 0
    calendrier = find_root(enfant).get("calendrier")
    annee = calendrier.get(inscription.annee) if calendrier is not None else None
    if annee is None:
        return 0
    keys = [
        key
        for key, etat in tree.items(
            min=(inscription.prestation, max(depuis, annee.debut)),
            max=(inscription.prestation, annee.fin),
        )
        if etat == cells.RESERVE
    ]
    for _oid, day in keys:
        changer(enfant, prestation, day, None, cause=cells.FIN_INSCRIPTION)
    return len(keys)


def jours_occupes(enfant, depuis):
    """[(Prestation, day)] of the child's days holding a place from
    ``depuis`` on (nothing written)."""
    tree = cells.cellules(enfant)
    found = []
    for oid in {i.prestation for i in enfant.inscriptions.values()} if tree is not None else ():
        prestation = prestation_de(enfant, oid)
        if prestation is None:
            continue
        found += [
            (prestation, day)
            for (_oid, day), etat in tree.items(min=(oid, depuis), max=(oid, datetime.date.max))
            if etat in cells.OCCUPANTS
        ]
    return found


def liberer_jours(enfant, depuis, request=None):
    """The child's days holding a place from ``depuis`` on give it back
    (to the first ones waiting, when there is a request to mail them from).
    Its days before stay in its own cells (billing, history).  Returns how
    many were given back."""
    liberes = jours_occupes(enfant, depuis)
    for prestation, day in liberes:
        changer(enfant, prestation, day, None, cause=cells.FIN_INSCRIPTION)
    if request is not None:
        for prestation, day in liberes:
            promouvoir(prestation, day, request)
    return len(liberes)


def oublier_enfant(enfant, request=None):
    """The child leaves the tree: its booked days to come give their places
    back (``liberer_jours``), its reservations waiting for a place leave
    the waiting lists, and it leaves the prestations' indexes of enrolled
    children."""
    count = liberer_jours(enfant, dates.today(), request)
    attente.oublier(enfant)
    for inscription in enfant.inscriptions.values():
        desindexer(enfant, inscription)
    return count


def includeme(config):
    config.add_subscriber(attente.demande_modifiee, [IObjectModified, IDemande])
    courriels = ("planning_acceptee", "planning_refusee")
    for kind in (RESERVATION, ABSENCE):
        config.add_traitement_demande(kind, accepter, refuser, courriels)
