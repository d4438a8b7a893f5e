"""The parent's reservations and absences from the planning grid.

- ``…/enfants/<id>/planning-jour?prestation=<oid>&date=AAAA-MM-JJ``: one
  cell of the grid, with "Demande de Réservation" and "Déclarer une absence"
  (reason + confirmation).  The grid's menu (right-click, long press,
  ctrl-click, keyboard) posts the same forms; this page is where a cell
  leads without JavaScript, and where a form with a mistake comes back.
- POST ``…/demande-de-reservation`` and ``…/declarer-une-absence``.

A request that breaks a rule stores nothing and says why in French above
the grid; a form with a missing field comes back with the message beside
the field.
"""

import re

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config
from substanced.util import get_oid

from .. import dates
from ..demandes import cycle, pieces
from ..demandes.resources import ACCEPTEE, EN_ATTENTE, LISTE_ATTENTE
from ..familles import limites, partage
from ..familles.resources import IEnfant
from ..i18n import _, traduire
from ..inscriptions import prestation_de
from ..messagerie.views import lien_message
from ..security import P
from ..skin import sans_sous_chemin
from . import cells, justificatifs, places, regles, service
from .ical import famille_de
from .legende import ETATS

JOUR = "planning-jour"
RESERVER = "demande-de-reservation"
ABSENCE = "declarer-une-absence"
_OID = re.compile(r"^-?\d{1,19}$")
OID_MIN, OID_MAX = -(2**63), 2**63 - 1
ERREURS = "portail-erreur"  # the flash queue of refusals (role="alert")
# The link to write to the service, after a "second change" refusal.
ECRIRE = "portail-ecrire"
# The link to the family's statement, after an "unpaid invoices" refusal.
RELEVE = "portail-releve"


def cellule_demandee(params):
    """(prestation oid, date) from the form or query; None when either is
    not well formed."""
    oid, day = params.get("prestation", ""), dates.lire_iso(params.get("date"))
    if not isinstance(oid, str) or not _OID.match(oid) or day is None:
        return None
    oid = int(oid)
    return (oid, day) if OID_MIN <= oid <= OID_MAX else None


def url_planning(request, enfant, day=None):
    query = {"mois": "%04d-%02d" % (day.year, day.month)} if day else None
    return request.resource_path(enfant, "planning", query=query)


def _refuser(request, enfant, message, day=None):
    request.session.flash(traduire(request, message), ERREURS)
    return HTTPFound(url_planning(request, enfant, day))


def _refus(request, enfant, error, prestation, day):
    """Back to the grid with the refusal; the "second change" one with the
    link to the pre-filled message to the service."""
    if error.seconde:
        request.session.flash(lien_message(request, enfant, get_oid(prestation), day), ECRIRE)
    if error.releve:
        famille = enfant.__parent__.__parent__
        request.session.flash(request.resource_path(famille, "releve-de-compte"), RELEVE)
    return _refuser(request, enfant, error.message, day)


def _cellule(request, enfant):
    """(prestation, day) of the request, or an HTTPFound back to the grid
    with a French message."""
    found = cellule_demandee(request.params)
    if found is None:
        return None, _refuser(request, enfant, _("Activité ou date invalide."))
    oid, day = found
    prestation = prestation_de(enfant, oid)
    if prestation is None or service.inscription_du_jour(enfant, oid, day) is None:
        return None, _refuser(request, enfant, service.non_inscrit(enfant, day), day)
    return (prestation, day), None


def _page(request, enfant, prestation, day, erreurs=None, motif="", confirme=False):
    oid = get_oid(prestation)
    etat = cells.etat(enfant, oid, day)
    texte_etat = ETATS[etat][1] if etat is not None else _("Aucune réservation")
    genre = service.genre_du_jour(enfant, prestation, day, request.registry.settings)
    famille = enfant.__parent__.__parent__
    return {
        "famille": famille,
        "enfant": enfant,
        "activite": "%s %s" % (prestation.structure.title, prestation.title),
        "jour": dates.en_toutes_lettres(day),
        "date": day.isoformat(),
        "prestation": oid,
        "etat": traduire(request, texte_etat),
        "ouvert": regles.ouvre(prestation, day, genre),
        "restantes": places.restantes(prestation, day),
        "limite_reservation": dates.moment_a(regles.limite_reservation(prestation, day)),
        "limite_absence": dates.moment_a(regles.limite_absence(prestation, day)),
        "deja_modifiee": cells.modification(enfant, oid, day) is not None,
        "url_message": lien_message(request, enfant, oid, day),
        "erreurs": {k: traduire(request, v) for k, v in (erreurs or {}).items()},
        "motif": motif,
        "confirme": confirme,
        "motif_max": service.MOTIF_MAX,
        "retour": url_planning(request, enfant, day),
        "url_reserver": request.resource_path(enfant, RESERVER),
        "url_absence": request.resource_path(enfant, ABSENCE),
        "url_justificatif": (
            request.resource_path(
                enfant, justificatifs.VUE, query={"choix": justificatifs.choix(oid, day)}
            )
            if justificatifs.declarable(
                enfant, oid, day, request.registry.settings, dates.horodatage()
            )
            else None
        ),
        "reponse": _reponse(request, enfant, oid, day),
    }


def _reponse(request, enfant, oid, day):
    """The parent's request of this cell (None when there is none): its
    type, where it stands or the service's decision and its reason, and
    the documents sent with it (a late absence's certificate: the family's
    own downloads, ``demandes.pieces``)."""
    demande = cells.demande_du_jour(enfant, oid, day)
    if demande is None or demande.etat not in cycle.TRAITEES | cycle.EN_COURS:
        return None
    traitee = demande.etat in cycle.TRAITEES
    return {
        "type": traduire(request, demande.type.titre),
        "traitee": traitee,
        "decision": traduire(request, cycle.decision(demande)),
        "motif": cycle.motif_reponse(demande) if traitee else "",
        "documents": [
            {"nom": p.nom, "url": request.resource_path(demande, "piece", query={"n": rang})}
            for rang, p in enumerate(demande.pieces, start=1)
            if pieces.peut_lire(request, demande, p)
        ],
    }


@view_config(
    context=IEnfant,
    name=JOUR,
    renderer="templates/jour.pt",
    permission=P.DEMANDE_CREER,
    request_method="GET",
)
def jour(context, request):
    sans_sous_chemin(request)
    found, refus = _cellule(request, context)
    if refus is not None:
        return refus
    return _page(request, context, *found)


def _limite(request, enfant, day):
    """Back to the grid with the French refusal when the family has reached
    a limit of its reservations and absences (familles.limites), else None."""
    try:
        limites.verifier(request.registry.settings, _famille(request, enfant), limites.PLANNING)
    except limites.LimiteAtteinte as refus:
        return _refuser(request, enfant, refus.args[0], day)
    return None


def _demandeur(request):
    return request.user.__name__


def _foyer(request, enfant):
    """The reader's household when it is one of the child's (a shared
    child: ``familles.partage``), else None (the child's own family)."""
    return partage.foyer_de(enfant, request.famille)


def _famille(request, enfant):
    return _foyer(request, enfant) or famille_de(enfant)


@view_config(
    context=IEnfant,
    name=RESERVER,
    permission=P.DEMANDE_CREER,
    request_method="POST",
)
def reserver(context, request):
    sans_sous_chemin(request)
    found, refus = _cellule(request, context)
    if refus is not None:
        return refus
    prestation, day = found
    refus = _limite(request, context, day)
    if refus is not None:
        return refus
    try:
        demande = service.demander_reservation(
            context,
            get_oid(prestation),
            day,
            _demandeur(request),
            request,
            foyer=_foyer(request, context),
        )
    except service.Refus as error:
        return _refus(request, context, error, prestation, day)
    limites.noter(_famille(request, context), limites.PLANNING)
    messages = {
        ACCEPTEE: _("Réservation enregistrée : ${activite}, le ${jour}."),
        EN_ATTENTE: _(
            "Demande de réservation transmise au service enfance jeunesse : "
            "${activite}, le ${jour}."
        ),
        LISTE_ATTENTE: _(
            "La journée est complète : votre demande est en liste d'attente (${activite}, "
            "le ${jour}). Vous recevrez un courriel si une place se libère."
        ),
    }
    mapping = {"activite": prestation.title, "jour": dates.courte(day)}
    message = messages[demande.etat]
    request.session.flash(traduire(request, _(message, mapping=mapping)), "portail")
    return HTTPFound(url_planning(request, context, day))


def lire_absence(post):
    """(reason, confirmed, {field: French error}) of a parent's absence form."""
    motif = post.get("motif", "")
    motif = motif if isinstance(motif, str) else ""
    confirme = post.get("confirmation") == "oui"
    erreurs = {}
    erreur = service.erreur_motif(motif)
    if erreur is not None:
        erreurs["motif"] = erreur
    if not confirme:
        erreurs["confirmation"] = _("Cochez la case pour confirmer l'absence.")
    return motif, confirme, erreurs


@view_config(
    context=IEnfant,
    name=ABSENCE,
    renderer="templates/jour.pt",
    permission=P.DEMANDE_CREER,
    request_method="POST",
)
def declarer_absence(context, request):
    sans_sous_chemin(request)
    found, refus = _cellule(request, context)
    if refus is not None:
        return refus
    prestation, day = found
    motif, confirme, erreurs = lire_absence(request.POST)
    if erreurs:
        return _page(request, context, prestation, day, erreurs, motif, confirme)
    refus = _limite(request, context, day)
    if refus is not None:
        return refus
    try:
        demande = service.declarer_absence(
            context,
            get_oid(prestation),
            day,
            motif,
            _demandeur(request),
            request,
            foyer=_foyer(request, context),
        )
    except service.Refus as error:
        return _refus(request, context, error, prestation, day)
    limites.noter(_famille(request, context), limites.PLANNING)
    mapping = {"activite": prestation.title, "jour": dates.courte(day)}
    if demande.etat == ACCEPTEE:
        message = _("Absence enregistrée : ${activite}, le ${jour}.", mapping=mapping)
    elif demande.hors_delai:
        message = _(
            "Absence transmise au service enfance jeunesse : ${activite}, le ${jour}. "
            "Le délai est dépassé : la journée peut être facturée.",
            mapping=mapping,
        )
    else:
        message = _(
            "Absence transmise au service enfance jeunesse : ${activite}, le ${jour}.",
            mapping=mapping,
        )
    request.session.flash(traduire(request, message), "portail")
    return HTTPFound(url_planning(request, context, day))
