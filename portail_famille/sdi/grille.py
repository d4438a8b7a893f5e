"""SubstanceD writes the data of a folder's grid (titles people typed) as
JSON inside a ``<script>`` element of its contents page.  A title holding
``</script>`` would end the element there: the rest of the title would be
HTML, a script of its own.  Its JSON is written here with ``<``, ``>`` and
``&`` as JSON escapes: the same values for the script, no markup for the
HTML parser (as Django's ``json_script`` does)."""

import json

from substanced import util

_ECHAPPEMENTS = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_sans_balise(data):
    """``data`` as JSON that can sit in a ``<script>`` element."""
    return json.dumps(data).translate(_ECHAPPEMENTS)


def _str(self):
    return json_sans_balise(self)


def includeme(config):
    util.JsonDict.__str__ = _str
