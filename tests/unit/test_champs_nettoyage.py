"""Control characters dropped from every form at the door (champs.nettoyer)
and the SDI grid's JSON that a title cannot end (sdi.grille)."""

import json

from webob.multidict import MultiDict, NoVars

from portail_famille import champs
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

    grille.includeme(None)
    assert str(JsonDict(data)) == text
