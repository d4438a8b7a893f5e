"""Families and their children: the record every other domain hangs on."""


def current_famille(request):
    """The logged-in parent's Famille (None: staff, or nobody): ``request.famille``,
    which the skin's header and menu read."""
    from .resources import famille_of

    user = request.user
    return famille_of(user) if user is not None else None


def includeme(config):
    config.add_request_method(current_famille, "famille", reify=True)
