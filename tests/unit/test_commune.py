"""The town's texts as paragraphs (plain text, never markup) and its phone
number as a ``tel:`` link."""

from portail_famille.commune import telephone_href
from portail_famille.commune.resources import lignes, paragraphes


def test_paragraphs_are_cut_at_blank_lines_and_keep_their_lines():
    texte = "Un <b>titre</b>\r\nsa suite\r\n\r\n\r\n  Deuxième  \n\n\n"
    assert paragraphes(texte) == [["Un <b>titre</b>", "sa suite"], ["Deuxième"]]
    assert paragraphes("") == [] and paragraphes(None) == []


def test_lines_drop_blank_ones():
    assert lignes("Place de la Mairie\n\n 38330 Biviers ") == [
        "Place de la Mairie",
        "38330 Biviers",
    ]


def test_phone_link_keeps_digits_and_plus():
    assert telephone_href("04 76 52.00-00") == "tel:0476520000"
    assert telephone_href("+33 (0)4 76 52 00 00") == "tel:+33476520000"
    assert telephone_href("") is None
