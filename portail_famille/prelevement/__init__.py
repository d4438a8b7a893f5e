"""Direct debit (prélèvement SEPA): the families' mandates (``mandats``,
their requests and screens: ``service``, ``views``, ``sdi``), the monthly
batches of a régie and their rejects (``resources``, ``lots``: pain.008
files; the régie's tab "Prélèvements": ``sdi_lots``).

The creditor (the régie that debits) is named by the settings, read by
``creancier(settings)`` wherever a mandate or a batch shows it:

- ``portail.sepa.creancier``: its name ("Régie Garderie et ALSH de Biviers");
- ``portail.sepa.ics``: its SEPA creditor identifier (ICS, "FR72ZZZ123456");
- ``portail.sepa.adresse``: its postal address, on the mandate.
"""

from dataclasses import dataclass

from .. import journal


@dataclass(frozen=True)
class Creancier:
    nom: str
    ics: str
    adresse: str
    iban: str = ""
    bic: str = ""


def creancier(settings):
    """The creditor the settings name (empty strings for what is not set)."""
    settings = settings or {}

    def lire(key):
        return " ".join((settings.get(key) or "").split())

    return Creancier(
        nom=lire("portail.sepa.creancier"),
        ics=lire("portail.sepa.ics").replace(" ", "").upper(),
        adresse=lire("portail.sepa.adresse"),
        iban=lire("portail.sepa.iban").replace(" ", "").upper(),
        bic=lire("portail.sepa.bic").replace(" ", "").upper(),
    )


def includeme(config):
    from ..demandes import types
    from .preparation import GENRE_TRAVAIL_EFFECTUER, GENRE_TRAVAIL_LOT
    from .sdi_lots import ACTIONS as ACTIONS_LOTS
    from .service import ACTIONS, TYPES_DEMANDES

    journal.nommer_actions(config, ACTIONS)
    journal.nommer_actions(config, ACTIONS_LOTS)
    # the batch's preparation and its payments, by the workers (travaux)
    config.add_genre_travail(GENRE_TRAVAIL_LOT)
    config.add_genre_travail(GENRE_TRAVAIL_EFFECTUER)
    # The family's requests about its mandate: in the requests' queue, with
    # the other money requests (P.DEMANDE_TRAITER_FINANCES).
    for kind, accepter in TYPES_DEMANDES:
        types.ajouter(kind)
        config.add_traitement_demande(
            kind.nom,
            accepter=accepter,
            courriels=("prelevement_accepte", "prelevement_refuse"),
        )
