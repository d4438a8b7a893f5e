"""Online enrolment (``inscription_en_ligne``) has its own permission
(``P.INSCRIPTION_OUVRIR``: agents on the structures; administrators hold
every permission): the role table is written again so that agents get it
on ``structures``.  Openings and documents are new attributes with class
defaults: nothing else to migrate."""

from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
