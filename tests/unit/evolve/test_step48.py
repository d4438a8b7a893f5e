"""Evolve step48 on a database made before the probes' permission: the
root grants P.SURVEILLANCE_SONDER to everybody, and /sante answers the
allowed address again."""

from pyramid.security import Allow, Everyone

from portail_famille.evolve import STEPS, step48
from portail_famille.security import P

from ...conftest import with_root


def _sonder(root):
    return any(
        action == Allow and who == Everyone and P.SURVEILLANCE_SONDER in perms
        for action, who, perms in (
            (ace[0], ace[1], ace[2] if isinstance(ace[2], (list, tuple, set)) else [ace[2]])
            for ace in root.__acl__
        )
    )


def test_step48_lets_the_probes_in_again(app):
    assert "step48" in STEPS
    local = {"REMOTE_ADDR": "127.0.0.1"}
    assert app.get("/sante", extra_environ=local).text.startswith("ok")

    def ancienne(root, registry):
        root.__acl__ = [ace for ace in root.__acl__ if ace[2] != P.SURVEILLANCE_SONDER]
        return _sonder(root)

    assert with_root(app.app, ancienne) is False
    # without it, the probe is sent to the login page
    assert "/connexion" in app.get("/sante", extra_environ=local, status=302).location

    def evoluer(root, registry):
        step48.evolve(root, registry)
        return _sonder(root)

    assert with_root(app.app, evoluer) is True
    assert app.get("/sante", extra_environ=local).text.startswith("ok")
