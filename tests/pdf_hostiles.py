"""Valid but hostile PDFs, written by hand (pypdf takes 5 s to write 52,000
pages; these take a few milliseconds).

- ``pages_vides(52_000)``: the security review's file (4.9 MB of empty
  pages, every object in plain sight);
- ``pages_vides(n, compresse=True)``: the same pages inside a compressed
  object stream, with a cross-reference stream (PDF 1.5): nothing in the
  raw bytes says how many pages there are;
- ``count_menteur(n)``: a page tree whose ``/Count`` says 1 and holds ``n``
  pages;
- ``boucle()``: a page tree whose node is its own kid.
"""

import zlib

ENTETE = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"


def _objets_en_clair(objets, racine=1):
    """A PDF of ``objets`` (bodies, numbered from 1) with a classic
    cross-reference table."""
    out = bytearray(ENTETE)
    offsets = []
    for numero, corps in enumerate(objets, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (numero, corps)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objets) + 1,
        racine,
        xref,
    )
    return bytes(out)


def _arbre(n, count=None):
    """Catalog (1), page tree (2), then ``n`` empty pages (3...)."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(n))
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /MediaBox [0 0 3 3] /Count %d /Kids [%s] >>"
        % (n if count is None else count, kids),
    ] + [b"<< /Type /Page /Parent 2 0 R /Resources << >> >>"] * n


def pages_vides(n, compresse=False):
    if not compresse:
        return _objets_en_clair(_arbre(n))
    return _compresse(_arbre(n))


def count_menteur(n):
    return _objets_en_clair(_arbre(n, count=1))


def boucle():
    return _objets_en_clair(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [2 0 R] >>"]
    )


def _compresse(objets):
    """Every object in one object stream (n + 1), a cross-reference stream
    (n + 2)."""
    n = len(objets)
    entetes, position = [], 0
    for numero, objet in enumerate(objets, 1):
        entetes.append(b"%d %d" % (numero, position))
        position += len(objet) + 1
    entete = b" ".join(entetes) + b"\n"
    flux = zlib.compress(entete + b"".join(objet + b"\n" for objet in objets))
    out = bytearray(ENTETE)
    objstm = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        n + 1,
        n,
        len(entete),
        len(flux),
    )
    out += b"stream\n" + flux + b"\nendstream\nendobj\n"
    xref = len(out)
    # W [1 4 4]: type (0 free, 1 at an offset, 2 in an object stream), then
    # the offset or the stream's number, then the index in it
    lignes = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(4, "big")]
    lignes += [b"\x02" + (n + 1).to_bytes(4, "big") + i.to_bytes(4, "big") for i in range(n)]
    lignes += [b"\x01" + objstm.to_bytes(4, "big") + (0).to_bytes(4, "big")]
    lignes += [b"\x01" + xref.to_bytes(4, "big") + (0).to_bytes(4, "big")]
    flux = zlib.compress(b"".join(lignes))
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 4] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n" % (n + 2, n + 3, len(flux))
    )
    out += flux + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
