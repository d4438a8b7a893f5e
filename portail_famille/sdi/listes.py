"""What a staff list asks once per row, asked once per page: the SDI paths
of its objects and the reader's permissions on them.

A list of 20 requests or conversations, each from another family, asked
``request.sdiapi.mgmt_path`` twice a row (Pyramid's general URL
generation: a resource URL adapter, the route's generator, every segment
quoted again) and ``request.has_permission`` once (the reader's principals
computed again, the ACLs of the whole lineage read): about a fifth of the
request queue's CPU.

- ``Chemins``: an object's SDI path is its parent's path, its quoted name
  and "/", as Pyramid builds it (the ``manage`` route's ``*traverse``
  remainder quotes each name with ``PATH_SAFE``, a view name is quoted with
  ``PATH_SEGMENT_SAFE``); the topmost object's path, and everything when a
  virtual root is in use (``X-Vhm-Root``), come from SubstanceD itself.
- ``Droits``: a permission is decided by the first ACL of the context's
  lineage (walking up) that names one of the reader's principals; the ACLs
  below it do not count for this reader.  The answer is asked from Pyramid
  for that object, once per (permission, object) and per request.
"""

from pyramid.location import lineage
from pyramid.traversal import PATH_SAFE, PATH_SEGMENT_SAFE, quote_path_segment

VIRTUAL_ROOT = "HTTP_X_VHM_ROOT"


class Chemins:
    """The SDI paths of many objects of one page."""

    def __init__(self, request):
        self.request = request
        self.memoire = {}  # id(obj) -> (obj, its path ending with "/")
        self.direct = VIRTUAL_ROOT in request.environ

    def dossier(self, obj):
        """``request.sdiapi.mgmt_path(obj, "")``: the object's path, with
        its final "/"."""
        if self.direct:
            return self.request.sdiapi.mgmt_path(obj, "")
        found = self.memoire.get(id(obj))
        if found is not None:
            return found[1]
        parent = getattr(obj, "__parent__", None)
        if parent is None:
            chemin = self.request.sdiapi.mgmt_path(obj, "")
        else:
            # (a nameless object is "" in Pyramid's path: ``_resource_path_list``)
            nom = quote_path_segment(obj.__name__ or "", safe=PATH_SAFE)
            chemin = self.dossier(parent) + nom + "/"
        self.memoire[id(obj)] = (obj, chemin)  # obj kept: its id stays its own
        return chemin

    def vue(self, obj, name):
        """``request.sdiapi.mgmt_path(obj, name)``."""
        return self.dossier(obj) + quote_path_segment(name, safe=PATH_SEGMENT_SAFE)


class Droits:
    """``request.has_permission`` for many objects of one page."""

    def __init__(self, request):
        self.request = request
        self.principals = None
        self.reponses = {}  # (permission, id(object)) -> (object, answer)

    def decideur(self, context):
        """The first object of ``context``'s lineage whose ACL names one of
        the reader's principals (or is computed: it decides by itself);
        the topmost object when none does."""
        location = context
        for location in lineage(context):
            try:
                acl = location.__acl__
            except AttributeError:
                continue
            if acl and callable(acl):
                return location
            for ace in acl:
                if ace[1] in self.principals:
                    return location
        return location

    def permis(self, permission, context):
        """``bool(request.has_permission(permission, context))``."""
        if self.principals is None:
            self.principals = frozenset(self.request.effective_principals)
        decideur = self.decideur(context)
        key = (permission, id(decideur))
        found = self.reponses.get(key)
        if found is None:
            found = (decideur, bool(self.request.has_permission(permission, decideur)))
            self.reponses[key] = found
        return found[1]
