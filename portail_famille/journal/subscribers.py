"""A new root gets its journal at once: the first writes of several staff
members then never race to create it (one write of the root each)."""

from substanced.event import subscribe_root_added

from . import journal


@subscribe_root_added()
def root_added(event):
    journal(event.object)
