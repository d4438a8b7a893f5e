from persistent.mapping import PersistentMapping

from portail_famille.comptes import sessions
from portail_famille.comptes.views import safe_came_from


class User(PersistentMapping):
    pass


def test_open_check_close():
    user = User()
    token = sessions.open_session(user, max_age=100, now=0)
    assert token.startswith("S") and len(token) == 33
    assert sessions.is_open(user, token, 100, now=50)
    assert not sessions.is_open(user, token, 100, now=101)  # absolute limit
    assert not sessions.is_open(user, "Sforged", 100, now=50)
    sessions.close_session(user, token)
    assert not sessions.is_open(user, token, 100, now=50)


def test_close_all_keeps_one():
    user = User()
    a = sessions.open_session(user, 100, now=0)
    b = sessions.open_session(user, 100, now=0)
    sessions.close_all(user, keep=b)
    assert not sessions.is_open(user, a, 100, now=1)
    assert sessions.is_open(user, b, 100, now=1)


def test_expired_sessions_are_dropped_when_a_new_one_opens():
    user = User()
    old = sessions.open_session(user, 100, now=0)
    sessions.open_session(user, 100, now=500)
    assert old not in user._portail_sessions


def test_came_from_stays_on_the_site():
    assert safe_came_from("/familles/1/", "/") == "/familles/1/"
    for bad in (
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "/ok\r\nSet-Cookie: x=1",
        "",
        None,
        "javascript:alert(1)",
    ):
        assert safe_came_from(bad, "/home") == "/home"
