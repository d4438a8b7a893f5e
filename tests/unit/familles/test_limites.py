"""Per-family limits (familles.limites): sliding windows per hour and per
day, the volume of attachments, the time given back in Europe/Paris, the
counts pruned as they go, and concurrent sends of one family merged by the
BTree instead of conflicting."""

import datetime

import pytest
import transaction
from persistent import Persistent
from ZODB import DB
from ZODB.FileStorage import FileStorage

from portail_famille import dates
from portail_famille.familles import limites
from portail_famille.familles.limites import (
    DEMANDES,
    MESSAGES,
    PIECES_JOINTES,
    PLANNING,
    LimiteAtteinte,
)

# 2026-03-10 08:00 UTC: 09:00 in Paris (winter time)
T0 = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=datetime.UTC).timestamp()


class Famille(Persistent):
    def __init__(self):
        self.envois = limites.nouveau_journal()


def _refus(famille, genre, now, settings=None, poids=1):
    with pytest.raises(LimiteAtteinte) as refus:
        limites.verifier(settings or {}, famille, genre, poids, now)
    return refus.value.args[0].interpolate(), refus.value.secondes


def test_thirty_messages_an_hour_then_the_time_to_try_again():
    famille = Famille()
    for i in range(30):
        limites.verifier({}, famille, MESSAGES, now=T0 + i * 60)
        limites.noter(famille, MESSAGES, now=T0 + i * 60)
    message, secondes = _refus(famille, MESSAGES, T0 + 30 * 60)
    # the first leaves the window at 10:00, Paris time
    assert message == (
        "Vous avez envoyé 30 messages en une heure : c'est la limite. "
        "Vous pourrez écrire de nouveau à partir du 10/03/2026 à 10:00."
    )
    assert secondes == 30 * 60 + 1
    limites.verifier({}, famille, MESSAGES, now=T0 + 3600)  # the first has left
    # another kind of send is counted apart
    limites.verifier({}, famille, DEMANDES, now=T0 + 30 * 60)


def test_a_hundred_a_day_and_summer_time():
    famille = Famille()
    debut = datetime.datetime(2026, 7, 1, 6, 0, tzinfo=datetime.UTC).timestamp()
    for i in range(100):
        limites.noter(famille, MESSAGES, now=debut + i * 14 * 60)  # 4 or 5 an hour
    now = debut + 100 * 14 * 60
    message, _s = _refus(famille, MESSAGES, now)
    # the first was sent at 08:00 Paris (summer): back 24 hours later
    assert "100 messages en 24 heures" in message
    assert message.endswith("à partir du 02/07/2026 à 08:00.")


def test_the_limits_are_settings_and_zero_is_none():
    famille = Famille()
    settings = {"portail.limites.planning.heure": "2", "portail.limites.planning.jour": "0"}
    limites.noter(famille, PLANNING, now=T0)
    limites.noter(famille, PLANNING, now=T0 + 1)
    message, _s = _refus(famille, PLANNING, T0 + 2, settings)
    assert message.startswith("Vous avez fait 2 réservations ou absences en une heure")
    for i in range(2000):
        limites.noter(famille, PLANNING, now=T0 + 7200 + i)
    limites.verifier(
        {"portail.limites.planning.heure": "0", "portail.limites.planning.jour": "0"},
        famille,
        PLANNING,
        now=T0 + 9300,
    )
    assert limites.maximum({}, MESSAGES, "heure") == 30
    assert limites.maximum({"portail.limites.messages.heure": "5"}, MESSAGES, "heure") == 5


def test_the_attachments_volume_a_day():
    famille = Famille()
    settings = {"portail.limites.pieces_jointes.mo_jour": "10"}
    for i in range(3):
        limites.noter(famille, PIECES_JOINTES, 3 * limites.MO, now=T0 + i * 3600)
    # 9 Mo sent: 1 Mo more fits, 2 Mo do not until the first 3 Mo leave
    limites.verifier(settings, famille, PIECES_JOINTES, limites.MO, now=T0 + 4 * 3600)
    message, _s = _refus(famille, PIECES_JOINTES, T0 + 4 * 3600, settings, 2 * limites.MO)
    assert message == (
        "Vous avez envoyé 10 Mo de pièces jointes en 24 heures : c'est la limite. "
        "Vous pourrez en joindre de nouveau à partir du 11/03/2026 à 09:00."
    )


def test_the_latest_time_of_the_limits_reached_is_given():
    famille = Famille()
    settings = {"portail.limites.messages.heure": "2", "portail.limites.messages.jour": "3"}
    for moment in (T0, T0 + 7200, T0 + 7260):
        limites.noter(famille, MESSAGES, now=moment)
    message, _s = _refus(famille, MESSAGES, T0 + 7300, settings)
    # both reached: the day's (T0 + 24 h) is later than the hour's
    assert "3 messages en 24 heures" in message and "11/03/2026 à 09:00" in message


def test_sends_older_than_a_day_are_forgotten_as_it_goes():
    famille = Famille()
    for i in range(50):
        limites.noter(famille, MESSAGES, now=T0 + i)
    limites.noter(famille, DEMANDES, now=T0)
    limites.noter(famille, MESSAGES, now=T0 + limites.JOUR + 60)
    assert list(famille.envois.keys()) == [
        limites.DEBUT,
        (DEMANDES, T0),
        (MESSAGES, T0 + limites.JOUR + 60),
    ]


def test_a_family_without_its_journal_is_not_limited_then_gets_one():
    class Ancienne(Persistent):
        pass

    famille = Ancienne()
    limites.verifier({}, famille, MESSAGES)
    limites.noter(famille, MESSAGES, now=T0)
    assert list(famille.envois.keys()) == [limites.DEBUT, (MESSAGES, T0)]


def test_two_sends_of_one_family_at_once_do_not_conflict(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        tm1, tm2 = transaction.TransactionManager(), transaction.TransactionManager()
        c1, c2 = db.open(tm1), db.open(tm2)
        c1.root()["famille"] = Famille()
        for i in range(10):
            limites.noter(c1.root()["famille"], MESSAGES, now=T0 + i)
        tm1.commit()
        c2.sync()
        # both read the same state, both count a send, one also forgets
        # the sends older than a day (T0 ... T0 + 5)
        limites.noter(c1.root()["famille"], MESSAGES, now=T0 + 100)
        limites.noter(c2.root()["famille"], MESSAGES, now=T0 + limites.JOUR + 5)
        tm1.commit()
        tm2.commit()  # resolved by the BTree, no ConflictError
        c1.sync()
        assert list(c1.root()["famille"].envois.keys())[1:] == [
            (MESSAGES, moment)
            for moment in (T0 + 6, T0 + 7, T0 + 8, T0 + 9, T0 + 100, T0 + limites.JOUR + 5)
        ]
        c1.close()
        c2.close()
    finally:
        db.close()


def test_the_time_is_the_towns():
    moment = datetime.datetime.fromtimestamp(T0 + 3600, datetime.UTC)
    assert dates.local(moment).strftime("%H:%M") == "10:00"
