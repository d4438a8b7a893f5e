"""Staff stop a garde alternée: the child is no longer shared with its
second household (``familles.partage``).

An agent chooses the date from which the second household's days of the
child are undone (default tomorrow; never a past day) and what becomes of
them: cancelled (their places given back to the first ones waiting), or
moved to the first household (the same days, billed to it).  Whatever the
choice:

- a day before the date, a day already invoiced, a day the child was
  pointed present, a late absence it owes (Absent facturé) stay as they
  are, still the second household's (its invoices and their
  regularisations are never changed nor deleted);
- a request of the second household still pending for one of its days
  from the date on is closed (refused: "Fin de la garde alternée"), and
  its day cancelled (a request is not a booking to move);
- the link ends (``partage.retirer``): the second household's parents no
  longer reach the child (its ACL), the first household books every week;
- the journal records it (who, the date, the choice, how many days) for
  both households, and both are told the days that changed: a message in
  their Boîte de réception and a mail.

``bilan`` reads what would change without writing (the confirmation
page); ``arreter`` does it, in one transaction.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from .. import courriels, dates, journal
from ..demandes import cycle
from ..demandes.resources import REFUSEE
from ..familles import partage
from ..familles.sdi_partage import GARDE_ARRETEE
from ..i18n import _
from ..inscriptions import prestation_de
from ..messagerie import service as messagerie
from ..planning import cells
from ..planning.service import changer, promouvoir

ANNULER = "annuler"
REPORTER = "reporter"
CHOIX = (
    (ANNULER, _("Annuler ces réservations (les places sont libérées)")),
    (REPORTER, _("Les reporter sur le premier foyer (facturées à ce foyer)")),
)
# What becomes of one day of the second household from the date on.
ANNULE = "annule"
REPORTE = "reporte"
CONSERVE = "conserve"
# Kept: a day that happened (the child was there), a late absence the
# household owes (Absent facturé).
CONSERVES = frozenset(
    (cells.PRESENT, cells.PRESENT_RESERVE, cells.HORS_CONTRAT, cells.ABSENT_FACTURE)
)
# What the first household may take over: a booking, an excused absence.
# Anything else (a request in process, the waiting list, a refusal) is
# cancelled whatever the choice: a request is not a booking to move.
REPORTABLES = frozenset((cells.RESERVE, cells.ABSENT_EXCUSE))
MOTIF = "Fin de la garde alternée"
COURRIEL = "garde_arretee"


class ArretRefuse(Exception):
    """``args[0]``: the French reason."""


# --- Pure rules -------------------------------------------------------------------


def jour_par_defaut(today):
    """The date the form proposes: tomorrow."""
    return today + datetime.timedelta(days=1)


def erreur_date(depuis, today):
    """The French reason ``depuis`` is refused, or None."""
    if depuis is None:
        return _("Saisissez la date à partir de laquelle la garde s'arrête (jj/mm/aaaa).")
    if depuis < today:
        return _("La date ne peut pas être passée : les journées passées restent au second foyer.")
    return None


def jours_du_foyer(attributions, numero, depuis):
    """The (prestation oid, day) keys of ``attributions`` (cell -> N°
    famille) booked by household ``numero`` from ``depuis`` on, by day."""
    return sorted(
        (key for key, found in attributions.items() if found == numero and key[1] >= depuis),
        key=lambda key: (key[1], key[0]),
    )


def sort_du_jour(etat, facture, choix):
    """What becomes of a day of the second household in state ``etat``
    (``facture``: an invoice billed it): ANNULE, REPORTE or CONSERVE."""
    if facture or etat in CONSERVES:
        return CONSERVE
    if choix == REPORTER and etat in REPORTABLES:
        return REPORTE
    return ANNULE


# --- What it would change ---------------------------------------------------------


@dataclass(frozen=True)
class Jour:
    prestation: object
    oid: int
    day: datetime.date
    etat: str
    sort: str

    @property
    def libelle(self):
        return "%s — %s, %s" % (
            self.prestation.structure.title,
            self.prestation.title,
            dates.courte(self.day),
        )


@dataclass
class Bilan:
    enfant: object
    principal: object
    second: object
    depuis: datetime.date
    choix: str
    jours: list = field(default_factory=list)

    def de(self, sort):
        return [j for j in self.jours if j.sort == sort]

    def signature(self):
        """A short digest of what the agent was shown: the confirmation
        holds only while nothing changed (a booking of the second
        household since, another date or choice)."""
        text = "|".join(
            [self.second.__name__, self.depuis.isoformat(), self.choix]
            + ["%s:%s:%s:%s" % (j.oid, j.day, j.etat, j.sort) for j in self.jours]
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def second_de(enfant):
    """The second household of ``enfant``; ArretRefuse when none."""
    seconds = partage.seconds_foyers(enfant)
    if not seconds:
        raise ArretRefuse(_("Cet enfant n'est partagé avec aucun autre foyer."))
    return seconds[0]


def bilan(enfant, depuis, choix, today=None):
    """What stopping the share from ``depuis`` with ``choix`` would do
    (nothing written); ArretRefuse when it cannot be done."""
    today = today or dates.today()
    second = second_de(enfant)
    erreur = erreur_date(depuis, today)
    if erreur is not None:
        raise ArretRefuse(erreur)
    if choix not in dict(CHOIX):
        raise ArretRefuse(_("Choisissez ce que deviennent les réservations du second foyer."))
    found = Bilan(enfant, partage.foyer_principal(enfant), second, depuis, choix)
    attributions = partage.cellules_du_foyer(enfant) or {}
    for oid, day in jours_du_foyer(attributions, second.__name__, depuis):
        prestation = prestation_de(enfant, oid)
        if prestation is None:
            continue
        etat = cells.etat(enfant, oid, day)
        facture = bool(cells.facturees(enfant, oid, day, day))
        found.jours.append(Jour(prestation, oid, day, etat, sort_du_jour(etat, facture, choix)))
    return found


# --- Doing it ---------------------------------------------------------------------


def _clore(enfant, oid, day, second, par, registry):
    """The second household's pending request of the day, refused."""
    demande = cells.demande_du_jour(enfant, oid, day)
    if (
        demande is not None
        and demande.etat in cycle.EN_COURS
        and demande.__parent__.__parent__ is second
    ):
        cycle.passer(demande, REFUSEE, par, registry, motif=MOTIF)


def _oublier_modification(enfant, oid, day):
    """The day starts afresh for the first household (its one change per
    date is its own, not the second household's)."""
    tree = enfant.__dict__.get(cells.MODIFICATIONS)
    if tree is not None:
        tree.pop((oid, day), None)


def arreter(bilan, request, par):
    """Stop the share as ``bilan`` says: the days undone, the link ended,
    the journal, the mails.  Returns ``bilan``."""
    enfant, principal, second = bilan.enfant, bilan.principal, bilan.second
    liberes = []
    for jour in bilan.jours:
        if jour.sort == CONSERVE:
            continue
        oid = jour.oid
        _clore(enfant, oid, jour.day, second, par, request.registry)
        if jour.sort == ANNULE:
            changer(enfant, jour.prestation, jour.day, None, cause=cells.PLANNING, detail=MOTIF)
            liberes.append(jour)
        partage.noter_foyer(enfant, oid, jour.day, principal)
        _oublier_modification(enfant, oid, jour.day)
    partage.retirer(enfant, second)
    for jour in liberes:
        promouvoir(jour.prestation, jour.day, request)
    details = {
        "second_foyer": second.numero,
        "depuis": bilan.depuis.isoformat(),
        "choix": bilan.choix,
        "annules": len(bilan.de(ANNULE)),
        "reportes": len(bilan.de(REPORTE)),
        "conserves": len(bilan.de(CONSERVE)),
    }
    for famille in (principal, second):
        journal.noter(
            request, GARDE_ARRETEE, enfant, par=par, famille=famille, enfant=enfant, details=details
        )
    prevenir(request, bilan, par)
    return bilan


def _lignes(jours):
    return "\n".join("- %s" % j.libelle for j in jours) or "-"


def texte(request, bilan, pour_le_second):
    """The mail's French text for one household (``pour_le_second``: the
    household that no longer shares the child)."""
    translate = request.localizer.translate
    mapping = {"enfant": bilan.enfant.title, "depuis": dates.courte(bilan.depuis)}
    if pour_le_second:
        paragraphes = [
            _(
                "La garde alternée de ${enfant} enregistrée sur le Portail Famille est "
                "arrêtée : votre foyer ne voit plus cet enfant et ne réserve plus pour lui.",
                mapping=mapping,
            )
        ]
    else:
        paragraphes = [
            _(
                "La garde alternée de ${enfant} est arrêtée : votre foyer réserve désormais "
                "toutes les semaines.",
                mapping=mapping,
            )
        ]
    annules, reportes = bilan.de(ANNULE), bilan.de(REPORTE)
    if annules:
        paragraphes.append(
            _(
                "Réservations de l'autre foyer à partir du ${depuis}, annulées (non "
                "facturées) :\n${jours}",
                mapping={"depuis": mapping["depuis"], "jours": _lignes(annules)},
            )
            if not pour_le_second
            else _(
                "Vos réservations à partir du ${depuis}, annulées (non facturées) :\n${jours}",
                mapping={"depuis": mapping["depuis"], "jours": _lignes(annules)},
            )
        )
    if reportes:
        paragraphes.append(
            _(
                "Réservations de l'autre foyer à partir du ${depuis}, reportées sur votre foyer "
                "(facturées à votre foyer) :\n${jours}",
                mapping={"depuis": mapping["depuis"], "jours": _lignes(reportes)},
            )
            if not pour_le_second
            else _(
                "Vos réservations à partir du ${depuis}, reportées sur l'autre foyer (qui en "
                "sera facturé) :\n${jours}",
                mapping={"depuis": mapping["depuis"], "jours": _lignes(reportes)},
            )
        )
    paragraphes.append(_("Les journées passées et les factures émises ne changent pas."))
    return "\n\n".join(translate(p) for p in paragraphes)


def prevenir(request, bilan, par=""):
    """Tell both households: a message in its Boîte de réception and a
    mail (when its Autorisation courriel is Oui)."""
    translate = request.localizer.translate
    objet = translate(
        _("Fin de la garde alternée de ${enfant}", mapping={"enfant": bilan.enfant.title})
    )
    for famille in (bilan.second, bilan.principal):
        corps = texte(request, bilan, famille is bilan.second)
        message = translate(_("Bonjour,")) + "\n\n" + corps
        message += "\n\n" + translate(_("Le service enfance jeunesse"))
        if len(message) > messagerie.TEXTE_MAX:  # a share of many days: the mail has all
            message = message[: messagerie.TEXTE_MAX - 1] + "…"
        messagerie.ecrire_a_la_famille(
            request, famille, objet[: messagerie.OBJET_MAX], message, par=par, courriel=False
        )
        adresses = messagerie.destinataires(famille)
        if adresses:
            courriels.send(request, COURRIEL, adresses, enfant=bilan.enfant.title, texte=corps)
