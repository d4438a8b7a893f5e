"""Form fields the domains' schemas share, with their French messages."""

import colander

from .i18n import _

OBLIGATOIRE = _("Ce champ est obligatoire.")

# C0 control characters but tab, LF and CR, and DEL: nothing a person types,
# and a NUL or a vertical tab would break an XML or PDF rendering later.
_CONTROLES = dict.fromkeys([c for c in range(32) if chr(c) not in "\t\n\r"] + [127])


def sans_controles(text):
    """``text`` without its control characters (tab, LF and CR stay)."""
    return text.translate(_CONTROLES)


# Credentials are checked as they were typed: "secret\x00" is not "secret".
IDENTIFIANTS = frozenset(("login", "password", "password-confirm", "current", "new", "confirm"))


def nettoyer(post):
    """Drop, silently and in place, the control characters of every text
    value of a parsed form (WebOb's ``request.POST``) but credentials: every
    form, the SDI's included, stores only what a person could have typed."""
    items = list(post.items())
    propres = [
        (k, sans_controles(v) if isinstance(v, str) and k not in IDENTIFIANTS else v)
        for k, v in items
    ]
    if propres != items:
        post.clear()
        for key, value in propres:
            post.add(key, value)


def texte(title, max_length=200, min_length=0, **kw):
    """A text field of at most ``max_length`` characters (required unless
    ``missing`` is given)."""
    kw.setdefault("missing_msg", OBLIGATOIRE)
    return colander.SchemaNode(
        colander.String(),
        title=title,
        validator=colander.Length(
            min=min_length, max=max_length, max_err=_("Au plus ${max} caractères.")
        ),
        **kw,
    )
