"""The figures the CAF asks of an accueil de loisirs (ALSH) for its
*prestation de service*: hours booked, attended and billed per child,
month, activity (Structure > Prestation) and age band, and the number of
children per day.

- Booked ("réservées"): the cells that hold a booking: Réservé, présent
  sur réservation, absent facturé, hors contrat, an absence being
  processed (the booking stands until an agent decides).  An excused
  absence gave the day back: not booked.
- Attended ("réalisées"): the cells the pointage marked present, with or
  without a booking.
- Billed ("facturées"): the days the régie's invoices billed and no
  credit gave back (``cells.FACTUREES``, kept in step by the money domain).
- Age band: under 6 / 6 and over, the two bands of the CAF's ALSH forms
  (their staffing and their rate differ), on the day of the act: a child
  turning 6 in the month counts under 6 before his birthday, 6 and over
  from it.  No birth date: a band of its own, so that nothing is lost.
- Hours of one day: ``heures`` (the one function): the arrival and
  departure times the pointage recorded for a prestation billed by the
  hour, else the prestation's duration (``duree``).

The days are read from the store the planning keeps in step
(``journees``: per prestation and month, the counted days of each child),
never from the children's cells: the cost is a tree per prestation and
month, plus the children counted (their band, their name on the detail).
"""

import collections
import datetime
from decimal import Decimal

from substanced.util import get_oid

from .. import dates
from ..familles.resources import IEnfant
from ..inscriptions import INSCRITS, annees
from ..structures.resources import IStructure
from ..util import arbre, objet
from . import journees

RESERVEES = journees.RESERVEES
REALISEES = journees.REALISEES

AGE_CAF = 6
MOINS_DE_6 = "moins_de_6"
SIX_ET_PLUS = "6_et_plus"
AGE_INCONNU = "age_inconnu"
TRANCHES = (MOINS_DE_6, SIX_ET_PLUS, AGE_INCONNU)

# A prestation's duration when the service has not set one (``duree``),
# by its unit: an ALSH day, a half-day, the lunch break, one hour.
DUREES_PAR_UNITE = {
    "journee": Decimal(8),
    "demi-journee": Decimal(4),
    "repas": Decimal(2),
    "heure": Decimal(1),
}
MOIS_MAX = 12  # one request reads a year at most


def tranche(enfant, day):
    """The child's CAF age band on ``day`` (a child or his Fiche)."""
    age = dates.age(enfant.date_naissance, day)
    if age is None:
        return AGE_INCONNU
    return MOINS_DE_6 if age < AGE_CAF else SIX_ET_PLUS


def duree(prestation):
    """The hours of one day of ``prestation``: its ``duree`` when the
    service set one, else its unit's."""
    value = getattr(prestation, "duree", None)
    if value is not None:
        return Decimal(value)
    return DUREES_PAR_UNITE.get(prestation.unite, Decimal(1))


def heures(prestation, enfant, day):
    """The hours the child spends at ``prestation`` on ``day``: the one
    computation of hours.  Those of the arrival and departure times the
    pointage recorded for a prestation billed by the hour (every quarter
    hour started, ``horaires.duree``), else the prestation's duration."""
    oid = get_oid(prestation, None)
    found = None if oid is None else journees.heures_relevees(enfant, oid, day, prestation)
    return found if found is not None else duree(prestation)


class Compte:
    """Hours booked, attended and billed of one row (Decimal)."""

    __slots__ = ("reservees", "realisees", "facturees", "jours")

    def __init__(self):
        self.reservees = self.realisees = self.facturees = Decimal(0)
        self.jours = 0  # days with at least one of the three

    def ajouter(self, etat, facture, nombre):
        self.reservees += nombre if etat in RESERVEES else 0
        self.realisees += nombre if etat in REALISEES else 0
        self.facturees += nombre if facture else 0
        self.jours += 1


class _Mois:
    """One child's month at one prestation, in one band, counted in days
    (the hours of a day are the prestation's, or the recorded ones summed
    apart): Decimal work once per month, not per day."""

    __slots__ = ("jours", "reservees", "realisees", "facturees", "heures")

    def __init__(self):
        self.jours = self.reservees = self.realisees = self.facturees = 0
        self.heures = None  # [booked, attended, billed] of recorded hours

    def ajouter(self, reserve, realise, facture, releve):
        self.jours += 1
        if releve is None:
            self.reservees += reserve
            self.realisees += realise
            self.facturees += facture
            return
        if self.heures is None:
            self.heures = [0, 0, 0]
        self.heures[0] += releve if reserve else 0
        self.heures[1] += releve if realise else 0
        self.heures[2] += releve if facture else 0

    def verser(self, compte, heures_jour):
        """Into ``compte`` (a Compte): the days times ``heures_jour``."""
        compte.jours += self.jours
        compte.reservees += heures_jour * self.reservees if self.reservees else 0
        compte.realisees += heures_jour * self.realisees if self.realisees else 0
        compte.facturees += heures_jour * self.facturees if self.facturees else 0
        if self.heures is not None:
            compte.reservees += self.heures[0]
            compte.realisees += self.heures[1]
            compte.facturees += self.heures[2]


class Statistiques:
    """The figures of the months [debut, fin] (first days of months).

    ``enfants``: {(month, prestation, band, Fiche): Compte} (the child's
    ``journees.Fiche``: no child is loaded);
    ``jours``: {(day, prestation): [children booked, children attended]}.
    """

    def __init__(self, structures, debut, fin, prestation=None):
        self.debut = debut
        self.fin = fin
        self.enfants = collections.defaultdict(Compte)
        self.jours = collections.defaultdict(lambda: [0, 0])
        self._stockees = journees.fiches(structures)
        self._faites = {}
        for item in self._prestations(structures, prestation):
            for annee in annees(item):
                du, au = max(debut, annee.debut), min(fin, annee.fin)
                if du <= au:
                    self._compter(structures, item, annee.libelle, du, au)

    @staticmethod
    def _prestations(structures, seule):
        if seule is not None:
            return [seule]
        return [p for s in structures.values() if IStructure.providedBy(s) for p in s.prestations()]

    def _fiche(self, structures, oid):
        """The child's Fiche: stored (``journees.FICHES``), or made from
        the child when the index lacks him (a child added inside a family
        added at once sends no event of his own); None: no such child."""
        found = self._stockees.get(oid) or self._faites.get(oid)
        if found is None:
            enfant = objet(structures, oid)
            if enfant is not None and IEnfant.providedBy(enfant):
                found = self._faites[oid] = journees.fiche(enfant)
        return found

    def _compter(self, structures, prestation, libelle, du, au):
        """The days of [du, au] (one school year) of the children enrolled
        in the prestation that year (its index), read from the store
        (``journees``)."""
        oid = get_oid(prestation)
        inscrits = arbre(prestation, INSCRITS)
        heures_jour = duree(prestation)
        mois = du.replace(day=1)
        while mois <= au and inscrits is not None:
            for enfant_oid, jours in journees.lire(structures, oid, mois).items():
                if (libelle, enfant_oid) not in inscrits:
                    continue
                fiche = self._fiche(structures, enfant_oid)
                if fiche is None:
                    continue
                # one band for the month, unless the child turns 6 in it
                bande = tranche(fiche, max(mois, du))
                if tranche(fiche, min(fin_de_mois(mois), au)) != bande:
                    bande = None
                lignes = {}  # band: _Mois
                for day, etat, facture, releve in jours:
                    reserve, realise = etat in RESERVEES, etat in REALISEES
                    if (reserve or realise or facture) and du <= day <= au:
                        b = bande or tranche(fiche, day)
                        ligne = lignes.get(b) or lignes.setdefault(b, _Mois())
                        ligne.ajouter(reserve, realise, facture, releve)
                        par_jour = self.jours[(day, prestation)]
                        par_jour[0] += reserve
                        par_jour[1] += realise
                for b, ligne in lignes.items():
                    ligne.verser(self.enfants[(mois, prestation, b, fiche)], heures_jour)
            mois = mois_suivant(mois)

    def synthese(self):
        """{(month, prestation, band): [children, Compte]}: the CAF's form."""
        found = {}
        for (mois, prestation, bande, _enfant), compte in self.enfants.items():
            ligne = found.setdefault((mois, prestation, bande), [0, Compte()])
            ligne[0] += 1
            total = ligne[1]
            total.reservees += compte.reservees
            total.realisees += compte.realisees
            total.facturees += compte.facturees
            total.jours += compte.jours
        return found


def mois_suivant(mois):
    """The first day of the month after ``mois``'s."""
    return (mois.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def fin_de_mois(mois):
    return mois_suivant(mois) - datetime.timedelta(days=1)
