"""SubstanceD's system catalog, for our content.

The system catalog gives every object's name to its text index (the SDI's
filter box), whose lexicon numbers new words in sequence: every new name
writes the lexicon's last bucket.  For content named at random and added
by many people at once (a family's requests), that bucket is the hot spot
of the busiest moments (parents booking the last places of a day), and
nobody searches those random names: such content is not text-indexed.
"""

from substanced.catalog import indexview, indexview_defaults
from zope.interface import Interface


class INomAleatoire(Interface):
    """Content named at random, added by many people at once."""


@indexview_defaults(catalog_name="system")
class SystemIndexViews:
    def __init__(self, resource):
        self.resource = resource

    @indexview(context=INomAleatoire)
    def text(self, default):
        return default
