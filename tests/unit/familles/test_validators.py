import colander
import pytest

from portail_famille.familles import schemas
from portail_famille.familles.validators import masquer_iban, normalise_telephone


@pytest.mark.parametrize(
    "raw",
    ["0102030405", "01 02 03 04 05", "01.02.03.04.05", "+33 1 02 03 04 05", "0033102030405"],
)
def test_french_phone_numbers_are_normalised(raw):
    assert normalise_telephone(raw) == "01.02.03.04.05"


@pytest.mark.parametrize("raw", ["12345", "0012345678", "01020304056", "abc", "+44 20 7946 0958"])
def test_other_numbers_are_refused(raw):
    assert normalise_telephone(raw) is None


def errors(schema, data):
    with pytest.raises(colander.Invalid) as info:
        schema.deserialize(data)
    return {k: str(v) for k, v in info.value.asdict().items()}


def test_personne_messages_are_french_and_per_field():
    found = errors(
        schemas.PersonneSchema(),
        {"code_postal": "3140A", "email": "pas-un-email", "mobile": "12", "civilite": "Roi"},
    )
    assert found["code_postal"] == "Le code postal doit comporter 5 chiffres."
    assert found["email"] == "Adresse email invalide."
    assert found["mobile"].startswith("Numéro de téléphone invalide")
    assert "civilite" in found


def test_personne_valid_values_are_normalised():
    data = schemas.PersonneSchema().deserialize(
        {"nom": "DUPONT", "code_postal": "31400", "telephone_domicile": "0102030405"}
    )
    assert data["telephone_domicile"] == "01.02.03.04.05"
    assert data["autorisation_courriel"] is False


def test_bank_details_are_checked():
    schema = schemas.BancairesSchema()
    good = schema.deserialize({"iban": "FR76 3000 1007 9412 3456 7890 185", "bic": "BNPAFRPP"})
    assert good["iban"] == "FR76 3000 1007 9412 3456 7890 185"
    found = errors(schema, {"iban": "FR76 3000 1007 9412 3456 7890 184", "bic": "BNPA"})
    assert found["iban"].startswith("IBAN invalide")
    assert found["bic"].startswith("BIC invalide")


def test_quotient_familial_is_a_non_negative_decimal():
    from decimal import Decimal

    assert schemas.CafSchema().deserialize({"quotient_familial": "612.5"})[
        "quotient_familial"
    ] == Decimal("612.50")
    assert "quotient_familial" in errors(schemas.CafSchema(), {"quotient_familial": "-1"})


def test_iban_is_masked():
    assert masquer_iban("FR7630001007941234567890185") == "FR76 •••• •••• 0185"
    assert masquer_iban("") == ""


def test_a_date_not_in_the_future_is_the_towns_date_not_the_machines(monkeypatch):
    """Between 23:00 and midnight UTC (winter), the town (Europe/Paris) is
    already on the next day: a child born that day is not "in the future"."""
    import datetime

    import colander

    from portail_famille import dates
    from portail_famille.familles import schemas

    # the machine's tomorrow (its clock is UTC): the town's today past midnight
    demain = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(dates, "today", lambda: demain)
    noeud = colander.SchemaNode(colander.Date())
    valider = schemas._pas_dans_le_futur("La date de naissance ne peut pas être dans le futur.")
    valider(noeud, demain)  # the town's today: accepted
    with pytest.raises(colander.Invalid):
        valider(noeud, demain + datetime.timedelta(days=1))
