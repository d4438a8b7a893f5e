"""Several days at once: ``…/enfants/<id>/reserver-plusieurs-jours``.

The parent picks one of the child's activities, a period (du … au …, at
most ``JOURS_MAX`` days, from today on) and the weekdays to book ("tous les
mercredis"), or the standard week of the child's contract (the weekdays
of its inscription).  A first POST checks the form (a French message next
to a wrong field) and shows the days with what the rules say of each
(nothing written); the confirmation's POST asks for each day exactly as
the grid's "Demande de Réservation" does (``service.demander_reservation``:
deadlines, capacity, closures, one change per day, the service's
validation) and shows the summary: the days asked for, and those refused
with the grid's own reason.

``…/annuler-plusieurs-jours`` ("Annuler plusieurs jours") does the same
with "Déclarer une absence" (``service.declarer_absence``) and one reason,
for the days of the period that have a cell.

The summary is kept on the child (the last ``GARDES`` of them) and the
confirmation redirects to it (``?resultat=…``): reloading the summary
shows it again and asks for nothing twice.
"""

import datetime
import re
import secrets
import time

from BTrees.OOBTree import OOBTree
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.traversal import find_root
from pyramid.view import view_config

from .. import dates
from ..demandes.resources import ACCEPTEE, EN_ATTENTE, LISTE_ATTENTE
from ..familles import limites, partage
from ..familles.resources import IEnfant
from ..i18n import _, traduire
from ..inscriptions import prestations_par_oid
from ..messagerie.views import lien_message
from ..security import P
from ..skin import sans_sous_chemin
from . import cells, service
from .actions import _OID, OID_MAX, OID_MIN, _demandeur, url_planning
from .ical import famille_de

VUE = "reserver-plusieurs-jours"
ANNULER = "annuler-plusieurs-jours"
JOURS_MAX = 100
SEMAINE = (
    ("1", _("Lundi")),
    ("2", _("Mardi")),
    ("3", _("Mercredi")),
    ("4", _("Jeudi")),
    ("5", _("Vendredi")),
    ("6", _("Samedi")),
)
CHOISIS = "choisis"  # the weekdays ticked
CONTRAT = "contrat"  # the contract's weekdays (semaine type)

RESULTATS = {
    ACCEPTEE: _("Réservé"),
    EN_ATTENTE: _("Réservation en cours de traitement"),
    LISTE_ATTENTE: _("Demande en attente (journée complète)"),
}
HORS_DELAI = _("délai dépassé : la journée peut être facturée")
GARDES = 10  # summaries kept per child
_RESULTATS = "_resultats_plusieurs"
_CLE = re.compile(r"^[0-9]{13}[0-9a-f]{12}$")


def activites(enfant, today):
    """[(oid, title, inscription)] of the child's inscriptions whose school
    year has not ended, sorted by title."""
    calendrier = find_root(enfant).get("calendrier")
    prestations = prestations_par_oid(enfant)
    found = {}
    for inscription in enfant.inscriptions.values():
        annee = calendrier.get(inscription.annee) if calendrier is not None else None
        prestation = prestations.get(inscription.prestation)
        if annee is None or prestation is None or annee.fin < today:
            continue
        titre = "%s %s" % (prestation.structure.title, prestation.title)
        found.setdefault(inscription.prestation, (inscription.prestation, titre, []))
        found[inscription.prestation][2].append(inscription)
    return sorted(found.values(), key=lambda a: a[1])


def jours_de_la_periode(du, au, jours):
    """The days from ``du`` to ``au`` whose ISO weekday ("1" Monday) is in
    ``jours``."""
    count = (au - du).days + 1
    days = (du + datetime.timedelta(days=n) for n in range(max(count, 0)))
    return [d for d in days if str(d.isoweekday()) in jours]


def lire(params, enfant, today, annuler=False):
    """(values, errors, days): the form's values as typed, the French
    errors per field, and the days to ask for (empty when errors); to
    cancel (``annuler``), the days of the period that have a cell, and the
    reason."""
    get = params.get
    values = {
        "motif": get("motif", ""),
        "prestation": get("prestation", ""),
        "du": get("du", ""),
        "au": get("au", ""),
        "semaine": get("semaine", CHOISIS),
        "jours": [j for j in params.getall("jours") if isinstance(j, str)],
    }
    values = {k: (v if isinstance(v, (str, list)) else "") for k, v in values.items()}
    errors = {}
    oid = values["prestation"]
    choix = {a[0]: a for a in activites(enfant, today)}
    activite = None
    if _OID.match(oid or "") and OID_MIN <= int(oid) <= OID_MAX:
        activite = choix.get(int(oid))
    if activite is None:
        errors["prestation"] = _("Choisissez une activité de l'enfant.")
    du, au = dates.lire_date(values["du"]), dates.lire_date(values["au"])
    # A date field shows only an ISO value.
    values["du"] = du.isoformat() if du else values["du"]
    values["au"] = au.isoformat() if au else values["au"]
    if du is None:
        errors["du"] = _("Indiquez une date au format jj/mm/aaaa.")
    elif du < today:
        errors["du"] = _("La période ne peut pas commencer avant aujourd'hui.")
    if au is None:
        errors["au"] = _("Indiquez une date au format jj/mm/aaaa.")
    elif du is not None and au < du:
        errors["au"] = _("La fin de la période doit suivre son début.")
    elif du is not None and (au - du).days + 1 > JOURS_MAX:
        errors["au"] = _(
            "La période ne peut pas dépasser ${max} jours.", mapping={"max": JOURS_MAX}
        )
    if values["semaine"] == CONTRAT:
        jours = set()
        for inscription in activite[2] if activite else ():
            jours.update(inscription.jours or ())
        if activite is not None and not jours:
            errors["semaine"] = _(
                "Cette activité n'a pas de semaine type dans le contrat : cochez les jours."
            )
    else:
        values["semaine"] = CHOISIS
        jours = {j for j in values["jours"] if j in dict(SEMAINE)}
        if not jours:
            errors["jours"] = _("Cochez au moins un jour de la semaine.")
    if annuler:
        erreur = service.erreur_motif(values["motif"])
        if erreur is not None:
            errors["motif"] = erreur
    if errors:
        return values, errors, []
    days = jours_de_la_periode(du, au, jours)
    if annuler:
        days = [d for d in days if cells.etat(enfant, activite[0], d) is not None]
        if not days:
            errors["jours" if values["semaine"] == CHOISIS else "semaine"] = _(
                "Aucune réservation de cette activité ne correspond aux jours choisis."
            )
    elif not days:
        errors["jours" if values["semaine"] == CHOISIS else "semaine"] = _(
            "Aucun jour de la période ne correspond aux jours choisis."
        )
    values["oid"] = activite[0]
    values["titre"] = activite[1]
    return values, errors, days


def _page(request, enfant, values=None, errors=None, annuler=False, **extra):
    today = dates.today()
    values = values or {
        "motif": "",
        "prestation": "",
        "du": "",
        "au": "",
        "semaine": CHOISIS,
        "jours": [],
    }
    titre = _("Annuler plusieurs jours") if annuler else _("Réserver plusieurs jours")
    return {
        "famille": _famille(request, enfant),
        "enfant": enfant,
        "annuler": annuler,
        "titre": traduire(request, titre),
        "activites": [(str(oid), titre) for oid, titre, _i in activites(enfant, today)],
        "freres": [
            (e.prenom, request.resource_path(e, ANNULER if annuler else VUE))
            # the reader's household's children (a shared child's second
            # household never sees the first's others)
            for e in sorted(
                partage.enfants_du_foyer(_famille(request, enfant)), key=lambda e: e.prenom or ""
            )
            if e is not enfant and IEnfant.providedBy(e) and getattr(e, "partie_le", None) is None
        ],
        "semaine": [(j, traduire(request, t)) for j, t in SEMAINE],
        "valeurs": values,
        "erreurs": {k: traduire(request, v) for k, v in (errors or {}).items()},
        "aide_au": traduire(request, _("${max} jours au plus.", mapping={"max": JOURS_MAX})),
        "motif_max": service.MOTIF_MAX,
        "retour": url_planning(request, enfant),
        "action": request.resource_path(enfant, ANNULER if annuler else VUE),
        "autre": request.resource_path(enfant, VUE if annuler else ANNULER),
        "etape": "formulaire",
        **extra,
    }


def _liens(request, enfant, values, refus):
    """The links a grid's refusal carries: the pre-filled message to the
    service after a "second change" (the first such day), the family's
    statement after an "unpaid invoices" one."""
    liens = {}
    for day, error in refus:
        if error.seconde and "ecrire" not in liens:
            liens["ecrire"] = lien_message(request, enfant, values["oid"], day)
        if error.releve:
            liens["releve"] = request.resource_path(_famille(request, enfant), "releve-de-compte")
    return liens


def _blocage(request, enfant):
    """The refusal of any new reservation of the family (its unpaid
    invoices, ``service.IBlocageReservation``), or None: reads only."""
    bloquer = request.registry.queryUtility(service.IBlocageReservation)
    return bloquer(_famille(request, enfant), request) if bloquer is not None else None


def _foyer(request, enfant):
    """The reader's household when it is one of the child's (a shared
    child: ``familles.partage``), else None (the child's own family)."""
    return partage.foyer_de(enfant, request.famille)


def _famille(request, enfant):
    return _foyer(request, enfant) or famille_de(enfant)


def _ligne(request, day, ok, texte, hors_delai=False):
    texte = traduire(request, texte)
    if hors_delai:
        texte = "%s (%s)" % (texte, traduire(request, HORS_DELAI))
    return {
        "date": day.isoformat(),
        "jour": dates.en_toutes_lettres(day),
        "ok": ok,
        "texte": texte,
    }


def _envoyer(context, request, annuler, bouton=None):
    """The form read again; then, by button (each its own view): the check
    of each day (nothing written), the form to change (``modifier``), or
    the requests (``confirmer``)."""
    sans_sous_chemin(request)
    values, errors, days = lire(request.POST, context, dates.today(), annuler)
    if errors or bouton == "modifier":
        return _page(request, context, values, errors, annuler)
    if bouton == "confirmer":
        return _demander(request, context, values, days, annuler)
    return _apercu(request, context, values, days, annuler)


VUES = {
    "context": IEnfant,
    "renderer": "templates/plusieurs_jours.pt",
    "permission": P.DEMANDE_CREER,
}


@view_config(request_method="GET", name=VUE, **VUES)
def formulaire(context, request):
    sans_sous_chemin(request)
    return _page(request, context, annuler=False)


@view_config(request_method="POST", name=VUE, **VUES)
def verifier(context, request):
    return _envoyer(context, request, False)


@view_config(request_method="POST", name=VUE, request_param="modifier", **VUES)
def modifier(context, request):
    return _envoyer(context, request, False, "modifier")


@view_config(request_method="POST", name=VUE, request_param="confirmer", **VUES)
def confirmer(context, request):
    return _envoyer(context, request, False, "confirmer")


@view_config(request_method="GET", name=VUE, request_param="resultat", **VUES)
def resultat(context, request):
    return _resultat(context, request, False)


@view_config(request_method="GET", name=ANNULER, **VUES)
def formulaire_annuler(context, request):
    sans_sous_chemin(request)
    return _page(request, context, annuler=True)


@view_config(request_method="POST", name=ANNULER, **VUES)
def verifier_annuler(context, request):
    return _envoyer(context, request, True)


@view_config(request_method="POST", name=ANNULER, request_param="modifier", **VUES)
def modifier_annuler(context, request):
    return _envoyer(context, request, True, "modifier")


@view_config(request_method="POST", name=ANNULER, request_param="confirmer", **VUES)
def confirmer_annuler(context, request):
    return _envoyer(context, request, True, "confirmer")


@view_config(request_method="GET", name=ANNULER, request_param="resultat", **VUES)
def resultat_annuler(context, request):
    return _resultat(context, request, True)


def _garder(enfant, resultat):
    """Keep ``resultat`` on the child; its key (the time, then a random
    part: the oldest first)."""
    store = enfant.__dict__.get(_RESULTATS)
    if store is None:
        store = OOBTree()
        setattr(enfant, _RESULTATS, store)
    cle = "%013d%s" % (int(time.time() * 1000), secrets.token_hex(6))
    store[cle] = resultat
    while len(store) > GARDES:
        del store[store.minKey()]
    return cle


def _resultat(enfant, request, annuler):
    """The summary kept by a confirmation (reads only); the empty form
    with a French message when it is no longer kept."""
    sans_sous_chemin(request)
    cle = request.GET.get("resultat", "")
    store = enfant.__dict__.get(_RESULTATS)
    found = store.get(cle) if store is not None and _CLE.match(cle) else None
    if found is None or found["annuler"] != annuler:
        message = _("Ce résumé n'est plus disponible : vos demandes sont dans le planning.")
        return _page(request, enfant, annuler=annuler, introuvable=traduire(request, message))
    extra = dict(found)
    values = extra.pop("valeurs")
    del extra["annuler"]
    return _page(request, enfant, values, annuler=annuler, **extra)


def _apercu(request, enfant, values, days, annuler):
    """What the rules say of each day, now (reads only)."""
    settings, now = request.registry.settings, dates.horodatage()
    bloque = None if annuler else _blocage(request, enfant)
    foyer = _foyer(request, enfant)
    lignes, refus = [], []
    for day in days:
        try:
            if bloque is not None:
                raise service.Refus(bloque, releve=True)
            if foyer is not None and partage.hors_semaine(enfant, foyer, day) is not None:
                raise service.Refus(partage.hors_semaine(enfant, foyer, day))
            if annuler:
                _p, hors_delai = service.verifier_absence(enfant, values["oid"], day, settings, now)
            else:
                service.verifier_reservation(enfant, values["oid"], day, settings, now)
                hors_delai = False
        except service.Refus as error:
            lignes.append(_ligne(request, day, False, error.message))
            refus.append((day, error))
        else:
            texte = _("Sera annulé") if annuler else _("Sera demandé")
            lignes.append(_ligne(request, day, True, texte, hors_delai))
    possibles = sum(1 for ligne in lignes if ligne["ok"])
    return _page(
        request,
        enfant,
        values,
        annuler=annuler,
        etape="confirmation",
        lignes=lignes,
        possibles=possibles,
        liens=_liens(request, enfant, values, refus),
        resume=traduire(
            request,
            _(
                "${possibles} jour(s) sur ${total} peuvent être demandés.",
                mapping={"possibles": possibles, "total": len(lignes)},
            ),
        ),
    )


def _un_jour(request, enfant, values, day, annuler):
    """The day's request, as from the grid: (ok, text, hors_delai)."""
    demandeur = _demandeur(request)
    foyer = _foyer(request, enfant)
    if not annuler:
        demande = service.demander_reservation(
            enfant, values["oid"], day, demandeur, request, foyer=foyer
        )
        return RESULTATS[demande.etat], False
    demande = service.declarer_absence(
        enfant, values["oid"], day, values["motif"], demandeur, request, foyer=foyer
    )
    if demande.etat == ACCEPTEE:
        return _("Absent excusé"), False
    return _("Absence en cours de traitement"), demande.hors_delai


def _demander(request, enfant, values, days, annuler):
    """Each day through the grid's rules; the summary."""
    famille = _famille(request, enfant)
    settings = request.registry.settings
    lignes, refus = [], []
    for day in days:
        try:
            limites.verifier(settings, famille, limites.PLANNING)
            texte, hors_delai = _un_jour(request, enfant, values, day, annuler)
        except limites.LimiteAtteinte as refus:
            lignes.append(_ligne(request, day, False, refus.args[0]))
            continue
        except service.Refus as error:
            lignes.append(_ligne(request, day, False, error.message))
            refus.append((day, error))
            continue
        limites.noter(famille, limites.PLANNING)
        lignes.append(_ligne(request, day, True, texte, hors_delai))
    demandees = sum(1 for ligne in lignes if ligne["ok"])
    resultat = {
        "annuler": annuler,
        "valeurs": values,
        "etape": "resultat",
        "lignes": lignes,
        "demandees": demandees,
        "refusees": len(lignes) - demandees,
        "liens": _liens(request, enfant, values, refus),
        "resume": traduire(
            request,
            _(
                "${demandees} jour(s) demandé(s), ${refusees} refusé(s).",
                mapping={"demandees": demandees, "refusees": len(lignes) - demandees},
            ),
        ),
        "url_planning": url_planning(request, enfant, days[0]),
    }
    cle = _garder(enfant, resultat)
    vue = ANNULER if annuler else VUE
    return HTTPSeeOther(request.resource_path(enfant, vue, query={"resultat": cle}))
