"""Multipart bodies are read by boundary (corps_multipart): what WebOb's
cgi-based reading gave, in milliseconds whatever the lines (6 Mo of
newlines took cgi 12 s of CPU)."""

import pytest
from webob import Request

from portail_famille import corps_multipart, fichiers

from .. import pdf_hostiles


def corps(*parties, fin=True):
    out = b""
    for entetes, data in parties:
        out += b"--zz\r\n" + entetes + b"\r\n\r\n" + data + b"\r\n"
    return out + (b"--zz--\r\n" if fin else b"")


def requete(body, content_type="multipart/form-data; boundary=zz"):
    return Request.blank("/", method="POST", body=body, content_type=content_type)


def cgi(body):
    """What WebOb's own (cgi) reading gives."""
    return requete(body).POST


BODY = corps(
    (b'Content-Disposition: form-data; name="objet"', "Été\r\nligne 2".encode()),
    (b'Content-Disposition: form-data; name="vide"', b""),
    (
        b'Content-Disposition: form-data; name="fichier"; filename="certificat m\xc3\xa9dical.pdf"'
        b"\r\nContent-Type: application/pdf",
        b"%PDF-1.4\r\n--z\r\nbinaire\x00\xff",
    ),
    (b'Content-Disposition: form-data; name="rien"; filename=""', b""),
    (b'Content-Disposition: form-data; name="objet"', b"deux"),
)


def test_the_form_is_what_webob_read():
    request = requete(BODY)
    found = corps_multipart.analyser(request)
    assert request.POST is found
    attendu = cgi(BODY)
    assert [k for k, _v in found.items()] == [k for k, _v in attendu.items()]
    for (nom, valeur), (_n, avant) in zip(found.items(), attendu.items(), strict=True):
        if hasattr(avant, "file"):
            assert valeur.filename == avant.filename == "certificat médical.pdf"
            assert valeur.type == avant.type == "application/pdf"
            assert valeur.file.read() == avant.file.read() == b"%PDF-1.4\r\n--z\r\nbinaire\x00\xff"
            assert valeur.length == len(valeur.value) and valeur.name == nom
            assert fichiers.taille(valeur) == valeur.length
        else:
            assert valeur == avant, nom
    assert found.getall("objet") == ["Été\r\nligne 2", "deux"]
    assert found["rien"] == b"" and fichiers.lire(found["rien"]) is None


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", BODY),  # no boundary
        (
            "multipart/form-data; boundary=zz",
            corps(*[(b"Content-Disposition: form-data", b"x")], fin=False),
        ),
        ("multipart/form-data; boundary=zz", b"garbage"),
    ],
)
def test_a_body_that_cannot_be_read(content_type, body):
    with pytest.raises(ValueError):
        corps_multipart.analyser(requete(body, content_type))


def test_lines_cost_nothing():
    # 6 Mo of newlines, and the 52,000-page PDF, read whole
    for data in (b"\n" * (6 * fichiers.MO), pdf_hostiles.pages_vides(52_000)):
        body = corps((b'Content-Disposition: form-data; name="fichier"; filename="a.pdf"', data))
        found = corps_multipart.analyser(requete(body))
        assert found["fichier"].value == data
