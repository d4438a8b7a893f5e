"""Translation strings of the portal (domain ``portail_famille``).

Message ids are the French texts themselves: French is the language of the
product, and a catalog can still translate them (or adapt them per town).
"""

from pyramid.i18n import TranslationStringFactory
from pyramid.threadlocal import get_current_request
from pyramid_chameleon.interfaces import IChameleonTranslate
from translationstring import TranslationString

_ = TranslationStringFactory("portail_famille")


class TraductionsMemorisees:
    """Chameleon's translate function, remembering the translation of each
    text per language: the catalogs do not change while the process runs,
    and a page translates its ~30 labels on every request.  A text with
    variables (``i18n:name``) is looked up once too, then its variables are
    put in as translationstring does."""

    LIMITE = 4096  # texts remembered (the templates' labels are fewer)

    def __init__(self, translate):
        self.translate = translate
        self.memoire = {}

    def __call__(
        self, msgid, domain=None, mapping=None, context=None, target_language=None, default=None
    ):
        if msgid.__class__ is not str and not isinstance(msgid, TranslationString):
            # another str subclass (a security.Permission in an ACL the
            # SDI's Security tab shows): its text, as for a plain str
            msgid = str(msgid)
        plain = msgid.__class__ is str  # Chameleon's own texts: the common case
        if (
            plain
            and mapping is None
            and context is None
            and target_language is None
            and (default is None or isinstance(default, str))
        ):
            # the fastest way for the most frequent call: a fixed label
            request = get_current_request()
            langue = request.localizer.locale_name if request is not None else None
            found = self.memoire.get((msgid, domain, default, None, None, langue))
            if found is not None:
                return default if found[1] else found[0]
        if not (
            (default is None or isinstance(default, str))
            and (context is None or isinstance(context, str))
            and (plain or (isinstance(msgid, str) and not getattr(msgid, "mapping", None)))
            and (not mapping or (plain and isinstance(mapping, dict)))
        ):
            return self.translate(msgid, domain, mapping, context, target_language, default)
        if mapping:
            motif = self(msgid, domain, None, context, target_language, default)
            # (an empty default, Chameleon's marker, comes back as it is)
            if motif and "$" in motif:
                tstring = TranslationString(msgid, domain, default, mapping, context)
                return tstring.interpolate(motif)
            return motif
        request = get_current_request()
        langue = request.localizer.locale_name if request is not None else None
        if plain:
            key = (msgid, domain, default, context, target_language, langue)
        else:  # a TranslationString without mapping: its domain and default count
            key = (str(msgid), msgid.domain, msgid.default, domain, default, context, langue)
            key += (target_language,)
        found = self.memoire.get(key)
        if found is not None:
            # Chameleon compares the result to ``default`` by identity (a
            # marker): what came back was the default, or a text.
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


_MOTIFS = {}  # (text, domain, default, context, language) -> its translation


def traduire(request, value):
    """``value`` in the request's language when it is a TranslationString
    (anything else comes back as it is).  The catalog is asked once per
    text and language; the variables are put in each time."""
    if not isinstance(value, TranslationString):
        return value
    langue = request.localizer.locale_name
    key = (str(value), value.domain, value.default, value.context, langue)
    motif = _MOTIFS.get(key)
    if motif is None:
        sans_variables = TranslationString(
            str(value), domain=value.domain, default=value.default, context=value.context
        )
        motif = request.localizer.translate(sans_variables)
        if len(_MOTIFS) < TraductionsMemorisees.LIMITE:
            _MOTIFS[key] = motif
    if value.mapping and motif and "$" in motif:
        return value.interpolate(motif)
    return motif
