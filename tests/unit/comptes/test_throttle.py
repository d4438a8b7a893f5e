"""The throttle's rules on an advanced clock: a ceiling, a growing delay,
the owner's device never stopped by an attack from 100 addresses, the
store bounded."""

from types import SimpleNamespace

import transaction
import ZODB
from BTrees.OOBTree import OOBTree
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from portail_famille.comptes.throttle import (
    DAY,
    DEBUT,
    MINUTE,
    Rule,
    Throttle,
    mail_checks,
    normal,
    password_checks,
    rules,
)
from portail_famille.evolve import STEPS, step16

RULES = rules({})


def test_a_ceiling_cools_down():
    guard = Throttle()
    ceiling = Rule("x", 15 * MINUTE, 10)
    checks = [(ceiling, "a")]
    for i in range(9):
        guard.fail(checks, now=1000 + i)
    assert guard.wait(checks, now=1010) == 0
    guard.fail(checks, now=1010)
    # Until the oldest of the last 10 failures leaves the window.
    assert guard.wait(checks, now=1011) == 1000 + 15 * MINUTE - 1011
    assert guard.wait(checks, now=1000 + 15 * MINUTE) == 0


def test_a_growing_delay_doubles_up_to_its_maximum():
    guard = Throttle()
    checks = [(RULES.compte, "editeur")]
    now = 1000.0
    for _ in range(5):  # the free failures
        assert guard.wait(checks, now) == 0
        guard.fail(checks, now)
    waits = []
    for _ in range(14):
        wait = guard.wait(checks, now)
        waits.append(wait)
        now += wait
        assert guard.wait(checks, now) == 0
        guard.fail(checks, now)
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]
    # Only the failures that still make the delay grow are kept.
    assert len(guard._times("compte:editeur", now, DAY)) == RULES.compte.kept() == 16
    # A day after the last failure, the account starts afresh.
    assert guard.wait(checks, now + DAY) == 0


def _attack(guard, login, start, seconds, addresses=100):
    """One try per second from ``addresses`` addresses in turn, from
    ``start`` for ``seconds``: each try goes ahead only when the throttle
    says so (then fails).  Returns the number of passwords checked."""
    checked = 0
    for n in range(seconds):
        now = start + n
        checks = password_checks(RULES, login, "203.0.113.%d" % (n % addresses))
        if guard.wait(checks, now) == 0:
            guard.fail(checks, now)
            checked += 1
    return checked


def test_1000_tries_from_100_addresses_never_stop_the_owner_s_browser():
    guard = Throttle()
    owner = password_checks(RULES, "editeur", "192.0.2.1", nonce="n-owner")
    checked = _attack(guard, "editeur", start=10_000, seconds=1000)
    # Most tries were answered "wait" without checking a password.
    assert checked <= 15
    # The owner's browser goes ahead at once, from her usual address...
    assert guard.wait(owner, now=11_000) == 0
    # ...and even from the attacker's addresses (a shared NAT).
    assert guard.wait(password_checks(RULES, "editeur", "203.0.113.7", "n-owner"), 11_000) == 0
    # An unknown browser is slowed down, never locked: a delay, at most 15 min.
    wait = guard.wait(password_checks(RULES, "Editeur ", "198.51.100.1"), now=11_000)
    assert 0 < wait <= 15 * MINUTE


def test_a_day_of_attack_checks_about_one_password_per_quarter_hour():
    guard = Throttle()
    checked = _attack(guard, "editeur", start=0, seconds=DAY)
    assert checked < 5 + 10 + DAY // (15 * MINUTE) + 2
    assert guard.wait(password_checks(RULES, "editeur", "203.0.113.1", "n"), DAY) == 0


def test_failures_of_the_owner_s_browser_stay_on_its_cookie():
    guard = Throttle()
    mine = password_checks(RULES, "editeur", "192.0.2.1", nonce="n-1")
    for i in range(10):
        guard.fail(mine, now=100 + i)
    assert guard.wait(mine, now=110) > 0
    # Her other browser and unknown browsers are not concerned.
    assert guard.wait(password_checks(RULES, "editeur", "192.0.2.1", "n-2"), 110) == 0
    assert guard.wait(password_checks(RULES, "editeur", "192.0.2.1"), 110) == 0


def test_an_address_counts_per_account_with_a_higher_ceiling_alone():
    guard = Throttle()
    nat = "198.51.100.9"
    for i in range(10):
        guard.fail(password_checks(RULES, "inconnu-%d" % i, nat), now=i)
    # Ten failures on other accounts behind the NAT: "agent" goes ahead.
    assert guard.wait(password_checks(RULES, "agent", nat), now=10) == 0
    # Ten on one account from one address: that pair waits a quarter of an
    # hour; other addresses only the account's growing delay.
    for i in range(10):
        guard.fail(password_checks(RULES, "regisseur", nat), now=1200 + i)
    assert guard.wait(password_checks(RULES, "regisseur", nat), now=1210) == 1200 + 900 - 1210
    assert guard.wait(password_checks(RULES, "regisseur", "192.0.2.5"), now=1210) == 31
    # The address alone: 100 failures within a quarter of an hour.
    for i in range(100):
        guard.fail(password_checks(RULES, "x-%d" % i, "192.0.2.99"), now=DAY + i)
    assert guard.wait(password_checks(RULES, "agent", "192.0.2.99"), now=DAY + 100) > 0
    assert guard.wait(password_checks(RULES, "agent", "192.0.2.98"), now=DAY + 100) == 0


def test_reset_mails_per_account_do_not_stop_the_owner_s_browser():
    guard = Throttle()
    for i in range(3):
        guard.fail(mail_checks(RULES, "jean.dupont", "203.0.113.%d" % i), now=i)
    assert guard.wait(mail_checks(RULES, "jean.dupont", "203.0.113.50"), now=10) > 0
    assert guard.wait(mail_checks(RULES, "jean.dupont", "203.0.113.50", "n-jean"), now=10) == 0


def test_the_store_keeps_two_days_at_most():
    guard = Throttle()
    checks = password_checks(RULES, "editeur", "203.0.113.1")
    guard.fail(checks, now=100)
    guard.fail(checks, now=DAY + 100)
    assert len(guard.periods) == 2
    guard.fail(checks, now=3 * DAY + 100)
    assert list(guard.periods.keys()) == [3]
    # Every key the attempt counts is in today's tree only (after the
    # day's first key, never deleted).
    assert sorted(guard.periods[3].keys()) == [
        DEBUT,
        "adresse:203.0.113.1",
        "compte:editeur",
        "paire:203.0.113.1|editeur",
    ]


def test_forget_clears_one_key_of_every_day():
    guard = Throttle()
    checks = password_checks(RULES, "editeur", "203.0.113.1")
    guard.fail(checks, now=100)
    guard.fail(checks, now=DAY + 100)
    guard.forget(RULES.compte, normal(" Editeur"))
    assert guard.wait([(RULES.compte, "editeur")], now=DAY + 101) == 0
    assert all("compte:editeur" not in tree for tree in guard.periods.values())
    assert all("paire:203.0.113.1|editeur" in tree for tree in guard.periods.values())


def test_limits_are_settings():
    found = rules({"portail.connexion.par_adresse": "500", "portail.connexion.attente_max": "60"})
    assert found.adresse.free == 500
    assert found.compte.max_delay == 60
    assert found.compte.kept() == 5 + 1 + 6


def test_evolve_step16_replaces_the_old_store():
    assert "step16" in STEPS
    old = SimpleNamespace(failures={"login:editeur": (1.0,) * 10})
    root = SimpleNamespace(_portail_throttle=old)
    step16.evolve(root, None)
    assert isinstance(root._portail_throttle, Throttle)
    assert len(root._portail_throttle.periods) == 0
    empty = SimpleNamespace()
    step16.evolve(empty, None)
    assert not hasattr(empty, "_portail_throttle")


def test_a_right_password_takes_its_count_back():
    guard = Throttle()
    checks = password_checks(RULES, "editeur", "203.0.113.1")
    guard.fail(checks, now=100)
    guard.fail(checks, now=101)
    guard.unfail(checks, now=101)
    assert guard._times("compte:editeur", 102, DAY) == (100,)
    guard.unfail(checks, now=100)
    assert list(guard.periods[0].keys()) == [DEBUT]


def _concurrent(path, before, one_does, two_does):
    """A throttle stored after ``before(throttle)`` (a FileStorage: it
    resolves conflicts as the site's storages do), then ``one_does`` and
    ``two_does`` in two concurrent transactions: whether the second one
    commits."""
    db = ZODB.DB(FileStorage(str(path / "Data.fs")))
    try:
        with db.transaction() as connection:
            connection.root()["t"] = Throttle()
            before(connection.root()["t"])
        one, two = transaction.TransactionManager(), transaction.TransactionManager()
        a, b = db.open(one), db.open(two)
        one_does(a.root()["t"])
        two_does(b.root()["t"])
        one.commit()
        try:
            two.commit()
            return True
        except ConflictError:
            two.abort()
            return False
        finally:
            a.close()
            b.close()
    finally:
        db.close()


def _two_transactions(path, first, second):
    """Count ``first`` and ``second`` in two concurrent transactions on a
    throttle already stored: whether the second one commits."""
    return _concurrent(
        path,
        lambda t: t.fail(password_checks(RULES, "agent", "192.0.2.1"), now=50),
        lambda t: t.fail(first, now=100),
        lambda t: t.fail(second, now=100),
    )


def test_concurrent_attempts_on_one_account_collide_others_merge(tmp_path):
    editeur = password_checks(RULES, "editeur", "203.0.113.1")
    # Two tries at one account at once: one commits, the other is retried
    # (and finds the wait): they cannot both use one free slot.
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    second = password_checks(RULES, "editeur", "203.0.113.2")
    assert not _two_transactions(tmp_path / "1", editeur, second)
    # Tries at two accounts from two addresses: both commit.
    other = password_checks(RULES, "regisseur", "203.0.113.2")
    assert _two_transactions(tmp_path / "2", editeur, other)


def _two_logins(path, first, second):
    """Two right passwords at once (counted, then taken back and the pair
    forgotten, as ``tentatives.Tentative.succeed``), on a day whose logins
    all succeeded so far: whether the second one commits."""

    def login(guard, login, address):
        checks = password_checks(RULES, login, address)
        guard.fail(checks, now=100)
        guard.unfail(checks, now=100)
        guard.forget(RULES.paire, "%s|%s" % (address, login))

    return _concurrent(
        path,
        lambda t: login(t, "agent", "192.0.2.1"),
        lambda t: login(t, *first),
        lambda t: login(t, *second),
    )


def test_two_parents_logging_in_at_once_both_commit(tmp_path):
    # Each login empties today's counts again; without the day's first key
    # the tree was empty, which ZODB cannot merge: every pair conflicted.
    assert _two_logins(tmp_path, ("parent00001", "203.0.113.1"), ("parent00002", "203.0.113.2"))


def test_a_day_begun_without_its_first_key_gets_it():
    guard = Throttle()
    guard.periods[0] = OOBTree()
    guard.fail(password_checks(RULES, "editeur", "203.0.113.1"), now=100)
    assert guard.periods[0].minKey() == DEBUT
    assert guard.purger(RULES, now=2 * DAY + 100) == 3
    assert len(guard.periods) == 0


def test_the_retention_job_drops_records_past_their_window():
    guard = Throttle()
    day = 10 * DAY
    guard.fail(password_checks(RULES, "agent", "203.0.113.1"), now=day - 2 * DAY + 100)
    guard.fail(password_checks(RULES, "editeur", "203.0.113.2"), now=day - 3600)
    guard.fail(mail_checks(RULES, "jean.dupont", "2001:db8::7"), now=day - 600)
    guard.fail(password_checks(RULES, "regisseur", "203.0.113.3", nonce="n-1"), now=day - 300)
    # Nobody failed since: the records stay until the job drops them.
    assert sorted(guard.periods.keys()) == [8, 9]
    assert guard.purger(RULES, now=day + 1200) == 3 + 2 + 1
    # The day before yesterday goes; yesterday's account count (a day) and
    # reset mails (an hour) stay; its address, pair and device cookie (a
    # quarter of an hour) go.
    assert list(guard.periods.keys()) == [9]
    assert sorted(guard.periods[9].keys()) == [
        DEBUT,
        "compte:editeur",
        "reset-adresse:2001:db8::7",
        "reset-compte:jean.dupont",
    ]
    # A day later, nothing is left.
    assert guard.purger(RULES, now=day + DAY + 1200) == 3
    assert len(guard.periods) == 0
    assert guard.purger(RULES, now=day + DAY + 1200) == 0
