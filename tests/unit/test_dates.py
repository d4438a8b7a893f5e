import datetime

from portail_famille import dates


def test_date_written_as_the_manual_does():
    assert dates.en_toutes_lettres(datetime.date(2015, 4, 8)) == "Mercredi 8 Avril 2015"
    assert dates.en_toutes_lettres(datetime.date(2015, 5, 4)) == "Lundi 4 Mai 2015"
    assert dates.en_toutes_lettres(datetime.date(2026, 8, 15)) == "Samedi 15 Août 2026"


def test_today_is_the_town_s_date():
    assert dates.now().utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2))
    assert dates.courte(datetime.date(2015, 4, 8)) == "08/04/2015"


def test_a_typed_date_is_iso_or_french():
    from portail_famille.dates import lire_date

    assert lire_date("2015-04-08") == datetime.date(2015, 4, 8)
    assert lire_date(" 8/4/2015 ") == datetime.date(2015, 4, 8)
    assert lire_date("08/04/2015") == datetime.date(2015, 4, 8)
    for bad in ("30/02/2015", "08/04/15", "2015/04/08", "", None, "08/04/1999", "abc"):
        assert lire_date(bad) is None, bad
