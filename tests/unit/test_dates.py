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


def test_a_short_date_has_two_digit_day_and_month():
    assert dates.courte(datetime.date(2026, 12, 7)) == "07/12/2026"
    assert dates.courte(datetime.date(2015, 11, 30)) == "30/11/2015"
    assert dates.courte(None) == ""


def test_a_stored_moment_is_written_in_paris_time():
    # stored in UTC: 13:05 UTC in winter is 14:05 in Paris, 12:05 UTC in
    # summer is 14:05 too; the day follows Paris (23:30 UTC is tomorrow)
    hiver = datetime.datetime(2026, 12, 7, 13, 5, tzinfo=datetime.UTC)
    ete = datetime.datetime(2026, 7, 14, 12, 5, tzinfo=datetime.UTC)
    minuit = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert dates.moment(hiver) == "07/12/2026 14:05"
    assert dates.moment(ete) == "14/07/2026 14:05"
    assert dates.moment(minuit) == "01/01/2027 00:30"
    assert dates.moment_a(hiver) == "07/12/2026 à 14:05"
    assert dates.moment(None) == dates.moment_a(None) == ""


def test_the_short_forms_agree_with_strftime():
    day = datetime.date(2000, 1, 2)
    for offset in range(0, 40000, 37):
        current = day + datetime.timedelta(days=offset)
        assert dates.courte(current) == current.strftime("%d/%m/%Y")
        moment = datetime.datetime.combine(current, datetime.time(offset % 24, offset % 60))
        moment = moment.replace(tzinfo=datetime.UTC)
        expected = dates.local(moment).strftime("%d/%m/%Y %H:%M")
        assert dates.moment(moment) == expected


def test_a_journal_instant_is_read_in_paris_to_the_second():
    # 2026-07-01 12:00:05 UTC is 14:00:05 in Paris (summer time), and a
    # winter instant one hour ahead of UTC.
    ete = datetime.datetime(2026, 7, 1, 12, 0, 5, tzinfo=datetime.UTC).timestamp()
    hiver = datetime.datetime(2026, 12, 7, 23, 30, 9, tzinfo=datetime.UTC).timestamp()
    assert dates.horodatage_lisible(ete) == "01/07/2026 14:00:05"
    assert dates.horodatage_lisible(hiver) == "08/12/2026 00:30:09"
