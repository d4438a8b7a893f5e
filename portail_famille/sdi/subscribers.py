"""Workarounds measured on this stack (see DESIGN.md)."""

import transaction


def undo_token_to_header(event):
    """SubstanceD's flash "Undo" link sends its CSRF token in the query
    string; Pyramid 1.10 reads only the body or the X-CSRF-Token header.
    Its view redirects to the Referer: a foreign one is dropped."""
    request = event.request
    if request.path_info.endswith("/@@undo_recent"):
        if "csrf_token" in request.GET:
            request.headers["X-CSRF-Token"] = request.GET["csrf_token"]
        # SubstanceD sends the browser back to the Referer: only to a page
        # of this site (else to the SDI's own page).
        referer = request.referrer or ""
        if referer and not referer.startswith(request.host_url + "/"):
            del request.headers["Referer"]


def deform_token_to_header(event):
    """SubstanceD's deform forms name their CSRF token ``_csrf_token_``;
    Pyramid's automatic check (``require_csrf``) reads ``csrf_token`` or the
    X-CSRF-Token header.  SubstanceD's schema checks the value itself too."""
    request = event.request
    if request.method == "POST" and "X-CSRF-Token" not in request.headers:
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            token = request.POST.get("_csrf_token_")
            if isinstance(token, str):
                request.headers["X-CSRF-Token"] = token


def annotate_transaction(event):
    """With ``tm.annotate_user = false`` (SubstanceD's groupfinder needs the
    context), name the user on the transaction once traversal is done, so
    undo and the audit log keep who did what."""
    request = event.request
    userid = request.authenticated_userid
    if userid is not None:
        user = request.user
        name = getattr(user, "__name__", None) or str(userid)
        transaction.get().setUser(name, "")
