"""SubstanceD's folder contents tab (``@@contents``), for this site.

- "Supprimer" asks for a confirmation naming what goes (SubstanceD's
  button deleted at once); the confirmation page's button deletes.
- Rename, copy, move, duplicate, paste and reorder are for administrators
  only (``P.SDI_ORGANISER``): staff add, edit and delete (with a
  confirmation) in the folders the role table gives them.
- No button works on what must stay (``util.IPermanence``: the money
  domain registers ``facturation.permanence.motif``, a numbered document,
  a family, child, régie or prestation it names, or a folder holding
  one): the grid disables it on such a row, and a forged
  POST gets the same French refusal (a 403).  Below the screens, the
  folders' guard (the same module) refuses whatever comes another way.

Registered under SubstanceD's own names (the scan of the application wins
over SubstanceD's registrations), for every folder.
"""

from pyramid.httpexceptions import HTTPForbidden
from pyramid.renderers import render_to_response
from substanced.folder import IFolder
from substanced.folder.views import (
    FolderContents,
    FolderServices,
    folder_contents_views,
    has_services,
)
from substanced.sdi import RIGHT, mgmt_view
from substanced.util import find_objectmap

from ..i18n import _
from ..security import P
from ..util import ContenuPermanent, motif_de_permanence

# The buttons SubstanceD offers on selected rows, and who may use them.
SUR_SELECTION = ("rename", "copy", "move", "duplicate", "delete")
ORGANISER = ("rename", "copy", "move", "duplicate", "copy_finish", "move_finish")
REFUS_ORGANISER = _(
    "Renommer, copier, déplacer ou dupliquer est réservé aux administrateurs du portail."
)
REFUS_ACTION = _("Cette action n'est pas proposée ici.")
REFUS_ELEMENT = _("« ${nom} » ne peut être ni supprimé, ni renommé, ni déplacé, ni copié ici.")
CONFIRMATION = "portail_famille.sdi:templates/supprimer.pt"
RENOMMER = "substanced.folder:templates/rename.pt"


def _visible(resource, request):
    """SubstanceD's own rule (``__sdi_deletable__``): False keeps a row
    (a root folder, a family's own folders) out of every action."""
    flag = getattr(resource, "__sdi_deletable__", None)
    if callable(flag):
        flag = flag(resource, request)
    return flag is not False


def _permis(original):
    """The ``enabled_for`` of a button: SubstanceD's condition, if any,
    and nothing that must stay."""

    def enabled_for(folder, resource, request):
        if original is not None and not original(folder, resource, request):
            return False
        return (
            _visible(resource, request) and motif_de_permanence(request.registry, resource) is None
        )

    return enabled_for


def _compte(obj):
    """How many objects are inside ``obj`` (a folder), itself excluded."""
    values = getattr(obj, "values", None)
    if values is None:
        return 0
    try:
        children = list(values())
    except TypeError:
        return 0
    return sum(1 + _compte(child) for child in children)


def bouton_supprimer(name):
    """The view of the confirmation page's button, on the tab ``name``."""
    return mgmt_view(
        context=IFolder,
        name=name,
        request_method="POST",
        request_param="form.supprimer",
        permission=P.SDI_MANAGE_CONTENTS,
        check_csrf=True,
        tab_condition=False,
        attr="supprimer",
    )


@bouton_supprimer("contents")
@folder_contents_views()
class Contenu(FolderContents):
    """The contents tab of every folder."""

    def peut_organiser(self):
        return bool(self.request.has_permission(P.SDI_ORGANISER, self.context))

    def get_default_buttons(self):
        organiser = self.peut_organiser()
        gerer = bool(self.request.has_permission(P.SDI_MANAGE_CONTENTS, self.context))
        groups = []
        for group in super().get_default_buttons():
            buttons = []
            for button in group["buttons"]:
                ident = button["id"]
                if ident in ORGANISER and not organiser:
                    continue
                if ident == "delete" and not gerer:
                    continue
                if ident in SUR_SELECTION:
                    button = dict(button, enabled_for=_permis(button.get("enabled_for")))
                if ident == "duplicate":
                    # SubstanceD's French catalog says "Coller" (paste)
                    button["text"] = _("Dupliquer")
                buttons.append(button)
            if buttons:
                groups.append(dict(group, buttons=buttons))
        return groups

    # --- what a POST may do --------------------------------------------------

    def _bouton(self, ident):
        """The button ``ident`` as this folder offers it, or None."""
        for group in self.get_buttons():
            for button in group["buttons"]:
                if button["id"] == ident:
                    return button
        return None

    def _selection(self, ident, names=None):
        """The selected objects ``ident`` may act on; a French 403 for an
        action the tab does not offer here or an object it refuses."""
        if ident in ORGANISER and not self.peut_organiser():
            raise HTTPForbidden(detail=REFUS_ORGANISER)
        button = self._bouton(ident)
        if button is None:
            raise HTTPForbidden(detail=REFUS_ACTION)
        names = self.modified_items() if names is None else names
        found = [self.context.get(name) for name in names if isinstance(name, str)]
        found = [obj for obj in found if obj is not None]
        self._verifier(found, button)
        return found

    def _verifier(self, objs, button=None):
        condition = button.get("enabled_for") if button is not None else None
        for obj in objs:
            reason = motif_de_permanence(self.request.registry, obj)
            if reason is not None:
                raise ContenuPermanent(reason)
            if condition is not None and not condition(self.context, obj, self.request):
                raise HTTPForbidden(detail=_(REFUS_ELEMENT, mapping={"nom": obj.__name__}))

    def _objets_en_session(self, key):
        objectmap = find_objectmap(self.context)
        oids = self.request.session.get(key) or ()
        return [obj for obj in map(objectmap.object_for, oids) if obj is not None]

    # --- delete, with a confirmation ----------------------------------------

    def delete(self):
        """The confirmation page: what goes, the contents of folders
        included; nothing deleted yet."""
        found = self._selection("delete")
        if not found:
            self.request.sdiapi.flash(
                self.request.localizer.translate(_("Aucun élément sélectionné.")), "warning"
            )
            return self.get_redirect_response()
        elements = [
            {
                "nom": obj.__name__,
                "titre": getattr(obj, "title", None) or obj.__name__,
                "contenu": _compte(obj),
            }
            for obj in found
        ]
        values = {
            "elements": elements,
            "selection": "/".join(e["nom"] for e in elements),
            "retour": self.request.sdiapi.mgmt_path(self.context, "@@" + self.request.view_name),
        }
        return render_to_response(CONFIRMATION, values, request=self.request)

    def supprimer(self):
        """ "Supprimer définitivement", from the confirmation page."""
        found = self._selection("delete")
        if not found:
            return self.delete()  # nothing selected: said so
        for obj in found:
            del self.context[obj.__name__]
        self.request.sdiapi.flash(
            self.request.localizer.translate(
                _("${nombre} élément(s) supprimé(s).", mapping={"nombre": len(found)})
            ),
            "success",
        )
        return self.get_redirect_response()

    # --- administrators only, never on what must stay -----------------------

    def duplicate(self):
        self._selection("duplicate")
        return super().duplicate()

    def rename(self):
        self._selection("rename")
        result = super().rename()
        if isinstance(result, dict):
            # SubstanceD names its template relative to the registering
            # package: this one's registration needs it in full.
            return render_to_response(RENOMMER, result, request=self.request)
        return result

    def rename_finish(self):
        if self.request.POST.get("form.rename_finish") != "cancel":
            self._selection("rename", self.request.POST.getall("item-rename"))
        return super().rename_finish()

    def copy(self):
        self._selection("copy")
        return super().copy()

    def copy_finish(self):
        self._selection_en_session("copy_finish", "tocopy")
        return super().copy_finish()

    def move(self):
        self._selection("move")
        return super().move()

    def move_finish(self):
        self._selection_en_session("move_finish", "tomove")
        return super().move_finish()

    def _selection_en_session(self, ident, key):
        if not self.peut_organiser():
            raise HTTPForbidden(detail=REFUS_ORGANISER)
        self._verifier(self._objets_en_session(key))

    def reorder_rows(self):
        if not self.peut_organiser():
            raise HTTPForbidden(detail=REFUS_ORGANISER)
        return super().reorder_rows()


@bouton_supprimer("services")
@folder_contents_views(
    name="services",
    tab_title=_("Outils du site"),
    tab_near=RIGHT,
    view_permission=P.SDI_VIEW_SERVICES,
    tab_condition=has_services,
)
class Services(Contenu, FolderServices):
    """The Services tab of a folder (the catalogs, the accounts): the same
    rules, a service deleted after a confirmation."""
