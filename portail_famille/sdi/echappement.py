"""How the SDI writes names, titles and messages as HTML: escaped, whatever
is already stored.

SubstanceD writes some of them as HTML without escaping them: the folder
grid's name column and the cells of its HTML-writing formatters
(``html``, ``icon_label_url``, ``date``), and the flash messages (issue 15).
The patches that route them through here are
``correctifs.substanced.grille_echappee`` and ``flash_echappe``.

Markup is only what our code built from escaped parts, and says so: a
``Balisage``.
"""

from html import escape

from substanced.util import _ as _substanced
from substanced.util import get_icon_name

from ..i18n import traduire


class Balisage(str):
    """HTML the portal built from escaped parts: written as it is."""


def texte(value):
    return escape(str(value), quote=True)


def colonne_nom(request, resource, sorter):
    """SubstanceD's name column of a folder grid, the same link and icon,
    built from escaped parts; the link reads the object's ``sdi_title``
    when it has one (a family's name, a child's first name: their
    ``__name__`` is a number or a random id)."""
    name = getattr(resource, "__name__", "") or ""
    libelle = str(traduire(request, getattr(resource, "sdi_title", None) or name))
    icon = get_icon_name(resource, request) or ""
    url = request.sdiapi.mgmt_path(resource, "@@manage_main")
    content_type = request.registry.content.typeof(resource) or ""
    value = '<i class="%s" title="%s"> </i> <a href="%s">%s</a>' % (
        texte(icon),
        texte("%s '%s'" % (content_type, name)),
        texte(url),
        texte(libelle),
    )
    return {
        "name": request.localizer.translate(_substanced("Name")),
        "value": Balisage(value),
        "formatter": "html",
        "sorter": sorter,
    }


def cellule(formatter, value):
    """A grid cell's value, safe for the JavaScript ``formatter`` that
    writes it as HTML."""
    if not formatter or value is None or isinstance(value, Balisage):
        return value  # SlickGrid's default formatter escapes
    if isinstance(value, dict):
        return {k: cellule(formatter, v) for k, v in value.items()}
    if isinstance(value, str):
        return texte(value)
    return value
