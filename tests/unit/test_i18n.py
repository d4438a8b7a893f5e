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
    # a text with variables: looked up once, its variables put in each time
    assert memo("${n} message(s)", mapping={"n": 2}) == "traduit:2 message(s)"
    assert memo("${n} message(s)", mapping={"n": 3}) == "traduit:3 message(s)"
    assert calls == ["Accueil", "Accueil", "${n} message(s)"]
    # a TranslationString bringing its own mapping is translated every time
    ts = TranslationString("${n} jour(s)", mapping={"n": 4})
    memo(ts)
    memo(ts)
    assert calls[-2:] == [ts, ts]


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


def test_texts_with_variables_come_out_as_translationstring_makes_them():
    from translationstring import ChameleonTranslate, Translator

    class Catalog:
        """A catalog translating one text (with a variable) to English."""

        def dugettext(self, domain, msgid):
            return {"Bonjour ${nom}": "Hello ${nom}"}.get(str(msgid), msgid)

    original = ChameleonTranslate(Translator(Catalog()))
    memo = TraductionsMemorisees(original)
    marker = Marker("")
    cases = [
        ("Bonjour ${nom}", {"nom": "JEAN"}, None),
        ("Bonjour ${nom}", {"nom": "<b>X</b>"}, None),
        ("Solde de ${solde} €", {"solde": "0,00"}, None),
        ("Solde de ${solde} €", {"solde": "1,00"}, "Solde de ${solde} €"),
        ("Pas de variable", {"x": "1"}, None),
        ("$${nom} reste", {"nom": "A"}, None),
    ]
    for _round in range(2):  # the second round answers from memory
        for msgid, mapping, default in cases:
            expected = original(msgid, domain="portail_famille", mapping=mapping, default=default)
            got = memo(msgid, domain="portail_famille", mapping=mapping, default=default)
            assert got == expected, (msgid, mapping)
    assert memo("Inconnu ${n}", mapping={"n": "1"}, default=marker) == original(
        "Inconnu ${n}", mapping={"n": "1"}, default=marker
    )


def test_traduire_asks_the_catalog_once_and_puts_variables_in_each_time():
    from pyramid.testing import DummyRequest

    from portail_famille.i18n import _, traduire

    asked = []

    class Localizer:
        locale_name = "test"

        def translate(self, ts):
            asked.append(str(ts))
            assert not ts.mapping
            return "Print invoice ${numero} (PDF)"

    request = DummyRequest()
    request.localizer = Localizer()
    texte = _("Imprimer la facture ${numero} (PDF) — test", mapping={"numero": "AL-36"})
    assert traduire(request, texte) == "Print invoice AL-36 (PDF)"
    again = _("Imprimer la facture ${numero} (PDF) — test", mapping={"numero": "AL-12"})
    assert traduire(request, again) == "Print invoice AL-12 (PDF)"
    assert asked == ["Imprimer la facture ${numero} (PDF) — test"]
    assert traduire(request, "déjà du texte") == "déjà du texte"
