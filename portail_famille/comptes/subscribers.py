"""Account rules applied on every request, and defaults of new accounts."""

from pyramid.events import ContextFound, subscriber
from pyramid.httpexceptions import HTTPFound
from substanced.event import subscribe_added
from substanced.interfaces import IUser
from substanced.sdi import MANAGE_ROUTE_NAME

# What a person who must choose a new password may still open.
_FIRST_LOGIN_VIEWS = ("mot-de-passe", "deconnexion")


@subscriber(ContextFound)
def account_rules(event):
    request = event.request
    route = request.matched_route
    if route is not None and route.name.startswith("__"):
        return  # static files
    if request.authenticated_userid is None:
        return
    user = request.user
    if user is None:
        return
    on_root = request.context is request.root and route is None
    if getattr(user, "must_change_password", False):
        if not (on_root and request.view_name in _FIRST_LOGIN_VIEWS):
            raise HTTPFound(request.resource_path(request.root, "mot-de-passe"))
    if route is not None and route.name == MANAGE_ROUTE_NAME and not request.is_staff:
        # Parents never see the management interface, not even its login.
        raise HTTPFound(request.resource_path(request.root))


@subscribe_added(IUser)
def new_account(event):
    """An account made by staff gets a password the person must change."""
    user = event.object
    if event.loading:
        return
    if "must_change_password" not in user.__dict__:
        user.must_change_password = True
    user.locale = "fr"
    user.tzname = "Europe/Paris"
