"""The parent's month planning of a child (issue 4, "The planning grid"):
the cells (child × prestation × day) in ``cells``, the read-only month
page in ``views``.  Reservations and absences come next."""


def includeme(config):
    config.include(".capacite")
