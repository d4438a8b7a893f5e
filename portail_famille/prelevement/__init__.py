"""Direct debit (prélèvement SEPA): the families' mandates (``mandats``),
the monthly batches of a régie (``resources``, ``service``: pain.008
files) and the rejected debits; the régie's tab "Prélèvements" (``sdi``)."""

from .. import journal


def includeme(config):
    from .sdi import ACTIONS

    journal.nommer_actions(config, ACTIONS)
