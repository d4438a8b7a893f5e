"""An opening for online enrolment (its dates, questions, places) and the
questions' text areas of the staff's form."""

import datetime

import colander
import pytest

from portail_famille.inscription_en_ligne import resources, schemas

D = datetime.date


def ouverture():
    return resources.Ouverture(
        "2026-2027",
        D(2026, 6, 1),
        D(2026, 9, 30),
        12,
        [("Sait nager ?", resources.OUI_NON), ("Allergies", resources.TEXTE)],
        ["ressources", "vaccinations"],
        "V2",
        "Texte",
    )


def test_open_from_its_first_to_its_last_day_included():
    o = ouverture()
    assert not o.ouverte_le(D(2026, 5, 31))
    assert o.ouverte_le(D(2026, 6, 1)) and o.ouverte_le(D(2026, 9, 30))
    assert not o.ouverte_le(D(2026, 10, 1))
    assert o.periode == "01/06/2026 – 30/09/2026"


def test_modified_in_place_keeps_its_year():
    o = ouverture()
    o.modifier(D(2026, 7, 1), D(2026, 7, 2), 3, [("Q", resources.TEXTE)], ["assurance"], "V3", "")
    assert (o.annee, o.places, o.questions, o.pieces, o.reglement_version) == (
        "2026-2027",
        3,
        (("Q", "texte"),),
        ("assurance",),
        "V3",
    )


def test_one_question_a_line_blank_lines_and_spaces_left_out():
    assert schemas.lignes("  Sait nager ?\n\n\tAllergies   connues\n  \n") == [
        "Sait nager ?",
        "Allergies connues",
    ]
    assert schemas.lignes("") == []


@pytest.mark.parametrize(
    "text",
    ["\n".join("Q%d" % n for n in range(schemas.QUESTIONS_MAX + 1)), "x" * 201],
)
def test_too_many_or_too_long_questions_are_refused(text):
    node = colander.SchemaNode(colander.String(), name="questions_texte")
    with pytest.raises(colander.Invalid):
        schemas._questions(node, text)


def test_the_opening_dates_in_order():
    form = colander.SchemaNode(
        colander.Mapping(),
        colander.SchemaNode(colander.Date(), name="debut"),
        colander.SchemaNode(colander.Date(), name="fin"),
    )
    with pytest.raises(colander.Invalid) as refus:
        schemas._dates(form, {"debut": D(2026, 6, 2), "fin": D(2026, 6, 1)})
    assert "fin" in refus.value.asdict()
    schemas._dates(form, {"debut": D(2026, 6, 1), "fin": D(2026, 6, 1)})
