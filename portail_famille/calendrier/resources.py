"""Calendrier (the "calendrier" root folder) and what it holds: school
years (with the holiday periods the agents enter when the holiday library
stops before them), closures and the agents' corrections of single days."""

import datetime

from substanced.content import content
from substanced.folder import Folder
from substanced.property import PropertySheet
from zope.interface import implementer

from .. import dates
from ..i18n import _
from ..security import P
from . import jours, schemas
from .interfaces import (
    IAnneeScolaire,
    ICalendrier,
    ICorrection,
    IFermeture,
    IPeriodeVacances,
)

ADDABLE = ("AnneeScolaire", "Fermeture", "Correction")


@content("Calendrier", icon="glyphicon glyphicon-calendar")
@implementer(ICalendrier)
class Calendrier(Folder):
    """School years (named "2014-2015"), closures ("fermeture-…") and
    corrections (named by their ISO date, one per day)."""

    # its name in the SDI (breadcrumbs, grids), not its internal name
    sdi_title = _("Calendrier")

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get("content_type") in ADDABLE

    def correction(self, date):
        found = self.get(date.isoformat())
        return found if ICorrection.providedBy(found) else None

    def corrections(self, debut, fin):
        """{date: Correction} from ``debut`` to ``fin``: one range read (a
        correction is named by its ISO date)."""
        found = {}
        for value in self.data.values(min=debut.isoformat(), max=fin.isoformat()):
            if ICorrection.providedBy(value):
                found[value.date] = value
        return found

    def fermetures(self):
        return [value for value in self.values() if IFermeture.providedBy(value)]

    def fermeture_du(self, date, structure_oid=None):
        """The closure covering ``date`` (of the town, or of the structure),
        or None."""
        return next((f for f in self.fermetures() if f.couvre(date, structure_oid)), None)

    def annees(self):
        found = [value for value in self.values() if IAnneeScolaire.providedBy(value)]
        return sorted(found, key=lambda annee: annee.debut)

    def vacances_saisies(self, debut, fin):
        """[(AnneeScolaire, [PeriodeVacances])] of the school years from
        ``debut`` to ``fin`` whose holidays the agents entered."""
        found = []
        for annee in self.annees():
            if annee.debut <= fin and annee.fin >= debut:
                periodes = annee.periodes()
                if periodes:
                    found.append((annee, periodes))
        return found

    def annee_de(self, date):
        """The school year ``date`` belongs to, or None."""
        for annee in self.annees():
            if annee.debut <= date <= annee.fin:
                return annee
        return None


class _Sheet(PropertySheet):
    # Seeing a sheet needs the right to edit it (régisseurs, who hold
    # ``sdi.view`` on the root, do not get the calendar's forms).

    permissions = (("view", P.SDI_EDIT), ("change", P.SDI_EDIT))


class AnneeScolaireSheet(_Sheet):
    schema = schemas.AnneeScolaireSchema()


class FermetureSheet(_Sheet):
    # Its days and structure are fixed once added: adding it cancelled the
    # bookings of those days (planning.fermeture), after a confirmation.
    schema = schemas.MotifFermetureSchema()


class CorrectionSheet(_Sheet):
    schema = schemas.CorrectionSchema()


class PeriodeVacancesSheet(_Sheet):
    schema = schemas.PeriodeVacancesSchema()


@content(
    "AnneeScolaire",
    name=_("Année scolaire"),
    icon="glyphicon glyphicon-education",
    add_view="add_annee_scolaire",
    propertysheets=((_("Année scolaire"), AnneeScolaireSheet),),
)
@implementer(IAnneeScolaire)
class AnneeScolaire(Folder):
    def __init__(self, libelle, debut, fin):
        Folder.__init__(self)
        self.libelle = libelle
        self.debut = debut
        self.fin = fin

    @property
    def title(self):
        return "%s (du %s au %s)" % (self.libelle, dates.courte(self.debut), dates.courte(self.fin))

    def __sdi_addable__(self, context, introspectable):
        # Its holiday periods only (the portal's own form), never the SDI's
        # generic files or folders.
        return introspectable.get("content_type") == "PeriodeVacances"

    def periodes(self):
        """The holiday periods the agents entered, in order."""
        found = [v for v in self.values() if IPeriodeVacances.providedBy(v)]
        return sorted(found, key=lambda periode: periode.debut)


@content(
    "PeriodeVacances",
    name=_("Période de vacances"),
    icon="glyphicon glyphicon-plane",
    add_view="add_periode_vacances",
    propertysheets=((_("Période de vacances"), PeriodeVacancesSheet),),
)
@implementer(IPeriodeVacances)
class PeriodeVacances(Folder):
    """School holidays of a school year the holiday library does not know,
    entered by the agents: ``nom`` (the national name), ``debut`` to ``fin``
    inclusive."""

    def __init__(self, nom, debut, fin):
        Folder.__init__(self)
        self.nom = nom
        self.debut = debut
        self.fin = fin

    @property
    def genre(self):
        return jours.genre_vacances(self.nom)

    @property
    def title(self):
        return "%s (du %s au %s)" % (self.nom, dates.courte(self.debut), dates.courte(self.fin))


@content(
    "Fermeture",
    icon="glyphicon glyphicon-ban-circle",
    add_view="add_fermeture",
    propertysheets=((_("Fermeture"), FermetureSheet),),
)
@implementer(IFermeture)
class Fermeture(Folder):
    """A closure from ``debut`` to ``fin`` (inclusive), of the whole town
    (``structure`` None) or of one structure (its oid)."""

    def __init__(self, debut, fin, motif, structure=None):
        Folder.__init__(self)
        self.debut = debut
        self.fin = fin
        self.motif = motif
        self.structure = structure

    def couvre(self, date, structure_oid=None):
        if not self.debut <= date <= self.fin:
            return False
        return self.structure is None or self.structure == structure_oid

    @property
    def title(self):
        return "Fermeture du %s au %s : %s" % (
            dates.courte(self.debut),
            dates.courte(self.fin),
            self.motif,
        )


@content(
    "Correction",
    name=_("Correction d'un jour"),
    icon="glyphicon glyphicon-pencil",
    add_view="add_correction",
    propertysheets=((_("Correction"), CorrectionSheet),),
)
@implementer(ICorrection)
class Correction(Folder):
    """The agents' word on one day (its name is the ISO date)."""

    def __init__(self, genre, motif="", date=None):
        Folder.__init__(self)
        self.genre = genre
        self.motif = motif

    @property
    def date(self):
        return datetime.date.fromisoformat(self.__name__)

    @property
    def title(self):
        label = dict(schemas.GENRES).get(self.genre, self.genre)
        return "%s : %s" % (dates.courte(self.date), label)
