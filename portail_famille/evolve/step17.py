"""Abuse limits: every Famille gets its ``envois``, the small BTree of what
its parents sent in the last day (messages, attachments, requests,
reservations), which ``familles.limites`` counts."""

from ..familles.limites import journal


def evolve(root, registry):
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        journal(famille)
