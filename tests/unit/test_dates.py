import datetime

from portail_famille import dates


def test_date_written_as_the_manual_does():
    assert dates.en_toutes_lettres(datetime.date(2015, 4, 8)) == "Mercredi 8 Avril 2015"
    assert dates.en_toutes_lettres(datetime.date(2015, 5, 4)) == "Lundi 4 Mai 2015"
    assert dates.en_toutes_lettres(datetime.date(2026, 8, 15)) == "Samedi 15 Août 2026"


def test_today_is_the_town_s_date():
    assert dates.now().utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2))
    assert dates.courte(datetime.date(2015, 4, 8)) == "08/04/2015"
