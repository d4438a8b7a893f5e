"""What a closure (``calendrier.Fermeture``) does to the planning.

A closure of days that children booked cancels those bookings: each cell
becomes "Fermeture" (``cells.FERMETURE``: no place held, never billed by
the invoicing run, shown so in the family's grid), the day's places are
given back, a pending request of the day is closed (a reservation refused,
an absence accepted: the day is not billed either way), and each family is
told once: one message in its Boîte de réception and one mail, listing its
children and days.

A day already billed is cancelled too: the change of its cell makes the
régie's regularisation (a credit note or a line on the next invoice,
``facturation.regularisation``).  A closure may not cover a day a child
was pointed present: it happened.  ``bilan`` finds what would be
cancelled (the billed days among them) and the pointed days, without
writing; the SDI shows it, asks for a confirmation, then ``annuler`` and
``prevenir`` act in one transaction.

The children are those enrolled in the closed prestations for the school
years of the period (each prestation's index ``inscrits``), one range read
of cells per child and prestation: never every family.
"""

import datetime
import hashlib
from dataclasses import dataclass

from pyramid.traversal import find_root
from substanced.util import find_objectmap, get_oid

from .. import courriels, dates
from ..demandes import cycle
from ..demandes.resources import ACCEPTEE, REFUSEE
from ..familles.resources import IEnfant
from ..i18n import _
from ..inscriptions import annees, inscrits
from ..messagerie import service as messagerie
from . import cells
from .justificatifs import TYPE as ABSENCE_JUSTIFICATIF
from .service import ABSENCE, changer

# The cells a closure cancels: a booking, a billed absence not billed yet,
# a request being processed, the waiting list.
ANNULABLES = frozenset(
    (
        cells.RESERVE,
        cells.ABSENT_FACTURE,
        cells.RESERVATION_TRAITEMENT,
        cells.ABSENCE_TRAITEMENT,
        cells.ATTENTE,
    )
)
# A child was there: the day happened, it cannot be closed.
POINTES = frozenset((cells.PRESENT, cells.PRESENT_RESERVE, cells.HORS_CONTRAT))
EXEMPLES = 3  # days quoted in a refusal


@dataclass(frozen=True)
class Annulation:
    famille: object
    enfant: object
    prestation: object
    day: datetime.date
    etat: str
    facture: str = ""  # the invoice that billed the day, if any


class Bilan:
    """What closing ``debut``..``fin`` (of one structure, or all) does:
    ``annulations`` (the cells it cancels, billed ones included: each is
    regularised) and ``pointees`` (days a child was pointed present)."""

    def __init__(self, debut, fin, structure_oid=None):
        self.debut = debut
        self.fin = fin
        self.structure_oid = structure_oid
        self.annulations = []
        self.pointees = set()

    def familles(self):
        """[(Famille, [Annulation])] by family number."""
        found = {}
        for annulation in self.annulations:
            famille = annulation.famille
            found.setdefault(famille.__name__, (famille, []))[1].append(annulation)
        return [found[numero] for numero in sorted(found)]

    def facturees(self):
        """The cancelled days already billed (each will be regularised)."""
        return [a for a in self.annulations if a.facture]

    def refus(self):
        """The French reason the closure is refused, or None."""
        if self.pointees:
            return _(
                "Des enfants ont été pointés présents dans cette période (${jours}) : "
                "ces jours ne peuvent pas être fermés.",
                mapping={"jours": _quelques(sorted(self.pointees))},
            )
        return None

    def signature(self, motif):
        """A short digest of what the agent was shown: the confirmation
        holds only while nothing changed (another booking since, another
        period or reason typed)."""
        text = "|".join(
            [self.debut.isoformat(), self.fin.isoformat(), str(self.structure_oid), motif]
            + sorted(
                "%s:%s:%s:%s"
                % (a.famille.__name__, a.enfant.__name__, get_oid(a.prestation), a.day)
                for a in self.annulations
            )
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _quelques(days):
    text = ", ".join(dates.courte(d) for d in days[:EXEMPLES])
    return text + ("…" if len(days) > EXEMPLES else "")


def prestations_fermees(root, structure_oid=None):
    """The Prestations a closure of ``structure_oid`` (None: every
    structure) closes."""
    structures = root.get("structures")
    if structures is None:
        return []
    return [
        prestation
        for structure in structures.values()
        if hasattr(structure, "prestations")
        and (structure_oid is None or get_oid(structure, None) == structure_oid)
        for prestation in structure.prestations()
    ]


def bilan(context, debut, fin, structure_oid=None):
    """The Bilan of closing ``debut``..``fin``; nothing written."""
    root = find_root(context)
    objectmap = find_objectmap(root)
    libelles = [a.libelle for a in annees(root) if a.debut <= fin and a.fin >= debut]
    found = Bilan(debut, fin, structure_oid)
    for prestation in prestations_fermees(root, structure_oid):
        oid = get_oid(prestation)
        vus = set()
        for libelle in libelles:
            for enfant_oid in inscrits(prestation, libelle):
                if enfant_oid in vus:
                    continue
                vus.add(enfant_oid)
                enfant = objectmap.object_for(enfant_oid)
                if enfant is None or not IEnfant.providedBy(enfant):
                    continue
                _enfant(found, enfant, prestation, oid)
    found.annulations.sort(key=lambda a: (a.famille.__name__, a.enfant.__name__, a.day))
    return found


def _enfant(found, enfant, prestation, oid):
    """The child's cells of the prestation in the period: a pointed one is
    noted, a booking to cancel kept (with the invoice that billed it)."""
    tree = cells.cellules(enfant)
    if tree is None:
        return
    billed = cells.facturees(enfant, oid, found.debut, found.fin)
    famille = enfant.__parent__.__parent__
    for (_oid, day), etat in tree.items(min=(oid, found.debut), max=(oid, found.fin)):
        if etat in POINTES:
            found.pointees.add(day)
        elif etat in ANNULABLES:
            found.annulations.append(
                Annulation(famille, enfant, prestation, day, etat, billed.get(day, ""))
            )


def annuler(bilan, par, motif, registry):
    """Cancel the bookings of ``bilan`` (their places given back) and close
    the parents' pending requests of those days.  Returns how many cells."""
    for annulation in bilan.annulations:
        enfant, prestation, day = annulation.enfant, annulation.prestation, annulation.day
        demande = cells.demande_du_jour(enfant, get_oid(prestation), day)
        changer(
            enfant, prestation, day, cells.FERMETURE, cause=cells.FERMETURE_SERVICE, detail=motif
        )
        if demande is not None and demande.etat in cycle.EN_COURS:
            _clore(demande, par, motif, registry)
    return len(bilan.annulations)


def _clore(demande, par, motif, registry):
    """A pending request of a closed day: an absence is accepted (the day
    is not billed), a reservation refused with the closure as its reason."""
    if demande.type_demande in (ABSENCE, ABSENCE_JUSTIFICATIF):
        cycle.passer(demande, ACCEPTEE, par, registry)
    else:
        cycle.passer(demande, REFUSEE, par, registry, motif="Fermeture du service : %s" % motif)


def details(annulations):
    """The lines of a family's cancelled days, one per child and
    prestation: "- LUCAS, Restauration scolaire (Garderie périscolaire) :
    10/12/2026, 11/12/2026"."""
    found = {}
    for a in annulations:
        titre = "%s, %s (%s)" % (a.enfant.prenom, a.prestation.title, a.prestation.structure.title)
        found.setdefault(titre, []).append(dates.courte(a.day))
    return "\n".join("- %s : %s" % (titre, ", ".join(days)) for titre, days in found.items())


def _periode(fermeture):
    if fermeture.debut == fermeture.fin:
        return _("le ${jour}", mapping={"jour": dates.courte(fermeture.debut)})
    return _(
        "du ${debut} au ${fin}",
        mapping={"debut": dates.courte(fermeture.debut), "fin": dates.courte(fermeture.fin)},
    )


def prevenir(request, bilan, fermeture):
    """Tell each family of ``bilan`` once: a message in its Boîte de
    réception and a mail (if its Autorisation courriel is Oui), listing its
    children and the days cancelled.  Returns how many families."""
    translate = request.localizer.translate
    periode = translate(_periode(fermeture))
    objet = translate(
        _("Fermeture ${periode} : réservations annulées", mapping={"periode": periode})
    )
    familles = bilan.familles()
    for famille, annulations in familles:
        lignes = details(annulations)
        texte = translate(
            _(
                "Bonjour,\n\nLe service sera fermé ${periode} (motif : ${motif}).\n"
                "Les réservations suivantes sont annulées et ne seront pas facturées :\n"
                "${details}\n\nLe service enfance jeunesse",
                mapping={"periode": periode, "motif": fermeture.motif, "details": lignes},
            )
        )
        if len(texte) > messagerie.TEXTE_MAX:  # a closure of many weeks
            texte = texte[: messagerie.TEXTE_MAX - 1] + "…"
        messagerie.ecrire_a_la_famille(
            request, famille, objet, texte, structure=fermeture.structure, courriel=False
        )
        destinataires = messagerie.destinataires(famille)
        if destinataires:
            courriels.send(
                request,
                "fermeture",
                destinataires,
                periode=periode,
                motif=fermeture.motif,
                details=lignes,
                url=request.resource_url(famille, "boite-de-reception"),
            )
    return len(familles)
