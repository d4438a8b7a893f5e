"""Direct debit (prélèvement SEPA): the families' mandates, the monthly
batches of a régie (pain.008 files) and the rejected debits."""


def includeme(config):
    pass
