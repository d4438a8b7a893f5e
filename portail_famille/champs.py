"""Form fields the domains' schemas share, with their French messages."""

import colander

from .i18n import _

OBLIGATOIRE = _("Ce champ est obligatoire.")


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
