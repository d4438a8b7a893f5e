"""The family's whole file on one staff screen ("Fiche famille", the
Famille's first SDI tab): its record, its children with their health data
and authorisations, inscriptions, this month's planning, requests,
messages and account; and the staff's direct changes of a child's health
data and authorised persons, each with a reason, journaled.

It shows what several domains hold (requests, messages, planning, money),
hence it sits above them; it computes nothing of theirs again (the
balance is ``facturation.compte``'s, the planning's states ``planning``'s).
"""

from .. import journal
from .sante import ACTIONS


def includeme(config):
    journal.nommer_actions(config, ACTIONS)
