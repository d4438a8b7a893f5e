"""Translation strings of the portal (domain ``portail_famille``).

Message ids are the French texts themselves: French is the language of the
product, and a catalog can still translate them (or adapt them per town).
"""

from pyramid.i18n import TranslationStringFactory
from pyramid.threadlocal import get_current_request
from pyramid_chameleon.interfaces import IChameleonTranslate

_ = TranslationStringFactory("portail_famille")


class TraductionsMemorisees:
    """Chameleon's translate function, remembering the translation of each
    text without variables, per language: the catalogs do not change while
    the process runs, and a page translates its ~30 fixed labels on every
    request.  Texts with a mapping are translated every time."""

    LIMITE = 4096  # texts remembered (the templates' labels are fewer)

    def __init__(self, translate):
        self.translate = translate
        self.memoire = {}

    def __call__(
        self, msgid, domain=None, mapping=None, context=None, target_language=None, default=None
    ):
        if mapping or getattr(msgid, "mapping", None) or not isinstance(default, (str, type(None))):
            return self.translate(msgid, domain, mapping, context, target_language, default)
        request = get_current_request()
        langue = request.localizer.locale_name if request is not None else None
        key = (
            str(msgid),
            getattr(msgid, "domain", None),
            domain,
            getattr(msgid, "default", None),
            # Chameleon compares the result to ``default`` by identity (a
            # marker): remember whether the default came back, not the text.
            default is None,
            str(default) if default is not None else None,
            target_language,
            langue,
        )
        found = self.memoire.get(key)
        if found is not None:
            texte, est_defaut = found
            return default if est_defaut else texte
        texte = self.translate(msgid, domain, mapping, context, target_language, default)
        if len(self.memoire) < self.LIMITE:
            self.memoire[key] = (texte, default is not None and texte is default)
        return texte


def memoriser_traductions(registry):
    translate = registry.queryUtility(IChameleonTranslate)
    if translate is not None and not isinstance(translate, TraductionsMemorisees):
        registry.registerUtility(TraductionsMemorisees(translate), IChameleonTranslate)


def includeme(config):
    # After pyramid_chameleon registers its translate function (order=1000).
    config.action(None, callable=memoriser_traductions, args=(config.registry,), order=1001)
