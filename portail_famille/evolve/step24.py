"""The news folder keeps data, not markup: its published list becomes
``Breve`` tuples (name, title, date, plain text), without the absolute
path each ``Resume`` carried, and its rendered ``html`` goes (pages make
links and markup at request time, so they follow a portal served under a
path).  Rebuilt from the items themselves: nothing is lost."""

from ..actualites.resources import IActualites


def evolve(root, registry):
    folder = root.get("actualites")
    if folder is None or not IActualites.providedBy(folder):
        return
    folder._p_activate()  # a ghost's __dict__ is empty
    folder.__dict__.pop("html", None)
    folder.publiees = ()
    folder.rafraichir()
    folder._p_changed = True
