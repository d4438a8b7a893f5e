"""The health and metrics probes' permission (issue 23): everybody may ask
``/sante`` and ``/metriques`` (P.SURVEILLANCE_SONDER on the root), the
address allow-list answering."""

from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
