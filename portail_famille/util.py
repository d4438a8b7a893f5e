"""Small helpers shared by the domains."""

import contextlib
import re
import sys
import unicodedata

from BTrees.OOBTree import OOBTree
from pyramid.paster import bootstrap, setup_logging
from substanced.util import find_objectmap
from zope.interface import Interface


class ContenuPermanent(Exception):
    """Content that is never deleted, renamed, moved or copied (from the
    SDI's contents tab or otherwise); ``args[0]``: the French reason, shown
    in a 403 page (skin.views)."""


class IPermanence(Interface):
    """A function ``motif(obj)``: why ``obj`` must stay (a French message),
    or None.  Registered by the domain that makes content permanent (the
    money domain's includeme: ``facturation.permanence.motif``), asked by
    the SDI's contents tab (``sdi.contenu``), which knows no domain."""


def motif_de_permanence(registry, obj):
    """Why ``obj`` must stay, or None (nothing registered: nothing must)."""
    motif = registry.queryUtility(IPermanence)
    return motif(obj) if motif is not None else None


def root_attribute(root, name, factory):
    """The non-content object ``name`` kept on the root (made on first use):
    counters, tokens, journals that are not content of the tree.  ``getattr``
    loads a ghost root first (its ``__dict__`` is empty until then)."""
    found = getattr(root, name, None)
    if found is None:
        found = factory()
        setattr(root, name, found)
    return found


def arbre(obj, name, create=False):
    """The OOBTree kept in ``obj``'s attribute ``name`` (high-volume data
    that is not content: planning cells, day counters, indexes); None when
    it has none yet, unless ``create``, which makes it.  Reading never
    writes to the database."""
    tree = getattr(obj, name, None)
    if tree is None and create:
        tree = OOBTree()
        setattr(obj, name, tree)
    return tree


def objet(context, oid):
    """The object of SubstanceD oid ``oid``, or None: the objectmap's path
    walked folder by folder (what ``objectmap.object_for`` does through
    Pyramid's general traverser, several times slower: every page asks it
    for the account and the family)."""
    objectmap = find_objectmap(context)
    path = objectmap.path_for(oid) if objectmap is not None else None
    if path is None:
        return None
    found = objectmap.root
    try:
        for name in path[1:]:
            found = found[name]
    except KeyError:
        return None
    return found


def nom_de(title):
    """The object name (URL segment) made from a title:
    "Accueil de Loisirs ALSH" -> "accueil-de-loisirs-alsh"."""
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def nom_libre(folder, title, defaut):
    """A name not yet used in ``folder``, made from ``title`` (at most 60
    characters; ``defaut`` when nothing is left of it), "-2", "-3"... added
    when taken."""
    base = nom_de(title)[:60].strip("-") or defaut
    name, n = base, 1
    while name in folder:
        n += 1
        name = "%s-%d" % (base, n)
    return name


def close_databases(registry):
    """Close the databases a script opened (pyramid_zodbconn keeps them on
    the registry): a console script ends with them."""
    for db in getattr(registry, "_zodb_databases", {}).values():
        db.close()


def usage(argv):
    """A batch script is run as ``<name> <config.ini>``: False when
    ``argv`` is that, else True after the usage is written on stderr (the
    script then exits with 2)."""
    if len(argv) == 2:
        return False
    sys.stderr.write("usage: %s <config.ini>\n" % argv[0])
    return True


@contextlib.contextmanager
def environnement_script(ini, options=None):
    """The application of the configuration ``ini`` for a batch script:
    its logging set up, the environment of ``pyramid.paster.bootstrap``
    (root, registry, request; ``options``: the .ini's variables), its
    databases closed at the end."""
    setup_logging(ini)
    with bootstrap(ini, options=options) as env:
        try:
            yield env
        finally:
            close_databases(env["registry"])
