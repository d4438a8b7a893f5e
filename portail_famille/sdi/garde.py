"""SubstanceD's SDI views that must not run as they are here (found by the
access sweep, tests/functional/test_acces_vues.py).  Registered under the
same names: the application's own registrations win over SubstanceD's."""

import logging

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound
from pyramid.view import exception_view_config
from substanced.folder import IFolder
from substanced.sdi import mgmt_view

from ..security import P
from ..skin.views import http_error, server_error

log = logging.getLogger(__name__)
ERREUR = "portail_famille.skin:templates/error.pt"


@mgmt_view(name="add_principals_service", tab_condition=False, permission=P.SDI_ADD)
@mgmt_view(context=IFolder, name="add_lock_service", tab_condition=False, permission=P.SDI_ADD)
def pas_de_service(context, request):
    """Adding a principals or a lock service made one on a GET, in any
    folder (a family's): the site has one of each, at its root."""
    raise HTTPNotFound()


def _de_substanced(exc):
    """The error was raised by SubstanceD's own code (the deepest frame of
    SubstanceD or of the application is SubstanceD's)."""
    dernier, tb = None, exc.__traceback__
    while tb is not None:
        fichier = tb.tb_frame.f_code.co_filename
        if "/substanced/" in fichier:
            dernier = "substanced"
        elif "/portail_famille/" in fichier:
            dernier = "portail"
        tb = tb.tb_next
    return dernier == "substanced"


@exception_view_config(KeyError, route_name="substanced_manage", renderer=ERREUR)
@exception_view_config(ValueError, route_name="substanced_manage", renderer=ERREUR)
@exception_view_config(AttributeError, route_name="substanced_manage", renderer=ERREUR)
def requete_incomplete(exc, request):
    """SubstanceD's SDI views read form fields and session entries a forged
    or replayed POST lacks (the ACL editor's index, the undo hash, the items
    to paste, a file): a French 400, nothing written, instead of a 500."""
    if request.method != "POST" or not _de_substanced(exc):
        return server_error(exc, request)
    log.info("incomplete SDI request %s: %r", request.path_info, exc)
    return http_error(HTTPBadRequest(), request)
