"""The one parser of typed amounts (montants.lire) and its colander type:
French amounts in, everything else out with a French message."""

from decimal import Decimal as D

import colander
import pytest
from pyramid import testing

from portail_famille import montants
from portail_famille.montants import Montant, MontantInvalide, lire

ACCEPTES = (
    ("12,34", D("12.34")),
    ("12.34", D("12.34")),
    ("12", D("12.00")),
    ("12,5", D("12.50")),
    ("0", D("0.00")),
    ("007,10", D("7.10")),
    ("1 234,56", D("1234.56")),
    ("1\u00a0234,56", D("1234.56")),  # no-break space
    ("1\u202f234,56", D("1234.56")),  # narrow no-break space (what nombre() writes)
    ("  120,60 €", D("120.60")),
    ("5€", D("5.00")),
    ("9\u202f999,99\u00a0€", D("9999.99")),
    ("10 000", D("10000.00")),
)

# (typed, the French message beside the field)
INVALIDE = "Montant invalide : écrivez par exemple 120,60."
REFUSES = (
    ("1e6", INVALIDE),
    ("1E6", INVALIDE),
    ("1_000", INVALIDE),
    ("\u0661\u0662", INVALIDE),  # Arabic-Indic ١٢
    ("\uff11\uff12", INVALIDE),  # full-width １２
    ("NaN", INVALIDE),
    ("Infinity", INVALIDE),
    ("-Infinity", INVALIDE),
    ("0x10", INVALIDE),
    ("abc", INVALIDE),
    ("12,", INVALIDE),
    (",50", INVALIDE),
    ("+5", INVALIDE),
    ("1.234,56", INVALIDE),  # dot grouping: ambiguous
    ("1,234.56", INVALIDE),
    ("12 34", INVALIDE),  # a space that groups nothing
    ("1234 567", INVALIDE),
    ("1\t234", INVALIDE),
    ("1 234 ,5", INVALIDE),
    ("€5", INVALIDE),
    ("5 EUR", INVALIDE),
    ("1" * 31, INVALIDE),
    ("12,345", "Deux chiffres au plus après la virgule, par exemple 12,34."),
    ("0,001", "Deux chiffres au plus après la virgule, par exemple 12,34."),
    ("-5", "Le montant ne peut pas être négatif."),
    ("- 5,00", "Le montant ne peut pas être négatif."),
    ("10 000,01", "Le montant ne peut dépasser 10\u202f000,00\xa0€."),
    ("999999999", "Le montant ne peut dépasser 10\u202f000,00\xa0€."),
    ("", "Indiquez le montant."),
    ("  ", "Indiquez le montant."),
    ("\u00a0", "Indiquez le montant."),
)


def _message(refus):
    message = refus.args[0]
    return message.interpolate() if hasattr(message, "interpolate") else str(message)


@pytest.mark.parametrize(("typed", "value"), ACCEPTES)
def test_french_amounts_are_read(typed, value):
    found = lire(typed)
    assert found == value and str(found) == str(value)


@pytest.mark.parametrize(("typed", "message"), REFUSES)
def test_anything_else_is_refused_with_a_french_message(typed, message):
    with pytest.raises(MontantInvalide) as refus:
        lire(typed)
    assert _message(refus.value) == message


def test_not_a_text_is_no_amount():
    for value in (None, 12, D("12"), b"12"):
        with pytest.raises(MontantInvalide):
            lire(value)


def test_the_maximum_is_a_setting():
    assert montants.montant_max({}) == D("10000.00")
    assert montants.montant_max({"portail.montant_max": "500"}) == D("500.00")
    assert lire("500", maximum=D("500")) == D("500.00")
    with pytest.raises(MontantInvalide) as refus:
        lire("500,01", maximum=D("500"))
    assert _message(refus.value) == "Le montant ne peut dépasser 500,00\xa0€."


def test_what_nombre_writes_is_read_back():
    for value in (D("0"), D("3.6"), D("1234.5"), D("9999.99")):
        assert lire(montants.nombre(value)) == value
        assert lire(montants.euros(value)) == value


def test_a_payment_is_more_than_zero():
    assert lire("0,00") == D("0.00")
    assert lire("0,01", positif=True) == D("0.01")
    for typed in ("0", "0,00", "0 €"):
        with pytest.raises(MontantInvalide) as refus:
            lire(typed, positif=True)
        assert _message(refus.value) == "Le montant doit être supérieur à 0."


def test_amounts_are_written_the_french_way():
    assert montants.nombre(D("1234.5")) == "1\u202f234,50"
    assert montants.nombre(D("0.005")) == "0,01"  # half up, as a cashier
    assert montants.nombre(2) == "2,00"
    assert montants.euros(D("120.6")) == "120,60\xa0€"
    assert montants.euros(D("-3")) == "-3,00\xa0€"
    with pytest.raises(TypeError):
        montants.nombre(1.5)


class _Prix(colander.MappingSchema):
    prix = colander.SchemaNode(Montant(), missing_msg="obligatoire")


def test_the_colander_type_uses_the_parser_and_the_setting():
    testing.setUp(settings={"portail.montant_max": "100"})
    try:
        schema = _Prix()
        assert schema.deserialize({"prix": "99,90"}) == {"prix": D("99.90")}
        for typed in ("1e2", "\u0661", "12,345", "100,01", "-1"):
            with pytest.raises(colander.Invalid) as refus:
                schema.deserialize({"prix": typed})
            assert "prix" in refus.value.asdict()
        with pytest.raises(colander.Invalid) as refus:
            schema.deserialize({"prix": "  "})
        assert refus.value.asdict() == {"prix": "obligatoire"}
        assert schema.serialize({"prix": D("1234.5")}) == {"prix": "1\u202f234,50"}
    finally:
        testing.tearDown()


@pytest.mark.parametrize(
    "valeur, texte",
    [
        ("2.50", "2,5"),
        ("2", "2"),
        ("0.25", "0,25"),
        ("12500.00", "12\u202f500"),
        ("1234567.5", "1\u202f234\u202f567,5"),
    ],
)
def test_a_number_that_is_not_money_is_written_the_french_way(valeur, texte):
    assert montants.decimal(D(valeur)) == texte


def test_decimal_refuses_a_float():
    with pytest.raises(TypeError):
        montants.decimal(2.5)
