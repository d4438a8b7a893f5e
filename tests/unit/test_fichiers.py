"""Uploads are checked by their content, stored as blobs, served as
attachments."""

import io

import pytest
from PIL import Image
from pypdf import PdfWriter
from pyramid import testing

from portail_famille import fichiers


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format=fmt)
    return out.getvalue()


class Upload:
    """What request.POST gives for a file field."""

    def __init__(self, data, filename="f"):
        self.file = io.BytesIO(data)
        self.filename = filename


@pytest.mark.parametrize(
    "data, mimetype",
    [
        (pdf_bytes(), fichiers.PDF),
        (image_bytes("JPEG"), fichiers.JPEG),
        (image_bytes("PNG"), fichiers.PNG),
    ],
)
def test_real_files_are_recognised_by_content(data, mimetype):
    assert fichiers.type_du_contenu(data) == mimetype
    assert fichiers.lire(Upload(data, "n'importe-quoi.txt")) == (data, mimetype)


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",  # HTML named menu.pdf
        b"%PDF-1.4\n<html>not really a pdf</html>",  # a forged signature
        image_bytes("PNG")[:30],  # a truncated image
        image_bytes("GIF"),  # a type not accepted
    ],
)
def test_other_content_is_refused_whatever_its_name(data):
    with pytest.raises(fichiers.FichierRefuse) as refused:
        fichiers.lire(Upload(data, "menu.pdf"))
    assert "seuls les fichiers PDF, JPEG, PNG" in refused.value.args[0].interpolate()


def test_size_limit_and_empty_file():
    with pytest.raises(fichiers.FichierRefuse) as refused:
        fichiers.lire(Upload(pdf_bytes() + b" " * 100), taille_max=100)
    assert "taille maximale" in refused.value.args[0].interpolate()
    with pytest.raises(fichiers.FichierRefuse):
        fichiers.lire(Upload(b""))
    assert fichiers.lire(None) is None
    assert fichiers.lire(b"") is None  # a form sent without a file


def test_only_the_given_types():
    with pytest.raises(fichiers.FichierRefuse) as refused:
        fichiers.lire(Upload(pdf_bytes()), types=(fichiers.JPEG, fichiers.PNG))
    assert "JPEG, PNG" in refused.value.args[0].interpolate()


def test_display_name_has_no_path_nor_control_character():
    assert fichiers.nom_affiche("../../etc/passwd") == "passwd"
    assert fichiers.nom_affiche("C:\\Users\\a\\menu\r\n.pdf") == "menu.pdf"
    assert fichiers.nom_affiche("\u202etxt.exe") == "txt.exe"
    assert fichiers.nom_affiche("") == "fichier"
    assert len(fichiers.nom_affiche("a" * 500)) == 100


def test_served_as_an_attachment_with_nosniff(tmp_path):
    import transaction
    from ZODB import DB
    from ZODB.blob import BlobStorage
    from ZODB.FileStorage import FileStorage

    storage = BlobStorage(str(tmp_path / "blobs"), FileStorage(str(tmp_path / "Data.fs")))
    db = DB(storage)
    conn = db.open()
    data = pdf_bytes()
    conn.root()["f"] = fichiers.Fichier(data, fichiers.PDF, 'menu "avril"\r\nX-Evil: 1.pdf')
    transaction.commit()
    stored = conn.root()["f"]
    response = fichiers.reponse(testing.DummyRequest(), stored)
    assert response.body == data
    assert response.content_type == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="menu _avril_X-Evil_ 1.pdf"')
    assert "\r" not in disposition and "\n" not in disposition
    assert stored.taille_lisible.endswith("Ko")
    conn.close()
    db.close()
