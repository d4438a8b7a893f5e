"""Who sees a Document: its ``cible`` and the principals it names.

A Document's ``cible`` is ``TOUTES`` (every family: the ``familles`` group)
or "structure:<oid>" / "prestation:<oid>": the families with a child
enrolled this school year in that structure or prestation.  Such a parent
acts as "inscrit:structure:<oid>" and "inscrit:prestation:<oid>" for each
inscription of his children this school year; the authentication policy
(comptes.auth) adds these principals (this module is registered as their
source by the domain's includeme) only on the requests where they can
matter (``concerne``): the pages under ``documents/`` and the family's
documents page, so that no other page pays for them.
"""

from pyramid.traversal import find_root
from substanced.util import get_oid

from .. import dates
from ..i18n import _

TOUTES = "familles"
PREFIXE = "inscrit:"
DOSSIER = "documents"  # the root folder
VUE = "documents"  # the family's page (a view on the Famille)
_CACHE = "_portail_documents"


def principal(cible):
    """ "prestation:123" -> "inscrit:prestation:123"."""
    return PREFIXE + cible


def concerne(request):
    """Whether ``request`` reaches a document or the documents page (read
    from what traversal left in the request: nothing is computed)."""
    attrs = request.__dict__
    if attrs.get("view_name") == VUE:
        return True
    traversed = attrs.get("traversed")
    return bool(traversed) and traversed[0] == DOSSIER


def principaux_de(famille, jour):
    """The "inscrit:..." principals of ``famille`` on ``jour``: its
    children's inscriptions of the school year of ``jour`` (in summer,
    between two years: of the next one)."""
    from ..inscriptions import annees_courante_et_suivante, prestation_de

    libelles = annees_courante_et_suivante(famille, jour)[:1]
    enfants = famille.get("enfants")
    if not libelles or enfants is None:
        return []
    found = set()
    for enfant in enfants.values():
        for inscription in enfant.inscriptions.values():
            if inscription.annee != libelles[0]:
                continue
            found.add(principal("prestation:%s" % inscription.prestation))
            prestation = prestation_de(famille, inscription.prestation)
            if prestation is not None:
                found.add(principal("structure:%s" % get_oid(prestation.__parent__)))
    return sorted(found)


def principaux(request, user):
    """The "inscrit:..." principals of ``user``'s family (once a request)."""
    from ..familles.resources import famille_of

    cached = request.__dict__.get(_CACHE)
    if cached is not None and cached[0] is user:
        return cached[1]
    famille = famille_of(user) if user is not None else None
    found = principaux_de(famille, dates.today()) if famille is not None else []
    request.__dict__[_CACHE] = (user, found)
    return found


def cibles(context, request):
    """[(cible, label)]: every family, then each structure and its
    prestations."""
    translate = request.localizer.translate
    found = [(TOUTES, translate(_("Toutes les familles")))]
    structures = find_root(context).get("structures")
    for structure in structures.values() if structures is not None else ():
        if not hasattr(structure, "prestations"):
            continue
        found.append(
            (
                "structure:%s" % get_oid(structure),
                translate(
                    _(
                        "Familles ayant un enfant inscrit à : ${structure}",
                        mapping={"structure": structure.title},
                    )
                ),
            )
        )
        for prestation in structure.prestations():
            found.append(
                (
                    "prestation:%s" % get_oid(prestation),
                    translate(
                        _(
                            "Familles ayant un enfant inscrit à : ${structure} — ${prestation}",
                            mapping={"structure": structure.title, "prestation": prestation.title},
                        )
                    ),
                )
            )
    return found


def libelle(context, request, cible):
    """The label of ``cible`` (that of a removed structure or prestation
    says so)."""
    for value, label in cibles(context, request):
        if value == cible:
            return label
    return request.localizer.translate(_("Structure ou prestation supprimée : personne"))
