"""The town's dates: Europe/Paris, written the French way."""

import datetime
import functools
import re
import zoneinfo

from babel.dates import format_date

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def now():
    return datetime.datetime.now(PARIS)


def horodatage():
    """The time to store: aware, in UTC (ZoneInfo objects do not pickle in
    the ZODB); ``local`` gives the town's time back for display."""
    return datetime.datetime.now(datetime.UTC)


def local(moment):
    return moment.astimezone(PARIS)


def today():
    return now().date()


@functools.lru_cache(maxsize=512)
def en_toutes_lettres(day):
    """date(2015, 4, 8) -> 'Mercredi 8 Avril 2015', as the manual writes it."""
    text = format_date(day, "EEEE d MMMM y", locale="fr_FR")
    return " ".join(word[:1].upper() + word[1:] for word in text.split(" "))


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def lire_iso(value):
    """The date of a form's or query's ``AAAA-MM-JJ`` (years 2000 to 2100),
    or None when it is not one."""
    match = _ISO.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        day = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


_FRANCAISE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def lire_date(value):
    """The date a person typed, AAAA-MM-JJ or jj/mm/aaaa (years 2000 to
    2100), or None when it is not one."""
    value = (value or "").strip() if isinstance(value, str) else ""
    match = _FRANCAISE.match(value)
    if match:
        value = "%s-%02d-%02d" % (match.group(3), int(match.group(2)), int(match.group(1)))
    return lire_iso(value)


def age(naissance, jour):
    """Full years from ``naissance`` to ``jour`` (None without a birth date)."""
    if naissance is None:
        return None
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


def courte(day):
    """date(2015, 4, 8) -> '08/04/2015'; '' for None.  The one way a date
    is written short (a datetime gives its own date: ``local`` it first)."""
    return "%02d/%02d/%04d" % (day.day, day.month, day.year) if day else ""


def moment(value):
    """A stored (aware) datetime as the town reads it: '07/12/2026 14:05',
    Paris time; '' for None."""
    if not value:
        return ""
    value = local(value)
    return "%s %02d:%02d" % (courte(value), value.hour, value.minute)


def horodatage_lisible(secondes):
    """A journal's instant (seconds since the epoch) to the second, Paris
    time: '07/12/2026 14:05:09'."""
    value = datetime.datetime.fromtimestamp(secondes, PARIS)
    return "%s %02d:%02d:%02d" % (courte(value), value.hour, value.minute, value.second)


def moment_a(value):
    """The same in a sentence: '07/12/2026 à 14:05'; '' for None."""
    if not value:
        return ""
    value = local(value)
    return "%s à %02d:%02d" % (courte(value), value.hour, value.minute)
