"""Multipart form bodies read by searching their boundaries, not line by line.

WebOb reads ``multipart/form-data`` with the standard library's ``cgi``,
which goes through a file part one line at a time in Python, holding the
GIL: 2 s for 1 MB of newlines, so 12 s for the 6 Mo a form may carry, in
the tween that parses every body, before any login; 0.45 s for the
security review's 52,000-page PDF, which made that file cost far more than
its check (bench/fichiers.py).  python-multipart finds the boundaries with
``bytes.find``: about 10 ms for those 6 Mo, whatever their lines.

``analyser`` builds what WebOb would have built (text values as ``str``;
a file as an object with ``file``, ``filename``, ``type``, ``length``,
``name``, ``headers``; a file input left empty as ``b""``) and gives it to
WebOb as the request's parsed form: ``request.POST`` is that, everywhere.
"""

import io

from python_multipart.multipart import MultipartParser, parse_options_header
from webob.multidict import MultiDict


class CorpsIllisible(ValueError):
    """A multipart body that cannot be read (no boundary, truncated)."""


class Envoi:
    """A file part of a form, as WebOb's ``cgi.FieldStorage`` shows it."""

    def __init__(self, name, filename, mimetype, data, headers):
        self.name = name
        self.filename = filename
        self.type = mimetype
        self.headers = headers
        self.file = io.BytesIO(data)
        self.length = len(data)

    @property
    def value(self):
        return self.file.getvalue()

    def __repr__(self):
        return "Envoi(%r, %r, %d bytes)" % (self.name, self.filename, self.length)


def analyser(request):
    """Parse ``request``'s multipart body into ``request.POST``."""
    _type, options = parse_options_header(request.headers.get("Content-Type", ""))
    boundary = options.get(b"boundary")
    if not boundary:
        raise CorpsIllisible("no boundary")
    parties = _parties(boundary, request.body)
    valeurs = MultiDict()
    for entetes, data in parties:
        disposition, params = parse_options_header(entetes.get("content-disposition", ""))
        if disposition != b"form-data" or b"name" not in params:
            continue
        name = _texte(params[b"name"])
        if b"filename" not in params:
            valeurs.add(name, _texte(data))
        elif params[b"filename"]:
            mimetype = parse_options_header(entetes.get("content-type", ""))[0]
            filename = _texte(params[b"filename"])
            valeurs.add(name, Envoi(name, filename, _texte(mimetype), data, entetes))
        else:  # a file input left empty
            valeurs.add(name, bytes(data))
    request.environ["webob._parsed_post_vars"] = (valeurs, request.body_file_raw)
    return valeurs


def _texte(data):
    return bytes(data).decode("utf-8", "replace")


def _parties(boundary, body):
    """[(headers {lower-case name: str}, bytearray)] of the body's parts."""
    parties = []
    fin = []
    entete = {"nom": bytearray(), "valeur": bytearray()}

    def debut_partie():
        parties.append(({}, bytearray()))

    def nom(data, start, end):
        entete["nom"] += data[start:end]

    def valeur(data, start, end):
        entete["valeur"] += data[start:end]

    def fin_entete():
        nom_ = bytes(entete["nom"]).decode("latin-1").strip().lower()
        parties[-1][0][nom_] = bytes(entete["valeur"]).decode("latin-1").strip()
        entete["nom"], entete["valeur"] = bytearray(), bytearray()

    def donnees(data, start, end):
        parties[-1][1].extend(data[start:end])

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": debut_partie,
            "on_header_field": nom,
            "on_header_value": valeur,
            "on_header_end": fin_entete,
            "on_part_data": donnees,
            "on_end": lambda: fin.append(True),
        },
    )
    parser.write(body)
    parser.finalize()
    if not fin:
        raise CorpsIllisible("truncated")
    return parties
