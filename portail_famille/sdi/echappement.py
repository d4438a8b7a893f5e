"""The two places SubstanceD writes names, titles and messages into the SDI
as HTML, without escaping them: escaped here, whatever is already stored.

- The folder grid (every contents tab): its name column is a link written
  with SlickGrid's ``html`` formatter from the raw ``__name__``, and a
  content type's column may use that formatter (or ``icon_label_url``,
  ``date``) too.  A name ``<img src=x onerror=…>`` ran script in the
  administrator's browser (issue 15).  The name column is built here from
  escaped parts; every other cell of an HTML-writing formatter is escaped
  on its way to the grid (the cells without a formatter SlickGrid escapes
  itself).
- The flash messages: the SDI's page writes them with ``structure`` (the
  "Undo" button is markup), and SubstanceD's name objects (``"<name>" is
  of a type … not addable here``, ``An object named <name> already
  exists``).  ``sdiapi.flash`` now escapes what it is given.

Markup is only what our code built from escaped parts, and says so: a
``Balisage``.
"""

from html import escape

from substanced.folder.views import FolderContents
from substanced.sdi import sdiapi
from substanced.util import _ as _substanced
from substanced.util import get_icon_name
from translationstring import TranslationString


class Balisage(str):
    """HTML the portal built from escaped parts: written as it is."""


def _texte(value):
    return escape(str(value), quote=True)


def colonne_nom(self, resource):
    """SubstanceD's name column (``FolderContents.get_default_columns``),
    the same link and icon, built from escaped parts."""
    request = self.request
    name = getattr(resource, "__name__", "") or ""
    icon = get_icon_name(resource, request) or ""
    url = request.sdiapi.mgmt_path(resource, "@@manage_main")
    content_type = request.registry.content.typeof(resource) or ""
    value = '<i class="%s" title="%s"> </i> <a href="%s">%s</a>' % (
        _texte(icon),
        _texte("%s '%s'" % (content_type, name)),
        _texte(url),
        _texte(name),
    )
    return [
        {
            "name": request.localizer.translate(_substanced("Name")),
            "value": Balisage(value),
            "formatter": "html",
            "sorter": self._name_sorter,
        }
    ]


def cellule(formatter, value):
    """A grid cell's value, safe for the JavaScript ``formatter`` that
    writes it as HTML."""
    if not formatter or value is None or isinstance(value, Balisage):
        return value  # SlickGrid's default formatter escapes
    if isinstance(value, dict):
        return {k: cellule(formatter, v) for k, v in value.items()}
    if isinstance(value, str):
        return _texte(value)
    return value


_CONTENUS_SUBSTANCED = FolderContents._folder_contents


def contenus(self, *args, **kw):
    """SubstanceD's rows of a grid (first page and the next ones), each cell
    made safe for its column's formatter."""
    result = _CONTENUS_SUBSTANCED(self, *args, **kw)
    formats = {column["name"]: column.get("formatter") for column in result["columns"]}
    for record in result["records"]:
        for name, formatter in formats.items():
            if name in record:
                record[name] = cellule(formatter, record[name])
    return result


_FLASH_SUBSTANCED = sdiapi.flash


def flash(self, msg, queue="info", allow_duplicate=True):
    """SubstanceD's ``sdiapi.flash``, the message escaped (translated first:
    the session keeps text) unless the portal built it (``Balisage``)."""
    if not isinstance(msg, Balisage):
        if isinstance(msg, TranslationString):
            msg = self.request.localizer.translate(msg)
        msg = escape(str(msg), quote=False)
    return _FLASH_SUBSTANCED(self, msg, queue, allow_duplicate)


def includeme(config):
    FolderContents.get_default_columns = colonne_nom
    FolderContents._folder_contents = contenus
    sdiapi.flash = flash
