"""A new root gets its Audit at once: the first reads of several agents
then never race to create it (one write of the root each)."""

from substanced.event import subscribe_root_added

from .audit import audit


@subscribe_root_added()
def root_added(event):
    audit(event.object)
