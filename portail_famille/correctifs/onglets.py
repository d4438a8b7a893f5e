"""SubstanceD 1.0b1's management tabs: ``substanced.sdi.sdi_mgmt_views``.

Every SDI page draws its tabs with ``sdi_mgmt_views``.  Upstream asks the
introspector for every registered "sdi view" on each call (a sort of the
whole category, and its related views looked up again) and builds the
path of each of them, about 250 ``resource_path`` calls on the portal,
before it looks whether the view is for this kind of context at all.  The
agent's request queue (``/manage/@@demandes``) spent 88 % of its CPU
there (cProfile, demo database: 3.69 of 4.18 s over 50 pages).

``onglets_sans_chemins_inutiles``: the same function, with the same
answers in the same order, except that (1) the "sdi views" and their
Pyramid views are read from the introspector once per registry (the
configuration is committed before the first request, and never changes
after), (2) the views for a kind of context (its class and the
interfaces it provides) are found once per kind and (3) a view's path is
built only when its name and tab condition have let it through (the
predicates read it), by quoting its name after the context's path, as
``resource_path`` does.
"""

import operator

from pyramid.request import Request
from pyramid.traversal import PATH_SEGMENT_SAFE, quote_path_segment
from pyramid.util import FIRST, LAST, TopologicalSorter
from substanced.sdi import CENTER1, CENTER2, MAX_ORDER
from substanced.util import _
from zope.interface import Interface, providedBy
from zope.interface.interfaces import IInterface

from .amont import Amont, garder, remplacer

SUBSTANCED = ("substanced", "1.0b1")
ONGLETS = "substanced.sdi:sdi_mgmt_views"
# Where upstream's function is also held: as a class's static method, and
# imported by name.
METHODES = (
    "substanced.sdi:sdiapi.sdi_mgmt_views",
    "substanced.sdi.views.manage:ManagementViews.sdi_mgmt_views",
)
IMPORTEE = "substanced.folder.views:sdi_mgmt_views"

AMONT = (Amont(ONGLETS, *SUBSTANCED, "2a04ca70fc67fe35"),)

# Upstream's, kept before any patch: the modules that import the function
# by name are imported here, before it is replaced.
_AMONT = garder(ONGLETS)
for _cible in (IMPORTEE, *METHODES):
    garder(_cible)

_VUES = "_portail_vues_sdi"
_PAR_GENRE = "_portail_vues_sdi_par_genre"


def vues_sdi(registry):
    """[(view name, context, derived view, tab title, condition, before,
    after)] of every "sdi view", read from the introspector once."""
    found = registry.__dict__.get(_VUES)
    if found is None:
        found = []
        for data in registry.introspector.get_category("sdi views"):
            sdi_intr = data["introspectable"]
            for view_intr in data["related"]:
                if view_intr.category_name != "views":
                    continue
                found.append(
                    (
                        view_intr["name"],
                        view_intr["context"],
                        view_intr["derived_callable"],
                        sdi_intr["tab_title"],
                        sdi_intr["tab_condition"],
                        sdi_intr["tab_before"],
                        sdi_intr["tab_after"],
                    )
                )
        registry.__dict__[_VUES] = found
    return found


def _rang(context, intr_context, sro_enum):
    """The view's place in the context's resolution order (MAX_ORDER when
    none), or None when the view is not for this context."""
    if intr_context is None:
        intr_context = Interface
    if IInterface.providedBy(intr_context):
        if not intr_context.providedBy(context):
            return None
        for i, spec in sro_enum:
            if spec is intr_context:
                return i
        return MAX_ORDER
    if isinstance(context, intr_context):
        for i, spec in sro_enum:
            if spec.implementedBy(intr_context):
                return i
        return MAX_ORDER
    return None


def vues_du_genre(context, registry):
    """[(sro index, view)] of the "sdi views" for ``context``'s kind (its
    class and what it provides), found once per kind."""
    sro = providedBy(context).__sro__
    key = (type(context), sro)
    par_genre = registry.__dict__.setdefault(_PAR_GENRE, {})
    found = par_genre.get(key)
    if found is None:
        sro_enum = list(enumerate(sro[:-1]))
        found = []
        for vue in vues_sdi(registry):
            sro_index = _rang(context, vue[1], sro_enum)
            if sro_index is not None:
                found.append((sro_index, vue))
        par_genre[key] = found
    return found


def sdi_mgmt_views(context, request, names=None):
    if not hasattr(context, "__name__"):
        return []
    req = Request(request.environ.copy())
    req.script_name = request.script_name
    req.context = context
    req.matched_route = request.matched_route
    req.method = "GET"
    req.registry = request.registry
    mgmt_path = request.sdiapi.mgmt_path
    # resource_path(obj, name) is the object's path (ending with "/") and
    # the quoted name.
    chemin, chemin_page = mgmt_path(context, ""), mgmt_path(request.context, "")
    unordered = []
    for sro_index, vue in vues_du_genre(context, request.registry):
        view_name, _intr_context, derived, title, condition, before, after = vue
        if names is not None and view_name not in names:
            continue
        if condition is not None and names is None:
            if callable(condition):
                if not condition(context, request):
                    continue
            elif not condition:
                continue
        req.path_info = chemin + quote_path_segment(view_name, safe=PATH_SEGMENT_SAFE)
        if hasattr(derived, "__predicated__") and not derived.__predicated__(context, req):
            continue
        if hasattr(derived, "__permitted__") and not derived.__permitted__(context, req):
            continue
        unordered.append(
            {
                "view_name": view_name,
                "tab_before": before,
                "tab_after": after,
                "title": _(title or view_name.capitalize()),
                "class": "active" if view_name == request.view_name else None,
                "predicate_order": getattr(derived, "__order__", MAX_ORDER),
                "sro_index": sro_index,
                "url": chemin_page + quote_path_segment("@@%s" % view_name, safe=PATH_SEGMENT_SAFE),
            }
        )
    return _ordonner(context, request, unordered)


def _ordonner(context, request, unordered):
    """Upstream's ordering, unchanged: the first of each name by (sro_index,
    predicate_order), the content type's ``tab_order`` first, then titles
    sorted topologically by their before/after."""
    unordered.sort(key=lambda s: (s["sro_index"], s["predicate_order"]))
    deduplicated = []
    view_names = set()
    for view_data in unordered:
        if view_data["view_name"] not in view_names:
            view_names.add(view_data["view_name"])
            deduplicated.append(view_data)
    manually_ordered = []
    tab_order = request.registry.content.metadata(context, "tab_order")
    if tab_order is not None:
        present = [x["view_name"] for x in deduplicated]
        for ordered_name in [y for y in tab_order if y in present]:
            for view_data in unordered[:]:
                if view_data["view_name"] == ordered_name:
                    deduplicated.remove(view_data)
                    manually_ordered.append(view_data)
    lexically_ordered = sorted(deduplicated, key=operator.itemgetter("title"), reverse=True)
    tsorter = TopologicalSorter(default_after=CENTER1, default_before=CENTER2)
    tsorter.add(CENTER1, None, after=FIRST, before=CENTER2)
    tsorter.add(CENTER2, None, after=CENTER1, before=LAST)
    for view_data in lexically_ordered:
        tsorter.add(
            view_data["view_name"],
            view_data,
            before=view_data.get("tab_before", None),
            after=view_data.get("tab_after", None),
        )
    topo_ordered = [x[1] for x in tsorter.sorted() if x[0] not in (CENTER1, CENTER2)]
    return manually_ordered + topo_ordered


def onglets_sans_chemins_inutiles():
    """SubstanceD's tabs, found without building the path of every view.

    Upstream wrong: ``sdi_mgmt_views`` reads the whole "sdi views"
    category from the introspector and builds the path of each of its
    views (about 250 ``resource_path`` calls) on every SDI page, before it
    checks that a view is for the context at all.
    Effect on us: 88 % of the CPU of the agent's request queue (cProfile,
    demo database); 8.6 ms of CPU a page in process, 3.3 ms with the fix.
    Upstream: substanced 1.0b1, ``substanced/sdi/__init__.py``,
    ``sdi_mgmt_views`` (no upstream issue found).
    """
    remplacer(ONGLETS, sdi_mgmt_views)
    remplacer(IMPORTEE, sdi_mgmt_views)
    for cible in METHODES:
        remplacer(cible, staticmethod(sdi_mgmt_views))
