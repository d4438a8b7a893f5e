"""Translation strings of the portal (domain ``portail_famille``).

Message ids are the French texts themselves: French is the language of the
product, and a catalog can still translate them (or adapt them per town).
"""

from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("portail_famille")
