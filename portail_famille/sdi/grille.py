"""JSON that can sit in a ``<script>`` element: ``<``, ``>`` and ``&`` as
JSON escapes, the same values for the script and no markup for the HTML
parser (as Django's ``json_script`` does).  SubstanceD's folder grids write
their data (titles people typed) this way
(``correctifs.substanced.json_de_grille_sans_balise``): a title holding
``</script>`` cannot end the element."""

import json

_ECHAPPEMENTS = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_sans_balise(data):
    """``data`` as JSON that can sit in a ``<script>`` element."""
    return json.dumps(data).translate(_ECHAPPEMENTS)
