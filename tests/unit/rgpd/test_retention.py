"""The retention job's purges: the journal's months older than its
retention (a setting), the login throttle's records past their window;
the journal's next month made ready."""

import datetime

from persistent.mapping import PersistentMapping

from portail_famille import journal
from portail_famille.comptes import throttle
from portail_famille.rgpd import retention

DAY = 86400


class Racine(PersistentMapping):
    __parent__ = None


def moment(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC).timestamp()


def test_the_job_drops_old_journal_months_and_throttle_records():
    root = Racine()
    for month in (1, 2, 3):
        journal.noter(
            root,
            "sanitaires",
            par="agent",
            genre=journal.LECTURE,
            famille="1001",
            moment=moment(2025, month, 10),
        )
        journal.noter(root, "DemandeAcceptee", par="agent", moment=moment(2025, month, 11))
    guard = throttle.throttle(root)
    now = moment(2026, 3, 2, 3, 15)
    guard.fail(throttle.password_checks(throttle.rules({}), "agent", "203.0.113.9"), now - 3 * DAY)
    today = datetime.date(2026, 3, 2)

    found = retention.purger(root, {}, today, now)
    # One year by default: January and February 2025 go (4 entries), March stays.
    assert found == {"annees": 1, "journal": 4, "tentatives": 3}
    assert [e["quoi"] for e in journal.lire(root, limite=10)[0]] == [
        "DemandeAcceptee",
        "sanitaires",
    ]
    assert len(guard.periods) == 0
    # The next month is ready; a longer retention (setting) keeps more.
    assert {202603, 202604} <= set(journal.journal(root).mois.keys())
    settings = {"portail.journal.annees": "2"}
    assert retention.purger(root, settings, datetime.date(2027, 3, 31), now)["journal"] == 0
    assert retention.purger(root, settings, datetime.date(2027, 4, 1), now)["journal"] == 2


def test_the_job_makes_no_throttle():
    root = Racine()
    assert retention.purger(root, {}, datetime.date(2026, 3, 2))["tentatives"] == 0
    assert not hasattr(root, throttle.ATTRIBUT)
