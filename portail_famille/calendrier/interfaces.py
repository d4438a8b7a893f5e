"""The calendar's interfaces, apart so that the schemas (imported by the
resources) can tell which object a form is bound to."""

from zope.interface import Interface


class ICalendrier(Interface):
    pass


class IAnneeScolaire(Interface):
    pass


class IFermeture(Interface):
    pass


class ICorrection(Interface):
    pass


class IPeriodeVacances(Interface):
    pass
