"""The auth cookie's signature check is remembered per ticket, and changes
nothing of what the cookie helper decides."""

import pytest
from pyramid import testing
from pyramid.authentication import AuthTicket, BadTicket

from portail_famille.comptes.auth import PortailAuthenticationPolicy, parse_ticket_memorise

SECRET = "s3cret"
IP = "0.0.0.0"  # noqa: S104 (the address a ticket names when not bound to one)


def ticket(timestamp, userid="42", tokens=("abc",), secret=SECRET):
    return AuthTicket(
        secret, userid, IP, tokens=tokens, time=timestamp, hashalg="sha512"
    ).cookie_value()


def test_same_answer_as_pyramid_and_fresh_token_lists():
    value = ticket(1_000_000)
    first = parse_ticket_memorise(SECRET, value, IP, "sha512")
    assert first == (1_000_000, "42", ["abc"], "")
    first[2].append("changed by a caller")
    assert parse_ticket_memorise(SECRET, value, IP, "sha512")[2] == ["abc"]


def test_a_forged_ticket_is_refused_every_time():
    value = ticket(1_000_000)
    forged = value.replace("42!", "43!")
    assert forged != value
    for _ in range(2):
        with pytest.raises(BadTicket):
            parse_ticket_memorise(SECRET, forged, IP, "sha512")
    with pytest.raises(BadTicket):
        parse_ticket_memorise("another secret", value, IP, "sha512")


def test_an_old_ticket_expires_although_its_signature_was_remembered():
    policy = PortailAuthenticationPolicy(SECRET, timeout=60, hashalg="sha512", cookie_name="t")
    value = ticket(1_000_000)
    request = testing.DummyRequest(cookies={"t": value}, environ={"REMOTE_ADDR": "1.2.3.4"})
    policy.cookie.now = 1_000_030
    assert policy.cookie.identify(request)["userid"] == "42"
    later = testing.DummyRequest(cookies={"t": value}, environ={"REMOTE_ADDR": "1.2.3.4"})
    policy.cookie.now = 1_000_061
    assert policy.cookie.identify(later) is None
