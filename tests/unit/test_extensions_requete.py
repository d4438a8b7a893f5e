"""Pyramid's request extensions through one class per set of properties
(correctifs.requetes): the same attributes as upstream's, and what a
property computes stays in its request."""

from pyramid.config import Configurator
from pyramid.interfaces import IRequestExtensions
from pyramid.request import Request, apply_request_extensions

from portail_famille import correctifs
from portail_famille.correctifs import requetes
from portail_famille.correctifs.amont import original

correctifs.installer()


def extensions():
    config = Configurator()
    config.add_request_method(lambda r: r.environ["QUI"], "qui", reify=True)
    config.add_request_method(lambda r: r.environ["QUI"].upper(), "fort", property=True)
    config.add_request_method(lambda r, x: (r.environ["QUI"], x), "dire")
    config.commit()
    return config.registry.queryUtility(IRequestExtensions)


def requete(qui, ext):
    request = Request.blank("/", environ={"QUI": qui})
    apply_request_extensions(request, ext)
    return request


def test_patched_where_requests_are_made():
    import pyramid.router
    import pyramid.scripting

    assert pyramid.request.apply_request_extensions is requetes.apply_request_extensions
    assert pyramid.router.apply_request_extensions is requetes.apply_request_extensions
    assert pyramid.scripting.apply_request_extensions is requetes.apply_request_extensions


def test_one_class_shared_and_each_request_its_own_values():
    ext = extensions()
    a, b = requete("alice", ext), requete("bob", ext)
    assert type(a) is type(b)
    assert type(a) is not Request and isinstance(a, Request)
    assert (a.qui, a.fort, a.dire(1)) == ("alice", "ALICE", ("alice", 1))
    assert (b.qui, b.fort, b.dire(2)) == ("bob", "BOB", ("bob", 2))
    # the reified value is the request's own, never the class's
    assert a.__dict__["qui"] == "alice" and b.__dict__["qui"] == "bob"
    assert "qui" not in vars(type(a)) or not isinstance(vars(type(a))["qui"], str)
    assert requete("carol", ext).qui == "carol"


def test_same_attributes_as_upstream():
    ext = extensions()
    ours = requete("alice", ext)
    theirs = Request.blank("/", environ={"QUI": "alice"})
    original("pyramid.request:apply_request_extensions")(theirs, ext)
    assert type(theirs) is not type(ours)
    for name in ("qui", "fort"):
        assert type(vars(type(theirs))[name]) is type(vars(type(ours))[name])
        assert getattr(theirs, name) == getattr(ours, name)
    assert theirs.dire(3) == ours.dire(3)
    assert type(theirs).__name__ == type(ours).__name__ == "Request"
    for name in ("__module__", "__implemented__", "__provides__"):
        assert vars(type(theirs)).get(name) is vars(type(ours)).get(name), name


def test_another_application_gets_its_own_class():
    a = requete("alice", extensions())
    b = requete("bob", extensions())
    assert type(a) is not type(b)
    assert (a.qui, b.qui) == ("alice", "bob")


def test_shared_in_a_process_that_made_many_applications():
    # (the suite makes hundreds of applications in one process: a global
    # memory of 64 classes was full, and later applications shared none)
    for _n in range(80):
        requete("x", extensions())
    ext = extensions()
    assert type(requete("alice", ext)) is type(requete("bob", ext))
