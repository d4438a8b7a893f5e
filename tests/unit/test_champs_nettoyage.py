"""Hostile input, unit by unit: control characters dropped from every form
at the door (champs.nettoyer), the SDI grid's JSON that a title cannot end
(sdi.grille), the PDF renderer's command line that loads nothing."""

import json

from webob.multidict import MultiDict, NoVars

from portail_famille import champs, correctifs
from portail_famille.sdi import grille

from .. import hostile


def test_c0_controls_and_del_go_tab_lf_cr_stay():
    assert champs.sans_controles("a\x00b\x0bc\x1fd\x7fe\tf\ng\r\nh") == "abcde\tf\ng\r\nh"
    assert champs.sans_controles(hostile.CONTROLES) == ""
    # Not controls: right-to-left marks, separators, accents stay as typed.
    for text in hostile.UNICODE:
        assert champs.sans_controles(text) == text


def test_a_form_is_cleaned_in_place_but_its_files_and_credentials():
    upload = object()
    post = MultiDict(
        [
            ("nom", "DU\x00PONT"),
            ("personne", "a\x1b"),
            ("personne", "b"),
            ("fichier", upload),
            ("password", "secret\x00"),
            ("login", "jean\x00"),
            ("new", "n\x07"),
        ]
    )
    champs.nettoyer(post)
    assert list(post.items()) == [
        ("nom", "DUPONT"),
        ("personne", "a"),
        ("personne", "b"),
        ("fichier", upload),
        ("password", "secret\x00"),
        ("login", "jean\x00"),
        ("new", "n\x07"),
    ]
    champs.nettoyer(NoVars())  # a GET's: nothing to do, read-only


def test_grid_json_cannot_end_its_script():
    data = {"Titre": "</script><script>alert(1)</script> & <!--", "n": 1}
    text = grille.json_sans_balise(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data
    from substanced.util import JsonDict

    correctifs.installer()
    assert str(JsonDict(data)) == text


def test_wkhtmltopdf_runs_without_script_local_files_nor_network():
    """The command line of the PDF renderer: no JavaScript, no local file,
    every request to the proxy of the settings (a closed local port)."""
    from portail_famille import pdf

    commande = pdf.moteur({"portail.pdf": "wkhtmltopdf"}).commande
    for option in ("--disable-javascript", "--disable-local-file-access", "--disable-plugins"):
        assert option in commande
    assert commande[commande.index("--proxy") + 1] == "http://127.0.0.1:9"
    autre = pdf.moteur({"portail.pdf": "wkhtmltopdf", "portail.pdf.proxy": "http://127.0.0.1:1"})
    assert autre.commande[autre.commande.index("--proxy") + 1] == "http://127.0.0.1:1"
    assert "--enable-local-file-access" not in commande and "--allow" not in commande


def test_the_detector_tells_obeyed_markup_from_text():
    """tests/hostile.obeit, used over every page: each markup string of the
    corpus is caught when a page writes it raw (in text, or in a quoted
    attribute for the breakers), and none when it is escaped."""
    import html

    for chaine in hostile.corpus():
        for gabarit in ("<p>%s</p>", '<input value="%s">', "<input value='%s'>"):
            assert hostile.obeit(gabarit % html.escape(chaine)) == [], chaine
    for chaine in hostile.BALISES:
        chaine = chaine % {"port": 9}
        brut = ["<p>%s</p>" % chaine, "<input value='%s'>" % chaine]
        if chaine.startswith('"'):
            brut.append('<input value="%s">' % chaine)
        assert any(hostile.obeit(page) for page in brut), chaine
    grille_ok = "<script>var d = %s;</script>" % grille.json_sans_balise({"t": "PFX1 </script>"})
    assert hostile.obeit(grille_ok) == []
    grille_cassee = "<script>var d = %s;</script>" % json.dumps(
        {"t": "</script><script>alert('PFX1')"}
    )
    assert hostile.obeit(grille_cassee)
