"""Long jobs out of the request (issue 22): a group message to every
family, an invoicing run of the whole town... queued by the request that
asks for them, run by worker processes (``portail-famille-travaux
<config.ini>``, ``script``), several of them on several machines against
the same ZEO or RelStorage database, each chunk committed with the job's
progress (``service``); the page that started a job shows its progress
(``sdi``).  A domain registers its kinds of job in its includeme
(``config.add_genre_travail(service.Genre(...))``)."""


def includeme(config):
    from pyramid.events import ApplicationCreated
    from pyramid.settings import asbool

    from . import fil
    from .service import ajouter_genre

    config.add_directive("add_genre_travail", ajouter_genre)
    if asbool(config.registry.settings.get(fil.REGLAGE)):
        config.add_subscriber(fil.demarrer, ApplicationCreated)
