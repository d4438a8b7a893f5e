"""Long jobs out of the request (issue 22): a group message to every
family, an invoicing run of the whole town... queued by the request that
asks for them, run by worker processes (``portail-famille-travaux
<config.ini>``, ``script``), several of them on several machines against
the same ZEO or RelStorage database, each chunk committed with the job's
progress (``service``); the page that started a job shows its progress
(``sdi``).  A domain registers its kinds of job in its includeme
(``config.add_genre_travail(service.Genre(...))``)."""


def _en_file(request):
    """{(state,): n} of the jobs not finished (waiting, under way)."""
    from .resources import EN_ATTENTE, EN_COURS
    from .service import file_de

    file = file_de(request.root)
    found = {(EN_ATTENTE,): 0, (EN_COURS,): 0}
    for travail in file.en_file() if file is not None else ():
        found[(travail.etat,)] = found.get((travail.etat,), 0) + 1
    return found


def _echoues(request):
    from .service import file_de

    file = file_de(request.root)
    return file.echoues if file is not None else 0


def includeme(config):
    from pyramid.events import ApplicationCreated
    from pyramid.settings import asbool

    from ..surveillance import ajouter_jauge
    from . import fil
    from .service import ajouter_genre

    config.add_directive("add_genre_travail", ajouter_genre)
    ajouter_jauge(
        config.registry,
        "portail_travaux_en_file",
        "Travaux longs non terminés, par état (en-attente, en-cours).",
        _en_file,
        ("etat",),
    )
    ajouter_jauge(
        config.registry,
        "portail_travaux_echoues",
        "Travaux longs arrêtés sur trop d'erreurs, depuis la création de la base.",
        _echoues,
    )
    if asbool(config.registry.settings.get(fil.REGLAGE)):
        config.add_subscriber(fil.demarrer, ApplicationCreated)
