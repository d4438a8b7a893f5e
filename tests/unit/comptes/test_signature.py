"""The session cookie's signature checked once per value
(comptes.signature): the same cookie as Pyramid's SignedCookieSessionFactory,
read the same way, a forged one refused every time, and each request its
own session dict."""

import pytest
from pyramid import testing
from pyramid.session import JSONSerializer, SignedCookieSessionFactory
from webob import Response
from webob.cookies import SignedSerializer

from portail_famille.comptes.signature import SALT, SignatureMemorisee, session_factory

SECRET = "s3cret"


def cookie_of(factory, state):
    request = testing.DummyRequest()
    session = factory(request)
    session.update(state)
    response = Response()
    session._set_cookie(response)
    return response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]


def session_from(factory, value):
    return factory(testing.DummyRequest(cookies={"session": value}))


def test_reads_pyramids_cookies_and_pyramid_reads_ours():
    pyramids = SignedCookieSessionFactory(SECRET, serializer=JSONSerializer())
    ours = session_factory(SECRET)
    assert dict(session_from(ours, cookie_of(pyramids, {"a": 1}))) == {"a": 1}
    assert dict(session_from(pyramids, cookie_of(ours, {"b": [2]}))) == {"b": [2]}


def test_each_request_gets_its_own_dict():
    ours = session_factory(SECRET)
    value = cookie_of(ours, {"_f_portail": ["Enregistré"]})
    first = session_from(ours, value)
    first["_f_portail"].append("changed by this request")
    first["x"] = 1
    second = session_from(ours, value)
    assert dict(second) == {"_f_portail": ["Enregistré"]}


def test_a_forged_cookie_is_refused_every_time():
    serializer = SignatureMemorisee(SECRET, SALT, "sha512", serializer=JSONSerializer())
    good = serializer.dumps({"csrf": "abc"})
    assert serializer.loads(good) == {"csrf": "abc"}
    other = SignedSerializer("another secret", SALT, "sha512", serializer=JSONSerializer())
    forged = other.dumps({"csrf": "abc"})
    for _ in range(2):
        with pytest.raises(ValueError):
            serializer.loads(forged)
    # a payload changed under a remembered signature
    tampered = good[:-3] + (b"AAA" if good[-3:] != b"AAA" else b"BBB")
    for _ in range(2):
        with pytest.raises(ValueError):
            serializer.loads(tampered)
    # another secret does not share the memory
    stranger = SignatureMemorisee("another secret", SALT, "sha512", serializer=JSONSerializer())
    with pytest.raises(ValueError):
        stranger.loads(good)


def test_a_forged_session_cookie_gives_an_empty_session():
    ours = session_factory(SECRET)
    theirs = session_factory("another secret")
    session = session_from(ours, cookie_of(theirs, {"_csrft_": "chosen"}))
    assert dict(session) == {} and session.new


def test_the_inner_check_signs_the_payload_as_it_is():
    """The check's inner serializer passes the payload through both ways:
    what it signs is the cookie the session writes."""
    from portail_famille.comptes.signature import _Brut

    brut = SignedSerializer(SECRET, SALT, "sha512", serializer=_Brut)
    memorisee = SignatureMemorisee(SECRET, SALT, serializer=JSONSerializer())
    payload = JSONSerializer().dumps({"enfant": "LUCAS"})
    assert brut.dumps(payload) == memorisee.dumps({"enfant": "LUCAS"})
    assert brut.loads(brut.dumps(payload)) == payload
    assert memorisee.loads(brut.dumps(payload)) == {"enfant": "LUCAS"}
