"""SDI screens of the news (editors and agents, ``P.SDI_*`` and
``P.ACTUALITE_PUBLIER`` on ``actualites/`` only):

- ``/manage/actualites/@@add_actualite``: a new item (a draft);
- ``.../<item>/@@modifier``: its title, text and image;
- ``.../<item>/@@publication``: its state and the buttons of the
  transitions the editor may make (publish, withdraw, archive, publish
  again);
- ``.../<item>/@@apercu``: the item as families will read it.
"""

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from substanced.form import FormView
from substanced.sdi import LEFT, mgmt_view
from substanced.workflow import WorkflowError

from .. import dates, fichiers
from ..i18n import _
from ..sdi.forms import FORM, AddView
from ..security import P
from ..util import nom_libre
from . import schemas
from .publication import ETATS, TRANSITIONS, WORKFLOW, etat
from .resources import IActualite, IActualites


def _image(appstruct):
    """The checked image of the form (the validator read it once), or None."""
    lu = fichiers.lire(appstruct.get("image"), types=schemas.IMAGES)
    if lu is None:
        return None
    data, mimetype = lu
    return fichiers.Fichier(data, mimetype, appstruct["image"].get("filename"))


class _Echec:
    def failure(self, e):
        """400, the messages next to the fields; the file input shown empty
        (the upload is not kept: the editor chooses the file again)."""
        self.request.response.status = 400
        for child in e.field.children:
            if child.name == "image":
                child.cstruct = colander.null
        return {"form": e.render()}


@mgmt_view(
    context=IActualites,
    name="add_actualite",
    permission=P.SDI_ADD,
    renderer=FORM,
    tab_condition=False,
)
class AddActualiteView(_Echec, AddView):
    title = _("Ajouter une actualité")
    schema = schemas.ActualiteSchema()

    def ajouter_success(self, appstruct):
        registry = self.request.registry
        item = registry.content.create(
            "Actualite",
            titre=appstruct["titre"],
            texte=appstruct["texte"],
            image=_image(appstruct),
        )
        self.context.add(
            nom_libre(self.context, appstruct["titre"], "actualite"), item, registry=registry
        )
        self.request.sdiapi.flash(
            self.request.localizer.translate(
                _("Actualité enregistrée en brouillon : publiez-la depuis l'onglet Publication.")
            ),
            "success",
        )
        return HTTPFound(self.request.sdiapi.mgmt_path(item, "@@publication"))


@mgmt_view(
    context=IActualite,
    name="modifier",
    permission=P.SDI_EDIT,
    renderer=FORM,
    tab_title=_("Modifier"),
    tab_near=LEFT,
)
class ModifierActualiteView(_Echec, FormView):
    title = _("Modifier l'actualité")
    schema = schemas.ModifierActualiteSchema()
    buttons = (deform.Button("enregistrer", _("Enregistrer")),)

    def show(self, form):
        item = self.context
        return {"form": form.render({"titre": item.titre, "texte": item.texte})}

    def enregistrer_success(self, appstruct):
        item = self.context
        image = _image(appstruct)
        item.titre = appstruct["titre"]
        item.texte = appstruct["texte"]
        if image is not None:
            item.image = image
        elif appstruct.get("supprimer_image"):
            item.image = None
        item.modifiee_le = dates.horodatage()
        folder = item.__parent__
        if IActualites.providedBy(folder):
            folder.rafraichir()
        self.request.sdiapi.flash(
            self.request.localizer.translate(_("Actualité enregistrée.")), "success"
        )
        return HTTPFound(self.request.sdiapi.mgmt_path(item, "@@modifier"))


@mgmt_view(
    context=IActualite,
    name="publication",
    permission=P.ACTUALITE_PUBLIER,
    renderer="templates/sdi_publication.pt",
    tab_title=_("Publication"),
    request_method="GET",
)
def publication(context, request):
    translate = request.localizer.translate
    transitions = [
        {"name": t["name"], "title": translate(TRANSITIONS[t["name"]][2])}
        for t in WORKFLOW.get_transitions(context, request)
    ]
    return {
        "etat": translate(ETATS[etat(context)]),
        "etat_code": etat(context),
        "creee_le": dates.moment(context.creee_le),
        "modifiee_le": dates.moment(context.modifiee_le),
        "publiee_le": dates.moment(context.publiee_le),
        "transitions": transitions,
        "action": request.sdiapi.mgmt_path(context, "@@publication"),
        "public_url": request.resource_path(context),
    }


@mgmt_view(
    context=IActualite,
    name="publication",
    permission=P.ACTUALITE_PUBLIER,
    request_method="POST",
    tab_condition=False,
)
def transition(context, request):
    name = request.POST.get("transition")
    translate = request.localizer.translate
    if not isinstance(name, str) or name not in TRANSITIONS:
        request.sdiapi.flash(translate(_("Cette action n'existe pas.")), "danger")
    else:
        try:
            WORKFLOW.transition(context, request, name)
        except WorkflowError:
            request.sdiapi.flash(
                translate(_("Cette action n'est pas possible dans l'état actuel de l'actualité.")),
                "danger",
            )
        else:
            request.sdiapi.flash(
                translate(
                    _(
                        "Actualité : ${etat}.",
                        mapping={"etat": translate(ETATS[etat(context)])},
                    )
                ),
                "success",
            )
    return HTTPFound(request.sdiapi.mgmt_path(context, "@@publication"))


@mgmt_view(
    context=IActualite,
    name="apercu",
    permission=P.SDI_VIEW,
    renderer="templates/sdi_apercu.pt",
    tab_title=_("Aperçu"),
)
def apercu(context, request):
    return {
        "titre": context.titre,
        "html": context.html,
        "image_url": request.resource_path(context, "@@image") if context.image else None,
        "etat": request.localizer.translate(ETATS[etat(context)]),
    }
