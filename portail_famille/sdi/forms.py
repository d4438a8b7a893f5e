"""What the SDI add views of every domain share."""

import deform
from pyramid.httpexceptions import HTTPFound
from substanced.form import FormView

from ..i18n import _

FORM = "substanced.sdi:templates/form.pt"


class AddView(FormView):
    """A deform add form with the French "Ajouter" button; ``ajouter_success``
    adds the object and calls ``added`` to show its properties."""

    buttons = (deform.Button("ajouter", _("Ajouter")),)

    def added(self, obj):
        return HTTPFound(self.request.sdiapi.mgmt_path(obj, "@@properties"))
