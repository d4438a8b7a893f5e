"""The remembered translations of the templates, and the fast oid lookup."""

from translationstring import TranslationString

from portail_famille.i18n import TraductionsMemorisees


class Marker(str):
    """Chameleon's default marker: compared by identity."""


def test_fixed_texts_are_translated_once_and_mappings_every_time():
    calls = []

    def translate(msgid, domain=None, mapping=None, context=None, target=None, default=None):
        calls.append(msgid)
        if mapping:
            return str(msgid).replace("${n}", str(mapping["n"]))
        return "traduit:" + str(msgid)

    memo = TraductionsMemorisees(translate)
    assert memo("Accueil", domain="portail_famille") == "traduit:Accueil"
    assert memo("Accueil", domain="portail_famille") == "traduit:Accueil"
    assert calls == ["Accueil"]
    # another domain is another text
    memo("Accueil", domain="autre")
    assert calls == ["Accueil", "Accueil"]
    assert memo("${n} message(s)", mapping={"n": 2}) == "2 message(s)"
    assert memo("${n} message(s)", mapping={"n": 3}) == "3 message(s)"
    ts = TranslationString("${n} jour(s)", mapping={"n": 4})
    memo(ts)
    memo(ts)
    assert calls[-4:] == ["${n} message(s)", "${n} message(s)", ts, ts]


def test_the_default_marker_comes_back_by_identity():
    def translate(msgid, domain=None, mapping=None, context=None, target=None, default=None):
        return default  # not translated: Chameleon's sentinel comes back

    memo = TraductionsMemorisees(translate)
    first, second = Marker(""), Marker("")
    assert memo("Sans traduction", default=first) is first
    assert memo("Sans traduction", default=second) is second


def test_objet_finds_by_oid_and_tells_a_missing_one(app):
    from substanced.util import get_oid

    from portail_famille.util import objet

    from ..conftest import with_root

    def check(root, registry):
        user = root["principals"]["users"]["jean.dupont"]
        assert objet(root, get_oid(user)) is user
        assert objet(root, 123456789) is None

    with_root(app.app, check)
