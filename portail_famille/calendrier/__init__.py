"""The calendar: school years, school holidays of the town's zone (P, G),
public holidays (F), closures (Fermeture) and the agents' corrections."""

from pyramid.exceptions import ConfigurationError

from .jours import zone_vacances


def includeme(config):
    # A wrong zone is a deployment mistake: refuse to start.
    try:
        zone_vacances(config.registry.settings)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
