"""PES V2 to the Trésor public (Hélios): the invoices still unpaid after
the reminders leave the régie as titres de recettes, in a numbered ORMC
file the régisseur sends to the poste comptable.

- ``service``: the settings (``portail.pes.*``), the candidates, the
  preview, the file's issue (numbers, invoices marked ``tresor``, journal);
- ``ecriture``: the file's writer (lxml); ``controle``: its structure
  check, run on every file before it is kept;
- ``resources``: the files kept (blobs) and their numbers;
- ``sdi``: the régie's tab "Trésor public".

Once sent, an invoice reads "Transmise au Trésor public" on the family's
statement and is no longer paid online at the régie
(``paiement.service.verifier_payable``, ``Facture.hors_regie``)."""

from .. import journal
from .service import ACTIONS


def includeme(config):
    from .preparation import GENRE_TRAVAIL

    journal.nommer_actions(config, ACTIONS)
    config.add_genre_travail(GENRE_TRAVAIL)  # the file, by the workers
