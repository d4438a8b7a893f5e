"""Evolve step46 on a database made before the long jobs: the root gets
its queue (a new root has it from its creation), agents and régisseurs
may follow jobs; run again, it keeps the queue and its jobs."""

from pyramid.security import Allow
from substanced.util import get_acl

from portail_famille.evolve import STEPS, step46
from portail_famille.security import P, group_oid
from portail_famille.travaux.resources import ATTRIBUT
from portail_famille.travaux.service import file_de

from ...conftest import with_root


def _suivre(root):
    """The groups that hold P.TRAVAUX_SUIVRE on the root."""
    return sorted(
        name
        for name in ("agents", "regisseurs", "editeurs")
        for action, who, perms in get_acl(root, [])
        if action == Allow and who == group_oid(root, name) and P.TRAVAUX_SUIVRE in perms
    )


def test_step46_gives_an_old_database_its_queue(app):
    assert "step46" in STEPS
    assert with_root(app.app, lambda root, registry: file_de(root) is not None)

    def ancienne(root, registry):
        delattr(root, ATTRIBUT)
        root.__acl__ = [ace for ace in root.__acl__ if P.TRAVAUX_SUIVRE not in ace[2]]

    with_root(app.app, ancienne)
    assert with_root(app.app, lambda root, registry: (file_de(root), _suivre(root))) == (None, [])

    def evoluer(root, registry):
        step46.evolve(root, registry)
        return _suivre(root)

    assert with_root(app.app, evoluer) == ["agents", "regisseurs"]
    # Again: the same queue.
    file_oid = with_root(app.app, lambda root, registry: file_de(root)._p_oid)
    with_root(app.app, evoluer)
    assert with_root(app.app, lambda root, registry: file_de(root)._p_oid) == file_oid
