"""A request's values as people read them: the project's one date and
amount formatters (dates.courte / dates.moment, montants.nombre)."""

import datetime
from decimal import Decimal as D

from portail_famille.demandes.affichage import valeur


def test_amounts_dates_and_moments_are_french():
    assert valeur("quotient_familial", D("1512.5")) == "1\u202f512,50\xa0€"
    assert valeur("nombre_parts", D("2.50")) == "2,5"  # issue 20: a count, not money
    assert valeur("date_naissance", datetime.date(2015, 4, 8)) == "08/04/2015"
    moment = datetime.datetime(2026, 12, 7, 13, 5, tzinfo=datetime.UTC)
    assert valeur("date", moment) == "07/12/2026 14:05"
    assert valeur("nom", "") == ""
