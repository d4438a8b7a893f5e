"""Every view the application registers, from Pyramid's introspector, and a
real URL for each: the helpers of the access sweep (test_acces_vues.py).

A view registration becomes one line per HTTP method (GET, POST) in the
table of expected answers ``acces_attendu.txt``.  Its URL is built on a
real object of the demo data providing the view's context (DUPONT's own
objects first, so MARTIN replays DUPONT's URLs), with the query string a
real page would send.
"""

import io
import os
import re
from dataclasses import dataclass
from decimal import Decimal

from pypdf import PdfWriter
from pyramid.interfaces import IException, IRoutesMapper
from pyramid.path import AssetResolver
from pyramid.traversal import resource_path
from zope.interface.interface import InterfaceClass

from portail_famille.demo import DUPONT

from ..conftest import csrf, with_root

ROLES = ("anonyme", "dupont", "martin", "agent", "regisseur", "editeur", "admin")
TABLE = os.path.join(os.path.dirname(__file__), "acces_attendu.txt")
DUPONT_PATH = "/familles/%s" % DUPONT["numero"]
# Where a view registered for any context (SDI tabs such as @@properties,
# @@acl_edit, @@undo) is tried: the family record, the most sensitive.
CONTEXTE_GENERIQUE = DUPONT_PATH
# Looked at first when several objects provide a context: DUPONT's own.
PREFERES = (DUPONT_PATH, "/principals/users/jean.dupont")

# --- The views --------------------------------------------------------------------


@dataclass(frozen=True)
class Vue:
    vue: str  # module:callable[.attr][request_param]
    contexte: str  # the context's name, "*" for any
    nom: str  # "@@name" in the SDI, "name" on the portal, "-" the default
    methode: str  # GET or POST
    exception: bool  # an exception view: no URL, listed all the same
    context: object = None
    route: str = None
    param: str = None
    xhr: bool = None
    static: object = None
    predicat_csrf: bool = False  # SubstanceD's check_csrf predicate

    @property
    def cle(self):
        return (self.vue, self.contexte, self.nom, self.methode)


def _nom_du_contexte(context):
    if context is None:
        return "*"
    return getattr(context, "__name__", repr(context))


def _est_exception(view):
    context = view["context"]
    if view["exception_only"]:
        return True
    if isinstance(context, type) and issubclass(context, BaseException):
        return True
    return isinstance(context, InterfaceClass) and context.isOrExtends(IException)


def _param(view):
    param = view.get("request_param")
    if isinstance(param, (tuple, list)):
        param = ",".join(param)
    return param or None


def _libelle(view):
    callable_ = view["callable"]
    module = getattr(callable_, "__module__", "") or type(callable_).__module__
    module = module.removeprefix("portail_famille.")
    name = getattr(callable_, "__name__", None) or type(callable_).__name__
    if view["attr"]:
        name += "." + view["attr"]
    param = _param(view)
    if param:
        name += "[%s]" % param
    if view.get("xhr"):
        name += "[xhr]"
    return "%s:%s" % (module, name)


def vues(registry):
    """Every view registration, one Vue per method, sorted."""
    found = set()
    for item in registry.introspector.get_category("views"):
        view = item["introspectable"]
        route = view.get("route_name")
        exception = _est_exception(view)
        methods = view.get("request_methods")
        if isinstance(methods, str):
            methods = (methods,)
        methods = ("GET", "POST") if methods is None else tuple(sorted(methods))
        methods = [m for m in methods if m in ("GET", "POST")]
        if exception:
            methods = ["EXC"]
        name = view["name"] or ""
        if route == "substanced_manage":
            nom = "@@" + name
        elif route:
            nom = "/%s" % route.strip("_/")
        else:
            nom = name or "-"
        param = _param(view)
        for method in methods:
            found.add(
                Vue(
                    vue=_libelle(view),
                    contexte=_nom_du_contexte(view["context"]),
                    nom=nom,
                    methode=method,
                    exception=exception,
                    context=view["context"],
                    route=route,
                    param=param,
                    xhr=view.get("xhr"),
                    static=view["callable"] if route and route != "substanced_manage" else None,
                    predicat_csrf=bool(view.get("check_csrf")),
                )
            )
    return sorted(found, key=lambda v: v.cle)


# --- The table --------------------------------------------------------------------


def ligne(vue, statuts):
    """One line of the table: the view, then the answer of each role."""
    head = "%-58s %-18s %-26s %-4s" % (vue.vue, vue.contexte, vue.nom, vue.methode)
    return (head + "  " + " ".join("%-6s" % s for s in statuts)).rstrip()


def lire_table(path=TABLE):
    """{(vue, contexte, nom, methode): (statuts per role, exceptions)}.

    A line is ``vue contexte nom methode s1 .. s7 [# note]``; a status is
    an HTTP code, ``cnx`` (sent to the login page) or ``-`` (exception
    views: no URL).  A note ``# ecrit-une-fois: reason`` allows a GET to
    write once (then never again), with the reason."""
    table = {}
    with open(path, encoding="utf-8") as fp:
        for number, raw in enumerate(fp, 1):
            text, _, note = raw.partition("#")
            parts = text.split()
            if not parts:
                continue
            assert len(parts) in (4, 4 + len(ROLES)), "%s:%d: %r" % (path, number, raw)
            cle = tuple(parts[:4])
            assert cle not in table, "%s:%d: twice %r" % (path, number, cle)
            table[cle] = (tuple(parts[4:]), note.strip())
    return table


# --- Real objects for the contexts ------------------------------------------------


def objets(app):
    """[(path, provided interfaces, class)] of the demo tree, DUPONT's first."""

    def walk(root, registry):
        from zope.interface import providedBy

        out = []

        def rec(obj, depth):
            out.append((resource_path(obj), tuple(providedBy(obj).flattened()), type(obj)))
            values = getattr(obj, "values", None)
            if depth > 6 or values is None:
                return
            try:
                children = list(values())
            except TypeError:
                return
            for child in children:
                if getattr(child, "__parent__", None) is obj and hasattr(child, "__name__"):
                    rec(child, depth + 1)

        rec(root, 0)
        return out

    found = with_root(app.app, walk)

    def rang(row):
        for index, prefix in enumerate(PREFERES):
            if row[0] == prefix or row[0].startswith(prefix + "/"):
                return index
        return len(PREFERES)

    return sorted(found, key=rang)  # stable: tree order inside each rank


def chemin_pour(vue, arbre):
    """The path of a real object for ``vue``'s context."""
    context = vue.context
    if context is None:
        return CONTEXTE_GENERIQUE
    for path, provided, cls in arbre:
        if isinstance(context, InterfaceClass):
            if context in provided:
                return path
        elif isinstance(context, type) and issubclass(cls, context):
            return path
    raise AssertionError(
        "no object of the demo data provides %s (view %s): add one in the "
        "fixture of test_acces_vues.py" % (vue.contexte, vue.vue)
    )


def url_statique(app, vue):
    """A real file under a static view."""
    mapper = app.app.registry.getUtility(IRoutesMapper)
    pattern = mapper.get_route(vue.route).pattern
    prefix = "/" + pattern.split("*")[0].strip("/") + "/"
    docroot = vue.static.docroot
    if vue.static.package_name:
        docroot = "%s:%s" % (vue.static.package_name, docroot)
    directory = AssetResolver().resolve(docroot).abspath()
    for dirpath, _, files in sorted(os.walk(directory)):
        for name in sorted(files):
            relative = os.path.relpath(os.path.join(dirpath, name), directory)
            return prefix + relative.replace(os.sep, "/")
    raise AssertionError("empty static directory %s" % directory)


def url_de(app, vue, arbre, requetes):
    """The URL to request ``vue`` with (query string included)."""
    if vue.static is not None:
        return url_statique(app, vue)
    path = chemin_pour(vue, arbre).rstrip("/")
    name = vue.nom
    if vue.route == "substanced_manage":
        url = "/manage" + path + "/" + name
    elif name == "-":
        url = path + "/"
    else:
        url = path + "/" + name
    extra = requetes.get((vue.contexte, vue.nom))
    if extra:
        url += extra
    if vue.param and vue.methode == "GET":
        key, _, value = vue.param.partition("=")
        url += ("&" if "?" in url else "?") + "%s=%s" % (key, value or "1")
    return url


def champs_post(vue, jeton):
    """The body of a POST: the session's token under both names, and the
    request parameter that selects the view."""
    fields = {} if jeton is None else {"csrf_token": jeton, "_csrf_token_": jeton}
    if vue.param:
        key, _, value = vue.param.partition("=")
        fields[key] = value or "1"
    return fields


def en_tetes(vue):
    return {"X-Requested-With": "XMLHttpRequest"} if vue.xhr else {}


def statut(response):
    if response.status_int in (301, 302, 303, 307) and "/connexion?came_from=" in (
        response.location or ""
    ):
        return "cnx"
    return str(response.status_int)


def jeton_de(browser):
    """A valid CSRF token of ``browser``'s session."""
    for url in ("/mot-de-passe", "/connexion"):
        page = browser.get(url, expect_errors=True)
        if page.status_int == 200 and "csrf_token" in page.text:
            return csrf(page)
    raise AssertionError("no page with a token")


# --- The database -----------------------------------------------------------------


def derniere_transaction(app):
    """The id of the last transaction committed to the database."""
    return app.app.registry._zodb_databases[""].lastTransaction()


VETO = "portail.test.veto"


def veto(request, response):
    """``tm.commit_veto`` of the sweep's application: a request sent with
    ``environ[VETO]`` (a list) is always aborted; whether it had anything
    to write (a data manager joined its transaction) is appended to the
    list.  Other requests commit as without a veto (abort on an exception
    view only, pyramid_tm's rule when no veto is set)."""
    marks = request.environ.get(VETO)
    if marks is not None:
        marks.append(bool(request.tm.get()._resources))
        return True
    return getattr(request, "exc_info", None) is not None


# --- Extra data the demo lacks: one of each context -------------------------------


def completer_la_demo(root, registry):
    """An object for each context the demo data has none of: a credit
    note on DUPONT's AL-12, a refund of part of his credit and a cancelled
    payment, a SubstanceD password reset of DUPONT's account, a
    SubstanceD File at the root."""
    import io

    from substanced.util import find_service

    from portail_famille import dates
    from portail_famille.facturation.corrections import annuler_reglement, rembourser
    from portail_famille.facturation.service import emettre_avoir, enregistrer_reglement

    famille = root["familles"][DUPONT["numero"]]
    facture = famille["factures"]["AL-12"]
    regie = next(iter(root["regies"].values()))
    aujourdhui = dates.today()
    emettre_avoir(facture, regie, aujourdhui, "Erreur de saisie", Decimal("1.00"))
    rembourser(famille, regie, aujourdhui, Decimal("0.50"), "virement", "Trop-perçu")
    faux = enregistrer_reglement(famille, regie, aujourdhui, Decimal("3.00"), "especes")
    annuler_reglement(faux, aujourdhui, "Erreur de saisie")
    users = find_service(root, "principals", "users")
    find_service(root, "principals").add_reset(users["jean.dupont"])
    fichier = registry.content.create("File", io.BytesIO(b"texte"), "text/plain")
    root["fichier-de-test"] = fichier


JETON_ICAL = re.compile(r"planning\.ics\?jeton=([A-Za-z0-9_\-]+)")


def pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def preparer_dupont(shared, dupont):
    """Complete the demo (completer_la_demo), then DUPONT writes to the
    service with an attachment (a conversation with a file), asks for a CAF
    change (a Demande) and makes his planning feed.  Returns the URLs of his
    child and of that conversation, and the feed's token."""
    with_root(shared.app, completer_la_demo)
    boite = DUPONT_PATH + "/boite-de-reception"
    page = dupont.get(boite + "?onglet=nouveau")
    fields = {"csrf_token": csrf(page), "structure": "", "objet": "Pièce", "texte": "Ci-joint"}
    dupont.post(boite, fields, upload_files=[("fichier", "a.pdf", pdf())], status=302)
    form = dupont.get(DUPONT_PATH + "/demande-caf").forms["demande"]
    form["numero_allocataire"] = "7654321"
    form.submit("enregistrer", status=302)
    # ... with a supporting document (demandes.pieces: its ?n=1)
    liste = dupont.get(DUPONT_PATH + "/liste-des-demandes?onglet=compte")
    joindre = dupont.get(liste.html.select_one("ul.joindre a")["href"])
    fields = {"csrf_token": csrf(joindre), "nature": "ressources", "envoyer": "1"}
    dupont.post(
        joindre.request.path, fields, upload_files=[("document", "b.pdf", pdf())], status=302
    )

    def chemins(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        avec_fichier = [
            name for name, c in famille["messages"].items() if c.messages[0].fichier is not None
        ]
        return (
            "%s/enfants/%s/" % (DUPONT_PATH, next(iter(famille["enfants"]))),
            "%s/messages/%s" % (DUPONT_PATH, avec_fichier[0]),
        )

    child, conversation = with_root(shared.app, chemins)
    page = dupont.get(child + "agenda")
    feed = dupont.post(child + "agenda", {"csrf_token": csrf(page)})
    return child, conversation, JETON_ICAL.search(feed.text).group(1)
