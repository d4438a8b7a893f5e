"""skin.chemin: a resource's path made once per request, the same as
Pyramid's resource_path, never shared with another request."""

from pyramid import testing

from portail_famille.skin import chemin


def arbre():
    root = testing.DummyResource()
    familles = root["familles"] = testing.DummyResource()
    famille = familles["1001001818331"] = testing.DummyResource()
    autre = familles["2000000000000"] = testing.DummyResource()
    return root, famille, autre


def test_the_same_path_as_pyramids():
    with testing.testConfig():
        _root, famille, autre = arbre()
        request = testing.DummyRequest()
        assert chemin(request, famille) == request.resource_path(famille)
        assert chemin(request, famille) == "/familles/1001001818331/"
        assert chemin(request, autre) == "/familles/2000000000000/"
        assert chemin(request, famille) == "/familles/1001001818331/"


def test_another_request_makes_its_own():
    with testing.testConfig():
        _root, famille, _autre = arbre()
        first = testing.DummyRequest()
        assert chemin(first, famille) == "/familles/1001001818331/"
        famille.__name__ = "1001001818332"
        second = testing.DummyRequest()
        assert chemin(second, famille) == "/familles/1001001818332/"
        # within one request the path is the one it first read
        assert chemin(first, famille) == "/familles/1001001818331/"
