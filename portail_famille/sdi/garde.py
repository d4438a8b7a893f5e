"""SubstanceD's SDI views that must not run as they are here (found by the
access sweep, tests/functional/test_acces_vues.py).  Registered under the
same names: the application's own registrations win over SubstanceD's."""

from pyramid.httpexceptions import HTTPNotFound
from substanced.file import views as file_views
from substanced.folder import IFolder
from substanced.sdi import mgmt_view

from ..security import P


@mgmt_view(name="add_principals_service", tab_condition=False, permission=P.SDI_ADD)
@mgmt_view(context=IFolder, name="add_lock_service", tab_condition=False, permission=P.SDI_ADD)
def pas_de_service(context, request):
    """Adding a principals or a lock service made one on a GET, in any
    folder (a family's): the site has one of each, at its root."""
    raise HTTPNotFound()


@mgmt_view(name="preview_image_upload", tab_condition=False, permission=P.PORTAIL_PUBLIC)
def apercu_televersement(request):
    """The preview of an image being uploaded, by its id (kept in the
    session, hence public as SubstanceD's): without one, SubstanceD's view
    failed (a 500 to anybody)."""
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    return file_views.preview_image_upload(request)
